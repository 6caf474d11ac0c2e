//! Reviewers of the web console (审核员): accounts the operator makes (`mcert reviewer add`),
//! a password kept as an Argon2id PHC string, a TOTP second factor (RFC 6238) whose secret is
//! sealed under a key derived from the operator key, and console sessions.
//!
//! - A login needs username, password and a 6-digit code in one go; a wrong one of any says
//!   only "wrong credentials". A code's time-step is used once: the same code (or an older
//!   one) does not open a second session.
//! - Every attempt is counted against the reviewer in the database before anything is
//!   compared, in one statement, so parallel guesses cannot outrun the limit: the fifth failure
//!   in a row locks the reviewer for 15 minutes.
//! - Session tokens are 32 random bytes, stored as their SHA-256; a session ends 8 hours after
//!   login or after 30 minutes unused. The CSRF token of a session is a MAC of its token.
//! - Logins, failures, locks, logouts, additions and disabling are audited.

mod login;
mod password;
pub mod repo;
pub mod totp;

pub use password::made_password;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use mcert_core::clock::{Clock, unix_millis};
use mcert_core::crypto::hash;
use serde_json::json;
use zeroize::Zeroizing;

use crate::audit;
use crate::authz::{Actor, OperatorGrant, ReviewerGrant};
use crate::seal_at_rest::{SealError, SealingKey};
use crate::store::{Store, StoreError, Tx};
use password::{blocking, hash_password};

/// Failed logins in a row that lock a reviewer.
pub const MAX_FAILED_LOGINS: i64 = 5;
/// How long a lock lasts.
pub const LOCKOUT: Duration = Duration::from_secs(15 * 60);
/// Longest a console session lasts.
pub const SESSION_TTL: Duration = Duration::from_secs(8 * 3600);
/// A console session unused this long has ended.
pub const SESSION_IDLE: Duration = Duration::from_secs(30 * 60);
/// The issuer an authenticator app shows beside the account.
pub const TOTP_ISSUER: &str = "mcert";
/// Shortest password the operator may set.
pub const MIN_PASSWORD_CHARS: usize = 10;
const MAX_PASSWORD_CHARS: usize = 256;

#[derive(Debug, thiserror::Error)]
pub enum ReviewerError {
    #[error("a username is 3 to 32 of a-z, 0-9, '.', '_' and '-'")]
    BadUsername,
    #[error("a display name is 1 to 40 characters, without control characters")]
    BadDisplayName,
    #[error("a password has 10 to 256 characters")]
    WeakPassword,
    #[error("the username is taken")]
    UsernameTaken,
    #[error("no such reviewer, or disabled already")]
    UnknownReviewer,
    /// Wrong username, password or code, a code used before, or a disabled reviewer: one
    /// answer for all, so that it tells nothing.
    #[error("wrong username, password or code")]
    BadCredentials,
    #[error("too many failed logins; locked for {0} s")]
    Locked(u64),
    #[error("not logged in to the console, or the session has ended")]
    Unauthorized,
    #[error("sealed secret: {0}")]
    Seal(#[from] SealError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("random number generator failed")]
    Rng,
    #[error("internal: {0}")]
    Internal(String),
}

impl From<sqlx::Error> for ReviewerError {
    fn from(e: sqlx::Error) -> Self {
        ReviewerError::Store(StoreError::Database(e))
    }
}

/// What the operator hands the new reviewer once: the `otpauth://` URI (for a QR code) and the
/// base32 secret (to type in).
pub struct Enrolment {
    pub reviewer_id: String,
    pub username: String,
    pub otpauth_uri: Zeroizing<String>,
    pub secret_base32: Zeroizing<String>,
}

impl std::fmt::Debug for Enrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Enrolment")
            .field("reviewer_id", &self.reviewer_id)
            .field("username", &self.username)
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// A reviewer as listed and shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewerInfo {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub disabled: bool,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Unix milliseconds; 0 when not locked.
    pub locked_until: i64,
}

impl From<&repo::ReviewerRow> for ReviewerInfo {
    fn from(r: &repo::ReviewerRow) -> Self {
        ReviewerInfo {
            id: r.id.clone(),
            username: r.username.clone(),
            display_name: r.display_name.clone(),
            disabled: r.disabled_at.is_some(),
            created_at: r.created_at,
            locked_until: r.locked_until,
        }
    }
}

/// A new console session: the token goes into the cookie, nowhere else.
pub struct ConsoleLogin {
    pub token: Zeroizing<String>,
    pub reviewer: ReviewerInfo,
    /// Unix milliseconds.
    pub expires_at: i64,
}

impl std::fmt::Debug for ConsoleLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsoleLogin")
            .field("token", &"[redacted]")
            .field("reviewer", &self.reviewer)
            .finish_non_exhaustive()
    }
}

/// The reviewer of a live console session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsoleSession {
    pub reviewer: ReviewerInfo,
}

impl ConsoleSession {
    /// Who is asking, for the policy.
    pub fn actor(&self) -> Actor {
        Actor::Reviewer(self.reviewer.id.clone())
    }
}

/// The reviewer accounts and console sessions.
#[derive(Clone)]
pub struct Reviewers {
    store: Store,
    clock: Arc<dyn Clock>,
    totp_seal: Arc<SealingKey>,
    csrf_key: Arc<Zeroizing<[u8; 32]>>,
    /// A hash that unknown usernames are checked against, so that they take as long.
    dummy_hash: Arc<OnceLock<String>>,
}

impl std::fmt::Debug for Reviewers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reviewers").finish_non_exhaustive()
    }
}

fn token_hash(token: &str) -> String {
    hex::encode(hash::sha256(token.as_bytes()))
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 4)
}

