//! An organisation's seals: apply (the cleaned picture shown as a draft), the picture,
//! submit for review, claim with the bound certificate's key; and the caller's personal
//! signatures (签章图片): the notice, make one, list, the picture.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::super::error::ApiError;
use super::super::{ApiJson, AppState};
use super::auth::CurrentAccount;
use super::orgs::{admin, member};
use crate::seals::SealError;
use crate::seals::picture::PictureError;
use mcert_core::wire::seals::{
    ApproveSealUse, ClaimSeal, NewSeal, NewSealGrant, Seal, SealApproval, SealGrant,
};
use mcert_core::wire::signatures::{
    DrawnSignature, NewSignature, PhotoSignature, Signature, SignatureNotice,
};

impl From<SealError> for ApiError {
    fn from(e: SealError) -> Self {
        let plain = |status, code, id| ApiError::new(status, code, id, &[]);
        match e {
            SealError::BadKind => plain(
                StatusCode::BAD_REQUEST,
                "bad_seal_kind",
                "err-bad-seal-kind",
            ),
            SealError::BadName => plain(
                StatusCode::BAD_REQUEST,
                "bad_seal_name",
                "err-bad-seal-name",
            ),
            SealError::UnknownPhoto => plain(
                StatusCode::BAD_REQUEST,
                "unknown_photo",
                "err-unknown-photo",
            ),
            SealError::Picture(PictureError::NoInk) => plain(
                StatusCode::UNPROCESSABLE_ENTITY,
                "no_seal_found",
                "err-no-seal-found",
            ),
            SealError::Picture(PictureError::TooLarge) => plain(
                StatusCode::PAYLOAD_TOO_LARGE,
                "seal_photo_too_large",
                "err-seal-photo-too-large",
            ),
            SealError::Picture(_) => plain(
                StatusCode::UNPROCESSABLE_ENTITY,
                "bad_seal_photo",
                "err-bad-seal-photo",
            ),
            SealError::BadCertificate => plain(
                StatusCode::CONFLICT,
                "bad_seal_certificate",
                "err-bad-seal-certificate",
            ),
            SealError::UnknownSeal => {
                plain(StatusCode::NOT_FOUND, "unknown_seal", "err-unknown-seal")
            }
            SealError::WrongState(s) => ApiError::new(
                StatusCode::CONFLICT,
                "seal_state",
                "err-seal-state",
                &[("status", s.into())],
            ),
            SealError::BadProof => plain(StatusCode::FORBIDDEN, "bad_proof", "err-bad-proof"),
            SealError::NoSealFile => {
                plain(StatusCode::NOT_FOUND, "no_seal_file", "err-no-seal-file")
            }
            SealError::BadGrant(field) => ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_seal_grant",
                "err-bad-seal-grant",
                &[("field", field.into())],
            ),
            SealError::UnknownMember => plain(
                StatusCode::NOT_FOUND,
                "unknown_member",
                "err-unknown-member",
            ),
            SealError::MemberHasNoCertificate => plain(
                StatusCode::CONFLICT,
                "member_has_no_certificate",
                "err-member-has-no-certificate",
            ),
            SealError::UnknownGrant => {
                plain(StatusCode::NOT_FOUND, "unknown_grant", "err-unknown-grant")
            }
            SealError::OwnUse => plain(StatusCode::FORBIDDEN, "own_use", "err-own-use"),
            SealError::UnknownApproval => plain(
                StatusCode::NOT_FOUND,
                "unknown_approval",
                "err-unknown-approval",
            ),
            SealError::BadSignatureSource => plain(
                StatusCode::BAD_REQUEST,
                "bad_signature_source",
                "err-bad-signature-source",
            ),
            SealError::NoticeNotAgreed => plain(
                StatusCode::CONFLICT,
                "notice_not_agreed",
                "err-notice-not-agreed",
            ),
            SealError::NotPersonalCertificate => plain(
                StatusCode::CONFLICT,
                "not_personal_certificate",
                "err-not-personal-certificate",
            ),
            SealError::UnknownSignature => plain(
                StatusCode::NOT_FOUND,
                "unknown_signature",
                "err-unknown-signature",
            ),
            SealError::SignaturePicture(PictureError::BadStrokes) => {
                plain(StatusCode::BAD_REQUEST, "bad_strokes", "err-bad-strokes")
            }
            SealError::SignaturePicture(PictureError::NoInk) => plain(
                StatusCode::UNPROCESSABLE_ENTITY,
                "no_signature_found",
                "err-no-signature-found",
            ),
            SealError::SignaturePicture(PictureError::TooLarge) => plain(
                StatusCode::PAYLOAD_TOO_LARGE,
                "signature_photo_too_large",
                "err-signature-photo-too-large",
            ),
            SealError::SignaturePicture(_) => plain(
                StatusCode::UNPROCESSABLE_ENTITY,
                "bad_signature_photo",
                "err-bad-signature-photo",
            ),
            SealError::SignatureState(s) => ApiError::new(
                StatusCode::CONFLICT,
                "signature_state",
                "err-signature-state",
                &[("status", s.into())],
            ),
            SealError::TooManySignatureDrafts => plain(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_signature_drafts",
                "err-too-many-signature-drafts",
            ),
            other => ApiError::internal(other),
        }
    }
}

pub async fn apply(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<NewSeal>,
) -> Result<(StatusCode, Json<Seal>), ApiError> {
    let a = admin(&state, &me, &id).await?;
    Ok((
        StatusCode::CREATED,
        Json(state.seals.apply(&a, &req).await?),
    ))
}

pub async fn list(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let m = member(&state, &me, &id).await?;
    Ok(Json(
        serde_json::json!({"items": state.seals.list(&m).await?}),
    ))
}

