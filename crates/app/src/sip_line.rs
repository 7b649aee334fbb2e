//! A line as the SIP engine sees it: what calls, queues and the routing facts all read of it.

use sb_domain::ids::{CompanyId, DepartmentId, LineId};

/// A line as the SIP engine sees it.
#[derive(Debug, Clone)]
pub struct SipLine {
    pub id: LineId,
    pub company_id: CompanyId,
    pub extension: String,
    /// The name callees inside the company see: the line's local calling name, else its user's.
    pub calling_name: Option<String>,
    /// The caller ID for calls going out: the presentation number, else the default number.
    pub presentation_number: Option<String>,
    /// `sip_username@sip_domain`: where its devices register.
    pub aor: String,
    pub sip_domain: String,
    /// The line's departments, nearest first (for live call counts).
    pub departments: Vec<DepartmentId>,
    /// The company's first language: what its callers hear.
    pub language: String,
    /// The company's second language, which callers may choose instead.
    pub second_language: Option<String>,
    /// Whether the line's calls are recorded (switched on and in its user's package).
    pub record_calls: bool,
}
