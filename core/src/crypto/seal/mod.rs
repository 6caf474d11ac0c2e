//! GB/T 38540-2020 electronic seals (电子印章, version 4) and seal signatures (电子签章): the
//! DER structures, making a seal with the seal maker's key, signing with a seal on the phone
//! (also split in two steps: the bytes to sign, then assembly), and verification.
//!
//! The structures follow the standard's ASN.1 (as published in ofdrw's `org.ofdrw.gm.ses.v4`,
//! which reuses `SES_Header`, `SES_ESPictrueInfo` and `ExtensionDatas` from its `v1` package):
//!
//! ```text
//! SESeal ::= SEQUENCE {
//!     eSealInfo    SES_SealInfo,
//!     cert         OCTET STRING,          -- the seal maker's certificate (DER)
//!     signAlgID    OBJECT IDENTIFIER,     -- 1.2.156.10197.1.501 SM2-with-SM3
//!     signedValue  BIT STRING }           -- SM2 signature (DER SEQUENCE {r, s}) over DER(eSealInfo)
//! SES_SealInfo ::= SEQUENCE {
//!     header SES_Header, esID IA5String, property SES_ESPropertyInfo,
//!     picture SES_ESPictrueInfo, extDatas ExtensionDatas OPTIONAL }
//! SES_Header ::= SEQUENCE { id IA5String ("ES"), version INTEGER (4), vid IA5String }
//! SES_ESPropertyInfo ::= SEQUENCE {
//!     type INTEGER, name UTF8String, certListType INTEGER (1 | 2),
//!     certList SES_CertList, createDate GeneralizedTime,
//!     validStart GeneralizedTime, validEnd GeneralizedTime }
//! SES_CertList ::= CHOICE { certs CertInfoList, certDigestList CertDigestList }
//!     -- untagged; certListType tells which: 1 certs, 2 digests
//! CertInfoList ::= SEQUENCE OF OCTET STRING               -- signer certificates (DER)
//! CertDigestList ::= SEQUENCE OF CertDigestObj
//! CertDigestObj ::= SEQUENCE { type PrintableString, value OCTET STRING }
//! SES_ESPictrueInfo ::= SEQUENCE {
//!     type IA5String, data OCTET STRING, width INTEGER, height INTEGER }   -- mm
//! ExtensionDatas ::= SEQUENCE OF ExtData
//! ExtData ::= SEQUENCE {
//!     extnID OBJECT IDENTIFIER, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
//! SES_Signature ::= SEQUENCE {
//!     toSign TBS_Sign, cert OCTET STRING,     -- the signer's certificate (DER)
//!     signatureAlgID OBJECT IDENTIFIER,
//!     signature BIT STRING,                   -- SM2 signature over DER(toSign)
//!     timeStamp [0] EXPLICIT BIT STRING OPTIONAL }
//! TBS_Sign ::= SEQUENCE {
//!     version INTEGER (4), eseal SESeal, timeInfo GeneralizedTime,
//!     dataHash BIT STRING,                    -- SM3 of the protected bytes
//!     propertyInfo IA5String,
//!     extDatas [0] EXPLICIT ExtensionDatas OPTIONAL }
//! ```
//!
//! SM2 signatures use SM3 and the default ID `1234567812345678`. Signatures are verified over
//! the exact bytes received (the `SES_SealInfo` and `TBS_Sign` TLVs), and re-encoding a parsed
//! seal gives back those bytes, so a seal made elsewhere survives being embedded in our
//! `TBS_Sign`.
//!
//! Reading is strict: at most [`MAX_DER_LEN`] bytes, DER only, no trailing bytes, header `ES`
//! version 4, certListType 1 or 2 with a non-empty list, a picture type the standard names and
//! a positive size, GeneralizedTime without fractions.
//!
//! **P-256.** GB/T 38540 is an SM2/SM3 standard; nothing in this module applies to the P-256
//! hierarchy. There a seal is the picture plus a CA-signed binding to the certificate
//! ([`crate::crypto::seal_binding`]).

mod error;
mod make;
#[cfg(test)]
mod tests;
mod verify;
mod wire;

use std::fmt;
use std::time::SystemTime;

use const_oid::ObjectIdentifier;

pub use error::{CertRole, SealError};
pub use make::{BindBy, SealSpec, assemble_signature, make_seal, sign_with_seal, tbs_to_sign};
pub use verify::{
    MAX_CLOCK_SKEW, MakerTrust, VerifiedSeal, VerifiedSignature, verify_seal, verify_signature,
};

