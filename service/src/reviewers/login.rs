//! Console logins (password and TOTP code in one go, the attempt claimed before anything is
//! compared, the fifth failure in a row locking), sessions (hashed tokens, idle and absolute
//! expiry), logout, and the sessions' CSRF tokens.

use mcert_core::clock::unix_millis;
use mcert_core::crypto::hash;
use serde_json::json;
use zeroize::Zeroizing;

use super::password::{blocking, hash_password, password_matches};
use super::{
    ConsoleLogin, ConsoleSession, LOCKOUT, MAX_FAILED_LOGINS, ReviewerError, ReviewerInfo,
    Reviewers, SESSION_IDLE, SESSION_TTL, millis, random, repo, token_hash, totp, totp_aad,
};

/// Console login attempts one address may make per hour.
pub const ADDRESS_LOGINS: crate::limits::Limit = crate::limits::Limit::per_hour(60);

impl Reviewers {
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

    /// Counts a console login attempt from `ip` (whatever the username): an address may try
    /// [`ADDRESS_LOGINS`] an hour, so a flood from one place can neither lock every reviewer
    /// in turn nor probe usernames at will. Refused as `Locked(seconds)`.
    pub async fn count_address_attempt(&self, ip: &str) -> Result<(), ReviewerError> {
        let (_, now) = self.now();
        let mut tx = self.store.begin().await?;
        let counted = crate::limits::take(
            &mut tx,
            &format!("console-login-ip:{ip}"),
            ADDRESS_LOGINS,
            now,
        )
        .await?;
        tx.commit().await?;
        counted.map_err(|crate::limits::RetryAfter(secs)| ReviewerError::Locked(secs))
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

fn seconds_until(now: i64, at: i64) -> u64 {
    u64::try_from((at - now).max(0))
        .unwrap_or(0)
        .div_ceil(1000)
        .max(1)
}
