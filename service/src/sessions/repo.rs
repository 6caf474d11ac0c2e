//! The `rp_sessions` and `usage_records` tables: typed rows, their states, and every query on
//! them. Nothing outside this file reads or writes these tables.

use mcert_core::wire::{DisplayText, DocumentDigests, SessionKind, StampRequest, StampedPlace};
use sqlx::{AnyConnection, AnyPool};

use super::SessionError;

/// A session's life cycle: `created → scanned → completed | declined | expired | failed`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionState {
    Created,
    Scanned,
    Completed,
    Declined,
    Expired,
    Failed,
}

impl SessionState {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionState::Created => "created",
            SessionState::Scanned => "scanned",
            SessionState::Completed => "completed",
            SessionState::Declined => "declined",
            SessionState::Expired => "expired",
            SessionState::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<SessionState> {
        Some(match text {
            "created" => SessionState::Created,
            "scanned" => SessionState::Scanned,
            "completed" => SessionState::Completed,
            "declined" => SessionState::Declined,
            "expired" => SessionState::Expired,
            "failed" => SessionState::Failed,
            _ => return None,
        })
    }

    /// Whether the session has ended (no further change).
    pub fn is_final(self) -> bool {
        !matches!(self, SessionState::Created | SessionState::Scanned)
    }
}

/// How an attempt ended, as a usage record keeps it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Completed,
    Declined,
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Completed => "completed",
            Outcome::Declined => "declined",
            Outcome::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<Outcome> {
        Some(match text {
            "completed" => Outcome::Completed,
            "declined" => Outcome::Declined,
            "failed" => Outcome::Failed,
            _ => return None,
        })
    }

    /// The session state an ending with this outcome leaves.
    pub fn state(self) -> SessionState {
        match self {
            Outcome::Completed => SessionState::Completed,
            Outcome::Declined => SessionState::Declined,
            Outcome::Failed => SessionState::Failed,
        }
    }
}

/// One `rp_sessions` row as stored.
#[derive(Debug, sqlx::FromRow)]
struct SessionRow {
    id: String,
    platform_id: String,
    kind: String,
    status: String,
    qr_token: String,
    verification_code: String,
    display: String,
    document_digests: Option<String>,
    encrypted_key: Option<String>,
    recipient_serial: Option<String>,
    ephemeral_public_key: Option<String>,
    allowed_id_lookup: Option<String>,
    allowed_org_code: Option<String>,
    callback_url: Option<String>,
    created_at: i64,
    expires_at: i64,
    scanned_by: Option<String>,
    scanned_device: Option<String>,
    scan_ticket_hash: Option<String>,
    failure_code: Option<String>,
    result: Option<String>,
    stamp: Option<String>,
    stamp_seal_id: Option<String>,
    stamp_grant_id: Option<String>,
    stamp_place: i64,
    stamped: Option<String>,
    opening_at: Option<i64>,
}

/// A stored session, decoded.
#[derive(Clone, Debug)]
pub struct Session {
    pub id: String,
    pub platform_id: String,
    pub kind: SessionKind,
    pub state: SessionState,
    pub qr_token: String,
    pub verification_code: String,
    pub display: DisplayText,
    pub document_digests: Option<DocumentDigests>,
    pub encrypted_key: Option<String>,
    pub recipient_serial: Option<String>,
    pub ephemeral_public_key: Option<String>,
    pub allowed_id_lookup: Option<String>,
    pub allowed_org_code: Option<String>,
    pub callback_url: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub scanned_by: Option<String>,
    pub scanned_device: Option<String>,
    pub scan_ticket_hash: Option<String>,
    pub failure_code: Option<String>,
    /// The result (JSON of `SessionResult`) of a completed session.
    pub result: Option<String>,
    /// `stamp`: the request, and the seal the phone picked.
    pub stamp: Option<StampRequest>,
    pub stamp_seal_id: Option<String>,
    /// `stamp`: the grant the member's pick uses (none: the seal is their own).
    pub stamp_grant_id: Option<String>,
    /// `stamp`: the stamp being made (0-based), and those made before it.
    pub stamp_place: u32,
    pub stamped: Vec<StampedPlace>,
    /// The bid-opening time the platform gave (Unix ms).
    pub opening_at: Option<i64>,
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> SessionError {
    SessionError::Internal(format!("stored session {what}: {e}"))
}

impl TryFrom<SessionRow> for Session {
    type Error = SessionError;

