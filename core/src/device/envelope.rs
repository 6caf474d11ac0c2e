//! The protected private key envelope.
//!
//! ```text
//! "MCKE" ‖ version (1) ‖ kdf id (1 = Argon2id) ‖ m_cost KiB (u32) ‖ t_cost (u32) ‖ p_cost (u32)
//!        ‖ salt length (u8) ‖ salt ‖ aead id (1 = AES-256-GCM, 2 = SM4-GCM) ‖ nonce (12)
//!        ‖ ciphertext length (u32) ‖ ciphertext+tag ‖ mac (32)
//! ```
//!
//! Integers are big-endian. The key-encryption key is Argon2id(PIN, salt, secret = a key derived
//! from the device secret) with the recorded parameters. The AEAD's associated data is the
//! header (everything before the ciphertext length) and the key binding (key id, algorithm,
//! public key), so an envelope cannot be moved to another key record. The trailing MAC is
//! HMAC-SHA256 under another device-secret key over all preceding bytes and the binding: it tells
//! a tampered envelope from a wrong PIN without trying the PIN.

use zeroize::Zeroizing;

use crate::crypto::hash;

const MAGIC: &[u8; 4] = b"MCKE";
/// The envelope version this code writes.
pub const VERSION: u8 = 1;
const KDF_ARGON2ID: u8 = 1;
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 12;
const MAC_LEN: usize = 32;

/// Argon2id cost parameters, recorded in each envelope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KdfParams {
    pub m_cost_kib: u32,
    pub t_cost: u32,
    pub p_cost: u32,
}

impl KdfParams {
    /// Default for phones: 64 MiB, 3 passes, 1 lane (RFC 9106 §4 second option, one lane).
    pub const DEFAULT: KdfParams = KdfParams {
        m_cost_kib: 64 * 1024,
        t_cost: 3,
        p_cost: 1,
    };
    /// Cheap parameters for tests only.
    pub const INSECURE_TEST: KdfParams = KdfParams {
        m_cost_kib: 64,
        t_cost: 1,
        p_cost: 1,
    };

    fn is_sane(self) -> bool {
        (8..=1024 * 1024).contains(&self.m_cost_kib)
            && (1..=64).contains(&self.t_cost)
            && (1..=16).contains(&self.p_cost)
            && self.m_cost_kib >= 8 * self.p_cost
    }
}

impl Default for KdfParams {
    fn default() -> Self {
        KdfParams::DEFAULT
    }
}

/// The AEAD that wraps the private key.
pub use crate::crypto::aead::AeadAlgorithm;

/// Keys derived from the device secret, one per purpose.
pub struct DeviceKeys {
    kdf_secret: Zeroizing<[u8; 32]>,
    mac_key: Zeroizing<[u8; 32]>,
    counter_key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for DeviceKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceKeys([redacted])")
    }
}

impl DeviceKeys {
    pub fn derive(device_secret: &[u8]) -> Self {
        let hk = hkdf::Hkdf::<sha2::Sha256>::new(Some(b"mcert device secret v1"), device_secret);
        let mut out = [
            Zeroizing::new([0u8; 32]),
            Zeroizing::new([0u8; 32]),
            Zeroizing::new([0u8; 32]),
        ];
        for (key, info) in out.iter_mut().zip([
            b"argon2 secret".as_slice(),
            b"envelope mac".as_slice(),
            b"pin counter mac".as_slice(),
        ]) {
            // 32 bytes is far below HKDF-SHA256's limit, so expansion cannot fail.
            if hk.expand(info, key.as_mut()).is_err() {
                unreachable!("32-byte HKDF output");
            }
        }
        let [kdf_secret, mac_key, counter_key] = out;
        DeviceKeys {
            kdf_secret,
            mac_key,
            counter_key,
        }
    }

    /// MAC over the PIN failure counter of a key, bound to its current envelope.
    pub fn counter_mac(&self, key_id: &str, failures: u32, envelope: &[u8]) -> [u8; 32] {
        hash::hmac_sha256(
            self.counter_key.as_ref(),
            &[
                b"pin-failures",
                key_id.as_bytes(),
                &failures.to_be_bytes(),
                &hash::sha256(envelope),
            ],
        )
    }
}

/// What can go wrong opening an envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    #[error("the protected key was modified or is corrupt")]
    Tampered,
    #[error("the protected key uses envelope version {0}, which this app does not know")]
    UnknownVersion(u8),
    #[error("wrong PIN")]
    WrongPin,
    #[error("the random number generator failed")]
    Rng,
}

