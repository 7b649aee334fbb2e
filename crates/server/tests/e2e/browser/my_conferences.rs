//! The end user's Conferencing page and the live queue figures on their home page (issue 17):
//! a meeting scheduled with a colleague and an outside address, moved and cancelled in the
//! browser and checked through the API, each refusal by its field with nothing changed; the
//! page in French; another company's meeting not found; and a caller waiting in the person's
//! queue counted on their home page without a reload. The invitations' mail is checked at a
//! real SMTP server over plain HTTP (`my_conferences_portal.rs`): this browser's server sends
//! no mail.

use super::{Ctx, R, ensure};
use crate::kit::*;
use fantoccini::Locator;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

async fn api(ctx: &Ctx, path: &str) -> R<crate::kit::Resp> {
    Ok(ctx.w.srv.get(path, &ctx.w.t1.admin_token).await)
}

/// Ulf's meeting titled `title`, through the API.
async fn meeting_titled(ctx: &Ctx, title: &str) -> R<Option<Value>> {
    let list = api(
        ctx,
        &format!("/api/v1/companies/{}/conferences", ctx.w.t1.company_id),
    )
    .await?;
    ensure(list.status == 200, format!("list: {}", list.text))?;
    Ok(list.body["items"]
        .as_array()
        .ok_or("no list")?
        .iter()
        .find(|c| c["title"] == title)
        .cloned())
}

async fn tick(ctx: &Ctx, css: &str) -> R {
    ctx.c.find(Locator::Css(css)).await?.click().await?;
    Ok(())
}

/// Ulf's package and his company's offered packages as they are, to put back.
struct Packages {
    ulf: Value,
    offered: Value,
    default: Value,
}

/// A package with conferencing offered to Ulf's company and given to him: an earlier
/// scenario leaves him one without it.
async fn ulf_gets_conferencing(ctx: &Ctx) -> R<Packages> {
    let (srv, t) = (&ctx.w.srv, &ctx.w.t1);
    let features = ["user_portal", "voicemail", "queues", "conferencing"];
    let p = srv
        .post(
            "/api/v1/packages",
            &ctx.w.sys,
            json!({"name": "Conferencing", "features": features, "monthly_price_cents": 1500,
                "reseller_id": t.reseller_id}),
        )
        .await;
    ensure(p.status == 201, format!("package: {} {}", p.status, p.text))?;
    let co = api(ctx, &format!("/api/v1/companies/{}", t.company_id))
        .await?
        .body;
    let ulf = api(ctx, &format!("/api/v1/users/{}", t.user_id))
        .await?
        .body;
    let before = Packages {
        ulf: ulf["package_id"].clone(),
        offered: co["offered_packages"].clone(),
        default: co["default_package_id"].clone(),
    };
    let mut offered = before.offered.as_array().cloned().unwrap_or_default();
    offered.push(json!(p.id()));
    let now = Packages {
        offered: json!(offered),
        ..before
    };
    set_packages(ctx, Some(&now), &json!(p.id())).await?;
    Ok(Packages {
        offered: co["offered_packages"].clone(),
        ..now
    })
}

/// The company's offer when given (before Ulf's package: one he is given must be offered),
/// then Ulf's package.
async fn set_packages(ctx: &Ctx, offer: Option<&Packages>, ulf: &Value) -> R {
    let (srv, t) = (&ctx.w.srv, &ctx.w.t1);
    if let Some(o) = offer {
        let path = format!("/api/v1/companies/{}/packages", t.company_id);
        let body = json!({"offered": o.offered, "default": o.default});
        let r = srv.put(&path, &ctx.w.sys, body).await;
        ensure(r.status == 200, format!("offered: {}", r.text))?;
    }
    let path = format!("/api/v1/users/{}", t.user_id);
    let r = srv
        .patch(&path, &t.admin_token, json!({"package_id": ulf}))
        .await;
    ensure(r.status == 200, format!("Ulf's package: {}", r.text))
}

async fn fill_meeting(ctx: &Ctx, date: &str) -> R {
    ctx.fill("#cf-title", "Ulf's sync").await?;
    ctx.fill("#cf-date", date).await?;
    ctx.fill("#cf-time", "10:00").await?;
    ctx.fill("#cf-duration", "30").await
}

