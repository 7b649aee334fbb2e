//! The first portal pages: sign-in, each role's home, CSRF, languages.

use crate::kit::*;
use serde_json::json;

struct Browser {
    http: reqwest::Client,
    base: String,
    cookies: Vec<(String, String)>,
    lang: &'static str,
}

impl Browser {
    fn new(srv: &Srv, lang: &'static str) -> Self {
        Self {
            http: srv.http.clone(),
            base: srv.base.clone(),
            cookies: Vec::new(),
            lang,
        }
    }
    fn keep(&mut self, r: &reqwest::Response) {
        for v in r.headers().get_all("set-cookie") {
            let s = v.to_str().unwrap();
            assert!(
                s.contains("HttpOnly") && s.contains("SameSite=Strict"),
                "{s}"
            );
            let (k, val) = s.split(';').next().unwrap().split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != k);
            if !val.is_empty() {
                self.cookies.push((k.to_owned(), val.to_owned()));
            }
        }
    }
    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
    async fn get(&mut self, path: &str) -> (u16, String, Option<String>) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("accept-language", self.lang)
            .send()
            .await
            .unwrap();
        self.keep(&r);
        let loc = r
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned());
        (r.status().as_u16(), r.text().await.unwrap(), loc)
    }
    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> (u16, String, Option<String>) {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("accept-language", self.lang)
            .form(form)
            .send()
            .await
            .unwrap();
        self.keep(&r);
        let loc = r
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned());
        (r.status().as_u16(), r.text().await.unwrap(), loc)
    }
    fn csrf(html: &str) -> String {
        html.split("name=\"csrf\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned()
    }
    async fn sign_in(&mut self, user: &str, pw: &str) -> (u16, String, Option<String>) {
        let (_, page, _) = self.get("/").await;
        let csrf = Self::csrf(&page);
        self.post(
            "/login",
            &[("csrf", &csrf), ("username", user), ("password", pw)],
        )
        .await
    }
}

#[tokio::test]
async fn each_role_lands_on_its_home_after_signing_in() {
    let w = world().await;
    let mut b = Browser::new(&w.srv, "en");
    let (status, page, _) = b.get("/").await;
    assert_eq!(status, 200);
    assert!(
        page.contains("<form")
            && page.contains("name=\"username\"")
            && page.contains("type=\"password\"")
            && page.contains("type=\"submit\"")
    );
    let (status, _, loc) = b.sign_in("admin", ADMIN_PW).await;
    assert_eq!((status, loc.as_deref()), (303, Some("/admin")));
    let (_, home, _) = b.get("/admin").await;
    assert!(
        home.contains("Company one") && home.contains("Company two"),
        "system admin sees all companies"
    );

    let mut r = Browser::new(&w.srv, "en");
    r.sign_in("ritaone", PW).await;
    let (_, home, _) = r.get("/admin").await;
    assert!(home.contains("Company one") && !home.contains("Company two"));
    let (status, _, _) = r
        .get(&format!("/admin/companies/{}", w.t2.company_id))
        .await;
    assert_eq!(status, 404);

    let mut a = Browser::new(&w.srv, "en");
    let (_, _, loc) = a.sign_in("adaone", PW).await;
    assert_eq!(loc.as_deref(), Some("/admin"));
    let (_, _, loc) = a.get("/admin").await;
    let users = format!("/admin/companies/{}/users", w.t1.company_id);
    assert_eq!(
        loc.as_deref(),
        Some(users.as_str()),
        "a company admin's home: the users"
    );
    let (_, home, _) = a.get(&users).await;
    assert!(
        home.contains("Ulf") && home.contains("Sales"),
        "company admin sees users and their departments"
    );

    let mut u = Browser::new(&w.srv, "en");
    let (_, _, loc) = u.sign_in("ulfone", PW).await;
    assert_eq!(loc.as_deref(), Some("/my"));
    let (_, home, _) = u.get("/my").await;
    assert!(
        home.contains("201") && home.contains("+15550000001"),
        "end user sees their lines"
    );
    let (_, _, loc) = u.get("/admin").await;
    assert_eq!(loc.as_deref(), Some("/my"));
    let (_, home, _) = u.get("/my").await;
    let csrf = Browser::csrf(&home);
    let (status, _, _) = u.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!(status, 303);
    let (_, _, loc) = u.get("/my").await;
    assert_eq!(loc.as_deref(), Some("/"));
    w.srv.stop().await;
}

