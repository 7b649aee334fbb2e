//! Call queues: administrators set a queue's extension, strategy, timing,
//! agents and overflow; agents log in and out; callers who dial the extension wait with music
//! on hold while the SIP engine rings the agents as the strategy says; live and historical
//! figures come from the engine's waiting board and each caller's recorded passage.

use crate::audit::{self, Record};
use crate::authz::{Actor, Need, Tenant};
use crate::directory::body_id;
use crate::sip_line::SipLine;
use crate::{App, AppError, AppResult};
use sb_domain::ids::{CompanyId, LineId, QueueId};
use sb_domain::model::{AuditKind, Feature, QueueOverflow, QueueStrategy};
use sb_domain::routing::mailbox::MailboxPlan;
use sb_domain::values::{Extension, Name};
use sb_store::Conn;
use sb_store::queues::{self as store, Agent, Queue};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

const MAX_AGENTS: usize = 100;

/// How an agent takes calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgentKind {
    /// The agent's phones ring.
    #[default]
    Normal,
    /// The agent dials the queue's call-in extension and stays on the line between calls.
    CallIn,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentInput {
    pub line_id: String,
    #[serde(default)]
    pub kind: AgentKind,
}

/// What call-in agents hear between calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallInHold {
    #[default]
    Music,
    Silence,
}

impl AgentKind {
    fn as_str(self) -> &'static str {
        match self {
            AgentKind::Normal => "normal",
            AgentKind::CallIn => "call_in",
        }
    }

    pub(crate) fn of(stored: &str) -> Self {
        if stored == "call_in" {
            AgentKind::CallIn
        } else {
            AgentKind::Normal
        }
    }
}

/// What call-in agents hear between calls, from its stored text.
pub(crate) fn hold_of(stored: &str) -> CallInHold {
    if stored == "silence" {
        CallInHold::Silence
    } else {
        CallInHold::Music
    }
}

/// Where a caller goes after the maximum wait.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OverflowDoc {
    pub action: QueueOverflow,
    /// The line whose mailbox (voicemail) or phones (redirect) take the caller.
    #[serde(default)]
    pub line_id: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QueueInput {
    pub name: String,
    /// What callers dial; not a line's extension.
    pub extension: String,
    pub strategy: QueueStrategy,
    /// How long one agent rings before the next (top-down, round-robin); 5 to 120, default 15.
    #[serde(default)]
    pub ring_seconds: Option<i64>,
    /// Delay before the next agent is added (ring-progressively); 1 to 120, default 10.
    #[serde(default)]
    pub progressive_delay_seconds: Option<i64>,
    /// Longest wait before the overflow; 10 to 3600, default 300.
    #[serde(default)]
    pub max_wait_seconds: Option<i64>,
    #[serde(default)]
    pub overflow: Option<OverflowDoc>,
    /// Agents in order (the order top-down, round-robin and ring-progressively follow).
    #[serde(default)]
    pub agents: Vec<AgentInput>,
    /// What call-in agents dial to take the queue's calls (needed when there are any).
    #[serde(default)]
    pub call_in_extension: Option<String>,
    /// What call-in agents hear between calls (default music).
    #[serde(default)]
    pub call_in_hold: CallInHold,
    /// Whether call-in agents hear a beep when a caller is put through (default yes).
    #[serde(default = "yes")]
    pub call_in_beep: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgentView {
    pub line_id: String,
    pub extension: String,
    pub name: Option<String>,
    pub kind: AgentKind,
    pub logged_in: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QueueView {
    pub id: String,
    pub company_id: String,
    pub name: String,
    pub extension: String,
    pub strategy: QueueStrategy,
    pub ring_seconds: i64,
    pub progressive_delay_seconds: i64,
    pub max_wait_seconds: i64,
    pub overflow: OverflowDoc,
    pub agents: Vec<AgentView>,
    /// Whether callers hear uploaded music rather than the built-in tune.
    pub own_music: bool,
    pub call_in_extension: Option<String>,
    pub call_in_hold: CallInHold,
    pub call_in_beep: bool,
}

/// An agent logging in or out of a queue (the user's home page).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentStatusInput {
    pub line_id: String,
    pub logged_in: bool,
}

/// One of the signed-in user's lines in a queue (the ACD status on the home page).
#[derive(Debug, Serialize, ToSchema)]
pub struct MyQueueView {
    pub queue_id: String,
    pub queue_name: String,
    pub extension: String,
    pub line_id: String,
    pub line_extension: String,
    pub kind: AgentKind,
    pub logged_in: bool,
    /// What a call-in agent dials to take calls.
    pub call_in_extension: Option<String>,
}

/// A queue's figures: live, and over a period (`from`, `to`).
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueFiguresView {
    /// Callers waiting now.
    pub waiting: i64,
    /// How long the longest-waiting caller has waited, now.
    pub longest_waiting_secs: i64,
    pub agents_logged_in: i64,
    pub from: String,
    pub to: String,
    /// Callers who entered the queue in the period.
    pub offered: i64,
    pub answered: i64,
    /// Hung up while waiting.
    pub abandoned: i64,
    /// Sent to the overflow after the maximum wait.
    pub overflowed: i64,
    pub average_wait_secs: f64,
    pub longest_wait_secs: i64,
}

/// What the SIP engine needs to run a queue call: the settings and the agents logged in, in
/// order.
#[derive(Debug, Clone)]
pub struct QueueSetup {
    pub id: QueueId,
    pub company_id: CompanyId,
    pub strategy: QueueStrategy,
    pub ring_secs: u64,
    pub delay_secs: u64,
    pub max_wait_secs: u64,
    pub overflow: QueueOverflow,
    pub overflow_line: Option<Box<SipLine>>,
    /// The overflow line's mailbox, for a queue that overflows to voicemail.
    pub overflow_mailbox: Option<MailboxPlan>,
    pub agents: Vec<SipLine>,
    /// How each agent takes calls (call-in agents are put through if they are dialled in).
    pub agent_kinds: Vec<AgentKind>,
    /// Uploaded music on hold (8 kHz samples), else the built-in tune.
    pub music: Option<Vec<i16>>,
}

/// A call-in agent dialled the queue's call-in extension.
#[derive(Debug, Clone)]
pub struct CallInSetup {
    pub queue_id: QueueId,
    /// Music between calls (the queue's own, else the built-in tune), or silence.
    pub hold: CallInHold,
    pub music: Option<Vec<i16>>,
    pub beep: bool,
}

/// How a caller's passage through a queue ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passage {
    Answered,
    Abandoned,
    Overflowed,
}

