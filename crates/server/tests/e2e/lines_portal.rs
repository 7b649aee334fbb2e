//! Lines and numbers in the portal over plain HTTP: every form needs the CSRF token and changes
//! nothing without it, and another company's lines and numbers do not exist.

use crate::kit::*;
use crate::portal_provider::Jar;
use serde_json::{Value, json};

#[tokio::test]
async fn line_and_number_forms_without_or_with_a_wrong_csrf_token_change_nothing() {
    let w = world().await;
    let t1 = &w.t1;
    let line_api = format!("/api/v1/lines/{}", t1.line_id);
    let number_api = format!("/api/v1/numbers/{}", t1.number_id);
    let lines_api = format!("/api/v1/companies/{}/lines", t1.company_id);
    let line_before = w.srv.get(&line_api, &t1.admin_token).await.body;
    let number_before = w.srv.get(&number_api, &t1.admin_token).await.body;
    let lines_before = w.srv.get(&lines_api, &t1.admin_token).await.body;
    let password_before = w
        .srv
        .sip_credentials(&t1.line_id, &t1.admin_token)
        .await
        .body;
    let mut ada = Jar::sign_in(&w.srv, "adaone", PW).await;
    let lines = format!("/admin/companies/{}/lines", t1.company_id);
    let line = format!("{lines}/{}", t1.line_id);
    let number = format!(
        "/admin/companies/{}/numbers/{}",
        t1.company_id, t1.number_id
    );
    let (status, html) = ada.get(&line).await;
    assert!(status == 200 && html.contains("Reset line"), "{html}");
    let forms: Vec<(String, Vec<(&str, &str)>)> = vec![
        (lines.clone(), vec![("extension", "299")]),
        (format!("{line}/user"), vec![("user", "adaone")]),
        (format!("{line}/unassign"), vec![]),
        (
            format!("{line}/caller-id"),
            vec![("calling_name", "Hacked"), ("presentation_number", "")],
        ),
        (
            format!("{line}/e911"),
            vec![
                ("street", "1 Evil Way"),
                ("city", "X"),
                ("postal_code", "1"),
                ("country", "US"),
            ],
        ),
        (
            format!("{line}/reset"),
            vec![("account_name", "Hacked"), ("remove_from_groups", "1")],
        ),
        (number.clone(), vec![("extension", "")]),
        (
            format!("{number}/e911"),
            vec![
                ("street", "1 Evil Way"),
                ("city", "X"),
                ("postal_code", "1"),
                ("country", "US"),
            ],
        ),
    ];
    for (path, fields) in &forms {
        assert_eq!(
            ada.post(path, fields).await.0,
            403,
            "{path} without a token"
        );
        let mut wrong = fields.clone();
        wrong.push(("csrf", "not-the-token"));
        assert_eq!(
            ada.post(path, &wrong).await.0,
            403,
            "{path} with a wrong token"
        );
    }
    assert_eq!(
        w.srv.get(&line_api, &t1.admin_token).await.body,
        line_before
    );
    assert_eq!(
        w.srv.get(&number_api, &t1.admin_token).await.body,
        number_before
    );
    assert_eq!(
        w.srv.get(&lines_api, &t1.admin_token).await.body,
        lines_before
    );
    let e911 = w
        .srv
        .get(&format!("{line_api}/e911-address"), &t1.admin_token)
        .await;
    assert_eq!(e911.status, 404, "no address was set: {}", e911.text);
    let password_after = w
        .srv
        .sip_credentials(&t1.line_id, &t1.admin_token)
        .await
        .body;
    assert_eq!(password_after, password_before, "the line was not reset");
    // With the token the same form works: the check is the token, not the form.
    let csrf = ada.csrf();
    let named = [("csrf", csrf.as_str()), ("calling_name", "Ulf desk")];
    assert_eq!(ada.post(&format!("{line}/caller-id"), &named).await.0, 303);
    let changed = w.srv.get(&line_api, &t1.admin_token).await.body;
    assert_eq!(changed["calling_name"], Value::from("Ulf desk"));
    w.srv.stop().await;
}

