//! The certificate's life through the real device core, on each database and algorithm: a bid
//! sealed to the encryption certificate (which the platform learns from a login) still opens by
//! scan after 补办 on a new phone and after a PIN reset; each time the old signing certificate
//! and its encryption pair are revoked (the OCSP responder says so), the old phone can no longer
//! answer, and the forgotten PIN opens nothing.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use mcert_core::clock::{Clock, ManualClock};
use mcert_core::crypto::revocation::{self, CertId, CertStatus, RevocationReason};
use mcert_core::crypto::{Algorithm, PrivateKey, x509};
use mcert_core::device::envelope::KdfParams;
use mcert_core::device::flows::{Device, DeviceError};
use mcert_core::device::keystore::KeyStoreOptions;
use mcert_core::device::qr;
use mcert_core::device::secret::KeyringSecretStore;
use mcert_core::scan::{Expectation, SealedBid};
use mcert_core::wire::{DisplayText, NewSession, ReissueReason, SessionKind};
use mcert_rp::client::{AnimatedQr, RpClient, verify};
use mcert_service::authority::OperatorKey;
use mcert_service::config::ServiceConfig;
use mcert_service::platforms::Registration;
use mcert_service::server;
use mcert_test_support::databases;
use mcert_test_support::device::{buy_and_install, login_by_sms, verify_by_phone};
use x509_cert::Certificate;

use crate::common::temp;

pub(crate) const BID: &[u8] = "投标报价：人民币 8,888,000.00 元".as_bytes();

fn b64(b: &[u8]) -> String {
    use base64ct::Encoding;
    base64ct::Base64::encode_string(b)
}

pub(crate) fn unb64(s: &str) -> Vec<u8> {
    use base64ct::Encoding;
    base64ct::Base64::decode_vec(s).expect("base64")
}

pub(crate) fn session(kind: SessionKind) -> NewSession {
    NewSession {
        display: DisplayText {
            project: Some("某水利枢纽工程".into()),
            lot: None,
            document_name: Some("投标文件.pdf".into()),
        },
        ..NewSession::new(kind)
    }
}

pub(crate) fn phone_device(base: &str, tag: &str) -> Device {
    let secrets = KeyringSecretStore::mock().expect("secret store");
    let options = KeyStoreOptions {
        kdf: KdfParams::INSECURE_TEST,
        ..Default::default()
    };
    Device::open(&temp(tag), base, &secrets, options).expect("device")
}

/// The platform shows a session's QR code and the phone scans it.
pub(crate) async fn scan(
    device: &Device,
    platform: &RpClient,
    req: &NewSession,
) -> Result<
    (
        mcert_core::wire::CreatedSession,
        mcert_core::device::flows::PendingScan,
    ),
    DeviceError,
> {
    let created = platform.create(req, None).await.expect("create");
    let png = qr::encode_png(&AnimatedQr::new(&created).payload(), 5).expect("png");
    let pending = device.scan_image(&png).await?;
    Ok((created, pending))
}

/// The platform asks the phone to open `sealed`; returns the bid as the platform opened it.
pub(crate) async fn open_bid(
    device: &Device,
    platform: &RpClient,
    roots: &[Certificate],
    sealed: &SealedBid,
    serial: &str,
    pin: &str,
    now: SystemTime,
) -> Result<Vec<u8>, DeviceError> {
    let alg = if sealed.cipher == "sm4-gcm" {
        Algorithm::Sm2
    } else {
        Algorithm::P256
    };
    let eph = PrivateKey::generate(alg).expect("eph");
    let mut req = session(SessionKind::Decrypt);
    req.encrypted_key = Some(sealed.encrypted_key.clone());
    req.recipient_serial = Some(sealed.recipient_serial.clone());
    req.ephemeral_public_key = Some(b64(&eph.public_key().to_spki_der().expect("spki")));
    let (created, pending) = scan(device, platform, &req).await?;
    let offered: Vec<&str> = pending.choices.iter().map(|c| c.serial.as_str()).collect();
    assert_eq!(
        offered,
        vec![serial],
        "only the current certificate answers"
    );
    device.confirm(&pending, serial, pin).await?;
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
            roots,
            now,
        },
    )
    .expect("decrypt verifies");
    Ok(sealed
        .open_with_ephemeral(v.reencrypted_key.as_deref().expect("key"), &eph)
        .expect("opens")
        .to_vec())
}

