//! Real-name verification (seed 000 §2.1 B): bank-card four-factor (name, ID number, card,
//! reserved phone) or phone three-factor (name, ID number, phone), each with a face-liveness
//! token from the app. Checks go through an [`IdentityProvider`]; the development provider is
//! deterministic and refused outside `--dev`. ID numbers are validated (GB 11643), stored
//! encrypted, and shown masked.

use std::sync::Arc;

use mcert_core::clock::{Clock, unix_millis};
use mcert_core::crypto::hash;
use mcert_core::validate;

use serde_json::json;
use zeroize::Zeroizing;

pub use mcert_core::wire::{Method, VerificationRequest, VerifiedIdentity};
pub use provider::{
    DEV_FACE_TOKEN, DevIdentityProvider, IdentityProvider, WebhookIdentityProvider,
};

mod provider;
pub mod repo;

use crate::audit;
use crate::authz::OwnAccount;
use crate::limits::{self, Limit};
use crate::seal_at_rest::SealingKey;
use crate::store::{Store, StoreError};

/// Verification attempts an account may make per day.
pub const ATTEMPTS_PER_DAY: i64 = 10;
const DAY_MS: i64 = 86_400_000;

/// A provider's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Pass {
        reference: String,
    },
    /// The factors do not belong together (e.g. the card is not the person's).
    Mismatch,
    /// The face-liveness check failed.
    NotLive,
}

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error("name must be 2 to 30 characters")]
    BadName,
    #[error("invalid identity number")]
    BadIdNumber,
    #[error("invalid bank card number")]
    BadBankCard,
    #[error("invalid mobile number")]
    BadPhone,
    #[error("the factors do not match")]
    Mismatch,
    #[error("face liveness check failed")]
    NotLive,
    #[error("too many verification attempts today")]
    TooManyAttempts,
    #[error("identity provider failed: {0}")]
    Provider(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("encryption failed")]
    Crypto,
}

impl From<sqlx::Error> for IdentityError {
    fn from(e: sqlx::Error) -> Self {
        IdentityError::Store(StoreError::Database(e))
    }
}

/// Real-name verification service.
#[derive(Clone)]
pub struct Identities {
    store: Store,
    clock: Arc<dyn Clock>,
    provider: Arc<dyn IdentityProvider>,
    seal_key: Arc<SealingKey>,
    lookup_key: Arc<Zeroizing<[u8; 32]>>,
}

impl std::fmt::Debug for Identities {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identities")
            .field("provider", &self.provider)
            .finish_non_exhaustive()
    }
}

