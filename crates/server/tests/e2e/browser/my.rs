//! The end user's home page (issue 17, Home): presence in one click obeyed on a real call,
//! "Forward all calls" with saved numbers, and what came in, each checked through the API.

use super::{Ctx, R, ensure};
use crate::kit::*;
use fantoccini::Locator;
use serde_json::json;

async fn api(ctx: &Ctx, path: &str) -> R<serde_json::Value> {
    // Through the administrator: Ulf's own API tokens ended with the password an earlier
    // scenario reset.
    let r = ctx.w.srv.get(path, &ctx.w.t1.admin_token).await;
    ensure(r.status == 200, format!("{path}: {}", r.text))?;
    Ok(r.body)
}

async fn pressed(ctx: &Ctx, status: &str) -> R<bool> {
    let b = ctx
        .c
        .find(Locator::Css(&format!(
            "form[action='/my/presence'] button[value={status}]"
        )))
        .await?;
    Ok(b.attr("aria-pressed").await?.as_deref() == Some("true"))
}

/// A missed call the SIP engine records, newest of the log, and the new voicemail the
/// mailbox counts.
async fn the_home_page_shows_new_voicemail_and_the_newest_missed_call(ctx: &Ctx) -> R {
    use sb_app::call_log::NewCallRecord;
    use sb_app::views::CallDirection;
    use sb_domain::ids::{CompanyId, LineId};
    let t = &ctx.w.t1;
    let app = &ctx.w.srv.running.as_ref().ok_or("server")?.app;
    app.record_call(&[NewCallRecord {
        company_id: CompanyId::from_raw(t.company_id.clone()),
        line_id: LineId::from_raw(t.line_id.clone()),
        direction: CallDirection::Missed,
        other_number: "+15550177".into(),
        other_name: Some("Zoë <Q>".into()),
        // 14 November 2033 22:13:20 UTC, newer than any call the other scenarios made.
        started_at_ms: 2_015_619_200_000,
        duration_secs: 0,
        device: None,
        status: 487,
        call_ref: "home-missed".into(),
    }])
    .await?;
    // Ulf enrolled in two-factor sign-in in an earlier scenario; his administrator switches
    // it off (as for a lost phone) so these scenarios sign in with the password alone.
    let off = ctx
        .w
        .srv
        .delete(
            &format!("/api/v1/users/{}/two-factor", t.user_id),
            &t.admin_token,
        )
        .await;
    ensure(off.status == 204, format!("two-factor off: {}", off.text))?;
    ctx.sign_in("ulfone", PW, None).await?;
    ensure(ctx.path().await? == "/my", "Ulf lands on My homepage")?;
    let first = ctx.text("#missed tbody tr").await?;
    // 22:13 UTC is 17:13 in New York, the company's zone.
    ensure(
        first.contains("+15550177")
            && first.contains("Zoë <Q>")
            && first.contains("2033-11-14 17:13"),
        format!("the newest missed call, in the company's time: {first}"),
    )?;
    let box_ = api(ctx, &format!("/api/v1/lines/{}/voicemail", t.line_id)).await?;
    let count = ctx.text("#news .count").await?;
    ensure(
        count.parse::<i64>().ok() == box_["new_messages"].as_i64(),
        format!("new voicemail: page {count}, API {}", box_["new_messages"]),
    )
}

pub async fn an_end_user_sets_presence_in_one_click_and_do_not_disturb_makes_a_real_call_busy(
    ctx: &Ctx,
) -> R {
    use crate::phones::{dial, free_port, register_at, sip_line, sipp_available};
    the_home_page_shows_new_voicemail_and_the_newest_missed_call(ctx).await?;
    let (srv, t) = (&ctx.w.srv, &ctx.w.t1);
    // Busy handling "engaged", so do not disturb answers the caller 486 Busy Here.
    let r = srv
        .put(
            &format!("/api/v1/lines/{}/call-handling", t.line_id),
            &t.admin_token,
            json!({"forward_all": null, "no_answer": {"action": "keep_ringing"}, "busy": {"action": "engaged"}, "reject_anonymous": false}),
        )
        .await;
    ensure(r.status == 200, format!("call handling: {}", r.text))?;
    ctx.click("form[action='/my/presence'] button[value=do_not_disturb]")
        .await?;
    ensure(
        ctx.text("main [role=status]").await? == "Presence changed.",
        "notice",
    )?;
    ensure(pressed(ctx, "do_not_disturb").await?, "DND shown pressed")?;
    let p = api(ctx, &format!("/api/v1/users/{}/presence", t.user_id)).await?;
    ensure(
        p["status"] == "do_not_disturb",
        format!("API presence: {p}"),
    )?;
    if sipp_available() {
        let sip = srv.running.as_ref().ok_or("server stopped")?.sip_addr;
        let l = srv
            .post(
                &format!("/api/v1/companies/{}/lines", t.company_id),
                &t.admin_token,
                json!({"extension": "217", "user_id": t.admin_id}),
            )
            .await;
        ensure(l.status == 201, format!("Ada's line: {}", l.text))?;
        let caller = sip_line(srv, &t.admin_token, &l.id()).await;
        let callee = sip_line(srv, &t.admin_token, &t.line_id).await;
        register_at(sip, &callee, free_port()).await;
        dial(sip, &caller, &callee.extension, 486, 0, &[])
            .done()
            .await?;
    }
    ctx.click("form[action='/my/presence'] button[value=available]")
        .await?;
    ensure(pressed(ctx, "available").await?, "Available shown pressed")?;
    ensure(!pressed(ctx, "do_not_disturb").await?, "DND no longer")?;
    let p = api(ctx, &format!("/api/v1/users/{}/presence", t.user_id)).await?;
    ensure(p["status"] == "available", format!("API presence: {p}"))?;
    ctx.sign_out().await
}

