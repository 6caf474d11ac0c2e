//! Applying a verified payment notification: amount-checked and idempotent (a replayed or
//! duplicated notification changes nothing); a paid order makes its entitlements.

use mcert_core::clock::unix_millis;
use serde_json::json;

use super::{
    EntitlementKind, EntitlementStatus, Notification, OrderError, OrderStatus, Orders, repo,
};
use crate::audit;
use crate::authz::{Actor, GatewayGrant};

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
        // What the organisation adds is read before the unit of work opens (SQLite has one
        // connection, which the transaction then holds); an order's organisation never changes.
        let placed: Option<(Option<String>, String)> =
            sqlx::query_as("SELECT org_id, account_id FROM orders WHERE id = $1")
                .bind(&note.order_id)
                .fetch_optional(self.store.pool())
                .await?;
        let (org_id, applicant_account) = placed.ok_or(OrderError::UnknownOrder)?;
        // An organisation's certificate is owned by the organisation; its first slot is held by
        // the applicant (who downloads it, seed 000 §2.1 F); further slots wait for an admin.
        let org = match &org_id {
            Some(id) => {
                let (name, code) = self
                    .orgs
                    .name_and_code(id)
                    .await
                    .map_err(|e| OrderError::Internal(e.to_string()))?;
                let applicant = self
                    .orgs
                    .membership(&applicant_account, id)
                    .await
                    .map_err(|e| OrderError::Internal(e.to_string()))?
                    .map(|(member, _)| member);
                Some((id.clone(), name, code, applicant))
            }
            None => None,
        };
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
        let repo::PayableRow {
            account_id,
            product_id,
            years,
            amount_fen: due,
            currency,
            status,
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
        let changed = sqlx::query(
            "UPDATE orders SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
        )
        .bind(OrderStatus::Completed.as_str())
        .bind(now)
        .bind(&note.order_id)
        .bind(OrderStatus::AwaitingPayment.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed != 1 {
            return Err(OrderError::AlreadyPaid);
        }
        let (personal, organization): (i64, i64) =
            sqlx::query_as("SELECT personal_certs, organization_certs FROM products WHERE id = $1")
                .bind(&product_id)
                .fetch_one(&mut *tx)
                .await?;
        for (kind, n) in [
            (EntitlementKind::Personal, personal),
            (EntitlementKind::Organization, organization),
        ] {
            for i in 0..n {
                let id =
                    mcert_core::id::ulid(now_t).map_err(|e| OrderError::Internal(e.to_string()))?;
                // A personal certificate bought by a person is theirs.
                let mine = org.is_none() && kind == EntitlementKind::Personal && i == 0;
                let org_owned = kind == EntitlementKind::Organization;
                let applicant_holds = org_owned && i == 0;
                let holder_member = match (&org, applicant_holds) {
                    (Some((_, _, _, Some(member))), true) => Some(member.clone()),
                    _ => None,
                };
                let status = if mine || holder_member.is_some() {
                    EntitlementStatus::Assigned
                } else {
                    EntitlementStatus::Unassigned
                };
                let owner = match (&org, org_owned) {
                    (Some((_, name, code, _)), true) => Some((name.clone(), code.clone())),
                    _ => None,
                };
                sqlx::query(
                    "INSERT INTO entitlements (id, order_id, kind, years, owner_account_id, holder_account_id, status, created_at, updated_at,
                         org_id, owner_id_type, owner_name, owner_id_masked, holder_member_id)
                     VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $7, $8, $9, $10, $11, $12)",
                )
                .bind(&id)
                .bind(&note.order_id)
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
                .execute(&mut *tx)
                .await?;
            }
        }
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &Actor::Gateway(gateway.to_string()).audit_name(),
            "order.paid",
            &note.order_id,
            &json!({"transaction": note.transaction_id, "amount_fen": note.amount_fen}),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}
