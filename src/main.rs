//! `mcert`: the command line of the mcert mobile certificate system.
//!
//! - `mcert demo`: the whole product on one machine (service, phone, platform), every result
//!   verified; `--crypto-only` walks through the crypto spine offline.
//! - `mcert serve`: the issuance service.
//! - `mcert qr decode|encode`: QR codes as the phone reads and the platforms show them.
//! - `mcert device --home DIR …`: the desktop stand-in for the phone's key store.
//! - `mcert rp session|seal`, `mcert rp-demo`: a relying platform's side of the scan.
//! - `mcert platform add|key|revoke`: the operator registers relying platforms.
//! - `mcert audit verify`: checks the service's hash-chained audit log.
//! - `mcert ca init|sign-issuing|sign-root-crl|revoke`: the operator's CA (root ceremony,
//!   issuing CAs, revocation).
//! - `mcert reviewer add|list|disable`: the operator's reviewer accounts of the web console.

#![forbid(unsafe_code)]

mod bank;
mod billing;
mod ca;
mod commerce_demo;
mod demo;
mod device;
mod keys;
mod life_demo;
mod org;
mod org_demo;
mod reissue_demo;
mod reviewer;
mod rp;
mod rp_stamp;
mod scan_demo;
mod seal;
mod seal_demo;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use mcert_core::device::qr::{self, Engine};
use mcert_core::i18n::{Locale, UserMessage, message};

const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("MCERT_GIT_COMMIT"),
    ", ",
    env!("MCERT_TARGET"),
    ")"
);

#[derive(Parser, Debug)]
#[command(name = "mcert", version = VERSION, about = "mcert 移动数字证书 / mobile digital certificates")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// The whole product on this machine: service, phone, platform; log in, sign and open a bid
    /// by scanning QR codes, each result verified.
    Demo {
        /// Only walk through the cryptography (keys, certificates, signatures, QR codes), offline.
        #[arg(long)]
        crypto_only: bool,
    },
    /// Run the issuance service.
    Serve(serve::ServeArgs),
    /// Decode or make QR codes.
    Qr {
        #[command(subcommand)]
        command: QrCommand,
    },
    /// The phone's key store on this computer.
    Device(device::DeviceArgs),
    /// A relying platform's tools: sessions with an animated QR code, sealed bids.
    Rp(rp::RpArgs),
    /// The demo bidding platform page (login, sign, bid opening by scan).
    RpDemo(rp::RpDemoArgs),
    /// An organisation, as its certificate administrator or a member: registration, CA
    /// authorisation, applications, members and roles, certificate slots, usage records.
    Org(org::OrgArgs),
    /// Operator: register relying platforms and manage their API keys.
    Platform(rp::PlatformArgs),
    /// Operator: the root ceremony, issuing CAs, root CRLs, revocation.
    Ca(ca::CaArgs),
    /// Operator: reviewer accounts of the web console (/console).
    Reviewer(reviewer::ReviewerArgs),
    /// Operator: the judicial recovery of an escrowed encryption key (two reviewers approve).
    Keys(keys::KeysArgs),
    /// An organisation's seals (印章): apply from a photo, submit, claim with the certificate.
    Seal(seal::SealArgs),
    /// Paying and invoicing as a buyer: bank transfer, 购买信息修改, invoices, 开票信息, 打款账户.
    Billing(billing::BillingArgs),
    /// Operator: bank statements (camt.053 or CSV) matched to orders; refunds.
    Bank(bank::BankArgs),
    /// The service's hash-chained audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Subcommand, Debug)]
