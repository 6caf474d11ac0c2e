//! The service client's seal calls (印章): apply from a photo, the cleaned picture, submit for
//! review, claim with the bound certificate's key; and personal signatures (签章图片).

use reqwest::Method;

use super::client::{ClientError, Items, ServiceClient, body};
use crate::wire::seals::{
    ApproveSealUse, ClaimSeal, NewSeal, NewSealGrant, Seal, SealApproval, SealGrant,
};
use crate::wire::signatures::{
    DrawnSignature, NewSignature, PhotoSignature, Signature, SignatureNotice,
};
use crate::wire::{ChooseSeal, Decline, StampProgress, routes};

impl ServiceClient {
    /// The 签章图片告知函 in English when `english`, else in Chinese.
    pub async fn signature_notice(&self, english: bool) -> Result<SignatureNotice, ClientError> {
        let path = if english {
            format!("{}?lang=en", routes::SIGNATURE_NOTICE)
        } else {
            routes::SIGNATURE_NOTICE.to_string()
        };
        self.call(Method::GET, &path, None, false, None).await
    }

    /// The account's personal signatures, newest first.
    pub async fn signatures(&self) -> Result<Vec<Signature>, ClientError> {
        let items: Items<Signature> = self
            .call(Method::GET, routes::SIGNATURES, None, true, None)
            .await?;
        Ok(items.items)
    }

    /// Makes the signature of a personal certificate held here, the notice agreed to.
    pub async fn make_signature(&self, req: &NewSignature) -> Result<Signature, ClientError> {
        self.call(
            Method::POST,
            routes::SIGNATURES,
            Some(body(req)?),
            true,
            None,
        )
        .await
    }

    /// A signature written on the phone's pad: the service cleans it into a draft.
    pub async fn draw_signature(&self, req: &DrawnSignature) -> Result<Signature, ClientError> {
        self.call(
            Method::POST,
            routes::SIGNATURE_DRAWN,
            Some(body(req)?),
            true,
            None,
        )
        .await
    }

    /// A signature photographed on white paper (JPEG or PNG): a draft, cleaned.
    pub async fn photo_signature(
        &self,
        req: &PhotoSignature,
        photo: Vec<u8>,
    ) -> Result<Signature, ClientError> {
        let path = format!(
            "{}?certificate_serial={}&notice_version={}",
            routes::SIGNATURE_PHOTO,
            routes::encode(&req.certificate_serial),
            routes::encode(&req.notice_version)
        );
        let answer = self.call_bytes(Method::POST, &path, Some(photo)).await?;
        serde_json::from_slice(&answer).map_err(|e| ClientError::Decode(e.to_string()))
    }

    /// Submits a handwritten draft (or a rejected one again) for review.
    pub async fn submit_signature(&self, id: &str) -> Result<Signature, ClientError> {
        let path = routes::fill(routes::SIGNATURE_SUBMIT, id);
        self.call(
            Method::POST,
            &path,
            Some(body(&serde_json::json!({}))?),
            true,
            None,
        )
        .await
    }

    /// A signature's picture (PNG, transparent background, at its size at 300 dpi).
    pub async fn signature_picture(&self, id: &str) -> Result<Vec<u8>, ClientError> {
        let path = routes::fill(routes::SIGNATURE_PICTURE, id);
        self.call_bytes(Method::GET, &path, None).await
    }

    pub async fn apply_seal(&self, org_id: &str, req: &NewSeal) -> Result<Seal, ClientError> {
        let path = routes::fill(routes::ORG_SEALS, org_id);
        self.call(Method::POST, &path, Some(body(req)?), true, None)
            .await
    }

    pub async fn seals(&self, org_id: &str) -> Result<Vec<Seal>, ClientError> {
        let path = routes::fill(routes::ORG_SEALS, org_id);
        let items: Items<Seal> = self.call(Method::GET, &path, None, true, None).await?;
        Ok(items.items)
    }

    /// The cleaned picture (PNG, transparent background, at the seal's real size).
    pub async fn seal_picture(&self, org_id: &str, seal_id: &str) -> Result<Vec<u8>, ClientError> {
        let path = routes::fill_all(routes::ORG_SEAL_PICTURE, &[org_id, seal_id]);
        self.call_bytes(Method::GET, &path, None).await
    }

    /// The GB/T 38540 seal (DER) of a claimed seal bound to an SM2 certificate.
    pub async fn seal_der(&self, org_id: &str, seal_id: &str) -> Result<Vec<u8>, ClientError> {
        let path = routes::fill_all(routes::ORG_SEAL_DER, &[org_id, seal_id]);
        self.call_bytes(Method::GET, &path, None).await
    }

