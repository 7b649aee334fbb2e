//! Literal messages for the dialog tests: our INVITE through two proxies and its 200, and an
//! INVITE we receive with our 200 to it.

pub const INVITE: &str = "INVITE sip:201@acme.sip.test SIP/2.0\r\n\
    Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKinv1\r\n\
    Max-Forwards: 70\r\n\
    From: \"Reception\" <sip:202@acme.sip.test>;tag=a1\r\n\
    To: <sip:201@acme.sip.test>\r\n\
    Call-ID: c1@192.0.2.1\r\n\
    CSeq: 1 INVITE\r\n\
    Contact: <sip:202@192.0.2.1:5060>\r\n\
    Content-Length: 0\r\n\r\n";

/// The 200 to [`INVITE`], through p1 then p2 (so p2 recorded its route last, on top).
pub const OK: &str = "SIP/2.0 200 OK\r\n\
    Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKinv1\r\n\
    Record-Route: <sip:p2.example;lr>\r\n\
    Record-Route: <sip:p1.example;lr>\r\n\
    From: \"Reception\" <sip:202@acme.sip.test>;tag=a1\r\n\
    To: <sip:201@acme.sip.test>;tag=b1\r\n\
    Call-ID: c1@192.0.2.1\r\n\
    CSeq: 1 INVITE\r\n\
    Contact: <sip:201@192.0.2.2:5062;transport=udp>\r\n\
    Content-Length: 0\r\n\r\n";

pub const RECEIVED_INVITE: &str = "INVITE sip:201@192.0.2.9 SIP/2.0\r\n\
    Via: SIP/2.0/UDP p2.example;branch=z9hG4bKp2\r\n\
    Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKx\r\n\
    Record-Route: <sip:p2.example;lr>, <sip:p1.example;lr>\r\n\
    Max-Forwards: 69\r\n\
    From: <sip:202@acme.sip.test>;tag=a1\r\n\
    To: <sip:201@acme.sip.test>\r\n\
    Call-ID: c9@192.0.2.1\r\n\
    CSeq: 10 INVITE\r\n\
    Contact: <sip:202@192.0.2.1:5060>\r\n\
    Content-Length: 0\r\n\r\n";

pub const OUR_OK: &str = "SIP/2.0 200 OK\r\n\
    Via: SIP/2.0/UDP p2.example;branch=z9hG4bKp2\r\n\
    Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKx\r\n\
    Record-Route: <sip:p2.example;lr>, <sip:p1.example;lr>\r\n\
    From: <sip:202@acme.sip.test>;tag=a1\r\n\
    To: <sip:201@acme.sip.test>;tag=s1\r\n\
    Call-ID: c9@192.0.2.1\r\n\
    CSeq: 10 INVITE\r\n\
    Contact: <sip:201@192.0.2.9:5060>\r\n\
    Content-Length: 0\r\n\r\n";

pub fn msg(text: &str) -> crate::Message {
    crate::parse(text.as_bytes()).unwrap()
}
