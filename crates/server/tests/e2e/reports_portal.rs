//! Reports in the portal over plain HTTP: forms schedule, change, run and delete reports as
//! the API shows, need the CSRF token, and another company's reports do not exist.

use crate::kit::*;
use crate::portal_provider::Jar;

fn count(body: &serde_json::Value) -> usize {
    body["items"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn a_report_form_without_the_csrf_token_is_refused_and_changes_nothing() {
    let w = world().await;
    let t1 = &w.t1;
    let api = format!("/api/v1/companies/{}/reports", t1.company_id);
    let before = count(&w.srv.get(&api, &t1.admin_token).await.body);
    let mut ada = Jar::sign_in(&w.srv, "adaone", PW).await;
    let page = format!("/admin/companies/{}/reports", t1.company_id);
    let (status, html) = ada.get(&page).await;
    assert!(status == 200 && html.contains("Audit one"), "{html}");
    let add = [
        ("name", "Lines"),
        ("kind", "line_volume"),
        ("frequency", "monthly"),
        ("day_of_month", "31"),
        ("time", "07:30"),
        ("recipients", "boss@example.com"),
    ];
    assert_eq!(ada.post(&page, &add).await.0, 403);
    let wrong: Vec<(&str, &str)> = add.iter().copied().chain([("csrf", "forged")]).collect();
    assert_eq!(ada.post(&page, &wrong).await.0, 403);
    assert_eq!(count(&w.srv.get(&api, &t1.admin_token).await.body), before);
    // Run now and delete without the token: no run, still there.
    let one = format!("{page}/{}", t1.report_id);
    assert_eq!(ada.post(&format!("{one}/run"), &[]).await.0, 403);
    assert_eq!(ada.post(&format!("{one}/delete"), &[]).await.0, 403);
    let runs = format!("/api/v1/reports/{}/runs", t1.report_id);
    assert_eq!(count(&w.srv.get(&runs, &t1.admin_token).await.body), 0);
    assert_eq!(count(&w.srv.get(&api, &t1.admin_token).await.body), before);
    // A bad address: refused with the field named, nothing added.
    let csrf = ada.csrf();
    let mut bad: Vec<(&str, &str)> = add.to_vec();
    bad[5] = ("recipients", "boss@example.com\nnot-an-address");
    bad.push(("csrf", &csrf));
    let (status, html) = ada.post(&page, &bad).await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("Recipients"), "{html}");
    assert_eq!(count(&w.srv.get(&api, &t1.admin_token).await.body), before);
    // With the token: added as the API shows it.
    let mut good = add.to_vec();
    good.push(("csrf", &csrf));
    assert_eq!(ada.post(&page, &good).await.0, 303);
    let list = w.srv.get(&api, &t1.admin_token).await.body;
    let lines = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "Lines")
        .expect("added")
        .clone();
    assert_eq!(
        (
            &lines["kind"],
            &lines["frequency"],
            &lines["day_of_month"],
            &lines["time"]
        ),
        (
            &serde_json::json!("line_volume"),
            &serde_json::json!("monthly"),
            &serde_json::json!(31),
            &serde_json::json!("07:30")
        )
    );
    w.srv.stop().await;
}

#[tokio::test]
async fn another_companys_report_pages_are_not_found_and_its_report_is_untouched() {
    let w = world().await;
    let t1 = &w.t1;
    let page = format!("/admin/companies/{}/reports", t1.company_id);
    let one = format!("{page}/{}", t1.report_id);
    let mut other = Jar::sign_in(&w.srv, "adatwo", PW).await;
    assert_eq!(other.get(&page).await.0, 404);
    assert_eq!(other.get(&one).await.0, 404);
    // Their own company's path with this company's report: not found either.
    let theirs = format!(
        "/admin/companies/{}/reports/{}",
        w.t2.company_id, t1.report_id
    );
    assert_eq!(other.get(&theirs).await.0, 404);
    let csrf = other.csrf();
    for path in [
        format!("{one}/run"),
        format!("{one}/delete"),
        format!("{theirs}/run"),
    ] {
        assert_eq!(other.post(&path, &[("csrf", &csrf)]).await.0, 404, "{path}");
    }
    let runs = format!("/api/v1/reports/{}/runs", t1.report_id);
    assert_eq!(count(&w.srv.get(&runs, &t1.admin_token).await.body), 0);
    let still = w
        .srv
        .get(
            &format!("/api/v1/reports/{}", t1.report_id),
            &t1.admin_token,
        )
        .await;
    assert_eq!(still.status, 200, "{}", still.text);
    // The company's reseller works on its reports under a banner naming the company.
    let mut rita = Jar::sign_in(&w.srv, "ritaone", PW).await;
    let (status, html) = rita.get(&one).await;
    assert!(
        status == 200 && html.contains("Acting for") && html.contains(&t1.company_name),
        "{html}"
    );
    // The end user of the company has no reports page at all.
    let mut ulf = Jar::sign_in(&w.srv, "ulfone", PW).await;
    assert_eq!(ulf.get(&page).await.0, 404);
    // The company's own administrator runs it from the page.
    let mut ada = Jar::sign_in(&w.srv, "adaone", PW).await;
    let csrf = ada.csrf();
    assert_eq!(
        ada.post(&format!("{one}/run"), &[("csrf", &csrf)]).await.0,
        303
    );
    let (status, html) = ada.get(&one).await;
    assert!(status == 200 && html.contains("Run history"), "{html}");
    assert_eq!(count(&w.srv.get(&runs, &t1.admin_token).await.body), 1);
    w.srv.stop().await;
}
