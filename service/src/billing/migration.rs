//! Moving a certificate to a new phone without a new real-name check (beyond the seeds, as
//! Smart-ID does): the old phone, logged in to the account, shows a QR code with a one-time
//! secret; the new phone, logged in to the same account (SMS to the same number), scans it and
//! sends the CSR of its new signing key; both phones show a six-digit code derived from that
//! CSR; the old phone approves by signing the migration, the slot and the CSR's digest with the
//! slot's current key (its PIN). Then, in one unit of work, the new phone's certificate is
//! issued with the slot's escrowed encryption keys and the old certificate is revoked
//! (superseded). Nobody without the old phone and its PIN can move a certificate.

use base64ct::Encoding;
use mcert_core::clock::unix_millis;
use mcert_core::crypto::hash;
use mcert_core::wire::{Installed, Migration, MigrationQr, MigrationStarted};
use serde_json::json;

use super::reissue::SlotIssue;
use super::{EntitlementStatus, OrderError, Orders, ms_text};
use crate::audit;
use crate::authz::OwnAccount;
use crate::store::Tx;

/// How long the old phone's QR code (and the whole move) stays open.
pub const MIGRATION_TTL_MS: i64 = 10 * 60 * 1000;

#[derive(sqlx::FromRow)]
struct MigrationRow {
    id: String,
    account_id: String,
    entitlement_id: String,
    old_serial: String,
    algorithm: String,
    secret_mac: String,
    status: String,
    csr: Option<Vec<u8>>,
    csr_sha256: Option<String>,
    installed: Option<String>,
    expires_at: i64,
}

const SELECT: &str = "SELECT id, account_id, entitlement_id, old_serial, algorithm, secret_mac, status, csr, csr_sha256, installed, expires_at
     FROM device_migrations WHERE id = $1";

fn secret_mac(secret: &str) -> String {
    hex::encode(hash::sha256(
        [b"mcert migration secret:".as_slice(), secret.as_bytes()]
            .concat()
            .as_slice(),
    ))
}

/// The six digits both phones show, from the new phone's CSR digest.
fn code_of(csr_sha256: &str) -> Option<String> {
    let bytes = hex::decode(csr_sha256).ok()?;
    let head: [u8; 4] = bytes.get(..4)?.try_into().ok()?;
    Some(format!("{:06}", u32::from_be_bytes(head) % 1_000_000))
}

impl MigrationRow {
    /// `open` and `requested` moves past their time read as `expired`.
    fn status_at(&self, now: i64) -> &str {
        if matches!(self.status.as_str(), "open" | "requested") && self.expires_at <= now {
            "expired"
        } else {
            &self.status
        }
    }

    fn view(&self, now: i64) -> Result<Migration, OrderError> {
        let status = self.status_at(now).to_string();
        let installed = match &self.installed {
            Some(text) => Some(
                serde_json::from_str::<Installed>(text)
                    .map_err(|e| OrderError::Internal(e.to_string()))?,
            ),
            None => None,
        };
        Ok(Migration {
            id: self.id.clone(),
            entitlement_id: self.entitlement_id.clone(),
            serial: self.old_serial.clone(),
            algorithm: self.algorithm.clone(),
            status_label: crate::i18n::message(
                mcert_core::i18n::Locale::ZhCn,
                &format!("migration-status-{status}"),
                &[],
            ),
            status,
            code: self.csr_sha256.as_deref().and_then(code_of),
            csr_sha256: self.csr_sha256.clone(),
            expires_at: ms_text(self.expires_at),
            installed,
        })
    }
}