pub async fn an_end_user_schedules_moves_and_cancels_a_meeting_with_a_colleague_and_a_guest(
    ctx: &Ctx,
) -> R {
    let t = &ctx.w.t1;
    let before = ulf_gets_conferencing(ctx).await?;
    ctx.sign_in("ulfone", PW, None).await?;
    ctx.click("nav a[href='/my/conferences']").await?;
    ensure(ctx.path().await? == "/my/conferences", "Conferencing opens")?;
    ensure(ctx.text("#cf-code").await? == "*88", "how to join")?;
    // A start in the past: refused by the date, nothing scheduled.
    fill_meeting(ctx, "2001-01-01").await?;
    tick(ctx, &format!("[id='cf-user-{}']", t.admin_id)).await?;
    ctx.fill("#cf-emails", "guest@outside.example.com").await?;
    ctx.click("form[aria-labelledby=schedule] button[type=submit]")
        .await?;
    let why = ctx.text("#cf-date-error").await?;
    ensure(why.contains("already be over"), format!("past: {why}"))?;
    ensure(
        meeting_titled(ctx, "Ulf's sync").await?.is_none(),
        "nothing scheduled",
    )?;
    // The colleague and the address stay as typed.
    ctx.fill("#cf-date", "2099-07-01").await?;
    ctx.click("form[aria-labelledby=schedule] button[type=submit]")
        .await?;
    let notice = ctx.text("[role=status]").await?;
    ensure(notice.contains("invitation"), format!("notice: {notice}"))?;
    let conf = meeting_titled(ctx, "Ulf's sync")
        .await?
        .ok_or("the meeting is not in the API")?;
    let people: Vec<&str> = conf["participants"]
        .as_array()
        .ok_or("no participants")?
        .iter()
        .filter_map(|p| p["user_id"].as_str().or(p["email"].as_str()))
        .collect();
    ensure(
        // 10:00 in New York in July is 14:00 UTC.
        conf["starts_at"] == "2099-07-01T14:00:00Z"
            && conf["organizer_user_id"] == t.user_id
            && people.contains(&t.admin_id.as_str())
            && people.contains(&"guest@outside.example.com"),
        format!("through the API: {conf}"),
    )?;
    let id = conf["id"].as_str().ok_or("no id")?;
    ensure(
        ctx.text(&format!("tr[data-conference='{id}']"))
            .await?
            .contains(
                conf["dial_in"]["access_code"]
                    .as_str()
                    .ok_or("no access code")?,
            ),
        "the list shows the access code",
    )?;
    moved_then_cancelled(ctx, id).await?;
    in_french(ctx).await?;
    ctx.open(&format!("/my/conferences/{}", ctx.w.t2.conference_id))
        .await?;
    ensure(
        ctx.text("main [role=alert]").await? == "There is no such page.",
        "another company's meeting is not found",
    )?;
    ctx.sign_out().await?;
    set_packages(ctx, None, &before.ulf).await?;
    set_packages(ctx, Some(&before), &before.ulf).await
}

async fn moved_then_cancelled(ctx: &Ctx, id: &str) -> R {
    ctx.click(&format!("a[href='/my/conferences/{id}']"))
        .await?;
    let starts = ctx.text("#cf-starts").await?;
    ensure(starts == "2099-07-01 10:00", format!("shown: {starts}"))?;
    // 02:30 on the day New York's clocks go forward never happens: refused by the date.
    ctx.fill("#cf-date", "2099-03-08").await?;
    ctx.fill("#cf-time", "02:30").await?;
    ctx.click("form[aria-labelledby=reschedule] button").await?;
    let why = ctx.text("#cf-date-error").await?;
    ensure(why.contains("clocks go forward"), format!("skipped: {why}"))?;
    let one = format!("/api/v1/conferences/{id}");
    let now = api(ctx, &one).await?.body;
    ensure(now["starts_at"] == "2099-07-01T14:00:00Z", "not moved")?;
    ctx.fill("#cf-date", "2099-07-02").await?;
    ctx.fill("#cf-time", "11:15").await?;
    ctx.click("form[aria-labelledby=reschedule] button").await?;
    let notice = ctx.text("[role=status]").await?;
    ensure(notice.contains("new time"), format!("notice: {notice}"))?;
    let now = api(ctx, &one).await?.body;
    ensure(
        now["starts_at"] == "2099-07-02T15:15:00Z",
        format!("moved: {now}"),
    )?;
    ctx.click(&format!("a[href='/my/conferences/{id}']"))
        .await?;
    ctx.click("#cf-cancel-link").await?;
    ensure(api(ctx, &one).await?.status == 200, "asked, not cancelled")?;
    ctx.click("form[action$='/cancel'] button").await?;
    let notice = ctx.text("[role=status]").await?;
    ensure(notice.contains("cancellation"), format!("notice: {notice}"))?;
    let gone = api(ctx, &one).await?;
    ensure(gone.status == 404, format!("cancelled: {}", gone.text))
}

