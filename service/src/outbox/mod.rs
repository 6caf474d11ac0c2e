//! The outbox: side effects (an SMS, a platform callback, a CRL refresh) are enqueued inside
//! the transaction of the change that causes them, so they happen if and only if it commits,
//! and a worker delivers them with retries, surviving a restart. A job is claimed with a lease
//! by one worker at a time, even across service processes; a worker that dies mid-delivery
//! loses its lease and the job is tried again (delivery is at least once: handlers are
//! idempotent or harmless when repeated).
//!
//! Payloads are JSON sealed with AES-256-GCM under a key derived from the operator key (an
//! SMS payload carries a login code, which must not sit in the database in clear); the job's
//! id and kind are the associated data.

pub mod repo;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use mcert_core::clock::{Clock, unix_millis};
use mcert_core::crypto::aead::{AeadAlgorithm, NONCE_LEN};
use tokio::sync::Notify;
use zeroize::Zeroizing;

use crate::store::{Store, StoreError, Tx};

/// What a job does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// A text to a phone.
    Sms,
    /// A signed callback to a relying platform.
    Callback,
    /// Re-issue a CA's CRL.
    CrlRefresh,
    /// Issue an invoice through the invoice provider.
    Invoice,
}

impl JobKind {
    pub fn as_str(self) -> &'static str {
        match self {
            JobKind::Sms => "sms",
            JobKind::Callback => "callback",
            JobKind::CrlRefresh => "crl_refresh",
            JobKind::Invoice => "invoice",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "sms" => Some(JobKind::Sms),
            "callback" => Some(JobKind::Callback),
            "crl_refresh" => Some(JobKind::CrlRefresh),
            "invoice" => Some(JobKind::Invoice),
            _ => None,
        }
    }
}

/// Where a job is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobState {
    Pending,
    Done,
    /// Tried [`MAX_ATTEMPTS`] times, or refused by its handler for good.
    Failed,
    /// Its deadline passed before it could be delivered (e.g. an SMS code that expired).
    Expired,
}

impl JobState {
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Pending => "pending",
            JobState::Done => "done",
            JobState::Failed => "failed",
            JobState::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(JobState::Pending),
            "done" => Some(JobState::Done),
            "failed" => Some(JobState::Failed),
            "expired" => Some(JobState::Expired),
            _ => None,
        }
    }
}

/// Tries before a job is given up.
pub const MAX_ATTEMPTS: i64 = 8;
/// How long a claimed job is reserved for the worker that claimed it.
pub const LEASE: Duration = Duration::from_secs(60);
/// How often the worker looks for due jobs when nothing wakes it.
pub const POLL: Duration = Duration::from_secs(2);

/// Why a delivery did not happen.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// Worth another try later (network, a 5xx).
    #[error("{0}")]
    Retry(String),
    /// Never going to work (a payload the handler cannot read).
    #[error("{0}")]
    Permanent(String),
}

/// Delivers the jobs of one kind.
#[async_trait::async_trait]
pub trait JobHandler: Send + Sync + std::fmt::Debug {
    async fn deliver(&self, payload: &serde_json::Value) -> Result<(), DeliveryError>;
}

#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("outbox payload: {0}")]
    Payload(&'static str),
    #[error("random number generator failed")]
    Rng,
}

impl From<sqlx::Error> for OutboxError {
    fn from(e: sqlx::Error) -> Self {
        OutboxError::Store(StoreError::Database(e))
    }
}

/// Backoff before try `attempt + 1`: 2 s, 4 s, 8 s … capped at 10 minutes.
pub fn backoff(attempt: i64) -> Duration {
    let exp = u32::try_from(attempt.clamp(1, 10)).unwrap_or(10);
    Duration::from_secs((1u64 << exp).min(600))
}

/// The outbox of one service process.
#[derive(Clone)]
pub struct Outbox {
    store: Store,
    clock: Arc<dyn Clock>,
    key: Arc<Zeroizing<[u8; 32]>>,
    handlers: Arc<RwLock<HashMap<JobKind, Arc<dyn JobHandler>>>>,
    wake: Arc<Notify>,
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbox").finish_non_exhaustive()
    }
}

