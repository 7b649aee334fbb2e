//! "My Profile" (issue 17): Ulf changes his own name and e-mail, language, default extension,
//! password, passcode and picture in the browser, each checked through the API (as his
//! administrator: Ulf's own API tokens end with each new password); every scenario puts back
//! what it changed, so that later ones find Ulf as before.

use super::{Ctx, R, ensure};
use crate::kit::*;
use fantoccini::Locator;
use serde_json::{Value, json};

const PAGE: &str = "/my/profile";
const NEW_PW: &str = "Other-Sesame-77!";

/// Ulf's account through the API.
async fn ulf(ctx: &Ctx) -> R<Value> {
    let t = &ctx.w.t1;
    let r = ctx
        .w
        .srv
        .get(&format!("/api/v1/users/{}", t.user_id), &t.admin_token)
        .await;
    ensure(r.status == 200, format!("Ulf: {}", r.text))?;
    Ok(r.body)
}

/// Changes Ulf's account through the API, as his administrator.
async fn patch_ulf(ctx: &Ctx, body: Value) -> R {
    let t = &ctx.w.t1;
    let r = ctx
        .w
        .srv
        .patch(
            &format!("/api/v1/users/{}", t.user_id),
            &t.admin_token,
            body,
        )
        .await;
    ensure(r.status == 200, format!("patch Ulf: {}", r.text))
}

/// Ulf signed in, on his profile page through the navigation.
async fn open_profile(ctx: &Ctx, password: &str) -> R {
    ctx.sign_in("ulfone", password, None).await?;
    ctx.click("nav a[href='/my/profile']").await?;
    ensure(ctx.path().await? == PAGE, "the profile page")
}

async fn notice(ctx: &Ctx) -> R<String> {
    ctx.text("main [role=status]").await
}

async fn value_of(ctx: &Ctx, css: &str) -> R<String> {
    let v = ctx.c.find(Locator::Css(css)).await?.prop("value").await?;
    Ok(v.unwrap_or_default())
}

pub async fn an_end_user_changes_name_and_email_and_a_bad_email_is_refused_by_its_field(
    ctx: &Ctx,
) -> R {
    let before = ulf(ctx).await?;
    open_profile(ctx, PW).await?;
    ctx.fill("#mp-name", "Ulf Olsen").await?;
    ctx.fill("#mp-email", "ulf@one.example.com").await?;
    ctx.click("#details button[type=submit]").await?;
    ensure(
        notice(ctx).await? == "Your personal information is saved.",
        "notice",
    )?;
    let now = ulf(ctx).await?;
    ensure(
        now["name"] == "Ulf Olsen" && now["email"] == "ulf@one.example.com",
        format!("through the API: {now}"),
    )?;
    ctx.fill("#mp-name", "Ulf Other").await?;
    ctx.fill("#mp-email", "not an address").await?;
    // The browser's own check of type=email would stop the form before the server's.
    ctx.c
        .execute(
            "document.getElementById('details').noValidate = true",
            vec![],
        )
        .await?;
    ctx.click("#details button[type=submit]").await?;
    let why = ctx.text("#mp-email-error").await?;
    ensure(!why.is_empty(), "the reason by the e-mail field")?;
    ensure(
        value_of(ctx, "#mp-email").await? == "not an address"
            && value_of(ctx, "#mp-name").await? == "Ulf Other",
        "what was typed is kept",
    )?;
    let kept = ulf(ctx).await?;
    ensure(
        kept["name"] == "Ulf Olsen" && kept["email"] == "ulf@one.example.com",
        format!("nothing changed: {kept}"),
    )?;
    ctx.sign_out().await?;
    patch_ulf(
        ctx,
        json!({"name": before["name"], "email": before["email"]}),
    )
    .await
}

pub async fn saving_french_shows_my_profile_in_french_at_once_and_the_account_keeps_it(
    ctx: &Ctx,
) -> R {
    let before = ulf(ctx).await?;
    open_profile(ctx, PW).await?;
    ctx.click("#mp-lang-fr").await?;
    ctx.click("#language button[type=submit]").await?;
    ensure(ctx.text("h1").await? == "Mon profil", "the page in French")?;
    let lang = ctx.c.find(Locator::Css("html")).await?.attr("lang").await?;
    ensure(lang.as_deref() == Some("fr"), "html lang=fr")?;
    ensure(
        notice(ctx).await? == "Votre langue est enregistrée.",
        "the notice in French",
    )?;
    ensure(
        ulf(ctx).await?["language"] == "fr",
        "the account's language",
    )?;
    // The next sign-in uses it.
    ctx.sign_out().await?;
    open_profile(ctx, PW).await?;
    ensure(
        ctx.text("h1").await? == "Mon profil",
        "French after sign-in",
    )?;
    ctx.click("#mp-lang-en").await?;
    ctx.click("#language button[type=submit]").await?;
    ensure(ctx.text("h1").await? == "My profile", "and back to English")?;
    ensure(ulf(ctx).await?["language"] == "en", "English saved")?;
    ctx.sign_out().await?;
    patch_ulf(ctx, json!({"language": before["language"]})).await
}

