//! The one public error of the bindings.

use mcert_core::device::client::ClientError;
use mcert_core::device::flows::DeviceError;
use mcert_core::device::keystore::KeyStoreError;
use mcert_core::i18n::UserMessage;

use crate::*;

/// What went wrong, for the UI: `code` is stable (for programs), `user_message` is ready to
/// show (zh-CN unless [`set_language`] chose English).
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum McertError {
    /// Wrong certificate PIN; `tries_left` more before the key locks.
    #[error("{user_message}")]
    WrongPin {
        code: String,
        user_message: String,
        tries_left: u32,
    },
    /// The key is locked after too many wrong PINs.
    #[error("{user_message}")]
    Locked { code: String, user_message: String },
    /// The input was refused before anything happened (PIN policy, QR code, form fields).
    #[error("{user_message}")]
    Invalid { code: String, user_message: String },
    /// The service refused (its code and message, and the HTTP status).
    #[error("{user_message}")]
    Service {
        code: String,
        user_message: String,
        http_status: u16,
    },
    /// The service could not be reached.
    #[error("{user_message}")]
    Network { code: String, user_message: String },
    /// Anything else (storage, damaged data…).
    #[error("{user_message}")]
    Failed { code: String, user_message: String },
}

impl From<DeviceError> for McertError {
    fn from(e: DeviceError) -> Self {
        let code = e.code().to_string();
        let user_message = e.user_message(locale());
        match e {
            DeviceError::KeyStore(KeyStoreError::WrongPin { tries_left: 0 })
            | DeviceError::KeyStore(KeyStoreError::Locked) => {
                McertError::Locked { code, user_message }
            }
            DeviceError::KeyStore(KeyStoreError::WrongPin { tries_left }) => McertError::WrongPin {
                code,
                user_message,
                tries_left,
            },
            DeviceError::KeyStore(KeyStoreError::PinPolicy(_))
            | DeviceError::Scan(_)
            | DeviceError::Qr(_)
            | DeviceError::NoQrCode
            | DeviceError::NoEligibleCertificate => McertError::Invalid { code, user_message },
            DeviceError::Client(ClientError::Api {
                status,
                code,
                message,
            }) => McertError::Service {
                code,
                user_message: message,
                http_status: status,
            },
            DeviceError::Client(ClientError::Network(_)) => {
                McertError::Network { code, user_message }
            }
            _ => McertError::Failed { code, user_message },
        }
    }
}

impl From<KeyStoreError> for McertError {
    fn from(e: KeyStoreError) -> Self {
        DeviceError::KeyStore(e).into()
    }
}

impl From<ClientError> for McertError {
    fn from(e: ClientError) -> Self {
        DeviceError::Client(e).into()
    }
}
