//! Rules of the codebase checked over its source, the way the OpenAPI drift test checks the
//! API document.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly by design

use std::path::{Path, PathBuf};

/// Every `.rs` file under the workspace's `crates/*/src`.
fn production_sources() -> Vec<PathBuf> {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut out = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&crates)
        .unwrap()
        .map(|e| e.unwrap().path().join("src"))
        .filter(|p| p.is_dir())
        .collect();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                out.push(path);
            }
        }
    }
    out
}

/// A log line keeps an error's detail: `AppError::message()` is what a person is told ("Something
/// went wrong" for an internal failure), so logging it loses the cause; `%e` logs the detail.
#[test]
fn log_lines_carry_an_errors_detail_not_the_message_people_see() {
    let mut found = Vec::new();
    let files = production_sources();
    assert!(files.len() > 50, "the sources were found");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            let logs = ["tracing::", "warn!(", "error!(", "info!(", "debug!("]
                .iter()
                .any(|m| line.contains(m));
            if logs && line.contains(".message()") {
                found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The SIP engine is a front door like the REST API and the portals: it asks the business layer
/// (`sb_app`) and never reads or writes the store itself, so a second node or another store
/// changes nothing in it (ARCHITECTURE.md, rule 1).
#[test]
fn the_sip_engine_never_names_the_store() {
    let mut found = Vec::new();
    let mut read = 0;
    for path in production_sources() {
        let text_path = path.to_string_lossy().replace('\\', "/");
        if !text_path.contains("/server/src/sip/") {
            continue;
        }
        read += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.contains("sb_store") {
                found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(read > 10, "the engine's sources were found ({read})");
    assert!(found.is_empty(), "{}", found.join("\n"));
}
