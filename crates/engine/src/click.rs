//! Click to call (issue 17) by third-party call control (RFC 3725): Switchboard calls the
//! person's own phones first, showing whom they are about to call in From, and once one answers
//! it places the call to the destination exactly as if that phone had dialled it.
//!
//! The answered phone's leg stands in for a caller's leg: the same B2BUA (`call::run`) runs the
//! call to the destination, with routing, caps, barring, caller ID and the call log as for any
//! call. Its caller leg is an in-process one ([`Legs`]): its INVITE is written here with the
//! phone's SDP (an answer, offered on as the caller's offer), what the call sends to that leg
//! comes back here instead of going on the wire, and is carried over to the phone's dialog
//! (BYE) or answered here (a refresh). The phone was offered the relay's caller side from the
//! start (RFC 3725 section 4.1's flow with Switchboard's own offer), and the call uses that
//! same relay, so no re-INVITE is needed once the destination answers.
//!
//! When no phone answers within the ringing time (or every one refuses), nothing else is called.

use crate::call::{self, Caller, token};
use crate::ports::Signalling;
use crate::relay::{Relay, Side};
use crate::{Engine, client};
use parking_lot::Mutex;
use sb_app::click_to_call::ClickCall;
use sb_media::latch::Latch;
use sb_sip::Message;
use sb_sip::registrar::{reply, uri_of};
use sb_sip::transaction::{Action, ClientInvite, Timers};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU16, Ordering};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

type Inbox = mpsc::UnboundedReceiver<(Message, SocketAddr)>;

/// The in-process caller legs of click-to-call calls, each at the unspecified address with a
/// port of its own (an address no peer can send from): what a call sends there is handed to the
/// leg's task.
#[derive(Default)]
pub(crate) struct Legs {
    next: AtomicU16,
    open: Mutex<HashMap<u16, mpsc::UnboundedSender<Message>>>,
}

impl Legs {
    /// Whether `to` is an in-process leg rather than a peer.
    pub(crate) fn inside(to: SocketAddr) -> bool {
        to.ip().is_unspecified()
    }

    /// Hands what a call sent to the in-process leg at `to` to its task.
    pub(crate) fn deliver(&self, bytes: &[u8], to: SocketAddr) {
        let Ok(m) = sb_sip::parse(bytes) else {
            return;
        };
        if let Some(tx) = self.open.lock().get(&to.port()) {
            let _ = tx.send(m);
        }
    }

    fn open(&self) -> (SocketAddr, mpsc::UnboundedReceiver<Message>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let mut open = self.open.lock();
        let port = loop {
            let p = self.next.fetch_add(1, Ordering::Relaxed);
            if p != 0 && !open.contains_key(&p) {
                break p;
            }
        };
        open.insert(port, tx);
        (SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), port), rx)
    }

    fn close(&self, at: SocketAddr) {
        self.open.lock().remove(&at.port());
    }
}

/// One of the person's phones being rung.
struct Ring {
    call_id: String,
    target: SocketAddr,
    tx: ClientInvite<Instant>,
    /// No longer rung: it answered, refused, timed out or was cancelled.
    over: bool,
    /// Its final answer came (or never will: Timer B).
    finished: bool,
}

/// The person's phone that answered: its dialog.
struct Phone {
    call_id: String,
    target: SocketAddr,
    from: String,
    /// The To of its dialog, with the phone's tag.
    to: String,
    contact: String,
    route: Vec<String>,
    ack: Message,
    /// What the phone answered with (its media), offered on as the caller's.
    sdp: Vec<u8>,
    cseq: u32,
}

/// Places every call the use case announces from now on, each in a task of its own.
pub(crate) fn serve(engine: &Arc<Engine>) {
    let clicking = engine.clone();
    crate::follow(engine.app.click_calls(), move |order| {
        tokio::spawn(place(clicking.clone(), order));
        std::future::ready(())
    });
}

