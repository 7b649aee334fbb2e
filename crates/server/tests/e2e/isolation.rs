//! The isolation matrix: every route of the route table, called by each role of another tenant,
//! never answers with (or changes) the first tenant's data. New routes join automatically; a
//! route whose body schema has no sample here fails the test until one is added.

use crate::kit::*;
use reqwest::Method;
use serde_json::{Value, json};

fn sample_body(schema: &str, t1: &Tenant) -> Value {
    match schema {
        "ResellerInput" => json!({"name": "Hacked"}),
        "ResellerAdminInput" => json!({"name": "Hacked", "username": "intruder1", "password": PW}),
        "PackageInput" => json!({"name": "Hacked", "features": []}),
        "PackagePatch" => json!({"name": "Hacked"}),
        "CompanyInput" => {
            json!({"reseller_id": t1.reseller_id, "name": "Hacked", "country": "US", "time_zone": "UTC", "first_language": "en", "max_users": 1, "max_lines": 1})
        }
        "CompanyPatch" => json!({"name": "Hacked"}),
        "SubscriptionInput" => json!({"max_users": 999, "max_lines": 999}),
        "OfferedPackagesInput" => json!({"offered": []}),
        "DepartmentInput" | "DepartmentPatch" => json!({"name": "Hacked"}),
        "UserInput" | "UserPatch" => json!({"name": "Hacked"}),
        "ResetPasswordInput" => json!({"password": "Hacked-Pass1!"}),
        "LineInput" => json!({"extension": "299"}),
        "LinePatch" => json!({"calling_name": "Hacked"}),
        "NumberInput" => json!({"number": "+15559999999"}),
        "NumberPatch" => json!({"line_id": null}),
        "TrunkInput" => json!({"name": "Hijack", "address": "198.51.100.1:5060"}),
        "EmergencySettingsDoc" => json!({"recipients": ["intruder@example.com"]}),
        "E911AddressDoc" => {
            json!({"street": "1 Fake St", "city": "Nowhere", "postal_code": "00000", "country": "US"})
        }
        "CallHandlingDoc" => {
            json!({"forward_all": "+15550009999", "no_answer": {"action": "keep_ringing"}, "busy": {"action": "engaged"}})
        }
        "ExplainInput" => json!({}),
        "SendMessageInput" => json!({"to": "201", "body": "Hacked"}),
        "VoicePinInput" => json!({"pin": "135790"}),
        "SavedNumbersDoc" => json!({"numbers": ["+15550007777"]}),
        "SpeedDialsDoc" => json!({"items": [{"code": "1", "name": "x", "number": "+15550007777"}]}),
        "ContactInput" => json!({"name": "Hijack", "numbers": [{"number": "+15550007777"}]}),
        "GroupContactInput" => json!({"name": "Hijack", "numbers": [{"number": "+15550007777"}]}),
        "GroupContactPatch" => json!({"name": "Hijack"}),
        "FavouriteColleaguesDoc" => json!({"user_ids": [t1.user_id]}),
        "ResetLineInput" => json!({"account_name": "Hacked", "also_calling_name": true}),
        "PresenceView" => json!({"status": "do_not_disturb"}),
        "VoicemailPatch" => json!({"heard": true}),
        "NotificationsDoc" => json!({"missed_calls": true}),
        "VoicemailSettingsDoc" => json!({"email_to": ["intruder@example.com"]}),
        "ConferenceInput" => {
            json!({"title": "Hijack", "starts_at": "2099-01-01T10:00:00Z", "duration_minutes": 30})
        }
        "ConferenceBridgeDoc" => json!({"number": null}),
        "RescheduleInput" => json!({"starts_at": "2099-02-01T10:00:00Z", "duration_minutes": 30}),
        "RecordingSettingsDoc" => json!({"record_calls": false}),
        "RecordingPatch" => json!({"heard": true}),
        "FaxPatch" => json!({"seen": true}),
        "MessagePatch" => json!({"seen": true}),
        "QueueInput" => json!({"name": "Hijack", "extension": "699", "strategy": "ring_all"}),
        "AgentStatusInput" => json!({"line_id": t1.line_id, "logged_in": true}),
        "ReportInput" => {
            json!({"name": "Hijack", "kind": "audit", "frequency": "daily", "time": "08:00", "recipients": ["intruder@example.com"]})
        }
        "BrandingInput" => json!({"product_name": "Hijack", "primary_colour": "#000000"}),
        "Bars" => json!({"international": false, "premium": false, "all_outside": false}),
        "CompanyProfileInput" => {
            json!({"assistant_name": "Hijack", "provider_credentials": {"username": "x", "password": "y"}})
        }
        // A file upload; access is decided before the file is read.
        s if s.starts_with("file:") => json!({}),
        "LoginInput" | "ReauthInput" | "FirstLoginInput" | "ChangePasswordInput" => json!({}),
        "TwoFactorCodeInput" => json!({"code": "000000"}),
        "TwoFactorPolicy" => json!({"required": false}),
        other => panic!("add a sample body for {other} to the isolation matrix"),
    }
}

