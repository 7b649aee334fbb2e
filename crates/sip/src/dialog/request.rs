//! The requests we send in a dialog (RFC 3261 section 12.2.1.1): tags, Call-ID and CSeq from
//! the dialog, and the Request-URI and Route headers from its remote target and route set,
//! with the strict-routing rewrite when the first proxy is not a loose router.

use super::Dialog;
use crate::message::{Message, StartLine};
use crate::registrar::uri_of;
use crate::types::{Method, header};

impl Dialog {
    /// The next request of ours in the dialog: the local CSeq goes up by one (starting at 1
    /// when the dialog had none), and a target refresh carries our Contact. The caller adds the
    /// Via (its branch names the transaction) and any body.
    pub fn request(&mut self, method: Method) -> Message {
        let seq = self.local_seq.map_or(1, |n| n.wrapping_add(1));
        self.local_seq = Some(seq);
        let contact = method
            .refreshes_target()
            .then(|| self.local_target.clone())
            .flatten();
        let mut m = self.build(method, seq);
        if let Some(c) = contact {
            m.headers.push((header::CONTACT.to_owned(), c));
        }
        m
    }

    /// The ACK for a 2xx to our INVITE numbered `invite_seq` (section 13.2.2.4): the TU's to
    /// send, with the INVITE's CSeq number, on a branch of its own.
    pub fn ack(&self, invite_seq: u32) -> Message {
        self.build(Method::Ack, invite_seq)
    }

    fn build(&self, method: Method, seq: u32) -> Message {
        let (uri, routes) = self.destination();
        let mut headers = vec![(header::MAX_FORWARDS.to_owned(), "70".to_owned())];
        headers.extend(routes.into_iter().map(|r| (header::ROUTE.to_owned(), r)));
        headers.extend([
            (header::FROM.to_owned(), self.local.clone()),
            (header::TO.to_owned(), self.remote.clone()),
            (header::CALL_ID.to_owned(), self.id.call_id.clone()),
            (header::CSEQ.to_owned(), format!("{seq} {method}")),
        ]);
        Message {
            start: StartLine::Request {
                method: method.to_string(),
                uri,
            },
            headers,
            body: Vec::new(),
        }
    }

    /// The Request-URI and Route entries (section 12.2.1.1): with no route set, the remote
    /// target and no Route; with a loose router first, the remote target and the route set;
    /// with a strict router first, its URI as the Request-URI and the rest of the route set
    /// followed by the remote target.
    fn destination(&self) -> (String, Vec<String>) {
        match self.route_set.split_first() {
            Some((first, rest)) if !is_loose(first) => {
                let mut routes = rest.to_vec();
                routes.push(format!("<{}>", self.remote_target));
                (strip_uri_headers(uri_of(first)).to_owned(), routes)
            }
            _ => (self.remote_target.clone(), self.route_set.clone()),
        }
    }
}

/// Whether a route entry's URI has the `lr` parameter (section 19.1.1).
fn is_loose(entry: &str) -> bool {
    uri_of(entry).split(';').skip(1).any(|p| {
        let name = p.split('=').next().unwrap_or_default();
        name.trim().eq_ignore_ascii_case("lr")
    })
}