/// Places one click-to-call call (see the module's notes).
pub(crate) async fn place(engine: Arc<Engine>, order: ClickCall) {
    let Some(relay) = Relay::start(&engine.ports).await else {
        tracing::warn!("click to call: no free media port");
        return;
    };
    let (inbox_tx, mut inbox) = mpsc::unbounded_channel();
    let line = &order.line;
    let domain = &line.sip_domain;
    // The phone shows whom it is about to call.
    let from = format!("\"{}\" <sip:{}@{domain}>", order.to, uri_user(&order.to));
    let to = format!("<sip:{}@{domain}>", line.extension);
    let offer = offer(relay.a_addr, engine.now_ms());
    let tag = token();
    let mut rings = Vec::new();
    for d in engine.devices(&line.aor) {
        let Some(target) = engine.device_address(&d) else {
            continue;
        };
        let call_id = format!("{}-u{}", token(), rings.len());
        let branch = format!("z9hG4bK{}", token());
        let mut headers = vec![
            ("via", engine.via(&branch, target)),
            ("max-forwards", "70".into()),
        ];
        headers.extend(d.path.iter().map(|r| ("route", r.clone())));
        headers.extend([
            ("from", format!("{from};tag={tag}")),
            ("to", to.clone()),
            ("call-id", call_id.clone()),
            ("cseq", "1 INVITE".into()),
            ("contact", engine.contact_for(target)),
            ("allow", call::ALLOW.into()),
            ("content-type", "application/sdp".into()),
        ]);
        let invite = Message::request("INVITE", &d.contact, headers, offer.clone());
        engine.attach(&call_id, &inbox_tx);
        let reliable = engine.on_stream(target);
        let (tx, first) = ClientInvite::new(invite, reliable, Timers::default(), Instant::now());
        let mut ring = Ring {
            call_id,
            target,
            tx,
            over: false,
            finished: false,
        };
        act(&engine, &mut ring, first).await;
        rings.push(ring);
    }
    let ring_for = Duration::from_secs(u64::from(order.ring_seconds));
    let answered = ring_phones(&engine, &mut rings, &mut inbox, ring_for).await;
    for r in rings.iter_mut().filter(|r| !r.over) {
        cancel(&engine, r).await;
    }
    if let Some(phone) = answered {
        let call = Bridged {
            order: &order,
            relay,
            offered: &offer,
        };
        bridge(&engine, call, phone, &mut rings, &mut inbox).await;
    }
    // The cancelled phones' final answers (487) are acknowledged by their transactions, and
    // repeats of them absorbed, a while more (RFC 3261 Timers B and D).
    let linger = Instant::now() + Duration::from_secs(32);
    while rings
        .iter()
        .any(|r| !r.finished || r.tx.next_deadline().is_some())
        && Instant::now() < linger
    {
        tokio::select! {
            got = inbox.recv() => match got {
                Some((m, _)) => on_ring_message(&engine, &mut rings, m).await,
                None => break,
            },
            () = tokio::time::sleep(Duration::from_millis(200)) => poll(&engine, &mut rings).await,
        }
    }
    for r in &rings {
        engine.detach(&r.call_id);
    }
}

/// Rings the phones until one answers (its dialog), all refuse, or the time runs out.
async fn ring_phones(
    engine: &Arc<Engine>,
    rings: &mut [Ring],
    inbox: &mut Inbox,
    ring_for: Duration,
) -> Option<Phone> {
    let deadline = Instant::now() + ring_for;
    while rings.iter().any(|r| !r.over) {
        let wake = rings
            .iter()
            .filter_map(|r| r.tx.next_deadline())
            .fold(deadline, Instant::min);
        tokio::select! {
            got = inbox.recv() => {
                let (m, from) = got?;
                if m.method().is_some() {
                    // Nothing but answers is expected before a phone picks up.
                    let r = reply(&m, 481, "Call/Transaction Does Not Exist", &[]);
                    engine.send(&r, from).await;
                    continue;
                }
                let Some(i) = rings.iter().position(|r| Some(r.call_id.as_str()) == m.header("call-id")) else {
                    continue;
                };
                let actions = rings[i].tx.on_response(m, Instant::now());
                if let Some(ok) = act(engine, &mut rings[i], actions).await {
                    rings[i].over = true;
                    return Some(answer(engine, &rings[i], &ok).await);
                }
            }
            () = tokio::time::sleep_until(wake) => {
                if Instant::now() >= deadline {
                    return None;
                }
                poll(engine, rings).await;
            }
        }
    }
    None
}