pub async fn a_wrong_current_password_is_refused_and_the_right_one_changes_the_password(
    ctx: &Ctx,
) -> R {
    open_profile(ctx, PW).await?;
    ctx.fill("#pw-current", "Not-The-One-1!").await?;
    ctx.fill("#pw-new", NEW_PW).await?;
    ctx.click("#password-form button[type=submit]").await?;
    let why = ctx.text("#pw-current-error").await?;
    ensure(
        why == "The current password is not correct.",
        format!("by the current password: {why}"),
    )?;
    ensure(
        ctx.w.srv.login_resp("ulfone", PW).await.status == 200,
        "the old password still works",
    )?;
    ctx.fill("#pw-current", PW).await?;
    ctx.fill("#pw-new", NEW_PW).await?;
    ctx.click("#password-form button[type=submit]").await?;
    ensure(ctx.path().await? == "/?done=password", "signed out")?;
    ensure(
        notice(ctx).await? == "Your password is changed. Sign in with the new one.",
        "told why",
    )?;
    ensure(
        ctx.w.srv.login_resp("ulfone", PW).await.status == 401,
        "the old password no longer works",
    )?;
    ctx.sign_in("ulfone", NEW_PW, None).await?;
    ensure(
        ctx.path().await? == "/my",
        "signed in with the new password",
    )?;
    // Back to the old one, through the same form.
    ctx.click("nav a[href='/my/profile']").await?;
    ctx.fill("#pw-current", NEW_PW).await?;
    ctx.fill("#pw-new", PW).await?;
    ctx.click("#password-form button[type=submit]").await?;
    ensure(
        ctx.w.srv.login_resp("ulfone", PW).await.status == 200,
        "the old password again",
    )
}

/// Whether `pin` opens the voice portal of `line`.
async fn pin_opens(ctx: &Ctx, line: &str, pin: &str) -> R<bool> {
    use sb_app::portal::Access;
    let app = &ctx.w.srv.running.as_ref().ok_or("server")?.app;
    let line = sb_domain::ids::LineId::from_raw(line.to_owned());
    let access = app.portal_sign_in(&line, pin.into(), "127.0.0.1").await?;
    Ok(matches!(access, Access::Open))
}

pub async fn change_passcode_changes_the_pin_alone_or_the_pin_and_password_together(
    ctx: &Ctx,
) -> R {
    let t = &ctx.w.t1;
    let before = ulf(ctx).await?;
    let pin_path = format!("/api/v1/lines/{}/voice-pin", t.line_id);
    let had_pin = ctx.w.srv.get(&pin_path, &t.admin_token).await.body["set"] == true;
    // The PIN changed is the default line's.
    patch_ulf(ctx, json!({"default_line_id": t.line_id})).await?;
    open_profile(ctx, PW).await?;
    let hint = ctx.text("#pc-pin-hint").await?;
    ensure(hint.contains("201"), format!("names the extension: {hint}"))?;
    ctx.fill("#pc-current", PW).await?;
    ctx.fill("#pc-pin", "582946").await?;
    ctx.click("#passcode-form button[type=submit]").await?;
    ensure(
        notice(ctx).await? == "Your voice portal PIN is changed.",
        "PIN only: still signed in, with a notice",
    )?;
    ensure(
        pin_opens(ctx, &t.line_id, "582946").await?,
        "the new PIN opens",
    )?;
    ensure(
        ctx.w.srv.login_resp("ulfone", PW).await.status == 200,
        "the password stayed",
    )?;
    ctx.fill("#pc-current", PW).await?;
    ctx.fill("#pc-pin", "739164").await?;
    ctx.fill("#pc-password", NEW_PW).await?;
    ctx.click("#passcode-form button[type=submit]").await?;
    ensure(ctx.path().await? == "/?done=password", "both: signed out")?;
    ensure(
        pin_opens(ctx, &t.line_id, "739164").await?,
        "the second PIN",
    )?;
    ensure(
        ctx.w.srv.login_resp("ulfone", NEW_PW).await.status == 200,
        "and the new password",
    )?;
    // Nothing given but the current password: refused by the field, nothing changed.
    open_profile(ctx, NEW_PW).await?;
    ctx.fill("#pc-current", NEW_PW).await?;
    ctx.click("#passcode-form button[type=submit]").await?;
    let why = ctx.text("#pc-password-error").await?;
    ensure(
        why == "Give a new password, a new PIN or both.",
        format!("nothing to change: {why}"),
    )?;
    // The password alone, back to the old one.
    ctx.fill("#pc-current", NEW_PW).await?;
    ctx.fill("#pc-password", PW).await?;
    ctx.click("#passcode-form button[type=submit]").await?;
    ensure(
        ctx.w.srv.login_resp("ulfone", PW).await.status == 200,
        "the old password again, password only",
    )?;
    if !had_pin {
        let r = ctx.w.srv.delete(&pin_path, &t.admin_token).await;
        ensure(r.status == 204, format!("PIN removed: {}", r.text))?;
    }
    patch_ulf(ctx, json!({"default_line_id": before["default_line_id"]})).await
}

