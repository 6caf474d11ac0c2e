//! The tables of the key-management function: `escrowed_keys` and `escrow_certificates`.

use sqlx::{Any, Executor};

use crate::store::Tx;

/// One escrowed encryption key (its private half sealed).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EscrowedKeyRow {
    pub id: String,
    pub algorithm: String,
    pub public_key: Vec<u8>,
    pub key_sealed: Vec<u8>,
}

/// An encryption certificate of an escrowed key.
#[derive(Debug, sqlx::FromRow)]
pub struct EscrowCertificateRow {
    pub serial: String,
    pub key_id: String,
}

/// The slot's escrowed keys, oldest first.
pub async fn keys_of_entitlement(
    tx: &mut Tx,
    entitlement_id: &str,
) -> Result<Vec<EscrowedKeyRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, algorithm, public_key, key_sealed FROM escrowed_keys
         WHERE entitlement_id = $1 ORDER BY created_at, id",
    )
    .bind(entitlement_id)
    .fetch_all(&mut **tx)
    .await
}

#[derive(Debug)]
pub struct NewEscrowedKey<'a> {
    pub id: &'a str,
    pub entitlement_id: &'a str,
    pub algorithm: &'a str,
    pub public_key: &'a [u8],
    pub key_sealed: &'a [u8],
    pub created_at: i64,
}

pub async fn insert_key(tx: &mut Tx, k: &NewEscrowedKey<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO escrowed_keys (id, entitlement_id, algorithm, public_key, key_sealed, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(k.id)
    .bind(k.entitlement_id)
    .bind(k.algorithm)
    .bind(k.public_key)
    .bind(k.key_sealed)
    .bind(k.created_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn insert_certificate(
    tx: &mut Tx,
    serial: &str,
    key_id: &str,
    signing_serial: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO escrow_certificates (serial, key_id, signing_serial, created_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(serial)
    .bind(key_id)
    .bind(signing_serial)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Every encryption certificate of the slot's escrowed keys, newest first.
pub async fn certificates_of_entitlement(
    tx: &mut Tx,
    entitlement_id: &str,
) -> Result<Vec<EscrowCertificateRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.serial, c.key_id FROM escrow_certificates c
         JOIN escrowed_keys k ON k.id = c.key_id
         WHERE k.entitlement_id = $1 ORDER BY c.created_at DESC, c.serial",
    )
    .bind(entitlement_id)
    .fetch_all(&mut **tx)
    .await
}

/// The encryption certificate issued with the signing certificate `signing_serial`.
pub async fn pair_of<'e, E>(ex: E, signing_serial: &str) -> Result<Option<String>, sqlx::Error>
where
    E: Executor<'e, Database = Any>,
{
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT serial FROM escrow_certificates WHERE signing_serial = $1
         ORDER BY created_at DESC, serial LIMIT 1",
    )
    .bind(signing_serial)
    .fetch_optional(ex)
    .await?;
    Ok(row.map(|r| r.0))
}

/// The escrowed key certified by the encryption certificate `serial`.
pub async fn key_of_certificate(
    tx: &mut Tx,
    serial: &str,
) -> Result<Option<EscrowedKeyRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT k.id, k.algorithm, k.public_key, k.key_sealed FROM escrowed_keys k
         JOIN escrow_certificates c ON c.key_id = k.id WHERE c.serial = $1",
    )
    .bind(serial)
    .fetch_optional(&mut **tx)
    .await
}

#[derive(Debug)]
pub struct NewRecovery<'a> {
    pub id: &'a str,
    pub key_id: &'a str,
    pub encryption_serial: &'a str,
    pub case_reference: &'a str,
    pub operator: &'a str,
    pub first_approver: &'a str,
    pub second_approver: &'a str,
    pub recipient_serial: &'a str,
    pub recipient_subject: &'a str,
    pub created_at: i64,
}

pub async fn insert_recovery(tx: &mut Tx, r: &NewRecovery<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO key_recoveries (id, key_id, encryption_serial, case_reference, operator,
             first_approver, second_approver, recipient_serial, recipient_subject, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(r.id)
    .bind(r.key_id)
    .bind(r.encryption_serial)
    .bind(r.case_reference)
    .bind(r.operator)
    .bind(r.first_approver)
    .bind(r.second_approver)
    .bind(r.recipient_serial)
    .bind(r.recipient_subject)
    .bind(r.created_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A judicial recovery of an escrowed key, as the console lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RecoveryRow {
    pub id: String,
    pub encryption_serial: String,
    pub case_reference: String,
    pub operator: String,
    pub first_approver: String,
    pub second_approver: String,
    pub recipient_serial: String,
    pub recipient_subject: String,
    pub created_at: i64,
}

/// Every recovery, newest first (at most `limit`).
pub async fn recoveries(pool: &sqlx::AnyPool, limit: i64) -> Result<Vec<RecoveryRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, encryption_serial, case_reference, operator, first_approver, second_approver,
             recipient_serial, recipient_subject, created_at
         FROM key_recoveries ORDER BY created_at DESC, id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await
}
