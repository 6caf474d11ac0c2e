//! The scan protocol, free of I/O, shared by the service, the phone and relying platforms:
//!
//! - the animated QR payload `mcert.<token>.<t>.<HMAC-SHA256(secret, t) hex>` (BankID style:
//!   `t` is whole seconds since the session was created, the HMAC key is the secret's text);
//! - the canonical statement the phone signs: session, platform, operation, the texts the user
//!   saw, the document digest or the hash of the decrypt answer;
//! - the phone's answer ([`answer`]) and its checks, by the service ([`check_answer`]) and by the
//!   platform ([`verify_result`]);
//! - sealed bids: a bid key encrypted to a certificate, the bid under SM4-GCM or AES-256-GCM.

use std::time::SystemTime;

use base64ct::Encoding;
use der::Decode;
use serde::{Deserialize, Serialize};
use x509_cert::Certificate;
use zeroize::Zeroizing;

use crate::crypto::aead::{AeadAlgorithm, NONCE_LEN};
use crate::crypto::path::{self, PathError, ValidationOptions};
use crate::crypto::revocation::{self, CertStatus};
use crate::crypto::{self, Algorithm, PrivateKey, PublicKey, Signer, cms, hash, x509};
use crate::wire::{
    Completion, DisplayText, DocumentDigests, ScannedSession, SessionKind, SessionResult,
};

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
const TOKEN_ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
const STATEMENT_HEADER: &str = "mcert statement v1";

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

// ----- QR codes -----

/// A fresh QR start token (70 random bits; a handle, not a secret).
pub fn new_token() -> Result<String, crypto::Error> {
    let mut bytes = [0u8; TOKEN_LEN];
    getrandom::fill(&mut bytes).map_err(|_| crypto::Error::Rng)?;
    Ok(bytes
        .iter()
        .map(|b| TOKEN_ALPHABET[usize::from(b & 31)] as char)
        .collect())
}

/// `HMAC-SHA256(secret, t)` in lower-case hex, the key being the secret's UTF-8 text and the
/// message `t` in decimal (as BankID computes its animated QR codes).
pub fn qr_auth_code(secret: &str, t: u64) -> String {
    hex::encode(hash::hmac_sha256(
        secret.as_bytes(),
        &[t.to_string().as_bytes()],
    ))
}

/// The payload a platform shows `t` seconds after creating the session.
pub fn qr_payload(token: &str, secret: &str, t: u64) -> String {
    format!("{QR_PREFIX}.{token}.{t}.{}", qr_auth_code(secret, t))
}

/// A parsed QR payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QrCode {
    pub token: String,
    pub t: u64,
    pub auth_code: String,
}

impl QrCode {
    /// Parses and checks the shape of a payload (the HMAC is checked by the service).
    pub fn parse(text: &str) -> Result<QrCode, ScanError> {
        let text = text.trim();
        let mut parts = text.split('.');
        if parts.next() != Some(QR_PREFIX) {
            return Err(ScanError::NotMcertCode);
        }
        if text.len() > MAX_QR_LEN {
            return Err(ScanError::MalformedQr("too long"));
        }
        let (Some(token), Some(t), Some(auth), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(ScanError::MalformedQr("expected four dot-separated fields"));
        };
        if token.len() != TOKEN_LEN || !token.bytes().all(|b| TOKEN_ALPHABET.contains(&b)) {
            return Err(ScanError::MalformedQr("bad token"));
        }
        if t.is_empty() || t.len() > 3 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ScanError::MalformedQr("bad time field"));
        }
        let t: u64 = t
            .parse()
            .map_err(|_| ScanError::MalformedQr("bad time field"))?;
        if auth.len() != 64 || !auth.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(ScanError::MalformedQr("bad authentication code"));
        }
        Ok(QrCode {
            token: token.to_string(),
            t,
            auth_code: auth.to_string(),
        })
    }

    /// Whether the authentication code is right for `secret` (constant time).
    pub fn authentic(&self, secret: &str) -> bool {
        hash::ct_eq(
            qr_auth_code(secret, self.t).as_bytes(),
            self.auth_code.as_bytes(),
        )
    }
}

// ----- Display texts -----

