//! The company profile in the browser, checked through the REST API.

use super::{Ctx, R, ensure};
use crate::kit::*;

pub async fn a_company_admin_names_the_assistant_and_stores_provider_credentials(ctx: &Ctx) -> R {
    let t1 = &ctx.w.t1;
    ctx.sign_in("adaone", PW, None).await?;
    ctx.open("/admin/company-profile").await?;
    let here = ctx.path().await?;
    ensure(
        here == format!("/admin/companies/{}/profile", t1.company_id),
        format!("landed on {here}"),
    )?;
    ctx.fill("#cp-assistant-name", "Front Desk").await?;
    ctx.fill("#cp-assistant-email", "desk@one.example.com")
        .await?;
    ctx.click("form[action$='/profile/assistant'] button[type=submit]")
        .await?;
    ctx.axe().await?;
    let notice = ctx.text("[role=status]").await?;
    ensure(notice == "Saved.", format!("notice: {notice}"))?;
    // A wrong phone number is refused with the field named, and nothing else changes.
    ctx.fill("#cp-admin-phone", "call me").await?;
    ctx.click("form[action$='/profile/assistant'] button[type=submit]")
        .await?;
    ctx.axe().await?;
    let alert = ctx.text("[role=alert]").await?;
    ensure(
        alert.contains("admin_phone") || alert.contains("phone"),
        format!("alert: {alert}"),
    )?;
    ctx.fill("#cp-provider-user", "acme-sip").await?;
    ctx.fill("#cp-provider-password", "Provider-Secret-1")
        .await?;
    ctx.click("form[action$='/profile/credentials'] button[type=submit]")
        .await?;
    ctx.axe().await?;
    let state = ctx.text("#cp-provider-state").await?;
    ensure(state == "Set", format!("provider credentials: {state}"))?;
    let page = ctx.c.source().await?;
    ensure(
        !page.contains("Provider-Secret-1"),
        "the password came back on the page",
    )?;
    let api = ctx
        .w
        .srv
        .get(
            &format!("/api/v1/companies/{}/profile", t1.company_id),
            &t1.admin_token,
        )
        .await;
    ensure(
        api.body["assistant_name"] == "Front Desk"
            && api.body["assistant_email"] == "desk@one.example.com"
            && api.body["admin_phone"].is_null()
            && api.body["provider_credentials_set"] == true
            && api.body["pbx_credentials_set"] == false,
        format!("through the API: {}", api.text),
    )?;
    // The bill: a wrong password shows no bill; the right one shows it, with the API's total.
    ctx.open(&format!("/admin/companies/{}/bill", t1.company_id))
        .await?;
    ctx.fill("#bill-password", "not the password").await?;
    ctx.click("form[action$='/bill'] button[type=submit]")
        .await?;
    ctx.axe().await?;
    ensure(
        ctx.c
            .find(fantoccini::Locator::Css("#bill-total"))
            .await
            .is_err(),
        "a wrong password showed the bill",
    )?;
    ctx.fill("#bill-password", PW).await?;
    ctx.click("form[action$='/bill'] button[type=submit]")
        .await?;
    ctx.axe().await?;
    let total = ctx.text("#bill-total").await?;
    let elevated = ctx.w.srv.elevate(&t1.admin_token).await;
    let bill = ctx
        .w
        .srv
        .get(
            &format!("/api/v1/companies/{}/bill", t1.company_id),
            &elevated,
        )
        .await;
    let cents = bill.body["total_cents"].as_i64().unwrap_or(-1);
    ensure(
        total == format!("{}.{:02}", cents / 100, cents % 100),
        format!("page total {total}, API {}", bill.text),
    )?;
    ctx.sign_out().await
}

