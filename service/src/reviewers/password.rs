//! Passwords: Argon2id PHC strings (the crate's default parameters, which the string records),
//! checked off the async threads; and the random initial password `mcert reviewer add` makes.

use argon2::{PasswordHasher, PasswordVerifier};
use zeroize::Zeroizing;

use super::{ReviewerError, random, totp};

/// Argon2id with the crate's default parameters, as a PHC string.
pub(super) fn hash_password(password: &[u8]) -> Result<String, ReviewerError> {
    let salt = random::<16>()?;
    argon2::Argon2::default()
        .hash_password_with_salt(password, &salt[..])
        .map(|h| h.to_string())
        .map_err(|e| ReviewerError::Internal(e.to_string()))
}

/// Checks a password against a PHC string; a damaged string is a wrong password.
pub(super) fn password_matches(password: &[u8], phc: &str) -> bool {
    argon2::Argon2::default()
        .verify_password(password, phc)
        .is_ok()
}

/// Argon2 runs at most this many at once (each takes ~19 MiB and a core's worth of time), so
/// a flood of logins queues instead of exhausting memory on blocking threads.
const ARGON2_AT_ONCE: usize = 4;

/// Runs Argon2 off the async threads, a few at a time.
pub(super) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ReviewerError> {
    static PERMITS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(ARGON2_AT_ONCE);
    let _permit = PERMITS
        .acquire()
        .await
        .map_err(|e| ReviewerError::Internal(e.to_string()))?;
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ReviewerError::Internal(e.to_string()))
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
