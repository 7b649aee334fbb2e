//! Click to call (issue 17): `POST /api/v1/me/calls` rings the person's own registered phone
//! first, showing whom they are about to call, and only once they answer calls the destination
//! from their line, through the same routing and relay as a call their phone dialled.

use crate::kit::ulf_gets_package;
use crate::phones::{
    Answer, Pair, Sipp, call_log, carrier, free_port, pair, phone, register_at, sipp_available,
    trunk_at,
};
use serde_json::json;
use std::time::Duration;

const CALLS: &str = "/api/v1/me/calls";

/// Ulf's own phone on `port`: takes Switchboard's INVITE, which must show `dest` in From,
/// answers, talks `hold_ms` and hangs up.
fn own_phone(port: u16, dest: &str, hold_ms: u32) -> Sipp {
    let xml = include_str!("sipp/c2c_user.xml")
        .replace("[dest]", &dest.replace('+', "\\+"))
        .replace("[hold_ms]", &hold_ms.to_string());
    Sipp::spawn(xml, "c2c", port, &[], None)
}

async fn ulf_may_call(p: &Pair) {
    ulf_gets_package(&p.w.srv, &p.w.t1, "Calling", &["user_portal"]).await;
}

#[tokio::test]
async fn the_persons_phone_rings_first_showing_the_destination_then_the_destination_is_called() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    ulf_may_call(&p).await;
    let (srv, t) = (&p.w.srv, &p.w.t1);

    // No phone registered on Ulf's line yet: nothing to ring.
    let r = srv.post(CALLS, &t.user_token, json!({"to": "202"})).await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert_eq!(r.code(), "no_registered_phone", "{}", r.text);

    let ulf_port = free_port();
    register_at(p.sip, &p.callee, ulf_port).await;
    let ulf = own_phone(ulf_port, "202", 1500);
    let ada = phone(p.sip, &p.caller, free_port(), Answer::After(200)).await;
    let r = srv.post(CALLS, &t.user_token, json!({"to": " 202 "})).await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(r.body["state"], "ringing_you", "{}", r.text);
    assert_eq!(r.body["extension"], "201", "{}", r.text);
    assert_eq!(r.body["line_id"], t.line_id.as_str(), "{}", r.text);
    assert_eq!(r.body["to"], "202", "{}", r.text);
    let call_ref = r.body["id"].as_str().unwrap().to_owned();
    ulf.done()
        .await
        .expect("Ulf's phone rang showing 202, answered, and hung up");
    ada.done()
        .await
        .expect("then Ada's phone rang, answered, and was hung up on");

    // Both call logs have the call, as if Ulf's phone had dialled 202.
    let ulf_log = call_log(&p, &t.line_id, 1).await;
    assert_eq!(ulf_log[0]["direction"], "dialled", "{ulf_log:?}");
    assert_eq!(ulf_log[0]["other_number"], "202", "{ulf_log:?}");
    assert_eq!(ulf_log[0]["status"], 200, "{ulf_log:?}");
    let ada_log = call_log(&p, &p.caller_line, 1).await;
    assert_eq!(ada_log[0]["direction"], "received", "{ada_log:?}");
    assert_eq!(ada_log[0]["other_number"], "201", "{ada_log:?}");
    assert!(call_ref.starts_with("c2c-"), "{call_ref}");
}

#[tokio::test]
async fn when_the_person_refuses_their_own_phones_call_the_destination_never_rings() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    ulf_may_call(&p).await;
    let (srv, t) = (&p.w.srv, &p.w.t1);
    let ulf = phone(p.sip, &p.callee, free_port(), Answer::Busy).await;
    // Ada's phone is registered but nothing answers on it: a call would show in her log.
    register_at(p.sip, &p.caller, free_port()).await;
    let r = srv.post(CALLS, &t.user_token, json!({"to": "202"})).await;
    assert_eq!(r.status, 202, "{}", r.text);
    ulf.done()
        .await
        .expect("Ulf's phone was rung and said busy");
    tokio::time::sleep(Duration::from_secs(2)).await;
    for line in [&t.line_id, &p.caller_line] {
        let r = srv
            .get(&format!("/api/v1/lines/{line}/calls"), &t.admin_token)
            .await;
        assert_eq!(r.body["items"], json!([]), "no call was placed: {}", r.text);
    }
}