impl Identities {
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        provider: Arc<dyn IdentityProvider>,
        seal_key: Zeroizing<[u8; 32]>,
        lookup_key: Zeroizing<[u8; 32]>,
    ) -> Self {
        Identities {
            store,
            clock,
            provider,
            seal_key: Arc::new(SealingKey::new("identity number seal", seal_key)),
            lookup_key: Arc::new(lookup_key),
        }
    }

    fn seal(&self, account_id: &str, id_number: &str) -> Result<Vec<u8>, IdentityError> {
        self.seal_key
            .seal_bytes(account_id.as_bytes(), id_number.as_bytes())
            .map_err(|_| IdentityError::Crypto)
    }

    /// Opens a sealed identity number (for issuing certificates to its owner).
    pub fn open(
        &self,
        account_id: &str,
        sealed: &[u8],
    ) -> Result<Zeroizing<String>, IdentityError> {
        let pt = self
            .seal_key
            .open_bytes(account_id.as_bytes(), sealed)
            .map_err(|_| IdentityError::Crypto)?;
        String::from_utf8(pt.to_vec())
            .map(Zeroizing::new)
            .map_err(|_| IdentityError::Crypto)
    }

    /// Seals the identity number of someone who is not (or not only) an account holder — a
    /// legal representative, a member, a certificate's owner — bound to `context` (a
    /// namespaced id such as `member:<id>`, never an account id).
    pub fn seal_number(&self, context: &str, id_number: &str) -> Result<Vec<u8>, IdentityError> {
        self.seal(context, id_number)
    }

    /// Opens what [`seal_number`](Self::seal_number) sealed.
    pub fn open_number(
        &self,
        context: &str,
        sealed: &[u8],
    ) -> Result<Zeroizing<String>, IdentityError> {
        self.open(context, sealed)
    }

    /// Checks another person's factors and face (a legal representative authorising their
    /// organisation) without recording an identity; `limit_key` counts the attempts per day.
    pub async fn check_person(
        &self,
        limit_key: &str,
        req: &VerificationRequest,
    ) -> Result<String, IdentityError> {
        if !validate::is_mobile(&req.phone) {
            return Err(IdentityError::BadPhone);
        }
        let now = unix_millis(self.clock.now());
        let mut tx = self.store.begin().await?;
        let counted = limits::take(
            &mut tx,
            limit_key,
            Limit {
                max: ATTEMPTS_PER_DAY,
                window: std::time::Duration::from_millis(DAY_MS as u64),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        if counted.is_err() {
            return Err(IdentityError::TooManyAttempts);
        }
        match self.provider.verify(req).await? {
            Verdict::Pass { reference } => Ok(reference),
            Verdict::Mismatch => Err(IdentityError::Mismatch),
            Verdict::NotLive => Err(IdentityError::NotLive),
        }
    }

    /// The verified name and identity-number lookup hash of an account, to match it against a
    /// member or owner record.
    pub async fn lookup_of(
        &self,
        account_id: &str,
    ) -> Result<Option<(String, String)>, IdentityError> {
        Ok(repo::lookup(self.store.pool(), account_id).await?)
    }

    /// When the account's identity was last verified (Unix ms), if ever.
    pub async fn verified_at(&self, account_id: &str) -> Result<Option<i64>, IdentityError> {
        Ok(repo::shown(self.store.pool(), account_id)
            .await?
            .map(|r| r.verified_at))
    }

    /// A keyed hash of an identity number, to find a person without decrypting every record.
    pub fn lookup_hash(&self, id_number: &str) -> String {
        hex::encode(hash::hmac_sha256(
            &self.lookup_key[..],
            &[id_number.to_ascii_uppercase().as_bytes()],
        ))
    }

    /// The subject identifier personal certificates carry in the subject's serialNumber
    /// instead of the identity number: the keyed lookup hash (HMAC-SHA256 under a key derived
    /// from the operator key, 64 hex digits). It is stable per person, so subject names stay
    /// unique and the service matches a platform's expected person (given by identity number)
    /// against a certificate without the number ever being in the certificate; without the
    /// operator key it cannot be reversed by trying the ~10^10 plausible identity numbers.
    pub fn subject_id(&self, id_number: &str) -> String {
        self.lookup_hash(id_number)
    }

    /// Checks the request's form, asks the provider, and records the verified identity.
    pub async fn verify(
        &self,
        owner: &OwnAccount,
        req: &VerificationRequest,
    ) -> Result<VerifiedIdentity, IdentityError> {
        let account_id = owner.account_id();
        let name = req.name.trim();
        if !validate::is_person_name(name) {
            return Err(IdentityError::BadName);
        }
        if !validate::is_id_number(&req.id_number) {
            return Err(IdentityError::BadIdNumber);
        }
        if !validate::is_mobile(&req.phone) {
            return Err(IdentityError::BadPhone);
        }
        if req.method == Method::BankCard
            && !req.bank_card.as_deref().is_some_and(validate::is_bank_card)
        {
            return Err(IdentityError::BadBankCard);
        }
        let now_t = self.clock.now();
        let now = unix_millis(now_t);
        // The attempt is counted before the provider is asked, under the account's rate lock,
        // so parallel requests cannot outrun the daily limit.
        let mut tx = self.store.begin().await?;
        let counted = limits::take(
            &mut tx,
            &format!("identity:{account_id}"),
            Limit {
                max: ATTEMPTS_PER_DAY,
                window: std::time::Duration::from_millis(DAY_MS as u64),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        if counted.is_err() {
            return Err(IdentityError::TooManyAttempts);
        }
        let verdict = self.provider.verify(req).await?;
        let outcome = match &verdict {
            Verdict::Pass { .. } => "pass",
            Verdict::Mismatch => "mismatch",
            Verdict::NotLive => "not_live",
        };
        let attempt_id = mcert_core::id::ulid(now_t).map_err(|_| IdentityError::Crypto)?;
        let mut tx = self.store.begin().await?;
        repo::insert_attempt(
            &mut tx,
            &attempt_id,
            account_id,
            req.method.as_str(),
            outcome,
            now,
        )
        .await?;
        let reference = match verdict {
            Verdict::Pass { reference } => reference,
            Verdict::Mismatch | Verdict::NotLive => {
                audit::append(
                    &mut tx,
                    self.store.engine(),
                    now,
                    &format!("account:{account_id}"),
                    "identity.failed",
                    account_id,
                    &json!({"method": req.method.as_str(), "outcome": outcome}),
                )
                .await?;
                tx.commit().await?;
                return Err(if outcome == "mismatch" {
                    IdentityError::Mismatch
                } else {
                    IdentityError::NotLive
                });
            }
        };
        let id_number = req.id_number.to_ascii_uppercase();
        let masked = validate::mask_id_number(&id_number);
        // One verified identity per account; verifying again replaces it.
        repo::replace(
            &mut tx,
            &repo::NewIdentity {
                account_id,
                name,
                id_number_sealed: &self.seal(account_id, &id_number)?,
                id_number_masked: &masked,
                id_number_lookup: &self.lookup_hash(&id_number),
                method: req.method.as_str(),
                provider_ref: &reference,
                verified_at: now,
            },
        )
        .await?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &format!("account:{account_id}"),
            "identity.verified",
            account_id,
            &json!({"method": req.method.as_str(), "id_number": masked}),
        )
        .await?;
        tx.commit().await?;
        Ok(VerifiedIdentity {
            name: name.to_string(),
            id_number_masked: masked,
            method: req.method,
            verified_at: mcert_core::clock::rfc3339(now_t),
        })
    }

    /// The account's verified identity, if any.
    pub async fn get(&self, owner: &OwnAccount) -> Result<Option<VerifiedIdentity>, IdentityError> {
        let account_id = owner.account_id();
        let Some(row) = repo::shown(self.store.pool(), account_id).await? else {
            return Ok(None);
        };
        Ok(Some(VerifiedIdentity {
            name: row.name,
            id_number_masked: row.id_number_masked,
            method: if row.method == Method::BankCard.as_str() {
                Method::BankCard
            } else {
                Method::Phone
            },
            verified_at: mcert_core::clock::rfc3339(mcert_core::clock::from_unix_millis(
                row.verified_at,
            )),
        }))
    }

    /// The verified name and (opened) ID number of an account, for a certificate's subject.
    pub async fn person(
        &self,
        account_id: &str,
    ) -> Result<Option<(String, Zeroizing<String>)>, IdentityError> {
        let row = repo::sealed(self.store.pool(), account_id).await?;
        let Some((name, sealed)) = row else {
            return Ok(None);
        };
        Ok(Some((name, self.open(account_id, &sealed)?)))
    }
}
