//! Whole calls driven through a fake [`CallContext`]: the test plays the caller and the
//! devices with literal SIP text, reads what the call sends, and moves tokio's paused clock by
//! hand (`tokio::time::advance`). No SIP goes over a network; the relay's media ports are real
//! loopback ports, which these calls never send audio to. Each test is named after the rule it
//! proves.

use super::*;
use crate::call::context::Dispatch;
use crate::line_state::LineState;

/// Switchboard's own address, as the fake transports name it in Via and Contact.
const LOCAL: &str = "198.51.100.1:5060";
const CALLER: &str = "192.0.2.10:5060";
const DESK: &str = "192.0.2.20:5062";
const MOBILE: &str = "192.0.2.21:5062";
/// RFC 3261's T1 (section 17.1.1.1): Timer B and F run out after 64 of them.
const T1: Duration = Duration::from_millis(500);

fn addr(a: &str) -> SocketAddr {
    a.parse().unwrap()
}

fn parse(text: &str) -> Message {
    sb_sip::parse(text.as_bytes()).unwrap()
}

mod fake;
mod golden;
mod offers;
mod outside;
mod queues;
mod timeouts;
use fake::{Fake, line, ring};
use sb_domain::routing::{Reason, Step};

/// An audio offer, as a phone at `ip` makes it (G.711 µ-law on port 4000).
fn offer(ip: &str) -> String {
    format!(
        "v=0\r\no=- 1 1 IN IP4 {ip}\r\ns=-\r\nc=IN IP4 {ip}\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
    )
}

