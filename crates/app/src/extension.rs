//! The extension a sign-in is for. A person with several lines signs in to their default one;
//! with one line, to it; without a default among several, the sign-in answer says a choice is
//! needed and the session waits for it (`POST /api/v1/auth/extension`, the portal's "Choose
//! your extension" page). The extension chosen is the one the person's pages open on and the
//! one click to call rings first; another may be chosen at any time.

use crate::authz::Actor;
use crate::secrets::token_hash;
use crate::{App, AppError, AppResult};
use sb_domain::ids::LineId;
use sb_store::Conn;
use sb_store::accounts::{self, User};
use sb_store::lines::{Line, lines_of_user};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One of the person's extensions.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ExtensionView {
    pub line_id: String,
    pub extension: String,
}

/// The extension to sign in to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionInput {
    pub line_id: String,
}

/// A sign-in's extension: the one signed in to, else whether the person must choose, and what
/// they may choose from.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SignedInExtension {
    /// The extension signed in to; null while a choice is needed, and for people without lines.
    pub extension: Option<ExtensionView>,
    /// True when the person has several lines and no default among them: the sign-in is for
    /// none of them until one is chosen.
    pub extension_choice_required: bool,
    /// The person's extensions, in order.
    pub extensions: Vec<ExtensionView>,
}

fn view(l: &Line) -> ExtensionView {
    ExtensionView {
        line_id: l.id.to_string(),
        extension: l.extension.clone(),
    }
}

/// What a sign-in of `user` with `lines` is for: the signed-in line (`chosen`, when it is still
/// theirs; else the default; else the only line) and the choice.
fn settle(user: &User, lines: &[Line], chosen: Option<&LineId>) -> SignedInExtension {
    let of = |id: Option<&LineId>| lines.iter().find(|l| Some(&l.id) == id);
    let line = of(chosen)
        .or_else(|| of(user.default_line_id.as_ref()))
        .or(if lines.len() == 1 {
            lines.first()
        } else {
            None
        });
    SignedInExtension {
        extension: line.map(view),
        extension_choice_required: line.is_none() && lines.len() > 1,
        extensions: lines.iter().map(view).collect(),
    }
}

async fn lines_of(c: &mut Conn, user: &User) -> AppResult<Vec<Line>> {
    Ok(match &user.company_id {
        Some(co) => lines_of_user(c, co, &user.id).await?,
        None => Vec::new(),
    })
}

impl App {
    /// The extension a new sign-in of `user` is for, and the choice it offers.
    pub(crate) async fn sign_in_extension(
        &self,
        c: &mut Conn,
        user: &User,
    ) -> AppResult<SignedInExtension> {
        let lines = lines_of(c, user).await?;
        Ok(settle(user, &lines, None))
    }

    /// The signed-in person's extension now, and the ones they may choose from.
    pub async fn signed_in_extension(&self, actor: &Actor) -> AppResult<SignedInExtension> {
        let mut c = self.store.conn().await?;
        let user = accounts::locate_user(&mut c, &actor.user_id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let lines = lines_of(&mut c, &user).await?;
        Ok(settle(&user, &lines, actor.line_id.as_ref()))
    }

    /// Signs the session of `token` in to another of the person's own lines.
    pub async fn choose_extension(
        &self,
        actor: &Actor,
        token: &str,
        input: ExtensionInput,
    ) -> AppResult<SignedInExtension> {
        let mut tx = self.store.begin().await?;
        let user = accounts::locate_user(&mut tx, &actor.user_id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let lines = lines_of(&mut tx, &user).await?;
        let Some(line) = lines.iter().find(|l| l.id.as_str() == input.line_id) else {
            return Err(AppError::invalid(
                "unknown_reference",
                "line_id",
                "There is no such extension of yours.",
            ));
        };
        if !accounts::set_session_line(&mut tx, &token_hash(token), &line.id).await? {
            return Err(AppError::Unauthenticated);
        }
        tx.commit().await?;
        Ok(settle(&user, &lines, Some(&line.id)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sb_domain::ids::{CompanyId, UserId};
    use sb_domain::model::Role;

    fn user(default: Option<&str>) -> User {
        User {
            id: UserId::from_raw("u"),
            role: Role::EndUser,
            reseller_id: None,
            company_id: Some(CompanyId::from_raw("c")),
            department_id: None,
            package_id: None,
            name: "Ulf".into(),
            email: None,
            language: None,
            username: None,
            password_hash: None,
            enabled: true,
            failed_logins: 0,
            locked: false,
            locked_until: None,
            lockouts: 0,
            default_line_id: default.map(LineId::from_raw),
            created_at: 0,
            updated_at: 0,
        }
    }

    fn line(id: &str, ext: &str) -> Line {
        Line {
            id: LineId::from_raw(id),
            company_id: CompanyId::from_raw("c"),
            user_id: Some(UserId::from_raw("u")),
            extension: ext.into(),
            account_name: ext.into(),
            calling_name: None,
            sip_username: ext.into(),
            sip_password_sealed: String::new(),
            sip_ha1_md5: String::new(),
            sip_ha1_sha256: String::new(),
            default_number: None,
            presentation_number: None,
            created_at: 0,
        }
    }

    fn ext(s: &SignedInExtension) -> Option<&str> {
        s.extension.as_ref().map(|e| e.extension.as_str())
    }

    #[test]
    fn a_person_with_several_lines_signs_in_to_the_default_one() {
        let lines = [line("a", "201"), line("b", "202")];
        let s = settle(&user(Some("b")), &lines, None);
        assert_eq!(ext(&s), Some("202"));
        assert!(!s.extension_choice_required);
        assert_eq!(s.extensions.len(), 2);
    }

    #[test]
    fn without_a_default_among_several_lines_the_sign_in_waits_for_a_choice() {
        let lines = [line("a", "201"), line("b", "202")];
        let s = settle(&user(None), &lines, None);
        assert_eq!(ext(&s), None);
        assert!(s.extension_choice_required);
        // A default that is no longer theirs counts as none.
        let s = settle(&user(Some("gone")), &lines, None);
        assert!(s.extension_choice_required);
    }

    #[test]
    fn one_line_needs_no_choice_and_no_line_offers_none() {
        let s = settle(&user(None), &[line("a", "201")], None);
        assert_eq!(ext(&s), Some("201"));
        let s = settle(&user(None), &[], None);
        assert_eq!((ext(&s), s.extension_choice_required), (None, false));
    }

    #[test]
    fn the_extension_chosen_wins_over_the_default_while_it_is_still_the_persons() {
        let lines = [line("a", "201"), line("b", "202")];
        let chosen = LineId::from_raw("a");
        assert_eq!(
            ext(&settle(&user(Some("b")), &lines, Some(&chosen))),
            Some("201")
        );
        let gone = LineId::from_raw("z");
        assert_eq!(
            ext(&settle(&user(Some("b")), &lines, Some(&gone))),
            Some("202")
        );
    }
}
