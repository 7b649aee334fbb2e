#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly by design
//! Audio references (decision 16), on SQLite and PostgreSQL: rows name their files, the keys
//! a deletion orphans are found before it, and base64 left by an earlier version is found and
//! moved once.

use sb_domain::ids::{CompanyId, LineId, QueueId, RecordingId, ResellerId, VoicemailId};
use sb_domain::model::Language;
use sb_store::audio::{self, AudioRef, Table};
use sb_store::db::query;
use sb_store::lines::{self, Line};
use sb_store::tenancy::{self, Company, Reseller};
use sb_store::testdb::fresh_stores;
use sb_store::{Conn, recordings, voicemail};

const T: i64 = 1_790_000_000_000;

fn file(key: &str) -> AudioRef {
    AudioRef {
        key: key.into(),
        size: 44,
        sha256: "ab".repeat(32),
    }
}

async fn seed(c: &mut Conn) -> (Company, Line) {
    let r = Reseller {
        id: ResellerId::new(T),
        name: "Channel".into(),
        created_at: T,
    };
    tenancy::insert_reseller(c, &r).await.unwrap();
    let co = Company {
        id: CompanyId::new(T),
        reseller_id: r.id.clone(),
        name: "Acme".into(),
        country: "FR".into(),
        time_zone: "Europe/Paris".into(),
        first_language: Language::Fr,
        second_language: None,
        sip_domain: format!("{}.sip.test", CompanyId::new(T)),
        max_users: 10,
        max_lines: 10,
        default_package_id: None,
        created_at: T,
    };
    tenancy::insert_company(c, &co).await.unwrap();
    let line = Line {
        id: LineId::new(T),
        company_id: co.id.clone(),
        user_id: None,
        extension: "201".into(),
        account_name: "201".into(),
        calling_name: None,
        sip_username: format!("l{}", LineId::new(T)),
        sip_password_sealed: "sealed".into(),
        sip_ha1_md5: "md5".into(),
        sip_ha1_sha256: "sha256".into(),
        default_number: None,
        presentation_number: None,
        created_at: T,
    };
    lines::insert_line(c, &line).await.unwrap();
    (co, line)
}

fn message(co: &Company, line: &Line, at: i64) -> voicemail::Voicemail {
    voicemail::Voicemail {
        id: VoicemailId::new(at),
        company_id: co.id.clone(),
        line_id: line.id.clone(),
        caller_number: "202".into(),
        caller_name: None,
        received_at: at,
        duration_ms: 1000,
        heard: false,
    }
}

#[tokio::test]
async fn rows_name_their_audio_files_and_the_keys_a_deletion_orphans_are_found_first() {
    for s in fresh_stores("audioref").await.unwrap() {
        let mut c = s.conn().await.unwrap();
        let (co, line) = seed(&mut c).await;
        let vm = message(&co, &line, T);
        voicemail::insert(&mut c, &vm, &file("voicemail/a.wav"))
            .await
            .unwrap();
        voicemail::set_greeting(&mut c, &line.id, &file("greeting/b.wav"), T)
            .await
            .unwrap();
        let rec = recordings::Recording {
            id: RecordingId::new(T),
            company_id: co.id.clone(),
            line_id: line.id.clone(),
            direction: "incoming".into(),
            other_number: "202".into(),
            other_name: None,
            started_at: T,
            duration_ms: 1000,
            heard: false,
        };
        recordings::insert(&mut c, &rec, &file("recording/c.wav"))
            .await
            .unwrap();
        assert_eq!(
            recordings::audio(&mut c, &rec.id).await.unwrap(),
            Some(file("recording/c.wav"))
        );
        assert_eq!(
            voicemail::greeting(&mut c, &line.id).await.unwrap(),
            Some(file("greeting/b.wav"))
        );
        // The row keeps no audio of its own.
        let text: Vec<String> = query("SELECT audio FROM voicemails")
            .scalars(&mut c)
            .await
            .unwrap();
        assert_eq!(text, vec![String::new()]);

        let mut keys = audio::keys_of_line(&mut c, &line.id).await.unwrap();
        keys.sort();
        assert_eq!(
            keys,
            vec!["greeting/b.wav", "recording/c.wav", "voicemail/a.wav"]
        );
        let mut all = audio::keys_of_company(&mut c, &co.id).await.unwrap();
        all.sort();
        assert_eq!(all, keys);
        let mut every = audio::all_keys(&mut c).await.unwrap();
        every.sort();
        assert_eq!(every, keys);
        assert!(
            audio::keys_of_company(&mut c, &CompanyId::new(T + 1))
                .await
                .unwrap()
                .is_empty(),
            "another company's audio is not this one's"
        );
        assert_eq!(
            audio::key_of_queue(&mut c, &QueueId::new(T)).await.unwrap(),
            None
        );
    }
}

#[tokio::test]
async fn base64_left_by_an_earlier_version_is_found_and_moved_once() {
    for s in fresh_stores("audiomove").await.unwrap() {
        let mut c = s.conn().await.unwrap();
        let (co, line) = seed(&mut c).await;
        // What an earlier version wrote: base64 in the row, no file.
        for (at, text) in [(T, "UklGRg=="), (T + 1, "UklGRgAA")] {
            query(
                "INSERT INTO voicemails (id, company_id, line_id, caller_number, caller_name,
                    received_at, duration_ms, heard, audio)
                 VALUES ($1, $2, $3, '202', NULL, $4, 1000, 0, $5)",
            )
            .bind(VoicemailId::new(at).as_str())
            .bind(co.id.as_str())
            .bind(line.id.as_str())
            .bind(at)
            .bind(text)
            .execute(&mut c)
            .await
            .unwrap();
        }
        let rows = audio::legacy_rows(&mut c, Table::Voicemails, "", 10)
            .await
            .unwrap();
        assert_eq!(rows.len(), 2);
        // Passed over by the cursor: only the second is after the first.
        let later = audio::legacy_rows(&mut c, Table::Voicemails, &rows[0], 10)
            .await
            .unwrap();
        assert_eq!(later, vec![rows[1].clone()]);
        assert_eq!(
            audio::legacy_text(&mut c, Table::Voicemails, &rows[0])
                .await
                .unwrap()
                .as_deref(),
            Some("UklGRg==")
        );
        assert_eq!(
            voicemail::audio(&mut c, &VoicemailId::from_raw(rows[0].clone()))
                .await
                .unwrap(),
            None,
            "not moved yet"
        );
        let moved = audio::moved(
            &mut c,
            Table::Voicemails,
            &rows[0],
            &file("voicemail/m.wav"),
        )
        .await
        .unwrap();
        assert!(moved);
        // Once only: a second move (another node, a restart) finds nothing to do.
        assert!(
            !audio::moved(
                &mut c,
                Table::Voicemails,
                &rows[0],
                &file("voicemail/x.wav")
            )
            .await
            .unwrap()
        );
        assert_eq!(
            voicemail::audio(&mut c, &VoicemailId::from_raw(rows[0].clone()))
                .await
                .unwrap(),
            Some(file("voicemail/m.wav"))
        );
        assert_eq!(
            audio::legacy_text(&mut c, Table::Voicemails, &rows[0])
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            audio::legacy_rows(&mut c, Table::Voicemails, "", 10)
                .await
                .unwrap(),
            vec![rows[1].clone()]
        );
        for t in [Table::Greetings, Table::Recordings, Table::QueueMusic] {
            assert!(
                audio::legacy_rows(&mut c, t, "", 10)
                    .await
                    .unwrap()
                    .is_empty()
            );
        }
    }
}
