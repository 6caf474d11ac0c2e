//! The certificates an account holds, as sessions need them: which may answer, and which a
//! sealed bid is encrypted to, read through the owners of `entitlements` (billing) and
//! `certificates` (the CA).

use mcert_core::crypto::x509;
use sqlx::AnyPool;
use x509_cert::Certificate;

use super::SessionError;
use crate::{billing, ca};

/// One certificate held by an account.
pub(super) type HeldCertificate = ca::repo::HeldCertificate;

/// Every certificate issued for an entitlement the account holds, newest first: the
/// entitlements from their owner (billing), the certificates from theirs (the CA).
async fn all_held(pool: &AnyPool, account_id: &str) -> Result<Vec<HeldCertificate>, SessionError> {
    let entitlements = billing::repo::held_by(pool, account_id).await?;
    Ok(ca::repo::certificates_of_entitlements(pool, &entitlements).await?)
}

/// The certificate `serial` (a signing or an encryption certificate) if the account holds it.
pub(super) async fn held(
    pool: &AnyPool,
    account_id: &str,
    serial: &str,
) -> Result<Option<HeldCertificate>, SessionError> {
    let entitlements = billing::repo::held_by(pool, account_id).await?;
    Ok(
        ca::repo::all_certificates_of_entitlements(pool, &entitlements)
            .await?
            .into_iter()
            .find(|c| c.serial == serial),
    )
}

/// The account's certificates that may answer now: good and within their validity.
pub(super) async fn usable(
    pool: &AnyPool,
    account_id: &str,
    now: i64,
) -> Result<Vec<HeldCertificate>, SessionError> {
    Ok(all_held(pool, account_id)
        .await?
        .into_iter()
        .filter(|c| {
            ca::repo::CertState::parse(&c.status) == Some(ca::repo::CertState::Good)
                && c.not_before <= now
                && c.not_after > now
        })
        .collect())
}

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
