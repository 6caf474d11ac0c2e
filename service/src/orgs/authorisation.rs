//! CA authorisation (CA 授权, seed 003 §3): before an organisation buys certificates, either
//! its legal representative passes a real-name and face check on the applicant's phone, or the
//! applicant uploads the authorisation letter (template downloadable as a PDF), stamped with
//! the 公章 and signed by the legal representative, and a reviewer approves it.

use mcert_core::clock::{from_unix_millis, rfc3339, unix_millis};
use mcert_core::validate;
use mcert_core::wire::{Method, VerificationRequest};
use serde_json::json;

use super::{
    AuthStatus, Authorisation, FaceAuthorisation, OrgError, Orgs, ProgressStep, label, repo,
};
use crate::audit;
use crate::authz::OrgAdmin;
use crate::outbox::Enqueued;
use crate::review::{self, ReviewKind, Submission};
use crate::store::Tx;

/// What the authorisation letter template is filled with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LetterFacts {
    pub organisation: String,
    pub credit_code: String,
    pub legal_rep: String,
    pub applicant: String,
    pub applicant_id_masked: String,
    pub applicant_phone_masked: String,
}

/// Approving fails on the unique index when another registration of the same credit code was
/// authorised first.
fn approval_error(e: sqlx::Error) -> OrgError {
    if repo::is_unique_violation(&e) {
        OrgError::CodeAuthorisedElsewhere
    } else {
        e.into()
    }
}

fn step(id: &str, state: &str, at: Option<i64>) -> ProgressStep {
    ProgressStep {
        label: label(id),
        state: state.to_string(),
        at: at.map(|t| rfc3339(from_unix_millis(t))),
    }
}

/// The authorisation as the applicant sees it, with 审批进度.
pub(super) fn view(row: &repo::OrgRow) -> Authorisation {
    let status = AuthStatus::parse(&row.auth_status).unwrap_or(AuthStatus::None);
    let face = row.auth_method.as_deref() == Some("face");
    let progress = match (status, face) {
        (AuthStatus::None, _) => vec![
            step("org-step-submit", "current", None),
            step("org-step-review", "todo", None),
            step("org-step-done", "todo", None),
        ],
        (AuthStatus::PendingReview, _) => vec![
            step("org-step-submit", "done", row.auth_submitted_at),
            step("org-step-review", "current", None),
            step("org-step-done", "todo", None),
        ],
        (AuthStatus::Approved, true) => vec![
            step("org-step-face", "done", row.auth_decided_at),
            step("org-step-done", "done", row.auth_decided_at),
        ],
        (AuthStatus::Approved, false) => vec![
            step("org-step-submit", "done", row.auth_submitted_at),
            step("org-step-review", "done", row.auth_decided_at),
            step("org-step-done", "done", row.auth_decided_at),
        ],
        (AuthStatus::Rejected, _) => vec![
            step("org-step-submit", "done", row.auth_submitted_at),
            step("org-step-review", "failed", row.auth_decided_at),
            step("org-step-resubmit", "current", None),
        ],
    };
    Authorisation {
        status: status.as_str().to_string(),
        status_label: label(status.message_id()),
        method: row.auth_method.clone(),
        reject_reason: row.auth_reason.clone(),
        progress,
    }
}

