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

pub mod routes {
    pub const ORG_SEALS: &str = "/v1/orgs/{id}/seals";
    pub const ORG_SEAL: &str = "/v1/orgs/{id}/seals/{seal_id}";
    pub const ORG_SEAL_PICTURE: &str = "/v1/orgs/{id}/seals/{seal_id}/picture.png";
    pub const ORG_SEAL_SUBMIT: &str = "/v1/orgs/{id}/seals/{seal_id}/submit";
    pub const ORG_SEAL_CLAIM: &str = "/v1/orgs/{id}/seals/{seal_id}/claim";
    /// The GB/T 38540 seal (DER) of a claimed seal bound to an SM2 certificate.
    pub const ORG_SEAL_DER: &str = "/v1/orgs/{id}/seals/{seal_id}/seal.der";
}