fn check_line(field: &'static str, value: &str) -> Result<(), ScanError> {
    let bad = |reason| ScanError::BadDisplay { field, reason };
    if value.is_empty() {
        return Err(bad("is empty"));
    }
    if value.chars().count() > MAX_DISPLAY_CHARS {
        return Err(bad("is longer than 100 characters"));
    }
    if value.chars().any(char::is_control) {
        return Err(bad("contains control characters"));
    }
    if value.trim() != value {
        return Err(bad("has leading or trailing spaces"));
    }
    Ok(())
}

/// Checks that every display text is one clean line of at most 100 characters.
pub fn validate_display(display: &DisplayText) -> Result<(), ScanError> {
    for (field, value) in [
        ("project", &display.project),
        ("lot", &display.lot),
        ("document_name", &display.document_name),
    ] {
        if let Some(v) = value {
            check_line(field, v)?;
        }
    }
    Ok(())
}

/// Checks a platform name before it is registered.
pub fn validate_platform_name(name: &str) -> Result<(), ScanError> {
    check_line("platform_name", name)
}

impl DocumentDigests {
    /// The digest for certificates of `alg` (SM3 for SM2, SHA-256 for P-256), if given.
    pub fn for_algorithm(&self, alg: Algorithm) -> Result<Option<[u8; 32]>, ScanError> {
        let text = match alg {
            Algorithm::Sm2 => &self.sm3,
            Algorithm::P256 => &self.sha256,
        };
        let Some(text) = text else {
            return Ok(None);
        };
        let bytes = hex::decode(text).map_err(|_| ScanError::BadDigest(alg))?;
        let digest: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| ScanError::BadDigest(alg))?;
        Ok(Some(digest))
    }

    /// Checks every digest given, and that there is at least one.
    pub fn validate(&self) -> Result<(), ScanError> {
        let sm3 = self.for_algorithm(Algorithm::Sm2)?;
        let sha = self.for_algorithm(Algorithm::P256)?;
        if sm3.is_none() && sha.is_none() {
            return Err(ScanError::Missing("document_digests"));
        }
        Ok(())
    }

    /// Digests of a whole document by both hashes.
    pub fn of(document: &[u8]) -> DocumentDigests {
        DocumentDigests {
            sm3: Some(hex::encode(hash::sm3(document))),
            sha256: Some(hex::encode(hash::sha256(document))),
        }
    }
}

// ----- The statement -----

/// What the phone signs: everything the user was shown, in a canonical text form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub session_id: String,
    pub platform_id: String,
    pub platform_name: String,
    pub kind: SessionKind,
    pub display: DisplayText,
    /// `sign`: the document digest for the signer's algorithm.
    pub digest: Option<(Algorithm, [u8; 32])>,
    /// `decrypt`: SHA-256 of the re-encrypted bid key.
    pub answer_sha256: Option<[u8; 32]>,
    pub verification_code: String,
    pub created_at: String,
}

fn digest_label(alg: Algorithm) -> &'static str {
    match alg {
        Algorithm::Sm2 => "sm3",
        Algorithm::P256 => "sha256",
    }
}

impl Statement {
    /// The statement for a session as scanned, answered with a key of `alg`; `answer` is the
    /// re-encrypted bid key of a `decrypt` session.
    pub fn for_session(
        session: &ScannedSession,
        alg: Algorithm,
        answer: Option<&[u8]>,
    ) -> Result<Statement, ScanError> {
        let digest = match session.kind {
            SessionKind::Sign => {
                let digests = session
                    .document_digests
                    .as_ref()
                    .ok_or(ScanError::Missing("document_digests"))?;
                let d = digests
                    .for_algorithm(alg)?
                    .ok_or(ScanError::BadDigest(alg))?;
                Some((alg, d))
            }
            _ => None,
        };
        let answer_sha256 = match session.kind {
            SessionKind::Decrypt => Some(hash::sha256(
                answer.ok_or(ScanError::Missing("reencrypted_key"))?,
            )),
            _ => None,
        };
        Ok(Statement {
            session_id: session.session_id.clone(),
            platform_id: session.platform.id.clone(),
            platform_name: session.platform.name.clone(),
            kind: session.kind,
            display: session.display.clone(),
            digest,
            answer_sha256,
            verification_code: session.verification_code.clone(),
            created_at: session.created_at.clone(),
        })
    }