/// A parsed envelope whose MAC has been checked.
#[derive(Debug)]
pub struct CheckedEnvelope<'a> {
    header: &'a [u8],
    params: KdfParams,
    salt: &'a [u8],
    aead: AeadAlgorithm,
    nonce: &'a [u8],
    ciphertext: &'a [u8],
}

struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], EnvelopeError> {
        let end = self.pos.checked_add(n).ok_or(EnvelopeError::Tampered)?;
        let out = self
            .data
            .get(self.pos..end)
            .ok_or(EnvelopeError::Tampered)?;
        self.pos = end;
        Ok(out)
    }
    fn u8(&mut self) -> Result<u8, EnvelopeError> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, EnvelopeError> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
}

fn kek(
    pin: &[u8],
    salt: &[u8],
    params: KdfParams,
    aead: AeadAlgorithm,
    keys: &DeviceKeys,
) -> Result<Zeroizing<Vec<u8>>, EnvelopeError> {
    let argon_params = argon2::Params::new(
        params.m_cost_kib,
        params.t_cost,
        params.p_cost,
        Some(aead.key_len()),
    )
    .map_err(|_| EnvelopeError::Tampered)?;
    let argon = argon2::Argon2::new_with_secret(
        keys.kdf_secret.as_ref(),
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon_params,
    )
    .map_err(|_| EnvelopeError::Tampered)?;
    let mut out = Zeroizing::new(vec![0u8; aead.key_len()]);
    argon
        .hash_password_into(pin, salt, &mut out)
        .map_err(|_| EnvelopeError::Tampered)?;
    Ok(out)
}

fn aead_seal(
    aead: AeadAlgorithm,
    key: &[u8],
    nonce: &[u8],
    msg: &[u8],
    aad: &[u8],
) -> Result<Vec<u8>, EnvelopeError> {
    aead.seal(key, nonce, msg, aad)
        .map_err(|_| EnvelopeError::Tampered)
}

fn aead_open(
    aead: AeadAlgorithm,
    key: &[u8],
    nonce: &[u8],
    ct: &[u8],
    aad: &[u8],
) -> Result<Zeroizing<Vec<u8>>, EnvelopeError> {
    aead.open(key, nonce, ct, aad)
        // The MAC already vouched for the envelope, so a failing tag means the PIN was wrong.
        .map_err(|_| EnvelopeError::WrongPin)
}

fn aad(header: &[u8], binding: &[u8]) -> Vec<u8> {
    let mut aad = Vec::with_capacity(header.len() + binding.len());
    aad.extend_from_slice(header);
    aad.extend_from_slice(binding);
    aad
}

/// Seals `secret` under `pin`. `binding` ties the envelope to its key record.
pub fn seal(
    secret: &[u8],
    pin: &[u8],
    binding: &[u8],
    keys: &DeviceKeys,
    params: KdfParams,
    aead: AeadAlgorithm,
) -> Result<Vec<u8>, EnvelopeError> {
    let mut salt = [0u8; SALT_LEN];
    let mut nonce = [0u8; NONCE_LEN];
    getrandom::fill(&mut salt).map_err(|_| EnvelopeError::Rng)?;
    getrandom::fill(&mut nonce).map_err(|_| EnvelopeError::Rng)?;
    let mut out = Vec::with_capacity(128);
    out.extend_from_slice(MAGIC);
    out.push(VERSION);
    out.push(KDF_ARGON2ID);
    out.extend_from_slice(&params.m_cost_kib.to_be_bytes());
    out.extend_from_slice(&params.t_cost.to_be_bytes());
    out.extend_from_slice(&params.p_cost.to_be_bytes());
    out.push(SALT_LEN as u8);
    out.extend_from_slice(&salt);
    out.push(aead.id());
    out.extend_from_slice(&nonce);
    let key = kek(pin, &salt, params, aead, keys)?;
    let ct = aead_seal(aead, &key, &nonce, secret, &aad(&out, binding))?;
    let len = u32::try_from(ct.len()).map_err(|_| EnvelopeError::Tampered)?;
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&ct);
    let mac = hash::hmac_sha256(keys.mac_key.as_ref(), &[&out, binding]);
    out.extend_from_slice(&mac);
    Ok(out)
}

