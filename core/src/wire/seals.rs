//! Wire types of organisation seals (印章, seed 000 §3): applied for by an admin from a photo of
//! the stamp on white paper, the cleaned picture shown before submitting, reviewed, claimed
//! (申领) by proving possession of the bound certificate's key, and void once that certificate
//! is revoked or replaced.

use serde::{Deserialize, Serialize};

/// A seal as the app shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seal {
    pub id: String,
    pub org_id: String,
    /// `official`, `contract`, `finance`, `invoice` or `legal_representative`.
    pub kind: String,
    /// 企业公章, 合同专用章, 财务专用章, 发票专用章, 法定代表人章.
    pub kind_label: String,
    /// The name carved on the seal (usually the organisation's name).
    pub name: String,
    /// `draft`, `pending_review`, `approved`, `rejected`, `claimed` or `void`.
    pub status: String,
    /// 待提交, 待审核, 已通过, 未通过, 已申领, 已作废.
    pub status_label: String,
    /// The certificate the seal is bound to.
    pub entitlement_id: String,
    pub certificate_serial: String,
    pub width_mm: i64,
    pub height_mm: i64,
    pub reject_reason: Option<String>,
    pub void_reason: Option<String>,
    pub created_at: String,
    pub claimed_at: Option<String>,
}

/// `POST /v1/orgs/{id}/seals`: the photo (an upload of the organisation) is cleaned at once;
/// the draft shows the result before it is submitted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSeal {
    pub kind: String,
    pub name: String,
    pub photo_upload_id: String,
    /// The organisation certificate's slot the seal is bound to (its certificate issued).
    pub entitlement_id: String,
}

/// `POST /v1/orgs/{id}/seals/{seal_id}/claim`: the bound certificate's key signs
/// [`claim_statement`] (base64 of the signature as the key store makes it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimSeal {
    pub signature: String,
}

/// What the certificate's key signs to claim a seal: the seal, the certificate and the
/// claiming account, so a signature made for one claim serves no other.
pub fn claim_statement(seal_id: &str, certificate_serial: &str, account_id: &str) -> String {
    format!(
        "mcert 申领印章 v1\nseal={seal_id}\ncertificate={certificate_serial}\naccount={account_id}\n"
    )
}

/// A seal given to a member (用印授权) with limits: the projects (项目编号; none: any), a time
/// window, and optionally an admin's approval of each use. The member stamps with their own
/// certificate of the organisation, which the seal then binds too.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealGrant {
    pub id: String,
    pub seal_id: String,
    pub member_id: String,
    pub member_name: String,
    /// The member's certificate the seal binds for this grant.
    pub certificate_serial: String,
    pub projects: Vec<String>,
    /// `YYYY-MM-DD`, Beijing time, both days included.
    pub valid_from: String,
    pub valid_to: String,
    pub approval_required: bool,
    /// `active`, `expired` or `revoked`; 有效, 已过期, 已撤销.
    pub status: String,
    pub status_label: String,
    /// The limits in a line, as the phone shows them.
    pub limits: String,
    pub created_at: String,
}

/// `POST /v1/orgs/{id}/seals/{seal_id}/grants`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSealGrant {
    pub member_id: String,
    /// Project numbers (项目编号) the seal may stamp for; empty: any project.
    #[serde(default)]
    pub projects: Vec<String>,
    /// `YYYY-MM-DD`, Beijing time, both days included.
    pub valid_from: String,
    pub valid_to: String,
    #[serde(default)]
    pub approval_required: bool,
}

/// A use of a granted seal waiting for (or decided by) an admin (用印审批).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealApproval {
    pub id: String,
    pub session_id: String,
    pub seal_id: String,
    pub seal_name: String,
    pub member_name: String,
    pub platform_name: String,
    pub project: Option<String>,
    pub project_code: Option<String>,
    pub document_name: Option<String>,
    /// `pending`, `approved` or `refused`; 待审批, 已同意, 已拒绝.
    pub status: String,
    pub status_label: String,
    pub created_at: String,
}

/// `POST /v1/orgs/{id}/seal-approvals/{approval_id}/approve`: the admin's own certificate
/// (`serial`, held by the admin) signs [`approval_statement`] after the PIN unlocks it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApproveSealUse {
    pub serial: String,
    pub signature: String,
}

/// What the approving admin's key signs: the approval, the session, the seal and the admin.
pub fn approval_statement(
    approval_id: &str,
    session_id: &str,
    seal_id: &str,
    account_id: &str,
) -> String {
    format!(
        "mcert 用印审批 v1\napproval={approval_id}\nsession={session_id}\nseal={seal_id}\naccount={account_id}\n"
    )
}

pub mod routes {
    pub const ORG_SEALS: &str = "/v1/orgs/{id}/seals";
    pub const ORG_SEAL: &str = "/v1/orgs/{id}/seals/{seal_id}";
    pub const ORG_SEAL_PICTURE: &str = "/v1/orgs/{id}/seals/{seal_id}/picture.png";
    pub const ORG_SEAL_SUBMIT: &str = "/v1/orgs/{id}/seals/{seal_id}/submit";
    pub const ORG_SEAL_CLAIM: &str = "/v1/orgs/{id}/seals/{seal_id}/claim";
    /// The GB/T 38540 seal (DER) of a claimed seal bound to an SM2 certificate.
    pub const ORG_SEAL_DER: &str = "/v1/orgs/{id}/seals/{seal_id}/seal.der";
    /// 用印授权: list and give (admin), and withdraw one.
    pub const ORG_SEAL_GRANTS: &str = "/v1/orgs/{id}/seals/{seal_id}/grants";
    pub const ORG_SEAL_GRANT_REVOKE: &str =
        "/v1/orgs/{id}/seals/{seal_id}/grants/{grant_id}/revoke";
    /// 用印审批: the uses waiting for an admin, and the decisions.
    pub const ORG_SEAL_APPROVALS: &str = "/v1/orgs/{id}/seal-approvals";
    pub const ORG_SEAL_APPROVAL_APPROVE: &str =
        "/v1/orgs/{id}/seal-approvals/{approval_id}/approve";
    pub const ORG_SEAL_APPROVAL_REFUSE: &str = "/v1/orgs/{id}/seal-approvals/{approval_id}/refuse";
}
