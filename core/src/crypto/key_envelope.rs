//! Digital envelopes that carry an escrowed encryption private key to the phone, sealed to the
//! holder's signing certificate (the dual-certificate scheme of Chinese CAs: the key-management
//! function makes the encryption key pair and hands it to the signing key's holder only).
//!
//! The content is the encryption key's PKCS#8 `PrivateKeyInfo`.
//!
//! - **SM2** (GM/T 0010-2012 §8 / GB/T 35275 `EnvelopedData`, content type
//!   1.2.156.10197.6.1.4.2.3): one `KeyTransRecipientInfo` naming the signing certificate by
//!   issuer and serial, the content-encryption key encrypted with SM2 (1.2.156.10197.1.301.3,
//!   GM/T 0009 ASN.1 ciphertext), the content under SM4-CBC (1.2.156.10197.1.104.2, the IV as
//!   parameter, PKCS#7 padding), inner content type GM/T 0010 `data` (1.2.156.10197.6.1.4.2.1).
//! - **P-256** (RFC 5083 `AuthEnvelopedData` with RFC 5753 ECDH): one `KeyAgreeRecipientInfo`
//!   with an ephemeral originator key, dhSinglePass-stdDH-sha256kdf-scheme (ANSI X9.63 KDF over
//!   the RFC 5753 `ECC-CMS-SharedInfo`), the content-encryption key wrapped with AES-256 key wrap
//!   (RFC 3394), the content under AES-256-GCM (RFC 5084, 12-byte nonce, 16-byte tag). OpenSSL's
//!   `openssl cms -decrypt` opens it with the signing key.

use cms::cert::IssuerAndSerialNumber;
use cms::content_info::{CmsVersion, ContentInfo};
use cms::enveloped_data::{
    EncryptedContentInfo, EnvelopedData, KeyAgreeRecipientIdentifier, KeyAgreeRecipientInfo,
    KeyTransRecipientInfo, OriginatorIdentifierOrKey, OriginatorPublicKey, RecipientEncryptedKey,
    RecipientIdentifier, RecipientInfo, RecipientInfos,
};
use const_oid::ObjectIdentifier as Oid;
use der::asn1::{BitString, OctetString};
use der::{Any, Decode, Encode, Sequence};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use zeroize::Zeroizing;

use super::{Algorithm, Error, PrivateKey, PublicKey, hash, x509};

/// GM/T 0010 content types.
pub const GM_DATA: Oid = Oid::new_unwrap("1.2.156.10197.6.1.4.2.1");
pub const GM_ENVELOPED_DATA: Oid = Oid::new_unwrap("1.2.156.10197.6.1.4.2.3");
/// SM2 public-key encryption (GM/T 0006).
pub const SM2_ENCRYPT: Oid = Oid::new_unwrap("1.2.156.10197.1.301.3");
/// SM4 in CBC mode (GM/T 0006).
pub const SM4_CBC: Oid = Oid::new_unwrap("1.2.156.10197.1.104.2");
/// RFC 5083 id-ct-authEnvelopedData.
pub const AUTH_ENVELOPED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.1.23");
/// RFC 5753 dhSinglePass-stdDH-sha256kdf-scheme.
pub const ECDH_SHA256_KDF: Oid = Oid::new_unwrap("1.3.132.1.11.1");
/// RFC 3565 id-aes256-wrap.
pub const AES256_WRAP: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.1.45");
/// RFC 5084 id-aes256-GCM.
pub const AES256_GCM: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.1.46");

/// Upper bound on an envelope read from outside (a PKCS#8 key is well under 1 KiB).
pub const MAX_ENVELOPE_LEN: usize = 8 * 1024;

/// RFC 5084 `GCMParameters`.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct GcmParameters {
    nonce: OctetString,
    icv_len: u8,
}

/// RFC 5753 `ECC-CMS-SharedInfo`.
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct EccCmsSharedInfo {
    key_info: AlgorithmIdentifierOwned,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    entity_u_info: Option<OctetString>,
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT")]
    supp_pub_info: OctetString,
}

