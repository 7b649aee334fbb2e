//! The switchboard server: wires configuration, storage, use cases and front doors together.
//! This is the only crate that knows every other one.

pub mod config;
mod jobs;
pub mod keyfile;

use config::Config;
use sb_app::{App, AppConfig};
use sb_domain::clock::{Clock, SystemClock};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::oneshot;

/// A running server.
pub struct Running {
    pub http_addr: SocketAddr,
    /// Where SIP (UDP) listens.
    pub sip_addr: SocketAddr,
    /// Where SIP over TLS listens, when configured.
    pub sip_tls_addr: Option<SocketAddr>,
    pub app: App,
    stop: oneshot::Sender<()>,
    done: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Stops accepting, lets requests in flight finish, and closes the database.
    pub async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.done.await;
    }
}

/// What start-up found out, for the operator.
pub struct Started {
    pub running: Running,
    /// Set on the first start of an empty installation.
    pub admin: Option<sb_app::auth::Bootstrap>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{0}")]
    Config(String),
    #[error("database: {0}")]
    Database(String),
}

/// Opens the database and brings the schema up to date.
pub async fn open_store(cfg: &Config) -> Result<sb_store::Store, StartError> {
    if cfg.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&cfg.data_dir).map_err(|e| {
            StartError::Config(format!(
                "cannot create data directory {}: {e}",
                cfg.data_dir.display()
            ))
        })?;
    }
    let store = sb_store::Store::connect(&cfg.database_url)
        .await
        .map_err(|e| StartError::Database(e.to_string()))?;
    store
        .migrate()
        .await
        .map_err(|e| StartError::Database(e.to_string()))?;
    Ok(store)
}

/// Starts everything `serve` runs, with the given application settings.
#[expect(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "start-up: every part of the server made and wired in order"
)]
pub async fn start(
    cfg: Config,
    app_cfg: AppConfig,
    admin_username: &str,
    admin_password: Option<&str>,
) -> Result<Started, StartError> {
    sb_app::secrets::check_entropy().map_err(StartError::Config)?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let store = open_store(&cfg).await?;
    let app = App::new(store.clone(), clock.clone(), app_cfg);
    // Before anything is served: secrets stored in clear by an earlier version are sealed now,
    // and a key that did not seal the stored ones stops the start.
    let sealed = app
        .seal_stored_secrets()
        .await
        .map_err(|e| StartError::Config(format!("secret key: {}", e.message())))?;
    if sealed != sb_app::at_rest::Sealed::default() {
        tracing::info!(
            sip_passwords = sealed.sip_passwords,
            two_factor_secrets = sealed.two_factor_secrets,
            trunks = sealed.trunks,
            "sealed secrets stored in clear with the secret key"
        );
    }
    // Audio an earlier version kept in rows becomes files, and files no row names (left by a
    // crash between a file and its row) go, before a call can deposit a new one.
    let moved = app
        .move_audio_to_files()
        .await
        .map_err(|e| StartError::Config(format!("audio files: {e}")))?;
    if moved != sb_app::audio_files::Moved::default() {
        tracing::info!(
            moved = moved.moved,
            damaged = moved.damaged,
            swept = moved.swept,
            "audio kept in the database moved to files; files no row names removed"
        );
    }
    let admin = app
        .bootstrap_admin(admin_username, admin_password)
        .await
        .map_err(|e| StartError::Config(format!("admin account: {}", e.message())))?;
    let (sip_socket, sip_tcp, sip_addr) = bind_sip(cfg.sip_listen).await?;
    let sip_tls = match &cfg.sip_tls {
        Some(t) => Some(bind_sip_tls(t).await?),
        None => None,
    };
    let sip_tls_addr = sip_tls.as_ref().map(|(_, _, a)| *a);
    let listener = tokio::net::TcpListener::bind(cfg.http_listen)
        .await
        .map_err(|e| StartError::Config(format!("cannot listen on {}: {e}", cfg.http_listen)))?;
    let http_addr = listener
        .local_addr()
        .map_err(|e| StartError::Config(e.to_string()))?;
    let state = sb_api::AppState::new(
        app.clone(),
        clock.now().as_millisecond(),
        cfg.http.trusted_proxies.clone(),
    );
    let gauges = sb_engine::Gauges {
        registrations: state.registrations.clone(),
        active_calls: state.calls.clone(),
    };
    let router = http_router(&cfg, state);
    let mut workers = Vec::new();
    app.set_mail_check(Arc::new(sb_notify::mail::SmtpCheck {
        opts: cfg.smtp_options.clone(),
    }));
    if let Some(url) = &cfg.smtp_url {
        let target = sb_notify::mail::SmtpTarget::parse(url, &cfg.smtp_options)
            .map_err(StartError::Config)?;
        if target.is_plain() {
            tracing::warn!(
                server = %target.server(),
                "mail goes to the SMTP server in clear text (links in it too); use smtps:// or ?tls=required"
            );
        }
        workers.push(tokio::spawn(sb_notify::mail::run_outbox(
            app.clone(),
            clock.clone(),
            target,
            cfg.mail_from.clone(),
            cfg.smtp_options.clone(),
        )));
    }
    workers.extend(jobs::start(&app, jobs::standard()));
    workers.push(tokio::spawn(sb_engine::run(
        sip_socket,
        app.clone(),
        clock.clone(),
        gauges,
        sb_engine::Settings {
            rtp_ports: cfg.rtp_ports,
            guard: sb_sip::guard::Config {
                per_source_rate: cfg.sip_per_source,
                per_source_burst: cfg.sip_per_source.saturating_mul(2),
                ..sb_sip::guard::Config::default()
            },
            answer_scanners: cfg.sip_answer_scanners,
            max_calls: cfg.sip_max_calls,
            streams: sb_engine::stream::Limits::default(),
            caps: sb_engine::Caps {
                company: i64::from(cfg.sip_company_max_calls),
                line: i64::from(cfg.sip_line_max_calls),
                max_ringing: std::time::Duration::from_secs(u64::from(cfg.sip_max_ringing)),
            },
            prompts: std::sync::Arc::new(
                sb_engine::media::Prompts::load(cfg.prompts_dir.as_deref())
                    .map_err(StartError::Config)?,
            ),
            media_reach: media_reach(&cfg),
            edge_proxies: cfg.sip_edge_proxies.clone(),
            fax_dir: cfg.data_dir.join("fax-incoming"),
        },
        sb_engine::Streams {
            tcp: Some(sip_tcp),
            tls: sip_tls.map(|(listener, acceptor, _)| (listener, acceptor)),
        },
    )));
    let (stop, stopped) = oneshot::channel::<()>();
    let header_timeout = std::time::Duration::from_secs(cfg.http.header_timeout_secs.into());
    let done = tokio::spawn(async move {
        serve_http(listener, router, header_timeout, stopped).await;
        for w in workers {
            w.abort();
        }
        store.close().await;
    });
    tracing::info!(%http_addr, %sip_addr, "Switchboard is listening");
    Ok(Started {
        running: Running {
            http_addr,
            sip_addr,
            sip_tls_addr,
            app,
            stop,
            done,
        },
        admin,
    })
}

