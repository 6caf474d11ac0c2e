//! Records and enums of organisations (单位) as the screens show them: registration, CA
//! authorisation with its 审批进度, uploads, members and roles, the organisation's certificate
//! slots (所属人 / 持有人), and their conversions from the core's wire types.

use mcert_core::validate::mask_id_number;
use mcert_core::wire::orgs as wire;

/// A member's role: 证书管理员 or 证书使用人.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum OrgRole {
    Admin,
    User,
}

impl From<OrgRole> for wire::Role {
    fn from(r: OrgRole) -> wire::Role {
        match r {
            OrgRole::Admin => wire::Role::Admin,
            OrgRole::User => wire::Role::User,
        }
    }
}

impl From<wire::Role> for OrgRole {
    fn from(r: wire::Role) -> OrgRole {
        match r {
            wire::Role::Admin => OrgRole::Admin,
            wire::Role::User => OrgRole::User,
        }
    }
}

/// How the applicant relates to the organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ApplicantRelation {
    /// The legal representative applies in person.
    LegalRepresentative,
    /// An employee applies on the organisation's behalf (经办人).
    Agent,
}

impl From<ApplicantRelation> for wire::ApplicantRelation {
    fn from(r: ApplicantRelation) -> wire::ApplicantRelation {
        match r {
            ApplicantRelation::LegalRepresentative => wire::ApplicantRelation::LegalRepresentative,
            ApplicantRelation::Agent => wire::ApplicantRelation::Agent,
        }
    }
}

/// The kind of identity document of a slot's owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum OwnerIdType {
    /// 居民身份证.
    ResidentId,
    /// 统一社会信用代码 (the organisation itself).
    CreditCode,
}

impl From<OwnerIdType> for wire::IdType {
    fn from(t: OwnerIdType) -> wire::IdType {
        match t {
            OwnerIdType::ResidentId => wire::IdType::ResidentId,
            OwnerIdType::CreditCode => wire::IdType::CreditCode,
        }
    }
}

impl From<wire::IdType> for OwnerIdType {
    fn from(t: wire::IdType) -> OwnerIdType {
        match t {
            wire::IdType::ResidentId => OwnerIdType::ResidentId,
            wire::IdType::CreditCode => OwnerIdType::CreditCode,
        }
    }
}

/// 【单位注册】
#[derive(Clone, uniffi::Record)]
pub struct NewOrganisationForm {
    pub name: String,
    /// 统一社会信用代码 (18 characters).
    pub credit_code: String,
    pub legal_rep_name: String,
    pub legal_rep_id_number: String,
    pub applicant_relation: ApplicantRelation,
}

impl std::fmt::Debug for NewOrganisationForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewOrganisationForm")
            .field("name", &self.name)
            .field("credit_code", &self.credit_code)
            .field(
                "legal_rep_id_number",
                &mask_id_number(&self.legal_rep_id_number),
            )
            .finish_non_exhaustive()
    }
}

impl From<NewOrganisationForm> for wire::NewOrganisation {
    fn from(f: NewOrganisationForm) -> wire::NewOrganisation {
        wire::NewOrganisation {
            name: f.name,
            credit_code: f.credit_code,
            legal_rep_name: f.legal_rep_name,
            legal_rep_id_number: f.legal_rep_id_number,
            applicant_relation: f.applicant_relation.into(),
        }
    }
}

/// One step of 审批进度.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ProgressStepView {
    /// 提交申请, 审核中, 审核通过 … (from the service).
    pub label: String,
    /// done, current, failed or todo.
    pub state: String,
    pub at: Option<String>,
}

/// The organisation's CA authorisation (CA 授权).
#[derive(Debug, Clone, uniffi::Record)]
pub struct AuthorisationView {
    /// none, pending_review, approved or rejected.
    pub status: String,
    /// 未授权, 审核中, 已授权, 未通过.
    pub status_label: String,
    /// face or letter, once one was submitted.
    pub method: Option<String>,
    pub reject_reason: Option<String>,
    pub progress: Vec<ProgressStepView>,
}

/// An organisation as one of its members sees it (我的单位).
#[derive(Debug, Clone, uniffi::Record)]
pub struct OrganisationView {
    pub id: String,
    pub name: String,
    pub credit_code: String,
    pub legal_rep_name: String,
    pub legal_rep_id_masked: String,
    /// The caller's role.
    pub role: OrgRole,
    /// 证书管理员 or 证书使用人.
    pub role_label: String,
    pub authorisation: AuthorisationView,
    pub created_at: String,
}

/// An uploaded file (photo or PDF), typed by the service from its content.
#[derive(Debug, Clone, uniffi::Record)]
pub struct UploadView {
    pub id: String,
    /// image/jpeg, image/png or application/pdf.
    pub content_type: String,
    pub size: u64,
    /// business_licence, authorisation_letter, id_card or other.
    pub purpose: String,
    pub sha256: String,
}

/// A member of an organisation (单位成员授权).
#[derive(Debug, Clone, uniffi::Record)]
pub struct MemberView {
    pub id: String,
    pub name: String,
    pub id_number_masked: String,
    pub phone_masked: String,
    pub role: OrgRole,
    pub role_label: String,
    /// Whether the person has logged in with the phone number.
    pub has_account: bool,
    pub added_at: String,
}

