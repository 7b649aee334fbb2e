//! The provider's and the reseller's portal forms over plain HTTP: the CSRF token is required by
//! every one of them, and another tenant's pages do not exist.

use crate::kit::*;
use serde_json::json;

/// A cookie jar and the forms' token: enough of a browser for plain posts.
pub(crate) struct Jar {
    http: reqwest::Client,
    base: String,
    cookies: Vec<(String, String)>,
    /// Where the last answer sent the browser, if it was a redirect.
    pub(crate) location: Option<String>,
}

impl Jar {
    fn new(srv: &Srv) -> Self {
        Self {
            http: srv.http.clone(),
            base: srv.base.clone(),
            cookies: Vec::new(),
            location: None,
        }
    }
    fn keep(&mut self, r: &reqwest::Response) {
        self.location = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        for v in r.headers().get_all("set-cookie") {
            let s = v.to_str().unwrap();
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
    pub(crate) async fn get(&mut self, path: &str) -> (u16, String) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.keep(&r);
        (r.status().as_u16(), r.text().await.unwrap())
    }
    pub(crate) async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> (u16, String) {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .form(form)
            .send()
            .await
            .unwrap();
        self.keep(&r);
        (r.status().as_u16(), r.text().await.unwrap())
    }
    /// The token of the page's forms (the same as the `sb_csrf` cookie).
    pub(crate) fn csrf(&self) -> String {
        self.cookies
            .iter()
            .find(|(k, _)| k == "sb_csrf")
            .map(|(_, v)| v.clone())
            .unwrap()
    }
    pub(crate) async fn sign_in(srv: &Srv, user: &str, pw: &str) -> Self {
        let mut j = Self::new(srv);
        j.get("/").await;
        let csrf = j.csrf();
        let (status, _) = j
            .post(
                "/login",
                &[("csrf", &csrf), ("username", user), ("password", pw)],
            )
            .await;
        assert_eq!(status, 303, "{user} signs in");
        j
    }
}

/// What the forms could change, as the API reads it.
async fn snapshot(w: &World) -> Vec<String> {
    let sys = &w.sys;
    let t1 = &w.t1;
    let mut out = Vec::new();
    for path in [
        "/api/v1/resellers".to_owned(),
        "/api/v1/packages".to_owned(),
        "/api/v1/trunks".to_owned(),
        "/api/v1/system-admins".to_owned(),
        "/api/v1/two-factor-policy".to_owned(),
        "/api/v1/companies".to_owned(),
        format!("/api/v1/resellers/{}/admins", t1.reseller_id),
        format!("/api/v1/companies/{}/call-barring", t1.company_id),
    ] {
        let r = w.srv.get(&path, sys).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
        out.push(r.text);
    }
    out
}

#[tokio::test]
async fn provider_and_reseller_forms_without_or_with_a_wrong_csrf_token_change_nothing() {
    let w = world().await;
    let (sys, t1) = (&w.sys, &w.t1);
    let empty = w
        .srv
        .post("/api/v1/resellers", sys, json!({"name": "Empty"}))
        .await
        .id();
    let trunk = w
        .srv
        .post(
            "/api/v1/trunks",
            sys,
            json!({"name": "Installation", "address": "192.0.2.210:5060", "password": "Sekret-1"}),
        )
        .await
        .id();
    let co = &t1.company_id;
    let admins = w
        .srv
        .get(&format!("/api/v1/resellers/{}/admins", t1.reseller_id), sys)
        .await;
    let ritaone = admins.body["items"][0]["id"].as_str().unwrap().to_owned();
    let admin_forms: Vec<(String, Vec<(&str, &str)>)> = vec![
        ("/admin/resellers".into(), vec![("name", "Forged")]),
        (
            format!("/admin/resellers/{}", t1.reseller_id),
            vec![("name", "Forged")],
        ),
        (
            format!("/admin/resellers/{}/admins", t1.reseller_id),
            vec![("name", "F"), ("username", "forged1"), ("password", PW)],
        ),
        (format!("/admin/resellers/{empty}/delete"), vec![]),
        (
            format!("/admin/resellers/{}/admins/{}", t1.reseller_id, ritaone),
            vec![("action", "disable")],
        ),
        (
            format!("/admin/system-admins/{}", ritaone),
            vec![("action", "disable")],
        ),
        (
            "/admin/packages".into(),
            vec![("name", "Forged"), ("feature", "fax"), ("price", "1")],
        ),
        (
            format!("/admin/packages/{}", t1.package_id),
            vec![("name", "Forged"), ("price", "1")],
        ),
        (format!("/admin/packages/{}/delete", t1.package_id), vec![]),
        (
            "/admin/trunks".into(),
            vec![
                ("name", "Forged"),
                ("address", "198.51.100.9:5060"),
                ("max_calls", "5"),
            ],
        ),
        (
            format!("/admin/trunks/{trunk}"),
            vec![
                ("name", "Forged"),
                ("address", "198.51.100.9:5060"),
                ("max_calls", "5"),
            ],
        ),
        (format!("/admin/trunks/{trunk}/delete"), vec![]),
        (
            "/admin/system-admins".into(),
            vec![("name", "F"), ("username", "forged2"), ("password", PW)],
        ),
        ("/admin/two-factor-policy".into(), vec![("required", "on")]),
        (
            "/admin/customers".into(),
            vec![
                ("reseller_id", t1.reseller_id.as_str()),
                ("name", "Forged"),
                ("country", "US"),
                ("time_zone", "UTC"),
                ("first_language", "en"),
                ("max_users", "1"),
                ("max_lines", "1"),
            ],
        ),
        (
            format!("/admin/customers/{co}/subscription"),
            vec![("max_users", "999"), ("max_lines", "999")],
        ),
        (format!("/admin/customers/{co}/packages"), vec![]),
        (
            format!("/admin/customers/{co}/barring"),
            vec![("all_outside", "on")],
        ),
        (
            format!("/admin/customers/{co}/delete"),
            vec![("confirm", "on")],
        ),
    ];
    let before = snapshot(&w).await;
    let mut admin = Jar::sign_in(&w.srv, "admin", ADMIN_PW).await;
    let mut reseller = Jar::sign_in(&w.srv, "ritaone", PW).await;
    for jar in [&mut admin, &mut reseller] {
        for (path, fields) in &admin_forms {
            let (status, _) = jar.post(path, fields).await;
            assert_eq!(status, 403, "{path} without a token");
            let mut forged = fields.clone();
            forged.push(("csrf", "forged-token"));
            let (status, _) = jar.post(path, &forged).await;
            assert_eq!(status, 403, "{path} with a wrong token");
        }
    }
    assert_eq!(snapshot(&w).await, before, "nothing changed");
    // Deleting a customer needs the box that states the consequence, even with the token.
    let csrf = reseller.csrf();
    let (status, _) = reseller
        .post(&format!("/admin/customers/{co}/delete"), &[("csrf", &csrf)])
        .await;
    assert_eq!(status, 422, "not confirmed");
    assert_eq!(snapshot(&w).await, before, "nothing deleted");
    // The same form with the right token does change (the forms above are real ones).
    let csrf = admin.csrf();
    let (status, _) = admin
        .post(
            &format!("/admin/resellers/{}", t1.reseller_id),
            &[("csrf", &csrf), ("name", "Renamed")],
        )
        .await;
    assert_eq!(status, 303);
    assert_ne!(snapshot(&w).await, before);
    w.srv.stop().await;
}

#[tokio::test]
async fn another_resellers_customer_is_not_found_on_every_page_and_form() {
    let w = world().await;
    let t2 = &w.t2;
    let mut rita = Jar::sign_in(&w.srv, "ritaone", PW).await;
    let csrf = rita.csrf();
    let page = format!("/admin/customers/{}", t2.company_id);
    let (status, html) = rita.get(&page).await;
    assert_eq!(status, 404);
    assert!(!html.contains(&t2.company_name), "{html}");
    for (path, fields) in [
        (
            format!("{page}/subscription"),
            vec![("max_users", "999"), ("max_lines", "999")],
        ),
        (
            format!("{page}/packages"),
            vec![("offer", t2.package_id.as_str())],
        ),
        (format!("{page}/barring"), vec![("all_outside", "on")]),
        (format!("{page}/delete"), vec![("confirm", "on")]),
    ] {
        let mut fields = fields;
        fields.push(("csrf", &csrf));
        let (status, html) = rita.post(&path, &fields).await;
        assert_eq!(status, 404, "{path}");
        assert!(!html.contains(&t2.company_name));
    }
    let co = w
        .srv
        .get(&format!("/api/v1/companies/{}", t2.company_id), &w.sys)
        .await;
    assert_eq!(co.body["max_users"], json!(10), "unchanged: {}", co.text);
    let bars = w
        .srv
        .get(
            &format!("/api/v1/companies/{}/call-barring", t2.company_id),
            &w.sys,
        )
        .await;
    assert_eq!(bars.body["barred"]["all_outside"], json!(false));
    let (_, list) = rita.get("/admin/customers?q=company").await;
    assert!(list.contains(&w.t1.company_name) && !list.contains(&t2.company_name));
    // The reseller's package pages and the provider's pages do not exist for a reseller.
    for path in [
        format!("/admin/packages/{}", t2.package_id),
        format!("/admin/resellers/{}", w.t1.reseller_id),
        "/admin/trunks".to_owned(),
        "/admin/system-admins".to_owned(),
        "/admin/health".to_owned(),
    ] {
        let (status, _) = rita.get(&path).await;
        assert_eq!(status, 404, "{path}");
    }
    w.srv.stop().await;
}

#[tokio::test]
async fn only_system_administrators_create_system_administrators_and_it_is_audited() {
    let w = world().await;
    let body = json!({"name": "Ops", "username": "opsadmin2", "password": PW});
    for token in [&w.t1.reseller_token, &w.t1.admin_token, &w.t1.user_token] {
        let r = w
            .srv
            .post("/api/v1/system-admins", token, body.clone())
            .await;
        assert!(
            r.status == 404 || r.status == 403,
            "refused: {} {}",
            r.status,
            r.text
        );
        let r = w.srv.get("/api/v1/system-admins", token).await;
        assert!(r.status == 404 || r.status == 403, "{}", r.text);
    }
    let weak = json!({"name": "Ops", "username": "opsadmin2", "password": "short"});
    let r = w.srv.post("/api/v1/system-admins", &w.sys, weak).await;
    assert_eq!(r.status, 422, "the password rules apply: {}", r.text);
    let r = w
        .srv
        .post("/api/v1/system-admins", &w.sys, body.clone())
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["role"], json!("system_admin"));
    let id = r.id();
    assert!(!r.text.contains(PW), "no password in the answer");
    let r = w.srv.post("/api/v1/system-admins", &w.sys, body).await;
    assert_eq!(r.status, 409, "username taken: {}", r.text);
    let list = w.srv.get("/api/v1/system-admins", &w.sys).await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 2);
    let audit = w.srv.get("/api/v1/audit", &w.sys).await;
    let created = audit.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["target_id"] == json!(id))
        .cloned()
        .expect("the creation is audited");
    assert_eq!(created["kind"], json!("created"));
    assert_eq!(created["actor_name"], json!("admin"));
    assert!(!audit.text.contains(PW), "no password in the audit");
    let token = w.srv.login("opsadmin2", PW).await;
    let me = w.srv.get("/api/v1/me", &token).await;
    assert_eq!(me.body["role"], json!("system_admin"));
    w.srv.stop().await;
}

