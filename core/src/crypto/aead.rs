//! The two AEADs mcert uses: AES-256-GCM and SM4-GCM (GB/T 32907 in GCM mode), both with
//! 96-bit nonces and 128-bit tags.

use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use zeroize::Zeroizing;

use super::Error;

/// Nonce length of both AEADs.
pub const NONCE_LEN: usize = 12;

/// An authenticated cipher.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum AeadAlgorithm {
    #[default]
    Aes256Gcm,
    Sm4Gcm,
}

type Sm4Gcm = aes_gcm::AesGcm<sm4::Sm4, U12>;

impl AeadAlgorithm {
    /// The one-byte identifier stored in envelopes and sealed bids.
    pub fn id(self) -> u8 {
        match self {
            AeadAlgorithm::Aes256Gcm => 1,
            AeadAlgorithm::Sm4Gcm => 2,
        }
    }

    pub fn from_id(id: u8) -> Option<Self> {
        match id {
            1 => Some(AeadAlgorithm::Aes256Gcm),
            2 => Some(AeadAlgorithm::Sm4Gcm),
            _ => None,
        }
    }

    /// Key length in bytes.
    pub fn key_len(self) -> usize {
        match self {
            AeadAlgorithm::Aes256Gcm => 32,
            AeadAlgorithm::Sm4Gcm => 16,
        }
    }

    /// Encrypts `msg`; the output is the ciphertext followed by the tag.
    pub fn seal(self, key: &[u8], nonce: &[u8], msg: &[u8], aad: &[u8]) -> Result<Vec<u8>, Error> {
        let payload = Payload { msg, aad };
        let nonce = aes_gcm::Nonce::try_from(nonce)
            .map_err(|_| Error::InvalidInput("AEAD nonce must be 12 bytes"))?;
        let bad_key = |_| Error::InvalidInput("AEAD key has the wrong length");
        match self {
            AeadAlgorithm::Aes256Gcm => aes_gcm::Aes256Gcm::new_from_slice(key)
                .map_err(bad_key)?
                .encrypt(&nonce, payload),
            AeadAlgorithm::Sm4Gcm => Sm4Gcm::new_from_slice(key)
                .map_err(bad_key)?
                .encrypt(&nonce, payload),
        }
        .map_err(|_| Error::InvalidInput("message too long for the AEAD"))
    }

    /// Decrypts and checks the tag ([`Error::Decrypt`] when it does not match).
    pub fn open(
        self,
        key: &[u8],
        nonce: &[u8],
        ct: &[u8],
        aad: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, Error> {
        let payload = Payload { msg: ct, aad };
        let nonce = aes_gcm::Nonce::try_from(nonce).map_err(|_| Error::Decrypt)?;
        match self {
            AeadAlgorithm::Aes256Gcm => aes_gcm::Aes256Gcm::new_from_slice(key)
                .map_err(|_| Error::Decrypt)?
                .decrypt(&nonce, payload),
            AeadAlgorithm::Sm4Gcm => Sm4Gcm::new_from_slice(key)
                .map_err(|_| Error::Decrypt)?
                .decrypt(&nonce, payload),
        }
        .map(Zeroizing::new)
        .map_err(|_| Error::Decrypt)
    }
}
