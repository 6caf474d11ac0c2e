//! The personal-signature calls of the app object (签章图片): the 签章图片告知函 shown after a
//! personal certificate is downloaded, the generated name seal made once the holder agrees,
//! the list and the picture.

use mcert_core::i18n::Locale;
use mcert_core::wire::signatures::{NewSignature, Signature};

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
    pub source_label: String,
    pub name: String,
    /// active or void.
    pub status: String,
    pub status_label: String,
    pub void_reason: Option<String>,
}

fn signature_view(s: Signature) -> SignatureView {
    SignatureView {
        id: s.id,
        certificate_serial: s.certificate_serial,
        source_label: s.source_label,
        name: s.name,
        status: s.status,
        status_label: s.status_label,
        void_reason: s.void_reason,
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

    /// The signature's picture (PNG, red on transparency).
    pub async fn signature_picture(&self, id: String) -> Result<Vec<u8>, McertError> {
        Ok(self.device().await.client().signature_picture(&id).await?)
    }
}
