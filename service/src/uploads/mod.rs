//! Uploaded materials (营业执照, the stamped authorisation letter …): size-limited, typed from
//! their content (JPEG, PNG, PDF only), images stripped of EXIF and other metadata, stored in
//! the database so that both engines and every service process see them. Served only to the
//! organisation's admins and to reviewers of a review that lists them.

mod sniff;

use std::sync::Arc;

use mcert_core::clock::{Clock, unix_millis};
use serde_json::json;

pub use mcert_core::wire::orgs::Upload;
pub use sniff::{Kind, SniffError};

use crate::audit;
use crate::authz::OrgAdmin;
use crate::seal_at_rest::SealingKey;
use crate::store::{Store, StoreError};
use zeroize::Zeroizing;

/// Largest file accepted.
pub const MAX_UPLOAD: usize = 5 * 1024 * 1024;

/// What an upload is for.
pub const PURPOSES: &[&str] = &[
    "business_licence",
    "authorisation_letter",
    "id_card",
    "seal_photo",
    "seal_picture",
    "other",
];

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("the file is larger than 5 MiB")]
    TooLarge,
    #[error("the file is empty")]
    Empty,
    #[error("unknown purpose {0}")]
    BadPurpose(String),
    #[error(transparent)]
    Type(#[from] SniffError),
    #[error("no such upload")]
    Unknown,
    #[error("too many uploads today")]
    TooMany,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<sqlx::Error> for UploadError {
    fn from(e: sqlx::Error) -> Self {
        UploadError::Store(StoreError::Database(e))
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
struct UploadRow {
    id: String,
    purpose: String,
    content_type: String,
    size: i64,
    sha256: String,
}

impl From<UploadRow> for Upload {
    fn from(r: UploadRow) -> Upload {
        Upload {
            id: r.id,
            content_type: r.content_type,
            size: u64::try_from(r.size).unwrap_or(0),
            purpose: r.purpose,
            sha256: r.sha256,
        }
    }
}

/// Uploads one organisation may make per day.
const UPLOADS_PER_DAY: crate::limits::Limit = crate::limits::Limit {
    max: 100,
    window: std::time::Duration::from_secs(86_400),
};

/// The uploads store (the `uploads` table's only owner). Bodies are sealed at rest (ID card
/// photos carry identity numbers in clear), bound to their upload's id.
#[derive(Clone)]
pub struct Uploads {
    store: Store,
    clock: Arc<dyn Clock>,
    seal: Arc<SealingKey>,
}

impl std::fmt::Debug for Uploads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Uploads").finish_non_exhaustive()
    }
}

impl Uploads {
    pub fn new(store: Store, clock: Arc<dyn Clock>, seal_key: Zeroizing<[u8; 32]>) -> Self {
        Uploads {
            store,
            clock,
            seal: Arc::new(SealingKey::new("upload seal", seal_key)),
        }
    }

    /// Stores a file an organisation's admin uploaded.
    pub async fn put(
        &self,
        admin: &OrgAdmin,
        purpose: &str,
        bytes: &[u8],
    ) -> Result<Upload, UploadError> {
        if !PURPOSES.contains(&purpose) {
            return Err(UploadError::BadPurpose(purpose.chars().take(40).collect()));
        }
        if bytes.is_empty() {
            return Err(UploadError::Empty);
        }
        if bytes.len() > MAX_UPLOAD {
            return Err(UploadError::TooLarge);
        }
        let kind = sniff::sniff(bytes)?;
        let body = sniff::clean(kind, bytes)?;
        let digest = hex::encode(mcert_core::crypto::hash::sha256(&body));
        let now_t = self.clock.now();
        let now = unix_millis(now_t);
        let id = mcert_core::id::ulid(now_t).map_err(|e| UploadError::Internal(e.to_string()))?;
        let size = i64::try_from(body.len()).map_err(|_| UploadError::TooLarge)?;
        let actor = admin.actor().audit_name();
        let sealed = self
            .seal
            .seal_bytes(id.as_bytes(), &body)
            .map_err(|_| UploadError::Internal("sealing failed".into()))?;
        let mut tx = self.store.begin().await?;
        if crate::limits::take(
            &mut tx,
            &format!("uploads:{}", admin.org_id()),
            UPLOADS_PER_DAY,
            now,
        )
        .await?
        .is_err()
        {
            return Err(UploadError::TooMany);
        }
        sqlx::query(
            "INSERT INTO uploads (id, org_id, uploaded_by, purpose, content_type, size, sha256, body, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(admin.org_id())
        .bind(&actor)
        .bind(purpose)
        .bind(kind.content_type())
        .bind(size)
        .bind(&digest)
        .bind(&sealed)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &actor,
            "upload.stored",
            &id,
            &json!({"org": admin.org_id(), "purpose": purpose, "type": kind.content_type(), "sha256": digest}),
        )
        .await?;
        tx.commit().await?;
        Ok(Upload {
            id,
            content_type: kind.content_type().to_string(),
            size: u64::try_from(size).unwrap_or(0),
            purpose: purpose.to_string(),
            sha256: digest,
        })
    }

    /// The organisation's uploads among `ids`, in the order given; ids of other organisations
    /// or unknown ids are left out.
    pub async fn describe(&self, org_id: &str, ids: &[String]) -> Result<Vec<Upload>, UploadError> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let row: Option<UploadRow> = sqlx::query_as(
                "SELECT id, purpose, content_type, size, sha256 FROM uploads WHERE id = $1 AND org_id = $2",
            )
            .bind(id)
            .bind(org_id)
            .fetch_optional(self.store.pool())
            .await?;
            if let Some(r) = row {
                out.push(r.into());
            }
        }
        Ok(out)
    }

    /// Checks that every id is an upload of the organisation.
    pub async fn ensure_all_of(&self, org_id: &str, ids: &[String]) -> Result<(), UploadError> {
        let found = self.describe(org_id, ids).await?;
        if found.len() != ids.len() {
            return Err(UploadError::Unknown);
        }
        Ok(())
    }

    /// (content type, bytes) of an upload of the organisation.
    pub async fn body(
        &self,
        org_id: &str,
        id: &str,
    ) -> Result<Option<(String, Vec<u8>)>, UploadError> {
        let row: Option<(String, Vec<u8>)> =
            sqlx::query_as("SELECT content_type, body FROM uploads WHERE id = $1 AND org_id = $2")
                .bind(id)
                .bind(org_id)
                .fetch_optional(self.store.pool())
                .await?;
        let Some((content_type, sealed)) = row else {
            return Ok(None);
        };
        let body = self
            .seal
            .open_bytes(id.as_bytes(), &sealed)
            .map_err(|_| UploadError::Internal("an upload does not open under its key".into()))?;
        Ok(Some((content_type, body.to_vec())))
    }

    /// An upload, for an admin of its organisation.
    pub async fn get(&self, admin: &OrgAdmin, id: &str) -> Result<(String, Vec<u8>), UploadError> {
        self.body(admin.org_id(), id)
            .await?
            .ok_or(UploadError::Unknown)
    }
}