/// What the service's OCSP responder (over HTTP) says of `serial`, checked with the issuing CA.
pub(crate) async fn ocsp(base: &str, issuing: &Certificate, serial: &str) -> CertStatus {
    let id = CertId::new(issuing, &hex::decode(serial).expect("hex"), None).expect("id");
    let request = revocation::build_ocsp_request(&[id], None).expect("request");
    let body = reqwest::Client::new()
        .post(format!("{base}/v1/ocsp"))
        .header("content-type", "application/ocsp-request")
        .body(request)
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .expect("ocsp")
        .bytes()
        .await
        .expect("body");
    let mut statuses = revocation::verify_ocsp_response(&body, issuing).expect("response");
    assert_eq!(statuses.len(), 1);
    statuses.remove(0).1
}

/// A development service on `database` whose clock the test moves, with a registered
/// platform (`id`, `name`): the service, its clock, its URL, the platform and the CA roots.
pub(crate) async fn service_with_platform(
    database: &str,
    (id, name): (&str, &str),
) -> (
    server::Running,
    Arc<ManualClock>,
    String,
    RpClient,
    Vec<Certificate>,
) {
    let config = ServiceConfig {
        listen: "127.0.0.1:0".parse().expect("addr"),
        data_dir: temp("service"),
        database_url: Some(database.to_string()),
        dev: true,
        ..Default::default()
    };
    let clock = Arc::new(ManualClock::new(SystemTime::now()));
    let running = server::start_with_clock(
        &config,
        &OperatorKey::generate().expect("key"),
        clock.clone(),
    )
    .await
    .expect("start");
    let base = format!("http://{}", running.addr);
    let creds = running
        .state
        .sessions
        .platforms()
        .register(&Registration {
            id: id.into(),
            name: name.into(),
            ..Default::default()
        })
        .await
        .expect("platform");
    let platform = RpClient::new(&base, &creds.api_key).expect("client");
    let roots = platform.roots().await.expect("roots");
    (running, clock, base, platform, roots)
}

/// A phone logged in by SMS to `phone`, verified as `name` / `id_number`, holding a
/// one-year personal certificate of `alg` under `pin`.
pub(crate) async fn holder_phone(
    base: &str,
    (phone, name, id_number): (&str, &str, &str),
    alg: Algorithm,
    pin: &str,
) -> (Device, mcert_core::device::flows::InstalledCertificate) {
    let mut device = phone_device(base, "phone-a");
    login_by_sms(&mut device, phone).await;
    verify_by_phone(&device, phone, name, id_number).await;
    let installed = buy_and_install(&device, alg, pin).await;
    (device, installed)
}

/// The encryption certificate the platform learns when `device` logs in by scan with the
/// certificate `serial` (its PIN `pin`): what platforms seal bids to.
pub(crate) async fn encryption_certificate_by_login(
    device: &Device,
    platform: &RpClient,
    serial: &str,
    pin: &str,
) -> Certificate {
    let (created, pending) = scan(device, platform, &session(SessionKind::Login))
        .await
        .expect("scan");
    device.confirm(&pending, serial, pin).await.expect("login");
    let done = platform
        .status(&created.session_id, None, None)
        .await
        .expect("status");
    x509::parse_certificate(&unb64(
        done.result
            .as_ref()
            .and_then(|r| r.encryption_certificate.as_ref())
            .expect("the platform learns the encryption certificate"),
    ))
    .expect("enc")
}

