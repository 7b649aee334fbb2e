//! Calls on the wire, against SIPp as independent phones: a SIPp process registers as a line and
//! then answers (or rings, or says busy) as that line's phone; another SIPp process calls as a
//! second line with digest proxy authentication. Each test sets a line's call handling through
//! the API and shows what the call does.

use crate::kit::*;
use serde_json::json;
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};

pub fn sipp_available() -> bool {
    let ok = Command::new("sipp").arg("-v").output().is_ok();
    if !ok {
        assert!(
            std::env::var("SWITCHBOARD_REQUIRE_SIPP").as_deref() != Ok("1"),
            "sipp is required: apt-get install sip-tester"
        );
    }
    ok
}

/// A line's SIP identity.
#[derive(Clone)]
pub struct SipLine {
    pub user: String,
    pub password: String,
    pub domain: String,
    pub extension: String,
}

pub async fn sip_line(srv: &Srv, token: &str, line_id: &str) -> SipLine {
    let c = srv.sip_credentials(line_id, token).await;
    assert_eq!(c.status, 200, "{}", c.text);
    let l = srv.get(&format!("/api/v1/lines/{line_id}"), token).await;
    SipLine {
        user: c.body["sip_username"].as_str().unwrap().to_owned(),
        password: c.body["sip_password"].as_str().unwrap().to_owned(),
        domain: c.body["sip_domain"].as_str().unwrap().to_owned(),
        extension: l.body["extension"].as_str().unwrap().to_owned(),
    }
}

/// A second line, extension 202, for the tenant's administrator: the caller in these tests.
pub async fn admin_line(srv: &Srv, t: &Tenant) -> String {
    let l = srv
        .post(
            &format!("/api/v1/companies/{}/lines", t.company_id),
            &t.admin_token,
            json!({"extension": "202", "user_id": t.admin_id, "calling_name": "Ada"}),
        )
        .await;
    assert_eq!(l.status, 201, "{}", l.text);
    l.id()
}

