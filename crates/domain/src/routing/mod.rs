//! The call-routing decision: given a call, the target line's settings and state, the
//! department policies and the time, what happens, step by step, and why.
//!
//! Pure: no IO, no async, the clock passed in. The SIP engine asks [`decide`] for a [`Plan`] at
//! call time and executes it; the API explains the same plan in sentences, so what the portal
//! says will happen is what does happen.

pub mod features;
pub mod mailbox;
pub mod outbound;
mod schedule;
mod settings;

pub use schedule::{DayRule, HhMm, WeekSchedule};
pub use settings::{Busy, Divert, Handling, NoAnswer, OutOfHours, Presence};

use crate::barring::{Bar, Bars};
use crate::model::{CallPolicyKind, Feature};

/// The longest chain of redirections a call may follow before it is cut.
pub const MAX_HOPS: usize = 5;

/// Emergency numbers every installation routes, whatever else is configured.
pub const DEFAULT_EMERGENCY: &[&str] = &["911", "112", "999"];

/// Where a call comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// One of the company's own lines.
    Line,
    /// The outside world, through a trunk.
    Trunk,
}

/// Who is calling.
#[derive(Debug, Clone)]
pub struct Caller<'a> {
    pub number: Option<&'a str>,
    pub name: Option<&'a str>,
    /// The caller withheld their number.
    pub anonymous: bool,
    pub origin: Origin,
}

/// A department on the path from a line up to the root, with its live call count.
#[derive(Debug, Clone, Copy)]
pub struct DeptState<'a> {
    pub name: &'a str,
    pub policy: CallPolicyKind,
    pub limit: Option<i64>,
    pub active_calls: i64,
}

/// What is known about the called line right now.
#[derive(Debug, Clone)]
pub struct TargetState<'a> {
    /// An identifier of the line (for loop detection), e.g. its id.
    pub line: &'a str,
    /// False when the line has no user or its user is disabled: it takes no calls.
    pub in_service: bool,
    pub registered_devices: u32,
    /// Every device is in a call (or the line's call limit is reached).
    pub busy: bool,
    pub presence: Presence,
}

/// Everything the decision reads besides the call itself.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    pub handling: &'a Handling,
    pub target: TargetState<'a>,
    /// The called line's departments, nearest first.
    pub target_departments: &'a [DeptState<'a>],
    /// The calling line's departments, nearest first (empty for trunk calls).
    pub caller_departments: &'a [DeptState<'a>],
    pub features: &'a [Feature],
    pub time_zone: &'a jiff::tz::TimeZone,
    /// Emergency numbers beyond [`DEFAULT_EMERGENCY`].
    pub emergency_numbers: &'a [&'a str],
    /// What the called line's company and departments bar: a redirect to a barred number is
    /// refused (403) instead of going out at the company's expense.
    pub barring: Barring<'a>,
}

/// The call barring in force for redirects away from a line, and the country its numbers are
/// read from.
#[derive(Debug, Clone, Copy)]
pub struct Barring<'a> {
    pub bars: Bars,
    /// The company's country (ISO 3166 alpha-2).
    pub country: &'a str,
}

impl Barring<'_> {
    /// Why a call to `number` may not go out, if it may not.
    pub fn refusal(&self, number: &str) -> Option<Reason> {
        self.bars
            .refusal(number, self.country)
            .map(Reason::barred_by)
    }
}

/// A call to decide on.
#[derive(Debug, Clone)]
pub struct Call<'a> {
    pub caller: Caller<'a>,
    /// What was dialled (an extension, a number, an emergency code).
    pub dialled: &'a str,
    /// Lines this call already passed through by redirection, oldest first.
    pub hops: &'a [&'a str],
}

/// Which caller ID a redirected call shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallerIdChoice {
    Original,
    /// "Present the dialled number".
    Dialled,
}

/// One thing the SIP engine does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Ring every registered device of the line, for this many seconds (or until the caller
    /// hangs up).
    Ring {
        seconds: Option<u32>,
    },
    Voicemail,
    /// Send the call to another line of the company.
    RedirectToUser {
        line: String,
    },
    /// Send the call to a number.
    RedirectToNumber {
        number: String,
        caller_id: CallerIdChoice,
        announce: bool,
    },
    /// Route to the emergency service.
    Emergency,
    /// Refuse with this SIP status.
    Reject {
        status: u16,
    },
}

