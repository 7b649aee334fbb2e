//! The company administrator's portal pages over plain HTTP (no browser): CSRF on every form,
//! another tenant's pages 404, the user list's search, filters and paging.

use crate::kit::*;
use serde_json::json;

/// A cookie-keeping client that does not follow redirects, like a browser without JavaScript.
struct Person {
    http: reqwest::Client,
    base: String,
    cookies: Vec<(String, String)>,
}

struct Page {
    status: u16,
    html: String,
    location: Option<String>,
}

impl Page {
    fn csrf(&self) -> String {
        self.html
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap_or_default()
            .to_owned()
    }
}

impl Person {
    async fn signed_in(srv: &Srv, user: &str, pw: &str) -> Self {
        let mut p = Self {
            http: srv.http.clone(),
            base: srv.base.clone(),
            cookies: Vec::new(),
        };
        let csrf = p.get("/").await.csrf();
        let r = p
            .post(
                "/login",
                &[("csrf", &csrf), ("username", user), ("password", pw)],
            )
            .await;
        assert_eq!(r.status, 303, "{user} signs in");
        p
    }
    fn keep(&mut self, r: &reqwest::Response) {
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
    async fn send(&mut self, rb: reqwest::RequestBuilder) -> Page {
        let r = rb
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.keep(&r);
        let location = r
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned());
        Page {
            status: r.status().as_u16(),
            location,
            html: r.text().await.unwrap(),
        }
    }
    async fn get(&mut self, path: &str) -> Page {
        let rb = self.http.get(format!("{}{path}", self.base));
        self.send(rb).await
    }
    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let rb = self.http.post(format!("{}{path}", self.base)).form(form);
        self.send(rb).await
    }
    /// A fresh CSRF token from a page of the portal.
    async fn csrf(&mut self) -> String {
        self.get("/my").await.csrf()
    }
}

fn users_of(t: &Tenant) -> String {
    format!("/admin/companies/{}/users", t.company_id)
}

