//! X.509 v3 certificates: profiles, issuance through any [`Signer`], parsing and a summary for
//! display.

use std::time::{Duration, SystemTime};

use const_oid::AssociatedOid;
use der::asn1::{BitString, Ia5String, OctetString};
use der::{DecodePem, Encode, EncodePem};
use signature::Keypair;
use spki::{
    AlgorithmIdentifierOwned, DynSignatureAlgorithmIdentifier, EncodePublicKey,
    SubjectPublicKeyInfoOwned, SubjectPublicKeyInfoRef,
};
use x509_cert::builder::profile::BuilderProfile;
use x509_cert::builder::{Builder, CertificateBuilder};
use x509_cert::certificate::{Certificate, TbsCertificate};
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::crl::dp::DistributionPoint;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{
    AccessDescription, AuthorityInfoAccessSyntax, AuthorityKeyIdentifier, BasicConstraints,
    CrlDistributionPoints, ExtendedKeyUsage, KeyUsage, KeyUsages, SubjectKeyIdentifier,
};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};

use super::name::SubjectName;
use super::{Algorithm, Error, PublicKey, Signer, hash, oid};

/// What a certificate is for; decides its extensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// Self-signed root: CA, no path length limit, keyCertSign + cRLSign.
    RootCa,
    /// Issuing CA under a root: CA with the given path length.
    IssuingCa { path_len: u8 },
    /// A person's certificate (证书使用人 / 个人证书).
    PersonalLeaf,
    /// An organisation's certificate (单位证书).
    OrganizationLeaf,
    /// The encryption certificate paired with a personal signing certificate (加密证书): its
    /// key pair is made and escrowed by the key-management function.
    PersonalEncryption,
    /// The encryption certificate paired with an organisation's signing certificate.
    OrganizationEncryption,
}

impl Profile {
    pub fn is_ca(self) -> bool {
        matches!(self, Profile::RootCa | Profile::IssuingCa { .. })
    }

    /// Whether this is the encryption half of a dual certificate.
    pub fn is_encryption(self) -> bool {
        matches!(
            self,
            Profile::PersonalEncryption | Profile::OrganizationEncryption
        )
    }

    /// The encryption profile paired with a signing leaf profile.
    pub fn encryption_pair(self) -> Option<Profile> {
        match self {
            Profile::PersonalLeaf => Some(Profile::PersonalEncryption),
            Profile::OrganizationLeaf => Some(Profile::OrganizationEncryption),
            _ => None,
        }
    }
}

/// Key usages of mcert leaf signing certificates, by key algorithm.
///
/// - P-256 (id-ecPublicKey, RFC 5480 §3 and RFC 8813 §3): digitalSignature and nonRepudiation
///   for log-in and document signatures. Bids are sealed to the paired encryption certificate
///   ([`encryption_key_usage`]); keyEncipherment and dataEncipherment are prohibited for EC keys
///   and never set.
/// - SM2: GM/T 0015-2012 Annex C, Table C.3 (end-entity signature certificate): digitalSignature
///   and nonRepudiation only.
pub fn leaf_key_usage(alg: Algorithm) -> KeyUsage {
    match alg {
        Algorithm::P256 | Algorithm::Sm2 => {
            KeyUsage(KeyUsages::DigitalSignature | KeyUsages::NonRepudiation)
        }
    }
}

/// Key usages of the encryption certificate of a dual pair.
///
/// - P-256: keyAgreement only (RFC 8813 §3: an ECDH-based key transport such as the ECIES and
///   CMS ECDH used to seal bids is key agreement; keyEncipherment/dataEncipherment are
///   prohibited for id-ecPublicKey).
/// - SM2: GM/T 0015-2012 Annex C, Table C.4 (end-entity encryption certificate):
///   keyEncipherment, dataEncipherment and keyAgreement. SM2 public-key encryption encrypts the
///   bid key directly, which is what those bits name in the Chinese profile.
pub fn encryption_key_usage(alg: Algorithm) -> KeyUsage {
    match alg {
        Algorithm::P256 => KeyUsage(KeyUsages::KeyAgreement.into()),
        Algorithm::Sm2 => KeyUsage(
            KeyUsages::KeyEncipherment | KeyUsages::DataEncipherment | KeyUsages::KeyAgreement,
        ),
    }
}

/// Whether a certificate is the encryption half of a dual pair (its key usage allows no
/// signature).
pub fn is_encryption_certificate(cert: &Certificate) -> bool {
    let usage = cert
        .tbs_certificate()
        .get_extension::<KeyUsage>()
        .ok()
        .flatten()
        .map(|(_, u)| u);
    usage.is_some_and(|u| !u.digital_signature() && !u.non_repudiation())
}

