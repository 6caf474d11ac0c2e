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

pub mod repo;
pub mod totp;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use argon2::{PasswordHasher, PasswordVerifier};
use mcert_core::clock::{Clock, unix_millis};
use mcert_core::crypto::hash;
use serde_json::json;
use zeroize::Zeroizing;

use crate::audit;
use crate::authz::{Actor, OperatorGrant, ReviewerGrant};
use crate::seal_at_rest::{SealError, SealingKey};
use crate::store::{Store, StoreError, Tx};

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

/// Argon2id with the crate's default parameters, as a PHC string.
fn hash_password(password: &[u8]) -> Result<String, ReviewerError> {
    let salt = random::<16>()?;
    argon2::Argon2::default()
        .hash_password_with_salt(password, &salt[..])
        .map(|h| h.to_string())
        .map_err(|e| ReviewerError::Internal(e.to_string()))
}

/// Checks a password against a PHC string; a damaged string is a wrong password.
fn password_matches(password: &[u8], phc: &str) -> bool {
    argon2::Argon2::default()
        .verify_password(password, phc)
        .is_ok()
}

/// Runs Argon2 off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ReviewerError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ReviewerError::Internal(e.to_string()))
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

    /// Spends the time of a password check on an unknown or disabled reviewer.
    async fn waste_a_check(&self, password: &str) -> Result<(), ReviewerError> {
        let dummy = self.dummy_hash.clone();
        let pw = Zeroizing::new(password.as_bytes().to_vec());
        blocking(move || {
            let phc = match dummy.get() {
                Some(h) => h.clone(),
                None => {
                    let h = hash_password(b"mcert: no such reviewer").unwrap_or_default();
                    dummy.get_or_init(|| h).clone()
                }
            };
            password_matches(&pw, &phc)
        })
        .await?;
        Ok(())
    }

    /// Logs a reviewer in with password and TOTP code.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        code: &str,
    ) -> Result<ConsoleLogin, ReviewerError> {
        let (now_t, now) = self.now();
        let row = match repo::by_username(&self.store, username).await? {
            Some(row) if row.disabled_at.is_none() => row,
            _ => {
                self.waste_a_check(password).await?;
                return Err(ReviewerError::BadCredentials);
            }
        };
        // The claim: this attempt counts as a failure until it has succeeded.
        let mut tx = self.store.begin().await?;
        let claimed = repo::claim_attempt(&mut tx, &row.id, now, MAX_FAILED_LOGINS).await?;
        tx.commit().await?;
        let Some(attempt) = claimed else {
            let fresh = repo::by_id(&self.store, &row.id).await?;
            return Err(match fresh {
                Some(r) if r.disabled_at.is_some() => ReviewerError::BadCredentials,
                Some(r) if r.locked_until > now => {
                    ReviewerError::Locked(seconds_until(now, r.locked_until))
                }
                // Every allowed attempt is being compared right now.
                _ => ReviewerError::Locked(LOCKOUT.as_secs()),
            });
        };
        let pw = Zeroizing::new(password.as_bytes().to_vec());
        let phc = row.password_hash.clone();
        let password_ok = blocking(move || password_matches(&pw, &phc)).await?;
        let secret = self
            .totp_seal
            .open_bytes(&totp_aad(&row.id), &row.totp_sealed)?;
        let step = totp::matching_step(&secret, code, now.div_euclid(1000));
        let mut tx = self.store.begin().await?;
        let actor = format!("reviewer:{}", row.id);
        let outcome = match (password_ok, step) {
            (true, Some(step)) => {
                if repo::use_step(&mut tx, &row.id, step).await? {
                    Ok(())
                } else {
                    Err("code_replayed")
                }
            }
            (true, None) => Err("wrong_code"),
            (false, _) => Err("wrong_password"),
        };
        if let Err(why) = outcome {
            let detail = json!({"reason": why, "attempt": attempt});
            self.audit(
                &mut tx,
                now,
                &actor,
                "reviewer.login_failed",
                &row.id,
                detail,
            )
            .await?;
            let locked = attempt >= MAX_FAILED_LOGINS;
            if locked {
                let until = now + millis(LOCKOUT);
                repo::lock(&mut tx, &row.id, until).await?;
                let detail = json!({"until": until, "failures": attempt});
                self.audit(&mut tx, now, &actor, "reviewer.locked", &row.id, detail)
                    .await?;
            }
            tx.commit().await?;
            return Err(if locked {
                ReviewerError::Locked(LOCKOUT.as_secs())
            } else {
                ReviewerError::BadCredentials
            });
        }
        let raw = random::<32>()?;
        let token = Zeroizing::new(hex::encode(&raw[..]));
        let expires_at = unix_millis(now_t + SESSION_TTL);
        repo::insert_session(&mut tx, &token_hash(&token), &row.id, now, expires_at).await?;
        self.audit(&mut tx, now, &actor, "reviewer.login", &row.id, json!({}))
            .await?;
        tx.commit().await?;
        Ok(ConsoleLogin {
            token,
            reviewer: ReviewerInfo::from(&row),
            expires_at,
        })
    }

    /// The reviewer of a console session token (the session's use is recorded).
    pub async fn authenticate(&self, token: &str) -> Result<ConsoleSession, ReviewerError> {
        if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ReviewerError::Unauthorized);
        }
        let (_, now) = self.now();
        let mut tx = self.store.begin().await?;
        let row = repo::touch_session(&mut tx, &token_hash(token), now, now - millis(SESSION_IDLE))
            .await?;
        tx.commit().await?;
        let row = row.ok_or(ReviewerError::Unauthorized)?;
        Ok(ConsoleSession {
            reviewer: ReviewerInfo::from(&row),
        })
    }

    /// Ends a console session (audited).
    pub async fn logout(&self, token: &str) -> Result<(), ReviewerError> {
        let (_, now) = self.now();
        let mut tx = self.store.begin().await?;
        let id = repo::end_session(&mut tx, &token_hash(token), now)
            .await?
            .ok_or(ReviewerError::Unauthorized)?;
        let actor = format!("reviewer:{id}");
        self.audit(&mut tx, now, &actor, "reviewer.logout", &id, json!({}))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The CSRF token that forms of the session (or of the login page's pre-session) carry:
    /// a MAC of the token under a key the browser never sees.
    pub fn csrf_token(&self, purpose: &str, token: &str) -> String {
        hex::encode(hash::hmac_sha256(
            &self.csrf_key[..],
            &[
                b"mcert console csrf:",
                purpose.as_bytes(),
                b":",
                token.as_bytes(),
            ],
        ))
    }

    /// Whether a form's CSRF token is the session's (compared in constant time).
    pub fn csrf_matches(&self, purpose: &str, token: &str, given: &str) -> bool {
        hash::ct_eq(self.csrf_token(purpose, token).as_bytes(), given.as_bytes())
    }
}

/// A random initial password for the operator to hand over: 20 base32 letters and digits
/// (100 bits) in groups of five.
pub fn made_password() -> Result<Zeroizing<String>, ReviewerError> {
    let raw = random::<13>()?;
    let text = Zeroizing::new(totp::base32_encode(&raw[..]).to_ascii_lowercase());
    let groups: Vec<&str> = text
        .as_bytes()
        .chunks(5)
        .take(4)
        .filter_map(|c| std::str::from_utf8(c).ok())
        .collect();
    Ok(Zeroizing::new(groups.join("-")))
}

fn seconds_until(now: i64, at: i64) -> u64 {
    u64::try_from((at - now).max(0))
        .unwrap_or(0)
        .div_ceil(1000)
        .max(1)
}
