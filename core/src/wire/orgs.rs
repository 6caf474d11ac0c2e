//! Wire types of organisations (单位): registration, CA authorisation (CA 授权), members and
//! roles (授权管理), the organisation's certificate slots (owner 所属人 / holder 持有人) and
//! uploads of materials. Seed 000 §2.1, §9; seed 003 §1–3, §7.

use serde::{Deserialize, Serialize};

use crate::validate::mask_id_number;

/// A member's role in an organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 证书管理员: grants members, assigns holders, applies, sees all usage records.
    Admin,
    /// 证书使用人: claims and uses the certificates granted to them.
    User,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::User => "user",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "user" => Some(Role::User),
            _ => None,
        }
    }
}

/// How the applicant relates to the organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicantRelation {
    /// The legal representative applies in person.
    LegalRepresentative,
    /// An employee applies on the organisation's behalf (经办人).
    Agent,
}

impl ApplicantRelation {
    pub fn as_str(self) -> &'static str {
        match self {
            ApplicantRelation::LegalRepresentative => "legal_representative",
            ApplicantRelation::Agent => "agent",
        }
    }
}

/// `POST /v1/orgs`: register an organisation; the applicant becomes its first admin.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewOrganisation {
    pub name: String,
    /// 统一社会信用代码 (18 characters, GB 32100 check character).
    pub credit_code: String,
    pub legal_rep_name: String,
    pub legal_rep_id_number: String,
    pub applicant_relation: ApplicantRelation,
}

impl std::fmt::Debug for NewOrganisation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewOrganisation")
            .field("name", &self.name)
            .field("credit_code", &self.credit_code)
            .field(
                "legal_rep_id_number",
                &mask_id_number(&self.legal_rep_id_number),
            )
            .finish_non_exhaustive()
    }
}

/// One step of 审批进度.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressStep {
    /// What the step is (提交申请, 审核中, 审核通过 …), in the request's language.
    pub label: String,
    /// done, current, failed or todo.
    pub state: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

/// The organisation's CA authorisation (CA 授权), needed before it may buy certificates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authorisation {
    /// none, pending_review, approved or rejected.
    pub status: String,
    /// 未授权, 审核中, 已授权, 未通过.
    pub status_label: String,
    /// face or letter, once one was submitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reject_reason: Option<String>,
    pub progress: Vec<ProgressStep>,
}

/// An organisation as one of its members sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: String,
    pub name: String,
    pub credit_code: String,
    pub legal_rep_name: String,
    pub legal_rep_id_masked: String,
    /// The caller's role.
    pub role: Role,
    /// 证书管理员 or 证书使用人.
    pub role_label: String,
    pub authorisation: Authorisation,
    pub created_at: String,
}

/// `POST /v1/orgs/{id}/authorisation/face`: the legal representative's own real-name and face
/// check on the applicant's phone.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaceAuthorisation {
    /// The legal representative's real-name registered mobile number.
    pub legal_rep_phone: String,
    /// Token of the face-liveness check the app ran with the legal representative.
    pub face_token: String,
}

impl std::fmt::Debug for FaceAuthorisation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FaceAuthorisation").finish_non_exhaustive()
    }
}

/// `POST /v1/orgs/{id}/authorisation/letter`: the stamped, signed letter, uploaded first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LetterSubmission {
    pub upload_id: String,
}

/// An uploaded file (a photo or PDF of a document), as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Upload {
    pub id: String,
    /// image/jpeg, image/png or application/pdf, from the content, not the client's word.
    pub content_type: String,
    pub size: u64,
    /// What it is: business_licence, authorisation_letter, id_card, other.
    pub purpose: String,
    pub sha256: String,
}

/// A member of an organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: String,
    pub name: String,
    pub id_number_masked: String,
    pub phone_masked: String,
    pub role: Role,
    pub role_label: String,
    /// Whether the person has logged in with the phone number.
    pub has_account: bool,
    pub added_at: String,
}

/// `POST /v1/orgs/{id}/members`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewMember {
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub role: Role,
}

