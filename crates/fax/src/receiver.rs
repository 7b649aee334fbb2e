//! The answering end of a fax call: hears the caller's audio, answers with CED and DIS (T.30
//! T.30), receives the pages into a temporary TIFF/F file, and at the end gives them as a
//! PDF, or an error, never part of a document.

use std::path::{Path, PathBuf};

use crate::ffi::{Role, Session};
use crate::pdf::{DocumentError, PageSize, tiff_to_pdf};
use crate::{FaxError, Outcome, check_ident, outcome};

/// A fax received whole.
#[derive(Debug, Clone)]
pub struct ReceivedFax {
    /// One PDF page per fax page, each at the fax's resolution.
    pub pdf: Vec<u8>,
    pub pages: u32,
    /// Each page's size in PDF points, from its resolution.
    pub page_sizes: Vec<PageSize>,
    /// What the sending machine called itself (its TSI), when it said.
    pub remote_ident: Option<String>,
    /// The image's bit rate, bits a second (2400 to 14400).
    pub bit_rate: u32,
    /// Whether the pages came with error correction (T.30 Annex A), so that a frame spoiled on
    /// the way was sent again rather than left as damaged rows.
    pub error_correction: bool,
}

/// Receives one fax over 8 kHz audio.
///
/// Feed it the far end's samples with [`Receiver::rx`] and send what [`Receiver::tx`] gives, in
/// steps of a packet (20 ms, 160 samples), until [`Receiver::outcome`] says the session is
/// over or the call ends; then [`Receiver::finish`].
pub struct Receiver {
    // Dropped first: freeing spandsp's context closes the file before it is removed.
    session: Session,
    file: TempFile,
}

impl Receiver {
    /// A receiver whose pages go to a temporary file in `dir`, which the receiver removes;
    /// `ident` is the number it gives as its CSI (T.30, 20 characters at
    /// most: digits, `+` and spaces, e.g. the line's number in E.164).
    ///
    /// `FaxError::Unavailable` when spandsp (Debian's `libspandsp2`) is not installed: it is
    /// loaded by the first fax, not linked.
    pub fn new(dir: &Path, ident: &str) -> Result<Receiver, FaxError> {
        check_ident(ident)?;
        // Asked before the temporary file exists, so a machine without spandsp is told so and
        // nothing is written.
        crate::ffi::available().map_err(FaxError::Unavailable)?;
        let file = TempFile::new(dir)?;
        let session = Session::new(Role::Answering, &file.0, ident)?;
        Ok(Receiver { session, file })
    }

    /// Hears the far end's samples (8 kHz, 16-bit linear); their count is the T.30 timers'
    /// clock.
    pub fn rx(&mut self, samples: &[i16]) {
        self.session.rx(samples);
    }

    /// Moves the clock over `samples` that never came (a packet lost, or none arriving): a call
    /// application calls it for every 20 ms without a packet, so the T.30 timers run even when
    /// the far end has gone quiet.
    pub fn lost(&mut self, samples: usize) {
        self.session.lost(samples);
    }

    /// Fills `out` with what to send the far end; the samples written, all of `out` while the
    /// session runs (silence when there is nothing to say).
    pub fn tx(&mut self, out: &mut [i16]) -> usize {
        self.session.tx(out)
    }

    /// Whether the session is over, cheaply, for a call application to ask every packet.
    pub fn is_over(&self) -> bool {
        self.session.ended().is_some()
    }

    /// How the session ended, once it has.
    pub fn outcome(&self) -> Option<Outcome> {
        let code = self.session.ended()?;
        Some(outcome(code, self.session.stats().pages_rx))
    }

    /// The received fax as a PDF, once the session ended with the whole document; else why
    /// not. Called before the session's end (the caller hung up), it ends it as dropped, and a
    /// document cut short is never given as a fax. The temporary file is removed either way.
    pub fn finish(mut self) -> Result<ReceivedFax, FaxError> {
        self.session.terminate();
        let stats = self.session.stats();
        let remote_ident = self.session.remote_ident();
        let Outcome { pages, result } = self
            .outcome()
            .unwrap_or_else(|| outcome(CALL_DROPPED, stats.pages_rx));
        if let Err(failure) = result {
            return Err(FaxError::Failed { pages, failure });
        }
        let Receiver { session, file } = self;
        // Frees spandsp's context, which closes and completes the TIFF file.
        drop(session);
        let tiff = std::fs::read(&file.0)?;
        // A session may end well having sent nothing (T.30 allows a DCN after DIS); and the file
        // must hold every page T.30 confirmed, no fewer.
        if pages == 0 {
            return Err(DocumentError::NoPage.into());
        }
        let document = tiff_to_pdf(&tiff)?;
        if document.pages.len() != pages as usize {
            return Err(DocumentError::Tiff(format!(
                "{} page(s) in the file, {pages} received",
                document.pages.len()
            ))
            .into());
        }
        Ok(ReceivedFax {
            pages,
            pdf: document.pdf,
            page_sizes: document.pages,
            remote_ident,
            bit_rate: u32::try_from(stats.bit_rate).unwrap_or(0),
            error_correction: stats.error_correcting_mode != 0,
        })
    }
}

/// spandsp's `T30_ERR_CALLDROPPED`, for a session that never reached phase E.
const CALL_DROPPED: i32 = 49;

/// A file of a name no other receiver picks, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(dir: &Path) -> std::io::Result<TempFile> {
        let mut bytes = [0u8; 12];
        getrandom::getrandom(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
        let name: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let path = dir.join(format!("fax-{name}.tif"));
        // Created here, so that the name is taken before spandsp writes to it.
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)?;
        Ok(TempFile(path))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        // A file already gone is what we want; anything else is left for the operator to see.
        let _ = std::fs::remove_file(&self.0);
    }
}