pub async fn an_end_user_forwards_all_calls_to_a_saved_number_and_stops_and_a_bad_number_changes_nothing(
    ctx: &Ctx,
) -> R {
    let t = &ctx.w.t1;
    let handling = format!("/api/v1/lines/{}/call-handling", t.line_id);
    let field = format!("[id='fwd-{}']", t.line_id);
    let forward = format!("form:has({field}) button[value=on]");
    ctx.sign_in("ulfone", PW, None).await?;
    ctx.fill(&field, "call me maybe").await?;
    ctx.click(&forward).await?;
    let why = ctx.text(&format!("[id='fwd-{}-error']", t.line_id)).await?;
    ensure(!why.is_empty(), "the reason by the field")?;
    let kept = ctx
        .c
        .find(Locator::Css(&field))
        .await?
        .prop("value")
        .await?;
    ensure(
        kept.as_deref() == Some("call me maybe"),
        format!("kept: {kept:?}"),
    )?;
    let doc = api(ctx, &handling).await?;
    ensure(doc["forward_all"].is_null(), format!("unchanged: {doc}"))?;
    ctx.fill(&field, "+15550199").await?;
    ctx.c
        .find(Locator::Css(&format!("form:has({field}) input[name=save]")))
        .await?
        .click()
        .await?;
    ctx.click(&forward).await?;
    ensure(
        ctx.text("main [role=status]").await? == "All calls are forwarded.",
        "notice",
    )?;
    let now = ctx.text(&format!("[id='fwd-{}-now']", t.line_id)).await?;
    ensure(now.contains("+15550199"), format!("shown: {now}"))?;
    let doc = api(ctx, &handling).await?;
    ensure(
        doc["forward_all"] == "+15550199" && doc["busy"]["action"] == "engaged",
        format!("forwarded, the rest kept: {doc}"),
    )?;
    let saved = api(ctx, &format!("/api/v1/users/{}/saved-numbers", t.user_id)).await?;
    ensure(
        saved["numbers"]
            .as_array()
            .is_some_and(|n| n.iter().any(|x| x == "+15550199")),
        format!("saved: {saved}"),
    )?;
    ctx.click("button[name=lang][value=fr]").await?;
    ensure(
        ctx.text("#presence-h").await? == "Présence"
            && ctx
                .text(&format!("[id='fwd-{}-now']", t.line_id))
                .await?
                .starts_with("Tous les appels sont renvoyés vers"),
        "the home page in French",
    )?;
    ctx.click("button[name=lang][value=en]").await?;
    ctx.click(&format!(
        "form:has(input[value='{}']) button[value=off]",
        t.line_id
    ))
    .await?;
    ensure(
        ctx.text("main [role=status]").await? == "Calls are no longer forwarded.",
        "notice",
    )?;
    let doc = api(ctx, &handling).await?;
    ensure(doc["forward_all"].is_null(), format!("stopped: {doc}"))?;
    ctx.sign_out().await
}

pub async fn an_end_user_adds_a_speed_dial_with_star_and_hash_and_removes_it_and_a_taken_code_is_refused(
    ctx: &Ctx,
) -> R {
    let t = &ctx.w.t1;
    let api_path = format!("/api/v1/users/{}/speed-dials", t.user_id);
    ctx.sign_in("ulfone", PW, None).await?;
    ctx.click("nav a[href='/my/speed-dials']").await?;
    ensure(ctx.text("h1").await? == "Speed dials", "the page")?;
    let add = |code: &'static str, name: &'static str, number: &'static str| async move {
        ctx.fill("#sd-code", code).await?;
        ctx.fill("#sd-name", name).await?;
        ctx.fill("#sd-number", number).await?;
        ctx.click("form[action='/my/speed-dials'] button[type=submit]")
            .await
    };
    add("7", "Sales ACD log-in", "*7#123").await?;
    ensure(
        ctx.text("main [role=status]").await? == "Speed dial added.",
        "notice",
    )?;
    let row = ctx.text("#speed-dials tbody tr").await?;
    ensure(
        row.contains("*07") && row.contains("*7#123"),
        format!("the row: {row}"),
    )?;
    add("7", "Again", "202").await?;
    let why = ctx.text("#sd-code-error").await?;
    ensure(
        why.contains("already"),
        format!("the reason by the code: {why}"),
    )?;
    add("8", "Bad", "call me").await?;
    ensure(
        !ctx.text("#sd-number-error").await?.is_empty(),
        "the reason by the number",
    )?;
    let kept = ctx
        .c
        .find(Locator::Css("#sd-name"))
        .await?
        .prop("value")
        .await?;
    ensure(
        kept.as_deref() == Some("Bad"),
        format!("typed kept: {kept:?}"),
    )?;
    let doc = api(ctx, &api_path).await?;
    ensure(
        doc["items"].as_array().map(Vec::len) == Some(1)
            && doc["items"][0]["number"] == "*7#123"
            && doc["items"][0]["dial"] == "*07",
        format!("through the API, only the good one: {doc}"),
    )?;
    ctx.click("form[action='/my/speed-dials/7/remove'] button")
        .await?;
    ensure(
        ctx.text("main [role=status]").await? == "Speed dial removed.",
        "notice",
    )?;
    let doc = api(ctx, &api_path).await?;
    ensure(
        doc["items"].as_array().is_some_and(Vec::is_empty),
        format!("removed: {doc}"),
    )?;
    ctx.sign_out().await
}
