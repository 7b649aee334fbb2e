//! Faxes: a call to a number marked as its line's fax number is answered by the engine's fax
//! receiver, and each fax received whole lands in the line's inbox as a PDF, where the line's
//! user and the company's administrators list, open and delete it; the user is mailed the PDF
//! when the line's fax notification is on.

use crate::audit::{self, Record};
use crate::authz::Actor;
use crate::views::time;
use crate::{App, AppError, AppResult};
use sb_domain::ids::{CompanyId, FaxId, LineId};
use sb_domain::model::{AuditKind, Feature};
use sb_store::audio::AudioRef;
use sb_store::faxes::{self as store, Fax};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A fax the SIP engine received whole for a line.
#[derive(Debug, Clone)]
pub struct NewFax {
    pub company_id: CompanyId,
    pub line_id: LineId,
    /// The caller's number (`anonymous` when withheld) and name, as the call showed them.
    pub caller_number: String,
    pub caller_name: Option<String>,
    /// What the sending machine called itself (its T.30 TSI), when it said.
    pub remote_ident: Option<String>,
    pub pages: u32,
    pub bit_rate: u32,
    /// The pages as one PDF.
    pub pdf: Vec<u8>,
}

/// One fax of a line's inbox.
#[derive(Debug, Serialize, ToSchema)]
pub struct FaxView {
    pub id: String,
    pub line_id: String,
    /// The caller's number (`anonymous` when withheld).
    pub caller_number: String,
    pub caller_name: Option<String>,
    /// What the sending machine called itself, when it said.
    pub remote_ident: Option<String>,
    /// When it arrived (RFC 3339).
    pub received_at: String,
    pub pages: i64,
    /// The pages' bit rate, bits a second.
    pub bit_rate: i64,
    /// Opened, or marked so; new faxes are not.
    pub seen: bool,
    /// Where its document is (`application/pdf`).
    pub document_url: String,
}

fn view(f: Fax) -> FaxView {
    FaxView {
        document_url: format!("/api/v1/faxes/{}/document", f.id),
        id: f.id.to_string(),
        line_id: f.line_id.to_string(),
        caller_number: f.caller_number,
        caller_name: f.caller_name,
        remote_ident: f.remote_ident,
        received_at: time(f.received_at),
        pages: f.pages,
        bit_rate: f.bit_rate,
        seen: f.seen,
    }
}

/// A change to a fax.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FaxPatch {
    pub seen: bool,
}

impl App {
    /// Stores a fax the engine received, and mails it to the line's user when the line's fax
    /// notification is on (through the outbox, in the same transaction, so neither is lost).
    /// A line whose user's package lost `fax` since the call began keeps nothing.
    pub async fn store_fax(&self, f: NewFax) -> AppResult<Option<FaxId>> {
        let now = self.now_ms();
        let file = self.put_file("fax", "pdf", f.pdf.clone()).await?;
        match self.fax_rows(f, &file, now).await {
            Ok(Some(id)) => Ok(Some(id)),
            other => {
                self.drop_audio(vec![file.key]).await;
                other
            }
        }
    }

    async fn fax_rows(&self, f: NewFax, file: &AudioRef, now: i64) -> AppResult<Option<FaxId>> {
        let mut tx = self.store.begin().await?;
        let Some(line) = sb_store::lines::locate_line(&mut tx, &f.line_id).await? else {
            return Ok(None);
        };
        if line.company_id != f.company_id
            || !self.line_has_feature(&mut tx, &line, Feature::Fax).await?
        {
            return Ok(None);
        }
        let fax = Fax {
            id: FaxId::new(now),
            company_id: f.company_id,
            line_id: f.line_id,
            caller_number: f.caller_number,
            caller_name: f.caller_name,
            remote_ident: f.remote_ident,
            received_at: now,
            pages: i64::from(f.pages),
            bit_rate: i64::from(f.bit_rate),
            seen: false,
        };
        store::insert(&mut tx, &fax, file).await?;
        if sb_store::voicemail::notifications(&mut tx, &line.id)
            .await?
            .new_fax
        {
            self.mail_fax(&mut tx, &line, &fax, &f.pdf, now).await?;
        }
        tx.commit().await?;
        Ok(Some(fax.id))
    }