#[tokio::test]
async fn only_ones_own_line_calls_a_destination_a_phone_could_dial() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    let (srv, t) = (&p.w.srv, &p.w.t1);
    register_at(p.sip, &p.callee, free_port()).await;
    register_at(p.sip, &p.caller, free_port()).await;

    // Without the user portal in the package, an end user may not.
    ulf_gets_package(srv, t, "Plain", &["voicemail"]).await;
    let r = srv.post(CALLS, &t.user_token, json!({"to": "202"})).await;
    assert_eq!(r.status, 403, "{}", r.text);
    ulf_may_call(&p).await;

    for (body, status, code) in [
        (
            json!({"to": "sip:202@evil.example"}),
            422,
            "invalid_destination",
        ),
        (json!({"to": "202\r\nX: y"}), 422, "invalid_destination"),
        (json!({"to": ""}), 422, "invalid_destination"),
        (json!({"to": "201"}), 422, "own_extension"),
        (json!({"to": "202", "extra": 1}), 422, "invalid_field"),
        // Ada's line is not Ulf's; another company's line does not exist for him.
        (
            json!({"to": "203", "line_id": p.caller_line}),
            404,
            "not_found",
        ),
        (
            json!({"to": "203", "line_id": p.w.t2.line_id}),
            404,
            "not_found",
        ),
    ] {
        let r = srv.post(CALLS, &t.user_token, body.clone()).await;
        assert_eq!(r.status, status, "{body}: {}", r.text);
        assert_eq!(r.code(), code, "{body}: {}", r.text);
        if matches!(code, "invalid_destination" | "own_extension") {
            assert_eq!(r.body["field"], "to", "{}", r.text);
        }
    }
    // Another company's user cannot name Ulf's line either.
    let r = srv
        .post(
            CALLS,
            &p.w.t2.user_token,
            json!({"to": "202", "line_id": t.line_id}),
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.text);
    // A burst of clicks is held back.
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(
            srv.post(CALLS, &t.user_token, json!({"to": "299"}))
                .await
                .status,
        );
    }
    assert!(statuses.iter().any(|s| *s == 429), "{statuses:?}");
    p.w.srv.stop().await;
}

/// The tone a phone sent, heard at the other: most of the recording's power at `freq`.
fn heard(recordings: &[std::path::PathBuf], freq: f64, what: &str) {
    use crate::baresip::{level_dbfs, read_wav, tone_ratio};
    let (samples, rate) = read_wav(
        recordings
            .last()
            .unwrap_or_else(|| panic!("{what}: no audio")),
    );
    // The last two seconds but the very end: before, the person heard ringback.
    let end = samples.len().saturating_sub(rate as usize / 5);
    let body = &samples[end.saturating_sub(2 * rate as usize)..end];
    assert!(body.len() > rate as usize, "{what}: a second of audio");
    assert!(level_dbfs(body) > -20.0, "{what}: not silence");
    let r = tone_ratio(body, rate, freq);
    assert!(r > 0.8, "{what}: the {freq} Hz tone arrives (ratio {r})");
}

/// Two baresip phones: Ulf's answers Switchboard's call by itself and hears ringback while Ada's
/// rings; Ada picks up two seconds later, and each hears the other's tone through the relay.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_real_phones_the_audio_goes_both_ways_once_both_answered() {
    use crate::baresip::{Phone, baresip_available, tone_wav_at};
    if !baresip_available() {
        return;
    }
    let p = pair().await;
    ulf_may_call(&p).await;
    let dir = std::env::temp_dir().join(format!("sb-c2c-{}", free_port()));
    std::fs::create_dir_all(&dir).unwrap();
    let (high, low) = (dir.join("tone1k.wav"), dir.join("tone400.wav"));
    tone_wav_at(&high, 1000.0, 20, 8000);
    tone_wav_at(&low, 400.0, 20, 8000);
    let (sip, ulf_line, ada_line) = (p.sip, p.callee.clone(), p.caller.clone());
    let (ulf, ada) = tokio::task::spawn_blocking(move || {
        let mut ulf = Phone::start(sip, &ulf_line, &high, "auto");
        ulf.wait_registered();
        let mut ada = Phone::start(sip, &ada_line, &low, "manual");
        ada.wait_registered();
        (ulf, ada)
    })
    .await
    .unwrap();
    let r =
        p.w.srv
            .post(CALLS, &p.w.t1.user_token, json!({"to": "202"}))
            .await;
    assert_eq!(r.status, 202, "{}", r.text);
    let (ulf_heard, ada_heard, _ulf, _ada) = tokio::task::spawn_blocking(move || {
        let (mut ulf, mut ada) = (ulf, ada);
        ulf.wait_event("CALL_ESTABLISHED", 10);
        ada.wait_event("CALL_INCOMING", 10);
        std::thread::sleep(Duration::from_secs(2));
        assert_eq!(ada.command("accept", "")["ok"], true);
        ada.wait_event("CALL_ESTABLISHED", 10);
        std::thread::sleep(Duration::from_secs(3));
        ulf.hang_up_with(&mut ada);
        (ulf.recordings("dec"), ada.recordings("dec"), ulf, ada)
    })
    .await
    .unwrap();
    heard(&ada_heard, 1000.0, "Ada hears Ulf");
    heard(&ulf_heard, 400.0, "Ulf hears Ada");
    // Before that, ringback: 440 and 480 Hz from Switchboard while Ada's phone rang.
    let (samples, rate) = crate::baresip::read_wav(ulf_heard.last().unwrap());
    let ringing = &samples
        [(rate as usize / 2).min(samples.len())..(rate as usize * 3 / 2).min(samples.len())];
    let r = crate::baresip::tone_ratio(ringing, rate, 440.0)
        + crate::baresip::tone_ratio(ringing, rate, 480.0);
    assert!(
        r > 0.7,
        "Ulf hears ringback while Ada's phone rings (ratio {r})"
    );
    let log = call_log(&p, &p.caller_line, 1).await;
    assert_eq!(log[0]["direction"], "received", "{log:?}");
    assert!(log[0]["duration_secs"].as_i64() >= Some(2), "{log:?}");
    p.w.srv.stop().await;
}

