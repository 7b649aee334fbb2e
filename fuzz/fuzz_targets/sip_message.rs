//! Anything a socket may deliver goes through every parser the SIP front door runs on it:
//! none may panic, and whatever parses must survive writing and parsing again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sb_sip::{digest, registrar, sdp};

fuzz_target!(|data: &[u8]| {
    let Ok(m) = sb_sip::parse(data) else {
        return;
    };
    let again = sb_sip::parse(&m.to_bytes()).expect("a parsed message parses again once written");
    assert_eq!(again.start, m.start);
    let _ = registrar::to_address(&m);
    let _ = m.cseq();
    let _ = m.tag("from");
    let _ = m.tag("to");
    for h in ["authorization", "proxy-authorization", "www-authenticate"] {
        if let Some(v) = m.header(h) {
            let _ = digest::parse_credentials(v);
            let _ = digest::parse_challenge(v);
        }
    }
    let _ = sb_sip::guard::is_scanner(&m);
    if let Some(at) = sdp::audio_target(&m.body) {
        let _ = sdp::rewrite(&m.body, at);
    }
    let _ = m.uri().and_then(registrar::user_of);
});
