//! Key pairs for the two algorithm families mcert supports: SM2 (GM/T 0003, with SM3) and
//! ECDSA/ECIES over NIST P-256 (with SHA-256).
//!
//! Private keys zeroize on drop and never print their secret in `Debug`.

use std::fmt;

use der::asn1::BitString;
use der::{Any, Decode, Encode};
use sm2::elliptic_curve::{
    Generate, Group, PrimeField, ops::Reduce, point::AffineCoordinates, sec1::ToSec1Point,
};
use spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::{Error, hash, oid};

/// The default SM2 distinguishing identifier (GM/T 0009 §10): "1234567812345678".
pub const SM2_DEFAULT_ID: &str = "1234567812345678";

/// The public-key algorithm family of a key, a certificate or a signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// SM2 signatures with SM3 (GM/T 0003.2, 0009) and SM2 encryption (GM/T 0003.4).
    Sm2,
    /// ECDSA with SHA-256 over NIST P-256, and ECIES (see [`super::ecies`]).
    P256,
}

impl Algorithm {
    /// Stable lowercase name used in storage and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Sm2 => "sm2",
            Algorithm::P256 => "p256",
        }
    }

    /// Parses the stable name written by [`Algorithm::as_str`].
    pub fn parse(name: &str) -> Result<Self, Error> {
        match name {
            "sm2" | "SM2" => Ok(Algorithm::Sm2),
            "p256" | "P256" | "P-256" => Ok(Algorithm::P256),
            other => Err(Error::UnsupportedAlgorithm(other.to_string())),
        }
    }

    /// Digest of the family: SM3 for SM2, SHA-256 for P-256.
    pub fn digest(self, data: &[u8]) -> [u8; 32] {
        match self {
            Algorithm::Sm2 => hash::sm3(data),
            Algorithm::P256 => hash::sha256(data),
        }
    }

    /// OID of the family's digest algorithm.
    pub fn digest_oid(self) -> const_oid::ObjectIdentifier {
        match self {
            Algorithm::Sm2 => oid::SM3,
            Algorithm::P256 => oid::SHA256,
        }
    }

    /// OID of the named curve.
    pub fn curve_oid(self) -> const_oid::ObjectIdentifier {
        match self {
            Algorithm::Sm2 => oid::SM2_CURVE,
            Algorithm::P256 => oid::P256_CURVE,
        }
    }

    /// AlgorithmIdentifier of signatures made by this family (parameters absent, RFC 5758).
    pub fn signature_algorithm(self) -> AlgorithmIdentifierOwned {
        let oid = match self {
            Algorithm::Sm2 => oid::SM2_WITH_SM3,
            Algorithm::P256 => oid::ECDSA_WITH_SHA256,
        };
        AlgorithmIdentifierOwned {
            oid,
            parameters: None,
        }
    }

    /// AlgorithmIdentifier of the family's digest (parameters absent).
    pub fn digest_algorithm(self) -> AlgorithmIdentifierOwned {
        AlgorithmIdentifierOwned {
            oid: self.digest_oid(),
            parameters: None,
        }
    }

    /// The family whose signatures carry this AlgorithmIdentifier.
    pub fn from_signature_algorithm(alg: &AlgorithmIdentifierOwned) -> Result<Self, Error> {
        match alg.oid {
            oid::SM2_WITH_SM3 => Ok(Algorithm::Sm2),
            oid::ECDSA_WITH_SHA256 => Ok(Algorithm::P256),
            other => Err(Error::UnsupportedAlgorithm(other.to_string())),
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Algorithm::Sm2 => "SM2",
            Algorithm::P256 => "ECDSA P-256",
        })
    }
}

/// Anything that signs: a private key in memory, a future HSM, the device's co-signing session.
/// Keeps the algorithm choice out of protocol code.
pub trait Signer: Send + Sync {
    /// The family of the signatures this signer makes.
    fn algorithm(&self) -> Algorithm;
    /// The public key that verifies this signer's signatures.
    fn public_key(&self) -> &PublicKey;
    /// Signs `msg` (the whole message: SM2 hashes Z‖M with SM3, P-256 hashes M with SHA-256)
    /// and returns a DER `SEQUENCE { r, s }`.
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, Error>;
}

