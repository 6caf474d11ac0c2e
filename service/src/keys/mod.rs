//! Key management (密钥管理, KM): the encryption half of every dual certificate.
//!
//! The signing key is made on the phone and never leaves it. The encryption key pair is made
//! here, escrowed sealed under the **KM master key** (its own 32-byte secret, neither the operator
//! key nor a CA key; see [`KmMasterKey`]), certified by the CA as an encryption certificate
//! (GM/T 0015 Table C.4 / RFC 8813 key usage) and delivered to the phone as an envelope to the
//! signing certificate ([`mcert_core::crypto::key_envelope`]). Platforms seal bids to the
//! encryption certificate.
//!
//! A key belongs to its certificate slot (entitlement). Every later certificate of the slot —
//! renewal, reissue on a new phone, a PIN reset, a rename, a migration — continues the newest
//! key (a new encryption certificate for the same key pair) and receives every key the slot
//! ever had, so every bid sealed to any of them still opens.
//!
//! Who may make the KM release a key: only the holder of the slot, and only as an envelope to a
//! signing certificate that the CA has just issued for that slot in the same unit of work (the
//! holder proved who they are to get it). Every delivery is audited (`key.delivered`). The
//! service never hands out a key in the clear.

mod recovery;
pub mod repo;

use std::sync::Arc;
use std::time::Duration;

use mcert_core::clock::{Clock, unix_millis};
use mcert_core::crypto::name::SubjectName;
use mcert_core::crypto::x509::{self, Profile};
use mcert_core::crypto::{PrivateKey, key_envelope};
use mcert_core::wire::DeliveredKey;
use serde_json::json;
use zeroize::Zeroizing;

use crate::audit;
use crate::authority::{Authority, AuthorityError, IssueRequest, OperatorKey};
use crate::seal_at_rest::SealingKey;
use crate::store::{Store, Tx};

/// The key-management master key: it seals every escrowed encryption key. Kept apart from the
/// operator key (`km-master.key` beside `operator.key` in development; `MCERT_KM_KEY` or
/// `MCERT_KM_KEY_FILE` in production), so the holder of one cannot open the other's secrets.
pub struct KmMasterKey(OperatorKey);

impl std::fmt::Debug for KmMasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KmMasterKey([redacted])")
    }
}

/// The sealing purpose of escrowed keys under the KM master key.
const ESCROW_LABEL: &str = "escrowed encryption keys";

impl KmMasterKey {
    /// From 64 hex digits (surrounding whitespace ignored).
    pub fn from_hex(text: &str) -> Result<Self, AuthorityError> {
        Ok(KmMasterKey(OperatorKey::from_hex(text)?))
    }

    pub fn generate() -> Result<Self, AuthorityError> {
        Ok(KmMasterKey(OperatorKey::generate()?))
    }

    pub fn to_hex(&self) -> Zeroizing<String> {
        self.0.to_hex()
    }

    /// Whether this is the same secret as the operator key (refused: the two must differ).
    pub fn same_as(&self, operator: &OperatorKey) -> bool {
        mcert_core::crypto::hash::ct_eq(self.0.to_hex().as_bytes(), operator.to_hex().as_bytes())
    }

    fn sealing_key(&self) -> SealingKey {
        self.0.sealing_key(ESCROW_LABEL)
    }
}

/// What a new signing certificate of a slot brings with it.
#[derive(Debug)]
pub struct Provide<'a> {
    pub entitlement_id: &'a str,
    /// The signing certificate just issued for the slot (DER) and its serial.
    pub signing_serial: &'a str,
    pub signing_certificate: &'a [u8],
    pub subject: SubjectName,
    /// The signing certificate's profile; the encryption certificate takes its pair.
    pub profile: Profile,
    pub validity: Duration,
    pub actor: &'a str,
}

/// The key-management function.
#[derive(Clone)]
pub struct KeyManager {
    store: Store,
    clock: Arc<dyn Clock>,
    authority: Authority,
    master: Arc<SealingKey>,
}

impl std::fmt::Debug for KeyManager {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyManager")
            .field("master", &self.master)
            .finish_non_exhaustive()
    }
}

