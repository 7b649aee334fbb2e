//! What makes a text an MMS: a body that is an image, JPEG, PNG or GIF, of at most
//! [`MAX_MEDIA`] bytes, whose declared content type (RFC 3428 section 9: a MESSAGE's body may be
//! any MIME type) agrees with its bytes. The declared type alone is never trusted: an image
//! kept and later shown in the portal must be what it says, so the file's signature decides.
//! Groundwork for issue 17's MMS: the carrier and phone paths and the stored media use it next.

use crate::{AppError, AppResult};

/// The largest image kept (carriers' MMS limits are commonly 300 KiB to 1 MiB).
pub const MAX_MEDIA: usize = 1024 * 1024;

/// An image kind an MMS may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    Jpeg,
    Png,
    Gif,
}

impl Media {
    pub fn content_type(self) -> &'static str {
        match self {
            Media::Jpeg => "image/jpeg",
            Media::Png => "image/png",
            Media::Gif => "image/gif",
        }
    }

    /// The kind a declared content type names (parameters and case ignored, RFC 2045
    /// section 5.1), if it is one of the three.
    fn declared(content_type: &str) -> Option<Self> {
        let essence = content_type.split(';').next().unwrap_or("").trim();
        [Media::Jpeg, Media::Png, Media::Gif]
            .into_iter()
            .find(|m| essence.eq_ignore_ascii_case(m.content_type()))
    }

    /// The kind the bytes' signature shows: JPEG's SOI marker and the next marker's 0xFF,
    /// PNG's 8-byte signature (RFC 2083 section 3.1), GIF's `GIF87a`/`GIF89a` header.
    fn sniffed(body: &[u8]) -> Option<Self> {
        if body.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Media::Jpeg)
        } else if body.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(Media::Png)
        } else if body.starts_with(b"GIF87a") || body.starts_with(b"GIF89a") {
            Some(Media::Gif)
        } else {
            None
        }
    }
}

/// Whether a declared content type is an image, i.e. the text is meant as an MMS.
pub fn is_image(content_type: &str) -> bool {
    content_type
        .trim_start()
        .get(..6)
        .is_some_and(|p| p.eq_ignore_ascii_case("image/"))
}

/// The image of an MMS, checked: at most [`MAX_MEDIA`] bytes (else `too_large`, 413 on SIP)
/// and of a kind both declared and shown by its bytes (else `unsupported_media`, 415).
pub fn checked_image(content_type: &str, body: &[u8]) -> AppResult<Media> {
    if body.len() > MAX_MEDIA {
        return Err(AppError::invalid(
            "too_large",
            "body",
            "The picture is larger than 1 MiB.",
        ));
    }
    match (Media::declared(content_type), Media::sniffed(body)) {
        (Some(d), Some(s)) if d == s => Ok(d),
        _ => Err(AppError::invalid(
            "unsupported_media",
            "body",
            "Pictures are JPEG, PNG or GIF images.",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
    const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F'];
    const GIF: &[u8] = b"GIF89a\x01\x00\x01\x00";

    fn code(r: AppResult<Media>) -> String {
        r.err().map(|e| e.code().to_owned()).unwrap_or_default()
    }

    #[test]
    fn an_image_is_accepted_when_its_bytes_are_what_its_type_says() {
        assert_eq!(checked_image("image/png", PNG).ok(), Some(Media::Png));
        assert_eq!(
            checked_image("IMAGE/JPEG; name=a.jpg", JPEG).ok(),
            Some(Media::Jpeg)
        );
        assert_eq!(checked_image(" image/gif", GIF).ok(), Some(Media::Gif));
    }

    #[test]
    fn a_mislabelled_truncated_or_other_image_is_refused_as_unsupported() {
        assert_eq!(code(checked_image("image/jpeg", PNG)), "unsupported_media");
        assert_eq!(
            code(checked_image("image/png", &PNG[..4])),
            "unsupported_media"
        );
        assert_eq!(
            code(checked_image("image/svg+xml", b"<svg/>")),
            "unsupported_media"
        );
        assert_eq!(
            code(checked_image("image/png", b"<html>")),
            "unsupported_media"
        );
        assert_eq!(code(checked_image("text/plain", PNG)), "unsupported_media");
        assert_eq!(
            code(checked_image("image/gif", b"GIF88a")),
            "unsupported_media"
        );
    }

    #[test]
    fn an_image_over_the_limit_is_too_large_whatever_it_is() {
        let mut big = PNG.to_vec();
        big.resize(MAX_MEDIA + 1, 0);
        assert_eq!(code(checked_image("image/png", &big)), "too_large");
        big.truncate(MAX_MEDIA);
        assert!(
            checked_image("image/png", &big).is_ok(),
            "the limit itself is kept"
        );
    }

    #[test]
    fn only_image_types_make_an_mms() {
        assert!(is_image("image/png") && is_image("Image/JPEG"));
        assert!(!is_image("text/plain") && !is_image("imag") && !is_image(""));
    }
}
