//! Audio as files (decision 16): voicemails, greetings, recordings and queue music are WAV
//! files in an [`AudioStore`], and their rows hold only a reference (the key, the size and
//! the SHA-256), so an hour-long recording is no longer 77 MB of base64 in one row.
//!
//! The order of writes is what keeps a row from ever naming a missing file: the file is
//! written (durably) before the row that names it is inserted, and removed only after the
//! deletion of its row has committed. A crash between the two leaves at worst a file no row
//! names, which the sweep at start removes.

use crate::{App, AppError, AppResult};
use parking_lot::Mutex;
use sb_store::audio::{AudioRef, Table};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where audio files are kept: a directory now, an object store shared by several nodes later.
/// Keys are `kind/name` (lowercase letters, digits and dots; see [`valid_key`]).
pub trait AudioStore: Send + Sync + fmt::Debug {
    /// Writes `bytes` under `key` atomically and durably: once this returns, a crash leaves
    /// the whole file under `key`; before, nothing under `key`.
    fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()>;
    fn get(&self, key: &str) -> io::Result<Vec<u8>>;
    /// Removes the file; one that is already gone is no error.
    fn delete(&self, key: &str) -> io::Result<()>;
    /// Every key stored, including what interrupted writes left.
    fn keys(&self) -> io::Result<Vec<String>>;
}

/// True for a key this module makes: one `/`, a kind of lowercase letters, and a name of
/// lowercase letters, digits and dots that is not `.` or `..`. Nothing else reaches a path,
/// so no key can climb out of the audio directory.
pub fn valid_key(key: &str) -> bool {
    let Some((kind, name)) = key.split_once('/') else {
        return false;
    };
    !kind.is_empty()
        && kind.bytes().all(|b| b.is_ascii_lowercase())
        && !name.is_empty()
        && name != "."
        && name != ".."
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.')
}

fn bad_key(key: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("bad audio key {key:?}"),
    )
}

/// Audio files under a directory (`<data-dir>/audio/<kind>/<name>`), one file per key.
#[derive(Debug, Clone)]
pub struct FsAudio {
    root: PathBuf,
}

impl FsAudio {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path(&self, key: &str) -> io::Result<PathBuf> {
        if !valid_key(key) {
            return Err(bad_key(key));
        }
        Ok(self.root.join(key))
    }
}

impl AudioStore for FsAudio {
    fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.path(key)?;
        let dir = path.parent().ok_or_else(|| bad_key(key))?;
        std::fs::create_dir_all(dir)?;
        // Written beside its final place and renamed over it: rename within one directory
        // is atomic (POSIX rename(2)), so a reader or a crash never sees half a file. The
        // data is synced before the rename and the directory after it, so the name that
        // survives a power loss names complete data.
        let name = key.rsplit('/').next().unwrap_or(key);
        let tmp = dir.join(format!(".{name}.tmp"));
        let written = (|| {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            std::fs::rename(&tmp, &path)?;
            std::fs::File::open(dir)?.sync_all()
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written
    }

    fn get(&self, key: &str) -> io::Result<Vec<u8>> {
        std::fs::read(self.path(key)?)
    }

    fn delete(&self, key: &str) -> io::Result<()> {
        match std::fs::remove_file(self.path(key)?) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }

    fn keys(&self) -> io::Result<Vec<String>> {
        let mut keys = Vec::new();
        let kinds = match std::fs::read_dir(&self.root) {
            Ok(d) => d,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(keys),
            Err(e) => return Err(e),
        };
        for kind in kinds {
            let kind = kind?;
            if !kind.file_type()?.is_dir() {
                continue;
            }
            let kind_name = kind.file_name().to_string_lossy().into_owned();
            for file in std::fs::read_dir(kind.path())? {
                let key = format!("{kind_name}/{}", file?.file_name().to_string_lossy());
                if valid_key(&key) {
                    keys.push(key);
                }
            }
        }
        Ok(keys)
    }
}

/// Audio kept in memory: for tests of the use cases that need no files. The server always
/// hands [`FsAudio`] over (`switchboard::app_config`).
#[derive(Debug, Default)]
pub struct MemoryAudio {
    files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl MemoryAudio {
    fn files(&self) -> parking_lot::MutexGuard<'_, BTreeMap<String, Vec<u8>>> {
        // A panic while holding the map leaves it whole (each call changes one entry).
        self.files.lock()
    }
}

impl AudioStore for MemoryAudio {
    fn put(&self, key: &str, bytes: &[u8]) -> io::Result<()> {
        if !valid_key(key) {
            return Err(bad_key(key));
        }
        self.files().insert(key.to_owned(), bytes.to_vec());
        Ok(())
    }
    fn get(&self, key: &str) -> io::Result<Vec<u8>> {
        self.files()
            .get(key)
            .cloned()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, key.to_owned()))
    }
    fn delete(&self, key: &str) -> io::Result<()> {
        self.files().remove(key);
        Ok(())
    }
    fn keys(&self) -> io::Result<Vec<String>> {
        Ok(self.files().keys().cloned().collect())
    }
}

/// The SHA-256 of `bytes` in lowercase hex, as rows keep it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The file's bytes if they are the ones the row describes; anything else (a file changed,
/// cut short or swapped) is refused rather than played as someone's audio.
pub fn verified(r: &AudioRef, bytes: Vec<u8>) -> Result<Vec<u8>, String> {
    let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    if size != r.size {
        return Err(format!(
            "audio file {} has {size} bytes, its row says {}",
            r.key, r.size
        ));
    }
    if sha256_hex(&bytes) != r.sha256 {
        return Err(format!(
            "audio file {} does not match its row's SHA-256",
            r.key
        ));
    }
    Ok(bytes)
}

