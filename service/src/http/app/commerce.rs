//! Paying and invoicing as companies do: 购买信息修改, bank transfer (the order's receiving
//! account, the bank's signed notification, the development bank), billing profiles, payer
//! accounts, invoices and their share links.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::super::error::ApiError;
use super::super::{ApiJson, AppState};
use super::auth::CurrentAccount;
use crate::authz::{Actor, policy};
use crate::billing::{BankNote, Order, OrderError};
use mcert_core::wire::{
    BillingProfile, ChangeOrder, Invoice, InvoiceRequest, InvoiceShare, NewBillingProfile,
    NewPayerAccount, PayerAccount,
};

/// The API errors of commerce (the rest of [`OrderError`] maps in `billing`).
pub(super) fn commerce_error(e: OrderError) -> ApiError {
    let plain = |status, code, id| ApiError::new(status, code, id, &[]);
    match e {
        OrderError::BadStatement(detail) => ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_statement",
            "err-bad-statement",
            &[("detail", detail.into())],
        ),
        OrderError::UnknownTransfer => plain(
            StatusCode::NOT_FOUND,
            "unknown_transfer",
            "err-unknown-transfer",
        ),
        OrderError::TransferNotApplicable => plain(
            StatusCode::CONFLICT,
            "transfer_not_applicable",
            "err-transfer-not-applicable",
        ),
        OrderError::BadProfile(field) => ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_billing_info",
            "err-bad-billing-info",
            &[("field", field.into())],
        ),
        OrderError::UnknownProfile => plain(
            StatusCode::NOT_FOUND,
            "unknown_billing_info",
            "err-unknown-billing-info",
        ),
        OrderError::TooMany => plain(StatusCode::CONFLICT, "too_many", "err-too-many"),
        OrderError::PayerExists => plain(
            StatusCode::CONFLICT,
            "payer_account_exists",
            "err-payer-account-exists",
        ),
        OrderError::NotInvoiceable(s) => ApiError::new(
            StatusCode::CONFLICT,
            "not_invoiceable",
            "err-not-invoiceable",
            &[("status", s.into())],
        ),
        OrderError::InvoiceExists => {
            plain(StatusCode::CONFLICT, "invoice_exists", "err-invoice-exists")
        }
        OrderError::UnknownInvoice => plain(
            StatusCode::NOT_FOUND,
            "unknown_invoice",
            "err-unknown-invoice",
        ),
        OrderError::InvoiceNotReady => plain(
            StatusCode::CONFLICT,
            "invoice_not_ready",
            "err-invoice-not-ready",
        ),
        OrderError::NotRefundable(s) => ApiError::new(
            StatusCode::CONFLICT,
            "not_refundable",
            "err-not-refundable",
            &[("status", s.into())],
        ),
        OrderError::CertificatesIssued => plain(
            StatusCode::CONFLICT,
            "certificates_issued",
            "err-certificates-issued",
        ),
        OrderError::InEffect => plain(StatusCode::CONFLICT, "in_effect", "err-in-effect"),
        OrderError::BadReason => plain(StatusCode::BAD_REQUEST, "bad_reason", "err-bad-reason"),
        OrderError::AlreadyPartlyPaid => plain(
            StatusCode::CONFLICT,
            "already_partly_paid",
            "err-already-partly-paid",
        ),
        other => ApiError::internal(other),
    }
}

fn pdf(bytes: Vec<u8>, name: &str) -> Response {
    super::file(
        "application/pdf",
        Some(format!("inline; filename=\"{name}\"")),
        bytes,
    )
}

pub async fn change(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<ChangeOrder>,
) -> Result<Json<Order>, ApiError> {
    Ok(Json(
        state.orders.change_order(&me.grant, &id, req.years).await?,
    ))
}

