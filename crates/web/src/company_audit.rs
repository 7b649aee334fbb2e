//! Company Profile → Activity audit: a company's records newest first, filtered by user (a
//! username), kind and days, a page at a time, and all of them as CSV. Days are typed and times
//! shown in the company's time zone (the CSV keeps RFC 3339 UTC instants, for machines). For the
//! company's administrators and for its reseller or the provider acting for it.

use crate::WebState;
use crate::i18n::t;
use crate::layout::{Chrome, render};
use crate::provider::{failed, gate, own_company_page};
use crate::users::{Place, company_place};
use crate::zone::Zone;
use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sb_app::audit::AuditFilter;
use sb_app::user_list::UserListFilter;
use sb_app::views::AuditView;
use sb_app::{Actor, AppError, Page};
use sb_domain::ids::{CompanyId, UserId};
use sb_domain::model::{AuditKind, Role};
use serde::Deserialize;

const ADMINS: &[Role] = &[Role::CompanyAdmin, Role::ResellerAdmin, Role::SystemAdmin];
const PAGE: i64 = 50;
/// Records per read while writing the CSV.
const CHUNK: i64 = 500;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/admin/company-audit", get(own))
        .route("/admin/companies/{id}/audit", get(show))
        .route("/admin/companies/{id}/audit.csv", get(csv))
}

fn path(id: &str) -> String {
    format!("/admin/companies/{id}/audit")
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AuditQuery {
    user: String,
    kind: String,
    from: String,
    to: String,
    after: String,
}

impl AuditQuery {
    /// The query without the cursor, for the paging and CSV links.
    fn kept(&self) -> String {
        let enc = crate::users::enc;
        format!(
            "user={}&kind={}&from={}&to={}",
            enc(&self.user),
            enc(&self.kind),
            enc(&self.from),
            enc(&self.to)
        )
    }
}

/// A record as the table shows it; `kind` is a text key.
pub struct Row {
    at: String,
    kind: String,
    actor: String,
    source: String,
    target: String,
    summary: String,
}

#[derive(Template)]
#[template(path = "company_audit.html")]
struct AuditPage {
    c: Chrome,
    place: Place,
    q: AuditQuery,
    /// Every kind: its value and text key, and whether it is the one shown.
    kinds: Vec<(&'static str, String, bool)>,
    rows: Vec<Row>,
    next: Option<String>,
    first: Option<String>,
    csv: String,
    /// The company's time zone, which the days and times are in.
    zone: String,
}

fn row(v: AuditView, zone: &Zone) -> Row {
    Row {
        at: zone.local(&v.at),
        kind: format!("pv_audit_{}", v.kind.as_str()),
        actor: v.actor_name,
        source: v.source_ip.unwrap_or_default(),
        target: match v.target_id {
            Some(id) => format!("{} {id}", v.target_type),
            None => v.target_type,
        },
        summary: match &v.summary {
            serde_json::Value::Null => String::new(),
            s => s.to_string(),
        },
    }
}

/// A day typed in the filter (`YYYY-MM-DD`, in the company's zone) as its first or last
/// millisecond.
fn day_ms(field: &str, text: &str, end: bool, zone: &Zone) -> Result<Option<i64>, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let refused = || AppError::invalid("invalid_date", field, "Dates are like 2026-01-31.");
    let day: jiff::civil::Date = text.parse().map_err(|_| refused())?;
    let (first, last) = zone.day_ms(day).ok_or_else(refused)?;
    Ok(Some(if end { last } else { first }))
}

/// The filter of the query; a username nobody in the company has is refused with a reason.
async fn filter_of(
    s: &WebState,
    actor: &Actor,
    company: &str,
    q: &AuditQuery,
    zone: &Zone,
) -> Result<AuditFilter, AppError> {
    let kind = match q.kind.as_str() {
        "" => None,
        k => Some(
            AuditKind::from_text(k)
                .ok_or_else(|| AppError::invalid("invalid_kind", "kind", "Unknown audit kind."))?,
        ),
    };
    Ok(AuditFilter {
        user: match q.user.trim() {
            "" => None,
            name => Some(user_named(s, actor, company, name).await?),
        },
        kind,
        from_ms: day_ms("from", &q.from, false, zone)?,
        to_ms: day_ms("to", &q.to, true, zone)?,
        newest_first: true,
    })
}

/// The company's user whose username (else name) is exactly `name`, any case.
async fn user_named(
    s: &WebState,
    actor: &Actor,
    company: &str,
    name: &str,
) -> Result<UserId, AppError> {
    let filter = UserListFilter {
        text: Some(name.to_owned()),
        ..UserListFilter::default()
    };
    let found = s
        .app
        .search_users(actor, company, filter, Page::first(500))
        .await?;
    let same = |v: &str| v.eq_ignore_ascii_case(name);
    found
        .items
        .iter()
        .find(|e| e.user.username.as_deref().is_some_and(same))
        .or_else(|| found.items.iter().find(|e| same(&e.user.name)))
        .map(|e| UserId::from_raw(e.user.id.clone()))
        .ok_or_else(|| {
            AppError::invalid(
                "unknown_user",
                "user",
                "No user of this company has this username.",
            )
        })
}

pub async fn own(State(s): State<WebState>, headers: HeaderMap) -> Response {
    own_company_page(&s, &headers, "/admin/company-audit", "audit").await
}

pub async fn show(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<AuditQuery>,
) -> Response {
    let here = path(&id);
    let session = match gate(&s, &headers, ADMINS, &here).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let lang = session.me.language;
    let mut c = Chrome::signed_in(&session, t(lang, "pv_activity_audit"), &here);
    let place = match company_place(&s, &session, &id).await {
        Ok(p) => p,
        Err(e) => return failed(c, &e),
    };
    let zone = match Zone::of_company(&s, &session, &id).await {
        Ok(z) => z,
        Err(e) => return failed(c, &e),
    };
    let listed = match filter_of(&s, &session.actor, &id, &q, &zone).await {
        Ok(filter) => {
            let page = Page {
                after: Some(q.after.clone()).filter(|a| !a.is_empty()),
                limit: PAGE,
            };
            let company = CompanyId::from_raw(place.id.clone());
            s.app
                .list_audit(&session.actor, Some(&company), filter, page)
                .await
        }
        Err(e) => Err(e),
    };
    let (rows, next, status) = match listed {
        Ok(l) => (
            l.items.into_iter().map(|v| row(v, &zone)).collect(),
            l.next_cursor
                .map(|n| format!("{here}?{}&after={}", q.kept(), crate::users::enc(&n))),
            StatusCode::OK,
        ),
        Err(e @ AppError::Invalid(_)) => {
            c.alert = Some(crate::provider::error_text(lang, &e));
            (Vec::new(), None, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => return failed(c, &e),
    };
    let kind = AuditKind::from_text(&q.kind);
    let kinds = AuditKind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str(),
                format!("pv_audit_{}", k.as_str()),
                Some(*k) == kind,
            )
        })
        .collect();
    let page = AuditPage {
        first: (!q.after.is_empty()).then(|| format!("{here}?{}", q.kept())),
        csv: format!("{here}.csv?{}", q.kept()),
        c,
        place,
        kinds,
        rows,
        next,
        q,
        zone: zone.name,
    };
    render(status, &page)
}