/// Everything that goes into a certificate except the issuer.
#[derive(Clone, Debug)]
pub struct CertificateTemplate {
    pub profile: Profile,
    pub subject: Name,
    pub subject_key: PublicKey,
    /// Serial number bytes (big-endian, positive); `None` draws 128 random bits.
    pub serial: Option<Vec<u8>>,
    pub not_before: SystemTime,
    pub not_after: SystemTime,
    /// CRL distribution point URL.
    pub crl_url: Option<String>,
    /// OCSP responder URL (Authority Information Access).
    pub ocsp_url: Option<String>,
    /// Where the issuer's certificate can be fetched (Authority Information Access).
    pub ca_issuers_url: Option<String>,
}

/// Who signs a new certificate.
#[derive(Clone, Copy)]
pub enum Issuer<'a> {
    /// The subject key signs its own certificate (roots only).
    SelfSigned(&'a dyn Signer),
    /// A CA certificate and the signer holding its key.
    Ca {
        certificate: &'a Certificate,
        signer: &'a dyn Signer,
    },
}

impl std::fmt::Debug for Issuer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Issuer::SelfSigned(s) => write!(f, "SelfSigned({:?})", s.public_key()),
            Issuer::Ca { certificate, .. } => {
                write!(f, "Ca({})", certificate.tbs_certificate().subject())
            }
        }
    }
}

/// A random positive serial of 16 bytes (≥ 64 bits of entropy as CA/B and RFC 5280 want).
pub fn random_serial() -> Result<Vec<u8>, Error> {
    let mut serial = vec![0u8; 16];
    getrandom::fill(&mut serial).map_err(|_| Error::Rng)?;
    serial[0] &= 0x7f;
    serial[0] |= 0x40; // never a leading zero byte, never negative
    Ok(serial)
}

/// Key identifier (RFC 7093 §2 method 1): leftmost 160 bits of SHA-256 of the key bits.
pub fn key_identifier(spki: &SubjectPublicKeyInfoOwned) -> Vec<u8> {
    hash::sha256(spki.subject_public_key.raw_bytes())[..20].to_vec()
}

struct McertProfile {
    profile: Profile,
    subject_algorithm: Algorithm,
    subject: Name,
    issuer: Option<Name>,
    issuer_key_id: Option<Vec<u8>>,
    crl_url: Option<String>,
    ocsp_url: Option<String>,
    ca_issuers_url: Option<String>,
}

fn uri(url: &str) -> Result<GeneralName, Error> {
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(Error::InvalidInput("URL must be http(s)"));
    }
    Ok(GeneralName::UniformResourceIdentifier(
        Ia5String::new(url).map_err(|_| Error::InvalidInput("URL must be ASCII"))?,
    ))
}

fn extension<T: AssociatedOid + Encode>(value: &T, critical: bool) -> Result<Extension, Error> {
    Ok(Extension {
        extn_id: T::OID,
        critical,
        extn_value: OctetString::new(value.to_der()?)?,
    })
}

