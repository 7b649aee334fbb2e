//! Sign-in on a public address (issue 14): oversized input, time-limited locks with back-off,
//! per-address throttling, counters that never undo an administrator's change, reauth and
//! password changes counting toward the lock, X-Forwarded-For only from trusted proxies,
//! password rules for new passwords, timing, security headers and slow senders.

use crate::kit::*;
use reqwest::Method;
use sb_app::AppConfig;
use serde_json::json;
use std::time::{Duration, Instant};

/// The portal's sign-in form posted with a fresh CSRF token: (status, page).
pub(crate) async fn portal_sign_in(
    srv: &Srv,
    username: &str,
    password: &str,
    code: Option<&str>,
) -> (u16, String) {
    let page = srv.http.get(format!("{}/", srv.base)).send().await.unwrap();
    let cookie = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("sb_csrf="))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let csrf = cookie.trim_start_matches("sb_csrf=").to_owned();
    let r = srv
        .http
        .post(format!("{}/login", srv.base))
        .header("cookie", cookie)
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", username),
            ("password", password),
            ("code", code.unwrap_or("")),
        ])
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn usernames_over_64_bytes_are_refused_before_anything_else() {
    let srv = start().await;
    let app = srv.running.as_ref().unwrap().app.clone();
    let before = app.sign_in_state_entries();
    // Finding 6: names just under the body limit, a new one each time, from one address.
    for i in 0..30 {
        let name = format!("{i:03}{}", "n".repeat(60_000));
        let r = srv.login_resp(&name, "Whatever-123!").await;
        assert_eq!(r.status, 422, "attempt {i}: {}", r.text);
        assert_eq!(r.code(), "username_too_long");
        assert_eq!(r.body["field"], "username");
        let (status, _) = portal_sign_in(&srv, &name, "Whatever-123!", None).await;
        assert_eq!(status, 422, "portal attempt {i}");
    }
    assert_eq!(
        app.sign_in_state_entries(),
        before,
        "refused names left state behind"
    );
    // A form bigger than the API's body limit is refused by the portal too.
    let (status, _) = portal_sign_in(&srv, &"n".repeat(100_000), "Whatever-123!", None).await;
    assert_eq!(status, 413);
    // A name of 64 bytes is an ordinary wrong sign-in.
    assert_eq!(
        srv.login_resp(&"n".repeat(64), "Whatever-123!")
            .await
            .status,
        401
    );
    srv.stop().await;
}

fn short_locks() -> AppConfig {
    AppConfig {
        lockout_secs: 1,
        lockout_max_secs: 2,
        login_user_burst: 100,
        login_user_per_minute: 100,
        ..AppConfig::default()
    }
}

#[tokio::test]
async fn a_lock_ends_by_itself_and_the_next_one_lasts_twice_as_long() {
    let url = sb_store::testdb::fresh_sqlite_url("e2e").unwrap();
    let w = world_on(start_configured(url, Some(short_locks()), &|_| {}).await).await;
    let wrong = || w.srv.login_resp("ulfone", "Wrong-Pass-12!");
    for _ in 0..4 {
        assert_eq!(wrong().await.status, 401);
    }
    assert_eq!(
        wrong().await.status,
        423,
        "the seed's fifth wrong password locks"
    );
    let user = w
        .srv
        .get(
            &format!("/api/v1/users/{}", w.t1.user_id),
            &w.t1.admin_token,
        )
        .await;
    assert_eq!(user.body["locked"], true);
    assert!(user.body["locked_until"].is_string(), "{}", user.text);
    assert_eq!(w.srv.login_resp("ulfone", PW).await.status, 423);
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    // The lock ran out; five more wrong passwords lock again, now for two seconds.
    for _ in 0..4 {
        assert_eq!(wrong().await.status, 401);
    }
    assert_eq!(wrong().await.status, 423);
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    assert_eq!(w.srv.login_resp("ulfone", PW).await.status, 423, "doubled");
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    w.srv.login("ulfone", PW).await;
    let user = w
        .srv
        .get(
            &format!("/api/v1/users/{}", w.t1.user_id),
            &w.t1.admin_token,
        )
        .await;
    assert_eq!(user.body["locked"], false, "a sign-in clears the lock");
    w.srv.stop().await;
}

