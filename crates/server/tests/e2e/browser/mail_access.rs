//! The company's mail access form in the browser: tried against a real mail server when saved,
//! a refusal shown as the alert with nothing changed; checked through the REST API.

use super::{Ctx, R, ensure};
use crate::kit::*;
use fantoccini::Locator;

pub async fn a_company_admin_sets_mail_access_that_is_tried_and_a_wrong_port_is_refused(
    ctx: &Ctx,
) -> R {
    let Some(sink) = SmtpSink::start().await else {
        return Ok(());
    };
    let t1 = &ctx.w.t1;
    let api_path = format!("/api/v1/companies/{}/profile", t1.company_id);
    let port = sink.url.rsplit(':').next().unwrap_or_default().to_owned();
    ctx.sign_in("adaone", PW, None).await?;
    ctx.open(&format!("/admin/companies/{}/profile", t1.company_id))
        .await?;
    ctx.fill("#cp-mail-host", "127.0.0.1").await?;
    ctx.fill("#cp-mail-port", &port).await?;
    ctx.c
        .find(Locator::Css("#cp-mail-security"))
        .await?
        .select_by_value("none")
        .await?;
    ctx.click("form[action$='/profile/mail'] button[type=submit]")
        .await?;
    ctx.axe().await?;
    let state = ctx.text("#cp-mail-state").await?;
    ensure(state == "Set", format!("mail access: {state}"))?;
    // A port where nothing listens: the alert says why, and the stored access stays.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    ctx.fill("#cp-mail-port", &closed.to_string()).await?;
    ctx.click("form[action$='/profile/mail'] button[type=submit]")
        .await?;
    ctx.axe().await?;
    let alert = ctx.text("[role=alert]").await?;
    ensure(alert.contains("cannot connect"), format!("alert: {alert}"))?;
    let api = ctx.w.srv.get(&api_path, &t1.admin_token).await;
    ensure(
        api.body["mail_access"]["port"].as_u64() == port.parse::<u64>().ok()
            && api.body["mail_access"]["security"] == "none",
        format!("through the API: {}", api.text),
    )?;
    // Put back as it was: other scenarios read this company's mail from the installation's sink.
    let r = ctx
        .w
        .srv
        .patch(
            &api_path,
            &t1.admin_token,
            serde_json::json!({"mail_access": null}),
        )
        .await;
    ensure(r.status == 200, format!("clearing: {}", r.text))
}
