//! Dialogs (RFC 3261 section 12): the peer-to-peer relationship an INVITE (or SUBSCRIBE, or
//! REFER) sets up, identified by the Call-ID and the two tags, carrying the CSeq numbers, the
//! route set and the remote target that every later request of either side needs.
//!
//! Sans-IO like the rest of the crate: a [`Dialog`] is made from the messages that create it,
//! checks and learns from the requests and responses in it, and builds the requests we send in
//! it (`request.rs`). [`DialogSet`] keeps the dialogs one INVITE of ours forks into (`set.rs`),
//! and [`AwaitAck`] repeats our 2xx to an INVITE until its ACK (`answer.rs`).

mod answer;
mod request;
mod set;

pub use answer::{AckWait, AwaitAck};
pub use set::DialogSet;

use crate::message::Message;
use crate::registrar::uri_of;
use crate::route::{uac_route_set, uas_route_set};
use crate::types::{Method, StatusCode, header};

/// What identifies a dialog (section 12): the Call-ID and the tags, ours and theirs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DialogId {
    pub call_id: String,
    pub local_tag: String,
    pub remote_tag: String,
}

impl DialogId {
    /// The dialog a request we receive belongs to: our tag is in its To, theirs in its From
    /// (section 12.2.2). A request without a To tag is outside any dialog.
    pub fn of_received_request(request: &Message) -> Option<Self> {
        Some(DialogId {
            call_id: request.header(header::CALL_ID)?.to_owned(),
            local_tag: request.tag(header::TO)?.to_owned(),
            remote_tag: request.tag(header::FROM).unwrap_or_default().to_owned(),
        })
    }

    /// The dialog a response we receive belongs to: our tag is in its From, theirs in its To.
    pub fn of_received_response(response: &Message) -> Option<Self> {
        Some(DialogId {
            call_id: response.header(header::CALL_ID)?.to_owned(),
            local_tag: response.tag(header::FROM)?.to_owned(),
            remote_tag: response.tag(header::TO)?.to_owned(),
        })
    }
}

/// Early (made by a provisional response) or confirmed (by a 2xx), section 12.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Early,
    Confirmed,
}

/// Why a message cannot make a dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DialogError {
    #[error("only a 101-299 response makes a dialog")]
    NotDialogCreating,
    #[error("the response has no To tag")]
    NoTag,
    #[error("no Contact to send later requests to")]
    NoContact,
    #[error("Call-ID, From or CSeq missing")]
    Malformed,
}

/// One dialog, from our side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialog {
    id: DialogId,
    state: State,
    /// The CSeq of our last request in the dialog; `None` until we send one (a UAS dialog).
    local_seq: Option<u32>,
    /// The CSeq of their last request; `None` until they send one (a UAC dialog).
    remote_seq: Option<u32>,
    /// Our From (or To, on the UAS side) header value, with our tag.
    local: String,
    /// Theirs, with their tag.
    remote: String,
    /// Our Contact, sent with target refresh requests.
    local_target: Option<String>,
    /// Where requests in the dialog go (the URI of their Contact).
    remote_target: String,
    /// Proxies that asked to stay on the path, in the order our requests meet them.
    route_set: Vec<String>,
}

impl Dialog {
    /// The dialog a 101-299 response with a To tag makes for the request we sent (section
    /// 12.1.2): the route set is its Record-Route reversed, the remote target its Contact.
    pub fn uac(request: &Message, response: &Message) -> Result<Dialog, DialogError> {
        let state = creating_state(response)?;
        let id = DialogId::of_received_response(response).ok_or(DialogError::NoTag)?;
        let (local_seq, _) = request.cseq().ok_or(DialogError::Malformed)?;
        Ok(Dialog {
            id,
            state,
            local_seq: Some(local_seq),
            remote_seq: None,
            local: request
                .header(header::FROM)
                .ok_or(DialogError::Malformed)?
                .to_owned(),
            remote: response
                .header(header::TO)
                .ok_or(DialogError::NoTag)?
                .to_owned(),
            local_target: request.header(header::CONTACT).map(str::to_owned),
            remote_target: contact_uri(response).ok_or(DialogError::NoContact)?,
            route_set: uac_route_set(response),
        })
    }

