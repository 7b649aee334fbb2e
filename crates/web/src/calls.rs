//! A user's Calls tab: the whole call-handling document of one of the user's lines,
//! "Forward all calls", "When not answered", "When busy", "Out of hours" per weekday, "Reject
//! anonymous calls" and the permanent redirect, through the use cases of
//! `GET/PUT /api/v1/lines/{id}/call-handling`; and the explain panel ("if +1 555 0100 called
//! now: …") from the one of `POST /api/v1/lines/{id}/explain`, with the trunk and presented
//! number of each step that sends the call to an outside number.

use crate::WebState;
use crate::layout::{Chrome, render};
use crate::session::Session;
use crate::users::{
    Choice, Fields, Place, Tab, TabQuery, done_text, error_page, named_line, pick_line, place_of,
    refusal, tabs,
};
use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use sb_app::tabs::CallsTab;
use sb_app::views::{
    BusyAction, BusyDoc, CallHandlingDoc, DayDoc, DayRuleKind, DivertAction, DivertDoc,
    ExplainInput, LineView, MailboxPlanView, NoAnswerAction, NoAnswerDoc, OutOfHoursDoc,
    OutsideView, PlanStepView, UserView,
};
use sb_domain::routing::Reason;

/// The caller the explain panel assumes until another is typed (PORTALS.md).
const EXAMPLE_CALLER: &str = "+15550100";

const DAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// A divert's fields, named with the section's prefix (`na`, `busy`, `ooh`).
pub struct DivertForm {
    pub prefix: &'static str,
    pub line: String,
    pub number: String,
    pub announce: bool,
    pub present: bool,
}

pub struct DayForm {
    pub i: usize,
    pub day: &'static str,
    pub rules: Vec<Choice>,
    pub from: String,
    pub to: String,
}

/// One step of the explained plan, in the page's words.
pub struct StepLine {
    pub key: &'static str,
    pub seconds: Option<u32>,
    pub target: String,
    pub status: Option<u16>,
    /// The routing engine's reason, in the page's language.
    pub sentence: String,
    /// How a call sent to an outside number would leave: trunk and presented number.
    pub outside: Option<OutsideView>,
    /// For a voicemail step: the greeting and the longest message, in the page's language.
    pub mailbox: Option<String>,
}

#[derive(Template)]
#[template(path = "company_user_calls.html")]
struct CallsPage {
    c: Chrome,
    place: Place,
    tabs: Vec<Tab>,
    base: String,
    /// The line shown, and the user's lines to choose from when there are several.
    line: Option<LineView>,
    lines: Vec<Choice>,
    company_lines: Vec<Choice>,
    forward_all: String,
    /// The user's saved forwarding numbers, offered for "Forward all calls".
    saved: Vec<String>,
    permanent_redirect: String,
    reject_anonymous: bool,
    call_waiting: bool,
    na: Vec<Choice>,
    na_seconds: String,
    na_always: bool,
    na_divert: DivertForm,
    busy: Vec<Choice>,
    busy_divert: DivertForm,
    ooh_on: bool,
    days: Vec<DayForm>,
    ooh: Vec<Choice>,
    ooh_divert: DivertForm,
    caller: String,
    anonymous: bool,
    explained: Option<Vec<StepLine>>,
    on_busy: Option<StepLine>,
}

fn choice(value: &str, label: &str, selected: bool) -> Choice {
    Choice {
        value: value.to_owned(),
        label: label.to_owned(),
        selected,
    }
}

fn action_of(d: Option<&DivertDoc>) -> &'static str {
    match d.map(|d| d.action) {
        Some(DivertAction::Voicemail) => "voicemail",
        Some(DivertAction::RedirectToUser) => "redirect_to_user",
        Some(DivertAction::RedirectToNumber) => "redirect_to_number",
        None => "",
    }
}

fn divert_form(prefix: &'static str, d: Option<&DivertDoc>) -> DivertForm {
    DivertForm {
        prefix,
        line: d.and_then(|d| d.line_id.clone()).unwrap_or_default(),
        number: d.and_then(|d| d.number.clone()).unwrap_or_default(),
        announce: d.is_some_and(|d| d.announce),
        present: d.is_some_and(|d| d.present_dialled),
    }
}

