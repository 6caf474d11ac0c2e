//! The seal of the P-256 hierarchy: GB/T 38540 is an SM2/SM3 standard, so a P-256 seal is its
//! picture plus a binding to the certificate allowed to stamp with it, signed by the service's
//! P-256 seal maker (a certificate of its own under the P-256 CA).
//!
//! The binding is an attached CMS SignedData (id-data, RFC 5652; `openssl cms -verify` reads
//! it) whose content is UTF-8 text, one `key=value` per line, in this order:
//!
//! ```text
//! mcert seal binding v1
//! seal=<the seal's id (ASCII)>
//! kind=<official | contract | finance | invoice | legal_representative | personal>
//! name=<the name on the seal>
//! certificate-sha256=<hex SHA-256 of the bound certificate's DER>
//! picture-sha256=<hex SHA-256 of the picture's PNG bytes>
//! valid-from=<Unix seconds>
//! valid-to=<Unix seconds>
//! ```
//!
//! A stamped PDF carries it in its signature dictionary (`/MCertSealBinding`, inside the
//! signed byte range), so the stamp's own signature covers it too. A verifier checks the CMS,
//! the maker's path to a trusted root, the window, and that the stamp's signer certificate is
//! the one bound.

use std::time::{Duration, SystemTime};

use x509_cert::Certificate;
use x509_cert::ext::pkix::KeyUsages;

use super::path::{ValidationOptions, validate};
use super::{Algorithm, Error, Signer, cms, hash};

/// The first line of a binding's content.
pub const HEADER: &str = "mcert seal binding v1";

/// Largest binding accepted (the content is a few hundred bytes; the CMS adds the maker's
/// certificate and chain).
pub const MAX_BINDING_LEN: usize = 16 * 1024;

/// What a new binding says.
#[derive(Clone, Debug)]
pub struct BindingSpec<'a> {
    pub seal_id: &'a str,
    pub kind: &'a str,
    pub name: &'a str,
    /// The bound certificate (DER).
    pub certificate: &'a [u8],
    /// The seal's picture (PNG).
    pub picture: &'a [u8],
    pub valid_from: SystemTime,
    pub valid_to: SystemTime,
}

/// A binding's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealBinding {
    pub seal_id: String,
    pub kind: String,
    pub name: String,
    pub certificate_sha256: [u8; 32],
    pub picture_sha256: [u8; 32],
    pub valid_from: SystemTime,
    pub valid_to: SystemTime,
}

impl SealBinding {
    /// Whether `certificate` (DER) is the one bound.
    pub fn binds(&self, certificate: &[u8]) -> bool {
        hash::sha256(certificate) == self.certificate_sha256
    }

    /// Whether `picture` (the PNG bytes) is the seal's picture.
    pub fn shows(&self, picture: &[u8]) -> bool {
        hash::sha256(picture) == self.picture_sha256
    }
}

/// A binding that verified, and the maker that signed it.
#[derive(Clone, Debug)]
pub struct VerifiedBinding {
    pub binding: SealBinding,
    pub maker: Certificate,
}

