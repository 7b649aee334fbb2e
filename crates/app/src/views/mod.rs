//! What use cases take and give: plain data that the REST API serialises as JSON and the portals
//! render. Inputs reject unknown fields so a typo is an error, not a silently ignored setting.

use sb_domain::clock::rfc3339;
use sb_domain::model::{AuditKind, CallPolicyKind, Feature, Language, Role};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;

mod call_handling;
pub use call_handling::*;

/// Distinguishes "absent" (`None`) from "set to null" (`Some(None)`) in a partial update.
pub fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// One page of a list.
#[derive(Debug, Clone, Serialize)]
pub struct ListPage<T> {
    pub items: Vec<T>,
    /// Pass as `?cursor=` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginInput {
    pub username: String,
    pub password: String,
    /// The code of the authenticator app, or a recovery code, when the account has two-factor
    /// sign-in (without it such an account answers 401 `two_factor_required`).
    #[serde(default)]
    pub code: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginOutput {
    pub token: String,
    pub expires_at: String,
    pub user: UserView,
    /// True when a two-factor policy covers this user, who has no second factor yet: the token
    /// may only enrol (`POST /api/v1/me/two-factor`, then `.../confirm`); every other route
    /// answers 403 `two_factor_enrolment_required`.
    pub two_factor_enrolment_required: bool,
    /// The extension this sign-in is for: the person's default line, else their only one; null
    /// while a choice is needed and for people without lines.
    pub extension: Option<crate::extension::ExtensionView>,
    /// True when the person has several lines and no default: choose one with `POST
    /// /api/v1/auth/extension` (the token works meanwhile, on no extension in particular).
    pub extension_choice_required: bool,
    /// The person's extensions, in order.
    pub extensions: Vec<crate::extension::ExtensionView>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReauthInput {
    pub password: String,
    /// The two-factor code (or a recovery code), needed when the account has two-factor sign-in.
    #[serde(default)]
    pub code: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReauthOutput {
    /// A short-lived token to send as the bearer token for sensitive actions (the company bill).
    pub token: String,
    pub expires_at: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FirstLoginInput {
    /// The token of the one-time link.
    pub token: String,
    pub username: String,
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordInput {
    pub current_password: String,
    pub new_password: String,
}

/// Change passcode: the PIN, the password, or both.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasscodeInput {
    pub current_password: String,
    pub new_password: Option<String>,
    pub new_pin: Option<String>,
    /// The line whose PIN changes; the user's default line when absent.
    pub line_id: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordInput {
    /// A new password set by the administrator; without it, a one-time link is issued.
    pub password: Option<String>,
}

/// The outcome of a password reset by an administrator.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResetPasswordOutput {
    /// The one-time link, when no password was given; null when the password was set directly.
    pub link: Option<LinkView>,
}

/// A one-time link (first login or password reset).
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkView {
    /// The link, when no mail server is configured (else it was e-mailed and this is null).
    pub url: Option<String>,
    pub expires_at: String,
    pub emailed: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResellerInput {
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ResellerView {
    pub id: String,
    pub name: String,
    pub created_at: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResellerAdminInput {
    pub name: String,
    pub username: String,
    pub password: String,
    pub email: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PackageInput {
    pub name: String,
    pub features: Vec<Feature>,
    #[serde(default)]
    pub monthly_price_cents: i64,
    /// The reseller owning the package; absent for an installation package (system administrators).
    pub reseller_id: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PackagePatch {
    pub name: Option<String>,
    pub features: Option<Vec<Feature>>,
    pub monthly_price_cents: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PackageView {
    pub id: String,
    pub reseller_id: Option<String>,
    pub name: String,
    pub features: Vec<Feature>,
    pub monthly_price_cents: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompanyInput {
    /// The reseller selling to this company; a reseller administrator may omit it.
    pub reseller_id: Option<String>,
    pub name: String,
    pub country: String,
    pub time_zone: String,
    pub first_language: Language,
    pub second_language: Option<Language>,
    /// Subscription keys: the most users and lines the company may have.
    pub max_users: i64,
    pub max_lines: i64,
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct CompanyPatch {
    pub name: Option<String>,
    pub country: Option<String>,
    pub time_zone: Option<String>,
    pub first_language: Option<Language>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Language>)]
    pub second_language: Option<Option<Language>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionInput {
    pub max_users: i64,
    pub max_lines: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferedPackagesInput {
    /// The packages the company offers its users.
    pub offered: Vec<String>,
    /// The package new users get; must be one of `offered`.
    pub default: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CompanyView {
    pub id: String,
    pub reseller_id: String,
    pub name: String,
    pub country: String,
    pub time_zone: String,
    pub first_language: Language,
    pub second_language: Option<Language>,
    pub sip_domain: String,
    pub max_users: i64,
    pub max_lines: i64,
    pub users: i64,
    pub lines: i64,
    pub offered_packages: Vec<String>,
    pub default_package_id: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BillLine {
    pub package_id: Option<String>,
    pub package_name: String,
    pub users: i64,
    pub unit_price_cents: i64,
    pub amount_cents: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BillView {
    pub company_id: String,
    pub lines: Vec<BillLine>,
    pub total_cents: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepartmentInput {
    pub name: String,
    pub parent_id: Option<String>,
    pub operator_number: Option<String>,
    #[serde(default = "unlimited")]
    pub call_policy: CallPolicyKind,
    pub call_limit: Option<i64>,
}

fn unlimited() -> CallPolicyKind {
    CallPolicyKind::Unlimited
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct DepartmentPatch {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub parent_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub operator_number: Option<Option<String>>,
    pub call_policy: Option<CallPolicyKind>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    pub call_limit: Option<Option<i64>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DepartmentView {
    pub id: String,
    pub company_id: String,
    pub parent_id: Option<String>,
    pub name: String,
    pub operator_number: Option<String>,
    pub call_policy: CallPolicyKind,
    pub call_limit: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserInput {
    pub name: String,
    pub email: Option<String>,
    /// Without a username the user gets a one-time first-login link to choose one.
    pub username: Option<String>,
    pub password: Option<String>,
    #[serde(default = "end_user")]
    pub role: Role,
    pub department_id: Option<String>,
    pub package_id: Option<String>,
    pub language: Option<Language>,
}

fn end_user() -> Role {
    Role::EndUser
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    /// `company_admin` or `end_user` (CommPortal's "administrative privileges").
    pub role: Option<Role>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub department_id: Option<Option<String>>,
    pub package_id: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Language>)]
    pub language: Option<Option<Language>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub default_line_id: Option<Option<String>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub role: Role,
    pub reseller_id: Option<String>,
    pub company_id: Option<String>,
    pub department_id: Option<String>,
    pub package_id: Option<String>,
    pub name: String,
    pub email: Option<String>,
    pub language: Option<Language>,
    pub username: Option<String>,
    pub enabled: bool,
    /// Locked by wrong passwords (a lock that has run out shows until the next sign-in).
    pub locked: bool,
    /// When the lock ends by itself; null while `locked`: until an administrator unlocks.
    pub locked_until: Option<String>,
    pub default_line_id: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedUser {
    pub user: UserView,
    /// The first-login link, for a user created without a username.
    pub first_login: Option<LinkView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MeView {
    pub user: UserView,
    pub role: Role,
    pub company: Option<CompanyView>,
    /// The language the interface uses: the user's, else the company's first language.
    pub language: Language,
    pub features: Vec<Feature>,
    pub lines: Vec<LineView>,
    pub default_line_id: Option<String>,
    /// The line this sign-in is for (`POST /api/v1/auth/extension` changes it): the person's
    /// pages open on it; null while a choice is needed.
    pub signed_in_line_id: Option<String>,
    /// Working hours: the out-of-hours schedule of the signed-in (else default, else first) line,
    /// Monday first; null when that line has none.
    pub working_hours: Option<Vec<DayDoc>>,
    #[schema(value_type = sb_domain::routing::Presence)]
    pub presence: sb_domain::routing::Presence,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineInput {
    pub extension: String,
    pub user_id: Option<String>,
    pub account_name: Option<String>,
    pub calling_name: Option<String>,
    pub default_number: Option<String>,
    pub presentation_number: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct LinePatch {
    pub extension: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub user_id: Option<Option<String>>,
    pub account_name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub calling_name: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub default_number: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub presentation_number: Option<Option<String>>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LineView {
    pub id: String,
    pub company_id: String,
    pub user_id: Option<String>,
    pub extension: String,
    pub account_name: String,
    pub calling_name: Option<String>,
    /// The company's numbers (DIDs) routed to this line.
    pub numbers: Vec<String>,
    pub default_number: Option<String>,
    pub presentation_number: Option<String>,
    pub sip_username: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SipCredentialsView {
    pub sip_username: String,
    pub sip_password: String,
    /// The digest realm and domain phones register to.
    pub sip_domain: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NumberInput {
    pub number: String,
    pub line_id: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NumberPatch {
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub line_id: Option<Option<String>>,
    /// Marks the number as its line's fax number, or not;
    /// needs a line whose user's package has the `fax` feature. A number taken off its line
    /// stops being a fax number.
    pub fax: Option<bool>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NumberView {
    pub id: String,
    pub company_id: String,
    pub number: String,
    pub line_id: Option<String>,
    /// Marked as the line's fax number.
    pub fax: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditView {
    pub id: String,
    pub at: String,
    pub kind: AuditKind,
    pub actor_id: Option<String>,
    pub actor_name: String,
    pub source_ip: Option<String>,
    pub target_type: String,
    pub target_id: Option<String>,
    /// Before/after values of what changed; secrets are never recorded.
    #[schema(value_type = Object)]
    pub summary: serde_json::Value,
}

/// A time given in a request (RFC 3339), or the 422 that names `field`.
pub fn parse_time(field: &str, v: &str) -> Result<jiff::Timestamp, crate::AppError> {
    v.parse::<jiff::Timestamp>().map_err(|_| {
        crate::AppError::invalid(
            "invalid_time",
            field,
            "Times are RFC 3339, like 2026-01-31T09:00:00Z.",
        )
    })
}

pub(crate) fn time(ms: i64) -> String {
    rfc3339(ms)
}

/// Which way a call went, for one line (the call log's tabs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallDirection {
    /// Came in and nobody answered.
    Missed,
    /// Placed from this line.
    Dialled,
    /// Came in and was answered.
    Received,
    /// Came in and was refused by the line's settings or its phones.
    Rejected,
}

impl CallDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            CallDirection::Missed => "missed",
            CallDirection::Dialled => "dialled",
            CallDirection::Received => "received",
            CallDirection::Rejected => "rejected",
        }
    }

    pub fn from_text(s: &str) -> Option<Self> {
        Some(match s {
            "missed" => CallDirection::Missed,
            "dialled" => CallDirection::Dialled,
            "received" => CallDirection::Received,
            "rejected" => CallDirection::Rejected,
            _ => return None,
        })
    }
}

/// One call of a line's call log.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallRecordView {
    pub id: String,
    pub line_id: String,
    pub direction: CallDirection,
    /// The other party's number or extension; `anonymous` when it was withheld.
    pub other_number: String,
    pub other_name: Option<String>,
    /// When the call started (RFC 3339).
    pub started_at: String,
    /// Seconds of conversation; 0 when nobody answered.
    pub duration_secs: i64,
    /// The phone (its SIP contact) that answered or placed the call.
    pub device: Option<String>,
    /// The SIP status the call ended with for this line (200 when it was answered).
    pub status: i64,
}

/// A SIP trunk to create or replace.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrunkInput {
    pub name: String,
    /// The carrier's SIP address, `ip:port` (calls go there; calls from there are accepted).
    pub address: String,
    /// Credentials for the carrier's digest challenges and registration.
    pub username: Option<String>,
    /// Write-only: never shown again.
    pub password: Option<String>,
    /// Register to the carrier with the credentials.
    #[serde(default)]
    pub register: bool,
    /// Emergency calls go out through this trunk.
    #[serde(default)]
    pub emergency: bool,
    /// How the carrier's calls are told from a stranger's (a UDP source address is easy to
    /// spoof): `tcp` (the default) or `secret`.
    #[serde(default)]
    pub inbound: TrunkInbound,
    /// Write-only: the key a carrier's calls carry as `;key=...` in the Request-URI in `secret`
    /// mode; 16 to 128 letters, digits, `-`, `_`, `.` or `~`. Left out: the stored one stays.
    pub inbound_secret: Option<String>,
    /// Calls through this trunk at once, both ways, at most (1 to 10,000; 100 when left out).
    pub max_calls: Option<i64>,
}

/// How a carrier's calls to the company's numbers are recognised.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TrunkInbound {
    /// From the trunk's IP address over TCP or TLS only (a connection cannot be spoofed).
    #[default]
    Tcp,
    /// From the trunk's IP address on any transport, with the shared key in the Request-URI.
    Secret,
}

impl TrunkInbound {
    pub fn as_str(self) -> &'static str {
        match self {
            TrunkInbound::Tcp => "tcp",
            TrunkInbound::Secret => "secret",
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrunkView {
    pub id: String,
    /// Null for an installation trunk, which serves companies without one of their own.
    pub company_id: Option<String>,
    pub name: String,
    pub address: String,
    pub username: Option<String>,
    pub has_password: bool,
    pub register: bool,
    pub emergency: bool,
    pub inbound: TrunkInbound,
    pub has_inbound_secret: bool,
    pub max_calls: i64,
}

/// Who hears about emergency calls (Kari's Law).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmergencySettingsDoc {
    /// E-mail addresses told of every emergency call (at most 10).
    pub recipients: Vec<String>,
}

/// A dispatchable address for emergency services (E911), on a line or a number.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct E911AddressDoc {
    pub street: String,
    /// Floor, suite, room: where in the building.
    pub location: Option<String>,
    pub city: String,
    pub region: Option<String>,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
}

/// A text message sent from one of the person's own lines to a colleague's extension.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendMessageInput {
    /// A colleague's extension, or an outside number (E.164 or national, through the
    /// company's trunk).
    pub to: String,
    /// The text, UTF-8, at most 16 KiB.
    pub body: String,
}

/// A SIP MESSAGE of a line, sent or received.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageView {
    pub id: String,
    /// `sent` by this line or `received` by it.
    pub direction: String,
    /// `waiting` for a device of the recipient line, `delivered` to one; to an outside number
    /// `sending`, `sent` (the carrier took it) or `failed` (see `failure`).
    pub state: String,
    /// The sender's extension, or for a text from outside or to outside the number it shows.
    pub from_number: String,
    pub from_line_id: Option<String>,
    /// The recipient line; null for a text to an outside number.
    pub to_line_id: Option<String>,
    /// The outside number a text went to.
    pub to_number: Option<String>,
    pub content_type: String,
    pub body: String,
    pub created_at: String,
    /// When a device of the recipient (or the carrier) took it; null while it waits.
    pub delivered_at: Option<String>,
    /// Why the carrier did not take a text to an outside number.
    pub failure: Option<String>,
    /// A received text the line's user opened or marked (a sent one: whether its recipient
    /// line's user did).
    pub seen: bool,
}
