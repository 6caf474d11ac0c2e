//! Certification path validation (RFC 5280 §6, the parts mcert's hierarchies use): signatures,
//! validity at a given time, CA flags, path length, key usage, name chaining and unknown critical
//! extensions. Works for SM2 and P-256 alike.

use std::time::SystemTime;

use const_oid::ObjectIdentifier;
use der::Encode;
use x509_cert::certificate::Certificate;
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage, KeyUsages};

use super::{Error, x509};

/// Longest chain accepted (leaf, intermediates, anchor).
pub const MAX_PATH_LEN: usize = 8;

/// Extensions this validator understands; any other extension marked critical fails the path.
const KNOWN_EXTENSIONS: [&str; 8] = [
    "2.5.29.19",         // basicConstraints
    "2.5.29.15",         // keyUsage
    "2.5.29.37",         // extKeyUsage
    "2.5.29.14",         // subjectKeyIdentifier
    "2.5.29.35",         // authorityKeyIdentifier
    "2.5.29.31",         // cRLDistributionPoints
    "1.3.6.1.5.5.7.1.1", // authorityInfoAccess
    "2.5.29.17",         // subjectAltName
];

/// Why a path is not valid. Each names the certificate by its subject.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    #[error("no issuer found for {subject}")]
    NoIssuer { subject: String },
    #[error("signature on {subject} does not verify")]
    BadSignature { subject: String },
    #[error("{subject} is not valid yet")]
    NotYetValid { subject: String },
    #[error("{subject} has expired")]
    Expired { subject: String },
    #[error("{subject} is used as an issuer but is not a CA")]
    NotCa { subject: String },
    #[error("{subject} may not sign certificates (keyUsage)")]
    NoKeyCertSign { subject: String },
    #[error("path length constraint of {subject} exceeded")]
    PathLenExceeded { subject: String },
    #[error("{subject} lacks the required key usage")]
    KeyUsage { subject: String },
    #[error("{subject} carries an unknown critical extension {oid}")]
    UnknownCriticalExtension { subject: String, oid: String },
    #[error("{subject}: {reason}")]
    Malformed { subject: String, reason: String },
    #[error("certification path longer than {MAX_PATH_LEN}")]
    TooLong,
}

impl From<PathError> for Error {
    fn from(e: PathError) -> Self {
        Error::Path(e)
    }
}

/// What the caller asks of the leaf.
#[derive(Clone, Debug)]
pub struct ValidationOptions {
    /// The time at which the path must be valid.
    pub time: SystemTime,
    /// Key usages the leaf must allow (checked only when the leaf has a keyUsage extension).
    pub leaf_key_usage: Vec<KeyUsages>,
}

impl ValidationOptions {
    pub fn at(time: SystemTime) -> Self {
        ValidationOptions {
            time,
            leaf_key_usage: Vec::new(),
        }
    }
}

fn subject_of(cert: &Certificate) -> String {
    cert.tbs_certificate().subject().to_string()
}

fn check_validity(cert: &Certificate, time: SystemTime) -> Result<(), PathError> {
    let validity = cert.tbs_certificate().validity();
    if time < validity.not_before.to_system_time() {
        return Err(PathError::NotYetValid {
            subject: subject_of(cert),
        });
    }
    if time > validity.not_after.to_system_time() {
        return Err(PathError::Expired {
            subject: subject_of(cert),
        });
    }
    Ok(())
}

fn check_critical_extensions(cert: &Certificate) -> Result<(), PathError> {
    for ext in cert.tbs_certificate().extensions().into_iter().flatten() {
        if ext.critical && !KNOWN_EXTENSIONS.contains(&ext.extn_id.to_string().as_str()) {
            return Err(PathError::UnknownCriticalExtension {
                subject: subject_of(cert),
                oid: ext.extn_id.to_string(),
            });
        }
    }
    Ok(())
}

fn malformed(cert: &Certificate, reason: impl ToString) -> PathError {
    PathError::Malformed {
        subject: subject_of(cert),
        reason: reason.to_string(),
    }
}

fn key_usage(cert: &Certificate) -> Result<Option<KeyUsage>, PathError> {
    cert.tbs_certificate()
        .get_extension::<KeyUsage>()
        .map(|o| o.map(|(_, ku)| ku))
        .map_err(|e| malformed(cert, e))
}

/// Checks that `issuer` signed `cert`.
fn check_signature(cert: &Certificate, issuer: &Certificate) -> Result<(), PathError> {
    let key = x509::certificate_public_key(issuer).map_err(|e| malformed(issuer, e))?;
    let tbs = cert
        .tbs_certificate()
        .to_der()
        .map_err(|e| malformed(cert, e))?;
    if cert.signature_algorithm() != cert.tbs_certificate().signature() {
        return Err(malformed(cert, "signature algorithms disagree"));
    }
    let sig = cert
        .signature()
        .as_bytes()
        .ok_or_else(|| malformed(cert, "signature has unused bits"))?;
    key.verify_with(cert.signature_algorithm(), &tbs, sig)
        .map_err(|_| PathError::BadSignature {
            subject: subject_of(cert),
        })
}

