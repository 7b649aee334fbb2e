//! Sign-in, lock-out, first-login links, passwords, re-authentication.

use crate::kit::*;
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn sign_in_gives_a_token_and_me_tells_role_tenant_and_lines() {
    let w = world().await;
    let me = w.srv.get("/api/v1/me", &w.t1.user_token).await;
    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(me.body["role"], "end_user");
    assert_eq!(me.body["company"]["id"], w.t1.company_id.as_str());
    assert_eq!(me.body["lines"][0]["extension"], "201");
    assert_eq!(me.body["lines"][0]["numbers"][0], "+15550000001");
    let r = w.srv.login_resp("ulfone", PW).await;
    assert!(r.body["expires_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(r.body["user"]["role"], "end_user");
    w.srv.stop().await;
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_answer() {
    let srv = start().await;
    let unknown = srv.login_resp("nosuchuser", "Whatever1!").await;
    let wrong = srv.login_resp("admin", "Wrong-Pass1!").await;
    assert_eq!(unknown.status, 401);
    assert_eq!(unknown.text, wrong.text);
    assert_eq!(unknown.code(), "invalid_credentials");
    // A name that does not exist locks after five wrong passwords too, with the same answer.
    for _ in 0..4 {
        srv.login_resp("nosuchuser", "Whatever1!").await;
    }
    let phantom = srv.login_resp("nosuchuser", "Whatever1!").await;
    assert_eq!(
        (phantom.status.as_u16(), phantom.code()),
        (423, "account_locked")
    );
    srv.stop().await;
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account_until_an_admin_unlocks_it() {
    let w = world().await;
    for i in 0..4 {
        assert_eq!(
            w.srv.login_resp("ulfone", "Wrong-Pass1!").await.status,
            401,
            "attempt {i}"
        );
    }
    let fifth = w.srv.login_resp("ulfone", "Wrong-Pass1!").await;
    assert_eq!(fifth.status, 423);
    assert_eq!(fifth.code(), "account_locked");
    // Even the right password is refused now, and the old session has ended.
    assert_eq!(w.srv.login_resp("ulfone", PW).await.status, 423);
    assert_eq!(w.srv.get("/api/v1/me", &w.t1.user_token).await.status, 401);
    // The user cannot unlock themself; their administrator can.
    let u = w
        .srv
        .get(
            &format!("/api/v1/users/{}", w.t1.user_id),
            &w.t1.admin_token,
        )
        .await;
    assert_eq!(u.body["locked"], true);
    let r = w
        .srv
        .post(
            &format!("/api/v1/users/{}/unlock", w.t1.user_id),
            &w.t1.admin_token,
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    w.srv.login("ulfone", PW).await;
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
    let kinds: Vec<&str> = audit.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    for k in [
        "login_failed",
        "account_locked",
        "account_unlocked",
        "login_succeeded",
    ] {
        assert!(kinds.contains(&k), "{k} missing in {kinds:?}");
    }
    w.srv.stop().await;
}

#[tokio::test]
async fn sign_in_is_rate_limited_per_username_with_retry_after() {
    let srv = start().await;
    let mut last = None;
    for _ in 0..12 {
        last = Some(srv.login_resp("ghostuser", "Wrong-Pass1!").await);
    }
    let last = last.unwrap();
    assert_eq!(last.status, 429);
    assert_eq!(last.code(), "rate_limited");
    assert!(last.headers.get("retry-after").is_some());
    srv.stop().await;
}

#[tokio::test]
async fn one_office_address_gets_a_burst_of_twenty_sign_ins() {
    let srv = start().await;
    for i in 0..20 {
        let r = srv
            .login_resp(&format!("person{i:02}"), "Wrong-Pass1!")
            .await;
        assert_eq!(r.status, 401, "attempt {i}: {}", r.text);
    }
    let mut limited = false;
    for i in 20..40 {
        if srv
            .login_resp(&format!("person{i:02}"), "Wrong-Pass1!")
            .await
            .status
            == 429
        {
            limited = true;
            break;
        }
    }
    assert!(limited, "the per-address limit never applied");
    srv.stop().await;
}

#[tokio::test]
async fn each_username_and_password_rule_is_its_own_error() {
    let w = world().await;
    let path = format!("/api/v1/companies/{}/users", w.t1.company_id);
    let cases = [
        (
            json!({"name": "X", "username": "abc", "password": PW}),
            "username_too_short",
            "username",
        ),
        (
            json!({"name": "X", "username": "abc_def", "password": PW}),
            "username_invalid_characters",
            "username",
        ),
        (
            json!({"name": "X", "username": "abcdef1", "password": "Ab1!"}),
            "password_too_short",
            "password",
        ),
        (
            json!({"name": "X", "username": "abcdef1", "password": "abcdef1!"}),
            "password_needs_uppercase",
            "password",
        ),
        (
            json!({"name": "X", "username": "abcdef1", "password": "ABCDEF1!"}),
            "password_needs_lowercase",
            "password",
        ),
        (
            json!({"name": "X", "username": "abcdef1", "password": "Abcdefg!"}),
            "password_needs_digit",
            "password",
        ),
        (
            json!({"name": "X", "username": "abcdef1", "password": "Abcdefg1"}),
            "password_needs_special",
            "password",
        ),
    ];
    for (body, code, field) in cases {
        let r = w.srv.post(&path, &w.t1.admin_token, body).await;
        assert_eq!(
            (r.status.as_u16(), r.code(), r.body["field"].as_str()),
            (422, code, Some(field)),
            "{}",
            r.text
        );
    }
    let list = w.srv.get(&path, &w.t1.admin_token).await;
    assert_eq!(
        list.body["items"].as_array().unwrap().len(),
        2,
        "nothing was created"
    );
    w.srv.stop().await;
}

#[tokio::test]
async fn usernames_are_unique_across_the_installation_case_insensitively() {
    let w = world().await;
    let r = w
        .srv
        .post(
            &format!("/api/v1/companies/{}/users", w.t2.company_id),
            &w.t2.admin_token,
            json!({"name": "Copy", "username": "ULFONE", "password": PW}),
        )
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(r.code(), "username_taken");
    w.srv.stop().await;
}

#[tokio::test]
async fn user_created_without_username_gets_a_single_use_first_login_link() {
    let w = world().await;
    let r = w
        .srv
        .post(
            &format!("/api/v1/companies/{}/users", w.t1.company_id),
            &w.t1.admin_token,
            json!({"name": "Nina"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let url = r.body["first_login"]["url"].as_str().unwrap();
    assert_eq!(r.body["first_login"]["emailed"], false);
    let token = url.split("token=").nth(1).unwrap();
    let bad = w
        .srv
        .raw(
            Method::POST,
            "/api/v1/auth/first-login",
            None,
            Some(json!({"token": token, "username": "nina", "password": PW})),
        )
        .await;
    assert_eq!(
        bad.code(),
        "username_too_short",
        "rules apply to the wizard too"
    );
    let ok = w
        .srv
        .raw(
            Method::POST,
            "/api/v1/auth/first-login",
            None,
            Some(json!({"token": token, "username": "nina01", "password": PW})),
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert!(ok.body["token"].is_string());
    w.srv.login("Nina01", PW).await;
    let again = w
        .srv
        .raw(
            Method::POST,
            "/api/v1/auth/first-login",
            None,
            Some(json!({"token": token, "username": "nina02", "password": PW})),
        )
        .await;
    assert_eq!((again.status.as_u16(), again.code()), (422, "invalid_link"));
    w.srv.stop().await;
}

#[tokio::test]
async fn changing_own_password_needs_the_current_password() {
    let w = world().await;
    let wrong = w
        .srv
        .post(
            "/api/v1/me/password",
            &w.t1.user_token,
            json!({"current_password": "Nope-123!", "new_password": "Fresh-Pass9!"}),
        )
        .await;
    assert_eq!(
        (wrong.status.as_u16(), wrong.code()),
        (422, "wrong_current_password")
    );
    let weak = w
        .srv
        .post(
            "/api/v1/me/password",
            &w.t1.user_token,
            json!({"current_password": PW, "new_password": "weak"}),
        )
        .await;
    assert_eq!(weak.code(), "password_too_short");
    let ok = w
        .srv
        .post(
            "/api/v1/me/password",
            &w.t1.user_token,
            json!({"current_password": PW, "new_password": "Fresh-Pass9!"}),
        )
        .await;
    assert_eq!(ok.status, 204, "{}", ok.text);
    assert_eq!(w.srv.login_resp("ulfone", PW).await.status, 401);
    w.srv.login("ulfone", "Fresh-Pass9!").await;
    w.srv.stop().await;
}

#[tokio::test]
async fn company_bill_needs_the_password_again() {
    let w = world().await;
    let path = format!("/api/v1/companies/{}/bill", w.t1.company_id);
    let r = w.srv.get(&path, &w.t1.admin_token).await;
    assert_eq!(r.status, 403);
    let wrong = w
        .srv
        .post(
            "/api/v1/auth/reauth",
            &w.t1.admin_token,
            json!({"password": "Nope-123!"}),
        )
        .await;
    assert_eq!(wrong.status, 401);
    let re = w
        .srv
        .post(
            "/api/v1/auth/reauth",
            &w.t1.admin_token,
            json!({"password": PW}),
        )
        .await;
    assert_eq!(re.status, 200, "{}", re.text);
    let elevated = re.body["token"].as_str().unwrap();
    let bill = w.srv.get(&path, elevated).await;
    assert_eq!(bill.status, 200, "{}", bill.text);
    assert!(bill.body["total_cents"].as_i64().unwrap() > 0);
    // End users never see the bill, elevated or not.
    let re = w
        .srv
        .post(
            "/api/v1/auth/reauth",
            &w.t1.user_token,
            json!({"password": PW}),
        )
        .await;
    assert_eq!(
        w.srv
            .get(&path, re.body["token"].as_str().unwrap())
            .await
            .status,
        403
    );
    w.srv.stop().await;
}

#[tokio::test]
async fn logout_ends_the_token() {
    let w = world().await;
    let r = w
        .srv
        .raw(
            Method::POST,
            "/api/v1/auth/logout",
            Some(&w.t1.user_token),
            None,
        )
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(w.srv.get("/api/v1/me", &w.t1.user_token).await.status, 401);
    w.srv.stop().await;
}

#[tokio::test]
async fn disabled_user_cannot_sign_in_and_keeps_audit_records() {
    let w = world().await;
    let r = w
        .srv
        .post(
            &format!("/api/v1/users/{}/disable", w.t1.user_id),
            &w.t1.admin_token,
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["enabled"], false);
    assert_eq!(w.srv.get("/api/v1/me", &w.t1.user_token).await.status, 401);
    assert_eq!(w.srv.login_resp("ulfone", PW).await.status, 403);
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
    assert!(audit.body["items"].as_array().unwrap().len() >= 2);
    assert_eq!(
        w.srv
            .post(
                &format!("/api/v1/users/{}/enable", w.t1.user_id),
                &w.t1.admin_token,
                json!({})
            )
            .await
            .status,
        200
    );
    w.srv.login("ulfone", PW).await;
    w.srv.stop().await;
}

#[tokio::test]
async fn deleting_user_removes_their_audit_records() {
    let w = world().await;
    let q = format!(
        "/api/v1/companies/{}/audit?user_id={}",
        w.t1.company_id, w.t1.user_id
    );
    assert!(
        !w.srv.get(&q, &w.t1.admin_token).await.body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let r = w
        .srv
        .delete(
            &format!("/api/v1/users/{}", w.t1.user_id),
            &w.t1.admin_token,
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert!(
        w.srv.get(&q, &w.t1.admin_token).await.body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        w.srv
            .get(
                &format!("/api/v1/users/{}", w.t1.user_id),
                &w.t1.admin_token
            )
            .await
            .status,
        404
    );
    // The line stays, without a user.
    let line = w
        .srv
        .get(
            &format!("/api/v1/lines/{}", w.t1.line_id),
            &w.t1.admin_token,
        )
        .await;
    assert_eq!(line.body["user_id"], serde_json::Value::Null);
    w.srv.stop().await;
}

#[tokio::test]
async fn administrators_reset_passwords_with_a_password_or_a_link() {
    let w = world().await;
    let path = format!("/api/v1/users/{}/reset-password", w.t1.user_id);
    assert_eq!(
        w.srv.post(&path, &w.t1.user_token, json!({})).await.status,
        403
    );
    let r = w
        .srv
        .post(
            &path,
            &w.t1.admin_token,
            json!({"password": "Given-Pass7#"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    w.srv.login("ulfone", "Given-Pass7#").await;
    let link = w.srv.post(&path, &w.t1.admin_token, json!({})).await;
    assert!(
        link.body["link"]["url"]
            .as_str()
            .unwrap()
            .contains("token=")
    );
    assert_eq!(
        r.body["link"],
        serde_json::Value::Null,
        "a password set directly needs no link"
    );
    w.srv.stop().await;
}

#[tokio::test]
async fn first_login_link_is_emailed_when_mail_is_configured() {
    let Some(sink) = SmtpSink::start().await else {
        return;
    };
    let srv = start_with_smtp(&sink.url).await;
    let sys = srv.admin().await;
    let t = tenant(&srv, &sys, "mail").await;
    let r = srv
        .post(
            &format!("/api/v1/companies/{}/users", t.company_id),
            &t.admin_token,
            json!({"name": "Mia", "email": "mia@mail.example.com"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["first_login"]["emailed"], true);
    assert_eq!(
        r.body["first_login"]["url"],
        serde_json::Value::Null,
        "the link goes to the user only"
    );
    let mail = sink.wait_for("first-login?token=").await;
    assert!(
        mail.contains("mia@mail.example.com") && mail.contains("Subject: Your Switchboard account"),
        "{mail}"
    );
    let token: String = mail
        .split("token=")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect();
    let ok = srv
        .raw(
            Method::POST,
            "/api/v1/auth/first-login",
            None,
            Some(json!({"token": token, "username": "miamail", "password": PW})),
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    // A French-speaking user's link comes in French, its expiry on the company's clock.
    let r = srv
        .post(
            &format!("/api/v1/companies/{}/users", t.company_id),
            &t.admin_token,
            json!({"name": "Lea", "email": "lea@mail.example.com", "language": "fr"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let all = sink.wait_for("Subject: Votre compte Switchboard").await;
    let mail = all
        .split("END MESSAGE")
        .find(|m| m.contains("Subject: Votre compte Switchboard"))
        .unwrap();
    assert!(
        mail.contains("lea@mail.example.com")
            && !mail.contains("mia@mail.example.com")
            && mail.contains("(America/New_York)"),
        "{mail}"
    );
    for _ in 0..100 {
        let h: serde_json::Value = srv
            .http
            .get(format!("{}/healthz", srv.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if h["mail_outbox"] == 0 {
            srv.stop().await;
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the outbox never emptied");
}

/// A first-login link (a password in all but name) reaches the mail server only over TLS, with the
/// mail server's credentials sent after TLS is up: STARTTLS (RFC 3207) and implicit TLS (RFC 8314).
async fn links_are_mailed_over_tls(implicit: bool) {
    let Some((sink, ca)) = SmtpSink::start_tls(implicit).await else {
        return;
    };
    let srv = start_with_smtp_tuned(&sink.url, &|f| {
        f.smtp_ca_file = Some(ca.clone());
        f.smtp_tls_required = Some(true);
    })
    .await;
    let sys = srv.admin().await;
    let t = tenant(&srv, &sys, if implicit { "smtps" } else { "starttls" }).await;
    let r = srv
        .post(
            &format!("/api/v1/companies/{}/users", t.company_id),
            &t.admin_token,
            json!({"name": "Tia", "email": "tia@tls.example.com"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let mail = sink.wait_for("first-login?token=").await;
    assert!(mail.contains("tia@tls.example.com"), "{mail}");
    srv.stop().await;
}

#[tokio::test]
async fn mail_goes_over_starttls_with_credentials() {
    links_are_mailed_over_tls(false).await;
}

#[tokio::test]
async fn mail_goes_over_implicit_tls_with_credentials() {
    links_are_mailed_over_tls(true).await;
}

#[tokio::test]
async fn a_mail_server_with_credentials_and_no_tls_stops_the_start() {
    let flags = switchboard::config::Flags {
        smtp_url: Some("smtp://mailer:s3cret@127.0.0.1:2525".into()),
        ..Default::default()
    };
    let e = switchboard::config::Config::load(&flags).err().unwrap();
    assert!(e.contains("clear text") && !e.contains("s3cret"), "{e}");
}
