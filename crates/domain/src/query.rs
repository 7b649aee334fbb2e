//! What a list is asked for: a page of it and its filters. The store answers these and the
//! front doors build them from a request, so they live here, beside the other values both sides
//! share, and no front door needs the store's crate for them.

use crate::ids::UserId;
use crate::model::AuditKind;

/// A page of a list ordered by id: items after `after` (exclusive), at most `limit`.
#[derive(Debug, Clone)]
pub struct Page {
    pub after: Option<String>,
    pub limit: i64,
}

impl Page {
    pub fn first(limit: i64) -> Self {
        Self { after: None, limit }
    }

    /// The cursor as text, empty for the first page.
    pub fn after_text(&self) -> &str {
        self.after.as_deref().unwrap_or("")
    }

    /// Asks one more row than shown, to know whether a next page exists.
    pub fn probe(&self) -> i64 {
        self.limit + 1
    }
}

/// Filters of the audit list; all optional.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Records made by or about this user.
    pub user: Option<UserId>,
    pub kind: Option<AuditKind>,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
    /// Newest first (the viewer's order); otherwise oldest first, as the API has always listed.
    pub newest_first: bool,
}

/// Filters of the call log; all optional.
#[derive(Debug, Clone, Default)]
pub struct CallFilter {
    pub direction: Option<String>,
    pub from_ms: Option<i64>,
    pub to_ms: Option<i64>,
}
