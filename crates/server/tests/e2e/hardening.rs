//! Attacks a phone system on a public address meets, each tried against the running server:
//! calls spoofed in a carrier's name, a carrier's address blocked by somebody else's failures,
//! a line's registrations turned into an amplifier, calls that ring forever, one line or
//! company taking every call. (Media hijack is tried in `sip::relay` and `sip::media`.)

use crate::kit::*;
use crate::phones::{
    Answer, CARRIER_KEY, Sipp, admin_line, answering, call_log, carrier_call, dial, free_port,
    gold_admin_line, keyed_trunk, keys, pair, phone, register_expecting, sip_line, sipp_available,
    trunk_at,
};
use serde_json::json;

/// A call for the company's number from the trunk's address with `key` in its Request-URI,
/// expected to be refused as a carrier's call (asked for a line's credentials).
async fn spoofed(sip: std::net::SocketAddr, port: u16, key: Option<&str>, tcp: bool) {
    let key = key.map(|k| format!(";key={k}")).unwrap_or_default();
    let xml = include_str!("sipp/carrier_spoof.xml").replace("[key]", &key);
    let mut args = vec!["-s".to_owned(), "15550000001".to_owned()];
    if tcp {
        args.extend(["-t".to_owned(), "t1".to_owned()]);
    }
    Sipp::spawn(xml, "spoof", port, &args, Some(sip))
        .done()
        .await
        .expect("the call was not taken for the carrier's");
}

/// The carrier's own call (it must be answered by Ulf's phone).
async fn carrier_calls(sip: std::net::SocketAddr, port: u16, key: Option<&str>, tcp: bool) {
    let mut args = vec!["-s".to_owned(), "15550000001".to_owned()];
    if tcp {
        args.extend(["-t".to_owned(), "t1".to_owned()]);
    }
    Sipp::spawn(carrier_call(key), "carrier-uac", port, &args, Some(sip))
        .done()
        .await
        .expect("the carrier's call is answered");
}

#[tokio::test]
async fn a_carrier_is_taken_at_its_word_only_over_tcp_or_with_its_key() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    let port = keyed_trunk(&p).await;
    // Anyone can write the trunk's address into a UDP packet: without the key, or with a
    // wrong one, the call is a stranger's (it would otherwise ring Ulf as "Bank Security").
    spoofed(p.sip, port, None, false).await;
    spoofed(p.sip, port, Some("k3y-0f-the-carrier-2025"), false).await;
    let ulf = phone(p.sip, &p.callee, free_port(), Answer::After(100)).await;
    carrier_calls(p.sip, port, Some(CARRIER_KEY), false).await;
    ulf.done().await.expect("Ulf's phone answered the carrier");
    let log = call_log(&p, &p.w.t1.line_id, 1).await;
    assert_eq!(log.len(), 1, "only the carrier's call reached the line");
    // The safe default: the trunk's address, over a connection only.
    trunk_at(&p, port, json!({"inbound": "tcp"})).await;
    let view =
        p.w.srv
            .get(
                &format!("/api/v1/trunks/{}", p.w.t1.trunk_id),
                &p.w.t1.reseller_token,
            )
            .await;
    assert_eq!(view.body["inbound"], "tcp");
    assert_eq!(view.body["has_inbound_secret"], true, "kept, never shown");
    assert!(!view.text.contains(CARRIER_KEY));
    spoofed(p.sip, port, Some(CARRIER_KEY), false).await;
    let ulf = phone(p.sip, &p.callee, free_port(), Answer::After(100)).await;
    carrier_calls(p.sip, port, None, true).await;
    ulf.done()
        .await
        .expect("Ulf's phone answered the carrier over TCP");
    // A key that could be guessed is refused, and a secret mode needs one.
    for bad in [
        json!({"inbound": "secret", "inbound_secret": "short"}),
        json!({"inbound": "bogus"}),
    ] {
        let mut body = json!({"name": "Carrier", "address": format!("127.0.0.1:{port}")});
        for (k, v) in bad.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r =
            p.w.srv
                .post(
                    &format!("/api/v1/companies/{}/trunks", p.w.t1.company_id),
                    &p.w.t1.reseller_token,
                    body,
                )
                .await;
        assert_eq!(r.status, 422, "{}", r.text);
    }
    p.w.srv.stop().await;
}