/// The caller's INVITE to 201, with `extra` header lines.
fn caller_invite(extra: &str) -> Message {
    let body = offer("192.0.2.10");
    parse(&format!(
        "INVITE sip:201@acme.sip.test SIP/2.0\r\n\
         Via: SIP/2.0/UDP {CALLER};branch=z9hG4bKa1\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:202@acme.sip.test>;tag=c1\r\n\
         To: <sip:201@acme.sip.test>\r\n\
         Call-ID: call-a@192.0.2.10\r\n\
         CSeq: 7 INVITE\r\n\
         Contact: <sip:202@{CALLER}>\r\n\
         {extra}Content-Type: application/sdp\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    ))
}

/// A request of the caller's inside the answered dialog (its To carries our `tag`).
fn caller_request(method: &str, cseq: u32, branch: &str, tag: &str) -> Message {
    parse(&format!(
        "{method} sip:switchboard@{LOCAL} SIP/2.0\r\n\
         Via: SIP/2.0/UDP {CALLER};branch={branch}\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:202@acme.sip.test>;tag=c1\r\n\
         To: <sip:201@acme.sip.test>;tag={tag}\r\n\
         Call-ID: call-a@192.0.2.10\r\n\
         CSeq: {cseq} {method}\r\n\
         Content-Length: 0\r\n\r\n"
    ))
}

/// The answer `status` ("180 Ringing") a device gives to `request`, its To tagged `tag`, with
/// an SDP body for a 2xx to an INVITE.
fn device_answer(request: &Message, status: &str, tag: &str, device: &str) -> Message {
    let h = |n| request.header(n).unwrap_or_default();
    let ip = device.split(':').next().unwrap_or_default();
    let body = if status.starts_with('2') && request.method() == Some("INVITE") {
        offer(ip)
    } else {
        String::new()
    };
    let kind = if body.is_empty() {
        String::new()
    } else {
        "Content-Type: application/sdp\r\n".to_owned()
    };
    let to = if h("to").contains(";tag=") {
        h("to").to_owned()
    } else {
        format!("{};tag={tag}", h("to"))
    };
    let user = registrar::user_of(uri_of(h("to"))).unwrap_or_default();
    parse(&format!(
        "SIP/2.0 {status}\r\nVia: {}\r\nFrom: {}\r\nTo: {to}\r\nCall-ID: {}\r\nCSeq: {}\r\n\
         Contact: <sip:{user}@{device}>\r\n{kind}Content-Length: {}\r\n\r\n{body}",
        h("via"),
        h("from"),
        h("call-id"),
        h("cseq"),
        body.len()
    ))
}

/// A request a device sends on its answered leg: From and To swapped from our INVITE's.
fn device_request(invite: &Message, method: &str, cseq: u32, tag: &str, device: &str) -> Message {
    let h = |n| invite.header(n).unwrap_or_default();
    parse(&format!(
        "{method} sip:switchboard@{LOCAL} SIP/2.0\r\n\
         Via: SIP/2.0/UDP {device};branch=z9hG4bKdev{cseq}\r\n\
         Max-Forwards: 70\r\n\
         From: {};tag={tag}\r\n\
         To: {}\r\n\
         Call-ID: {}\r\n\
         CSeq: {cseq} {method}\r\n\
         Content-Length: 0\r\n\r\n",
        h("to"),
        h("from"),
        h("call-id"),
    ))
}

/// A call in progress: its task, what feeds it, and the fake it talks through.
struct Harness {
    fake: Arc<Fake>,
    inbox: Outbox,
    task: tokio::task::JoinHandle<()>,
}

impl Harness {
    /// The caller's INVITE reaches a new call task, as `lib.rs` starts it.
    async fn start(fake: Arc<Fake>, invite: Message) -> Harness {
        let (inbox, rx) = mpsc::unbounded_channel();
        fake.attach("call-a@192.0.2.10", &inbox);
        let caller = Caller::of_line(line("202"));
        let task = tokio::spawn(run(
            fake.clone(),
            invite,
            addr(CALLER),
            caller,
            inbox.clone(),
            rx,
        ));
        let h = Harness { fake, inbox, task };
        h.settle().await;
        h
    }

    /// Lets the call task work through what it was given, without the clock moving.
    async fn settle(&self) {
        for _ in 0..50 {
            tokio::task::yield_now().await;
        }
    }

    /// `m` arrives from `from`, and the call handles it.
    async fn feed(&self, m: Message, from: &str) {
        self.inbox.send((m, addr(from))).unwrap();
        self.settle().await;
    }

    /// The clock moves on by `d`, and the call handles what fell due.
    async fn advance(&self, d: Duration) {
        tokio::time::advance(d).await;
        self.settle().await;
    }

    /// What the call sent since the last look.
    fn sent(&self) -> Vec<(String, SocketAddr)> {
        self.fake.take_sent()
    }
}

/// The first line of each message sent, with where it went.
fn firsts(sent: &[(String, SocketAddr)]) -> Vec<(String, String)> {
    sent.iter()
        .map(|(text, to)| {
            let first = text.lines().next().unwrap_or_default().to_owned();
            (first, to.to_string())
        })
        .collect()
}

/// The one message sent whose first line is `first`, to `to`.
fn find(sent: &[(String, SocketAddr)], first: &str, to: &str) -> Message {
    let found: Vec<&String> = sent
        .iter()
        .filter(|(text, at)| text.starts_with(first) && at.to_string() == to)
        .map(|(text, _)| text)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one {first:?} to {to} in {:#?}",
        firsts(sent)
    );
    parse(found[0])
}

/// Our INVITE to `device` when the call rang it.
fn invite_to(sent: &[(String, SocketAddr)], device: &str) -> Message {
    find(sent, &format!("INVITE sip:201@{device} SIP/2.0"), device)
}

#[tokio::test(start_paused = true)]
async fn forking_rings_every_device_and_cancels_the_others_when_one_answers() {
    let h = Harness::start(Fake::new(&[DESK, MOBILE]), caller_invite("")).await;
    let sent = h.sent();
    let trying = find(&sent, "SIP/2.0 100 Trying", CALLER);
    assert_eq!(trying.header("cseq"), Some("7 INVITE"));
    let desk = invite_to(&sent, DESK);
    let mobile = invite_to(&sent, MOBILE);
    // Each device is a B leg of its own (RFC 3261 §16.7 forking, done as a B2BUA).
    assert_ne!(desk.header("call-id"), mobile.header("call-id"));
    assert_eq!(desk.header("cseq"), Some("1 INVITE"));
    assert_eq!(desk.header("to"), Some("<sip:201@acme.sip.test>"));
    assert!(
        desk.header("via")
            .unwrap()
            .starts_with("SIP/2.0/UDP 198.51.100.1:5060;rport;branch=z9hG4bK")
    );
    // The caller's SDP, pointed at the relay's far side.
    let body = String::from_utf8_lossy(&desk.body).into_owned();
    assert!(body.contains("c=IN IP4 127.0.0.1"), "{body}");

    h.feed(device_answer(&desk, "180 Ringing", "d1", DESK), DESK)
        .await;
    let sent = h.sent();
    assert_eq!(
        firsts(&sent),
        [("SIP/2.0 180 Ringing".to_owned(), CALLER.to_owned())]
    );

    h.feed(device_answer(&mobile, "200 OK", "m1", MOBILE), MOBILE)
        .await;
    let sent = h.sent();
    // The mobile's 2xx is acknowledged end to end (§13.2.2.4), the desk phone cancelled
    // with its INVITE's branch and CSeq number (§9.1), and the caller gets the answer.
    let ack = find(&sent, &format!("ACK sip:201@{MOBILE} SIP/2.0"), MOBILE);
    assert_eq!(ack.header("cseq"), Some("1 ACK"));
    assert_eq!(ack.tag("to"), Some("m1"));
    let cancel = find(&sent, &format!("CANCEL sip:201@{DESK} SIP/2.0"), DESK);
    assert_eq!(cancel.header("via"), desk.header("via"));
    assert_eq!(cancel.header("cseq"), Some("1 CANCEL"));
    assert_eq!(cancel.header("to"), desk.header("to"), "no tag in a CANCEL");
    let ok = find(&sent, "SIP/2.0 200 OK", CALLER);
    assert_eq!(ok.header("cseq"), Some("7 INVITE"));
    let body = String::from_utf8_lossy(&ok.body).into_owned();
    assert!(body.contains("c=IN IP4 127.0.0.1"), "{body}");
    assert_eq!(sent.len(), 3, "{:#?}", firsts(&sent));

    // The desk phone ends its INVITE with 487; that is acknowledged hop by hop (§17.1.1.3).
    h.feed(device_answer(&cancel, "200 OK", "d1", DESK), DESK)
        .await;
    h.feed(
        device_answer(&desk, "487 Request Terminated", "d1", DESK),
        DESK,
    )
    .await;
    let sent = h.sent();
    let ack = find(&sent, &format!("ACK sip:201@{DESK} SIP/2.0"), DESK);
    assert_eq!(ack.header("via"), desk.header("via"));
    assert_eq!(sent.len(), 1, "{:#?}", firsts(&sent));
    assert!(!h.task.is_finished(), "the answered call goes on");
}

#[tokio::test(start_paused = true)]
async fn a_200_that_races_the_callers_cancel_is_acked_and_hung_up() {
    let h = Harness::start(Fake::new(&[DESK]), caller_invite("")).await;
    let desk = invite_to(&h.sent(), DESK);
    h.feed(device_answer(&desk, "180 Ringing", "d1", DESK), DESK)
        .await;
    h.sent();

    let cancel = parse(&format!(
        "CANCEL sip:201@acme.sip.test SIP/2.0\r\n\
         Via: SIP/2.0/UDP {CALLER};branch=z9hG4bKa1\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:202@acme.sip.test>;tag=c1\r\n\
         To: <sip:201@acme.sip.test>\r\n\
         Call-ID: call-a@192.0.2.10\r\n\
         CSeq: 7 CANCEL\r\n\
         Content-Length: 0\r\n\r\n"
    ));
    h.feed(cancel, CALLER).await;
    let sent = h.sent();
    find(&sent, "SIP/2.0 200 OK", CALLER);
    let terminated = find(&sent, "SIP/2.0 487 Request Terminated", CALLER);
    assert_eq!(terminated.header("cseq"), Some("7 INVITE"));
    let ours = find(&sent, &format!("CANCEL sip:201@{DESK} SIP/2.0"), DESK);

    // The phone had answered before our CANCEL reached it (§9.1): the 2xx still makes a
    // dialog, which is acknowledged and ended at once.
    h.feed(
        device_answer(&ours, "481 Call/Transaction Does Not Exist", "d1", DESK),
        DESK,
    )
    .await;
    h.feed(device_answer(&desk, "200 OK", "d1", DESK), DESK)
        .await;
    let sent = h.sent();
    let ack = find(&sent, &format!("ACK sip:201@{DESK} SIP/2.0"), DESK);
    assert_eq!(ack.header("cseq"), Some("1 ACK"));
    assert_eq!(ack.tag("to"), Some("d1"));
    let bye = find(&sent, &format!("BYE sip:201@{DESK} SIP/2.0"), DESK);
    assert_eq!(bye.header("cseq"), Some("2 BYE"));
    assert_eq!(bye.tag("to"), Some("d1"));
    assert_eq!(bye.header("call-id"), desk.header("call-id"));
    assert!(
        firsts(&sent).iter().all(|(_, to)| to != CALLER),
        "the caller, who gave up, hears nothing of it: {:#?}",
        firsts(&sent)
    );

    // The BYE answered and the caller's ACK in, the call owes nothing and its task ends.
    h.feed(device_answer(&bye, "200 OK", "d1", DESK), DESK)
        .await;
    let ack = caller_request("ACK", 7, "z9hG4bKa1", terminated.tag("to").unwrap());
    h.feed(ack, CALLER).await;
    h.advance(64 * T1).await;
    assert!(h.task.is_finished());
    assert!(h.fake.tasks.lock().is_empty(), "every Call-ID detached");
    assert_eq!(h.fake.active.load(Ordering::Relaxed), 0);
}

/// A call answered by the desk phone; the caller's 200 (whose To tag is ours on the A leg) and
/// our INVITE to the desk phone.
async fn answered(h: &Harness) -> (Message, Message) {
    let desk = invite_to(&h.sent(), DESK);
    h.feed(device_answer(&desk, "200 OK", "d1", DESK), DESK)
        .await;
    let ok = find(&h.sent(), "SIP/2.0 200 OK", CALLER);
    let tag = ok.tag("to").unwrap().to_owned();
    h.feed(caller_request("ACK", 7, "z9hG4bKa1", &tag), CALLER)
        .await;
    assert!(h.sent().is_empty());
    (ok, desk)
}

#[tokio::test(start_paused = true)]
async fn a_re_invite_that_meets_another_in_flight_is_answered_491() {
    let h = Harness::start(Fake::new(&[DESK]), caller_invite("")).await;
    let (ok, desk) = answered(&h).await;
    let tag = ok.tag("to").unwrap().to_owned();

    // The caller puts the call on hold: its re-INVITE goes on to the desk phone.
    h.feed(caller_request("INVITE", 8, "z9hG4bKa2", &tag), CALLER)
        .await;
    let sent = h.sent();
    let passed = find(&sent, &format!("INVITE sip:201@{DESK} SIP/2.0"), DESK);
    assert_eq!(passed.header("cseq"), Some("2 INVITE"));
    assert_eq!(passed.tag("to"), Some("d1"));

    // Meanwhile the desk phone sends one of its own: glare, refused while ours is pending
    // (RFC 3261 §14.2).
    let theirs = device_request(&desk, "INVITE", 1, "d1", DESK);
    h.feed(theirs, DESK).await;
    let sent = h.sent();
    let pending = find(&sent, "SIP/2.0 491 Request Pending", DESK);
    assert_eq!(pending.header("cseq"), Some("1 INVITE"));
    assert_eq!(sent.len(), 1, "{:#?}", firsts(&sent));

    // Ours answered, the caller gets its 200 and the desk phone our ACK.
    h.feed(device_answer(&passed, "200 OK", "d1", DESK), DESK)
        .await;
    let sent = h.sent();
    find(&sent, &format!("ACK sip:201@{DESK} SIP/2.0"), DESK);
    let ok = find(&sent, "SIP/2.0 200 OK", CALLER);
    assert_eq!(ok.header("cseq"), Some("8 INVITE"));
}

#[tokio::test(start_paused = true)]
async fn a_session_nobody_refreshes_ends_with_a_bye_on_both_legs() {
    let asked = "Supported: timer\r\nSession-Expires: 90\r\n";
    let h = Harness::start(Fake::new(&[DESK]), caller_invite(asked)).await;
    let (ok, _) = answered(&h).await;
    // The desk phone does no timers: the caller refreshes (RFC 4028 §8.1).
    assert_eq!(ok.header("session-expires"), Some("90;refresher=uac"));

    // Ended a third of the interval early, so the BYE goes before the phones give up (§10).
    h.advance(Duration::from_secs(60) - Duration::from_millis(1))
        .await;
    assert!(h.sent().is_empty());
    h.advance(Duration::from_millis(1)).await;
    let sent = h.sent();
    let to_caller = find(&sent, "BYE sip:202@192.0.2.10:5060 SIP/2.0", CALLER);
    assert_eq!(to_caller.header("cseq"), Some("1 BYE"));
    assert_eq!(to_caller.tag("to"), Some("c1"));
    let to_desk = find(&sent, &format!("BYE sip:201@{DESK} SIP/2.0"), DESK);
    assert_eq!(to_desk.header("cseq"), Some("2 BYE"));
    assert_eq!(sent.len(), 2, "{:#?}", firsts(&sent));
}

#[tokio::test(start_paused = true)]
async fn a_device_that_never_answers_is_given_up_after_timer_b_and_the_caller_told() {
    let h = Harness::start(Fake::new(&[DESK]), caller_invite("")).await;
    let desk = invite_to(&h.sent(), DESK);

    // Over UDP the INVITE is repeated (Timer A, doubling from T1) until Timer B, 64 × T1
    // (RFC 3261 §17.1.1.2), gives up on it.
    h.advance(64 * T1 - Duration::from_millis(1)).await;
    let sent = h.sent();
    assert!(sent.iter().all(|(text, to)| {
        to.to_string() == DESK && parse(text).header("via") == desk.header("via")
    }));
    assert_eq!(
        sent.len(),
        6,
        "repeats at 0.5, 1.5, 3.5, 7.5, 15.5 and 31.5 s"
    );
    h.advance(Duration::from_millis(1)).await;
    let sent = h.sent();
    // The plan has nothing after ringing: the caller is told nobody is there.
    let unavailable = find(&sent, "SIP/2.0 480 Temporarily Unavailable", CALLER);
    assert_eq!(unavailable.header("cseq"), Some("7 INVITE"));
    assert_eq!(sent.len(), 1, "{:#?}", firsts(&sent));
    let logged = h.fake.logged.lock().clone();
    let statuses: Vec<u16> = logged.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [480, 480], "dialled and missed, both 480");
}

#[tokio::test(start_paused = true)]
async fn a_busy_answer_is_acked_hop_by_hop_and_passed_to_the_caller() {
    let h = Harness::start(Fake::new(&[DESK]), caller_invite("")).await;
    let desk = invite_to(&h.sent(), DESK);

    h.feed(device_answer(&desk, "486 Busy Here", "d1", DESK), DESK)
        .await;
    let sent = h.sent();
    // The ACK of a failure belongs to its INVITE's transaction: the same branch and
    // Request-URI, the failure's To tag (RFC 3261 §17.1.1.3).
    let ack = find(&sent, &format!("ACK sip:201@{DESK} SIP/2.0"), DESK);
    assert_eq!(ack.header("via"), desk.header("via"));
    assert_eq!(ack.header("cseq"), Some("1 ACK"));
    assert_eq!(ack.tag("to"), Some("d1"));
    let busy = find(&sent, "SIP/2.0 486 Busy Here", CALLER);
    assert_eq!(busy.header("cseq"), Some("7 INVITE"));
    assert_eq!(sent.len(), 2, "{:#?}", firsts(&sent));

    // The failure is repeated to the caller until its ACK (Timer G, §17.2.1).
    h.advance(T1).await;
    let sent = h.sent();
    assert_eq!(
        firsts(&sent),
        [("SIP/2.0 486 Busy Here".to_owned(), CALLER.to_owned())]
    );
    let ack = caller_request("ACK", 7, "z9hG4bKa1", busy.tag("to").unwrap());
    h.feed(ack, CALLER).await;
    h.advance(64 * T1).await;
    assert!(h.sent().is_empty());
    assert!(h.task.is_finished());
}

#[tokio::test(start_paused = true)]
async fn an_answered_call_shows_on_the_lamps_and_in_the_log_and_gives_back_what_it_counted() {
    let h = Harness::start(Fake::new(&[DESK]), caller_invite("")).await;
    let (ok, desk) = answered(&h).await;
    let (caller, callee) = (line("202").id, line("201").id);
    assert_eq!(
        *h.fake.lamps.lock(),
        [
            (callee.clone(), LineState::Early),
            (callee.clone(), LineState::Confirmed),
            (caller.clone(), LineState::Confirmed),
        ]
    );
    // Counted in both lines' departments, under the company's and both lines' caps.
    assert_eq!(h.fake.counted.lock().len(), 2);
    assert_eq!(h.fake.slots.lock().len(), 3);
    assert_eq!(h.fake.active.load(Ordering::Relaxed), 1);

    // Talk for two minutes, then the caller hangs up: the BYE is answered and passed on.
    h.advance(Duration::from_secs(120)).await;
    let tag = ok.tag("to").unwrap().to_owned();
    h.feed(caller_request("BYE", 8, "z9hG4bKa3", &tag), CALLER)
        .await;
    let sent = h.sent();
    find(&sent, "SIP/2.0 200 OK", CALLER);
    let bye = find(&sent, &format!("BYE sip:201@{DESK} SIP/2.0"), DESK);
    assert_eq!(bye.header("call-id"), desk.header("call-id"));
    assert!(h.fake.counted.lock().is_empty(), "no department counts it");
    assert!(
        h.fake.slots.lock().is_empty(),
        "every cap's slot given back"
    );
    let lamps = h.fake.lamps.lock().clone();
    assert_eq!(
        lamps[3..],
        [(callee, LineState::Idle), (caller, LineState::Idle)]
    );
    let logged: Vec<(CallDirection, u16, String, i64)> = h
        .fake
        .logged
        .lock()
        .iter()
        .map(|r| {
            (
                r.direction,
                r.status,
                r.other_number.clone(),
                r.duration_secs,
            )
        })
        .collect();
    assert_eq!(
        logged,
        [
            (CallDirection::Dialled, 200, "201".to_owned(), 120),
            (CallDirection::Received, 200, "202".to_owned(), 120),
        ]
    );

    // Once the desk phone answers the BYE the call owes nothing, and its task ends.
    h.feed(device_answer(&bye, "200 OK", "d1", DESK), DESK)
        .await;
    h.advance(64 * T1).await;
    assert!(h.task.is_finished());
    assert!(h.fake.tasks.lock().is_empty(), "every Call-ID detached");
    assert_eq!(h.fake.active.load(Ordering::Relaxed), 0);
}

#[tokio::test(start_paused = true)]
async fn after_timer_b_gives_up_on_a_silent_device_the_plan_moves_on_to_its_next_step() {
    // 201 rings its desk phone, then (no answer) redirects to 203, whose mobile rings.
    let redirect = Step {
        action: Action::RedirectToUser {
            line: "203".to_owned(),
        },
        reason: Reason::RingThenDivert,
    };
    let fake = Fake::with_lines(&[
        ("201", &[DESK], vec![ring(60), redirect]),
        ("203", &[MOBILE], vec![ring(60)]),
    ]);
    let h = Harness::start(fake, caller_invite("")).await;
    let desk = invite_to(&h.sent(), DESK);

    // The desk phone never answers at all: Timer B (RFC 3261 §17.1.1.2) gives up on it 64 × T1
    // after the INVITE, well before its 60 seconds of ringing.
    h.advance(64 * T1).await;
    let sent: Vec<_> = h
        .sent()
        .into_iter()
        .filter(|(text, _)| parse(text).header("via") != desk.header("via"))
        .collect();
    let mobile = find(&sent, &format!("INVITE sip:203@{MOBILE} SIP/2.0"), MOBILE);
    assert_eq!(mobile.header("to"), Some("<sip:203@acme.sip.test>"));
    assert_ne!(mobile.header("call-id"), desk.header("call-id"));
    assert!(
        firsts(&sent).iter().all(|(_, to)| to != CALLER),
        "the caller still just hears ringing: {:#?}",
        firsts(&sent)
    );

    h.feed(device_answer(&mobile, "200 OK", "m1", MOBILE), MOBILE)
        .await;
    let sent = h.sent();
    find(&sent, &format!("ACK sip:203@{MOBILE} SIP/2.0"), MOBILE);
    let ok = find(&sent, "SIP/2.0 200 OK", CALLER);
    assert_eq!(ok.header("cseq"), Some("7 INVITE"));
    // The line the call moved on from logs a missed call marked 302, the one that took it
    // a received call.
    h.feed(
        caller_request("BYE", 8, "z9hG4bKa3", ok.tag("to").unwrap()),
        CALLER,
    )
    .await;
    let logged: Vec<(String, u16)> = h
        .fake
        .logged
        .lock()
        .iter()
        .map(|r| (r.line_id.to_string(), r.status))
        .collect();
    assert_eq!(
        logged,
        [
            ("line-202".to_owned(), 200),
            ("line-201".to_owned(), 302),
            ("line-203".to_owned(), 200),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_ringing_device_rings_for_the_plans_time_not_timer_b_and_is_then_cancelled() {
    let h = Harness::start(Fake::new(&[DESK]), caller_invite("")).await;
    let desk = invite_to(&h.sent(), DESK);
    h.feed(device_answer(&desk, "180 Ringing", "d1", DESK), DESK)
        .await;
    find(&h.sent(), "SIP/2.0 180 Ringing", CALLER);

    // A provisional answer moves the INVITE to Proceeding, where neither Timer A nor Timer B
    // runs (RFC 3261 §17.1.1.2): the phone rings on, unrepeated, for the plan's 60 seconds.
    h.advance(Duration::from_secs(60) - Duration::from_millis(1))
        .await;
    assert!(h.sent().is_empty());
    h.advance(Duration::from_millis(1)).await;
    let sent = h.sent();
    let cancel = find(&sent, &format!("CANCEL sip:201@{DESK} SIP/2.0"), DESK);
    assert_eq!(cancel.header("via"), desk.header("via"));
    let unavailable = find(&sent, "SIP/2.0 480 Temporarily Unavailable", CALLER);
    assert_eq!(unavailable.header("cseq"), Some("7 INVITE"));
    assert_eq!(sent.len(), 2, "{:#?}", firsts(&sent));
}