/// A public key of either family.
#[derive(Clone, PartialEq, Eq)]
pub enum PublicKey {
    Sm2(sm2::PublicKey),
    P256(p256::PublicKey),
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PublicKey({}, {})",
            self.algorithm().as_str(),
            hex::encode(self.to_sec1())
        )
    }
}

impl PublicKey {
    pub fn algorithm(&self) -> Algorithm {
        match self {
            PublicKey::Sm2(_) => Algorithm::Sm2,
            PublicKey::P256(_) => Algorithm::P256,
        }
    }

    /// Uncompressed SEC1 point (0x04 ‖ X ‖ Y), 65 bytes.
    pub fn to_sec1(&self) -> Vec<u8> {
        match self {
            PublicKey::Sm2(k) => k.to_sec1_point(false).as_bytes().to_vec(),
            PublicKey::P256(k) => k.to_sec1_point(false).as_bytes().to_vec(),
        }
    }

    /// Parses a SEC1 point (compressed or not) of the given family; rejects the identity and
    /// points off the curve.
    pub fn from_sec1(alg: Algorithm, bytes: &[u8]) -> Result<Self, Error> {
        match alg {
            Algorithm::Sm2 => sm2::PublicKey::from_sec1_bytes(bytes)
                .map(PublicKey::Sm2)
                .map_err(|_| Error::InvalidPublicKey),
            Algorithm::P256 => p256::PublicKey::from_sec1_bytes(bytes)
                .map(PublicKey::P256)
                .map_err(|_| Error::InvalidPublicKey),
        }
    }

    /// SubjectPublicKeyInfo: id-ecPublicKey with the named curve as parameter (as OpenSSL writes
    /// SM2 keys too).
    pub fn to_spki(&self) -> Result<SubjectPublicKeyInfoOwned, Error> {
        Ok(SubjectPublicKeyInfoOwned {
            algorithm: AlgorithmIdentifierOwned {
                oid: oid::EC_PUBLIC_KEY,
                parameters: Some(Any::from(self.algorithm().curve_oid())),
            },
            subject_public_key: BitString::from_bytes(&self.to_sec1())?,
        })
    }

    /// DER of the SubjectPublicKeyInfo.
    pub fn to_spki_der(&self) -> Result<Vec<u8>, Error> {
        Ok(self.to_spki()?.to_der()?)
    }

    /// Reads a SubjectPublicKeyInfo of a supported curve.
    pub fn from_spki(spki: &SubjectPublicKeyInfoOwned) -> Result<Self, Error> {
        if spki.algorithm.oid != oid::EC_PUBLIC_KEY {
            return Err(Error::UnsupportedAlgorithm(spki.algorithm.oid.to_string()));
        }
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .ok_or(Error::InvalidPublicKey)?
            .decode_as::<const_oid::ObjectIdentifier>()
            .map_err(|_| Error::InvalidPublicKey)?;
        let alg = match curve {
            oid::SM2_CURVE => Algorithm::Sm2,
            oid::P256_CURVE => Algorithm::P256,
            other => return Err(Error::UnsupportedAlgorithm(other.to_string())),
        };
        let bits = spki
            .subject_public_key
            .as_bytes()
            .ok_or(Error::InvalidPublicKey)?;
        Self::from_sec1(alg, bits)
    }

