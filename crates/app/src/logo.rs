//! A tenant's uploaded logo made safe to show on every page and in mail: a PNG is decoded and
//! written anew (only its pixels survive: no text chunks, no metadata, no trailing data), an SVG
//! is rebuilt from an allow-list of drawing elements and attributes (no script, no event
//! handler, no style sheet, no reference outside the file, no entity), whatever it held.

use crate::{AppError, AppResult};
use quick_xml::events::{BytesStart, BytesText, Event};
use quick_xml::{Reader, Writer, XmlVersion};
use sb_domain::branding::LogoKind;

/// The largest file accepted, before and after it is rewritten.
pub const MAX_LOGO_BYTES: usize = 256 * 1024;
/// The largest PNG, in pixels each way.
const MAX_SIDE: u32 = 2048;

fn refused(message: &str) -> AppError {
    AppError::invalid("invalid_logo", "logo", message)
}

/// The logo's kind and its sanitised file.
pub fn sanitise(file: &[u8]) -> AppResult<(LogoKind, Vec<u8>)> {
    if file.len() > MAX_LOGO_BYTES {
        return Err(refused("A logo is at most 256 KiB."));
    }
    let out = if file.starts_with(b"\x89PNG\r\n\x1a\n") {
        (LogoKind::Png, png_again(file)?)
    } else {
        (LogoKind::Svg, svg_again(file)?)
    };
    if out.1.len() > MAX_LOGO_BYTES {
        return Err(refused("A logo is at most 256 KiB."));
    }
    Ok(out)
}

fn png_again(file: &[u8]) -> AppResult<Vec<u8>> {
    let bad = |_| refused("This PNG file cannot be read.");
    let mut decoder = png::Decoder::new(std::io::Cursor::new(file));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(bad)?;
    let (w, h) = (reader.info().width, reader.info().height);
    if w > MAX_SIDE || h > MAX_SIDE {
        return Err(refused("A logo is at most 2048 pixels wide and high."));
    }
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| refused("This PNG file is too large."))?;
    let mut pixels = vec![0; size];
    let frame = reader.next_frame(&mut pixels).map_err(bad)?;
    pixels.truncate(frame.buffer_size());
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, frame.width, frame.height);
        encoder.set_color(frame.color_type);
        encoder.set_depth(frame.bit_depth);
        let mut writer = encoder.write_header().map_err(|_| refused("PNG"))?;
        writer
            .write_image_data(&pixels)
            .map_err(|_| refused("This PNG file cannot be read."))?;
    }
    Ok(out)
}

/// Drawing elements an SVG logo may use; any other element is dropped with all it contains.
const ELEMENTS: &[&str] = &[
    "svg",
    "g",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "text",
    "tspan",
    "title",
    "desc",
    "defs",
    "linearGradient",
    "radialGradient",
    "stop",
    "clipPath",
    "mask",
    "symbol",
    "use",
];

/// Attributes kept on them; any other (`on…` handlers, `style`, foreign namespaces) is dropped.
const ATTRIBUTES: &[&str] = &[
    "id",
    "xmlns",
    "xmlns:xlink",
    "version",
    "viewBox",
    "preserveAspectRatio",
    "width",
    "height",
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "fx",
    "fy",
    "d",
    "points",
    "transform",
    "fill",
    "fill-opacity",
    "fill-rule",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-miterlimit",
    "stroke-dasharray",
    "stroke-dashoffset",
    "opacity",
    "clip-path",
    "clip-rule",
    "mask",
    "offset",
    "stop-color",
    "stop-opacity",
    "gradientUnits",
    "gradientTransform",
    "spreadMethod",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "text-anchor",
    "dominant-baseline",
    "letter-spacing",
    "href",
    "xlink:href",
];

/// An attribute value that may stay: references only inside the file (`#id`, `url(#id)`).
fn value_is_local(name: &str, value: &str) -> bool {
    let v = value.trim();
    if name.ends_with("href") {
        return v.starts_with('#');
    }
    let lower = v.to_ascii_lowercase();
    match lower.find("url(") {
        None => !lower.contains("javascript:") && !lower.contains("data:"),
        Some(i) => lower[i + 4..].trim_start().starts_with('#'),
    }
}

