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
    #[command(subcommand)]
    command: DeviceCommand,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum AlgArg {
    Sm2,
    P256,
}

#[derive(Subcommand, Debug)]
enum DeviceCommand {
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
    match KeyringSecretStore::platform() {
        Ok(store) => Ok(Box::new(store)),
        Err(_) if args.insecure_file_secret => {
            eprintln!("{}", file_secret_warning(locale));
            Ok(Box::new(FileSecretStore::new(&args.home)))
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
        DeviceCommand::Keygen { alg, label, pin } => {
            let alg = match alg {
                AlgArg::Sm2 => Algorithm::Sm2,
                AlgArg::P256 => Algorithm::P256,
            };
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
