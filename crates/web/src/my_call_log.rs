//! "Call log": the person's own calls, one of their lines at a time, newest first, 50 a page,
//! filtered by kind and downloaded as CSV, with the other party's presence when it is a line of
//! the company; through the use cases of `GET /api/v1/lines/{id}/calls`.

use crate::WebState;
use crate::layout::{Chrome, render};
use crate::messages::{CallRow, DIRECTIONS, call_filter, call_row, export_csv};
use crate::session::{Session, signed_in};
use crate::users::{Choice, choices, enc, pick_line};
use crate::zone::Zone;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use sb_app::AppError;
use sb_app::views::{LineView, MeView};
use sb_domain::model::{Feature, Role};
use serde::Deserialize;

pub const PATH: &str = "/my/calls";
pub const CSV_PATH: &str = "/my/calls.csv";

/// Calls per page, as the administrators' view of a user's log shows them.
const PAGE_SIZE: i64 = 50;

#[derive(Deserialize, Default)]
pub struct LogQuery {
    line: Option<String>,
    direction: Option<String>,
    after: Option<String>,
    /// A call just placed from here (click to call), or its refusal's code.
    calling: Option<String>,
    refused: Option<String>,
}

/// A call and its other party's presence as a text key.
struct LogRow {
    call: CallRow,
    presence: Option<&'static str>,
    /// The number to call back, when it is one (not a withheld caller).
    callable: Option<String>,
}

/// One line's page of the log, with the links that keep its line and filter.
struct Log {
    line_id: String,
    extension: String,
    /// The choice of line; empty when the person has one.
    lines: Vec<Choice>,
    directions: Vec<Choice>,
    rows: Vec<LogRow>,
    csv: String,
    next: Option<String>,
    first: Option<String>,
    /// The company's time zone, which the times are in.
    zone: String,
}

#[derive(Template)]
#[template(path = "my_call_log.html")]
struct Page {
    c: Chrome,
    /// None when there is nothing to show: no portal, no line, or a refusal (the alert says).
    log: Option<Log>,
    /// A text key for a page without a log that is not a refusal.
    note: Option<&'static str>,
}

fn chrome(session: &Session) -> Chrome {
    let title = crate::i18n::t(session.me.language, "my_call_log");
    Chrome::signed_in(session, title, PATH)
}

/// Whether `me` may use the person's own pages: an end user's package must include them.
pub(crate) fn has_portal(me: &MeView) -> bool {
    me.role != Role::EndUser || me.features.contains(&Feature::UserPortal)
}

/// The line of `me`'s own that the page shows (the one asked for, else the one signed in to,
/// else the default, else the first) with the choice of lines. Any other line is not found: an administrator may read
/// their company's logs elsewhere, but this page is only ever the person's own calls.
pub(crate) fn own_line(
    me: &MeView,
    asked: Option<&str>,
) -> Result<(Option<LineView>, Vec<Choice>), AppError> {
    let asked = asked.filter(|a| !a.is_empty());
    if let Some(a) = asked
        && !me.lines.iter().any(|l| l.id == a)
    {
        return Err(AppError::NotFound);
    }
    // Unless another is asked for, the extension this sign-in is for.
    let preferred = asked.or(me.signed_in_line_id.as_deref());
    Ok(pick_line(me.lines.clone(), &me.user, preferred))
}

/// The page without a log, its alert for `e`: 404 for a line not the person's, 422 for a
/// filter the use case refuses, 403 for a refusal of their role, else 500.
fn refused(session: &Session, e: &AppError) -> Response {
    let mut c = chrome(session);
    let (status, alert) = crate::layout::refusal(&c, e);
    c.alert = Some(alert);
    let page = Page {
        c,
        log: None,
        note: None,
    };
    render(status, &page)
}

/// The signed-in person as `/my` pages read them, or the page to answer instead: the
/// "no portal" notice when their package lacks it.
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
    let page = Page {
        c,
        log: None,
        note: None,
    };
    Err(render(StatusCode::OK, &page))
}

/// `GET /my/calls?line=&direction=&after=`: a page of one of the person's lines' calls.
pub async fn page(
    State(s): State<WebState>,
    headers: HeaderMap,
    Query(q): Query<LogQuery>,
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
    crate::my_click::notice(&mut c, q.calling.as_deref(), q.refused.as_deref());
    match read_log(&s, &session, &c, &me, &q).await {
        Ok(log) => {
            let note = log.is_none().then_some("no_lines");
            render(StatusCode::OK, &Page { c, log, note })
        }
        Err(e) => refused(&session, &e),
    }
}

