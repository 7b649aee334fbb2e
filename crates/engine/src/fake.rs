//! The fake the services outside calls (presence, messaging, carrier registration) are unit-tested against: what a
//! service sends is kept as text with where it went; the lines, their devices and mailboxes are
//! as the test sets them; the messages kept are recorded with whether a device took them. The
//! answers to our requests are handed in through [`Fake::answer`], as the receive loop does.

use crate::admission::Numbers;
use crate::client::{Client, Pending};
use crate::messaging::{MessagingContext, Text};
use crate::ports::{Devices, Lines, Signalling};
use crate::presence::{Presence, PresenceContext};
use crate::upstream::Carriers;
use parking_lot::Mutex;
use sb_app::AppResult;
use sb_app::switch::SipLine;
use sb_app::trunks::Trunk;
use sb_domain::ids::{CompanyId, DepartmentId, LineId, MessageId};
use sb_sip::Message;
use sb_sip::registrar::{self, Binding, reply, uri_of};
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::Arc;

/// Switchboard's own address, as the fake transports name it in Via and Contact.
pub(crate) const LOCAL: &str = "198.51.100.1:5060";

pub(crate) fn addr(a: &str) -> SocketAddr {
    a.parse().unwrap()
}

pub(crate) fn parse(text: &str) -> Message {
    sb_sip::parse(text.as_bytes()).unwrap()
}

/// A message kept by the fake business layer, and whether a device took it.
#[derive(Debug, Clone)]
pub(crate) struct Kept {
    pub(crate) text: Text,
    pub(crate) delivered: bool,
}

#[derive(Default)]
pub(crate) struct Fake {
    pub(crate) sent: Mutex<Vec<(String, SocketAddr)>>,
    /// Peers on a TCP or TLS connection.
    pub(crate) streams: HashSet<SocketAddr>,
    pub(crate) pending: Pending,
    pub(crate) presence: Presence,
    /// The company's lines by extension; a request's From user names the line it comes from.
    pub(crate) lines: HashMap<String, SipLine>,
    pub(crate) devices: Mutex<HashMap<String, Vec<Binding>>>,
    /// New and old messages in each line's mailbox.
    pub(crate) mailboxes: Mutex<HashMap<LineId, (i64, i64)>>,
    pub(crate) kept: Mutex<Vec<Kept>>,
    /// The trunks as the business layer has them now.
    pub(crate) trunks: Mutex<Arc<Vec<Trunk>>>,
    /// The company each number a carrier may call belongs to.
    pub(crate) numbers: HashMap<String, CompanyId>,
}

impl Fake {
    /// A company with lines `extensions` in domain `acme.sip.test`, none of them registered.
    pub(crate) fn with_lines(extensions: &[&str]) -> Fake {
        let lines = extensions
            .iter()
            .map(|e| ((*e).to_owned(), line(e)))
            .collect();
        Fake {
            lines,
            ..Fake::default()
        }
    }

    /// `device` registers on line `extension` from its own address.
    pub(crate) fn register(&self, extension: &str, device: &str) {
        let binding = Binding {
            contact: format!("sip:{extension}@{device}"),
            expires_at_ms: i64::MAX,
            call_id: format!("reg-{device}"),
            cseq: 1,
            source: device.to_owned(),
            path: Vec::new(),
            user_agent: String::new(),
        };
        let aor = format!("{extension}@acme.sip.test");
        self.devices.lock().entry(aor).or_default().push(binding);
    }

    /// What was sent since the last look, in order.
    pub(crate) fn take_sent(&self) -> Vec<(String, SocketAddr)> {
        std::mem::take(&mut *self.sent.lock())
    }

    /// A response arrives from the network: handed to our request waiting for it, if any.
    pub(crate) fn answer(&self, response: &Message) -> bool {
        self.pending.answer(response)
    }
}

pub(crate) fn line(extension: &str) -> SipLine {
    SipLine {
        id: LineId::from_raw(format!("line-{extension}")),
        company_id: CompanyId::from_raw("acme"),
        extension: extension.to_owned(),
        calling_name: Some(format!("Line {extension}")),
        presentation_number: None,
        aor: format!("{extension}@acme.sip.test"),
        sip_domain: "acme.sip.test".to_owned(),
        departments: vec![DepartmentId::from_raw("dept")],
        language: "en".to_owned(),
        second_language: None,
        record_calls: false,
    }
}

