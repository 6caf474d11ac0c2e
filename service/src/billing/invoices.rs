//! Invoices (发票): asked for inside the unit of work that pays the order (automatic, seed 003)
//! or by the buyer from a completed order (申请开票, seed 000), then issued by the invoice
//! provider from the outbox (at least once; issuing an invoice already issued changes nothing).
//! A refund after invoicing issues a red-letter (红字) invoice reversing the blue one.
//! Download for the buyer; share links are unguessable, expire, and are stored as a hash.

use std::time::{Duration, SystemTime};

use mcert_core::clock::{from_unix_millis, rfc3339, unix_millis};
use mcert_core::crypto::hash;
use mcert_core::wire::{BillingProfile, Invoice, InvoiceShare, TitleKind};
use serde_json::json;

use super::repo::{self, InvoiceStatus};
use super::{OrderError, OrderStatus, Orders};
use crate::audit;
use crate::authz::OwnAccount;
use crate::outbox::JobKind;
use crate::providers::webhook::SignedWebhook;
use crate::store::Tx;

/// How long a share link opens.
const SHARE_TTL: Duration = Duration::from_secs(7 * 86_400);

/// When invoices are issued.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvoiceMode {
    /// After payment, without asking (seed 003).
    Auto,
    /// When the buyer asks from a completed order (seed 000).
    OnRequest,
}

/// The seller's side and the terms of every invoice.
#[derive(Clone, Debug)]
pub struct InvoiceTerms {
    pub mode: InvoiceMode,
    pub seller: mcert_pdf::InvoiceParty,
    pub item: String,
    pub tax_rate_permille: i64,
    pub issuer: String,
}

