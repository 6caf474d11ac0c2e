//! Receiving money for an order: a verified gateway notification (amount-checked and
//! idempotent: a replayed or duplicated notification changes nothing) or bank transfers, which
//! may come in parts. A paid order makes its entitlements and, when the operator invoices
//! automatically, asks for its invoice, in the same unit of work.

use std::time::SystemTime;

use mcert_core::clock::unix_millis;
use serde_json::json;

use super::{
    EntitlementKind, EntitlementStatus, Notification, OrderError, OrderStatus, Orders, repo,
};
use crate::audit;
use crate::authz::{Actor, GatewayGrant};
use crate::store::Tx;

/// What completing an order needs from the organisation, read before the unit of work opens
/// (SQLite has one connection, which the transaction then holds); an order's organisation never
/// changes.
#[derive(Debug, Clone, Default)]
pub(super) struct OrderContext {
    /// The organisation: id, name, credit code and the applicant's member id.
    org: Option<(String, String, String, Option<String>)>,
    /// Who the invoice is made out to, when invoices follow payment.
    buyer: Option<super::invoices::Buyer>,
}

impl Orders {
    /// Applies a verified payment notification. Returns whether anything changed.
    pub async fn apply_payment(
        &self,
        grant: &GatewayGrant,
        note: &Notification,
    ) -> Result<bool, OrderError> {
        let gateway = grant.gateway();
        let now_t = self.clock.now();
        let now = unix_millis(now_t);
        let context = self.order_context(&note.order_id).await?;
        let mut tx = self.store.begin().await?;
        let seen =
            sqlx::query("SELECT order_id FROM payments WHERE gateway = $1 AND gateway_txn = $2")
                .bind(gateway)
                .bind(&note.transaction_id)
                .fetch_optional(&mut *tx)
                .await?;
        if seen.is_some() {
            return Ok(false);
        }
        // Lock the order: a change of period or a transfer arriving now waits for this.
        repo::lock_order_in(&mut tx, &note.order_id).await?;
        let repo::PayableRow {
            amount_fen: due,
            currency,
            status,
            ..
        } = sqlx::query_as(
            "SELECT account_id, product_id, years, amount_fen, currency, status FROM orders WHERE id = $1",
        )
        .bind(&note.order_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(OrderError::UnknownOrder)?;
        if note.amount_fen != due || note.currency != currency {
            return Err(OrderError::AmountMismatch {
                paid: note.amount_fen,
                due,
            });
        }
        match OrderStatus::parse(&status) {
            Some(OrderStatus::AwaitingPayment) => {}
            Some(OrderStatus::Completed) => return Err(OrderError::AlreadyPaid),
            _ => return Err(OrderError::NotPayable(status)),
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
        let actor = Actor::Gateway(gateway.to_string()).audit_name();
        self.complete_in(&mut tx, &note.order_id, &context, &actor, now_t)
            .await?;
        // Parts that arrived by transfer before the online payment are now owed back: they
        // join the operator's refunds.
        sqlx::query(
            "UPDATE bank_transfers SET outcome = 'surplus', surplus_fen = counted_fen, resolved_at = NULL
             WHERE order_id = $1 AND outcome = 'partial'",
        )
        .bind(&note.order_id)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &actor,
            "payment.received",
            &note.order_id,
            &json!({"transaction": note.transaction_id, "amount_fen": note.amount_fen}),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The organisation's side of completing `order_id`, read before the unit of work.
    pub(super) async fn order_context(&self, order_id: &str) -> Result<OrderContext, OrderError> {
        let placed: Option<(Option<String>, String)> =
            sqlx::query_as("SELECT org_id, account_id FROM orders WHERE id = $1")
                .bind(order_id)
                .fetch_optional(self.store.pool())
                .await?;
        let (org_id, applicant_account) = placed.ok_or(OrderError::UnknownOrder)?;
        // An organisation's certificate is owned by the organisation; its first slot is held by
        // the applicant (who downloads it, seed 000 §2.1 F); further slots wait for an admin.
        let org = match org_id {
            Some(id) => {
                let (name, code) = self
                    .orgs
                    .name_and_code(&id)
                    .await
                    .map_err(|e| OrderError::Internal(e.to_string()))?;
                let applicant = self
                    .orgs
                    .membership(&applicant_account, &id)
                    .await
                    .map_err(|e| OrderError::Internal(e.to_string()))?
                    .map(|(member, _)| member);
                Some((id, name, code, applicant))
            }
            None => None,
        };
        let buyer = if self.invoicing.terms.mode == super::invoices::InvoiceMode::Auto {
            Some(self.buyer_of(order_id, None).await?)
        } else {
            None
        };
        Ok(OrderContext { org, buyer })
    }

    /// Completes an order awaiting payment inside the caller's unit of work: its state, its
    /// entitlements, the audit event and, when invoicing is automatic, its invoice request.
    pub(super) async fn complete_in(
        &self,
        tx: &mut Tx,
        order_id: &str,
        context: &OrderContext,
        actor: &str,
        now_t: SystemTime,
    ) -> Result<(), OrderError> {
        let now = unix_millis(now_t);
        let (account_id, product_id, years, renews): (String, String, i64, Option<String>) =
            sqlx::query_as(
                "SELECT account_id, product_id, years, renews_entitlement_id FROM orders WHERE id = $1",
            )
            .bind(order_id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(OrderError::UnknownOrder)?;
        let org_id = context.org.as_ref().map(|(id, ..)| id.clone());
        let changed = sqlx::query(
            "UPDATE orders SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
        )
        .bind(OrderStatus::Completed.as_str())
        .bind(now)
        .bind(order_id)
        .bind(OrderStatus::AwaitingPayment.as_str())
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if changed != 1 {
            return Err(OrderError::AlreadyPaid);
        }
        let (personal, organization): (i64, i64) =
            sqlx::query_as("SELECT personal_certs, organization_certs FROM products WHERE id = $1")
                .bind(&product_id)
                .fetch_one(&mut **tx)
                .await?;
        // A paid renewal extends its slot's period; its certificate is downloaded next.
        if let Some(slot) = &renews {
            self.extend_in(tx, slot, years, now).await?;
        }
        for (kind, n) in [
            (EntitlementKind::Personal, personal),
            (EntitlementKind::Organization, organization),
        ] {
            for i in 0..n {
                let id =
                    mcert_core::id::ulid(now_t).map_err(|e| OrderError::Internal(e.to_string()))?;
                // A personal certificate bought by a person is theirs.
                let mine = context.org.is_none() && kind == EntitlementKind::Personal && i == 0;
                let org_owned = kind == EntitlementKind::Organization;
                let applicant_holds = org_owned && i == 0;
                let holder_member = match (&context.org, applicant_holds) {
                    (Some((_, _, _, Some(member))), true) => Some(member.clone()),
                    _ => None,
                };
                let status = if mine || holder_member.is_some() {
                    EntitlementStatus::Assigned
                } else {
                    EntitlementStatus::Unassigned
                };
                let owner = match (&context.org, org_owned) {
                    (Some((_, name, code, _)), true) => Some((name.clone(), code.clone())),
                    _ => None,
                };
                sqlx::query(
                    "INSERT INTO entitlements (id, order_id, kind, years, owner_account_id, holder_account_id, status, created_at, updated_at,
                         org_id, owner_id_type, owner_name, owner_id_masked, holder_member_id)
                     VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $7, $8, $9, $10, $11, $12)",
                )
                .bind(&id)
                .bind(order_id)
                .bind(kind.as_str())
                .bind(years)
                .bind(if mine { Some(account_id.as_str()) } else { None })
                .bind(status.as_str())
                .bind(now)
                .bind(org_id.as_deref())
                .bind(owner.as_ref().map(|_| "credit_code"))
                .bind(owner.as_ref().map(|(name, _)| name.clone()))
                .bind(owner.as_ref().map(|(_, code)| code.clone()))
                .bind(holder_member)
                .execute(&mut **tx)
                .await?;
            }
        }
        // A paid 变更 takes effect now (its SMS go out through the outbox worker).
        self.apply_change_in(tx, order_id, now, actor).await?;
        audit::append(
            tx,
            self.store.engine(),
            now,
            actor,
            "order.paid",
            order_id,
            &json!({}),
        )
        .await?;
        self.invoice_after_payment_in(tx, order_id, context.buyer.as_ref(), now_t)
            .await?;
        Ok(())
    }
}
