//! Secrets at rest: one versioned sealed-blob format for everything the service encrypts
//! (issuing CA keys, identity numbers, the offline root key file).
//!
//! `SealedBlob { version, key_id, nonce, ciphertext }`, encoded compactly as
//! `version (1) ‖ key_id length (1) ‖ key_id ‖ nonce (12) ‖ AES-256-GCM ciphertext ‖ tag (16)`.
//! The associated data names what the blob belongs to (a CA id, an account id…), so a blob
//! copied onto another record does not open. The key id says which key sealed the blob, so keys
//! can be rotated: a service keeps old keys for opening and seals with the newest.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use zeroize::Zeroizing;

/// The only format version written.
pub const VERSION: u8 = 1;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SealError {
    #[error("sealed blob is damaged or of an unknown format")]
    Format,
    #[error("sealed blob version {0} is not supported")]
    Version(u8),
    #[error("sealed under key {found}, but this key is {expected}")]
    WrongKey { found: String, expected: String },
    #[error("sealed blob does not open: wrong key, wrong record or tampered")]
    Open,
    #[error("random number generator failed")]
    Rng,
}

/// A sealed secret.
#[derive(Clone, PartialEq, Eq)]
pub struct SealedBlob {
    pub version: u8,
    pub key_id: String,
    pub nonce: [u8; NONCE_LEN],
    pub ciphertext: Vec<u8>,
}

impl std::fmt::Debug for SealedBlob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealedBlob")
            .field("version", &self.version)
            .field("key_id", &self.key_id)
            .field("len", &self.ciphertext.len())
            .finish_non_exhaustive()
    }
}

impl SealedBlob {
    pub fn encode(&self) -> Vec<u8> {
        let id = self.key_id.as_bytes();
        let mut out = Vec::with_capacity(2 + id.len() + NONCE_LEN + self.ciphertext.len());
        out.push(self.version);
        out.push(u8::try_from(id.len()).unwrap_or(u8::MAX));
        out.extend_from_slice(&id[..id.len().min(255)]);
        out.extend_from_slice(&self.nonce);
        out.extend_from_slice(&self.ciphertext);
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<SealedBlob, SealError> {
        let (&version, rest) = bytes.split_first().ok_or(SealError::Format)?;
        if version != VERSION {
            return Err(SealError::Version(version));
        }
        let (&id_len, rest) = rest.split_first().ok_or(SealError::Format)?;
        let id_len = usize::from(id_len);
        if rest.len() < id_len + NONCE_LEN + TAG_LEN {
            return Err(SealError::Format);
        }
        let (id, rest) = rest.split_at(id_len);
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        Ok(SealedBlob {
            version,
            key_id: std::str::from_utf8(id)
                .map_err(|_| SealError::Format)?
                .to_string(),
            nonce: nonce.try_into().map_err(|_| SealError::Format)?,
            ciphertext: ciphertext.to_vec(),
        })
    }
}

/// A 256-bit sealing key with its id.
pub struct SealingKey {
    id: String,
    key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealingKey")
            .field("id", &self.id)
            .field("key", &"[redacted]")
            .finish()
    }
}

impl SealingKey {
    /// A key whose id is `label` plus a fingerprint of the key (so a blob sealed under another
    /// key of the same purpose is named as such, not as "damaged").
    pub fn new(label: &str, key: Zeroizing<[u8; 32]>) -> SealingKey {
        let fp = mcert_core::crypto::hash::hmac_sha256(&key[..], &[b"mcert sealing key id"]);
        SealingKey {
            id: format!("{label}:{}", hex::encode(&fp[..4])),
            key,
        }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    fn cipher(&self) -> Result<aes_gcm::Aes256Gcm, SealError> {
        aes_gcm::Aes256Gcm::new_from_slice(&self.key[..]).map_err(|_| SealError::Format)
    }

    /// Seals `plaintext` for the record named by `aad`.
    pub fn seal(&self, aad: &[u8], plaintext: &[u8]) -> Result<SealedBlob, SealError> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|_| SealError::Rng)?;
        let n = aes_gcm::Nonce::try_from(&nonce[..]).map_err(|_| SealError::Format)?;
        let ciphertext = self
            .cipher()?
            .encrypt(
                &n,
                Payload {
                    msg: plaintext,
                    aad,
                },
            )
            .map_err(|_| SealError::Open)?;
        Ok(SealedBlob {
            version: VERSION,
            key_id: self.id.clone(),
            nonce,
            ciphertext,
        })
    }

    /// [`seal`](Self::seal), encoded.
    pub fn seal_bytes(&self, aad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
        Ok(self.seal(aad, plaintext)?.encode())
    }

    pub fn open(&self, aad: &[u8], blob: &SealedBlob) -> Result<Zeroizing<Vec<u8>>, SealError> {
        if blob.key_id != self.id {
            return Err(SealError::WrongKey {
                found: blob.key_id.clone(),
                expected: self.id.clone(),
            });
        }
        let n = aes_gcm::Nonce::try_from(&blob.nonce[..]).map_err(|_| SealError::Format)?;
        self.cipher()?
            .decrypt(
                &n,
                Payload {
                    msg: &blob.ciphertext,
                    aad,
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| SealError::Open)
    }

    /// [`open`](Self::open) of an encoded blob.
    pub fn open_bytes(&self, aad: &[u8], bytes: &[u8]) -> Result<Zeroizing<Vec<u8>>, SealError> {
        self.open(aad, &SealedBlob::decode(bytes)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> SealingKey {
        SealingKey::new("test", Zeroizing::new([byte; 32]))
    }

    #[test]
    fn round_trip_and_refusals() {
        let k = key(7);
        let blob = k.seal(b"record-1", b"secret").expect("seal");
        let bytes = blob.encode();
        assert_eq!(SealedBlob::decode(&bytes).expect("decode"), blob);
        assert_eq!(
            k.open_bytes(b"record-1", &bytes).expect("open").as_slice(),
            b"secret"
        );
        assert_eq!(k.open_bytes(b"record-2", &bytes), Err(SealError::Open));
        assert!(matches!(
            key(8).open_bytes(b"record-1", &bytes),
            Err(SealError::WrongKey { .. })
        ));
        let mut tampered = bytes.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert_eq!(k.open_bytes(b"record-1", &tampered), Err(SealError::Open));
        let mut v2 = bytes.clone();
        v2[0] = 2;
        assert_eq!(SealedBlob::decode(&v2), Err(SealError::Version(2)));
        assert_eq!(SealedBlob::decode(&bytes[..10]), Err(SealError::Format));
        assert!(!format!("{k:?}").contains("7, 7"));
    }
}
