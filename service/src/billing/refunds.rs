//! Refunds (an operator's act, after the money went back): the order becomes `refunded`, its
//! unused certificate slots are withdrawn, and an issued invoice is reversed by a red-letter
//! (红字) invoice. An order with an issued certificate is refunded only after the certificate
//! is revoked.

use mcert_core::clock::unix_millis;
use serde_json::json;

use super::{EntitlementStatus, OrderError, OrderStatus, Orders, repo};
use crate::audit;
use crate::authz::OperatorGrant;
use crate::store::Tx;

impl Orders {
    /// Refunds a completed order (or one paid in part); returns whether a red-letter invoice
    /// was asked for.
    pub async fn refund(
        &self,
        grant: &OperatorGrant,
        order_id: &str,
        reason: &str,
    ) -> Result<bool, OrderError> {
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 200 || reason.chars().any(char::is_control)
        {
            return Err(OrderError::BadReason);
        }
        let now_t = self.clock.now();
        let now = unix_millis(now_t);
        let mut tx = self.store.begin().await?;
        // Lock the order, then check its state and slots under the lock.
        repo::lock_order_in(&mut tx, order_id).await?;
        let status: Option<(String,)> = sqlx::query_as("SELECT status FROM orders WHERE id = $1")
            .bind(order_id)
            .fetch_optional(&mut *tx)
            .await?;
        let (status,) = status.ok_or(OrderError::UnknownOrder)?;
        let paid = repo::paid_in(&mut tx, order_id).await?;
        // A completed order, or one paid in part that will not be paid in full.
        let refundable = match OrderStatus::parse(&status) {
            Some(OrderStatus::Completed) => true,
            Some(OrderStatus::AwaitingPayment) => paid > 0,
            _ => false,
        };
        if !refundable {
            return Err(OrderError::NotRefundable(status));
        }
        if OrderStatus::parse(&status) == Some(OrderStatus::Completed) {
            self.undo_renewal_or_change_in(&mut tx, order_id, now)
                .await?;
        }
        let issued = used_slots_in(&mut tx, order_id).await?;
        if issued > 0 {
            return Err(OrderError::CertificatesIssued);
        }
        sqlx::query(
            "UPDATE entitlements SET status = $1, updated_at = $2 WHERE order_id = $3 AND status IN ($4, $5)",
        )
        .bind(EntitlementStatus::Revoked.as_str())
        .bind(now)
        .bind(order_id)
        .bind(EntitlementStatus::Unassigned.as_str())
        .bind(EntitlementStatus::Assigned.as_str())
        .execute(&mut *tx)
        .await?;
        // A certificate installed meanwhile (its claim committed before the slots were
        // withdrawn) keeps the order: counted again under the withdrawal's locks.
        let issued = used_slots_in(&mut tx, order_id).await?;
        if issued > 0 {
            return Err(OrderError::CertificatesIssued);
        }
        sqlx::query("UPDATE orders SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(OrderStatus::Refunded.as_str())
            .bind(now)
            .bind(order_id)
            .execute(&mut *tx)
            .await?;
        let red = self.reverse_invoice_in(&mut tx, order_id, now_t).await?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &grant.actor().audit_name(),
            "order.refunded",
            order_id,
            &json!({"reason": reason, "red_invoice": red}),
        )
        .await?;
        tx.commit().await?;
        self.outbox.wake();
        Ok(red)
    }
}

/// The order's slots that were used: a certificate issued, or taken to renew another slot.
async fn used_slots_in(tx: &mut Tx, order_id: &str) -> Result<i64, OrderError> {
    let (used,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM entitlements WHERE order_id = $1 AND status IN ($2, $3)",
    )
    .bind(order_id)
    .bind(EntitlementStatus::Issued.as_str())
    .bind(EntitlementStatus::Consumed.as_str())
    .fetch_one(&mut **tx)
    .await?;
    Ok(used)
}

impl Orders {
    /// Inside a refund's unit of work: a paid renewal whose certificate was not downloaded yet
    /// gives its period back; one downloaded, or a paid change (it renamed the organisation),
    /// has taken effect and is not refunded.
    async fn undo_renewal_or_change_in(
        &self,
        tx: &mut Tx,
        order_id: &str,
        now: i64,
    ) -> Result<(), OrderError> {
        let changed: Option<(String,)> =
            sqlx::query_as("SELECT id FROM org_changes WHERE order_id = $1 AND status = 'applied'")
                .bind(order_id)
                .fetch_optional(&mut **tx)
                .await?;
        if changed.is_some() {
            return Err(OrderError::InEffect);
        }
        let (renews, years): (Option<String>, i64) =
            sqlx::query_as("SELECT renews_entitlement_id, years FROM orders WHERE id = $1")
                .bind(order_id)
                .fetch_one(&mut **tx)
                .await?;
        let Some(slot) = renews else {
            return Ok(());
        };
        let add = super::years_ms(years)?;
        let undone = sqlx::query(
            "UPDATE entitlements SET valid_until = valid_until - $1, renewal_due = 0, updated_at = $2
             WHERE id = $3 AND renewal_due = 1",
        )
        .bind(add)
        .bind(now)
        .bind(&slot)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if undone != 1 {
            return Err(OrderError::InEffect);
        }
        Ok(())
    }
}