/// Checks what an issuer must be: a CA that may sign certificates, within its path length.
/// `below` counts the non-self-issued intermediates between it and the leaf.
fn check_issuer(issuer: &Certificate, below: usize) -> Result<(), PathError> {
    let bc = issuer
        .tbs_certificate()
        .get_extension::<BasicConstraints>()
        .map_err(|e| malformed(issuer, e))?;
    let Some((_, bc)) = bc else {
        return Err(PathError::NotCa {
            subject: subject_of(issuer),
        });
    };
    if !bc.ca {
        return Err(PathError::NotCa {
            subject: subject_of(issuer),
        });
    }
    if let Some(limit) = bc.path_len_constraint
        && below > usize::from(limit)
    {
        return Err(PathError::PathLenExceeded {
            subject: subject_of(issuer),
        });
    }
    if let Some(ku) = key_usage(issuer)?
        && !ku.0.contains(KeyUsages::KeyCertSign)
    {
        return Err(PathError::NoKeyCertSign {
            subject: subject_of(issuer),
        });
    }
    Ok(())
}

fn issued_by(cert: &Certificate, issuer: &Certificate) -> bool {
    cert.tbs_certificate().issuer() == issuer.tbs_certificate().subject()
}

fn is_self_issued(cert: &Certificate) -> bool {
    issued_by(cert, cert)
}

fn same_certificate(a: &Certificate, b: &Certificate) -> bool {
    a == b
}

/// Validates `leaf` up to one of `anchors`, using `intermediates` as needed. Returns the path
/// from the leaf to the anchor.
pub fn validate(
    leaf: &Certificate,
    intermediates: &[Certificate],
    anchors: &[Certificate],
    options: &ValidationOptions,
) -> Result<Vec<Certificate>, PathError> {
    check_validity(leaf, options.time)?;
    check_critical_extensions(leaf)?;
    if !options.leaf_key_usage.is_empty()
        && let Some(ku) = key_usage(leaf)?
        && options.leaf_key_usage.iter().any(|u| !ku.0.contains(*u))
    {
        return Err(PathError::KeyUsage {
            subject: subject_of(leaf),
        });
    }

    let mut path = vec![leaf.clone()];
    // Non-self-issued intermediates on the path so far (for pathLenConstraint).
    let mut below = 0usize;
    loop {
        if path.len() > MAX_PATH_LEN {
            return Err(PathError::TooLong);
        }
        let current = path.last().ok_or(PathError::TooLong)?.clone();

        // A trust anchor that is the current certificate itself ends the path.
        if path.len() > 1 && anchors.iter().any(|a| same_certificate(a, &current)) {
            return Ok(path);
        }

        // An anchor that issued the current certificate ends it too.
        let mut last_error = None;
        for anchor in anchors.iter().filter(|a| issued_by(&current, a)) {
            match check_signature(&current, anchor)
                .and_then(|()| check_issuer(anchor, below))
                .and_then(|()| check_validity(anchor, options.time))
            {
                Ok(()) => {
                    path.push(anchor.clone());
                    return Ok(path);
                }
                Err(e) => last_error = Some(e),
            }
        }

        // Otherwise climb through an intermediate that is not on the path yet.
        let mut next = None;
        for candidate in intermediates.iter().filter(|c| issued_by(&current, c)) {
            if path.iter().any(|p| same_certificate(p, candidate)) {
                continue;
            }
            let checked = check_signature(&current, candidate)
                .and_then(|()| check_issuer(candidate, below))
                .and_then(|()| check_validity(candidate, options.time))
                .and_then(|()| check_critical_extensions(candidate));
            match checked {
                Ok(()) => {
                    next = Some(candidate.clone());
                    break;
                }
                Err(e) => last_error = Some(e),
            }
        }
        match next {
            Some(issuer) => {
                if !is_self_issued(&issuer) {
                    below += 1;
                }
                path.push(issuer);
            }
            None => {
                return Err(last_error.unwrap_or(PathError::NoIssuer {
                    subject: subject_of(&current),
                }));
            }
        }
    }
}