/// Largest `SESeal` or `SES_Signature` accepted, in bytes.
pub const MAX_DER_LEN: usize = 4 * 1024 * 1024;
/// `SES_Header.id`.
pub const HEADER_ID: &str = "ES";
/// `SES_Header.version` and `TBS_Sign.version` of GB/T 38540-2020.
pub const VERSION: i64 = 4;
/// `SES_Header.vid` of the seals mcert makes.
pub const VENDOR_ID: &str = "mcert";
/// `certListType` for a list of certificates.
pub const CERT_LIST_CERTIFICATES: i64 = 1;
/// `certListType` for a list of certificate digests.
pub const CERT_LIST_DIGESTS: i64 = 2;
/// `CertDigestObj.type` of the SM3 digests mcert writes.
pub const CERT_DIGEST_SM3: &str = "SM3";
/// Picture types the standard names; compared without regard to case.
pub const PICTURE_TYPES: [&str; 6] = ["ofd", "png", "jpg", "gif", "bmp", "svg"];
/// Seal `type` of an organisation seal (单位印章), as GM/T 0031 numbers it.
pub const SEAL_TYPE_ORGANIZATION: i64 = 1;
/// Seal `type` of a personal seal or signature (个人印章).
pub const SEAL_TYPE_PERSONAL: i64 = 2;

/// `SES_Header`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealHeader {
    /// Always [`HEADER_ID`].
    pub id: String,
    /// Always [`VERSION`].
    pub version: i64,
    /// The maker's vendor identifier (`vid`).
    pub vendor_id: String,
}

/// `SES_CertList`: the certificates whose holders may sign with the seal.
#[derive(Clone, PartialEq, Eq)]
pub enum CertList {
    /// certListType 1: the certificates (DER).
    Certificates(Vec<Vec<u8>>),
    /// certListType 2: digests of the certificates.
    Digests(Vec<CertDigest>),
}

impl fmt::Debug for CertList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CertList::Certificates(c) => write!(f, "Certificates({} certificates)", c.len()),
            CertList::Digests(d) => f.debug_tuple("Digests").field(d).finish(),
        }
    }
}

/// `CertDigestObj`.
#[derive(Clone, PartialEq, Eq)]
pub struct CertDigest {
    /// The digest algorithm's name (`SM3` for the ones mcert writes).
    pub digest_type: String,
    pub value: Vec<u8>,
}

impl fmt::Debug for CertDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.digest_type, hex::encode(&self.value))
    }
}

/// `SES_ESPropertyInfo`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealProperty {
    /// The seal type (see [`SEAL_TYPE_ORGANIZATION`], [`SEAL_TYPE_PERSONAL`]).
    pub seal_type: i64,
    pub name: String,
    pub cert_list: CertList,
    pub created: SystemTime,
    pub valid_from: SystemTime,
    pub valid_to: SystemTime,
}

/// `SES_ESPictrueInfo` (the standard's spelling).
#[derive(Clone, PartialEq, Eq)]
pub struct SealPicture {
    /// One of [`PICTURE_TYPES`], as written in the seal.
    pub picture_type: String,
    pub data: Vec<u8>,
    pub width_mm: i64,
    pub height_mm: i64,
}

impl fmt::Debug for SealPicture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SealPicture({}, {} bytes, {} x {} mm)",
            self.picture_type,
            self.data.len(),
            self.width_mm,
            self.height_mm
        )
    }
}

/// `ExtData`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtData {
    pub id: ObjectIdentifier,
    pub critical: bool,
    pub value: Vec<u8>,
}

/// `SES_SealInfo`: what the seal maker signs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealInfo {
    pub header: SealHeader,
    /// `esID`, the seal's unique identifier.
    pub es_id: String,
    pub property: SealProperty,
    pub picture: SealPicture,
    /// `extDatas`; empty when absent.
    pub extensions: Vec<ExtData>,
}

/// `SESeal`: a parsed seal that remembers its exact encoding.
#[derive(Clone, PartialEq, Eq)]
pub struct SESeal {
    info: SealInfo,
    maker_certificate: Vec<u8>,
    signature_algorithm: ObjectIdentifier,
    signature: Vec<u8>,
    info_der: Vec<u8>,
    der: Vec<u8>,
}

