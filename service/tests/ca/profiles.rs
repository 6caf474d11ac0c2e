//! Certificate profiles: key usage per algorithm (RFC 5480/8813 for P-256, GM/T 0015 for SM2),
//! and pkilint over every P-256 artefact the service makes: root, issuing CA, personal and
//! organisation certificates, an encryption certificate, both CRLs, OCSP responses.
//!
//! pkilint is found through `MCERT_PKILINT` (its virtualenv's `bin` folder, or the path of one
//! of its `lint_*` programs), else on `PATH`. Without it the pkilint checks are skipped with a
//! message, unless `MCERT_REQUIRE_PKILINT=1`.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::*;
use x509_cert::ext::pkix::{KeyUsage, KeyUsages};

fn key_usage(cert: &x509_cert::Certificate) -> KeyUsage {
    cert.tbs_certificate()
        .get_extension::<KeyUsage>()
        .expect("extension")
        .expect("keyUsage")
        .1
}

/// Old behaviour: EC leaves carried keyEncipherment and dataEncipherment.
#[tokio::test]
async fn leaf_key_usage_follows_the_algorithm_s_profile() {
    for db in databases().await {
        let ca = authority(&db.url, &OperatorKey::generate().expect("key")).await;
        for alg in [Algorithm::P256, Algorithm::Sm2] {
            // Signing certificates (GM/T 0015 Table C.3; RFC 8813 for P-256): signatures only.
            let (_, signing, _) = issue(&ca, alg, "椭圆").await;
            assert_eq!(
                key_usage(&signing).0,
                KeyUsages::DigitalSignature | KeyUsages::NonRepudiation,
                "{alg} signature certificate"
            );
            // Encryption certificates of the dual pair: keyAgreement for P-256 (RFC 8813 §3,
            // no keyEncipherment/dataEncipherment on an EC key); GM/T 0015 Table C.4 for SM2.
            let enc = encryption_certificate(&ca, alg, "椭圆").await;
            let expected = match alg {
                Algorithm::P256 => KeyUsages::KeyAgreement.into(),
                Algorithm::Sm2 => {
                    KeyUsages::KeyEncipherment
                        | KeyUsages::DataEncipherment
                        | KeyUsages::KeyAgreement
                }
            };
            assert_eq!(key_usage(&enc).0, expected, "{alg} encryption certificate");
            assert!(x509::is_encryption_certificate(&enc));
            assert!(!x509::is_encryption_certificate(&signing));
        }
    }
}

/// An encryption certificate (the escrow's profile) for a fresh key.
async fn encryption_certificate(
    ca: &Authority,
    alg: Algorithm,
    name: &str,
) -> x509_cert::Certificate {
    let (_, csr_der) = device_csr(alg);
    let issued = ca
        .issue(IssueRequest {
            csr: &csr_der,
            subject: person(name),
            profile: Profile::PersonalEncryption,
            validity: Duration::from_secs(365 * 86400),
            entitlement_id: None,
            actor: "test",
        })
        .await
        .expect("issue");
    x509::parse_certificate(&issued.certificate).expect("cert")
}

/// Where pkilint's programs are, if anywhere.
fn pkilint_dir() -> Option<PathBuf> {
    if let Ok(v) = std::env::var("MCERT_PKILINT") {
        let p = PathBuf::from(v);
        let dir = if p.is_dir() {
            p
        } else {
            p.parent()?.to_path_buf()
        };
        if dir.join("lint_pkix_cert").exists() {
            return Some(dir);
        }
    }
    std::env::var_os("PATH")
        .and_then(|paths| std::env::split_paths(&paths).find(|d| d.join("lint_pkix_cert").exists()))
}

fn require_pkilint() -> Option<PathBuf> {
    match pkilint_dir() {
        Some(d) => Some(d),
        None if std::env::var("MCERT_REQUIRE_PKILINT").as_deref() == Ok("1") => {
            panic!("MCERT_REQUIRE_PKILINT=1 but pkilint was not found (set MCERT_PKILINT)")
        }
        None => {
            eprintln!(
                "pkilint not found (set MCERT_PKILINT to its bin folder): skipping the pkilint checks"
            );
            None
        }
    }
}

