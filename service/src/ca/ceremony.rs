//! The root key ceremony. The root CA's private key never enters the service's database: it
//! is made by `mcert ca init` and kept in a file sealed under its own passphrase (Argon2id →
//! AES-256-GCM in a [`SealedBlob`]), offline. With it the operator signs issuing CA
//! certificates (`mcert ca sign-issuing`) and the root's CRL (`mcert ca sign-root-crl`); the
//! service stores the root certificate, the root CRL, and the issuing CA keys sealed under the
//! operator key. Signing goes through [`Signer`], so an HSM can hold either key instead.
//!
//! A development service (`--dev`) runs the whole ceremony by itself on first start, with a
//! generated passphrase written next to the root key file in its data folder, and says so.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use mcert_core::clock::unix_millis;
use mcert_core::crypto::name::SubjectName;
use mcert_core::crypto::x509::{self, CertificateTemplate, Issuer, Profile};
use mcert_core::crypto::{self, Algorithm, PrivateKey, PublicKey, Signer, hash};
use serde::{Deserialize, Serialize};
use serde_json::json;
use x509_cert::Certificate;
use zeroize::Zeroizing;

use super::repo::{self, CaKeyRow, CaRole};
use super::{AuthorityConfig, AuthorityError, OperatorKey, crl, keys::CA_KEY_LABEL};
use crate::audit;
use crate::seal_at_rest::{SealedBlob, SealingKey};
use crate::store::Store;

const ROOT_YEARS: u32 = 20;
const ISSUING_YEARS: u32 = 10;
const YEAR: Duration = Duration::from_secs(365 * 86400);
const FILE_FORMAT: &str = "mcert-root-key-v1";

/// Argon2id cost of a root key file.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct KdfParams {
    pub m_cost_kib: u32,
    pub t_cost: u32,
    pub p_cost: u32,
}

impl KdfParams {
    /// For a passphrase a person chose (`mcert ca init`): 256 MiB, 3 passes.
    pub const OFFLINE: KdfParams = KdfParams {
        m_cost_kib: 256 * 1024,
        t_cost: 3,
        p_cost: 1,
    };
    /// For the development ceremony, whose passphrase is 256 random bits: the KDF adds nothing
    /// there, so it is kept cheap.
    pub const GENERATED_PASSPHRASE: KdfParams = KdfParams {
        m_cost_kib: 8 * 1024,
        t_cost: 1,
        p_cost: 1,
    };
}

/// The offline root key file (JSON).
#[derive(Clone, Serialize, Deserialize)]
pub struct RootKeyFile {
    pub format: String,
    pub algorithm: String,
    /// The root certificate, base64 DER.
    pub certificate: String,
    pub kdf: KdfParams,
    /// Argon2id salt, base64.
    pub salt: String,
    /// The PKCS#8 private key as an encoded [`SealedBlob`], base64.
    pub sealed_key: String,
}

impl std::fmt::Debug for RootKeyFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RootKeyFile")
            .field("algorithm", &self.algorithm)
            .field("kdf", &self.kdf)
            .finish_non_exhaustive()
    }
}

fn b64(bytes: &[u8]) -> String {
    use base64ct::Encoding;
    base64ct::Base64::encode_string(bytes)
}

fn unb64(text: &str) -> Result<Vec<u8>, AuthorityError> {
    use base64ct::Encoding;
    base64ct::Base64::decode_vec(text).map_err(|_| AuthorityError::RootFile("base64".into()))
}

fn passphrase_key(
    passphrase: &[u8],
    salt: &[u8],
    kdf: KdfParams,
) -> Result<SealingKey, AuthorityError> {
    if passphrase.len() < 12 {
        return Err(AuthorityError::WeakPassphrase);
    }
    let params = argon2::Params::new(kdf.m_cost_kib, kdf.t_cost, kdf.p_cost, Some(32))
        .map_err(|_| AuthorityError::RootFile("KDF parameters".into()))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(passphrase, salt, out.as_mut())
        .map_err(|_| AuthorityError::RootFile("KDF".into()))?;
    Ok(SealingKey::new("root passphrase", out))
}

