//! Switchboard's use cases.
//!
//! Every front door (REST API, web portals, SIP feature codes, command line) calls these
//! functions with an [`Actor`]: who is asking, from which tenant, with which role. Each use case
//! checks permission through [`authz`], does its work in one transaction and writes the audit
//! record of the change in that same transaction. No front door touches storage directly.

pub mod at_rest;
pub mod audio;
pub mod audio_files;
pub mod audit;
pub mod auth;
pub mod authz;
pub mod barring;
pub mod branding;
pub mod call_log;
pub mod calls;
pub mod click_to_call;
mod conference_invite;
pub mod conferences;
pub mod contacts;
pub mod contacts_files;
pub mod conversations;
pub mod departments;
pub mod devices;
pub mod directory;
pub mod emergency;
pub mod error;
pub mod extension;
mod facts;
pub mod faxes;
pub mod group_contacts;
pub mod inbox;
pub mod limiter;
pub mod lines;
pub mod location;
pub mod lockout;
pub mod logo;
pub mod mail_access;
mod mail_texts;
pub mod mailbox;
pub mod messages;
pub mod mms;
pub mod outbox;
pub mod outside;
pub mod outside_texts;
pub mod own_profile;
pub mod passwords;
pub mod person;
pub mod picture;
pub mod plans;
pub mod portal;
pub mod profile;
pub mod provider;
pub mod queue_board;
mod queue_calls;
mod queue_music;
pub mod queues;
mod recent;
pub mod recordings;
pub mod reports;
pub mod sealed;
pub mod secrets;
pub mod sip_line;
pub mod speed_dials;
pub mod switch;
pub mod tabs;
pub mod tenancy;
pub mod trunks;
pub mod twofactor;
pub mod user_list;
pub mod users;
pub mod views;
pub mod voicemail;

use sb_domain::clock::Clock;
use sb_store::Store;
use std::sync::Arc;

pub use authz::Actor;
pub use error::{AppError, AppResult};
pub use sb_store::Page;

/// Settings of the use-case layer (the server fills them from its configuration).
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Base URL people reach the portal at, for links in mails and API answers.
    pub public_url: String,
    /// Suffix of generated company SIP domains (`<slug>-<random>.<suffix>`).
    pub sip_domain_suffix: String,
    /// Whether outgoing mail is configured; without it, one-time links are handed to the admin.
    pub smtp_configured: bool,
    pub session_ttl_secs: i64,
    pub elevated_ttl_secs: i64,
    pub link_ttl_secs: i64,
    /// Wrong passwords in a row that lock an account (5, the product rule).
    pub lockout_after: i64,
    /// How long the first lock lasts, in seconds; each further lock in a row lasts twice as
    /// long, up to `lockout_max_secs`. 0: a lock lasts until an administrator unlocks.
    pub lockout_secs: i64,
    pub lockout_max_secs: i64,
    /// Failed sign-ins per source address: burst size and refill per minute.
    pub login_fail_burst: u32,
    pub login_fail_per_minute: u32,
    /// The shortest new password, in characters (the product rules' 6 is the floor).
    pub password_min_length: usize,
    /// Sign-in attempts per source address: burst size and refill per minute.
    pub login_ip_burst: u32,
    pub login_ip_per_minute: u32,
    /// Sign-in attempts per username: burst size and refill per minute.
    pub login_user_burst: u32,
    pub login_user_per_minute: u32,
    /// The operator's key for secrets kept at rest (SIP passwords, two-factor secrets).
    pub secret_key: sealed::SecretKey,
    /// Where the audio files of voicemails, greetings, recordings and queue music are
    /// (decision 16): the server gives `<data-dir>/audio`; the default keeps them in memory,
    /// for tests.
    pub audio: Arc<dyn audio_files::AudioStore>,
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:8080".into(),
            sip_domain_suffix: "sip.switchboard.test".into(),
            smtp_configured: false,
            session_ttl_secs: 12 * 3600,
            elevated_ttl_secs: 300,
            link_ttl_secs: 7 * 24 * 3600,
            lockout_after: 5,
            lockout_secs: 900,
            lockout_max_secs: 86_400,
            login_fail_burst: 20,
            login_fail_per_minute: 10,
            password_min_length: 10,
            login_ip_burst: 30,
            login_ip_per_minute: 30,
            login_user_burst: 10,
            login_user_per_minute: 6,
            secret_key: sealed::SecretKey::generate(),
            audio: Arc::new(audio_files::MemoryAudio::default()),
        }
    }
}

