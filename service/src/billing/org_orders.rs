//! Organisations' applications (seed 000 §2.1 单位首次申请 C–F): an admin of an authorised
//! organisation picks a product and period, attaches materials (营业执照 …) and submits →
//! 待审核; a reviewer approves (→ 待支付) or rejects with a reason (→ 未通过), and the applicant
//! is told by SMS; a rejected application can be fixed and resubmitted.

use mcert_core::clock::unix_millis;
use mcert_core::i18n::Locale;
use serde_json::json;

use super::{Order, OrderError, OrderStatus, Orders, repo};
use crate::audit;
use crate::authz::OrgAdmin;
use crate::outbox::Enqueued;
use crate::review::{self, ReviewKind, Submission};
use crate::store::Tx;

/// Most materials one application carries.
pub const MAX_MATERIALS: usize = 10;

/// The organisation's facts (name, credit code, legal representative, how it was authorised)
/// first, then the application's: the reviewer compares them with the business licence.
fn with_org_facts(
    org: &[(&'static str, String)],
    rest: Vec<(&'static str, String)>,
) -> Vec<(&'static str, String)> {
    org.iter().cloned().chain(rest).collect()
}

/// Inside an application's unit of work: its review, with `facts` and the materials.
pub(super) async fn submit_application_in(
    tx: &mut Tx,
    now_t: std::time::SystemTime,
    (order_id, org_id): (&str, &str),
    facts: Vec<(&'static str, String)>,
    materials: &[String],
    actor: &str,
) -> Result<(), OrderError> {
    review::submit_in(
        tx,
        now_t,
        Submission {
            kind: ReviewKind::OrgApplication,
            subject_id: order_id,
            org_id: Some(org_id),
            facts,
            materials,
            actor,
        },
    )
    .await
    .map(|_| ())
    .map_err(|e| OrderError::Internal(e.to_string()))
}

pub(super) fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, (fen % 100).abs())
}

impl Orders {
    /// Submits an organisation's application; the same idempotency key returns the same order.
    pub async fn create_for_org(
        &self,
        admin: &OrgAdmin,
        product_id: &str,
        years: i64,
        materials: &[String],
        idempotency_key: Option<&str>,
    ) -> Result<Order, OrderError> {
        let account_id = admin.account_id();
        if let Some(order) = self
            .retried(
                account_id,
                idempotency_key,
                product_id,
                years,
                Some(admin.org_id()),
            )
            .await?
        {
            return Ok(order);
        }
        if !(1..=3).contains(&years) {
            return Err(OrderError::BadPeriod);
        }
        let product = self
            .catalogue()
            .await?
            .into_iter()
            .find(|p| p.id == product_id && p.purpose == "new")
            .ok_or(OrderError::UnknownProduct)?;
        if product.organization_certs < 1 {
            return Err(OrderError::NotForOrganisations);
        }
        self.orgs
            .ensure_authorised(admin.org_id())
            .await
            .map_err(|_| OrderError::OrgNotAuthorised)?;
        self.check_materials(admin.org_id(), materials).await?;
        let amount = product
            .price_fen_per_year
            .checked_mul(years)
            .ok_or(OrderError::BadPeriod)?;
        let facts = self
            .application_facts(
                admin,
                vec![
                    ("review-fact-product", product.name.clone()),
                    ("review-fact-years", years.to_string()),
                    ("review-fact-amount", yuan(amount)),
                ],
            )
            .await?;
        let now_t = self.clock.now();
        let now = unix_millis(now_t);
        let id = mcert_core::id::ulid(now_t).map_err(|e| OrderError::Internal(e.to_string()))?;
        let actor = admin.actor().audit_name();
        let materials_json = json!(materials).to_string();
        let mut tx = self.store.begin().await?;
        sqlx::query(
            "INSERT INTO orders (id, account_id, product_id, years, amount_fen, currency, status, idempotency_key, created_at, updated_at, org_id, materials)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11)",
        )
        .bind(&id)
        .bind(account_id)
        .bind(product_id)
        .bind(years)
        .bind(amount)
        .bind(&product.currency)
        .bind(OrderStatus::PendingReview.as_str())
        .bind(idempotency_key)
        .bind(now)
        .bind(admin.org_id())
        .bind(&materials_json)
        .execute(&mut *tx)
        .await?;
        submit_application_in(
            &mut tx,
            now_t,
            (&id, admin.org_id()),
            facts,
            materials,
            &actor,
        )
        .await?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &actor,
            "order.created",
            &id,
            &json!({"org": admin.org_id(), "product": product_id, "years": years, "amount_fen": amount, "materials": materials}),
        )
        .await?;
        tx.commit().await?;
        self.org_order(admin, &id).await
    }

    pub(super) async fn check_materials(
        &self,
        org_id: &str,
        materials: &[String],
    ) -> Result<(), OrderError> {
        if materials.is_empty() || materials.len() > MAX_MATERIALS {
            return Err(OrderError::MaterialsRequired);
        }
        self.uploads
            .ensure_all_of(org_id, materials)
            .await
            .map_err(|_| OrderError::UnknownMaterial)
    }

    /// What the reviewer of an application sees: the organisation's facts, the applicant, then
    /// `rest`. Read before the application's unit of work.
    pub(super) async fn application_facts(
        &self,
        admin: &OrgAdmin,
        rest: Vec<(&'static str, String)>,
    ) -> Result<Vec<(&'static str, String)>, OrderError> {
        let org_facts = self
            .orgs
            .review_facts(admin.org_id())
            .await
            .map_err(|e| OrderError::Internal(e.to_string()))?;
        let me = self
            .orgs
            .me(admin)
            .await
            .map_err(|e| OrderError::Internal(e.to_string()))?;
        let applicant = vec![
            ("review-fact-applicant", me.name),
            (
                "review-fact-applicant-phone",
                mcert_core::validate::mask_mobile(&me.phone),
            ),
        ];
        Ok(with_org_facts(
            &org_facts,
            applicant.into_iter().chain(rest).collect(),
        ))
    }

    /// An application of the organisation.
    pub async fn org_order(&self, admin: &OrgAdmin, order_id: &str) -> Result<Order, OrderError> {
        let row: repo::OrderRow =
            sqlx::query_as(repo::select_orders!("WHERE id = $1 AND org_id = $2"))
                .bind(order_id)
                .bind(admin.org_id())
                .fetch_optional(self.store.pool())
                .await?
                .ok_or(OrderError::UnknownOrder)?;
        Ok(row.into_order(&self.collection))
    }

    /// Every application of the organisation, newest first.
    pub async fn org_orders(&self, admin: &OrgAdmin) -> Result<Vec<Order>, OrderError> {
        let rows: Vec<repo::OrderRow> = sqlx::query_as(repo::select_orders!(
            "WHERE org_id = $1 ORDER BY created_at DESC, id DESC"
        ))
        .bind(admin.org_id())
        .fetch_all(self.store.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| r.into_order(&self.collection))
            .collect())
    }

    /// Fixes a rejected application (new materials) and sends it back to review.
    pub async fn resubmit(
        &self,
        admin: &OrgAdmin,
        order_id: &str,
        materials: &[String],
    ) -> Result<Order, OrderError> {
        let order = self.org_order(admin, order_id).await?;
        self.check_materials(admin.org_id(), materials).await?;
        // A change (变更) shows the name it asks for; an application its product and period.
        let what = match &order.new_name {
            Some(name) => ("review-fact-new-name", name.clone()),
            None => ("review-fact-years", order.years.to_string()),
        };
        let facts = self
            .application_facts(
                admin,
                vec![
                    ("review-fact-product", order.product_name.clone()),
                    what,
                    ("review-fact-amount", yuan(order.amount_fen)),
                ],
            )
            .await?;
        let now_t = self.clock.now();
        let now = unix_millis(now_t);
        let actor = admin.actor().audit_name();
        let mut tx = self.store.begin().await?;
        let changed = sqlx::query(
            "UPDATE orders SET status = $1, materials = $2, reject_reason = NULL, updated_at = $3
             WHERE id = $4 AND org_id = $5 AND status = $6",
        )
        .bind(OrderStatus::PendingReview.as_str())
        .bind(json!(materials).to_string())
        .bind(now)
        .bind(order_id)
        .bind(admin.org_id())
        .bind(OrderStatus::Rejected.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed != 1 {
            return Err(OrderError::NotResubmittable(order.status));
        }
        submit_application_in(
            &mut tx,
            now_t,
            (order_id, admin.org_id()),
            facts,
            materials,
            &actor,
        )
        .await?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &actor,
            "order.resubmitted",
            order_id,
            &json!({"materials": materials}),
        )
        .await?;
        tx.commit().await?;
        self.org_order(admin, order_id).await
    }

    /// Applies a reviewer's decision on an application, in the review's transaction, and texts
    /// the applicant.
    pub async fn apply_review_in(
        &self,
        tx: &mut Tx,
        order_id: &str,
        reject_reason: Option<&str>,
        _actor: &str,
    ) -> Result<Vec<Enqueued>, OrderError> {
        let now = unix_millis(self.clock.now());
        let to = if reject_reason.is_some() {
            OrderStatus::Rejected
        } else {
            OrderStatus::AwaitingPayment
        };
        let changed = sqlx::query(
            "UPDATE orders SET status = $1, reject_reason = $2, updated_at = $3 WHERE id = $4 AND status = $5",
        )
        .bind(to.as_str())
        .bind(reject_reason)
        .bind(now)
        .bind(order_id)
        .bind(OrderStatus::PendingReview.as_str())
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if changed != 1 {
            return Err(OrderError::Internal("the order is not under review".into()));
        }
        let (account_id, amount): (String, i64) =
            sqlx::query_as("SELECT account_id, amount_fen FROM orders WHERE id = $1")
                .bind(order_id)
                .fetch_one(&mut **tx)
                .await?;
        let phone = crate::accounts::repo::phone_of_tx(tx, &account_id)
            .await?
            .ok_or_else(|| OrderError::Internal("applicant without phone".into()))?;
        let text = match reject_reason {
            None => crate::i18n::message(
                Locale::ZhCn,
                "sms-order-approved",
                &[("amount", yuan(amount).into())],
            ),
            Some(reason) => crate::i18n::message(
                Locale::ZhCn,
                "sms-order-rejected",
                &[("reason", reason.to_string().into())],
            ),
        };
        let job = self
            .outbox
            .enqueue_sms(tx, &phone, &text)
            .await
            .map_err(|e| OrderError::Internal(e.to_string()))?;
        Ok(vec![job])
    }
}
