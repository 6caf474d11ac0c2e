//! Handwritten signatures (seed 003 §7): after agreeing to the 签章图片告知函 the holder of a
//! personal certificate writes a signature on the phone's pad or photographs one written on
//! white paper. Either way it is cleaned into a picture of dark ink on transparency (see
//! [`super::picture`]) and kept as a draft the holder looks at; submitted, it goes to the
//! review queue; a reviewer approves it (it becomes the certificate's active signature,
//! replacing the one before, with its GB/T 38540 seal or P-256 binding made then) or rejects it
//! with a reason (the holder writes it again and resubmits). Either decision is texted.
//!
//! The photo itself is not kept: it may show more than the signature. The reviewer sees the
//! cleaned picture, which is exactly what stamps will show.

use mcert_core::clock::unix_millis;
use mcert_core::crypto::x509;
use mcert_core::i18n::Locale;
use mcert_core::wire::signatures::Signature;
use serde_json::json;

use super::picture::{self, CleanedPicture};
use super::signatures::{NOTICE_VERSION, PERSONAL_KIND};
use super::{SealError, SealFace, Seals, internal};
use crate::audit;
use crate::authz::OwnAccount;
use crate::outbox::Enqueued;
use crate::review::{ReviewKind, Submission};
use crate::store::Tx;

/// Drafts one account may make per day (each is a picture kept in the database).
const DRAFTS_PER_DAY: crate::limits::Limit = crate::limits::Limit {
    max: 20,
    window: std::time::Duration::from_secs(86_400),
};

/// What a reviewer's decision on a signature needs of its row.
#[derive(sqlx::FromRow)]
struct Reviewed {
    account_id: String,
    certificate_serial: String,
    name: String,
    status: String,
    picture: Vec<u8>,
    width_mm: i64,
    height_mm: i64,
}

/// A handwritten signature as it arrives.
#[derive(Debug)]
pub enum Handwriting<'a> {
    /// Strokes written on the phone's pad (see `wire::signatures::DrawnSignature`).
    Drawn {
        width: f32,
        height: f32,
        strokes: &'a [Vec<[f32; 2]>],
    },
    /// A photo (JPEG or PNG) of a signature on white paper.
    Photo(&'a [u8]),
}

impl Handwriting<'_> {
    fn source(&self) -> &'static str {
        match self {
            Handwriting::Drawn { .. } => "drawn",
            Handwriting::Photo(_) => "photo",
        }
    }
}

/// Whether a signature's source is handwriting (reviewed) rather than the generated seal.
pub(crate) fn is_handwritten(source: &str) -> bool {
    matches!(source, "drawn" | "photo")
}