#[tokio::test]
async fn bad_registrations_from_a_carriers_address_never_block_its_calls() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    let port = keyed_trunk(&p).await;
    // The guard learns the trunks' addresses within a couple of seconds.
    tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
    let wrong = crate::phones::SipLine {
        password: "wrong".into(),
        ..p.caller.clone()
    };
    // More failures than block an ordinary address (20), from the carrier's address.
    for _ in 0..22 {
        register_expecting(p.sip, &wrong, 403).await;
    }
    let ulf = phone(p.sip, &p.callee, free_port(), Answer::After(100)).await;
    carrier_calls(p.sip, port, Some(CARRIER_KEY), false).await;
    ulf.done()
        .await
        .expect("the carrier's calls still ring the line");
    p.w.srv.stop().await;
}

/// A REGISTER of `line` from `port` listing `contacts`, answered `expect`.
async fn register_contacts(p: &crate::phones::Pair, port: u16, contacts: &[String], expect: u16) {
    let listed: String = contacts
        .iter()
        .map(|c| format!("Contact: <{c}>\n      "))
        .collect();
    let xml = include_str!("sipp/register.xml")
        .replace("[expect]", &expect.to_string())
        .replace(
            "Contact: <sip:[service]@[local_ip]:[local_port]>\n      ",
            &listed,
        );
    assert!(xml.contains(&listed), "the contacts are written in");
    let line = &p.callee;
    let mut args = vec![
        "-s".to_owned(),
        line.user.clone(),
        "-au".into(),
        line.user.clone(),
        "-ap".into(),
        line.password.clone(),
    ];
    args.extend(keys(&[("domain", &line.domain)]));
    Sipp::spawn(xml, "reg", port, &args, Some(p.sip))
        .done()
        .await
        .unwrap_or_else(|e| panic!("REGISTER was not answered {expect}: {e}"));
}

#[tokio::test]
async fn a_line_keeps_at_most_ten_devices_and_is_called_only_where_it_registered_from() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    let victim = |i: usize| format!("sip:{}@192.0.2.1:{}", p.callee.user, 5060 + i);
    let eleven: Vec<String> = (0..11).map(victim).collect();
    register_contacts(&p, free_port(), &eleven, 503).await;
    // The phone names somebody else's host in its Contact: calls still go to where its
    // REGISTER came from, and only there (else every call would be sent to the victim).
    let port = free_port();
    register_contacts(&p, port, &[victim(0)], 200).await;
    let ulf = answering(port, Answer::After(0));
    dial(p.sip, &p.caller, &p.callee.extension, 200, 100, &[])
        .done()
        .await
        .expect("the call reached the phone where it registered from");
    ulf.done().await.expect("the phone took the call");
    p.w.srv.stop().await;
}

