use super::*;

/// A PNG of `w` × `h` RGBA pixels (red rising to the right), with a text chunk and bytes after
/// its end, as an upload might carry.
fn png_of(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut e = png::Encoder::new(&mut out, w, h);
        e.set_color(png::ColorType::Rgba);
        e.set_depth(png::BitDepth::Eight);
        e.add_text_chunk("Comment".into(), "<script>alert(1)</script>".into())
            .unwrap();
        let mut wr = e.write_header().unwrap();
        let data: Vec<u8> = (0..h)
            .flat_map(|_| (0..w).flat_map(move |x| [u8::try_from(x % 256).unwrap(), 0, 0, 255]))
            .collect();
        wr.write_image_data(&data).unwrap();
    }
    out.extend_from_slice(b"trailing data");
    out
}

fn info(file: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut d = png::Decoder::new(std::io::Cursor::new(file));
    d.set_transformations(png::Transformations::normalize_to_color8());
    let mut r = d.read_info().unwrap();
    let mut buf = vec![0; r.output_buffer_size().unwrap()];
    let f = r.next_frame(&mut buf).unwrap();
    buf.truncate(f.buffer_size());
    (f.width, f.height, buf)
}

fn code_of(file: &[u8]) -> String {
    match sanitise(file) {
        Err(AppError::Invalid(i)) => {
            assert_eq!(i.field, "picture");
            i.code.to_string()
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_small_picture_keeps_its_pixels_and_loses_its_text_and_trailing_bytes() {
    let upload = png_of(40, 30);
    let kept = sanitise(&upload).unwrap();
    assert_ne!(kept, upload, "written anew, never stored as uploaded");
    let (w, h, pixels) = info(&kept);
    assert_eq!((w, h), (40, 30));
    assert_eq!(pixels, info(&upload).2);
    let text = String::from_utf8_lossy(&kept);
    assert!(!text.contains("script") && !text.contains("trailing"));
}

#[test]
fn a_large_picture_is_scaled_down_to_fit_256_pixels_keeping_its_proportions() {
    let kept = sanitise(&png_of(1024, 512)).unwrap();
    let (w, h, pixels) = info(&kept);
    assert_eq!((w, h), (256, 128));
    // Each new pixel averages four source columns: x = 4i..4i+3 gives red 4i + 1.
    assert_eq!(pixels[..4], [1, 0, 0, 255]);
    assert_eq!(pixels[4 * 10..4 * 10 + 4], [41, 0, 0, 255]);
    let (w, h, _) = info(&sanitise(&png_of(300, 1200)).unwrap());
    assert_eq!((w, h), (64, 256));
}

#[test]
fn a_file_over_512_kib_or_not_a_png_or_broken_is_refused_by_its_own_code() {
    let mut big = png_of(4, 4);
    big.resize(MAX_PICTURE_BYTES + 1, 0);
    assert_eq!(code_of(&big), "picture_too_large");
    assert_eq!(code_of(b"\xff\xd8\xff\xe0 a JPEG"), "picture_not_png");
    assert_eq!(code_of(b"<svg/>"), "picture_not_png");
    let mut broken = png_of(8, 8);
    broken.truncate(40);
    assert_eq!(code_of(&broken), "picture_unreadable");
}

#[test]
fn a_png_claiming_more_than_2048_pixels_a_side_is_refused_before_its_pixels_are_read() {
    // A header of 10000 × 10 pixels, which would be decoded into memory, and an empty image.
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&10_000u32.to_be_bytes());
    ihdr.extend_from_slice(&10u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut file = b"\x89PNG\r\n\x1a\n".to_vec();
    file.extend(chunk(b"IHDR", &ihdr));
    file.extend(chunk(b"IDAT", &[]));
    file.extend(chunk(b"IEND", &[]));
    assert_eq!(code_of(&file), "picture_too_many_pixels");
}

/// A PNG chunk: length, type, data and CRC.
fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
    let mut crc_input = kind.to_vec();
    crc_input.extend_from_slice(data);
    out.extend_from_slice(&crc_input);
    out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
    out
}

/// CRC-32 of PNG chunks (ISO 3309), so the test's header is a valid one.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for b in data {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