    /// The dialog our 101-299 `response` to a received `request` makes (section 12.1.1): the
    /// route set is the request's Record-Route in order, the remote target its Contact.
    pub fn uas(request: &Message, response: &Message) -> Result<Dialog, DialogError> {
        let state = creating_state(response)?;
        let local_tag = response.tag(header::TO).ok_or(DialogError::NoTag)?;
        let call_id = request
            .header(header::CALL_ID)
            .ok_or(DialogError::Malformed)?;
        let (remote_seq, _) = request.cseq().ok_or(DialogError::Malformed)?;
        Ok(Dialog {
            id: DialogId {
                call_id: call_id.to_owned(),
                local_tag: local_tag.to_owned(),
                // An RFC 2543 peer sends no From tag: the remote tag is then empty.
                remote_tag: request.tag(header::FROM).unwrap_or_default().to_owned(),
            },
            state,
            local_seq: None,
            remote_seq: Some(remote_seq),
            local: response
                .header(header::TO)
                .ok_or(DialogError::NoTag)?
                .to_owned(),
            remote: request
                .header(header::FROM)
                .ok_or(DialogError::Malformed)?
                .to_owned(),
            local_target: response.header(header::CONTACT).map(str::to_owned),
            remote_target: contact_uri(request).ok_or(DialogError::NoContact)?,
            route_set: uas_route_set(request),
        })
    }

    /// The Call-ID and tags requests and responses are matched by.
    pub fn id(&self) -> &DialogId {
        &self.id
    }

    /// Early or confirmed.
    pub fn state(&self) -> State {
        self.state
    }

    /// Where requests in the dialog go.
    pub fn remote_target(&self) -> &str {
        &self.remote_target
    }

    /// The route set, in the order our requests meet its proxies.
    pub fn route_set(&self) -> &[String] {
        &self.route_set
    }

    /// The CSeq of our last request, once there is one.
    pub fn local_seq(&self) -> Option<u32> {
        self.local_seq
    }

    /// The CSeq of their last request, once there is one.
    pub fn remote_seq(&self) -> Option<u32> {
        self.remote_seq
    }

    /// A request they sent in this dialog (section 12.2.2): refused with 481 if it is not of
    /// this dialog, or with 500 if its CSeq is lower than their last (out of order). Otherwise
    /// its CSeq is remembered and a target refresh's Contact becomes the remote target.
    pub fn on_request(&mut self, request: &Message) -> Result<(), StatusCode> {
        if DialogId::of_received_request(request).as_ref() != Some(&self.id) {
            return Err(StatusCode::CALL_DOES_NOT_EXIST);
        }
        let (seq, method) = request.cseq_typed().ok_or(StatusCode::BAD_REQUEST)?;
        // ACK and CANCEL carry the number of the INVITE they belong to.
        if !matches!(method, Method::Ack | Method::Cancel) {
            if self.remote_seq.is_some_and(|last| seq < last) {
                return Err(StatusCode::SERVER_INTERNAL_ERROR);
            }
            self.remote_seq = Some(seq);
        }
        if method.refreshes_target()
            && let Some(target) = contact_uri(request)
        {
            self.remote_target = target;
        }
        Ok(())
    }

    /// A response to a request of ours in this dialog (sections 12.1.2, 12.2.1.2 and
    /// 13.2.2.4): a 2xx to the INVITE confirms an early dialog and fixes its route set from the
    /// 2xx, and a 2xx to a target refresh (or any dialog-creating response while early) moves
    /// the remote target to its Contact.
    pub fn on_response(&mut self, response: &Message) {
        let (Some(status), Some((_, method))) = (response.status(), response.cseq_typed()) else {
            return;
        };
        let early = self.state == State::Early;
        if early && method == Method::Invite && status.is_success() {
            self.state = State::Confirmed;
            self.route_set = uac_route_set(response);
        }
        let refresh = status.is_success() && method.refreshes_target();
        let early_update = early && method == Method::Invite && status.as_u16() > 100;
        if (refresh || early_update)
            && let Some(target) = contact_uri(response)
        {
            self.remote_target = target;
        }
    }
}

/// The state a response makes its dialog in, if it makes one: 101-199 early, 2xx confirmed.
fn creating_state(response: &Message) -> Result<State, DialogError> {
    match response.status() {
        Some(s) if s.is_success() => Ok(State::Confirmed),
        Some(s) if s.is_provisional() && s != StatusCode::TRYING => Ok(State::Early),
        _ => Err(DialogError::NotDialogCreating),
    }
}

/// The URI of a message's (first) Contact.
fn contact_uri(m: &Message) -> Option<String> {
    let first = crate::route::entries(m.headers_named(header::CONTACT))
        .into_iter()
        .next()?;
    Some(uri_of(first).to_owned())
}

