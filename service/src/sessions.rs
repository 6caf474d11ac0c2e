//! Relying-party sessions (DESIGN §3) and usage records (seed 000 §9).
//!
//! A platform creates a session and shows its animated QR code; the phone scans it (the service
//! checks the code's HMAC and age, and binds the session to that device with a scan ticket),
//! shows what the session says, and answers. The service checks the answer — statement, signature,
//! CMS, chain to this CA, status, subject — and completes the session exactly once. Every
//! completed, declined or failed attempt by a known account leaves a usage record. Platforms
//! learn the outcome by long-poll or a signed callback.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use mcert_core::clock::{Clock, from_unix_millis, rfc3339, unix_millis};
use mcert_core::crypto::path::{self, PathError, ValidationOptions};
use mcert_core::crypto::revocation::{self, CertId, CertStatus};
use mcert_core::crypto::{PublicKey, hash, x509};
use mcert_core::id::ulid;
use mcert_core::scan::{self, QrCode, ScanError};
use mcert_core::validate;
use mcert_core::wire::{
    AllowedSubjects, Completion, CreatedSession, Decline, DisplayText, DocumentDigests, NewSession,
    PlatformInfo, ScanRequest, ScannedSession, SessionFailure, SessionKind, SessionResult,
    SessionStatus, UsagePage, UsageRecord,
};
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;
use tokio::sync::Notify;
use x509_cert::Certificate;
use zeroize::Zeroizing;

use crate::audit;
use crate::authority::{Authority, AuthorityError};
use crate::identity::Identities;
use crate::platforms::{Platforms, RegisteredPlatform};
use crate::ratelimit::{self, Claim, Rule};
use crate::store::{Store, StoreError};
use crate::webhook::SignedWebhook;

/// Session lifetime when the platform does not say.
pub const DEFAULT_TTL: Duration = Duration::from_secs(120);
pub const MIN_TTL: Duration = Duration::from_secs(10);
pub const MAX_TTL: Duration = Duration::from_secs(600);
/// Oldest QR code accepted: the page redraws every second, so this leaves time to aim and
/// send while a relayed screenshot goes stale.
pub const MAX_QR_AGE_SECS: u64 = 5;
/// Longest long-poll.
pub const MAX_WAIT: Duration = Duration::from_secs(30);
/// How often a waiting poll looks at the store (other processes may change it).
const POLL_EVERY: Duration = Duration::from_millis(250);
const MAX_ENCRYPTED_KEY: usize = 1024;
const CALLBACK_ATTEMPTS: u32 = 3;
/// Scans one account may send per minute (a person rescans a few times at most).
pub const SCANS_PER_ACCOUNT: Rule = Rule {
    max: 30,
    window: Duration::from_secs(60),
};
/// Scans one client address (an IPv4 address or an IPv6 /64) may send per minute: a bidding
/// hall behind one NAT holds many bidders.
pub const SCANS_PER_ADDRESS: Rule = Rule {
    max: 120,
    window: Duration::from_secs(60),
};

/// Why a session request was refused. Each maps to one stable API code.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("{0}")]
    Invalid(String),
    #[error("the callback URL is not registered for this platform")]
    CallbackNotAllowed,
    #[error("no such session")]
    UnknownSession,
    #[error(transparent)]
    BadQr(ScanError),
    #[error("the QR code's authentication code is wrong")]
    QrForged,
    #[error("the QR code is {0} s old")]
    QrStale(u64),
    #[error("the QR code's time is in the future")]
    QrFuture,
    #[error("the session has expired")]
    Expired,
    #[error("the session is already {0}")]
    Finished(String),
    #[error("another device has scanned this session")]
    Taken,
    #[error("the session has not been scanned")]
    NotScanned,
    #[error("the scan ticket does not match")]
    BadTicket,
    #[error("the certificate is not one of this account's certificates from this CA")]
    UnknownCertificate,
    #[error("the certificate is revoked")]
    CertificateRevoked,
    #[error("the certificate has expired or is not valid yet")]
    CertificateExpired,
    #[error("the certificate's subject may not answer this session")]
    SubjectNotAllowed,
    #[error("the bid is sealed to a certificate this account does not hold")]
    NotBidRecipient,
    #[error("too many scans from this account; retry in {0} s")]
    AccountScanLimit(u64),
    #[error("too many scans from this address; retry in {0} s")]
    AddressScanLimit(u64),
    #[error(transparent)]
    Answer(ScanError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Authority(#[from] AuthorityError),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<sqlx::Error> for SessionError {
    fn from(e: sqlx::Error) -> Self {
        SessionError::Store(StoreError::Database(e))
    }
}

impl SessionError {
    /// The stable code, also stored in usage records and session failures.
    pub fn code(&self) -> &'static str {
        match self {
            SessionError::Invalid(_) => "bad_request",
            SessionError::CallbackNotAllowed => "callback_not_allowed",
            SessionError::UnknownSession => "unknown_session",
            SessionError::BadQr(e) => e.code(),
            SessionError::QrForged => "qr_forged",
            SessionError::QrStale(_) => "qr_stale",
            SessionError::QrFuture => "qr_future",
            SessionError::Expired => "session_expired",
            SessionError::Finished(_) => "session_finished",
            SessionError::Taken => "session_taken",
            SessionError::NotScanned => "not_scanned",
            SessionError::BadTicket => "bad_ticket",
            SessionError::UnknownCertificate => "unknown_certificate",
            SessionError::CertificateRevoked => "certificate_revoked",
            SessionError::CertificateExpired => "certificate_expired",
            SessionError::SubjectNotAllowed => "subject_not_allowed",
            SessionError::NotBidRecipient => "not_bid_recipient",
            SessionError::AccountScanLimit(_) => "scan_account_limit",
            SessionError::AddressScanLimit(_) => "scan_address_limit",
            SessionError::Answer(e) => match e {
                ScanError::WrongSession => "wrong_session",
                ScanError::StatementMismatch(_) => "statement_mismatch",
                ScanError::BadSignature => "bad_signature",
                ScanError::BadCms(_) => "bad_cms",
                _ => "bad_answer",
            },
            SessionError::Store(_) | SessionError::Authority(_) | SessionError::Internal(_) => {
                "internal"
            }
        }
    }
}