fn bounded(field: &str, v: Option<i64>, default: i64, min: i64, max: i64) -> AppResult<i64> {
    let v = v.unwrap_or(default);
    if (min..=max).contains(&v) {
        Ok(v)
    } else {
        Err(AppError::invalid(
            "out_of_range",
            field,
            format!("{field} is from {min} to {max}."),
        ))
    }
}

impl App {
    pub(crate) async fn queue_for(
        &self,
        c: &mut Conn,
        actor: &Actor,
        id: &str,
        need: Need,
    ) -> AppResult<(sb_store::tenancy::Company, Queue)> {
        let q = store::get(c, &QueueId::from_raw(crate::directory::id_or_404(id)?))
            .await?
            .ok_or(AppError::NotFound)?;
        let co = self
            .company_for(c, actor, q.company_id.as_str(), need)
            .await?;
        Ok((co, q))
    }

    pub(crate) async fn queue_view(&self, c: &mut Conn, q: &Queue) -> AppResult<QueueView> {
        let mut agents = Vec::new();
        for a in store::agents(c, &q.id).await? {
            let Some(l) = sb_store::lines::locate_line(c, &a.line_id).await? else {
                continue;
            };
            agents.push(AgentView {
                line_id: l.id.to_string(),
                extension: l.extension,
                name: l.calling_name,
                kind: AgentKind::of(&a.kind),
                logged_in: a.logged_in,
            });
        }
        Ok(QueueView {
            id: q.id.to_string(),
            company_id: q.company_id.to_string(),
            name: q.name.clone(),
            extension: q.extension.clone(),
            strategy: QueueStrategy::from_text(&q.strategy).unwrap_or(QueueStrategy::RingAll),
            ring_seconds: q.ring_secs,
            progressive_delay_seconds: q.delay_secs,
            max_wait_seconds: q.max_wait_secs,
            overflow: OverflowDoc {
                action: QueueOverflow::from_text(&q.overflow).unwrap_or(QueueOverflow::HangUp),
                line_id: q.overflow_line_id.as_ref().map(ToString::to_string),
            },
            agents,
            own_music: store::music(c, &q.id).await?.is_some(),
            call_in_extension: q.call_in_extension.clone(),
            call_in_hold: hold_of(&q.call_in_hold),
            call_in_beep: q.call_in_beep,
        })
    }

