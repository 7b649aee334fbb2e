//! A session description from a phone or a carrier: reading where its audio goes and pointing
//! it at the relay must never panic, whatever the bytes, and a description the relay rewrote
//! is read back as pointing at the relay.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sb_media::codec::Codec;
use sb_sip::sdp;
use std::net::SocketAddr;

fuzz_target!(|data: &[u8]| {
    let _ = sdp::audio_target(data);
    let _ = Codec::from_offer(data);
    let relay: SocketAddr = "203.0.113.5:20000".parse().expect("a literal address");
    if let Some(rewritten) = sdp::rewrite(data, relay) {
        let _ = sdp::audio_target(&rewritten);
        let _ = Codec::from_offer(&rewritten);
    }
});
