//! The call-handling document of a line and the explanation of where a call goes, as the API
//! takes and gives them.

use super::*;

/// What happens to a diverted call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DivertAction {
    Voicemail,
    RedirectToUser,
    RedirectToNumber,
}

/// A divert target: voicemail, another line of the company, or a number with their options.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DivertDoc {
    pub action: DivertAction,
    /// The line to redirect to (`redirect_to_user`).
    pub line_id: Option<String>,
    /// The number to redirect to (`redirect_to_number`), E.164 or an extension.
    pub number: Option<String>,
    /// Announce the redirect: the caller hears that the call is being forwarded, and the phone that answers hears who is calling before it is connected.
    #[serde(default)]
    pub announce: bool,
    /// Present the dialled number as the caller ID.
    #[serde(default)]
    pub present_dialled: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoAnswerAction {
    KeepRinging,
    Divert,
}

/// "When not answered".
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoAnswerDoc {
    pub action: NoAnswerAction,
    /// Seconds of ringing before the divert (5 to 300).
    pub seconds: Option<u32>,
    pub divert: Option<DivertDoc>,
    /// Redirect to the number at once, without ringing first.
    #[serde(default)]
    pub always: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BusyAction {
    Engaged,
    Divert,
}

/// "When busy".
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BusyDoc {
    pub action: BusyAction,
    pub divert: Option<DivertDoc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DayRuleKind {
    AvailableAllDay,
    UnavailableAllDay,
    UnavailableBetween,
}

/// One weekday of the out-of-hours schedule.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DayDoc {
    pub rule: DayRuleKind,
    /// `HH:MM`, for `unavailable_between`.
    pub from: Option<String>,
    pub to: Option<String>,
}

/// "Out of hours": seven days, Monday first, in the company's time zone.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutOfHoursDoc {
    pub days: Vec<DayDoc>,
    pub divert: DivertDoc,
}

/// A line's call-handling settings, read and written as one validated document.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallHandlingDoc {
    /// Forward all calls to this number (E.164 or extension); null when off.
    pub forward_all: Option<String>,
    pub no_answer: NoAnswerDoc,
    pub busy: BusyDoc,
    /// Null when out-of-hours handling is off.
    pub out_of_hours: Option<OutOfHoursDoc>,
    #[serde(default)]
    pub reject_anonymous: bool,
    /// The device tab's permanent redirect; null when off.
    pub permanent_redirect: Option<String>,
    /// Call waiting: one more call may ring while the line is in a call (on when absent).
    /// Off, the line is busy from its first call, and callers get the busy handling.
    #[serde(default = "call_waiting_on")]
    pub call_waiting: bool,
}

fn call_waiting_on() -> bool {
    true
}

/// A hypothetical call to explain.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExplainInput {
    /// The caller's number or extension; absent for a withheld number.
    pub caller_number: Option<String>,
    /// The caller withheld their number.
    #[serde(default)]
    pub anonymous: bool,
    /// The caller is one of the company's own lines.
    #[serde(default)]
    pub internal: bool,
    /// When the call rings (RFC 3339); now when absent.
    pub at: Option<String>,
    /// Phones of the line registered at the time (until the SIP engine reports them).
    #[serde(default = "one")]
    pub registered_devices: u32,
    /// The line is already busy.
    #[serde(default)]
    pub busy: bool,
}

fn one() -> u32 {
    1
}

/// One step of an explained plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanStepView {
    /// ring, voicemail, redirect_to_user, redirect_to_number, emergency or reject.
    pub action: String,
    pub seconds: Option<u32>,
    pub target: Option<String>,
    /// The SIP status of a rejection.
    pub status: Option<u16>,
    /// Why the step is there, as a stable code (e.g. `RingThenDivert`, `OutOfHours`,
    /// `BarredPremium`); clients translate by it.
    pub reason: String,
    /// The reason in an English sentence.
    pub sentence: String,
    /// For a step that sends the call to an outside number: how it would leave. Null for any
    /// other step, and for a number that stays in the company.
    pub outside: Option<OutsideView>,
    /// For a voicemail step: the greeting the caller would hear and how long a message may be.
    /// Null for any other step.
    pub voicemail: Option<MailboxPlanView>,
}

/// What a caller who reaches the line's mailbox hears and may leave, as the SIP engine would
/// play it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailboxPlanView {
    /// `own` (the greeting the line's user recorded or uploaded) or `standard`.
    pub greeting: String,
    /// The language of the standard greeting; null for the line's own.
    pub language: Option<String>,
    /// The company's second language, which a caller may switch the standard greeting to.
    pub second_language: Option<String>,
    /// The longest a message may be, in seconds.
    pub max_seconds: u32,
    /// Recording stops after this many seconds without a voice.
    pub silence_seconds: u32,
}

impl MailboxPlanView {
    #[must_use]
    pub fn of(plan: &sb_domain::routing::mailbox::MailboxPlan) -> Self {
        use sb_domain::routing::mailbox::Greeting;
        let (greeting, language, second_language) = match &plan.greeting {
            Greeting::Own => ("own", None, None),
            Greeting::Standard {
                language,
                second_language,
            } => ("standard", Some(language.clone()), second_language.clone()),
        };
        MailboxPlanView {
            greeting: greeting.to_owned(),
            language,
            second_language,
            max_seconds: plan.limits.max_seconds,
            silence_seconds: plan.limits.silence_seconds,
        }
    }
}

/// How a call would leave for an outside number, as the SIP engine would place it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutsideView {
    /// The name of the trunk it would take; null when no trunk can carry it, and the caller
    /// would hear 503.
    pub trunk: Option<String>,
    /// The number it would present to the carrier (From and P-Asserted-Identity).
    pub presents: String,
    /// The caller withholds their number: the From says anonymous and `Privacy: id` asks the
    /// carrier to keep `presents` from the callee (RFC 3325).
    pub withheld: bool,
    /// The number is an emergency number: the emergency trunk is taken first, else any.
    pub emergency: bool,
}

/// What would happen if that caller rang now.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExplainView {
    pub steps: Vec<PlanStepView>,
    /// What happens instead if the ringing finds the line busy.
    pub on_busy: Option<PlanStepView>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoicePinInput {
    /// Exactly 6 digits, not one repeated digit or a run like 123456.
    pub pin: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VoicePinView {
    /// Whether the line has a PIN (without one there is no voice-portal access).
    pub set: bool,
    /// Whether too many wrong PINs locked the mailbox (`POST …/voice-pin/unlock` opens it).
    pub locked: bool,
}

/// "Reset line".
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetLineInput {
    /// The line's new account name.
    pub account_name: String,
    /// Also use it as the local calling name shown on caller IDs.
    #[serde(default)]
    pub also_calling_name: bool,
    /// Also take the line out of hunt groups and queues.
    #[serde(default)]
    pub remove_from_groups: bool,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PresenceView {
    #[schema(value_type = sb_domain::routing::Presence)]
    pub status: sb_domain::routing::Presence,
}

/// The user's saved forwarding numbers (forward to a saved number or a temporary one).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SavedNumbersDoc {
    /// At most 20, each E.164 or an extension, in the user's order.
    pub numbers: Vec<String>,
}
