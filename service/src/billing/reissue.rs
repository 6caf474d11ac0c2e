//! 补办 / 补发 and PIN reset: a new signing key (on a new phone, after reinstalling, or because
//! the PIN is forgotten) gets a new certificate for the same slot after the holder passed
//! real-name and face verification again; the slot's current certificate and its encryption
//! pair are revoked (superseded) in the same unit of work, and the slot's escrowed encryption
//! keys come with the new certificate, so every bid sealed before still opens. The user does
//! not buy again: the slot's period continues.

use mcert_core::clock::unix_millis;
use mcert_core::crypto::revocation::RevocationReason;
use mcert_core::wire::ReissueReason;

use super::{Installed, OrderError, Orders};
use crate::authority::AuthorityError;
use crate::authz::OwnAccount;
use crate::store::Tx;

/// How long a real-name + face verification counts as fresh for a reissue.
pub const REVERIFY_WINDOW_MS: i64 = 10 * 60 * 1000;

/// Why a slot's certificate is being issued.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlotIssue<'a> {
    /// The slot's first certificate (or a new holder's).
    Install,
    /// Again, for a new key, on the strength of the real-name verification made at
    /// `verified_at` (Unix ms): each verification serves one reissue.
    Reissue {
        reason: ReissueReason,
        verified_at: i64,
    },
    /// 延期: the same key, for the period a paid renewal extended.
    Renew,
    /// 变更: the same key, naming the organisation's new name after its paid change.
    Change,
    /// To a new phone's key, approved by the old phone (the migration `id`).
    Migrate { id: &'a str },
}

impl SlotIssue<'_> {
    /// Whether the slot's current certificate is replaced (the slot must be issued).
    pub fn replaces(self) -> bool {
        !matches!(self, SlotIssue::Install)
    }
}

impl Orders {
    /// Reissues the certificate of a slot the caller holds for the key in `csr`. The caller's
    /// real-name and face verification must be fresh (within [`REVERIFY_WINDOW_MS`]).
    pub async fn reissue(
        &self,
        owner: &OwnAccount,
        entitlement_id: &str,
        csr: &[u8],
        reason: ReissueReason,
    ) -> Result<Installed, OrderError> {
        let verified_at = self
            .identities
            .verified_at(owner.account_id())
            .await
            .map_err(|e| OrderError::Internal(e.to_string()))?
            .ok_or(OrderError::IdentityRequired)?;
        if verified_at < unix_millis(self.clock.now()) - REVERIFY_WINDOW_MS {
            return Err(OrderError::ReverifyRequired);
        }
        self.issue_for_slot(
            owner,
            entitlement_id,
            csr,
            SlotIssue::Reissue {
                reason,
                verified_at,
            },
        )
        .await
    }

    /// Inside the unit of work of a certificate issued again (a new phone, a PIN reset, a
    /// move to a new phone): the SMS to the account's phone that the old one is revoked. A
    /// renewal keeps its key on the same phone and says nothing.
    pub(super) async fn replaced_notice(
        &self,
        tx: &mut Tx,
        owner: &OwnAccount,
        mode: SlotIssue<'_>,
        serial: &str,
    ) -> Result<Option<crate::outbox::Enqueued>, OrderError> {
        let id = match mode {
            SlotIssue::Reissue {
                reason: ReissueReason::NewDevice,
                ..
            } => "sms-reissued-new-device",
            SlotIssue::Reissue {
                reason: ReissueReason::PinReset,
                ..
            } => "sms-reissued-pin-reset",
            SlotIssue::Migrate { .. } => "sms-migrated",
            SlotIssue::Install | SlotIssue::Renew | SlotIssue::Change => return Ok(None),
        };
        let phone = crate::accounts::repo::phone_of_tx(tx, owner.account_id())
            .await?
            .ok_or_else(|| OrderError::Internal("account without phone".into()))?;
        let text = crate::i18n::message(
            mcert_core::i18n::Locale::ZhCn,
            id,
            &[("serial", serial.to_string().into())],
        );
        self.outbox
            .enqueue_sms(tx, &phone, &text)
            .await
            .map(Some)
            .map_err(|e| OrderError::Internal(e.to_string()))
    }

    /// Inside the unit of work of a new key for the slot (补办, a move): refuses while the
    /// slot's current certificate is good and a platform told of a bid sealed to it that opens
    /// later. Such a bid is sealed to the signing key itself (not an escrowed encryption key),
    /// so a new key would leave it unopenable. After 挂失 the certificate is revoked and the key
    /// counts as lost: nothing is refused.
    pub(super) async fn ensure_no_sealed_bid_in(
        &self,
        tx: &mut Tx,
        entitlement_id: &str,
    ) -> Result<(), OrderError> {
        let now = unix_millis(self.clock.now());
        let opening: Option<i64> = sqlx::query_scalar(
            "SELECT MIN(b.opening_at) FROM sealed_bids b
             JOIN entitlements e ON e.certificate_serial = b.recipient_serial
             JOIN certificates c ON c.serial = b.recipient_serial
             WHERE e.id = $1 AND c.status = 'good' AND b.opening_at > $2",
        )
        .bind(entitlement_id)
        .bind(now)
        .fetch_one(&mut **tx)
        .await?;
        match opening {
            Some(at) => Err(OrderError::SealedBidPending(mcert_core::clock::rfc3339(
                mcert_core::clock::from_unix_millis(at),
            ))),
            None => Ok(()),
        }
    }

    /// Inside a reissue's unit of work: spends the verification on this slot (a concurrent
    /// reissue on the same verification finds it spent and stops).
    pub(super) async fn spend_verification_in(
        &self,
        tx: &mut Tx,
        entitlement_id: &str,
        verified_at: i64,
    ) -> Result<(), OrderError> {
        let spent = sqlx::query(
            "UPDATE entitlements SET reissue_verified_at = $1
             WHERE id = $2 AND (reissue_verified_at IS NULL OR reissue_verified_at < $1)",
        )
        .bind(verified_at)
        .bind(entitlement_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if spent != 1 {
            return Err(OrderError::ReverifyRequired);
        }
        Ok(())
    }

    /// Inside a unit of work that issues the slot a new certificate: takes the slot's current
    /// certificate off it and revokes it and its encryption pair for `reason` (superseded, or
    /// affiliationChanged after a 变更; one already revoked, say after 挂失, stays as it is).
    pub(super) async fn supersede_in(
        &self,
        tx: &mut Tx,
        entitlement_id: &str,
        reason: RevocationReason,
        actor: &str,
    ) -> Result<String, OrderError> {
        let current: Option<(Option<String>,)> =
            sqlx::query_as("SELECT certificate_serial FROM entitlements WHERE id = $1")
                .bind(entitlement_id)
                .fetch_optional(&mut **tx)
                .await?;
        let Some(serial) = current.and_then(|c| c.0) else {
            return Err(OrderError::NotInstallable("issued".into()));
        };
        let taken = sqlx::query(
            "UPDATE entitlements SET certificate_serial = NULL WHERE id = $1 AND certificate_serial = $2",
        )
        .bind(entitlement_id)
        .bind(&serial)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if taken != 1 {
            return Err(OrderError::NotInstallable("issued".into()));
        }
        let pair = crate::keys::repo::pair_of(&mut **tx, &serial).await?;
        for s in std::iter::once(serial.clone()).chain(pair) {
            match self.authority.revoke_in(tx, &s, reason, actor).await {
                Ok(()) | Err(AuthorityError::AlreadyRevoked(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(serial)
    }
}