#[cfg(test)]
mod test_support;

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;

    #[test]
    fn a_2xx_makes_a_uac_dialog_with_the_record_route_reversed_rfc3261_12_1_2() {
        let d = Dialog::uac(&msg(INVITE), &msg(OK)).unwrap();
        assert_eq!(
            d.id(),
            &DialogId {
                call_id: "c1@192.0.2.1".into(),
                local_tag: "a1".into(),
                remote_tag: "b1".into(),
            }
        );
        assert_eq!(d.state(), State::Confirmed);
        assert_eq!(
            d.route_set(),
            ["<sip:p1.example;lr>", "<sip:p2.example;lr>"]
        );
        assert_eq!(d.remote_target(), "sip:201@192.0.2.2:5062;transport=udp");
        assert_eq!((d.local_seq(), d.remote_seq()), (Some(1), None));
    }

    #[test]
    fn a_provisional_with_a_tag_makes_an_early_dialog_but_100_and_failures_none_rfc3261_12_1() {
        let ringing = msg(&OK.replace("200 OK", "180 Ringing"));
        assert_eq!(
            Dialog::uac(&msg(INVITE), &ringing).unwrap().state(),
            State::Early
        );
        let trying = msg(&OK.replace("200 OK", "100 Trying"));
        assert_eq!(
            Dialog::uac(&msg(INVITE), &trying),
            Err(DialogError::NotDialogCreating)
        );
        let busy = msg(&OK.replace("200 OK", "486 Busy Here"));
        assert_eq!(
            Dialog::uac(&msg(INVITE), &busy),
            Err(DialogError::NotDialogCreating)
        );
        let untagged = msg(&OK.replace(";tag=b1", ""));
        assert_eq!(
            Dialog::uac(&msg(INVITE), &untagged),
            Err(DialogError::NoTag)
        );
    }

    #[test]
    fn a_uas_dialog_keeps_the_record_route_in_order_and_the_callers_cseq_rfc3261_12_1_1() {
        let d = Dialog::uas(&msg(RECEIVED_INVITE), &msg(OUR_OK)).unwrap();
        assert_eq!(d.id().local_tag, "s1");
        assert_eq!(d.id().remote_tag, "a1");
        assert_eq!(
            d.route_set(),
            ["<sip:p2.example;lr>", "<sip:p1.example;lr>"]
        );
        assert_eq!(d.remote_target(), "sip:202@192.0.2.1:5060");
        assert_eq!((d.local_seq(), d.remote_seq()), (None, Some(10)));
    }

    #[test]
    fn a_request_with_a_lower_cseq_is_refused_with_500_rfc3261_12_2_2() {
        let mut d = Dialog::uas(&msg(RECEIVED_INVITE), &msg(OUR_OK)).unwrap();
        let in_dialog = |cseq: &str| {
            msg(&format!(
                "INFO sip:201@192.0.2.9 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKi{cseq}\r\nFrom: <sip:202@acme.sip.test>;tag=a1\r\nTo: <sip:201@acme.sip.test>;tag=s1\r\nCall-ID: c9@192.0.2.1\r\nCSeq: {cseq}\r\nContent-Length: 0\r\n\r\n"
            ))
        };
        assert_eq!(d.on_request(&in_dialog("11 INFO")), Ok(()));
        assert_eq!(d.remote_seq(), Some(11));
        assert_eq!(
            d.on_request(&in_dialog("9 INFO")),
            Err(StatusCode::SERVER_INTERNAL_ERROR)
        );
        assert_eq!(
            d.remote_seq(),
            Some(11),
            "an out-of-order request changes nothing"
        );
        // The ACK of the first INVITE carries its lower number and is not out of order.
        assert_eq!(d.on_request(&in_dialog("10 ACK")), Ok(()));
        let stranger = msg(&String::from_utf8(in_dialog("12 INFO").to_bytes())
            .unwrap()
            .replace("tag=s1", "tag=zz"));
        assert_eq!(
            d.on_request(&stranger),
            Err(StatusCode::CALL_DOES_NOT_EXIST)
        );
    }

    #[test]
    fn a_reinvite_moves_the_remote_target_rfc3261_12_2_2() {
        let mut d = Dialog::uas(&msg(RECEIVED_INVITE), &msg(OUR_OK)).unwrap();
        let reinvite = msg(&RECEIVED_INVITE
            .replace("CSeq: 10 INVITE", "CSeq: 11 INVITE")
            .replace(
                "To: <sip:201@acme.sip.test>",
                "To: <sip:201@acme.sip.test>;tag=s1",
            )
            .replace("<sip:202@192.0.2.1:5060>", "<sip:202@198.51.100.4:5070>"));
        d.on_request(&reinvite).unwrap();
        assert_eq!(d.remote_target(), "sip:202@198.51.100.4:5070");
    }

    #[test]
    fn the_2xx_confirms_an_early_dialog_and_fixes_its_route_set_rfc3261_13_2_2_4() {
        let ringing = msg(&OK
            .replace("200 OK", "180 Ringing")
            .replace("Record-Route: <sip:p2.example;lr>\r\n", ""));
        let mut d = Dialog::uac(&msg(INVITE), &ringing).unwrap();
        assert_eq!(d.route_set(), ["<sip:p1.example;lr>"]);
        d.on_response(&msg(OK));
        assert_eq!(d.state(), State::Confirmed);
        assert_eq!(
            d.route_set(),
            ["<sip:p1.example;lr>", "<sip:p2.example;lr>"]
        );
    }
}
