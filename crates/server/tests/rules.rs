//! Rules of the codebase checked over its source, the way the OpenAPI drift test checks the
//! API document.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly by design

use std::collections::{BTreeMap, BTreeSet};
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
/// and hands it to `app`) names it; the SIP protocol, the media and the fax engine know no other crate of the workspace; the
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
    // The fax engine is one more piece of media: no tenant, no SIP.
    assert_eq!(workspace_deps("fax"), Vec::<String>::new(), "sb-fax");
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

/// A token of Rust source, as far as paths go: comments, strings and characters are skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Ident(String),
    /// `::`
    Sep,
    Open,
    Close,
    Comma,
    Star,
    Other,
}

/// The index just past a string literal's closing quote, from just past its opening one;
/// `hashes` closes a raw string (`"#`).
fn past_string(c: &[char], mut i: usize, raw: Option<usize>) -> usize {
    while i < c.len() {
        match (c[i], raw) {
            ('\\', None) => i += 2,
            ('"', None) => return i + 1,
            ('"', Some(n)) if c[i + 1..].iter().take(n).filter(|h| **h == '#').count() == n => {
                return i + 1 + n;
            }
            _ => i += 1,
        }
    }
    i
}

/// The index just past what starts at `i` when it is a comment, a literal or a lifetime.
fn past_literal(c: &[char], i: usize) -> Option<usize> {
    match (c[i], c.get(i + 1), c.get(i + 2)) {
        ('/', Some('/'), _) => Some(i + c[i..].iter().take_while(|x| **x != '\n').count()),
        ('/', Some('*'), _) => {
            let end = (i + 2..c.len().saturating_sub(1)).find(|&j| c[j] == '*' && c[j + 1] == '/');
            Some(end.map_or(c.len(), |j| j + 2))
        }
        ('"', _, _) => Some(past_string(c, i + 1, None)),
        ('\'', Some('\\'), _) => {
            Some(i + 2 + c[i + 2..].iter().take_while(|x| **x != '\'').count() + 1)
        }
        ('\'', Some(_), Some('\'')) => Some(i + 3),
        // A lifetime.
        ('\'', _, _) => Some(i + 1),
        _ => None,
    }
}

fn tokens(code: &str) -> Vec<Tok> {
    let c: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        if let Some(next) = past_literal(&c, i) {
            i = next;
            continue;
        }
        let ch = c[i];
        if ch.is_alphabetic() || ch == '_' {
            let word: String = c[i..]
                .iter()
                .take_while(|x| x.is_alphanumeric() || **x == '_')
                .collect();
            i += word.chars().count();
            let hashes = c[i..].iter().take_while(|x| **x == '#').count();
            if matches!(word.as_str(), "r" | "br") && c.get(i + hashes) == Some(&'"') {
                i = past_string(&c, i + hashes + 1, Some(hashes));
                continue;
            }
            out.push(Tok::Ident(word));
            continue;
        }
        let (tok, width) = match (ch, c.get(i + 1)) {
            (':', Some(':')) => (Tok::Sep, 2),
            ('{', _) => (Tok::Open, 1),
            ('}', _) => (Tok::Close, 1),
            (',', _) => (Tok::Comma, 1),
            ('*', _) => (Tok::Star, 1),
            _ => (Tok::Other, 1),
        };
        if !ch.is_whitespace() {
            out.push(tok);
        }
        i += width;
    }
    out
}

/// Expands the `use` tree starting at `i` under `prefix` into `out`; the index just past it.
fn use_tree(t: &[Tok], mut i: usize, prefix: &[String], out: &mut Vec<Vec<String>>) -> usize {
    let mut path = prefix.to_vec();
    loop {
        match t.get(i) {
            Some(Tok::Ident(w)) => {
                path.push(w.clone());
                i += 1;
                if t.get(i) == Some(&Tok::Sep) {
                    i += 1;
                    continue;
                }
                if matches!(t.get(i), Some(Tok::Ident(a)) if a == "as") {
                    i += 2;
                }
                out.push(path);
                return i;
            }
            Some(Tok::Star) => {
                path.push("*".to_owned());
                out.push(path);
                return i + 1;
            }
            Some(Tok::Open) => {
                i += 1;
                loop {
                    i = use_tree(t, i, &path, out);
                    match t.get(i) {
                        Some(Tok::Comma) => i += 1,
                        Some(Tok::Close) => return i + 1,
                        _ => return i,
                    }
                }
            }
            _ => return i,
        }
    }
}

