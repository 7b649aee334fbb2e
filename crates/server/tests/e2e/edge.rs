//! Phones behind the operator's edge proxy (Path, RFC 3327): a registration that came through
//! one is called through it, with the Path as its Route; a Path written by anybody else is
//! ignored, so it cannot steer calls to another address.

use crate::kit::*;
use crate::phones::{admin_line, dial, sip_line, sipp_available};
use crate::sipclient::{Account, authenticated};
use sb_sip::Message;
use std::time::Duration;
use tokio::net::UdpSocket;

/// Every SIP message reaching `sock` until `quiet` passes without one; each request is
/// answered `486 Busy Here` (its ACK and retransmissions are taken in silence).
async fn answer_busy(sock: &UdpSocket, quiet: Duration) -> Vec<Message> {
    let mut got = Vec::new();
    let mut buf = vec![0u8; 8192];
    while let Ok(Ok((n, from))) = tokio::time::timeout(quiet, sock.recv_from(&mut buf)).await {
        let Ok(m) = sb_sip::parse(&buf[..n]) else {
            continue;
        };
        if m.method() == Some("INVITE") {
            let busy = sb_sip::registrar::reply(&m, 486, "Busy Here", &[]);
            let _ = sock.send_to(&busy.to_bytes(), from).await;
        }
        got.push(m);
    }
    got
}

/// Like [`answer_busy`], but the phone answers: a 200 with an SDP answer and the edge's
/// `record_route`, then 200 to the BYE.
async fn answer_through(sock: &UdpSocket, record_route: &str, quiet: Duration) -> Vec<Message> {
    let mut got = Vec::new();
    let mut buf = vec![0u8; 8192];
    let local = sock.local_addr().unwrap();
    let sdp = format!(
        "v=0\r\no=- 1 1 IN IP4 {ip}\r\ns=-\r\nc=IN IP4 {ip}\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n",
        ip = local.ip()
    );
    while let Ok(Ok((n, from))) = tokio::time::timeout(quiet, sock.recv_from(&mut buf)).await {
        let Ok(m) = sb_sip::parse(&buf[..n]) else {
            continue;
        };
        let answer = match m.method() {
            Some("INVITE") => {
                let contact = format!("<sip:phone@{local}>");
                let mut ok = sb_sip::registrar::reply(
                    &m,
                    200,
                    "OK",
                    &[
                        ("Record-Route", record_route),
                        ("Contact", &contact),
                        ("Content-Type", "application/sdp"),
                    ],
                );
                ok.body = sdp.clone().into_bytes();
                Some(ok)
            }
            Some("BYE") => Some(sb_sip::registrar::reply(&m, 200, "OK", &[])),
            _ => None,
        };
        if let Some(a) = answer {
            let _ = sock.send_to(&a.to_bytes(), from).await;
        }
        got.push(m);
    }
    got
}

fn invites(got: &[Message]) -> Vec<&Message> {
    let mut seen = std::collections::HashSet::new();
    got.iter()
        .filter(|m| m.method() == Some("INVITE"))
        .filter(|m| seen.insert(m.header("call-id").unwrap_or_default().to_owned()))
        .collect()
}

