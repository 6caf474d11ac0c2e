//! Organisations: registration, CA authorisation (face or letter, the letter template as a
//! PDF), uploads, members and roles, applications, certificate slots (owner, holder) and the
//! organisation's usage records. Handlers ask the policy for the grant and call the domain.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::super::error::ApiError;
use super::super::sessions::time_param;
use super::super::{ApiJson, AppState};
use super::auth::CurrentAccount;
use crate::authz::{Denied, OrgAdmin, OrgMember, policy};
use crate::orgs::OrgError;
use crate::uploads::UploadError;
use mcert_core::wire::orgs::{
    Authorisation, ChangeRole, FaceAuthorisation, LetterSubmission, Member, NewMember,
    NewOrganisation, OrgCertificate, Organisation, Resubmission, SetHolder, SetOwner, Upload,
};
use mcert_core::wire::{Order, UsagePage};

impl From<Denied> for ApiError {
    fn from(e: Denied) -> Self {
        match e {
            // Another organisation's id tells nothing: it is answered as unknown.
            Denied::NotAMember => {
                ApiError::new(StatusCode::NOT_FOUND, "unknown_org", "err-unknown-org", &[])
            }
            Denied::NotAnAdmin => ApiError::new(
                StatusCode::FORBIDDEN,
                "admin_required",
                "err-admin-required",
                &[],
            ),
            Denied::Lookup(detail) => ApiError::internal(detail),
            _ => ApiError::new(StatusCode::FORBIDDEN, "forbidden", "err-forbidden", &[]),
        }
    }
}

impl From<OrgError> for ApiError {
    fn from(e: OrgError) -> Self {
        let plain = |status, code, id| ApiError::new(status, code, id, &[]);
        use StatusCode as S;
        match e {
            OrgError::BadName => plain(S::BAD_REQUEST, "bad_org_name", "err-bad-org-name"),
            OrgError::BadCreditCode => {
                plain(S::BAD_REQUEST, "bad_credit_code", "err-bad-credit-code")
            }
            OrgError::BadPersonName => plain(S::BAD_REQUEST, "bad_name", "err-bad-name"),
            OrgError::BadIdNumber => plain(S::BAD_REQUEST, "bad_id_number", "err-bad-id-number"),
            OrgError::BadPhone => plain(S::BAD_REQUEST, "bad_phone", "err-bad-phone"),
            OrgError::AlreadyRegistered => plain(
                S::CONFLICT,
                "org_already_registered",
                "err-org-already-registered",
            ),
            OrgError::IdentityRequired => {
                plain(S::FORBIDDEN, "identity_required", "err-identity-required")
            }
            OrgError::NotTheLegalRep => {
                plain(S::FORBIDDEN, "not_the_legal_rep", "err-not-the-legal-rep")
            }
            OrgError::UnknownMember => plain(S::NOT_FOUND, "unknown_member", "err-unknown-member"),
            OrgError::CodeAuthorisedElsewhere => plain(
                S::CONFLICT,
                "code_authorised_elsewhere",
                "err-code-authorised-elsewhere",
            ),
            OrgError::TooManyRegistrations => plain(
                S::TOO_MANY_REQUESTS,
                "too_many_registrations",
                "err-too-many-registrations",
            ),
            OrgError::NoLongerAdmin => plain(S::FORBIDDEN, "admin_required", "err-admin-required"),
            OrgError::AlreadyMember => plain(S::CONFLICT, "already_member", "err-already-member"),
            OrgError::LastAdmin => plain(S::CONFLICT, "last_admin", "err-last-admin"),
            OrgError::HoldsCertificates => {
                plain(S::CONFLICT, "holds_certificates", "err-holds-certificates")
            }
            OrgError::AlreadyAuthorised => {
                plain(S::CONFLICT, "already_authorised", "err-already-authorised")
            }
            OrgError::UnderReview => plain(S::CONFLICT, "under_review", "err-under-review"),
            OrgError::BadLetter => plain(S::BAD_REQUEST, "bad_letter", "err-bad-letter"),
            OrgError::NotAuthorised => {
                plain(S::FORBIDDEN, "org_not_authorised", "err-org-not-authorised")
            }
            OrgError::Identity(inner) => inner.into(),
            OrgError::LetterUnavailable(detail) => {
                tracing::error!(%detail, "authorisation letter");
                plain(
                    S::SERVICE_UNAVAILABLE,
                    "letter_unavailable",
                    "err-letter-unavailable",
                )
            }
            other => ApiError::internal(other),
        }
    }
}

