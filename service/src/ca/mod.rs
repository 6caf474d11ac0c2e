//! The certification authority: an SM2 and a P-256 hierarchy (offline root → issuing CA held
//! by the service, see [`ceremony`]), issuance from device CSRs, revocation, CRLs issued on
//! revocation and on a schedule and served from storage ([`crl`]), and an OCSP responder that
//! answers from cached responses ([`ocsp`]). Signing goes through [`Signer`], so an HSM can
//! take the place of the in-memory keys. The tables belong to [`repo`].

pub mod ceremony;
pub mod crl;
pub mod keys;
pub mod ocsp;
pub mod repo;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use mcert_core::clock::{Clock, unix_millis};
use mcert_core::crypto::name::SubjectName;
use mcert_core::crypto::revocation::{CertStatus, RevocationReason};
use mcert_core::crypto::x509::{self, CertificateTemplate, Issuer, Profile};
use mcert_core::crypto::{self, Algorithm, PrivateKey, Signer, csr, hash};
use mcert_core::validate;
use serde_json::json;
use x509_cert::Certificate;

pub use keys::OperatorKey;
use repo::{CaRole, CrlRow, NewCertificate};

use crate::audit;
use crate::seal_at_rest::SealError;
use crate::store::{Store, StoreError, Tx};

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
    #[error("no CA for {0}: run `mcert ca init` and `mcert ca sign-issuing` (or start with --dev)")]
    NoCa(Algorithm),
    #[error("no certificate with serial {0}")]
    UnknownCertificate(String),
    #[error("certificate {0} is already revoked")]
    AlreadyRevoked(String),
    #[error("this key was reported compromised (certificate {0} revoked for keyCompromise)")]
    KeyCompromised(String),
    #[error("root key file: {0}")]
    RootFile(String),
    #[error("the passphrase does not open the root key file")]
    WrongPassphrase,
    #[error("the root key passphrase must have at least 12 characters")]
    WeakPassphrase,
    #[error("sealed data: {0}")]
    Seal(#[from] SealError),
    #[error(transparent)]
    Crypto(#[from] crypto::Error),
}

impl AuthorityError {
    /// A stable code for programs (HTTP `code`, CLI exit messages).
    pub fn code(&self) -> &'static str {
        match self {
            AuthorityError::Store(_) => "internal",
            AuthorityError::OperatorKey(_) | AuthorityError::BadOperatorKey => "operator_key",
            AuthorityError::BadRequest(_) => "bad_request",
            AuthorityError::NoCa(_) => "no_ca",
            AuthorityError::UnknownCertificate(_) => "unknown_certificate",
            AuthorityError::AlreadyRevoked(_) => "already_revoked",
            AuthorityError::KeyCompromised(_) => "key_compromised",
            AuthorityError::RootFile(_) => "root_key_file",
            AuthorityError::WrongPassphrase => "wrong_passphrase",
            AuthorityError::WeakPassphrase => "weak_passphrase",
            AuthorityError::Seal(_) => "sealed_data",
            AuthorityError::Crypto(_) => "internal",
        }
    }
}

impl From<sqlx::Error> for AuthorityError {
    fn from(e: sqlx::Error) -> Self {
        AuthorityError::Store(StoreError::Database(e))
    }
}

