//! Reports: a company's scheduled reports (Phone Number Usage, call volume per line and per
//! department, queue figures, the audit) with their next and last run, a form to add one and
//! to change one (when: daily, weekly on a weekday, monthly on a day, at a time of the
//! company's zone; who gets it), "Run now", and each report's run history. For the company's
//! administrators and for its reseller or the provider acting for it.

use crate::WebState;
use crate::i18n::t;
use crate::layout::{Chrome, render};
use crate::provider::{
    error_status, error_text, failed, gate, gate_form, not_found, own_company_page,
};
use crate::session::Session;
use crate::users::{Place, place_of};
use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sb_app::AppError;
use sb_app::reports::{ReportInput, ReportRunView, ReportView};
use sb_domain::model::{Language, Role};
use sb_domain::reports::{FrequencyName, ReportKind};
use serde::Deserialize;

const ADMINS: &[Role] = &[Role::CompanyAdmin, Role::ResellerAdmin, Role::SystemAdmin];

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/admin/reports", get(own))
        .route("/admin/companies/{id}/reports", get(list).post(create))
        .route(
            "/admin/companies/{id}/reports/{rep}",
            get(edit).post(update),
        )
        .route("/admin/companies/{id}/reports/{rep}/run", post(run_now))
        .route("/admin/companies/{id}/reports/{rep}/delete", post(delete))
}

fn list_path(id: &str) -> String {
    format!("/admin/companies/{id}/reports")
}

fn report_path(id: &str, rep: &str) -> String {
    format!("/admin/companies/{id}/reports/{rep}")
}

/// The text of a refused change: this area's own text for its codes, else the shared one.
fn alert_text(c: &Chrome, e: &AppError) -> String {
    let key = format!("rp_err_{}", e.code());
    match c.t(&key) {
        text if text != key => text.to_owned(),
        _ => error_text(c.lang, e),
    }
}

fn shown(c: &mut Chrome, alert: Option<&AppError>, notice: Option<&str>) -> StatusCode {
    match (alert, notice) {
        (Some(e), _) => {
            c.alert = Some(alert_text(c, e));
            error_status(e)
        }
        (None, Some(key)) => {
            c.info = Some(c.t(key).to_owned());
            StatusCode::OK
        }
        (None, None) => StatusCode::OK,
    }
}

/// A report as its row of the list shows it.
pub struct Row {
    pub r: ReportView,
    pub kind: String,
    pub when: String,
    pub last: String,
}

/// When a report runs, in words: "Weekly, Monday, 08:00 (Europe/Paris)".
fn when(lang: sb_domain::model::Language, r: &ReportView) -> String {
    let freq = t(lang, &format!("rp_freq_{}", r.frequency.as_str())).to_owned();
    let detail = match (r.frequency, r.weekday, r.day_of_month) {
        (FrequencyName::Weekly, Some(w), _) => format!(", {}", t(lang, &format!("rp_wd_{w}"))),
        (FrequencyName::Monthly, _, Some(d)) => format!(", {} {d}", t(lang, "rp_day")),
        _ => String::new(),
    };
    format!("{freq}{detail}, {} ({})", r.time, r.time_zone)
}

/// A run in words: its status and when it ran.
fn last_text(lang: sb_domain::model::Language, run: Option<&ReportRunView>) -> String {
    match run {
        Some(run) => format!(
            "{} {}",
            t(lang, &format!("rp_status_{}", run.status)),
            run.ran_at_local
        ),
        None => t(lang, "rp_never").to_owned(),
    }
}

/// A run as a row of the history.
pub struct RunRow {
    pub run: ReportRunView,
    pub status: String,
    pub trigger: String,
    /// Why the run failed, in the page's language when the portal knows the reason.
    pub error: Option<String>,
}

/// A run of the history as the page shows it.
fn run_row(lang: Language, run: ReportRunView) -> RunRow {
    RunRow {
        status: format!("rp_status_{}", run.status),
        trigger: format!("rp_trigger_{}", run.trigger),
        error: run.error.as_deref().map(|e| match e {
            sb_app::reports::MAIL_LIMIT_REACHED => t(lang, "rp_error_mail_limit").to_owned(),
            other => other.to_owned(),
        }),
        run,
    }
}

