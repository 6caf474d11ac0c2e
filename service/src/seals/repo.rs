//! The `seals` table and its only owner: typed rows and the seal's states.

use mcert_core::clock::{from_unix_millis, rfc3339};
use mcert_core::wire::seals::Seal;

use crate::store::Tx;

/// A seal's state: `draft → pending_review → approved → claimed`, or `rejected` (resubmitted
/// as a new round), and `void` once its certificate is revoked or replaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SealStatus {
    Draft,
    PendingReview,
    Approved,
    Rejected,
    Claimed,
    Void,
}

impl SealStatus {
    pub const ALL: [SealStatus; 6] = [
        SealStatus::Draft,
        SealStatus::PendingReview,
        SealStatus::Approved,
        SealStatus::Rejected,
        SealStatus::Claimed,
        SealStatus::Void,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SealStatus::Draft => "draft",
            SealStatus::PendingReview => "pending_review",
            SealStatus::Approved => "approved",
            SealStatus::Rejected => "rejected",
            SealStatus::Claimed => "claimed",
            SealStatus::Void => "void",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// 待提交, 待审核, 已通过, 未通过, 已申领, 已作废.
    pub fn message_id(self) -> &'static str {
        match self {
            SealStatus::Draft => "seal-status-draft",
            SealStatus::PendingReview => "seal-status-pending-review",
            SealStatus::Approved => "seal-status-approved",
            SealStatus::Rejected => "seal-status-rejected",
            SealStatus::Claimed => "seal-status-claimed",
            SealStatus::Void => "seal-status-void",
        }
    }
}

/// `SELECT <seal columns> FROM seals <rest>` as a static string.
macro_rules! select_seals {
    ($rest:literal) => {
        concat!(
            "SELECT id, org_id, kind, name, status, photo_upload_id, picture_upload_id, entitlement_id,
                 certificate_serial, width_mm, height_mm, reject_reason, void_reason, created_at, claimed_at
             FROM seals ",
            $rest
        )
    };
}
pub(crate) use select_seals;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SealRow {
    pub id: String,
    pub org_id: String,
    pub kind: String,
    pub name: String,
    pub status: String,
    pub photo_upload_id: String,
    pub picture_upload_id: String,
    pub entitlement_id: String,
    pub certificate_serial: String,
    pub width_mm: i64,
    pub height_mm: i64,
    pub reject_reason: Option<String>,
    pub void_reason: Option<String>,
    pub created_at: i64,
    pub claimed_at: Option<i64>,
}

impl SealRow {
    pub fn status(&self) -> Option<SealStatus> {
        SealStatus::parse(&self.status)
    }

    /// 企业公章, 合同专用章 … (from the Fluent catalogue; zh-CN).
    pub fn kind_label(&self) -> String {
        kind_label(&self.kind)
    }

    pub fn into_seal(self) -> Seal {
        let label = |id: &str| crate::i18n::message(mcert_core::i18n::Locale::ZhCn, id, &[]);
        let status_label = self
            .status()
            .map(|s| label(s.message_id()))
            .unwrap_or_else(|| self.status.clone());
        let kind_label = self.kind_label();
        Seal {
            id: self.id,
            org_id: self.org_id,
            kind: self.kind,
            kind_label,
            name: self.name,
            status: self.status,
            status_label,
            entitlement_id: self.entitlement_id,
            certificate_serial: self.certificate_serial,
            width_mm: self.width_mm,
            height_mm: self.height_mm,
            reject_reason: self.reject_reason,
            void_reason: self.void_reason,
            created_at: rfc3339(from_unix_millis(self.created_at)),
            claimed_at: self.claimed_at.map(|t| rfc3339(from_unix_millis(t))),
        }
    }
}

/// The label of a seal kind or of a personal signature: 企业公章, 合同专用章 …, 个人签章
/// (from the Fluent catalogue; zh-CN).
pub fn kind_label(kind: &str) -> String {
    crate::i18n::message(
        mcert_core::i18n::Locale::ZhCn,
        &format!("seal-kind-{}", kind.replace('_', "-")),
        &[],
    )
}

/// After a certificate was replaced (renewal, reissue, a move, a rename), each seal voided
/// with it comes back as a draft bound to the new certificate: the same kind, name and
/// picture, for the admin to submit for review again (a new seal embeds the new certificate).
/// After a rename (`rename`: old name, new name) a seal carved with the old name is pre-filled
/// with the new one. Returns the drafts' ids.
pub async fn reapply_in(
    tx: &mut Tx,
    (old_serial, new_serial): (&str, &str),
    rename: Option<(&str, &str)>,
    actor: &str,
    now_t: std::time::SystemTime,
) -> Result<Vec<String>, sqlx::Error> {
    let now = mcert_core::clock::unix_millis(now_t);
    let voided: Vec<(String,)> = sqlx::query_as(
        "SELECT id FROM seals WHERE certificate_serial = $1 AND status = 'void'
             AND id NOT IN (SELECT reapplied_from FROM seals WHERE reapplied_from IS NOT NULL)",
    )
    .bind(old_serial)
    .fetch_all(&mut **tx)
    .await?;
    let mut drafts = Vec::with_capacity(voided.len());
    for (old_id,) in voided {
        let id = mcert_core::id::ulid(now_t).map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
        sqlx::query(
            "INSERT INTO seals (id, org_id, kind, name, status, photo_upload_id, picture_upload_id, entitlement_id,
                 certificate_serial, width_mm, height_mm, created_by, created_at, updated_at, reapplied_from)
             SELECT $1, org_id, kind, CASE WHEN name = $6 THEN $7 ELSE name END, 'draft', photo_upload_id,
                 picture_upload_id, entitlement_id, $2, width_mm, height_mm, $3, $4, $4, id
             FROM seals WHERE id = $5",
        )
        .bind(&id)
        .bind(new_serial)
        .bind(actor)
        .bind(now)
        .bind(&old_id)
        .bind(rename.map(|r| r.0))
        .bind(rename.map(|r| r.1))
        .execute(&mut **tx)
        .await?;
        drafts.push(id);
    }
    Ok(drafts)
}

/// Voids every live seal bound to a certificate that is being revoked or replaced, inside the
/// unit of work that revokes it (seed 000 §6: a changed certificate's seals are void), and its
/// personal signature (seed 003 §7: after 补发 the signature is made anew).
pub async fn void_for_certificate_in(
    tx: &mut Tx,
    serial: &str,
    reason: &str,
    now: i64,
) -> Result<u64, sqlx::Error> {
    let mut voided = 0;
    for sql in [
        "UPDATE seals SET status = 'void', void_reason = $1, voided_at = $2, updated_at = $2
         WHERE certificate_serial = $3 AND status <> 'void'",
        "UPDATE signatures SET status = 'void', void_reason = $1, voided_at = $2, updated_at = $2
         WHERE certificate_serial = $3 AND status <> 'void'",
    ] {
        voided += sqlx::query(sql)
            .bind(reason)
            .bind(now)
            .bind(serial)
            .execute(&mut **tx)
            .await?
            .rows_affected();
    }
    Ok(voided)
}
