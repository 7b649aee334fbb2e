use super::*;

fn svg(s: &str) -> String {
    let (kind, out) = sanitise(s.as_bytes()).unwrap();
    assert_eq!(kind, LogoKind::Svg);
    String::from_utf8(out).unwrap()
}

fn refusal(file: &[u8]) -> String {
    match sanitise(file) {
        Err(AppError::Invalid(i)) => i.message,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn an_svg_logo_keeps_its_drawing_and_loses_every_script() {
    let out = svg(concat!(
        r#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="alert(1)">"#,
        r#"<script>alert(2)</script><style>rect{fill:url(https://x.test/a)}</style>"#,
        r##"<rect width="10" height="5" fill="#1d3557" style="background:url(//x.test)"/>"##,
        r#"<foreignObject><body xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(3)"/></body></foreignObject>"#,
        r##"<use href="https://x.test/sprite.svg#a"/><use xlink:href="#mark"/><image href="data:,x"/>"##,
        r#"<a href="javascript:alert(4)"><text>click</text></a>"#,
        r##"<path id="mark" d="M0 0L10 10" fill="url(https://x.test/p)" stroke="url(#g)"/>"##,
        r#"<text x="1" y="9">Acme &amp; Co &#233;</text><!-- note --></svg>"#,
    ));
    for gone in [
        "script",
        "alert",
        "onload",
        "style",
        "x.test",
        "foreignObject",
        "onerror",
        "image",
        "javascript",
        "click",
        "note",
        "<?xml",
    ] {
        assert!(!out.contains(gone), "{gone} survived in {out}");
    }
    for kept in [
        r#"viewBox="0 0 10 10""#,
        r##"fill="#1d3557""##,
        r##"<use xlink:href="#mark"/>"##,
        r##"stroke="url(#g)""##,
        r#"d="M0 0L10 10""#,
        "Acme &amp; Co é</text>",
    ] {
        assert!(out.contains(kept), "{kept} missing from {out}");
    }
    assert!(out.starts_with("<svg ") && out.ends_with("</svg>"), "{out}");
}

#[test]
fn files_that_are_no_logo_are_refused_with_a_reason() {
    assert!(refusal(b"<html><script>x</script></html>").contains("PNG or an SVG"));
    assert!(refusal(b"GIF89a....").contains("PNG or an SVG"));
    let bomb = r#"<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>"#;
    assert!(refusal(bomb.as_bytes()).contains("DOCTYPE"));
    assert!(refusal(b"<svg><g></svg>").contains("well-formed"));
    assert!(refusal(&[0xff, 0xfe, 0x00]).contains("UTF-8"));
    let big = format!("<svg>{}</svg>", " ".repeat(MAX_LOGO_BYTES));
    assert!(refusal(big.as_bytes()).contains("256 KiB"));
    assert!(refusal(b"\x89PNG\r\n\x1a\nnot really").contains("cannot be read"));
}

fn png_with_text(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut e = png::Encoder::new(&mut out, w, h);
        e.set_color(png::ColorType::Rgba);
        e.set_depth(png::BitDepth::Eight);
        e.add_text_chunk("Comment".into(), "<script>secret</script>".into())
            .unwrap();
        let mut wr = e.write_header().unwrap();
        let pixels: Vec<u8> = (0..w * h * 4).map(|i| (i % 251) as u8).collect();
        wr.write_image_data(&pixels).unwrap();
    }
    out.extend_from_slice(b"trailing <script>");
    out
}

#[test]
fn a_png_logo_is_written_anew_with_its_pixels_only() {
    let (kind, out) = sanitise(&png_with_text(8, 4)).unwrap();
    assert_eq!(kind, LogoKind::Png);
    let text = String::from_utf8_lossy(&out);
    assert!(!text.contains("secret") && !text.contains("tEXt") && !text.contains("trailing"));
    let mut r = png::Decoder::new(std::io::Cursor::new(&out))
        .read_info()
        .unwrap();
    let mut px = vec![0; r.output_buffer_size().unwrap()];
    let f = r.next_frame(&mut px).unwrap();
    assert_eq!((f.width, f.height), (8, 4));
    assert_eq!(&px[..8], &[0, 1, 2, 3, 4, 5, 6, 7]);
    assert!(refusal(&png_with_text(2049, 1)).contains("2048 pixels"));
}
