//! The device secret: 32 random bytes kept in the platform's secret store (Android Keystore,
//! iOS Keychain, the desktop Secret Service), never in the key database. A copied database
//! without it cannot even be attacked by PIN guessing.
//!
//! Hosts can supply their own store (the mobile shells do, through the FFI) by implementing
//! [`SecretStore`]; [`KeyringSecretStore`] adapts any `keyring-core` credential store.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use zeroize::Zeroizing;

/// The name under which mcert keeps its device secret.
pub const DEVICE_SECRET_NAME: &str = "device-secret";
const SERVICE: &str = "mcert";

/// Errors of a secret store.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretStoreError {
    /// No platform secret store is reachable (for example a headless Linux box without a
    /// Secret Service).
    #[error("no platform secret store is available: {0}")]
    Unavailable(String),
    /// The store refused or failed the operation.
    #[error("the platform secret store failed: {0}")]
    Failed(String),
}

/// Where the device secret lives. Implemented by hosts (Keystore, Keychain) or by
/// [`KeyringSecretStore`] / [`FileSecretStore`].
pub trait SecretStore: Send + Sync + fmt::Debug {
    /// Reads a secret; `Ok(None)` when there is none under that name.
    fn load(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, SecretStoreError>;
    /// Writes (or replaces) a secret.
    fn store(&self, name: &str, secret: &[u8]) -> Result<(), SecretStoreError>;
    /// Removes a secret; removing an absent one is not an error.
    fn delete(&self, name: &str) -> Result<(), SecretStoreError>;
}

/// A `keyring-core` credential store used as a [`SecretStore`].
pub struct KeyringSecretStore {
    store: Arc<keyring_core::CredentialStore>,
    service: String,
}

impl fmt::Debug for KeyringSecretStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyringSecretStore")
            .field("vendor", &self.store.vendor())
            .field("service", &self.service)
            .finish()
    }
}

impl KeyringSecretStore {
    pub fn new(store: Arc<keyring_core::CredentialStore>) -> Self {
        KeyringSecretStore {
            store,
            service: SERVICE.to_string(),
        }
    }

    /// The same store under another service name (separate apps or profiles on one desktop).
    pub fn with_service(mut self, service: &str) -> Self {
        self.service = service.to_string();
        self
    }

    /// The in-memory store of `keyring-core`, for tests.
    pub fn mock() -> Result<Self, SecretStoreError> {
        let store = keyring_core::mock::Store::new().map_err(map_keyring)?;
        Ok(Self::new(store))
    }

    /// The secret store of the platform this binary runs on.
    pub fn platform() -> Result<Self, SecretStoreError> {
        platform_store().map(Self::new)
    }

    fn entry(&self, name: &str) -> Result<keyring_core::Entry, SecretStoreError> {
        self.store
            .build(&self.service, name, None)
            .map_err(map_keyring)
    }
}

fn map_keyring(e: keyring_core::Error) -> SecretStoreError {
    match e {
        keyring_core::Error::NoStorageAccess(inner) => {
            SecretStoreError::Unavailable(inner.to_string())
        }
        keyring_core::Error::NoDefaultStore => {
            SecretStoreError::Unavailable("no default credential store".into())
        }
        other => SecretStoreError::Failed(other.to_string()),
    }
}

impl SecretStore for KeyringSecretStore {
    fn load(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, SecretStoreError> {
        match self.entry(name)?.get_secret() {
            Ok(secret) => Ok(Some(Zeroizing::new(secret))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_keyring(e)),
        }
    }

    fn store(&self, name: &str, secret: &[u8]) -> Result<(), SecretStoreError> {
        self.entry(name)?.set_secret(secret).map_err(map_keyring)
    }

    fn delete(&self, name: &str) -> Result<(), SecretStoreError> {
        match self.entry(name)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_keyring(e)),
        }
    }
}

#[cfg(target_os = "android")]
fn platform_store() -> Result<Arc<keyring_core::CredentialStore>, SecretStoreError> {
    // Needs the app to have initialised ndk-context (see the Android shell's Application).
    let store = android_native_keyring_store::Store::new().map_err(map_keyring)?;
    Ok(store)
}

