//! Resellers, companies, subscription keys, packages, departments, lines, audit.

use crate::kit::*;
use serde_json::{Value, json};

#[tokio::test]
async fn subscription_keys_cap_users_and_only_providers_change_them() {
    let w = world().await;
    let sub = format!("/api/v1/companies/{}/subscription", w.t1.company_id);
    let r = w
        .srv
        .put(
            &sub,
            &w.t1.admin_token,
            json!({"max_users": 100, "max_lines": 100}),
        )
        .await;
    assert_eq!(r.status, 403, "company admins cannot add subscription keys");
    let r = w
        .srv
        .put(
            &sub,
            &w.t1.reseller_token,
            json!({"max_users": 2, "max_lines": 1}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let users = format!("/api/v1/companies/{}/users", w.t1.company_id);
    let over = w
        .srv
        .post(&users, &w.t1.admin_token, json!({"name": "Third"}))
        .await;
    assert_eq!(
        (over.status.as_u16(), over.code()),
        (409, "subscription_limit")
    );
    let lines = format!("/api/v1/companies/{}/lines", w.t1.company_id);
    let over = w
        .srv
        .post(&lines, &w.t1.admin_token, json!({"extension": "202"}))
        .await;
    assert_eq!(
        (over.status.as_u16(), over.code()),
        (409, "subscription_limit")
    );
    assert_eq!(
        w.srv
            .put(&sub, &w.sys, json!({"max_users": 3, "max_lines": 3}))
            .await
            .status,
        200
    );
    assert_eq!(
        w.srv
            .post(&users, &w.t1.admin_token, json!({"name": "Third"}))
            .await
            .status,
        201
    );
    w.srv.stop().await;
}

#[tokio::test]
async fn company_admin_chooses_offered_packages_but_cannot_define_them() {
    let w = world().await;
    let r = w
        .srv
        .post(
            "/api/v1/packages",
            &w.t1.admin_token,
            json!({"name": "Mine", "features": []}),
        )
        .await;
    assert_eq!(r.status, 403);
    let path = format!("/api/v1/companies/{}/packages", w.t1.company_id);
    let other = w
        .srv
        .put(
            &path,
            &w.t1.admin_token,
            json!({"offered": [w.t2.package_id], "default": null}),
        )
        .await;
    assert_eq!(
        (other.status.as_u16(), other.body["field"].as_str()),
        (422, Some("offered.0")),
        "another reseller's package"
    );
    let not_offered = w
        .srv
        .put(
            &path,
            &w.t1.admin_token,
            json!({"offered": [w.t1.package_id], "default": "0123456789abcdef0123456789abcdef"}),
        )
        .await;
    assert_eq!(not_offered.code(), "default_not_offered");
    // Users still hold the old default package, so it cannot be withdrawn yet.
    let in_use = w
        .srv
        .put(
            &path,
            &w.t1.admin_token,
            json!({"offered": [w.t1.package_id], "default": w.t1.package_id}),
        )
        .await;
    assert_eq!(
        (in_use.status.as_u16(), in_use.code()),
        (409, "package_in_use")
    );
    let company = w
        .srv
        .get(
            &format!("/api/v1/companies/{}", w.t1.company_id),
            &w.t1.admin_token,
        )
        .await;
    let mut offered: Vec<Value> = company.body["offered_packages"].as_array().unwrap().clone();
    offered.retain(|p| p != w.t1.package_id.as_str());
    offered.push(json!(w.t1.package_id));
    let ok = w
        .srv
        .put(
            &path,
            &w.t1.admin_token,
            json!({"offered": offered, "default": w.t1.package_id}),
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    let u = w
        .srv
        .post(
            &format!("/api/v1/companies/{}/users", w.t1.company_id),
            &w.t1.admin_token,
            json!({"name": "New"}),
        )
        .await;
    assert_eq!(
        u.body["user"]["package_id"],
        w.t1.package_id.as_str(),
        "new users get the default package"
    );
    w.srv.stop().await;
}

#[tokio::test]
async fn end_users_without_the_portal_feature_have_no_portal_features() {
    let w = world().await;
    let basic = w.srv.get("/api/v1/packages", &w.t1.admin_token).await;
    let basic_id = basic.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Basic")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = w
        .srv
        .patch(
            &format!("/api/v1/users/{}", w.t1.user_id),
            &w.t1.admin_token,
            json!({"package_id": basic_id}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let me = w.srv.get("/api/v1/me", &w.t1.user_token).await;
    assert!(
        !me.body["features"]
            .as_array()
            .unwrap()
            .contains(&json!("user_portal"))
    );
    w.srv.stop().await;
}

#[tokio::test]
async fn department_tree_keeps_child_limits_within_the_parent() {
    let w = world().await;
    let path = format!("/api/v1/companies/{}/departments", w.t1.company_id);
    let parent = w.srv.post(&path, &w.t1.admin_token, json!({"name": "Support", "call_policy": "limited", "call_limit": 5, "operator_number": "200"})).await;
    assert_eq!(parent.status, 201, "{}", parent.text);
    let pid = parent.id();
    let too_many = w
        .srv
        .post(
            &path,
            &w.t1.admin_token,
            json!({"name": "Tier 1", "parent_id": pid, "call_policy": "limited", "call_limit": 9}),
        )
        .await;
    assert_eq!(
        (too_many.status.as_u16(), too_many.code()),
        (422, "limit_exceeds_parent")
    );
    let unlimited = w
        .srv
        .post(
            &path,
            &w.t1.admin_token,
            json!({"name": "Tier 1", "parent_id": pid}),
        )
        .await;
    assert_eq!(unlimited.code(), "limit_exceeds_parent");
    let child = w
        .srv
        .post(
            &path,
            &w.t1.admin_token,
            json!({"name": "Tier 1", "parent_id": pid, "call_policy": "limited", "call_limit": 3}),
        )
        .await;
    assert_eq!(child.status, 201, "{}", child.text);
    let lower = w
        .srv
        .patch(
            &format!("/api/v1/departments/{pid}"),
            &w.t1.admin_token,
            json!({"call_limit": 2}),
        )
        .await;
    assert_eq!(lower.code(), "limit_below_child");
    let missing_limit = w
        .srv
        .post(
            &path,
            &w.t1.admin_token,
            json!({"name": "X", "call_policy": "limited"}),
        )
        .await;
    assert_eq!(
        (missing_limit.status.as_u16(), missing_limit.code()),
        (422, "invalid_call_limit")
    );
    let cycle = w
        .srv
        .patch(
            &format!("/api/v1/departments/{pid}"),
            &w.t1.admin_token,
            json!({"parent_id": child.id()}),
        )
        .await;
    assert_eq!(cycle.code(), "parent_cycle");
    let blocked = w
        .srv
        .post(
            &path,
            &w.t1.admin_token,
            json!({"name": "Lobby", "call_policy": "incoming_blocked"}),
        )
        .await;
    assert_eq!(blocked.body["call_policy"], "incoming_blocked");
    let in_use = w
        .srv
        .delete(&format!("/api/v1/departments/{pid}"), &w.t1.admin_token)
        .await;
    assert_eq!(in_use.code(), "department_in_use");
    assert_eq!(
        w.srv
            .delete(
                &format!("/api/v1/departments/{}", child.id()),
                &w.t1.admin_token
            )
            .await
            .status,
        204
    );
    assert_eq!(
        w.srv
            .delete(&format!("/api/v1/departments/{pid}"), &w.t1.admin_token)
            .await
            .status,
        204
    );
    w.srv.stop().await;
}

#[tokio::test]
async fn administrative_privileges_and_names_change_without_losing_data() {
    let w = world().await;
    let path = format!("/api/v1/users/{}", w.t1.user_id);
    let r = w
        .srv
        .patch(
            &path,
            &w.t1.admin_token,
            json!({"name": "Ulf Renamed", "role": "company_admin"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["role"], "company_admin");
    assert_eq!(r.body["department_id"], w.t1.department_id.as_str());
    let me = w.srv.get("/api/v1/me", &w.t1.user_token).await;
    assert_eq!(
        me.body["lines"].as_array().unwrap().len(),
        1,
        "lines survive a rename"
    );
    let bad_role = w
        .srv
        .patch(&path, &w.t1.admin_token, json!({"role": "system_admin"}))
        .await;
    assert_eq!(
        (bad_role.status.as_u16(), bad_role.code()),
        (422, "invalid_role")
    );
    let self_demote = w
        .srv
        .patch(
            &format!("/api/v1/users/{}", w.t1.admin_id),
            &w.t1.admin_token,
            json!({"role": "end_user"}),
        )
        .await;
    assert_eq!(self_demote.code(), "cannot_change_own_role");
    // End users may set their own language and default line, not their role.
    let own = w
        .srv
        .patch(
            &format!("/api/v1/users/{}", w.t2.user_id),
            &w.t2.user_token,
            json!({"language": "fr", "default_line_id": w.t2.line_id}),
        )
        .await;
    assert_eq!(own.status, 200, "{}", own.text);
    let me = w.srv.get("/api/v1/me", &w.t2.user_token).await;
    assert_eq!(
        (
            me.body["language"].as_str(),
            me.body["default_line_id"].as_str()
        ),
        (Some("fr"), Some(w.t2.line_id.as_str()))
    );
    let escalate = w
        .srv
        .patch(
            &format!("/api/v1/users/{}", w.t2.user_id),
            &w.t2.user_token,
            json!({"role": "company_admin"}),
        )
        .await;
    assert_eq!(escalate.status, 403);
    w.srv.stop().await;
}

#[tokio::test]
async fn resellers_manage_their_customers_users_and_lines() {
    let w = world().await;
    let r = w
        .srv
        .patch(
            &format!("/api/v1/users/{}", w.t1.user_id),
            &w.t1.reseller_token,
            json!({"email": "ulf@one.example.com"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let creds = w
        .srv
        .sip_credentials(&w.t1.line_id, &w.t1.reseller_token)
        .await;
    assert_eq!(creds.status, 200);
    assert!(
        creds.body["sip_domain"]
            .as_str()
            .unwrap()
            .ends_with(".sip.switchboard.test")
    );
    let reset = w
        .srv
        .post(
            &format!("/api/v1/lines/{}/sip-credentials/reset", w.t1.line_id),
            &w.srv.elevate(&w.t1.admin_token).await,
            json!({}),
        )
        .await;
    assert_ne!(reset.body["sip_password"], creds.body["sip_password"]);
    assert_eq!(
        w.srv
            .get(
                &format!("/api/v1/lines/{}/sip-credentials", w.t1.line_id),
                &w.t1.user_token
            )
            .await
            .status,
        403
    );
    let list = w.srv.get("/api/v1/companies", &w.t1.reseller_token).await;
    let ids: Vec<&str> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![w.t1.company_id.as_str()]);
    w.srv.stop().await;
}

#[tokio::test]
async fn lines_take_company_numbers_and_unique_extensions() {
    let w = world().await;
    let path = format!("/api/v1/companies/{}/lines", w.t1.company_id);
    let dup = w
        .srv
        .post(&path, &w.t1.admin_token, json!({"extension": "201"}))
        .await;
    assert_eq!((dup.status.as_u16(), dup.code()), (409, "extension_taken"));
    let foreign = w
        .srv
        .post(
            &path,
            &w.t1.admin_token,
            json!({"extension": "202", "presentation_number": "+15550000002"}),
        )
        .await;
    assert_eq!(
        (foreign.status.as_u16(), foreign.code()),
        (422, "not_company_number")
    );
    let other_user = w
        .srv
        .post(
            &path,
            &w.t1.admin_token,
            json!({"extension": "203", "user_id": w.t2.user_id}),
        )
        .await;
    assert_eq!(other_user.code(), "unknown_reference");
    let ok = w.srv.post(&path, &w.t1.admin_token, json!({"extension": "202", "default_number": "+15550000001", "presentation_number": "+15550000001"})).await;
    assert_eq!(ok.status, 201, "{}", ok.text);
    w.srv.stop().await;
}

#[tokio::test]
async fn audit_records_changes_with_filters_and_csv() {
    let w = world().await;
    let base = format!("/api/v1/companies/{}/audit", w.t1.company_id);
    let r = w
        .srv
        .get(&format!("{base}?kind=created&limit=2"), &w.t1.admin_token)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["items"].as_array().unwrap().len(), 2);
    let next = r.body["next_cursor"].as_str().unwrap();
    let r2 = w
        .srv
        .get(
            &format!("{base}?kind=created&limit=2&cursor={next}"),
            &w.t1.admin_token,
        )
        .await;
    assert_ne!(r2.body["items"][0]["id"], r.body["items"][0]["id"]);
    let future = w
        .srv
        .get(
            &format!("{base}?from=2100-01-01T00:00:00Z"),
            &w.t1.admin_token,
        )
        .await;
    assert!(future.body["items"].as_array().unwrap().is_empty());
    let rename = w
        .srv
        .patch(
            &format!("/api/v1/users/{}", w.t1.user_id),
            &w.t1.admin_token,
            json!({"name": "Ulrich"}),
        )
        .await;
    assert_eq!(rename.status, 200);
    let changed = w
        .srv
        .get(
            &format!("{base}?kind=changed&user_id={}", w.t1.user_id),
            &w.t1.admin_token,
        )
        .await;
    let last = changed.body["items"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["summary"]["before"]["name"], "Ulf");
    assert_eq!(last["summary"]["after"]["name"], "Ulrich");
    assert_eq!(last["actor_name"], "adaone");
    assert_eq!(last["source_ip"], "127.0.0.1");
    let csv = w
        .srv
        .http
        .get(format!("{}{base}?format=csv", w.srv.base))
        .bearer_auth(&w.t1.admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let text = csv.text().await.unwrap();
    assert!(text.starts_with("id,at,kind,"));
    assert!(text.contains("Ulrich"));
    assert!(!text.contains(PW), "no secret in the audit");
    assert_eq!(
        w.srv.get(&base, &w.t1.user_token).await.status,
        403,
        "end users do not read the audit"
    );
    w.srv.stop().await;
}

#[tokio::test]
async fn providers_read_the_audit_above_companies() {
    let w = world().await;
    let all = w
        .srv
        .get("/api/v1/audit?kind=created&limit=500", &w.sys)
        .await;
    assert_eq!(all.status, 200, "{}", all.text);
    let types: Vec<&str> = all.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["target_type"].as_str().unwrap())
        .collect();
    for t in ["reseller", "package", "company", "user"] {
        assert!(types.contains(&t), "{t} missing in {types:?}");
    }
    let mine = w
        .srv
        .get("/api/v1/audit?limit=500", &w.t1.reseller_token)
        .await;
    assert_eq!(mine.status, 200, "{}", mine.text);
    assert!(mine.text.contains(&w.t1.company_id));
    assert!(
        !mine.text.contains(&w.t2.company_id) && !mine.text.contains(&w.t2.reseller_id),
        "another reseller's records"
    );
    let sign_ins = w
        .srv
        .get(
            &format!(
                "/api/v1/audit?kind=login_succeeded&user_id={}",
                w.t1.admin_id
            ),
            &w.sys,
        )
        .await;
    assert!(!sign_ins.body["items"].as_array().unwrap().is_empty());
    assert_eq!(
        w.srv.get("/api/v1/audit", &w.t1.admin_token).await.status,
        403
    );
    assert_eq!(
        w.srv.get("/api/v1/audit", &w.t1.user_token).await.status,
        403
    );
    let csv = w
        .srv
        .http
        .get(format!("{}/api/v1/audit?format=csv", w.srv.base))
        .bearer_auth(&w.sys)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(csv.text().await.unwrap().lines().count() > 10);
    w.srv.stop().await;
}

#[tokio::test]
async fn company_profile_languages_and_time_zone_are_validated() {
    let w = world().await;
    let path = format!("/api/v1/companies/{}", w.t1.company_id);
    let r = w
        .srv
        .patch(
            &path,
            &w.t1.admin_token,
            json!({"first_language": "fr", "second_language": "en", "time_zone": "Europe/Paris"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["second_language"], "en");
    let same = w
        .srv
        .patch(&path, &w.t1.admin_token, json!({"second_language": "fr"}))
        .await;
    assert_eq!(same.code(), "same_language");
    let tz = w
        .srv
        .patch(&path, &w.t1.admin_token, json!({"time_zone": "Mars/Base"}))
        .await;
    assert_eq!(
        (tz.status.as_u16(), tz.code(), tz.body["field"].as_str()),
        (422, "invalid_time_zone", Some("time_zone"))
    );
    let lang = w
        .srv
        .patch(&path, &w.t1.admin_token, json!({"first_language": "de"}))
        .await;
    assert_eq!(
        (lang.status.as_u16(), lang.body["field"].as_str()),
        (422, Some("first_language"))
    );
    let cleared = w
        .srv
        .patch(&path, &w.t1.admin_token, json!({"second_language": null}))
        .await;
    assert_eq!(cleared.body["second_language"], Value::Null);
    let me = w.srv.get("/api/v1/me", &w.t1.user_token).await;
    assert_eq!(
        me.body["language"], "fr",
        "users without a language follow the company's first language"
    );
    w.srv.stop().await;
}

#[tokio::test]
async fn health_metrics_and_openapi_are_served() {
    let srv = start().await;
    let h = srv
        .http
        .get(format!("{}/healthz", srv.base))
        .send()
        .await
        .unwrap();
    assert_eq!(h.status(), 200);
    let body: Value = h.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    let m = srv.metrics().await;
    assert!(m.contains("switchboard_mail_outbox_depth 0"));
    let served = srv
        .http
        .get(format!("{}/api/v1/openapi.json", srv.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let committed_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.json");
    if std::env::var("UPDATE_OPENAPI").as_deref() == Ok("1") {
        std::fs::write(committed_path, &served).unwrap();
    }
    let committed = std::fs::read_to_string(committed_path).unwrap_or_default();
    assert!(
        served == committed,
        "docs/openapi.json differs from the served document: run UPDATE_OPENAPI=1 cargo nextest run -E 'test(health_metrics_and_openapi_are_served)'"
    );
    let doc: Value = serde_json::from_str(&served).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(
        doc["components"]["schemas"]["UserInput"]["required"]
            .as_array()
            .unwrap()
            .contains(&json!("name"))
    );
    assert!(doc["components"]["schemas"]["Role"]["enum"].is_array());
    // Every reference points at a schema the document defines.
    for part in served.split("\"$ref\": \"#/components/schemas/").skip(1) {
        let name = part.split('"').next().unwrap();
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "dangling $ref to {name}"
        );
    }
    srv.stop().await;
}

#[tokio::test]
async fn the_whole_story_works_on_postgresql_too() {
    let Some(url) = sb_store::testdb::fresh_postgres_url("e2e").await.unwrap() else {
        return;
    };
    let srv = start_with(url, sb_app::AppConfig::default()).await;
    let sys = srv.admin().await;
    let t = tenant(&srv, &sys, "pgsql").await;
    let me = srv.get("/api/v1/me", &t.user_token).await;
    assert_eq!(me.body["lines"][0]["extension"], "201");
    let dup = srv
        .post(
            &format!("/api/v1/companies/{}/users", t.company_id),
            &t.admin_token,
            json!({"name": "X", "username": "ULFPGSQL", "password": PW}),
        )
        .await;
    assert_eq!(dup.code(), "username_taken");
    for _ in 0..5 {
        srv.login_resp("ulfpgsql", "Wrong-Pass1!").await;
    }
    assert_eq!(srv.login_resp("ulfpgsql", PW).await.status, 423);
    let audit = srv
        .get(
            &format!(
                "/api/v1/companies/{}/audit?kind=account_locked",
                t.company_id
            ),
            &t.admin_token,
        )
        .await;
    assert_eq!(audit.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        srv.delete(
            &format!("/api/v1/companies/{}", t.company_id),
            &t.reseller_token
        )
        .await
        .status,
        204
    );
    srv.stop().await;
}

#[tokio::test]
async fn user_lists_show_every_change_at_once() {
    let w = world().await;
    let path = format!("/api/v1/companies/{}/users", w.t1.company_id);
    let names = |r: &Resp| {
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["name"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let before = w.srv.get(&path, &w.t1.admin_token).await;
    assert_eq!(names(&before), vec!["Ada", "Ulf"]);
    assert_eq!(
        w.srv.get(&path, &w.t1.user_token).await.status,
        403,
        "the page is cached now, and still refused"
    );
    w.srv
        .post(&path, &w.t1.admin_token, json!({"name": "Zoe"}))
        .await;
    assert_eq!(
        names(&w.srv.get(&path, &w.t1.admin_token).await),
        vec!["Ada", "Ulf", "Zoe"]
    );
    w.srv
        .patch(
            &format!("/api/v1/users/{}", w.t1.user_id),
            &w.t1.admin_token,
            json!({"name": "Ulrich"}),
        )
        .await;
    assert_eq!(
        names(&w.srv.get(&path, &w.t1.admin_token).await),
        vec!["Ada", "Ulrich", "Zoe"]
    );
    w.srv
        .delete(
            &format!("/api/v1/users/{}", w.t1.user_id),
            &w.t1.admin_token,
        )
        .await;
    assert_eq!(
        names(&w.srv.get(&path, &w.t1.admin_token).await),
        vec!["Ada", "Zoe"]
    );
    // A cached page is never served to someone who may not read it.
    assert_eq!(w.srv.get(&path, &w.t2.admin_token).await.status, 404);
    assert_eq!(w.srv.get(&path, &w.t1.reseller_token).await.status, 200);
    w.srv.stop().await;
}

/// Numbers come from the provider: a company administrator cannot claim one (whoever has it, and
/// whether anyone has it), and a reseller is told a number is unavailable without learning whose.
#[tokio::test]
async fn only_providers_assign_numbers_and_a_taken_number_names_no_tenant() {
    let w = world().await;
    let numbers = |co: &str| format!("/api/v1/companies/{co}/numbers");
    // t1's number, a free one: the company administrator of t2 gets the same refusal for both.
    for n in ["+15550000001", "+15550009999"] {
        let r = w
            .srv
            .post(
                &numbers(&w.t2.company_id),
                &w.t2.admin_token,
                json!({"number": n}),
            )
            .await;
        assert_eq!(r.status, 403, "{n}: {}", r.text);
    }
    let mine = w
        .srv
        .delete(
            &format!("/api/v1/numbers/{}", w.t2.number_id),
            &w.t2.admin_token,
        )
        .await;
    assert_eq!(mine.status, 403, "{}", mine.text);
    // t2's reseller: another reseller's number and one of its own companies' are refused alike.
    let foreign = w
        .srv
        .post(
            &numbers(&w.t2.company_id),
            &w.t2.reseller_token,
            json!({"number": "+15550000001"}),
        )
        .await;
    let own = w
        .srv
        .post(
            &numbers(&w.t2.company_id),
            &w.t2.reseller_token,
            json!({"number": "+15550000002"}),
        )
        .await;
    assert_eq!(
        (foreign.status.as_u16(), foreign.code()),
        (422, "number_unavailable")
    );
    assert_eq!(
        (own.status, own.body.clone()),
        (foreign.status, foreign.body.clone())
    );
    assert!(!foreign.text.contains(&w.t1.company_id) && !foreign.text.contains("Company one"));
    let free = w
        .srv
        .post(
            &numbers(&w.t2.company_id),
            &w.t2.reseller_token,
            json!({"number": "+15550009999"}),
        )
        .await;
    assert_eq!(free.status, 201, "{}", free.text);
    // The company administrator routes its company's numbers to its lines.
    let routed = w
        .srv
        .patch(
            &format!("/api/v1/numbers/{}", free.id()),
            &w.t2.admin_token,
            json!({"line_id": w.t2.line_id}),
        )
        .await;
    assert_eq!(routed.status, 200, "{}", routed.text);
    w.srv.stop().await;
}

/// Changes to where voicemail is mailed, to the mails a line's user gets, to greetings and to a
/// queue's music are each in the company's audit, with who did them.
#[tokio::test]
async fn voicemail_mail_targets_notifications_greetings_and_queue_music_are_audited() {
    let w = world().await;
    let t = &w.t1;
    let line = |p: &str| format!("/api/v1/lines/{}/{p}", t.line_id);
    let r = w
        .srv
        .put(
            &line("voicemail-settings"),
            &t.user_token,
            json!({"email_to": ["ulf@home.example.com"], "keep_after_email": false}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = w
        .srv
        .put(
            &line("notifications"),
            &t.user_token,
            json!({"new_voicemail": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let wav = std::env::temp_dir().join(format!("sb-audit-{}.wav", t.line_id));
    crate::baresip::tone_wav_at(&wav, 500.0, 1, 8000);
    let wav = std::fs::read(&wav).unwrap();
    let (status, body) = crate::baresip::upload(
        &w.srv,
        &line("voicemail-greeting"),
        &t.user_token,
        wav.clone(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        w.srv
            .delete(&line("voicemail-greeting"), &t.user_token)
            .await
            .status,
        204
    );
    let music = format!("/api/v1/queues/{}/music", t.queue_id);
    let (status, body) = crate::baresip::upload(&w.srv, &music, &t.admin_token, wav).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(w.srv.delete(&music, &t.admin_token).await.status, 204);

    let audit = w
        .srv
        .get(
            &format!(
                "/api/v1/companies/{}/audit?kind=changed&limit=100",
                t.company_id
            ),
            &t.admin_token,
        )
        .await;
    let items = audit.body["items"].as_array().unwrap();
    let of = |target_type: &str| -> Vec<&serde_json::Value> {
        items
            .iter()
            .filter(|e| e["target_type"] == target_type)
            .collect()
    };
    let settings = of("voicemail_settings");
    assert_eq!(settings.len(), 1, "{}", audit.text);
    assert!(
        settings[0].to_string().contains("ulf@home.example.com"),
        "{}",
        settings[0]
    );
    assert_eq!(settings[0]["actor_name"], "ulfone", "{}", settings[0]);
    assert_eq!(of("notifications").len(), 1, "{}", audit.text);
    assert_eq!(
        of("voicemail_greeting").len(),
        2,
        "upload and removal: {}",
        audit.text
    );
    let queue: Vec<_> = of("queue")
        .into_iter()
        .filter(|e| e.to_string().contains("music"))
        .collect();
    assert_eq!(
        queue.len(),
        2,
        "upload and back to built-in: {}",
        audit.text
    );
    w.srv.stop().await;
}
