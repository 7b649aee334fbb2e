//! Click to call (issue 17): a person asks, from the API or the portal, to call a number; their
//! own phone rings first and, once they answer it, Switchboard calls the number as if that phone
//! had dialled it (RFC 3725 third-party call control, carried out by the SIP engine's `click.rs`).
//!
//! The call is placed from the person's own line only: the one given (theirs, else not found),
//! else the extension they are signed in to (`extension.rs`). It needs the user portal in their
//! package (as their other call settings do), a phone registered on the line now, and a
//! destination a phone could dial. Placing it is announced on [`App::click_calls`] for the
//! engine; what happens on the call is written in both lines' call logs as any call is, so it
//! is not audited (nothing is changed).

use crate::authz::Actor;
use crate::limiter::Limiter;
use crate::sip_line::SipLine;
use crate::{App, AppError, AppResult};
use sb_domain::ids::LineId;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;
use utoipa::ToSchema;

/// How long the person's own phone rings before the call is given up, in seconds.
pub const RING_SECONDS: u32 = 30;

/// The longest destination, in characters once spaces and separators are taken out.
const MAX_LEN: usize = 32;

/// A call to place.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClickToCallInput {
    /// What to call, as a phone would dial it: an extension, a number (E.164 or national;
    /// spaces, dots, dashes and brackets are ignored), a speed dial or a feature code.
    #[schema(example = "+15551230002")]
    pub to: String,
    /// One of the person's own lines to call from; without it, the extension they are signed
    /// in to.
    #[serde(default)]
    pub line_id: Option<String>,
}

/// Where a placed call stands when the answer is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClickToCallState {
    /// The person's own phones ring; the destination is called when one of them answers.
    RingingYou,
}

/// A call being placed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClickToCallView {
    /// The call's reference: the `call_ref` its call-log records will carry.
    pub id: String,
    /// The line it is placed from, and its extension.
    pub line_id: String,
    pub extension: String,
    /// The destination, as it will be dialled.
    pub to: String,
    pub state: ClickToCallState,
    /// How long the person's phone rings before the call is given up.
    pub ring_seconds: u32,
}

/// What the SIP engine is asked to do: ring `line`'s phones, then call `to` from it.
#[derive(Debug, Clone)]
pub struct ClickCall {
    /// The Call-ID of the call to the destination (its call-log reference).
    pub id: String,
    pub line: SipLine,
    pub to: String,
    pub ring_seconds: u32,
}

/// The click-to-call rate limit and the engine's channel.
pub(crate) struct Clicks {
    /// Calls placed per person: a burst of 5, then 6 a minute.
    limiter: Limiter,
    placed: broadcast::Sender<ClickCall>,
}

impl Default for Clicks {
    fn default() -> Self {
        Self {
            limiter: Limiter::new(5, 6),
            placed: broadcast::channel(256).0,
        }
    }
}

/// The destination as it will be dialled: separators people write (spaces, dots, dashes,
/// brackets) taken out; then digits, `*` and `#`, with a leading `+` allowed.
pub fn destination(raw: &str) -> AppResult<String> {
    let s: String = raw
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')' | '/' | '\u{a0}'))
        .collect();
    let digits = s.strip_prefix('+').unwrap_or(&s);
    let ok = !digits.is_empty()
        && s.len() <= MAX_LEN
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || c == '*' || c == '#');
    if ok {
        Ok(s)
    } else {
        Err(AppError::invalid(
            "invalid_destination",
            "to",
            "Give an extension or a phone number to call: digits, with * and # for codes and an optional leading +.",
        ))
    }
}

impl App {
    /// Calls placed from now on, for the SIP engine.
    pub fn click_calls(&self) -> broadcast::Receiver<ClickCall> {
        self.clicks.placed.subscribe()
    }