/// The radio choices of a section: its own first option, then the three diverts.
fn options(c: &Chrome, first: Option<(&str, &str)>, chosen: &str) -> Vec<Choice> {
    let mut list: Vec<(&str, &str)> = first.into_iter().collect();
    list.extend([
        ("voicemail", "co_voicemail"),
        ("redirect_to_user", "co_redirect_to_user"),
        ("redirect_to_number", "co_redirect_to_number"),
    ]);
    list.into_iter()
        .map(|(v, key)| choice(v, c.t(key), v == chosen))
        .collect()
}

fn step_line(c: &Chrome, s: PlanStepView) -> StepLine {
    // The API's `reason` is the stable code the texts are keyed by; its English sentence is the
    // fallback for a code the portal does not know.
    let sentence = match Reason::from_code(&s.reason) {
        Some(r) => crate::i18n::routing::reason(c.lang, r).to_owned(),
        None => s.sentence,
    };
    StepLine {
        key: match s.action.as_str() {
            "ring" => "co_step_ring",
            "voicemail" => "co_step_voicemail",
            "redirect_to_user" => "co_step_redirect_to_user",
            "redirect_to_number" => "co_step_redirect_to_number",
            "emergency" => "co_step_emergency",
            _ => "co_step_reject",
        },
        seconds: s.seconds,
        target: s.target.unwrap_or_default(),
        status: s.status,
        sentence,
        outside: s.outside,
        mailbox: s.voicemail.map(|m| mailbox_text(c, &m)),
    }
}

/// "their own greeting; messages up to 180 s" or "the standard greeting in French (or
/// English); ...", as the engine would play it.
fn mailbox_text(c: &Chrome, m: &MailboxPlanView) -> String {
    let language = |code: &str| match code {
        "fr" => c.t("co_french"),
        _ => c.t("co_english"),
    };
    let greeting = match (&m.language, &m.second_language) {
        (Some(first), Some(second)) => format!(
            "{} {} ({} {})",
            c.t("co_explain_standard_greeting"),
            language(first),
            c.t("co_explain_or"),
            language(second)
        ),
        (Some(first), None) => format!(
            "{} {}",
            c.t("co_explain_standard_greeting"),
            language(first)
        ),
        _ => c.t("co_explain_own_greeting").to_owned(),
    };
    format!(
        "{greeting}; {} {} s",
        c.t("co_explain_message_max"),
        m.max_seconds
    )
}

/// `GET …/users/{user}/calls`: everything the tab shows comes from one use case.
pub async fn open(
    s: &WebState,
    session: &Session,
    company: &str,
    user: &str,
    q: &TabQuery,
) -> Response {
    match s.app.calls_tab(&session.actor, company, user).await {
        Ok(tab) => {
            let place = place_of(session, tab.company.clone());
            page(s, session, place, &tab, q, None).await
        }
        Err(e) => {
            let here = format!("/admin/companies/{company}/users/{user}/calls");
            error_page(session, &here, &e)
        }
    }
}

/// The tab again, after a form: with the refusal as an alert.
pub async fn show(
    s: &WebState,
    session: &Session,
    place: Place,
    u: UserView,
    q: &TabQuery,
    alert: Option<String>,
) -> Response {
    match s.app.calls_tab(&session.actor, &place.id, &u.id).await {
        Ok(tab) => page(s, session, place, &tab, q, alert).await,
        Err(e) => error_page(
            session,
            &format!("{}/{}/calls", place.users_path(), u.id),
            &e,
        ),
    }
}

