//! Texts with outside numbers (SMS through the company's trunk as SIP MESSAGE, RFC 3428): a
//! line's text to an outside number goes out through the trunk its calls would take, showing
//! the number its calls present; a carrier's text to one of the company's numbers goes to the
//! line the number rings. Either way the line's user's package needs `sms_mms`, and numbers
//! the line may not call (barring) cannot be texted either.

pub use crate::messages::{Accepted, OutsideText};
use crate::messages::{Kept, Outgoing, text_body};
use crate::switch::{Dialled, SipLine};
use crate::{App, AppError, AppResult};
use sb_domain::barring::is_outside_number;
use sb_domain::ids::{CompanyId, MessageId};
use sb_domain::model::Feature;
use sb_domain::routing;
use sb_store::lines as line_store;
use sb_store::messages::{self as store, StoredMessage};
use sb_store::tenancy;

fn no_sms() -> AppError {
    AppError::invalid(
        "no_sms_mms_in_package",
        "line",
        "Sending messages is not part of this line's service package.",
    )
}

impl App {
    /// A text `from` sent to `to`: a colleague's extension or a company number rings a line of
    /// the company; any other outside number goes to the carrier. `None` when `to` is neither.
    pub async fn accept_text(
        &self,
        from: &SipLine,
        to: &str,
        content_type: &str,
        body: &[u8],
    ) -> AppResult<Option<Accepted>> {
        if routing::is_emergency(to, &[]) {
            return Err(AppError::invalid(
                "emergency_text",
                "to",
                "Emergency services cannot be reached by text: call them.",
            ));
        }
        if !is_outside_number(to) || self.company_line_of_number(from, to).await? {
            let out = self.accept_message(from, to, content_type, body).await?;
            return Ok(out.map(Accepted::Line));
        }
        let text = text_body(body)?;
        let now = self.now_ms();
        let mut c = self.store.conn().await?;
        let sender = line_store::locate_line(&mut c, &from.id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !self
            .line_has_feature(&mut c, &sender, Feature::SmsMms)
            .await?
        {
            return Err(no_sms());
        }
        let co = tenancy::get_company(&mut c, &from.company_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let d = Dialled {
            dialled: to,
            caller_number: Some(&from.extension),
            caller_name: from.calling_name.as_deref(),
            anonymous: false,
            asserted_number: &from.extension,
            from_line: Some(from),
            hops: &[],
            present_dialled: false,
            first_dialled: to,
        };
        if let Some(reason) = self.outside_refusal(&mut c, &co, &d).await? {
            return Err(AppError::invalid("barred", "to", reason.sentence()));
        }
        let plan = self.plan_outside(&mut c, &co.id, &d, to, false).await?;
        let Some(trunk) = plan.trunk else {
            return Err(AppError::conflict(
                "no_trunk",
                "No trunk can carry texts to outside numbers.",
                None,
            ));
        };
        let m = StoredMessage {
            id: MessageId::new(now),
            company_id: from.company_id.clone(),
            from_line_id: Some(from.id.clone()),
            from_number: plan.caller_id.number.clone(),
            to_line_id: None,
            to_number: Some(plan.number.clone()),
            content_type: content_type.chars().take(100).collect(),
            body: text.to_owned(),
            created_at: now,
            delivered_at: None,
            failure: None,
            seen: false,
        };
        store::insert(&mut c, &m).await?;
        Ok(Some(Accepted::Outside(OutsideText {
            message: m,
            to: plan.number,
            from: plan.caller_id.number,
            domain: from.sip_domain.clone(),
            trunk,
        })))
    }

    /// Whether `number` is one of the company's own numbers routed to a line: a text to it
    /// stays inside.
    async fn company_line_of_number(&self, from: &SipLine, number: &str) -> AppResult<bool> {
        let mut c = self.store.conn().await?;
        Ok(self
            .line_of_company_number(&mut c, &from.company_id, number)
            .await?
            .is_some())
    }

    /// The line of `company` a number (as sent, or in E.164) rings.
    async fn line_of_company_number(
        &self,
        c: &mut sb_store::Conn,
        company: &CompanyId,
        number: &str,
    ) -> AppResult<Option<sb_domain::ids::LineId>> {
        let plus = format!("+{}", number.trim_start_matches('+'));
        for n in [number, plus.as_str()] {
            if let Some(r) = self.number_fact(c, n).await?
                && &r.company == company
            {
                return Ok(Some(r.line));
            }
        }
        Ok(None)
    }

    /// A carrier's text from `from` (an outside number) to `to`, one of `company`'s numbers:
    /// kept for the line it rings and handed to its phones. `None` when no line of the company
    /// has the number; refused when the line's user's package has no `sms_mms`.
    pub async fn accept_outside_text(
        &self,
        company: &CompanyId,
        from: &str,
        to: &str,
        content_type: &str,
        body: &[u8],
    ) -> AppResult<Option<Outgoing>> {
        let text = text_body(body)?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let Some(line_id) = self.line_of_company_number(&mut tx, company, to).await? else {
            return Ok(None);
        };
        let Some(target) = line_store::locate_line(&mut tx, &line_id).await? else {
            return Ok(None);
        };
        if !self
            .line_has_feature(&mut tx, &target, Feature::SmsMms)
            .await?
        {
            return Err(no_sms());
        }
        let kept = Kept {
            company: company.clone(),
            from_line: None,
            from_number: from.chars().take(64).collect(),
            from_name: None,
        };
        self.keep_for_line(tx, kept, target, content_type, text, now)
            .await
            .map(Some)
    }

    /// The carrier took a text to an outside number.
    pub async fn text_sent(&self, id: &MessageId) -> AppResult<()> {
        let mut c = self.store.conn().await?;
        Ok(store::mark_delivered(&mut c, id, self.now_ms()).await?)
    }

    /// The carrier refused a text to an outside number (or never answered), with why.
    pub async fn text_failed(&self, id: &MessageId, why: &str) -> AppResult<()> {
        let mut c = self.store.conn().await?;
        let why: String = why.chars().take(200).collect();
        Ok(store::mark_failed(&mut c, id, &why).await?)
    }
}
