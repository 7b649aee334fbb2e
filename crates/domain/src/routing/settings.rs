//! A line's call-handling settings, as the routing decision reads them.

use super::schedule::WeekSchedule;
use serde::{Deserialize, Serialize};

/// Where a diverted call goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "to", rename_all = "snake_case")]
pub enum Divert {
    Voicemail,
    /// Another line of the same company.
    User {
        line: String,
    },
    /// Any number, with its options (announce, present the dialled number).
    Number {
        number: String,
        /// Tell the answering party who is calling before connecting.
        #[serde(default)]
        announce: bool,
        /// Show the dialled number as the caller ID.
        #[serde(default)]
        present_dialled: bool,
    },
}

/// "When not answered".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum NoAnswer {
    KeepRinging,
    /// Ring for `seconds`, then divert; with `always` and a number, redirect without ringing.
    After {
        seconds: u32,
        #[serde(flatten)]
        to: Divert,
        #[serde(default)]
        always: bool,
    },
}

/// "When busy".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Busy {
    /// The caller hears the engaged tone.
    Engaged,
    To(Divert),
}

/// "Out of hours": when the schedule says unavailable, calls go to `to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutOfHours {
    pub schedule: WeekSchedule,
    pub to: Divert,
}

/// Presence status; do not disturb sends callers to the busy handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    #[default]
    Available,
    Away,
    Busy,
    DoNotDisturb,
}

impl Presence {
    pub fn as_str(self) -> &'static str {
        match self {
            Presence::Available => "available",
            Presence::Away => "away",
            Presence::Busy => "busy",
            Presence::DoNotDisturb => "do_not_disturb",
        }
    }
    pub fn from_text(s: &str) -> Option<Self> {
        [
            Presence::Available,
            Presence::Away,
            Presence::Busy,
            Presence::DoNotDisturb,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }
}

/// Everything a line's owner or administrator sets about incoming calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handling {
    /// Forward all calls to this number, when set.
    pub forward_all: Option<String>,
    pub no_answer: NoAnswer,
    pub busy: Busy,
    pub out_of_hours: Option<OutOfHours>,
    /// Reject callers who withhold their number (433, RFC 5079).
    pub reject_anonymous: bool,
    /// The device tab's permanent redirect, when set.
    pub permanent_redirect: Option<String>,
    /// Call waiting: one more call may ring while the line is in a call; off, the line is
    /// busy from its first call. Documents saved before the setting existed have it on.
    #[serde(default = "on")]
    pub call_waiting: bool,
}

fn on() -> bool {
    true
}

impl Handling {
    /// Whether a line with `calls` calls in progress is busy: at its first call without call
    /// waiting, at its second with it.
    pub fn busy_with(&self, calls: i64) -> bool {
        calls >= if self.call_waiting { 2 } else { 1 }
    }
}

impl Default for Handling {
    /// What a new line does: ring until answered, engaged tone when busy (the defaults).
    fn default() -> Self {
        Self {
            forward_all: None,
            no_answer: NoAnswer::KeepRinging,
            busy: Busy::Engaged,
            out_of_hours: None,
            reject_anonymous: false,
            permanent_redirect: None,
            call_waiting: true,
        }
    }
}
