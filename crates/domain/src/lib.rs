//! Switchboard's domain: the words every other crate speaks.
//!
//! Everything here is pure: no IO, no async, and time only through [`clock::Clock`].
//! Values are validated when they are built, so a `Username` or an `E164` that exists is valid.

pub mod barring;
pub mod branding;
pub mod clock;
pub mod contact_csv;
pub mod csv;
pub mod ids;
pub mod model;
pub mod query;
pub mod queue;
pub mod reports;
pub mod routing;
pub mod values;
pub mod vcard;

pub use values::Invalid;
