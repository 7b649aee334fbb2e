//! Switchboard's own media in a call: voicemail, the voice portal, conferences, announcements,
//! and the end of the forks that lost.

use super::*;
use sb_domain::routing::mailbox::Greeting;
use sb_media::dialogue;
use std::future::Future;

/// The media endpoint's recording limits for a message.
pub(super) fn media_limits(l: MessageLimits) -> media::Limits {
    media::Limits {
        max: Duration::from_secs(u64::from(l.max_seconds)),
        silence: Duration::from_secs(u64::from(l.silence_seconds)),
    }
}

/// A call application: Switchboard answers the caller with its own media endpoint and runs the
/// application on it, in a task of its own, until it is done or the caller hangs up. The plan
/// chooses which: a line's voicemail step ([`Deposit`]), `*97` and `*98` ([`VoicePortal`]), the
/// company's bridge number ([`Bridge`]), a call-in agent's number (`queue::CallInAgent`). A new
/// one (an auto attendant, a fax receiver) is one more implementation and one more arm where the
/// plan is read.
pub(super) trait CallApp: Send + 'static {
    /// The mailbox what the application records goes to, with the limits of a message: only a
    /// deposit has one.
    fn mailbox(&self) -> Option<(SipLine, MessageLimits)> {
        None
    }
    /// Talks with the caller on `io`; what it recorded for the mailbox comes back.
    fn run(self, io: media::Io) -> impl Future<Output = Option<Recording>> + Send;
}

/// A voicemail deposit: the plan's greeting, a beep, and the message recorded within the
/// mailbox plan's limits.
pub(super) struct Deposit {
    line: SipLine,
    limits: MessageLimits,
    greeting: dialogue::Greeting,
}

impl CallApp for Deposit {
    fn mailbox(&self) -> Option<(SipLine, MessageLimits)> {
        Some((self.line.clone(), self.limits))
    }
    async fn run(self, mut io: media::Io) -> Option<Recording> {
        let limits = media_limits(self.limits);
        Some(dialogue::deposit(&mut io, self.greeting, limits).await)
    }
}

/// The voice portal: the caller's own mailbox, or any of the company's by extension.
pub(super) struct VoicePortal<C> {
    ctx: Arc<C>,
    langs: (String, Option<String>),
    mailbox: crate::portal::Mailbox,
    source: String,
}

impl<C: CallContext> CallApp for VoicePortal<C> {
    async fn run(self, io: media::Io) -> Option<Recording> {
        let Self {
            ctx,
            langs,
            mailbox,
            source,
        } = self;
        ctx.voice_portal(io, langs, mailbox, source).await;
        None
    }
}

/// The company's conference bridge: an access code, then the conference's room.
pub(super) struct Bridge<C> {
    ctx: Arc<C>,
    langs: (String, Option<String>),
    caller: crate::conference::Caller,
}

impl<C: CallContext> CallApp for Bridge<C> {
    async fn run(self, io: media::Io) -> Option<Recording> {
        self.ctx.conference(io, self.langs, self.caller).await;
        None
    }
}

impl<C: CallContext> Call<C> {
    /// greeting (the line's own, or the standard one in the company's language or, if the caller
    /// asks, its second one) and a beep, and records until the caller hangs up, presses `#`,
    /// stops talking or reaches the maximum length.
    pub(super) async fn voicemail(&mut self) {
        let (Some(line), Some(mailbox)) = (self.target.clone(), self.mailbox.clone()) else {
            self.fail(480, "Temporarily Unavailable").await;
            return;
        };
        let greeting = self.greeting_of(&line, &mailbox.greeting).await;
        // For the line it is a missed call (with a message); for the caller an answered one.
        self.mark(Outcome::Missed);
        let limits = mailbox.limits;
        self.serve(Deposit {
            line,
            limits,
            greeting,
        })
        .await;
    }

    /// The greeting the plan names for `line`'s mailbox: its own (the standard one should it
    /// have become unreadable since), or the standard one in the company's language (or the
    /// second, if the caller takes it).
    pub(super) async fn greeting_of(&self, line: &SipLine, plan: &Greeting) -> dialogue::Greeting {
        let standard = |first: &str, second: Option<&str>| dialogue::Greeting::Standard {
            prompts: self.ctx.prompts().clone(),
            first: first.to_owned(),
            second: second.map(str::to_owned),
        };
        match plan {
            Greeting::Own => match self.ctx.line_greeting(&line.id).await {
                Some(own) => dialogue::Greeting::Own(own.into()),
                None => standard(&line.language, line.second_language.as_deref()),
            },
            Greeting::Standard {
                language,
                second_language,
            } => standard(language, second_language.as_deref()),
        }
    }

