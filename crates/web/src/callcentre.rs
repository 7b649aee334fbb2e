//! Call centre: a company's queues for its administrators (and its reseller or the provider
//! acting for it, under the "Acting for" banner): the list with each queue's live figures,
//! adding, changing and deleting a queue (name, extension, strategy with its timing, agents
//! normal or call in, call-in extension, music or silence, beep, maximum wait and overflow),
//! and the music on hold. The live board and the figures are `callcentre/board.rs`.

use crate::WebState;
mod board;
use crate::i18n::t;
use crate::layout::{Chrome, render};
use crate::provider::{Pairs, error_text, gate, gate_form, not_found, own_company_page};
use crate::session::Session;
use crate::users::place_of;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sb_app::AppError;
use sb_app::queues::{AgentInput, AgentKind, CallInHold, OverflowDoc, QueueInput, QueueView};
use sb_app::views::LineView;
use sb_domain::model::{Language, QueueOverflow, QueueStrategy, Role};
use serde::Deserialize;

pub const ADMINS: &[Role] = &[Role::CompanyAdmin, Role::ResellerAdmin, Role::SystemAdmin];

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/admin/queues", get(own))
        .route("/admin/companies/{id}/queues", get(list).post(create))
        .route(
            "/admin/companies/{id}/queues/live",
            get(board::overview_live),
        )
        .route("/admin/companies/{id}/queues/{q}", get(edit).post(update))
        .route("/admin/companies/{id}/queues/{q}/delete", post(delete))
        .route(
            "/admin/companies/{id}/queues/{q}/music",
            post(upload_music).layer(
                // The one queue route that takes a file: the audio limit, not the forms'.
                axum::extract::DefaultBodyLimit::max(crate::upload::MAX_FORM_BYTES),
            ),
        )
        .route(
            "/admin/companies/{id}/queues/{q}/music/delete",
            post(remove_music),
        )
        .route("/admin/companies/{id}/queues/{q}/board", get(board::show))
        .route(
            "/admin/companies/{id}/queues/{q}/board/live",
            get(board::live),
        )
}

pub fn list_path(id: &str) -> String {
    format!("/admin/companies/{id}/queues")
}

/// The text key of a strategy, an overflow or a kind of agent.
pub fn strategy_key(s: QueueStrategy) -> &'static str {
    match s {
        QueueStrategy::RingAll => "cc_ring_all",
        QueueStrategy::TopDown => "cc_top_down",
        QueueStrategy::RoundRobin => "cc_round_robin",
        QueueStrategy::RingProgressively => "cc_ring_progressively",
    }
}

fn overflow_key(o: QueueOverflow) -> &'static str {
    match o {
        QueueOverflow::HangUp => "cc_hang_up",
        QueueOverflow::Voicemail => "cc_voicemail",
        QueueOverflow::Redirect => "cc_redirect",
    }
}

pub fn kind_code(k: AgentKind) -> &'static str {
    match k {
        AgentKind::Normal => "normal",
        AgentKind::CallIn => "call_in",
    }
}

/// A refused change as the person reads it: this area's text for the code when it has one,
/// else the shared wording of the provider pages.
pub fn reason(lang: Language, e: &AppError) -> String {
    let key = format!("cc_err_{}", e.code());
    match t(lang, &key) {
        text if text != key => text.to_owned(),
        _ => error_text(lang, e),
    }
}

/// A value of a select: its code, its text key, whether chosen.
pub struct Opt {
    pub code: &'static str,
    pub key: &'static str,
    pub chosen: bool,
}

/// One line of the company in the agents table.
pub struct AgentRow {
    pub line_id: String,
    pub label: String,
    /// "", "normal" or "call_in".
    pub kind: String,
    pub order: String,
    /// Why the use case refused this agent.
    pub error: Option<String>,
}

impl AgentRow {
    pub fn is(&self, code: &str) -> bool {
        self.kind == code
    }
}

/// A queue form as typed, kept when the form is refused, with the refusal next to its field.
#[derive(Default)]
pub struct QueueForm {
    pub name: String,
    pub extension: String,
    pub strategy: String,
    pub ring_seconds: String,
    pub progressive_delay_seconds: String,
    pub max_wait_seconds: String,
    pub overflow: String,
    pub overflow_line: String,
    pub call_in_extension: String,
    pub silence: bool,
    pub beep: bool,
    pub agents: Vec<AgentRow>,
    /// The refused field (a form field's name) and why.
    pub error: Option<(String, String)>,
}