/// Why a step is there; each has a stable [`code`](Reason::code) (what the API answers and the
/// portal translates by) and one English sentence for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    EmergencyNumber,
    NotInService,
    Loop,
    TooManyHops,
    CallerOutgoingBlocked,
    CallerDepartmentFull,
    IncomingBlocked,
    DepartmentFull,
    AnonymousRejected,
    PermanentRedirect,
    ForwardAll,
    OutOfHours,
    DoNotDisturb,
    Busy,
    NoDevices,
    RingThenDivert,
    RingUntilAnswered,
    AlwaysRedirect,
    NoVoicemailInPackage,
    /// A redirect to an outside number without `call_forwarding` in the user's package.
    NoForwardingInPackage,
    BarredAllOutside,
    BarredInternational,
    BarredPremium,
}

impl Reason {
    /// Every reason, for lists and tests.
    pub const ALL: [Reason; 23] = [
        Reason::EmergencyNumber,
        Reason::NotInService,
        Reason::Loop,
        Reason::TooManyHops,
        Reason::CallerOutgoingBlocked,
        Reason::CallerDepartmentFull,
        Reason::IncomingBlocked,
        Reason::DepartmentFull,
        Reason::AnonymousRejected,
        Reason::PermanentRedirect,
        Reason::ForwardAll,
        Reason::OutOfHours,
        Reason::DoNotDisturb,
        Reason::Busy,
        Reason::NoDevices,
        Reason::RingThenDivert,
        Reason::RingUntilAnswered,
        Reason::AlwaysRedirect,
        Reason::NoVoicemailInPackage,
        Reason::NoForwardingInPackage,
        Reason::BarredAllOutside,
        Reason::BarredInternational,
        Reason::BarredPremium,
    ];

    /// The reason's stable code: the `reason` of the explain API's steps (unchanged since that
    /// field was introduced) and the key the portal translates by. Never reworded.
    pub fn code(self) -> &'static str {
        match self {
            Reason::EmergencyNumber => "EmergencyNumber",
            Reason::NotInService => "NotInService",
            Reason::Loop => "Loop",
            Reason::TooManyHops => "TooManyHops",
            Reason::CallerOutgoingBlocked => "CallerOutgoingBlocked",
            Reason::CallerDepartmentFull => "CallerDepartmentFull",
            Reason::IncomingBlocked => "IncomingBlocked",
            Reason::DepartmentFull => "DepartmentFull",
            Reason::AnonymousRejected => "AnonymousRejected",
            Reason::PermanentRedirect => "PermanentRedirect",
            Reason::ForwardAll => "ForwardAll",
            Reason::OutOfHours => "OutOfHours",
            Reason::DoNotDisturb => "DoNotDisturb",
            Reason::Busy => "Busy",
            Reason::NoDevices => "NoDevices",
            Reason::RingThenDivert => "RingThenDivert",
            Reason::RingUntilAnswered => "RingUntilAnswered",
            Reason::AlwaysRedirect => "AlwaysRedirect",
            Reason::NoVoicemailInPackage => "NoVoicemailInPackage",
            Reason::NoForwardingInPackage => "NoForwardingInPackage",
            Reason::BarredAllOutside => "BarredAllOutside",
            Reason::BarredInternational => "BarredInternational",
            Reason::BarredPremium => "BarredPremium",
        }
    }

    /// The reason with this [`code`](Reason::code).
    pub fn from_code(code: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The English sentence for people (the API's `sentence`; the portal has it in each
    /// language by [`code`](Reason::code)).
    pub fn sentence(self) -> &'static str {
        match self {
            Reason::EmergencyNumber => "An emergency number always goes to the emergency service.",
            Reason::NotInService => "This line takes no calls: it has no enabled user.",
            Reason::Loop => {
                "The call was already redirected through this line, so the loop is cut."
            }
            Reason::TooManyHops => "The call was redirected too many times, so the chain is cut.",
            Reason::CallerOutgoingBlocked => "The caller's department may not make outgoing calls.",
            Reason::CallerDepartmentFull => {
                "The caller's department has reached its limit of simultaneous calls."
            }
            Reason::IncomingBlocked => {
                "The department of this line does not accept incoming calls."
            }
            Reason::DepartmentFull => {
                "The department of this line has reached its limit of simultaneous calls."
            }
            Reason::AnonymousRejected => "Anonymous callers are rejected on this line.",
            Reason::PermanentRedirect => "The line has a permanent redirect.",
            Reason::ForwardAll => "All calls are forwarded.",
            Reason::OutOfHours => "It is out of hours for this line.",
            Reason::DoNotDisturb => {
                "The user is set to do not disturb, so the busy handling applies."
            }
            Reason::Busy => "The line is busy.",
            Reason::NoDevices => {
                "No phone of this line is registered, so the no-answer handling applies at once."
            }
            Reason::RingThenDivert => {
                "The phones ring; if nobody answers in time the call moves on."
            }
            Reason::RingUntilAnswered => {
                "The phones ring until someone answers or the caller hangs up."
            }
            Reason::AlwaysRedirect => "Calls are always redirected without ringing first.",
            Reason::NoVoicemailInPackage => "Voicemail is not part of this user's service package.",
            Reason::NoForwardingInPackage => {
                "Redirecting calls to outside numbers is not part of this user's service package."
            }
            Reason::BarredAllOutside => {
                "Calls to outside numbers are barred for this line, so the redirect is refused."
            }
            Reason::BarredInternational => {
                "International calls are barred for this line, so the redirect is refused."
            }
            Reason::BarredPremium => {
                "Premium-rate numbers are barred for this line, so the redirect is refused."
            }
        }
    }

    /// The reason a bar gives.
    pub fn barred_by(bar: Bar) -> Reason {
        match bar {
            Bar::AllOutside => Reason::BarredAllOutside,
            Bar::International => Reason::BarredInternational,
            Bar::Premium => Reason::BarredPremium,
        }
    }
}