/// Ulf's lines, as he reads them himself.
async fn ulfs_lines(ctx: &Ctx) -> R<Vec<String>> {
    let login = ctx.w.srv.login_resp("ulfone", PW).await;
    let token = login.body["token"].as_str().ok_or("Ulf's token")?;
    let me = ctx.w.srv.get("/api/v1/me", token).await;
    let lines = me.body["lines"].as_array().ok_or("Ulf's lines")?;
    Ok(lines
        .iter()
        .filter_map(|l| l["id"].as_str().map(str::to_owned))
        .collect())
}

pub async fn the_default_extension_is_chosen_among_the_persons_own_lines(ctx: &Ctx) -> R {
    let t = &ctx.w.t1;
    let before = ulf(ctx).await?;
    // A second line of Ulf's: one an earlier scenario gave him, else a new one removed after.
    let other = ulfs_lines(ctx).await?.into_iter().find(|l| *l != t.line_id);
    let (second, added) = match other {
        Some(l) => (l, false),
        None => {
            let r = ctx
                .w
                .srv
                .post(
                    &format!("/api/v1/companies/{}/lines", t.company_id),
                    &t.admin_token,
                    json!({"extension": "263", "user_id": t.user_id}),
                )
                .await;
            ensure(r.status == 201, format!("a second line: {}", r.text))?;
            (r.id(), true)
        }
    };
    open_profile(ctx, PW).await?;
    ctx.click(&format!("[id='mp-line-{second}']")).await?;
    ctx.click("#default-line button[type=submit]").await?;
    ensure(
        notice(ctx).await? == "Your default extension is saved.",
        "notice",
    )?;
    ensure(
        ulf(ctx).await?["default_line_id"] == second.as_str(),
        "through the API",
    )?;
    let checked = ctx
        .c
        .find(Locator::Css(&format!("[id='mp-line-{second}']")))
        .await?
        .prop("checked")
        .await?;
    ensure(checked.as_deref() == Some("true"), "shown chosen")?;
    ctx.click(&format!("[id='mp-line-{}']", t.line_id)).await?;
    ctx.click("#default-line button[type=submit]").await?;
    ensure(
        ulf(ctx).await?["default_line_id"] == t.line_id.as_str(),
        "the first line again",
    )?;
    ctx.sign_out().await?;
    patch_ulf(ctx, json!({"default_line_id": before["default_line_id"]})).await?;
    if added {
        let r = ctx
            .w
            .srv
            .delete(&format!("/api/v1/lines/{second}"), &t.admin_token)
            .await;
        ensure(r.status == 204, format!("second line removed: {}", r.text))?;
    }
    Ok(())
}

/// A PNG of `w` × `h` pixels with a text chunk, as a camera or an editor might write.
fn png_of(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut e = png::Encoder::new(&mut out, w, h);
        e.set_color(png::ColorType::Rgb);
        e.set_depth(png::BitDepth::Eight);
        e.add_text_chunk("Software".into(), "an editor".into())
            .unwrap();
        let mut wr = e.write_header().unwrap();
        let data: Vec<u8> = (0..w * h * 3).map(|i| (i % 251) as u8).collect();
        wr.write_image_data(&data).unwrap();
    }
    out
}

/// Width and height of a PNG file.
fn size_of(file: &[u8]) -> R<(u32, u32)> {
    let r = png::Decoder::new(std::io::Cursor::new(file)).read_info()?;
    Ok((r.info().width, r.info().height))
}

/// Chooses `file` (written to a temporary file of that name) and uploads it.
async fn upload(ctx: &Ctx, name: &str, file: &[u8]) -> R {
    let path = std::env::temp_dir().join(format!("sb-profile-{}-{name}", std::process::id()));
    std::fs::write(&path, file)?;
    ctx.c
        .find(Locator::Css("#mp-picture-file"))
        .await?
        .send_keys(&path.display().to_string())
        .await?;
    let sent = ctx.click("#picture-form button[type=submit]").await;
    let _ = std::fs::remove_file(&path);
    sent
}

