//! Click to call from the person's pages: the "Call" buttons of Contacts and the "Call back"
//! buttons of the Call log post here; `App::click_to_call` (as `POST /api/v1/me/calls`) rings
//! the person's own phone, then the number. The page they came from says so in its status
//! message, or shows the refusal.

use crate::WebState;
use crate::layout::Chrome;
use crate::session;
use crate::users::enc;
use axum::extract::{Form, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use sb_app::click_to_call::{ClickToCallInput, destination};
use serde::Deserialize;

pub const PATH: &str = "/my/call";

/// A Call or Call back button.
#[derive(Deserialize)]
pub struct CallForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    to: String,
    /// The person's own line the call log shows; none from Contacts (the extension signed in
    /// to calls).
    #[serde(default)]
    line: Option<String>,
    /// The page to go back to: `calls`, else Contacts.
    #[serde(default)]
    back: String,
}

/// Refusals a page names by their own text; any other is said in general.
const REFUSALS: [&str; 8] = [
    "invalid_destination",
    "own_extension",
    "no_registered_phone",
    "extension_choice_required",
    "no_line",
    "rate_limited",
    "forbidden",
    "not_found",
];

/// `POST /my/call`: places the call and goes back to the page it came from, which says the
/// phone is ringing or why not.
pub async fn place(
    State(s): State<WebState>,
    headers: HeaderMap,
    Form(f): Form<CallForm>,
) -> Response {
    let session = match session::changing(&s, &headers, &f.csrf, false).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let line = f.line.filter(|l| !l.is_empty());
    let back = match (&line, f.back.as_str()) {
        (Some(l), "calls") => format!("{}?line={}&", crate::nav::MY_CALL_LOG, enc(l)),
        (None, "calls") => format!("{}?", crate::nav::MY_CALL_LOG),
        _ => format!("{}?", crate::nav::MY_CONTACTS),
    };
    let input = ClickToCallInput {
        to: f.to,
        line_id: line,
    };
    let to = match s.app.click_to_call(&session.actor, input).await {
        Ok(placed) => format!("{back}calling={}", enc(&placed.to)),
        Err(e) => {
            let code = REFUSALS
                .iter()
                .find(|c| **c == e.code())
                .unwrap_or(&"failed");
            format!("{back}refused={code}")
        }
    };
    Redirect::to(&to).into_response()
}

/// The status message of a page a Call button came back to: the phone ringing for `calling`
/// (when it is a number that could have been called), or the refusal's text.
pub(crate) fn notice(c: &mut Chrome, calling: Option<&str>, refused: Option<&str>) {
    if let Some(to) = calling.and_then(|t| destination(t).ok()) {
        c.info = Some(format!("{} {to}.", c.t("c2c_ringing")));
    }
    if let Some(code) = refused {
        let key = match REFUSALS.iter().find(|c| **c == code) {
            Some(c) => format!("c2c_err_{c}"),
            None => "c2c_failed".to_owned(),
        };
        c.alert = Some(c.t(&key).to_owned());
    }
}

#[cfg(test)]
mod tests {
    use sb_domain::model::Language;

    #[test]
    fn every_refusal_and_notice_has_its_text_in_both_languages() {
        let keys = super::REFUSALS.iter().map(|c| format!("c2c_err_{c}"));
        let keys = keys
            .chain(["c2c_ringing", "c2c_failed", "c2c_call", "c2c_call_back"].map(str::to_owned));
        for key in keys {
            for lang in [Language::En, Language::Fr] {
                assert_ne!(crate::i18n::t(lang, &key), key, "{key}");
            }
        }
    }
}
