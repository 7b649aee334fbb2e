//! Conference calls: callers reach the company's bridge, key in a scheduled conference's access
//! code and join its room, one of `sb_media::mixer`'s rooms keyed by the conference. Wrong codes
//! are counted here, per address and per bridge, so codes cannot be found by calling again and
//! again.

use super::Engine;
use super::media::{HungUp, Prompts};
use parking_lot::Mutex;
use sb_app::AppResult;
use sb_app::conferences::Admission;
use sb_domain::ids::{CompanyId, ConferenceId};
use sb_media::dialogue::{Endpoint, choose_language};
use sb_media::mixer;
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// Wrong codes a caller may key in on one call.
const CODE_TRIES: usize = 3;
/// Wrong codes counted over this window...
const WRONG_WINDOW: Duration = Duration::from_secs(10 * 60);
/// ...lock code entry for the phones at one address (an office behind NAT shares one)...
const WRONG_PER_ADDRESS: usize = 10;
/// ...and for all outside callers of one company's bridge (a carrier brings them all, from its
/// own address): six-digit codes are not to be found by calling again and again.
const WRONG_PER_BRIDGE: usize = 20;
/// Addresses and bridges remembered at most (each forgotten after the window anyway).
const MAX_KEYS: usize = 4096;

/// The mixer's rooms, by conference (a call-in agent's room for two is named by a conference id
/// of its own), and the count of wrong access codes.
#[derive(Default)]
pub struct Conferences {
    pub rooms: Arc<mixer::Rooms<ConferenceId>>,
    codes: Mutex<CodeGuard>,
}

impl Conferences {
    /// Whether `keyer` may have an access code looked up at `now`.
    fn code_entry_open(&self, keyer: &Keyer, now: Instant) -> bool {
        self.codes.lock().open(keyer, now)
    }

    /// Counts a wrong access code (or one of a conference not open yet) of `keyer`.
    fn wrong_code(&self, keyer: &Keyer, now: Instant) {
        self.codes.lock().wrong(keyer, now);
    }
}

/// Who keys in a code: a line's phone at an address, or an outside caller at a bridge.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
enum Keyer {
    Address(IpAddr),
    Bridge(CompanyId),
}

impl Keyer {
    fn of(company: &CompanyId, line_source: Option<SocketAddr>) -> Keyer {
        match line_source {
            Some(a) => Keyer::Address(a.ip()),
            None => Keyer::Bridge(company.clone()),
        }
    }
    fn limit(&self) -> usize {
        match self {
            Keyer::Address(_) => WRONG_PER_ADDRESS,
            Keyer::Bridge(_) => WRONG_PER_BRIDGE,
        }
    }
}

/// Wrong access codes per [`Keyer`] within [`WRONG_WINDOW`]; at the limit, code entry is locked
/// for that keyer until its oldest wrong code leaves the window. The time is passed in.
#[derive(Default)]
struct CodeGuard {
    wrong: HashMap<Keyer, VecDeque<Instant>>,
}

impl CodeGuard {
    fn recent(&mut self, k: &Keyer, now: Instant) -> usize {
        let Some(q) = self.wrong.get_mut(k) else {
            return 0;
        };
        while q
            .front()
            .is_some_and(|t| now.duration_since(*t) >= WRONG_WINDOW)
        {
            q.pop_front();
        }
        if q.is_empty() {
            self.wrong.remove(k);
            return 0;
        }
        q.len()
    }

    /// Whether `k` may have a code looked up now.
    fn open(&mut self, k: &Keyer, now: Instant) -> bool {
        self.recent(k, now) < k.limit()
    }

    /// Counts a wrong code of `k`.
    fn wrong(&mut self, k: &Keyer, now: Instant) {
        if self.wrong.len() >= MAX_KEYS && !self.wrong.contains_key(k) {
            self.wrong.retain(|_, q| {
                q.back()
                    .is_some_and(|t| now.duration_since(*t) < WRONG_WINDOW)
            });
            if self.wrong.len() >= MAX_KEYS {
                // Full of live keys: forget the one whose last wrong code is oldest.
                let oldest = self
                    .wrong
                    .iter()
                    .min_by_key(|(_, q)| q.back().copied())
                    .map(|(k, _)| k.clone());
                if let Some(o) = oldest {
                    self.wrong.remove(&o);
                }
            }
        }
        let q = self.wrong.entry(k.clone()).or_default();
        q.push_back(now);
        // Only the last `limit` matter.
        while q.len() > k.limit() {
            q.pop_front();
        }
    }
}

/// What a caller is told about a code. A conference that is not open yet sounds like a wrong
/// code: saying "not yet" would confirm the code to someone guessing codes, days before the
/// meeting.
fn admission_prompt(a: &Admission) -> Option<&'static str> {
    match a {
        Admission::Open { .. } => None,
        Admission::NotYet | Admission::Unknown => Some("conf-wrong-code"),
    }
}

