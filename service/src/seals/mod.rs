//! Seals (印章) and personal signatures (签章图片): GB/T 38540 electronic seals bound to an
//! organisation's certificate, made from a photo of the stamp on white paper, reviewed in the
//! console, claimed with the certificate's key and used to stamp documents by scan (issue 11);
//! and the personal signature (姓名章) of a personal certificate.
//!
//! The seal's life: an admin applies with the photo (cleaned at once into [`picture`], shown
//! as a draft), submits it to the review queue, a reviewer approves or rejects it (an SMS
//! tells the admins), an admin claims it (申领) by signing [`claim_statement`] with the bound
//! certificate's key, and it is void once that certificate is revoked or replaced.

mod files;
pub mod grants;
mod handwriting;
pub mod maker;
pub mod picture;
pub mod repo;
mod signatures;
mod stamping;

use std::sync::Arc;

use mcert_core::clock::{Clock, unix_millis};
use mcert_core::wire::seals::{NewSeal, Seal, claim_statement};
use serde_json::json;

pub use grants::{GrantRow, UseFacts, is_project_code};
pub use handwriting::Handwriting;
pub use repo::SealStatus;
pub use signatures::{NOTICE_VERSION, PERSONAL_KIND, notice as signature_notice};
pub use stamping::StampableSeal;

use crate::audit;
use crate::authz::{OrgAdmin, OrgMember};
use crate::ca::Authority;
use crate::orgs::Orgs;
use crate::outbox::{Enqueued, Outbox};
use crate::review::{ReviewKind, Submission};
use crate::store::{Store, StoreError, Tx};
use crate::uploads::Uploads;

/// The kinds of organisation seal (seed 000 §3) with the size a rubber one prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SealKind {
    /// 企业公章: round, 42 mm.
    Official,
    /// 合同专用章: round, 40 mm.
    Contract,
    /// 财务专用章: round, 38 mm.
    Finance,
    /// 发票专用章: oval, 40 × 30 mm.
    Invoice,
    /// 法定代表人章: square, 20 mm.
    LegalRepresentative,
}

impl SealKind {
    pub const ALL: [SealKind; 5] = [
        SealKind::Official,
        SealKind::Contract,
        SealKind::Finance,
        SealKind::Invoice,
        SealKind::LegalRepresentative,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SealKind::Official => "official",
            SealKind::Contract => "contract",
            SealKind::Finance => "finance",
            SealKind::Invoice => "invoice",
            SealKind::LegalRepresentative => "legal_representative",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Width and height in millimetres.
    pub fn size_mm(self) -> (u32, u32) {
        match self {
            SealKind::Official => (42, 42),
            SealKind::Contract => (40, 40),
            SealKind::Finance => (38, 38),
            SealKind::Invoice => (40, 30),
            SealKind::LegalRepresentative => (20, 20),
        }
    }

    /// The GB/T 38540 `type` of the seal's property information.
    pub fn es_type(self) -> i64 {
        match self {
            SealKind::LegalRepresentative => 2,
            _ => 1,
        }
    }
}

/// What a seal shows: its GB/T 38540 type, kind, name, size and picture.
pub(crate) struct SealFace<'a> {
    pub seal_type: i64,
    pub kind: &'a str,
    pub name: &'a str,
    pub width_mm: i64,
    pub height_mm: i64,
    pub picture: &'a [u8],
}

