//! The operator key: the service's master secret, from which every at-rest sealing key and
//! MAC key is derived (HKDF-SHA256, one label per purpose).

use mcert_core::crypto;
use zeroize::Zeroizing;

use super::AuthorityError;
use crate::seal_at_rest::SealingKey;

/// Label of the key that seals issuing CA private keys.
pub const CA_KEY_LABEL: &str = "ca keys";

/// The operator key.
pub struct OperatorKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for OperatorKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OperatorKey([redacted])")
    }
}

impl OperatorKey {
    /// From 64 hex digits (surrounding whitespace ignored).
    pub fn from_hex(text: &str) -> Result<Self, AuthorityError> {
        let bytes =
            Zeroizing::new(hex::decode(text.trim()).map_err(|_| AuthorityError::BadOperatorKey)?);
        let arr: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| AuthorityError::BadOperatorKey)?;
        Ok(OperatorKey(Zeroizing::new(arr)))
    }

    /// A fresh random key (first start of a development service).
    pub fn generate() -> Result<Self, AuthorityError> {
        let mut k = Zeroizing::new([0u8; 32]);
        getrandom::fill(k.as_mut()).map_err(|_| AuthorityError::Crypto(crypto::Error::Rng))?;
        Ok(OperatorKey(k))
    }

    /// A 32-byte key for another purpose (HKDF-SHA256 with `label` as info).
    pub fn derive(&self, label: &str) -> Zeroizing<[u8; 32]> {
        let hk = hkdf::Hkdf::<sha2::Sha256>::new(Some(b"mcert operator key v1"), self.0.as_ref());
        let mut out = Zeroizing::new([0u8; 32]);
        // 32 bytes is far below HKDF-SHA256's output limit.
        if hk.expand(label.as_bytes(), out.as_mut()).is_err() {
            unreachable!("32-byte HKDF output");
        }
        out
    }

    /// The sealing key of one purpose.
    pub fn sealing_key(&self, label: &str) -> SealingKey {
        SealingKey::new(label, self.derive(label))
    }

    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.0.as_ref()))
    }
}
