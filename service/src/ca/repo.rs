//! The CA's tables and nothing else touches them: `ca_keys`, `certificates`, `crl_numbers`,
//! `crls`, `ocsp_responses`, `compromised_keys`. Rows are typed; states are enums.

use sqlx::{Any, AnyConnection, AnyPool, FromRow};

/// What a CA key is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaRole {
    Root,
    Issuing,
}

impl CaRole {
    pub fn as_str(self) -> &'static str {
        match self {
            CaRole::Root => "root",
            CaRole::Issuing => "issuing",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "root" => Some(CaRole::Root),
            "issuing" => Some(CaRole::Issuing),
            _ => None,
        }
    }
}

/// A certificate's stored status (expiry is computed, not stored).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertState {
    Good,
    Revoked,
}

impl CertState {
    pub fn as_str(self) -> &'static str {
        match self {
            CertState::Good => "good",
            CertState::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "good" => Some(CertState::Good),
            "revoked" => Some(CertState::Revoked),
            _ => None,
        }
    }
}

/// A row of `ca_keys`. The root's `protected_key` is empty: its key lives offline.
#[derive(Clone, FromRow)]
pub struct CaKeyRow {
    pub id: String,
    pub algorithm: String,
    pub role: String,
    pub parent_id: Option<String>,
    pub certificate: Vec<u8>,
    pub protected_key: Vec<u8>,
    pub active: i64,
    pub created_at: i64,
}

impl std::fmt::Debug for CaKeyRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaKeyRow")
            .field("id", &self.id)
            .field("algorithm", &self.algorithm)
            .field("role", &self.role)
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

impl CaKeyRow {
    pub fn role(&self) -> Option<CaRole> {
        CaRole::parse(&self.role)
    }
}

/// A new row of `certificates`.
#[derive(Clone, Debug)]
pub struct NewCertificate<'a> {
    pub serial: &'a str,
    pub issuer_id: &'a str,
    pub algorithm: &'a str,
    pub profile: &'a str,
    /// Display form of the subject (identity numbers masked).
    pub subject: &'a str,
    pub der: &'a [u8],
    pub not_before: i64,
    pub not_after: i64,
    pub entitlement_id: Option<&'a str>,
    pub created_at: i64,
}

/// The status columns of a certificate.
#[derive(Clone, Debug, FromRow)]
pub struct StatusRow {
    pub issuer_id: String,
    pub status: String,
    pub revoked_at: Option<i64>,
    pub revocation_reason: Option<String>,
}

impl StatusRow {
    pub fn state(&self) -> Option<CertState> {
        CertState::parse(&self.status)
    }
}

/// A revoked certificate as a CRL lists it.
#[derive(Clone, Debug, FromRow)]
pub struct RevokedRow {
    pub serial: String,
    pub revoked_at: i64,
    pub revocation_reason: String,
}

/// A stored CRL.
#[derive(Clone, Debug, FromRow)]
pub struct CrlRow {
    pub issuer_id: String,
    pub number: i64,
    pub this_update: i64,
    pub next_update: i64,
    pub der: Vec<u8>,
}

pub async fn active_keys(pool: &AnyPool, algorithm: &str) -> Result<Vec<CaKeyRow>, sqlx::Error> {
    sqlx::query_as::<Any, CaKeyRow>(
        "SELECT id, algorithm, role, parent_id, certificate, protected_key, active, created_at
         FROM ca_keys WHERE algorithm = $1 AND active = 1",
    )
    .bind(algorithm)
    .fetch_all(pool)
    .await
}

pub async fn insert_key(conn: &mut AnyConnection, row: &CaKeyRow) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO ca_keys (id, algorithm, role, parent_id, certificate, protected_key, active, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&row.id)
    .bind(&row.algorithm)
    .bind(&row.role)
    .bind(&row.parent_id)
    .bind(&row.certificate)
    .bind(&row.protected_key)
    .bind(row.active)
    .bind(row.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Retires the active key of a role (before a new one is inserted).
pub async fn deactivate(
    conn: &mut AnyConnection,
    algorithm: &str,
    role: CaRole,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE ca_keys SET active = 0 WHERE algorithm = $1 AND role = $2 AND active = 1",
    )
    .bind(algorithm)
    .bind(role.as_str())
    .execute(conn)
    .await?
    .rows_affected())
}

