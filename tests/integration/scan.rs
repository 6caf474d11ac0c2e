//! The scan through the real device core: QR pictures decoded by the core, keys in the PIN
//! key store, answers checked by the service and verified by the platform; a bid sealed to a
//! certificate later replaced still opens with the retired key; and what the phone produced
//! checked by OpenSSL (the SM2 statement signature with the SM2 ID, the P-256 CMS over the
//! document).

use std::time::SystemTime;

use mcert_core::crypto::revocation::RevocationReason;
use mcert_core::crypto::{Algorithm, PrivateKey, x509};
use mcert_core::device::envelope::KdfParams;
use mcert_core::device::flows::{Device, DeviceError};
use mcert_core::device::keystore::KeyStoreOptions;
use mcert_core::device::qr;
use mcert_core::device::secret::KeyringSecretStore;
use mcert_core::scan::{Expectation, SealedBid};
use mcert_core::wire::{DisplayText, DocumentDigests, NewSession, SessionKind};
use mcert_rp::client::{AnimatedQr, RpClient, verify};
use mcert_service::authority::OperatorKey;
use mcert_service::config::ServiceConfig;
use mcert_service::platforms::Registration;
use mcert_service::server;
use mcert_test_support::device::{buy_and_install, login_by_sms, verify_by_phone};

use crate::common::{have_openssl, openssl, temp};

const PIN: &str = "135790";

fn b64(b: &[u8]) -> String {
    use base64ct::Encoding;
    base64ct::Base64::encode_string(b)
}

fn unb64(s: &str) -> Vec<u8> {
    use base64ct::Encoding;
    base64ct::Base64::decode_vec(s).expect("base64")
}

fn session(kind: SessionKind) -> NewSession {
    NewSession {
        display: DisplayText {
            project: Some("某高速公路机电工程".into()),
            lot: Some("第3标段".into()),
            document_name: None,
        },
        ..NewSession::new(kind)
    }
}

