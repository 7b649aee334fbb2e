//! The end user's Services page (issue 17): how calls are routed with the explain panel, the
//! notifications, voicemail's message settings and greeting, and the voice-portal PIN, each
//! set in the browser and checked through the API; what the package does not have is not
//! offered; anybody else's line is not found.

use super::{Ctx, R, ensure, set_ulf_package, ulf_gets_package};
use crate::kit::*;
use fantoccini::Locator;
use serde_json::{Value, json};

async fn api(ctx: &Ctx, path: &str) -> R<Value> {
    // Through the administrator: Ulf's own API tokens ended with the password an earlier
    // scenario reset.
    let r = ctx.w.srv.get(path, &ctx.w.t1.admin_token).await;
    ensure(r.status == 200, format!("{path}: {}", r.text))?;
    Ok(r.body)
}

fn line_api(ctx: &Ctx, what: &str) -> String {
    format!("/api/v1/lines/{}/{what}", ctx.w.t1.line_id)
}

async fn tick(ctx: &Ctx, css: &str) -> R {
    ctx.c.find(Locator::Css(css)).await?.click().await?;
    Ok(())
}

async fn checked(ctx: &Ctx, css: &str) -> R<bool> {
    let p = ctx.c.find(Locator::Css(css)).await?.prop("checked").await?;
    Ok(p.as_deref() == Some("true"))
}

async fn value(ctx: &Ctx, css: &str) -> R<String> {
    let p = ctx.c.find(Locator::Css(css)).await?.prop("value").await?;
    Ok(p.unwrap_or_default())
}

async fn present(ctx: &Ctx, css: &str) -> bool {
    ctx.c.find(Locator::Css(css)).await.is_ok()
}

/// `url` fetched by the page, in its session: status, content type and the body's first four
/// bytes as text.
async fn fetched(ctx: &Ctx, url: &str) -> R<(u16, String, String)> {
    let got = ctx
        .c
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             fetch(arguments[0]).then(r => r.arrayBuffer().then(b => \
             done([r.status, r.headers.get('content-type') || '', \
             String.fromCharCode(...new Uint8Array(b.slice(0, 4)))])))\
             .catch(e => done([0, '', String(e)]));",
            vec![json!(url)],
        )
        .await?;
    Ok(serde_json::from_value(got)?)
}

async fn package_features(ctx: &Ctx, id: &str, features: &[&str]) -> R {
    let r = ctx
        .w
        .srv
        .patch(
            &format!("/api/v1/packages/{id}"),
            &ctx.w.sys,
            json!({"features": features}),
        )
        .await;
    ensure(r.status == 200, format!("features: {}", r.text))
}

/// The page of Ulf's first line (he may have several by now).
async fn open_ulfs_line(ctx: &Ctx) -> R {
    ctx.open(&format!("/my/services?line={}", ctx.w.t1.line_id))
        .await
}

pub async fn an_end_user_routes_calls_and_sets_notifications_voicemail_and_pin_on_services(
    ctx: &Ctx,
) -> R {
    let t = &ctx.w.t1;
    let user = api(ctx, &format!("/api/v1/users/{}", t.user_id)).await?;
    let handling_before = api(ctx, &line_api(ctx, "call-handling")).await?;
    let all = [
        "user_portal",
        "voicemail",
        "voicemail_to_email",
        "call_forwarding",
    ];
    let package = ulf_gets_package(ctx, "Services", &all).await?;
    ctx.sign_in("ulfone", PW, None).await?;
    ctx.click("nav a[href='/my/services']").await?;
    ensure(ctx.text("h1").await? == "Services", "the page")?;
    open_ulfs_line(ctx).await?;
    ensure(
        ctx.text("#line-extension").await? == "201",
        "Ulf's line is shown",
    )?;
    calls_are_routed_as_set_and_explained(ctx).await?;
    a_bad_number_is_refused_by_its_field_and_changes_nothing(ctx).await?;
    notifications_and_message_settings_are_saved(ctx).await?;
    a_wav_greeting_is_uploaded_and_plays(ctx).await?;
    the_voice_portal_pin_is_set(ctx).await?;
    what_the_package_lacks_is_not_offered(ctx, &package).await?;
    ctx.click("button[name=lang][value=fr]").await?;
    ensure(
        ctx.text("h1").await? == "Services"
            && ctx.text("#routing-h").await? == "Acheminement des appels"
            && ctx.text("#voice-pin-h").await? == "Code PIN du portail vocal",
        format!("the page in French: {}", ctx.text("#voice-pin-h").await?),
    )?;
    ctx.click("button[name=lang][value=en]").await?;
    nobody_elses_line_is_found(ctx).await?;
    ctx.sign_out().await?;
    // What the other scenarios know of Ulf's line, back as it was.
    let srv = &ctx.w.srv;
    let r = srv
        .put(
            &line_api(ctx, "call-handling"),
            &t.admin_token,
            handling_before,
        )
        .await;
    ensure(r.status == 200, format!("call handling back: {}", r.text))?;
    srv.delete(&line_api(ctx, "voicemail-greeting"), &t.admin_token)
        .await;
    srv.delete(&line_api(ctx, "voice-pin"), &t.admin_token)
        .await;
    set_ulf_package(ctx, &user["package_id"]).await
}

