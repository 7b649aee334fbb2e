//! The portals, rendered on the server. They call the same use cases as the REST API.
//!
//! Sign-in sets an HttpOnly, SameSite=Strict session cookie holding the same kind of token the
//! API hands out. Every form carries a CSRF token that must match a cookie of the same value
//! (double submit), so another site cannot post on a signed-in person's behalf.

pub mod i18n;

use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use i18n::t;
use sb_api::AppState;
use sb_api::extract::ClientIp;
use sb_app::views::{FirstLoginInput, LoginInput, MeView};
use sb_app::{Actor, AppError};
use sb_domain::model::{Feature, Language, Role};
use serde::Deserialize;

const SESSION: &str = "sb_session";
const CSRF: &str = "sb_csrf";

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(sign_in_page))
        .route("/login", post(sign_in))
        .route("/logout", post(sign_out))
        .route("/first-login", get(first_login_page).post(first_login))
        .route("/admin", get(admin_home))
        .route("/admin/companies/{id}", get(admin_company))
        .route("/my", get(my_home))
        .route("/my/queues/{id}/agent", post(my_queue_status))
        .route("/static/app.css", get(css))
        // Forms are small: the same limit as the API's JSON bodies (issue 14, finding 6).
        .layer(axum::extract::DefaultBodyLimit::max(sb_api::MAX_BODY))
        .with_state(state)
}

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

fn new_csrf() -> String {
    sb_app::secrets::new_token()
}

/// The language of a page before sign-in: `?lang=`, else Accept-Language, else English.
fn guest_lang(headers: &HeaderMap, q: Option<&str>) -> Language {
    if let Some(l) = q.and_then(Language::from_text) {
        return l;
    }
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if accept.trim_start().starts_with("fr") {
        Language::Fr
    } else {
        Language::En
    }
}

fn page(lang: Language, title: &str, signed_in: Option<(&str, &str)>, body: &str) -> String {
    let head = match signed_in {
        Some((name, csrf)) => format!(
            "<div class=\"who\"><span>{}</span><form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><button type=\"submit\">{}</button></form></div>",
            esc(name),
            esc(csrf),
            t(lang, "sign_out")
        ),
        None => String::new(),
    };
    format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{} · Switchboard</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head><body><header><strong>Switchboard</strong>{head}</header><main><h1>{}</h1>{body}</main></body></html>",
        lang.as_str(),
        esc(title),
        esc(title)
    )
}

/// Cookie attributes: never readable by scripts, never sent from other sites, and only over
/// HTTPS when the portal is served over HTTPS.
fn cookie_attrs(s: &AppState) -> &'static str {
    if s.app.config().public_url.starts_with("https://") {
        "Path=/; HttpOnly; SameSite=Strict; Secure"
    } else {
        "Path=/; HttpOnly; SameSite=Strict"
    }
}

fn with_csrf_cookie(s: &AppState, mut res: Response, csrf: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(&format!("{CSRF}={csrf}; {}", cookie_attrs(s))) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// After a successful sign-in: the session cookie, and off to the role's home.
fn enter(s: &AppState, out: &sb_app::views::LoginOutput) -> Response {
    let target = if out.user.role == Role::EndUser {
        "/my"
    } else {
        "/admin"
    };
    let mut res = Redirect::to(target).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("{SESSION}={}; {}", out.token, cookie_attrs(s))) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

fn no_store(mut res: Response) -> Response {
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

#[derive(Deserialize)]
struct LangQuery {
    lang: Option<String>,
}

fn sign_in_form(lang: Language, csrf: &str, alert: Option<&str>) -> String {
    let alert = alert
        .map(|a| format!("<p role=\"alert\">{}</p>", esc(a)))
        .unwrap_or_default();
    format!(
        "{alert}<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><label for=\"username\">{}</label><input id=\"username\" name=\"username\" autocomplete=\"username\" required><label for=\"password\">{}</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required><label for=\"code\">{}</label><input id=\"code\" name=\"code\" autocomplete=\"one-time-code\" inputmode=\"numeric\"><button type=\"submit\">{}</button></form><p>{}</p>",
        esc(csrf),
        t(lang, "username"),
        t(lang, "password"),
        t(lang, "code_label"),
        t(lang, "sign_in"),
        t(lang, "no_username"),
    )
}

async fn sign_in_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
) -> Response {
    if let Some(actor) = session_actor(&s, &headers).await {
        return Redirect::to(home_of(&actor)).into_response();
    }
    let lang = guest_lang(&headers, q.lang.as_deref());
    let csrf = new_csrf();
    let html = page(
        lang,
        t(lang, "sign_in"),
        None,
        &sign_in_form(lang, &csrf, None),
    );
    no_store(with_csrf_cookie(&s, Html(html).into_response(), &csrf))
}

fn home_of(actor: &Actor) -> &'static str {
    match actor.role {
        Role::EndUser => "/my",
        _ => "/admin",
    }
}

