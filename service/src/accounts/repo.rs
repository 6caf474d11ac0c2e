//! The account tables — `accounts`, `sms_codes`, `auth_tokens` — and their only owner.

use sqlx::FromRow;

use crate::store::{StoreError, Tx};

/// An account row.
#[derive(Debug, Clone, FromRow)]
pub struct AccountRow {
    pub id: String,
    pub phone: String,
    pub platform_id: Option<String>,
}

/// The codes sent to a phone within a window: how many, the newest and the oldest time.
pub async fn codes_since(
    tx: &mut Tx,
    phone: &str,
    since: i64,
) -> Result<(i64, i64, i64), StoreError> {
    Ok(sqlx::query_as(
        "SELECT COUNT(*), COALESCE(MAX(created_at), 0), COALESCE(MIN(created_at), 0) FROM sms_codes
         WHERE phone = $1 AND created_at > $2",
    )
    .bind(phone)
    .bind(since)
    .fetch_one(&mut **tx)
    .await?)
}

/// Wrong tries against a phone's codes made since `since`, and the newest code's time.
pub async fn failures_since(
    tx: &mut Tx,
    phone: &str,
    since: i64,
) -> Result<(i64, i64), StoreError> {
    Ok(sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(failures), 0) AS BIGINT), COALESCE(MAX(created_at), 0) FROM sms_codes
         WHERE phone = $1 AND created_at > $2",
    )
    .bind(phone)
    .bind(since)
    .fetch_one(&mut **tx)
    .await?)
}

/// A new code, stored as its MAC.
#[derive(Debug)]
pub struct NewCode<'a> {
    pub id: &'a str,
    pub phone: &'a str,
    pub ip: &'a str,
    pub code_mac: &'a str,
    pub now: i64,
    pub expires_at: i64,
}

pub async fn insert_code(tx: &mut Tx, code: &NewCode<'_>) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO sms_codes (id, phone, ip, code_mac, failures, created_at, expires_at)
         VALUES ($1, $2, $3, $4, 0, $5, $6)",
    )
    .bind(code.id)
    .bind(code.phone)
    .bind(code.ip)
    .bind(code.code_mac)
    .bind(code.now)
    .bind(code.expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The newest code of a phone that may still be tried: (id, MAC).
pub async fn newest_usable_code(
    tx: &mut Tx,
    phone: &str,
    now: i64,
    max_failures: i64,
) -> Result<Option<(String, String)>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, code_mac FROM sms_codes
         WHERE phone = $1 AND used_at IS NULL AND expires_at > $2 AND failures < $3
         ORDER BY created_at DESC LIMIT 1",
    )
    .bind(phone)
    .bind(now)
    .bind(max_failures)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Counts one try against a code before it is compared; `None` when the code is used or out
/// of tries. Returns the tries made so far.
pub async fn claim_try(
    tx: &mut Tx,
    code_id: &str,
    max_failures: i64,
) -> Result<Option<i64>, StoreError> {
    Ok(sqlx::query_scalar(
        "UPDATE sms_codes SET failures = failures + 1
         WHERE id = $1 AND used_at IS NULL AND failures < $2 RETURNING failures",
    )
    .bind(code_id)
    .bind(max_failures)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Uses a matched code (the right try is not a failure). `false` when it was used already.
pub async fn consume_code(tx: &mut Tx, code_id: &str, now: i64) -> Result<bool, StoreError> {
    Ok(sqlx::query(
        "UPDATE sms_codes SET used_at = $1, failures = failures - 1 WHERE id = $2 AND used_at IS NULL",
    )
    .bind(now)
    .bind(code_id)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

/// Registers a phone unless it has an account. Returns whether it was created.
pub async fn create_account(
    tx: &mut Tx,
    id: &str,
    phone: &str,
    now: i64,
) -> Result<bool, StoreError> {
    Ok(sqlx::query(
        "INSERT INTO accounts (id, phone, platform_id, locked_until, created_at)
         VALUES ($1, $2, NULL, 0, $3) ON CONFLICT (phone) DO NOTHING",
    )
    .bind(id)
    .bind(phone)
    .bind(now)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

pub async fn account_by_phone(tx: &mut Tx, phone: &str) -> Result<AccountRow, StoreError> {
    Ok(
        sqlx::query_as("SELECT id, phone, platform_id FROM accounts WHERE phone = $1")
            .bind(phone)
            .fetch_one(&mut **tx)
            .await?,
    )
}

pub async fn phone_of(
    store: &crate::store::Store,
    account_id: &str,
) -> Result<Option<String>, StoreError> {
    Ok(phone_of_in(store.pool(), account_id).await?)
}

/// The phone of an account, for the domains that find people by phone (organisations).
pub async fn phone_of_in(
    pool: &sqlx::AnyPool,
    account_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT phone FROM accounts WHERE id = $1")
        .bind(account_id)
        .fetch_optional(pool)
        .await
}

pub async fn phones_with_accounts(
    store: &crate::store::Store,
    phones: &[String],
) -> Result<Vec<String>, StoreError> {
    let mut out = Vec::new();
    for phone in phones {
        let found: Option<String> =
            sqlx::query_scalar("SELECT phone FROM accounts WHERE phone = $1")
                .bind(phone)
                .fetch_optional(store.pool())
                .await?;
        out.extend(found);
    }
    Ok(out)
}

/// The phone of an account, inside a unit of work (SQLite has one connection: a workflow
/// holding a transaction reads through it).
pub async fn phone_of_tx(tx: &mut Tx, account_id: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT phone FROM accounts WHERE id = $1")
        .bind(account_id)
        .fetch_optional(&mut **tx)
        .await
}

pub async fn set_platform(
    tx: &mut Tx,
    account_id: &str,
    platform_id: &str,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE accounts SET platform_id = $1 WHERE id = $2")
        .bind(platform_id)
        .bind(account_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn insert_token(
    tx: &mut Tx,
    token_hash: &str,
    account_id: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO auth_tokens (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(account_id)
    .bind(now)
    .bind(expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The account of a live token.
pub async fn account_by_token(
    store: &crate::store::Store,
    token_hash: &str,
    now: i64,
) -> Result<Option<AccountRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT a.id, a.phone, a.platform_id FROM auth_tokens t JOIN accounts a ON a.id = t.account_id
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(store.pool())
    .await?)
}

/// Ends a token; returns its account when it was live.
pub async fn revoke_token(
    tx: &mut Tx,
    token_hash: &str,
    now: i64,
) -> Result<Option<String>, StoreError> {
    Ok(sqlx::query_scalar(
        "UPDATE auth_tokens SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL
         RETURNING account_id",
    )
    .bind(now)
    .bind(token_hash)
    .fetch_optional(&mut **tx)
    .await?)
}
