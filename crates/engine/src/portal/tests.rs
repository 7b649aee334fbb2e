//! The voice portal's dialogue against a scripted caller and a fake business layer: what the
//! caller hears, and what is asked of the business rules, for each key they press.

use super::*;
use parking_lot::Mutex;
use sb_app::AppError;
use sb_media::dialogue::scripted::Scripted;
use sb_media::endpoint::Recording;

/// A mailbox's business rules, reduced to what the dialogue can tell apart.
#[derive(Default)]
struct Fake {
    pin: Option<&'static str>,
    /// The new and saved messages, kept and deleted as the caller says.
    messages: Mutex<(Vec<&'static str>, Vec<&'static str>)>,
    extensions: Vec<(&'static str, &'static str)>,
    /// What the business layer was asked to do, in order.
    done: Mutex<Vec<String>>,
}

impl Fake {
    fn did(&self, what: String) {
        self.done.lock().push(what);
    }
    fn done(&self) -> Vec<String> {
        self.done.lock().clone()
    }
}

fn ids(l: &[&str]) -> Vec<VoicemailId> {
    l.iter().map(|i| VoicemailId::from_raw(*i)).collect()
}

impl Mailboxes for Fake {
    async fn line_by_extension(&self, _company: &CompanyId, extension: &str) -> Option<LineId> {
        self.extensions
            .iter()
            .find(|(e, _)| *e == extension)
            .map(|(_, l)| LineId::from_raw(*l))
    }
    async fn access(&self, _line: &LineId) -> AppResult<Access> {
        Ok(if self.pin.is_some() {
            Access::Open
        } else {
            Access::NoPin
        })
    }
    async fn sign_in(&self, line: &LineId, pin: String, _source: &str) -> AppResult<Access> {
        self.did(format!("sign in {line} {pin}"));
        Ok(if self.pin == Some(pin.as_str()) {
            Access::Open
        } else {
            Access::Wrong
        })
    }
    async fn messages(&self, _line: &LineId) -> AppResult<(Vec<VoicemailId>, Vec<VoicemailId>)> {
        let m = self.messages.lock();
        Ok((ids(&m.0), ids(&m.1)))
    }
    async fn audio(&self, id: &VoicemailId) -> AppResult<Vec<i16>> {
        message_audio(id.as_str()).ok_or(AppError::NotFound)
    }
    async fn keep(&self, line: &LineId, id: &VoicemailId, keep: bool, _: &str) -> AppResult<()> {
        let what = if keep { "keep" } else { "delete" };
        self.did(format!("{what} {line} {id}"));
        let mut m = self.messages.lock();
        let (new, saved) = &mut *m;
        let found = new
            .iter()
            .chain(saved.iter())
            .find(|m| **m == id.as_str())
            .copied();
        new.retain(|m| *m != id.as_str());
        saved.retain(|m| *m != id.as_str());
        if let (true, Some(f)) = (keep, found) {
            saved.push(f);
        }
        Ok(())
    }
    async fn set_greeting(&self, line: &LineId, samples: &[i16], _: &str) -> AppResult<()> {
        self.did(format!("greeting {line} {}", samples.len()));
        Ok(())
    }
    async fn set_pin(&self, line: &LineId, pin: String, _: &str) -> AppResult<()> {
        self.did(format!("pin {line} {pin}"));
        if pin.len() == 6 {
            Ok(())
        } else {
            Err(AppError::invalid("too_short", "pin", "six digits"))
        }
    }
}

/// A message's audio, told apart by its id.
fn message_audio(id: &str) -> Option<Vec<i16>> {
    let n: i16 = id.strip_prefix('m')?.parse().ok()?;
    Some(vec![n; 800])
}

struct Heard {
    caller: Scripted,
    prompts: Arc<Prompts>,
}

impl Heard {
    fn prompt(&self, name: &str) -> Arc<[i16]> {
        self.prompts.get("en", name)
    }
    fn times(&self, name: &str) -> usize {
        let p = self.prompt(name);
        self.caller.heard.iter().filter(|h| h[..] == p[..]).count()
    }
    fn last(&self) -> &[i16] {
        self.caller.heard.last().map_or(&[], Vec::as_slice)
    }
}

async fn call(fake: &Fake, mailbox: Mailbox, caller: Scripted) -> Heard {
    let prompts = Arc::new(Prompts::load(None).unwrap());
    let mut caller = caller;
    let langs = ("en".to_owned(), None);
    run(
        &mut caller,
        fake,
        prompts.clone(),
        langs,
        mailbox,
        "192.0.2.1".into(),
    )
    .await;
    Heard { caller, prompts }
}

fn own() -> Mailbox {
    Mailbox::Own(LineId::from_raw("l1"))
}

