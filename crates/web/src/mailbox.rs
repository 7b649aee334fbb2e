//! A user's Notifications and Voicemail tabs: missed-call and new-voicemail
//! notifications; "Your Services → Message Settings" (forward messages as e-mails, "Leave
//! original in Inbox"), the "Voice portal PIN" (set, clear, unlock) and the greeting (upload a
//! WAV or MP3 file from the browser, play it, go back to the standard one), through the use
//! cases of the `/api/v1/lines/{id}/…` routes for the same settings.

use crate::WebState;
use crate::layout::{Chrome, FieldProblem, render};
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
use sb_app::views::{LineView, UserView};
use sb_app::voicemail::{NotificationsDoc, VoicemailSettingsDoc};
use sb_app::{Actor, AppError};

/// The notification, message-settings, PIN and greeting forms of one line (the
/// `notifications_form.html`, `message_settings_form.html`, `voice_pin_forms.html` and
/// `greeting_forms.html` partials), shared by the administrators' tabs and the person's own
/// Services page.
pub struct MailboxForms {
    /// Where the forms post: `{base}/notifications`, `{base}/pin`, …
    pub base: String,
    pub line: String,
    pub user_email: String,
    pub missed_calls: bool,
    pub new_voicemail: bool,
    pub new_fax: bool,
    pub email_to: String,
    pub keep_original: bool,
    /// Whether messages may be mailed out: the field is offered only then.
    pub mail_out: bool,
    pub pin_set: bool,
    pub pin_locked: bool,
    /// Where the line's own greeting plays from; `None` while it uses the standard one.
    pub greeting: Option<String>,
    /// The refusal of the last change, by the id of the field it names.
    pub problem: Option<FieldProblem>,
}

impl MailboxForms {
    pub fn error_of(&self, id: &str) -> Option<&str> {
        FieldProblem::of(self.problem.as_ref(), id)
    }

    /// The forms of `line`, empty; `base` is where they post.
    pub fn new(base: String, line: &str, user_email: Option<&str>) -> Self {
        MailboxForms {
            base,
            line: line.to_owned(),
            user_email: user_email.unwrap_or_default().to_owned(),
            missed_calls: false,
            new_voicemail: false,
            new_fax: false,
            email_to: String::new(),
            keep_original: true,
            mail_out: true,
            pin_set: false,
            pin_locked: false,
            greeting: None,
            problem: None,
        }
    }

    /// The line's notification choices, from their use case.
    pub async fn read_notifications(&mut self, s: &WebState, a: &Actor) -> Result<(), AppError> {
        let n = s.app.notifications(a, &self.line).await?;
        self.missed_calls = n.missed_calls;
        self.new_voicemail = n.new_voicemail;
        self.new_fax = n.new_fax;
        Ok(())
    }

    /// The line's voice-portal PIN state.
    pub async fn read_pin(&mut self, s: &WebState, a: &Actor) -> Result<(), AppError> {
        let pin = s.app.voice_pin(a, &self.line).await?;
        self.pin_set = pin.set;
        self.pin_locked = pin.locked;
        Ok(())
    }

    /// The line's message settings and greeting.
    pub async fn read_voicemail(&mut self, s: &WebState, a: &Actor) -> Result<(), AppError> {
        let v = s.app.voicemail_settings(a, &self.line).await?;
        self.email_to = v.email_to.join(", ");
        self.keep_original = v.keep_after_email;
        self.greeting = match s.app.voicemail_greeting(a, &self.line).await {
            Ok(_) => Some(format!(
                "{}/voicemail/greeting?line={}",
                self.base, self.line
            )),
            Err(AppError::NotFound) => None,
            Err(e) => return Err(e),
        };
        Ok(())
    }
}

/// The id of the form field a refusal of these forms names, when it names one.
pub fn field_id(e: &AppError) -> Option<&'static str> {
    match e.field()? {
        f if f.starts_with("email_to") => Some("email-to"),
        "pin" => Some("pin"),
        _ => None,
    }
}

#[derive(Template)]
#[template(path = "company_user_mailbox.html")]
struct MailboxPage {
    c: Chrome,
    place: Place,
    tabs: Vec<Tab>,
    /// Where the choice of line goes.
    line_action: String,
    /// `notifications` or `voicemail`.
    tab: String,
    line: Option<LineView>,
    lines: Vec<Choice>,
    m: MailboxForms,
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
    let line_id = line.as_ref().map(|l| l.id.clone()).unwrap_or_default();
    let mut m = MailboxForms::new(base.clone(), &line_id, u.email.as_deref());
    if line.is_some() {
        let filled = if tab == "notifications" {
            m.read_notifications(s, a).await
        } else {
            match m.read_voicemail(s, a).await {
                Ok(()) => m.read_pin(s, a).await,
                Err(e) => Err(e),
            }
        };
        if let Err(e) = filled {
            return error_page(session, &here, &e);
        }
    }
    let page = MailboxPage {
        tabs: tabs(&place, &u.id, tab),
        line_action: here,
        tab: tab.to_owned(),
        line,
        lines,
        m,
        c,
        place,
    };
    render(status, &page)
}

/// One change of these forms on `line`, through its use case; the `done` text key it shows.
pub async fn apply(
    s: &WebState,
    a: &Actor,
    action: &str,
    line: &str,
    f: &Fields,
) -> Result<&'static str, AppError> {
    match action {
        "notifications" => {
            let doc = NotificationsDoc {
                missed_calls: f.on("missed_calls"),
                new_voicemail: f.on("new_voicemail"),
                new_fax: f.on("new_fax"),
            };
            s.app
                .set_notifications(a, line, doc)
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
                .set_voicemail_settings(a, line, doc)
                .await
                .map(|_| "co_saved")
        }
        "pin" => s
            .app
            .set_voice_pin(a, line, Some(f.get("pin").trim().to_owned()))
            .await
            .map(|()| "co_pin_set"),
        "pin-clear" => s
            .app
            .set_voice_pin(a, line, None)
            .await
            .map(|()| "co_pin_cleared"),
        "pin-unlock" => s
            .app
            .unlock_voice_pin(a, line)
            .await
            .map(|()| "co_pin_unlocked"),
        "greeting-delete" => s
            .app
            .delete_voicemail_greeting(a, line)
            .await
            .map(|()| "co_greeting_deleted"),
        _ => Err(AppError::NotFound),
    }
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
    let outcome = apply(s, a, action, &line.id, f).await;
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
