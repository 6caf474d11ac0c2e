//! The CA (issue 9): stored CRLs, the OCSP responder, certificate profiles under pkilint,
//! revocation and compromised keys, the offline root ceremony. Every test runs on SQLite and,
//! when configured, on PostgreSQL.

mod ceremony;
mod crl;
mod ocsp;
mod profiles;
mod revoke;

use super::*;
use mcert_service::config::ServiceConfig;
use mcert_service::server;

/// A development service on a free port over `url` (the ceremony runs by itself).
pub(crate) async fn start(url: &str) -> (server::Running, std::path::PathBuf) {
    let data_dir = std::env::temp_dir().join(format!("mcert-ca-{}", random_suffix()));
    let config = ServiceConfig {
        listen: "127.0.0.1:0".parse().expect("addr"),
        data_dir: data_dir.clone(),
        database_url: Some(url.to_string()),
        dev: true,
        ..Default::default()
    };
    let running = server::start(&config, &OperatorKey::generate().expect("key"))
        .await
        .expect("start");
    (running, data_dir)
}

pub(crate) fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

/// Issues a personal certificate for a fresh device key.
pub(crate) async fn issue(
    ca: &Authority,
    alg: Algorithm,
    name: &str,
) -> (PrivateKey, x509_cert::Certificate, String) {
    let (key, csr_der) = device_csr(alg);
    let issued = ca
        .issue(IssueRequest {
            csr: &csr_der,
            subject: person(name),
            profile: Profile::PersonalLeaf,
            validity: Duration::from_secs(365 * 86400),
            entitlement_id: None,
            actor: "test",
        })
        .await
        .expect("issue");
    let cert = x509::parse_certificate(&issued.certificate).expect("cert");
    (key, cert, issued.serial)
}

/// A scratch folder removed on drop.
pub(crate) fn scratch(tag: &str) -> TempDir {
    let dir = std::env::temp_dir().join(format!("mcert-{tag}-{}", random_suffix()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    TempDir(dir)
}

/// The CRL number of a DER CRL.
pub(crate) fn crl_number(der: &[u8]) -> u64 {
    use der::Decode;
    let crl = x509_cert::crl::CertificateList::<x509_cert::certificate::Rfc5280>::from_der(der)
        .expect("crl");
    let exts = crl.tbs_cert_list.crl_extensions.expect("extensions");
    let ext = exts
        .iter()
        .find(|e| e.extn_id == <x509_cert::ext::pkix::CrlNumber as const_oid::AssociatedOid>::OID)
        .expect("crlNumber");
    let n = x509_cert::ext::pkix::CrlNumber::from_der(ext.extn_value.as_bytes()).expect("number");
    n.0.as_bytes()
        .iter()
        .fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
}

/// Serials (upper-case hex) a DER CRL lists.
pub(crate) fn crl_serials(der: &[u8]) -> Vec<String> {
    use der::Decode;
    let crl = x509_cert::crl::CertificateList::<x509_cert::certificate::Rfc5280>::from_der(der)
        .expect("crl");
    crl.tbs_cert_list
        .revoked_certificates
        .unwrap_or_default()
        .iter()
        .map(|r| hex::encode_upper(r.serial_number.as_bytes()))
        .collect()
}
