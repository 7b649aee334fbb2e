//! The typed SIP vocabulary: methods, status codes and header names, so the engine names them
//! as values instead of string literals. [`Message`](crate::Message) keeps its string API; the
//! typed accessors (`method_typed`, `status`, `cseq_typed`) sit beside it.

use std::fmt;

/// A request method (RFC 3261 section 7.1 and the extensions the engine meets). Methods are
/// case-sensitive (section 7.1): `invite` is an unknown method, not INVITE.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Method {
    Invite,
    Ack,
    Bye,
    Cancel,
    Register,
    Options,
    Info,
    Update,
    Prack,
    Subscribe,
    Notify,
    Message,
    Refer,
    Publish,
    /// Any other token, kept as written.
    Other(String),
}

impl Method {
    /// The method named by `token`; anything unknown is [`Method::Other`].
    pub fn parse(token: &str) -> Method {
        match token {
            "INVITE" => Method::Invite,
            "ACK" => Method::Ack,
            "BYE" => Method::Bye,
            "CANCEL" => Method::Cancel,
            "REGISTER" => Method::Register,
            "OPTIONS" => Method::Options,
            "INFO" => Method::Info,
            "UPDATE" => Method::Update,
            "PRACK" => Method::Prack,
            "SUBSCRIBE" => Method::Subscribe,
            "NOTIFY" => Method::Notify,
            "MESSAGE" => Method::Message,
            "REFER" => Method::Refer,
            "PUBLISH" => Method::Publish,
            other => Method::Other(other.to_owned()),
        }
    }

    /// The method as written on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Method::Invite => "INVITE",
            Method::Ack => "ACK",
            Method::Bye => "BYE",
            Method::Cancel => "CANCEL",
            Method::Register => "REGISTER",
            Method::Options => "OPTIONS",
            Method::Info => "INFO",
            Method::Update => "UPDATE",
            Method::Prack => "PRACK",
            Method::Subscribe => "SUBSCRIBE",
            Method::Notify => "NOTIFY",
            Method::Message => "MESSAGE",
            Method::Refer => "REFER",
            Method::Publish => "PUBLISH",
            Method::Other(s) => s,
        }
    }

    /// Whether a request of this method may change the remote target of its dialog and so
    /// carries a Contact (RFC 3261 section 12.2; RFC 3311 for UPDATE, RFC 6665 for SUBSCRIBE
    /// and NOTIFY, RFC 3515 for REFER).
    pub fn refreshes_target(&self) -> bool {
        matches!(
            self,
            Method::Invite | Method::Update | Method::Subscribe | Method::Notify | Method::Refer
        )
    }
}

