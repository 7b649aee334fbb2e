//! A person's contacts exported as vCard 4.0 or CSV, and imported from vCard (3.0, 4.0) or CSV
//! all or nothing: the first bad card or row refuses the file with its line, nothing added.

use crate::audit::{self, Record};
use crate::authz::Actor;
use crate::contacts::{
    Checked, ContactImportView, ContactInput, ContactNumberView, MAX_CONTACTS, checked,
};
use crate::{App, AppError, AppResult};
use sb_domain::contact_csv;
use sb_domain::ids::ContactId;
use sb_domain::model::AuditKind;
use sb_domain::vcard::{self, Card, FileError};
use sb_store::contacts::{self as store, Contact};

/// The largest file an import reads.
pub const MAX_IMPORT_BYTES: usize = 1024 * 1024;

/// The formats contacts are exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContactFormat {
    VCard,
    Csv,
}

fn card(k: Contact) -> Card {
    Card {
        line: 0,
        name: k.name,
        organisation: k.organisation,
        email: k.email,
        numbers: k.numbers.into_iter().map(|n| (n.label, n.number)).collect(),
    }
}

fn refused(e: &FileError) -> AppError {
    AppError::invalid(
        "invalid_file",
        "file",
        format!("Line {}: {}", e.line, e.message),
    )
}

/// A card as a contact input; its refusal names the card's line and what was wrong.
fn input_of(c: Card) -> AppResult<(usize, ContactInput)> {
    let line = c.line;
    let input = ContactInput {
        name: c.name,
        company: c.organisation,
        email: c.email,
        numbers: c
            .numbers
            .into_iter()
            .map(|(label, number)| ContactNumberView { label, number })
            .collect(),
        favourite: false,
    };
    match checked(&input) {
        Ok(_) => Ok((line, input)),
        Err(AppError::Invalid(i)) => Err(AppError::invalid(
            i.code,
            "file",
            format!("Line {line}: {} ({})", i.message, i.field),
        )),
        Err(e) => Err(e),
    }
}

/// Whether a file is vCard (it starts with BEGIN:VCARD) or else CSV.
fn is_vcard(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .get(..11)
        .is_some_and(|s| s.eq_ignore_ascii_case("BEGIN:VCARD"))
}

impl App {
    /// The person's contacts as one file.
    pub async fn export_contacts(
        &self,
        actor: &Actor,
        user: &str,
        format: ContactFormat,
    ) -> AppResult<String> {
        let mut c = self.store.conn().await?;
        let u = self.call_settings_user(&mut c, actor, user).await?;
        let cards: Vec<Card> = store::list(&mut c, &u.id)
            .await?
            .into_iter()
            .map(card)
            .collect();
        Ok(match format {
            ContactFormat::VCard => vcard::write(&cards),
            ContactFormat::Csv => contact_csv::write(&cards),
        })
    }

    /// Adds every contact of a vCard or CSV file (UTF-8, at most 1 MiB), or none.
    pub async fn import_contacts(
        &self,
        actor: &Actor,
        user: &str,
        file: &[u8],
    ) -> AppResult<ContactImportView> {
        // Whether the file may be read at all comes first: a stranger learns nothing of it.
        let mut c = self.store.conn().await?;
        self.call_settings_user(&mut c, actor, user).await?;
        drop(c);
        if file.len() > MAX_IMPORT_BYTES {
            return Err(AppError::invalid(
                "file_too_large",
                "file",
                "A contacts file is at most 1 MiB.",
            ));
        }
        let text = std::str::from_utf8(file).map_err(|_| {
            AppError::invalid("invalid_file", "file", "A contacts file is UTF-8 text.")
        })?;
        let cards = if is_vcard(text) {
            vcard::read(text)
        } else {
            contact_csv::read(text)
        }
        .map_err(|e| refused(&e))?;
        let inputs = cards
            .into_iter()
            .map(input_of)
            .collect::<AppResult<Vec<_>>>()?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let u = self.call_settings_user(&mut tx, actor, user).await?;
        let company_id = u.company_id.clone().ok_or(AppError::NotFound)?;
        let have = usize::try_from(store::count(&mut tx, &u.id).await?).unwrap_or(0);
        if have + inputs.len() > MAX_CONTACTS {
            return Err(AppError::invalid(
                "too_many",
                "file",
                "Keep at most 1000 contacts.",
            ));
        }
        for (i, (_, input)) in inputs.iter().enumerate() {
            let Checked {
                name,
                organisation,
                email,
                numbers,
            } = checked(input)?;
            let at = now + i64::try_from(i).unwrap_or(0);
            store::insert(
                &mut tx,
                &Contact {
                    id: ContactId::new(at),
                    user_id: u.id.clone(),
                    company_id: company_id.clone(),
                    name,
                    organisation,
                    email,
                    favourite: false,
                    numbers,
                    created_at: now,
                    updated_at: now,
                },
            )
            .await?;
        }
        let rec = Record::new(AuditKind::Created, "contacts_import", &u.id)
            .tenant(u.reseller_id.as_ref(), u.company_id.as_ref())
            .about(&u.id)
            .summary(serde_json::json!({"after": {"imported": inputs.len()}}));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(ContactImportView {
            imported: inputs.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_with_a_bad_number_is_refused_with_its_line() {
        let text = "BEGIN:VCARD\nVERSION:4.0\nFN:Ada\nTEL:+1555\nEND:VCARD\n";
        let card = vcard::read(text).unwrap().remove(0);
        match input_of(card) {
            Err(AppError::Invalid(i)) => {
                assert_eq!((i.code, i.field.as_str()), ("invalid_phone_number", "file"));
                assert!(i.message.starts_with("Line 1:"), "{}", i.message);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_file_is_vcard_when_it_begins_with_a_card_and_csv_otherwise() {
        assert!(is_vcard("\u{feff}\r\nbegin:vcard\r\n"));
        assert!(!is_vcard("name,company\r\n"));
    }
}
