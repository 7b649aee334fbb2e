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

/// The workspace dependencies a crate's Cargo.toml names (`sb-…`).
fn workspace_deps(krate: &str) -> Vec<String> {
    let toml = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(krate)
        .join("Cargo.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    let deps = text
        .split("[dependencies]")
        .nth(1)
        .expect("a [dependencies] table")
        .split("\n[")
        .next()
        .unwrap();
    deps.lines()
        .filter_map(|l| l.split(['=', '.']).next())
        .map(str::trim)
        .filter(|name| name.starts_with("sb-"))
        .map(str::to_owned)
        .collect()
}

/// The layers' arrows (ARCHITECTURE.md): the front doors (the SIP engine, the REST API, the
/// portals) and the outbox workers ask the business layer and never the store, so a second node
/// or another store changes nothing in them; only `app` (and the binary, which opens the store
/// and hands it to `app`) names it; the SIP protocol and the media know no other crate of the workspace; the
/// domain depends on nothing.
#[test]
fn each_layer_depends_only_on_the_layers_below_it() {
    for layer in ["engine", "api", "web", "notify"] {
        let deps = workspace_deps(layer);
        assert!(deps.contains(&"sb-app".to_owned()), "sb-{layer}: {deps:?}");
        for forbidden in ["sb-store", "sb-api", "sb-web", "sb-engine", "sb-notify"] {
            assert!(
                !deps.iter().any(|d| d == forbidden),
                "sb-{layer} names {forbidden}"
            );
        }
    }
    let mut naming_store: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|k| workspace_deps(k).contains(&"sb-store".to_owned()))
            .collect();
    naming_store.sort();
    assert_eq!(naming_store, ["app", "server"]);
    assert_eq!(workspace_deps("sip"), Vec::<String>::new(), "sb-sip");
    assert_eq!(workspace_deps("media"), Vec::<String>::new(), "sb-media");
    // What the two HTTP front doors share, beneath both.
    assert_eq!(workspace_deps("http"), ["sb-app"], "sb-http");
    assert_eq!(workspace_deps("domain"), Vec::<String>::new(), "sb-domain");
}

/// The lines of a source file before its unit tests (`#[cfg(test)]`).
fn production_part(text: &str) -> impl Iterator<Item = &str> {
    text.lines().take_while(|l| !l.starts_with("#[cfg(test)]"))
}

fn production_lines(text: &str) -> usize {
    production_part(text).count()
}

/// Every line of the production sources whose code (before any `//`) `offends`, as
/// `path:line: text`; with `unit_tests`, the unit tests below `#[cfg(test)]` are read too.
fn lines_where(unit_tests: bool, offends: impl Fn(&str) -> bool) -> Vec<String> {
    let mut found = Vec::new();
    for path in production_sources() {
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = if unit_tests {
            text.lines().collect()
        } else {
            production_part(&text).collect()
        };
        for (n, line) in lines.iter().enumerate() {
            if offends(line.split("//").next().unwrap_or("")) {
                found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
            }
        }
    }
    found
}

/// Files a newcomer can read: no production file over 800 lines. The one still just over it may
/// not grow past where it stands while it waits to be split.
#[test]
fn no_production_file_is_longer_than_800_lines() {
    const LIMIT: usize = 800;
    let waiting: &[(&str, usize)] = &[];
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut found = Vec::new();
    for path in production_sources() {
        let rel = path
            .strip_prefix(&crates)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        // Unit tests kept in files of their own are not production code.
        if rel.ends_with("/tests.rs") || rel.contains("/tests/") || rel.ends_with("test_support.rs")
        {
            continue;
        }
        let n = production_lines(&std::fs::read_to_string(&path).unwrap());
        let limit = waiting
            .iter()
            .find(|(f, _)| *f == rel)
            .map_or(LIMIT, |(_, at)| *at);
        if n > limit {
            found.push(format!("{rel}: {n} lines (at most {limit})"));
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// Monotonic time is tokio's `Instant` in production code: a test can stop and move it
/// (`tokio::time::pause`, `advance`), so timers are tested without sleeping, the way the wall
/// clock is a `Clock` (clippy's disallowed methods keep `SystemTime::now` and `Timestamp::now`
/// out). `std::time::Instant` cannot be moved by a test.
#[test]
fn monotonic_time_is_tokios_instant_which_tests_can_move() {
    let found = lines_where(true, |code| {
        code.contains("std::time::Instant")
            || (code.contains("use std::time::{") && code.contains("Instant"))
    });
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// One locking policy (decision 17): shared tables use `parking_lot::Mutex`, which is never
/// poisoned, so no code path depends on whether an earlier task panicked while holding a lock.
#[test]
fn shared_tables_use_locks_that_are_never_poisoned() {
    // Unit tests below `#[cfg(test)]` may use whatever they like.
    let found = lines_where(false, |code| {
        code.contains("std::sync::Mutex")
            || code.contains("PoisonError")
            || (code.contains("use std::sync::{") && code.contains("Mutex"))
    });
    assert!(found.is_empty(), "{}", found.join("\n"));
}
