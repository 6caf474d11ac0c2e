//! `mcert device --home DIR …`: the phone's key store on a desktop, using the same core.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use mcert_core::crypto::name::SubjectName;
use mcert_core::crypto::{Algorithm, Signer, csr};
use mcert_core::device::keystore::{KeyStore, KeyStoreOptions};
use mcert_core::device::secret::{
    FileSecretStore, KeyringSecretStore, SecretStore, file_secret_warning,
};
use mcert_core::i18n::{Locale, message};

use crate::CliError;

#[derive(Args, Debug)]
pub struct DeviceArgs {
    /// The device's data folder (key store).
    #[arg(long, default_value = "./mcert-device")]
    home: PathBuf,
    /// Keep the device secret in a file in the home folder when no system secret store exists.
    /// Anyone who copies the folder can then guess PINs offline.
    #[arg(long)]
    insecure_file_secret: bool,
    /// The issuance service.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    server: String,
    #[command(subcommand)]
    command: DeviceCommand,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum AlgArg {
    Sm2,
    P256,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ReasonArg {
    NewDevice,
    PinReset,
}

#[derive(Subcommand, Debug)]
enum DeviceCommand {
    /// Log in by SMS code (an unknown number is registered).
    Login {
        #[arg(long)]
        phone: String,
        /// The code (asked for when absent).
        #[arg(long)]
        code: Option<String>,
        /// Development service only: read the code from its SMS outbox.
        #[arg(long)]
        dev_outbox: bool,
        /// Platform to work on (first offered when absent).
        #[arg(long)]
        platform: Option<String>,
    },
    /// Real-name verification (phone three-factor, or bank card four-factor with --bank-card).
    Verify {
        #[arg(long)]
        name: String,
        #[arg(long)]
        id_number: String,
        #[arg(long)]
        phone: String,
        #[arg(long)]
        bank_card: Option<String>,
        /// Token of the face-liveness check (the app's camera step).
        #[arg(long)]
        face_token: String,
    },
    /// Order a product (personal certificate by default) for 1 to 3 years.
    Order {
        #[arg(long, default_value = "personal")]
        product: String,
        #[arg(long, default_value_t = 1)]
        years: i64,
    },
    /// Pay an order online and wait for it to complete.
    Pay { order_id: String },
    /// List orders.
    Orders,
    /// Make a key on this device and install the certificate of a paid slot.
    Install {
        /// The slot (first one waiting when absent).
        #[arg(long)]
        entitlement: Option<String>,
        #[arg(long, value_enum, default_value_t = AlgArg::Sm2)]
        alg: AlgArg,
        #[arg(long)]
        pin: Option<String>,
    },
    /// 补办 (a new phone, the app reinstalled) or a PIN reset: pass real-name + face
    /// verification again (`mcert device verify`, within 10 minutes), then a new key on this
    /// device gets the slot's certificate again; the old one is revoked and the escrowed
    /// encryption keys come back under the new PIN.
    Reissue {
        /// The slot (the first issued one when absent).
        #[arg(long)]
        entitlement: Option<String>,
        #[arg(long, value_enum, default_value_t = AlgArg::Sm2)]
        alg: AlgArg,
        /// Why: a new device, or a forgotten PIN.
        #[arg(long, value_enum, default_value_t = ReasonArg::NewDevice)]
        reason: ReasonArg,
        /// The new PIN (asked for when absent).
        #[arg(long)]
        pin: Option<String>,
    },
    /// 延期: in the last three months of a slot's period, renew it for 1 to 3 years (pay the
    /// order, or take an unused slot of the organisation's package), then download the renewed
    /// certificate for the same key with its PIN.
    Renew {
        /// The slot (the first issued one when absent).
        #[arg(long)]
        entitlement: Option<String>,
        #[arg(long, default_value_t = 1)]
        years: i64,
        /// The certificate's PIN (asked for when absent).
        #[arg(long)]
        pin: Option<String>,
    },
    /// The old phone: show a code that moves the slot's certificate to a new phone, wait for
    /// the new phone, check the code both show, and approve with the certificate's PIN. This
    /// device keeps none of the slot's keys afterwards.
    MoveOut {
        /// The slot (the first issued one when absent).
        #[arg(long)]
        entitlement: Option<String>,
        /// Also write the QR code to this PNG file.
        #[arg(long)]
        png: Option<PathBuf>,
        /// The certificate's PIN (asked for when absent, once the code shows).
        #[arg(long)]
        pin: Option<String>,
    },
    /// The new phone (logged in with the same number): take the certificate the old phone
    /// offers (its code's text, or `--image` of its QR code), under a new PIN.
    MoveIn {
        /// The code's text (`mcert-move.1.…`).
        #[arg(long, required_unless_present = "image")]
        code: Option<String>,
        /// A picture of the old phone's QR code.
        #[arg(long)]
        image: Option<PathBuf>,
        /// The new PIN (asked for when absent).
        #[arg(long)]
        pin: Option<String>,
    },
    /// List the certificates held by this account.
    Certs,
    /// 挂失: report a certificate of this account lost; a code is sent to the account's phone
    /// to confirm, and the certificate is revoked at once.
    ReportLost {
        serial: String,
        /// The code (asked for when absent).
        #[arg(long)]
        code: Option<String>,
        /// Development service only: read the code from its SMS outbox.
        #[arg(long)]
        dev_outbox: bool,
    },
    /// Scan a platform's QR code from a picture (PNG/JPEG), check what it asks, and answer.
    Scan {
        image: PathBuf,
        /// The certificate to answer with (serial; the first that may answer when absent).
        #[arg(long)]
        cert: Option<String>,
        #[arg(long)]
        pin: Option<String>,
        /// Answer without asking for confirmation.
        #[arg(long)]
        yes: bool,
        /// Decline instead of answering.
        #[arg(long)]
        decline: bool,
    },
    /// Usage records (使用记录), newest first.
    Usage {
        /// From this date or RFC 3339 time.
        #[arg(long)]
        from: Option<String>,
        /// Up to this date (inclusive) or time.
        #[arg(long)]
        to: Option<String>,
        #[arg(long, default_value_t = 20)]
        limit: u32,
    },
    /// Make a key on this device, protected by a new 6-digit PIN.
    Keygen {
        #[arg(long, value_enum, default_value_t = AlgArg::Sm2)]
        alg: AlgArg,
        #[arg(long, default_value = "")]
        label: String,
        /// The PIN (asked for when absent).
        #[arg(long)]
        pin: Option<String>,
    },
    /// List the keys on this device.
    Keys,
    /// Change a key's PIN.
    ChangePin {
        id: String,
        #[arg(long)]
        old_pin: Option<String>,
        #[arg(long)]
        new_pin: Option<String>,
    },
    /// Sign a file with a key (DER signature: SM2-with-SM3 or ECDSA-SHA256).
    Sign {
        id: String,
        #[arg(long = "in")]
        input: PathBuf,
        #[arg(long = "out")]
        output: PathBuf,
        #[arg(long)]
        pin: Option<String>,
    },
    /// Write a PKCS#10 request for a key (PEM).
    Csr {
        id: String,
        /// Common name to put in the request (the CA sets the real subject).
        #[arg(long)]
        cn: String,
        #[arg(short, long)]
        output: PathBuf,
        #[arg(long)]
        pin: Option<String>,
    },
}

fn secret_store(args: &DeviceArgs, locale: Locale) -> Result<Box<dyn SecretStore>, CliError> {
    open_secret_store(&args.home, args.insecure_file_secret, locale)
}

/// The device secret's store: the system's, or (when allowed) a file in the home folder.
pub(crate) fn open_secret_store(
    home: &Path,
    insecure_file_secret: bool,
    locale: Locale,
) -> Result<Box<dyn SecretStore>, CliError> {
    match KeyringSecretStore::platform() {
        Ok(store) => Ok(Box::new(store)),
        Err(_) if insecure_file_secret => {
            eprintln!("{}", file_secret_warning(locale));
            Ok(Box::new(FileSecretStore::new(home)))
        }
        Err(e) => Err(CliError::new(message(
            locale,
            "cli-no-secret-store",
            &[(
                "detail",
                mcert_core::i18n::UserMessage::user_message(&e, locale).into(),
            )],
        ))),
    }
}

fn read_pin(given: Option<String>, prompt_id: &str, locale: Locale) -> Result<String, CliError> {
    if let Some(pin) = given {
        return Ok(pin);
    }
    eprint!("{}", message(locale, prompt_id, &[]));
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| CliError::io(locale, Path::new("<stdin>"), &e))?;
    Ok(line.trim().to_string())
}

fn alg_of(alg: AlgArg) -> Algorithm {
    match alg {
        AlgArg::Sm2 => Algorithm::Sm2,
        AlgArg::P256 => Algorithm::P256,
    }
}

pub(crate) fn service_error(locale: Locale, e: impl std::fmt::Display) -> CliError {
    CliError::new(message(
        locale,
        "cli-service",
        &[("detail", e.to_string().into())],
    ))
}

/// The commands that talk to the service.
fn run_online(
    command: DeviceCommand,
    home: &Path,
    server: &str,
    secrets: &dyn SecretStore,
    locale: Locale,
) -> Result<(), CliError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::new(e.to_string()))?;
    let err = |e: mcert_core::device::flows::DeviceError| CliError::from_user(&e, locale);
    let mut device =
        mcert_core::device::flows::Device::open(home, server, secrets, KeyStoreOptions::default())
            .map_err(err)?;
    runtime.block_on(async move {
        match command {
            DeviceCommand::Login {
                phone,
                code,
                dev_outbox,
                platform,
            } => {
                device.request_code(&phone).await.map_err(err)?;
                eprintln!(
                    "{}",
                    message(
                        locale,
                        "cli-code-sent",
                        &[("phone", mcert_core::validate::mask_mobile(&phone).into())]
                    )
                );
                let code = match (code, dev_outbox) {
                    (Some(c), _) => c,
                    (None, true) => {
                        let text = device
                            .client()
                            .dev_outbox(&phone)
                            .await
                            .map_err(|e| service_error(locale, e))?;
                        text.first()
                            .map(|t| t.chars().filter(char::is_ascii_digit).take(6).collect())
                            .unwrap_or_default()
                    }
                    (None, false) => read_pin(None, "cli-code-prompt", locale)?,
                };
                let session = device.login(&phone, &code).await.map_err(err)?;
                let platforms = device
                    .client()
                    .platforms()
                    .await
                    .map_err(|e| service_error(locale, e))?;
                let chosen = platform.or_else(|| platforms.first().map(|p| p.id.clone()));
                if let Some(p) = chosen {
                    device
                        .client()
                        .choose_platform(&p)
                        .await
                        .map_err(|e| service_error(locale, e))?;
                }
                println!(
                    "{}",
                    message(
                        locale,
                        "cli-logged-in",
                        &[("phone", session.account.phone_masked.into())]
                    )
                );
            }
            DeviceCommand::Verify {
                name,
                id_number,
                phone,
                bank_card,
                face_token,
            } => {
                let request = mcert_core::device::client::IdentityRequest {
                    method: if bank_card.is_some() {
                        mcert_core::wire::Method::BankCard
                    } else {
                        mcert_core::wire::Method::Phone
                    },
                    name,
                    id_number,
                    bank_card,
                    phone,
                    face_token,
                };
                let id = device.verify_identity(&request).await.map_err(err)?;
                println!(
                    "{}",
                    message(
                        locale,
                        "cli-verified",
                        &[("name", id.name.into()), ("id", id.id_number_masked.into())]
                    )
                );
            }
            DeviceCommand::Order { product, years } => {
                let order = device.order(&product, years).await.map_err(err)?;
                println!("{}", order.id);
                eprintln!(
                    "{}",
                    message(
                        locale,
                        "cli-order-placed",
                        &[
                            ("id", order.id.clone().into()),
                            ("amount", mcert_core::wire::yuan(order.amount_fen).into()),
                            ("status", order.status_label.into()),
                        ]
                    )
                );
            }
            DeviceCommand::Pay { order_id } => {
                let order = device
                    .pay_and_wait(&order_id, std::time::Duration::from_secs(60))
                    .await
                    .map_err(err)?;
                println!(
                    "{}",
                    message(
                        locale,
                        "cli-order-paid",
                        &[
                            ("id", order.id.into()),
                            ("status", order.status_label.into())
                        ]
                    )
                );
            }
            DeviceCommand::Orders => {
                for o in device
                    .client()
                    .orders()
                    .await
                    .map_err(|e| service_error(locale, e))?
                {
                    println!(
                        "{}\t{}\t{}\t{}.{:02} {}\t{}",
                        o.id,
                        o.product_id,
                        o.status_label,
                        o.amount_fen / 100,
                        o.amount_fen % 100,
                        o.currency,
                        o.created_at
                    );
                }
            }
            DeviceCommand::Install {
                entitlement,
                alg,
                pin,
            } => {
                let entitlement = slot_or_first(&device, entitlement, "assigned", locale).await?;
                let pin = read_pin(pin, "cli-new-pin-prompt", locale)?;
                let cert = device
                    .install(&entitlement, alg_of(alg), &pin)
                    .await
                    .map_err(err)?;
                println!(
                    "{}",
                    message(locale, "cli-installed", &[("serial", cert.serial.into())])
                );
            }
            DeviceCommand::Reissue {
                entitlement,
                alg,
                reason,
                pin,
            } => {
                let entitlement = slot_or_first(&device, entitlement, "issued", locale).await?;
                let pin = read_pin(pin, "cli-new-pin-prompt", locale)?;
                let reason = match reason {
                    ReasonArg::NewDevice => mcert_core::wire::ReissueReason::NewDevice,
                    ReasonArg::PinReset => mcert_core::wire::ReissueReason::PinReset,
                };
                let cert = device
                    .reissue(&entitlement, alg_of(alg), &pin, reason)
                    .await
                    .map_err(err)?;
                println!(
                    "{}",
                    message(
                        locale,
                        "cli-reissued",
                        &[
                            ("serial", cert.serial.into()),
                            ("keys", cert.encryption_serials.len().into()),
                        ]
                    )
                );
            }
            DeviceCommand::Renew {
                entitlement,
                years,
                pin,
            } => {
                let entitlement = slot_or_first(&device, entitlement, "issued", locale).await?;
                let started = device
                    .start_renewal(&entitlement, years)
                    .await
                    .map_err(err)?;
                if let Some(order) = &started.order {
                    eprintln!(
                        "{}",
                        message(
                            locale,
                            "cli-renewal-order",
                            &[
                                ("order", order.id.clone().into()),
                                (
                                    "amount",
                                    format!("{:.2}", order.amount_fen as f64 / 100.0).into()
                                ),
                            ]
                        )
                    );
                    device
                        .pay_and_wait(&order.id, std::time::Duration::from_secs(60))
                        .await
                        .map_err(err)?;
                }
                let pin = read_pin(pin, "cli-pin-prompt", locale)?;
                let cert = device.renew(&entitlement, &pin).await.map_err(err)?;
                println!(
                    "{}",
                    message(
                        locale,
                        "cli-renewed",
                        &[
                            ("serial", cert.serial.into()),
                            (
                                "until",
                                started
                                    .valid_until
                                    .chars()
                                    .take(10)
                                    .collect::<String>()
                                    .into()
                            ),
                        ]
                    )
                );
            }
            DeviceCommand::MoveOut {
                entitlement,
                png,
                pin,
            } => {
                let entitlement = slot_or_first(&device, entitlement, "issued", locale).await?;
                let started = device.start_migration(&entitlement).await.map_err(err)?;
                if let Some(path) = &png {
                    let image = mcert_core::device::qr::encode_png(&started.qr, 8)
                        .map_err(|e| CliError::from_user(&e, locale))?;
                    std::fs::write(path, image).map_err(|e| CliError::io(locale, path, &e))?;
                }
                println!("{}", started.qr);
                eprintln!("{}", message(locale, "cli-move-waiting", &[]));
                let id = started.migration.id.clone();
                let code = loop {
                    let m = device.migration(&id).await.map_err(err)?;
                    match (m.status.as_str(), m.code) {
                        ("requested", Some(code)) => break code,
                        ("open", _) => {
                            tokio::time::sleep(std::time::Duration::from_millis(500)).await
                        }
                        _ => {
                            return Err(CliError::new(message(
                                locale,
                                "life-migration-ended",
                                &[("status", m.status_label.into())],
                            )));
                        }
                    }
                };
                eprintln!(
                    "{}",
                    message(locale, "cli-move-code", &[("code", code.into())])
                );
                let pin = read_pin(pin, "cli-pin-prompt", locale)?;
                device.approve_migration(&id, &pin).await.map_err(err)?;
                println!("{}", message(locale, "cli-moved-out", &[]));
            }
            DeviceCommand::MoveIn { code, image, pin } => {
                let text = match (code, image) {
                    (Some(text), _) => text,
                    (None, Some(path)) => {
                        let bytes =
                            std::fs::read(&path).map_err(|e| CliError::io(locale, &path, &e))?;
                        mcert_core::device::life::migration_code_in_image(&bytes).map_err(err)?
                    }
                    (None, None) => {
                        return Err(CliError::new(message(
                            locale,
                            "life-not-a-migration-code",
                            &[],
                        )));
                    }
                };
                let pin = read_pin(pin, "cli-new-pin-prompt", locale)?;
                let pending = device.request_migration(&text, &pin).await.map_err(err)?;
                eprintln!(
                    "{}",
                    message(
                        locale,
                        "cli-move-code",
                        &[(
                            "code",
                            pending.migration.code.clone().unwrap_or_default().into()
                        )]
                    )
                );
                let cert = device
                    .finish_migration(&pending, &pin, std::time::Duration::from_secs(600))
                    .await
                    .map_err(err)?;
                println!(
                    "{}",
                    message(
                        locale,
                        "cli-moved-in",
                        &[
                            ("serial", cert.serial.into()),
                            ("keys", cert.encryption_serials.len().into()),
                        ]
                    )
                );
            }
            DeviceCommand::ReportLost {
                serial,
                code,
                dev_outbox,
            } => {
                let me = device
                    .client()
                    .me()
                    .await
                    .map_err(|e| service_error(locale, e))?;
                device.request_code(&me.phone).await.map_err(err)?;
                eprintln!(
                    "{}",
                    message(
                        locale,
                        "cli-code-sent",
                        &[("phone", me.phone_masked.clone().into())]
                    )
                );
                let code = match (code, dev_outbox) {
                    (Some(c), _) => c,
                    (None, true) => device
                        .client()
                        .dev_outbox(&me.phone)
                        .await
                        .map_err(|e| service_error(locale, e))?
                        .first()
                        .map(|t| t.chars().filter(char::is_ascii_digit).take(6).collect())
                        .unwrap_or_default(),
                    (None, false) => read_pin(None, "cli-code-prompt", locale)?,
                };
                device
                    .client()
                    .report_lost(&serial, &code)
                    .await
                    .map_err(|e| service_error(locale, e))?;
                println!(
                    "{}",
                    message(locale, "cli-reported-lost", &[("serial", serial.into())])
                );
            }
            DeviceCommand::Certs => {
                for c in device
                    .client()
                    .certificates()
                    .await
                    .map_err(|e| service_error(locale, e))?
                {
                    println!(
                        "{}\t{}\t{}\t{}\t{} → {}\t{}",
                        c.serial,
                        c.algorithm,
                        c.status,
                        c.subject,
                        c.not_before,
                        c.not_after,
                        c.issuer
                    );
                }
            }
            DeviceCommand::Scan {
                image,
                cert,
                pin,
                yes,
                decline,
            } => {
                let bytes = std::fs::read(&image).map_err(|e| CliError::io(locale, &image, &e))?;
                let pending = device.scan_image(&bytes).await.map_err(err)?;
                let s = &pending.session;
                let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
                println!(
                    "{}",
                    message(
                        locale,
                        "cli-scan-show",
                        &[
                            ("platform", s.platform.name.clone().into()),
                            ("operation", s.operation.clone().into()),
                            ("project", dash(&s.display.project).into()),
                            ("lot", dash(&s.display.lot).into()),
                            ("document", dash(&s.display.document_name).into()),
                            ("code", s.verification_code.clone().into()),
                        ]
                    )
                );
                if decline {
                    let st = device.decline(&pending).await.map_err(err)?;
                    println!(
                        "{}",
                        message(locale, "cli-scan-declined", &[("status", st.status.into())])
                    );
                    return Ok(());
                }
                let choice = match &cert {
                    Some(serial) => pending
                        .choices
                        .iter()
                        .find(|c| c.serial.eq_ignore_ascii_case(serial)),
                    None => pending.choices.first(),
                }
                .ok_or_else(|| {
                    CliError::from_user(
                        &mcert_core::device::flows::DeviceError::NoEligibleCertificate,
                        locale,
                    )
                })?
                .clone();
                println!(
                    "{}",
                    message(
                        locale,
                        "cli-scan-cert",
                        &[
                            ("subject", choice.subject.clone().into()),
                            ("serial", choice.serial.clone().into())
                        ]
                    )
                );
                if !yes {
                    let answer = read_pin(None, "cli-scan-confirm", locale)?;
                    if !matches!(answer.as_str(), "y" | "Y" | "yes" | "是") {
                        let st = device.decline(&pending).await.map_err(err)?;
                        println!(
                            "{}",
                            message(locale, "cli-scan-declined", &[("status", st.status.into())])
                        );
                        return Ok(());
                    }
                }
                let pin = read_pin(pin, "cli-pin-prompt", locale)?;
                let st = device
                    .confirm(&pending, &choice.serial, &pin)
                    .await
                    .map_err(err)?;
                println!(
                    "{}",
                    message(
                        locale,
                        "cli-scan-done",
                        &[
                            ("operation", s.operation.clone().into()),
                            ("status", st.status.into())
                        ]
                    )
                );
            }
            DeviceCommand::Usage { from, to, limit } => {
                let page = device
                    .usage(from.as_deref(), to.as_deref(), None, Some(limit))
                    .await
                    .map_err(err)?;
                if page.items.is_empty() {
                    eprintln!("{}", message(locale, "cli-usage-empty", &[]));
                }
                for u in page.items {
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                        u.at,
                        u.operation,
                        u.holder_name.unwrap_or_default(),
                        u.certificate_serial.unwrap_or_else(|| "—".into()),
                        u.platform_name,
                        u.outcome_label,
                        u.failure_code.unwrap_or_default()
                    );
                }
            }
            // The key store commands never reach here: `run` handles them offline.
            DeviceCommand::Keygen { .. }
            | DeviceCommand::Keys
            | DeviceCommand::ChangePin { .. }
            | DeviceCommand::Sign { .. }
            | DeviceCommand::Csr { .. } => {}
        }
        Ok(())
    })
}

