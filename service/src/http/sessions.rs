//! The relying-platform API (`/v1/rp/…`, platform API keys), the phone's scan endpoints
//! (`/v1/scan…`, account tokens) and usage records (`/v1/usage`).

use std::time::Duration;

use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use mcert_core::wire::{
    ChooseSeal, Completion, CreatedSession, Decline, NewSession, ScanRequest, ScannedSession,
    SessionStatus, StampDigest, StampProgress, UsagePage, routes,
};
use serde::Deserialize;

use super::app::auth::CurrentAccount;
use super::client_ip::ClientIp;
use super::error::ApiError;
use super::{ApiJson, AppState};
use crate::authz::{Actor, OwnPlatform, policy};
use crate::platforms::{PlatformError, RegisteredPlatform};
use crate::sessions::{SessionError, failure_message_id};

/// The platform API's description, kept in the repository and served as is.
pub const OPENAPI: &str = include_str!("../../openapi.json");

impl From<SessionError> for ApiError {
    fn from(e: SessionError) -> Self {
        let code = e.code();
        let status = match &e {
            SessionError::Invalid(detail) => return ApiError::bad_request(detail),
            SessionError::Store(_) | SessionError::Authority(_) | SessionError::Internal(_) => {
                return ApiError::internal(e);
            }
            SessionError::CallbackNotAllowed | SessionError::BadQr(_) | SessionError::QrFuture => {
                StatusCode::BAD_REQUEST
            }
            SessionError::UnknownSession => StatusCode::NOT_FOUND,
            SessionError::QrForged
            | SessionError::BadTicket
            | SessionError::UnknownCertificate
            | SessionError::CertificateRevoked
            | SessionError::CertificateExpired
            | SessionError::SubjectNotAllowed
            | SessionError::NotBidRecipient
            | SessionError::UseRefused
            | SessionError::SealNotUsable => StatusCode::FORBIDDEN,
            SessionError::StampingOff => StatusCode::NOT_IMPLEMENTED,
            SessionError::SealFixed
            | SessionError::SealChanged
            | SessionError::ApprovalPending
            | SessionError::NoSealPicked
            | SessionError::DigestPending
            | SessionError::DigestSent
            | SessionError::WrongPlace(_)
            | SessionError::StampMade => StatusCode::CONFLICT,
            SessionError::QrStale(_) | SessionError::Expired => StatusCode::GONE,
            SessionError::Finished(_) | SessionError::Taken | SessionError::NotScanned => {
                StatusCode::CONFLICT
            }
            SessionError::Answer(_) => StatusCode::UNPROCESSABLE_ENTITY,
            SessionError::AccountScanLimit(s) | SessionError::AddressScanLimit(s) => {
                tracing::info!(code, "scan refused by rate limit");
                return ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    code,
                    &failure_message_id(code),
                    &[("seconds", (*s).into())],
                )
                .retry_after(*s);
            }
        };
        tracing::info!(code, detail = %e, "scan session request refused");
        ApiError::new(status, code, &failure_message_id(code), &[])
    }
}

impl From<PlatformError> for ApiError {
    fn from(e: PlatformError) -> Self {
        match e {
            PlatformError::Unauthorized => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "err-platform-unauthorized",
                &[],
            ),
            PlatformError::Store(_) | PlatformError::Rng => ApiError::internal(e),
            other => ApiError::bad_request(other),
        }
    }
}

/// The platform behind the request's `Authorization: Bearer mcp_…` header.
#[derive(Debug, Clone)]
pub struct CurrentPlatform(pub RegisteredPlatform);

impl FromRequestParts<AppState> for CurrentPlatform {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let key = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| ApiError::from(PlatformError::Unauthorized))?
            .trim();
        Ok(CurrentPlatform(
            state.sessions.platforms().authenticate(key).await?,
        ))
    }
}

/// The platform API, the phone's scan endpoints and usage records.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(routes::RP_OPENAPI, get(openapi))
        .route(routes::RP_SESSIONS, post(create))
        .route(routes::RP_SESSION, get(status))
        .route(routes::SCAN, post(scan))
        .route(routes::SCAN_COMPLETE, post(complete))
        .route(routes::SCAN_DECLINE, post(decline))
        .route(routes::SCAN_STAMP_SEAL, post(choose_seal))
        .route(routes::SCAN_STAMP_PROGRESS, post(stamp_progress))
        .route(routes::RP_SESSION_STAMP_DIGEST, post(stamp_digest))
        .route(routes::USAGE, get(usage))
        .route(routes::RP_SEALED_BIDS, post(note_sealed_bid))
}

