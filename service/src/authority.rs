//! The certification authority: an SM2 and a P-256 hierarchy (root → issuing CA) created on
//! first start, CA private keys encrypted at rest under the operator key, issuance from device
//! CSRs, revocation, CRLs and OCSP. Signing goes through [`Signer`], so an HSM can take the
//! place of the in-memory keys.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aes_gcm::aead::{Aead, KeyInit, Payload};
use der::Encode;
use mcert_core::clock::{Clock, from_unix_millis, unix_millis};
use mcert_core::crypto::name::SubjectName;
use mcert_core::crypto::revocation::{
    self, CertId, CertStatus, OcspResponseStatus, RevocationReason, Revoked,
};
use mcert_core::crypto::x509::{self, CertificateTemplate, Issuer, Profile};
use mcert_core::crypto::{self, Algorithm, PrivateKey, Signer, csr};
use serde_json::json;
use sqlx::Row;
use x509_cert::Certificate;
use zeroize::Zeroizing;

use crate::audit;
use crate::store::{Store, StoreError};

const ROOT_YEARS: u64 = 20;
const ISSUING_YEARS: u64 = 10;
const YEAR: Duration = Duration::from_secs(365 * 86400);
/// How long CRLs and OCSP answers are good for.
const STATUS_VALIDITY: Duration = Duration::from_secs(3600);

#[derive(Debug, thiserror::Error)]
pub enum AuthorityError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("CA key cannot be decrypted: wrong operator key or damaged record ({0})")]
    OperatorKey(String),
    #[error("the operator key must be 32 bytes, hex-encoded")]
    BadOperatorKey,
    #[error("certificate request: {0}")]
    BadRequest(crypto::Error),
    #[error("no CA for {0}")]
    NoCa(Algorithm),
    #[error("no certificate with serial {0}")]
    UnknownCertificate(String),
    #[error("certificate {0} is already revoked")]
    AlreadyRevoked(String),
    #[error(transparent)]
    Crypto(#[from] crypto::Error),
}

impl From<sqlx::Error> for AuthorityError {
    fn from(e: sqlx::Error) -> Self {
        AuthorityError::Store(StoreError::Database(e))
    }
}

/// The operator key that encrypts CA private keys at rest (AES-256-GCM).
pub struct OperatorKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for OperatorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OperatorKey([redacted])")
    }
}

impl OperatorKey {
    /// From 64 hex digits (surrounding whitespace ignored).
    pub fn from_hex(text: &str) -> Result<Self, AuthorityError> {
        let bytes =
            Zeroizing::new(hex::decode(text.trim()).map_err(|_| AuthorityError::BadOperatorKey)?);
        let arr: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| AuthorityError::BadOperatorKey)?;
        Ok(OperatorKey(Zeroizing::new(arr)))
    }

    /// A fresh random key (first start of a development service).
    pub fn generate() -> Result<Self, AuthorityError> {
        let mut k = Zeroizing::new([0u8; 32]);
        getrandom::fill(k.as_mut()).map_err(|_| AuthorityError::Crypto(crypto::Error::Rng))?;
        Ok(OperatorKey(k))
    }

    /// A 32-byte key for another purpose (HKDF-SHA256 with `label` as info).
    pub fn derive(&self, label: &str) -> Zeroizing<[u8; 32]> {
        let hk = hkdf::Hkdf::<sha2::Sha256>::new(Some(b"mcert operator key v1"), self.0.as_ref());
        let mut out = Zeroizing::new([0u8; 32]);
        // 32 bytes is far below HKDF-SHA256's output limit.
        if hk.expand(label.as_bytes(), out.as_mut()).is_err() {
            unreachable!("32-byte HKDF output");
        }
        out
    }

    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.0.as_ref()))
    }

    fn cipher(&self) -> Result<aes_gcm::Aes256Gcm, AuthorityError> {
        aes_gcm::Aes256Gcm::new_from_slice(self.0.as_ref())
            .map_err(|_| AuthorityError::BadOperatorKey)
    }

    /// version 1 ‖ nonce (12) ‖ AES-256-GCM(PKCS#8), associated data = the CA id.
    fn seal(&self, id: &str, pkcs8: &[u8]) -> Result<Vec<u8>, AuthorityError> {
        let mut nonce = [0u8; 12];
        getrandom::fill(&mut nonce).map_err(|_| AuthorityError::Crypto(crypto::Error::Rng))?;
        let n = aes_gcm::Nonce::try_from(&nonce[..]).map_err(|_| AuthorityError::BadOperatorKey)?;
        let ct = self
            .cipher()?
            .encrypt(
                &n,
                Payload {
                    msg: pkcs8,
                    aad: id.as_bytes(),
                },
            )
            .map_err(|_| AuthorityError::BadOperatorKey)?;
        let mut out = vec![1u8];
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(out)
    }

    fn open(&self, id: &str, blob: &[u8]) -> Result<Zeroizing<Vec<u8>>, AuthorityError> {
        if blob.len() < 1 + 12 + 16 || blob[0] != 1 {
            return Err(AuthorityError::OperatorKey(format!("{id}: unknown format")));
        }
        let n =
            aes_gcm::Nonce::try_from(&blob[1..13]).map_err(|_| AuthorityError::BadOperatorKey)?;
        self.cipher()?
            .decrypt(
                &n,
                Payload {
                    msg: &blob[13..],
                    aad: id.as_bytes(),
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| AuthorityError::OperatorKey(id.to_string()))
    }
}

