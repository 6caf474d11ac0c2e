//! 延期 (renewal, seed 000 §5, seed 003 §7): in the last three months of a slot's period the
//! holder renews it for 1–3 years. A person pays a renewal order; an organisation's slot takes an
//! unused slot of the organisation's paid package of the same kind (else: ask the admin). Once
//! paid, the slot's period is extended and the holder downloads a new signing certificate for
//! the same key (the CSR is signed with it, so the PIN was entered); the old certificate and its
//! encryption pair are revoked as superseded, and the escrowed encryption key continues.
//!
//! Reminders go by SMS 90, 30 and 7 days before a period ends (once each per period).

use mcert_core::clock::unix_millis;
use mcert_core::wire::RenewalStarted;
use serde_json::json;

use super::reissue::SlotIssue;
use super::{
    EntitlementKind, EntitlementStatus, Installed, OrderError, OrderStatus, Orders, ms_text,
    years_ms,
};
use crate::audit;
use crate::authz::OwnAccount;
use crate::store::Tx;

const DAY_MS: i64 = 86_400_000;
/// 延期 opens this long before the period ends.
pub const RENEWAL_WINDOW_MS: i64 = 90 * DAY_MS;
/// The reminders, in days before the period ends.
pub const REMINDER_DAYS: [i64; 3] = [90, 30, 7];

/// What starting a renewal needs to know of a slot.
#[derive(sqlx::FromRow)]
struct RenewableRow {
    kind: String,
    status: String,
    certificate_serial: Option<String>,
    valid_until: Option<i64>,
    org_id: Option<String>,
    renewal_due: i64,
}

/// An issued slot in its renewal window, as the reminders see it.
#[derive(sqlx::FromRow)]
struct ReminderRow {
    id: String,
    valid_until: i64,
    reminded_for: Option<i64>,
    reminded_days: Option<i64>,
    holder_account_id: Option<String>,
    certificate_serial: Option<String>,
    org_id: Option<String>,
}

/// Whether a slot in `status`, period ending at `valid_until`, may be renewed at `now`.
pub(super) fn renewable(status: &str, valid_until: Option<i64>, now: i64) -> bool {
    EntitlementStatus::parse(status) == Some(EntitlementStatus::Issued)
        && valid_until.is_some_and(|until| until > now && until - RENEWAL_WINDOW_MS <= now)
}

impl Orders {
    /// Starts 延期 of a slot the caller holds.
    pub async fn start_renewal(
        &self,
        owner: &OwnAccount,
        entitlement_id: &str,
        years: i64,
    ) -> Result<RenewalStarted, OrderError> {
        if !self.holds(owner, entitlement_id).await? {
            return Err(OrderError::UnknownEntitlement);
        }
        let slot: RenewableRow = sqlx::query_as(
            "SELECT kind, status, certificate_serial, valid_until, org_id, renewal_due
             FROM entitlements WHERE id = $1",
        )
        .bind(entitlement_id)
        .fetch_optional(self.store.pool())
        .await?
        .ok_or(OrderError::UnknownEntitlement)?;
        let now = unix_millis(self.clock.now());
        let until = slot
            .valid_until
            .ok_or(OrderError::NotInstallable(slot.status.clone()))?;
        if slot.renewal_due == 1 {
            return Ok(already_due(until));
        }
        if EntitlementStatus::parse(&slot.status) != Some(EntitlementStatus::Issued)
            || slot.certificate_serial.is_none()
        {
            return Err(OrderError::NotInstallable(slot.status));
        }
        if until <= now {
            return Err(OrderError::PeriodEnded);
        }
        if until - RENEWAL_WINDOW_MS > now {
            return Err(OrderError::NotYetRenewable(ms_text(
                until - RENEWAL_WINDOW_MS,
            )));
        }
        match &slot.org_id {
            Some(org_id) => {
                self.renew_from_package(owner, entitlement_id, org_id, &slot)
                    .await
            }
            None => {
                self.renewal_order(owner, entitlement_id, years, until)
                    .await
            }
        }
    }