fn alg(oid: Oid, parameters: Option<Any>) -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned { oid, parameters }
}

fn random<const N: usize>() -> Result<Zeroizing<[u8; N]>, Error> {
    let mut out = Zeroizing::new([0u8; N]);
    getrandom::fill(out.as_mut_slice()).map_err(|_| Error::Rng)?;
    Ok(out)
}

fn recipient_id(certificate: &Certificate) -> IssuerAndSerialNumber {
    let tbs = certificate.tbs_certificate();
    IssuerAndSerialNumber {
        issuer: tbs.issuer().clone(),
        serial_number: tbs.serial_number().clone(),
    }
}

/// Seals `pkcs8` (an encryption private key) to the key of `recipient` (the holder's signing
/// certificate). The algorithm follows the certificate's key.
pub fn seal(recipient: &Certificate, pkcs8: &[u8]) -> Result<Vec<u8>, Error> {
    let key = x509::certificate_public_key(recipient)?;
    let rid = recipient_id(recipient);
    let info = match key.algorithm() {
        Algorithm::Sm2 => seal_sm2(&key, rid, pkcs8)?,
        Algorithm::P256 => seal_p256(&key, rid, pkcs8)?,
    };
    Ok(info.to_der()?)
}

fn seal_sm2(
    key: &PublicKey,
    rid: IssuerAndSerialNumber,
    pkcs8: &[u8],
) -> Result<ContentInfo, Error> {
    let cek = random::<16>()?;
    let iv = random::<16>()?;
    let ciphertext = sm4_cbc_encrypt(&cek, &iv, pkcs8)?;
    let ktri = KeyTransRecipientInfo {
        version: CmsVersion::V0,
        rid: RecipientIdentifier::IssuerAndSerialNumber(rid),
        key_enc_alg: alg(SM2_ENCRYPT, None),
        enc_key: OctetString::new(key.encrypt(cek.as_slice())?)?,
    };
    let enveloped = EnvelopedData {
        version: CmsVersion::V0,
        originator_info: None,
        recip_infos: RecipientInfos::try_from(vec![RecipientInfo::Ktri(ktri)])?,
        encrypted_content: EncryptedContentInfo {
            content_type: GM_DATA,
            content_enc_alg: alg(
                SM4_CBC,
                Some(Any::encode_from(&OctetString::new(iv.to_vec())?)?),
            ),
            encrypted_content: Some(OctetString::new(ciphertext)?),
        },
        unprotected_attrs: None,
    };
    Ok(ContentInfo {
        content_type: GM_ENVELOPED_DATA,
        content: Any::encode_from(&enveloped)?,
    })
}

fn shared_info_der() -> Result<Vec<u8>, Error> {
    Ok(EccCmsSharedInfo {
        key_info: alg(AES256_WRAP, None),
        entity_u_info: None,
        supp_pub_info: OctetString::new(256u32.to_be_bytes().to_vec())?,
    }
    .to_der()?)
}

/// ANSI X9.63 KDF with SHA-256, one block (a 256-bit key-encryption key).
fn x963_kdf(shared: &[u8], info: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut input = Zeroizing::new(Vec::with_capacity(shared.len() + 4 + info.len()));
    input.extend_from_slice(shared);
    input.extend_from_slice(&1u32.to_be_bytes());
    input.extend_from_slice(info);
    Zeroizing::new(hash::sha256(&input))
}