/// The use-case layer's shared state.
#[derive(Clone)]
pub struct App {
    pub(crate) store: Store,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) cfg: Arc<AppConfig>,
    pub(crate) ip_limiter: Arc<limiter::Limiter>,
    pub(crate) user_limiter: Arc<limiter::Limiter>,
    /// Failed sign-ins per source address (only failures take from it).
    pub(crate) fail_limiter: Arc<limiter::Limiter>,
    pub(crate) sessions: Arc<auth::SessionCache>,
    pub(crate) phantoms: Arc<lockout::Phantoms>,
    /// Lines whose mailbox changed (a message left, heard or deleted), for message-waiting lamps.
    pub(crate) mailboxes: tokio::sync::broadcast::Sender<sb_domain::ids::LineId>,
    /// Messages sent through the API or the portal, for the SIP engine to hand to the
    /// recipient's phones at once.
    pub(crate) posted: tokio::sync::broadcast::Sender<messages::Outgoing>,
    /// Texts to outside numbers sent through the API or a portal, for the engine to hand to
    /// the carrier.
    pub(crate) posted_outside: tokio::sync::broadcast::Sender<outside_texts::OutsideText>,
    /// SIP accounts (`username@domain`) whose password changed: their phones must register again.
    pub(crate) credentials: tokio::sync::broadcast::Sender<String>,
    /// Callers waiting in queues now.
    pub(crate) waiting: Arc<queue_board::WaitingBoard>,
    /// Settings the SIP engine reads on every call, kept between calls.
    pub(crate) facts: Arc<facts::Facts>,
    /// The portal's people and lists, kept for a moment (see [`recent`]).
    pub(crate) portal: Arc<person::PortalCache>,
    /// Users' Calls tabs read lately (see [`tabs`]).
    pub(crate) calls_tabs: Arc<tabs::TabCache>,
    /// What the SIP engine knows live (calls per department), once it runs.
    pub(crate) live: Arc<std::sync::OnceLock<std::sync::Weak<dyn switch::LiveState>>>,
    /// How a company's mail server is tried before it is saved (given by the server).
    pub(crate) mail_check: mail_access::MailCheckSlot,
    /// Click to call: its rate limit and the calls announced to the SIP engine.
    pub(crate) clicks: Arc<click_to_call::Clicks>,
}

impl App {
    pub fn new(store: Store, clock: Arc<dyn Clock>, cfg: AppConfig) -> Self {
        let ip_limiter = Arc::new(limiter::Limiter::new(
            cfg.login_ip_burst,
            cfg.login_ip_per_minute,
        ));
        let user_limiter = Arc::new(limiter::Limiter::new(
            cfg.login_user_burst,
            cfg.login_user_per_minute,
        ));
        let fail_limiter = Arc::new(limiter::Limiter::new(
            cfg.login_fail_burst,
            cfg.login_fail_per_minute,
        ));
        Self {
            store,
            clock,
            cfg: Arc::new(cfg),
            ip_limiter,
            user_limiter,
            fail_limiter,
            sessions: Arc::new(auth::SessionCache::default()),
            facts: Arc::default(),
            phantoms: Arc::default(),
            mailboxes: tokio::sync::broadcast::channel(1024).0,
            credentials: tokio::sync::broadcast::channel(1024).0,
            posted: tokio::sync::broadcast::channel(1024).0,
            posted_outside: tokio::sync::broadcast::channel(1024).0,
            waiting: Arc::default(),
            portal: Arc::default(),
            calls_tabs: Arc::default(),
            live: Arc::default(),
            mail_check: Arc::default(),
            clicks: Arc::default(),
        }
    }

    /// Tells the use cases what the SIP engine knows live (a page shows each department's calls
    /// in progress from it). Held weakly: the engine holds the `App`, not the other way round.
    pub fn attach_live(&self, live: std::sync::Weak<dyn switch::LiveState>) {
        let _ = self.live.set(live);
    }

    /// Lines whose mailbox changes from now on (the SIP engine updates their lamps).
    pub fn mailbox_changes(&self) -> tokio::sync::broadcast::Receiver<sb_domain::ids::LineId> {
        self.mailboxes.subscribe()
    }

    /// Messages sent through the API or the portal from now on: the SIP engine hands each to
    /// the recipient's registered phones (those offline get it when they register).
    pub fn posted_messages(&self) -> tokio::sync::broadcast::Receiver<messages::Outgoing> {
        self.posted.subscribe()
    }

    /// Texts to outside numbers as the API and the portals send them.
    pub fn posted_outside_texts(
        &self,
    ) -> tokio::sync::broadcast::Receiver<outside_texts::OutsideText> {
        self.posted_outside.subscribe()
    }

    /// SIP accounts (`username@domain`) whose password changed from now on: the SIP engine drops
    /// their registrations, so the phones that held the old password stop receiving calls at
    /// once rather than when their registration would have run out.
    pub fn credential_changes(&self) -> tokio::sync::broadcast::Receiver<String> {
        self.credentials.subscribe()
    }

    /// Announces, after its commit, that the SIP account `username` of `domain` has a new
    /// password.
    pub(crate) fn credentials_changed(&self, username: &str, domain: &str) {
        let _ = self.credentials.send(format!("{username}@{domain}"));
    }

    pub fn config(&self) -> &AppConfig {
        &self.cfg
    }

    /// The current time from the application's clock, in Unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        self.clock.now().as_millisecond()
    }

    /// The secret the SIP registrar signs its digest nonces with, derived from the operator's
    /// key: nodes sharing the key file accept each other's nonces, and so does a restarted one.
    #[must_use]
    pub fn sip_nonce_secret(&self) -> [u8; 32] {
        self.cfg.secret_key.derive("sip digest nonces")
    }

    /// See [`sb_store::Store::account_epoch`]: caches of users and sessions key on it.
    pub fn account_epoch(&self) -> u64 {
        self.store.account_epoch()
    }

    /// True when the database answers (for /healthz).
    pub async fn healthy(&self) -> bool {
        self.store.ping().await
    }

    /// Mail not yet sent.
    pub async fn outbox_depth(&self) -> AppResult<i64> {
        let mut c = self.store.conn().await?;
        Ok(sb_store::outbox::depth(&mut c).await?)
    }
}