#[tokio::test]
async fn company_forms_without_or_with_a_wrong_csrf_token_are_refused_and_change_nothing() {
    let w = world().await;
    let mut ada = Person::signed_in(&w.srv, "adaone", PW).await;
    let ulf = format!("{}/{}", users_of(&w.t1), w.t1.user_id);
    let calls_before = w
        .srv
        .get(
            &format!("/api/v1/lines/{}/call-handling", w.t1.line_id),
            &w.t1.admin_token,
        )
        .await
        .text;
    let forms: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            format!("{ulf}/profile"),
            vec![("name", "Mallory"), ("admin", "yes")],
        ),
        (format!("{ulf}/disable"), vec![]),
        (
            format!("{ulf}/password"),
            vec![("password", "Other-Pass-9!")],
        ),
        (format!("{ulf}/delete"), vec![]),
        (
            format!("{ulf}/calls"),
            vec![
                ("line", w.t1.line_id.as_str()),
                ("forward_all", "+15550109999"),
            ],
        ),
        (users_of(&w.t1), vec![("name", "Intruder")]),
        (
            format!("{ulf}/notifications"),
            vec![("line", w.t1.line_id.as_str()), ("missed_calls", "1")],
        ),
        (
            format!("{ulf}/pin"),
            vec![("line", w.t1.line_id.as_str()), ("pin", "204863")],
        ),
        (
            format!("{ulf}/credentials"),
            vec![("line", w.t1.line_id.as_str()), ("password", PW)],
        ),
        (
            format!("{ulf}/voicemail-settings"),
            vec![
                ("line", w.t1.line_id.as_str()),
                ("email_to", "x@evil.example"),
            ],
        ),
    ];
    for (path, fields) in &forms {
        for csrf in [None, Some("forged-token")] {
            let mut form = fields.clone();
            if let Some(t) = csrf {
                form.push(("csrf", t));
            }
            let r = ada.post(path, &form).await;
            assert_eq!(r.status, 403, "{path} with csrf {csrf:?}");
        }
    }
    let u = w
        .srv
        .get(
            &format!("/api/v1/users/{}", w.t1.user_id),
            &w.t1.admin_token,
        )
        .await;
    assert_eq!(u.status, 200, "Ulf is still there");
    assert_eq!(u.body["name"], "Ulf");
    assert_eq!(u.body["role"], "end_user");
    assert_eq!(u.body["enabled"], true);
    let calls_after = w
        .srv
        .get(
            &format!("/api/v1/lines/{}/call-handling", w.t1.line_id),
            &w.t1.admin_token,
        )
        .await
        .text;
    assert_eq!(calls_before, calls_after);
    let line = |what: &str| format!("/api/v1/lines/{}/{what}", w.t1.line_id);
    let n = w.srv.get(&line("notifications"), &w.t1.admin_token).await;
    assert_eq!(n.body["missed_calls"], false, "{}", n.text);
    let pin = w.srv.get(&line("voice-pin"), &w.t1.admin_token).await;
    assert_eq!(pin.body["set"], false, "{}", pin.text);
    let vm = w
        .srv
        .get(&line("voicemail-settings"), &w.t1.admin_token)
        .await;
    assert_eq!(vm.body["email_to"], json!([]), "{}", vm.text);
    let list = w
        .srv
        .get(
            &format!("/api/v1/companies/{}/users", w.t1.company_id),
            &w.t1.admin_token,
        )
        .await;
    assert_eq!(
        list.body["items"].as_array().unwrap().len(),
        2,
        "no user added"
    );
    assert!(
        w.srv.login_resp("ulfone", PW).await.status == 200,
        "password unchanged"
    );
    // With the token the same form works: the refusals above were the token's. A second line
    // brings the choice of the default one.
    let second = w
        .srv
        .post(
            &format!("/api/v1/companies/{}/lines", w.t1.company_id),
            &w.t1.admin_token,
            json!({"extension": "203", "user_id": w.t1.user_id}),
        )
        .await;
    assert_eq!(second.status, 201, "{}", second.text);
    let profile = ada.get(&format!("{ulf}/profile")).await;
    assert!(profile.html.contains("name=\"default_line\""));
    let csrf = profile.csrf();
    let r = ada
        .post(
            &format!("{ulf}/profile"),
            &[
                ("csrf", &csrf),
                ("name", "Ulf Renamed"),
                ("admin", "no"),
                ("default_line", &second.id()),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.html);
    let u = w
        .srv
        .get(
            &format!("/api/v1/users/{}", w.t1.user_id),
            &w.t1.admin_token,
        )
        .await;
    assert_eq!(u.body["name"], "Ulf Renamed");
    assert_eq!(u.body["default_line_id"], json!(second.id()));
    w.srv.stop().await;
}