impl std::fmt::Debug for NewMember {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewMember")
            .field("name", &self.name)
            .field("id_number", &mask_id_number(&self.id_number))
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// `PUT /v1/orgs/{id}/members/{member_id}/role`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeRole {
    pub role: Role,
}

/// The kind of identity document of a certificate's owner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdType {
    /// 居民身份证 (GB 11643).
    ResidentId,
    /// 统一社会信用代码 (GB 32100): the organisation itself.
    CreditCode,
}

impl IdType {
    pub fn as_str(self) -> &'static str {
        match self {
            IdType::ResidentId => "resident_id",
            IdType::CreditCode => "credit_code",
        }
    }

    pub fn parse(s: &str) -> Option<IdType> {
        match s {
            "resident_id" => Some(IdType::ResidentId),
            "credit_code" => Some(IdType::CreditCode),
            _ => None,
        }
    }
}

/// A slot's owner (所属人): the identity in the certificate, fixed once set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owner {
    pub id_type: IdType,
    pub id_number_masked: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// `PUT /v1/orgs/{id}/certificates/{entitlement_id}/owner` (once).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetOwner {
    pub id_type: IdType,
    pub id_number: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl std::fmt::Debug for SetOwner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SetOwner")
            .field("id_type", &self.id_type)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// `PUT /v1/orgs/{id}/certificates/{entitlement_id}/holder`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetHolder {
    pub member_id: String,
}

/// The holder (持有人) of a slot: the member who may hold the key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub member_id: String,
    pub name: String,
    pub phone_masked: String,
}

/// One of the organisation's certificate slots (证书管理).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgCertificate {
    pub entitlement_id: String,
    pub order_id: String,
    /// organization or personal.
    pub kind: String,
    pub years: i64,
    /// unassigned, assigned, issued, expired or revoked.
    pub status: String,
    /// 未分配, 未使用, 已使用, 已过期, 已吊销.
    pub status_label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<Owner>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<Holder>,
    /// 购买日期.
    pub purchased_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_serial: Option<String>,
    /// Validity, counted from the download.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after: Option<String>,
}

/// `POST /v1/orders/{id}/resubmit`: fix a rejected application and send it back to review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resubmission {
    pub materials: Vec<String>,
}

/// `POST /v1/orgs/{id}/changes` (变更): the organisation's new name, with materials (the new
/// business licence …); answered with the order to review and pay.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewOrgChange {
    pub new_name: String,
    pub materials: Vec<String>,
}

/// The routes of organisations (under `/v1/orgs`).
pub mod routes {
    pub const ORGS: &str = "/v1/orgs";
    pub const ORG: &str = "/v1/orgs/{id}";
    pub const ORG_UPLOADS: &str = "/v1/orgs/{id}/uploads";
    pub const ORG_AUTH_FACE: &str = "/v1/orgs/{id}/authorisation/face";
    pub const ORG_AUTH_LETTER: &str = "/v1/orgs/{id}/authorisation/letter";
    pub const ORG_AUTH_TEMPLATE: &str = "/v1/orgs/{id}/authorisation/letter-template.pdf";
    pub const ORG_MEMBERS: &str = "/v1/orgs/{id}/members";
    pub const ORG_MEMBER: &str = "/v1/orgs/{id}/members/{member_id}";
    pub const ORG_MEMBER_ROLE: &str = "/v1/orgs/{id}/members/{member_id}/role";
    pub const ORG_ORDERS: &str = "/v1/orgs/{id}/orders";
    pub const ORG_CERTIFICATES: &str = "/v1/orgs/{id}/certificates";
    pub const ORG_CERT_OWNER: &str = "/v1/orgs/{id}/certificates/{entitlement_id}/owner";
    pub const ORG_CERT_HOLDER: &str = "/v1/orgs/{id}/certificates/{entitlement_id}/holder";
    pub const ORG_USAGE: &str = "/v1/orgs/{id}/usage";
    pub const ORDER_RESUBMIT: &str = "/v1/orders/{id}/resubmit";
    pub const ORG_CHANGES: &str = "/v1/orgs/{id}/changes";
}
