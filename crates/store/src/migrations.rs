//! The schema, as numbered migrations written once in the SQL that SQLite and PostgreSQL share.
//!
//! Portability rules: ids and text are `TEXT`, every integer, flag and time is `BIGINT`
//! (flags 0/1, times in Unix milliseconds), no engine-specific functions or types. A migration is
//! never edited once released: add a new one.

pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub statements: &'static [&'static str],
}

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "tenancy, accounts, lines, audit",
        statements: &[
            "CREATE TABLE resellers (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            created_at BIGINT NOT NULL)",
            "CREATE TABLE packages (
            id TEXT PRIMARY KEY,
            reseller_id TEXT NULL REFERENCES resellers(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            features TEXT NOT NULL,
            monthly_price_cents BIGINT NOT NULL,
            created_at BIGINT NOT NULL)",
            "CREATE TABLE companies (
            id TEXT PRIMARY KEY,
            reseller_id TEXT NOT NULL REFERENCES resellers(id),
            name TEXT NOT NULL,
            country TEXT NOT NULL,
            time_zone TEXT NOT NULL,
            first_language TEXT NOT NULL,
            second_language TEXT NULL,
            sip_domain TEXT NOT NULL UNIQUE,
            max_users BIGINT NOT NULL,
            max_lines BIGINT NOT NULL,
            default_package_id TEXT NULL REFERENCES packages(id),
            created_at BIGINT NOT NULL)",
            "CREATE INDEX companies_reseller ON companies(reseller_id, id)",
            "CREATE TABLE company_packages (
            company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
            package_id TEXT NOT NULL REFERENCES packages(id) ON DELETE CASCADE,
            PRIMARY KEY (company_id, package_id))",
            "CREATE TABLE departments (
            id TEXT PRIMARY KEY,
            company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
            parent_id TEXT NULL REFERENCES departments(id),
            name TEXT NOT NULL,
            operator_number TEXT NULL,
            call_policy TEXT NOT NULL,
            call_limit BIGINT NULL,
            created_at BIGINT NOT NULL)",
            "CREATE INDEX departments_company ON departments(company_id, id)",
            "CREATE TABLE users (
            id TEXT PRIMARY KEY,
            role TEXT NOT NULL,
            reseller_id TEXT NULL REFERENCES resellers(id) ON DELETE CASCADE,
            company_id TEXT NULL REFERENCES companies(id) ON DELETE CASCADE,
            department_id TEXT NULL REFERENCES departments(id) ON DELETE SET NULL,
            package_id TEXT NULL REFERENCES packages(id),
            name TEXT NOT NULL,
            email TEXT NULL,
            language TEXT NULL,
            username TEXT NULL,
            username_key TEXT NULL UNIQUE,
            password_hash TEXT NULL,
            enabled BIGINT NOT NULL,
            failed_logins BIGINT NOT NULL,
            locked BIGINT NOT NULL,
            default_line_id TEXT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL)",
            "CREATE INDEX users_company ON users(company_id, id)",
            "CREATE TABLE lines (
            id TEXT PRIMARY KEY,
            company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
            user_id TEXT NULL REFERENCES users(id) ON DELETE SET NULL,
            extension TEXT NOT NULL,
            account_name TEXT NOT NULL,
            calling_name TEXT NULL,
            sip_username TEXT NOT NULL UNIQUE,
            sip_password TEXT NOT NULL,
            default_number TEXT NULL,
            presentation_number TEXT NULL,
            created_at BIGINT NOT NULL,
            UNIQUE (company_id, extension))",
            "CREATE INDEX lines_user ON lines(user_id)",
            "CREATE TABLE numbers (
            id TEXT PRIMARY KEY,
            company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
            e164 TEXT NOT NULL UNIQUE,
            line_id TEXT NULL REFERENCES lines(id) ON DELETE SET NULL,
            created_at BIGINT NOT NULL)",
            "CREATE INDEX numbers_company ON numbers(company_id, id)",
            "CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            expires_at BIGINT NOT NULL,
            created_at BIGINT NOT NULL)",
            "CREATE INDEX sessions_user ON sessions(user_id)",
            "CREATE TABLE one_time_links (
            token_hash TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            purpose TEXT NOT NULL,
            expires_at BIGINT NOT NULL,
            used_at BIGINT NULL,
            created_at BIGINT NOT NULL)",
            "CREATE TABLE audit_events (
            id TEXT PRIMARY KEY,
            at BIGINT NOT NULL,
            reseller_id TEXT NULL,
            company_id TEXT NULL,
            actor_id TEXT NULL,
            actor_name TEXT NOT NULL,
            source_ip TEXT NULL,
            kind TEXT NOT NULL,
            target_type TEXT NOT NULL,
            target_id TEXT NULL,
            subject_user_id TEXT NULL,
            summary TEXT NOT NULL)",
            "CREATE INDEX audit_company ON audit_events(company_id, id)",
            "CREATE INDEX audit_subject ON audit_events(subject_user_id)",
            "CREATE TABLE mail_outbox (
            id TEXT PRIMARY KEY,
            recipient TEXT NOT NULL,
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            attempts BIGINT NOT NULL,
            next_attempt_at BIGINT NOT NULL,
            sent_at BIGINT NULL,
            last_error TEXT NULL)",
            "CREATE INDEX mail_outbox_due ON mail_outbox(sent_at, next_attempt_at)",
        ],
    },
    Migration {
        version: 2,
        name: "call handling per line",
        statements: &["CREATE TABLE call_handling (
            line_id TEXT PRIMARY KEY REFERENCES lines(id) ON DELETE CASCADE,
            company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
            document TEXT NOT NULL,
            updated_at BIGINT NOT NULL)"],
    },
    Migration {
        version: 3,
        name: "voice-portal PINs and presence",
        statements: &[
            "CREATE TABLE voice_pins (
            line_id TEXT PRIMARY KEY REFERENCES lines(id) ON DELETE CASCADE,
            company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
            pin_hash TEXT NOT NULL,
            updated_at BIGINT NOT NULL)",
            "CREATE TABLE presence (
            user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
            status TEXT NOT NULL,
            updated_at BIGINT NOT NULL)",
        ],
    },
    Migration {
        version: 4,
        name: "saved forwarding numbers",
        statements: &["CREATE TABLE saved_numbers (
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            position BIGINT NOT NULL,
            number TEXT NOT NULL,
            PRIMARY KEY (user_id, position))"],
    },
    Migration {
        version: 5,
        name: "SIP registrations",
        statements: &["CREATE TABLE registrations (
            aor TEXT NOT NULL,
            contact TEXT NOT NULL,
            company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
            expires_at BIGINT NOT NULL,
            source TEXT NOT NULL,
            call_id TEXT NOT NULL,
            cseq BIGINT NOT NULL,
            PRIMARY KEY (aor, contact))"],
    },
    Migration {
        version: 6,
        name: "call log",
        statements: &[
            "CREATE TABLE call_records (
            id TEXT PRIMARY KEY,
            company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
            line_id TEXT NOT NULL REFERENCES lines(id) ON DELETE CASCADE,
            direction TEXT NOT NULL,
            other_number TEXT NOT NULL,
            other_name TEXT NULL,
            started_at BIGINT NOT NULL,
            duration_secs BIGINT NOT NULL,
            device TEXT NULL,
            status BIGINT NOT NULL,
            call_ref TEXT NOT NULL)",
            "CREATE INDEX call_records_line ON call_records(line_id, id)",
            "CREATE INDEX call_records_company ON call_records(company_id, id)",
        ],
    },
    Migration {
        version: 7,
        name: "trunks and emergency calls",
        statements: &[
            "CREATE TABLE trunks (
            id TEXT PRIMARY KEY,
            company_id TEXT NULL REFERENCES companies(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            address TEXT NOT NULL,
            username TEXT NULL,
            password TEXT NULL,
            register BIGINT NOT NULL,
            emergency BIGINT NOT NULL,
            created_at BIGINT NOT NULL)",
            "CREATE INDEX trunks_company ON trunks(company_id, id)",
            "CREATE INDEX trunks_address ON trunks(address)",
            "CREATE TABLE emergency_settings (
            company_id TEXT PRIMARY KEY REFERENCES companies(id) ON DELETE CASCADE,
            recipients TEXT NOT NULL,
            updated_at BIGINT NOT NULL)",
            "CREATE TABLE e911_addresses (
            owner_id TEXT PRIMARY KEY,
            company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
            address TEXT NOT NULL,
            updated_at BIGINT NOT NULL)",
        ],
    },
    Migration {
        version: 8,
        name: "SIP messages",
        statements: &[
            "CREATE TABLE sip_messages (
            id TEXT PRIMARY KEY,
            company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
            from_line_id TEXT NULL REFERENCES lines(id) ON DELETE SET NULL,
            from_number TEXT NOT NULL,
            to_line_id TEXT NOT NULL REFERENCES lines(id) ON DELETE CASCADE,
            content_type TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            delivered_at BIGINT NULL)",
            "CREATE INDEX sip_messages_to ON sip_messages(to_line_id, id)",
            "CREATE INDEX sip_messages_from ON sip_messages(from_line_id, id)",
        ],
    },
    Migration {
        version: 9,
        name: "voicemail",
        statements: &[
            // The audio is text (base64 of a WAV file) like everything else in the shared
            // schema, so that one database backup holds every message on either engine.
            "CREATE TABLE voicemails (
            id TEXT PRIMARY KEY,
            company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
            line_id TEXT NOT NULL REFERENCES lines(id) ON DELETE CASCADE,
            caller_number TEXT NOT NULL,
            caller_name TEXT NULL,
            received_at BIGINT NOT NULL,
            duration_ms BIGINT NOT NULL,
            heard BIGINT NOT NULL,
            audio TEXT NOT NULL)",
            "CREATE INDEX voicemails_line ON voicemails(line_id, id)",
        ],
    },
    Migration {
        version: 10,
        name: "voicemail by mail",
        statements: &[
            "ALTER TABLE mail_outbox ADD COLUMN attachment_name TEXT NULL",
            "ALTER TABLE mail_outbox ADD COLUMN attachment_type TEXT NULL",
            "ALTER TABLE mail_outbox ADD COLUMN attachment TEXT NULL",
            // email_to: the addresses, one per line.
            "CREATE TABLE voicemail_settings (
            line_id TEXT PRIMARY KEY REFERENCES lines(id) ON DELETE CASCADE,
            email_to TEXT NOT NULL,
            keep_after_email BIGINT NOT NULL)",
            // Wrong PINs in a row at the voice portal, and when that locked the mailbox.
            "ALTER TABLE voice_pins ADD COLUMN failures BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE voice_pins ADD COLUMN locked_at BIGINT NULL",
            // Whether the line's user is mailed about missed calls and new voicemail.
            "CREATE TABLE line_notifications (
            line_id TEXT PRIMARY KEY REFERENCES lines(id) ON DELETE CASCADE,
            missed_calls BIGINT NOT NULL,
            new_voicemail BIGINT NOT NULL)",
            // A line's own greeting: base64 of an 8 kHz WAV file.
            "CREATE TABLE voicemail_greetings (
            line_id TEXT PRIMARY KEY REFERENCES lines(id) ON DELETE CASCADE,
            audio TEXT NOT NULL,
            updated_at BIGINT NOT NULL)",
        ],
    },
    Migration {
        version: 11,
        name: "conferences",
        statements: &[
            "CREATE TABLE conferences (
            id TEXT PRIMARY KEY,
            company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
            organizer_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            title TEXT NOT NULL,
            starts_at BIGINT NOT NULL,
            ends_at BIGINT NOT NULL,
            access_code TEXT NOT NULL,
            created_at BIGINT NOT NULL)",
            "CREATE INDEX conferences_company ON conferences(company_id, ends_at)",
            "CREATE INDEX conferences_code ON conferences(company_id, access_code)",
            // A participant is a user of the company or an outside e-mail address.
            "CREATE TABLE conference_participants (
            conference_id TEXT NOT NULL REFERENCES conferences(id) ON DELETE CASCADE,
            position BIGINT NOT NULL,
            user_id TEXT NULL REFERENCES users(id) ON DELETE CASCADE,
            email TEXT NULL,
            name TEXT NULL,
            PRIMARY KEY (conference_id, position))",
            "CREATE INDEX conference_participants_user ON conference_participants(user_id)",
            // The company number outside callers dial to reach its conferences.
            "CREATE TABLE conference_bridges (
            company_id TEXT PRIMARY KEY REFERENCES companies(id) ON DELETE CASCADE,
            number TEXT NULL,
            updated_at BIGINT NOT NULL)",
        ],
    },
    Migration {
        version: 12,
        name: "call recording",
        statements: &[
            // Whether a line's calls are recorded (its user's package must allow it as well).
            "CREATE TABLE line_recording (
            line_id TEXT PRIMARY KEY REFERENCES lines(id) ON DELETE CASCADE,
            record_calls BIGINT NOT NULL)",
            // A recorded call: both sides mixed, base64 of an 8 kHz WAV file like voicemail.
            "CREATE TABLE recordings (
            id TEXT PRIMARY KEY,
            company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
            line_id TEXT NOT NULL REFERENCES lines(id) ON DELETE CASCADE,
            direction TEXT NOT NULL,
            other_number TEXT NOT NULL,
            other_name TEXT NULL,
            started_at BIGINT NOT NULL,
            duration_ms BIGINT NOT NULL,
            heard BIGINT NOT NULL,
            audio TEXT NOT NULL)",
            "CREATE INDEX recordings_line ON recordings(line_id, id)",
        ],
    },
    Migration {
        version: 13,
        name: "queues",
        statements: &[
            // music: base64 of an 8 kHz WAV file, or none for the built-in tune.
            "CREATE TABLE queues (
            id TEXT PRIMARY KEY,
            company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            extension TEXT NOT NULL,
            strategy TEXT NOT NULL,
            ring_secs BIGINT NOT NULL,
            delay_secs BIGINT NOT NULL,
            max_wait_secs BIGINT NOT NULL,
            overflow TEXT NOT NULL,
            overflow_line_id TEXT NULL REFERENCES lines(id) ON DELETE SET NULL,
            music TEXT NULL,
            call_in_extension TEXT NULL,
            call_in_hold TEXT NOT NULL,
            call_in_beep BIGINT NOT NULL,
            created_at BIGINT NOT NULL)",
            "CREATE UNIQUE INDEX queues_extension ON queues(company_id, extension)",
            "CREATE TABLE queue_agents (
            queue_id TEXT NOT NULL REFERENCES queues(id) ON DELETE CASCADE,
            line_id TEXT NOT NULL REFERENCES lines(id) ON DELETE CASCADE,
            position BIGINT NOT NULL,
            kind TEXT NOT NULL,
            logged_in BIGINT NOT NULL,
            PRIMARY KEY (queue_id, line_id))",
            "CREATE INDEX queue_agents_line ON queue_agents(line_id)",
            // One caller's passage: how long they waited and how it ended.
            "CREATE TABLE queue_calls (
            id TEXT PRIMARY KEY,
            queue_id TEXT NOT NULL REFERENCES queues(id) ON DELETE CASCADE,
            caller_number TEXT NOT NULL,
            entered_at BIGINT NOT NULL,
            waited_ms BIGINT NOT NULL,
            outcome TEXT NOT NULL,
            agent_line_id TEXT NULL REFERENCES lines(id) ON DELETE SET NULL)",
            "CREATE INDEX queue_calls_queue ON queue_calls(queue_id, entered_at)",
        ],
    },
    Migration {
        version: 14,
        name: "trunk_inbound",
        statements: &[
            // How a carrier's calls are recognised: `tcp` (its address, on TCP or TLS only) or
            // `secret` (its address and a shared key in the Request-URI); calls at most at once.
            "ALTER TABLE trunks ADD COLUMN inbound TEXT NOT NULL DEFAULT 'tcp'",
            "ALTER TABLE trunks ADD COLUMN inbound_secret TEXT NULL",
            "ALTER TABLE trunks ADD COLUMN max_calls BIGINT NOT NULL DEFAULT 100",
        ],
    },
    Migration {
        version: 15,
        name: "call barring",
        statements: &[
            // What a company bars (no row: Bars::COMPANY_DEFAULT, premium-rate barred).
            "CREATE TABLE company_barring (
            company_id TEXT PRIMARY KEY REFERENCES companies(id) ON DELETE CASCADE,
            international BIGINT NOT NULL,
            premium BIGINT NOT NULL,
            all_outside BIGINT NOT NULL,
            updated_at BIGINT NOT NULL)",
            // What a department bars on top of its company and parents (no row: nothing more).
            "CREATE TABLE department_barring (
            department_id TEXT PRIMARY KEY REFERENCES departments(id) ON DELETE CASCADE,
            company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
            international BIGINT NOT NULL,
            premium BIGINT NOT NULL,
            all_outside BIGINT NOT NULL,
            updated_at BIGINT NOT NULL)",
            "CREATE INDEX department_barring_company ON department_barring(company_id)",
        ],
    },
    Migration {
        version: 16,
        name: "mail senders",
        statements: &[
            // Who caused a mail (the company, and the person when there is one), for the
            // per-user and per-company mail limits; NULL for system mail (links, emergencies).
            "ALTER TABLE mail_outbox ADD COLUMN company_id TEXT NULL",
            "ALTER TABLE mail_outbox ADD COLUMN user_id TEXT NULL",
            "CREATE INDEX mail_outbox_company ON mail_outbox(company_id, created_at)",
            "CREATE INDEX mail_outbox_user ON mail_outbox(user_id, created_at)",
        ],
    },
    Migration {
        version: 17,
        name: "time-limited sign-in locks",
        statements: &[
            // NULL with locked = 1: locked until an administrator unlocks (every lock before this
            // version, and every lock when the operator configures no time limit).
            "ALTER TABLE users ADD COLUMN locked_until BIGINT NULL",
            "ALTER TABLE users ADD COLUMN lockouts BIGINT NOT NULL DEFAULT 0",
        ],
    },
    Migration {
        version: 18,
        name: "two-factor sign-in",
        statements: &[
            // secret: base32 of the RFC 6238 shared secret; confirmed 0 until the first code
            // proves the authenticator has it; last_step: the last 30-second step accepted, so a
            // code works once (RFC 6238 section 5.2).
            "CREATE TABLE user_totp (
            user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
            secret TEXT NOT NULL,
            confirmed BIGINT NOT NULL,
            last_step BIGINT NOT NULL,
            created_at BIGINT NOT NULL)",
            // Only the SHA-256 of each recovery code is kept; used_at set when it is spent.
            "CREATE TABLE recovery_codes (
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            code_hash TEXT NOT NULL,
            used_at BIGINT NULL,
            PRIMARY KEY (user_id, code_hash))",
        ],
    },
    Migration {
        version: 19,
        name: "two-factor policies",
        statements: &[
            // scope: a company id (its administrators must use two-factor sign-in) or '*' (the
            // installation: system and reseller administrators must).
            "CREATE TABLE two_factor_policy (
            scope TEXT PRIMARY KEY,
            required BIGINT NOT NULL,
            updated_at BIGINT NOT NULL)",
        ],
    },
    Migration {
        version: 20,
        name: "SIP passwords at rest",
        statements: &[
            // HA1 for each digest algorithm (RFC 7616); empty until the start-up sealing fills
            // them from the password, which it then replaces by its sealed form.
            "ALTER TABLE lines ADD COLUMN sip_ha1_md5 TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE lines ADD COLUMN sip_ha1_sha256 TEXT NOT NULL DEFAULT ''",
        ],
    },
    Migration {
        version: 21,
        name: "registration paths",
        // The Path an edge proxy added (RFC 3327), one entry per line of text; empty for a
        // device that registered directly.
        statements: &["ALTER TABLE registrations ADD COLUMN path TEXT NOT NULL DEFAULT ''"],
    },
    Migration {
        version: 22,
        name: "company profiles",
        statements: &["CREATE TABLE company_profiles (
            company_id TEXT PRIMARY KEY REFERENCES companies(id) ON DELETE CASCADE,
            assistant_name TEXT NULL,
            assistant_email TEXT NULL,
            admin_phone TEXT NULL,
            provider_credentials TEXT NULL,
            pbx_credentials TEXT NULL)"],
    },
    Migration {
        version: 23,
        name: "scheduled reports",
        statements: &[
            // frequency: daily, weekly (weekday 1 Monday to 7 Sunday) or monthly (month_day 1
            // to 31, the month's last day when shorter); at_minute: minutes after local
            // midnight in the company's zone; recipients: addresses, one per line of text;
            // next_run_at: the next scheduled run (ms), claimed by the runner that sends it.
            "CREATE TABLE reports (
            id TEXT PRIMARY KEY,
            company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            frequency TEXT NOT NULL,
            weekday BIGINT NULL,
            month_day BIGINT NULL,
            at_minute BIGINT NOT NULL,
            recipients TEXT NOT NULL,
            next_run_at BIGINT NOT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL)",
            "CREATE INDEX reports_company ON reports(company_id, id)",
            "CREATE INDEX reports_due ON reports(next_run_at)",
            // One run of a report: trigger schedule or manual; status sent or failed.
            "CREATE TABLE report_runs (
            id TEXT PRIMARY KEY,
            report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
            company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
            ran_at BIGINT NOT NULL,
            period_from BIGINT NOT NULL,
            period_to BIGINT NOT NULL,
            trigger_kind TEXT NOT NULL,
            status TEXT NOT NULL,
            row_count BIGINT NOT NULL,
            recipient_count BIGINT NOT NULL,
            error TEXT NULL)",
            "CREATE INDEX report_runs_report ON report_runs(report_id, id)",
        ],
    },
    Migration {
        version: 24,
        name: "company mail access",
        // The company's own SMTP server for the mail sent for it: security starttls, tls or
        // none; mail_password sealed with the operator's key like the provider credentials.
        statements: &[
            "ALTER TABLE company_profiles ADD COLUMN mail_host TEXT NULL",
            "ALTER TABLE company_profiles ADD COLUMN mail_port BIGINT NULL",
            "ALTER TABLE company_profiles ADD COLUMN mail_security TEXT NULL",
            "ALTER TABLE company_profiles ADD COLUMN mail_username TEXT NULL",
            "ALTER TABLE company_profiles ADD COLUMN mail_password TEXT NULL",
        ],
    },
    Migration {
        version: 26,
        name: "registration user agents",
        // What the phone calls itself (its User-Agent header), shown to administrators on the
        // user's Device tab; empty when the phone sent none.
        statements: &["ALTER TABLE registrations ADD COLUMN user_agent TEXT NOT NULL DEFAULT ''"],
    },
    Migration {
        version: 27,
        name: "branding",
        // A reseller's or a company's product name, two colours (#rrggbb) and logo (base64 of
        // the sanitised PNG or SVG), keyed by the tenant's id; a company's fields override its
        // reseller's one by one. `version` changes with every save, for the pages' asset URLs.
        statements: &["CREATE TABLE brandings (
            tenant_id TEXT PRIMARY KEY,
            product_name TEXT NULL,
            primary_colour TEXT NULL,
            accent_colour TEXT NULL,
            logo TEXT NULL,
            logo_type TEXT NULL,
            version BIGINT NOT NULL)"],
    },
    Migration {
        version: 28,
        name: "audio files",
        // Audio moves out of the rows into files (decision 16): a row names its file (a key
        // under the audio directory), its size in bytes and its SHA-256 (hex), checked on every
        // read. The old base64 columns stay (released migrations are never edited, and SQLite
        // cannot drop a NOT NULL column portably): the start-up move empties them.
        statements: &[
            "ALTER TABLE voicemails ADD COLUMN audio_ref TEXT NULL",
            "ALTER TABLE voicemails ADD COLUMN audio_size BIGINT NULL",
            "ALTER TABLE voicemails ADD COLUMN audio_sha256 TEXT NULL",
            "ALTER TABLE voicemail_greetings ADD COLUMN audio_ref TEXT NULL",
            "ALTER TABLE voicemail_greetings ADD COLUMN audio_size BIGINT NULL",
            "ALTER TABLE voicemail_greetings ADD COLUMN audio_sha256 TEXT NULL",
            "ALTER TABLE recordings ADD COLUMN audio_ref TEXT NULL",
            "ALTER TABLE recordings ADD COLUMN audio_size BIGINT NULL",
            "ALTER TABLE recordings ADD COLUMN audio_sha256 TEXT NULL",
            "ALTER TABLE queues ADD COLUMN music_ref TEXT NULL",
            "ALTER TABLE queues ADD COLUMN music_size BIGINT NULL",
            "ALTER TABLE queues ADD COLUMN music_sha256 TEXT NULL",
        ],
    },
    Migration {
        version: 29,
        name: "speed dials",
        // A person's speed dials: a code of one or two digits, dialled after `*0` from any of
        // their lines, and the number it places (digits with `+`, `*` and `#`).
        statements: &["CREATE TABLE speed_dials (
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            code TEXT NOT NULL,
            name TEXT NOT NULL,
            number TEXT NOT NULL,
            PRIMARY KEY (user_id, code))"],
    },
    Migration {
        version: 30,
        name: "user pictures",
        // A person's profile picture, as the use case wrote it anew (a PNG, base64), never as
        // uploaded; `version` changes with each upload so the picture's URL does too.
        statements: &["CREATE TABLE user_pictures (
            user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
            png TEXT NOT NULL,
            version BIGINT NOT NULL)"],
    },
    Migration {
        version: 31,
        name: "contacts",
        // A person's own contacts (numbers in order, at most a few each) and the colleagues they
        // keep as favourites; all go with the person. `company_id` keeps the tenant beside the
        // row for the audit and for a company's deletion.
        statements: &[
            "CREATE TABLE contacts (
            id TEXT PRIMARY KEY,
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            company_id TEXT NOT NULL,
            name TEXT NOT NULL,
            organisation TEXT NULL,
            email TEXT NULL,
            favourite BIGINT NOT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL)",
            "CREATE INDEX contacts_by_user ON contacts (user_id, name)",
            "CREATE TABLE contact_numbers (
            contact_id TEXT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
            position BIGINT NOT NULL,
            label TEXT NOT NULL,
            number TEXT NOT NULL,
            PRIMARY KEY (contact_id, position))",
            "CREATE TABLE favourite_colleagues (
            user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            colleague_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            PRIMARY KEY (user_id, colleague_id))",
        ],
    },
    Migration {
        version: 32,
        name: "signed-in extension",
        // The line a sign-in is for (a person with several lines signs in to one): the default,
        // the only one, or the one chosen after signing in; null while the choice is pending.
        // Checked against the person's lines whenever it is used, so a line moved or deleted
        // since is simply not used.
        statements: &["ALTER TABLE sessions ADD COLUMN line_id TEXT NULL"],
    },
    Migration {
        version: 33,
        name: "fax numbers",
        // A number routed to a line may be marked as that line's fax number, for calls to it to
        // be answered by the fax receiver rather than ringing the line (0 or 1, as every flag
        // here).
        statements: &["ALTER TABLE numbers ADD COLUMN fax BIGINT NOT NULL DEFAULT 0"],
    },
    Migration {
        version: 34,
        name: "group contacts",
        // Contacts administrators define for a department, inherited by everyone in it and in
        // the departments below; they go with the department and with the company. Numbers in
        // order, as for own contacts.
        statements: &[
            "CREATE TABLE group_contacts (
            id TEXT PRIMARY KEY,
            company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
            department_id TEXT NOT NULL REFERENCES departments(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            organisation TEXT NULL,
            email TEXT NULL,
            created_at BIGINT NOT NULL,
            updated_at BIGINT NOT NULL)",
            "CREATE INDEX group_contacts_by_department ON group_contacts (department_id, name)",
            "CREATE TABLE group_contact_numbers (
            contact_id TEXT NOT NULL REFERENCES group_contacts(id) ON DELETE CASCADE,
            position BIGINT NOT NULL,
            label TEXT NOT NULL,
            number TEXT NOT NULL,
            PRIMARY KEY (contact_id, position))",
        ],
    },
    Migration {
        version: 35,
        name: "faxes",
        // Faxes received on a line's fax number: the row describes one, its PDF is a file named
        // by reference and checksum (decision 16), so listing an inbox never reads documents.
        // They go with their line and their company. A line's user may be mailed about each.
        statements: &[
            "CREATE TABLE faxes (
            id TEXT PRIMARY KEY,
            company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
            line_id TEXT NOT NULL REFERENCES lines(id) ON DELETE CASCADE,
            caller_number TEXT NOT NULL,
            caller_name TEXT NULL,
            remote_ident TEXT NULL,
            received_at BIGINT NOT NULL,
            pages BIGINT NOT NULL,
            bit_rate BIGINT NOT NULL,
            seen BIGINT NOT NULL,
            document_ref TEXT NOT NULL,
            document_size BIGINT NOT NULL,
            document_sha256 TEXT NOT NULL)",
            "CREATE INDEX faxes_line ON faxes(line_id, id)",
            "ALTER TABLE line_notifications ADD COLUMN new_fax BIGINT NOT NULL DEFAULT 0",
        ],
    },
    Migration {
        version: 36,
        name: "texts with outside numbers",
        // A text to an outside number has no recipient line: it names the number instead, and
        // says why the carrier refused it, if it did (a text from an outside number already fits:
        // it has no sending line). SQLite cannot relax a NOT NULL in place, so the table is
        // copied into its new shape, on either engine alike.
        statements: &[
            "CREATE TABLE sip_messages_new (
            id TEXT PRIMARY KEY,
            company_id TEXT NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
            from_line_id TEXT NULL REFERENCES lines(id) ON DELETE SET NULL,
            from_number TEXT NOT NULL,
            to_line_id TEXT NULL REFERENCES lines(id) ON DELETE CASCADE,
            to_number TEXT NULL,
            content_type TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            delivered_at BIGINT NULL,
            failure TEXT NULL)",
            "INSERT INTO sip_messages_new (id, company_id, from_line_id, from_number, to_line_id,
                content_type, body, created_at, delivered_at)
             SELECT id, company_id, from_line_id, from_number, to_line_id, content_type, body,
                created_at, delivered_at FROM sip_messages",
            "DROP TABLE sip_messages",
            "ALTER TABLE sip_messages_new RENAME TO sip_messages",
            "CREATE INDEX sip_messages_to ON sip_messages(to_line_id, id)",
            "CREATE INDEX sip_messages_from ON sip_messages(from_line_id, id)",
        ],
    },
    Migration {
        version: 37,
        name: "texts seen and conversations deleted",
        // A received text is new until its line's user opens the conversation or marks it
        // (0 or 1). One row serves both ends of a text between two lines, so deleting a
        // conversation hides the row from that end only (`from_hidden`, `to_hidden`); the row
        // itself goes once no line still shows it.
        statements: &[
            "ALTER TABLE sip_messages ADD COLUMN seen BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE sip_messages ADD COLUMN from_hidden BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE sip_messages ADD COLUMN to_hidden BIGINT NOT NULL DEFAULT 0",
        ],
    },
];
