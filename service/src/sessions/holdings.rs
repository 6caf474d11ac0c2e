//! The certificates an account holds, as sessions need them: which may answer, and which a
//! sealed bid is encrypted to. Read-only views over the CA's `certificates` and the orders'
//! `entitlements` (their owners write them).

use mcert_core::crypto::x509;
use sqlx::AnyPool;
use x509_cert::Certificate;

use super::SessionError;

/// One certificate held by an account.
#[derive(Debug, sqlx::FromRow)]
pub(super) struct HeldCertificate {
    pub serial: String,
    pub der: Vec<u8>,
    pub issuer_id: String,
}

/// The certificate `serial` if the account holds it (any status: a retired key still opens
/// old bids).
pub(super) async fn held(
    pool: &AnyPool,
    account_id: &str,
    serial: &str,
) -> Result<Option<HeldCertificate>, SessionError> {
    Ok(sqlx::query_as::<_, HeldCertificate>(
        "SELECT c.serial, c.der, c.issuer_id FROM certificates c
         JOIN entitlements e ON c.entitlement_id = e.id
         WHERE c.serial = $1 AND e.holder_account_id = $2",
    )
    .bind(serial)
    .bind(account_id)
    .fetch_optional(pool)
    .await?)
}

/// The account's certificates that are good and within their validity at `now`, newest first.
pub(super) async fn usable(
    pool: &AnyPool,
    account_id: &str,
    now: i64,
) -> Result<Vec<HeldCertificate>, SessionError> {
    Ok(sqlx::query_as::<_, HeldCertificate>(
        "SELECT c.serial, c.der, c.issuer_id FROM certificates c
         JOIN entitlements e ON c.entitlement_id = e.id
         WHERE e.holder_account_id = $1 AND c.status = 'good' AND c.not_before <= $2
             AND c.not_after > $2
         ORDER BY c.created_at DESC",
    )
    .bind(account_id)
    .bind(now)
    .fetch_all(pool)
    .await?)
}

/// Who a certificate identifies: the organisation's unified code and the person's ID number
/// (stable across renewal, reissue and rename).
#[derive(Debug, PartialEq, Eq)]
pub(super) struct SubjectKey {
    organization_identifier: Option<String>,
    serial_number: Option<String>,
}

impl SubjectKey {
    pub fn of(cert: &Certificate) -> Option<SubjectKey> {
        let subject = x509::info(cert).ok()?.subject;
        if subject.organization_identifier.is_none() && subject.serial_number.is_none() {
            return None;
        }
        Some(SubjectKey {
            organization_identifier: subject.organization_identifier,
            serial_number: subject.serial_number,
        })
    }
}

/// The holder's certificate a sealed bid's key is encrypted to.
#[derive(Debug)]
pub(super) struct BidRecipient {
    pub serial: String,
    subject: Option<SubjectKey>,
}

impl BidRecipient {
    /// The recipient `serial` if `account_id` holds it.
    pub async fn held_by(
        pool: &AnyPool,
        account_id: &str,
        serial: &str,
    ) -> Result<BidRecipient, SessionError> {
        let held = held(pool, account_id, serial)
            .await?
            .ok_or(SessionError::NotBidRecipient)?;
        let cert = x509::parse_certificate(&held.der).map_err(|e| {
            SessionError::Internal(format!("stored certificate {}: {e}", held.serial))
        })?;
        Ok(BidRecipient {
            subject: SubjectKey::of(&cert),
            serial: held.serial,
        })
    }

    /// Whether `cert` (already known to be held by the same account) may answer for it: the
    /// recipient certificate itself, or another of the same subject (after renewal).
    pub fn may_answer(&self, cert: &Certificate) -> bool {
        x509::serial_hex(cert) == self.serial
            || (self.subject.is_some() && SubjectKey::of(cert) == self.subject)
    }
}
