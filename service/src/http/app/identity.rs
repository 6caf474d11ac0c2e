//! Real-name verification endpoints.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use super::super::error::ApiError;
use super::super::{ApiJson, AppState};
use super::auth::CurrentAccount;
use crate::identity::{IdentityError, VerificationRequest, VerifiedIdentity};

impl From<IdentityError> for ApiError {
    fn from(e: IdentityError) -> Self {
        let bad = |code, id| ApiError::new(StatusCode::BAD_REQUEST, code, id, &[]);
        match e {
            IdentityError::BadName => bad("bad_name", "err-bad-name"),
            IdentityError::BadIdNumber => bad("bad_id_number", "err-bad-id-number"),
            IdentityError::BadBankCard => bad("bad_bank_card", "err-bad-bank-card"),
            IdentityError::BadPhone => bad("bad_phone", "err-bad-phone"),
            IdentityError::Mismatch => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "identity_mismatch",
                "err-identity-mismatch",
                &[],
            ),
            IdentityError::NotLive => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "not_live",
                "err-not-live",
                &[],
            ),
            IdentityError::TooManyAttempts => ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "identity_attempts",
                "err-identity-attempts",
                &[],
            ),
            IdentityError::Provider(detail) => {
                tracing::error!(%detail, "identity provider failed");
                ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    "identity_provider",
                    "err-identity-provider",
                    &[],
                )
            }
            other => ApiError::internal(other),
        }
    }
}

pub async fn verify(
    State(state): State<AppState>,
    me: CurrentAccount,
    ApiJson(req): ApiJson<VerificationRequest>,
) -> Result<Json<VerifiedIdentity>, ApiError> {
    Ok(Json(state.identities.verify(&me.grant, &req).await?))
}

pub async fn get(
    State(state): State<AppState>,
    me: CurrentAccount,
) -> Result<Json<serde_json::Value>, ApiError> {
    let identity = state.identities.get(&me.grant).await?;
    Ok(Json(
        serde_json::json!({"verified": identity.is_some(), "identity": identity}),
    ))
}
