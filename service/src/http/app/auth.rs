//! Login by SMS code, the current account, platforms, and the development SMS outbox.

use axum::Json;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::super::client_ip::ClientIp;
use super::super::error::ApiError;
use super::super::{ApiJson, AppState};
use crate::accounts::{Account, AuthError};
use crate::authz::{Actor, OwnAccount, policy};
use mcert_core::wire::{ChoosePlatform, LoginRequest, SmsCodeRequest};

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        let secs = |s: u64| [("seconds", s.into())];
        match e {
            AuthError::BadPhone => {
                ApiError::new(StatusCode::BAD_REQUEST, "bad_phone", "err-bad-phone", &[])
            }
            AuthError::Cooldown(s) => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "code_cooldown",
                "err-code-cooldown",
                &secs(s),
            )
            .retry_after(s),
            AuthError::PhoneLimit(s) => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "phone_limit",
                "err-phone-limit",
                &secs(s),
            )
            .retry_after(s),
            AuthError::IpLimit(s) => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "ip_limit",
                "err-ip-limit",
                &secs(s),
            )
            .retry_after(s),
            AuthError::Locked(s) => ApiError::new(
                StatusCode::LOCKED,
                "phone_locked",
                "err-phone-locked",
                &secs(s),
            )
            .retry_after(s),
            AuthError::WrongCode(t) => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "wrong_code",
                "err-wrong-code",
                &[("tries", t.into())],
            ),
            AuthError::NoValidCode => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "no_valid_code",
                "err-no-valid-code",
                &[],
            ),
            AuthError::Unauthorized => ApiError::unauthorized(),
            AuthError::UnknownPlatform => ApiError::new(
                StatusCode::NOT_FOUND,
                "unknown_platform",
                "err-unknown-platform",
                &[],
            ),
            AuthError::Sms(inner) => {
                tracing::error!(error = %inner, "SMS delivery failed");
                ApiError::new(StatusCode::BAD_GATEWAY, "sms_failed", "err-sms", &[])
            }
            other => ApiError::internal(other),
        }
    }
}

/// The account behind the request's `Authorization: Bearer …` header.
#[derive(Debug, Clone)]
pub struct CurrentAccount {
    pub account: Account,
    pub token: String,
    /// The policy's grant for the account's own data.
    pub grant: OwnAccount,
}

impl FromRequestParts<AppState> for CurrentAccount {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(ApiError::unauthorized)?
            .trim()
            .to_string();
        let account = state.accounts.authenticate(&token).await?;
        let grant = policy::own_account(&Actor::Account(account.id.clone()))
            .map_err(|_| ApiError::unauthorized())?;
        Ok(CurrentAccount {
            account,
            token,
            grant,
        })
    }
}

pub async fn sms_code(
    State(state): State<AppState>,
    ip: ClientIp,
    ApiJson(req): ApiJson<SmsCodeRequest>,
) -> Result<Json<serde_json::Value>, ApiError> {
    state
        .accounts
        .send_code(req.phone.trim(), &ip.to_string())
        .await?;
    Ok(Json(serde_json::json!({
        "expires_in": crate::accounts::CODE_TTL.as_secs(),
        "resend_after": crate::accounts::RESEND_COOLDOWN.as_secs(),
    })))
}

pub async fn login(
    State(state): State<AppState>,
    ip: ClientIp,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<crate::accounts::LoginSession>, ApiError> {
    Ok(Json(
        state
            .accounts
            .login(req.phone.trim(), req.code.trim(), &ip.to_string())
            .await?,
    ))
}

pub async fn logout(
    State(state): State<AppState>,
    me: CurrentAccount,
) -> Result<Response, ApiError> {
    state.accounts.logout(&me.token).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn me(me: CurrentAccount) -> Json<Account> {
    Json(me.account)
}

pub async fn platforms(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    Ok(Json(
        serde_json::json!({"items": state.accounts.platforms().await?}),
    ))
}

pub async fn choose_platform(
    State(state): State<AppState>,
    me: CurrentAccount,
    ApiJson(req): ApiJson<ChoosePlatform>,
) -> Result<Json<Account>, ApiError> {
    state
        .accounts
        .choose_platform(&me.grant, &req.platform_id)
        .await?;
    Ok(Json(state.accounts.authenticate(&me.token).await?))
}

#[derive(Debug, Deserialize)]
pub struct OutboxQuery {
    phone: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdvanceClock {
    advance_seconds: u64,
}

/// The longest single move of a development clock (five years).
const MAX_CLOCK_ADVANCE_SECS: u64 = 5 * 366 * 86_400;

/// Development only: moves the service's clock forward (renewal windows, reminders, expiry).
pub async fn dev_clock(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<AdvanceClock>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let Some(clock) = &state.dev_clock else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "dev_only",
            "err-dev-only",
            &[],
        ));
    };
    if req.advance_seconds > MAX_CLOCK_ADVANCE_SECS {
        return Err(ApiError::bad_request("advance_seconds: at most five years"));
    }
    clock.advance(std::time::Duration::from_secs(req.advance_seconds));
    // The reminders due at the new time go out now, not at the next hourly look.
    let reminded = state.orders.remind_expiring().await?;
    Ok(Json(serde_json::json!({
        "now": mcert_core::clock::rfc3339(clock.now()),
        "reminders_sent": reminded,
    })))
}

/// Development only: the texts the development SMS provider "sent".
pub async fn dev_outbox(
    State(state): State<AppState>,
    Query(q): Query<OutboxQuery>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let Some(outbox) = &state.dev_outbox else {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "dev_only",
            "err-dev-only",
            &[],
        ));
    };
    let messages = outbox
        .messages(&q.phone)
        .await
        .map_err(ApiError::internal)?;
    Ok(Json(serde_json::json!({"items": messages})))
}