    fn try_from(r: SessionRow) -> Result<Self, Self::Error> {
        Ok(Session {
            kind: SessionKind::parse(&r.kind).ok_or_else(|| corrupt("kind", &r.kind))?,
            state: SessionState::parse(&r.status).ok_or_else(|| corrupt("status", &r.status))?,
            display: serde_json::from_str(&r.display).map_err(|e| corrupt("display", e))?,
            document_digests: r
                .document_digests
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(|e| corrupt("digests", e))?,
            stamp: r
                .stamp
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(|e| corrupt("stamp", e))?,
            stamp_seal_id: r.stamp_seal_id,
            stamp_grant_id: r.stamp_grant_id,
            stamp_place: u32::try_from(r.stamp_place).map_err(|e| corrupt("stamp place", e))?,
            stamped: r
                .stamped
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(|e| corrupt("stamped", e))?
                .unwrap_or_default(),
            opening_at: r.opening_at,
            id: r.id,
            platform_id: r.platform_id,
            qr_token: r.qr_token,
            verification_code: r.verification_code,
            encrypted_key: r.encrypted_key,
            recipient_serial: r.recipient_serial,
            ephemeral_public_key: r.ephemeral_public_key,
            allowed_id_lookup: r.allowed_id_lookup,
            allowed_org_code: r.allowed_org_code,
            callback_url: r.callback_url,
            created_at: r.created_at,
            expires_at: r.expires_at,
            scanned_by: r.scanned_by,
            scanned_device: r.scanned_device,
            scan_ticket_hash: r.scan_ticket_hash,
            failure_code: r.failure_code,
            result: r.result,
        })
    }
}

const SESSION_COLUMNS: &str = "id, platform_id, kind, status, qr_token, verification_code, display,
    document_digests, encrypted_key, recipient_serial, ephemeral_public_key, allowed_id_lookup,
    allowed_org_code, callback_url, created_at, expires_at, scanned_by, scanned_device,
    scan_ticket_hash, failure_code, result, stamp, stamp_seal_id, stamp_grant_id, stamp_place, stamped,
    opening_at";

/// The session matching `condition` (a constant of this file) with `values` bound.
async fn find(
    pool: &AnyPool,
    condition: &'static str,
    values: &[&str],
) -> Result<Option<Session>, SessionError> {
    let sql = format!("SELECT {SESSION_COLUMNS} FROM rp_sessions WHERE {condition}");
    let mut query = sqlx::query_as::<_, SessionRow>(sqlx::AssertSqlSafe(sql));
    for v in values {
        query = query.bind(*v);
    }
    query
        .fetch_optional(pool)
        .await?
        .map(Session::try_from)
        .transpose()
}

pub async fn get(pool: &AnyPool, id: &str) -> Result<Option<Session>, SessionError> {
    find(pool, "id = $1", &[id]).await
}

pub async fn by_token(pool: &AnyPool, token: &str) -> Result<Option<Session>, SessionError> {
    find(pool, "qr_token = $1", &[token]).await
}

pub async fn by_idempotency(
    pool: &AnyPool,
    platform_id: &str,
    key: &str,
) -> Result<Option<Session>, SessionError> {
    find(
        pool,
        "platform_id = $1 AND idempotency_key = $2",
        &[platform_id, key],
    )
    .await
}

/// A session to insert (state `created`).
#[derive(Debug)]
pub struct NewSessionRow<'a> {
    pub id: &'a str,
    pub platform_id: &'a str,
    pub kind: SessionKind,
    pub qr_token: &'a str,
    pub verification_code: &'a str,
    /// JSON texts.
    pub display: &'a str,
    pub document_digests: Option<&'a str>,
    pub encrypted_key: Option<&'a str>,
    pub recipient_serial: Option<&'a str>,
    pub ephemeral_public_key: Option<&'a str>,
    pub allowed_id_lookup: Option<&'a str>,
    pub allowed_org_code: Option<&'a str>,
    pub callback_url: Option<&'a str>,
    pub idempotency_key: Option<&'a str>,
    pub created_at: i64,
    pub expires_at: i64,
    /// JSON of the `stamp` request.
    pub stamp: Option<&'a str>,
    /// Unix ms.
    pub opening_at: Option<i64>,
}

