//! Switchboard's end of a call as a call application talks through it: the [`Endpoint`] trait
//! (play with barge-in, read RFC 4733 keys, record, lend the call to a conference room), which
//! the real media endpoint [`Io`] implements and tests script, and the pieces of dialogue every
//! application shares: the offer of the second language and the voicemail deposit.

use crate::endpoint::{Ended, HungUp, Io, Limits, Prompts, Recording, beep};
use crate::mixer::Seat;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// The caller as a call application hears and speaks to them. Every method ends early with
/// [`HungUp`] when the caller hangs up (a recording keeps what was said).
pub trait Endpoint: Send {
    /// Plays `audio`; with `barge_in` a key press stops it (the key stays to be read).
    fn play(
        &mut self,
        audio: &[i16],
        barge_in: bool,
    ) -> impl Future<Output = Result<(), HungUp>> + Send;
    /// Plays several prompts in a row, stopping at a key press.
    fn say(&mut self, parts: &[Arc<[i16]>]) -> impl Future<Output = Result<(), HungUp>> + Send;
    /// Keys up to `#`, `max` of them, or a pause of `wait` after the last one.
    fn collect(
        &mut self,
        max: usize,
        wait: Duration,
    ) -> impl Future<Output = Result<String, HungUp>> + Send;
    /// One key, or none after `wait`.
    fn key(&mut self, wait: Duration) -> impl Future<Output = Result<Option<char>, HungUp>> + Send;
    /// Waits up to `wait` for a key: true (and the key is taken) when it is `want`; another key
    /// stays to be read.
    fn key_is(
        &mut self,
        want: char,
        wait: Duration,
    ) -> impl Future<Output = Result<bool, HungUp>> + Send;
    /// Records the caller until `#`, the length limit, the silence limit or a hang-up.
    fn record(&mut self, limits: Limits) -> impl Future<Output = Recording> + Send;
    /// Talks in a conference room until the caller hangs up or (in a room for two) the other
    /// one leaves.
    fn talk_in(&mut self, seat: Seat) -> impl Future<Output = Result<(), HungUp>> + Send;
}

impl Endpoint for Io {
    fn play(
        &mut self,
        audio: &[i16],
        barge_in: bool,
    ) -> impl Future<Output = Result<(), HungUp>> + Send {
        Io::play(self, audio, barge_in)
    }
    fn say(&mut self, parts: &[Arc<[i16]>]) -> impl Future<Output = Result<(), HungUp>> + Send {
        Io::say(self, parts)
    }
    fn collect(
        &mut self,
        max: usize,
        wait: Duration,
    ) -> impl Future<Output = Result<String, HungUp>> + Send {
        Io::collect(self, max, wait)
    }
    fn key(&mut self, wait: Duration) -> impl Future<Output = Result<Option<char>, HungUp>> + Send {
        Io::key(self, wait)
    }
    fn key_is(
        &mut self,
        want: char,
        wait: Duration,
    ) -> impl Future<Output = Result<bool, HungUp>> + Send {
        Io::key_is(self, want, wait)
    }
    fn record(&mut self, limits: Limits) -> impl Future<Output = Recording> + Send {
        Io::record(self, limits)
    }
    fn talk_in(&mut self, seat: Seat) -> impl Future<Output = Result<(), HungUp>> + Send {
        seat.talk(self)
    }
}

/// Offers the caller the company's second language (the languages apply to what
/// callers hear). The offer is spoken in that language ("Pour le français, tapez étoile") and
/// `*` takes it; the dialogue then goes on in the language returned.
pub async fn choose_language(
    io: &mut impl Endpoint,
    prompts: &Prompts,
    first: &str,
    second: Option<&str>,
) -> Result<String, HungUp> {
    let Some(second) = second.filter(|s| *s != first) else {
        return Ok(first.to_owned());
    };
    io.play(&prompts.get(second, "lang-offer"), true).await?;
    let chosen = if io.key_is('*', Duration::from_millis(1500)).await? {
        second
    } else {
        first
    };
    Ok(chosen.to_owned())
}