    /// A person's renewal: the order to pay (an open one for the same slot is returned again).
    async fn renewal_order(
        &self,
        owner: &OwnAccount,
        entitlement_id: &str,
        years: i64,
        until: i64,
    ) -> Result<RenewalStarted, OrderError> {
        if !(1..=3).contains(&years) {
            return Err(OrderError::BadPeriod);
        }
        let (product_id, price, currency): (String, i64, String) = sqlx::query_as(
            "SELECT id, price_fen_per_year, currency FROM products
             WHERE purpose = 'renewal' AND active = 1 ORDER BY id LIMIT 1",
        )
        .fetch_optional(self.store.pool())
        .await?
        .ok_or(OrderError::UnknownProduct)?;
        let amount = price.checked_mul(years).ok_or(OrderError::BadPeriod)?;
        let now_t = self.clock.now();
        let now = unix_millis(now_t);
        let id = mcert_core::id::ulid(now_t).map_err(|e| OrderError::Internal(e.to_string()))?;
        let mut tx = self.store.begin().await?;
        // One open renewal order per slot: two taps at once make one order.
        crate::limits::lock(&mut tx, &format!("renewal:{entitlement_id}")).await?;
        let open: Option<String> = sqlx::query_scalar(
            "SELECT id FROM orders WHERE renews_entitlement_id = $1 AND status = $2",
        )
        .bind(entitlement_id)
        .bind(OrderStatus::AwaitingPayment.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let id = match open {
            Some(existing) => existing,
            None => {
                sqlx::query(
                    "INSERT INTO orders (id, account_id, product_id, years, amount_fen, currency, status, created_at, updated_at, renews_entitlement_id)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9)",
                )
                .bind(&id)
                .bind(owner.account_id())
                .bind(&product_id)
                .bind(years)
                .bind(amount)
                .bind(&currency)
                .bind(OrderStatus::AwaitingPayment.as_str())
                .bind(now)
                .bind(entitlement_id)
                .execute(&mut *tx)
                .await?;
                audit::append(
                    &mut tx,
                    self.store.engine(),
                    now,
                    &owner.actor().audit_name(),
                    "order.created",
                    &id,
                    &json!({"product": product_id, "years": years, "amount_fen": amount, "renews": entitlement_id}),
                )
                .await?;
                id
            }
        };
        tx.commit().await?;
        // An order already open for the slot takes the period asked now.
        let mut order = self.order(owner, &id).await?;
        if order.years != years {
            order = self.change_order(owner, &id, years).await?;
        }
        Ok(RenewalStarted {
            valid_until: ms_text(extended(until, until, order.years)?),
            order: Some(order),
            package_entitlement_id: None,
            due: false,
        })
    }

    /// An organisation's slot is renewed from an unused slot (no certificate downloaded yet,
    /// unassigned ones first) of the same kind in the organisation's paid packages; without one
    /// the holder is told to ask the admin.
    async fn renew_from_package(
        &self,
        owner: &OwnAccount,
        entitlement_id: &str,
        org_id: &str,
        slot: &RenewableRow,
    ) -> Result<RenewalStarted, OrderError> {
        let kind = EntitlementKind::parse(&slot.kind)
            .ok_or_else(|| OrderError::NotInstallable(slot.status.clone()))?;
        let now = unix_millis(self.clock.now());
        let mut tx = self.store.begin().await?;
        crate::limits::lock(&mut tx, &format!("renewal:{entitlement_id}")).await?;
        let (until, due): (Option<i64>, i64) =
            sqlx::query_as("SELECT valid_until, renewal_due FROM entitlements WHERE id = $1")
                .bind(entitlement_id)
                .fetch_one(&mut *tx)
                .await?;
        let until = until.ok_or_else(|| OrderError::NotInstallable(slot.status.clone()))?;
        if due == 1 {
            return Ok(already_due(until));
        }
        let unused: Option<(String, i64)> = sqlx::query_as(
            "SELECT id, years FROM entitlements
             WHERE org_id = $1 AND kind = $2 AND status IN ($3, $5) AND certificate_serial IS NULL AND id <> $4
             ORDER BY CASE WHEN status = $3 THEN 0 ELSE 1 END, created_at, id LIMIT 1",
        )
        .bind(org_id)
        .bind(kind.as_str())
        .bind(EntitlementStatus::Unassigned.as_str())
        .bind(entitlement_id)
        .bind(EntitlementStatus::Assigned.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let Some((package_slot, years)) = unused else {
            return Err(OrderError::AskAdmin);
        };
        let taken = sqlx::query(
            "UPDATE entitlements SET status = $1, renewed_entitlement_id = $2, updated_at = $3
             WHERE id = $4 AND status IN ($5, $6) AND certificate_serial IS NULL",
        )
        .bind(EntitlementStatus::Consumed.as_str())
        .bind(entitlement_id)
        .bind(now)
        .bind(&package_slot)
        .bind(EntitlementStatus::Unassigned.as_str())
        .bind(EntitlementStatus::Assigned.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if taken != 1 {
            return Err(OrderError::AskAdmin);
        }
        let new_until = self.extend_in(&mut tx, entitlement_id, years, now).await?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &owner.actor().audit_name(),
            "entitlement.renewal_from_package",
            entitlement_id,
            &json!({"package_slot": package_slot, "years": years}),
        )
        .await?;
        tx.commit().await?;
        Ok(RenewalStarted {
            order: None,
            package_entitlement_id: Some(package_slot),
            valid_until: ms_text(new_until),
            due: true,
        })
    }

    /// Inside a unit of work: the slot's period grows by `years` (from its end, or from now if
    /// it has ended) and its new certificate becomes due. Returns the new end.
    pub(super) async fn extend_in(
        &self,
        tx: &mut Tx,
        entitlement_id: &str,
        years: i64,
        now: i64,
    ) -> Result<i64, OrderError> {
        let until: Option<i64> =
            sqlx::query_scalar("SELECT valid_until FROM entitlements WHERE id = $1")
                .bind(entitlement_id)
                .fetch_optional(&mut **tx)
                .await?
                .flatten();
        let until = until.ok_or(OrderError::UnknownEntitlement)?;
        let new_until = extended(until, now, years)?;
        sqlx::query(
            "UPDATE entitlements SET valid_until = $1, renewal_due = 1, updated_at = $2 WHERE id = $3",
        )
        .bind(new_until)
        .bind(now)
        .bind(entitlement_id)
        .execute(&mut **tx)
        .await?;
        Ok(new_until)
    }

    /// Downloads the renewed certificate, or after a 变更 the one naming the new name: the CSR
    /// must be signed by the slot's current key.
    pub async fn renew(
        &self,
        owner: &OwnAccount,
        entitlement_id: &str,
        csr: &[u8],
    ) -> Result<Installed, OrderError> {
        let change_due: Option<i64> =
            sqlx::query_scalar("SELECT change_due FROM entitlements WHERE id = $1")
                .bind(entitlement_id)
                .fetch_optional(self.store.pool())
                .await?;
        let mode = if change_due == Some(1) {
            SlotIssue::Change
        } else {
            SlotIssue::Renew
        };
        self.issue_for_slot(owner, entitlement_id, csr, mode).await
    }

    /// Inside a renewal's unit of work: takes the due renewal (a concurrent download finds
    /// nothing due and stops).
    pub(super) async fn take_renewal_in(
        &self,
        tx: &mut Tx,
        entitlement_id: &str,
    ) -> Result<(), OrderError> {
        let taken = sqlx::query(
            "UPDATE entitlements SET renewal_due = 0 WHERE id = $1 AND renewal_due = 1",
        )
        .bind(entitlement_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if taken != 1 {
            return Err(OrderError::RenewalNotDue);
        }
        Ok(())
    }

    /// Sends the due expiry reminders (90, 30 and 7 days before a period ends) to each issued
    /// slot's holder, once per stage and period; returns how many were sent. Each reminder is
    /// recorded with its SMS in one unit of work, so a crash or a second worker sends none twice.
    pub async fn remind_expiring(&self) -> Result<usize, OrderError> {
        let now = unix_millis(self.clock.now());
        let rows: Vec<ReminderRow> = sqlx::query_as(
            "SELECT id, valid_until, reminded_for, reminded_days, holder_account_id, certificate_serial, org_id
             FROM entitlements
             WHERE status = $1 AND renewal_due = 0 AND valid_until > $2 AND valid_until <= $3",
        )
        .bind(EntitlementStatus::Issued.as_str())
        .bind(now)
        .bind(now + RENEWAL_WINDOW_MS)
        .fetch_all(self.store.pool())
        .await?;
        let mut sent = Vec::new();
        for row in rows {
            let ReminderRow {
                id,
                valid_until: until,
                reminded_for,
                reminded_days,
                holder_account_id: holder,
                certificate_serial: serial,
                org_id,
            } = row;
            let (Some(holder), Some(serial)) = (holder, serial) else {
                continue;
            };
            let days_left = (until - now) / DAY_MS;
            let days_shown = (until - now + DAY_MS - 1) / DAY_MS;
            let Some(stage) = REMINDER_DAYS
                .iter()
                .copied()
                .filter(|d| days_left < *d)
                .min()
            else {
                continue;
            };
            if reminded_for == Some(until) && reminded_days.is_some_and(|d| d <= stage) {
                continue;
            }
            let mut tx = self.store.begin().await?;
            let marked = sqlx::query(
                "UPDATE entitlements SET reminded_for = $1, reminded_days = $2
                 WHERE id = $3 AND valid_until = $1
                     AND (reminded_for IS NULL OR reminded_for <> $1 OR reminded_days > $2)",
            )
            .bind(until)
            .bind(stage)
            .bind(&id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if marked != 1 {
                continue;
            }
            let Some(phone) = crate::accounts::repo::phone_of_tx(&mut tx, &holder).await? else {
                continue;
            };
            let message = if org_id.is_some() {
                "sms-expiry-reminder-org"
            } else {
                "sms-expiry-reminder"
            };
            let text = crate::i18n::message(
                mcert_core::i18n::Locale::ZhCn,
                message,
                &[
                    ("serial", serial.into()),
                    (
                        "date",
                        ms_text(until).chars().take(10).collect::<String>().into(),
                    ),
                    ("days", days_shown.into()),
                ],
            );
            let job = self
                .outbox
                .enqueue_sms(&mut tx, &phone, &text)
                .await
                .map_err(|e| OrderError::Internal(e.to_string()))?;
            audit::append(
                &mut tx,
                self.store.engine(),
                now,
                "system",
                "entitlement.expiry_reminded",
                &id,
                &json!({"days": stage}),
            )
            .await?;
            tx.commit().await?;
            sent.push(job);
        }
        for job in &sent {
            self.outbox.deliver_now(job).await;
        }
        Ok(sent.len())
    }

    /// Whether the caller holds the slot.
    pub(super) async fn holds(
        &self,
        owner: &OwnAccount,
        entitlement_id: &str,
    ) -> Result<bool, OrderError> {
        Ok(self
            .held_entitlements(owner)
            .await?
            .iter()
            .any(|id| id == entitlement_id))
    }
}

/// A renewal already paid or taken from a package: its certificate waits for download.
fn already_due(until: i64) -> RenewalStarted {
    RenewalStarted {
        order: None,
        package_entitlement_id: None,
        valid_until: ms_text(until),
        due: true,
    }
}

/// The end of a period of `until` renewed by `years` at `now`.
fn extended(until: i64, now: i64, years: i64) -> Result<i64, OrderError> {
    until
        .max(now)
        .checked_add(years_ms(years)?)
        .ok_or(OrderError::BadPeriod)
}
