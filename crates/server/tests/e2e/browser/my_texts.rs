//! "Send SMS" (issue 17): a text written in the browser reaches a colleague's registered phone
//! as SIP MESSAGE (SIPp standing in for the phone) and shows in both lines' messages; a person
//! whose package lacks SMS/MMS is told so and offered no form; a bad extension is refused by
//! its field and nothing is sent.

use super::{Ctx, R, ensure};
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

/// A package with SMS/MMS offered to Ulf's company and given to him; his earlier package.
async fn ulf_may_text(ctx: &Ctx) -> R<Value> {
    let (srv, t) = (&ctx.w.srv, &ctx.w.t1);
    let ulf = srv
        .get(&format!("/api/v1/users/{}", t.user_id), &t.admin_token)
        .await;
    let before = ulf.body["package_id"].clone();
    let p = srv
        .post(
            "/api/v1/packages",
            &ctx.w.sys,
            json!({"name": "Texting", "features": ["user_portal", "sms_mms"],
                "monthly_price_cents": 100, "reseller_id": t.reseller_id}),
        )
        .await;
    ensure(p.status == 201, format!("package: {}", p.text))?;
    let co = srv
        .get(
            &format!("/api/v1/companies/{}", t.company_id),
            &t.admin_token,
        )
        .await
        .body;
    let mut offered = co["offered_packages"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    offered.push(json!(p.id()));
    let r = srv
        .put(
            &format!("/api/v1/companies/{}/packages", t.company_id),
            &ctx.w.sys,
            json!({"offered": offered, "default": co["default_package_id"]}),
        )
        .await;
    ensure(r.status == 200, format!("offered: {}", r.text))?;
    set_package(ctx, &json!(p.id())).await?;
    Ok(before)
}

async fn set_package(ctx: &Ctx, id: &Value) -> R {
    let t = &ctx.w.t1;
    let path = format!("/api/v1/users/{}", t.user_id);
    let r = ctx
        .w
        .srv
        .patch(&path, &t.admin_token, json!({"package_id": id}))
        .await;
    ensure(r.status == 200, format!("Ulf's package: {}", r.text))
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
    set_package(ctx, &before).await?;
    outcome?;
    ctx.sign_out().await
}

async fn send_and_check(ctx: &Ctx) -> R {
    let (srv, t) = (&ctx.w.srv, &ctx.w.t1);
    let l = srv
        .post(
            &format!("/api/v1/companies/{}/lines", t.company_id),
            &t.admin_token,
            json!({"extension": "236", "user_id": t.admin_id}),
        )
        .await;
    ensure(l.status == 201, format!("Ada's line: {}", l.text))?;
    let ada = l.id();
    let phone = if sipp_available() {
        let sip = srv.running.as_ref().ok_or("server stopped")?.sip_addr;
        let port = free_port();
        register_at(sip, &sip_line(srv, &t.admin_token, &ada).await, port).await;
        Some(message_phone(port, "Lunch at noon"))
    } else {
        None
    };
    ctx.open("/my/messages").await?;
    ctx.fill("#tx-to", "999").await?;
    ctx.fill("#tx-body", "Nobody there").await?;
    ctx.click("form[action='/my/messages'] button[type=submit]")
        .await?;
    ensure(
        ctx.c.find(Locator::Css("#tx-to-error")).await.is_ok(),
        "an unknown extension is refused by its field",
    )?;
    ctx.axe().await?;
    ensure(messages(ctx, &t.line_id).await?.is_empty(), "nothing sent")?;
    ctx.fill("#tx-to", "236").await?;
    ctx.fill("#tx-body", "Lunch at noon").await?;
    ctx.click("form[action='/my/messages'] button[type=submit]")
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
    ensure(sent.len() == 1, format!("one text sent: {sent:?}"))?;
    // Its messages go with the line.
    let r = srv
        .delete(&format!("/api/v1/lines/{ada}"), &t.admin_token)
        .await;
    ensure(r.status == 204, format!("Ada's line removed: {}", r.text))
}