/// Ada's line 202, her package the tenant's Gold one, which has queues and SMS/MMS.
pub async fn gold_admin_line(srv: &Srv, t: &Tenant) -> String {
    let r = srv
        .patch(
            &format!("/api/v1/users/{}", t.admin_id),
            &t.admin_token,
            json!({"package_id": t.package_id}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    admin_line(srv, t).await
}

pub fn free_port() -> u16 {
    // A port with the five after it free too: SIPp's media port is two above it (`-mp`), and
    // SIPp binds the audio and video ports and their RTCP there (p+2 to p+5); a taken video
    // port made a call test fail with "address in use".
    loop {
        let s = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let p = s.local_addr().unwrap().port();
        if p >= 65000 {
            continue;
        }
        let next: Vec<_> = (p + 1..=p + 5)
            .map_while(|q| std::net::UdpSocket::bind(("127.0.0.1", q)).ok())
            .collect();
        if next.len() == 5 {
            return p;
        }
    }
}

pub fn part(name: &str) -> String {
    let all = include_str!("sipp/parts.txt");
    let start = all
        .find(&format!("=== {name}\n"))
        .unwrap_or_else(|| panic!("no part {name}"));
    let rest = &all[start + name.len() + 5..];
    rest[..rest.find("\n=== ").unwrap_or(rest.len())].to_owned()
}

fn scenario(tag: &str, xml: String) -> String {
    let path = std::env::temp_dir().join(format!(
        "sb-{tag}-{}-{}.xml",
        std::process::id(),
        free_port()
    ));
    std::fs::write(&path, xml).unwrap();
    path.to_string_lossy().into_owned()
}

/// A SIPp process.
pub struct Sipp(Child);

impl Sipp {
    pub fn spawn(
        xml: String,
        tag: &str,
        port: u16,
        args: &[String],
        target: Option<SocketAddr>,
    ) -> Self {
        Self::spawn_at("127.0.0.1", xml, tag, port, args, target)
    }

    /// As [`Sipp::spawn`], from another loopback address (another host, as far as the server
    /// can tell).
    pub fn spawn_at(
        ip: &str,
        xml: String,
        tag: &str,
        port: u16,
        args: &[String],
        target: Option<SocketAddr>,
    ) -> Self {
        let sf = scenario(tag, xml);
        let mut cmd = Command::new("sipp");
        cmd.args(["-sf", &sf, "-m", "1", "-l", "1", "-i", ip])
            .args(["-p", &port.to_string(), "-mp", &(port + 2).to_string()])
            .args(["-timeout", "30", "-timeout_error", "-nostdin"])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if let Some(t) = target {
            cmd.arg(t.to_string());
        }
        Sipp(cmd.spawn().unwrap())
    }

    /// The SIPp process's id (SIPp writes it into its Call-IDs and tags).
    pub fn pid(&self) -> u32 {
        self.0.id()
    }

    /// Waits for the scenario's end: `Ok` when it ran as written.
    pub async fn done(self) -> Result<(), String> {
        let out = tokio::task::spawn_blocking(move || self.0.wait_with_output())
            .await
            .unwrap()
            .unwrap();
        if out.status.code() == Some(0) {
            Ok(())
        } else {
            Err(format!(
                "sipp exit {:?}: {}",
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }
}

pub fn keys(pairs: &[(&str, &str)]) -> Vec<String> {
    pairs
        .iter()
        .flat_map(|(k, v)| ["-key".to_owned(), (*k).to_owned(), (*v).to_owned()])
        .collect()
}

/// Registers `line` from `port` (where its phone will then listen).
pub async fn register_at(sip: SocketAddr, line: &SipLine, port: u16) {
    register_from(sip, line, port, 200).await;
}

/// A REGISTER with `line`'s credentials that must be answered `expect`.
pub async fn register_expecting(sip: SocketAddr, line: &SipLine, expect: u16) {
    register_from(sip, line, free_port(), expect).await;
}

async fn register_from(sip: SocketAddr, line: &SipLine, port: u16, expect: u16) {
    let xml = include_str!("sipp/register.xml").replace("[expect]", &expect.to_string());
    let mut args = vec![
        "-s".to_owned(),
        line.user.clone(),
        "-au".into(),
        line.user.clone(),
        "-ap".into(),
        line.password.clone(),
    ];
    args.extend(keys(&[("domain", &line.domain)]));
    Sipp::spawn(xml, "reg", port, &args, Some(sip))
        .done()
        .await
        .unwrap_or_else(|e| panic!("REGISTER was not answered {expect}: {e}"));
}

/// How a phone answers an incoming call.
#[derive(Clone, Copy)]
pub enum Answer {
    /// Rings for this long, then picks up and stays until the caller hangs up.
    After(u32),
    /// Rings until the call is cancelled.
    Never,
    Busy,
    /// Picks up at once, then takes a re-INVITE putting it on hold.
    Hold,
    /// As `Hold`, but thinks for 1.2 s before answering the re-INVITE (the caller's phone
    /// repeats it meanwhile, and so does Switchboard towards this phone).
    SlowHold,
    /// Sends early media (183 with SDP) before it picks up.
    EarlyMedia,
    /// Picks up a call whose INVITE must come without SDP (a late offer): makes the offer in
    /// its 200, and the ACK must bring the answer pointed at the relay.
    LateOffer,
    /// Picks up at once without session timers of its own, takes one refresh and waits (up
    /// to two minutes) for the BYE.
    Refreshed,
}

/// A registered phone of `line` on `port`, answering one call as told.
pub async fn phone(sip: SocketAddr, line: &SipLine, port: u16, answer: Answer) -> Sipp {
    register_at(sip, line, port).await;
    answering(port, answer)
}

/// A phone on `port` (registered already, or not) answering one call as told.
pub fn answering(port: u16, answer: Answer) -> Sipp {
    let (name, ring) = match answer {
        Answer::After(ms) => ("uas-answer", ms),
        Answer::LateOffer => ("uas-answer", 0),
        Answer::Never => ("uas-ring", 0),
        Answer::Busy => ("uas-busy", 0),
        Answer::Hold | Answer::SlowHold => ("uas-hold", 0),
        Answer::EarlyMedia => ("uas-early", 0),
        Answer::Refreshed => ("uas-refreshed", 0),
    };
    // SIPp does not substitute keys in attributes, so pauses are written in.
    let mut answer_part = part(name);
    if matches!(answer, Answer::SlowHold) {
        // The first `</recv>` of the part closes the re-INVITE's.
        answer_part = answer_part.replacen(
            "</recv>\n",
            "</recv>\n\n  <pause milliseconds=\"1200\"/>\n",
            1,
        );
        assert!(answer_part.contains("1200"), "the pause is written in");
    }
    if matches!(answer, Answer::LateOffer) {
        answer_part = answer_part.replacen(
            "<recv request=\"ACK\" crlf=\"true\"/>",
            "<recv request=\"ACK\" crlf=\"true\">\n    <action>\n      \
             <ereg regexp=\"c=IN IP4 127.0.0.1\" search_in=\"body\" check_it=\"true\" assign_to=\"answered\"/>\n    \
             </action>\n  </recv>\n  <Reference variables=\"answered\"/>",
            1,
        );
        assert!(
            answer_part.contains("answered"),
            "the ACK check is written in"
        );
    }
    let mut first = "<recv request=\"INVITE\" crlf=\"true\"/>".to_owned();
    if matches!(answer, Answer::LateOffer) {
        first = "<recv request=\"INVITE\" crlf=\"true\">\n    <action>\n      \
                 <ereg regexp=\"m=audio\" search_in=\"body\" check_it_inverse=\"true\" assign_to=\"offered\"/>\n    \
                 </action>\n  </recv>\n  <Reference variables=\"offered\"/>"
            .to_owned();
    }
    let xml = include_str!("sipp/call_uas.xml")
        .replace("<recv request=\"INVITE\" crlf=\"true\"/>", &first)
        .replace("[answer]", &answer_part)
        .replace("[ring_ms]", &ring.to_string());
    let long = matches!(answer, Answer::Refreshed);
    let args = if long { long_run() } else { Vec::new() };
    Sipp::spawn(xml, "uas", port, &args, None)
}

/// SIPp's arguments for a scenario that runs up to two minutes (the last `-timeout` counts).
fn long_run() -> Vec<String> {
    vec!["-timeout".into(), "120".into()]
}

/// `from` dials `dial`; the call must end with `expect` (200: answered, held for `hold_ms`, and
/// hung up by the caller). `extra` holds SIPp keys, and `("then", …)` variants: `hold` (a
/// re-INVITE on hold), `early` (a 183 with relayed SDP must come first), `timer` (asks for a
/// session interval of `("se_seconds", …)` seconds), `refresh` (asks for 90 s, checks the
/// answer, refreshes once after 20 s and waits for Switchboard's BYE), `transport`/`tcp`.
pub fn dial(
    sip: SocketAddr,
    from: &SipLine,
    dial: &str,
    expect: u16,
    hold_ms: u32,
    extra: &[(&str, &str)],
) -> Sipp {
    let then = |v: &str| extra.contains(&("then", v));
    let finish = match expect {
        200 if then("hold") => part("uac-hold"),
        200 if then("refresh") => part("uac-refresh"),
        200 => part("uac-answered"),
        _ => part("uac-failed"),
    };
    let mut xml = include_str!("sipp/call_uac.xml")
        .replace("[expect]", &expect.to_string())
        .replace("[finish]", &finish)
        .replace("[hold]", &hold_ms.to_string());
    if then("early") {
        xml = xml.replace(
            "<recv response=\"183\" optional=\"true\"/>",
            &part("uac-early-media"),
        );
    }
    if then("timer") || then("refresh") {
        let seconds = extra
            .iter()
            .find(|(k, _)| *k == "se_seconds")
            .map_or("90", |(_, v)| *v);
        let asked = part("uac-timer-asked").replace("[se_seconds]", seconds);
        xml = xml.replacen(
            "      [authentication]\n",
            &format!("      [authentication]\n{asked}"),
            1,
        );
    }
    if then("withheld") {
        // RFC 3323's anonymous From with Privacy: id, the way a phone withholds its identity.
        let from = "[from_name] <sip:[caller]@[domain]>";
        assert!(xml.matches(from).count() >= 2, "each request has a From");
        xml = xml
            .replace(from, "\"Anonymous\" <sip:anonymous@anonymous.invalid>")
            .replace(
                "Max-Forwards: 70\n",
                "Max-Forwards: 70\n      Privacy: id\n",
            );
    }
    if expect == 503 {
        // Shed load says when to try again.
        xml = xml.replace(
            "<recv response=\"503\" rrs=\"true\"/>",
            "<recv response=\"503\" rrs=\"true\">\n    <action>\n      \
             <ereg regexp=\"[0-9]+\" search_in=\"hdr\" header=\"Retry-After:\" check_it=\"true\" assign_to=\"retry\"/>\n    \
             </action>\n  </recv>\n  <Reference variables=\"retry\"/>",
        );
    }
    if expect == 422 {
        xml = xml.replace("<recv response=\"422\" rrs=\"true\"/>", &part("uac-min-se"));
    }
    if then("refresh") {
        xml = xml.replace(
            "<recv response=\"200\" rrs=\"true\"/>",
            &part("uac-timer-agreed"),
        );
    }
    if then("late") {
        // No SDP in the INVITEs; the 200 brings the far phone's offer, pointed at the relay,
        // and the ACK the answer.
        let sdp = "      Content-Type: application/sdp\n      Content-Length: [len]\n\n      v=0\n      \
                   o=caller 1 1 IN IP[local_ip_type] [local_ip]\n      s=-\n      \
                   c=IN IP[media_ip_type] [media_ip]\n      t=0 0\n      \
                   m=audio [media_port] RTP/AVP 0 101\n      a=rtpmap:0 PCMU/8000\n      \
                   a=rtpmap:101 telephone-event/8000\n";
        assert_eq!(xml.matches(sdp).count(), 2, "both INVITEs carry the offer");
        xml = xml.replace(sdp, "      Content-Length: 0\n");
        xml = xml.replace(
            "<recv response=\"200\" rrs=\"true\"/>",
            "<recv response=\"200\" rrs=\"true\">\n    <action>\n      \
             <ereg regexp=\"c=IN IP4 127.0.0.1\" search_in=\"body\" check_it=\"true\" assign_to=\"offer\"/>\n    \
             </action>\n  </recv>\n  <Reference variables=\"offer\"/>",
        );
        xml = xml.replacen(
            "      CSeq: 2 ACK\n      Content-Length: 0\n",
            &sdp.replace("Content-Type", "CSeq: 2 ACK\n      Content-Type"),
            1,
        );
        assert!(
            !xml.contains("CSeq: 2 ACK\n      Content-Length: 0"),
            "the ACK answers"
        );
    }
    if extra.contains(&("transport", "tcp")) {
        // Our Contact names the transport, so the phone's own requests come back over TCP.
        xml = xml.replacen(
            "<recv response=\"200\" rrs=\"true\"/>",
            "<recv response=\"200\" rrs=\"true\">\n    <action>\n      \
             <ereg regexp=\"transport=tcp\" search_in=\"hdr\" header=\"Contact:\" check_it=\"true\" assign_to=\"over_tcp\"/>\n    \
             </action>\n  </recv>\n  <Reference variables=\"over_tcp\"/>",
            1,
        );
        assert!(xml.contains("over_tcp"), "the Contact check is written in");
    }
    let mut args = vec![
        "-s".to_owned(),
        dial.to_owned(),
        "-au".into(),
        from.user.clone(),
        "-ap".into(),
        from.password.clone(),
    ];
    let mut k: Vec<(&str, &str)> = vec![
        ("domain", &from.domain),
        ("caller", &from.user),
        ("from_name", "\"Caller\""),
    ];
    k.retain(|(name, _)| !extra.iter().any(|(n, _)| n == name));
    // ("transport", "tcp") is not a key: it makes SIPp speak TCP.
    let tcp = extra.contains(&("transport", "tcp"));
    k.extend(
        extra
            .iter()
            .filter(|(n, _)| !matches!(*n, "transport" | "then" | "se_seconds")),
    );
    args.extend(keys(&k));
    if then("refresh") {
        args.extend(long_run());
    }
    if tcp {
        args.extend(["-t".to_owned(), "t1".to_owned()]);
    }
    Sipp::spawn(xml, "uac", free_port(), &args, Some(sip))
}

pub struct Pair {
    pub w: World,
    pub sip: SocketAddr,
    /// Ulf's line (201, department Sales): the called line.
    pub callee: SipLine,
    /// Ada's line (202): the caller.
    pub caller: SipLine,
    pub caller_line: String,
}

pub async fn pair() -> Pair {
    let w = world().await;
    let sip = w.srv.running.as_ref().unwrap().sip_addr;
    let ada = admin_line(&w.srv, &w.t1).await;
    let callee = sip_line(&w.srv, &w.t1.admin_token, &w.t1.line_id).await;
    let caller = sip_line(&w.srv, &w.t1.admin_token, &ada).await;
    Pair {
        w,
        sip,
        callee,
        caller,
        caller_line: ada,
    }
}

#[tokio::test]
async fn a_line_without_a_calling_name_shows_its_users_name_and_a_rename_shows_on_the_next_call() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    let ada = p.caller_line.clone();
    let call = || async {
        let port = free_port();
        let answer = phone(p.sip, &p.caller, port, Answer::After(0)).await;
        dial(p.sip, &p.callee, &p.caller.extension, 200, 100, &[])
            .done()
            .await
            .expect("Ulf's call to Ada was answered");
        answer.done().await.expect("Ada's phone took it");
    };
    // Ulf's line loses its local calling name: Ada sees Ulf's own name.
    let line =
        p.w.srv
            .patch(
                &format!("/api/v1/lines/{}", p.w.t1.line_id),
                &p.w.t1.admin_token,
                json!({"calling_name": null}),
            )
            .await;
    assert_eq!(
        line.body["calling_name"],
        serde_json::Value::Null,
        "{}",
        line.text
    );
    call().await;
    assert_eq!(call_log(&p, &ada, 1).await[0]["other_name"], "Ulf");
    let renamed =
        p.w.srv
            .patch(
                &format!("/api/v1/users/{}", p.w.t1.user_id),
                &p.w.t1.admin_token,
                json!({"name": "Ulrich"}),
            )
            .await;
    assert_eq!(renamed.status, 200, "{}", renamed.text);
    call().await;
    let log = call_log(&p, &ada, 2).await;
    assert_eq!(log[0]["other_name"], "Ulrich", "{log:?}");
    p.w.srv.stop().await;
}

#[tokio::test]
async fn dialling_zero_reaches_the_operator_of_the_callers_department_or_of_a_parent() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    let (srv, t) = (&p.w.srv, &p.w.t1);
    // Nobody is anybody's operator yet: 0 leads nowhere.
    dial(p.sip, &p.callee, "0", 404, 0, &[])
        .done()
        .await
        .expect("no operator: not found");
    // Ulf's department (Sales) has none, its new parent has Ada's extension.
    let hq = srv
        .post(
            &format!("/api/v1/companies/{}/departments", t.company_id),
            &t.admin_token,
            json!({"name": "Head office", "operator_number": p.caller.extension}),
        )
        .await;
    assert_eq!(hq.status, 201, "{}", hq.text);
    let sales = srv
        .patch(
            &format!("/api/v1/departments/{}", t.department_id),
            &t.admin_token,
            json!({"parent_id": hq.id()}),
        )
        .await;
    assert_eq!(sales.status, 200, "{}", sales.text);
    let port = free_port();
    let ada = phone(p.sip, &p.caller, port, Answer::After(0)).await;
    dial(p.sip, &p.callee, "0", 200, 100, &[])
        .done()
        .await
        .expect("0 reached the operator");
    ada.done()
        .await
        .expect("the operator's phone took the call");
    let log = call_log(&p, &p.caller_line, 1).await;
    assert_eq!(log[0]["direction"], "received", "{log:?}");
    p.w.srv.stop().await;
}

/// A third line, 203, for a new user Cleo; returns its id.
async fn colleague(p: &Pair) -> String {
    let t = &p.w.t1;
    let u =
        p.w.srv
            .post(
                &format!("/api/v1/companies/{}/users", t.company_id),
                &t.admin_token,
                json!({"name": "Cleo", "username": format!("cleo{}", free_port()), "password": PW}),
            )
            .await;
    assert_eq!(u.status, 201, "{}", u.text);
    let l = p
        .w
        .srv
        .post(
            &format!("/api/v1/companies/{}/lines", t.company_id),
            &t.admin_token,
            json!({"extension": "203", "user_id": u.body["user"]["id"], "calling_name": "Cleo"}),
        )
        .await;
    assert_eq!(l.status, 201, "{}", l.text);
    l.id()
}

/// The line's call log once `n` records are there (the engine writes them as the call ends).
pub async fn call_log(p: &Pair, line: &str, n: usize) -> Vec<serde_json::Value> {
    for _ in 0..50 {
        let r =
            p.w.srv
                .get(&format!("/api/v1/lines/{line}/calls"), &p.w.t1.admin_token)
                .await;
        assert_eq!(r.status, 200, "{}", r.text);
        let items = r.body["items"].as_array().unwrap().clone();
        if items.len() >= n {
            return items;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{line} has fewer than {n} call records");
}

async fn set_handling(p: &Pair, doc: serde_json::Value) {
    let r =
        p.w.srv
            .put(
                &format!("/api/v1/lines/{}/call-handling", p.w.t1.line_id),
                &p.w.t1.admin_token,
                doc,
            )
            .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn a_line_calls_another_line_which_answers_and_the_caller_hangs_up() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    let port = free_port();
    let callee = phone(p.sip, &p.callee, port, Answer::After(200)).await;
    let caller = dial(p.sip, &p.caller, &p.callee.extension, 200, 500, &[]);
    caller
        .done()
        .await
        .expect("the call is answered and hung up");
    callee
        .done()
        .await
        .expect("the phone rang, answered and got the BYE");
    let dialled = call_log(&p, &p.caller_line, 1).await;
    assert_eq!(dialled[0]["direction"], "dialled");
    assert_eq!(dialled[0]["other_number"], "201");
    assert_eq!(dialled[0]["other_name"], "Ulf");
    assert_eq!(dialled[0]["status"], 200);
    let received = call_log(&p, &p.w.t1.line_id, 1).await;
    assert_eq!(received[0]["direction"], "received");
    assert_eq!(received[0]["other_number"], "202");
    assert_eq!(received[0]["other_name"], "Ada");
    assert!(
        received[0]["device"]
            .as_str()
            .unwrap()
            .contains(&port.to_string())
    );
    let csv =
        p.w.srv
            .http
            .get(format!(
                "{}/api/v1/companies/{}/calls?format=csv",
                p.w.srv.base, p.w.t1.company_id
            ))
            .bearer_auth(&p.w.t1.admin_token)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
    // RFC 4180: every row, the header's too, ends with CRLF.
    assert_eq!(csv.matches("\r\n").count(), 3, "{csv:?}");
    assert!(csv.ends_with("\r\n") && !csv.replace("\r\n", "").contains('\n'));
    assert!(csv.contains(",received,202,Ada,"), "{csv}");
    // The called line's user reads their log; another company's administrator cannot.
    let own =
        p.w.srv
            .get(
                &format!("/api/v1/lines/{}/calls", p.w.t1.line_id),
                &p.w.t1.user_token,
            )
            .await;
    assert_eq!(own.status, 200, "{}", own.text);
    let other =
        p.w.srv
            .get(
                &format!("/api/v1/lines/{}/calls", p.w.t1.line_id),
                &p.w.t2.admin_token,
            )
            .await;
    assert_eq!(other.status, 404);
    p.w.srv.stop().await;
}

#[tokio::test]
async fn a_busy_phone_gives_the_caller_busy() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    let callee = phone(p.sip, &p.callee, free_port(), Answer::Busy).await;
    let caller = dial(p.sip, &p.caller, &p.callee.extension, 486, 0, &[]);
    caller.done().await.expect("the caller hears busy");
    callee.done().await.expect("the phone said busy");
    let log = call_log(&p, &p.w.t1.line_id, 1).await;
    assert_eq!(log[0]["direction"], "missed");
    assert_eq!(log[0]["status"], 486);
    p.w.srv.stop().await;
}

#[tokio::test]
async fn unknown_extensions_are_not_found_and_a_wrong_password_cannot_call() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    dial(p.sip, &p.caller, "555", 404, 0, &[])
        .done()
        .await
        .expect("404 for an extension nobody has");
    let wrong = SipLine {
        password: "not-the-password".into(),
        ..p.caller.clone()
    };
    dial(p.sip, &wrong, &p.callee.extension, 403, 0, &[])
        .done()
        .await
        .expect("403 for a wrong password");
    p.w.srv.stop().await;
}

#[tokio::test]
async fn an_unanswered_call_moves_to_a_colleague_after_the_configured_seconds() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    let cleo = colleague(&p).await;
    set_handling(
        &p,
        json!({"forward_all": null, "no_answer": {"action": "divert", "seconds": 5, "divert": {"action": "redirect_to_user", "line_id": cleo}}, "busy": {"action": "engaged"}}),
    )
    .await;
    let cleo_sip = sip_line(&p.w.srv, &p.w.t1.admin_token, &cleo).await;
    let ulf = phone(p.sip, &p.callee, free_port(), Answer::Never).await;
    let cleo_phone = phone(p.sip, &cleo_sip, free_port(), Answer::After(100)).await;
    let started = std::time::Instant::now();
    dial(p.sip, &p.caller, &p.callee.extension, 200, 300, &[])
        .done()
        .await
        .expect("Cleo answers the diverted call");
    assert!(
        started.elapsed().as_secs_f64() >= 4.9,
        "Ulf rang for 5 s first"
    );
    ulf.done()
        .await
        .expect("Ulf's phone rang and was cancelled");
    cleo_phone.done().await.expect("Cleo's phone answered");
    let ulf_log = call_log(&p, &p.w.t1.line_id, 1).await;
    assert_eq!(
        (
            ulf_log[0]["direction"].as_str(),
            ulf_log[0]["status"].as_i64()
        ),
        (Some("missed"), Some(302))
    );
    let cleo_log = call_log(&p, &cleo, 1).await;
    assert_eq!(cleo_log[0]["direction"], "received");
    p.w.srv.stop().await;
}

#[tokio::test]
async fn forward_all_sends_the_call_to_another_extension_without_ringing() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    let cleo = colleague(&p).await;
    set_handling(
        &p,
        json!({"forward_all": "203", "no_answer": {"action": "keep_ringing"}, "busy": {"action": "engaged"}}),
    )
    .await;
    let cleo_sip = sip_line(&p.w.srv, &p.w.t1.admin_token, &cleo).await;
    // Ulf's phone is registered but must not ring: it would fail the call with busy.
    let ulf = phone(p.sip, &p.callee, free_port(), Answer::Busy).await;
    let cleo_phone = phone(p.sip, &cleo_sip, free_port(), Answer::After(0)).await;
    dial(p.sip, &p.caller, &p.callee.extension, 200, 200, &[])
        .done()
        .await
        .expect("the forwarded call is answered by Cleo");
    cleo_phone.done().await.expect("Cleo answered");
    drop(ulf);
    p.w.srv.stop().await;
}

#[tokio::test]
async fn do_not_disturb_gives_busy_and_anonymous_callers_get_433_when_rejected() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    register_at(p.sip, &p.callee, free_port()).await;
    set_handling(
        &p,
        json!({"forward_all": null, "no_answer": {"action": "keep_ringing"}, "busy": {"action": "engaged"}, "reject_anonymous": true}),
    )
    .await;
    dial(
        p.sip,
        &p.caller,
        &p.callee.extension,
        433,
        0,
        &[("from_name", "\"Anonymous\"")],
    )
    .done()
    .await
    .expect("433 Anonymity Disallowed");
    let r =
        p.w.srv
            .put(
                &format!("/api/v1/users/{}/presence", p.w.t1.user_id),
                &p.w.t1.user_token,
                json!({"status": "do_not_disturb"}),
            )
            .await;
    assert_eq!(r.status, 200, "{}", r.text);
    dial(p.sip, &p.caller, &p.callee.extension, 486, 0, &[])
        .done()
        .await
        .expect("busy while the user is in do not disturb");
    let log = call_log(&p, &p.w.t1.line_id, 2).await;
    assert!(log.iter().all(|r| r["direction"] == "rejected"), "{log:?}");
    assert!(
        log.iter().any(|r| r["other_number"] == "anonymous"),
        "{log:?}"
    );
    p.w.srv.stop().await;
}

