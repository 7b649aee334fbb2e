//! Conferences: a user schedules a voice meeting with a title, a start, a duration
//! and participants (users of the company and outside addresses); each participant is mailed an
//! invitation with an iCalendar attachment holding the dial-in and the access code. Callers
//! reach the company's bridge with `*88` from a line, or on the bridge number from outside, key
//! in the code, and talk in the mixer of the media service.

use crate::audit::{self, Record};
use crate::authz::{Actor, Need};
use crate::directory::body_id;
use crate::views::{parse_time, time};
use crate::{App, AppError, AppResult};
use sb_domain::ids::{CompanyId, ConferenceId, UserId};
use sb_domain::model::{AuditKind, Feature, Language, Role};
use sb_domain::values::{E164, Email};
use sb_store::Conn;
use sb_store::accounts::{self, User};
use sb_store::conferences::{self as store, Conference, Participant};
use sb_store::outbox::{self, Attachment, Mail};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::conference_invite::{Invite, sequence_at};
use crate::mail_texts::{self, InviteKind, Texts};

/// The feature code that reaches the company's conference bridge from any of its lines.
pub const BRIDGE_CODE: &str = sb_domain::routing::features::CONFERENCE_BRIDGE;
/// How early before its start a conference opens to callers.
pub const OPENS_BEFORE_MS: i64 = 10 * 60_000;
const MAX_PARTICIPANTS: usize = 50;
const MAX_MINUTES: i64 = 12 * 60;
/// How many colleagues a scheduling form offers.
const MAX_INVITEES: i64 = 500;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConferenceInput {
    pub title: String,
    /// RFC 3339.
    pub starts_at: String,
    /// 5 to 720.
    pub duration_minutes: i64,
    /// Users of the company (`user_id`) and outside people (`email`, with an optional `name`).
    #[serde(default)]
    pub participants: Vec<ParticipantInput>,
    /// Who organises it; an administrator may schedule for a user, an end user only for
    /// themselves. Defaults to the caller.
    #[serde(default)]
    pub organizer_user_id: Option<String>,
}

/// A conference's new time; its participants are mailed the updated invitation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RescheduleInput {
    /// RFC 3339.
    pub starts_at: String,
    /// 5 to 720.
    pub duration_minutes: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipantInput {
    #[serde(default)]
    pub user_id: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ParticipantView {
    pub user_id: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
}

/// How to call in.
#[derive(Debug, Serialize, ToSchema)]
pub struct DialInView {
    /// Dialled from a line of the company.
    pub feature_code: String,
    /// Dialled from outside, when the company has set a bridge number.
    pub number: Option<String>,
    pub access_code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConferenceView {
    pub id: String,
    pub company_id: String,
    pub title: String,
    pub starts_at: String,
    pub ends_at: String,
    pub duration_minutes: i64,
    pub organizer_user_id: String,
    pub organizer_name: String,
    pub participants: Vec<ParticipantView>,
    pub dial_in: DialInView,
}

/// Someone of the company a person may invite to a meeting.
#[derive(Debug, Clone, Serialize)]
pub struct InviteeView {
    pub id: String,
    pub name: String,
}

/// The company number outside callers dial for its conferences (one of its numbers that no
/// line uses), or none.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConferenceBridgeDoc {
    #[serde(default)]
    pub number: Option<String>,
}

/// What an access code keyed in at the bridge opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    /// This conference, now.
    Open { id: ConferenceId, title: String },
    /// A conference with this code exists but opens later.
    NotYet,
    /// No conference of the company has this code (or it is over).
    Unknown,
}

/// Six random digits.
fn access_code() -> String {
    loop {
        let n = u32::from_le_bytes(crate::secrets::random_bytes::<4>());
        // Below the largest multiple of 10^6, so every code is equally likely.
        if n < 4_294_000_000 {
            return format!("{:06}", n % 1_000_000);
        }
    }
}

