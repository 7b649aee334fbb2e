//! Conferences for a company's administrators (and its reseller or the provider acting for
//! it): the bridge number outside callers dial, the upcoming meetings, scheduling one with
//! users of the company and outside e-mail addresses, rescheduling and cancelling. Each goes
//! through the use cases that mail the invitations (`sb_app::conferences`). Times are shown and
//! typed in the company's time zone.

use crate::WebState;
use crate::callcentre::ADMINS;
use crate::i18n::t;
use crate::layout::{Chrome, render};
use crate::provider::{Pairs, error_text, gate, gate_form, not_found, own_company_page};
use crate::session::Session;
use crate::users::place_of;
use crate::zone::Zone;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sb_app::AppError;
use sb_app::conferences::{ConferenceBridgeDoc, ConferenceInput, ConferenceView, ParticipantInput};
use sb_app::views::UserView;
use sb_domain::model::Language;
use serde::Deserialize;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/admin/conferences", get(own))
        .route(
            "/admin/companies/{id}/conferences",
            get(list).post(schedule),
        )
        .route("/admin/companies/{id}/conferences/bridge", post(set_bridge))
        .route(
            "/admin/companies/{id}/conferences/{conf}",
            get(show).post(reschedule),
        )
        .route(
            "/admin/companies/{id}/conferences/{conf}/cancel",
            post(cancel),
        )
}

fn list_path(id: &str) -> String {
    format!("/admin/companies/{id}/conferences")
}

/// A refused change: this area's text for the code when it has one, else the shared wording.
pub(crate) fn reason(lang: Language, e: &AppError) -> String {
    let key = format!("cf_err_{}", e.code());
    match t(lang, &key) {
        text if text != key => text.to_owned(),
        _ => error_text(lang, e),
    }
}

/// The form field a use case's field name stands for.
fn form_field(field: &str) -> &'static str {
    match field {
        "title" => "title",
        "starts_at" => "date",
        "duration_minutes" => "duration",
        "organizer_user_id" => "organizer",
        "number" => "bridge",
        f if f.starts_with("participants") => "participants",
        _ => "",
    }
}

/// A meeting form as typed (schedule or reschedule), with a refusal next to its field.
#[derive(Default)]
pub struct MeetingForm {
    pub title: String,
    pub date: String,
    pub time: String,
    pub duration: String,
    pub organizer: String,
    pub users: Vec<String>,
    pub emails: String,
    pub error: Option<(&'static str, String)>,
}

impl MeetingForm {
    pub(crate) fn blank(me: &str) -> Self {
        Self {
            duration: "30".into(),
            organizer: me.to_owned(),
            ..Self::default()
        }
    }

    pub(crate) fn of(v: &ConferenceView, zone: &Zone) -> Self {
        let (date, time) = zone.date_and_time(&v.starts_at);
        Self {
            title: v.title.clone(),
            date,
            time,
            duration: v.duration_minutes.to_string(),
            ..Self::default()
        }
    }

    pub(crate) fn posted(f: &Pairs) -> Self {
        Self {
            title: f.get("title").into(),
            date: f.get("date").trim().into(),
            time: f.get("time").trim().into(),
            duration: f.get("duration").trim().into(),
            organizer: f.get("organizer").into(),
            users: f.all("user"),
            emails: f.get("emails").into(),
            error: None,
        }
    }

    /// The start as RFC 3339, from a date and time typed apart in the company's zone; a time the
    /// clocks skip that day is refused.
    pub(crate) fn starts_at(&self, zone: &Zone) -> Result<String, AppError> {
        let bad = || AppError::invalid("invalid_time", "starts_at", "Type a date and a time.");
        // Digits, with `sep` at the positions `at`.
        let shaped = |s: &str, sep: char, at: &[usize]| {
            s.char_indices().all(|(i, ch)| {
                if at.contains(&i) {
                    ch == sep
                } else {
                    ch.is_ascii_digit()
                }
            })
        };
        let date_ok = self.date.len() == 10 && shaped(&self.date, '-', &[4, 7]);
        let time_ok = self.time.len() == 5 && shaped(&self.time, ':', &[2]);
        if !date_ok || !time_ok {
            return Err(bad());
        }
        let date: jiff::civil::Date = self.date.parse().map_err(|_| bad())?;
        let time: jiff::civil::Time = self.time.parse().map_err(|_| bad())?;
        let at = zone.instant(date, time).ok_or_else(|| {
            AppError::invalid(
                "time_skipped",
                "starts_at",
                "This time does not exist that day: the clocks go forward. Choose another time.",
            )
        })?;
        Ok(at.to_string())
    }

