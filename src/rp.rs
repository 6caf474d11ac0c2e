//! The relying platform's side from a shell: `mcert rp session` (create a session, show its
//! animated QR code, wait, verify the result as a platform must), `mcert rp seal` (seal a bid
//! to a bidder's certificate), `mcert rp-demo` (the demo bidding platform page), and the
//! operator's `mcert platform add|key|revoke`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use clap::{Args, Subcommand, ValueEnum};
use mcert_core::crypto::{Algorithm, PrivateKey, x509};
use mcert_core::device::qr;
use mcert_core::i18n::{Locale, message};
use mcert_core::scan::{Expectation, SealedBid};
use mcert_core::wire::{AllowedSubjects, DisplayText, DocumentDigests, NewSession, SessionKind};
use mcert_rp::client::{AnimatedQr, RpClient, RpError, verify};

use crate::CliError;
use crate::serve::ServiceLocation;

/// How a platform reaches the service.
#[derive(Args, Debug, Clone)]
pub struct PlatformAccess {
    /// The mcert service.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    server: String,
    /// The platform API key (or set MCERT_RP_API_KEY).
    #[arg(long)]
    api_key: Option<String>,
    /// A file holding the API key (a development service writes demo-platform.key).
    #[arg(long)]
    api_key_file: Option<PathBuf>,
}

impl PlatformAccess {
    pub(crate) fn client(&self, locale: Locale) -> Result<RpClient, CliError> {
        let key = match (&self.api_key, &self.api_key_file) {
            (Some(k), _) => k.clone(),
            (None, Some(path)) => std::fs::read_to_string(path)
                .map_err(|e| CliError::io(locale, path, &e))?
                .trim()
                .to_string(),
            (None, None) => std::env::var("MCERT_RP_API_KEY")
                .map_err(|_| CliError::new(message(locale, "cli-rp-no-key", &[])))?,
        };
        RpClient::new(&self.server, &key).map_err(|e| rp_error(locale, e))
    }
}

pub(crate) fn rp_error(locale: Locale, e: RpError) -> CliError {
    CliError::new(message(
        locale,
        "cli-service",
        &[("detail", e.to_string().into())],
    ))
}