/// One hierarchy: the root certificate and the issuing CA with its signer.
#[derive(Clone)]
pub struct Hierarchy {
    pub algorithm: Algorithm,
    pub root: Certificate,
    pub root_id: String,
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
    fn url(&self, alg: Algorithm, file: &str) -> String {
        format!(
            "{}/v1/ca/{}/{file}",
            self.base_url.trim_end_matches('/'),
            alg.as_str()
        )
    }
    /// The issuing CA's CRL.
    pub fn crl_url(&self, alg: Algorithm) -> String {
        self.url(alg, "crl")
    }
    /// The root's CRL (lists revoked issuing CAs).
    pub fn root_crl_url(&self, alg: Algorithm) -> String {
        self.url(alg, "root.crl")
    }
    pub fn ocsp_url(&self) -> String {
        format!("{}/v1/ocsp", self.base_url.trim_end_matches('/'))
    }
    pub fn issuer_url(&self, alg: Algorithm) -> String {
        self.url(alg, "issuing.cer")
    }
    pub fn root_url(&self, alg: Algorithm) -> String {
        self.url(alg, "root.cer")
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

/// The subject as the database keeps it for display: the identity number masked.
pub fn display_subject(subject_text: &str, subject: &SubjectName) -> String {
    match &subject.serial_number {
        Some(n) if validate::is_id_number(n) => {
            subject_text.replace(n.as_str(), &validate::mask_id_number(n))
        }
        _ => subject_text.to_string(),
    }
}

/// SHA-256 of a public key's SubjectPublicKeyInfo, hex (how compromised keys are recorded).
pub fn spki_sha256(key: &crypto::PublicKey) -> Result<String, crypto::Error> {
    Ok(hex::encode(hash::sha256(&key.to_spki_der()?)))
}

impl Authority {
    /// Loads the CA hierarchies. Production: the ceremony must have been run
    /// ([`AuthorityError::NoCa`] otherwise).
    pub async fn open(
        store: Store,
        operator_key: &OperatorKey,
        config: AuthorityConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<Authority, AuthorityError> {
        let mut hierarchies = HashMap::new();
        for alg in [Algorithm::Sm2, Algorithm::P256] {
            let h = load(&store, operator_key, alg)
                .await?
                .ok_or(AuthorityError::NoCa(alg))?;
            hierarchies.insert(alg, h);
        }
        let authority = Authority {
            store,
            config,
            clock,
            hierarchies,
        };
        authority.refresh_crls().await?;
        Ok(authority)
    }

    /// Loads the hierarchies, running the development ceremony for any that is missing. The
    /// root key file and its generated passphrase go to `root_dir` (discarded when `None`).
    pub async fn open_or_bootstrap(
        store: Store,
        operator_key: &OperatorKey,
        config: AuthorityConfig,
        clock: Arc<dyn Clock>,
        root_dir: Option<&Path>,
    ) -> Result<Authority, AuthorityError> {
        for alg in [Algorithm::Sm2, Algorithm::P256] {
            if load(&store, operator_key, alg).await?.is_some() {
                continue;
            }
            match ceremony::dev_ceremony(&store, operator_key, &config, alg, root_dir, clock.now())
                .await
            {
                Ok(()) => {}
                // Another process made it first (one active key per role): use theirs.
                Err(AuthorityError::Store(StoreError::Database(_))) => {}
                Err(e) => return Err(e),
            }
        }
        Authority::open(store, operator_key, config, clock).await
    }

    pub fn hierarchy(&self, alg: Algorithm) -> Result<&Hierarchy, AuthorityError> {
        self.hierarchies.get(&alg).ok_or(AuthorityError::NoCa(alg))
    }

    pub fn config(&self) -> &AuthorityConfig {
        &self.config
    }

    /// Issues a certificate for the key in a device CSR (proof of possession checked). A key
    /// once revoked for keyCompromise is refused.
    pub async fn issue(&self, req: IssueRequest<'_>) -> Result<Issued, AuthorityError> {
        let mut tx = self.store.begin().await?;
        let issued = self.issue_in(&mut tx, req).await?;
        tx.commit().await?;
        Ok(issued)
    }

    /// [`issue`](Self::issue) inside the caller's unit of work: the certificate row and its
    /// audit event commit (or not) with the caller's change.
    pub async fn issue_in(
        &self,
        tx: &mut Tx,
        req: IssueRequest<'_>,
    ) -> Result<Issued, AuthorityError> {
        let (_, key) = csr::verify(req.csr).map_err(AuthorityError::BadRequest)?;
        self.issue_key_in(tx, key, req).await
    }

    /// Whether `key` was reported compromised (a certificate of it revoked for keyCompromise).
    pub async fn is_compromised_in(
        &self,
        tx: &mut Tx,
        key: &crypto::PublicKey,
    ) -> Result<bool, AuthorityError> {
        Ok(repo::compromised(&mut **tx, &spki_sha256(key)?)
            .await?
            .is_some())
    }

    /// Issues a certificate for a public key the service itself holds the private half of
    /// (an escrowed encryption key, the seal maker's key); `req.csr` is not read.
    pub async fn issue_key_in(
        &self,
        tx: &mut Tx,
        key: crypto::PublicKey,
        req: IssueRequest<'_>,
    ) -> Result<Issued, AuthorityError> {
        if let Some(serial) = repo::compromised(&mut **tx, &spki_sha256(&key)?).await? {
            return Err(AuthorityError::KeyCompromised(serial));
        }
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
            Profile::PersonalEncryption => "personal_encryption",
            Profile::OrganizationEncryption => "organization_encryption",
            Profile::RootCa | Profile::IssuingCa { .. } => "ca",
        };
        let subject = display_subject(&info.subject_text, &req.subject);
        let at = unix_millis(now);
        repo::insert_certificate(
            tx,
            &NewCertificate {
                serial: &info.serial_hex,
                issuer_id: &h.issuing_id,
                algorithm: alg.as_str(),
                profile,
                subject: &subject,
                der: &der,
                not_before: unix_millis(info.not_before),
                not_after: unix_millis(info.not_after),
                entitlement_id: req.entitlement_id,
                created_at: at,
            },
        )
        .await?;
        audit::append(
            tx,
            self.store.engine(),
            at,
            req.actor,
            "certificate.issued",
            &info.serial_hex,
            &json!({"algorithm": alg.as_str(), "profile": profile, "entitlement": req.entitlement_id}),
        )
        .await?;
        Ok(Issued {
            serial: info.serial_hex,
            certificate: der,
            chain: vec![x509::to_der(&h.issuing)?],
            not_after: info.not_after,
        })
    }

    /// Revokes a certificate: one transaction marks it revoked, drops its cached OCSP
    /// responses, records a compromised key, issues the issuing CA's next CRL and appends the
    /// audit event. Used by the operator (`mcert ca revoke`) and by the holder's report of loss.
    pub async fn revoke(
        &self,
        serial_hex: &str,
        reason: RevocationReason,
        actor: &str,
    ) -> Result<(), AuthorityError> {
        let mut tx = self.store.begin().await?;
        self.revoke_in(&mut tx, serial_hex, reason, actor).await?;
        tx.commit().await?;
        Ok(())
    }

    /// [`revoke`](Self::revoke) inside the caller's unit of work (a holder change revokes the
    /// old holder's certificate in the same transaction that moves the slot).
    pub async fn revoke_in(
        &self,
        tx: &mut crate::store::Tx,
        serial_hex: &str,
        reason: RevocationReason,
        actor: &str,
    ) -> Result<(), AuthorityError> {
        let serial_hex = serial_hex.trim().to_ascii_uppercase();
        let now = self.clock.now();
        let at = unix_millis(now);
        let Some((issuer_id, der)) = repo::issuer_and_der(tx, &serial_hex).await? else {
            return Err(AuthorityError::UnknownCertificate(serial_hex));
        };
        if !repo::mark_revoked(tx, &serial_hex, at, reason.as_str()).await? {
            return Err(AuthorityError::AlreadyRevoked(serial_hex));
        }
        if reason == RevocationReason::KeyCompromise {
            let cert = x509::parse_certificate(&der)?;
            let key = x509::certificate_public_key(&cert)?;
            repo::insert_compromised(tx, &spki_sha256(&key)?, &serial_hex, at).await?;
        }
        repo::forget_ocsp(tx, &serial_hex).await?;
        // The certificate's seals are void with it, whichever path revokes it (seed 000 §6).
        crate::seals::repo::void_for_certificate_in(tx, &serial_hex, reason.as_str(), at).await?;
        // The CRL is issued in the same unit of work, so it is never behind a committed
        // revocation. (With an outbox this becomes a "CRL refresh" job enqueued here.)
        let crl_number = match self
            .hierarchies
            .values()
            .find(|h| h.issuing_id == issuer_id)
        {
            Some(h) => Some(
                crl::issue_in(
                    tx,
                    &h.issuing_id,
                    &h.issuing,
                    h.signer.as_ref(),
                    None,
                    now,
                    crl::CRL_VALIDITY,
                )
                .await?
                .number,
            ),
            // A retired issuing CA: its key is no longer loaded; its last CRL stands.
            None => None,
        };
        audit::append(
            tx,
            self.store.engine(),
            at,
            actor,
            "certificate.revoked",
            &serial_hex,
            &json!({"reason": reason.as_str(), "crl_number": crl_number}),
        )
        .await?;
        Ok(())
    }

    /// The issuing CA's newest stored CRL. Signs one only if none is stored or the newest has
    /// passed its nextUpdate (the scheduled refresh normally prevents both).
    pub async fn crl(&self, alg: Algorithm) -> Result<CrlRow, AuthorityError> {
        let h = self.hierarchy(alg)?;
        let now = self.clock.now();
        if let Some(row) = repo::latest_crl(self.store.pool(), &h.issuing_id).await?
            && row.next_update > unix_millis(now)
        {
            return Ok(row);
        }
        crl::refresh_if_due(&self.store, h, now).await?;
        repo::latest_crl(self.store.pool(), &h.issuing_id)
            .await?
            .ok_or(AuthorityError::NoCa(alg))
    }

    /// Issues the issuing CA's next CRL now, whatever the age of the newest.
    pub async fn issue_crl(&self, alg: Algorithm) -> Result<CrlRow, AuthorityError> {
        let h = self.hierarchy(alg)?;
        let mut tx = self.store.pool().begin().await?;
        let row = crl::issue_in(
            &mut tx,
            &h.issuing_id,
            &h.issuing,
            h.signer.as_ref(),
            None,
            self.clock.now(),
            crl::CRL_VALIDITY,
        )
        .await?;
        tx.commit().await?;
        Ok(row)
    }

    /// The root's newest stored CRL (signed offline at ceremony time).
    pub async fn root_crl(&self, alg: Algorithm) -> Result<CrlRow, AuthorityError> {
        let h = self.hierarchy(alg)?;
        repo::latest_crl(self.store.pool(), &h.root_id)
            .await?
            .ok_or(AuthorityError::NoCa(alg))
    }

    /// The scheduled job: issues a CRL for every issuing CA whose newest one is due.
    pub async fn refresh_crls(&self) -> Result<usize, AuthorityError> {
        let mut issued = 0;
        for h in self.hierarchies.values() {
            if crl::refresh_if_due(&self.store, h, self.clock.now()).await? {
                issued += 1;
            }
        }
        Ok(issued)
    }

    /// Answers an OCSP request (DER); see [`ocsp`] for what is cached and what is refused.
    /// Malformed requests get a `malformedRequest` response, not an error.
    pub async fn ocsp(&self, request: &[u8]) -> Result<Vec<u8>, AuthorityError> {
        ocsp::answer(self, request, ocsp::Caching::Cached).await
    }

    /// [`ocsp`](Self::ocsp) signing every response (for comparison in benchmarks).
    pub async fn ocsp_uncached(&self, request: &[u8]) -> Result<Vec<u8>, AuthorityError> {
        ocsp::answer(self, request, ocsp::Caching::AlwaysSign).await
    }

    /// The status of one certificate of an issuing CA.
    pub async fn status(
        &self,
        issuer_id: &str,
        serial_hex: &str,
    ) -> Result<CertStatus, AuthorityError> {
        Ok(ocsp::status_of(self, issuer_id, serial_hex).await?.0)
    }
}

async fn load(
    store: &Store,
    operator_key: &OperatorKey,
    alg: Algorithm,
) -> Result<Option<Hierarchy>, AuthorityError> {
    let rows = repo::active_keys(store.pool(), alg.as_str()).await?;
    let sealing = operator_key.sealing_key(keys::CA_KEY_LABEL);
    let mut root = None;
    let mut issuing = None;
    for row in rows {
        let cert = x509::parse_certificate(&row.certificate)?;
        match row.role() {
            Some(CaRole::Root) => root = Some((row.id.clone(), cert)),
            Some(CaRole::Issuing) => {
                let pkcs8 = sealing
                    .open_bytes(row.id.as_bytes(), &row.protected_key)
                    .map_err(|e| AuthorityError::OperatorKey(format!("{}: {e}", row.id)))?;
                let key = PrivateKey::from_pkcs8_der(&pkcs8)?;
                if &x509::certificate_public_key(&cert)? != key.public_key() {
                    return Err(AuthorityError::OperatorKey(format!(
                        "{}: key and certificate differ",
                        row.id
                    )));
                }
                issuing = Some((row.id.clone(), cert, key));
            }
            None => {}
        }
    }
    match (root, issuing) {
        (Some((root_id, root)), Some((issuing_id, issuing, key))) => Ok(Some(Hierarchy {
            algorithm: alg,
            root,
            root_id,
            issuing_id,
            issuing,
            signer: Arc::new(key),
        })),
        _ => Ok(None),
    }
}

impl Authority {
    /// The certificates issued for these entitlements (the billing domain knows whose they
    /// are), newest first.
    pub async fn certificates_of_entitlements(
        &self,
        entitlement_ids: &[String],
    ) -> Result<Vec<repo::HeldCertificate>, AuthorityError> {
        Ok(repo::certificates_of_entitlements(self.store.pool(), entitlement_ids).await?)
    }
}
