//! `mcert ca …`: the operator's CA commands.
//!
//! - `mcert ca init --out DIR`: the root ceremony. Makes the SM2 and P-256 root keys, each
//!   sealed in `DIR/root-<alg>.key.json` under a passphrase (Argon2id), and writes the root
//!   certificates. Keep the folder offline.
//! - `mcert ca sign-issuing --root-key FILE`: signs a new issuing CA for the service (its key is
//!   made here and stored sealed under the operator key; the current one is retired), and the
//!   root CRL if the service has none yet.
//! - `mcert ca sign-root-crl --root-key FILE`: re-signs the root CRL before it expires.
//! - `mcert ca revoke --serial S --reason R`: revokes a certificate and issues the next CRL.
//!
//! Passphrases come from `--passphrase-file` or `MCERT_ROOT_PASSPHRASE`. The service's
//! database and operator key are found as `mcert serve` finds them.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Subcommand, ValueEnum};
use mcert_core::clock::{Clock, SystemClock};
use mcert_core::crypto::revocation::RevocationReason;
use mcert_core::crypto::{Algorithm, PrivateKey, x509};
use mcert_core::i18n::{Locale, message};
use mcert_service::ca::ceremony::{self, Installation, KdfParams, RootKeyFile};
use mcert_service::ca::{Authority, AuthorityConfig, AuthorityError};
use mcert_service::server;
use mcert_service::store::Store;
use zeroize::Zeroizing;

use crate::CliError;
use crate::serve::ServiceLocation;

#[derive(Args, Debug)]
pub struct CaArgs {
    #[command(subcommand)]
    command: CaCommand,
}