/// When a conference starting at `starts_at` (RFC 3339) for `minutes` runs, in ms; refused
/// when its length is out of bounds or it would already be over at `now`.
fn meeting_times(starts_at: &str, minutes: i64, now: i64) -> AppResult<(i64, i64)> {
    let starts_at = parse_time("starts_at", starts_at)?.as_millisecond();
    if !(5..=MAX_MINUTES).contains(&minutes) {
        return Err(AppError::invalid(
            "invalid_duration",
            "duration_minutes",
            "A conference lasts 5 to 720 minutes.",
        ));
    }
    let ends_at = starts_at + minutes * 60_000;
    if ends_at <= now {
        return Err(AppError::invalid(
            "in_the_past",
            "starts_at",
            "This conference would already be over.",
        ));
    }
    Ok((starts_at, ends_at))
}

/// Who a conference's mail goes to: its participants with an address, as (name, address).
async fn attendees(c: &mut Conn, id: &ConferenceId) -> AppResult<Vec<(Option<String>, String)>> {
    let mut mailed = Vec::new();
    for p in store::participants(c, id).await? {
        match (p.user_id, p.email) {
            (Some(u), _) => {
                if let Some(u) = accounts::locate_user(c, &u).await?
                    && let Some(e) = u.email
                {
                    mailed.push((Some(u.name), e));
                }
            }
            (None, Some(e)) => mailed.push((p.name, e)),
            (None, None) => {}
        }
    }
    Ok(mailed)
}

impl App {
    /// The conference with its company, if the actor may see it: administrators of the
    /// company, its organiser and its participants.
    async fn conference_for(
        &self,
        c: &mut Conn,
        actor: &Actor,
        id: &str,
        need: Need,
    ) -> AppResult<(sb_store::tenancy::Company, Conference)> {
        let conf = store::get(c, &ConferenceId::from_raw(crate::directory::id_or_404(id)?))
            .await?
            .ok_or(AppError::NotFound)?;
        let co = self
            .company_for(c, actor, conf.company_id.as_str(), Need::See)
            .await?;
        if actor.role == Role::EndUser && conf.organizer_id != actor.user_id {
            let invited = store::participants(c, &conf.id)
                .await?
                .iter()
                .any(|p| p.user_id.as_ref() == Some(&actor.user_id));
            if !invited {
                return Err(AppError::NotFound);
            }
            if need != Need::See {
                return Err(AppError::forbidden(
                    "Only the organiser or an administrator can do this.",
                ));
            }
        }
        Ok((co, conf))
    }

    /// The conference as the API shows it; `bridge` is its company's bridge number (read once
    /// by the caller, the same for every conference of a list).
    async fn conference_view(
        &self,
        c: &mut Conn,
        conf: &Conference,
        bridge: Option<&str>,
    ) -> AppResult<ConferenceView> {
        let organizer = accounts::locate_user(c, &conf.organizer_id).await?;
        let mut participants = Vec::new();
        for p in store::participants(c, &conf.id).await? {
            let (name, email) = match &p.user_id {
                Some(u) => match accounts::locate_user(c, u).await? {
                    Some(u) => (Some(u.name), u.email),
                    None => (p.name, p.email),
                },
                None => (p.name, p.email),
            };
            participants.push(ParticipantView {
                user_id: p.user_id.map(|u| u.to_string()),
                name,
                email,
            });
        }
        Ok(ConferenceView {
            id: conf.id.to_string(),
            company_id: conf.company_id.to_string(),
            title: conf.title.clone(),
            starts_at: time(conf.starts_at),
            ends_at: time(conf.ends_at),
            duration_minutes: (conf.ends_at - conf.starts_at) / 60_000,
            organizer_user_id: conf.organizer_id.to_string(),
            organizer_name: organizer.map(|u| u.name).unwrap_or_default(),
            participants,
            dial_in: DialInView {
                feature_code: BRIDGE_CODE.to_owned(),
                number: bridge.map(str::to_owned),
                access_code: conf.access_code.clone(),
            },
        })
    }

