//! The call centre's live board: callers waiting per queue and what each
//! agent's line is doing, as the SIP engine reports them, and each agent's state from that and
//! their log-in.

use crate::authz::Actor;
use crate::queues::{AgentKind, QueueFiguresView, QueueView};
use crate::{App, AppResult};
use parking_lot::Mutex;
use sb_domain::ids::{LineId, QueueId};
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

/// What a line is doing now, as the SIP engine knows it (the live board's agent states).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineActivity {
    /// One of its phones rings.
    Ringing,
    /// In an answered call (a call-in agent dialled in counts).
    OnACall,
}

/// An agent's state on the live board.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AgentState {
    LoggedOut,
    Available,
    Ringing,
    OnACall,
}

impl AgentState {
    pub fn as_str(self) -> &'static str {
        match self {
            AgentState::LoggedOut => "logged_out",
            AgentState::Available => "available",
            AgentState::Ringing => "ringing",
            AgentState::OnACall => "on_a_call",
        }
    }
}

/// One agent on the live board.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgentBoardView {
    pub line_id: String,
    pub extension: String,
    pub name: Option<String>,
    pub kind: AgentKind,
    pub state: AgentState,
}

/// A queue's live board: its figures now and each agent's state.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueBoardView {
    pub queue: QueueView,
    pub figures: QueueFiguresView,
    pub agents: Vec<AgentBoardView>,
}

/// An agent's state on the board from their log-in and what their line is doing: a call-in
/// agent takes calls while dialled in, so it counts as logged in while its line is busy; a
/// line on a call is on a call whether its agent is logged in or not.
fn agent_state(logged_in: bool, kind: AgentKind, activity: Option<LineActivity>) -> AgentState {
    let present = logged_in || (kind == AgentKind::CallIn && activity.is_some());
    match (present, activity) {
        (_, Some(LineActivity::OnACall)) => AgentState::OnACall,
        (true, Some(LineActivity::Ringing)) => AgentState::Ringing,
        (true, None) => AgentState::Available,
        (false, _) => AgentState::LoggedOut,
    }
}

/// Callers waiting now, per queue: (a token of the call, when it entered in ms); and what each
/// busy line is doing.
#[derive(Debug, Default)]
pub struct WaitingBoard {
    waiting: Mutex<HashMap<QueueId, Vec<(u64, i64)>>>,
    lines: Mutex<HashMap<LineId, LineActivity>>,
}

impl WaitingBoard {
    /// What `line` is doing now; `None` when idle. The SIP engine calls it as calls ring,
    /// are answered and end.
    pub fn set_line(&self, line: &LineId, activity: Option<LineActivity>) {
        let mut m = self.lines.lock();
        match activity {
            Some(a) => m.insert(line.clone(), a),
            None => m.remove(line),
        };
    }

    /// What `line` is doing now (`None`: idle).
    pub fn line(&self, line: &LineId) -> Option<LineActivity> {
        self.lines.lock().get(line).copied()
    }

    pub fn enter(&self, queue: &QueueId, token: u64, at_ms: i64) {
        self.waiting
            .lock()
            .entry(queue.clone())
            .or_default()
            .push((token, at_ms));
    }

    pub fn leave(&self, queue: &QueueId, token: u64) {
        let mut w = self.waiting.lock();
        if let Some(list) = w.get_mut(queue) {
            list.retain(|(t, _)| *t != token);
            if list.is_empty() {
                w.remove(queue);
            }
        }
    }

    /// How many wait, and since when the longest-waiting one.
    pub(crate) fn now(&self, queue: &QueueId) -> (i64, Option<i64>) {
        let w = self.waiting.lock();
        match w.get(queue) {
            Some(list) => (list.len() as i64, list.iter().map(|(_, at)| *at).min()),
            None => (0, None),
        }
    }
}

impl App {
    /// Callers waiting in queues now (the SIP engine keeps it).
    pub fn waiting_board(&self) -> &WaitingBoard {
        &self.waiting
    }
}

