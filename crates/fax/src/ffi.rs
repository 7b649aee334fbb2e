//! The one module that speaks C: Debian's spandsp 0.0.6 (`fax.h`, `t30.h`, `t30_api.h`,
//! `t30_logging.h`), declared by hand for the functions used, behind `Session`, a safe
//! owner of one fax context.
//!
//! Why this is sound, once for the whole module:
//! - spandsp is loaded at run time (`libloading`, once, into a static never dropped, so every
//!   function pointer stays valid) by the soname `libspandsp.so.2`, which is spandsp 0.0.6's
//!   ABI: its `t30_stats_t` layout was checked with a C program against the 0.0.6 headers
//!   (15 `int`s, 60 bytes; spandsp 3, another soname, changed it). Each pointer is typed with
//!   the prototype of the C function of its name; nothing is linked at build time, so a
//!   machine without spandsp builds and runs Switchboard, and only a fax says it is missing.
//! - The context is created by `fax_init(NULL, …)`, which allocates it, and freed once, in
//!   `Drop`, by `fax_free`; `Session` owns the only pointer to it, so every call goes through
//!   `&mut self` (or `&self` for read-only getters) and none outlives it.
//! - spandsp calls back into Rust only through the phase B and E handlers, synchronously, from
//!   inside `fax_rx`, `fax_rx_fillin`, `fax_tx`, `t30_terminate` or `fax_free`, with the
//!   `user_data` pointer given here: a boxed `Reports` that lives as long as the context (the
//!   box is dropped after `fax_free`).
//! - Sample buffers are passed with their true length; spandsp reads or writes at most that many.

#![allow(unsafe_code)]

use std::cell::Cell;
use std::ffi::{CStr, CString, c_char, c_int, c_void};
use std::marker::{PhantomData, PhantomPinned};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::ptr::NonNull;
use std::sync::OnceLock;

use crate::FaxError;

/// spandsp's `fax_state_t`, opaque.
#[repr(C)]
struct FaxState {
    _data: [u8; 0],
    _marker: PhantomData<(*mut u8, PhantomPinned)>,
}

/// spandsp's `t30_state_t`, opaque.
#[repr(C)]
struct T30State {
    _data: [u8; 0],
    _marker: PhantomData<(*mut u8, PhantomPinned)>,
}

/// spandsp 0.0.6's `t30_stats_t`, field for field.
#[repr(C)]
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Stats {
    pub bit_rate: c_int,
    pub error_correcting_mode: c_int,
    pub pages_tx: c_int,
    pub pages_rx: c_int,
    pub pages_in_file: c_int,
    /// Pixels per metre.
    pub x_resolution: c_int,
    /// Pixels per metre.
    pub y_resolution: c_int,
    pub width: c_int,
    pub length: c_int,
    pub image_size: c_int,
    pub encoding: c_int,
    pub bad_rows: c_int,
    pub longest_bad_row_run: c_int,
    pub error_correcting_mode_retries: c_int,
    pub current_status: c_int,
}

type PhaseBHandler = unsafe extern "C" fn(*mut T30State, *mut c_void, c_int) -> c_int;
type PhaseEHandler = unsafe extern "C" fn(*mut T30State, *mut c_void, c_int);

/// spandsp's shared object as Debian's `libspandsp2` installs it (the `.so.2` soname of 0.0.6;
/// the unversioned `libspandsp.so` comes only with `-dev`).
const LIBRARY: &str = "libspandsp.so.2";

/// The spandsp functions used, resolved once from `libspandsp.so.2` at run time, so building
/// Switchboard needs no spandsp (decision 18).
struct Lib {
    fax_init: unsafe extern "C" fn(*mut FaxState, c_int) -> *mut FaxState,
    fax_free: unsafe extern "C" fn(*mut FaxState) -> c_int,
    fax_rx: unsafe extern "C" fn(*mut FaxState, *mut i16, c_int) -> c_int,
    fax_rx_fillin: unsafe extern "C" fn(*mut FaxState, c_int) -> c_int,
    fax_tx: unsafe extern "C" fn(*mut FaxState, *mut i16, c_int) -> c_int,
    fax_set_transmit_on_idle: unsafe extern "C" fn(*mut FaxState, c_int),
    fax_get_t30_state: unsafe extern "C" fn(*mut FaxState) -> *mut T30State,
    t30_set_rx_file: unsafe extern "C" fn(*mut T30State, *const c_char, c_int),
    t30_set_tx_file: unsafe extern "C" fn(*mut T30State, *const c_char, c_int, c_int),
    t30_set_rx_encoding: unsafe extern "C" fn(*mut T30State, c_int) -> c_int,
    t30_set_ecm_capability: unsafe extern "C" fn(*mut T30State, c_int) -> c_int,
    t30_set_tx_ident: unsafe extern "C" fn(*mut T30State, *const c_char) -> c_int,
    t30_get_rx_ident: unsafe extern "C" fn(*mut T30State) -> *const c_char,
    t30_set_phase_b_handler:
        unsafe extern "C" fn(*mut T30State, Option<PhaseBHandler>, *mut c_void),
    t30_set_phase_e_handler:
        unsafe extern "C" fn(*mut T30State, Option<PhaseEHandler>, *mut c_void),
    t30_get_transfer_statistics: unsafe extern "C" fn(*mut T30State, *mut Stats),
    t30_terminate: unsafe extern "C" fn(*mut T30State),
    t30_completion_code_to_str: unsafe extern "C" fn(c_int) -> *const c_char,
    /// Keeps the object mapped, so the pointers above stay valid: the `Lib` lives in a static
    /// and is never dropped.
    _library: libloading::Library,
}

