//! What arrives in a call: requests from either side, the forks' answers, the whisper and
//! recording that start when a call is answered, ACKs.

use super::*;

impl<C: CallContext> Call<C> {
    pub(super) async fn on_message(&mut self, m: Message, from: SocketAddr) {
        let call_id = m.header("call-id").unwrap_or_default().to_owned();
        if !self.sent_by_a_party(&m, from, &call_id) {
            // Somebody who learned a Call-ID is not a party of the call: no answer at all.
            tracing::debug!(%from, "a message for a call from outside its dialogs dropped");
            return;
        }
        if m.method().is_none() {
            // Every response goes through the transaction it answers.
            let steps = self.txs.receive(m, from, Instant::now());
            self.carry(steps).await;
            return;
        }
        if call_id == self.a_call_id {
            self.request_from_a(m, from).await;
        } else if let Some(idx) = self.fork_index(&call_id) {
            self.request_from_b(idx, m, from).await;
        }
    }

    /// Whether `m` comes from a party of the leg its Call-ID names (RFC 3261 section 12.2.2):
    /// from that leg's host, with the leg's tags, and (for a new request) a CSeq not lower than
    /// the last one it sent. A Call-ID alone proves nothing: it travels in every message.
    pub(super) fn sent_by_a_party(&mut self, m: &Message, from: SocketAddr, call_id: &str) -> bool {
        // The tags of the side that sent `m`, and of ours: From and To of a request, swapped in
        // a response.
        let (theirs, ours) = if m.method().is_some() {
            (m.tag("from"), m.tag("to"))
        } else {
            (m.tag("to"), m.tag("from"))
        };
        // A new request in the dialog (ACK and CANCEL belong to the INVITE's transaction).
        let in_dialog_request =
            m.method().is_some_and(|x| x != "ACK" && x != "CANCEL") && m.tag("to").is_some();
        let cseq = m.cseq().map_or(0, |(n, _)| n);
        let (party, tags, last_cseq) = if call_id == self.a_call_id {
            let tags = theirs == self.a_invite.tag("from") && ours.is_none_or(|t| t == self.a_tag);
            (self.a_addr, tags, &mut self.a_remote_cseq)
        } else {
            let Some(f) = self.forks.iter_mut().find(|f| f.call_id == call_id) else {
                return false;
            };
            let tags = ours == Some(f.tag.as_str())
                && (f.remote_tag.is_none() || theirs == f.remote_tag.as_deref());
            (f.target, tags, &mut f.remote_cseq)
        };
        if from.ip() != party.ip() || !tags {
            return false;
        }
        if in_dialog_request {
            if cseq < *last_cseq {
                return false;
            }
            *last_cseq = cseq;
        }
        true
    }

    pub(super) async fn request_from_a(&mut self, m: Message, from: SocketAddr) {
        let method = m.method().unwrap_or_default().to_owned();
        let in_dialog = m.tag("to").is_some();
        match method.as_str() {
            "INVITE" if !in_dialog => {
                // A retransmission of the first INVITE: its transaction repeats the last answer.
                let steps = self.txs.caller_invite_again(&m, Instant::now());
                self.transmit(steps).await;
            }
            "ACK" => {
                if self.phase == Phase::Answered {
                    self.late_answer_from_a(&m).await;
                }
                self.txs.ack(&m, Instant::now());
            }
            "CANCEL" => {
                let ok = reply(&m, 200, "OK", &[]);
                self.ctx.send(&ok, from).await;
                if matches!(
                    self.phase,
                    Phase::Routing | Phase::Ringing | Phase::Whispering
                ) {
                    self.fail(487, "Request Terminated").await;
                }
            }
            "BYE" => {
                let ok = reply(&m, 200, "OK", &[]);
                self.ctx.send(&ok, from).await;
                if self.phase == Phase::Answered {
                    self.queue_abandoned().await;
                    self.bye(Side::B).await;
                    self.end();
                }
            }
            "INVITE" | "UPDATE" | "INFO" if self.phase == Phase::Answered => {
                self.forward(Side::A, m, from).await;
            }
            _ => {
                let r = reply(&m, 481, "Call/Transaction Does Not Exist", &[]);
                self.ctx.send(&r, from).await;
            }
        }
    }

