//! Texts sent through the API (issue 17, "Send SMS" to colleagues): from one's own line to a
//! colleague's extension, kept in both lines' messages and handed at once to the colleague's
//! registered phones as SIP MESSAGE, only for a line whose user's package has `sms_mms`.

use crate::kit::ulf_gets_package;
use crate::phones::{free_port, message_phone, pair, register_at, sipp_available};
use serde_json::json;

#[tokio::test]
async fn a_text_sent_through_the_api_reaches_the_colleagues_registered_phone_with_sms_in_the_package()
 {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    let (w, t) = (&p.w, &p.w.t1);
    let send = format!("/api/v1/lines/{}/messages", t.line_id);
    let text = |to: &str, body: &str| json!({"to": to, "body": body});

    // Ulf is on the company's default package, which has no SMS/MMS: refused, nothing kept.
    let r = w.srv.post(&send, &t.user_token, text("202", "Hello")).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r.code(), "no_sms_mms_in_package", "{}", r.text);
    assert_eq!(r.body["field"], "line", "{}", r.text);
    let kept = w.srv.get(&send, &t.user_token).await;
    assert_eq!(
        kept.body["items"].as_array().map(Vec::len),
        Some(0),
        "{}",
        kept.text
    );

    ulf_gets_package(&w.srv, t, "Texting", &["user_portal", "sms_mms"]).await;

    // Ada's phone is registered: the text arrives on it as SIP MESSAGE.
    let port = free_port();
    register_at(p.sip, &p.caller, port).await;
    let phone = message_phone(port, "Lunch at noon");
    let r = w
        .srv
        .post(&send, &t.user_token, text("202", "Lunch at noon"))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.body["direction"], "sent", "{}", r.text);
    phone.done().await.expect("the phone got the text");
    let ada = format!("/api/v1/lines/{}/messages", p.caller_line);
    let mut delivered = false;
    for _ in 0..30 {
        let r = w.srv.get(&ada, &t.admin_token).await;
        if !r.body["items"][0]["delivered_at"].is_null() {
            assert_eq!(r.body["items"][0]["body"], "Lunch at noon");
            assert_eq!(r.body["items"][0]["direction"], "received");
            delivered = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(delivered, "kept in Ada's messages, marked delivered");

    // Bad input changes nothing.
    for (bad, field) in [(text("555", "x"), "to"), (text("202", "  "), "body")] {
        let r = w.srv.post(&send, &t.user_token, bad).await;
        assert_eq!(r.status, 422, "{}", r.text);
        assert_eq!(r.body["field"], field, "{}", r.text);
    }
    let r = w
        .srv
        .post(&send, &t.user_token, text("202", &"x".repeat(17 * 1024)))
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    let sent = w.srv.get(&send, &t.user_token).await;
    assert_eq!(
        sent.body["items"].as_array().map(Vec::len),
        Some(1),
        "{}",
        sent.text
    );

    // Nobody sends from a line that is not theirs; another company's line is not found.
    let adas = format!("/api/v1/lines/{}/messages", p.caller_line);
    let r = w
        .srv
        .post(&adas, &t.user_token, text("201", "as Ada"))
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    let theirs = format!("/api/v1/lines/{}/messages", w.t2.line_id);
    let r = w.srv.post(&theirs, &t.admin_token, text("201", "x")).await;
    assert_eq!(r.status, 404, "{}", r.text);
    p.w.srv.stop().await;
}

/// Texts as conversations (issue 17, the inbox's SMS conversations): one per other party with
/// how many received texts are new; only the recipient marks a text seen, nobody else's text is
/// found, and deleting a conversation hides it from one end only.
#[tokio::test]
async fn texts_make_conversations_with_unread_counts_that_the_recipient_marks_seen() {
    let w = crate::kit::world().await;
    let t = &w.t1;
    let ada = crate::phones::admin_line(&w.srv, t).await;
    ulf_gets_package(&w.srv, t, "Texting", &["user_portal", "sms_mms"]).await;
    let send = format!("/api/v1/lines/{}/messages", t.line_id);
    let mut ids = Vec::new();
    for body in ["First", "Second"] {
        let r = w
            .srv
            .post(&send, &t.user_token, json!({"to": "202", "body": body}))
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        assert_eq!(r.body["seen"], false, "{}", r.text);
        ids.push(r.body["id"].as_str().unwrap().to_owned());
    }
    let conversations = |line: &str, token: &str| {
        let path = format!("/api/v1/lines/{line}/conversations");
        let srv = &w.srv;
        let token = token.to_owned();
        async move {
            let r = srv.get(&path, &token).await;
            assert_eq!(r.status, 200, "{}", r.text);
            r.body["items"].as_array().cloned().unwrap_or_default()
        }
    };
    let adas = conversations(&ada, &t.admin_token).await;
    assert_eq!(adas.len(), 1, "{adas:?}");
    assert_eq!(adas[0]["with"], "201");
    assert_eq!(adas[0]["unread"], 2);
    assert_eq!(adas[0]["messages"], 2);
    assert_eq!(adas[0]["latest"], "Second");
    assert_eq!(adas[0]["latest_direction"], "received");
    let ulfs = conversations(&t.line_id, &t.user_token).await;
    assert_eq!(ulfs[0]["with"], "202");
    assert_eq!(
        ulfs[0]["unread"], 0,
        "what one sends is never new to oneself"
    );

    // The sender cannot mark it; another company does not find it; bad input changes nothing.
    let one = format!("/api/v1/messages/{}", ids[0]);
    let r = w
        .srv
        .patch(&one, &t.user_token, json!({"seen": true}))
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r.code(), "not_received", "{}", r.text);
    let r = w
        .srv
        .patch(&one, &w.t2.admin_token, json!({"seen": true}))
        .await;
    assert_eq!(r.status, 404, "{}", r.text);
    let r = w
        .srv
        .patch(&one, &t.admin_token, json!({"seen": "yes"}))
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    let r = w
        .srv
        .get(
            &format!("/api/v1/lines/{}/conversations", t.line_id),
            &w.t2.admin_token,
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.text);
    assert_eq!(conversations(&ada, &t.admin_token).await[0]["unread"], 2);

    // The recipient marks one seen.
    let r = w
        .srv
        .patch(&one, &t.admin_token, json!({"seen": true}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["seen"], true, "{}", r.text);
    assert_eq!(r.body["direction"], "received", "{}", r.text);
    assert_eq!(conversations(&ada, &t.admin_token).await[0]["unread"], 1);
    w.srv.stop().await;
}
