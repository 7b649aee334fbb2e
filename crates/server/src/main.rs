//! `switchboard serve | migrate | unlock USER | --version`.

use clap::{Parser, Subcommand};

/// mimalloc rather than the system allocator: request handling allocates many small strings
/// across threads, where glibc's malloc showed up as a fifth of the CPU time in bench/api.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;
use switchboard::config::{Config, Flags};

#[derive(Parser)]
#[command(
    name = "switchboard",
    version,
    about = "Switchboard: a hosted business phone system"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run everything: HTTP (API, portals), SIP, RTP and background jobs.
    Serve(Flags),
    /// Bring the database schema up to date and exit.
    Migrate(Flags),
    /// End the sign-in lock of an account (wrong passwords), audited as the operator's doing.
    Unlock {
        /// The username of the account.
        username: String,
        #[command(flatten)]
        flags: Flags,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SWITCHBOARD_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let flags = match &cli.command {
        Command::Serve(f) | Command::Migrate(f) | Command::Unlock { flags: f, .. } => f.clone(),
    };
    let cfg = match Config::load(&flags) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("switchboard: {e}");
            return ExitCode::from(2);
        }
    };
    // Tokens, SIP passwords, keys and nonces all come from it: no start without it.
    if let Err(e) = sb_app::secrets::check_entropy() {
        eprintln!("switchboard: {e}");
        return ExitCode::from(1);
    }
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("switchboard: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    rt.block_on(async move {
        match cli.command {
            Command::Migrate(_) => match switchboard::open_store(&cfg).await {
                Ok(_) => {
                    println!("switchboard: database schema is up to date");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("switchboard: {e}");
                    ExitCode::from(2)
                }
            },
            Command::Serve(_) => serve(cfg).await,
            Command::Unlock { username, .. } => unlock(cfg, &username).await,
        }
    })
}

/// `switchboard unlock USER`: 0 when unlocked, 1 when there is no such username, 2 when the
/// configuration or the database is in the way.
async fn unlock(cfg: Config, username: &str) -> ExitCode {
    let store = match switchboard::open_store(&cfg).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("switchboard: {e}");
            return ExitCode::from(2);
        }
    };
    let clock = std::sync::Arc::new(sb_domain::clock::SystemClock);
    let app_cfg = match switchboard::app_config(&cfg, None) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("switchboard: {e}");
            return ExitCode::from(2);
        }
    };
    let app = sb_app::App::new(store.clone(), clock, app_cfg);
    let outcome = app.operator_unlock(username).await;
    store.close().await;
    match outcome {
        Ok(true) => {
            println!("switchboard: {username} is unlocked");
            ExitCode::SUCCESS
        }
        Ok(false) => {
            eprintln!("switchboard: there is no user named {username:?}");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("switchboard: {}", e.message());
            ExitCode::from(2)
        }
    }
}

async fn serve(cfg: Config) -> ExitCode {
    tracing::info!(config = ?cfg, "starting");
    let stop = shutdown_signal();
    let username = std::env::var("SWITCHBOARD_ADMIN_USERNAME").unwrap_or_else(|_| "admin".into());
    let password = std::env::var("SWITCHBOARD_ADMIN_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty());
    let app_cfg = match switchboard::app_config(&cfg, None) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("switchboard: {e}");
            return ExitCode::from(2);
        }
    };
    let started =
        match switchboard::start(cfg, app_cfg.clone(), &username, password.as_deref()).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("switchboard: {e}");
                return ExitCode::from(2);
            }
        };
    let url = app_cfg.public_url.clone();
    match &started.admin {
        Some(b) => match &b.generated_password {
            Some(p) => println!(
                "Switchboard is ready. Sign in at {url}/ as {} with password {p}\n(printed once: change it after signing in)",
                b.username
            ),
            None => println!(
                "Switchboard is ready. Sign in at {url}/ as {} with the password from SWITCHBOARD_ADMIN_PASSWORD",
                b.username
            ),
        },
        None => println!("Switchboard is ready at {url}/"),
    }
    stop.await;
    tracing::info!("stopping");
    started.running.stop().await;
    ExitCode::SUCCESS
}

/// Installs the SIGTERM and Ctrl-C handlers now and returns the future that waits for either.
/// Installing happens before the server says it is ready: a SIGTERM that arrives right after the
/// announcement must stop it cleanly, not kill it with the default action.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = signal(SignalKind::terminate());
        let int = signal(SignalKind::interrupt());
        async move {
            match (term, int) {
                (Ok(mut term), Ok(mut int)) => {
                    tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}
