//! Two-factor sign-in (TOTP, RFC 6238) through the API, with codes computed here.

use crate::kit::*;
use sb_app::AppConfig;
use sb_domain::clock::Clock;
use serde_json::json;
use totp_rs::{Algorithm, Secret, TOTP};

/// The code of the authenticator for `secret` at the step `offset` steps from now.
fn code(secret: &str, offset: i64) -> String {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().unwrap();
    let t = TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes).unwrap();
    let now = sb_domain::clock::SystemClock.now().as_second();
    t.generate(u64::try_from(now + offset * 30).unwrap())
}

#[tokio::test]
async fn two_factor_sign_in_needs_a_fresh_code_and_each_recovery_code_works_once() {
    let cfg = AppConfig {
        login_user_burst: 100,
        ..AppConfig::default()
    };
    let url = sb_store::testdb::fresh_sqlite_url("e2e").unwrap();
    let w = world_on(start_configured(url, Some(cfg), &|_| {}).await).await;
    let t = &w.t1.user_token;
    let login = |code: Option<String>| {
        let mut body = json!({"username": "ulfone", "password": PW});
        if let Some(c) = code {
            body["code"] = json!(c);
        }
        w.srv.raw(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(body),
        )
    };
    // Enrolling needs the password again.
    assert_eq!(
        w.srv
            .post("/api/v1/me/two-factor", t, json!({}))
            .await
            .status,
        403
    );
    let elevated = w
        .srv
        .post("/api/v1/auth/reauth", t, json!({"password": PW}))
        .await
        .body["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let e = w
        .srv
        .post("/api/v1/me/two-factor", &elevated, json!({}))
        .await;
    assert_eq!(e.status, 201, "{}", e.text);
    let secret = e.body["secret"].as_str().unwrap().to_owned();
    let uri = e.body["otpauth_uri"].as_str().unwrap();
    assert!(
        uri.starts_with("otpauth://totp/Switchboard:ulfone?secret="),
        "{uri}"
    );
    assert!(e.body["qr_svg"].as_str().unwrap().contains("<svg"));
    // Not on until a first code confirms it.
    assert_eq!(login(None).await.status, 200);
    let wrong = w
        .srv
        .post(
            "/api/v1/me/two-factor/confirm",
            t,
            json!({"code": code(&secret, 10)}),
        )
        .await;
    assert_eq!(wrong.code(), "invalid_two_factor_code");
    let on = w
        .srv
        .post(
            "/api/v1/me/two-factor/confirm",
            t,
            json!({"code": code(&secret, 0)}),
        )
        .await;
    assert_eq!(on.status, 200, "{}", on.text);
    let recovery: Vec<String> = on.body["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(recovery.len(), 10);
    // The password alone is not enough any more: not at the API, not at the portal, and not for
    // the elevated token that could switch the second factor off.
    let r = login(None).await;
    assert_eq!((r.status.as_u16(), r.code()), (401, "two_factor_required"));
    let (status, page) = crate::signin::portal_sign_in(&w.srv, "ulfone", PW, None).await;
    assert_eq!(status, 401, "{page}");
    let r = w
        .srv
        .post("/api/v1/auth/reauth", t, json!({"password": PW}))
        .await;
    assert_eq!(r.code(), "two_factor_required");
    let next = code(&secret, 1);
    let (status, _) = crate::signin::portal_sign_in(&w.srv, "ulfone", PW, Some(&next)).await;
    assert_eq!(status, 303, "the portal takes the code");
    // A code works once (RFC 6238 section 5.2), and so does a recovery code.
    assert_eq!(login(Some(next)).await.code(), "invalid_two_factor_code");
    assert_eq!(login(Some(recovery[0].to_uppercase())).await.status, 200);
    assert_eq!(
        login(Some(recovery[0].clone())).await.code(),
        "invalid_two_factor_code"
    );
    // Wrong codes count toward the lock like wrong passwords: this is the fifth in a row.
    for _ in 0..3 {
        assert_eq!(login(Some(code(&secret, 10))).await.status, 422);
    }
    let locked = login(Some(code(&secret, 10))).await;
    assert_eq!(
        (locked.status.as_u16(), locked.code()),
        (423, "account_locked")
    );
    let audit = w
        .srv
        .get(
            &format!(
                "/api/v1/companies/{}/audit?user_id={}",
                w.t1.company_id, w.t1.user_id
            ),
            &w.t1.admin_token,
        )
        .await;
    for k in ["two_factor_enabled", "recovery_code_used", "account_locked"] {
        assert!(audit.text.contains(k), "{k} missing: {}", audit.text);
    }
    assert!(
        !audit.text.contains(&secret),
        "the secret is never in the audit"
    );
    w.srv.stop().await;
}

/// A world whose sign-ins are not slowed by the per-user limit (these tests sign in often).
async fn busy_world() -> World {
    let cfg = AppConfig {
        login_user_burst: 100,
        ..AppConfig::default()
    };
    let url = sb_store::testdb::fresh_sqlite_url("e2e").unwrap();
    world_on(start_configured(url, Some(cfg), &|_| {}).await).await
}

async fn sign_in(srv: &Srv, user: &str, code: Option<String>) -> Resp {
    let mut body = json!({"username": user, "password": PW});
    if let Some(c) = code {
        body["code"] = json!(c);
    }
    srv.raw(
        reqwest::Method::POST,
        "/api/v1/auth/login",
        None,
        Some(body),
    )
    .await
}

/// Enrols with a token allowed to (elevated, or restricted to enrolment); answers the secret.
async fn enrol(srv: &Srv, token: &str) -> String {
    let e = srv.post("/api/v1/me/two-factor", token, json!({})).await;
    assert_eq!(e.status, 201, "{}", e.text);
    let secret = e.body["secret"].as_str().unwrap().to_owned();
    let on = srv
        .post(
            "/api/v1/me/two-factor/confirm",
            token,
            json!({"code": code(&secret, 0)}),
        )
        .await;
    assert_eq!(on.status, 200, "{}", on.text);
    secret
}

#[tokio::test]
async fn a_company_policy_lets_its_admins_without_two_factor_only_enrol_and_spares_end_users() {
    let w = busy_world().await;
    let (t1, t2) = (&w.t1, &w.t2);
    let policy = format!("/api/v1/companies/{}/two-factor-policy", t1.company_id);
    let users = format!("/api/v1/companies/{}/users", t1.company_id);
    let on = json!({"required": true});
    // Only the company's administrators and its provider set it.
    assert_eq!(
        w.srv.put(&policy, &t1.user_token, on.clone()).await.status,
        403
    );
    assert_eq!(
        w.srv.put(&policy, &t2.admin_token, on.clone()).await.status,
        404
    );
    assert_eq!(
        w.srv
            .put(&policy, &t2.reseller_token, on.clone())
            .await
            .status,
        404
    );
    let r = w.srv.put(&policy, &t1.admin_token, on.clone()).await;
    assert_eq!((r.status.as_u16(), &r.body), (200, &on), "{}", r.text);
    assert_eq!(w.srv.get(&policy, &t1.reseller_token).await.body, on);
    assert_eq!(
        w.srv
            .get(
                &format!("/api/v1/companies/{}/two-factor-policy", t2.company_id),
                &t2.admin_token
            )
            .await
            .body,
        json!({"required": false}),
        "another company's policy is its own"
    );

    // The admin without a second factor signs in, restricted to enrolment.
    let s = sign_in(&w.srv, "adaone", None).await;
    assert_eq!(s.status, 200, "{}", s.text);
    assert_eq!(s.body["two_factor_enrolment_required"], json!(true));
    let restricted = s.body["token"].as_str().unwrap().to_owned();
    for r in [
        w.srv.get(&users, &restricted).await,
        w.srv.get("/api/v1/me", &restricted).await,
        w.srv
            .put(&policy, &restricted, json!({"required": false}))
            .await,
        w.srv
            .post("/api/v1/auth/reauth", &restricted, json!({"password": PW}))
            .await,
    ] {
        assert_eq!(
            (r.status.as_u16(), r.code()),
            (403, "two_factor_enrolment_required"),
            "{}",
            r.text
        );
    }
    // An end user of the same company is not covered.
    let u = sign_in(&w.srv, "ulfone", None).await;
    assert_eq!(
        u.body["two_factor_enrolment_required"],
        json!(false),
        "{}",
        u.text
    );
    let ut = u.body["token"].as_str().unwrap();
    assert_eq!(w.srv.get("/api/v1/me", ut).await.status, 200);

    // The restricted token enrols; then the admin signs in with a code and works.
    let secret = enrol(&w.srv, &restricted).await;
    assert_eq!(
        w.srv.get(&users, &restricted).await.status,
        403,
        "still restricted"
    );
    assert_eq!(
        sign_in(&w.srv, "adaone", None).await.code(),
        "two_factor_required"
    );
    let s = sign_in(&w.srv, "adaone", Some(code(&secret, 1))).await;
    assert_eq!(
        s.body["two_factor_enrolment_required"],
        json!(false),
        "{}",
        s.text
    );
    let full = s.body["token"].as_str().unwrap();
    let list = w.srv.get(&users, full).await;
    assert_eq!(list.status, 200, "{}", list.text);

    let audit = w
        .srv
        .get(&format!("/api/v1/companies/{}/audit", t1.company_id), full)
        .await;
    assert!(
        audit.text.contains("two_factor_policy_changed"),
        "{}",
        audit.text
    );
    w.srv.stop().await;
}

#[tokio::test]
async fn the_installation_policy_covers_reseller_admins_and_only_system_admins_set_it() {
    let w = busy_world().await;
    let t1 = &w.t1;
    let on = json!({"required": true});
    for t in [&t1.reseller_token, &t1.admin_token] {
        let r = w.srv.put("/api/v1/two-factor-policy", t, on.clone()).await;
        assert_eq!(r.status, 404, "{}", r.text);
    }
    assert_eq!(
        w.srv.get("/api/v1/two-factor-policy", &w.sys).await.body,
        json!({"required": false}),
        "refused changes changed nothing"
    );
    let r = w
        .srv
        .put("/api/v1/two-factor-policy", &w.sys, on.clone())
        .await;
    assert_eq!((r.status.as_u16(), &r.body), (200, &on), "{}", r.text);

    let s = sign_in(&w.srv, "ritaone", None).await;
    assert_eq!(
        s.body["two_factor_enrolment_required"],
        json!(true),
        "{}",
        s.text
    );
    let restricted = s.body["token"].as_str().unwrap();
    let r = w
        .srv
        .get(&format!("/api/v1/companies/{}", t1.company_id), restricted)
        .await;
    assert_eq!(
        (r.status.as_u16(), r.code()),
        (403, "two_factor_enrolment_required")
    );
    // Company administrators answer to their company's policy, which is off.
    let a = sign_in(&w.srv, "adaone", None).await;
    assert_eq!(
        a.body["two_factor_enrolment_required"],
        json!(false),
        "{}",
        a.text
    );

    let secret = enrol(&w.srv, restricted).await;
    let s = sign_in(&w.srv, "ritaone", Some(code(&secret, 1))).await;
    assert_eq!(
        s.body["two_factor_enrolment_required"],
        json!(false),
        "{}",
        s.text
    );
    let full = s.body["token"].as_str().unwrap();
    let r = w
        .srv
        .get(&format!("/api/v1/companies/{}", t1.company_id), full)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    w.srv.stop().await;
}

#[tokio::test]
async fn an_admin_resets_a_lost_second_factor_with_the_rules_of_unlocking() {
    let w = busy_world().await;
    let (t1, t2) = (&w.t1, &w.t2);
    let elevated = w
        .srv
        .post(
            "/api/v1/auth/reauth",
            &t1.user_token,
            json!({"password": PW}),
        )
        .await
        .body["token"]
        .as_str()
        .unwrap()
        .to_owned();
    enrol(&w.srv, &elevated).await;
    assert_eq!(
        sign_in(&w.srv, "ulfone", None).await.code(),
        "two_factor_required"
    );

    let reset = format!("/api/v1/users/{}/two-factor", t1.user_id);
    assert_eq!(
        w.srv.delete(&reset, &t1.user_token).await.status,
        403,
        "not by the user"
    );
    assert_eq!(
        w.srv.delete(&reset, &t2.admin_token).await.status,
        404,
        "not by another company"
    );
    assert_eq!(
        sign_in(&w.srv, "ulfone", None).await.code(),
        "two_factor_required"
    );
    let own = w
        .srv
        .delete(
            &format!("/api/v1/users/{}/two-factor", t1.admin_id),
            &t1.admin_token,
        )
        .await;
    assert_eq!(own.code(), "cannot_change_self");

    assert_eq!(w.srv.delete(&reset, &t1.admin_token).await.status, 204);
    let s = sign_in(&w.srv, "ulfone", None).await;
    assert_eq!(s.status, 200, "the password alone again: {}", s.text);
    assert_eq!(s.body["two_factor_enrolment_required"], json!(false));
    let audit = w
        .srv
        .get(
            &format!(
                "/api/v1/companies/{}/audit?user_id={}",
                t1.company_id, t1.user_id
            ),
            &t1.admin_token,
        )
        .await;
    assert!(audit.text.contains("two_factor_reset"), "{}", audit.text);
    w.srv.stop().await;
}