/// What the start-up move found.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Moved {
    /// Rows whose base64 became a file.
    pub moved: usize,
    /// Rows whose base64 could not be read (left as they were, and logged).
    pub damaged: usize,
    /// Files no row names, removed.
    pub swept: usize,
}

fn io_error(what: &str, e: impl fmt::Display) -> AppError {
    AppError::Internal(format!("audio store: {what}: {e}"))
}

impl App {
    fn audio(&self) -> Arc<dyn AudioStore> {
        self.cfg.audio.clone()
    }

    /// Writes a WAV file of `kind` under a new key, before any row names it.
    pub(crate) async fn put_audio(&self, kind: &str, wav: Vec<u8>) -> AppResult<AudioRef> {
        self.put_file(kind, "wav", wav).await
    }

    /// Writes a file of `kind` (a fax's PDF beside the audio: the same store, the same order
    /// of writes) under a new key ending in `.ext`, before any row names it.
    pub(crate) async fn put_file(
        &self,
        kind: &str,
        ext: &str,
        wav: Vec<u8>,
    ) -> AppResult<AudioRef> {
        let key = format!(
            "{kind}/{}.{ext}",
            sb_domain::ids::new_id_text(self.now_ms())
        );
        let store = self.audio();
        let r = AudioRef {
            size: i64::try_from(wav.len()).unwrap_or(i64::MAX),
            sha256: sha256_hex(&wav),
            key,
        };
        let k = r.key.clone();
        // Minutes of audio and an fsync are not for the async workers.
        tokio::task::spawn_blocking(move || store.put(&k, &wav))
            .await
            .map_err(|e| io_error("write", e))?
            .map_err(|e| io_error(&format!("write {}", r.key), e))?;
        Ok(r)
    }

    /// The WAV file a row names, checked against the row; `what` names it in the log.
    pub(crate) async fn read_audio(&self, r: &AudioRef, what: &str) -> AppResult<Vec<u8>> {
        let store = self.audio();
        let key = r.key.clone();
        let bytes = tokio::task::spawn_blocking(move || store.get(&key))
            .await
            .map_err(|e| io_error("read", e))?
            .map_err(|e| io_error(&format!("read the {what} {}", r.key), e))?;
        verified(r, bytes).map_err(|e| AppError::Internal(format!("a stored {what}: {e}")))
    }

    /// The samples of the WAV file a row names.
    pub(crate) async fn audio_samples(&self, r: &AudioRef, what: &str) -> AppResult<Vec<i16>> {
        let wav = self.read_audio(r, what).await?;
        sb_media::codec::read_wav(&wav)
            .map(|(s, _)| s)
            .map_err(|_| AppError::Internal(format!("a stored {what} is not a WAV file")))
    }

    /// Removes files whose rows are gone: call it only once their deletion has committed. A
    /// failure is logged, not returned (the row is gone already); the sweep at the next start
    /// removes what is left.
    pub(crate) async fn drop_audio(&self, keys: Vec<String>) {
        if keys.is_empty() {
            return;
        }
        let store = self.audio();
        let done = tokio::task::spawn_blocking(move || {
            for key in keys {
                if let Err(e) = store.delete(&key) {
                    tracing::warn!(key, error = %e, "could not remove an audio file; swept at next start");
                }
            }
        })
        .await;
        if let Err(e) = done {
            tracing::warn!(error = %e, "removing audio files stopped");
        }
    }

    /// At start, before anything is served: the base64 audio an earlier version kept in rows
    /// becomes files (each row once, whatever is interrupted: a row points at its file and
    /// loses its base64 in one statement), then files that no row names are removed.
    /// Run it on one node at a time: the sweep takes a file written for a row not yet
    /// committed for an orphan.
    pub async fn move_audio_to_files(&self) -> AppResult<Moved> {
        let mut out = Moved::default();
        let mut c = self.store.conn().await?;
        for table in Table::ALL {
            let mut after = String::new();
            loop {
                let rows = sb_store::audio::legacy_rows(&mut c, table, &after, 50).await?;
                if rows.is_empty() {
                    break;
                }
                for row in rows {
                    self.move_row(&mut c, table, &row, &mut out).await?;
                    after = row;
                }
            }
        }
        let named: HashSet<String> = sb_store::audio::all_keys(&mut c)
            .await?
            .into_iter()
            .collect();
        drop(c);
        let store = self.audio();
        let stored = tokio::task::spawn_blocking(move || store.keys())
            .await
            .map_err(|e| io_error("list", e))?
            .map_err(|e| io_error("list", e))?;
        let orphans: Vec<String> = stored.into_iter().filter(|k| !named.contains(k)).collect();
        out.swept = orphans.len();
        self.drop_audio(orphans).await;
        Ok(out)
    }

    async fn move_row(
        &self,
        c: &mut sb_store::Conn,
        table: Table,
        row: &str,
        out: &mut Moved,
    ) -> AppResult<()> {
        use base64::Engine as _;
        let Some(text) = sb_store::audio::legacy_text(c, table, row).await? else {
            return Ok(());
        };
        let Ok(wav) = base64::engine::general_purpose::STANDARD.decode(text.trim()) else {
            tracing::warn!(
                kind = table.kind(),
                row,
                "stored audio is not base64; left in its row"
            );
            out.damaged += 1;
            return Ok(());
        };
        drop(text);
        let file = self.put_audio(table.kind(), wav).await?;
        if sb_store::audio::moved(c, table, row, &file).await? {
            out.moved += 1;
        } else {
            // Deleted or moved by someone else meanwhile: this copy is nobody's.
            self.drop_audio(vec![file.key]).await;
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "audio_files_tests.rs"]
mod tests;
