//! The bodies of the forms that upload a file (`multipart/form-data`: a greeting, a logo, a
//! profile picture): read whole into memory under the route's size limit, then parsed by multer
//! here, in one synchronous function of the bytes, so that the fuzz target `greeting_form`
//! drives exactly what the routes do. Nothing is used before the CSRF field is checked by the caller.

use axum::body::Bytes;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// The largest greeting form: the audio limit of the API's upload and room for the other fields.
pub const MAX_FORM_BYTES: usize = sb_app::audio::MAX_UPLOAD_BYTES + 16 * 1024;

/// The largest logo form: the logo limit and room for the token.
pub const MAX_LOGO_FORM_BYTES: usize = sb_app::logo::MAX_LOGO_BYTES + 16 * 1024;

/// The largest picture form: the picture limit and room for the token.
pub const MAX_PICTURE_FORM_BYTES: usize = sb_app::picture::MAX_PICTURE_BYTES + 16 * 1024;

/// The largest contacts import form: the import limit and room for the token.
pub const MAX_CONTACTS_FORM_BYTES: usize = sb_app::contacts_files::MAX_IMPORT_BYTES + 16 * 1024;

/// The greeting form's fields.
pub type GreetingForm = FileForm;

/// A file form's fields: its token, a line it is for (greetings), the file.
#[derive(Debug, Default, PartialEq)]
pub struct FileForm {
    pub csrf: String,
    pub line: String,
    pub file: Vec<u8>,
}

/// Why a body is not a file form.
#[derive(Debug, PartialEq, Eq)]
pub enum UploadError {
    /// Not multipart, no boundary, or broken parts.
    Malformed,
    /// Larger than the form's limit.
    TooLarge,
}

/// Runs a future whose input is all in memory: it never waits, so a poll with a no-op waker
/// finishes it. One that would wait is taken as malformed rather than spun on.
fn ready<F: Future>(f: F) -> Option<F::Output> {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..4 {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return Some(v);
        }
    }
    None
}

/// Small text fields are at most this long (a CSRF token, a line id).
const MAX_TEXT_FIELD: usize = 256;

/// Parses a greeting form of content type `content_type`. A form without a file gives an empty
/// `file`: the caller says so once it has checked the form's CSRF token.
pub fn parse_greeting_form(content_type: &str, body: Bytes) -> Result<GreetingForm, UploadError> {
    parse_file_form(content_type, body, MAX_FORM_BYTES, "greeting")
}

/// Parses a logo form (its file field is `logo`), as [`parse_greeting_form`] does.
pub fn parse_logo_form(content_type: &str, body: Bytes) -> Result<FileForm, UploadError> {
    parse_file_form(content_type, body, MAX_LOGO_FORM_BYTES, "logo")
}

/// Parses a profile picture form (its file field is `picture`), as [`parse_greeting_form`]
/// does.
pub fn parse_picture_form(content_type: &str, body: Bytes) -> Result<FileForm, UploadError> {
    parse_file_form(content_type, body, MAX_PICTURE_FORM_BYTES, "picture")
}

/// Parses a contacts import form (its file field is `file`), as [`parse_greeting_form`] does.
pub fn parse_contacts_form(content_type: &str, body: Bytes) -> Result<FileForm, UploadError> {
    parse_file_form(content_type, body, MAX_CONTACTS_FORM_BYTES, "file")
}

fn parse_file_form(
    content_type: &str,
    body: Bytes,
    max: usize,
    file_field: &'static str,
) -> Result<FileForm, UploadError> {
    if body.len() > max {
        return Err(UploadError::TooLarge);
    }
    let boundary = multer::parse_boundary(content_type).map_err(|_| UploadError::Malformed)?;
    let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(body) });
    let limits = multer::Constraints::new().size_limit(
        multer::SizeLimit::new()
            .whole_stream(max as u64)
            .per_field(max as u64),
    );
    let mut parts = multer::Multipart::with_constraints(stream, boundary, limits);
    ready(async move {
        let mut form = FileForm::default();
        while let Some(field) = parts
            .next_field()
            .await
            .map_err(|_| UploadError::Malformed)?
        {
            let name = field.name().unwrap_or_default().to_owned();
            let data = field.bytes().await.map_err(|e| match e {
                multer::Error::StreamSizeExceeded { .. }
                | multer::Error::FieldSizeExceeded { .. } => UploadError::TooLarge,
                _ => UploadError::Malformed,
            })?;
            let text = || {
                if data.len() > MAX_TEXT_FIELD {
                    return Err(UploadError::Malformed);
                }
                String::from_utf8(data.to_vec()).map_err(|_| UploadError::Malformed)
            };
            match name.as_str() {
                "csrf" => form.csrf = text()?,
                "line" => form.line = text()?,
                f if f == file_field => form.file = data.to_vec(),
                _ => {}
            }
        }
        Ok(form)
    })
    .unwrap_or(Err(UploadError::Malformed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(parts: &[(&str, &[u8])]) -> Bytes {
        let mut b = Vec::new();
        for (name, data) in parts {
            b.extend_from_slice(b"--XyZ\r\n");
            let disp = if *name == "greeting" {
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"g.wav\"\r\nContent-Type: audio/wav\r\n\r\n"
                )
            } else {
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n")
            };
            b.extend_from_slice(disp.as_bytes());
            b.extend_from_slice(data);
            b.extend_from_slice(b"\r\n");
        }
        b.extend_from_slice(b"--XyZ--\r\n");
        Bytes::from(b)
    }

    const CT: &str = "multipart/form-data; boundary=XyZ";

    #[test]
    fn a_greeting_form_gives_its_token_line_and_file() {
        let b = body(&[("csrf", b"tok"), ("line", b"L1"), ("greeting", b"RIFF..")]);
        let f = parse_greeting_form(CT, b).unwrap();
        assert_eq!(
            f,
            GreetingForm {
                csrf: "tok".into(),
                line: "L1".into(),
                file: b"RIFF..".to_vec()
            }
        );
    }

    #[test]
    fn broken_empty_or_oversized_forms_are_refused() {
        assert_eq!(
            parse_greeting_form("text/plain", body(&[("greeting", b"x")])),
            Err(UploadError::Malformed)
        );
        assert_eq!(
            parse_greeting_form(CT, Bytes::from_static(b"--XyZ\r\nbroken")),
            Err(UploadError::Malformed)
        );
        let no_file = parse_greeting_form(CT, body(&[("csrf", b"tok"), ("greeting", b"")]));
        assert_eq!(
            no_file.map(|f| (f.csrf, f.file.len())),
            Ok(("tok".into(), 0))
        );
        let big = vec![0u8; MAX_FORM_BYTES + 1];
        assert_eq!(
            parse_greeting_form(CT, Bytes::from(big)),
            Err(UploadError::TooLarge)
        );
        let long_token = vec![b'a'; 1000];
        assert_eq!(
            parse_greeting_form(CT, body(&[("csrf", &long_token), ("greeting", b"x")])),
            Err(UploadError::Malformed)
        );
    }
}
