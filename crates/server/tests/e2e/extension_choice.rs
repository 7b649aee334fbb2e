//! The extension a sign-in is for (issue 17): a person with several lines and no default is
//! asked which one, by the API's sign-in answer and by the portal, and their choice is what
//! their pages open on; the default line needs no choice; only their own lines may be chosen,
//! and a choice belongs to one sign-in.

use crate::kit::*;
use crate::portal_provider::Jar;
use serde_json::{Value, json};

/// Ulf with a second line, 202, and no default line: (the new line's id).
async fn ulf_with_two_lines_and_no_default(w: &World) -> String {
    let (srv, t) = (&w.srv, &w.t1);
    let l = srv
        .post(
            &format!("/api/v1/companies/{}/lines", t.company_id),
            &t.admin_token,
            json!({"extension": "202", "user_id": t.user_id}),
        )
        .await;
    assert_eq!(l.status, 201, "{}", l.text);
    let r = srv
        .patch(
            &format!("/api/v1/users/{}", t.user_id),
            &t.admin_token,
            json!({"default_line_id": null}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    l.id()
}

fn extensions(body: &Value) -> Vec<&str> {
    body["extensions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["extension"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_person_with_several_lines_and_no_default_chooses_the_extension_after_signing_in() {
    let w = world().await;
    let (srv, t) = (&w.srv, &w.t1);
    let second = ulf_with_two_lines_and_no_default(&w).await;
    let login = srv.login_resp("ulfone", PW).await;
    assert_eq!(login.status, 200, "{}", login.text);
    assert_eq!(login.body["extension_choice_required"], true);
    assert!(login.body["extension"].is_null());
    assert_eq!(extensions(&login.body), ["201", "202"]);
    let token = login.body["token"].as_str().unwrap().to_owned();
    let me = srv.get("/api/v1/me", &token).await;
    assert!(me.body["signed_in_line_id"].is_null(), "{}", me.text);

    // A colleague's line, or another company's, is not theirs to choose; nothing changes.
    for other in [&w.t2.line_id, &t.admin_id] {
        let r = srv
            .post("/api/v1/auth/extension", &token, json!({"line_id": other}))
            .await;
        assert_eq!(r.status, 422, "{}", r.text);
        assert_eq!(r.body["field"], "line_id");
    }
    let now = srv.get("/api/v1/auth/extension", &token).await;
    assert_eq!(now.body["extension_choice_required"], true, "{}", now.text);

    let r = srv
        .post("/api/v1/auth/extension", &token, json!({"line_id": second}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["extension"]["extension"], "202");
    assert_eq!(r.body["extension_choice_required"], false);
    let me = srv.get("/api/v1/me", &token).await;
    assert_eq!(me.body["signed_in_line_id"], second.as_str());

    // The choice belongs to that sign-in: another one still has to choose.
    let other = srv.login_resp("ulfone", PW).await;
    assert_eq!(other.body["extension_choice_required"], true);
    let other_token = other.body["token"].as_str().unwrap();
    let me = srv.get("/api/v1/me", other_token).await;
    assert!(me.body["signed_in_line_id"].is_null());

    // With a default line, a sign-in is for it, no question asked.
    let r = srv
        .patch(
            &format!("/api/v1/users/{}", t.user_id),
            &t.admin_token,
            json!({"default_line_id": t.line_id}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let login = srv.login_resp("ulfone", PW).await;
    assert_eq!(login.body["extension_choice_required"], false);
    assert_eq!(login.body["extension"]["line_id"], t.line_id.as_str());
    // And one line alone needs no default.
    let ada = srv.login_resp("adaone", PW).await;
    assert_eq!(ada.body["extension_choice_required"], false);
    assert!(ada.body["extension"].is_null(), "Ada has no line");
    assert!(extensions(&ada.body).is_empty());
}

#[tokio::test]
async fn the_portal_asks_which_extension_and_the_persons_pages_open_on_the_one_chosen() {
    let w = world().await;
    let second = ulf_with_two_lines_and_no_default(&w).await;
    let mut ulf = Jar::sign_in(&w.srv, "ulfone", PW).await;
    assert_eq!(ulf.location.as_deref(), Some("/my/extension"));
    let (status, page) = ulf.get("/my/extension").await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("no default one"), "{page}");
    let csrf = ulf.csrf();
    // Without the form's token nothing changes.
    let (status, _) = ulf
        .post("/my/extension", &[("csrf", "forged"), ("line_id", &second)])
        .await;
    assert_eq!(status, 403);
    let (status, page) = ulf
        .post(
            "/my/extension",
            &[("csrf", &csrf), ("line_id", &w.t2.line_id)],
        )
        .await;
    assert_eq!(status, 422, "another company's line: {page}");
    assert!(page.contains("ex-error"), "{page}");
    let (_, home) = ulf.get("/my").await;
    assert!(home.contains("signed in to no extension"), "{home}");
    let (status, _) = ulf
        .post("/my/extension", &[("csrf", &csrf), ("line_id", &second)])
        .await;
    assert_eq!(status, 303);
    assert_eq!(ulf.location.as_deref(), Some("/my?done=extension"));
    let (_, home) = ulf.get("/my").await;
    assert!(
        home.contains("You are signed in to extension <strong>202</strong>"),
        "{home}"
    );
    // The call log opens on it, not on the first line.
    let (_, log) = ulf.get("/my/calls").await;
    assert!(
        log.contains(&format!("<option value=\"{second}\" selected>")),
        "{log}"
    );
}
