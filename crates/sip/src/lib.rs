//! Switchboard's SIP layer, sans-IO: the registrar, B2BUA and presence will be state machines fed
//! parsed messages and a clock; this crate starts with the message itself and digest
//! authentication. Nothing here does IO, so everything is tested with literal wire text.

pub mod dialog;
pub mod digest;
pub mod guard;
pub mod message;
pub mod registrar;
pub mod route;
pub mod sdp;
pub mod timer;
pub mod transaction;
pub mod types;

pub use message::{Message, ParseError, StartLine, parse};
pub use types::{Method, StatusCode, header};
