//! Faxes (issue 17): an administrator makes a company number its line's fax number on the
//! number's page (refused, with the reason, while the line's user has no fax in their package);
//! a fax machine calls it from the carrier; the fax shows in the person's Inbox with its pages
//! and a link to its PDF, is marked seen and deleted there, each change checked through the API.

use super::{Ctx, R, ensure, set_ulf_package, ulf_gets_package};
use crate::kit::*;
use crate::phones::{CARRIER_KEY, free_port};
use fantoccini::Locator;
use serde_json::json;

pub async fn a_fax_number_set_on_its_page_receives_a_fax_the_person_views_marks_and_deletes(
    ctx: &Ctx,
) -> R {
    let (srv, t) = (&ctx.w.srv, &ctx.w.t1);
    let ulf = srv
        .get(&format!("/api/v1/users/{}", t.user_id), &t.admin_token)
        .await;
    let package = ulf.body["package_id"].clone();
    let outcome = fax_and_inbox(ctx).await;
    set_ulf_package(ctx, &package).await?;
    let number = format!("/api/v1/numbers/{}", t.number_id);
    let r = srv
        .patch(&number, &t.admin_token, json!({"fax": false}))
        .await;
    ensure(r.status == 200, format!("fax mark off: {}", r.text))?;
    outcome
}

/// The number's page's fax form, ticked and saved as Ada; the notice or alert it shows.
async fn tick_fax(ctx: &Ctx) -> R<String> {
    let t = &ctx.w.t1;
    ctx.sign_in("adaone", PW, None).await?;
    ctx.open(&format!(
        "/admin/companies/{}/numbers/{}",
        t.company_id, t.number_id
    ))
    .await?;
    let tick = ctx.c.find(Locator::Css("#fax-number")).await?;
    if tick.prop("checked").await?.as_deref() != Some("true") {
        tick.click().await?;
    }
    ctx.click("form[action$='/fax'] button[type=submit]")
        .await?;
    ctx.axe().await?;
    let said = ctx.text("main").await?;
    ctx.sign_out().await?;
    Ok(said)
}

async fn fax_and_inbox(ctx: &Ctx) -> R {
    let (srv, t) = (&ctx.w.srv, &ctx.w.t1);
    let number = format!("/api/v1/numbers/{}", t.number_id);
    // The number rings Ulf's first line, whatever an earlier scenario routed.
    let r = srv
        .patch(&number, &t.admin_token, json!({"line_id": t.line_id}))
        .await;
    ensure(r.status == 200, format!("routed to Ulf: {}", r.text))?;
    let e164 = r.body["number"].as_str().unwrap_or_default().to_owned();
    set_ulf_package(ctx, &serde_json::Value::Null).await?;
    let said = tick_fax(ctx).await?;
    ensure(
        said.contains("Receiving faxes needs a line whose user's service package has fax"),
        format!("refused with the reason: {said}"),
    )?;
    let r = srv.get(&number, &t.admin_token).await;
    ensure(
        r.body["fax"] == false,
        format!("nothing changed: {}", r.text),
    )?;
    ulf_gets_package(ctx, "Fax", &["user_portal", "fax"]).await?;
    let said = tick_fax(ctx).await?;
    ensure(
        said.contains("The fax setting was saved"),
        format!("saved: {said}"),
    )?;
    let r = srv.get(&number, &t.admin_token).await;
    ensure(
        r.body["fax"] == true,
        format!("a fax number now: {}", r.text),
    )?;

    // A fax machine calls the number from the carrier.
    let port = free_port();
    let trunk = json!({"name": "Carrier", "address": format!("127.0.0.1:{port}"),
        "inbound": "secret", "inbound_secret": CARRIER_KEY});
    let r = srv
        .put(
            &format!("/api/v1/trunks/{}", t.trunk_id),
            &t.reseller_token,
            trunk,
        )
        .await;
    ensure(r.status == 200, format!("trunk: {}", r.text))?;
    let sip = srv.running.as_ref().ok_or("server stopped")?.sip_addr;
    let sent = crate::fax::fax_machine_calls(sip, port, e164.trim_start_matches('+')).await;
    ensure(sent, "the fax machine sent its two pages")?;
    inbox(ctx).await
}

/// Ulf's inbox, faxes only: the fax with its pages and PDF, marked seen, then deleted.
async fn inbox(ctx: &Ctx) -> R {
    let (srv, t) = (&ctx.w.srv, &ctx.w.t1);
    let faxes = format!("/api/v1/lines/{}/faxes", t.line_id);
    let mut id = String::new();
    for _ in 0..50 {
        let r = srv.get(&faxes, &t.admin_token).await;
        if let Some(f) = r.body["items"].get(0) {
            id = f["id"].as_str().unwrap_or_default().to_owned();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    ensure(!id.is_empty(), "the fax is in the line's inbox")?;
    ctx.sign_in("ulfone", PW, None).await?;
    ctx.open("/my/inbox?kind=fax").await?;
    let row = format!("#inbox tr[data-id='{id}']");
    let text = ctx.text(&row).await?;
    ensure(text.contains("2 page(s)"), format!("its pages: {text}"))?;
    let link = ctx
        .c
        .find(Locator::Css(&format!("{row} a.view-pdf")))
        .await?
        .attr("href")
        .await?
        .unwrap_or_default();
    ensure(
        link == format!("/my/inbox/fax/{id}/document"),
        format!("View PDF: {link}"),
    )?;
    ctx.click(&format!("{row} button.mark")).await?;
    let r = srv
        .get(&format!("/api/v1/faxes/{id}"), &t.admin_token)
        .await;
    ensure(r.body["seen"] == true, format!("marked seen: {}", r.text))?;
    ensure(
        ctx.text(&format!("{row} .state")).await? == "Seen",
        "the row says so",
    )?;
    ctx.click(&format!("{row} button.danger")).await?;
    ctx.axe().await?;
    let r = srv
        .get(&format!("/api/v1/faxes/{id}"), &t.admin_token)
        .await;
    ensure(r.status == 404, format!("deleted: {}", r.text))?;
    ctx.sign_out().await
}
