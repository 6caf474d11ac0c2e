//! The service client's organisation calls: registration, CA authorisation, uploads, members,
//! applications, slots (owner, holder) and the organisation's usage records.

use reqwest::Method;

use super::client::{ClientError, Items, ServiceClient, body, path_segment};
use crate::wire::orgs::{
    Authorisation, ChangeRole, FaceAuthorisation, LetterSubmission, Member, NewMember,
    NewOrganisation, OrgCertificate, Organisation, Resubmission, SetHolder, SetOwner, Upload,
};
use crate::wire::{NewOrder, Order, UsagePage, routes};

/// Filters of an organisation's usage records.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrgUsageQuery {
    pub member_id: Option<String>,
    pub serial: Option<String>,
    /// login, sign, decrypt or stamp.
    pub operation: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

impl ServiceClient {
    pub async fn register_org(&self, req: &NewOrganisation) -> Result<Organisation, ClientError> {
        self.call(Method::POST, routes::ORGS, Some(body(req)?), true, None)
            .await
    }

    pub async fn orgs(&self) -> Result<Vec<Organisation>, ClientError> {
        let items: Items<Organisation> = self
            .call(Method::GET, routes::ORGS, None, true, None)
            .await?;
        Ok(items.items)
    }

    pub async fn org(&self, org_id: &str) -> Result<Organisation, ClientError> {
        self.call(
            Method::GET,
            &routes::fill(routes::ORG, org_id),
            None,
            true,
            None,
        )
        .await
    }

    /// Uploads a photo or PDF of a document (`purpose`: business_licence,
    /// authorisation_letter, id_card, other).
    pub async fn upload(
        &self,
        org_id: &str,
        purpose: &str,
        bytes: Vec<u8>,
    ) -> Result<Upload, ClientError> {
        let path = format!(
            "{}?purpose={}",
            routes::fill(routes::ORG_UPLOADS, org_id),
            path_segment(purpose)
        );
        let answer = self.call_bytes(Method::POST, &path, Some(bytes)).await?;
        serde_json::from_slice(&answer).map_err(|e| ClientError::Decode(e.to_string()))
    }

    pub async fn authorise_by_face(
        &self,
        org_id: &str,
        req: &FaceAuthorisation,
    ) -> Result<Authorisation, ClientError> {
        self.call(
            Method::POST,
            &routes::fill(routes::ORG_AUTH_FACE, org_id),
            Some(body(req)?),
            true,
            None,
        )
        .await
    }

    pub async fn submit_letter(
        &self,
        org_id: &str,
        upload_id: &str,
    ) -> Result<Authorisation, ClientError> {
        self.call(
            Method::POST,
            &routes::fill(routes::ORG_AUTH_LETTER, org_id),
            Some(body(&LetterSubmission {
                upload_id: upload_id.to_string(),
            })?),
            true,
            None,
        )
        .await
    }

    /// The authorisation letter template (a PDF).
    pub async fn letter_template(&self, org_id: &str) -> Result<Vec<u8>, ClientError> {
        self.call_bytes(
            Method::GET,
            &routes::fill(routes::ORG_AUTH_TEMPLATE, org_id),
            None,
        )
        .await
    }

    pub async fn members(&self, org_id: &str) -> Result<Vec<Member>, ClientError> {
        let items: Items<Member> = self
            .call(
                Method::GET,
                &routes::fill(routes::ORG_MEMBERS, org_id),
                None,
                true,
                None,
            )
            .await?;
        Ok(items.items)
    }

    pub async fn add_member(&self, org_id: &str, req: &NewMember) -> Result<Member, ClientError> {
        self.call(
            Method::POST,
            &routes::fill(routes::ORG_MEMBERS, org_id),
            Some(body(req)?),
            true,
            None,
        )
        .await
    }

    pub async fn change_role(
        &self,
        org_id: &str,
        member_id: &str,
        req: &ChangeRole,
    ) -> Result<(), ClientError> {
        self.call(
            Method::PUT,
            &routes::fill_all(routes::ORG_MEMBER_ROLE, &[org_id, member_id]),
            Some(body(req)?),
            true,
            None,
        )
        .await
    }

