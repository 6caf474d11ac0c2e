//! The billing tables — `products`, `orders`, `payments`, `entitlements` — and their only
//! owner: typed rows and state enums.

use mcert_core::clock::{from_unix_millis, rfc3339};

use mcert_core::wire::TransferInstructions;

use super::{Entitlement, Order, Product};

/// An order's state: `pending_review → awaiting_payment → completed`, or `rejected`,
/// `cancelled`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderStatus {
    PendingReview,
    AwaitingPayment,
    Completed,
    Rejected,
    Cancelled,
    /// Paid, then the money returned (no certificate of it was issued).
    Refunded,
}

impl OrderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::PendingReview => "pending_review",
            OrderStatus::AwaitingPayment => "awaiting_payment",
            OrderStatus::Completed => "completed",
            OrderStatus::Rejected => "rejected",
            OrderStatus::Cancelled => "cancelled",
            OrderStatus::Refunded => "refunded",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            OrderStatus::PendingReview,
            OrderStatus::AwaitingPayment,
            OrderStatus::Completed,
            OrderStatus::Rejected,
            OrderStatus::Cancelled,
            OrderStatus::Refunded,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }

    /// The Fluent message of its label (待审核, 待支付, 已完成, 未通过, 已取消).
    pub fn message_id(self) -> &'static str {
        match self {
            OrderStatus::PendingReview => "order-status-pending-review",
            OrderStatus::AwaitingPayment => "order-status-awaiting-payment",
            OrderStatus::Completed => "order-status-completed",
            OrderStatus::Rejected => "order-status-rejected",
            OrderStatus::Cancelled => "order-status-cancelled",
            OrderStatus::Refunded => "order-status-refunded",
        }
    }
}

/// Where an order's invoicing stands: 未开票, 开票中, 已开票, 已红冲.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvoiceStatus {
    None,
    Issuing,
    Issued,
    Reversed,
}

impl InvoiceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceStatus::None => "none",
            InvoiceStatus::Issuing => "issuing",
            InvoiceStatus::Issued => "issued",
            InvoiceStatus::Reversed => "reversed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            InvoiceStatus::None,
            InvoiceStatus::Issuing,
            InvoiceStatus::Issued,
            InvoiceStatus::Reversed,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }

    pub fn message_id(self) -> &'static str {
        match self {
            InvoiceStatus::None => "invoice-status-none",
            InvoiceStatus::Issuing => "invoice-status-issuing",
            InvoiceStatus::Issued => "invoice-status-issued",
            InvoiceStatus::Reversed => "invoice-status-reversed",
        }
    }
}

/// An entitlement's state: `unassigned → assigned (pending claim) → issued → expired |
/// revoked`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntitlementStatus {
    Unassigned,
    Assigned,
    Issued,
    Expired,
    Revoked,
    /// A package slot used to renew another slot of the organisation.
    Consumed,
}

impl EntitlementStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EntitlementStatus::Unassigned => "unassigned",
            EntitlementStatus::Assigned => "assigned",
            EntitlementStatus::Issued => "issued",
            EntitlementStatus::Expired => "expired",
            EntitlementStatus::Revoked => "revoked",
            EntitlementStatus::Consumed => "consumed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            EntitlementStatus::Unassigned,
            EntitlementStatus::Assigned,
            EntitlementStatus::Issued,
            EntitlementStatus::Expired,
            EntitlementStatus::Revoked,
            EntitlementStatus::Consumed,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

/// What a certificate slot is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntitlementKind {
    Personal,
    Organization,
}

impl EntitlementKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntitlementKind::Personal => "personal",
            EntitlementKind::Organization => "organization",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "personal" => Some(EntitlementKind::Personal),
            "organization" => Some(EntitlementKind::Organization),
            _ => None,
        }
    }
}

