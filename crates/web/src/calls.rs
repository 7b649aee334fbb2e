//! A user's Calls tab: the whole call-handling document of one of the user's lines,
//! "Forward all calls", "When not answered", "When busy", "Out of hours" per weekday, "Reject
//! anonymous calls" and the permanent redirect, through the use cases of
//! `GET/PUT /api/v1/lines/{id}/call-handling`; and the explain panel ("if +1 555 0100 called
//! now: …") from the one of `POST /api/v1/lines/{id}/explain`, with the trunk and presented
//! number of each step that sends the call to an outside number.

use crate::WebState;
use crate::layout::{Chrome, FieldProblem, render};
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
    /// The refusal of the colleague's line and of the number, when one names them.
    pub line_error: Option<String>,
    pub number_error: Option<String>,
}

pub struct DayForm {
    pub i: usize,
    pub day: &'static str,
    pub rules: Vec<Choice>,
    pub from: String,
    pub to: String,
    pub from_error: Option<String>,
    pub to_error: Option<String>,
}

/// The call-handling form of one line (`call_handling_fields.html`), shared by the
/// administrators' Calls tab and the person's own Services page.
pub struct HandlingForm {
    /// The company's other lines, for a redirect to a colleague.
    pub company_lines: Vec<Choice>,
    pub forward_all: String,
    /// The user's saved forwarding numbers, offered for "Forward all calls".
    pub saved: Vec<String>,
    pub permanent_redirect: String,
    pub reject_anonymous: bool,
    pub call_waiting: bool,
    pub na: Vec<Choice>,
    pub na_seconds: String,
    pub na_always: bool,
    pub na_divert: DivertForm,
    pub busy: Vec<Choice>,
    pub busy_divert: DivertForm,
    pub ooh_on: bool,
    pub days: Vec<DayForm>,
    pub ooh: Vec<Choice>,
    pub ooh_divert: DivertForm,
    /// The refusal of the last save, by the id of the field it names.
    pub problem: Option<FieldProblem>,
}

impl HandlingForm {
    pub fn error_of(&self, id: &str) -> Option<&str> {
        FieldProblem::of(self.problem.as_ref(), id)
    }
}

/// The explain panel (`explain_panel.html`): the caller typed and, once asked, the plan.
pub struct ExplainPanel {
    /// Where its form asks again (the page's own path and `#explain`).
    pub action: String,
    pub line: String,
    pub caller: String,
    pub anonymous: bool,
    pub explained: Option<Vec<StepLine>>,
    pub on_busy: Option<StepLine>,
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
    /// Where the choice of line goes.
    line_action: String,
    /// The line shown, and the user's lines to choose from when there are several.
    line: Option<LineView>,
    lines: Vec<Choice>,
    h: HandlingForm,
    x: ExplainPanel,
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

fn divert_form(
    prefix: &'static str,
    d: Option<&DivertDoc>,
    problem: Option<&FieldProblem>,
) -> DivertForm {
    let error =
        |what: &str| FieldProblem::of(problem, &format!("{prefix}-{what}")).map(str::to_owned);
    DivertForm {
        prefix,
        line: d.and_then(|d| d.line_id.clone()).unwrap_or_default(),
        number: d.and_then(|d| d.number.clone()).unwrap_or_default(),
        announce: d.is_some_and(|d| d.announce),
        present: d.is_some_and(|d| d.present_dialled),
        line_error: error("line"),
        number_error: error("number"),
    }
}

/// The id of the form field a refusal of the call-handling document names
/// (`no_answer.divert.number` is `na-number`, `out_of_hours.days.2.from` is `ooh-from-2`).
pub fn field_id(api_field: &str) -> String {
    let (head, rest) = api_field.split_once('.').unwrap_or((api_field, ""));
    let prefix = match head {
        "no_answer" => "na",
        "busy" => "busy",
        "out_of_hours" => "ooh",
        other => return other.replace('_', "-"),
    };
    match rest.split('.').collect::<Vec<_>>().as_slice() {
        ["divert", "number"] => format!("{prefix}-number"),
        ["divert", "line_id"] => format!("{prefix}-line"),
        ["days", day, end] => format!("{prefix}-{end}-{day}"),
        [""] | ["divert"] | ["days"] => prefix.to_owned(),
        [field] => format!("{prefix}-{field}"),
        _ => prefix.to_owned(),
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
            page(s, session, place, &tab, q, None, None).await
        }
        Err(e) => {
            let here = format!("/admin/companies/{company}/users/{user}/calls");
            error_page(session, &here, &e)
        }
    }
}

/// A refused document as typed, with the refusal by the field it names.
type Typed = (CallHandlingDoc, Option<FieldProblem>);

/// The tab again, after a form: with the refusal as an alert and next to its field.
async fn show(
    s: &WebState,
    session: &Session,
    place: Place,
    u: UserView,
    q: &TabQuery,
    alert: String,
    typed: Typed,
) -> Response {
    match s.app.calls_tab(&session.actor, &place.id, &u.id).await {
        Ok(tab) => page(s, session, place, &tab, q, Some(alert), Some(typed)).await,
        Err(e) => error_page(
            session,
            &format!("{}/{}/calls", place.users_path(), u.id),
            &e,
        ),
    }
}

async fn page(
    s: &WebState,
    session: &Session,
    place: Place,
    tab: &CallsTab,
    q: &TabQuery,
    alert: Option<String>,
    typed: Option<Typed>,
) -> Response {
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
    let (doc, problem) = typed.unwrap_or_else(|| (stored_doc(tab, line.as_ref()), None));
    let h = handling_form(&c, tab, line.as_ref(), &doc, problem);
    let asked = Asked {
        caller: q.caller.as_deref(),
        anonymous: q.anonymous.is_some(),
        action: format!("{here}#explain"),
    };
    let (x, refused) = explain_panel(s, session, &c, line.as_ref(), asked, &h.company_lines).await;
    if let Some(e) = refused {
        c.alert = Some(refusal(c.lang, &e));
        status = StatusCode::UNPROCESSABLE_ENTITY;
    }
    let page = CallsPage {
        tabs: tabs(&place, &u.id, "calls"),
        line_action: here,
        base,
        line,
        lines,
        h,
        x,
        c,
        place,
    };
    render(status, &page)
}

