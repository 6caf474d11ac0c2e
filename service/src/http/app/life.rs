//! 延期 (renewal) and moving a certificate to a new phone.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use base64ct::Encoding;

use super::super::error::ApiError;
use super::super::{ApiJson, AppState};
use super::auth::CurrentAccount;
use crate::billing::{Installed, OrderError};
use mcert_core::wire::{
    InstallRequest, Migration, MigrationApproval, MigrationQr, MigrationRequest, MigrationStarted,
    RenewalRequest, RenewalStarted,
};

/// The HTTP form of the renewal and migration refusals (the rest are the orders' own).
pub(super) fn life_error(e: OrderError) -> ApiError {
    let plain = |status, code, id| ApiError::new(status, code, id, &[]);
    match e {
        OrderError::NotYetRenewable(from) => ApiError::new(
            StatusCode::CONFLICT,
            "not_yet_renewable",
            "err-not-yet-renewable",
            &[("from", from.chars().take(10).collect::<String>().into())],
        ),
        OrderError::AskAdmin => plain(StatusCode::CONFLICT, "ask_admin", "err-ask-admin"),
        OrderError::RenewalNotDue => plain(
            StatusCode::CONFLICT,
            "renewal_not_due",
            "err-renewal-not-due",
        ),
        OrderError::NotTheCurrentKey => plain(
            StatusCode::BAD_REQUEST,
            "not_the_current_key",
            "err-not-the-current-key",
        ),
        OrderError::UnknownMigration => plain(
            StatusCode::NOT_FOUND,
            "unknown_migration",
            "err-unknown-migration",
        ),
        OrderError::MigrationClosed(status) => ApiError::new(
            StatusCode::CONFLICT,
            "migration_closed",
            "err-migration-closed",
            &[(
                "status",
                crate::i18n::message(
                    mcert_core::i18n::Locale::ZhCn,
                    &format!("migration-status-{status}"),
                    &[],
                )
                .into(),
            )],
        ),
        OrderError::BadApproval => plain(StatusCode::FORBIDDEN, "bad_approval", "err-bad-approval"),
        OrderError::SealedBidPending(at) => ApiError::new(
            StatusCode::CONFLICT,
            "sealed_bid_pending",
            "err-sealed-bid-pending",
            &[("at", at.replace('T', " ").replace('Z', "").into())],
        ),
        OrderError::FixedPeriod => plain(StatusCode::CONFLICT, "fixed_period", "err-fixed-period"),
        OrderError::BadName => plain(StatusCode::BAD_REQUEST, "bad_name", "err-bad-org-name"),
        OrderError::SameName => plain(StatusCode::CONFLICT, "same_name", "err-same-org-name"),
        OrderError::ChangePending => {
            plain(StatusCode::CONFLICT, "change_pending", "err-change-pending")
        }
        other => ApiError::internal(other),
    }
}

/// `POST /v1/entitlements/{id}/renewal`: the renewal order, or a package slot taken.
pub async fn start_renewal(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<RenewalRequest>,
) -> Result<Json<RenewalStarted>, ApiError> {
    Ok(Json(
        state
            .orders
            .start_renewal(&me.grant, &id, req.years)
            .await?,
    ))
}

/// `POST /v1/entitlements/{id}/renew`: the renewed certificate for the same key.
pub async fn renew(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<InstallRequest>,
) -> Result<Json<Installed>, ApiError> {
    let csr = super::billing::csr_bytes(req.csr)?;
    Ok(Json(state.orders.renew(&me.grant, &id, &csr).await?))
}

/// `POST /v1/entitlements/{id}/migrations`: the old phone's QR code.
pub async fn start_migration(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<MigrationStarted>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(state.orders.start_migration(&me.grant, &id).await?),
    ))
}

/// `GET /v1/migrations/{id}`.
pub async fn migration(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<Migration>, ApiError> {
    Ok(Json(state.orders.migration(&me.grant, &id).await?))
}

/// `POST /v1/migrations/{id}/request`: the new phone's CSR, with the QR code's secret.
pub async fn request_migration(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<MigrationRequest>,
) -> Result<Json<Migration>, ApiError> {
    let qr = MigrationQr::parse(
        &MigrationQr {
            id,
            secret: req.secret,
        }
        .to_text(),
    )
    .map_err(|_| ApiError::from(OrderError::UnknownMigration))?;
    let csr = super::billing::csr_bytes(req.csr)?;
    Ok(Json(
        state.orders.request_migration(&me.grant, &qr, &csr).await?,
    ))
}

/// `POST /v1/migrations/{id}/approve`: the old phone's signature.
pub async fn approve_migration(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<MigrationApproval>,
) -> Result<Json<Migration>, ApiError> {
    let signature = base64ct::Base64::decode_vec(req.signature.trim())
        .map_err(|_| ApiError::bad_request("signature is not base64"))?;
    Ok(Json(
        state
            .orders
            .approve_migration(&me.grant, &id, &signature)
            .await?,
    ))
}

/// `POST /v1/migrations/{id}/cancel`.
pub async fn cancel_migration(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<Migration>, ApiError> {
    Ok(Json(state.orders.cancel_migration(&me.grant, &id).await?))
}
