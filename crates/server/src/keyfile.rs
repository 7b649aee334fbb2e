//! The operator's key file, which seals SIP passwords and two-factor secrets in the database
//! (see `sb_app::sealed`). A missing file is created with a new random key, readable by the
//! owner only; an existing one is read and never rewritten.

use crate::StartError;
use sb_app::sealed::SecretKey;
use std::io::Write as _;
use std::path::Path;

/// Reads the key at `path`, or creates the file with a new key when there is none.
/// `shared_database` says whether other nodes may use the same database (PostgreSQL): a new key
/// is then worth a warning, since every node must be given this same file.
pub fn load_or_create(path: &Path, shared_database: bool) -> Result<SecretKey, StartError> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            warn_if_readable_by_others(path);
            SecretKey::parse(&text)
                .map_err(|e| StartError::Config(format!("secret key file {}: {e}", path.display())))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => create(path, shared_database),
        Err(e) => Err(StartError::Config(format!(
            "cannot read secret key file {}: {e}",
            path.display()
        ))),
    }
}

fn create(path: &Path, shared_database: bool) -> Result<SecretKey, StartError> {
    let fail = |e: std::io::Error| {
        StartError::Config(format!(
            "cannot create secret key file {}: {e}",
            path.display()
        ))
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let key = SecretKey::generate();
    let mut options = std::fs::OpenOptions::new();
    // create_new: two nodes starting at once must not overwrite each other's new key.
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(fail)?;
    file.write_all(format!("{}\n", key.to_hex()).as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(fail)?;
    if shared_database {
        tracing::warn!(
            file = %path.display(),
            key = key.id(),
            "created a new secret key; every node using this database needs a copy of this file"
        );
    } else {
        tracing::info!(file = %path.display(), key = key.id(), "created a new secret key");
    }
    Ok(key)
}

#[cfg(unix)]
fn warn_if_readable_by_others(path: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    if let Ok(meta) = std::fs::metadata(path)
        && meta.permissions().mode() & 0o077 != 0
    {
        tracing::warn!(
            file = %path.display(),
            "the secret key file is readable by other users; chmod 600 it"
        );
    }
}

#[cfg(not(unix))]
fn warn_if_readable_by_others(_: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_key_file_is_created_once_and_read_back_unchanged() {
        let dir = std::env::temp_dir().join(format!("sb-key-{}", std::process::id()));
        let path = dir.join("nested/secret.key");
        let made = load_or_create(&path, false).unwrap();
        let again = load_or_create(&path, false).unwrap();
        assert_eq!(made.id(), again.id());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "only the owner may read the key");
        }
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_damaged_key_file_stops_the_start_with_its_name() {
        let dir = std::env::temp_dir().join(format!("sb-badkey-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("secret.key");
        std::fs::write(&path, "not a key").unwrap();
        let err = load_or_create(&path, false).unwrap_err().to_string();
        assert!(err.contains("secret.key"), "{err}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
