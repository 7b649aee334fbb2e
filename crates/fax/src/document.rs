//! A document to send: bilevel pages written as a multi-page TIFF with TIFF/F's fields (the
//! form spandsp's sender reads), uncompressed, since spandsp codes each page itself for the
//! line (T.4 1D, 2D or T.6, whichever the receiver's DIS allows).

use std::path::Path;

/// Pixels in a row of an A4 page at 8 dots per millimetre (ITU-T T.4's "R8", 204 dpi).
pub const A4_WIDTH: u32 = 1728;
/// Rows of an A4 page (297 mm) at fine resolution, 7.7 lines per millimetre (196 dpi).
pub const A4_ROWS_FINE: u32 = 2292;

/// Vertical resolutions of T.4 (the horizontal one is 204 dpi for both).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// 3.85 lines/mm, 98 dpi.
    Standard,
    /// 7.7 lines/mm, 196 dpi.
    Fine,
}

impl Resolution {
    /// Dots per inch across and down.
    pub fn dpi(self) -> (u32, u32) {
        match self {
            Resolution::Standard => (204, 98),
            Resolution::Fine => (204, 196),
        }
    }
}

/// A bilevel page, rows of bits packed most significant first, 1 black.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    width: u32,
    rows: u32,
    bits: Vec<u8>,
}

impl Page {
    /// A white page `rows` high and [`A4_WIDTH`] wide.
    pub fn blank(rows: u32) -> Page {
        let width = A4_WIDTH;
        Page {
            width,
            rows,
            bits: vec![0; (width / 8 * rows) as usize],
        }
    }

    pub fn width(&self) -> u32 {
        self.width
    }

    pub fn rows(&self) -> u32 {
        self.rows
    }

    /// The rows, each `width / 8` bytes, most significant bit first, 1 black (a PBM's raster).
    pub fn bits(&self) -> &[u8] {
        &self.bits
    }

    /// Blackens the rectangle from (`x`, `y`), `w` by `h` pixels, clipped to the page.
    pub fn fill(&mut self, x: u32, y: u32, w: u32, h: u32) {
        let stride = (self.width / 8) as usize;
        for row in y..y.saturating_add(h).min(self.rows) {
            for col in x..x.saturating_add(w).min(self.width) {
                let i = row as usize * stride + col as usize / 8;
                self.bits[i] |= 0x80 >> (col % 8);
            }
        }
    }

    /// Whether the pixel at (`x`, `y`) is black.
    pub fn is_black(&self, x: u32, y: u32) -> bool {
        let stride = (self.width / 8) as usize;
        x < self.width
            && y < self.rows
            && self.bits[y as usize * stride + x as usize / 8] & (0x80 >> (x % 8)) != 0
    }
}

/// Writes `pages` as one TIFF/F file at `resolution`.
pub fn write_tiff(path: &Path, pages: &[Page], resolution: Resolution) -> std::io::Result<()> {
    std::fs::write(path, tiff_bytes(pages, resolution))
}

/// The TIFF/F bytes of `pages`: little-endian, one IFD per page after its strip, every value
/// that does not fit its entry (the resolutions) just before the IFD (TIFF 6.0 section 2).
pub fn tiff_bytes(pages: &[Page], resolution: Resolution) -> Vec<u8> {
    let (x_dpi, y_dpi) = resolution.dpi();
    let mut out = b"II*\0".to_vec();
    let mut link = out.len();
    out.extend_from_slice(&[0; 4]);
    let total = u16::try_from(pages.len()).unwrap_or(u16::MAX);
    for (n, page) in pages.iter().enumerate() {
        let strip = out.len() as u32;
        out.extend_from_slice(&page.bits);
        let x_res = out.len() as u32;
        for v in [x_dpi, 1, y_dpi, 1] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        let ifd = out.len() as u32;
        out[link..link + 4].copy_from_slice(&ifd.to_le_bytes());
        const SHORT: u16 = 3;
        const LONG: u16 = 4;
        const RATIONAL: u16 = 5;
        let page_number = u32::from(u16::try_from(n).unwrap_or(u16::MAX)) | u32::from(total) << 16;
        let entries: [(u16, u16, u32, u32); 16] = [
            (254, LONG, 1, 2), // NewSubfileType: a page of a multi-page document
            (256, LONG, 1, page.width),
            (257, LONG, 1, page.rows),
            (258, SHORT, 1, 1), // BitsPerSample
            (259, SHORT, 1, 1), // Compression: none
            (262, SHORT, 1, 0), // Photometric: 0 is white, as in fax
            (266, SHORT, 1, 1), // FillOrder: most significant bit first
            (273, LONG, 1, strip),
            (277, SHORT, 1, 1), // SamplesPerPixel
            (278, LONG, 1, page.rows),
            (279, LONG, 1, page.bits.len() as u32),
            (282, RATIONAL, 1, x_res),
            (283, RATIONAL, 1, x_res + 8),
            (284, SHORT, 1, 1), // PlanarConfiguration
            (296, SHORT, 1, 2), // ResolutionUnit: inch
            (297, SHORT, 2, page_number),
        ];
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        for (tag, kind, count, value) in entries {
            out.extend_from_slice(&tag.to_le_bytes());
            out.extend_from_slice(&kind.to_le_bytes());
            out.extend_from_slice(&count.to_le_bytes());
            out.extend_from_slice(&value.to_le_bytes());
        }
        link = out.len();
        out.extend_from_slice(&[0; 4]);
    }
    out
}
