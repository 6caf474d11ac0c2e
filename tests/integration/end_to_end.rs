//! A person installs the app, logs in by SMS, passes real-name verification, buys and pays for
//! a personal certificate; the device makes the key and installs the certificate; OpenSSL
//! accepts the chain and the OCSP answer; after revocation OCSP says revoked and the CRL lists
//! it. Everything over real HTTP on 127.0.0.1.

use std::time::Duration;

use mcert_core::crypto::Algorithm;
use mcert_core::crypto::revocation::RevocationReason;
use mcert_core::crypto::x509;
use mcert_core::device::envelope::KdfParams;
use mcert_core::device::flows::Device;
use mcert_core::device::keystore::KeyStoreOptions;
use mcert_core::device::secret::KeyringSecretStore;
use mcert_service::authority::OperatorKey;
use mcert_service::config::ServiceConfig;
use mcert_service::server;
use mcert_test_support::device::{login_by_sms, verify_by_phone};

use crate::common::{have_openssl, openssl, temp};

async fn fetch(url: &str) -> Vec<u8> {
    let r = reqwest::get(url).await.expect("get");
    assert!(r.status().is_success(), "{url}: {}", r.status());
    r.bytes().await.expect("body").to_vec()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn personal_certificate_end_to_end() {
    let data = temp("service");
    let config = ServiceConfig {
        listen: "127.0.0.1:0".parse().expect("addr"),
        data_dir: data.clone(),
        dev: true,
        ..Default::default()
    };
    let running = server::start(&config, &OperatorKey::generate().expect("key"))
        .await
        .expect("start");
    let base = format!("http://{}", running.addr);

    let home = temp("device");
    let secrets = KeyringSecretStore::mock().expect("secret store");
    let options = KeyStoreOptions {
        kdf: KdfParams::INSECURE_TEST,
        ..Default::default()
    };
    let mut device = Device::open(&home, &base, &secrets, options).expect("device");

    // Log in by SMS (the development provider's outbox stands in for the phone's inbox).
    let phone = "13912345678";
    let session = login_by_sms(&mut device, phone).await;
    assert!(session.new_account);
    let platforms = device.client().platforms().await.expect("platforms");
    device
        .client()
        .choose_platform(&platforms[0].id)
        .await
        .expect("platform");

    // Real name.
    verify_by_phone(&device, phone, "张三", "110101199003070011").await;

    // Two personal certificates: one SM2, one P-256.
    let mut installed = Vec::new();
    for alg in [Algorithm::Sm2, Algorithm::P256] {
        let order = device.order("personal", 1).await.expect("order");
        assert_eq!(order.status_label, "待支付");
        let paid = device
            .pay_and_wait(&order.id, Duration::from_secs(20))
            .await
            .expect("paid");
        assert_eq!(paid.status_label, "已完成");
        let ent = device
            .client()
            .entitlements()
            .await
            .expect("entitlements")
            .into_iter()
            .find(|e| e.order_id == order.id)
            .expect("entitlement");
        // A wrong PIN policy is refused before anything is sent.
        assert!(device.install(&ent.id, alg, "123456").await.is_err());
        let cert = device
            .install(&ent.id, alg, "135790")
            .await
            .expect("install");
        assert_eq!(
            device
                .keys()
                .certificates(&cert.key_id)
                .expect("stored")
                .len(),
            1
        );
        installed.push((alg, cert));
    }
    let listed = device.client().certificates().await.expect("certificates");
    assert_eq!(listed.len(), 2);
    assert!(
        listed
            .iter()
            .all(|c| c.status == "good" && c.subject.contains("张三"))
    );
    // Two signing keys made here and the two escrowed encryption keys delivered with them.
    assert_eq!(device.keys().list().expect("keys").len(), 4);
    for (_, cert) in &installed {
        assert_eq!(cert.encryption_serials.len(), 1);
        let enc = device
            .keys()
            .certificate_by_serial(&cert.encryption_serials[0])
            .expect("store")
            .expect("the encryption certificate is kept with its key");
        assert_ne!(enc.key_id, cert.key_id);
    }

    if have_openssl() {
        let dir = temp("openssl");
        std::fs::create_dir_all(&dir).expect("mkdir");
        for (alg, cert) in &installed {
            let a = alg.as_str();
            let root = fetch(&format!("{base}/v1/ca/{a}/root.cer")).await;
            let issuing = fetch(&format!("{base}/v1/ca/{a}/issuing.cer")).await;
            for (name, der) in [
                ("root", &root),
                ("issuing", &issuing),
                ("leaf", &cert.certificate),
            ] {
                let pem = x509::to_pem(&x509::parse_certificate(der).expect("cert")).expect("pem");
                std::fs::write(dir.join(format!("{a}-{name}.pem")), pem).expect("write");
            }
            let (root_pem, issuing_pem, leaf_pem) = (
                format!("{a}-root.pem"),
                format!("{a}-issuing.pem"),
                format!("{a}-leaf.pem"),
            );
            let ocsp_url = format!("{base}/v1/ocsp");
            if *alg == Algorithm::P256 {
                let (ok, out) = openssl(
                    &dir,
                    &[
                        "verify",
                        "-CAfile",
                        &root_pem,
                        "-untrusted",
                        &issuing_pem,
                        &leaf_pem,
                    ],
                );
                assert!(ok, "{out}");
            } else {
                for (anchor, target, partial) in [
                    (&root_pem, &issuing_pem, false),
                    (&issuing_pem, &leaf_pem, true),
                ] {
                    let mut args = vec!["verify", "-vfyopt", "distid:1234567812345678"];
                    if partial {
                        args.push("-partial_chain");
                    }
                    args.extend(["-CAfile", anchor.as_str(), target.as_str()]);
                    let (ok, out) = openssl(&dir, &args);
                    assert!(ok, "{out}");
                }
            }
            let ask =
                |dir: std::path::PathBuf, issuing: String, leaf: String, url: String, sm2: bool| {
                    tokio::task::spawn_blocking(move || {
                        let mut args = vec![
                            "ocsp",
                            "-issuer",
                            issuing.as_str(),
                            "-cert",
                            leaf.as_str(),
                            "-url",
                            url.as_str(),
                            "-VAfile",
                            issuing.as_str(),
                            "-timeout",
                            "10",
                        ];
                        if sm2 {
                            // OpenSSL cannot pass the SM2 ID to the response check.
                            args.push("-noverify");
                        }
                        openssl(&dir, &args)
                    })
                };
            let sm2 = *alg == Algorithm::Sm2;
            let (ok, out) = ask(
                dir.clone(),
                issuing_pem.clone(),
                leaf_pem.clone(),
                ocsp_url.clone(),
                sm2,
            )
            .await
            .expect("join");
            assert!(ok && out.contains(&format!("{leaf_pem}: good")), "{out}");
            if !sm2 {
                assert!(out.contains("Response verify OK"), "{out}");
            }

            // Revoke: OCSP says revoked, the CRL lists it.
            running
                .state
                .authority
                .revoke(&cert.serial, RevocationReason::KeyCompromise, "operator")
                .await
                .expect("revoke");
            let (ok, out) = ask(
                dir.clone(),
                issuing_pem.clone(),
                leaf_pem.clone(),
                ocsp_url.clone(),
                sm2,
            )
            .await
            .expect("join");
            assert!(ok && out.contains(&format!("{leaf_pem}: revoked")), "{out}");
            let crl = fetch(&format!("{base}/v1/ca/{a}/crl")).await;
            std::fs::write(dir.join(format!("{a}.crl")), &crl).expect("write");
            let (ok, text) = openssl(
                &dir,
                &[
                    "crl",
                    "-inform",
                    "DER",
                    "-in",
                    &format!("{a}.crl"),
                    "-noout",
                    "-text",
                ],
            );
            assert!(ok && text.contains(&cert.serial), "{text}");
            if !sm2 {
                let (ok, out) = openssl(
                    &dir,
                    &[
                        "crl",
                        "-inform",
                        "DER",
                        "-in",
                        &format!("{a}.crl"),
                        "-CAfile",
                        &issuing_pem,
                        "-noout",
                    ],
                );
                assert!(ok && out.contains("verify OK"), "{out}");
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    let listed = device.client().certificates().await.expect("certificates");
    assert!(listed.iter().all(|c| c.status == "revoked"));

    running.stop().await.expect("stop");
    let _ = std::fs::remove_dir_all(&data);
    let _ = std::fs::remove_dir_all(&home);
}
