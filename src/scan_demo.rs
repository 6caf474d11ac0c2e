//! `mcert demo`: the whole product on one machine. Starts the service on a free loopback port
//! with development providers, registers a bidding platform, makes a person with a personal
//! certificate whose key is made in a phone key store, then logs in, signs a bid and opens it
//! by scanning real QR images decoded by the core, verifying each result as a platform would.
//! Prints every step and the usage records; exits 0 when every check held.

use std::time::{Duration, SystemTime};

use fluent_bundle::FluentValue;
use mcert_core::crypto::{Algorithm, PrivateKey};
use mcert_core::device::flows::{Device, PendingScan};
use mcert_core::device::keystore::KeyStoreOptions;
use mcert_core::device::qr;
use mcert_core::device::secret::KeyringSecretStore;
use mcert_core::i18n::{Locale, UserMessage, message};
use mcert_core::scan::{Expectation, SealedBid};
use mcert_core::wire::{DisplayText, DocumentDigests, Method, NewSession, SessionKind};
use mcert_rp::client::{AnimatedQr, RpClient, verify};
use mcert_service::authority::OperatorKey;
use mcert_service::config::ServiceConfig;
use mcert_service::platforms::Registration;
use mcert_service::server;

use crate::CliError;

pub(crate) const PHONE: &str = "13800138000";
pub(crate) const NAME: &str = "张三";
pub(crate) const ID_NUMBER: &str = "110101199003070011";
const PIN: &str = "246810";
const PROJECT: &str = "青海某100MW光伏电站EPC总承包";
const LOT: &str = "第1标段";
pub(crate) const BID: &str = "投标报价：人民币 86,420,000.00 元；工期 180 日历天。";

