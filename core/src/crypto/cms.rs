//! Detached CMS SignedData (RFC 5652) over a document digest, with signed attributes
//! (contentType, messageDigest, signingTime), so a phone that holds only the digest can sign;
//! and attached SignedData carrying its content (the service's P-256 seal bindings).
//!
//! P-256 signers use SHA-256 and ecdsa-with-SHA256; SM2 signers use SM3 (1.2.156.10197.1.401)
//! and SM2-with-SM3 (1.2.156.10197.1.501), with the standard PKCS#7 content type OIDs.

use std::time::{Duration, SystemTime};

use cms::cert::{CertificateChoices, IssuerAndSerialNumber};
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{
    CertificateSet, EncapsulatedContentInfo, SignedAttributes, SignedData, SignerIdentifier,
    SignerInfo, SignerInfos,
};
use der::asn1::{OctetString, SetOfVec};
use der::{Any, Decode, Encode};
use x509_cert::attr::Attribute;
use x509_cert::certificate::Certificate;
use x509_cert::time::Time;

use super::{Algorithm, Error, Signer, oid, x509};

/// Upper bound on the size of a CMS blob read from outside.
pub const MAX_CMS_LEN: usize = 64 * 1024;

fn attribute(oid: const_oid::ObjectIdentifier, value: Any) -> Result<Attribute, Error> {
    let mut values = SetOfVec::new();
    values.insert(value)?;
    Ok(Attribute { oid, values })
}

/// Signs `digest` (SM3 for an SM2 signer, SHA-256 for P-256) of a document held elsewhere.
/// `certificate` is the signer's certificate; `chain` adds issuing CA certificates.
pub fn sign_detached(
    digest: &[u8],
    signer: &dyn Signer,
    certificate: &Certificate,
    chain: &[Certificate],
    signing_time: SystemTime,
) -> Result<Vec<u8>, Error> {
    sign(digest, None, signer, certificate, chain, signing_time)
}

/// Signs `content` and carries it inside the SignedData (id-data), as `openssl cms -verify`
/// reads it back.
pub fn sign_attached(
    content: &[u8],
    signer: &dyn Signer,
    certificate: &Certificate,
    chain: &[Certificate],
    signing_time: SystemTime,
) -> Result<Vec<u8>, Error> {
    let digest = signer.algorithm().digest(content);
    sign(
        &digest,
        Some(content),
        signer,
        certificate,
        chain,
        signing_time,
    )
}

fn sign(
    digest: &[u8],
    content: Option<&[u8]>,
    signer: &dyn Signer,
    certificate: &Certificate,
    chain: &[Certificate],
    signing_time: SystemTime,
) -> Result<Vec<u8>, Error> {
    let alg = signer.algorithm();
    if digest.len() != 32 {
        return Err(Error::InvalidInput("the document digest must be 32 bytes"));
    }
    if &x509::certificate_public_key(certificate)? != signer.public_key() {
        return Err(Error::InvalidInput(
            "the certificate does not belong to the signer",
        ));
    }
    let secs = signing_time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_err(|_| Error::InvalidInput("time before 1970"))?
        .as_secs();
    let time = Time::try_from(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))?;

    let mut signed_attrs: SignedAttributes = SetOfVec::new();
    signed_attrs.insert(attribute(oid::ATTR_CONTENT_TYPE, Any::from(oid::CMS_DATA))?)?;
    signed_attrs.insert(attribute(
        oid::ATTR_MESSAGE_DIGEST,
        Any::encode_from(&OctetString::new(digest)?)?,
    )?)?;
    signed_attrs.insert(attribute(oid::ATTR_SIGNING_TIME, Any::encode_from(&time)?)?)?;
    // The signature covers the DER of the attributes as a SET OF (RFC 5652 §5.4).
    let signature = signer.sign(&signed_attrs.to_der()?)?;

    let tbs = certificate.tbs_certificate();
    let signer_info = SignerInfo {
        version: CmsVersion::V1,
        sid: SignerIdentifier::IssuerAndSerialNumber(IssuerAndSerialNumber {
            issuer: tbs.issuer().clone(),
            serial_number: tbs.serial_number().clone(),
        }),
        digest_alg: alg.digest_algorithm(),
        signed_attrs: Some(signed_attrs),
        signature_algorithm: alg.signature_algorithm(),
        signature: OctetString::new(signature)?,
        unsigned_attrs: None,
    };
    let mut digest_algorithms = SetOfVec::new();
    digest_algorithms.insert(alg.digest_algorithm())?;
    let mut certs = SetOfVec::new();
    certs.insert(CertificateChoices::Certificate(certificate.clone()))?;
    for c in chain {
        certs.insert(CertificateChoices::Certificate(c.clone()))?;
    }
    let mut signer_infos = SetOfVec::new();
    signer_infos.insert(signer_info)?;
    let signed_data = SignedData {
        version: CmsVersion::V1,
        digest_algorithms,
        encap_content_info: EncapsulatedContentInfo {
            econtent_type: oid::CMS_DATA,
            econtent: content
                .map(|c| OctetString::new(c).and_then(|o| Any::encode_from(&o)))
                .transpose()?,
        },
        certificates: Some(CertificateSet(certs)),
        crls: None,
        signer_infos: SignerInfos(signer_infos),
    };
    let content_info = ContentInfo {
        content_type: oid::CMS_SIGNED_DATA,
        content: Any::encode_from(&signed_data)?,
    };
    Ok(content_info.to_der()?)
}