/// A seal's files: the GB/T 38540 seal (SM2 certificate) or the P-256 binding.
#[derive(Debug, Default)]
pub struct SealFiles {
    pub der: Option<Vec<u8>>,
    pub binding: Option<Vec<u8>>,
}

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("no such kind of seal")]
    BadKind,
    #[error("the seal's name must be 1 to 40 characters")]
    BadName,
    #[error("the photo is not an upload of this organisation")]
    UnknownPhoto,
    #[error(transparent)]
    Picture(#[from] picture::PictureError),
    #[error("a seal is bound to one of the organisation's own certificates, issued and valid")]
    BadCertificate,
    #[error("no such seal")]
    UnknownSeal,
    #[error("the seal is {0}")]
    WrongState(String),
    #[error("the signature does not prove possession of the bound certificate's key")]
    BadProof,
    #[error("the seal has no GB/T 38540 file (not claimed, void, or bound to a P-256 certificate)")]
    NoSealFile,
    #[error("the grant's {0} is not valid")]
    BadGrant(String),
    #[error("no such member of the organisation")]
    UnknownMember,
    #[error("the member holds no valid certificate of the organisation of the seal's algorithm")]
    MemberHasNoCertificate,
    #[error("no such grant of this seal, or it was withdrawn")]
    UnknownGrant,
    #[error("no such approval")]
    UnknownApproval,
    #[error("an admin cannot approve their own use of a seal")]
    OwnUse,
    #[error("a signature picture is made as `name_seal`")]
    BadSignatureSource,
    #[error("the notice (告知函) agreed to is not the current one")]
    NoticeNotAgreed,
    #[error("a signature picture is made for a valid personal certificate the caller holds")]
    NotPersonalCertificate,
    #[error("no such signature")]
    UnknownSignature,
    #[error(transparent)]
    SignaturePicture(picture::PictureError),
    #[error("the signature is {0}")]
    SignatureState(String),
    #[error("too many signature drafts today")]
    TooManySignatureDrafts,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<sqlx::Error> for SealError {
    fn from(e: sqlx::Error) -> Self {
        SealError::Store(StoreError::Database(e))
    }
}

fn internal(e: impl std::fmt::Display) -> SealError {
    SealError::Internal(e.to_string())
}

/// Organisation seals.
#[derive(Clone)]
pub struct Seals {
    store: Store,
    clock: Arc<dyn Clock>,
    orgs: Orgs,
    uploads: Uploads,
    authority: Authority,
    outbox: Outbox,
    /// The SM2 seal maker (GB/T 38540 seals are made for SM2 certificates).
    maker: Option<Arc<maker::SealMaker>>,
    /// The P-256 seal maker (it signs the bindings of seals bound to P-256 certificates).
    p256_maker: Option<Arc<maker::SealMaker>>,
    /// Photos cleaned at once (each may take a few hundred MB while decoding).
    cleaning: Arc<tokio::sync::Semaphore>,
}

impl std::fmt::Debug for Seals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Seals").finish_non_exhaustive()
    }
}

