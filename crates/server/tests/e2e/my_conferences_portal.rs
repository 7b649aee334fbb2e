//! The end user's own pages over plain HTTP (issue 17): Conferencing offers the company's other
//! people to invite and shows only the person's own meetings, its changes mail the people at a
//! real SMTP server, and only the organiser moves or cancels; the home page's live queue
//! figures are those of the queues the person is an agent of, nobody else's.

use crate::kit::*;
use crate::portal_provider::Jar;
use serde_json::json;

fn form<'a>(pairs: &'a [(&'a str, String)]) -> Vec<(&'a str, &'a str)> {
    pairs.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[tokio::test]
async fn an_end_user_schedules_moves_and_cancels_their_own_meeting_and_its_people_are_mailed() {
    let Some(sink) = SmtpSink::start().await else {
        return;
    };
    let srv = start_with_smtp(&sink.url).await;
    let sys = srv.admin().await;
    let t = tenant(&srv, &sys, "mine").await;
    let mut ulf = Jar::sign_in(&srv, "ulfmine", PW).await;
    let (status, page) = ulf.get("/my/conferences").await;
    assert_eq!(status, 200, "{page}");
    // Colleagues are offered, not the person themself; the meeting they organise is listed.
    assert!(page.contains(&format!("cf-user-{}", t.admin_id)), "{page}");
    assert!(!page.contains(&format!("cf-user-{}", t.user_id)), "{page}");
    assert!(page.contains("Plans mine"), "{page}");
    let csrf = ulf.csrf();
    let meeting = |date: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("title", "Stand-up".to_owned()),
            ("date", date.to_owned()),
            ("time", "10:00".to_owned()),
            ("duration", "15".to_owned()),
            ("user", t.admin_id.clone()),
            ("emails", "guest@outside.example.com".to_owned()),
            // Ignored: an end user organises their own meetings only.
            ("organizer", t.admin_id.clone()),
        ]
    };
    let api = format!("/api/v1/companies/{}/conferences", t.company_id);
    let before = srv.get(&api, &t.admin_token).await.body["items"].clone();
    let (status, html) = ulf
        .post("/my/conferences", &form(&meeting("2001-01-01")))
        .await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("cf-date-error"), "by the date: {html}");
    assert_eq!(srv.get(&api, &t.admin_token).await.body["items"], before);
    let (status, html) = ulf
        .post("/my/conferences", &form(&meeting("2099-05-01")))
        .await;
    assert_eq!(status, 303, "{html}");
    let list = srv.get(&api, &t.admin_token).await.body;
    let conf = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["title"] == "Stand-up")
        .expect("scheduled")
        .clone();
    assert_eq!(conf["organizer_user_id"], t.user_id);
    // 10:00 in New York in May is 14:00 UTC.
    assert_eq!(conf["starts_at"], "2099-05-01T14:00:00Z");
    for to in ["ada@mine.example.com", "guest@outside.example.com"] {
        sink.wait_for(&format!("To: <{to}>\nSubject: Invitation: Stand-up"))
            .await;
    }
    let id = conf["id"].as_str().unwrap();
    let one = format!("/my/conferences/{id}");
    let (status, html) = ulf.get(&one).await;
    assert!(
        status == 200 && html.contains("aria-labelledby=\"reschedule\""),
        "{html}"
    );
    let moved = vec![
        ("csrf", csrf.clone()),
        ("date", "2099-05-02".to_owned()),
        ("time", "16:30".to_owned()),
        ("duration", "30".to_owned()),
    ];
    assert_eq!(ulf.post(&one, &form(&moved)).await.0, 303);
    let api_one = format!("/api/v1/conferences/{id}");
    assert_eq!(
        srv.get(&api_one, &t.admin_token).await.body["starts_at"],
        "2099-05-02T20:30:00Z"
    );
    sink.wait_for("Moved: Stand-up").await;
    // The cancellation is asked again first; the question alone changes nothing.
    let (status, html) = ulf.get(&format!("{one}/cancel")).await;
    assert!(
        status == 200 && html.contains(&format!("{one}/cancel")),
        "{html}"
    );
    assert_eq!(srv.get(&api_one, &t.admin_token).await.status, 200);
    let cancel = [("csrf", csrf.as_str())];
    assert_eq!(ulf.post(&format!("{one}/cancel"), &cancel).await.0, 303);
    assert_eq!(srv.get(&api_one, &t.admin_token).await.status, 404);
    sink.wait_for("Cancelled: Stand-up").await;
    srv.stop().await;
}