#[tokio::test]
async fn another_companys_user_pages_are_not_found_and_its_users_unchanged() {
    let w = world().await;
    let mut ada = Person::signed_in(&w.srv, "adaone", PW).await;
    let other = format!("{}/{}", users_of(&w.t2), w.t2.user_id);
    // Company two's user under company one's address: not found either.
    let smuggled = format!("{}/{}", users_of(&w.t1), w.t2.user_id);
    for path in [
        users_of(&w.t2),
        format!("{}/new", users_of(&w.t2)),
        format!("{other}/profile"),
        format!("{other}/calls"),
        format!("{other}/delete"),
        format!("{smuggled}/profile"),
        format!("{smuggled}/calls"),
        format!("{smuggled}/notifications"),
        format!("{smuggled}/voicemail"),
        format!("{smuggled}/messages"),
        format!("{smuggled}/messages.csv"),
        format!("{smuggled}/device"),
        format!("{other}/messages.csv"),
        format!("{smuggled}/voicemails/01a24d2e4cfeae22ccdf6a06b84ea425"),
    ] {
        let r = ada.get(&path).await;
        assert_eq!(r.status, 404, "{path}");
        assert!(!r.html.contains("Ulf"), "{path} shows nothing of the user");
    }
    let csrf = ada.csrf().await;
    for path in [
        format!("{other}/profile"),
        format!("{other}/disable"),
        format!("{other}/delete"),
        format!("{smuggled}/profile"),
        format!("{smuggled}/delete"),
    ] {
        let r = ada
            .post(&path, &[("csrf", &csrf), ("name", "Mallory")])
            .await;
        assert_eq!(r.status, 404, "{path}");
    }
    let r = ada
        .post(&users_of(&w.t2), &[("csrf", &csrf), ("name", "Mallory")])
        .await;
    assert_eq!(r.status, 404, "no user added to company two");
    let u = w
        .srv
        .get(
            &format!("/api/v1/users/{}", w.t2.user_id),
            &w.t2.admin_token,
        )
        .await;
    assert_eq!(
        (u.body["name"].as_str(), u.body["enabled"].as_bool()),
        (Some("Ulf"), Some(true))
    );
    // A reseller reaches its own customer's users, not the other reseller's.
    let mut rita = Person::signed_in(&w.srv, "ritaone", PW).await;
    assert_eq!(rita.get(&users_of(&w.t1)).await.status, 200);
    assert_eq!(rita.get(&users_of(&w.t2)).await.status, 404);
    // An end user's own company's list is not theirs to see.
    let mut ulf = Person::signed_in(&w.srv, "ulfone", PW).await;
    let r = ulf.get(&users_of(&w.t1)).await;
    assert_eq!(r.status, 403);
    w.srv.stop().await;
}

