//! One review queue for every kind of review (organisation applications, CA authorisation
//! letters, seals, handwritten signatures; change requests join later). A domain that needs a review
//! submits an item inside its own unit of work ([`submit_in`]); a reviewer reads the queue and
//! decides; the decision is applied by the owning domain in the same transaction as the
//! review's own change and its audit event, so a decision is never half-applied.

pub mod repo;

use std::sync::Arc;

use mcert_core::clock::{Clock, unix_millis};
use serde_json::json;

pub use repo::{ReviewKind, ReviewStatus};

use crate::audit;
use crate::authz::ReviewerGrant;
use crate::billing::Orders;
use crate::orgs::Orgs;
use crate::outbox::Outbox;
use crate::seals::Seals;
use crate::store::{Store, StoreError, Tx};
use crate::uploads::Uploads;

/// The one material of a signature review: the signature's cleaned picture.
pub const SIGNATURE_PICTURE: &str = "picture";

/// Longest free-text reason accepted.
pub const MAX_REASON_CHARS: usize = 200;

/// Preset reasons a reviewer picks from (Fluent message ids); free text is accepted too.
pub const PRESET_REASONS: &[&str] = &[
    "review-reason-unclear-material",
    "review-reason-licence-mismatch",
    "review-reason-missing-stamp",
    "review-reason-missing-signature",
    "review-reason-expired-licence",
    "review-reason-signature-unclear",
    "review-reason-signature-not-name",
];

#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    #[error("no such review")]
    UnknownReview,
    #[error("no such material in this review")]
    UnknownMaterial,
    #[error("the review was already decided ({0})")]
    AlreadyDecided(String),
    #[error("a reason of 1 to 200 characters is needed to reject")]
    BadReason,
    #[error("applying the decision failed: {0}")]
    Apply(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<sqlx::Error> for ReviewError {
    fn from(e: sqlx::Error) -> Self {
        ReviewError::Store(StoreError::Database(e))
    }
}

/// A material of a review (an upload), as the console lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MaterialRef {
    pub upload_id: String,
    pub content_type: String,
    pub purpose: String,
    pub size: i64,
}

/// One item of the queue with everything the reviewer sees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewItem {
    pub id: String,
    pub kind: ReviewKind,
    pub status: ReviewStatus,
    /// The organisation application's order, the organisation of an authorisation, the seal
    /// or the signature.
    pub subject_id: String,
    /// The organisation whose item it is; none for a person's signature.
    pub org_id: Option<String>,
    /// 1 for the first submission, +1 for each resubmission after a rejection.
    pub round: i64,
    /// (Fluent label id, value) pairs the submitting domain recorded: organisation name,
    /// credit code, legal representative, applicant, product, period, amount …
    pub facts: Vec<(String, String)>,
    pub materials: Vec<MaterialRef>,
    /// The submitting actor's audit name.
    pub submitted_by: String,
    /// Unix milliseconds.
    pub submitted_at: i64,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub reason: Option<String>,
}

/// What a reviewer decides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject { reason: String },
}

/// What a submitting domain records for the reviewer.
#[derive(Debug)]
pub struct Submission<'a> {
    pub kind: ReviewKind,
    pub subject_id: &'a str,
    pub org_id: Option<&'a str>,
    pub facts: Vec<(&'static str, String)>,
    pub materials: &'a [String],
    pub actor: &'a str,
}

/// Adds an item to the queue inside the submitting domain's unit of work. A subject has at
/// most one pending item (a unique index), so a double submission fails instead of doubling.
pub async fn submit_in(
    tx: &mut Tx,
    now_t: std::time::SystemTime,
    s: Submission<'_>,
) -> Result<String, ReviewError> {
    let now = unix_millis(now_t);
    let id = mcert_core::id::ulid(now_t).map_err(|e| ReviewError::Internal(e.to_string()))?;
    let round = repo::rounds_of(tx, s.kind, s.subject_id).await? + 1;
    let facts: Vec<[String; 2]> = s
        .facts
        .iter()
        .map(|(k, v)| [k.to_string(), v.clone()])
        .collect();
    repo::insert(
        tx,
        &repo::NewReview {
            id: &id,
            kind: s.kind,
            subject_id: s.subject_id,
            org_id: s.org_id,
            round,
            facts: &json!(facts).to_string(),
            materials: &json!(s.materials).to_string(),
            submitted_by: s.actor,
            now,
        },
    )
    .await?;
    Ok(id)
}

/// The review queue and decisions.
#[derive(Clone)]
pub struct Reviews {
    store: Store,
    clock: Arc<dyn Clock>,
    orders: Orders,
    orgs: Orgs,
    uploads: Uploads,
    outbox: Outbox,
    seals: Seals,
}

impl std::fmt::Debug for Reviews {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reviews").finish_non_exhaustive()
    }
}

