//! A user's Device tab: the user's lines with their SIP account, and the SIP
//! credentials shown once on request, behind the administrator's password again (the use case
//! of `GET /api/v1/lines/{id}/sip-credentials` needs an elevated session and audits each read).
//! Under each line, the devices registered on it now (contact, source address, user agent,
//! expiry), from `GET /api/v1/lines/{id}/registrations`'s use case. The permanent redirect is
//! on the Calls tab, with the rest of the call-handling document.

use crate::WebState;
use crate::layout::{Chrome, render};
use crate::session::Session;
use crate::users::{Fields, Place, Tab, error_page, named_line, tabs};
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use sb_app::devices::RegistrationView;
use sb_app::views::{LineView, SipCredentialsView, UserView};

#[derive(Template)]
#[template(path = "company_user_device.html")]
struct DevicePage {
    c: Chrome,
    place: Place,
    tabs: Vec<Tab>,
    base: String,
    sip_domain: String,
    /// Each line with the devices registered on it now.
    lines: Vec<(LineView, Vec<RegistrationView>)>,
    /// The credentials asked for, shown on this answer only.
    shown: Option<(String, SipCredentialsView)>,
}

async fn page(
    s: &WebState,
    session: &Session,
    place: Place,
    u: UserView,
    shown: Option<(String, SipCredentialsView)>,
    alert: Option<(&str, StatusCode)>,
) -> Response {
    let base = format!("{}/{}", place.users_path(), u.id);
    let here = format!("{base}/device");
    let title = format!(
        "{} · {}",
        u.name,
        crate::i18n::t(session.me.language, "co_tab_device")
    );
    let mut c = Chrome::signed_in(session, &title, &here);
    let status = alert.map_or(StatusCode::OK, |(_, st)| st);
    c.alert = alert.map(|(key, _)| c.t(key).to_owned());
    let lines = match with_devices(s, session, &u.id).await {
        Ok(l) => l,
        Err(e) => return error_page(session, &here, &e),
    };
    let sip_domain = s
        .app
        .get_company(&session.actor, &place.id)
        .await
        .map(|co| co.sip_domain)
        .unwrap_or_default();
    let page = DevicePage {
        tabs: tabs(&place, &u.id, "device"),
        base,
        sip_domain,
        lines,
        shown,
        c,
        place,
    };
    render(status, &page)
}

async fn with_devices(
    s: &WebState,
    session: &Session,
    user: &str,
) -> Result<Vec<(LineView, Vec<RegistrationView>)>, sb_app::AppError> {
    let mut out = Vec::new();
    for l in s.app.lines_of_user(&session.actor, user).await? {
        let devices = s.app.line_registrations(&session.actor, &l.id).await?;
        out.push((l, devices));
    }
    Ok(out)
}

pub async fn show(s: &WebState, session: &Session, place: Place, u: UserView) -> Response {
    page(s, session, place, u, None, None).await
}

/// `POST …/users/{user}/credentials`: the password again, then the line's credentials once.
pub async fn credentials(
    s: &WebState,
    session: &Session,
    place: Place,
    u: UserView,
    f: &Fields,
) -> Response {
    let here = format!("{}/{}/device", place.users_path(), u.id);
    let line = match named_line(s, session, &u, f.get("line")).await {
        Ok(l) => l,
        Err(e) => return error_page(session, &here, &e),
    };
    let code = f.opt("code");
    let read = crate::security::elevated(
        s,
        &session.actor,
        f.get("password"),
        code.as_deref(),
        async |a: &sb_app::Actor| s.app.line_credentials(a, &line.id).await,
    )
    .await;
    match read {
        Ok(creds) => page(s, session, place, u, Some((line.id.clone(), creds)), None).await,
        Err(e) => {
            let refused = crate::security::refused(&e);
            page(s, session, place, u, None, Some(refused)).await
        }
    }
}
