//! The caller's leg: answering and failing it, ending the call and writing its log, where each
//! side's media goes.

use super::*;

impl<C: CallContext> Call<C> {
    pub(super) async fn answer_a(&mut self, code: u16, reason: &str, body: Option<Vec<u8>>) {
        self.answer_a_with(code, reason, body, Vec::new()).await;
    }

    /// [`Self::answer_a`] with more headers.
    pub(super) async fn answer_a_with(
        &mut self,
        code: u16,
        reason: &str,
        body: Option<Vec<u8>>,
        more: Vec<(&str, String)>,
    ) {
        let contact = self.contact(self.a_addr);
        let mut extra: Vec<(&str, &str)> = vec![("Contact", &contact), ("Allow", ALLOW)];
        if body.is_some() {
            extra.push(("Content-Type", "application/sdp"));
        }
        extra.extend(more.iter().map(|(n, v)| (*n, v.as_str())));
        // Answers that make the dialog carry its Record-Route back (RFC 3261 section 12.1.1).
        if (101..300).contains(&code) {
            extra.extend(
                self.a_invite
                    .headers_named("record-route")
                    .map(|v| ("Record-Route", v)),
            );
        }
        let mut r = reply(&self.a_invite, code, reason, &extra);
        r.set_header("to", self.a_to_header());
        if let Some(b) = body {
            r.body = b;
        }
        // Its server transaction repeats a failure over UDP until the ACK (Timer G), and a
        // 2xx over any transport (RFC 3261 13.3.1.4).
        let steps = self.txs.answer_caller(r, Instant::now());
        self.transmit(steps).await;
    }

    /// The To header of our answers on the A leg: the caller's, with our tag.
    pub(super) fn a_to_header(&self) -> String {
        let to = self.a_invite.header("to").unwrap_or_default();
        if self.a_invite.tag("to").is_some() {
            to.to_owned()
        } else {
            format!("{to};tag={}", self.a_tag)
        }
    }

    /// Ends an unanswered call with a final status to the caller.
    pub(super) async fn fail(&mut self, status: u16, reason: &str) {
        if self.phase == Phase::Ended {
            return;
        }
        self.cancel_forks(None).await;
        if self.phase == Phase::Whispering
            && let Some(w) = self.whispering.take()
        {
            // The caller gave up while the other phone heard who was calling.
            self.bye_fork(w.idx).await;
        }
        self.status = status;
        self.answer_a(status, reason, None).await;
        self.end();
    }

    pub(super) fn end(&mut self) {
        self.leave_queue();
        self.announcing = None;
        self.whispering = None;
        self.phase = Phase::Ended;
        self.ring_deadline = None;
        if let Some(stop) = self.deposit.as_mut().and_then(|d| d.stop.take()) {
            let _ = stop.send(());
        }
        for (line, _) in &self.reached {
            self.ctx
                .set_line_state(&line.id, crate::line_state::LineState::Idle);
        }
        if let Some(line) = &self.caller.line {
            self.ctx
                .set_line_state(&line.id, crate::line_state::LineState::Idle);
        }
        // The call no longer counts against department limits, even while its last
        // transactions (a CANCEL to a phone that went away) are still being retried.
        self.ctx.count(&self.counted, -1);
        self.counted.clear();
        self.ctx.give_slots(&self.slots);
        self.slots.clear();
        if !self.logged {
            self.logged = true;
            self.write_log();
        }
    }

    /// Records the call in the log of the calling line and of every line it reached, through
    /// the engine's call-log writer so the signalling does not wait for the database.
    pub(super) fn write_log(&self) {
        let now = self.ctx.now_ms();
        let talked = self
            .answered_ms
            .map(|a| (now - a).max(0) / 1000)
            .unwrap_or(0);
        let call_ref = self.a_call_id.clone();
        let first = self.reached.first().map(|(l, _)| l);
        let mut records = Vec::new();
        if let Some(from) = &self.caller.line {
            records.push(NewCallRecord {
                company_id: from.company_id.clone(),
                line_id: from.id.clone(),
                direction: CallDirection::Dialled,
                other_number: self.dialled.clone(),
                other_name: first.and_then(|l| l.calling_name.clone()),
                started_at_ms: self.started_ms,
                duration_secs: talked,
                device: Some(self.a_contact.clone()).filter(|c| !c.is_empty()),
                status: self.status,
                call_ref: call_ref.clone(),
            });
        }
        let (number, name) = self.shown();
        let last = self.reached.len().saturating_sub(1);
        for (i, (line, outcome)) in self.reached.iter().enumerate() {
            let (direction, status, duration, device) = match outcome {
                Outcome::Answered => (
                    CallDirection::Received,
                    200,
                    talked,
                    self.winner.map(|w| self.forks[w].device.clone()),
                ),
                Outcome::Rejected => (CallDirection::Rejected, self.status, 0, None),
                // A line the call moved on from (forwarded, redirected) shows 302.
                Outcome::Missed if i < last => (CallDirection::Missed, 302, 0, None),
                Outcome::Missed => (CallDirection::Missed, self.status, 0, None),
            };
            records.push(NewCallRecord {
                company_id: line.company_id.clone(),
                line_id: line.id.clone(),
                direction,
                other_number: number.clone(),
                other_name: name.clone(),
                started_at_ms: self.started_ms,
                duration_secs: duration,
                device,
                status,
                call_ref: call_ref.clone(),
            });
        }
        self.ctx.log_call(records);
    }

    /// Points the relay's far side at fork `idx`'s description `sdp`. The phone whose early
    /// media was heard keeps its latch (a sprayer gains nothing from the moment of the answer);
    /// any other is a new party.
    pub(super) fn point_b_at(&self, idx: usize, sdp: &[u8]) {
        let Some(addr) = sdp::audio_target(sdp) else {
            return;
        };
        let at = Some(self.forks[idx].target.ip());
        if self.early == Some(idx) {
            self.relay.redescribe(Side::B, addr, at);
        } else {
            self.relay.set_peer(Side::B, addr, at);
        }
    }

    /// The IP a side's signalling comes from: the caller's, or the answering (or early-media)
    /// device's. Its media may come from there as well as from where its SDP says (NAT).
    pub(super) fn signalling_ip(&self, side: Side) -> Option<std::net::IpAddr> {
        match side {
            Side::A => Some(self.a_addr.ip()),
            Side::B => self
                .winner
                .or(self.early)
                .and_then(|i| self.forks.get(i))
                .map(|f| f.target.ip()),
        }
    }
}