#[tokio::test]
async fn sign_in_errors_are_alerts_and_forms_need_their_csrf_token() {
    let w = world().await;
    let mut b = Browser::new(&w.srv, "en");
    let (status, page, _) = b.sign_in("ulfone", "Wrong-Pass1!").await;
    assert_eq!(status, 401);
    assert!(page.contains("role=\"alert\""));
    let (status, _, _) = b
        .post(
            "/login",
            &[("csrf", "forged"), ("username", "ulfone"), ("password", PW)],
        )
        .await;
    assert_eq!(status, 403);
    let mut other = Browser::new(&w.srv, "en");
    let (status, _, _) = other
        .post(
            "/login",
            &[("csrf", "x"), ("username", "ulfone"), ("password", PW)],
        )
        .await;
    assert_eq!(status, 403, "no csrf cookie at all");
    w.srv.stop().await;
}

#[tokio::test]
async fn pages_speak_the_users_or_the_companys_language() {
    let w = world().await;
    let mut guest = Browser::new(&w.srv, "fr-FR,fr;q=0.9");
    let (_, page, _) = guest.get("/").await;
    assert!(page.contains("Connexion") && page.contains("lang=\"fr\""));
    let r = w
        .srv
        .patch(
            &format!("/api/v1/companies/{}", w.t1.company_id),
            &w.t1.admin_token,
            json!({"first_language": "fr"}),
        )
        .await;
    assert_eq!(r.status, 200);
    let mut u = Browser::new(&w.srv, "en");
    u.sign_in("ulfone", PW).await;
    let (_, home, _) = u.get("/my").await;
    assert!(
        home.contains("Mes lignes"),
        "company language applies: {home}"
    );
    w.srv
        .patch(
            &format!("/api/v1/users/{}", w.t1.user_id),
            &w.t1.user_token,
            json!({"language": "en"}),
        )
        .await;
    let (_, home, _) = u.get("/my").await;
    assert!(home.contains("My lines"), "the user's own language wins");
    w.srv.stop().await;
}

#[tokio::test]
async fn first_login_wizard_sets_username_and_password() {
    let w = world().await;
    let r = w
        .srv
        .post(
            &format!("/api/v1/companies/{}/users", w.t1.company_id),
            &w.t1.admin_token,
            json!({"name": "Wanda"}),
        )
        .await;
    let url = r.body["first_login"]["url"].as_str().unwrap();
    let path = &url[url.find("/first-login").unwrap()..];
    let token = url.split("token=").nth(1).unwrap();
    let mut b = Browser::new(&w.srv, "en");
    let (status, page, _) = b.get(path).await;
    assert_eq!(status, 200);
    let csrf = Browser::csrf(&page);
    let (status, page, _) = b
        .post(
            "/first-login",
            &[
                ("csrf", &csrf),
                ("token", token),
                ("username", "wanda"),
                ("password", PW),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(page.contains("role=\"alert\""));
    let csrf = Browser::csrf(&page);
    let (status, _, loc) = b
        .post(
            "/first-login",
            &[
                ("csrf", &csrf),
                ("token", token),
                ("username", "wanda01"),
                ("password", PW),
            ],
        )
        .await;
    assert_eq!((status, loc.as_deref()), (303, Some("/my")));
    w.srv.login("wanda01", PW).await;
    w.srv.stop().await;
}

/// "My homepage": the user logs in to and out of the queues their lines belong to.
#[tokio::test]
async fn an_agent_logs_in_and_out_of_a_queue_from_the_home_page() {
    let w = world().await;
    let mut u = Browser::new(&w.srv, "en");
    u.sign_in("ulfone", PW).await;
    let (_, home, _) = u.get("/my").await;
    let action = format!("/my/queues/{}/agent", w.t1.queue_id);
    assert!(
        home.contains("Call queues") && home.contains("Help one (600)"),
        "{home}"
    );
    assert!(
        home.contains("Logged out") && home.contains(&action),
        "{home}"
    );
    let csrf = Browser::csrf(&home);
    let line = w.t1.line_id.clone();
    // Without the form's token nothing changes.
    let (status, _, _) = u
        .post(
            &action,
            &[
                ("csrf", "forged"),
                ("line_id", &line),
                ("logged_in", "true"),
            ],
        )
        .await;
    assert_eq!(status, 403);
    let (status, _, loc) = u
        .post(
            &action,
            &[("csrf", &csrf), ("line_id", &line), ("logged_in", "true")],
        )
        .await;
    assert_eq!((status, loc.as_deref()), (303, Some("/my")));
    let (_, home, _) = u.get("/my").await;
    assert!(
        home.contains("Logged in") && home.contains("Log out"),
        "{home}"
    );
    let q = w
        .srv
        .get(
            &format!("/api/v1/queues/{}", w.t1.queue_id),
            &w.t1.admin_token,
        )
        .await;
    assert_eq!(q.body["agents"][0]["logged_in"], true, "{}", q.text);
    // Another company's user cannot touch it.
    let mut other = Browser::new(&w.srv, "en");
    other.sign_in("ulftwo", PW).await;
    let (_, page, _) = other.get("/my").await;
    let their_csrf = Browser::csrf(&page);
    let (status, _, _) = other
        .post(
            &action,
            &[
                ("csrf", &their_csrf),
                ("line_id", &line),
                ("logged_in", "false"),
            ],
        )
        .await;
    assert_eq!(status, 404);
}

/// The authenticator's code, `steps_ahead` 30-second steps from now, for a base32 secret (RFC 6238, as the app checks it).
fn totp_at(secret: &str, steps_ahead: i64) -> String {
    use sb_domain::clock::Clock;
    use totp_rs::{Algorithm, Secret, TOTP};
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().unwrap();
    let t = TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes).unwrap();
    let now = sb_domain::clock::SystemClock.now().as_second();
    t.generate(u64::try_from(now + steps_ahead * 30).unwrap())
}

fn between<'a>(page: &'a str, start: &str, end: &str) -> &'a str {
    page.split(start).nth(1).unwrap().split(end).next().unwrap()
}

