//! The organisation calls of the app object: registration, CA authorisation, uploads, members,
//! applications, slots (owner, holder) and the organisation's usage records. Thin wrappers over
//! the core's service client; the service decides everything.

use mcert_core::device::OrgUsageQuery;
use mcert_core::wire::orgs::{ChangeRole, FaceAuthorisation};

use crate::*;

#[uniffi::export(async_runtime = "tokio")]
impl McertApp {
    /// 【单位注册】: the applicant becomes the organisation's first 证书管理员.
    pub async fn register_org(
        &self,
        form: NewOrganisationForm,
    ) -> Result<OrganisationView, McertError> {
        let org = self
            .device()
            .await
            .client()
            .register_org(&form.into())
            .await?;
        Ok(organisation_view(org))
    }

    /// 【我的单位】: the organisations the account belongs to, with its role in each.
    pub async fn orgs(&self) -> Result<Vec<OrganisationView>, McertError> {
        let list = self.device().await.client().orgs().await?;
        Ok(list.into_iter().map(organisation_view).collect())
    }

    pub async fn org(&self, org_id: String) -> Result<OrganisationView, McertError> {
        Ok(organisation_view(
            self.device().await.client().org(&org_id).await?,
        ))
    }

    /// Uploads a photo or PDF of a document (`purpose`: business_licence,
    /// authorisation_letter, id_card, other); the service reads its type from the content.
    pub async fn upload(
        &self,
        org_id: String,
        purpose: String,
        bytes: Vec<u8>,
    ) -> Result<UploadView, McertError> {
        let u = self
            .device()
            .await
            .client()
            .upload(&org_id, &purpose, bytes)
            .await?;
        Ok(upload_view(u))
    }

    /// 【法人人脸识别】: the legal representative's phone and the token of the liveness check
    /// the app ran with them; authorised at once when it passes.
    pub async fn authorise_by_face(
        &self,
        org_id: String,
        legal_rep_phone: String,
        face_token: String,
    ) -> Result<AuthorisationView, McertError> {
        let a = self
            .device()
            .await
            .client()
            .authorise_by_face(
                &org_id,
                &FaceAuthorisation {
                    legal_rep_phone,
                    face_token,
                },
            )
            .await?;
        Ok(authorisation_view(a))
    }

    /// 【提交申请】 of the stamped, signed letter (an upload with purpose authorisation_letter).
    pub async fn submit_letter(
        &self,
        org_id: String,
        upload_id: String,
    ) -> Result<AuthorisationView, McertError> {
        let a = self
            .device()
            .await
            .client()
            .submit_letter(&org_id, &upload_id)
            .await?;
        Ok(authorisation_view(a))
    }

    /// 【下载模板】: the authorisation letter, filled in, as a PDF.
    pub async fn letter_template(&self, org_id: String) -> Result<Vec<u8>, McertError> {
        Ok(self
            .device()
            .await
            .client()
            .letter_template(&org_id)
            .await?)
    }

    /// 【单位成员授权】 (admins only).
    pub async fn members(&self, org_id: String) -> Result<Vec<MemberView>, McertError> {
        let list = self.device().await.client().members(&org_id).await?;
        Ok(list.into_iter().map(member_view).collect())
    }

    pub async fn add_member(
        &self,
        org_id: String,
        form: NewMemberForm,
    ) -> Result<MemberView, McertError> {
        let m = self
            .device()
            .await
            .client()
            .add_member(&org_id, &form.into())
            .await?;
        Ok(member_view(m))
    }

    pub async fn change_role(
        &self,
        org_id: String,
        member_id: String,
        role: OrgRole,
    ) -> Result<(), McertError> {
        Ok(self
            .device()
            .await
            .client()
            .change_role(&org_id, &member_id, &ChangeRole { role: role.into() })
            .await?)
    }

    pub async fn remove_member(&self, org_id: String, member_id: String) -> Result<(), McertError> {
        Ok(self
            .device()
            .await
            .client()
            .remove_member(&org_id, &member_id)
            .await?)
    }

    /// 【提交订单】 of an organisation's application with its materials (→ 待审核); the same
    /// `idempotency_key` returns the same order.
    pub async fn apply_for_org(
        &self,
        org_id: String,
        product_id: String,
        years: i64,
        materials: Vec<String>,
        idempotency_key: String,
    ) -> Result<OrderView, McertError> {
        let o = self
            .device()
            .await
            .client()
            .apply_for_org(&org_id, &product_id, years, &materials, &idempotency_key)
            .await?;
        Ok(order_view(o))
    }

    /// 【证书变更】: an admin applies for the organisation's rename with materials (the new
    /// business licence, uploaded first); the order goes to review, then to payment. Once paid,
    /// each holder downloads the changed certificate with `renew` (`change_due`).
    pub async fn request_org_change(
        &self,
        org_id: String,
        new_name: String,
        materials: Vec<String>,
    ) -> Result<OrderView, McertError> {
        let o = self
            .device()
            .await
            .client()
            .request_org_change(&org_id, &new_name, &materials)
            .await?;
        Ok(order_view(o))
    }

    /// The organisation's applications.
    pub async fn org_orders(&self, org_id: String) -> Result<Vec<OrderView>, McertError> {
        let list = self.device().await.client().org_orders(&org_id).await?;
        Ok(list.into_iter().map(order_view).collect())
    }

    /// Sends a rejected application back to review with new materials.
    pub async fn resubmit(
        &self,
        order_id: String,
        materials: Vec<String>,
    ) -> Result<OrderView, McertError> {
        let o = self
            .device()
            .await
            .client()
            .resubmit(&order_id, &materials)
            .await?;
        Ok(order_view(o))
    }

    /// 【证书管理】: the organisation's slots (admins only).
    pub async fn org_certificates(
        &self,
        org_id: String,
    ) -> Result<Vec<OrgCertificateView>, McertError> {
        let list = self
            .device()
            .await
            .client()
            .org_certificates(&org_id)
            .await?;
        Ok(list.into_iter().map(org_certificate_view).collect())
    }

    /// 【设置所属人员】: fixed once set.
    pub async fn set_owner(
        &self,
        org_id: String,
        entitlement_id: String,
        form: OwnerForm,
    ) -> Result<(), McertError> {
        Ok(self
            .device()
            .await
            .client()
            .set_owner(&org_id, &entitlement_id, &form.into())
            .await?)
    }

    /// 【修改持有人】: a certificate issued to the previous holder is revoked.
    pub async fn set_holder(
        &self,
        org_id: String,
        entitlement_id: String,
        member_id: String,
    ) -> Result<(), McertError> {
        Ok(self
            .device()
            .await
            .client()
            .set_holder(&org_id, &entitlement_id, &member_id)
            .await?)
    }

    /// The organisation's usage records, newest first: an admin sees every member's, a user
    /// their own.
    pub async fn org_usage(
        &self,
        org_id: String,
        filter: OrgUsageFilter,
        cursor: Option<String>,
        limit: u32,
    ) -> Result<UsagePageView, McertError> {
        let q = OrgUsageQuery {
            member_id: filter.member_id,
            serial: filter.serial,
            operation: filter.operation,
            from: filter.from,
            to: filter.to,
            cursor,
            limit: Some(limit),
        };
        let page = self.device().await.client().org_usage(&org_id, &q).await?;
        Ok(usage_page_view(page))
    }
}
