//! The service's seal-making keys (电子印章制作系统), one per algorithm: GB/T 38540 seals are
//! signed by the SM2 one, P-256 seal bindings by the P-256 one. Each certificate is issued by
//! the service's own issuing CA of its algorithm the first time the service starts;
//! the key is kept sealed under a key derived from the operator key. Two processes starting
//! at once agree on one (the first row written wins; the other's certificate is unused).

use std::sync::Arc;

use mcert_core::clock::{Clock, unix_millis};
use mcert_core::crypto::name::SubjectName;
use mcert_core::crypto::x509::Profile;
use mcert_core::crypto::{Algorithm, PrivateKey, csr};

use super::SealError;
use crate::ca::{Authority, IssueRequest};
use crate::seal_at_rest::SealingKey;
use crate::store::Store;

/// How long the seal maker's certificate is valid.
const MAKER_VALIDITY: std::time::Duration = std::time::Duration::from_secs(10 * 365 * 86_400);

/// The seal maker of one algorithm: its key and certificate.
pub struct SealMaker {
    pub key: PrivateKey,
    /// The maker's certificate: DER, and parsed once.
    pub certificate: Vec<u8>,
    pub parsed: x509_cert::Certificate,
}

impl std::fmt::Debug for SealMaker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealMaker").finish_non_exhaustive()
    }
}

fn internal(e: impl std::fmt::Display) -> SealError {
    SealError::Internal(e.to_string())
}

/// The seal maker of `alg`, made and certified on first use.
pub async fn ensure(
    alg: Algorithm,
    store: &Store,
    authority: &Authority,
    sealing: &SealingKey,
    clock: &Arc<dyn Clock>,
) -> Result<Arc<SealMaker>, SealError> {
    let aad = format!("seal maker {}", alg.as_str());
    let load = || async {
        let row: Option<(Vec<u8>, Vec<u8>)> =
            sqlx::query_as("SELECT certificate, key_sealed FROM seal_makers WHERE algorithm = $1")
                .bind(alg.as_str())
                .fetch_optional(store.pool())
                .await?;
        Ok::<_, SealError>(row)
    };
    if load().await?.is_none() {
        let key = PrivateKey::generate(alg).map_err(internal)?;
        let subject = SubjectName {
            country: Some("CN".into()),
            organization: Some("mcert".into()),
            common_name: Some("mcert 电子印章制作系统".into()),
            ..Default::default()
        };
        let request = csr::build(&subject.to_name().map_err(internal)?, &key)
            .and_then(|r| csr::to_der(&r))
            .map_err(internal)?;
        // Valid as long as the issuing CA, at most ten years.
        let issuer_end = authority
            .hierarchy(alg)
            .map_err(internal)?
            .issuing
            .tbs_certificate()
            .validity()
            .not_after
            .to_system_time();
        let validity = issuer_end
            .duration_since(clock.now())
            .unwrap_or_default()
            .min(MAKER_VALIDITY);
        let issued = authority
            .issue(IssueRequest {
                csr: &request,
                subject,
                profile: Profile::OrganizationLeaf,
                validity,
                entitlement_id: None,
                actor: "system",
            })
            .await
            .map_err(internal)?;
        let pkcs8 = key.to_pkcs8_der().map_err(internal)?;
        let sealed = sealing
            .seal_bytes(aad.as_bytes(), &pkcs8)
            .map_err(internal)?;
        let kept = sqlx::query(
            "INSERT INTO seal_makers (algorithm, certificate, key_sealed, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (algorithm) DO NOTHING",
        )
        .bind(alg.as_str())
        .bind(&issued.certificate)
        .bind(&sealed)
        .bind(unix_millis(clock.now()))
        .execute(store.pool())
        .await?
        .rows_affected();
        if kept == 0 {
            // Another process made the seal maker first: this certificate's key is gone.
            authority
                .revoke(
                    &issued.serial,
                    mcert_core::crypto::revocation::RevocationReason::Superseded,
                    "system",
                )
                .await
                .map_err(internal)?;
        }
    }
    let (certificate, sealed) = load().await?.ok_or_else(|| internal("no seal maker"))?;
    let pkcs8 = sealing
        .open_bytes(aad.as_bytes(), &sealed)
        .map_err(internal)?;
    let key = PrivateKey::from_pkcs8_der(&pkcs8).map_err(internal)?;
    let cert = mcert_core::crypto::x509::parse_certificate(&certificate).map_err(internal)?;
    if &mcert_core::crypto::x509::certificate_public_key(&cert).map_err(internal)?
        != key.public_key()
    {
        return Err(internal("the seal maker's key and certificate differ"));
    }
    Ok(Arc::new(SealMaker {
        key,
        certificate,
        parsed: cert,
    }))
}