pub async fn insert_certificate(
    conn: &mut AnyConnection,
    c: &NewCertificate<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO certificates (serial, issuer_id, algorithm, profile, subject, der,
             not_before, not_after, status, entitlement_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(c.serial)
    .bind(c.issuer_id)
    .bind(c.algorithm)
    .bind(c.profile)
    .bind(c.subject)
    .bind(c.der)
    .bind(c.not_before)
    .bind(c.not_after)
    .bind(CertState::Good.as_str())
    .bind(c.entitlement_id)
    .bind(c.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks a good certificate revoked; false when it is not (unknown or already revoked).
pub async fn mark_revoked(
    conn: &mut AnyConnection,
    serial: &str,
    at: i64,
    reason: &str,
) -> Result<bool, sqlx::Error> {
    let n = sqlx::query(
        "UPDATE certificates SET status = $1, revoked_at = $2, revocation_reason = $3
         WHERE serial = $4 AND status = $5",
    )
    .bind(CertState::Revoked.as_str())
    .bind(at)
    .bind(reason)
    .bind(serial)
    .bind(CertState::Good.as_str())
    .execute(conn)
    .await?
    .rows_affected();
    Ok(n == 1)
}

/// Holds a good certificate's row until the transaction ends, so that its revocation waits
/// for the transaction (and then sees what it wrote); false when the certificate is not good.
pub async fn lock_good(conn: &mut AnyConnection, serial: &str) -> Result<bool, sqlx::Error> {
    let n =
        sqlx::query("UPDATE certificates SET status = status WHERE serial = $1 AND status = $2")
            .bind(serial)
            .bind(CertState::Good.as_str())
            .execute(conn)
            .await?
            .rows_affected();
    Ok(n == 1)
}

/// The issuer and DER of a certificate.
pub async fn issuer_and_der(
    conn: &mut AnyConnection,
    serial: &str,
) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
    sqlx::query_as::<Any, (String, Vec<u8>)>(
        "SELECT issuer_id, der FROM certificates WHERE serial = $1",
    )
    .bind(serial)
    .fetch_optional(conn)
    .await
}

pub async fn status(
    pool: &AnyPool,
    issuer_id: &str,
    serial: &str,
) -> Result<Option<StatusRow>, sqlx::Error> {
    sqlx::query_as::<Any, StatusRow>(
        "SELECT issuer_id, status, revoked_at, revocation_reason FROM certificates
         WHERE serial = $1 AND issuer_id = $2",
    )
    .bind(serial)
    .bind(issuer_id)
    .fetch_optional(pool)
    .await
}

pub async fn revoked_of(
    conn: &mut AnyConnection,
    issuer_id: &str,
) -> Result<Vec<RevokedRow>, sqlx::Error> {
    sqlx::query_as::<Any, RevokedRow>(
        "SELECT serial, revoked_at, revocation_reason FROM certificates
         WHERE issuer_id = $1 AND status = $2 ORDER BY revoked_at, serial",
    )
    .bind(issuer_id)
    .bind(CertState::Revoked.as_str())
    .fetch_all(conn)
    .await
}

/// Takes the issuer's next CRL number. On PostgreSQL the row stays locked until the
/// transaction ends, so CRLs of one issuer are made one at a time, each seeing the revocations
/// committed before it, and numbers strictly increase in commit order (RFC 5280 §5.2.3).
/// SQLite has one writer at a time anyway.
pub async fn next_crl_number(
    conn: &mut AnyConnection,
    issuer_id: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO crl_numbers (issuer_id, number) VALUES ($1, 0)
         ON CONFLICT (issuer_id) DO NOTHING",
    )
    .bind(issuer_id)
    .execute(&mut *conn)
    .await?;
    let (n,): (i64,) = sqlx::query_as(
        "UPDATE crl_numbers SET number = number + 1 WHERE issuer_id = $1 RETURNING number",
    )
    .bind(issuer_id)
    .fetch_one(conn)
    .await?;
    Ok(n)
}

pub async fn insert_crl(conn: &mut AnyConnection, crl: &CrlRow) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO crls (issuer_id, number, this_update, next_update, der)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&crl.issuer_id)
    .bind(crl.number)
    .bind(crl.this_update)
    .bind(crl.next_update)
    .bind(&crl.der)
    .execute(conn)
    .await?;
    Ok(())
}

