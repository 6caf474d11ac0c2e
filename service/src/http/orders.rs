//! Catalogue, orders, payment notifications, entitlements, installation and certificates.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;

use super::auth::CurrentAccount;
use super::error::ApiError;
use super::{ApiJson, AppState};
use crate::orders::{Installed, Order, OrderError};

impl From<OrderError> for ApiError {
    fn from(e: OrderError) -> Self {
        let plain = |status, code, id| ApiError::new(status, code, id, &[]);
        match e {
            OrderError::UnknownProduct => plain(
                StatusCode::NOT_FOUND,
                "unknown_product",
                "err-unknown-product",
            ),
            OrderError::BadPeriod => plain(StatusCode::BAD_REQUEST, "bad_period", "err-bad-period"),
            OrderError::IdentityRequired => plain(
                StatusCode::FORBIDDEN,
                "identity_required",
                "err-identity-required",
            ),
            OrderError::UnknownOrder => {
                plain(StatusCode::NOT_FOUND, "unknown_order", "err-unknown-order")
            }
            OrderError::NotPayable(s) => ApiError::new(
                StatusCode::CONFLICT,
                "not_payable",
                "err-not-payable",
                &[("status", s.into())],
            ),
            OrderError::BadSignature => plain(
                StatusCode::UNAUTHORIZED,
                "bad_signature",
                "err-bad-signature",
            ),
            OrderError::BadNotification => plain(
                StatusCode::BAD_REQUEST,
                "bad_notification",
                "err-bad-notification",
            ),
            OrderError::AmountMismatch { .. } => plain(
                StatusCode::BAD_REQUEST,
                "amount_mismatch",
                "err-amount-mismatch",
            ),
            OrderError::AlreadyPaid => {
                plain(StatusCode::CONFLICT, "already_paid", "err-already-paid")
            }
            OrderError::UnknownEntitlement => plain(
                StatusCode::NOT_FOUND,
                "unknown_entitlement",
                "err-unknown-entitlement",
            ),
            OrderError::NotInstallable(s) => ApiError::new(
                StatusCode::CONFLICT,
                "not_installable",
                "err-not-installable",
                &[("status", s.into())],
            ),
            OrderError::Authority(a) => a.into(),
            OrderError::Gateway(detail) => {
                tracing::error!(%detail, "payment gateway failed");
                plain(
                    StatusCode::BAD_GATEWAY,
                    "payment_gateway",
                    "err-payment-gateway",
                )
            }
            other => ApiError::internal(other),
        }
    }
}

pub async fn catalogue(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    Ok(Json(
        serde_json::json!({"items": state.orders.catalogue().await?}),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewOrder {
    product_id: String,
    years: i64,
}

pub async fn create(
    State(state): State<AppState>,
    me: CurrentAccount,
    headers: HeaderMap,
    ApiJson(req): ApiJson<NewOrder>,
) -> Result<(StatusCode, Json<Order>), ApiError> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 128);
    let order = state
        .orders
        .create(&me.account.id, &req.product_id, req.years, key)
        .await?;
    Ok((StatusCode::CREATED, Json(order)))
}

pub async fn list(
    State(state): State<AppState>,
    me: CurrentAccount,
) -> Result<Json<serde_json::Value>, ApiError> {
    Ok(Json(
        serde_json::json!({"items": state.orders.list(&me.account.id).await?}),
    ))
}

pub async fn get(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<Order>, ApiError> {
    Ok(Json(state.orders.order(&me.account.id, &id).await?))
}

pub async fn pay(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let txn = state.orders.pay(&me.account.id, &id).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(serde_json::json!({"transaction_id": txn, "status": "pending"})),
    ))
}

pub async fn cancel(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<Order>, ApiError> {
    Ok(Json(state.orders.cancel(&me.account.id, &id).await?))
}

/// The gateway's asynchronous notification (signed). Only the configured gateway is heard.
pub async fn notify(
    State(state): State<AppState>,
    Path(gateway): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    if gateway != state.orders.gateway().name() {
        return Err(ApiError::not_found());
    }
    let signature = headers
        .get("x-mcert-signature")
        .and_then(|v| v.to_str().ok())
        .ok_or(OrderError::BadSignature)?;
    let note = state.orders.gateway().verify(&body, signature)?;
    let changed = state
        .orders
        .apply_payment(state.orders.gateway().name(), &note)
        .await?;
    Ok(Json(
        serde_json::json!({"accepted": true, "changed": changed}),
    ))
}

pub async fn entitlements(
    State(state): State<AppState>,
    me: CurrentAccount,
) -> Result<Json<serde_json::Value>, ApiError> {
    Ok(Json(
        serde_json::json!({"items": state.orders.entitlements(&me.account.id).await?}),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstallRequest {
    /// PKCS#10 request: PEM text, or base64 of the DER.
    csr: String,
}

pub async fn install(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<InstallRequest>,
) -> Result<Json<Installed>, ApiError> {
    use base64ct::Encoding;
    let csr = if req.csr.trim_start().starts_with("-----BEGIN") {
        req.csr.into_bytes()
    } else {
        base64ct::Base64::decode_vec(req.csr.trim())
            .map_err(|_| ApiError::bad_request("csr is neither PEM nor base64"))?
    };
    Ok(Json(state.orders.install(&me.account.id, &id, &csr).await?))
}

pub async fn certificates(
    State(state): State<AppState>,
    me: CurrentAccount,
) -> Result<Json<serde_json::Value>, ApiError> {
    Ok(Json(
        serde_json::json!({"items": state.orders.certificates(&me.account.id).await?}),
    ))
}
