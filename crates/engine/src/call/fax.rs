//! A line's fax number: the call is answered by a fax receiver (T.30 over G.711 passthrough,
//! `sb-fax`), and a fax received whole goes to the line's inbox.

use super::apps::CallApp;
use super::*;
use sb_app::faxes::NewFax;

/// The longest a fax call may last: a long document at the slowest rate takes minutes, and a
/// caller that never stops must not hold a media port for ever.
const MAX_FAX: Duration = Duration::from_secs(15 * 60);
/// One packet of audio: 20 ms at 8 kHz.
const FRAME: usize = 160;
/// The caller's audio is taken once this much has arrived, so that a packet a little late
/// still finds its place rather than being filled in (a modem's signal has no room for gaps).
const PRIMING: usize = 2 * FRAME;
/// More than this waiting (a burst after a stall) is taken at once, so the delay stays short.
const MOST_WAITING: usize = 10 * FRAME;

/// Receives a fax on the call's media endpoint.
pub(super) struct FaxReceiver<C> {
    ctx: Arc<C>,
    line: SipLine,
    caller: (String, Option<String>),
    /// The CSI the receiver gives: the line's number, else its extension.
    ident: String,
}

impl<C: CallContext> CallApp for FaxReceiver<C> {
    async fn run(self, mut io: media::Io) -> Option<Recording> {
        let receiver = self.start()?;
        let receiver = receive(receiver, &mut io).await;
        // Turning the pages into a PDF reads and writes files: not for the async workers.
        match tokio::task::spawn_blocking(move || receiver.finish()).await {
            Ok(Ok(fax)) => self.deliver(fax).await,
            Ok(Err(e)) => tracing::info!(line = %self.line.id, error = %e, "no fax received"),
            Err(e) => tracing::warn!(line = %self.line.id, error = %e, "the fax receiver stopped"),
        }
        None
    }
}

impl<C: CallContext> FaxReceiver<C> {
    /// The receiver, its pages written under the context's fax directory; `None` (and the
    /// call ended) when it cannot start, e.g. spandsp is not installed.
    fn start(&self) -> Option<sb_fax::Receiver> {
        let dir = self.ctx.fax_dir();
        let started = std::fs::create_dir_all(dir)
            .map_err(|e| e.to_string())
            .and_then(|()| sb_fax::Receiver::new(dir, &self.ident).map_err(|e| e.to_string()));
        if let Err(e) = &started {
            tracing::warn!(line = %self.line.id, error = %e, "the fax receiver could not start");
        }
        started.ok()
    }

    /// A fax received whole, to the line's inbox.
    async fn deliver(self, fax: sb_fax::ReceivedFax) {
        let f = NewFax {
            company_id: self.line.company_id.clone(),
            line_id: self.line.id.clone(),
            caller_number: self.caller.0,
            caller_name: self.caller.1,
            remote_ident: fax.remote_ident,
            pages: fax.pages,
            bit_rate: fax.bit_rate,
            pdf: fax.pdf,
        };
        if let Err(e) = self.ctx.store_fax(f).await {
            tracing::warn!(line = %self.line.id, error = %e, "could not store a fax");
        }
    }
}

/// Runs the T.30 session against the caller, a frame every 20 ms, until it is over, the caller
/// hangs up or [`MAX_FAX`] passes; the receiver comes back for its document.
async fn receive(mut rx: sb_fax::Receiver, io: &mut media::Io) -> sb_fax::Receiver {
    let mut heard = VecDeque::with_capacity(MOST_WAITING + FRAME);
    let mut out = [0i16; FRAME];
    let mut primed = false;
    let mut frame = [0i16; FRAME];
    let frames = MAX_FAX.as_millis() / 20;
    for _ in 0..frames {
        if rx.is_over() {
            break;
        }
        rx.tx(&mut out);
        if io.exchange(&out, &mut heard).await.is_err() {
            break;
        }
        primed |= heard.len() >= PRIMING;
        // The T.30 timers count samples: a step with nothing to hear still moves them.
        if !primed || heard.len() < FRAME {
            rx.lost(FRAME);
            continue;
        }
        while heard.len() >= FRAME {
            for (s, h) in frame.iter_mut().zip(heard.drain(..FRAME)) {
                *s = h;
            }
            rx.rx(&frame);
            if heard.len() < MOST_WAITING {
                break;
            }
        }
    }
    rx
}

impl<C: CallContext> Call<C> {
    /// A call to the line's fax number: answered at once by the fax receiver. For the line it
    /// is a received call (its log shows the fax call); the fax itself goes to its inbox.
    pub(super) async fn fax(&mut self, line: SipLine) {
        if !self.take_slot(Slot::Line(line.id.clone()), self.ctx.caps().line) {
            self.fail(486, "Busy Here").await;
            return;
        }
        self.recount(Some(&line));
        self.reached.push((line.clone(), Outcome::Answered));
        self.target = Some(line.clone());
        let ident = fax_ident(&self.dialled, &line);
        self.serve(FaxReceiver {
            ctx: self.ctx.clone(),
            caller: self.shown(),
            line,
            ident,
        })
        .await;
    }
}

/// The identity (T.30 CSI) the receiver gives: the number dialled in E.164 when it is one
/// (digits and `+`, 20 characters at most), else the line's extension.
fn fax_ident(dialled: &str, line: &SipLine) -> String {
    let digits = dialled.trim_start_matches('+');
    if !digits.is_empty() && digits.len() < 20 && digits.bytes().all(|b| b.is_ascii_digit()) {
        format!("+{digits}")
    } else {
        line.extension.clone()
    }
}
