//! "Services": how the person's own calls are routed, one of their lines at a time: the whole
//! call-handling document with the explain panel, the notifications, the voicemail's message
//! settings and greeting (when their package has voicemail; mailing messages only with
//! `voicemail_to_email`) and the voice-portal PIN. The forms are the company's user tabs' own
//! (`calls`, `mailbox`), through the same use cases as `/api/v1/lines/{id}/…`; any line not
//! the person's is not found here, even for an administrator who may reach it elsewhere.

use crate::WebState;
use crate::calls::{Asked, ExplainPanel, HandlingForm};
use crate::layout::{Chrome, FieldProblem, render};
use crate::mailbox::MailboxForms;
use crate::my_call_log::{has_portal, own_line};
use crate::session::{self, Session, signed_in};
use crate::upload::{UploadError, parse_greeting_form};
use crate::users::{Choice, Fields, done_text, enc};
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use sb_app::AppError;
use sb_app::views::{CallHandlingDoc, LineView, MeView};
use sb_domain::model::Feature;
use serde::Deserialize;

pub const PATH: &str = "/my/services";
pub const GREETING_PATH: &str = "/my/services/voicemail/greeting";

#[derive(Deserialize, Default)]
pub struct ServicesQuery {
    line: Option<String>,
    done: Option<String>,
    /// The explain panel's caller.
    caller: Option<String>,
    anonymous: Option<String>,
}

/// One of the person's lines and everything the page offers for it.
struct Services {
    line: LineView,
    /// The choice of line; empty when the person has one.
    lines: Vec<Choice>,
    line_action: &'static str,
    h: HandlingForm,
    x: ExplainPanel,
    m: MailboxForms,
    /// Whether the person's package has voicemail: its section is shown only then.
    voicemail: bool,
}

#[derive(Template)]
#[template(path = "my_services.html")]
struct Page {
    c: Chrome,
    /// None when there is nothing to show: no portal, no line, or a refusal (the alert says).
    sv: Option<Services>,
    /// A text key for a page without services that is not a refusal.
    note: Option<&'static str>,
}

/// What a refused form sends back to the page: the document as typed, and the refusal by the
/// field it names, in the call-handling form or in the mailbox's.
#[derive(Default)]
struct Typed {
    doc: Option<CallHandlingDoc>,
    /// The addresses typed in the message settings.
    email_to: Option<String>,
    handling: Option<FieldProblem>,
    mailbox: Option<FieldProblem>,
}

fn chrome(session: &Session) -> Chrome {
    let title = crate::i18n::t(session.me.language, "sv_title");
    Chrome::signed_in(session, title, PATH)
}

/// The page without services, its alert for `e`: 404 for a line not the person's, 403 for a
/// refusal of their role, else 500.
fn refused(session: &Session, e: &AppError) -> Response {
    let mut c = chrome(session);
    let (status, alert) = crate::layout::refusal(&c, e);
    c.alert = Some(alert);
    render(
        status,
        &Page {
            c,
            sv: None,
            note: None,
        },
    )
}

/// The signed-in person, or the page to answer instead: the "no portal" notice when their
/// package lacks it.
async fn me_with_portal(s: &WebState, session: &Session) -> Result<MeView, Response> {
    let me = s
        .app
        .me(&session.actor)
        .await
        .map_err(|e| refused(session, &e))?;
    if has_portal(&me) {
        return Ok(me);
    }
    let c = chrome(session).with_alert(crate::i18n::t(session.me.language, "no_portal"));
    Err(render(
        StatusCode::OK,
        &Page {
            c,
            sv: None,
            note: None,
        },
    ))
}

