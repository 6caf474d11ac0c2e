//! User-facing text, zh-CN first with an English fallback, from Fluent files looked up by
//! message id (`core/i18n/*.ftl`).

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// The languages mcert speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    ZhCn,
    En,
}

impl Locale {
    /// From a BCP 47 tag or POSIX locale (`en_US.UTF-8`, `zh-CN`); anything not English is zh-CN.
    pub fn parse(tag: &str) -> Locale {
        if tag.to_ascii_lowercase().starts_with("en") {
            Locale::En
        } else {
            Locale::ZhCn
        }
    }

    /// From `MCERT_LANG`, `LC_ALL`, `LC_MESSAGES` or `LANG`; zh-CN when none is set.
    pub fn from_env() -> Locale {
        ["MCERT_LANG", "LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty() && v != "C"))
            .map(|v| Locale::parse(&v))
            .unwrap_or_default()
    }
}

fn bundle(tag: &str, source: &'static str) -> FluentBundle<FluentResource> {
    let lang: unic_langid::LanguageIdentifier = tag.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![lang]);
    // Unicode isolation marks would end up in terminals and logs; plain text is wanted.
    bundle.set_use_isolating(false);
    let resource = match FluentResource::try_new(source.to_string()) {
        Ok(r) => r,
        // A syntax error keeps the good entries; the unit test below keeps the files clean.
        Err((r, _)) => r,
    };
    let _ = bundle.add_resource(resource);
    bundle
}

/// A set of messages in both languages (the core's, or a crate's own, such as the service's).
pub struct Catalog {
    zh: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Catalog")
    }
}

impl Catalog {
    /// From the text of a zh-CN and an English Fluent file.
    pub fn new(zh_cn: &'static str, en: &'static str) -> Catalog {
        Catalog {
            zh: bundle("zh-CN", zh_cn),
            en: bundle("en", en),
        }
    }

    /// The message `id` in `locale`, falling back to English, then to the id itself.
    pub fn message(&self, locale: Locale, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let mut fargs = FluentArgs::new();
        for (k, v) in args {
            fargs.set(*k, v.clone());
        }
        let primary = match locale {
            Locale::ZhCn => &self.zh,
            Locale::En => &self.en,
        };
        format(primary, id, &fargs)
            .or_else(|| format(&self.en, id, &fargs))
            .unwrap_or_else(|| id.to_string())
    }
}

static CORE: LazyLock<Catalog> = LazyLock::new(|| {
    Catalog::new(
        include_str!("../i18n/zh-CN.ftl"),
        include_str!("../i18n/en.ftl"),
    )
});

fn format(
    bundle: &FluentBundle<FluentResource>,
    id: &str,
    args: &FluentArgs<'_>,
) -> Option<String> {
    let pattern = bundle.get_message(id)?.value()?;
    let mut errors = Vec::new();
    Some(
        bundle
            .format_pattern(pattern, Some(args), &mut errors)
            .into_owned(),
    )
}

/// A message of the core's catalog.
pub fn message(locale: Locale, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    CORE.message(locale, id, args)
}

/// The message ids of a Fluent file (for tests that keep two languages in step).
pub fn message_ids(source: &str) -> Vec<String> {
    let resource = match FluentResource::try_new(source.to_string()) {
        Ok(r) => r,
        Err((r, _)) => r,
    };
    let mut ids: Vec<String> = resource
        .entries()
        .filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
            _ => None,
        })
        .collect();
    ids.sort();
    ids
}

/// Errors that can be shown to a user: a stable code and a message per locale.
pub trait UserMessage {
    /// Stable, language-independent code (for programs and the FFI).
    fn code(&self) -> &'static str;
    /// The message to show.
    fn user_message(&self, locale: Locale) -> String;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_files_parse_and_have_the_same_ids() {
        let zh = include_str!("../i18n/zh-CN.ftl");
        let en = include_str!("../i18n/en.ftl");
        assert!(FluentResource::try_new(zh.to_string()).is_ok());
        assert!(FluentResource::try_new(en.to_string()).is_ok());
        assert_eq!(message_ids(zh), message_ids(en));
    }

    #[test]
    fn formats_with_arguments_and_falls_back() {
        let zh = message(Locale::ZhCn, "pin-wrong", &[("tries", 3.into())]);
        assert_eq!(zh, "证书密码错误，还可尝试 3 次");
        let en = message(Locale::En, "pin-wrong", &[("tries", 3.into())]);
        assert_eq!(en, "Wrong certificate PIN, 3 tries left");
        assert_eq!(message(Locale::ZhCn, "no-such-id", &[]), "no-such-id");
        assert_eq!(Locale::parse("en_US.UTF-8"), Locale::En);
        assert_eq!(Locale::parse("zh_CN.UTF-8"), Locale::ZhCn);
    }
}

