//! The catalogue, orders and payment, entitlements (paid certificate slots) and installing a
//! certificate from a device CSR (seed 000 §2.1 D–F, seed 003 §4–7).
//!
//! Orders: `pending_review → awaiting_payment → completed`, or `rejected`, `cancelled`.
//! Personal certificates need no review once the buyer's real name is verified. Payment
//! notifications are verified, amount-checked and idempotent: a replayed or duplicated
//! notification changes nothing.

use std::sync::Arc;
use std::time::Duration;

use mcert_core::clock::{Clock, from_unix_millis, rfc3339, unix_millis};
use mcert_core::crypto::hash;
use mcert_core::crypto::name::SubjectName;
use mcert_core::crypto::revocation::RevocationReason;
use mcert_core::crypto::x509::{self, Profile};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use zeroize::Zeroizing;

pub use mcert_core::wire::{CertificateView, Entitlement, Installed, Order, Product};

use crate::audit;
use crate::authority::{Authority, AuthorityError, IssueRequest};
use crate::authz::OwnAccount;
use crate::identity::Identities;
use crate::store::{Store, StoreError};
use crate::webhook::SignedWebhook;

const YEAR: Duration = Duration::from_secs(365 * 86400);

/// `SELECT <order columns> FROM orders <rest>` as a static string.
macro_rules! select_orders {
    ($rest:literal) => {
        concat!(
            "SELECT id, product_id, years, amount_fen, currency, status, reject_reason, created_at FROM orders ",
            $rest
        )
    };
}

#[derive(Debug, thiserror::Error)]
pub enum OrderError {
    #[error("no such product")]
    UnknownProduct,
    #[error("the period must be 1, 2 or 3 years")]
    BadPeriod,
    #[error("this Idempotency-Key was used for a different request")]
    IdempotencyMismatch,
    #[error("real-name verification is needed first")]
    IdentityRequired,
    #[error("no such order")]
    UnknownOrder,
    #[error("the order is {0}, not awaiting payment")]
    NotPayable(String),
    #[error("payment notification signature does not verify")]
    BadSignature,
    #[error("malformed payment notification")]
    BadNotification,
    #[error("the paid amount {paid} does not match the order amount {due}")]
    AmountMismatch { paid: i64, due: i64 },
    #[error("the order was already paid by another transaction")]
    AlreadyPaid,
    #[error("no such entitlement")]
    UnknownEntitlement,
    #[error("no such certificate among yours")]
    UnknownCertificate,
    #[error("the certificate slot is {0}, not ready to install")]
    NotInstallable(String),
    #[error(transparent)]
    Authority(#[from] AuthorityError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("payment gateway failed: {0}")]
    Gateway(String),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<sqlx::Error> for OrderError {
    fn from(e: sqlx::Error) -> Self {
        OrderError::Store(StoreError::Database(e))
    }
}

fn status_label(status: &str) -> &'static str {
    match status {
        "pending_review" => "待审核",
        "awaiting_payment" => "待支付",
        "completed" => "已完成",
        "rejected" => "未通过",
        "cancelled" => "已取消",
        _ => "处理中",
    }
}

fn b64(bytes: &[u8]) -> String {
    use base64ct::Encoding;
    base64ct::Base64::encode_string(bytes)
}

/// A payment notification after its signature was checked.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize, Serialize)]
pub struct Notification {
    pub order_id: String,
    pub transaction_id: String,
    pub amount_fen: i64,
    pub currency: String,
}

/// The development payment gateway: "paying" posts a signed notification back to the service
/// shortly after, as a real gateway's asynchronous notification would arrive.
#[derive(Clone, Debug)]
pub struct DevGateway {
    /// The service's own notification endpoint, signed with a development key.
    notify: SignedWebhook,
}

impl DevGateway {
    pub fn new(key: Zeroizing<[u8; 32]>, base_url: &str) -> Result<Self, OrderError> {
        let url = format!("{}/v1/payments/notify/dev", base_url.trim_end_matches('/'));
        Ok(DevGateway {
            notify: SignedWebhook::new(&url, &key[..], Duration::from_secs(10))
                .map_err(OrderError::Internal)?,
        })
    }

