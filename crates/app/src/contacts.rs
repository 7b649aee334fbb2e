//! Contacts: the company's directory (every enabled colleague with their extensions, numbers
//! and presence), a person's own contacts, and favourites among both. Who may: the person
//! (with `user_portal` in their package) and their company's administrators, as for speed
//! dials (`call_settings_user`); another company's person is a 404.

use crate::audit::{self, Record};
use crate::authz::Actor;
use crate::directory::{body_id, id_or_404};
use crate::user_list::UserListFilter;
use crate::views::ListPage;
use crate::{App, AppError, AppResult};
use sb_domain::ids::{ContactId, UserId};
use sb_domain::model::AuditKind;
use sb_domain::routing::Presence;
use sb_domain::values::{E164, Email, Name};
use sb_store::accounts::{self, User};
use sb_store::contacts::{self as store, Contact, ContactNumber};
use sb_store::{Conn, Page, lines};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// At most this many own contacts per person.
pub const MAX_CONTACTS: usize = 1000;
/// At most this many numbers per contact.
const MAX_NUMBERS: usize = 10;
/// At most this many favourite colleagues per person.
const MAX_FAVOURITE_COLLEAGUES: usize = 100;

/// One number of a contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactNumberView {
    /// What the number is (mobile, work, home…); `phone` when left empty. At most 30 characters.
    #[serde(default)]
    pub label: String,
    /// Digits with an optional leading `+` (then E.164); spaces, dots, dashes and brackets are
    /// dropped.
    pub number: String,
}

/// A contact as sent: created or replaced whole.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    pub name: String,
    /// The contact's company, if any.
    #[serde(default)]
    pub company: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// One to ten numbers, in order.
    #[serde(default)]
    pub numbers: Vec<ContactNumberView>,
    /// Listed first, among the favourites.
    #[serde(default)]
    pub favourite: bool,
}

/// One of a person's own contacts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContactView {
    pub id: String,
    pub name: String,
    pub company: Option<String>,
    pub email: Option<String>,
    pub numbers: Vec<ContactNumberView>,
    pub favourite: bool,
}

/// A colleague as the directory shows them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DirectoryEntryView {
    pub user_id: String,
    pub name: String,
    /// The extensions of the colleague's lines.
    pub extensions: Vec<String>,
    /// The outside numbers of those lines, E.164.
    pub numbers: Vec<String>,
    pub presence: Presence,
    /// Whether the person keeps this colleague among their favourites.
    pub favourite: bool,
}

/// The person's favourites: colleagues with their presence, then own contacts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FavouritesView {
    pub colleagues: Vec<DirectoryEntryView>,
    pub contacts: Vec<ContactView>,
}

/// The colleagues a person keeps as favourites, replaced as one document.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FavouriteColleaguesDoc {
    /// Users of the person's company; at most 100.
    pub user_ids: Vec<String>,
}

/// What an import did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ContactImportView {
    /// How many contacts were added.
    pub imported: usize,
}

fn view(k: Contact) -> ContactView {
    ContactView {
        id: k.id.to_string(),
        name: k.name,
        company: k.organisation,
        email: k.email,
        numbers: number_views(k.numbers),
        favourite: k.favourite,
    }
}

/// A contact's numbers as the API shows them (own and group contacts alike).
pub(crate) fn number_views(
    numbers: Vec<sb_store::contacts::ContactNumber>,
) -> Vec<ContactNumberView> {
    numbers
        .into_iter()
        .map(|n| ContactNumberView {
            label: n.label,
            number: n.number,
        })
        .collect()
}

/// An optional short text: trimmed, empty as none, bounded, no control characters.
fn short_text(field: &str, s: Option<&str>, max: usize) -> AppResult<Option<String>> {
    let Some(t) = s.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if t.chars().count() > max || t.chars().any(char::is_control) {
        return Err(AppError::invalid(
            "invalid_text",
            field,
            format!("Give at most {max} characters, on one line."),
        ));
    }
    Ok(Some(t.to_owned()))
}

