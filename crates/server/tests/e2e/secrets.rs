//! Secrets at rest: SIP passwords kept as digest HA1 plus a value sealed with the operator's key
//! file, two-factor secrets and trunk credentials sealed, clear values from before sealing converted at start, a key
//! that did not seal the stored values refused, and a SIP password shown only to an
//! administrator who has just confirmed their own password.

use crate::kit::*;
use crate::phones::sip_line;
use crate::sipclient::{Account, authenticated};
use sb_domain::ids::LineId;
use serde_json::json;
use std::path::{Path, PathBuf};
use switchboard::config::Flags;

/// Every byte the SQLite database keeps on disk (the file and its write-ahead log).
fn database_bytes(url: &str) -> Vec<u8> {
    let file = PathBuf::from(url.trim_start_matches("sqlite://"));
    let mut bytes = std::fs::read(&file).unwrap();
    if let Ok(wal) = std::fs::read(file.with_extension("db-wal")) {
        bytes.extend(wal);
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

/// A server on the database at `url` whose data directory (and so key file) is `dir`.
async fn serve(url: &str, dir: &Path) -> Srv {
    let dir = dir.to_path_buf();
    start_configured(url.to_owned(), None, &move |f: &mut Flags| {
        f.data_dir = Some(dir.clone());
    })
    .await
}

async fn registers(srv: &Srv, a: &Account) -> Option<u16> {
    let sip = srv.running.as_ref().unwrap().sip_addr;
    let sock = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let contact = format!(
        "Expires: 60\r\nContact: <sip:{}@{}>\r\n",
        a.user,
        sock.local_addr().unwrap()
    );
    let answer = authenticated(
        &sock,
        sip,
        a,
        "REGISTER",
        &format!("sip:{}", a.domain),
        &contact,
    )
    .await?;
    answer.code()
}

#[tokio::test]
async fn a_sip_password_is_shown_only_after_the_administrator_confirms_their_own_password() {
    let w = world().await;
    let t = &w.t1;
    let path = format!("/api/v1/lines/{}/sip-credentials", t.line_id);
    let before = w.srv.sip_credentials(&t.line_id, &t.admin_token).await;
    assert_eq!(before.status, 200, "{}", before.text);
    // A session token alone (what a stolen cookie or token gives) reads nothing and resets nothing.
    assert_eq!(w.srv.get(&path, &t.admin_token).await.status, 403);
    assert_eq!(w.srv.get(&path, &t.reseller_token).await.status, 403);
    let reset = w
        .srv
        .post(&format!("{path}/reset"), &t.admin_token, json!({}))
        .await;
    assert_eq!(reset.status, 403, "{}", reset.text);
    let after = w.srv.sip_credentials(&t.line_id, &t.admin_token).await;
    assert_eq!(after.body["sip_password"], before.body["sip_password"]);
    // The other tenant's administrator, elevated or not, does not learn the line exists.
    let other = w.srv.sip_credentials(&t.line_id, &w.t2.admin_token).await;
    assert_eq!(other.status, 404);
    w.srv.stop().await;
}

#[tokio::test]
async fn the_database_keeps_no_sip_password_two_factor_secret_or_trunk_credential_in_clear() {
    let url = sb_store::testdb::fresh_sqlite_url("e2e").unwrap();
    let dir = std::env::temp_dir().join(format!("sbkey-{}", sb_domain::ids::new_id_text(0)));
    let srv = serve(&url, &dir).await;
    let w = world_on(srv).await;
    let line = sip_line(&w.srv, &w.t1.admin_token, &w.t1.line_id).await;
    let elevated = w.srv.elevate(&w.t1.user_token).await;
    let enrol = w
        .srv
        .post("/api/v1/me/two-factor", &elevated, json!({}))
        .await;
    assert_eq!(enrol.status, 201, "{}", enrol.text);
    let secret = enrol.body["secret"].as_str().unwrap().to_owned();
    let (carrier_pw, carrier_key) = ("Carrier-Pass-5150", "carrier-key-0123456789abcdef");
    let trunk = format!("/api/v1/trunks/{}", w.t1.trunk_id);
    let body = json!({"name": "Carrier", "address": "192.0.2.10:5060", "username": "acme",
        "password": carrier_pw, "inbound": "secret", "inbound_secret": carrier_key});
    let r = w.srv.put(&trunk, &w.t1.reseller_token, body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    // A change that leaves the secrets out keeps them as they were, not sealed twice.
    let body = json!({"name": "Carrier two", "address": "192.0.2.10:5060", "username": "acme",
        "inbound": "secret"});
    let r = w.srv.put(&trunk, &w.t1.reseller_token, body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["has_password"], true);
    let engine = w
        .srv
        .running
        .as_ref()
        .unwrap()
        .app
        .trunks_for_engine()
        .await;
    let t = engine
        .unwrap()
        .iter()
        .find(|t| t.id.as_str() == w.t1.trunk_id)
        .cloned()
        .unwrap();
    assert_eq!(
        t.password.as_deref(),
        Some(carrier_pw),
        "the engine answers with the password"
    );
    assert_eq!(t.inbound_secret.as_deref(), Some(carrier_key));
    // The phone still registers: the registrar checks the stored HA1.
    assert_eq!(registers(&w.srv, &Account::from(&line)).await, Some(200));
    w.srv.stop().await;
    let bytes = database_bytes(&url);
    assert!(
        contains(&bytes, &line.user),
        "the check reads the right file"
    );
    assert!(!contains(&bytes, &line.password), "SIP password in clear");
    assert!(!contains(&bytes, &secret), "two-factor secret in clear");
    assert!(!contains(&bytes, carrier_pw), "trunk password in clear");
    assert!(!contains(&bytes, carrier_key), "trunk key in clear");
    let key = std::fs::read_to_string(dir.join("secret.key")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("secret.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the key file is the owner's alone");
    }
    assert!(
        !contains(&bytes, key.trim()),
        "the key is not in the database"
    );
}

#[tokio::test]
async fn passwords_stored_in_clear_by_an_earlier_version_are_sealed_at_start_and_phones_keep_working()
 {
    let url = sb_store::testdb::fresh_sqlite_url("e2e").unwrap();
    let dir = std::env::temp_dir().join(format!("sbkey-{}", sb_domain::ids::new_id_text(0)));
    let w = world_on(serve(&url, &dir).await).await;
    let line = sip_line(&w.srv, &w.t1.admin_token, &w.t1.line_id).await;
    w.srv.stop().await;
    // What an earlier version left: the password itself in the column, no HA1.
    let old = "Earlier-Plain-Secret-77";
    let store = sb_store::Store::connect(&url).await.unwrap();
    let mut tx = store.begin().await.unwrap();
    let mut l = sb_store::lines::locate_line(&mut tx, &LineId::from_raw(w.t1.line_id.clone()))
        .await
        .unwrap()
        .unwrap();
    l.sip_password_sealed = old.to_owned();
    l.sip_ha1_md5.clear();
    l.sip_ha1_sha256.clear();
    sb_store::lines::update_line(&mut tx, &l).await.unwrap();
    let trunk_id = sb_domain::ids::TrunkId::from_raw(w.t1.trunk_id.clone());
    let mut t = sb_store::trunks::get(&mut tx, &trunk_id)
        .await
        .unwrap()
        .unwrap();
    let old_trunk = "Earlier-Trunk-Secret-88";
    t.password = Some(old_trunk.to_owned());
    sb_store::trunks::update(&mut tx, &t).await.unwrap();
    tx.commit().await.unwrap();
    store.close().await;

    let srv = serve(&url, &dir).await;
    let upgraded = Account {
        password: old.to_owned(),
        ..Account::from(&line)
    };
    assert_eq!(registers(&srv, &upgraded).await, Some(200));
    let token = srv.login("adaone", PW).await;
    let creds = srv.sip_credentials(&w.t1.line_id, &token).await;
    assert_eq!(creds.body["sip_password"], old, "{}", creds.text);
    let engine = srv
        .running
        .as_ref()
        .unwrap()
        .app
        .trunks_for_engine()
        .await
        .unwrap();
    let t = engine.iter().find(|t| t.id == trunk_id).unwrap();
    assert_eq!(t.password.as_deref(), Some(old_trunk));
    srv.stop().await;
    let bytes = database_bytes(&url);
    assert!(!contains(&bytes, old), "sealed at start");
    assert!(!contains(&bytes, old_trunk), "sealed at start");
}

#[tokio::test]
async fn a_key_file_that_did_not_seal_the_stored_secrets_stops_the_start() {
    let url = sb_store::testdb::fresh_sqlite_url("e2e").unwrap();
    let dir = std::env::temp_dir().join(format!("sbkey-{}", sb_domain::ids::new_id_text(0)));
    let w = world_on(serve(&url, &dir).await).await;
    let line = sip_line(&w.srv, &w.t1.admin_token, &w.t1.line_id).await;
    w.srv.stop().await;
    let key_file = dir.join("secret.key");
    let kept = std::fs::read(&key_file).unwrap();
    std::fs::remove_file(&key_file).unwrap();
    // A lost key file: a new key is made, but it cannot open what the old one sealed.
    let dir2 = dir.clone();
    let flags = Flags {
        data_dir: Some(dir2),
        database_url: Some(url.clone()),
        http_listen: Some("127.0.0.1:0".into()),
        sip_listen: Some("127.0.0.1:0".into()),
        ..Default::default()
    };
    let cfg = switchboard::config::Config::load(&flags).unwrap();
    let app_cfg = switchboard::app_config(&cfg, None).unwrap();
    let err = switchboard::start(cfg, app_cfg, "admin", Some(ADMIN_PW))
        .await
        .err()
        .expect("a foreign key stops the start");
    let text = err.to_string();
    assert!(text.contains("--secret-key-file"), "{text}");
    // The right file back: the server starts and the line's phone registers as before.
    std::fs::write(&key_file, kept).unwrap();
    let srv = serve(&url, &dir).await;
    assert_eq!(registers(&srv, &Account::from(&line)).await, Some(200));
    srv.stop().await;
}