impl From<&str> for Method {
    fn from(token: &str) -> Self {
        Method::parse(token)
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A response status code, 100 to 699 (RFC 3261 section 21).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StatusCode(u16);

impl StatusCode {
    pub const TRYING: StatusCode = StatusCode(100);
    pub const RINGING: StatusCode = StatusCode(180);
    pub const SESSION_PROGRESS: StatusCode = StatusCode(183);
    pub const OK: StatusCode = StatusCode(200);
    pub const ACCEPTED: StatusCode = StatusCode(202);
    pub const MOVED_TEMPORARILY: StatusCode = StatusCode(302);
    pub const BAD_REQUEST: StatusCode = StatusCode(400);
    pub const UNAUTHORIZED: StatusCode = StatusCode(401);
    pub const FORBIDDEN: StatusCode = StatusCode(403);
    pub const NOT_FOUND: StatusCode = StatusCode(404);
    pub const METHOD_NOT_ALLOWED: StatusCode = StatusCode(405);
    pub const PROXY_AUTHENTICATION_REQUIRED: StatusCode = StatusCode(407);
    pub const REQUEST_TIMEOUT: StatusCode = StatusCode(408);
    pub const CALL_DOES_NOT_EXIST: StatusCode = StatusCode(481);
    pub const BUSY_HERE: StatusCode = StatusCode(486);
    pub const REQUEST_TERMINATED: StatusCode = StatusCode(487);
    pub const REQUEST_PENDING: StatusCode = StatusCode(491);
    pub const SERVER_INTERNAL_ERROR: StatusCode = StatusCode(500);
    pub const SERVICE_UNAVAILABLE: StatusCode = StatusCode(503);
    pub const DECLINE: StatusCode = StatusCode(603);

    /// The code, when it is one a status line may carry (three digits, 100 to 699).
    pub fn new(code: u16) -> Option<StatusCode> {
        (100..=699).contains(&code).then_some(StatusCode(code))
    }

    /// The number.
    pub fn as_u16(self) -> u16 {
        self.0
    }

    /// 1xx: the request is being worked on; not final.
    pub fn is_provisional(self) -> bool {
        self.0 < 200
    }

    /// 2xx.
    pub fn is_success(self) -> bool {
        (200..300).contains(&self.0)
    }

    /// 3xx.
    pub fn is_redirect(self) -> bool {
        (300..400).contains(&self.0)
    }

    /// 4xx.
    pub fn is_client_error(self) -> bool {
        (400..500).contains(&self.0)
    }

    /// 5xx.
    pub fn is_server_error(self) -> bool {
        (500..600).contains(&self.0)
    }

    /// 6xx.
    pub fn is_global_failure(self) -> bool {
        self.0 >= 600
    }

    /// 2xx to 6xx: it ends the client transaction's wait.
    pub fn is_final(self) -> bool {
        self.0 >= 200
    }

    /// The reason phrase RFC 3261 section 21 (and the extensions named) suggests; a code it does
    /// not name gets its class's phrase.
    pub fn reason(self) -> &'static str {
        match self.0 {
            100 => "Trying",
            180 => "Ringing",
            181 => "Call Is Being Forwarded",
            182 => "Queued",
            183 => "Session Progress",
            200 => "OK",
            202 => "Accepted",
            300 => "Multiple Choices",
            301 => "Moved Permanently",
            302 => "Moved Temporarily",
            305 => "Use Proxy",
            380 => "Alternative Service",
            400 => "Bad Request",
            401 => "Unauthorized",
            402 => "Payment Required",
            403 => "Forbidden",
            404 => "Not Found",
            405 => "Method Not Allowed",
            406 => "Not Acceptable",
            407 => "Proxy Authentication Required",
            408 => "Request Timeout",
            410 => "Gone",
            413 => "Request Entity Too Large",
            414 => "Request-URI Too Long",
            415 => "Unsupported Media Type",
            416 => "Unsupported URI Scheme",
            420 => "Bad Extension",
            421 => "Extension Required",
            422 => "Session Interval Too Small",
            423 => "Interval Too Brief",
            480 => "Temporarily Unavailable",
            481 => "Call/Transaction Does Not Exist",
            482 => "Loop Detected",
            483 => "Too Many Hops",
            484 => "Address Incomplete",
            485 => "Ambiguous",
            486 => "Busy Here",
            487 => "Request Terminated",
            488 => "Not Acceptable Here",
            489 => "Bad Event",
            491 => "Request Pending",
            493 => "Undecipherable",
            500 => "Server Internal Error",
            501 => "Not Implemented",
            502 => "Bad Gateway",
            503 => "Service Unavailable",
            504 => "Server Time-out",
            505 => "Version Not Supported",
            513 => "Message Too Large",
            600 => "Busy Everywhere",
            603 => "Decline",
            604 => "Does Not Exist Anywhere",
            606 => "Not Acceptable",
            c => class_reason(c),
        }
    }
}

/// An unknown code is treated as the x00 of its class (RFC 3261 section 21), and so named.
fn class_reason(code: u16) -> &'static str {
    match code / 100 {
        1 => "Trying",
        2 => "OK",
        3 => "Multiple Choices",
        4 => "Bad Request",
        5 => "Server Internal Error",
        _ => "Busy Everywhere",
    }
}