fn method(m: &str) -> Method {
    Method::from_bytes(m.to_uppercase().as_bytes()).unwrap()
}

#[tokio::test]
async fn no_route_gives_another_tenant_any_data() {
    let w = world().await;
    let t1 = &w.t1;
    let secrets = [
        &t1.company_id,
        &t1.reseller_id,
        &t1.user_id,
        &t1.admin_id,
        &t1.line_id,
        &t1.number_id,
        &t1.department_id,
        &t1.company_name,
    ];
    let attackers = [
        ("other company admin", &w.t2.admin_token),
        ("other company user", &w.t2.user_token),
        ("other reseller", &w.t2.reseller_token),
    ];
    let mut checked = 0;
    for route in sb_api::routes::routes() {
        if !route.auth
            || route.path.starts_with("/api/v1/auth/")
            || route.path.starts_with("/api/v1/me")
        {
            continue;
        }
        let has_id = route.path.contains("{id}");
        let path = if has_id {
            t1.path_of(route.path)
        } else {
            route.path.to_owned()
        };
        for (who, token) in attackers {
            let body = route.body.map(|s| sample_body(s, t1));
            let r = w
                .srv
                .raw(method(route.method), &path, Some(token), body)
                .await;
            let what = format!(
                "{} {} as {who}: {} {}",
                route.method, route.path, r.status, r.text
            );
            if has_id {
                assert_eq!(r.status, 404, "{what}");
            } else {
                assert!(!r.status.is_server_error(), "{what}");
            }
            for s in secrets {
                assert!(!r.text.contains(s.as_str()), "leak of {s}: {what}");
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} calls made");
    // Nothing of the first tenant changed.
    let c = w
        .srv
        .get(
            &format!("/api/v1/companies/{}", t1.company_id),
            &t1.admin_token,
        )
        .await;
    assert_eq!(
        (c.body["name"].as_str(), c.body["max_users"].as_i64()),
        (Some(t1.company_name.as_str()), Some(10))
    );
    let u = w
        .srv
        .get(&format!("/api/v1/users/{}", t1.user_id), &t1.admin_token)
        .await;
    assert_eq!(u.body["name"], "Ulf");
    let l = w
        .srv
        .get(&format!("/api/v1/lines/{}", t1.line_id), &t1.admin_token)
        .await;
    assert_eq!(l.body["calling_name"], "Ulf");
    let d = w
        .srv
        .get(
            &format!("/api/v1/departments/{}", t1.department_id),
            &t1.admin_token,
        )
        .await;
    assert_eq!(d.body["name"], "Sales");
    w.srv.login("ulfone", PW).await;
    let users = w
        .srv
        .get(
            &format!("/api/v1/companies/{}/users", t1.company_id),
            &t1.admin_token,
        )
        .await;
    assert_eq!(users.body["items"].as_array().unwrap().len(), 2);
    w.srv.stop().await;
}

#[tokio::test]
async fn end_users_cannot_use_administrator_routes_of_their_own_company() {
    let w = world().await;
    let t1 = &w.t1;
    for route in sb_api::routes::routes() {
        let admin_only = [
            "list_users",
            "create_user",
            "list_lines",
            "create_line",
            "list_numbers",
            "create_number",
            "list_audit",
            "set_subscription",
            "set_packages",
            "update_company",
            "create_department",
            "delete_user",
            "disable_user",
            "unlock_user",
            "line_credentials",
            "update_line",
            "delete_line",
            "get_number",
            "update_department",
        ];
        if !admin_only.contains(&route.id) {
            continue;
        }
        let path = t1.path_of(route.path);
        let r = w
            .srv
            .raw(
                method(route.method),
                &path,
                Some(&t1.user_token),
                route.body.map(|s| sample_body(s, t1)),
            )
            .await;
        assert_eq!(r.status, 403, "{} {}: {}", route.method, route.path, r.text);
    }
    w.srv.stop().await;
}

#[tokio::test]
async fn company_admins_never_see_other_companies() {
    let w = world().await;
    let list = w.srv.get("/api/v1/companies", &w.t2.admin_token).await;
    let ids: Vec<&str> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![w.t2.company_id.as_str()]);
    assert_eq!(
        w.srv
            .get("/api/v1/resellers", &w.t2.admin_token)
            .await
            .status,
        403
    );
    let pk = w.srv.get("/api/v1/packages", &w.t2.admin_token).await;
    assert!(!pk.text.contains(&w.t1.package_id));
    w.srv.stop().await;
}