fn invalid(e: impl ToString) -> SessionError {
    SessionError::Invalid(e.to_string())
}

/// The session service.
#[derive(Clone)]
pub struct Sessions {
    store: Store,
    clock: Arc<dyn Clock>,
    authority: Authority,
    identities: Identities,
    platforms: Platforms,
    qr_key: Arc<Zeroizing<[u8; 32]>>,
    changed: Arc<Notify>,
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sessions")
    }
}

/// One stored session.
struct Stored {
    id: String,
    platform_id: String,
    kind: SessionKind,
    status: String,
    qr_token: String,
    verification_code: String,
    display: DisplayText,
    document_digests: Option<DocumentDigests>,
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
}

const SESSION_COLUMNS: &str = "id, platform_id, kind, status, qr_token, verification_code, display,
    document_digests, encrypted_key, recipient_serial, ephemeral_public_key, allowed_id_lookup,
    allowed_org_code, callback_url, created_at, expires_at, scanned_by, scanned_device,
    scan_ticket_hash, failure_code, result";

fn from_row(r: &AnyRow) -> Result<Stored, SessionError> {
    let kind: String = r.try_get(2)?;
    let display: String = r.try_get(6)?;
    let digests: Option<String> = r.try_get(7)?;
    Ok(Stored {
        id: r.try_get(0)?,
        platform_id: r.try_get(1)?,
        kind: SessionKind::parse(&kind)
            .ok_or_else(|| SessionError::Internal(format!("stored kind {kind}")))?,
        status: r.try_get(3)?,
        qr_token: r.try_get(4)?,
        verification_code: r.try_get(5)?,
        display: serde_json::from_str(&display)
            .map_err(|e| SessionError::Internal(e.to_string()))?,
        document_digests: digests
            .map(|d| serde_json::from_str(&d))
            .transpose()
            .map_err(|e| SessionError::Internal(e.to_string()))?,
        encrypted_key: r.try_get(8)?,
        recipient_serial: r.try_get(9)?,
        ephemeral_public_key: r.try_get(10)?,
        allowed_id_lookup: r.try_get(11)?,
        allowed_org_code: r.try_get(12)?,
        callback_url: r.try_get(13)?,
        created_at: r.try_get(14)?,
        expires_at: r.try_get(15)?,
        scanned_by: r.try_get(16)?,
        scanned_device: r.try_get(17)?,
        scan_ticket_hash: r.try_get(18)?,
        failure_code: r.try_get(19)?,
        result: r.try_get(20)?,
    })
}

fn is_final(status: &str) -> bool {
    matches!(status, "completed" | "declined" | "expired" | "failed")
}

fn outcome_label(outcome: &str) -> &'static str {
    match outcome {
        "completed" => "成功",
        "declined" => "已拒绝",
        _ => "失败",
    }
}

/// The message id of a failure code (`qr_stale` → `session-qr-stale`).
pub fn failure_message_id(code: &str) -> String {
    format!("session-{}", code.replace('_', "-"))
}

/// A failure message for the platform's status view (zh-CN).
fn failure_message(code: &str) -> String {
    crate::i18n::message(
        mcert_core::i18n::Locale::ZhCn,
        &failure_message_id(code),
        &[],
    )
}

fn random_digits(n: usize) -> Result<String, SessionError> {
    let mut bytes = vec![0u8; n * 2];
    getrandom::fill(&mut bytes).map_err(|_| SessionError::Internal("rng".into()))?;
    Ok(bytes
        .chunks(2)
        .map(|c| char::from(b'0' + ((u16::from(c[0]) << 8 | u16::from(c[1])) % 10) as u8))
        .collect())
}