#[cfg(any(target_os = "ios", target_os = "macos"))]
fn platform_store() -> Result<Arc<keyring_core::CredentialStore>, SecretStoreError> {
    // The data-protection keychain; items stay on this device (ThisDeviceOnly).
    let store = apple_native_keyring_store::protected::Store::new().map_err(map_keyring)?;
    Ok(store)
}

#[cfg(all(target_os = "linux", feature = "desktop-keyring"))]
fn platform_store() -> Result<Arc<keyring_core::CredentialStore>, SecretStoreError> {
    let store = dbus_secret_service_keyring_store::Store::new().map_err(|e| {
        SecretStoreError::Unavailable(format!("Secret Service (D-Bus) not reachable: {e}"))
    })?;
    Ok(store)
}

#[cfg(not(any(
    target_os = "android",
    target_os = "ios",
    target_os = "macos",
    all(target_os = "linux", feature = "desktop-keyring")
)))]
fn platform_store() -> Result<Arc<keyring_core::CredentialStore>, SecretStoreError> {
    Err(SecretStoreError::Unavailable(
        "this build has no platform secret store".into(),
    ))
}

/// A device secret kept in a file beside the key database: only for boxes without any secret
/// store, when the user opts in. Whoever copies the folder gets the database and the secret,
/// so a 6-digit PIN is then all that protects the keys.
#[derive(Debug)]
pub struct FileSecretStore {
    dir: PathBuf,
}

/// The warning a program must show when it falls back to [`FileSecretStore`].
pub fn file_secret_warning(locale: crate::i18n::Locale) -> String {
    crate::i18n::message(locale, "file-secret-warning", &[])
}

impl FileSecretStore {
    pub fn new(dir: &Path) -> Self {
        FileSecretStore {
            dir: dir.to_path_buf(),
        }
    }

    fn path(&self, name: &str) -> Result<PathBuf, SecretStoreError> {
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(SecretStoreError::Failed(format!(
                "invalid secret name {name:?}"
            )));
        }
        Ok(self.dir.join(format!("{name}.secret")))
    }
}

impl SecretStore for FileSecretStore {
    fn load(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, SecretStoreError> {
        match std::fs::read(self.path(name)?) {
            Ok(bytes) => Ok(Some(Zeroizing::new(bytes))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(SecretStoreError::Failed(e.to_string())),
        }
    }

    fn store(&self, name: &str, secret: &[u8]) -> Result<(), SecretStoreError> {
        let path = self.path(name)?;
        std::fs::create_dir_all(&self.dir).map_err(|e| SecretStoreError::Failed(e.to_string()))?;
        let tmp = path.with_extension("tmp");
        write_private(&tmp, secret).map_err(|e| SecretStoreError::Failed(e.to_string()))?;
        std::fs::rename(&tmp, &path).map_err(|e| SecretStoreError::Failed(e.to_string()))
    }

    fn delete(&self, name: &str) -> Result<(), SecretStoreError> {
        match std::fs::remove_file(self.path(name)?) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(SecretStoreError::Failed(e.to_string())),
        }
    }
}

/// Writes a file readable by its owner only, synced to disk.
fn write_private(path: &Path, data: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path)?;
    f.write_all(data)?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(store: &dyn SecretStore) {
        assert_eq!(store.load("device-secret").expect("load"), None);
        store.store("device-secret", &[7u8; 32]).expect("store");
        assert_eq!(
            store
                .load("device-secret")
                .expect("load")
                .as_deref()
                .map(|v| v.as_slice()),
            Some([7u8; 32].as_slice())
        );
        store.delete("device-secret").expect("delete");
        store.delete("device-secret").expect("delete twice");
        assert_eq!(store.load("device-secret").expect("load"), None);
    }

    #[test]
    fn mock_keyring_round_trip() {
        round_trip(&KeyringSecretStore::mock().expect("mock"));
    }

    #[test]
    fn file_store_round_trip() {
        let dir = std::env::temp_dir().join(format!(
            "mcert-secret-{}",
            crate::id::ulid(std::time::SystemTime::now()).expect("id")
        ));
        let store = FileSecretStore::new(&dir);
        round_trip(&store);
        assert!(store.store("../escape", b"x").is_err());
        let _ = std::fs::remove_dir_all(dir);
    }
}
