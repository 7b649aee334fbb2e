//! Bad input gets the documented error and changes nothing, for every endpoint family.

use crate::kit::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn every_body_route_rejects_wrong_shapes_and_changes_nothing() {
    let w = world().await;
    let t1 = &w.t1;
    let before = w
        .srv
        .get(&format!("/api/v1/companies/{}", t1.company_id), &w.sys)
        .await
        .text;
    for route in sb_api::routes::routes() {
        let Some(body) = route.body else { continue };
        if body.starts_with("file:") {
            // Uploads read any bytes; their refusals are checked where greetings are tested.
            continue;
        }
        let path = t1.path_of(route.path);
        let m = Method::from_bytes(route.method.to_uppercase().as_bytes()).unwrap();
        for (body, status, code) in [
            (json!("just text"), 422, "invalid_field"),
            (json!({"bogus_field": 1}), 422, "invalid_field"),
        ] {
            let r = w.srv.raw(m.clone(), &path, Some(&w.sys), Some(body)).await;
            assert_eq!(
                (r.status.as_u16(), r.code()),
                (status, code),
                "{} {}: {}",
                route.method,
                route.path,
                r.text
            );
        }
        let url = format!("{}{path}", w.srv.base);
        let r = w
            .srv
            .http
            .request(m.clone(), &url)
            .bearer_auth(&w.sys)
            .header("content-type", "application/json")
            .body("{,")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400, "{} {}", route.method, route.path);
        let r = w
            .srv
            .http
            .request(m.clone(), &url)
            .bearer_auth(&w.sys)
            .body("name=x")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 415, "{} {}", route.method, route.path);
        let huge = format!("{{\"name\": \"{}\"}}", "x".repeat(100_000));
        let r = w
            .srv
            .http
            .request(m, &url)
            .bearer_auth(&w.sys)
            .header("content-type", "application/json")
            .body(huge)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 413, "{} {}", route.method, route.path);
    }
    let after = w
        .srv
        .get(&format!("/api/v1/companies/{}", t1.company_id), &w.sys)
        .await
        .text;
    assert_eq!(before, after);
    w.srv.stop().await;
}

#[tokio::test]
async fn bad_values_are_422_naming_the_field() {
    let w = world().await;
    let t1 = &w.t1;
    let cases = [
        (
            "/api/v1/resellers".to_string(),
            json!({"name": "  "}),
            "name",
        ),
        (
            "/api/v1/companies".to_string(),
            json!({"reseller_id": t1.reseller_id, "name": "Co", "country": "usa", "time_zone": "UTC", "first_language": "en", "max_users": 1, "max_lines": 1}),
            "country",
        ),
        (
            "/api/v1/companies".to_string(),
            json!({"reseller_id": t1.reseller_id, "name": "Co", "country": "US", "time_zone": "UTC", "first_language": "en", "max_users": -1, "max_lines": 1}),
            "max_users",
        ),
        (
            "/api/v1/companies".to_string(),
            json!({"reseller_id": "nonsense", "name": "Co", "country": "US", "time_zone": "UTC", "first_language": "en", "max_users": 1, "max_lines": 1}),
            "reseller_id",
        ),
        (
            "/api/v1/packages".to_string(),
            json!({"name": "P", "features": ["teleportation"]}),
            "features[0]",
        ),
        (
            format!("/api/v1/companies/{}/users", t1.company_id),
            json!({"name": "E", "email": "not-an-email"}),
            "email",
        ),
        (
            format!("/api/v1/companies/{}/users", t1.company_id),
            json!({"name": "E", "department_id": w.t2.department_id}),
            "department_id",
        ),
        (
            format!("/api/v1/companies/{}/lines", t1.company_id),
            json!({"extension": "12ab"}),
            "extension",
        ),
        (
            format!("/api/v1/companies/{}/numbers", t1.company_id),
            json!({"number": "5551234"}),
            "number",
        ),
        (
            format!("/api/v1/companies/{}/departments", t1.company_id),
            json!({"name": "D", "operator_number": "op"}),
            "operator_number",
        ),
        (
            format!("/api/v1/companies/{}/departments", t1.company_id),
            json!({"name": "D", "call_policy": "sometimes"}),
            "call_policy",
        ),
    ];
    for (path, body, field) in cases {
        let r = w.srv.post(&path, &w.sys, body).await;
        assert_eq!(
            (r.status.as_u16(), r.body["field"].as_str()),
            (422, Some(field)),
            "{path}: {}",
            r.text
        );
    }
    let users = w
        .srv
        .get(
            &format!("/api/v1/companies/{}/users", t1.company_id),
            &w.sys,
        )
        .await;
    assert_eq!(users.body["items"].as_array().unwrap().len(), 2);
    w.srv.stop().await;
}

#[tokio::test]
async fn paging_ids_and_unknown_routes_are_checked() {
    let w = world().await;
    let path = format!("/api/v1/companies/{}/users", w.t1.company_id);
    for q in ["limit=0", "limit=501", "limit=abc", "cursor=..%2Fetc"] {
        let r = w.srv.get(&format!("{path}?{q}"), &w.sys).await;
        assert_eq!(r.status, 422, "{q}: {}", r.text);
    }
    let one = w.srv.get(&format!("{path}?limit=1"), &w.sys).await;
    assert_eq!(one.body["items"].as_array().unwrap().len(), 1);
    assert!(one.body["next_cursor"].is_string());
    assert_eq!(
        w.srv.get("/api/v1/users/../../etc", &w.sys).await.status,
        404
    );
    assert_eq!(
        w.srv
            .get("/api/v1/users/0123456789abcdef0123456789abcdef", &w.sys)
            .await
            .status,
        404
    );
    let nf = w.srv.get("/api/v1/nothing-here", &w.sys).await;
    assert_eq!((nf.status.as_u16(), nf.code()), (404, "not_found"));
    assert_eq!(
        w.srv
            .raw(Method::GET, "/api/v1/me", Some("not-a-token"), None)
            .await
            .status,
        401
    );
    assert_eq!(
        w.srv
            .raw(Method::GET, "/api/v1/me", None, None)
            .await
            .code(),
        "unauthenticated"
    );
    w.srv.stop().await;
}
