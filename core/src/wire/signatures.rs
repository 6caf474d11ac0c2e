//! Wire types of personal signatures (签章图片, seed 003 §7): once a personal certificate is
//! downloaded the app shows the 签章图片告知函; the holder agrees and takes an automatically
//! generated name seal (the owner's name in a seal, usable at once), or writes a signature —
//! drawn on the phone's pad or photographed on paper — which is cleaned into a picture, kept as
//! a draft for the holder to look at, submitted and reviewed, and active once approved. After
//! 补发 (the certificate replaced) the old signature is void and a new one is made the same way.

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
    /// `name_seal` (generated from the owner's name), `drawn` (written on the phone's pad) or
    /// `photo` (photographed on paper).
    pub source: String,
    /// 自动生成的姓名章, 手写签名（手机书写）, 手写签名（拍照上传）.
    pub source_label: String,
    /// The owner's name, as the certificate names them.
    pub name: String,
    /// `draft`, `pending_review`, `rejected`, `active` or `void`.
    pub status: String,
    /// 待提交, 待审核, 未通过, 已生效, 已作废.
    pub status_label: String,
    pub width_mm: i64,
    pub height_mm: i64,
    /// The 告知函 version agreed to.
    pub notice_version: String,
    pub void_reason: Option<String>,
    /// Why a reviewer rejected a handwritten signature.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reject_reason: Option<String>,
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

/// `POST /v1/signatures/handwritten`: a signature written on the phone's pad, as strokes of
/// points in the pad's own units (x to the right, y down, within `pad_width` × `pad_height`).
/// The service draws and cleans it into a draft; the holder looks at it and submits it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrawnSignature {
    pub certificate_serial: String,
    pub notice_version: String,
    pub pad_width: f32,
    pub pad_height: f32,
    pub strokes: Vec<Vec<[f32; 2]>>,
}

/// The query of `POST /v1/signatures/handwritten/photo`, whose body is the photo (JPEG or PNG)
/// of a signature written on white paper.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhotoSignature {
    pub certificate_serial: String,
    pub notice_version: String,
}

pub mod routes {
    /// The 签章图片告知函 (in the caller's language).
    pub const SIGNATURE_NOTICE: &str = "/v1/signatures/notice";
    /// The caller's signatures (GET, newest first) and a new one (POST).
    pub const SIGNATURES: &str = "/v1/signatures";
    pub const SIGNATURE_PICTURE: &str = "/v1/signatures/{id}/picture.png";
    /// A drawn signature (JSON strokes) or a photographed one (the image as the body): a draft.
    pub const SIGNATURE_DRAWN: &str = "/v1/signatures/handwritten";
    pub const SIGNATURE_PHOTO: &str = "/v1/signatures/handwritten/photo";
    /// Submits a draft (or a rejected one again) for review.
    pub const SIGNATURE_SUBMIT: &str = "/v1/signatures/{id}/submit";
}