/// What a verified detached signature tells.
#[derive(Clone, Debug)]
pub struct VerifiedSignature {
    /// The signer's certificate, taken from the CMS (check its path separately).
    pub signer: Certificate,
    /// Every certificate the CMS carried.
    pub certificates: Vec<Certificate>,
    pub signing_time: Option<SystemTime>,
    pub algorithm: Algorithm,
}

fn cms_error(reason: &'static str) -> Error {
    Error::Cms(reason)
}

fn single_value(attrs: &SignedAttributes, oid: const_oid::ObjectIdentifier) -> Option<&Any> {
    attrs.iter().find(|a| a.oid == oid).and_then(|a| {
        if a.values.len() == 1 {
            a.values.get(0)
        } else {
            None
        }
    })
}

/// The bytes the (single) signer signed, the DER SET OF signed attributes, and its signature:
/// what an outside tool needs to check an SM2 SignerInfo with an explicit SM2 ID.
pub fn signed_attributes_and_signature(cms_der: &[u8]) -> Result<(Vec<u8>, Vec<u8>), Error> {
    let sd = parse_signed_data(cms_der)?;
    let si = single_signer(&sd)?;
    let attrs = si
        .signed_attrs
        .as_ref()
        .ok_or(cms_error("signed attributes missing"))?;
    Ok((attrs.to_der()?, si.signature.as_bytes().to_vec()))
}

fn parse_signed_data(cms_der: &[u8]) -> Result<SignedData, Error> {
    if cms_der.len() > MAX_CMS_LEN {
        return Err(cms_error("CMS too large"));
    }
    let ci = ContentInfo::from_der(cms_der).map_err(|_| cms_error("not a CMS ContentInfo"))?;
    if ci.content_type != oid::CMS_SIGNED_DATA {
        return Err(cms_error("not SignedData"));
    }
    ci.content
        .decode_as()
        .map_err(|_| cms_error("malformed SignedData"))
}

fn single_signer(sd: &SignedData) -> Result<&SignerInfo, Error> {
    match sd.signer_infos.0.len() {
        1 => sd.signer_infos.0.get(0).ok_or(cms_error("no signer")),
        0 => Err(cms_error("no signer")),
        _ => Err(cms_error("more than one signer")),
    }
}

/// Verifies a detached CMS SignedData against the document digest. Checks the signature over
/// the signed attributes, the messageDigest and contentType attributes, and that the digest
/// algorithm fits the signer's key. Does not check the certificate path.
pub fn verify_detached(cms_der: &[u8], digest: &[u8]) -> Result<VerifiedSignature, Error> {
    let sd = parse_signed_data(cms_der)?;
    if sd.encap_content_info.econtent.is_some() {
        return Err(cms_error("expected a detached signature"));
    }
    verify(&sd, |_| digest.to_vec())
}

/// Verifies an attached CMS SignedData (id-data) and returns its content. Checks as
/// [`verify_detached`] does, with the digest of the carried content; not the certificate path.
pub fn verify_attached(cms_der: &[u8]) -> Result<(Vec<u8>, VerifiedSignature), Error> {
    let sd = parse_signed_data(cms_der)?;
    if sd.encap_content_info.econtent_type != oid::CMS_DATA {
        return Err(cms_error("the content is not id-data"));
    }
    let content = sd
        .encap_content_info
        .econtent
        .as_ref()
        .ok_or(cms_error("expected an attached signature"))?
        .decode_as::<OctetString>()
        .map_err(|_| cms_error("malformed content"))?
        .as_bytes()
        .to_vec();
    let verified = verify(&sd, |alg| alg.digest(&content).to_vec())?;
    Ok((content, verified))
}