fn svg_again(file: &[u8]) -> AppResult<Vec<u8>> {
    let text = std::str::from_utf8(file)
        .map_err(|_| refused("A logo is a PNG or an SVG file (UTF-8)."))?
        .trim_start_matches('\u{feff}');
    let mut reader = Reader::from_str(text);
    let mut out = Writer::new(Vec::new());
    let mut depth = 0usize;
    // While > 0, inside an element that is dropped with everything it holds.
    let mut dropping = 0usize;
    let mut root_seen = false;
    loop {
        match reader.read_event().map_err(malformed)? {
            Event::Eof => break,
            Event::DocType(_) => {
                return Err(refused("An SVG logo cannot have a DOCTYPE (entities)."));
            }
            Event::Start(e) => {
                check_root(&e, &mut root_seen)?;
                if dropping > 0 || !allowed(&e) {
                    dropping += 1;
                } else {
                    out.write_event(Event::Start(cleaned(&e)?))
                        .map_err(malformed)?;
                    depth += 1;
                }
            }
            Event::Empty(e) => {
                check_root(&e, &mut root_seen)?;
                if dropping == 0 && allowed(&e) {
                    out.write_event(Event::Empty(cleaned(&e)?))
                        .map_err(malformed)?;
                }
            }
            Event::End(e) => {
                if dropping > 0 {
                    dropping -= 1;
                } else if depth > 0 {
                    depth -= 1;
                    out.write_event(Event::End(e)).map_err(malformed)?;
                }
            }
            Event::Text(t) if dropping == 0 && depth > 0 => {
                let s = t.xml_content(XmlVersion::Implicit1_0);
                out.write_event(Event::Text(BytesText::new(&s)))
                    .map_err(malformed)?;
            }
            Event::GeneralRef(r) if dropping == 0 && depth > 0 => {
                let c = match r.resolve_char_ref().map_err(malformed)? {
                    Some(c) => c,
                    None => predefined(&r.into_inner())?,
                };
                out.write_event(Event::Text(BytesText::new(&c.to_string())))
                    .map_err(malformed)?;
            }
            // Comments, processing instructions, CDATA and the XML declaration are dropped.
            _ => {}
        }
    }
    if !root_seen {
        return Err(refused("A logo is a PNG or an SVG file."));
    }
    Ok(out.into_inner())
}

fn malformed(_: impl std::fmt::Display) -> AppError {
    refused("This SVG file is not well-formed XML.")
}

/// The document's first element must be `<svg>`.
fn check_root(e: &BytesStart<'_>, root_seen: &mut bool) -> AppResult<()> {
    if !*root_seen {
        if e.name().0 != "svg" {
            return Err(refused("A logo is a PNG or an SVG file."));
        }
        *root_seen = true;
    }
    Ok(())
}

fn allowed(e: &BytesStart<'_>) -> bool {
    ELEMENTS.contains(&e.name().0)
}

/// The element with only the allowed attributes whose values stay inside the file.
fn cleaned(e: &BytesStart<'_>) -> AppResult<BytesStart<'static>> {
    let mut kept = BytesStart::new(e.name().0.to_owned());
    for a in e.attributes() {
        let a = a.map_err(malformed)?;
        let key = a.key.0;
        if !ATTRIBUTES.contains(&key) {
            continue;
        }
        let value = a
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(malformed)?;
        if value_is_local(key, &value) {
            kept.push_attribute((key, value.as_ref()));
        }
    }
    Ok(kept)
}

/// The five entities XML predefines; any other would need a DOCTYPE, which is refused.
fn predefined(name: &str) -> AppResult<char> {
    Ok(match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "quot" => '"',
        "apos" => '\'',
        _ => return Err(refused("An SVG logo cannot use entities.")),
    })
}

#[cfg(test)]
mod tests;