#[tokio::test]
async fn two_factor_is_turned_on_in_the_portal_behind_the_password_and_shows_recovery_codes_once() {
    let w = world().await;
    let mut u = Browser::new(&w.srv, "en");
    u.sign_in("ulfone", PW).await;
    let (_, page, _) = u.get("/my/security").await;
    assert!(
        page.contains("Off") && page.contains("/my/security/enrol"),
        "{page}"
    );
    let csrf = Browser::csrf(&page);
    let (status, page, _) = u
        .post(
            "/my/security/enrol",
            &[("csrf", &csrf), ("password", "Wrong-Pass1!")],
        )
        .await;
    assert_eq!(status, 401, "a wrong password starts nothing");
    assert!(page.contains("role=\"alert\""));
    let (status, page, _) = u
        .post("/my/security/enrol", &[("csrf", &csrf), ("password", PW)])
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("src=\"data:image/svg+xml;base64,"),
        "the QR code"
    );
    let secret = between(&page, "<code id=\"secret\">", "<").to_owned();
    let (status, page, _) = u
        .post(
            "/my/security/confirm",
            &[("csrf", &csrf), ("code", &totp_at(&secret, 0))],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    let codes = between(&page, "id=\"recovery-codes\">", "</ul>");
    assert_eq!(codes.matches("<li>").count(), 10, "{page}");
    let api = w.srv.login_resp("ulfone", PW).await;
    assert_eq!(api.code(), "two_factor_required", "{}", api.text);
    // Turning it off needs the password and a code; then the password alone signs in again.
    let (status, _, loc) = u
        .post(
            "/my/security/off",
            &[
                ("csrf", &csrf),
                ("password", PW),
                ("code", &totp_at(&secret, 1)),
            ],
        )
        .await;
    assert_eq!(
        (status, loc.as_deref()),
        (303, Some("/my/security?done=off"))
    );
    let (_, page, _) = u.get("/my/security?done=off").await;
    assert!(page.contains("role=\"status\""), "{page}");
    assert_eq!(w.srv.login_resp("ulfone", PW).await.status, 200);
    w.srv.stop().await;
}