fn seal_p256(
    key: &PublicKey,
    rid: IssuerAndSerialNumber,
    pkcs8: &[u8],
) -> Result<ContentInfo, Error> {
    let ephemeral = PrivateKey::generate(Algorithm::P256)?;
    let shared = ephemeral.diffie_hellman(key)?;
    let kek = x963_kdf(shared.as_slice(), &shared_info_der()?);
    let cek = random::<32>()?;
    let wrapped = aes_key_wrap(&kek, cek.as_slice())?;
    let nonce = random::<12>()?;
    let sealed = super::aead::AeadAlgorithm::Aes256Gcm.seal(cek.as_slice(), &*nonce, pkcs8, b"")?;
    let (ciphertext, tag) = sealed.split_at(sealed.len() - 16);
    let kari = KeyAgreeRecipientInfo {
        version: CmsVersion::V3,
        originator: OriginatorIdentifierOrKey::OriginatorKey(OriginatorPublicKey {
            algorithm: alg(super::oid::EC_PUBLIC_KEY, None),
            public_key: BitString::from_bytes(&ephemeral.public_key().to_sec1())?,
        }),
        ukm: None,
        key_enc_alg: alg(
            ECDH_SHA256_KDF,
            Some(Any::encode_from(&alg(AES256_WRAP, None))?),
        ),
        recipient_enc_keys: vec![RecipientEncryptedKey {
            rid: KeyAgreeRecipientIdentifier::IssuerAndSerialNumber(rid),
            enc_key: OctetString::new(wrapped)?,
        }],
    };
    let enveloped = cms::authenveloped_data::AuthEnvelopedData {
        version: CmsVersion::V0,
        originator_info: None,
        recip_infos: RecipientInfos::try_from(vec![RecipientInfo::Kari(kari)])?,
        auth_encrypted_content_info: EncryptedContentInfo {
            content_type: super::oid::CMS_DATA,
            content_enc_alg: alg(
                AES256_GCM,
                Some(Any::encode_from(&GcmParameters {
                    nonce: OctetString::new(nonce.to_vec())?,
                    icv_len: 16,
                })?),
            ),
            encrypted_content: Some(OctetString::new(ciphertext)?),
        },
        auth_attrs: None,
        mac: OctetString::new(tag)?,
        unauth_attrs: None,
    };
    Ok(ContentInfo {
        content_type: AUTH_ENVELOPED_DATA,
        content: Any::encode_from(&enveloped)?,
    })
}

/// Opens an envelope made by [`seal`] with the signing key `key` whose certificate is
/// `certificate`, and returns the encryption key inside. The envelope must name that
/// certificate; the key inside must be of the same algorithm.
pub fn open(
    der_bytes: &[u8],
    key: &PrivateKey,
    certificate: &Certificate,
) -> Result<PrivateKey, Error> {
    if der_bytes.len() > MAX_ENVELOPE_LEN {
        return Err(Error::Cms("the key envelope is too large"));
    }
    let info = ContentInfo::from_der(der_bytes)?;
    let rid = recipient_id(certificate);
    let pkcs8 = match (info.content_type, key.algorithm()) {
        (GM_ENVELOPED_DATA, Algorithm::Sm2) => open_sm2(&info, key, &rid)?,
        (AUTH_ENVELOPED_DATA, Algorithm::P256) => open_p256(&info, key, &rid)?,
        (GM_ENVELOPED_DATA | AUTH_ENVELOPED_DATA, _) => return Err(Error::AlgorithmMismatch),
        _ => return Err(Error::Cms("not a key envelope")),
    };
    let inner = PrivateKey::from_pkcs8_der(&pkcs8)?;
    if inner.algorithm() != key.algorithm() {
        return Err(Error::AlgorithmMismatch);
    }
    Ok(inner)
}