#[expect(
    clippy::too_many_lines,
    reason = "the Calls tab's view: every field of the call-handling document becomes a form field, in the document's order"
)]
async fn page(
    s: &WebState,
    session: &Session,
    place: Place,
    tab: &CallsTab,
    q: &TabQuery,
    alert: Option<String>,
) -> Response {
    let a = &session.actor;
    let u = &tab.user;
    let base = format!("{}/{}", place.users_path(), u.id);
    let here = format!("{base}/calls");
    let title = format!(
        "{} · {}",
        u.name,
        crate::i18n::t(session.me.language, "co_tab_calls")
    );
    let mut c = Chrome::signed_in(session, &title, &here);
    c.info = done_text(&c, q.done.as_deref());
    let mut status = if alert.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    c.alert = alert;
    let (line, lines) = pick_line(tab.lines.clone(), u, q.line.as_deref());
    let doc = line.as_ref().and_then(|l| {
        tab.handling
            .iter()
            .find(|(id, _)| *id == l.id)
            .map(|(_, d)| d.clone())
    });
    let caller = q
        .caller
        .clone()
        .unwrap_or_else(|| EXAMPLE_CALLER.to_owned());
    let anonymous = q.anonymous.is_some();
    let (mut explained, mut on_busy) = (None, None);
    if let (Some(l), true) = (&line, q.caller.is_some() || anonymous) {
        let input = ExplainInput {
            caller_number: Some(caller.trim().to_owned()).filter(|n| !n.is_empty()),
            anonymous,
            internal: false,
            at: None,
            registered_devices: 1,
            busy: false,
        };
        match s.app.explain_call(a, &l.id, input).await {
            Ok(v) => {
                explained = Some(v.steps.into_iter().map(|s| step_line(&c, s)).collect());
                on_busy = v.on_busy.map(|s| step_line(&c, s));
            }
            Err(e) => {
                c.alert = Some(refusal(c.lang, &e));
                status = StatusCode::UNPROCESSABLE_ENTITY;
            }
        }
    }
    let company_lines: Vec<Choice> = tab
        .company_lines
        .iter()
        .filter(|l| line.as_ref().is_none_or(|me| me.id != l.id))
        .map(|l| choice(&l.id, &format!("{} · {}", l.extension, l.name), false))
        .collect();
    let d = doc.unwrap_or_else(empty_doc);
    let na_divert = d.no_answer.divert.as_ref();
    let na_chosen = match d.no_answer.action {
        NoAnswerAction::KeepRinging => "keep_ringing",
        NoAnswerAction::Divert => action_of(na_divert),
    };
    let busy_chosen = match d.busy.action {
        BusyAction::Engaged => "engaged",
        BusyAction::Divert => action_of(d.busy.divert.as_ref()),
    };
    let ooh_divert = d.out_of_hours.as_ref().map(|o| &o.divert);
    let days = DAYS
        .iter()
        .enumerate()
        .map(|(i, day)| {
            let dd = d.out_of_hours.as_ref().and_then(|o| o.days.get(i));
            let rule = match dd.map(|x| x.rule) {
                Some(DayRuleKind::UnavailableAllDay) => "unavailable_all_day",
                Some(DayRuleKind::UnavailableBetween) => "unavailable_between",
                _ => "available_all_day",
            };
            DayForm {
                i,
                day,
                rules: [
                    "available_all_day",
                    "unavailable_all_day",
                    "unavailable_between",
                ]
                .iter()
                .map(|r| choice(r, c.t(r), *r == rule))
                .collect(),
                from: dd.and_then(|x| x.from.clone()).unwrap_or_default(),
                to: dd.and_then(|x| x.to.clone()).unwrap_or_default(),
            }
        })
        .collect();
    // A redirect to another user names that user's line by its extension, not its id.
    let named = |st: &mut StepLine| {
        if let Some(l) = company_lines.iter().find(|l| l.value == st.target) {
            st.target = l.label.clone();
        }
    };
    explained.iter_mut().flatten().for_each(named);
    on_busy.iter_mut().for_each(named);
    let page = CallsPage {
        tabs: tabs(&place, &u.id, "calls"),
        base,
        line,
        lines,
        company_lines,
        forward_all: d.forward_all.clone().unwrap_or_default(),
        saved: tab.saved.clone(),
        permanent_redirect: d.permanent_redirect.clone().unwrap_or_default(),
        reject_anonymous: d.reject_anonymous,
        call_waiting: d.call_waiting,
        na: options(&c, Some(("keep_ringing", "co_keep_ringing")), na_chosen),
        na_seconds: d
            .no_answer
            .seconds
            .map(|s| s.to_string())
            .unwrap_or_default(),
        na_always: d.no_answer.always,
        na_divert: divert_form("na", na_divert),
        busy: options(&c, Some(("engaged", "co_engaged")), busy_chosen),
        busy_divert: divert_form("busy", d.busy.divert.as_ref()),
        ooh_on: d.out_of_hours.is_some(),
        days,
        ooh: options(&c, None, action_of(ooh_divert)),
        ooh_divert: divert_form("ooh", ooh_divert),
        caller,
        anonymous,
        explained,
        on_busy,
        c,
        place,
    };
    render(status, &page)
}