/// The answer `status` ("200 OK") a peer gives to `request`, its To tagged when it had none.
pub(crate) fn answer_to(request: &Message, status: &str) -> Message {
    let h = |n| request.header(n).unwrap_or_default();
    let to = if h("to").contains(";tag=") {
        h("to").to_owned()
    } else {
        format!("{};tag=peer", h("to"))
    };
    parse(&format!(
        "SIP/2.0 {status}\r\nVia: {}\r\nFrom: {}\r\nTo: {to}\r\nCall-ID: {}\r\nCSeq: {}\r\n\
         Content-Length: 0\r\n\r\n",
        h("via"),
        h("from"),
        h("call-id"),
        h("cseq"),
    ))
}

impl Signalling for Fake {
    async fn send_bytes(&self, bytes: &[u8], to: SocketAddr) {
        let text = String::from_utf8_lossy(bytes).into_owned();
        self.sent.lock().push((text, to));
    }
    fn on_stream(&self, to: SocketAddr) -> bool {
        self.streams.contains(&to)
    }
    fn via(&self, branch: &str, to: SocketAddr) -> String {
        let transport = if self.on_stream(to) { "TCP" } else { "UDP" };
        format!("SIP/2.0/{transport} {LOCAL};rport;branch={branch}")
    }
    fn contact_for(&self, _: SocketAddr) -> String {
        format!("<sip:switchboard@{LOCAL}>")
    }
    fn local(&self) -> SocketAddr {
        addr(LOCAL)
    }
}

impl Client for Fake {
    fn pending(&self) -> &Pending {
        &self.pending
    }
}

impl Lines for Fake {
    /// The line the From's user names; a From naming no line is refused as the real check
    /// refuses a wrong password.
    async fn authenticate_line(&self, msg: &Message, _: SocketAddr) -> Result<SipLine, Message> {
        let user = msg
            .header("from")
            .map(uri_of)
            .and_then(registrar::user_of)
            .unwrap_or_default();
        self.lines
            .get(user)
            .cloned()
            .ok_or_else(|| reply(msg, 403, "Forbidden", &[]))
    }
}

impl Devices for Fake {
    fn devices(&self, aor: &str) -> Vec<Binding> {
        self.devices.lock().get(aor).cloned().unwrap_or_default()
    }
    fn device_address(&self, b: &Binding) -> Option<SocketAddr> {
        b.source.parse().ok()
    }
}

impl PresenceContext for Fake {
    fn presence(&self) -> &Presence {
        &self.presence
    }
    async fn line_by_extension(&self, _: &CompanyId, ext: &str) -> AppResult<Option<SipLine>> {
        Ok(self.lines.get(ext).cloned())
    }
    async fn voicemail_counts(&self, line: &LineId) -> AppResult<(i64, i64)> {
        Ok(self.mailboxes.lock().get(line).copied().unwrap_or((0, 0)))
    }
}

impl MessagingContext for Fake {
    async fn accept(
        &self,
        sender: &SipLine,
        to: &str,
        content_type: &str,
        body: &[u8],
    ) -> AppResult<Option<crate::messaging::Kept>> {
        let Some(line) = self.lines.get(to) else {
            return Ok(None);
        };
        let mut kept = self.kept.lock();
        let text = Text {
            id: MessageId::from_raw(format!("msg-{}", kept.len() + 1)),
            aor: line.aor.clone(),
            domain: line.sip_domain.clone(),
            extension: line.extension.clone(),
            from_number: sender.extension.clone(),
            from_name: sender.calling_name.clone(),
            content_type: content_type.to_owned(),
            body: String::from_utf8_lossy(body).into_owned(),
        };
        kept.push(Kept {
            text: text.clone(),
            delivered: false,
        });
        Ok(Some(crate::messaging::Kept::Line(text)))
    }
    async fn waiting(&self, domain: &str, username: &str) -> AppResult<Vec<Text>> {
        let aor = format!("{username}@{domain}");
        let kept = self.kept.lock();
        let waiting = kept.iter().filter(|k| !k.delivered && k.text.aor == aor);
        Ok(waiting.map(|k| k.text.clone()).collect())
    }
    async fn delivered(&self, id: &MessageId) -> AppResult<()> {
        for k in self.kept.lock().iter_mut().filter(|k| &k.text.id == id) {
            k.delivered = true;
        }
        Ok(())
    }
}

impl Carriers for Fake {
    async fn trunks(&self) -> AppResult<Arc<Vec<Trunk>>> {
        Ok(self.trunks.lock().clone())
    }
}

impl Numbers for Fake {
    async fn company_of_number(
        &self,
        number: &str,
        _: Option<&CompanyId>,
    ) -> AppResult<Option<CompanyId>> {
        Ok(self.numbers.get(number).cloned())
    }
}
