//! Typed ids. Each entity has its own id type so that a `UserId` can never be passed where a
//! `CompanyId` is meant. Ids are opaque strings: a millisecond timestamp and 80 random bits in hex,
//! so that they sort by creation time (which keeps cursor paging stable and indexes append-only).

use serde::{Deserialize, Serialize};
use std::fmt;

/// A new id's text: 12 hex digits of milliseconds, then 20 of randomness.
pub fn new_id_text(now_ms: i64) -> String {
    let mut rnd = [0u8; 10];
    // getrandom only fails when the OS has no entropy source at all; the id then still
    // carries the time, and uniqueness is enforced by the database.
    let _ = getrandom::getrandom(&mut rnd);
    format!("{:012x}{}", now_ms.max(0), hex::encode(rnd))
}

/// True for text that could be an id: used to reject garbage in paths before any query.
pub fn looks_like_id(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

macro_rules! id_type {
    ($($(#[$m:meta])* $name:ident),* $(,)?) => {$(
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(now_ms: i64) -> Self { Self(new_id_text(now_ms)) }
            /// Wraps text read from storage or a request path (validated by the caller's lookup).
            pub fn from_raw(s: impl Into<String>) -> Self { Self(s.into()) }
            pub fn as_str(&self) -> &str { &self.0 }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(&self.0) }
        }
    )*};
}

id_type!(
    /// A reseller (channel partner).
    ResellerId,
    /// A customer company.
    CompanyId,
    /// A department inside a company.
    DepartmentId,
    /// A user account of any role.
    UserId,
    /// A line (extension) of a company.
    LineId,
    /// A phone number (DID) owned by a company.
    NumberId,
    /// A service package.
    PackageId,
    /// An audit record.
    AuditId,
    /// A call-log record of one line.
    CallRecordId,
    /// A SIP trunk to a carrier.
    TrunkId,
    /// A SIP MESSAGE between lines.
    MessageId,
    /// A voicemail message in a line's mailbox.
    VoicemailId,
    /// A scheduled conference (voice meeting).
    ConferenceId,
    /// A recorded call in a line's inbox.
    RecordingId,
    /// A call queue (call distribution group) of a company.
    QueueId,
    /// One of a person's own contacts.
    ContactId,
    /// One caller's passage through a queue, for its figures.
    QueueCallId,
    /// A scheduled report of a company.
    ReportId,
    /// A contact administrators define for a department, seen by everyone in its tree.
    GroupContactId,
    /// A fax received on a line's fax number, in its inbox.
    FaxId,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_by_creation_time_and_look_like_ids() {
        let a = UserId::new(1_700_000_000_000);
        let b = UserId::new(1_700_000_000_001);
        assert!(a < b);
        assert!(looks_like_id(a.as_str()));
        assert!(!looks_like_id("../../etc/passwd"));
    }
}