/// Where media may go before the far side has sent any: public addresses other than the ones
/// Switchboard listens on, and the operator's trusted networks (`sb_media::reach`).
fn media_reach(cfg: &Config) -> sb_media::reach::MediaReach {
    let own = [cfg.http_listen, cfg.sip_listen]
        .into_iter()
        .chain(cfg.sip_tls.as_ref().map(|t| t.listen))
        .map(|a| a.ip());
    sb_media::reach::MediaReach::new(cfg.media_trusted_networks.clone(), own)
}

/// The portals and the API behind one router, with the security headers on every answer and a
/// deadline for every request (ten header timeouts: a client that trickles its body is cut off).
fn http_router(cfg: &Config, state: sb_api::AppState) -> axum::Router {
    let https = state.app.config().public_url.starts_with("https://");
    let total = std::time::Duration::from_secs(u64::from(cfg.http.header_timeout_secs) * 10);
    let web = sb_web::WebState::new(sb_web::Shared {
        app: state.app.clone(),
        trusted_proxies: state.trusted_proxies.clone(),
        requests: state.requests.clone(),
        registrations: state.registrations.clone(),
        calls: state.calls.clone(),
    });
    sb_web::router(web)
        .merge(sb_api::router(state))
        .layer(axum::middleware::from_fn(
            move |req: axum::extract::Request, next: axum::middleware::Next| async move {
                use axum::response::IntoResponse;
                match tokio::time::timeout(total, next.run(req)).await {
                    Ok(res) => res,
                    Err(_) => axum::http::StatusCode::REQUEST_TIMEOUT.into_response(),
                }
            },
        ))
        .layer(axum::middleware::from_fn_with_state(
            https,
            sb_api::security_headers,
        ))
}

/// Serves HTTP/1.1 connections until `stop`, then lets requests in flight finish. hyper is used
/// directly, not through `axum::serve`, for its header read timeout: without one a client that
/// sends a header line now and then holds a connection and its task for ever (slowloris).
async fn serve_http(
    listener: tokio::net::TcpListener,
    router: axum::Router,
    header_timeout: std::time::Duration,
    mut stop: oneshot::Receiver<()>,
) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    tracing::warn!(error = %e, "HTTP accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let router = router.clone();
        let service =
            hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                let mut router = router.clone();
                async move {
                    tower_service::Service::call(&mut router, req.map(axum::body::Body::new)).await
                }
            });
        let conn = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "HTTP connection ended");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// What the SIP UDP socket asks for as receive and send buffers.
