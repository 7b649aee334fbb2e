//! Call handling per line: the settings document, its validation, and the
//! explanation of what a call would do, from the same `decide` the SIP engine executes.

use crate::audit::{self, Record, diff};
use crate::authz::{Actor, Need};
use crate::directory::id_or_404;
use crate::views::*;
use crate::{App, AppError, AppResult};
use sb_domain::ids::{DepartmentId, LineId};
use sb_domain::model::{AuditKind, Feature};
use sb_domain::routing::{
    self, Barring, Busy, Caller, Context, DayRule, DeptState, Divert, Handling, HhMm, NoAnswer,
    Origin, OutOfHours, Presence, TargetState, WeekSchedule,
};
use sb_domain::values::{E164, Extension};
use sb_store::lines::{self as store, Line};
use sb_store::tenancy::{self, Company};
use sb_store::{Conn, accounts};

const MIN_RING: u32 = 5;
const MAX_RING: u32 = 300;

fn invalid(code: &'static str, field: &str, message: &str) -> AppError {
    AppError::invalid(code, field, message)
}

/// A number a call may be sent to: E.164 or an extension.
fn dial_target(field: &str, s: &str) -> AppResult<String> {
    if E164::parse(field, s).is_ok() || Extension::parse(field, s).is_ok() {
        Ok(s.to_owned())
    } else {
        Err(invalid(
            "invalid_number",
            field,
            "Give an E.164 number like +15551234567 or an extension.",
        ))
    }
}

fn hhmm(field: &str, s: Option<&str>) -> AppResult<HhMm> {
    let bad = || {
        invalid(
            "invalid_time",
            field,
            "Times are HH:MM, from 00:00 to 23:59.",
        )
    };
    let s = s.ok_or_else(bad)?;
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    HhMm::new(h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?).ok_or_else(bad)
}

fn hhmm_text(t: HhMm) -> String {
    format!("{:02}:{:02}", t.0 / 60, t.0 % 60)
}

impl App {
    async fn divert_from(
        &self,
        c: &mut Conn,
        line: &Line,
        field: &str,
        d: &DivertDoc,
    ) -> AppResult<Divert> {
        match d.action {
            DivertAction::Voicemail => Ok(Divert::Voicemail),
            DivertAction::RedirectToNumber => {
                let f = format!("{field}.number");
                let n = d
                    .number
                    .as_deref()
                    .ok_or_else(|| invalid("required", &f, "Give the number to redirect to."))?;
                Ok(Divert::Number {
                    number: dial_target(&f, n)?,
                    announce: d.announce,
                    present_dialled: d.present_dialled,
                })
            }
            DivertAction::RedirectToUser => {
                let f = format!("{field}.line_id");
                let id = d
                    .line_id
                    .as_deref()
                    .ok_or_else(|| invalid("required", &f, "Choose the colleague's line."))?;
                let other = match sb_domain::ids::looks_like_id(id) {
                    true => store::locate_line(c, &LineId::from_raw(id)).await?,
                    false => None,
                };
                match other {
                    Some(o) if o.company_id == line.company_id && o.id != line.id => {
                        Ok(Divert::User {
                            line: o.id.to_string(),
                        })
                    }
                    Some(o) if o.id == line.id => Err(invalid(
                        "redirect_to_self",
                        &f,
                        "A line cannot redirect to itself.",
                    )),
                    _ => Err(invalid(
                        "unknown_reference",
                        &f,
                        "There is no such line in this company.",
                    )),
                }
            }
        }
    }