fn root_aad(cert_der: &[u8]) -> Vec<u8> {
    let mut aad = b"mcert root key ".to_vec();
    aad.extend_from_slice(hex::encode(hash::sha256(cert_der)).as_bytes());
    aad
}

pub(crate) fn ca_name(alg: Algorithm, role: &str) -> Result<x509_cert::name::Name, crypto::Error> {
    SubjectName {
        country: Some("CN".into()),
        organization: Some("mcert".into()),
        common_name: Some(format!("mcert {alg} {role}")),
        ..Default::default()
    }
    .to_name()
}

impl RootKeyFile {
    /// Makes a root key and its self-signed certificate, sealed under `passphrase`.
    pub fn create(
        alg: Algorithm,
        passphrase: &[u8],
        kdf: KdfParams,
        now: SystemTime,
    ) -> Result<(RootKeyFile, PrivateKey), AuthorityError> {
        let key = PrivateKey::generate(alg)?;
        let cert = x509::issue(
            &CertificateTemplate {
                profile: Profile::RootCa,
                subject: ca_name(alg, "Root CA")?,
                subject_key: key.public_key().clone(),
                serial: None,
                not_before: now,
                not_after: now + YEAR * ROOT_YEARS,
                crl_url: None,
                ocsp_url: None,
                ca_issuers_url: None,
            },
            Issuer::SelfSigned(&key),
        )?;
        let cert_der = x509::to_der(&cert)?;
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|_| AuthorityError::Crypto(crypto::Error::Rng))?;
        let sealed = passphrase_key(passphrase, &salt, kdf)?
            .seal_bytes(&root_aad(&cert_der), &key.to_pkcs8_der()?)?;
        Ok((
            RootKeyFile {
                format: FILE_FORMAT.into(),
                algorithm: alg.as_str().into(),
                certificate: b64(&cert_der),
                kdf,
                salt: b64(&salt),
                sealed_key: b64(&sealed),
            },
            key,
        ))
    }

    pub fn algorithm(&self) -> Result<Algorithm, AuthorityError> {
        Algorithm::parse(&self.algorithm).map_err(AuthorityError::Crypto)
    }

    pub fn certificate(&self) -> Result<Certificate, AuthorityError> {
        Ok(x509::parse_certificate(&unb64(&self.certificate)?)?)
    }

    /// Opens the root key (wrong passphrase: [`AuthorityError::WrongPassphrase`]).
    pub fn open(&self, passphrase: &[u8]) -> Result<PrivateKey, AuthorityError> {
        if self.format != FILE_FORMAT {
            return Err(AuthorityError::RootFile(format!(
                "unknown format {}",
                self.format
            )));
        }
        let cert_der = unb64(&self.certificate)?;
        let blob = SealedBlob::decode(&unb64(&self.sealed_key)?)?;
        let pkcs8 = passphrase_key(passphrase, &unb64(&self.salt)?, self.kdf)?
            .open(&root_aad(&cert_der), &blob)
            .map_err(|_| AuthorityError::WrongPassphrase)?;
        let key = PrivateKey::from_pkcs8_der(&pkcs8)?;
        if &x509::certificate_public_key(&x509::parse_certificate(&cert_der)?)? != key.public_key()
        {
            return Err(AuthorityError::RootFile(
                "key and certificate differ".into(),
            ));
        }
        Ok(key)
    }

    pub fn to_json(&self) -> Result<String, AuthorityError> {
        serde_json::to_string_pretty(self).map_err(|e| AuthorityError::RootFile(e.to_string()))
    }

    pub fn from_json(text: &str) -> Result<RootKeyFile, AuthorityError> {
        serde_json::from_str(text).map_err(|e| AuthorityError::RootFile(e.to_string()))
    }

    /// Where `mcert ca init` writes the file of one algorithm.
    pub fn path_in(dir: &Path, alg: Algorithm) -> PathBuf {
        dir.join(format!("root-{}.key.json", alg.as_str()))
    }
}

