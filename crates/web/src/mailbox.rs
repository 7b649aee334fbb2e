//! A user's Notifications and Voicemail tabs: missed-call and new-voicemail
//! notifications; "Your Services → Message Settings" (forward messages as e-mails, "Leave
//! original in Inbox"), the "Voice portal PIN" (set, clear, unlock) and the greeting (upload a
//! WAV or MP3 file from the browser, play it, go back to the standard one), through the use
//! cases of the `/api/v1/lines/{id}/…` routes for the same settings.

use crate::WebState;
use crate::layout::{Chrome, render};
use crate::session::{self, Session, signed_in};
use crate::upload::{UploadError, parse_greeting_form};
use crate::users::{
    Choice, Fields, Place, Tab, TabQuery, done_text, error_page, named_line, refusal, tabs,
    user_line,
};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use sb_app::AppError;
use sb_app::views::{LineView, UserView};
use sb_app::voicemail::{NotificationsDoc, VoicemailSettingsDoc};

#[derive(Template)]
#[template(path = "company_user_mailbox.html")]
struct MailboxPage {
    c: Chrome,
    place: Place,
    tabs: Vec<Tab>,
    base: String,
    /// `notifications` or `voicemail`.
    tab: String,
    line: Option<LineView>,
    lines: Vec<Choice>,
    user_email: String,
    missed_calls: bool,
    new_voicemail: bool,
    email_to: String,
    keep_original: bool,
    pin_set: bool,
    pin_locked: bool,
    /// Where the line's own greeting plays from; `None` while it uses the standard one.
    greeting: Option<String>,
}

pub async fn show(
    s: &WebState,
    session: &Session,
    tab: &str,
    place: Place,
    u: UserView,
    q: &TabQuery,
    alert: Option<String>,
) -> Response {
    let a = &session.actor;
    let base = format!("{}/{}", place.users_path(), u.id);
    let here = format!("{base}/{tab}");
    let key = if tab == "voicemail" {
        "co_tab_voicemail"
    } else {
        "co_tab_notifications"
    };
    let title = format!("{} · {}", u.name, crate::i18n::t(session.me.language, key));
    let mut c = Chrome::signed_in(session, &title, &here);
    c.info = done_text(&c, q.done.as_deref());
    let status = if alert.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    c.alert = alert;
    let (line, lines) = match user_line(s, session, &u, q.line.as_deref()).await {
        Ok(x) => x,
        Err(e) => return error_page(session, &here, &e),
    };
    let mut page = MailboxPage {
        tabs: tabs(&place, &u.id, tab),
        base,
        tab: tab.to_owned(),
        line: None,
        lines,
        user_email: u.email.clone().unwrap_or_default(),
        missed_calls: false,
        new_voicemail: false,
        email_to: String::new(),
        keep_original: true,
        pin_set: false,
        pin_locked: false,
        greeting: None,
        c,
        place,
    };
    if let Some(l) = &line {
        let filled = async {
            if tab == "notifications" {
                let n = s.app.notifications(a, &l.id).await?;
                page.missed_calls = n.missed_calls;
                page.new_voicemail = n.new_voicemail;
            } else {
                let v = s.app.voicemail_settings(a, &l.id).await?;
                page.email_to = v.email_to.join(", ");
                page.keep_original = v.keep_after_email;
                let pin = s.app.voice_pin(a, &l.id).await?;
                page.pin_set = pin.set;
                page.pin_locked = pin.locked;
                page.greeting = match s.app.voicemail_greeting(a, &l.id).await {
                    Ok(_) => Some(format!("{}/voicemail/greeting?line={}", page.base, l.id)),
                    Err(AppError::NotFound) => None,
                    Err(e) => return Err(e),
                };
            }
            Ok::<(), AppError>(())
        };
        if let Err(e) = filled.await {
            return error_page(session, &here, &e);
        }
    }
    page.line = line;
    render(status, &page)
}

/// `POST …/users/{user}/{action}` for these tabs; the line is the form's, one of the user's.
pub async fn save(
    s: &WebState,
    session: &Session,
    action: &str,
    place: Place,
    u: UserView,
    f: &Fields,
) -> Response {
    let a = &session.actor;
    let base = format!("{}/{}", place.users_path(), u.id);
    let tab = if action == "notifications" {
        "notifications"
    } else {
        "voicemail"
    };
    let here = format!("{base}/{tab}");
    let line = match named_line(s, session, &u, f.get("line")).await {
        Ok(l) => l,
        Err(e) => return error_page(session, &here, &e),
    };
    let outcome = match action {
        "notifications" => {
            let doc = NotificationsDoc {
                missed_calls: f.on("missed_calls"),
                new_voicemail: f.on("new_voicemail"),
            };
            s.app
                .set_notifications(a, &line.id, doc)
                .await
                .map(|_| "co_saved")
        }
        "voicemail-settings" => {
            let doc = VoicemailSettingsDoc {
                email_to: f
                    .get("email_to")
                    .split([',', ';', ' ', '\n'])
                    .map(str::trim)
                    .filter(|e| !e.is_empty())
                    .map(str::to_owned)
                    .collect(),
                keep_after_email: f.on("keep_original"),
            };
            s.app
                .set_voicemail_settings(a, &line.id, doc)
                .await
                .map(|_| "co_saved")
        }
        "pin" => s
            .app
            .set_voice_pin(a, &line.id, Some(f.get("pin").trim().to_owned()))
            .await
            .map(|()| "co_pin_set"),
        "pin-clear" => s
            .app
            .set_voice_pin(a, &line.id, None)
            .await
            .map(|()| "co_pin_cleared"),
        "pin-unlock" => s
            .app
            .unlock_voice_pin(a, &line.id)
            .await
            .map(|()| "co_pin_unlocked"),
        "greeting-delete" => s
            .app
            .delete_voicemail_greeting(a, &line.id)
            .await
            .map(|()| "co_greeting_deleted"),
        _ => Err(AppError::NotFound),
    };
    after(s, session, tab, place, u, &line.id, outcome).await
}