pub async fn insert(conn: &mut AnyConnection, s: &NewSessionRow<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO rp_sessions (id, platform_id, kind, status, qr_token, verification_code,
             display, document_digests, encrypted_key, recipient_serial, ephemeral_public_key,
             allowed_id_lookup, allowed_org_code, callback_url, idempotency_key, created_at,
             expires_at, stamp, opening_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
             $18, $19)",
    )
    .bind(s.id)
    .bind(s.platform_id)
    .bind(s.kind.as_str())
    .bind(SessionState::Created.as_str())
    .bind(s.qr_token)
    .bind(s.verification_code)
    .bind(s.display)
    .bind(s.document_digests)
    .bind(s.encrypted_key)
    .bind(s.recipient_serial)
    .bind(s.ephemeral_public_key)
    .bind(s.allowed_id_lookup)
    .bind(s.allowed_org_code)
    .bind(s.callback_url)
    .bind(s.idempotency_key)
    .bind(s.created_at)
    .bind(s.expires_at)
    .bind(s.stamp)
    .bind(s.opening_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks a session that has not ended expired; returns whether this call did it.
pub async fn expire(
    conn: &mut AnyConnection,
    id: &str,
    failure_code: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query(
        "UPDATE rp_sessions SET status = $1, finished_at = $2, failure_code = $3
         WHERE id = $4 AND status IN ($5, $6)",
    )
    .bind(SessionState::Expired.as_str())
    .bind(now)
    .bind(failure_code)
    .bind(id)
    .bind(SessionState::Created.as_str())
    .bind(SessionState::Scanned.as_str())
    .execute(conn)
    .await?
    .rows_affected();
    Ok(changed == 1)
}

/// Binds a session to the device that scanned it (or renews that device's ticket); returns
/// false when another device holds it or it is no longer open.
pub async fn mark_scanned(
    conn: &mut AnyConnection,
    id: &str,
    account_id: &str,
    device_id: &str,
    ticket_hash: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query(
        "UPDATE rp_sessions SET status = $1, scanned_by = $2, scanned_device = $3,
             scan_ticket_hash = $4, scanned_at = $5
         WHERE id = $6 AND (status = $7
             OR (status = $1 AND scanned_by = $2 AND scanned_device = $3))",
    )
    .bind(SessionState::Scanned.as_str())
    .bind(account_id)
    .bind(device_id)
    .bind(ticket_hash)
    .bind(now)
    .bind(id)
    .bind(SessionState::Created.as_str())
    .execute(conn)
    .await?
    .rows_affected();
    Ok(changed == 1)
}

/// Ends a scanned session; returns false when it was no longer `scanned` (another answer
/// ended it first).
pub async fn finish(
    conn: &mut AnyConnection,
    id: &str,
    outcome: Outcome,
    failure_code: Option<&str>,
    result: Option<&str>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query(
        "UPDATE rp_sessions SET status = $1, failure_code = $2, result = $3, finished_at = $4
         WHERE id = $5 AND status = $6",
    )
    .bind(outcome.state().as_str())
    .bind(failure_code)
    .bind(result)
    .bind(now)
    .bind(id)
    .bind(SessionState::Scanned.as_str())
    .execute(conn)
    .await?
    .rows_affected();
    Ok(changed == 1)
}

/// A usage record to insert.
#[derive(Debug)]
pub struct NewUsage<'a> {
    pub id: &'a str,
    pub session_id: &'a str,
    pub account_id: &'a str,
    pub kind: SessionKind,
    pub holder_name: Option<&'a str>,
    pub certificate_serial: Option<&'a str>,
    pub platform_id: &'a str,
    pub platform_name: &'a str,
    pub outcome: Outcome,
    pub failure_code: Option<&'a str>,
    pub at: i64,
    /// `stamp`: the seal used and the digest stamped (`sm3:…` or `sha256:…`).
    pub seal_id: Option<&'a str>,
    pub document_digest: Option<&'a str>,
}

pub async fn insert_usage(conn: &mut AnyConnection, u: &NewUsage<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO usage_records (id, session_id, account_id, kind, holder_name,
             certificate_serial, platform_id, platform_name, outcome, failure_code, at, seal_id,
             document_digest)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(u.id)
    .bind(u.session_id)
    .bind(u.account_id)
    .bind(u.kind.as_str())
    .bind(u.holder_name)
    .bind(u.certificate_serial)
    .bind(u.platform_id)
    .bind(u.platform_name)
    .bind(u.outcome.as_str())
    .bind(u.failure_code)
    .bind(u.at)
    .bind(u.seal_id)
    .bind(u.document_digest)
    .execute(conn)
    .await?;
    Ok(())
}

/// One `usage_records` row as stored.
#[derive(Debug, sqlx::FromRow)]
struct UsageRow {
    id: String,
    session_id: String,
    kind: String,
    holder_name: Option<String>,
    certificate_serial: Option<String>,
    platform_id: String,
    platform_name: String,
    outcome: String,
    failure_code: Option<String>,
    at: i64,
    seal_id: Option<String>,
    document_digest: Option<String>,
}

/// A stored usage record, decoded.
#[derive(Clone, Debug)]
pub struct Usage {
    pub id: String,
    pub session_id: String,
    pub kind: SessionKind,
    pub holder_name: Option<String>,
    pub certificate_serial: Option<String>,
    pub platform_id: String,
    pub platform_name: String,
    pub outcome: Outcome,
    pub failure_code: Option<String>,
    pub at: i64,
    pub seal_id: Option<String>,
    pub document_digest: Option<String>,
}

