//! The provider's and the reseller's pages in the browser: each workflow done on the page,
//! then checked on the page and through the REST API.

use super::{Ctx, R, ensure};
use crate::kit::*;
use fantoccini::Locator;
use fantoccini::key::Key;
use serde_json::json;

/// The page's notice; when there is none, the alert or the page shown instead, to say why.
async fn info(ctx: &Ctx) -> R<String> {
    match ctx.text("[role=status]").await {
        Ok(t) => Ok(t),
        Err(_) => {
            let alert = ctx.text("[role=alert]").await.unwrap_or_default();
            let path = ctx.path().await?;
            Err(format!("no notice on {path}; alert: {alert}").into())
        }
    }
}

async fn rows(ctx: &Ctx, css: &str) -> R<usize> {
    Ok(ctx.c.find_all(Locator::Css(css)).await?.len())
}

async fn select(ctx: &Ctx, css: &str, value: &str) -> R {
    ctx.c
        .find(Locator::Css(css))
        .await?
        .select_by_value(value)
        .await?;
    Ok(())
}

async fn tick(ctx: &Ctx, css: &str, on: bool) -> R {
    let el = ctx.c.find(Locator::Css(css)).await?;
    if el.is_selected().await? != on {
        el.click().await?;
    }
    Ok(())
}

/// The id at the end of the page's path (`/admin/customers/{id}`).
async fn id_in_path(ctx: &Ctx) -> R<String> {
    let path = ctx.path().await?;
    let path = path.split('?').next().unwrap_or_default();
    Ok(path.rsplit('/').next().unwrap_or_default().to_owned())
}