#[tokio::test]
async fn a_line_with_as_many_calls_as_it_may_have_is_busy_and_ringing_is_bounded() {
    if !sipp_available() {
        return;
    }
    let srv = start_tuned(&|f| {
        f.sip_line_max_calls = Some(1);
        f.sip_max_ringing = Some(10);
    })
    .await;
    let sys = srv.admin().await;
    let t = tenant(&srv, &sys, "linecap").await;
    let sip = srv.running.as_ref().unwrap().sip_addr;
    let ulf = sip_line(&srv, &t.admin_token, &t.line_id).await;
    let ada = sip_line(&srv, &t.admin_token, &admin_line(&srv, &t).await).await;
    let ulf_phone = phone(sip, &ulf, free_port(), Answer::After(0)).await;
    let first = dial(sip, &ada, &ulf.extension, 200, 3000, &[]);
    let u = srv
        .post(
            &format!("/api/v1/companies/{}/users", t.company_id),
            &t.admin_token,
            json!({"name": "Cleo", "username": format!("cleo{}", free_port()), "password": PW}),
        )
        .await;
    assert_eq!(u.status, 201, "{}", u.text);
    let l = srv
        .post(
            &format!("/api/v1/companies/{}/lines", t.company_id),
            &t.admin_token,
            json!({"extension": "203", "user_id": u.body["user"]["id"]}),
        )
        .await;
    assert_eq!(l.status, 201, "{}", l.text);
    let cleo = sip_line(&srv, &t.admin_token, &l.id()).await;
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    // Ulf's line has its one call: Cleo finds it busy, and Ulf cannot make a second one.
    dial(sip, &cleo, &ulf.extension, 486, 0, &[])
        .done()
        .await
        .expect("a line with as many calls as it may have is busy");
    dial(sip, &ulf, &cleo.extension, 503, 0, &[])
        .done()
        .await
        .expect("a line with its one call cannot make another");
    first.done().await.expect("the first call went on");
    ulf_phone.done().await.unwrap();
    // Nobody answers: the call rings for the longest allowed (10 s here), then ends (480).
    let ringing = phone(sip, &ulf, free_port(), Answer::Never).await;
    let started = std::time::Instant::now();
    dial(sip, &ada, &ulf.extension, 480, 0, &[])
        .done()
        .await
        .expect("the call stops ringing");
    let rang = started.elapsed();
    assert!(rang >= std::time::Duration::from_secs(9), "{rang:?}");
    assert!(rang < std::time::Duration::from_secs(20), "{rang:?}");
    ringing.done().await.expect("the phone was cancelled");
    srv.stop().await;
}

/// A TCP connection to `sip` from `ip` (another loopback address: another host to the server).
async fn connect_from(ip: &str, sip: std::net::SocketAddr) -> tokio::net::TcpStream {
    let s = tokio::net::TcpSocket::new_v4().unwrap();
    s.bind(format!("{ip}:0").parse().unwrap()).unwrap();
    s.connect(sip).await.unwrap()
}

/// Whether the server closed `c` within `wait` (it never sends unasked).
async fn closed(c: &mut tokio::net::TcpStream, wait: std::time::Duration) -> bool {
    use tokio::io::AsyncReadExt;
    let mut b = [0u8; 64];
    matches!(
        tokio::time::timeout(wait, c.read(&mut b)).await,
        Ok(Ok(0) | Err(_))
    )
}

#[tokio::test]
async fn sip_connections_are_bounded_per_address_and_silent_ones_are_closed() {
    let srv = start().await;
    let sip = srv.running.as_ref().unwrap().sip_addr;
    let short = std::time::Duration::from_millis(300);
    // One address may hold 256 connections; the 257th is closed at once.
    let mut held = Vec::new();
    for _ in 0..256 {
        held.push(connect_from("127.0.0.4", sip).await);
    }
    let mut extra = connect_from("127.0.0.4", sip).await;
    assert!(
        closed(&mut extra, short).await,
        "a 257th connection is refused"
    );
    let mut elsewhere = connect_from("127.0.0.5", sip).await;
    assert!(
        !closed(&mut elsewhere, short).await,
        "another address has its own"
    );
    // None of them said anything: each is closed once its first message is 10 s late.
    assert!(!closed(&mut held[0], short).await);
    assert!(closed(&mut held[255], std::time::Duration::from_secs(12)).await);
    assert!(closed(&mut elsewhere, std::time::Duration::from_secs(2)).await);
    srv.stop().await;
}