/// Parses an envelope and checks its MAC, without touching the PIN.
pub fn check<'a>(
    blob: &'a [u8],
    binding: &[u8],
    keys: &DeviceKeys,
) -> Result<CheckedEnvelope<'a>, EnvelopeError> {
    let mut c = Cursor { data: blob, pos: 0 };
    if c.take(4)? != MAGIC {
        return Err(EnvelopeError::Tampered);
    }
    let version = c.u8()?;
    if version != VERSION {
        // Checked before the MAC: another version may lay out (and authenticate) the rest
        // differently, so all this code can say is which version it met.
        return Err(EnvelopeError::UnknownVersion(version));
    }
    let body_len = blob
        .len()
        .checked_sub(MAC_LEN)
        .ok_or(EnvelopeError::Tampered)?;
    let (body, mac) = blob.split_at(body_len);
    let expected = hash::hmac_sha256(keys.mac_key.as_ref(), &[body, binding]);
    if !hash::ct_eq(mac, &expected) {
        return Err(EnvelopeError::Tampered);
    }
    if c.u8()? != KDF_ARGON2ID {
        return Err(EnvelopeError::Tampered);
    }
    let params = KdfParams {
        m_cost_kib: c.u32()?,
        t_cost: c.u32()?,
        p_cost: c.u32()?,
    };
    if !params.is_sane() {
        return Err(EnvelopeError::Tampered);
    }
    let salt_len = usize::from(c.u8()?);
    let salt = c.take(salt_len)?;
    let aead = AeadAlgorithm::from_id(c.u8()?).ok_or(EnvelopeError::Tampered)?;
    let nonce = c.take(NONCE_LEN)?;
    let header = &blob[..c.pos];
    let ct_len = c.u32()? as usize;
    let ciphertext = c.take(ct_len)?;
    if c.pos != body_len {
        return Err(EnvelopeError::Tampered);
    }
    Ok(CheckedEnvelope {
        header,
        params,
        salt,
        aead,
        nonce,
        ciphertext,
    })
}

impl CheckedEnvelope<'_> {
    /// Opens the envelope with the PIN (the costly step).
    pub fn open(
        &self,
        pin: &[u8],
        binding: &[u8],
        keys: &DeviceKeys,
    ) -> Result<Zeroizing<Vec<u8>>, EnvelopeError> {
        let key = kek(pin, self.salt, self.params, self.aead, keys)?;
        aead_open(
            self.aead,
            &key,
            self.nonce,
            self.ciphertext,
            &aad(self.header, binding),
        )
    }

    pub fn kdf_params(&self) -> KdfParams {
        self.params
    }

    pub fn aead(&self) -> AeadAlgorithm {
        self.aead
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: KdfParams = KdfParams::INSECURE_TEST;

    #[test]
    fn round_trip_both_aeads_and_every_failure() {
        let keys = DeviceKeys::derive(&[1u8; 32]);
        for aead in [AeadAlgorithm::Aes256Gcm, AeadAlgorithm::Sm4Gcm] {
            let blob = seal(b"scalar bytes", b"135790", b"key-1", &keys, P, aead).expect("seal");
            let env = check(&blob, b"key-1", &keys).expect("check");
            assert_eq!(env.aead(), aead);
            assert_eq!(env.kdf_params(), P);
            assert_eq!(
                env.open(b"135790", b"key-1", &keys)
                    .expect("open")
                    .as_slice(),
                b"scalar bytes"
            );
            assert_eq!(
                env.open(b"135791", b"key-1", &keys).err(),
                Some(EnvelopeError::WrongPin)
            );
            // Any flipped byte is tampering, caught before the PIN is tried.
            for i in 0..blob.len() {
                let mut bad = blob.clone();
                bad[i] ^= 0x40;
                let err = check(&bad, b"key-1", &keys).err();
                assert!(
                    matches!(
                        err,
                        Some(EnvelopeError::Tampered | EnvelopeError::UnknownVersion(_))
                    ),
                    "byte {i}: {err:?}"
                );
            }
            // Moved to another key record, or under another device secret.
            assert_eq!(
                check(&blob, b"key-2", &keys).err(),
                Some(EnvelopeError::Tampered)
            );
            let other = DeviceKeys::derive(&[2u8; 32]);
            assert_eq!(
                check(&blob, b"key-1", &other).err(),
                Some(EnvelopeError::Tampered)
            );
            // Truncated, empty, future version.
            assert_eq!(
                check(&blob[..20], b"key-1", &keys).err(),
                Some(EnvelopeError::Tampered)
            );
            assert_eq!(
                check(b"", b"key-1", &keys).err(),
                Some(EnvelopeError::Tampered)
            );
            let mut future = blob.clone();
            future[4] = 9;
            assert_eq!(
                check(&future, b"key-1", &keys).err(),
                Some(EnvelopeError::UnknownVersion(9))
            );
        }
    }
}