pub async fn a_reseller_creates_a_customer_and_sets_its_keys_packages_and_barring(ctx: &Ctx) -> R {
    let t1 = &ctx.w.t1;
    ctx.sign_in("ritaone", PW, None).await?;
    ctx.click("header a[href='/admin/customers']").await?;
    let list = ctx.text("#customers").await?;
    ensure(
        list.contains("Company one") && !list.contains("Company two"),
        format!("a reseller's customers only: {list}"),
    )?;
    ctx.fill("#customer-name", "Bistro Lumière").await?;
    ctx.fill("#customer-country", "fr").await?;
    ctx.fill("#customer-tz", "Europe/Paris").await?;
    select(ctx, "#customer-first", "fr").await?;
    select(ctx, "#customer-second", "en").await?;
    ctx.fill("#customer-users", "5").await?;
    ctx.fill("#customer-lines", "7").await?;
    ctx.click("#new-customer-form button").await?;
    ensure(
        info(ctx).await?.contains("customer was created"),
        "created notice",
    )?;
    ensure(
        ctx.text("h1").await? == "Bistro Lumière",
        "the customer's page",
    )?;
    let id = id_in_path(ctx).await?;
    let api = format!("/api/v1/companies/{id}");
    let co = ctx.w.srv.get(&api, &t1.reseller_token).await;
    ensure(
        co.status == 200
            && co.body["country"] == json!("FR")
            && co.body["first_language"] == json!("fr")
            && co.body["second_language"] == json!("en")
            && co.body["max_users"] == json!(5)
            && co.body["reseller_id"] == json!(t1.reseller_id),
        format!("created through the use case: {}", co.text),
    )?;
    let users = ctx
        .c
        .find(Locator::Css("#manage-users"))
        .await?
        .attr("href")
        .await?;
    ensure(
        users.as_deref() == Some(&format!("/admin/companies/{id}/users")),
        format!("the Users link: {users:?}"),
    )?;

    // "Manage customer": the customer's company pages, as the company administrator sees them.
    ctx.click("#manage-company").await?;
    ensure(
        ctx.path().await? == format!("/admin/companies/{id}"),
        "the company's pages open",
    )?;
    ensure(ctx.text("h1").await? != "Not found", "and exist")?;
    ctx.open(&format!("/admin/customers/{id}")).await?;

    // Subscription keys: users and lines allowed, with those in use.
    ensure(ctx.text("#users-count").await? == "0", "no user yet")?;
    ctx.fill("#max-users", "12").await?;
    ctx.fill("#max-lines", "15").await?;
    ctx.click("form[action$='/subscription'] button").await?;
    ensure(
        info(ctx).await?.contains("subscription keys were saved"),
        "keys notice",
    )?;
    let co = ctx.w.srv.get(&api, &t1.reseller_token).await;
    ensure(
        co.body["max_users"] == json!(12) && co.body["max_lines"] == json!(15),
        format!("keys: {}", co.text),
    )?;

    // Packages offered: only the reseller's own, and it is the default.
    for offered in ctx.c.find_all(Locator::Css("input[name=offer]")).await? {
        let mine = offered.attr("value").await?.as_deref() == Some(t1.package_id.as_str());
        if offered.is_selected().await? != mine {
            offered.click().await?;
        }
    }
    tick(ctx, &format!("#default-{}", t1.package_id), true).await?;
    ctx.click("form[action$='/packages'] button").await?;
    ensure(
        info(ctx).await?.contains("packages offered were saved"),
        "packages notice",
    )?;
    let co = ctx.w.srv.get(&api, &t1.reseller_token).await;
    ensure(
        co.body["offered_packages"] == json!([t1.package_id])
            && co.body["default_package_id"] == json!(t1.package_id),
        format!("offered: {}", co.text),
    )?;

    // Call restrictions: international calls barred too.
    tick(ctx, "#bar-international", true).await?;
    ctx.click("form[action$='/barring'] button").await?;
    let bars = ctx
        .w
        .srv
        .get(&format!("{api}/call-barring"), &t1.reseller_token)
        .await;
    ensure(
        bars.body["barred"]["international"] == json!(true),
        format!("barring: {}", bars.text),
    )?;

    // A refused form says why, in the person's language, and keeps what was typed.
    ctx.open("/admin/customers").await?;
    ctx.click("button[name=lang][value=fr]").await?;
    ctx.fill("#customer-name", "Sans fuseau").await?;
    ctx.fill("#customer-country", "FR").await?;
    ctx.fill("#customer-tz", "Mars/Olympus").await?;
    ctx.click("#new-customer-form button").await?;
    let alert = ctx.text("[role=alert]").await?;
    ensure(
        alert.contains("fuseau horaire est inconnu"),
        format!("alert: {alert}"),
    )?;
    let kept = ctx
        .c
        .find(Locator::Css("#customer-name"))
        .await?
        .prop("value")
        .await?;
    ensure(kept.as_deref() == Some("Sans fuseau"), "the form is kept")?;
    ctx.click("button[name=lang][value=en]").await?;
    ctx.sign_out().await
}

pub async fn the_customer_list_searches_and_pages(ctx: &Ctx) -> R {
    let t1 = &ctx.w.t1;
    for i in 0..27 {
        let r = ctx
            .w
            .srv
            .post(
                "/api/v1/companies",
                &t1.reseller_token,
                json!({"name": format!("Paging {i:02}"), "country": "US", "time_zone": "UTC",
                    "first_language": "en", "max_users": 1, "max_lines": 1}),
            )
            .await;
        ensure(r.status == 201, format!("seed: {}", r.text))?;
    }
    ctx.sign_in("ritaone", PW, None).await?;
    ctx.open("/admin/customers").await?;
    // Keyboard only: type the search and press Enter.
    let q = ctx.c.find(Locator::Css("#q")).await?;
    q.send_keys(&format!("PAGING{}", char::from(Key::Enter)))
        .await?;
    let started = std::time::Instant::now();
    while !ctx.path().await?.contains("q=PAGING") && started.elapsed().as_secs() < 5 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    ctx.axe().await?;
    ensure(
        rows(ctx, "#customers tbody tr").await? == 25,
        "a page of 25",
    )?;
    ctx.click("#next-page").await?;
    ensure(rows(ctx, "#customers tbody tr").await? == 2, "the rest")?;
    ensure(
        ctx.path().await?.contains("q=PAGING"),
        "the search goes on to the next page",
    )?;
    ctx.open("/admin/customers?q=zzz-nobody").await?;
    ensure(
        !ctx.text("#no-customers").await?.is_empty(),
        "nothing found",
    )?;
    ctx.open("/admin/customers?q=company").await?;
    let list = ctx.text("#customers").await?;
    ensure(
        list.contains("Company one") && !list.contains("Company two"),
        format!("search stays in the reseller: {list}"),
    )?;
    ctx.sign_out().await
}