#[tokio::test]
async fn a_phone_behind_the_edge_proxy_is_called_through_its_path_and_nobody_else_s_path_is_believed()
 {
    if !sipp_available() {
        return;
    }
    let srv = start_tuned(&|f| f.sip_edge_proxies = Some("127.0.0.2".into())).await;
    let sys = srv.admin().await;
    let t = tenant(&srv, &sys, "edge").await;
    let sip = srv.running.as_ref().unwrap().sip_addr;
    let ulf = sip_line(&srv, &t.admin_token, &t.line_id).await;
    let ada = sip_line(&srv, &t.admin_token, &admin_line(&srv, &t).await).await;
    let account = Account::from(&ulf);
    let domain_uri = format!("sip:{}", ulf.domain);

    // The edge proxy relays the phone's REGISTER: the phone's own (private) Contact, and the
    // proxy's Path. The registrar keeps the Path and, as the phone supports it, echoes it.
    let edge = UdpSocket::bind("127.0.0.2:0").await.unwrap();
    let hop = format!("<sip:{};lr>", edge.local_addr().unwrap());
    let through_edge = format!(
        "Contact: <sip:{}@10.9.9.9:5062>\r\nSupported: path\r\nPath: {hop}\r\nExpires: 600\r\n",
        ulf.user
    );
    let ok = authenticated(&edge, sip, &account, "REGISTER", &domain_uri, &through_edge)
        .await
        .expect("the REGISTER through the edge is answered");
    assert_eq!(ok.code(), Some(200), "{ok:?}");
    assert_eq!(ok.header("path"), Some(hop.as_str()), "the Path is echoed");

    // A phone elsewhere writes a Path naming the edge's address: not believed, not echoed.
    let stranger = UdpSocket::bind("127.0.0.3:0").await.unwrap();
    let own = format!(
        "Contact: <sip:{}@{}>\r\nSupported: path\r\nPath: {hop}\r\nExpires: 600\r\n",
        ulf.user,
        stranger.local_addr().unwrap()
    );
    let ok = authenticated(&stranger, sip, &account, "REGISTER", &domain_uri, &own)
        .await
        .expect("the stranger's REGISTER is answered");
    assert_eq!((ok.code(), ok.header("path")), (Some(200), None));

    // A call to the line: the edge gets one INVITE, for the phone behind it, routed through
    // its Path; the other phone gets its own INVITE at its own address, with no Route.
    let caller = dial(sip, &ada, &ulf.extension, 486, 0, &[]);
    let quiet = Duration::from_millis(1500);
    let (at_edge, at_stranger) =
        tokio::join!(answer_busy(&edge, quiet), answer_busy(&stranger, quiet));
    caller.done().await.expect("both phones were busy");
    let at_edge = invites(&at_edge);
    assert_eq!(at_edge.len(), 1, "one INVITE through the edge: {at_edge:?}");
    let invite = at_edge[0];
    assert_eq!(
        invite.uri(),
        Some(format!("sip:{}@10.9.9.9:5062", ulf.user).as_str())
    );
    assert_eq!(
        invite.headers_named("route").collect::<Vec<_>>(),
        [hop.as_str()]
    );
    let at_stranger = invites(&at_stranger);
    assert_eq!(at_stranger.len(), 1, "{at_stranger:?}");
    assert_eq!(at_stranger[0].header("route"), None);

    // The phone behind the edge answers and the edge record-routes: the ACK and the BYE keep
    // to the dialog's route set (RFC 3261 section 12.1.2).
    let rr = format!("<sip:{};lr;ftag=x>", edge.local_addr().unwrap());
    let unregister = format!(
        "Contact: <sip:{}@{}>;expires=0\r\n",
        ulf.user,
        stranger.local_addr().unwrap()
    );
    let gone = authenticated(
        &stranger,
        sip,
        &account,
        "REGISTER",
        &domain_uri,
        &unregister,
    )
    .await;
    assert_eq!(gone.and_then(|m| m.code()), Some(200));
    let caller = dial(sip, &ada, &ulf.extension, 200, 300, &[]);
    let got = answer_through(&edge, &rr, Duration::from_millis(2500)).await;
    caller
        .done()
        .await
        .expect("the call was answered behind the edge");
    for method in ["ACK", "BYE"] {
        let m = got
            .iter()
            .find(|m| m.method() == Some(method))
            .unwrap_or_else(|| panic!("no {method} reached the edge: {got:?}"));
        assert_eq!(
            m.headers_named("route").collect::<Vec<_>>(),
            [rr.as_str()],
            "{method}"
        );
        assert_eq!(
            m.uri(),
            Some(format!("sip:phone@{}", edge.local_addr().unwrap()).as_str())
        );
    }
    srv.stop().await;
}

#[tokio::test]
async fn a_path_from_an_edge_proxy_that_is_not_a_sip_route_is_refused() {
    let srv = start_tuned(&|f| f.sip_edge_proxies = Some("127.0.0.2".into())).await;
    let sys = srv.admin().await;
    let t = tenant(&srv, &sys, "edgebad").await;
    let sip = srv.running.as_ref().unwrap().sip_addr;
    let ulf = sip_line(&srv, &t.admin_token, &t.line_id).await;
    let edge = UdpSocket::bind("127.0.0.2:0").await.unwrap();
    let bad = format!(
        "Contact: <sip:{}@10.9.9.9:5062>\r\nPath: http://127.0.0.2/\r\n",
        ulf.user
    );
    let domain_uri = format!("sip:{}", ulf.domain);
    let answer = authenticated(
        &edge,
        sip,
        &Account::from(&ulf),
        "REGISTER",
        &domain_uri,
        &bad,
    )
    .await
    .expect("answered");
    assert_eq!(answer.code(), Some(400), "{answer:?}");
    srv.stop().await;
}
