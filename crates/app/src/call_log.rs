//! The call log: what the SIP engine records when a call ends, and who may read
//! it (the line's user and the company's administrators and providers).

use crate::authz::{self, Actor, Need, Tenant};
use crate::views::{CallDirection, CallRecordView, ListPage, parse_time, time};
use crate::{App, AppError, AppResult};
use sb_domain::ids::{CallRecordId, CompanyId, LineId};
use sb_domain::routing::Presence;
use sb_domain::values::Extension;
pub use sb_store::call_log::RecordRef;
use sb_store::call_log::{self as store, CallFilter, CallRecord, CallScope};

/// Whose calls: one line's (by id) or a whole company's.
#[derive(Debug, Clone)]
pub enum CallsOf {
    Line(String),
    Company(String),
}

/// A call of a line's log with its other party's presence, when that party is a line of the
/// same company that has a user.
#[derive(Debug)]
pub struct PartyCall {
    pub call: CallRecordView,
    pub presence: Option<Presence>,
}

/// What the engine knows of one line's part in a call.
#[derive(Debug, Clone)]
pub struct NewCallRecord {
    pub company_id: CompanyId,
    pub line_id: LineId,
    pub direction: CallDirection,
    pub other_number: String,
    pub other_name: Option<String>,
    pub started_at_ms: i64,
    pub duration_secs: i64,
    pub device: Option<String>,
    pub status: u16,
    pub call_ref: String,
}

fn view(r: CallRecord) -> CallRecordView {
    CallRecordView {
        id: r.id.to_string(),
        line_id: r.line_id.to_string(),
        direction: CallDirection::from_text(&r.direction).unwrap_or(CallDirection::Missed),
        other_number: r.other_number,
        other_name: r.other_name,
        started_at: time(r.started_at),
        duration_secs: r.duration_secs,
        device: r.device,
        status: r.status,
    }
}

/// Reads the call-log filters of a query: `direction`, `from`, `to` (RFC 3339).
pub fn filter_from(pairs: &[(String, String)]) -> AppResult<CallFilter> {
    let mut f = CallFilter::default();
    let time = |field: &str, v: &str| parse_time(field, v).map(|t| t.as_millisecond());
    for (k, v) in pairs {
        match k.as_str() {
            "direction" => {
                let d = CallDirection::from_text(v).ok_or_else(|| {
                    AppError::invalid(
                        "invalid_direction",
                        "direction",
                        "direction is missed, dialled, received or rejected.",
                    )
                })?;
                f.direction = Some(d.as_str().to_owned());
            }
            "from" => f.from_ms = Some(time("from", v)?),
            "to" => f.to_ms = Some(time("to", v)?),
            _ => {}
        }
    }
    Ok(f)
}