impl Orders {
    /// The old phone starts moving the slot's certificate: a QR code for the new phone. An
    /// earlier open move of the slot is cancelled.
    pub async fn start_migration(
        &self,
        owner: &OwnAccount,
        entitlement_id: &str,
    ) -> Result<MigrationStarted, OrderError> {
        if !self.holds(owner, entitlement_id).await? {
            return Err(OrderError::UnknownEntitlement);
        }
        let status: String = sqlx::query_scalar("SELECT status FROM entitlements WHERE id = $1")
            .bind(entitlement_id)
            .fetch_one(self.store.pool())
            .await?;
        if EntitlementStatus::parse(&status) != Some(EntitlementStatus::Issued) {
            return Err(OrderError::NotInstallable(status));
        }
        let (serial, key) = self.current_key(entitlement_id).await?;
        let algorithm = key.algorithm();
        let mut raw = zeroize::Zeroizing::new([0u8; 32]);
        getrandom::fill(raw.as_mut()).map_err(|_| OrderError::Internal("no randomness".into()))?;
        let secret = base64ct::Base64UrlUnpadded::encode_string(raw.as_ref());
        let now_t = self.clock.now();
        let now = unix_millis(now_t);
        let id = mcert_core::id::ulid(now_t).map_err(|e| OrderError::Internal(e.to_string()))?;
        let mut tx = self.store.begin().await?;
        sqlx::query(
            "UPDATE device_migrations SET status = 'cancelled', updated_at = $1
             WHERE entitlement_id = $2 AND status IN ('open', 'requested')",
        )
        .bind(now)
        .bind(entitlement_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO device_migrations (id, account_id, entitlement_id, old_serial, algorithm, secret_mac, status, created_at, expires_at, updated_at)
             VALUES ($1, $2, $3, $4, $8, $5, 'open', $6, $7, $6)",
        )
        .bind(&id)
        .bind(owner.account_id())
        .bind(entitlement_id)
        .bind(&serial)
        .bind(secret_mac(&secret))
        .bind(now)
        .bind(now + MIGRATION_TTL_MS)
        .bind(algorithm.as_str())
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &owner.actor().audit_name(),
            "migration.started",
            &id,
            &json!({"entitlement": entitlement_id, "serial": serial}),
        )
        .await?;
        tx.commit().await?;
        let qr = MigrationQr {
            id: id.clone(),
            secret,
        }
        .to_text();
        Ok(MigrationStarted {
            migration: self.migration(owner, &id).await?,
            qr,
        })
    }

    /// A move of the caller's account.
    pub async fn migration(&self, owner: &OwnAccount, id: &str) -> Result<Migration, OrderError> {
        self.migration_row(owner, id)
            .await?
            .view(unix_millis(self.clock.now()))
    }

    async fn migration_row(
        &self,
        owner: &OwnAccount,
        id: &str,
    ) -> Result<MigrationRow, OrderError> {
        let row: MigrationRow = sqlx::query_as(SELECT)
            .bind(id)
            .fetch_optional(self.store.pool())
            .await?
            .ok_or(OrderError::UnknownMigration)?;
        // Another account's move is not shown to exist.
        if !hash::ct_eq(row.account_id.as_bytes(), owner.account_id().as_bytes()) {
            return Err(OrderError::UnknownMigration);
        }
        Ok(row)
    }

    /// The new phone, having scanned the QR code, asks for the certificate with its CSR.
    pub async fn request_migration(
        &self,
        owner: &OwnAccount,
        qr: &MigrationQr,
        csr_bytes: &[u8],
    ) -> Result<Migration, OrderError> {
        let row = self.migration_row(owner, &qr.id).await?;
        let now = unix_millis(self.clock.now());
        if !hash::ct_eq(secret_mac(&qr.secret).as_bytes(), row.secret_mac.as_bytes()) {
            return Err(OrderError::UnknownMigration);
        }
        let status = row.status_at(now);
        if status != "open" {
            return Err(OrderError::MigrationClosed(status.to_string()));
        }
        let requested = super::entitlements::requested_key(csr_bytes)?;
        // The slot's escrowed keys are delivered to a signing key of the same algorithm.
        let (_, current) = self.current_key(&row.entitlement_id).await?;
        if requested.algorithm() != current.algorithm() {
            return Err(OrderError::Authority(
                crate::authority::AuthorityError::BadRequest(
                    mcert_core::crypto::Error::AlgorithmMismatch,
                ),
            ));
        }
        if requested == current {
            return Err(OrderError::Authority(
                crate::authority::AuthorityError::BadRequest(mcert_core::crypto::Error::Csr(
                    "the new phone must make its own key",
                )),
            ));
        }
        let digest = hex::encode(hash::sha256(csr_bytes));
        let changed = sqlx::query(
            "UPDATE device_migrations SET status = 'requested', csr = $1, csr_sha256 = $2, updated_at = $3
             WHERE id = $4 AND status = 'open' AND expires_at > $3",
        )
        .bind(csr_bytes)
        .bind(&digest)
        .bind(now)
        .bind(&row.id)
        .execute(self.store.pool())
        .await?
        .rows_affected();
        if changed != 1 {
            return Err(OrderError::MigrationClosed("requested".into()));
        }
        self.migration(owner, &row.id).await
    }

    /// The old phone approves: `signature` by the slot's current key over
    /// [`mcert_core::wire::migration_approval_message`]. Issues the new phone's certificate.
    pub async fn approve_migration(
        &self,
        owner: &OwnAccount,
        id: &str,
        signature: &[u8],
    ) -> Result<Migration, OrderError> {
        let row = self.migration_row(owner, id).await?;
        let now = unix_millis(self.clock.now());
        let status = row.status_at(now);
        if status != "requested" {
            return Err(OrderError::MigrationClosed(status.to_string()));
        }
        let (Some(csr_bytes), Some(digest)) = (&row.csr, &row.csr_sha256) else {
            return Err(OrderError::MigrationClosed(status.to_string()));
        };
        let (serial, key) = self.current_key(&row.entitlement_id).await?;
        if serial != row.old_serial {
            return Err(OrderError::MigrationClosed("cancelled".into()));
        }
        let message =
            mcert_core::wire::migration_approval_message(&row.id, &row.entitlement_id, digest);
        key.verify(&message, signature)
            .map_err(|_| OrderError::BadApproval)?;
        self.issue_for_slot(
            owner,
            &row.entitlement_id,
            csr_bytes,
            SlotIssue::Migrate { id: &row.id },
        )
        .await?;
        self.migration(owner, id).await
    }

    /// Either phone cancels a move not yet approved.
    pub async fn cancel_migration(
        &self,
        owner: &OwnAccount,
        id: &str,
    ) -> Result<Migration, OrderError> {
        let row = self.migration_row(owner, id).await?;
        let now = unix_millis(self.clock.now());
        let changed = sqlx::query(
            "UPDATE device_migrations SET status = 'cancelled', updated_at = $1
             WHERE id = $2 AND status IN ('open', 'requested')",
        )
        .bind(now)
        .bind(&row.id)
        .execute(self.store.pool())
        .await?
        .rows_affected();
        if changed != 1 {
            return Err(OrderError::MigrationClosed(row.status_at(now).to_string()));
        }
        self.migration(owner, id).await
    }

    /// Inside the move's unit of work: takes the requested move (a concurrent approval finds
    /// it taken and issues nothing).
    pub(super) async fn take_migration_in(&self, tx: &mut Tx, id: &str) -> Result<(), OrderError> {
        let now = unix_millis(self.clock.now());
        let taken = sqlx::query(
            "UPDATE device_migrations SET status = 'approved', updated_at = $1
             WHERE id = $2 AND status = 'requested' AND expires_at > $1",
        )
        .bind(now)
        .bind(id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if taken != 1 {
            return Err(OrderError::MigrationClosed("approved".into()));
        }
        Ok(())
    }

    /// Inside the move's unit of work: what the new phone collects.
    pub(super) async fn migration_done_in(
        &self,
        tx: &mut Tx,
        id: &str,
        installed: &Installed,
    ) -> Result<(), OrderError> {
        let text =
            serde_json::to_string(installed).map_err(|e| OrderError::Internal(e.to_string()))?;
        sqlx::query("UPDATE device_migrations SET new_serial = $1, installed = $2 WHERE id = $3")
            .bind(&installed.serial)
            .bind(text)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }
}
