//! Rate limits that hold under concurrency and across service processes: a request first locks
//! its key's row (`rate_keys`) inside its unit of work, then counts the key's events within the
//! window and records its own, so concurrent requests for one key are counted one after
//! another — never "everyone checks, then everyone acts". Owner of `rate_keys` and
//! `rate_events`.

use std::time::Duration;

use crate::store::{StoreError, Tx};

/// A limit: at most `max` events per `window`.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    pub max: i64,
    pub window: Duration,
}

impl Limit {
    pub const fn per_hour(max: i64) -> Limit {
        Limit {
            max,
            window: Duration::from_secs(3600),
        }
    }

    pub const fn per_minute(max: i64) -> Limit {
        Limit {
            max,
            window: Duration::from_secs(60),
        }
    }

    fn window_ms(self) -> i64 {
        i64::try_from(self.window.as_millis()).unwrap_or(i64::MAX / 4)
    }
}

/// Refused: retry after this many seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

/// Locks `key` until the transaction ends: on PostgreSQL a row lock (a concurrent transaction
/// for the same key waits here), on SQLite the single writer already serialises.
pub async fn lock(tx: &mut Tx, key: &str) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO rate_keys (key, touches) VALUES ($1, 0) ON CONFLICT (key) DO NOTHING")
        .bind(key)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE rate_keys SET touches = touches + 1 WHERE key = $1")
        .bind(key)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Counts one event for `key` if the limit allows it. The caller's transaction must already
/// hold [`lock`] on `key` (so that the count cannot change underneath), or call [`take`].
pub async fn take_locked(
    tx: &mut Tx,
    key: &str,
    limit: Limit,
    now: i64,
) -> Result<Result<(), RetryAfter>, StoreError> {
    let start = now - limit.window_ms();
    // Events past every window are of no use to anyone.
    sqlx::query("DELETE FROM rate_events WHERE key = $1 AND at <= $2")
        .bind(key)
        .bind(start)
        .execute(&mut **tx)
        .await?;
    let (count, first): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(MIN(at), 0) FROM rate_events WHERE key = $1 AND at > $2",
    )
    .bind(key)
    .bind(start)
    .fetch_one(&mut **tx)
    .await?;
    if count >= limit.max {
        let until = first + limit.window_ms();
        let secs = u64::try_from((until - now).max(0))
            .unwrap_or(0)
            .div_ceil(1000);
        return Ok(Err(RetryAfter(secs.max(1))));
    }
    sqlx::query("INSERT INTO rate_events (key, at) VALUES ($1, $2)")
        .bind(key)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(Ok(()))
}

/// [`lock`] then [`take_locked`].
pub async fn take(
    tx: &mut Tx,
    key: &str,
    limit: Limit,
    now: i64,
) -> Result<Result<(), RetryAfter>, StoreError> {
    lock(tx, key).await?;
    take_locked(tx, key, limit, now).await
}