/// The paths a module's code writes: its `use` trees expanded (`use a::{b, c::d}` gives `a::b`
/// and `a::c::d`), and every other `a::b…` of two or more names.
fn paths_written(code: &str) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    let t = tokens(code);
    let (mut uses, mut others) = (Vec::new(), Vec::new());
    let mut i = 0;
    while i < t.len() {
        match &t[i] {
            Tok::Ident(w) if w == "use" => i = use_tree(&t, i + 1, &[], &mut uses).max(i + 1),
            Tok::Ident(_) if i == 0 || t[i - 1] != Tok::Sep => {
                let mut path = Vec::new();
                while let Some(Tok::Ident(w)) = t.get(i) {
                    path.push(w.clone());
                    i += 1;
                    if t.get(i) != Some(&Tok::Sep) {
                        break;
                    }
                    i += 1;
                }
                if path.len() > 1 {
                    others.push(path);
                }
            }
            _ => i += 1,
        }
    }
    (uses, others)
}

/// One module of a crate: the file it is written in and what that file's production part says.
struct Module {
    /// Its own modules (`mod x;`).
    children: Vec<String>,
    uses: Vec<Vec<String>>,
    others: Vec<Vec<String>>,
}

/// Reads the module in `file` named `name`, and the modules it declares, into `out`.
fn read_module(file: &Path, name: Vec<String>, out: &mut BTreeMap<Vec<String>, Module>) {
    let text = std::fs::read_to_string(file).unwrap();
    let code: String = production_part(&text).collect::<Vec<_>>().join("\n");
    let t = tokens(&code);
    let children: Vec<String> = t
        .windows(3)
        .filter_map(|w| match w {
            [Tok::Ident(m), Tok::Ident(child), Tok::Other] if m == "mod" => Some(child.clone()),
            _ => None,
        })
        .collect();
    let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
    let dir = file.parent().unwrap();
    let dir = if matches!(stem.as_str(), "lib" | "main" | "mod") {
        dir.to_path_buf()
    } else {
        dir.join(&stem)
    };
    for child in &children {
        let flat = dir.join(format!("{child}.rs"));
        let path = if flat.exists() {
            flat
        } else {
            dir.join(child).join("mod.rs")
        };
        assert!(path.exists(), "{}: mod {child}; not found", file.display());
        let mut child_name = name.clone();
        child_name.push(child.clone());
        read_module(&path, child_name, out);
    }
    let (uses, others) = paths_written(&code);
    let module = Module {
        children,
        uses,
        others,
    };
    out.insert(name, module);
}