/// spandsp, loaded by the first fax; the error says why it could not be.
static LIB: OnceLock<Result<Lib, String>> = OnceLock::new();

/// Whether spandsp can be loaded, and if not why (the words of `FaxError::Unavailable`).
pub(crate) fn available() -> Result<(), String> {
    lib().map(|_| ())
}

fn lib() -> Result<&'static Lib, String> {
    LIB.get_or_init(|| load(LIBRARY))
        .as_ref()
        .map_err(Clone::clone)
}

/// spandsp's functions from the shared object `name`.
fn load(name: &str) -> Result<Lib, String> {
    let unavailable = |e: libloading::Error| {
        format!("spandsp ({name}) could not be loaded: {e}; install Debian's libspandsp2")
    };
    // SAFETY: loading runs the library's initialisers; spandsp 0.0.6's (and libtiff's) only set
    // up their own static data, with no requirement on the process.
    let library = unsafe { libloading::Library::new(name) }.map_err(unavailable)?;
    macro_rules! symbols {
        ($($name:ident),* $(,)?) => {
            Lib {
                // SAFETY: each type is the prototype of spandsp 0.0.6's function of that name
                // (`fax.h`, `t30.h`, `t30_api.h`, `t30_logging.h`), the soname `.so.2` being
                // that ABI; the pointer is copied out and stays valid while `_library` is
                // loaded, which is for the rest of the process.
                $($name: *unsafe { library.get(concat!(stringify!($name), "\0").as_bytes()) }
                    .map_err(unavailable)?,)*
                _library: library,
            }
        };
    }
    Ok(symbols!(
        fax_init,
        fax_free,
        fax_rx,
        fax_rx_fillin,
        fax_tx,
        fax_set_transmit_on_idle,
        fax_get_t30_state,
        t30_set_rx_file,
        t30_set_tx_file,
        t30_set_rx_encoding,
        t30_set_ecm_capability,
        t30_set_tx_ident,
        t30_get_rx_ident,
        t30_set_phase_b_handler,
        t30_set_phase_e_handler,
        t30_get_transfer_statistics,
        t30_terminate,
        t30_completion_code_to_str,
    ))
}

/// `T30_ERR_OK`: phase E reached with the document transferred.
pub(crate) const T30_ERR_OK: c_int = 0;
/// `T30_ERR_T1_EXPIRED`: the far end never identified itself.
const T30_ERR_T1_EXPIRED: c_int = 3;
/// T.30's time-out T1, 35 s ± 5 s: how long two terminals have to recognise each other,
/// counted in samples, at its upper bound.
const T1_SAMPLES: u64 = 40 * 8000;
/// `T4_COMPRESSION_ITU_T6`: the received pages are written T.6 (MMR) coded, one strip a page,
/// the densest form, which PDF's `CCITTFaxDecode` takes as it is (`/K -1`).
const T4_COMPRESSION_ITU_T6: c_int = 3;
/// Samples handed to spandsp per call, from a buffer on the stack (no allocation per frame).
const CHUNK: usize = 320;

/// Which end of the call a session is (T.30: the calling terminal sends CNG and
/// waits for DIS; the called one sends CED and DIS).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// Answers and receives into the file.
    Answering,
    /// Calls and sends the file.
    Calling,
}

/// A spandsp fax context over audio samples, owned.
pub(crate) struct Session {
    /// spandsp's functions, loaded for good before any session exists.
    lib: &'static Lib,
    fax: NonNull<FaxState>,
    t30: NonNull<T30State>,
    /// What spandsp's handlers reported, written by `on_phase_b` and `on_phase_e`.
    reports: Box<Reports>,
    /// Samples heard so far: the session's clock.
    heard: u64,
    /// The file's name, kept while spandsp may read it.
    _file: CString,
}