fn label_of(l: &LineView) -> String {
    match &l.calling_name {
        Some(n) => format!("{} · {n}", l.extension),
        None => format!("{} · {}", l.extension, l.account_name),
    }
}

impl QueueForm {
    /// A new queue's form: ring progressively's default delay, five minutes' wait, a beep.
    fn blank(lines: &[LineView]) -> Self {
        Self {
            strategy: "ring_all".into(),
            ring_seconds: "15".into(),
            progressive_delay_seconds: "10".into(),
            max_wait_seconds: "300".into(),
            overflow: "hang_up".into(),
            beep: true,
            agents: Self::rows(lines, |_| (String::new(), String::new())),
            ..Self::default()
        }
    }

    fn rows(lines: &[LineView], of: impl Fn(&LineView) -> (String, String)) -> Vec<AgentRow> {
        lines
            .iter()
            .map(|l| {
                let (kind, order) = of(l);
                AgentRow {
                    line_id: l.id.clone(),
                    label: label_of(l),
                    kind,
                    order,
                    error: None,
                }
            })
            .collect()
    }

    fn of(q: &QueueView, lines: &[LineView]) -> Self {
        Self {
            name: q.name.clone(),
            extension: q.extension.clone(),
            strategy: q.strategy.as_str().into(),
            ring_seconds: q.ring_seconds.to_string(),
            progressive_delay_seconds: q.progressive_delay_seconds.to_string(),
            max_wait_seconds: q.max_wait_seconds.to_string(),
            overflow: q.overflow.action.as_str().into(),
            overflow_line: q.overflow.line_id.clone().unwrap_or_default(),
            call_in_extension: q.call_in_extension.clone().unwrap_or_default(),
            silence: q.call_in_hold == CallInHold::Silence,
            beep: q.call_in_beep,
            agents: Self::rows(lines, |l| {
                match q.agents.iter().position(|a| a.line_id == l.id) {
                    Some(i) => (kind_code(q.agents[i].kind).into(), (i + 1).to_string()),
                    None => (String::new(), String::new()),
                }
            }),
            error: None,
        }
    }

    fn posted(f: &Pairs, lines: &[LineView]) -> Self {
        Self {
            name: f.get("name").into(),
            extension: f.get("extension").into(),
            strategy: f.get("strategy").into(),
            ring_seconds: f.get("ring_seconds").into(),
            progressive_delay_seconds: f.get("progressive_delay_seconds").into(),
            max_wait_seconds: f.get("max_wait_seconds").into(),
            overflow: f.get("overflow").into(),
            overflow_line: f.get("overflow_line").into(),
            call_in_extension: f.get("call_in_extension").into(),
            silence: f.get("call_in_hold") == "silence",
            beep: !f.get("call_in_beep").is_empty(),
            agents: Self::rows(lines, |l| {
                (
                    f.get(&format!("agent_{}", l.id)).into(),
                    f.get(&format!("order_{}", l.id)).into(),
                )
            }),
            error: None,
        }
    }

    /// The agents chosen, in their order (then in the table's), as line ids.
    fn chosen(&self) -> Vec<&AgentRow> {
        let mut picked: Vec<(i64, usize, &AgentRow)> = self
            .agents
            .iter()
            .enumerate()
            .filter(|(_, a)| !a.kind.is_empty())
            .map(|(i, a)| (a.order.trim().parse().unwrap_or(i64::MAX), i, a))
            .collect();
        picked.sort_by_key(|(order, i, _)| (*order, *i));
        picked.into_iter().map(|(_, _, a)| a).collect()
    }

