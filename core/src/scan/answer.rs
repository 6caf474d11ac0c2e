//! The phone's answer to a session, the service's check of it, and the platform's check of
//! the result.

use std::time::SystemTime;

use der::Decode;
use x509_cert::Certificate;

use super::{ScanError, Statement, b64, unb64};
use crate::crypto::path::{self, ValidationOptions};
use crate::crypto::revocation::{self, CertStatus};
use crate::crypto::seal::{self, MakerTrust, SESeal, SesSignature};
use crate::crypto::{self, Algorithm, PrivateKey, PublicKey, Signer, cms, hash, x509};
use crate::wire::{Completion, DocumentDigests, ScannedSession, SessionKind, SessionResult};

/// Re-encrypts the bid key of a `decrypt` session: opens it with `recipient` (the key of the
/// certificate the bid was sealed to, possibly a retired one) and encrypts it to the platform's
/// ephemeral key. The plain bid key exists only in zeroized memory here.
pub fn reencrypt_bid_key(
    session: &ScannedSession,
    recipient: &PrivateKey,
) -> Result<Vec<u8>, ScanError> {
    let encrypted = unb64(
        "encrypted_key",
        session
            .encrypted_key
            .as_deref()
            .ok_or(ScanError::Missing("encrypted_key"))?,
    )?;
    let ephemeral = PublicKey::from_spki_der(&unb64(
        "ephemeral_public_key",
        session
            .ephemeral_public_key
            .as_deref()
            .ok_or(ScanError::Missing("ephemeral_public_key"))?,
    )?)?;
    let bid_key = recipient.decrypt(&encrypted)?;
    Ok(ephemeral.encrypt(&bid_key)?)
}

/// The phone's answer to a scanned session, signed by `signer` holding `certificate`.
/// `reencrypted_key` is the output of [`reencrypt_bid_key`] for `decrypt` sessions.
pub fn answer(
    session: &ScannedSession,
    signer: &dyn Signer,
    certificate: &Certificate,
    chain: &[Certificate],
    reencrypted_key: Option<Vec<u8>>,
    now: SystemTime,
) -> Result<Completion, ScanError> {
    let alg = signer.algorithm();
    let statement = Statement::for_session(session, alg, reencrypted_key.as_deref())?;
    let bytes = statement.to_bytes();
    let signature = signer.sign(&bytes)?;
    let cms = match statement.digest {
        Some((_, digest)) => Some(b64(&cms::sign_detached(
            &digest,
            signer,
            certificate,
            chain,
            now,
        )?)),
        None => None,
    };
    Ok(Completion {
        scan_ticket: session.scan_ticket.clone(),
        certificate: b64(&x509::to_der(certificate)?),
        statement: b64(&bytes),
        signature: b64(&signature),
        cms,
        reencrypted_key: reencrypted_key.map(|k| b64(&k)),
        ses_signature: None,
    })
}

/// What the `SES_Signature` of a stamp says it protects (`propertyInfo`, ASCII).
fn stamp_property(session_id: &str) -> String {
    format!("mcert stamp {session_id}")
}

/// `stamp` with an SM2 certificate: adds to `completion` the GB/T 38540 `SES_Signature` over
/// the prepared PDF's digest, made with `seal_der` (the seal bound to `certificate`).
pub fn add_seal_signature(
    completion: &mut Completion,
    session: &ScannedSession,
    signer: &dyn Signer,
    certificate: &Certificate,
    seal_der: &[u8],
    now: SystemTime,
) -> Result<(), ScanError> {
    let statement = Statement::for_session(session, signer.algorithm(), None)?;
    let Some((Algorithm::Sm2, digest)) = statement.digest else {
        return Err(ScanError::BadSeal(
            "GB/T 38540 signatures are made with SM2 certificates over an SM3 digest".into(),
        ));
    };
    // The seal file comes from the service with the pick: the seal's own, or for a seal given
    // to this member the grant's (its esID is the grant's); the service checks which.
    let seal = SESeal::from_der(seal_der).map_err(|e| ScanError::BadSeal(e.to_string()))?;
    let signature = seal::sign_with_seal(
        signer,
        &x509::to_der(certificate)?,
        &seal,
        &digest,
        &stamp_property(&session.session_id),
        now,
    )
    .map_err(|e| ScanError::BadSeal(e.to_string()))?;
    completion.ses_signature = Some(b64(signature.to_der()));
    Ok(())
}