impl TryFrom<UsageRow> for Usage {
    type Error = SessionError;

    fn try_from(r: UsageRow) -> Result<Self, Self::Error> {
        Ok(Usage {
            kind: SessionKind::parse(&r.kind).ok_or_else(|| corrupt("usage kind", &r.kind))?,
            outcome: Outcome::parse(&r.outcome)
                .ok_or_else(|| corrupt("usage outcome", &r.outcome))?,
            id: r.id,
            session_id: r.session_id,
            holder_name: r.holder_name,
            certificate_serial: r.certificate_serial,
            platform_id: r.platform_id,
            platform_name: r.platform_name,
            failure_code: r.failure_code,
            at: r.at,
            seal_id: r.seal_id,
            document_digest: r.document_digest,
        })
    }
}

/// Where a page of usage records starts: strictly before `(at, id)`.
#[derive(Clone, Debug)]
pub struct UsageCursor {
    pub at: i64,
    pub id: String,
}

/// The account's usage records in `[from, to)`, newest first, after `cursor`, at most `limit`.
pub async fn list_usage(
    pool: &AnyPool,
    account_id: &str,
    from: i64,
    to: i64,
    cursor: Option<&UsageCursor>,
    limit: i64,
) -> Result<Vec<Usage>, SessionError> {
    // Ids are ULIDs: 26 characters, all below `~`.
    let (c_at, c_id) = match cursor {
        Some(c) => (c.at, c.id.clone()),
        None => (i64::MAX, "~".repeat(40)),
    };
    sqlx::query_as::<_, UsageRow>(
        "SELECT id, session_id, kind, holder_name, certificate_serial, platform_id,
             platform_name, outcome, failure_code, at, seal_id, document_digest
         FROM usage_records
         WHERE account_id = $1 AND at >= $2 AND at < $3
             AND (at < $4 OR (at = $4 AND id < $5))
         ORDER BY at DESC, id DESC LIMIT $6",
    )
    .bind(account_id)
    .bind(from)
    .bind(to)
    .bind(c_at)
    .bind(c_id)
    .bind(limit)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(Usage::try_from)
    .collect()
}

/// Which usage records a scoped listing reads.
#[derive(Debug)]
pub struct UsageScope<'a> {
    /// Records of these certificates only (an empty list reads nothing).
    pub serials: &'a [String],
    /// Records of these accounts only, when given.
    pub accounts: Option<&'a [String]>,
    pub kind: Option<SessionKind>,
    pub from: i64,
    pub to: i64,
}

/// Usage records within a scope in `[from, to)`, newest first, after `cursor`, at most
/// `limit`.
pub async fn list_usage_scoped(
    pool: &AnyPool,
    scope: &UsageScope<'_>,
    cursor: Option<&UsageCursor>,
    limit: i64,
) -> Result<Vec<Usage>, SessionError> {
    if scope.serials.is_empty() || scope.accounts.is_some_and(|a| a.is_empty()) {
        return Ok(Vec::new());
    }
    let (c_at, c_id) = match cursor {
        Some(c) => (c.at, c.id.clone()),
        None => (i64::MAX, "~".repeat(40)),
    };
    let mut sql = String::from(
        "SELECT id, session_id, kind, holder_name, certificate_serial, platform_id,
             platform_name, outcome, failure_code, at, seal_id, document_digest
         FROM usage_records
         WHERE at >= $1 AND at < $2 AND (at < $3 OR (at = $3 AND id < $4)) AND certificate_serial IN (",
    );
    let mut n = 4;
    let mut list = |count: usize, sql: &mut String| {
        let marks: Vec<String> = (0..count)
            .map(|_| {
                n += 1;
                format!("${n}")
            })
            .collect();
        sql.push_str(&marks.join(", "));
        sql.push(')');
    };
    list(scope.serials.len(), &mut sql);
    if let Some(accounts) = scope.accounts {
        sql.push_str(" AND account_id IN (");
        list(accounts.len(), &mut sql);
    }
    if scope.kind.is_some() {
        n += 1;
        sql.push_str(&format!(" AND kind = ${n}"));
    }
    n += 1;
    sql.push_str(&format!(" ORDER BY at DESC, id DESC LIMIT ${n}"));
    let mut q = sqlx::query_as::<_, UsageRow>(sqlx::AssertSqlSafe(sql))
        .bind(scope.from)
        .bind(scope.to)
        .bind(c_at)
        .bind(c_id);
    for s in scope.serials {
        q = q.bind(s);
    }
    for a in scope.accounts.unwrap_or(&[]) {
        q = q.bind(a);
    }
    if let Some(kind) = scope.kind {
        q = q.bind(kind.as_str());
    }
    q.bind(limit)
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(Usage::try_from)
        .collect()
}
