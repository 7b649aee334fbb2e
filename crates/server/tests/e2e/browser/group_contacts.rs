//! Group contacts (issue 17): Ada adds one to the Sales department on its page, sees a bad
//! number refused by its field, checks it through the API, Ulf (in Sales) sees it with its
//! department on his Contacts page, and Ada deletes it after the confirmation; axe on every
//! page, nothing left behind.

use super::{Ctx, R, ensure};
use crate::kit::*;
use serde_json::Value;

async fn department_contacts(ctx: &Ctx) -> R<Vec<Value>> {
    let path = format!("/api/v1/departments/{}/contacts", ctx.w.t1.department_id);
    let r = ctx.w.srv.get(&path, &ctx.w.t1.admin_token).await;
    ensure(r.status == 200, format!("{path}: {}", r.text))?;
    Ok(r.body["items"].as_array().cloned().unwrap_or_default())
}

pub async fn an_administrator_gives_a_department_a_group_contact_its_people_see(ctx: &Ctx) -> R {
    let t = &ctx.w.t1;
    let page = format!(
        "/admin/companies/{}/departments/{}",
        t.company_id, t.department_id
    );
    ctx.sign_in("adaone", PW, None).await?;
    ctx.open(&page).await?;
    ensure(ctx.text("#gc-h").await? == "Group contacts", "the section")?;
    // A bad number is refused by its field, nothing added.
    ctx.fill("#gc-name", "Courier desk").await?;
    ctx.fill("#gc-number", "call me").await?;
    ctx.click("#gc-add button[type=submit]").await?;
    ensure(
        !ctx.text("#gc-number-error").await?.is_empty(),
        "the reason by the number",
    )?;
    ensure(department_contacts(ctx).await?.is_empty(), "nothing added")?;
    // The good one.
    ctx.fill("#gc-name", "Courier desk").await?;
    ctx.fill("#gc-company", "Parcels Ltd").await?;
    ctx.fill("#gc-number", "+44 20 7946 0000").await?;
    ctx.click("#gc-add button[type=submit]").await?;
    ensure(
        ctx.text("#group-contacts").await?.contains("Courier desk"),
        "listed on the department's page",
    )?;
    let kept = department_contacts(ctx).await?;
    ensure(
        kept.len() == 1
            && kept[0]["name"] == "Courier desk"
            && kept[0]["numbers"][0]["number"] == "+442079460000",
        format!("through the API: {kept:?}"),
    )?;
    let id = kept[0]["id"].as_str().unwrap_or_default().to_owned();
    ctx.sign_out().await?;
    // Ulf, in Sales, sees it with its department.
    ctx.sign_in("ulfone", PW, None).await?;
    ctx.open("/my/contacts").await?;
    let seen = ctx.text("#group-contacts").await?;
    ensure(
        seen.contains("Courier desk") && seen.contains("+442079460000") && seen.contains("Sales"),
        format!("Ulf's group contacts: {seen}"),
    )?;
    ctx.sign_out().await?;
    // Ada deletes it after the confirmation.
    ctx.sign_in("adaone", PW, None).await?;
    ctx.open(&page).await?;
    ctx.click(&format!("a[href='{page}/contacts/{id}/delete']"))
        .await?;
    ctx.click(&format!(
        "form[action='{page}/contacts/{id}/delete'] button[type=submit]"
    ))
    .await?;
    ensure(department_contacts(ctx).await?.is_empty(), "deleted")?;
    ctx.sign_out().await
}