    /// The canonical UTF-8 text: one `name: value` line per field, in a fixed order.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut s = String::with_capacity(512);
        let mut line = |k: &str, v: &str| {
            s.push_str(k);
            s.push_str(": ");
            s.push_str(v);
            s.push('\n');
        };
        line("session", &self.session_id);
        line("platform", &self.platform_id);
        line("platform-name", &self.platform_name);
        line("operation", self.kind.operation());
        line("kind", self.kind.as_str());
        if let Some(v) = &self.display.project {
            line("project", v);
        }
        if let Some(v) = &self.display.lot {
            line("lot", v);
        }
        if let Some(v) = &self.display.document_name {
            line("document", v);
        }
        if let Some((alg, d)) = &self.digest {
            line(
                "digest",
                &format!("{}:{}", digest_label(*alg), hex::encode(d)),
            );
        }
        if let Some(a) = &self.answer_sha256 {
            line("answer", &format!("sha256:{}", hex::encode(a)));
        }
        line("code", &self.verification_code);
        line("created", &self.created_at);
        let mut out = String::with_capacity(s.len() + STATEMENT_HEADER.len() + 1);
        out.push_str(STATEMENT_HEADER);
        out.push('\n');
        out.push_str(&s);
        out.into_bytes()
    }

    /// Reads a statement; only the canonical form is accepted.
    pub fn parse(bytes: &[u8]) -> Result<Statement, ScanError> {
        if bytes.len() > 4096 {
            return Err(ScanError::BadStatement("too long"));
        }
        let text = std::str::from_utf8(bytes).map_err(|_| ScanError::BadStatement("not UTF-8"))?;
        let mut lines = text.lines();
        if lines.next() != Some(STATEMENT_HEADER) {
            return Err(ScanError::BadStatement("unknown header"));
        }
        let mut fields: Vec<(&str, &str)> = Vec::new();
        for l in lines {
            let (k, v) = l
                .split_once(": ")
                .ok_or(ScanError::BadStatement("line without a name"))?;
            fields.push((k, v));
        }
        let mut it = fields.into_iter().peekable();
        let mut take = |name: &'static str, required: bool| -> Result<Option<String>, ScanError> {
            match it.peek() {
                Some((k, v)) if *k == name => {
                    let v = v.to_string();
                    it.next();
                    Ok(Some(v))
                }
                _ if required => Err(ScanError::BadStatement(name)),
                _ => Ok(None),
            }
        };
        let session_id = take("session", true)?.unwrap_or_default();
        let platform_id = take("platform", true)?.unwrap_or_default();
        let platform_name = take("platform-name", true)?.unwrap_or_default();
        let _operation = take("operation", true)?;
        let kind = take("kind", true)?
            .as_deref()
            .and_then(SessionKind::parse)
            .ok_or(ScanError::BadStatement("kind"))?;
        let display = DisplayText {
            project: take("project", false)?,
            lot: take("lot", false)?,
            document_name: take("document", false)?,
        };
        let digest = match take("digest", false)? {
            None => None,
            Some(v) => {
                let (label, hexd) = v.split_once(':').ok_or(ScanError::BadStatement("digest"))?;
                let alg = match label {
                    "sm3" => Algorithm::Sm2,
                    "sha256" => Algorithm::P256,
                    _ => return Err(ScanError::BadStatement("digest")),
                };
                let d: [u8; 32] = hex::decode(hexd)
                    .ok()
                    .and_then(|b| b.try_into().ok())
                    .ok_or(ScanError::BadStatement("digest"))?;
                Some((alg, d))
            }
        };
        let answer_sha256 = match take("answer", false)? {
            None => None,
            Some(v) => Some(
                v.strip_prefix("sha256:")
                    .and_then(|h| hex::decode(h).ok())
                    .and_then(|b| <[u8; 32]>::try_from(b).ok())
                    .ok_or(ScanError::BadStatement("answer"))?,
            ),
        };
        let verification_code = take("code", true)?.unwrap_or_default();
        let created_at = take("created", true)?.unwrap_or_default();
        if it.next().is_some() {
            return Err(ScanError::BadStatement("unexpected line"));
        }
        let statement = Statement {
            session_id,
            platform_id,
            platform_name,
            kind,
            display,
            digest,
            answer_sha256,
            verification_code,
            created_at,
        };
        if statement.to_bytes() != bytes {
            return Err(ScanError::BadStatement("not in canonical form"));
        }
        Ok(statement)
    }

    /// Names the first field in which `self` (what was signed) differs from `expected`.
    pub fn first_difference(&self, expected: &Statement) -> Option<&'static str> {
        if self.session_id != expected.session_id {
            Some("session")
        } else if self.platform_id != expected.platform_id
            || self.platform_name != expected.platform_name
        {
            Some("platform")
        } else if self.kind != expected.kind {
            Some("operation")
        } else if self.display.project != expected.display.project {
            Some("project")
        } else if self.display.lot != expected.display.lot {
            Some("lot")
        } else if self.display.document_name != expected.display.document_name {
            Some("document")
        } else if self.digest != expected.digest {
            Some("digest")
        } else if self.answer_sha256 != expected.answer_sha256 {
            Some("answer")
        } else if self.verification_code != expected.verification_code {
            Some("verification_code")
        } else if self.created_at != expected.created_at {
            Some("created")
        } else {
            None
        }
    }
}