    /// Starts paying `order`: the notification follows asynchronously.
    pub fn start(&self, order: &Order) -> Result<String, OrderError> {
        let mut txn = [0u8; 8];
        getrandom::fill(&mut txn).map_err(|_| OrderError::Internal("rng".into()))?;
        let note = Notification {
            order_id: order.id.clone(),
            transaction_id: format!("dev-{}", hex::encode(txn)),
            amount_fen: order.amount_fen,
            currency: order.currency.clone(),
        };
        let body = serde_json::to_value(&note).map_err(|e| OrderError::Internal(e.to_string()))?;
        let notify = self.notify.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            if let Err(e) = notify.post(&body).await {
                tracing::warn!(error = %e, "development payment notification failed");
            }
        });
        Ok(note.transaction_id)
    }
}

/// Production payment gateway: starting a payment posts the order, HMAC-signed, to the
/// operator's payment service (`{"order_id", "amount_fen", "currency", "notify_url"}`), which
/// answers `{"transaction_id", "pay_url"}`; its notifications arrive, signed the same way, at
/// `/v1/payments/notify/webhook`.
#[derive(Clone, Debug)]
pub struct WebhookGateway {
    endpoint: SignedWebhook,
    notify_url: String,
}

impl WebhookGateway {
    pub fn new(url: &str, secret: &[u8], base_url: &str) -> Result<Self, OrderError> {
        Ok(WebhookGateway {
            endpoint: SignedWebhook::new(url, secret, Duration::from_secs(15))
                .map_err(OrderError::Gateway)?,
            notify_url: format!(
                "{}/v1/payments/notify/webhook",
                base_url.trim_end_matches('/')
            ),
        })
    }
}

/// The payment gateway in use.
#[derive(Clone, Debug)]
pub enum Gateway {
    Dev(DevGateway),
    Webhook(WebhookGateway),
}

impl Gateway {
    /// The name used in notification URLs and payment records.
    pub fn name(&self) -> &'static str {
        match self {
            Gateway::Dev(_) => "dev",
            Gateway::Webhook(_) => "webhook",
        }
    }

    pub fn is_dev(&self) -> bool {
        matches!(self, Gateway::Dev(_))
    }

    /// The signature a notification from this gateway carries (hex HMAC-SHA256 of the body).
    pub fn sign(&self, body: &[u8]) -> String {
        match self {
            Gateway::Dev(g) => g.notify.sign(body),
            Gateway::Webhook(g) => g.endpoint.sign(body),
        }
    }

    /// Checks a notification's signature and reads it.
    pub fn verify(&self, body: &[u8], signature: &str) -> Result<Notification, OrderError> {
        if !hash::ct_eq(self.sign(body).as_bytes(), signature.trim().as_bytes()) {
            return Err(OrderError::BadSignature);
        }
        serde_json::from_slice(body).map_err(|_| OrderError::BadNotification)
    }

    /// Starts paying `order`; returns the gateway's transaction reference.
    pub async fn start(&self, order: &Order) -> Result<String, OrderError> {
        match self {
            Gateway::Dev(g) => g.start(order),
            Gateway::Webhook(g) => {
                let answer = g
                    .endpoint
                    .post(&json!({
                        "order_id": order.id, "amount_fen": order.amount_fen,
                        "currency": order.currency, "notify_url": g.notify_url,
                    }))
                    .await
                    .map_err(OrderError::Gateway)?;
                answer["transaction_id"]
                    .as_str()
                    .map(str::to_string)
                    .ok_or_else(|| OrderError::Gateway("no transaction id".into()))
            }
        }
    }
}

/// Orders, payments, entitlements and installation.
#[derive(Clone, Debug)]
pub struct Orders {
    store: Store,
    clock: Arc<dyn Clock>,
    authority: Authority,
    identities: Identities,
    gateway: Gateway,
}