impl Orgs {
    /// The legal representative's own real-name and face check: authorised at once.
    pub async fn authorise_by_face(
        &self,
        admin: &OrgAdmin,
        req: &FaceAuthorisation,
    ) -> Result<Authorisation, OrgError> {
        if !validate::is_mobile(&req.legal_rep_phone) {
            return Err(OrgError::BadPhone);
        }
        let org_id = admin.org_id();
        let row = repo::org(self.store.pool(), org_id)
            .await?
            .ok_or_else(|| OrgError::Internal("organisation vanished".into()))?;
        match AuthStatus::parse(&row.auth_status) {
            Some(AuthStatus::Approved) => return Err(OrgError::AlreadyAuthorised),
            Some(AuthStatus::PendingReview) => return Err(OrgError::UnderReview),
            _ => {}
        }
        let rep_id = self
            .identities
            .open_number(&format!("org:{org_id}"), &row.legal_rep_id_sealed)?;
        let reference = self
            .identities
            .check_person(
                &format!("org-face:{org_id}"),
                &VerificationRequest {
                    method: Method::Phone,
                    name: row.legal_rep_name.clone(),
                    id_number: rep_id.to_string(),
                    bank_card: None,
                    phone: req.legal_rep_phone.clone(),
                    face_token: req.face_token.clone(),
                },
            )
            .await?;
        let now = unix_millis(self.clock.now());
        let mut tx = self.store.begin().await?;
        if !repo::set_auth(
            &mut tx,
            org_id,
            &[AuthStatus::None, AuthStatus::Rejected],
            AuthStatus::Approved,
            Some("face"),
            None,
            now,
        )
        .await
        .map_err(approval_error)?
        {
            let current = repo::org_in(&mut tx, org_id).await?.map(|r| r.auth_status);
            return Err(match current.as_deref() {
                Some("pending_review") => OrgError::UnderReview,
                _ => OrgError::AlreadyAuthorised,
            });
        }
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &admin.actor().audit_name(),
            "org.authorised",
            org_id,
            &json!({"method": "face", "provider_ref": reference}),
        )
        .await?;
        tx.commit().await?;
        Ok(self.get(admin).await?.authorisation)
    }

    /// Submits the stamped letter (an upload of the organisation) for review.
    pub async fn submit_letter(
        &self,
        admin: &OrgAdmin,
        upload_id: &str,
    ) -> Result<Authorisation, OrgError> {
        let org_id = admin.org_id();
        let found = self
            .uploads
            .describe(org_id, &[upload_id.to_string()])
            .await
            .map_err(|e| OrgError::Internal(e.to_string()))?;
        if found.first().map(|u| u.purpose.as_str()) != Some("authorisation_letter") {
            return Err(OrgError::BadLetter);
        }
        let row = repo::org(self.store.pool(), org_id)
            .await?
            .ok_or_else(|| OrgError::Internal("organisation vanished".into()))?;
        let me = self.me(admin).await?;
        let now_t = self.clock.now();
        let now = unix_millis(now_t);
        let actor = admin.actor().audit_name();
        let mut tx = self.store.begin().await?;
        if !repo::set_auth(
            &mut tx,
            org_id,
            &[AuthStatus::None, AuthStatus::Rejected],
            AuthStatus::PendingReview,
            Some("letter"),
            None,
            now,
        )
        .await?
        {
            let current = repo::org_in(&mut tx, org_id).await?.map(|r| r.auth_status);
            return Err(match current.as_deref() {
                Some("approved") => OrgError::AlreadyAuthorised,
                _ => OrgError::UnderReview,
            });
        }
        review::submit_in(
            &mut tx,
            now_t,
            Submission {
                kind: ReviewKind::CaAuthorisation,
                subject_id: org_id,
                org_id: Some(org_id),
                facts: vec![
                    ("review-fact-org-name", row.name.clone()),
                    ("review-fact-credit-code", row.credit_code.clone()),
                    ("review-fact-legal-rep", row.legal_rep_name.clone()),
                    ("review-fact-applicant", me.name.clone()),
                    (
                        "review-fact-applicant-phone",
                        validate::mask_mobile(&me.phone),
                    ),
                ],
                materials: &[upload_id.to_string()],
                actor: &actor,
            },
        )
        .await
        .map_err(|e| OrgError::Internal(e.to_string()))?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &actor,
            "org.authorisation_submitted",
            org_id,
            &json!({"method": "letter", "upload": upload_id}),
        )
        .await?;
        tx.commit().await?;
        Ok(self.get(admin).await?.authorisation)
    }

    /// Applies a reviewer's decision on the letter, in the review's transaction, and texts the
    /// organisation's admins.
    pub async fn apply_review_in(
        &self,
        tx: &mut Tx,
        org_id: &str,
        reject_reason: Option<&str>,
        _actor: &str,
    ) -> Result<Vec<Enqueued>, OrgError> {
        let now = unix_millis(self.clock.now());
        let to = if reject_reason.is_some() {
            AuthStatus::Rejected
        } else {
            AuthStatus::Approved
        };
        if !repo::set_auth(
            tx,
            org_id,
            &[AuthStatus::PendingReview],
            to,
            None,
            reject_reason,
            now,
        )
        .await
        .map_err(approval_error)?
        {
            return Err(OrgError::Internal(
                "authorisation is not under review".into(),
            ));
        }
        let row = repo::org_in(tx, org_id)
            .await?
            .ok_or_else(|| OrgError::Internal("organisation vanished".into()))?;
        let text = match reject_reason {
            None => crate::i18n::message(
                mcert_core::i18n::Locale::ZhCn,
                "sms-org-authorised",
                &[("org", row.name.clone().into())],
            ),
            Some(reason) => crate::i18n::message(
                mcert_core::i18n::Locale::ZhCn,
                "sms-org-authorisation-rejected",
                &[
                    ("org", row.name.clone().into()),
                    ("reason", reason.to_string().into()),
                ],
            ),
        };
        let mut jobs = Vec::new();
        for phone in repo::admin_phones_in(tx, org_id).await? {
            jobs.push(
                self.outbox
                    .enqueue_sms(tx, &phone, &text)
                    .await
                    .map_err(|e| OrgError::Internal(e.to_string()))?,
            );
        }
        Ok(jobs)
    }

    /// What the letter template is filled with: the organisation and the applicant (the admin
    /// downloading it).
    pub async fn letter_facts(&self, admin: &OrgAdmin) -> Result<LetterFacts, OrgError> {
        let row = repo::org(self.store.pool(), admin.org_id())
            .await?
            .ok_or_else(|| OrgError::Internal("organisation vanished".into()))?;
        let me = repo::member(self.store.pool(), admin.org_id(), admin.member_id())
            .await?
            .ok_or(OrgError::UnknownMember)?;
        Ok(LetterFacts {
            organisation: row.name,
            credit_code: row.credit_code,
            legal_rep: row.legal_rep_name,
            applicant: me.name,
            applicant_id_masked: me.id_number_masked,
            applicant_phone_masked: validate::mask_mobile(&me.phone),
        })
    }
}