    /// Reads a DER SubjectPublicKeyInfo.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, Error> {
        Self::from_spki(&SubjectPublicKeyInfoOwned::from_der(der)?)
    }

    /// Verifies a DER signature over the whole message `msg` (SM2 with the default ID).
    ///
    /// Verification handles only public data, so it runs in variable time (precomputed generator
    /// tables, joint wNAF); with the `aws-lc` feature P-256 goes through AWS-LC's assembly.
    pub fn verify(&self, msg: &[u8], signature_der: &[u8]) -> Result<(), Error> {
        let ok = match self {
            PublicKey::Sm2(pk) => {
                let sig = sm2::dsa::Signature::from_der(signature_der)
                    .map_err(|_| Error::MalformedSignature)?;
                let z = sm2_z(SM2_DEFAULT_ID, pk)?;
                sm2_verify_vartime(pk, &sm2_prehash(&z, msg), &sig)
            }
            PublicKey::P256(pk) => {
                // Parsed here too, so a malformed signature is reported as such.
                p256::ecdsa::Signature::from_der(signature_der)
                    .map_err(|_| Error::MalformedSignature)?;
                p256_verify(pk, msg, signature_der)
            }
        };
        if ok { Ok(()) } else { Err(Error::BadSignature) }
    }

    /// Verifies a signature made with a given AlgorithmIdentifier (certificates, CSRs, CMS).
    pub fn verify_with(
        &self,
        alg: &AlgorithmIdentifierOwned,
        msg: &[u8],
        signature_der: &[u8],
    ) -> Result<(), Error> {
        let family = Algorithm::from_signature_algorithm(alg)?;
        if family != self.algorithm() {
            return Err(Error::AlgorithmMismatch);
        }
        self.verify(msg, signature_der)
    }

    /// Encrypts to this key: SM2 gives the GM/T 0009 ASN.1 ciphertext (C1C3C2), P-256 the
    /// mcert ECIES format of [`super::ecies`].
    pub fn encrypt(&self, plaintext: &[u8]) -> Result<Vec<u8>, Error> {
        match self {
            PublicKey::Sm2(pk) => super::sm2enc::encrypt(pk, plaintext),
            PublicKey::P256(pk) => super::ecies::encrypt(pk, plaintext),
        }
    }

    /// SM2 Z value (GM/T 0003.2 §5.5) for the given ID; `None` for P-256 keys.
    pub fn sm2_z(&self, id: &str) -> Option<[u8; 32]> {
        match self {
            PublicKey::Sm2(pk) => sm2_z(id, pk).ok(),
            PublicKey::P256(_) => None,
        }
    }
}

/// The SM2 curve parameters a, b, xG, yG as they enter Z (GM/T 0003.5 recommended curve).
const SM2_A: [u8; 32] = hex_lit("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC");
const SM2_B: [u8; 32] = hex_lit("28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93");
const SM2_GX: [u8; 32] =
    hex_lit("32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7");
const SM2_GY: [u8; 32] =
    hex_lit("BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0");

const fn hex_lit(s: &str) -> [u8; 32] {
    const fn nibble(c: u8) -> u8 {
        match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => panic!("not hex"),
        }
    }
    let b = s.as_bytes();
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = (nibble(b[2 * i]) << 4) | nibble(b[2 * i + 1]);
        i += 1;
    }
    out
}

/// Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA).
pub(crate) fn sm2_z(id: &str, pk: &sm2::PublicKey) -> Result<[u8; 32], Error> {
    let entl: u16 = id
        .len()
        .checked_mul(8)
        .and_then(|bits| u16::try_from(bits).ok())
        .ok_or(Error::InvalidInput("SM2 ID too long"))?;
    let point = pk.to_sec1_point(false);
    let xy = point.as_bytes().get(1..65).ok_or(Error::InvalidPublicKey)?;
    let mut data = Vec::with_capacity(2 + id.len() + 192);
    data.extend_from_slice(&entl.to_be_bytes());
    data.extend_from_slice(id.as_bytes());
    for part in [&SM2_A, &SM2_B, &SM2_GX, &SM2_GY] {
        data.extend_from_slice(part);
    }
    data.extend_from_slice(xy);
    Ok(hash::sm3(&data))
}

/// Secret material of an SM2 key, with what signing needs precomputed.
struct Sm2Secret {
    secret: sm2::SecretKey,
    /// (1 + d)⁻¹ mod n, so a signature costs one scalar multiplication and no inversion.
    d1_inv: sm2::Scalar,
    /// Z for the default ID.
    z: [u8; 32],
}

impl Drop for Sm2Secret {
    fn drop(&mut self) {
        self.d1_inv.zeroize();
    }
}

enum SecretInner {
    Sm2(Box<Sm2Secret>),
    P256(p256::ecdsa::SigningKey),
}

/// A private key of either family. Zeroizes on drop; `Debug` shows only the public half.
pub struct PrivateKey {
    inner: SecretInner,
    public: PublicKey,
}

impl ZeroizeOnDrop for PrivateKey {}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PrivateKey")
            .field("public", &self.public)
            .field("secret", &"[redacted]")
            .finish()
    }
}

impl PrivateKey {
    /// Generates a fresh key from the operating system's RNG.
    pub fn generate(alg: Algorithm) -> Result<Self, Error> {
        match alg {
            Algorithm::Sm2 => {
                let secret = sm2::SecretKey::try_generate().map_err(|_| Error::Rng)?;
                Self::from_sm2(secret)
            }
            Algorithm::P256 => {
                let secret = p256::SecretKey::try_generate().map_err(|_| Error::Rng)?;
                Ok(Self::from_p256(&secret))
            }
        }
    }