    /// Checks a document against every rule and turns it into the settings the engine reads.
    #[expect(
        clippy::too_many_lines,
        reason = "one check per field of the call-handling document, each with its own error, in the document's order"
    )]
    async fn handling_from(
        &self,
        c: &mut Conn,
        line: &Line,
        doc: &CallHandlingDoc,
    ) -> AppResult<Handling> {
        let forward_all = doc
            .forward_all
            .as_deref()
            .map(|n| dial_target("forward_all", n))
            .transpose()?;
        let permanent_redirect = doc
            .permanent_redirect
            .as_deref()
            .map(|n| dial_target("permanent_redirect", n))
            .transpose()?;
        let no_answer = match doc.no_answer.action {
            NoAnswerAction::KeepRinging => NoAnswer::KeepRinging,
            NoAnswerAction::Divert => {
                let d = doc.no_answer.divert.as_ref().ok_or_else(|| {
                    invalid(
                        "required",
                        "no_answer.divert",
                        "Say where unanswered calls go.",
                    )
                })?;
                let to = self.divert_from(c, line, "no_answer.divert", d).await?;
                if doc.no_answer.always && !matches!(to, Divert::Number { .. }) {
                    return Err(invalid(
                        "always_needs_number",
                        "no_answer.always",
                        "Only a redirect to a number can skip ringing.",
                    ));
                }
                let seconds = match (doc.no_answer.seconds, doc.no_answer.always) {
                    (Some(s), _) if (MIN_RING..=MAX_RING).contains(&s) => s,
                    (None, true) => MIN_RING,
                    _ => {
                        return Err(invalid(
                            "out_of_range",
                            "no_answer.seconds",
                            "Ring from 5 to 300 seconds before the call moves on.",
                        ));
                    }
                };
                NoAnswer::After {
                    seconds,
                    to,
                    always: doc.no_answer.always,
                }
            }
        };
        let busy = match doc.busy.action {
            BusyAction::Engaged => Busy::Engaged,
            BusyAction::Divert => {
                let d = doc.busy.divert.as_ref().ok_or_else(|| {
                    invalid(
                        "required",
                        "busy.divert",
                        "Say where calls go when the line is busy.",
                    )
                })?;
                Busy::To(self.divert_from(c, line, "busy.divert", d).await?)
            }
        };
        let out_of_hours = match &doc.out_of_hours {
            None => None,
            Some(o) => {
                if o.days.len() != 7 {
                    return Err(invalid(
                        "seven_days",
                        "out_of_hours.days",
                        "Give seven days, Monday first.",
                    ));
                }
                let mut days = [DayRule::AvailableAllDay; 7];
                for (i, d) in o.days.iter().enumerate() {
                    days[i] = match d.rule {
                        DayRuleKind::AvailableAllDay => DayRule::AvailableAllDay,
                        DayRuleKind::UnavailableAllDay => DayRule::UnavailableAllDay,
                        DayRuleKind::UnavailableBetween => {
                            let from =
                                hhmm(&format!("out_of_hours.days.{i}.from"), d.from.as_deref())?;
                            let to = hhmm(&format!("out_of_hours.days.{i}.to"), d.to.as_deref())?;
                            if from == to {
                                return Err(invalid(
                                    "empty_window",
                                    &format!("out_of_hours.days.{i}.to"),
                                    "The window must not start and end at the same time.",
                                ));
                            }
                            DayRule::UnavailableBetween { from, to }
                        }
                    };
                }
                Some(OutOfHours {
                    schedule: WeekSchedule(days),
                    to: self
                        .divert_from(c, line, "out_of_hours.divert", &o.divert)
                        .await?,
                })
            }
        };
        Ok(Handling {
            forward_all,
            no_answer,
            busy,
            out_of_hours,
            reject_anonymous: doc.reject_anonymous,
            permanent_redirect,
            call_waiting: doc.call_waiting,
        })
    }

    pub(crate) async fn handling_of(&self, c: &mut Conn, line: &Line) -> AppResult<Handling> {
        match store::get_handling(c, &line.company_id, &line.id).await? {
            Some(json) => serde_json::from_str(&json)
                .map_err(|e| AppError::Internal(format!("stored call handling: {e}"))),
            None => Ok(Handling::default()),
        }
    }

    /// A line for call handling: its user may read it, and change it when their package has the
    /// user portal; administrators of the company and its providers always may.
    pub(crate) async fn handling_line(
        &self,
        c: &mut Conn,
        actor: &Actor,
        id: &str,
        write: bool,
    ) -> AppResult<(Company, Line)> {
        let l = store::locate_line(c, &LineId::from_raw(id_or_404(id)?))
            .await?
            .ok_or(AppError::NotFound)?;
        if l.user_id.as_ref() == Some(&actor.user_id) {
            let co = self
                .company_for(c, actor, l.company_id.as_str(), Need::See)
                .await?;
            if !write {
                return Ok((co, l));
            }
            let u = accounts::locate_user(c, &actor.user_id)
                .await?
                .ok_or(AppError::Unauthenticated)?;
            if self.user_has_feature(c, &u, Feature::UserPortal).await? {
                return Ok((co, l));
            }
            // Without the portal feature the owner may still change it as an administrator.
            if actor.role == sb_domain::model::Role::EndUser {
                return Err(AppError::forbidden(
                    "Your service package does not let you change call settings; ask your administrator.",
                ));
            }
        }
        let co = self
            .company_for(c, actor, l.company_id.as_str(), Need::Administer)
            .await?;
        Ok((co, l))
    }

    /// Whether the actor may reach something kept for `line` (a message, a recording): its
    /// user or an administrator; anybody else is told it does not exist.
    pub(crate) async fn reach_line_item(
        &self,
        c: &mut Conn,
        actor: &Actor,
        line: &LineId,
        write: bool,
    ) -> AppResult<()> {
        match self.handling_line(c, actor, line.as_str(), write).await {
            Ok(_) => Ok(()),
            Err(AppError::Forbidden(_)) => Err(AppError::NotFound),
            Err(e) => Err(e),
        }
    }

    pub async fn get_call_handling(&self, actor: &Actor, line: &str) -> AppResult<CallHandlingDoc> {
        let mut c = self.store.conn().await?;
        let (_, l) = self.handling_line(&mut c, actor, line, false).await?;
        Ok(doc_of(&self.handling_of(&mut c, &l).await?))
    }

    pub async fn put_call_handling(
        &self,
        actor: &Actor,
        line: &str,
        doc: CallHandlingDoc,
    ) -> AppResult<CallHandlingDoc> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (co, l) = self.handling_line(&mut tx, actor, line, true).await?;
        let before = self.handling_of(&mut tx, &l).await?;
        let after = self.handling_from(&mut tx, &l, &doc).await?;
        let json = serde_json::to_string(&after).map_err(|e| AppError::Internal(e.to_string()))?;
        store::put_handling(&mut tx, &co.id, &l.id, &json, now).await?;
        let as_json = |h: &Handling| serde_json::to_value(doc_of(h)).unwrap_or_default();
        let rec = Record::new(AuditKind::Changed, "call_handling", &l.id)
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(diff(&as_json(&before), &as_json(&after)));
        let rec = match &l.user_id {
            Some(u) => rec.about(u),
            None => rec,
        };
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(doc_of(&after))
    }

    /// What would happen if this caller rang the line at that time, step by step.
    pub async fn explain_call(
        &self,
        actor: &Actor,
        line: &str,
        input: ExplainInput,
    ) -> AppResult<ExplainView> {
        let now = match &input.at {
            Some(t) => parse_time("at", t)?,
            None => self.clock.now(),
        };
        if let Some(n) = &input.caller_number {
            dial_target("caller_number", n)?;
        }
        let mut c = self.store.conn().await?;
        let (co, l) = self.handling_line(&mut c, actor, line, false).await?;
        let handling = self.handling_of(&mut c, &l).await?;
        let user = match &l.user_id {
            Some(u) => accounts::locate_user(&mut c, u).await?,
            None => None,
        };
        let features = match &user {
            Some(u) => self.features_of(&mut c, u).await?,
            None => Vec::new(),
        };
        let presence = match &user {
            Some(u) => presence_of(&mut c, &u.id).await?,
            None => Presence::default(),
        };
        let departments = tenancy::list_departments(&mut c, &co.id).await?;
        // Live call counts come from the SIP engine; an explanation assumes none in progress.
        let depts = crate::departments::chain(
            &departments,
            user.as_ref().and_then(|u| u.department_id.as_ref()),
        );
        let chain_ids: Vec<&DepartmentId> = depts.iter().map(|d| &d.id).collect();
        let chain: Vec<DeptState<'_>> = depts
            .iter()
            .map(|d| DeptState {
                name: &d.name,
                policy: d.call_policy,
                limit: d.call_limit,
                active_calls: 0,
            })
            .collect();
        let zone = jiff::tz::TimeZone::get(&co.time_zone)
            .map_err(|e| AppError::Internal(format!("time zone: {e}")))?;
        let line_id = l.id.to_string();
        let ctx = Context {
            handling: &handling,
            target: TargetState {
                line: &line_id,
                in_service: user.as_ref().is_some_and(|u| u.enabled),
                registered_devices: input.registered_devices,
                busy: input.busy,
                presence,
            },
            target_departments: &chain,
            caller_departments: &[],
            features: &features,
            time_zone: &zone,
            emergency_numbers: &[],
            barring: Barring {
                bars: crate::barring::load(&mut c, &co.id)
                    .await?
                    .along(chain_ids.iter().copied()),
                country: &co.country,
            },
        };
        let caller = Caller {
            number: if input.anonymous {
                None
            } else {
                input.caller_number.as_deref()
            },
            name: None,
            anonymous: input.anonymous,
            origin: if input.internal {
                Origin::Line
            } else {
                Origin::Trunk
            },
        };
        let plan = routing::decide(
            &routing::Call {
                caller,
                dialled: &l.extension,
                hops: &[],
            },
            &ctx,
            now,
        );
        drop(c);
        let mut view = ExplainView {
            steps: plan.steps.iter().map(step_view).collect(),
            on_busy: plan.on_busy.as_ref().map(step_view),
        };
        self.explain_outside(&co.id, &l.id, &input, &plan, &mut view)
            .await?;
        self.explain_mailbox(&l.id, &mut view).await?;
        Ok(view)
    }
}

