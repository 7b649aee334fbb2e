//! Call centre and conferences in the portal over plain HTTP: every form needs its CSRF token
//! and changes nothing without it; another company's queues and meetings do not exist; a
//! meeting scheduled, moved and cancelled from the page mails its people at a real SMTP server.

use crate::kit::*;
use crate::portal_provider::Jar;

fn count(body: &serde_json::Value) -> usize {
    body["items"]
        .as_array()
        .or(body.as_array())
        .map_or(0, Vec::len)
}

#[tokio::test]
async fn queue_and_meeting_forms_without_the_right_csrf_token_change_nothing() {
    let w = world().await;
    let t1 = &w.t1;
    let queues_api = format!("/api/v1/companies/{}/queues", t1.company_id);
    let queue_api = format!("/api/v1/queues/{}", t1.queue_id);
    let confs_api = format!("/api/v1/companies/{}/conferences", t1.company_id);
    let before = w.srv.get(&queue_api, &t1.admin_token).await.body;
    let confs_before = count(&w.srv.get(&confs_api, &t1.admin_token).await.body);
    let mut ada = Jar::sign_in(&w.srv, "adaone", PW).await;
    let page = format!("/admin/companies/{}/queues", t1.company_id);
    let (status, html) = ada.get(&page).await;
    assert!(status == 200 && html.contains("Help one"), "{html}");
    let queue = format!("{page}/{}", t1.queue_id);
    let agent = format!("agent_{}", t1.line_id);
    let settings = |csrf: &'static str| {
        vec![
            ("csrf", csrf),
            ("name", "Renamed"),
            ("extension", "610"),
            ("strategy", "round_robin"),
            ("overflow", "hang_up"),
            (agent.as_str(), "normal"),
        ]
    };
    let meetings = format!("/admin/companies/{}/conferences", t1.company_id);
    let meeting = [
        ("title", "Budget"),
        ("date", "2099-05-01"),
        ("time", "10:00"),
        ("duration", "30"),
    ];
    for csrf in ["", "not-the-token"] {
        for (path, form) in [
            (page.clone(), settings(csrf)),
            (queue.clone(), settings(csrf)),
            (format!("{queue}/delete"), vec![("csrf", csrf)]),
            (format!("{queue}/music/delete"), vec![("csrf", csrf)]),
            (
                format!("{meetings}/bridge"),
                vec![("csrf", csrf), ("number", "+15550000001")],
            ),
            (
                format!("{meetings}/{}/cancel", t1.conference_id),
                vec![("csrf", csrf)],
            ),
        ] {
            assert_eq!(ada.post(&path, &form).await.0, 403, "{path} with {csrf:?}");
        }
        let mut m = meeting.to_vec();
        m.push(("csrf", csrf));
        assert_eq!(ada.post(&meetings, &m).await.0, 403);
    }
    assert_eq!(w.srv.get(&queue_api, &t1.admin_token).await.body, before);
    assert_eq!(
        count(&w.srv.get(&queues_api, &t1.admin_token).await.body),
        1
    );
    assert_eq!(
        count(&w.srv.get(&confs_api, &t1.admin_token).await.body),
        confs_before
    );
    let r = w
        .srv
        .get(
            &format!("/api/v1/conferences/{}", t1.conference_id),
            &t1.admin_token,
        )
        .await;
    assert_eq!(r.status, 200, "the meeting is still there: {}", r.text);
    w.srv.stop().await;
}

#[tokio::test]
async fn another_company_s_queues_and_meetings_are_not_found_in_the_portal() {
    let w = world().await;
    let (t1, t2) = (&w.t1, &w.t2);
    let mut other = Jar::sign_in(&w.srv, "adatwo", PW).await;
    let theirs = format!("/admin/companies/{}", t1.company_id);
    let queue = format!("{theirs}/queues/{}", t1.queue_id);
    let meeting = format!("{theirs}/conferences/{}", t1.conference_id);
    // Another company's queue and meeting under one's own company's path: not found either.
    let own_path_queue = format!("/admin/companies/{}/queues/{}", t2.company_id, t1.queue_id);
    let own_path_meeting = format!(
        "/admin/companies/{}/conferences/{}",
        t2.company_id, t1.conference_id
    );
    for path in [
        format!("{theirs}/queues"),
        format!("{theirs}/queues/live"),
        queue.clone(),
        format!("{queue}/board"),
        format!("{queue}/board/live"),
        format!("{theirs}/conferences"),
        meeting.clone(),
        own_path_queue.clone(),
        format!("{own_path_queue}/board/live"),
        own_path_meeting.clone(),
    ] {
        let (status, html) = other.get(&path).await;
        assert_eq!(status, 404, "{path}");
        assert!(
            !html.contains("Help one") && !html.contains("Plans one"),
            "{path}"
        );
    }
    let csrf = other.csrf();
    for path in [
        format!("{queue}/delete"),
        format!("{own_path_queue}/delete"),
        format!("{meeting}/cancel"),
        format!("{own_path_meeting}/cancel"),
    ] {
        assert_eq!(other.post(&path, &[("csrf", &csrf)]).await.0, 404, "{path}");
    }
    let q = w
        .srv
        .get(&format!("/api/v1/queues/{}", t1.queue_id), &t1.admin_token)
        .await;
    assert_eq!(q.status, 200, "{}", q.text);
    let c = w
        .srv
        .get(
            &format!("/api/v1/conferences/{}", t1.conference_id),
            &t1.admin_token,
        )
        .await;
    assert_eq!(c.status, 200, "{}", c.text);
    // An end user has no call centre page, even of their own company.
    let mut ulf = Jar::sign_in(&w.srv, "ulfone", PW).await;
    assert_eq!(ulf.get(&format!("{theirs}/queues")).await.0, 404);
    assert_eq!(ulf.get(&format!("{theirs}/conferences")).await.0, 404);
    w.srv.stop().await;
}

