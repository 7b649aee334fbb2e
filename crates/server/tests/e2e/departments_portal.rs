//! Services → Departments in the portal over plain HTTP: forms change departments as the API
//! shows, need the CSRF token, and another company's departments do not exist.

use crate::kit::*;
use crate::portal_provider::Jar;

#[tokio::test]
async fn departments_are_added_changed_and_deleted_from_the_portal_and_nobody_else_s_exist() {
    let w = world().await;
    let t1 = &w.t1;
    let api = format!("/api/v1/companies/{}/departments", t1.company_id);
    let count = |body: &serde_json::Value| body["items"].as_array().map_or(0, Vec::len);
    let before = w.srv.get(&api, &t1.admin_token).await;
    let mut ada = Jar::sign_in(&w.srv, "adaone", PW).await;
    let page = format!("/admin/companies/{}/departments", t1.company_id);
    let (status, html) = ada.get(&page).await;
    assert!(status == 200 && html.contains("Sales"), "{html}");
    // Without the token: refused, nothing added.
    let add = [
        ("name", "Support"),
        ("call_policy", "limited"),
        ("call_limit", "3"),
    ];
    assert_eq!(ada.post(&page, &add).await.0, 403);
    assert_eq!(
        count(&w.srv.get(&api, &t1.admin_token).await.body),
        count(&before.body)
    );
    // A limited department needs its limit: refused with the field named, nothing added.
    let csrf = ada.csrf();
    let (status, html) = ada
        .post(
            &page,
            &[
                ("csrf", &csrf),
                ("name", "Support"),
                ("call_policy", "limited"),
            ],
        )
        .await;
    assert_eq!(status, 422, "{html}");
    assert_eq!(
        count(&w.srv.get(&api, &t1.admin_token).await.body),
        count(&before.body)
    );
    let mut with_token = add.to_vec();
    with_token.push(("csrf", &csrf));
    with_token.push(("parent_id", &t1.department_id));
    with_token.push(("operator_number", "202"));
    assert_eq!(ada.post(&page, &with_token).await.0, 303);
    let after = w.srv.get(&api, &t1.admin_token).await.body;
    let support = after["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "Support")
        .expect("added")
        .clone();
    assert_eq!(
        (
            &support["parent_id"],
            &support["operator_number"],
            &support["call_policy"],
            &support["call_limit"]
        ),
        (
            &serde_json::json!(t1.department_id),
            &serde_json::json!("202"),
            &serde_json::json!("limited"),
            &serde_json::json!(3)
        )
    );
    let one = format!("{page}/{}", support["id"].as_str().unwrap());
    let change = [
        ("csrf", csrf.as_str()),
        ("name", "Help desk"),
        ("call_policy", "unlimited"),
        ("parent_id", ""),
    ];
    assert_eq!(ada.post(&one, &change).await.0, 303);
    let changed = w
        .srv
        .get(
            &format!("/api/v1/departments/{}", support["id"].as_str().unwrap()),
            &t1.admin_token,
        )
        .await;
    assert_eq!(
        (
            changed.body["name"].as_str(),
            changed.body["parent_id"].is_null()
        ),
        (Some("Help desk"), true)
    );
    // Another company's administrator: not found, nothing deleted.
    let mut other = Jar::sign_in(&w.srv, "adatwo", PW).await;
    assert_eq!(other.get(&page).await.0, 404);
    assert_eq!(other.get(&one).await.0, 404);
    let theirs = other.csrf();
    assert_eq!(
        other
            .post(&format!("{one}/delete"), &[("csrf", &theirs)])
            .await
            .0,
        404
    );
    assert_eq!(changed.status, 200);
    assert_eq!(
        ada.post(&format!("{one}/delete"), &[("csrf", &csrf)])
            .await
            .0,
        303
    );
    assert_eq!(
        count(&w.srv.get(&api, &t1.admin_token).await.body),
        count(&before.body)
    );
    w.srv.stop().await;
}

/// A refusal reads in the page's language: in French, deleting a department that still has a
/// user says why in French, and the department stays.
#[tokio::test]
async fn a_department_in_use_is_refused_in_the_pages_language() {
    let w = world().await;
    let t1 = &w.t1;
    let mut ada = Jar::sign_in(&w.srv, "adaone", PW).await;
    let csrf = ada.csrf();
    let form = [("csrf", csrf.as_str()), ("lang", "fr"), ("back", "/my")];
    assert_eq!(ada.post("/language", &form).await.0, 303);
    let one = format!(
        "/admin/companies/{}/departments/{}",
        t1.company_id, t1.department_id
    );
    let (status, html) = ada.post(&format!("{one}/delete"), &[("csrf", &csrf)]).await;
    assert_eq!(status, 409, "{html}");
    assert!(
        html.contains("Déplacez d&#39;abord les utilisateurs et les sous-services de ce service."),
        "{html}"
    );
    let api = format!("/api/v1/departments/{}", t1.department_id);
    assert_eq!(w.srv.get(&api, &t1.admin_token).await.status, 200);
    w.srv.stop().await;
}