/// The document `tab` holds for `line`, or a new line's.
pub fn stored_doc(tab: &CallsTab, line: Option<&LineView>) -> CallHandlingDoc {
    line.and_then(|l| tab.handling.iter().find(|(id, _)| *id == l.id))
        .map_or_else(empty_doc, |(_, d)| d.clone())
}

/// The form showing `d` (stored, or as typed when refused) for `line`, one of `tab`'s.
pub fn handling_form(
    c: &Chrome,
    tab: &CallsTab,
    line: Option<&LineView>,
    d: &CallHandlingDoc,
    problem: Option<FieldProblem>,
) -> HandlingForm {
    let p = problem.as_ref();
    let company_lines: Vec<Choice> = tab
        .company_lines
        .iter()
        .filter(|l| line.is_none_or(|me| me.id != l.id))
        .map(|l| choice(&l.id, &format!("{} · {}", l.extension, l.name), false))
        .collect();
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
    HandlingForm {
        company_lines,
        forward_all: d.forward_all.clone().unwrap_or_default(),
        saved: tab.saved.clone(),
        permanent_redirect: d.permanent_redirect.clone().unwrap_or_default(),
        reject_anonymous: d.reject_anonymous,
        call_waiting: d.call_waiting,
        na: options(c, Some(("keep_ringing", "co_keep_ringing")), na_chosen),
        na_seconds: d
            .no_answer
            .seconds
            .map(|s| s.to_string())
            .unwrap_or_default(),
        na_always: d.no_answer.always,
        na_divert: divert_form("na", na_divert, p),
        busy: options(c, Some(("engaged", "co_engaged")), busy_chosen),
        busy_divert: divert_form("busy", d.busy.divert.as_ref(), p),
        ooh_on: d.out_of_hours.is_some(),
        days: day_forms(c, d, p),
        ooh: options(c, None, action_of(ooh_divert)),
        ooh_divert: divert_form("ooh", ooh_divert, p),
        problem,
    }
}

fn day_forms(c: &Chrome, d: &CallHandlingDoc, p: Option<&FieldProblem>) -> Vec<DayForm> {
    DAYS.iter()
        .enumerate()
        .map(|(i, day)| {
            let dd = d.out_of_hours.as_ref().and_then(|o| o.days.get(i));
            let rule = match dd.map(|x| x.rule) {
                Some(DayRuleKind::UnavailableAllDay) => "unavailable_all_day",
                Some(DayRuleKind::UnavailableBetween) => "unavailable_between",
                _ => "available_all_day",
            };
            let error =
                |end: &str| FieldProblem::of(p, &format!("ooh-{end}-{i}")).map(str::to_owned);
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
                from_error: error("from"),
                to_error: error("to"),
            }
        })
        .collect()
}

/// What the explain panel was asked: a caller (else the example one) or an anonymous call,
/// and where its form asks again.
pub struct Asked<'a> {
    pub caller: Option<&'a str>,
    pub anonymous: bool,
    pub action: String,
}

/// The explain panel of `line`, with the plan once a caller was asked for; the refusal of an
/// explanation (a caller that is no number) beside it.
pub async fn explain_panel(
    s: &WebState,
    session: &Session,
    c: &Chrome,
    line: Option<&LineView>,
    asked: Asked<'_>,
    company_lines: &[Choice],
) -> (ExplainPanel, Option<sb_app::AppError>) {
    let mut x = ExplainPanel {
        action: asked.action,
        line: line.map(|l| l.id.clone()).unwrap_or_default(),
        caller: asked.caller.unwrap_or(EXAMPLE_CALLER).to_owned(),
        anonymous: asked.anonymous,
        explained: None,
        on_busy: None,
    };
    let Some(l) = line.filter(|_| asked.caller.is_some() || asked.anonymous) else {
        return (x, None);
    };
    let input = ExplainInput {
        caller_number: Some(x.caller.trim().to_owned()).filter(|n| !n.is_empty()),
        anonymous: x.anonymous,
        internal: false,
        at: None,
        registered_devices: 1,
        busy: false,
    };
    let v = match s.app.explain_call(&session.actor, &l.id, input).await {
        Ok(v) => v,
        Err(e) => return (x, Some(e)),
    };
    // A redirect to another user names that user's line by its extension, not its id.
    let named = |mut st: StepLine| {
        if let Some(l) = company_lines.iter().find(|l| l.value == st.target) {
            st.target = l.label.clone();
        }
        st
    };
    x.explained = Some(
        v.steps
            .into_iter()
            .map(|s| named(step_line(c, s)))
            .collect(),
    );
    x.on_busy = v.on_busy.map(|s| named(step_line(c, s)));
    (x, None)
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
    let doc = doc_from(f);
    match s.app.put_call_handling(a, &line.id, doc.clone()).await {
        Ok(_) => {
            Redirect::to(&format!("{base}/calls?line={}&done=co_saved", line.id)).into_response()
        }
        Err(e) => {
            let lang = session.me.language;
            let problem = e.field().map(|field| FieldProblem {
                field: field_id(field),
                text: crate::i18n::errors::refusal_text(lang, &e),
            });
            let alert = refusal(lang, &e);
            show(s, session, place, u, &q, alert, (doc, problem)).await
        }
    }
}
