//! Bank transfer to a per-order receiving account (seed 003 §4–5).
//!
//! An order that chooses transfer gets its own sub-account of the operator's collection account:
//! `<prefix><8 random digits><Luhn check digit>`, so a mistyped number is caught before it is
//! looked up. Incoming transfers (an imported statement, the bank's signed notification) are
//! matched by that number, each in its own unit of work, and kept once per bank reference: a
//! transfer seen twice, or two imports of one statement at once, change nothing; a process
//! killed mid-import loses nothing, since every transfer committed stays and the rest are
//! matched on the next import. Exact amount → paid; less → partly paid, the order waits for
//! the rest; more → paid with the surplus recorded for refund; an expired or cancelled order's
//! account → held; another currency, or a payer not registered when the operator checks payers
//! → review. Operators resolve the exceptions in the console.

use std::time::{Duration, SystemTime};

use mcert_core::clock::unix_millis;
use serde_json::json;

use super::receiving::{BankNote, is_receiving_account, late, new_account_no};
use super::statements::IncomingTransfer;
use super::{Order, OrderError, OrderStatus, Orders, repo};
use crate::audit;
use crate::authz::{Actor, GatewayGrant, OperatorGrant, OwnAccount};

/// What became of an incoming transfer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferOutcome {
    /// The order is paid in full by it.
    Paid,
    /// Counted; the order waits for the rest.
    Partial,
    /// The order is paid and more arrived than was due: the surplus waits for refund.
    Surplus,
    /// For an order no longer taking money (cancelled, expired, already paid): manual handling.
    Held,
    /// Not counted until an operator looks (another currency, an unregistered payer).
    Review,
    /// No such receiving account (or its check digit is wrong).
    Unmatched,
    /// Seen before (same bank reference): nothing changed.
    Duplicate,
}

impl TransferOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            TransferOutcome::Paid => "paid",
            TransferOutcome::Partial => "partial",
            TransferOutcome::Surplus => "surplus",
            TransferOutcome::Held => "held",
            TransferOutcome::Review => "review",
            TransferOutcome::Unmatched => "unmatched",
            TransferOutcome::Duplicate => "duplicate",
        }
    }
}

/// How an import went.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    pub transfers: usize,
    pub paid: usize,
    pub partial: usize,
    pub surplus: usize,
    pub held: usize,
    pub review: usize,
    pub unmatched: usize,
    pub duplicate: usize,
}

impl ImportSummary {
    fn count(&mut self, outcome: TransferOutcome) {
        self.transfers += 1;
        let slot = match outcome {
            TransferOutcome::Paid => &mut self.paid,
            TransferOutcome::Partial => &mut self.partial,
            TransferOutcome::Surplus => &mut self.surplus,
            TransferOutcome::Held => &mut self.held,
            TransferOutcome::Review => &mut self.review,
            TransferOutcome::Unmatched => &mut self.unmatched,
            TransferOutcome::Duplicate => &mut self.duplicate,
        };
        *slot += 1;
    }
}

/// The order behind a receiving account, and what the payer check needs, read before the unit
/// of work.
pub(super) struct Target {
    pub(super) order_id: String,
    pub(super) context: super::payments::OrderContext,
    /// Keyed hashes of the payer accounts the buyer registered (only when payers are checked).
    pub(super) payers: Option<Vec<String>>,
}

