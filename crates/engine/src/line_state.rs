//! What a line with a call is doing: the calls set it and busy-lamp subscriptions (RFC 4235)
//! report it. Beneath both, so neither names the other for it.

/// What a watched line is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineState {
    Idle,
    /// Ringing.
    Early,
    /// In a call.
    Confirmed,
}