#[tokio::test]
async fn a_live_board_polled_after_the_session_ended_loads_the_sign_in_page_whole() {
    let w = world().await;
    let live = format!(
        "{}/admin/companies/{}/queues/{}/board/live",
        w.srv.base, w.t1.company_id, w.t1.queue_id
    );
    // htmx's poll without a session: told to go to the sign-in page, not given it to swap in.
    let polled = w
        .srv
        .http
        .get(&live)
        .header("hx-request", "true")
        .send()
        .await
        .unwrap();
    assert_eq!(polled.status().as_u16(), 200);
    assert_eq!(polled.headers()["hx-redirect"], "/");
    assert!(polled.text().await.unwrap().is_empty());
    // A plain request is redirected as before.
    let plain = w.srv.http.get(&live).send().await.unwrap();
    assert_eq!(plain.status().as_u16(), 303);
    assert_eq!(plain.headers()["location"], "/");
    w.srv.stop().await;
}

#[tokio::test]
async fn a_meeting_scheduled_moved_and_cancelled_in_the_portal_mails_its_people() {
    let Some(sink) = SmtpSink::start().await else {
        return;
    };
    let srv = start_with_smtp(&sink.url).await;
    let sys = srv.admin().await;
    let t = tenant(&srv, &sys, "meet").await;
    let mut ada = Jar::sign_in(&srv, "adameet", PW).await;
    let page = format!("/admin/companies/{}/conferences", t.company_id);
    let csrf = ada.csrf();
    let form = [
        ("csrf", csrf.as_str()),
        ("title", "Quarterly review"),
        ("date", "2099-05-01"),
        ("time", "10:00"),
        ("duration", "45"),
        ("organizer", t.admin_id.as_str()),
        ("user", t.user_id.as_str()),
        (
            "emails",
            "guest@outside.example.com\nbo@outside.example.com",
        ),
    ];
    let (status, html) = ada.post(&page, &form).await;
    assert_eq!(status, 303, "{html}");
    let api = format!("/api/v1/companies/{}/conferences", t.company_id);
    let list = srv.get(&api, &t.admin_token).await.body;
    let conf = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["title"] == "Quarterly review")
        .expect("scheduled")
        .clone();
    // Typed in the company's zone: 10:00 in New York in May is 14:00 UTC.
    assert_eq!(conf["starts_at"], "2099-05-01T14:00:00Z");
    assert_eq!(conf["duration_minutes"], 45);
    let (_, listed) = ada.get(&page).await;
    assert!(
        listed.contains("<td>2099-05-01 10:00</td>") && listed.contains("America/New_York"),
        "the list shows the company's time: {listed}"
    );
    assert_eq!(conf["participants"].as_array().unwrap().len(), 3);
    // Each outside address is mailed the invitation (Ulf has no address).
    for to in ["guest@outside.example.com", "bo@outside.example.com"] {
        let mail = sink
            .wait_for(&format!(
                "To: <{to}>\nSubject: Invitation: Quarterly review"
            ))
            .await;
        assert!(
            mail.contains("Starts: 2099-05-01 10:00 (America/New_York)"),
            "{mail}"
        );
    }
    // A start in the past is refused next to the date, and nothing moves.
    let one = format!("{page}/{}", conf["id"].as_str().unwrap());
    let moved = |date: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("date", date.to_owned()),
            ("time", "16:30".to_owned()),
            ("duration", "60".to_owned()),
        ]
    };
    let past = moved("2001-01-01");
    let past: Vec<(&str, &str)> = past.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, html) = ada.post(&one, &past).await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("cf-date-error"),
        "the reason sits by the date: {html}"
    );
    let api_one = format!("/api/v1/conferences/{}", conf["id"].as_str().unwrap());
    assert_eq!(
        srv.get(&api_one, &t.admin_token).await.body["starts_at"],
        "2099-05-01T14:00:00Z"
    );
    let later = moved("2099-05-02");
    let later: Vec<(&str, &str)> = later.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(ada.post(&one, &later).await.0, 303);
    let now = srv.get(&api_one, &t.admin_token).await.body;
    assert_eq!(now["starts_at"], "2099-05-02T20:30:00Z");
    assert_eq!(now["duration_minutes"], 60);
    assert_eq!(
        now["dial_in"]["access_code"],
        conf["dial_in"]["access_code"]
    );
    let mail = sink.wait_for("Moved: Quarterly review").await;
    let moved_mail = &mail[mail.find("Moved: Quarterly review").unwrap()..];
    assert!(
        moved_mail.contains("Starts: 2099-05-02 16:30 (America/New_York)"),
        "the new time: {moved_mail}"
    );
    assert_eq!(
        ada.post(&format!("{one}/cancel"), &[("csrf", csrf.as_str())])
            .await
            .0,
        303
    );
    assert_eq!(srv.get(&api_one, &t.admin_token).await.status, 404);
    sink.wait_for("Cancelled: Quarterly review").await;
    srv.stop().await;
}