impl UserMessage for crate::crypto::Error {
    fn code(&self) -> &'static str {
        use crate::crypto::Error as E;
        match self {
            E::UnsupportedAlgorithm(_) | E::AlgorithmMismatch => "unsupported_algorithm",
            E::InvalidKey | E::InvalidPublicKey => "invalid_key",
            E::MalformedSignature | E::BadSignature => "bad_signature",
            E::MalformedCiphertext | E::Decrypt => "decrypt_failed",
            E::Rng => "rng_failed",
            E::InvalidInput(_) => "invalid_input",
            E::Der(_) | E::Certificate(_) => "bad_certificate",
            E::Csr(_) => "bad_csr",
            E::Cms(_) => "bad_cms",
            E::Path(_) => "certificate_path",
        }
    }

    fn user_message(&self, locale: Locale) -> String {
        message(
            locale,
            "crypto-failed",
            &[("detail", self.to_string().into())],
        )
    }
}

impl UserMessage for crate::scan::ScanError {
    fn code(&self) -> &'static str {
        crate::scan::ScanError::code(self)
    }

    fn user_message(&self, locale: Locale) -> String {
        use crate::scan::ScanError as E;
        match self {
            E::NotMcertCode => message(locale, "scan-not-mcert", &[]),
            E::MalformedQr(_) => message(locale, "scan-malformed-qr", &[]),
            E::NotGood(what) => {
                message(locale, "scan-cert-not-good", &[("detail", (*what).into())])
            }
            E::Chain(e) => message(locale, "scan-chain", &[("detail", e.to_string().into())]),
            E::StatementMismatch(field) => {
                message(locale, "scan-mismatch", &[("field", (*field).into())])
            }
            E::WrongSession => message(locale, "scan-wrong-session", &[]),
            E::BadBid(_) => message(locale, "scan-bad-bid", &[]),
            other => message(
                locale,
                "scan-invalid",
                &[("detail", other.to_string().into())],
            ),
        }
    }
}

#[cfg(feature = "device")]
mod device_messages {
    use super::{Locale, UserMessage, message};
    use crate::device::keystore::KeyStoreError;
    use crate::device::pin::{MAX_PIN_FAILURES, PinPolicyError};
    use crate::device::qr::QrError;
    use crate::device::secret::SecretStoreError;

