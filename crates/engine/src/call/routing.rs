//! Routing a call: the plan from sb-app, its steps one after another, ringing a line's devices,
//! an outside number through a trunk, emergency calls.

use super::*;
use sb_app::outside::OutsidePlan;
use sb_domain::routing::features::{self, Feature};

impl<C: CallContext> Call<C> {
    pub(super) async fn begin(&mut self) {
        self.late_offer = self.a_offer.iter().all(u8::is_ascii_whitespace);
        if !self.late_offer && sdp::audio_target(&self.a_offer).is_none() {
            // A description without audio: nothing to relay.
            self.fail(488, "Not Acceptable Here: An Audio Offer Is Needed")
                .await;
            return;
        }
        if timer::too_brief(&self.a_invite) {
            let min = vec![("Min-SE", timer::MIN_SE.to_string())];
            self.status = 422;
            self.answer_a_with(422, "Session Interval Too Small", None, min)
                .await;
            self.end();
            return;
        }
        if let Some(addr) = sdp::audio_target(&self.a_offer) {
            self.relay
                .set_peer(Side::A, addr, self.signalling_ip(Side::A));
        }
        let dialled = self.dialled.clone();
        match features::feature(&dialled) {
            Some(Feature::OwnMailbox) => self.portal(true).await,
            Some(Feature::AnyMailbox) => self.portal(false).await,
            // The bridge is the business layer's to route, like any number.
            Some(Feature::ConferenceBridge) | None => self.route(&dialled).await,
        }
    }