#[tokio::test]
async fn department_blocks_and_simultaneous_call_limits_are_kept_on_the_wire() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    let dept = format!("/api/v1/departments/{}", p.w.t1.department_id);
    let r =
        p.w.srv
            .patch(
                &dept,
                &p.w.t1.admin_token,
                json!({"call_policy": "incoming_blocked"}),
            )
            .await;
    assert_eq!(r.status, 200, "{}", r.text);
    register_at(p.sip, &p.callee, free_port()).await;
    dial(p.sip, &p.caller, &p.callee.extension, 403, 0, &[])
        .done()
        .await
        .expect("the department takes no incoming calls");
    let r =
        p.w.srv
            .patch(
                &dept,
                &p.w.t1.admin_token,
                json!({"call_policy": "limited", "call_limit": 1}),
            )
            .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let ulf = phone(p.sip, &p.callee, free_port(), Answer::After(0)).await;
    let first = dial(p.sip, &p.caller, &p.callee.extension, 200, 3000, &[]);
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    let metrics = p.w.srv.metrics().await;
    assert!(
        metrics.contains("switchboard_active_calls 1\n"),
        "{metrics}"
    );
    // The administrators see the call counted against the department while it lasts.
    let live_calls = || async {
        let r =
            p.w.srv
                .get(
                    &format!("/api/v1/companies/{}/department-calls", p.w.t1.company_id),
                    &p.w.t1.admin_token,
                )
                .await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["department_id"] == p.w.t1.department_id.as_str())
            .map(|d| d["calls"].as_i64().unwrap())
            .unwrap()
    };
    assert_eq!(live_calls().await, 1, "a call in progress");
    dial(p.sip, &p.caller, &p.callee.extension, 403, 0, &[])
        .done()
        .await
        .expect("the second call finds the department full");
    first.done().await.expect("the first call went on");
    ulf.done().await.unwrap();
    assert_eq!(live_calls().await, 0, "no call any more");
    // Once the call has ended the department has room again.
    let ulf = phone(p.sip, &p.callee, free_port(), Answer::After(0)).await;
    dial(p.sip, &p.caller, &p.callee.extension, 200, 100, &[])
        .done()
        .await
        .expect("the department has room after the call");
    ulf.done().await.unwrap();
    p.w.srv.stop().await;
}

