//! Issuing an invoice asked for (the outbox's `invoice` job): the development provider renders
//! the 数电票 PDF itself, marked as a sample; the production provider is asked by a signed
//! webhook with the invoice id as its idempotency key. Issuing one already issued changes
//! nothing; a provider answering a second number for it is on record.

use std::sync::Arc;
use std::time::SystemTime;

use mcert_core::clock::{rfc3339, unix_millis};
use serde_json::json;

use super::invoices::{InvoiceProvider, InvoiceRow, select_invoices};
use super::repo::InvoiceStatus;
use super::{OrderError, Orders};
use crate::audit;
use crate::outbox::{DeliveryError, JobHandler};

impl Orders {
    /// Issues an invoice asked for (the outbox's job): the provider makes it; issuing one
    /// already issued changes nothing.
    pub async fn issue_invoice(&self, invoice_id: &str) -> Result<(), OrderError> {
        let row: InvoiceRow = sqlx::query_as(select_invoices!("WHERE id = $1"))
            .bind(invoice_id)
            .fetch_optional(self.store.pool())
            .await?
            .ok_or(OrderError::UnknownInvoice)?;
        if row.status == "issued" {
            return Ok(());
        }
        let reversed_number = match &row.reverses {
            Some(blue) => {
                let n: Option<(Option<String>,)> =
                    sqlx::query_as("SELECT number FROM invoices WHERE id = $1")
                        .bind(blue)
                        .fetch_optional(self.store.pool())
                        .await?;
                n.and_then(|(n,)| n)
            }
            None => None,
        };
        let now_t = self.clock.now();
        let (number, pdf) = match &self.invoicing.provider {
            InvoiceProvider::Dev => {
                let number = dev_invoice_number(now_t)?;
                let pdf = self.render(&row, &number, reversed_number, now_t)?;
                (number, pdf)
            }
            InvoiceProvider::Webhook(hook) => {
                // The provider issues once per `invoice_id` (its idempotency key): a retried
                // request answers the number already issued.
                let answer = hook
                    .post(&json!({
                        "invoice_id": row.id, "idempotency_key": row.id, "kind": row.kind, "reverses": reversed_number,
                        "buyer": {"kind": row.title_kind, "title": row.title, "taxpayer_id": row.taxpayer_id,
                                  "address_phone": row.address_phone, "bank_name": row.bank_name,
                                  "bank_account": row.bank_account},
                        "item": row.item, "amount_fen": row.amount_fen, "tax_fen": row.tax_fen,
                        "total_fen": row.total_fen, "currency": row.currency,
                        "tax_rate_permille": row.tax_rate_permille,
                    }))
                    .await
                    .map_err(OrderError::Gateway)?;
                let number = answer["number"]
                    .as_str()
                    .filter(|n| !n.is_empty() && n.len() <= 32)
                    .ok_or_else(|| OrderError::Gateway("no invoice number".into()))?
                    .to_string();
                let pdf = answer["pdf"]
                    .as_str()
                    .and_then(|b| {
                        use base64ct::Encoding;
                        base64ct::Base64::decode_vec(b).ok()
                    })
                    .filter(|p| p.starts_with(b"%PDF-"))
                    .ok_or_else(|| OrderError::Gateway("no invoice PDF".into()))?;
                (number, pdf)
            }
        };
        let now = unix_millis(now_t);
        let mut tx = self.store.begin().await?;
        let changed = sqlx::query(
            "UPDATE invoices SET status = 'issued', number = $1, pdf = $2, issued_at = $3
             WHERE id = $4 AND status = 'issuing'",
        )
        .bind(&number)
        .bind(&pdf)
        .bind(now)
        .bind(invoice_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed != 1 {
            // Issued by another delivery meanwhile; a provider answering a different number
            // for the same invoice is on record for the operator.
            let kept: Option<(Option<String>,)> =
                sqlx::query_as("SELECT number FROM invoices WHERE id = $1")
                    .bind(invoice_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if kept.and_then(|(n,)| n).as_deref() != Some(number.as_str()) {
                audit::append(
                    &mut tx,
                    self.store.engine(),
                    now,
                    "system",
                    "invoice.number_mismatch",
                    invoice_id,
                    &json!({"answered": number}),
                )
                .await?;
                tx.commit().await?;
            }
            return Ok(());
        }
        let order_status = if row.kind == "red" {
            InvoiceStatus::Reversed
        } else {
            InvoiceStatus::Issued
        };
        sqlx::query("UPDATE orders SET invoice_status = $1 WHERE id = $2")
            .bind(order_status.as_str())
            .bind(&row.order_id)
            .execute(&mut *tx)
            .await?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            "system",
            "invoice.issued",
            invoice_id,
            &json!({"number": number, "kind": row.kind}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    fn render(
        &self,
        row: &InvoiceRow,
        number: &str,
        reversed_number: Option<String>,
        now_t: SystemTime,
    ) -> Result<Vec<u8>, OrderError> {
        let font = crate::documents::cjk_font().map_err(OrderError::Internal)?;
        let terms = &self.invoicing.terms;
        let bank_account = match (&row.bank_name, &row.bank_account) {
            (Some(b), Some(a)) => Some(format!("{b} {a}")),
            (None, Some(a)) => Some(a.clone()),
            _ => None,
        };
        let doc = mcert_pdf::InvoiceDoc {
            number: number.to_string(),
            issued_on: crate::documents::beijing_date(unix_millis(now_t)),
            buyer: mcert_pdf::InvoiceParty {
                name: row.title.clone(),
                taxpayer_id: row.taxpayer_id.clone(),
                address_phone: row.address_phone.clone(),
                bank_account,
            },
            seller: terms.seller.clone(),
            lines: vec![mcert_pdf::InvoiceLine {
                item: row.item.clone(),
                spec: None,
                unit: Some("套".into()),
                quantity: if row.kind == "red" { -1 } else { 1 },
                amount_fen: row.amount_fen,
                tax_rate_permille: row.tax_rate_permille,
                tax_fen: row.tax_fen,
            }],
            total_fen: row.total_fen,
            reverses: reversed_number,
            remarks: Some(format!("订单号：{}", row.order_id)),
            issuer: terms.issuer.clone(),
            sample: true,
        };
        mcert_pdf::invoice(&font, &doc).map_err(|e| OrderError::Internal(e.to_string()))
    }
}

/// A development invoice number: 20 digits, the year's two digits first.
fn dev_invoice_number(now_t: SystemTime) -> Result<String, OrderError> {
    let year = &rfc3339(now_t)[2..4];
    let mut raw = [0u8; 18];
    getrandom::fill(&mut raw).map_err(|_| OrderError::Internal("rng".into()))?;
    Ok(format!(
        "{year}{}",
        raw.iter()
            .map(|b| char::from(b'0' + b % 10))
            .collect::<String>()
    ))
}

/// Delivers invoice jobs.
#[derive(Debug)]
pub struct InvoiceJobs(pub Arc<Orders>);

#[async_trait::async_trait]
impl JobHandler for InvoiceJobs {
    async fn deliver(&self, payload: &serde_json::Value) -> Result<(), DeliveryError> {
        let id = payload["invoice_id"]
            .as_str()
            .ok_or_else(|| DeliveryError::Permanent("no invoice id".into()))?;
        match self.0.issue_invoice(id).await {
            Ok(()) => Ok(()),
            Err(OrderError::UnknownInvoice) => {
                Err(DeliveryError::Permanent("no such invoice".into()))
            }
            Err(e) => Err(DeliveryError::Retry(e.to_string())),
        }
    }
}