    pub(super) async fn request_from_b(&mut self, idx: usize, m: Message, from: SocketAddr) {
        let method = m.method().unwrap_or_default().to_owned();
        if method == "ACK" {
            self.txs.ack(&m, Instant::now());
            return;
        }
        if method == "BYE" && self.phase == Phase::Whispering && self.winner == Some(idx) {
            let ok = reply(&m, 200, "OK", &[]);
            self.ctx.send(&ok, from).await;
            self.whisper_declined(idx).await;
            return;
        }
        if self.winner != Some(idx) || self.phase != Phase::Answered {
            let r = reply(&m, 481, "Call/Transaction Does Not Exist", &[]);
            self.ctx.send(&r, from).await;
            return;
        }
        match method.as_str() {
            "BYE" => {
                let ok = reply(&m, 200, "OK", &[]);
                self.ctx.send(&ok, from).await;
                self.bye(Side::A).await;
                self.end();
            }
            "INVITE" | "UPDATE" | "INFO" => self.forward(Side::B, m, from).await,
            _ => {
                let r = reply(&m, 405, "Method Not Allowed", &[("Allow", ALLOW)]);
                self.ctx.send(&r, from).await;
            }
        }
    }

    /// An answer to the INVITE a fork was sent.
    pub(super) async fn fork_answer(&mut self, idx: usize, m: Message) {
        let code = m.code().unwrap_or(500);
        if (200..300).contains(&code) {
            if self.winner == Some(idx) {
                // Our ACK was lost: send it again (unless it still waits for the caller's).
                if self.late_ack.is_none() {
                    let answer = self.late_answer.clone();
                    self.ack_2xx(idx, &m, answer).await;
                }
                return;
            }
            if self.queue.as_ref().is_some_and(queue::QueueRun::waiting) {
                self.queue_answered(idx, m).await;
            } else if self.phase == Phase::Ringing {
                self.answered(idx, m).await;
            } else {
                // Answered after another device or after the caller gave up: end that leg.
                self.forks[idx].answered_by(&m);
                self.ack_2xx(idx, &m, None).await;
                self.bye_fork(idx).await;
            }
            return;
        }
        if matches!(code, 401 | 407)
            && matches!(
                self.forks[idx].state,
                ForkState::Calling | ForkState::Proceeding
            )
            && self.authenticate_fork(idx, &m).await
        {
            return;
        }
        if code == 422
            && matches!(
                self.forks[idx].state,
                ForkState::Calling | ForkState::Proceeding
            )
            && self.retry_session_interval(idx, &m).await
        {
            return;
        }
        let state = self.forks[idx].state;
        match (code, state) {
            (100..=199, ForkState::Calling | ForkState::Proceeding) => {
                self.forks[idx].state = ForkState::Proceeding;
                if code == 100 || self.phase != Phase::Ringing {
                    return;
                }
                if self.early.is_none()
                    && self.announcing.is_none()
                    && !self.late_offer
                    && sdp::audio_target(&m.body).is_some()
                {
                    self.early_media(idx, &m).await;
                } else if !self.ringing_sent {
                    self.ringing_sent = true;
                    self.answer_a(180, "Ringing", None).await;
                }
            }
            (100..=199, _) => {}
            (_, ForkState::Cancelled) => self.forks[idx].state = ForkState::Done(code),
            (_, ForkState::Calling | ForkState::Proceeding) => {
                self.forks[idx].state = ForkState::Done(code);
                self.ring_result().await;
            }
            _ => {}
        }
    }

    /// Every fork failed: busy handling if a device said busy, else the next step.
    pub(super) async fn ring_result(&mut self) {
        if self.phase != Phase::Ringing
            || self
                .forks
                .iter()
                .any(|f| matches!(f.state, ForkState::Calling | ForkState::Proceeding))
        {
            return;
        }
        let codes: Vec<u16> = self
            .forks
            .iter()
            .filter_map(|f| match f.state {
                ForkState::Done(c) => Some(c),
                _ => None,
            })
            .collect();
        self.ring_deadline = None;
        self.phase = Phase::Routing;
        if codes.iter().any(|c| matches!(c, 486 | 600)) {
            self.device_busy = true;
            match self.on_busy.take() {
                Some(step) => {
                    self.steps = VecDeque::from([step]);
                    self.advance().await;
                }
                None => {
                    self.mark(Outcome::Missed);
                    self.fail(486, "Busy Here").await;
                }
            }
        } else if codes.iter().all(|c| *c == 603) {
            self.mark(Outcome::Rejected);
            self.fail(603, "Decline").await;
        } else {
            self.advance().await;
        }
    }