pub async fn a_reseller_sees_no_provider_page_and_no_other_resellers_customer(ctx: &Ctx) -> R {
    ctx.sign_in("ritaone", PW, None).await?;
    let nav = ctx.text("header nav").await?;
    ensure(
        nav.contains("Customers") && !nav.contains("Resellers") && !nav.contains("Trunks"),
        format!("reseller nav: {nav}"),
    )?;
    for page in [
        "/admin/resellers".to_owned(),
        "/admin/trunks".to_owned(),
        "/admin/system-admins".to_owned(),
        "/admin/health".to_owned(),
        format!("/admin/customers/{}", ctx.w.t2.company_id),
        format!("/admin/packages/{}", ctx.w.t2.package_id),
    ] {
        ctx.open(&page).await?;
        let h1 = ctx.text("h1").await?;
        ensure(h1 == "Not found", format!("{page}: {h1}"))?;
    }
    ctx.sign_out().await?;
    ctx.sign_in("adaone", PW, None).await?;
    ensure(
        !ctx.text("header nav").await?.contains("Customers"),
        "no customers for a company administrator",
    )?;
    ctx.open(&format!("/admin/customers/{}", ctx.w.t1.company_id))
        .await?;
    ensure(ctx.text("h1").await? == "Not found", "company admin: 404")?;
    ctx.sign_out().await
}

