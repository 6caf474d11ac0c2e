//! `mcert serve`: the issuance service until Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;
use mcert_core::i18n::{Locale, message};
use mcert_service::config::ServiceConfig;
use mcert_service::server;

use crate::CliError;

/// Where the service keeps its data and finds its configuration.
#[derive(Args, Debug)]
pub struct ServiceLocation {
    /// Configuration file (TOML); `MCERT_*` variables and these flags override it.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Data folder [default: ./mcert-data].
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// Database URL (sqlite://… or postgres://…) instead of the embedded SQLite file.
    #[arg(long)]
    database: Option<String>,
    /// Development mode: development providers and a generated operator key.
    #[arg(long)]
    dev: bool,
}

impl ServiceLocation {
    /// The configuration: file, then `MCERT_*` variables, then these flags.
    pub fn load(&self) -> Result<ServiceConfig, CliError> {
        let mut config = ServiceConfig::load(self.config.as_deref())
            .map_err(|e| CliError::new(e.to_string()))?;
        if let Some(v) = &self.data_dir {
            config.data_dir = v.clone();
        }
        if let Some(v) = &self.database {
            config.database_url = Some(v.clone());
        }
        config.dev |= self.dev;
        Ok(config)
    }
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    location: ServiceLocation,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long)]
    listen: Option<SocketAddr>,
    /// Public base URL for CRL and OCSP links [default: http://<listen>].
    #[arg(long)]
    base_url: Option<String>,
    /// Log as JSON lines.
    #[arg(long)]
    log_json: bool,
}

/// Resolves on Ctrl-C or SIGTERM. The handlers are installed when this is called (not when the
/// future is first polled), so a signal that arrives right after start-up is not lost.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    async move {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        if let Some(mut term) = term {
            tokio::select! {
                _ = ctrl_c => {},
                _ = term.recv() => {},
            }
            return;
        }
        let _ = ctrl_c.await;
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) if userinfo.contains(':') => {
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}")
        }
        _ => url.to_string(),
    }
}

pub fn run(args: ServeArgs, locale: Locale) -> Result<(), CliError> {
    let mut config = args.location.load()?;
    if let Some(v) = args.listen {
        config.listen = v;
    }
    if let Some(v) = args.base_url {
        config.base_url = Some(v);
    }
    config.log_json |= args.log_json;

    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if config.log_json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
    if config.dev {
        eprintln!("{}", message(locale, "cli-serve-dev", &[]));
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::new(e.to_string()))?;
    let failed = |e: server::ServiceError| match e {
        server::ServiceError::NoOperatorKey => {
            CliError::new(message(locale, "cli-serve-no-operator-key", &[]))
        }
        other => CliError::new(message(
            locale,
            "cli-serve-failed",
            &[("detail", other.to_string().into())],
        )),
    };
    runtime.block_on(async {
        let stop = shutdown_signal();
        let key = server::operator_key(&config).map_err(failed)?;
        let running = server::start(&config, &key).await.map_err(failed)?;
        println!(
            "{}",
            message(
                locale,
                "cli-serve-listening",
                &[
                    ("url", format!("http://{}", running.addr).into()),
                    ("db", redact_password(&config.database_url()).into()),
                ]
            )
        );
        stop.await;
        running.stop().await.map_err(failed)?;
        eprintln!("{}", message(locale, "cli-serve-stopped", &[]));
        Ok(())
    })
}
