//! Request limits counted in the database, so that every service process sharing it agrees.
//!
//! Fixed windows: a request first claims a slot with one atomic upsert
//! (`INSERT … ON CONFLICT DO UPDATE SET count = count + 1 RETURNING count`) and is served only
//! if its slot number is within the limit. There is no read-then-write gap for concurrent
//! requests to slip through, and refused requests count too, so a flood stays refused until
//! its window ends. This module owns the `rate_counters` table.

use std::time::Duration;

use sqlx::Row;

use crate::store::{Store, StoreError};

/// Windows older than this are swept (longer than any rule's window).
const HORIZON_MS: i64 = 24 * 3600 * 1000;

/// A limit: `max` requests per `window` for one bucket.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    pub max: i64,
    pub window: Duration,
}

impl Rule {
    fn window_ms(&self) -> i64 {
        i64::try_from(self.window.as_millis())
            .unwrap_or(i64::MAX)
            .max(1)
    }
}

/// The answer to a claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    Allowed,
    /// Over the limit; the window ends in this many seconds (at least 1).
    Refused {
        retry_after: u64,
    },
}

/// Claims one slot of `bucket` at `now_ms` under `rule`.
pub async fn claim(
    store: &Store,
    bucket: &str,
    rule: Rule,
    now_ms: i64,
) -> Result<Claim, StoreError> {
    let window_ms = rule.window_ms();
    let window_start = now_ms - now_ms.rem_euclid(window_ms);
    let row = sqlx::query(
        "INSERT INTO rate_counters (bucket, window_start, count) VALUES ($1, $2, 1)
         ON CONFLICT (bucket, window_start) DO UPDATE SET count = rate_counters.count + 1
         RETURNING count",
    )
    .bind(bucket)
    .bind(window_start)
    .fetch_one(store.pool())
    .await?;
    let count: i64 = row.try_get(0)?;
    if count == 1 {
        // The first claim of a window clears this bucket's earlier windows and everyone's
        // windows past the horizon (longer than any rule's window).
        sqlx::query(
            "DELETE FROM rate_counters
             WHERE (bucket = $1 AND window_start < $2) OR window_start < $3",
        )
        .bind(bucket)
        .bind(window_start)
        .bind(window_start.saturating_sub(HORIZON_MS))
        .execute(store.pool())
        .await?;
    }
    if count <= rule.max {
        return Ok(Claim::Allowed);
    }
    let left_ms = (window_start + window_ms - now_ms).max(1);
    Ok(Claim::Refused {
        retry_after: u64::try_from((left_ms + 999) / 1000).unwrap_or(1).max(1),
    })
}
