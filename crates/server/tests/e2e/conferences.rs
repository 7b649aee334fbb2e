//! Conferences over the API: scheduling with participants, invitations with an
//! iCalendar attachment at a real SMTP server, who sees which meeting, the bridge number, and
//! cancellation. The calls themselves are in `baresip.rs`.

use crate::kit::*;
use serde_json::json;

/// The iCalendar file of the first mail at or after `subject`.
async fn ics_after(sink: &SmtpSink, subject: &str) -> String {
    let mut text = String::new();
    for _ in 0..100 {
        text = sink.wait_for(subject).await;
        text = text[text.find(subject).unwrap()..].to_owned();
        if let Some(at) = text.find("Content-Disposition: attachment")
            && text[at..].contains("--=_switchboard_")
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    String::from_utf8(first_attachment(&text)).unwrap()
}

#[tokio::test]
async fn a_scheduled_conference_mails_icalendar_invitations_and_shows_to_its_people_only() {
    let Some(sink) = SmtpSink::start().await else {
        return;
    };
    let srv = start_with_smtp(&sink.url).await;
    let sys = srv.admin().await;
    let t = tenant(&srv, &sys, "conf").await;
    let path = format!("/api/v1/companies/{}/conferences", t.company_id);
    // tenant() had Ulf schedule one with Ada invited.
    let ada_list = srv.get(&path, &t.admin_token).await;
    assert_eq!(ada_list.body["items"].as_array().unwrap().len(), 1);

    let at = "2099-03-01T15:00:00Z";
    for (body, field) in [
        (
            json!({"title": " ", "starts_at": at, "duration_minutes": 30}),
            "title",
        ),
        (
            json!({"title": "X", "starts_at": "tomorrow", "duration_minutes": 30}),
            "starts_at",
        ),
        (
            json!({"title": "X", "starts_at": at, "duration_minutes": 0}),
            "duration_minutes",
        ),
        (
            json!({"title": "X", "starts_at": "2001-01-01T10:00:00Z", "duration_minutes": 30}),
            "starts_at",
        ),
        (
            json!({"title": "X", "starts_at": at, "duration_minutes": 30, "participants": [{"email": "not an address"}]}),
            "participants.0.email",
        ),
        (
            json!({"title": "X", "starts_at": at, "duration_minutes": 30, "participants": [{"user_id": t.admin_id, "email": "a@b.example.com"}]}),
            "participants.0",
        ),
    ] {
        let r = srv.post(&path, &t.user_token, body).await;
        assert_eq!(r.status, 422, "{}", r.text);
        assert_eq!(r.body["field"], field, "{}", r.text);
    }
    // An end user schedules for themselves only.
    let r = srv
        .post(
            &path,
            &t.user_token,
            json!({"title": "X", "starts_at": at, "duration_minutes": 30, "organizer_user_id": t.admin_id}),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(
        srv.get(&path, &t.user_token).await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "refused requests changed nothing"
    );

    let r = srv
        .post(
            &path,
            &t.user_token,
            json!({"title": "Budget, review", "starts_at": at, "duration_minutes": 45,
                "participants": [{"user_id": t.admin_id}, {"email": "bo@outside.example.com", "name": "Bo"}]}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.id();
    let code = r.body["dial_in"]["access_code"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(code.len(), 6);
    assert_eq!(r.body["dial_in"]["feature_code"], "*88");
    assert_eq!(r.body["ends_at"], "2099-03-01T15:45:00Z");
    assert_eq!(r.body["organizer_user_id"], t.user_id.as_str());
    assert_eq!(r.body["participants"][1]["email"], "bo@outside.example.com");

    // Both people with an address get an invitation their calendar understands.
    let ics = ics_after(&sink, "Subject: Invitation: Budget, review").await;
    assert!(ics.contains("METHOD:REQUEST\r\n"), "{ics}");
    assert!(ics.contains("SUMMARY:Budget\\, review\r\n"), "{ics}");
    assert!(ics.contains("DTSTART:20990301T150000Z\r\n"), "{ics}");
    assert!(ics.contains("DTEND:20990301T154500Z\r\n"), "{ics}");
    let unfolded = ics.replace("\r\n ", "");
    assert!(unfolded.contains(&format!("access code {code}")), "{ics}");
    assert!(
        unfolded.contains("mailto:bo@outside.example.com"),
        "{unfolded}"
    );
    sink.wait_for("bo@outside.example.com").await;
    sink.wait_for("ada@conf.example.com").await;

    // Ulf (organiser) and Ada (invited) see it; another user of the company does not.
    assert_eq!(
        srv.get(&path, &t.user_token).await.body["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let filtered = srv
        .get(&format!("{path}?user_id={}", t.admin_id), &t.admin_token)
        .await;
    assert_eq!(filtered.body["items"].as_array().unwrap().len(), 2);
    let cy = srv
        .post(
            &format!("/api/v1/companies/{}/users", t.company_id),
            &t.admin_token,
            json!({"name": "Cy", "username": "cyconf", "password": PW}),
        )
        .await;
    assert_eq!(cy.status, 201, "{}", cy.text);
    let cy_token = srv.login("cyconf", PW).await;
    assert_eq!(srv.get(&path, &cy_token).await.body["items"], json!([]));
    assert_eq!(
        srv.get(&format!("/api/v1/conferences/{id}"), &cy_token)
            .await
            .status,
        404
    );
    assert_eq!(
        srv.get(&format!("{path}?user_id={}", t.user_id), &cy_token)
            .await
            .status,
        403
    );

    // The bridge number: one of the company's numbers that rings no line.
    let bridge = format!("/api/v1/companies/{}/conference-bridge", t.company_id);
    let r = srv
        .put(&bridge, &t.admin_token, json!({"number": "+15550000002"}))
        .await;
    assert_eq!(r.status, 409, "it rings Ulf's line: {}", r.text);
    let r = srv
        .put(&bridge, &t.admin_token, json!({"number": "+15557770000"}))
        .await;
    assert_eq!(r.status, 422, "not the company's: {}", r.text);
    let r = srv
        .post(
            &format!("/api/v1/companies/{}/numbers", t.company_id),
            &t.reseller_token,
            json!({"number": "+15550000900"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let r = srv
        .put(&bridge, &t.user_token, json!({"number": "+15550000900"}))
        .await;
    assert_eq!(r.status, 403, "administrators set it: {}", r.text);
    let r = srv
        .put(&bridge, &t.admin_token, json!({"number": "+15550000900"}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let one = srv
        .get(&format!("/api/v1/conferences/{id}"), &t.user_token)
        .await;
    assert_eq!(one.body["dial_in"]["number"], "+15550000900");

    // Ada, invited, is an administrator: she cancels it, and the participants are told.
    let r = srv
        .delete(&format!("/api/v1/conferences/{id}"), &t.admin_token)
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let ics = ics_after(&sink, "Subject: Cancelled: Budget, review").await;
    assert!(ics.contains("METHOD:CANCEL\r\n"), "{ics}");
    assert!(ics.contains("STATUS:CANCELLED\r\n"), "{ics}");
    assert_eq!(
        srv.get(&format!("/api/v1/conferences/{id}"), &t.user_token)
            .await
            .status,
        404
    );
    let audit = srv
        .get(
            &format!("/api/v1/companies/{}/audit", t.company_id),
            &t.admin_token,
        )
        .await;
    assert!(audit.text.contains("\"conference\""), "{}", audit.text);
    srv.stop().await;
}

/// One person cannot make the provider's mail relay send mail to anyone in bulk: invitations
/// count against the organiser's hourly mail limit (100), and a conference whose invitations
/// would pass it is refused whole (409 `mail_limit`: not scheduled, nothing queued).
#[tokio::test]
async fn invitations_count_against_the_organisers_hourly_mail_limit() {
    let w = world().await;
    let t = &w.t1;
    let path = format!("/api/v1/companies/{}/conferences", t.company_id);
    let outsiders = |n: usize, tag: &str| -> Vec<serde_json::Value> {
        (0..n)
            .map(|i| json!({"email": format!("victim{i}.{tag}@spam.example.com")}))
            .collect()
    };
    let srv = &w.srv;
    let schedule = async |participants: Vec<serde_json::Value>| {
        srv.post(
            &path,
            &t.user_token,
            json!({"title": "Offer", "starts_at": "2099-05-01T10:00:00Z",
                "duration_minutes": 30, "participants": participants}),
        )
        .await
    };
    // tenant() had Ulf invite Ada: 1 mail. 50 more: 51.
    assert_eq!(schedule(outsiders(50, "a")).await.status, 201);
    let over = schedule(outsiders(50, "b")).await;
    assert_eq!(
        (over.status.as_u16(), over.code()),
        (409, "mail_limit"),
        "{}",
        over.text
    );
    let listed = w.srv.get(&path, &t.user_token).await;
    assert_eq!(
        listed.body["items"].as_array().unwrap().len(),
        2,
        "not scheduled"
    );
    // Up to the limit exactly, then not one more.
    assert_eq!(schedule(outsiders(49, "c")).await.status, 201);
    let one_more = schedule(outsiders(1, "d")).await;
    assert_eq!(one_more.code(), "mail_limit", "{}", one_more.text);
    // Another person of the company still has their own allowance.
    let ada = w
        .srv
        .post(
            &path,
            &t.admin_token,
            json!({"title": "Board", "starts_at": "2099-05-02T10:00:00Z", "duration_minutes": 30,
                "participants": [{"email": "chair@board.example.com"}]}),
        )
        .await;
    assert_eq!(ada.status, 201, "{}", ada.text);
    w.srv.stop().await;
}