pub async fn the_provider_manages_resellers_and_their_administrators(ctx: &Ctx) -> R {
    let sys = &ctx.w.sys;
    ctx.sign_in("admin", ADMIN_PW, None).await?;
    ctx.click("header a[href='/admin/resellers']").await?;
    ctx.fill("#reseller-name", "Reseller three").await?;
    ctx.click("form[action='/admin/resellers'] button").await?;
    ensure(info(ctx).await?.contains("reseller was created"), "created")?;
    let id = id_in_path(ctx).await?;
    ctx.fill("#reseller-name", "Reseller 3").await?;
    ctx.click(&format!("form[action='/admin/resellers/{id}'] button"))
        .await?;
    ensure(ctx.text("h1").await? == "Reseller 3", "renamed")?;
    let r = ctx.w.srv.get(&format!("/api/v1/resellers/{id}"), sys).await;
    ensure(
        r.body["name"] == json!("Reseller 3"),
        format!("api: {}", r.text),
    )?;
    ctx.fill("#admin-name", "Rita Three").await?;
    ctx.fill("#admin-username", "ritathree").await?;
    ctx.fill("#admin-email", "rita3@example.com").await?;
    ctx.fill("#admin-password", PW).await?;
    ctx.click("form[action$='/admins'] button").await?;
    ensure(
        ctx.text("main table").await?.contains("ritathree"),
        "the new administrator is listed",
    )?;
    let admins = ctx
        .w
        .srv
        .get(&format!("/api/v1/resellers/{id}/admins"), sys)
        .await;
    ensure(
        admins.body["items"][0]["username"] == json!("ritathree"),
        format!("api: {}", admins.text),
    )?;
    let token = ctx.w.srv.login("ritathree", PW).await;
    let me = ctx.w.srv.get("/api/v1/me", &token).await;
    ensure(
        me.body["role"] == json!("reseller_admin"),
        format!("signs in: {}", me.text),
    )?;
    // Disabled, the administrator can no longer sign in; enabled again, they can.
    ctx.click("button[name=action][value=disable]").await?;
    ensure(
        info(ctx).await?.contains("administrator was disabled"),
        "disabled",
    )?;
    ensure(
        ctx.text("main table").await?.contains("Disabled"),
        "shown disabled",
    )?;
    let refused = ctx.w.srv.login_resp("ritathree", PW).await;
    ensure(
        refused.status != 200,
        format!("a disabled administrator signs in: {}", refused.text),
    )?;
    let old = ctx.w.srv.get("/api/v1/me", &token).await;
    ensure(old.status == 401, "their session ended")?;
    ctx.click("button[name=action][value=enable]").await?;
    ensure(
        info(ctx).await?.contains("administrator was enabled"),
        "enabled",
    )?;
    let again = ctx.w.srv.login_resp("ritathree", PW).await;
    ensure(
        again.status == 200,
        format!("signs in again: {}", again.text),
    )?;
    // Reseller one has customers: deleting it is refused, with the reason.
    ctx.open(&format!("/admin/resellers/{}", ctx.w.t1.reseller_id))
        .await?;
    ctx.click("form[action$='/delete'] button").await?;
    ensure(
        ctx.text("[role=alert]")
            .await?
            .contains("still has customers"),
        "refused while it has customers",
    )?;
    ctx.open(&format!("/admin/resellers/{id}")).await?;
    ctx.click("form[action$='/delete'] button").await?;
    ensure(info(ctx).await?.contains("was deleted"), "deleted")?;
    let gone = ctx.w.srv.get(&format!("/api/v1/resellers/{id}"), sys).await;
    ensure(gone.status == 404, format!("api: {}", gone.status))?;
    ctx.sign_out().await
}

pub async fn the_provider_defines_changes_and_deletes_a_package(ctx: &Ctx) -> R {
    let sys = &ctx.w.sys;
    ctx.sign_in("admin", ADMIN_PW, None).await?;
    ctx.click("header a[href='/admin/packages']").await?;
    ctx.fill("#package-name", "Silver").await?;
    tick(ctx, "#feature-voicemail", true).await?;
    tick(ctx, "#feature-fax", true).await?;
    ctx.fill("#package-price", "12.50").await?;
    ctx.click("form[action='/admin/packages'] button").await?;
    ensure(info(ctx).await?.contains("package was created"), "created")?;
    let all = ctx.w.srv.get("/api/v1/packages", sys).await;
    let silver = all.body["items"]
        .as_array()
        .and_then(|l| l.iter().find(|p| p["name"] == json!("Silver")).cloned())
        .ok_or("Silver is not in the API")?;
    ensure(
        silver["monthly_price_cents"] == json!(1250)
            && silver["features"].as_array().map(Vec::len) == Some(2)
            && silver["features"]
                .as_array()
                .is_some_and(|f| f.contains(&json!("fax")) && f.contains(&json!("voicemail")))
            && silver["reseller_id"].is_null(),
        format!("api: {silver}"),
    )?;
    let id = silver["id"].as_str().unwrap_or_default().to_owned();
    ctx.click(&format!("a[href='/admin/packages/{id}']"))
        .await?;
    ctx.fill("#package-name", "Silver plus").await?;
    tick(ctx, "#feature-fax", false).await?;
    ctx.fill("#package-price", "13").await?;
    ctx.click(&format!("form[action='/admin/packages/{id}'] button"))
        .await?;
    ensure(info(ctx).await?.contains("package was saved"), "saved")?;
    let p = ctx.w.srv.get(&format!("/api/v1/packages/{id}"), sys).await;
    ensure(
        p.body["name"] == json!("Silver plus")
            && p.body["monthly_price_cents"] == json!(1300)
            && p.body["features"] == json!(["voicemail"]),
        format!("api: {}", p.text),
    )?;
    ctx.click("form[action$='/delete'] button").await?;
    ensure(info(ctx).await?.contains("was deleted"), "deleted")?;
    let gone = ctx.w.srv.get(&format!("/api/v1/packages/{id}"), sys).await;
    ensure(gone.status == 404, "gone from the API")?;
    ctx.sign_out().await
}