    impl UserMessage for PinPolicyError {
        fn code(&self) -> &'static str {
            match self {
                PinPolicyError::Format => "pin_format",
                PinPolicyError::TooWeak => "pin_too_weak",
            }
        }
        fn user_message(&self, locale: Locale) -> String {
            match self {
                PinPolicyError::Format => message(locale, "pin-format", &[]),
                PinPolicyError::TooWeak => message(locale, "pin-weak", &[]),
            }
        }
    }

    impl UserMessage for SecretStoreError {
        fn code(&self) -> &'static str {
            match self {
                SecretStoreError::Unavailable(_) => "secret_store_unavailable",
                SecretStoreError::Failed(_) => "secret_store_failed",
            }
        }
        fn user_message(&self, locale: Locale) -> String {
            match self {
                SecretStoreError::Unavailable(d) => message(
                    locale,
                    "secret-store-unavailable",
                    &[("detail", d.as_str().into())],
                ),
                SecretStoreError::Failed(d) => message(
                    locale,
                    "secret-store-failed",
                    &[("detail", d.as_str().into())],
                ),
            }
        }
    }

    impl UserMessage for KeyStoreError {
        fn code(&self) -> &'static str {
            match self {
                KeyStoreError::PinPolicy(e) => e.code(),
                KeyStoreError::WrongPin { .. } => "pin_wrong",
                KeyStoreError::Locked => "key_locked",
                KeyStoreError::Tampered(_) => "key_tampered",
                KeyStoreError::UnknownVersion(_) => "key_unknown_version",
                KeyStoreError::NotFound(_) => "key_not_found",
                KeyStoreError::CertificateMismatch => "certificate_mismatch",
                KeyStoreError::DeviceSecretMissing => "device_secret_missing",
                KeyStoreError::DeviceSecretInvalid => "device_secret_invalid",
                KeyStoreError::SecretStore(e) => e.code(),
                KeyStoreError::SchemaTooNew(_) => "keystore_too_new",
                KeyStoreError::Database(_) => "keystore_io",
                KeyStoreError::Crypto(e) => e.code(),
                KeyStoreError::UnsupportedProtection(_) => "protection_unsupported",
            }
        }

        fn user_message(&self, locale: Locale) -> String {
            match self {
                KeyStoreError::PinPolicy(e) => e.user_message(locale),
                KeyStoreError::WrongPin { tries_left: 0 } => message(locale, "pin-wrong-last", &[]),
                KeyStoreError::WrongPin { tries_left } => message(
                    locale,
                    "pin-wrong",
                    &[("tries", (*tries_left).min(MAX_PIN_FAILURES).into())],
                ),
                KeyStoreError::Locked => message(locale, "key-locked", &[]),
                KeyStoreError::Tampered(what) => {
                    message(locale, "key-tampered", &[("what", (*what).into())])
                }
                KeyStoreError::UnknownVersion(v) => message(
                    locale,
                    "key-unknown-version",
                    &[("version", u32::from(*v).into())],
                ),
                KeyStoreError::NotFound(id) => {
                    message(locale, "key-not-found", &[("id", id.as_str().into())])
                }
                KeyStoreError::CertificateMismatch => message(locale, "cert-mismatch", &[]),
                KeyStoreError::DeviceSecretMissing => message(locale, "device-secret-missing", &[]),
                KeyStoreError::DeviceSecretInvalid => message(locale, "device-secret-invalid", &[]),
                KeyStoreError::SecretStore(e) => e.user_message(locale),
                KeyStoreError::SchemaTooNew(_) => message(locale, "schema-too-new", &[]),
                KeyStoreError::Database(e) => {
                    message(locale, "keystore-io", &[("detail", e.to_string().into())])
                }
                KeyStoreError::Crypto(e) => e.user_message(locale),
                KeyStoreError::UnsupportedProtection(m) => message(
                    locale,
                    "protection-unsupported",
                    &[("mode", m.as_str().into())],
                ),
            }
        }
    }

    impl UserMessage for crate::device::flows::DeviceError {
        fn code(&self) -> &'static str {
            use crate::device::client::ClientError as C;
            use crate::device::flows::DeviceError as E;
            match self {
                E::Client(C::Api { .. }) => "service_refused",
                E::Client(C::Network(_)) => "network",
                E::Client(C::Decode(_)) => "bad_answer",
                E::Client(C::NotLoggedIn) => "not_logged_in",
                E::KeyStore(k) => k.code(),
                E::Crypto(c) => c.code(),
                E::Io(_) => "io",
                E::PaymentTimeout(_) => "payment_timeout",
                E::Scan(s) => s.code(),
                E::Qr(q) => q.code(),
                E::NoQrCode => "no_qr_code",
                E::NoEligibleCertificate => "no_eligible_certificate",
                E::NoBidKey(_) => "no_bid_key",
                E::SealNotOffered => "seal_not_offered",
                E::StampTimeout(_) => "stamp_timeout",
                E::SealUseRefused => "seal_use_refused",
                E::NoSlotKey(_) => "no_slot_key",
                E::MigrationEnded(_) => "migration_ended",
                E::MigrationTimeout(_) => "migration_timeout",
                E::MigrationQr(_) => "not_a_migration_code",
            }
        }

        fn user_message(&self, locale: Locale) -> String {
            use crate::device::client::ClientError as C;
            use crate::device::flows::DeviceError as E;
            match self {
                // The service already speaks the user's language (zh-CN).
                E::Client(C::Api { message: m, .. }) if !m.is_empty() => m.clone(),
                E::Client(C::Network(d)) => {
                    message(locale, "net-unreachable", &[("detail", d.clone().into())])
                }
                E::Client(C::NotLoggedIn) => message(locale, "net-not-logged-in", &[]),
                E::Client(other) => message(
                    locale,
                    "net-bad-answer",
                    &[("detail", other.to_string().into())],
                ),
                E::KeyStore(k) => k.user_message(locale),
                E::Crypto(c) => c.user_message(locale),
                E::Io(d) => message(locale, "keystore-io", &[("detail", d.clone().into())]),
                E::PaymentTimeout(s) => message(locale, "pay-timeout", &[("seconds", (*s).into())]),
                E::Scan(s) => s.user_message(locale),
                E::Qr(q) => q.user_message(locale),
                E::NoQrCode => message(locale, "qr-none", &[]),
                E::NoEligibleCertificate => message(locale, "scan-no-eligible", &[]),
                E::NoBidKey(serial) => message(
                    locale,
                    "scan-no-bid-key",
                    &[("serial", serial.clone().into())],
                ),
                E::SealNotOffered => message(locale, "scan-seal-not-offered", &[]),
                E::StampTimeout(s) => {
                    message(locale, "scan-stamp-timeout", &[("seconds", (*s).into())])
                }
                E::SealUseRefused => message(locale, "scan-seal-use-refused", &[]),
                E::NoSlotKey(_) => message(locale, "life-no-slot-key", &[]),
                E::MigrationEnded(status) => message(
                    locale,
                    "life-migration-ended",
                    &[("status", status.clone().into())],
                ),
                E::MigrationTimeout(s) => message(
                    locale,
                    "life-migration-timeout",
                    &[("seconds", (*s).into())],
                ),
                E::MigrationQr(_) => message(locale, "life-not-a-migration-code", &[]),
            }
        }
    }

    impl UserMessage for QrError {
        fn code(&self) -> &'static str {
            match self {
                QrError::InvalidFrame(_) => "qr_invalid_frame",
                QrError::Image(_) => "qr_image",
                QrError::Encode(_) => "qr_encode",
            }
        }
        fn user_message(&self, locale: Locale) -> String {
            match self {
                QrError::InvalidFrame(d) => {
                    message(locale, "qr-invalid-frame", &[("detail", (*d).into())])
                }
                QrError::Image(d) => message(locale, "qr-image", &[("detail", d.as_str().into())]),
                QrError::Encode(d) => {
                    message(locale, "qr-encode", &[("detail", d.as_str().into())])
                }
            }
        }
    }
}
