//! `mcert keys recover`: the judicial recovery of an escrowed encryption key (司法取证), run by
//! the operator on the service host. Two different reviewers approve on the spot, each with
//! password and TOTP code (read from standard input, one per line: first reviewer's password,
//! code, second reviewer's password, code). The key leaves only as an envelope to the recipient
//! certificate the case names; the recovery is recorded and audited (see the service's
//! `keys::recovery`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Subcommand};
use mcert_core::clock::SystemClock;
use mcert_core::crypto::x509;
use mcert_core::i18n::{Locale, message};
use mcert_service::authority::{Authority, AuthorityConfig};
use mcert_service::authz::{Actor, policy};
use mcert_service::keys::KeyManager;
use mcert_service::reviewers::Reviewers;
use mcert_service::server;
use mcert_service::store::Store;

use crate::CliError;
use crate::reviewer::read_password;
use crate::serve::ServiceLocation;

#[derive(Args, Debug)]
pub struct KeysArgs {
    #[command(subcommand)]
    command: KeysCommand,
}

#[derive(Subcommand, Debug)]
enum KeysCommand {
    /// Recover the escrowed key of an encryption certificate for a case, sealed to the
    /// recipient certificate; two reviewers approve (credentials on standard input).
    Recover {
        #[command(flatten)]
        location: ServiceLocation,
        /// Serial (hex) of the encryption certificate whose key is asked for.
        #[arg(long)]
        serial: String,
        /// The case reference (案号), 4 to 64 characters.
        #[arg(long)]
        case: String,
        /// The recipient's certificate (PEM or DER), of the key's algorithm.
        #[arg(long)]
        to: PathBuf,
        /// The first and the second approving reviewer (login names).
        #[arg(long, num_args = 2, required = true)]
        approvers: Vec<String>,
        /// Where the envelope (DER) is written.
        #[arg(long)]
        out: PathBuf,
    },
}

pub fn run(args: KeysArgs, locale: Locale) -> Result<ExitCode, CliError> {
    let KeysCommand::Recover {
        location,
        serial,
        case,
        to,
        approvers,
        out,
    } = args.command;
    let config = location.load()?;
    let operator_key = server::operator_key(&config).map_err(|e| CliError::new(e.to_string()))?;
    let km_key =
        server::km_key(&config, &operator_key).map_err(|e| CliError::new(e.to_string()))?;
    let recipient = crate::rp::read_certificate(&to, locale)?;
    let mut credentials = Vec::with_capacity(2);
    for _ in 0..2 {
        credentials.push((read_password()?, read_password()?));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError::new(e.to_string()))?;
    let envelope = runtime.block_on(async {
        let store = Store::connect(&config.database_url())
            .await
            .map_err(|e| CliError::new(e.to_string()))?;
        let clock = Arc::new(SystemClock);
        let result = async {
            let reviewers =
                Reviewers::with_operator_key(store.clone(), clock.clone(), &operator_key);
            let mut sessions = Vec::with_capacity(2);
            for (username, (password, code)) in approvers.iter().zip(&credentials) {
                let login = reviewers
                    .login(username, password, code)
                    .await
                    .map_err(|e| CliError::new(format!("{username}: {e}")))?;
                let session = reviewers
                    .authenticate(&login.token)
                    .await
                    .map_err(|e| CliError::new(e.to_string()))?;
                // The approval is for this recovery only: the console session ends with it.
                reviewers
                    .logout(&login.token)
                    .await
                    .map_err(|e| CliError::new(e.to_string()))?;
                sessions.push(session);
            }
            let grant =
                policy::key_recovery(&Actor::Operator("cli".into()), &sessions[0], &sessions[1])
                    .map_err(|e| CliError::new(e.to_string()))?;
            let authority = Authority::open(
                store.clone(),
                &operator_key,
                AuthorityConfig {
                    base_url: config.base_url(config.listen),
                },
                clock.clone(),
            )
            .await
            .map_err(|e| CliError::new(e.to_string()))?;
            let keys = KeyManager::new(store.clone(), clock, authority, &km_key);
            keys.recover(&grant, &serial, &case, &recipient)
                .await
                .map_err(|e| CliError::new(e.to_string()))
        }
        .await;
        store.close().await;
        result
    })?;
    std::fs::write(&out, envelope).map_err(|e| CliError::io(locale, &out, &e))?;
    println!(
        "{}",
        message(
            locale,
            "cli-key-recovered",
            &[
                ("serial", serial.to_ascii_uppercase().into()),
                ("case", case.into()),
                ("recipient", x509::serial_hex(&recipient).into()),
            ]
        )
    );
    Ok(ExitCode::SUCCESS)
}