    fn input(&self) -> Result<QueueInput, AppError> {
        let choice = |field: &str| {
            AppError::invalid("invalid_choice", field, "Choose one of the listed values.")
        };
        let seconds = |field: &str, v: &str| match v.trim() {
            "" => Ok(None),
            v => v
                .parse()
                .map(Some)
                .map_err(|_| AppError::invalid("not_a_number", field, "Type a whole number.")),
        };
        let strategy =
            QueueStrategy::from_text(&self.strategy).ok_or_else(|| choice("strategy"))?;
        let action = QueueOverflow::from_text(&self.overflow).ok_or_else(|| choice("overflow"))?;
        let mut agents = Vec::new();
        for a in self.chosen() {
            let kind = match a.kind.as_str() {
                "normal" => AgentKind::Normal,
                "call_in" => AgentKind::CallIn,
                _ => return Err(choice(&format!("agent_{}", a.line_id))),
            };
            agents.push(AgentInput {
                line_id: a.line_id.clone(),
                kind,
            });
        }
        let opt = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        Ok(QueueInput {
            name: self.name.clone(),
            extension: self.extension.trim().to_owned(),
            strategy,
            ring_seconds: seconds("ring_seconds", &self.ring_seconds)?,
            progressive_delay_seconds: seconds(
                "progressive_delay_seconds",
                &self.progressive_delay_seconds,
            )?,
            max_wait_seconds: seconds("max_wait_seconds", &self.max_wait_seconds)?,
            overflow: Some(OverflowDoc {
                action,
                line_id: opt(&self.overflow_line).filter(|_| action != QueueOverflow::HangUp),
            }),
            agents,
            call_in_extension: opt(&self.call_in_extension),
            call_in_hold: if self.silence {
                CallInHold::Silence
            } else {
                CallInHold::Music
            },
            call_in_beep: self.beep,
        })
    }

    /// Puts the refusal next to its field: the use case names agents by their place in the
    /// list it was given (`agents.2.kind`), the form by line.
    fn refuse(&mut self, lang: Language, e: &AppError) {
        let text = reason(lang, e);
        let field = e.field().unwrap_or("");
        let name = match field.strip_prefix("agents.") {
            Some(rest) => {
                let i: Option<usize> = rest.split('.').next().and_then(|i| i.parse().ok());
                match i.and_then(|i| self.chosen().get(i).map(|a| a.line_id.clone())) {
                    Some(line) => format!("agent_{line}"),
                    None => "agents".to_owned(),
                }
            }
            None if field == "overflow.line_id" => "overflow_line".to_owned(),
            None => field.to_owned(),
        };
        if let Some(line) = name.strip_prefix("agent_")
            && let Some(row) = self.agents.iter_mut().find(|a| a.line_id == line)
        {
            row.error = Some(text.clone());
        }
        self.error = Some((name, text));
    }

    /// Why the field `name` was refused, if it was.
    pub fn err(&self, name: &str) -> Option<&str> {
        match &self.error {
            Some((f, text)) if f == name => Some(text),
            _ => None,
        }
    }

    pub fn strategies(&self) -> Vec<Opt> {
        QueueStrategy::ALL
            .iter()
            .map(|s| Opt {
                code: s.as_str(),
                key: strategy_key(*s),
                chosen: self.strategy == s.as_str(),
            })
            .collect()
    }

    pub fn overflows(&self) -> Vec<Opt> {
        QueueOverflow::ALL
            .iter()
            .map(|o| Opt {
                code: o.as_str(),
                key: overflow_key(*o),
                chosen: self.overflow == o.as_str(),
            })
            .collect()
    }
}

/// The company a page is about: whether someone acts for it (the banner), and its lines.
pub struct Company {
    pub acting_for: Option<String>,
    pub lines: Vec<LineView>,
}

pub async fn company(s: &WebState, session: &Session, id: &str) -> Result<Company, AppError> {
    let co = s.app.company_ref(&session.actor, id).await?;
    let lines = s
        .app
        .list_lines(&session.actor, &co.id, sb_app::Page::first(500))
        .await?
        .items;
    Ok(Company {
        acting_for: place_of(session, co).acting_for,
        lines,
    })
}

/// Queue `q` of company `id`; another company's queue under this path is not found.
pub async fn queue_of(
    s: &WebState,
    session: &Session,
    id: &str,
    q: &str,
) -> Result<QueueView, AppError> {
    let v = s.app.get_queue(&session.actor, q).await?;
    if v.company_id != id {
        return Err(AppError::NotFound);
    }
    Ok(v)
}

