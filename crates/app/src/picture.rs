//! A person's uploaded profile picture made safe and small: a PNG decoded and written anew (only
//! its pixels survive: no text chunks, no metadata, no trailing data, no further frames), scaled
//! down to fit [`SIDE`] pixels each way. Nothing is stored as it was uploaded. A JPEG would need
//! a decoder the workspace does not have, so a picture is a PNG.

use crate::{AppError, AppResult};

/// The largest file accepted as uploaded.
pub const MAX_PICTURE_BYTES: usize = 512 * 1024;
/// The largest picture kept, in pixels each way; a larger one is scaled down to fit.
pub const SIDE: u32 = 256;
/// The largest picture decoded, in pixels each way: a small file may claim a huge image (a
/// "decompression bomb"), whose pixels would not fit in memory.
const MAX_DECODED_SIDE: u32 = 2048;

fn refused(code: &'static str, message: &str) -> AppError {
    AppError::invalid(code, "picture", message)
}

/// An image's pixels, 8 bits a sample, `channels` samples a pixel, rows top to bottom.
struct Pixels {
    width: u32,
    height: u32,
    color: png::ColorType,
    data: Vec<u8>,
}

/// The picture as it is kept: a new PNG of the uploaded one's pixels, at most [`SIDE`] pixels
/// each way.
pub fn sanitise(file: &[u8]) -> AppResult<Vec<u8>> {
    if file.len() > MAX_PICTURE_BYTES {
        return Err(refused(
            "picture_too_large",
            "A picture is at most 512 KiB.",
        ));
    }
    if !file.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Err(refused("picture_not_png", "A picture is a PNG file."));
    }
    let pixels = decode(file)?;
    encode(&fit(pixels))
}

fn decode(file: &[u8]) -> AppResult<Pixels> {
    let unreadable = |_| refused("picture_unreadable", "This PNG file cannot be read.");
    let mut decoder = png::Decoder::new(std::io::Cursor::new(file));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(unreadable)?;
    let (w, h) = (reader.info().width, reader.info().height);
    if w > MAX_DECODED_SIDE || h > MAX_DECODED_SIDE {
        return Err(refused(
            "picture_too_many_pixels",
            "A picture is at most 2048 pixels wide and high.",
        ));
    }
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| refused("picture_too_many_pixels", "This PNG file is too large."))?;
    let mut data = vec![0; size];
    let frame = reader.next_frame(&mut data).map_err(unreadable)?;
    data.truncate(frame.buffer_size());
    Ok(Pixels {
        width: frame.width,
        height: frame.height,
        color: frame.color_type,
        data,
    })
}

/// The picture scaled down to fit [`SIDE`] each way, keeping its proportions; one that already
/// fits is kept as it is.
fn fit(p: Pixels) -> Pixels {
    let longest = p.width.max(p.height);
    if longest <= SIDE {
        return p;
    }
    let scale = |n: u32| (u64::from(n) * u64::from(SIDE) / u64::from(longest)).max(1);
    let (w, h) = (scale(p.width), scale(p.height));
    let ch = p.color.samples();
    let mut data = Vec::with_capacity(usize::try_from(w * h).unwrap_or(0) * ch);
    for y in 0..h {
        let rows = span(y, h, u64::from(p.height));
        for x in 0..w {
            let cols = span(x, w, u64::from(p.width));
            data.extend((0..ch).map(|c| mean(&p, &rows, &cols, c)));
        }
    }
    Pixels {
        width: u32::try_from(w).unwrap_or(SIDE),
        height: u32::try_from(h).unwrap_or(SIDE),
        color: p.color,
        data,
    }
}

/// The source rows (or columns) that new row `i` of `n` covers, out of `src`: never empty.
fn span(i: u64, n: u64, src: u64) -> std::ops::Range<u64> {
    let start = i * src / n;
    start..((i + 1) * src / n).max(start + 1)
}

/// Sample `c`'s mean over the source pixels of `rows` × `cols`: a new pixel is the average of
/// the area it stands for.
fn mean(p: &Pixels, rows: &std::ops::Range<u64>, cols: &std::ops::Range<u64>, c: usize) -> u8 {
    let ch = p.color.samples();
    let width = u64::from(p.width);
    let mut sum = 0u64;
    for y in rows.clone() {
        for x in cols.clone() {
            let i = usize::try_from(y * width + x).unwrap_or(usize::MAX);
            sum += u64::from(
                p.data
                    .get(i.saturating_mul(ch).saturating_add(c))
                    .copied()
                    .unwrap_or(0),
            );
        }
    }
    let n = (rows.end - rows.start) * (cols.end - cols.start);
    u8::try_from(sum / n).unwrap_or(u8::MAX)
}

fn encode(p: &Pixels) -> AppResult<Vec<u8>> {
    let failed = |e: png::EncodingError| AppError::Internal(format!("picture encoding: {e}"));
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, p.width, p.height);
        encoder.set_color(p.color);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(failed)?;
        writer.write_image_data(&p.data).map_err(failed)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