pub async fn transfer(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<Order>, ApiError> {
    Ok(Json(state.orders.pay_by_transfer(&me.grant, &id).await?))
}

/// The bank's signed notification of an incoming transfer.
pub async fn bank_notify(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<serde_json::Value>, ApiError> {
    let signature = headers
        .get("x-mcert-signature")
        .and_then(|v| v.to_str().ok())
        .ok_or(OrderError::BadSignature)?;
    let transfer = state.orders.verify_bank_notification(&body, signature)?;
    let grant =
        policy::gateway(&Actor::Gateway("bank".into())).map_err(|_| ApiError::not_found())?;
    let outcome = state.orders.bank_notified(&grant, &transfer).await?;
    Ok(Json(serde_json::json!({"outcome": outcome.as_str()})))
}

/// Development only: an incoming transfer as if the bank had notified it.
pub async fn dev_bank_transfer(
    State(state): State<AppState>,
    ApiJson(note): ApiJson<BankNote>,
) -> Result<Json<serde_json::Value>, ApiError> {
    if state.dev_outbox.is_none() || !state.orders.gateway().is_dev() {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "dev_only",
            "err-dev-only",
            &[],
        ));
    }
    let transfer = note.into_transfer()?;
    let grant =
        policy::gateway(&Actor::Gateway("dev-bank".into())).map_err(|_| ApiError::not_found())?;
    let outcome = state.orders.bank_notified(&grant, &transfer).await?;
    Ok(Json(serde_json::json!({"outcome": outcome.as_str()})))
}

pub async fn request_invoice(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<InvoiceRequest>,
) -> Result<(StatusCode, Json<Invoice>), ApiError> {
    let invoice = state
        .orders
        .request_invoice(&me.grant, &id, req.profile_id.as_deref())
        .await?;
    Ok((StatusCode::CREATED, Json(invoice)))
}

pub async fn invoices(
    State(state): State<AppState>,
    me: CurrentAccount,
) -> Result<Json<serde_json::Value>, ApiError> {
    Ok(Json(
        serde_json::json!({"items": state.orders.invoices(&me.grant).await?}),
    ))
}

pub async fn invoice_pdf(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let bytes = state.orders.invoice_pdf(&me.grant, &id).await?;
    Ok(pdf(bytes, "invoice.pdf"))
}

pub async fn share_invoice(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<InvoiceShare>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(state.orders.share_invoice(&me.grant, &id).await?),
    ))
}

/// Whoever has the link: no login, until it expires.
pub async fn shared_invoice(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, ApiError> {
    let bytes = state.orders.shared_invoice(&token).await?;
    Ok(pdf(bytes, "invoice.pdf"))
}

pub async fn billing_profiles(
    State(state): State<AppState>,
    me: CurrentAccount,
) -> Result<Json<serde_json::Value>, ApiError> {
    Ok(Json(
        serde_json::json!({"items": state.orders.billing_profiles(&me.grant).await?}),
    ))
}

pub async fn add_billing_profile(
    State(state): State<AppState>,
    me: CurrentAccount,
    ApiJson(req): ApiJson<NewBillingProfile>,
) -> Result<(StatusCode, Json<BillingProfile>), ApiError> {
    let profile = state
        .orders
        .put_billing_profile(&me.grant, None, &req)
        .await?;
    Ok((StatusCode::CREATED, Json(profile)))
}

pub async fn update_billing_profile(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<NewBillingProfile>,
) -> Result<Json<BillingProfile>, ApiError> {
    Ok(Json(
        state
            .orders
            .put_billing_profile(&me.grant, Some(&id), &req)
            .await?,
    ))
}

pub async fn delete_billing_profile(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.orders.delete_billing_profile(&me.grant, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn payer_accounts(
    State(state): State<AppState>,
    me: CurrentAccount,
) -> Result<Json<serde_json::Value>, ApiError> {
    Ok(Json(
        serde_json::json!({"items": state.orders.payer_accounts(&me.grant).await?}),
    ))
}

pub async fn add_payer_account(
    State(state): State<AppState>,
    me: CurrentAccount,
    ApiJson(req): ApiJson<NewPayerAccount>,
) -> Result<(StatusCode, Json<PayerAccount>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(state.orders.add_payer_account(&me.grant, &req).await?),
    ))
}

pub async fn delete_payer_account(
    State(state): State<AppState>,
    me: CurrentAccount,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.orders.delete_payer_account(&me.grant, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