#[tokio::test]
async fn another_companys_lines_and_numbers_are_not_found_and_stay_unchanged() {
    let w = world().await;
    let (t1, t2) = (&w.t1, &w.t2);
    let line_api = format!("/api/v1/lines/{}", t1.line_id);
    let before = w.srv.get(&line_api, &t1.admin_token).await.body;
    let mut other = Jar::sign_in(&w.srv, "adatwo", PW).await;
    let csrf = other.csrf();
    let theirs = format!("/admin/companies/{}", t1.company_id);
    // Through t1's paths, and through t2's own company path with t1's ids.
    let mine = format!("/admin/companies/{}", t2.company_id);
    for base in [&theirs, &mine] {
        let line = format!("{base}/lines/{}", t1.line_id);
        let number = format!("{base}/numbers/{}", t1.number_id);
        for page in [line.clone(), format!("{line}/reset"), number.clone()] {
            assert_eq!(other.get(&page).await.0, 404, "{page}");
        }
        let forms = [
            (format!("{line}/caller-id"), ("calling_name", "Hacked")),
            (format!("{line}/reset"), ("account_name", "Hacked")),
            (number.clone(), ("extension", "")),
        ];
        for (path, field) in &forms {
            let status = other.post(path, &[("csrf", &csrf), *field]).await.0;
            assert_eq!(status, 404, "{path}");
        }
    }
    for page in ["lines", "numbers"] {
        assert_eq!(
            other.get(&format!("{theirs}/{page}")).await.0,
            404,
            "{page}"
        );
        // `/admin/lines` and `/admin/numbers` lead a company administrator to their own company.
        assert_eq!(other.get(&format!("/admin/{page}")).await.0, 303, "{page}");
    }
    // The company's reseller acts for it under the banner; another reseller finds nothing.
    let mut rita = Jar::sign_in(&w.srv, "ritaone", PW).await;
    let (status, html) = rita.get(&format!("{theirs}/lines/{}", t1.line_id)).await;
    assert!(status == 200 && html.contains("class=\"acting\""), "{html}");
    assert_eq!(
        rita.get("/admin/lines").await.0,
        404,
        "a reseller has no own lines"
    );
    let mut rita2 = Jar::sign_in(&w.srv, "ritatwo", PW).await;
    assert_eq!(rita2.get(&format!("{theirs}/lines")).await.0, 404);
    assert_eq!(w.srv.get(&line_api, &t1.admin_token).await.body, before);
    let number = w
        .srv
        .get(
            &format!("/api/v1/numbers/{}", t1.number_id),
            &t1.admin_token,
        )
        .await;
    assert_eq!(number.body["line_id"], Value::from(t1.line_id.clone()));
    // The registrations of another company's line are not found through the API either.
    let regs = format!("/api/v1/lines/{}/registrations", t1.line_id);
    assert_eq!(w.srv.get(&regs, &t2.admin_token).await.status, 404);
    assert_eq!(w.srv.get(&regs, &t1.admin_token).await.status, 200);
    // Ulf sees his own line's devices; a colleague's line is in the directory, but where its
    // phones are is not his to see.
    assert_eq!(w.srv.get(&regs, &t1.user_token).await.status, 200);
    let colleague = w
        .srv
        .post(
            &format!("/api/v1/companies/{}/lines", t1.company_id),
            &t1.admin_token,
            json!({"extension": "277"}),
        )
        .await;
    assert_eq!(colleague.status, 201, "{}", colleague.text);
    let theirs = format!("/api/v1/lines/{}/registrations", colleague.id());
    let denied = w.srv.get(&theirs, &t1.user_token).await;
    assert_eq!(denied.status, 403, "{}", denied.text);
    assert_eq!(w.srv.get(&theirs, &t1.admin_token).await.status, 200);
    w.srv.stop().await;
}