impl Seals {
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        orgs: Orgs,
        uploads: Uploads,
        authority: Authority,
        outbox: Outbox,
    ) -> Self {
        Seals {
            store,
            clock,
            orgs,
            uploads,
            authority,
            outbox,
            maker: None,
            p256_maker: None,
            cleaning: Arc::new(tokio::sync::Semaphore::new(2)),
        }
    }

    /// With the SM2 and P-256 seal makers (see [`maker::ensure`]).
    pub fn with_makers(mut self, sm2: Arc<maker::SealMaker>, p256: Arc<maker::SealMaker>) -> Self {
        self.maker = Some(sm2);
        self.p256_maker = Some(p256);
        self
    }

    /// The bound certificate: one of the organisation's slots, with a certificate issued,
    /// still good. Returns (serial, DER, notAfter in ms).
    async fn bound_certificate(
        &self,
        org_id: &str,
        entitlement_id: &str,
        serial: Option<&str>,
    ) -> Result<(String, Vec<u8>, i64), SealError> {
        let slot = crate::billing::repo::org_slot(self.store.pool(), org_id, entitlement_id)
            .await?
            .ok_or(SealError::BadCertificate)?;
        if slot.0 != "organization" {
            return Err(SealError::BadCertificate);
        }
        let current = slot.2.ok_or(SealError::BadCertificate)?;
        if serial.is_some_and(|s| s != current) {
            return Err(SealError::BadCertificate);
        }
        let held = self
            .authority
            .certificates_of_entitlements(&[entitlement_id.to_string()])
            .await
            .map_err(internal)?;
        let now = unix_millis(self.clock.now());
        let cert = held
            .into_iter()
            .find(|c| c.serial == current)
            .filter(|c| c.status == "good" && c.not_before <= now && now < c.not_after)
            .ok_or(SealError::BadCertificate)?;
        Ok((cert.serial, cert.der, cert.not_after))
    }

    /// 印章申请: a draft from the photo, cleaned at once (the app shows the picture before it
    /// is submitted).
    pub async fn apply(&self, admin: &OrgAdmin, req: &NewSeal) -> Result<Seal, SealError> {
        let kind = SealKind::parse(&req.kind).ok_or(SealError::BadKind)?;
        let name = req.name.trim();
        if name.is_empty() || name.chars().count() > 40 || name.chars().any(char::is_control) {
            return Err(SealError::BadName);
        }
        let (content_type, photo) = self
            .uploads
            .body(admin.org_id(), &req.photo_upload_id)
            .await
            .map_err(internal)?
            .ok_or(SealError::UnknownPhoto)?;
        if !content_type.starts_with("image/") {
            return Err(SealError::UnknownPhoto);
        }
        let (serial, _, _) = self
            .bound_certificate(admin.org_id(), &req.entitlement_id, None)
            .await?;
        let (w, h) = kind.size_mm();
        let _permit = self.cleaning.acquire().await.map_err(internal)?;
        let cleaned = tokio::task::spawn_blocking(move || picture::clean(&photo, w, h))
            .await
            .map_err(internal)??;
        let stored = self
            .uploads
            .put(admin, "seal_picture", &cleaned.png)
            .await
            .map_err(internal)?;
        let now_t = self.clock.now();
        let now = unix_millis(now_t);
        let id = mcert_core::id::ulid(now_t).map_err(internal)?;
        let actor = admin.actor().audit_name();
        let mut tx = self.store.begin().await?;
        sqlx::query(
            "INSERT INTO seals (id, org_id, kind, name, status, photo_upload_id, picture_upload_id, entitlement_id,
                 certificate_serial, width_mm, height_mm, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, 'draft', $5, $6, $7, $8, $9, $10, $11, $12, $12)",
        )
        .bind(&id)
        .bind(admin.org_id())
        .bind(kind.as_str())
        .bind(name)
        .bind(&req.photo_upload_id)
        .bind(&stored.id)
        .bind(&req.entitlement_id)
        .bind(&serial)
        .bind(i64::from(w))
        .bind(i64::from(h))
        .bind(&actor)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &actor,
            "seal.applied",
            &id,
            &json!({"org": admin.org_id(), "kind": kind.as_str(), "certificate": serial}),
        )
        .await?;
        tx.commit().await?;
        self.get(admin, &id).await
    }

    async fn row(&self, org_id: &str, seal_id: &str) -> Result<repo::SealRow, SealError> {
        sqlx::query_as(repo::select_seals!("WHERE id = $1 AND org_id = $2"))
            .bind(seal_id)
            .bind(org_id)
            .fetch_optional(self.store.pool())
            .await?
            .ok_or(SealError::UnknownSeal)
    }

    pub async fn get(&self, member: &OrgMember, seal_id: &str) -> Result<Seal, SealError> {
        Ok(self.row(member.org_id(), seal_id).await?.into_seal())
    }

    /// The organisation's seals, newest first.
    pub async fn list(&self, member: &OrgMember) -> Result<Vec<Seal>, SealError> {
        let rows: Vec<repo::SealRow> = sqlx::query_as(repo::select_seals!(
            "WHERE org_id = $1 ORDER BY created_at DESC, id DESC"
        ))
        .bind(member.org_id())
        .fetch_all(self.store.pool())
        .await?;
        Ok(rows.into_iter().map(repo::SealRow::into_seal).collect())
    }

    /// The cleaned picture (PNG) for the organisation's members.
    pub async fn picture(&self, member: &OrgMember, seal_id: &str) -> Result<Vec<u8>, SealError> {
        let row = self.row(member.org_id(), seal_id).await?;
        let (_, png) = self
            .uploads
            .body(member.org_id(), &row.picture_upload_id)
            .await
            .map_err(internal)?
            .ok_or(SealError::UnknownSeal)?;
        Ok(png)
    }

    /// Submits a draft (or a rejected seal, as a new round) to the review queue.
    pub async fn submit(&self, admin: &OrgAdmin, seal_id: &str) -> Result<Seal, SealError> {
        let row = self.row(admin.org_id(), seal_id).await?;
        // The bound certificate must still be the slot's, good and valid.
        self.bound_certificate(
            admin.org_id(),
            &row.entitlement_id,
            Some(&row.certificate_serial),
        )
        .await?;
        let (org_name, code) = self
            .orgs
            .name_and_code(admin.org_id())
            .await
            .map_err(internal)?;
        let kind_label = row.kind_label();
        let now_t = self.clock.now();
        let now = unix_millis(now_t);
        let actor = admin.actor().audit_name();
        let mut tx = self.store.begin().await?;
        let moved = sqlx::query(
            "UPDATE seals SET status = 'pending_review', reject_reason = NULL, updated_at = $1
             WHERE id = $2 AND org_id = $3 AND status IN ('draft', 'rejected')",
        )
        .bind(now)
        .bind(seal_id)
        .bind(admin.org_id())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved != 1 {
            return Err(SealError::WrongState(row.into_seal().status_label));
        }
        crate::review::submit_in(
            &mut tx,
            now_t,
            Submission {
                kind: ReviewKind::Seal,
                subject_id: seal_id,
                org_id: Some(admin.org_id()),
                facts: vec![
                    ("review-fact-org-name", org_name),
                    ("review-fact-credit-code", code),
                    ("review-fact-seal-kind", kind_label),
                    ("review-fact-seal-name", row.name.clone()),
                    ("review-fact-certificate", row.certificate_serial.clone()),
                ],
                materials: &[row.photo_upload_id.clone(), row.picture_upload_id.clone()],
                actor: &actor,
            },
        )
        .await
        .map_err(internal)?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &actor,
            "seal.submitted",
            seal_id,
            &json!({}),
        )
        .await?;
        tx.commit().await?;
        self.get(admin, seal_id).await
    }

    /// Applies a reviewer's decision inside the review's unit of work; texts the admins.
    pub async fn apply_review_in(
        &self,
        tx: &mut Tx,
        seal_id: &str,
        reject_reason: Option<&str>,
    ) -> Result<Vec<Enqueued>, SealError> {
        let now = unix_millis(self.clock.now());
        let to = if reject_reason.is_some() {
            SealStatus::Rejected
        } else {
            SealStatus::Approved
        };
        let moved = sqlx::query(
            "UPDATE seals SET status = $1, reject_reason = $2, updated_at = $3
             WHERE id = $4 AND status = 'pending_review'",
        )
        .bind(to.as_str())
        .bind(reject_reason)
        .bind(now)
        .bind(seal_id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if moved != 1 {
            // Voided while under review (its certificate was revoked): the decision stands in
            // the queue, the seal stays void, nobody is texted.
            let (status,): (String,) = sqlx::query_as("SELECT status FROM seals WHERE id = $1")
                .bind(seal_id)
                .fetch_one(&mut **tx)
                .await?;
            if status == SealStatus::Void.as_str() {
                return Ok(Vec::new());
            }
            return Err(SealError::Internal("the seal is not under review".into()));
        }
        let (org_id, name): (String, String) =
            sqlx::query_as("SELECT org_id, name FROM seals WHERE id = $1")
                .bind(seal_id)
                .fetch_one(&mut **tx)
                .await?;
        let text = match reject_reason {
            None => crate::i18n::message(
                mcert_core::i18n::Locale::ZhCn,
                "sms-seal-approved",
                &[("seal", name.into())],
            ),
            Some(reason) => crate::i18n::message(
                mcert_core::i18n::Locale::ZhCn,
                "sms-seal-rejected",
                &[("seal", name.into()), ("reason", reason.to_string().into())],
            ),
        };
        let mut jobs = Vec::new();
        for phone in crate::orgs::repo::admin_phones_in(tx, &org_id).await? {
            jobs.push(
                self.outbox
                    .enqueue_sms(tx, &phone, &text)
                    .await
                    .map_err(internal)?,
            );
        }
        Ok(jobs)
    }

    /// 申领: an admin claims an approved seal, proving possession of the bound certificate's
    /// key by its signature over [`claim_statement`].
    pub async fn claim(
        &self,
        admin: &OrgAdmin,
        seal_id: &str,
        signature: &[u8],
    ) -> Result<Seal, SealError> {
        let row = self.row(admin.org_id(), seal_id).await?;
        if row.status() != Some(SealStatus::Approved) {
            return Err(SealError::WrongState(row.into_seal().status_label));
        }
        let (serial, der, not_after) = self
            .bound_certificate(
                admin.org_id(),
                &row.entitlement_id,
                Some(&row.certificate_serial),
            )
            .await?;
        let cert = mcert_core::crypto::x509::parse_certificate(&der).map_err(internal)?;
        let key = mcert_core::crypto::x509::certificate_public_key(&cert).map_err(internal)?;
        let statement = claim_statement(seal_id, &serial, admin.account_id());
        key.verify(statement.as_bytes(), signature)
            .map_err(|_| SealError::BadProof)?;
        let now_t = self.clock.now();
        let now = unix_millis(now_t);
        // The seal is made now: for an SM2 certificate the GB/T 38540 seal (the picture, the
        // bound certificate and the validity), for P-256 the binding, each signed by the
        // service's seal maker of that algorithm.
        let picture = self.picture_of(&row).await?;
        let files = self.make_files(&row, seal_id, &picture, &der, not_after, now_t)?;
        let actor = admin.actor().audit_name();
        let mut tx = self.store.begin().await?;
        let moved = sqlx::query(
            "UPDATE seals SET status = 'claimed', claimed_by = $1, claimed_at = $2, updated_at = $2, seal_der = $3,
                 binding = $5
             WHERE id = $4 AND status = 'approved'",
        )
        .bind(admin.account_id())
        .bind(now)
        .bind(files.der.as_deref())
        .bind(seal_id)
        .bind(files.binding.as_deref())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved != 1 {
            drop(tx);
            let now_row = self.row(admin.org_id(), seal_id).await?;
            return Err(SealError::WrongState(now_row.into_seal().status_label));
        }
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &actor,
            "seal.claimed",
            seal_id,
            &json!({"certificate": serial}),
        )
        .await?;
        tx.commit().await?;
        self.get(admin, seal_id).await
    }

    /// The cleaned picture (PNG) of a seal.
    pub(crate) async fn picture_of(&self, row: &repo::SealRow) -> Result<Vec<u8>, SealError> {
        let (_, png) = self
            .uploads
            .body(&row.org_id, &row.picture_upload_id)
            .await
            .map_err(internal)?
            .ok_or(SealError::UnknownSeal)?;
        Ok(png)
    }

    /// The GB/T 38540 seal (DER) of a claimed seal bound to an SM2 certificate.
    pub async fn seal_der(&self, member: &OrgMember, seal_id: &str) -> Result<Vec<u8>, SealError> {
        let row: Option<(Option<Vec<u8>>,)> = sqlx::query_as(
            "SELECT seal_der FROM seals WHERE id = $1 AND org_id = $2 AND status = 'claimed'",
        )
        .bind(seal_id)
        .bind(member.org_id())
        .fetch_optional(self.store.pool())
        .await?;
        row.and_then(|(der,)| der).ok_or(SealError::NoSealFile)
    }
}
