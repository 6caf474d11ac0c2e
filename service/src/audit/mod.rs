//! The audit log: every state change appended as an event whose hash covers the previous
//! event's hash, so editing, deleting or reordering events shows.

use sha2::{Digest, Sha256};
use sqlx::{Any, Row, Transaction};

use crate::store::{Engine, Store, StoreError};

/// The hash before the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit event as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEvent {
    pub seq: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

/// SHA-256 over the previous hash and the event's fields, each length-prefixed.
pub fn event_hash(
    prev_hash: &str,
    seq: i64,
    at: i64,
    actor: &str,
    action: &str,
    object: &str,
    detail: &str,
) -> String {
    let mut h = Sha256::new();
    for part in [
        prev_hash.as_bytes(),
        &seq.to_be_bytes(),
        &at.to_be_bytes(),
        actor.as_bytes(),
        action.as_bytes(),
        object.as_bytes(),
        detail.as_bytes(),
    ] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    hex::encode(h.finalize())
}

/// Appends an event inside the caller's transaction (so the event commits with the change).
pub async fn append(
    tx: &mut Transaction<'_, Any>,
    engine: Engine,
    at: i64,
    actor: &str,
    action: &str,
    object: &str,
    detail: &serde_json::Value,
) -> Result<i64, StoreError> {
    if engine == Engine::Postgres {
        // Several service processes append to one chain: one at a time.
        sqlx::query("LOCK TABLE audit_events IN EXCLUSIVE MODE")
            .execute(&mut **tx)
            .await?;
    }
    let last = sqlx::query("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut **tx)
        .await?;
    let (seq, prev_hash) = match last {
        Some(row) => (row.try_get::<i64, _>(0)? + 1, row.try_get::<String, _>(1)?),
        None => (1, GENESIS.to_string()),
    };
    let detail = detail.to_string();
    let hash = event_hash(&prev_hash, seq, at, actor, action, object, &detail);
    sqlx::query(
        "INSERT INTO audit_events (seq, at, actor, action, object, detail, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(seq)
    .bind(at)
    .bind(actor)
    .bind(action)
    .bind(object)
    .bind(&detail)
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut **tx)
    .await?;
    Ok(seq)
}

/// The outcome of checking the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainReport {
    pub events: u64,
    /// The first event whose link or hash does not hold, with the reason.
    pub first_broken: Option<(i64, &'static str)>,
}

/// Walks the whole chain in order.
pub async fn verify(store: &Store) -> Result<ChainReport, StoreError> {
    let rows = sqlx::query(
        "SELECT seq, at, actor, action, object, detail, prev_hash, hash FROM audit_events ORDER BY seq",
    )
    .fetch_all(store.pool())
    .await?;
    let mut prev = GENESIS.to_string();
    let mut events = 0u64;
    for (expected_seq, row) in (1i64..).zip(rows) {
        let e = AuditEvent {
            seq: row.try_get(0)?,
            at: row.try_get(1)?,
            actor: row.try_get(2)?,
            action: row.try_get(3)?,
            object: row.try_get(4)?,
            detail: row.try_get(5)?,
            prev_hash: row.try_get(6)?,
            hash: row.try_get(7)?,
        };
        events += 1;
        let broken = if e.seq != expected_seq {
            Some("sequence gap")
        } else if e.prev_hash != prev {
            Some("previous hash does not match")
        } else if e.hash
            != event_hash(
                &e.prev_hash,
                e.seq,
                e.at,
                &e.actor,
                &e.action,
                &e.object,
                &e.detail,
            )
        {
            Some("event altered")
        } else {
            None
        };
        if let Some(reason) = broken {
            return Ok(ChainReport {
                events,
                first_broken: Some((e.seq, reason)),
            });
        }
        prev = e.hash;
    }
    Ok(ChainReport {
        events,
        first_broken: None,
    })
}
