//! The company profile's extras: the virtual assistant who signs the company's mail,
//! the administrator's phone, and provider and PBX credentials that are written, sealed, and
//! never shown again.

use crate::kit::*;
use serde_json::json;

fn stored_bytes(url: &str) -> Vec<u8> {
    let file = std::path::PathBuf::from(url.trim_start_matches("sqlite://"));
    let mut bytes = std::fs::read(&file).unwrap();
    if let Ok(wal) = std::fs::read(file.with_extension("db-wal")) {
        bytes.extend(wal);
    }
    bytes
}

#[tokio::test]
async fn the_assistant_signs_the_company_s_mail_and_credentials_are_never_shown_or_kept_in_clear() {
    let Some(sink) = SmtpSink::start().await else {
        return;
    };
    let url = sb_store::testdb::fresh_sqlite_url("e2e").unwrap();
    let db = url.clone();
    let srv = start_with_smtp_tuned(&sink.url, &move |f| f.database_url = Some(db.clone())).await;
    let sys = srv.admin().await;
    let t = tenant(&srv, &sys, "one").await;
    let other = tenant(&srv, &sys, "two").await;
    let path = format!("/api/v1/companies/{}/profile", t.company_id);
    let (provider_pw, pbx_pw) = ("Provider-Secret-4711", "Pbx-Secret-0815");
    let change = json!({
        "assistant_name": "Zoé Accueil",
        "assistant_email": "accueil@prof.example.com",
        "admin_phone": "+15550001234",
        "provider_credentials": {"username": "acme-sip", "password": provider_pw},
        "pbx_credentials": {"username": "acme-prov", "password": pbx_pw},
    });
    let r = srv.patch(&path, &t.admin_token, change.clone()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let expected = json!({"assistant_name": "Zoé Accueil", "assistant_email": "accueil@prof.example.com",
        "admin_phone": "+15550001234", "provider_credentials_set": true, "pbx_credentials_set": true, "mail_access": null});
    assert_eq!(r.body, expected);
    assert_eq!(srv.get(&path, &t.reseller_token).await.body, expected);
    // Nobody else reads or changes it; a bad value changes nothing.
    assert_eq!(srv.get(&path, &t.user_token).await.status, 403);
    assert_eq!(srv.get(&path, &other.admin_token).await.status, 404);
    let bad = srv
        .patch(&path, &t.admin_token, json!({"admin_phone": "call me"}))
        .await;
    assert_eq!(
        (bad.status.as_u16(), bad.body["field"].as_str()),
        (422, Some("admin_phone"))
    );
    assert_eq!(srv.get(&path, &t.admin_token).await.body, expected);
    // Absent fields stay, null clears.
    let cleared = srv
        .patch(&path, &t.admin_token, json!({"pbx_credentials": null}))
        .await;
    assert_eq!(
        (
            &cleared.body["pbx_credentials_set"],
            &cleared.body["admin_phone"]
        ),
        (&json!(false), &json!("+15550001234"))
    );
    // The audit says what changed, never the credentials.
    let audit = srv
        .get(
            &format!("/api/v1/companies/{}/audit", t.company_id),
            &t.admin_token,
        )
        .await;
    assert!(
        audit.text.contains("provider_credentials"),
        "{}",
        audit.text
    );
    for secret in [provider_pw, pbx_pw] {
        assert!(!audit.text.contains(secret), "the audit holds a credential");
        let stored = stored_bytes(&url);
        assert!(
            !stored.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "the database holds {secret} in clear"
        );
    }
    // An invitation Ulf sends is signed by the company's assistant, replies going to them.
    let conf = srv
        .post(
            &format!("/api/v1/companies/{}/conferences", t.company_id),
            &t.user_token,
            json!({"title": "Weekly", "starts_at": "2099-02-01T10:00:00Z", "duration_minutes": 30,
                "participants": [{"user_id": t.admin_id}]}),
        )
        .await;
    assert_eq!(conf.status, 201, "{}", conf.text);
    let mail = sink.wait_for("Weekly").await;
    assert!(
        mail.contains("From: =?utf-8?B?Wm/DqSBBY2N1ZWls?= <")
            && mail.contains("Reply-To: <accueil@prof.example.com>"),
        "{mail}"
    );
    srv.stop().await;
}

#[tokio::test]
async fn the_profile_page_s_forms_need_the_csrf_token_and_another_company_s_page_does_not_exist() {
    let w = world().await;
    let t1 = &w.t1;
    let api = format!("/api/v1/companies/{}/profile", t1.company_id);
    let before = w.srv.get(&api, &t1.admin_token).await.text;
    let emergency = format!("/api/v1/companies/{}/emergency", t1.company_id);
    let company = format!("/api/v1/companies/{}", t1.company_id);
    let emergency_before = w.srv.get(&emergency, &t1.admin_token).await.text;
    let company_before = w.srv.get(&company, &t1.admin_token).await.text;
    let mut ada = crate::portal_provider::Jar::sign_in(&w.srv, "adaone", PW).await;
    let page = format!("/admin/companies/{}/profile", t1.company_id);
    let (status, html) = ada.get(&page).await;
    assert_eq!(status, 200, "{html}");
    for (form, fields) in [
        ("assistant", vec![("assistant_name", "Forged")]),
        (
            "credentials",
            vec![("provider_username", "x"), ("provider_password", "y")],
        ),
        (
            "company",
            vec![
                ("name", "Forged"),
                ("country", "US"),
                ("time_zone", "UTC"),
                ("first_language", "en"),
            ],
        ),
        ("packages", vec![("offer", t1.package_id.as_str())]),
        ("emergency", vec![("recipients", "forged@example.com")]),
    ] {
        let path = format!("{page}/{form}");
        let (status, _) = ada.post(&path, &fields).await;
        assert_eq!(status, 403, "{form} without a token");
        let mut forged = fields.clone();
        forged.push(("csrf", "forged-token"));
        assert_eq!(
            ada.post(&path, &forged).await.0,
            403,
            "{form} with a wrong token"
        );
    }
    assert_eq!(
        w.srv.get(&api, &t1.admin_token).await.text,
        before,
        "nothing changed"
    );
    assert_eq!(
        w.srv.get(&emergency, &t1.admin_token).await.text,
        emergency_before,
        "no recipient added"
    );
    assert_eq!(
        w.srv.get(&company, &t1.admin_token).await.text,
        company_before,
        "neither the company nor its packages changed"
    );
    let csrf = ada.csrf();
    let saved = ada
        .post(
            &format!("{page}/assistant"),
            &[
                ("csrf", &csrf),
                ("assistant_name", "Desk"),
                ("assistant_email", ""),
                ("admin_phone", ""),
            ],
        )
        .await;
    assert_eq!(saved.0, 303);
    assert_eq!(
        w.srv.get(&api, &t1.admin_token).await.body["assistant_name"],
        "Desk"
    );
    // Another company's administrator: no such page, no such form.
    let mut other = crate::portal_provider::Jar::sign_in(&w.srv, "adatwo", PW).await;
    assert_eq!(other.get(&page).await.0, 404);
    let csrf = other.csrf();
    let (status, _) = other
        .post(
            &format!("{page}/assistant"),
            &[("csrf", &csrf), ("assistant_name", "Intruder")],
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(
        w.srv.get(&api, &t1.admin_token).await.body["assistant_name"],
        "Desk"
    );
    w.srv.stop().await;
}