/// A page that could not be shown: 404 for what is not there or another tenant's.
pub fn failure(session: &Session, here: &str, e: &AppError) -> Response {
    match e {
        AppError::NotFound => not_found(session, here),
        e => crate::provider::failed(
            Chrome::signed_in(session, t(session.me.language, "cc_title"), here),
            e,
        ),
    }
}

#[derive(Template)]
#[template(path = "callcentre_queues.html")]
struct ListPage {
    c: Chrome,
    id: String,
    acting_for: Option<String>,
    rows: Vec<board::OverviewRow>,
    form: QueueForm,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Notice {
    done: String,
}

impl Notice {
    fn apply(&self, c: &mut Chrome) {
        let key = match self.done.as_str() {
            "saved" => "cc_saved",
            "deleted" => "cc_deleted",
            _ => return,
        };
        c.info = Some(c.t(key).to_owned());
    }
}

async fn list_page(
    s: &WebState,
    session: &Session,
    id: &str,
    form: Option<QueueForm>,
    notice: &Notice,
) -> Response {
    let here = list_path(id);
    let (co, rows) = match company(s, session, id).await {
        Ok(co) => match board::overview(s, session, id).await {
            Ok(rows) => (co, rows),
            Err(e) => return failure(session, &here, &e),
        },
        Err(e) => return failure(session, &here, &e),
    };
    let mut c = Chrome::signed_in(session, t(session.me.language, "cc_title"), &here);
    notice.apply(&mut c);
    let form = form.unwrap_or_else(|| QueueForm::blank(&co.lines));
    let status = refused_status(&mut c, &form);
    let page = ListPage {
        c,
        id: id.to_owned(),
        acting_for: co.acting_for,
        rows,
        form,
    };
    render(status, &page)
}

/// A refused form's alert at the top of the page too (role=alert), and its status.
fn refused_status(c: &mut Chrome, form: &QueueForm) -> StatusCode {
    match &form.error {
        Some((_, text)) => {
            c.alert = Some(text.clone());
            StatusCode::UNPROCESSABLE_ENTITY
        }
        None => StatusCode::OK,
    }
}

/// A company administrator's own company's queues.
pub async fn own(State(s): State<WebState>, headers: HeaderMap) -> Response {
    own_company_page(&s, &headers, "/admin/queues", "queues").await
}

pub async fn list(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(n): Query<Notice>,
) -> Response {
    match gate(&s, &headers, ADMINS, &list_path(&id)).await {
        Ok(session) => list_page(&s, &session, &id, None, &n).await,
        Err(r) => r,
    }
}

pub async fn create(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::extract::Form(f): axum::extract::Form<Vec<(String, String)>>,
) -> Response {
    let f = Pairs(f);
    let here = list_path(&id);
    let session = match gate_form(&s, &headers, f.get("csrf"), ADMINS, &here).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let co = match company(&s, &session, &id).await {
        Ok(co) => co,
        Err(e) => return failure(&session, &here, &e),
    };
    let mut form = QueueForm::posted(&f, &co.lines);
    let result = match form.input() {
        Ok(input) => s.app.create_queue(&session.actor, &id, input).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(q) => Redirect::to(&format!("{here}/{}?done=saved", q.id)).into_response(),
        Err(AppError::NotFound) => not_found(&session, &here),
        Err(e) => {
            form.refuse(session.me.language, &e);
            list_page(&s, &session, &id, Some(form), &Notice::default()).await
        }
    }
}

#[derive(Template)]
#[template(path = "callcentre_queue.html")]
struct EditPage {
    c: Chrome,
    id: String,
    q: QueueView,
    acting_for: Option<String>,
    form: QueueForm,
}

async fn edit_page(
    s: &WebState,
    session: &Session,
    id: &str,
    q: &str,
    form: Option<QueueForm>,
    alert: Option<String>,
    notice: &Notice,
) -> Response {
    let here = format!("{}/{q}", list_path(id));
    let loaded = match company(s, session, id).await {
        Ok(co) => queue_of(s, session, id, q).await.map(|v| (co, v)),
        Err(e) => Err(e),
    };
    let (co, view) = match loaded {
        Ok(v) => v,
        Err(e) => return failure(session, &here, &e),
    };
    let mut c = Chrome::signed_in(session, &view.name, &here);
    notice.apply(&mut c);
    let form = form.unwrap_or_else(|| QueueForm::of(&view, &co.lines));
    let mut status = refused_status(&mut c, &form);
    if let Some(a) = alert {
        c.alert = Some(a);
        status = StatusCode::UNPROCESSABLE_ENTITY;
    }
    let page = EditPage {
        c,
        id: id.to_owned(),
        q: view,
        acting_for: co.acting_for,
        form,
    };
    render(status, &page)
}

pub async fn edit(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, q)): Path<(String, String)>,
    Query(n): Query<Notice>,
) -> Response {
    match gate(&s, &headers, ADMINS, &list_path(&id)).await {
        Ok(session) => edit_page(&s, &session, &id, &q, None, None, &n).await,
        Err(r) => r,
    }
}