pub async fn the_provider_manages_trunks_and_never_sees_their_secrets(ctx: &Ctx) -> R {
    const SECRET: &str = "Carrier-Secret-93";
    const KEY: &str = "inbound-key-0123456789";
    let sys = &ctx.w.sys;
    ctx.sign_in("admin", ADMIN_PW, None).await?;
    ctx.click("header a[href='/admin/trunks']").await?;
    ctx.fill("#trunk-name", "Emergency carrier").await?;
    ctx.fill("#trunk-address", "192.0.2.200:5060").await?;
    ctx.fill("#trunk-username", "switchboard").await?;
    ctx.fill("#trunk-password", SECRET).await?;
    tick(ctx, "#trunk-emergency", true).await?;
    select(ctx, "#trunk-inbound", "secret").await?;
    ctx.fill("#trunk-key", KEY).await?;
    ctx.fill("#trunk-max", "30").await?;
    ctx.click("form[action='/admin/trunks'] button").await?;
    ensure(info(ctx).await?.contains("trunk was added"), "added")?;
    let html = ctx.c.source().await?;
    ensure(
        !html.contains(SECRET) && !html.contains(KEY),
        "no secret on the list",
    )?;
    let list = ctx.w.srv.get("/api/v1/trunks", sys).await;
    let trunk = list.body["items"]
        .as_array()
        .and_then(|l| {
            l.iter()
                .find(|t| t["name"] == json!("Emergency carrier"))
                .cloned()
        })
        .ok_or("the trunk is not in the API")?;
    ensure(
        trunk["emergency"] == json!(true)
            && trunk["has_password"] == json!(true)
            && trunk["inbound"] == json!("secret")
            && trunk["max_calls"] == json!(30),
        format!("api: {trunk}"),
    )?;
    let id = trunk["id"].as_str().unwrap_or_default().to_owned();
    ctx.click(&format!("a[href='/admin/trunks/{id}']")).await?;
    let html = ctx.c.source().await?;
    ensure(
        !html.contains(SECRET) && !html.contains(KEY),
        "no secret on the edit page",
    )?;
    // The password field left empty keeps the stored password.
    ctx.fill("#trunk-max", "20").await?;
    ctx.click(&format!("form[action='/admin/trunks/{id}'] button"))
        .await?;
    ensure(info(ctx).await?.contains("trunk was saved"), "saved")?;
    let t = ctx.w.srv.get(&format!("/api/v1/trunks/{id}"), sys).await;
    ensure(
        t.body["max_calls"] == json!(20)
            && t.body["has_password"] == json!(true)
            && t.body["has_inbound_secret"] == json!(true),
        format!("api: {}", t.text),
    )?;
    ctx.click("form[action$='/delete'] button").await?;
    ensure(info(ctx).await?.contains("was deleted"), "deleted")?;
    let gone = ctx.w.srv.get(&format!("/api/v1/trunks/{id}"), sys).await;
    ensure(gone.status == 404, "gone from the API")?;
    ctx.sign_out().await
}

