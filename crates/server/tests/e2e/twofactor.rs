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
