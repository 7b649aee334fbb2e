//! The end user's home page (issue 17, Home): presence in one click obeyed on a real call,
//! "Forward all calls" with saved numbers, and what came in, each checked through the API; the
//! speed dials; the call log (issue 17, page 7) and the inbox (issue 17, page 2) against the
//! API's.

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

/// A new line of the first company with `extension`, for `user`; its id.
async fn add_line(ctx: &Ctx, extension: &str, user: &str) -> R<String> {
    let t = &ctx.w.t1;
    let r = ctx
        .w
        .srv
        .post(
            &format!("/api/v1/companies/{}/lines", t.company_id),
            &t.admin_token,
            json!({"extension": extension, "user_id": user}),
        )
        .await;
    ensure(r.status == 201, format!("line {extension}: {}", r.text))?;
    Ok(r.id())
}

/// `url` fetched by the page, in its session: status, content type, body.
async fn fetched(ctx: &Ctx, url: &str) -> R<(u16, String, String)> {
    let got = ctx
        .c
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             fetch(arguments[0]).then(r => r.text().then(t => \
             done([r.status, r.headers.get('content-type') || '', t])))\
             .catch(e => done([0, '', String(e)]));",
            vec![json!(url)],
        )
        .await?;
    Ok(serde_json::from_value(got)?)
}

/// Chooses `value` in the filter form's `select` and shows the page it asks for.
async fn show_with(ctx: &Ctx, select: &str, value: &str) -> R {
    ctx.c
        .find(Locator::Css(select))
        .await?
        .select_by_value(value)
        .await?;
    ctx.click("form.filters button[type=submit]").await
}

/// The text of each `css` cell of the call log's rows, top to bottom.
async fn column(ctx: &Ctx, css: &str) -> R<Vec<String>> {
    let mut out = Vec::new();
    for cell in ctx
        .c
        .find_all(Locator::Css(&format!("#call-log tbody tr {css}")))
        .await?
    {
        out.push(cell.text().await?);
    }
    Ok(out)
}

