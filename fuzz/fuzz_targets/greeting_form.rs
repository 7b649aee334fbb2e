//! The portal's greeting form (`POST /admin/companies/{c}/users/{u}/voicemail/greeting`): any
//! bytes as a multipart/form-data body, parsed by multer through `sb_web::upload`, exactly as
//! the route does. None may panic or hang; what is accepted keeps its small fields small and its
//! file within the route's limit.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sb_web::upload::{MAX_FORM_BYTES, parse_greeting_form};

fuzz_target!(|data: &[u8]| {
    // The first byte picks the boundary's length, so the fuzzer also meets short and long ones.
    let (first, body) = data.split_first().map_or((0, data), |(f, b)| (*f, b));
    let boundary =
        &"XyZ-boundary-0123456789abcdefghijklmnopqrstuvwxyz"[..usize::from(first % 40) + 1];
    let content_type = format!("multipart/form-data; boundary={boundary}");
    if let Ok(form) = parse_greeting_form(&content_type, body.to_vec().into()) {
        assert!(form.csrf.len() <= 256 && form.line.len() <= 256);
        assert!(form.file.len() <= MAX_FORM_BYTES);
    }
});
