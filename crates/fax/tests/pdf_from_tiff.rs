//! The PDF of TIFF/F files as other programs write them: libtiff's `tiffcp` codes the pages T.4
//! one- and two-dimensional, with and without fill bits, and T.6, in one strip or several, bits
//! in either order (spandsp writes only one of these forms); poppler's rendering of each PDF
//! must show the pages pixel for pixel. Skipped where `tiffcp` (libtiff-tools) or `pdftoppm`
//! (poppler-utils) is not installed; CI installs both.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly by design

use std::path::Path;

use sb_fax::document::{Page, Resolution, write_tiff};
use sb_fax::pdf::tiff_to_pdf;

mod common;
use common::{A4, Dir, close, page, rendered};

/// `source` re-coded by `tiffcp` with `args`; `None` when tiffcp is not installed.
fn tiffcp(source: &Path, out: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let run = std::process::Command::new("tiffcp")
        .args(args)
        .arg(source)
        .arg(out)
        .output();
    let done = match run {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("tiffcp is not installed (libtiff-tools): skipped");
            return None;
        }
        r => r.unwrap(),
    };
    assert!(
        done.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&done.stderr)
    );
    Some(std::fs::read(out).unwrap())
}

#[test]
fn pages_coded_t4_or_t6_in_strips_of_any_size_and_bit_order_show_as_sent() {
    let pages: Vec<Page> = (0..2).map(page).collect();
    // One strip a page (as spandsp writes them) must render exactly; a page in several strips
    // is several images, each in its band, and poppler blends the edges of shapes a little
    // where a band does not start on a whole device pixel: a strip misplaced or misread would
    // differ in far more than 1% of its bytes.
    let cases: &[(&[&str], bool)] = &[
        (&["-c", "g3", "-r", "2292"], true),
        (&["-c", "g3:fill", "-r", "2292"], true),
        (&["-c", "g3:2d", "-r", "2292"], true),
        (&["-c", "g3:2d:fill", "-f", "lsb2msb", "-r", "2292"], true),
        (&["-c", "g4", "-r", "2292"], true),
        (&["-c", "g4", "-f", "lsb2msb", "-r", "2292"], true),
        (&["-c", "g3"], false),
        (&["-c", "g3:2d:fill", "-r", "100"], false),
        (&["-c", "g3:2d:fill", "-f", "lsb2msb", "-r", "64"], false),
        (&["-c", "g4", "-r", "500"], false),
    ];
    for (n, &(args, exact)) in cases.iter().enumerate() {
        let dir = Dir::new(&format!("tiffcp-{n}"));
        let source = dir.0.join("source.tif");
        write_tiff(&source, &pages, Resolution::Fine).unwrap();
        let Some(tiff) = tiffcp(&source, &dir.0.join("coded.tif"), args) else {
            return;
        };
        let document = tiff_to_pdf(&tiff).unwrap();
        assert_eq!(document.pages.len(), 2, "{args:?}");
        assert!(document.pages.iter().all(|&s| close(s, A4)), "{args:?}");
        let Some(rasters) = rendered(&dir.0, &document.pdf) else {
            return;
        };
        assert_eq!(rasters.len(), 2, "{args:?}");
        for (raster, page) in rasters.iter().zip(&pages) {
            let wrong = raster
                .iter()
                .zip(page.bits())
                .filter(|(a, b)| a != b)
                .count();
            let most = if exact { 0 } else { raster.len() / 100 };
            assert!(wrong <= most, "{args:?}: {wrong} bytes differ");
        }
    }
}