/// OIDs of the extensions in a certificate (for diagnostics).
pub fn extension_oids(cert: &Certificate) -> Vec<ObjectIdentifier> {
    cert.tbs_certificate()
        .extensions()
        .into_iter()
        .flatten()
        .map(|e| e.extn_id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::name::SubjectName;
    use crate::crypto::x509::{CertificateTemplate, Issuer, Profile, issue};
    use crate::crypto::{Algorithm, PrivateKey};
    use std::time::Duration;

    struct Hierarchy {
        root: Certificate,
        issuing: Certificate,
        issuing_key: PrivateKey,
        leaf: Certificate,
    }

    fn name(cn: &str) -> x509_cert::name::Name {
        SubjectName {
            common_name: Some(cn.into()),
            ..Default::default()
        }
        .to_name()
        .expect("name")
    }

    fn template(profile: Profile, cn: &str, key: &PrivateKey, days: u64) -> CertificateTemplate {
        let now = SystemTime::now();
        CertificateTemplate {
            profile,
            subject: name(cn),
            subject_key: key.public_key().clone(),
            serial: None,
            not_before: now - Duration::from_secs(60),
            not_after: now + Duration::from_secs(days * 86400),
            crl_url: None,
            ocsp_url: None,
            ca_issuers_url: None,
        }
    }

    fn hierarchy(alg: Algorithm) -> Hierarchy {
        let root_key = PrivateKey::generate(alg).expect("key");
        let root = issue(
            &template(Profile::RootCa, "Root", &root_key, 3650),
            Issuer::SelfSigned(&root_key),
        )
        .expect("root");
        let issuing_key = PrivateKey::generate(alg).expect("key");
        let issuing = issue(
            &template(
                Profile::IssuingCa { path_len: 0 },
                "Issuing",
                &issuing_key,
                1825,
            ),
            Issuer::Ca {
                certificate: &root,
                signer: &root_key,
            },
        )
        .expect("issuing");
        let leaf_key = PrivateKey::generate(alg).expect("key");
        let leaf = issue(
            &template(Profile::PersonalLeaf, "王五", &leaf_key, 365),
            Issuer::Ca {
                certificate: &issuing,
                signer: &issuing_key,
            },
        )
        .expect("leaf");
        Hierarchy {
            root,
            issuing,
            issuing_key,
            leaf,
        }
    }

    #[test]
    fn valid_paths_and_each_failure() {
        for alg in [Algorithm::Sm2, Algorithm::P256] {
            let h = hierarchy(alg);
            let now = SystemTime::now();
            let opts = ValidationOptions {
                time: now,
                leaf_key_usage: vec![KeyUsages::DigitalSignature],
            };
            let path = validate(
                &h.leaf,
                std::slice::from_ref(&h.issuing),
                std::slice::from_ref(&h.root),
                &opts,
            )
            .expect("valid path");
            assert_eq!(path.len(), 3);

            // Missing intermediate.
            assert!(matches!(
                validate(&h.leaf, &[], std::slice::from_ref(&h.root), &opts),
                Err(PathError::NoIssuer { .. })
            ));
            // Too late and too early.
            let late = ValidationOptions::at(now + Duration::from_secs(400 * 86400));
            assert!(matches!(
                validate(
                    &h.leaf,
                    std::slice::from_ref(&h.issuing),
                    std::slice::from_ref(&h.root),
                    &late
                ),
                Err(PathError::Expired { .. })
            ));
            let early = ValidationOptions::at(now - Duration::from_secs(86400));
            assert!(matches!(
                validate(
                    &h.leaf,
                    std::slice::from_ref(&h.issuing),
                    std::slice::from_ref(&h.root),
                    &early
                ),
                Err(PathError::NotYetValid { .. })
            ));
            // An anchor of another hierarchy with the same name does not verify the signature.
            let other = hierarchy(alg);
            assert!(matches!(
                validate(
                    &h.leaf,
                    std::slice::from_ref(&h.issuing),
                    std::slice::from_ref(&other.root),
                    &opts
                ),
                Err(PathError::BadSignature { .. })
            ));
            // A leaf cannot act as a CA.
            let leaf_as_ca_key = PrivateKey::generate(alg).expect("key");
            let forged = issue(
                &template(Profile::PersonalLeaf, "Below leaf", &leaf_as_ca_key, 30),
                Issuer::Ca {
                    certificate: &h.issuing,
                    signer: &h.issuing_key,
                },
            )
            .expect("leaf2");
            // pathLen 0 on the issuing CA: a sub-CA under it is refused.
            let sub_key = PrivateKey::generate(alg).expect("key");
            let sub = issue(
                &template(Profile::IssuingCa { path_len: 0 }, "Sub", &sub_key, 30),
                Issuer::Ca {
                    certificate: &h.issuing,
                    signer: &h.issuing_key,
                },
            )
            .expect("sub");
            let under_sub = issue(
                &template(Profile::PersonalLeaf, "Under sub", &leaf_as_ca_key, 30),
                Issuer::Ca {
                    certificate: &sub,
                    signer: &sub_key,
                },
            )
            .expect("under sub");
            assert!(matches!(
                validate(
                    &under_sub,
                    &[h.issuing.clone(), sub.clone()],
                    std::slice::from_ref(&h.root),
                    &opts
                ),
                Err(PathError::PathLenExceeded { .. })
            ));
            assert!(
                validate(
                    &forged,
                    std::slice::from_ref(&h.issuing),
                    std::slice::from_ref(&h.root),
                    &opts
                )
                .is_ok()
            );
            // A leaf used as an issuer: name it as issuer by issuing a cert whose issuer is the leaf.
            let err = check_issuer(&h.leaf, 0);
            assert!(matches!(err, Err(PathError::NotCa { .. })));
        }
    }
}