/// The page of `q`'s line and filter, or none when the person has no line.
async fn read_log(
    s: &WebState,
    session: &Session,
    c: &Chrome,
    me: &MeView,
    q: &LogQuery,
) -> Result<Option<Log>, AppError> {
    let (line, lines) = own_line(me, q.line.as_deref())?;
    let Some(line) = line else { return Ok(None) };
    let direction = q.direction.clone().unwrap_or_default();
    let after = q.after.clone().filter(|a| !a.is_empty());
    let page = sb_app::Page {
        after: after.clone(),
        limit: PAGE_SIZE,
    };
    let found = s
        .app
        .calls_with_presence(&session.actor, &line.id, call_filter(&direction)?, page)
        .await?;
    let zone = Zone::named(
        me.company
            .as_ref()
            .map_or("UTC", |co| co.time_zone.as_str()),
    );
    let kept = format!("line={}&direction={}", enc(&line.id), enc(&direction));
    Ok(Some(Log {
        rows: found
            .items
            .into_iter()
            .map(|p| LogRow {
                presence: p.presence.map(|p| p.as_str()),
                callable: sb_app::click_to_call::destination(&p.call.other_number).ok(),
                call: call_row(p.call, &zone),
            })
            .collect(),
        next: found
            .next_cursor
            .map(|n| format!("{PATH}?{kept}&after={}", enc(&n))),
        first: after.map(|_| format!("{PATH}?{kept}")),
        csv: format!("{CSV_PATH}?{kept}"),
        directions: choices(&DIRECTIONS, c, &direction),
        lines,
        line_id: line.id,
        extension: line.extension,
        zone: zone.name,
    }))
}

/// `GET /my/calls.csv?line=&direction=`: the whole log of one of the person's lines, of the
/// kind the page shows, as CSV.
pub async fn csv(
    State(s): State<WebState>,
    headers: HeaderMap,
    Query(q): Query<LogQuery>,
) -> Response {
    let session = match signed_in(&s, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let me = match me_with_portal(&s, &session).await {
        Ok(me) => me,
        Err(r) => return r,
    };
    let line = match own_line(&me, q.line.as_deref()) {
        Ok((Some(l), _)) => l,
        Ok((None, _)) => return refused(&session, &AppError::NotFound),
        Err(e) => return refused(&session, &e),
    };
    let direction = q.direction.as_deref().unwrap_or("");
    match export_csv(&s, &session.actor, &line.id, direction).await {
        Ok(res) => res,
        Err(e) => refused(&session, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sb_domain::model::Language;

    fn line(id: &str, extension: &str) -> LineView {
        LineView {
            id: id.into(),
            company_id: "co".into(),
            user_id: Some("ulf".into()),
            extension: extension.into(),
            account_name: extension.into(),
            calling_name: None,
            numbers: Vec::new(),
            default_number: None,
            presentation_number: None,
            sip_username: extension.into(),
        }
    }

    fn me(role: Role, lines: Vec<LineView>) -> MeView {
        let user = sb_app::views::UserView {
            id: "ulf".into(),
            role,
            reseller_id: None,
            company_id: Some("co".into()),
            department_id: None,
            package_id: None,
            name: "Ulf".into(),
            email: None,
            language: None,
            username: Some("ulf".into()),
            enabled: true,
            locked: false,
            locked_until: None,
            default_line_id: Some("l2".into()),
            created_at: "2030-01-01T00:00:00Z".into(),
        };
        MeView {
            user,
            role,
            company: None,
            language: Language::En,
            features: Vec::new(),
            lines,
            default_line_id: Some("l2".into()),
            signed_in_line_id: None,
            working_hours: None,
            presence: Default::default(),
        }
    }

    #[test]
    fn only_the_persons_own_lines_are_shown_even_to_an_administrator() {
        let admin = me(
            Role::CompanyAdmin,
            vec![line("l1", "201"), line("l2", "202")],
        );
        assert!(matches!(
            own_line(&admin, Some("colleagues-line")),
            Err(AppError::NotFound)
        ));
        let (shown, choice) = own_line(&admin, Some("l1")).unwrap();
        assert_eq!(shown.unwrap().extension, "201");
        assert_eq!(choice.len(), 2, "a choice when there are several lines");
        let (shown, _) = own_line(&admin, Some("")).unwrap();
        assert_eq!(shown.unwrap().id, "l2", "else the default line");
        let signed_in = MeView {
            signed_in_line_id: Some("l1".into()),
            ..admin
        };
        let (shown, _) = own_line(&signed_in, None).unwrap();
        assert_eq!(shown.unwrap().id, "l1", "the extension signed in to first");
        assert!(
            own_line(&me(Role::EndUser, vec![]), None)
                .unwrap()
                .0
                .is_none()
        );
    }

    #[test]
    fn an_end_user_needs_the_user_portal_in_the_package_and_an_administrator_does_not() {
        let mut ulf = me(Role::EndUser, vec![]);
        assert!(!has_portal(&ulf));
        ulf.features.push(Feature::UserPortal);
        assert!(has_portal(&ulf));
        assert!(has_portal(&me(Role::CompanyAdmin, vec![])));
    }

    /// The template test reads only templates: the keys this module asks for by name.
    #[test]
    fn every_key_the_call_log_page_asks_for_exists_in_both_languages() {
        let keys = ["my_call_log", "no_lines", "no_portal", "not_found", "error"];
        for key in keys.into_iter().chain(DIRECTIONS.iter().map(|(_, k)| *k)) {
            for lang in [Language::En, Language::Fr] {
                assert_ne!(crate::i18n::t(lang, key), key, "{key}");
            }
        }
    }
}