/// Every module reachable from a crate root (`src/lib.rs`, `src/main.rs`), by its path.
fn crate_roots() -> Vec<(String, BTreeMap<Vec<String>, Module>)> {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&crates).unwrap() {
        let dir = entry.unwrap().path();
        let krate = dir.file_name().unwrap().to_string_lossy().into_owned();
        for root in ["lib.rs", "main.rs"] {
            let file = dir.join("src").join(root);
            if file.exists() {
                let mut modules = BTreeMap::new();
                read_module(&file, Vec::new(), &mut modules);
                out.push((format!("{krate}/src/{root}"), modules));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// The module a path written in module `at` names: the module itself, or the one holding the
/// item it names. `globbed` are the modules `at` imports everything from (`use super::*`),
/// through which a bare name may reach a module.
fn resolve(
    modules: &BTreeMap<Vec<String>, Module>,
    at: &[String],
    globbed: &[Vec<String>],
    path: &[String],
) -> Option<Vec<String>> {
    let child_of = |m: &[String], name: &str| {
        modules
            .get(m)
            .is_some_and(|m| m.children.iter().any(|c| c == name))
    };
    let (mut base, mut rest): (Vec<String>, &[String]) = match path.first()?.as_str() {
        "crate" => (Vec::new(), &path[1..]),
        "self" => (at.to_vec(), &path[1..]),
        "super" => (at.to_vec(), path),
        first if child_of(at, first) => (at.to_vec(), path),
        first => (globbed.iter().find(|g| child_of(g, first))?.clone(), path),
    };
    while rest.first().is_some_and(|s| s == "super") {
        base.pop();
        rest = &rest[1..];
    }
    let rest: Vec<&String> = rest.iter().filter(|s| *s != "self" && *s != "*").collect();
    (0..=rest.len()).rev().find_map(|k| {
        let mut m = base.clone();
        m.extend(rest[..k].iter().map(|s| (*s).clone()));
        modules.contains_key(&m).then_some(m)
    })
}

/// Which module names which, in one crate: `a → b` when `b` is `a`'s own module, or when `a`'s
/// production code writes a path to `b` or to an item of `b` and `b` is not `a` or one of its
/// ancestors.
fn module_graph(
    modules: &BTreeMap<Vec<String>, Module>,
) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let mut graph = BTreeMap::new();
    for (at, m) in modules {
        let globs = m.uses.iter().filter(|p| p.last().is_some_and(|s| s == "*"));
        let globbed: Vec<Vec<String>> =
            globs.filter_map(|p| resolve(modules, at, &[], p)).collect();
        // A bare name a `use` of its own brings in (`use a::b;`, `use a::b::{self};`) means what
        // that `use` says.
        let imported: BTreeSet<&String> = m
            .uses
            .iter()
            .filter_map(|p| p.iter().rev().find(|s| *s != "self"))
            .collect();
        let bare = |p: &&Vec<String>| {
            matches!(p[0].as_str(), "crate" | "self" | "super") || !imported.contains(&p[0])
        };
        let mut out: BTreeSet<Vec<String>> = m
            .children
            .iter()
            .map(|c| [at.clone(), vec![c.clone()]].concat())
            .collect();
        for p in m.uses.iter().chain(m.others.iter().filter(bare)) {
            out.extend(resolve(modules, at, &globbed, p).filter(|to| !at.starts_with(to)));
        }
        graph.insert(at.clone(), out);
    }
    graph
}

/// A module's name as a reader writes it.
fn module_name(m: &[String]) -> String {
    if m.is_empty() {
        "crate".to_owned()
    } else {
        m.join("::")
    }
}

/// The circles of a module graph, each as `a → b → … → a`, found from each module in order,
/// one per group of modules that reach each other.
fn circles(graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut seen: BTreeSet<Vec<String>> = BTreeSet::new();
    for start in graph.keys() {
        if seen.contains(start) {
            continue;
        }
        // The shortest way back to `start`, breadth first.
        let mut came_from: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start.clone()]);
        let mut back = None;
        while let Some(m) = queue.pop_front() {
            for next in &graph[&m] {
                if next == start {
                    back = Some(m.clone());
                    break;
                }
                if !came_from.contains_key(next) {
                    came_from.insert(next.clone(), m.clone());
                    queue.push_back(next.clone());
                }
            }
            if back.is_some() {
                break;
            }
        }
        let Some(mut m) = back else { continue };
        let mut circle = vec![start.clone()];
        while &m != start {
            circle.push(m.clone());
            m = came_from[&m].clone();
        }
        circle.push(start.clone());
        circle.reverse();
        seen.extend(circle.iter().cloned());
        found.push(
            circle
                .iter()
                .map(|m| module_name(m))
                .collect::<Vec<_>>()
                .join(" → "),
        );
    }
    found
}