#[derive(Args, Debug)]
pub struct RpArgs {
    #[command(flatten)]
    access: PlatformAccess,
    #[command(subcommand)]
    command: RpCommand,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum KindArg {
    Login,
    Sign,
    Decrypt,
}

#[derive(Subcommand, Debug)]
enum RpCommand {
    /// Create a session, show its QR code (redrawn every second), wait, verify, print.
    Session {
        #[arg(long, value_enum, default_value_t = KindArg::Login)]
        kind: KindArg,
        /// Project (项目) shown on the phone.
        #[arg(long)]
        project: Option<String>,
        /// Lot (标段) shown on the phone.
        #[arg(long)]
        lot: Option<String>,
        /// The project's bid-opening time (开标时间, RFC 3339): the phone warns when the
        /// certificate expires before it.
        #[arg(long)]
        opening_at: Option<String>,
        /// sign: the document to sign (its SM3 and SHA-256 digests are sent).
        #[arg(long)]
        document: Option<PathBuf>,
        /// decrypt: the sealed bid (from `mcert rp seal`).
        #[arg(long)]
        sealed: Option<PathBuf>,
        /// decrypt: where to write the opened bid (printed when absent).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Only this person (identity number) may answer.
        #[arg(long)]
        id_number: Option<String>,
        /// Write the current QR code to this PNG file every second.
        #[arg(long)]
        png: Option<PathBuf>,
        /// Draw the QR code in the terminal.
        #[arg(long)]
        terminal: bool,
        /// Seconds before the session expires.
        #[arg(long, default_value_t = 120)]
        expires_in: u64,
        /// Write the certificate to seal bids to here (PEM): the signer's encryption
        /// certificate (the dual pair's other half), or its signing certificate if it has none.
        #[arg(long)]
        save_cert: Option<PathBuf>,
    },
    /// Stamp a PDF by scan (文件签章): create a stamp session for it, show the QR code, and
    /// for every place the phone stamps prepare the PDF, send its digest and embed the stamp;
    /// write the stamped PDF and verify it.
    Stamp(crate::rp_stamp::StampArgs),
    /// Verify a stamped PDF: every signature over its byte ranges (CMS, or GB/T 38540 with
    /// its seal), the signer's chain to the service's roots, its status by OCSP, and what
    /// changed after it. Exits non-zero when any signature is not valid.
    VerifyPdf {
        /// The stamped PDF.
        file: PathBuf,
    },
    /// Seal a bid to a bidder's certificate (PEM or DER).
    Seal {
        #[arg(long)]
        cert: PathBuf,
        #[arg(long = "in")]
        input: PathBuf,
        #[arg(long = "out")]
        output: PathBuf,
        /// The project's bid-opening time (RFC 3339): tell the service of the sealed bid, so
        /// the certificate keeps its key until then (needs the platform's API key).
        #[arg(long)]
        opening_at: Option<String>,
    },
}

#[derive(Args, Debug)]
pub struct RpDemoArgs {
    #[command(flatten)]
    access: PlatformAccess,
    /// Address of the demo platform page.
    #[arg(long, default_value = "127.0.0.1:8090")]
    listen: SocketAddr,
}

#[derive(Args, Debug)]
pub struct PlatformArgs {
    #[command(flatten)]
    location: ServiceLocation,
    #[command(subcommand)]
    command: PlatformCommand,
}

#[derive(Subcommand, Debug)]
enum PlatformCommand {
    /// Register (or update) a relying platform and print a new API key and its callback secret.
    Add {
        #[arg(long)]
        id: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        logo_url: Option<String>,
        /// A URL the platform may ask callbacks to (repeatable).
        #[arg(long)]
        callback_url: Vec<String>,
    },
    /// Issue another API key.
    Key { id: String },
    /// Revoke every API key of a platform.
    Revoke { id: String },
}

/// Creates the session `req`, prints its id and verification code, and redraws its QR code
/// every second (see [`draw_qr`]) until the returned task is aborted.
pub(crate) async fn start_session(
    client: &RpClient,
    req: &NewSession,
    locale: Locale,
    png: Option<PathBuf>,
    terminal: bool,
) -> Result<
    (
        mcert_core::wire::CreatedSession,
        tokio::task::JoinHandle<()>,
    ),
    CliError,
> {
    let created = client
        .create(req, None)
        .await
        .map_err(|e| rp_error(locale, e))?;
    println!(
        "{}",
        message(
            locale,
            "cli-rp-created",
            &[
                ("id", created.session_id.clone().into()),
                ("operation", req.kind.operation().into()),
                ("code", created.verification_code.clone().into()),
            ]
        )
    );
    if let Some(p) = &png {
        eprintln!(
            "{}",
            message(
                locale,
                "cli-rp-png",
                &[("path", p.display().to_string().into())]
            )
        );
    }
    let drawer = draw_qr(AnimatedQr::new(&created), png, terminal);
    Ok((created, drawer))
}

/// Redraws the session's QR code every second into `png` and/or the terminal.
pub(crate) fn draw_qr(
    qr: AnimatedQr,
    png: Option<PathBuf>,
    terminal: bool,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tick.tick().await;
            let payload = qr.payload();
            if let Some(path) = &png
                && let Ok(bytes) = qr::encode_png(&payload, 8)
            {
                // Write then rename, so a reader never sees half a file.
                let tmp = path.with_extension("png.tmp");
                if std::fs::write(&tmp, bytes).is_ok() {
                    let _ = std::fs::rename(&tmp, path);
                }
            }
            if terminal && let Ok(text) = terminal_qr(&payload) {
                eprint!("\x1b[2J\x1b[H{text}");
            }
        }
    })
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError::new(e.to_string()))
}

