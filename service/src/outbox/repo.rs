//! The `outbox_jobs` table: its only owner.

use sqlx::FromRow;

use super::{JobKind, JobState};
use crate::store::{Store, StoreError, Tx};

/// One stored job.
#[derive(Debug, Clone, FromRow)]
pub struct JobRow {
    pub id: String,
    pub kind: String,
    pub payload: String,
    pub state: String,
    pub attempts: i64,
    pub expires_at: Option<i64>,
}

impl JobRow {
    pub fn kind(&self) -> Option<JobKind> {
        JobKind::parse(&self.kind)
    }
}

/// A job to insert.
#[derive(Debug)]
pub struct NewJob<'a> {
    pub id: &'a str,
    pub kind: JobKind,
    pub payload: &'a str,
    pub now: i64,
    pub expires_at: Option<i64>,
}

pub async fn insert(tx: &mut Tx, job: &NewJob<'_>) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO outbox_jobs (id, kind, payload, state, attempts, next_attempt_at, locked_until,
                                  expires_at, created_at)
         VALUES ($1, $2, $3, $4, 0, $5, 0, $6, $5)",
    )
    .bind(job.id)
    .bind(job.kind.as_str())
    .bind(job.payload)
    .bind(JobState::Pending.as_str())
    .bind(job.now)
    .bind(job.expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Ids of pending jobs that are due and not claimed by another worker, oldest first.
pub async fn due(store: &Store, now: i64, limit: i64) -> Result<Vec<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM outbox_jobs
         WHERE state = $1 AND next_attempt_at <= $2 AND locked_until <= $2
         ORDER BY next_attempt_at, id LIMIT $3",
    )
    .bind(JobState::Pending.as_str())
    .bind(now)
    .bind(limit)
    .fetch_all(store.pool())
    .await?)
}

/// Claims a job for `lease_ms`: exactly one caller wins, even across processes. Returns the job
/// with its attempt counted.
pub async fn claim(
    store: &Store,
    id: &str,
    now: i64,
    lease_ms: i64,
) -> Result<Option<JobRow>, StoreError> {
    let claimed = sqlx::query(
        "UPDATE outbox_jobs SET locked_until = $1, attempts = attempts + 1
         WHERE id = $2 AND state = $3 AND locked_until <= $4",
    )
    .bind(now + lease_ms)
    .bind(id)
    .bind(JobState::Pending.as_str())
    .bind(now)
    .execute(store.pool())
    .await?
    .rows_affected();
    if claimed != 1 {
        return Ok(None);
    }
    Ok(sqlx::query_as::<_, JobRow>(
        "SELECT id, kind, payload, state, attempts, expires_at FROM outbox_jobs WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(store.pool())
    .await?)
}

/// Ends a job (delivered, given up, or expired).
pub async fn finish(
    store: &Store,
    id: &str,
    state: JobState,
    now: i64,
    error: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE outbox_jobs SET state = $1, finished_at = $2, locked_until = 0, last_error = $3
         WHERE id = $4",
    )
    .bind(state.as_str())
    .bind(now)
    .bind(error)
    .bind(id)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Schedules another try.
pub async fn retry_at(store: &Store, id: &str, at: i64, error: &str) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE outbox_jobs SET next_attempt_at = $1, locked_until = 0, last_error = $2 WHERE id = $3",
    )
    .bind(at)
    .bind(error)
    .bind(id)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// A job's state (tests and the operator's tools).
pub async fn state_of(store: &Store, id: &str) -> Result<Option<(String, i64)>, StoreError> {
    Ok(
        sqlx::query_as("SELECT state, attempts FROM outbox_jobs WHERE id = $1")
            .bind(id)
            .fetch_optional(store.pool())
            .await?,
    )
}
