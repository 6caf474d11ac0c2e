//! Revocation status: X.509 CRLs (RFC 5280 §5) and OCSP (RFC 6960), built and read by mcert.
//!
//! OCSP responses are signed by the issuing CA itself (no delegated responder), with the
//! responder identified by key hash. Requests may name certificates by SHA-1 (OpenSSL's
//! default), SHA-256 or SM3 CertIDs.

use std::time::{Duration, SystemTime};

use const_oid::ObjectIdentifier as Oid;
use der::asn1::{BitString, GeneralizedTime, Null, OctetString, Uint};
use der::{Decode, Encode, Enumerated, Sequence};
use sha2::Digest as _;
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::crl::{CertificateList, RevokedCert, TbsCertList};
use x509_cert::ext::pkix::{AuthorityKeyIdentifier, CrlNumber, CrlReason, SubjectKeyIdentifier};
use x509_cert::ext::{Extension, Extensions};
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::Time;

use super::{Algorithm, Error, Signer, x509};

const ID_SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
const ID_PKIX_OCSP_BASIC: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.48.1.1");
const ID_PKIX_OCSP_NONCE: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.48.1.2");
const ID_CE_CRL_REASONS: Oid = Oid::new_unwrap("2.5.29.21");

/// Why a certificate was revoked (RFC 5280 §5.3.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RevocationReason {
    Unspecified,
    KeyCompromise,
    CaCompromise,
    AffiliationChanged,
    Superseded,
    CessationOfOperation,
    CertificateHold,
    PrivilegeWithdrawn,
}

impl RevocationReason {
    pub fn as_str(self) -> &'static str {
        match self {
            RevocationReason::Unspecified => "unspecified",
            RevocationReason::KeyCompromise => "key_compromise",
            RevocationReason::CaCompromise => "ca_compromise",
            RevocationReason::AffiliationChanged => "affiliation_changed",
            RevocationReason::Superseded => "superseded",
            RevocationReason::CessationOfOperation => "cessation_of_operation",
            RevocationReason::CertificateHold => "certificate_hold",
            RevocationReason::PrivilegeWithdrawn => "privilege_withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "unspecified" => RevocationReason::Unspecified,
            "key_compromise" => RevocationReason::KeyCompromise,
            "ca_compromise" => RevocationReason::CaCompromise,
            "affiliation_changed" => RevocationReason::AffiliationChanged,
            "superseded" => RevocationReason::Superseded,
            "cessation_of_operation" => RevocationReason::CessationOfOperation,
            "certificate_hold" => RevocationReason::CertificateHold,
            "privilege_withdrawn" => RevocationReason::PrivilegeWithdrawn,
            _ => return None,
        })
    }

    fn crl_reason(self) -> CrlReason {
        match self {
            RevocationReason::Unspecified => CrlReason::Unspecified,
            RevocationReason::KeyCompromise => CrlReason::KeyCompromise,
            RevocationReason::CaCompromise => CrlReason::CaCompromise,
            RevocationReason::AffiliationChanged => CrlReason::AffiliationChanged,
            RevocationReason::Superseded => CrlReason::Superseded,
            RevocationReason::CessationOfOperation => CrlReason::CessationOfOperation,
            RevocationReason::CertificateHold => CrlReason::CertificateHold,
            RevocationReason::PrivilegeWithdrawn => CrlReason::PrivilegeWithdrawn,
        }
    }
}

/// One revoked certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revoked {
    /// Serial number bytes (big-endian, as in the certificate).
    pub serial: Vec<u8>,
    pub time: SystemTime,
    pub reason: RevocationReason,
}