fn random<const N: usize>() -> Result<Zeroizing<[u8; N]>, ReviewerError> {
    let mut out = Zeroizing::new([0u8; N]);
    getrandom::fill(out.as_mut()).map_err(|_| ReviewerError::Rng)?;
    Ok(out)
}

/// The associated data of a reviewer's sealed TOTP secret: the blob opens for that reviewer only.
fn totp_aad(reviewer_id: &str) -> Vec<u8> {
    format!("reviewer-totp:{reviewer_id}").into_bytes()
}

fn valid_username(u: &str) -> bool {
    (3..=32).contains(&u.len())
        && u.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
        })
}

fn valid_display_name(n: &str) -> bool {
    let count = n.chars().count();
    n.trim() == n && (1..=40).contains(&count) && !n.chars().any(char::is_control)
}

impl Reviewers {
    /// `totp_seal` seals the TOTP secrets, `csrf_key` makes CSRF tokens (both derived from
    /// the operator key).
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        totp_seal: SealingKey,
        csrf_key: Zeroizing<[u8; 32]>,
    ) -> Self {
        Reviewers {
            store,
            clock,
            totp_seal: Arc::new(totp_seal),
            csrf_key: Arc::new(csrf_key),
            dummy_hash: Arc::new(OnceLock::new()),
        }
    }

    /// With the keys derived from the operator key, as the service and the operator's
    /// commands both derive them.
    pub fn with_operator_key(
        store: Store,
        clock: Arc<dyn Clock>,
        operator_key: &crate::ca::OperatorKey,
    ) -> Self {
        Reviewers::new(
            store,
            clock,
            operator_key.sealing_key("reviewer totp seal"),
            operator_key.derive("console csrf"),
        )
    }

    fn now(&self) -> (std::time::SystemTime, i64) {
        let t = self.clock.now();
        (t, unix_millis(t))
    }

    async fn audit(
        &self,
        tx: &mut Tx,
        now: i64,
        actor: &str,
        action: &str,
        object: &str,
        detail: serde_json::Value,
    ) -> Result<(), ReviewerError> {
        audit::append(tx, self.store.engine(), now, actor, action, object, &detail).await?;
        Ok(())
    }

    /// Operator: makes a reviewer. The TOTP secret is returned once, here, and otherwise only
    /// kept sealed.
    pub async fn add(
        &self,
        grant: &OperatorGrant,
        username: &str,
        display_name: &str,
        password: &str,
    ) -> Result<Enrolment, ReviewerError> {
        if !valid_username(username) {
            return Err(ReviewerError::BadUsername);
        }
        if !valid_display_name(display_name) {
            return Err(ReviewerError::BadDisplayName);
        }
        if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&password.chars().count()) {
            return Err(ReviewerError::WeakPassword);
        }
        let pw = Zeroizing::new(password.as_bytes().to_vec());
        let password_hash = blocking(move || hash_password(&pw)).await??;
        let (now_t, now) = self.now();
        let id = mcert_core::id::ulid(now_t).map_err(|_| ReviewerError::Rng)?;
        let secret = random::<{ totp::SECRET_LEN }>()?;
        let sealed = self.totp_seal.seal_bytes(&totp_aad(&id), &secret[..])?;
        let mut tx = self.store.begin().await?;
        let inserted = repo::insert(
            &mut tx,
            &repo::NewReviewer {
                id: &id,
                username,
                display_name,
                password_hash: &password_hash,
                totp_sealed: &sealed,
                created_by: &grant.actor().audit_name(),
                now,
            },
        )
        .await?;
        if !inserted {
            return Err(ReviewerError::UsernameTaken);
        }
        let actor = grant.actor().audit_name();
        let detail = json!({"username": username, "display_name": display_name});
        self.audit(&mut tx, now, &actor, "reviewer.added", &id, detail)
            .await?;
        tx.commit().await?;
        let secret_base32 = Zeroizing::new(totp::base32_encode(&secret[..]));
        let uri = totp::otpauth_uri(TOTP_ISSUER, username, &secret_base32);
        Ok(Enrolment {
            reviewer_id: id,
            username: username.to_string(),
            otpauth_uri: Zeroizing::new(uri),
            secret_base32,
        })
    }

    /// Operator: disables a reviewer and ends their sessions.
    pub async fn disable(
        &self,
        grant: &OperatorGrant,
        username: &str,
    ) -> Result<(), ReviewerError> {
        let (_, now) = self.now();
        let mut tx = self.store.begin().await?;
        let id = repo::disable(&mut tx, username, now)
            .await?
            .ok_or(ReviewerError::UnknownReviewer)?;
        let ended = repo::end_sessions_of(&mut tx, &id, now).await?;
        let actor = grant.actor().audit_name();
        let detail = json!({"username": username, "sessions_ended": ended});
        self.audit(&mut tx, now, &actor, "reviewer.disabled", &id, detail)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Operator: every reviewer, by username.
    pub async fn list(&self, _grant: &OperatorGrant) -> Result<Vec<ReviewerInfo>, ReviewerError> {
        Ok(repo::list(&self.store)
            .await?
            .iter()
            .map(ReviewerInfo::from)
            .collect())
    }

    /// How the console names reviewers: audit name (`reviewer:<id>`) → "display name
    /// (username)", for who decided what.
    pub async fn display_names(
        &self,
        _viewer: &ReviewerGrant,
    ) -> Result<std::collections::HashMap<String, String>, ReviewerError> {
        Ok(repo::list(&self.store)
            .await?
            .into_iter()
            .map(|r| {
                let shown = format!("{}（{}）", r.display_name, r.username);
                (Actor::Reviewer(r.id).audit_name(), shown)
            })
            .collect())
    }
}