#[tokio::test]
async fn every_provider_and_reseller_page_exists_in_english_and_french_without_a_missing_text() {
    let w = world().await;
    let t1 = &w.t1;
    let trunk = w
        .srv
        .post(
            "/api/v1/trunks",
            &w.sys,
            json!({"name": "Installation", "address": "192.0.2.211:5060"}),
        )
        .await
        .id();
    let pages = [
        (
            "/admin/customers".to_owned(),
            Some(("Customers", "Clients")),
        ),
        (format!("/admin/customers/{}", t1.company_id), None),
        (
            "/admin/resellers".to_owned(),
            Some(("Resellers", "Revendeurs")),
        ),
        (format!("/admin/resellers/{}", t1.reseller_id), None),
        ("/admin/packages".to_owned(), Some(("Packages", "Forfaits"))),
        (format!("/admin/packages/{}", t1.package_id), None),
        ("/admin/trunks".to_owned(), Some(("Trunks", "Trunks"))),
        (format!("/admin/trunks/{trunk}"), None),
        (
            "/admin/system-admins".to_owned(),
            Some(("System administrators", "Administrateurs système")),
        ),
        (
            "/admin/health".to_owned(),
            Some(("Health", "État de l'installation")),
        ),
        (
            "/admin/audit".to_owned(),
            Some(("Activity audit", "Journal d'activité")),
        ),
    ];
    let mut admin = Jar::sign_in(&w.srv, "admin", ADMIN_PW).await;
    for lang in ["en", "fr"] {
        let csrf = admin.csrf();
        let (status, _) = admin
            .post(
                "/language",
                &[("csrf", &csrf), ("lang", lang), ("back", "/admin")],
            )
            .await;
        assert_eq!(status, 303);
        for (path, title) in &pages {
            let (status, html) = admin.get(path).await;
            assert_eq!(status, 200, "{path} in {lang}");
            assert!(html.contains(&format!("<html lang=\"{lang}\"")), "{path}");
            if let Some((en, fr)) = title {
                let want = if lang == "fr" { fr } else { en };
                let want = want.replace('\'', "&#39;");
                assert!(
                    html.contains(&format!("<h1>{want}</h1>")),
                    "{path} in {lang}: {html}"
                );
            }
            // A missing text would show as its key.
            for raw in ["pv_", "feature_", "done_", "err_", "owner_", "_hint<"] {
                assert!(!html.contains(raw), "{raw} on {path} in {lang}");
            }
        }
    }
    w.srv.stop().await;
}
