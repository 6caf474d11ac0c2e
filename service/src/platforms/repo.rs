//! The `platforms` and `platform_keys` tables: typed rows and every query on them.

use sqlx::{AnyConnection, AnyPool};

/// One `platforms` row as stored.
#[derive(Debug, sqlx::FromRow)]
pub struct PlatformRow {
    pub id: String,
    pub name: String,
    pub logo_url: Option<String>,
    /// JSON array of URLs.
    pub callback_urls: String,
}

/// Inserts a platform, or updates its name, logo and callbacks and makes it active again.
pub async fn upsert(
    conn: &mut AnyConnection,
    id: &str,
    name: &str,
    logo_url: Option<&str>,
    callback_urls_json: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO platforms (id, name, active, created_at, logo_url, callback_urls)
         VALUES ($1, $2, 1, $3, $4, $5)
         ON CONFLICT (id) DO UPDATE SET name = $2, active = 1, logo_url = $4, callback_urls = $5",
    )
    .bind(id)
    .bind(name)
    .bind(now)
    .bind(logo_url)
    .bind(callback_urls_json)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn exists(conn: &mut AnyConnection, id: &str) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query("SELECT 1 FROM platforms WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?
        .is_some())
}

pub async fn get(pool: &AnyPool, id: &str) -> Result<Option<PlatformRow>, sqlx::Error> {
    sqlx::query_as::<_, PlatformRow>(
        "SELECT id, name, logo_url, callback_urls FROM platforms WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await
}

pub async fn insert_key(
    conn: &mut AnyConnection,
    key_hash: &str,
    platform_id: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO platform_keys (key_hash, platform_id, created_at) VALUES ($1, $2, $3)",
    )
    .bind(key_hash)
    .bind(platform_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Revokes every live key of a platform; returns how many.
pub async fn revoke_keys(
    conn: &mut AnyConnection,
    platform_id: &str,
    now: i64,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE platform_keys SET revoked_at = $1 WHERE platform_id = $2 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(platform_id)
    .execute(conn)
    .await?
    .rows_affected())
}

#[derive(Debug, sqlx::FromRow)]
struct KeyOwner {
    platform_id: String,
}

/// The active platform a live key hash belongs to.
pub async fn platform_of_key(
    pool: &AnyPool,
    key_hash: &str,
) -> Result<Option<String>, sqlx::Error> {
    Ok(sqlx::query_as::<_, KeyOwner>(
        "SELECT p.id AS platform_id FROM platform_keys k JOIN platforms p ON p.id = k.platform_id
         WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND p.active = 1",
    )
    .bind(key_hash)
    .fetch_optional(pool)
    .await?
    .map(|k| k.platform_id))
}

/// The active platforms a user can choose from: (id, name), oldest first.
pub async fn active(pool: &AnyPool) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, name FROM platforms WHERE active = 1 ORDER BY created_at, id")
        .fetch_all(pool)
        .await
}

/// Whether `id` is an active platform.
pub async fn is_active(pool: &AnyPool, id: &str) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("SELECT 1 FROM platforms WHERE id = $1 AND active = 1")
            .bind(id)
            .fetch_optional(pool)
            .await?
            .is_some(),
    )
}

/// Adds a platform by id and name unless one with that id exists (development set-up).
pub async fn insert_if_absent(
    pool: &AnyPool,
    id: &str,
    name: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO platforms (id, name, active, created_at) VALUES ($1, $2, 1, $3)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(id)
    .bind(name)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}
