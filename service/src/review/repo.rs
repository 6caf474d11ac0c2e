//! The `reviews` table and its only owner.

use sqlx::AnyPool;

use super::{MaterialRef, ReviewError, ReviewItem};
use crate::store::Tx;

/// What is reviewed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReviewKind {
    /// An organisation's certificate application (an order).
    OrgApplication,
    /// An organisation's CA authorisation letter.
    CaAuthorisation,
    /// An organisation's seal (the photo and its cleaned picture).
    Seal,
    /// A person's handwritten signature (its cleaned picture).
    Signature,
}

impl ReviewKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewKind::OrgApplication => "org_application",
            ReviewKind::CaAuthorisation => "ca_authorisation",
            ReviewKind::Seal => "seal",
            ReviewKind::Signature => "signature",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "org_application" => Some(ReviewKind::OrgApplication),
            "ca_authorisation" => Some(ReviewKind::CaAuthorisation),
            "seal" => Some(ReviewKind::Seal),
            "signature" => Some(ReviewKind::Signature),
            _ => None,
        }
    }

    /// The Fluent message of its label (单位证书申请, CA 授权书).
    pub fn message_id(self) -> &'static str {
        match self {
            ReviewKind::OrgApplication => "review-kind-org-application",
            ReviewKind::CaAuthorisation => "review-kind-ca-authorisation",
            ReviewKind::Seal => "review-kind-seal",
            ReviewKind::Signature => "review-kind-signature",
        }
    }
}

/// A review's state: `pending → approved | rejected`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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

    /// The Fluent message of its label (待审核, 已通过, 已驳回).
    pub fn message_id(self) -> &'static str {
        match self {
            ReviewStatus::Pending => "review-status-pending",
            ReviewStatus::Approved => "review-status-approved",
            ReviewStatus::Rejected => "review-status-rejected",
        }
    }
}

macro_rules! select_reviews {
    ($rest:literal) => {
        concat!(
            "SELECT id, kind, subject_id, org_id, round, status, facts, materials, submitted_by, submitted_at, decided_by, decided_at, reason FROM reviews ",
            $rest
        )
    };
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReviewRow {
    pub id: String,
    pub kind: String,
    pub subject_id: String,
    pub org_id: Option<String>,
    pub round: i64,
    pub status: String,
    pub facts: String,
    pub materials: String,
    pub submitted_by: String,
    pub submitted_at: i64,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub reason: Option<String>,
}

impl ReviewRow {
    pub fn into_item(self, materials: Vec<MaterialRef>) -> Result<ReviewItem, ReviewError> {
        let kind = ReviewKind::parse(&self.kind)
            .ok_or_else(|| ReviewError::Internal(format!("unknown review kind {}", self.kind)))?;
        let status = ReviewStatus::parse(&self.status).ok_or_else(|| {
            ReviewError::Internal(format!("unknown review status {}", self.status))
        })?;
        let facts: Vec<[String; 2]> = serde_json::from_str(&self.facts)
            .map_err(|e| ReviewError::Internal(format!("review facts: {e}")))?;
        Ok(ReviewItem {
            id: self.id,
            kind,
            status,
            subject_id: self.subject_id,
            org_id: self.org_id,
            round: self.round,
            facts: facts.into_iter().map(|[k, v]| (k, v)).collect(),
            materials,
            submitted_by: self.submitted_by,
            submitted_at: self.submitted_at,
            decided_by: self.decided_by,
            decided_at: self.decided_at,
            reason: self.reason,
        })
    }
}

#[derive(Debug)]
pub struct NewReview<'a> {
    pub id: &'a str,
    pub kind: ReviewKind,
    pub subject_id: &'a str,
    pub org_id: Option<&'a str>,
    pub round: i64,
    pub facts: &'a str,
    pub materials: &'a str,
    pub submitted_by: &'a str,
    pub now: i64,
}

pub async fn insert(tx: &mut Tx, r: &NewReview<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO reviews (id, kind, subject_id, org_id, round, status, facts, materials, submitted_by, submitted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(r.id)
    .bind(r.kind.as_str())
    .bind(r.subject_id)
    .bind(r.org_id)
    .bind(r.round)
    .bind(ReviewStatus::Pending.as_str())
    .bind(r.facts)
    .bind(r.materials)
    .bind(r.submitted_by)
    .bind(r.now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn rounds_of(
    tx: &mut Tx,
    kind: ReviewKind,
    subject_id: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM reviews WHERE kind = $1 AND subject_id = $2")
        .bind(kind.as_str())
        .bind(subject_id)
        .fetch_one(&mut **tx)
        .await
}

pub async fn list(
    pool: &AnyPool,
    status: Option<ReviewStatus>,
) -> Result<Vec<ReviewRow>, sqlx::Error> {
    match status {
        Some(s) => {
            sqlx::query_as(select_reviews!(
                "WHERE status = $1 ORDER BY submitted_at, id LIMIT 500"
            ))
            .bind(s.as_str())
            .fetch_all(pool)
            .await
        }
        None => {
            sqlx::query_as(select_reviews!(
                "ORDER BY submitted_at DESC, id DESC LIMIT 500"
            ))
            .fetch_all(pool)
            .await
        }
    }
}

pub async fn get(pool: &AnyPool, id: &str) -> Result<Option<ReviewRow>, sqlx::Error> {
    sqlx::query_as(select_reviews!("WHERE id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await
}

pub async fn get_in(tx: &mut Tx, id: &str) -> Result<Option<ReviewRow>, sqlx::Error> {
    sqlx::query_as(select_reviews!("WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
}

/// Decides a pending review; false if it was not pending (decided by someone else).
pub async fn decide(
    tx: &mut Tx,
    id: &str,
    status: ReviewStatus,
    decided_by: &str,
    now: i64,
    reason: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let changed = sqlx::query(
        "UPDATE reviews SET status = $1, decided_by = $2, decided_at = $3, reason = $4
         WHERE id = $5 AND status = $6",
    )
    .bind(status.as_str())
    .bind(decided_by)
    .bind(now)
    .bind(reason)
    .bind(id)
    .bind(ReviewStatus::Pending.as_str())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(changed == 1)
}