/// `SELECT <order columns> FROM orders <rest>` as a static string.
macro_rules! select_orders {
    ($rest:literal) => {
        concat!(
            "SELECT id, product_id, years, amount_fen, currency, status, reject_reason, created_at, org_id, materials,
                 (SELECT name FROM products p WHERE p.id = orders.product_id) AS product_name,
                 payment_method, invoice_status,
                 CAST((SELECT COALESCE(SUM(amount_fen), 0) FROM payments pm WHERE pm.order_id = orders.id) AS BIGINT) AS paid_fen,
                 (SELECT account_no FROM transfer_accounts ta WHERE ta.order_id = orders.id) AS transfer_account,
                 (SELECT deadline FROM transfer_accounts ta WHERE ta.order_id = orders.id) AS transfer_deadline,
                 (SELECT purpose FROM products p WHERE p.id = orders.product_id) AS product_purpose,
                 renews_entitlement_id,
                 (SELECT new_name FROM org_changes c WHERE c.order_id = orders.id) AS new_name
             FROM orders ",
            $rest
        )
    };
}
pub(crate) use select_orders;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrderRow {
    pub id: String,
    pub product_id: String,
    pub years: i64,
    pub amount_fen: i64,
    pub currency: String,
    pub status: String,
    pub reject_reason: Option<String>,
    pub created_at: i64,
    pub org_id: Option<String>,
    pub materials: String,
    pub product_name: Option<String>,
    pub payment_method: Option<String>,
    pub invoice_status: String,
    pub paid_fen: i64,
    pub transfer_account: Option<String>,
    pub transfer_deadline: Option<i64>,
    pub product_purpose: Option<String>,
    pub renews_entitlement_id: Option<String>,
    pub new_name: Option<String>,
}

/// The receiving bank's side of transfer instructions (from the operator's configuration).
#[derive(Debug, Clone, Default)]
pub struct CollectionBank {
    pub bank_name: String,
    pub account_name: String,
}

impl OrderRow {
    pub fn status(&self) -> Option<OrderStatus> {
        OrderStatus::parse(&self.status)
    }

    pub fn into_order(self, bank: &CollectionBank) -> Order {
        let label = match self.status() {
            Some(s) => super::status_label(s),
            None => self.status.clone(),
        };
        let payable = matches!(self.status(), Some(OrderStatus::AwaitingPayment));
        let transfer = match (&self.transfer_account, self.transfer_deadline) {
            (Some(account_no), Some(deadline)) if payable => Some(TransferInstructions {
                bank_name: bank.bank_name.clone(),
                account_name: bank.account_name.clone(),
                account_no: account_no.clone(),
                amount_due_fen: (self.amount_fen - self.paid_fen).max(0),
                currency: self.currency.clone(),
                deadline: rfc3339(from_unix_millis(deadline)),
            }),
            _ => None,
        };
        let invoice_label = InvoiceStatus::parse(&self.invoice_status)
            .map(|s| super::label(s.message_id()))
            .unwrap_or_else(|| self.invoice_status.clone());
        Order {
            product_name: self.product_name.unwrap_or_else(|| self.product_id.clone()),
            paid_fen: self.paid_fen,
            transfer,
            invoice_status: self.invoice_status,
            invoice_status_label: invoice_label,
            id: self.id,
            product_id: self.product_id,
            years: self.years,
            amount_fen: self.amount_fen,
            currency: self.currency,
            status: self.status,
            status_label: label,
            reject_reason: self.reject_reason,
            created_at: rfc3339(from_unix_millis(self.created_at)),
            org_id: self.org_id,
            materials: serde_json::from_str(&self.materials).unwrap_or_default(),
            purpose: self.product_purpose.unwrap_or_else(|| "new".into()),
            renews_entitlement_id: self.renews_entitlement_id,
            new_name: self.new_name,
        }
    }
}

/// An order as the payment path reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PayableRow {
    pub account_id: String,
    pub product_id: String,
    pub years: i64,
    pub amount_fen: i64,
    pub currency: String,
    pub status: String,
}

/// A product's price terms when ordering.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PriceRow {
    pub price_fen_per_year: i64,
    pub currency: String,
    pub needs_review: i64,
    pub organization_certs: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProductRow {
    pub id: String,
    pub name: String,
    pub personal_certs: i64,
    pub organization_certs: i64,
    pub price_fen_per_year: i64,
    pub currency: String,
    pub purpose: String,
}

