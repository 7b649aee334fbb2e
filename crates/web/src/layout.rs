//! What every page shares (decision 12): the header with the signed-in person, their role and
//! tenant, the navigation of their role, the language switch and the flash messages.
//! Each page's template extends `templates/layout.html` and holds a [`Chrome`] as `c`.

use crate::i18n::t;
use crate::session::Session;
use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use sb_domain::branding::{DEFAULT_PRODUCT_NAME, Effective};
use sb_domain::model::{Language, Role};

/// The layout's part of a page.
pub struct Chrome {
    pub lang: Language,
    pub title: String,
    pub who: Option<Who>,
    pub nav: Vec<NavLink>,
    /// The CSRF token of the page's forms (and the htmx header).
    pub csrf: String,
    /// The path of this page, where the language switch comes back to.
    pub here: String,
    /// The guests' language links keep these query parameters (the first-login token).
    pub keep_query: String,
    pub info: Option<String>,
    pub alert: Option<String>,
    pub brand: BrandChrome,
}

/// The tenant's branding as the layout shows it: the product's name in the header and the
/// title, and, when the tenant chose them, its colours (a stylesheet of its own, so that the
/// policy's `style-src 'self'` stands) and its logo.
pub struct BrandChrome {
    pub name: String,
    pub stylesheet: Option<String>,
    pub logo: Option<String>,
}

impl BrandChrome {
    fn of(brand: Option<&Effective>) -> Self {
        let Some(b) = brand else {
            return Self {
                name: DEFAULT_PRODUCT_NAME.to_owned(),
                stylesheet: None,
                logo: None,
            };
        };
        let coloured = b.primary.is_some() || b.accent.is_some();
        Self {
            name: b.name().to_owned(),
            stylesheet: coloured.then(|| format!("{}?v={}", crate::nav::BRAND_CSS, b.version)),
            logo: b
                .logo
                .map(|_| format!("{}?v={}", crate::nav::BRAND_LOGO, b.version)),
        }
    }
}

/// The signed-in person as the header shows them.
pub struct Who {
    pub name: String,
    pub role: String,
    pub tenant: String,
}

pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// The two languages of the switch, each named in itself.
pub const LANGUAGES: [(&str, &str); 2] = [("en", "English"), ("fr", "Français")];

impl Chrome {
    /// A page before sign-in.
    pub fn guest(lang: Language, title_key: &str, csrf: &str, here: &str) -> Self {
        Self {
            lang,
            title: t(lang, title_key).to_owned(),
            who: None,
            nav: Vec::new(),
            csrf: csrf.to_owned(),
            here: here.to_owned(),
            keep_query: String::new(),
            info: None,
            alert: None,
            brand: BrandChrome::of(None),
        }
    }

    /// A page of a signed-in person; `here` is its path, which the navigation marks current.
    pub fn signed_in(s: &Session, title: &str, here: &str) -> Self {
        let lang = s.me.language;
        let tenant = match (&s.me.company, s.me.role) {
            (Some(co), _) => co.name.clone(),
            (None, Role::SystemAdmin) => t(lang, "installation").to_owned(),
            (None, _) => t(lang, "reseller").to_owned(),
        };
        Self {
            lang,
            title: title.to_owned(),
            who: Some(Who {
                name: s.me.username.clone().unwrap_or(s.me.name.clone()),
                role: t(lang, s.me.role.as_str()).to_owned(),
                tenant,
            }),
            nav: nav(lang, s.me.role, s.actor.enrol_only, here),
            csrf: s.csrf.clone(),
            here: here.to_owned(),
            keep_query: String::new(),
            info: None,
            alert: None,
            brand: BrandChrome::of(s.me.brand.as_ref()),
        }
    }

    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        t(self.lang, key)
    }

    pub fn is_lang(&self, code: &str) -> bool {
        self.lang.as_str() == code
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.as_str()
    }

    /// `hx-headers` of the body: htmx sends the CSRF token with every request it makes.
    pub fn htmx_headers(&self) -> String {
        serde_json::json!({ "X-CSRF-Token": self.csrf }).to_string()
    }

    /// A guest's link to this page in another language.
    pub fn lang_href(&self, code: &str) -> String {
        format!("{}?{}lang={code}", self.here, self.keep_query)
    }

    pub fn with_alert(mut self, text: impl Into<String>) -> Self {
        self.alert = Some(text.into());
        self
    }
}

/// The role's places as links, the page shown marked.
fn nav(lang: Language, role: Role, enrol_only: bool, here: &str) -> Vec<NavLink> {
    crate::nav::places(role, enrol_only)
        .into_iter()
        .map(|(href, key)| NavLink {
            href,
            label: t(lang, key),
            current: href == here,
        })
        .collect()
}

/// A page as an answer: HTML, never cached (it shows a person's data and CSRF token).
pub fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => {
            let mut res = (status, Html(html)).into_response();
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res
        }
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// How a page answers what a use case refused: 404 for what is not there (or not the person's),
/// 422 for a value it refuses, 403 for a refusal of their role, else 500; with the alert to show,
/// in the page's language.
pub fn refusal(c: &Chrome, e: &sb_app::AppError) -> (StatusCode, String) {
    use sb_app::AppError;
    match e {
        AppError::NotFound => (StatusCode::NOT_FOUND, c.t("not_found").to_owned()),
        AppError::Invalid(_) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            crate::i18n::errors::refusal_text(c.lang, e),
        ),
        AppError::Forbidden(_) => (
            StatusCode::FORBIDDEN,
            crate::i18n::errors::refusal_text(c.lang, e),
        ),
        _ => (StatusCode::INTERNAL_SERVER_ERROR, c.t("error").to_owned()),
    }
}

/// A refused value on a form: the id of the field it belongs to, and the reason in the page's
/// language, shown next to that field.
pub struct FieldProblem {
    pub field: String,
    pub text: String,
}

impl FieldProblem {
    /// The reason when it belongs to the field with `id`.
    pub fn of<'a>(problem: Option<&'a Self>, id: &str) -> Option<&'a str> {
        problem.filter(|p| p.field == id).map(|p| p.text.as_str())
    }
}
