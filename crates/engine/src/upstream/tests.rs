//! Registration to carriers against a fake (`fake.rs`): the REGISTERs sent read as text, the
//! carrier's answers written as text, tokio's clock paused and moved by hand. Each test is named
//! after the rule it proves.

use super::*;
use crate::fake::{Fake, LOCAL, parse};
use sb_domain::ids::TrunkId;
use sb_sip::digest::{Algorithm, Credentials};

const CARRIER: &str = "203.0.113.5:5060";

fn trunk() -> Trunk {
    Trunk {
        id: TrunkId::from_raw("trunk-1"),
        company_id: None,
        name: "Carrier".to_owned(),
        address: CARRIER.to_owned(),
        username: Some("acme".to_owned()),
        password: Some("s3cret".to_owned()),
        register: true,
        emergency: false,
        inbound: "tcp".to_owned(),
        inbound_secret: None,
        max_calls: 0,
        created_at: 0,
    }
}

async fn settle() {
    for _ in 0..50 {
        tokio::task::yield_now().await;
    }
}

/// The carrier's answer `status` to `request`, with `extra` header lines.
fn carrier_answer(request: &Message, status: &str, extra: &str) -> Message {
    let h = |n| request.header(n).unwrap_or_default();
    parse(&format!(
        "SIP/2.0 {status}\r\nVia: {}\r\nFrom: {}\r\nTo: {};tag=cr\r\nCall-ID: {}\r\nCSeq: {}\r\n\
         {extra}Content-Length: 0\r\n\r\n",
        h("via"),
        h("from"),
        h("to"),
        h("call-id"),
        h("cseq"),
    ))
}

/// The one REGISTER sent since the last look.
fn one_register(fake: &Fake) -> Message {
    let sent = fake.take_sent();
    assert_eq!(sent.len(), 1, "{sent:#?}");
    assert_eq!(sent[0].1.to_string(), CARRIER);
    parse(&sent[0].0)
}

const CHALLENGE: &str = "WWW-Authenticate: Digest realm=\"carrier.example\", nonce=\"n1\", qop=\"auth\", algorithm=MD5\r\n";

#[tokio::test(start_paused = true)]
async fn a_carriers_digest_challenge_is_answered_once_with_the_trunks_credentials_rfc_2617() {
    let fake = Arc::new(Fake::default());
    let task = {
        let fake = fake.clone();
        tokio::spawn(async move { register(fake.as_ref(), &trunk()).await })
    };
    settle().await;
    let first = one_register(&fake);
    assert_eq!(first.uri(), Some("sip:203.0.113.5:5060"));
    assert_eq!(first.header("to"), Some("<sip:acme@203.0.113.5:5060>"));
    assert_eq!(
        first.header("contact"),
        Some(format!("<sip:acme@{LOCAL}>").as_str())
    );
    assert_eq!(first.header("cseq"), Some("1 REGISTER"));
    assert_eq!(first.header("expires"), Some("600"));
    assert_eq!(first.header("authorization"), None);

    assert!(fake.answer(&carrier_answer(&first, "401 Unauthorized", CHALLENGE)));
    settle().await;
    let second = one_register(&fake);
    // The same registration (Call-ID, From tag), the next CSeq (RFC 3261 §10.2.4), a new
    // transaction.
    assert_eq!(second.header("call-id"), first.header("call-id"));
    assert_eq!(second.header("from"), first.header("from"));
    assert_eq!(second.header("cseq"), Some("2 REGISTER"));
    assert_ne!(second.header("via"), first.header("via"));
    let given = second.header("authorization").unwrap();
    let c: Credentials = digest::parse_credentials(given).unwrap();
    assert_eq!(
        (c.username.as_str(), c.realm.as_str(), c.nonce.as_str()),
        ("acme", "carrier.example", "n1")
    );
    assert_eq!(c.uri, "sip:203.0.113.5:5060");
    assert_eq!(
        (c.qop.as_deref(), c.nc.as_deref()),
        (Some("auth"), Some("00000001"))
    );
    let ha1 = digest::ha1(Algorithm::Md5, "acme", "carrier.example", "s3cret");
    assert_eq!(
        c.response,
        digest::response(Algorithm::Md5, &ha1, "REGISTER", &c)
    );

    let ok = carrier_answer(
        &second,
        "200 OK",
        "Contact: <sip:acme@198.51.100.1:5060>;expires=300\r\n",
    );
    assert!(fake.answer(&ok));
    settle().await;
    assert_eq!(
        task.await.unwrap(),
        Some(300),
        "the expiry the carrier granted"
    );
}

#[tokio::test(start_paused = true)]
async fn credentials_the_carrier_refuses_are_not_sent_again() {
    let fake = Arc::new(Fake::default());
    let task = {
        let fake = fake.clone();
        tokio::spawn(async move { register(fake.as_ref(), &trunk()).await })
    };
    settle().await;
    let first = one_register(&fake);
    assert!(fake.answer(&carrier_answer(&first, "401 Unauthorized", CHALLENGE)));
    settle().await;
    let second = one_register(&fake);
    assert!(fake.answer(&carrier_answer(&second, "401 Unauthorized", CHALLENGE)));
    settle().await;
    assert_eq!(task.await.unwrap(), None);
    assert!(fake.take_sent().is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_registration_is_refreshed_at_half_the_expiry_the_carrier_granted() {
    let fake = Arc::new(Fake::default());
    *fake.trunks.lock() = Arc::new(vec![trunk()]);
    tokio::spawn(keep_registered(fake.clone()));
    settle().await;
    let first = one_register(&fake);
    let ok = carrier_answer(&first, "200 OK", "Expires: 300\r\n");
    assert!(fake.answer(&ok));
    settle().await;

    // The carrier granted 300 s: nothing for 150 s, then the next REGISTER (the loop looks
    // every 2 s).
    for _ in 0..74 {
        tokio::time::advance(Duration::from_secs(2)).await;
        settle().await;
    }
    assert!(fake.take_sent().is_empty());
    tokio::time::advance(Duration::from_secs(2)).await;
    settle().await;
    let again = one_register(&fake);
    assert_eq!(again.header("cseq"), Some("1 REGISTER"));
}
