//! The registrar against a fake (`Desk`): REGISTERs written as text, answers read as text, an
//! in-memory location, tokio's clock paused and moved by hand. Each test is named after the rule
//! it proves.

use super::*;
use crate::fake::{addr, parse};
use crate::location::Written;
use sb_domain::ids::CompanyId;
use sb_sip::digest::Algorithm;
use sb_sip::registrar::{Config, Register};
use std::collections::HashSet;
use std::time::Duration;

const PHONE: &str = "192.0.2.10:5060";
const DOMAIN: &str = "acme.sip.test";
const AOR: &str = "alice@acme.sip.test";

/// Where bindings are, in this test's memory; every change is "written" at once.
#[derive(Default)]
struct Bindings(Mutex<HashMap<String, Vec<Binding>>>);

impl Locator for Bindings {
    fn lookup(&self, aor: &str, now_ms: i64) -> Vec<Binding> {
        let mut table = self.0.lock();
        let list = table.entry(aor.to_owned()).or_default();
        list.retain(|b| b.expires_at_ms > now_ms);
        list.clone()
    }
    fn register(&self, request: &Register<'_>, _: &CompanyId, now_ms: i64) -> Registered {
        let mut table = self.0.lock();
        let current = table.entry(request.aor().to_owned()).or_default();
        let list = match request.apply(current, now_ms) {
            Ok(list) => list,
            Err(answer) => return Registered::refused(answer),
        };
        let answer = request.answer(&list, now_ms);
        let devices = list.len();
        *current = list;
        Registered {
            answer,
            devices,
            written: Some(done()),
        }
    }
    fn forget(&self, aor: &str) -> Option<Written> {
        self.0.lock().remove(aor);
        Some(done())
    }
    fn count(&self, _: i64) -> usize {
        self.0.lock().values().map(Vec::len).sum()
    }
}

fn done() -> Written {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let _ = tx.send(());
    rx
}

/// The registrar's surroundings: one account, alice's, with password `wonderland`; the
/// usernames the guard blocks; what was counted and which lines' messages were flushed.
struct Desk {
    registrations: Registrations,
    started: tokio::time::Instant,
    blocked: HashSet<String>,
    judged: Mutex<Vec<(Option<String>, Option<u16>)>>,
    flushed: Mutex<Vec<(String, String)>>,
}

impl Desk {
    fn new() -> Arc<Desk> {
        Arc::new(Desk::blocking(&[]))
    }

    fn blocking(usernames: &[&str]) -> Desk {
        let registrar = Registrar::new(Config::default(), [7; 32]);
        Desk {
            registrations: Registrations::new(
                registrar,
                Box::<Bindings>::default(),
                Arc::default(),
            ),
            started: tokio::time::Instant::now(),
            blocked: usernames.iter().map(|u| (*u).to_owned()).collect(),
            judged: Mutex::default(),
            flushed: Mutex::default(),
        }
    }

    fn bindings(&self) -> Vec<Binding> {
        self.registrations
            .devices(AOR, RegistrarContext::now_ms(self))
    }

    /// The failures counted for the guard.
    fn failures(&self) -> Vec<Option<String>> {
        let judged = self.judged.lock();
        let failed = judged.iter().filter(|(_, code)| *code == Some(403));
        failed.map(|(u, _)| u.clone()).collect()
    }
}

impl RegistrarContext for Desk {
    fn registrations(&self) -> &Registrations {
        &self.registrations
    }
    /// A date in 2026, moved by tokio's (paused) clock.
    fn now_ms(&self) -> i64 {
        let elapsed = i64::try_from(self.started.elapsed().as_millis()).unwrap();
        1_796_000_000_000 + elapsed
    }
    fn may_try(&self, _: SocketAddr, username: Option<&str>) -> bool {
        username.is_none_or(|u| !self.blocked.contains(u))
    }
    fn proven(&self, msg: &Message, from: SocketAddr) -> bool {
        let now = RegistrarContext::now_ms(self);
        let source = from.ip().to_string();
        self.registrations.proves_source(msg, false, &source, now)
    }
    fn judge(&self, _: SocketAddr, username: Option<&str>, _: &str, code: Option<u16>) {
        self.judged.lock().push((username.map(str::to_owned), code));
    }
    async fn account(&self, m: &Message, domain: &str) -> Looked {
        let credentials = m
            .header("authorization")
            .and_then(digest::parse_credentials)?;
        let account = Account {
            ha1_md5: digest::ha1(Algorithm::Md5, "alice", DOMAIN, "wonderland"),
            ha1_sha256: digest::ha1(Algorithm::Sha256, "alice", DOMAIN, "wonderland"),
            username: "alice".to_owned(),
            realm: DOMAIN.to_owned(),
            enabled: true,
        };
        let known = credentials.username == "alice" && domain == DOMAIN;
        known.then(|| (account, CompanyId::from_raw("acme")))
    }
    fn flush(self: &Arc<Self>, domain: String, user: String) {
        self.flushed.lock().push((domain, user));
    }
}