enum AuditCommand {
    /// Check every link of the audit chain; names the first broken one (exit 1).
    Verify {
        /// The service's data folder (its embedded SQLite database).
        #[arg(long, default_value = "./mcert-data")]
        data_dir: PathBuf,
        /// A database URL instead (sqlite://… or postgres://…).
        #[arg(long)]
        database: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
enum QrCommand {
    /// Print every QR payload found in a PNG or JPEG image, one per line (exit 1 when none).
    Decode {
        image: PathBuf,
        #[arg(long, value_enum, default_value_t = EngineArg::Auto)]
        engine: EngineArg,
    },
    /// Write `text` as a QR code (EC level M) to a PNG file.
    Encode {
        text: String,
        #[arg(short, long)]
        output: PathBuf,
        /// Pixels per module.
        #[arg(long, default_value_t = 8)]
        scale: u32,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum EngineArg {
    Auto,
    Rxing,
    Rqrr,
}

impl From<EngineArg> for Engine {
    fn from(e: EngineArg) -> Engine {
        match e {
            EngineArg::Auto => Engine::Auto,
            EngineArg::Rxing => Engine::Rxing,
            EngineArg::Rqrr => Engine::Rqrr,
        }
    }
}

/// An error for the user: the message is already in their language.
#[derive(Debug)]
pub struct CliError {
    message: String,
    code: u8,
}

impl CliError {
    pub fn new(message: impl Into<String>) -> Self {
        CliError {
            message: message.into(),
            code: 2,
        }
    }

    pub fn from_user<E: UserMessage>(e: &E, locale: Locale) -> Self {
        CliError::new(format!("{} [{}]", e.user_message(locale), e.code()))
    }

    pub fn io(locale: Locale, path: &std::path::Path, e: &std::io::Error) -> Self {
        CliError::new(message(
            locale,
            "cli-io",
            &[
                ("path", path.display().to_string().into()),
                ("detail", e.to_string().into()),
            ],
        ))
    }
}

fn run_qr(command: QrCommand, locale: Locale) -> Result<ExitCode, CliError> {
    match command {
        QrCommand::Decode { image, engine } => {
            let bytes = std::fs::read(&image).map_err(|e| CliError::io(locale, &image, &e))?;
            let found = qr::decode_image(&bytes, engine.into())
                .map_err(|e| CliError::from_user(&e, locale))?;
            if found.is_empty() {
                eprintln!("{}", message(locale, "qr-none", &[]));
                return Ok(ExitCode::from(1));
            }
            for text in found {
                println!("{text}");
            }
            Ok(ExitCode::SUCCESS)
        }
        QrCommand::Encode {
            text,
            output,
            scale,
        } => {
            let png = qr::encode_png(&text, scale).map_err(|e| CliError::from_user(&e, locale))?;
            std::fs::write(&output, png).map_err(|e| CliError::io(locale, &output, &e))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn run_audit(command: AuditCommand, locale: Locale) -> Result<ExitCode, CliError> {
    let AuditCommand::Verify { data_dir, database } = command;
    let url = database.unwrap_or_else(|| mcert_service::store::Store::sqlite_url(&data_dir));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::new(e.to_string()))?;
    let db_error = |e: mcert_service::store::StoreError| {
        CliError::new(message(
            locale,
            "cli-database",
            &[("detail", e.to_string().into())],
        ))
    };
    let report = runtime.block_on(async {
        let store = mcert_service::store::Store::connect(&url).await?;
        let report = mcert_service::audit::verify(&store).await;
        store.close().await;
        report
    });
    let report = report.map_err(db_error)?;
    match report.first_broken {
        None => {
            println!(
                "{}",
                message(locale, "cli-audit-ok", &[("events", report.events.into())])
            );
            Ok(ExitCode::SUCCESS)
        }
        Some((seq, reason)) => {
            println!(
                "{}",
                message(
                    locale,
                    "cli-audit-broken",
                    &[
                        ("seq", seq.into()),
                        ("reason", reason.into()),
                        ("events", report.events.into())
                    ]
                )
            );
            Ok(ExitCode::from(1))
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let locale = Locale::from_env();
    let result = match cli.command {
        Command::Demo { crypto_only: true } => demo::run(locale).map(|()| ExitCode::SUCCESS),
        Command::Demo { crypto_only: false } => scan_demo::run(locale).map(|()| ExitCode::SUCCESS),
        Command::Serve(args) => serve::run(args, locale).map(|()| ExitCode::SUCCESS),
        Command::Qr { command } => run_qr(command, locale),
        Command::Device(args) => device::run(args, locale).map(|()| ExitCode::SUCCESS),
        Command::Rp(args) => rp::run(args, locale).map(|()| ExitCode::SUCCESS),
        Command::RpDemo(args) => rp::run_demo(args, locale).map(|()| ExitCode::SUCCESS),
        Command::Platform(args) => rp::run_platform(args, locale).map(|()| ExitCode::SUCCESS),
        Command::Audit { command } => run_audit(command, locale),
        Command::Ca(args) => ca::run(args, locale),
        Command::Org(args) => org::run(args, locale).map(|()| ExitCode::SUCCESS),
        Command::Reviewer(args) => reviewer::run(args, locale),
        Command::Keys(args) => keys::run(args, locale),
        Command::Bank(args) => bank::run(args, locale).map(|()| ExitCode::SUCCESS),
        Command::Billing(args) => billing::run(args, locale).map(|()| ExitCode::SUCCESS),
        Command::Seal(args) => seal::run(args, locale).map(|()| ExitCode::SUCCESS),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{}: {}", message(locale, "cli-error", &[]), e.message);
            ExitCode::from(e.code)
        }
    }
}
