//! Which transaction a message belongs to (RFC 3261 sections 17.1.3 and 17.2.3).
//!
//! Only RFC 3261 branches (starting with the magic cookie `z9hG4bK`) are keyed. The RFC 2543
//! fallback of section 17.2.3 (matching on Request-URI, tags, Call-ID, CSeq and the whole Via)
//! is left out: a message without a cookie branch matches no transaction and goes to the TU as
//! it is, which answers it statelessly.

use crate::message::Message;
use crate::route::entries;
use crate::types::{Method, header};

/// The magic cookie every RFC 3261 branch starts with (section 8.1.1.7).
pub const MAGIC_COOKIE: &str = "z9hG4bK";

/// Whether the key names a transaction we sent (client) or one we received (server). A
/// B2BUA holds both in one table, and a looped request must not match its own client side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Client,
    Server,
}

/// A transaction's identity: the top Via's branch, the method (ACK counted as INVITE on the
/// server side), and for server transactions the top Via's sent-by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TransactionKey {
    pub role: Role,
    pub branch: String,
    pub method: Method,
    /// The top Via's sent-by, lower-cased; `None` for client transactions (section 17.1.3
    /// matches a response on branch and CSeq method alone).
    pub sent_by: Option<String>,
}

impl TransactionKey {
    /// The client transaction a request we send makes (section 17.1.3): its top Via branch and
    /// its method.
    pub fn of_sent_request(req: &Message) -> Option<Self> {
        Some(TransactionKey {
            role: Role::Client,
            branch: branch(top_via(req)?)?.to_owned(),
            method: req.method_typed()?,
            sent_by: None,
        })
    }

    /// The client transaction a response we receive belongs to (section 17.1.3): the top Via
    /// branch and the CSeq method, so a 200 to a CANCEL is not taken for one to its INVITE.
    pub fn of_response(resp: &Message) -> Option<Self> {
        Some(TransactionKey {
            role: Role::Client,
            branch: branch(top_via(resp)?)?.to_owned(),
            method: resp.cseq_typed()?.1,
            sent_by: None,
        })
    }

    /// The server transaction a request we receive belongs to (section 17.2.3): branch,
    /// sent-by and method, an ACK matching the INVITE it acknowledges.
    pub fn of_received_request(req: &Message) -> Option<Self> {
        let via = top_via(req)?;
        let method = match req.method_typed()? {
            Method::Ack => Method::Invite,
            m => m,
        };
        Some(TransactionKey {
            role: Role::Server,
            branch: branch(via)?.to_owned(),
            method,
            sent_by: Some(sent_by(via)?.to_ascii_lowercase()),
        })
    }

    /// For a received CANCEL, the INVITE server transaction it cancels: the same key with the
    /// method INVITE (section 9.2).
    pub fn cancelled_invite(&self) -> Option<Self> {
        (self.role == Role::Server && self.method == Method::Cancel).then(|| TransactionKey {
            method: Method::Invite,
            ..self.clone()
        })
    }
}

/// The first entry of the first Via header.
pub fn top_via(m: &Message) -> Option<&str> {
    entries(m.headers_named(header::VIA)).into_iter().next()
}

/// A Via's branch, when it is an RFC 3261 one.
pub fn branch(via: &str) -> Option<&str> {
    crate::registrar::param(via, "branch").filter(|b| b.starts_with(MAGIC_COOKIE))
}

/// A Via's sent-by (`host[:port]`): what follows the protocol, before the parameters.
pub fn sent_by(via: &str) -> Option<&str> {
    let (_protocol, rest) = via.trim().split_once(char::is_whitespace)?;
    let sent_by = rest.split(';').next()?.trim();
    (!sent_by.is_empty()).then_some(sent_by)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    fn msg(text: &str) -> Message {
        parse(text.as_bytes()).unwrap()
    }

    const INVITE: &str = "INVITE sip:201@acme.sip.test SIP/2.0\r\nVia: SIP/2.0/UDP Pc33.Atlanta.example:5060;branch=z9hG4bK776asdhds, SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKold\r\nFrom: <sip:202@acme.sip.test>;tag=1928301774\r\nTo: <sip:201@acme.sip.test>\r\nCall-ID: a84b4c76e66710\r\nCSeq: 314159 INVITE\r\nContent-Length: 0\r\n\r\n";

    #[test]
    fn an_ack_and_a_retransmission_match_the_invite_server_transaction_rfc3261_17_2_3() {
        let invite = TransactionKey::of_received_request(&msg(INVITE)).unwrap();
        assert_eq!(invite.branch, "z9hG4bK776asdhds");
        assert_eq!(invite.sent_by.as_deref(), Some("pc33.atlanta.example:5060"));
        let ack = msg(&INVITE
            .replacen("INVITE sip", "ACK sip", 1)
            .replace("314159 INVITE", "314159 ACK"));
        assert_eq!(
            TransactionKey::of_received_request(&ack),
            Some(invite.clone())
        );
        // The same branch from another sent-by is another transaction.
        let other = msg(&INVITE.replace("Pc33.Atlanta.example:5060", "192.0.2.9"));
        assert_ne!(TransactionKey::of_received_request(&other), Some(invite));
    }

    #[test]
    fn a_cancel_is_its_own_transaction_and_names_the_invite_it_cancels_rfc3261_9_2() {
        let invite = TransactionKey::of_received_request(&msg(INVITE)).unwrap();
        let cancel = msg(&INVITE
            .replacen("INVITE sip", "CANCEL sip", 1)
            .replace("314159 INVITE", "314159 CANCEL"));
        let key = TransactionKey::of_received_request(&cancel).unwrap();
        assert_ne!(key, invite);
        assert_eq!(key.cancelled_invite(), Some(invite.clone()));
        assert_eq!(invite.cancelled_invite(), None);
    }

    #[test]
    fn a_response_matches_on_branch_and_cseq_method_rfc3261_17_1_3() {
        let sent = TransactionKey::of_sent_request(&msg(INVITE)).unwrap();
        let ok = msg(
            "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP pc33.atlanta.example:5060;branch=z9hG4bK776asdhds\r\nCSeq: 314159 INVITE\r\nContent-Length: 0\r\n\r\n",
        );
        assert_eq!(TransactionKey::of_response(&ok), Some(sent.clone()));
        let to_cancel = msg(
            "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP pc33.atlanta.example:5060;branch=z9hG4bK776asdhds\r\nCSeq: 314159 CANCEL\r\nContent-Length: 0\r\n\r\n",
        );
        assert_ne!(TransactionKey::of_response(&to_cancel), Some(sent));
    }

    #[test]
    fn an_rfc2543_branch_is_not_keyed() {
        let old = msg(&INVITE.replace("branch=z9hG4bK776asdhds", "branch=776asdhds"));
        assert_eq!(TransactionKey::of_received_request(&old), None);
        assert_eq!(TransactionKey::of_sent_request(&old), None);
    }
}