// SAFETY: the context is heap memory reached only through this value (no thread-local state,
// no other owner), and spandsp's callbacks run synchronously on the thread calling it; moving
// the whole session to another thread between calls is therefore sound. It is not `Sync`.
unsafe impl Send for Session {}

/// What spandsp's handlers tell, kept for the session to read.
#[derive(Default)]
struct Reports {
    /// Phase B was reached: the far end identified itself with a DIS or DCS.
    identified: Cell<bool>,
    /// The phase E completion code: the session is over.
    end: Cell<Option<c_int>>,
}

/// spandsp's phase B handler: the terminals recognised each other (T.30's phase B).
unsafe extern "C" fn on_phase_b(_s: *mut T30State, user_data: *mut c_void, _event: c_int) -> c_int {
    // SAFETY: `user_data` is the `Reports` boxed in `Session::reports`, which outlives the
    // context that calls this (see the module's comment); only this thread touches it.
    let reports = unsafe { &*user_data.cast::<Reports>() };
    reports.identified.set(true);
    T30_ERR_OK
}

/// spandsp's phase E handler: the session is over, with `code`.
unsafe extern "C" fn on_phase_e(_s: *mut T30State, user_data: *mut c_void, code: c_int) {
    // SAFETY: as for `on_phase_b`.
    let reports = unsafe { &*user_data.cast::<Reports>() };
    if reports.end.get().is_none() {
        reports.end.set(Some(code));
    }
}

impl Session {
    /// A context answering (receiving into `file`) or calling (sending `file`), identified to
    /// the far end as `ident` (T.30's CSI or TSI, at most 20 characters).
    ///
    /// `FaxError::Unavailable` when spandsp cannot be loaded; `FaxError::Start` when it refuses
    /// the context (or a name holds a NUL).
    pub(crate) fn new(role: Role, file: &Path, ident: &str) -> Result<Session, FaxError> {
        let lib = lib().map_err(FaxError::Unavailable)?;
        let refused = || FaxError::Start(format!("spandsp refused the {role:?} context"));
        let file = CString::new(file.as_os_str().as_bytes()).map_err(|_| refused())?;
        let ident = CString::new(ident).map_err(|_| refused())?;
        let calling = c_int::from(role == Role::Calling);
        // SAFETY: a null state asks spandsp to allocate one; the result is checked below.
        let fax = NonNull::new(unsafe { (lib.fax_init)(std::ptr::null_mut(), calling) })
            .ok_or_else(refused)?;
        // SAFETY: `fax` is a live context.
        let Some(t30) = NonNull::new(unsafe { (lib.fax_get_t30_state)(fax.as_ptr()) }) else {
            // SAFETY: `fax` is live and freed only here.
            unsafe { (lib.fax_free)(fax.as_ptr()) };
            return Err(refused());
        };
        let session = Session {
            lib,
            fax,
            t30,
            reports: Box::default(),
            heard: 0,
            _file: file,
        };
        let t30 = session.t30.as_ptr();
        let user_data = std::ptr::from_ref::<Reports>(&*session.reports)
            .cast_mut()
            .cast::<c_void>();
        // SAFETY: `t30` belongs to the live context; the strings are NUL-terminated and live as
        // long as the session; `user_data` is the boxed `Reports` the handlers expect.
        unsafe {
            // A gateway or a PBX's own far side may send nothing while idle; silence keeps the
            // RTP clock and the far end's echo canceller steady.
            (lib.fax_set_transmit_on_idle)(session.fax.as_ptr(), 1);
            (lib.t30_set_tx_ident)(t30, ident.as_ptr());
            // Error correction (T.30 Annex A) makes a page survive a lost packet, the usual
            // damage on a VoIP path.
            (lib.t30_set_ecm_capability)(t30, 1);
            (lib.t30_set_phase_b_handler)(t30, Some(on_phase_b), user_data);
            (lib.t30_set_phase_e_handler)(t30, Some(on_phase_e), user_data);
            match role {
                Role::Answering => {
                    (lib.t30_set_rx_encoding)(t30, T4_COMPRESSION_ITU_T6);
                    (lib.t30_set_rx_file)(t30, session._file.as_ptr(), -1);
                }
                Role::Calling => (lib.t30_set_tx_file)(t30, session._file.as_ptr(), -1, -1),
            }
        }
        Ok(session)
    }