impl McertProfile {
    fn extensions(
        &self,
        spk: SubjectPublicKeyInfoRef<'_>,
        issuer_spk: SubjectPublicKeyInfoRef<'_>,
    ) -> Result<Vec<Extension>, Error> {
        let subject_key_id = hash::sha256(spk.subject_public_key.raw_bytes())[..20].to_vec();
        let authority_key_id = match &self.issuer_key_id {
            Some(id) => id.clone(),
            None => hash::sha256(issuer_spk.subject_public_key.raw_bytes())[..20].to_vec(),
        };
        let mut exts = Vec::new();
        let (basic, usage) = match self.profile {
            Profile::RootCa => (
                BasicConstraints {
                    ca: true,
                    path_len_constraint: None,
                },
                KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign),
            ),
            Profile::IssuingCa { path_len } => (
                BasicConstraints {
                    ca: true,
                    path_len_constraint: Some(path_len),
                },
                KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign | KeyUsages::DigitalSignature),
            ),
            Profile::PersonalLeaf | Profile::OrganizationLeaf => (
                BasicConstraints {
                    ca: false,
                    path_len_constraint: None,
                },
                leaf_key_usage(self.subject_algorithm),
            ),
            Profile::PersonalEncryption | Profile::OrganizationEncryption => (
                BasicConstraints {
                    ca: false,
                    path_len_constraint: None,
                },
                encryption_key_usage(self.subject_algorithm),
            ),
        };
        exts.push(extension(&basic, true)?);
        exts.push(extension(&usage, true)?);
        if self.profile.is_encryption() {
            // S/MIME-style encryption only: no client authentication, no document signing.
            let eku = ExtendedKeyUsage(vec![oid::KP_EMAIL_PROTECTION]);
            exts.push(extension(&eku, false)?);
        } else if !self.profile.is_ca() {
            let eku = ExtendedKeyUsage(vec![
                oid::KP_CLIENT_AUTH,
                oid::KP_EMAIL_PROTECTION,
                oid::KP_DOCUMENT_SIGNING,
            ]);
            exts.push(extension(&eku, false)?);
        }
        exts.push(extension(
            &SubjectKeyIdentifier(OctetString::new(subject_key_id)?),
            false,
        )?);
        exts.push(extension(
            &AuthorityKeyIdentifier {
                key_identifier: Some(OctetString::new(authority_key_id)?),
                authority_cert_issuer: None,
                authority_cert_serial_number: None,
            },
            false,
        )?);
        if let Some(url) = &self.crl_url {
            let dp = CrlDistributionPoints(vec![DistributionPoint {
                distribution_point: Some(DistributionPointName::FullName(vec![uri(url)?])),
                reasons: None,
                crl_issuer: None,
            }]);
            exts.push(extension(&dp, false)?);
        }
        let mut access = Vec::new();
        if let Some(url) = &self.ocsp_url {
            access.push(AccessDescription {
                access_method: oid::AD_OCSP,
                access_location: uri(url)?,
            });
        }
        if let Some(url) = &self.ca_issuers_url {
            access.push(AccessDescription {
                access_method: oid::AD_CA_ISSUERS,
                access_location: uri(url)?,
            });
        }
        if !access.is_empty() {
            exts.push(extension(&AuthorityInfoAccessSyntax(access), false)?);
        }
        Ok(exts)
    }
}

impl BuilderProfile for McertProfile {
    fn get_issuer(&self, subject: &Name) -> Name {
        self.issuer.clone().unwrap_or_else(|| subject.clone())
    }

    fn get_subject(&self) -> Name {
        self.subject.clone()
    }

    fn build_extensions(
        &self,
        spk: SubjectPublicKeyInfoRef<'_>,
        issuer_spk: SubjectPublicKeyInfoRef<'_>,
        _tbs: &TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        self.extensions(spk, issuer_spk).map_err(|e| match e {
            Error::Der(d) => x509_cert::builder::Error::Asn1(d),
            _ => x509_cert::builder::Error::Asn1(der::ErrorKind::Failed.into()),
        })
    }
}

/// Adapts a `dyn Signer` to what the x509-cert builders want to know about the issuer key.
pub(crate) struct BuilderKey {
    spki: SubjectPublicKeyInfoOwned,
    algorithm: Algorithm,
}

#[derive(Clone)]
pub(crate) struct SpkiKey(SubjectPublicKeyInfoOwned);

impl EncodePublicKey for SpkiKey {
    fn to_public_key_der(&self) -> spki::Result<der::Document> {
        Ok(der::Document::encode_msg(&self.0)?)
    }
}

impl Keypair for BuilderKey {
    type VerifyingKey = SpkiKey;
    fn verifying_key(&self) -> SpkiKey {
        SpkiKey(self.spki.clone())
    }
}

impl DynSignatureAlgorithmIdentifier for BuilderKey {
    fn signature_algorithm_identifier(&self) -> spki::Result<AlgorithmIdentifierOwned> {
        Ok(self.algorithm.signature_algorithm())
    }
}

impl BuilderKey {
    pub(crate) fn new(signer: &dyn Signer) -> Result<Self, Error> {
        Ok(BuilderKey {
            spki: signer.public_key().to_spki()?,
            algorithm: signer.algorithm(),
        })
    }
}

fn to_time(t: SystemTime) -> Result<Time, Error> {
    // Certificates carry whole seconds.
    let secs = t
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_err(|_| Error::InvalidInput("time before 1970"))?
        .as_secs();
    Ok(Time::try_from(
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs),
    )?)
}