/// The fields of a report form, as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ReportForm {
    csrf: String,
    name: String,
    kind: String,
    frequency: String,
    weekday: String,
    day_of_month: String,
    time: String,
    /// Addresses, one per line (commas and spaces separate them too).
    recipients: String,
}

impl ReportForm {
    fn blank() -> Self {
        Self {
            kind: "number_usage".into(),
            frequency: "weekly".into(),
            weekday: "1".into(),
            day_of_month: "1".into(),
            time: "08:00".into(),
            ..Self::default()
        }
    }
    fn of(r: &ReportView) -> Self {
        Self {
            csrf: String::new(),
            name: r.name.clone(),
            kind: r.kind.as_str().to_owned(),
            frequency: r.frequency.as_str().to_owned(),
            weekday: r.weekday.unwrap_or(1).to_string(),
            day_of_month: r.day_of_month.unwrap_or(1).to_string(),
            time: r.time.clone(),
            recipients: r.recipients.join("\n"),
        }
    }
    fn input(&self) -> Result<ReportInput, AppError> {
        let kind = ReportKind::from_text(&self.kind)
            .ok_or_else(|| AppError::invalid("invalid_kind", "kind", "Choose a listed report."))?;
        let frequency = FrequencyName::from_text(&self.frequency).ok_or_else(|| {
            AppError::invalid(
                "invalid_frequency",
                "frequency",
                "Choose a listed frequency.",
            )
        })?;
        let number = |field: &str, v: &str| -> Result<Option<i64>, AppError> {
            match v.trim() {
                "" => Ok(None),
                n => n
                    .parse()
                    .map(Some)
                    .map_err(|_| AppError::invalid("not_a_number", field, "Type a whole number.")),
            }
        };
        Ok(ReportInput {
            name: self.name.clone(),
            kind,
            frequency,
            weekday: number("weekday", &self.weekday)?,
            day_of_month: number("day_of_month", &self.day_of_month)?,
            time: self.time.clone(),
            recipients: self
                .recipients
                .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        })
    }
    pub fn is_kind(&self, k: &str) -> bool {
        self.kind == k
    }
    pub fn is_frequency(&self, f: &str) -> bool {
        self.frequency == f
    }
    pub fn is_weekday(&self, w: &u8) -> bool {
        self.weekday.trim() == w.to_string()
    }
}