/// Every record the filters select, newest first, as CSV (RFC 4180 rows ending with CRLF).
pub async fn csv(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<AuditQuery>,
) -> Response {
    let here = path(&id);
    let session = match gate(&s, &headers, ADMINS, &here).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let c = Chrome::signed_in(&session, t(session.me.language, "pv_activity_audit"), &here);
    let zone = match Zone::of_company(&s, &session, &id).await {
        Ok(z) => z,
        Err(e) => return failed(c, &e),
    };
    let filter = match filter_of(&s, &session.actor, &id, &q, &zone).await {
        Ok(f) => f,
        Err(e) => return failed(c, &e),
    };
    let company = CompanyId::from_raw(id);
    let mut out = String::from("id,at,kind,actor_name,source_ip,target_type,target_id,summary\r\n");
    let mut page = Page::first(CHUNK);
    loop {
        let list = match s
            .app
            .list_audit(&session.actor, Some(&company), filter.clone(), page)
            .await
        {
            Ok(l) => l,
            Err(e) => return failed(c, &e),
        };
        for e in list.items {
            let summary = e.summary.to_string();
            let cells = [
                e.id.as_str(),
                e.at.as_str(),
                e.kind.as_str(),
                e.actor_name.as_str(),
                e.source_ip.as_deref().unwrap_or(""),
                e.target_type.as_str(),
                e.target_id.as_deref().unwrap_or(""),
                summary.as_str(),
            ];
            for (i, cell) in cells.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                sb_domain::csv::push_cell(&mut out, cell);
            }
            out.push_str("\r\n");
        }
        match list.next_cursor {
            Some(after) => {
                page = Page {
                    after: Some(after),
                    limit: CHUNK,
                }
            }
            None => break,
        }
    }
    let mut res = out.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"audit.csv\""),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_days_cover_the_whole_day_of_the_companys_zone_and_refuse_anything_else() {
        let utc = Zone::named("UTC");
        assert_eq!(day_ms("from", "", false, &utc).unwrap(), None);
        assert_eq!(
            day_ms("from", "2026-01-31", false, &utc).unwrap(),
            Some(1_769_817_600_000)
        );
        assert_eq!(
            day_ms("to", "2026-01-31", true, &utc).unwrap(),
            Some(1_769_817_600_000 + 86_400_000 - 1)
        );
        // New York's day starts at 05:00 UTC in winter.
        let ny = Zone::named("America/New_York");
        assert_eq!(
            day_ms("from", "2026-01-31", false, &ny).unwrap(),
            Some(1_769_817_600_000 + 5 * 3_600_000)
        );
        // 8 March 2026, when New York's clocks go forward, lasts 23 hours.
        let from = day_ms("from", "2026-03-08", false, &ny).unwrap().unwrap();
        let to = day_ms("to", "2026-03-08", true, &ny).unwrap().unwrap();
        assert_eq!(to + 1 - from, 23 * 3_600_000);
        assert!(day_ms("to", "31/01/2026", true, &ny).is_err());
        assert!(day_ms("to", "2026-02-30", true, &ny).is_err());
    }
}
