//! "Choose your extension" (issue 17): a person with several lines and no default is asked
//! after signing in which extension they sign in to; the home page says which one it is and
//! their pages open on it.

use super::{Ctx, R, ensure};
use crate::kit::PW;
use fantoccini::Locator;
use serde_json::json;

pub async fn a_person_with_several_lines_and_no_default_chooses_the_extension_after_signing_in(
    ctx: &Ctx,
) -> R {
    let (srv, t) = (&ctx.w.srv, &ctx.w.t1);
    let (second, added) = second_line(ctx).await?;
    let user = format!("/api/v1/users/{}", t.user_id);
    let r = srv
        .patch(&user, &t.admin_token, json!({"default_line_id": null}))
        .await;
    ensure(r.status == 200, format!("no default: {}", r.text))?;
    let outcome = choose(ctx, &second.0, &second.1).await;
    let r = srv
        .patch(&user, &t.admin_token, json!({"default_line_id": t.line_id}))
        .await;
    ensure(r.status == 200, format!("default back: {}", r.text))?;
    if added {
        let r = srv
            .delete(&format!("/api/v1/lines/{}", second.0), &t.admin_token)
            .await;
        ensure(r.status == 204, format!("second line removed: {}", r.text))?;
    }
    outcome
}

/// A line of Ulf's other than his first (id, extension): one an earlier scenario gave him, else
/// a new one, removed afterwards (true).
async fn second_line(ctx: &Ctx) -> R<((String, String), bool)> {
    let (srv, t) = (&ctx.w.srv, &ctx.w.t1);
    let lines = format!("/api/v1/companies/{}/lines", t.company_id);
    let all = srv.get(&format!("{lines}?limit=200"), &t.admin_token).await;
    ensure(all.status == 200, format!("lines: {}", all.text))?;
    let other = all.body["items"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|l| l["user_id"] == t.user_id.as_str() && l["id"] != t.line_id.as_str());
    if let Some(l) = other {
        let id = l["id"].as_str().unwrap_or_default().to_owned();
        let ext = l["extension"].as_str().unwrap_or_default().to_owned();
        return Ok(((id, ext), false));
    }
    let l = srv
        .post(
            &lines,
            &t.admin_token,
            json!({"extension": "241", "user_id": t.user_id}),
        )
        .await;
    ensure(l.status == 201, format!("Ulf's second line: {}", l.text))?;
    Ok(((l.id(), "241".to_owned()), true))
}

async fn choose(ctx: &Ctx, second: &str, extension: &str) -> R {
    ctx.sign_in("ulfone", PW, None).await?;
    let at = ctx.path().await?;
    if at != "/my/extension" {
        let page = ctx.text("main").await.unwrap_or_default();
        ensure(false, format!("asked which extension, at {at}: {page}"))?;
    }
    ensure(
        ctx.text("main [role=status]").await?.contains("no default"),
        "told why",
    )?;
    // The keyboard alone: the first extension's radio, then the button.
    ctx.c
        .find(Locator::Css(&format!("[id='ex-{second}']")))
        .await?
        .click()
        .await?;
    ctx.click("#extension-form button[type=submit]").await?;
    ensure(
        ctx.path().await? == "/my?done=extension",
        format!("home after choosing, at {}", ctx.path().await?),
    )?;
    let said = ctx.text("#signed-in-extension").await?;
    ensure(
        said.contains(extension),
        format!("the home page says: {said}"),
    )?;
    ctx.open("/my/calls").await?;
    let shown = ctx
        .c
        .find(Locator::Css("#line-choice option[selected]"))
        .await?
        .attr("value")
        .await?;
    ensure(
        shown.as_deref() == Some(second),
        format!("the call log opens on the extension chosen: {shown:?}"),
    )?;
    ctx.sign_out().await
}