pub async fn the_company_audit_shows_a_change_made_in_the_portal_newest_first_and_filters_it(
    ctx: &Ctx,
) -> R {
    let t1 = &ctx.w.t1;
    ctx.sign_in("adaone", PW, None).await?;
    // A change made in the browser (the assistant's name), then the audit reached from the menu.
    ctx.open("/admin/company-profile").await?;
    ctx.fill("#cp-assistant-name", "Audit Desk").await?;
    ctx.click("form[action$='/profile/assistant'] button[type=submit]")
        .await?;
    ctx.click("nav a[href='/admin/company-audit']").await?;
    let here = ctx.path().await?;
    ensure(
        here == format!("/admin/companies/{}/audit", t1.company_id),
        format!("landed on {here}"),
    )?;
    ctx.axe().await?;
    let newest = ctx.text("#audit tbody tr:first-child").await?;
    ensure(
        newest.contains("Audit Desk") && newest.contains("adaone"),
        format!("the newest record first: {newest}"),
    )?;
    // Narrowed to sign-ins: the change is gone, Ada's sign-in stays.
    ctx.c
        .find(fantoccini::Locator::Css("#kind"))
        .await?
        .select_by_value("login_succeeded")
        .await?;
    ctx.click("form.filters button[type=submit]").await?;
    ctx.axe().await?;
    let rows = ctx.text("#audit tbody").await?;
    ensure(
        !rows.contains("Audit Desk") && rows.contains("adaone"),
        format!("sign-ins only: {rows}"),
    )?;
    // The same records through the API, newest first.
    let api = ctx
        .w
        .srv
        .get(
            &format!(
                "/api/v1/companies/{}/audit?kind=login_succeeded&order=newest",
                t1.company_id
            ),
            &t1.admin_token,
        )
        .await;
    let first = &api.body["items"][0];
    ensure(
        api.status == 200 && first["kind"] == "login_succeeded",
        format!("through the API: {}", api.text),
    )?;
    ctx.sign_out().await
}

pub async fn a_company_admin_offers_a_package_as_default_and_names_the_emergency_recipients(
    ctx: &Ctx,
) -> R {
    let t1 = &ctx.w.t1;
    let srv = &ctx.w.srv;
    // A package the reseller defined and the company does not offer yet.
    let r = srv
        .post(
            "/api/v1/packages",
            &t1.reseller_token,
            serde_json::json!({"name": "Silver Browser", "features": ["user_portal"], "monthly_price_cents": 900}),
        )
        .await;
    ensure(r.status == 201, format!("package: {}", r.text))?;
    let silver = r.body["id"].as_str().unwrap_or_default().to_owned();
    ctx.sign_in("adaone", PW, None).await?;
    ctx.open("/admin/company-profile").await?;
    ctx.click(&format!("#offer-{silver}")).await?;
    ctx.click(&format!("#default-{silver}")).await?;
    ctx.click("form[action$='/profile/packages'] button[type=submit]")
        .await?;
    ctx.axe().await?;
    let notice = ctx.text("[role=status]").await?;
    ensure(notice == "Saved.", format!("notice: {notice}"))?;
    let co = srv
        .get(
            &format!("/api/v1/companies/{}", t1.company_id),
            &t1.admin_token,
        )
        .await;
    let offered = co.body["offered_packages"].to_string();
    ensure(
        offered.contains(&silver)
            && offered.contains(&t1.package_id)
            && co.body["default_package_id"] == silver.as_str(),
        format!("through the API: {}", co.text),
    )?;
    // Emergency recipients, one per line; a wrong address is refused and changes nothing.
    ctx.fill(
        "#cp-recipients",
        "desk@one.example.com\nnight@one.example.com",
    )
    .await?;
    ctx.click("form[action$='/profile/emergency'] button[type=submit]")
        .await?;
    let path = format!("/api/v1/companies/{}/emergency", t1.company_id);
    let saved = srv.get(&path, &t1.admin_token).await;
    ensure(
        saved.body["recipients"]
            == serde_json::json!(["desk@one.example.com", "night@one.example.com"]),
        format!("recipients: {}", saved.text),
    )?;
    ctx.fill("#cp-recipients", "not an address").await?;
    ctx.click("form[action$='/profile/emergency'] button[type=submit]")
        .await?;
    ctx.axe().await?;
    let alert = ctx.text("[role=alert]").await?;
    ensure(!alert.is_empty(), "the refusal is shown")?;
    let kept = srv.get(&path, &t1.admin_token).await;
    ensure(
        kept.body == saved.body,
        format!("nothing changed: {}", kept.text),
    )?;
    ctx.sign_out().await
}
