//! "Contacts": the person's favourites (colleagues with their presence, then own contacts),
//! their company's directory searched by name or extension, the group contacts they inherit
//! from their department and those above it, and their own contacts added,
//! deleted, imported from a vCard or CSV file and exported, all through `sb_app::contacts`.

use crate::WebState;
use crate::layout::{Chrome, render};
use crate::session::{self, Session, signed_in};
use crate::upload::{MAX_CONTACTS_FORM_BYTES, UploadError, parse_contacts_form};
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use sb_app::AppError;
use sb_app::contacts::{
    ContactInput, ContactNumberView, ContactView, DirectoryEntryView, FavouritesView,
};
use sb_app::contacts_files::ContactFormat;
use sb_app::group_contacts::GroupContactView;
use sb_domain::model::Language;
use sb_domain::query::Page as ListAsk;
use serde::Deserialize;

pub const PATH: &str = "/my/contacts";

pub fn routes() -> Router<WebState> {
    let import = post(import).layer(DefaultBodyLimit::max(MAX_CONTACTS_FORM_BYTES));
    Router::new()
        .route(PATH, get(page).post(add))
        .route("/my/contacts/{id}", post(edit))
        .route("/my/contacts/{id}/delete", post(remove))
        .route("/my/contacts/favourite", post(favourite))
        .route("/my/contacts/import", import)
        .route("/my/contacts/export.vcf", get(export_vcard))
        .route("/my/contacts/export.csv", get(export_csv))
}

/// The add form as typed (one number; more through the API or an import).
#[derive(Default, Deserialize)]
pub struct AddForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    company: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    number: String,
    /// `true` when the favourite box is ticked.
    #[serde(default)]
    favourite: Option<String>,
    /// The contact being edited, when the form changes one.
    #[serde(skip)]
    editing: Option<String>,
}

impl AddForm {
    /// The form filled with a contact's fields (its first number), to edit it.
    fn of(k: ContactView) -> Self {
        let first = k.numbers.into_iter().next();
        Self {
            csrf: String::new(),
            name: k.name,
            company: k.company.unwrap_or_default(),
            email: k.email.unwrap_or_default(),
            label: first.as_ref().map(|n| n.label.clone()).unwrap_or_default(),
            number: first.map(|n| n.number).unwrap_or_default(),
            favourite: k.favourite.then(|| "true".to_owned()),
            editing: Some(k.id),
        }
    }

    fn is_favourite(&self) -> bool {
        self.favourite.as_deref() == Some("true")
    }

    /// The contact as typed; `others` are the numbers after the first, which the form does
    /// not show and keeps.
    fn input(&self, others: Vec<ContactNumberView>) -> ContactInput {
        let mut numbers = vec![ContactNumberView {
            label: self.label.clone(),
            number: self.number.clone(),
        }];
        numbers.extend(others);
        ContactInput {
            name: self.name.clone(),
            company: Some(self.company.clone()),
            email: Some(self.email.clone()),
            numbers,
            favourite: self.is_favourite(),
        }
    }
}

/// A refusal: the form field it belongs to and its text.
struct Problem {
    field: &'static str,
    text: String,
}

#[derive(Template)]
#[template(path = "my_contacts.html")]
struct Page {
    c: Chrome,
    /// The person's own id: no favourite button on their own row.
    me: String,
    favourites: Option<FavouritesView>,
    directory: Vec<DirectoryEntryView>,
    q: String,
    contacts: Vec<ContactView>,
    /// The group contacts the person inherits from their department and those above it.
    group: Vec<GroupContactView>,
    typed: AddForm,
    problem: Option<Problem>,
}

impl Page {
    fn error_of(&self, field: &str) -> Option<&str> {
        self.problem
            .as_ref()
            .filter(|p| p.field == field)
            .map(|p| p.text.as_str())
    }
}

#[derive(Deserialize)]
pub struct PageQuery {
    done: Option<String>,
    /// A call just placed from here (click to call), or its refusal's code.
    calling: Option<String>,
    refused: Option<String>,
    q: Option<String>,
    edit: Option<String>,
}

fn chrome(session: &Session) -> Chrome {
    let title = crate::i18n::t(session.me.language, "ct_title");
    Chrome::signed_in(session, title, PATH)
}

