//! Call centre, live: the overview of a company's queues (callers waiting, longest wait,
//! agents logged in) and each queue's board (every agent's state: logged out, available,
//! ringing, on a call), both refreshed by htmx polling a fragment route every few seconds, with
//! a refresh link that does the same without JavaScript; and a queue's figures over a period
//! (calls offered, answered, abandoned, overflowed, average and longest wait).

use super::{ADMINS, failure, list_path, queue_of, reason, strategy_key};
use crate::WebState;
use crate::i18n::t;
use crate::layout::{Chrome, render};
use crate::provider::gate;
use crate::session::Session;
use crate::zone::Zone;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use sb_app::AppError;
use sb_app::queue_board::{AgentBoardView, QueueBoardView};
use sb_app::queues::{AgentKind, QueueFiguresView};
use serde::Deserialize;

/// One queue in the overview.
pub struct OverviewRow {
    pub id: String,
    pub name: String,
    pub extension: String,
    pub strategy: &'static str,
    pub agents: usize,
    pub waiting: i64,
    pub longest_waiting_secs: i64,
    pub agents_logged_in: i64,
}

/// The company's queues with their live figures.
pub async fn overview(
    s: &WebState,
    session: &Session,
    id: &str,
) -> Result<Vec<OverviewRow>, AppError> {
    let mut rows = Vec::new();
    for q in s.app.list_queues(&session.actor, id).await? {
        let f = s
            .app
            .queue_figures(&session.actor, &q.id, None, None)
            .await?;
        rows.push(OverviewRow {
            strategy: strategy_key(q.strategy),
            agents: q.agents.len(),
            id: q.id,
            name: q.name,
            extension: q.extension,
            waiting: f.waiting,
            longest_waiting_secs: f.longest_waiting_secs,
            agents_logged_in: f.agents_logged_in,
        });
    }
    Ok(rows)
}

/// The overview table alone, for htmx to swap in.
#[derive(Template)]
#[template(path = "callcentre_overview.html")]
struct OverviewFragment {
    c: Chrome,
    id: String,
    rows: Vec<OverviewRow>,
}

pub async fn overview_live(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let here = format!("{}/live", list_path(&id));
    let session = match gate(&s, &headers, ADMINS, &here).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    match overview(&s, &session, &id).await {
        Ok(rows) => {
            let c = Chrome::signed_in(&session, "", &list_path(&id));
            render(StatusCode::OK, &OverviewFragment { c, id, rows })
        }
        Err(e) => failure(&session, &here, &e),
    }
}

/// An agent's row on the board, with the text keys of its kind and state.
pub struct AgentLine {
    pub a: AgentBoardView,
    pub kind: &'static str,
    pub state_code: &'static str,
    pub state: &'static str,
}

fn agent_line(a: AgentBoardView) -> AgentLine {
    let state_code = a.state.as_str();
    AgentLine {
        kind: match a.kind {
            AgentKind::Normal => "cc_normal",
            AgentKind::CallIn => "cc_call_in",
        },
        state: match state_code {
            "available" => "cc_available",
            "ringing" => "cc_ringing",
            "on_a_call" => "cc_on_a_call",
            _ => "cc_logged_out",
        },
        state_code,
        a,
    }
}

/// The board's live part: what htmx polls.
pub struct Live {
    pub waiting: i64,
    pub longest_waiting_secs: i64,
    pub agents_logged_in: i64,
    pub agents: Vec<AgentLine>,
}

fn live_of(b: QueueBoardView) -> (sb_app::queues::QueueView, Live) {
    let live = Live {
        waiting: b.figures.waiting,
        longest_waiting_secs: b.figures.longest_waiting_secs,
        agents_logged_in: b.figures.agents_logged_in,
        agents: b.agents.into_iter().map(agent_line).collect(),
    };
    (b.queue, live)
}

#[derive(Template)]
#[template(path = "callcentre_board_live.html")]
struct LiveFragment {
    c: Chrome,
    id: String,
    q: String,
    live: Live,
}

/// The period of the figures, as typed: dates of the company's calendar.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct Period {
    pub from: String,
    pub to: String,
}

/// `YYYY-MM-DD`, plus `days`, as the start of that day in the company's zone (RFC 3339).
fn day_start(field: &str, date: &str, days: i64, zone: &Zone) -> Result<Option<String>, AppError> {
    let date = date.trim();
    if date.is_empty() {
        return Ok(None);
    }
    let bad = || AppError::invalid("not_a_date", field, "Type a date like 2026-12-31.");
    if date.len() != 10 {
        return Err(bad());
    }
    let day: jiff::civil::Date = date.parse().map_err(|_| bad())?;
    if day.year() < 1970 {
        return Err(bad());
    }
    let day = day
        .checked_add(jiff::Span::new().days(days))
        .map_err(|_| bad())?;
    let (start, _) = zone.day_ms(day).ok_or_else(bad)?;
    let start = jiff::Timestamp::from_millisecond(start).map_err(|_| bad())?;
    Ok(Some(start.to_string()))
}

