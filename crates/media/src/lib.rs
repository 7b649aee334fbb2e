//! Switchboard's media: everything that carries or makes sound, knowing no tenant and naming no
//! other crate of the workspace, so it can be read, tested and benchmarked alone.
//!
//! `codec` (G.711, RTP headers, RFC 4733 keys, WAV files, tones), `reach` (where media may go
//! before a side has latched) and `latch` (which source a stream is taken from), `relay` (the
//! RTP relay on its own packet threads), `endpoint` (Switchboard's own end of a call: play with
//! barge-in, record, read digits, prompts), `dialogue` (the endpoint as call applications talk
//! through it, a trait tests script, the language offer and the voicemail deposit), `hold` (music on hold from one clock), `mixer`
//! (conference rooms, each on its own clock) and `recorder` (the mixer of a recorded call).

pub mod codec;
pub mod dialogue;
pub mod endpoint;
pub mod hold;
pub mod latch;
pub mod mixer;
pub mod reach;
pub mod recorder;
pub mod relay;

/// Unpredictable bytes for RTP's starting SSRC, sequence number and timestamp and the relay's
/// choice of port (RFC 3550 section 5.1), so that a stranger cannot guess a stream. The server
/// checks the operating system's source at start; should it fail later, the bytes stay zero,
/// which makes a stream guessable but hands out no secret, and the failure is logged.
pub(crate) fn unpredictable<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    if let Err(e) = getrandom::getrandom(&mut b) {
        tracing::error!(error = %e, "no random bytes for RTP");
    }
    b
}