async fn session_actor(s: &AppState, headers: &HeaderMap) -> Option<Actor> {
    let token = cookie(headers, SESSION)?;
    s.app
        .authenticate(&token, None)
        .await
        .ok()
        .filter(|a| !a.enrol_only)
}

fn csrf_ok(headers: &HeaderMap, form_value: &str) -> bool {
    match cookie(headers, CSRF) {
        Some(c) => {
            !c.is_empty()
                && c.len() == form_value.len()
                && c.bytes()
                    .zip(form_value.bytes())
                    .fold(0u8, |a, (x, y)| a | (x ^ y))
                    == 0
        }
        None => false,
    }
}

#[derive(Deserialize)]
struct SignInForm {
    username: String,
    password: String,
    /// The two-factor code, for accounts that have it.
    #[serde(default)]
    code: Option<String>,
    csrf: String,
}

async fn sign_in(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(f): Form<SignInForm>,
) -> Response {
    let lang = guest_lang(&headers, None);
    let csrf = new_csrf();
    let fail = |key: &str, status: StatusCode| {
        let html = page(
            lang,
            t(lang, "sign_in"),
            None,
            &sign_in_form(lang, &csrf, Some(t(lang, key))),
        );
        no_store(with_csrf_cookie(
            &s,
            (status, Html(html)).into_response(),
            &csrf,
        ))
    };
    if !csrf_ok(&headers, &f.csrf) {
        return fail("expired_form", StatusCode::FORBIDDEN);
    }
    match s
        .app
        .login(
            LoginInput {
                username: f.username,
                password: f.password,
                code: f.code.filter(|c| !c.trim().is_empty()),
            },
            ip.as_deref(),
        )
        .await
    {
        Ok(out) => enter(&s, &out),
        Err(AppError::Locked) => fail("locked", StatusCode::LOCKED),
        Err(AppError::RateLimited { .. }) => fail("rate_limited", StatusCode::TOO_MANY_REQUESTS),
        Err(AppError::Forbidden(_)) => fail("disabled", StatusCode::FORBIDDEN),
        Err(AppError::InvalidCredentials) => fail("bad_credentials", StatusCode::UNAUTHORIZED),
        Err(AppError::TwoFactorRequired) => fail("two_factor_required", StatusCode::UNAUTHORIZED),
        Err(AppError::Invalid(i)) if i.code == "invalid_two_factor_code" => {
            fail("bad_code", StatusCode::UNPROCESSABLE_ENTITY)
        }
        // A name or password longer than any account has (issue 14, finding 6).
        Err(AppError::Invalid(_)) => fail("bad_credentials", StatusCode::UNPROCESSABLE_ENTITY),
        Err(_) => fail("error", StatusCode::INTERNAL_SERVER_ERROR),
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: String,
}

async fn sign_out(
    State(s): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<CsrfForm>,
) -> Response {
    if csrf_ok(&headers, &f.csrf)
        && let (Some(token), Some(actor)) =
            (cookie(&headers, SESSION), session_actor(&s, &headers).await)
    {
        let _ = s.app.logout(&actor, &token).await;
    }
    let mut res = Redirect::to("/").into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("{SESSION}=; {}; Max-Age=0", cookie_attrs(&s))) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// The signed-in person for a portal page, or a redirect to sign-in.
async fn signed_in(s: &AppState, headers: &HeaderMap) -> Result<(Actor, MeView, String), Response> {
    let Some(actor) = session_actor(s, headers).await else {
        return Err(Redirect::to("/").into_response());
    };
    let me = s
        .app
        .me(&actor)
        .await
        .map_err(|_| Redirect::to("/").into_response())?;
    let csrf = cookie(headers, CSRF).unwrap_or_else(new_csrf);
    Ok((actor, me, csrf))
}

fn table(headers: &[&str], rows: Vec<Vec<String>>, lang: Language) -> String {
    if rows.is_empty() {
        return format!("<p>{}</p>", t(lang, "none"));
    }
    let mut h = String::from("<table><thead><tr>");
    for c in headers {
        h.push_str(&format!("<th>{}</th>", esc(c)));
    }
    h.push_str("</tr></thead><tbody>");
    for r in rows {
        h.push_str("<tr>");
        for c in r {
            h.push_str(&format!("<td>{c}</td>"));
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table>");
    h
}

async fn company_sections(
    s: &AppState,
    actor: &Actor,
    company: &str,
    lang: Language,
) -> Result<String, AppError> {
    let users = s.app.list_users(actor, company, sb_store_page()).await?;
    let deps = s.app.list_departments(actor, company).await?;
    let user_rows = users
        .items
        .iter()
        .map(|u| {
            let status = if u.locked {
                t(lang, "locked_short")
            } else if u.enabled {
                t(lang, "enabled")
            } else {
                t(lang, "disabled_short")
            };
            vec![
                esc(&u.name),
                esc(u.username.as_deref().unwrap_or("")),
                esc(t(lang, u.role.as_str())),
                esc(u.email.as_deref().unwrap_or("")),
                esc(status),
            ]
        })
        .collect();
    let dep_name = |id: &Option<String>| {
        id.as_ref()
            .and_then(|p| deps.items.iter().find(|d| &d.id == p))
            .map(|d| d.name.clone())
            .unwrap_or_default()
    };
    let dep_rows = deps
        .items
        .iter()
        .map(|d| {
            let policy = match d.call_limit {
                Some(n) => format!("{} {n}", t(lang, "limited")),
                None => t(lang, d.call_policy.as_str()).to_owned(),
            };
            vec![
                esc(&d.name),
                esc(&dep_name(&d.parent_id)),
                esc(d.operator_number.as_deref().unwrap_or("")),
                esc(&policy),
            ]
        })
        .collect();
    Ok(format!(
        "<h2>{}</h2>{}<h2>{}</h2>{}",
        t(lang, "users"),
        table(
            &[
                t(lang, "name"),
                t(lang, "username"),
                t(lang, "role"),
                t(lang, "email"),
                t(lang, "status")
            ],
            user_rows,
            lang
        ),
        t(lang, "departments"),
        table(
            &[
                t(lang, "name"),
                t(lang, "parent"),
                t(lang, "operator"),
                t(lang, "call_policy")
            ],
            dep_rows,
            lang
        ),
    ))
}

fn sb_store_page() -> sb_app::Page {
    sb_app::Page {
        after: None,
        limit: 500,
    }
}

async fn admin_home(State(s): State<AppState>, headers: HeaderMap) -> Response {
    let (actor, me, csrf) = match signed_in(&s, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let lang = me.language;
    let name = me.user.username.clone().unwrap_or(me.user.name.clone());
    let body = match actor.role {
        Role::EndUser => return Redirect::to("/my").into_response(),
        Role::CompanyAdmin => match &me.company {
            Some(co) => match company_sections(&s, &actor, &co.id, lang).await {
                Ok(b) => format!(
                    "<p>{}: <strong>{}</strong> · {}: {}</p>{b}",
                    t(lang, "company"),
                    esc(&co.name),
                    t(lang, "sip_domain"),
                    esc(&co.sip_domain)
                ),
                Err(_) => format!("<p role=\"alert\">{}</p>", t(lang, "error")),
            },
            None => String::new(),
        },
        Role::SystemAdmin | Role::ResellerAdmin => {
            match s.app.list_companies(&actor, sb_store_page()).await {
                Ok(list) => {
                    let rows = list
                        .items
                        .iter()
                        .map(|c| {
                            vec![
                                format!(
                                    "<a href=\"/admin/companies/{}\">{}</a>",
                                    esc(&c.id),
                                    esc(&c.name)
                                ),
                                esc(&c.sip_domain),
                                format!("{} / {}", c.users, c.max_users),
                                format!("{} / {}", c.lines, c.max_lines),
                            ]
                        })
                        .collect();
                    format!(
                        "<h2>{}</h2>{}",
                        t(lang, "companies"),
                        table(
                            &[
                                t(lang, "name"),
                                t(lang, "sip_domain"),
                                t(lang, "users"),
                                t(lang, "lines")
                            ],
                            rows,
                            lang
                        )
                    )
                }
                Err(_) => format!("<p role=\"alert\">{}</p>", t(lang, "error")),
            }
        }
    };
    let title = t(lang, me.role.as_str());
    no_store(Html(page(lang, title, Some((&name, &csrf)), &body)).into_response())
}

async fn admin_company(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let (actor, me, csrf) = match signed_in(&s, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let lang = me.language;
    let name = me.user.username.clone().unwrap_or(me.user.name.clone());
    let co = match s.app.get_company(&actor, &id).await {
        Ok(c) => c,
        Err(_) => {
            return (
                StatusCode::NOT_FOUND,
                Html(page(
                    lang,
                    "404",
                    Some((&name, &csrf)),
                    "<p role=\"alert\">404</p>",
                )),
            )
                .into_response();
        }
    };
    let body = match company_sections(&s, &actor, &co.id, lang).await {
        Ok(b) => format!(
            "<p><a href=\"/admin\">{}</a> · {}: {}</p>{b}",
            t(lang, "back"),
            t(lang, "sip_domain"),
            esc(&co.sip_domain)
        ),
        Err(_) => format!("<p role=\"alert\">{}</p>", t(lang, "error")),
    };
    no_store(Html(page(lang, &co.name, Some((&name, &csrf)), &body)).into_response())
}

#[derive(Deserialize)]
struct AgentForm {
    csrf: String,
    line_id: String,
    logged_in: bool,
}

/// Seed 001, "My homepage": an agent logs in to or out of a queue.
async fn my_queue_status(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<AgentForm>,
) -> Response {
    if !csrf_ok(&headers, &f.csrf) {
        return (StatusCode::FORBIDDEN, "CSRF").into_response();
    }
    let Some(actor) = session_actor(&s, &headers).await else {
        return Redirect::to("/").into_response();
    };
    let input = sb_app::queues::AgentStatusInput {
        line_id: f.line_id,
        logged_in: f.logged_in,
    };
    match s.app.set_agent_status(&actor, &id, input).await {
        Ok(_) => Redirect::to("/my").into_response(),
        Err(AppError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => (StatusCode::UNPROCESSABLE_ENTITY, e.message()).into_response(),
    }
}

/// The user's queues with a log-in or log-out button per line (call-in agents dial in).
fn queue_section(queues: &[sb_app::queues::MyQueueView], lang: Language, csrf: &str) -> String {
    if queues.is_empty() {
        return String::new();
    }
    let rows = queues
        .iter()
        .map(|q| {
            let action = match (&q.kind, &q.call_in_extension) {
                (sb_app::queues::AgentKind::CallIn, Some(ext)) => {
                    format!("{} {}", t(lang, "call_in_dial"), esc(ext))
                }
                _ => format!(
                    "<form method=\"post\" action=\"/my/queues/{id}/agent\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><input type=\"hidden\" name=\"line_id\" value=\"{line}\"><input type=\"hidden\" name=\"logged_in\" value=\"{to}\"><button type=\"submit\">{label}</button></form>",
                    id = esc(&q.queue_id),
                    csrf = esc(csrf),
                    line = esc(&q.line_id),
                    to = !q.logged_in,
                    label = t(lang, if q.logged_in { "log_out" } else { "log_in" }),
                ),
            };
            let status = if q.logged_in || q.kind == sb_app::queues::AgentKind::CallIn {
                t(lang, "logged_in")
            } else {
                t(lang, "logged_out")
            };
            vec![
                format!("{} ({})", esc(&q.queue_name), esc(&q.extension)),
                esc(&q.line_extension),
                esc(status),
                action,
            ]
        })
        .collect();
    format!(
        "<h2>{}</h2>{}",
        t(lang, "my_queues"),
        table(
            &[t(lang, "queue"), t(lang, "line"), t(lang, "status"), ""],
            rows,
            lang
        )
    )
}

async fn my_home(State(s): State<AppState>, headers: HeaderMap) -> Response {
    let (actor, me, csrf) = match signed_in(&s, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let lang = me.language;
    let name = me.user.username.clone().unwrap_or(me.user.name.clone());
    let body = if me.role == Role::EndUser && !me.features.contains(&Feature::UserPortal) {
        format!("<p role=\"alert\">{}</p>", t(lang, "no_portal"))
    } else {
        let profile = format!(
            "<h2>{}</h2><p>{}: {}<br>{}: {}<br>{}: {}</p>",
            t(lang, "my_profile"),
            t(lang, "name"),
            esc(&me.user.name),
            t(lang, "email"),
            esc(me.user.email.as_deref().unwrap_or("")),
            t(lang, "language"),
            lang.as_str()
        );
        let rows = me
            .lines
            .iter()
            .map(|l| {
                let default = if me.default_line_id.as_deref() == Some(l.id.as_str()) {
                    " ★"
                } else {
                    ""
                };
                vec![
                    format!("{}{default}", esc(&l.extension)),
                    esc(&l.numbers.join(", ")),
                    esc(l.presentation_number.as_deref().unwrap_or("")),
                ]
            })
            .collect::<Vec<_>>();
        let lines = if rows.is_empty() {
            format!("<p>{}</p>", t(lang, "no_lines"))
        } else {
            table(
                &[
                    t(lang, "extension"),
                    t(lang, "numbers"),
                    t(lang, "presentation_number"),
                ],
                rows,
                lang,
            )
        };
        let hours = match &me.working_hours {
            Some(days) => {
                let names = [
                    "monday",
                    "tuesday",
                    "wednesday",
                    "thursday",
                    "friday",
                    "saturday",
                    "sunday",
                ];
                let rows = days
                    .iter()
                    .zip(names)
                    .map(|(d, day)| {
                        let rule = match d.rule {
                            sb_app::views::DayRuleKind::AvailableAllDay => {
                                t(lang, "available_all_day").to_owned()
                            }
                            sb_app::views::DayRuleKind::UnavailableAllDay => {
                                t(lang, "unavailable_all_day").to_owned()
                            }
                            sb_app::views::DayRuleKind::UnavailableBetween => format!(
                                "{} {}–{}",
                                t(lang, "unavailable_between"),
                                d.from.as_deref().unwrap_or(""),
                                d.to.as_deref().unwrap_or("")
                            ),
                        };
                        vec![esc(t(lang, day)), esc(&rule)]
                    })
                    .collect();
                table(&[t(lang, "day"), t(lang, "availability")], rows, lang)
            }
            None => format!("<p>{}</p>", t(lang, "always_available")),
        };
        let queues = queue_section(
            &s.app.my_queues(&actor).await.unwrap_or_default(),
            lang,
            &csrf,
        );
        format!(
            "{profile}<p>{}: {}</p><h2>{}</h2>{lines}{queues}<h2>{}</h2>{hours}",
            t(lang, "presence"),
            esc(t(lang, me.presence.as_str())),
            t(lang, "my_lines"),
            t(lang, "working_hours")
        )
    };
    no_store(
        Html(page(
            lang,
            t(lang, "my_profile"),
            Some((&name, &csrf)),
            &body,
        ))
        .into_response(),
    )
}

#[derive(Deserialize)]
struct TokenQuery {
    token: Option<String>,
    lang: Option<String>,
}

fn first_login_form(lang: Language, csrf: &str, token: &str, alert: Option<&str>) -> String {
    let alert = alert
        .map(|a| format!("<p role=\"alert\">{}</p>", esc(a)))
        .unwrap_or_default();
    format!(
        "{alert}<form method=\"post\" action=\"/first-login\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><input type=\"hidden\" name=\"token\" value=\"{}\"><label for=\"username\">{}</label><input id=\"username\" name=\"username\" required><small>{}</small><label for=\"password\">{}</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" required><small>{}</small><br><button type=\"submit\">{}</button></form>",
        esc(csrf),
        esc(token),
        t(lang, "username"),
        t(lang, "username_rules"),
        t(lang, "password"),
        t(lang, "password_rules"),
        t(lang, "save"),
    )
}

async fn first_login_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<TokenQuery>,
) -> Response {
    let lang = guest_lang(&headers, q.lang.as_deref());
    let csrf = new_csrf();
    let body = first_login_form(lang, &csrf, q.token.as_deref().unwrap_or(""), None);
    no_store(with_csrf_cookie(
        &s,
        Html(page(lang, t(lang, "choose_credentials"), None, &body)).into_response(),
        &csrf,
    ))
}

#[derive(Deserialize)]
struct FirstLoginForm {
    csrf: String,
    token: String,
    username: String,
    password: String,
}

async fn first_login(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Form(f): Form<FirstLoginForm>,
) -> Response {
    let lang = guest_lang(&headers, None);
    let csrf = new_csrf();
    let token = f.token.clone();
    let fail = |msg: &str, status: StatusCode| {
        let body = first_login_form(lang, &csrf, &token, Some(msg));
        no_store(with_csrf_cookie(
            &s,
            (
                status,
                Html(page(lang, t(lang, "choose_credentials"), None, &body)),
            )
                .into_response(),
            &csrf,
        ))
    };
    if !csrf_ok(&headers, &f.csrf) {
        return fail(t(lang, "expired_form"), StatusCode::FORBIDDEN);
    }
    match s
        .app
        .complete_link(
            FirstLoginInput {
                token: f.token,
                username: f.username,
                password: f.password,
            },
            ip.as_deref(),
        )
        .await
    {
        Ok(out) => enter(&s, &out),
        Err(e @ AppError::Invalid(_)) | Err(e @ AppError::Conflict { .. }) => {
            fail(&e.message(), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(AppError::RateLimited { .. }) => {
            fail(t(lang, "rate_limited"), StatusCode::TOO_MANY_REQUESTS)
        }
        Err(_) => fail(t(lang, "error"), StatusCode::INTERNAL_SERVER_ERROR),
    }
}

async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/app.css"),
    )
}