#[tokio::test]
async fn unknown_names_lock_and_unlock_in_time_like_real_accounts() {
    let url = sb_store::testdb::fresh_sqlite_url("e2e").unwrap();
    let srv = start_configured(url, Some(short_locks()), &|_| {}).await;
    for _ in 0..4 {
        assert_eq!(
            srv.login_resp("nosuchname", "Wrong-Pass-12!").await.status,
            401
        );
    }
    assert_eq!(
        srv.login_resp("nosuchname", "Wrong-Pass-12!").await.status,
        423
    );
    assert_eq!(
        srv.login_resp("nosuchname", "Wrong-Pass-12!").await.status,
        423
    );
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    assert_eq!(
        srv.login_resp("nosuchname", "Wrong-Pass-12!").await.status,
        401
    );
    srv.stop().await;
}

#[tokio::test]
async fn failed_sign_ins_are_throttled_per_source_address() {
    let cfg = AppConfig {
        login_fail_burst: 6,
        login_fail_per_minute: 1,
        ..AppConfig::default()
    };
    let url = sb_store::testdb::fresh_sqlite_url("e2e").unwrap();
    let w = world_on(start_configured(url, Some(cfg), &|_| {}).await).await;
    // One address spraying wrong passwords over several accounts is stopped before it has
    // locked more than one of them.
    let mut statuses = Vec::new();
    for name in [
        "ulfone", "ulfone", "ulfone", "ulftwo", "ulftwo", "ulftwo", "admin", "admin",
    ] {
        statuses.push(
            w.srv
                .login_resp(name, "Wrong-Pass-12!")
                .await
                .status
                .as_u16(),
        );
    }
    assert_eq!(&statuses[..6], &[401; 6], "{statuses:?}");
    assert_eq!(&statuses[6..], &[429, 429], "{statuses:?}");
    // The address waits, whatever it tries next: guessing is what the throttle stops.
    assert_eq!(w.srv.login_resp("ulfone", PW).await.status, 429);
    w.srv.stop().await;
}

#[tokio::test]
async fn the_operator_unlocks_from_the_command_line() {
    let url = sb_store::testdb::fresh_sqlite_url("e2e").unwrap();
    let cfg = AppConfig {
        lockout_secs: 0,
        ..AppConfig::default()
    };
    let w = world_on(start_configured(url.clone(), Some(cfg), &|_| {}).await).await;
    for _ in 0..5 {
        w.srv.login_resp("ulfone", "Wrong-Pass-12!").await;
    }
    assert_eq!(w.srv.login_resp("ulfone", PW).await.status, 423);
    let bin = env!("CARGO_BIN_EXE_switchboard");
    let run = |user: &str| {
        std::process::Command::new(bin)
            .args(["unlock", user, "--database-url", &url, "--data-dir"])
            .arg(std::env::temp_dir())
            .env_clear()
            .output()
            .unwrap()
    };
    let out = run("ULFONE");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(run("nosuchname").status.code(), Some(1));
    w.srv.login("ulfone", PW).await;
    let audit = w
        .srv
        .get(
            &format!(
                "/api/v1/companies/{}/audit?user_id={}",
                w.t1.company_id, w.t1.user_id
            ),
            &w.t1.admin_token,
        )
        .await;
    assert!(audit.text.contains("account_unlocked"), "{}", audit.text);
    w.srv.stop().await;
}

