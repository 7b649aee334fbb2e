//! The body of a mail after its top headers, as MIME (RFC 2045/2046): the plain text, and for a
//! tenant with branding an HTML alternative under its product name and colours with its PNG logo
//! inline (RFC 2387 `multipart/related`, the logo named by Content-ID), then the attachment.

use askama::Template;
use base64::Engine;
use sb_app::branding::Logo;
use sb_app::outbox::OutgoingMail as Mail;
use sb_domain::branding::{Effective, LogoKind};

/// A tenant's branding as its mail shows it.
#[derive(Debug, Clone)]
pub struct MailBrand {
    pub name: String,
    /// `#rrggbb`, and the text colour that reads on it.
    pub primary: String,
    pub on_primary: String,
    /// Mail readers show PNG, not SVG: an SVG logo is left out.
    pub logo_png: Option<Vec<u8>>,
}

/// The banner's colour when the tenant chose none (the portal's own).
const DEFAULT_PRIMARY: &str = "#1d3557";

impl MailBrand {
    pub fn of(e: &Effective, logo: Option<Logo>) -> Self {
        let (primary, on_primary) = match &e.primary {
            Some(c) => (c.as_str().to_owned(), c.text_on().as_str().to_owned()),
            None => (DEFAULT_PRIMARY.to_owned(), "#ffffff".to_owned()),
        };
        Self {
            name: e.name().to_owned(),
            primary,
            on_primary,
            logo_png: logo.filter(|l| l.kind == LogoKind::Png).map(|l| l.file),
        }
    }
}

const LOGO_CID: &str = "logo@switchboard";

#[derive(Template)]
#[template(path = "mail.html")]
struct MailHtml<'a> {
    subject: &'a str,
    name: &'a str,
    primary: &'a str,
    on_primary: &'a str,
    logo: bool,
    lines: Vec<&'a str>,
}

const TEXT_HEADERS: &str =
    "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";

fn lines_of(text: &str) -> String {
    let mut out = String::new();
    // lettre does the dot-stuffing (RFC 5321 section 4.5.2) and the final "."
    for line in text.lines() {
        out.push_str(line);
        out.push_str("\r\n");
    }
    out
}

/// Base64 lines of 76 characters (RFC 2045).
fn base64_lines(b64: &str) -> String {
    let mut out = String::new();
    for chunk in b64.as_bytes().chunks(76) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push_str("\r\n");
    }
    out
}

fn multipart(kind: &str, boundary: &str, parts: &[String]) -> String {
    let mut out = format!("Content-Type: multipart/{kind}; boundary=\"{boundary}\"\r\n\r\n");
    for p in parts {
        out.push_str(&format!("--{boundary}\r\n{p}\r\n"));
    }
    out.push_str(&format!("--{boundary}--\r\n"));
    out
}