/// 【添加成员】: name, ID number, phone and role.
#[derive(Clone, uniffi::Record)]
pub struct NewMemberForm {
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub role: OrgRole,
}

impl std::fmt::Debug for NewMemberForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewMemberForm")
            .field("name", &self.name)
            .field("id_number", &mask_id_number(&self.id_number))
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

impl From<NewMemberForm> for wire::NewMember {
    fn from(f: NewMemberForm) -> wire::NewMember {
        wire::NewMember {
            name: f.name,
            id_number: f.id_number,
            phone: f.phone,
            role: f.role.into(),
        }
    }
}

/// A slot's owner (所属人): the identity in the certificate, fixed once set.
#[derive(Debug, Clone, uniffi::Record)]
pub struct OwnerView {
    pub id_type: OwnerIdType,
    pub id_number_masked: String,
    pub name: String,
    pub email: Option<String>,
}

/// 【设置所属人员信息】 (once).
#[derive(Clone, uniffi::Record)]
pub struct OwnerForm {
    pub id_type: OwnerIdType,
    pub id_number: String,
    pub name: String,
    pub email: Option<String>,
}

impl std::fmt::Debug for OwnerForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OwnerForm")
            .field("id_type", &self.id_type)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl From<OwnerForm> for wire::SetOwner {
    fn from(f: OwnerForm) -> wire::SetOwner {
        wire::SetOwner {
            id_type: f.id_type.into(),
            id_number: f.id_number,
            name: f.name,
            email: f.email,
        }
    }
}

/// The holder (持有人) of a slot.
#[derive(Debug, Clone, uniffi::Record)]
pub struct HolderView {
    pub member_id: String,
    pub name: String,
    pub phone_masked: String,
}

/// One of the organisation's certificate slots (证书管理).
#[derive(Debug, Clone, uniffi::Record)]
pub struct OrgCertificateView {
    pub entitlement_id: String,
    pub order_id: String,
    /// organization or personal.
    pub kind: String,
    pub years: i64,
    /// unassigned, assigned, issued, expired or revoked.
    pub status: String,
    /// 未分配, 未使用, 已使用, 已过期, 已吊销.
    pub status_label: String,
    pub owner: Option<OwnerView>,
    pub holder: Option<HolderView>,
    /// 购买日期.
    pub purchased_at: String,
    pub certificate_serial: Option<String>,
    pub not_before: Option<String>,
    pub not_after: Option<String>,
}

/// Filters of the organisation's usage records (all optional).
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct OrgUsageFilter {
    pub member_id: Option<String>,
    pub serial: Option<String>,
    /// login, sign, decrypt or stamp.
    pub operation: Option<String>,
    /// A date (`2026-11-23`) or an RFC 3339 time.
    pub from: Option<String>,
    pub to: Option<String>,
}

pub(crate) fn organisation_view(o: wire::Organisation) -> OrganisationView {
    OrganisationView {
        id: o.id,
        name: o.name,
        credit_code: o.credit_code,
        legal_rep_name: o.legal_rep_name,
        legal_rep_id_masked: o.legal_rep_id_masked,
        role: o.role.into(),
        role_label: o.role_label,
        authorisation: authorisation_view(o.authorisation),
        created_at: o.created_at,
    }
}

pub(crate) fn authorisation_view(a: wire::Authorisation) -> AuthorisationView {
    AuthorisationView {
        status: a.status,
        status_label: a.status_label,
        method: a.method,
        reject_reason: a.reject_reason,
        progress: a
            .progress
            .into_iter()
            .map(|s| ProgressStepView {
                label: s.label,
                state: s.state,
                at: s.at,
            })
            .collect(),
    }
}

pub(crate) fn upload_view(u: wire::Upload) -> UploadView {
    UploadView {
        id: u.id,
        content_type: u.content_type,
        size: u.size,
        purpose: u.purpose,
        sha256: u.sha256,
    }
}

pub(crate) fn member_view(m: wire::Member) -> MemberView {
    MemberView {
        id: m.id,
        name: m.name,
        id_number_masked: m.id_number_masked,
        phone_masked: m.phone_masked,
        role: m.role.into(),
        role_label: m.role_label,
        has_account: m.has_account,
        added_at: m.added_at,
    }
}

pub(crate) fn org_certificate_view(c: wire::OrgCertificate) -> OrgCertificateView {
    OrgCertificateView {
        entitlement_id: c.entitlement_id,
        order_id: c.order_id,
        kind: c.kind,
        years: c.years,
        status: c.status,
        status_label: c.status_label,
        owner: c.owner.map(|o| OwnerView {
            id_type: o.id_type.into(),
            id_number_masked: o.id_number_masked,
            name: o.name,
            email: o.email,
        }),
        holder: c.holder.map(|h| HolderView {
            member_id: h.member_id,
            name: h.name,
            phone_masked: h.phone_masked,
        }),
        purchased_at: c.purchased_at,
        certificate_serial: c.certificate_serial,
        not_before: c.not_before,
        not_after: c.not_after,
    }
}