/// "When not answered: voicemail after 10 s" is the line's setting, its plan through the API
/// and the page's explain panel alike.
async fn calls_are_routed_as_set_and_explained(ctx: &Ctx) -> R {
    tick(ctx, "input[name=na][value=voicemail]").await?;
    ctx.fill("#na-seconds", "10").await?;
    tick(ctx, "input[name=busy][value=engaged]").await?;
    ctx.click("#call-handling button[type=submit]").await?;
    ensure(ctx.text("main [role=status]").await? == "Saved.", "saved")?;
    let doc = api(ctx, &line_api(ctx, "call-handling")).await?;
    let na = &doc["no_answer"];
    ensure(
        na["action"] == "divert" && na["seconds"] == 10 && na["divert"]["action"] == "voicemail",
        format!("the line's settings: {doc}"),
    )?;
    let plan = ctx
        .w
        .srv
        .post(
            &line_api(ctx, "call-handling/explain"),
            &ctx.w.t1.admin_token,
            json!({"caller_number": "+15550100"}),
        )
        .await;
    let steps = &plan.body["steps"];
    ensure(
        steps[0]["action"] == "ring"
            && steps[0]["seconds"] == 10
            && steps[1]["action"] == "voicemail",
        format!("the explained plan: {}", plan.text),
    )?;
    ctx.click("#explain button[type=submit]").await?;
    let said = ctx.text("#explained").await?;
    ensure(
        said.contains("ring the phones for 10 s") && said.contains("go to voicemail"),
        format!("the explain panel: {said}"),
    )
}

/// "When busy: redirect to a number" with no number refused next to its field, as typed,
/// nothing changed; then a number taken.
async fn a_bad_number_is_refused_by_its_field_and_changes_nothing(ctx: &Ctx) -> R {
    let before = api(ctx, &line_api(ctx, "call-handling")).await?;
    tick(ctx, "input[name=busy][value=redirect_to_number]").await?;
    ctx.fill("#busy-number", "call me").await?;
    ctx.click("#call-handling button[type=submit]").await?;
    let why = ctx.text("#busy-number-error").await?;
    ensure(!why.is_empty(), "the reason by the busy number")?;
    ensure(
        value(ctx, "#busy-number").await? == "call me"
            && checked(ctx, "input[name=busy][value=redirect_to_number]").await?,
        "what was typed is kept",
    )?;
    let after = api(ctx, &line_api(ctx, "call-handling")).await?;
    ensure(after == before, format!("unchanged: {after}"))?;
    ctx.fill("#busy-number", "+15550123").await?;
    ctx.click("#call-handling button[type=submit]").await?;
    ensure(ctx.text("main [role=status]").await? == "Saved.", "saved")?;
    let doc = api(ctx, &line_api(ctx, "call-handling")).await?;
    ensure(
        doc["busy"]["action"] == "divert"
            && doc["busy"]["divert"]["number"] == "+15550123"
            && doc["no_answer"]["seconds"] == 10,
        format!("busy redirected, the rest kept: {doc}"),
    )
}

async fn notifications_and_message_settings_are_saved(ctx: &Ctx) -> R {
    let missed = !checked(ctx, "#missed-calls").await?;
    tick(ctx, "#missed-calls").await?;
    ctx.click("#notifications button[type=submit]").await?;
    ensure(ctx.text("main [role=status]").await? == "Saved.", "saved")?;
    let n = api(ctx, &line_api(ctx, "notifications")).await?;
    ensure(n["missed_calls"] == missed, format!("notifications: {n}"))?;
    ctx.fill("#email-to", "ulf@one.example.com, desk@one.example.com")
        .await?;
    if checked(ctx, "#keep-original").await? {
        tick(ctx, "#keep-original").await?;
    }
    ctx.click("#message-settings button[type=submit]").await?;
    let vm = api(ctx, &line_api(ctx, "voicemail-settings")).await?;
    ensure(
        vm["email_to"] == json!(["ulf@one.example.com", "desk@one.example.com"])
            && vm["keep_after_email"] == false,
        format!("message settings: {vm}"),
    )?;
    ctx.fill("#email-to", "not an address").await?;
    ctx.click("#message-settings button[type=submit]").await?;
    ensure(
        !ctx.text("#email-to-error").await?.is_empty()
            && value(ctx, "#email-to").await? == "not an address",
        "the reason by the addresses, as typed",
    )?;
    let still = api(ctx, &line_api(ctx, "voicemail-settings")).await?;
    ensure(still == vm, format!("unchanged: {still}"))?;
    // Back to the mailbox keeping every message, as the other scenarios expect.
    ctx.fill("#email-to", "").await?;
    tick(ctx, "#keep-original").await?;
    ctx.click("#message-settings button[type=submit]").await?;
    let vm = api(ctx, &line_api(ctx, "voicemail-settings")).await?;
    ensure(
        vm["email_to"] == json!([]) && vm["keep_after_email"] == true,
        format!("message settings: {vm}"),
    )
}