/// Acknowledges the phone's 2xx (RFC 3261 section 13.2.2.4): its dialog.
async fn answer(engine: &Engine, ring: &Ring, ok: &Message) -> Phone {
    let invite = ring.tx.request();
    let contact = ok.header("contact").map_or_else(
        || invite.uri().unwrap_or_default().to_owned(),
        |c| uri_of(c).to_owned(),
    );
    let route = sb_sip::route::uac_route_set(ok);
    let from = invite.header("from").unwrap_or_default().to_owned();
    let to = ok.header("to").unwrap_or_default().to_owned();
    let branch = format!("z9hG4bK{}", token());
    let mut headers = vec![
        ("via", engine.via(&branch, ring.target)),
        ("max-forwards", "70".into()),
    ];
    headers.extend(route.iter().map(|r| ("route", r.clone())));
    headers.extend([
        ("from", from.clone()),
        ("to", to.clone()),
        ("call-id", ring.call_id.clone()),
        ("cseq", "1 ACK".into()),
    ]);
    let ack = Message::request("ACK", &contact, headers, Vec::new());
    engine.send(&ack, ring.target).await;
    Phone {
        call_id: ring.call_id.clone(),
        target: ring.target,
        from,
        to,
        contact,
        route,
        ack,
        sdp: ok.body.clone(),
        cseq: 1,
    }
}

/// Carries out a ringing transaction's actions; its 2xx, when one came.
async fn act(engine: &Engine, ring: &mut Ring, actions: Vec<Action>) -> Option<Message> {
    let mut ok = None;
    for a in actions {
        match a {
            Action::Send(m) => engine.send(&m, ring.target).await,
            Action::Deliver(m) => match m.code() {
                Some(200..=299) => {
                    ring.finished = true;
                    ok = Some(m);
                }
                Some(300..) => (ring.over, ring.finished) = (true, true),
                _ => {}
            },
            Action::Timeout => (ring.over, ring.finished) = (true, true),
            Action::Terminated => {}
        }
    }
    ok
}

async fn poll(engine: &Engine, rings: &mut [Ring]) {
    for r in rings.iter_mut() {
        let actions = r.tx.poll(Instant::now());
        act(engine, r, actions).await;
    }
}

/// An answer on one of the rung phones' legs after the ringing: a cancelled phone's failure is
/// acknowledged by its transaction; one that answered all the same is hung up.
async fn on_ring_message(engine: &Engine, rings: &mut [Ring], m: Message) {
    let Some(i) = rings
        .iter()
        .position(|r| Some(r.call_id.as_str()) == m.header("call-id"))
    else {
        return;
    };
    if m.method().is_some() {
        return;
    }
    let actions = rings[i].tx.on_response(m, Instant::now());
    if let Some(ok) = act(engine, &mut rings[i], actions).await {
        let mut late = answer(engine, &rings[i], &ok).await;
        bye_phone(engine, &mut late).await;
    }
}

/// Cancels a phone still ringing (RFC 3261 section 9.1).
async fn cancel(engine: &Arc<Engine>, ring: &mut Ring) {
    let invite = ring.tx.request();
    let mut headers: Vec<(&str, String)> = Vec::new();
    for name in ["via", "route"] {
        headers.extend(invite.headers_named(name).map(|v| (name, v.to_owned())));
    }
    for name in ["from", "to", "call-id"] {
        headers.push((name, invite.header(name).unwrap_or_default().to_owned()));
    }
    headers.push(("max-forwards", "70".into()));
    headers.push(("cseq", "1 CANCEL".into()));
    let cancel = Message::request(
        "CANCEL",
        invite.uri().unwrap_or_default(),
        headers,
        Vec::new(),
    );
    ring.over = true;
    // The CANCEL's own answer matters little: the INVITE's 487 ends the ringing.
    let (engine, target) = (engine.clone(), ring.target);
    tokio::spawn(async move { client::transact(&*engine, cancel, target).await });
}

/// Hangs up the person's phone.
async fn bye_phone(engine: &Engine, phone: &mut Phone) {
    phone.cseq += 1;
    let branch = format!("z9hG4bK{}", token());
    let mut headers = vec![
        ("via", engine.via(&branch, phone.target)),
        ("max-forwards", "70".into()),
    ];
    headers.extend(phone.route.iter().map(|r| ("route", r.clone())));
    headers.extend([
        ("from", phone.from.clone()),
        ("to", phone.to.clone()),
        ("call-id", phone.call_id.clone()),
        ("cseq", format!("{} BYE", phone.cseq)),
    ]);
    let bye = Message::request("BYE", &phone.contact, headers, Vec::new());
    let _ = client::transact(engine, bye, phone.target).await;
}

