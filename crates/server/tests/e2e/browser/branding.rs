//! Branding in the browser: a reseller names its product and picks its colour for its
//! customers, a company administrator adds the company's own logo, and both show on the pages
//! at once; checked through the REST API and in the page's computed styles.

use super::{Ctx, R, ensure};
use crate::kit::*;
use fantoccini::Locator;

/// Sets a colour picker's value (a native dialog the WebDriver cannot drive).
async fn pick(ctx: &Ctx, css: &str, colour: &str) -> R {
    let el = ctx.c.find(Locator::Css(css)).await?;
    let script = "arguments[0].value = arguments[1];";
    let el = serde_json::to_value(el)?;
    ctx.c.execute(script, vec![el, colour.into()]).await?;
    Ok(())
}

async fn header_background(ctx: &Ctx) -> R<String> {
    let v = ctx
        .c
        .execute(
            "return getComputedStyle(document.querySelector('header')).backgroundColor",
            vec![],
        )
        .await?;
    Ok(v.as_str().unwrap_or_default().to_owned())
}

pub async fn a_reseller_brands_its_customers_and_a_company_admin_adds_its_own_logo(ctx: &Ctx) -> R {
    let t1 = &ctx.w.t1;
    ctx.sign_in("ritaone", PW, None).await?;
    ctx.click("header nav a[href='/admin/branding']").await?;
    let here = ctx.path().await?;
    ensure(
        here == format!("/admin/resellers/{}/branding", t1.reseller_id),
        format!("landed on {here}"),
    )?;
    ctx.fill("#br-name", "Rita Voice").await?;
    ctx.c.find(Locator::Css("#br-own")).await?.click().await?;
    pick(ctx, "#br-primary", "#0b6e4f").await?;
    pick(ctx, "#br-accent", "#ffd700").await?;
    ctx.click("form[aria-labelledby=look] button[type=submit]")
        .await?;
    let notice = ctx.text("[role=status]").await?;
    ensure(notice == "Saved.", format!("notice: {notice}"))?;
    let brand = ctx.text("header .brand").await?;
    ensure(brand == "Rita Voice", format!("header: {brand}"))?;
    let bg = header_background(ctx).await?;
    ensure(bg == "rgb(11, 110, 79)", format!("header colour: {bg}"))?;
    let api = ctx
        .w
        .srv
        .get(
            &format!("/api/v1/resellers/{}/branding", t1.reseller_id),
            &t1.reseller_token,
        )
        .await;
    ensure(
        api.body["product_name"] == "Rita Voice" && api.body["accent_colour"] == "#ffd700",
        format!("through the API: {}", api.text),
    )?;
    ctx.sign_out().await?;

    // The customer's administrator sees the reseller's branding, then adds a logo of its own.
    ctx.sign_in("adaone", PW, None).await?;
    let brand = ctx.text("header .brand").await?;
    let bg = header_background(ctx).await?;
    ensure(
        brand == "Rita Voice" && bg == "rgb(11, 110, 79)",
        format!("inherited: {brand} on {bg}"),
    )?;
    ctx.click("header nav a[href='/admin/branding']").await?;
    let dir = std::env::temp_dir();
    let bad = dir.join(format!("sb-not-a-logo-{}.png", std::process::id()));
    std::fs::write(&bad, b"<html><script>alert(1)</script></html>")?;
    let png = dir.join(format!("sb-logo-{}.png", std::process::id()));
    std::fs::write(&png, crate::branding::png_logo())?;
    for file in [&bad, &png] {
        ctx.c
            .find(Locator::Css("#br-file"))
            .await?
            .send_keys(&file.display().to_string())
            .await?;
        ctx.click("form[action$='/branding/logo'] button").await?;
        if file == &bad {
            let why = ctx.text("[role=alert]").await?;
            ensure(why.contains("Logo"), format!("refused: {why}"))?;
        }
    }
    let _ = std::fs::remove_file(&bad);
    let _ = std::fs::remove_file(&png);
    let loaded = ctx
        .c
        .execute(
            "const i = document.querySelector('header img.logo'); return i ? i.naturalWidth : 0",
            vec![],
        )
        .await?;
    ensure(loaded == 4, format!("the header's logo is shown: {loaded}"))?;
    let api = ctx
        .w
        .srv
        .get(
            &format!("/api/v1/companies/{}/branding", t1.company_id),
            &t1.admin_token,
        )
        .await;
    ensure(
        api.body["logo_type"] == "image/png" && api.body["product_name"].is_null(),
        format!("through the API: {}", api.text),
    )?;
    // Back to the reseller's look: the company's logo goes, the reseller's name stays.
    ctx.click("form[aria-labelledby=reset] button").await?;
    let gone = ctx.c.find(Locator::Css("header img.logo")).await.is_err();
    ensure(gone, "the logo is still shown after the reset")?;
    ctx.sign_out().await?;
    // The scenarios after this one see the default look again.
    let r = ctx
        .w
        .srv
        .delete(
            &format!("/api/v1/resellers/{}/branding", t1.reseller_id),
            &t1.reseller_token,
        )
        .await;
    ensure(r.status == 204, format!("reset: {}", r.text))
}
