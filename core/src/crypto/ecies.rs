//! ECIES over P-256, as mcert uses it to seal bid keys to a certificate or to a platform's
//! ephemeral key.
//!
//! Format (version 1):
//!
//! ```text
//! 0x01 ‖ R (65-byte uncompressed ephemeral point) ‖ AES-256-GCM(plaintext) ‖ tag (16 bytes)
//! ```
//!
//! With `z` the x-coordinate of the ECDH point between the ephemeral key and the recipient,
//! `HKDF-SHA256(ikm = z, salt = R ‖ recipient SEC1 point, info = "mcert ecies p256 v1")` yields
//! 44 bytes: the AES key (32) and the GCM nonce (12). Each message has its own ephemeral key, so
//! the derived nonce is never reused under one key. There is no associated data.

use aes_gcm::aead::{Aead, KeyInit};
use p256::elliptic_curve::{Generate, sec1::ToSec1Point};
use zeroize::Zeroizing;

use super::Error;

const VERSION: u8 = 1;
const INFO: &[u8] = b"mcert ecies p256 v1";
const POINT_LEN: usize = 65;
const TAG_LEN: usize = 16;

fn derive(shared_x: &[u8], eph: &[u8], recipient: &[u8]) -> Result<Zeroizing<[u8; 44]>, Error> {
    let mut salt = Vec::with_capacity(eph.len() + recipient.len());
    salt.extend_from_slice(eph);
    salt.extend_from_slice(recipient);
    let hk = hkdf::Hkdf::<sha2::Sha256>::new(Some(&salt), shared_x);
    let mut okm = Zeroizing::new([0u8; 44]);
    hk.expand(INFO, okm.as_mut()).map_err(|_| Error::Decrypt)?;
    Ok(okm)
}

fn cipher(okm: &[u8; 44]) -> Result<aes_gcm::Aes256Gcm, Error> {
    aes_gcm::Aes256Gcm::new_from_slice(&okm[..32]).map_err(|_| Error::InvalidKey)
}

pub(crate) fn encrypt(recipient: &p256::PublicKey, plaintext: &[u8]) -> Result<Vec<u8>, Error> {
    let eph = p256::ecdh::EphemeralSecret::try_generate().map_err(|_| Error::Rng)?;
    let eph_point = eph.public_key().to_sec1_point(false);
    let recipient_point = recipient.to_sec1_point(false);
    let shared = eph.diffie_hellman(recipient);
    let okm = derive(
        shared.raw_secret_bytes(),
        eph_point.as_bytes(),
        recipient_point.as_bytes(),
    )?;
    let nonce = aes_gcm::Nonce::try_from(&okm[32..44]).map_err(|_| Error::InvalidKey)?;
    let sealed = cipher(&okm)?
        .encrypt(&nonce, plaintext)
        .map_err(|_| Error::InvalidInput("message too long"))?;
    let mut out = Vec::with_capacity(1 + POINT_LEN + sealed.len());
    out.push(VERSION);
    out.extend_from_slice(eph_point.as_bytes());
    out.extend_from_slice(&sealed);
    Ok(out)
}

pub(crate) fn decrypt(
    secret: &p256::NonZeroScalar,
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, Error> {
    if ciphertext.len() < 1 + POINT_LEN + TAG_LEN {
        return Err(Error::MalformedCiphertext);
    }
    if ciphertext[0] != VERSION {
        return Err(Error::MalformedCiphertext);
    }
    let eph_bytes = &ciphertext[1..1 + POINT_LEN];
    let eph =
        p256::PublicKey::from_sec1_bytes(eph_bytes).map_err(|_| Error::MalformedCiphertext)?;
    let recipient = p256::PublicKey::from_secret_scalar(secret);
    let shared = p256::ecdh::diffie_hellman(secret, eph.as_affine());
    let okm = derive(
        shared.raw_secret_bytes(),
        eph_bytes,
        recipient.to_sec1_point(false).as_bytes(),
    )?;
    let nonce = aes_gcm::Nonce::try_from(&okm[32..44]).map_err(|_| Error::InvalidKey)?;
    cipher(&okm)?
        .decrypt(&nonce, &ciphertext[1 + POINT_LEN..])
        .map(Zeroizing::new)
        .map_err(|_| Error::Decrypt)
}

#[cfg(test)]
mod tests {
    use crate::crypto::{Algorithm, Error, PrivateKey};

    #[test]
    fn round_trip_and_tamper() {
        let key = PrivateKey::generate(Algorithm::P256).expect("key");
        let ct = key
            .public_key()
            .encrypt(b"sealed bid key")
            .expect("encrypt");
        assert_eq!(ct.len(), 1 + 65 + 14 + 16);
        assert_eq!(
            key.decrypt(&ct).expect("decrypt").as_slice(),
            b"sealed bid key"
        );
        for i in [0, 5, 70, ct.len() - 1] {
            let mut bad = ct.clone();
            bad[i] ^= 0x01;
            assert!(
                key.decrypt(&bad).is_err(),
                "byte {i} flipped still decrypts"
            );
        }
        assert!(matches!(
            key.decrypt(&ct[..40]),
            Err(Error::MalformedCiphertext)
        ));
        let other = PrivateKey::generate(Algorithm::P256).expect("key");
        assert!(matches!(other.decrypt(&ct), Err(Error::Decrypt)));
        // Empty plaintexts are fine for ECIES.
        let ct = key.public_key().encrypt(b"").expect("encrypt");
        assert!(key.decrypt(&ct).expect("decrypt").is_empty());
    }
}