#[tokio::test]
async fn only_the_organiser_moves_a_meeting_and_nobody_sees_a_meeting_they_are_not_in() {
    let w = world().await;
    let (t1, t2) = (&w.t1, &w.t2);
    let api = format!("/api/v1/companies/{}/conferences", t1.company_id);
    let schedule = |title: &str, people: serde_json::Value| {
        json!({"title": title, "starts_at": "2099-02-01T10:00:00Z", "duration_minutes": 30,
            "participants": people})
    };
    let invited = w
        .srv
        .post(
            &api,
            &t1.admin_token,
            schedule("Ulf invited", json!([{"user_id": t1.user_id}])),
        )
        .await;
    assert_eq!(invited.status, 201, "{}", invited.text);
    let apart = w
        .srv
        .post(&api, &t1.admin_token, schedule("Without Ulf", json!([])))
        .await;
    assert_eq!(apart.status, 201, "{}", apart.text);
    let mut ulf = Jar::sign_in(&w.srv, "ulfone", PW).await;
    let (_, page) = ulf.get("/my/conferences").await;
    assert!(
        page.contains("Ulf invited") && page.contains("Plans one"),
        "{page}"
    );
    assert!(!page.contains("Without Ulf"), "{page}");
    // Another company's people are not offered.
    assert!(!page.contains(&format!("cf-user-{}", t2.user_id)), "{page}");
    let mine = format!("/my/conferences/{}", invited.id());
    let (status, html) = ulf.get(&mine).await;
    assert!(
        status == 200 && !html.contains("aria-labelledby=\"reschedule\""),
        "{html}"
    );
    let csrf = ulf.csrf();
    let moved = [
        ("csrf", csrf.as_str()),
        ("date", "2099-03-01"),
        ("time", "09:00"),
        ("duration", "30"),
    ];
    assert_ne!(ulf.post(&mine, &moved).await.0, 303);
    assert_ne!(
        ulf.post(&format!("{mine}/cancel"), &[("csrf", csrf.as_str())])
            .await
            .0,
        303
    );
    let now = w
        .srv
        .get(
            &format!("/api/v1/conferences/{}", invited.id()),
            &t1.admin_token,
        )
        .await;
    assert_eq!(
        now.body["starts_at"], "2099-02-01T10:00:00Z",
        "{}",
        now.text
    );
    for other in [apart.id(), t2.conference_id.clone()] {
        let path = format!("/my/conferences/{other}");
        assert_eq!(ulf.get(&path).await.0, 404, "{path}");
        assert_eq!(ulf.post(&path, &moved).await.0, 404, "{path}");
        let cancel = ulf
            .post(&format!("{path}/cancel"), &[("csrf", csrf.as_str())])
            .await;
        assert_eq!(cancel.0, 404, "{path}");
    }
    w.srv.stop().await;
}

#[tokio::test]
async fn conferencing_without_the_package_feature_is_a_notice_and_not_found() {
    let w = world().await;
    let t = &w.t1;
    let p = w
        .srv
        .post(
            "/api/v1/packages",
            &w.sys,
            json!({"name": "Portal only", "features": ["user_portal"], "monthly_price_cents": 100,
                "reseller_id": t.reseller_id}),
        )
        .await;
    assert_eq!(p.status, 201, "{}", p.text);
    let co = w
        .srv
        .get(
            &format!("/api/v1/companies/{}", t.company_id),
            &t.admin_token,
        )
        .await
        .body;
    let mut offered = co["offered_packages"].as_array().cloned().unwrap();
    offered.push(json!(p.id()));
    let r = w
        .srv
        .put(
            &format!("/api/v1/companies/{}/packages", t.company_id),
            &w.sys,
            json!({"offered": offered, "default": co["default_package_id"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = w
        .srv
        .patch(
            &format!("/api/v1/users/{}", t.user_id),
            &t.admin_token,
            json!({"package_id": p.id()}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let mut ulf = Jar::sign_in(&w.srv, "ulfone", PW).await;
    let (status, html) = ulf.get("/my/conferences").await;
    assert_eq!(status, 404);
    assert!(
        html.contains("Conferencing is not part of your service package")
            && !html.contains("Plans one"),
        "{html}"
    );
    let meeting = format!("/my/conferences/{}", t.conference_id);
    assert_eq!(ulf.get(&meeting).await.0, 404);
    w.srv.stop().await;
}

#[tokio::test]
async fn the_home_page_shows_live_figures_of_the_queues_the_person_is_an_agent_of_only() {
    let w = world().await;
    let t = &w.t1;
    let other = w
        .srv
        .post(
            &format!("/api/v1/companies/{}/queues", t.company_id),
            &t.admin_token,
            json!({"name": "Not Ulfs", "extension": "610", "strategy": "ring_all", "agents": []}),
        )
        .await;
    assert_eq!(other.status, 201, "{}", other.text);
    let mut ulf = Jar::sign_in(&w.srv, "ulfone", PW).await;
    for path in ["/my", "/my/queues/live"] {
        let (status, html) = ulf.get(path).await;
        assert_eq!(status, 200, "{path}: {html}");
        assert!(
            html.contains(&format!("data-queue=\"{}\"", t.queue_id))
                && html.contains("hx-get=\"/my/queues/live\""),
            "{path}: {html}"
        );
        assert!(!html.contains(&other.id()), "{path}: {html}");
    }
    // Ada answers no queue: nothing to watch.
    let mut ada = Jar::sign_in(&w.srv, "adaone", PW).await;
    let (status, html) = ada.get("/my/queues/live").await;
    assert_eq!(status, 200);
    assert!(!html.contains("data-queue"), "{html}");
    w.srv.stop().await;
}