/// The greeting a deposit plays: the line's own, or the standard one in the language the
/// caller chooses.
pub enum Greeting {
    Own(Arc<[i16]>),
    Standard {
        prompts: Arc<Prompts>,
        first: String,
        second: Option<String>,
    },
}

/// Plays the greeting and a beep, then records the caller (a voicemail deposit).
pub async fn deposit(io: &mut impl Endpoint, greeting: Greeting, limits: Limits) -> Recording {
    let greeting = match greeting {
        Greeting::Own(g) => Ok(g),
        Greeting::Standard {
            prompts,
            first,
            second,
        } => choose_language(io, &prompts, &first, second.as_deref())
            .await
            .map(|lang| prompts.get(&lang, "vm-greeting")),
    };
    let greeted = match greeting {
        Ok(g) => io.play(&g, false).await.is_ok() && io.play(&beep(), false).await.is_ok(),
        Err(HungUp) => false,
    };
    if !greeted {
        return Recording {
            samples: Vec::new(),
            voiced: false,
            ended: Ended::HungUp,
        };
    }
    io.record(limits).await
}

/// A scripted caller, to test a call application's dialogue without sockets or time: it
/// presses the keys of its script, in order, whenever the dialogue waits for one, keeps
/// everything it was played, and hangs up when the dialogue waits for a key the script does
/// not have.
#[cfg(any(test, feature = "scripted"))]
pub mod scripted {
    use super::{Ended, Endpoint, HungUp, Limits, Recording, Seat};
    use std::collections::VecDeque;
    use std::future::Future;
    use std::sync::Arc;
    use std::time::Duration;

    #[derive(Default)]
    pub struct Scripted {
        keys: VecDeque<char>,
        /// Everything played to the caller, in order.
        pub heard: Vec<Vec<i16>>,
        /// What the caller says when recorded (else they hang up at once).
        pub says: Option<Recording>,
        /// Conference rooms the caller talked in.
        pub talked: usize,
        /// Whether the caller is still on the call when the script ran out.
        pub hung_up: bool,
    }

    impl Scripted {
        /// A caller who will press `keys` (`.` for "no key: let the wait pass").
        pub fn pressing(keys: &str) -> Scripted {
            Scripted {
                keys: keys.chars().collect(),
                ..Scripted::default()
            }
        }

        /// Whether `prompt` was played, at any point.
        pub fn heard(&self, prompt: &[i16]) -> bool {
            self.heard.iter().any(|h| h.as_slice() == prompt)
        }

        /// Where `prompt` was first played, in the order of everything heard.
        pub fn position(&self, prompt: &[i16]) -> Option<usize> {
            self.heard.iter().position(|h| h.as_slice() == prompt)
        }

        /// The next key: `Ok(None)` for a `.` (a wait that passes), `Err` at the script's end.
        fn press(&mut self) -> Result<Option<char>, HungUp> {
            match self.keys.pop_front() {
                Some('.') => Ok(None),
                Some(k) => Ok(Some(k)),
                None => {
                    self.hung_up = true;
                    Err(HungUp)
                }
            }
        }

        fn live(&self) -> Result<(), HungUp> {
            if self.hung_up { Err(HungUp) } else { Ok(()) }
        }
    }