#[tokio::test]
async fn the_api_moves_a_meeting_for_its_organiser_and_shows_each_agents_state() {
    let w = world().await;
    let (t1, t2) = (&w.t1, &w.t2);
    let board = w
        .srv
        .get(
            &format!("/api/v1/queues/{}/board", t1.queue_id),
            &t1.admin_token,
        )
        .await;
    assert_eq!(board.status, 200, "{}", board.text);
    assert_eq!(board.body["figures"]["waiting"], 0, "{}", board.text);
    assert_eq!(board.body["agents"][0]["line_id"], t1.line_id.as_str());
    assert_eq!(board.body["agents"][0]["state"], "logged_out");
    let status = format!("/api/v1/queues/{}/agent-status", t1.queue_id);
    let body = serde_json::json!({"line_id": t1.line_id, "logged_in": true});
    assert_eq!(w.srv.put(&status, &t1.user_token, body).await.status, 200);
    let board = w
        .srv
        .get(
            &format!("/api/v1/queues/{}/board", t1.queue_id),
            &t1.admin_token,
        )
        .await;
    assert_eq!(
        board.body["agents"][0]["state"], "available",
        "{}",
        board.text
    );

    let one = format!("/api/v1/conferences/{}", t1.conference_id);
    let at = |s: &str| serde_json::json!({"starts_at": s, "duration_minutes": 20});
    let r = w
        .srv
        .patch(&one, &t1.user_token, at("2001-01-01T10:00:00Z"))
        .await;
    assert_eq!(
        (r.status.as_u16(), r.body["field"].clone()),
        (422, "starts_at".into()),
        "{}",
        r.text
    );
    let r = w
        .srv
        .patch(&one, &t2.admin_token, at("2099-02-01T10:00:00Z"))
        .await;
    assert_eq!(r.status, 404, "{}", r.text);
    let r = w
        .srv
        .patch(&one, &t1.user_token, at("2099-02-01T10:00:00Z"))
        .await;
    assert_eq!(r.status, 200, "the organiser moves it: {}", r.text);
    assert_eq!(r.body["starts_at"], "2099-02-01T10:00:00Z");
    assert_eq!(r.body["ends_at"], "2099-02-01T10:20:00Z");
    w.srv.stop().await;
}

#[tokio::test]
async fn a_reseller_works_on_a_customers_queues_and_meetings_under_a_banner_naming_it() {
    let w = world().await;
    let t1 = &w.t1;
    let mut rita = Jar::sign_in(&w.srv, "ritaone", PW).await;
    let base = format!("/admin/companies/{}", t1.company_id);
    for path in [
        format!("{base}/queues"),
        format!("{base}/queues/{}", t1.queue_id),
        format!("{base}/queues/{}/board", t1.queue_id),
        format!("{base}/conferences"),
        format!("{base}/conferences/{}", t1.conference_id),
    ] {
        let (status, html) = rita.get(&path).await;
        assert_eq!(status, 200, "{path}: {html}");
        assert!(
            html.contains(&format!("Acting for {}", t1.company_name)),
            "{path} names the customer: {html}"
        );
    }
    // The company's own administrator sees no banner.
    let mut ada = Jar::sign_in(&w.srv, "adaone", PW).await;
    let (_, html) = ada.get(&format!("{base}/queues")).await;
    assert!(!html.contains("Acting for"), "{html}");
    // A change made by the reseller is the company's, through the same use case.
    let csrf = rita.csrf();
    let agent = format!("agent_{}", t1.line_id);
    let form = [
        ("csrf", csrf.as_str()),
        ("name", "Help one"),
        ("extension", "600"),
        ("strategy", "top_down"),
        ("ring_seconds", "25"),
        ("overflow", "hang_up"),
        (agent.as_str(), "normal"),
    ];
    let (status, html) = rita
        .post(&format!("{base}/queues/{}", t1.queue_id), &form)
        .await;
    assert_eq!(status, 303, "{html}");
    let q = w
        .srv
        .get(&format!("/api/v1/queues/{}", t1.queue_id), &t1.admin_token)
        .await;
    assert_eq!(
        (q.body["strategy"].as_str(), q.body["ring_seconds"].as_i64()),
        (Some("top_down"), Some(25)),
        "{}",
        q.text
    );
    w.srv.stop().await;
}