/// Checks a stamp's `SES_Signature` (base64): it verifies at `at` with makers `trust` allows,
/// over `digest`, made by `certificate` with the seal whose esID is `seal_id` when given (a
/// grant's seal carries the grant's id; a platform, which does not know grants, passes none and
/// relies on the seal maker's signature and the binding), for this session.
pub fn check_seal_signature(
    ses_b64: &str,
    session_id: &str,
    seal_id: Option<&str>,
    digest: &[u8; 32],
    certificate: &Certificate,
    trust: MakerTrust<'_>,
    at: SystemTime,
) -> Result<(), ScanError> {
    let der = unb64("ses_signature", ses_b64)?;
    let signature = SesSignature::from_der(&der).map_err(|e| ScanError::BadSeal(e.to_string()))?;
    seal::verify_signature(&signature, digest, trust, at)
        .map_err(|e| ScanError::BadSeal(e.to_string()))?;
    if signature.signer_certificate_der() != x509::to_der(certificate)?.as_slice() {
        return Err(ScanError::BadSeal(
            "signed by another certificate than the statement".into(),
        ));
    }
    if seal_id.is_some_and(|id| signature.seal().info().es_id != id) {
        return Err(ScanError::BadSeal("made with another seal".into()));
    }
    if signature.tbs().property_info != stamp_property(session_id) {
        return Err(ScanError::BadSeal("made for another session".into()));
    }
    Ok(())
}

/// The service's check of an answer against the session it holds (`expected_session`, with the
/// statement fields as stored): what was signed is what was shown, the signature verifies with
/// `certificate`'s key, and a `sign` answer's CMS signs the document digest with the same
/// certificate. Chain and status are checked by the caller, who knows the CA.
pub fn check_answer(
    expected_session: &ScannedSession,
    completion: &Completion,
    certificate: &Certificate,
) -> Result<Statement, ScanError> {
    let key = x509::certificate_public_key(certificate)?;
    let alg = key.algorithm();
    let statement_bytes = unb64("statement", &completion.statement)?;
    let signed = Statement::parse(&statement_bytes)?;
    if signed.session_id != expected_session.session_id {
        return Err(ScanError::WrongSession);
    }
    let reencrypted = match &completion.reencrypted_key {
        Some(k) => Some(unb64("reencrypted_key", k)?),
        None => None,
    };
    if expected_session.kind == SessionKind::Decrypt && reencrypted.is_none() {
        return Err(ScanError::Missing("reencrypted_key"));
    }
    let expected = Statement::for_session(expected_session, alg, reencrypted.as_deref())?;
    if let Some(field) = signed.first_difference(&expected) {
        return Err(ScanError::StatementMismatch(field));
    }
    let signature = unb64("signature", &completion.signature)?;
    key.verify(&statement_bytes, &signature)
        .map_err(|_| ScanError::BadSignature)?;
    if let Some((_, digest)) = expected.digest {
        let cms_der = unb64(
            "cms",
            completion.cms.as_deref().ok_or(ScanError::Missing("cms"))?,
        )?;
        let verified = cms::verify_detached(&cms_der, &digest)
            .map_err(|e| ScanError::BadCms(e.to_string()))?;
        if &verified.signer != certificate {
            return Err(ScanError::BadCms(
                "signed by another certificate than the statement".into(),
            ));
        }
    }
    Ok(signed)
}

/// What the platform knows of its own session.
#[derive(Clone, Debug)]
pub struct Expectation<'a> {
    pub session_id: &'a str,
    pub kind: SessionKind,
    /// `sign`: the digests the platform sent.
    pub document_digests: Option<&'a DocumentDigests>,
    /// The CA roots the platform trusts (fetched once from the service, pinned).
    pub roots: &'a [Certificate],
    pub now: SystemTime,
}

/// A result that passed every check.
#[derive(Clone, Debug)]
pub struct VerifiedResult {
    pub certificate: Certificate,
    pub info: x509::CertificateInfo,
    pub statement: Statement,
    /// `decrypt`: the bid key re-encrypted to the platform's ephemeral key.
    pub reencrypted_key: Option<Vec<u8>>,
    /// The signer's encryption certificate (the dual pair's other half), checked: it chains
    /// to a trusted root, is an encryption certificate, and names the same subject. Seal bids
    /// to this one when present.
    pub encryption_certificate: Option<Certificate>,
}