/// One hierarchy: the root certificate and the issuing CA with its signer.
#[derive(Clone)]
pub struct Hierarchy {
    pub algorithm: Algorithm,
    pub root: Certificate,
    pub issuing_id: String,
    pub issuing: Certificate,
    signer: Arc<dyn Signer>,
}

impl std::fmt::Debug for Hierarchy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hierarchy")
            .field("algorithm", &self.algorithm)
            .field("issuing_id", &self.issuing_id)
            .finish_non_exhaustive()
    }
}

/// Where relying parties fetch status and issuer certificates.
#[derive(Clone, Debug)]
pub struct AuthorityConfig {
    /// Public base URL of the service, e.g. `http://127.0.0.1:8080`.
    pub base_url: String,
}

impl AuthorityConfig {
    pub fn crl_url(&self, alg: Algorithm) -> String {
        format!(
            "{}/v1/ca/{}/crl",
            self.base_url.trim_end_matches('/'),
            alg.as_str()
        )
    }
    pub fn ocsp_url(&self) -> String {
        format!("{}/v1/ocsp", self.base_url.trim_end_matches('/'))
    }
    pub fn issuer_url(&self, alg: Algorithm) -> String {
        format!(
            "{}/v1/ca/{}/issuing.cer",
            self.base_url.trim_end_matches('/'),
            alg.as_str()
        )
    }
}

/// What the CA puts in a new certificate besides the device's key.
#[derive(Clone, Debug)]
pub struct IssueRequest<'a> {
    /// The PKCS#10 request made on the device (DER or PEM).
    pub csr: &'a [u8],
    /// The verified owner: the subject comes from here, never from the CSR.
    pub subject: SubjectName,
    pub profile: Profile,
    pub validity: Duration,
    pub entitlement_id: Option<&'a str>,
    /// Who asked (for the audit log).
    pub actor: &'a str,
}

/// A certificate just issued, with its chain up to (not including) the root.
#[derive(Clone, Debug)]
pub struct Issued {
    pub serial: String,
    pub certificate: Vec<u8>,
    pub chain: Vec<Vec<u8>>,
    pub not_after: SystemTime,
}

/// The authority.
#[derive(Clone)]
pub struct Authority {
    store: Store,
    config: AuthorityConfig,
    clock: Arc<dyn Clock>,
    hierarchies: HashMap<Algorithm, Hierarchy>,
}

