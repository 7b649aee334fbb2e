//! A received fax as a PDF: one PDF page per fax page, sized from the fax's own resolution, the
//! CCITT data of each TIFF strip embedded as it came (PDF 1.7 section 7.4.6, `CCITTFaxDecode`,
//! the way libtiff's `tiff2pdf` does it), so nothing is decoded or re-coded here.

use std::io::Cursor;

use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref};
use tiff::decoder::Decoder;
use tiff::tags::Tag;

/// Why a TIFF/F file could not be made a PDF.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DocumentError {
    #[error("the received file is not a readable TIFF: {0}")]
    Tiff(String),
    #[error("the received file has no page")]
    NoPage,
    #[error("page {page}: {what}")]
    Page { page: usize, what: String },
}

/// A page's size in PDF points (1/72 inch).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageSize {
    pub width: f32,
    pub height: f32,
}

/// The PDF and the size of each of its pages.
#[derive(Debug, Clone)]
pub struct Document {
    pub pdf: Vec<u8>,
    pub pages: Vec<PageSize>,
}

/// How a page's strips are coded, as PDF's `CCITTFaxDecode` names it.
struct Coding {
    /// `/K`: negative for T.6, 0 for T.4 one-dimensional, positive for T.4 two-dimensional.
    k: i32,
    /// T.4 with fill bits, so each line's code starts on a byte (TIFF's T4Options bit 2).
    byte_align: bool,
    /// The TIFF says 1 is black (PhotometricInterpretation 1); fax pages say 0 is white.
    black_is_1: bool,
}

/// One fax page read from the TIFF.
struct FaxPage {
    columns: u32,
    size: PageSize,
    coding: Coding,
    /// Each strip's rows and CCITT bytes, most significant bit first.
    strips: Vec<(u32, Vec<u8>)>,
}

/// The PDF of a TIFF/F file's pages.
pub fn tiff_to_pdf(tiff: &[u8]) -> Result<Document, DocumentError> {
    let pages = read_pages(tiff)?;
    if pages.is_empty() {
        return Err(DocumentError::NoPage);
    }
    Ok(write_pdf(&pages))
}

fn read_pages(tiff: &[u8]) -> Result<Vec<FaxPage>, DocumentError> {
    let bad = |e: tiff::TiffError| DocumentError::Tiff(e.to_string());
    let mut decoder = Decoder::new(Cursor::new(tiff)).map_err(bad)?;
    let mut pages = Vec::new();
    loop {
        let n = pages.len() + 1;
        pages.push(
            read_page(&mut decoder, tiff).map_err(|what| DocumentError::Page { page: n, what })?,
        );
        if !decoder.more_images() {
            return Ok(pages);
        }
        decoder.next_image().map_err(bad)?;
    }
}

