//! The voice portal's business rules as the phone menu asks for them: a message is kept or
//! deleted only within the mailbox signed in to, a deletion is audited with where the call came
//! from, and the message is gone from the API too.

use crate::kit::*;
use sb_app::voicemail::Deposit;
use sb_domain::ids::{CompanyId, LineId};

fn deposit(t: &Tenant, number: &str) -> Deposit {
    Deposit {
        company_id: CompanyId::from_raw(t.company_id.clone()),
        line_id: LineId::from_raw(t.line_id.clone()),
        caller_number: number.into(),
        caller_name: None,
        samples: sb_media::codec::tone(440.0, 1000),
    }
}

#[tokio::test]
async fn a_message_is_kept_or_deleted_by_phone_only_within_the_mailbox_signed_in_to() {
    let w = world().await;
    let app = &w.srv.running.as_ref().unwrap().app;
    let kept = app
        .deposit_voicemail(deposit(&w.t1, "+15550101"))
        .await
        .unwrap();
    // Messages are ordered by the millisecond they arrived in.
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let gone = app
        .deposit_voicemail(deposit(&w.t1, "+15550102"))
        .await
        .unwrap();
    let theirs = app
        .deposit_voicemail(deposit(&w.t2, "+15550103"))
        .await
        .unwrap();
    let line = LineId::from_raw(w.t1.line_id.clone());

    let (new, saved) = app.portal_messages(&line).await.unwrap();
    assert_eq!(new, [kept.clone(), gone.clone()], "oldest first");
    assert!(saved.is_empty());
    let other = app.portal_keep(&line, &theirs, false, "192.0.2.9").await;
    assert!(
        matches!(other, Err(sb_app::AppError::NotFound)),
        "{other:?}"
    );

    app.portal_keep(&line, &kept, true, "192.0.2.9")
        .await
        .unwrap();
    app.portal_keep(&line, &gone, false, "192.0.2.9")
        .await
        .unwrap();
    let (new, saved) = app.portal_messages(&line).await.unwrap();
    assert!(new.is_empty());
    assert_eq!(saved, std::slice::from_ref(&kept));

    let (admin, t2) = (&w.t1.admin_token, &w.t2.admin_token);
    let list = w
        .srv
        .get(&format!("/api/v1/lines/{}/voicemails", w.t1.line_id), admin)
        .await;
    let items = list.body["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1, "{}", list.text);
    assert_eq!(items[0]["id"], kept.to_string());
    assert_eq!(items[0]["heard"], true, "{}", list.text);
    let list = w
        .srv
        .get(&format!("/api/v1/lines/{}/voicemails", w.t2.line_id), t2)
        .await;
    assert!(list.text.contains(&theirs.to_string()), "{}", list.text);
    let audit = w
        .srv
        .get(
            &format!("/api/v1/companies/{}/audit?kind=deleted", w.t1.company_id),
            admin,
        )
        .await;
    assert!(audit.text.contains("+15550102"), "{}", audit.text);
    assert!(audit.text.contains("192.0.2.9"), "{}", audit.text);
    w.srv.stop().await;
}