impl Orders {
    /// Chooses bank transfer for an order awaiting payment: it gets its own receiving account
    /// (the same one on every later call).
    pub async fn pay_by_transfer(
        &self,
        owner: &OwnAccount,
        order_id: &str,
    ) -> Result<Order, OrderError> {
        let order = self.order(owner, order_id).await?;
        self.ensure_still_admin(owner, &order).await?;
        if order.transfer.is_some() {
            return Ok(order);
        }
        if OrderStatus::parse(&order.status) != Some(OrderStatus::AwaitingPayment) {
            return Err(OrderError::NotPayable(order.status));
        }
        let now_t = self.clock.now();
        let now = unix_millis(now_t);
        let days = u64::from(self.bank.deadline_days.max(1));
        let deadline = unix_millis(now_t + Duration::from_secs(days * 86_400));
        for _ in 0..5 {
            let account_no = new_account_no(&self.bank.account_prefix)?;
            let mut tx = self.store.begin().await?;
            let added = sqlx::query(
                "INSERT INTO transfer_accounts (account_no, order_id, deadline, created_at)
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(&account_no)
            .bind(order_id)
            .bind(deadline)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if added == 1 {
                sqlx::query(
                    "UPDATE orders SET payment_method = 'transfer', updated_at = $1 WHERE id = $2",
                )
                .bind(now)
                .bind(order_id)
                .execute(&mut *tx)
                .await?;
                audit::append(
                    &mut tx,
                    self.store.engine(),
                    now,
                    &owner.actor().audit_name(),
                    "order.transfer_chosen",
                    order_id,
                    &json!({"account_no": account_no}),
                )
                .await?;
                tx.commit().await?;
                return self.order(owner, order_id).await;
            }
            drop(tx);
            // Another request gave the order its account first, or the number was taken.
            let order = self.order(owner, order_id).await?;
            if order.transfer.is_some() {
                return Ok(order);
            }
        }
        Err(OrderError::Internal("no free receiving account".into()))
    }

    /// Imports a bank statement (camt.053 or CSV): every credit matched in its own unit of work.
    pub async fn import_statement(
        &self,
        grant: &OperatorGrant,
        bytes: &[u8],
        source: &str,
    ) -> Result<ImportSummary, OrderError> {
        let transfers =
            super::statements::parse(bytes).map_err(|e| OrderError::BadStatement(e.to_string()))?;
        let actor = grant.actor().audit_name();
        let mut summary = ImportSummary::default();
        for t in &transfers {
            summary.count(self.receive(&actor, t, source).await?);
        }
        Ok(summary)
    }

    /// A transfer the bank notified (signed webhook) or, in development, one simulated.
    pub async fn bank_notified(
        &self,
        grant: &GatewayGrant,
        transfer: &IncomingTransfer,
    ) -> Result<TransferOutcome, OrderError> {
        let actor = Actor::Gateway(grant.gateway().to_string()).audit_name();
        self.receive(&actor, transfer, grant.gateway()).await
    }

    /// Checks the bank's notification signature (hex HMAC-SHA256 of the body) and reads the
    /// transfer (`{"bank_ref", "account_no", "amount_fen", "currency", "payer_name"?,
    /// "payer_account"?, "booked_on", "remittance"?}`).
    pub fn verify_bank_notification(
        &self,
        body: &[u8],
        signature: &str,
    ) -> Result<IncomingTransfer, OrderError> {
        let key = self
            .bank
            .notify_key
            .as_ref()
            .ok_or(OrderError::BadSignature)?;
        let expected = hex::encode(mcert_core::crypto::hash::hmac_sha256(key, &[body]));
        if !mcert_core::crypto::hash::ct_eq(expected.as_bytes(), signature.trim().as_bytes()) {
            return Err(OrderError::BadSignature);
        }
        let note: BankNote =
            serde_json::from_slice(body).map_err(|_| OrderError::BadNotification)?;
        note.into_transfer()
    }

    async fn target(&self, account_no: &str) -> Result<Option<Target>, OrderError> {
        if !is_receiving_account(account_no, &self.bank.account_prefix) {
            return Ok(None);
        }
        let found: Option<(String, String)> = sqlx::query_as(
            "SELECT t.order_id, o.account_id FROM transfer_accounts t JOIN orders o ON o.id = t.order_id
             WHERE t.account_no = $1",
        )
        .bind(account_no)
        .fetch_optional(self.store.pool())
        .await?;
        let Some((order_id, account_id)) = found else {
            return Ok(None);
        };
        let context = self.order_context(&order_id).await?;
        let payers = if self.bank.check_payer {
            let rows: Vec<(String,)> =
                sqlx::query_as("SELECT account_hash FROM payer_accounts WHERE account_id = $1")
                    .bind(&account_id)
                    .fetch_all(self.store.pool())
                    .await?;
            Some(rows.into_iter().map(|(h,)| h).collect())
        } else {
            None
        };
        Ok(Some(Target {
            order_id,
            context,
            payers,
        }))
    }

    /// Matches one incoming transfer, once per bank reference.
    async fn receive(
        &self,
        actor: &str,
        t: &IncomingTransfer,
        source: &str,
    ) -> Result<TransferOutcome, OrderError> {
        if t.amount_fen <= 0 || t.bank_ref.is_empty() || t.bank_ref.len() > 128 {
            return Err(OrderError::BadStatement(format!(
                "transfer {}: empty reference or non-positive amount",
                t.bank_ref
            )));
        }
        let target = self.target(&t.account_no).await?;
        let payer_hash = t
            .payer_account
            .as_deref()
            .map(|a| self.identities.lookup_hash(&format!("payer:{a}")));
        let now_t = self.clock.now();
        let now = unix_millis(now_t);
        let id = mcert_core::id::ulid(now_t).map_err(|e| OrderError::Internal(e.to_string()))?;
        let mut tx = self.store.begin().await?;
        let fresh = sqlx::query(
            "INSERT INTO bank_transfers (id, bank_ref, account_no, amount_fen, currency, payer_name, payer_account,
                 booked_on, remittance, source, outcome, imported_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'unmatched', $11)
             ON CONFLICT (bank_ref) DO NOTHING",
        )
        .bind(&id)
        .bind(&t.bank_ref)
        .bind(&t.account_no)
        .bind(t.amount_fen)
        .bind(&t.currency)
        .bind(t.payer_name.as_deref())
        .bind(t.payer_account.as_deref().map(mcert_core::validate::mask_bank_card))
        .bind(&t.booked_on)
        .bind(t.remittance.as_deref())
        .bind(source)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if fresh == 0 {
            return Ok(TransferOutcome::Duplicate);
        }
        let (outcome, order_id, counted, surplus, reason) = match &target {
            None => (
                TransferOutcome::Unmatched,
                None,
                0,
                0,
                Some("no_account".to_string()),
            ),
            Some(target) => {
                let checked = match (&target.payers, &payer_hash) {
                    (None, _) => true,
                    (Some(known), Some(h)) => known.iter().any(|k| k == h),
                    (Some(_), None) => false,
                };
                let (outcome, counted, surplus, reason) = self
                    .count_in(&mut tx, target, t, checked, actor, now_t)
                    .await?;
                (
                    outcome,
                    Some(target.order_id.clone()),
                    counted,
                    surplus,
                    reason,
                )
            }
        };
        sqlx::query(
            "UPDATE bank_transfers SET outcome = $1, order_id = $2, counted_fen = $3, surplus_fen = $4, reason = $5
             WHERE id = $6",
        )
        .bind(outcome.as_str())
        .bind(order_id.as_deref())
        .bind(counted)
        .bind(surplus)
        .bind(reason.as_deref())
        .bind(&id)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            actor,
            "transfer.received",
            &id,
            &json!({"bank_ref": t.bank_ref, "order": order_id, "amount_fen": t.amount_fen,
                    "outcome": outcome.as_str()}),
        )
        .await?;
        tx.commit().await?;
        Ok(outcome)
    }

    /// Counts a transfer toward its order inside the unit of work (the order row locked).
    async fn count_in(
        &self,
        tx: &mut crate::store::Tx,
        target: &Target,
        t: &IncomingTransfer,
        payer_checked: bool,
        actor: &str,
        now_t: SystemTime,
    ) -> Result<(TransferOutcome, i64, i64, Option<String>), OrderError> {
        let now = unix_millis(now_t);
        // Lock the order's row: parts of one payment arriving at once are counted one by one.
        repo::lock_order_in(tx, &target.order_id).await?;
        let (status, due, currency, deadline): (String, i64, String, i64) = sqlx::query_as(
            "SELECT o.status, o.amount_fen, o.currency, t.deadline FROM orders o
             JOIN transfer_accounts t ON t.order_id = o.id WHERE o.id = $1",
        )
        .bind(&target.order_id)
        .fetch_one(&mut **tx)
        .await?;
        if OrderStatus::parse(&status) != Some(OrderStatus::AwaitingPayment) {
            return Ok((TransferOutcome::Held, 0, 0, Some("order_closed".into())));
        }
        if late(&t.booked_on, deadline, now) {
            return Ok((TransferOutcome::Held, 0, 0, Some("late".into())));
        }
        if t.currency != currency {
            return Ok((TransferOutcome::Review, 0, 0, Some("currency".into())));
        }
        if !payer_checked {
            return Ok((TransferOutcome::Review, 0, 0, Some("payer".into())));
        }
        self.credit_in(tx, target, &t.bank_ref, t.amount_fen, due, actor, now_t)
            .await
    }

    /// Records money toward an order awaiting payment and completes it once enough arrived.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn credit_in(
        &self,
        tx: &mut crate::store::Tx,
        target: &Target,
        bank_ref: &str,
        amount: i64,
        due: i64,
        actor: &str,
        now_t: SystemTime,
    ) -> Result<(TransferOutcome, i64, i64, Option<String>), OrderError> {
        let now = unix_millis(now_t);
        let before = repo::paid_in(tx, &target.order_id).await?;
        let payment_id =
            mcert_core::id::ulid(now_t).map_err(|e| OrderError::Internal(e.to_string()))?;
        sqlx::query("INSERT INTO payments (id, order_id, gateway, gateway_txn, amount_fen, received_at) VALUES ($1, $2, 'bank', $3, $4, $5)")
            .bind(&payment_id)
            .bind(&target.order_id)
            .bind(bank_ref)
            .bind(amount)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        let total = before.saturating_add(amount);
        if total < due {
            return Ok((TransferOutcome::Partial, amount, 0, None));
        }
        self.complete_in(tx, &target.order_id, &target.context, actor, now_t)
            .await?;
        let surplus = total - due;
        if surplus > 0 {
            Ok((TransferOutcome::Surplus, amount, surplus, None))
        } else {
            Ok((TransferOutcome::Paid, amount, 0, None))
        }
    }
}