impl App {
    /// Writes call records (of one call, or of several calls gathered by the engine), all or
    /// none.
    pub async fn record_call(&self, records: &[NewCallRecord]) -> AppResult<()> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        for r in records {
            store::insert(
                &mut tx,
                &CallRecord {
                    id: CallRecordId::new(now),
                    company_id: r.company_id.clone(),
                    line_id: r.line_id.clone(),
                    direction: r.direction.as_str().to_owned(),
                    other_number: r.other_number.clone(),
                    other_name: r.other_name.clone(),
                    started_at: r.started_at_ms,
                    duration_secs: r.duration_secs,
                    device: r.device.clone(),
                    status: i64::from(r.status),
                    call_ref: r.call_ref.clone(),
                },
            )
            .await?;
            if r.direction == CallDirection::Missed
                && sb_store::voicemail::notifications(&mut tx, &r.line_id)
                    .await?
                    .missed_calls
                && let Some(line) = sb_store::lines::locate_line(&mut tx, &r.line_id).await?
            {
                let who = match &r.other_name {
                    Some(n) => format!("{n} <{}>", r.other_number),
                    None => r.other_number.clone(),
                };
                let subject = format!("Missed call from {who}");
                let body = format!(
                    "{who} called extension {} at {} and was not answered.\n",
                    line.extension,
                    crate::views::time(r.started_at_ms)
                );
                self.notify_user(&mut tx, &line, subject, body, now).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Whose records `of` names, once the actor may read them: a line's for its user and the
    /// company's administrators, a company's for its administrators and providers.
    async fn call_scope(
        &self,
        c: &mut sb_store::Conn,
        actor: &Actor,
        of: &CallsOf,
    ) -> AppResult<CallScope> {
        match of {
            CallsOf::Line(line) => Ok(CallScope::Line(self.log_line(c, actor, line).await?.id)),
            CallsOf::Company(company) => {
                let co = self
                    .company_or_404(c, &CompanyId::from_raw(company))
                    .await?;
                authz::check(
                    actor,
                    &Tenant::company(&co.reseller_id, &co.id),
                    Need::Administer,
                )?;
                Ok(CallScope::Company(co.id))
            }
        }
    }

    /// The line whose log the actor asks for, once they may read it: its user, or the company's
    /// administrators and providers; another tenant's line, or another person's for an end user,
    /// is not found.
    async fn log_line(
        &self,
        c: &mut sb_store::Conn,
        actor: &Actor,
        line: &str,
    ) -> AppResult<sb_store::lines::Line> {
        Ok(self.handling_line(c, actor, line, false).await?.1)
    }

    /// A page of calls, newest first.
    pub async fn calls(
        &self,
        actor: &Actor,
        of: &CallsOf,
        filter: CallFilter,
        page: sb_store::Page,
    ) -> AppResult<ListPage<CallRecordView>> {
        let mut c = self.store.conn().await?;
        let scope = self.call_scope(&mut c, actor, of).await?;
        let (items, next_cursor) = store::list(&mut c, &scope, &filter, &page).await?;
        Ok(ListPage {
            items: items.into_iter().map(view).collect(),
            next_cursor,
        })
    }

    /// The same page, each record handed to `each` as the database reads it (exports); returns
    /// the next cursor.
    pub async fn calls_each(
        &self,
        actor: &Actor,
        of: &CallsOf,
        filter: &CallFilter,
        page: &sb_store::Page,
        each: impl FnMut(&RecordRef<'_>),
    ) -> AppResult<Option<String>> {
        let mut c = self.store.conn().await?;
        let scope = self.call_scope(&mut c, actor, of).await?;
        Ok(store::each(&mut c, &scope, filter, page, each).await?)
    }
}

/// The other parties among `numbers` that can be lines of the company: extensions, each once.
/// A withheld caller (`anonymous`) and outside numbers are never looked up, so the log tells
/// nothing more of them than the call itself did.
fn internal_parties<'a>(numbers: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for n in numbers {
        if Extension::parse("other_number", n).is_ok() && !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

/// The presence of the user of `company`'s line `extension`; none for a line nobody has, or no
/// such line (a number dialled that was not one).
async fn party_presence(
    c: &mut sb_store::Conn,
    company: &CompanyId,
    extension: &str,
) -> AppResult<Option<Presence>> {
    let line = sb_store::lines::line_by_extension(c, company, extension).await?;
    match line.and_then(|l| l.user_id) {
        Some(user) => Ok(Some(crate::calls::presence_of(c, &user).await?)),
        None => Ok(None),
    }
}

impl App {
    /// A page of one line's calls, newest first, each with the presence of its other party when
    /// that party is a line of the same company: read by whoever may read the line's log, and
    /// looked up only among that company's lines, so no other tenant's person is ever named.
    pub async fn calls_with_presence(
        &self,
        actor: &Actor,
        line: &str,
        filter: CallFilter,
        page: sb_store::Page,
    ) -> AppResult<ListPage<PartyCall>> {
        let mut c = self.store.conn().await?;
        let l = self.log_line(&mut c, actor, line).await?;
        let scope = CallScope::Line(l.id.clone());
        let (items, next_cursor) = store::list(&mut c, &scope, &filter, &page).await?;
        let mut known = Vec::new();
        for n in internal_parties(items.iter().map(|r| r.other_number.as_str())) {
            known.push((
                n.to_owned(),
                party_presence(&mut c, &l.company_id, n).await?,
            ));
        }
        let presence_of = |n: &str| known.iter().find(|(k, _)| k == n).and_then(|(_, p)| *p);
        Ok(ListPage {
            items: items
                .into_iter()
                .map(|r| PartyCall {
                    presence: presence_of(&r.other_number),
                    call: view(r),
                })
                .collect(),
            next_cursor,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_extensions_are_looked_up_for_presence_never_outside_or_withheld_numbers() {
        let shown = ["+15550100", "anonymous", "202", "*0712", "5550100", "9", ""];
        assert_eq!(internal_parties(shown.into_iter()), ["202", "5550100"]);
    }

    #[test]
    fn each_party_of_a_page_is_looked_up_once() {
        let shown = ["202", "203", "202", "202"];
        assert_eq!(internal_parties(shown.into_iter()), ["202", "203"]);
    }
}
