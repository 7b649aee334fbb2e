//! The calling end of a fax call: sends CNG, waits for the receiver's DIS and sends a TIFF/F
//! document (T.30), over the same sample interface as the receiver.

use std::path::Path;

use crate::ffi::{Role, Session};
use crate::{FaxError, Outcome, check_ident, outcome};

/// Sends one TIFF/F document over 8 kHz audio; [`Sender::rx`] and [`Sender::tx`] as for the
/// receiver, until [`Sender::outcome`] says the session is over.
pub struct Sender {
    session: Session,
}

impl Sender {
    /// A sender of the TIFF/F file at `document` (see `document::write_tiff`), which must stay
    /// in place until the session ends; `ident` is its TSI. `FaxError::Unavailable` as for
    /// [`crate::Receiver::new`].
    pub fn new(document: &Path, ident: &str) -> Result<Sender, FaxError> {
        // spandsp opens the file only when the receiver answers; a missing file would be a
        // failure after half a minute of tones.
        check_ident(ident)?;
        std::fs::metadata(document)?;
        let session = Session::new(Role::Calling, document, ident)?;
        Ok(Sender { session })
    }

    pub fn rx(&mut self, samples: &[i16]) {
        self.session.rx(samples);
    }

    /// As [`crate::Receiver::lost`].
    pub fn lost(&mut self, samples: usize) {
        self.session.lost(samples);
    }

    pub fn tx(&mut self, out: &mut [i16]) -> usize {
        self.session.tx(out)
    }

    /// Whether the session is over, cheaply.
    pub fn is_over(&self) -> bool {
        self.session.ended().is_some()
    }

    /// How the session ended, once it has; `pages` counts the pages sent.
    pub fn outcome(&self) -> Option<Outcome> {
        let code = self.session.ended()?;
        Some(outcome(code, self.session.stats().pages_tx))
    }

    /// Ends the session now, as when the call hangs up.
    pub fn hang_up(&mut self) {
        self.session.terminate();
    }
}
