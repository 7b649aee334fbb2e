//! Call centre and conferences in the browser (issue 15, items 7 and 8): each scenario works
//! on the pages and checks the effect through the REST API, and the live board on a real call.

use super::{Ctx, R, ensure};
use crate::kit::*;
use fantoccini::Locator;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

async fn choose(ctx: &Ctx, select: &str, value: &str) -> R {
    ctx.c
        .find(Locator::Css(select))
        .await?
        .select_by_value(value)
        .await?;
    Ok(())
}

/// The company's queue named `name`, through the API.
async fn queue_named(ctx: &Ctx, name: &str) -> Option<Value> {
    let t1 = &ctx.w.t1;
    let list = ctx
        .w
        .srv
        .get(
            &format!("/api/v1/companies/{}/queues", t1.company_id),
            &t1.admin_token,
        )
        .await;
    list.body["items"]
        .as_array()
        .or(list.body.as_array())?
        .iter()
        .find(|q| q["name"] == name)
        .cloned()
}

pub async fn a_company_admin_builds_a_round_robin_queue_and_call_in_is_refused_with_ring_all(
    ctx: &Ctx,
) -> R {
    let t1 = &ctx.w.t1;
    ctx.sign_in("adaone", PW, None).await?;
    ctx.click("a[href='/admin/queues']").await?;
    let page = format!("/admin/companies/{}/queues", t1.company_id);
    ensure(
        ctx.path().await? == page,
        "Call centre opens the company's queues",
    )?;
    let agent = format!("[id='agent-{}']", t1.line_id);
    ctx.fill("#cc-name", "Sales desk").await?;
    ctx.fill("#cc-extension", "620").await?;
    choose(ctx, "#cc-strategy", "ring_all").await?;
    choose(ctx, &agent, "call_in").await?;
    ctx.fill("#cc-call-in-extension", "621").await?;
    ctx.click("form[action$='/queues'] button[type=submit]")
        .await?;
    // Refused: the reason next to the agent's choice, the form kept, nothing added.
    let why = ctx
        .text(&format!("[id='agent-{}-error']", t1.line_id))
        .await?;
    ensure(
        why.contains("Ring all"),
        format!("the reason by the field: {why}"),
    )?;
    let alert = ctx.text("[role=alert]").await?;
    ensure(alert == why, format!("and at the top: {alert}"))?;
    let kept = ctx
        .c
        .find(Locator::Css("#cc-name"))
        .await?
        .prop("value")
        .await?;
    ensure(
        kept.as_deref() == Some("Sales desk"),
        format!("kept: {kept:?}"),
    )?;
    ensure(
        queue_named(ctx, "Sales desk").await.is_none(),
        "nothing was added",
    )?;
    choose(ctx, "#cc-strategy", "round_robin").await?;
    ctx.fill("#cc-ring", "20").await?;
    ctx.click("form[action$='/queues'] button[type=submit]")
        .await?;
    let notice = ctx.text("[role=status]").await?;
    ensure(notice == "Saved.", format!("notice: {notice}"))?;
    let q = queue_named(ctx, "Sales desk")
        .await
        .ok_or("the queue is not in the API")?;
    ensure(
        q["strategy"] == "round_robin"
            && q["extension"] == "620"
            && q["ring_seconds"] == 20
            && q["call_in_extension"] == "621"
            && q["agents"].as_array().map(Vec::len) == Some(1)
            && q["agents"][0]["line_id"] == t1.line_id.as_str()
            && q["agents"][0]["kind"] == "call_in",
        format!("through the API: {q}"),
    )?;
    // Ring progressively with its delay; the default shown is 10 s.
    let delay = ctx
        .c
        .find(Locator::Css("#cc-delay"))
        .await?
        .prop("value")
        .await?;
    ensure(
        delay.as_deref() == Some("10"),
        format!("default delay {delay:?}"),
    )?;
    choose(ctx, "#cc-strategy", "ring_progressively").await?;
    ctx.fill("#cc-delay", "7").await?;
    ctx.fill("#cc-max-wait", "5").await?;
    ctx.click("form[aria-labelledby=settings] button[type=submit]")
        .await?;
    let why = ctx.text("#cc-max-wait-error").await?;
    ensure(
        why.contains("range"),
        format!("5 s of wait is refused: {why}"),
    )?;
    let unchanged = queue_named(ctx, "Sales desk").await.ok_or("gone")?;
    ensure(
        unchanged["strategy"] == "round_robin",
        "a refused form changed nothing",
    )?;
    ctx.fill("#cc-max-wait", "120").await?;
    ctx.click("form[aria-labelledby=settings] button[type=submit]")
        .await?;
    let q = queue_named(ctx, "Sales desk").await.ok_or("gone")?;
    ensure(
        q["strategy"] == "ring_progressively"
            && q["progressive_delay_seconds"] == 7
            && q["max_wait_seconds"] == 120,
        format!("changed: {q}"),
    )?;
    // Music on hold from the file chooser: a file that is not audio is refused, a WAV is
    // taken; then back to the built-in music.
    let dir = std::env::temp_dir();
    let bad = dir.join(format!("sb-not-music-{}.wav", std::process::id()));
    std::fs::write(&bad, b"not a sound at all")?;
    let wav = dir.join(format!("sb-music-{}.wav", std::process::id()));
    crate::baresip::tone_wav_at(&wav, 440.0, 2, 8000);
    for file in [&bad, &wav] {
        ctx.c
            .find(Locator::Css("#cc-music-file"))
            .await?
            .send_keys(&file.display().to_string())
            .await?;
        ctx.click("form[action$='/music'] button").await?;
        let own = queue_named(ctx, "Sales desk").await.ok_or("gone")?["own_music"].clone();
        if file == &bad {
            let why = ctx.text("[role=alert]").await?;
            ensure(
                !why.is_empty() && !why.contains("Choose a WAV") && own == json!(false),
                format!("a file that is not audio is refused: {why}"),
            )?;
        }
    }
    let _ = std::fs::remove_file(&bad);
    let _ = std::fs::remove_file(&wav);
    let state = ctx.text("#cc-music-state").await?;
    ensure(state == "Uploaded music", format!("music: {state}"))?;
    let own = queue_named(ctx, "Sales desk").await.ok_or("gone")?["own_music"].clone();
    ensure(own == json!(true), "the API has the uploaded music")?;
    ctx.click("form[action$='/music/delete'] button").await?;
    let own = queue_named(ctx, "Sales desk").await.ok_or("gone")?["own_music"].clone();
    ensure(own == json!(false), "back to the built-in music")?;
    ctx.click("form[aria-labelledby=delete] button").await?;
    let notice = ctx.text("[role=status]").await?;
    ensure(
        notice.contains("deleted"),
        format!("notice after delete: {notice}"),
    )?;
    ensure(
        queue_named(ctx, "Sales desk").await.is_none(),
        "deleted in the API",
    )?;
    ctx.sign_out().await
}

