//! What the scan's stamp sessions read of seals: the claimed seals and the active personal
//! signatures bound to the certificates an account holds, and one of them with its picture and
//! GB/T 38540 encoding.

use super::repo::{SealStatus, kind_label};
use super::signatures::PERSONAL_KIND;
use super::{SealError, Seals};

/// A claimed organisation seal or an active personal signature, ready to stamp with.
#[derive(Clone, Debug)]
pub struct StampableSeal {
    pub id: String,
    /// A seal kind (`official`, …) or [`PERSONAL_KIND`].
    pub kind: String,
    /// 企业公章, …, 个人签章.
    pub kind_label: String,
    pub name: String,
    /// The certificate it is bound to.
    pub certificate_serial: String,
    pub width_mm: i64,
    pub height_mm: i64,
    /// The GB/T 38540 seal (DER) when bound to an SM2 certificate.
    pub seal_der: Option<Vec<u8>>,
    /// The P-256 seal maker's binding when bound to a P-256 certificate.
    pub binding: Option<Vec<u8>>,
    /// Where the picture is: an organisation's upload, or the signature's own row.
    picture: Picture,
}

#[derive(Clone, Debug)]
enum Picture {
    Upload { org_id: String, upload_id: String },
    Signature,
}

/// One row of either table: a signature reads as the kind [`PERSONAL_KIND`] with no upload.
#[derive(sqlx::FromRow)]
struct StampableRow {
    id: String,
    kind: String,
    name: String,
    certificate_serial: String,
    width_mm: i64,
    height_mm: i64,
    seal_der: Option<Vec<u8>>,
    binding: Option<Vec<u8>>,
    org_id: String,
    picture_upload_id: String,
}

impl From<StampableRow> for StampableSeal {
    fn from(r: StampableRow) -> Self {
        let picture = if r.kind == PERSONAL_KIND {
            Picture::Signature
        } else {
            Picture::Upload {
                org_id: r.org_id,
                upload_id: r.picture_upload_id,
            }
        };
        StampableSeal {
            kind_label: kind_label(&r.kind),
            id: r.id,
            kind: r.kind,
            name: r.name,
            certificate_serial: r.certificate_serial,
            width_mm: r.width_mm,
            height_mm: r.height_mm,
            seal_der: r.seal_der,
            binding: r.binding,
            picture,
        }
    }
}

/// `SELECT <StampableRow> FROM seals <rest>` as a static string.
macro_rules! seal_columns {
    ($rest:literal) => {
        concat!(
            "SELECT id, kind, name, certificate_serial, width_mm, height_mm, seal_der, binding,
                 org_id, picture_upload_id
             FROM seals ",
            $rest
        )
    };
}

/// `SELECT <StampableRow> FROM signatures <rest>` as a static string.
macro_rules! signature_columns {
    ($rest:literal) => {
        concat!(
            "SELECT id, 'personal' AS kind, name, certificate_serial, width_mm, height_mm, seal_der,
                 binding, '' AS org_id, '' AS picture_upload_id
             FROM signatures ",
            $rest
        )
    };
}

impl Seals {
    /// The claimed seals and active personal signatures bound to any of `serials`
    /// (certificates the caller holds).
    pub async fn claimed_for_certificates(
        &self,
        serials: &[String],
    ) -> Result<Vec<StampableSeal>, SealError> {
        let mut out = Vec::new();
        for serial in serials {
            let seals: Vec<StampableRow> = sqlx::query_as(seal_columns!(
                "WHERE certificate_serial = $1 AND status = $2 ORDER BY created_at, id"
            ))
            .bind(serial)
            .bind(SealStatus::Claimed.as_str())
            .fetch_all(self.store.pool())
            .await?;
            out.extend(seals.into_iter().map(StampableSeal::from));
            let signatures: Vec<StampableRow> = sqlx::query_as(signature_columns!(
                "WHERE certificate_serial = $1 AND status = 'active'"
            ))
            .bind(serial)
            .fetch_all(self.store.pool())
            .await?;
            out.extend(signatures.into_iter().map(StampableSeal::from));
        }
        Ok(out)
    }

    /// A seal that is claimed now, or a personal signature that is active now, with its
    /// GB/T 38540 encoding; `None` when it is unknown or no longer usable.
    pub async fn claimed_seal(&self, seal_id: &str) -> Result<Option<StampableSeal>, SealError> {
        let seal: Option<StampableRow> =
            sqlx::query_as(seal_columns!("WHERE id = $1 AND status = $2"))
                .bind(seal_id)
                .bind(SealStatus::Claimed.as_str())
                .fetch_optional(self.store.pool())
                .await?;
        if let Some(seal) = seal {
            return Ok(Some(seal.into()));
        }
        let signature: Option<StampableRow> =
            sqlx::query_as(signature_columns!("WHERE id = $1 AND status = 'active'"))
                .bind(seal_id)
                .fetch_optional(self.store.pool())
                .await?;
        Ok(signature.map(StampableSeal::from))
    }

    /// The picture (PNG) of a seal or signature.
    pub async fn picture_png(&self, seal: &StampableSeal) -> Result<Vec<u8>, SealError> {
        match &seal.picture {
            Picture::Upload { org_id, upload_id } => {
                let (_, png) = self
                    .uploads
                    .body(org_id, upload_id)
                    .await
                    .map_err(super::internal)?
                    .ok_or(SealError::UnknownSeal)?;
                Ok(png)
            }
            Picture::Signature => self.signature_picture_of(&seal.id).await,
        }
    }
}
