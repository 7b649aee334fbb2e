//! End-to-end tests: each starts the real server on a free port and drives it over HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly by design
#![allow(
    clippy::too_many_lines,
    clippy::cognitive_complexity,
    reason = "a scenario reads top to bottom, as the person it stands for does it"
)]

mod abuse;
mod accounts;
mod audio_files;
mod bad_input;
mod baresip;
mod branding;
mod browser;
mod busy;
mod callcentre_portal;
mod calls;
mod cli;
mod click_to_call;
mod company_portal;
mod conferences;
mod contacts;
mod departments_portal;
mod durability;
mod edge;
mod extension_choice;
mod fax;
mod group_contacts;
mod hardening;
mod isolation;
mod kit;
mod lines_portal;
mod mail_access;
mod my_conferences_portal;
mod nodes;
mod outside_texts;
mod phones;
mod portal;
mod portal_provider;
mod profile;
mod queue_package;
mod reports;
mod reports_portal;
mod requests;
mod secrets;
mod signin;
mod sip;
mod sipclient;
mod speed_dials;
mod tenancy;
mod texting;
mod twofactor;
mod user_pictures;
mod voice_portal;
mod voicemail_package;
mod withheld;