fn b64(bytes: &[u8]) -> String {
    use base64ct::Encoding;
    base64ct::Base64::encode_string(bytes)
}

/// A QR code drawn with half blocks, two modules rows per text line.
pub fn terminal_qr(text: &str) -> Result<String, String> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| e.to_string())?;
    let w = code.width();
    let colors = code.to_colors();
    let quiet = 2usize;
    let size = w + 2 * quiet;
    let dark = |x: usize, y: usize| -> bool {
        x >= quiet
            && y >= quiet
            && x < quiet + w
            && y < quiet + w
            && colors[(y - quiet) * w + (x - quiet)] == qrcode::Color::Dark
    };
    let mut out = String::new();
    for y in (0..size).step_by(2) {
        for x in 0..size {
            // Light text on a dark terminal: draw the light modules.
            out.push(match (!dark(x, y), y + 1 < size && !dark(x, y + 1)) {
                (true, true) => '█',
                (true, false) => '▀',
                (false, true) => '▄',
                (false, false) => ' ',
            });
        }
        out.push('\n');
    }
    Ok(out)
}

pub fn run(args: RpArgs, locale: Locale) -> Result<(), CliError> {
    match args.command {
        RpCommand::Stamp(stamp) => crate::rp_stamp::run(&args.access, stamp, locale),
        RpCommand::VerifyPdf { file } => {
            let pdf = std::fs::read(&file).map_err(|e| CliError::io(locale, &file, &e))?;
            // Read locally first: a file that is no PDF, or carries no signature, needs no service.
            let found = mcert_pdf::signatures(&pdf).map_err(|e| {
                CliError::new(message(
                    locale,
                    "cli-rp-pdf-unreadable",
                    &[("detail", e.to_string().into())],
                ))
            })?;
            if found.is_empty() {
                return Err(CliError::new(message(locale, "cli-rp-pdf-unsigned", &[])));
            }
            // Only public endpoints are asked (roots, issuing CAs, OCSP): no API key needed.
            let client = RpClient::new(&args.access.server, "").map_err(|e| rp_error(locale, e))?;
            let rt = runtime()?;
            let reports = rt.block_on(async {
                let roots = client.roots().await?;
                let issuing = client.issuing().await?;
                client
                    .verify_pdf_status(&pdf, &roots, &issuing, std::time::SystemTime::now())
                    .await
            });
            let reports = reports.map_err(|e| rp_error(locale, e))?;
            let all_valid = crate::rp_stamp::print_reports(locale, &reports);
            if all_valid {
                Ok(())
            } else {
                Err(CliError::new(message(locale, "cli-rp-pdf-refused", &[])))
            }
        }
        RpCommand::Seal {
            cert,
            input,
            output,
            opening_at,
        } => {
            let certificate = read_certificate(&cert, locale)?;
            let bid = std::fs::read(&input).map_err(|e| CliError::io(locale, &input, &e))?;
            let sealed =
                SealedBid::seal(&certificate, &bid).map_err(|e| CliError::from_user(&e, locale))?;
            let json =
                serde_json::to_vec_pretty(&sealed).map_err(|e| CliError::new(e.to_string()))?;
            std::fs::write(&output, json).map_err(|e| CliError::io(locale, &output, &e))?;
            eprintln!(
                "{}",
                message(
                    locale,
                    "cli-rp-sealed",
                    &[("serial", sealed.recipient_serial.clone().into())]
                )
            );
            if let Some(at) = opening_at {
                let client = args.access.client(locale)?;
                let noted = runtime()?
                    .block_on(client.note_sealed_bid(&sealed.recipient_serial, &at))
                    .map_err(|e| rp_error(locale, e))?;
                let id = if noted.escrowed {
                    "cli-rp-sealed-noted-escrowed"
                } else {
                    "cli-rp-sealed-noted"
                };
                eprintln!(
                    "{}",
                    message(locale, id, &[("at", noted.opening_at.into())])
                );
            }
            Ok(())
        }
        RpCommand::Session {
            kind,
            project,
            lot,
            opening_at,
            document,
            sealed,
            out,
            id_number,
            png,
            terminal,
            expires_in,
            save_cert,
        } => {
            let client = args.access.client(locale)?;
            let kind = match kind {
                KindArg::Login => SessionKind::Login,
                KindArg::Sign => SessionKind::Sign,
                KindArg::Decrypt => SessionKind::Decrypt,
            };
            let mut req = NewSession {
                display: DisplayText {
                    project,
                    lot,
                    document_name: None,
                },
                allowed: id_number.map(|n| AllowedSubjects {
                    id_number: Some(n),
                    organization_code: None,
                }),
                expires_in: Some(expires_in),
                opening_at,
                ..NewSession::new(kind)
            };
            let file_name = |p: &PathBuf| {
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| p.display().to_string())
            };
            let mut bid = None;
            match kind {
                // Stamp sessions are `mcert rp stamp`'s.
                SessionKind::Login | SessionKind::Stamp => {}
                SessionKind::Sign => {
                    let path = document.ok_or_else(|| {
                        CliError::new(message(locale, "cli-rp-need-document", &[]))
                    })?;
                    let data = std::fs::read(&path).map_err(|e| CliError::io(locale, &path, &e))?;
                    req.display.document_name = Some(file_name(&path));
                    req.document_digests = Some(DocumentDigests::of(&data));
                }
                SessionKind::Decrypt => {
                    let path = sealed
                        .ok_or_else(|| CliError::new(message(locale, "cli-rp-need-sealed", &[])))?;
                    let text = std::fs::read(&path).map_err(|e| CliError::io(locale, &path, &e))?;
                    let s: SealedBid = serde_json::from_slice(&text)
                        .map_err(|e| CliError::new(format!("{}: {e}", path.display())))?;
                    let alg = if s.cipher == "sm4-gcm" {
                        Algorithm::Sm2
                    } else {
                        Algorithm::P256
                    };
                    let eph =
                        PrivateKey::generate(alg).map_err(|e| CliError::from_user(&e, locale))?;
                    let spki = eph
                        .public_key()
                        .to_spki_der()
                        .map_err(|e| CliError::from_user(&e, locale))?;
                    req.display.document_name = Some(file_name(&path));
                    req.encrypted_key = Some(s.encrypted_key.clone());
                    req.recipient_serial = Some(s.recipient_serial.clone());
                    req.ephemeral_public_key = Some(b64(&spki));
                    bid = Some((s, eph));
                }
            }
            let rt = runtime()?;
            rt.block_on(async {
                let roots = client.roots().await.map_err(|e| rp_error(locale, e))?;
                let (created, drawer) =
                    start_session(&client, &req, locale, png.clone(), terminal).await?;
                let ended = client
                    .wait_for_end(&created.session_id, Duration::from_secs(expires_in + 5))
                    .await;
                drawer.abort();
                let ended = ended.map_err(|e| rp_error(locale, e))?;
                if ended.status != "completed" {
                    return Err(CliError::new(message(
                        locale,
                        "cli-rp-ended",
                        &[
                            ("status", ended.status.into()),
                            (
                                "reason",
                                ended.failure.map(|f| f.message).unwrap_or_default().into(),
                            ),
                        ],
                    )));
                }
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
                .map_err(|e| rp_error(locale, e))?;
                println!(
                    "{}",
                    message(
                        locale,
                        "cli-rp-verified",
                        &[
                            ("subject", verified.info.subject_text.clone().into()),
                            ("serial", verified.info.serial_hex.clone().into()),
                            ("alg", verified.info.algorithm.as_str().into()),
                        ]
                    )
                );
                if let Some(path) = &save_cert {
                    let to_seal = verified
                        .encryption_certificate
                        .as_ref()
                        .unwrap_or(&verified.certificate);
                    let pem = x509::to_pem(to_seal).map_err(|e| CliError::from_user(&e, locale))?;
                    std::fs::write(path, pem).map_err(|e| CliError::io(locale, path, &e))?;
                }
                if let Some((sealed, eph)) = bid {
                    let key = verified.reencrypted_key.as_deref().unwrap_or_default();
                    let opened = sealed
                        .open_with_ephemeral(key, &eph)
                        .map_err(|e| CliError::from_user(&e, locale))?;
                    match &out {
                        Some(path) => {
                            std::fs::write(path, &opened[..])
                                .map_err(|e| CliError::io(locale, path, &e))?;
                            println!(
                                "{}",
                                message(
                                    locale,
                                    "cli-rp-bid-opened",
                                    &[("path", path.display().to_string().into())]
                                )
                            );
                        }
                        None => println!("{}", String::from_utf8_lossy(&opened)),
                    }
                }
                Ok(())
            })
        }
    }
}