impl Seals {
    /// Cleans a handwritten signature into a draft of the caller's personal certificate
    /// `serial`, having agreed to the notice of `notice_version`.
    pub async fn draft_handwriting(
        &self,
        owner: &OwnAccount,
        serial: &str,
        notice_version: &str,
        handwriting: Handwriting<'_>,
    ) -> Result<Signature, SealError> {
        if notice_version != NOTICE_VERSION {
            return Err(SealError::NoticeNotAgreed);
        }
        let (name, cert) = self
            .held_personal(owner.account_id(), serial.trim())
            .await?;
        let source = handwriting.source();
        let cleaned: CleanedPicture = {
            let _permit = self.cleaning.acquire().await.map_err(internal)?;
            match handwriting {
                Handwriting::Drawn {
                    width,
                    height,
                    strokes,
                } => {
                    let strokes = strokes.to_vec();
                    tokio::task::spawn_blocking(move || {
                        picture::draw_handwriting(width, height, &strokes)
                    })
                    .await
                }
                Handwriting::Photo(bytes) => {
                    let bytes = bytes.to_vec();
                    tokio::task::spawn_blocking(move || picture::clean_handwriting(&bytes)).await
                }
            }
            .map_err(internal)?
            .map_err(SealError::SignaturePicture)?
        };
        let now_t = self.clock.now();
        let now = unix_millis(now_t);
        let id = mcert_core::id::ulid(now_t).map_err(internal)?;
        let actor = owner.actor().audit_name();
        let mut tx = self.store.begin().await?;
        if crate::limits::take(
            &mut tx,
            &format!("signature-drafts:{}", owner.account_id()),
            DRAFTS_PER_DAY,
            now,
        )
        .await?
        .is_err()
        {
            return Err(SealError::TooManySignatureDrafts);
        }
        sqlx::query(
            "INSERT INTO signatures (id, account_id, entitlement_id, certificate_serial, source, name, status,
                 notice_version, picture, width_mm, height_mm, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'draft', $7, $8, $9, $10, $11, $11)",
        )
        .bind(&id)
        .bind(owner.account_id())
        .bind(&cert.entitlement_id)
        .bind(&cert.serial)
        .bind(source)
        .bind(&name)
        .bind(NOTICE_VERSION)
        .bind(&cleaned.png)
        .bind(i64::from(cleaned.width_mm))
        .bind(i64::from(cleaned.height_mm))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &actor,
            "signature.drafted",
            &id,
            &json!({"certificate": cert.serial, "source": source, "notice": NOTICE_VERSION}),
        )
        .await?;
        tx.commit().await?;
        self.signature(owner, &id).await
    }

    /// Submits a handwritten draft (or a rejected one, as a new round) for review.
    pub async fn submit_signature(
        &self,
        owner: &OwnAccount,
        id: &str,
    ) -> Result<Signature, SealError> {
        let row = self.signature_row(owner, id).await?;
        if !is_handwritten(&row.source) {
            return Err(SealError::SignatureState(row.into_signature().status_label));
        }
        // Its certificate must still be held, good and valid.
        self.held_personal(owner.account_id(), &row.certificate_serial)
            .await?;
        let method = row.source_label();
        let now_t = self.clock.now();
        let now = unix_millis(now_t);
        let actor = owner.actor().audit_name();
        let mut tx = self.store.begin().await?;
        let moved = sqlx::query(
            "UPDATE signatures SET status = 'pending_review', reject_reason = NULL, updated_at = $1
             WHERE id = $2 AND account_id = $3 AND status IN ('draft', 'rejected')",
        )
        .bind(now)
        .bind(id)
        .bind(owner.account_id())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if moved != 1 {
            drop(tx);
            let now_row = self.signature_row(owner, id).await?;
            return Err(SealError::SignatureState(
                now_row.into_signature().status_label,
            ));
        }
        crate::review::submit_in(
            &mut tx,
            now_t,
            Submission {
                kind: ReviewKind::Signature,
                subject_id: id,
                org_id: None,
                facts: vec![
                    ("review-fact-signer", row.name.clone()),
                    ("review-fact-signature-method", method),
                    ("review-fact-certificate", row.certificate_serial.clone()),
                ],
                materials: &[],
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
            "signature.submitted",
            id,
            &json!({}),
        )
        .await?;
        tx.commit().await?;
        self.signature(owner, id).await
    }

    /// Applies a reviewer's decision on a handwritten signature inside the review's unit of
    /// work and texts its holder. Approved, it becomes its certificate's active signature (the
    /// one before is replaced) with its seal file made now.
    pub(crate) async fn apply_signature_review_in(
        &self,
        tx: &mut Tx,
        id: &str,
        reject_reason: Option<&str>,
    ) -> Result<Vec<Enqueued>, SealError> {
        let row: Option<Reviewed> = sqlx::query_as(
            "SELECT account_id, certificate_serial, name, status, picture, width_mm, height_mm
             FROM signatures WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
        let Reviewed {
            account_id,
            certificate_serial: serial,
            name,
            status,
            picture: png,
            width_mm,
            height_mm,
        } = row.ok_or(SealError::UnknownSignature)?;
        if status == "void" {
            // Its certificate was revoked or replaced while under review: the decision stands
            // in the queue, the signature stays void, nobody is texted.
            return Ok(Vec::new());
        }
        if status != "pending_review" {
            return Err(SealError::Internal(
                "the signature is not under review".into(),
            ));
        }
        let now_t = self.clock.now();
        let now = unix_millis(now_t);
        let message = match reject_reason {
            Some(reason) => {
                sqlx::query(
                    "UPDATE signatures SET status = 'rejected', reject_reason = $1, updated_at = $2
                     WHERE id = $3 AND status = 'pending_review'",
                )
                .bind(reason)
                .bind(now)
                .bind(id)
                .execute(&mut **tx)
                .await?;
                crate::i18n::message(
                    Locale::ZhCn,
                    "sms-signature-rejected",
                    &[("reason", reason.to_string().into())],
                )
            }
            None => {
                // Activations of one certificate's signatures run one after another, and the
                // certificate is held so that a revocation waits and then voids this one.
                crate::limits::lock(tx, &format!("signature:{serial}")).await?;
                let good = crate::ca::repo::lock_good(tx, &serial).await?;
                let der = crate::ca::repo::issuer_and_der(tx, &serial)
                    .await?
                    .map(|(_, der)| der);
                let not_after = match &der {
                    Some(der) => {
                        let parsed = x509::parse_certificate(der).map_err(internal)?;
                        unix_millis(x509::info(&parsed).map_err(internal)?.not_after)
                    }
                    None => 0,
                };
                let (Some(der), true) = (der, good && now < not_after) else {
                    // Expired, or no longer good (a revocation voids it in its own unit of
                    // work; this covers any other state): it cannot stamp.
                    sqlx::query(
                        "UPDATE signatures SET status = 'void', void_reason = $2, voided_at = $1, updated_at = $1
                         WHERE id = $3",
                    )
                    .bind(now)
                    .bind(if good { "expired" } else { "certificate_unusable" })
                    .bind(id)
                    .execute(&mut **tx)
                    .await?;
                    return Ok(Vec::new());
                };
                let files = self.make_seal_files(
                    &SealFace {
                        seal_type: mcert_core::crypto::seal::SEAL_TYPE_PERSONAL,
                        kind: PERSONAL_KIND,
                        name: &name,
                        width_mm,
                        height_mm,
                        picture: &png,
                    },
                    id,
                    &der,
                    not_after,
                    now_t,
                )?;
                sqlx::query(
                    "UPDATE signatures SET status = 'void', void_reason = 'replaced', voided_at = $1, updated_at = $1
                     WHERE certificate_serial = $2 AND status = 'active'",
                )
                .bind(now)
                .bind(&serial)
                .execute(&mut **tx)
                .await?;
                sqlx::query(
                    "UPDATE signatures SET status = 'active', seal_der = $1, binding = $2, updated_at = $3
                     WHERE id = $4 AND status = 'pending_review'",
                )
                .bind(files.der.as_deref())
                .bind(files.binding.as_deref())
                .bind(now)
                .bind(id)
                .execute(&mut **tx)
                .await?;
                crate::i18n::message(Locale::ZhCn, "sms-signature-approved", &[])
            }
        };
        let Some(phone) = crate::accounts::repo::phone_of_tx(tx, &account_id).await? else {
            return Ok(Vec::new());
        };
        let job = self
            .outbox
            .enqueue_sms(tx, &phone, &message)
            .await
            .map_err(internal)?;
        Ok(vec![job])
    }

    /// The size in bytes of a signature's cleaned picture (the review queue lists it).
    pub(crate) async fn signature_picture_size(&self, id: &str) -> Result<i64, SealError> {
        let row: Option<(i64,)> =
            sqlx::query_as("SELECT CAST(length(picture) AS BIGINT) FROM signatures WHERE id = $1")
                .bind(id)
                .fetch_optional(self.store.pool())
                .await?;
        row.map(|(n,)| n).ok_or(SealError::UnknownSignature)
    }

    /// A signature's cleaned picture, for the reviewer of its review.
    pub(crate) async fn signature_picture_for_review(
        &self,
        id: &str,
    ) -> Result<Vec<u8>, SealError> {
        self.signature_picture_of(id).await
    }
}