async fn in_french(ctx: &Ctx) -> R {
    ctx.click("button[name=lang][value=fr]").await?;
    ensure(
        ctx.text("h1").await? == "Conférences"
            && ctx.text("#schedule").await? == "Planifier une réunion",
        format!("the page in French: {}", ctx.text("#schedule").await?),
    )?;
    ctx.click("button[name=lang][value=en]").await
}

/// The queue's settings as a body to put back, with another maximum wait.
fn queue_input(q: &Value, max_wait: i64) -> Value {
    let agents: Vec<Value> = q["agents"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| json!({"line_id": a["line_id"], "kind": a["kind"]}))
        .collect();
    json!({"name": q["name"], "extension": q["extension"], "strategy": q["strategy"],
        "ring_seconds": q["ring_seconds"],
        "progressive_delay_seconds": q["progressive_delay_seconds"],
        "max_wait_seconds": max_wait, "overflow": q["overflow"], "agents": agents,
        "call_in_extension": q["call_in_extension"], "call_in_hold": q["call_in_hold"],
        "call_in_beep": q["call_in_beep"]})
}

/// Polls the element's text until it is `want` (15 s at most).
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

async fn agent_status(ctx: &Ctx, logged_in: bool) -> R {
    let t = &ctx.w.t1;
    let r = ctx
        .w
        .srv
        .put(
            &format!("/api/v1/queues/{}/agent-status", t.queue_id),
            &t.admin_token,
            json!({"line_id": t.line_id, "logged_in": logged_in}),
        )
        .await;
    ensure(r.status == 200, format!("agent status: {}", r.text))
}

pub async fn the_home_page_counts_a_caller_waiting_in_the_persons_queue_without_a_reload(
    ctx: &Ctx,
) -> R {
    if !crate::baresip::baresip_available() {
        return Ok(());
    }
    let (w, t) = (&ctx.w, &ctx.w.t1);
    let queue = format!("/api/v1/queues/{}", t.queue_id);
    let before = api(ctx, &queue).await?.body;
    let was_in = before["agents"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|a| a["line_id"] == t.line_id.as_str() && a["logged_in"] == true);
    // Nobody logged in: Ulf's own call to the queue waits there (up to two minutes).
    let r = w
        .srv
        .put(&queue, &t.admin_token, queue_input(&before, 120))
        .await;
    ensure(r.status == 200, format!("queue: {}", r.text))?;
    agent_status(ctx, false).await?;
    ctx.sign_in("ulfone", PW, None).await?;
    let waiting = format!("#my-live tr[data-queue='{}'] .waiting", t.queue_id);
    ensure(ctx.text(&waiting).await? == "0", "nobody waits yet")?;
    ctx.c
        .execute("window.sbHomeMark = 42; return 1", vec![])
        .await?;
    let sip = w.srv.running.as_ref().ok_or("no SIP")?.sip_addr;
    let caller = crate::phones::sip_line(&w.srv, &t.admin_token, &t.line_id).await;
    let dir = std::env::temp_dir().join(format!("sb-home-{}", crate::phones::free_port()));
    std::fs::create_dir_all(&dir)?;
    let wav = dir.join("tone.wav");
    crate::baresip::tone_wav_at(&wav, 440.0, 30, 8000);
    let extension = before["extension"].as_str().unwrap_or("600").to_owned();
    let (hang_up, told) = std::sync::mpsc::channel::<()>();
    let call = tokio::task::spawn_blocking(move || {
        let mut c = crate::baresip::Phone::start(sip, &caller, &wav, "manual");
        c.wait_registered();
        c.dial(&format!("sip:{extension}@{}", caller.domain));
        c.wait_event("CALL_ESTABLISHED", 10);
        let _ = told.recv_timeout(Duration::from_secs(30));
        let _ = c.command("hangup", "");
        c.wait_event("CALL_CLOSED", 10);
    });
    let seen = until_text(ctx, &waiting, "1").await;
    let _ = hang_up.send(());
    seen?;
    let mark = ctx.c.execute("return window.sbHomeMark", vec![]).await?;
    ensure(mark == json!(42), "the figures updated without a reload")?;
    call.await?;
    until_text(ctx, &waiting, "0").await?;
    ctx.axe().await?;
    let _ = std::fs::remove_dir_all(&dir);
    let max_wait = before["max_wait_seconds"].as_i64().unwrap_or(300);
    let r = w
        .srv
        .put(&queue, &t.admin_token, queue_input(&before, max_wait))
        .await;
    ensure(r.status == 200, format!("queue back: {}", r.text))?;
    agent_status(ctx, was_in).await?;
    ctx.sign_out().await
}