/// A job made inside a unit of work; deliver it right after the commit with
/// [`Outbox::deliver_now`] to save the worker's delay (the worker is the safety net).
#[derive(Debug, Clone)]
pub struct Enqueued(pub String);

impl Outbox {
    /// `key` seals payloads (derived from the operator key).
    pub fn new(store: Store, clock: Arc<dyn Clock>, key: Zeroizing<[u8; 32]>) -> Self {
        Outbox {
            store,
            clock,
            key: Arc::new(key),
            handlers: Arc::new(RwLock::new(HashMap::new())),
            wake: Arc::new(Notify::new()),
        }
    }

    /// Says who delivers jobs of `kind` in this process.
    pub fn register(&self, kind: JobKind, handler: Arc<dyn JobHandler>) {
        let mut map = self.handlers.write().unwrap_or_else(|e| e.into_inner());
        map.insert(kind, handler);
    }

    fn handler(&self, kind: JobKind) -> Option<Arc<dyn JobHandler>> {
        let map = self.handlers.read().unwrap_or_else(|e| e.into_inner());
        map.get(&kind).cloned()
    }

    fn seal(
        &self,
        id: &str,
        kind: JobKind,
        payload: &serde_json::Value,
    ) -> Result<String, OutboxError> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|_| OutboxError::Rng)?;
        let plain = Zeroizing::new(payload.to_string().into_bytes());
        let ct = AeadAlgorithm::Aes256Gcm
            .seal(&self.key[..], &nonce, &plain, &aad(id, kind))
            .map_err(|_| OutboxError::Payload("cannot seal"))?;
        Ok(format!("{}{}", hex::encode(nonce), hex::encode(ct)))
    }

    fn open(
        &self,
        id: &str,
        kind: JobKind,
        sealed: &str,
    ) -> Result<serde_json::Value, OutboxError> {
        let raw = hex::decode(sealed).map_err(|_| OutboxError::Payload("not hex"))?;
        if raw.len() < NONCE_LEN {
            return Err(OutboxError::Payload("too short"));
        }
        let (nonce, ct) = raw.split_at(NONCE_LEN);
        let plain = AeadAlgorithm::Aes256Gcm
            .open(&self.key[..], nonce, ct, &aad(id, kind))
            .map_err(|_| OutboxError::Payload("does not open under the outbox key"))?;
        serde_json::from_slice(&plain).map_err(|_| OutboxError::Payload("not JSON"))
    }

    /// Adds a job to the caller's unit of work; it exists only if that commits. `deadline`:
    /// give up delivering after this long.
    pub async fn enqueue(
        &self,
        tx: &mut Tx,
        kind: JobKind,
        payload: &serde_json::Value,
        deadline: Option<Duration>,
    ) -> Result<Enqueued, OutboxError> {
        let now_t = self.clock.now();
        let now = unix_millis(now_t);
        let id = mcert_core::id::ulid(now_t).map_err(|_| OutboxError::Rng)?;
        let sealed = self.seal(&id, kind, payload)?;
        let expires_at =
            deadline.map(|d| now + i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 2));
        repo::insert(
            tx,
            &repo::NewJob {
                id: &id,
                kind,
                payload: &sealed,
                now,
                expires_at,
            },
        )
        .await?;
        Ok(Enqueued(id))
    }

    /// [`enqueue`](Self::enqueue) of an SMS of `text` to `phone`, without a deadline.
    pub async fn enqueue_sms(
        &self,
        tx: &mut Tx,
        phone: &str,
        text: &str,
    ) -> Result<Enqueued, OutboxError> {
        self.enqueue(
            tx,
            JobKind::Sms,
            &serde_json::json!({"phone": phone, "text": text}),
            None,
        )
        .await
    }

    /// Tries a just-committed job at once (the caller's request waits for it); whatever
    /// happens, the job stays the worker's to retry. Returns whether it was delivered.
    pub async fn deliver_now(&self, job: &Enqueued) -> bool {
        match self.try_job(&job.0).await {
            Ok(delivered) => delivered,
            Err(e) => {
                tracing::warn!(job = %job.0, error = %e, "outbox delivery failed");
                self.wake.notify_one();
                false
            }
        }
    }

    /// Claims and delivers one job. `Ok(true)` when this call delivered it.
    async fn try_job(&self, id: &str) -> Result<bool, OutboxError> {
        let now = unix_millis(self.clock.now());
        let lease = i64::try_from(LEASE.as_millis()).unwrap_or(60_000);
        let Some(job) = repo::claim(&self.store, id, now, lease).await? else {
            return Ok(false);
        };
        if job.expires_at.is_some_and(|at| at <= now) {
            repo::finish(&self.store, id, JobState::Expired, now, None).await?;
            return Ok(false);
        }
        let Some(kind) = job.kind() else {
            repo::finish(&self.store, id, JobState::Failed, now, Some("unknown kind")).await?;
            return Ok(false);
        };
        let Some(handler) = self.handler(kind) else {
            // Another process may have the handler; give the lease back soon.
            repo::retry_at(&self.store, id, now + 1000, "no handler in this process").await?;
            return Ok(false);
        };
        let payload = match self.open(id, kind, &job.payload) {
            Ok(p) => p,
            Err(e) => {
                repo::finish(&self.store, id, JobState::Failed, now, Some(&e.to_string())).await?;
                return Ok(false);
            }
        };
        let outcome = handler.deliver(&payload).await;
        let now = unix_millis(self.clock.now());
        match outcome {
            Ok(()) => {
                repo::finish(&self.store, id, JobState::Done, now, None).await?;
                Ok(true)
            }
            Err(DeliveryError::Permanent(e)) => {
                repo::finish(&self.store, id, JobState::Failed, now, Some(&e)).await?;
                Ok(false)
            }
            Err(DeliveryError::Retry(e)) if job.attempts >= MAX_ATTEMPTS => {
                repo::finish(&self.store, id, JobState::Failed, now, Some(&e)).await?;
                Ok(false)
            }
            Err(DeliveryError::Retry(e)) => {
                let wait = i64::try_from(backoff(job.attempts).as_millis()).unwrap_or(600_000);
                repo::retry_at(&self.store, id, now + wait, &e).await?;
                Ok(false)
            }
        }
    }

    /// Delivers every job that is due now; returns how many were delivered.
    pub async fn run_due(&self) -> Result<usize, OutboxError> {
        let mut delivered = 0;
        loop {
            let now = unix_millis(self.clock.now());
            let ids = repo::due(&self.store, now, 32).await?;
            if ids.is_empty() {
                return Ok(delivered);
            }
            let mut progressed = false;
            for id in &ids {
                match self.try_job(id).await {
                    Ok(true) => {
                        delivered += 1;
                        progressed = true;
                    }
                    Ok(false) => {}
                    Err(e) => tracing::warn!(job = %id, error = %e, "outbox delivery failed"),
                }
            }
            if !progressed {
                return Ok(delivered);
            }
        }
    }

    /// Wakes the worker (e.g. after a commit that enqueued work for it).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// The worker loop: runs until `stop` resolves.
    pub async fn work(&self, stop: impl std::future::Future<Output = ()>) {
        tokio::pin!(stop);
        loop {
            if let Err(e) = self.run_due().await {
                tracing::warn!(error = %e, "outbox worker");
            }
            tokio::select! {
                _ = &mut stop => return,
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(POLL) => {}
            }
        }
    }

    /// A job's state and attempts.
    pub async fn state(&self, id: &str) -> Result<Option<(JobState, i64)>, OutboxError> {
        Ok(repo::state_of(&self.store, id)
            .await?
            .and_then(|(s, n)| JobState::parse(&s).map(|s| (s, n))))
    }
}

fn aad(id: &str, kind: JobKind) -> Vec<u8> {
    format!("mcert outbox v1|{id}|{}", kind.as_str()).into_bytes()
}
