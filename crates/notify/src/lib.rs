//! Outbox workers, one per channel: what sb-app says is due is sent, and what became of it is
//! reported back to sb-app, which keeps the outbox (written in the transaction that caused each
//! message, so nothing is lost while a server is down). Mail is the one channel today; SMS and
//! webhooks will be others beside it.
//!
//! `mail` is the SMTP worker and client (lettre), `body` a mail's MIME body with a tenant's
//! branding.

mod body;
pub mod mail;
