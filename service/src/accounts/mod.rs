//! Accounts and SMS login (seed 000 §1): the phone number is the account; an unknown number is
//! registered on its first login. Codes are 6 digits, single use, valid 5 minutes, stored only as
//! a MAC, compared in constant time, with a resend cooldown, limits per phone and per IP, and a
//! lock after repeated failures. Bearer tokens are random, stored hashed, expire and can be
//! revoked. All counting lives in the database, so several service processes agree.

pub mod repo;

use std::sync::Arc;
use std::time::Duration;

use mcert_core::clock::{Clock, unix_millis};
use mcert_core::crypto::hash;
use mcert_core::validate;
use serde_json::json;
use zeroize::Zeroizing;

pub use mcert_core::wire::{Account, LoginSession, Platform};

use crate::audit;
use crate::authz::OwnAccount;
use crate::limits::{self, Limit, RetryAfter};
use crate::outbox::{JobKind, Outbox, OutboxError};
use crate::platforms;
use crate::providers::sms::{SmsError, login_code_text};
use crate::store::{Store, StoreError, Tx};

pub const CODE_TTL: Duration = Duration::from_secs(5 * 60);
pub const RESEND_COOLDOWN: Duration = Duration::from_secs(60);
pub const PHONE_CODES_PER_HOUR: i64 = 5;
/// Codes asked from one address per hour.
pub const IP_CODES: Limit = Limit::per_hour(20);
/// Login tries from one address per hour (an office behind one NAT logs in many people).
pub const IP_LOGINS: Limit = Limit::per_hour(120);
/// Wrong codes per phone within [`LOCK_WINDOW`] that lock it.
pub const LOCK_AFTER_FAILURES: i64 = 10;
pub const LOCK_WINDOW: Duration = Duration::from_secs(30 * 60);
/// Wrong tries one code survives.
pub const CODE_MAX_FAILURES: i64 = 5;
pub const TOKEN_TTL: Duration = Duration::from_secs(30 * 86400);
const HOUR_MS: i64 = 3_600_000;

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("not a mainland mobile number")]
    BadPhone,
    #[error("a code was sent moments ago; retry in {0} s")]
    Cooldown(u64),
    #[error("too many codes for this phone; retry in {0} s")]
    PhoneLimit(u64),
    #[error("too many codes from this address; retry in {0} s")]
    IpLimit(u64),
    #[error("too many wrong codes; this phone is locked for {0} s")]
    Locked(u64),
    #[error("wrong code, {0} tries left")]
    WrongCode(i64),
    #[error("no valid code: it expired, was used, or was never sent")]
    NoValidCode,
    #[error("not logged in or the session has ended")]
    Unauthorized,
    #[error("no such platform")]
    UnknownPlatform,
    #[error(transparent)]
    Sms(#[from] SmsError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Outbox(#[from] OutboxError),
    #[error("random number generator failed")]
    Rng,
}

impl From<sqlx::Error> for AuthError {
    fn from(e: sqlx::Error) -> Self {
        AuthError::Store(StoreError::Database(e))
    }
}

/// The account service.
#[derive(Clone)]
pub struct Accounts {
    store: Store,
    clock: Arc<dyn Clock>,
    code_key: Arc<Zeroizing<[u8; 32]>>,
    outbox: Outbox,
}

impl std::fmt::Debug for Accounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Accounts").finish_non_exhaustive()
    }
}

/// Tokens are stored as their SHA-256.
fn token_hash(token: &str) -> String {
    hex::encode(hash::sha256(token.as_bytes()))
}

fn to_account(row: repo::AccountRow) -> Account {
    Account {
        id: row.id,
        phone_masked: validate::mask_mobile(&row.phone),
        phone: row.phone,
        platform_id: row.platform_id,
    }
}

fn seconds_until(now: i64, at: i64) -> u64 {
    u64::try_from((at - now).max(0)).unwrap_or(0).div_ceil(1000)
}

/// Uses a matched code: single use, even against a concurrent request with the same code; the
/// right try does not count as a failure.
async fn consume_code(tx: &mut Tx, code_id: &str, now: i64) -> Result<(), AuthError> {
    if !repo::consume_code(tx, code_id, now).await? {
        return Err(AuthError::NoValidCode);
    }
    Ok(())
}

/// Wrong codes for `phone` within the lock window: `Some(seconds)` when it is locked.
async fn lock_remaining(tx: &mut Tx, phone: &str, now: i64) -> Result<Option<u64>, AuthError> {
    let window = i64::try_from(LOCK_WINDOW.as_millis()).unwrap_or(i64::MAX / 4);
    let (failures, last) = repo::failures_since(tx, phone, now - window).await?;
    if failures >= LOCK_AFTER_FAILURES {
        return Ok(Some(seconds_until(now, last + window).max(1)));
    }
    Ok(None)
}

