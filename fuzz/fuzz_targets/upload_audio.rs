//! What a user uploads as a voicemail greeting or music on hold (`PUT
//! /api/v1/lines/{id}/voicemail-greeting` takes the raw body; the portal's multipart form is
//! the `greeting_form` target): any bytes, read as WAV or MP3 (symphonia) and resampled to
//! 8 kHz. None may panic or hang; what is accepted is non-empty 8 kHz audio within the
//! greeting's length limit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sb_app::audio::{MAX_GREETING_SECS, decode_upload};

fuzz_target!(|data: &[u8]| {
    if let Ok(samples) = decode_upload(data) {
        assert!(!samples.is_empty());
        // Resampling rounds the length: one sample over the limit at most.
        assert!(samples.len() <= MAX_GREETING_SECS * 8000 + 1);
    }
});
