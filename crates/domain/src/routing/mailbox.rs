//! A call that reaches a line's mailbox: the greeting its caller hears and how long a message may
//! be. Part of the routing plan, so the engine plays what the plan says and explain can say it.

/// The greeting a mailbox plays before the beep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Greeting {
    /// The one the line's user recorded or uploaded.
    Own,
    /// The standard greeting in the company's language; with a second language the caller may
    /// switch to it.
    Standard {
        language: String,
        second_language: Option<String>,
    },
}

/// How long a message may be, and what is too short to be one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageLimits {
    /// Recording stops at this length.
    pub max_seconds: u32,
    /// Recording stops after this long without a voice.
    pub silence_seconds: u32,
    /// A recording shorter than this (a hang-up at the beep) leaves no message.
    pub min_millis: u32,
}

impl MessageLimits {
    /// Three minutes, ending after five seconds of silence; half a second is the least a
    /// message can be.
    pub const STANDARD: Self = Self {
        max_seconds: 180,
        silence_seconds: 5,
        min_millis: 500,
    };

    /// Whether a recording of `samples` at 8 kHz, `voiced` when a voice was heard in it, is a
    /// message to keep: a call that said nothing (a silent line, a hang-up at the beep) is not.
    #[must_use]
    pub fn keeps(&self, samples: usize, voiced: bool) -> bool {
        voiced && samples as u64 >= u64::from(self.min_millis) * 8
    }
}

/// What a call that reaches a line's mailbox hears and may leave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailboxPlan {
    pub greeting: Greeting,
    pub limits: MessageLimits,
}

impl MailboxPlan {
    /// The mailbox of a line: its own greeting when it has one, else the standard one in the
    /// company's languages.
    #[must_use]
    pub fn of_line(own_greeting: bool, language: &str, second_language: Option<&str>) -> Self {
        let greeting = if own_greeting {
            Greeting::Own
        } else {
            Greeting::Standard {
                language: language.to_owned(),
                second_language: second_language.map(str::to_owned),
            }
        };
        MailboxPlan {
            greeting,
            limits: MessageLimits::STANDARD,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_with_its_own_greeting_plays_it_else_the_standard_one_in_the_companys_languages() {
        assert_eq!(
            MailboxPlan::of_line(true, "en", Some("fr")).greeting,
            Greeting::Own
        );
        assert_eq!(
            MailboxPlan::of_line(false, "fr", None).greeting,
            Greeting::Standard {
                language: "fr".into(),
                second_language: None
            }
        );
    }

    #[test]
    fn a_message_is_kept_only_when_voiced_and_at_least_the_minimum_length() {
        let l = MessageLimits::STANDARD;
        assert!(l.keeps(4000, true), "half a second with a voice");
        assert!(!l.keeps(3999, true), "shorter than half a second");
        assert!(!l.keeps(80_000, false), "ten seconds of silence");
    }
}