    fn from_sm2(secret: sm2::SecretKey) -> Result<Self, Error> {
        let d = *secret.to_nonzero_scalar().as_ref();
        let d1_inv = Option::<sm2::Scalar>::from((d + sm2::Scalar::ONE).invert())
            .ok_or(Error::InvalidKey)?;
        let public = secret.public_key();
        let z = sm2_z(SM2_DEFAULT_ID, &public)?;
        Ok(PrivateKey {
            inner: SecretInner::Sm2(Box::new(Sm2Secret { secret, d1_inv, z })),
            public: PublicKey::Sm2(public),
        })
    }

    fn from_p256(secret: &p256::SecretKey) -> Self {
        let signing = p256::ecdsa::SigningKey::from(secret);
        let public = PublicKey::P256(p256::PublicKey::from(signing.verifying_key()));
        PrivateKey {
            inner: SecretInner::P256(signing),
            public,
        }
    }

    /// Reads a raw 32-byte big-endian scalar of the given family.
    pub fn from_bytes(alg: Algorithm, bytes: &[u8]) -> Result<Self, Error> {
        match alg {
            Algorithm::Sm2 => {
                Self::from_sm2(sm2::SecretKey::from_slice(bytes).map_err(|_| Error::InvalidKey)?)
            }
            Algorithm::P256 => Ok(Self::from_p256(
                &p256::SecretKey::from_slice(bytes).map_err(|_| Error::InvalidKey)?,
            )),
        }
    }

    /// The raw 32-byte scalar, in a buffer that zeroizes on drop.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        match &self.inner {
            SecretInner::Sm2(s) => Zeroizing::new(s.secret.to_bytes().to_vec()),
            SecretInner::P256(k) => Zeroizing::new(k.to_bytes().to_vec()),
        }
    }

    /// PKCS#8 DER (as `openssl pkey` reads it), zeroized on drop.
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, Error> {
        use pkcs8::EncodePrivateKey;
        let doc = match &self.inner {
            SecretInner::Sm2(s) => s.secret.to_pkcs8_der(),
            SecretInner::P256(k) => p256::SecretKey::from(k.as_nonzero_scalar()).to_pkcs8_der(),
        }
        .map_err(|_| Error::InvalidKey)?;
        Ok(Zeroizing::new(doc.as_bytes().to_vec()))
    }

    /// Reads PKCS#8 DER of either family (for example from `openssl genpkey`).
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, Error> {
        use pkcs8::DecodePrivateKey;
        if let Ok(k) = sm2::SecretKey::from_pkcs8_der(der) {
            return Self::from_sm2(k);
        }
        p256::SecretKey::from_pkcs8_der(der)
            .map(|k| Self::from_p256(&k))
            .map_err(|_| Error::InvalidKey)
    }

    pub fn algorithm(&self) -> Algorithm {
        self.public.algorithm()
    }

    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// Decrypts a ciphertext made to this key. SM2 takes the ASN.1 form or raw C1C3C2 (told apart
    /// by their first byte); use [`PrivateKey::decrypt_sm2`] for the legacy C1C2C3 order.
    pub fn decrypt(&self, ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>, Error> {
        match &self.inner {
            SecretInner::Sm2(s) => {
                let format = match ciphertext.first() {
                    Some(0x30) => super::sm2enc::CiphertextFormat::Asn1,
                    Some(0x04) => super::sm2enc::CiphertextFormat::C1C3C2,
                    _ => return Err(Error::MalformedCiphertext),
                };
                super::sm2enc::decrypt(&s.secret, ciphertext, format)
            }
            SecretInner::P256(k) => super::ecies::decrypt(k.as_nonzero_scalar(), ciphertext),
        }
    }

    /// Decrypts an SM2 ciphertext in an explicitly named format.
    pub fn decrypt_sm2(
        &self,
        ciphertext: &[u8],
        format: super::sm2enc::CiphertextFormat,
    ) -> Result<Zeroizing<Vec<u8>>, Error> {
        match &self.inner {
            SecretInner::Sm2(s) => super::sm2enc::decrypt(&s.secret, ciphertext, format),
            SecretInner::P256(_) => Err(Error::AlgorithmMismatch),
        }
    }

    /// ECDH shared secret x-coordinate with a peer key of the same family (zeroized on drop).
    pub fn diffie_hellman(&self, peer: &PublicKey) -> Result<Zeroizing<[u8; 32]>, Error> {
        match (&self.inner, peer) {
            (SecretInner::P256(k), PublicKey::P256(p)) => {
                let shared = p256::ecdh::diffie_hellman(k.as_nonzero_scalar(), p.as_affine());
                let mut out = Zeroizing::new([0u8; 32]);
                out.copy_from_slice(shared.raw_secret_bytes());
                Ok(out)
            }
            (SecretInner::Sm2(s), PublicKey::Sm2(p)) => {
                let d = s.secret.to_nonzero_scalar();
                let point = (sm2::ProjectivePoint::from(*p.as_affine()) * *d).to_affine();
                let mut out = Zeroizing::new([0u8; 32]);
                out.copy_from_slice(&point.x());
                Ok(out)
            }
            _ => Err(Error::AlgorithmMismatch),
        }
    }
}

