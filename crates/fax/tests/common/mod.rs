//! What the tests of sb-fax share: a directory of their own, a page with something on it, and
//! poppler's rendering of a PDF to compare with the pages sent.
#![allow(dead_code)] // each test binary uses its part

use std::path::{Path, PathBuf};

use sb_fax::document::{A4_ROWS_FINE, Page};
use sb_fax::pdf::PageSize;

/// A directory of its own under the system's temporary one, removed at the end.
pub struct Dir(pub PathBuf);

impl Dir {
    pub fn new(name: &str) -> Dir {
        let dir = std::env::temp_dir().join(format!("sb-fax-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Dir(dir)
    }

    pub fn files(&self) -> Vec<PathBuf> {
        std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A page with something on it: a border, bars and a checkered block, different per page.
pub fn page(n: u32) -> Page {
    let mut p = Page::blank(A4_ROWS_FINE);
    p.fill(100, 100, 1528, 8);
    p.fill(100, 2180, 1528, 8);
    for i in 0..=n {
        p.fill(200 + i * 120, 300, 60, 400);
    }
    for y in 0..20 {
        for x in 0..20 {
            if (x + y) % 2 == 0 {
                p.fill(400 + x * 20, 1000 + y * 20, 20, 20);
            }
        }
    }
    p
}

/// Points (1/72 inch) of an A4 page, 210 by 297 mm, as 1728 by 2292 fine pixels give it.
pub const A4: PageSize = PageSize {
    width: 1728.0 * 72.0 / 204.0,
    height: 2292.0 * 72.0 / 196.0,
};

/// Each page of `pdf` rendered by poppler at the fax's own resolution, as PBM rasters (1728
/// pixels a row, 1 black); `None` when poppler-utils is not installed (CI installs it).
pub fn rendered(dir: &Path, pdf: &[u8]) -> Option<Vec<Vec<u8>>> {
    let file = dir.join("rendered.pdf");
    std::fs::write(&file, pdf).unwrap();
    let prefix = dir.join("page");
    let run = std::process::Command::new("pdftoppm")
        .args(["-mono", "-rx", "204", "-ry", "196"])
        .arg(&file)
        .arg(&prefix)
        .output();
    let out = match run {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("pdftoppm is not installed (poppler-utils): the PDF is not rendered");
            return None;
        }
        r => r.unwrap(),
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pbm"))
        .collect();
    pages.sort();
    Some(
        pages
            .iter()
            .map(|p| {
                let pbm = std::fs::read(p).unwrap();
                let header = format!("P4\n{} {}\n", 1728, A4_ROWS_FINE);
                assert!(pbm.starts_with(header.as_bytes()), "{p:?} is 1728 by 2292");
                pbm[header.len()..].to_vec()
            })
            .collect(),
    )
}

/// Two page sizes within half a point.
pub fn close(a: PageSize, b: PageSize) -> bool {
    (a.width - b.width).abs() < 0.5 && (a.height - b.height).abs() < 0.5
}
