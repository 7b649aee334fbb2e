//! A user's Messages & calls tab ("Messages and Calls", "Call log"): the
//! line's voicemails, played in the browser, and its call log with the missed / dialled /
//! received / rejected filter, paged, and exported as CSV; through the use cases of
//! `GET /api/v1/lines/{id}/voicemails` and `GET /api/v1/lines/{id}/calls`. The call log's rows,
//! its filter by kind and its CSV serve the person's own "Call log" (`my_call_log`) too.

use crate::WebState;
use crate::layout::{Chrome, render};
use crate::session::{Session, signed_in};
use crate::users::{
    Choice, Place, Tab, TabQuery, choices, enc, error_page, refusal, tabs, user_line, user_place,
};
use crate::zone::Zone;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sb_app::AppError;
use sb_app::authz::Actor;
use sb_app::call_log::{CallsOf, RecordRef, filter_from};
use sb_app::views::{CallRecordView, LineView, UserView};
use sb_domain::csv::push_cell;
use sb_domain::query::CallFilter;

/// Calls per page of the log.
const PAGE_SIZE: i64 = 50;
/// Records per read while exporting.
const EXPORT_CHUNK: i64 = 5000;

/// A call of the log as a page shows it: its kind as a text key, the time in the company's
/// zone.
pub struct CallRow {
    pub direction: &'static str,
    pub number: String,
    pub name: String,
    pub started: String,
    pub seconds: i64,
    pub status: i64,
}

/// A record of the log as a row, its start in `zone`.
pub(crate) fn call_row(r: CallRecordView, zone: &Zone) -> CallRow {
    CallRow {
        direction: direction_key(r.direction.as_str()),
        number: r.other_number,
        name: r.other_name.unwrap_or_default(),
        started: zone.local(&r.started_at),
        seconds: r.duration_secs,
        status: r.status,
    }
}

pub struct MessageRow {
    pub caller: String,
    pub received: String,
    pub seconds: i64,
    pub heard: bool,
    pub audio: String,
}

#[derive(Template)]
#[template(path = "company_user_messages.html")]
struct MessagesPage {
    c: Chrome,
    place: Place,
    tabs: Vec<Tab>,
    base: String,
    line: Option<LineView>,
    lines: Vec<Choice>,
    directions: Vec<Choice>,
    messages: Vec<MessageRow>,
    calls: Vec<CallRow>,
    csv: String,
    next: Option<String>,
    first: Option<String>,
    /// The company's time zone, which the times are in.
    zone: String,
}

/// The call log's filter by kind: the value asked for and its text key; "" is every call.
pub(crate) const DIRECTIONS: [(&str, &str); 5] = [
    ("", "co_all_calls"),
    ("missed", "co_missed"),
    ("dialled", "co_dialled"),
    ("received", "co_received"),
    ("rejected", "co_rejected"),
];

fn direction_key(d: &str) -> &'static str {
    DIRECTIONS
        .iter()
        .find(|(v, _)| *v == d)
        .map_or("co_missed", |(_, k)| k)
}

/// The call-log filter of a kind as the filter form sends it ("" for every call); another
/// value is refused as the API refuses it.
pub(crate) fn call_filter(direction: &str) -> Result<CallFilter, AppError> {
    if direction.is_empty() {
        return Ok(CallFilter::default());
    }
    filter_from(&[("direction".to_owned(), direction.to_owned())])
}

pub async fn show(
    s: &WebState,
    session: &Session,
    place: Place,
    u: UserView,
    q: &TabQuery,
) -> Response {
    let a = &session.actor;
    let base = format!("{}/{}", place.users_path(), u.id);
    let here = format!("{base}/messages");
    let title = format!(
        "{} · {}",
        u.name,
        crate::i18n::t(session.me.language, "co_tab_messages")
    );
    let mut c = Chrome::signed_in(session, &title, &here);
    let (line, lines) = match user_line(s, session, &u, q.line.as_deref()).await {
        Ok(x) => x,
        Err(e) => return error_page(session, &here, &e),
    };
    let zone = match Zone::of_company(s, session, &place.id).await {
        Ok(z) => z,
        Err(e) => return error_page(session, &here, &e),
    };
    let direction = q.direction.clone().unwrap_or_default();
    let mut status = StatusCode::OK;
    let (mut messages, mut calls, mut next) = (Vec::new(), Vec::new(), None);
    let mut csv = String::new();
    let mut first = None;
    if let Some(l) = &line {
        match s.app.voicemails(a, &l.id).await {
            Ok(list) => {
                messages = list
                    .into_iter()
                    .map(|m| MessageRow {
                        audio: format!("{base}/voicemails/{}", m.id),
                        caller: match m.caller_name {
                            Some(n) => format!("{n} ({})", m.caller_number),
                            None => m.caller_number,
                        },
                        received: zone.local(&m.received_at),
                        seconds: m.duration_secs,
                        heard: m.heard,
                    })
                    .collect();
            }
            Err(e) => return error_page(session, &here, &e),
        }
        let kept = format!("line={}&direction={}", enc(&l.id), enc(&direction));
        csv = format!("{base}/messages.csv?{kept}");
        let after = q.after.clone().filter(|a| !a.is_empty());
        if after.is_some() {
            first = Some(format!("{here}?{kept}"));
        }
        let page = sb_app::Page {
            after,
            limit: PAGE_SIZE,
        };
        let listed = match call_filter(&direction) {
            Ok(f) => s.app.calls(a, &CallsOf::Line(l.id.clone()), f, page).await,
            Err(e) => Err(e),
        };
        match listed {
            Ok(found) => {
                calls = found
                    .items
                    .into_iter()
                    .map(|r| call_row(r, &zone))
                    .collect();
                next = found
                    .next_cursor
                    .map(|n| format!("{here}?{kept}&after={}", enc(&n)));
            }
            Err(e) => {
                c.alert = Some(refusal(c.lang, &e));
                status = StatusCode::UNPROCESSABLE_ENTITY;
            }
        }
    }
    let directions = choices(&DIRECTIONS, &c, &direction);
    let page = MessagesPage {
        tabs: tabs(&place, &u.id, "messages"),
        base,
        line,
        lines,
        directions,
        messages,
        calls,
        csv,
        next,
        first,
        c,
        place,
        zone: zone.name,
    };
    render(status, &page)
}