/// Settings of a line that has none yet: calls ring until the caller gives up.
fn empty_doc() -> CallHandlingDoc {
    CallHandlingDoc {
        forward_all: None,
        no_answer: NoAnswerDoc {
            action: NoAnswerAction::KeepRinging,
            seconds: None,
            divert: None,
            always: false,
        },
        busy: BusyDoc {
            action: BusyAction::Engaged,
            divert: None,
        },
        out_of_hours: None,
        reject_anonymous: false,
        permanent_redirect: None,
        call_waiting: true,
    }
}

/// A section's divert from the form: `None` for its own first option (keep ringing, engaged).
fn divert_from(f: &Fields, prefix: &str, chosen: &str) -> Option<DivertDoc> {
    let action = match chosen {
        "voicemail" => DivertAction::Voicemail,
        "redirect_to_user" => DivertAction::RedirectToUser,
        "redirect_to_number" => DivertAction::RedirectToNumber,
        _ => return None,
    };
    let field = |name: &str| f.opt(&format!("{prefix}_{name}"));
    Some(DivertDoc {
        action,
        line_id: (action == DivertAction::RedirectToUser)
            .then(|| field("line"))
            .flatten(),
        number: (action == DivertAction::RedirectToNumber)
            .then(|| field("number"))
            .flatten(),
        announce: action == DivertAction::RedirectToNumber && f.on(&format!("{prefix}_announce")),
        present_dialled: action == DivertAction::RedirectToNumber
            && f.on(&format!("{prefix}_present")),
    })
}

/// The document the form describes; the use case checks it.
pub fn doc_from(f: &Fields) -> CallHandlingDoc {
    let na = divert_from(f, "na", f.get("na"));
    let busy = divert_from(f, "busy", f.get("busy"));
    let out_of_hours = f.on("ooh_on").then(|| OutOfHoursDoc {
        days: (0..7)
            .map(|i| {
                let rule = match f.get(&format!("ooh_rule_{i}")) {
                    "unavailable_all_day" => DayRuleKind::UnavailableAllDay,
                    "unavailable_between" => DayRuleKind::UnavailableBetween,
                    _ => DayRuleKind::AvailableAllDay,
                };
                let between = rule == DayRuleKind::UnavailableBetween;
                DayDoc {
                    rule,
                    from: between.then(|| f.opt(&format!("ooh_from_{i}"))).flatten(),
                    to: between.then(|| f.opt(&format!("ooh_to_{i}"))).flatten(),
                }
            })
            .collect(),
        divert: divert_from(f, "ooh", f.get("ooh")).unwrap_or(DivertDoc {
            action: DivertAction::Voicemail,
            line_id: None,
            number: None,
            announce: false,
            present_dialled: false,
        }),
    });
    CallHandlingDoc {
        forward_all: f.opt("forward_all"),
        no_answer: NoAnswerDoc {
            action: if na.is_some() {
                NoAnswerAction::Divert
            } else {
                NoAnswerAction::KeepRinging
            },
            seconds: f.opt("na_seconds").and_then(|s| s.parse().ok()),
            always: na.is_some() && f.on("na_always"),
            divert: na,
        },
        busy: BusyDoc {
            action: if busy.is_some() {
                BusyAction::Divert
            } else {
                BusyAction::Engaged
            },
            divert: busy,
        },
        out_of_hours,
        reject_anonymous: f.on("reject_anonymous"),
        permanent_redirect: f.opt("permanent_redirect"),
        call_waiting: f.on("call_waiting"),
    }
}

/// `POST …/users/{user}/calls`: the whole document at once, on the line the form names.
pub async fn save(
    s: &WebState,
    session: &Session,
    place: Place,
    u: UserView,
    f: &Fields,
) -> Response {
    let a = &session.actor;
    let base = format!("{}/{}", place.users_path(), u.id);
    let line = match named_line(s, session, &u, f.get("line")).await {
        Ok(l) => l,
        Err(e) => return error_page(session, &format!("{base}/calls"), &e),
    };
    let q = TabQuery {
        line: Some(line.id.clone()),
        ..TabQuery::default()
    };
    match s.app.put_call_handling(a, &line.id, doc_from(f)).await {
        Ok(_) => {
            Redirect::to(&format!("{base}/calls?line={}&done=co_saved", line.id)).into_response()
        }
        Err(e) => {
            let alert = refusal(session.me.language, &e);
            show(s, session, place, u, &q, Some(alert)).await
        }
    }
}