/// What the bridge's dialogue asks of the rest of Switchboard: whether a code opens a
/// conference now (the business layer's rule), and to count a wrong code from a line's phone
/// as a failed authentication at its address. The engine is the real one; tests give a fake.
pub trait Bridge: Send + Sync {
    fn admit(
        &self,
        company: &CompanyId,
        code: &str,
    ) -> impl Future<Output = AppResult<Admission>> + Send;
    fn wrong_code_from(&self, from: SocketAddr);
}

impl Bridge for Engine {
    fn admit(
        &self,
        company: &CompanyId,
        code: &str,
    ) -> impl Future<Output = AppResult<Admission>> + Send {
        self.app.admit_to_conference(company, code)
    }
    fn wrong_code_from(&self, from: SocketAddr) {
        self.judge(from, None, "", Some(403));
    }
}

/// Who is at the bridge: the company whose bridge it is, and where a line's call came from
/// (wrong codes count there as failed authentications; a carrier's address is not counted,
/// it carries every outside caller).
pub struct Caller {
    pub company: CompanyId,
    pub line_source: Option<SocketAddr>,
}

/// The caller at the company's bridge: offered the second language, asked for the access code
/// (three tries), and put in the conference's room until they hang up.
pub async fn run(
    io: &mut impl Endpoint,
    bridge: &impl Bridge,
    conferences: &Conferences,
    prompts: &Prompts,
    langs: (String, Option<String>),
    caller: Caller,
) {
    let Ok(lang) = choose_language(io, prompts, &langs.0, langs.1.as_deref()).await else {
        return;
    };
    let p = |name: &str| prompts.get(&lang, name);
    let _ = session(io, bridge, conferences, &p, &caller).await;
}