    /// Places a call from one of the actor's own lines to `input.to`: their phone rings first,
    /// then the destination (see the module's notes).
    pub async fn click_to_call(
        &self,
        actor: &Actor,
        input: ClickToCallInput,
    ) -> AppResult<ClickToCallView> {
        let to = destination(&input.to)?;
        let line_id = match input.line_id {
            // Only one of the person's own lines; anybody else's does not exist for them.
            Some(id) => {
                let own = self.signed_in_extension(actor).await?.extensions;
                if !own.iter().any(|e| e.line_id == id) {
                    return Err(AppError::NotFound);
                }
                id
            }
            None => self.signed_in_line(actor).await?.to_string(),
        };
        let line = {
            let mut c = self.store.conn().await?;
            let (co, l) = self
                .handling_line(&mut c, actor, &line_id, true)
                .await
                .map_err(|e| match e {
                    AppError::Forbidden(_) => AppError::forbidden(
                        "Your service package does not let you place calls from the portal; ask your administrator.",
                    ),
                    e => e,
                })?;
            // Administrators may change a colleague's line, but call only from their own.
            if l.user_id.as_ref() != Some(&actor.user_id) {
                return Err(AppError::NotFound);
            }
            self.sip_line_of(&mut c, &co, l).await?
        };
        if to == line.extension {
            return Err(AppError::invalid(
                "own_extension",
                "to",
                "This is the extension you call from: choose another number.",
            ));
        }
        let live = self.live.get().and_then(std::sync::Weak::upgrade);
        if live.is_none_or(|l| l.registered_devices(&line.aor) == 0) {
            return Err(AppError::conflict(
                "no_registered_phone",
                format!(
                    "No phone is registered on extension {} now: connect it, then try again.",
                    line.extension
                ),
                None,
            ));
        }
        self.clicks
            .limiter
            .take(actor.user_id.as_str(), self.now_ms())
            .map_err(|retry_after_secs| AppError::RateLimited { retry_after_secs })?;
        let id = format!("c2c-{}", crate::secrets::new_token());
        let view = ClickToCallView {
            id: id.clone(),
            line_id: line.id.to_string(),
            extension: line.extension.clone(),
            to: to.clone(),
            state: ClickToCallState::RingingYou,
            ring_seconds: RING_SECONDS,
        };
        let placed = ClickCall {
            id,
            line,
            to,
            ring_seconds: RING_SECONDS,
        };
        if self.clicks.placed.send(placed).is_err() {
            // No SIP engine in this process.
            return Err(AppError::conflict(
                "no_registered_phone",
                "Calls cannot be placed now.",
                None,
            ));
        }
        Ok(view)
    }

    /// The line the actor's sign-in is for, still theirs.
    async fn signed_in_line(&self, actor: &Actor) -> AppResult<LineId> {
        let signed = self.signed_in_extension(actor).await?;
        match signed.extension {
            Some(e) => Ok(LineId::from_raw(e.line_id)),
            None if signed.extension_choice_required => Err(AppError::conflict(
                "extension_choice_required",
                "Choose the extension you are signed in to first.",
                None,
            )),
            None => Err(AppError::conflict(
                "no_line",
                "You have no line to call from.",
                None,
            )),
        }
    }
}

#[cfg(test)]
#[path = "click_to_call_tests.rs"]
mod store_tests;

#[cfg(test)]
mod tests {
    use super::destination;

    #[test]
    fn a_destination_is_what_a_phone_could_dial() {
        for (raw, dialled) in [
            ("202", "202"),
            (" +1 (555) 123-0002 ", "+15551230002"),
            ("555.123.0002", "5551230002"),
            ("*05", "*05"),
            ("*7#123", "*7#123"),
            ("+44 20 7946 0958", "+442079460958"),
        ] {
            assert_eq!(destination(raw).ok().as_deref(), Some(dialled), "{raw}");
        }
    }

    #[test]
    fn anything_else_is_refused_by_its_field() {
        for raw in [
            "",
            "   ",
            "+",
            "sip:202@example.com",
            "202;transport=tcp",
            "<script>",
            "12+34",
            "abc",
            "2\r\n02",
            &"1".repeat(33),
        ] {
            let e = destination(raw).expect_err(raw);
            assert_eq!(e.code(), "invalid_destination", "{raw}");
        }
    }
}