/// Who issues invoices: the development provider renders the PDF itself (marked as a sample);
/// the production one is the operator's invoice service, asked by a signed webhook
/// (`{"invoice_id", "kind", "reverses", buyer…, amounts…}` → `{"number", "pdf"}` base64).
#[derive(Clone, Debug)]
pub enum InvoiceProvider {
    Dev,
    Webhook(SignedWebhook),
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(super) struct InvoiceRow {
    pub(super) id: String,
    pub(super) order_id: String,
    pub(super) kind: String,
    pub(super) status: String,
    pub(super) number: Option<String>,
    pub(super) title_kind: String,
    pub(super) title: String,
    pub(super) taxpayer_id: Option<String>,
    pub(super) address_phone: Option<String>,
    pub(super) bank_name: Option<String>,
    pub(super) bank_account: Option<String>,
    pub(super) item: String,
    pub(super) amount_fen: i64,
    pub(super) tax_fen: i64,
    pub(super) total_fen: i64,
    pub(super) currency: String,
    pub(super) tax_rate_permille: i64,
    pub(super) reverses: Option<String>,
    pub(super) issued_at: Option<i64>,
}

/// `SELECT <invoice columns> FROM invoices <rest>` as a static string.
macro_rules! select_invoices {
    ($rest:literal) => {
        concat!(
            "SELECT id, order_id, kind, status, number, title_kind, title, taxpayer_id, address_phone,
     bank_name, bank_account, item, amount_fen, tax_fen, total_fen, currency, tax_rate_permille, reverses, issued_at
     FROM invoices ",
            $rest
        )
    };
}

pub(super) use select_invoices;

impl InvoiceRow {
    fn into_invoice(self) -> Invoice {
        let label_id = match (self.kind.as_str(), self.status.as_str()) {
            ("red", "issued") => "invoice-red-issued",
            (_, "issued") => "invoice-status-issued",
            (_, "failed") => "invoice-failed",
            _ => "invoice-status-issuing",
        };
        Invoice {
            id: self.id,
            order_id: self.order_id,
            kind: self.kind,
            status: self.status,
            status_label: super::label(label_id),
            number: self.number,
            title: self.title,
            taxpayer_id: self.taxpayer_id,
            amount_fen: self.amount_fen,
            tax_fen: self.tax_fen,
            total_fen: self.total_fen,
            currency: self.currency,
            issued_at: self.issued_at.map(|t| rfc3339(from_unix_millis(t))),
            reverses: self.reverses,
        }
    }
}

/// Splits a tax-inclusive total into amount and tax at `rate` ‰, rounding half up, in fen.
pub fn split_tax(total_fen: i64, rate_permille: i64) -> (i64, i64) {
    let denominator = 1000 + rate_permille.max(0);
    let scaled = i128::from(total_fen) * 1000;
    let d = i128::from(denominator);
    let amount = if scaled >= 0 {
        (scaled + d / 2) / d
    } else {
        (scaled - d / 2) / d
    };
    let amount = i64::try_from(amount).unwrap_or(0);
    (amount, total_fen - amount)
}

/// Who the invoice is made out to when the buyer keeps no billing profile: the organisation
/// (name and credit code) for its orders, else the person.
#[derive(Debug, Clone)]
pub(super) struct Buyer {
    pub kind: TitleKind,
    pub title: String,
    pub taxpayer_id: Option<String>,
    pub address_phone: Option<String>,
    pub bank_name: Option<String>,
    pub bank_account: Option<String>,
}

impl From<BillingProfile> for Buyer {
    fn from(p: BillingProfile) -> Buyer {
        Buyer {
            kind: p.kind,
            title: p.title,
            taxpayer_id: p.taxpayer_id,
            address_phone: p.address_phone,
            bank_name: p.bank_name,
            bank_account: p.bank_account,
        }
    }
}

impl Orders {
    /// The buyer of `order_id` for its invoice, read before a unit of work.
    pub(super) async fn buyer_of(
        &self,
        order_id: &str,
        profile_id: Option<&str>,
    ) -> Result<Buyer, OrderError> {
        let (account_id, org_id): (String, Option<String>) =
            sqlx::query_as("SELECT account_id, org_id FROM orders WHERE id = $1")
                .bind(order_id)
                .fetch_optional(self.store.pool())
                .await?
                .ok_or(OrderError::UnknownOrder)?;
        if let Some(profile) = self.profile_for(&account_id, profile_id).await? {
            return Ok(profile.into());
        }
        if let Some(org) = org_id {
            let (name, code) = self
                .orgs
                .name_and_code(&org)
                .await
                .map_err(|e| OrderError::Internal(e.to_string()))?;
            return Ok(Buyer {
                kind: TitleKind::Company,
                title: name,
                taxpayer_id: Some(code),
                address_phone: None,
                bank_name: None,
                bank_account: None,
            });
        }
        let name = self
            .identities
            .lookup_of(&account_id)
            .await
            .map_err(|e| OrderError::Internal(e.to_string()))?
            .map(|(name, _)| name)
            .unwrap_or_else(|| "个人".to_string());
        Ok(Buyer {
            kind: TitleKind::Personal,
            title: name,
            taxpayer_id: None,
            address_phone: None,
            bank_name: None,
            bank_account: None,
        })
    }

    /// Inside the unit of work that completed the order: asks for its invoice when the
    /// operator invoices automatically.
    pub(super) async fn invoice_after_payment_in(
        &self,
        tx: &mut Tx,
        order_id: &str,
        buyer: Option<&Buyer>,
        now_t: SystemTime,
    ) -> Result<(), OrderError> {
        if self.invoicing.terms.mode != InvoiceMode::Auto {
            return Ok(());
        }
        let Some(buyer) = buyer else {
            return Ok(());
        };
        self.ask_invoice_in(tx, order_id, buyer, None, now_t)
            .await
            .map(|_| ())
    }