/// SM2 signature (GM/T 0003.2 §6.1, steps A3–A7) over the prehash `e` with nonce `k`.
/// Returns `None` when this `k` must be rejected (r = 0, r + k = n, s = 0).
fn sm2_sign_with_k(
    d1_inv: &sm2::Scalar,
    e: &sm2::Scalar,
    k: &sm2::Scalar,
) -> Option<(sm2::Scalar, sm2::Scalar)> {
    let x1 = sm2_mul_base(k).to_affine().x();
    let r = *e + <sm2::Scalar as Reduce<sm2::FieldBytes>>::reduce(&x1);
    let r_plus_k = r + k;
    if bool::from(r.is_zero() | r_plus_k.is_zero()) {
        return None;
    }
    // s = (1 + d)⁻¹ (k − r·d) = (1 + d)⁻¹ (k + r) − r
    let s = *d1_inv * r_plus_k - r;
    if bool::from(s.is_zero()) {
        return None;
    }
    Some((r, s))
}

fn sm2_prehash(z: &[u8; 32], msg: &[u8]) -> sm2::Scalar {
    use sm3::Digest;
    let mut h = sm3::Sm3::new();
    h.update(z);
    h.update(msg);
    let digest: [u8; 32] = h.finalize().into();
    <sm2::Scalar as Reduce<sm2::FieldBytes>>::reduce(&sm2::FieldBytes::from(digest))
}

const TABLE_WINDOW: usize = 33;

/// [k]G with the SM2 generator table, constant time.
fn sm2_mul_base(k: &sm2::Scalar) -> sm2::ProjectivePoint {
    <sm2::Sm2 as primeorder::PrimeCurveWithBasepointTable<TABLE_WINDOW>>::BASEPOINT_TABLE.mul(k)
}

type Window = sm2::elliptic_curve::consts::U6;

/// wNAF table of the SM2 generator, built once, for joint s·G + t·P in verification.
static SM2_G_WNAF: std::sync::LazyLock<wnaf::WnafBase<sm2::ProjectivePoint, Window>> =
    std::sync::LazyLock::new(|| wnaf::WnafBase::new(&sm2::ProjectivePoint::generator()));

/// SM2 verification (GM/T 0003.2 §7.1, steps B1–B7) over the prehash `e`.
fn sm2_verify_vartime(pk: &sm2::PublicKey, e: &sm2::Scalar, sig: &sm2::dsa::Signature) -> bool {
    // B1, B2: r, s ∈ [1, n−1] is guaranteed by the signature type.
    let (r, s) = (*sig.r(), *sig.s());
    let t = r + s;
    if bool::from(t.is_zero()) {
        return false;
    }
    let p: wnaf::WnafBase<sm2::ProjectivePoint, Window> =
        wnaf::WnafBase::new(&sm2::ProjectivePoint::from(*pk.as_affine()));
    let s_w: wnaf::WnafScalar<sm2::Scalar, Window> = wnaf::WnafScalar::new(&s);
    let t_w: wnaf::WnafScalar<sm2::Scalar, Window> = wnaf::WnafScalar::new(&t);
    let point = wnaf::WnafBase::multiscalar_mul([(&*SM2_G_WNAF, &s_w), (&p, &t_w)].into_iter());
    if bool::from(point.is_identity()) {
        return false;
    }
    let x1 = point.to_affine().x();
    r == *e + <sm2::Scalar as Reduce<sm2::FieldBytes>>::reduce(&x1)
}

