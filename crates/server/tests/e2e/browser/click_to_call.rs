//! Click to call (issue 17) in the browser: Ulf presses "Call" beside one of his contacts'
//! numbers; without a phone registered on his extension he is told so, and with one his phone
//! rings (it answers busy here, so nobody else is called) while the page says it rings. The
//! Call log offers "Call back" on its rows; the page in French; axe on every page.

use super::{Ctx, R, ensure, set_ulf_package, ulf_gets_package};
use crate::kit::*;
use crate::phones::{Answer, free_port, phone, sip_line, sipp_available};
use fantoccini::Locator;
use fantoccini::key::Key;
use serde_json::json;

const NUMBER: &str = "+15550100";

pub async fn an_end_user_presses_call_beside_a_contact_and_their_own_phone_rings_first(
    ctx: &Ctx,
) -> R {
    let (srv, t) = (&ctx.w.srv, &ctx.w.t1);
    let ulf = srv
        .get(&format!("/api/v1/users/{}", t.user_id), &t.admin_token)
        .await;
    let before = ulf.body["package_id"].clone();
    ulf_gets_package(ctx, "Click to call", &["user_portal"]).await?;
    let contacts = format!("/api/v1/users/{}/contacts", t.user_id);
    let k = srv
        .post(
            &contacts,
            &t.admin_token,
            json!({"name": "Grace Dial", "numbers": [{"label": "work", "number": NUMBER}]}),
        )
        .await;
    ensure(k.status == 201, format!("contact: {}", k.text))?;
    let outcome = call_and_check(ctx).await;
    let _ = srv
        .delete(&format!("/api/v1/contacts/{}", k.id()), &t.admin_token)
        .await;
    set_ulf_package(ctx, &before).await?;
    outcome?;
    ctx.sign_out().await
}

async fn call_and_check(ctx: &Ctx) -> R {
    let (srv, t) = (&ctx.w.srv, &ctx.w.t1);
    let button = format!("#contacts form.call-form:has(input[name='to'][value='{NUMBER}']) button");
    ctx.sign_in("ulfone", PW, None).await?;
    ctx.open("/my/contacts").await?;
    let label = ctx.text(&button).await?;
    ensure(
        label.starts_with("Call") && label.contains(NUMBER),
        format!("named: {label}"),
    )?;
    let registered = srv
        .get(
            &format!("/api/v1/lines/{}/registrations", t.line_id),
            &t.admin_token,
        )
        .await;
    let none = registered.body["items"]
        .as_array()
        .is_some_and(Vec::is_empty);
    if none {
        ctx.click(&button).await?;
        let alert = ctx.text("main [role=alert]").await?;
        ensure(
            alert.starts_with("No phone is registered on your extension"),
            format!("no phone: {alert}"),
        )?;
        ctx.axe().await?;
    }
    if !sipp_available() {
        return Ok(());
    }
    let sip = srv.running.as_ref().ok_or("server stopped")?.sip_addr;
    let ulf = sip_line(srv, &t.admin_token, &t.line_id).await;
    let own = phone(sip, &ulf, free_port(), Answer::Busy).await;
    ctx.open("/my/contacts").await?;
    // With the keyboard alone: Enter on the focused button.
    let pressed = ctx.c.find(Locator::Css(&button)).await?;
    pressed
        .send_keys(&char::from(Key::Enter).to_string())
        .await?;
    for _ in 0..50 {
        if ctx.c.current_url().await?.as_str().contains("calling=") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let status = ctx.text("main [role=status]").await?;
    ensure(
        status == format!("Your phone is ringing: answer it to call {NUMBER}."),
        format!("the page says it rings: {status}"),
    )?;
    ctx.axe().await?;
    own.done()
        .await
        .map_err(|e| format!("Ulf's phone was not rung: {e}"))?;
    // In French, as Ulf's language.
    let ulf = format!("/api/v1/users/{}", t.user_id);
    let was = srv.get(&ulf, &t.admin_token).await.body["language"].clone();
    srv.patch(&ulf, &t.admin_token, json!({"language": "fr"}))
        .await;
    let french = async {
        ctx.open("/my/contacts").await?;
        let label = ctx.text(&button).await?;
        ensure(label.starts_with("Appeler"), format!("French: {label}"))?;
        ctx.axe().await
    }
    .await;
    let r = srv
        .patch(&ulf, &t.admin_token, json!({"language": was}))
        .await;
    ensure(r.status == 200, format!("language back: {}", r.text))?;
    french?;
    // The Call log offers Call back on each call whose number can be called.
    ctx.open("/my/calls").await?;
    if ctx.c.find(Locator::Css("#call-log")).await.is_ok() {
        let rows = ctx
            .c
            .find_all(Locator::Css("#call-log tbody tr"))
            .await?
            .len();
        let backs = ctx
            .c
            .find_all(Locator::Css("#call-log tbody tr form.call-form button"))
            .await?
            .len();
        ensure(
            rows > 0 && backs > 0,
            format!("Call back on the rows: {backs} of {rows}"),
        )?;
        let label = ctx.text("#call-log tbody tr form.call-form button").await?;
        ensure(label.starts_with("Call back"), format!("named: {label}"))?;
    }
    ctx.axe().await
}