impl KeyManager {
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        authority: Authority,
        master: &KmMasterKey,
    ) -> Self {
        KeyManager {
            store,
            clock,
            authority,
            master: Arc::new(master.sealing_key()),
        }
    }

    fn aad(key_id: &str) -> Vec<u8> {
        format!("escrowed key {key_id}").into_bytes()
    }

    /// Makes an encryption key pair for the slot and escrows it (sealed under the KM master key).
    async fn escrow_new_key(
        &self,
        tx: &mut Tx,
        entitlement_id: &str,
        alg: mcert_core::crypto::Algorithm,
        now_t: std::time::SystemTime,
    ) -> Result<repo::EscrowedKeyRow, AuthorityError> {
        let now = unix_millis(now_t);
        let key = PrivateKey::generate(alg)?;
        let id = mcert_core::id::ulid(now_t).map_err(|_| mcert_core::crypto::Error::Rng)?;
        let public_key = key.public_key().to_spki_der()?;
        let key_sealed = self
            .master
            .seal_bytes(&Self::aad(&id), &key.to_pkcs8_der()?)?;
        repo::insert_key(
            tx,
            &repo::NewEscrowedKey {
                id: &id,
                entitlement_id,
                algorithm: alg.as_str(),
                public_key: &public_key,
                key_sealed: &key_sealed,
                created_at: now,
            },
        )
        .await?;
        audit::append(
            tx,
            self.store.engine(),
            now,
            "system:km",
            "key.escrowed",
            &id,
            &json!({"entitlement": entitlement_id, "algorithm": alg.as_str()}),
        )
        .await?;
        Ok(repo::EscrowedKeyRow {
            id,
            algorithm: alg.as_str().into(),
            public_key,
            key_sealed,
        })
    }

    /// Inside the unit of work that issued a slot's signing certificate: continues the slot's
    /// newest encryption key (or makes the first), issues its encryption certificate for the new
    /// signing certificate, and returns every key of the slot sealed to the signing certificate.
    pub async fn provide_in(
        &self,
        tx: &mut Tx,
        req: Provide<'_>,
    ) -> Result<Vec<DeliveredKey>, AuthorityError> {
        let signing = x509::parse_certificate(req.signing_certificate)?;
        let alg = x509::certificate_public_key(&signing)?.algorithm();
        let enc_profile = req
            .profile
            .encryption_pair()
            .ok_or(AuthorityError::BadRequest(
                mcert_core::crypto::Error::InvalidInput(
                    "only a signing leaf certificate has an encryption pair",
                ),
            ))?;
        let now_t = self.clock.now();
        let now = unix_millis(now_t);
        let mut keys: Vec<repo::EscrowedKeyRow> = repo::keys_of_entitlement(tx, req.entitlement_id)
            .await?
            .into_iter()
            .filter(|k| k.algorithm == alg.as_str())
            .collect();
        // The newest key continues unless it was reported compromised (挂失 of a phone that
        // held it): then the slot gets a fresh one, and the old ones still come along.
        let newest_usable = match keys.last() {
            Some(k) => {
                let public = mcert_core::crypto::PublicKey::from_spki_der(&k.public_key)?;
                !self.authority.is_compromised_in(tx, &public).await?
            }
            None => false,
        };
        let current = match keys.last() {
            Some(k) if newest_usable => k.clone(),
            _ => {
                let fresh = self
                    .escrow_new_key(tx, req.entitlement_id, alg, now_t)
                    .await?;
                keys.push(fresh.clone());
                fresh
            }
        };
        let issued = self
            .authority
            .issue_key_in(
                tx,
                mcert_core::crypto::PublicKey::from_spki_der(&current.public_key)?,
                IssueRequest {
                    csr: &[],
                    subject: req.subject,
                    profile: enc_profile,
                    validity: req.validity,
                    entitlement_id: Some(req.entitlement_id),
                    actor: req.actor,
                },
            )
            .await?;
        repo::insert_certificate(tx, &issued.serial, &current.id, req.signing_serial, now).await?;
        let certificates = repo::certificates_of_entitlement(tx, req.entitlement_id).await?;
        let mut delivered = Vec::with_capacity(keys.len());
        for key in keys.iter().rev() {
            let pkcs8 = self
                .master
                .open_bytes(&Self::aad(&key.id), &key.key_sealed)?;
            let envelope = key_envelope::seal(&signing, &pkcs8)?;
            let mut ders = Vec::new();
            let mut serials = Vec::new();
            for c in certificates.iter().filter(|c| c.key_id == key.id) {
                if let Some((_, der)) = crate::ca::repo::issuer_and_der(tx, &c.serial).await? {
                    ders.push(b64(&der));
                    serials.push(c.serial.clone());
                }
            }
            delivered.push(DeliveredKey {
                serial: serials.first().cloned().unwrap_or_default(),
                envelope: b64(&envelope),
                certificates: ders,
            });
        }
        audit::append(
            tx,
            self.store.engine(),
            now,
            req.actor,
            "key.delivered",
            req.signing_serial,
            &json!({
                "entitlement": req.entitlement_id,
                "encryption_certificate": issued.serial,
                "keys": keys.iter().map(|k| k.id.as_str()).collect::<Vec<_>>(),
            }),
        )
        .await?;
        Ok(delivered)
    }
}

/// The encryption certificate (DER) paired with the signing certificate `signing_serial`, if
/// it has one: what a platform seals bids to.
pub async fn pair_der(
    conn: &mut sqlx::AnyConnection,
    signing_serial: &str,
) -> Result<Option<Vec<u8>>, sqlx::Error> {
    let Some(serial) = repo::pair_of(&mut *conn, signing_serial).await? else {
        return Ok(None);
    };
    Ok(crate::ca::repo::issuer_and_der(conn, &serial)
        .await?
        .map(|(_, der)| der))
}

fn b64(bytes: &[u8]) -> String {
    use base64ct::Encoding;
    base64ct::Base64::encode_string(bytes)
}