    /// A ringing device sent media before answering (a carrier's announcement or ringback, a
    /// phone's own tone): the caller gets it through the relay with a 183 Session Progress.
    /// The first such device is heard; the others still ring.
    pub(super) async fn early_media(&mut self, idx: usize, m: &Message) {
        let Some(body) = sdp::rewrite(&m.body, self.relay.a_addr) else {
            return;
        };
        self.point_b_at(idx, &m.body);
        self.early = Some(idx);
        self.ringing_sent = true;
        self.answer_a(183, "Session Progress", Some(body)).await;
    }

    /// A device answered: the caller is connected to it, or (an announced redirect) first
    /// the device hears who is calling.
    pub(super) async fn answered(&mut self, idx: usize, m: Message) {
        self.take_answer(idx, &m).await;
        if self.whisper && !self.late_offer && self.start_whisper(idx, &m) {
            return;
        }
        self.connect(m).await;
    }

    /// Fork `idx`'s 200: it is the call's B leg now (acknowledged, the others cancelled, the
    /// relay's far side pointed at it).
    pub(super) async fn take_answer(&mut self, idx: usize, m: &Message) {
        self.winner = Some(idx);
        self.b_cseq = self.forks[idx].cseq;
        self.forks[idx].state = ForkState::Answered;
        self.forks[idx].answered_by(m);
        self.point_b_at(idx, &m.body);
        if self.late_offer {
            // Its 200 holds the offer; the ACK takes the caller's answer to it.
            self.late_ack = Some(m.clone());
        } else {
            self.ack_2xx(idx, m, None).await;
        }
        self.cancel_forks(Some(idx)).await;
    }

    /// Connects the caller to the B leg that answered with `m`.
    pub(super) async fn connect(&mut self, m: Message) {
        for line in self.target.iter().chain(self.caller.line.iter()) {
            self.ctx
                .set_line_state(&line.id, crate::line_state::LineState::Confirmed);
        }
        self.phase = Phase::Answered;
        self.answered_ms = Some(self.ctx.now_ms());
        self.status = 200;
        self.mark(Outcome::Answered);
        if self.announcing.take().is_some() {
            // The ringback stops; its last packets are let through to the caller (harmless)
            // before the relay stops treating its address as the far side's stand-in.
            tokio::time::sleep(Duration::from_millis(40)).await;
            self.relay.stand_in(Side::B, None);
        }
        let body = sdp::rewrite(&m.body, self.relay.a_addr);
        let more = self.session.agree(&self.a_invite, &m, Instant::now());
        self.answer_a_with(200, "OK", body, more).await;
        self.start_recording();
    }

    /// "announce the call": the device that answered hears "call from" and the
    /// caller's number (or that it is withheld) from a media session standing in for the
    /// caller on the relay, while the caller keeps hearing ringback. False when it cannot be
    /// done (no G.711 in the answer, no free port): the call is then connected at once.
    pub(super) fn start_whisper(&mut self, idx: usize, m: &Message) -> bool {
        let Some(codec) = sb_media::codec::Codec::from_offer(&m.body) else {
            return false;
        };
        let Some((socket, port)) = self.ctx.ports().media_socket() else {
            return false;
        };
        let lang = self
            .target
            .as_ref()
            .map_or("en".to_owned(), |t| t.language.clone());
        let prompts = self.ctx.prompts();
        let mut parts = vec![prompts.get(&lang, "call-from")];
        if self.anonymous {
            parts.push(prompts.get(&lang, "number-withheld"));
        } else {
            parts.extend(
                self.caller
                    .number
                    .chars()
                    .filter(char::is_ascii_digit)
                    .map(|d| prompts.get(&lang, &format!("n{d}"))),
            );
        }
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let mut io = media::Io::new(socket, Latch::exact(self.relay.a_addr), codec, stopped);
        self.relay.stand_in(Side::A, Some(port.addr()));
        let done = self.whispered.clone();
        tokio::spawn(async move {
            let _port = port;
            // A moment for the phone's audio to start after its 200 before the first word.
            if io.play(&[0; 8 * 300], false).await.is_err() {
                return;
            }
            for p in parts {
                if io.play(&p, false).await.is_err() {
                    return;
                }
            }
            // A pause before the caller's voice, which also lets the phone's jitter buffer play
            // out the last word (it may drop what it holds when the caller's stream starts).
            if io.play(&[0; 8 * 400], false).await.is_ok() {
                let _ = done.send(());
            }
        });
        self.whispering = Some(Whispering {
            idx,
            answer: m.clone(),
            _stop: stop,
        });
        self.phase = Phase::Whispering;
        true
    }