/// A REGISTER of alice's from her phone, with `extra` header lines (Contact, Expires,
/// Authorization).
fn register_text(cseq: u32, extra: &str) -> Message {
    parse(&format!(
        "REGISTER sip:{DOMAIN} SIP/2.0\r\n\
         Via: SIP/2.0/UDP {PHONE};branch=z9hG4bK-reg-{cseq}\r\n\
         From: <sip:alice@{DOMAIN}>;tag=ph1\r\n\
         To: <sip:alice@{DOMAIN}>\r\n\
         Call-ID: reg-alice-1\r\n\
         CSeq: {cseq} REGISTER\r\n\
         Max-Forwards: 70\r\n\
         {extra}Content-Length: 0\r\n\r\n"
    ))
}

/// The nonce of an answer's first challenge.
fn nonce_of(answer: &Message) -> String {
    let challenge = answer.header("www-authenticate").unwrap();
    digest::parse_challenge(challenge).unwrap().nonce
}

/// Alice's REGISTER with `extra`, answering a challenge first with `password`, as a phone does.
async fn register_as(desk: &Arc<Desk>, cseq: u32, password: &str, extra: &str) -> Message {
    let challenged = register(desk, &register_text(cseq, extra), addr(PHONE)).await;
    assert_eq!(challenged.code(), Some(401));
    let challenge = challenged.header("www-authenticate").unwrap();
    let challenge = digest::parse_challenge(challenge).unwrap();
    let uri = format!("sip:{DOMAIN}");
    let credentials =
        digest::answer(&challenge, "REGISTER", &uri, "alice", password, "c0ffee").unwrap();
    let extra = format!("{extra}Authorization: {credentials}\r\n");
    register(desk, &register_text(cseq + 1, &extra), addr(PHONE)).await
}

const CONTACT: &str = "Contact: <sip:alice@192.0.2.10:5060>\r\n";

#[tokio::test(start_paused = true)]
async fn a_register_without_credentials_is_challenged_401_with_a_fresh_nonce_rfc_3261_22_4() {
    let desk = Desk::new();
    let first = register(&desk, &register_text(1, CONTACT), addr(PHONE)).await;
    let second = register(&desk, &register_text(2, CONTACT), addr(PHONE)).await;
    assert_eq!(first.code(), Some(401));
    assert!(
        first
            .header("www-authenticate")
            .unwrap()
            .contains("realm=\"acme.sip.test\""),
        "{first:?}"
    );
    assert_ne!(nonce_of(&first), nonce_of(&second));
    assert!(desk.bindings().is_empty());
    assert!(desk.failures().is_empty(), "a challenge is not a failure");
}

#[tokio::test(start_paused = true)]
async fn the_right_digest_binds_the_contact_for_the_expiry_asked_rfc_3261_10_3() {
    let desk = Desk::new();
    let answer = register_as(
        &desk,
        1,
        "wonderland",
        &format!("{CONTACT}Expires: 600\r\n"),
    )
    .await;
    assert_eq!(answer.code(), Some(200), "{answer:?}");
    assert_eq!(
        answer.header("contact"),
        Some("<sip:alice@192.0.2.10:5060>;expires=600")
    );
    let bindings = desk.bindings();
    assert_eq!(bindings.len(), 1);
    assert_eq!(bindings[0].source, PHONE);
    assert!(
        desk.judged
            .lock()
            .contains(&(Some("alice".to_owned()), Some(200)))
    );
}

#[tokio::test(start_paused = true)]
async fn an_expiry_above_the_maximum_is_granted_the_maximum_rfc_3261_10_3_step_7() {
    let desk = Desk::new();
    let answer = register_as(
        &desk,
        1,
        "wonderland",
        &format!("{CONTACT}Expires: 7200\r\n"),
    )
    .await;
    assert_eq!(
        answer.header("contact"),
        Some("<sip:alice@192.0.2.10:5060>;expires=3600")
    );
}