/// A step: what to do and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub action: Action,
    pub reason: Reason,
}

/// The decision: steps in order (each runs when the one before ends unanswered), and what to do
/// if the ringing meets a busy line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    pub steps: Vec<Step>,
    pub on_busy: Option<Step>,
}

impl Plan {
    fn one(action: Action, reason: Reason) -> Self {
        Plan {
            steps: vec![Step { action, reason }],
            on_busy: None,
        }
    }
}

fn reject(status: u16, reason: Reason) -> Plan {
    Plan::one(Action::Reject { status }, reason)
}

/// Whether `dialled` is an emergency number.
pub fn is_emergency(dialled: &str, extra: &[&str]) -> bool {
    DEFAULT_EMERGENCY.contains(&dialled) || extra.contains(&dialled)
}

fn blocks_incoming(p: CallPolicyKind) -> bool {
    matches!(
        p,
        CallPolicyKind::IncomingBlocked | CallPolicyKind::BothBlocked
    )
}

fn blocks_outgoing(p: CallPolicyKind) -> bool {
    matches!(
        p,
        CallPolicyKind::OutgoingBlocked | CallPolicyKind::BothBlocked
    )
}

fn full(d: &DeptState<'_>) -> bool {
    d.limit.is_some_and(|l| d.active_calls >= l)
}