/// Ulf's phone rings the whole ringing time without an answer: then it is cancelled, and Ada's
/// phone is never called.
#[tokio::test]
async fn when_the_person_does_not_answer_in_30_s_their_phone_stops_and_nobody_else_is_called() {
    use crate::phones::part;
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    ulf_may_call(&p).await;
    let (srv, t) = (&p.w.srv, &p.w.t1);
    let port = free_port();
    register_at(p.sip, &p.callee, port).await;
    let xml = include_str!("sipp/call_uas.xml")
        .replace("[answer]", &part("uas-ring"))
        .replace("[ring_ms]", "0");
    let ulf = Sipp::spawn(xml, "uas", port, &["-timeout".into(), "60".into()], None);
    register_at(p.sip, &p.caller, free_port()).await;
    let started = tokio::time::Instant::now();
    let r = srv.post(CALLS, &t.user_token, json!({"to": "202"})).await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(r.body["ring_seconds"], 30, "{}", r.text);
    ulf.done()
        .await
        .expect("Ulf's phone rang until it was cancelled");
    assert!(
        started.elapsed() >= Duration::from_secs(29),
        "{:?}",
        started.elapsed()
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    for line in [&t.line_id, &p.caller_line] {
        let r = srv
            .get(&format!("/api/v1/lines/{line}/calls"), &t.admin_token)
            .await;
        assert_eq!(r.body["items"], json!([]), "no call was placed: {}", r.text);
    }
    p.w.srv.stop().await;
}

/// Ulf answers, then hangs up while Ada's phone still rings: her phone is cancelled.
#[tokio::test]
async fn when_the_person_hangs_up_before_the_destination_answers_the_destination_stops_ringing() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    ulf_may_call(&p).await;
    let ulf_port = free_port();
    register_at(p.sip, &p.callee, ulf_port).await;
    let ulf = own_phone(ulf_port, "202", 800);
    let ada = phone(p.sip, &p.caller, free_port(), Answer::Never).await;
    let r =
        p.w.srv
            .post(CALLS, &p.w.t1.user_token, json!({"to": "202"}))
            .await;
    assert_eq!(r.status, 202, "{}", r.text);
    ulf.done().await.expect("Ulf answered and hung up");
    ada.done()
        .await
        .expect("Ada's phone rang and was cancelled");
    let log = call_log(&p, &p.w.t1.line_id, 1).await;
    assert_eq!(log[0]["direction"], "dialled", "{log:?}");
    assert_eq!(log[0]["duration_secs"], 0, "{log:?}");
    p.w.srv.stop().await;
}

/// An outside number goes out through the company's trunk with the line's caller ID, as when
/// the phone dials it; the number may be written with spaces.
#[tokio::test]
async fn an_outside_number_goes_out_through_the_trunk_with_the_lines_caller_id() {
    if !sipp_available() {
        return;
    }
    let p = pair().await;
    ulf_may_call(&p).await;
    let port = free_port();
    trunk_at(&p, port, json!({})).await;
    // Ulf's line presents +15550000001.
    let carrier = carrier(port, "+15559876543", "+15550000001", false);
    let ulf_port = free_port();
    register_at(p.sip, &p.callee, ulf_port).await;
    let ulf = own_phone(ulf_port, "+15559876543", 1200);
    let r =
        p.w.srv
            .post(CALLS, &p.w.t1.user_token, json!({"to": "+1 555 987 6543"}))
            .await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(r.body["to"], "+15559876543", "{}", r.text);
    ulf.done()
        .await
        .expect("Ulf's phone showed the number, answered and hung up");
    carrier
        .done()
        .await
        .expect("the carrier saw the number and the line's caller ID");
    let log = call_log(&p, &p.w.t1.line_id, 1).await;
    assert_eq!(log[0]["direction"], "dialled", "{log:?}");
    assert_eq!(log[0]["other_number"], "+15559876543", "{log:?}");
    p.w.srv.stop().await;
}
