//! `mcert reviewer add|list|disable`: the operator's reviewer accounts for the web console
//! (`/console`), in the database that `mcert serve` uses (found the same way).
//!
//! `add` prints the TOTP enrolment once: the `otpauth://` URI (also as a QR code in the
//! terminal, on standard error) and the base32 secret. The initial password is read from
//! standard input with `--password-stdin`; without it a random one is made and printed once.

use std::io::BufRead;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Subcommand};
use mcert_core::clock::{SystemClock, unix_millis};
use mcert_core::i18n::Locale;
use mcert_service::authz::{Actor, OperatorGrant, policy};
use mcert_service::http::console::render::beijing;
use mcert_service::i18n::message;
use mcert_service::reviewers::{self, ReviewerError, Reviewers};
use mcert_service::server;
use mcert_service::store::Store;
use zeroize::Zeroizing;

use crate::CliError;
use crate::serve::ServiceLocation;

#[derive(Args, Debug)]
pub struct ReviewerArgs {
    #[command(subcommand)]
    command: ReviewerCommand,
}

#[derive(Subcommand, Debug)]
enum ReviewerCommand {
    /// Make a reviewer; prints the TOTP enrolment (and a made password) once.
    Add {
        #[command(flatten)]
        location: ServiceLocation,
        /// Login name: 3 to 32 of a-z, 0-9, '.', '_', '-'.
        username: String,
        /// The name shown in the console and beside decisions.
        #[arg(long)]
        name: String,
        /// Read the initial password from the first line of standard input (else one is made).
        #[arg(long)]
        password_stdin: bool,
    },
    /// List the reviewers.
    List {
        #[command(flatten)]
        location: ServiceLocation,
    },
    /// Disable a reviewer and end their console sessions.
    Disable {
        #[command(flatten)]
        location: ServiceLocation,
        username: String,
    },
}

fn failed(locale: Locale, e: &ReviewerError) -> CliError {
    CliError::new(message(
        locale,
        "console-cli-failed",
        &[("detail", e.to_string().into())],
    ))
}

/// One line of standard input (a password or a code), without its line end.
pub(crate) fn read_password() -> Result<Zeroizing<String>, CliError> {
    let mut line = Zeroizing::new(String::new());
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| CliError::new(e.to_string()))?;
    Ok(Zeroizing::new(
        line.trim_end_matches(['\r', '\n']).to_string(),
    ))
}

pub fn run(args: ReviewerArgs, locale: Locale) -> Result<ExitCode, CliError> {
    let location = match &args.command {
        ReviewerCommand::Add { location, .. }
        | ReviewerCommand::List { location }
        | ReviewerCommand::Disable { location, .. } => location,
    };
    let config = location.load()?;
    let key = server::operator_key(&config).map_err(|e| CliError::new(e.to_string()))?;
    let grant: OperatorGrant = policy::operator(&Actor::Operator("cli".into()))
        .map_err(|e| CliError::new(e.to_string()))?;
    // Read before anything is opened, so that a pipe's password is not waited on later.
    let password = match &args.command {
        ReviewerCommand::Add {
            password_stdin: true,
            ..
        } => Some(read_password()?),
        _ => None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError::new(e.to_string()))?;
    runtime.block_on(async {
        let store = Store::connect(&config.database_url()).await.map_err(|e| {
            CliError::new(mcert_core::i18n::message(
                locale,
                "cli-database",
                &[("detail", e.to_string().into())],
            ))
        })?;
        let reviewers = Reviewers::with_operator_key(store.clone(), Arc::new(SystemClock), &key);
        let result = match args.command {
            ReviewerCommand::Add { username, name, .. } => {
                let (password, made) = match password {
                    Some(p) => (p, false),
                    None => (
                        reviewers::made_password().map_err(|e| failed(locale, &e))?,
                        true,
                    ),
                };
                let enrolment = reviewers
                    .add(&grant, &username, &name, &password)
                    .await
                    .map_err(|e| failed(locale, &e))?;
                eprintln!(
                    "{}",
                    message(
                        locale,
                        "console-cli-reviewer-added",
                        &[("username", username.clone().into())]
                    )
                );
                if let Ok(qr) = crate::rp::terminal_qr(&enrolment.otpauth_uri) {
                    eprintln!("{qr}");
                }
                println!("otpauth_uri={}", enrolment.otpauth_uri.as_str());
                println!("totp_secret={}", enrolment.secret_base32.as_str());
                if made {
                    println!("password={}", password.as_str());
                }
                Ok(ExitCode::SUCCESS)
            }
            ReviewerCommand::List { .. } => {
                let list = reviewers
                    .list(&grant)
                    .await
                    .map_err(|e| failed(locale, &e))?;
                if list.is_empty() {
                    eprintln!("{}", message(locale, "console-cli-no-reviewers", &[]));
                }
                let now = unix_millis(std::time::SystemTime::now());
                for r in list {
                    let status = if r.disabled {
                        "console-cli-status-disabled"
                    } else if r.locked_until > now {
                        "console-cli-status-locked"
                    } else {
                        "console-cli-status-active"
                    };
                    println!(
                        "{}\t{}\t{}\t{}",
                        r.username,
                        r.display_name,
                        message(locale, status, &[]),
                        beijing(r.created_at)
                    );
                }
                Ok(ExitCode::SUCCESS)
            }
            ReviewerCommand::Disable { username, .. } => {
                reviewers
                    .disable(&grant, &username)
                    .await
                    .map_err(|e| failed(locale, &e))?;
                eprintln!(
                    "{}",
                    message(
                        locale,
                        "console-cli-reviewer-disabled",
                        &[("username", username.into())]
                    )
                );
                Ok(ExitCode::SUCCESS)
            }
        };
        store.close().await;
        result
    })
}