/// ECDSA P-256 verification through AWS-LC.
#[cfg(feature = "aws-lc")]
fn p256_verify(pk: &p256::PublicKey, msg: &[u8], signature_der: &[u8]) -> bool {
    use aws_lc_rs::signature::{ECDSA_P256_SHA256_ASN1, UnparsedPublicKey};
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, pk.to_sec1_point(false).as_bytes())
        .verify(msg, signature_der)
        .is_ok()
}

/// ECDSA P-256 verification (SEC 1 §4.1.4) in variable time with the generator table.
#[cfg(not(feature = "aws-lc"))]
fn p256_verify(pk: &p256::PublicKey, msg: &[u8], signature_der: &[u8]) -> bool {
    let Ok(sig) = p256::ecdsa::Signature::from_der(signature_der) else {
        return false;
    };
    let table =
        <p256::NistP256 as primeorder::PrimeCurveWithBasepointTable<TABLE_WINDOW>>::BASEPOINT_TABLE;
    let (r, s) = sig.split_scalars();
    let e = <p256::Scalar as Reduce<p256::FieldBytes>>::reduce(&p256::FieldBytes::from(
        hash::sha256(msg),
    ));
    let Some(s_inv) = Option::<p256::Scalar>::from(s.invert()) else {
        return false;
    };
    let point = table.mul_vartime(&(e * s_inv))
        + p256::ProjectivePoint::from(*pk.as_affine()).mul_vartime(&(*r * s_inv));
    if bool::from(point.is_identity()) {
        return false;
    }
    *r == <p256::Scalar as Reduce<p256::FieldBytes>>::reduce(&point.to_affine().x())
}

fn sm2_signature_der(r: &sm2::Scalar, s: &sm2::Scalar) -> Result<Vec<u8>, Error> {
    let sig = sm2::dsa::Signature::from_scalars(r.to_repr(), s.to_repr())
        .map_err(|_| Error::MalformedSignature)?;
    Ok(sig.to_der().as_bytes().to_vec())
}

impl Signer for PrivateKey {
    fn algorithm(&self) -> Algorithm {
        self.public.algorithm()
    }