pub async fn get(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path((id, seal_id)): Path<(String, String)>,
) -> Result<Json<Seal>, ApiError> {
    let m = member(&state, &me, &id).await?;
    Ok(Json(state.seals.get(&m, &seal_id).await?))
}

pub async fn picture(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path((id, seal_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let m = member(&state, &me, &id).await?;
    let png = state.seals.picture(&m, &seal_id).await?;
    Ok(super::file("image/png", None, png))
}

pub async fn seal_der(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path((id, seal_id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let m = member(&state, &me, &id).await?;
    let der = state.seals.seal_der(&m, &seal_id).await?;
    Ok(super::file("application/octet-stream", None, der))
}

pub async fn submit(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path((id, seal_id)): Path<(String, String)>,
) -> Result<Json<Seal>, ApiError> {
    let a = admin(&state, &me, &id).await?;
    Ok(Json(state.seals.submit(&a, &seal_id).await?))
}

pub async fn claim(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path((id, seal_id)): Path<(String, String)>,
    ApiJson(req): ApiJson<ClaimSeal>,
) -> Result<Json<Seal>, ApiError> {
    use base64ct::Encoding;
    let a = admin(&state, &me, &id).await?;
    let signature = base64ct::Base64::decode_vec(req.signature.trim())
        .map_err(|_| ApiError::bad_request("signature is not base64"))?;
    Ok(Json(state.seals.claim(&a, &seal_id, &signature).await?))
}

pub async fn grants(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path((id, seal_id)): Path<(String, String)>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let a = admin(&state, &me, &id).await?;
    Ok(Json(
        serde_json::json!({"items": state.seals.grants(&a, &seal_id).await?}),
    ))
}

pub async fn grant(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path((id, seal_id)): Path<(String, String)>,
    ApiJson(req): ApiJson<NewSealGrant>,
) -> Result<(StatusCode, Json<SealGrant>), ApiError> {
    let a = admin(&state, &me, &id).await?;
    Ok((
        StatusCode::CREATED,
        Json(state.seals.grant(&a, &seal_id, &req).await?),
    ))
}

pub async fn revoke_grant(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path((id, seal_id, grant_id)): Path<(String, String, String)>,
) -> Result<Json<SealGrant>, ApiError> {
    let a = admin(&state, &me, &id).await?;
    Ok(Json(
        state.seals.revoke_grant(&a, &seal_id, &grant_id).await?,
    ))
}

pub async fn approvals(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let a = admin(&state, &me, &id).await?;
    Ok(Json(
        serde_json::json!({"items": state.seals.approvals(&a).await?}),
    ))
}

pub async fn approve_use(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path((id, approval_id)): Path<(String, String)>,
    ApiJson(req): ApiJson<ApproveSealUse>,
) -> Result<Json<SealApproval>, ApiError> {
    let a = admin(&state, &me, &id).await?;
    Ok(Json(
        state
            .seals
            .decide_approval(&a, &approval_id, Some(&req))
            .await?,
    ))
}

pub async fn refuse_use(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path((id, approval_id)): Path<(String, String)>,
) -> Result<Json<SealApproval>, ApiError> {
    let a = admin(&state, &me, &id).await?;
    Ok(Json(
        state.seals.decide_approval(&a, &approval_id, None).await?,
    ))
}

#[derive(Debug, serde::Deserialize)]
pub struct NoticeQuery {
    /// `en` for English; Chinese otherwise.
    lang: Option<String>,
}

/// The 签章图片告知函 (no sign-in needed: it is public text).
pub async fn signature_notice(Query(q): Query<NoticeQuery>) -> Json<SignatureNotice> {
    let locale = match q.lang.as_deref() {
        Some("en") => mcert_core::i18n::Locale::En,
        _ => mcert_core::i18n::Locale::ZhCn,
    };
    Json(crate::seals::signature_notice(locale))
}

pub async fn signatures(
    State(state): State<AppState>,
    me: CurrentAccount,
) -> Result<Json<serde_json::Value>, ApiError> {
    Ok(Json(
        serde_json::json!({"items": state.seals.signatures(&me.grant).await?}),
    ))
}

pub async fn make_signature(
    State(state): State<AppState>,
    me: CurrentAccount,
    ApiJson(req): ApiJson<NewSignature>,
) -> Result<(StatusCode, Json<Signature>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(state.seals.make_signature(&me.grant, &req).await?),
    ))
}

pub async fn signature_picture(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let png = state.seals.signature_picture(&me.grant, &id).await?;
    Ok(super::file("image/png", None, png))
}

/// A signature written on the phone's pad: a draft, cleaned.
pub async fn draw_signature(
    State(state): State<AppState>,
    me: CurrentAccount,
    ApiJson(req): ApiJson<DrawnSignature>,
) -> Result<(StatusCode, Json<Signature>), ApiError> {
    let handwriting = crate::seals::Handwriting::Drawn {
        width: req.pad_width,
        height: req.pad_height,
        strokes: &req.strokes,
    };
    let made = state
        .seals
        .draft_handwriting(
            &me.grant,
            &req.certificate_serial,
            &req.notice_version,
            handwriting,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// A signature photographed on paper (the body): a draft, cleaned.
pub async fn photo_signature(
    State(state): State<AppState>,
    me: CurrentAccount,
    Query(q): Query<PhotoSignature>,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<(StatusCode, Json<Signature>), ApiError> {
    let body = body.map_err(|_| SealError::SignaturePicture(PictureError::TooLarge))?;
    let made = state
        .seals
        .draft_handwriting(
            &me.grant,
            &q.certificate_serial,
            &q.notice_version,
            crate::seals::Handwriting::Photo(&body),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(made)))
}

pub async fn submit_signature(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<Signature>, ApiError> {
    Ok(Json(state.seals.submit_signature(&me.grant, &id).await?))
}
