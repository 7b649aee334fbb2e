//! The devices registered now on a line (a user's Device tab, `GET /api/v1/lines/{id}/registrations`),
//! and the administrators' search of a company's lines (the Lines page).
//!
//! Registrations are what the SIP registrar stored (`sb_store::registrations`): one row per
//! Contact of the line's address of record `sip_username@sip_domain`. They carry no credentials.

use crate::authz::{Actor, Need};
use crate::directory::line_view;
use crate::views::{LineView, ListPage, time};
use crate::{App, AppError, AppResult};
use sb_domain::model::Role;
use sb_store::{Page, accounts, lines, registrations};
use serde::Serialize;
use utoipa::ToSchema;

/// One phone (or softphone) registered on a line now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct RegistrationView {
    /// The Contact it registered: where calls to the line are sent.
    pub contact: String,
    /// The address the REGISTER came from (`ip:port`).
    pub source: String,
    /// What the device calls itself (its User-Agent header), when it said.
    pub user_agent: Option<String>,
    /// When the registration runs out unless the device refreshes it (RFC 3339). The registrar
    /// stores a refresh only when it moves the expiry by more than a minute, so a device that
    /// refreshes often can show an expiry up to a minute early.
    pub expires_at: String,
}

/// A line of the administrators' list, with its user's name.
#[derive(Debug, Serialize)]
pub struct LineEntry {
    pub line: LineView,
    pub user_name: Option<String>,
}

impl App {
    /// The devices registered now on `line`, for its own user, the company's administrators and
    /// the providers above. A colleague may see the line in the directory but not where its
    /// phones are (their addresses and ports): 403. Another tenant's line is not found.
    pub async fn line_registrations(
        &self,
        actor: &Actor,
        line: &str,
    ) -> AppResult<Vec<RegistrationView>> {
        let mut c = self.store.conn().await?;
        let (co, l) = self.line_for(&mut c, actor, line, Need::See).await?;
        if actor.role == Role::EndUser && l.user_id.as_ref() != Some(&actor.user_id) {
            return Err(AppError::forbidden(
                "Only the line's own user and administrators see its devices.",
            ));
        }
        let aor = format!("{}@{}", l.sip_username, co.sip_domain);
        let now = self.now_ms();
        let found = registrations::of_aor(&mut c, &co.id, &aor, now).await?;
        Ok(found
            .into_iter()
            .map(|r| RegistrationView {
                contact: r.contact,
                source: r.source,
                user_agent: Some(r.user_agent).filter(|u| !u.is_empty()),
                expires_at: time(r.expires_at),
            })
            .collect())
    }

    /// A page of the company's lines whose extension, account or calling name, number or user's
    /// name contains `text` (all of them when it is empty); for its administrators.
    pub async fn search_lines(
        &self,
        actor: &Actor,
        company: &str,
        text: &str,
        page: Page,
    ) -> AppResult<ListPage<LineEntry>> {
        let mut c = self.store.conn().await?;
        let co = self
            .company_for(&mut c, actor, company, Need::Administer)
            .await?;
        let (found, next_cursor) = lines::search_lines(&mut c, &co.id, text, &page).await?;
        let mut items = Vec::with_capacity(found.len());
        for l in &found {
            let nums = lines::numbers_of_line(&mut c, &co.id, &l.id).await?;
            let user_name = match &l.user_id {
                Some(u) => accounts::locate_user(&mut c, u).await?.map(|u| u.name),
                None => None,
            };
            items.push(LineEntry {
                line: line_view(l, nums),
                user_name,
            });
        }
        Ok(ListPage { items, next_cursor })
    }
}

#[cfg(test)]
mod tests;