    /// Adds an invoice row (`issuing`) and the job that issues it.
    async fn ask_invoice_in(
        &self,
        tx: &mut Tx,
        order_id: &str,
        buyer: &Buyer,
        reverses: Option<&InvoiceRow>,
        now_t: SystemTime,
    ) -> Result<String, OrderError> {
        let now = unix_millis(now_t);
        // Lock the order and look again under the lock: a refund may have come first.
        repo::lock_order_in(tx, order_id).await?;
        let (account_id, total, currency, status): (String, i64, String, String) = sqlx::query_as(
            "SELECT account_id, amount_fen, currency, status FROM orders WHERE id = $1",
        )
        .bind(order_id)
        .fetch_one(&mut **tx)
        .await?;
        let wanted = if reverses.is_some() {
            OrderStatus::Refunded
        } else {
            OrderStatus::Completed
        };
        if OrderStatus::parse(&status) != Some(wanted) {
            return Err(OrderError::NotInvoiceable(status));
        }
        let terms = &self.invoicing.terms;
        let (kind, amount, tax, total, rate, item) = match reverses {
            Some(blue) => (
                "red",
                -blue.amount_fen,
                -blue.tax_fen,
                -blue.total_fen,
                blue.tax_rate_permille,
                blue.item.clone(),
            ),
            None => {
                let (amount, tax) = split_tax(total, terms.tax_rate_permille);
                (
                    "blue",
                    amount,
                    tax,
                    total,
                    terms.tax_rate_permille,
                    terms.item.clone(),
                )
            }
        };
        let id = mcert_core::id::ulid(now_t).map_err(|e| OrderError::Internal(e.to_string()))?;
        let added = sqlx::query(
            "INSERT INTO invoices (id, order_id, account_id, kind, status, title_kind, title, taxpayer_id, address_phone,
                 bank_name, bank_account, item, amount_fen, tax_fen, total_fen, currency, tax_rate_permille, reverses, created_at)
             VALUES ($1, $2, $3, $4, 'issuing', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
             ON CONFLICT DO NOTHING",
        )
        .bind(&id)
        .bind(order_id)
        .bind(&account_id)
        .bind(kind)
        .bind(buyer.kind.as_str())
        .bind(&buyer.title)
        .bind(buyer.taxpayer_id.as_deref())
        .bind(buyer.address_phone.as_deref())
        .bind(buyer.bank_name.as_deref())
        .bind(buyer.bank_account.as_deref())
        .bind(&item)
        .bind(amount)
        .bind(tax)
        .bind(total)
        .bind(&currency)
        .bind(rate)
        .bind(reverses.map(|b| b.id.clone()))
        .bind(now)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if added != 1 {
            return Err(OrderError::InvoiceExists);
        }
        if reverses.is_none() {
            sqlx::query("UPDATE orders SET invoice_status = $1 WHERE id = $2")
                .bind(InvoiceStatus::Issuing.as_str())
                .bind(order_id)
                .execute(&mut **tx)
                .await?;
        }
        self.outbox
            .enqueue(tx, JobKind::Invoice, &json!({"invoice_id": id}), None)
            .await
            .map_err(|e| OrderError::Internal(e.to_string()))?;
        audit::append(
            tx,
            self.store.engine(),
            now,
            "system",
            "invoice.requested",
            &id,
            &json!({"order": order_id, "kind": kind, "total_fen": total}),
        )
        .await?;
        Ok(id)
    }

    /// 申请开票: the buyer asks for the invoice of a completed order.
    pub async fn request_invoice(
        &self,
        owner: &OwnAccount,
        order_id: &str,
        profile_id: Option<&str>,
    ) -> Result<Invoice, OrderError> {
        let order = self.order(owner, order_id).await?;
        if OrderStatus::parse(&order.status) != Some(OrderStatus::Completed) {
            return Err(OrderError::NotInvoiceable(order.status));
        }
        let buyer = self.buyer_of(order_id, profile_id).await?;
        let now_t = self.clock.now();
        let mut tx = self.store.begin().await?;
        let id = self
            .ask_invoice_in(&mut tx, order_id, &buyer, None, now_t)
            .await?;
        tx.commit().await?;
        self.outbox.wake();
        self.invoice(owner, &id).await
    }

    pub async fn invoices(&self, owner: &OwnAccount) -> Result<Vec<Invoice>, OrderError> {
        let rows: Vec<InvoiceRow> = sqlx::query_as(select_invoices!(
            "WHERE account_id = $1 ORDER BY created_at DESC, id DESC"
        ))
        .bind(owner.account_id())
        .fetch_all(self.store.pool())
        .await?;
        Ok(rows.into_iter().map(InvoiceRow::into_invoice).collect())
    }

    pub async fn invoice(&self, owner: &OwnAccount, id: &str) -> Result<Invoice, OrderError> {
        let row: InvoiceRow = sqlx::query_as(select_invoices!("WHERE id = $1 AND account_id = $2"))
            .bind(id)
            .bind(owner.account_id())
            .fetch_optional(self.store.pool())
            .await?
            .ok_or(OrderError::UnknownInvoice)?;
        Ok(row.into_invoice())
    }