// ----- The phone's answer -----

/// Re-encrypts the bid key of a `decrypt` session: opens it with `recipient` (the key of the
/// certificate the bid was sealed to, possibly a retired one) and encrypts it to the platform's
/// ephemeral key. The plain bid key exists only in zeroized memory here.
pub fn reencrypt_bid_key(
    session: &ScannedSession,
    recipient: &PrivateKey,
) -> Result<Vec<u8>, ScanError> {
    let encrypted = unb64(
        "encrypted_key",
        session
            .encrypted_key
            .as_deref()
            .ok_or(ScanError::Missing("encrypted_key"))?,
    )?;
    let ephemeral = PublicKey::from_spki_der(&unb64(
        "ephemeral_public_key",
        session
            .ephemeral_public_key
            .as_deref()
            .ok_or(ScanError::Missing("ephemeral_public_key"))?,
    )?)?;
    let bid_key = recipient.decrypt(&encrypted)?;
    Ok(ephemeral.encrypt(&bid_key)?)
}

/// The phone's answer to a scanned session, signed by `signer` holding `certificate`.
/// `reencrypted_key` is the output of [`reencrypt_bid_key`] for `decrypt` sessions.
pub fn answer(
    session: &ScannedSession,
    signer: &dyn Signer,
    certificate: &Certificate,
    chain: &[Certificate],
    reencrypted_key: Option<Vec<u8>>,
    now: SystemTime,
) -> Result<Completion, ScanError> {
    let alg = signer.algorithm();
    let statement = Statement::for_session(session, alg, reencrypted_key.as_deref())?;
    let bytes = statement.to_bytes();
    let signature = signer.sign(&bytes)?;
    let cms = match statement.digest {
        Some((_, digest)) => Some(b64(&cms::sign_detached(
            &digest,
            signer,
            certificate,
            chain,
            now,
        )?)),
        None => None,
    };
    Ok(Completion {
        scan_ticket: session.scan_ticket.clone(),
        certificate: b64(&x509::to_der(certificate)?),
        statement: b64(&bytes),
        signature: b64(&signature),
        cms,
        reencrypted_key: reencrypted_key.map(|k| b64(&k)),
    })
}