/// A URI without its `?headers` part, which a Request-URI may not carry (section 19.1.5).
fn strip_uri_headers(uri: &str) -> &str {
    uri.split('?').next().unwrap_or(uri)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    fn wire(m: &Message) -> String {
        String::from_utf8(m.to_bytes()).unwrap()
    }

    #[test]
    fn an_in_dialog_request_goes_to_the_remote_target_through_the_route_set_rfc3261_12_2_1_1() {
        let mut d = Dialog::uac(&msg(INVITE), &msg(OK)).unwrap();
        let bye = d.request(Method::Bye);
        assert_eq!(
            wire(&bye),
            "BYE sip:201@192.0.2.2:5062;transport=udp SIP/2.0\r\n\
            Max-Forwards: 70\r\n\
            Route: <sip:p1.example;lr>\r\n\
            Route: <sip:p2.example;lr>\r\n\
            From: \"Reception\" <sip:202@acme.sip.test>;tag=a1\r\n\
            To: <sip:201@acme.sip.test>;tag=b1\r\n\
            Call-ID: c1@192.0.2.1\r\n\
            CSeq: 2 BYE\r\n\
            Content-Length: 0\r\n\r\n"
        );
        assert_eq!(d.local_seq(), Some(2));
    }

    #[test]
    fn each_request_takes_the_next_cseq_and_a_target_refresh_carries_our_contact_rfc3261_12_2_1_1()
    {
        let mut d = Dialog::uac(&msg(INVITE), &msg(OK)).unwrap();
        assert_eq!(d.request(Method::Info).cseq(), Some((2, "INFO")));
        let reinvite = d.request(Method::Invite);
        assert_eq!(reinvite.cseq(), Some((3, "INVITE")));
        assert_eq!(reinvite.header("contact"), Some("<sip:202@192.0.2.1:5060>"));
        assert_eq!(d.request(Method::Bye).header("contact"), None);
        // The UAS side had no number of its own: it starts at 1, not at the caller's.
        let mut uas = Dialog::uas(&msg(RECEIVED_INVITE), &msg(OUR_OK)).unwrap();
        let bye = uas.request(Method::Bye);
        assert_eq!(bye.cseq(), Some((1, "BYE")));
        assert_eq!(bye.tag("from"), Some("s1"));
        assert_eq!(bye.tag("to"), Some("a1"));
        assert_eq!(bye.uri(), Some("sip:202@192.0.2.1:5060"));
        let routes: Vec<&str> = bye.headers_named("route").collect();
        assert_eq!(routes, ["<sip:p2.example;lr>", "<sip:p1.example;lr>"]);
    }

    #[test]
    fn the_ack_for_a_2xx_keeps_the_invites_cseq_number_rfc3261_13_2_2_4() {
        let mut d = Dialog::uac(&msg(INVITE), &msg(OK)).unwrap();
        let ack = d.ack(1);
        assert_eq!(ack.cseq(), Some((1, "ACK")));
        assert_eq!(ack.uri(), Some("sip:201@192.0.2.2:5062;transport=udp"));
        assert_eq!(d.local_seq(), Some(1), "an ACK takes no number");
        assert_eq!(d.request(Method::Bye).cseq(), Some((2, "BYE")));
    }

    #[test]
    fn a_strict_router_first_takes_the_request_uri_and_the_target_goes_last_rfc3261_12_2_1_1() {
        let strict = OK.replace("<sip:p1.example;lr>", "<sip:p1.example;maddr=192.0.2.50>");
        let mut d = Dialog::uac(&msg(INVITE), &msg(&strict)).unwrap();
        let bye = d.request(Method::Bye);
        assert_eq!(bye.uri(), Some("sip:p1.example;maddr=192.0.2.50"));
        let routes: Vec<&str> = bye.headers_named("route").collect();
        assert_eq!(
            routes,
            [
                "<sip:p2.example;lr>",
                "<sip:201@192.0.2.2:5062;transport=udp>"
            ]
        );
    }

    #[test]
    fn without_a_route_set_there_is_no_route_header_rfc3261_12_2_1_1() {
        let direct = OK
            .replace("Record-Route: <sip:p2.example;lr>\r\n", "")
            .replace("Record-Route: <sip:p1.example;lr>\r\n", "");
        let mut d = Dialog::uac(&msg(INVITE), &msg(&direct)).unwrap();
        let bye = d.request(Method::Bye);
        assert_eq!(bye.header("route"), None);
        assert_eq!(bye.uri(), Some("sip:201@192.0.2.2:5062;transport=udp"));
    }
}