    pub async fn submit_seal(&self, org_id: &str, seal_id: &str) -> Result<Seal, ClientError> {
        let path = routes::fill_all(routes::ORG_SEAL_SUBMIT, &[org_id, seal_id]);
        self.call(Method::POST, &path, None, true, None).await
    }

    /// Claims an approved seal with `signature` (base64) over
    /// [`claim_statement`](crate::wire::seals::claim_statement).
    pub async fn claim_seal(
        &self,
        org_id: &str,
        seal_id: &str,
        signature: &str,
    ) -> Result<Seal, ClientError> {
        let path = routes::fill_all(routes::ORG_SEAL_CLAIM, &[org_id, seal_id]);
        let req = body(&ClaimSeal {
            signature: signature.to_string(),
        })?;
        self.call(Method::POST, &path, Some(req), true, None).await
    }

    /// `stamp`: picks the seal for a scanned session.
    pub async fn choose_seal(
        &self,
        session_id: &str,
        scan_ticket: &str,
        seal_id: &str,
    ) -> Result<StampProgress, ClientError> {
        let req = body(&ChooseSeal {
            scan_ticket: scan_ticket.to_string(),
            seal_id: seal_id.to_string(),
        })?;
        let path = routes::fill(routes::SCAN_STAMP_SEAL, session_id);
        self.call(Method::POST, &path, Some(req), true, None).await
    }

    /// `stamp`: where the session stands (the platform's digest, once sent).
    pub async fn stamp_progress(
        &self,
        session_id: &str,
        scan_ticket: &str,
    ) -> Result<StampProgress, ClientError> {
        let req = body(&Decline {
            scan_ticket: scan_ticket.to_string(),
        })?;
        let path = routes::fill(routes::SCAN_STAMP_PROGRESS, session_id);
        self.call(Method::POST, &path, Some(req), true, None).await
    }

    /// 用印授权: gives a claimed seal to a member with limits (admin).
    pub async fn grant_seal(
        &self,
        org_id: &str,
        seal_id: &str,
        req: &NewSealGrant,
    ) -> Result<SealGrant, ClientError> {
        let path = routes::fill_all(routes::ORG_SEAL_GRANTS, &[org_id, seal_id]);
        self.call(Method::POST, &path, Some(body(req)?), true, None)
            .await
    }

    /// The seal's grants (admin).
    pub async fn seal_grants(
        &self,
        org_id: &str,
        seal_id: &str,
    ) -> Result<Vec<SealGrant>, ClientError> {
        let path = routes::fill_all(routes::ORG_SEAL_GRANTS, &[org_id, seal_id]);
        let items: Items<SealGrant> = self.call(Method::GET, &path, None, true, None).await?;
        Ok(items.items)
    }

    /// Withdraws a grant (admin).
    pub async fn revoke_seal_grant(
        &self,
        org_id: &str,
        seal_id: &str,
        grant_id: &str,
    ) -> Result<SealGrant, ClientError> {
        let path = routes::fill_all(routes::ORG_SEAL_GRANT_REVOKE, &[org_id, seal_id, grant_id]);
        self.call(Method::POST, &path, Some(serde_json::json!({})), true, None)
            .await
    }

    /// 用印审批: the uses of granted seals, pending first (admin).
    pub async fn seal_approvals(&self, org_id: &str) -> Result<Vec<SealApproval>, ClientError> {
        let path = routes::fill(routes::ORG_SEAL_APPROVALS, org_id);
        let items: Items<SealApproval> = self.call(Method::GET, &path, None, true, None).await?;
        Ok(items.items)
    }

    /// Approves a use with the admin's certificate `serial` and `signature` (base64) over
    /// [`approval_statement`](crate::wire::seals::approval_statement).
    pub async fn approve_seal_use(
        &self,
        org_id: &str,
        approval_id: &str,
        serial: &str,
        signature: &str,
    ) -> Result<SealApproval, ClientError> {
        let path = routes::fill_all(routes::ORG_SEAL_APPROVAL_APPROVE, &[org_id, approval_id]);
        let req = body(&ApproveSealUse {
            serial: serial.to_string(),
            signature: signature.to_string(),
        })?;
        self.call(Method::POST, &path, Some(req), true, None).await
    }

    /// Refuses a use (admin).
    pub async fn refuse_seal_use(
        &self,
        org_id: &str,
        approval_id: &str,
    ) -> Result<SealApproval, ClientError> {
        let path = routes::fill_all(routes::ORG_SEAL_APPROVAL_REFUSE, &[org_id, approval_id]);
        self.call(Method::POST, &path, Some(serde_json::json!({})), true, None)
            .await
    }
}