/// Signs an issuing CA certificate for `issuing_key` under the root. It points relying parties
/// at the root's certificate and CRL.
pub fn sign_issuing(
    root: &Certificate,
    root_signer: &dyn Signer,
    issuing_key: &PublicKey,
    config: &AuthorityConfig,
    now: SystemTime,
) -> Result<Certificate, AuthorityError> {
    let alg = issuing_key.algorithm();
    Ok(x509::issue(
        &CertificateTemplate {
            profile: Profile::IssuingCa { path_len: 0 },
            subject: ca_name(alg, "Issuing CA")?,
            subject_key: issuing_key.clone(),
            serial: None,
            not_before: now,
            not_after: now + YEAR * ISSUING_YEARS,
            crl_url: Some(config.root_crl_url(alg)),
            ocsp_url: None,
            ca_issuers_url: Some(config.root_url(alg)),
        },
        Issuer::Ca {
            certificate: root,
            signer: root_signer,
        },
    )?)
}

/// What the ceremony hands the service for one algorithm.
pub struct Installation<'a> {
    pub root: &'a Certificate,
    pub root_signer: &'a dyn Signer,
    pub issuing: &'a Certificate,
    pub issuing_key: &'a PrivateKey,
    /// Retire the current issuing CA (rotation); otherwise fail if one is active.
    pub replace_issuing: bool,
    pub actor: &'a str,
}

impl std::fmt::Debug for Installation<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Installation")
            .field("replace_issuing", &self.replace_issuing)
            .finish_non_exhaustive()
    }
}

/// The active root row of an algorithm whose certificate is `root`, if the service has it.
async fn root_id(store: &Store, root: &Certificate) -> Result<Option<String>, AuthorityError> {
    let alg = x509::certificate_public_key(root)?.algorithm();
    let der = x509::to_der(root)?;
    Ok(repo::active_keys(store.pool(), alg.as_str())
        .await?
        .into_iter()
        .find(|r| r.role() == Some(CaRole::Root) && r.certificate == der)
        .map(|r| r.id))
}

/// Stores the root certificate (once), a root CRL, and the new issuing CA with its key sealed
/// under the operator key, in one transaction.
pub async fn install(
    store: &Store,
    operator_key: &OperatorKey,
    i: Installation<'_>,
    now: SystemTime,
) -> Result<String, AuthorityError> {
    let alg = i.issuing_key.algorithm();
    let at = unix_millis(now);
    let existing_root = root_id(store, i.root).await?;
    let mut tx = store.pool().begin().await?;
    let root_id = match existing_root {
        Some(id) => id,
        None => {
            let id = mcert_core::id::ulid(now)?;
            repo::deactivate(&mut tx, alg.as_str(), CaRole::Root).await?;
            repo::insert_key(
                &mut tx,
                &CaKeyRow {
                    id: id.clone(),
                    algorithm: alg.as_str().into(),
                    role: CaRole::Root.as_str().into(),
                    parent_id: None,
                    certificate: x509::to_der(i.root)?,
                    // Offline: the service never holds the root key.
                    protected_key: Vec::new(),
                    active: 1,
                    created_at: at,
                },
            )
            .await?;
            audit::append(
                &mut tx,
                store.engine(),
                at,
                i.actor,
                "ca.created",
                &id,
                &json!({"algorithm": alg.as_str(), "role": "root", "serial": x509::serial_hex(i.root), "key": "offline"}),
            )
            .await?;
            crl::issue_in(
                &mut tx,
                &id,
                i.root,
                i.root_signer,
                Some(Vec::new()),
                now,
                crl::ROOT_CRL_VALIDITY,
            )
            .await?;
            id
        }
    };
    if i.replace_issuing {
        repo::deactivate(&mut tx, alg.as_str(), CaRole::Issuing).await?;
    }
    let issuing_id = mcert_core::id::ulid(now)?;
    let sealed = operator_key
        .sealing_key(CA_KEY_LABEL)
        .seal_bytes(issuing_id.as_bytes(), &i.issuing_key.to_pkcs8_der()?)?;
    repo::insert_key(
        &mut tx,
        &CaKeyRow {
            id: issuing_id.clone(),
            algorithm: alg.as_str().into(),
            role: CaRole::Issuing.as_str().into(),
            parent_id: Some(root_id),
            certificate: x509::to_der(i.issuing)?,
            protected_key: sealed,
            active: 1,
            created_at: at,
        },
    )
    .await?;
    audit::append(
        &mut tx,
        store.engine(),
        at,
        i.actor,
        "ca.created",
        &issuing_id,
        &json!({"algorithm": alg.as_str(), "role": "issuing", "serial": x509::serial_hex(i.issuing)}),
    )
    .await?;
    tx.commit().await?;
    Ok(issuing_id)
}

