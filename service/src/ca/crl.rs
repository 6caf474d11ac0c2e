//! CRLs: issued when a certificate is revoked and on a schedule before the previous one's
//! nextUpdate, stored, and served as stored. Anonymous GETs never sign or write.

use std::time::{Duration, SystemTime};

use der::Encode;
use mcert_core::clock::{from_unix_millis, unix_millis};
use mcert_core::crypto::revocation::{self, RevocationReason, Revoked};
use mcert_core::crypto::{self, Signer};
use sqlx::AnyConnection;
use x509_cert::Certificate;

use super::repo::{self, CrlRow};
use super::{AuthorityError, Hierarchy};

/// How long an issuing CA's CRL is good for (thisUpdate → nextUpdate).
pub const CRL_VALIDITY: Duration = Duration::from_secs(24 * 3600);
/// A new CRL is issued once the current one is this old (half its validity), so relying
/// parties always find a current CRL even if a scheduled run is missed.
pub const CRL_REFRESH_AGE: Duration = Duration::from_secs(12 * 3600);
/// The root's CRL, signed at ceremony time with the offline key, is good for a year.
pub const ROOT_CRL_VALIDITY: Duration = Duration::from_secs(365 * 86400);

/// Signs and stores the issuer's next CRL inside the caller's transaction.
pub(crate) async fn issue_in(
    conn: &mut AnyConnection,
    issuer_id: &str,
    issuer: &Certificate,
    signer: &dyn Signer,
    revoked: Option<Vec<Revoked>>,
    now: SystemTime,
    validity: Duration,
) -> Result<CrlRow, AuthorityError> {
    let number = repo::next_crl_number(conn, issuer_id).await?;
    let revoked = match revoked {
        Some(r) => r,
        None => revoked_list(conn, issuer_id).await?,
    };
    let crl = revocation::build_crl(
        issuer,
        signer,
        &revoked,
        u64::try_from(number).unwrap_or(0),
        now,
        now + validity,
    )?;
    let row = CrlRow {
        issuer_id: issuer_id.to_string(),
        number,
        this_update: unix_millis(now),
        next_update: unix_millis(now + validity),
        der: crl.to_der().map_err(crypto::Error::from)?,
    };
    repo::insert_crl(conn, &row).await?;
    Ok(row)
}

async fn revoked_list(
    conn: &mut AnyConnection,
    issuer_id: &str,
) -> Result<Vec<Revoked>, AuthorityError> {
    let rows = repo::revoked_of(conn, issuer_id).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(Revoked {
            serial: hex::decode(&r.serial)
                .map_err(|_| AuthorityError::UnknownCertificate(r.serial.clone()))?,
            time: from_unix_millis(r.revoked_at),
            reason: RevocationReason::parse(&r.revocation_reason)
                .unwrap_or(RevocationReason::Unspecified),
        });
    }
    Ok(out)
}

/// Issues the hierarchy's next CRL when none exists or the newest is [`CRL_REFRESH_AGE`] old.
/// The number lock is taken first, so several service processes refreshing at once make one
/// CRL, not several. Returns whether a CRL was issued.
pub(crate) async fn refresh_if_due(
    store: &crate::store::Store,
    h: &Hierarchy,
    now: SystemTime,
) -> Result<bool, AuthorityError> {
    let mut tx = store.pool().begin().await?;
    // Lock first, then look: whoever waited sees the CRL the winner stored.
    let number = repo::next_crl_number(&mut tx, &h.issuing_id).await?;
    let latest = repo::latest_crl(&mut *tx, &h.issuing_id).await?;
    let due = match &latest {
        None => true,
        Some(c) => unix_millis(now) >= c.this_update + CRL_REFRESH_AGE.as_millis() as i64,
    };
    if !due {
        tx.rollback().await?;
        return Ok(false);
    }
    let revoked = revoked_list(&mut tx, &h.issuing_id).await?;
    let crl = revocation::build_crl(
        &h.issuing,
        h.signer.as_ref(),
        &revoked,
        u64::try_from(number).unwrap_or(0),
        now,
        now + CRL_VALIDITY,
    )?;
    repo::insert_crl(
        &mut tx,
        &CrlRow {
            issuer_id: h.issuing_id.clone(),
            number,
            this_update: unix_millis(now),
            next_update: unix_millis(now + CRL_VALIDITY),
            der: crl.to_der().map_err(crypto::Error::from)?,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// The outbox's `CrlRefresh` jobs: `{"algorithm": "sm2" | "p256"}` issues that issuing CA's
/// next CRL. Revocation does not need it (it issues the CRL inside its own transaction); it is
/// there for changes in other domains that must publish a fresh CRL after they commit.
#[derive(Debug)]
pub struct CrlJobs(pub super::Authority);

/// The payload of a `CrlRefresh` job.
pub fn job_payload(alg: mcert_core::crypto::Algorithm) -> serde_json::Value {
    serde_json::json!({"algorithm": alg.as_str()})
}

#[async_trait::async_trait]
impl crate::outbox::JobHandler for CrlJobs {
    async fn deliver(
        &self,
        payload: &serde_json::Value,
    ) -> Result<(), crate::outbox::DeliveryError> {
        use crate::outbox::DeliveryError;
        let alg = payload["algorithm"]
            .as_str()
            .and_then(|a| mcert_core::crypto::Algorithm::parse(a).ok())
            .ok_or_else(|| {
                DeliveryError::Permanent("CRL refresh job without an algorithm".into())
            })?;
        self.0
            .issue_crl(alg)
            .await
            .map(|_| ())
            .map_err(|e| DeliveryError::Retry(e.to_string()))
    }
}