    /// Queues the mail of a new fax, its PDF attached, to the line's user (in their language),
    /// when mail is configured, the user has an address and the mail limits allow.
    async fn mail_fax(
        &self,
        c: &mut sb_store::Conn,
        line: &sb_store::lines::Line,
        fax: &Fax,
        pdf: &[u8],
        now: i64,
    ) -> AppResult<()> {
        let Some(user_id) = &line.user_id else {
            return Ok(());
        };
        let Some(user) = sb_store::accounts::locate_user(c, user_id).await? else {
            return Ok(());
        };
        let (true, Some(email)) = (self.cfg.smtp_configured, user.email.clone()) else {
            return Ok(());
        };
        let from = sb_store::outbox::Sender {
            company: &line.company_id,
            user: Some(user_id),
        };
        if !self.mail_allowed(c, from, 1, now).await? {
            tracing::info!(line = %line.id, "fax not mailed: mail limit reached");
            return Ok(());
        }
        let co = crate::mail_texts::company_mail(c, &line.company_id).await?;
        let who = match &fax.caller_name {
            Some(n) => format!("{n} <{}>", fax.caller_number),
            None => fax.caller_number.clone(),
        };
        let lang = user.language.unwrap_or(co.lang);
        let texts = crate::mail_texts::fax(
            lang,
            &who,
            line.extension.as_str(),
            fax.pages,
            &co.time(now),
        );
        use base64::Engine as _;
        let mail = sb_store::outbox::Mail {
            id: sb_domain::ids::new_id_text(now),
            recipient: email,
            subject: texts.subject,
            body: texts.body,
            created_at: now,
            attempts: 0,
            next_attempt_at: now,
            attachment: Some(sb_store::outbox::Attachment {
                name: format!("fax-{}.pdf", time(now).replace(':', "-")),
                content_type: "application/pdf".into(),
                base64: base64::engine::general_purpose::STANDARD.encode(pdf),
            }),
        };
        sb_store::outbox::enqueue_from(c, &mail, from).await?;
        Ok(())
    }

    /// A line's faxes, newest first: its user and the company's administrators read them.
    pub async fn faxes(&self, actor: &Actor, line: &str) -> AppResult<Vec<FaxView>> {
        let mut c = self.store.conn().await?;
        let (_, l) = self.handling_line(&mut c, actor, line, false).await?;
        self.faxes_of(&mut c, &l.id).await
    }

    /// [`App::faxes`] of a line already checked (the inbox checks each line once).
    pub(crate) async fn faxes_of(
        &self,
        c: &mut sb_store::Conn,
        line: &sb_domain::ids::LineId,
    ) -> AppResult<Vec<FaxView>> {
        Ok(store::list(c, line).await?.into_iter().map(view).collect())
    }

    /// A fax the actor may reach, through its line; anybody else's is not found.
    async fn own_fax(&self, c: &mut sb_store::Conn, actor: &Actor, id: &str) -> AppResult<Fax> {
        let f = store::get(c, &FaxId::from_raw(crate::directory::id_or_404(id)?))
            .await?
            .ok_or(AppError::NotFound)?;
        self.reach_line_item(c, actor, &f.line_id, false).await?;
        Ok(f)
    }

    pub async fn fax(&self, actor: &Actor, id: &str) -> AppResult<FaxView> {
        let mut c = self.store.conn().await?;
        Ok(view(self.own_fax(&mut c, actor, id).await?))
    }

    /// A fax's pages as a PDF file.
    pub async fn fax_document(&self, actor: &Actor, id: &str) -> AppResult<Vec<u8>> {
        let mut c = self.store.conn().await?;
        let f = self.own_fax(&mut c, actor, id).await?;
        let file = store::document(&mut c, &f.id)
            .await?
            .ok_or(AppError::NotFound)?;
        drop(c);
        self.read_audio(&file, "fax").await
    }

    /// Marks a fax seen or new again.
    pub async fn update_fax(&self, actor: &Actor, id: &str, patch: FaxPatch) -> AppResult<FaxView> {
        let mut c = self.store.conn().await?;
        let mut f = self.own_fax(&mut c, actor, id).await?;
        store::set_seen(&mut c, &f.id, patch.seen).await?;
        f.seen = patch.seen;
        Ok(view(f))
    }

    pub async fn delete_fax(&self, actor: &Actor, id: &str) -> AppResult<()> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let f = self.own_fax(&mut tx, actor, id).await?;
        let file = store::document(&mut tx, &f.id).await?;
        store::delete(&mut tx, &f.id).await?;
        let rec = Record::new(AuditKind::Deleted, "fax", &f.id).summary(serde_json::json!({
            "line_id": f.line_id,
            "caller_number": f.caller_number,
            "pages": f.pages,
            "received_at": time(f.received_at),
        }));
        audit::write_in(&mut tx, now, actor.into(), &f.company_id, rec).await?;
        tx.commit().await?;
        self.drop_audio(file.into_iter().map(|f| f.key).collect())
            .await;
        Ok(())
    }
}
