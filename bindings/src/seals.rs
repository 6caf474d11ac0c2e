//! The seal calls of the app object (印章管理): the organisation's seals, applying from a photo
//! (the cleaned picture shown before submitting), submitting, claiming with the bound
//! certificate's PIN, giving a seal to a member (用印授权) and deciding uses (用印审批).

use mcert_core::wire::seals::{NewSeal, NewSealGrant, Seal, SealApproval, SealGrant};
use zeroize::Zeroizing;

use crate::*;

/// A seal as the 【印章管理】 list shows it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SealView {
    pub id: String,
    pub kind: String,
    pub kind_label: String,
    pub name: String,
    /// draft, pending_review, approved, rejected, claimed or void.
    pub status: String,
    pub status_label: String,
    pub certificate_serial: String,
    pub width_mm: i64,
    pub height_mm: i64,
    pub reject_reason: Option<String>,
    pub void_reason: Option<String>,
}

fn seal_view(s: Seal) -> SealView {
    SealView {
        id: s.id,
        kind: s.kind,
        kind_label: s.kind_label,
        name: s.name,
        status: s.status,
        status_label: s.status_label,
        certificate_serial: s.certificate_serial,
        width_mm: s.width_mm,
        height_mm: s.height_mm,
        reject_reason: s.reject_reason,
        void_reason: s.void_reason,
    }
}

/// A seal given to a member, with its limits.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SealGrantView {
    pub id: String,
    pub member_name: String,
    pub certificate_serial: String,
    pub projects: Vec<String>,
    pub valid_from: String,
    pub valid_to: String,
    pub approval_required: bool,
    /// active, expired or revoked.
    pub status: String,
    pub status_label: String,
    pub limits: String,
}

fn grant_view(g: SealGrant) -> SealGrantView {
    SealGrantView {
        id: g.id,
        member_name: g.member_name,
        certificate_serial: g.certificate_serial,
        projects: g.projects,
        valid_from: g.valid_from,
        valid_to: g.valid_to,
        approval_required: g.approval_required,
        status: g.status,
        status_label: g.status_label,
        limits: g.limits,
    }
}

/// 【用印授权】: the member, the projects (none: any), the days, each use approved.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SealGrantForm {
    pub member_id: String,
    pub projects: Vec<String>,
    pub valid_from: String,
    pub valid_to: String,
    pub approval_required: bool,
}

/// A use of a granted seal waiting for (or decided by) an admin.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SealApprovalView {
    pub id: String,
    pub session_id: String,
    pub seal_id: String,
    pub seal_name: String,
    pub member_name: String,
    pub platform_name: String,
    pub project: Option<String>,
    pub project_code: Option<String>,
    pub document_name: Option<String>,
    /// pending, approved or refused.
    pub status: String,
    pub status_label: String,
    pub created_at: String,
}

