//! Browser tests: headless Chromium driven over WebDriver (chromedriver), every scenario in one
//! shared browser session to keep CI fast. axe-core 4.14.1 (from npm, `axe-4.14.1.min.js`, its
//! licence in `axe-LICENSE`) checks every page a scenario visits; any violation fails it. Each
//! page so checked is also saved as a PNG under `<target tmp>/browser-shots/` for review (issue
//! 15: "screenshots of each page saved under the test output"), named
//! `<counter>-<scenario>-<path>.png` so that no page overwrites another.
//!
//! Without Chromium the test fails when CI or `SWITCHBOARD_REQUIRE_BROWSER=1` is set (as
//! `scripts/test.sh` does); elsewhere it says loudly that it was skipped.

mod branding;
mod callcentre;
mod click_to_call;
mod company;
mod company_profile;
mod group_contacts;
mod lines;
mod mail_access;
mod my;
mod my_conferences;
mod my_contacts;
mod my_conversations;
mod my_extension;
mod my_fax;
mod my_profile;
mod my_services;
mod my_texts;
mod provider;
mod reports;
mod scenarios;

use crate::kit::*;
use fantoccini::{Client, ClientBuilder, Locator};
use sb_app::AppConfig;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const AXE: &str = include_str!("axe-4.14.1.min.js");

/// A scenario's outcome: `?` on WebDriver errors, [`ensure`] for the checks.
pub type R<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

pub fn ensure(cond: bool, what: impl Into<String>) -> R {
    if cond {
        Ok(())
    } else {
        Err(what.into().into())
    }
}

/// chromedriver, stopped when dropped.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn browser_required() -> bool {
    std::env::var_os("CI").is_some()
        || std::env::var("SWITCHBOARD_REQUIRE_BROWSER").as_deref() == Ok("1")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn start_driver() -> (Driver, String) {
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let driver = Driver(child);
    let started = Instant::now();
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "chromedriver did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    (driver, format!("http://127.0.0.1:{port}"))
}

/// One Chromium for every scenario, on a fresh profile.
async fn open_browser(webdriver: &str, profile: &std::path::Path) -> Client {
    let args = serde_json::json!([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",
        format!("--user-data-dir={}", profile.display()),
    ]);
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({ "binary": CHROMIUM, "args": args }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(webdriver)
        .await
        .unwrap()
}

/// What every scenario works with: the browser, the server and its seeded world.
/// A package `name` of `features`, offered to Ulf's company by the provider and given to him
/// by his company's administrator; its id.
pub async fn ulf_gets_package(ctx: &Ctx, name: &str, features: &[&str]) -> R<String> {
    use serde_json::json;
    let (srv, t) = (&ctx.w.srv, &ctx.w.t1);
    let p = srv
        .post(
            "/api/v1/packages",
            &ctx.w.sys,
            json!({"name": name, "features": features, "monthly_price_cents": 900,
                "reseller_id": t.reseller_id}),
        )
        .await;
    ensure(p.status == 201, format!("package: {} {}", p.status, p.text))?;
    let company = format!("/api/v1/companies/{}", t.company_id);
    let co = srv.get(&company, &t.admin_token).await;
    ensure(co.status == 200, format!("company: {}", co.text))?;
    let mut offered = co.body["offered_packages"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    offered.push(json!(p.id()));
    let r = srv
        .put(
            &format!("{company}/packages"),
            &ctx.w.sys,
            json!({"offered": offered, "default": co.body["default_package_id"]}),
        )
        .await;
    ensure(r.status == 200, format!("offered: {}", r.text))?;
    set_ulf_package(ctx, &json!(p.id())).await?;
    Ok(p.id())
}

/// Ulf's package, as his company's administrator sets it (`null`: none).
pub async fn set_ulf_package(ctx: &Ctx, id: &serde_json::Value) -> R {
    let t = &ctx.w.t1;
    let path = format!("/api/v1/users/{}", t.user_id);
    let body = serde_json::json!({"package_id": id});
    let r = ctx.w.srv.patch(&path, &t.admin_token, body).await;
    ensure(r.status == 200, format!("Ulf's package: {}", r.text))
}

pub struct Ctx {
    pub c: Client,
    pub w: World,
    /// Pages visited and checked by axe, for the report.
    pub pages: std::sync::atomic::AtomicUsize,
    /// The scenario running now, which names its screenshots.
    pub scenario: std::sync::Mutex<&'static str>,
    /// Time spent taking and saving screenshots, in milliseconds, for the report.
    pub shot_ms: std::sync::atomic::AtomicU64,
}

/// Where the screenshots of the pages go: `<target tmp>/browser-shots/`.
pub fn shots_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-shots")
}

/// The PNG files in the screenshot folder.
fn pngs_in(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "png"))
            .count()
    })
}

