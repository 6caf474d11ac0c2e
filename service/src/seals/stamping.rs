//! What the scan's stamp sessions read of seals: the claimed seals bound to the certificates
//! an account holds, and one claimed seal with its picture and GB/T 38540 encoding.

use super::repo::{SealRow, SealStatus, select_seals};
use super::{SealError, Seals};

/// A claimed seal, ready to stamp with.
#[derive(Clone, Debug)]
pub struct StampableSeal {
    pub row: SealRow,
    /// The GB/T 38540 seal (DER) of a seal bound to an SM2 certificate.
    pub seal_der: Option<Vec<u8>>,
}

impl Seals {
    /// The claimed seals bound to any of `serials` (certificates the caller holds).
    pub async fn claimed_for_certificates(
        &self,
        serials: &[String],
    ) -> Result<Vec<SealRow>, SealError> {
        let mut out = Vec::new();
        for serial in serials {
            let rows: Vec<SealRow> = sqlx::query_as(select_seals!(
                "WHERE certificate_serial = $1 AND status = $2 ORDER BY created_at, id"
            ))
            .bind(serial)
            .bind(SealStatus::Claimed.as_str())
            .fetch_all(self.store.pool())
            .await?;
            out.extend(rows);
        }
        Ok(out)
    }

    /// A seal that is claimed now, with its GB/T 38540 encoding; `None` when it is unknown or
    /// not (or no longer) claimed.
    pub async fn claimed_seal(&self, seal_id: &str) -> Result<Option<StampableSeal>, SealError> {
        let row: Option<SealRow> = sqlx::query_as(select_seals!("WHERE id = $1 AND status = $2"))
            .bind(seal_id)
            .bind(SealStatus::Claimed.as_str())
            .fetch_optional(self.store.pool())
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let der: Option<(Option<Vec<u8>>,)> =
            sqlx::query_as("SELECT seal_der FROM seals WHERE id = $1")
                .bind(seal_id)
                .fetch_optional(self.store.pool())
                .await?;
        Ok(Some(StampableSeal {
            row,
            seal_der: der.and_then(|(d,)| d),
        }))
    }

    /// The cleaned picture (PNG) of a seal.
    pub async fn picture_png(&self, row: &SealRow) -> Result<Vec<u8>, SealError> {
        self.picture_of(row).await
    }
}