    /// The announcement to the answering device is over: the caller is connected.
    pub(super) async fn whisper_done(&mut self) {
        if self.phase != Phase::Whispering {
            return;
        }
        let Some(w) = self.whispering.take() else {
            return;
        };
        self.relay.stand_in(Side::A, None);
        self.connect(w.answer).await;
    }

    /// The answering device hung up while hearing who was calling: it declined the call,
    /// which goes on with the next step of the plan (voicemail, or a failure).
    pub(super) async fn whisper_declined(&mut self, idx: usize) {
        self.whispering = None;
        self.relay.stand_in(Side::A, None);
        self.winner = None;
        self.forks[idx].state = ForkState::Done(603);
        self.phase = Phase::Routing;
        self.advance().await;
    }

    /// Records the answered call for each of its lines that records calls: the relay copies
    /// both sides to a recorder, and when the call is over the mix goes to each such line's
    /// inbox.
    pub(super) fn start_recording(&mut self) {
        use sb_app::recordings::{NewRecording, RecordedDirection};
        let now = self.ctx.now_ms();
        let mut jobs = Vec::new();
        if let Some(from) = self.caller.line.as_ref().filter(|l| l.record_calls) {
            jobs.push(NewRecording {
                company_id: from.company_id.clone(),
                line_id: from.id.clone(),
                direction: RecordedDirection::Outgoing,
                other_number: self.dialled.clone(),
                other_name: self.target.as_ref().and_then(|l| l.calling_name.clone()),
                started_at_ms: now,
            });
        }
        if let Some(to) = self.target.as_ref().filter(|l| l.record_calls) {
            let (number, name) = self.shown();
            jobs.push(NewRecording {
                company_id: to.company_id.clone(),
                line_id: to.id.clone(),
                direction: RecordedDirection::Incoming,
                other_number: number,
                other_name: name,
                started_at_ms: now,
            });
        }
        if jobs.is_empty() {
            return;
        }
        let recording = crate::recorder::start(&self.relay);
        let ctx = self.ctx.clone();
        tokio::spawn(async move {
            let Ok(samples) = recording.await else {
                return;
            };
            if samples.is_empty() {
                return;
            }
            for job in jobs {
                if let Err(e) = ctx.store_recording(job, &samples).await {
                    tracing::warn!(error = %e, "could not store a call recording");
                }
            }
        });
    }

    /// ACKs fork `idx`'s 2xx `m`, with the caller's answer to its offer for a late-offer call.
    pub(super) async fn ack_2xx(&mut self, idx: usize, m: &Message, answer: Option<Vec<u8>>) {
        let f = &self.forks[idx];
        let to = m.header("to").unwrap_or_default().to_owned();
        let (n, _) = m.cseq().unwrap_or((1, "INVITE"));
        let branch = format!("z9hG4bK{}", token());
        let mut ack = self.fork_request(idx, "ACK", f.dialog_uri(), &branch, to, n);
        if let Some(body) = answer {
            ack.set_header("content-type", "application/sdp".to_owned());
            ack.body = body;
        }
        self.ctx.send(&ack, f.target).await;
    }

    /// The caller's ACK to a late-offer call: its answer goes on in the ACK to the phone.
    pub(super) async fn late_answer_from_a(&mut self, ack: &Message) {
        let (Some(m), Some(idx)) = (self.late_ack.take(), self.winner) else {
            return;
        };
        if let Some(addr) = sdp::audio_target(&ack.body) {
            self.relay
                .set_peer(Side::A, addr, self.signalling_ip(Side::A));
        }
        self.late_answer = sdp::rewrite(&ack.body, self.relay.b_addr);
        let answer = self.late_answer.clone();
        self.ack_2xx(idx, &m, answer).await;
    }
}