pub async fn a_png_picture_is_served_written_anew_and_a_too_big_or_non_image_file_is_refused(
    ctx: &Ctx,
) -> R {
    let t = &ctx.w.t1;
    let api_path = format!("/api/v1/users/{}/picture", t.user_id);
    open_profile(ctx, PW).await?;
    ctx.c
        .find(Locator::Css("#mp-picture"))
        .await
        .err()
        .ok_or("no picture yet")?;
    let sent = png_of(600, 300);
    upload(ctx, "me.png", &sent).await?;
    ensure(
        notice(ctx).await? == "Your profile picture is saved.",
        "notice",
    )?;
    let img = ctx.c.find(Locator::Css("img#mp-picture")).await?;
    let alt = img.attr("alt").await?.unwrap_or_default();
    ensure(alt == "Your profile picture", format!("alt text: {alt}"))?;
    let src = img.attr("src").await?.ok_or("src")?;
    let (status, kind) = served(ctx, &src).await?;
    ensure(
        status == 200 && kind == "image/png",
        format!("the page's picture: {status} {kind}"),
    )?;
    let (status, headers, kept) = api_picture(ctx, &api_path).await?;
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    ensure(
        status == 200
            && header("content-type") == "image/png"
            && header("x-content-type-options") == "nosniff"
            && header("content-security-policy").contains("sandbox"),
        format!("served as: {status} {headers:?}"),
    )?;
    ensure(kept != sent, "never the uploaded bytes")?;
    ensure(size_of(&kept)? == (256, 128), "decodes, scaled down to 256")?;
    let mut big = sent[..8].to_vec();
    big.resize(512 * 1024 + 1, 7);
    upload(ctx, "big.png", &big).await?;
    let why = ctx.text("#mp-picture-error").await?;
    ensure(
        why == "A picture is at most 512 KiB.",
        format!("too big: {why}"),
    )?;
    upload(ctx, "notes.txt", b"not a picture").await?;
    let why = ctx.text("#mp-picture-error").await?;
    ensure(
        why == "A picture is a PNG file.",
        format!("not an image: {why}"),
    )?;
    ensure(
        api_picture(ctx, &api_path).await?.2 == kept,
        "the refused files changed nothing",
    )?;
    ctx.click("form[action='/my/profile/picture/delete'] button")
        .await?;
    ensure(
        notice(ctx).await? == "Your profile picture is removed.",
        "removed",
    )?;
    ensure(
        ctx.w.srv.get(&api_path, &t.admin_token).await.status == 404,
        "gone from the API",
    )?;
    ctx.sign_out().await
}

/// The picture through the API, as Ulf's administrator: status, headers, bytes.
async fn api_picture(ctx: &Ctx, path: &str) -> R<(u16, reqwest::header::HeaderMap, Vec<u8>)> {
    let r = ctx
        .w
        .srv
        .http
        .get(format!("{}{path}", ctx.w.srv.base))
        .bearer_auth(&ctx.w.t1.admin_token)
        .send()
        .await?;
    let (status, headers) = (r.status().as_u16(), r.headers().clone());
    Ok((status, headers, r.bytes().await?.to_vec()))
}

/// Status and content type of `url`, fetched by the page in its session.
async fn served(ctx: &Ctx, url: &str) -> R<(u16, String)> {
    let got = ctx
        .c
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             fetch(arguments[0]).then(r => done([r.status, r.headers.get('content-type') || '']))\
             .catch(e => done([0, String(e)]));",
            vec![json!(url)],
        )
        .await?;
    Ok(serde_json::from_value(got)?)
}

/// Administrators have My Profile too, and the system administrator, who has no company and no
/// lines, sees no voice portal PIN to change.
pub async fn administrators_open_their_own_profile_from_the_navigation(ctx: &Ctx) -> R {
    for (user, pw) in [("adaone", PW), ("admin", ADMIN_PW)] {
        ctx.sign_in(user, pw, None).await?;
        ctx.click("nav a[href='/my/profile']").await?;
        ensure(
            ctx.text("h1").await? == "My profile",
            format!("{user}'s profile"),
        )?;
        ensure(
            !value_of(ctx, "#mp-name").await?.is_empty(),
            format!("{user}'s name is shown"),
        )?;
        if user == "admin" {
            let pin = ctx.c.find(Locator::Css("#pc-pin")).await.is_ok();
            let no_lines = ctx.text("main").await?.contains("You have no lines.");
            ensure(
                !pin && no_lines,
                format!("PIN field {pin}, no lines said {no_lines}"),
            )?;
        }
        ctx.sign_out().await?;
    }
    Ok(())
}
