//! The expiry guard's second half: a platform tells of a bid it sealed (the recipient
//! certificate and the opening time). A bid sealed to an escrowed encryption certificate opens
//! whatever happens to the phone; one sealed to a signing certificate (its key only on the
//! phone) keeps that certificate from being replaced by a new key until the opening (see
//! `billing::reissue`).

use mcert_core::clock::{from_unix_millis, rfc3339, unix_millis};
use mcert_core::wire::{NotedSealedBid, SealedBidNotice};

use super::{SessionError, Sessions, invalid};
use crate::platforms::RegisteredPlatform;

impl Sessions {
    /// Notes a sealed bid of `platform` (the same notice twice is noted once).
    pub async fn note_sealed_bid(
        &self,
        platform: &RegisteredPlatform,
        notice: &SealedBidNotice,
    ) -> Result<NotedSealedBid, SessionError> {
        let serial = notice.recipient_serial.trim().to_ascii_uppercase();
        if serial.is_empty() || serial.len() > 40 || !serial.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return Err(invalid("recipient_serial must be 1 to 40 hex digits"));
        }
        let opening_at = self.opening_time(&notice.opening_at)?;
        let profile: Option<String> =
            sqlx::query_scalar("SELECT profile FROM certificates WHERE serial = $1")
                .bind(&serial)
                .fetch_optional(self.store.pool())
                .await?;
        let profile =
            profile.ok_or_else(|| invalid("recipient_serial is not a certificate of this CA"))?;
        let now_t = self.clock.now();
        let id = mcert_core::id::ulid(now_t).map_err(|e| SessionError::Internal(e.to_string()))?;
        sqlx::query(
            "INSERT INTO sealed_bids (id, platform_id, recipient_serial, opening_at, created_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (platform_id, recipient_serial, opening_at) DO NOTHING",
        )
        .bind(&id)
        .bind(&platform.id)
        .bind(&serial)
        .bind(opening_at)
        .bind(unix_millis(now_t))
        .execute(self.store.pool())
        .await?;
        Ok(NotedSealedBid {
            recipient_serial: serial,
            opening_at: rfc3339(from_unix_millis(opening_at)),
            escrowed: crate::ca::repo::ENCRYPTION_PROFILES.contains(&profile.as_str()),
        })
    }
}
