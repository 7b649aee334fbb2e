//! Audio as files under the data directory (decision 16): greetings, queue music, voicemails
//! and recordings are WAV files under `<data-dir>/audio`, their rows hold a reference and a
//! checksum, a file goes when its row goes, and the base64 an earlier version kept in rows
//! is moved out to files at start and still plays.

use crate::kit::*;
use sb_domain::ids::{CompanyId, LineId, RecordingId, VoicemailId};
use sb_store::db::query;
use std::path::{Path, PathBuf};
use switchboard::config::Flags;

/// A server on the database at `url` whose data directory is `dir`, with the application
/// settings `switchboard serve` derives (so its audio goes to `dir/audio`).
async fn serve(url: &str, dir: &Path) -> Srv {
    let dir = dir.to_path_buf();
    start_configured(url.to_owned(), None, &move |f: &mut Flags| {
        f.data_dir = Some(dir.clone());
    })
    .await
}

/// The audio files of one kind under the data directory.
fn files(dir: &Path, kind: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = match std::fs::read_dir(dir.join("audio").join(kind)) {
        Ok(d) => d.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    };
    out.sort();
    out
}

async fn fetch(srv: &Srv, path: &str, token: &str) -> (u16, Vec<u8>) {
    let r = srv
        .http
        .get(format!("{}{path}", srv.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.bytes().await.unwrap().to_vec())
}

async fn texts(store: &sb_store::Store, sql: &'static str) -> Vec<Option<String>> {
    let mut c = store.conn().await.unwrap();
    query(sql).scalars(&mut c).await.unwrap()
}

fn wav(freq: f64) -> Vec<u8> {
    let path =
        std::env::temp_dir().join(format!("sb-audio-{}.wav", sb_domain::ids::new_id_text(0)));
    crate::baresip::tone_wav_at(&path, freq, 1, 8000);
    std::fs::read(&path).unwrap()
}

#[tokio::test]
async fn greetings_and_music_are_files_under_the_data_directory_and_go_with_their_rows() {
    let url = sb_store::testdb::fresh_sqlite_url("e2e").unwrap();
    let dir = std::env::temp_dir().join(format!("sbaudio-{}", sb_domain::ids::new_id_text(0)));
    let w = world_on(serve(&url, &dir).await).await;
    let t = &w.t1;
    let greeting = format!("/api/v1/lines/{}/voicemail-greeting", t.line_id);
    let (status, body) = crate::baresip::upload(&w.srv, &greeting, &t.user_token, wav(500.0)).await;
    assert_eq!(status, 200, "{body}");
    let on_disk = files(&dir, "greeting");
    assert_eq!(on_disk.len(), 1, "the greeting is a file: {on_disk:?}");
    let (status, served) = fetch(&w.srv, &greeting, &t.user_token).await;
    assert_eq!(status, 200);
    assert_eq!(served, std::fs::read(&on_disk[0]).unwrap());
    let store = sb_store::Store::connect(&url).await.unwrap();
    assert_eq!(
        texts(&store, "SELECT audio FROM voicemail_greetings").await,
        vec![Some(String::new())],
        "the row holds no audio"
    );
    // A new greeting replaces the file; going back to the standard one removes it.
    let (status, body) = crate::baresip::upload(&w.srv, &greeting, &t.user_token, wav(600.0)).await;
    assert_eq!(status, 200, "{body}");
    let replaced = files(&dir, "greeting");
    assert_eq!(replaced.len(), 1, "{replaced:?}");
    assert_ne!(replaced, on_disk, "the old file is gone");
    assert_eq!(w.srv.delete(&greeting, &t.user_token).await.status, 204);
    assert!(files(&dir, "greeting").is_empty());

    let music = format!("/api/v1/queues/{}/music", t.queue_id);
    let (status, body) = crate::baresip::upload(&w.srv, &music, &t.admin_token, wav(400.0)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(files(&dir, "music").len(), 1);
    assert!(
        texts(&store, "SELECT music FROM queues")
            .await
            .iter()
            .all(Option::is_none),
        "no queue row holds audio"
    );
    let gone = w
        .srv
        .delete(&format!("/api/v1/queues/{}", t.queue_id), &t.admin_token)
        .await;
    assert_eq!(gone.status, 204, "{}", gone.text);
    assert!(
        files(&dir, "music").is_empty(),
        "the queue's music went with it"
    );
    store.close().await;
    w.srv.stop().await;
}

/// A voicemail and a recording on `line` as an earlier version stored them: base64 in the row.
async fn legacy_rows(url: &str, company: &str, line: &str, wav: &[u8]) -> (String, String) {
    use base64::Engine as _;
    let text = base64::engine::general_purpose::STANDARD.encode(wav);
    let store = sb_store::Store::connect(url).await.unwrap();
    let mut c = store.conn().await.unwrap();
    let now = 1_790_000_000_000;
    let vm = VoicemailId::new(now);
    query(
        "INSERT INTO voicemails (id, company_id, line_id, caller_number, caller_name,
            received_at, duration_ms, heard, audio)
         VALUES ($1, $2, $3, '202', NULL, $4, 1000, 0, $5)",
    )
    .bind(vm.as_str())
    .bind(CompanyId::from_raw(company.to_owned()).as_str())
    .bind(LineId::from_raw(line.to_owned()).as_str())
    .bind(now)
    .bind(text.as_str())
    .execute(&mut c)
    .await
    .unwrap();
    let rec = RecordingId::new(now);
    query(
        "INSERT INTO recordings (id, company_id, line_id, direction, other_number, other_name,
            started_at, duration_ms, heard, audio)
         VALUES ($1, $2, $3, 'incoming', '202', NULL, $4, 1000, 0, $5)",
    )
    .bind(rec.as_str())
    .bind(company)
    .bind(line)
    .bind(now)
    .bind(text.as_str())
    .execute(&mut c)
    .await
    .unwrap();
    drop(c);
    store.close().await;
    (vm.as_str().to_owned(), rec.as_str().to_owned())
}

