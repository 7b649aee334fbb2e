//! What `route_call` hands the SIP engine for a call to an outside number: the number, the
//! trunk with what placing the call needs, and what the call presents of its caller, decided
//! whole by `outside.rs` before the engine writes it on the wire.

use sb_domain::ids::TrunkId;
use sb_domain::routing::outbound::Presented;
use std::fmt;
use std::net::SocketAddr;

/// The trunk an outside call goes out through, with what placing the call needs.
#[derive(Clone, PartialEq, Eq)]
pub struct TrunkPlan {
    pub id: TrunkId,
    pub name: String,
    /// Where the INVITE goes.
    pub address: SocketAddr,
    /// Username and password answering the carrier's digest challenge, when it has them.
    pub credentials: Option<(String, String)>,
    /// Calls through the trunk at once, at most; emergency calls pass even a full trunk.
    pub max_calls: i64,
    /// Marked for emergency calls.
    pub emergency: bool,
}

/// Never the password: plans may reach a log line.
impl fmt::Debug for TrunkPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TrunkPlan")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("address", &self.address)
            .field("username", &self.credentials.as_ref().map(|(u, _)| u))
            .field("max_calls", &self.max_calls)
            .field("emergency", &self.emergency)
            .finish_non_exhaustive()
    }
}

/// A call to an outside number, decided whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutsidePlan {
    /// The number as dialled or redirected to.
    pub number: String,
    /// `None` when no trunk can carry the call: the caller is answered 503.
    pub trunk: Option<TrunkPlan>,
    /// What the call presents of its caller.
    pub caller_id: Presented,
}