    pub async fn remove_member(&self, org_id: &str, member_id: &str) -> Result<(), ClientError> {
        self.call(
            Method::DELETE,
            &routes::fill_all(routes::ORG_MEMBER, &[org_id, member_id]),
            None,
            true,
            None,
        )
        .await
    }

    /// Submits an organisation's application with its materials.
    /// 变更: applies for the organisation's rename (an admin), with materials; the order to
    /// review and pay.
    pub async fn request_org_change(
        &self,
        org_id: &str,
        new_name: &str,
        materials: &[String],
    ) -> Result<Order, ClientError> {
        self.call(
            Method::POST,
            &routes::fill(routes::ORG_CHANGES, org_id),
            Some(body(&crate::wire::orgs::NewOrgChange {
                new_name: new_name.to_string(),
                materials: materials.to_vec(),
            })?),
            true,
            None,
        )
        .await
    }

    pub async fn apply_for_org(
        &self,
        org_id: &str,
        product_id: &str,
        years: i64,
        materials: &[String],
        idempotency_key: &str,
    ) -> Result<Order, ClientError> {
        self.call(
            Method::POST,
            routes::ORDERS,
            Some(body(&NewOrder {
                product_id: product_id.to_string(),
                years,
                org_id: Some(org_id.to_string()),
                materials: materials.to_vec(),
            })?),
            true,
            Some(idempotency_key),
        )
        .await
    }

    pub async fn org_orders(&self, org_id: &str) -> Result<Vec<Order>, ClientError> {
        let items: Items<Order> = self
            .call(
                Method::GET,
                &routes::fill(routes::ORG_ORDERS, org_id),
                None,
                true,
                None,
            )
            .await?;
        Ok(items.items)
    }

    pub async fn resubmit(
        &self,
        order_id: &str,
        materials: &[String],
    ) -> Result<Order, ClientError> {
        self.call(
            Method::POST,
            &routes::fill(routes::ORDER_RESUBMIT, order_id),
            Some(body(&Resubmission {
                materials: materials.to_vec(),
            })?),
            true,
            None,
        )
        .await
    }

    pub async fn org_certificates(&self, org_id: &str) -> Result<Vec<OrgCertificate>, ClientError> {
        let items: Items<OrgCertificate> = self
            .call(
                Method::GET,
                &routes::fill(routes::ORG_CERTIFICATES, org_id),
                None,
                true,
                None,
            )
            .await?;
        Ok(items.items)
    }

    pub async fn set_owner(
        &self,
        org_id: &str,
        entitlement_id: &str,
        req: &SetOwner,
    ) -> Result<(), ClientError> {
        self.call(
            Method::PUT,
            &routes::fill_all(routes::ORG_CERT_OWNER, &[org_id, entitlement_id]),
            Some(body(req)?),
            true,
            None,
        )
        .await
    }

    pub async fn set_holder(
        &self,
        org_id: &str,
        entitlement_id: &str,
        member_id: &str,
    ) -> Result<(), ClientError> {
        self.call(
            Method::PUT,
            &routes::fill_all(routes::ORG_CERT_HOLDER, &[org_id, entitlement_id]),
            Some(body(&SetHolder {
                member_id: member_id.to_string(),
            })?),
            true,
            None,
        )
        .await
    }

    pub async fn org_usage(
        &self,
        org_id: &str,
        q: &OrgUsageQuery,
    ) -> Result<UsagePage, ClientError> {
        let limit = q.limit.map(|l| l.to_string());
        let mut query = Vec::new();
        for (k, v) in [
            ("member", q.member_id.as_deref()),
            ("serial", q.serial.as_deref()),
            ("operation", q.operation.as_deref()),
            ("from", q.from.as_deref()),
            ("to", q.to.as_deref()),
            ("cursor", q.cursor.as_deref()),
            ("limit", limit.as_deref()),
        ] {
            if let Some(v) = v {
                query.push(format!("{k}={}", path_segment(v)));
            }
        }
        let mut path = routes::fill(routes::ORG_USAGE, org_id);
        if !query.is_empty() {
            path = format!("{path}?{}", query.join("&"));
        }
        self.call(Method::GET, &path, None, true, None).await
    }
}