pub fn run_demo(args: RpDemoArgs, locale: Locale) -> Result<(), CliError> {
    let client = args.access.client(locale)?;
    let rt = runtime()?;
    rt.block_on(async {
        let running = mcert_rp::demo::start(client, args.listen)
            .await
            .map_err(|e| rp_error(locale, e))?;
        println!(
            "{}",
            message(
                locale,
                "cli-rp-demo",
                &[("url", format!("http://{}", running.addr).into())]
            )
        );
        let _ = tokio::signal::ctrl_c().await;
        running.stop();
        Ok(())
    })
}

pub fn run_platform(args: PlatformArgs, locale: Locale) -> Result<(), CliError> {
    let config = args.location.load()?;
    let rt = runtime()?;
    rt.block_on(async {
        let key = mcert_service::server::operator_key(&config)
            .map_err(|e| CliError::new(e.to_string()))?;
        let store = mcert_service::store::Store::connect(&config.database_url())
            .await
            .map_err(|e| {
                CliError::new(message(
                    locale,
                    "cli-database",
                    &[("detail", e.to_string().into())],
                ))
            })?;
        let platforms = mcert_service::platforms::Platforms::new(
            store.clone(),
            std::sync::Arc::new(mcert_core::clock::SystemClock),
            key.derive("platform callback"),
        );
        let err = |e: mcert_service::platforms::PlatformError| CliError::new(e.to_string());
        let result = match args.command {
            PlatformCommand::Add {
                id,
                name,
                logo_url,
                callback_url,
            } => {
                let creds = platforms
                    .register(&mcert_service::platforms::Registration {
                        id,
                        name,
                        logo_url,
                        callback_urls: callback_url,
                    })
                    .await
                    .map_err(err)?;
                println!("api_key={}", creds.api_key.as_str());
                println!("callback_secret={}", creds.callback_secret.as_str());
                eprintln!(
                    "{}",
                    message(
                        locale,
                        "cli-platform-added",
                        &[("id", creds.platform_id.into())]
                    )
                );
                Ok(())
            }
            PlatformCommand::Key { id } => {
                let key = platforms.new_key(&id).await.map_err(err)?;
                println!("api_key={}", key.as_str());
                Ok(())
            }
            PlatformCommand::Revoke { id } => {
                let n = platforms.revoke_keys(&id).await.map_err(err)?;
                println!("{n}");
                Ok(())
            }
        };
        store.close().await;
        result
    })
}

/// A certificate from a file, PEM (the first of a chain) or DER.
pub(crate) fn read_certificate(
    path: &std::path::Path,
    locale: Locale,
) -> Result<x509_cert::Certificate, CliError> {
    let bytes = std::fs::read(path).map_err(|e| CliError::io(locale, path, &e))?;
    if bytes.starts_with(b"-----BEGIN") {
        x509::parse_pem_chain(&bytes)
            .ok()
            .and_then(|c| c.into_iter().next())
            .ok_or_else(|| CliError::new("no certificate in the PEM file"))
    } else {
        x509::parse_certificate(&bytes).map_err(|e| CliError::from_user(&e, locale))
    }
}
