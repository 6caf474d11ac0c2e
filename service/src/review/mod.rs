//! STUB of the review queue's fixed interface (the domain is written in main): only what the
//! console calls, with an always-empty queue. Deleted when main's review domain is merged.

use crate::authz::ReviewerGrant;
use crate::store::StoreError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewKind {
    OrgApplication,
    CaAuthorisation,
}

impl ReviewKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewKind::OrgApplication => "org_application",
            ReviewKind::CaAuthorisation => "ca_authorisation",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "org_application" => Some(ReviewKind::OrgApplication),
            "ca_authorisation" => Some(ReviewKind::CaAuthorisation),
            _ => None,
        }
    }

    pub fn message_id(self) -> &'static str {
        match self {
            ReviewKind::OrgApplication => "review-kind-org-application",
            ReviewKind::CaAuthorisation => "review-kind-ca-authorisation",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReviewStatus {
    Pending,
    Approved,
    Rejected,
}

impl ReviewStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::Pending => "pending",
            ReviewStatus::Approved => "approved",
            ReviewStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(ReviewStatus::Pending),
            "approved" => Some(ReviewStatus::Approved),
            "rejected" => Some(ReviewStatus::Rejected),
            _ => None,
        }
    }

    pub fn message_id(self) -> &'static str {
        match self {
            ReviewStatus::Pending => "review-status-pending",
            ReviewStatus::Approved => "review-status-approved",
            ReviewStatus::Rejected => "review-status-rejected",
        }
    }
}

pub const PRESET_REASONS: &[&str] = &[
    "review-reason-unclear-material",
    "review-reason-licence-mismatch",
    "review-reason-missing-stamp",
    "review-reason-missing-signature",
    "review-reason-expired-licence",
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

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MaterialRef {
    pub upload_id: String,
    pub content_type: String,
    pub purpose: String,
    pub size: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewItem {
    pub id: String,
    pub kind: ReviewKind,
    pub status: ReviewStatus,
    pub subject_id: String,
    pub org_id: String,
    pub round: i64,
    pub facts: Vec<(String, String)>,
    pub materials: Vec<MaterialRef>,
    pub submitted_by: String,
    pub submitted_at: i64,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject { reason: String },
}

#[derive(Clone, Debug, Default)]
pub struct Reviews;

impl Reviews {
    pub async fn queue(
        &self,
        _grant: &ReviewerGrant,
        _status: Option<ReviewStatus>,
    ) -> Result<Vec<ReviewItem>, ReviewError> {
        Ok(Vec::new())
    }

    pub async fn item(&self, _grant: &ReviewerGrant, _id: &str) -> Result<ReviewItem, ReviewError> {
        Err(ReviewError::UnknownReview)
    }

    pub async fn material(
        &self,
        _grant: &ReviewerGrant,
        _review_id: &str,
        _upload_id: &str,
    ) -> Result<(String, Vec<u8>), ReviewError> {
        Err(ReviewError::UnknownReview)
    }

    pub async fn decide(
        &self,
        _grant: &ReviewerGrant,
        _id: &str,
        _decision: Decision,
    ) -> Result<ReviewItem, ReviewError> {
        Err(ReviewError::UnknownReview)
    }
}
