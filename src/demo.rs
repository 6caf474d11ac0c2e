//! `mcert demo --crypto-only`: every part of the crypto spine used as the product uses it, each
//! step checked, offline (the full product walk is in `scan_demo`).

use std::time::{Duration, Instant, SystemTime};

use fluent_bundle::FluentValue;
use mcert_core::crypto::name::SubjectName;
use mcert_core::crypto::path::{ValidationOptions, validate};
use mcert_core::crypto::x509::{self, CertificateTemplate, Issuer, Profile};
use mcert_core::crypto::{Algorithm, PrivateKey, cms, csr};
use mcert_core::device::keystore::{KeyStore, KeyStoreOptions};
use mcert_core::device::qr;
use mcert_core::device::secret::KeyringSecretStore;
use mcert_core::i18n::{Locale, UserMessage, message};

use crate::CliError;

const PIN: &str = "135790";

struct Steps {
    locale: Locale,
    count: usize,
}

impl Steps {
    fn ok(&mut self, id: &str, args: &[(&str, FluentValue<'_>)]) {
        use std::io::Write;
        self.count += 1;
        // A closed pipe (`mcert demo | head`) is not a failure of the demo.
        let _ = writeln!(std::io::stdout(), "  ✓ {}", message(self.locale, id, args));
    }
}

/// A step whose check failed (an internal inconsistency, not a user error).
fn fail(what: &str) -> CliError {
    CliError::new(format!("demo check failed: {what}"))
}

fn name(cn: &str, org: Option<&str>) -> Result<x509_cert::name::Name, CliError> {
    SubjectName {
        country: Some("CN".into()),
        organization: org.map(str::to_string),
        common_name: Some(cn.into()),
        ..Default::default()
    }
    .to_name()
    .map_err(|e| CliError::new(e.to_string()))
}

fn walk(alg: Algorithm, locale: Locale, steps: &mut Steps) -> Result<(), CliError> {
    let err = |e: mcert_core::crypto::Error| CliError::from_user(&e, locale);
    println!(
        "{}",
        message(locale, "demo-title", &[("alg", alg.to_string().into())])
    );
    let now = SystemTime::now();
    let day = Duration::from_secs(86400);

    // The authority: root and issuing CA.
    let root_key = PrivateKey::generate(alg).map_err(err)?;
    let root = x509::issue(
        &CertificateTemplate {
            profile: Profile::RootCa,
            subject: name("mcert Demo Root CA", Some("mcert"))?,
            subject_key: root_key.public_key().clone(),
            serial: None,
            not_before: now,
            not_after: now + day * 3650,
            crl_url: None,
            ocsp_url: None,
            ca_issuers_url: None,
        },
        Issuer::SelfSigned(&root_key),
    )
    .map_err(err)?;
    let issuing_key = PrivateKey::generate(alg).map_err(err)?;
    let issuing = x509::issue(
        &CertificateTemplate {
            profile: Profile::IssuingCa { path_len: 0 },
            subject: name("mcert Demo Issuing CA", Some("mcert"))?,
            subject_key: issuing_key.public_key().clone(),
            serial: None,
            not_before: now,
            not_after: now + day * 1825,
            crl_url: Some("http://127.0.0.1:8080/v1/crl/issuing.crl".into()),
            ocsp_url: Some("http://127.0.0.1:8080/v1/ocsp".into()),
            ca_issuers_url: None,
        },
        Issuer::Ca {
            certificate: &root,
            signer: &root_key,
        },
    )
    .map_err(err)?;
    steps.ok(
        "demo-ca",
        &[
            ("root", root.tbs_certificate().subject().to_string().into()),
            (
                "issuing",
                issuing.tbs_certificate().subject().to_string().into(),
            ),
        ],
    );

    // The phone: a key store in a scratch folder, the device secret in memory.
    let home = std::env::temp_dir().join(format!(
        "mcert-demo-{}",
        mcert_core::id::ulid(now).map_err(err)?
    ));
    std::fs::create_dir_all(&home).map_err(|e| CliError::io(locale, &home, &e))?;
    let result = phone_steps(alg, locale, steps, &home, &root, &issuing, &issuing_key);
    let _ = std::fs::remove_dir_all(&home);
    result
}

fn phone_steps(
    alg: Algorithm,
    locale: Locale,
    steps: &mut Steps,
    home: &std::path::Path,
    root: &x509_cert::Certificate,
    issuing: &x509_cert::Certificate,
    issuing_key: &PrivateKey,
) -> Result<(), CliError> {
    let err = |e: mcert_core::crypto::Error| CliError::from_user(&e, locale);
    let kerr = |e: mcert_core::device::keystore::KeyStoreError| CliError::from_user(&e, locale);
    let now = SystemTime::now();
    let secrets = KeyringSecretStore::mock().map_err(|e| CliError::from_user(&e, locale))?;
    let db = home.join("keys.db");
    println!(
        "{}",
        message(
            locale,
            "demo-store",
            &[("path", db.display().to_string().into())]
        )
    );
    let store = KeyStore::open(&db, &secrets, KeyStoreOptions::default()).map_err(kerr)?;
    let started = Instant::now();
    let key_info = store.generate(alg, PIN, "个人证书").map_err(kerr)?;
    steps.ok(
        "demo-keygen",
        &[
            ("id", key_info.id.as_str().into()),
            ("ms", (started.elapsed().as_millis() as u64).into()),
        ],
    );

    // CSR on the phone, proof of possession at the CA, the subject from the verified owner.
    let key = store.unlock(&key_info.id, PIN).map_err(kerr)?;
    let request = csr::build(&name("device", None)?, &key).map_err(err)?;
    let (_, csr_key) = csr::verify(&csr::to_der(&request).map_err(err)?).map_err(err)?;
    steps.ok("demo-csr", &[]);
    let leaf = x509::issue(
        &CertificateTemplate {
            profile: Profile::PersonalLeaf,
            subject: name("张三", None)?,
            subject_key: csr_key,
            serial: None,
            not_before: now,
            not_after: now + Duration::from_secs(365 * 86400),
            crl_url: Some("http://127.0.0.1:8080/v1/crl/issuing.crl".into()),
            ocsp_url: Some("http://127.0.0.1:8080/v1/ocsp".into()),
            ca_issuers_url: None,
        },
        Issuer::Ca {
            certificate: issuing,
            signer: issuing_key,
        },
    )
    .map_err(err)?;
    let leaf_der = x509::to_der(&leaf).map_err(err)?;
    store
        .add_certificate(&key_info.id, &leaf_der)
        .map_err(kerr)?;
    let info = x509::info(&leaf).map_err(err)?;
    steps.ok(
        "demo-issue",
        &[
            ("serial", info.serial_hex.as_str().into()),
            ("until", mcert_core::clock::rfc3339(info.not_after).into()),
        ],
    );
    let path = validate(
        &leaf,
        std::slice::from_ref(issuing),
        std::slice::from_ref(root),
        &ValidationOptions::at(now),
    )
    .map_err(|e| err(e.into()))?;
    steps.ok("demo-path", &[("depth", (path.len() as u64).into())]);

    // Scan to log in: sign what was shown, verify as the platform.
    let shown = "mcert-login\nsession=01JD3T9W6R8Q2XK4M5N7P9S1V3\nplatform=青海能源集团数字招采平台\n操作=登录";
    let signature = store
        .sign(&key_info.id, PIN, shown.as_bytes())
        .map_err(kerr)?;
    x509::certificate_public_key(&leaf)
        .and_then(|pk| pk.verify(shown.as_bytes(), &signature))
        .map_err(err)?;
    steps.ok("demo-login", &[]);

    // Sign a document the phone knows only by its digest.
    let digest = alg.digest(b"%PDF-1.7 tender document, lot 3");
    let signed = cms::sign_detached(&digest, &key, &leaf, std::slice::from_ref(issuing), now)
        .map_err(err)?;
    let verified = cms::verify_detached(&signed, &digest).map_err(err)?;
    if verified.signer != leaf {
        return Err(fail("CMS signer differs"));
    }
    steps.ok("demo-cms", &[("digest", hex::encode(&digest[..8]).into())]);

    // Bid opening: a bid key sealed to the certificate, opened on the phone.
    let bid_key = [0x42u8; 32];
    let sealed = x509::certificate_public_key(&leaf)
        .and_then(|pk| pk.encrypt(&bid_key))
        .map_err(err)?;
    let opened = store.decrypt(&key_info.id, PIN, &sealed).map_err(kerr)?;
    if opened.as_slice() != bid_key {
        return Err(fail("bid key differs"));
    }
    steps.ok("demo-bid", &[]);

    // A wrong PIN counts down.
    match store.unlock(&key_info.id, "000001") {
        Err(e) => steps.ok(
            "demo-wrong-pin",
            &[("message", e.user_message(locale).into())],
        ),
        Ok(_) => return Err(fail("a wrong PIN was accepted")),
    }
    store.unlock(&key_info.id, PIN).map_err(kerr)?;

    // The QR code a platform shows, read back as the phone will.
    let payload = "mcert.01JD3T9W6R8Q2XK4M5N7P9S1V3.0.dc69358e712458a66a7525beef148ae8526b1c71";
    let png = qr::encode_png(payload, 6).map_err(|e| CliError::from_user(&e, locale))?;
    let read =
        qr::decode_image(&png, qr::Engine::Auto).map_err(|e| CliError::from_user(&e, locale))?;
    if read != [payload] {
        return Err(fail("QR payload differs"));
    }
    steps.ok("demo-qr", &[("bytes", (payload.len() as u64).into())]);
    Ok(())
}

pub fn run(locale: Locale) -> Result<(), CliError> {
    let mut steps = Steps { locale, count: 0 };
    for alg in [Algorithm::Sm2, Algorithm::P256] {
        walk(alg, locale, &mut steps)?;
    }
    println!(
        "{}",
        message(
            locale,
            "demo-done",
            &[("steps", (steps.count as u64).into())]
        )
    );
    Ok(())
}
