//! Carrier recognition against a fake (`fake.rs`) with literal INVITEs, and the guard's trust of
//! trunk addresses. Each test is named after the rule it proves.

use super::*;
use crate::fake::{Fake, addr, parse};
use sb_domain::ids::TrunkId;
use sb_sip::guard::Config;

const CARRIER: &str = "203.0.113.5:5060";
const DIALLED: &str = "15551230000";

/// The company's trunk at [`CARRIER`], recognised by `inbound` ("tcp" or "secret").
fn trunk(inbound: &str, secret: Option<&str>) -> Trunk {
    Trunk {
        id: TrunkId::from_raw("trunk-1"),
        company_id: Some(CompanyId::from_raw("acme")),
        name: "Carrier".to_owned(),
        address: CARRIER.to_owned(),
        username: None,
        password: None,
        register: false,
        emergency: false,
        inbound: inbound.to_owned(),
        inbound_secret: secret.map(str::to_owned),
        max_calls: 4,
        created_at: 0,
    }
}

/// A switchboard whose only trunk is `trunk`, with [`DIALLED`] a number of acme's; `streams`
/// are the peers on a TCP or TLS connection.
fn switchboard(trunk: Trunk, streams: &[&str]) -> Fake {
    let fake = Fake {
        streams: streams.iter().map(|s| addr(s)).collect(),
        numbers: HashMap::from([(DIALLED.to_owned(), CompanyId::from_raw("acme"))]),
        ..Fake::default()
    };
    *fake.trunks.lock() = Arc::new(vec![trunk]);
    fake
}

/// An INVITE for `uri` with no credentials, from a caller at `+15557654321`.
fn invite(uri: &str) -> Message {
    parse(&format!(
        "INVITE {uri} SIP/2.0\r\n\
         Via: SIP/2.0/UDP {CARRIER};branch=z9hG4bK-c1\r\n\
         From: \"Bob Caller\" <sip:+15557654321@203.0.113.5>;tag=c1\r\n\
         To: <sip:{DIALLED}@198.51.100.1>\r\n\
         Call-ID: carrier-call-1\r\n\
         CSeq: 1 INVITE\r\n\
         Max-Forwards: 70\r\n\
         Content-Length: 0\r\n\r\n"
    ))
}

fn plain() -> Message {
    invite(&format!("sip:{DIALLED}@198.51.100.1"))
}

#[tokio::test]
async fn a_carrier_over_udp_without_its_key_is_not_a_carrier() {
    let fake = switchboard(trunk("secret", Some("k3y")), &[]);
    assert!(carrier_of(&fake, &plain(), addr(CARRIER)).await.is_none());
    let wrong = invite(&format!("sip:{DIALLED}@198.51.100.1;key=guess"));
    assert!(carrier_of(&fake, &wrong, addr(CARRIER)).await.is_none());
}

#[tokio::test]
async fn a_carrier_over_udp_with_its_key_is_the_trunks_carrier() {
    let fake = switchboard(trunk("secret", Some("k3y")), &[]);
    let keyed = invite(&format!("sip:{DIALLED}@198.51.100.1;key=k3y"));
    let carrier = carrier_of(&fake, &keyed, addr(CARRIER)).await.unwrap();
    assert_eq!(carrier.company, CompanyId::from_raw("acme"));
    assert_eq!(carrier.number, "+15557654321");
    assert_eq!(carrier.name.as_deref(), Some("Bob Caller"));
    assert_eq!(carrier.trunk, (Slot::Trunk("trunk-1".to_owned()), 4));
}

#[tokio::test]
async fn over_tcp_from_the_trunks_address_any_port_is_a_carrier() {
    // A connection comes from a port of its own, not the trunk's 5060.
    let fake = switchboard(trunk("tcp", None), &["203.0.113.5:40123"]);
    let carrier = carrier_of(&fake, &plain(), addr("203.0.113.5:40123")).await;
    assert_eq!(carrier.unwrap().company, CompanyId::from_raw("acme"));
}

#[tokio::test]
async fn over_udp_from_the_trunks_exact_address_a_tcp_trunk_is_not_a_carrier() {
    // A UDP source address can be written by anyone.
    let fake = switchboard(trunk("tcp", None), &[]);
    assert!(carrier_of(&fake, &plain(), addr(CARRIER)).await.is_none());
}

#[tokio::test]
async fn a_connection_from_another_address_is_not_a_carrier() {
    let fake = switchboard(trunk("tcp", None), &["203.0.113.6:40123"]);
    let carrier = carrier_of(&fake, &plain(), addr("203.0.113.6:40123")).await;
    assert!(carrier.is_none());
}

#[tokio::test]
async fn a_number_no_company_has_is_not_a_carriers_call() {
    let fake = switchboard(trunk("tcp", None), &["203.0.113.5:40123"]);
    let other = invite("sip:15559990000@198.51.100.1");
    let carrier = carrier_of(&fake, &other, addr("203.0.113.5:40123")).await;
    assert!(carrier.is_none());
}

#[test]
fn a_trunk_or_edge_proxy_address_is_never_blocked_by_the_guard() {
    let admission = Admission::new(Guard::new(Config::default()));
    let edge: IpAddr = "192.0.2.50".parse().unwrap();
    admission.trust(&[trunk("tcp", None)], &[edge]);
    let (carrier, stranger) = (addr(CARRIER).ip(), "192.0.2.99".parse().unwrap());
    for ip in [carrier, edge, stranger] {
        for _ in 0..100 {
            admission.judge(ip, Some("alice"), Some(403), 1_000);
        }
    }
    assert!(admission.admit(carrier, 2_000));
    assert!(admission.admit(edge, 2_000));
    assert!(!admission.admit(stranger, 2_000), "the guard blocks no one");
}

#[test]
fn an_outside_caller_cannot_pass_for_an_extension() {
    assert_eq!(outside_number(Some("+15557654321")), "+15557654321");
    assert_eq!(outside_number(Some("5557654321")), "5557654321");
    for fake in ["201", "*97", "1234", "+201", "201;x", "alice"] {
        assert_eq!(outside_number(Some(fake)), "anonymous", "{fake}");
    }
    assert_eq!(outside_number(None), "anonymous");
}
