//! The identity tables — `identities`, `identity_attempts` — and their only owner.

use sqlx::{AnyPool, FromRow};

use crate::store::{StoreError, Tx};

/// What the app shows of a verified identity.
#[derive(Debug, Clone, FromRow)]
pub struct ShownRow {
    pub name: String,
    pub id_number_masked: String,
    pub method: String,
    pub verified_at: i64,
}

/// A verified identity to store (the number only sealed, masked and as a lookup hash).
#[derive(Debug)]
pub struct NewIdentity<'a> {
    pub account_id: &'a str,
    pub name: &'a str,
    pub id_number_sealed: &'a [u8],
    pub id_number_masked: &'a str,
    pub id_number_lookup: &'a str,
    pub method: &'a str,
    pub provider_ref: &'a str,
    pub verified_at: i64,
}

pub async fn insert_attempt(
    tx: &mut Tx,
    id: &str,
    account_id: &str,
    method: &str,
    outcome: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO identity_attempts (id, account_id, method, outcome, created_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(account_id)
    .bind(method)
    .bind(outcome)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One verified identity per account: verifying again replaces it.
pub async fn replace(tx: &mut Tx, i: &NewIdentity<'_>) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM identities WHERE account_id = $1")
        .bind(i.account_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO identities (account_id, name, id_number_sealed, id_number_masked,
             id_number_lookup, method, provider_ref, verified_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(i.account_id)
    .bind(i.name)
    .bind(i.id_number_sealed)
    .bind(i.id_number_masked)
    .bind(i.id_number_lookup)
    .bind(i.method)
    .bind(i.provider_ref)
    .bind(i.verified_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn shown(pool: &AnyPool, account_id: &str) -> Result<Option<ShownRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT name, id_number_masked, method, verified_at FROM identities WHERE account_id = $1",
    )
    .bind(account_id)
    .fetch_optional(pool)
    .await?)
}

/// The name and the keyed lookup hash of the number.
pub async fn lookup(
    pool: &AnyPool,
    account_id: &str,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT name, id_number_lookup FROM identities WHERE account_id = $1")
        .bind(account_id)
        .fetch_optional(pool)
        .await
}

/// The name and the sealed number.
pub async fn sealed(
    pool: &AnyPool,
    account_id: &str,
) -> Result<Option<(String, Vec<u8>)>, StoreError> {
    Ok(
        sqlx::query_as("SELECT name, id_number_sealed FROM identities WHERE account_id = $1")
            .bind(account_id)
            .fetch_optional(pool)
            .await?,
    )
}