pub async fn update(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, q)): Path<(String, String)>,
    axum::extract::Form(f): axum::extract::Form<Vec<(String, String)>>,
) -> Response {
    let f = Pairs(f);
    let here = format!("{}/{q}", list_path(&id));
    let session = match gate_form(&s, &headers, f.get("csrf"), ADMINS, &here).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let co = match company(&s, &session, &id).await {
        Ok(co) => co,
        Err(e) => return failure(&session, &here, &e),
    };
    let mut form = QueueForm::posted(&f, &co.lines);
    let result = async {
        queue_of(&s, &session, &id, &q).await?;
        s.app.update_queue(&session.actor, &q, form.input()?).await
    }
    .await;
    match result {
        Ok(_) => Redirect::to(&format!("{here}?done=saved")).into_response(),
        Err(AppError::NotFound) => not_found(&session, &here),
        Err(e) => {
            form.refuse(session.me.language, &e);
            edit_page(&s, &session, &id, &q, Some(form), None, &Notice::default()).await
        }
    }
}

pub async fn delete(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, q)): Path<(String, String)>,
    axum::extract::Form(f): axum::extract::Form<crate::provider::CsrfForm>,
) -> Response {
    let here = format!("{}/{q}", list_path(&id));
    let session = match gate_form(&s, &headers, &f.csrf, ADMINS, &here).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let result = async {
        queue_of(&s, &session, &id, &q).await?;
        s.app.delete_queue(&session.actor, &q).await
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&format!("{}?done=deleted", list_path(&id))).into_response(),
        Err(e @ AppError::NotFound) => failure(&session, &here, &e),
        Err(e) => {
            let alert = reason(session.me.language, &e);
            edit_page(&s, &session, &id, &q, None, Some(alert), &Notice::default()).await
        }
    }
}

/// The music form: WAV or MP3 in `multipart/form-data`, read by the greeting form's parser
/// (its file field is named `greeting`; the CSRF field first, nothing used before it is
/// checked).
pub async fn upload_music(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, q)): Path<(String, String)>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let here = format!("{}/{q}", list_path(&id));
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let parsed = match body {
        Ok(body) => crate::upload::parse_greeting_form(content_type, body),
        Err(_) => Err(crate::upload::UploadError::TooLarge),
    };
    let csrf = parsed.as_ref().map_or("", |f| f.csrf.as_str());
    let csrf_ok = gate_form(&s, &headers, csrf, ADMINS, &here).await;
    let session = match csrf_ok {
        Ok(v) => v,
        // Past the limit the body is not read, nor its token: the page only says why.
        Err(r) if !matches!(parsed, Err(crate::upload::UploadError::TooLarge)) => return r,
        Err(r) => match gate(&s, &headers, ADMINS, &here).await {
            Ok(session) => {
                let alert = t(session.me.language, "cc_music_too_large").to_owned();
                let n = Notice::default();
                let mut res = edit_page(&s, &session, &id, &q, None, Some(alert), &n).await;
                *res.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
                return res;
            }
            Err(_) => return r,
        },
    };
    let key = match &parsed {
        Ok(f) if !f.file.is_empty() => None,
        Ok(_) => Some("cc_music_no_file"),
        Err(_) => Some("cc_music_malformed"),
    };
    let result = match (key, parsed) {
        (None, Ok(f)) => match queue_of(&s, &session, &id, &q).await {
            Ok(_) => s
                .app
                .set_queue_music(&session.actor, &q, f.file)
                .await
                .map(|_| ()),
            Err(e) => Err(e),
        },
        (key, _) => {
            let alert = t(session.me.language, key.unwrap_or("cc_music_malformed")).to_owned();
            let n = Notice::default();
            return edit_page(&s, &session, &id, &q, None, Some(alert), &n).await;
        }
    };
    after_music(&s, &session, &id, &q, result).await
}