impl App {
    pub async fn voice_pin(&self, actor: &Actor, line: &str) -> AppResult<VoicePinView> {
        let mut c = self.store.conn().await?;
        let (co, l) = self.handling_line(&mut c, actor, line, false).await?;
        Ok(VoicePinView {
            set: store::pin_hash(&mut c, &co.id, &l.id).await?.is_some(),
            locked: self.pin_locked(&mut c, &l.id).await?,
        })
    }

    /// Sets (or with `None` removes) the line's voice-portal PIN; only its hash is kept.
    pub async fn set_voice_pin(
        &self,
        actor: &Actor,
        line: &str,
        pin: Option<String>,
    ) -> AppResult<()> {
        let hash = match pin {
            Some(p) => {
                sb_domain::values::check_pin("pin", &p)?;
                Some(crate::secrets::hash_password_async(p).await?)
            }
            None => None,
        };
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (co, l) = self.handling_line(&mut tx, actor, line, true).await?;
        match &hash {
            Some(h) => store::set_pin(&mut tx, &co.id, &l.id, h, now).await?,
            None => store::clear_pin(&mut tx, &co.id, &l.id).await?,
        }
        let what = if hash.is_some() { "set" } else { "removed" };
        let rec = Record::new(AuditKind::Changed, "line", &l.id)
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(serde_json::json!({ "voice_pin": what }));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Reset line: a new account name (optionally also the calling name), and the
    /// line's saved settings back to a new line's: default call handling, no PIN.
    pub async fn reset_line(
        &self,
        actor: &Actor,
        line: &str,
        input: ResetLineInput,
    ) -> AppResult<LineView> {
        let name = sb_domain::values::Name::parse("account_name", &input.account_name)?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let l = store::locate_line(&mut tx, &LineId::from_raw(id_or_404(line)?))
            .await?
            .ok_or(AppError::NotFound)?;
        let co = self
            .company_for(&mut tx, actor, l.company_id.as_str(), Need::Administer)
            .await?;
        let before = crate::directory::line_audit(&l);
        let mut l = l;
        l.account_name = name.into_string();
        if input.also_calling_name {
            l.calling_name = Some(l.account_name.clone());
        }
        let handed_over =
            crate::lines::hand_over(&mut tx, &self.cfg.secret_key, &mut l, &co.sip_domain).await?;
        store::update_line(&mut tx, &l).await?;
        store::clear_settings(&mut tx, &co.id, &l.id).await?;
        let audio = sb_store::audio::keys_of_line(&mut tx, &l.id).await?;
        let cleared =
            store::clear_saved(&mut tx, &l.id, l.user_id.as_ref(), input.remove_from_groups)
                .await?;
        let mut summary = diff(&before, &crate::directory::line_audit(&l));
        summary["reset"] = serde_json::json!({
            "settings_cleared": true,
            "remove_from_groups": input.remove_from_groups,
            "voicemails": cleared.voicemails,
            "greeting": cleared.greeting,
            "voicemail_settings": cleared.voicemail_settings,
            "notifications": cleared.notifications,
            "recording_setting": cleared.recording_setting,
            "recordings": cleared.recordings,
            "faxes": cleared.faxes,
            "waiting_messages": cleared.waiting_messages,
            "saved_numbers": cleared.saved_numbers,
            "groups_left": cleared.groups,
        });
        summary["handed_over"] = handed_over;
        let rec = Record::new(AuditKind::Changed, "line", &l.id)
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(summary);
        audit::write(&mut tx, now, actor.into(), rec).await?;
        let numbers = store::numbers_of_line(&mut tx, &co.id, &l.id).await?;
        tx.commit().await?;
        self.drop_audio(audio).await;
        self.credentials_changed(&l.sip_username, &co.sip_domain);
        // Its messages are gone: the phones' message-waiting lamps go out.
        let _ = self.mailboxes.send(l.id.clone());
        Ok(crate::directory::line_view(&l, numbers))
    }

    /// The user whose own call settings (saved numbers, speed dials) `actor` changes: an
    /// administrator of theirs, or the user themselves when their package has the user portal.
    pub(crate) async fn call_settings_user(
        &self,
        c: &mut Conn,
        actor: &Actor,
        user: &str,
    ) -> AppResult<sb_store::accounts::User> {
        let u = self.self_or_admin_user(c, actor, user, true).await?;
        if u.id == actor.user_id
            && actor.role == sb_domain::model::Role::EndUser
            && !self.user_has_feature(c, &u, Feature::UserPortal).await?
        {
            return Err(AppError::forbidden(
                "Your service package does not let you change call settings; ask your administrator.",
            ));
        }
        Ok(u)
    }

    pub(crate) async fn self_or_admin_user(
        &self,
        c: &mut Conn,
        actor: &Actor,
        id: &str,
        write: bool,
    ) -> AppResult<sb_store::accounts::User> {
        let u = self.user_for(c, actor, id, Need::See).await?;
        if write && u.id != actor.user_id {
            self.user_for(c, actor, id, Need::Administer).await?;
        }
        Ok(u)
    }

    pub async fn presence(&self, actor: &Actor, user: &str) -> AppResult<PresenceView> {
        let mut c = self.store.conn().await?;
        let u = self.self_or_admin_user(&mut c, actor, user, false).await?;
        Ok(PresenceView {
            status: presence_of(&mut c, &u.id).await?,
        })
    }

    /// Presence status; do not disturb sends callers to the busy handling.
    pub async fn set_presence(
        &self,
        actor: &Actor,
        user: &str,
        input: PresenceView,
    ) -> AppResult<PresenceView> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let u = self.self_or_admin_user(&mut tx, actor, user, true).await?;
        let before = presence_of(&mut tx, &u.id).await?;
        accounts::set_presence(&mut tx, &u.id, input.status.as_str(), now).await?;
        let rec = Record::new(AuditKind::Changed, "presence", &u.id)
            .tenant(u.reseller_id.as_ref(), u.company_id.as_ref())
            .about(&u.id)
            .summary(serde_json::json!({"before": {"status": before.as_str()}, "after": {"status": input.status.as_str()}}));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(input)
    }
}