/// The in-process caller leg's dialog with the call to the destination.
struct Inner {
    at: SocketAddr,
    call_id: String,
    from: String,
    /// The To of the call's answer, with its tag, once it answered.
    to: Option<String>,
    uri: String,
    invite: Message,
    cseq: u32,
    /// The call's task, where this leg's messages go.
    task: mpsc::UnboundedSender<(Message, SocketAddr)>,
    /// What the phone was offered: the relay's caller side, where it sends its audio.
    offered: Vec<u8>,
}

impl Inner {
    fn request(&mut self, method: &str, branch: Option<&str>) -> Message {
        let branch = branch.map_or_else(|| format!("z9hG4bK{}", token()), str::to_owned);
        let cseq = match method {
            "ACK" | "CANCEL" => format!("1 {method}"),
            _ => {
                self.cseq += 1;
                format!("{} {method}", self.cseq)
            }
        };
        let to = self
            .to
            .clone()
            .unwrap_or_else(|| self.invite.header("to").unwrap_or_default().to_owned());
        let headers = vec![
            ("via", format!("SIP/2.0/UDP {};branch={branch}", self.at)),
            ("max-forwards", "70".into()),
            ("from", self.from.clone()),
            ("to", to),
            ("call-id", self.call_id.clone()),
            ("cseq", cseq),
        ];
        Message::request(method, &self.uri, headers, Vec::new())
    }

    fn send(&self, m: Message) {
        let _ = self.task.send((m, self.at));
    }

    /// The INVITE's branch (a CANCEL and a failure's ACK reuse it).
    fn branch(&self) -> String {
        self.invite
            .header("via")
            .and_then(|v| sb_sip::transaction::branch(v))
            .unwrap_or_default()
            .to_owned()
    }
}

/// The call to place once the phone answered: the order, the relay the phone was offered.
struct Bridged<'a> {
    order: &'a ClickCall,
    relay: Relay,
    offered: &'a [u8],
}

/// Runs the call to the destination with the answered phone as its caller, until either side
/// hangs up.
async fn bridge(
    engine: &Arc<Engine>,
    call: Bridged<'_>,
    mut phone: Phone,
    rings: &mut [Ring],
    inbox: &mut Inbox,
) {
    if sb_sip::sdp::audio_target(&phone.sdp).is_none() {
        bye_phone(engine, &mut phone).await;
        return;
    }
    let Bridged {
        order,
        relay,
        offered,
    } = call;
    let (at, mut tap) = engine.click_legs.open();
    let line = &order.line;
    let domain = &line.sip_domain;
    let name = line
        .calling_name
        .clone()
        .unwrap_or_else(|| line.extension.clone())
        .replace('"', "");
    let from = format!(
        "\"{name}\" <sip:{}@{domain}>;tag={}",
        line.extension,
        token()
    );
    let ruri = format!("sip:{}@{domain}", uri_user(&order.to));
    let headers = vec![
        ("via", format!("SIP/2.0/UDP {at};branch=z9hG4bK{}", token())),
        ("max-forwards", "70".into()),
        ("from", from.clone()),
        ("to", format!("<{ruri}>")),
        ("call-id", order.id.clone()),
        ("cseq", "1 INVITE".into()),
        ("contact", format!("<{}>", phone.contact)),
        ("content-type", "application/sdp".into()),
    ];
    let invite = Message::request("INVITE", &ruri, headers, phone.sdp.clone());
    let (task_tx, task_rx) = mpsc::unbounded_channel();
    engine.attach(&order.id, &task_tx);
    let mut inner = Inner {
        at,
        call_id: order.id.clone(),
        from,
        to: None,
        uri: ruri,
        invite: invite.clone(),
        cseq: 1,
        task: task_tx.clone(),
        offered: offered.to_vec(),
    };
    let caller = Caller::of_line(line.clone());
    let ringing = ringback(engine, &relay, &phone.sdp);
    tokio::spawn(call::run_on(
        engine.clone(),
        invite,
        at,
        caller,
        task_tx,
        task_rx,
        Some((relay, ringing)),
    ));
    carry(engine, &mut phone, &mut inner, rings, inbox, &mut tap).await;
    engine.click_legs.close(at);
}