/// A file name for a screenshot: the page's number in the run (unique), the scenario, the path.
fn shot_name(n: usize, scenario: &str, url: &url::Url) -> String {
    let scenario = scenario.rsplit("::").next().unwrap_or(scenario).trim();
    let path: String = url
        .path()
        .trim_matches('/')
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .take(80)
        .collect();
    let path = if path.is_empty() { "root".into() } else { path };
    format!("{n:04}-{scenario}-{path}.png")
}

impl Ctx {
    /// Opens a page of the server and checks it with axe.
    pub async fn open(&self, path: &str) -> R {
        self.c.goto(&format!("{}{path}", self.w.srv.base)).await?;
        self.axe().await
    }

    /// axe-core on the page shown now: every violation, named.
    pub async fn axe(&self) -> R {
        let n = self
            .pages
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + 1;
        let script = format!(
            "{AXE}\n;const done = arguments[arguments.length - 1];\
             axe.run(document, {{resultTypes: ['violations']}})\
             .then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' ' + \
             v.nodes.map(n => n.target.join(' ')).join(', '))))\
             .catch(e => done(['axe failed: ' + e]));"
        );
        // A click that starts a navigation may return before the new page is there; a script
        // run on the page being left never answers. Wait for the new one and try again.
        let mut tries = 0;
        let found = loop {
            self.settle().await?;
            match self.c.execute_async(&script, vec![]).await {
                Ok(v) => break v,
                Err(e) if tries < 3 => {
                    tries += 1;
                    eprintln!("browser: axe again after: {e}");
                }
                Err(e) => return Err(e.into()),
            }
        };
        let list: Vec<String> = serde_json::from_value(found)?;
        let url = self.c.current_url().await?;
        self.shot(n, &url).await?;
        ensure(list.is_empty(), format!("axe on {url}: {list:?}"))
    }

