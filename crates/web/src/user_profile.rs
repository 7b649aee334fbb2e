//! A user's Profile tab ("Edit personal details", "Unlock account";
//! "Administration → Users": edit, enable, delete), and the routes every user tab shares: a
//! tab is `GET …/users/{user}/{tab}`, a change `POST …/users/{user}/{action}`.

use crate::WebState;
use crate::layout::{Chrome, render};
use crate::session::{self, Session, signed_in};
use crate::users::{
    Choice, Fields, LANGUAGE_CHOICES, Place, Tab, TabQuery, choices, department_choices, done_text,
    error_page, link_page, package_choices, refusal, tabs, user_place,
};
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use sb_app::AppError;
use sb_app::views::{LineView, ResetPasswordInput, UserPatch, UserView};
use sb_domain::model::{Language, Role};

#[derive(Template)]
#[template(path = "company_user_profile.html")]
struct ProfilePage {
    c: Chrome,
    place: Place,
    tabs: Vec<Tab>,
    user: UserView,
    base: String,
    admin: bool,
    departments: Vec<Choice>,
    packages: Vec<Choice>,
    languages: Vec<Choice>,
    lines: Vec<LineView>,
    /// The signed-in person's own account: no disabling, unlocking or deleting it here.
    is_self: bool,
}

#[derive(Template)]
#[template(path = "company_user_delete.html")]
struct DeletePage {
    c: Chrome,
    place: Place,
    tabs: Vec<Tab>,
    user: UserView,
    base: String,
}

pub fn user_base(place: &Place, user: &str) -> String {
    format!("{}/{user}", place.users_path())
}

/// `GET …/users/{user}`: the Profile tab.
pub async fn user_root(Path((company, user)): Path<(String, String)>) -> Response {
    Redirect::to(&format!("/admin/companies/{company}/users/{user}/profile")).into_response()
}