pub(crate) fn superseded(status: &CertStatus) -> bool {
    matches!(
        status,
        CertStatus::Revoked {
            reason: RevocationReason::Superseded,
            ..
        }
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bid_sealed_before_a_reissue_on_a_new_phone_and_a_pin_reset_still_opens() {
    for db in databases().await {
        let (running, clock, base, platform, roots) =
            service_with_platform(&db.url, ("water", "某省水利工程招标平台")).await;
        for (i, alg) in [Algorithm::Sm2, Algorithm::P256].into_iter().enumerate() {
            let issuing = running
                .state
                .authority
                .hierarchy(alg)
                .expect("h")
                .issuing
                .clone();
            let phone = format!("1371234560{i}");
            let (name, id_number) = [
                ("孙九", "110101199003070011"),
                ("钱十", "110105198505120040"),
            ][i];
            // Phone A: the certificate, and a login that gives the platform its encryption pair.
            let (old_phone, a) =
                holder_phone(&base, (&phone, name, id_number), alg, "135790").await;
            assert_eq!(a.encryption_serials.len(), 1);
            // The expiry guard: a project whose bids open after the one-year certificate ends
            // gets a warning on the phone; one that opens next month does not.
            for (days, warned) in [(30u64, false), (500, true)] {
                let mut req = session(SessionKind::Login);
                req.display.document_name = None;
                req.opening_at = Some(mcert_core::clock::rfc3339(
                    clock.now() + Duration::from_secs(days * 86_400),
                ));
                let (_, pending) = scan(&old_phone, &platform, &req).await.expect("scan");
                assert!(
                    pending.session.opening_at.is_some(),
                    "the phone is told the opening time"
                );
                assert_eq!(pending.choices.len(), 1);
                assert_eq!(
                    pending.choices[0].expires_before_opening, warned,
                    "{days} days"
                );
            }
            let enc =
                encryption_certificate_by_login(&old_phone, &platform, &a.serial, "135790").await;
            assert_eq!(x509::serial_hex(&enc), a.encryption_serials[0]);
            let sealed = SealedBid::seal(&enc, BID).expect("seal");
            assert_eq!(
                open_bid(
                    &old_phone,
                    &platform,
                    &roots,
                    &sealed,
                    &a.serial,
                    "135790",
                    clock.now()
                )
                .await
                .expect("opens on phone A"),
                BID
            );

            // 补办 on a new phone: real-name + face again, a new key, the escrowed key back.
            let mut new_phone = phone_device(&base, "phone-b");
            clock.advance(Duration::from_secs(61));
            login_by_sms(&mut new_phone, &phone).await;
            verify_by_phone(&new_phone, &phone, name, id_number).await;
            let slot = new_phone
                .client()
                .entitlements()
                .await
                .expect("slots")
                .into_iter()
                .find(|e| e.status == "issued")
                .expect("the issued slot");
            let b = new_phone
                .reissue(&slot.id, alg, "246802", ReissueReason::NewDevice)
                .await
                .expect("reissue");
            assert_ne!(b.serial, a.serial);
            assert_eq!(
                b.encryption_serials.len(),
                1,
                "the one escrowed key, continued"
            );
            assert_ne!(b.encryption_serials[0], a.encryption_serials[0]);
            assert!(superseded(&ocsp(&base, &issuing, &a.serial).await));
            assert!(superseded(
                &ocsp(&base, &issuing, &a.encryption_serials[0]).await
            ));
            assert_eq!(ocsp(&base, &issuing, &b.serial).await, CertStatus::Good);
            // The old phone has nothing left that may answer.
            match scan(&old_phone, &platform, &session(SessionKind::Login)).await {
                Ok((_, p)) => assert!(p.choices.is_empty(), "{:?}", p.choices),
                Err(e) => assert!(matches!(e, DeviceError::NoEligibleCertificate), "{e:?}"),
            }
            assert_eq!(
                open_bid(
                    &new_phone,
                    &platform,
                    &roots,
                    &sealed,
                    &b.serial,
                    "246802",
                    clock.now()
                )
                .await
                .expect("opens on the new phone"),
                BID
            );

            // 忘记密码: reset after real-name + face; the new PIN opens the same old bid.
            clock.advance(Duration::from_secs(1));
            verify_by_phone(&new_phone, &phone, name, id_number).await;
            let c = new_phone
                .reissue(&slot.id, alg, "975310", ReissueReason::PinReset)
                .await
                .expect("reset");
            assert!(superseded(&ocsp(&base, &issuing, &b.serial).await));
            assert_eq!(ocsp(&base, &issuing, &c.serial).await, CertStatus::Good);
            assert_eq!(
                open_bid(
                    &new_phone,
                    &platform,
                    &roots,
                    &sealed,
                    &c.serial,
                    "975310",
                    clock.now()
                )
                .await
                .expect("opens after the reset"),
                BID
            );
            // The forgotten PIN opens nothing any more.
            assert!(matches!(
                open_bid(
                    &new_phone,
                    &platform,
                    &roots,
                    &sealed,
                    &c.serial,
                    "246802",
                    clock.now()
                )
                .await,
                Err(DeviceError::KeyStore(_))
            ));
        }
        running.stop().await.expect("stop");
    }
}

/// `mcert keys recover` as the operator runs it: two reviewers' passwords and TOTP codes on
/// standard input, the recipient a stranger's certificate (made by OpenSSL); OpenSSL opens the
/// envelope with the recipient's key and finds the escrowed key of the encryption certificate.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_operator_recovers_an_escrowed_key_with_two_reviewers_from_the_command_line() {
    if !crate::common::have_openssl() {
        return;
    }
    let data = temp("keys-recover");
    let config = ServiceConfig {
        listen: "127.0.0.1:0".parse().expect("addr"),
        data_dir: data.clone(),
        dev: true,
        ..Default::default()
    };
    let operator_key = server::operator_key(&config).expect("operator key");
    let running = server::start(&config, &operator_key).await.expect("start");
    let base = format!("http://{}", running.addr);
    let mut phone = phone_device(&base, "phone-recover");
    login_by_sms(&mut phone, "13712345700").await;
    verify_by_phone(&phone, "13712345700", "孙九", "110101199003070011").await;
    let cert = buy_and_install(&phone, Algorithm::P256, "135790").await;
    let enc_serial = cert.encryption_serials[0].clone();
    running.stop().await.expect("stop");

    let mcert = |args: &[&str], stdin: &str| {
        use std::io::Write;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_mcert"))
            .args(args)
            .env("MCERT_LANG", "en")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("write");
        let out = child.wait_with_output().expect("wait");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let dir = data.to_str().expect("utf-8").to_string();
    let password = "correct horse battery staple 42";
    let mut secrets = Vec::new();
    for (username, name) in [("li.shen", "李审"), ("zhao.he", "赵核")] {
        let (ok, out, err) = mcert(
            &[
                "reviewer",
                "add",
                "--dev",
                "--data-dir",
                &dir,
                username,
                "--name",
                name,
                "--password-stdin",
            ],
            &format!("{password}\n"),
        );
        assert!(ok, "{out}{err}");
        let secret = out
            .lines()
            .find_map(|l| l.strip_prefix("totp_secret="))
            .expect("totp secret");
        secrets.push(mcert_service::reviewers::totp::base32_decode(secret).expect("base32"));
    }
    let work = temp("keys-recover-court");
    std::fs::create_dir_all(&work).expect("dir");
    let (ok, out) = crate::common::openssl(
        &work,
        &[
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            "court.key",
            "-out",
            "court.pem",
            "-subj",
            "/CN=court expert",
            "-days",
            "1",
        ],
    );
    assert!(ok, "{out}");
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .expect("time")
        .as_secs() as i64;
    let codes: Vec<String> = secrets
        .iter()
        .map(|s| mcert_service::reviewers::totp::code_at(s, now))
        .collect();
    let court = work.join("court.pem");
    let envelope = work.join("recovered.der");
    let recover = |approvers: [&str; 2], stdin: String| {
        mcert(
            &[
                "keys",
                "recover",
                "--dev",
                "--data-dir",
                &dir,
                "--serial",
                &enc_serial,
                "--case",
                "(2026) Case 0042",
                "--to",
                court.to_str().expect("p"),
                "--approvers",
                approvers[0],
                approvers[1],
                "--out",
                envelope.to_str().expect("p"),
            ],
            &stdin,
        )
    };
    // One reviewer cannot approve twice.
    let (ok, _, err) = recover(
        ["li.shen", "li.shen"],
        format!("{password}\n{}\n{password}\n{}\n", codes[0], codes[0]),
    );
    assert!(!ok && !envelope.exists(), "{err}");
    // Two reviewers (fresh codes: a code serves one login).
    let next = |s: &Vec<u8>| mcert_service::reviewers::totp::code_at(s, now + 30);
    let (ok, out, err) = recover(
        ["li.shen", "zhao.he"],
        format!(
            "{password}\n{}\n{password}\n{}\n",
            next(&secrets[0]),
            codes[1]
        ),
    );
    assert!(ok, "{out}{err}");
    assert!(out.contains("recorded and audited"), "{out}");
    let (ok, out) = crate::common::openssl(
        &work,
        &[
            "cms",
            "-decrypt",
            "-inform",
            "DER",
            "-in",
            "recovered.der",
            "-recip",
            "court.pem",
            "-inkey",
            "court.key",
            "-binary",
            "-out",
            "key.der",
        ],
    );
    assert!(ok, "{out}");
    let (ok, out) = crate::common::openssl(
        &work,
        &[
            "pkey", "-inform", "DER", "-in", "key.der", "-pubout", "-outform", "DER", "-out",
            "pub.der",
        ],
    );
    assert!(ok, "{out}");
    let enc_cert = phone
        .keys()
        .certificate_by_serial(&enc_serial)
        .expect("store")
        .expect("the encryption certificate is on the phone");
    let enc = x509::parse_certificate(&enc_cert.der).expect("cert");
    assert_eq!(
        std::fs::read(work.join("pub.der")).expect("pub"),
        x509::certificate_public_key(&enc)
            .expect("key")
            .to_spki_der()
            .expect("spki")
    );
}