/// A contact's number: separators dropped; with `+` an E.164 number, else 2 to 20 digits.
fn phone_number(field: &str, s: &str) -> AppResult<String> {
    let n: String = s
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    if n.starts_with('+') {
        return Ok(E164::parse(field, &n)?.into_string());
    }
    if !(2..=20).contains(&n.len()) || !n.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::invalid(
            "invalid_phone_number",
            field,
            "A phone number is digits, with an optional leading +.",
        ));
    }
    Ok(n)
}

/// A contact's input once checked.
#[derive(Debug)]
pub(crate) struct Checked {
    pub name: String,
    pub organisation: Option<String>,
    pub email: Option<String>,
    pub numbers: Vec<ContactNumber>,
}

/// The input checked, each refusal naming its field.
pub(crate) fn checked(input: &ContactInput) -> AppResult<Checked> {
    let name = Name::parse("name", &input.name)?.into_string();
    let company = short_text("company", input.company.as_deref(), 100)?;
    let email = match input
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
    {
        Some(e) => Some(Email::parse("email", e)?.into_string()),
        None => None,
    };
    if input.numbers.is_empty() || input.numbers.len() > MAX_NUMBERS {
        return Err(AppError::invalid(
            "invalid_count",
            "numbers",
            "Give one to ten numbers.",
        ));
    }
    let mut numbers = Vec::with_capacity(input.numbers.len());
    for (i, n) in input.numbers.iter().enumerate() {
        let label = short_text(&format!("numbers.{i}.label"), Some(&n.label), 30)?
            .unwrap_or_else(|| "phone".into());
        let number = phone_number(&format!("numbers.{i}.number"), &n.number)?;
        numbers.push(ContactNumber { label, number });
    }
    Ok(Checked {
        name,
        organisation: company,
        email,
        numbers,
    })
}

impl App {
    /// The person's own contacts, favourites first, then by name.
    pub async fn contacts(&self, actor: &Actor, user: &str) -> AppResult<Vec<ContactView>> {
        let mut c = self.store.conn().await?;
        let u = self.call_settings_user(&mut c, actor, user).await?;
        Ok(store::list(&mut c, &u.id)
            .await?
            .into_iter()
            .map(view)
            .collect())
    }

    /// A contact and its owner, for someone allowed to manage the owner's contacts.
    async fn contact_for(
        &self,
        c: &mut Conn,
        actor: &Actor,
        id: &str,
    ) -> AppResult<(User, Contact)> {
        let k = store::get(c, &ContactId::from_raw(id_or_404(id)?))
            .await?
            .ok_or(AppError::NotFound)?;
        let u = self
            .call_settings_user(c, actor, k.user_id.as_str())
            .await?;
        Ok((u, k))
    }

    /// One contact.
    pub async fn contact(&self, actor: &Actor, id: &str) -> AppResult<ContactView> {
        let mut c = self.store.conn().await?;
        Ok(view(self.contact_for(&mut c, actor, id).await?.1))
    }

    /// Adds a contact to the person's own (at most 1000).
    pub async fn create_contact(
        &self,
        actor: &Actor,
        user: &str,
        input: ContactInput,
    ) -> AppResult<ContactView> {
        let Checked {
            name,
            organisation,
            email,
            numbers,
        } = checked(&input)?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let u = self.call_settings_user(&mut tx, actor, user).await?;
        let company_id = u.company_id.clone().ok_or(AppError::NotFound)?;
        if store::count(&mut tx, &u.id).await? >= MAX_CONTACTS as i64 {
            return Err(AppError::invalid(
                "too_many",
                "contacts",
                "Keep at most 1000 contacts.",
            ));
        }
        let k = Contact {
            id: ContactId::new(now),
            user_id: u.id.clone(),
            company_id,
            name,
            organisation,
            email,
            favourite: input.favourite,
            numbers,
            created_at: now,
            updated_at: now,
        };
        store::insert(&mut tx, &k).await?;
        let rec = Record::new(AuditKind::Created, "contact", k.id.as_str())
            .tenant(u.reseller_id.as_ref(), u.company_id.as_ref())
            .about(&u.id)
            .summary(serde_json::json!({"after": {"name": k.name, "numbers": k.numbers.len()}}));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(view(k))
    }