impl std::fmt::Debug for Authority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authority")
            .field("config", &self.config)
            .field(
                "hierarchies",
                &self.hierarchies.values().collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

fn ca_name(alg: Algorithm, role: &str) -> Result<x509_cert::name::Name, crypto::Error> {
    SubjectName {
        country: Some("CN".into()),
        organization: Some("mcert".into()),
        common_name: Some(format!("mcert {} {}", alg, role)),
        ..Default::default()
    }
    .to_name()
}

impl Authority {
    /// Loads the CA hierarchies, creating them on first start.
    pub async fn open(
        store: Store,
        operator_key: &OperatorKey,
        config: AuthorityConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<Authority, AuthorityError> {
        let mut hierarchies = HashMap::new();
        for alg in [Algorithm::Sm2, Algorithm::P256] {
            let h = match load(&store, operator_key, alg).await? {
                Some(h) => h,
                None => match bootstrap(&store, operator_key, alg, clock.now()).await {
                    Ok(h) => h,
                    // Another process created it first: use theirs.
                    Err(AuthorityError::Store(StoreError::Database(_))) => {
                        load(&store, operator_key, alg)
                            .await?
                            .ok_or(AuthorityError::NoCa(alg))?
                    }
                    Err(e) => return Err(e),
                },
            };
            hierarchies.insert(alg, h);
        }
        Ok(Authority {
            store,
            config,
            clock,
            hierarchies,
        })
    }

    pub fn hierarchy(&self, alg: Algorithm) -> Result<&Hierarchy, AuthorityError> {
        self.hierarchies.get(&alg).ok_or(AuthorityError::NoCa(alg))
    }

    pub fn config(&self) -> &AuthorityConfig {
        &self.config
    }

    /// Issues a certificate for the key in a device CSR (proof of possession checked).
    pub async fn issue(&self, req: IssueRequest<'_>) -> Result<Issued, AuthorityError> {
        let (_, key) = csr::verify(req.csr).map_err(AuthorityError::BadRequest)?;
        let alg = key.algorithm();
        let h = self.hierarchy(alg)?;
        let now = self.clock.now();
        let template = CertificateTemplate {
            profile: req.profile,
            subject: req.subject.to_name().map_err(AuthorityError::BadRequest)?,
            subject_key: key,
            serial: None,
            not_before: now,
            not_after: now + req.validity,
            crl_url: Some(self.config.crl_url(alg)),
            ocsp_url: Some(self.config.ocsp_url()),
            ca_issuers_url: Some(self.config.issuer_url(alg)),
        };
        let cert = x509::issue(
            &template,
            Issuer::Ca {
                certificate: &h.issuing,
                signer: h.signer.as_ref(),
            },
        )?;
        let info = x509::info(&cert)?;
        let der = x509::to_der(&cert)?;
        let profile = match req.profile {
            Profile::PersonalLeaf => "personal",
            Profile::OrganizationLeaf => "organization",
            Profile::RootCa | Profile::IssuingCa { .. } => "ca",
        };
        let at = unix_millis(now);
        let mut tx = self.store.pool().begin().await?;
        sqlx::query(
            "INSERT INTO certificates (serial, issuer_id, algorithm, profile, subject, der,
                 not_before, not_after, status, entitlement_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'good', $9, $10)",
        )
        .bind(&info.serial_hex)
        .bind(&h.issuing_id)
        .bind(alg.as_str())
        .bind(profile)
        .bind(&info.subject_text)
        .bind(&der)
        .bind(unix_millis(info.not_before))
        .bind(unix_millis(info.not_after))
        .bind(req.entitlement_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            self.store.engine(),
            at,
            req.actor,
            "certificate.issued",
            &info.serial_hex,
            &json!({"algorithm": alg.as_str(), "profile": profile, "entitlement": req.entitlement_id}),
        )
        .await?;
        tx.commit().await?;
        Ok(Issued {
            serial: info.serial_hex,
            certificate: der,
            chain: vec![x509::to_der(&h.issuing)?],
            not_after: info.not_after,
        })
    }

    /// Revokes a certificate.
    pub async fn revoke(
        &self,
        serial_hex: &str,
        reason: RevocationReason,
        actor: &str,
    ) -> Result<(), AuthorityError> {
        let at = unix_millis(self.clock.now());
        let mut tx = self.store.pool().begin().await?;
        let changed = sqlx::query(
            "UPDATE certificates SET status = 'revoked', revoked_at = $1, revocation_reason = $2
             WHERE serial = $3 AND status = 'good'",
        )
        .bind(at)
        .bind(reason.as_str())
        .bind(serial_hex)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            let exists = sqlx::query("SELECT 1 FROM certificates WHERE serial = $1")
                .bind(serial_hex)
                .fetch_optional(&mut *tx)
                .await?
                .is_some();
            return Err(if exists {
                AuthorityError::AlreadyRevoked(serial_hex.to_string())
            } else {
                AuthorityError::UnknownCertificate(serial_hex.to_string())
            });
        }
        audit::append(
            &mut tx,
            self.store.engine(),
            at,
            actor,
            "certificate.revoked",
            serial_hex,
            &json!({"reason": reason.as_str()}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The current CRL of a hierarchy's issuing CA (DER), with the next CRL number.
    pub async fn crl(&self, alg: Algorithm) -> Result<Vec<u8>, AuthorityError> {
        let h = self.hierarchy(alg)?;
        let now = self.clock.now();
        let mut tx = self.store.pool().begin().await?;
        let number: i64 = sqlx::query("SELECT number FROM crl_numbers WHERE issuer_id = $1")
            .bind(&h.issuing_id)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get::<i64, _>(0))
            .transpose()?
            .unwrap_or(0)
            + 1;
        if number == 1 {
            sqlx::query("INSERT INTO crl_numbers (issuer_id, number) VALUES ($1, $2)")
                .bind(&h.issuing_id)
                .bind(number)
                .execute(&mut *tx)
                .await?;
        } else {
            sqlx::query("UPDATE crl_numbers SET number = $1 WHERE issuer_id = $2")
                .bind(number)
                .bind(&h.issuing_id)
                .execute(&mut *tx)
                .await?;
        }
        let rows = sqlx::query(
            "SELECT serial, revoked_at, revocation_reason FROM certificates
             WHERE issuer_id = $1 AND status = 'revoked' ORDER BY revoked_at",
        )
        .bind(&h.issuing_id)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let mut revoked = Vec::with_capacity(rows.len());
        for row in rows {
            let serial: String = row.try_get(0)?;
            let at: i64 = row.try_get(1)?;
            let reason: String = row.try_get(2)?;
            revoked.push(Revoked {
                serial: hex::decode(&serial)
                    .map_err(|_| AuthorityError::UnknownCertificate(serial))?,
                time: from_unix_millis(at),
                reason: RevocationReason::parse(&reason).unwrap_or(RevocationReason::Unspecified),
            });
        }
        let crl = revocation::build_crl(
            &h.issuing,
            h.signer.as_ref(),
            &revoked,
            u64::try_from(number).unwrap_or(0),
            now,
            now + STATUS_VALIDITY,
        )?;
        Ok(crl.to_der().map_err(crypto::Error::from)?)
    }

    /// Answers an OCSP request (DER). Malformed requests get a `malformedRequest` response.
    pub async fn ocsp(&self, request: &[u8]) -> Result<Vec<u8>, AuthorityError> {
        let Ok(parsed) = revocation::parse_ocsp_request(request) else {
            return Ok(revocation::ocsp_error_response(
                OcspResponseStatus::MalformedRequest,
            )?);
        };
        // Answer for the hierarchy the first certificate belongs to.
        let Some(h) = self.hierarchies.values().find(|h| {
            parsed
                .cert_ids
                .iter()
                .any(|id| id.matches_issuer(&h.issuing))
        }) else {
            return Ok(revocation::ocsp_error_response(
                OcspResponseStatus::Unauthorized,
            )?);
        };
        let mut statuses: Vec<(CertId, CertStatus)> = Vec::with_capacity(parsed.cert_ids.len());
        for id in &parsed.cert_ids {
            let status = if id.matches_issuer(&h.issuing) {
                self.status(&h.issuing_id, &hex::encode_upper(trim_serial(id.serial())))
                    .await?
            } else {
                CertStatus::Unknown
            };
            statuses.push((id.clone(), status));
        }
        Ok(revocation::build_ocsp_response(
            &h.issuing,
            h.signer.as_ref(),
            &statuses,
            parsed.nonce.as_deref(),
            self.clock.now(),
            STATUS_VALIDITY,
        )?)
    }

    /// The status of one certificate of an issuing CA.
    pub async fn status(
        &self,
        issuer_id: &str,
        serial_hex: &str,
    ) -> Result<CertStatus, AuthorityError> {
        let row = sqlx::query(
            "SELECT status, revoked_at, revocation_reason FROM certificates
             WHERE serial = $1 AND issuer_id = $2",
        )
        .bind(serial_hex)
        .bind(issuer_id)
        .fetch_optional(self.store.pool())
        .await?;
        let Some(row) = row else {
            return Ok(CertStatus::Unknown);
        };
        let status: String = row.try_get(0)?;
        if status == "good" {
            return Ok(CertStatus::Good);
        }
        let at: Option<i64> = row.try_get(1)?;
        let reason: Option<String> = row.try_get(2)?;
        Ok(CertStatus::Revoked {
            time: from_unix_millis(at.unwrap_or(0)),
            reason: reason
                .as_deref()
                .and_then(RevocationReason::parse)
                .unwrap_or(RevocationReason::Unspecified),
        })
    }
}

/// Serial bytes without leading zero octets (as [`x509::serial_hex`] writes them).
fn trim_serial(bytes: &[u8]) -> &[u8] {
    match bytes.iter().position(|b| *b != 0) {
        Some(i) => &bytes[i..],
        None => &bytes[bytes.len().saturating_sub(1)..],
    }
}

async fn load(
    store: &Store,
    operator_key: &OperatorKey,
    alg: Algorithm,
) -> Result<Option<Hierarchy>, AuthorityError> {
    let rows = sqlx::query(
        "SELECT id, role, certificate, protected_key FROM ca_keys WHERE algorithm = $1 AND active = 1",
    )
    .bind(alg.as_str())
    .fetch_all(store.pool())
    .await?;
    let mut root = None;
    let mut issuing = None;
    for row in rows {
        let id: String = row.try_get(0)?;
        let role: String = row.try_get(1)?;
        let cert_der: Vec<u8> = row.try_get(2)?;
        let cert = x509::parse_certificate(&cert_der)?;
        match role.as_str() {
            "root" => root = Some(cert),
            "issuing" => {
                let blob: Vec<u8> = row.try_get(3)?;
                let pkcs8 = operator_key.open(&id, &blob)?;
                let key = PrivateKey::from_pkcs8_der(&pkcs8)?;
                if &x509::certificate_public_key(&cert)? != key.public_key() {
                    return Err(AuthorityError::OperatorKey(format!(
                        "{id}: key and certificate differ"
                    )));
                }
                issuing = Some((id, cert, key));
            }
            _ => {}
        }
    }
    match (root, issuing) {
        (Some(root), Some((issuing_id, issuing, key))) => Ok(Some(Hierarchy {
            algorithm: alg,
            root,
            issuing_id,
            issuing,
            signer: Arc::new(key),
        })),
        _ => Ok(None),
    }
}

async fn bootstrap(
    store: &Store,
    operator_key: &OperatorKey,
    alg: Algorithm,
    now: SystemTime,
) -> Result<Hierarchy, AuthorityError> {
    let root_key = PrivateKey::generate(alg)?;
    let root = x509::issue(
        &CertificateTemplate {
            profile: Profile::RootCa,
            subject: ca_name(alg, "Root CA")?,
            subject_key: root_key.public_key().clone(),
            serial: None,
            not_before: now,
            not_after: now + YEAR * ROOT_YEARS as u32,
            crl_url: None,
            ocsp_url: None,
            ca_issuers_url: None,
        },
        Issuer::SelfSigned(&root_key),
    )?;
    let issuing_key = PrivateKey::generate(alg)?;
    let issuing = x509::issue(
        &CertificateTemplate {
            profile: Profile::IssuingCa { path_len: 0 },
            subject: ca_name(alg, "Issuing CA")?,
            subject_key: issuing_key.public_key().clone(),
            serial: None,
            not_before: now,
            not_after: now + YEAR * ISSUING_YEARS as u32,
            crl_url: None,
            ocsp_url: None,
            ca_issuers_url: None,
        },
        Issuer::Ca {
            certificate: &root,
            signer: &root_key,
        },
    )?;
    let at = unix_millis(now);
    let root_id = mcert_core::id::ulid(now)?;
    let issuing_id = mcert_core::id::ulid(now)?;
    let mut tx = store.pool().begin().await?;
    for (id, role, parent, cert, key) in [
        (&root_id, "root", None, &root, &root_key),
        (
            &issuing_id,
            "issuing",
            Some(&root_id),
            &issuing,
            &issuing_key,
        ),
    ] {
        let sealed = operator_key.seal(id, &key.to_pkcs8_der()?)?;
        sqlx::query(
            "INSERT INTO ca_keys (id, algorithm, role, parent_id, certificate, protected_key, active, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, 1, $7)",
        )
        .bind(id)
        .bind(alg.as_str())
        .bind(role)
        .bind(parent)
        .bind(x509::to_der(cert)?)
        .bind(sealed)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            store.engine(),
            at,
            "system",
            "ca.created",
            id,
            &json!({"algorithm": alg.as_str(), "role": role, "serial": x509::serial_hex(cert)}),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Hierarchy {
        algorithm: alg,
        root,
        issuing_id,
        issuing,
        signer: Arc::new(issuing_key),
    })
}