async fn a_wav_greeting_is_uploaded_and_plays(ctx: &Ctx) -> R {
    let wav = std::env::temp_dir().join(format!("sb-my-greeting-{}.wav", std::process::id()));
    crate::baresip::tone_wav_at(&wav, 440.0, 1, 8000);
    ctx.c
        .find(Locator::Css("#greeting-file"))
        .await?
        .send_keys(&wav.display().to_string())
        .await?;
    ctx.click("#greeting-upload button[type=submit]").await?;
    let _ = std::fs::remove_file(&wav);
    ensure(
        ctx.text("main [role=status]").await? == "The greeting is saved.",
        "greeting saved",
    )?;
    let src = ctx
        .c
        .find(Locator::Css("#greeting-audio"))
        .await?
        .attr("src")
        .await?
        .unwrap_or_default();
    let (status, kind, head) = fetched(ctx, &src).await?;
    ensure(
        src.starts_with("/my/services/voicemail/greeting?line=")
            && status == 200
            && kind == "audio/wav"
            && head == "RIFF",
        format!("the greeting plays from {src}: {status} {kind} {head:?}"),
    )?;
    let r = ctx
        .w
        .srv
        .get(&line_api(ctx, "voicemail-greeting"), &ctx.w.t1.admin_token)
        .await;
    ensure(r.status == 200, "the line's greeting through the API")
}

async fn the_voice_portal_pin_is_set(ctx: &Ctx) -> R {
    ctx.fill("#pin", "111111").await?;
    ctx.click("form[action='/my/services/pin'] button").await?;
    ensure(
        !ctx.text("#pin-error").await?.is_empty(),
        "a PIN too easy is refused by its field",
    )?;
    ctx.fill("#pin", "204863").await?;
    ctx.click("form[action='/my/services/pin'] button").await?;
    ensure(
        ctx.text("main [role=status]").await? == "The voice portal PIN is set.",
        "PIN set",
    )?;
    let pin = api(ctx, &line_api(ctx, "voice-pin")).await?;
    ensure(pin["set"] == true, format!("pin: {pin}"))
}

/// Without `voicemail_to_email` no address is asked for; without `voicemail`, no voicemail.
async fn what_the_package_lacks_is_not_offered(ctx: &Ctx, package: &str) -> R {
    package_features(
        ctx,
        package,
        &["user_portal", "voicemail", "call_forwarding"],
    )
    .await?;
    open_ulfs_line(ctx).await?;
    ensure(
        !present(ctx, "#email-to").await
            && present(ctx, "#no-mail-out").await
            && present(ctx, "#greeting-upload").await,
        "no address to mail messages to",
    )?;
    package_features(ctx, package, &["user_portal", "call_forwarding"]).await?;
    open_ulfs_line(ctx).await?;
    ensure(
        !present(ctx, "#voicemail").await
            && present(ctx, "#call-handling").await
            && present(ctx, "#voice-pin").await,
        "no voicemail section",
    )
}

/// Another company's line, and a colleague's, are not found under /my/services.
async fn nobody_elses_line_is_found(ctx: &Ctx) -> R {
    let t = &ctx.w.t1;
    let lines = api(ctx, &format!("/api/v1/companies/{}/lines", t.company_id)).await?;
    let colleague = lines["items"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|l| l["user_id"] != t.user_id.as_str())
        .and_then(|l| l["id"].as_str())
        .map(str::to_owned);
    let others = [Some(ctx.w.t2.line_id.clone()), colleague];
    for other in others.iter().flatten() {
        for path in [
            format!("/my/services?line={other}"),
            format!("/my/services/voicemail/greeting?line={other}"),
        ] {
            let (status, _, _) = fetched(ctx, &path).await?;
            ensure(status == 404, format!("{path}: {status}"))?;
        }
    }
    ctx.open(&format!("/my/services?line={}", ctx.w.t2.line_id))
        .await?;
    ensure(
        ctx.text("main [role=alert]").await? == "There is no such page.",
        "the page says so",
    )
}