pub fn run(args: DeviceArgs, locale: Locale) -> Result<(), CliError> {
    std::fs::create_dir_all(&args.home).map_err(|e| CliError::io(locale, &args.home, &e))?;
    let secrets = secret_store(&args, locale)?;

    let store = KeyStore::open(
        &args.home.join("keys.db"),
        secrets.as_ref(),
        KeyStoreOptions::default(),
    )
    .map_err(|e| CliError::from_user(&e, locale))?;
    let user = |e: mcert_core::device::keystore::KeyStoreError| CliError::from_user(&e, locale);

    match args.command {
        online @ (DeviceCommand::Login { .. }
        | DeviceCommand::Verify { .. }
        | DeviceCommand::Order { .. }
        | DeviceCommand::Pay { .. }
        | DeviceCommand::Orders
        | DeviceCommand::Install { .. }
        | DeviceCommand::Reissue { .. }
        | DeviceCommand::Renew { .. }
        | DeviceCommand::MoveOut { .. }
        | DeviceCommand::MoveIn { .. }
        | DeviceCommand::Certs
        | DeviceCommand::ReportLost { .. }
        | DeviceCommand::Scan { .. }
        | DeviceCommand::Usage { .. }) => {
            drop(store);
            return run_online(online, &args.home, &args.server, secrets.as_ref(), locale);
        }
        DeviceCommand::Keygen { alg, label, pin } => {
            let alg = alg_of(alg);
            let pin = read_pin(pin, "cli-new-pin-prompt", locale)?;
            let key = store.generate(alg, &pin, &label).map_err(user)?;
            eprintln!(
                "{}",
                message(
                    locale,
                    "cli-key-made",
                    &[
                        ("alg", alg.to_string().into()),
                        ("id", key.id.as_str().into())
                    ]
                )
            );
            println!("{}", key.id);
        }
        DeviceCommand::Keys => {
            let keys = store.list().map_err(user)?;
            if keys.is_empty() {
                eprintln!("{}", message(locale, "cli-no-keys", &[]));
            }
            for k in keys {
                println!(
                    "{}\t{}\t{:?}\t{}\ttries_left={}\tcertificates={}\t{}",
                    k.id,
                    k.algorithm,
                    k.status,
                    mcert_core::clock::rfc3339(k.created_at),
                    k.pin_tries_left,
                    store.certificates(&k.id).map_err(user)?.len(),
                    k.label
                );
            }
        }
        DeviceCommand::ChangePin {
            id,
            old_pin,
            new_pin,
        } => {
            let old = read_pin(old_pin, "cli-pin-prompt", locale)?;
            let new = read_pin(new_pin, "cli-new-pin-prompt", locale)?;
            store.change_pin(&id, &old, &new).map_err(user)?;
            eprintln!("{}", message(locale, "cli-pin-changed", &[]));
        }
        DeviceCommand::Sign {
            id,
            input,
            output,
            pin,
        } => {
            let data = std::fs::read(&input).map_err(|e| CliError::io(locale, &input, &e))?;
            let pin = read_pin(pin, "cli-pin-prompt", locale)?;
            let signature = store.sign(&id, &pin, &data).map_err(user)?;
            std::fs::write(&output, signature).map_err(|e| CliError::io(locale, &output, &e))?;
        }
        DeviceCommand::Csr {
            id,
            cn,
            output,
            pin,
        } => {
            let pin = read_pin(pin, "cli-pin-prompt", locale)?;
            let key = store.unlock(&id, &pin).map_err(user)?;
            let subject = SubjectName {
                common_name: Some(cn),
                ..Default::default()
            }
            .to_name()
            .map_err(|e| CliError::from_user(&e, locale))?;
            let request = csr::build(&subject, &key as &dyn Signer)
                .and_then(|r| csr::to_pem(&r))
                .map_err(|e| CliError::from_user(&e, locale))?;
            std::fs::write(&output, request).map_err(|e| CliError::io(locale, &output, &e))?;
        }
    }
    Ok(())
}

/// The slot named, or the account's first slot in `status` (a paid one waiting for its
/// certificate, or an issued one to reissue).
async fn slot_or_first(
    device: &mcert_core::device::flows::Device,
    named: Option<String>,
    status: &str,
    locale: Locale,
) -> Result<String, CliError> {
    if let Some(id) = named {
        return Ok(id);
    }
    device
        .client()
        .entitlements()
        .await
        .map_err(|e| service_error(locale, e))?
        .into_iter()
        .find(|e| e.status == status)
        .map(|e| e.id)
        .ok_or_else(|| CliError::new(message(locale, "cli-no-entitlement", &[])))
}