/// Verifies a session result as a relying platform must: the chain to a trusted root, the
/// CA's signed OCSP answer (good), the statement (this session, this kind, this digest, this
/// answer), its signature, and for `sign` the CMS over the document digest.
pub fn verify_result(
    result: &SessionResult,
    expect: &Expectation<'_>,
) -> Result<VerifiedResult, ScanError> {
    let certificate = Certificate::from_der(&unb64("certificate", &result.certificate)?)
        .map_err(crypto::Error::from)?;
    let chain = result
        .chain
        .iter()
        .map(|c| {
            Certificate::from_der(&unb64("chain", c)?)
                .map_err(|e| ScanError::Crypto(crypto::Error::from(e)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut options = ValidationOptions::at(expect.now);
    options.leaf_key_usage = vec![x509_cert::ext::pkix::KeyUsages::DigitalSignature];
    let path = path::validate(&certificate, &chain, expect.roots, &options)?;
    let issuer = path
        .get(1)
        .ok_or(ScanError::NotGood("the certificate is a root"))?;
    let ocsp = unb64("ocsp_response", &result.ocsp_response)?;
    let statuses = revocation::verify_ocsp_response(&ocsp, issuer)?;
    let serial = certificate.tbs_certificate().serial_number().as_bytes();
    let status = statuses
        .iter()
        .find(|(id, _)| id.matches_issuer(issuer) && trim(id.serial()) == trim(serial))
        .map(|(_, s)| s)
        .ok_or(ScanError::NotGood("no OCSP answer for this certificate"))?;
    match status {
        CertStatus::Good => {}
        CertStatus::Revoked { .. } => return Err(ScanError::NotGood("revoked")),
        CertStatus::Unknown => return Err(ScanError::NotGood("unknown")),
    }
    let statement_bytes = unb64("statement", &result.statement)?;
    let statement = Statement::parse(&statement_bytes)?;
    if statement.session_id != expect.session_id {
        return Err(ScanError::WrongSession);
    }
    if statement.kind != expect.kind {
        return Err(ScanError::StatementMismatch("operation"));
    }
    let key = x509::certificate_public_key(&certificate)?;
    key.verify(&statement_bytes, &unb64("signature", &result.signature)?)
        .map_err(|_| ScanError::BadSignature)?;
    let reencrypted_key = match expect.kind {
        SessionKind::Login => None,
        SessionKind::Sign | SessionKind::Stamp => {
            let digests = expect
                .document_digests
                .ok_or(ScanError::Missing("document_digests"))?;
            let digest = digests
                .for_algorithm(key.algorithm())?
                .ok_or(ScanError::BadDigest(key.algorithm()))?;
            if statement.digest != Some((key.algorithm(), digest)) {
                return Err(ScanError::StatementMismatch("digest"));
            }
            let cms_der = unb64(
                "cms",
                result.cms.as_deref().ok_or(ScanError::Missing("cms"))?,
            )?;
            let verified = cms::verify_detached(&cms_der, &digest)
                .map_err(|e| ScanError::BadCms(e.to_string()))?;
            if verified.signer != certificate {
                return Err(ScanError::BadCms("signed by another certificate".into()));
            }
            if expect.kind == SessionKind::Stamp {
                let seal_id = result
                    .seal_id
                    .as_deref()
                    .ok_or(ScanError::Missing("seal_id"))?;
                if statement.seal.as_deref() != Some(seal_id) {
                    return Err(ScanError::StatementMismatch("seal"));
                }
                if key.algorithm() == Algorithm::Sm2 {
                    let ses = result
                        .ses_signature
                        .as_deref()
                        .ok_or(ScanError::Missing("ses_signature"))?;
                    check_seal_signature(
                        ses,
                        expect.session_id,
                        None,
                        &digest,
                        &certificate,
                        MakerTrust::Anchors {
                            anchors: expect.roots,
                            intermediates: &chain,
                        },
                        expect.now,
                    )?;
                }
            }
            None
        }
        SessionKind::Decrypt => {
            let k = unb64(
                "reencrypted_key",
                result
                    .reencrypted_key
                    .as_deref()
                    .ok_or(ScanError::Missing("reencrypted_key"))?,
            )?;
            if statement.answer_sha256 != Some(hash::sha256(&k)) {
                return Err(ScanError::StatementMismatch("answer"));
            }
            Some(k)
        }
    };
    let encryption_certificate = match &result.encryption_certificate {
        Some(b64) => {
            let enc = Certificate::from_der(&unb64("encryption_certificate", b64)?)
                .map_err(crypto::Error::from)?;
            let mut options = ValidationOptions::at(expect.now);
            options.leaf_key_usage = vec![x509_cert::ext::pkix::KeyUsages::KeyAgreement];
            path::validate(&enc, &chain, expect.roots, &options)?;
            if !x509::is_encryption_certificate(&enc)
                || enc.tbs_certificate().subject() != certificate.tbs_certificate().subject()
            {
                return Err(ScanError::NotGood(
                    "the encryption certificate is not the signer's pair",
                ));
            }
            Some(enc)
        }
        None => None,
    };
    let info = x509::info(&certificate)?;
    Ok(VerifiedResult {
        certificate,
        info,
        statement,
        reencrypted_key,
        encryption_certificate,
    })
}

fn trim(serial: &[u8]) -> &[u8] {
    match serial.iter().position(|b| *b != 0) {
        Some(i) => &serial[i..],
        None => serial,
    }
}
