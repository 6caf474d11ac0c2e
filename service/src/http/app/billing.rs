//! Catalogue, orders, payment notifications, entitlements, installation and certificates.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};

use super::super::client_ip::ClientIp;
use super::super::error::ApiError;
use super::super::{ApiJson, AppState};
use super::auth::CurrentAccount;
use crate::authz::{Actor, policy};
use crate::billing::{Installed, Order, OrderError};
use mcert_core::wire::{InstallRequest, NewOrder, ReissueRequest, ReportLost};

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
            OrderError::IdempotencyMismatch => plain(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "err-idempotency-key-reused",
            ),
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
            OrderError::UnknownCertificate => plain(
                StatusCode::NOT_FOUND,
                "unknown_certificate",
                "err-unknown-certificate",
            ),
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
            OrderError::ForOrganisationsOnly => plain(
                StatusCode::UNPROCESSABLE_ENTITY,
                "for_organisations_only",
                "err-for-organisations-only",
            ),
            OrderError::NotForOrganisations => plain(
                StatusCode::UNPROCESSABLE_ENTITY,
                "not_for_organisations",
                "err-not-for-organisations",
            ),
            OrderError::OrgNotAuthorised => plain(
                StatusCode::FORBIDDEN,
                "org_not_authorised",
                "err-org-not-authorised",
            ),
            OrderError::MaterialsRequired => plain(
                StatusCode::BAD_REQUEST,
                "materials_required",
                "err-materials-required",
            ),
            OrderError::UnknownMaterial => plain(
                StatusCode::BAD_REQUEST,
                "unknown_material",
                "err-unknown-material",
            ),
            OrderError::NotResubmittable(s) => ApiError::new(
                StatusCode::CONFLICT,
                "not_resubmittable",
                "err-not-resubmittable",
                &[("status", s.into())],
            ),
            OrderError::NotTheHolder => plain(
                StatusCode::FORBIDDEN,
                "not_the_holder",
                "err-not-the-holder",
            ),
            OrderError::NoLongerAdmin => plain(
                StatusCode::FORBIDDEN,
                "admin_required",
                "err-admin-required",
            ),
            OrderError::NotTheOwner => {
                plain(StatusCode::CONFLICT, "not_the_owner", "err-not-the-owner")
            }
            OrderError::OwnerFixed => plain(StatusCode::CONFLICT, "owner_fixed", "err-owner-fixed"),
            OrderError::OwnerRequired => {
                plain(StatusCode::CONFLICT, "owner_required", "err-owner-required")
            }
            OrderError::BadOwner(what) => ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_owner",
                "err-bad-owner",
                &[("field", what.into())],
            ),
            OrderError::UnknownMember => plain(
                StatusCode::NOT_FOUND,
                "unknown_member",
                "err-unknown-member",
            ),
            OrderError::ReverifyRequired => plain(
                StatusCode::FORBIDDEN,
                "reverify_required",
                "err-reverify-required",
            ),
            OrderError::PeriodEnded => {
                plain(StatusCode::CONFLICT, "period_ended", "err-period-ended")
            }
            OrderError::Gateway(detail) => {
                tracing::error!(%detail, "payment gateway failed");
                plain(
                    StatusCode::BAD_GATEWAY,
                    "payment_gateway",
                    "err-payment-gateway",
                )
            }
            e @ (OrderError::NotYetRenewable(_)
            | OrderError::AskAdmin
            | OrderError::RenewalNotDue
            | OrderError::NotTheCurrentKey
            | OrderError::UnknownMigration
            | OrderError::MigrationClosed(_)
            | OrderError::BadApproval
            | OrderError::BadName
            | OrderError::SameName
            | OrderError::ChangePending
            | OrderError::SealedBidPending(_)
            | OrderError::FixedPeriod) => super::life::life_error(e),
            other => super::commerce::commerce_error(other),
        }
    }
}