#[derive(Subcommand, Debug)]
enum CaCommand {
    /// Root ceremony: make the root keys (sealed under a passphrase) and certificates.
    Init {
        /// Folder for the root key files and certificates (kept offline).
        #[arg(long)]
        out: PathBuf,
        /// File with the passphrase (else MCERT_ROOT_PASSPHRASE).
        #[arg(long)]
        passphrase_file: Option<PathBuf>,
    },
    /// Sign a new issuing CA for the service with an offline root key.
    SignIssuing {
        #[command(flatten)]
        location: ServiceLocation,
        #[command(flatten)]
        root: RootKeyArgs,
        /// Public base URL of the service (written into the issuing CA certificate).
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Re-sign the root CRL with an offline root key.
    SignRootCrl {
        #[command(flatten)]
        location: ServiceLocation,
        #[command(flatten)]
        root: RootKeyArgs,
    },
    /// Revoke a certificate (the issuing CA's next CRL is issued at once).
    Revoke {
        #[command(flatten)]
        location: ServiceLocation,
        /// Serial number, hex.
        #[arg(long)]
        serial: String,
        #[arg(long, value_enum)]
        reason: ReasonArg,
    },
}

#[derive(Args, Debug)]
struct RootKeyArgs {
    /// The root key file made by `mcert ca init`.
    #[arg(long)]
    root_key: PathBuf,
    /// File with the passphrase (else MCERT_ROOT_PASSPHRASE).
    #[arg(long)]
    passphrase_file: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ReasonArg {
    Unspecified,
    KeyCompromise,
    AffiliationChanged,
    Superseded,
    CessationOfOperation,
    PrivilegeWithdrawn,
}

impl From<ReasonArg> for RevocationReason {
    fn from(r: ReasonArg) -> Self {
        match r {
            ReasonArg::Unspecified => RevocationReason::Unspecified,
            ReasonArg::KeyCompromise => RevocationReason::KeyCompromise,
            ReasonArg::AffiliationChanged => RevocationReason::AffiliationChanged,
            ReasonArg::Superseded => RevocationReason::Superseded,
            ReasonArg::CessationOfOperation => RevocationReason::CessationOfOperation,
            ReasonArg::PrivilegeWithdrawn => RevocationReason::PrivilegeWithdrawn,
        }
    }
}

fn ca_error(locale: Locale, e: &AuthorityError) -> CliError {
    CliError::new(message(
        locale,
        "cli-ca-failed",
        &[("code", e.code().into()), ("detail", e.to_string().into())],
    ))
}

fn passphrase(locale: Locale, file: Option<&PathBuf>) -> Result<Zeroizing<String>, CliError> {
    let text = match file {
        Some(path) => Zeroizing::new(
            std::fs::read_to_string(path).map_err(|e| CliError::io(locale, path, &e))?,
        ),
        None => Zeroizing::new(
            std::env::var("MCERT_ROOT_PASSPHRASE")
                .map_err(|_| CliError::new(message(locale, "cli-ca-no-passphrase", &[])))?,
        ),
    };
    Ok(Zeroizing::new(
        text.trim_end_matches(['\r', '\n']).to_string(),
    ))
}

fn open_root(
    locale: Locale,
    args: &RootKeyArgs,
) -> Result<(x509_cert::Certificate, PrivateKey), CliError> {
    let text = std::fs::read_to_string(&args.root_key)
        .map_err(|e| CliError::io(locale, &args.root_key, &e))?;
    let file = RootKeyFile::from_json(&text).map_err(|e| ca_error(locale, &e))?;
    let pass = passphrase(locale, args.passphrase_file.as_ref())?;
    let key = file
        .open(pass.as_bytes())
        .map_err(|e| ca_error(locale, &e))?;
    let cert = file.certificate().map_err(|e| ca_error(locale, &e))?;
    Ok((cert, key))
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::new(e.to_string()))
}

async fn store(locale: Locale, location: &ServiceLocation) -> Result<Store, CliError> {
    let config = location.load()?;
    Store::connect(&config.database_url()).await.map_err(|e| {
        CliError::new(message(
            locale,
            "cli-database",
            &[("detail", e.to_string().into())],
        ))
    })
}

pub fn run(args: CaArgs, locale: Locale) -> Result<ExitCode, CliError> {
    let now = SystemClock.now();
    match args.command {
        CaCommand::Init {
            out,
            passphrase_file,
        } => {
            let pass = passphrase(locale, passphrase_file.as_ref())?;
            std::fs::create_dir_all(&out).map_err(|e| CliError::io(locale, &out, &e))?;
            for alg in [Algorithm::Sm2, Algorithm::P256] {
                let (file, _key) =
                    RootKeyFile::create(alg, pass.as_bytes(), KdfParams::OFFLINE, now)
                        .map_err(|e| ca_error(locale, &e))?;
                let key_path = RootKeyFile::path_in(&out, alg);
                if key_path.exists() {
                    return Err(CliError::new(message(
                        locale,
                        "cli-ca-exists",
                        &[("path", key_path.display().to_string().into())],
                    )));
                }
                let json = file.to_json().map_err(|e| ca_error(locale, &e))?;
                std::fs::write(&key_path, json).map_err(|e| CliError::io(locale, &key_path, &e))?;
                let cert = file.certificate().map_err(|e| ca_error(locale, &e))?;
                let cert_path = out.join(format!("root-{}.pem", alg.as_str()));
                let pem = x509::to_pem(&cert).map_err(|e| CliError::new(e.to_string()))?;
                std::fs::write(&cert_path, pem)
                    .map_err(|e| CliError::io(locale, &cert_path, &e))?;
                println!(
                    "{}",
                    message(
                        locale,
                        "cli-ca-root-made",
                        &[
                            ("alg", alg.as_str().into()),
                            ("serial", x509::serial_hex(&cert).into()),
                            ("path", key_path.display().to_string().into()),
                        ]
                    )
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        CaCommand::SignIssuing {
            location,
            root,
            base_url,
        } => {
            let (root_cert, root_key) = open_root(locale, &root)?;
            let config = location.load()?;
            let operator_key =
                server::operator_key(&config).map_err(|e| CliError::new(e.to_string()))?;
            let base_url = base_url
                .or(config.base_url.clone())
                .unwrap_or_else(|| format!("http://{}", config.listen));
            let alg = root_key.algorithm();
            let issuing_key =
                PrivateKey::generate(alg).map_err(|e| CliError::new(e.to_string()))?;
            let issuing = ceremony::sign_issuing(
                &root_cert,
                &root_key,
                issuing_key.public_key(),
                &AuthorityConfig { base_url },
                now,
            )
            .map_err(|e| ca_error(locale, &e))?;
            let rt = runtime()?;
            let id = rt.block_on(async {
                let store = store(locale, &location).await?;
                let r = ceremony::install(
                    &store,
                    &operator_key,
                    Installation {
                        root: &root_cert,
                        root_signer: &root_key,
                        issuing: &issuing,
                        issuing_key: &issuing_key,
                        replace_issuing: true,
                        actor: "operator",
                    },
                    now,
                )
                .await
                .map_err(|e| ca_error(locale, &e));
                store.close().await;
                r
            })?;
            println!(
                "{}",
                message(
                    locale,
                    "cli-ca-issuing-signed",
                    &[
                        ("alg", alg.as_str().into()),
                        ("serial", x509::serial_hex(&issuing).into()),
                        ("id", id.into()),
                    ]
                )
            );
            Ok(ExitCode::SUCCESS)
        }
        CaCommand::SignRootCrl { location, root } => {
            let (root_cert, root_key) = open_root(locale, &root)?;
            let number = runtime()?.block_on(async {
                let store = store(locale, &location).await?;
                let r = ceremony::sign_root_crl(&store, &root_cert, &root_key, now)
                    .await
                    .map_err(|e| ca_error(locale, &e));
                store.close().await;
                r
            })?;
            println!(
                "{}",
                message(
                    locale,
                    "cli-ca-root-crl",
                    &[
                        ("alg", root_key.algorithm().as_str().into()),
                        ("number", number.into()),
                    ]
                )
            );
            Ok(ExitCode::SUCCESS)
        }
        CaCommand::Revoke {
            location,
            serial,
            reason,
        } => {
            let config = location.load()?;
            let operator_key =
                server::operator_key(&config).map_err(|e| CliError::new(e.to_string()))?;
            runtime()?.block_on(async {
                let store = store(locale, &location).await?;
                let authority = Authority::open(
                    store.clone(),
                    &operator_key,
                    AuthorityConfig {
                        base_url: config
                            .base_url
                            .clone()
                            .unwrap_or_else(|| format!("http://{}", config.listen)),
                    },
                    Arc::new(SystemClock),
                )
                .await
                .map_err(|e| ca_error(locale, &e))?;
                let r = authority
                    .revoke(&serial, reason.into(), "operator")
                    .await
                    .map_err(|e| ca_error(locale, &e));
                store.close().await;
                r
            })?;
            println!(
                "{}",
                message(
                    locale,
                    "cli-ca-revoked",
                    &[("serial", serial.to_ascii_uppercase().into())]
                )
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
