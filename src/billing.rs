//! `mcert billing --home DIR …`: the buyer's side of paying and invoicing, from the device's
//! logged-in account, as the app's 我的订单, 发票, 开票信息 and 打款账户 screens do it: bank
//! transfer instructions, 购买信息修改, cancelling, invoices (request, download, share link),
//! billing profiles and payer accounts. Output is one `key=value` or tab-separated line per
//! item, for scripts.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use mcert_core::device::keystore::KeyStoreOptions;
use mcert_core::i18n::Locale;
use mcert_core::wire::{NewBillingProfile, NewPayerAccount, Order, PayerKind, TitleKind};

use mcert_core::wire::yuan;

use crate::CliError;
use crate::device::{open_secret_store, service_error};

#[derive(Args, Debug)]
pub struct BillingArgs {
    /// The device's data folder (logged in with `mcert device login`).
    #[arg(long, default_value = "./mcert-device")]
    home: PathBuf,
    #[arg(long)]
    insecure_file_secret: bool,
    /// The issuance service.
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    server: String,
    #[command(subcommand)]
    command: BillingCommand,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum TitleArg {
    Company,
    Personal,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum PayerArg {
    Public,
    Personal,
}

#[derive(Subcommand, Debug)]
enum BillingCommand {
    /// Pay an order by bank transfer: prints its receiving account and what is due.
    Transfer { order_id: String },
    /// 购买信息修改: a new period (1 to 3 years) before anything is paid.
    Change {
        order_id: String,
        #[arg(long)]
        years: i64,
    },
    /// Cancel an order that is not paid.
    Cancel { order_id: String },
    /// Ask for the invoice of a completed order (to the default billing profile, or --profile).
    Invoice {
        order_id: String,
        #[arg(long)]
        profile: Option<String>,
    },
    /// Your invoices.
    Invoices,
    /// Save an issued invoice's PDF.
    InvoicePdf {
        invoice_id: String,
        #[arg(short, long)]
        output: PathBuf,
    },
    /// A link to the invoice that anyone can open for a week.
    Share { invoice_id: String },
    /// Your billing profiles (开票信息).
    Profiles,
    /// Add a billing profile.
    AddProfile {
        #[arg(long, value_enum)]
        kind: TitleArg,
        #[arg(long)]
        title: String,
        /// 纳税人识别号 (the unified social credit code of a company).
        #[arg(long)]
        taxpayer_id: Option<String>,
        #[arg(long)]
        address_phone: Option<String>,
        #[arg(long)]
        bank_name: Option<String>,
        #[arg(long)]
        bank_account: Option<String>,
        /// Make it the default.
        #[arg(long)]
        default: bool,
    },
    /// Delete a billing profile.
    DeleteProfile { profile_id: String },
    /// The accounts you transfer from (打款账户).
    Payers,
    /// Register an account you transfer from.
    AddPayer {
        #[arg(long, value_enum)]
        kind: PayerArg,
        #[arg(long)]
        holder_name: String,
        #[arg(long)]
        account_no: String,
        #[arg(long)]
        bank_name: String,
    },
    /// Delete a payer account.
    DeletePayer { payer_id: String },
}

fn print_order(order: &Order) {
    println!("order={}", order.id);
    println!("status={}", order.status_label);
    println!("amount={} {}", yuan(order.amount_fen), order.currency);
    println!("paid={}", yuan(order.paid_fen));
    if let Some(t) = &order.transfer {
        println!("bank={}", t.bank_name);
        println!("account_name={}", t.account_name);
        println!("account_no={}", t.account_no);
        println!("due={}", yuan(t.amount_due_fen));
        println!("deadline={}", t.deadline);
    }
}

pub fn run(args: BillingArgs, locale: Locale) -> Result<(), CliError> {
    std::fs::create_dir_all(&args.home).map_err(|e| CliError::io(locale, &args.home, &e))?;
    let secrets = open_secret_store(&args.home, args.insecure_file_secret, locale)?;
    let device = mcert_core::device::flows::Device::open(
        &args.home,
        &args.server,
        secrets.as_ref(),
        KeyStoreOptions::default(),
    )
    .map_err(|e| CliError::from_user(&e, locale))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::new(e.to_string()))?;
    let client = device.client().clone();
    let fail = |e| service_error(locale, e);
    runtime.block_on(async move {
        match args.command {
            BillingCommand::Transfer { order_id } => {
                print_order(&client.pay_by_transfer(&order_id).await.map_err(fail)?);
            }
            BillingCommand::Change { order_id, years } => {
                print_order(&client.change_order(&order_id, years).await.map_err(fail)?);
            }
            BillingCommand::Cancel { order_id } => {
                print_order(&client.cancel_order(&order_id).await.map_err(fail)?);
            }
            BillingCommand::Invoice { order_id, profile } => {
                let invoice = client
                    .request_invoice(&order_id, profile.as_deref())
                    .await
                    .map_err(fail)?;
                println!("invoice={}", invoice.id);
                println!("status={}", invoice.status_label);
            }
            BillingCommand::Invoices => {
                for i in client.invoices().await.map_err(fail)? {
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        i.id,
                        i.order_id,
                        i.number.unwrap_or_default(),
                        i.title,
                        yuan(i.total_fen),
                        i.status_label
                    );
                }
            }
            BillingCommand::InvoicePdf { invoice_id, output } => {
                let pdf = client.invoice_pdf(&invoice_id).await.map_err(fail)?;
                std::fs::write(&output, &pdf).map_err(|e| CliError::io(locale, &output, &e))?;
                println!("{}", output.display());
            }
            BillingCommand::Share { invoice_id } => {
                let share = client.share_invoice(&invoice_id).await.map_err(fail)?;
                println!("url={}", share.url);
                println!("expires_at={}", share.expires_at);
            }
            BillingCommand::Profiles => {
                for p in client.billing_profiles().await.map_err(fail)? {
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        p.id,
                        p.kind.as_str(),
                        p.title,
                        p.taxpayer_id.unwrap_or_default(),
                        if p.is_default { "default" } else { "" }
                    );
                }
            }
            BillingCommand::AddProfile {
                kind,
                title,
                taxpayer_id,
                address_phone,
                bank_name,
                bank_account,
                default,
            } => {
                let p = client
                    .add_billing_profile(&NewBillingProfile {
                        kind: match kind {
                            TitleArg::Company => TitleKind::Company,
                            TitleArg::Personal => TitleKind::Personal,
                        },
                        title,
                        taxpayer_id,
                        address_phone,
                        bank_name,
                        bank_account,
                        is_default: default,
                    })
                    .await
                    .map_err(fail)?;
                println!("{}", p.id);
            }
            BillingCommand::DeleteProfile { profile_id } => {
                client
                    .delete_billing_profile(&profile_id)
                    .await
                    .map_err(fail)?;
            }
            BillingCommand::Payers => {
                for p in client.payer_accounts().await.map_err(fail)? {
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        p.id,
                        p.kind.as_str(),
                        p.holder_name,
                        p.account_no_masked,
                        p.bank_name
                    );
                }
            }
            BillingCommand::AddPayer {
                kind,
                holder_name,
                account_no,
                bank_name,
            } => {
                let p = client
                    .add_payer_account(&NewPayerAccount {
                        kind: match kind {
                            PayerArg::Public => PayerKind::Public,
                            PayerArg::Personal => PayerKind::Personal,
                        },
                        holder_name,
                        account_no,
                        bank_name,
                    })
                    .await
                    .map_err(fail)?;
                println!("{}", p.id);
            }
            BillingCommand::DeletePayer { payer_id } => {
                client.delete_payer_account(&payer_id).await.map_err(fail)?;
            }
        }
        Ok(())
    })
}