impl App {
    /// The live board of a queue: its figures now (and of the last 24 hours) and each agent's
    /// state, from the agent's log-in and what the engine says their line is doing.
    pub async fn queue_board(&self, actor: &Actor, id: &str) -> AppResult<QueueBoardView> {
        let figures = self.queue_figures(actor, id, None, None).await?;
        let queue = self.get_queue(actor, id).await?;
        let agents = queue
            .agents
            .iter()
            .map(|a| {
                let activity = self.waiting.line(&LineId::from_raw(a.line_id.clone()));
                let state = agent_state(a.logged_in, a.kind, activity);
                AgentBoardView {
                    line_id: a.line_id.clone(),
                    extension: a.extension.clone(),
                    name: a.name.clone(),
                    kind: a.kind,
                    state,
                }
            })
            .collect();
        Ok(QueueBoardView {
            queue,
            figures,
            agents,
        })
    }
}

/// A queue's live figures as its agents see them on their home page.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgentQueueLive {
    pub queue_id: String,
    pub name: String,
    pub extension: String,
    /// Callers waiting now.
    pub waiting: i64,
    pub longest_waiting_secs: i64,
    pub agents: i64,
    pub agents_logged_in: i64,
    /// Logged in and neither ringing nor on a call.
    pub agents_available: i64,
}

impl App {
    /// The live figures of the queues the person is an agent of, one row per queue. Queues
    /// have no supervisors of their own: whoever answers a queue's calls watches its callers
    /// waiting, and nobody else's queues show on their home page (an end user's `See` of the
    /// company would otherwise open every queue).
    pub async fn my_queue_live(&self, actor: &Actor) -> AppResult<Vec<AgentQueueLive>> {
        let mut out: Vec<AgentQueueLive> = Vec::new();
        for q in self.my_queues(actor).await? {
            if out.iter().any(|o| o.queue_id == q.queue_id) {
                continue;
            }
            let b = self.queue_board(actor, &q.queue_id).await?;
            out.push(AgentQueueLive {
                waiting: b.figures.waiting,
                longest_waiting_secs: b.figures.longest_waiting_secs,
                agents: b.agents.len() as i64,
                agents_logged_in: b.figures.agents_logged_in,
                agents_available: b
                    .agents
                    .iter()
                    .filter(|a| a.state == AgentState::Available)
                    .count() as i64,
                queue_id: q.queue_id,
                name: q.queue_name,
                extension: q.extension,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_agents_state_follows_the_log_in_and_what_the_line_does() {
        use AgentKind::{CallIn, Normal};
        use LineActivity::{OnACall, Ringing};
        assert_eq!(agent_state(false, Normal, None), AgentState::LoggedOut);
        assert_eq!(agent_state(true, Normal, None), AgentState::Available);
        assert_eq!(
            agent_state(true, Normal, Some(Ringing)),
            AgentState::Ringing
        );
        assert_eq!(
            agent_state(true, Normal, Some(OnACall)),
            AgentState::OnACall
        );
        // Logged out, a ringing phone is not the queue's business; a call still shows.
        assert_eq!(
            agent_state(false, Normal, Some(Ringing)),
            AgentState::LoggedOut
        );
        assert_eq!(
            agent_state(false, Normal, Some(OnACall)),
            AgentState::OnACall
        );
        // A call-in agent is there while dialled in, away otherwise.
        assert_eq!(
            agent_state(false, CallIn, Some(OnACall)),
            AgentState::OnACall
        );
        assert_eq!(agent_state(false, CallIn, None), AgentState::LoggedOut);
    }

    #[test]
    fn the_board_forgets_a_line_when_it_goes_idle() {
        let b = WaitingBoard::default();
        let l = LineId::from_raw("l1");
        b.set_line(&l, Some(LineActivity::Ringing));
        assert_eq!(b.line(&l), Some(LineActivity::Ringing));
        b.set_line(&l, Some(LineActivity::OnACall));
        assert_eq!(b.line(&l), Some(LineActivity::OnACall));
        b.set_line(&l, None);
        assert_eq!(b.line(&l), None);
    }
}