fn open_sm2(
    info: &ContentInfo,
    key: &PrivateKey,
    rid: &IssuerAndSerialNumber,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let enveloped: EnvelopedData = info.content.decode_as()?;
    let ktri = enveloped
        .recip_infos
        .0
        .iter()
        .find_map(|r| match r {
            RecipientInfo::Ktri(k)
                if k.rid == RecipientIdentifier::IssuerAndSerialNumber(rid.clone()) =>
            {
                Some(k)
            }
            _ => None,
        })
        .ok_or(Error::Cms(
            "the key envelope is not sealed to this certificate",
        ))?;
    if ktri.key_enc_alg.oid != SM2_ENCRYPT {
        return Err(Error::Cms("unexpected key encryption algorithm"));
    }
    let content = &enveloped.encrypted_content;
    if content.content_enc_alg.oid != SM4_CBC {
        return Err(Error::Cms("unexpected content encryption algorithm"));
    }
    let iv: OctetString = content
        .content_enc_alg
        .parameters
        .as_ref()
        .ok_or(Error::Cms("SM4-CBC needs an IV"))?
        .decode_as()?;
    let cek = key.decrypt(ktri.enc_key.as_bytes())?;
    let ciphertext = content
        .encrypted_content
        .as_ref()
        .ok_or(Error::Cms("the key envelope has no content"))?;
    sm4_cbc_decrypt(&cek, iv.as_bytes(), ciphertext.as_bytes())
}

fn open_p256(
    info: &ContentInfo,
    key: &PrivateKey,
    rid: &IssuerAndSerialNumber,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let enveloped: cms::authenveloped_data::AuthEnvelopedData = info.content.decode_as()?;
    let wanted = KeyAgreeRecipientIdentifier::IssuerAndSerialNumber(rid.clone());
    let (kari, wrapped) = enveloped
        .recip_infos
        .0
        .iter()
        .find_map(|r| match r {
            RecipientInfo::Kari(k) => k
                .recipient_enc_keys
                .iter()
                .find(|e| e.rid == wanted)
                .map(|e| (k, e.enc_key.as_bytes())),
            _ => None,
        })
        .ok_or(Error::Cms(
            "the key envelope is not sealed to this certificate",
        ))?;
    let wrap: AlgorithmIdentifierOwned = kari
        .key_enc_alg
        .parameters
        .as_ref()
        .ok_or(Error::Cms("the key agreement names no key wrap"))?
        .decode_as()?;
    if kari.key_enc_alg.oid != ECDH_SHA256_KDF || wrap.oid != AES256_WRAP || kari.ukm.is_some() {
        return Err(Error::Cms("unexpected key agreement algorithm"));
    }
    let OriginatorIdentifierOrKey::OriginatorKey(originator) = &kari.originator else {
        return Err(Error::Cms("the key agreement has no originator key"));
    };
    let point = originator
        .public_key
        .as_bytes()
        .ok_or(Error::InvalidPublicKey)?;
    let ephemeral = PublicKey::from_sec1(Algorithm::P256, point)?;
    let shared = key.diffie_hellman(&ephemeral)?;
    let kek = x963_kdf(shared.as_slice(), &shared_info_der()?);
    let cek = aes_key_unwrap(&kek, wrapped)?;
    let content = &enveloped.auth_encrypted_content_info;
    if content.content_enc_alg.oid != AES256_GCM {
        return Err(Error::Cms("unexpected content encryption algorithm"));
    }
    let params: GcmParameters = content
        .content_enc_alg
        .parameters
        .as_ref()
        .ok_or(Error::Cms("AES-GCM needs its parameters"))?
        .decode_as()?;
    if params.icv_len != 16 || enveloped.auth_attrs.is_some() {
        return Err(Error::Cms("unsupported AES-GCM parameters"));
    }
    let mut sealed = content
        .encrypted_content
        .as_ref()
        .ok_or(Error::Cms("the key envelope has no content"))?
        .as_bytes()
        .to_vec();
    sealed.extend_from_slice(enveloped.mac.as_bytes());
    super::aead::AeadAlgorithm::Aes256Gcm
        .open(&cek, params.nonce.as_bytes(), &sealed, b"")
        .map_err(|_| Error::Decrypt)
}