/// `GET /my/services?line=&caller=&anonymous=&done=`: one of the person's lines' services.
pub async fn page(
    State(s): State<WebState>,
    headers: HeaderMap,
    Query(q): Query<ServicesQuery>,
) -> Response {
    let session = match signed_in(&s, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let me = match me_with_portal(&s, &session).await {
        Ok(me) => me,
        Err(r) => return r,
    };
    let mut c = chrome(&session);
    c.info = done_text(&c, q.done.as_deref());
    show(&s, &session, c, &me, &q, Typed::default()).await
}

/// The page of `q`'s line, with what a refused form sent back; 422 when something was refused.
async fn show(
    s: &WebState,
    session: &Session,
    mut c: Chrome,
    me: &MeView,
    q: &ServicesQuery,
    typed: Typed,
) -> Response {
    let mut status = if c.alert.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let (line, lines) = match own_line(me, q.line.as_deref()) {
        Ok(x) => x,
        Err(e) => return refused(session, &e),
    };
    let Some(line) = line else {
        let note = Some("no_lines");
        return render(status, &Page { c, sv: None, note });
    };
    match services(s, session, &c, me, q, line, lines, typed).await {
        Ok((sv, explain_refused)) => {
            if let Some(e) = explain_refused {
                c.alert = Some(crate::users::refusal(c.lang, &e));
                status = StatusCode::UNPROCESSABLE_ENTITY;
            }
            let sv = Some(sv);
            render(status, &Page { c, sv, note: None })
        }
        Err(e) => refused(session, &e),
    }
}

/// Everything the page shows of `line`, from the use cases the company's user tabs call; the
/// refusal of an explanation apart, as the page still shows the rest.
#[expect(
    clippy::too_many_arguments,
    reason = "the page's request, the person, their line and what a refused form sent back"
)]
async fn services(
    s: &WebState,
    session: &Session,
    c: &Chrome,
    me: &MeView,
    q: &ServicesQuery,
    line: LineView,
    lines: Vec<Choice>,
    typed: Typed,
) -> Result<(Services, Option<AppError>), AppError> {
    let a = &session.actor;
    let company = me.user.company_id.clone().ok_or(AppError::NotFound)?;
    let tab = s.app.calls_tab(a, &company, &me.user.id).await?;
    let doc = typed
        .doc
        .unwrap_or_else(|| crate::calls::stored_doc(&tab, Some(&line)));
    let h = crate::calls::handling_form(c, &tab, Some(&line), &doc, typed.handling);
    let asked = Asked {
        caller: q.caller.as_deref(),
        anonymous: q.anonymous.is_some(),
        action: format!("{PATH}#explain"),
    };
    let (x, explain_refused) =
        crate::calls::explain_panel(s, session, c, Some(&line), asked, &h.company_lines).await;
    let mut m = MailboxForms::new(PATH.to_owned(), &line.id, me.user.email.as_deref());
    m.problem = typed.mailbox;
    m.read_notifications(s, a).await?;
    m.read_pin(s, a).await?;
    let voicemail = me.features.contains(&Feature::Voicemail);
    if voicemail {
        m.read_voicemail(s, a).await?;
    }
    if let Some(typed) = typed.email_to {
        m.email_to = typed;
    }
    m.mail_out = me.features.contains(&Feature::VoicemailToEmail);
    let sv = Services {
        line,
        lines,
        line_action: PATH,
        h,
        x,
        m,
        voicemail,
    };
    Ok((sv, explain_refused))
}

/// `POST /my/services/{action}`: one form of the page, on the line it names, CSRF first. A
/// refused value comes back next to its field, with what was typed; nothing changes.
pub async fn act(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(action): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let f = Fields(pairs);
    let session = match session::changing(&s, &headers, f.get("csrf"), false).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let me = match me_with_portal(&s, &session).await {
        Ok(me) => me,
        Err(r) => return r,
    };
    let line = match own_line(&me, Some(f.get("line"))) {
        Ok((Some(l), _)) if l.id == f.get("line") => l,
        Ok(_) => return refused(&session, &AppError::NotFound),
        Err(e) => return refused(&session, &e),
    };
    let a = &session.actor;
    let mut typed = Typed::default();
    let outcome = if action == "calls" {
        let doc = crate::calls::doc_from(&f);
        typed.doc = Some(doc.clone());
        let outcome = s.app.put_call_handling(a, &line.id, doc).await;
        outcome.map(|_| "co_saved")
    } else {
        typed.email_to = (action == "voicemail-settings").then(|| f.get("email_to").to_owned());
        crate::mailbox::apply(&s, a, &action, &line.id, &f).await
    };
    after(&s, &session, &me, &line.id, outcome, typed).await
}

/// Back to the page after a change: a redirect with its notice, or the page with the refusal
/// next to its field (and as the alert), what was typed kept.
async fn after(
    s: &WebState,
    session: &Session,
    me: &MeView,
    line: &str,
    outcome: Result<&'static str, AppError>,
    mut typed: Typed,
) -> Response {
    let e = match outcome {
        Ok(done) => {
            return Redirect::to(&format!("{PATH}?line={}&done={done}", enc(line))).into_response();
        }
        Err(e @ AppError::Invalid(_)) => e,
        Err(e) => return refused(session, &e),
    };
    let lang = session.me.language;
    let text = crate::i18n::errors::refusal_text(lang, &e);
    if typed.doc.is_some() {
        typed.handling = e.field().map(|f| FieldProblem {
            field: crate::calls::field_id(f),
            text,
        });
    } else {
        typed.mailbox = crate::mailbox::field_id(&e).map(|f| FieldProblem {
            field: f.to_owned(),
            text,
        });
    }
    let c = chrome(session).with_alert(crate::users::refusal(lang, &e));
    let q = ServicesQuery {
        line: Some(line.to_owned()),
        ..ServicesQuery::default()
    };
    show(s, session, c, me, &q, typed).await
}

#[derive(Deserialize)]
pub struct LineQuery {
    #[serde(default)]
    line: String,
}