/// The service's check of an answer against the session it holds (`expected_session`, with the
/// statement fields as stored): what was signed is what was shown, the signature verifies with
/// `certificate`'s key, and a `sign` answer's CMS signs the document digest with the same
/// certificate. Chain and status are checked by the caller, who knows the CA.
pub fn check_answer(
    expected_session: &ScannedSession,
    completion: &Completion,
    certificate: &Certificate,
) -> Result<Statement, ScanError> {
    let key = x509::certificate_public_key(certificate)?;
    let alg = key.algorithm();
    let statement_bytes = unb64("statement", &completion.statement)?;
    let signed = Statement::parse(&statement_bytes)?;
    if signed.session_id != expected_session.session_id {
        return Err(ScanError::WrongSession);
    }
    let reencrypted = match &completion.reencrypted_key {
        Some(k) => Some(unb64("reencrypted_key", k)?),
        None => None,
    };
    if expected_session.kind == SessionKind::Decrypt && reencrypted.is_none() {
        return Err(ScanError::Missing("reencrypted_key"));
    }
    let expected = Statement::for_session(expected_session, alg, reencrypted.as_deref())?;
    if let Some(field) = signed.first_difference(&expected) {
        return Err(ScanError::StatementMismatch(field));
    }
    let signature = unb64("signature", &completion.signature)?;
    key.verify(&statement_bytes, &signature)
        .map_err(|_| ScanError::BadSignature)?;
    if let Some((_, digest)) = expected.digest {
        let cms_der = unb64(
            "cms",
            completion.cms.as_deref().ok_or(ScanError::Missing("cms"))?,
        )?;
        let verified = cms::verify_detached(&cms_der, &digest)
            .map_err(|e| ScanError::BadCms(e.to_string()))?;
        if &verified.signer != certificate {
            return Err(ScanError::BadCms(
                "signed by another certificate than the statement".into(),
            ));
        }
    }
    Ok(signed)
}

// ----- The platform's check of a result -----

/// What the platform knows of its own session.
#[derive(Clone, Debug)]
pub struct Expectation<'a> {
    pub session_id: &'a str,
    pub kind: SessionKind,
    /// `sign`: the digests the platform sent.
    pub document_digests: Option<&'a DocumentDigests>,
    /// The CA roots the platform trusts (fetched once from the service, pinned).
    pub roots: &'a [Certificate],
    pub now: SystemTime,
}

/// A result that passed every check.
#[derive(Clone, Debug)]
pub struct VerifiedResult {
    pub certificate: Certificate,
    pub info: x509::CertificateInfo,
    pub statement: Statement,
    /// `decrypt`: the bid key re-encrypted to the platform's ephemeral key.
    pub reencrypted_key: Option<Vec<u8>>,
}