impl Orders {
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        authority: Authority,
        identities: Identities,
        gateway: Gateway,
    ) -> Self {
        Orders {
            store,
            clock,
            authority,
            identities,
            gateway,
        }
    }

    pub fn gateway(&self) -> &Gateway {
        &self.gateway
    }

    /// Adds or updates a product (operator action).
    pub async fn put_product(&self, p: &Product, needs_review: bool) -> Result<(), OrderError> {
        let now = unix_millis(self.clock.now());
        // Orders keep their own amounts, so changing a price affects only new orders.
        sqlx::query(
            "INSERT INTO products (id, name, personal_certs, organization_certs, price_fen_per_year, currency, needs_review, active, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, personal_certs = excluded.personal_certs,
                 organization_certs = excluded.organization_certs, price_fen_per_year = excluded.price_fen_per_year,
                 currency = excluded.currency, needs_review = excluded.needs_review, active = 1",
        )
        .bind(&p.id)
        .bind(&p.name)
        .bind(p.personal_certs)
        .bind(p.organization_certs)
        .bind(p.price_fen_per_year)
        .bind(&p.currency)
        .bind(i64::from(needs_review))
        .bind(now)
        .execute(self.store.pool())
        .await?;
        Ok(())
    }

    /// Withdraws every product not in `keep` from sale (existing orders are unaffected).
    pub async fn retire_products_except(&self, keep: &[String]) -> Result<(), OrderError> {
        for product in self.catalogue().await? {
            if !keep.contains(&product.id) {
                sqlx::query("UPDATE products SET active = 0 WHERE id = $1")
                    .bind(&product.id)
                    .execute(self.store.pool())
                    .await?;
            }
        }
        Ok(())
    }

    pub async fn catalogue(&self) -> Result<Vec<Product>, OrderError> {
        let rows = sqlx::query(
            "SELECT id, name, personal_certs, organization_certs, price_fen_per_year, currency FROM products WHERE active = 1 ORDER BY id",
        )
        .fetch_all(self.store.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Product {
                    id: r.try_get(0)?,
                    name: r.try_get(1)?,
                    personal_certs: r.try_get(2)?,
                    organization_certs: r.try_get(3)?,
                    price_fen_per_year: r.try_get(4)?,
                    currency: r.try_get(5)?,
                })
            })
            .collect()
    }

    fn order_from_row(r: &sqlx::any::AnyRow) -> Result<Order, OrderError> {
        let status: String = r.try_get(5)?;
        Ok(Order {
            id: r.try_get(0)?,
            product_id: r.try_get(1)?,
            years: r.try_get(2)?,
            amount_fen: r.try_get(3)?,
            currency: r.try_get(4)?,
            status_label: status_label(&status).to_string(),
            status,
            reject_reason: r.try_get(6)?,
            created_at: rfc3339(from_unix_millis(r.try_get(7)?)),
        })
    }

    /// Places an order; the same idempotency key returns the same order.
    pub async fn create(
        &self,
        owner: &OwnAccount,
        product_id: &str,
        years: i64,
        idempotency_key: Option<&str>,
    ) -> Result<Order, OrderError> {
        let account_id = owner.account_id();
        if let Some(key) = idempotency_key
            && let Some(row) = sqlx::query(select_orders!(
                "WHERE account_id = $1 AND idempotency_key = $2"
            ))
            .bind(account_id)
            .bind(key)
            .fetch_optional(self.store.pool())
            .await?
        {
            let order = Self::order_from_row(&row)?;
            // The same key with another body is a client bug, not a retry.
            if order.product_id != product_id || order.years != years {
                return Err(OrderError::IdempotencyMismatch);
            }
            return Ok(order);
        }
        if !(1..=3).contains(&years) {
            return Err(OrderError::BadPeriod);
        }
        let product = sqlx::query("SELECT price_fen_per_year, currency, needs_review, organization_certs FROM products WHERE id = $1 AND active = 1")
            .bind(product_id)
            .fetch_optional(self.store.pool())
            .await?
            .ok_or(OrderError::UnknownProduct)?;
        let (price, currency, needs_review): (i64, String, i64) = (
            product.try_get(0)?,
            product.try_get(1)?,
            product.try_get(2)?,
        );
        if self
            .identities
            .get(owner)
            .await
            .map_err(|e| OrderError::Internal(e.to_string()))?
            .is_none()
        {
            return Err(OrderError::IdentityRequired);
        }
        let now_t = self.clock.now();
        let now = unix_millis(now_t);
        let id = mcert_core::id::ulid(now_t).map_err(|e| OrderError::Internal(e.to_string()))?;
        let status = if needs_review == 1 {
            "pending_review"
        } else {
            "awaiting_payment"
        };
        let amount = price.checked_mul(years).ok_or(OrderError::BadPeriod)?;
        let mut tx = self.store.pool().begin().await?;
        sqlx::query(
            "INSERT INTO orders (id, account_id, product_id, years, amount_fen, currency, status, idempotency_key, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
        )
        .bind(&id)
        .bind(account_id)
        .bind(product_id)
        .bind(years)
        .bind(amount)
        .bind(&currency)
        .bind(status)
        .bind(idempotency_key)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &format!("account:{account_id}"),
            "order.created",
            &id,
            &json!({"product": product_id, "years": years, "amount_fen": amount}),
        )
        .await?;
        tx.commit().await?;
        self.order(owner, &id).await
    }

    pub async fn order(&self, owner: &OwnAccount, order_id: &str) -> Result<Order, OrderError> {
        let account_id = owner.account_id();
        let row = sqlx::query(select_orders!("WHERE id = $1 AND account_id = $2"))
            .bind(order_id)
            .bind(account_id)
            .fetch_optional(self.store.pool())
            .await?
            .ok_or(OrderError::UnknownOrder)?;
        Self::order_from_row(&row)
    }

    pub async fn list(&self, owner: &OwnAccount) -> Result<Vec<Order>, OrderError> {
        let account_id = owner.account_id();
        let rows = sqlx::query(select_orders!(
            "WHERE account_id = $1 ORDER BY created_at DESC, id DESC"
        ))
        .bind(account_id)
        .fetch_all(self.store.pool())
        .await?;
        rows.iter().map(Self::order_from_row).collect()
    }

    /// Starts online payment of an order awaiting it.
    pub async fn pay(&self, owner: &OwnAccount, order_id: &str) -> Result<String, OrderError> {
        let order = self.order(owner, order_id).await?;
        if order.status != "awaiting_payment" {
            return Err(OrderError::NotPayable(order.status));
        }
        self.gateway.start(&order).await
    }

    pub async fn cancel(&self, owner: &OwnAccount, order_id: &str) -> Result<Order, OrderError> {
        let account_id = owner.account_id();
        let now = unix_millis(self.clock.now());
        let mut tx = self.store.pool().begin().await?;
        let changed = sqlx::query("UPDATE orders SET status = 'cancelled', updated_at = $1 WHERE id = $2 AND account_id = $3 AND status IN ('awaiting_payment', 'pending_review')")
            .bind(now)
            .bind(order_id)
            .bind(account_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if changed == 0 {
            drop(tx);
            let order = self.order(owner, order_id).await?;
            return Err(OrderError::NotPayable(order.status));
        }
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &format!("account:{account_id}"),
            "order.cancelled",
            order_id,
            &json!({}),
        )
        .await?;
        tx.commit().await?;
        self.order(owner, order_id).await
    }

    /// Applies a verified payment notification. Returns whether anything changed.
    pub async fn apply_payment(
        &self,
        gateway: &str,
        note: &Notification,
    ) -> Result<bool, OrderError> {
        let now_t = self.clock.now();
        let now = unix_millis(now_t);
        let mut tx = self.store.pool().begin().await?;
        let seen =
            sqlx::query("SELECT order_id FROM payments WHERE gateway = $1 AND gateway_txn = $2")
                .bind(gateway)
                .bind(&note.transaction_id)
                .fetch_optional(&mut *tx)
                .await?;
        if seen.is_some() {
            return Ok(false);
        }
        let row = sqlx::query("SELECT account_id, product_id, years, amount_fen, currency, status FROM orders WHERE id = $1")
            .bind(&note.order_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(OrderError::UnknownOrder)?;
        let (account_id, product_id, years, due, currency, status): (
            String,
            String,
            i64,
            i64,
            String,
            String,
        ) = (
            row.try_get(0)?,
            row.try_get(1)?,
            row.try_get(2)?,
            row.try_get(3)?,
            row.try_get(4)?,
            row.try_get(5)?,
        );
        if note.amount_fen != due || note.currency != currency {
            return Err(OrderError::AmountMismatch {
                paid: note.amount_fen,
                due,
            });
        }
        if status == "completed" {
            return Err(OrderError::AlreadyPaid);
        }
        if status != "awaiting_payment" {
            return Err(OrderError::NotPayable(status));
        }
        let payment_id =
            mcert_core::id::ulid(now_t).map_err(|e| OrderError::Internal(e.to_string()))?;
        sqlx::query("INSERT INTO payments (id, order_id, gateway, gateway_txn, amount_fen, received_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&payment_id)
            .bind(&note.order_id)
            .bind(gateway)
            .bind(&note.transaction_id)
            .bind(note.amount_fen)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let changed = sqlx::query("UPDATE orders SET status = 'completed', updated_at = $1 WHERE id = $2 AND status = 'awaiting_payment'")
            .bind(now)
            .bind(&note.order_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if changed != 1 {
            return Err(OrderError::AlreadyPaid);
        }
        let counts =
            sqlx::query("SELECT personal_certs, organization_certs FROM products WHERE id = $1")
                .bind(&product_id)
                .fetch_one(&mut *tx)
                .await?;
        let (personal, organization): (i64, i64) = (counts.try_get(0)?, counts.try_get(1)?);
        for (kind, n) in [("personal", personal), ("organization", organization)] {
            for i in 0..n {
                let id =
                    mcert_core::id::ulid(now_t).map_err(|e| OrderError::Internal(e.to_string()))?;
                // A personal certificate bought by a person is theirs; further slots wait for an
                // administrator to assign owner and holder.
                let mine = kind == "personal" && i == 0 && organization == 0;
                sqlx::query(
                    "INSERT INTO entitlements (id, order_id, kind, years, owner_account_id, holder_account_id, status, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $7)",
                )
                .bind(&id)
                .bind(&note.order_id)
                .bind(kind)
                .bind(years)
                .bind(if mine { Some(account_id.as_str()) } else { None })
                .bind(if mine { "assigned" } else { "unassigned" })
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
        }
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &format!("gateway:{gateway}"),
            "order.paid",
            &note.order_id,
            &json!({"transaction": note.transaction_id, "amount_fen": note.amount_fen}),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn entitlements(&self, owner: &OwnAccount) -> Result<Vec<Entitlement>, OrderError> {
        let account_id = owner.account_id();
        let rows = sqlx::query("SELECT id, order_id, kind, years, status, certificate_serial FROM entitlements WHERE holder_account_id = $1 ORDER BY created_at DESC, id DESC")
            .bind(account_id)
            .fetch_all(self.store.pool())
            .await?;
        rows.iter()
            .map(|r| {
                Ok(Entitlement {
                    id: r.try_get(0)?,
                    order_id: r.try_get(1)?,
                    kind: r.try_get(2)?,
                    years: r.try_get(3)?,
                    status: r.try_get(4)?,
                    certificate_serial: r.try_get(5)?,
                })
            })
            .collect()
    }

    /// Issues the certificate of an entitlement for the key in the device's CSR.
    pub async fn install(
        &self,
        owner: &OwnAccount,
        entitlement_id: &str,
        csr: &[u8],
    ) -> Result<Installed, OrderError> {
        let account_id = owner.account_id();
        let row = sqlx::query("SELECT kind, years, status, owner_account_id FROM entitlements WHERE id = $1 AND holder_account_id = $2")
            .bind(entitlement_id)
            .bind(account_id)
            .fetch_optional(self.store.pool())
            .await?
            .ok_or(OrderError::UnknownEntitlement)?;
        let (kind, years, status, owner): (String, i64, String, Option<String>) = (
            row.try_get(0)?,
            row.try_get(1)?,
            row.try_get(2)?,
            row.try_get(3)?,
        );
        if status != "assigned" || kind != "personal" {
            return Err(OrderError::NotInstallable(status));
        }
        let owner = owner.ok_or(OrderError::NotInstallable(status))?;
        let subject = self.owner_subject(&owner).await?;
        let years_u32 = u32::try_from(years).map_err(|_| OrderError::BadPeriod)?;
        let issued = self
            .authority
            .issue(IssueRequest {
                csr,
                subject,
                profile: Profile::PersonalLeaf,
                validity: YEAR * years_u32,
                entitlement_id: Some(entitlement_id),
                actor: &format!("account:{account_id}"),
            })
            .await?;
        let now = unix_millis(self.clock.now());
        let mut tx = self.store.pool().begin().await?;
        let changed = sqlx::query("UPDATE entitlements SET status = 'issued', certificate_serial = $1, updated_at = $2 WHERE id = $3 AND status = 'assigned'")
            .bind(&issued.serial)
            .bind(now)
            .bind(entitlement_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if changed != 1 {
            drop(tx);
            // Another install won the race: this certificate must not stay valid.
            self.authority
                .revoke(&issued.serial, RevocationReason::Superseded, "system")
                .await?;
            return Err(OrderError::NotInstallable("issued".into()));
        }
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &format!("account:{account_id}"),
            "entitlement.issued",
            entitlement_id,
            &json!({"serial": issued.serial}),
        )
        .await?;
        tx.commit().await?;
        Ok(Installed {
            serial: issued.serial,
            certificate: b64(&issued.certificate),
            chain: issued.chain.iter().map(|c| b64(c)).collect(),
            not_after: rfc3339(issued.not_after),
        })
    }

    async fn owner_subject(&self, owner_account_id: &str) -> Result<SubjectName, OrderError> {
        let row =
            sqlx::query("SELECT name, id_number_sealed FROM identities WHERE account_id = $1")
                .bind(owner_account_id)
                .fetch_optional(self.store.pool())
                .await?
                .ok_or(OrderError::IdentityRequired)?;
        let name: String = row.try_get(0)?;
        let sealed: Vec<u8> = row.try_get(1)?;
        let id_number = self
            .identities
            .open(owner_account_id, &sealed)
            .map_err(|e| OrderError::Internal(e.to_string()))?;
        Ok(SubjectName {
            country: Some("CN".into()),
            common_name: Some(name),
            serial_number: Some(id_number.to_string()),
            ..Default::default()
        })
    }

    /// The holder's own 挂失 (report lost): revokes a certificate the account holds, for
    /// keyCompromise (a lost phone carries the key), so that key is never certified again. The
    /// caller has re-authenticated the user by SMS.
    pub async fn report_lost(&self, owner: &OwnAccount, serial: &str) -> Result<(), OrderError> {
        self.ensure_holder(owner, serial).await?;
        self.authority
            .revoke(
                serial,
                mcert_core::crypto::revocation::RevocationReason::KeyCompromise,
                &owner.actor().audit_name(),
            )
            .await?;
        Ok(())
    }

    /// Refuses (as unknown) a certificate the account does not hold.
    pub async fn ensure_holder(&self, owner: &OwnAccount, serial: &str) -> Result<(), OrderError> {
        let held = sqlx::query(
            "SELECT 1 FROM entitlements e JOIN certificates c ON c.entitlement_id = e.id
             WHERE e.holder_account_id = $1 AND c.serial = $2",
        )
        .bind(owner.account_id())
        .bind(serial)
        .fetch_optional(self.store.pool())
        .await?
        .is_some();
        if !held {
            return Err(OrderError::UnknownCertificate);
        }
        Ok(())
    }

    /// The certificates the account holds.
    pub async fn certificates(
        &self,
        owner: &OwnAccount,
    ) -> Result<Vec<CertificateView>, OrderError> {
        let account_id = owner.account_id();
        let now = unix_millis(self.clock.now());
        let rows = sqlx::query(
            "SELECT c.serial, e.id, c.algorithm, c.der, c.not_after, c.status FROM entitlements e
             JOIN certificates c ON c.entitlement_id = e.id
             WHERE e.holder_account_id = $1 ORDER BY c.created_at DESC",
        )
        .bind(account_id)
        .fetch_all(self.store.pool())
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let der: Vec<u8> = r.try_get(3)?;
            let cert =
                x509::parse_certificate(&der).map_err(|e| OrderError::Internal(e.to_string()))?;
            let info = x509::info(&cert).map_err(|e| OrderError::Internal(e.to_string()))?;
            let not_after: i64 = r.try_get(4)?;
            let stored: String = r.try_get(5)?;
            let status = if stored == "good" && not_after < now {
                "expired".to_string()
            } else {
                stored
            };
            out.push(CertificateView {
                serial: r.try_get(0)?,
                entitlement_id: r.try_get(1)?,
                subject: info.subject_text,
                issuer: info.issuer_text,
                algorithm: r.try_get(2)?,
                not_before: rfc3339(info.not_before),
                not_after: rfc3339(info.not_after),
                status,
                certificate: b64(&der),
            });
        }
        Ok(out)
    }
}