impl Reviews {
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        orders: Orders,
        orgs: Orgs,
        uploads: Uploads,
        outbox: Outbox,
        seals: Seals,
    ) -> Self {
        Reviews {
            store,
            clock,
            orders,
            orgs,
            uploads,
            outbox,
            seals,
        }
    }

    /// The queue, oldest first; `status` filters (pending by default in the console).
    pub async fn queue(
        &self,
        _grant: &ReviewerGrant,
        status: Option<ReviewStatus>,
    ) -> Result<Vec<ReviewItem>, ReviewError> {
        let rows = repo::list(self.store.pool(), status).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(self.item_from(row).await?);
        }
        Ok(out)
    }

    pub async fn item(&self, _grant: &ReviewerGrant, id: &str) -> Result<ReviewItem, ReviewError> {
        let row = repo::get(self.store.pool(), id)
            .await?
            .ok_or(ReviewError::UnknownReview)?;
        self.item_from(row).await
    }

    async fn item_from(&self, row: repo::ReviewRow) -> Result<ReviewItem, ReviewError> {
        if row.kind == ReviewKind::Signature.as_str() {
            // A signature's material is its cleaned picture, kept with the signature.
            let size = self
                .seals
                .signature_picture_size(&row.subject_id)
                .await
                .map_err(|e| ReviewError::Internal(e.to_string()))?;
            let picture = MaterialRef {
                upload_id: SIGNATURE_PICTURE.to_string(),
                content_type: "image/png".to_string(),
                purpose: "signature_picture".to_string(),
                size,
            };
            return row.into_item(vec![picture]);
        }
        let ids: Vec<String> = serde_json::from_str(&row.materials).unwrap_or_default();
        let mut materials = Vec::with_capacity(ids.len());
        let Some(org_id) = row.org_id.as_deref() else {
            return row.into_item(materials);
        };
        for m in self
            .uploads
            .describe(org_id, &ids)
            .await
            .map_err(|e| ReviewError::Internal(e.to_string()))?
        {
            materials.push(MaterialRef {
                upload_id: m.id,
                content_type: m.content_type,
                purpose: m.purpose,
                size: i64::try_from(m.size).unwrap_or(i64::MAX),
            });
        }
        row.into_item(materials)
    }

    /// A material of a review, for showing inline: (content type, bytes). Only materials the
    /// review lists are served, so a reviewer link cannot reach other uploads.
    pub async fn material(
        &self,
        grant: &ReviewerGrant,
        review_id: &str,
        upload_id: &str,
    ) -> Result<(String, Vec<u8>), ReviewError> {
        let item = self.item(grant, review_id).await?;
        if !item.materials.iter().any(|m| m.upload_id == upload_id) {
            return Err(ReviewError::UnknownMaterial);
        }
        if item.kind == ReviewKind::Signature {
            let png = self.signature_picture(&item.subject_id).await?;
            return Ok(("image/png".to_string(), png));
        }
        let org_id = item.org_id.as_deref().ok_or(ReviewError::UnknownMaterial)?;
        self.uploads
            .body(org_id, upload_id)
            .await
            .map_err(|e| ReviewError::Internal(e.to_string()))?
            .ok_or(ReviewError::UnknownMaterial)
    }

    async fn signature_picture(&self, signature_id: &str) -> Result<Vec<u8>, ReviewError> {
        self.seals
            .signature_picture_for_review(signature_id)
            .await
            .map_err(|e| ReviewError::Internal(e.to_string()))
    }

    /// Decides a pending review; the owning domain applies it in the same transaction. Of
    /// concurrent decisions exactly one wins; the others find it decided.
    pub async fn decide(
        &self,
        grant: &ReviewerGrant,
        id: &str,
        decision: Decision,
    ) -> Result<ReviewItem, ReviewError> {
        let reason = match &decision {
            Decision::Approve => None,
            Decision::Reject { reason } => {
                let r = reason.trim();
                if r.is_empty() || r.chars().count() > MAX_REASON_CHARS {
                    return Err(ReviewError::BadReason);
                }
                Some(r.to_string())
            }
        };
        let status = if reason.is_some() {
            ReviewStatus::Rejected
        } else {
            ReviewStatus::Approved
        };
        let actor = grant.actor().audit_name();
        let now = unix_millis(self.clock.now());
        let mut tx = self.store.begin().await?;
        let row = repo::get_in(&mut tx, id)
            .await?
            .ok_or(ReviewError::UnknownReview)?;
        if !repo::decide(&mut tx, id, status, &actor, now, reason.as_deref()).await? {
            return Err(ReviewError::AlreadyDecided(row.status.clone()));
        }
        let kind = ReviewKind::parse(&row.kind)
            .ok_or_else(|| ReviewError::Internal(format!("unknown review kind {}", row.kind)))?;
        let texts = match kind {
            ReviewKind::OrgApplication => self
                .orders
                .apply_review_in(&mut tx, &row.subject_id, reason.as_deref(), &actor)
                .await
                .map_err(|e| ReviewError::Apply(e.to_string()))?,
            ReviewKind::CaAuthorisation => self
                .orgs
                .apply_review_in(&mut tx, &row.subject_id, reason.as_deref(), &actor)
                .await
                .map_err(|e| ReviewError::Apply(e.to_string()))?,
            ReviewKind::Seal => self
                .seals
                .apply_review_in(&mut tx, &row.subject_id, reason.as_deref())
                .await
                .map_err(|e| ReviewError::Apply(e.to_string()))?,
            ReviewKind::Signature => self
                .seals
                .apply_signature_review_in(&mut tx, &row.subject_id, reason.as_deref())
                .await
                .map_err(|e| ReviewError::Apply(e.to_string()))?,
        };
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &actor,
            match status {
                ReviewStatus::Approved => "review.approved",
                _ => "review.rejected",
            },
            id,
            &json!({"kind": kind.as_str(), "subject": row.subject_id, "reason": reason}),
        )
        .await?;
        tx.commit().await?;
        for job in &texts {
            self.outbox.deliver_now(job).await;
        }
        self.item(grant, id).await
    }
}