    /// Saves the page shown as a PNG for review, the `n`th page checked in the run.
    async fn shot(&self, n: usize, url: &url::Url) -> R {
        let started = Instant::now();
        let scenario = *self.scenario.lock().unwrap();
        let dir = shots_dir();
        std::fs::create_dir_all(&dir)?;
        let png = self.c.screenshot().await?;
        std::fs::write(dir.join(shot_name(n, scenario, url)), png)?;
        let ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.shot_ms
            .fetch_add(ms, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    /// Waits until the page shown has loaded.
    async fn settle(&self) -> R {
        let started = Instant::now();
        loop {
            let state = self.c.execute("return document.readyState", vec![]).await;
            if matches!(state, Ok(ref v) if v == "complete") {
                return Ok(());
            }
            ensure(
                started.elapsed() < Duration::from_secs(10),
                "the page never loaded",
            )?;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn path(&self) -> R<String> {
        let url = self.c.current_url().await?;
        Ok(match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        })
    }

    pub async fn text(&self, css: &str) -> R<String> {
        Ok(self.c.find(Locator::Css(css)).await?.text().await?)
    }

    pub async fn fill(&self, css: &str, value: &str) -> R {
        let field = self.c.find(Locator::Css(css)).await?;
        field.clear().await?;
        field.send_keys(value).await?;
        Ok(())
    }

    /// Clicks and checks the page the click leads to.
    pub async fn click(&self, css: &str) -> R {
        self.c.find(Locator::Css(css)).await?.click().await?;
        self.axe().await
    }

    /// The sign-in form, filled and sent; checks the page it lands on.
    pub async fn sign_in(&self, user: &str, password: &str, code: Option<&str>) -> R {
        self.open("/").await?;
        self.fill("#username", user).await?;
        self.fill("#password", password).await?;
        if let Some(code) = code {
            self.fill("#code", code).await?;
        }
        self.click("form[action='/login'] button[type=submit]")
            .await
    }

    pub async fn sign_out(&self) -> R {
        self.click("form[action='/logout'] button").await
    }
}

#[tokio::test]
async fn browser_scenarios_pass_in_one_shared_chromium_session() {
    if !std::path::Path::new(CHROMIUM).exists() || !std::path::Path::new(CHROMEDRIVER).exists() {
        assert!(
            !browser_required(),
            "the browser tests need Chromium: apt-get install chromium chromium-driver"
        );
        eprintln!(
            "SKIPPED: browser tests, Chromium is not installed (apt-get install chromium chromium-driver)"
        );
        return;
    }
    let started = Instant::now();
    let (_driver, webdriver) = start_driver().await;
    let profile = std::env::temp_dir().join(format!("sb-chromium-{}", free_port()));
    let c = open_browser(&webdriver, &profile).await;
    // These scenarios sign in often: the per-user limit is not what they test.
    let cfg = AppConfig {
        login_user_burst: 100,
        ..AppConfig::default()
    };
    let url = sb_store::testdb::fresh_sqlite_url("e2e").unwrap();
    let w = world_on(start_configured(url, Some(cfg), &|_| {}).await).await;
    // Scenarios give Ulf more lines; his first stays his default, so that his sign-ins land on
    // his home page (the choice of extension has a scenario of its own).
    let r = w
        .srv
        .patch(
            &format!("/api/v1/users/{}", w.t1.user_id),
            &w.t1.admin_token,
            serde_json::json!({"default_line_id": w.t1.line_id}),
        )
        .await;
    assert_eq!(r.status, 200, "Ulf's default line: {}", r.text);
    // A fresh folder, so that the screenshots counted below are this run's.
    let _ = std::fs::remove_dir_all(shots_dir());
    let ctx = Ctx {
        c,
        w,
        pages: 0.into(),
        scenario: std::sync::Mutex::new("start"),
        shot_ms: 0.into(),
    };
    let failed = scenarios::run_all(&ctx).await;
    let Ctx {
        c,
        w,
        pages,
        shot_ms,
        ..
    } = ctx;
    let _ = c.close().await;
    w.srv.stop().await;
    let _ = std::fs::remove_dir_all(&profile);
    let pages = pages.into_inner();
    let shots = pngs_in(&shots_dir());
    eprintln!(
        "browser: {pages} pages checked by axe and {shots} screenshots ({:.1} s of it) in {} in {:.1} s",
        shot_ms.into_inner() as f64 / 1000.0,
        shots_dir().display(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        failed.is_empty(),
        "failing browser scenarios:\n{}",
        failed.join("\n")
    );
    assert!(
        pages > 0 && shots >= pages,
        "every page checked by axe has its screenshot: {shots} PNGs for {pages} pages"
    );
}

#[test]
fn screenshot_names_are_unique_per_page_and_name_the_scenario_and_path() {
    let url = url::Url::parse("http://127.0.0.1:8080/admin/users/42?tab=calls").unwrap();
    let a = shot_name(7, "super :: company :: edits_the_profile", &url);
    assert_eq!(a, "0007-edits_the_profile-admin_users_42.png");
    assert_ne!(
        a,
        shot_name(8, "super :: company :: edits_the_profile", &url)
    );
    let root = url::Url::parse("http://127.0.0.1:8080/").unwrap();
    assert_eq!(shot_name(1, "sign_in", &root), "0001-sign_in-root.png");
}
