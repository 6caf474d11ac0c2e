//! SM2 public-key encryption (GM/T 0003.4) with the ciphertext encodings met in practice.
//!
//! mcert writes the GM/T 0009 ASN.1 form `SEQUENCE { x INTEGER, y INTEGER, hash OCTET STRING,
//! cipherText OCTET STRING }` (C1C3C2 order). It reads that form, the raw C1C3C2 concatenation
//! (C1 as an uncompressed point with its 0x04 prefix), and, when asked, the legacy C1C2C3 order.

use sm2::pke::{DecryptingKey, EncryptingKey, Mode};
use zeroize::Zeroizing;

use super::Error;

/// Encodings of an SM2 ciphertext.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CiphertextFormat {
    /// GM/T 0009 ASN.1 DER, C1C3C2 order.
    Asn1,
    /// 0x04 ‖ x1 ‖ y1 ‖ C3 ‖ C2 (GM/T 0003.4-2012 order).
    C1C3C2,
    /// 0x04 ‖ x1 ‖ y1 ‖ C2 ‖ C3 (the older order some libraries still emit).
    C1C2C3,
}

/// Encrypts `plaintext` to `pk`, returning the ASN.1 form.
pub(crate) fn encrypt(pk: &sm2::PublicKey, plaintext: &[u8]) -> Result<Vec<u8>, Error> {
    encrypt_with_rng(
        pk,
        plaintext,
        &mut getrandom::SysRng,
        CiphertextFormat::Asn1,
    )
}

/// Encrypts with a caller-supplied RNG and output format (the RNG draws the ephemeral k).
pub fn encrypt_with_rng<R: rand_core::TryCryptoRng>(
    pk: &sm2::PublicKey,
    plaintext: &[u8],
    rng: &mut R,
    format: CiphertextFormat,
) -> Result<Vec<u8>, Error> {
    if plaintext.is_empty() {
        return Err(Error::InvalidInput("SM2 cannot encrypt an empty message"));
    }
    let result = match format {
        CiphertextFormat::Asn1 => {
            EncryptingKey::new_with_mode(*pk, Mode::C1C3C2).encrypt_der(rng, plaintext)
        }
        CiphertextFormat::C1C3C2 => {
            EncryptingKey::new_with_mode(*pk, Mode::C1C3C2).encrypt(rng, plaintext)
        }
        CiphertextFormat::C1C2C3 => {
            EncryptingKey::new_with_mode(*pk, Mode::C1C2C3).encrypt(rng, plaintext)
        }
    };
    result.map_err(|_| Error::Rng)
}

pub(crate) fn decrypt(
    secret: &sm2::SecretKey,
    ciphertext: &[u8],
    format: CiphertextFormat,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    // C1 (65) + C3 (32) + at least one byte of C2.
    let min_raw = 65 + 32 + 1;
    let scalar = secret.to_nonzero_scalar();
    let result = match format {
        CiphertextFormat::Asn1 => {
            if ciphertext.first() != Some(&0x30) {
                return Err(Error::MalformedCiphertext);
            }
            DecryptingKey::new_with_mode(scalar, Mode::C1C3C2).decrypt_der(ciphertext)
        }
        CiphertextFormat::C1C3C2 | CiphertextFormat::C1C2C3 => {
            if ciphertext.first() != Some(&0x04) || ciphertext.len() < min_raw {
                return Err(Error::MalformedCiphertext);
            }
            let mode = if format == CiphertextFormat::C1C3C2 {
                Mode::C1C3C2
            } else {
                Mode::C1C2C3
            };
            DecryptingKey::new_with_mode(scalar, mode).decrypt(ciphertext)
        }
    };
    // A ciphertext that does not parse or whose C3 does not match is reported as a failed
    // decryption; which of the two happened is not revealed.
    result.map(Zeroizing::new).map_err(|_| Error::Decrypt)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{Algorithm, PrivateKey, PublicKey};

    /// An RNG that hands out fixed bytes: reproduces the standard's k.
    struct FixedRng(Vec<u8>);
    impl rand_core::TryRng for FixedRng {
        type Error = core::convert::Infallible;
        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            unreachable!("only fill_bytes is used")
        }
        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            unreachable!("only fill_bytes is used")
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
            let n = dst.len().min(self.0.len());
            dst[..n].copy_from_slice(&self.0[..n]);
            self.0.drain(..n);
            Ok(())
        }
    }
    impl rand_core::TryCryptoRng for FixedRng {}

    const D: &str = "3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8";
    const K: &str = "59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21";

    /// GM/T 0003.5 encryption example: M = "encryption standard".
    #[test]
    fn sm2_gmt_0003_5_encryption_vector() {
        let key =
            PrivateKey::from_bytes(Algorithm::Sm2, &hex::decode(D).expect("hex")).expect("key");
        let PublicKey::Sm2(pk) = key.public_key() else {
            panic!("sm2")
        };
        let mut rng = FixedRng(hex::decode(K).expect("hex"));
        let ct = encrypt_with_rng(
            pk,
            b"encryption standard",
            &mut rng,
            CiphertextFormat::C1C3C2,
        )
        .expect("encrypt");
        let c3 = &ct[65..97];
        let c2 = &ct[97..];
        assert_eq!(
            hex::encode_upper(c3),
            "59983C18F809E262923C53AEC295D30383B54E39D609D160AFCB1908D0BD8766"
        );
        assert_eq!(
            hex::encode_upper(c2),
            "21886CA989CA9C7D58087307CA93092D651EFA"
        );
        let pt = key
            .decrypt_sm2(&ct, CiphertextFormat::C1C3C2)
            .expect("decrypt");
        assert_eq!(pt.as_slice(), b"encryption standard");
    }

    #[test]
    fn all_formats_round_trip_and_reject_tampering() {
        let key = PrivateKey::generate(Algorithm::Sm2).expect("key");
        let PublicKey::Sm2(pk) = key.public_key() else {
            panic!("sm2")
        };
        let msg = b"bid key 0123456789abcdef";
        for format in [
            CiphertextFormat::Asn1,
            CiphertextFormat::C1C3C2,
            CiphertextFormat::C1C2C3,
        ] {
            let ct = encrypt_with_rng(pk, msg, &mut getrandom::SysRng, format).expect("encrypt");
            assert_eq!(
                key.decrypt_sm2(&ct, format).expect("decrypt").as_slice(),
                msg
            );
            let mut bad = ct.clone();
            let last = bad.len() - 1;
            bad[last] ^= 1;
            assert!(matches!(key.decrypt_sm2(&bad, format), Err(Error::Decrypt)));
        }
        // The default decrypt tells ASN.1 and raw C1C3C2 apart.
        let der = key.public_key().encrypt(msg).expect("encrypt");
        assert_eq!(key.decrypt(&der).expect("decrypt").as_slice(), msg);
        // Another key cannot open it.
        let other = PrivateKey::generate(Algorithm::Sm2).expect("key");
        assert!(matches!(other.decrypt(&der), Err(Error::Decrypt)));
        assert!(matches!(
            key.decrypt_sm2(&der[..10], CiphertextFormat::Asn1),
            Err(Error::Decrypt)
        ));
        assert!(matches!(
            key.public_key().encrypt(b""),
            Err(Error::InvalidInput(_))
        ));
    }
}
