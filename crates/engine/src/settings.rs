//! What the engine is started with: its settings, the bounds on each tenant's calls, the
//! listeners for the stream transports, and the gauges it keeps current for /metrics.

use super::{guard, media, stream};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

/// Figures the engine keeps current for /metrics.
#[derive(Debug, Clone, Default)]
pub struct Gauges {
    /// Registered devices.
    pub registrations: Arc<AtomicU64>,
    /// Calls in progress.
    pub active_calls: Arc<AtomicU64>,
}

/// The SIP engine's settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub rtp_ports: (u16, u16),
    pub guard: guard::Config,
    /// Answer requests whose User-Agent is a known scanner's (normally they get no answer).
    pub answer_scanners: bool,
    /// Calls in progress at most (0: no limit); beyond it new calls get 503, emergency calls
    /// excepted.
    pub max_calls: u64,
    /// Calls at once per company and per line, and the longest a call may ring.
    pub caps: Caps,
    /// Bounds on TCP and TLS connections.
    pub streams: stream::Limits,
    /// What callers hear from Switchboard itself.
    pub prompts: Arc<media::Prompts>,
    /// Where media may go before the far side has sent any (`sb_media::reach`).
    pub media_reach: sb_media::reach::MediaReach,
    /// The operator's edge proxies: registrations through them keep their Path (RFC 3327),
    /// and the guard never limits or blocks them (they speak for many phones).
    pub edge_proxies: Vec<std::net::IpAddr>,
    /// Where a fax being received is written until it is whole (a directory of the data
    /// directory: pages are people's documents).
    pub fax_dir: std::path::PathBuf,
}

/// Bounds on what one tenant's calls may take (emergency calls are never refused by them).
#[derive(Debug, Clone)]
pub struct Caps {
    /// Calls at once in one company, either way (0: no limit).
    pub company: i64,
    /// Calls at once on one line, made and received (0: no limit); a full line is busy.
    pub line: i64,
    /// The longest a call rings before its next step runs (a plan's own ringing time counts
    /// only up to this).
    pub max_ringing: std::time::Duration,
}

/// The stream transports SIP is served on besides UDP.
pub struct Streams {
    pub tcp: Option<tokio::net::TcpListener>,
    /// SIP over TLS: the listener and the acceptor holding the certificate.
    pub tls: Option<(tokio::net::TcpListener, tokio_rustls::TlsAcceptor)>,
}