    /// Replaces a contact's fields and numbers.
    pub async fn update_contact(
        &self,
        actor: &Actor,
        id: &str,
        input: ContactInput,
    ) -> AppResult<ContactView> {
        let Checked {
            name,
            organisation,
            email,
            numbers,
        } = checked(&input)?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (u, before) = self.contact_for(&mut tx, actor, id).await?;
        let k = Contact {
            name,
            organisation,
            email,
            numbers,
            favourite: input.favourite,
            updated_at: now,
            ..before.clone()
        };
        store::update(&mut tx, &k).await?;
        let rec = Record::new(AuditKind::Changed, "contact", k.id.as_str())
            .tenant(u.reseller_id.as_ref(), u.company_id.as_ref())
            .about(&u.id)
            .summary(serde_json::json!({
                "before": {"name": before.name, "favourite": before.favourite},
                "after": {"name": k.name, "favourite": k.favourite}}));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(view(k))
    }

    /// Removes a contact.
    pub async fn delete_contact(&self, actor: &Actor, id: &str) -> AppResult<()> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (u, k) = self.contact_for(&mut tx, actor, id).await?;
        store::delete(&mut tx, &k.id).await?;
        let rec = Record::new(AuditKind::Deleted, "contact", k.id.as_str())
            .tenant(u.reseller_id.as_ref(), u.company_id.as_ref())
            .about(&u.id)
            .summary(serde_json::json!({"before": {"name": k.name}}));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A page of the person's company directory: enabled colleagues by name, extension or
    /// number (`q`), with their presence.
    pub async fn company_directory(
        &self,
        actor: &Actor,
        user: &str,
        q: Option<String>,
        page: Page,
    ) -> AppResult<ListPage<DirectoryEntryView>> {
        let mut c = self.store.conn().await?;
        let u = self.call_settings_user(&mut c, actor, user).await?;
        let co_id = u.company_id.clone().ok_or(AppError::NotFound)?;
        let co = self.company_or_404(&mut c, &co_id).await?;
        let filter = UserListFilter {
            text: q.filter(|t| !t.trim().is_empty()),
            enabled: Some(true),
            ..UserListFilter::default()
        };
        let found = self.search_in(&mut c, &co, filter, page).await?;
        let favourites = store::favourite_colleagues(&mut c, &u.id).await?;
        let mut items = Vec::with_capacity(found.items.len());
        for e in found.items {
            let id = UserId::from_raw(e.user.id.clone());
            items.push(DirectoryEntryView {
                presence: crate::calls::presence_of(&mut c, &id).await?,
                favourite: favourites.contains(&id),
                user_id: e.user.id,
                name: e.user.name,
                extensions: e.lines.iter().map(|l| l.extension.clone()).collect(),
                numbers: e.lines.into_iter().flat_map(|l| l.numbers).collect(),
            });
        }
        Ok(ListPage {
            items,
            next_cursor: found.next_cursor,
        })
    }

    /// One colleague as the directory shows them.
    async fn directory_entry(
        &self,
        c: &mut Conn,
        colleague: &User,
    ) -> AppResult<DirectoryEntryView> {
        let (mut extensions, mut numbers) = (Vec::new(), Vec::new());
        if let Some(co) = &colleague.company_id {
            for l in lines::lines_of_user(c, co, &colleague.id).await? {
                numbers.extend(lines::numbers_of_line(c, co, &l.id).await?);
                extensions.push(l.extension);
            }
        }
        Ok(DirectoryEntryView {
            user_id: colleague.id.to_string(),
            name: colleague.name.clone(),
            extensions,
            numbers,
            presence: crate::calls::presence_of(c, &colleague.id).await?,
            favourite: true,
        })
    }

    /// The person's favourites: colleagues by name with their presence, then own contacts.
    pub async fn favourites(&self, actor: &Actor, user: &str) -> AppResult<FavouritesView> {
        let mut c = self.store.conn().await?;
        let u = self.call_settings_user(&mut c, actor, user).await?;
        let mut colleagues = Vec::new();
        for id in store::favourite_colleagues(&mut c, &u.id).await? {
            if let Some(other) = accounts::locate_user(&mut c, &id).await? {
                colleagues.push(self.directory_entry(&mut c, &other).await?);
            }
        }
        colleagues.sort_by_key(|e| e.name.to_lowercase());
        let contacts = store::list(&mut c, &u.id)
            .await?
            .into_iter()
            .filter(|k| k.favourite)
            .map(view)
            .collect();
        Ok(FavouritesView {
            colleagues,
            contacts,
        })
    }

