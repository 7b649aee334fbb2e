//! The command line as operators use it: version, migrate, serve, bad configuration, SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_switchboard");

fn temp_dir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("sbcli-{tag}-{}", sb_domain::ids::new_id_text(0)));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn version_prints_the_version() {
    let out = Command::new(BIN).arg("--version").output().unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("switchboard {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn bad_configuration_exits_2_with_one_line() {
    let out = Command::new(BIN)
        .args(["serve", "--http-listen", "nowhere"])
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("http-listen"));
    let out = Command::new(BIN)
        .args(["migrate", "--database-url", "mysql://x"])
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn migrate_creates_the_schema_and_exits() {
    let dir = temp_dir("migrate");
    let out = Command::new(BIN)
        .args(["migrate", "--data-dir"])
        .arg(&dir)
        .env_clear()
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join("switchboard.db").exists());
}

/// Starts `serve` on a data directory and port; returns the process and its first stdout line.
fn serve(dir: &std::path::Path, port: u16) -> (std::process::Child, String) {
    let mut child = Command::new(BIN)
        .args(["serve", "--data-dir"])
        .arg(dir)
        .args([
            "--http-listen",
            &format!("127.0.0.1:{port}"),
            "--sip-listen",
            "127.0.0.1:0",
        ])
        .env_clear()
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line)
}

fn terminate(child: &std::process::Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn serve_prints_the_generated_admin_password_once_and_stops_cleanly_on_sigterm() {
    let dir = temp_dir("serve");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (mut child, line) = serve(&dir, port);
    assert!(
        line.contains(&format!("http://127.0.0.1:{port}/"))
            && line.contains("as admin with password "),
        "{line}"
    );
    let password = line.split("with password ").nth(1).unwrap().trim();
    assert!(sb_domain::values::check_password("p", password).is_ok());
    terminate(&child);
    let start = Instant::now();
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            assert_eq!(s.code(), Some(0));
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(15), "did not stop");
        std::thread::sleep(Duration::from_millis(50));
    }
    // A second start keeps the administrator and prints no password.
    let (mut child, line) = serve(&dir, port);
    assert!(!line.contains("password"), "{line}");
    terminate(&child);
    let _ = child.wait();
}

#[test]
fn an_operators_first_admin_password_needs_the_products_rules_and_only_warns_when_weak() {
    let run = |password: &str| {
        let dir = temp_dir("adminpw");
        let mut child = Command::new(BIN)
            .args(["serve", "--data-dir"])
            .arg(&dir)
            .args([
                "--http-listen",
                "127.0.0.1:0",
                "--sip-listen",
                "127.0.0.1:0",
            ])
            .env_clear()
            .env("SWITCHBOARD_ADMIN_PASSWORD", password)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        if line.contains("ready") {
            terminate(&child);
        }
        let out = child.wait_with_output().unwrap();
        (
            line,
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // Nine characters meeting the product's rules: the server starts, and says it is weak.
    let (line, code, err) = run("Sesame-4!");
    assert!(line.contains("ready"), "{line} {err}");
    assert_eq!(code, Some(0));
    assert!(err.contains("weak"), "{err}");
    // Below the product's rules: it does not start.
    let (line, code, err) = run("short");
    assert!(!line.contains("ready"), "{line}");
    assert_eq!(code, Some(2), "{err}");
}