    /// Answers the caller with Switchboard's media endpoint and runs `app` on it in a task of
    /// its own; what it recorded comes back to [`Self::media_done`] (a deposit for its mailbox).
    pub(super) async fn serve(&mut self, app: impl CallApp) {
        let mailbox = app.mailbox();
        let Some((io, stop, sdp, port)) = self.open_media().await else {
            return;
        };
        let done = self.recorded.clone();
        tokio::spawn(async move {
            let _ = done.send(app.run(io).await);
        });
        self.deposit = Some(MediaSession {
            mailbox,
            stop: Some(stop),
            sdp: sdp.clone(),
            _port: port,
        });
        self.answer_media(sdp).await;
    }

    /// Opens Switchboard's media endpoint for the caller (G.711 as offered, RFC 4733 digits):
    /// the session, its stop switch, our SDP answer and the port. `None` when the call had to
    /// be refused (and was).
    pub(super) async fn open_media(
        &mut self,
    ) -> Option<(
        media::Io,
        tokio::sync::oneshot::Sender<()>,
        Vec<u8>,
        MediaPort,
    )> {
        if self.late_offer {
            // Switchboard's own media answers offers; it does not make them.
            self.fail(488, "Not Acceptable Here: An Offer In The INVITE Is Needed")
                .await;
            return None;
        }
        let Some(codec) = sb_media::codec::Codec::from_offer(&self.a_offer) else {
            self.fail(488, "Not Acceptable Here: G.711 Is Needed").await;
            return None;
        };
        let Some(peer) = sdp::audio_target(&self.a_offer) else {
            self.fail(488, "Not Acceptable Here").await;
            return None;
        };
        let Some((socket, port)) = self.ctx.ports().media_socket() else {
            self.fail(503, "No Media Ports").await;
            return None;
        };
        let sdp = self.our_sdp(port.port, codec);
        let (stop, stopped) = tokio::sync::oneshot::channel();
        Some((
            media::Io::new(
                socket,
                Latch::expecting(peer, self.signalling_ip(Side::A), self.ctx.ports().reach()),
                codec,
                stopped,
            ),
            stop,
            sdp,
            port,
        ))
    }

    /// The offer for a B leg: the caller's, pointed at the relay (or the one codec already
    /// answered to the caller).
    pub(super) fn b_offer(&self) -> Option<Vec<u8>> {
        if self.late_offer {
            // No offer to pass on: the phone makes one in its answer.
            return Some(Vec::new());
        }
        match &self.fixed_offer {
            Some(o) => Some(o.clone()),
            None => sdp::rewrite(&self.a_offer, self.relay.b_addr),
        }
    }

    /// "announcing calls will inform the caller that they are being redirected".
    /// The caller hears it as early media (183) on the call's relay, from a media session on
    /// the relay's far side, followed by ringback until the redirect is answered.
    pub(super) async fn announce_redirect(&mut self) {
        if self.announcing.is_some() || self.phase == Phase::Ended {
            return;
        }
        let Some(codec) = sb_media::codec::Codec::from_offer(&self.a_offer) else {
            return;
        };
        let Some((socket, port)) = self.ctx.ports().media_socket() else {
            return;
        };
        let lang = self
            .target
            .as_ref()
            .map_or("en".to_owned(), |t| t.language.clone());
        let prompt = self.ctx.prompts().get(&lang, "redirecting");
        let answer = self.our_sdp(self.relay.a_addr.port(), codec);
        self.fixed_offer = Some(self.our_sdp(self.relay.b_addr.port(), codec));
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let mut io = media::Io::new(socket, Latch::exact(self.relay.b_addr), codec, stopped);
        // It talks in the called side's place, so the phone that answers is heard only once
        // connected, and its own packets still show the relay where it is.
        self.relay.stand_in(Side::B, Some(port.addr()));
        tokio::spawn(async move {
            let _port = port;
            if io.play(&prompt, false).await.is_ok() {
                let ringback = media::ringback();
                while io.play(&ringback, false).await.is_ok() {}
            }
        });
        self.announcing = Some(stop);
        self.ringing_sent = true;
        self.answer_a(183, "Session Progress", Some(answer)).await;
    }

