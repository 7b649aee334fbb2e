//! Speed dials: codes a person dials after `*0` from any of their lines to call a number with
//! one or two keys; the number may hold `*` and `#` (a feature code and what it asks for, a
//! diversion number to key in).

use crate::audit::{self, Record};
use crate::authz::Actor;
use crate::switch::Dialled;
use crate::{App, AppError, AppResult};
use sb_domain::model::AuditKind;
use sb_domain::routing::features::{
    SPEED_DIAL, is_speed_dial_code, is_speed_dial_number, speed_dial,
};
use sb_domain::values::Name;
use sb_store::Conn;
use sb_store::speed_dials::{self as store, SpeedDial};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// At most this many speed dials per person (every code from 0 to 99).
const MAX_SPEED_DIALS: usize = 100;

/// One speed dial.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpeedDialView {
    /// One or two digits; dialled after `*0` (code 5 is dialled `*05`).
    pub code: String,
    /// Who or what the number reaches, as the person's lists show it.
    pub name: String,
    /// What the code dials: digits, `*` and `#`, an optional leading `+`; at most 32.
    pub number: String,
    /// What a phone dials for it (`*05`); ignored when sent.
    #[serde(default, skip_deserializing)]
    pub dial: String,
}

/// A person's speed dials, read and replaced as one document.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpeedDialsDoc {
    /// By code.
    pub items: Vec<SpeedDialView>,
}

fn view(d: SpeedDial) -> SpeedDialView {
    SpeedDialView {
        dial: format!("{SPEED_DIAL}{}", d.code),
        code: d.code,
        name: d.name,
        number: d.number,
    }
}

/// The document checked, each refusal naming its field; codes in order.
fn checked(doc: &SpeedDialsDoc) -> AppResult<Vec<SpeedDial>> {
    if doc.items.len() > MAX_SPEED_DIALS {
        return Err(AppError::invalid(
            "too_many",
            "items",
            "Keep at most 100 speed dials.",
        ));
    }
    let mut out: Vec<SpeedDial> = Vec::with_capacity(doc.items.len());
    for (i, d) in doc.items.iter().enumerate() {
        let code = d.code.trim();
        if !is_speed_dial_code(code) {
            return Err(AppError::invalid(
                "invalid_code",
                &format!("items.{i}.code"),
                "A speed-dial code is one or two digits.",
            ));
        }
        if out.iter().any(|o| o.code == code) {
            return Err(AppError::invalid(
                "duplicate",
                &format!("items.{i}.code"),
                "This code is already a speed dial.",
            ));
        }
        let name = Name::parse(&format!("items.{i}.name"), &d.name)?;
        let number = d.number.trim();
        if !is_speed_dial_number(number) {
            return Err(AppError::invalid(
                "invalid_number",
                &format!("items.{i}.number"),
                "Give digits, with * and # if needed and an optional leading +, at most 32.",
            ));
        }
        out.push(SpeedDial {
            code: code.to_owned(),
            name: name.as_str().to_owned(),
            number: number.to_owned(),
        });
    }
    out.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(out)
}

impl App {
    /// A person's speed dials: their own, and their company's administrators'.
    pub async fn speed_dials(&self, actor: &Actor, user: &str) -> AppResult<SpeedDialsDoc> {
        let mut c = self.store.conn().await?;
        let u = self.self_or_admin_user(&mut c, actor, user, false).await?;
        let items = store::list(&mut c, &u.id).await?;
        Ok(SpeedDialsDoc {
            items: items.into_iter().map(view).collect(),
        })
    }

    /// Replaces a person's speed dials, all or none (who may: `call_settings_user`).
    pub async fn set_speed_dials(
        &self,
        actor: &Actor,
        user: &str,
        doc: SpeedDialsDoc,
    ) -> AppResult<SpeedDialsDoc> {
        let dials = checked(&doc)?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let u = self.call_settings_user(&mut tx, actor, user).await?;
        let before = store::list(&mut tx, &u.id).await?;
        store::replace(&mut tx, &u.id, &dials).await?;
        let codes = |l: &[SpeedDial]| l.iter().map(|d| d.code.clone()).collect::<Vec<_>>();
        let rec = Record::new(AuditKind::Changed, "speed_dials", &u.id)
            .tenant(u.reseller_id.as_ref(), u.company_id.as_ref())
            .about(&u.id)
            .summary(serde_json::json!({"before": codes(&before), "after": codes(&dials)}));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(SpeedDialsDoc {
            items: dials.into_iter().map(view).collect(),
        })
    }

    /// The number a speed dial (`*05`) dialled from a line places: its user's code. None when
    /// the string is no speed dial, the call was redirected here (a speed dial is what a person
    /// keys in), or a code nobody set (then it is routed as dialled, and the caller hears that
    /// the number does not exist).
    pub(crate) async fn expand_speed_dial(
        &self,
        c: &mut Conn,
        d: &Dialled<'_>,
    ) -> AppResult<Option<String>> {
        let (Some(line), Some(code), true) =
            (d.from_line, speed_dial(d.dialled), d.hops.is_empty())
        else {
            return Ok(None);
        };
        let Some(user) = sb_store::lines::locate_line(c, &line.id)
            .await?
            .and_then(|l| l.user_id)
        else {
            return Ok(None);
        };
        Ok(store::number_for(c, &user, code).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dial(code: &str, name: &str, number: &str) -> SpeedDialView {
        SpeedDialView {
            code: code.into(),
            name: name.into(),
            number: number.into(),
            dial: String::new(),
        }
    }

    fn field_of(doc: SpeedDialsDoc) -> String {
        match checked(&doc) {
            Err(AppError::Invalid(i)) => i.field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn speed_dials_are_kept_in_code_order_with_star_and_hash_in_numbers() {
        let doc = SpeedDialsDoc {
            items: vec![
                dial("12", "Sales ACD", "*7#123"),
                dial("3", "Bob", "+15550100"),
            ],
        };
        let out = checked(&doc).unwrap();
        assert_eq!(out[0].code, "12");
        assert_eq!(out[1].number, "+15550100");
        assert_eq!(view(out[1].clone()).dial, "*03");
    }

    #[test]
    fn a_bad_code_name_or_number_or_a_repeated_code_is_refused_by_its_field() {
        let one = |d| SpeedDialsDoc { items: vec![d] };
        assert_eq!(field_of(one(dial("123", "x", "1"))), "items.0.code");
        assert_eq!(field_of(one(dial("1", " ", "1"))), "items.0.name");
        assert_eq!(field_of(one(dial("1", "x", "call me"))), "items.0.number");
        let twice = SpeedDialsDoc {
            items: vec![dial("1", "a", "1"), dial("1", "b", "2")],
        };
        assert_eq!(field_of(twice), "items.1.code");
    }
}