/// The other numbers of a page of the API's call log, in its order.
fn numbers_of(page: &serde_json::Value) -> Vec<String> {
    page["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| i["other_number"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// What the SIP engine would have written on Ulf's line 201, oldest first: 50 dialled calls,
/// then a withheld caller rejected, an outside caller missed, and Ada on her line 241 answered.
async fn record_ulfs_calls(ctx: &Ctx) -> R {
    use sb_app::call_log::NewCallRecord;
    use sb_app::views::CallDirection;
    use sb_domain::ids::{CompanyId, LineId};
    let t = &ctx.w.t1;
    let app = &ctx.w.srv.running.as_ref().ok_or("server")?.app;
    let record = |n: i64, direction, other: String, name: Option<&str>| NewCallRecord {
        company_id: CompanyId::from_raw(t.company_id.clone()),
        line_id: LineId::from_raw(t.line_id.clone()),
        direction,
        other_number: other,
        other_name: name.map(str::to_owned),
        // From 18 July 2036 13:20 UTC, a minute apart: newer than any other scenario's calls.
        started_at_ms: 2_100_000_000_000 + n * 60_000,
        duration_secs: match direction {
            CallDirection::Dialled | CallDirection::Received => n,
            _ => 0,
        },
        device: None,
        status: if direction == CallDirection::Dialled {
            200
        } else {
            486
        },
        call_ref: format!("my-call-log-{n}"),
    };
    let mut calls: Vec<_> = (0..50)
        .map(|n| record(n, CallDirection::Dialled, format!("+155502{n:02}"), None))
        .collect();
    calls.push(record(
        50,
        CallDirection::Rejected,
        "anonymous".into(),
        None,
    ));
    calls.push(record(
        51,
        CallDirection::Missed,
        "+15550123".into(),
        Some("Mia"),
    ));
    let mut ada = record(52, CallDirection::Received, "241".into(), Some("Ada"));
    ada.status = 200;
    calls.push(ada);
    // The log is newest first by when a record was written (the engine writes a call's records
    // as it ends, its id from the clock): one call at a time, a few milliseconds apart.
    for call in calls {
        app.record_call(&[call]).await?;
        tokio::time::sleep(std::time::Duration::from_millis(3)).await;
    }
    Ok(())
}

/// Issue 17, page 7: Ulf's call log, newest first in New York time, is the API's page by page,
/// names Ada's presence on her line, filters the missed calls and exports them, speaks French,
/// and shows no line of anybody else, Ada's or another company's.
pub async fn the_call_log_shows_filters_pages_and_exports_only_the_persons_own_calls(
    ctx: &Ctx,
) -> R {
    let t = &ctx.w.t1;
    let ada_line = add_line(ctx, "241", &t.admin_id).await?;
    let second = add_line(ctx, "242", &t.user_id).await?;
    let away = ctx
        .w
        .srv
        .put(
            &format!("/api/v1/users/{}/presence", t.admin_id),
            &t.admin_token,
            json!({"status": "away"}),
        )
        .await;
    ensure(away.status == 200, format!("Ada away: {}", away.text))?;
    record_ulfs_calls(ctx).await?;
    ctx.sign_in("ulfone", PW, None).await?;
    ctx.click("nav a[href='/my/calls']").await?;
    ensure(ctx.text("h1").await? == "Call log", "the page")?;
    show_with(ctx, "#line-choice", &t.line_id).await?;
    the_pages_are_the_apis(ctx).await?;
    the_missed_calls_are_filtered_and_exported(ctx).await?;
    show_with(ctx, "#line-choice", &second).await?;
    ensure(
        ctx.text("#line-extension").await? == "242" && ctx.text("#no-calls").await? == "No call.",
        "Ulf's other line has no call",
    )?;
    ctx.click("button[name=lang][value=fr]").await?;
    ensure(
        ctx.text("h1").await? == "Journal d'appels"
            && ctx.text("nav a[aria-current=page]").await? == "Journal d'appels",
        "the page in French",
    )?;
    ctx.click("button[name=lang][value=en]").await?;
    nobody_elses_line_is_shown(ctx, &ada_line).await?;
    ctx.sign_out().await
}

/// The first page and the next, row by row, against `GET /api/v1/lines/{id}/calls`.
async fn the_pages_are_the_apis(ctx: &Ctx) -> R {
    let t = &ctx.w.t1;
    let calls = format!("/api/v1/lines/{}/calls?limit=50", t.line_id);
    let first = api(ctx, &calls).await?;
    let shown = column(ctx, ".number").await?;
    ensure(
        shown.len() == 50 && shown == numbers_of(&first),
        format!("page 1: {shown:?}"),
    )?;
    let newest = ctx.text("#call-log tbody tr").await?;
    // 14:12 UTC on 18 July 2036 is 10:12 in New York, the company's zone.
    ensure(
        newest.contains("2036-07-18 10:12")
            && newest.contains("Received")
            && newest.contains("Ada")
            && newest.contains("52 s"),
        format!("the newest call: {newest}"),
    )?;
    let presence = column(ctx, ".presence").await?;
    ensure(
        presence[0] == "Away" && presence[1..].iter().all(String::is_empty),
        format!("only Ada's line has a presence: {presence:?}"),
    )?;
    let cursor = first["next_cursor"].as_str().ok_or("a second page")?;
    let second = api(ctx, &format!("{calls}&cursor={cursor}")).await?;
    ctx.click("#next-page").await?;
    let shown = column(ctx, ".number").await?;
    ensure(
        !shown.is_empty() && shown == numbers_of(&second),
        format!("page 2: {shown:?}"),
    )?;
    ensure(
        shown[..3] == ["+15550202", "+15550201", "+15550200"],
        "page 2 goes on where page 1 stopped",
    )
}

/// The missed filter shows the API's missed calls, and the CSV of the page holds all of them.
async fn the_missed_calls_are_filtered_and_exported(ctx: &Ctx) -> R {
    let t = &ctx.w.t1;
    show_with(ctx, "#direction", "missed").await?;
    let missed = api(
        ctx,
        &format!(
            "/api/v1/lines/{}/calls?direction=missed&limit=500",
            t.line_id
        ),
    )
    .await?;
    let all = numbers_of(&missed);
    let shown = column(ctx, ".number").await?;
    let kinds = column(ctx, ".kind").await?;
    ensure(
        shown.first().map(String::as_str) == Some("+15550123")
            && shown[..] == all[..shown.len().min(all.len())]
            && kinds.iter().all(|k| k == "Missed"),
        format!("missed only: page {shown:?}, API {all:?}"),
    )?;
    let href = ctx
        .c
        .find(Locator::Css("#export-csv"))
        .await?
        .attr("href")
        .await?
        .unwrap_or_default();
    let (status, kind, csv) = fetched(ctx, &href).await?;
    let rows: Vec<&str> = csv.split_terminator("\r\n").collect();
    ensure(
        status == 200
            && kind.starts_with("text/csv")
            && rows[0].starts_with("id,line_id,direction,other_number")
            && rows.len() == all.len() + 1
            && rows[1..].iter().all(|r| r.contains(",missed,")),
        format!("CSV of {} missed calls: {status} {kind} {csv:?}", all.len()),
    )
}

/// Another person's line, of the same company or another, is not found on the page or in its
/// CSV, and refused through the API with Ulf's own token.
async fn nobody_elses_line_is_shown(ctx: &Ctx, ada_line: &str) -> R {
    for line in [ada_line, ctx.w.t2.line_id.as_str()] {
        for path in ["/my/calls", "/my/calls.csv"] {
            let (status, _, body) = fetched(ctx, &format!("{path}?line={line}")).await?;
            ensure(
                status == 404 && !body.contains("call-log"),
                format!("{path}?line={line}: {status}"),
            )?;
        }
    }
    ctx.open(&format!("/my/calls?line={ada_line}")).await?;
    ensure(
        ctx.text("main [role=alert]").await? == "There is no such page."
            && ctx.c.find(Locator::Css("#call-log")).await.is_err(),
        "the page says so",
    )?;
    // Beneath the page the use case refuses them too: Ada's line is of Ulf's own company but
    // not his to read (403), another company's does not exist for him (404).
    let login = ctx.w.srv.login_resp("ulfone", PW).await;
    let token = login.body["token"].as_str().ok_or("Ulf's token")?;
    let status = |line: String| async move {
        let path = format!("/api/v1/lines/{line}/calls");
        ctx.w.srv.get(&path, token).await.status
    };
    let (ada, other, own) = (
        status(ada_line.to_owned()).await,
        status(ctx.w.t2.line_id.clone()).await,
        status(ctx.w.t1.line_id.clone()).await,
    );
    ensure(
        ada == 403 && other == 404 && own == 200,
        format!("the API: Ada's {ada}, another company's {other}, his own {own}"),
    )
}

/// One second of a tone, as the SIP engine would hand over a caller's message.
fn tone() -> Vec<i16> {
    (0..8000).map(|i| ((i % 40) * 400 - 8000) as i16).collect()
}

/// The ids of the `items` of an API list (a list answer, or its `items`).
fn ids_of(list: &serde_json::Value) -> Vec<String> {
    let items = list["items"].as_array().or(list.as_array());
    items
        .map(|a| a.iter().filter_map(|i| i["id"].as_str()).map(str::to_owned))
        .into_iter()
        .flatten()
        .collect()
}

/// What the inbox scenario made: Ulf's voicemail and recording, the group's message, and
/// another company's voicemail.
struct Made {
    voicemail: String,
    recording: String,
    group: String,
    elsewhere: String,
}

/// A package with queues and call recording, offered to Ulf's company and given to him, as
/// his company's administrator would.
async fn ulf_gets_queues_and_call_recording(ctx: &Ctx) -> R {
    let t = &ctx.w.t1;
    let features = ["user_portal", "voicemail", "queues", "call_recording"];
    let id = super::ulf_gets_package(ctx, "Inbox", &features).await?;
    let user = api(ctx, &format!("/api/v1/users/{}", t.user_id)).await?;
    ensure(
        user.to_string().contains(&id),
        format!("Ulf is on it: {user}"),
    )
}

/// Ulf's package gets queues and call recording, his line records; a queue he answers for
/// overflows to a line of Ada's, its group inbox; then the engine's deposits and recording.
async fn make_inbox_items(ctx: &Ctx) -> R<Made> {
    use sb_app::recordings::{NewRecording, RecordedDirection};
    use sb_app::voicemail::Deposit;
    use sb_domain::clock::Clock;
    use sb_domain::ids::{CompanyId, LineId};
    let (srv, t) = (&ctx.w.srv, &ctx.w.t1);
    ulf_gets_queues_and_call_recording(ctx).await?;
    for (what, body) in [
        ("recording", json!({"record_calls": true})),
        (
            "voicemail-settings",
            json!({"email_to": [], "keep_after_email": true}),
        ),
    ] {
        let path = format!("/api/v1/lines/{}/{what}", t.line_id);
        let r = srv.put(&path, &t.admin_token, body).await;
        ensure(r.status == 200, format!("{what}: {}", r.text))?;
    }
    // One of Ada's lines is the group's mailbox: the company's line keys are all in use.
    let lines = api(
        ctx,
        &format!("/api/v1/companies/{}/lines?limit=100", t.company_id),
    )
    .await?;
    let mailbox = lines["items"]
        .as_array()
        .and_then(|ls| ls.iter().find(|l| l["user_id"] == t.admin_id.as_str()))
        .and_then(|l| l["id"].as_str())
        .ok_or(format!("a line of Ada's: {lines}"))?
        .to_owned();
    let q = srv
        .post(
            &format!("/api/v1/companies/{}/queues", t.company_id),
            &t.admin_token,
            json!({"name": "Inbox desk", "extension": "650", "strategy": "ring_all",
                "agents": [{"line_id": t.line_id}],
                "overflow": {"action": "voicemail", "line_id": mailbox}}),
        )
        .await;
    ensure(q.status == 201, format!("queue: {}", q.text))?;
    let app = &srv.running.as_ref().ok_or("server")?.app;
    let deposit = |company: &str, line: &str, number: &str, name: Option<&str>| Deposit {
        company_id: CompanyId::from_raw(company.to_owned()),
        line_id: LineId::from_raw(line.to_owned()),
        caller_number: number.into(),
        caller_name: name.map(str::to_owned),
        samples: tone(),
    };
    let group = app
        .deposit_voicemail(deposit(&t.company_id, &mailbox, "anonymous", None))
        .await?;
    let apart = || tokio::time::sleep(std::time::Duration::from_millis(5));
    apart().await;
    let recording = NewRecording {
        company_id: CompanyId::from_raw(t.company_id.clone()),
        line_id: LineId::from_raw(t.line_id.clone()),
        direction: RecordedDirection::Incoming,
        other_number: "+15550155".into(),
        other_name: Some("Rex".into()),
        started_at_ms: sb_domain::clock::SystemClock.now().as_millisecond(),
    };
    let recording = app
        .store_recording(recording, &tone())
        .await?
        .ok_or("the line records")?;
    apart().await;
    let voicemail = app
        .deposit_voicemail(deposit(
            &t.company_id,
            &t.line_id,
            "+15550144",
            Some("Mo <b>"),
        ))
        .await?;
    let t2 = &ctx.w.t2;
    let elsewhere = app
        .deposit_voicemail(deposit(&t2.company_id, &t2.line_id, "+15550166", None))
        .await?;
    Ok(Made {
        voicemail: voicemail.to_string(),
        recording: recording.to_string(),
        group: group.to_string(),
        elsewhere: elsewhere.to_string(),
    })
}

/// Everything the API holds for Ulf: each of his lines' voicemails and recordings, and the
/// group inbox of each queue one of his lines answers for.
async fn ulfs_items_in_the_api(ctx: &Ctx) -> R<Vec<String>> {
    let t = &ctx.w.t1;
    let login = ctx.w.srv.login_resp("ulfone", PW).await;
    let token = login.body["token"].as_str().ok_or("Ulf's token")?;
    let me = ctx.w.srv.get("/api/v1/me", token).await.body;
    let lines: Vec<String> = ids_of(&me["lines"]);
    let mut out = Vec::new();
    for l in &lines {
        for what in ["voicemails", "recordings"] {
            out.extend(ids_of(
                &api(ctx, &format!("/api/v1/lines/{l}/{what}")).await?,
            ));
        }
    }
    let queues = api(ctx, &format!("/api/v1/companies/{}/queues", t.company_id)).await?;
    for q in queues["items"]
        .as_array()
        .or(queues.as_array())
        .ok_or("queues")?
    {
        let agents = q["agents"].as_array().ok_or("agents")?;
        if agents
            .iter()
            .any(|a| lines.iter().any(|l| a["line_id"] == *l))
        {
            let id = q["id"].as_str().ok_or("queue id")?;
            out.extend(ids_of(
                &api(ctx, &format!("/api/v1/queues/{id}/voicemails")).await?,
            ));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The `data-id` of each row of the inbox, top to bottom.
async fn inbox_ids(ctx: &Ctx) -> R<Vec<String>> {
    let mut out = Vec::new();
    for row in ctx.c.find_all(Locator::Css("#inbox tbody tr")).await? {
        out.push(row.attr("data-id").await?.unwrap_or_default());
    }
    Ok(out)
}

/// `url` fetched by the page, in its session: status, content type, disposition, first bytes.
async fn fetched_audio(ctx: &Ctx, url: &str) -> R<(u16, String, String, String)> {
    let got = ctx
        .c
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             fetch(arguments[0]).then(r => r.arrayBuffer().then(b => done([r.status, \
             r.headers.get('content-type') || '', r.headers.get('content-disposition') || '', \
             String.fromCharCode(...new Uint8Array(b.slice(0, 4)))])))\
             .catch(e => done([0, '', '', String(e)]));",
            vec![json!(url)],
        )
        .await?;
    Ok(serde_json::from_value(got)?)
}

/// Issue 17, page 2: Ulf's inbox holds exactly what the API holds for his lines and his queue,
/// newest first; filters by kind; plays and downloads a WAV; marks a message heard and deletes
/// a recording, each seen through the API; speaks French; and another company's message is
/// not found at its address under /my/inbox.
pub async fn the_inbox_lists_plays_marks_and_deletes_only_the_persons_own_items(ctx: &Ctx) -> R {
    let t = &ctx.w.t1;
    let made = make_inbox_items(ctx).await?;
    ctx.sign_in("ulfone", PW, None).await?;
    ctx.click("nav a[href='/my/inbox']").await?;
    ensure(ctx.text("h1").await? == "Inbox", "the page")?;
    let shown = inbox_ids(ctx).await?;
    let newest = [&made.voicemail, &made.recording, &made.group];
    ensure(
        shown.iter().take(3).eq(newest),
        format!("newest first, every kind: {shown:?}"),
    )?;
    let mut sorted = shown.clone();
    sorted.sort();
    let api_ids = ulfs_items_in_the_api(ctx).await?;
    ensure(
        sorted == api_ids,
        format!("page {sorted:?}, API {api_ids:?}"),
    )?;
    let row = |id: &str| format!("#inbox tr[data-id='{id}']");
    let first = ctx.text(&row(&made.voicemail)).await?;
    ensure(
        first.contains("Voicemail") && first.contains("Mo <b>") && first.contains("New"),
        format!("the message: {first}"),
    )?;
    let group = ctx.text(&row(&made.group)).await?;
    ensure(
        group.contains("Group inbox")
            && group.contains("Inbox desk")
            && group.contains("anonymous"),
        format!("the group's message: {group}"),
    )?;
    the_inbox_plays_and_downloads_a_wav(ctx, &made).await?;
    show_with(ctx, "#kind", "voicemail").await?;
    let kinds: Vec<String> = {
        let mut k = Vec::new();
        for cell in ctx.c.find_all(Locator::Css("#inbox tbody .kind")).await? {
            k.push(cell.text().await?);
        }
        k
    };
    ensure(
        !kinds.is_empty() && kinds.iter().all(|k| k == "Voicemail"),
        format!("voicemail only: {kinds:?}"),
    )?;
    ctx.click(&format!(
        "form[action='/my/inbox/voicemail/{}/heard'] button",
        made.voicemail
    ))
    .await?;
    ensure(
        ctx.text("main [role=status]").await? == "Marked heard."
            && ctx.path().await?.contains("kind=voicemail"),
        "notice, filter kept",
    )?;
    let list = api(ctx, &format!("/api/v1/lines/{}/voicemails", t.line_id)).await?;
    let heard = list["items"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|m| m["id"] == made.voicemail.as_str() && m["heard"] == true);
    ensure(heard, format!("heard through the API: {list}"))?;
    show_with(ctx, "#kind", "").await?;
    ctx.click(&format!(
        "form[action='/my/inbox/recording/{}/delete'] button",
        made.recording
    ))
    .await?;
    ensure(
        ctx.text("main [role=status]").await? == "Deleted.",
        "notice",
    )?;
    let list = api(ctx, &format!("/api/v1/lines/{}/recordings", t.line_id)).await?;
    ensure(
        !ids_of(&list).contains(&made.recording)
            && !inbox_ids(ctx).await?.contains(&made.recording),
        format!("deleted: {list}"),
    )?;
    ctx.click("button[name=lang][value=fr]").await?;
    ensure(
        ctx.text("h1").await? == "Boîte de réception"
            && ctx.text("nav a[aria-current=page]").await? == "Boîte de réception",
        "the page in French",
    )?;
    ctx.click("button[name=lang][value=en]").await?;
    nobody_elses_item_is_reached(ctx, &made).await?;
    ctx.sign_out().await
}

/// The message plays from the page's own address as a WAV, and downloads as a file.
async fn the_inbox_plays_and_downloads_a_wav(ctx: &Ctx, made: &Made) -> R {
    let player = ctx
        .c
        .find(Locator::Css(&format!(
            "#inbox tr[data-id='{}'] audio",
            made.voicemail
        )))
        .await?;
    let src = player.attr("src").await?.unwrap_or_default();
    ensure(
        src == format!("/my/inbox/voicemail/{}/audio", made.voicemail),
        format!("plays from {src}"),
    )?;
    let (status, kind, disposition, head) = fetched_audio(ctx, &src).await?;
    ensure(
        status == 200 && kind == "audio/wav" && disposition.is_empty() && head == "RIFF",
        format!("its audio: {status} {kind} {disposition:?} {head:?}"),
    )?;
    let download = format!("/my/inbox/recording/{}/download", made.recording);
    let (status, kind, disposition, head) = fetched_audio(ctx, &download).await?;
    ensure(
        status == 200
            && kind == "audio/wav"
            && disposition.starts_with("attachment")
            && head == "RIFF",
        format!("the recording's download: {status} {kind} {disposition:?} {head:?}"),
    )
}

/// Another company's message, and Ulf's own under another kind, are not found under /my/inbox.
async fn nobody_elses_item_is_reached(ctx: &Ctx, made: &Made) -> R {
    for path in [
        format!("/my/inbox/voicemail/{}/audio", made.elsewhere),
        format!("/my/inbox/group_inbox/{}/download", made.elsewhere),
        format!("/my/inbox/recording/{}/audio", made.voicemail),
    ] {
        let (status, _, _, head) = fetched_audio(ctx, &path).await?;
        ensure(status == 404 && head != "RIFF", format!("{path}: {status}"))?;
    }
    ctx.open(&format!("/my/inbox/voicemail/{}/audio", made.elsewhere))
        .await?;
    ensure(
        ctx.text("main [role=alert]").await? == "There is no such page.",
        "the page says so",
    )?;
    let t2 = &ctx.w.t2;
    let path = format!("/api/v1/lines/{}/voicemails", t2.line_id);
    let still = ctx.w.srv.get(&path, &t2.admin_token).await;
    ensure(
        ids_of(&still.body).contains(&made.elsewhere),
        "the other company's message is untouched",
    )
}