    /// A description of audio at Switchboard's `port`: one G.711 codec and RFC 4733 digits.
    pub(super) fn our_sdp(&self, port: u16, codec: sb_media::codec::Codec) -> Vec<u8> {
        let ip = self.ctx.ports().ip();
        let family = if ip.is_ipv4() { "IP4" } else { "IP6" };
        let (pt, name, te) = (codec.payload_type(), codec.name(), media::TELEPHONE_EVENT);
        format!(
            "v=0\r\no=switchboard {id} 1 IN {family} {ip}\r\ns=Switchboard\r\nc=IN {family} {ip}\r\nt=0 0\r\nm=audio {port} RTP/AVP {pt} {te}\r\na=rtpmap:{pt} {name}/8000\r\na=rtpmap:{te} telephone-event/8000\r\na=fmtp:{te} 0-15\r\na=ptime:20\r\na=sendrecv\r\n",
            id = self.started_ms,
        )
        .into_bytes()
    }

    /// Answers the caller with the media endpoint's SDP.
    pub(super) async fn answer_media(&mut self, sdp: Vec<u8>) {
        self.phase = Phase::Answered;
        self.answered_ms = Some(self.ctx.now_ms());
        self.status = 200;
        self.answer_a(200, "OK", Some(sdp)).await;
    }

    /// `*97` (own mailbox) or `*98` (any mailbox of the company): the voice portal.
    pub(super) async fn portal(&mut self, own: bool) {
        let Some(line) = self.caller.line.clone() else {
            self.fail(404, "Not Found").await;
            return;
        };
        let mailbox = if own {
            crate::portal::Mailbox::Own(line.id.clone())
        } else {
            crate::portal::Mailbox::Any(line.company_id.clone())
        };
        self.serve(VoicePortal {
            ctx: self.ctx.clone(),
            langs: (line.language.clone(), line.second_language.clone()),
            mailbox,
            source: self.a_addr.ip().to_string(),
        })
        .await;
    }

    /// The company's conference bridge: the caller keys in an access code and joins.
    pub(super) async fn conference(&mut self, language: String, second: Option<String>) {
        let caller = crate::conference::Caller {
            company: self.caller.company.clone(),
            line_source: self.caller.line.is_some().then_some(self.a_addr),
        };
        self.serve(Bridge {
            ctx: self.ctx.clone(),
            langs: (language, second),
            caller,
        })
        .await;
    }

    /// The media task finished: a deposit's message is stored, and if the caller is still
    /// there (the recording ended by silence, `#` or length, the portal said goodbye) the call
    /// is ended.
    pub(super) async fn media_done(&mut self, r: Option<Recording>) {
        let Some(d) = self.deposit.take() else {
            return;
        };
        if self.phase != Phase::Ended {
            self.bye(Side::A).await;
            self.end();
        }
        let (Some(r), Some((line, limits))) = (r, d.mailbox) else {
            return;
        };
        if !limits.keeps(r.samples.len(), r.voiced) {
            return;
        }
        let (caller_number, caller_name) = self.shown();
        let deposit = sb_app::voicemail::Deposit {
            company_id: line.company_id.clone(),
            line_id: line.id.clone(),
            caller_number,
            caller_name,
            samples: r.samples,
        };
        let ctx = self.ctx.clone();
        // Storing (and encoding) a few minutes of audio is not for the call's own task.
        tokio::spawn(async move {
            if let Err(e) = ctx.deposit_voicemail(deposit).await {
                tracing::warn!(error = %e, "could not store a voicemail message");
            }
        });
    }

    /// Cancels every fork still ringing except `keep`.
    pub(super) async fn cancel_forks(&mut self, keep: Option<usize>) {
        for i in 0..self.forks.len() {
            if Some(i) != keep {
                self.cancel_fork(i).await;
            }
        }
        self.ring_deadline = None;
    }

    /// Cancels fork `i` if it is still ringing.
    pub(super) async fn cancel_fork(&mut self, i: usize) {
        let f = &self.forks[i];
        if !matches!(f.state, ForkState::Calling | ForkState::Proceeding) {
            return;
        }
        let cancel = self.fork_request(i, "CANCEL", &f.ruri, &f.branch, f.to.clone(), f.cseq);
        let (target, call_id) = (f.target, f.call_id.clone());
        self.forks[i].state = ForkState::Cancelled;
        let reliable = self.ctx.on_stream(target);
        let steps = self
            .txs
            .cancel(&call_id, cancel, target, reliable, Instant::now());
        self.transmit(steps).await;
    }

    /// Sends a request on a leg's dialog as a client transaction of its own: repeated over
    /// UDP until its final answer, given up after Timer F (or B).
    pub(super) async fn send_request(
        &mut self,
        m: Message,
        to: SocketAddr,
        call_id: String,
        cseq: u32,
    ) {
        let reliable = self.ctx.on_stream(to);
        let purpose = Purpose::Request(call_id, cseq);
        let steps = self.txs.send(m, to, reliable, purpose, Instant::now());
        self.transmit(steps).await;
    }
}