    pub(crate) fn duration(&self) -> Result<i64, AppError> {
        self.duration.parse().map_err(|_| {
            AppError::invalid(
                "invalid_duration",
                "duration_minutes",
                "Type a number of minutes.",
            )
        })
    }

    pub(crate) fn input(&self, zone: &Zone) -> Result<ConferenceInput, AppError> {
        let mut participants: Vec<ParticipantInput> = self
            .users
            .iter()
            .map(|u| ParticipantInput {
                user_id: Some(u.clone()),
                email: None,
                name: None,
            })
            .collect();
        let emails = self
            .emails
            .split(['\n', ',', ';'])
            .map(str::trim)
            .filter(|e| !e.is_empty());
        participants.extend(emails.map(|e| ParticipantInput {
            user_id: None,
            email: Some(e.to_owned()),
            name: None,
        }));
        Ok(ConferenceInput {
            title: self.title.clone(),
            starts_at: self.starts_at(zone)?,
            duration_minutes: self.duration()?,
            participants,
            organizer_user_id: Some(self.organizer.clone()).filter(|o| !o.is_empty()),
        })
    }

    pub(crate) fn refuse(&mut self, lang: Language, e: &AppError) {
        self.error = Some((form_field(e.field().unwrap_or("")), reason(lang, e)));
    }

    pub fn err(&self, name: &str) -> Option<&str> {
        match &self.error {
            Some((f, text)) if *f == name => Some(text),
            _ => None,
        }
    }