#[tokio::test]
async fn a_stranger_who_knows_a_calls_call_id_cannot_end_it() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    let ulf = phone(p.sip, &p.callee, free_port(), Answer::After(0)).await;
    let ada = dial(p.sip, &p.caller, &p.callee.extension, 200, 3000, &[]);
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    // SIPp's Call-ID and From tag are "<call>-<pid>@<ip>" and "<pid>C<call>": the stranger
    // has them right (as if it had seen the INVITE), but sends from another host.
    let (call_id, tag) = (
        format!("1-{}@127.0.0.1", ada.pid()),
        format!("{}C1", ada.pid()),
    );
    let bye = format!(
        "BYE sip:{ext}@{sip} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.6:5999;branch=z9hG4bKevil;rport\r\n\
         Max-Forwards: 70\r\nFrom: <sip:{caller}@{domain}>;tag={tag}\r\nTo: <sip:{ext}@{domain}>\r\n\
         Call-ID: {call_id}\r\nCSeq: 99 BYE\r\nContent-Length: 0\r\n\r\n",
        ext = p.callee.extension,
        sip = p.sip,
        caller = p.caller.user,
        domain = p.caller.domain,
    );
    let stranger = tokio::net::UdpSocket::bind("127.0.0.6:0").await.unwrap();
    stranger.send_to(bye.as_bytes(), p.sip).await.unwrap();
    let mut buf = [0u8; 2048];
    let answer = tokio::time::timeout(
        std::time::Duration::from_millis(500),
        stranger.recv_from(&mut buf),
    )
    .await;
    assert!(answer.is_err(), "the stranger gets no answer");
    // The call goes on as the parties wrote it (SIPp fails on a BYE it did not expect).
    ada.done()
        .await
        .expect("the call went on until Ada hung up");
    ulf.done()
        .await
        .expect("Ulf's phone saw the call to its end");
    p.w.srv.stop().await;
}

#[tokio::test]
async fn an_outside_caller_cannot_pose_as_one_of_the_companys_extensions() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    let port = keyed_trunk(&p).await;
    let ulf = phone(p.sip, &p.callee, free_port(), Answer::After(100)).await;
    // The carrier's caller says it is Ada's extension.
    let xml = carrier_call(Some(CARRIER_KEY)).replace("+15557654321", &p.caller.extension);
    let args = ["-s".to_owned(), "15550000001".to_owned()];
    Sipp::spawn(xml, "carrier-uac", port, &args, Some(p.sip))
        .done()
        .await
        .expect("the carrier's call is answered");
    ulf.done().await.expect("Ulf's phone answered");
    let log = call_log(&p, &p.w.t1.line_id, 1).await;
    assert_eq!(log[0]["other_number"], "anonymous", "not Ada's extension");
    p.w.srv.stop().await;
}

#[tokio::test]
async fn a_line_holds_at_most_a_hundred_subscriptions_and_two_hundred_waiting_messages() {
    use crate::sipclient::{Account, authenticated};
    let srv = start_tuned(&|f| f.sip_per_source = Some(0)).await;
    let sys = srv.admin().await;
    let t = tenant(&srv, &sys, "quota").await;
    let sip = srv.running.as_ref().unwrap().sip_addr;
    let ulf = sip_line(&srv, &t.admin_token, &t.line_id).await;
    let ada =
        Account::from(&sip_line(&srv, &t.admin_token, &gold_admin_line(&srv, &t).await).await);
    let mailbox = format!("sip:{}@{}", ada.user, ada.domain);
    let mut phones = Vec::new();
    for i in 0..=100 {
        let sock = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let headers = format!(
            "Event: message-summary\r\nExpires: 600\r\nContact: <sip:{}@{}>\r\n",
            ada.user,
            sock.local_addr().unwrap()
        );
        let r = authenticated(&sock, sip, &ada, "SUBSCRIBE", &mailbox, &headers)
            .await
            .unwrap();
        let want = if i < 100 { 200 } else { 403 };
        assert_eq!(r.code(), Some(want), "subscription {i}: {r:?}");
        phones.push(sock);
    }
    // Ulf has no phone online: messages wait for him, up to 200.
    let to_ulf = format!("sip:{}@{}", ulf.extension, ada.domain);
    let sock = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let text = "Content-Type: text/plain\r\n";
    for i in 0..=200 {
        let r = authenticated(&sock, sip, &ada, "MESSAGE", &to_ulf, text)
            .await
            .unwrap();
        let want = if i < 200 { 202 } else { 480 };
        assert_eq!(r.code(), Some(want), "message {i}: {r:?}");
    }
    srv.stop().await;
}