#[tokio::test]
async fn a_policy_sends_an_admin_without_two_factor_to_enrolment_and_nowhere_else() {
    let w = world().await;
    let policy = format!("/api/v1/companies/{}/two-factor-policy", w.t1.company_id);
    let r = w
        .srv
        .put(&policy, &w.t1.admin_token, json!({"required": true}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let mut a = Browser::new(&w.srv, "en");
    let (status, _, loc) = a.sign_in("adaone", PW).await;
    assert_eq!((status, loc.as_deref()), (303, Some("/my/security")));
    for path in ["/admin", "/my"] {
        let (_, _, loc) = a.get(path).await;
        assert_eq!(loc.as_deref(), Some("/my/security"), "{path}");
    }
    let (status, page, _) = a.get("/my/security").await;
    assert_eq!(status, 200);
    assert!(
        !page.contains("name=\"password\""),
        "signed in a moment ago: {page}"
    );
    let csrf = Browser::csrf(&page);
    let (_, page, _) = a.post("/my/security/enrol", &[("csrf", &csrf)]).await;
    let secret = between(&page, "<code id=\"secret\">", "<").to_owned();
    let (status, page, _) = a
        .post(
            "/my/security/confirm",
            &[("csrf", &csrf), ("code", &totp_at(&secret, 0))],
        )
        .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Sign in again"), "{page}");
    let (_, _, loc) = a.get("/admin").await;
    assert_eq!(loc.as_deref(), Some("/"), "the restricted session ended");
    w.srv.stop().await;
}

#[tokio::test]
async fn htmx_is_served_for_a_year_and_its_requests_carry_the_csrf_token_in_a_header() {
    let w = world().await;
    let r = w
        .srv
        .http
        .get(format!("{}/static/htmx-4.0.1.min.js", w.srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let cache = r.headers()["cache-control"].to_str().unwrap().to_owned();
    assert!(
        cache.contains("max-age=31536000") && cache.contains("immutable"),
        "{cache}"
    );
    assert!(r.text().await.unwrap().contains("4.0.1"));

    let mut u = Browser::new(&w.srv, "en");
    u.sign_in("ulfone", PW).await;
    let (_, home, _) = u.get("/my").await;
    let csrf = Browser::csrf(&home);
    assert!(
        home.contains("X-CSRF-Token") && home.contains(&csrf),
        "hx-headers on body"
    );
    let action = format!("{}/my/queues/{}/agent", w.srv.base, w.t1.queue_id);
    let form = [("line_id", w.t1.line_id.as_str()), ("logged_in", "true")];
    let post = |token: &str| {
        w.srv
            .http
            .post(&action)
            .header("cookie", u.cookie_header())
            .header("x-csrf-token", token.to_owned())
            .header("hx-request", "true")
            .form(&form)
            .send()
    };
    assert_eq!(post("forged").await.unwrap().status(), 403);
    assert_eq!(post(&csrf).await.unwrap().status(), 303);
    let q = w
        .srv
        .get(
            &format!("/api/v1/queues/{}", w.t1.queue_id),
            &w.t1.admin_token,
        )
        .await;
    assert_eq!(q.body["agents"][0]["logged_in"], true, "{}", q.text);
    w.srv.stop().await;
}

/// The Services page changes only the person's own line, only with the form's token, and a
/// value the use case refuses comes back next to its field with nothing changed.
#[tokio::test]
async fn the_services_page_changes_only_the_persons_own_line_with_its_token() {
    let w = world().await;
    let t = &w.t1;
    let handling = format!("/api/v1/lines/{}/call-handling", t.line_id);
    let before = w.srv.get(&handling, &t.admin_token).await.body;
    let mut u = Browser::new(&w.srv, "en");
    u.sign_in("ulfone", PW).await;
    let (status, page, _) = u.get("/my/services").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("How calls are routed"), "{page}");
    let csrf = Browser::csrf(&page);
    let line = t.line_id.clone();
    let calls = "/my/services/calls";
    let (status, _, _) = u.post(calls, &voicemail_after("forged", &line, "20")).await;
    assert_eq!(status, 403, "without the form's token");
    let (status, page, _) = u.post(calls, &voicemail_after(&csrf, &line, "2")).await;
    assert_eq!(status, 422);
    assert!(page.contains("id=\"na-seconds-error\""), "{page}");
    assert_eq!(
        w.srv.get(&handling, &t.admin_token).await.body,
        before,
        "unchanged"
    );
    let (status, _, _) = u.post(calls, &voicemail_after(&csrf, &line, "20")).await;
    assert_eq!(status, 303);
    let doc = w.srv.get(&handling, &t.admin_token).await.body;
    assert_eq!(doc["no_answer"]["seconds"], 20, "{doc}");
    // Another company's user, with a token of their own, does not reach Ulf's line.
    let mut other = Browser::new(&w.srv, "en");
    other.sign_in("ulftwo", PW).await;
    let (_, page, _) = other.get("/my/services").await;
    let theirs = Browser::csrf(&page);
    let (status, _, _) = other
        .post(calls, &voicemail_after(&theirs, &line, "30"))
        .await;
    assert_eq!(status, 404);
    let (status, _, _) = other.get(&format!("/my/services?line={line}")).await;
    assert_eq!(status, 404);
    let doc = w.srv.get(&handling, &t.admin_token).await.body;
    assert_eq!(doc["no_answer"]["seconds"], 20, "{doc}");
    w.srv.stop().await;
}

/// The Services page's call-handling form: voicemail after `seconds` when not answered.
fn voicemail_after<'a>(csrf: &'a str, line: &'a str, seconds: &'a str) -> [(&'a str, &'a str); 5] {
    [
        ("csrf", csrf),
        ("line", line),
        ("na", "voicemail"),
        ("na_seconds", seconds),
        ("busy", "engaged"),
    ]
}

#[tokio::test]
async fn wrong_current_passwords_on_my_profile_count_toward_the_lock_like_a_sign_in() {
    let w = world().await;
    let mut b = Browser::new(&w.srv, "en");
    b.sign_in("ulfone", PW).await;
    let wrong = "Wrong-Pass-12!";
    for (path, other) in [
        ("/my/profile/password", ("new_password", "Another-Pass-34!")),
        ("/my/profile/passcode", ("new_pin", "582946")),
        ("/my/profile/password", ("new_password", "Another-Pass-34!")),
        ("/my/profile/passcode", ("new_password", "Another-Pass-34!")),
    ] {
        let (_, page, _) = b.get("/my/profile").await;
        let csrf = Browser::csrf(&page);
        let form = [("csrf", csrf.as_str()), ("current_password", wrong), other];
        let (status, page, _) = b.post(path, &form).await;
        assert_eq!(status, 422, "{path}");
        assert!(
            page.contains("The current password is not correct."),
            "{path}: the reason by the field"
        );
    }
    let (_, page, _) = b.get("/my/profile").await;
    let csrf = Browser::csrf(&page);
    let form = [
        ("csrf", csrf.as_str()),
        ("current_password", wrong),
        ("new_password", "Another-Pass-34!"),
    ];
    let (_, page, _) = b.post("/my/profile/password", &form).await;
    assert!(page.contains("locked"), "the fifth wrong one locks");
    assert_eq!(w.srv.login_resp("ulfone", PW).await.status, 423);
    w.srv.stop().await;
}

/// Click to call from the portal: the button's form needs its CSRF token, a refusal comes back
/// to the page as its alert, and a made-up `calling` notice is never shown.
#[tokio::test]
async fn a_call_button_needs_its_csrf_token_and_comes_back_with_the_refusal() {
    let w = world().await;
    crate::kit::ulf_gets_package(&w.srv, &w.t1, "Calling", &["user_portal"]).await;
    let mut u = Browser::new(&w.srv, "en");
    u.sign_in("ulfone", PW).await;
    let (status, page, _) = u.get("/my/contacts").await;
    assert_eq!(status, 200, "{page}");
    let csrf = Browser::csrf(&page);
    let call = |to: &'static str| [("to", to), ("back", "contacts")];
    let forged = [&[("csrf", "forged")][..], &call("202")[..]].concat();
    let (status, _, _) = u.post("/my/call", &forged).await;
    assert_eq!(status, 403, "without the form's token nothing is called");
    for (to, code) in [
        ("sip:202@evil.example", "invalid_destination"),
        ("201", "own_extension"),
        ("202", "no_registered_phone"),
    ] {
        let form = [&[("csrf", csrf.as_str())][..], &call(to)[..]].concat();
        let (status, _, loc) = u.post("/my/call", &form).await;
        let back = format!("/my/contacts?refused={code}");
        assert_eq!((status, loc.as_deref()), (303, Some(back.as_str())), "{to}");
        let (_, page, _) = u.get(&back).await;
        assert!(page.contains("role=\"alert\""), "{page}");
    }
    let (_, page, _) = u.get("/my/contacts?refused=no_registered_phone").await;
    assert!(
        page.contains("No phone is registered on your extension now"),
        "{page}"
    );
    let (_, page, _) = u
        .get("/my/contacts?calling=%3Cb%3Ewin%20a%20prize%3C%2Fb%3E")
        .await;
    assert!(!page.contains("Your phone is ringing"), "{page}");
    let (_, page, _) = u.get("/my/contacts?calling=%2B15550100").await;
    assert!(
        page.contains("Your phone is ringing: answer it to call +15550100."),
        "{page}"
    );
    w.srv.stop().await;
}