const MAX_SAVED_NUMBERS: usize = 20;

impl App {
    /// The profile's working hours (the signed-in line's schedule, else the default line's, else
    /// the first line's) and presence status.
    pub(crate) async fn profile_extras(
        &self,
        c: &mut Conn,
        u: &sb_store::accounts::User,
        lines: &[Line],
        signed_in: Option<&LineId>,
    ) -> AppResult<(Option<Vec<DayDoc>>, Presence)> {
        let presence = presence_of(c, &u.id).await?;
        let by = |id: Option<&LineId>| lines.iter().find(|l| id == Some(&l.id));
        let line = by(signed_in)
            .or_else(|| by(u.default_line_id.as_ref()))
            .or(lines.first());
        let hours = match line {
            Some(l) => doc_of(&self.handling_of(c, l).await?)
                .out_of_hours
                .map(|o| o.days),
            None => None,
        };
        Ok((hours, presence))
    }
}

impl App {
    pub async fn saved_numbers(&self, actor: &Actor, user: &str) -> AppResult<SavedNumbersDoc> {
        let mut c = self.store.conn().await?;
        let u = self.self_or_admin_user(&mut c, actor, user, false).await?;
        Ok(SavedNumbersDoc {
            numbers: accounts::saved_numbers(&mut c, &u.id).await?,
        })
    }

