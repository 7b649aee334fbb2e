//! Call handling through the API: one validated document per line,
//! audited, and explained with the routing engine's own plan.

use crate::kit::*;
use serde_json::{Value, json};

fn full_doc(colleague_line: &str) -> Value {
    let day = json!({"rule": "unavailable_between", "from": "18:00", "to": "08:00"});
    let closed = json!({"rule": "unavailable_all_day"});
    json!({
        "forward_all": null,
        "no_answer": {"action": "divert", "seconds": 20, "divert": {"action": "voicemail"}, "always": false},
        "busy": {"action": "divert", "divert": {"action": "redirect_to_user", "line_id": colleague_line}},
        "out_of_hours": {"days": [day, day, day, day, day, closed, closed], "divert": {"action": "redirect_to_number", "number": "+15557650000", "announce": true, "present_dialled": true}},
        "reject_anonymous": true,
        "permanent_redirect": null
    })
}

async fn colleague_line(w: &World) -> String {
    let r = w
        .srv
        .post(
            &format!("/api/v1/companies/{}/lines", w.t1.company_id),
            &w.t1.admin_token,
            json!({"extension": "205", "user_id": w.t1.admin_id}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.id()
}

#[tokio::test]
async fn call_handling_round_trips_and_is_audited() {
    let w = world().await;
    let path = format!("/api/v1/lines/{}/call-handling", w.t1.line_id);
    let default = w.srv.get(&path, &w.t1.user_token).await;
    assert_eq!(default.status, 200, "{}", default.text);
    assert_eq!(
        default.body["no_answer"]["action"], "keep_ringing",
        "new lines keep ringing"
    );
    assert_eq!(
        default.body["busy"]["action"], "engaged",
        "and give the engaged tone when busy"
    );
    let other = colleague_line(&w).await;
    let doc = full_doc(&other);
    let put = w.srv.put(&path, &w.t1.admin_token, doc.clone()).await;
    assert_eq!(put.status, 200, "{}", put.text);
    let got = w.srv.get(&path, &w.t1.admin_token).await;
    assert_eq!(got.body, put.body);
    assert_eq!(got.body["out_of_hours"]["days"][0]["from"], "18:00");
    assert_eq!(got.body["busy"]["divert"]["line_id"], other.as_str());
    let audit = w
        .srv
        .get(
            &format!("/api/v1/companies/{}/audit?kind=changed", w.t1.company_id),
            &w.t1.admin_token,
        )
        .await;
    let rec = audit.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["target_type"] == "call_handling")
        .unwrap()
        .clone();
    assert_eq!(rec["summary"]["before"]["reject_anonymous"], false);
    assert_eq!(rec["summary"]["after"]["reject_anonymous"], true);
    w.srv.stop().await;
}

#[tokio::test]
async fn each_invalid_setting_is_422_naming_the_field_and_nothing_is_saved() {
    let w = world().await;
    let path = format!("/api/v1/lines/{}/call-handling", w.t1.line_id);
    let other = colleague_line(&w).await;
    let base = full_doc(&other);
    let with = |pointer: &str, v: Value| {
        let mut d = base.clone();
        *d.pointer_mut(pointer).unwrap() = v;
        d
    };
    let cases = [
        (with("/no_answer/seconds", json!(2)), "no_answer.seconds"),
        (with("/forward_all", json!("call me")), "forward_all"),
        (
            with("/permanent_redirect", json!("+0123")),
            "permanent_redirect",
        ),
        (
            with("/busy/divert/line_id", json!(w.t2.line_id)),
            "busy.divert.line_id",
        ),
        (
            with("/busy/divert/line_id", json!(w.t1.line_id)),
            "busy.divert.line_id",
        ),
        (
            with("/no_answer/divert", json!({"action": "redirect_to_number"})),
            "no_answer.divert.number",
        ),
        (with("/no_answer/always", json!(true)), "no_answer.always"),
        (
            with("/out_of_hours/days", json!([{"rule": "available_all_day"}])),
            "out_of_hours.days",
        ),
        (
            with("/out_of_hours/days/2/from", json!("25:00")),
            "out_of_hours.days.2.from",
        ),
        (
            with("/out_of_hours/days/4/to", json!("18:00")),
            "out_of_hours.days.4.to",
        ),
        (with("/busy/action", json!("sometimes")), "busy.action"),
    ];
    for (doc, field) in cases {
        let r = w.srv.put(&path, &w.t1.admin_token, doc).await;
        assert_eq!(
            (r.status.as_u16(), r.body["field"].as_str()),
            (422, Some(field)),
            "{}",
            r.text
        );
    }
    let still = w.srv.get(&path, &w.t1.admin_token).await;
    assert_eq!(
        still.body["no_answer"]["action"], "keep_ringing",
        "nothing was saved"
    );
    w.srv.stop().await;
}

#[tokio::test]
async fn end_users_change_their_own_lines_only_when_their_package_allows_it() {
    let w = world().await;
    let path = format!("/api/v1/lines/{}/call-handling", w.t1.line_id);
    let doc = json!({"forward_all": "+15550001111", "no_answer": {"action": "keep_ringing"}, "busy": {"action": "engaged"}});
    assert_eq!(
        w.srv.put(&path, &w.t1.user_token, doc.clone()).await.status,
        200
    );
    let packages = w.srv.get("/api/v1/packages", &w.t1.admin_token).await;
    let basic = packages.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Basic")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    w.srv
        .patch(
            &format!("/api/v1/users/{}", w.t1.user_id),
            &w.t1.admin_token,
            json!({"package_id": basic}),
        )
        .await;
    assert_eq!(
        w.srv.put(&path, &w.t1.user_token, doc.clone()).await.status,
        403
    );
    assert_eq!(
        w.srv.get(&path, &w.t1.user_token).await.status,
        200,
        "reading stays allowed"
    );
    assert_eq!(
        w.srv.put(&path, &w.t1.reseller_token, doc).await.status,
        200,
        "providers act for their customers"
    );
    w.srv.stop().await;
}

#[tokio::test]
async fn explain_says_what_would_happen_in_sentences() {
    let w = world().await;
    let path = format!("/api/v1/lines/{}/call-handling", w.t1.line_id);
    let other = colleague_line(&w).await;
    w.srv.put(&path, &w.t1.admin_token, full_doc(&other)).await;
    let explain = |body: Value| {
        let srv = &w.srv;
        let token = w.t1.admin_token.clone();
        let p = format!("{path}/explain");
        async move { srv.post(&p, &token, body).await }
    };
    // Monday 2026-11-23 10:00 in New York: working hours.
    let r = explain(json!({"caller_number": "+15559998888", "at": "2026-11-23T15:00:00Z"})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let actions: Vec<&str> = r.body["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["ring", "voicemail"]);
    assert_eq!(r.body["steps"][0]["seconds"], 20);
    assert_eq!(r.body["on_busy"]["action"], "redirect_to_user");
    assert!(
        r.body["steps"][0]["sentence"]
            .as_str()
            .unwrap()
            .ends_with('.')
    );
    let anon = explain(json!({"anonymous": true, "at": "2026-11-23T15:00:00Z"})).await;
    assert_eq!(
        (
            anon.body["steps"][0]["action"].as_str(),
            anon.body["steps"][0]["status"].as_u64()
        ),
        (Some("reject"), Some(433))
    );
    let night =
        explain(json!({"caller_number": "+15559998888", "at": "2026-11-24T03:00:00Z"})).await;
    assert_eq!(night.body["steps"][0]["reason"], "OutOfHours");
    assert_eq!(night.body["steps"][0]["target"], "+15557650000");
    let busy = explain(json!({"caller_number": "201", "internal": true, "busy": true, "at": "2026-11-23T15:00:00Z"})).await;
    assert_eq!(busy.body["steps"][0]["target"], other.as_str());
    // The line's department blocks incoming calls: the engine says so.
    let r = w
        .srv
        .patch(
            &format!("/api/v1/departments/{}", w.t1.department_id),
            &w.t1.admin_token,
            json!({"call_policy": "incoming_blocked"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let blocked =
        explain(json!({"caller_number": "+15559998888", "at": "2026-11-23T15:00:00Z"})).await;
    assert_eq!(
        (
            blocked.body["steps"][0]["status"].as_u64(),
            blocked.body["steps"][0]["reason"].as_str()
        ),
        (Some(403), Some("IncomingBlocked"))
    );
    let bad = explain(json!({"at": "yesterday"})).await;
    assert_eq!(
        (bad.status.as_u16(), bad.body["field"].as_str()),
        (422, Some("at"))
    );
    w.srv.stop().await;
}

#[tokio::test]
async fn voice_portal_pins_are_six_digits_not_trivial_and_never_shown() {
    let w = world().await;
    let path = format!("/api/v1/lines/{}/voice-pin", w.t1.line_id);
    assert_eq!(
        w.srv.get(&path, &w.t1.user_token).await.body["set"],
        false,
        "no PIN, no voice-portal access"
    );
    for (pin, code) in [
        ("12345", "pin_six_digits"),
        ("12a456", "pin_six_digits"),
        ("111111", "pin_too_easy"),
        ("123456", "pin_too_easy"),
        ("987654", "pin_too_easy"),
    ] {
        let r = w
            .srv
            .put(&path, &w.t1.user_token, json!({"pin": pin}))
            .await;
        assert_eq!(
            (r.status.as_u16(), r.code(), r.body["field"].as_str()),
            (422, code, Some("pin")),
            "{pin}"
        );
    }
    assert_eq!(
        w.srv.get(&path, &w.t1.user_token).await.body["set"],
        false,
        "nothing was saved"
    );
    // The channel partner sets it on the customer's behalf.
    assert_eq!(
        w.srv
            .put(&path, &w.t1.reseller_token, json!({"pin": "271828"}))
            .await
            .status,
        204
    );
    assert_eq!(w.srv.get(&path, &w.t1.user_token).await.body["set"], true);
    let audit = w
        .srv
        .get(
            &format!("/api/v1/companies/{}/audit?format=csv", w.t1.company_id),
            &w.t1.admin_token,
        )
        .await;
    assert!(
        !audit.text.contains("271828"),
        "the PIN never reaches the audit"
    );
    assert_eq!(w.srv.delete(&path, &w.t1.admin_token).await.status, 204);
    assert_eq!(w.srv.get(&path, &w.t1.user_token).await.body["set"], false);
    w.srv.stop().await;
}

/// `/api/v1/lines/{id}/voicemail` is the contract's path for the mailbox: the settings, the
/// greeting and the messages in one read, the settings in one write under the same rules; the
/// explained plan names the greeting a caller reaching the mailbox would hear.
#[tokio::test]
async fn the_voicemail_box_is_served_whole_at_the_contract_path_and_bad_settings_change_nothing() {
    let w = world().await;
    let line = |what: &str| format!("/api/v1/lines/{}/{what}", w.t1.line_id);
    let token = &w.t1.user_token;
    let r = w.srv.get(&line("voicemail"), token).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["greeting"], Value::Null, "the standard greeting");
    assert_eq!(r.body["messages"], json!([]));
    assert_eq!(r.body["new_messages"], 0);
    let doc = json!({"email_to": ["ulf@example.com"], "keep_after_email": false});
    let r = w.srv.put(&line("voicemail"), token, doc.clone()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["settings"], doc, "{}", r.text);
    assert_eq!(
        w.srv.get(&line("voicemail-settings"), token).await.body,
        doc,
        "one setting behind both paths"
    );
    let bad = w
        .srv
        .put(
            &line("voicemail"),
            token,
            json!({"email_to": ["not an address"]}),
        )
        .await;
    assert_eq!(
        (bad.status.as_u16(), bad.body["field"].as_str()),
        (422, Some("email_to.0"))
    );
    let unknown = w
        .srv
        .put(&line("voicemail"), token, json!({"email": []}))
        .await;
    assert_eq!(unknown.status, 422, "{}", unknown.text);
    assert_eq!(
        w.srv.get(&line("voicemail"), token).await.body["settings"],
        doc
    );
    // The plan names the mailbox a call would reach: the standard greeting until the line has
    // its own, and the longest message.
    let mailbox = || async {
        let plan = w
            .srv
            .post(&line("call-handling/explain"), token, json!({}))
            .await;
        assert_eq!(plan.status, 200, "{}", plan.text);
        let steps = plan.body["steps"].as_array().unwrap().clone();
        let step = steps.iter().find(|s| s["action"] == "voicemail");
        step.expect("the plan reaches voicemail")["voicemail"].clone()
    };
    let handling = json!({"no_answer": {"action": "divert", "seconds": 20, "divert": {"action": "voicemail"}}, "busy": {"action": "engaged"}});
    let r = w
        .srv
        .put(&line("call-handling"), &w.t1.admin_token, handling)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let standard = mailbox().await;
    assert_eq!(standard["greeting"], "standard", "{standard}");
    assert_eq!(standard["language"], "en", "{standard}");
    assert_eq!(standard["max_seconds"], 180, "{standard}");
    let wav = std::env::temp_dir().join(format!("sb-box-{}.wav", w.t1.line_id));
    crate::baresip::tone_wav_at(&wav, 500.0, 3, 8000);
    let (status, body) = crate::baresip::upload(
        &w.srv,
        &line("voicemail-greeting"),
        token,
        std::fs::read(&wav).unwrap(),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let greeting = &w.srv.get(&line("voicemail"), token).await.body["greeting"];
    assert_eq!(greeting["duration_secs"], 3, "{greeting}");
    let own = mailbox().await;
    assert_eq!(own["greeting"], "own", "{own}");
    assert!(own["language"].is_null(), "{own}");
    assert_eq!(
        greeting["audio_url"].as_str(),
        Some(line("voicemail-greeting").as_str())
    );
    // Another company's administrator learns nothing of it.
    assert_eq!(
        w.srv
            .get(&line("voicemail"), &w.t2.admin_token)
            .await
            .status,
        404
    );
    w.srv.stop().await;
}

#[tokio::test]
async fn reset_line_gives_a_new_account_name_and_clears_everything_saved_for_the_line() {
    let w = world().await;
    let line = |what: &str| format!("/api/v1/lines/{}/{what}", w.t1.line_id);
    let (token, user) = (&w.t1.user_token, &w.t1.user_id);
    let wav = std::env::temp_dir().join(format!("sb-reset-{}.wav", w.t1.line_id));
    crate::baresip::tone_wav_at(&wav, 500.0, 1, 8000);
    let wav = std::fs::read(&wav).unwrap();
    let (status, body) =
        crate::baresip::upload(&w.srv, &line("voicemail-greeting"), token, wav).await;
    assert_eq!(status, 200, "{body}");
    let saved = [
        (
            line("voicemail-settings"),
            json!({"email_to": ["ulf@example.com"], "keep_after_email": false}),
        ),
        (
            line("notifications"),
            json!({"missed_calls": true, "new_voicemail": true}),
        ),
        (
            format!("/api/v1/users/{user}/saved-numbers"),
            json!({"numbers": ["+15550002222"]}),
        ),
    ];
    for (path, doc) in &saved {
        let r = w.srv.put(path, token, doc.clone()).await;
        assert_eq!(r.status, 200, "{path}: {}", r.text);
    }
    let queue = format!("/api/v1/queues/{}", w.t1.queue_id);
    assert_eq!(
        w.srv.get(&queue, &w.t1.admin_token).await.body["agents"][0]["line_id"],
        w.t1.line_id.as_str()
    );
    let handling = format!("/api/v1/lines/{}/call-handling", w.t1.line_id);
    w.srv.put(&handling, &w.t1.admin_token, json!({"forward_all": "+15550001111", "no_answer": {"action": "keep_ringing"}, "busy": {"action": "engaged"}})).await;
    w.srv
        .put(
            &format!("/api/v1/lines/{}/voice-pin", w.t1.line_id),
            &w.t1.admin_token,
            json!({"pin": "135790"}),
        )
        .await;
    let reset = format!("/api/v1/lines/{}/reset", w.t1.line_id);
    assert_eq!(
        w.srv
            .post(&reset, &w.t1.user_token, json!({"account_name": "Desk"}))
            .await
            .status,
        403,
        "administrators reset lines"
    );
    let r = w.srv.post(&reset, &w.t1.admin_token, json!({"account_name": "Front desk", "also_calling_name": true, "remove_from_groups": true})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        (
            r.body["account_name"].as_str(),
            r.body["calling_name"].as_str()
        ),
        (Some("Front desk"), Some("Front desk"))
    );
    assert_eq!(
        w.srv.get(&handling, &w.t1.admin_token).await.body["forward_all"],
        Value::Null
    );
    assert_eq!(
        w.srv
            .get(
                &format!("/api/v1/lines/{}/voice-pin", w.t1.line_id),
                &w.t1.admin_token
            )
            .await
            .body["set"],
        false
    );
    // Everything saved for the line is gone, and with "Remove from groups" its queue places.
    assert_eq!(
        w.srv.get(&line("voicemail-greeting"), token).await.status,
        404
    );
    let settings = w.srv.get(&line("voicemail-settings"), token).await.body;
    assert_eq!(settings["email_to"], json!([]), "{settings}");
    let notes = w.srv.get(&line("notifications"), token).await.body;
    assert_eq!(
        (&notes["missed_calls"], &notes["new_voicemail"]),
        (&json!(false), &json!(false))
    );
    let numbers = format!("/api/v1/users/{user}/saved-numbers");
    assert_eq!(w.srv.get(&numbers, token).await.body["numbers"], json!([]));
    assert_eq!(
        w.srv.get(&queue, &w.t1.admin_token).await.body["agents"],
        json!([])
    );
    let audit = w
        .srv
        .get(
            &format!("/api/v1/companies/{}/audit", w.t1.company_id),
            &w.t1.admin_token,
        )
        .await;
    assert!(audit.text.contains("\"groups_left\":1"), "{}", audit.text);
    let keep_name = w
        .srv
        .post(&reset, &w.t1.admin_token, json!({"account_name": "Desk 2"}))
        .await;
    assert_eq!(
        keep_name.body["calling_name"], "Front desk",
        "the calling name stays unless asked"
    );
    assert_eq!(
        w.srv
            .post(&reset, &w.t1.admin_token, json!({"account_name": " "}))
            .await
            .body["field"],
        "account_name"
    );
    w.srv.stop().await;
}

#[tokio::test]
async fn do_not_disturb_sends_callers_to_the_busy_handling() {
    let w = world().await;
    let line = format!("/api/v1/lines/{}/call-handling", w.t1.line_id);
    w.srv.put(&line, &w.t1.admin_token, json!({"no_answer": {"action": "keep_ringing"}, "busy": {"action": "divert", "divert": {"action": "voicemail"}}})).await;
    let presence = format!("/api/v1/users/{}/presence", w.t1.user_id);
    assert_eq!(
        w.srv.get(&presence, &w.t1.user_token).await.body["status"],
        "available"
    );
    let r = w
        .srv
        .put(
            &presence,
            &w.t1.user_token,
            json!({"status": "do_not_disturb"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let plan = w
        .srv
        .post(
            &format!("{line}/explain"),
            &w.t1.admin_token,
            json!({"caller_number": "+15559998888"}),
        )
        .await;
    assert_eq!(
        (
            plan.body["steps"][0]["action"].as_str(),
            plan.body["steps"][0]["reason"].as_str()
        ),
        (Some("voicemail"), Some("DoNotDisturb"))
    );
    let bad = w
        .srv
        .put(&presence, &w.t1.user_token, json!({"status": "asleep"}))
        .await;
    assert_eq!(
        (bad.status.as_u16(), bad.body["field"].as_str()),
        (422, Some("status"))
    );
    assert_eq!(
        w.srv
            .put(
                &format!("/api/v1/users/{}/presence", w.t1.admin_id),
                &w.t1.user_token,
                json!({"status": "away"})
            )
            .await
            .status,
        403
    );
    w.srv.stop().await;
}

#[tokio::test]
async fn change_passcode_changes_the_pin_the_password_or_both() {
    let w = world().await;
    let pin = format!("/api/v1/lines/{}/voice-pin", w.t1.line_id);
    let none = w
        .srv
        .post(
            "/api/v1/me/passcode",
            &w.t1.user_token,
            json!({"current_password": PW}),
        )
        .await;
    assert_eq!(none.code(), "nothing_to_change");
    let wrong = w
        .srv
        .post(
            "/api/v1/me/passcode",
            &w.t1.user_token,
            json!({"current_password": "Nope-123!", "new_pin": "135790", "line_id": w.t1.line_id}),
        )
        .await;
    assert_eq!(wrong.code(), "wrong_current_password");
    assert_eq!(w.srv.get(&pin, &w.t1.user_token).await.body["set"], false);
    // The PIN alone: the password stays.
    let r = w
        .srv
        .post(
            "/api/v1/me/passcode",
            &w.t1.user_token,
            json!({"current_password": PW, "new_pin": "135790", "line_id": w.t1.line_id}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(w.srv.get(&pin, &w.t1.user_token).await.body["set"], true);
    w.srv.login("ulfone", PW).await;
    // The password alone: the PIN stays.
    let r = w
        .srv
        .post(
            "/api/v1/me/passcode",
            &w.t1.user_token,
            json!({"current_password": PW, "new_password": "Fresh-Pass9!"}),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let token = w.srv.login("ulfone", "Fresh-Pass9!").await;
    assert_eq!(w.srv.get(&pin, &token).await.body["set"], true);
    let easy = w.srv.post("/api/v1/me/passcode", &token, json!({"current_password": "Fresh-Pass9!", "new_pin": "000000", "line_id": w.t1.line_id})).await;
    assert_eq!(
        (easy.code(), easy.body["field"].as_str()),
        ("pin_too_easy", Some("new_pin"))
    );
    w.srv.stop().await;
}

#[tokio::test]
async fn users_keep_a_short_list_of_saved_forwarding_numbers() {
    let w = world().await;
    let path = format!("/api/v1/users/{}/saved-numbers", w.t1.user_id);
    assert_eq!(
        w.srv.get(&path, &w.t1.user_token).await.body["numbers"],
        json!([])
    );
    let r = w
        .srv
        .put(
            &path,
            &w.t1.user_token,
            json!({"numbers": ["+15550001111", "204", "+15550001111"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body["numbers"],
        json!(["+15550001111", "204"]),
        "kept in order, without repeats"
    );
    assert_eq!(
        w.srv.get(&path, &w.t1.admin_token).await.body["numbers"],
        json!(["+15550001111", "204"])
    );
    let bad = w
        .srv
        .put(
            &path,
            &w.t1.user_token,
            json!({"numbers": ["+15550001111", "mobile"]}),
        )
        .await;
    assert_eq!(
        (bad.status.as_u16(), bad.body["field"].as_str()),
        (422, Some("numbers.1"))
    );
    let many: Vec<String> = (0..21).map(|i| format!("+1555000{i:04}")).collect();
    assert_eq!(
        w.srv
            .put(&path, &w.t1.user_token, json!({"numbers": many}))
            .await
            .code(),
        "too_many"
    );
    assert_eq!(
        w.srv.get(&path, &w.t1.user_token).await.body["numbers"],
        json!(["+15550001111", "204"]),
        "nothing changed"
    );
    w.srv.stop().await;
}

/// The portal's explain panel says the engine's reasons in the page's language: on a French
/// page the sentence is the French text keyed by the API's `reason` code, not the English one.
#[tokio::test]
async fn the_explain_panel_of_a_french_calls_tab_gives_its_reasons_in_french() {
    let w = world().await;
    // The line's default handling (ring until answered) reads the same at any hour.
    let path = format!("/api/v1/lines/{}/call-handling", w.t1.line_id);
    let api = w
        .srv
        .post(
            &format!("{path}/explain"),
            &w.t1.admin_token,
            json!({"caller_number": "+15550100"}),
        )
        .await;
    let code = api.body["steps"][0]["reason"].as_str().unwrap().to_owned();
    let english = api.body["steps"][0]["sentence"]
        .as_str()
        .unwrap()
        .to_owned();
    let reason = sb_domain::routing::Reason::from_code(&code).unwrap();
    let mut ada = crate::portal_provider::Jar::sign_in(&w.srv, "adaone", PW).await;
    let tab = format!(
        "/admin/companies/{}/users/{}/calls?caller=%2B15550100",
        w.t1.company_id, w.t1.user_id
    );
    let escaped = |s: &str| s.replace('\'', "&#39;");
    for (lang, said, not_said) in [
        ("en", english.clone(), None),
        (
            "fr",
            sb_web::i18n::routing::reason(sb_domain::model::Language::Fr, reason).to_owned(),
            Some(english.clone()),
        ),
    ] {
        let csrf = ada.csrf();
        let form = [("csrf", csrf.as_str()), ("lang", lang), ("back", "/my")];
        assert_eq!(ada.post("/language", &form).await.0, 303);
        let (status, html) = ada.get(&tab).await;
        assert_eq!(status, 200, "{lang}: {html}");
        let panel = html.split("id=\"explained\"").nth(1).unwrap_or_default();
        let panel = panel.split("</ol>").next().unwrap_or_default();
        assert!(panel.contains(&escaped(&said)), "{lang} panel: {panel}");
        if let Some(english) = not_said {
            assert!(!panel.contains(&escaped(&english)), "{lang} panel: {panel}");
        }
    }
    assert_eq!(code, "RingUntilAnswered");
    assert_eq!(
        sb_web::i18n::routing::reason(sb_domain::model::Language::Fr, reason),
        "Les téléphones sonnent jusqu'à ce que quelqu'un réponde ou que l'appelant raccroche."
    );
    w.srv.stop().await;
}

/// A step that sends the call to an outside number says how the engine would place it: the
/// trunk by name and the number presented (the dialled line's when the redirect presents it,
/// else the caller's own, withheld for an anonymous caller), or that no trunk can carry it. A
/// number that stays in the company names no trunk. The portal's panel says the same.
#[tokio::test]
async fn explain_names_the_trunk_and_the_number_an_outside_redirect_presents() {
    let w = world().await;
    let path = format!("/api/v1/lines/{}/call-handling", w.t1.line_id);
    let other = colleague_line(&w).await;
    let r = w.srv.put(&path, &w.t1.admin_token, full_doc(&other)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let explain = |body: Value| {
        let srv = &w.srv;
        let token = w.t1.admin_token.clone();
        let p = format!("{path}/explain");
        async move { srv.post(&p, &token, body).await }
    };
    let outside = |r: &Resp| r.body["steps"][0]["outside"].clone();
    // Out of hours the call goes to +15557650000 presenting the dialled line's number.
    let night =
        explain(json!({"caller_number": "+15559998888", "at": "2026-11-24T03:00:00Z"})).await;
    assert_eq!(night.status, 200, "{}", night.text);
    assert_eq!(
        outside(&night),
        json!({"trunk": "Carrier", "presents": "+15550000001", "withheld": false, "emergency": false})
    );
    let day = explain(json!({"caller_number": "+15559998888", "at": "2026-11-23T15:00:00Z"})).await;
    assert_eq!(
        outside(&day),
        Value::Null,
        "ringing leaves through no trunk"
    );
    assert_eq!(
        day.body["on_busy"]["outside"],
        Value::Null,
        "a colleague's line"
    );
    // Forwarding every call keeps the caller's own number, withheld when they are anonymous.
    let mut doc = full_doc(&other);
    doc["forward_all"] = json!("+15557650001");
    doc["reject_anonymous"] = json!(false);
    let r = w.srv.put(&path, &w.t1.admin_token, doc.clone()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = explain(json!({"caller_number": "+15559998888"})).await;
    assert_eq!(r.body["steps"][0]["reason"], "ForwardAll");
    assert_eq!(outside(&r)["presents"], "+15559998888");
    assert_eq!(outside(&r)["withheld"], false);
    let r = explain(json!({"caller_number": "+15559998888", "anonymous": true})).await;
    assert_eq!(outside(&r)["withheld"], true, "{}", r.text);
    assert_eq!(outside(&r)["trunk"], "Carrier");
    // A call from a line presents that line: 205 has no number of its own, so its extension.
    let r = explain(json!({"caller_number": "205", "internal": true})).await;
    assert_eq!(outside(&r)["presents"], "205", "{}", r.text);
    // The portal's explain panel names the trunk and the number.
    let mut ada = crate::portal_provider::Jar::sign_in(&w.srv, "adaone", PW).await;
    let tab = format!(
        "/admin/companies/{}/users/{}/calls?caller=%2B15559998888",
        w.t1.company_id, w.t1.user_id
    );
    let (status, html) = ada.get(&tab).await;
    assert_eq!(status, 200, "{html}");
    let panel = html.split("id=\"explained\"").nth(1).unwrap_or_default();
    let panel = panel.split("</ol>").next().unwrap_or_default();
    assert!(
        panel.contains("leaving through the trunk Carrier, presenting the number +15559998888"),
        "{panel}"
    );
    // Without the company's trunk (and no installation trunk) nothing can carry it.
    let gone = w
        .srv
        .delete(
            &format!("/api/v1/trunks/{}", w.t1.trunk_id),
            &w.t1.reseller_token,
        )
        .await;
    assert!(gone.status.is_success(), "{}", gone.text);
    let r = explain(json!({"caller_number": "+15559998888"})).await;
    assert_eq!(outside(&r)["trunk"], Value::Null, "{}", r.text);
    let (_, html) = ada.get(&tab).await;
    assert!(html.contains("no trunk can carry it"), "{html}");
    // A forward to an extension stays in the company.
    doc["forward_all"] = json!("205");
    let r = w.srv.put(&path, &w.t1.admin_token, doc).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = explain(json!({"caller_number": "+15559998888"})).await;
    assert_eq!(outside(&r), Value::Null, "{}", r.text);
    w.srv.stop().await;
}