async fn after_music(
    s: &WebState,
    session: &Session,
    id: &str,
    q: &str,
    result: Result<(), AppError>,
) -> Response {
    let here = format!("{}/{q}", list_path(id));
    match result {
        Ok(()) => Redirect::to(&format!("{here}?done=saved")).into_response(),
        Err(e @ AppError::NotFound) => failure(session, &here, &e),
        Err(e) => {
            let alert = reason(session.me.language, &e);
            edit_page(s, session, id, q, None, Some(alert), &Notice::default()).await
        }
    }
}

pub async fn remove_music(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, q)): Path<(String, String)>,
    axum::extract::Form(f): axum::extract::Form<crate::provider::CsrfForm>,
) -> Response {
    let here = format!("{}/{q}", list_path(&id));
    let session = match gate_form(&s, &headers, &f.csrf, ADMINS, &here).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let result = match queue_of(&s, &session, &id, &q).await {
        Ok(_) => s.app.delete_queue_music(&session.actor, &q).await,
        Err(e) => Err(e),
    };
    after_music(&s, &session, &id, &q, result).await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys chosen at run time, which the template test cannot see, exist in both languages.
    #[test]
    fn every_strategy_overflow_kind_and_state_has_its_text() {
        let mut keys: Vec<&str> = QueueStrategy::ALL
            .iter()
            .map(|s| strategy_key(*s))
            .collect();
        keys.extend(QueueOverflow::ALL.iter().map(|o| overflow_key(*o)));
        keys.extend(["cc_normal", "cc_call_in", "cc_saved", "cc_deleted"]);
        keys.extend([
            "cc_available",
            "cc_ringing",
            "cc_on_a_call",
            "cc_logged_out",
        ]);
        for key in keys {
            for lang in [Language::En, Language::Fr] {
                assert_ne!(t(lang, key), key, "{key} in {lang:?}");
            }
        }
    }

    fn line(id: &str, ext: &str) -> LineView {
        LineView {
            id: id.into(),
            company_id: "c".into(),
            user_id: None,
            extension: ext.into(),
            account_name: format!("a{ext}"),
            calling_name: None,
            numbers: Vec::new(),
            default_number: None,
            presentation_number: None,
            sip_username: String::new(),
        }
    }

    #[test]
    fn agents_go_in_their_typed_order_and_a_refusal_lands_by_its_line() {
        let lines = [line("l1", "201"), line("l2", "202"), line("l3", "203")];
        let f = Pairs(
            [
                ("name", "Help"),
                ("extension", "600"),
                ("strategy", "ring_all"),
                ("overflow", "hang_up"),
                ("agent_l1", "normal"),
                ("order_l1", "2"),
                ("agent_l3", "call_in"),
                ("order_l3", "1"),
                ("order_l2", "0"),
            ]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        );
        let mut form = QueueForm::posted(&f, &lines);
        let input = form.input().unwrap();
        let order: Vec<&str> = input.agents.iter().map(|a| a.line_id.as_str()).collect();
        assert_eq!(order, ["l3", "l1"], "l2 is not an agent; l3 comes first");
        let e = AppError::invalid("call_in_with_ring_all", "agents.0.kind", "No.");
        form.refuse(Language::En, &e);
        let l3 = form.agents.iter().find(|a| a.line_id == "l3").unwrap();
        assert!(l3.error.as_deref().unwrap().contains("Ring all"));
        assert!(form.agents.iter().filter(|a| a.error.is_some()).count() == 1);
        let e = AppError::invalid("out_of_range", "max_wait_seconds", "No.");
        form.refuse(Language::Fr, &e);
        assert!(
            form.err("max_wait_seconds")
                .unwrap()
                .contains("valeurs permises")
        );
    }
}