impl fmt::Display for StatusCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Header names in the full, lower-case form [`Message`](crate::Message) stores them in, so
/// `m.header(header::CALL_ID)` replaces `m.header("call-id")`.
pub mod header {
    pub const VIA: &str = "via";
    pub const FROM: &str = "from";
    pub const TO: &str = "to";
    pub const CALL_ID: &str = "call-id";
    pub const CSEQ: &str = "cseq";
    pub const CONTACT: &str = "contact";
    pub const MAX_FORWARDS: &str = "max-forwards";
    pub const ROUTE: &str = "route";
    pub const RECORD_ROUTE: &str = "record-route";
    pub const CONTENT_TYPE: &str = "content-type";
    pub const CONTENT_LENGTH: &str = "content-length";
    pub const EXPIRES: &str = "expires";
    pub const ALLOW: &str = "allow";
    pub const SUPPORTED: &str = "supported";
    pub const REQUIRE: &str = "require";
    pub const USER_AGENT: &str = "user-agent";
    pub const AUTHORIZATION: &str = "authorization";
    pub const WWW_AUTHENTICATE: &str = "www-authenticate";
    pub const PROXY_AUTHORIZATION: &str = "proxy-authorization";
    pub const PROXY_AUTHENTICATE: &str = "proxy-authenticate";
    pub const TIMESTAMP: &str = "timestamp";
    pub const EVENT: &str = "event";
    pub const SUBSCRIPTION_STATE: &str = "subscription-state";
    pub const REFER_TO: &str = "refer-to";
    pub const SESSION_EXPIRES: &str = "session-expires";
    pub const MIN_SE: &str = "min-se";
    pub const RSEQ: &str = "rseq";
    pub const RACK: &str = "rack";
    pub const PATH: &str = "path";
    pub const P_ASSERTED_IDENTITY: &str = "p-asserted-identity";
    pub const PRIVACY: &str = "privacy";
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    #[test]
    fn methods_parse_case_sensitively_and_write_back_rfc3261_7_1() {
        for token in [
            "INVITE",
            "ACK",
            "BYE",
            "CANCEL",
            "REGISTER",
            "OPTIONS",
            "INFO",
            "UPDATE",
            "PRACK",
            "SUBSCRIBE",
            "NOTIFY",
            "MESSAGE",
            "REFER",
            "PUBLISH",
        ] {
            let m = Method::parse(token);
            assert!(!matches!(m, Method::Other(_)), "{token}");
            assert_eq!(m.as_str(), token);
        }
        assert_eq!(Method::parse("invite"), Method::Other("invite".into()));
        assert_eq!(Method::parse("FOO").to_string(), "FOO");
    }

    #[test]
    fn status_codes_fall_in_their_classes_rfc3261_21() {
        assert_eq!(StatusCode::new(99), None);
        assert_eq!(StatusCode::new(700), None);
        let c = |n| StatusCode::new(n).unwrap();
        assert!(c(183).is_provisional() && !c(183).is_final());
        assert!(c(202).is_success() && c(202).is_final());
        assert!(c(302).is_redirect());
        assert!(c(486).is_client_error());
        assert!(c(503).is_server_error());
        assert!(c(603).is_global_failure());
        assert_eq!(c(481).reason(), "Call/Transaction Does Not Exist");
        // An unknown code reads as the x00 of its class.
        assert_eq!(c(499).reason(), "Bad Request");
        assert_eq!(c(199).reason(), "Trying");
    }

    #[test]
    fn typed_accessors_read_the_same_message_as_the_string_ones() {
        let m = parse(
            b"SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKa\r\nCSeq: 7 INVITE\r\nContent-Length: 0\r\n\r\n",
        )
        .unwrap();
        assert_eq!(m.status(), Some(StatusCode::BUSY_HERE));
        assert_eq!(m.method_typed(), None);
        assert_eq!(m.cseq_typed(), Some((7, Method::Invite)));
        let r = parse(b"BYE sip:a@b SIP/2.0\r\nCSeq: 8 BYE\r\nContent-Length: 0\r\n\r\n").unwrap();
        assert_eq!(r.method_typed(), Some(Method::Bye));
        assert_eq!(r.status(), None);
        assert_eq!(r.header(header::CSEQ), Some("8 BYE"));
    }
}