/// No import circles between modules: in every crate of the workspace, no module names another
/// that names it back, directly or through others. "Names" is `module_graph`'s arrow, read from
/// the production code (before `#[cfg(test)]`) of every module reachable by `mod x;` from
/// `src/lib.rs` or `src/main.rs`: a path written in a `use` or in code, starting with `crate::`,
/// `self::`, `super::` or the bare name of a module in scope (one's own, or one of a module
/// imported whole with `use …::*`), points at the module it reaches or the module holding the
/// item it reaches (a re-export too: `pub use crate::x::*` names `x`); and a module names its own
/// modules (it declares them). The one allowed exception: a module naming itself or one of its
/// ancestors (`use super::*`, `crate::Engine`), since children sit under their ancestors' shared
/// types by construction; naming a sibling, or an ancestor's other children, is a name like any
/// other. Names that arrive by a glob import and are then written bare (`Engine` after
/// `use super::*`) count as naming the module globbed, which is an ancestor there.
///
/// The arrows below close circles that were there when the rule came; each waits to be taken
/// out (moving what both sides share beneath them), and must leave the list once it is gone.
#[test]
fn no_module_names_another_that_names_it_back() {
    let waiting: &[(&str, &str, &str)] = &[];
    let roots = crate_roots();
    assert!(roots.len() >= 10, "the crates were found");
    let mut found = Vec::new();
    for (root, modules) in &roots {
        let mut graph = module_graph(modules);
        for (_, from, to) in waiting.iter().filter(|(r, _, _)| r == root) {
            let (from, to) = (module_path(from), module_path(to));
            let gone = !graph.get_mut(&from).is_some_and(|out| out.remove(&to));
            if gone {
                found.push(format!(
                    "{root}: {} → {} is gone: off the waiting list",
                    module_name(&from),
                    module_name(&to)
                ));
            }
        }
        for circle in circles(&graph) {
            found.push(format!("{root}: {circle}"));
        }
    }
    assert!(found.is_empty(), "import circles:\n{}", found.join("\n"));
}

fn module_path(name: &str) -> Vec<String> {
    name.split("::").map(str::to_owned).collect()
}

/// The rule's reading of a small crate written for it: what it must see, and what not.
#[test]
fn the_circle_rule_sees_uses_globbed_siblings_and_reexports_but_not_ancestors() {
    let dir = std::env::temp_dir().join(format!("sb-rules-circles-{}", std::process::id()));
    let src = dir.join("src");
    std::fs::create_dir_all(src.join("a")).unwrap();
    let files = [
        (
            "lib.rs",
            "pub struct Shared;\nmod a;\nmod b;\nmod c;\nmod d;\n",
        ),
        // A child naming the root's items and its own child: allowed.
        (
            "a.rs",
            "use crate::Shared;\nmod inner;\nfn f() { inner::g(); }\n",
        ),
        (
            "a/inner.rs",
            "use super::super::*;\npub fn g() { let _ = b::H; }\n",
        ),
        (
            "b.rs",
            "pub const H: u8 = 1;\n/* crate::c::X */ const S: &str = \"crate::c\";\n",
        ),
        ("c.rs", "pub use crate::d::*;\n"),
        (
            "d.rs",
            "use super::{c as other};\n#[cfg(test)]\nmod tests { use crate::a::inner; }\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(src.join(name), text).unwrap();
    }
    let mut modules = BTreeMap::new();
    read_module(&src.join("lib.rs"), Vec::new(), &mut modules);
    let graph = module_graph(&modules);
    std::fs::remove_dir_all(&dir).unwrap();
    let names = |m: &str| -> Vec<String> {
        graph[&module_path(m)]
            .iter()
            .map(|t| module_name(t))
            .collect()
    };
    assert_eq!(names("a"), ["a::inner"]);
    // Through `use super::super::*`, the bare `b` is the root's module.
    assert_eq!(names("a::inner"), ["b"]);
    // Comments and strings name nothing.
    assert!(names("b").is_empty());
    assert_eq!(names("c"), ["d"]);
    // Unit tests are not read.
    assert_eq!(names("d"), ["c"]);
    assert_eq!(circles(&graph), ["c → d → c"]);
}