#[tokio::test(start_paused = true)]
async fn an_expiry_below_the_minimum_is_refused_423_with_min_expires_rfc_3261_10_3_step_7() {
    let desk = Desk::new();
    let answer = register_as(&desk, 1, "wonderland", &format!("{CONTACT}Expires: 30\r\n")).await;
    assert_eq!(answer.code(), Some(423));
    assert_eq!(answer.header("min-expires"), Some("60"));
    assert!(desk.bindings().is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_wrong_password_is_refused_403_and_counted_against_the_username() {
    let desk = Desk::new();
    let answer = register_as(&desk, 1, "looking-glass", CONTACT).await;
    assert_eq!(answer.code(), Some(403));
    assert!(desk.bindings().is_empty());
    assert_eq!(desk.failures(), vec![Some("alice".to_owned())]);
}

#[tokio::test(start_paused = true)]
async fn a_username_the_guard_blocks_is_refused_403_even_with_the_right_password() {
    let desk = Arc::new(Desk::blocking(&["alice"]));
    let challenged = register(&desk, &register_text(1, CONTACT), addr(PHONE)).await;
    let challenge = digest::parse_challenge(challenged.header("www-authenticate").unwrap());
    let uri = format!("sip:{DOMAIN}");
    let credentials = digest::answer(
        &challenge.unwrap(),
        "REGISTER",
        &uri,
        "alice",
        "wonderland",
        "c0ffee",
    );
    let extra = format!("{CONTACT}Authorization: {}\r\n", credentials.unwrap());
    let answer = register(&desk, &register_text(2, &extra), addr(PHONE)).await;
    assert_eq!(answer.code(), Some(403));
    assert!(desk.bindings().is_empty());
    // The source answered our challenge, so it is really there: the attempt counts against it.
    assert_eq!(desk.failures(), vec![None]);
}

#[tokio::test(start_paused = true)]
async fn expires_0_removes_the_contact_rfc_3261_10_2_2() {
    let desk = Desk::new();
    register_as(&desk, 1, "wonderland", CONTACT).await;
    let answer = register_as(&desk, 3, "wonderland", &format!("{CONTACT}Expires: 0\r\n")).await;
    assert_eq!(answer.code(), Some(200));
    assert_eq!(answer.header("contact"), None);
    assert!(desk.bindings().is_empty());
}

#[tokio::test(start_paused = true)]
async fn contact_star_with_expires_0_removes_every_binding_rfc_3261_10_2_2() {
    let desk = Desk::new();
    register_as(&desk, 1, "wonderland", CONTACT).await;
    let other = "Contact: <sip:alice@192.0.2.10:5070>\r\n";
    register_as(&desk, 3, "wonderland", other).await;
    assert_eq!(desk.bindings().len(), 2);
    let answer = register_as(&desk, 5, "wonderland", "Contact: *\r\nExpires: 0\r\n").await;
    assert_eq!(answer.code(), Some(200));
    assert!(desk.bindings().is_empty());
}

#[tokio::test(start_paused = true)]
async fn contact_star_without_expires_0_is_refused_400_rfc_3261_10_3_step_6() {
    let desk = Desk::new();
    register_as(&desk, 1, "wonderland", CONTACT).await;
    let answer = register_as(&desk, 3, "wonderland", "Contact: *\r\n").await;
    assert_eq!(answer.code(), Some(400));
    assert_eq!(desk.bindings().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_binding_lapses_when_its_expiry_passes() {
    let desk = Desk::new();
    register_as(&desk, 1, "wonderland", &format!("{CONTACT}Expires: 60\r\n")).await;
    tokio::time::advance(Duration::from_secs(59)).await;
    assert_eq!(desk.bindings().len(), 1);
    tokio::time::advance(Duration::from_secs(2)).await;
    assert!(desk.bindings().is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_registered_device_is_handed_the_messages_kept_for_its_line() {
    let desk = Desk::new();
    register_as(&desk, 1, "wonderland", CONTACT).await;
    let flushed = vec![(DOMAIN.to_owned(), "alice".to_owned())];
    assert_eq!(*desk.flushed.lock(), flushed);
    // Unregistering leaves no device to hand them to.
    register_as(&desk, 3, "wonderland", &format!("{CONTACT}Expires: 0\r\n")).await;
    assert_eq!(*desk.flushed.lock(), flushed);
}

#[tokio::test(start_paused = true)]
async fn a_retransmitted_register_gets_the_first_answer_not_a_second_run_rfc_3261_17_2_2() {
    let desk = Desk::new();
    let request = register_text(1, CONTACT);
    let key = transaction_key(&request).unwrap();
    let registrations = desk.registrations();
    assert!(matches!(registrations.seen(&key), Seen::New));
    // Retransmitted while the first copy is being answered: dropped.
    assert!(matches!(registrations.seen(&key), Seen::Working));
    let answer = register(&desk, &request, addr(PHONE)).await.to_bytes();
    registrations.answered(key.clone(), answer.clone());
    tokio::time::advance(Duration::from_secs(4)).await;
    match registrations.seen(&key) {
        Seen::Answered(bytes) => assert_eq!(bytes, answer),
        _ => panic!("the retransmission was not answered with the first answer"),
    }
    // Another transaction (a new branch) of the same dialog is new.
    let next = transaction_key(&register_text(2, CONTACT)).unwrap();
    assert!(matches!(registrations.seen(&next), Seen::New));
}

#[tokio::test(start_paused = true)]
async fn an_answered_register_is_forgotten_after_the_retransmission_window() {
    let desk = Desk::new();
    let key = transaction_key(&register_text(1, CONTACT)).unwrap();
    let registrations = desk.registrations();
    assert!(matches!(registrations.seen(&key), Seen::New));
    registrations.answered(key.clone(), b"SIP/2.0 401 Unauthorized\r\n\r\n".to_vec());
    tokio::time::advance(Duration::from_secs(6)).await;
    assert!(matches!(registrations.seen(&key), Seen::New));
}