/// Verifies a session result as a relying platform must: the chain to a trusted root, the
/// CA's signed OCSP answer (good), the statement (this session, this kind, this digest, this
/// answer), its signature, and for `sign` the CMS over the document digest.
pub fn verify_result(
    result: &SessionResult,
    expect: &Expectation<'_>,
) -> Result<VerifiedResult, ScanError> {
    let certificate = Certificate::from_der(&unb64("certificate", &result.certificate)?)
        .map_err(crypto::Error::from)?;
    let chain = result
        .chain
        .iter()
        .map(|c| {
            Certificate::from_der(&unb64("chain", c)?)
                .map_err(|e| ScanError::Crypto(crypto::Error::from(e)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut options = ValidationOptions::at(expect.now);
    options.leaf_key_usage = vec![x509_cert::ext::pkix::KeyUsages::DigitalSignature];
    let path = path::validate(&certificate, &chain, expect.roots, &options)?;
    let issuer = path
        .get(1)
        .ok_or(ScanError::NotGood("the certificate is a root"))?;
    let ocsp = unb64("ocsp_response", &result.ocsp_response)?;
    let statuses = revocation::verify_ocsp_response(&ocsp, issuer)?;
    let serial = certificate.tbs_certificate().serial_number().as_bytes();
    let status = statuses
        .iter()
        .find(|(id, _)| id.matches_issuer(issuer) && trim(id.serial()) == trim(serial))
        .map(|(_, s)| s)
        .ok_or(ScanError::NotGood("no OCSP answer for this certificate"))?;
    match status {
        CertStatus::Good => {}
        CertStatus::Revoked { .. } => return Err(ScanError::NotGood("revoked")),
        CertStatus::Unknown => return Err(ScanError::NotGood("unknown")),
    }
    let statement_bytes = unb64("statement", &result.statement)?;
    let statement = Statement::parse(&statement_bytes)?;
    if statement.session_id != expect.session_id {
        return Err(ScanError::WrongSession);
    }
    if statement.kind != expect.kind {
        return Err(ScanError::StatementMismatch("operation"));
    }
    let key = x509::certificate_public_key(&certificate)?;
    key.verify(&statement_bytes, &unb64("signature", &result.signature)?)
        .map_err(|_| ScanError::BadSignature)?;
    let reencrypted_key = match expect.kind {
        SessionKind::Login => None,
        SessionKind::Sign => {
            let digests = expect
                .document_digests
                .ok_or(ScanError::Missing("document_digests"))?;
            let digest = digests
                .for_algorithm(key.algorithm())?
                .ok_or(ScanError::BadDigest(key.algorithm()))?;
            if statement.digest != Some((key.algorithm(), digest)) {
                return Err(ScanError::StatementMismatch("digest"));
            }
            let cms_der = unb64(
                "cms",
                result.cms.as_deref().ok_or(ScanError::Missing("cms"))?,
            )?;
            let verified = cms::verify_detached(&cms_der, &digest)
                .map_err(|e| ScanError::BadCms(e.to_string()))?;
            if verified.signer != certificate {
                return Err(ScanError::BadCms("signed by another certificate".into()));
            }
            None
        }
        SessionKind::Decrypt => {
            let k = unb64(
                "reencrypted_key",
                result
                    .reencrypted_key
                    .as_deref()
                    .ok_or(ScanError::Missing("reencrypted_key"))?,
            )?;
            if statement.answer_sha256 != Some(hash::sha256(&k)) {
                return Err(ScanError::StatementMismatch("answer"));
            }
            Some(k)
        }
    };
    let info = x509::info(&certificate)?;
    Ok(VerifiedResult {
        certificate,
        info,
        statement,
        reencrypted_key,
    })
}

fn trim(serial: &[u8]) -> &[u8] {
    match serial.iter().position(|b| *b != 0) {
        Some(i) => &serial[i..],
        None => serial,
    }
}

// ----- Sealed bids -----

/// A bid sealed to a bidder's certificate: a fresh bid key encrypted to the certificate's key
/// (SM2 ciphertext or P-256 ECIES), the bid under SM4-GCM (SM2) or AES-256-GCM (P-256).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealedBid {
    /// Serial (hex) of the certificate the bid key is encrypted to.
    pub recipient_serial: String,
    /// `sm4-gcm` or `aes-256-gcm`.
    pub cipher: String,
    /// Base64 fields.
    pub encrypted_key: String,
    pub nonce: String,
    pub ciphertext: String,
}

fn bid_cipher(name: &str) -> Result<AeadAlgorithm, ScanError> {
    match name {
        "sm4-gcm" => Ok(AeadAlgorithm::Sm4Gcm),
        "aes-256-gcm" => Ok(AeadAlgorithm::Aes256Gcm),
        _ => Err(ScanError::BadBid("unknown cipher")),
    }
}

impl SealedBid {
    /// Seals `bid` to `certificate`.
    pub fn seal(certificate: &Certificate, bid: &[u8]) -> Result<SealedBid, ScanError> {
        let key = x509::certificate_public_key(certificate)?;
        let (aead, name) = match key.algorithm() {
            Algorithm::Sm2 => (AeadAlgorithm::Sm4Gcm, "sm4-gcm"),
            Algorithm::P256 => (AeadAlgorithm::Aes256Gcm, "aes-256-gcm"),
        };
        let mut bid_key = Zeroizing::new(vec![0u8; aead.key_len()]);
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(bid_key.as_mut_slice()).map_err(|_| crypto::Error::Rng)?;
        getrandom::fill(&mut nonce).map_err(|_| crypto::Error::Rng)?;
        let serial = x509::serial_hex(certificate);
        let ciphertext = aead.seal(&bid_key, &nonce, bid, serial.as_bytes())?;
        Ok(SealedBid {
            recipient_serial: serial,
            cipher: name.to_string(),
            encrypted_key: b64(&key.encrypt(&bid_key)?),
            nonce: b64(&nonce),
            ciphertext: b64(&ciphertext),
        })
    }

    /// Opens the bid with its key (as recovered by the platform from the phone's answer).
    pub fn open(&self, bid_key: &[u8]) -> Result<Zeroizing<Vec<u8>>, ScanError> {
        let aead = bid_cipher(&self.cipher)?;
        if bid_key.len() != aead.key_len() {
            return Err(ScanError::BadBid("bid key has the wrong length"));
        }
        aead.open(
            bid_key,
            &unb64("nonce", &self.nonce)?,
            &unb64("ciphertext", &self.ciphertext)?,
            self.recipient_serial.as_bytes(),
        )
        .map_err(|_| ScanError::BadBid("the bid does not open with this key"))
    }

    /// Opens the bid from the phone's re-encrypted key and the platform's ephemeral key.
    pub fn open_with_ephemeral(
        &self,
        reencrypted_key: &[u8],
        ephemeral: &PrivateKey,
    ) -> Result<Zeroizing<Vec<u8>>, ScanError> {
        let bid_key = ephemeral.decrypt(reencrypted_key)?;
        self.open(&bid_key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bankid_vector_and_payload_shape() {
        // BankID's published animated-QR example: same HMAC construction.
        assert_eq!(
            qr_auth_code("d28db9a7-4cde-429e-a983-359be676944c", 0),
            "dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8"
        );
        let token = new_token().expect("rng");
        let secret = "0123456789abcdef0123456789abcdef";
        let text = qr_payload(&token, secret, 599);
        assert!(text.len() <= MAX_QR_LEN, "{} bytes", text.len());
        let code = QrCode::parse(&text).expect("parses");
        assert_eq!(code.t, 599);
        assert!(code.authentic(secret));
        assert!(!code.authentic("another secret"));
    }

    #[test]
    fn malformed_payloads_are_named() {
        let good = qr_payload("0123456789abcd", "s", 3);
        assert!(QrCode::parse(&good).is_ok());
        for (text, code) in [
            ("https://example.com", "not_mcert_code"),
            ("mcert.0123456789abcd.3", "malformed_qr"),
            ("mcert.0123456789ABCD.3.00", "malformed_qr"),
            ("mcert.0123456789abcd.-1.00", "malformed_qr"),
            (&good.replace(".3.", ".1000."), "malformed_qr"),
            (&good.replace(".3.", ".3.x"), "malformed_qr"),
            (&format!("{good}.extra"), "malformed_qr"),
        ] {
            let e = QrCode::parse(text).expect_err(text);
            assert_eq!(e.code(), code, "{text}: {e}");
        }
    }

    #[test]
    fn display_texts_are_single_clean_lines() {
        let ok = DisplayText {
            project: Some("青海某光伏电站EPC总承包".into()),
            lot: Some("第1标段".into()),
            document_name: None,
        };
        assert!(validate_display(&ok).is_ok());
        for bad in ["", "a\nb", " padded", &"长".repeat(101)] {
            let d = DisplayText {
                project: Some(bad.to_string()),
                ..Default::default()
            };
            assert!(validate_display(&d).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn statement_round_trips_and_rejects_variants() {
        let s = Statement {
            session_id: "01JSESSION".into(),
            platform_id: "qhny".into(),
            platform_name: "青海能源集团数字招采平台".into(),
            kind: SessionKind::Sign,
            display: DisplayText {
                project: Some("项目A".into()),
                lot: None,
                document_name: Some("投标文件.pdf".into()),
            },
            digest: Some((Algorithm::Sm2, [7u8; 32])),
            answer_sha256: None,
            verification_code: "4821".into(),
            created_at: "2026-11-23T00:00:00Z".into(),
        };
        let bytes = s.to_bytes();
        assert_eq!(Statement::parse(&bytes).expect("parses"), s);
        let text = String::from_utf8(bytes).expect("utf8");
        assert!(text.contains("operation: 文件签名\n"));
        for variant in [
            text.replace("operation: 文件签名", "operation: 扫码登录"),
            text.replace("kind: sign\n", "kind: sign\nextra: 1\n"),
            format!("{text}\n"),
            text.replace("mcert statement v1", "mcert statement v2"),
        ] {
            assert!(Statement::parse(variant.as_bytes()).is_err(), "{variant}");
        }
    }
}
