//! Fresh databases: a SQLite file always, and PostgreSQL when `MCERT_TEST_PG_URL` points at a
//! server (`scripts/postgres.sh` starts a throwaway one). `MCERT_REQUIRE_POSTGRES` makes a
//! missing PostgreSQL an error.

use mcert_service::store::Store;

use crate::temp::{TempDir, random_suffix};

/// One fresh database; a SQLite one's folder goes when this is dropped.
#[derive(Debug)]
pub struct Db {
    pub url: String,
    _dir: Option<TempDir>,
}

/// A fresh database on every engine available: SQLite always, PostgreSQL when configured.
pub async fn databases() -> Vec<Db> {
    let dir = TempDir::new("svc");
    let mut out = vec![Db {
        url: Store::sqlite_url(&dir.0),
        _dir: Some(dir),
    }];
    if let Ok(admin) = std::env::var("MCERT_TEST_PG_URL") {
        out.push(Db {
            url: postgres_database(&admin, "mcert_test").await,
            _dir: None,
        });
    } else if std::env::var("MCERT_REQUIRE_POSTGRES").is_ok() {
        panic!("MCERT_REQUIRE_POSTGRES is set but MCERT_TEST_PG_URL is not");
    }
    out
}

/// Creates the database `{prefix}_{random}` on the server of `admin` (a PostgreSQL URL with
/// the right to create databases); returns its URL. `prefix` must be a plain SQL identifier.
pub async fn postgres_database(admin: &str, prefix: &str) -> String {
    assert!(
        prefix.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
        "{prefix}"
    );
    sqlx::any::install_default_drivers();
    let name = format!("{prefix}_{}", random_suffix());
    let pool = sqlx::AnyPool::connect(admin)
        .await
        .expect("connect to PostgreSQL");
    // The name is made here from lower-case letters, '_' and hex digits only.
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&pool)
        .await
        .expect("create database");
    pool.close().await;
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin);
    format!("{base}/{name}")
}