    pub async fn set_saved_numbers(
        &self,
        actor: &Actor,
        user: &str,
        doc: SavedNumbersDoc,
    ) -> AppResult<SavedNumbersDoc> {
        if doc.numbers.len() > MAX_SAVED_NUMBERS {
            return Err(invalid(
                "too_many",
                "numbers",
                "Keep at most 20 saved numbers.",
            ));
        }
        let mut numbers: Vec<String> = Vec::with_capacity(doc.numbers.len());
        for (i, n) in doc.numbers.iter().enumerate() {
            let n = dial_target(&format!("numbers.{i}"), n.trim())?;
            if !numbers.contains(&n) {
                numbers.push(n);
            }
        }
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let u = self.call_settings_user(&mut tx, actor, user).await?;
        let before = accounts::saved_numbers(&mut tx, &u.id).await?;
        accounts::set_saved_numbers(&mut tx, &u.id, &numbers).await?;
        let rec = Record::new(AuditKind::Changed, "saved_numbers", &u.id)
            .tenant(u.reseller_id.as_ref(), u.company_id.as_ref())
            .about(&u.id)
            .summary(serde_json::json!({"before": before, "after": numbers}));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(SavedNumbersDoc { numbers })
    }
}

pub(crate) async fn presence_of(
    c: &mut Conn,
    user: &sb_domain::ids::UserId,
) -> AppResult<Presence> {
    Ok(accounts::presence(c, user)
        .await?
        .as_deref()
        .and_then(Presence::from_text)
        .unwrap_or_default())
}

