//! Wire types of a certificate's later life: 延期 (renewal) in the last three months of its
//! period, and moving it to a new phone by QR code, approved on the old phone with its PIN.

use serde::{Deserialize, Serialize};

use super::{Installed, Order};

/// `POST /v1/entitlements/{id}/renewal`: starts a renewal of an issued slot. A person's slot
/// (or an organisation's without an unused package slot of the same kind) gets an order to pay;
/// an organisation's slot takes an unused slot of the organisation's paid package instead, and
/// is due at once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RenewalRequest {
    /// 1, 2 or 3 (a package slot brings its own period).
    pub years: i64,
}

/// What starting a renewal did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenewalStarted {
    /// The order to pay (a person's renewal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<Order>,
    /// The organisation's unused slot this renewal used, when it came from a package.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package_entitlement_id: Option<String>,
    /// The slot's period ends at this time once the renewal is done (RFC 3339).
    pub valid_until: String,
    /// Whether the new certificate can be downloaded now (`POST …/renew`).
    pub due: bool,
}

/// `POST /v1/migrations/{id}/request`: the new phone, after scanning the old phone's QR code,
/// sends the secret from it and the CSR of its new signing key.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MigrationRequest {
    pub secret: String,
    /// PKCS#10 request: PEM text, or base64 of the DER.
    pub csr: String,
}

impl std::fmt::Debug for MigrationRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MigrationRequest").finish_non_exhaustive()
    }
}

/// `POST /v1/migrations/{id}/approve`: the old phone's signature, with the slot's current
/// signing key (under its PIN), over [`migration_approval_message`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MigrationApproval {
    /// DER signature, base64.
    pub signature: String,
}

/// A move of a certificate to a new phone, as either phone sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Migration {
    pub id: String,
    pub entitlement_id: String,
    /// The certificate being moved (the old phone's).
    pub serial: String,
    /// Its key's algorithm (`SM2` or `P-256`): the new phone makes a key of the same.
    pub algorithm: String,
    /// `open` (QR shown), `requested` (a new phone asked), `approved`, `cancelled` or `expired`.
    pub status: String,
    /// 待新手机扫码, 待旧手机确认, 已完成, 已取消, 已过期.
    pub status_label: String,
    /// Both phones show this code once the new phone asked; the user checks they match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// SHA-256 of the new phone's CSR (hex), which the old phone's approval signs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csr_sha256: Option<String>,
    pub expires_at: String,
    /// The new phone's certificate and the escrowed keys, once approved (to the new phone only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installed: Option<Installed>,
}

/// `POST /v1/entitlements/{id}/migrations`: the old phone's QR code.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MigrationStarted {
    pub migration: Migration,
    /// The QR code's text ([`MigrationQr`]).
    pub qr: String,
}

impl std::fmt::Debug for MigrationStarted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MigrationStarted")
            .field("migration", &self.migration)
            .finish_non_exhaustive()
    }
}

/// What the old phone signs to approve a move: the migration, the slot and the new phone's CSR.
pub fn migration_approval_message(id: &str, entitlement_id: &str, csr_sha256: &str) -> Vec<u8> {
    format!("mcert-migration-approval/1\n{id}\n{entitlement_id}\n{csr_sha256}\n").into_bytes()
}

/// The text of the old phone's QR code: `mcert-move.1.<migration id>.<secret>`.
#[derive(Clone, PartialEq, Eq)]
pub struct MigrationQr {
    pub id: String,
    pub secret: String,
}

impl std::fmt::Debug for MigrationQr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MigrationQr")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// Why a scanned text is not a migration QR code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MigrationQrError {
    #[error("not an mcert migration code")]
    NotMigration,
    #[error("unsupported migration code version {0}")]
    Version(String),
    #[error("malformed migration code")]
    Malformed,
}

const QR_PREFIX: &str = "mcert-move";

impl MigrationQr {
    pub fn to_text(&self) -> String {
        format!("{QR_PREFIX}.1.{}.{}", self.id, self.secret)
    }

    pub fn parse(text: &str) -> Result<Self, MigrationQrError> {
        let text = text.trim();
        if text.len() > 256 {
            return Err(MigrationQrError::Malformed);
        }
        let mut parts = text.split('.');
        if parts.next() != Some(QR_PREFIX) {
            return Err(MigrationQrError::NotMigration);
        }
        match parts.next() {
            Some("1") => {}
            Some(v) => return Err(MigrationQrError::Version(v.chars().take(8).collect())),
            None => return Err(MigrationQrError::Malformed),
        }
        let (Some(id), Some(secret), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(MigrationQrError::Malformed);
        };
        let id_ok = id.len() == 26 && id.bytes().all(|b| b.is_ascii_alphanumeric());
        let secret_ok = secret.len() == 43
            && secret
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !id_ok || !secret_ok {
            return Err(MigrationQrError::Malformed);
        }
        Ok(MigrationQr {
            id: id.to_string(),
            secret: secret.to_string(),
        })
    }
}

pub mod routes {
    pub const ENTITLEMENT_RENEWAL: &str = "/v1/entitlements/{id}/renewal";
    pub const ENTITLEMENT_RENEW: &str = "/v1/entitlements/{id}/renew";
    pub const ENTITLEMENT_MIGRATIONS: &str = "/v1/entitlements/{id}/migrations";
    pub const MIGRATION: &str = "/v1/migrations/{id}";
    pub const MIGRATION_REQUEST: &str = "/v1/migrations/{id}/request";
    pub const MIGRATION_APPROVE: &str = "/v1/migrations/{id}/approve";
    pub const MIGRATION_CANCEL: &str = "/v1/migrations/{id}/cancel";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migration_qr_round_trips_and_refuses_bad_text() {
        let qr = MigrationQr {
            id: "01JD3T9W6R8Q2XK4M5N7P9S1V3".into(),
            secret: "a".repeat(43),
        };
        assert_eq!(MigrationQr::parse(&qr.to_text()), Ok(qr.clone()));
        assert_eq!(
            MigrationQr::parse("mcert.01JD3T9W6R8Q2XK4M5N7P9S1V3.0.abc"),
            Err(MigrationQrError::NotMigration)
        );
        assert_eq!(
            MigrationQr::parse(&qr.to_text().replace(".1.", ".2.")),
            Err(MigrationQrError::Version("2".into()))
        );
        for bad in [
            "mcert-move.1",
            "mcert-move.1.x.y",
            &format!("{}.z", qr.to_text()),
            &qr.to_text().replace('a', "!"),
        ] {
            assert_eq!(
                MigrationQr::parse(bad),
                Err(MigrationQrError::Malformed),
                "{bad}"
            );
        }
        assert!(!format!("{qr:?}").contains("aaaa"));
    }
}