#[tokio::test]
async fn a_carrier_address_belongs_to_one_trunk() {
    let w = world().await;
    let first = w
        .srv
        .get(
            &format!("/api/v1/trunks/{}", w.t1.trunk_id),
            &w.t1.reseller_token,
        )
        .await;
    let at = first.body["address"].as_str().unwrap().to_owned();
    // Another company's trunk at the same address would make each carrier call a guess.
    let second = w
        .srv
        .post(
            &format!("/api/v1/companies/{}/trunks", w.t2.company_id),
            &w.t2.reseller_token,
            json!({"name": "Carrier", "address": at}),
        )
        .await;
    assert_eq!(
        (second.status.as_u16(), second.code()),
        (409, "address_taken")
    );
    // A trunk keeps its own address when something else about it changes.
    let again = w
        .srv
        .put(
            &format!("/api/v1/trunks/{}", w.t1.trunk_id),
            &w.t1.reseller_token,
            json!({"name": "Renamed", "address": at}),
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.text);
    w.srv.stop().await;
}

#[tokio::test]
async fn a_new_sip_password_unregisters_the_phones_that_had_the_old_one() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    // Ulf's old phone stays registered (it waits for a call that must not come).
    let _old_phone = phone(p.sip, &p.callee, free_port(), Answer::After(0)).await;
    let r =
        p.w.srv
            .post(
                &format!("/api/v1/lines/{}/sip-credentials/reset", p.w.t1.line_id),
                &p.w.srv.elevate(&p.w.t1.admin_token).await,
                json!({}),
            )
            .await;
    assert_eq!(r.status, 200, "{}", r.text);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    // No device left: the call finds nobody (480), the old phone never rings.
    dial(p.sip, &p.caller, &p.callee.extension, 480, 0, &[])
        .done()
        .await
        .expect("the line has no registered phone any more");
    p.w.srv.stop().await;
}

#[tokio::test]
async fn every_read_of_a_lines_sip_password_is_audited() {
    let w = world().await;
    let t = &w.t1;
    let r = w.srv.sip_credentials(&t.line_id, &t.admin_token).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let audit = w
        .srv
        .get(
            &format!(
                "/api/v1/companies/{}/audit?kind=credentials_read",
                t.company_id
            ),
            &t.admin_token,
        )
        .await;
    let items = audit.body["items"].as_array().unwrap();
    assert!(
        items.iter().any(|e| e["target_id"] == t.line_id.as_str()),
        "{}",
        audit.text
    );
    assert!(
        !audit
            .text
            .contains(r.body["sip_password"].as_str().unwrap()),
        "never the password"
    );
    w.srv.stop().await;
}

