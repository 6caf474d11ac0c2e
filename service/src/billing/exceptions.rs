//! Transfers that do not fit (unmatched, held, to review, surplus) wait for an operator in the
//! console, who counts one toward an order or records that the money went back.

use mcert_core::clock::unix_millis;
use serde_json::json;

use super::transfers::{Target, TransferOutcome};
use super::{OrderError, OrderStatus, Orders, repo};
use crate::audit;
use crate::authz::ReviewerGrant;

/// An exceptional transfer waiting for an operator (unmatched, held, to review, surplus).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct OpenTransfer {
    pub id: String,
    pub bank_ref: String,
    pub account_no: String,
    pub amount_fen: i64,
    pub currency: String,
    pub payer_name: Option<String>,
    pub booked_on: String,
    pub order_id: Option<String>,
    pub outcome: String,
    pub surplus_fen: i64,
    pub reason: Option<String>,
}

/// What an operator does with an exceptional transfer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// Count it toward this order (which must still await payment).
    Apply { order_id: String },
    /// The money (or the surplus) was sent back to the payer.
    Refunded,
}

impl Orders {
    /// The transfers waiting for an operator, oldest first.
    pub async fn open_transfers(
        &self,
        _grant: &ReviewerGrant,
    ) -> Result<Vec<OpenTransfer>, OrderError> {
        Ok(sqlx::query_as(
            "SELECT id, bank_ref, account_no, amount_fen, currency, payer_name, booked_on, order_id, outcome,
                 surplus_fen, reason
             FROM bank_transfers
             WHERE resolved_at IS NULL AND outcome IN ('unmatched', 'held', 'review', 'surplus')
             ORDER BY imported_at, id LIMIT 500",
        )
        .fetch_all(self.store.pool())
        .await?)
    }

    /// An operator resolves an exceptional transfer: counted toward an order, or sent back.
    pub async fn resolve_transfer(
        &self,
        grant: &ReviewerGrant,
        transfer_id: &str,
        resolution: &Resolution,
    ) -> Result<Option<TransferOutcome>, OrderError> {
        let open: Option<OpenTransfer> = sqlx::query_as(
            "SELECT id, bank_ref, account_no, amount_fen, currency, payer_name, booked_on, order_id, outcome,
                 surplus_fen, reason
             FROM bank_transfers WHERE id = $1 AND resolved_at IS NULL
                 AND outcome IN ('unmatched', 'held', 'review', 'surplus')",
        )
        .bind(transfer_id)
        .fetch_optional(self.store.pool())
        .await?;
        let open = open.ok_or(OrderError::UnknownTransfer)?;
        let target = match resolution {
            Resolution::Apply { order_id } => {
                if open.outcome == "surplus" {
                    return Err(OrderError::TransferNotApplicable);
                }
                Some(Target {
                    order_id: order_id.clone(),
                    context: self.order_context(order_id).await?,
                    payers: None,
                })
            }
            Resolution::Refunded => None,
        };
        let actor = grant.actor().audit_name();
        let now_t = self.clock.now();
        let now = unix_millis(now_t);
        let mut tx = self.store.begin().await?;
        let claimed = sqlx::query(
            "UPDATE bank_transfers SET resolved_at = $1, resolved_by = $2, resolution = $3
             WHERE id = $4 AND resolved_at IS NULL AND outcome IN ('unmatched', 'held', 'review', 'surplus')",
        )
        .bind(now)
        .bind(grant.reviewer_id())
        .bind(match resolution {
            Resolution::Apply { .. } => "applied",
            Resolution::Refunded => "refunded",
        })
        .bind(transfer_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed != 1 {
            return Err(OrderError::UnknownTransfer);
        }
        let mut outcome = None;
        if let Some(target) = &target {
            repo::lock_order_in(&mut tx, &target.order_id).await?;
            let row: Option<(String, i64, String)> =
                sqlx::query_as("SELECT status, amount_fen, currency FROM orders WHERE id = $1")
                    .bind(&target.order_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let (status, due, currency) = row.ok_or(OrderError::UnknownOrder)?;
            if OrderStatus::parse(&status) != Some(OrderStatus::AwaitingPayment) {
                return Err(OrderError::NotPayable(status));
            }
            if currency != open.currency {
                return Err(OrderError::TransferNotApplicable);
            }
            let (o, counted, surplus, _) = self
                .credit_in(
                    &mut tx,
                    target,
                    &open.bank_ref,
                    open.amount_fen,
                    due,
                    &actor,
                    now_t,
                )
                .await?;
            // Counted now; what it paid beyond the order waits for refund like any surplus.
            sqlx::query(
                "UPDATE bank_transfers SET order_id = $1, counted_fen = $2, surplus_fen = $3, outcome = $4,
                     resolved_at = CASE WHEN $4 = 'surplus' THEN NULL ELSE resolved_at END
                 WHERE id = $5",
            )
            .bind(&target.order_id)
            .bind(counted)
            .bind(surplus)
            .bind(o.as_str())
            .bind(transfer_id)
            .execute(&mut *tx)
            .await?;
            outcome = Some(o);
        }
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &actor,
            "transfer.resolved",
            transfer_id,
            &json!({"resolution": match resolution {
                Resolution::Apply { order_id } => json!({"applied_to": order_id}),
                Resolution::Refunded => json!("refunded"),
            }}),
        )
        .await?;
        tx.commit().await?;
        Ok(outcome)
    }
}
