//! Wire types of personal signatures (签章图片, seed 003 §7): once a personal certificate is
//! downloaded the app shows the 签章图片告知函; the holder agrees and takes an automatically
//! generated name seal (the owner's name in a seal, usable at once). After 补发 (the
//! certificate replaced) the old signature is void and a new one is made the same way.

use serde::{Deserialize, Serialize};

/// The 签章图片告知函 the holder agrees to; `version` goes back in [`NewSignature`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureNotice {
    pub version: String,
    pub title: String,
    pub paragraphs: Vec<String>,
}

/// A personal signature as the app shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    pub id: String,
    /// The personal certificate it stamps with.
    pub certificate_serial: String,
    /// `name_seal`: generated from the owner's name.
    pub source: String,
    /// 自动生成的姓名章.
    pub source_label: String,
    /// The owner's name, as the certificate names them.
    pub name: String,
    /// `active` or `void`.
    pub status: String,
    /// 已生效, 已作废.
    pub status_label: String,
    pub width_mm: i64,
    pub height_mm: i64,
    /// The 告知函 version agreed to.
    pub notice_version: String,
    pub void_reason: Option<String>,
    pub created_at: String,
}

/// `POST /v1/signatures`: make the signature of a personal certificate the caller holds,
/// having agreed to the notice of `notice_version`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSignature {
    pub certificate_serial: String,
    /// `name_seal`.
    pub source: String,
    pub notice_version: String,
}

pub mod routes {
    /// The 签章图片告知函 (in the caller's language).
    pub const SIGNATURE_NOTICE: &str = "/v1/signatures/notice";
    /// The caller's signatures (GET, newest first) and a new one (POST).
    pub const SIGNATURES: &str = "/v1/signatures";
    pub const SIGNATURE_PICTURE: &str = "/v1/signatures/{id}/picture.png";
}