    /// Replaces the colleagues the person keeps as favourites: users of their own company.
    pub async fn set_favourite_colleagues(
        &self,
        actor: &Actor,
        user: &str,
        doc: FavouriteColleaguesDoc,
    ) -> AppResult<FavouritesView> {
        if doc.user_ids.len() > MAX_FAVOURITE_COLLEAGUES {
            return Err(AppError::invalid(
                "too_many",
                "user_ids",
                "Keep at most 100 favourite colleagues.",
            ));
        }
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let u = self.call_settings_user(&mut tx, actor, user).await?;
        let mut ids: Vec<UserId> = Vec::with_capacity(doc.user_ids.len());
        for (i, raw) in doc.user_ids.iter().enumerate() {
            let field = format!("user_ids.{i}");
            let id = UserId::from_raw(body_id(&field, raw)?);
            let colleague = accounts::locate_user(&mut tx, &id).await?;
            if colleague.is_none_or(|o| o.company_id != u.company_id || o.id == u.id) {
                return Err(AppError::invalid(
                    "unknown_reference",
                    &field,
                    "There is no such colleague.",
                ));
            }
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        let before = store::favourite_colleagues(&mut tx, &u.id).await?;
        store::set_favourite_colleagues(&mut tx, &u.id, &ids).await?;
        let list = |l: &[UserId]| l.iter().map(ToString::to_string).collect::<Vec<_>>();
        let rec = Record::new(AuditKind::Changed, "favourite_colleagues", &u.id)
            .tenant(u.reseller_id.as_ref(), u.company_id.as_ref())
            .about(&u.id)
            .summary(serde_json::json!({"before": list(&before), "after": list(&ids)}));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        self.favourites(actor, user).await
    }

    /// Adds a colleague to the person's favourites, or takes them off.
    pub async fn mark_favourite_colleague(
        &self,
        actor: &Actor,
        user: &str,
        colleague: &str,
        on: bool,
    ) -> AppResult<FavouritesView> {
        let mut c = self.store.conn().await?;
        let u = self.call_settings_user(&mut c, actor, user).await?;
        let mut ids: Vec<String> = store::favourite_colleagues(&mut c, &u.id)
            .await?
            .into_iter()
            .map(|i| i.to_string())
            .filter(|i| i != colleague)
            .collect();
        drop(c);
        if on {
            ids.push(colleague.to_owned());
        }
        self.set_favourite_colleagues(actor, user, FavouriteColleaguesDoc { user_ids: ids })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str, number: &str) -> ContactInput {
        ContactInput {
            name: name.into(),
            numbers: vec![ContactNumberView {
                label: String::new(),
                number: number.into(),
            }],
            ..ContactInput::default()
        }
    }

    fn field_of(i: &ContactInput) -> String {
        match checked(i) {
            Err(AppError::Invalid(e)) => e.field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn numbers_lose_their_separators_and_an_empty_label_reads_phone() {
        let numbers = checked(&input("Ada", "+44 (20) 7123-4567"))
            .unwrap()
            .numbers;
        assert_eq!(numbers[0].number, "+442071234567");
        assert_eq!(numbers[0].label, "phone");
        assert_eq!(
            checked(&input("Ada", "0612345678")).unwrap().numbers[0].number,
            "0612345678"
        );
    }

    #[test]
    fn a_bad_name_number_email_or_count_is_refused_by_its_field() {
        assert_eq!(field_of(&input(" ", "+15550100")), "name");
        assert_eq!(field_of(&input("Ada", "*21#")), "numbers.0.number");
        assert_eq!(field_of(&input("Ada", "+0123")), "numbers.0.number");
        let mut i = input("Ada", "+15550100");
        i.email = Some("nope".into());
        assert_eq!(field_of(&i), "email");
        i.email = None;
        i.numbers.clear();
        assert_eq!(field_of(&i), "numbers");
    }
}