fn read_page(d: &mut Decoder<Cursor<&[u8]>>, file: &[u8]) -> Result<FaxPage, String> {
    let tag = |d: &mut Decoder<Cursor<&[u8]>>, t: Tag| -> Result<Option<u32>, String> {
        d.find_tag_unsigned::<u32>(t).map_err(|e| e.to_string())
    };
    let columns = tag(d, Tag::ImageWidth)?.ok_or("no width")?;
    let rows = tag(d, Tag::ImageLength)?.ok_or("no length")?;
    if columns == 0 || rows == 0 || columns > 20_000 || rows > 100_000 {
        return Err(format!("{columns} by {rows} pixels is no fax page"));
    }
    if tag(d, Tag::BitsPerSample)?.unwrap_or(1) != 1
        || tag(d, Tag::SamplesPerPixel)?.unwrap_or(1) != 1
    {
        return Err("not bilevel".into());
    }
    let options = |d: &mut Decoder<Cursor<&[u8]>>, t: u16| {
        tag(d, Tag::Unknown(t)).map(Option::unwrap_or_default)
    };
    let coding = match tag(d, Tag::Compression)?.unwrap_or(1) {
        // T.4 (TIFF's "CCITT Group 3"): T4Options bit 0 is two-dimensional coding, bit 2 fill
        // bits (TIFF 6.0 section 11).
        3 => {
            let t4 = options(d, 292)?;
            Coding {
                k: i32::from(t4 & 1 != 0),
                byte_align: t4 & 4 != 0,
                black_is_1: false,
            }
        }
        4 => Coding {
            k: -1,
            byte_align: false,
            black_is_1: false,
        },
        other => return Err(format!("compression {other} is not T.4 or T.6")),
    };
    let coding = Coding {
        black_is_1: tag(d, Tag::PhotometricInterpretation)? == Some(1),
        ..coding
    };
    let reversed = tag(d, Tag::FillOrder)? == Some(2);
    let size = page_size(d, columns, rows)?;
    let offsets = d
        .get_tag_u32_vec(Tag::StripOffsets)
        .map_err(|e| e.to_string())?;
    let counts = d
        .get_tag_u32_vec(Tag::StripByteCounts)
        .map_err(|e| e.to_string())?;
    let per_strip = tag(d, Tag::RowsPerStrip)?.unwrap_or(rows).clamp(1, rows);
    if offsets.len() != counts.len() || offsets.len() != rows.div_ceil(per_strip) as usize {
        return Err("its strips do not cover its rows".into());
    }
    let mut strips = Vec::with_capacity(offsets.len());
    for (i, (&at, &len)) in offsets.iter().zip(&counts).enumerate() {
        let start = at as usize;
        let bytes = file
            .get(start..start.saturating_add(len as usize))
            .ok_or("a strip runs past the end of the file")?;
        // TIFF allows the bits of a byte in either order; PDF reads the most significant first.
        let bytes = if reversed {
            bytes.iter().map(|b| b.reverse_bits()).collect()
        } else {
            bytes.to_vec()
        };
        let strip_rows = per_strip.min(rows - i as u32 * per_strip);
        strips.push((strip_rows, bytes));
    }
    Ok(FaxPage {
        columns,
        size,
        coding,
        strips,
    })
}

/// The page's size from its pixels and resolution (TIFF's ResolutionUnit 2 is the inch, 3 the
/// centimetre).
fn page_size(d: &mut Decoder<Cursor<&[u8]>>, columns: u32, rows: u32) -> Result<PageSize, String> {
    let mut dpi = |t: Tag| -> Result<f32, String> {
        d.find_tag(t)
            .map_err(|e| e.to_string())?
            .ok_or("no resolution")?
            .into_u32_vec()
            .ok()
            .and_then(|v| match v[..] {
                [n, d] if d != 0 => Some(n as f32 / d as f32),
                [n] => Some(n as f32),
                _ => None,
            })
            .ok_or_else(|| "a resolution is not a number".to_owned())
    };
    let (x, y) = (dpi(Tag::XResolution)?, dpi(Tag::YResolution)?);
    let per_cm = d
        .find_tag_unsigned::<u32>(Tag::ResolutionUnit)
        .map_err(|e| e.to_string())?
        == Some(3);
    let (x, y) = if per_cm { (x * 2.54, y * 2.54) } else { (x, y) };
    if !(x >= 50.0 && y >= 50.0 && x <= 1200.0 && y <= 1200.0) {
        return Err(format!("{x} by {y} dpi is no fax resolution"));
    }
    Ok(PageSize {
        width: columns as f32 * 72.0 / x,
        height: rows as f32 * 72.0 / y,
    })
}