/// Runs one pkilint program; returns the findings of severity ERROR and above.
fn pkilint(dir: &Path, program: &str, extra: &[&str], file: &Path) -> String {
    let out = Command::new(dir.join(program))
        .arg("lint")
        .args(extra)
        .args(["-s", "ERROR", "--document-format", "DER"])
        .arg(file)
        .output()
        .expect("run pkilint");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    text.trim().to_string()
}

#[tokio::test]
async fn pkilint_finds_no_error_in_any_p256_artefact() {
    let Some(lint) = require_pkilint() else {
        return;
    };
    for db in databases().await {
        let (running, _dir) = start(&db.url).await;
        let ca = running.state.authority.clone();
        let base = format!("http://{}", running.addr);
        let http = client();
        let dir = scratch("pkilint");
        let (_, personal, _) = issue(&ca, Algorithm::P256, "张三").await;
        let (_, org_csr) = device_csr(Algorithm::P256);
        let org = ca
            .issue(IssueRequest {
                csr: &org_csr,
                subject: SubjectName {
                    country: Some("CN".into()),
                    organization: Some("青海能源集团有限公司".into()),
                    organization_identifier: Some("91630000MA7XXXXX2K".into()),
                    common_name: Some("青海能源集团有限公司".into()),
                    ..Default::default()
                },
                profile: Profile::OrganizationLeaf,
                validity: Duration::from_secs(365 * 86400),
                entitlement_id: None,
                actor: "test",
            })
            .await
            .expect("org");
        let (_, revoked, revoked_serial) = issue(&ca, Algorithm::P256, "李四").await;
        ca.revoke(&revoked_serial, RevocationReason::KeyCompromise, "test")
            .await
            .expect("revoke");
        let h = ca.hierarchy(Algorithm::P256).expect("h");
        let mut files: Vec<(&str, Vec<&str>, PathBuf)> = Vec::new();
        for (name, der) in [
            ("root.der", x509::to_der(&h.root).expect("der")),
            ("issuing.der", x509::to_der(&h.issuing).expect("der")),
            ("personal.der", x509::to_der(&personal).expect("der")),
            (
                "personal-encryption.der",
                x509::to_der(&encryption_certificate(&ca, Algorithm::P256, "张三").await)
                    .expect("der"),
            ),
            ("org.der", org.certificate.clone()),
        ] {
            let p = dir.0.join(name);
            std::fs::write(&p, der).expect("w");
            files.push(("lint_pkix_cert", vec![], p));
        }
        for (name, path, kind) in [
            ("crl.der", "p256/crl", "CRL"),
            ("root-crl.der", "p256/root.crl", "ARL"),
        ] {
            let body = http
                .get(format!("{base}/v1/ca/{path}"))
                .send()
                .await
                .expect("get")
                .bytes()
                .await
                .expect("body");
            let p = dir.0.join(name);
            std::fs::write(&p, body).expect("w");
            files.push(("lint_crl", vec!["-t", kind, "-p", "PKIX"], p));
        }
        for (name, cert, nonce) in [
            ("ocsp-good.der", &personal, None),
            ("ocsp-revoked.der", &revoked, None),
            (
                "ocsp-nonce.der",
                &personal,
                Some(b"0123456789abcdef".as_slice()),
            ),
        ] {
            let id = CertId::new(
                &h.issuing,
                cert.tbs_certificate().serial_number().as_bytes(),
                None,
            )
            .expect("id");
            let req = revocation::build_ocsp_request(&[id], nonce).expect("req");
            let p = dir.0.join(name);
            std::fs::write(&p, ca.ocsp(&req).await.expect("ocsp")).expect("w");
            files.push(("lint_ocsp_response", vec![], p));
        }
        for (program, extra, path) in &files {
            let findings = pkilint(&lint, program, extra, path);
            assert!(
                findings.is_empty(),
                "{program} {}: {findings}",
                path.display()
            );
        }
        running.stop().await.expect("stop");
    }
}
