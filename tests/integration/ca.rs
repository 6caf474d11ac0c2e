//! `mcert ca …` as the operator runs it: the root ceremony into an offline folder, issuing CAs
//! signed into the service's database, the root CRL re-signed, and revocation.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::Duration;

use mcert_core::crypto::name::SubjectName;
use mcert_core::crypto::revocation::{CertStatus, RevocationReason};
use mcert_core::crypto::x509::{self, Profile};
use mcert_core::crypto::{Algorithm, PrivateKey, csr};
use mcert_service::ca::{Authority, AuthorityConfig, IssueRequest, OperatorKey};
use mcert_service::store::Store;

const OPERATOR_KEY: &str = "5f0e1d2c3b4a59687766554433221100ffeeddccbbaa99887766554433221100";

fn mcert(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mcert"))
        .args(args)
        .env("MCERT_LANG", "en")
        .env("MCERT_OPERATOR_KEY", OPERATOR_KEY)
        .env_remove("MCERT_ROOT_PASSPHRASE")
        .output()
        .expect("run mcert")
}

fn ok(out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn the_operator_runs_the_ceremony_signs_issuing_cas_and_revokes() {
    let offline = super::common::temp("ca-offline");
    let data = super::common::temp("ca-data");
    std::fs::create_dir_all(&offline).expect("mkdir");
    std::fs::create_dir_all(&data).expect("mkdir");
    let pass = offline.join("passphrase");
    std::fs::write(&pass, "correct horse battery staple\n").expect("w");
    let wrong = offline.join("wrong");
    std::fs::write(&wrong, "not the right passphrase").expect("w");

    let out = ok(&mcert(&[
        "ca",
        "init",
        "--out",
        s(&offline),
        "--passphrase-file",
        s(&pass),
    ]));
    assert!(out.contains("p256") && out.contains("sm2"), "{out}");
    // A root is made once.
    assert!(
        !mcert(&[
            "ca",
            "init",
            "--out",
            s(&offline),
            "--passphrase-file",
            s(&pass)
        ])
        .status
        .success()
    );
    for alg in ["sm2", "p256"] {
        let key = offline.join(format!("root-{alg}.key.json"));
        let refused = mcert(&[
            "ca",
            "sign-issuing",
            "--data-dir",
            s(&data),
            "--root-key",
            s(&key),
            "--passphrase-file",
            s(&wrong),
        ]);
        assert!(!refused.status.success());
        assert!(
            String::from_utf8_lossy(&refused.stderr).contains("wrong_passphrase"),
            "{refused:?}"
        );
        ok(&mcert(&[
            "ca",
            "sign-issuing",
            "--data-dir",
            s(&data),
            "--root-key",
            s(&key),
            "--passphrase-file",
            s(&pass),
            "--base-url",
            "http://127.0.0.1:9",
        ]));
        let out = ok(&mcert(&[
            "ca",
            "sign-root-crl",
            "--data-dir",
            s(&data),
            "--root-key",
            s(&key),
            "--passphrase-file",
            s(&pass),
        ]));
        assert!(out.contains("number 2"), "{out}");
    }

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let url = Store::sqlite_url(&data);
    let open = || async {
        let store = Store::connect(&url).await.expect("store");
        let ca = Authority::open(
            store.clone(),
            &OperatorKey::from_hex(OPERATOR_KEY).expect("key"),
            AuthorityConfig {
                base_url: "http://127.0.0.1:9".into(),
            },
            Arc::new(mcert_core::clock::SystemClock),
        )
        .await
        .expect("the service finds the CA the ceremony made");
        (store, ca)
    };
    let key = PrivateKey::generate(Algorithm::P256).expect("key");
    let name = SubjectName {
        common_name: Some("device".into()),
        ..Default::default()
    }
    .to_name()
    .expect("name");
    let csr_der = csr::to_der(&csr::build(&name, &key).expect("csr")).expect("der");
    let request = || IssueRequest {
        csr: &csr_der,
        subject: SubjectName {
            country: Some("CN".into()),
            common_name: Some("运营".into()),
            ..Default::default()
        },
        profile: Profile::PersonalLeaf,
        validity: Duration::from_secs(86400),
        entitlement_id: None,
        actor: "test",
    };
    let (serial, issuing_id) = runtime.block_on(async {
        let (store, ca) = open().await;
        let issued = ca.issue(request()).await.expect("issue");
        let h = ca.hierarchy(Algorithm::P256).expect("h");
        // The issuing CA names the root's CRL.
        let pem = x509::to_pem(&h.issuing).expect("pem");
        assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
        store.close().await;
        (issued.serial, h.issuing_id.clone())
    });
    let out = ok(&mcert(&[
        "ca",
        "revoke",
        "--data-dir",
        s(&data),
        "--serial",
        &serial,
        "--reason",
        "key-compromise",
    ]));
    assert!(out.contains(&serial), "{out}");
    let again = mcert(&[
        "ca",
        "revoke",
        "--data-dir",
        s(&data),
        "--serial",
        &serial,
        "--reason",
        "superseded",
    ]);
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already_revoked"),
        "{again:?}"
    );
    let unknown = mcert(&[
        "ca",
        "revoke",
        "--data-dir",
        s(&data),
        "--serial",
        "7FFF",
        "--reason",
        "unspecified",
    ]);
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("unknown_certificate"),
        "{unknown:?}"
    );
    runtime.block_on(async {
        let (store, ca) = open().await;
        assert!(matches!(
            ca.status(&issuing_id, &serial).await.expect("status"),
            CertStatus::Revoked {
                reason: RevocationReason::KeyCompromise,
                ..
            }
        ));
        let err = ca.issue(request()).await.expect_err("compromised key");
        assert_eq!(err.code(), "key_compromised");
        store.close().await;
    });
    let _ = std::fs::remove_dir_all(&offline);
    let _ = std::fs::remove_dir_all(&data);
}
