//! The scan protocol, free of I/O, shared by the service, the phone and relying platforms:
//!
//! - the animated QR payload `mcert.<token>.<t>.<HMAC-SHA256(secret, t) hex>` (BankID style:
//!   `t` is whole seconds since the session was created, the HMAC key is the secret's text);
//! - the canonical statement the phone signs: session, platform, operation, the texts the user
//!   saw, the document digest or the hash of the decrypt answer;
//! - the phone's answer ([`answer`]) and its checks, by the service ([`check_answer`]) and by the
//!   platform ([`verify_result`]);
//! - sealed bids: a bid key encrypted to a certificate, the bid under SM4-GCM or AES-256-GCM.

mod answer;
mod qr;
mod sealed;
mod statement;

use base64ct::Encoding;

use crate::crypto::{self, Algorithm, path::PathError};

pub use answer::{
    Expectation, VerifiedResult, add_seal_signature, answer, check_answer, check_seal_signature,
    reencrypt_bid_key, verify_result,
};
pub use qr::{QrCode, new_token, qr_auth_code, qr_payload};
pub use sealed::SealedBid;
pub use statement::{Statement, validate_display, validate_platform_name};

/// First field of every mcert QR payload.
pub const QR_PREFIX: &str = "mcert";
/// Length of a QR start token.
pub const TOKEN_LEN: usize = 14;
/// Longest payload the phone accepts (keeps the code small and fast to read).
pub const MAX_QR_LEN: usize = 90;
/// Largest `t` (seconds) a payload may carry: sessions live at most 600 s.
pub const MAX_QR_T: u64 = 999;
/// Longest display text, in characters.
pub const MAX_DISPLAY_CHARS: usize = 100;
/// The token alphabet (Crockford base32, lower case: no i, l, o, u).
pub(crate) const TOKEN_ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
pub(crate) const STATEMENT_HEADER: &str = "mcert statement v1";

/// What is wrong with a QR code, a statement, an answer or a result.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("not an mcert QR code")]
    NotMcertCode,
    #[error("malformed mcert QR code: {0}")]
    MalformedQr(&'static str),
    #[error("display text {field}: {reason}")]
    BadDisplay {
        field: &'static str,
        reason: &'static str,
    },
    #[error("malformed statement: {0}")]
    BadStatement(&'static str),
    #[error("the answer belongs to another session")]
    WrongSession,
    #[error("what was signed differs from the session ({0})")]
    StatementMismatch(&'static str),
    #[error("the document digest for {0} is missing or not 64 hex digits")]
    BadDigest(Algorithm),
    #[error("{0} is not valid base64")]
    BadBase64(&'static str),
    #[error("missing {0}")]
    Missing(&'static str),
    #[error("the signature does not verify")]
    BadSignature,
    #[error("the CMS signature: {0}")]
    BadCms(String),
    #[error("certificate chain: {0}")]
    Chain(#[from] PathError),
    #[error("certificate status at completion: {0}")]
    NotGood(&'static str),
    #[error("sealed bid: {0}")]
    BadBid(&'static str),
    #[error("the seal signature: {0}")]
    BadSeal(String),
    #[error(transparent)]
    Crypto(#[from] crypto::Error),
}

impl ScanError {
    /// Stable code (for programs, the FFI and usage records).
    pub fn code(&self) -> &'static str {
        match self {
            ScanError::NotMcertCode => "not_mcert_code",
            ScanError::MalformedQr(_) => "malformed_qr",
            ScanError::BadDisplay { .. } => "bad_display",
            ScanError::BadStatement(_) => "bad_statement",
            ScanError::WrongSession => "wrong_session",
            ScanError::StatementMismatch(_) => "statement_mismatch",
            ScanError::BadDigest(_) => "bad_digest",
            ScanError::BadBase64(_) => "bad_base64",
            ScanError::Missing(_) => "missing_field",
            ScanError::BadSignature => "bad_signature",
            ScanError::BadCms(_) => "bad_cms",
            ScanError::Chain(_) => "bad_chain",
            ScanError::NotGood(_) => "certificate_not_good",
            ScanError::BadBid(_) => "bad_bid",
            ScanError::BadSeal(_) => "bad_seal",
            ScanError::Crypto(_) => "crypto",
        }
    }
}

pub(crate) fn b64(bytes: &[u8]) -> String {
    base64ct::Base64::encode_string(bytes)
}

/// Decodes a base64 field named `what`.
pub fn unb64(what: &'static str, text: &str) -> Result<Vec<u8>, ScanError> {
    base64ct::Base64::decode_vec(text.trim()).map_err(|_| ScanError::BadBase64(what))
}
