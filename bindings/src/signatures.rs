//! The personal-signature calls of the app object (签章图片): the 签章图片告知函 shown after a
//! personal certificate is downloaded, the generated name seal made once the holder agrees,
//! the list and the picture; and the handwritten signature (written on the pad or photographed)
//! kept as a draft, submitted and reviewed.

use mcert_core::i18n::Locale;
use mcert_core::wire::signatures::{DrawnSignature, NewSignature, PhotoSignature, Signature};

use crate::*;

/// The 签章图片告知函: its version goes back when the holder agrees.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SignatureNoticeView {
    pub version: String,
    pub title: String,
    pub paragraphs: Vec<String>,
}

/// A personal signature as the certificate's page shows it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SignatureView {
    pub id: String,
    pub certificate_serial: String,
    /// name_seal, drawn or photo.
    pub source: String,
    pub source_label: String,
    pub name: String,
    /// draft, pending_review, rejected, active or void.
    pub status: String,
    pub status_label: String,
    pub void_reason: Option<String>,
    /// Why a reviewer rejected a handwritten signature.
    pub reject_reason: Option<String>,
}

/// A point of a stroke on the signature pad, in the pad's units (x to the right, y down).
#[derive(Debug, Clone, Copy, uniffi::Record)]
pub struct PadPoint {
    pub x: f32,
    pub y: f32,
}

fn signature_view(s: Signature) -> SignatureView {
    SignatureView {
        id: s.id,
        certificate_serial: s.certificate_serial,
        source: s.source,
        source_label: s.source_label,
        name: s.name,
        status: s.status,
        status_label: s.status_label,
        void_reason: s.void_reason,
        reject_reason: s.reject_reason,
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl McertApp {
    /// The 签章图片告知函 in the app's language.
    pub async fn signature_notice(&self) -> Result<SignatureNoticeView, McertError> {
        let notice = self
            .device()
            .await
            .client()
            .signature_notice(crate::locale() == Locale::En)
            .await?;
        Ok(SignatureNoticeView {
            version: notice.version,
            title: notice.title,
            paragraphs: notice.paragraphs,
        })
    }

    /// The account's personal signatures, newest first.
    pub async fn signatures(&self) -> Result<Vec<SignatureView>, McertError> {
        let list = self.device().await.client().signatures().await?;
        Ok(list.into_iter().map(signature_view).collect())
    }

    /// 【同意】 on the notice of `notice_version`: the generated name seal of the personal
    /// certificate `serial`, active at once.
    pub async fn make_name_seal(
        &self,
        serial: String,
        notice_version: String,
    ) -> Result<SignatureView, McertError> {
        let made = self
            .device()
            .await
            .client()
            .make_signature(&NewSignature {
                certificate_serial: serial,
                source: "name_seal".into(),
                notice_version,
            })
            .await?;
        Ok(signature_view(made))
    }

    /// A signature written on the pad (`pad_width` × `pad_height` in the pad's units) under the
    /// notice of `notice_version`: the service cleans it into a draft.
    pub async fn draw_signature(
        &self,
        serial: String,
        notice_version: String,
        pad_width: f32,
        pad_height: f32,
        strokes: Vec<Vec<PadPoint>>,
    ) -> Result<SignatureView, McertError> {
        let strokes = strokes
            .into_iter()
            .map(|s| s.into_iter().map(|p| [p.x, p.y]).collect())
            .collect();
        let made = self
            .device()
            .await
            .client()
            .draw_signature(&DrawnSignature {
                certificate_serial: serial,
                notice_version,
                pad_width,
                pad_height,
                strokes,
            })
            .await?;
        Ok(signature_view(made))
    }

    /// A signature photographed on white paper (JPEG or PNG): a draft, cleaned.
    pub async fn photo_signature(
        &self,
        serial: String,
        notice_version: String,
        photo: Vec<u8>,
    ) -> Result<SignatureView, McertError> {
        let made = self
            .device()
            .await
            .client()
            .photo_signature(
                &PhotoSignature {
                    certificate_serial: serial,
                    notice_version,
                },
                photo,
            )
            .await?;
        Ok(signature_view(made))
    }

    /// 【提交审核】: a handwritten draft (or a rejected one again) goes to review.
    pub async fn submit_signature(&self, id: String) -> Result<SignatureView, McertError> {
        let sent = self.device().await.client().submit_signature(&id).await?;
        Ok(signature_view(sent))
    }

    /// The signature's picture (PNG on transparency: a red seal or dark handwriting).
    pub async fn signature_picture(&self, id: String) -> Result<Vec<u8>, McertError> {
        Ok(self.device().await.client().signature_picture(&id).await?)
    }
}
