//! Personal signatures (签章图片, seed 003 §7): after a personal certificate is downloaded the
//! app shows the 签章图片告知函; the holder agrees and takes an automatically generated name
//! seal — the owner's name (the certificate's common name) rendered in a square seal from the
//! glyph outlines of the CJK font, active at once. For an SM2 certificate the service's seal
//! maker also makes the GB/T 38540 seal (type 2, personal) binding that certificate alone; for
//! a P-256 one the P-256 seal maker's binding.
//!
//! One signature is active per certificate: a new one replaces the old. It is void with its
//! certificate (revoked, or replaced by 补发), after which the holder makes a new one the same
//! way. Stamp sessions offer it as the kind [`PERSONAL_KIND`]. A handwritten signature takes
//! the review's way instead (see [`super::handwriting`]).

use mcert_core::clock::{from_unix_millis, rfc3339, unix_millis};
use mcert_core::crypto::x509;
use mcert_core::i18n::Locale;
use mcert_core::wire::signatures::{NewSignature, Signature, SignatureNotice};
use serde_json::json;

use super::{SealError, SealFace, Seals, internal};
use crate::audit;
use crate::authz::OwnAccount;

/// The version of the 签章图片告知函 a new signature must have agreed to.
pub const NOTICE_VERSION: &str = "2026-12-02";

/// The seal kind stamp sessions give a personal signature.
pub const PERSONAL_KIND: &str = "personal";

/// A name seal is 20 mm square, like a personal seal carved in stone.
const NAME_SEAL_MM: u32 = 20;

/// The paragraphs of the notice, by message id.
const NOTICE_PARAGRAPHS: [&str; 4] = [
    "signature-notice-p1",
    "signature-notice-p2",
    "signature-notice-p3",
    "signature-notice-p4",
];