/// A wrong sign-in sent now, on a task of its own; its status when it ends.
fn spawn_sign_in(srv: &Srv, username: &str) -> tokio::task::JoinHandle<u16> {
    let req = srv
        .http
        .post(format!("{}/api/v1/auth/login", srv.base))
        .json(&json!({"username": username, "password": "Wrong-Pass-12!"}));
    tokio::spawn(async move { req.send().await.unwrap().status().as_u16() })
}

#[tokio::test]
async fn a_racing_sign_in_does_not_undo_a_disable() {
    let w = world().await;
    // Keep the password-hashing threads busy so the next sign-in's check waits behind them,
    // long after it read the account.
    let busy: Vec<_> = (0..8)
        .map(|i| spawn_sign_in(&w.srv, if i % 2 == 0 { "busyone" } else { "busytwo" }))
        .collect();
    tokio::time::sleep(Duration::from_millis(10)).await;
    let racing = spawn_sign_in(&w.srv, "ulfone");
    tokio::time::sleep(Duration::from_millis(30)).await;
    let disabled = w
        .srv
        .post(
            &format!("/api/v1/users/{}/disable", w.t1.user_id),
            &w.t1.admin_token,
            json!({}),
        )
        .await;
    assert_eq!(disabled.status, 200, "{}", disabled.text);
    assert_eq!(racing.await.unwrap(), 401);
    for b in busy {
        b.await.unwrap();
    }
    let user = w
        .srv
        .get(
            &format!("/api/v1/users/{}", w.t1.user_id),
            &w.t1.admin_token,
        )
        .await;
    assert_eq!(user.body["enabled"], false, "the sign-in undid the disable");
    assert_eq!(w.srv.login_resp("ulfone", PW).await.status, 403);
    w.srv.stop().await;
}

#[tokio::test]
async fn wrong_passwords_at_reauth_and_password_change_count_toward_the_lock() {
    let w = world().await;
    let t = &w.t1.user_token;
    for _ in 0..2 {
        let r = w
            .srv
            .post(
                "/api/v1/auth/reauth",
                t,
                json!({"password": "Wrong-Pass-12!"}),
            )
            .await;
        assert_eq!(r.status, 401, "{}", r.text);
    }
    for _ in 0..2 {
        let r = w
            .srv
            .post(
                "/api/v1/me/password",
                t,
                json!({"current_password": "Wrong-Pass-12!", "new_password": "Another-Pass-34!"}),
            )
            .await;
        assert_eq!(r.code(), "wrong_current_password", "{}", r.text);
    }
    let fifth = w
        .srv
        .post(
            "/api/v1/auth/reauth",
            t,
            json!({"password": "Wrong-Pass-12!"}),
        )
        .await;
    assert_eq!(
        (fifth.status.as_u16(), fifth.code()),
        (423, "account_locked")
    );
    assert_eq!(
        w.srv.get("/api/v1/me", t).await.status,
        401,
        "sessions ended"
    );
    assert_eq!(w.srv.login_resp("ulfone", PW).await.status, 423);
    w.srv.stop().await;
}

#[tokio::test]
async fn forwarded_for_counts_only_from_trusted_proxies() {
    let tight = || AppConfig {
        login_ip_burst: 3,
        login_ip_per_minute: 1,
        ..AppConfig::default()
    };
    let attempt = |srv: &Srv, i: usize, xff: String| {
        let req = srv
            .http
            .post(format!("{}/api/v1/auth/login", srv.base))
            .header("x-forwarded-for", xff)
            .json(&json!({"username": format!("someone{i}"), "password": "Wrong-Pass-12!"}));
        async move { req.send().await.unwrap().status().as_u16() }
    };
    // No trusted proxy: a spoofed header does not give each request a bucket of its own.
    let url = sb_store::testdb::fresh_sqlite_url("e2e").unwrap();
    let srv = start_configured(url, Some(tight()), &|_| {}).await;
    let mut seen = Vec::new();
    for i in 0..4 {
        seen.push(attempt(&srv, i, format!("198.51.100.{i}")).await);
    }
    assert_eq!(seen, [401, 401, 401, 429]);
    srv.stop().await;
    // Behind a trusted proxy (loopback here), each client address has its own bucket...
    let url = sb_store::testdb::fresh_sqlite_url("e2e").unwrap();
    let srv = start_configured(url, Some(tight()), &|f| {
        f.trusted_proxies = Some("127.0.0.0/8".into());
    })
    .await;
    let mut seen = Vec::new();
    for i in 0..4 {
        seen.push(attempt(&srv, i, format!("198.51.100.{i}")).await);
    }
    assert_eq!(seen, [401, 401, 401, 401]);
    // ...and one client is limited by its address, whatever it writes to the left of it.
    let mut seen = Vec::new();
    for i in 0..4 {
        seen.push(attempt(&srv, i + 10, format!("6.6.6.{i}, 203.0.113.7")).await);
    }
    assert_eq!(seen, [401, 401, 401, 429]);
    srv.stop().await;
}