pub async fn catalogue(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    Ok(Json(
        serde_json::json!({"items": state.orders.catalogue().await?}),
    ))
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
    let order = match &req.org_id {
        Some(org_id) => {
            let admin = policy::org_admin(&me.grant.actor(), &state.orgs, org_id).await?;
            state
                .orders
                .create_for_org(&admin, &req.product_id, req.years, &req.materials, key)
                .await?
        }
        None if !req.materials.is_empty() => {
            return Err(ApiError::bad_request(
                "materials belong to an organisation's application (org_id)",
            ));
        }
        None => {
            state
                .orders
                .create(&me.grant, &req.product_id, req.years, key)
                .await?
        }
    };
    Ok((StatusCode::CREATED, Json(order)))
}

pub async fn list(
    State(state): State<AppState>,
    me: CurrentAccount,
) -> Result<Json<serde_json::Value>, ApiError> {
    Ok(Json(
        serde_json::json!({"items": state.orders.list(&me.grant).await?}),
    ))
}

pub async fn get(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<Order>, ApiError> {
    Ok(Json(state.orders.order(&me.grant, &id).await?))
}

pub async fn pay(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    let txn = state.orders.pay(&me.grant, &id).await?;
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
    Ok(Json(state.orders.cancel(&me.grant, &id).await?))
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
    // The signature verified: the gateway speaks.
    let grant =
        policy::gateway(&Actor::Gateway(gateway.clone())).map_err(|_| ApiError::not_found())?;
    let changed = state.orders.apply_payment(&grant, &note).await?;
    Ok(Json(
        serde_json::json!({"accepted": true, "changed": changed}),
    ))
}

pub async fn entitlements(
    State(state): State<AppState>,
    me: CurrentAccount,
) -> Result<Json<serde_json::Value>, ApiError> {
    Ok(Json(
        serde_json::json!({"items": state.orders.entitlements(&me.grant).await?}),
    ))
}

pub async fn install(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<InstallRequest>,
) -> Result<Json<Installed>, ApiError> {
    let csr = csr_bytes(req.csr)?;
    Ok(Json(state.orders.install(&me.grant, &id, &csr).await?))
}

/// 补办 / PIN reset: a new key's certificate for an issued slot, after a fresh real-name and
/// face verification; the old certificate is revoked (superseded) and the escrowed encryption
/// keys come with the new one.
pub async fn reissue(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ReissueRequest>,
) -> Result<Json<Installed>, ApiError> {
    let csr = csr_bytes(req.csr)?;
    Ok(Json(
        state
            .orders
            .reissue(&me.grant, &id, &csr, req.reason)
            .await?,
    ))
}

/// A CSR as PEM text or base64 of the DER.
pub(super) fn csr_bytes(csr: String) -> Result<Vec<u8>, ApiError> {
    use base64ct::Encoding;
    if csr.trim_start().starts_with("-----BEGIN") {
        Ok(csr.into_bytes())
    } else {
        base64ct::Base64::decode_vec(csr.trim())
            .map_err(|_| ApiError::bad_request("csr is neither PEM nor base64"))
    }
}

pub async fn certificates(
    State(state): State<AppState>,
    me: CurrentAccount,
) -> Result<Json<serde_json::Value>, ApiError> {
    Ok(Json(
        serde_json::json!({"items": state.orders.certificates(&me.grant).await?}),
    ))
}

/// 挂失: the holder reports a certificate lost, after SMS re-authentication; it is revoked
/// at once (keyCompromise).
pub async fn report_lost(
    State(state): State<AppState>,
    me: CurrentAccount,
    ip: ClientIp,
    Path(serial): Path<String>,
    ApiJson(req): ApiJson<ReportLost>,
) -> Result<StatusCode, ApiError> {
    let serial = serial.trim();
    // Not theirs: refused before a code is spent.
    state.orders.ensure_holder(&me.grant, serial).await?;
    state
        .accounts
        .reauthenticate(&me.grant, req.code.trim(), &ip.to_string())
        .await?;
    state.orders.report_lost(&me.grant, serial).await?;
    Ok(StatusCode::NO_CONTENT)
}
