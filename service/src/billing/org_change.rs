//! 变更 (seed 000 §6): an organisation renamed by its registry applies, through a certificate
//! administrator, with materials (the new business licence …); a reviewer compares them in the
//! console (→ 待支付 or 未通过), the admin pays, and the change takes effect in the payment's
//! unit of work: the organisation carries the new name, every seal of it is void (its picture
//! shows the old name), and each issued certificate slot of the organisation waits for its
//! holder to download a certificate naming the new name (the same key, PIN entered; the old one
//! revoked as affiliationChanged). A void seal then comes back as a draft with the new name,
//! bound to the new certificate, for the admin to submit again.

use mcert_core::clock::unix_millis;
use serde_json::json;

use super::org_orders::{submit_application_in, yuan};
use super::{EntitlementStatus, Order, OrderError, OrderStatus, Orders};
use crate::audit;
use crate::authz::OrgAdmin;
use crate::store::Tx;

impl Orders {
    /// Applies for the organisation's rename: the order to review and pay.
    pub async fn request_change(
        &self,
        admin: &OrgAdmin,
        new_name: &str,
        materials: &[String],
    ) -> Result<Order, OrderError> {
        let new_name = crate::orgs::valid_org_name(new_name)
            .ok_or(OrderError::BadName)?
            .to_string();
        let org_id = admin.org_id();
        self.orgs
            .ensure_authorised(org_id)
            .await
            .map_err(|_| OrderError::OrgNotAuthorised)?;
        self.check_materials(org_id, materials).await?;
        let (old_name, _) = self
            .orgs
            .name_and_code(org_id)
            .await
            .map_err(|e| OrderError::Internal(e.to_string()))?;
        if old_name == new_name {
            return Err(OrderError::SameName);
        }
        let product = self
            .products(Some("change"))
            .await?
            .into_iter()
            .next()
            .ok_or(OrderError::UnknownProduct)?;
        let amount = product.price_fen_per_year;
        let facts = self
            .application_facts(
                admin,
                vec![
                    ("review-fact-product", product.name.clone()),
                    ("review-fact-new-name", new_name.clone()),
                    ("review-fact-amount", yuan(amount)),
                ],
            )
            .await?;
        let now_t = self.clock.now();
        let now = unix_millis(now_t);
        let id = mcert_core::id::ulid(now_t).map_err(|e| OrderError::Internal(e.to_string()))?;
        let change_id =
            mcert_core::id::ulid(now_t).map_err(|e| OrderError::Internal(e.to_string()))?;
        let actor = admin.actor().audit_name();
        let mut tx = self.store.begin().await?;
        // One open change per organisation: two submissions at once make one.
        crate::limits::lock(&mut tx, &format!("org-change:{org_id}")).await?;
        let open: Option<String> = sqlx::query_scalar(
            "SELECT c.id FROM org_changes c JOIN orders o ON o.id = c.order_id
             WHERE c.org_id = $1 AND c.status = 'pending' AND o.status IN ($2, $3)",
        )
        .bind(org_id)
        .bind(OrderStatus::PendingReview.as_str())
        .bind(OrderStatus::AwaitingPayment.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        if open.is_some() {
            return Err(OrderError::ChangePending);
        }
        sqlx::query(
            "INSERT INTO orders (id, account_id, product_id, years, amount_fen, currency, status, created_at, updated_at, org_id, materials)
             VALUES ($1, $2, $3, 1, $4, $5, $6, $7, $7, $8, $9)",
        )
        .bind(&id)
        .bind(admin.account_id())
        .bind(&product.id)
        .bind(amount)
        .bind(&product.currency)
        .bind(OrderStatus::PendingReview.as_str())
        .bind(now)
        .bind(org_id)
        .bind(json!(materials).to_string())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO org_changes (id, org_id, order_id, old_name, new_name, status, created_at)
             VALUES ($1, $2, $3, $4, $5, 'pending', $6)",
        )
        .bind(&change_id)
        .bind(org_id)
        .bind(&id)
        .bind(&old_name)
        .bind(&new_name)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        submit_application_in(&mut tx, now_t, (&id, org_id), facts, materials, &actor).await?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &actor,
            "org.change_requested",
            org_id,
            &json!({"order": id, "old_name": old_name, "new_name": new_name}),
        )
        .await?;
        tx.commit().await?;
        self.org_order(admin, &id).await
    }

    /// Inside the payment's unit of work: a paid change takes effect (nothing when the order
    /// is not a change); the SMS telling the holders go out through the outbox worker, as the
    /// payment's other jobs do.
    pub(super) async fn apply_change_in(
        &self,
        tx: &mut Tx,
        order_id: &str,
        now: i64,
        actor: &str,
    ) -> Result<(), OrderError> {
        let change: Option<(String, String, String, String)> = sqlx::query_as(
            "SELECT id, org_id, old_name, new_name FROM org_changes WHERE order_id = $1 AND status = 'pending'",
        )
        .bind(order_id)
        .fetch_optional(&mut **tx)
        .await?;
        let Some((change_id, org_id, old_name, new_name)) = change else {
            return Ok(());
        };
        sqlx::query("UPDATE organisations SET name = $1, updated_at = $2 WHERE id = $3")
            .bind(&new_name)
            .bind(now)
            .bind(&org_id)
            .execute(&mut **tx)
            .await?;
        // The organisation's own slots name it as their owner.
        sqlx::query(
            "UPDATE entitlements SET owner_name = $1, updated_at = $2
             WHERE org_id = $3 AND owner_id_type = 'credit_code'",
        )
        .bind(&new_name)
        .bind(now)
        .bind(&org_id)
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "UPDATE entitlements SET change_due = 1, updated_at = $1 WHERE org_id = $2 AND status = $3",
        )
        .bind(now)
        .bind(&org_id)
        .bind(EntitlementStatus::Issued.as_str())
        .execute(&mut **tx)
        .await?;
        let voided = sqlx::query(
            "UPDATE seals SET status = 'void', void_reason = 'org_changed', voided_at = $1, updated_at = $1
             WHERE org_id = $2 AND status <> 'void'",
        )
        .bind(now)
        .bind(&org_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        sqlx::query("UPDATE org_changes SET status = 'applied', applied_at = $1 WHERE id = $2")
            .bind(now)
            .bind(&change_id)
            .execute(&mut **tx)
            .await?;
        audit::append(
            tx,
            self.store.engine(),
            now,
            actor,
            "org.changed",
            &org_id,
            &json!({"order": order_id, "old_name": old_name, "new_name": new_name, "seals_voided": voided}),
        )
        .await?;
        // Each holder of an issued slot is told to download the changed certificate.
        let holders: Vec<(String,)> = sqlx::query_as(
            "SELECT DISTINCT a.phone FROM entitlements e JOIN accounts a ON a.id = e.holder_account_id
             WHERE e.org_id = $1 AND e.change_due = 1",
        )
        .bind(&org_id)
        .fetch_all(&mut **tx)
        .await?;
        let text = crate::i18n::message(
            mcert_core::i18n::Locale::ZhCn,
            "sms-org-changed",
            &[("name", new_name.into())],
        );
        for (phone,) in holders {
            self.outbox
                .enqueue_sms(tx, &phone, &text)
                .await
                .map_err(|e| OrderError::Internal(e.to_string()))?;
        }
        Ok(())
    }

    /// Inside a changed certificate's unit of work: takes the due change (a concurrent download
    /// finds nothing due) and returns the organisation's last rename (old name, new name).
    pub(super) async fn take_change_in(
        &self,
        tx: &mut Tx,
        entitlement_id: &str,
    ) -> Result<Option<(String, String)>, OrderError> {
        let taken =
            sqlx::query("UPDATE entitlements SET change_due = 0 WHERE id = $1 AND change_due = 1")
                .bind(entitlement_id)
                .execute(&mut **tx)
                .await?
                .rows_affected();
        if taken != 1 {
            return Err(OrderError::RenewalNotDue);
        }
        Ok(sqlx::query_as(
            "SELECT c.old_name, c.new_name FROM org_changes c JOIN entitlements e ON e.org_id = c.org_id
             WHERE e.id = $1 AND c.status = 'applied' ORDER BY c.applied_at DESC LIMIT 1",
        )
        .bind(entitlement_id)
        .fetch_optional(&mut **tx)
        .await?)
    }
}
