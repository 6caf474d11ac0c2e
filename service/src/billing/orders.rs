//! Placing, reading, paying and cancelling orders.

use mcert_core::clock::unix_millis;
use serde_json::json;

use super::{Order, OrderError, OrderStatus, Orders, repo};
use crate::audit;
use crate::authz::OwnAccount;

impl Orders {
    /// Places an order; the same idempotency key returns the same order.
    pub async fn create(
        &self,
        owner: &OwnAccount,
        product_id: &str,
        years: i64,
        idempotency_key: Option<&str>,
    ) -> Result<Order, OrderError> {
        let account_id = owner.account_id();
        if let Some(order) = self
            .retried(account_id, idempotency_key, product_id, years, None)
            .await?
        {
            return Ok(order);
        }
        if !(1..=3).contains(&years) {
            return Err(OrderError::BadPeriod);
        }
        let repo::PriceRow {
            price_fen_per_year: price,
            currency,
            needs_review,
            organization_certs,
        } = sqlx::query_as(
            "SELECT price_fen_per_year, currency, needs_review, organization_certs FROM products WHERE id = $1 AND active = 1 AND purpose = 'new'",
        )
        .bind(product_id)
        .fetch_optional(self.store.pool())
        .await?
        .ok_or(OrderError::UnknownProduct)?;
        if organization_certs > 0 {
            return Err(OrderError::ForOrganisationsOnly);
        }
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
            OrderStatus::PendingReview
        } else {
            OrderStatus::AwaitingPayment
        };
        let amount = price.checked_mul(years).ok_or(OrderError::BadPeriod)?;
        let mut tx = self.store.begin().await?;
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
        .bind(status.as_str())
        .bind(idempotency_key)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &owner.actor().audit_name(),
            "order.created",
            &id,
            &json!({"product": product_id, "years": years, "amount_fen": amount}),
        )
        .await?;
        tx.commit().await?;
        self.order(owner, &id).await
    }

    /// The order an earlier request with the same idempotency key placed, if any; the same key
    /// with another body (product, period, organisation) is a client bug, not a retry.
    pub(super) async fn retried(
        &self,
        account_id: &str,
        idempotency_key: Option<&str>,
        product_id: &str,
        years: i64,
        org_id: Option<&str>,
    ) -> Result<Option<Order>, OrderError> {
        let Some(key) = idempotency_key else {
            return Ok(None);
        };
        let row: Option<repo::OrderRow> = sqlx::query_as(repo::select_orders!(
            "WHERE account_id = $1 AND idempotency_key = $2"
        ))
        .bind(account_id)
        .bind(key)
        .fetch_optional(self.store.pool())
        .await?;
        let Some(order) = row.map(|r| r.into_order(&self.collection)) else {
            return Ok(None);
        };
        if order.product_id != product_id
            || order.years != years
            || order.org_id.as_deref() != org_id
        {
            return Err(OrderError::IdempotencyMismatch);
        }
        Ok(Some(order))
    }

    pub async fn order(&self, owner: &OwnAccount, order_id: &str) -> Result<Order, OrderError> {
        let account_id = owner.account_id();
        let row: repo::OrderRow =
            sqlx::query_as(repo::select_orders!("WHERE id = $1 AND account_id = $2"))
                .bind(order_id)
                .bind(account_id)
                .fetch_optional(self.store.pool())
                .await?
                .ok_or(OrderError::UnknownOrder)?;
        Ok(row.into_order(&self.collection))
    }

    pub async fn list(&self, owner: &OwnAccount) -> Result<Vec<Order>, OrderError> {
        let account_id = owner.account_id();
        let rows: Vec<repo::OrderRow> = sqlx::query_as(repo::select_orders!(
            "WHERE account_id = $1 ORDER BY created_at DESC, id DESC"
        ))
        .bind(account_id)
        .fetch_all(self.store.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| r.into_order(&self.collection))
            .collect())
    }

    /// Starts online payment of an order awaiting it.
    pub async fn pay(&self, owner: &OwnAccount, order_id: &str) -> Result<String, OrderError> {
        let order = self.order(owner, order_id).await?;
        self.ensure_still_admin(owner, &order).await?;
        if OrderStatus::parse(&order.status) != Some(OrderStatus::AwaitingPayment) {
            return Err(OrderError::NotPayable(order.status));
        }
        if order.paid_fen > 0 {
            // Part of it came by transfer: the rest goes the same way.
            return Err(OrderError::AlreadyPartlyPaid);
        }
        self.gateway.start(&order).await
    }

    /// An organisation's application is the applicant's to pay or cancel only while they are
    /// still a certificate administrator of the organisation.
    pub(super) async fn ensure_still_admin(
        &self,
        owner: &OwnAccount,
        order: &Order,
    ) -> Result<(), OrderError> {
        let Some(org_id) = &order.org_id else {
            return Ok(());
        };
        match self
            .orgs
            .membership(owner.account_id(), org_id)
            .await
            .map_err(|e| OrderError::Internal(e.to_string()))?
        {
            Some((_, crate::authz::Role::Admin)) => Ok(()),
            _ => Err(OrderError::NoLongerAdmin),
        }
    }

    /// 购买信息修改: a new period before anything was paid; the amount follows the price.
    pub async fn change_order(
        &self,
        owner: &OwnAccount,
        order_id: &str,
        years: i64,
    ) -> Result<Order, OrderError> {
        if !(1..=3).contains(&years) {
            return Err(OrderError::BadPeriod);
        }
        let order = self.order(owner, order_id).await?;
        self.ensure_still_admin(owner, &order).await?;
        // A change (变更) is bought once, not per year.
        if order.purpose == "change" {
            return Err(OrderError::FixedPeriod);
        }
        let now = unix_millis(self.clock.now());
        let mut tx = self.store.begin().await?;
        repo::lock_order_in(&mut tx, order_id).await?;
        let (status, paid, price): (String, i64, i64) = sqlx::query_as(
            "SELECT o.status,
                 CAST((SELECT COALESCE(SUM(amount_fen), 0) FROM payments p WHERE p.order_id = o.id) AS BIGINT),
                 pr.price_fen_per_year
             FROM orders o JOIN products pr ON pr.id = o.product_id WHERE o.id = $1",
        )
        .bind(order_id)
        .fetch_one(&mut *tx)
        .await?;
        if !matches!(
            OrderStatus::parse(&status),
            Some(OrderStatus::PendingReview | OrderStatus::AwaitingPayment)
        ) {
            return Err(OrderError::NotPayable(status));
        }
        if paid > 0 {
            return Err(OrderError::AlreadyPartlyPaid);
        }
        let amount = price.checked_mul(years).ok_or(OrderError::BadPeriod)?;
        sqlx::query("UPDATE orders SET years = $1, amount_fen = $2, updated_at = $3 WHERE id = $4")
            .bind(years)
            .bind(amount)
            .bind(now)
            .bind(order_id)
            .execute(&mut *tx)
            .await?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &owner.actor().audit_name(),
            "order.changed",
            order_id,
            &json!({"years": years, "amount_fen": amount}),
        )
        .await?;
        tx.commit().await?;
        self.order(owner, order_id).await
    }

    pub async fn cancel(&self, owner: &OwnAccount, order_id: &str) -> Result<Order, OrderError> {
        let order = self.order(owner, order_id).await?;
        self.ensure_still_admin(owner, &order).await?;
        let account_id = owner.account_id();
        let now = unix_millis(self.clock.now());
        let mut tx = self.store.begin().await?;
        // Lock the order, then look at the money under the lock (a transfer may be arriving).
        repo::lock_order_in(&mut tx, order_id).await?;
        let (status, paid): (String, i64) = sqlx::query_as(
            "SELECT status, CAST((SELECT COALESCE(SUM(amount_fen), 0) FROM payments p WHERE p.order_id = orders.id) AS BIGINT)
             FROM orders WHERE id = $1",
        )
        .bind(order_id)
        .fetch_one(&mut *tx)
        .await?;
        if OrderStatus::parse(&status) == Some(OrderStatus::AwaitingPayment) && paid > 0 {
            return Err(OrderError::AlreadyPartlyPaid);
        }
        let changed = sqlx::query(
            "UPDATE orders SET status = $1, updated_at = $2
             WHERE id = $3 AND account_id = $4 AND status IN ($5, $6)
                 AND (org_id IS NULL OR status = $5)",
        )
        .bind(OrderStatus::Cancelled.as_str())
        .bind(now)
        .bind(order_id)
        .bind(account_id)
        .bind(OrderStatus::AwaitingPayment.as_str())
        .bind(OrderStatus::PendingReview.as_str())
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
            &owner.actor().audit_name(),
            "order.cancelled",
            order_id,
            &json!({}),
        )
        .await?;
        tx.commit().await?;
        self.order(owner, order_id).await
    }
}
