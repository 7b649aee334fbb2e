//! Whole calls compared with the full wire text expected, the engine's identifiers seeded
//! (`ids::seeded`) so they are the same on every run.

use super::*;

#[tokio::test(start_paused = true)]
async fn the_invite_a_ringing_device_gets_is_exactly_this_text() {
    crate::ids::seeded::seed(16);
    let h = Harness::start(Fake::new(&[DESK]), caller_invite("")).await;
    let sent = h.sent();
    let invites: Vec<&String> = sent
        .iter()
        .filter(|(text, to)| text.starts_with("INVITE ") && to.to_string() == DESK)
        .map(|(text, _)| text)
        .collect();
    assert_eq!(invites.len(), 1, "{:#?}", firsts(&sent));
    // The relay's port is whichever was free: the one thing read from what was sent.
    let relay = sdp::audio_target(&parse(invites[0]).body).unwrap();
    assert!((42_000..=42_999).contains(&relay.port()), "{relay}");
    let port = relay.port();
    // Our own Via, tag and Call-ID (RFC 3261 §8.1.1); the caller's name, else number, in From;
    // the caller's offer pointed at the relay's far side, with its session and codecs as they
    // were.
    let expected = format!(
        "INVITE sip:201@192.0.2.20:5062 SIP/2.0\r\n\
         Via: SIP/2.0/UDP 198.51.100.1:5060;rport;branch=z9hG4bKd9332d12a4e84674\r\n\
         Max-Forwards: 70\r\n\
         From: \"202\" <sip:202@acme.sip.test>;tag=145a11cac985644b\r\n\
         To: <sip:201@acme.sip.test>\r\n\
         Call-ID: 5de186dcba779207-b0\r\n\
         CSeq: 1 INVITE\r\n\
         Contact: <sip:switchboard@198.51.100.1:5060>\r\n\
         Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO, REGISTER\r\n\
         Content-Type: application/sdp\r\n\
         Content-Length: 110\r\n\
         \r\n\
         v=0\r\n\
         o=- 1 1 IN IP4 127.0.0.1\r\n\
         s=-\r\n\
         c=IN IP4 127.0.0.1\r\n\
         t=0 0\r\n\
         m=audio {port} RTP/AVP 0\r\n\
         a=rtpmap:0 PCMU/8000\r\n"
    );
    assert_eq!(*invites[0], expected);
}
