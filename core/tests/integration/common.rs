//! Helpers shared by the integration tests.

use std::time::{Duration, SystemTime};

use mcert_core::crypto::name::SubjectName;
use mcert_core::crypto::x509::{CertificateTemplate, Issuer, Profile, issue};
use mcert_core::crypto::{Algorithm, PrivateKey};
use x509_cert::Certificate;

/// A root → issuing CA → personal leaf hierarchy minted for one test.
pub struct Hierarchy {
    pub root: Certificate,
    pub issuing: Certificate,
    pub issuing_key: PrivateKey,
    pub leaf: Certificate,
    pub leaf_key: PrivateKey,
}

pub fn name(cn: &str) -> x509_cert::name::Name {
    SubjectName {
        country: Some("CN".into()),
        organization: Some("mcert 测试".into()),
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
        not_before: now - Duration::from_secs(300),
        not_after: now + Duration::from_secs(days * 86400),
        crl_url: Some("http://127.0.0.1:8080/v1/crl/issuing.crl".into()),
        ocsp_url: Some("http://127.0.0.1:8080/v1/ocsp".into()),
        ca_issuers_url: None,
    }
}

pub fn hierarchy(alg: Algorithm) -> Hierarchy {
    let root_key = PrivateKey::generate(alg).expect("key");
    let mut root_t = template(Profile::RootCa, "Test Root CA", &root_key, 3650);
    root_t.crl_url = None;
    root_t.ocsp_url = None;
    let root = issue(&root_t, Issuer::SelfSigned(&root_key)).expect("root");
    let issuing_key = PrivateKey::generate(alg).expect("key");
    let issuing = issue(
        &template(
            Profile::IssuingCa { path_len: 0 },
            "Test Issuing CA",
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
        &template(Profile::PersonalLeaf, "张三", &leaf_key, 365),
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
        leaf_key,
    }
}