/// Polls the element's text until it is `want` (10 s at most).
async fn until_text(ctx: &Ctx, css: &str, want: &str) -> R {
    let started = Instant::now();
    loop {
        let now = ctx.text(css).await.unwrap_or_default();
        if now == want {
            return Ok(());
        }
        ensure(
            started.elapsed() < Duration::from_secs(15),
            format!("{css} stayed {now:?}, not {want:?}"),
        )?;
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

pub async fn the_live_board_shows_a_caller_waiting_in_the_queue(ctx: &Ctx) -> R {
    if !crate::baresip::baresip_available() {
        return Ok(());
    }
    let (w, t1) = (&ctx.w, &ctx.w.t1);
    let queue = format!("/api/v1/queues/{}", t1.queue_id);
    // Nobody logged in: a caller waits (up to two minutes) and the board shows it.
    let settings = |max_wait: u32| {
        json!({"name": "Help one", "extension": "600", "strategy": "ring_all",
            "max_wait_seconds": max_wait, "agents": [{"line_id": t1.line_id}]})
    };
    let r = w.srv.put(&queue, &t1.admin_token, settings(120)).await;
    ensure(r.status == 200, format!("queue: {}", r.text))?;
    ctx.sign_in("adaone", PW, None).await?;
    let board = format!(
        "/admin/companies/{}/queues/{}/board",
        t1.company_id, t1.queue_id
    );
    ctx.open(&board).await?;
    ensure(ctx.text("#cc-waiting").await? == "0", "nobody waits yet")?;
    let state = ctx
        .text(&format!("tr[data-line='{}'] .state", t1.line_id))
        .await?;
    ensure(state == "Logged out", format!("Ulf is {state}"))?;
    // A mark on the page: gone if the page were loaded again.
    ctx.c
        .execute("window.sbBoardMark = 42; return 1", vec![])
        .await?;
    let sip = w.srv.running.as_ref().ok_or("no SIP")?.sip_addr;
    let caller = crate::phones::sip_line(&w.srv, &t1.admin_token, &t1.line_id).await;
    let dir = std::env::temp_dir().join(format!("sb-board-{}", crate::phones::free_port()));
    std::fs::create_dir_all(&dir)?;
    let wav = dir.join("tone.wav");
    crate::baresip::tone_wav_at(&wav, 440.0, 30, 8000);
    let (hang_up, told) = std::sync::mpsc::channel::<()>();
    let call = tokio::task::spawn_blocking(move || {
        let mut c = crate::baresip::Phone::start(sip, &caller, &wav, "manual");
        c.wait_registered();
        c.dial(&format!("sip:600@{}", caller.domain));
        c.wait_event("CALL_ESTABLISHED", 10);
        let _ = told.recv_timeout(Duration::from_secs(30));
        let _ = c.command("hangup", "");
        c.wait_event("CALL_CLOSED", 10);
    });
    let seen = until_text(ctx, "#cc-waiting", "1").await;
    let api = w
        .srv
        .get(&format!("{queue}/figures"), &t1.admin_token)
        .await;
    let _ = hang_up.send(());
    seen?;
    ensure(
        api.body["waiting"] == 1,
        format!("the API agrees: {}", api.text),
    )?;
    let mark = ctx.c.execute("return window.sbBoardMark", vec![]).await?;
    ensure(mark == json!(42), "the board updated without a reload")?;
    call.await?;
    until_text(ctx, "#cc-waiting", "0").await?;
    // The figures count the caller who gave up.
    ctx.click("form[action$='/board'] button[type=submit]")
        .await?;
    let abandoned: i64 = ctx.text("#cc-abandoned").await?.parse()?;
    ensure(abandoned >= 1, format!("abandoned {abandoned}"))?;
    let _ = std::fs::remove_dir_all(&dir);
    let r = w.srv.put(&queue, &t1.admin_token, settings(300)).await;
    ensure(r.status == 200, format!("queue back: {}", r.text))?;
    ctx.sign_out().await
}

/// The invitations themselves are checked at a real SMTP server over plain HTTP
/// (`callcentre_portal.rs`): this browser's server sends no mail.
pub async fn a_company_admin_schedules_moves_and_cancels_a_meeting_with_its_participants(
    ctx: &Ctx,
) -> R {
    let t1 = &ctx.w.t1;
    ctx.sign_in("adaone", PW, None).await?;
    ctx.click("a[href='/admin/conferences']").await?;
    let page = format!("/admin/companies/{}/conferences", t1.company_id);
    ensure(ctx.path().await? == page, "Conferences opens the company's")?;
    // A number that rings a line is no bridge: the reason by the field, nothing saved.
    ctx.fill("#cf-bridge", "+15550000001").await?;
    ctx.click("form[action$='/bridge'] button").await?;
    let why = ctx.text("#cf-bridge-error").await?;
    ensure(why.contains("rings a line"), format!("bridge: {why}"))?;
    let bridge = ctx
        .w
        .srv
        .get(
            &format!("/api/v1/companies/{}/conference-bridge", t1.company_id),
            &t1.admin_token,
        )
        .await;
    ensure(
        bridge.body["number"].is_null(),
        format!("no bridge: {}", bridge.text),
    )?;
    ctx.fill("#cf-title", "Team sync").await?;
    ctx.fill("#cf-date", "2099-06-01").await?;
    ctx.fill("#cf-time", "09:00").await?;
    ctx.fill("#cf-duration", "30").await?;
    ctx.c
        .find(Locator::Css(&format!("[id='cf-user-{}']", t1.user_id)))
        .await?
        .click()
        .await?;
    ctx.fill("#cf-emails", "partner@outside.example.com")
        .await?;
    ctx.click("form[aria-labelledby=schedule] button[type=submit]")
        .await?;
    let notice = ctx.text("[role=status]").await?;
    ensure(notice.contains("invitation"), format!("notice: {notice}"))?;
    let api = format!("/api/v1/companies/{}/conferences", t1.company_id);
    let list = ctx.w.srv.get(&api, &t1.admin_token).await.body;
    let conf = list["items"]
        .as_array()
        .ok_or("no list")?
        .iter()
        .find(|c| c["title"] == "Team sync")
        .cloned()
        .ok_or("the meeting is not in the API")?;
    let people: Vec<String> = conf["participants"]
        .as_array()
        .ok_or("no participants")?
        .iter()
        .map(|p| {
            p["user_id"]
                .as_str()
                .or(p["email"].as_str())
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    ensure(
        // Typed in the company's zone: 09:00 in New York in June is 13:00 UTC.
        conf["starts_at"] == "2099-06-01T13:00:00Z"
            && conf["organizer_user_id"] == t1.admin_id
            && people.contains(&t1.user_id)
            && people.contains(&"partner@outside.example.com".to_owned()),
        format!("through the API: {conf}"),
    )?;
    let id = conf["id"].as_str().ok_or("no id")?;
    ctx.click(&format!("a[href$='/conferences/{id}']")).await?;
    let starts = ctx.text("#cf-starts").await?;
    ensure(starts == "2099-06-01 09:00", format!("shown: {starts}"))?;
    // 02:30 on the day New York's clocks go forward never happens: refused by the date.
    ctx.fill("#cf-date", "2099-03-08").await?;
    ctx.fill("#cf-time", "02:30").await?;
    ctx.click("form[aria-labelledby=reschedule] button").await?;
    let why = ctx.text("#cf-date-error").await?;
    ensure(why.contains("clocks go forward"), format!("skipped: {why}"))?;
    ctx.fill("#cf-time", "09:00").await?;
    // A time in the past: refused by the date, nothing moved.
    ctx.fill("#cf-date", "2001-01-01").await?;
    ctx.click("form[aria-labelledby=reschedule] button").await?;
    let why = ctx.text("#cf-date-error").await?;
    ensure(why.contains("already be over"), format!("past: {why}"))?;
    let one = format!("/api/v1/conferences/{id}");
    let now = ctx.w.srv.get(&one, &t1.admin_token).await.body;
    ensure(now["starts_at"] == "2099-06-01T13:00:00Z", "not moved")?;
    ctx.fill("#cf-date", "2099-06-02").await?;
    ctx.fill("#cf-time", "11:15").await?;
    ctx.click("form[aria-labelledby=reschedule] button").await?;
    let notice = ctx.text("[role=status]").await?;
    ensure(notice.contains("new time"), format!("notice: {notice}"))?;
    let now = ctx.w.srv.get(&one, &t1.admin_token).await.body;
    ensure(
        now["starts_at"] == "2099-06-02T15:15:00Z"
            && now["dial_in"]["access_code"] == conf["dial_in"]["access_code"],
        format!("moved: {now}"),
    )?;
    ctx.click(&format!("a[href$='/conferences/{id}']")).await?;
    ctx.click("form[action$='/cancel'] button").await?;
    let notice = ctx.text("[role=status]").await?;
    ensure(notice.contains("cancellation"), format!("notice: {notice}"))?;
    let gone = ctx.w.srv.get(&one, &t1.admin_token).await;
    ensure(gone.status == 404, format!("cancelled: {}", gone.text))?;
    ctx.sign_out().await
}
