//! Making a seal (the seal maker's service) and signing with one (the phone): in one call when
//! the key is at hand, or in two steps — the `TBS_Sign` bytes, then assembly around the
//! signature the phone's key made over them.

use std::time::SystemTime;

use der::Decode;
use x509_cert::Certificate;

use super::{
    CERT_DIGEST_SM3, CertDigest, CertList, CertRole, HEADER_ID, MAX_DER_LEN, SESeal, SealError,
    SealHeader, SealInfo, SealPicture, SealProperty, SesSignature, VENDOR_ID, VERSION, wire,
};
use crate::crypto::{Algorithm, Error, PublicKey, Signer, hash, oid, x509};

/// How the seal names the certificates allowed to sign with it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BindBy {
    /// certListType 1: the certificates themselves.
    #[default]
    Certificates,
    /// certListType 2: their SM3 digests.
    Sm3Digests,
}

/// What goes into a new seal.
#[derive(Clone, Debug)]
pub struct SealSpec<'a> {
    /// `esID`: the seal's unique identifier (ASCII).
    pub es_id: &'a str,
    /// Seal type (see [`super::SEAL_TYPE_ORGANIZATION`]).
    pub seal_type: i64,
    /// The seal's name, e.g. "某某有限公司合同专用章".
    pub name: &'a str,
    /// The SM2 certificates (DER) whose holders may sign with the seal.
    pub bound_certificates: &'a [Vec<u8>],
    pub bind_by: BindBy,
    pub valid_from: SystemTime,
    pub valid_to: SystemTime,
    /// One of [`super::PICTURE_TYPES`]; the bytes must be of that kind.
    pub picture_type: &'a str,
    pub picture: &'a [u8],
    pub width_mm: i64,
    pub height_mm: i64,
    /// `createDate`.
    pub created: SystemTime,
}

pub(super) fn parse_cert(der: &[u8], role: CertRole) -> Result<Certificate, SealError> {
    Certificate::from_der(der).map_err(|e| SealError::BadCertificate(role, e.to_string()))
}

/// The SM2 key of a certificate.
pub(super) fn sm2_key(cert: &Certificate, role: CertRole) -> Result<PublicKey, SealError> {
    match x509::certificate_public_key(cert) {
        Ok(key) if key.algorithm() == Algorithm::Sm2 => Ok(key),
        Ok(_) | Err(Error::UnsupportedAlgorithm(_)) => Err(SealError::NotSm2(role)),
        Err(e) => Err(SealError::BadCertificate(role, e.to_string())),
    }
}

fn signer_matches(
    signer: &dyn Signer,
    cert_der: &[u8],
    role: CertRole,
) -> Result<Certificate, SealError> {
    if signer.algorithm() != Algorithm::Sm2 {
        return Err(SealError::NotSm2(role));
    }
    let cert = parse_cert(cert_der, role)?;
    if &sm2_key(&cert, role)? != signer.public_key() {
        return Err(SealError::KeyMismatch(role));
    }
    Ok(cert)
}

/// Whether the bytes are a file of the named picture type (by their magic numbers).
fn picture_is(kind: &str, bytes: &[u8]) -> bool {
    match kind {
        "png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "jpg" => bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
        "gif" => bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a"),
        "bmp" => bytes.starts_with(b"BM"),
        "ofd" => bytes.starts_with(b"PK\x03\x04"),
        "svg" => {
            let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            text.iter()
                .find(|b| !b.is_ascii_whitespace())
                .is_some_and(|b| *b == b'<')
        }
        _ => false,
    }
}