#[derive(Debug, thiserror::Error)]
pub enum BindingError {
    #[error("the seal binding is {0} bytes, more than the 16 KiB accepted")]
    TooLarge(usize),
    #[error("the seal binding's CMS does not verify: {0}")]
    Cms(Error),
    #[error("the seal binding is not signed with a P-256 key")]
    NotP256,
    #[error("the seal maker is not trusted: {0}")]
    MakerNotTrusted(String),
    #[error("the seal binding's content is malformed: {0}")]
    Malformed(&'static str),
    #[error("the seal is not valid yet")]
    NotYetValid,
    #[error("the seal has expired")]
    Expired,
}

fn unix(t: SystemTime) -> Result<u64, Error> {
    Ok(t.duration_since(SystemTime::UNIX_EPOCH)
        .map_err(|_| Error::InvalidInput("time before 1970"))?
        .as_secs())
}

fn unhex32(s: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(s, &mut out).ok()?;
    Some(out)
}

/// The content of a binding: see the module's text format.
pub fn binding_text(spec: &BindingSpec<'_>) -> Result<String, Error> {
    let plain = |s: &str| !s.is_empty() && s.len() <= 200 && !s.chars().any(char::is_control);
    if !plain(spec.seal_id) || !spec.seal_id.is_ascii() || !plain(spec.kind) || !plain(spec.name) {
        return Err(Error::InvalidInput(
            "a seal binding needs an ASCII id, a kind and a name on one line each",
        ));
    }
    let (from, to) = (unix(spec.valid_from)?, unix(spec.valid_to)?);
    if to < from {
        return Err(Error::InvalidInput(
            "the seal's validity ends before it starts",
        ));
    }
    Ok(format!(
        "{HEADER}\nseal={}\nkind={}\nname={}\ncertificate-sha256={}\npicture-sha256={}\nvalid-from={from}\nvalid-to={to}\n",
        spec.seal_id,
        spec.kind,
        spec.name,
        hex::encode(hash::sha256(spec.certificate)),
        hex::encode(hash::sha256(spec.picture)),
    ))
}

/// Makes a binding signed by the P-256 seal maker (`maker`, certified by `maker_certificate`;
/// `chain` adds the issuing CA).
pub fn make_binding(
    maker: &dyn Signer,
    maker_certificate: &Certificate,
    chain: &[Certificate],
    spec: &BindingSpec<'_>,
    now: SystemTime,
) -> Result<Vec<u8>, Error> {
    if maker.algorithm() != Algorithm::P256 {
        return Err(Error::InvalidInput(
            "a seal binding is made with a P-256 key",
        ));
    }
    let text = binding_text(spec)?;
    cms::sign_attached(text.as_bytes(), maker, maker_certificate, chain, now)
}

/// Reads a binding's content (strictly: the fields in order, nothing more).
pub fn parse_binding_text(text: &str) -> Result<SealBinding, BindingError> {
    let bad = BindingError::Malformed;
    let body = text.strip_suffix('\n').ok_or(bad("no final newline"))?;
    let mut lines = body.split('\n');
    if lines.next() != Some(HEADER) {
        return Err(bad("not an mcert seal binding v1"));
    }
    let mut field = |key: &'static str| -> Result<&str, BindingError> {
        lines
            .next()
            .and_then(|l| l.strip_prefix(key))
            .and_then(|l| l.strip_prefix('='))
            .filter(|v| !v.is_empty())
            .ok_or(bad(key))
    };
    let seal_id = field("seal")?.to_string();
    let kind = field("kind")?.to_string();
    let name = field("name")?.to_string();
    let certificate_sha256 =
        unhex32(field("certificate-sha256")?).ok_or(bad("certificate-sha256"))?;
    let picture_sha256 = unhex32(field("picture-sha256")?).ok_or(bad("picture-sha256"))?;
    let secs = |v: &str, what| v.parse::<u64>().map_err(|_| bad(what));
    let valid_from =
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs(field("valid-from")?, "valid-from")?);
    let valid_to =
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs(field("valid-to")?, "valid-to")?);
    if lines.next().is_some() {
        return Err(bad("lines after valid-to"));
    }
    if valid_to < valid_from {
        return Err(bad("the validity ends before it starts"));
    }
    Ok(SealBinding {
        seal_id,
        kind,
        name,
        certificate_sha256,
        picture_sha256,
        valid_from,
        valid_to,
    })
}

