//! Whole calls to a number outside the company, placed on the business layer's trunk plan.

use super::*;
use sb_app::outside::OutsidePlan;
use sb_app::plans::TrunkPlan;
use sb_domain::ids::TrunkId;
use sb_sip::digest::{self, Algorithm};

const CARRIER: &str = "203.0.113.5:5060";
const DIALLED: &str = "0612345678";

/// A fake whose business layer sends `DIALLED` out on the carrier's trunk as +33612345678,
/// presenting line 202's number +33100000202, the trunk answering challenges with `acme`.
fn fake_with_trunk() -> Arc<Fake> {
    let plan = OutsidePlan {
        number: "+33612345678".to_owned(),
        trunk: Some(TrunkPlan {
            id: TrunkId::from_raw("trunk-1"),
            name: "Carrier".to_owned(),
            address: addr(CARRIER),
            credentials: Some(("acme".to_owned(), "s3cret".to_owned())),
            max_calls: 0,
            emergency: false,
        }),
        caller_id: outbound::Presented {
            number: "+33100000202".to_owned(),
            name: Some("Ulf".to_owned()),
            withheld: false,
        },
    };
    Fake::new(&[]).with_route(DIALLED, Destination::Outside(plan))
}

/// Line 202's INVITE to `DIALLED`.
fn outside_invite() -> Message {
    let body = offer("192.0.2.10");
    parse(&format!(
        "INVITE sip:{DIALLED}@acme.sip.test SIP/2.0\r\n\
         Via: SIP/2.0/UDP {CALLER};branch=z9hG4bKa1\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:202@acme.sip.test>;tag=c1\r\n\
         To: <sip:{DIALLED}@acme.sip.test>\r\n\
         Call-ID: call-a@192.0.2.10\r\n\
         CSeq: 7 INVITE\r\n\
         Contact: <sip:202@{CALLER}>\r\n\
         Content-Type: application/sdp\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    ))
}

/// The carrier's `407 Proxy Authentication Required` to `invite`.
fn challenge(invite: &Message, nonce: &str) -> Message {
    let h = |n| invite.header(n).unwrap_or_default();
    parse(&format!(
        "SIP/2.0 407 Proxy Authentication Required\r\nVia: {}\r\nFrom: {}\r\nTo: {};tag=cr\r\n\
         Call-ID: {}\r\nCSeq: {}\r\n\
         Proxy-Authenticate: Digest realm=\"carrier.example\", nonce=\"{nonce}\", qop=\"auth\", \
         algorithm=MD5\r\nContent-Length: 0\r\n\r\n",
        h("via"),
        h("from"),
        h("to"),
        h("call-id"),
        h("cseq"),
    ))
}

const TO_CARRIER: &str = "INVITE sip:+33612345678@203.0.113.5:5060 SIP/2.0";

#[tokio::test(start_paused = true)]
async fn an_outside_call_presents_the_plans_caller_id_to_the_carrier_rfc_3325() {
    let h = Harness::start(fake_with_trunk(), outside_invite()).await;
    let out = find(&h.sent(), TO_CARRIER, CARRIER);
    assert!(
        out.header("from")
            .unwrap()
            .starts_with("\"Ulf\" <sip:+33100000202@acme.sip.test>;tag=")
    );
    assert_eq!(
        out.header("to"),
        Some("<sip:+33612345678@203.0.113.5:5060>")
    );
    assert_eq!(
        out.header("p-asserted-identity"),
        Some("<sip:+33100000202@acme.sip.test>")
    );
    assert_eq!(out.header("privacy"), None);
}

#[tokio::test(start_paused = true)]
async fn a_carriers_challenge_is_answered_once_with_the_trunks_digest_credentials_rfc_8760() {
    let h = Harness::start(fake_with_trunk(), outside_invite()).await;
    let first = find(&h.sent(), TO_CARRIER, CARRIER);
    assert_eq!(first.header("proxy-authorization"), None);

    h.feed(challenge(&first, "n1"), CARRIER).await;
    let sent = h.sent();
    // The 407 is acknowledged in its own transaction (RFC 3261 §17.1.1.3), and the INVITE sent
    // again as a new one: the next CSeq, a new branch, the same dialog's Call-ID and From tag.
    let ack = find(
        &sent,
        "ACK sip:+33612345678@203.0.113.5:5060 SIP/2.0",
        CARRIER,
    );
    assert_eq!(ack.header("via"), first.header("via"));
    assert_eq!(ack.header("cseq"), Some("1 ACK"));
    let second = find(&sent, TO_CARRIER, CARRIER);
    assert_eq!(second.header("cseq"), Some("2 INVITE"));
    assert_ne!(second.header("via"), first.header("via"));
    assert_eq!(second.header("call-id"), first.header("call-id"));
    assert_eq!(second.header("from"), first.header("from"));
    assert_eq!(second.body, first.body);
    assert_eq!(sent.len(), 2, "{:#?}", firsts(&sent));
    let given = second.header("proxy-authorization").unwrap();
    let c = digest::parse_credentials(given).unwrap();
    assert_eq!((c.username.as_str(), c.nonce.as_str()), ("acme", "n1"));
    assert_eq!(c.uri, "sip:+33612345678@203.0.113.5:5060");
    let ha1 = digest::ha1(Algorithm::Md5, "acme", "carrier.example", "s3cret");
    assert_eq!(
        c.response,
        digest::response(Algorithm::Md5, &ha1, "INVITE", &c)
    );
    assert!(
        firsts(&sent).iter().all(|(_, to)| to != CALLER),
        "the caller hears nothing of it"
    );

    // Challenged again, the credentials are not sent a third time: the call fails.
    h.feed(challenge(&second, "n2"), CARRIER).await;
    let sent = h.sent();
    assert!(
        !sent.iter().any(|(text, _)| text.starts_with("INVITE ")),
        "{:#?}",
        firsts(&sent)
    );
    find(
        &sent,
        "ACK sip:+33612345678@203.0.113.5:5060 SIP/2.0",
        CARRIER,
    );
    let failed = find(&sent, "SIP/2.0 480 Temporarily Unavailable", CALLER);
    assert_eq!(failed.header("cseq"), Some("7 INVITE"));
}