pub async fn the_provider_creates_another_system_administrator_who_can_sign_in(ctx: &Ctx) -> R {
    let sys = &ctx.w.sys;
    ctx.sign_in("admin", ADMIN_PW, None).await?;
    ctx.click("header a[href='/admin/system-admins']").await?;
    ctx.fill("#admin-name", "Night operator").await?;
    ctx.fill("#admin-username", "nightop1").await?;
    ctx.fill("#admin-password", PW).await?;
    ctx.click("form[action='/admin/system-admins'] button")
        .await?;
    ensure(
        info(ctx).await?.contains("administrator was created"),
        "created",
    )?;
    ensure(ctx.text("main table").await?.contains("nightop1"), "listed")?;
    let list = ctx.w.srv.get("/api/v1/system-admins", sys).await;
    ensure(
        list.body["items"].as_array().map(Vec::len) == Some(2),
        format!("api: {}", list.text),
    )?;
    // The installation's two-factor policy, on and off again (later scenarios sign in).
    tick(ctx, "#required", true).await?;
    ctx.click("form[action='/admin/two-factor-policy'] button")
        .await?;
    let p = ctx.w.srv.get("/api/v1/two-factor-policy", sys).await;
    ensure(p.body["required"] == json!(true), format!("on: {}", p.text))?;
    tick(ctx, "#required", false).await?;
    ctx.click("form[action='/admin/two-factor-policy'] button")
        .await?;
    let p = ctx.w.srv.get("/api/v1/two-factor-policy", sys).await;
    ensure(
        p.body["required"] == json!(false),
        format!("off: {}", p.text),
    )?;
    ctx.sign_out().await?;
    ctx.sign_in("nightop1", PW, None).await?;
    ensure(ctx.path().await? == "/admin", "the new one lands on /admin")?;
    ensure(
        ctx.text("h1").await? == "System administrator",
        "as a system administrator",
    )?;
    ctx.sign_out().await
}

pub async fn the_health_page_shows_the_figures_of_metrics(ctx: &Ctx) -> R {
    ctx.sign_in("admin", ADMIN_PW, None).await?;
    ctx.click("header a[href='/admin/health']").await?;
    let metrics = ctx.w.srv.metrics().await;
    let value = |name: &str| {
        metrics
            .lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .and_then(|l| l.split(' ').nth(1))
            .unwrap_or_default()
            .to_owned()
    };
    for (css, metric) in [
        ("#outbox", "switchboard_mail_outbox_depth"),
        ("#registrations", "switchboard_sip_registrations"),
        ("#calls", "switchboard_active_calls"),
    ] {
        let shown = ctx.text(css).await?;
        let want = value(metric);
        ensure(
            !want.is_empty() && shown.starts_with(&want),
            format!("{css}: {shown} vs {metric} {want}"),
        )?;
    }
    ensure(ctx.text("#database").await? == "OK", "database OK")?;
    ctx.sign_out().await
}

pub async fn a_reseller_defines_its_own_package_and_offers_it_to_a_customer(ctx: &Ctx) -> R {
    let (t1, t2) = (&ctx.w.t1, &ctx.w.t2);
    ctx.sign_in("ritaone", PW, None).await?;
    ctx.click("header a[href='/admin/packages']").await?;
    ensure(
        rows(ctx, "main table a[href^='/admin/packages/']").await? == 1,
        "only the reseller's own package can be changed",
    )?;
    ctx.fill("#package-name", "Bronze one").await?;
    tick(ctx, "#feature-voicemail", true).await?;
    tick(ctx, "#feature-user_portal", true).await?;
    ctx.fill("#package-price", "5").await?;
    ctx.click("form[action='/admin/packages'] button").await?;
    ensure(info(ctx).await?.contains("package was created"), "created")?;
    let mine = ctx.w.srv.get("/api/v1/packages", &t1.reseller_token).await;
    let bronze = mine.body["items"]
        .as_array()
        .and_then(|l| l.iter().find(|p| p["name"] == json!("Bronze one")).cloned())
        .ok_or("Bronze is not in the API")?;
    ensure(
        bronze["reseller_id"] == json!(t1.reseller_id)
            && bronze["monthly_price_cents"] == json!(500),
        format!("the reseller's own: {bronze}"),
    )?;
    let theirs = ctx.w.srv.get("/api/v1/packages", &t2.reseller_token).await;
    ensure(
        !theirs.text.contains("Bronze one"),
        "another reseller does not see it",
    )?;
    let id = bronze["id"].as_str().unwrap_or_default().to_owned();
    ctx.open(&format!("/admin/customers/{}", t1.company_id))
        .await?;
    tick(ctx, &format!("#offer-{id}"), true).await?;
    ctx.click("form[action$='/packages'] button").await?;
    ensure(
        info(ctx).await?.contains("packages offered were saved"),
        "offered",
    )?;
    let co = ctx
        .w
        .srv
        .get(
            &format!("/api/v1/companies/{}", t1.company_id),
            &t1.reseller_token,
        )
        .await;
    ensure(
        co.body["offered_packages"]
            .as_array()
            .is_some_and(|l| l.contains(&json!(id)) && l.len() > 1),
        format!("offered to the customer: {}", co.text),
    )?;
    ctx.sign_out().await
}

