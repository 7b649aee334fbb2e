//! Scheduled reports in the browser, checked through the REST API.

use super::{Ctx, R, ensure};
use crate::kit::*;
use fantoccini::Locator;

async fn choose(ctx: &Ctx, select: &str, value: &str) -> R {
    ctx.c
        .find(Locator::Css(select))
        .await?
        .select_by_value(value)
        .await?;
    Ok(())
}

pub async fn a_company_admin_schedules_a_weekly_number_usage_report_and_runs_it_now(
    ctx: &Ctx,
) -> R {
    let t1 = &ctx.w.t1;
    ctx.sign_in("adaone", PW, None).await?;
    // The navigation's "Reports" leads to the company's reports.
    ctx.click("nav a[href='/admin/reports']").await?;
    let list = format!("/admin/companies/{}/reports", t1.company_id);
    let here = ctx.path().await?;
    ensure(here == list, format!("landed on {here}"))?;
    ctx.fill("#rp-name", "Numbers every Wednesday").await?;
    choose(ctx, "#rp-kind", "number_usage").await?;
    choose(ctx, "#rp-frequency", "weekly").await?;
    choose(ctx, "#rp-weekday", "3").await?;
    // A time field's typing depends on the browser's locale; its value is what the form posts.
    ctx.c
        .execute("document.getElementById('rp-time').value = '07:45'", vec![])
        .await?;
    ctx.fill("#rp-recipients", "boss@example.com\ncfo@example.com")
        .await?;
    ctx.click("form[action$='/reports'] button[type=submit]")
        .await?;
    let notice = ctx.text("[role=status]").await?;
    ensure(notice == "Saved.", format!("notice: {notice}"))?;
    let next = ctx.text("#rp-next").await?;
    ensure(
        next.contains("07:45") && next.contains("America/New_York"),
        format!("next run: {next}"),
    )?;
    ctx.click("#rp-run-now").await?;
    let notice = ctx.text("[role=status]").await?;
    ensure(notice.contains("run"), format!("notice: {notice}"))?;
    let history = ctx.text("table[aria-labelledby=history] tbody").await?;
    ensure(
        history.contains("Run now") && history.contains("Sent"),
        format!("history: {history}"),
    )?;
    // Through the API: the schedule as set, and one manual run mailed to both.
    let api = ctx
        .w
        .srv
        .get(
            &format!("/api/v1/companies/{}/reports", t1.company_id),
            &t1.admin_token,
        )
        .await;
    let report = api.body["items"]
        .as_array()
        .and_then(|a| a.iter().find(|r| r["name"] == "Numbers every Wednesday"))
        .cloned()
        .ok_or_else(|| format!("not in the API: {}", api.text))?;
    ensure(
        report["kind"] == "number_usage"
            && report["frequency"] == "weekly"
            && report["weekday"] == 3
            && report["time"] == "07:45"
            && report["recipients"] == serde_json::json!(["boss@example.com", "cfo@example.com"]),
        format!("through the API: {report}"),
    )?;
    let id = report["id"].as_str().unwrap_or_default();
    let runs = ctx
        .w
        .srv
        .get(&format!("/api/v1/reports/{id}/runs"), &t1.admin_token)
        .await;
    let items = runs.body["items"].as_array().cloned().unwrap_or_default();
    // One row per number of the company (earlier scenarios may have added some).
    let numbers = ctx
        .w
        .srv
        .get(
            &format!("/api/v1/companies/{}/numbers?limit=500", t1.company_id),
            &t1.admin_token,
        )
        .await;
    let count = numbers.body["items"].as_array().map_or(0, Vec::len);
    ensure(
        items.len() == 1
            && items[0]["trigger"] == "manual"
            && items[0]["status"] == "sent"
            && items[0]["rows"] == count
            && items[0]["recipients"] == 2,
        format!("runs: {}", runs.text),
    )?;
    ctx.sign_out().await
}
