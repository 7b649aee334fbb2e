//! A queue's figures for its administrators, and what the SIP engine asks of a queue call: the
//! queue's setup, a call-in agent's, and how each caller's passage ended.

use crate::authz::{Actor, Need};
use crate::queues::*;
use crate::views::{parse_time, time};
use crate::{App, AppError, AppResult};
use sb_domain::ids::{LineId, QueueCallId, QueueId};
use sb_domain::model::{Feature, QueueOverflow, QueueStrategy};
use sb_store::Conn;
use sb_store::queues::{self as store, QueueCall};

impl App {
    /// Live figures and those of the callers who entered between `from` and `to` (default:
    /// the last 24 hours).
    pub async fn queue_figures(
        &self,
        actor: &Actor,
        id: &str,
        from: Option<&str>,
        to: Option<&str>,
    ) -> AppResult<QueueFiguresView> {
        let now = self.now_ms();
        let to_ms = match to {
            Some(t) => parse_time("to", t)?.as_millisecond(),
            None => now + 1,
        };
        let from_ms = match from {
            Some(f) => parse_time("from", f)?.as_millisecond(),
            None => to_ms - 86_400_000,
        };
        let mut c = self.store.conn().await?;
        let (_, q) = self.queue_for(&mut c, actor, id, Need::See).await?;
        let (waiting, since) = self.waiting.now(&q.id);
        let agents_logged_in = store::agents(&mut c, &q.id)
            .await?
            .iter()
            .filter(|a| a.logged_in)
            .count() as i64;
        let mut f = QueueFiguresView {
            waiting,
            longest_waiting_secs: since.map_or(0, |s| (now - s).max(0) / 1000),
            agents_logged_in,
            from: time(from_ms),
            to: time(to_ms),
            offered: 0,
            answered: 0,
            abandoned: 0,
            overflowed: 0,
            average_wait_secs: 0.0,
            longest_wait_secs: 0,
        };
        let mut total_wait = 0i64;
        for (outcome, n, total, longest) in
            store::call_figures(&mut c, &q.id, from_ms, to_ms).await?
        {
            f.offered += n;
            total_wait += total;
            f.longest_wait_secs = f.longest_wait_secs.max(longest / 1000);
            match outcome.as_str() {
                "answered" => f.answered += n,
                "abandoned" => f.abandoned += n,
                _ => f.overflowed += n,
            }
        }
        if f.offered > 0 {
            f.average_wait_secs = (total_wait as f64 / f.offered as f64 / 100.0).round() / 10.0;
        }
        Ok(f)
    }

    /// The queue a company's extension names, set up for the engine (agents logged in, in
    /// order).
    pub(crate) async fn queue_setup(
        &self,
        c: &mut Conn,
        co: &sb_store::tenancy::Company,
        extension: &str,
    ) -> AppResult<Option<QueueSetup>> {
        let Some(q) = store::by_extension(c, &co.id, extension).await? else {
            return Ok(None);
        };
        let (mut agents, mut agent_kinds) = (Vec::new(), Vec::new());
        for a in store::agents(c, &q.id).await? {
            // A call-in agent is available by dialling in; the others by logging in.
            let call_in = a.kind == "call_in";
            if !a.logged_in && !call_in {
                continue;
            }
            let Some(l) = sb_store::lines::locate_line(c, &a.line_id).await? else {
                continue;
            };
            // An agent whose package lost queues since joining takes no more queue calls; the
            // user read for that answer is the one the line's routing facts are built from.
            let user = match &l.user_id {
                Some(u) => sb_store::accounts::locate_user(c, u).await?,
                None => None,
            };
            let Some(u) = &user else { continue };
            if self.user_has_feature(c, u, Feature::Queues).await? {
                agents.push(self.sip_line_with(c, co, l, user.as_ref()).await?);
                agent_kinds.push(AgentKind::of(&a.kind));
            }
        }
        let overflow_line = match &q.overflow_line_id {
            Some(l) => match sb_store::lines::locate_line(c, l).await? {
                Some(l) => Some(Box::new(self.sip_line_of(c, co, l).await?)),
                None => None,
            },
            None => None,
        };
        let overflow_mailbox = match &overflow_line {
            Some(l) => Some(
                self.line_mailbox(c, &l.id, &l.language, l.second_language.as_deref())
                    .await?,
            ),
            None => None,
        };
        let music = self.queue_music(c, &q.id).await?;
        Ok(Some(QueueSetup {
            id: q.id,
            company_id: q.company_id,
            strategy: QueueStrategy::from_text(&q.strategy).unwrap_or(QueueStrategy::RingAll),
            ring_secs: q.ring_secs.max(1) as u64,
            delay_secs: q.delay_secs.max(1) as u64,
            max_wait_secs: q.max_wait_secs.max(1) as u64,
            overflow: QueueOverflow::from_text(&q.overflow).unwrap_or(QueueOverflow::HangUp),
            overflow_line,
            overflow_mailbox,
            agents,
            agent_kinds,
            music,
        }))
    }

    /// The queue whose call-in extension `extension` is, for a call from `line`: `Ok(None)`
    /// when no queue has it, `Err` (403) when the line is not one of its call-in agents.
    pub(crate) async fn queue_call_in(
        &self,
        c: &mut Conn,
        co: &sb_store::tenancy::Company,
        extension: &str,
        line: Option<&LineId>,
    ) -> AppResult<Option<CallInSetup>> {
        let Some(q) = store::by_call_in_extension(c, &co.id, extension).await? else {
            return Ok(None);
        };
        let agent = store::agents(c, &q.id)
            .await?
            .into_iter()
            .any(|a| a.kind == "call_in" && Some(&a.line_id) == line);
        let allowed = match (agent, line) {
            (true, Some(l)) => match sb_store::lines::locate_line(c, l).await? {
                Some(l) => self.line_has_feature(c, &l, Feature::Queues).await?,
                None => false,
            },
            _ => false,
        };
        if !allowed {
            return Err(AppError::forbidden(
                "Only the queue's call-in agents with queues in their package dial this extension.",
            ));
        }
        let music = self.queue_music(c, &q.id).await?;
        Ok(Some(CallInSetup {
            queue_id: q.id,
            hold: hold_of(&q.call_in_hold),
            music,
            beep: q.call_in_beep,
        }))
    }

    /// Records how a caller's passage through a queue ended, for the figures.
    pub async fn record_queue_call(
        &self,
        queue: &QueueId,
        caller_number: &str,
        entered_at_ms: i64,
        outcome: Passage,
        agent: Option<&LineId>,
    ) -> AppResult<()> {
        let now = self.now_ms();
        let mut c = self.store.conn().await?;
        let call = QueueCall {
            id: QueueCallId::new(now),
            queue_id: queue.clone(),
            caller_number: caller_number.to_owned(),
            entered_at: entered_at_ms,
            waited_ms: (now - entered_at_ms).max(0),
            outcome: match outcome {
                Passage::Answered => "answered",
                Passage::Abandoned => "abandoned",
                Passage::Overflowed => "overflowed",
            }
            .to_owned(),
            agent_line_id: agent.cloned(),
        };
        store::insert_call(&mut c, &call).await?;
        Ok(())
    }
}
