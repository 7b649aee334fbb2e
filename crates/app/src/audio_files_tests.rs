#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail loudly by design

use super::*;
use crate::AppConfig;
use sb_domain::clock::ManualClock;
use sb_domain::ids::{CompanyId, LineId, ResellerId, VoicemailId};
use sb_store::db::query;

const T: i64 = 1_790_000_000_000;

fn temp_dir(label: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "sbaudio-{label}-{}",
        sb_domain::ids::new_id_text(0)
    ))
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_file_is_written_whole_under_its_key_and_nothing_else_is_left_beside_it() {
    let root = temp_dir("put");
    let fs = FsAudio::new(&root);
    fs.put("voicemail/0001abc.wav", b"RIFF one").unwrap();
    fs.put("voicemail/0002abc.wav", b"RIFF two").unwrap();
    // Written again (a retried move): replaced whole, by rename.
    fs.put("voicemail/0001abc.wav", b"RIFF one again").unwrap();
    assert_eq!(
        listing(&root.join("voicemail")),
        vec!["0001abc.wav", "0002abc.wav"],
        "no temporary file left"
    );
    assert_eq!(fs.get("voicemail/0001abc.wav").unwrap(), b"RIFF one again");
    let mut keys = fs.keys().unwrap();
    keys.sort();
    assert_eq!(keys, vec!["voicemail/0001abc.wav", "voicemail/0002abc.wav"]);
    fs.delete("voicemail/0001abc.wav").unwrap();
    fs.delete("voicemail/0001abc.wav").unwrap();
    assert!(fs.get("voicemail/0001abc.wav").is_err());
    assert_eq!(fs.keys().unwrap(), vec!["voicemail/0002abc.wav"]);
}

#[test]
fn keys_that_could_leave_the_audio_directory_are_refused() {
    let root = temp_dir("keys");
    let fs = FsAudio::new(&root);
    for key in [
        "../secret.key",
        "voicemail/../../secret.key",
        "/etc/passwd",
        "voicemail/..",
        "voicemail/a/b.wav",
        "Voicemail/a.wav",
        "voicemail/",
        "a.wav",
        "",
    ] {
        assert!(!valid_key(key), "{key}");
        assert!(fs.put(key, b"x").is_err(), "{key}");
        assert!(fs.get(key).is_err(), "{key}");
        assert!(fs.delete(key).is_err(), "{key}");
    }
    assert!(!root.exists(), "nothing written");
}

#[test]
fn a_file_that_is_not_the_one_its_row_describes_is_refused() {
    let bytes = b"RIFF the message".to_vec();
    let r = AudioRef {
        key: "voicemail/1.wav".into(),
        size: bytes.len() as i64,
        sha256: sha256_hex(&bytes),
    };
    assert_eq!(verified(&r, bytes.clone()).unwrap(), bytes);
    let cut = verified(&r, bytes[..4].to_vec()).unwrap_err();
    assert!(cut.contains("bytes"), "{cut}");
    let swapped = verified(&r, b"RIFF the massage".to_vec()).unwrap_err();
    assert!(swapped.contains("SHA-256"), "{swapped}");
}

/// A company with one line, whose mailbox holds a message as an earlier version kept it:
/// base64 in the row.
async fn legacy_message(store: &sb_store::Store, wav: &[u8]) -> VoicemailId {
    use base64::Engine as _;
    let mut c = store.conn().await.unwrap();
    let r = sb_store::tenancy::Reseller {
        id: ResellerId::new(T),
        name: "Channel".into(),
        created_at: T,
    };
    sb_store::tenancy::insert_reseller(&mut c, &r)
        .await
        .unwrap();
    let co = sb_store::tenancy::Company {
        id: CompanyId::new(T),
        reseller_id: r.id.clone(),
        name: "Acme".into(),
        country: "FR".into(),
        time_zone: "Europe/Paris".into(),
        first_language: sb_domain::model::Language::Fr,
        second_language: None,
        sip_domain: "acme.sip.test".into(),
        max_users: 10,
        max_lines: 10,
        default_package_id: None,
        created_at: T,
    };
    sb_store::tenancy::insert_company(&mut c, &co)
        .await
        .unwrap();
    let line = sb_store::lines::Line {
        id: LineId::new(T),
        company_id: co.id.clone(),
        user_id: None,
        extension: "201".into(),
        account_name: "201".into(),
        calling_name: None,
        sip_username: "l201".into(),
        sip_password_sealed: "sealed".into(),
        sip_ha1_md5: "md5".into(),
        sip_ha1_sha256: "sha256".into(),
        default_number: None,
        presentation_number: None,
        created_at: T,
    };
    sb_store::lines::insert_line(&mut c, &line).await.unwrap();
    let id = VoicemailId::new(T);
    query(
        "INSERT INTO voicemails (id, company_id, line_id, caller_number, caller_name,
            received_at, duration_ms, heard, audio)
         VALUES ($1, $2, $3, '202', NULL, $4, 1000, 0, $5)",
    )
    .bind(id.as_str())
    .bind(co.id.as_str())
    .bind(line.id.as_str())
    .bind(T)
    .bind(base64::engine::general_purpose::STANDARD.encode(wav))
    .execute(&mut c)
    .await
    .unwrap();
    id
}

#[tokio::test]
async fn base64_in_rows_moves_to_files_once_orphans_are_swept_and_a_changed_file_is_refused() {
    for store in sb_store::testdb::fresh_stores("audiomoveapp")
        .await
        .unwrap()
    {
        let root = temp_dir("move");
        let fs = Arc::new(FsAudio::new(&root));
        let cfg = AppConfig {
            audio: fs.clone(),
            ..AppConfig::default()
        };
        let clock = ManualClock::new(jiff::Timestamp::from_millisecond(T).unwrap());
        let app = App::new(store.clone(), Arc::new(clock), cfg);
        let wav = crate::audio::wav(&[1000, -1000, 1000, -1000]);
        let id = legacy_message(&store, &wav).await;
        // What a crash between a file and its row leaves.
        fs.put("recording/0000orphan.wav", b"nobody's").unwrap();

        let first = app.move_audio_to_files().await.unwrap();
        assert_eq!((first.moved, first.damaged, first.swept), (1, 0, 1));
        let mut c = store.conn().await.unwrap();
        let file = sb_store::voicemail::audio(&mut c, &id)
            .await
            .unwrap()
            .unwrap();
        assert!(file.key.starts_with("voicemail/"), "{}", file.key);
        assert_eq!(std::fs::read(root.join(&file.key)).unwrap(), wav);
        assert_eq!(app.read_audio(&file, "message").await.unwrap(), wav);
        let text: Vec<String> = query("SELECT audio FROM voicemails")
            .scalars(&mut c)
            .await
            .unwrap();
        assert_eq!(text, vec![String::new()], "the row holds no audio now");
        assert_eq!(fs.keys().unwrap(), vec![file.key.clone()], "orphan swept");

        // A restart finds nothing more to do.
        assert_eq!(app.move_audio_to_files().await.unwrap(), Moved::default());
        assert_eq!(fs.keys().unwrap(), vec![file.key.clone()]);

        // A file changed behind the database's back is an error, not someone else's audio.
        std::fs::write(root.join(&file.key), b"RIFF tampered").unwrap();
        let err = app.read_audio(&file, "message").await.unwrap_err();
        assert!(matches!(err, AppError::Internal(_)), "{err:?}");
    }
}