    /// Hears `samples` (8 kHz, 16-bit linear): spandsp's timers count them, so they are the
    /// session's clock.
    pub(crate) fn rx(&mut self, samples: &[i16]) {
        let mut buf = [0i16; CHUNK];
        for chunk in samples.chunks(CHUNK) {
            let buf = &mut buf[..chunk.len()];
            buf.copy_from_slice(chunk);
            // SAFETY: the context is live; `buf` holds `buf.len()` (at most CHUNK) samples,
            // copied because spandsp's prototype takes them mutable.
            unsafe { (self.lib.fax_rx)(self.fax.as_ptr(), buf.as_mut_ptr(), buf.len() as c_int) };
        }
        self.advance(samples.len());
    }

    /// `samples` that never came (a lost or late packet): spandsp's modems bridge the gap
    /// and its timers move on.
    pub(crate) fn lost(&mut self, samples: usize) {
        let mut left = samples;
        while left > 0 {
            let n = left.min(CHUNK);
            // SAFETY: the context is live; no buffer is passed.
            unsafe { (self.lib.fax_rx_fillin)(self.fax.as_ptr(), n as c_int) };
            left -= n;
        }
        self.advance(samples);
    }

    /// The clock moved by `samples`.
    fn advance(&mut self, samples: usize) {
        self.heard += samples as u64;
        // spandsp's own T1 does not fire while its V.21 receiver hears energy (noise, a voice):
        // it waits for a frame that never comes. T.30's T1 bounds that wait.
        if self.heard > T1_SAMPLES && !self.reports.identified.get() && self.ended().is_none() {
            self.reports.end.set(Some(T30_ERR_T1_EXPIRED));
            self.terminate_now();
        }
    }

    /// Fills `out` with what to send (silence when idle); the number of samples written.
    pub(crate) fn tx(&mut self, out: &mut [i16]) -> usize {
        let mut written = 0;
        for chunk in out.chunks_mut(CHUNK) {
            // SAFETY: the context is live; `chunk` has room for `chunk.len()` samples, at most
            // CHUNK, and spandsp writes at most that many.
            let n = unsafe {
                (self.lib.fax_tx)(self.fax.as_ptr(), chunk.as_mut_ptr(), chunk.len() as c_int)
            };
            let n = usize::try_from(n).unwrap_or(0).min(chunk.len());
            written += n;
            if n < chunk.len() {
                break;
            }
        }
        written
    }

    /// The phase E completion code, once the session is over.
    pub(crate) fn ended(&self) -> Option<c_int> {
        self.reports.end.get()
    }

    pub(crate) fn stats(&self) -> Stats {
        let mut stats = Stats::default();
        // SAFETY: the context is live and `stats` has spandsp 0.0.6's layout.
        unsafe { (self.lib.t30_get_transfer_statistics)(self.t30.as_ptr(), &mut stats) };
        stats
    }

    /// What the far end calls itself (its TSI or CSI), when it said.
    pub(crate) fn remote_ident(&self) -> Option<String> {
        // SAFETY: the context is live; the string, when there is one, is NUL-terminated and
        // owned by the context, copied before any other call.
        let id = unsafe { (self.lib.t30_get_rx_ident)(self.t30.as_ptr()) };
        if id.is_null() {
            return None;
        }
        // SAFETY: non-null, NUL-terminated, alive until the next call into the context.
        let id = unsafe { CStr::from_ptr(id) }
            .to_string_lossy()
            .trim()
            .to_owned();
        (!id.is_empty()).then_some(id)
    }

    /// Ends the session now (the call hung up); phase E reports how it stood.
    pub(crate) fn terminate(&mut self) {
        if self.ended().is_none() {
            self.terminate_now();
        }
    }

    fn terminate_now(&mut self) {
        // SAFETY: the context is live.
        unsafe { (self.lib.t30_terminate)(self.t30.as_ptr()) };
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // SAFETY: the context is live and freed only here; `reports` is dropped after this, so
        // a phase E report from inside `fax_free` still finds it. This also closes the
        // received TIFF file.
        unsafe { (self.lib.fax_free)(self.fax.as_ptr()) };
    }
}

/// spandsp's words for a completion code, e.g. "Timed out waiting for the first message".
pub(crate) fn describe(code: c_int) -> String {
    // Only sessions report codes, and a session exists only once spandsp is loaded.
    let Ok(lib) = lib() else {
        return format!("T.30 completion code {code}");
    };
    // SAFETY: spandsp returns a static string for every code, known or not.
    let text = unsafe { (lib.t30_completion_code_to_str)(code) };
    if text.is_null() {
        return format!("T.30 completion code {code}");
    }
    // SAFETY: non-null, NUL-terminated and static.
    unsafe { CStr::from_ptr(text) }
        .to_string_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_missing_spandsp_is_told_with_the_package_to_install() {
        let Err(e) = super::load("libspandsp-not-installed.so.2") else {
            unreachable!("no such library")
        };
        assert!(e.contains("install Debian's libspandsp2"), "{e}");
    }
}