/// The choices of the form's lists: (value, text key).
pub struct Choices {
    pub kinds: Vec<(&'static str, String)>,
    pub frequencies: Vec<(&'static str, String)>,
    pub weekdays: Vec<(u8, String)>,
}

fn choices() -> Choices {
    Choices {
        kinds: ReportKind::ALL
            .iter()
            .map(|k| (k.as_str(), format!("rp_kind_{}", k.as_str())))
            .collect(),
        frequencies: ["daily", "weekly", "monthly"]
            .into_iter()
            .map(|f| (f, format!("rp_freq_{f}")))
            .collect(),
        weekdays: (1..=7u8).map(|w| (w, format!("rp_wd_{w}"))).collect(),
    }
}

#[derive(Template)]
#[template(path = "company_reports.html")]
struct ListPage {
    c: Chrome,
    /// The company, and whom a provider acts for (the banner).
    place: Place,
    id: String,
    rows: Vec<Row>,
    form: ReportForm,
    choices: Choices,
}

#[derive(Template)]
#[template(path = "company_report.html")]
struct EditPage {
    c: Chrome,
    place: Place,
    id: String,
    rep: String,
    form: ReportForm,
    choices: Choices,
    next_run: String,
    runs: Vec<RunRow>,
}

async fn list_page(
    s: &WebState,
    session: &Session,
    id: &str,
    form: ReportForm,
    alert: Option<&AppError>,
    notice: Option<&str>,
) -> Response {
    let lang = session.me.language;
    let here = list_path(id);
    let loaded = async {
        let co = s.app.company_ref(&session.actor, id).await?;
        Ok::<_, AppError>((
            place_of(session, co),
            s.app.list_reports(&session.actor, id).await?,
        ))
    }
    .await;
    let (place, all) = match loaded {
        Ok(v) => v,
        Err(AppError::NotFound) => return not_found(session, &here),
        Err(e) => return failed(Chrome::signed_in(session, t(lang, "rp_title"), &here), &e),
    };
    let mut c = Chrome::signed_in(session, t(lang, "rp_title"), &here);
    let status = shown(&mut c, alert, notice);
    let rows = all
        .into_iter()
        .map(|r| Row {
            kind: format!("rp_kind_{}", r.kind.as_str()),
            when: when(lang, &r),
            last: last_text(lang, r.last_run.as_ref()),
            r,
        })
        .collect();
    let page = ListPage {
        c,
        place,
        id: id.to_owned(),
        rows,
        form,
        choices: choices(),
    };
    render(status, &page)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Notice {
    saved: String,
    ran: String,
}

impl Notice {
    fn key(&self) -> Option<&'static str> {
        if self.ran == "1" {
            Some("rp_ran")
        } else if self.saved == "1" {
            Some("rp_saved")
        } else {
            None
        }
    }
}

/// A company administrator's own company's reports.
pub async fn own(State(s): State<WebState>, headers: HeaderMap) -> Response {
    own_company_page(&s, &headers, "/admin/reports", "reports").await
}

pub async fn list(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<Notice>,
) -> Response {
    match gate(&s, &headers, ADMINS, &list_path(&id)).await {
        Ok(session) => list_page(&s, &session, &id, ReportForm::blank(), None, q.key()).await,
        Err(r) => r,
    }
}

pub async fn create(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<ReportForm>,
) -> Response {
    let session = match gate_form(&s, &headers, &f.csrf, ADMINS, &list_path(&id)).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let result = async { s.app.create_report(&session.actor, &id, f.input()?).await }.await;
    match result {
        Ok(r) => Redirect::to(&format!("{}?saved=1", report_path(&id, &r.id))).into_response(),
        Err(e) => list_page(&s, &session, &id, f, Some(&e), None).await,
    }
}

/// Report `rep` of company `id`; another company's report under this company's path is not
/// found either.
async fn report_of(
    s: &WebState,
    session: &Session,
    id: &str,
    rep: &str,
) -> Result<ReportView, AppError> {
    let r = s.app.get_report(&session.actor, rep).await?;
    if r.company_id != id {
        return Err(AppError::NotFound);
    }
    Ok(r)
}

async fn edit_page(
    s: &WebState,
    session: &Session,
    (id, rep): (&str, &str),
    form: Option<ReportForm>,
    alert: Option<&AppError>,
    notice: Option<&str>,
) -> Response {
    let lang = session.me.language;
    let here = report_path(id, rep);
    let loaded = async {
        let r = report_of(s, session, id, rep).await?;
        let runs = s.app.report_runs(&session.actor, rep).await?;
        let co = s.app.company_ref(&session.actor, id).await?;
        Ok::<_, AppError>((r, runs, place_of(session, co)))
    }
    .await;
    let (r, runs, place) = match loaded {
        Ok(v) => v,
        Err(AppError::NotFound) => return not_found(session, &here),
        Err(e) => return failed(Chrome::signed_in(session, t(lang, "rp_title"), &here), &e),
    };
    let mut c = Chrome::signed_in(session, &r.name, &here);
    let status = shown(&mut c, alert, notice);
    let runs = runs.into_iter().map(|run| run_row(lang, run)).collect();
    let page = EditPage {
        c,
        place,
        id: id.to_owned(),
        rep: rep.to_owned(),
        next_run: format!("{} ({})", r.next_run_local, r.time_zone),
        form: form.unwrap_or_else(|| ReportForm::of(&r)),
        choices: choices(),
        runs,
    };
    render(status, &page)
}

pub async fn edit(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, rep)): Path<(String, String)>,
    Query(q): Query<Notice>,
) -> Response {
    match gate(&s, &headers, ADMINS, &list_path(&id)).await {
        Ok(session) => edit_page(&s, &session, (&id, &rep), None, None, q.key()).await,
        Err(r) => r,
    }
}

pub async fn update(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, rep)): Path<(String, String)>,
    Form(f): Form<ReportForm>,
) -> Response {
    let session = match gate_form(&s, &headers, &f.csrf, ADMINS, &list_path(&id)).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let result = async {
        report_of(&s, &session, &id, &rep).await?;
        s.app.update_report(&session.actor, &rep, f.input()?).await
    }
    .await;
    match result {
        Ok(_) => Redirect::to(&format!("{}?saved=1", report_path(&id, &rep))).into_response(),
        Err(AppError::NotFound) => not_found(&session, &list_path(&id)),
        Err(e) => edit_page(&s, &session, (&id, &rep), Some(f), Some(&e), None).await,
    }
}