/// `POST /v1/rp/sealed-bids`: the platform tells of a bid it sealed.
pub async fn note_sealed_bid(
    State(state): State<AppState>,
    CurrentPlatform(platform): CurrentPlatform,
    ApiJson(req): ApiJson<mcert_core::wire::SealedBidNotice>,
) -> Result<(StatusCode, Json<mcert_core::wire::NotedSealedBid>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(state.sessions.note_sealed_bid(&platform, &req).await?),
    ))
}

pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

pub async fn create(
    State(state): State<AppState>,
    CurrentPlatform(platform): CurrentPlatform,
    headers: HeaderMap,
    ApiJson(req): ApiJson<NewSession>,
) -> Result<(StatusCode, Json<CreatedSession>), ApiError> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 128);
    let created = state.sessions.create(&platform, &req, key).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusQuery {
    /// Seconds to wait for a change (≤ 30).
    wait: Option<u64>,
    /// The status the caller already knows.
    since: Option<String>,
}

/// The policy's grant for an authenticated platform's own sessions.
fn platform_grant(platform: &RegisteredPlatform) -> Result<OwnPlatform, ApiError> {
    policy::own_platform(&Actor::Platform(platform.id.clone()))
        .map_err(|_| ApiError::unauthorized())
}

pub async fn status(
    State(state): State<AppState>,
    CurrentPlatform(platform): CurrentPlatform,
    Path(id): Path<String>,
    Query(q): Query<StatusQuery>,
) -> Result<Json<SessionStatus>, ApiError> {
    let wait = q.wait.map(Duration::from_secs);
    Ok(Json(
        state
            .sessions
            .status(&platform_grant(&platform)?, &id, wait, q.since.as_deref())
            .await?,
    ))
}

pub async fn scan(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    me: CurrentAccount,
    ApiJson(req): ApiJson<ScanRequest>,
) -> Result<Json<ScannedSession>, ApiError> {
    Ok(Json(state.sessions.scan(&me.grant, client, &req).await?))
}

pub async fn complete(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<Completion>,
) -> Result<Json<SessionStatus>, ApiError> {
    Ok(Json(state.sessions.complete(&me.grant, &id, &req).await?))
}

pub async fn decline(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<Decline>,
) -> Result<Json<SessionStatus>, ApiError> {
    Ok(Json(state.sessions.decline(&me.grant, &id, &req).await?))
}

pub async fn choose_seal(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ChooseSeal>,
) -> Result<Json<StampProgress>, ApiError> {
    Ok(Json(
        state.sessions.choose_seal(&me.grant, &id, &req).await?,
    ))
}

pub async fn stamp_progress(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<Decline>,
) -> Result<Json<StampProgress>, ApiError> {
    Ok(Json(
        state
            .sessions
            .stamp_progress(&me.grant, &id, &req.scan_ticket)
            .await?,
    ))
}

pub async fn stamp_digest(
    State(state): State<AppState>,
    CurrentPlatform(platform): CurrentPlatform,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<StampDigest>,
) -> Result<Json<SessionStatus>, ApiError> {
    Ok(Json(
        state
            .sessions
            .stamp_digest(&platform_grant(&platform)?, &id, &req)
            .await?,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsageQuery {
    /// From this time (RFC 3339 or a date), inclusive.
    from: Option<String>,
    /// Up to this time, exclusive (a bare date means the whole day is included).
    to: Option<String>,
    cursor: Option<String>,
    limit: Option<u32>,
}

pub(crate) fn time_param(
    name: &str,
    text: Option<&str>,
    whole_day: bool,
) -> Result<Option<i64>, ApiError> {
    let Some(text) = text else {
        return Ok(None);
    };
    // An unescaped `+08:00` offset reaches us as ` 08:00` (query strings decode `+` to space).
    let fixed;
    let parts = text
        .len()
        .checked_sub(6)
        .and_then(|i| Some((text.get(..i)?, text.get(i..)?)));
    let text = match parts {
        Some((local, zone)) if local.len() > 10 && zone.starts_with(' ') => {
            fixed = format!("{local}+{}", zone.trim_start());
            fixed.as_str()
        }
        _ => text,
    };
    let t = mcert_core::clock::parse_rfc3339(text)
        .ok_or_else(|| ApiError::bad_request(format!("{name} is not a date or RFC 3339 time")))?;
    let t = if whole_day && text.trim().len() == 10 {
        t + Duration::from_secs(86_400)
    } else {
        t
    };
    Ok(Some(mcert_core::clock::unix_millis(t)))
}

pub async fn usage(
    State(state): State<AppState>,
    me: CurrentAccount,
    Query(q): Query<UsageQuery>,
) -> Result<Json<UsagePage>, ApiError> {
    let from = time_param("from", q.from.as_deref(), false)?;
    let to = time_param("to", q.to.as_deref(), true)?;
    Ok(Json(
        state
            .sessions
            .usage(
                &me.grant,
                from,
                to,
                q.cursor.as_deref(),
                q.limit.unwrap_or(20),
            )
            .await?,
    ))
}
