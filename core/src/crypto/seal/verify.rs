//! Verifying a seal (the maker's signature, the maker's trust, the validity window) and a seal
//! signature (the signer's signature, the binding of the signer's certificate to the seal, the
//! data hash, the seal itself at the signing time).

use std::fmt;
use std::time::{Duration, SystemTime};

use x509_cert::Certificate;
use x509_cert::ext::pkix::KeyUsages;

use super::make::{parse_cert, sm2_key};
use super::{CertRole, ExtData, SESeal, SealError, SesSignature};
use crate::crypto::path::{ValidationOptions, validate};
use crate::crypto::{hash, oid};

/// How far in the future a claimed signing time may lie (clock skew between phone and verifier).
pub const MAX_CLOCK_SKEW: Duration = Duration::from_secs(300);

/// Who may make seals.
#[derive(Clone, Copy)]
pub enum MakerTrust<'a> {
    /// The maker's certificate must chain to one of `anchors` (through `intermediates`) at the
    /// verification time and allow digitalSignature.
    Anchors {
        anchors: &'a [Certificate],
        intermediates: &'a [Certificate],
    },
    /// The caller judges the maker's certificate (pinning, revocation…): `Err(reason)` refuses.
    /// Its validity period at the verification time is checked before.
    Callback(&'a dyn Fn(&Certificate, SystemTime) -> Result<(), String>),
}

impl fmt::Debug for MakerTrust<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MakerTrust::Anchors {
                anchors,
                intermediates,
            } => write!(
                f,
                "Anchors({} anchors, {} intermediates)",
                anchors.len(),
                intermediates.len()
            ),
            MakerTrust::Callback(_) => f.write_str("Callback"),
        }
    }
}

/// A seal that verified.
#[derive(Clone, Debug)]
pub struct VerifiedSeal<'a> {
    pub seal: &'a SESeal,
    /// The seal maker's certificate.
    pub maker: Certificate,
}

/// A seal signature that verified, with its seal.
#[derive(Clone, Debug)]
pub struct VerifiedSignature<'a> {
    pub signature: &'a SesSignature,
    /// The signer's certificate (bound to the seal; its path and status are the caller's to
    /// check with [`crate::crypto::path`] and [`crate::crypto::revocation`]).
    pub signer: Certificate,
    pub seal: VerifiedSeal<'a>,
    /// The signing time the signer claims (`timeInfo`).
    pub signing_time: SystemTime,
}

fn check_algorithm(alg: const_oid::ObjectIdentifier) -> Result<(), SealError> {
    if alg == oid::SM2_WITH_SM3 {
        Ok(())
    } else {
        Err(SealError::UnsupportedAlgorithm(alg.to_string()))
    }
}

fn check_cert_validity(
    cert: &Certificate,
    role: CertRole,
    at: SystemTime,
) -> Result<(), SealError> {
    let validity = cert.tbs_certificate().validity();
    if at < validity.not_before.to_system_time() {
        return Err(SealError::CertificateNotYetValid(role));
    }
    if at > validity.not_after.to_system_time() {
        return Err(SealError::CertificateExpired(role));
    }
    Ok(())
}

fn check_extensions(exts: &[ExtData]) -> Result<(), SealError> {
    // mcert understands no seal extension, so any critical one refuses the seal.
    match exts.iter().find(|e| e.critical) {
        Some(e) => Err(SealError::UnknownCriticalExtension(e.id.to_string())),
        None => Ok(()),
    }
}

/// Verifies a seal at time `at`: the algorithm, the maker's signature over the exact
/// `SES_SealInfo` bytes, the maker's certificate (validity at `at`, then `trust`), critical
/// extensions, and the seal's validity window.
pub fn verify_seal<'a>(
    seal: &'a SESeal,
    trust: MakerTrust<'_>,
    at: SystemTime,
) -> Result<VerifiedSeal<'a>, SealError> {
    check_algorithm(seal.signature_algorithm())?;
    let maker = parse_cert(seal.maker_certificate_der(), CertRole::Maker)?;
    sm2_key(&maker, CertRole::Maker)?
        .verify(seal.info_der(), seal.signature_der())
        .map_err(|_| SealError::BadMakerSignature)?;
    check_cert_validity(&maker, CertRole::Maker, at)?;
    match trust {
        MakerTrust::Anchors {
            anchors,
            intermediates,
        } => {
            let options = ValidationOptions {
                time: at,
                leaf_key_usage: vec![KeyUsages::DigitalSignature],
            };
            validate(&maker, intermediates, anchors, &options)
                .map_err(|e| SealError::MakerNotTrusted(e.to_string()))?;
        }
        MakerTrust::Callback(check) => check(&maker, at).map_err(SealError::MakerNotTrusted)?,
    }
    let info = seal.info();
    check_extensions(&info.extensions)?;
    let property = &info.property;
    if property.valid_to < property.valid_from {
        return Err(SealError::InvalidValidity);
    }
    if at < property.valid_from {
        return Err(SealError::SealNotYetValid);
    }
    if at > property.valid_to {
        return Err(SealError::SealExpired);
    }
    Ok(VerifiedSeal { seal, maker })
}

/// Verifies a seal signature at time `at` against `data_hash` (SM3 of the protected bytes):
/// the algorithm, the signer's signature over the exact `TBS_Sign` bytes, the signer's
/// certificate validity at `at` and its binding to the seal, the data hash, the seal (as
/// [`verify_seal`] does, at `at`), and that the claimed signing time lies within the seal's
/// validity and not in the future.
pub fn verify_signature<'a>(
    signature: &'a SesSignature,
    data_hash: &[u8],
    trust: MakerTrust<'_>,
    at: SystemTime,
) -> Result<VerifiedSignature<'a>, SealError> {
    check_algorithm(signature.signature_algorithm())?;
    let signer = parse_cert(signature.signer_certificate_der(), CertRole::Signer)?;
    sm2_key(&signer, CertRole::Signer)?
        .verify(signature.tbs_der(), signature.signature_der())
        .map_err(|_| SealError::BadSignature)?;
    check_cert_validity(&signer, CertRole::Signer, at)?;
    let tbs = signature.tbs();
    if !tbs.seal.binds(signature.signer_certificate_der()) {
        return Err(SealError::SignerNotBound);
    }
    if data_hash.len() != 32 {
        return Err(SealError::InvalidDataHash);
    }
    if !hash::ct_eq(&tbs.data_hash, data_hash) {
        return Err(SealError::DataHashMismatch);
    }
    let seal = verify_seal(&tbs.seal, trust, at)?;
    let property = &tbs.seal.info().property;
    if tbs.time < property.valid_from || tbs.time > property.valid_to {
        return Err(SealError::SignedOutsideSealValidity);
    }
    if tbs.time > at.checked_add(MAX_CLOCK_SKEW).unwrap_or(at) {
        return Err(SealError::SigningTimeInFuture);
    }
    check_extensions(&tbs.extensions)?;
    Ok(VerifiedSignature {
        signature,
        signer,
        seal,
        signing_time: tbs.time,
    })
}