/// Makes a seal: checks the request, builds `SES_SealInfo`, and signs its DER with the seal
/// maker's SM2 key (SM2-with-SM3, default ID). `maker_certificate_der` must certify that key.
pub fn make_seal(
    maker: &dyn Signer,
    maker_certificate_der: &[u8],
    spec: &SealSpec<'_>,
) -> Result<SESeal, SealError> {
    signer_matches(maker, maker_certificate_der, CertRole::Maker)?;
    if spec.es_id.is_empty() || !spec.es_id.is_ascii() {
        return Err(SealError::InvalidField("esID must be non-empty ASCII"));
    }
    if spec.name.trim().is_empty() {
        return Err(SealError::InvalidField("the seal's name is empty"));
    }
    if spec.bound_certificates.is_empty() {
        return Err(SealError::EmptyCertList);
    }
    for der in spec.bound_certificates {
        sm2_key(&parse_cert(der, CertRole::Signer)?, CertRole::Signer)?;
    }
    let valid_from = wire::whole_seconds(spec.valid_from)?;
    let valid_to = wire::whole_seconds(spec.valid_to)?;
    if valid_to <= valid_from {
        return Err(SealError::InvalidValidity);
    }
    let kind = wire::picture_type(spec.picture_type)?;
    if !picture_is(kind, spec.picture) {
        return Err(SealError::PictureMismatch(kind.to_string()));
    }
    if spec.width_mm <= 0 || spec.height_mm <= 0 {
        return Err(SealError::InvalidPictureSize {
            width: spec.width_mm,
            height: spec.height_mm,
        });
    }
    let cert_list = match spec.bind_by {
        BindBy::Certificates => CertList::Certificates(spec.bound_certificates.to_vec()),
        BindBy::Sm3Digests => CertList::Digests(
            spec.bound_certificates
                .iter()
                .map(|c| CertDigest {
                    digest_type: CERT_DIGEST_SM3.to_string(),
                    value: hash::sm3(c).to_vec(),
                })
                .collect(),
        ),
    };
    let info = SealInfo {
        header: SealHeader {
            id: HEADER_ID.to_string(),
            version: VERSION,
            vendor_id: VENDOR_ID.to_string(),
        },
        es_id: spec.es_id.to_string(),
        property: SealProperty {
            seal_type: spec.seal_type,
            name: spec.name.to_string(),
            cert_list,
            created: wire::whole_seconds(spec.created)?,
            valid_from,
            valid_to,
        },
        picture: SealPicture {
            picture_type: kind.to_string(),
            data: spec.picture.to_vec(),
            width_mm: spec.width_mm,
            height_mm: spec.height_mm,
        },
        extensions: Vec::new(),
    };
    let info_der = wire::encode_seal_info(&info)?;
    if info_der.len() > MAX_DER_LEN {
        return Err(SealError::TooLarge {
            len: info_der.len(),
            max: MAX_DER_LEN,
        });
    }
    let signature = maker.sign(&info_der)?;
    let der = wire::encode_seal(
        &info_der,
        maker_certificate_der,
        oid::SM2_WITH_SM3,
        &signature,
    )?;
    wire::parse_seal(&der)
}

/// The DER of `TBS_Sign` a phone signs (SM2-with-SM3, default ID) to stamp with `seal`.
/// `data_hash` is the SM3 digest of the protected bytes; `property_info` (ASCII) says what they
/// are; `time` is the signing time (whole seconds are kept).
pub fn tbs_to_sign(
    seal: &SESeal,
    data_hash: &[u8],
    property_info: &str,
    time: SystemTime,
) -> Result<Vec<u8>, SealError> {
    if data_hash.len() != 32 {
        return Err(SealError::InvalidDataHash);
    }
    wire::encode_tbs(seal, time, data_hash, property_info, &[])
}

/// Builds the `SES_Signature` from the `TBS_Sign` bytes of [`tbs_to_sign`], the signer's
/// certificate and the signature its key made over those bytes. Refuses a signature that does
/// not verify under the certificate.
pub fn assemble_signature(
    tbs_der: &[u8],
    signer_certificate_der: &[u8],
    signature_der: &[u8],
) -> Result<SesSignature, SealError> {
    wire::parse_tbs(tbs_der)?;
    let cert = parse_cert(signer_certificate_der, CertRole::Signer)?;
    sm2_key(&cert, CertRole::Signer)?
        .verify(tbs_der, signature_der)
        .map_err(|_| SealError::BadSignature)?;
    let der = wire::encode_signature(
        tbs_der,
        signer_certificate_der,
        oid::SM2_WITH_SM3,
        signature_der,
    )?;
    wire::parse_signature(&der)
}

/// Signs with a seal in one call: checks that the certificate holds the signer's key and is
/// bound to the seal, then signs `TBS_Sign` and assembles the `SES_Signature`.
pub fn sign_with_seal(
    signer: &dyn Signer,
    signer_certificate_der: &[u8],
    seal: &SESeal,
    data_hash: &[u8],
    property_info: &str,
    time: SystemTime,
) -> Result<SesSignature, SealError> {
    signer_matches(signer, signer_certificate_der, CertRole::Signer)?;
    if !seal.binds(signer_certificate_der) {
        return Err(SealError::SignerNotBound);
    }
    let tbs = tbs_to_sign(seal, data_hash, property_info, time)?;
    let signature = signer.sign(&tbs)?;
    assemble_signature(&tbs, signer_certificate_der, &signature)
}