#[tokio::test]
async fn the_pin_is_asked_again_after_a_wrong_one_then_7_deletes_a_message_and_9_saves_the_next() {
    let fake = Fake {
        pin: Some("123456"),
        messages: Mutex::new((vec!["m1", "m2"], vec![])),
        ..Fake::default()
    };
    let heard = call(&fake, own(), Scripted::pressing("111111#123456#179*")).await;
    assert_eq!(
        fake.done(),
        [
            "sign in l1 111111",
            "sign in l1 123456",
            "delete l1 m1",
            "keep l1 m2",
        ]
    );
    assert_eq!(heard.times("wrong-pin"), 1);
    assert_eq!(heard.times("n2"), 1, "two new messages at first");
    assert_eq!(heard.times("n1"), 1, "then one saved");
    assert!(heard.caller.heard(&message_audio("m1").unwrap()));
    assert!(heard.caller.heard(&message_audio("m2").unwrap()));
    assert_eq!(heard.times("no-more-messages"), 1);
    assert_eq!(heard.last(), &heard.prompt("goodbye")[..], "* says goodbye");
}

#[tokio::test]
async fn a_mailbox_without_a_pin_says_so_and_asks_for_nothing() {
    let fake = Fake::default();
    let heard = call(&fake, own(), Scripted::pressing("")).await;
    assert!(fake.done().is_empty());
    let expected: Vec<Vec<i16>> = ["no-access", "goodbye"]
        .iter()
        .map(|n| heard.prompt(n).to_vec())
        .collect();
    assert_eq!(heard.caller.heard, expected);
    assert!(!heard.caller.hung_up, "no key was waited for");
}

#[tokio::test]
async fn three_wrong_pins_end_the_call_with_the_mailbox_unopened() {
    let fake = Fake {
        pin: Some("123456"),
        messages: Mutex::new((vec!["m1"], vec![])),
        ..Fake::default()
    };
    let heard = call(&fake, own(), Scripted::pressing("1#2#3#")).await;
    assert_eq!(fake.done().len(), 3, "three tries on one call");
    assert_eq!(heard.times("you-have"), 0);
    assert_eq!(heard.last(), &heard.prompt("goodbye")[..]);
}

#[tokio::test]
async fn any_mailbox_asks_for_an_extension_three_times_and_an_unknown_one_opens_nothing() {
    let fake = Fake {
        pin: Some("123456"),
        extensions: vec![("201", "l2")],
        ..Fake::default()
    };
    let company = CompanyId::from_raw("co");
    let heard = call(
        &fake,
        Mailbox::Any(company.clone()),
        Scripted::pressing("9#8#7#"),
    )
    .await;
    assert_eq!(heard.times("no-such-mailbox"), 3);
    assert!(fake.done().is_empty(), "no PIN asked for");

    let heard = call(
        &fake,
        Mailbox::Any(company),
        Scripted::pressing("201#123456#*"),
    )
    .await;
    assert_eq!(fake.done(), ["sign in l2 123456"], "the extension's line");
    assert_eq!(heard.times("n0"), 2, "no new, no saved messages");
}

#[tokio::test]
async fn a_new_pin_goes_to_the_business_rules_and_the_caller_hears_their_answer() {
    let fake = Fake {
        pin: Some("123456"),
        ..Fake::default()
    };
    let keys = "123456#4654321#412#*";
    let heard = call(&fake, own(), Scripted::pressing(keys)).await;
    assert_eq!(
        fake.done()[1..],
        ["pin l1 654321", "pin l1 12"],
        "both handed over"
    );
    assert_eq!(heard.times("pin-changed"), 1);
    assert_eq!(heard.times("pin-rejected"), 1);
}

#[tokio::test]
async fn a_greeting_recorded_by_phone_is_kept_only_when_something_was_said() {
    let fake = Fake {
        pin: Some("123456"),
        ..Fake::default()
    };
    let mut caller = Scripted::pressing("123456#3*");
    caller.says = Some(Recording {
        samples: vec![300; 16_000],
        voiced: true,
        ended: Ended::Pound,
    });
    let heard = call(&fake, own(), caller).await;
    assert_eq!(fake.done()[1..], ["greeting l1 16000"]);
    assert_eq!(heard.times("greeting-saved"), 1);

    let mut caller = Scripted::pressing("123456#3*");
    caller.says = Some(Recording {
        samples: vec![0; 16_000],
        voiced: false,
        ended: Ended::Silence,
    });
    let heard = call(&fake, own(), caller).await;
    assert_eq!(fake.done().len(), 3, "silence is not a greeting");
    assert_eq!(heard.times("greeting-saved"), 0, "and not said to be");
}