/// `GET …/users/{user}/messages.csv?line=&direction=`: the line's whole call log as CSV.
pub async fn csv(s: &WebState, session: &Session, u: &UserView, q: &TabQuery) -> Response {
    let here = format!("{}/messages", u.id);
    let line = match user_line(s, session, u, q.line.as_deref()).await {
        Ok((Some(l), _)) => l,
        Ok((None, _)) => return error_page(session, &here, &AppError::NotFound),
        Err(e) => return error_page(session, &here, &e),
    };
    let direction = q.direction.as_deref().unwrap_or("");
    match export_csv(s, &session.actor, &line.id, direction).await {
        Ok(res) => res,
        Err(e) => error_page(session, &here, &e),
    }
}

/// Line `line`'s whole call log of kind `direction` as a CSV download, rows ending with CRLF
/// (RFC 4180), read in chunks through the same use case as the API's log.
pub(crate) async fn export_csv(
    s: &WebState,
    actor: &Actor,
    line: &str,
    direction: &str,
) -> Result<Response, AppError> {
    let filter = call_filter(direction)?;
    let mut out = String::from(
        "id,line_id,direction,other_number,other_name,started_at,duration_secs,device,status\r\n",
    );
    let of = CallsOf::Line(line.to_owned());
    let mut page = sb_app::Page::first(EXPORT_CHUNK);
    loop {
        let next = s
            .app
            .calls_each(actor, &of, &filter, &page, |r| push_csv_row(&mut out, r))
            .await?;
        let Some(after) = next else { break };
        page = sb_app::Page {
            after: Some(after),
            limit: EXPORT_CHUNK,
        };
    }
    let mut res = out.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"calls.csv\""),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

fn push_csv_row(out: &mut String, r: &RecordRef<'_>) {
    for cell in [r.id, r.line_id, r.direction, r.other_number] {
        push_cell(out, cell);
        out.push(',');
    }
    push_cell(out, r.other_name.unwrap_or(""));
    out.push(',');
    sb_domain::clock::push_rfc3339(out, r.started_at);
    out.push_str(&format!(",{},", r.duration_secs));
    push_cell(out, r.device.unwrap_or(""));
    out.push_str(&format!(",{}\r\n", r.status));
}

/// `GET …/users/{user}/voicemails/{id}`: a message of one of the user's lines, to play.
pub async fn audio(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((company, user, id)): Path<(String, String, String)>,
) -> Response {
    let session = match signed_in(&s, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let here = format!("/admin/companies/{company}/users/{user}/messages");
    let found = async {
        let (_, u) = user_place(&s, &session, &company, &user).await?;
        let mut theirs = false;
        for l in s.app.lines_of_user(&session.actor, &u.id).await? {
            theirs |= s
                .app
                .voicemails(&session.actor, &l.id)
                .await?
                .iter()
                .any(|m| m.id == id);
        }
        if !theirs {
            return Err(AppError::NotFound);
        }
        s.app.voicemail_audio(&session.actor, &id).await
    };
    match found.await {
        Ok(wav) => wav_answer(wav, None),
        Err(e) => error_page(&session, &here, &e),
    }
}

/// A WAV file as an answer, never cached (it is a person's message); with `download`, saved
/// under that file name instead of played.
pub(crate) fn wav_answer(wav: Vec<u8>, download: Option<&str>) -> Response {
    let mut res = wav.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("audio/wav"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let disposition = download
        .map(|name| format!("attachment; filename=\"{name}\""))
        .and_then(|d| HeaderValue::from_str(&d).ok());
    if let Some(d) = disposition {
        h.insert(header::CONTENT_DISPOSITION, d);
    }
    res
}