impl From<UploadError> for ApiError {
    fn from(e: UploadError) -> Self {
        use StatusCode as S;
        match e {
            UploadError::TooLarge => ApiError::new(
                S::PAYLOAD_TOO_LARGE,
                "upload_too_large",
                "err-upload-too-large",
                &[],
            ),
            UploadError::Empty => {
                ApiError::new(S::BAD_REQUEST, "upload_empty", "err-upload-empty", &[])
            }
            UploadError::BadPurpose(p) => ApiError::new(
                S::BAD_REQUEST,
                "bad_purpose",
                "err-bad-purpose",
                &[("purpose", p.into())],
            ),
            UploadError::Type(crate::uploads::SniffError::UnsupportedType) => ApiError::new(
                S::UNSUPPORTED_MEDIA_TYPE,
                "upload_type",
                "err-upload-type",
                &[],
            ),
            UploadError::Type(crate::uploads::SniffError::Damaged(what)) => ApiError::new(
                S::BAD_REQUEST,
                "upload_damaged",
                "err-upload-damaged",
                &[("type", what.into())],
            ),
            UploadError::TooMany => ApiError::new(
                S::TOO_MANY_REQUESTS,
                "too_many_uploads",
                "err-too-many-uploads",
                &[],
            ),
            UploadError::Unknown => {
                ApiError::new(S::NOT_FOUND, "unknown_upload", "err-unknown-upload", &[])
            }
            other => ApiError::internal(other),
        }
    }
}

pub(super) async fn member(
    state: &AppState,
    me: &CurrentAccount,
    org_id: &str,
) -> Result<OrgMember, ApiError> {
    Ok(policy::org_member(&me.grant.actor(), &state.orgs, org_id).await?)
}

pub(super) async fn admin(
    state: &AppState,
    me: &CurrentAccount,
    org_id: &str,
) -> Result<OrgAdmin, ApiError> {
    Ok(policy::org_admin(&me.grant.actor(), &state.orgs, org_id).await?)
}

pub async fn register(
    State(state): State<AppState>,
    me: CurrentAccount,
    ApiJson(req): ApiJson<NewOrganisation>,
) -> Result<(StatusCode, Json<Organisation>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(state.orgs.register(&me.grant, &req).await?),
    ))
}

pub async fn list(
    State(state): State<AppState>,
    me: CurrentAccount,
) -> Result<Json<serde_json::Value>, ApiError> {
    Ok(Json(
        serde_json::json!({"items": state.orgs.list(&me.grant).await?}),
    ))
}

