//! "Inbox": everything that arrived for the person, newest first (`App::inbox`): their lines'
//! voicemails, call recordings, faxes and text conversations and their queues' group inboxes,
//! filtered by kind; each item
//! played, downloaded, marked heard or new (a recording: kept as saved) and deleted through the
//! use cases of `/api/v1/voicemails/{id}` and `/api/v1/recordings/{id}`. An item is only ever
//! reached through the person's own inbox, so anybody else's is not found here, even for an
//! administrator who may reach it on the company's pages.

use crate::WebState;
use crate::layout::{Chrome, render};
use crate::messages::wav_answer;
use crate::session::{self, Session, signed_in};
use crate::users::{Choice, choices, enc};
use crate::zone::Zone;
use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use sb_app::AppError;
use sb_app::faxes::FaxPatch;
use sb_app::inbox::{InboxItem, InboxKind};
use sb_app::recordings::RecordingPatch;
use sb_app::views::MeView;
use sb_app::voicemail::VoicemailPatch;
use sb_domain::model::{Feature, Role};
use serde::Deserialize;

pub const PATH: &str = "/my/inbox";

/// The filter by kind: the value asked for and its text key; "" is everything.
const KINDS: [(&str, &str); 6] = [
    ("", "ib_all"),
    ("voicemail", "ib_voicemail"),
    ("recording", "ib_recording"),
    ("group_inbox", "ib_group_inbox"),
    ("fax", "ib_fax"),
    ("conversation", "ib_conversation"),
];

/// The notices of what an item's form just did, by the `done` it sends back.
const DONE: [(&str, &str); 4] = [
    ("heard", "ib_marked_heard"),
    ("seen", "ib_marked_seen"),
    ("new", "ib_marked_new"),
    ("deleted", "ib_deleted"),
];

#[derive(Deserialize, Default)]
pub struct InboxQuery {
    kind: Option<String>,
    done: Option<String>,
}

/// An item as a row: text keys for its kind and state, its times in the company's zone.
struct Row {
    /// The message's or recording's id, which the row carries for tests and scripts.
    id: String,
    kind: &'static str,
    place: String,
    number: String,
    name: String,
    when: String,
    seconds: i64,
    /// A fax (its pages, viewed as a PDF) rather than audio.
    fax: bool,
    pages: i64,
    /// Its state's text key: new, heard, or (a recording) saved, or (a fax) seen.
    state: &'static str,
    /// `/my/inbox/{kind}/{id}`, under which its audio and forms are.
    base: String,
    /// What its toggle asks for (`true`: mark heard) and the button's text key.
    mark_heard: bool,
    toggle: &'static str,
    /// A text conversation: where it is read (`/my/messages?line=&with=`), how many of its
    /// texts are new, and the start of its latest text.
    conversation: Option<(String, i64, String)>,
}

struct Inbox {
    kinds: Vec<Choice>,
    shown: String,
    rows: Vec<Row>,
    zone: String,
}

#[derive(Template)]
#[template(path = "my_inbox.html")]
struct Page {
    c: Chrome,
    /// None when there is nothing to show: no portal, or a refusal (the alert says).
    inbox: Option<Inbox>,
}

fn chrome(session: &Session) -> Chrome {
    let title = crate::i18n::t(session.me.language, "my_inbox");
    Chrome::signed_in(session, title, PATH)
}

fn row(i: InboxItem, zone: &Zone) -> Row {
    let (state, toggle) = match (i.heard, i.kind) {
        (false, InboxKind::Recording) => ("ib_new", "ib_keep"),
        (false, InboxKind::Fax | InboxKind::Conversation) => ("ib_new", "ib_mark_seen"),
        (true, InboxKind::Conversation) => ("ib_seen", ""),
        (false, _) => ("ib_new", "ib_mark_heard"),
        (true, InboxKind::Recording) => ("ib_saved", "ib_mark_new"),
        (true, InboxKind::Fax) => ("ib_seen", "ib_mark_new"),
        (true, _) => ("ib_heard", "ib_mark_new"),
    };
    let conversation = match (i.conversation_of(), &i.unread, &i.text) {
        (Some((line, with)), Some(unread), Some(text)) => Some((
            format!(
                "{}?line={}&with={}",
                crate::my_texts::PATH,
                enc(line),
                enc(with)
            ),
            *unread,
            text.clone(),
        )),
        _ => None,
    };
    Row {
        conversation,
        kind: KINDS
            .iter()
            .find(|(v, _)| *v == i.kind.as_str())
            .map_or("ib_voicemail", |(_, k)| k),
        base: format!("{PATH}/{}/{}", i.kind.as_str(), enc(&i.id)),
        id: i.id,
        place: i.place,
        number: i.number,
        name: i.name.unwrap_or_default(),
        when: zone.local(&i.at),
        seconds: i.duration_secs,
        fax: i.kind == InboxKind::Fax,
        pages: i.pages.unwrap_or_default(),
        state,
        mark_heard: !i.heard,
        toggle,
    }
}