/// The issuer's newest CRL.
pub async fn latest_crl<'c, E>(executor: E, issuer_id: &str) -> Result<Option<CrlRow>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = Any>,
{
    sqlx::query_as::<Any, CrlRow>(
        "SELECT issuer_id, number, this_update, next_update, der FROM crls
         WHERE issuer_id = $1 ORDER BY number DESC LIMIT 1",
    )
    .bind(issuer_id)
    .fetch_optional(executor)
    .await
}

/// A cached OCSP response, if it still states the certificate's current status and is not
/// due for re-signing. The join makes a response cached just before a revocation unusable the
/// moment the revocation commits, whatever the order of the two transactions.
pub async fn cached_ocsp(
    pool: &AnyPool,
    issuer_id: &str,
    serial: &str,
    hash_oid: &str,
    now: i64,
) -> Result<Option<Vec<u8>>, sqlx::Error> {
    Ok(sqlx::query_as::<Any, (Vec<u8>,)>(
        "SELECT o.der FROM ocsp_responses o
         JOIN certificates c ON c.serial = o.serial AND c.issuer_id = o.issuer_id
         WHERE o.issuer_id = $1 AND o.serial = $2 AND o.hash_oid = $3
           AND o.status = c.status AND o.refresh_at > $4",
    )
    .bind(issuer_id)
    .bind(serial)
    .bind(hash_oid)
    .bind(now)
    .fetch_optional(pool)
    .await?
    .map(|(d,)| d))
}

#[derive(Clone, Debug)]
pub struct OcspCacheEntry<'a> {
    pub issuer_id: &'a str,
    pub serial: &'a str,
    pub hash_oid: &'a str,
    pub status: CertState,
    pub der: &'a [u8],
    pub refresh_at: i64,
}

pub async fn put_ocsp(pool: &AnyPool, e: &OcspCacheEntry<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO ocsp_responses (issuer_id, serial, hash_oid, status, der, refresh_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (issuer_id, serial, hash_oid)
         DO UPDATE SET status = excluded.status, der = excluded.der, refresh_at = excluded.refresh_at",
    )
    .bind(e.issuer_id)
    .bind(e.serial)
    .bind(e.hash_oid)
    .bind(e.status.as_str())
    .bind(e.der)
    .bind(e.refresh_at)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn forget_ocsp(conn: &mut AnyConnection, serial: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM ocsp_responses WHERE serial = $1")
        .bind(serial)
        .execute(conn)
        .await?;
    Ok(())
}

/// Records a key revoked for keyCompromise (by the SHA-256 of its SubjectPublicKeyInfo).
pub async fn insert_compromised(
    conn: &mut AnyConnection,
    spki_sha256: &str,
    serial: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO compromised_keys (spki_sha256, serial, revoked_at) VALUES ($1, $2, $3)
         ON CONFLICT (spki_sha256) DO NOTHING",
    )
    .bind(spki_sha256)
    .bind(serial)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

/// The serial of the certificate whose revocation marked this key compromised, if any.
pub async fn compromised<'c, E>(
    executor: E,
    spki_sha256: &str,
) -> Result<Option<String>, sqlx::Error>
where
    E: sqlx::Executor<'c, Database = Any>,
{
    Ok(sqlx::query_as::<Any, (String,)>(
        "SELECT serial FROM compromised_keys WHERE spki_sha256 = $1",
    )
    .bind(spki_sha256)
    .fetch_optional(executor)
    .await?
    .map(|(s,)| s))
}