/// An INVITE for `dialled` as `line` from `sig`, whose SDP names `rtp`; the digest challenge is
/// answered and the 200 acknowledged. Returns where Switchboard takes the call's audio.
async fn invite_naming(
    sip: std::net::SocketAddr,
    line: &crate::phones::SipLine,
    dialled: &str,
    sig: &tokio::net::UdpSocket,
    rtp: std::net::SocketAddr,
) -> std::net::SocketAddr {
    let local = sig.local_addr().unwrap();
    let uri = format!("sip:{dialled}@{}", line.domain);
    let call_id = format!("{}@reach", free_port());
    let sdp = format!(
        "v=0\r\no=- 1 1 IN IP4 {ip}\r\ns=-\r\nc=IN IP4 {ip}\r\nt=0 0\r\n\
         m=audio {port} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n",
        ip = rtp.ip(),
        port = rtp.port()
    );
    // An ACK to a failure shares its INVITE's branch; the ACK to a 200 is a transaction of its
    // own (RFC 3261 17.1.1.3, 13.2.2.4).
    let request = |method: &str, cseq: u32, branch: &str, extra: &str, body: &str| {
        format!(
            "{method} {uri} SIP/2.0\r\nVia: SIP/2.0/UDP {local};branch=z9hG4bK{call_id}{cseq}{branch};rport\r\n\
             Max-Forwards: 70\r\nFrom: <sip:{u}@{d}>;tag=reach\r\nTo: <{uri}>{extra}\r\n\
             Call-ID: {call_id}\r\nCSeq: {cseq} {method}\r\nContact: <sip:{u}@{local}>\r\n\
             Content-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{body}",
            body.len(),
            u = line.user,
            d = line.domain
        )
    };
    let mut buf = vec![0u8; 8192];
    let mut next = async |text: String| -> sb_sip::Message {
        sig.send_to(text.as_bytes(), sip).await.unwrap();
        loop {
            let wait = std::time::Duration::from_secs(5);
            let (n, _) = tokio::time::timeout(wait, sig.recv_from(&mut buf))
                .await
                .expect("an answer")
                .unwrap();
            let m = sb_sip::parse(&buf[..n]).unwrap();
            if m.code().is_some_and(|c| c >= 200) {
                return m;
            }
        }
    };
    let challenge = next(request("INVITE", 1, "", "", &sdp)).await;
    assert_eq!(challenge.code(), Some(407));
    sig.send_to(
        request("ACK", 1, "", &to_tag(&challenge), "").as_bytes(),
        sip,
    )
    .await
    .unwrap();
    let ch = challenge
        .headers_named("proxy-authenticate")
        .find_map(sb_sip::digest::parse_challenge)
        .unwrap();
    let auth =
        sb_sip::digest::answer(&ch, "INVITE", &uri, &line.user, &line.password, "c").unwrap();
    let auth = format!("\r\nProxy-Authorization: {auth}");
    let ok = next(request("INVITE", 2, "", &auth, &sdp)).await;
    assert_eq!(ok.code(), Some(200), "{ok:?}");
    let ack = request("ACK", 2, "ack", &to_tag(&ok), "");
    sig.send_to(ack.as_bytes(), sip).await.unwrap();
    sb_sip::sdp::audio_target(&ok.body).expect("an answer with audio")
}

/// `;tag=…` of an answer's To, to repeat in the ACK.
fn to_tag(m: &sb_sip::Message) -> String {
    let to = m.header("to").unwrap();
    to.find(";tag=")
        .map(|i| to[i..].to_owned())
        .unwrap_or_default()
}

/// RTP packets that arrive on `s` within `ms`.
async fn packets_within(s: &tokio::net::UdpSocket, ms: u64) -> usize {
    let mut buf = [0u8; 2048];
    let end = tokio::time::Instant::now() + std::time::Duration::from_millis(ms);
    let mut n = 0;
    while let Ok(Ok(_)) = tokio::time::timeout_at(end, s.recv_from(&mut buf)).await {
        n += 1;
    }
    n
}

#[tokio::test]
async fn an_sdp_naming_an_inside_address_gets_no_media_before_that_address_has_sent_any() {
    // Attack: an SDP naming an internal address (here loopback, from signalling on the same
    // address, which would otherwise be sent to at once) makes Switchboard a packet cannon
    // into the private network. Without --media-trusted-networks nothing goes there unasked.
    let srv = start_tuned(&|f| f.media_trusted_networks = None).await;
    let w = world_on(srv).await;
    let sip = w.srv.running.as_ref().unwrap().sip_addr;
    let line = sip_line(&w.srv, &w.t1.admin_token, &w.t1.line_id).await;
    let sig = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let target = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    // The voice portal answers at once and speaks first ("enter your mailbox").
    let ours = invite_naming(sip, &line, "*98", &sig, target.local_addr().unwrap()).await;
    assert_eq!(
        packets_within(&target, 1500).await,
        0,
        "media was sent to an inside address nobody there asked for"
    );
    // A packet from the named address proves somebody there wants the stream: it is answered.
    let rtp = [0x80, 0, 0, 1, 0, 0, 0, 160, 0, 0, 0, 7];
    target.send_to(&rtp, ours).await.unwrap();
    assert!(
        packets_within(&target, 1000).await > 0,
        "the latched source hears the prompt"
    );
    w.srv.stop().await;
}
