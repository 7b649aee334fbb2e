//! What a user's Calls tab reads, in one use case kept for a moment (see [`crate::recent`]): the
//! tab is opened again and again while an administrator works through a user's settings, and
//! each opening would otherwise read the company, the user, their lines, each line's call
//! handling, the company's lines and the saved numbers again.

use crate::authz::{Actor, Need};
use crate::directory::{line_view, user_view};
use crate::person::CompanyRef;
use crate::recent::Recent;
use crate::views::{CallHandlingDoc, LineView, UserView};
use crate::{App, AppError, AppResult};
use sb_domain::ids::{CompanyId, UserId};
use sb_store::{Page, accounts, lines};
use std::sync::Arc;

/// How many of the company's lines a redirect may be chosen from.
pub const MAX_CHOICES: i64 = 500;

/// A line another line may be redirected to: its extension and the name it goes by.
#[derive(Debug, Clone)]
pub struct LineChoice {
    pub id: String,
    pub extension: String,
    /// Its local calling name, else its account name.
    pub name: String,
}

/// Everything a user's Calls tab shows.
#[derive(Debug)]
pub struct CallsTab {
    pub company: CompanyRef,
    pub user: UserView,
    /// The user's lines, by extension.
    pub lines: Vec<LineView>,
    /// The call handling of each of those lines, by line id.
    pub handling: Vec<(String, CallHandlingDoc)>,
    /// The company's lines (at most [`MAX_CHOICES`]), for redirects to a colleague.
    pub company_lines: Vec<LineChoice>,
    /// The user's saved numbers, offered for forwarding.
    pub saved: Vec<String>,
}

/// The Calls tabs read lately, per company and user.
pub(crate) type TabCache = Recent<(CompanyId, UserId), Arc<CallsTab>>;

impl App {
    /// The Calls tab of one of a company's users, for the company's administrators and its
    /// providers, and for the user themselves (their Services page); a user of another company
    /// is not found.
    pub async fn calls_tab(
        &self,
        actor: &Actor,
        company: &str,
        user: &str,
    ) -> AppResult<Arc<CallsTab>> {
        // Read before the rest, so that a change landing meanwhile makes this entry stale.
        let epochs = (self.store.account_epoch(), self.store.config_epoch());
        let now = self.now_ms();
        let mut c = self.store.conn().await?;
        // Who may see it is decided on every request; only what it shows is kept. A person reads
        // their own settings as any end user reads their own line; anyone else's are the
        // administrators'.
        let need = if actor.user_id.as_str() == user {
            Need::See
        } else {
            Need::Administer
        };
        let co = self.company_for(&mut c, actor, company, need).await?;
        let key = (co.id.clone(), UserId::from_raw(user.to_owned()));
        if let Some(tab) = self.calls_tabs.get(&key, epochs, now) {
            return Ok(tab);
        }
        let u = accounts::locate_user(&mut c, &key.1)
            .await?
            .filter(|u| u.company_id.as_ref() == Some(&co.id))
            .ok_or(AppError::NotFound)?;
        let mut mine = Vec::new();
        let mut handling = Vec::new();
        for l in lines::lines_of_user(&mut c, &co.id, &u.id).await? {
            let numbers = lines::numbers_of_line(&mut c, &co.id, &l.id).await?;
            let doc = crate::calls::doc_of(&self.handling_of(&mut c, &l).await?);
            handling.push((l.id.to_string(), doc));
            mine.push(line_view(&l, numbers));
        }
        let (all, _) = lines::list_lines(&mut c, &co.id, &Page::first(MAX_CHOICES)).await?;
        let company_lines = all
            .into_iter()
            .map(|l| LineChoice {
                id: l.id.to_string(),
                name: l.calling_name.clone().unwrap_or(l.account_name.clone()),
                extension: l.extension,
            })
            .collect();
        let tab = Arc::new(CallsTab {
            saved: accounts::saved_numbers(&mut c, &u.id).await?,
            user: user_view(&u),
            lines: mine,
            handling,
            company_lines,
            company: self.company_ref_of(&mut c, co).await?,
        });
        self.calls_tabs.put(key, epochs, now, tab.clone());
        Ok(tab)
    }
}