#[tokio::test]
async fn the_user_list_searches_filters_and_pages_through_more_users_than_a_page_holds() {
    let w = world().await;
    let r = w
        .srv
        .put(
            &format!("/api/v1/companies/{}/subscription", w.t1.company_id),
            &w.t1.reseller_token,
            json!({"max_users": 200, "max_lines": 10}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    for i in 0..60 {
        let r = w
            .srv
            .post(
                &format!("/api/v1/companies/{}/users", w.t1.company_id),
                &w.t1.admin_token,
                json!({"name": format!("Person {i:02}")}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let mut ada = Person::signed_in(&w.srv, "adaone", PW).await;
    let home = ada.get("/admin").await;
    assert_eq!(
        home.location.as_deref(),
        Some(users_of(&w.t1).as_str()),
        "/admin leads to the users"
    );
    let first = ada.get(&users_of(&w.t1)).await;
    assert_eq!(first.status, 200);
    let rows = |html: &str| html.matches("/profile\">").count() / 2;
    assert_eq!(rows(&first.html), 50, "a page of 50");
    let next = first
        .html
        .split("rel=\"next\"")
        .next()
        .and_then(|h| h.rsplit("href=\"").next())
        .and_then(|h| h.split('"').next())
        .unwrap()
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    let second = ada.get(&next).await;
    assert_eq!(rows(&second.html), 12, "62 users in all: {next}");
    assert!(!second.html.contains("rel=\"next\""), "the last page");
    // Search by extension finds Ulf (line 201), with his number shown.
    let found = ada.get(&format!("{}?q=201", users_of(&w.t1))).await;
    assert_eq!(rows(&found.html), 1);
    assert!(found.html.contains(">Ulf<") && found.html.contains("+15550000001"));
    let found = ada
        .get(&format!(
            "{}?q=person+0&role=end_user&enabled=yes",
            users_of(&w.t1)
        ))
        .await;
    assert_eq!(rows(&found.html), 10, "Person 00 to 09");
    let admins = ada
        .get(&format!("{}?role=company_admin", users_of(&w.t1)))
        .await;
    assert_eq!(rows(&admins.html), 1, "Ada alone");
    let sales = ada
        .get(&format!(
            "{}?department={}",
            users_of(&w.t1),
            w.t1.department_id
        ))
        .await;
    assert_eq!(rows(&sales.html), 1, "Ulf is in Sales");
    let locked = ada.get(&format!("{}?locked=yes", users_of(&w.t1))).await;
    assert_eq!(rows(&locked.html), 0);
    w.srv.stop().await;
}

/// A multipart/form-data body: (name, file name, content) parts.
fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----sbtestboundary7MA4YWxk";
    let mut b = Vec::new();
    for (name, file, data) in parts {
        b.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some(f) => b.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
            ),
            None => b.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        b.extend_from_slice(data);
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), b)
}

impl Person {
    async fn upload(&mut self, path: &str, parts: &[(&str, Option<&str>, &[u8])]) -> Page {
        let (ct, body) = multipart(parts);
        let rb = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", ct)
            .body(body);
        self.send(rb).await
    }
}

fn tone_wav() -> Vec<u8> {
    let path = std::env::temp_dir().join(format!("sb-greeting-{}.wav", std::process::id()));
    crate::baresip::tone_wav_at(&path, 440.0, 1, 8000);
    let wav = std::fs::read(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    wav
}

#[tokio::test]
async fn a_greeting_upload_takes_a_wav_and_refuses_bad_files_or_a_missing_token_changing_nothing() {
    let w = world().await;
    let mut ada = Person::signed_in(&w.srv, "adaone", PW).await;
    let ulf = format!("{}/{}", users_of(&w.t1), w.t1.user_id);
    let upload = format!("{ulf}/voicemail/greeting");
    let api = format!("/api/v1/lines/{}/voicemail-greeting", w.t1.line_id);
    let line = w.t1.line_id.as_bytes();
    let tab = ada.get(&format!("{ulf}/voicemail")).await;
    assert_eq!(tab.status, 200);
    assert!(tab.html.contains("enctype=\"multipart/form-data\""));
    let wav = tone_wav();
    let csrf = tab.csrf();
    let no_greeting = async |srv: &Srv| srv.get(&api, &w.t1.admin_token).await.status == 404;
    // Without the token, or with a wrong one: refused, whatever the file.
    for token in [None, Some("forged")] {
        let mut parts: Vec<(&str, Option<&str>, &[u8])> =
            vec![("line", None, line), ("greeting", Some("g.wav"), &wav)];
        if let Some(t) = token {
            parts.insert(0, ("csrf", None, t.as_bytes()));
        }
        assert_eq!(ada.upload(&upload, &parts).await.status, 403, "{token:?}");
    }
    assert!(no_greeting(&w.srv).await, "no greeting after refused forms");
    // Not audio: the reason on the page, nothing changed.
    let r = ada
        .upload(
            &upload,
            &[
                ("csrf", None, csrf.as_bytes()),
                ("line", None, line),
                ("greeting", Some("notes.txt"), b"this is not a sound"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.html.contains("role=\"alert\""), "{}", r.html);
    assert!(no_greeting(&w.srv).await);
    // No file chosen, and a body past the route's limit.
    let r = ada
        .upload(
            &upload,
            &[("csrf", None, csrf.as_bytes()), ("line", None, line)],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.html.contains("Choose a file first"));
    let big = vec![0u8; 11 * 1024 * 1024];
    let r = ada
        .upload(
            &upload,
            &[
                ("csrf", None, csrf.as_bytes()),
                ("line", None, line),
                ("greeting", Some("big.wav"), &big),
            ],
        )
        .await;
    assert_eq!(r.status, 413);
    assert!(r.html.contains("larger than 10 MB"));
    assert!(no_greeting(&w.srv).await);
    // Another company's user: not found, with a good token and file.
    let other = format!("{}/{}/voicemail/greeting", users_of(&w.t2), w.t2.user_id);
    let r = ada
        .upload(
            &other,
            &[
                ("csrf", None, csrf.as_bytes()),
                ("line", None, w.t2.line_id.as_bytes()),
                ("greeting", Some("g.wav"), &wav),
            ],
        )
        .await;
    assert_eq!(r.status, 404);
    // A WAV: saved, played back from the tab.
    let r = ada
        .upload(
            &upload,
            &[
                ("csrf", None, csrf.as_bytes()),
                ("line", None, line),
                ("greeting", Some("g.wav"), &wav),
            ],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.html);
    let saved = w.srv.get(&api, &w.t1.admin_token).await;
    assert_eq!(saved.status, 200);
    let tab = ada.get(&format!("{ulf}/voicemail")).await;
    assert!(tab.html.contains("<audio"), "the greeting plays on the tab");
    let played = ada.get(&format!("{upload}?line={}", w.t1.line_id)).await;
    assert_eq!(played.status, 200);
    let other_line = ada.get(&format!("{upload}?line={}", w.t2.line_id)).await;
    assert_eq!(other_line.status, 404, "only the user's own lines");
    w.srv.stop().await;
}

#[tokio::test]
async fn the_rest_user_list_takes_the_same_filters_through_the_same_use_case() {
    let w = world().await;
    let users = format!("/api/v1/companies/{}/users", w.t1.company_id);
    let names = |r: &Resp| -> Vec<String> {
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let r = w
        .srv
        .get(&format!("{users}?q=201"), &w.t1.admin_token)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(names(&r), ["Ulf"], "by extension");
    let r = w
        .srv
        .get(
            &format!("{users}?role=company_admin&enabled=true"),
            &w.t1.admin_token,
        )
        .await;
    assert_eq!(names(&r), ["Ada"]);
    let r = w
        .srv
        .get(
            &format!("{users}?department_id={}", w.t1.department_id),
            &w.t1.admin_token,
        )
        .await;
    assert_eq!(names(&r), ["Ulf"]);
    let r = w
        .srv
        .get(&format!("{users}?locked=maybe"), &w.t1.admin_token)
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    let other = format!("/api/v1/companies/{}/users?q=ulf", w.t2.company_id);
    assert_eq!(w.srv.get(&other, &w.t1.admin_token).await.status, 404);
    assert_eq!(w.srv.get(&other, &w.t1.user_token).await.status, 404);
    let own = w.srv.get(&format!("{users}?q=ulf"), &w.t1.user_token).await;
    assert_eq!(own.status, 403, "an end user lists no one");
    w.srv.stop().await;
}

#[tokio::test]
async fn the_user_list_page_shows_every_change_at_once_and_still_asks_who_may_see_it() {
    let w = world().await;
    let mut ada = Person::signed_in(&w.srv, "adaone", PW).await;
    let list = users_of(&w.t1);
    let first = ada.get(&list).await;
    assert_eq!(first.status, 200);
    assert!(first.html.contains(">Ulf</a>"), "{}", first.html);
    // The list is kept now: every kind of change must still show on the next request.
    let r = w
        .srv
        .patch(
            &format!("/api/v1/users/{}", w.t1.user_id),
            &w.t1.admin_token,
            json!({"name": "Ulrich"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let renamed = ada.get(&list).await;
    assert!(renamed.html.contains(">Ulrich</a>"), "a renamed user");
    assert!(!renamed.html.contains(">Ulf</a>"));
    let r = w
        .srv
        .patch(
            &format!("/api/v1/departments/{}", w.t1.department_id),
            &w.t1.admin_token,
            json!({"name": "Night Desk"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(
        ada.get(&list).await.html.contains("<td>Night Desk</td>"),
        "a renamed department"
    );
    let r = w
        .srv
        .patch(
            &format!("/api/v1/lines/{}", w.t1.line_id),
            &w.t1.admin_token,
            json!({"extension": "299"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(
        ada.get(&list).await.html.contains("<td>299"),
        "a line's new extension"
    );
    // The same page in French is French, not the English rows kept a moment ago.
    let csrf = ada.csrf().await;
    ada.post(
        "/language",
        &[("csrf", &csrf), ("lang", "fr"), ("back", &list)],
    )
    .await;
    let fr = ada.get(&list).await;
    assert!(fr.html.contains("Voir les réglages"), "French rows");
    // Who may see the list is asked on every request, kept list or not.
    let mut other = Person::signed_in(&w.srv, "adatwo", PW).await;
    assert_eq!(
        other.get(&list).await.status,
        404,
        "another company's admin"
    );
    let mut ulf = Person::signed_in(&w.srv, "ulfone", PW).await;
    assert_ne!(ulf.get(&list).await.status, 200, "an end user");
}

#[tokio::test]
async fn the_company_audit_lists_newest_first_filters_by_user_kind_and_day_and_exports_csv() {
    let w = world().await;
    let mut ada = Person::signed_in(&w.srv, "adaone", PW).await;
    // A change made from a page: audited with the address it came from.
    let csrf = ada.csrf().await;
    let r = ada
        .post(
            &format!("{}/{}/profile", users_of(&w.t1), w.t1.user_id),
            &[("csrf", &csrf), ("name", "Ulrich"), ("email", "")],
        )
        .await;
    assert!(r.status < 400, "{} {}", r.status, r.html);
    let audit = format!("/admin/companies/{}/audit", w.t1.company_id);
    let page = ada.get(&audit).await;
    assert_eq!(page.status, 200, "{}", page.html);
    let first_row = page.html.split("<tbody>").nth(1).unwrap_or_default();
    assert!(
        first_row
            .split("</tr>")
            .next()
            .unwrap()
            .contains("127.0.0.1"),
        "the newest record first, with the portal's source address: {first_row}"
    );
    // Its time is the company's (New York's) wall clock, not UTC, and the page says so.
    let newest = w
        .srv
        .get(
            &format!(
                "/api/v1/companies/{}/audit?order=newest&limit=1",
                w.t1.company_id
            ),
            &w.t1.admin_token,
        )
        .await;
    let at: jiff::Timestamp = newest.body["items"][0]["at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let local = at.to_zoned(jiff::tz::TimeZone::get("America/New_York").unwrap());
    let local = local.strftime("%Y-%m-%d %H:%M").to_string();
    assert!(
        first_row.contains(&format!("<td>{local}</td>")),
        "{local}: {first_row}"
    );
    assert!(page.html.contains("America/New_York"), "the zone is named");
    // By user: Ulf's records only; an unknown username is refused with a reason.
    let ulf = ada.get(&format!("{audit}?user=ulfone")).await;
    assert_eq!(ulf.status, 200);
    assert!(ulf.html.contains(&w.t1.user_id));
    let nobody = ada.get(&format!("{audit}?user=nobody-here")).await;
    assert_eq!(nobody.status, 422);
    assert!(nobody.html.contains("role=\"alert\""));
    // By day: nothing happened in 2001; a malformed day is refused.
    let old = ada
        .get(&format!("{audit}?from=2001-01-01&to=2001-12-31"))
        .await;
    assert_eq!(old.status, 200);
    assert!(!old.html.contains("<tbody>"), "no records in 2001");
    assert_eq!(
        ada.get(&format!("{audit}?from=yesterday")).await.status,
        422
    );
    // CSV: every record the filters select, rows ending with CRLF.
    let r = w
        .srv
        .http
        .get(format!("{}{audit}.csv?kind=changed", w.srv.base))
        .header("cookie", ada.cookie_header())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = r.text().await.unwrap();
    assert!(csv.starts_with("id,at,kind,"), "{csv}");
    assert!(csv.ends_with("\r\n"));
    let rows: Vec<&str> = csv.trim_end().split("\r\n").skip(1).collect();
    assert!(!rows.is_empty(), "{csv}");
    assert!(rows.iter().all(|r| r.contains(",changed,")), "{csv}");
    // Another company's audit does not exist for Ada, nor for its admin's end users.
    let other = format!("/admin/companies/{}/audit", w.t2.company_id);
    assert_eq!(ada.get(&other).await.status, 404);
    assert_eq!(ada.get(&format!("{other}.csv")).await.status, 404);
    let mut ulf = Person::signed_in(&w.srv, "ulfone", PW).await;
    assert_ne!(ulf.get(&audit).await.status, 200);
}
