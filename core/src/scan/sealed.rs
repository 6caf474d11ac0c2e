//! Sealed bids: a bid key encrypted to a certificate, the bid under SM4-GCM or AES-256-GCM.

use serde::{Deserialize, Serialize};
use x509_cert::Certificate;
use zeroize::Zeroizing;

use super::{ScanError, b64, unb64};
use crate::crypto::aead::{AeadAlgorithm, NONCE_LEN};
use crate::crypto::{self, Algorithm, PrivateKey, x509};

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
