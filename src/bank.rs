//! `mcert bank import|refund`: the operator's side of bank transfers, on the database that
//! `mcert serve` uses (found the same way). `import` reads a statement (camt.053 XML or the
//! documented CSV) and matches every credit in its own unit of work, so a killed import loses
//! nothing and a repeated one changes nothing; `refund` refunds a completed order (its unused
//! slots withdrawn, a red-letter invoice for an issued one).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use mcert_core::i18n::Locale;
use mcert_service::authz::{Actor, policy};
use mcert_service::i18n::message;
use mcert_service::server;

use crate::CliError;
use crate::serve::ServiceLocation;

#[derive(Args, Debug)]
pub struct BankArgs {
    #[command(subcommand)]
    command: BankCommand,
}

#[derive(Subcommand, Debug)]
enum BankCommand {
    /// Import a bank statement (camt.053 XML or CSV) and match its credits to orders.
    Import {
        #[command(flatten)]
        location: ServiceLocation,
        /// The statement file.
        file: PathBuf,
    },
    /// Ask the invoice provider again for an invoice still being issued (after its retries
    /// ran out).
    IssueInvoice {
        #[command(flatten)]
        location: ServiceLocation,
        invoice_id: String,
    },
    /// Refund a completed order (after the money went back to the payer).
    Refund {
        #[command(flatten)]
        location: ServiceLocation,
        order_id: String,
        /// Why (kept in the audit log).
        #[arg(long)]
        reason: String,
    },
}

fn failed(locale: Locale, detail: String) -> CliError {
    CliError::new(message(
        locale,
        "bank-cli-failed",
        &[("detail", detail.into())],
    ))
}

pub fn run(args: BankArgs, locale: Locale) -> Result<(), CliError> {
    let (location, statement) = match &args.command {
        BankCommand::Import { location, file } => {
            let bytes = std::fs::read(file)
                .map_err(|e| failed(locale, format!("{}: {e}", file.display())))?;
            (location, Some(bytes))
        }
        BankCommand::Refund { location, .. } | BankCommand::IssueInvoice { location, .. } => {
            (location, None)
        }
    };
    let mut config = location.load()?;
    // The service's domains, opened in this process; nothing listens beyond loopback.
    config.listen = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let key = server::operator_key(&config).map_err(|e| CliError::new(e.to_string()))?;
    let grant = policy::operator(&Actor::Operator("cli".into()))
        .map_err(|e| CliError::new(e.to_string()))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError::new(e.to_string()))?;
    runtime.block_on(async {
        let running = server::start(&config, &key)
            .await
            .map_err(|e| failed(locale, e.to_string()))?;
        let orders = running.state.orders.clone();
        let result = match (&args.command, statement) {
            (BankCommand::Import { .. }, Some(bytes)) => orders
                .import_statement(&grant, &bytes, "statement")
                .await
                .map(|s| {
                    println!(
                        "{}",
                        message(
                            locale,
                            "bank-cli-imported",
                            &[
                                ("transfers", (s.transfers as i64).into()),
                                ("paid", (s.paid as i64).into()),
                                ("partial", (s.partial as i64).into()),
                                ("surplus", (s.surplus as i64).into()),
                                ("held", (s.held as i64).into()),
                                ("review", (s.review as i64).into()),
                                ("unmatched", (s.unmatched as i64).into()),
                                ("duplicate", (s.duplicate as i64).into()),
                            ],
                        )
                    );
                })
                .map_err(|e| failed(locale, e.to_string())),
            (
                BankCommand::Refund {
                    order_id, reason, ..
                },
                _,
            ) => orders
                .refund(&grant, order_id, reason)
                .await
                .map(|red| {
                    let id = if red {
                        "bank-cli-refunded-red"
                    } else {
                        "bank-cli-refunded"
                    };
                    println!(
                        "{}",
                        message(locale, id, &[("order", order_id.clone().into())])
                    );
                })
                .map_err(|e| failed(locale, e.to_string())),
            (BankCommand::IssueInvoice { invoice_id, .. }, _) => orders
                .issue_invoice(invoice_id)
                .await
                .map(|()| {
                    println!(
                        "{}",
                        message(
                            locale,
                            "bank-cli-invoice-issued",
                            &[("invoice", invoice_id.clone().into())]
                        )
                    );
                })
                .map_err(|e| failed(locale, e.to_string())),
            _ => Ok(()),
        };
        // Invoices asked for by this import are issued before the process leaves.
        let _ = running.state.outbox.run_due().await;
        let _ = running.stop().await;
        result
    })
}