/// The MIME entity of `m`: its Content-Type lines, a blank line and its content. Boundaries
/// carry the mail's id: they cannot occur in base64 or in our own text.
pub fn entity(m: &Mail, brand: Option<&MailBrand>) -> Result<String, String> {
    let text = format!("{TEXT_HEADERS}{}", lines_of(&m.body));
    let content = match brand {
        None => text,
        Some(b) => {
            let html = MailHtml {
                subject: &m.subject,
                name: &b.name,
                primary: &b.primary,
                on_primary: &b.on_primary,
                logo: b.logo_png.is_some(),
                lines: m.body.lines().collect(),
            }
            .render()
            .map_err(|e| format!("mail template: {e}"))?;
            let html = format!(
                "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}",
                lines_of(&html)
            );
            let rich = match &b.logo_png {
                None => html,
                Some(png) => {
                    let b64 = base64::engine::general_purpose::STANDARD.encode(png);
                    let image = format!(
                        "Content-Type: image/png\r\nContent-ID: <{LOGO_CID}>\r\nContent-Disposition: inline; filename=\"logo.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}",
                        base64_lines(&b64)
                    );
                    let boundary = format!("=_switchboard_rel_{}", m.id);
                    multipart("related; type=\"text/html\"", &boundary, &[html, image])
                }
            };
            let boundary = format!("=_switchboard_alt_{}", m.id);
            multipart("alternative", &boundary, &[text, rich])
        }
    };
    let Some(a) = &m.attachment else {
        return Ok(content);
    };
    if [&a.name, &a.content_type]
        .iter()
        .any(|s| s.contains(['\r', '\n', '"']))
    {
        return Err("attachment names cannot contain line breaks or quotes".into());
    }
    let file = format!(
        "Content-Type: {}; name=\"{}\"\r\nContent-Disposition: attachment; filename=\"{}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}",
        a.content_type,
        a.name,
        a.name,
        base64_lines(&a.base64)
    );
    let boundary = format!("=_switchboard_{}", m.id);
    Ok(multipart("mixed", &boundary, &[content, file]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sb_app::outbox::MailAttachment as Attachment;
    use sb_domain::branding::{Brand, Effective};

    fn mail(body: &str, attachment: bool) -> Mail {
        Mail {
            id: "m1".into(),
            recipient: "ada@example.com".into(),
            subject: "Report <weekly>".into(),
            body: body.into(),
            attempts: 0,
            attachment: attachment.then(|| Attachment {
                name: "r.csv".into(),
                content_type: "text/csv".into(),
                base64: "YSxi".into(),
            }),
        }
    }

    fn brand(logo: Option<LogoKind>) -> MailBrand {
        let b = Brand {
            product_name: Some("Acme <Voice> & Co".into()),
            primary: Some("#ffd700".into()),
            ..Brand::default()
        };
        let e = Effective::of(Some(&b), None).unwrap();
        let logo = logo.map(|kind| Logo {
            kind,
            file: vec![0x89, b'P', b'N', b'G'],
        });
        MailBrand::of(&e, logo)
    }

    #[test]
    fn unbranded_mail_is_its_plain_text() {
        let e = entity(&mail("line one\nline two", false), None).unwrap();
        assert_eq!(e, format!("{TEXT_HEADERS}line one\r\nline two\r\n"));
    }

    #[test]
    fn branded_mail_adds_an_escaped_html_alternative_with_its_png_logo() {
        let e = entity(
            &mail("Hello <b>Ada</b>", true),
            Some(&brand(Some(LogoKind::Png))),
        )
        .unwrap();
        assert!(e.starts_with("Content-Type: multipart/mixed; boundary=\"=_switchboard_m1\""));
        let alt = e.find("multipart/alternative").unwrap();
        let text = e.find("text/plain").unwrap();
        let related = e.find("multipart/related").unwrap();
        let html = e.find("text/html").unwrap();
        let logo = e.find("Content-ID: <logo@switchboard>").unwrap();
        let csv = e.find("filename=\"r.csv\"").unwrap();
        assert!(alt < text && text < related && related < html && html < logo && logo < csv);
        // The text part keeps the body as written; the HTML escapes it and the tenant's name.
        assert!(e.contains("\r\n\r\nHello <b>Ada</b>\r\n"));
        assert!(e.contains("Hello &#60;b&#62;Ada&#60;/b&#62;<br>"), "{e}");
        assert!(e.contains("Acme &#60;Voice&#62; &#38; Co"), "{e}");
        // Gold reads with black text.
        assert!(e.contains("background:#ffd700;color:#000000"));
        assert!(e.contains("src=\"cid:logo@switchboard\""));
        assert!(e.ends_with("--=_switchboard_m1--\r\n"));
    }

    #[test]
    fn an_svg_logo_stays_out_of_mail() {
        let e = entity(&mail("Hi", false), Some(&brand(Some(LogoKind::Svg)))).unwrap();
        assert!(e.starts_with("Content-Type: multipart/alternative"));
        assert!(!e.contains("multipart/related") && !e.contains("cid:"));
    }
}