/// The key a carrier's calls carry in the tests' trunks in `secret` mode.
pub const CARRIER_KEY: &str = "k3y-0f-the-carrier-2026";

/// A carrier's call to a company number, with `key` in its Request-URI.
pub fn carrier_call(key: Option<&str>) -> String {
    let key = key.map(|k| format!(";key={k}")).unwrap_or_default();
    include_str!("sipp/carrier_uac.xml").replace("[key]", &key)
}

/// A carrier (SIPp) on `port` that takes one call for `number` showing `caller_id`; with
/// `challenge`, it first asks for the trunk's credentials.
pub fn carrier(port: u16, number: &str, caller_id: &str, challenge: bool) -> Sipp {
    let (ch, verify, refs) = if challenge {
        (part("carrier-challenge"), part("carrier-verify"), ",authok")
    } else {
        (String::new(), String::new(), "")
    };
    let xml = include_str!("sipp/carrier_uas.xml")
        .replace("[challenge]", &ch)
        .replace("[verify]", &verify)
        .replace("[refs]", refs)
        .replace("[number]", &number.replace('+', "\\+"))
        .replace("[caller_id]", &caller_id.replace('+', "\\+"));
    Sipp::spawn(xml, "carrier", port, &[], None)
}

/// Points the tenant's trunk at a free port on loopback, recognising the carrier by its key
/// (`;key=CARRIER_KEY` in the Request-URI); the port.
pub async fn keyed_trunk(p: &Pair) -> u16 {
    let port = free_port();
    let key = json!({"inbound": "secret", "inbound_secret": CARRIER_KEY});
    trunk_at(p, port, key).await;
    port
}

/// Points the tenant's trunk at `port` on loopback, with the given extra settings.
pub async fn trunk_at(p: &Pair, port: u16, extra: serde_json::Value) {
    let mut body = json!({"name": "Carrier", "address": format!("127.0.0.1:{port}")});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let r =
        p.w.srv
            .put(
                &format!("/api/v1/trunks/{}", p.w.t1.trunk_id),
                &p.w.t1.reseller_token,
                body,
            )
            .await;
    assert_eq!(r.status, 200, "{}", r.text);
}

#[tokio::test]
async fn outside_numbers_go_out_through_the_trunk_with_the_presentation_number() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    let port = free_port();
    trunk_at(&p, port, json!({})).await;
    let carrier = carrier(port, "+15559876543", "+15550000001", false);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    // Ulf's line presents +15550000001.
    dial(p.sip, &p.callee, "+15559876543", 200, 300, &[])
        .done()
        .await
        .expect("the carrier answers");
    carrier
        .done()
        .await
        .expect("the carrier saw the number and the caller ID");
    let log = call_log(&p, &p.w.t1.line_id, 1).await;
    assert_eq!(log[0]["direction"], "dialled");
    assert_eq!(log[0]["other_number"], "+15559876543");
    p.w.srv.stop().await;
}

#[tokio::test]
async fn a_carrier_challenge_is_answered_with_the_trunk_credentials() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    let port = free_port();
    trunk_at(
        &p,
        port,
        json!({"username": "acme-trunk", "password": "trunk-s3cret"}),
    )
    .await;
    let view =
        p.w.srv
            .get(
                &format!("/api/v1/trunks/{}", p.w.t1.trunk_id),
                &p.w.t1.reseller_token,
            )
            .await;
    assert_eq!(view.body["has_password"], true);
    assert!(
        !view.text.contains("trunk-s3cret"),
        "the password is never shown"
    );
    let carrier = carrier(port, "+15559876543", "+15550000001", true);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    dial(p.sip, &p.callee, "+15559876543", 200, 200, &[])
        .done()
        .await
        .expect("the call goes through after the challenge");
    carrier
        .done()
        .await
        .expect("the carrier got the credentials");
    p.w.srv.stop().await;
}