/// The page without an inbox, its alert for `e`: 404 for an item not the person's (or a kind
/// that does not exist), else the use case's refusal.
fn refused(session: &Session, e: &AppError) -> Response {
    let c = chrome(session);
    let (status, alert) = crate::layout::refusal(&c, e);
    let page = Page {
        c: c.with_alert(alert),
        inbox: None,
    };
    render(status, &page)
}

/// The signed-in person, or the page to answer instead: the "no portal" notice (with
/// `status`) when their package lacks the user portal.
async fn me_with_portal(
    s: &WebState,
    session: &Session,
    status: StatusCode,
) -> Result<MeView, Response> {
    let me = s
        .app
        .me(&session.actor)
        .await
        .map_err(|e| refused(session, &e))?;
    if me.role != Role::EndUser || me.features.contains(&Feature::UserPortal) {
        return Ok(me);
    }
    let c = chrome(session).with_alert(crate::i18n::t(session.me.language, "no_portal"));
    Err(render(status, &Page { c, inbox: None }))
}

/// `GET /my/inbox?kind=&done=`: the person's inbox, of one kind or all.
pub async fn page(
    State(s): State<WebState>,
    headers: HeaderMap,
    Query(q): Query<InboxQuery>,
) -> Response {
    let session = match signed_in(&s, &headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let me = match me_with_portal(&s, &session, StatusCode::OK).await {
        Ok(me) => me,
        Err(r) => return r,
    };
    let shown = q.kind.unwrap_or_default();
    let kind = match shown.as_str() {
        "" => None,
        k => match InboxKind::from_text(k) {
            Some(k) => Some(k),
            None => return refused(&session, &AppError::NotFound),
        },
    };
    let items = match s.app.inbox(&session.actor, kind).await {
        Ok(items) => items,
        Err(e) => return refused(&session, &e),
    };
    let zone = Zone::named(
        me.company
            .as_ref()
            .map_or("UTC", |co| co.time_zone.as_str()),
    );
    let mut c = chrome(&session);
    c.info = q
        .done
        .and_then(|d| DONE.iter().find(|(v, _)| *v == d))
        .map(|(_, k)| c.t(k).to_owned());
    let inbox = Inbox {
        kinds: choices(&KINDS, &c, &shown),
        shown,
        rows: items.into_iter().map(|i| row(i, &zone)).collect(),
        zone: zone.name,
    };
    render(
        StatusCode::OK,
        &Page {
            c,
            inbox: Some(inbox),
        },
    )
}

/// The file of one of the person's own items, through its use case: the audio of a message or
/// recording, the PDF of a fax.
async fn file_of(
    s: &WebState,
    session: &Session,
    kind: &str,
    id: &str,
) -> Result<(InboxItem, Vec<u8>), AppError> {
    let item = s.app.inbox_item(&session.actor, kind, id).await?;
    let file = match item.kind {
        InboxKind::Conversation => return Err(AppError::NotFound),
        InboxKind::Fax => s.app.fax_document(&session.actor, &item.id).await?,
        k if k.is_message() => s.app.voicemail_audio(&session.actor, &item.id).await?,
        _ => s.app.recording_audio(&session.actor, &item.id).await?,
    };
    Ok((item, file))
}

/// `GET /my/inbox/{kind}/{id}/audio`: an item's audio, to play in the page.
pub async fn audio(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((kind, id)): Path<(String, String)>,
) -> Response {
    serve(&s, &headers, &kind, &id, false).await
}

/// `GET /my/inbox/fax/{id}/document`: a fax's pages, to view in the browser.
pub async fn document(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((kind, id)): Path<(String, String)>,
) -> Response {
    serve(&s, &headers, &kind, &id, false).await
}

/// `GET /my/inbox/{kind}/{id}/download`: the same audio (or PDF), saved as a file.
pub async fn download(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((kind, id)): Path<(String, String)>,
) -> Response {
    serve(&s, &headers, &kind, &id, true).await
}

async fn serve(s: &WebState, headers: &HeaderMap, kind: &str, id: &str, save: bool) -> Response {
    let session = match signed_in(s, headers).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    if let Err(r) = me_with_portal(s, &session, StatusCode::FORBIDDEN).await {
        return r;
    }
    match file_of(s, &session, kind, id).await {
        Ok((item, pdf)) if item.kind == InboxKind::Fax => {
            let name = format!("fax-{}.pdf", item.id);
            pdf_answer(pdf, save.then_some(name.as_str()))
        }
        Ok((item, wav)) => {
            let name = format!("{}-{}.wav", item.kind.as_str(), item.id);
            wav_answer(wav, save.then_some(name.as_str()))
        }
        Err(e) => refused(&session, &e),
    }
}

/// A fax's PDF: shown by the browser, or with `download` saved under that name.
fn pdf_answer(pdf: Vec<u8>, download: Option<&str>) -> Response {
    use axum::http::{HeaderValue, header};
    let mut res = pdf.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let disposition = match download {
        Some(name) => format!("attachment; filename=\"{name}\""),
        None => "inline".to_owned(),
    };
    if let Ok(d) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, d);
    }
    res
}