/// Issues a certificate for `template` from `issuer`.
pub fn issue(template: &CertificateTemplate, issuer: Issuer<'_>) -> Result<Certificate, Error> {
    if template.not_after <= template.not_before {
        return Err(Error::InvalidInput("notAfter must be later than notBefore"));
    }
    let (signer, issuer_name, issuer_key_id) = match issuer {
        Issuer::SelfSigned(signer) => {
            if template.profile != Profile::RootCa {
                return Err(Error::InvalidInput(
                    "only a root CA certificate is self-signed",
                ));
            }
            if signer.public_key() != &template.subject_key {
                return Err(Error::InvalidInput(
                    "a self-signed certificate must certify its signer",
                ));
            }
            (signer, None, None)
        }
        Issuer::Ca {
            certificate,
            signer,
        } => {
            let ca_key = certificate_public_key(certificate)?;
            if &ca_key != signer.public_key() {
                return Err(Error::InvalidInput(
                    "the signer does not hold the issuer certificate's key",
                ));
            }
            if !is_ca(certificate) {
                return Err(Error::InvalidInput("the issuer certificate is not a CA"));
            }
            let tbs = certificate.tbs_certificate();
            let key_id = tbs
                .get_extension::<SubjectKeyIdentifier>()
                .ok()
                .flatten()
                .map(|(_, ski)| ski.0.as_bytes().to_vec());
            (signer, Some(tbs.subject().clone()), key_id)
        }
    };
    let serial = match &template.serial {
        Some(bytes) => bytes.clone(),
        None => random_serial()?,
    };
    let profile = McertProfile {
        profile: template.profile,
        subject_algorithm: template.subject_key.algorithm(),
        subject: template.subject.clone(),
        issuer: issuer_name,
        issuer_key_id,
        crl_url: template.crl_url.clone(),
        ocsp_url: template.ocsp_url.clone(),
        ca_issuers_url: template.ca_issuers_url.clone(),
    };
    let validity = Validity::new(to_time(template.not_before)?, to_time(template.not_after)?);
    let key = BuilderKey::new(signer)?;
    let mut builder = CertificateBuilder::new(
        profile,
        SerialNumber::new(&serial)?,
        validity,
        template.subject_key.to_spki()?,
    )
    .map_err(builder_error)?;
    let tbs = builder.finalize(&key).map_err(builder_error)?;
    let signature = signer.sign(&tbs)?;
    builder
        .assemble(BitString::from_bytes(&signature)?, &key)
        .map_err(builder_error)
}

fn builder_error(e: x509_cert::builder::Error) -> Error {
    match e {
        x509_cert::builder::Error::Asn1(d) => Error::Der(d),
        other => Error::Certificate(other.to_string()),
    }
}

/// Reads a certificate from DER or PEM.
pub fn parse_certificate(bytes: &[u8]) -> Result<Certificate, Error> {
    use der::Decode;
    if bytes.starts_with(b"-----BEGIN") {
        Ok(Certificate::from_pem(bytes)?)
    } else {
        Ok(Certificate::from_der(bytes)?)
    }
}

/// Reads every certificate of a PEM bundle.
pub fn parse_pem_chain(pem: &[u8]) -> Result<Vec<Certificate>, Error> {
    Ok(Certificate::load_pem_chain(pem)?)
}

pub fn to_der(cert: &Certificate) -> Result<Vec<u8>, Error> {
    Ok(cert.to_der()?)
}

pub fn to_pem(cert: &Certificate) -> Result<String, Error> {
    Ok(cert.to_pem(der::pem::LineEnding::LF)?)
}

/// The subject public key of a certificate.
pub fn certificate_public_key(cert: &Certificate) -> Result<PublicKey, Error> {
    PublicKey::from_spki(cert.tbs_certificate().subject_public_key_info())
}

/// Whether basicConstraints marks the certificate as a CA.
pub fn is_ca(cert: &Certificate) -> bool {
    matches!(
        cert.tbs_certificate().get_extension::<BasicConstraints>(),
        Ok(Some((_, BasicConstraints { ca: true, .. })))
    )
}

/// Serial number as upper-case hex without leading zero bytes.
pub fn serial_hex(cert: &Certificate) -> String {
    let bytes = cert.tbs_certificate().serial_number().as_bytes();
    let trimmed: &[u8] = match bytes.iter().position(|b| *b != 0) {
        Some(i) => &bytes[i..],
        None => &bytes[bytes.len().saturating_sub(1)..],
    };
    hex::encode_upper(trimmed)
}

/// What a certificate list or detail screen shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateInfo {
    pub subject: SubjectName,
    pub subject_text: String,
    pub issuer_text: String,
    pub serial_hex: String,
    pub not_before: SystemTime,
    pub not_after: SystemTime,
    pub algorithm: Algorithm,
    pub is_ca: bool,
    /// SHA-256 over the DER certificate, hex.
    pub fingerprint_sha256: String,
}