const SIP_SOCKET_BUFFER: usize = 4 << 20;

/// UDP and TCP on the same SIP address. With port 0 the system picks the UDP port, which TCP
/// may already have taken for something else: then another port is tried.
async fn bind_sip(
    at: SocketAddr,
) -> Result<(tokio::net::UdpSocket, tokio::net::TcpListener, SocketAddr), StartError> {
    let mut attempts = 0;
    loop {
        attempts += 1;
        let udp = tokio::net::UdpSocket::bind(at)
            .await
            .map_err(|e| StartError::Config(format!("cannot listen for SIP on {at}: {e}")))?;
        let addr = udp
            .local_addr()
            .map_err(|e| StartError::Config(e.to_string()))?;
        // Every phone's traffic arrives on this one socket: the kernel's default buffer
        // (~200 KiB) holds a few milliseconds of a busy system, so a short stall of the process
        // (a scheduler or hypervisor pause) would drop requests and cost retransmissions. The
        // kernel caps what is asked at net.core.rmem_max / wmem_max.
        let sock = socket2::SockRef::from(&udp);
        let _ = sock.set_recv_buffer_size(SIP_SOCKET_BUFFER);
        let _ = sock.set_send_buffer_size(SIP_SOCKET_BUFFER);
        match tokio::net::TcpListener::bind(addr).await {
            Ok(tcp) => return Ok((udp, tcp, addr)),
            Err(_) if at.port() == 0 && attempts < 20 => continue,
            Err(e) => {
                return Err(StartError::Config(format!(
                    "cannot listen for SIP over TCP on {addr}: {e}"
                )));
            }
        }
    }
}

/// The TLS listener for SIP and its acceptor, from the operator's PEM files (a file that cannot
/// be read or holds no usable certificate or key stops the start, saying which).
async fn bind_sip_tls(
    t: &config::SipTls,
) -> Result<
    (
        tokio::net::TcpListener,
        tokio_rustls::TlsAcceptor,
        SocketAddr,
    ),
    StartError,
> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    use tokio_rustls::rustls;
    let bad = |what: &str, path: &std::path::Path, e: &dyn std::fmt::Display| {
        StartError::Config(format!("sip-tls-{what} {}: {e}", path.display()))
    };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&t.cert)
        .map_err(|e| bad("cert", &t.cert, &e))?
        .collect::<Result<_, _>>()
        .map_err(|e| bad("cert", &t.cert, &e))?;
    if certs.is_empty() {
        return Err(bad("cert", &t.cert, &"no certificate in the file"));
    }
    let key = PrivateKeyDer::from_pem_file(&t.key).map_err(|e| bad("key", &t.key, &e))?;
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let tls = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| StartError::Config(format!("sip tls: {e}")))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| bad("key", &t.key, &e))?;
    let listener = tokio::net::TcpListener::bind(t.listen).await.map_err(|e| {
        StartError::Config(format!(
            "cannot listen for SIP over TLS on {}: {e}",
            t.listen
        ))
    })?;
    let addr = listener
        .local_addr()
        .map_err(|e| StartError::Config(e.to_string()))?;
    Ok((
        listener,
        tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(tls)),
        addr,
    ))
}

/// The application settings that follow from the server configuration, with the secret key read
/// from its file (created on first start).
pub fn app_config(cfg: &Config, http_addr: Option<SocketAddr>) -> Result<AppConfig, StartError> {
    let shared_database = !cfg.database_url.starts_with("sqlite:");
    let secret_key = keyfile::load_or_create(&cfg.secret_key_file, shared_database)?;
    let public_url = match http_addr {
        Some(a) if cfg.public_url == format!("http://{}", cfg.http_listen) => format!("http://{a}"),
        _ => cfg.public_url.clone(),
    };
    Ok(AppConfig {
        public_url,
        secret_key,
        smtp_configured: cfg.smtp_url.is_some(),
        login_ip_burst: cfg.login_burst,
        login_ip_per_minute: cfg.login_per_minute,
        lockout_secs: cfg.http.lockout_secs.into(),
        lockout_max_secs: cfg.http.lockout_max_secs.into(),
        password_min_length: usize::try_from(cfg.http.password_min_length).unwrap_or(10),
        // Voicemails, greetings, recordings, queue music and faxes' PDFs (decision 16): back
        // this directory up with the database.
        audio: Arc::new(sb_app::audio_files::FsAudio::new(
            cfg.data_dir.join("audio"),
        )),
        ..AppConfig::default()
    })
}
