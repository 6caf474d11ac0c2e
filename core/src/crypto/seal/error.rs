//! What can be wrong with a seal, a seal signature or a request to make one.

use std::fmt;

/// Whose certificate an error is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertRole {
    /// The seal maker (制章者), whose key signs `SES_SealInfo`.
    Maker,
    /// The signer (签章者), whose key signs `TBS_Sign` and whose certificate the seal binds.
    Signer,
}

impl fmt::Display for CertRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CertRole::Maker => "seal maker's",
            CertRole::Signer => "signer's",
        })
    }
}

/// Errors of the GB/T 38540 seal layer. Each says precisely which check refused the input.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("the encoding is {len} bytes, more than the {max} accepted")]
    TooLarge { len: usize, max: usize },
    #[error("malformed DER: {0}")]
    Der(#[from] der::Error),
    #[error("header identifier {0:?} is not \"ES\"")]
    BadHeaderId(String),
    #[error("version {0} is not the GB/T 38540-2020 version 4")]
    UnsupportedVersion(i64),
    #[error("the signature's version {tbs} differs from its seal's version {seal}")]
    VersionMismatch { tbs: i64, seal: i64 },
    #[error("unknown certListType {0} (1: certificates, 2: certificate digests)")]
    UnknownCertListType(i64),
    #[error("the seal binds no certificate")]
    EmptyCertList,
    #[error("picture type {0:?} is not one GB/T 38540 names (ofd, png, jpg, gif, bmp, svg)")]
    UnsupportedPictureType(String),
    #[error("the picture bytes are not a {0} file")]
    PictureMismatch(String),
    #[error("picture size {width} x {height} mm is not positive")]
    InvalidPictureSize { width: i64, height: i64 },
    #[error("invalid field: {0}")]
    InvalidField(&'static str),
    #[error("signature algorithm {0} is not SM2-with-SM3 (1.2.156.10197.1.501)")]
    UnsupportedAlgorithm(String),
    #[error("the {0} certificate is unreadable: {1}")]
    BadCertificate(CertRole, String),
    #[error("the {0} certificate does not hold an SM2 key")]
    NotSm2(CertRole),
    #[error("the {0} certificate does not hold the signing key")]
    KeyMismatch(CertRole),
    #[error("the {0} certificate is not valid yet")]
    CertificateNotYetValid(CertRole),
    #[error("the {0} certificate has expired")]
    CertificateExpired(CertRole),
    #[error("the seal maker's signature over SES_SealInfo does not verify")]
    BadMakerSignature,
    #[error("the seal maker is not trusted: {0}")]
    MakerNotTrusted(String),
    #[error("the seal's validity ends before it starts")]
    InvalidValidity,
    #[error("the seal is not valid yet")]
    SealNotYetValid,
    #[error("the seal has expired")]
    SealExpired,
    #[error("the signer's certificate is not bound to the seal")]
    SignerNotBound,
    #[error("the signer's signature over TBS_Sign does not verify")]
    BadSignature,
    #[error("the data hash must be a 32-byte SM3 digest")]
    InvalidDataHash,
    #[error("the signed data hash does not match the data")]
    DataHashMismatch,
    #[error("the signing time lies outside the seal's validity")]
    SignedOutsideSealValidity,
    #[error("the signing time lies in the future")]
    SigningTimeInFuture,
    #[error("unknown critical extension {0}")]
    UnknownCriticalExtension(String),
    #[error("crypto: {0}")]
    Crypto(#[from] crate::crypto::Error),
}