    impl Endpoint for Scripted {
        fn play(
            &mut self,
            audio: &[i16],
            _barge_in: bool,
        ) -> impl Future<Output = Result<(), HungUp>> + Send {
            self.heard.push(audio.to_vec());
            std::future::ready(self.live())
        }
        fn say(&mut self, parts: &[Arc<[i16]>]) -> impl Future<Output = Result<(), HungUp>> + Send {
            self.heard.extend(parts.iter().map(|p| p.to_vec()));
            std::future::ready(self.live())
        }
        fn collect(
            &mut self,
            max: usize,
            _wait: Duration,
        ) -> impl Future<Output = Result<String, HungUp>> + Send {
            let mut got = String::new();
            let outcome = loop {
                match self.press() {
                    Ok(Some('#') | None) => break Ok(got),
                    Ok(Some(k)) => {
                        got.push(k);
                        if got.len() >= max {
                            break Ok(got);
                        }
                    }
                    Err(HungUp) => break Err(HungUp),
                }
            };
            std::future::ready(outcome)
        }
        fn key(
            &mut self,
            _wait: Duration,
        ) -> impl Future<Output = Result<Option<char>, HungUp>> + Send {
            std::future::ready(self.press())
        }
        fn key_is(
            &mut self,
            want: char,
            _wait: Duration,
        ) -> impl Future<Output = Result<bool, HungUp>> + Send {
            let outcome = match self.keys.front() {
                Some(&k) if k == want => {
                    self.keys.pop_front();
                    Ok(true)
                }
                Some('.') => {
                    self.keys.pop_front();
                    Ok(false)
                }
                Some(_) => Ok(false),
                None => self.press().map(|_| false),
            };
            std::future::ready(outcome)
        }
        fn record(&mut self, _limits: Limits) -> impl Future<Output = Recording> + Send {
            let r = self.says.take().unwrap_or(Recording {
                samples: Vec::new(),
                voiced: false,
                ended: Ended::HungUp,
            });
            if r.ended == Ended::HungUp {
                self.hung_up = true;
            }
            std::future::ready(r)
        }
        fn talk_in(&mut self, seat: Seat) -> impl Future<Output = Result<(), HungUp>> + Send {
            self.talked += 1;
            drop(seat);
            std::future::ready(self.live())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::scripted::Scripted;
    use super::*;

    fn said(voiced: bool) -> Recording {
        Recording {
            samples: vec![100; 8000],
            voiced,
            ended: Ended::Pound,
        }
    }

    #[tokio::test]
    async fn a_deposit_plays_the_greeting_in_the_second_language_when_the_caller_takes_it_then_records()
     {
        let prompts = Arc::new(Prompts::load(None).unwrap());
        let mut caller = Scripted::pressing("*");
        caller.says = Some(said(true));
        let greeting = Greeting::Standard {
            prompts: prompts.clone(),
            first: "en".into(),
            second: Some("fr".into()),
        };
        let mut io = caller;
        let r = deposit(&mut io, greeting, Limits::default()).await;
        assert_eq!(r.ended, Ended::Pound);
        assert!(
            io.heard(&prompts.get("fr", "lang-offer")),
            "offered in French"
        );
        assert!(io.heard(&prompts.get("fr", "vm-greeting")));
        assert!(!io.heard(&prompts.get("en", "vm-greeting")));
        let beep_at = io.position(&beep()).unwrap();
        assert!(io.position(&prompts.get("fr", "vm-greeting")).unwrap() < beep_at);
    }

    #[tokio::test]
    async fn without_a_key_the_caller_hears_the_first_language_and_an_own_greeting_skips_the_offer()
    {
        let prompts = Arc::new(Prompts::load(None).unwrap());
        let mut io = Scripted::pressing(".");
        io.says = Some(said(true));
        let greeting = Greeting::Standard {
            prompts: prompts.clone(),
            first: "en".into(),
            second: Some("fr".into()),
        };
        deposit(&mut io, greeting, Limits::default()).await;
        assert!(io.heard(&prompts.get("en", "vm-greeting")));

        let own: Arc<[i16]> = vec![7; 800].into();
        let mut io = Scripted::pressing("");
        io.says = Some(said(true));
        deposit(&mut io, Greeting::Own(own.clone()), Limits::default()).await;
        assert_eq!(io.heard[0], own.to_vec(), "no language offer first");
    }

    #[tokio::test]
    async fn a_caller_who_hangs_up_during_the_offer_leaves_no_message() {
        let prompts = Arc::new(Prompts::load(None).unwrap());
        let mut io = Scripted::pressing("");
        io.says = Some(said(true));
        let greeting = Greeting::Standard {
            prompts,
            first: "en".into(),
            second: Some("fr".into()),
        };
        let r = deposit(&mut io, greeting, Limits::default()).await;
        assert!(r.samples.is_empty());
        assert_eq!(r.ended, Ended::HungUp);
    }
}