#[expect(
    clippy::cognitive_complexity,
    reason = "the access-code dialogue: prompts, digits, lock-out and admission, read as the caller hears them"
)]
async fn session(
    io: &mut impl Endpoint,
    bridge: &impl Bridge,
    conferences: &Conferences,
    p: &impl Fn(&str) -> Arc<[i16]>,
    caller: &Caller,
) -> Result<(), HungUp> {
    let keyer = Keyer::of(&caller.company, caller.line_source);
    for _ in 0..CODE_TRIES {
        io.say(&[p("conf-enter-code")]).await?;
        let code = io.collect(6, Duration::from_secs(10)).await?;
        // Six digits end the code; the `#` the prompt asks for after them is taken here, else
        // it would end the next try at once as an empty code.
        if code.len() == 6 {
            io.key_is('#', Duration::from_millis(1500)).await?;
        }
        // Locked: the code is not even looked up, and the caller hears what a wrong code gets.
        let open = conferences.code_entry_open(&keyer, Instant::now());
        let admission = if open {
            bridge.admit(&caller.company, &code).await
        } else {
            tracing::info!(?keyer, "conference code entry locked after wrong codes");
            Ok(Admission::Unknown)
        };
        let admission = match admission {
            Ok(a) => a,
            Err(e) => {
                tracing::warn!(error = %e, "could not look up a conference");
                break;
            }
        };
        let Some(prompt) = admission_prompt(&admission) else {
            if let Admission::Open { id, title } = admission {
                tracing::debug!(conference = %id, %title, "a caller joins");
                if conferences.rooms.occupants(&id) == 0 {
                    io.say(&[p("conf-alone")]).await?;
                }
                return io.talk_in(conferences.rooms.join(&id)).await;
            }
            break;
        };
        if open && !code.is_empty() {
            conferences.wrong_code(&keyer, Instant::now());
            if let Some(from) = caller.line_source {
                bridge.wrong_code_from(from);
            }
        }
        io.say(&[p(prompt)]).await?;
    }
    io.say(&[p("goodbye")]).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use sb_media::dialogue::scripted::Scripted;

    #[test]
    fn a_conference_not_yet_open_sounds_like_a_wrong_code() {
        let open = Admission::Open {
            id: ConferenceId::from_raw("c"),
            title: "t".into(),
        };
        assert_eq!(admission_prompt(&open), None);
        assert_eq!(
            admission_prompt(&Admission::NotYet),
            admission_prompt(&Admission::Unknown)
        );
    }

    #[test]
    fn wrong_codes_lock_code_entry_per_address_and_per_bridge_for_a_window() {
        let t0 = Instant::now();
        let mut g = CodeGuard::default();
        let company = CompanyId::from_raw("co");
        let office = Keyer::of(&company, Some("192.0.2.7:5060".parse().unwrap()));
        let other_office = Keyer::of(&company, Some("192.0.2.8:5060".parse().unwrap()));
        let bridge = Keyer::of(&company, None);
        for i in 0..WRONG_PER_ADDRESS {
            assert!(g.open(&office, t0), "wrong code {i} is still answered");
            g.wrong(&office, t0 + Duration::from_secs(i as u64));
        }
        assert!(!g.open(&office, t0 + Duration::from_secs(60)), "locked");
        assert!(g.open(&other_office, t0), "another address is not");
        assert!(g.open(&bridge, t0), "nor the company's outside callers");
        let later = t0 + WRONG_WINDOW + Duration::from_secs(1);
        assert!(
            g.open(&office, later),
            "the oldest wrong code left the window"
        );
        for i in 0..WRONG_PER_BRIDGE {
            g.wrong(&bridge, t0 + Duration::from_secs(i as u64));
        }
        assert!(!g.open(&bridge, t0 + Duration::from_secs(30)));
        assert!(g.open(&Keyer::of(&CompanyId::from_raw("other"), None), t0));
    }

    #[test]
    fn the_wrong_code_count_stays_bounded() {
        let t0 = Instant::now();
        let mut g = CodeGuard::default();
        for i in 0..(MAX_KEYS as u32 + 100) {
            let ip = IpAddr::from(i.to_be_bytes());
            g.wrong(
                &Keyer::Address(ip),
                t0 + Duration::from_millis(u64::from(i)),
            );
        }
        assert!(g.wrong.len() <= MAX_KEYS);
    }

    /// The business layer's answer to each code, and what the dialogue asked of it.
    #[derive(Default)]
    struct FakeBridge {
        looked_up: Mutex<Vec<String>>,
        judged: Mutex<Vec<SocketAddr>>,
    }

    impl Bridge for FakeBridge {
        async fn admit(&self, _company: &CompanyId, code: &str) -> AppResult<Admission> {
            self.looked_up.lock().push(code.to_owned());
            Ok(match code {
                "123456" => Admission::Open {
                    id: ConferenceId::from_raw("weekly"),
                    title: "Weekly".into(),
                },
                "654321" => Admission::NotYet,
                _ => Admission::Unknown,
            })
        }
        fn wrong_code_from(&self, from: SocketAddr) {
            self.judged.lock().push(from);
        }
    }

    const PHONE: &str = "192.0.2.7:5060";

    async fn at_bridge(
        keys: &str,
        line_source: Option<SocketAddr>,
        conferences: &Conferences,
        bridge: &FakeBridge,
    ) -> (Scripted, Arc<Prompts>) {
        let prompts = Arc::new(Prompts::load(None).unwrap());
        let mut io = Scripted::pressing(keys);
        let caller = Caller {
            company: CompanyId::from_raw("co"),
            line_source,
        };
        let langs = ("en".to_owned(), None);
        run(&mut io, bridge, conferences, &prompts, langs, caller).await;
        (io, prompts)
    }

    fn times(io: &Scripted, prompt: &[i16]) -> usize {
        io.heard.iter().filter(|h| h.as_slice() == prompt).count()
    }

    #[tokio::test]
    async fn the_right_code_seats_the_caller_and_the_first_one_in_hears_they_are_alone() {
        let (conferences, bridge) = (Conferences::default(), FakeBridge::default());
        let (io, prompts) = at_bridge("123456#", None, &conferences, &bridge).await;
        assert_eq!(io.talked, 1, "in the room");
        assert!(io.heard(&prompts.get("en", "conf-alone")));
        assert_eq!(*bridge.looked_up.lock(), ["123456"]);

        let id = ConferenceId::from_raw("weekly");
        let _someone = conferences.rooms.join(&id);
        let (io, prompts) = at_bridge("123456#", None, &conferences, &bridge).await;
        assert_eq!(io.talked, 1);
        assert!(!io.heard(&prompts.get("en", "conf-alone")), "not alone");
    }

    #[tokio::test]
    async fn three_wrong_codes_say_goodbye_and_count_against_the_phones_address_only() {
        let phone: SocketAddr = PHONE.parse().unwrap();
        let (conferences, bridge) = (Conferences::default(), FakeBridge::default());
        let keys = "111111#654321#333#";
        let (io, prompts) = at_bridge(keys, Some(phone), &conferences, &bridge).await;
        assert_eq!(io.talked, 0);
        assert_eq!(
            times(&io, &prompts.get("en", "conf-wrong-code")),
            3,
            "a conference not open yet sounds like a wrong code"
        );
        assert_eq!(
            io.heard.last().unwrap()[..],
            prompts.get("en", "goodbye")[..]
        );
        assert_eq!(*bridge.judged.lock(), [phone, phone, phone]);

        let bridge = FakeBridge::default();
        at_bridge(keys, None, &conferences, &bridge).await;
        assert!(
            bridge.judged.lock().is_empty(),
            "an outside caller's carrier is not blocked for them"
        );
    }

    #[tokio::test]
    async fn once_code_entry_is_locked_the_right_code_is_not_even_looked_up() {
        let phone: SocketAddr = PHONE.parse().unwrap();
        let (conferences, bridge) = (Conferences::default(), FakeBridge::default());
        let keyer = Keyer::of(&CompanyId::from_raw("co"), Some(phone));
        for _ in 0..WRONG_PER_ADDRESS {
            conferences.wrong_code(&keyer, Instant::now());
        }
        let (io, prompts) = at_bridge("123456#", Some(phone), &conferences, &bridge).await;
        assert!(bridge.looked_up.lock().is_empty());
        assert_eq!(io.talked, 0);
        assert!(io.heard(&prompts.get("en", "conf-wrong-code")));
    }
}
