//! Switchboard's fax engine, sans-IO: it knows no tenant, no SIP and no other crate of the
//! workspace. A call application feeds it the far end's audio and sends what it gives back;
//! the samples are its clock (8000 a second), so it never reads the time and tests run as fast
//! as the processor allows.
//!
//! `Receiver` answers a fax call over G.711 passthrough (ITU-T T.30 with the V.21, V.27ter,
//! V.29 and V.17 modems, through Debian's spandsp, [decision 18]) and gives the received pages
//! as a PDF (`pdf`); `Sender` sends a TIFF/F document (`document` writes one), for tests and
//! later for outgoing faxes. The only `unsafe` code is in `ffi`.
//!
//! [decision 18]: ../../docs/decisions/0018-fax-with-spandsp.md

pub mod document;
mod ffi;
pub mod pdf;
mod receiver;
mod sender;

pub use receiver::{ReceivedFax, Receiver};
pub use sender::Sender;

/// Samples a second: G.711's rate, the only one spandsp's fax modems run at.
pub const SAMPLE_RATE: u32 = 8000;

/// How a T.30 session ended (its phase E).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Pages the session transferred, sent or received.
    pub pages: u32,
    /// `Ok` when the whole document went through.
    pub result: Result<(), Failure>,
}

/// Why a T.30 session failed: spandsp's completion code and its words for it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason} (T.30 completion code {code})")]
pub struct Failure {
    pub code: i32,
    pub reason: String,
}

/// What went wrong with a fax.
#[derive(Debug, thiserror::Error)]
pub enum FaxError {
    /// spandsp is not installed (or not the 0.0.6 ABI): it is loaded at run time, so
    /// Switchboard builds and runs without it and only faxes need it.
    #[error("{0}")]
    Unavailable(String),
    #[error("the fax engine could not start: {0}")]
    Start(String),
    #[error("fax file: {0}")]
    Io(#[from] std::io::Error),
    /// The call was not a fax, or the fax stopped before its end: no document.
    #[error("the fax failed after {pages} page(s): {failure}")]
    Failed { pages: u32, failure: Failure },
    #[error(transparent)]
    Document(#[from] pdf::DocumentError),
}

/// A terminal's identity as T.30 carries it (its TSI or CSI):
/// at most 20 characters, digits, `+` and space, e.g. a number in E.164. spandsp would refuse
/// anything else silently.
fn check_ident(ident: &str) -> Result<(), FaxError> {
    if ident.len() <= 20
        && ident
            .chars()
            .all(|c| c.is_ascii_digit() || c == '+' || c == ' ')
    {
        Ok(())
    } else {
        Err(FaxError::Start(format!(
            "{ident:?} is no fax identity: at most 20 digits, '+' or spaces"
        )))
    }
}

/// The outcome of a session spandsp reported over with `code`.
fn outcome(code: i32, pages: i32) -> Outcome {
    Outcome {
        pages: u32::try_from(pages).unwrap_or(0),
        result: if code == ffi::T30_ERR_OK {
            Ok(())
        } else {
            Err(Failure {
                code,
                reason: ffi::describe(code),
            })
        },
    }
}