/// Why the caller's departments (nearest first) refuse a call they place, if they do: calls
/// out are blocked, or a department is at its limit of simultaneous calls. The same rule holds
/// for calls to lines and to outside numbers.
pub fn caller_refusal(departments: &[DeptState<'_>]) -> Option<Reason> {
    if departments.iter().any(|d| blocks_outgoing(d.policy)) {
        Some(Reason::CallerOutgoingBlocked)
    } else if departments.iter().any(full) {
        Some(Reason::CallerDepartmentFull)
    } else {
        None
    }
}

/// Turns a divert setting into an action, honouring the package and loop rules.
fn divert(to: &Divert, call: &Call<'_>, ctx: &Context<'_>, reason: Reason) -> Step {
    match to {
        Divert::Voicemail if !ctx.features.contains(&Feature::Voicemail) => Step {
            action: Action::Reject { status: 480 },
            reason: Reason::NoVoicemailInPackage,
        },
        Divert::Voicemail => Step {
            action: Action::Voicemail,
            reason,
        },
        Divert::User { line } => {
            if line.as_str() == ctx.target.line || call.hops.contains(&line.as_str()) {
                Step {
                    action: Action::Reject { status: 482 },
                    reason: Reason::Loop,
                }
            } else if call.hops.len() + 1 >= MAX_HOPS {
                Step {
                    action: Action::Reject { status: 482 },
                    reason: Reason::TooManyHops,
                }
            } else {
                Step {
                    action: Action::RedirectToUser { line: line.clone() },
                    reason,
                }
            }
        }
        Divert::Number {
            number,
            announce,
            present_dialled,
        } => {
            if call.hops.len() + 1 >= MAX_HOPS {
                return Step {
                    action: Action::Reject { status: 482 },
                    reason: Reason::TooManyHops,
                };
            }
            // Toll fraud: a redirect to an outside number is a call the company pays for, so it
            // needs the package feature and passes the call barring, checked at call time.
            let outside = crate::barring::is_outside_number(number);
            if outside && !ctx.features.contains(&Feature::CallForwarding) {
                return Step {
                    action: Action::Reject { status: 403 },
                    reason: Reason::NoForwardingInPackage,
                };
            }
            if let Some(reason) = ctx.barring.refusal(number) {
                return Step {
                    action: Action::Reject { status: 403 },
                    reason,
                };
            }
            let caller_id = if *present_dialled {
                CallerIdChoice::Dialled
            } else {
                CallerIdChoice::Original
            };
            Step {
                action: Action::RedirectToNumber {
                    number: number.clone(),
                    caller_id,
                    announce: *announce,
                },
                reason,
            }
        }
    }
}

/// Decides what happens to `call` at `now`.
#[expect(
    clippy::too_many_lines,
    reason = "the routing decision is one ordered list of rules (blocks, presence, schedule, forwarding, voicemail), read top to bottom as decision 7 lists them"
)]
pub fn decide(call: &Call<'_>, ctx: &Context<'_>, now: jiff::Timestamp) -> Plan {
    // Emergency calls go through whatever blocks, limits, forwarding or schedules say.
    if is_emergency(call.dialled, ctx.emergency_numbers) {
        return Plan::one(Action::Emergency, Reason::EmergencyNumber);
    }
    if call.hops.contains(&ctx.target.line) {
        return reject(482, Reason::Loop);
    }
    if call.hops.len() >= MAX_HOPS {
        return reject(482, Reason::TooManyHops);
    }
    if !ctx.target.in_service {
        return reject(480, Reason::NotInService);
    }
    if call.caller.origin == Origin::Line
        && call.hops.is_empty()
        && let Some(reason) = caller_refusal(ctx.caller_departments)
    {
        return reject(403, reason);
    }
    if ctx
        .target_departments
        .iter()
        .any(|d| blocks_incoming(d.policy))
    {
        return reject(403, Reason::IncomingBlocked);
    }
    if ctx.target_departments.iter().any(full) {
        return reject(403, Reason::DepartmentFull);
    }
    let h = ctx.handling;
    if h.reject_anonymous && call.caller.anonymous {
        return reject(433, Reason::AnonymousRejected);
    }
    let forwarding = ctx.features.contains(&Feature::CallForwarding);
    if let Some(n) = &h.permanent_redirect {
        let to = Divert::Number {
            number: n.clone(),
            announce: false,
            present_dialled: false,
        };
        return Plan {
            steps: vec![divert(&to, call, ctx, Reason::PermanentRedirect)],
            on_busy: None,
        };
    }
    if let (true, Some(n)) = (forwarding, &h.forward_all) {
        let to = Divert::Number {
            number: n.clone(),
            announce: false,
            present_dialled: false,
        };
        return Plan {
            steps: vec![divert(&to, call, ctx, Reason::ForwardAll)],
            on_busy: None,
        };
    }
    if let Some(ooh) = &h.out_of_hours
        && ooh.schedule.unavailable_at(now, ctx.time_zone)
    {
        return Plan {
            steps: vec![divert(&ooh.to, call, ctx, Reason::OutOfHours)],
            on_busy: None,
        };
    }
    let busy_step = |reason| match &h.busy {
        Busy::Engaged => Step {
            action: Action::Reject { status: 486 },
            reason,
        },
        Busy::To(to) => divert(to, call, ctx, reason),
    };
    if ctx.target.presence == Presence::DoNotDisturb {
        return Plan {
            steps: vec![busy_step(Reason::DoNotDisturb)],
            on_busy: None,
        };
    }
    if ctx.target.busy {
        return Plan {
            steps: vec![busy_step(Reason::Busy)],
            on_busy: None,
        };
    }
    let on_busy = Some(busy_step(Reason::Busy));
    match &h.no_answer {
        NoAnswer::KeepRinging if ctx.target.registered_devices == 0 => {
            reject(480, Reason::NoDevices)
        }
        NoAnswer::KeepRinging => Plan {
            steps: vec![Step {
                action: Action::Ring { seconds: None },
                reason: Reason::RingUntilAnswered,
            }],
            on_busy,
        },
        NoAnswer::After { to, .. } if ctx.target.registered_devices == 0 => Plan {
            steps: vec![divert(to, call, ctx, Reason::NoDevices)],
            on_busy: None,
        },
        NoAnswer::After {
            to: to @ Divert::Number { .. },
            always: true,
            ..
        } => Plan {
            steps: vec![divert(to, call, ctx, Reason::AlwaysRedirect)],
            on_busy: None,
        },
        NoAnswer::After { seconds, to, .. } => Plan {
            steps: vec![
                Step {
                    action: Action::Ring {
                        seconds: Some(*seconds),
                    },
                    reason: Reason::RingThenDivert,
                },
                divert(to, call, ctx, Reason::RingThenDivert),
            ],
            on_busy,
        },
    }
}

#[cfg(test)]
mod tests;