#[tokio::test]
async fn a_call_from_the_carrier_to_a_company_number_rings_its_line() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    let carrier_port = keyed_trunk(&p).await;
    let ulf = phone(p.sip, &p.callee, free_port(), Answer::After(100)).await;
    // The carrier leaves out the + of the number (+15550000001 is routed to Ulf's line).
    let xml = carrier_call(Some(CARRIER_KEY));
    Sipp::spawn(
        xml,
        "carrier-uac",
        carrier_port,
        &["-s".to_owned(), "15550000001".to_owned()],
        Some(p.sip),
    )
    .done()
    .await
    .expect("the carrier's call is answered");
    ulf.done().await.expect("Ulf's phone answered");
    let log = call_log(&p, &p.w.t1.line_id, 1).await;
    assert_eq!(log[0]["direction"], "received");
    assert_eq!(log[0]["other_number"], "+15557654321");
    assert_eq!(log[0]["other_name"], "Outside Caller");
    // An address that is not a trunk gets challenged like any phone.
    p.w.srv.stop().await;
}

#[tokio::test]
async fn emergency_calls_get_through_any_block_and_mail_the_recipients_the_address() {
    if !sipp_available() {
        return;
    }
    let Some(sink) = SmtpSink::start().await else {
        return;
    };
    let srv = start_with_smtp(&sink.url).await;
    let sys = srv.admin().await;
    let t = tenant(&srv, &sys, "e911").await;
    let sip = srv.running.as_ref().unwrap().sip_addr;
    let ulf = sip_line(&srv, &t.admin_token, &t.line_id).await;
    let r = srv
        .put(
            &format!("/api/v1/companies/{}/emergency", t.company_id),
            &t.admin_token,
            json!({"recipients": ["security@e911.example.com", "Front.Desk@e911.example.com"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let bad = srv
        .put(
            &format!("/api/v1/lines/{}/e911-address", t.line_id),
            &t.admin_token,
            json!({"street": "", "city": "Springfield", "postal_code": "12345", "country": "US"}),
        )
        .await;
    assert_eq!(bad.status, 422);
    assert_eq!(bad.body["field"], "street");
    let r = srv
        .put(
            &format!("/api/v1/lines/{}/e911-address", t.line_id),
            &t.admin_token,
            json!({"street": "742 Evergreen Terrace", "location": "Floor 2, Room 12", "city": "Springfield", "region": "OR", "postal_code": "97403", "country": "US"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // Ulf's department may not call out at all: 911 still goes through.
    let r = srv
        .patch(
            &format!("/api/v1/departments/{}", t.department_id),
            &t.admin_token,
            json!({"call_policy": "both_blocked"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let port = free_port();
    let r = srv
        .put(
            &format!("/api/v1/trunks/{}", t.trunk_id),
            &t.reseller_token,
            json!({"name": "PSAP route", "address": format!("127.0.0.1:{port}"), "emergency": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // Tenants other than "one" hold +15550000002.
    let psap = carrier(port, "911", "+15550000002", false);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    dial(sip, &ulf, "911", 200, 300, &[])
        .done()
        .await
        .expect("the emergency call is answered");
    psap.done().await.expect("the emergency route got the call");
    sink.wait_for("Emergency call from extension 201").await;
    // One message per recipient, in no set order: wait for this one's whole message too.
    let mail = sink.wait_for("<security@e911.example.com>").await;
    assert!(mail.contains("Emergency call from extension 201"), "{mail}");
    assert!(mail.contains("Caller ID: +15550000002"), "{mail}");
    assert!(
        mail.contains(
            "E911 address: 742 Evergreen Terrace, Floor 2, Room 12, Springfield, OR, 97403, US"
        ),
        "{mail}"
    );
    // An ordinary outside number is still blocked for this department.
    dial(sip, &ulf, "+15559876543", 403, 0, &[])
        .done()
        .await
        .expect("outgoing calls stay blocked");
    srv.stop().await;
}

/// With a limit on calls in progress, a call beyond it is shed with 503 and Retry-After, while
/// an emergency call still goes through.
#[tokio::test]
async fn over_the_call_limit_new_calls_get_503_but_emergency_calls_go_through() {
    if !sipp_available() {
        return;
    }
    let srv = start_tuned(&|f| f.sip_max_calls = Some(1)).await;
    let sys = srv.admin().await;
    let t = tenant(&srv, &sys, "cap").await;
    let sip = srv.running.as_ref().unwrap().sip_addr;
    let ulf = sip_line(&srv, &t.admin_token, &t.line_id).await;
    let ada = sip_line(&srv, &t.admin_token, &admin_line(&srv, &t).await).await;
    let port = free_port();
    let r = srv
        .put(
            &format!("/api/v1/trunks/{}", t.trunk_id),
            &t.reseller_token,
            json!({"name": "PSAP route", "address": format!("127.0.0.1:{port}"), "emergency": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let ulf_phone = phone(sip, &ulf, free_port(), Answer::After(0)).await;
    // One call in progress: Ada talks with Ulf for four seconds.
    let first = dial(sip, &ada, &ulf.extension, 200, 4000, &[]);
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    dial(sip, &ulf, &ada.extension, 503, 0, &[])
        .done()
        .await
        .expect("a second call is shed with 503");
    let psap = carrier(port, "911", "+15550000002", false);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    dial(sip, &ulf, "911", 200, 300, &[])
        .done()
        .await
        .expect("an emergency call goes through over the limit");
    psap.done().await.expect("the emergency route got the call");
    first
        .done()
        .await
        .expect("the first call went on undisturbed");
    ulf_phone
        .done()
        .await
        .expect("Ulf's phone took the first call");
    srv.stop().await;
}

pub fn send_message(sip: SocketAddr, from: &SipLine, to: &str, text: &str, expect: u16) -> Sipp {
    let xml = include_str!("sipp/message_uac.xml")
        .replace("[expect]", &expect.to_string())
        .replace("[text]", text);
    let mut args = vec![
        "-s".to_owned(),
        to.to_owned(),
        "-au".into(),
        from.user.clone(),
        "-ap".into(),
        from.password.clone(),
    ];
    args.extend(keys(&[("domain", &from.domain), ("caller", &from.user)]));
    Sipp::spawn(xml, "msg", free_port(), &args, Some(sip))
}

pub fn message_phone(port: u16, text: &str) -> Sipp {
    let xml = include_str!("sipp/message_uas.xml").replace("[text]", text);
    Sipp::spawn(xml, "msg-uas", port, &[], None)
}

#[tokio::test]
async fn messages_reach_registered_phones_and_wait_for_offline_ones() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    // Without SMS/MMS in the package nobody sends (RFC 3428 section 7: 403).
    send_message(p.sip, &p.caller, &p.callee.extension, "Not yet", 403)
        .done()
        .await
        .expect("refused without SMS/MMS");
    for user in [&p.w.t1.admin_id, &p.w.t1.user_id] {
        let r =
            p.w.srv
                .patch(
                    &format!("/api/v1/users/{user}"),
                    &p.w.t1.admin_token,
                    json!({"package_id": p.w.t1.package_id}),
                )
                .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let port = free_port();
    register_at(p.sip, &p.callee, port).await;
    let phone = message_phone(port, "Lunch at noon");
    send_message(p.sip, &p.caller, &p.callee.extension, "Lunch at noon", 202)
        .done()
        .await
        .expect("the message is accepted");
    phone.done().await.expect("the phone got the message");
    // Ada has no phone registered: the message waits, then arrives when she registers.
    send_message(p.sip, &p.callee, "202", "Call me back", 202)
        .done()
        .await
        .expect("the message for an offline line is accepted");
    let waiting =
        p.w.srv
            .get(
                &format!("/api/v1/lines/{}/messages", p.caller_line),
                &p.w.t1.admin_token,
            )
            .await;
    // SIPp ends the body with a line break; the text is kept as sent.
    assert_eq!(
        waiting.body["items"][0]["body"].as_str().map(str::trim_end),
        Some("Call me back")
    );
    assert_eq!(waiting.body["items"][0]["direction"], "received");
    assert!(waiting.body["items"][0]["delivered_at"].is_null());
    let ada_port = free_port();
    register_at(p.sip, &p.caller, ada_port).await;
    message_phone(ada_port, "Call me back")
        .done()
        .await
        .expect("the waiting message arrives after registering");
    let mut delivered = false;
    for _ in 0..30 {
        let r =
            p.w.srv
                .get(
                    &format!("/api/v1/lines/{}/messages", p.caller_line),
                    &p.w.t1.admin_token,
                )
                .await;
        if !r.body["items"][0]["delivered_at"].is_null() {
            delivered = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(delivered, "the message is marked delivered");
    send_message(p.sip, &p.caller, "555", "nobody", 404)
        .done()
        .await
        .expect("no such extension");
    p.w.srv.stop().await;
}

#[tokio::test]
async fn a_phone_on_tcp_registers_and_calls_a_phone_on_udp() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    let xml = include_str!("sipp/register.xml").replace("[expect]", "200");
    let mut args = vec![
        "-s".to_owned(),
        p.caller.user.clone(),
        "-au".into(),
        p.caller.user.clone(),
        "-ap".into(),
        p.caller.password.clone(),
        "-t".into(),
        "t1".into(),
    ];
    args.extend(keys(&[("domain", &p.caller.domain)]));
    Sipp::spawn(xml, "reg-tcp", free_port(), &args, Some(p.sip))
        .done()
        .await
        .expect("REGISTER over TCP");
    let callee = phone(p.sip, &p.callee, free_port(), Answer::After(100)).await;
    dial(
        p.sip,
        &p.caller,
        &p.callee.extension,
        200,
        300,
        &[("transport", "tcp")],
    )
    .done()
    .await
    .expect("the call over TCP is answered and hung up");
    callee.done().await.expect("the UDP phone answered");
    p.w.srv.stop().await;
}

/// A line calls another whose phone answers as told; the call goes through the `then` variant
/// of [`dial`] and each side's scenario must end as its message says.
async fn answered_call(answer: Answer, hold_ms: u32, then: &str, caller: &str, callee: &str) {
    let p = pair().await;
    let far = phone(p.sip, &p.callee, free_port(), answer).await;
    dial(
        p.sip,
        &p.caller,
        &p.callee.extension,
        200,
        hold_ms,
        &[("then", then)],
    )
    .done()
    .await
    .unwrap_or_else(|e| panic!("{caller}: {e}"));
    far.done().await.unwrap_or_else(|e| panic!("{callee}: {e}"));
    p.w.srv.stop().await;
}

#[tokio::test]
async fn hold_by_re_invite_passes_through_with_the_sdp_pointed_at_the_relay() {
    if !sipp_available() {
        return;
    }
    answered_call(
        Answer::Hold,
        0,
        "hold",
        "the caller puts the call on hold and hangs up",
        "the far phone saw the hold offer and the BYE",
    )
    .await;
}

/// Over UDP a phone repeats a re-INVITE every half second until it hears back: while the far
/// phone takes its time, the repeats are the same request on its way (100 Trying, never 491),
/// and Switchboard repeats it towards the far phone in turn until that one answers.
#[tokio::test]
async fn a_re_invite_repeated_while_the_far_phone_thinks_is_the_same_request_not_a_second_one() {
    if !sipp_available() {
        return;
    }
    answered_call(
        Answer::SlowHold,
        0,
        "hold",
        "the repeated hold offer is answered 200 once the far phone answers",
        "the far phone answered the hold offer late and saw the BYE",
    )
    .await;
}

/// An INVITE without SDP (a late offer) goes on without one; the answering phone's offer
/// reaches the caller pointed at the relay, and the caller's answer, in its ACK, reaches the
/// phone pointed at the relay too.
#[tokio::test]
async fn a_late_offer_call_takes_the_offer_from_the_answer_and_the_answer_from_the_ack() {
    if !sipp_available() {
        return;
    }
    answered_call(
        Answer::LateOffer,
        500,
        "late",
        "the caller gets the relayed offer in the 200 and hangs up",
        "the phone got an INVITE without SDP and the answer in the ACK",
    )
    .await;
}

#[tokio::test]
async fn early_media_reaches_the_caller_through_the_relay_before_the_answer() {
    if !sipp_available() {
        return;
    }
    answered_call(
        Answer::EarlyMedia,
        0,
        "early",
        "the caller gets a 183 with SDP pointing at the relay, then the answer",
        "the far phone sent early media, was answered and got the BYE",
    )
    .await;
}

#[tokio::test]
async fn a_session_interval_under_90_seconds_is_refused_with_422_and_min_se() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    let extra = [("then", "timer"), ("se_seconds", "60")];
    dial(p.sip, &p.caller, &p.callee.extension, 422, 0, &extra)
        .done()
        .await
        .expect("Session-Expires: 60 gets 422 naming Min-SE: 90");
    p.w.srv.stop().await;
}

#[tokio::test]
async fn a_call_nobody_refreshes_is_ended_by_its_session_timer_and_a_refresh_extends_it() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    let callee = phone(p.sip, &p.callee, free_port(), Answer::Refreshed).await;
    let start = std::time::Instant::now();
    dial(
        p.sip,
        &p.caller,
        &p.callee.extension,
        200,
        0,
        &[("then", "refresh")],
    )
    .done()
    .await
    .expect("90 s agreed with the caller refreshing; the refresh passes; then a BYE comes");
    // Unrefreshed, the BYE comes 60 s after the answer (90 less a third); the refresh after
    // 20 s moved it to 80 s. A BYE before the refresh would have failed the scenario.
    let took = start.elapsed();
    assert!(
        took >= std::time::Duration::from_secs(75),
        "the refresh did not extend the session: BYE after {took:?}"
    );
    callee
        .done()
        .await
        .expect("the far phone saw the refresh and got the BYE too");
    let rows = call_log(&p, &p.w.t1.line_id, 1).await;
    assert!(rows[0]["duration_secs"].as_i64().unwrap() >= 75, "{rows:?}");
    p.w.srv.stop().await;
}

#[tokio::test]
async fn a_trunk_set_to_register_registers_to_the_carrier_with_its_credentials() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    let port = free_port();
    let carrier = Sipp::spawn(
        include_str!("sipp/carrier_registrar.xml").to_owned(),
        "carrier-reg",
        port,
        &[],
        None,
    );
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    trunk_at(
        &p,
        port,
        json!({"username": "acme-trunk", "password": "trunk-s3cret", "register": true}),
    )
    .await;
    carrier
        .done()
        .await
        .expect("the carrier saw a challenged REGISTER answered with the trunk's credentials");
    p.w.srv.stop().await;
}

/// A subscriber (SIPp) as `from` to `event` of `to`, expecting one NOTIFY per pattern, in order.
pub fn subscriber(
    sip: SocketAddr,
    from: &SipLine,
    to: &str,
    event: &str,
    patterns: &[&str],
) -> Sipp {
    let mut notifies = String::new();
    let mut refs = Vec::new();
    for (i, p) in patterns.iter().enumerate() {
        let p = p
            .replace('&', "&amp;")
            .replace('"', "&quot;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        notifies.push_str(&format!(
            "<recv request=\"NOTIFY\" crlf=\"true\"><action><ereg regexp=\"{p}\" search_in=\"body\" check_it=\"true\" assign_to=\"n{i}\"/></action></recv>\n\
             <send><![CDATA[\n\nSIP/2.0 200 OK\n[last_Via:]\n[last_From:]\n[last_To:]\n[last_Call-ID:]\n[last_CSeq:]\nContent-Length: 0\n\n]]></send>\n"
        ));
        refs.push(format!("n{i}"));
    }
    notifies.push_str(&format!("<Reference variables=\"{}\"/>\n", refs.join(",")));
    let xml = include_str!("sipp/subscribe.xml").replace("[notifies]", &notifies);
    let mut args = vec![
        "-s".to_owned(),
        to.to_owned(),
        "-au".into(),
        from.user.clone(),
        "-ap".into(),
        from.password.clone(),
    ];
    args.extend(keys(&[
        ("domain", &from.domain),
        ("caller", &from.user),
        ("event", event),
    ]));
    Sipp::spawn(xml, "sub", free_port(), &args, Some(sip))
}

#[tokio::test]
async fn busy_lamps_follow_a_watched_line_and_the_mailbox_lamp_is_off() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    let mwi = subscriber(
        p.sip,
        &p.caller,
        "202",
        "message-summary",
        &["Messages-Waiting: no"],
    );
    mwi.done().await.expect("the mailbox lamp is off");
    let blf = subscriber(
        p.sip,
        &p.caller,
        &p.callee.extension,
        "dialog",
        &[
            "version=\"0\" state=\"full\" entity=\"sip:201@[^\"]*\"></dialog-info>",
            "<state>early</state>",
            "<state>confirmed</state>",
            "version=\"3\" state=\"full\" entity=\"sip:201@[^\"]*\"></dialog-info>",
        ],
    );
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let ulf = phone(p.sip, &p.callee, free_port(), Answer::After(300)).await;
    dial(p.sip, &p.caller, &p.callee.extension, 200, 300, &[])
        .done()
        .await
        .expect("the watched line takes a call");
    ulf.done().await.expect("Ulf answered");
    blf.done()
        .await
        .expect("the lamp went idle, ringing, busy and idle again");
    p.w.srv.stop().await;
}

/// A bare UDP phone for what SIPp cannot show: SIPp takes a repeated NOTIFY for a
/// retransmission of its own and answers it itself, so this one decides by hand which NOTIFYs
/// it answers.
struct BarePhone {
    sock: tokio::net::UdpSocket,
    server: SocketAddr,
}

impl BarePhone {
    async fn new(server: SocketAddr) -> BarePhone {
        let sock = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
        BarePhone { sock, server }
    }

    fn local(&self) -> SocketAddr {
        self.sock.local_addr().unwrap()
    }

    async fn send(&self, text: &str) {
        let wire = text.trim_start().replace('\n', "\r\n");
        self.sock
            .send_to(wire.as_bytes(), self.server)
            .await
            .unwrap();
    }

    /// The next message within `secs`, if any.
    async fn recv(&self, secs: f64) -> Option<sb_sip::Message> {
        let mut buf = vec![0u8; 65_535];
        let wait = std::time::Duration::from_secs_f64(secs);
        let (n, _) = tokio::time::timeout(wait, self.sock.recv_from(&mut buf))
            .await
            .ok()?
            .ok()?;
        Some(sb_sip::parse(&buf[..n]).expect("Switchboard sends well-formed SIP"))
    }

    /// Answers `m` (a request from Switchboard) with `code`.
    async fn answer(&self, m: &sb_sip::Message, code: u16, reason: &str) {
        let h = |n: &str| m.header(n).unwrap().to_owned();
        self.send(&format!(
            "SIP/2.0 {code} {reason}\nVia: {}\nFrom: {}\nTo: {}\nCall-ID: {}\nCSeq: {}\nContent-Length: 0\n\n",
            h("via"),
            h("from"),
            h("to"),
            h("call-id"),
            h("cseq")
        ))
        .await;
    }

    /// A SUBSCRIBE to `event` of `target` as `line`, in the dialog `call_id` (with our
    /// `to_tag` once it is known), answering the digest challenge; returns the final answer.
    async fn subscribe(
        &self,
        line: &SipLine,
        target: &str,
        event: &str,
        call_id: &str,
        to_tag: Option<&str>,
        cseq: &mut u32,
    ) -> sb_sip::Message {
        let uri = format!("sip:{target}@{}", line.domain);
        let mut auth = String::new();
        loop {
            *cseq += 1;
            let to = match to_tag {
                Some(t) => format!("<{uri}>;tag={t}"),
                None => format!("<{uri}>"),
            };
            self.send(&format!(
                "SUBSCRIBE {uri} SIP/2.0\nVia: SIP/2.0/UDP {l};branch=z9hG4bK{call_id}{cseq};rport\nMax-Forwards: 70\nFrom: <sip:{user}@{domain}>;tag=bare\nTo: {to}\nCall-ID: {call_id}\nCSeq: {cseq} SUBSCRIBE\nContact: <sip:{user}@{l}>\n{auth}Event: {event}\nExpires: 600\nContent-Length: 0\n\n",
                l = self.local(),
                user = line.user,
                domain = line.domain,
            ))
            .await;
            let answer = loop {
                let m = self.recv(5.0).await.expect("an answer to SUBSCRIBE");
                if m.code().is_some_and(|c| c >= 200) {
                    break m;
                }
            };
            if answer.code() != Some(407) || !auth.is_empty() {
                return answer;
            }
            let challenge =
                sb_sip::digest::parse_challenge(answer.header("proxy-authenticate").unwrap())
                    .unwrap();
            let value = sb_sip::digest::answer(
                &challenge,
                "SUBSCRIBE",
                &uri,
                &line.user,
                &line.password,
                "c0ffee",
            )
            .unwrap();
            auth = format!("Proxy-Authorization: {value}\n");
        }
    }
}

#[tokio::test]
async fn a_notify_is_repeated_until_answered_and_a_subscriber_that_says_481_loses_the_subscription()
{
    let p = pair().await;
    let phone = BarePhone::new(p.sip).await;
    let call_id = format!("bare-{}", free_port());
    let mut cseq = 0;
    let ok = phone
        .subscribe(
            &p.caller,
            &p.caller.extension,
            "message-summary",
            &call_id,
            None,
            &mut cseq,
        )
        .await;
    assert_eq!(ok.code(), Some(200), "subscribed");
    let our_tag = ok.tag("to").unwrap().to_owned();
    // The first NOTIFY goes unanswered (as if lost): the same transaction comes again, from
    // T1 (0.5 s) on.
    let first = phone.recv(5.0).await.expect("a NOTIFY at once");
    assert_eq!(first.method(), Some("NOTIFY"));
    let again = phone.recv(2.0).await.expect("the NOTIFY is repeated");
    assert_eq!(again.method(), Some("NOTIFY"));
    assert_eq!(
        again.header("via"),
        first.header("via"),
        "the same transaction"
    );
    assert_eq!(again.header("cseq"), first.header("cseq"));
    phone.answer(&again, 200, "OK").await;
    // Answered: no further copy (the next would come 1 s after the last at the latest).
    assert!(
        phone.recv(2.5).await.is_none(),
        "an answered NOTIFY is not repeated"
    );
    // A refresh brings a new NOTIFY; answering it 481 ends the subscription on our side.
    let refreshed = phone
        .subscribe(
            &p.caller,
            &p.caller.extension,
            "message-summary",
            &call_id,
            Some(&our_tag),
            &mut cseq,
        )
        .await;
    assert_eq!(refreshed.code(), Some(200), "refreshed");
    let notify = phone.recv(5.0).await.expect("a NOTIFY after the refresh");
    assert_eq!(notify.method(), Some("NOTIFY"));
    phone
        .answer(&notify, 481, "Subscription Does Not Exist")
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let gone = phone
        .subscribe(
            &p.caller,
            &p.caller.extension,
            "message-summary",
            &call_id,
            Some(&our_tag),
            &mut cseq,
        )
        .await;
    assert_eq!(
        gone.code(),
        Some(481),
        "the subscription ended with the subscriber's 481"
    );
    p.w.srv.stop().await;
}

/// Forwards everything on Ulf's line (201) to `number`.
async fn forward_all_to(p: &Pair, number: &str) {
    set_handling(
        p,
        json!({"forward_all": number, "no_answer": {"action": "keep_ringing"}, "busy": {"action": "engaged"}}),
    )
    .await;
}

/// Ada (202) calls Ulf's forwarded line and must get 403, and the trunk listening on `trunk`
/// must see no INVITE at all.
async fn forwarded_call_is_refused_before_the_trunk(p: &Pair, trunk: &tokio::net::UdpSocket) {
    refused_before_the_trunk(p, trunk, &p.callee.extension).await;
}

/// Ada (202) dials `dialled` and must get 403, and the trunk listening on `trunk` must see no
/// INVITE at all.
async fn refused_before_the_trunk(p: &Pair, trunk: &tokio::net::UdpSocket, dialled: &str) {
    let call = dial(p.sip, &p.caller, dialled, 403, 0, &[]).done().await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let mut buf = [0u8; 4096];
    while let Ok(n) = trunk.try_recv(&mut buf) {
        let text = String::from_utf8_lossy(&buf[..n]);
        assert!(
            !text.starts_with("INVITE"),
            "a barred redirect reached the trunk:\n{text}"
        );
    }
    call.expect("the caller hears 403");
}

/// Toll fraud (issue 14): someone holding a user's account forwards the line to a premium-rate
/// or international number and calls it, so that the company pays. A barred redirect must
/// never reach the trunk (the caller gets 403, the explanation says why); once the provider
/// allows the destination, the same call goes out.
#[tokio::test]
async fn forwarding_to_a_barred_number_never_reaches_the_trunk_until_the_provider_allows_it() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    let t = &p.w.t1;
    let port = free_port();
    trunk_at(&p, port, json!({})).await;
    let trunk = tokio::net::UdpSocket::bind(("127.0.0.1", port))
        .await
        .unwrap();
    // A new company bars premium-rate numbers from the start.
    let company_bars = format!("/api/v1/companies/{}/call-barring", t.company_id);
    let r = p.w.srv.get(&company_bars, &t.admin_token).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body["barred"],
        json!({"international": false, "premium": true, "all_outside": false})
    );
    forward_all_to(&p, "+19005550123").await;
    forwarded_call_is_refused_before_the_trunk(&p, &trunk).await;
    let explain =
        p.w.srv
            .post(
                &format!("/api/v1/lines/{}/call-handling/explain", t.line_id),
                &t.admin_token,
                json!({}),
            )
            .await;
    assert_eq!(explain.status, 200, "{}", explain.text);
    assert_eq!(explain.body["steps"][0]["status"], 403);
    assert_eq!(explain.body["steps"][0]["reason"], "BarredPremium");

    // International calls: the company allows them, Ulf's department (Sales) bars them.
    forward_all_to(&p, "+33142685300").await;
    let sales = format!("/api/v1/departments/{}/call-barring", t.department_id);
    let r =
        p.w.srv
            .put(
                &sales,
                &t.admin_token,
                json!({"international": true, "premium": false, "all_outside": false}),
            )
            .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["effective"]["international"], true);
    assert_eq!(
        r.body["effective"]["premium"], true,
        "the company's bar holds"
    );
    forwarded_call_is_refused_before_the_trunk(&p, &trunk).await;

    // The company administrator cannot lift the provider's bars; the reseller can.
    let open = json!({"international": false, "premium": false, "all_outside": false});
    let r =
        p.w.srv
            .put(&company_bars, &t.admin_token, open.clone())
            .await;
    assert_eq!(r.status, 403, "{}", r.text);
    forward_all_to(&p, "+19005550123").await;
    forwarded_call_is_refused_before_the_trunk(&p, &trunk).await;
    // A body without every flag is refused and changes nothing (a missing flag is not "open").
    let r =
        p.w.srv
            .put(&company_bars, &t.reseller_token, json!({"premium": false}))
            .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r.body["code"], "invalid_field", "{}", r.text);
    let r = p.w.srv.get(&company_bars, &t.reseller_token).await;
    assert_eq!(r.body["barred"]["premium"], true);
    let r = p.w.srv.put(&company_bars, &t.reseller_token, open).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let audit =
        p.w.srv
            .get(
                &format!("/api/v1/companies/{}/audit", t.company_id),
                &t.reseller_token,
            )
            .await;
    assert!(audit.text.contains("company_barring"), "{}", audit.text);

    // Allowed now: the forwarded call goes out through the trunk, showing Ada's extension.
    drop(trunk);
    let carrier = carrier(port, "+19005550123", "202", false);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    dial(p.sip, &p.caller, &p.callee.extension, 200, 200, &[])
        .done()
        .await
        .expect("the carrier answers the forwarded call");
    carrier
        .done()
        .await
        .expect("the carrier got the INVITE for the premium-rate number");
    p.w.srv.stop().await;
}

/// A redirect that presents the dialled number shows the carrier the redirecting line's number
/// (Ulf's +15550000001), not the caller's extension (Ada's 202): the plan `route_call` hands
/// the engine carries the redirect's choice to the wire, and the explanation names the same.
#[tokio::test]
async fn a_redirect_presenting_the_dialled_number_shows_it_to_the_carrier() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    let port = free_port();
    trunk_at(&p, port, json!({})).await;
    let redirect = json!({"action": "redirect_to_number", "number": "+15559876543", "announce": false, "present_dialled": true});
    set_handling(
        &p,
        json!({"forward_all": null, "no_answer": {"action": "divert", "seconds": 20, "divert": redirect, "always": true}, "busy": {"action": "engaged"}}),
    )
    .await;
    let explain =
        p.w.srv
            .post(
                &format!("/api/v1/lines/{}/call-handling/explain", p.w.t1.line_id),
                &p.w.t1.admin_token,
                json!({"caller_number": "202", "internal": true}),
            )
            .await;
    assert_eq!(explain.status, 200, "{}", explain.text);
    assert_eq!(
        explain.body["steps"][0]["outside"],
        json!({"trunk": "Carrier", "presents": "+15550000001", "withheld": false, "emergency": false})
    );
    let carrier = carrier(port, "+15559876543", "+15550000001", false);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    dial(p.sip, &p.caller, &p.callee.extension, 200, 200, &[])
        .done()
        .await
        .expect("the carrier answers the redirected call");
    carrier
        .done()
        .await
        .expect("the carrier saw the dialled line's number");
    p.w.srv.stop().await;
}

/// "Present the dialled number" shows an outside callee the company number the caller dialled,
/// not the number the redirecting line presents.
#[tokio::test]
async fn a_redirect_presenting_the_dialled_number_shows_the_company_number_the_caller_dialled() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    let out_port = free_port();
    let key = json!({"inbound": "secret", "inbound_secret": CARRIER_KEY});
    trunk_at(&p, out_port, key).await;
    // A second number of Ulf's line, which presents +15550000001.
    let r =
        p.w.srv
            .post(
                &format!("/api/v1/companies/{}/numbers", p.w.t1.company_id),
                &p.w.t1.reseller_token,
                json!({"number": "+15550000077", "line_id": p.w.t1.line_id}),
            )
            .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let redirect = json!({"action": "redirect_to_number", "number": "+15559876543", "announce": false, "present_dialled": true});
    set_handling(
        &p,
        json!({"forward_all": null, "no_answer": {"action": "divert", "seconds": 20, "divert": redirect, "always": true}, "busy": {"action": "engaged"}}),
    )
    .await;
    let carrier_out = carrier(out_port, "+15559876543", "+15550000077", false);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    Sipp::spawn(
        carrier_call(Some(CARRIER_KEY)),
        "carrier-uac",
        free_port(),
        &["-s".to_owned(), "15550000077".to_owned()],
        Some(p.sip),
    )
    .done()
    .await
    .expect("the outside caller's call is redirected and answered");
    carrier_out
        .done()
        .await
        .expect("the callee was shown the number the caller dialled");
    p.w.srv.stop().await;
}

/// A caller withholding their identity still asserts their line's number to the carrier
/// (P-Asserted-Identity), with `Privacy: id` asking it to keep the number from the callee, and an
/// anonymous From (RFC 3323, RFC 3325): the plan's anonymity rule reaches the wire unchanged.
#[tokio::test]
async fn an_anonymous_callers_outside_call_asserts_the_number_and_asks_for_privacy() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    let port = free_port();
    trunk_at(&p, port, json!({})).await;
    let from_check = r#"<ereg regexp="[caller_id]" search_in="hdr" header="From:" check_it="true" assign_to="from"/>"#;
    let withheld = r#"<ereg regexp="anonymous" search_in="hdr" header="From:" check_it="true" assign_to="from"/>
      <ereg regexp="id" search_in="hdr" header="Privacy:" check_it="true" assign_to="privacy"/>"#;
    let template = include_str!("sipp/carrier_uas.xml");
    assert!(template.contains(from_check), "the carrier checks the From");
    let xml = template
        .replace(from_check, withheld)
        .replace("[challenge]", "")
        .replace("[verify]", "")
        .replace("[refs]", ",privacy")
        .replace("[number]", "\\+15559876543")
        .replace("[caller_id]", "\\+15550000001");
    let carrier = Sipp::spawn(xml, "carrier", port, &[], None);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    // Ulf's line presents +15550000001.
    dial(
        p.sip,
        &p.callee,
        "+15559876543",
        200,
        200,
        &[("from_name", "\"Anonymous\"")],
    )
    .done()
    .await
    .expect("the carrier answers");
    carrier
        .done()
        .await
        .expect("the carrier saw an anonymous From, the asserted number and Privacy: id");
    p.w.srv.stop().await;
}

/// Toll fraud through the other doors (issue 14): a carrier's call forwarded to a premium-rate
/// number, the number dialled directly, and a divert to an ordinary number saved while the
/// package had `call_forwarding` and used after the package lost it. None reaches the trunk.
#[tokio::test]
async fn barred_numbers_are_refused_for_carrier_calls_dialled_calls_and_lapsed_forwarding() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    let t = &p.w.t1;
    let port = keyed_trunk(&p).await;
    // A carrier's call for Ulf's number (+15550000001), forwarded to a premium-rate number: the
    // carrier gets 403 and no INVITE back (SIPp fails on any request it does not expect).
    forward_all_to(&p, "+19005550123").await;
    let full = carrier_call(Some(CARRIER_KEY));
    let cut = full
        .find("  <recv response=\"200\" rrs=\"true\"/>")
        .unwrap();
    let xml = format!(
        "{}  <recv response=\"403\"/>\n{}\n</scenario>\n",
        &full[..cut],
        part("uac-failed")
            .replace("[domain]", "[remote_ip]:[remote_port]")
            .replace(
                "[from_name] <sip:[caller]@",
                "\"Outside Caller\" <sip:+15557654321@"
            )
            .replace("[pid]C[call_number]", "[pid]O[call_number]")
            .replace("CSeq: 2 ACK", "CSeq: 1 ACK")
    );
    Sipp::spawn(
        xml,
        "carrier-refused",
        port,
        &["-s".to_owned(), "15550000001".to_owned()],
        Some(p.sip),
    )
    .done()
    .await
    .expect("the carrier's forwarded call is refused with 403 and nothing comes back out");

    let trunk = tokio::net::UdpSocket::bind(("127.0.0.1", port))
        .await
        .unwrap();
    // Dialled directly, the premium-rate number is barred as well.
    refused_before_the_trunk(&p, &trunk, "+19005550123").await;

    // An "always redirect" to an ordinary national number, saved under a package with
    // call_forwarding; then Ulf's package becomes one without it (the tenant's Gold package).
    set_handling(
        &p,
        json!({"forward_all": null, "no_answer": {"action": "divert", "seconds": 5, "always": true,
            "divert": {"action": "redirect_to_number", "number": "+12125550123"}}, "busy": {"action": "engaged"}}),
    )
    .await;
    let r =
        p.w.srv
            .patch(
                &format!("/api/v1/users/{}", t.user_id),
                &t.admin_token,
                json!({"package_id": t.package_id}),
            )
            .await;
    assert_eq!(r.status, 200, "{}", r.text);
    forwarded_call_is_refused_before_the_trunk(&p, &trunk).await;
    let explain =
        p.w.srv
            .post(
                &format!("/api/v1/lines/{}/call-handling/explain", t.line_id),
                &t.admin_token,
                json!({}),
            )
            .await;
    assert_eq!(explain.body["steps"][0]["reason"], "NoForwardingInPackage");
    p.w.srv.stop().await;
}
