//! The demo's commerce steps: the organisation keeps its billing information (开票信息), pays
//! its approved application by bank transfer to the order's own receiving account (the
//! development bank reports a short payment, the rest, then the same transfer again), and
//! downloads the invoice issued after payment.

use std::time::Duration;

use mcert_core::device::flows::Device;
use mcert_core::wire::{NewBillingProfile, Order, TitleKind};

use mcert_core::wire::yuan;

use crate::CliError;
use crate::scan_demo::Steps;

fn err(e: impl std::fmt::Display) -> CliError {
    CliError::new(e.to_string())
}

/// Pays `order` by transfer in two parts and fetches its invoice.
pub async fn pay_by_transfer(
    admin: &Device,
    order: &Order,
    (org_name, credit_code): (&str, &str),
    steps: &mut Steps,
) -> Result<Order, CliError> {
    let client = admin.client();
    client
        .add_billing_profile(&NewBillingProfile {
            kind: TitleKind::Company,
            title: org_name.into(),
            taxpayer_id: Some(credit_code.into()),
            address_phone: Some("西宁市城西区五四西路 0971-1234567".into()),
            bank_name: None,
            bank_account: None,
            is_default: true,
        })
        .await
        .map_err(err)?;
    let order = client.pay_by_transfer(&order.id).await.map_err(err)?;
    let transfer = order
        .transfer
        .clone()
        .ok_or_else(|| err("no transfer instructions"))?;
    steps.ok(
        "demo-transfer-instructions",
        &[
            ("bank", transfer.bank_name.clone().into()),
            ("account", transfer.account_no.clone().into()),
            ("amount", yuan(transfer.amount_due_fen).into()),
        ],
    );
    let first = transfer.amount_due_fen / 3;
    let outcome = client
        .dev_bank_transfer(&transfer.account_no, first, "DEMO-BANK-1", org_name)
        .await
        .map_err(err)?;
    if outcome != "partial" {
        return Err(err(format!("a short transfer was {outcome}, not partial")));
    }
    let now = client.order(&order.id).await.map_err(err)?;
    steps.ok(
        "demo-transfer-partial",
        &[
            ("paid", yuan(now.paid_fen).into()),
            ("status", now.status_label.clone().into()),
        ],
    );
    let rest = transfer.amount_due_fen - first;
    client
        .dev_bank_transfer(&transfer.account_no, rest, "DEMO-BANK-2", org_name)
        .await
        .map_err(err)?;
    let again = client
        .dev_bank_transfer(&transfer.account_no, rest, "DEMO-BANK-2", org_name)
        .await
        .map_err(err)?;
    let paid = client.order(&order.id).await.map_err(err)?;
    if paid.status != "completed" || paid.paid_fen != order.amount_fen || again != "duplicate" {
        return Err(err("the transfer did not complete the order exactly once"));
    }
    steps.ok(
        "demo-transfer-paid",
        &[("status", paid.status_label.clone().into())],
    );
    // The invoice follows payment (the development provider renders a sample).
    let mut invoice = None;
    for _ in 0..100 {
        let list = client.invoices().await.map_err(err)?;
        invoice = list
            .into_iter()
            .find(|i| i.order_id == order.id && i.status == "issued");
        if invoice.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let invoice = invoice.ok_or_else(|| err("the invoice was not issued"))?;
    let pdf = client.invoice_pdf(&invoice.id).await.map_err(err)?;
    steps.ok(
        "demo-invoice",
        &[
            ("number", invoice.number.clone().unwrap_or_default().into()),
            ("title", invoice.title.clone().into()),
            ("total", yuan(invoice.total_fen).into()),
            ("bytes", pdf.len().into()),
        ],
    );
    Ok(paid)
}