impl fmt::Debug for SESeal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SESeal")
            .field("info", &self.info)
            .field("signature_algorithm", &self.signature_algorithm)
            .field("der_len", &self.der.len())
            .finish_non_exhaustive()
    }
}

impl SESeal {
    /// Reads a DER `SESeal` (strictly; see the module documentation).
    pub fn from_der(der: &[u8]) -> Result<Self, SealError> {
        wire::parse_seal(der)
    }

    /// The exact DER of the seal.
    pub fn to_der(&self) -> &[u8] {
        &self.der
    }

    pub fn info(&self) -> &SealInfo {
        &self.info
    }

    /// The exact DER of `SES_SealInfo`, which the maker signed.
    pub fn info_der(&self) -> &[u8] {
        &self.info_der
    }

    /// The seal maker's certificate (DER).
    pub fn maker_certificate_der(&self) -> &[u8] {
        &self.maker_certificate
    }

    pub fn signature_algorithm(&self) -> ObjectIdentifier {
        self.signature_algorithm
    }

    /// The maker's signature (DER `SEQUENCE { r, s }`).
    pub fn signature_der(&self) -> &[u8] {
        &self.signature
    }

    /// Whether the seal binds this certificate: the same DER in a certificate list, or its
    /// digest (SM3, or SHA-256 when so named) in a digest list.
    pub fn binds(&self, certificate_der: &[u8]) -> bool {
        match &self.info.property.cert_list {
            CertList::Certificates(certs) => certs.iter().any(|c| c == certificate_der),
            CertList::Digests(digests) => digests.iter().any(|d| {
                let computed = match d.digest_type.to_ascii_uppercase().as_str() {
                    "SM3" => super::hash::sm3(certificate_der),
                    "SHA256" | "SHA-256" => super::hash::sha256(certificate_der),
                    _ => return false,
                };
                super::hash::ct_eq(&computed, &d.value)
            }),
        }
    }
}

/// `TBS_Sign`: what the signer signs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TbsSign {
    pub version: i64,
    pub seal: SESeal,
    /// `timeInfo`, the signing time the signer claims.
    pub time: SystemTime,
    /// `dataHash`, SM3 of the protected bytes.
    pub data_hash: Vec<u8>,
    /// `propertyInfo`, what the protected data is (for a PDF: its byte range).
    pub property_info: String,
    /// `extDatas`; empty when absent.
    pub extensions: Vec<ExtData>,
}

/// `SES_Signature`: a parsed seal signature that remembers its exact encoding.
#[derive(Clone, PartialEq, Eq)]
pub struct SesSignature {
    tbs: TbsSign,
    signer_certificate: Vec<u8>,
    signature_algorithm: ObjectIdentifier,
    signature: Vec<u8>,
    time_stamp: Option<Vec<u8>>,
    tbs_der: Vec<u8>,
    der: Vec<u8>,
}

impl fmt::Debug for SesSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SesSignature")
            .field("tbs", &self.tbs)
            .field("signature_algorithm", &self.signature_algorithm)
            .field("time_stamp", &self.time_stamp.as_ref().map(Vec::len))
            .field("der_len", &self.der.len())
            .finish_non_exhaustive()
    }
}

impl SesSignature {
    /// Reads a DER `SES_Signature` (strictly; see the module documentation).
    pub fn from_der(der: &[u8]) -> Result<Self, SealError> {
        wire::parse_signature(der)
    }

    /// The exact DER of the signature.
    pub fn to_der(&self) -> &[u8] {
        &self.der
    }

    pub fn tbs(&self) -> &TbsSign {
        &self.tbs
    }

    /// The exact DER of `TBS_Sign`, which the signer signed.
    pub fn tbs_der(&self) -> &[u8] {
        &self.tbs_der
    }

    /// The seal the signature was made with.
    pub fn seal(&self) -> &SESeal {
        &self.tbs.seal
    }

    /// The signer's certificate (DER).
    pub fn signer_certificate_der(&self) -> &[u8] {
        &self.signer_certificate
    }

    pub fn signature_algorithm(&self) -> ObjectIdentifier {
        self.signature_algorithm
    }

    /// The signer's signature (DER `SEQUENCE { r, s }`).
    pub fn signature_der(&self) -> &[u8] {
        &self.signature
    }

    /// The optional time-stamp over the signature value, as carried (not checked here).
    pub fn time_stamp(&self) -> Option<&[u8]> {
        self.time_stamp.as_deref()
    }
}
