//! Scheduled reports over the running server: "run now" mails the CSV through the outbox to a
//! real SMTP server, and a report whose time passed while the server was down runs once when
//! it starts again.

use crate::kit::*;
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn run_now_mails_the_report_as_a_csv_attachment_through_the_outbox() {
    let Some(sink) = SmtpSink::start().await else {
        return;
    };
    let w = world_on(start_with_smtp(&sink.url).await).await;
    let t1 = &w.t1;
    let r = w
        .srv
        .post(
            &format!("/api/v1/companies/{}/reports", t1.company_id),
            &t1.admin_token,
            json!({"name": "Numbers", "kind": "number_usage", "frequency": "weekly", "weekday": 1,
                "time": "08:00", "recipients": ["boss@example.com"]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.id();
    let run = w
        .srv
        .post(
            &format!("/api/v1/reports/{id}/run"),
            &t1.admin_token,
            json!({}),
        )
        .await;
    assert_eq!(run.status, 201, "{}", run.text);
    assert_eq!(run.body["status"], "sent");
    assert_eq!(run.body["trigger"], "manual");
    assert_eq!(
        (run.body["rows"].as_i64(), run.body["recipients"].as_i64()),
        (Some(1), Some(1))
    );
    let text = sink.wait_for("number-usage-").await;
    assert!(text.contains("boss@example.com"), "{text}");
    // The sink holds the world's conference invitations too: the report's mail is after them.
    let at = text.find("Subject: Numbers").expect("the report's mail");
    let csv = String::from_utf8(first_attachment(&text[at..])).unwrap();
    assert_eq!(
        csv,
        "number,extension,line_name,user,calls_in,calls_out,minutes_in,minutes_out\r\n\
         +15550000001,201,Ulf,Ulf,0,0,0,0\r\n"
    );
    let runs = w
        .srv
        .get(&format!("/api/v1/reports/{id}/runs"), &t1.admin_token)
        .await;
    assert_eq!(
        runs.body["items"].as_array().unwrap().len(),
        1,
        "{}",
        runs.text
    );
    // The end user may not run it (403); another company does not even see it (404).
    let denied = w
        .srv
        .post(
            &format!("/api/v1/reports/{id}/run"),
            &t1.user_token,
            json!({}),
        )
        .await;
    assert_eq!(denied.status, 403, "{}", denied.text);
    let hidden = w
        .srv
        .post(
            &format!("/api/v1/reports/{id}/run"),
            &w.t2.admin_token,
            json!({}),
        )
        .await;
    assert_eq!(hidden.status, 404, "{}", hidden.text);
    w.srv.stop().await;
}

#[tokio::test]
async fn a_report_due_while_the_server_was_down_runs_once_after_start() {
    let url = sb_store::testdb::fresh_sqlite_url("e2e").unwrap();
    let cfg = sb_app::AppConfig::default();
    let w = world_on(start_configured(url.clone(), Some(cfg.clone()), &|_| {}).await).await;
    let t1 = w.t1.clone();
    let r = w
        .srv
        .post(
            &format!("/api/v1/companies/{}/reports", t1.company_id),
            &t1.admin_token,
            json!({"name": "Lines daily", "kind": "line_volume", "frequency": "daily",
                "time": "06:00", "recipients": ["boss@example.com"]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.id();
    let next = r.body["next_run_at"].as_str().unwrap().to_owned();
    w.srv.stop().await;
    // While the server is down, three days of runs go by: the report's next run is three days
    // in the past when it starts again.
    let store = sb_store::Store::connect(&url).await.unwrap();
    let mut c = store.conn().await.unwrap();
    let report = sb_domain::ids::ReportId::from_raw(id.clone());
    let was = sb_store::reports::get(&mut c, &report)
        .await
        .unwrap()
        .unwrap()
        .next_run_at;
    let moved = sb_store::reports::claim(&mut c, &report, was, was - 4 * 86_400_000)
        .await
        .unwrap();
    assert!(moved);
    drop(c);
    store.close().await;

    let srv = start_configured(url, Some(cfg), &|_| {}).await;
    let token = srv.login("adaone", PW).await;
    let runs_path = format!("/api/v1/reports/{id}/runs");
    let mut runs = srv.get(&runs_path, &token).await;
    for _ in 0..100 {
        if !runs.body["items"].as_array().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        runs = srv.get(&runs_path, &token).await;
    }
    let items = runs.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{}", runs.text);
    assert_eq!(items[0]["trigger"], "schedule");
    assert_eq!(items[0]["status"], "sent");
    // Its next run is in the future again, so no later pass sends the missed ones.
    let view = srv.get(&format!("/api/v1/reports/{id}"), &token).await;
    // RFC 3339 times in UTC of whole minutes compare as text.
    let after = view.body["next_run_at"].as_str().unwrap();
    assert!(after >= next.as_str(), "{}", view.text);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let again = srv.get(&runs_path, &token).await;
    assert_eq!(
        again.body["items"].as_array().unwrap().len(),
        1,
        "{}",
        again.text
    );
    srv.stop().await;
}

#[tokio::test]
async fn a_report_keeps_its_local_time_when_the_company_moves_to_another_zone() {
    let w = world().await;
    let t1 = &w.t1;
    let path = format!("/api/v1/reports/{}", t1.report_id);
    let before = w.srv.get(&path, &t1.admin_token).await;
    assert_eq!(before.status, 200, "{}", before.text);
    let local = |r: &Resp| r.body["next_run_local"].as_str().unwrap().to_owned();
    assert!(local(&before).ends_with(" 07:00"), "{}", before.text);
    let moved = w
        .srv
        .patch(
            &format!("/api/v1/companies/{}", t1.company_id),
            &t1.admin_token,
            json!({"time_zone": "Asia/Tokyo"}),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    let after = w.srv.get(&path, &t1.admin_token).await;
    // Still 07:00 where the company now is, so a different instant.
    assert!(local(&after).ends_with(" 07:00"), "{}", after.text);
    assert_ne!(after.body["next_run_at"], before.body["next_run_at"]);
    w.srv.stop().await;
}
