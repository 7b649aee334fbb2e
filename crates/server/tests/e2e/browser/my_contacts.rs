//! "Contacts" (issue 17): Ulf adds a contact, sees a bad number refused by its field, marks Ada
//! a favourite and sees her presence, imports a vCard file, exports, deletes, and reads the page
//! in French; each step checked through the API (as his administrator), axe on every page, and
//! everything put back.

use super::{Ctx, R, ensure};
use crate::kit::*;
use fantoccini::Locator;
use serde_json::{Value, json};

const PAGE: &str = "/my/contacts";

async fn api(ctx: &Ctx, path: &str) -> R<Value> {
    let r = ctx.w.srv.get(path, &ctx.w.t1.admin_token).await;
    ensure(r.status == 200, format!("{path}: {}", r.text))?;
    Ok(r.body)
}

async fn put(ctx: &Ctx, path: &str, body: Value) -> R {
    let r = ctx.w.srv.put(path, &ctx.w.t1.admin_token, body).await;
    ensure(r.status == 200, format!("{path}: {}", r.text))
}

async fn contacts(ctx: &Ctx) -> R<Vec<Value>> {
    let path = format!("/api/v1/users/{}/contacts", ctx.w.t1.user_id);
    Ok(api(ctx, &path).await?["items"]
        .as_array()
        .cloned()
        .unwrap_or_default())
}

pub async fn an_end_user_keeps_contacts_favourites_with_presence_imports_and_exports(
    ctx: &Ctx,
) -> R {
    let t = &ctx.w.t1;
    let presence = format!("/api/v1/users/{}/presence", t.admin_id);
    put(ctx, &presence, json!({"status": "do_not_disturb"})).await?;
    ctx.sign_in("ulfone", PW, None).await?;
    ctx.click("nav a[href='/my/contacts']").await?;
    ensure(ctx.path().await? == PAGE, "the page")?;
    ctx.axe().await?;
    // A contact added, and a bad number refused by its field with nothing added.
    let add = |name: &'static str, number: &'static str| async move {
        ctx.fill("#ct-name", name).await?;
        ctx.fill("#ct-label", "mobile").await?;
        ctx.fill("#ct-number", number).await?;
        ctx.click("#ct-add button[type=submit]").await
    };
    add("Grace Hopper", "+1 555 0100 77").await?;
    ensure(
        ctx.text("main [role=status]").await? == "Contact added.",
        "notice",
    )?;
    add("Bad Number", "call me").await?;
    ensure(
        !ctx.text("#ct-number-error").await?.is_empty(),
        "the reason by the number",
    )?;
    ctx.axe().await?;
    let kept = contacts(ctx).await?;
    ensure(
        kept.len() == 1 && kept[0]["numbers"][0]["number"] == "+1555010077",
        format!("only the good one: {kept:?}"),
    )?;
    // Edited: renamed and made a favourite, its number kept.
    let id = kept[0]["id"].as_str().unwrap_or_default().to_owned();
    ctx.click(&format!("a[href^='/my/contacts?edit={id}']"))
        .await?;
    ctx.axe().await?;
    ctx.fill("#ct-name", "Grace B. Hopper").await?;
    ctx.click("#ct-favourite").await?;
    ctx.click("#ct-add button[type=submit]").await?;
    ensure(
        ctx.text("main [role=status]").await? == "Contact saved.",
        "saved",
    )?;
    let k = api(ctx, &format!("/api/v1/contacts/{id}")).await?;
    ensure(
        k["name"] == "Grace B. Hopper"
            && k["favourite"] == true
            && k["numbers"][0]["number"] == "+1555010077",
        format!("edited: {k}"),
    )?;
    // Ada as a favourite, with her presence.
    ctx.open(PAGE).await?;
    ctx.click(&format!(
        "#directory form[action='/my/contacts/favourite'] input[value='{}'] ~ button",
        t.admin_id
    ))
    .await?;
    let fav = ctx.text("#favourites").await?;
    ensure(
        fav.contains("Ada") && fav.contains("Do not disturb"),
        format!("Ada's presence among the favourites: {fav}"),
    )?;
    let favs = api(ctx, &format!("/api/v1/users/{}/favourites", t.user_id)).await?;
    ensure(
        favs["colleagues"][0]["user_id"] == t.admin_id.as_str(),
        format!("favourites: {favs}"),
    )?;
    // A vCard file imported through the file input.
    let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Alan Turing\r\nTEL;TYPE=WORK:+441234567890\r\nEND:VCARD\r\n";
    let file = std::env::temp_dir().join(format!("sb-contacts-{}.vcf", std::process::id()));
    std::fs::write(&file, card)?;
    ctx.c
        .find(Locator::Css("#ct-file"))
        .await?
        .send_keys(&file.display().to_string())
        .await?;
    let sent = ctx
        .click("form[action='/my/contacts/import'] button[type=submit]")
        .await;
    let _ = std::fs::remove_file(&file);
    sent?;
    ensure(
        ctx.text("main [role=status]").await? == "Contacts imported.",
        "imported",
    )?;
    ensure(
        ctx.text("#contacts").await?.contains("Alan Turing"),
        "listed",
    )?;
    // The export, as the API gives it, holds both.
    let vcf = ctx
        .w
        .srv
        .get(
            &format!("/api/v1/users/{}/contacts.vcf", t.user_id),
            &t.admin_token,
        )
        .await;
    ensure(
        vcf.text.contains("FN:Alan Turing") && vcf.text.contains("FN:Grace B. Hopper"),
        format!("export: {}", vcf.text),
    )?;
    // French.
    let ulf = format!("/api/v1/users/{}", t.user_id);
    let before = api(ctx, &ulf).await?;
    let r = ctx
        .w
        .srv
        .patch(&ulf, &t.admin_token, json!({"language": "fr"}))
        .await;
    ensure(r.status == 200, format!("French: {}", r.text))?;
    ctx.open(PAGE).await?;
    ensure(
        ctx.text("#ct-dir-h").await? == "Annuaire",
        "the page in French",
    )?;
    ensure(
        ctx.text("#favourites").await?.contains("Ne pas déranger"),
        "presence in French",
    )?;
    ctx.axe().await?;
    let r = ctx
        .w
        .srv
        .patch(
            &ulf,
            &t.admin_token,
            json!({"language": before["language"]}),
        )
        .await;
    ensure(r.status == 200, format!("language back: {}", r.text))?;
    // Everything deleted from the page, the favourite and presence put back.
    for k in contacts(ctx).await? {
        let id = k["id"].as_str().unwrap_or_default();
        ctx.open(PAGE).await?;
        ctx.click(&format!("form[action='/my/contacts/{id}/delete'] button"))
            .await?;
    }
    ensure(contacts(ctx).await?.is_empty(), "all deleted")?;
    put(
        ctx,
        &format!("/api/v1/users/{}/favourites", t.user_id),
        json!({"user_ids": []}),
    )
    .await?;
    put(ctx, &presence, json!({"status": "available"})).await?;
    ctx.sign_out().await
}