fn approval_view(a: SealApproval) -> SealApprovalView {
    SealApprovalView {
        id: a.id,
        session_id: a.session_id,
        seal_id: a.seal_id,
        seal_name: a.seal_name,
        member_name: a.member_name,
        platform_name: a.platform_name,
        project: a.project,
        project_code: a.project_code,
        document_name: a.document_name,
        status: a.status,
        status_label: a.status_label,
        created_at: a.created_at,
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl McertApp {
    /// 【印章管理】: the organisation's seals, newest first.
    pub async fn seals(&self, org_id: String) -> Result<Vec<SealView>, McertError> {
        let list = self.device().await.client().seals(&org_id).await?;
        Ok(list.into_iter().map(seal_view).collect())
    }

    /// 【申请印章】: the photo of the stamp on white paper is uploaded and cleaned at once; the
    /// draft's picture ([`Self::seal_picture`]) is shown before it is submitted.
    pub async fn apply_seal(
        &self,
        org_id: String,
        kind: String,
        name: String,
        entitlement_id: String,
        photo: Vec<u8>,
    ) -> Result<SealView, McertError> {
        let device = self.device().await;
        let client = device.client();
        let upload = client.upload(&org_id, "seal_photo", photo).await?;
        let seal = client
            .apply_seal(
                &org_id,
                &NewSeal {
                    kind,
                    name,
                    photo_upload_id: upload.id,
                    entitlement_id,
                },
            )
            .await?;
        Ok(seal_view(seal))
    }

    /// The cleaned picture (PNG, red on transparency).
    pub async fn seal_picture(
        &self,
        org_id: String,
        seal_id: String,
    ) -> Result<Vec<u8>, McertError> {
        Ok(self
            .device()
            .await
            .client()
            .seal_picture(&org_id, &seal_id)
            .await?)
    }

    pub async fn submit_seal(
        &self,
        org_id: String,
        seal_id: String,
    ) -> Result<SealView, McertError> {
        Ok(seal_view(
            self.device()
                .await
                .client()
                .submit_seal(&org_id, &seal_id)
                .await?,
        ))
    }

    /// 【申领】 with the bound certificate (on this phone) and its PIN.
    pub async fn claim_seal(
        &self,
        org_id: String,
        seal_id: String,
        serial: String,
        pin: String,
    ) -> Result<SealView, McertError> {
        let pin = Zeroizing::new(pin);
        Ok(seal_view(
            self.device()
                .await
                .claim_seal(&org_id, &seal_id, &serial, &pin)
                .await?,
        ))
    }

    /// 【用印授权】: the seal's grants.
    pub async fn seal_grants(
        &self,
        org_id: String,
        seal_id: String,
    ) -> Result<Vec<SealGrantView>, McertError> {
        let list = self
            .device()
            .await
            .client()
            .seal_grants(&org_id, &seal_id)
            .await?;
        Ok(list.into_iter().map(grant_view).collect())
    }

    pub async fn grant_seal(
        &self,
        org_id: String,
        seal_id: String,
        form: SealGrantForm,
    ) -> Result<SealGrantView, McertError> {
        let req = NewSealGrant {
            member_id: form.member_id,
            projects: form.projects,
            valid_from: form.valid_from,
            valid_to: form.valid_to,
            approval_required: form.approval_required,
        };
        Ok(grant_view(
            self.device()
                .await
                .client()
                .grant_seal(&org_id, &seal_id, &req)
                .await?,
        ))
    }

    pub async fn revoke_seal_grant(
        &self,
        org_id: String,
        seal_id: String,
        grant_id: String,
    ) -> Result<SealGrantView, McertError> {
        Ok(grant_view(
            self.device()
                .await
                .client()
                .revoke_seal_grant(&org_id, &seal_id, &grant_id)
                .await?,
        ))
    }

    /// 【用印审批】: pending first.
    pub async fn seal_approvals(
        &self,
        org_id: String,
    ) -> Result<Vec<SealApprovalView>, McertError> {
        let list = self.device().await.client().seal_approvals(&org_id).await?;
        Ok(list.into_iter().map(approval_view).collect())
    }

    /// Approves a use with the admin's own certificate of the organisation and its PIN.
    pub async fn approve_seal_use(
        &self,
        org_id: String,
        approval_id: String,
        serial: String,
        pin: String,
    ) -> Result<SealApprovalView, McertError> {
        let pin = Zeroizing::new(pin);
        let device = self.device().await;
        let approval = device
            .client()
            .seal_approvals(&org_id)
            .await?
            .into_iter()
            .find(|a| a.id == approval_id)
            .ok_or_else(|| McertError::Invalid {
                code: "unknown_approval".into(),
                user_message: mcert_core::i18n::message(
                    crate::locale(),
                    "seal-unknown-approval",
                    &[],
                ),
            })?;
        Ok(approval_view(
            device
                .approve_seal_use(&org_id, &approval, &serial, &pin)
                .await?,
        ))
    }

    pub async fn refuse_seal_use(
        &self,
        org_id: String,
        approval_id: String,
    ) -> Result<SealApprovalView, McertError> {
        Ok(approval_view(
            self.device()
                .await
                .client()
                .refuse_seal_use(&org_id, &approval_id)
                .await?,
        ))
    }
}