pub async fn run_now(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, rep)): Path<(String, String)>,
    Form(f): Form<crate::provider::CsrfForm>,
) -> Response {
    let session = match gate_form(&s, &headers, &f.csrf, ADMINS, &list_path(&id)).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let result = async {
        report_of(&s, &session, &id, &rep).await?;
        s.app.run_report_now(&session.actor, &rep).await
    }
    .await;
    match result {
        Ok(_) => Redirect::to(&format!("{}?ran=1", report_path(&id, &rep))).into_response(),
        Err(AppError::NotFound) => not_found(&session, &list_path(&id)),
        Err(e) => edit_page(&s, &session, (&id, &rep), None, Some(&e), None).await,
    }
}

pub async fn delete(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, rep)): Path<(String, String)>,
    Form(f): Form<crate::provider::CsrfForm>,
) -> Response {
    let session = match gate_form(&s, &headers, &f.csrf, ADMINS, &list_path(&id)).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let result = async {
        report_of(&s, &session, &id, &rep).await?;
        s.app.delete_report(&session.actor, &rep).await
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&format!("{}?saved=1", list_path(&id))).into_response(),
        Err(AppError::NotFound) => not_found(&session, &list_path(&id)),
        Err(e) => edit_page(&s, &session, (&id, &rep), None, Some(&e), None).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run the mail limit stopped says so in the page's language; another reason is shown as
    /// the run recorded it.
    #[test]
    fn a_run_stopped_by_the_mail_limit_says_so_in_the_pages_language() {
        let run = |error: Option<&str>| ReportRunView {
            id: "r".into(),
            report_id: "p".into(),
            ran_at: String::new(),
            ran_at_local: String::new(),
            period_from: String::new(),
            period_to: String::new(),
            first_day: String::new(),
            last_day: String::new(),
            trigger: "manual".into(),
            status: "failed".into(),
            rows: 0,
            recipients: 1,
            error: error.map(str::to_owned),
        };
        let limited = Some(sb_app::reports::MAIL_LIMIT_REACHED);
        assert_eq!(
            run_row(Language::Fr, run(limited)).error.as_deref(),
            Some("La limite horaire de courriels de l'entreprise est atteinte.")
        );
        assert_eq!(
            run_row(Language::En, run(limited)).error.as_deref(),
            limited
        );
        assert_eq!(
            run_row(Language::Fr, run(Some("Other."))).error.as_deref(),
            Some("Other.")
        );
        assert_eq!(run_row(Language::Fr, run(None)).error, None);
    }

    /// Keys built at run time (choices, statuses, triggers) exist in both languages: the
    /// template test reads only the keys written in templates.
    #[test]
    fn every_key_the_reports_page_builds_exists_in_both_languages() {
        let ch = choices();
        let mut keys: Vec<String> = ch.kinds.into_iter().map(|(_, k)| k).collect();
        keys.extend(ch.frequencies.into_iter().map(|(_, k)| k));
        keys.extend(ch.weekdays.into_iter().map(|(_, k)| k));
        for s in ["sent", "failed"] {
            keys.push(format!("rp_status_{s}"));
        }
        for s in ["schedule", "manual"] {
            keys.push(format!("rp_trigger_{s}"));
        }
        for k in ["rp_saved", "rp_ran", "rp_never", "rp_day", "rp_title"] {
            keys.push(k.to_owned());
        }
        assert_eq!(keys.len(), 5 + 3 + 7 + 2 + 2 + 5);
        for key in keys {
            for lang in [Language::En, Language::Fr] {
                assert_ne!(t(lang, &key), key, "{key}");
            }
        }
    }

    #[test]
    fn the_form_reads_recipients_one_per_line_or_separated_by_commas() {
        let f = ReportForm {
            recipients: "a@example.com\r\nb@example.com, c@example.com;d@example.com".into(),
            day_of_month: "x".into(),
            ..ReportForm::blank()
        };
        let e = f.input().unwrap_err();
        assert_eq!(e.field(), Some("day_of_month"));
        let f = ReportForm {
            day_of_month: "31".into(),
            ..f
        };
        let input = f.input().unwrap();
        assert_eq!(
            input.recipients,
            [
                "a@example.com",
                "b@example.com",
                "c@example.com",
                "d@example.com"
            ]
        );
        assert_eq!(input.day_of_month, Some(31));
    }
}