pub async fn page(
    State(s): State<WebState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let session = match signed_in(&s, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let mut c = chrome(&session);
    c.info = match q.done.as_deref() {
        Some("added") => Some(c.t("ct_added").to_owned()),
        Some("saved") => Some(c.t("ct_saved").to_owned()),
        Some("deleted") => Some(c.t("ct_deleted").to_owned()),
        Some("imported") => Some(c.t("ct_imported").to_owned()),
        Some("favourites") => Some(c.t("ct_favourites_saved").to_owned()),
        _ => None,
    };
    crate::my_click::notice(&mut c, q.calling.as_deref(), q.refused.as_deref());
    let search = q.q.unwrap_or_default();
    let typed = match q.edit {
        Some(id) => match s.app.contact(&session.actor, &id).await {
            Ok(k) => AddForm::of(k),
            Err(_) => return StatusCode::NOT_FOUND.into_response(),
        },
        None => AddForm::default(),
    };
    show(&s, &session, c, search, typed, None).await
}

/// The page, or the refusal of the use case (no portal in the package) as its alert.
async fn show(
    s: &WebState,
    session: &Session,
    mut c: Chrome,
    q: String,
    typed: AddForm,
    problem: Option<Problem>,
) -> Response {
    let me = session.actor.user_id.to_string();
    let loaded = async {
        let favourites = s.app.favourites(&session.actor, &me).await?;
        let ask = ListAsk::first(50);
        let directory = s
            .app
            .company_directory(&session.actor, &me, Some(q.clone()), ask)
            .await?;
        let contacts = s.app.contacts(&session.actor, &me).await?;
        let group = s.app.inherited_group_contacts(&session.actor, &me).await?;
        Ok::<_, AppError>((favourites, directory.items, contacts, group))
    }
    .await;
    let (favourites, directory, contacts, group) = match loaded {
        Ok((f, d, k, g)) => (Some(f), d, k, g),
        Err(e) => {
            c.alert = Some(crate::i18n::errors::refusal_text(session.me.language, &e));
            (None, Vec::new(), Vec::new(), Vec::new())
        }
    };
    let status = if problem.is_some() {
        c.alert = problem.as_ref().map(|p| p.text.clone());
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = Page {
        c,
        me,
        favourites,
        directory,
        q,
        contacts,
        group,
        typed,
        problem,
    };
    render(status, &page)
}

/// The form field a refusal names (`numbers.0.number` is `number`).
fn field_of(e: &AppError) -> &'static str {
    match e {
        AppError::Invalid(i) if i.field == "name" => "name",
        AppError::Invalid(i) if i.field == "company" => "company",
        AppError::Invalid(i) if i.field == "email" => "email",
        AppError::Invalid(i) if i.field.ends_with(".label") => "label",
        AppError::Invalid(i) if i.field.starts_with("numbers") => "number",
        AppError::Invalid(i) if i.field == "file" => "file",
        _ => "",
    }
}

/// A refusal in the page's language: this page's own text of its code first (the shared
/// tables speak of other lists), with the line of an imported file kept in front.
fn refusal(lang: Language, e: &AppError) -> String {
    let key = format!("ct_err_{}", e.code());
    let own = crate::i18n::t(lang, &key);
    let text = if own == key {
        crate::i18n::errors::refusal_text(lang, e)
    } else {
        own.to_owned()
    };
    let line = match e {
        AppError::Invalid(i) => i
            .message
            .strip_prefix("Line ")
            .and_then(|m| m.split_once(':'))
            .map(|(n, _)| n.to_owned()),
        _ => None,
    };
    match line {
        Some(n) => format!(
            "{} {n}{} {text}",
            crate::i18n::t(lang, "ct_line"),
            crate::i18n::t(lang, "ct_colon")
        ),
        None => text,
    }
}

async fn refused(s: &WebState, session: &Session, typed: AddForm, e: &AppError) -> Response {
    let problem = Problem {
        field: field_of(e),
        text: refusal(session.me.language, e),
    };
    show(
        s,
        session,
        chrome(session),
        String::new(),
        typed,
        Some(problem),
    )
    .await
}

/// Adds a contact; a refusal is shown by its field with what was typed, nothing added.
pub async fn add(
    State(s): State<WebState>,
    headers: HeaderMap,
    Form(f): Form<AddForm>,
) -> Response {
    let session = match session::changing(&s, &headers, &f.csrf, false).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let me = session.actor.user_id.to_string();
    match s
        .app
        .create_contact(&session.actor, &me, f.input(Vec::new()))
        .await
    {
        Ok(_) => Redirect::to(&format!("{PATH}?done=added")).into_response(),
        Err(e) => refused(&s, &session, f, &e).await,
    }
}

/// Saves an edited contact (its numbers after the first kept); anybody else's is not found.
pub async fn edit(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(mut f): Form<AddForm>,
) -> Response {
    let session = match session::changing(&s, &headers, &f.csrf, false).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let others = match s.app.contact(&session.actor, &id).await {
        Ok(k) => k.numbers.into_iter().skip(1).collect(),
        Err(_) => return StatusCode::NOT_FOUND.into_response(),
    };
    f.editing = Some(id.clone());
    match s
        .app
        .update_contact(&session.actor, &id, f.input(others))
        .await
    {
        Ok(_) => Redirect::to(&format!("{PATH}?done=saved")).into_response(),
        Err(e) => refused(&s, &session, f, &e).await,
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// Deletes one of the person's contacts; anybody else's is not found.
pub async fn remove(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> Response {
    let session = match session::changing(&s, &headers, &f.csrf, false).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    match s.app.delete_contact(&session.actor, &id).await {
        Ok(()) => Redirect::to(&format!("{PATH}?done=deleted")).into_response(),
        Err(AppError::NotFound | AppError::Forbidden(_)) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => refused(&s, &session, AddForm::default(), &e).await,
    }
}

#[derive(Deserialize)]
pub struct FavouriteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    on: String,
}

/// Marks a colleague favourite, or takes them off.
pub async fn favourite(
    State(s): State<WebState>,
    headers: HeaderMap,
    Form(f): Form<FavouriteForm>,
) -> Response {
    let session = match session::changing(&s, &headers, &f.csrf, false).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let me = session.actor.user_id.to_string();
    let on = f.on == "true";
    match s
        .app
        .mark_favourite_colleague(&session.actor, &me, &f.user_id, on)
        .await
    {
        Ok(_) => Redirect::to(&format!("{PATH}?done=favourites")).into_response(),
        Err(e) => refused(&s, &session, AddForm::default(), &e).await,
    }
}

type Body = Result<Bytes, axum::extract::rejection::BytesRejection>;

/// `POST /my/contacts/import`: the CSRF field first; a bad file adds nothing and is refused by
/// the file field with its line.
pub async fn import(State(s): State<WebState>, headers: HeaderMap, body: Body) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let parsed = match body {
        Ok(body) => parse_contacts_form(content_type, body),
        Err(_) => Err(UploadError::TooLarge),
    };
    let csrf = parsed.as_ref().map_or("", |f| f.csrf.as_str());
    let session = match parsed {
        Err(UploadError::TooLarge) => signed_in(&s, &headers).await,
        _ => session::changing(&s, &headers, csrf, false).await,
    };
    let session = match session {
        Ok(x) => x,
        Err(r) => return r,
    };
    let me = session.actor.user_id.to_string();
    let outcome = match parsed {
        Ok(f) if !f.file.is_empty() => s.app.import_contacts(&session.actor, &me, &f.file).await,
        Ok(_) => Err(AppError::invalid(
            "no_contacts_file",
            "file",
            "Choose a vCard or CSV file.",
        )),
        Err(UploadError::TooLarge) => Err(AppError::invalid(
            "file_too_large",
            "file",
            "A contacts file is at most 1 MiB.",
        )),
        Err(UploadError::Malformed) => Err(AppError::invalid(
            "invalid_file",
            "file",
            "Choose a vCard or CSV file.",
        )),
    };
    match outcome {
        Ok(_) => Redirect::to(&format!("{PATH}?done=imported")).into_response(),
        Err(e) => refused(&s, &session, AddForm::default(), &e).await,
    }
}

async fn export(s: &WebState, headers: &HeaderMap, format: ContactFormat) -> Response {
    let session = match signed_in(s, headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let me = session.actor.user_id.to_string();
    let (media, name) = match format {
        ContactFormat::VCard => ("text/vcard; charset=utf-8", "contacts.vcf"),
        ContactFormat::Csv => ("text/csv; charset=utf-8", "contacts.csv"),
    };
    match s.app.export_contacts(&session.actor, &me, format).await {
        Ok(text) => (
            [
                (header::CONTENT_TYPE, media.to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
            ],
            text,
        )
            .into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

pub async fn export_vcard(State(s): State<WebState>, headers: HeaderMap) -> Response {
    export(&s, &headers, ContactFormat::VCard).await
}

pub async fn export_csv(State(s): State<WebState>, headers: HeaderMap) -> Response {
    export(&s, &headers, ContactFormat::Csv).await
}