pub async fn get(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<Organisation>, ApiError> {
    let m = member(&state, &me, &id).await?;
    Ok(Json(state.orgs.get(&m).await?))
}

#[derive(Debug, Deserialize)]
pub struct UploadQuery {
    purpose: String,
}

/// The body is the file itself (any Content-Type; the type is read from the content).
pub async fn upload(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
    Query(q): Query<UploadQuery>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<(StatusCode, Json<Upload>), ApiError> {
    let a = admin(&state, &me, &id).await?;
    let body = body.map_err(|_| UploadError::TooLarge)?;
    Ok((
        StatusCode::CREATED,
        Json(state.uploads.put(&a, &q.purpose, &body).await?),
    ))
}

pub async fn authorise_by_face(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<FaceAuthorisation>,
) -> Result<Json<Authorisation>, ApiError> {
    let a = admin(&state, &me, &id).await?;
    Ok(Json(state.orgs.authorise_by_face(&a, &req).await?))
}

pub async fn submit_letter(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<LetterSubmission>,
) -> Result<Json<Authorisation>, ApiError> {
    let a = admin(&state, &me, &id).await?;
    Ok(Json(state.orgs.submit_letter(&a, &req.upload_id).await?))
}

/// The authorisation letter template, filled in, as a PDF to print, stamp and sign.
pub async fn letter_template(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let a = admin(&state, &me, &id).await?;
    let pdf = state.orgs.letter_pdf(&a).await?;
    Ok(super::file(
        "application/pdf",
        Some("attachment; filename=\"authorisation-letter.pdf\"".into()),
        pdf,
    ))
}

pub async fn members(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let a = admin(&state, &me, &id).await?;
    Ok(Json(
        serde_json::json!({"items": state.orgs.members(&a).await?}),
    ))
}

pub async fn add_member(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<NewMember>,
) -> Result<(StatusCode, Json<Member>), ApiError> {
    let a = admin(&state, &me, &id).await?;
    Ok((
        StatusCode::CREATED,
        Json(state.orgs.add_member(&a, &req).await?),
    ))
}

pub async fn change_role(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path((id, member_id)): Path<(String, String)>,
    ApiJson(req): ApiJson<ChangeRole>,
) -> Result<StatusCode, ApiError> {
    let a = admin(&state, &me, &id).await?;
    state.orgs.change_role(&a, &member_id, req.role).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn remove_member(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path((id, member_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let a = admin(&state, &me, &id).await?;
    state.orgs.remove_member(&a, &member_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn orders(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let a = admin(&state, &me, &id).await?;
    Ok(Json(
        serde_json::json!({"items": state.orders.org_orders(&a).await?}),
    ))
}

/// 变更: a certificate administrator applies for the organisation's rename.
pub async fn request_change(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<mcert_core::wire::orgs::NewOrgChange>,
) -> Result<(StatusCode, Json<Order>), ApiError> {
    let a = admin(&state, &me, &id).await?;
    Ok((
        StatusCode::CREATED,
        Json(
            state
                .orders
                .request_change(&a, &req.new_name, &req.materials)
                .await?,
        ),
    ))
}

/// Resubmits a rejected application of an organisation the caller administers.
pub async fn resubmit(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(order_id): Path<String>,
    ApiJson(req): ApiJson<Resubmission>,
) -> Result<Json<Order>, ApiError> {
    let order = state.orders.order(&me.grant, &order_id).await?;
    let org_id = order
        .org_id
        .ok_or(crate::billing::OrderError::UnknownOrder)?;
    let a = admin(&state, &me, &org_id).await?;
    Ok(Json(
        state.orders.resubmit(&a, &order_id, &req.materials).await?,
    ))
}

pub async fn certificates(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let a = admin(&state, &me, &id).await?;
    let items: Vec<OrgCertificate> = state.orders.org_certificates(&a).await?;
    Ok(Json(serde_json::json!({"items": items})))
}

pub async fn set_owner(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path((id, entitlement_id)): Path<(String, String)>,
    ApiJson(req): ApiJson<SetOwner>,
) -> Result<StatusCode, ApiError> {
    let a = admin(&state, &me, &id).await?;
    state.orders.set_owner(&a, &entitlement_id, &req).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn set_holder(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path((id, entitlement_id)): Path<(String, String)>,
    ApiJson(req): ApiJson<SetHolder>,
) -> Result<StatusCode, ApiError> {
    let a = admin(&state, &me, &id).await?;
    state
        .orders
        .set_holder(&a, &entitlement_id, &req.member_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Filters of the organisation's usage records.
#[derive(Debug, Deserialize)]
pub struct OrgUsageQuery {
    pub member: Option<String>,
    pub serial: Option<String>,
    pub operation: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

pub async fn usage(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
    Query(q): Query<OrgUsageQuery>,
) -> Result<Json<UsagePage>, ApiError> {
    let m = member(&state, &me, &id).await?;
    let filter = crate::sessions::OrgUsageFilter {
        member_id: q.member,
        serial: q.serial,
        operation: q.operation,
        from: time_param("from", q.from.as_deref(), false)?,
        to: time_param("to", q.to.as_deref(), true)?,
    };
    let scope = state.orders.org_usage_scope(&m, &filter).await?;
    Ok(Json(
        state
            .sessions
            .org_usage(&scope, &filter, q.cursor.as_deref(), q.limit.unwrap_or(20))
            .await?,
    ))
}
