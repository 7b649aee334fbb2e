//! Texts in the Inbox (issue 17, "SMS/MMS conversations"): a colleague's texts show as one
//! conversation with how many are new; opening it on the Send SMS page shows only it and marks
//! its texts seen (checked through the API); deleting it from the Inbox hides it from this line
//! while the sender keeps their side.

use super::{Ctx, R, ensure, set_ulf_package, ulf_gets_package};
use crate::kit::*;
use fantoccini::Locator;
use serde_json::{Value, json};

async fn conversations(ctx: &Ctx, line: &str) -> R<Vec<Value>> {
    let path = format!("/api/v1/lines/{line}/conversations");
    let r = ctx.w.srv.get(&path, &ctx.w.t1.admin_token).await;
    ensure(r.status == 200, format!("{path}: {}", r.text))?;
    Ok(r.body["items"].as_array().cloned().unwrap_or_default())
}

pub async fn a_colleagues_texts_show_in_the_inbox_as_a_conversation_opened_seen_and_deleted(
    ctx: &Ctx,
) -> R {
    let (srv, t) = (&ctx.w.srv, &ctx.w.t1);
    let ulf = srv
        .get(&format!("/api/v1/users/{}", t.user_id), &t.admin_token)
        .await;
    let before = ulf.body["package_id"].clone();
    ulf_gets_package(ctx, "Texting to Ada", &["user_portal", "sms_mms"]).await?;
    let (ada, added) = super::my_texts::adas_line(ctx).await?;
    let outcome = check(ctx, &ada).await;
    set_ulf_package(ctx, &before).await?;
    if added {
        let r = srv
            .delete(&format!("/api/v1/lines/{ada}"), &t.admin_token)
            .await;
        ensure(r.status == 204, format!("Ada's line removed: {}", r.text))?;
    }
    outcome
}

async fn check(ctx: &Ctx, ada: &str) -> R {
    let (srv, t) = (&ctx.w.srv, &ctx.w.t1);
    let ada_ext = srv
        .get(&format!("/api/v1/lines/{ada}"), &t.admin_token)
        .await
        .body["extension"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let ulf_ext = srv
        .get(&format!("/api/v1/lines/{}", t.line_id), &t.admin_token)
        .await
        .body["extension"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    // Sent from Ulf's line by the company's administrator: Ulf's own API token is long gone
    // by now (an earlier scenario changed his password, which ends his sessions).
    for body in ["Are you in today?", "Bring the keys"] {
        let r = srv
            .post(
                &format!("/api/v1/lines/{}/messages", t.line_id),
                &t.admin_token,
                json!({"to": ada_ext, "body": body}),
            )
            .await;
        ensure(r.status == 201, format!("Ulf's text: {}", r.text))?;
    }
    ctx.sign_in("adaone", PW, None).await?;
    ctx.open("/my/inbox?kind=conversation").await?;
    let row = format!("#inbox tr[data-id='{ada}~{ulf_ext}']");
    let text = ctx.text(&row).await?;
    // Earlier scenarios may have left texts between the two lines: the count is the API's.
    let listed = srv
        .get(
            &format!("/api/v1/lines/{ada}/conversations"),
            &t.admin_token,
        )
        .await;
    let unread = listed.body["items"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["with"] == ulf_ext.as_str())
        .and_then(|c| c["unread"].as_u64())
        .unwrap_or(0);
    ensure(
        unread >= 2 && text.contains(&format!("{unread} new")),
        format!("the conversation with its unread count ({unread}): {text}"),
    )?;
    ctx.click(&format!("{row} a.open-conversation")).await?;
    ctx.axe().await?;
    let heading = ctx.text("#tx-conversation").await?;
    ensure(
        heading.contains(&ulf_ext),
        format!("the conversation's page: {heading}"),
    )?;
    let texts = ctx.text("#texts tbody").await?;
    ensure(
        texts.contains("Are you in today?") && texts.contains("Bring the keys"),
        format!("both texts shown: {texts}"),
    )?;
    if let Ok(to) = ctx.c.find(Locator::Css("#tx-to")).await {
        let typed = to.prop("value").await?.unwrap_or_default();
        ensure(typed == ulf_ext, format!("the reply goes to Ulf: {typed}"))?;
    }
    let after = conversations(ctx, ada).await?;
    let mine = after.iter().find(|c| c["with"] == ulf_ext.as_str());
    ensure(
        mine.is_some_and(|c| c["unread"] == 0),
        format!("opening it marked it seen: {after:?}"),
    )?;
    ctx.open("/my/inbox?kind=conversation").await?;
    ensure(
        ctx.text(&row).await?.contains("0 new"),
        "the Inbox shows it seen",
    )?;
    ctx.click(&format!("{row} button.danger")).await?;
    ensure(
        ctx.text("main [role=status]").await?.contains("Deleted"),
        "deleted notice",
    )?;
    ensure(
        ctx.c.find(Locator::Css(&row)).await.is_err(),
        "gone from Ada's inbox",
    )?;
    let ulfs = conversations(ctx, &t.line_id).await?;
    ensure(
        ulfs.iter().any(|c| c["with"] == ada_ext.as_str()),
        format!("Ulf keeps his side: {ulfs:?}"),
    )?;
    ctx.sign_out().await
}
