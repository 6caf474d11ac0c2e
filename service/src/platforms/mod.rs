//! Relying platforms (招投标平台) as API clients: registration by the operator (name, logo,
//! allowed callback URLs), bearer API keys stored hashed, and the per-platform secret that
//! signs callbacks. The tables belong to [`repo`].

pub mod repo;

use std::sync::Arc;

use mcert_core::clock::{Clock, unix_millis};
use mcert_core::crypto::hash;
use serde_json::json;
use zeroize::Zeroizing;

use crate::audit;
use crate::store::{Store, StoreError};

/// Prefix of platform API keys (account tokens start `mct_`).
pub const API_KEY_PREFIX: &str = "mcp_";

#[derive(Debug, thiserror::Error)]
pub enum PlatformError {
    #[error("platform id must be 2 to 32 lower-case letters, digits or '-'")]
    BadId,
    #[error("platform name: {0}")]
    BadName(String),
    #[error("callback URL {0}: must be https, or http on a loopback address")]
    BadUrl(String),
    #[error("no such platform: {0}")]
    Unknown(String),
    #[error("unknown or revoked API key")]
    Unauthorized,
    #[error("random number generator failed")]
    Rng,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for PlatformError {
    fn from(e: sqlx::Error) -> Self {
        PlatformError::Store(StoreError::Database(e))
    }
}

/// What the operator registers.
#[derive(Clone, Debug, Default)]
pub struct Registration {
    pub id: String,
    pub name: String,
    pub logo_url: Option<String>,
    pub callback_urls: Vec<String>,
}

/// A registered platform.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegisteredPlatform {
    pub id: String,
    pub name: String,
    pub logo_url: Option<String>,
    pub callback_urls: Vec<String>,
}

/// What a platform receives once, at registration or key rotation.
pub struct Credentials {
    pub platform_id: String,
    pub api_key: Zeroizing<String>,
    pub callback_secret: Zeroizing<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("platform_id", &self.platform_id)
            .finish_non_exhaustive()
    }
}

/// The platform registry.
#[derive(Clone)]
pub struct Platforms {
    store: Store,
    clock: Arc<dyn Clock>,
    callback_key: Arc<Zeroizing<[u8; 32]>>,
}

impl std::fmt::Debug for Platforms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Platforms")
    }
}

fn check_url(url: &str) -> Result<(), PlatformError> {
    let bad = || PlatformError::BadUrl(url.to_string());
    let parsed = reqwest::Url::parse(url).map_err(|_| bad())?;
    let loopback = matches!(parsed.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(bad()),
    }
}

impl Platforms {
    /// `callback_key` derives each platform's callback secret (from the operator key).
    pub fn new(store: Store, clock: Arc<dyn Clock>, callback_key: Zeroizing<[u8; 32]>) -> Self {
        Platforms {
            store,
            clock,
            callback_key: Arc::new(callback_key),
        }
    }

    /// The secret that signs callbacks to `platform_id` (`X-Mcert-Signature`).
    pub fn callback_secret(&self, platform_id: &str) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(hash::hmac_sha256(
            &self.callback_key[..],
            &[b"callback:", platform_id.as_bytes()],
        )))
    }

    /// Registers a platform, or updates its name, logo and callbacks, and issues a new API key.
    pub async fn register(&self, reg: &Registration) -> Result<Credentials, PlatformError> {
        let id_ok = (2..=32).contains(&reg.id.len())
            && reg
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !id_ok {
            return Err(PlatformError::BadId);
        }
        mcert_core::scan::validate_platform_name(&reg.name)
            .map_err(|e| PlatformError::BadName(e.to_string()))?;
        for url in reg.callback_urls.iter().chain(reg.logo_url.iter()) {
            check_url(url)?;
        }
        let now = unix_millis(self.clock.now());
        let urls = serde_json::to_string(&reg.callback_urls).unwrap_or_else(|_| "[]".into());
        let mut tx = self.store.pool().begin().await?;
        repo::upsert(
            &mut tx,
            &reg.id,
            &reg.name,
            reg.logo_url.as_deref(),
            &urls,
            now,
        )
        .await?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            "operator",
            "platform.registered",
            &reg.id,
            &json!({"name": reg.name, "callback_urls": reg.callback_urls}),
        )
        .await?;
        tx.commit().await?;
        let api_key = self.new_key(&reg.id).await?;
        Ok(Credentials {
            platform_id: reg.id.clone(),
            api_key,
            callback_secret: self.callback_secret(&reg.id),
        })
    }

    /// Issues another API key for a platform (old keys stay valid until revoked).
    pub async fn new_key(&self, platform_id: &str) -> Result<Zeroizing<String>, PlatformError> {
        let mut raw = Zeroizing::new([0u8; 32]);
        getrandom::fill(raw.as_mut()).map_err(|_| PlatformError::Rng)?;
        let key = Zeroizing::new(format!("{API_KEY_PREFIX}{}", hex::encode(raw.as_ref())));
        let now = unix_millis(self.clock.now());
        let mut tx = self.store.pool().begin().await?;
        if !repo::exists(&mut tx, platform_id).await? {
            return Err(PlatformError::Unknown(platform_id.to_string()));
        }
        let key_hash = hex::encode(hash::sha256(key.as_bytes()));
        repo::insert_key(&mut tx, &key_hash, platform_id, now).await?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            "operator",
            "platform.key_issued",
            platform_id,
            &json!({"key": &key_hash[..16]}),
        )
        .await?;
        tx.commit().await?;
        Ok(key)
    }

    /// Revokes every API key of a platform.
    pub async fn revoke_keys(&self, platform_id: &str) -> Result<u64, PlatformError> {
        let now = unix_millis(self.clock.now());
        let mut tx = self.store.pool().begin().await?;
        let n = repo::revoke_keys(&mut tx, platform_id, now).await?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            "operator",
            "platform.keys_revoked",
            platform_id,
            &json!({"count": n}),
        )
        .await?;
        tx.commit().await?;
        Ok(n)
    }

    /// The platform behind an API key.
    pub async fn authenticate(&self, api_key: &str) -> Result<RegisteredPlatform, PlatformError> {
        if !api_key.starts_with(API_KEY_PREFIX) || api_key.len() != API_KEY_PREFIX.len() + 64 {
            return Err(PlatformError::Unauthorized);
        }
        let key_hash = hex::encode(hash::sha256(api_key.as_bytes()));
        let id = repo::platform_of_key(self.store.pool(), &key_hash)
            .await?
            .ok_or(PlatformError::Unauthorized)?;
        self.get(&id).await
    }

    pub async fn get(&self, platform_id: &str) -> Result<RegisteredPlatform, PlatformError> {
        let row = repo::get(self.store.pool(), platform_id)
            .await?
            .ok_or_else(|| PlatformError::Unknown(platform_id.to_string()))?;
        Ok(RegisteredPlatform {
            callback_urls: serde_json::from_str(&row.callback_urls).unwrap_or_default(),
            id: row.id,
            name: row.name,
            logo_url: row.logo_url,
        })
    }
}