    /// The company's conferences that have not ended, soonest first. End users see the ones
    /// they organise or are invited to; administrators every one, or a user's with `user_id`.
    pub async fn list_conferences(
        &self,
        actor: &Actor,
        company: &str,
        user_id: Option<&str>,
    ) -> AppResult<Vec<ConferenceView>> {
        let mut c = self.store.conn().await?;
        let co = self.company_for(&mut c, actor, company, Need::See).await?;
        let user = match (actor.role, user_id) {
            (Role::EndUser, Some(u)) if u != actor.user_id.as_str() => {
                return Err(AppError::forbidden(
                    "Only an administrator can list another user's conferences.",
                ));
            }
            (Role::EndUser, _) => Some(actor.user_id.clone()),
            (_, Some(u)) => Some(UserId::from_raw(u)),
            (_, None) => None,
        };
        let now = self.now_ms();
        let bridge = store::bridge_number(&mut c, &co.id).await?;
        let mut out = Vec::new();
        for conf in store::upcoming(&mut c, &co.id, user.as_ref(), now).await? {
            out.push(
                self.conference_view(&mut c, &conf, bridge.as_deref())
                    .await?,
            );
        }
        Ok(out)
    }

    /// The company's other enabled users by name, whom the actor may invite: any person of the
    /// company sees them, since an end user schedules with colleagues but may not list users
    /// as an administrator does.
    pub async fn conference_invitees(
        &self,
        actor: &Actor,
        company: &str,
    ) -> AppResult<Vec<InviteeView>> {
        let mut c = self.store.conn().await?;
        let co = self.company_for(&mut c, actor, company, Need::See).await?;
        let page = crate::Page::first(MAX_INVITEES);
        let (users, _) = accounts::list_users(&mut c, &co.id, &page).await?;
        let mut out: Vec<InviteeView> = users
            .into_iter()
            .filter(|u| u.enabled && u.id != actor.user_id)
            .map(|u| InviteeView {
                id: u.id.to_string(),
                name: u.name,
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    pub async fn get_conference(&self, actor: &Actor, id: &str) -> AppResult<ConferenceView> {
        let mut c = self.store.conn().await?;
        let (_, conf) = self.conference_for(&mut c, actor, id, Need::See).await?;
        let bridge = store::bridge_number(&mut c, &conf.company_id).await?;
        self.conference_view(&mut c, &conf, bridge.as_deref()).await
    }

    /// Schedules a conference and mails every participant with an address an invitation (an
    /// iCalendar attachment) through the outbox, in the same transaction.
    #[expect(
        clippy::too_many_lines,
        reason = "authorize, check the meeting, write it, its participants, each invitation and the audit in one transaction"
    )]
    pub async fn create_conference(
        &self,
        actor: &Actor,
        company: &str,
        input: ConferenceInput,
    ) -> AppResult<ConferenceView> {
        let title = input.title.trim();
        if title.is_empty() || title.chars().count() > 200 || title.chars().any(char::is_control) {
            return Err(AppError::invalid(
                "invalid_title",
                "title",
                "A title has 1 to 200 characters and no control characters.",
            ));
        }
        let now = self.now_ms();
        let (starts_at, ends_at) = meeting_times(&input.starts_at, input.duration_minutes, now)?;
        if input.participants.len() > MAX_PARTICIPANTS {
            return Err(AppError::invalid(
                "too_many",
                "participants",
                "A conference has at most 50 invited participants.",
            ));
        }
        let mut tx = self.store.begin().await?;
        let co = self.company_for(&mut tx, actor, company, Need::See).await?;
        let organizer_id = match &input.organizer_user_id {
            Some(u) => UserId::from_raw(body_id("organizer_user_id", u)?),
            None => actor.user_id.clone(),
        };
        if actor.role == Role::EndUser && organizer_id != actor.user_id {
            return Err(AppError::forbidden(
                "Only an administrator can schedule a conference for someone else.",
            ));
        }
        let organizer = self
            .company_user(&mut tx, &co.id, &organizer_id)
            .await?
            .ok_or_else(|| {
                AppError::invalid(
                    "invalid_organizer",
                    "organizer_user_id",
                    "The organiser is a user of this company.",
                )
            })?;
        if !self
            .user_has_feature(&mut tx, &organizer, Feature::Conferencing)
            .await?
        {
            return Err(AppError::forbidden(
                "Conferencing is not part of the organiser's service package.",
            ));
        }
        let mut people = Vec::new();
        // Who is mailed: (name, address), once per address.
        let mut mailed: Vec<(Option<String>, String)> = Vec::new();
        for (i, p) in input.participants.iter().enumerate() {
            let field = format!("participants.{i}");
            let person = match (&p.user_id, &p.email) {
                (Some(u), None) => {
                    let id = UserId::from_raw(body_id(&format!("{field}.user_id"), u)?);
                    let u = self
                        .company_user(&mut tx, &co.id, &id)
                        .await?
                        .ok_or_else(|| {
                            AppError::invalid(
                                "invalid_participant",
                                &format!("{field}.user_id"),
                                "This is not a user of the company.",
                            )
                        })?;
                    if let Some(e) = &u.email {
                        mailed.push((Some(u.name.clone()), e.clone()));
                    }
                    Participant {
                        user_id: Some(u.id),
                        email: None,
                        name: None,
                    }
                }
                (None, Some(e)) => {
                    let email = Email::parse(&format!("{field}.email"), e)?.into_string();
                    let name = match &p.name {
                        Some(n) => Some(
                            sb_domain::values::Name::parse(&format!("{field}.name"), n)?
                                .into_string(),
                        ),
                        None => None,
                    };
                    mailed.push((name.clone(), email.clone()));
                    Participant {
                        user_id: None,
                        email: Some(email),
                        name,
                    }
                }
                _ => {
                    return Err(AppError::invalid(
                        "invalid_participant",
                        &field,
                        "A participant is either a user_id or an email.",
                    ));
                }
            };
            if !people.contains(&person) {
                people.push(person);
            }
        }
        let mut seen: Vec<String> = Vec::new();
        mailed.retain(|(_, e)| {
            let fresh = !seen.iter().any(|s| s.eq_ignore_ascii_case(e));
            seen.push(e.clone());
            fresh
        });
        let mut code = access_code();
        // Codes are unique among the company's conferences that are not over.
        for _ in 0..20 {
            if store::by_code(&mut tx, &co.id, &code, now).await?.is_none() {
                break;
            }
            code = access_code();
        }
        let conf = Conference {
            id: ConferenceId::new(now),
            company_id: co.id.clone(),
            organizer_id: organizer.id.clone(),
            title: title.to_owned(),
            starts_at,
            ends_at,
            access_code: code,
            created_at: now,
        };
        store::insert(&mut tx, &conf, &people).await?;
        let bridge = store::bridge_number(&mut tx, &co.id).await?;
        let dial_in = dial_in_text(co.first_language, bridge.as_deref(), &conf.access_code);
        let invite = Invite {
            conf: &conf,
            organizer: (&organizer.name, organizer.email.as_deref()),
            attendees: &mailed,
            dial_in: &dial_in,
            uid_domain: &co.sip_domain,
            now,
            cancel: false,
            sequence: 0,
        };
        self.mail_invitations(&mut tx, &invite, actor).await?;
        let rec = Record::new(AuditKind::Created, "conference", conf.id.as_str())
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(serde_json::json!({
                "title": conf.title,
                "starts_at": time(conf.starts_at),
                "participants": people.len(),
            }));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        let view = self
            .conference_view(&mut tx, &conf, bridge.as_deref())
            .await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Cancels a conference: it is deleted and its participants are mailed the cancellation.
    pub async fn delete_conference(&self, actor: &Actor, id: &str) -> AppResult<()> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (co, conf) = self
            .conference_for(&mut tx, actor, id, Need::Administer)
            .await?;
        let organizer = accounts::locate_user(&mut tx, &conf.organizer_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let mailed = if conf.ends_at > now {
            attendees(&mut tx, &conf.id).await?
        } else {
            Vec::new()
        };
        let bridge = store::bridge_number(&mut tx, &co.id).await?;
        let dial_in = dial_in_text(co.first_language, bridge.as_deref(), &conf.access_code);
        let invite = Invite {
            conf: &conf,
            organizer: (&organizer.name, organizer.email.as_deref()),
            attendees: &mailed,
            dial_in: &dial_in,
            uid_domain: &co.sip_domain,
            now,
            cancel: true,
            sequence: sequence_at(&conf, now) + 1,
        };
        self.mail_invitations(&mut tx, &invite, actor).await?;
        store::delete(&mut tx, &conf.id).await?;
        let rec = Record::new(AuditKind::Deleted, "conference", conf.id.as_str())
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(serde_json::json!({ "title": conf.title }));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Moves a conference to another time (its organiser or an administrator). Its people are
    /// mailed the updated invitation (the same UID with a higher SEQUENCE, RFC 5546) through
    /// the outbox in the same transaction; the access code stays.
    pub async fn reschedule_conference(
        &self,
        actor: &Actor,
        id: &str,
        starts_at: &str,
        duration_minutes: i64,
    ) -> AppResult<ConferenceView> {
        let now = self.now_ms();
        let (starts_at, ends_at) = meeting_times(starts_at, duration_minutes, now)?;
        let mut tx = self.store.begin().await?;
        let (co, before) = self
            .conference_for(&mut tx, actor, id, Need::Administer)
            .await?;
        if before.ends_at <= now {
            return Err(AppError::conflict(
                "conference_over",
                "This conference is over.",
                None,
            ));
        }
        let organizer = accounts::locate_user(&mut tx, &before.organizer_id)
            .await?
            .ok_or(AppError::NotFound)?;
        store::reschedule(&mut tx, &before.id, starts_at, ends_at).await?;
        let conf = Conference {
            starts_at,
            ends_at,
            ..before.clone()
        };
        let mailed = attendees(&mut tx, &conf.id).await?;
        let bridge = store::bridge_number(&mut tx, &co.id).await?;
        let dial_in = dial_in_text(co.first_language, bridge.as_deref(), &conf.access_code);
        let invite = Invite {
            conf: &conf,
            organizer: (&organizer.name, organizer.email.as_deref()),
            attendees: &mailed,
            dial_in: &dial_in,
            uid_domain: &co.sip_domain,
            now,
            cancel: false,
            sequence: sequence_at(&conf, now),
        };
        self.mail_invitations(&mut tx, &invite, actor).await?;
        let rec = Record::new(AuditKind::Changed, "conference", conf.id.as_str())
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(serde_json::json!({
                "title": conf.title,
                "starts_at": { "from": time(before.starts_at), "to": time(starts_at) },
                "duration_minutes": {
                    "from": (before.ends_at - before.starts_at) / 60_000,
                    "to": duration_minutes,
                },
            }));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        let view = self
            .conference_view(&mut tx, &conf, bridge.as_deref())
            .await?;
        tx.commit().await?;
        Ok(view)
    }

    /// A user of `company`, or none.
    async fn company_user(
        &self,
        c: &mut Conn,
        company: &CompanyId,
        id: &UserId,
    ) -> AppResult<Option<User>> {
        Ok(accounts::locate_user(c, id)
            .await?
            .filter(|u| u.company_id.as_ref() == Some(company)))
    }

    /// Mails the invitation (or its cancellation) to each of its attendees (the conference's
    /// participants, nobody else), with the calendar file attached, through the outbox; the
    /// mails count as the actor's (409 `mail_limit` over the hourly limits, and nothing sent).
    async fn mail_invitations(
        &self,
        c: &mut Conn,
        invite: &Invite<'_>,
        actor: &Actor,
    ) -> AppResult<()> {
        let Invite {
            conf,
            organizer: (organizer, _),
            attendees: to,
            dial_in,
            now,
            cancel,
            sequence,
            ..
        } = *invite;
        if to.is_empty() {
            return Ok(());
        }
        let from = outbox::Sender {
            company: &conf.company_id,
            user: Some(&actor.user_id),
        };
        if !self.mail_allowed(c, from, to.len(), now).await? {
            return Err(crate::voicemail::mail_limit_reached());
        }
        let ics = invite.ical();
        let method = if cancel { "CANCEL" } else { "REQUEST" };
        let attachment = Attachment {
            name: "invite.ics".to_owned(),
            content_type: format!("text/calendar; method={method}; charset=UTF-8"),
            base64: base64_of(ics.as_bytes()),
        };
        let co = mail_texts::company_mail(c, &conf.company_id).await?;
        let (start, end) = (co.time(conf.starts_at), co.time(conf.ends_at));
        let meeting = mail_texts::Meeting {
            kind: if cancel {
                InviteKind::Cancelled
            } else if sequence > 0 {
                InviteKind::Moved
            } else {
                InviteKind::New
            },
            title: &conf.title,
            organizer,
            start: &start,
            end: &end,
            dial_in,
        };
        let Texts { subject, body } = mail_texts::conference(co.lang, &meeting);
        for (_, address) in to {
            let mail = Mail {
                id: sb_domain::ids::new_id_text(now),
                recipient: address.clone(),
                subject: subject.clone(),
                body: body.clone(),
                created_at: now,
                attempts: 0,
                next_attempt_at: now,
                attachment: Some(attachment.clone()),
            };
            outbox::enqueue_from(c, &mail, from).await?;
        }
        Ok(())
    }

    pub async fn conference_bridge(
        &self,
        actor: &Actor,
        company: &str,
    ) -> AppResult<ConferenceBridgeDoc> {
        let mut c = self.store.conn().await?;
        let co = self.company_for(&mut c, actor, company, Need::See).await?;
        Ok(ConferenceBridgeDoc {
            number: store::bridge_number(&mut c, &co.id).await?,
        })
    }

    /// Sets the number outside callers dial for the company's conferences: one of its own
    /// numbers that does not ring a line.
    pub async fn set_conference_bridge(
        &self,
        actor: &Actor,
        company: &str,
        doc: ConferenceBridgeDoc,
    ) -> AppResult<ConferenceBridgeDoc> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let co = self
            .company_for(&mut tx, actor, company, Need::Administer)
            .await?;
        let number = match &doc.number {
            Some(n) => {
                let n = E164::parse("number", n.trim())?;
                let Some(num) =
                    sb_store::lines::number_by_e164(&mut tx, &co.id, n.as_str()).await?
                else {
                    return Err(AppError::invalid(
                        "unknown_number",
                        "number",
                        "The bridge number is one of the company's numbers.",
                    ));
                };
                if num.line_id.is_some() {
                    return Err(AppError::conflict(
                        "number_in_use",
                        "This number rings a line; route it nowhere first.",
                        Some("number"),
                    ));
                }
                Some(num.e164)
            }
            None => None,
        };
        let before = store::bridge_number(&mut tx, &co.id).await?;
        store::set_bridge_number(&mut tx, &co.id, number.as_deref(), now).await?;
        let rec = Record::new(AuditKind::Changed, "conference_bridge", co.id.as_str())
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(serde_json::json!({ "number": { "from": before, "to": number } }));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        Ok(ConferenceBridgeDoc { number })
    }

    /// What `code`, keyed in at `company`'s bridge, opens now. A conference opens ten minutes
    /// before its start and takes callers until its end.
    pub async fn admit_to_conference(
        &self,
        company: &CompanyId,
        code: &str,
    ) -> AppResult<Admission> {
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(Admission::Unknown);
        }
        let now = self.now_ms();
        let mut c = self.store.conn().await?;
        Ok(match store::by_code(&mut c, company, code, now).await? {
            Some(conf) if conf.starts_at - OPENS_BEFORE_MS <= now => Admission::Open {
                id: conf.id,
                title: conf.title,
            },
            Some(_) => Admission::NotYet,
            None => Admission::Unknown,
        })
    }
}

/// How to call in, as the invitation says it.
fn dial_in_text(lang: Language, bridge: Option<&str>, code: &str) -> String {
    mail_texts::dial_in(lang, bridge, BRIDGE_CODE, code)
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_codes_are_six_digits() {
        for _ in 0..100 {
            let c = access_code();
            assert_eq!(c.len(), 6);
            assert!(c.bytes().all(|b| b.is_ascii_digit()));
        }
    }
}