#[derive(Deserialize)]
pub struct ItemForm {
    #[serde(default)]
    csrf: String,
    /// For the heard toggle: what the item becomes.
    #[serde(default)]
    heard: bool,
    /// The filter the page showed, kept after the change.
    #[serde(default)]
    shown: String,
}

/// Back to the inbox with the filter it showed and the notice of `done`.
fn back(shown: &str, done: &str) -> Response {
    let shown = if InboxKind::from_text(shown).is_some() {
        shown
    } else {
        ""
    };
    Redirect::to(&format!("{PATH}?kind={shown}&done={done}")).into_response()
}

/// `POST /my/inbox/{kind}/{id}/heard`: marks an item heard (a recording: kept as saved) or new.
pub async fn mark(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((kind, id)): Path<(String, String)>,
    Form(f): Form<ItemForm>,
) -> Response {
    let session = match session::changing(&s, &headers, &f.csrf, false).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    if let Err(r) = me_with_portal(&s, &session, StatusCode::FORBIDDEN).await {
        return r;
    }
    let changed = async {
        let item = s.app.inbox_item(&session.actor, &kind, &id).await?;
        if let Some((line, with)) = item.conversation_of() {
            // A conversation is new again only when a new text arrives.
            if !f.heard {
                return Err(AppError::invalid(
                    "not_offered",
                    "heard",
                    "A conversation cannot be marked new.",
                ));
            }
            s.app
                .mark_conversation_seen(&session.actor, line, with)
                .await?;
        } else if item.kind == InboxKind::Fax {
            let patch = FaxPatch { seen: f.heard };
            s.app.update_fax(&session.actor, &item.id, patch).await?;
        } else if item.kind.is_message() {
            let patch = VoicemailPatch { heard: f.heard };
            s.app
                .update_voicemail(&session.actor, &item.id, patch)
                .await?;
        } else {
            let patch = RecordingPatch { heard: f.heard };
            s.app
                .update_recording(&session.actor, &item.id, patch)
                .await?;
        }
        Ok::<(), AppError>(())
    };
    match changed.await {
        Ok(()) if f.heard && (kind == "fax" || kind == "conversation") => back(&f.shown, "seen"),
        Ok(()) => back(&f.shown, if f.heard { "heard" } else { "new" }),
        Err(e) => refused(&session, &e),
    }
}