fn whole_seconds(t: SystemTime) -> Result<SystemTime, Error> {
    let secs = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_err(|_| Error::InvalidInput("time before 1970"))?
        .as_secs();
    Ok(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
}

fn time(t: SystemTime) -> Result<Time, Error> {
    Ok(Time::try_from(whole_seconds(t)?)?)
}

fn generalized(t: SystemTime) -> Result<GeneralizedTime, Error> {
    Ok(GeneralizedTime::from_system_time(whole_seconds(t)?)?)
}

fn issuer_key_id(issuer: &Certificate) -> Result<Vec<u8>, Error> {
    let tbs = issuer.tbs_certificate();
    Ok(match tbs.get_extension::<SubjectKeyIdentifier>()? {
        Some((_, ski)) => ski.0.as_bytes().to_vec(),
        None => x509::key_identifier(tbs.subject_public_key_info()),
    })
}

fn extension<T: const_oid::AssociatedOid + Encode>(value: &T) -> Result<Extension, Error> {
    Ok(Extension {
        extn_id: T::OID,
        critical: false,
        extn_value: OctetString::new(value.to_der()?)?,
    })
}

/// Builds a CRL signed by the issuing CA (`signer` must hold `issuer`'s key).
pub fn build_crl(
    issuer: &Certificate,
    signer: &dyn Signer,
    revoked: &[Revoked],
    crl_number: u64,
    this_update: SystemTime,
    next_update: SystemTime,
) -> Result<CertificateList, Error> {
    if &x509::certificate_public_key(issuer)? != signer.public_key() {
        return Err(Error::InvalidInput(
            "the signer does not hold the issuer's key",
        ));
    }
    let mut entries = Vec::with_capacity(revoked.len());
    for r in revoked {
        let reason = Extension {
            extn_id: ID_CE_CRL_REASONS,
            critical: false,
            extn_value: OctetString::new(r.reason.crl_reason().to_der()?)?,
        };
        entries.push(RevokedCert {
            serial_number: SerialNumber::new(&r.serial)?,
            revocation_date: time(r.time)?,
            crl_entry_extensions: Some(vec![reason]),
        });
    }
    let exts: Extensions = vec![
        extension(&CrlNumber(Uint::new(&crl_number.to_be_bytes())?))?,
        extension(&AuthorityKeyIdentifier {
            key_identifier: Some(OctetString::new(issuer_key_id(issuer)?)?),
            authority_cert_issuer: None,
            authority_cert_serial_number: None,
        })?,
    ];
    let tbs = TbsCertList {
        version: x509_cert::Version::V2,
        signature: signer.algorithm().signature_algorithm(),
        issuer: issuer.tbs_certificate().subject().clone(),
        this_update: time(this_update)?,
        next_update: Some(time(next_update)?),
        revoked_certificates: if entries.is_empty() {
            None
        } else {
            Some(entries)
        },
        crl_extensions: Some(exts),
    };
    let signature = signer.sign(&tbs.to_der()?)?;
    Ok(CertificateList {
        signature_algorithm: tbs.signature.clone(),
        tbs_cert_list: tbs,
        signature: BitString::from_bytes(&signature)?,
    })
}

// ----- OCSP -----

/// CertID (RFC 6960 §4.1.1).
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct CertId {
    pub hash_algorithm: AlgorithmIdentifierOwned,
    pub issuer_name_hash: OctetString,
    pub issuer_key_hash: OctetString,
    pub serial_number: SerialNumber,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct Request {
    req_cert: CertId,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    single_request_extensions: Option<Extensions>,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct TbsRequest {
    #[asn1(
        context_specific = "0",
        tag_mode = "EXPLICIT",
        default = "Default::default"
    )]
    version: u8,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    requestor_name: Option<der::Any>,
    request_list: Vec<Request>,
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", optional = "true")]
    request_extensions: Option<Extensions>,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct OcspRequestAsn1 {
    tbs_request: TbsRequest,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    optional_signature: Option<der::Any>,
}

/// Response status (RFC 6960 §4.2.1).
#[derive(Clone, Copy, Debug, Eq, PartialEq, Enumerated)]
#[repr(u8)]
pub enum OcspResponseStatus {
    Successful = 0,
    MalformedRequest = 1,
    InternalError = 2,
    TryLater = 3,
    SigRequired = 5,
    Unauthorized = 6,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct ResponseBytes {
    response_type: Oid,
    response: OctetString,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct OcspResponseAsn1 {
    response_status: OcspResponseStatus,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    response_bytes: Option<ResponseBytes>,
}

/// ResponderID `byKey [2] EXPLICIT KeyHash`: the SHA-1 of the responder's public key.
fn responder_by_key(key_hash: &[u8]) -> Result<der::Any, Error> {
    Ok(der::Any::encode_from(&der::asn1::ContextSpecific {
        tag_number: der::TagNumber(2),
        tag_mode: der::TagMode::Explicit,
        value: OctetString::new(key_hash)?,
    })?)
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct RevokedInfo {
    revocation_time: GeneralizedTime,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    revocation_reason: Option<CrlReason>,
}

#[derive(Clone, Debug, Eq, PartialEq, der::Choice)]
enum CertStatusAsn1 {
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT")]
    Good(Null),
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", constructed = "true")]
    Revoked(RevokedInfo),
    #[asn1(context_specific = "2", tag_mode = "IMPLICIT")]
    Unknown(Null),
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct SingleResponse {
    cert_id: CertId,
    cert_status: CertStatusAsn1,
    this_update: GeneralizedTime,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    next_update: Option<GeneralizedTime>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    single_extensions: Option<Extensions>,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct ResponseData {
    #[asn1(
        context_specific = "0",
        tag_mode = "EXPLICIT",
        default = "Default::default"
    )]
    version: u8,
    /// ResponderID (a CHOICE of explicitly tagged name or key hash); kept as read.
    responder_id: der::Any,
    produced_at: GeneralizedTime,
    responses: Vec<SingleResponse>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    response_extensions: Option<Extensions>,
}

#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
struct BasicOcspResponse {
    tbs_response_data: ResponseData,
    signature_algorithm: AlgorithmIdentifierOwned,
    signature: BitString,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    certs: Option<Vec<Certificate>>,
}

/// Largest OCSP request read.
pub const MAX_OCSP_REQUEST_LEN: usize = 16 * 1024;

/// A parsed OCSP request: the certificates asked about and the nonce, if any.
#[derive(Clone, Debug)]
pub struct OcspRequest {
    pub cert_ids: Vec<CertId>,
    pub nonce: Option<Vec<u8>>,
}

/// Parses an OCSP request (DER).
pub fn parse_ocsp_request(der: &[u8]) -> Result<OcspRequest, Error> {
    if der.len() > MAX_OCSP_REQUEST_LEN {
        return Err(Error::InvalidInput("OCSP request too large"));
    }
    let req = OcspRequestAsn1::from_der(der)?;
    if req.tbs_request.request_list.is_empty() {
        return Err(Error::InvalidInput("OCSP request names no certificate"));
    }
    let nonce = match req
        .tbs_request
        .request_extensions
        .iter()
        .flatten()
        .find(|e| e.extn_id == ID_PKIX_OCSP_NONCE)
    {
        Some(e) => Some(parse_nonce(e.extn_value.as_bytes())?),
        None => None,
    };
    Ok(OcspRequest {
        cert_ids: req
            .tbs_request
            .request_list
            .into_iter()
            .map(|r| r.req_cert)
            .collect(),
        nonce,
    })
}

/// Shortest and longest nonce accepted (RFC 8954 §2.1: `Nonce ::= OCTET STRING(SIZE(1..32))`).
pub const NONCE_LEN: std::ops::RangeInclusive<usize> = 1..=32;

/// The nonce inside the extension value: a DER OCTET STRING of 1 to 32 octets, nothing else.
fn parse_nonce(extn_value: &[u8]) -> Result<Vec<u8>, Error> {
    let inner = OctetString::from_der(extn_value)
        .map_err(|_| Error::InvalidInput("OCSP nonce is not an OCTET STRING (RFC 8954)"))?;
    if !NONCE_LEN.contains(&inner.as_bytes().len()) {
        return Err(Error::InvalidInput(
            "OCSP nonce must have 1 to 32 octets (RFC 8954)",
        ));
    }
    Ok(inner.as_bytes().to_vec())
}

fn nonce_extension(nonce: &[u8]) -> Result<Extension, Error> {
    Ok(Extension {
        extn_id: ID_PKIX_OCSP_NONCE,
        critical: false,
        extn_value: OctetString::new(OctetString::new(nonce)?.to_der()?)?,
    })
}

/// Hash a CertID uses, by OID.
fn cert_id_hash(alg: &AlgorithmIdentifierOwned, data: &[u8]) -> Option<Vec<u8>> {
    match alg.oid {
        ID_SHA1 => Some(sha1::Sha1::digest(data).to_vec()),
        crate::crypto::oid::SHA256 => Some(sha2::Sha256::digest(data).to_vec()),
        crate::crypto::oid::SM3 => Some(crate::crypto::hash::sm3(data).to_vec()),
        _ => None,
    }
}

impl CertId {
    /// The CertID of `serial` under `issuer`, with the given hash (SHA-1 when `None`).
    pub fn new(
        issuer: &Certificate,
        serial: &[u8],
        hash: Option<Algorithm>,
    ) -> Result<Self, Error> {
        let alg = AlgorithmIdentifierOwned {
            oid: hash.map(Algorithm::digest_oid).unwrap_or(ID_SHA1),
            parameters: Some(der::Any::from(Null)),
        };
        let tbs = issuer.tbs_certificate();
        let name_hash =
            cert_id_hash(&alg, &tbs.subject().to_der()?).ok_or(Error::InvalidInput("hash"))?;
        let key_hash = cert_id_hash(
            &alg,
            tbs.subject_public_key_info().subject_public_key.raw_bytes(),
        )
        .ok_or(Error::InvalidInput("hash"))?;
        Ok(CertId {
            hash_algorithm: alg,
            issuer_name_hash: OctetString::new(name_hash)?,
            issuer_key_hash: OctetString::new(key_hash)?,
            serial_number: SerialNumber::new(serial)?,
        })
    }

    /// Whether this CertID names a certificate of `issuer`.
    pub fn matches_issuer(&self, issuer: &Certificate) -> bool {
        let tbs = issuer.tbs_certificate();
        let Ok(name_der) = tbs.subject().to_der() else {
            return false;
        };
        let name = cert_id_hash(&self.hash_algorithm, &name_der);
        let key = cert_id_hash(
            &self.hash_algorithm,
            tbs.subject_public_key_info().subject_public_key.raw_bytes(),
        );
        matches!((name, key), (Some(n), Some(k))
            if n == self.issuer_name_hash.as_bytes() && k == self.issuer_key_hash.as_bytes())
    }

    /// The serial number asked about (big-endian bytes).
    pub fn serial(&self) -> &[u8] {
        self.serial_number.as_bytes()
    }
}

/// The status the responder reports for one certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CertStatus {
    Good,
    Revoked {
        time: SystemTime,
        reason: RevocationReason,
    },
    Unknown,
}

/// An OCSP response that only carries a status code (malformed request, internal error…).
pub fn ocsp_error_response(status: OcspResponseStatus) -> Result<Vec<u8>, Error> {
    Ok(OcspResponseAsn1 {
        response_status: status,
        response_bytes: None,
    }
    .to_der()?)
}

/// Builds a signed OCSP response for `statuses` (each CertID with its status).
pub fn build_ocsp_response(
    issuer: &Certificate,
    signer: &dyn Signer,
    statuses: &[(CertId, CertStatus)],
    nonce: Option<&[u8]>,
    produced_at: SystemTime,
    next_update: Duration,
) -> Result<Vec<u8>, Error> {
    if &x509::certificate_public_key(issuer)? != signer.public_key() {
        return Err(Error::InvalidInput(
            "the signer does not hold the issuer's key",
        ));
    }
    let key_hash = sha1::Sha1::digest(
        issuer
            .tbs_certificate()
            .subject_public_key_info()
            .subject_public_key
            .raw_bytes(),
    );
    let mut responses = Vec::with_capacity(statuses.len());
    for (id, status) in statuses {
        let cert_status = match status {
            CertStatus::Good => CertStatusAsn1::Good(Null),
            CertStatus::Unknown => CertStatusAsn1::Unknown(Null),
            CertStatus::Revoked { time, reason } => CertStatusAsn1::Revoked(RevokedInfo {
                revocation_time: generalized(*time)?,
                revocation_reason: Some(reason.crl_reason()),
            }),
        };
        responses.push(SingleResponse {
            cert_id: id.clone(),
            cert_status,
            this_update: generalized(produced_at)?,
            next_update: Some(generalized(produced_at + next_update)?),
            single_extensions: None,
        });
    }
    let response_extensions = match nonce {
        Some(n) => Some(vec![nonce_extension(n)?]),
        None => None,
    };
    let data = ResponseData {
        version: 0,
        responder_id: responder_by_key(&key_hash)?,
        produced_at: generalized(produced_at)?,
        responses,
        response_extensions,
    };
    let signature = signer.sign(&data.to_der()?)?;
    let basic = BasicOcspResponse {
        tbs_response_data: data,
        signature_algorithm: signer.algorithm().signature_algorithm(),
        signature: BitString::from_bytes(&signature)?,
        certs: None,
    };
    Ok(OcspResponseAsn1 {
        response_status: OcspResponseStatus::Successful,
        response_bytes: Some(ResponseBytes {
            response_type: ID_PKIX_OCSP_BASIC,
            response: OctetString::new(basic.to_der()?)?,
        }),
    }
    .to_der()?)
}

/// Reads an OCSP response, checks its signature by `issuer`, and returns the status of each
/// CertID it answers.
pub fn verify_ocsp_response(
    der: &[u8],
    issuer: &Certificate,
) -> Result<Vec<(CertId, CertStatus)>, Error> {
    let resp = OcspResponseAsn1::from_der(der)?;
    if resp.response_status != OcspResponseStatus::Successful {
        return Err(Error::InvalidInput("OCSP responder reported an error"));
    }
    let bytes = resp
        .response_bytes
        .ok_or(Error::InvalidInput("OCSP response without a body"))?;
    if bytes.response_type != ID_PKIX_OCSP_BASIC {
        return Err(Error::UnsupportedAlgorithm(bytes.response_type.to_string()));
    }
    let basic = BasicOcspResponse::from_der(bytes.response.as_bytes())?;
    let key = x509::certificate_public_key(issuer)?;
    let sig = basic
        .signature
        .as_bytes()
        .ok_or(Error::MalformedSignature)?;
    key.verify_with(
        &basic.signature_algorithm,
        &basic.tbs_response_data.to_der()?,
        sig,
    )?;
    let mut out = Vec::new();
    for r in basic.tbs_response_data.responses {
        let status = match r.cert_status {
            CertStatusAsn1::Good(_) => CertStatus::Good,
            CertStatusAsn1::Unknown(_) => CertStatus::Unknown,
            CertStatusAsn1::Revoked(info) => CertStatus::Revoked {
                time: info.revocation_time.to_system_time(),
                reason: match info.revocation_reason {
                    Some(CrlReason::KeyCompromise) => RevocationReason::KeyCompromise,
                    Some(CrlReason::CaCompromise) => RevocationReason::CaCompromise,
                    Some(CrlReason::AffiliationChanged) => RevocationReason::AffiliationChanged,
                    Some(CrlReason::Superseded) => RevocationReason::Superseded,
                    Some(CrlReason::CessationOfOperation) => RevocationReason::CessationOfOperation,
                    Some(CrlReason::CertificateHold) => RevocationReason::CertificateHold,
                    Some(CrlReason::PrivilegeWithdrawn) => RevocationReason::PrivilegeWithdrawn,
                    _ => RevocationReason::Unspecified,
                },
            },
        };
        out.push((r.cert_id, status));
    }
    Ok(out)
}

/// Builds an OCSP request for the given CertIDs (what a relying party or test sends); the
/// nonce goes in as RFC 8954 wants it, an OCTET STRING inside the extension value.
pub fn build_ocsp_request(ids: &[CertId], nonce: Option<&[u8]>) -> Result<Vec<u8>, Error> {
    let value = match nonce {
        Some(n) => Some(OctetString::new(n)?.to_der()?),
        None => None,
    };
    build_ocsp_request_raw(ids, value.as_deref())
}

/// Reads the nonce a response echoes, without checking the signature (RFC 8954).
pub fn ocsp_response_nonce(der: &[u8]) -> Result<Option<Vec<u8>>, Error> {
    let resp = OcspResponseAsn1::from_der(der)?;
    let bytes = resp
        .response_bytes
        .ok_or(Error::InvalidInput("OCSP response without a body"))?;
    let basic = BasicOcspResponse::from_der(bytes.response.as_bytes())?;
    let ext = basic
        .tbs_response_data
        .response_extensions
        .into_iter()
        .flatten()
        .find(|e| e.extn_id == ID_PKIX_OCSP_NONCE);
    match ext {
        Some(e) => Ok(Some(parse_nonce(e.extn_value.as_bytes())?)),
        None => Ok(None),
    }
}

/// The response status of an OCSP response.
pub fn ocsp_response_status(der: &[u8]) -> Result<OcspResponseStatus, Error> {
    Ok(OcspResponseAsn1::from_der(der)?.response_status)
}

/// Builds an OCSP request whose nonce extension carries `nonce_extn_value` exactly as given
/// (for testing how responders treat malformed nonces).
pub fn build_ocsp_request_raw(
    ids: &[CertId],
    nonce_extn_value: Option<&[u8]>,
) -> Result<Vec<u8>, Error> {
    let request_extensions = match nonce_extn_value {
        Some(v) => Some(vec![Extension {
            extn_id: ID_PKIX_OCSP_NONCE,
            critical: false,
            extn_value: OctetString::new(v)?,
        }]),
        None => None,
    };
    Ok(OcspRequestAsn1 {
        tbs_request: TbsRequest {
            version: 0,
            requestor_name: None,
            request_list: ids
                .iter()
                .map(|id| Request {
                    req_cert: id.clone(),
                    single_request_extensions: None,
                })
                .collect(),
            request_extensions,
        },
        optional_signature: None,
    }
    .to_der()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::PrivateKey;
    use crate::crypto::x509::testing::self_signed;

    fn ca(alg: Algorithm) -> (Certificate, PrivateKey) {
        let key = PrivateKey::generate(alg).expect("key");
        (self_signed(&key, "CA"), key)
    }

    #[test]
    fn crl_is_signed_and_lists_entries() {
        for alg in [Algorithm::Sm2, Algorithm::P256] {
            let (cert, key) = ca(alg);
            let now = SystemTime::now();
            let revoked = [Revoked {
                serial: vec![0x42, 0x01],
                time: now,
                reason: RevocationReason::KeyCompromise,
            }];
            let crl = build_crl(
                &cert,
                &key,
                &revoked,
                7,
                now,
                now + Duration::from_secs(3600),
            )
            .expect("crl");
            let tbs = crl.tbs_cert_list.to_der().expect("tbs");
            key.public_key()
                .verify_with(&crl.signature_algorithm, &tbs, crl.signature.raw_bytes())
                .expect("signature");
            let entries = crl.tbs_cert_list.revoked_certificates.expect("entries");
            assert_eq!(entries[0].serial_number.as_bytes(), &[0x42, 0x01]);
            let other = PrivateKey::generate(alg).expect("key");
            assert!(build_crl(&cert, &other, &[], 1, now, now).is_err());
        }
    }

    #[test]
    fn ocsp_round_trip() {
        for alg in [Algorithm::Sm2, Algorithm::P256] {
            let (cert, key) = ca(alg);
            let now = SystemTime::now();
            let good = CertId::new(&cert, &[0x11, 0x22], None).expect("id");
            let bad = CertId::new(&cert, &[0x33], Some(Algorithm::P256)).expect("id");
            assert!(good.matches_issuer(&cert));
            let req =
                build_ocsp_request(&[good.clone(), bad.clone()], Some(b"nonce-1")).expect("req");
            let parsed = parse_ocsp_request(&req).expect("parse");
            assert_eq!(parsed.cert_ids.len(), 2);
            assert_eq!(parsed.nonce.as_deref(), Some(b"nonce-1".as_slice()));
            let statuses = vec![
                (parsed.cert_ids[0].clone(), CertStatus::Good),
                (
                    parsed.cert_ids[1].clone(),
                    CertStatus::Revoked {
                        time: whole_seconds(now).expect("time"),
                        reason: RevocationReason::Superseded,
                    },
                ),
            ];
            let resp = build_ocsp_response(
                &cert,
                &key,
                &statuses,
                parsed.nonce.as_deref(),
                now,
                Duration::from_secs(600),
            )
            .expect("resp");
            let read = verify_ocsp_response(&resp, &cert).expect("verify");
            assert_eq!(read, statuses);
            let (other, _) = ca(alg);
            assert!(verify_ocsp_response(&resp, &other).is_err());
            assert!(!good.matches_issuer(&other));
            assert!(parse_ocsp_request(b"\x30\x00").is_err());
            assert_eq!(
                ocsp_response_nonce(&resp).expect("nonce").as_deref(),
                Some(b"nonce-1".as_slice())
            );
            for bad in [vec![], vec![7u8; 33], vec![7u8; 4000]] {
                let req = build_ocsp_request(std::slice::from_ref(&good), Some(&bad)).expect("req");
                assert!(parse_ocsp_request(&req).is_err(), "{} octets", bad.len());
            }
            let not_octets =
                build_ocsp_request_raw(std::slice::from_ref(&good), Some(b"\x02\x01\x05"))
                    .expect("req");
            assert!(parse_ocsp_request(&not_octets).is_err());
            let err = ocsp_error_response(OcspResponseStatus::MalformedRequest).expect("err");
            assert!(verify_ocsp_response(&err, &cert).is_err());
        }
    }
}