#[derive(Template)]
#[template(path = "callcentre_board.html")]
struct BoardPage {
    c: Chrome,
    id: String,
    q: String,
    extension: String,
    strategy: &'static str,
    acting_for: Option<String>,
    live: Live,
    period: Period,
    figures: Option<QueueFiguresView>,
    /// The figures' period on the company's clock, and the zone's name.
    shown_period: (String, String),
    zone: String,
}

async fn board(s: &WebState, session: &Session, id: &str, q: &str) -> Result<Live, AppError> {
    queue_of(s, session, id, q).await?;
    Ok(live_of(s.app.queue_board(&session.actor, q).await?).1)
}

pub async fn live(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, q)): Path<(String, String)>,
) -> Response {
    let here = format!("{}/{q}/board/live", list_path(&id));
    let session = match gate(&s, &headers, ADMINS, &here).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    match board(&s, &session, &id, &q).await {
        Ok(live) => {
            let c = Chrome::signed_in(&session, "", &here);
            render(StatusCode::OK, &LiveFragment { c, id, q, live })
        }
        Err(e) => failure(&session, &here, &e),
    }
}

pub async fn show(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((id, q)): Path<(String, String)>,
    Query(period): Query<Period>,
) -> Response {
    let here = format!("{}/{q}/board", list_path(&id));
    let session = match gate(&s, &headers, ADMINS, &here).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let loaded = async {
        let co = super::company(&s, &session, &id).await?;
        queue_of(&s, &session, &id, &q).await?;
        let b = s.app.queue_board(&session.actor, &q).await?;
        let zone = Zone::of_company(&s, &session, &id).await?;
        Ok::<_, AppError>((co, b, zone))
    }
    .await;
    let (co, b, zone) = match loaded {
        Ok(v) => v,
        Err(e) => return failure(&session, &here, &e),
    };
    let figures = async {
        let from = day_start("from", &period.from, 0, &zone)?;
        let to = day_start("to", &period.to, 1, &zone)?;
        s.app
            .queue_figures(&session.actor, &q, from.as_deref(), to.as_deref())
            .await
    }
    .await;
    let (queue, live) = live_of(b);
    let title = format!("{} {}", t(session.me.language, "cc_board_of"), queue.name);
    let mut c = Chrome::signed_in(&session, &title, &here);
    let (status, figures) = match figures {
        Ok(f) => (StatusCode::OK, Some(f)),
        Err(e) => {
            c.alert = Some(reason(c.lang, &e));
            (StatusCode::UNPROCESSABLE_ENTITY, None)
        }
    };
    let page = BoardPage {
        c,
        id,
        q,
        extension: queue.extension,
        strategy: strategy_key(queue.strategy),
        acting_for: co.acting_for,
        live,
        period,
        shown_period: figures.as_ref().map_or_else(Default::default, |f| {
            (zone.local(&f.from), zone.local(&f.to))
        }),
        figures,
        zone: zone.name,
    };
    render(status, &page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_of_the_companys_dates_runs_from_the_first_days_start_to_the_end_of_the_last() {
        let utc = Zone::named("UTC");
        let d = |s, days| day_start("from", s, days, &utc).unwrap();
        assert_eq!(d("2026-12-06", 0).as_deref(), Some("2026-12-06T00:00:00Z"));
        assert_eq!(d("2026-12-31", 1).as_deref(), Some("2027-01-01T00:00:00Z"));
        assert_eq!(d("2028-02-28", 1).as_deref(), Some("2028-02-29T00:00:00Z"));
        assert_eq!(d("", 1), None);
        // Paris: midnight is 23:00 UTC in winter and 22:00 UTC in summer; a period ending on
        // 28 March 2027, when the clocks go forward, ends at the summer midnight.
        let paris = Zone::named("Europe/Paris");
        let p = |s, days| day_start("from", s, days, &paris).unwrap();
        assert_eq!(p("2027-03-27", 0).as_deref(), Some("2027-03-26T23:00:00Z"));
        assert_eq!(p("2027-03-28", 1).as_deref(), Some("2027-03-28T22:00:00Z"));
        for bad in [
            "tomorrow",
            "2026-13-01",
            "2026-1-1",
            "06/12/2026",
            "2026-12-0x",
        ] {
            let e = day_start("from", bad, 0, &paris).unwrap_err();
            assert_eq!(e.code(), "not_a_date", "{bad}");
        }
    }
}