    pub fn invites(&self, user: &str) -> bool {
        self.users.iter().any(|u| u == user)
    }
}

/// A meeting in the list: the view, who is invited, as one line of text, and its start and end
/// in the company's zone.
pub struct Row {
    pub v: ConferenceView,
    pub people: String,
    pub starts: String,
    pub ends: String,
}

pub(crate) fn row(v: ConferenceView, zone: &Zone) -> Row {
    let people = v
        .participants
        .iter()
        .filter_map(|p| match (&p.user_id, &p.email) {
            // The use case names each user participant.
            (Some(_), _) => p.name.clone(),
            (None, Some(e)) => Some(e.clone()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(", ");
    Row {
        starts: zone.local(&v.starts_at),
        ends: zone.local(&v.ends_at),
        v,
        people,
    }
}

#[derive(Template)]
#[template(path = "conferences.html")]
struct ListPage {
    c: Chrome,
    id: String,
    /// Where the company's meetings are, each under it by id.
    base: String,
    acting_for: Option<String>,
    bridge: String,
    bridge_error: Option<String>,
    rows: Vec<Row>,
    users: Vec<UserView>,
    form: MeetingForm,
    /// The company's time zone, which times are in.
    zone: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Notice {
    done: String,
}

impl Notice {
    pub(crate) fn apply(&self, c: &mut Chrome) {
        let key = match self.done.as_str() {
            "scheduled" => "cf_done_scheduled",
            "rescheduled" => "cf_done_rescheduled",
            "cancelled" => "cf_done_cancelled",
            "bridge" => "cf_done_bridge",
            _ => return,
        };
        c.info = Some(c.t(key).to_owned());
    }
}

/// What the list page shows besides a form: the banner, bridge, meetings and users.
struct Loaded {
    acting_for: Option<String>,
    bridge: Option<String>,
    meetings: Vec<ConferenceView>,
    users: Vec<UserView>,
    zone: Zone,
}

async fn load(s: &WebState, session: &Session, id: &str) -> Result<Loaded, AppError> {
    let a = &session.actor;
    let co = s.app.company_ref(a, id).await?;
    let users = s
        .app
        .list_users(a, &co.id, sb_app::Page::first(500))
        .await?
        .items;
    Ok(Loaded {
        bridge: s.app.conference_bridge(a, &co.id).await?.number,
        meetings: s.app.list_conferences(a, &co.id, None).await?,
        zone: Zone::of_company(s, session, &co.id).await?,
        acting_for: place_of(session, co).acting_for,
        users,
    })
}

fn failure(session: &Session, here: &str, e: &AppError) -> Response {
    match e {
        AppError::NotFound => not_found(session, here),
        e => crate::provider::failed(
            Chrome::signed_in(session, t(session.me.language, "cf_title"), here),
            e,
        ),
    }
}

/// The list page; `form` a refused meeting form, `bridge` a refused bridge number and why.
async fn list_page(
    s: &WebState,
    session: &Session,
    id: &str,
    form: Option<MeetingForm>,
    bridge: Option<(String, String)>,
    notice: &Notice,
) -> Response {
    let here = list_path(id);
    let l = match load(s, session, id).await {
        Ok(l) => l,
        Err(e) => return failure(session, &here, &e),
    };
    let mut c = Chrome::signed_in(session, t(session.me.language, "cf_title"), &here);
    notice.apply(&mut c);
    let refused = form
        .as_ref()
        .and_then(|f| f.error.as_ref().map(|e| e.1.clone()))
        .or_else(|| bridge.as_ref().map(|b| b.1.clone()));
    let status = match refused {
        Some(text) => {
            c.alert = Some(text);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        None => StatusCode::OK,
    };
    // A company administrator organises their own meetings; someone acting for the company
    // picks one of its users.
    let me = session.actor.user_id.to_string();
    let default_organizer = if l.users.iter().any(|u| u.id == me) {
        me
    } else {
        l.users.first().map(|u| u.id.clone()).unwrap_or_default()
    };
    let page = ListPage {
        c,
        id: id.to_owned(),
        base: list_path(id),
        acting_for: l.acting_for,
        bridge: match &bridge {
            Some((typed, _)) => typed.clone(),
            None => l.bridge.unwrap_or_default(),
        },
        bridge_error: bridge.map(|b| b.1),
        rows: l.meetings.into_iter().map(|v| row(v, &l.zone)).collect(),
        form: form.unwrap_or_else(|| MeetingForm::blank(&default_organizer)),
        users: l.users,
        zone: l.zone.name,
    };
    render(status, &page)
}

/// A company administrator's own company's conferences.
pub async fn own(State(s): State<WebState>, headers: HeaderMap) -> Response {
    own_company_page(&s, &headers, "/admin/conferences", "conferences").await
}

pub async fn list(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(n): Query<Notice>,
) -> Response {
    match gate(&s, &headers, ADMINS, &list_path(&id)).await {
        Ok(session) => list_page(&s, &session, &id, None, None, &n).await,
        Err(r) => r,
    }
}

type Fields = axum::extract::Form<Vec<(String, String)>>;

pub async fn set_bridge(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::extract::Form(f): Fields,
) -> Response {
    let f = Pairs(f);
    let here = list_path(&id);
    let session = match gate_form(&s, &headers, f.get("csrf"), ADMINS, &here).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let typed = f.get("number").trim().to_owned();
    let doc = ConferenceBridgeDoc {
        number: Some(typed.clone()).filter(|n| !n.is_empty()),
    };
    match s.app.set_conference_bridge(&session.actor, &id, doc).await {
        Ok(_) => Redirect::to(&format!("{here}?done=bridge")).into_response(),
        Err(e @ AppError::NotFound) => failure(&session, &here, &e),
        Err(e) => {
            let why = reason(session.me.language, &e);
            list_page(
                &s,
                &session,
                &id,
                None,
                Some((typed, why)),
                &Notice::default(),
            )
            .await
        }
    }
}

pub async fn schedule(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::extract::Form(f): Fields,
) -> Response {
    let f = Pairs(f);
    let here = list_path(&id);
    let session = match gate_form(&s, &headers, f.get("csrf"), ADMINS, &here).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let mut form = MeetingForm::posted(&f);
    let result = async {
        let zone = Zone::of_company(&s, &session, &id).await?;
        let input = form.input(&zone)?;
        s.app.create_conference(&session.actor, &id, input).await
    }
    .await;
    match result {
        Ok(_) => Redirect::to(&format!("{here}?done=scheduled")).into_response(),
        Err(e @ AppError::NotFound) => failure(&session, &here, &e),
        Err(e) => {
            form.refuse(session.me.language, &e);
            list_page(&s, &session, &id, Some(form), None, &Notice::default()).await
        }
    }
}

#[derive(Template)]
#[template(path = "conference.html")]
struct MeetingPage {
    c: Chrome,
    base: String,
    acting_for: Option<String>,
    row: Row,
    form: MeetingForm,
    zone: String,
}

/// Meeting `conf` of company `id`; another company's under this path is not found.
async fn meeting_of(
    s: &WebState,
    session: &Session,
    id: &str,
    conf: &str,
) -> Result<(Option<String>, Row, Zone), AppError> {
    let co = s.app.company_ref(&session.actor, id).await?;
    let v = s.app.get_conference(&session.actor, conf).await?;
    if v.company_id != co.id {
        return Err(AppError::NotFound);
    }
    let zone = Zone::of_company(s, session, &co.id).await?;
    let row = row(v, &zone);
    Ok((place_of(session, co).acting_for, row, zone))
}

async fn meeting_page(
    s: &WebState,
    session: &Session,
    id: &str,
    conf: &str,
    form: Option<MeetingForm>,
    alert: Option<String>,
) -> Response {
    let here = format!("{}/{conf}", list_path(id));
    let (acting_for, row, zone) = match meeting_of(s, session, id, conf).await {
        Ok(v) => v,
        Err(e) => return failure(session, &here, &e),
    };
    let mut c = Chrome::signed_in(session, &row.v.title, &here);
    let refused = alert.or_else(|| form.as_ref().and_then(|f| f.error.clone().map(|e| e.1)));
    let status = match refused {
        Some(text) => {
            c.alert = Some(text);
            StatusCode::UNPROCESSABLE_ENTITY
        }
        None => StatusCode::OK,
    };
    let page = MeetingPage {
        c,
        base: list_path(id),
        acting_for,
        form: form.unwrap_or_else(|| MeetingForm::of(&row.v, &zone)),
        row,
        zone: zone.name,
    };
    render(status, &page)
}

pub async fn show(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, conf)): Path<(String, String)>,
) -> Response {
    match gate(&s, &headers, ADMINS, &list_path(&id)).await {
        Ok(session) => meeting_page(&s, &session, &id, &conf, None, None).await,
        Err(r) => r,
    }
}

pub async fn reschedule(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, conf)): Path<(String, String)>,
    axum::extract::Form(f): Fields,
) -> Response {
    let f = Pairs(f);
    let here = format!("{}/{conf}", list_path(&id));
    let session = match gate_form(&s, &headers, f.get("csrf"), ADMINS, &here).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let mut form = MeetingForm::posted(&f);
    let result = async {
        let (_, _, zone) = meeting_of(&s, &session, &id, &conf).await?;
        let (starts_at, minutes) = (form.starts_at(&zone)?, form.duration()?);
        s.app
            .reschedule_conference(&session.actor, &conf, &starts_at, minutes)
            .await
    }
    .await;
    match result {
        Ok(_) => Redirect::to(&format!("{}?done=rescheduled", list_path(&id))).into_response(),
        Err(e @ AppError::NotFound) => failure(&session, &here, &e),
        Err(e) => {
            form.refuse(session.me.language, &e);
            meeting_page(&s, &session, &id, &conf, Some(form), None).await
        }
    }
}

pub async fn cancel(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, conf)): Path<(String, String)>,
    axum::extract::Form(f): axum::extract::Form<crate::provider::CsrfForm>,
) -> Response {
    let here = format!("{}/{conf}", list_path(&id));
    let session = match gate_form(&s, &headers, &f.csrf, ADMINS, &here).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let result = async {
        meeting_of(&s, &session, &id, &conf).await?;
        s.app.delete_conference(&session.actor, &conf).await
    }
    .await;
    match result {
        Ok(()) => Redirect::to(&format!("{}?done=cancelled", list_path(&id))).into_response(),
        Err(e @ AppError::NotFound) => failure(&session, &here, &e),
        Err(e) => {
            let why = reason(session.me.language, &e);
            meeting_page(&s, &session, &id, &conf, None, Some(why)).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_meeting_starts_at_the_date_and_time_typed_apart_in_the_companys_zone() {
        let f = |date: &str, time: &str| MeetingForm {
            date: date.into(),
            time: time.into(),
            ..MeetingForm::default()
        };
        let paris = Zone::named("Europe/Paris");
        assert_eq!(
            f("2099-03-01", "15:30")
                .starts_at(&Zone::named("UTC"))
                .unwrap(),
            "2099-03-01T15:30:00Z"
        );
        // Winter (UTC+1) and summer (UTC+2) in Paris.
        assert_eq!(
            f("2099-03-01", "15:30").starts_at(&paris).unwrap(),
            "2099-03-01T14:30:00Z"
        );
        assert_eq!(
            f("2099-07-01", "15:30").starts_at(&paris).unwrap(),
            "2099-07-01T13:30:00Z"
        );
        // 02:30 on the last Sunday of March 2099 (the 29th) never happens in Paris.
        assert_eq!(
            f("2099-03-29", "02:30")
                .starts_at(&paris)
                .unwrap_err()
                .code(),
            "time_skipped"
        );
        for (d, t) in [
            ("2099-3-1", "15:30"),
            ("2099-03-01", "3pm"),
            ("", ""),
            ("2099/03/01", "15:30"),
            ("2099-02-30", "15:30"),
            ("2099-03-01", "25:00"),
        ] {
            assert_eq!(
                f(d, t).starts_at(&paris).unwrap_err().code(),
                "invalid_time",
                "{d} {t}"
            );
        }
    }
}