#[tokio::test]
async fn new_passwords_need_the_minimum_length_and_must_not_be_common() {
    let w = world().await;
    let t = &w.t1.user_token;
    let change = |new: &str| {
        w.srv.post(
            "/api/v1/me/password",
            t,
            json!({"current_password": PW, "new_password": new}),
        )
    };
    let short = change("Abcde-12!").await;
    assert_eq!(short.code(), "password_too_short", "{}", short.text);
    assert!(short.text.contains("10 characters"), "{}", short.text);
    assert_eq!(change("Password123!").await.code(), "password_too_common");
    assert_eq!(change("P@ssw0rd-2024").await.code(), "password_too_common");
    // The seed's own rules still apply on top.
    assert_eq!(
        change("abcdefghij1!").await.code(),
        "password_needs_uppercase"
    );
    // The existing password (set before the rules) still signs in.
    w.srv.login("ulfone", PW).await;
    assert_eq!(change("Harbour-Lantern-73!").await.status, 204);
    w.srv.stop().await;
}

#[tokio::test]
async fn reset_links_stop_working_once_the_password_changes() {
    let w = world().await;
    let link = w
        .srv
        .post(
            &format!("/api/v1/users/{}/reset-password", w.t1.user_id),
            &w.t1.admin_token,
            json!({}),
        )
        .await;
    assert_eq!(link.status, 200, "{}", link.text);
    let url = link.body["link"]["url"].as_str().unwrap().to_owned();
    let token = url.split("token=").nth(1).unwrap().to_owned();
    // The user remembers the password after all and changes it themself.
    let user = w.srv.login("ulfone", PW).await;
    let r = w
        .srv
        .post(
            "/api/v1/me/password",
            &user,
            json!({"current_password": PW, "new_password": "Harbour-Lantern-73!"}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let r = w
        .srv
        .raw(
            Method::POST,
            "/api/v1/auth/first-login",
            None,
            Some(json!({"token": token, "username": "ulfone", "password": "Stolen-Link-99!"})),
        )
        .await;
    assert_eq!(r.code(), "invalid_link", "{}", r.text);
    w.srv.stop().await;
}

#[tokio::test]
async fn unknown_and_known_users_take_the_same_time_to_refuse() {
    let url = sb_store::testdb::fresh_sqlite_url("e2e").unwrap();
    let cfg = AppConfig {
        login_user_burst: 100,
        lockout_after: 1_000,
        login_fail_burst: 1_000,
        login_ip_burst: 1_000,
        ..AppConfig::default()
    };
    let w = world_on(start_configured(url, Some(cfg), &|_| {}).await).await;
    // Paired, back-to-back measurements in alternating order, so that load from other tests and
    // the position in the pair cancel out.
    let mut diffs = Vec::new();
    let mut known = Vec::new();
    for i in 0..31 {
        let (mut k, mut u) = (0.0, 0.0);
        for known_first in [i % 2 == 0, i % 2 != 0] {
            let t = Instant::now();
            if known_first {
                w.srv.login_resp("ulfone", "Wrong-Pass-12!").await;
                k = t.elapsed().as_secs_f64();
            } else {
                w.srv
                    .login_resp(&format!("nobody{i}"), "Wrong-Pass-12!")
                    .await;
                u = t.elapsed().as_secs_f64();
            }
        }
        diffs.push(k - u);
        known.push(k);
    }
    diffs.sort_by(f64::total_cmp);
    known.sort_by(f64::total_cmp);
    let (d, k) = (diffs[15], known[15]);
    // Skipping the password check for unknown names would make them cost nothing next to a
    // real account's 20 ms or more of argon2id; what is left is the database work, which differs
    // by a statement or two (milliseconds on a busy machine).
    assert!(
        d.abs() < 0.5 * k,
        "median difference {d:.4}s against a median sign-in of {k:.4}s"
    );
    w.srv.stop().await;
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let srv = start_tuned(&|_| {}).await;
    for path in [
        "/",
        "/api/v1/me",
        "/healthz",
        "/static/app.css",
        "/no/such/page",
    ] {
        let r = srv
            .http
            .get(format!("{}{path}", srv.base))
            .send()
            .await
            .unwrap();
        let h = r.headers();
        let csp = h.get("content-security-policy").unwrap().to_str().unwrap();
        // The portal's policy allows its own script (htmx); the API's allows nothing.
        let portal = path == "/" || path.starts_with("/static/");
        let expected = if portal {
            sb_web::CONTENT_SECURITY_POLICY
        } else {
            sb_api::CONTENT_SECURITY_POLICY
        };
        assert_eq!(csp, expected, "{path}");
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(h.get("x-frame-options").unwrap(), "DENY", "{path}");
        assert_eq!(
            h.get("x-content-type-options").unwrap(),
            "nosniff",
            "{path}"
        );
        assert_eq!(h.get("referrer-policy").unwrap(), "no-referrer", "{path}");
        assert!(
            h.get("strict-transport-security").is_none(),
            "plain HTTP: {path}"
        );
    }
    // The portal's pages use no inline style or script, which the policy would block.
    let page = srv
        .http
        .get(format!("{}/", srv.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let inline_script = page
        .split("<script")
        .skip(1)
        .any(|tag| !tag.trim_start().starts_with("src="));
    assert!(!inline_script && !page.contains("style="), "{page}");
    srv.stop().await;
}

#[tokio::test]
async fn session_cookies_are_secure_when_the_public_url_is_https() {
    let url = sb_store::testdb::fresh_sqlite_url("e2e").unwrap();
    let srv = start_configured(url, None, &|f| {
        f.public_url = Some("https://pbx.example.com".into());
    })
    .await;
    let r = srv.http.get(format!("{}/", srv.base)).send().await.unwrap();
    let cookie = r
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert!(r.headers().get("strict-transport-security").is_some());
    srv.stop().await;
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let url = sb_store::testdb::fresh_sqlite_url("e2e").unwrap();
    let srv = start_configured(url, None, &|f| f.http_header_timeout = Some(1)).await;
    let addr = srv.running.as_ref().unwrap().http_addr;
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let started = Instant::now();
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    // Slowloris: one more header line now and then, never the blank line that ends them.
    let mut buf = [0u8; 1024];
    let closed = loop {
        if started.elapsed() > Duration::from_secs(6) {
            break false;
        }
        if s.write_all(b"X-a: b\r\n").await.is_err() {
            break true;
        }
        match tokio::time::timeout(Duration::from_millis(400), s.read(&mut buf)).await {
            Ok(Ok(_)) | Ok(Err(_)) => break true,
            Err(_) => {}
        }
    };
    assert!(closed, "the connection stayed open for 6 s");
    assert!(started.elapsed() < Duration::from_secs(4));
    srv.stop().await;
}