/// The person hears ringback until the destination answers: a media session of ours stands in
/// for the called side on the relay (the call stops it, as it stops an announcement, when the
/// destination answers or the call ends). None when the phone's answer has no G.711 or no port
/// is free: the person then hears nothing until the destination answers.
fn ringback(engine: &Engine, relay: &Relay, answer: &[u8]) -> Option<oneshot::Sender<()>> {
    let codec = sb_media::codec::Codec::from_offer(answer)?;
    let (socket, port) = engine.ports.media_socket()?;
    let (stop, stopped) = oneshot::channel();
    let mut io = crate::media::Io::new(socket, Latch::exact(relay.b_addr), codec, stopped);
    relay.stand_in(Side::B, Some(port.addr()));
    tokio::spawn(async move {
        let _port = port;
        let ringback = crate::media::ringback();
        while io.play(&ringback, false).await.is_ok() {}
    });
    Some(stop)
}

/// Where the bridged call stands, seen from the in-process leg.
#[derive(PartialEq, Eq)]
enum Stage {
    /// The destination is being called.
    Calling,
    Answered,
    /// The person hung up; waiting for the call's last answer.
    Leaving,
}

/// Carries the phone's dialog over to the in-process leg and back until the call is over.
async fn carry(
    engine: &Arc<Engine>,
    phone: &mut Phone,
    inner: &mut Inner,
    rings: &mut [Ring],
    inbox: &mut Inbox,
    tap: &mut mpsc::UnboundedReceiver<Message>,
) {
    let mut stage = Stage::Calling;
    let mut leaving_until = None;
    loop {
        let wake = leaving_until.unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
        tokio::select! {
            got = inbox.recv() => {
                let Some((m, from)) = got else { return };
                if m.header("call-id") != Some(phone.call_id.as_str()) {
                    on_ring_message(engine, rings, m).await;
                    continue;
                }
                match m.method() {
                    // A repeated 2xx: our ACK was lost.
                    None if m.code().is_some_and(|c| (200..300).contains(&c)) => {
                        engine.send(&phone.ack, phone.target).await;
                    }
                    None | Some("ACK") => {}
                    // A repeated BYE is answered again, and nothing more.
                    Some("BYE") if stage == Stage::Leaving => {
                        engine.send(&reply(&m, 200, "OK", &[]), from).await;
                    }
                    Some("BYE") => {
                        engine.send(&reply(&m, 200, "OK", &[]), from).await;
                        if stage == Stage::Answered {
                            let bye = inner.request("BYE", None);
                            inner.send(bye);
                        } else {
                            let branch = inner.branch();
                            let cancel = inner.request("CANCEL", Some(&branch));
                            inner.send(cancel);
                        }
                        stage = Stage::Leaving;
                        leaving_until = Some(Instant::now() + Duration::from_secs(5));
                    }
                    Some("INVITE") => {
                        // A re-INVITE (hold, a refresh): its media stays at the relay, described
                        // as first offered (the same session and version: nothing changed).
                        let mut ok = reply(&m, 200, "OK", &[("Contact", &engine.contact_for(from)), ("Content-Type", "application/sdp")]);
                        ok.body = inner.offered.clone();
                        engine.send(&ok, from).await;
                    }
                    Some(_) => engine.send(&reply(&m, 200, "OK", &[]), from).await,
                }
            }
            got = tap.recv() => {
                let Some(m) = got else { return };
                if from_call(engine, phone, inner, &mut stage, m).await {
                    return;
                }
            }
            () = tokio::time::sleep_until(wake) => return,
        }
    }
}