    /// The issued invoice's PDF, for its buyer.
    pub async fn invoice_pdf(&self, owner: &OwnAccount, id: &str) -> Result<Vec<u8>, OrderError> {
        let pdf: Option<(Option<Vec<u8>>,)> =
            sqlx::query_as("SELECT pdf FROM invoices WHERE id = $1 AND account_id = $2")
                .bind(id)
                .bind(owner.account_id())
                .fetch_optional(self.store.pool())
                .await?;
        pdf.ok_or(OrderError::UnknownInvoice)?
            .0
            .ok_or(OrderError::InvoiceNotReady)
    }

    /// A link to an issued invoice that anyone can open for a week.
    pub async fn share_invoice(
        &self,
        owner: &OwnAccount,
        id: &str,
    ) -> Result<InvoiceShare, OrderError> {
        let invoice = self.invoice(owner, id).await?;
        if invoice.status != "issued" {
            return Err(OrderError::InvoiceNotReady);
        }
        let mut raw = [0u8; 32];
        getrandom::fill(&mut raw).map_err(|_| OrderError::Internal("rng".into()))?;
        let token = {
            use base64ct::Encoding;
            base64ct::Base64UrlUnpadded::encode_string(&raw)
        };
        let now_t = self.clock.now();
        let expires = now_t + SHARE_TTL;
        sqlx::query(
            "INSERT INTO invoice_shares (token_hash, invoice_id, expires_at, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(hex::encode(hash::sha256(token.as_bytes())))
        .bind(id)
        .bind(unix_millis(expires))
        .bind(unix_millis(now_t))
        .execute(self.store.pool())
        .await?;
        Ok(InvoiceShare {
            url: format!(
                "{}{}",
                self.invoicing.base_url,
                mcert_core::wire::routes::fill(mcert_core::wire::routes::SHARED_INVOICE, &token)
            ),
            expires_at: rfc3339(expires),
        })
    }

    /// The PDF behind a share link that has not expired.
    pub async fn shared_invoice(&self, token: &str) -> Result<Vec<u8>, OrderError> {
        if token.len() > 64 {
            return Err(OrderError::UnknownInvoice);
        }
        let now = unix_millis(self.clock.now());
        let pdf: Option<(Option<Vec<u8>>,)> = sqlx::query_as(
            "SELECT i.pdf FROM invoice_shares s JOIN invoices i ON i.id = s.invoice_id
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(hex::encode(hash::sha256(token.as_bytes())))
        .bind(now)
        .fetch_optional(self.store.pool())
        .await?;
        pdf.and_then(|(p,)| p).ok_or(OrderError::UnknownInvoice)
    }

    /// Inside a refund's unit of work: a red-letter invoice for the order's issued blue one.
    pub(super) async fn reverse_invoice_in(
        &self,
        tx: &mut Tx,
        order_id: &str,
        now_t: SystemTime,
    ) -> Result<bool, OrderError> {
        let blue: Option<InvoiceRow> =
            sqlx::query_as(select_invoices!("WHERE order_id = $1 AND kind = 'blue'"))
                .bind(order_id)
                .fetch_optional(&mut **tx)
                .await?;
        let Some(blue) = blue else {
            return Ok(false);
        };
        if blue.status != "issued" {
            return Err(OrderError::InvoiceNotReady);
        }
        let buyer = Buyer {
            kind: TitleKind::parse(&blue.title_kind).unwrap_or(TitleKind::Personal),
            title: blue.title.clone(),
            taxpayer_id: blue.taxpayer_id.clone(),
            address_phone: blue.address_phone.clone(),
            bank_name: blue.bank_name.clone(),
            bank_account: blue.bank_account.clone(),
        };
        self.ask_invoice_in(tx, order_id, &buyer, Some(&blue), now_t)
            .await?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::split_tax;

    #[test]
    fn tax_is_split_from_the_total_in_fen() {
        assert_eq!(split_tax(30_000, 60), (28_302, 1_698));
        assert_eq!(split_tax(10_000, 60), (9_434, 566));
        assert_eq!(split_tax(-30_000, 60), (-28_302, -1_698));
        assert_eq!(split_tax(11_300, 130), (10_000, 1_300));
        assert_eq!(split_tax(500, 0), (500, 0));
    }
}