/// Signs and stores a new root CRL (the root has revoked nothing the service tracks).
pub async fn sign_root_crl(
    store: &Store,
    root: &Certificate,
    root_signer: &dyn Signer,
    now: SystemTime,
) -> Result<i64, AuthorityError> {
    let alg = x509::certificate_public_key(root)?.algorithm();
    let id = root_id(store, root)
        .await?
        .ok_or(AuthorityError::NoCa(alg))?;
    let mut tx = store.pool().begin().await?;
    let row = crl::issue_in(
        &mut tx,
        &id,
        root,
        root_signer,
        Some(Vec::new()),
        now,
        crl::ROOT_CRL_VALIDITY,
    )
    .await?;
    tx.commit().await?;
    Ok(row.number)
}

/// The development ceremony for one algorithm: a root key (kept in `root_dir` under a
/// generated passphrase, or discarded when `None`), an issuing CA, the root CRL.
pub(crate) async fn dev_ceremony(
    store: &Store,
    operator_key: &OperatorKey,
    config: &AuthorityConfig,
    alg: Algorithm,
    root_dir: Option<&Path>,
    now: SystemTime,
) -> Result<(), AuthorityError> {
    let mut passphrase = Zeroizing::new([0u8; 32]);
    getrandom::fill(passphrase.as_mut()).map_err(|_| AuthorityError::Crypto(crypto::Error::Rng))?;
    let passphrase = Zeroizing::new(hex::encode(passphrase.as_ref()));
    let (file, root_key) = RootKeyFile::create(
        alg,
        passphrase.as_bytes(),
        KdfParams::GENERATED_PASSPHRASE,
        now,
    )?;
    let root = file.certificate()?;
    let issuing_key = PrivateKey::generate(alg)?;
    let issuing = sign_issuing(&root, &root_key, issuing_key.public_key(), config, now)?;
    install(
        store,
        operator_key,
        Installation {
            root: &root,
            root_signer: &root_key,
            issuing: &issuing,
            issuing_key: &issuing_key,
            replace_issuing: false,
            actor: "system",
        },
        now,
    )
    .await?;
    if let Some(dir) = root_dir {
        let write = |path: PathBuf, data: &[u8]| {
            // A data folder reused with a fresh database: the old files belong to a root the
            // database no longer knows.
            let _ = std::fs::remove_file(&path);
            crate::server::write_private(&path, data)
                .map_err(|e| AuthorityError::RootFile(format!("{}: {e}", path.display())))
        };
        write(RootKeyFile::path_in(dir, alg), file.to_json()?.as_bytes())?;
        write(
            dir.join(format!("root-{}.passphrase", alg.as_str())),
            passphrase.as_bytes(),
        )?;
        tracing::warn!(
            dir = %dir.display(),
            algorithm = alg.as_str(),
            "development mode: root CA ceremony performed automatically; the root key file and its generated passphrase are in the data folder"
        );
    }
    Ok(())
}