/// `GET …/users/{user}/{tab}`.
pub async fn tab(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((company, user, tab)): Path<(String, String, String)>,
    Query(q): Query<TabQuery>,
) -> Response {
    let session = match signed_in(&s, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    if tab == "calls" {
        return crate::calls::open(&s, &session, &company, &user, &q).await;
    }
    let here = format!("/admin/companies/{company}/users/{user}/{tab}");
    let (place, u) = match user_place(&s, &session, &company, &user).await {
        Ok(x) => x,
        Err(e) => return error_page(&session, &here, &e),
    };
    match tab.as_str() {
        "profile" => profile(&s, &session, place, u, &q, None).await,
        "delete" => {
            let title = crate::i18n::t(session.me.language, "co_delete_user");
            let c = Chrome::signed_in(&session, title, &here);
            let page = DeletePage {
                c,
                tabs: tabs(&place, &u.id, "profile"),
                base: user_base(&place, &u.id),
                place,
                user: u,
            };
            render(StatusCode::OK, &page)
        }
        "notifications" | "voicemail" => {
            crate::mailbox::show(&s, &session, &tab, place, u, &q, None).await
        }
        "messages" => crate::messages::show(&s, &session, place, u, &q).await,
        "device" => crate::device::show(&s, &session, place, u).await,
        "messages.csv" => crate::messages::csv(&s, &session, &u, &q).await,
        _ => error_page(&session, &here, &AppError::NotFound),
    }
}

async fn profile(
    s: &WebState,
    session: &Session,
    place: Place,
    u: UserView,
    q: &TabQuery,
    alert: Option<String>,
) -> Response {
    let base = user_base(&place, &u.id);
    let here = format!("{base}/profile");
    let title = format!(
        "{} · {}",
        u.name,
        crate::i18n::t(session.me.language, "co_tab_profile")
    );
    let mut c = Chrome::signed_in(session, &title, &here);
    c.info = done_text(&c, q.done.as_deref());
    let status = if alert.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    c.alert = alert;
    let deps = s
        .app
        .list_departments(&session.actor, &place.id)
        .await
        .map(|d| d.items)
        .unwrap_or_default();
    let packages = package_choices(s, session, &place, u.package_id.as_deref()).await;
    let lang = u.language.map_or("", Language::as_str);
    let lines = s
        .app
        .lines_of_user(&session.actor, &u.id)
        .await
        .unwrap_or_default();
    let page = ProfilePage {
        tabs: tabs(&place, &u.id, "profile"),
        departments: department_choices(&deps, u.department_id.as_deref()),
        packages,
        languages: choices(&LANGUAGE_CHOICES, &c, lang),
        admin: u.role == Role::CompanyAdmin,
        is_self: u.id == session.actor.user_id.to_string(),
        lines,
        base,
        c,
        place,
        user: u,
    };
    render(status, &page)
}

/// `POST …/users/{user}/{action}`: every change of a user's tabs, CSRF first.
#[expect(
    clippy::too_many_lines,
    reason = "one arm per action of the user's tabs, sharing the CSRF check and the redirect back"
)]
pub async fn act(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((company, user, action)): Path<(String, String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let f = Fields(pairs);
    let session = match session::changing(&s, &headers, f.get("csrf"), false).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let here = format!("/admin/companies/{company}/users/{user}/{action}");
    let (place, u) = match user_place(&s, &session, &company, &user).await {
        Ok(x) => x,
        Err(e) => return error_page(&session, &here, &e),
    };
    let base = user_base(&place, &u.id);
    let a = &session.actor;
    let done = |tab: &str, key: &str| Redirect::to(&format!("{base}/{tab}?done={key}"));
    let outcome = match action.as_str() {
        "profile" => {
            let patch = UserPatch {
                name: Some(f.get("name").trim().to_owned()),
                email: Some(f.opt("email")),
                role: Some(if f.get("admin") == "yes" {
                    Role::CompanyAdmin
                } else {
                    Role::EndUser
                }),
                department_id: Some(f.opt("department")),
                package_id: f.opt("package"),
                language: Some(Language::from_text(f.get("language"))),
                // Only a user with several lines is offered the choice.
                default_line_id: f.opt("default_line").map(Some),
            };
            // One's own role cannot change: leave it out rather than refuse the whole form.
            let patch = if u.id == a.user_id.to_string() {
                UserPatch {
                    role: None,
                    ..patch
                }
            } else {
                patch
            };
            s.app
                .update_user(a, &u.id, patch)
                .await
                .map(|_| done("profile", "co_saved").into_response())
        }
        "enable" => s
            .app
            .enable_user(a, &u.id)
            .await
            .map(|_| done("profile", "co_user_enabled").into_response()),
        "disable" => s
            .app
            .disable_user(a, &u.id)
            .await
            .map(|_| done("profile", "co_user_disabled").into_response()),
        "unlock" => s
            .app
            .unlock_user(a, &u.id)
            .await
            .map(|_| done("profile", "co_user_unlocked").into_response()),
        "password" => {
            let input = ResetPasswordInput {
                password: Some(f.get("password").to_owned()).filter(|p| !p.is_empty()),
            };
            match s.app.reset_password(a, &u.id, input).await {
                Ok(Some(link)) => Ok(link_page(
                    &session,
                    place.clone(),
                    format!("{base}/profile"),
                    link.url,
                    link.emailed,
                )),
                Ok(None) => Ok(done("profile", "co_password_set").into_response()),
                Err(e) => Err(e),
            }
        }
        "delete" => s.app.delete_user(a, &u.id).await.map(|()| {
            Redirect::to(&format!(
                "/admin/companies/{company}/users?done=co_user_deleted"
            ))
            .into_response()
        }),
        "calls" => return crate::calls::save(&s, &session, place, u, &f).await,
        "credentials" => return crate::device::credentials(&s, &session, place, u, &f).await,
        "notifications" | "voicemail-settings" | "pin" | "pin-clear" | "pin-unlock"
        | "greeting-delete" => {
            return crate::mailbox::save(&s, &session, &action, place, u, &f).await;
        }
        _ => Err(AppError::NotFound),
    };
    match outcome {
        Ok(r) => r,
        Err(AppError::NotFound) => error_page(&session, &here, &AppError::NotFound),
        Err(e) => {
            let alert = refusal(session.me.language, &e);
            // The account as it is now: a refused change changed nothing.
            match s.app.get_user(&session.actor, &u.id).await {
                Ok(now) => {
                    profile(&s, &session, place, now, &TabQuery::default(), Some(alert)).await
                }
                Err(e) => error_page(&session, &here, &e),
            }
        }
    }
}
