//! Requests inside the dialog: BYE, and what one side asks of the other passed along with its
//! answer (re-INVITE, UPDATE, INFO).

use super::*;

impl<C: CallContext> Call<C> {
    /// A request for the given side's dialog, with our next CSeq on it.
    pub(super) fn dialog_request(
        &mut self,
        side: Side,
        method: &str,
    ) -> Option<(Message, SocketAddr, u32)> {
        let branch = format!("z9hG4bK{}", token());
        match side {
            Side::A => {
                self.a_cseq += 1;
                let to = self.a_invite.header("from")?.to_owned();
                let from = self.a_to_header();
                let headers = vec![
                    ("via", self.via(&branch, self.a_addr)),
                    ("max-forwards", "70".into()),
                    ("from", from),
                    ("to", to),
                    ("call-id", self.a_call_id.clone()),
                    ("cseq", format!("{} {method}", self.a_cseq)),
                    ("contact", self.contact(self.a_addr)),
                ];
                let route = sb_sip::route::uas_route_set(&self.a_invite);
                let m = Message::request(
                    method,
                    &self.a_contact,
                    with_route(headers, &route),
                    Vec::new(),
                );
                Some((m, self.a_addr, self.a_cseq))
            }
            Side::B => {
                let idx = self.winner?;
                self.b_cseq += 1;
                let f = &self.forks[idx];
                let mut m = self.fork_request(
                    idx,
                    method,
                    f.dialog_uri(),
                    &branch,
                    f.dialog_to(),
                    self.b_cseq,
                );
                m.set_header("contact", self.contact(f.target));
                Some((m, f.target, self.b_cseq))
            }
        }
    }

    pub(super) fn call_id_of(&self, side: Side) -> String {
        match side {
            Side::A => self.a_call_id.clone(),
            Side::B => self
                .winner
                .map(|i| self.forks[i].call_id.clone())
                .unwrap_or_default(),
        }
    }

    pub(super) async fn bye(&mut self, side: Side) {
        if let Some((m, to, cseq)) = self.dialog_request(side, "BYE") {
            let id = self.call_id_of(side);
            self.send_request(m, to, id, cseq).await;
        }
    }

    pub(super) async fn bye_fork(&mut self, idx: usize) {
        let f = &self.forks[idx];
        let branch = format!("z9hG4bK{}", token());
        let m = self.fork_request(
            idx,
            "BYE",
            f.dialog_uri(),
            &branch,
            f.dialog_to(),
            f.cseq + 1,
        );
        let (target, id, n) = (f.target, f.call_id.clone(), f.cseq + 1);
        self.forks[idx].state = ForkState::Done(200);
        self.send_request(m, target, id, n).await;
    }

    /// Passes an in-dialog request from one side to the other (hold, resume, codec change,
    /// DTMF by INFO), its SDP pointed at the relay.
    pub(super) async fn forward(&mut self, from_side: Side, m: Message, from: SocketAddr) {
        if let Some(d) = &self.deposit {
            // Talking to Switchboard itself: nothing to pass on; the media stays as agreed.
            let contact = self.contact(from);
            let mut r = reply(&m, 200, "OK", &[("Contact", &contact)]);
            if m.method() != Some("INFO") {
                r.body = d.sdp.clone();
                r.set_header("content-type", "application/sdp".to_owned());
            }
            self.ctx.send(&r, from).await;
            return;
        }
        let (n, method) = m.cseq().unwrap_or((0, ""));
        if let Some((side, cseq, meth, bytes, to)) = &self.last_reply
            && *side == from_side
            && *cseq == n
            && meth == method
        {
            // A retransmission of a request already answered: the answer was lost.
            let (bytes, to) = (bytes.clone(), *to);
            self.ctx.send_bytes(&bytes, to).await;
            return;
        }
        if let Some(p) = &self.pending {
            let again = p.toward != from_side
                && p.origin
                    .cseq()
                    .is_some_and(|(k, meth)| k == n && meth == method);
            if again {
                // The sender repeats its request while the other side thinks: it is on its
                // way (and being repeated to the other side by us).
                if method == "INVITE" {
                    let r = reply(&m, 100, "Trying", &[]);
                    self.ctx.send(&r, from).await;
                }
                return;
            }
            let r = reply(&m, 491, "Request Pending", &[]);
            self.ctx.send(&r, from).await;
            return;
        }
        let toward = match from_side {
            Side::A => Side::B,
            Side::B => Side::A,
        };
        let method = m.method().unwrap_or_default().to_owned();
        let Some((mut out, to, cseq)) = self.dialog_request(toward, &method) else {
            return;
        };
        for (name, value) in timer_headers(&m) {
            out.set_header(name, value);
        }
        if !m.body.is_empty() {
            let is_sdp = m
                .header("content-type")
                .is_some_and(|t| t.eq_ignore_ascii_case("application/sdp"));
            if is_sdp {
                if let Some(addr) = sdp::audio_target(&m.body) {
                    self.relay
                        .redescribe(from_side, addr, self.signalling_ip(from_side));
                }
                let facing = if toward == Side::A {
                    self.relay.a_addr
                } else {
                    self.relay.b_addr
                };
                out.body = sdp::rewrite(&m.body, facing).unwrap_or_else(|| m.body.clone());
            } else {
                out.body = m.body.clone();
            }
            if let Some(t) = m.header("content-type") {
                out.set_header("content-type", t.to_owned());
            }
        }
        // Over UDP the request is ours to repeat until the other side answers.
        let id = self.call_id_of(toward);
        self.send_request(out, to, id, cseq).await;
        self.pending = Some(Pending {
            toward,
            cseq,
            method,
            origin: m,
            origin_addr: from,
        });
    }

