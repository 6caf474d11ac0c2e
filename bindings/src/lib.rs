//! mcert-ffi: the device core as the Android and iOS apps see it, through uniffi.
//!
//! Thin exported objects over `mcert_core::device::flows` ([`McertApp`] holds the core's
//! `Device`, its organisation calls in `orgs.rs`, its orders, payments by transfer, billing
//! information and invoices in `commerce.rs`; [`PendingScan`] a scan waiting for the user),
//! records and enums for what the screens show (`org_records.rs` for organisations,
//! `commerce_records.rs` for paying and invoicing),
//! one public error ([`McertError`]: a stable code, a message fit to show, the PIN
//! tries left or the lock), and one host-implemented trait ([`DeviceSecretStore`]: the Android
//! Keystore or the iOS Keychain keeps the device secret). No business rules live here.

use std::sync::atomic::{AtomicBool, Ordering};

use mcert_core::i18n::{Locale, UserMessage};
use zeroize::Zeroizing;

mod app;
mod commerce;
mod commerce_records;
mod error;
mod life;
mod org_records;
mod orgs;
mod records;
mod scan;
mod seals;
mod secrets;
mod signatures;

pub use app::*;
pub use commerce_records::*;
pub use error::*;
pub use life::*;
pub use org_records::*;
pub use records::*;
pub use scan::*;
pub use seals::*;
pub use secrets::*;
pub use signatures::*;

uniffi::setup_scaffolding!();

// ----- Language -----

static ENGLISH: AtomicBool = AtomicBool::new(false);

fn locale() -> Locale {
    if ENGLISH.load(Ordering::Relaxed) {
        Locale::En
    } else {
        Locale::ZhCn
    }
}

/// Chooses the language of error messages: a BCP 47 tag (`zh-CN` by default; `en…` for
/// English). Messages from the service stay in zh-CN.
#[uniffi::export]
pub fn set_language(tag: String) {
    ENGLISH.store(Locale::parse(&tag) == Locale::En, Ordering::Relaxed);
}

/// Checks a new PIN against the policy before the user confirms it (6 digits, not all equal,
/// not a straight run).
#[uniffi::export]
pub fn check_new_pin(pin: String) -> Result<(), McertError> {
    let pin = Zeroizing::new(pin);
    mcert_core::device::pin::Pin::new_checked(&pin)
        .map(|_| ())
        .map_err(|e| McertError::Invalid {
            code: e.code().to_string(),
            user_message: e.user_message(locale()),
        })
}
