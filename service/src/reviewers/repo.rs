//! The reviewer tables — `reviewers`, `reviewer_sessions` — and their only owner.

use sqlx::FromRow;

use crate::store::{Store, StoreError, Tx};

/// A reviewer as stored (the password hash and the sealed TOTP secret included: this row never
/// leaves the domain).
#[derive(Clone, FromRow)]
pub struct ReviewerRow {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub totp_sealed: Vec<u8>,
    pub totp_last_step: i64,
    pub failed_logins: i64,
    pub locked_until: i64,
    pub disabled_at: Option<i64>,
    pub created_at: i64,
}

impl std::fmt::Debug for ReviewerRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReviewerRow")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("password_hash", &"[redacted]")
            .field("totp_sealed", &"[redacted]")
            .finish_non_exhaustive()
    }
}

/// The columns of a [`ReviewerRow`], as a literal for `concat!`.
macro_rules! columns {
    () => {
        "id, username, display_name, password_hash, totp_sealed, totp_last_step, \
         failed_logins, locked_until, disabled_at, created_at"
    };
}

/// A new reviewer.
#[derive(Debug)]
pub struct NewReviewer<'a> {
    pub id: &'a str,
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub totp_sealed: &'a [u8],
    pub created_by: &'a str,
    pub now: i64,
}

/// Inserts a reviewer; `false` when the username is taken.
pub async fn insert(tx: &mut Tx, r: &NewReviewer<'_>) -> Result<bool, StoreError> {
    Ok(sqlx::query(
        "INSERT INTO reviewers (id, username, display_name, password_hash, totp_sealed,
             totp_last_step, failed_logins, locked_until, disabled_at, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, 0, 0, 0, NULL, $6, $7) ON CONFLICT (username) DO NOTHING",
    )
    .bind(r.id)
    .bind(r.username)
    .bind(r.display_name)
    .bind(r.password_hash)
    .bind(r.totp_sealed)
    .bind(r.created_by)
    .bind(r.now)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

pub async fn by_username(store: &Store, username: &str) -> Result<Option<ReviewerRow>, StoreError> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM reviewers WHERE username = $1"
    ))
    .bind(username)
    .fetch_optional(store.pool())
    .await?)
}

pub async fn by_id(store: &Store, id: &str) -> Result<Option<ReviewerRow>, StoreError> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM reviewers WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(store.pool())
    .await?)
}

pub async fn list(store: &Store) -> Result<Vec<ReviewerRow>, StoreError> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM reviewers ORDER BY username"
    ))
    .fetch_all(store.pool())
    .await?)
}

/// Disables a reviewer; returns its id unless it was unknown or disabled already.
pub async fn disable(tx: &mut Tx, username: &str, now: i64) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "UPDATE reviewers SET disabled_at = $1 WHERE username = $2 AND disabled_at IS NULL
         RETURNING id",
    )
    .bind(now)
    .bind(username)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Counts one login attempt against a reviewer before anything is compared: one statement,
/// so parallel attempts are counted one after another. `None` when the reviewer is disabled,
/// locked, or has `max` attempts in flight or failed already. Returns the attempts so far.
pub async fn claim_attempt(
    tx: &mut Tx,
    id: &str,
    now: i64,
    max: i64,
) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "UPDATE reviewers SET failed_logins = failed_logins + 1
         WHERE id = $1 AND disabled_at IS NULL AND locked_until <= $2 AND failed_logins < $3
         RETURNING failed_logins",
    )
    .bind(id)
    .bind(now)
    .bind(max)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Locks a reviewer until `until` and starts the count afresh for after the lock.
pub async fn lock(tx: &mut Tx, id: &str, until: i64) -> Result<(), StoreError> {
    sqlx::query("UPDATE reviewers SET locked_until = $1, failed_logins = 0 WHERE id = $2")
        .bind(until)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Uses a TOTP time-step: only a step later than every step used before is accepted (so a
/// code, or an older one, cannot be replayed), and the failure count is cleared. `false` on a
/// replay.
pub async fn use_step(tx: &mut Tx, id: &str, step: i64) -> Result<bool, StoreError> {
    Ok(sqlx::query(
        "UPDATE reviewers SET totp_last_step = $1, failed_logins = 0
         WHERE id = $2 AND totp_last_step < $1 AND disabled_at IS NULL",
    )
    .bind(step)
    .bind(id)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

pub async fn insert_session(
    tx: &mut Tx,
    token_hash: &str,
    reviewer_id: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO reviewer_sessions (token_hash, reviewer_id, created_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $3, $4)",
    )
    .bind(token_hash)
    .bind(reviewer_id)
    .bind(now)
    .bind(expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The reviewer of a live session (not ended, not past its end, used since `idle_since`), the
/// session's use recorded; a disabled reviewer has no live session.
pub async fn touch_session(
    tx: &mut Tx,
    token_hash: &str,
    now: i64,
    idle_since: i64,
) -> Result<Option<ReviewerRow>, StoreError> {
    let reviewer: Option<String> = sqlx::query_scalar(
        "UPDATE reviewer_sessions SET last_seen_at = $1
         WHERE token_hash = $2 AND ended_at IS NULL AND expires_at > $1 AND last_seen_at > $3
         RETURNING reviewer_id",
    )
    .bind(now)
    .bind(token_hash)
    .bind(idle_since)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(id) = reviewer else {
        return Ok(None);
    };
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM reviewers WHERE id = $1 AND disabled_at IS NULL"
    ))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Ends a session; returns its reviewer when it was live.
pub async fn end_session(
    tx: &mut Tx,
    token_hash: &str,
    now: i64,
) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "UPDATE reviewer_sessions SET ended_at = $1 WHERE token_hash = $2 AND ended_at IS NULL
         RETURNING reviewer_id",
    )
    .bind(now)
    .bind(token_hash)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Ends every session of a reviewer.
pub async fn end_sessions_of(tx: &mut Tx, reviewer_id: &str, now: i64) -> Result<u64, StoreError> {
    Ok(sqlx::query(
        "UPDATE reviewer_sessions SET ended_at = $1 WHERE reviewer_id = $2 AND ended_at IS NULL",
    )
    .bind(now)
    .bind(reviewer_id)
    .execute(&mut **tx)
    .await?
    .rows_affected())
}