impl Sessions {
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        authority: Authority,
        identities: Identities,
        platforms: Platforms,
        qr_key: Zeroizing<[u8; 32]>,
    ) -> Self {
        Sessions {
            store,
            clock,
            authority,
            identities,
            platforms,
            qr_key: Arc::new(qr_key),
            changed: Arc::new(Notify::new()),
        }
    }

    pub fn platforms(&self) -> &Platforms {
        &self.platforms
    }

    /// The QR secret of a token: derived, so it is never stored.
    fn qr_secret(&self, token: &str) -> Zeroizing<String> {
        let mac = hash::hmac_sha256(&self.qr_key[..], &[b"qr secret:", token.as_bytes()]);
        Zeroizing::new(hex::encode(&mac[..16]))
    }

    fn now_ms(&self) -> i64 {
        unix_millis(self.clock.now())
    }

    // ----- Platform side -----

    /// Creates a session for `platform` (idempotent per `Idempotency-Key`).
    pub async fn create(
        &self,
        platform: &RegisteredPlatform,
        req: &NewSession,
        idempotency_key: Option<&str>,
    ) -> Result<CreatedSession, SessionError> {
        scan::validate_display(&req.display).map_err(invalid)?;
        let has = |o: &Option<String>| o.is_some();
        match req.kind {
            SessionKind::Login => {
                if req.document_digests.is_some()
                    || has(&req.encrypted_key)
                    || has(&req.recipient_serial)
                    || has(&req.ephemeral_public_key)
                {
                    return Err(invalid(
                        "a login session takes no document digests or bid keys",
                    ));
                }
            }
            SessionKind::Sign => {
                let digests = req
                    .document_digests
                    .as_ref()
                    .ok_or_else(|| invalid("a sign session needs document_digests"))?;
                digests.validate().map_err(invalid)?;
                if req.display.document_name.is_none() {
                    return Err(invalid(
                        "a sign session needs display.document_name (the phone shows it)",
                    ));
                }
                if has(&req.encrypted_key) || has(&req.ephemeral_public_key) {
                    return Err(invalid("a sign session takes no bid keys"));
                }
            }
            SessionKind::Decrypt => {
                let key = req
                    .encrypted_key
                    .as_deref()
                    .ok_or_else(|| invalid("a decrypt session needs encrypted_key"))?;
                let key = scan::unb64("encrypted_key", key).map_err(invalid)?;
                if key.is_empty() || key.len() > MAX_ENCRYPTED_KEY {
                    return Err(invalid("encrypted_key must be 1 to 1024 bytes"));
                }
                let serial = req
                    .recipient_serial
                    .as_deref()
                    .ok_or_else(|| invalid("a decrypt session needs recipient_serial"))?;
                if serial.is_empty()
                    || serial.len() > 40
                    || !serial.bytes().all(|b| b.is_ascii_hexdigit())
                {
                    return Err(invalid("recipient_serial must be 1 to 40 hex digits"));
                }
                let eph = req
                    .ephemeral_public_key
                    .as_deref()
                    .ok_or_else(|| invalid("a decrypt session needs ephemeral_public_key"))?;
                PublicKey::from_spki_der(
                    &scan::unb64("ephemeral_public_key", eph).map_err(invalid)?,
                )
                .map_err(|e| invalid(format!("ephemeral_public_key: {e}")))?;
            }
        }
        let (id_lookup, org_code) = match &req.allowed {
            None => (None, None),
            Some(AllowedSubjects {
                id_number,
                organization_code,
            }) => {
                let id = match id_number {
                    Some(n) if validate::is_id_number(n) => Some(self.identities.lookup_hash(n)),
                    Some(_) => return Err(invalid("allowed.id_number is not a valid ID number")),
                    None => None,
                };
                let org = match organization_code {
                    Some(c) if validate::is_unified_code(c) => Some(c.to_ascii_uppercase()),
                    Some(_) => {
                        return Err(invalid(
                            "allowed.organization_code is not a valid unified social credit code",
                        ));
                    }
                    None => None,
                };
                (id, org)
            }
        };
        let ttl = match req.expires_in {
            None => DEFAULT_TTL,
            Some(s) => {
                let d = Duration::from_secs(s);
                if !(MIN_TTL..=MAX_TTL).contains(&d) {
                    return Err(invalid("expires_in must be 10 to 600 seconds"));
                }
                d
            }
        };
        if let Some(url) = &req.callback_url
            && !platform.callback_urls.iter().any(|u| u == url)
        {
            return Err(SessionError::CallbackNotAllowed);
        }
        if let Some(key) = idempotency_key
            && let Some(existing) = self.by_idempotency(&platform.id, key).await?
        {
            return Ok(self.created_view(&existing));
        }
        let now = self.clock.now();
        let now_ms = unix_millis(now);
        let id = ulid(now).map_err(|e| SessionError::Internal(e.to_string()))?;
        let token = scan::new_token().map_err(|e| SessionError::Internal(e.to_string()))?;
        let code = random_digits(4)?;
        let expires_ms = now_ms + i64::try_from(ttl.as_millis()).unwrap_or(0);
        let digests = req
            .document_digests
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| SessionError::Internal(e.to_string()))?;
        let display = serde_json::to_string(&req.display)
            .map_err(|e| SessionError::Internal(e.to_string()))?;
        let mut tx = self.store.pool().begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO rp_sessions (id, platform_id, kind, status, qr_token, verification_code,
                 display, document_digests, encrypted_key, recipient_serial, ephemeral_public_key,
                 allowed_id_lookup, allowed_org_code, callback_url, idempotency_key, created_at,
                 expires_at)
             VALUES ($1, $2, $3, 'created', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        )
        .bind(&id)
        .bind(&platform.id)
        .bind(req.kind.as_str())
        .bind(&token)
        .bind(&code)
        .bind(&display)
        .bind(&digests)
        .bind(&req.encrypted_key)
        .bind(req.recipient_serial.as_deref().map(str::to_ascii_uppercase))
        .bind(&req.ephemeral_public_key)
        .bind(&id_lookup)
        .bind(&org_code)
        .bind(&req.callback_url)
        .bind(idempotency_key)
        .bind(now_ms)
        .bind(expires_ms)
        .execute(&mut *tx)
        .await;
        if let Err(e) = inserted {
            drop(tx);
            // A concurrent request with the same key won: answer with its session.
            if let Some(key) = idempotency_key
                && let Some(existing) = self.by_idempotency(&platform.id, key).await?
            {
                return Ok(self.created_view(&existing));
            }
            return Err(e.into());
        }
        audit::append(
            &mut tx,
            self.store.engine(),
            now_ms,
            &format!("platform:{}", platform.id),
            "session.created",
            &id,
            &json!({"kind": req.kind.as_str()}),
        )
        .await?;
        tx.commit().await?;
        let stored = self.load(&id).await?.ok_or(SessionError::UnknownSession)?;
        Ok(self.created_view(&stored))
    }

    fn created_view(&self, s: &Stored) -> CreatedSession {
        CreatedSession {
            session_id: s.id.clone(),
            qr_start_token: s.qr_token.clone(),
            qr_start_secret: self.qr_secret(&s.qr_token).to_string(),
            verification_code: s.verification_code.clone(),
            created_at: rfc3339(from_unix_millis(s.created_at)),
            expires_at: rfc3339(from_unix_millis(s.expires_at)),
        }
    }

    async fn by_idempotency(
        &self,
        platform_id: &str,
        key: &str,
    ) -> Result<Option<Stored>, SessionError> {
        self.find(
            "platform_id = $1 AND idempotency_key = $2",
            &[platform_id, key],
        )
        .await
    }

    async fn load(&self, id: &str) -> Result<Option<Stored>, SessionError> {
        self.find("id = $1", &[id]).await
    }

    async fn load_by_token(&self, token: &str) -> Result<Option<Stored>, SessionError> {
        self.find("qr_token = $1", &[token]).await
    }

    /// The session matching `condition` (a constant of this module) with `values` bound.
    async fn find(
        &self,
        condition: &'static str,
        values: &[&str],
    ) -> Result<Option<Stored>, SessionError> {
        let sql = format!("SELECT {SESSION_COLUMNS} FROM rp_sessions WHERE {condition}");
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for v in values {
            query = query.bind(*v);
        }
        let row = query.fetch_optional(self.store.pool()).await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Marks a session expired if its time is up; returns the current stored state.
    async fn refresh(&self, s: Stored) -> Result<Stored, SessionError> {
        if is_final(&s.status) || self.now_ms() < s.expires_at {
            return Ok(s);
        }
        let now = self.now_ms();
        let mut tx = self.store.pool().begin().await?;
        let changed = sqlx::query(
            "UPDATE rp_sessions SET status = 'expired', finished_at = $1, failure_code = 'session_expired'
             WHERE id = $2 AND status IN ('created', 'scanned')",
        )
        .bind(now)
        .bind(&s.id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 1 {
            audit::append(
                &mut tx,
                self.store.engine(),
                now,
                "system",
                "session.expired",
                &s.id,
                &json!({}),
            )
            .await?;
        }
        tx.commit().await?;
        let s = self
            .load(&s.id)
            .await?
            .ok_or(SessionError::UnknownSession)?;
        if changed == 1 {
            self.finished(&s);
        }
        Ok(s)
    }

    fn status_view(&self, s: &Stored) -> Result<SessionStatus, SessionError> {
        let result = s
            .result
            .as_deref()
            .map(serde_json::from_str::<SessionResult>)
            .transpose()
            .map_err(|e| SessionError::Internal(e.to_string()))?;
        Ok(SessionStatus {
            session_id: s.id.clone(),
            kind: s.kind,
            status: s.status.clone(),
            created_at: rfc3339(from_unix_millis(s.created_at)),
            expires_at: rfc3339(from_unix_millis(s.expires_at)),
            failure: s.failure_code.as_ref().map(|code| SessionFailure {
                code: code.clone(),
                message: failure_message(code),
            }),
            result,
        })
    }

    /// The session's status; with `wait`, holds the request (≤ 30 s) until the status differs
    /// from `since` (default: the status at the call) or the session ends.
    pub async fn status(
        &self,
        platform_id: &str,
        session_id: &str,
        wait: Option<Duration>,
        since: Option<&str>,
    ) -> Result<SessionStatus, SessionError> {
        let deadline = tokio::time::Instant::now() + wait.unwrap_or_default().min(MAX_WAIT);
        let mut first: Option<String> = since.map(str::to_string);
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let s = self
                .load(session_id)
                .await?
                .filter(|s| s.platform_id == platform_id)
                .ok_or(SessionError::UnknownSession)?;
            let s = self.refresh(s).await?;
            let since = first.get_or_insert_with(|| s.status.clone());
            let now = tokio::time::Instant::now();
            if wait.is_none() || s.status != *since || is_final(&s.status) || now >= deadline {
                return self.status_view(&s);
            }
            let nap = (deadline - now).min(POLL_EVERY);
            let _ = tokio::time::timeout(nap, notified).await;
        }
    }

    // ----- Phone side -----

    /// The phone scanned a QR code.
    pub async fn scan(
        &self,
        account_id: &str,
        client: IpAddr,
        req: &ScanRequest,
    ) -> Result<ScannedSession, SessionError> {
        self.claim_scan(account_id, client).await?;
        let device_ok = (8..=64).contains(&req.device_id.len())
            && req
                .device_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !device_ok {
            return Err(invalid(
                "device_id must be 8 to 64 letters, digits, '-' or '_'",
            ));
        }
        let code = QrCode::parse(&req.qr).map_err(SessionError::BadQr)?;
        let s = self
            .load_by_token(&code.token)
            .await?
            .ok_or(SessionError::UnknownSession)?;
        match self.check_scan(account_id, &req.device_id, &code, s).await {
            Ok(view) => Ok(view),
            Err((e, Some(s))) => {
                self.record(&s, account_id, "failed", Some(e.code()), None)
                    .await?;
                Err(e)
            }
            Err((e, None)) => Err(e),
        }
    }

    /// Claims a scan slot for the account and for the client's address; refused scans reach
    /// no check and leave no usage record or audit event.
    async fn claim_scan(&self, account_id: &str, client: IpAddr) -> Result<(), SessionError> {
        let now = self.now_ms();
        let address = match client {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => {
                    let s = v6.segments();
                    format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
                }
            },
        };
        let by_address = ratelimit::claim(
            &self.store,
            &format!("scan:addr:{address}"),
            SCANS_PER_ADDRESS,
            now,
        )
        .await?;
        let by_account = ratelimit::claim(
            &self.store,
            &format!("scan:account:{account_id}"),
            SCANS_PER_ACCOUNT,
            now,
        )
        .await?;
        match (by_account, by_address) {
            (Claim::Refused { retry_after }, _) => Err(SessionError::AccountScanLimit(retry_after)),
            (_, Claim::Refused { retry_after }) => Err(SessionError::AddressScanLimit(retry_after)),
            _ => Ok(()),
        }
    }

    async fn check_scan(
        &self,
        account_id: &str,
        device_id: &str,
        code: &QrCode,
        s: Stored,
    ) -> Result<ScannedSession, (SessionError, Option<Box<Stored>>)> {
        let fail = |e: SessionError, s: Stored| Err((e, Some(Box::new(s))));
        if !code.authentic(&self.qr_secret(&s.qr_token)) {
            return fail(SessionError::QrForged, s);
        }
        let s = self.refresh(s).await.map_err(|e| (e, None))?;
        if s.status == "expired" {
            return fail(SessionError::Expired, s);
        }
        if is_final(&s.status) {
            let status = s.status.clone();
            return fail(SessionError::Finished(status), s);
        }
        let elapsed = u64::try_from((self.now_ms() - s.created_at).max(0)).unwrap_or(0) / 1000;
        if code.t > elapsed + 1 {
            return fail(SessionError::QrFuture, s);
        }
        if elapsed.saturating_sub(code.t) > MAX_QR_AGE_SECS {
            return fail(SessionError::QrStale(elapsed - code.t), s);
        }
        // Only the holder of the certificate the bid is sealed to may take a decrypt session.
        if s.kind == SessionKind::Decrypt {
            match self.bid_recipient(account_id, &s).await {
                Ok(_) => {}
                Err(e @ SessionError::NotBidRecipient) => return fail(e, s),
                Err(e) => return Err((e, None)),
            }
        }
        if s.status == "scanned"
            && (s.scanned_by.as_deref() != Some(account_id)
                || s.scanned_device.as_deref() != Some(device_id))
        {
            return fail(SessionError::Taken, s);
        }
        let mut raw = Zeroizing::new([0u8; 32]);
        if getrandom::fill(raw.as_mut()).is_err() {
            return fail(SessionError::Internal("rng".into()), s);
        }
        let ticket = hex::encode(raw.as_ref());
        let now = self.now_ms();
        let result = async {
            let mut tx = self.store.pool().begin().await?;
            let changed = sqlx::query(
                "UPDATE rp_sessions SET status = 'scanned', scanned_by = $1, scanned_device = $2,
                     scan_ticket_hash = $3, scanned_at = $4
                 WHERE id = $5 AND (status = 'created'
                     OR (status = 'scanned' AND scanned_by = $1 AND scanned_device = $2))",
            )
            .bind(account_id)
            .bind(device_id)
            .bind(hex::encode(hash::sha256(ticket.as_bytes())))
            .bind(now)
            .bind(&s.id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 1 {
                audit::append(
                    &mut tx,
                    self.store.engine(),
                    now,
                    &format!("account:{account_id}"),
                    "session.scanned",
                    &s.id,
                    &json!({"device": device_id}),
                )
                .await?;
            }
            tx.commit().await?;
            Ok::<_, SessionError>(changed)
        }
        .await;
        match result {
            Ok(1) => {}
            Ok(_) => return fail(SessionError::Taken, s),
            Err(e) => return Err((e, None)),
        }
        self.changed.notify_waiters();
        let mut view = match self.scanned_view(&s).await {
            Ok(v) => v,
            Err(e) => return Err((e, None)),
        };
        view.scan_ticket = ticket;
        view.eligible_serials = match self.eligible(account_id, &s).await {
            Ok(v) => v,
            Err(e) => return Err((e, None)),
        };
        Ok(view)
    }

    /// The session as the phone sees it (without ticket and eligible certificates).
    async fn scanned_view(&self, s: &Stored) -> Result<ScannedSession, SessionError> {
        let platform = self
            .platforms
            .get(&s.platform_id)
            .await
            .map_err(|e| SessionError::Internal(e.to_string()))?;
        Ok(ScannedSession {
            session_id: s.id.clone(),
            scan_ticket: String::new(),
            platform: PlatformInfo {
                id: platform.id,
                name: platform.name,
                logo_url: platform.logo_url,
            },
            kind: s.kind,
            operation: s.kind.operation().to_string(),
            display: s.display.clone(),
            verification_code: s.verification_code.clone(),
            created_at: rfc3339(from_unix_millis(s.created_at)),
            expires_at: rfc3339(from_unix_millis(s.expires_at)),
            document_digests: s.document_digests.clone(),
            encrypted_key: s.encrypted_key.clone(),
            recipient_serial: s.recipient_serial.clone(),
            ephemeral_public_key: s.ephemeral_public_key.clone(),
            eligible_serials: Vec::new(),
        })
    }

    /// The account's certificates that may answer: good, in validity, of an algorithm the
    /// session can use, with an allowed subject.
    async fn eligible(&self, account_id: &str, s: &Stored) -> Result<Vec<String>, SessionError> {
        let recipient = match s.kind {
            SessionKind::Decrypt => match self.bid_recipient(account_id, s).await {
                Ok(r) => Some(r),
                Err(SessionError::NotBidRecipient) => return Ok(Vec::new()),
                Err(e) => return Err(e),
            },
            _ => None,
        };
        let now = self.now_ms();
        let rows = sqlx::query(
            "SELECT c.serial, c.der FROM certificates c JOIN entitlements e ON c.entitlement_id = e.id
             WHERE e.holder_account_id = $1 AND c.status = 'good' AND c.not_before <= $2
                 AND c.not_after > $2
             ORDER BY c.created_at DESC",
        )
        .bind(account_id)
        .bind(now)
        .fetch_all(self.store.pool())
        .await?;
        let mut out = Vec::new();
        for r in rows {
            let der: Vec<u8> = r.try_get(1)?;
            let Ok(cert) = x509::parse_certificate(&der) else {
                continue;
            };
            let opens = recipient.as_ref().is_none_or(|r| r.may_answer(&cert));
            if opens && self.allowed(s, &cert).is_ok() {
                out.push(r.try_get(0)?);
            }
        }
        Ok(out)
    }

    /// The certificate a decrypt session's bid is sealed to, if `account_id` holds it (any
    /// status: a retired key still opens old bids).
    async fn bid_recipient(
        &self,
        account_id: &str,
        s: &Stored,
    ) -> Result<BidRecipient, SessionError> {
        let serial = s
            .recipient_serial
            .as_deref()
            .ok_or(SessionError::NotBidRecipient)?;
        let row = sqlx::query(
            "SELECT c.serial, c.der FROM certificates c JOIN entitlements e ON c.entitlement_id = e.id
             WHERE c.serial = $1 AND e.holder_account_id = $2",
        )
        .bind(serial)
        .bind(account_id)
        .fetch_optional(self.store.pool())
        .await?
        .ok_or(SessionError::NotBidRecipient)?;
        let der: Vec<u8> = row.try_get(1)?;
        let cert = x509::parse_certificate(&der)
            .map_err(|e| SessionError::Internal(format!("stored certificate {serial}: {e}")))?;
        Ok(BidRecipient {
            serial: row.try_get(0)?,
            subject: SubjectKey::of(&cert),
        })
    }

    /// Whether the certificate's subject and algorithm may answer the session.
    fn allowed(&self, s: &Stored, cert: &Certificate) -> Result<(), SessionError> {
        let info = x509::info(cert).map_err(|_| SessionError::UnknownCertificate)?;
        if s.kind == SessionKind::Sign {
            let usable = s
                .document_digests
                .as_ref()
                .and_then(|d| d.for_algorithm(info.algorithm).ok().flatten())
                .is_some();
            if !usable {
                return Err(SessionError::SubjectNotAllowed);
            }
        }
        if let Some(lookup) = &s.allowed_id_lookup {
            let matches = info.subject.serial_number.as_deref().is_some_and(|n| {
                hash::ct_eq(self.identities.lookup_hash(n).as_bytes(), lookup.as_bytes())
            });
            if !matches {
                return Err(SessionError::SubjectNotAllowed);
            }
        }
        if let Some(code) = &s.allowed_org_code
            && info.subject.organization_identifier.as_deref() != Some(code.as_str())
        {
            return Err(SessionError::SubjectNotAllowed);
        }
        Ok(())
    }

    /// Checks the ticket of the device that scanned.
    fn check_ticket(&self, s: &Stored, account_id: &str, ticket: &str) -> Result<(), SessionError> {
        let expected = s.scan_ticket_hash.as_deref().unwrap_or("");
        let given = hex::encode(hash::sha256(ticket.as_bytes()));
        if s.scanned_by.as_deref() != Some(account_id)
            || !hash::ct_eq(expected.as_bytes(), given.as_bytes())
        {
            return Err(SessionError::BadTicket);
        }
        Ok(())
    }

    async fn scanned_session(
        &self,
        account_id: &str,
        session_id: &str,
    ) -> Result<Stored, (SessionError, Option<Box<Stored>>)> {
        let s = match self.load(session_id).await {
            Ok(Some(s)) => s,
            Ok(None) => return Err((SessionError::UnknownSession, None)),
            Err(e) => return Err((e, None)),
        };
        let s = self.refresh(s).await.map_err(|e| (e, None))?;
        match s.status.as_str() {
            "scanned" => Ok(s),
            "created" => Err((SessionError::NotScanned, Some(Box::new(s)))),
            "expired" => Err((SessionError::Expired, Some(Box::new(s)))),
            other => {
                let other = other.to_string();
                // Only the device that scanned learns how it ended.
                if s.scanned_by.as_deref() == Some(account_id) {
                    Err((SessionError::Finished(other), Some(Box::new(s))))
                } else {
                    Err((SessionError::Taken, Some(Box::new(s))))
                }
            }
        }
    }

    /// The scanned session this device answers, checked by its ticket. Refused attempts are
    /// recorded; the session itself is left as it was.
    async fn scanned_with_ticket(
        &self,
        account_id: &str,
        session_id: &str,
        ticket: &str,
    ) -> Result<Stored, SessionError> {
        let refused = match self.scanned_session(account_id, session_id).await {
            Ok(s) => match self.check_ticket(&s, account_id, ticket) {
                Ok(()) => return Ok(s),
                Err(e) => (e, Some(Box::new(s))),
            },
            Err(refused) => refused,
        };
        if let (e, Some(s)) = &refused {
            self.record(s, account_id, "failed", Some(e.code()), None)
                .await?;
        }
        Err(refused.0)
    }

    /// The phone's answer. Checked in full; the session completes exactly once.
    pub async fn complete(
        &self,
        account_id: &str,
        session_id: &str,
        answer: &Completion,
    ) -> Result<SessionStatus, SessionError> {
        let s = self
            .scanned_with_ticket(account_id, session_id, &answer.scan_ticket)
            .await?;
        match self.verify_answer(account_id, &s, answer).await {
            Ok((serial, result)) => {
                self.finish_completed(account_id, &s, &serial, &result)
                    .await
            }
            Err((e, serial)) => {
                if matches!(
                    e,
                    SessionError::Store(_) | SessionError::Authority(_) | SessionError::Internal(_)
                ) {
                    return Err(e);
                }
                self.finish_failed(account_id, &s, &e, serial.as_deref())
                    .await?;
                Err(e)
            }
        }
    }

    async fn verify_answer(
        &self,
        account_id: &str,
        s: &Stored,
        answer: &Completion,
    ) -> Result<(String, SessionResult), (SessionError, Option<String>)> {
        let plain = |e: SessionError| (e, None);
        let der = scan::unb64("certificate", &answer.certificate)
            .map_err(|e| plain(SessionError::Answer(e)))?;
        let cert = x509::parse_certificate(&der)
            .map_err(|e| plain(SessionError::Answer(ScanError::Crypto(e))))?;
        let serial = x509::serial_hex(&cert);
        let with = |e: SessionError| (e, Some(serial.clone()));
        // Ours, and held by this account.
        let row = sqlx::query(
            "SELECT c.der, c.issuer_id, c.algorithm FROM certificates c
             JOIN entitlements e ON c.entitlement_id = e.id
             WHERE c.serial = $1 AND e.holder_account_id = $2",
        )
        .bind(&serial)
        .bind(account_id)
        .fetch_optional(self.store.pool())
        .await
        .map_err(|e| plain(e.into()))?
        .ok_or_else(|| with(SessionError::UnknownCertificate))?;
        let stored_der: Vec<u8> = row.try_get(0).map_err(|e| plain(e.into()))?;
        let issuer_id: String = row.try_get(1).map_err(|e| plain(e.into()))?;
        if stored_der != der {
            return Err(with(SessionError::UnknownCertificate));
        }
        let alg = x509::certificate_public_key(&cert)
            .map_err(|e| with(SessionError::Answer(ScanError::Crypto(e))))?
            .algorithm();
        let h = self.authority.hierarchy(alg).map_err(|e| plain(e.into()))?;
        let now = self.clock.now();
        match path::validate(
            &cert,
            std::slice::from_ref(&h.issuing),
            std::slice::from_ref(&h.root),
            &ValidationOptions::at(now),
        ) {
            Ok(_) => {}
            Err(PathError::Expired { .. } | PathError::NotYetValid { .. }) => {
                return Err(with(SessionError::CertificateExpired));
            }
            Err(_) => return Err(with(SessionError::UnknownCertificate)),
        }
        match self
            .authority
            .status(&issuer_id, &serial)
            .await
            .map_err(|e| plain(e.into()))?
        {
            CertStatus::Good => {}
            CertStatus::Revoked { .. } => return Err(with(SessionError::CertificateRevoked)),
            CertStatus::Unknown => return Err(with(SessionError::UnknownCertificate)),
        }
        self.allowed(s, &cert).map_err(with)?;
        // A bid is opened by its recipient: the account holding the certificate it is sealed
        // to, answering with that certificate or a later one of the same subject. The usage
        // record names the certificate that opened it.
        let recorded_serial = if s.kind == SessionKind::Decrypt {
            let recipient = self.bid_recipient(account_id, s).await.map_err(with)?;
            if !recipient.may_answer(&cert) {
                return Err(with(SessionError::NotBidRecipient));
            }
            recipient.serial
        } else {
            serial.clone()
        };
        let view = self.scanned_view(s).await.map_err(plain)?;
        scan::check_answer(&view, answer, &cert).map_err(|e| with(SessionError::Answer(e)))?;
        // The CA's signed status at completion, for the platform to keep.
        let cert_id = CertId::new(
            &h.issuing,
            cert.tbs_certificate().serial_number().as_bytes(),
            None,
        )
        .map_err(|e| plain(SessionError::Internal(e.to_string())))?;
        let request = revocation::build_ocsp_request(&[cert_id], None)
            .map_err(|e| plain(SessionError::Internal(e.to_string())))?;
        let ocsp = self
            .authority
            .ocsp(&request)
            .await
            .map_err(|e| plain(e.into()))?;
        let info = x509::info(&cert).map_err(|e| plain(SessionError::Internal(e.to_string())))?;
        let issuing_der =
            x509::to_der(&h.issuing).map_err(|e| plain(SessionError::Internal(e.to_string())))?;
        let b64 = |b: &[u8]| {
            use base64ct::Encoding;
            base64ct::Base64::encode_string(b)
        };
        Ok((
            recorded_serial,
            SessionResult {
                certificate: b64(&der),
                chain: vec![b64(&issuing_der)],
                serial: serial.clone(),
                subject: info.subject_text,
                algorithm: alg.as_str().to_string(),
                statement: answer.statement.clone(),
                signature: answer.signature.clone(),
                cms: answer.cms.clone(),
                reencrypted_key: answer.reencrypted_key.clone(),
                ocsp_status: "good".into(),
                ocsp_response: b64(&ocsp),
                completed_at: rfc3339(now),
            },
        ))
    }

    /// The holder's verified name and the platform's name, as usage records show them.
    async fn usage_names(
        &self,
        s: &Stored,
        account_id: &str,
    ) -> Result<(Option<String>, String), SessionError> {
        let row = sqlx::query("SELECT name FROM identities WHERE account_id = $1")
            .bind(account_id)
            .fetch_optional(self.store.pool())
            .await?;
        let holder = row.map(|r| r.try_get(0)).transpose()?;
        let platform_name = self
            .platforms
            .get(&s.platform_id)
            .await
            .map(|p| p.name)
            .unwrap_or_else(|_| s.platform_id.clone());
        Ok((holder, platform_name))
    }

    /// Moves a scanned session to its end state, with its usage record, in one transaction.
    /// Returns false when another submission ended it first.
    async fn end(
        &self,
        account_id: &str,
        s: &Stored,
        status: &str,
        failure: Option<&str>,
        serial: Option<&str>,
        result: Option<&SessionResult>,
    ) -> Result<bool, SessionError> {
        let now = self.now_ms();
        let result = result
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| SessionError::Internal(e.to_string()))?;
        // Read everything before the transaction: SQLite has a single connection.
        let (holder, platform_name) = self.usage_names(s, account_id).await?;
        let mut tx = self.store.pool().begin().await?;
        let changed = sqlx::query(
            "UPDATE rp_sessions SET status = $1, failure_code = $2, result = $3, finished_at = $4
             WHERE id = $5 AND status = 'scanned'",
        )
        .bind(status)
        .bind(failure)
        .bind(&result)
        .bind(now)
        .bind(&s.id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed != 1 {
            return Ok(false);
        }
        insert_usage(
            &mut tx,
            &UsageRow {
                session: s,
                account_id,
                holder_name: holder.as_deref(),
                serial,
                platform_name: &platform_name,
                outcome: status,
                failure,
                at: now,
            },
        )
        .await?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &format!("account:{account_id}"),
            &format!("session.{status}"),
            &s.id,
            &json!({"serial": serial, "failure": failure}),
        )
        .await?;
        tx.commit().await?;
        if let Some(ended) = self.load(&s.id).await? {
            self.finished(&ended);
        }
        Ok(true)
    }

    async fn finish_completed(
        &self,
        account_id: &str,
        s: &Stored,
        serial: &str,
        result: &SessionResult,
    ) -> Result<SessionStatus, SessionError> {
        if !self
            .end(account_id, s, "completed", None, Some(serial), Some(result))
            .await?
        {
            // Lost a race with another submission: the first one stands.
            let e = SessionError::Finished("completed".into());
            self.record(s, account_id, "failed", Some(e.code()), Some(serial))
                .await?;
            return Err(e);
        }
        let s = self
            .load(&s.id)
            .await?
            .ok_or(SessionError::UnknownSession)?;
        self.status_view(&s)
    }

    async fn finish_failed(
        &self,
        account_id: &str,
        s: &Stored,
        e: &SessionError,
        serial: Option<&str>,
    ) -> Result<(), SessionError> {
        if !self
            .end(account_id, s, "failed", Some(e.code()), serial, None)
            .await?
        {
            self.record(s, account_id, "failed", Some(e.code()), serial)
                .await?;
        }
        Ok(())
    }

    /// The user declined on the phone.
    pub async fn decline(
        &self,
        account_id: &str,
        session_id: &str,
        req: &Decline,
    ) -> Result<SessionStatus, SessionError> {
        let s = self
            .scanned_with_ticket(account_id, session_id, &req.scan_ticket)
            .await?;
        if !self
            .end(account_id, &s, "declined", Some("declined"), None, None)
            .await?
        {
            return Err(SessionError::Finished("completed".into()));
        }
        let s = self
            .load(&s.id)
            .await?
            .ok_or(SessionError::UnknownSession)?;
        self.status_view(&s)
    }

    /// A usage record for an attempt that did not change the session.
    async fn record(
        &self,
        s: &Stored,
        account_id: &str,
        outcome: &str,
        failure: Option<&str>,
        serial: Option<&str>,
    ) -> Result<(), SessionError> {
        let (holder, platform_name) = self.usage_names(s, account_id).await?;
        let now = self.now_ms();
        let mut tx = self.store.pool().begin().await?;
        insert_usage(
            &mut tx,
            &UsageRow {
                session: s,
                account_id,
                holder_name: holder.as_deref(),
                serial,
                platform_name: &platform_name,
                outcome,
                failure,
                at: now,
            },
        )
        .await?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &format!("account:{account_id}"),
            "session.attempt_refused",
            &s.id,
            &json!({"failure": failure}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Wakes pollers and sends the callback of a session that just ended.
    fn finished(&self, s: &Stored) {
        self.changed.notify_waiters();
        let Some(url) = s.callback_url.clone() else {
            return;
        };
        let Ok(status) = self.status_view(s) else {
            return;
        };
        let secret = self.platforms.callback_secret(&s.platform_id);
        let Ok(hook) = SignedWebhook::new(&url, secret.as_bytes(), Duration::from_secs(5)) else {
            return;
        };
        let body = json!(status);
        tokio::spawn(async move {
            for attempt in 0..CALLBACK_ATTEMPTS {
                match hook.post(&body).await {
                    Ok(_) => return,
                    Err(e) => {
                        tracing::warn!(%url, attempt, error = %e, "session callback failed");
                        tokio::time::sleep(Duration::from_secs(1 << attempt)).await;
                    }
                }
            }
        });
    }

    // ----- Usage records -----

    /// The account's usage records, newest first, optionally within `[from, to)`.
    pub async fn usage(
        &self,
        account_id: &str,
        from: Option<i64>,
        to: Option<i64>,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<UsagePage, SessionError> {
        let limit = i64::from(limit.clamp(1, 100));
        let (c_at, c_id) = match cursor {
            None => (i64::MAX, String::new()),
            Some(c) => {
                let (at, id) = c
                    .split_once('_')
                    .ok_or_else(|| invalid("cursor is not one this service gave"))?;
                (
                    at.parse::<i64>()
                        .map_err(|_| invalid("cursor is not one this service gave"))?,
                    id.to_string(),
                )
            }
        };
        let rows = sqlx::query(
            "SELECT id, session_id, kind, holder_name, certificate_serial, platform_id,
                 platform_name, outcome, failure_code, at
             FROM usage_records
             WHERE account_id = $1 AND at >= $2 AND at < $3
                 AND (at < $4 OR (at = $4 AND id < $5))
             ORDER BY at DESC, id DESC LIMIT $6",
        )
        .bind(account_id)
        .bind(from.unwrap_or(0))
        .bind(to.unwrap_or(i64::MAX))
        .bind(c_at)
        .bind(if cursor.is_some() {
            c_id
        } else {
            "~".repeat(40)
        })
        .bind(limit + 1)
        .fetch_all(self.store.pool())
        .await?;
        let mut items = Vec::with_capacity(rows.len());
        for r in rows.iter().take(usize::try_from(limit).unwrap_or(100)) {
            let kind: String = r.try_get(2)?;
            let kind = SessionKind::parse(&kind)
                .ok_or_else(|| SessionError::Internal(format!("stored kind {kind}")))?;
            let outcome: String = r.try_get(7)?;
            let at: i64 = r.try_get(9)?;
            items.push(UsageRecord {
                id: r.try_get(0)?,
                session_id: r.try_get(1)?,
                kind,
                operation: kind.operation().to_string(),
                holder_name: r.try_get(3)?,
                certificate_serial: r.try_get(4)?,
                platform_id: r.try_get(5)?,
                platform_name: r.try_get(6)?,
                outcome_label: outcome_label(&outcome).to_string(),
                outcome,
                failure_code: r.try_get(8)?,
                at: rfc3339(from_unix_millis(at)),
            });
        }
        let next_cursor = if rows.len() > items.len() {
            match (rows.get(items.len() - 1), items.last()) {
                (Some(r), Some(last)) => {
                    let at: i64 = r.try_get(9)?;
                    Some(format!("{at}_{}", last.id))
                }
                _ => None,
            }
        } else {
            None
        };
        Ok(UsagePage { items, next_cursor })
    }
}

/// Who a certificate identifies: the organisation's unified code and the person's ID number
/// (stable across renewal, reissue and rename).
#[derive(Debug, PartialEq, Eq)]
struct SubjectKey {
    organization_identifier: Option<String>,
    serial_number: Option<String>,
}

impl SubjectKey {
    fn of(cert: &Certificate) -> Option<SubjectKey> {
        let subject = x509::info(cert).ok()?.subject;
        if subject.organization_identifier.is_none() && subject.serial_number.is_none() {
            return None;
        }
        Some(SubjectKey {
            organization_identifier: subject.organization_identifier,
            serial_number: subject.serial_number,
        })
    }
}

/// The holder's certificate a sealed bid's key is encrypted to.
#[derive(Debug)]
struct BidRecipient {
    serial: String,
    subject: Option<SubjectKey>,
}

impl BidRecipient {
    /// Whether `cert` (already known to be held by the same account) may answer for it.
    fn may_answer(&self, cert: &Certificate) -> bool {
        x509::serial_hex(cert) == self.serial
            || (self.subject.is_some() && SubjectKey::of(cert) == self.subject)
    }
}

struct UsageRow<'a> {
    session: &'a Stored,
    account_id: &'a str,
    holder_name: Option<&'a str>,
    serial: Option<&'a str>,
    platform_name: &'a str,
    outcome: &'a str,
    failure: Option<&'a str>,
    at: i64,
}

async fn insert_usage(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    u: &UsageRow<'_>,
) -> Result<(), SessionError> {
    let id = ulid(from_unix_millis(u.at)).map_err(|e| SessionError::Internal(e.to_string()))?;
    sqlx::query(
        "INSERT INTO usage_records (id, session_id, account_id, kind, holder_name,
             certificate_serial, platform_id, platform_name, outcome, failure_code, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&id)
    .bind(&u.session.id)
    .bind(u.account_id)
    .bind(u.session.kind.as_str())
    .bind(u.holder_name)
    .bind(u.serial)
    .bind(&u.session.platform_id)
    .bind(u.platform_name)
    .bind(u.outcome)
    .bind(u.failure)
    .bind(u.at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
