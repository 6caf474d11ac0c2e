//! Cryptography of mcert, free of I/O: keys and signatures (SM2/SM3, P-256), encryption (SM2,
//! ECIES), certificates, CSRs, path validation and CMS.

pub mod aead;
pub mod cms;
pub mod csr;
pub mod ecies;
pub mod hash;
pub mod key_envelope;
mod keys;
pub mod name;
pub mod oid;
pub mod path;
pub mod revocation;
pub mod seal;
pub mod seal_binding;
pub mod sm2enc;
pub mod x509;

pub use keys::{Algorithm, PrivateKey, PublicKey, SM2_DEFAULT_ID, Signer};
pub use sm2enc::CiphertextFormat;

/// Errors of the crypto layer. Each says precisely what was wrong with the input.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("unsupported algorithm {0}")]
    UnsupportedAlgorithm(String),
    #[error("keys or data of different algorithms were mixed")]
    AlgorithmMismatch,
    #[error("invalid private key")]
    InvalidKey,
    #[error("invalid public key")]
    InvalidPublicKey,
    #[error("malformed signature")]
    MalformedSignature,
    #[error("signature does not verify")]
    BadSignature,
    #[error("malformed ciphertext")]
    MalformedCiphertext,
    #[error("decryption failed")]
    Decrypt,
    #[error("random number generator failed")]
    Rng,
    #[error("invalid input: {0}")]
    InvalidInput(&'static str),
    #[error("DER: {0}")]
    Der(#[from] der::Error),
    #[error("certificate: {0}")]
    Certificate(String),
    #[error("CSR: {0}")]
    Csr(&'static str),
    #[error("CMS: {0}")]
    Cms(&'static str),
    #[error("certification path: {0}")]
    Path(path::PathError),
}

impl From<spki::Error> for Error {
    fn from(e: spki::Error) -> Self {
        match e {
            spki::Error::Asn1(d) => Error::Der(d),
            _ => Error::InvalidPublicKey,
        }
    }
}