/// Back to the tab after a change: a redirect with its message, or the tab with the refusal.
async fn after(
    s: &WebState,
    session: &Session,
    tab: &str,
    place: Place,
    u: UserView,
    line: &str,
    outcome: Result<&'static str, AppError>,
) -> Response {
    let base = format!("{}/{}", place.users_path(), u.id);
    match outcome {
        Ok(done) => Redirect::to(&format!("{base}/{tab}?line={line}&done={done}")).into_response(),
        Err(AppError::NotFound) => {
            error_page(session, &format!("{base}/{tab}"), &AppError::NotFound)
        }
        Err(e) => {
            let alert = refusal(session.me.language, &e);
            let q = TabQuery {
                line: Some(line.to_owned()),
                ..TabQuery::default()
            };
            show(s, session, tab, place, u, &q, Some(alert)).await
        }
    }
}

#[derive(serde::Deserialize)]
pub struct LineQuery {
    #[serde(default)]
    line: String,
}

/// `GET …/users/{user}/voicemail/greeting?line=`: the line's own greeting, to play.
pub async fn greeting(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((company, user)): Path<(String, String)>,
    Query(q): Query<LineQuery>,
) -> Response {
    let session = match signed_in(&s, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let here = format!("/admin/companies/{company}/users/{user}/voicemail");
    let found = async {
        let (_, u) = crate::users::user_place(&s, &session, &company, &user).await?;
        let mine = s.app.lines_of_user(&session.actor, &u.id).await?;
        if !mine.iter().any(|l| l.id == q.line) {
            return Err(AppError::NotFound);
        }
        s.app.voicemail_greeting(&session.actor, &q.line).await
    };
    match found.await {
        Ok(wav) => crate::messages::wav_answer(wav, None),
        Err(e) => error_page(&session, &here, &e),
    }
}

/// `POST …/users/{user}/voicemail/greeting`: a WAV or MP3 file from the browser's form. The
/// route alone takes bodies this large; the CSRF field is checked before anything is used, and a
/// file that cannot be used changes nothing.
pub async fn upload(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((company, user)): Path<(String, String)>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let Ok(body) = body else {
        // Past the route's limit the body is not read, nor its CSRF field: the page only says
        // why, and nothing changes.
        return too_large(&s, &headers, &company, &user).await;
    };
    let parsed = parse_greeting_form(content_type, body);
    let csrf = parsed.as_ref().map_or("", |f| f.csrf.as_str());
    let session = match session::changing(&s, &headers, csrf, false).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let here = format!("/admin/companies/{company}/users/{user}/voicemail");
    let (place, u) = match crate::users::user_place(&s, &session, &company, &user).await {
        Ok(x) => x,
        Err(e) => return error_page(&session, &here, &e),
    };
    let form = match parsed {
        Ok(f) if !f.file.is_empty() => f,
        refused => {
            let key = match refused {
                Err(UploadError::TooLarge) => "co_greeting_too_large",
                Err(UploadError::Malformed) => "co_greeting_malformed",
                Ok(_) => "co_greeting_no_file",
            };
            let alert = crate::i18n::t(session.me.language, key).to_owned();
            return show(
                &s,
                &session,
                "voicemail",
                place,
                u,
                &TabQuery::default(),
                Some(alert),
            )
            .await;
        }
    };
    let line = match named_line(&s, &session, &u, &form.line).await {
        Ok(l) => l,
        Err(e) => return error_page(&session, &here, &e),
    };
    let outcome = s
        .app
        .set_voicemail_greeting(&session.actor, &line.id, form.file)
        .await
        .map(|_| "co_greeting_saved");
    after(&s, &session, "voicemail", place, u, &line.id, outcome).await
}

/// The Voicemail tab saying the file was too large (413).
async fn too_large(s: &WebState, headers: &HeaderMap, company: &str, user: &str) -> Response {
    let session = match signed_in(s, headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let here = format!("/admin/companies/{company}/users/{user}/voicemail");
    let (place, u) = match crate::users::user_place(s, &session, company, user).await {
        Ok(x) => x,
        Err(e) => return error_page(&session, &here, &e),
    };
    let alert = crate::i18n::t(session.me.language, "co_greeting_too_large").to_owned();
    let mut res = show(
        s,
        &session,
        "voicemail",
        place,
        u,
        &TabQuery::default(),
        Some(alert),
    )
    .await;
    *res.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
    res
}
