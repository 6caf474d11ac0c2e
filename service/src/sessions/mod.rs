//! Relying-party sessions (DESIGN §3) and usage records (seed 000 §9).
//!
//! A platform creates a session and shows its animated QR code ([`create`]); the phone scans
//! it ([`scan`]: the service checks the code's HMAC and age, and binds the session to that
//! device with a scan ticket), shows what the session says, and answers ([`complete`]). The
//! service checks the answer — statement, signature, CMS, chain to this CA, status, subject,
//! and for a sealed bid its recipient — and completes the session exactly once. Every
//! completed, declined or failed attempt by a known account leaves a usage record
//! ([`usage`]). Platforms learn the outcome by long-poll ([`status`]) or a signed callback
//! ([`callbacks`]). The tables belong to [`repo`].

mod callbacks;
mod complete;
mod create;
mod holdings;
pub mod repo;
mod scan;
mod sealed_bids;
mod stamp;
mod stamp_repo;
mod status;
mod usage;

use std::sync::Arc;
use std::time::Duration;

use mcert_core::clock::{Clock, unix_millis};
use mcert_core::crypto::hash;
use mcert_core::scan::ScanError;
use tokio::sync::Notify;
use zeroize::Zeroizing;

use crate::authority::{Authority, AuthorityError};
use crate::identity::Identities;
use crate::limits::Limit;
use crate::outbox::Outbox;
use crate::platforms::Platforms;
use crate::seals::Seals;
use crate::store::{Store, StoreError};
pub use callbacks::{CallbackJob, CallbackJobs};
use repo::SessionState;
pub use usage::{OrgUsageFilter, OrgUsageScope};

/// Session lifetime when the platform does not say.
pub const DEFAULT_TTL: Duration = Duration::from_secs(120);
pub const MIN_TTL: Duration = Duration::from_secs(10);
pub const MAX_TTL: Duration = Duration::from_secs(600);
/// Oldest QR code accepted: the page redraws every second, so this leaves time to aim and
/// send while a relayed screenshot goes stale.
pub const MAX_QR_AGE_SECS: u64 = 5;
/// Longest long-poll.
pub const MAX_WAIT: Duration = Duration::from_secs(30);
/// Scans one account may send per minute (a person rescans a few times at most).
pub const SCANS_PER_ACCOUNT: Limit = Limit::per_minute(30);
/// Scans one client address (an IPv4 address or an IPv6 /64) may send per minute: a bidding
/// hall behind one NAT holds many bidders.
pub const SCANS_PER_ADDRESS: Limit = Limit::per_minute(120);

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
    #[error("the session is already {}", .0.as_str())]
    Finished(SessionState),
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
    #[error("stamp sessions are not offered by this service")]
    StampingOff,
    #[error("the seal cannot be used for this session")]
    SealNotUsable,
    #[error("the seal cannot be changed any more: the platform has prepared the document")]
    SealFixed,
    #[error("the phone has picked another seal since; prepare the document again")]
    SealChanged,
    #[error("an admin has not approved this use of the seal yet")]
    ApprovalPending,
    #[error("an admin refused this use of the seal")]
    UseRefused,
    #[error("no seal has been picked for this session")]
    NoSealPicked,
    #[error("the platform has not sent the prepared document's digest yet")]
    DigestPending,
    #[error("the document's digest was already sent")]
    DigestSent,
    #[error("the session is at stamp {0} (0-based), not that one")]
    WrongPlace(u32),
    #[error("this stamp of the session was already made")]
    StampMade,
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
            SessionError::StampingOff => "stamping_off",
            SessionError::SealNotUsable => "seal_not_usable",
            SessionError::SealFixed => "seal_fixed",
            SessionError::SealChanged => "seal_changed",
            SessionError::NoSealPicked => "no_seal_picked",
            SessionError::ApprovalPending => "approval_pending",
            SessionError::UseRefused => "use_refused",
            SessionError::DigestPending => "digest_pending",
            SessionError::DigestSent => "digest_sent",
            SessionError::WrongPlace(_) => "wrong_place",
            SessionError::StampMade => "stamp_made",
            SessionError::AccountScanLimit(_) => "scan_account_limit",
            SessionError::AddressScanLimit(_) => "scan_address_limit",
            SessionError::Answer(e) => match e {
                ScanError::WrongSession => "wrong_session",
                ScanError::StatementMismatch(_) => "statement_mismatch",
                ScanError::BadSignature => "bad_signature",
                ScanError::BadCms(_) => "bad_cms",
                ScanError::BadSeal(_) => "bad_seal",
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

/// Base64 of binary result fields (certificates, signatures, pictures).
fn b64(bytes: &[u8]) -> String {
    use base64ct::Encoding;
    base64ct::Base64::encode_string(bytes)
}

fn internal(e: impl std::fmt::Display) -> SessionError {
    SessionError::Internal(e.to_string())
}

/// The message id of a failure code (`qr_stale` → `session-qr-stale`).
pub fn failure_message_id(code: &str) -> String {
    format!("session-{}", code.replace('_', "-"))
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
    outbox: Outbox,
    changed: Arc<Notify>,
    /// Stamp sessions read claimed seals from here; without it they are refused.
    seals: Option<Seals>,
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sessions")
    }
}

impl Sessions {
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        authority: Authority,
        identities: Identities,
        platforms: Platforms,
        qr_key: Zeroizing<[u8; 32]>,
        outbox: Outbox,
    ) -> Self {
        Sessions {
            store,
            clock,
            authority,
            identities,
            platforms,
            qr_key: Arc::new(qr_key),
            outbox,
            changed: Arc::new(Notify::new()),
            seals: None,
        }
    }

    /// Lets stamp sessions use the organisations' claimed seals.
    pub fn with_seals(mut self, seals: Seals) -> Self {
        self.seals = Some(seals);
        self
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
}