fn step_view(s: &routing::Step) -> PlanStepView {
    use routing::Action::*;
    let (action, seconds, target, status) = match &s.action {
        Ring { seconds } => ("ring", *seconds, None, None),
        Voicemail => ("voicemail", None, None, None),
        RedirectToUser { line } => ("redirect_to_user", None, Some(line.clone()), None),
        RedirectToNumber { number, .. } => ("redirect_to_number", None, Some(number.clone()), None),
        Emergency => ("emergency", None, None, None),
        Reject { status } => ("reject", None, None, Some(*status)),
    };
    PlanStepView {
        action: action.into(),
        seconds,
        target,
        status,
        reason: s.reason.code().into(),
        sentence: s.reason.sentence().into(),
        outside: None,
        voicemail: None,
    }
}

fn divert_doc(d: &Divert) -> DivertDoc {
    match d {
        Divert::Voicemail => DivertDoc {
            action: DivertAction::Voicemail,
            line_id: None,
            number: None,
            announce: false,
            present_dialled: false,
        },
        Divert::User { line } => DivertDoc {
            action: DivertAction::RedirectToUser,
            line_id: Some(line.clone()),
            number: None,
            announce: false,
            present_dialled: false,
        },
        Divert::Number {
            number,
            announce,
            present_dialled,
        } => DivertDoc {
            action: DivertAction::RedirectToNumber,
            line_id: None,
            number: Some(number.clone()),
            announce: *announce,
            present_dialled: *present_dialled,
        },
    }
}

/// The document form of stored settings.
pub fn doc_of(h: &Handling) -> CallHandlingDoc {
    let no_answer = match &h.no_answer {
        NoAnswer::KeepRinging => NoAnswerDoc {
            action: NoAnswerAction::KeepRinging,
            seconds: None,
            divert: None,
            always: false,
        },
        NoAnswer::After {
            seconds,
            to,
            always,
        } => NoAnswerDoc {
            action: NoAnswerAction::Divert,
            seconds: Some(*seconds),
            divert: Some(divert_doc(to)),
            always: *always,
        },
    };
    let busy = match &h.busy {
        Busy::Engaged => BusyDoc {
            action: BusyAction::Engaged,
            divert: None,
        },
        Busy::To(d) => BusyDoc {
            action: BusyAction::Divert,
            divert: Some(divert_doc(d)),
        },
    };
    let out_of_hours = h.out_of_hours.as_ref().map(|o| OutOfHoursDoc {
        days: o
            .schedule
            .0
            .iter()
            .map(|d| match d {
                DayRule::AvailableAllDay => DayDoc {
                    rule: DayRuleKind::AvailableAllDay,
                    from: None,
                    to: None,
                },
                DayRule::UnavailableAllDay => DayDoc {
                    rule: DayRuleKind::UnavailableAllDay,
                    from: None,
                    to: None,
                },
                DayRule::UnavailableBetween { from, to } => DayDoc {
                    rule: DayRuleKind::UnavailableBetween,
                    from: Some(hhmm_text(*from)),
                    to: Some(hhmm_text(*to)),
                },
            })
            .collect(),
        divert: divert_doc(&o.to),
    });
    CallHandlingDoc {
        forward_all: h.forward_all.clone(),
        no_answer,
        busy,
        out_of_hours,
        reject_anonymous: h.reject_anonymous,
        permanent_redirect: h.permanent_redirect.clone(),
        call_waiting: h.call_waiting,
    }
}