pub fn info(cert: &Certificate) -> Result<CertificateInfo, Error> {
    let tbs = cert.tbs_certificate();
    Ok(CertificateInfo {
        subject: SubjectName::from_name(tbs.subject()),
        subject_text: tbs.subject().to_string(),
        issuer_text: tbs.issuer().to_string(),
        serial_hex: serial_hex(cert),
        not_before: tbs.validity().not_before.to_system_time(),
        not_after: tbs.validity().not_after.to_system_time(),
        algorithm: certificate_public_key(cert)?.algorithm(),
        is_ca: is_ca(cert),
        fingerprint_sha256: hex::encode(hash::sha256(&cert.to_der()?)),
    })
}

/// Test helpers shared by the crypto unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::crypto::PrivateKey;

    /// A self-signed root certificate for `key`, valid for a day.
    pub(crate) fn self_signed(key: &PrivateKey, cn: &str) -> Certificate {
        let now = SystemTime::now();
        issue(
            &CertificateTemplate {
                profile: Profile::RootCa,
                subject: SubjectName {
                    common_name: Some(cn.into()),
                    ..Default::default()
                }
                .to_name()
                .expect("name"),
                subject_key: key.public_key().clone(),
                serial: None,
                not_before: now,
                not_after: now + Duration::from_secs(86400),
                crl_url: None,
                ocsp_url: None,
                ca_issuers_url: None,
            },
            Issuer::SelfSigned(key),
        )
        .expect("self-signed certificate")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::PrivateKey;
    use crate::crypto::name::SubjectName;

    #[test]
    fn a_leaf_carries_its_profile() {
        for alg in [Algorithm::Sm2, Algorithm::P256] {
            let ca_key = PrivateKey::generate(alg).expect("key");
            let now = SystemTime::now();
            let root = issue(
                &CertificateTemplate {
                    profile: Profile::RootCa,
                    subject: SubjectName {
                        common_name: Some("mcert 测试根 CA".into()),
                        ..Default::default()
                    }
                    .to_name()
                    .expect("name"),
                    subject_key: ca_key.public_key().clone(),
                    serial: None,
                    not_before: now,
                    not_after: now + Duration::from_secs(86400),
                    crl_url: None,
                    ocsp_url: None,
                    ca_issuers_url: None,
                },
                Issuer::SelfSigned(&ca_key),
            )
            .expect("root");
            assert!(is_ca(&root));
            let leaf_key = PrivateKey::generate(alg).expect("key");
            let leaf = issue(
                &CertificateTemplate {
                    profile: Profile::PersonalLeaf,
                    subject: SubjectName {
                        common_name: Some("张三".into()),
                        ..Default::default()
                    }
                    .to_name()
                    .expect("name"),
                    subject_key: leaf_key.public_key().clone(),
                    serial: None,
                    not_before: now,
                    not_after: now + Duration::from_secs(3600),
                    crl_url: Some("http://127.0.0.1/crl".into()),
                    ocsp_url: Some("http://127.0.0.1/ocsp".into()),
                    ca_issuers_url: None,
                },
                Issuer::Ca {
                    certificate: &root,
                    signer: &ca_key,
                },
            )
            .expect("leaf");
            assert!(!is_ca(&leaf));
            let info = info(&leaf).expect("info");
            assert_eq!(info.algorithm, alg);
            assert_eq!(info.subject.common_name.as_deref(), Some("张三"));
            assert!(info.serial_hex.len() >= 16, "serial {}", info.serial_hex);
            // The issuer's signature covers the TBS.
            let tbs = leaf.tbs_certificate().to_der().expect("tbs");
            ca_key
                .public_key()
                .verify_with(
                    leaf.signature_algorithm(),
                    &tbs,
                    leaf.signature().raw_bytes(),
                )
                .expect("signature");
            // Another key cannot pose as the issuer.
            let wrong = PrivateKey::generate(alg).expect("key");
            let err = issue(
                &CertificateTemplate {
                    profile: Profile::PersonalLeaf,
                    subject: leaf.tbs_certificate().subject().clone(),
                    subject_key: leaf_key.public_key().clone(),
                    serial: None,
                    not_before: now,
                    not_after: now + Duration::from_secs(3600),
                    crl_url: None,
                    ocsp_url: None,
                    ca_issuers_url: None,
                },
                Issuer::Ca {
                    certificate: &root,
                    signer: &wrong,
                },
            );
            assert!(matches!(err, Err(Error::InvalidInput(_))));
        }
    }
}
