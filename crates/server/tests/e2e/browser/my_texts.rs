//! "Send SMS" (issue 17): a text written in the browser reaches a colleague's registered phone
//! as SIP MESSAGE (SIPp standing in for the phone) and shows in both lines' messages; a person
//! whose package lacks SMS/MMS is told so and offered no form; a bad extension is refused by
//! its field and nothing is sent.

use super::{Ctx, R, ensure, set_ulf_package, ulf_gets_package};
use crate::kit::*;
use crate::phones::{free_port, message_phone, register_at, sip_line, sipp_available};
use fantoccini::Locator;
use serde_json::{Value, json};

async fn messages(ctx: &Ctx, line: &str) -> R<Vec<Value>> {
    let path = format!("/api/v1/lines/{line}/messages");
    let r = ctx.w.srv.get(&path, &ctx.w.t1.admin_token).await;
    ensure(r.status == 200, format!("{path}: {}", r.text))?;
    Ok(r.body["items"].as_array().cloned().unwrap_or_default())
}

/// A package with SMS/MMS given to Ulf; his earlier package.
async fn ulf_may_text(ctx: &Ctx) -> R<Value> {
    let t = &ctx.w.t1;
    let ulf = ctx
        .w
        .srv
        .get(&format!("/api/v1/users/{}", t.user_id), &t.admin_token)
        .await;
    let before = ulf.body["package_id"].clone();
    ulf_gets_package(ctx, "Texting", &["user_portal", "sms_mms"]).await?;
    Ok(before)
}

pub async fn a_text_written_in_the_browser_reaches_a_colleagues_phone_only_with_sms_in_the_package(
    ctx: &Ctx,
) -> R {
    ctx.sign_in("ulfone", PW, None).await?;
    ctx.open("/my/messages").await?;
    ensure(
        ctx.c.find(Locator::Css("#tx-no-sms")).await.is_ok(),
        "without SMS/MMS the page says so",
    )?;
    ensure(
        ctx.c.find(Locator::Css("#tx-to")).await.is_err(),
        "and offers no form",
    )?;
    ctx.axe().await?;
    let before = ulf_may_text(ctx).await?;
    let outcome = send_and_check(ctx).await;
    set_ulf_package(ctx, &before).await?;
    outcome?;
    ctx.sign_out().await
}

async fn send_and_check(ctx: &Ctx) -> R {
    let (srv, t) = (&ctx.w.srv, &ctx.w.t1);
    let (ada, added) = adas_line(ctx).await?;
    let phone = if sipp_available() {
        let sip = srv.running.as_ref().ok_or("server stopped")?.sip_addr;
        let port = free_port();
        register_at(sip, &sip_line(srv, &t.admin_token, &ada).await, port).await;
        Some(message_phone(port, "Lunch at noon"))
    } else {
        None
    };
    let before = messages(ctx, &t.line_id).await?.len();
    // Ulf's first line, whichever an earlier scenario left as his default.
    ctx.open(&format!("/my/messages?line={}", t.line_id))
        .await?;
    ctx.fill("#tx-to", "999").await?;
    ctx.fill("#tx-body", "Nobody there").await?;
    ctx.click("form[method=post][action='/my/messages'] button[type=submit]")
        .await?;
    if ctx.c.find(Locator::Css("#tx-to-error")).await.is_err() {
        let page = ctx.text("main").await.unwrap_or_default();
        let at = ctx.path().await?;
        ensure(
            false,
            format!("an unknown extension is refused by its field; at {at}: {page}"),
        )?;
    }
    ctx.axe().await?;
    ensure(
        messages(ctx, &t.line_id).await?.len() == before,
        "nothing sent",
    )?;
    let extension = sip_line(srv, &t.admin_token, &ada).await.extension;
    ctx.fill("#tx-to", &extension).await?;
    ctx.fill("#tx-body", "Lunch at noon").await?;
    ctx.click("form[method=post][action='/my/messages'] button[type=submit]")
        .await?;
    ensure(
        ctx.text("main [role=status]").await? == "Message sent.",
        "notice",
    )?;
    ensure(
        ctx.text("#texts tbody").await?.contains("Lunch at noon"),
        "listed as sent",
    )?;
    ctx.axe().await?;
    if let Some(phone) = phone {
        phone.done().await?;
        let mut delivered = false;
        for _ in 0..30 {
            let got = messages(ctx, &ada).await?;
            if got.first().is_some_and(|m| !m["delivered_at"].is_null()) {
                delivered = got[0]["body"] == "Lunch at noon";
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        ensure(delivered, "the phone took it: delivered in Ada's messages")?;
    }
    let sent = messages(ctx, &t.line_id).await?;
    let texts: Vec<&Value> = sent
        .iter()
        .filter(|m| m["body"] == "Lunch at noon")
        .collect();
    ensure(texts.len() == 1, format!("one text sent: {sent:?}"))?;
    if !added {
        return Ok(());
    }
    // Its messages go with the line.
    let r = srv
        .delete(&format!("/api/v1/lines/{ada}"), &t.admin_token)
        .await;
    ensure(r.status == 204, format!("Ada's line removed: {}", r.text))
}

/// A line of Ada's: one an earlier scenario gave her, else a new one (removed after); the
/// company's line keys may all be in use by now.
pub(super) async fn adas_line(ctx: &Ctx) -> R<(String, bool)> {
    let (srv, t) = (&ctx.w.srv, &ctx.w.t1);
    let lines = format!("/api/v1/companies/{}/lines", t.company_id);
    let all = srv.get(&format!("{lines}?limit=200"), &t.admin_token).await;
    ensure(all.status == 200, format!("lines: {}", all.text))?;
    let hers = all.body["items"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|l| l["user_id"] == t.admin_id.as_str())
        .and_then(|l| l["id"].as_str().map(str::to_owned));
    if let Some(l) = hers {
        return Ok((l, false));
    }
    let body = json!({"extension": "236", "user_id": t.admin_id});
    let l = srv.post(&lines, &t.admin_token, body).await;
    ensure(l.status == 201, format!("Ada's line: {}", l.text))?;
    Ok((l.id(), true))
}