    /// Checks a queue's settings against the company: the queue as it would be stored, and
    /// its agents (all logged out, or as they were for agents it already had).
    #[expect(
        clippy::too_many_lines,
        reason = "one check per queue setting, each with its own error, in the form's order; to be shortened with the use-case skeleton helper"
    )]
    async fn checked_queue(
        &self,
        c: &mut Conn,
        company: &CompanyId,
        id: QueueId,
        input: &QueueInput,
        before: &[Agent],
        now: i64,
    ) -> AppResult<(Queue, Vec<Agent>)> {
        let name = Name::parse("name", &input.name)?.into_string();
        let extension = Extension::parse("extension", &input.extension)?
            .as_str()
            .to_owned();
        if sb_store::lines::line_by_extension(c, company, &extension)
            .await?
            .is_some()
        {
            return Err(AppError::conflict(
                "extension_taken",
                "A line has this extension.",
                Some("extension"),
            ));
        }
        if let Some(other) = store::by_extension(c, company, &extension).await?
            && other.id != id
        {
            return Err(AppError::conflict(
                "extension_taken",
                "Another queue has this extension.",
                Some("extension"),
            ));
        }
        if let Some(other) = store::by_call_in_extension(c, company, &extension).await?
            && other.id != id
        {
            return Err(AppError::conflict(
                "extension_taken",
                "Another queue's call-in agents dial this extension.",
                Some("extension"),
            ));
        }
        let call_in_extension = match &input.call_in_extension {
            Some(e) => {
                let e = Extension::parse("call_in_extension", e)?
                    .as_str()
                    .to_owned();
                let taken = e == extension
                    || sb_store::lines::line_by_extension(c, company, &e)
                        .await?
                        .is_some()
                    || store::by_extension(c, company, &e).await?.is_some()
                    || store::by_call_in_extension(c, company, &e)
                        .await?
                        .is_some_and(|q| q.id != id);
                if taken {
                    return Err(AppError::conflict(
                        "extension_taken",
                        "A line or a queue already answers to this extension.",
                        Some("call_in_extension"),
                    ));
                }
                Some(e)
            }
            None => None,
        };
        let ring_secs = bounded("ring_seconds", input.ring_seconds, 15, 5, 120)?;
        let delay_secs = bounded(
            "progressive_delay_seconds",
            input.progressive_delay_seconds,
            10,
            1,
            120,
        )?;
        let max_wait_secs = bounded("max_wait_seconds", input.max_wait_seconds, 300, 10, 3600)?;
        if input.agents.len() > MAX_AGENTS {
            return Err(AppError::invalid(
                "too_many",
                "agents",
                "A queue has at most 100 agents.",
            ));
        }
        let mut agents: Vec<Agent> = Vec::new();
        for (i, a) in input.agents.iter().enumerate() {
            let field = format!("agents.{i}");
            if a.kind == AgentKind::CallIn && input.strategy == QueueStrategy::RingAll {
                return Err(AppError::invalid(
                    "call_in_with_ring_all",
                    &format!("{field}.kind"),
                    "Call-in agents cannot take calls from a ring-all queue; choose another strategy.",
                ));
            }
            if a.kind == AgentKind::CallIn && call_in_extension.is_none() {
                return Err(AppError::invalid(
                    "required",
                    "call_in_extension",
                    "A queue with call-in agents needs the extension they dial.",
                ));
            }
            let line = LineId::from_raw(body_id(&format!("{field}.line_id"), &a.line_id)?);
            let Some(l) = sb_store::lines::locate_line(c, &line)
                .await?
                .filter(|l| &l.company_id == company)
            else {
                return Err(AppError::invalid(
                    "unknown_line",
                    &format!("{field}.line_id"),
                    "This is not a line of the company.",
                ));
            };
            if !self.line_has_feature(c, &l, Feature::Queues).await? {
                return Err(AppError::invalid(
                    "no_queues_in_package",
                    &format!("{field}.line_id"),
                    "Call distribution (queues) is not part of this line's user's service package.",
                ));
            }
            if agents.iter().any(|x| x.line_id == l.id) {
                return Err(AppError::invalid(
                    "duplicate",
                    &format!("{field}.line_id"),
                    "This line is already an agent of the queue.",
                ));
            }
            let logged_in = before
                .iter()
                .find(|b| b.line_id == l.id)
                .is_some_and(|b| b.logged_in);
            agents.push(Agent {
                line_id: l.id,
                kind: a.kind.as_str().to_owned(),
                logged_in,
            });
        }
        let overflow = input
            .overflow
            .as_ref()
            .map_or(QueueOverflow::HangUp, |o| o.action);
        let overflow_line_id = match (
            overflow,
            input.overflow.as_ref().and_then(|o| o.line_id.as_ref()),
        ) {
            (QueueOverflow::HangUp, _) => None,
            (_, None) => {
                return Err(AppError::invalid(
                    "required",
                    "overflow.line_id",
                    "Voicemail and redirect overflows name a line.",
                ));
            }
            (_, Some(l)) => {
                let id = LineId::from_raw(body_id("overflow.line_id", l)?);
                let Some(l) = sb_store::lines::locate_line(c, &id)
                    .await?
                    .filter(|l| &l.company_id == company)
                else {
                    return Err(AppError::invalid(
                        "unknown_line",
                        "overflow.line_id",
                        "This is not a line of the company.",
                    ));
                };
                Some(l.id)
            }
        };
        Ok((
            Queue {
                id,
                company_id: company.clone(),
                name,
                extension,
                strategy: input.strategy.as_str().to_owned(),
                ring_secs,
                delay_secs,
                max_wait_secs,
                overflow: overflow.as_str().to_owned(),
                overflow_line_id,
                call_in_extension,
                call_in_hold: match input.call_in_hold {
                    CallInHold::Music => "music",
                    CallInHold::Silence => "silence",
                }
                .to_owned(),
                call_in_beep: input.call_in_beep,
                created_at: now,
            },
            agents,
        ))
    }

    pub async fn list_queues(&self, actor: &Actor, company: &str) -> AppResult<Vec<QueueView>> {
        let mut c = self.store.conn().await?;
        let co = self.company_for(&mut c, actor, company, Need::See).await?;
        let mut out = Vec::new();
        for q in store::list(&mut c, &co.id).await? {
            out.push(self.queue_view(&mut c, &q).await?);
        }
        Ok(out)
    }

    pub async fn create_queue(
        &self,
        actor: &Actor,
        company: &str,
        input: QueueInput,
    ) -> AppResult<QueueView> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let co = self
            .company_for(&mut tx, actor, company, Need::Administer)
            .await?;
        let (q, agents) = self
            .checked_queue(&mut tx, &co.id, QueueId::new(now), &input, &[], now)
            .await?;
        store::insert(&mut tx, &q).await?;
        store::set_agents(&mut tx, &q.id, &agents).await?;
        let rec = Record::new(AuditKind::Created, "queue", q.id.as_str())
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(serde_json::json!({"name": q.name, "extension": q.extension, "strategy": q.strategy}));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        let view = self.queue_view(&mut tx, &q).await?;
        tx.commit().await?;
        Ok(view)
    }

    pub async fn get_queue(&self, actor: &Actor, id: &str) -> AppResult<QueueView> {
        let mut c = self.store.conn().await?;
        let (_, q) = self.queue_for(&mut c, actor, id, Need::See).await?;
        self.queue_view(&mut c, &q).await
    }

    /// Replaces a queue's settings and agents (agents it keeps stay logged in or out).
    pub async fn update_queue(
        &self,
        actor: &Actor,
        id: &str,
        input: QueueInput,
    ) -> AppResult<QueueView> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (co, before) = self.queue_for(&mut tx, actor, id, Need::Administer).await?;
        let old_agents = store::agents(&mut tx, &before.id).await?;
        let (mut q, agents) = self
            .checked_queue(&mut tx, &co.id, before.id.clone(), &input, &old_agents, now)
            .await?;
        q.created_at = before.created_at;
        store::update(&mut tx, &q).await?;
        store::set_agents(&mut tx, &q.id, &agents).await?;
        let rec = Record::new(AuditKind::Changed, "queue", q.id.as_str())
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(serde_json::json!({"name": q.name, "extension": q.extension, "strategy": q.strategy, "agents": agents.len()}));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        let view = self.queue_view(&mut tx, &q).await?;
        tx.commit().await?;
        Ok(view)
    }

    pub async fn delete_queue(&self, actor: &Actor, id: &str) -> AppResult<()> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (co, q) = self.queue_for(&mut tx, actor, id, Need::Administer).await?;
        let music = sb_store::audio::key_of_queue(&mut tx, &q.id).await?;
        store::delete(&mut tx, &q.id).await?;
        let rec = Record::new(AuditKind::Deleted, "queue", q.id.as_str())
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(serde_json::json!({"name": q.name}));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        tx.commit().await?;
        self.drop_audio(music.into_iter().collect()).await;
        Ok(())
    }

    /// Logs an agent in or out: the line's user, or an administrator.
    pub async fn set_agent_status(
        &self,
        actor: &Actor,
        id: &str,
        input: AgentStatusInput,
    ) -> AppResult<QueueView> {
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let (co, q) = self.queue_for(&mut tx, actor, id, Need::See).await?;
        let line_id = body_id("line_id", &input.line_id)?.to_owned();
        let (_, line) = match self.handling_line(&mut tx, actor, &line_id, false).await {
            Ok(x) => x,
            Err(AppError::NotFound | AppError::Forbidden(_)) => {
                return Err(AppError::invalid(
                    "unknown_agent",
                    "line_id",
                    "This is not one of your lines in the queue.",
                ));
            }
            Err(e) => return Err(e),
        };
        if input.logged_in
            && !self
                .line_has_feature(&mut tx, &line, Feature::Queues)
                .await?
        {
            return Err(AppError::invalid(
                "no_queues_in_package",
                "line_id",
                "Call distribution (queues) is not part of your service package.",
            ));
        }
        if !store::set_logged_in(&mut tx, &q.id, &line.id, input.logged_in).await? {
            return Err(AppError::invalid(
                "unknown_agent",
                "line_id",
                "This is not one of your lines in the queue.",
            ));
        }
        let rec = Record::new(AuditKind::Changed, "queue_agent", line.id.as_str())
            .tenant(Some(&co.reseller_id), Some(&co.id))
            .summary(serde_json::json!({"queue": q.name, "logged_in": input.logged_in}));
        audit::write(&mut tx, now, actor.into(), rec).await?;
        let view = self.queue_view(&mut tx, &q).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// The queues the signed-in user's lines are agents of, with each line's status.
    pub async fn my_queues(&self, actor: &Actor) -> AppResult<Vec<MyQueueView>> {
        let Some(company) = &actor.company_id else {
            return Ok(Vec::new());
        };
        let mut c = self.store.conn().await?;
        let lines = sb_store::lines::lines_of_user(&mut c, company, &actor.user_id).await?;
        let mut out = Vec::new();
        // Without queues in the package, a person takes no queue's calls: nothing to log in to.
        let Some(first) = lines.first() else {
            return Ok(out);
        };
        if !self
            .line_has_feature(&mut c, first, Feature::Queues)
            .await?
        {
            return Ok(out);
        }
        for l in lines {
            for (q, a) in store::memberships(&mut c, &l.id).await? {
                out.push(MyQueueView {
                    queue_id: q.id.to_string(),
                    queue_name: q.name,
                    extension: q.extension,
                    line_id: l.id.to_string(),
                    line_extension: l.extension.clone(),
                    kind: AgentKind::of(&a.kind),
                    logged_in: a.logged_in,
                    call_in_extension: q.call_in_extension,
                });
            }
        }
        Ok(out)
    }

    /// The queue's group inbox: the messages of the mailbox its callers overflow to, for its
    /// agents and the company's administrators (empty when it does not overflow to voicemail).
    pub async fn queue_inbox(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<Vec<crate::voicemail::VoicemailView>> {
        let mut c = self.store.conn().await?;
        let (co, q) = self.queue_for(&mut c, actor, id, Need::See).await?;
        let admin = crate::authz::check(
            actor,
            &Tenant::company(&co.reseller_id, &co.id),
            Need::Administer,
        )
        .is_ok();
        if !admin {
            let lines = sb_store::lines::lines_of_user(&mut c, &co.id, &actor.user_id).await?;
            let agents = store::agents(&mut c, &q.id).await?;
            if !agents
                .iter()
                .any(|a| lines.iter().any(|l| l.id == a.line_id))
            {
                return Err(AppError::forbidden(
                    "Only the queue's agents and administrators read its inbox.",
                ));
            }
        }
        let Some(mailbox) = q
            .overflow_line_id
            .filter(|_| q.overflow == QueueOverflow::Voicemail.as_str())
        else {
            return Ok(Vec::new());
        };
        Ok(sb_store::voicemail::list(&mut c, &mailbox)
            .await?
            .into_iter()
            .map(crate::voicemail::view)
            .collect())
    }
}