/// A certificate issued for an entitlement, as its holder's list shows it.
#[derive(Clone, Debug, FromRow)]
pub struct HeldCertificate {
    pub serial: String,
    pub entitlement_id: String,
    pub issuer_id: String,
    pub algorithm: String,
    pub der: Vec<u8>,
    pub not_before: i64,
    pub not_after: i64,
    pub status: String,
}

/// The signing certificates issued for any of `entitlement_ids`, newest first (the encryption
/// halves of dual pairs are left out: they never answer a session or carry a seal).
pub async fn certificates_of_entitlements(
    pool: &AnyPool,
    entitlement_ids: &[String],
) -> Result<Vec<HeldCertificate>, sqlx::Error> {
    of_entitlements(pool, entitlement_ids, false).await
}

/// Every certificate issued for any of `entitlement_ids`, encryption certificates included,
/// newest first (a sealed bid may name either).
pub async fn all_certificates_of_entitlements(
    pool: &AnyPool,
    entitlement_ids: &[String],
) -> Result<Vec<HeldCertificate>, sqlx::Error> {
    of_entitlements(pool, entitlement_ids, true).await
}

/// The `profile` values of encryption certificates.
pub const ENCRYPTION_PROFILES: [&str; 2] = ["personal_encryption", "organization_encryption"];

async fn of_entitlements(
    pool: &AnyPool,
    entitlement_ids: &[String],
    with_encryption: bool,
) -> Result<Vec<HeldCertificate>, sqlx::Error> {
    if entitlement_ids.is_empty() {
        return Ok(Vec::new());
    }
    // Only placeholders are formatted in; the ids are bound.
    let marks: Vec<String> = (1..=entitlement_ids.len())
        .map(|i| format!("${i}"))
        .collect();
    let signing_only = if with_encryption {
        String::new()
    } else {
        let [a, b] = ENCRYPTION_PROFILES;
        format!(" AND profile NOT IN ('{a}', '{b}')")
    };
    let sql = format!(
        "SELECT serial, entitlement_id, issuer_id, algorithm, der, not_before, not_after, status
         FROM certificates WHERE entitlement_id IN ({}){signing_only} ORDER BY created_at DESC, serial",
        marks.join(", ")
    );
    let mut query = sqlx::query_as::<Any, HeldCertificate>(sqlx::AssertSqlSafe(sql));
    for id in entitlement_ids {
        query = query.bind(id);
    }
    query.fetch_all(pool).await
}

/// A revoked certificate as the console lists it.
#[derive(Debug, Clone, FromRow)]
pub struct RevocationRow {
    pub serial: String,
    pub subject: String,
    pub profile: String,
    pub algorithm: String,
    pub revocation_reason: Option<String>,
    pub revoked_at: Option<i64>,
    /// Who revoked it (the audit event's actor).
    pub actor: Option<String>,
}

/// The newest revocations (at most `limit`), or the revoked certificates whose serial starts
/// with `serial_prefix` (hex, upper case).
pub async fn revocations(
    pool: &AnyPool,
    serial_prefix: Option<&str>,
    limit: i64,
) -> Result<Vec<RevocationRow>, sqlx::Error> {
    sqlx::query_as::<Any, RevocationRow>(
        "SELECT c.serial, c.subject, c.profile, c.algorithm, c.revocation_reason, c.revoked_at,
             (SELECT a.actor FROM audit_events a
              WHERE a.object = c.serial AND a.action = 'certificate.revoked'
              ORDER BY a.seq DESC LIMIT 1) AS actor
         FROM certificates c
         WHERE c.status = 'revoked' AND ($1 IS NULL OR c.serial LIKE $1)
         ORDER BY c.revoked_at DESC, c.serial LIMIT $2",
    )
    .bind(serial_prefix.map(|p| format!("{p}%")))
    .bind(limit)
    .fetch_all(pool)
    .await
}