/// `POST /my/inbox/{kind}/{id}/delete`: deletes an item and its audio.
pub async fn delete(
    State(s): State<WebState>,
    headers: HeaderMap,
    Path((kind, id)): Path<(String, String)>,
    Form(f): Form<ItemForm>,
) -> Response {
    let session = match session::changing(&s, &headers, &f.csrf, false).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    if let Err(r) = me_with_portal(&s, &session, StatusCode::FORBIDDEN).await {
        return r;
    }
    let deleted = async {
        let item = s.app.inbox_item(&session.actor, &kind, &id).await?;
        if let Some((line, with)) = item.conversation_of() {
            s.app.delete_conversation(&session.actor, line, with).await
        } else if item.kind == InboxKind::Fax {
            s.app.delete_fax(&session.actor, &item.id).await
        } else if item.kind.is_message() {
            s.app.delete_voicemail(&session.actor, &item.id).await
        } else {
            s.app.delete_recording(&session.actor, &item.id).await
        }
    };
    match deleted.await {
        Ok(()) => back(&f.shown, "deleted"),
        Err(e) => refused(&session, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sb_domain::model::Language;

    fn item(kind: InboxKind, heard: bool) -> InboxItem {
        InboxItem {
            kind,
            id: "01HZX".into(),
            place: "201".into(),
            number: "anonymous".into(),
            name: None,
            at: "2030-07-01T12:00:00.000Z".into(),
            duration_secs: 3,
            pages: None,
            heard,
            line_id: None,
            unread: None,
            text: None,
        }
    }

    #[test]
    fn a_recording_is_kept_as_saved_where_a_message_is_marked_heard() {
        let zone = Zone::named("America/New_York");
        let r = row(item(InboxKind::Recording, false), &zone);
        assert_eq!(
            (r.state, r.toggle, r.mark_heard),
            ("ib_new", "ib_keep", true)
        );
        let r = row(item(InboxKind::Recording, true), &zone);
        assert_eq!(
            (r.state, r.toggle, r.mark_heard),
            ("ib_saved", "ib_mark_new", false)
        );
        let m = row(item(InboxKind::GroupInbox, false), &zone);
        assert_eq!(
            (m.state, m.toggle, m.kind),
            ("ib_new", "ib_mark_heard", "ib_group_inbox")
        );
        assert_eq!(m.base, "/my/inbox/group_inbox/01HZX");
        assert_eq!(m.when, "2030-07-01 08:00", "in the company's time zone");
    }

    #[test]
    fn a_conversation_links_to_its_texts_and_is_only_marked_seen() {
        let zone = Zone::named("UTC");
        let mut i = item(InboxKind::Conversation, false);
        i.id = "01LINE~+1 555".into();
        i.unread = Some(2);
        i.text = Some("hello".into());
        let r = row(i.clone(), &zone);
        assert_eq!((r.state, r.toggle), ("ib_new", "ib_mark_seen"));
        let (link, unread, text) = r.conversation.unwrap();
        assert_eq!(link, "/my/messages?line=01LINE&with=%2B1%20555");
        assert_eq!((unread, text.as_str()), (2, "hello"));
        i.heard = true;
        assert_eq!(row(i, &zone).state, "ib_seen");
    }

    #[test]
    fn after_a_change_the_inbox_keeps_only_a_known_filter() {
        let to = |shown: &str| {
            back(shown, "deleted").headers()["location"]
                .to_str()
                .unwrap()
                .to_owned()
        };
        assert_eq!(to("recording"), "/my/inbox?kind=recording&done=deleted");
        assert_eq!(to("x\r\nSet-Cookie: a"), "/my/inbox?kind=&done=deleted");
    }

    /// The template test reads only templates: the keys this module asks for by name.
    #[test]
    fn every_key_the_inbox_page_asks_for_exists_in_both_languages() {
        let keys = ["my_inbox", "no_portal", "not_found", "error"];
        let states = [
            "ib_new",
            "ib_heard",
            "ib_saved",
            "ib_mark_heard",
            "ib_mark_new",
            "ib_keep",
            "ib_mark_seen",
            "ib_seen",
            "ib_unread",
            "ib_open_conversation",
            "tx_conversation_with",
            "tx_all_texts",
        ];
        let all = keys
            .into_iter()
            .chain(states)
            .chain(KINDS.iter().map(|(_, k)| *k))
            .chain(DONE.iter().map(|(_, k)| *k));
        for key in all {
            for lang in [Language::En, Language::Fr] {
                assert_ne!(crate::i18n::t(lang, key), key, "{key}");
            }
        }
    }
}