pub async fn the_provider_audit_shows_who_created_what_within_each_providers_reach(ctx: &Ctx) -> R {
    ctx.sign_in("admin", ADMIN_PW, None).await?;
    ctx.click("header a[href='/admin/audit']").await?;
    select(ctx, "#kind", "created").await?;
    ctx.click("form[action='/admin/audit'] button").await?;
    let table = ctx.text("#audit").await?;
    ensure(
        table.contains("Reseller one") && table.contains("Company two"),
        format!("the installation's creations: {table}"),
    )?;
    ensure(
        !table.contains("Signed in"),
        "only the kind asked for is listed",
    )?;
    ctx.sign_out().await?;
    ctx.sign_in("ritaone", PW, None).await?;
    ctx.click("header a[href='/admin/audit']").await?;
    let table = ctx.text("#audit").await?;
    ensure(
        table.contains("Company one") && !table.contains("Company two"),
        format!("a reseller's own records: {table}"),
    )?;
    ctx.sign_out().await
}

pub async fn a_reseller_deletes_a_customer_only_after_confirming_the_consequence(ctx: &Ctx) -> R {
    let t1 = &ctx.w.t1;
    let made = ctx
        .w
        .srv
        .post(
            "/api/v1/companies",
            &t1.reseller_token,
            json!({"name": "Short lived", "country": "US", "time_zone": "UTC",
                "first_language": "en", "max_users": 1, "max_lines": 1}),
        )
        .await;
    ensure(made.status == 201, format!("seed: {}", made.text))?;
    let id = made.id();
    ctx.sign_in("ritaone", PW, None).await?;
    ctx.open(&format!("/admin/customers/{id}")).await?;
    ensure(
        ctx.text("#delete-consequence")
            .await?
            .contains("deletes its users, lines, numbers"),
        "the consequence is stated before deleting",
    )?;
    // The box is required: the browser does not send the form without it.
    ctx.click("form[action$='/delete'] button").await?;
    let api = format!("/api/v1/companies/{id}");
    let still = ctx.w.srv.get(&api, &t1.reseller_token).await;
    ensure(still.status == 200, "not deleted without the box")?;
    tick(ctx, "#confirm-delete", true).await?;
    ctx.click("form[action$='/delete'] button").await?;
    ensure(info(ctx).await?.contains("customer was deleted"), "deleted")?;
    ensure(
        ctx.path().await?.starts_with("/admin/customers?"),
        "back to the list",
    )?;
    let gone = ctx.w.srv.get(&api, &t1.reseller_token).await;
    ensure(gone.status == 404, format!("api: {}", gone.status))?;
    ctx.open("/admin/audit?kind=deleted").await?;
    ensure(
        ctx.text("#audit").await?.contains("Short lived"),
        "the deletion stays in the reseller's audit",
    )?;
    ctx.sign_out().await
}