/// Verifies a binding at `at`: the CMS, a P-256 maker whose path leads to one of `anchors`
/// (through `intermediates`), the content, and the seal's window.
pub fn verify_binding(
    der: &[u8],
    anchors: &[Certificate],
    intermediates: &[Certificate],
    at: SystemTime,
) -> Result<VerifiedBinding, BindingError> {
    if der.len() > MAX_BINDING_LEN {
        return Err(BindingError::TooLarge(der.len()));
    }
    let (content, signed) = cms::verify_attached(der).map_err(BindingError::Cms)?;
    if signed.algorithm != Algorithm::P256 {
        return Err(BindingError::NotP256);
    }
    let options = ValidationOptions {
        time: at,
        leaf_key_usage: vec![KeyUsages::DigitalSignature],
    };
    validate(&signed.signer, intermediates, anchors, &options)
        .map_err(|e| BindingError::MakerNotTrusted(e.to_string()))?;
    let text = std::str::from_utf8(&content).map_err(|_| BindingError::Malformed("not UTF-8"))?;
    let binding = parse_binding_text(text)?;
    if at < binding.valid_from {
        return Err(BindingError::NotYetValid);
    }
    if at > binding.valid_to {
        return Err(BindingError::Expired);
    }
    Ok(VerifiedBinding {
        binding,
        maker: signed.signer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::PrivateKey;
    use crate::crypto::name::SubjectName;
    use crate::crypto::x509::testing::self_signed;
    use crate::crypto::x509::{CertificateTemplate, Issuer, Profile, issue};

    /// A P-256 root and a seal maker under it (a leaf for digital signatures).
    fn maker() -> Result<(PrivateKey, Certificate, Certificate), Box<dyn std::error::Error>> {
        let root_key = PrivateKey::generate(Algorithm::P256)?;
        let root = self_signed(&root_key, "mcert P-256 root");
        let key = PrivateKey::generate(Algorithm::P256)?;
        let now = SystemTime::now();
        let cert = issue(
            &CertificateTemplate {
                profile: Profile::OrganizationLeaf,
                subject: SubjectName {
                    common_name: Some("mcert 电子印章制作系统".into()),
                    ..Default::default()
                }
                .to_name()?,
                subject_key: key.public_key().clone(),
                serial: None,
                not_before: now - Duration::from_secs(60),
                not_after: now + Duration::from_secs(3600),
                crl_url: None,
                ocsp_url: None,
                ca_issuers_url: None,
            },
            Issuer::Ca {
                certificate: &root,
                signer: &root_key,
            },
        )?;
        Ok((key, cert, root))
    }

    fn spec<'a>(cert: &'a [u8], picture: &'a [u8], now: SystemTime) -> BindingSpec<'a> {
        BindingSpec {
            seal_id: "01JDSEAL",
            kind: "official",
            name: "青海某某建设工程有限公司",
            certificate: cert,
            picture,
            valid_from: now,
            valid_to: now + Duration::from_secs(86_400),
        }
    }

    #[test]
    fn made_binding_verifies_and_binds_only_its_certificate()
    -> Result<(), Box<dyn std::error::Error>> {
        let (maker, maker_cert, root) = maker()?;
        let now = SystemTime::now();
        let der = make_binding(
            &maker,
            &maker_cert,
            &[],
            &spec(b"cert-der", b"png", now),
            now,
        )?;
        let roots = std::slice::from_ref(&root);
        let v = verify_binding(&der, roots, &[], now + Duration::from_secs(5))?;
        assert_eq!(v.binding.seal_id, "01JDSEAL");
        assert_eq!(v.binding.name, "青海某某建设工程有限公司");
        assert!(v.binding.binds(b"cert-der"));
        assert!(!v.binding.binds(b"other-der"));
        assert!(v.binding.shows(b"png"));
        // Outside the window, or under another root, it is refused.
        let late = now + Duration::from_secs(2 * 86_400);
        assert!(matches!(
            verify_binding(&der, roots, &[], late),
            Err(BindingError::Expired | BindingError::MakerNotTrusted(_))
        ));
        let mut later = spec(b"cert-der", b"png", now);
        later.valid_from = now + Duration::from_secs(600);
        let not_yet = make_binding(&maker, &maker_cert, &[], &later, now)?;
        assert!(matches!(
            verify_binding(&not_yet, roots, &[], now + Duration::from_secs(5)),
            Err(BindingError::NotYetValid)
        ));
        let stranger = self_signed(&PrivateKey::generate(Algorithm::P256)?, "another root");
        assert!(matches!(
            verify_binding(&der, &[stranger], &[], now),
            Err(BindingError::MakerNotTrusted(_))
        ));
        // An SM2 maker does not make P-256 bindings.
        let sm2 = PrivateKey::generate(Algorithm::Sm2)?;
        let sm2_cert = self_signed(&sm2, "sm2");
        assert!(make_binding(&sm2, &sm2_cert, &[], &spec(b"c", b"p", now), now).is_err());
        Ok(())
    }

    #[test]
    fn content_is_read_strictly() -> Result<(), Box<dyn std::error::Error>> {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_662_400);
        let text = binding_text(&spec(b"c", b"p", now))?;
        assert!(text.starts_with("mcert seal binding v1\nseal=01JDSEAL\nkind=official\n"));
        assert!(text.ends_with("valid-from=1764662400\nvalid-to=1764748800\n"));
        assert_eq!(parse_binding_text(&text)?.kind, "official");
        for bad in [
            text.replace("seal binding v1", "seal binding v2"),
            text.replace("kind=", "type="),
            text.trim_end().to_string(),
            format!("{text}extra=1\n"),
            text.replace("valid-to=1764748800", "valid-to=1"),
            text.replace("certificate-sha256=", "certificate-sha256=zz"),
        ] {
            assert!(
                matches!(parse_binding_text(&bad), Err(BindingError::Malformed(_))),
                "{bad}"
            );
        }
        // A name with a newline cannot smuggle a field in.
        let mut s = spec(b"c", b"p", now);
        s.name = "某公司\nkind=personal";
        assert!(binding_text(&s).is_err());
        Ok(())
    }
}