/// `SELECT <signature columns> FROM signatures <rest>` as a static string.
macro_rules! select_signatures {
    ($rest:literal) => {
        concat!(
            "SELECT id, certificate_serial, source, name, status,
                 notice_version, width_mm, height_mm, void_reason, reject_reason, created_at
             FROM signatures ",
            $rest
        )
    };
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct SignatureRow {
    pub id: String,
    pub certificate_serial: String,
    pub source: String,
    pub name: String,
    pub status: String,
    pub notice_version: String,
    pub width_mm: i64,
    pub height_mm: i64,
    pub void_reason: Option<String>,
    pub reject_reason: Option<String>,
    pub created_at: i64,
}

/// The label of a signature's `source` or `status` (`what`), as the service words it.
fn signature_label(what: &str, value: &str) -> String {
    let id = format!("signature-{what}-{}", value.replace('_', "-"));
    crate::i18n::message(Locale::ZhCn, &id, &[])
}

impl SignatureRow {
    /// 自动生成的姓名章, 手写签名（手机书写）, 手写签名（拍照上传）.
    pub(super) fn source_label(&self) -> String {
        signature_label("source", &self.source)
    }

    pub(super) fn into_signature(self) -> Signature {
        Signature {
            source_label: self.source_label(),
            status_label: signature_label("status", &self.status),
            id: self.id,
            certificate_serial: self.certificate_serial,
            source: self.source,
            name: self.name,
            status: self.status,
            width_mm: self.width_mm,
            height_mm: self.height_mm,
            notice_version: self.notice_version,
            void_reason: self.void_reason,
            reject_reason: self.reject_reason,
            created_at: rfc3339(from_unix_millis(self.created_at)),
        }
    }
}

/// The 签章图片告知函 in `locale`.
pub fn notice(locale: Locale) -> SignatureNotice {
    SignatureNotice {
        version: NOTICE_VERSION.to_string(),
        title: crate::i18n::message(locale, "signature-notice-title", &[]),
        paragraphs: NOTICE_PARAGRAPHS
            .iter()
            .map(|id| crate::i18n::message(locale, id, &[]))
            .collect(),
    }
}

impl Seals {
    /// Makes the caller's signature for one of their personal certificates: the name seal of
    /// the certificate's owner, active at once (replacing the certificate's previous one).
    pub async fn make_signature(
        &self,
        owner: &OwnAccount,
        req: &NewSignature,
    ) -> Result<Signature, SealError> {
        if req.source != "name_seal" {
            return Err(SealError::BadSignatureSource);
        }
        if req.notice_version != NOTICE_VERSION {
            return Err(SealError::NoticeNotAgreed);
        }
        let held = self
            .held_personal(owner.account_id(), req.certificate_serial.trim())
            .await?;
        let (name, cert) = held;
        let font = crate::documents::cjk_font().map_err(internal)?;
        let px = super::picture::mm_to_px(NAME_SEAL_MM);
        let seal_name = name.clone();
        let picture =
            tokio::task::spawn_blocking(move || mcert_pdf::name_seal_png(&font, &seal_name, px))
                .await
                .map_err(internal)?
                .map_err(internal)?;
        let now_t = self.clock.now();
        let now = unix_millis(now_t);
        let id = mcert_core::id::ulid(now_t).map_err(internal)?;
        let size = i64::from(NAME_SEAL_MM);
        let files = self.make_seal_files(
            &SealFace {
                seal_type: mcert_core::crypto::seal::SEAL_TYPE_PERSONAL,
                kind: PERSONAL_KIND,
                name: &name,
                width_mm: size,
                height_mm: size,
                picture: &picture,
            },
            &id,
            &cert.der,
            cert.not_after,
            now_t,
        )?;
        let actor = owner.actor().audit_name();
        // Makers of one certificate's signature run one after another (a row lock on
        // PostgreSQL, the single writer on SQLite): each replaces the one before, so exactly
        // one stays active.
        let mut tx = self.store.begin().await?;
        crate::limits::lock(&mut tx, &format!("signature:{}", cert.serial)).await?;
        // The certificate is still good, and a revocation of it waits for this unit of work
        // (then voids what it made) rather than slipping in before the new row exists.
        if !crate::ca::repo::lock_good(&mut tx, &cert.serial).await? {
            return Err(SealError::NotPersonalCertificate);
        }
        sqlx::query(
            "UPDATE signatures SET status = 'void', void_reason = 'replaced', voided_at = $1, updated_at = $1
             WHERE certificate_serial = $2 AND status = 'active'",
        )
        .bind(now)
        .bind(&cert.serial)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO signatures (id, account_id, entitlement_id, certificate_serial, source, name, status,
                 notice_version, picture, width_mm, height_mm, seal_der, binding, created_at, updated_at)
             VALUES ($1, $2, $3, $4, 'name_seal', $5, 'active', $6, $7, $8, $8, $9, $10, $11, $11)",
        )
        .bind(&id)
        .bind(owner.account_id())
        .bind(&cert.entitlement_id)
        .bind(&cert.serial)
        .bind(&name)
        .bind(NOTICE_VERSION)
        .bind(&picture)
        .bind(size)
        .bind(files.der.as_deref())
        .bind(files.binding.as_deref())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &actor,
            "signature.made",
            &id,
            &json!({"certificate": cert.serial, "source": "name_seal", "notice": NOTICE_VERSION}),
        )
        .await?;
        tx.commit().await?;
        self.signature(owner, &id).await
    }

    /// The owner's name and the certificate `serial` when the account holds it, it is good,
    /// within its validity and a personal certificate (a person's name, no organisation).
    pub(super) async fn held_personal(
        &self,
        account_id: &str,
        serial: &str,
    ) -> Result<(String, crate::ca::repo::HeldCertificate), SealError> {
        let pool = self.store.pool();
        let entitlements = crate::billing::repo::held_by(pool, account_id).await?;
        let now = unix_millis(self.clock.now());
        let cert = crate::ca::repo::certificates_of_entitlements(pool, &entitlements)
            .await?
            .into_iter()
            .find(|c| c.serial == serial)
            .filter(|c| c.status == "good" && c.not_before <= now && now < c.not_after)
            .ok_or(SealError::NotPersonalCertificate)?;
        let parsed = x509::parse_certificate(&cert.der).map_err(internal)?;
        let subject = x509::info(&parsed).map_err(internal)?.subject;
        if subject.organization_identifier.is_some() {
            return Err(SealError::NotPersonalCertificate);
        }
        let name: String = subject
            .common_name
            .unwrap_or_default()
            .split_whitespace()
            .collect();
        let count = name.chars().count();
        if count == 0 || count > mcert_pdf::MAX_NAME_CHARS {
            return Err(SealError::NotPersonalCertificate);
        }
        Ok((name, cert))
    }

    pub(super) async fn signature_row(
        &self,
        owner: &OwnAccount,
        id: &str,
    ) -> Result<SignatureRow, SealError> {
        sqlx::query_as(select_signatures!("WHERE id = $1 AND account_id = $2"))
            .bind(id)
            .bind(owner.account_id())
            .fetch_optional(self.store.pool())
            .await?
            .ok_or(SealError::UnknownSignature)
    }

    pub async fn signature(&self, owner: &OwnAccount, id: &str) -> Result<Signature, SealError> {
        Ok(self.signature_row(owner, id).await?.into_signature())
    }

    /// The caller's signatures, newest first.
    pub async fn signatures(&self, owner: &OwnAccount) -> Result<Vec<Signature>, SealError> {
        let rows: Vec<SignatureRow> = sqlx::query_as(select_signatures!(
            "WHERE account_id = $1 ORDER BY created_at DESC, id DESC"
        ))
        .bind(owner.account_id())
        .fetch_all(self.store.pool())
        .await?;
        Ok(rows.into_iter().map(SignatureRow::into_signature).collect())
    }

    /// The picture (PNG) of one of the caller's signatures.
    pub async fn signature_picture(
        &self,
        owner: &OwnAccount,
        id: &str,
    ) -> Result<Vec<u8>, SealError> {
        self.signature_row(owner, id).await?;
        self.signature_picture_of(id).await
    }

    pub(super) async fn signature_picture_of(&self, id: &str) -> Result<Vec<u8>, SealError> {
        let row: Option<(Vec<u8>,)> =
            sqlx::query_as("SELECT picture FROM signatures WHERE id = $1")
                .bind(id)
                .fetch_optional(self.store.pool())
                .await?;
        row.map(|(p,)| p).ok_or(SealError::UnknownSignature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notice_has_every_paragraph_in_both_languages() {
        for locale in [Locale::ZhCn, Locale::En] {
            let n = notice(locale);
            assert_eq!(n.version, NOTICE_VERSION);
            assert_eq!(n.paragraphs.len(), NOTICE_PARAGRAPHS.len());
            assert!(!n.title.is_empty());
            // A missing message would come back as its id.
            assert!(
                n.paragraphs
                    .iter()
                    .all(|p| !p.starts_with("signature-notice"))
            );
        }
        assert!(notice(Locale::ZhCn).title.contains("签章图片告知函"));
    }
}