/// `GET /my/services/voicemail/greeting?line=`: the person's line's own greeting, to play.
pub async fn greeting(
    State(s): State<WebState>,
    headers: HeaderMap,
    Query(q): Query<LineQuery>,
) -> Response {
    let session = match signed_in(&s, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let me = match me_with_portal(&s, &session).await {
        Ok(me) => me,
        Err(r) => return r,
    };
    if !me.lines.iter().any(|l| l.id == q.line) {
        return refused(&session, &AppError::NotFound);
    }
    match s.app.voicemail_greeting(&session.actor, &q.line).await {
        Ok(wav) => crate::messages::wav_answer(wav, None),
        Err(e) => refused(&session, &e),
    }
}

/// `POST /my/services/voicemail/greeting`: a WAV or MP3 file from the browser's form, for one
/// of the person's lines. The route alone takes bodies this large; the CSRF field is checked
/// before anything is used, and a file that cannot be used changes nothing.
pub async fn upload(
    State(s): State<WebState>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let Ok(body) = body else {
        // Past the route's limit the body is not read, nor its CSRF field: the page only says
        // why, and nothing changes.
        return too_large(&s, &headers).await;
    };
    let parsed = parse_greeting_form(content_type, body);
    let csrf = parsed.as_ref().map_or("", |f| f.csrf.as_str());
    let session = match session::changing(&s, &headers, csrf, false).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let me = match me_with_portal(&s, &session).await {
        Ok(me) => me,
        Err(r) => return r,
    };
    let form = match parsed {
        Ok(f) if !f.file.is_empty() => f,
        refused_file => {
            let key = match &refused_file {
                Err(UploadError::TooLarge) => "co_greeting_too_large",
                Err(UploadError::Malformed) => "co_greeting_malformed",
                Ok(_) => "co_greeting_no_file",
            };
            let c = chrome(&session).with_alert(crate::i18n::t(session.me.language, key));
            let q = ServicesQuery {
                line: parsed_line(&refused_file),
                ..ServicesQuery::default()
            };
            return show(&s, &session, c, &me, &q, Typed::default()).await;
        }
    };
    if !me.lines.iter().any(|l| l.id == form.line) {
        return refused(&session, &AppError::NotFound);
    }
    let outcome = s
        .app
        .set_voicemail_greeting(&session.actor, &form.line, form.file)
        .await
        .map(|_| "co_greeting_saved");
    after(&s, &session, &me, &form.line, outcome, Typed::default()).await
}

fn parsed_line(parsed: &Result<crate::upload::GreetingForm, UploadError>) -> Option<String> {
    parsed.as_ref().ok().map(|f| f.line.clone())
}

/// The page saying the file was too large (413).
async fn too_large(s: &WebState, headers: &HeaderMap) -> Response {
    let session = match signed_in(s, headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let me = match me_with_portal(s, &session).await {
        Ok(me) => me,
        Err(r) => return r,
    };
    let alert = crate::i18n::t(session.me.language, "co_greeting_too_large");
    let c = chrome(&session).with_alert(alert);
    let q = ServicesQuery::default();
    let mut res = show(s, &session, c, &me, &q, Typed::default()).await;
    *res.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use sb_domain::model::Language;

    #[test]
    fn a_refusal_of_the_call_handling_document_is_shown_by_the_form_field_it_names() {
        let cases = [
            ("forward_all", "forward-all"),
            ("permanent_redirect", "permanent-redirect"),
            ("no_answer.seconds", "na-seconds"),
            ("no_answer.always", "na-always"),
            ("no_answer.divert", "na"),
            ("no_answer.divert.number", "na-number"),
            ("busy.divert.line_id", "busy-line"),
            ("out_of_hours.days", "ooh"),
            ("out_of_hours.days.2.from", "ooh-from-2"),
            ("out_of_hours.days.6.to", "ooh-to-6"),
            ("out_of_hours.divert.number", "ooh-number"),
        ];
        for (api, id) in cases {
            assert_eq!(crate::calls::field_id(api), id, "{api}");
        }
    }

    #[test]
    fn a_refused_address_or_pin_is_shown_by_its_field() {
        let e = AppError::invalid("invalid_email", "email_to.1", "no");
        assert_eq!(crate::mailbox::field_id(&e), Some("email-to"));
        let e = AppError::invalid("pin_six_digits", "pin", "no");
        assert_eq!(crate::mailbox::field_id(&e), Some("pin"));
        assert_eq!(crate::mailbox::field_id(&AppError::NotFound), None);
    }

    /// The template test reads only templates: the keys this module asks for by name.
    #[test]
    fn every_key_the_services_page_asks_for_exists_in_both_languages() {
        let keys = [
            "sv_title",
            "no_lines",
            "no_portal",
            "co_greeting_too_large",
            "co_greeting_malformed",
            "co_greeting_no_file",
            "err_no_voicemail_to_email_in_package",
        ];
        for key in keys {
            for lang in [Language::En, Language::Fr] {
                assert_ne!(crate::i18n::t(lang, key), key, "{key}");
            }
        }
    }
}
