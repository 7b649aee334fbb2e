//! Several nodes on one database: what a phone was told by one node holds at another started
//! with the same key file.

use crate::kit::*;
use crate::sipclient::{Account, exchange};
use sb_sip::digest;

/// A phone challenged by one node may answer the challenge at another (a DNS SRV failover, a
/// restart): the registrar's nonces are signed with a secret derived from the operator's key,
/// not with one drawn per process.
#[tokio::test]
async fn a_nonce_given_by_one_node_is_good_at_another_sharing_the_key_file() {
    let url = sb_store::testdb::fresh_sqlite_url("e2e").unwrap();
    let cfg = sb_app::AppConfig::default();
    let w = world_on(start_with(url.clone(), cfg.clone()).await).await;
    let line = crate::phones::sip_line(&w.srv, &w.t1.admin_token, &w.t1.line_id).await;
    let a = Account::from(&line);
    let other = start_with(url, cfg).await;
    let first = w.srv.running.as_ref().unwrap().sip_addr;
    let second = other.running.as_ref().unwrap().sip_addr;
    let sock = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let local = sock.local_addr().unwrap();
    let uri = format!("sip:{}", a.domain);
    let register = |cseq: u32, auth: &str| {
        format!(
            "REGISTER {uri} SIP/2.0\r\nVia: SIP/2.0/UDP {local};branch=z9hG4bKnode{cseq};rport\r\n\
             Max-Forwards: 70\r\nFrom: <sip:{u}@{d}>;tag=node\r\nTo: <sip:{u}@{d}>\r\n\
             Call-ID: node-{u}\r\nCSeq: {cseq} REGISTER\r\nContact: <sip:{u}@{local}>\r\n\
             Expires: 60\r\n{auth}Content-Length: 0\r\n\r\n",
            u = a.user,
            d = a.domain
        )
    };
    let challenge = exchange(&sock, first, register(1, "")).await.unwrap();
    assert_eq!(challenge.code(), Some(401));
    let ch = challenge
        .headers_named("www-authenticate")
        .find_map(digest::parse_challenge)
        .unwrap();
    let answer = digest::answer(&ch, "REGISTER", &uri, &a.user, &a.password, "node").unwrap();
    let at_other = exchange(
        &sock,
        second,
        register(2, &format!("Authorization: {answer}\r\n")),
    )
    .await
    .unwrap();
    assert_eq!(
        at_other.code(),
        Some(200),
        "the other node took the first one's nonce: {at_other:?}"
    );
    other.stop().await;
    w.srv.stop().await;
}