    fn public_key(&self) -> &PublicKey {
        &self.public
    }

    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, Error> {
        match &self.inner {
            SecretInner::Sm2(s) => {
                let e = sm2_prehash(&s.z, msg);
                // Fresh k from the OS RNG for every attempt; a rejected k is vanishingly rare.
                for _ in 0..16 {
                    let mut k = *sm2::NonZeroScalar::try_generate()
                        .map_err(|_| Error::Rng)?
                        .as_ref();
                    let rs = sm2_sign_with_k(&s.d1_inv, &e, &k);
                    k.zeroize();
                    if let Some((r, s)) = rs {
                        return sm2_signature_der(&r, &s);
                    }
                }
                Err(Error::Rng)
            }
            SecretInner::P256(k) => {
                use p256::ecdsa::signature::RandomizedSigner;
                let mut rng = getrandom::SysRng;
                let sig: p256::ecdsa::Signature =
                    k.try_sign_with_rng(&mut rng, msg).map_err(|_| Error::Rng)?;
                Ok(sig.to_der().as_bytes().to_vec())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s).expect("test hex")
    }

    fn scalar(s: &str) -> sm2::Scalar {
        let bytes: [u8; 32] = h(s).try_into().expect("32 bytes");
        Option::from(sm2::Scalar::from_repr(bytes.into())).expect("scalar")
    }

    /// GM/T 0003.5 signature example on the recommended curve.
    #[test]
    fn sm2_gmt_0003_5_signature_vector() {
        let d = "3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8";
        let key = PrivateKey::from_bytes(Algorithm::Sm2, &h(d)).expect("key");
        let z = key.public_key().sm2_z(SM2_DEFAULT_ID).expect("z");
        assert_eq!(
            hex::encode_upper(z),
            "B2E14C5C79C6DF5B85F4FE7ED8DB7A262B9DA7E07CCB0EA9F4747B8CCDA8A4F3"
        );
        let SecretInner::Sm2(secret) = &key.inner else {
            panic!("sm2 key")
        };
        let e = sm2_prehash(&z, b"message digest");
        let k = scalar("59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21");
        let (r, s) = sm2_sign_with_k(&secret.d1_inv, &e, &k).expect("valid k");
        assert_eq!(
            hex::encode_upper(r.to_repr()),
            "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
        );
        assert_eq!(
            hex::encode_upper(s.to_repr()),
            "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"
        );
        // The standard's signature verifies through the public API, and a changed message fails.
        let der = sm2_signature_der(&r, &s).expect("der");
        key.public_key()
            .verify(b"message digest", &der)
            .expect("vector verifies");
        assert!(matches!(
            key.public_key().verify(b"message digesT", &der),
            Err(Error::BadSignature)
        ));
    }

    #[test]
    fn sign_verify_round_trip_both_families() {
        for alg in [Algorithm::Sm2, Algorithm::P256] {
            let key = PrivateKey::generate(alg).expect("generate");
            let sig = key.sign(b"bid 2026-001").expect("sign");
            key.public_key()
                .verify(b"bid 2026-001", &sig)
                .expect("verify");
            assert!(key.public_key().verify(b"bid 2026-002", &sig).is_err());
            let other = PrivateKey::generate(alg).expect("generate");
            assert!(other.public_key().verify(b"bid 2026-001", &sig).is_err());
            // SPKI and PKCS#8 round trips.
            let spki = key.public_key().to_spki_der().expect("spki");
            assert_eq!(
                &PublicKey::from_spki_der(&spki).expect("parse"),
                key.public_key()
            );
            let p8 = key.to_pkcs8_der().expect("pkcs8");
            let back = PrivateKey::from_pkcs8_der(&p8).expect("pkcs8 parse");
            assert_eq!(back.public_key(), key.public_key());
            assert_eq!(back.algorithm(), alg);
        }
    }

    /// The fast verifiers agree with the RustCrypto constant-time ones on good and bad input.
    #[test]
    fn fast_verifiers_agree_with_reference() {
        use sm2::dsa::signature::Verifier as _;
        for round in 0..50u32 {
            let msg = format!("message {round}").into_bytes();
            for alg in [Algorithm::Sm2, Algorithm::P256] {
                let key = PrivateKey::generate(alg).expect("key");
                let mut sig = key.sign(&msg).expect("sign");
                if round % 2 == 1 {
                    // Flip a bit inside r or s (stays a valid DER INTEGER most of the time).
                    let i = sig.len() - 1 - (round as usize % 20);
                    sig[i] ^= 0x01;
                }
                let ours = key.public_key().verify(&msg, &sig).is_ok();
                let reference = match key.public_key() {
                    PublicKey::Sm2(pk) => {
                        let vk = sm2::dsa::VerifyingKey::new(SM2_DEFAULT_ID, *pk).expect("vk");
                        sm2::dsa::Signature::from_der(&sig)
                            .map(|s| vk.verify(&msg, &s).is_ok())
                            .unwrap_or(false)
                    }
                    PublicKey::P256(pk) => {
                        let vk = p256::ecdsa::VerifyingKey::from(pk);
                        p256::ecdsa::Signature::from_der(&sig)
                            .map(|s| vk.verify(&msg, &s).is_ok())
                            .unwrap_or(false)
                    }
                };
                assert_eq!(ours, reference, "{alg} round {round}");
                assert_eq!(ours, round % 2 == 0, "{alg} round {round}");
            }
        }
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let key = PrivateKey::from_bytes(
            Algorithm::Sm2,
            &h("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8"),
        )
        .expect("key");
        let shown = format!("{key:?}").to_lowercase();
        assert!(shown.contains("redacted"));
        assert!(!shown.contains("3945208f7b2144b1"));
    }

    #[test]
    fn malformed_inputs_give_precise_errors() {
        let key = PrivateKey::generate(Algorithm::P256).expect("generate");
        assert!(matches!(
            key.public_key().verify(b"m", &[0x30, 0x02, 0x01]),
            Err(Error::MalformedSignature)
        ));
        assert!(matches!(
            PublicKey::from_sec1(Algorithm::Sm2, &[4u8; 65]),
            Err(Error::InvalidPublicKey)
        ));
        assert!(matches!(
            PrivateKey::from_bytes(Algorithm::Sm2, &[0u8; 32]),
            Err(Error::InvalidKey)
        ));
        assert!(matches!(
            key.decrypt(&[0x99, 1, 2]),
            Err(Error::MalformedCiphertext) | Err(Error::Decrypt)
        ));
    }
}