/// What the call sent to the in-process leg; true when the call is over for it.
async fn from_call(
    engine: &Engine,
    phone: &mut Phone,
    inner: &mut Inner,
    stage: &mut Stage,
    m: Message,
) -> bool {
    let Some((_, method)) = m.cseq() else {
        return false;
    };
    if m.header("call-id") != Some(inner.call_id.as_str()) {
        return false;
    }
    let method = method.to_owned();
    match (m.code(), m.method()) {
        (Some(code), _) if method == "INVITE" => match code {
            100..=199 => false,
            200..=299 => {
                inner.to = m.header("to").map(str::to_owned);
                let ack = inner.request("ACK", None);
                inner.send(ack);
                if *stage == Stage::Leaving {
                    let bye = inner.request("BYE", None);
                    inner.send(bye);
                    return false;
                }
                *stage = Stage::Answered;
                false
            }
            _ => {
                // The destination could not be reached: the failure is acknowledged on its
                // transaction, and the person's phone hung up.
                inner.to = m.header("to").map(str::to_owned);
                let branch = inner.branch();
                let ack = inner.request("ACK", Some(&branch));
                inner.send(ack);
                if *stage != Stage::Leaving {
                    bye_phone(engine, phone).await;
                }
                true
            }
        },
        // The answer to our BYE: the call is over.
        (Some(_), _) => method == "BYE",
        (None, Some("BYE")) => {
            inner.send(reply(&m, 200, "OK", &[]));
            if *stage != Stage::Leaving {
                bye_phone(engine, phone).await;
            }
            true
        }
        (None, Some("ACK")) => false,
        (None, Some(method)) => {
            // A refresh or a re-INVITE from the far side: the phone's media is unchanged.
            let mut ok = reply(
                &m,
                200,
                "OK",
                &[("Contact", &format!("<{}>", phone.contact))],
            );
            if method == "INVITE" {
                ok.set_header("content-type", "application/sdp".into());
                ok.body = phone.sdp.clone();
            }
            inner.send(ok);
            if method == "INVITE" {
                let n = m.cseq().map_or(1, |(n, _)| n);
                let mut ack = inner.request("ACK", None);
                ack.set_header("cseq", format!("{n} ACK"));
                inner.send(ack);
            }
            false
        }
        (None, None) => false,
    }
}

/// The user part of a SIP URI for a dialled string (`#` escaped, RFC 3261 section 25.1).
fn uri_user(dialled: &str) -> String {
    dialled.replace('#', "%23")
}

/// Switchboard's offer to the person's phone: audio at the relay's caller side, in either
/// G.711 codec, with RFC 4733 digits.
fn offer(at: SocketAddr, version: i64) -> Vec<u8> {
    let ip = at.ip();
    let family = if ip.is_ipv4() { "IP4" } else { "IP6" };
    let (port, te) = (at.port(), crate::media::TELEPHONE_EVENT);
    format!(
        "v=0\r\no=switchboard {version} 1 IN {family} {ip}\r\ns=Switchboard\r\nc=IN {family} {ip}\r\nt=0 0\r\nm=audio {port} RTP/AVP 0 8 {te}\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:{te} telephone-event/8000\r\na=fmtp:{te} 0-15\r\na=ptime:20\r\na=sendrecv\r\n"
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_in_process_leg_gets_what_is_sent_to_its_address_until_closed() {
        let legs = Legs::default();
        let (at, mut rx) = legs.open();
        assert!(Legs::inside(at));
        assert!(!Legs::inside("127.0.0.1:5060".parse().unwrap()));
        let bye = "BYE sip:201@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1\r\n\
                   From: <sip:202@a>;tag=1\r\nTo: <sip:201@a>;tag=2\r\nCall-ID: c\r\n\
                   CSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n";
        legs.deliver(bye.as_bytes(), at);
        assert_eq!(
            rx.try_recv()
                .map(|m| m.method().map(str::to_owned))
                .ok()
                .flatten()
                .as_deref(),
            Some("BYE")
        );
        // Another leg's port, and garbage, reach nobody.
        let other = SocketAddr::new(at.ip(), at.port().wrapping_add(1));
        legs.deliver(bye.as_bytes(), other);
        legs.deliver(b"not sip", at);
        assert!(rx.try_recv().is_err());
        legs.close(at);
        legs.deliver(bye.as_bytes(), at);
        assert!(rx.try_recv().is_err());
    }

    #[test]
    fn the_phone_is_offered_the_relays_caller_side_in_either_g711_codec_with_digits() {
        let sdp = offer("192.0.2.7:20000".parse().unwrap(), 5);
        assert_eq!(
            sb_sip::sdp::audio_target(&sdp),
            "192.0.2.7:20000".parse().ok()
        );
        let text = String::from_utf8(sdp).unwrap();
        assert!(text.contains("m=audio 20000 RTP/AVP 0 8 101\r\n"), "{text}");
        assert!(text.contains("a=rtpmap:101 telephone-event/8000"), "{text}");
        assert_eq!(uri_user("*7#123"), "*7%23123");
    }
}