/// RFC 3394 key wrap with AES-256 (the default IV A6A6A6A6A6A6A6A6).
fn aes_key_wrap(kek: &[u8; 32], key: &[u8]) -> Result<Vec<u8>, Error> {
    use aes::cipher::{BlockCipherEncrypt, KeyInit};
    if !key.len().is_multiple_of(8) || key.len() < 16 {
        return Err(Error::InvalidInput("key wrap needs whole 64-bit blocks"));
    }
    let cipher = aes::Aes256::new_from_slice(kek).map_err(|_| Error::InvalidKey)?;
    let n = key.len() / 8;
    let mut a = [0xA6u8; 8];
    let mut r = Zeroizing::new(key.to_vec());
    for j in 0..6 {
        for i in 0..n {
            let mut block = aes::Block::default();
            block[..8].copy_from_slice(&a);
            block[8..].copy_from_slice(&r[i * 8..i * 8 + 8]);
            cipher.encrypt_block(&mut block);
            let t = (n * j + i + 1) as u64;
            a.copy_from_slice(&block[..8]);
            for (x, y) in a.iter_mut().zip(t.to_be_bytes()) {
                *x ^= y;
            }
            r[i * 8..i * 8 + 8].copy_from_slice(&block[8..]);
        }
    }
    let mut out = a.to_vec();
    out.extend_from_slice(&r);
    Ok(out)
}

/// RFC 3394 key unwrap with AES-256; the integrity check value is compared in constant time.
fn aes_key_unwrap(kek: &[u8; 32], wrapped: &[u8]) -> Result<Zeroizing<Vec<u8>>, Error> {
    use aes::cipher::{BlockCipherDecrypt, KeyInit};
    if !wrapped.len().is_multiple_of(8) || wrapped.len() < 24 || wrapped.len() > 1024 {
        return Err(Error::MalformedCiphertext);
    }
    let cipher = aes::Aes256::new_from_slice(kek).map_err(|_| Error::InvalidKey)?;
    let n = wrapped.len() / 8 - 1;
    let mut a = [0u8; 8];
    a.copy_from_slice(&wrapped[..8]);
    let mut r = Zeroizing::new(wrapped[8..].to_vec());
    for j in (0..6).rev() {
        for i in (0..n).rev() {
            let t = (n * j + i + 1) as u64;
            let mut block = aes::Block::default();
            for (k, y) in t.to_be_bytes().iter().enumerate() {
                block[k] = a[k] ^ y;
            }
            block[8..].copy_from_slice(&r[i * 8..i * 8 + 8]);
            cipher.decrypt_block(&mut block);
            a.copy_from_slice(&block[..8]);
            r[i * 8..i * 8 + 8].copy_from_slice(&block[8..]);
        }
    }
    if !hash::ct_eq(&a, &[0xA6u8; 8]) {
        return Err(Error::Decrypt);
    }
    Ok(r)
}

fn sm4_cbc_encrypt(key: &[u8; 16], iv: &[u8; 16], plaintext: &[u8]) -> Result<Vec<u8>, Error> {
    use sm4::cipher::{BlockCipherEncrypt, KeyInit};
    let cipher = sm4::Sm4::new_from_slice(key).map_err(|_| Error::InvalidKey)?;
    let pad = 16 - plaintext.len() % 16;
    let mut data = Zeroizing::new(plaintext.to_vec());
    data.extend(std::iter::repeat_n(pad as u8, pad));
    let mut prev = *iv;
    for chunk in data.chunks_mut(16) {
        let mut block = sm4::cipher::Block::<sm4::Sm4>::default();
        for (k, b) in chunk.iter().enumerate() {
            block[k] = b ^ prev[k];
        }
        cipher.encrypt_block(&mut block);
        prev.copy_from_slice(&block);
        chunk.copy_from_slice(&block);
    }
    Ok(data.to_vec())
}