    /// Asks the business layer where `dialled` goes and starts the plan.
    #[expect(
        clippy::cognitive_complexity,
        reason = "one arm per kind of plan the business layer answers (line, outside, voicemail, portal, conference, queue, refusal)"
    )]
    pub(super) async fn route(&mut self, dialled: &str) {
        let hops: Vec<&str> = self.hops.iter().map(String::as_str).collect();
        let routed = self
            .ctx
            .route_call(&self.caller.company, &self.dialling(dialled, &hops))
            .await;
        let max = self.ctx.max_calls();
        let emergency = matches!(routed, Ok(Destination::Emergency(_)));
        let over = max > 0 && self.ctx.active_calls().load(Ordering::Relaxed) > max;
        if self.hops.is_empty() && !emergency && (over || !self.take_first_slots()) {
            // Shed load: the caller may try again soon (RFC 3261 section 21.5.4). Emergency
            // calls are never shed.
            self.status = 503;
            let retry = vec![("Retry-After", "5".to_owned())];
            self.answer_a_with(503, "Service Unavailable", None, retry)
                .await;
            self.end();
            return;
        }
        match routed {
            Ok(Destination::Line {
                line,
                plan,
                mailbox,
            }) => self.start_plan(*line, plan, mailbox).await,
            Ok(Destination::Conference {
                language,
                second_language,
            }) => self.conference(language, second_language).await,
            Ok(Destination::Queue(setup)) => self.enqueue(*setup).await,
            Ok(Destination::QueueCallIn(setup)) => self.call_in(*setup).await,
            Ok(Destination::Fax { line }) => self.fax(*line).await,
            Ok(Destination::Unknown) => self.fail(404, "Not Found").await,
            Ok(Destination::Refused { status, reason }) => {
                tracing::info!(reason, "call refused");
                self.fail(status, phrase(status)).await;
            }
            Ok(Destination::Outside(plan)) => {
                self.recount(None);
                if !self.ring_out(&plan, false).await {
                    self.fail(503, "No Trunk Configured").await;
                }
            }
            Ok(Destination::Emergency(plan)) => self.emergency(&plan).await,
            Err(e) => {
                tracing::warn!(error = %e, "call routing failed");
                self.fail(500, "Server Error").await;
            }
        }
    }

    /// The call as the business layer is asked to route it to `dialled`.
    fn dialling<'a>(&'a self, dialled: &'a str, hops: &'a [&'a str]) -> Dialled<'a> {
        Dialled {
            dialled,
            caller_number: (!self.anonymous).then_some(self.caller.number.as_str()),
            caller_name: self.caller.name.as_deref(),
            anonymous: self.anonymous,
            asserted_number: &self.caller.number,
            from_line: self.caller.line.as_ref(),
            hops,
            present_dialled: self.present_dialled,
            first_dialled: &self.dialled,
        }
    }

    /// The caps a new call counts under from its start: its trunk, its company and the calling
    /// line. False (and nothing held) when one of them is full.
    pub(super) fn take_first_slots(&mut self) -> bool {
        let caps = self.ctx.caps();
        let mut wanted = vec![(Slot::Company(self.caller.company.clone()), caps.company)];
        if let Some(t) = &self.caller.trunk {
            wanted.push(t.clone());
        }
        if let Some(l) = &self.caller.line {
            wanted.push((Slot::Line(l.id.clone()), caps.line));
        }
        wanted
            .into_iter()
            .all(|(slot, max)| self.take_slot(slot, max))
    }

    /// Takes one slot for the rest of the call; a slot the call holds already is not taken
    /// twice (a redirect back to a line it rang).
    pub(super) fn take_slot(&mut self, slot: Slot, max: i64) -> bool {
        if self.slots.contains(&slot) {
            return true;
        }
        if !self.ctx.take_slot(&slot, max) {
            return false;
        }
        self.slots.push(slot);
        true
    }

    pub(super) async fn start_plan(&mut self, line: SipLine, plan: Plan, mailbox: MailboxPlan) {
        if !self.take_slot(Slot::Line(line.id.clone()), self.ctx.caps().line) {
            // As many calls as a line may have at once: it is busy.
            self.fail(486, "Busy Here").await;
            return;
        }
        self.recount(Some(&line));
        self.reached.push((line.clone(), Outcome::Missed));
        self.target = Some(line);
        self.mailbox = Some(mailbox);
        self.steps = plan.steps.into();
        self.on_busy = plan.on_busy;
        self.advance().await;
    }

    /// Counts the call in the caller's and the current target's departments, once each.
    pub(super) fn recount(&mut self, target: Option<&SipLine>) {
        self.ctx.count(&self.counted, -1);
        let mut ids: Vec<DepartmentId> = self.caller.departments.clone();
        if let Some(t) = target {
            for d in &t.departments {
                if !ids.contains(d) {
                    ids.push(d.clone());
                }
            }
        }
        self.ctx.count(&ids, 1);
        self.counted = ids;
    }

    pub(super) fn mark(&mut self, outcome: Outcome) {
        if let Some(last) = self.reached.last_mut() {
            last.1 = outcome;
        }
    }

    /// Runs the next step of the plan.
    pub(super) async fn advance(&mut self) {
        loop {
            if self.phase == Phase::Ended {
                return;
            }
            let Some(step) = self.steps.pop_front() else {
                self.fail(480, "Temporarily Unavailable").await;
                return;
            };
            match step.action {
                Action::Ring { seconds } => {
                    if self.ring(seconds).await {
                        return;
                    }
                }
                Action::Voicemail => {
                    self.voicemail().await;
                    return;
                }
                Action::RedirectToUser { line } => {
                    if let Some(t) = &self.target {
                        self.hops.push(t.id.to_string());
                    }
                    Box::pin(self.route(&line)).await;
                    return;
                }
                Action::RedirectToNumber {
                    number,
                    caller_id,
                    announce,
                } => {
                    if announce {
                        self.announce_redirect().await;
                        self.whisper = true;
                    }
                    // An extension (or one of the company's own numbers) stays inside; the
                    // routing layer sends anything else to the trunk.
                    if let Some(t) = &self.target {
                        self.hops.push(t.id.to_string());
                    }
                    self.present_dialled = caller_id == CallerIdChoice::Dialled;
                    Box::pin(self.route(&number)).await;
                    return;
                }
                Action::Emergency => {
                    self.emergency_step().await;
                    return;
                }
                Action::Reject { status } => {
                    // Busy phones make a missed call; a refusal by the line's settings a rejected one.
                    self.mark(if self.device_busy {
                        Outcome::Missed
                    } else {
                        Outcome::Rejected
                    });
                    self.fail(status, phrase(status)).await;
                    return;
                }
            }
        }
    }

    /// Rings every registered device of the target; false when there is none to ring.
    pub(super) async fn ring(&mut self, seconds: Option<u32>) -> bool {
        let Some(target) = self.target.clone() else {
            return false;
        };
        let devices = self.ctx.devices(&target.aor).len();
        // A line rung harder than its fan-out allows rings nothing now: its next step runs.
        if devices == 0 || !self.ctx.may_ring(&target.aor, devices) {
            return false;
        }
        let Some(offer) = self.b_offer() else {
            return false;
        };
        self.phase = Phase::Ringing;
        self.ring_deadline = Some(self.ringing_until(seconds));
        self.ctx
            .set_line_state(&target.id, crate::line_state::LineState::Early);
        self.ring_devices(&target, offer).await;
        true
    }

    /// Places a B leg to each registered device of `line` with `offer`; the new forks'
    /// indexes.
    pub(super) async fn ring_devices(&mut self, line: &SipLine, offer: Vec<u8>) -> Vec<usize> {
        let domain = line.sip_domain.clone();
        let from = if self.anonymous {
            ANONYMOUS_FROM.to_owned()
        } else {
            let name = self
                .caller
                .name
                .clone()
                .unwrap_or_else(|| self.caller.number.clone())
                .replace('"', "");
            format!("\"{name}\" <sip:{}@{domain}>", self.caller.number)
        };
        let to = format!("<sip:{}@{domain}>", line.extension);
        // A call from outside the company says so (RFC 7462), so phones can ring it apart.
        let marks = match self.caller.line {
            None => vec![("alert-info", "<urn:alert:source:external>".to_owned())],
            Some(_) => Vec::new(),
        };
        let mut placed = Vec::new();
        for d in self.ctx.devices(&line.aor) {
            let Some(target_addr) = self.ctx.device_address(&d) else {
                continue;
            };
            placed.push(self.forks.len());
            let extra = marks.clone();
            let leg = Leg {
                ruri: &d.contact,
                target: target_addr,
                route: d.path.clone(),
            };
            self.fork(&from, &to, leg, offer.clone(), extra, None).await;
        }
        placed
    }

    /// Places one B leg: an INVITE to the leg's Request-URI sent to its target, retried until
    /// it is answered.
    pub(super) async fn fork(
        &mut self,
        from: &str,
        to: &str,
        leg: Leg<'_>,
        offer: Vec<u8>,
        extra: Vec<(&str, String)>,
        auth: Option<TrunkAuth>,
    ) {
        let Leg {
            ruri,
            target,
            route,
        } = leg;
        let call_id = format!("{}-b{}", token(), self.forks.len());
        let tag = token();
        let branch = format!("z9hG4bK{}", token());
        let mut headers = with_route(
            vec![
                ("via", self.via(&branch, target)),
                ("max-forwards", "70".into()),
            ],
            &route,
        );
        headers.extend([
            ("from", format!("{from};tag={tag}")),
            ("to", to.to_owned()),
            ("call-id", call_id.clone()),
            ("cseq", "1 INVITE".into()),
            ("contact", self.contact(target)),
            ("allow", ALLOW.into()),
        ]);
        headers.extend(extra);
        headers.extend(timer_headers(&self.a_invite));
        if !offer.is_empty() {
            headers.push(("content-type", "application/sdp".into()));
        }
        let invite = Message::request("INVITE", ruri, headers, offer);
        self.ctx.attach(&call_id, &self.tx);
        let reliable = self.ctx.on_stream(target);
        let purpose = Purpose::Fork(call_id.clone());
        let steps = self
            .txs
            .send(invite.clone(), target, reliable, purpose, Instant::now());
        self.transmit(steps).await;
        self.forks.push(Fork {
            tag,
            from: from.to_owned(),
            to: to.to_owned(),
            ruri: ruri.to_owned(),
            target,
            branch,
            state: ForkState::Calling,
            remote_tag: None,
            remote_cseq: 0,
            remote_contact: None,
            device: ruri.to_owned(),
            call_id,
            cseq: 1,
            invite,
            auth,
            route,
        });
    }

    /// The plan's emergency step: the business layer's emergency route for what was dialled.
    async fn emergency_step(&mut self) {
        let dialled = self.dialled.clone();
        // The line whose plan this is counts as the last hop: a "present the dialled number"
        // that led here presents its number.
        let mut hops: Vec<&str> = self.hops.iter().map(String::as_str).collect();
        hops.extend(self.target.as_ref().map(|t| t.id.as_str()));
        let d = self.dialling(&dialled, &hops);
        let planned = self
            .ctx
            .outside_plan(&self.caller.company, &d, &dialled, true);
        match planned.await {
            Ok(plan) => self.emergency(&plan).await,
            Err(e) => {
                tracing::warn!(error = %e, "emergency route failed");
                self.fail(503, "No Emergency Route Configured").await;
            }
        }
    }

    /// An emergency call: the recipients are told by mail, and the call goes out through the
    /// emergency route whatever blocks, limits or schedules say.
    pub(super) async fn emergency(&mut self, plan: &OutsidePlan) {
        if let Some(line) = self.caller.line.clone() {
            let caller_id = line
                .presentation_number
                .clone()
                .unwrap_or_else(|| line.extension.clone());
            match self
                .ctx
                .notify_emergency(&line, &plan.number, &caller_id)
                .await
            {
                Ok(n) => {
                    tracing::warn!(extension = %line.extension, notified = n, "emergency call")
                }
                Err(e) => tracing::error!(error = %e, "emergency notification failed"),
            }
        }
        if !self.ring_out(plan, true).await {
            self.fail(503, "No Emergency Route Configured").await;
        }
    }

    /// Places the business layer's plan for an outside number: its trunk, under the trunk's
    /// cap unless it is an emergency call, presenting its caller ID. False when the plan has no
    /// trunk.
    pub(super) async fn ring_out(&mut self, plan: &OutsidePlan, emergency: bool) -> bool {
        let Some(trunk) = &plan.trunk else {
            return false;
        };
        let addr = trunk.address;
        // A full trunk takes no more calls, except emergency calls.
        let slot = Slot::Trunk(trunk.id.to_string());
        if !emergency && !self.take_slot(slot, trunk.max_calls) {
            self.fail(503, "Trunk Busy").await;
            return true;
        }
        let Some(offer) = self.b_offer() else {
            return false;
        };
        let shown = &plan.caller_id;
        let caller_id = &shown.number;
        let domain = match &self.caller.line {
            Some(l) => l.sip_domain.clone(),
            None => self.ctx.local().ip().to_string(),
        };
        let from = if shown.withheld {
            ANONYMOUS_FROM.to_owned()
        } else {
            let name = shown.name.as_ref().unwrap_or(caller_id).replace('"', "");
            format!("\"{name}\" <sip:{caller_id}@{domain}>")
        };
        let mut extra = vec![("p-asserted-identity", format!("<sip:{caller_id}@{domain}>"))];
        if shown.withheld {
            extra.push(("privacy", "id".to_owned()));
        }
        let number = &plan.number;
        let ruri = format!("sip:{number}@{addr}");
        let to = format!("<sip:{number}@{addr}>");
        let auth = trunk
            .credentials
            .clone()
            .map(|(username, password)| TrunkAuth {
                username,
                password,
                tried: false,
            });
        self.phase = Phase::Ringing;
        self.ring_deadline = Some(self.ringing_until(None));
        let leg = Leg {
            ruri: &ruri,
            target: addr,
            route: Vec::new(),
        };
        self.fork(&from, &to, leg, offer, extra, auth).await;
        true
    }

    /// When ringing for `seconds` (none: as long as the plan lets it) must stop: never later
    /// than the longest ringing allowed, so a leg that rings forever (RFC 3261's Timer C, three
    /// minutes without an answer) does not hold a call, its ports and its slots for good.
    pub(super) fn ringing_until(&self, seconds: Option<u32>) -> Instant {
        let most = self.ctx.caps().max_ringing;
        let asked = seconds.map_or(most, |s| Duration::from_secs(u64::from(s)));
        Instant::now() + asked.min(most)
    }

    /// Sends a trunk leg's INVITE again with the answer to the carrier's challenge; false when
    /// it cannot (no credentials, or they were already refused).
    pub(super) async fn authenticate_fork(&mut self, idx: usize, m: &Message) -> bool {
        let code = m.code().unwrap_or(0);
        let (header, answer_header) = if code == 407 {
            ("proxy-authenticate", "proxy-authorization")
        } else {
            ("www-authenticate", "authorization")
        };
        let f = &mut self.forks[idx];
        let Some(auth) = f.auth.as_mut().filter(|a| !a.tried) else {
            return false;
        };
        auth.tried = true;
        let (user, pass) = (auth.username.clone(), auth.password.clone());
        let Some(answer) = m
            .headers_named(header)
            .filter_map(sb_sip::digest::parse_challenge)
            .find_map(|ch| sb_sip::digest::answer(&ch, "INVITE", &f.ruri, &user, &pass, &token()))
        else {
            return false;
        };
        self.resend_fork(idx, vec![(answer_header, answer)]).await;
        true
    }

    /// A far side that finds the session interval too small names its minimum (422, RFC 4028
    /// section 6): the fork is sent again asking for that, once per larger minimum, up to a day.
    pub(super) async fn retry_session_interval(&mut self, idx: usize, m: &Message) -> bool {
        let Some(min) = m
            .header("min-se")
            .and_then(|v| v.split(';').next()?.trim().parse::<u32>().ok())
        else {
            return false;
        };
        let asked = SessionExpires::of(&self.forks[idx].invite).map_or(0, |se| se.seconds);
        if min <= asked || min > 86_400 {
            return false;
        }
        let se = SessionExpires {
            seconds: min,
            refresher: None,
        };
        let set = vec![
            ("session-expires", se.to_string()),
            ("min-se", min.to_string()),
        ];
        self.resend_fork(idx, set).await;
        true
    }

    /// Sends fork `idx`'s INVITE again as a new transaction with `set` headers replaced.
    pub(super) async fn resend_fork(&mut self, idx: usize, set: Vec<(&str, String)>) {
        let f = &mut self.forks[idx];
        f.cseq += 1;
        f.branch = format!("z9hG4bK{}", token());
        let mut invite = f.invite.clone();
        invite.set_header("via", self.ctx.via(&f.branch, f.target));
        invite.set_header("cseq", format!("{} INVITE", f.cseq));
        for (name, value) in set {
            invite.set_header(name, value);
        }
        f.state = ForkState::Calling;
        f.invite = invite.clone();
        let (target, call_id) = (f.target, f.call_id.clone());
        // A new transaction: the failure that asked for it was acknowledged by its own.
        let reliable = self.ctx.on_stream(target);
        let steps = self.txs.send(
            invite,
            target,
            reliable,
            Purpose::Fork(call_id),
            Instant::now(),
        );
        self.transmit(steps).await;
    }
}
