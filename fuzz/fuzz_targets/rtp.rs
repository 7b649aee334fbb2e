//! What arrives on a media port from anyone: an RTP packet's header, RTCP multiplexed onto the
//! same port (RFC 5761), an RFC 4733 key press, and (through uploads) WAV files. None may panic;
//! a header's payload lies inside the packet, RTCP is never read as RTP, and a WAV file read is
//! written and read back to the same samples.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sb_media::codec::{RtpHeader, dtmf_key, is_rtcp, read_wav, write_wav};

fuzz_target!(|data: &[u8]| {
    if is_rtcp(data) {
        assert!(RtpHeader::parse_at(data).is_none(), "RTCP read as RTP");
    }
    if let Some((h, payload)) = RtpHeader::parse_at(data) {
        assert!(payload.end <= data.len() && payload.start <= payload.end);
        let mut head = [0u8; 12];
        h.write(&mut head);
        let _ = dtmf_key(&data[payload]);
    }
    if let Ok((samples, rate)) = read_wav(data) {
        let again = read_wav(&write_wav(&samples, rate)).expect("our own WAV reads back");
        assert_eq!(again.0, samples);
    }
});