fn sm4_cbc_decrypt(key: &[u8], iv: &[u8], ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>, Error> {
    use sm4::cipher::{BlockCipherDecrypt, KeyInit};
    if key.len() != 16 || iv.len() != 16 {
        return Err(Error::Cms("SM4-CBC takes a 16-byte key and IV"));
    }
    if ciphertext.is_empty() || !ciphertext.len().is_multiple_of(16) {
        return Err(Error::MalformedCiphertext);
    }
    let cipher = sm4::Sm4::new_from_slice(key).map_err(|_| Error::InvalidKey)?;
    let mut out = Zeroizing::new(Vec::with_capacity(ciphertext.len()));
    let mut prev = [0u8; 16];
    prev.copy_from_slice(iv);
    for chunk in ciphertext.chunks(16) {
        let mut block = sm4::cipher::Block::<sm4::Sm4>::default();
        block.copy_from_slice(chunk);
        cipher.decrypt_block(&mut block);
        for (k, b) in block.iter().enumerate() {
            out.push(b ^ prev[k]);
        }
        prev.copy_from_slice(chunk);
    }
    // The padding is checked whole; a wrong key shows here or in the PKCS#8 parse after.
    let pad = usize::from(*out.last().ok_or(Error::Decrypt)?);
    if pad == 0
        || pad > 16
        || out[out.len() - pad..]
            .iter()
            .any(|&b| usize::from(b) != pad)
    {
        return Err(Error::Decrypt);
    }
    let keep = out.len() - pad;
    out.truncate(keep);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aes_key_wrap_matches_rfc3394_4_6() {
        let kek: [u8; 32] =
            hex::decode("000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F")
                .expect("test")
                .try_into()
                .expect("test");
        let key = hex::decode("00112233445566778899AABBCCDDEEFF000102030405060708090A0B0C0D0E0F")
            .expect("test");
        let wrapped = aes_key_wrap(&kek, &key).expect("test");
        assert_eq!(
            hex::encode_upper(&wrapped),
            "28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21"
        );
        assert_eq!(
            aes_key_unwrap(&kek, &wrapped).expect("test").as_slice(),
            &key[..]
        );
        let mut bad = wrapped.clone();
        bad[10] ^= 1;
        assert!(matches!(aes_key_unwrap(&kek, &bad), Err(Error::Decrypt)));
    }

    #[test]
    fn envelopes_open_only_with_their_key_and_bad_bytes_never_panic() {
        use crate::crypto::x509::testing::self_signed;
        for alg in [Algorithm::Sm2, Algorithm::P256] {
            let holder = PrivateKey::generate(alg).expect("holder");
            let cert = self_signed(&holder, "holder");
            let inner = PrivateKey::generate(alg).expect("inner");
            let envelope = seal(&cert, &inner.to_pkcs8_der().expect("pkcs8")).expect("seal");
            let opened = open(&envelope, &holder, &cert).expect("open");
            assert_eq!(opened.public_key(), inner.public_key());
            // Another key with the same certificate, or another certificate: refused.
            let stranger = PrivateKey::generate(alg).expect("stranger");
            assert!(open(&envelope, &stranger, &cert).is_err());
            assert!(open(&envelope, &holder, &self_signed(&stranger, "other")).is_err());
            // Every single-byte change and every truncation: an error, never a panic.
            for i in 0..envelope.len() {
                let mut bad = envelope.clone();
                bad[i] ^= 0x5a;
                let _ = open(&bad, &holder, &cert);
                let _ = open(&envelope[..i], &holder, &cert);
            }
        }
    }

    #[test]
    fn sm4_cbc_round_trips_and_rejects_bad_padding() {
        let key = [7u8; 16];
        let iv = [9u8; 16];
        for len in [0usize, 1, 15, 16, 17, 121] {
            let data: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let ct = sm4_cbc_encrypt(&key, &iv, &data).expect("test");
            assert_eq!(ct.len(), (len / 16 + 1) * 16);
            assert_eq!(
                sm4_cbc_decrypt(&key, &iv, &ct).expect("test").as_slice(),
                &data[..]
            );
        }
        let ct = sm4_cbc_encrypt(&key, &iv, b"abc").expect("test");
        assert!(sm4_cbc_decrypt(&[8u8; 16], &iv, &ct).is_err());
        assert!(sm4_cbc_decrypt(&key, &iv, &ct[..15]).is_err());
    }
}