fn write_pdf(pages: &[FaxPage]) -> Document {
    let mut pdf = Pdf::new();
    let mut next = 0;
    let mut id = || {
        next += 1;
        Ref::new(next)
    };
    let catalog = id();
    let tree = id();
    pdf.catalog(catalog).pages(tree);
    let mut kids = Vec::with_capacity(pages.len());
    for page in pages {
        let page_id = id();
        let content_id = id();
        kids.push(page_id);
        let PageSize { width, height } = page.size;
        let total_rows: u32 = page.strips.iter().map(|s| s.0).sum();
        let points_per_row = height / total_rows as f32;
        let mut content = Content::new();
        let mut images = Vec::with_capacity(page.strips.len());
        let mut row = 0;
        for (i, (rows, bytes)) in page.strips.iter().enumerate() {
            let image_id = id();
            let name = format!("S{i}");
            // An image fills the unit square; each strip is scaled to its band of the page,
            // counted from the top (PDF's y axis points up).
            let band = *rows as f32 * points_per_row;
            let bottom = height - (row + rows) as f32 * points_per_row;
            content.save_state();
            content.transform([width, 0.0, 0.0, band, 0.0, bottom]);
            content.x_object(Name(name.as_bytes()));
            content.restore_state();
            row += rows;
            let mut image = pdf.image_xobject(image_id, bytes);
            image.filter(Filter::CcittFaxDecode);
            image.width(page.columns as i32);
            image.height(*rows as i32);
            image.color_space().device_gray();
            image.bits_per_component(1);
            let mut parms = image.decode_parms();
            parms
                .k(page.coding.k)
                .columns(page.columns as i32)
                .rows(*rows as i32);
            if page.coding.byte_align {
                parms.encoded_byte_align(true);
            }
            if page.coding.black_is_1 {
                parms.black_is_1(true);
            }
            parms.finish();
            image.finish();
            images.push((name, image_id));
        }
        let mut p = pdf.page(page_id);
        p.parent(tree)
            .media_box(Rect::new(0.0, 0.0, width, height))
            .contents(content_id);
        let mut resources = p.resources();
        let mut x_objects = resources.x_objects();
        for (name, image_id) in &images {
            x_objects.pair(Name(name.as_bytes()), *image_id);
        }
        x_objects.finish();
        resources.finish();
        p.finish();
        pdf.stream(content_id, &content.finish());
    }
    pdf.pages(tree).count(pages.len() as i32).kids(kids);
    Document {
        pdf: pdf.finish(),
        pages: pages.iter().map(|p| p.size).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Page, Resolution, tiff_bytes};

    #[test]
    fn what_is_not_a_tiff_is_refused() {
        assert!(matches!(tiff_to_pdf(b""), Err(DocumentError::Tiff(_))));
        assert!(matches!(
            tiff_to_pdf(b"%PDF-1.7 not a fax"),
            Err(DocumentError::Tiff(_))
        ));
    }

    #[test]
    fn a_page_not_coded_t4_or_t6_is_refused_by_its_number() {
        let tiff = tiff_bytes(&[Page::blank(10)], Resolution::Fine);
        assert_eq!(
            tiff_to_pdf(&tiff).err(),
            Some(DocumentError::Page {
                page: 1,
                what: "compression 1 is not T.4 or T.6".into()
            })
        );
    }

    /// The IFD entry of `tag` (type SHORT or LONG, one value) set to `value`.
    fn set_tag(tiff: &mut [u8], tag: u16, value: u32) {
        let t = tag.to_le_bytes();
        let at = (8..tiff.len() - 12)
            .find(|&i| tiff[i..i + 2] == t && matches!(tiff[i + 2], 3 | 4) && tiff[i + 4] == 1)
            .expect("the tag's entry");
        tiff[at + 8..at + 12].copy_from_slice(&value.to_le_bytes());
    }

    #[test]
    fn a_strip_past_the_end_of_the_file_is_refused() {
        let mut tiff = tiff_bytes(&[Page::blank(10)], Resolution::Fine);
        set_tag(&mut tiff, 259, 4); // T.6
        set_tag(&mut tiff, 279, 1 << 20); // StripByteCounts
        assert_eq!(
            tiff_to_pdf(&tiff).err(),
            Some(DocumentError::Page {
                page: 1,
                what: "a strip runs past the end of the file".into()
            })
        );
    }

    #[test]
    fn a_page_of_no_rows_is_refused() {
        let mut tiff = tiff_bytes(&[Page::blank(10)], Resolution::Fine);
        set_tag(&mut tiff, 259, 4);
        set_tag(&mut tiff, 257, 0); // ImageLength
        assert!(tiff_to_pdf(&tiff).is_err());
    }
}