    /// A response on a leg to something other than the first INVITE.
    pub(super) async fn answer_from(&mut self, side: Side, m: Message) {
        let Some((n, method)) = m.cseq() else {
            return;
        };
        let code = m.code().unwrap_or(500);
        let matches = self
            .pending
            .as_ref()
            .is_some_and(|p| p.toward == side && p.cseq == n && p.method == method);
        if !matches {
            if let Some((s, k, bytes, to)) = &self.last_ack
                && *s == side
                && *k == n
                && method == "INVITE"
                && (200..300).contains(&code)
            {
                // The other side did not get our ACK and repeats its 2xx.
                let (bytes, to) = (bytes.clone(), *to);
                self.ctx.send_bytes(&bytes, to).await;
            }
            return;
        }
        if code < 200 && code != 180 && code != 183 {
            return;
        }
        let Some(p) = (if code >= 200 {
            self.pending.take()
        } else {
            None
        }) else {
            return;
        };
        if method == "INVITE" && (200..300).contains(&code) {
            // We answered for the far side; its ACK ends here and ours goes to this side.
            if let Some((mut ack, to, _)) = self.dialog_request(side, "ACK") {
                ack.set_header("cseq", format!("{n} ACK"));
                let bytes = ack.to_bytes();
                self.ctx.send_bytes(&bytes, to).await;
                self.last_ack = Some((side, n, bytes, to));
            }
            match side {
                Side::A => self.a_cseq -= 1,
                Side::B => self.b_cseq -= 1,
            }
        }
        let back = p.toward;
        let origin_side = if back == Side::A { Side::B } else { Side::A };
        let reason = match &m.start {
            sb_sip::StartLine::Response { reason, .. } => reason.clone(),
            sb_sip::StartLine::Request { .. } => String::new(),
        };
        let contact = self.contact(p.origin_addr);
        let mut r = reply(&p.origin, code, &reason, &[("Contact", &contact)]);
        if (200..300).contains(&code) && matches!(method, "INVITE" | "UPDATE") {
            // A refresh (RFC 4028 section 7.4): the interval starts again, as now agreed.
            for (name, value) in self.session.agree(&p.origin, &m, Instant::now()) {
                r.set_header(name, value);
            }
        }
        if !m.body.is_empty() {
            if let Some(addr) = sdp::audio_target(&m.body) {
                self.relay.redescribe(side, addr, self.signalling_ip(side));
            }
            let facing = if origin_side == Side::A {
                self.relay.a_addr
            } else {
                self.relay.b_addr
            };
            r.body = sdp::rewrite(&m.body, facing).unwrap_or_else(|| m.body.clone());
            if let Some(t) = m.header("content-type") {
                r.set_header("content-type", t.to_owned());
            }
        }
        let bytes = r.to_bytes();
        self.ctx.send_bytes(&bytes, p.origin_addr).await;
        let (origin_n, origin_method) = p
            .origin
            .cseq()
            .map_or((0, String::new()), |(k, meth)| (k, meth.to_owned()));
        if origin_method == "INVITE" && (200..300).contains(&code) {
            // Ours to repeat until the ACK comes.
            self.txs
                .await_ack(r.clone(), p.origin_addr, false, Instant::now());
        }
        self.last_reply = Some((origin_side, origin_n, origin_method, bytes, p.origin_addr));
    }
}
