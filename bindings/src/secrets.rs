//! The host's secret store: the Android Keystore or the iOS Keychain keeps the device secret.

use std::sync::Arc;

use mcert_core::device::secret::{SecretStore, SecretStoreError};
use zeroize::Zeroizing;

/// Why the host's secret store failed.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum HostError {
    /// No secure storage on this device (or it is locked).
    #[error("{reason}")]
    Unavailable { reason: String },
    #[error("{reason}")]
    Failed { reason: String },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for HostError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        HostError::Failed { reason: e.reason }
    }
}

/// Where the device secret lives, implemented by the app: the Android Keystore (StrongBox
/// when present) or the iOS Keychain (`ThisDeviceOnly`).
#[uniffi::export(with_foreign)]
pub trait DeviceSecretStore: Send + Sync {
    /// The secret under `name`, or none.
    fn load(&self, name: String) -> Result<Option<Vec<u8>>, HostError>;
    /// Stores (or replaces) the secret under `name`.
    fn store(&self, name: String, secret: Vec<u8>) -> Result<(), HostError>;
    /// Removes it; removing an absent one is not an error.
    fn delete(&self, name: String) -> Result<(), HostError>;
}

pub(crate) struct HostSecrets(pub(crate) Arc<dyn DeviceSecretStore>);

impl std::fmt::Debug for HostSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HostSecrets")
    }
}

fn host_error(e: HostError) -> SecretStoreError {
    match e {
        HostError::Unavailable { reason } => SecretStoreError::Unavailable(reason),
        HostError::Failed { reason } => SecretStoreError::Failed(reason),
    }
}

impl SecretStore for HostSecrets {
    fn load(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, SecretStoreError> {
        Ok(self
            .0
            .load(name.to_string())
            .map_err(host_error)?
            .map(Zeroizing::new))
    }

    fn store(&self, name: &str, secret: &[u8]) -> Result<(), SecretStoreError> {
        self.0
            .store(name.to_string(), secret.to_vec())
            .map_err(host_error)
    }

    fn delete(&self, name: &str) -> Result<(), SecretStoreError> {
        self.0.delete(name.to_string()).map_err(host_error)
    }
}