impl From<ProductRow> for Product {
    fn from(r: ProductRow) -> Product {
        Product {
            id: r.id,
            name: r.name,
            personal_certs: r.personal_certs,
            organization_certs: r.organization_certs,
            price_fen_per_year: r.price_fen_per_year,
            currency: r.currency,
            purpose: r.purpose,
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EntitlementRow {
    pub id: String,
    pub order_id: String,
    pub kind: String,
    pub years: i64,
    pub status: String,
    pub certificate_serial: Option<String>,
    pub org_id: Option<String>,
    pub valid_until: Option<i64>,
    pub renewal_due: i64,
    pub change_due: i64,
}

impl From<EntitlementRow> for Entitlement {
    fn from(r: EntitlementRow) -> Entitlement {
        Entitlement {
            id: r.id,
            order_id: r.order_id,
            kind: r.kind,
            years: r.years,
            status: r.status,
            certificate_serial: r.certificate_serial,
            org_id: r.org_id,
            org_name: None,
            valid_until: r
                .valid_until
                .map(|ms| mcert_core::clock::rfc3339(mcert_core::clock::from_unix_millis(ms))),
            renewable: false,
            renewal_due: r.renewal_due == 1,
            change_due: r.change_due == 1,
        }
    }
}

/// What installing needs to know of a slot.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InstallableRow {
    pub kind: String,
    pub years: i64,
    pub status: String,
    pub owner_account_id: Option<String>,
    pub holder_account_id: Option<String>,
    pub org_id: Option<String>,
    pub holder_member_id: Option<String>,
    pub owner_name: Option<String>,
    pub owner_id_sealed: Option<Vec<u8>>,
    pub owner_id_lookup: Option<String>,
    pub valid_until: Option<i64>,
}

/// The entitlements an account holds (ids), for the domains that ask whose a certificate is:
/// its own, and the organisation slots whose holder is one of its member records.
pub async fn held_by(pool: &sqlx::AnyPool, account_id: &str) -> Result<Vec<String>, sqlx::Error> {
    let member_ids: Vec<String> = crate::orgs::repo::members_of_account(pool, account_id)
        .await?
        .into_iter()
        .map(|(_, member)| member)
        .collect();
    let mut ids: Vec<String> =
        sqlx::query_scalar("SELECT id FROM entitlements WHERE holder_account_id = $1")
            .bind(account_id)
            .fetch_all(pool)
            .await?;
    for member in &member_ids {
        let more: Vec<String> =
            sqlx::query_scalar("SELECT id FROM entitlements WHERE holder_member_id = $1")
                .bind(member)
                .fetch_all(pool)
                .await?;
        ids.extend(
            more.into_iter()
                .filter(|m| !ids.contains(m))
                .collect::<Vec<_>>(),
        );
    }
    Ok(ids)
}

/// How many of the organisation's live slots (not revoked or expired) a member holds; a member
/// holding any is not removed.
pub async fn slots_held_by_member(
    tx: &mut crate::store::Tx,
    org_id: &str,
    member_id: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM entitlements WHERE org_id = $1 AND holder_member_id = $2
             AND status IN ('unassigned', 'assigned', 'issued')",
    )
    .bind(org_id)
    .bind(member_id)
    .fetch_one(&mut **tx)
    .await
}

/// Locks an order's row for the rest of the unit of work (a no-op update: SQLite has one
/// writer; PostgreSQL holds the row lock until commit), so that money counted, a change, a
/// cancellation, a refund and an invoice for the order happen one after another.
pub async fn lock_order_in(tx: &mut crate::store::Tx, order_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE orders SET updated_at = updated_at WHERE id = $1")
        .bind(order_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// What has arrived for an order so far, in fen (read under [`lock_order_in`]).
pub async fn paid_in(tx: &mut crate::store::Tx, order_id: &str) -> Result<i64, sqlx::Error> {
    let (paid,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM payments WHERE order_id = $1",
    )
    .bind(order_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(paid)
}

/// An organisation's certificate slot as other domains see it: (kind, status, certificate
/// serial), when `entitlement_id` is one of `org_id`'s.
pub async fn org_slot(
    pool: &sqlx::AnyPool,
    org_id: &str,
    entitlement_id: &str,
) -> Result<Option<(String, String, Option<String>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT kind, status, certificate_serial FROM entitlements WHERE id = $1 AND org_id = $2",
    )
    .bind(entitlement_id)
    .bind(org_id)
    .fetch_optional(pool)
    .await
}
