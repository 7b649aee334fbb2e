//! Mailing voicemail is a package feature (`voicemail_to_email`): addresses to mail a line's
//! messages to are refused, by their field, when the line's user's package lacks it, and a
//! message left while it lacks it is kept in the mailbox instead of being mailed.

use crate::kit::*;
use serde_json::json;

#[tokio::test]
async fn voicemail_is_mailed_only_with_voicemail_to_email_in_the_lines_users_package() {
    let w = world().await;
    let t = &w.t1;
    let vm = format!("/api/v1/lines/{}/voicemail-settings", t.line_id);
    // Ulf's package, the company's default (Professional), has the feature: mailed, not kept.
    let mailed = json!({"email_to": ["ulf@one.example.com"], "keep_after_email": false});
    let r = w.srv.put(&vm, &t.user_token, mailed.clone()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    // The reseller's Gold package: user portal and voicemail, not voicemail_to_email.
    let r = w
        .srv
        .patch(
            &format!("/api/v1/users/{}", t.user_id),
            &t.admin_token,
            json!({"package_id": t.package_id}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let elsewhere = json!({"email_to": ["anyone@elsewhere.example.com"], "keep_after_email": true});
    for token in [&t.user_token, &t.admin_token] {
        let r = w.srv.put(&vm, token, elsewhere.clone()).await;
        assert_eq!(r.status, 422, "{}", r.text);
        assert_eq!(r.code(), "no_voicemail_to_email_in_package", "{}", r.text);
        assert_eq!(r.body["field"], "email_to", "{}", r.text);
    }
    let now = w.srv.get(&vm, &t.admin_token).await;
    assert_eq!(now.body, mailed, "a refused change changes nothing");
    // Addresses set while the package had the feature are not mailed once it lost it: the
    // message stays in the mailbox, though the settings say not to keep mailed ones.
    let app = &w.srv.running.as_ref().unwrap().app;
    let samples: Vec<i16> = (0..8000).map(|i| ((i % 40) * 400 - 8000) as i16).collect();
    let id = app
        .deposit_voicemail(sb_app::voicemail::Deposit {
            company_id: sb_domain::ids::CompanyId::from_raw(t.company_id.clone()),
            line_id: sb_domain::ids::LineId::from_raw(t.line_id.clone()),
            caller_number: "+15550100".into(),
            caller_name: None,
            samples,
        })
        .await
        .unwrap();
    let list = w
        .srv
        .get(
            &format!("/api/v1/lines/{}/voicemails", t.line_id),
            &t.admin_token,
        )
        .await;
    let kept = list.body["items"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|m| m["id"] == id.to_string());
    assert!(kept, "kept, not mailed: {}", list.text);
    w.srv.stop().await;
}

#[tokio::test]
async fn a_greeting_is_refused_for_a_line_whose_users_package_has_no_voicemail() {
    let w = world().await;
    let t = &w.t1;
    let greeting = format!("/api/v1/lines/{}/voicemail-greeting", t.line_id);
    let path = std::env::temp_dir().join(format!(
        "sb-greeting-{}.wav",
        sb_domain::ids::new_id_text(0)
    ));
    crate::baresip::tone_wav_at(&path, 440.0, 1, 8000);
    let wav = std::fs::read(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    ulf_gets_package(&w.srv, t, "No voicemail", &["user_portal"]).await;
    for token in [&t.user_token, &t.admin_token] {
        let (status, body) = crate::baresip::upload(&w.srv, &greeting, token, wav.clone()).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["code"], "no_voicemail_in_package", "{body}");
    }
    let r = w.srv.get(&greeting, &t.user_token).await;
    assert_eq!(r.status, 404, "still the standard greeting: {}", r.text);
    // With voicemail in the package the same file is taken.
    ulf_gets_package(&w.srv, t, "Voicemail", &["user_portal", "voicemail"]).await;
    let (status, body) = crate::baresip::upload(&w.srv, &greeting, &t.user_token, wav).await;
    assert_eq!(status, 200, "{body}");
    w.srv.stop().await;
}