/// The platform shows its QR code; the phone's camera sees it (a PNG decoded by the core).
async fn show_and_scan(
    device: &Device,
    platform: &RpClient,
    req: &NewSession,
) -> (
    mcert_core::wire::CreatedSession,
    mcert_core::device::flows::PendingScan,
) {
    let created = platform.create(req, None).await.expect("create");
    let png = qr::encode_png(&AnimatedQr::new(&created).payload(), 5).expect("png");
    let pending = device.scan_image(&png).await.expect("scan");
    assert_eq!(pending.session.verification_code, created.verification_code);
    (created, pending)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scans_through_the_device_core_with_a_retired_key_and_openssl() {
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
    let creds = running
        .state
        .sessions
        .platforms()
        .register(&Registration {
            id: "highway".into(),
            name: "某省公共资源交易中心".into(),
            ..Default::default()
        })
        .await
        .expect("platform");
    let platform = RpClient::new(&base, &creds.api_key).expect("client");
    let roots = platform.roots().await.expect("roots");

    let home = temp("device");
    let secrets = KeyringSecretStore::mock().expect("secret store");
    let options = KeyStoreOptions {
        kdf: KdfParams::INSECURE_TEST,
        ..Default::default()
    };
    let mut device = Device::open(&home, &base, &secrets, options).expect("device");
    let phone = "13712345678";
    login_by_sms(&mut device, phone).await;
    verify_by_phone(&device, phone, "周八", "110101199003070011").await;

    // Certificate A (SM2); the bid is sealed to it.
    let a = buy_and_install(&device, Algorithm::Sm2, PIN).await;
    let a_cert = x509::parse_certificate(&a.certificate).expect("a");
    let bid = "投标报价：人民币 3,210,000.00 元".as_bytes();
    let sealed = SealedBid::seal(&a_cert, bid).expect("seal");

    // Login with A; OpenSSL checks the statement signature with the SM2 ID.
    let (created, pending) = show_and_scan(&device, &platform, &session(SessionKind::Login)).await;
    assert_eq!(pending.choices.len(), 1);
    assert_eq!(pending.session.platform.name, "某省公共资源交易中心");
    match device.confirm(&pending, &a.serial, "999111").await {
        Err(DeviceError::KeyStore(e)) => assert!(e.to_string().contains("4"), "{e}"),
        other => panic!("wrong PIN: {other:?}"),
    }
    let st = device
        .confirm(&pending, &a.serial, PIN)
        .await
        .expect("confirm");
    assert_eq!(st.status, "completed");
    let done = platform
        .status(&created.session_id, None, None)
        .await
        .expect("status");
    let v = verify(
        &done,
        &Expectation {
            session_id: &created.session_id,
            kind: SessionKind::Login,
            document_digests: None,
            roots: &roots,
            now: SystemTime::now(),
        },
    )
    .expect("login verifies");
    assert_eq!(v.info.serial_hex, a.serial);
    let dir = temp("openssl");
    std::fs::create_dir_all(&dir).expect("mkdir");
    if have_openssl() {
        let result = done.result.as_ref().expect("result");
        std::fs::write(dir.join("statement.txt"), unb64(&result.statement)).expect("w");
        std::fs::write(dir.join("statement.sig"), unb64(&result.signature)).expect("w");
        std::fs::write(dir.join("a.pem"), x509::to_pem(&a_cert).expect("pem")).expect("w");
        let (ok, out) = openssl(
            &dir,
            &["x509", "-in", "a.pem", "-pubkey", "-noout", "-out", "a.pub"],
        );
        assert!(ok, "{out}");
        let (ok, out) = openssl(
            &dir,
            &[
                "pkeyutl",
                "-verify",
                "-pubin",
                "-inkey",
                "a.pub",
                "-rawin",
                "-digest",
                "sm3",
                "-in",
                "statement.txt",
                "-sigfile",
                "statement.sig",
                "-pkeyopt",
                "distid:1234567812345678",
            ],
        );
        assert!(
            ok && out.contains("Signature Verified Successfully"),
            "{out}"
        );
        // The statement says what the user saw.
        let statement = std::fs::read_to_string(dir.join("statement.txt")).expect("r");
        for line in [
            "platform-name: 某省公共资源交易中心",
            "operation: 扫码登录",
            "project: 某高速公路机电工程",
        ] {
            assert!(statement.contains(line), "{statement}");
        }
    }

    // A is replaced by B (reissue): A revoked, its key retired on the phone.
    let b = buy_and_install(&device, Algorithm::Sm2, PIN).await;
    running
        .state
        .authority
        .revoke(&a.serial, RevocationReason::Superseded, "test")
        .await
        .expect("revoke");
    device
        .keys()
        .retire(&a.key_id, Some(&b.key_id))
        .expect("retire");

    // Opening the bid sealed to A: B answers, A's retired key opens the bid key.
    let eph = PrivateKey::generate(Algorithm::Sm2).expect("eph");
    let mut req = session(SessionKind::Decrypt);
    req.display.document_name = Some("投标文件.pdf".into());
    req.encrypted_key = Some(sealed.encrypted_key.clone());
    req.recipient_serial = Some(sealed.recipient_serial.clone());
    req.ephemeral_public_key = Some(b64(&eph.public_key().to_spki_der().expect("spki")));
    let (created, pending) = show_and_scan(&device, &platform, &req).await;
    let offered: Vec<&str> = pending.choices.iter().map(|c| c.serial.as_str()).collect();
    assert_eq!(
        offered,
        vec![b.serial.as_str()],
        "the revoked A is not offered"
    );
    device
        .confirm(&pending, &b.serial, PIN)
        .await
        .expect("confirm");
    let done = platform
        .status(&created.session_id, None, None)
        .await
        .expect("status");
    let v = verify(
        &done,
        &Expectation {
            session_id: &created.session_id,
            kind: SessionKind::Decrypt,
            document_digests: None,
            roots: &roots,
            now: SystemTime::now(),
        },
    )
    .expect("decrypt verifies");
    let opened = sealed
        .open_with_ephemeral(v.reencrypted_key.as_deref().expect("key"), &eph)
        .expect("opens");
    assert_eq!(&opened[..], bid);

    // A P-256 certificate signs a document; OpenSSL verifies the CMS against the document.
    let c = buy_and_install(&device, Algorithm::P256, PIN).await;
    let document = b"%PDF-1.7 tender for the highway electromechanical works".to_vec();
    let mut req = session(SessionKind::Sign);
    req.display.document_name = Some("投标文件.pdf".into());
    req.document_digests = Some(DocumentDigests::of(&document));
    let (created, pending) = show_and_scan(&device, &platform, &req).await;
    assert!(pending.choices.iter().any(|ch| ch.serial == c.serial));
    device
        .confirm(&pending, &c.serial, PIN)
        .await
        .expect("confirm");
    let done = platform
        .status(&created.session_id, None, None)
        .await
        .expect("status");
    verify(
        &done,
        &Expectation {
            session_id: &created.session_id,
            kind: SessionKind::Sign,
            document_digests: req.document_digests.as_ref(),
            roots: &roots,
            now: SystemTime::now(),
        },
    )
    .expect("sign verifies");
    if have_openssl() {
        let result = done.result.as_ref().expect("result");
        std::fs::write(dir.join("doc.pdf"), &document).expect("w");
        std::fs::write(
            dir.join("sig.p7s"),
            unb64(result.cms.as_ref().expect("cms")),
        )
        .expect("w");
        let root = x509::to_pem(&roots[1]).expect("pem");
        let issuing = x509::to_pem(&x509::parse_certificate(&unb64(&result.chain[0])).expect("c"))
            .expect("pem");
        // The phone's CMS carries the signer's certificate; the platform holds the CA chain.
        std::fs::write(dir.join("cas.pem"), format!("{issuing}{root}")).expect("w");
        let (ok, out) = openssl(
            &dir,
            &[
                "cms",
                "-verify",
                "-binary",
                "-inform",
                "DER",
                "-in",
                "sig.p7s",
                "-content",
                "doc.pdf",
                "-CAfile",
                "cas.pem",
                "-purpose",
                "any",
                "-out",
                "/dev/null",
            ],
        );
        assert!(ok, "{out}");
        // The same CMS over another document fails.
        std::fs::write(dir.join("other.pdf"), b"another document").expect("w");
        let (ok, _) = openssl(
            &dir,
            &[
                "cms",
                "-verify",
                "-binary",
                "-inform",
                "DER",
                "-in",
                "sig.p7s",
                "-content",
                "other.pdf",
                "-CAfile",
                "cas.pem",
                "-purpose",
                "any",
                "-out",
                "/dev/null",
            ],
        );
        assert!(!ok);
    }

    // Usage records on the phone: each success and the wrong-PIN-free history.
    let page = device
        .usage(None, None, None, Some(10))
        .await
        .expect("usage");
    let ops: Vec<&str> = page.items.iter().map(|u| u.operation.as_str()).collect();
    assert_eq!(ops, vec!["文件签名", "开标解密", "扫码登录"]);
    assert!(
        page.items
            .iter()
            .all(|u| u.outcome == "completed" && u.holder_name.as_deref() == Some("周八"))
    );

    running.stop().await.expect("stop");
    let _ = std::fs::remove_dir_all(&data);
    let _ = std::fs::remove_dir_all(&home);
    let _ = std::fs::remove_dir_all(&dir);
}