/// Logs `phone` in by SMS, the code read from the development outbox. The resend limit (one
/// code a minute per number) may still hold from an earlier login of the number: waited out.
pub(crate) async fn sms_login(
    device: &mut Device,
    phone: &str,
) -> Result<mcert_core::wire::LoginSession, mcert_core::device::flows::DeviceError> {
    use mcert_core::device::client::ClientError;
    use mcert_core::device::flows::DeviceError;
    let started = std::time::Instant::now();
    loop {
        match device.request_code(phone).await {
            Ok(()) => break,
            Err(DeviceError::Client(ClientError::Api { code, .. }))
                if code == "code_cooldown" && started.elapsed() < Duration::from_secs(70) =>
            {
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
            Err(e) => return Err(e),
        }
    }
    let texts = device.client().dev_outbox(phone).await?;
    let code: String = texts
        .first()
        .map(|t| t.chars().filter(char::is_ascii_digit).take(6).collect())
        .unwrap_or_default();
    device.login(phone, &code).await
}

/// A bid-opening session for `sealed` with a fresh ephemeral key of the platform.
pub(crate) fn decrypt_request(
    sealed: &SealedBid,
    locale: Locale,
) -> Result<(NewSession, PrivateKey), CliError> {
    let eph = PrivateKey::generate(Algorithm::Sm2).map_err(|e| CliError::from_user(&e, locale))?;
    let spki = eph
        .public_key()
        .to_spki_der()
        .map_err(|e| CliError::from_user(&e, locale))?;
    let mut req = new_session(SessionKind::Decrypt);
    req.display.document_name = Some("投标文件（商务标）.pdf".into());
    req.encrypted_key = Some(sealed.encrypted_key.clone());
    req.recipient_serial = Some(sealed.recipient_serial.clone());
    req.ephemeral_public_key = Some({
        use base64ct::Encoding;
        base64ct::Base64::encode_string(&spki)
    });
    Ok((req, eph))
}

/// The bid as the platform opens it from a verified bid-opening result, checked against what
/// was sealed.
pub(crate) fn opened_bid(
    verified: &mcert_core::scan::VerifiedResult,
    sealed: &SealedBid,
    eph: &PrivateKey,
    locale: Locale,
) -> Result<String, CliError> {
    let fail = |what: &str| CliError::new(format!("demo check failed: {what}"));
    let key = verified
        .reencrypted_key
        .as_deref()
        .ok_or_else(|| fail("no bid key in the result"))?;
    let opened = sealed
        .open_with_ephemeral(key, eph)
        .map_err(|e| CliError::from_user(&e, locale))?;
    if &opened[..] != BID.as_bytes() {
        return Err(fail("the opened bid differs"));
    }
    Ok(String::from_utf8_lossy(&opened).into_owned())
}

pub(crate) struct Steps {
    pub(crate) locale: Locale,
    count: usize,
}

impl Steps {
    pub(crate) fn ok(&mut self, id: &str, args: &[(&str, FluentValue<'_>)]) {
        use std::io::Write;
        self.count += 1;
        let _ = writeln!(
            std::io::stdout(),
            "{:>3}. {}",
            self.count,
            message(self.locale, id, args)
        );
    }

    pub(crate) fn detail(&self, id: &str, args: &[(&str, FluentValue<'_>)]) {
        use std::io::Write;
        let _ = writeln!(std::io::stdout(), "     {}", message(self.locale, id, args));
    }
}

/// Removes the demo's temporary folder however the demo ends.
struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub(crate) fn new_session(kind: SessionKind) -> NewSession {
    NewSession {
        display: DisplayText {
            project: Some(PROJECT.into()),
            lot: Some(LOT.into()),
            document_name: None,
        },
        ..NewSession::new(kind)
    }
}

pub fn run(locale: Locale) -> Result<(), CliError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError::new(e.to_string()))?;
    let id = mcert_core::id::ulid(SystemTime::now()).map_err(|e| CliError::new(e.to_string()))?;
    let dir = TempDir(std::env::temp_dir().join(format!("mcert-demo-{}", id.to_lowercase())));
    runtime.block_on(walk(&dir.0, locale))
}

async fn walk(dir: &std::path::Path, locale: Locale) -> Result<(), CliError> {
    let mut steps = Steps { locale, count: 0 };
    let fail = |what: String| CliError::new(format!("demo check failed: {what}"));
    let svc_err = |e: server::ServiceError| CliError::new(e.to_string());
    let dev_err = |e: mcert_core::device::flows::DeviceError| CliError::from_user(&e, locale);
    let rp_err = |e: mcert_rp::client::RpError| CliError::new(e.to_string());

    println!("{}", message(locale, "demo-scan-title", &[]));
    // 1. The service.
    let config = ServiceConfig {
        listen: "127.0.0.1:0"
            .parse()
            .map_err(|e: std::net::AddrParseError| CliError::new(e.to_string()))?,
        data_dir: dir.join("service"),
        dev: true,
        ..Default::default()
    };
    let operator_key = OperatorKey::generate().map_err(|e| CliError::new(e.to_string()))?;
    let running = server::start(&config, &operator_key)
        .await
        .map_err(svc_err)?;
    let base = format!("http://{}", running.addr);
    steps.ok("demo-scan-service", &[("url", base.clone().into())]);

    let result = async {
        // 2. The operator registers the bidding platform; it pins the CA roots.
        let credentials = running
            .state
            .sessions
            .platforms()
            .register(&Registration {
                id: "qhny-bidding".into(),
                name: "青海能源集团数字招采平台".into(),
                logo_url: None,
                callback_urls: Vec::new(),
            })
            .await
            .map_err(|e| CliError::new(e.to_string()))?;
        let platform = RpClient::new(&base, &credentials.api_key).map_err(rp_err)?;
        let roots = platform.roots().await.map_err(rp_err)?;
        steps.ok(
            "demo-scan-platform",
            &[("name", "青海能源集团数字招采平台".into())],
        );

        // 3. The phone: SMS login, real name, order, pay, key made on the phone, certificate.
        let secrets = KeyringSecretStore::mock().map_err(|e| CliError::from_user(&e, locale))?;
        let mut phone = Device::open(
            &dir.join("phone"),
            &base,
            &secrets,
            KeyStoreOptions::default(),
        )
        .map_err(dev_err)?;
        let login = sms_login(&mut phone, PHONE).await.map_err(dev_err)?;
        steps.ok(
            "demo-scan-login-sms",
            &[("phone", login.account.phone_masked.into())],
        );
        let identity = phone
            .verify_identity(&mcert_core::wire::VerificationRequest {
                method: Method::Phone,
                name: NAME.into(),
                id_number: ID_NUMBER.into(),
                bank_card: None,
                phone: PHONE.into(),
                face_token: "dev-live-ok".into(),
            })
            .await
            .map_err(dev_err)?;
        steps.ok(
            "demo-scan-identity",
            &[
                ("name", identity.name.into()),
                ("id", identity.id_number_masked.into()),
            ],
        );
        let order = phone.order("personal", 1).await.map_err(dev_err)?;
        let order = phone
            .pay_and_wait(&order.id, Duration::from_secs(30))
            .await
            .map_err(dev_err)?;
        steps.ok(
            "demo-scan-paid",
            &[
                ("amount", mcert_core::wire::yuan(order.amount_fen).into()),
                ("status", order.status_label.into()),
            ],
        );
        let entitlement = phone
            .client()
            .entitlements()
            .await
            .map_err(|e| CliError::new(e.to_string()))?
            .into_iter()
            .find(|e| e.status == "assigned")
            .ok_or_else(|| fail("no paid certificate slot".into()))?;
        let installed = phone
            .install(&entitlement.id, Algorithm::Sm2, PIN)
            .await
            .map_err(dev_err)?;
        steps.ok(
            "demo-scan-installed",
            &[("serial", installed.serial.clone().into())],
        );
        steps.detail(
            "demo-scan-encryption",
            &[(
                "serial",
                installed
                    .encryption_serials
                    .first()
                    .cloned()
                    .unwrap_or_default()
                    .into(),
            )],
        );

        // 4. Login, sign and bid opening, each through a QR image the core decodes.
        let mut bidder = None;
        let mut first_bid = None;
        for kind in [SessionKind::Login, SessionKind::Sign, SessionKind::Decrypt] {
            let mut req = new_session(kind);
            let mut sealed_bid = None;
            match kind {
                // Stamping needs an organisation's seal: the organisation demo shows it.
                SessionKind::Login | SessionKind::Stamp => req.display = DisplayText::default(),
                SessionKind::Sign => {
                    req.display.document_name = Some("投标文件（商务标）.pdf".into());
                    req.document_digests = Some(DocumentDigests::of(BID.as_bytes()));
                }
                SessionKind::Decrypt => {
                    let cert = bidder.clone().ok_or_else(|| {
                        fail("no bidder encryption certificate from the login".into())
                    })?;
                    let sealed = SealedBid::seal(&cert, BID.as_bytes())
                        .map_err(|e| CliError::from_user(&e, locale))?;
                    let (decrypt, eph) = decrypt_request(&sealed, locale)?;
                    req = decrypt;
                    steps.ok(
                        "demo-scan-sealed",
                        &[("serial", sealed.recipient_serial.clone().into())],
                    );
                    first_bid = Some(sealed.clone());
                    sealed_bid = Some((sealed, eph));
                }
            }
            let created = platform.create(&req, None).await.map_err(rp_err)?;
            let animation = AnimatedQr::new(&created);
            let png = qr::encode_png(&animation.payload(), 6)
                .map_err(|e| CliError::from_user(&e, locale))?;
            steps.ok(
                "demo-scan-created",
                &[
                    ("operation", kind.operation().into()),
                    ("code", created.verification_code.clone().into()),
                    ("bytes", png.len().into()),
                ],
            );
            let pending: PendingScan = phone.scan_image(&png).await.map_err(dev_err)?;
            let s = &pending.session;
            if s.verification_code != created.verification_code {
                return Err(fail("verification codes differ".into()));
            }
            steps.ok(
                "demo-scan-phone-shows",
                &[
                    ("platform", s.platform.name.clone().into()),
                    ("operation", s.operation.clone().into()),
                    ("code", s.verification_code.clone().into()),
                ],
            );
            let choice = pending
                .choices
                .first()
                .ok_or_else(|| fail("no certificate offered".into()))?;
            if kind == SessionKind::Login {
                // A wrong PIN first: the key store counts it and says how many tries are left.
                match phone.confirm(&pending, &choice.serial, "111333").await {
                    Err(e) => steps.detail(
                        "demo-scan-wrong-pin",
                        &[("message", e.user_message(locale).into())],
                    ),
                    Ok(_) => return Err(fail("a wrong PIN was accepted".into())),
                }
            }
            let status = phone
                .confirm(&pending, &choice.serial, PIN)
                .await
                .map_err(dev_err)?;
            if status.status != "completed" {
                return Err(fail(format!("session ended {}", status.status)));
            }
            let ended = platform
                .wait_for_end(&created.session_id, Duration::from_secs(10))
                .await
                .map_err(rp_err)?;
            let verified = verify(
                &ended,
                &Expectation {
                    session_id: &created.session_id,
                    kind,
                    document_digests: req.document_digests.as_ref(),
                    roots: &roots,
                    now: SystemTime::now(),
                },
            )
            .map_err(rp_err)?;
            // Bids are sealed to the encryption certificate the login result names.
            if let Some(enc) = &verified.encryption_certificate {
                bidder = Some(enc.clone());
            }
            let holder = verified
                .info
                .subject
                .common_name
                .clone()
                .unwrap_or_default();
            match (kind, sealed_bid) {
                (SessionKind::Decrypt, Some((sealed, eph))) => {
                    let bid = opened_bid(&verified, &sealed, &eph, locale)?;
                    steps.ok("demo-scan-opened", &[("bid", bid.into())]);
                }
                _ => steps.ok(
                    "demo-scan-verified",
                    &[
                        ("operation", kind.operation().into()),
                        ("holder", holder.into()),
                        ("serial", verified.info.serial_hex.into()),
                    ],
                ),
            }
        }

        // 5. A relayed screenshot: the same picture, seconds later, is refused.
        let created = platform
            .create(&new_session(SessionKind::Login), None)
            .await
            .map_err(rp_err)?;
        let stale = AnimatedQr::new(&created).payload_at(0);
        tokio::time::sleep(Duration::from_millis(6_500)).await;
        let png = qr::encode_png(&stale, 6).map_err(|e| CliError::from_user(&e, locale))?;
        match phone.scan_image(&png).await {
            Err(e) => steps.ok(
                "demo-scan-stale",
                &[("message", e.user_message(locale).into())],
            ),
            Ok(_) => return Err(fail("a stale QR code was accepted".into())),
        }

        // 6. Usage records (【使用记录】).
        let page = phone
            .usage(None, None, None, Some(20))
            .await
            .map_err(dev_err)?;
        steps.ok("demo-scan-usage", &[("count", page.items.len().into())]);
        for u in &page.items {
            steps.detail(
                "demo-scan-usage-line",
                &[
                    ("at", u.at.clone().into()),
                    ("operation", u.operation.clone().into()),
                    ("holder", u.holder_name.clone().unwrap_or_default().into()),
                    (
                        "serial",
                        u.certificate_serial
                            .clone()
                            .unwrap_or_else(|| "—".into())
                            .into(),
                    ),
                    ("outcome", u.outcome_label.clone().into()),
                ],
            );
        }
        let completed = page
            .items
            .iter()
            .filter(|u| u.outcome == "completed")
            .count();
        if completed != 3 {
            return Err(fail(format!("{completed} completed usage records, not 3")));
        }
        // 7. The organisation side: authorisation, review in the console, members, claim.
        crate::org_demo::walk(
            &running,
            &base,
            &platform,
            &roots,
            &dir.join("org-phones"),
            &secrets,
            &mut steps,
        )
        .await?;
        // 8. 补办 on a new phone: the bid sealed before opens there.
        let sealed = first_bid.ok_or_else(|| fail("no bid was sealed".into()))?;
        let (new_phone, new_pin) = crate::reissue_demo::walk(
            (&base, &platform, &roots),
            (&phone, &dir.join("new-phone"), &secrets),
            (&entitlement.id, &installed.serial, &sealed),
            &mut steps,
        )
        .await?;
        // 9. Ten months on: 延期 on that phone, then a move to a third phone by QR code.
        crate::life_demo::walk(
            &running,
            (&platform, &roots),
            (new_phone, new_pin),
            (&dir.join("third-phone"), &secrets),
            (&entitlement.id, &sealed),
            &mut steps,
        )
        .await?;
        let report = mcert_service::audit::verify(&running.state.store)
            .await
            .map_err(|e| CliError::new(e.to_string()))?;
        if report.first_broken.is_some() {
            return Err(fail("the audit chain is broken".into()));
        }
        steps.ok("demo-scan-audit", &[("events", report.events.into())]);
        Ok::<_, CliError>(())
    }
    .await;
    running.stop().await.map_err(svc_err)?;
    result?;
    println!(
        "{}",
        message(locale, "demo-done", &[("steps", steps.count.into())])
    );
    Ok(())
}