/// The checks of one signer of `sd`, with the digest of the content for the signer's
/// algorithm.
fn verify(
    sd: &SignedData,
    digest_for: impl FnOnce(Algorithm) -> Vec<u8>,
) -> Result<VerifiedSignature, Error> {
    let certificates: Vec<Certificate> = sd
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .filter_map(|c| match c {
            CertificateChoices::Certificate(cert) => Some(cert.clone()),
            CertificateChoices::Other(_) => None,
        })
        .collect();
    let si = single_signer(sd)?;
    let SignerIdentifier::IssuerAndSerialNumber(isn) = &si.sid else {
        return Err(cms_error("signer identified by key id is not supported"));
    };
    let signer = certificates
        .iter()
        .find(|c| {
            c.tbs_certificate().issuer() == &isn.issuer
                && c.tbs_certificate().serial_number() == &isn.serial_number
        })
        .ok_or(cms_error("the signer's certificate is not included"))?
        .clone();
    let key = x509::certificate_public_key(&signer)?;
    let alg = key.algorithm();
    if si.digest_alg.oid != alg.digest_oid() {
        return Err(cms_error("digest algorithm does not fit the signer's key"));
    }
    let attrs = si
        .signed_attrs
        .as_ref()
        .ok_or(cms_error("signed attributes missing"))?;
    let content_type = single_value(attrs, oid::ATTR_CONTENT_TYPE)
        .ok_or(cms_error("contentType attribute missing"))?
        .decode_as::<const_oid::ObjectIdentifier>()
        .map_err(|_| cms_error("malformed contentType"))?;
    if content_type != sd.encap_content_info.econtent_type {
        return Err(cms_error("contentType attribute does not match"));
    }
    let md = single_value(attrs, oid::ATTR_MESSAGE_DIGEST)
        .ok_or(cms_error("messageDigest attribute missing"))?
        .decode_as::<OctetString>()
        .map_err(|_| cms_error("malformed messageDigest"))?;
    if md.as_bytes() != digest_for(alg).as_slice() {
        return Err(cms_error("the document digest does not match"));
    }
    let signing_time = single_value(attrs, oid::ATTR_SIGNING_TIME)
        .and_then(|v| v.decode_as::<Time>().ok())
        .map(|t| t.to_system_time());
    key.verify_with(
        &si.signature_algorithm,
        &attrs.to_der()?,
        si.signature.as_bytes(),
    )
    .map_err(|e| match e {
        Error::BadSignature | Error::MalformedSignature => cms_error("signature does not verify"),
        other => other,
    })?;
    Ok(VerifiedSignature {
        signer,
        certificates,
        signing_time,
        algorithm: alg,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::PrivateKey;
    use crate::crypto::x509::testing::self_signed;

    #[test]
    fn attached_round_trip_and_tampered_content() {
        for alg in [Algorithm::Sm2, Algorithm::P256] {
            let key = PrivateKey::generate(alg).expect("key");
            let cert = self_signed(&key, "binder");
            let cms =
                sign_attached(b"seal=s1\n", &key, &cert, &[], SystemTime::now()).expect("sign");
            let (content, v) = verify_attached(&cms).expect("verify");
            assert_eq!(content, b"seal=s1\n");
            assert_eq!(v.signer, cert);
            // A detached reading refuses it, and a changed content byte fails the digest.
            assert!(verify_detached(&cms, &alg.digest(b"seal=s1\n")).is_err());
            let at = cms
                .windows(8)
                .position(|w| w == b"seal=s1\n")
                .expect("content inside");
            let mut bad = cms.clone();
            bad[at + 5] = b'2';
            assert!(matches!(verify_attached(&bad), Err(Error::Cms(_))));
            let detached = sign_detached(&alg.digest(b"x"), &key, &cert, &[], SystemTime::now())
                .expect("sign");
            assert!(matches!(verify_attached(&detached), Err(Error::Cms(_))));
        }
    }

    #[test]
    fn detached_round_trip_and_wrong_digest() {
        for alg in [Algorithm::Sm2, Algorithm::P256] {
            let key = PrivateKey::generate(alg).expect("key");
            let cert = self_signed(&key, "signer");
            let digest = alg.digest(b"tender document v3");
            let now = SystemTime::now();
            let cms = sign_detached(&digest, &key, &cert, &[], now).expect("sign");
            let v = verify_detached(&cms, &digest).expect("verify");
            assert_eq!(v.signer, cert);
            assert_eq!(v.algorithm, alg);
            let t = v.signing_time.expect("time");
            assert!(now.duration_since(t).unwrap_or_default() < Duration::from_secs(2));

            let other = alg.digest(b"tender document v4");
            assert!(matches!(verify_detached(&cms, &other), Err(Error::Cms(_))));
            assert!(matches!(
                verify_detached(&cms[..cms.len() - 3], &digest),
                Err(Error::Cms(_))
            ));
            // A certificate of another key is refused at signing time.
            let stranger = PrivateKey::generate(alg).expect("key");
            assert!(sign_detached(&digest, &stranger, &cert, &[], now).is_err());
            assert!(sign_detached(&digest[..20], &key, &cert, &[], now).is_err());
        }
    }
}