impl Accounts {
    /// `code_key` authenticates stored codes (derived from the operator key).
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        code_key: Zeroizing<[u8; 32]>,
        outbox: Outbox,
    ) -> Self {
        Accounts {
            store,
            clock,
            code_key: Arc::new(code_key),
            outbox,
        }
    }

    fn code_mac(&self, phone: &str, code: &str) -> String {
        hex::encode(hash::hmac_sha256(
            &self.code_key[..],
            &[phone.as_bytes(), b":", code.as_bytes()],
        ))
    }

    /// Sends a login code to `phone`, asked from `ip`. The checks and the new code are one unit
    /// of work holding the phone's and the address's rate locks, so concurrent requests are
    /// counted one after another; the text is an outbox job of the same unit of work.
    pub async fn send_code(&self, phone: &str, ip: &str) -> Result<(), AuthError> {
        if !validate::is_mobile(phone) {
            return Err(AuthError::BadPhone);
        }
        let now_t = self.clock.now();
        let now = unix_millis(now_t);
        let mut tx = self.store.begin().await?;
        // Always phone before address: two requests never wait on each other in a cycle.
        limits::lock(&mut tx, &format!("sms-phone:{phone}")).await?;
        if let Some(secs) = lock_remaining(&mut tx, phone, now).await? {
            return Err(AuthError::Locked(secs));
        }
        let hour_ago = now - HOUR_MS;
        let (count, last, first) = repo::codes_since(&mut tx, phone, hour_ago).await?;
        let cooldown_end = last + i64::try_from(RESEND_COOLDOWN.as_millis()).unwrap_or(0);
        if count > 0 && now < cooldown_end {
            return Err(AuthError::Cooldown(seconds_until(now, cooldown_end)));
        }
        if count >= PHONE_CODES_PER_HOUR {
            return Err(AuthError::PhoneLimit(seconds_until(now, first + HOUR_MS)));
        }
        if let Err(RetryAfter(secs)) =
            limits::take(&mut tx, &format!("sms-ip:{ip}"), IP_CODES, now).await?
        {
            return Err(AuthError::IpLimit(secs));
        }

        let mut raw = [0u8; 4];
        getrandom::fill(&mut raw).map_err(|_| AuthError::Rng)?;
        let code = Zeroizing::new(format!("{:06}", u32::from_be_bytes(raw) % 1_000_000));
        let id = mcert_core::id::ulid(now_t).map_err(|_| AuthError::Rng)?;
        repo::insert_code(
            &mut tx,
            &repo::NewCode {
                id: &id,
                phone,
                ip,
                code_mac: &self.code_mac(phone, &code),
                now,
                expires_at: now + i64::try_from(CODE_TTL.as_millis()).unwrap_or(0),
            },
        )
        .await?;
        let text = Zeroizing::new(login_code_text(&code, CODE_TTL.as_secs() / 60));
        // A text that arrives after its code expired is of no use: the job's deadline.
        let job = self
            .outbox
            .enqueue(
                &mut tx,
                JobKind::Sms,
                &json!({"phone": phone, "text": *text}),
                Some(CODE_TTL),
            )
            .await?;
        tx.commit().await?;
        self.outbox.deliver_now(&job).await;
        Ok(())
    }

    /// Claims one try of the newest code sent to `phone` and compares it. Each try is counted
    /// against the code before anything is compared, so concurrent guesses cannot outrun the
    /// limit. On a match, returns the code's id, still to be consumed by [`consume_code`].
    async fn try_code(
        &self,
        phone: &str,
        code: &str,
        ip: &str,
        now: i64,
    ) -> Result<String, AuthError> {
        let mut tx = self.store.begin().await?;
        if let Err(RetryAfter(secs)) =
            limits::take(&mut tx, &format!("login-ip:{ip}"), IP_LOGINS, now).await?
        {
            return Err(AuthError::IpLimit(secs));
        }
        if let Some(secs) = lock_remaining(&mut tx, phone, now).await? {
            tx.commit().await?;
            return Err(AuthError::Locked(secs));
        }
        let newest = repo::newest_usable_code(&mut tx, phone, now, CODE_MAX_FAILURES).await?;
        let Some((code_id, stored)) = newest else {
            tx.commit().await?;
            return Err(AuthError::NoValidCode);
        };
        // The claim: one try of this code, counted before anything is compared.
        let claimed = repo::claim_try(&mut tx, &code_id, CODE_MAX_FAILURES).await?;
        tx.commit().await?;
        let Some(tries) = claimed else {
            return Err(AuthError::NoValidCode);
        };
        let well_formed = code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit());
        if !well_formed || !hash::ct_eq(self.code_mac(phone, code).as_bytes(), stored.as_bytes()) {
            let mut tx = self.store.begin().await?;
            let locked = lock_remaining(&mut tx, phone, now).await?;
            tx.commit().await?;
            if let Some(secs) = locked {
                return Err(AuthError::Locked(secs));
            }
            return Err(AuthError::WrongCode((CODE_MAX_FAILURES - tries).max(0)));
        }
        Ok(code_id)
    }

    /// Logs in with a code, asked from `ip`; registers the phone on first login.
    pub async fn login(
        &self,
        phone: &str,
        code: &str,
        ip: &str,
    ) -> Result<LoginSession, AuthError> {
        if !validate::is_mobile(phone) {
            return Err(AuthError::BadPhone);
        }
        let now_t = self.clock.now();
        let now = unix_millis(now_t);
        let code_id = self.try_code(phone, code, ip, now).await?;
        let mut tx = self.store.begin().await?;
        consume_code(&mut tx, &code_id, now).await?;
        let new_id = mcert_core::id::ulid(now_t).map_err(|_| AuthError::Rng)?;
        let created = repo::create_account(&mut tx, &new_id, phone, now).await?;
        let account = to_account(repo::account_by_phone(&mut tx, phone).await?);
        let mut raw = [0u8; 32];
        getrandom::fill(&mut raw).map_err(|_| AuthError::Rng)?;
        let token = format!("mct_{}", hex::encode(raw));
        let expires = now_t + TOKEN_TTL;
        repo::insert_token(
            &mut tx,
            &token_hash(&token),
            &account.id,
            now,
            unix_millis(expires),
        )
        .await?;
        if created {
            audit::append(
                &mut tx,
                self.store.engine(),
                now,
                &format!("account:{}", account.id),
                "account.created",
                &account.id,
                &json!({"phone": account.phone_masked}),
            )
            .await?;
        }
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &format!("account:{}", account.id),
            "auth.login",
            &account.id,
            &json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(LoginSession {
            token,
            expires_at: mcert_core::clock::rfc3339(expires),
            account,
            new_account: created,
        })
    }

    /// The account behind a bearer token.
    pub async fn authenticate(&self, token: &str) -> Result<Account, AuthError> {
        if !token.starts_with("mct_") || token.len() != 68 {
            return Err(AuthError::Unauthorized);
        }
        let now = unix_millis(self.clock.now());
        repo::account_by_token(&self.store, &token_hash(token), now)
            .await?
            .map(to_account)
            .ok_or(AuthError::Unauthorized)
    }

    /// SMS re-authentication of a logged-in user before a grave act (reporting a certificate
    /// lost): a fresh code sent to the account's phone, under the same limits as a login.
    pub async fn reauthenticate(
        &self,
        owner: &OwnAccount,
        code: &str,
        ip: &str,
    ) -> Result<(), AuthError> {
        let phone = repo::phone_of(&self.store, owner.account_id())
            .await?
            .ok_or(AuthError::Unauthorized)?;
        let now = unix_millis(self.clock.now());
        let code_id = self.try_code(&phone, code, ip, now).await?;
        let mut tx = self.store.begin().await?;
        consume_code(&mut tx, &code_id, now).await?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &owner.actor().audit_name(),
            "auth.reauthenticated",
            owner.account_id(),
            &json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends a session (audited).
    pub async fn logout(&self, token: &str) -> Result<(), AuthError> {
        let now = unix_millis(self.clock.now());
        let mut tx = self.store.begin().await?;
        let account = repo::revoke_token(&mut tx, &token_hash(token), now).await?;
        let Some(account_id) = account else {
            return Err(AuthError::Unauthorized);
        };
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &format!("account:{account_id}"),
            "auth.logout",
            &account_id,
            &json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The platforms a user can choose from.
    /// The phone number (the account's login) of an account.
    pub async fn phone_of(&self, account_id: &str) -> Result<Option<String>, AuthError> {
        Ok(repo::phone_of(&self.store, account_id).await?)
    }

    /// The account of a phone number, if it has logged in.
    pub async fn account_id_of_phone(&self, phone: &str) -> Result<Option<String>, AuthError> {
        Ok(
            sqlx::query_scalar("SELECT id FROM accounts WHERE phone = $1")
                .bind(phone)
                .fetch_optional(self.store.pool())
                .await
                .map_err(crate::store::StoreError::Database)?,
        )
    }

    /// Which of these phone numbers have logged in (have an account).
    pub async fn phones_with_accounts(&self, phones: &[String]) -> Result<Vec<String>, AuthError> {
        Ok(repo::phones_with_accounts(&self.store, phones).await?)
    }

    pub async fn platforms(&self) -> Result<Vec<Platform>, AuthError> {
        Ok(platforms::repo::active(self.store.pool())
            .await?
            .into_iter()
            .map(|(id, name)| Platform { id, name })
            .collect())
    }

    /// Adds a platform (operator action) unless one with that id exists.
    pub async fn add_platform(&self, id: &str, name: &str) -> Result<(), AuthError> {
        let now = unix_millis(self.clock.now());
        platforms::repo::insert_if_absent(self.store.pool(), id, name, now).await?;
        Ok(())
    }

    /// The user picks the platform they work on.
    pub async fn choose_platform(
        &self,
        owner: &OwnAccount,
        platform_id: &str,
    ) -> Result<(), AuthError> {
        let account_id = owner.account_id();
        if !platforms::repo::is_active(self.store.pool(), platform_id).await? {
            return Err(AuthError::UnknownPlatform);
        }
        let now = unix_millis(self.clock.now());
        let mut tx = self.store.begin().await?;
        repo::set_platform(&mut tx, account_id, platform_id).await?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &owner.actor().audit_name(),
            "account.platform_chosen",
            account_id,
            &json!({"platform": platform_id}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