#[tokio::test]
async fn audio_kept_in_rows_by_an_earlier_version_moves_to_files_at_start_and_still_plays() {
    let url = sb_store::testdb::fresh_sqlite_url("e2e").unwrap();
    let dir = std::env::temp_dir().join(format!("sbaudio-{}", sb_domain::ids::new_id_text(0)));
    let w = world_on(serve(&url, &dir).await).await;
    w.srv.stop().await;
    let t = &w.t1;
    let audio = wav(1000.0);
    let (vm, rec) = legacy_rows(&url, &t.company_id, &t.line_id, &audio).await;
    // What a crash between writing a file and inserting its row leaves.
    std::fs::create_dir_all(dir.join("audio/voicemail")).unwrap();
    std::fs::write(dir.join("audio/voicemail/0000orphan.wav"), b"nobody's").unwrap();

    let srv = serve(&url, &dir).await;
    let messages = files(&dir, "voicemail");
    assert_eq!(messages.len(), 1, "moved out, orphan swept: {messages:?}");
    assert_eq!(std::fs::read(&messages[0]).unwrap(), audio);
    assert_eq!(files(&dir, "recording").len(), 1);
    let store = sb_store::Store::connect(&url).await.unwrap();
    assert_eq!(
        texts(&store, "SELECT audio FROM voicemails").await,
        vec![Some(String::new())],
        "the base64 is gone from the row"
    );
    assert_eq!(
        texts(&store, "SELECT audio FROM recordings").await,
        vec![Some(String::new())]
    );
    let token = srv.login("ulfone", PW).await;
    let (status, played) = fetch(&srv, &format!("/api/v1/voicemails/{vm}/audio"), &token).await;
    assert_eq!(status, 200);
    assert_eq!(played, audio, "the message plays as it was recorded");
    let (status, played) = fetch(&srv, &format!("/api/v1/recordings/{rec}/audio"), &token).await;
    assert_eq!(status, 200);
    assert_eq!(played, audio);

    // A file changed behind the database's back is refused, not played.
    let recording = files(&dir, "recording");
    std::fs::write(&recording[0], b"RIFF something else").unwrap();
    let (status, _) = fetch(&srv, &format!("/api/v1/recordings/{rec}/audio"), &token).await;
    assert_eq!(status, 500);

    // Deleting the message and the recording removes their files.
    let r = srv
        .delete(&format!("/api/v1/voicemails/{vm}"), &token)
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert!(files(&dir, "voicemail").is_empty());
    let r = srv
        .delete(&format!("/api/v1/recordings/{rec}"), &token)
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert!(files(&dir, "recording").is_empty());
    store.close().await;
    srv.stop().await;

    // Deleting the company removes the files of every message it held.
    legacy_rows(&url, &t.company_id, &t.line_id, &audio).await;
    let srv = serve(&url, &dir).await;
    assert_eq!(files(&dir, "voicemail").len(), 1);
    assert_eq!(files(&dir, "recording").len(), 1);
    let sys = srv.admin().await;
    let r = srv
        .delete(&format!("/api/v1/companies/{}", t.company_id), &sys)
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert!(files(&dir, "voicemail").is_empty());
    assert!(files(&dir, "recording").is_empty());
    srv.stop().await;
}
