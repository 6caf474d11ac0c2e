//! The console's page of bank transfers waiting for an operator (未匹配, 挂起, 待核对, 多付):
//! count one toward an order, or record that the money (or the surplus) went back.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use serde::Deserialize;

use super::pages::t;
use super::render::{self, LOCALE};
use super::{Reviewer, internal};
use crate::billing::{OrderError, Resolution};
use crate::http::AppState;
use crate::i18n::message;
use mcert_core::wire::yuan;

async fn page(
    state: &AppState,
    reviewer: &Reviewer,
    status: StatusCode,
    notice: Option<String>,
) -> Response {
    let open = match state.orders.open_transfers(&reviewer.grant).await {
        Ok(open) => open,
        Err(e) => return internal(e),
    };
    let items: Vec<Value> = open
        .iter()
        .map(|x| {
            context! {
                id => x.id.clone(), bank_ref => x.bank_ref.clone(), account_no => x.account_no.clone(),
                amount => yuan(x.amount_fen), currency => x.currency.clone(),
                payer => x.payer_name.clone().unwrap_or_default(), booked_on => x.booked_on.clone(),
                order_id => x.order_id.clone().unwrap_or_default(),
                outcome => x.outcome.clone(),
                outcome_label => t(&format!("console-transfer-{}", x.outcome)),
                surplus => (x.surplus_fen > 0).then(|| yuan(x.surplus_fen)),
                reason => x.reason.as_deref().map(|r| t(&format!("console-transfer-reason-{r}"))).unwrap_or_default(),
            }
        })
        .collect();
    render::page(
        status,
        "transfers.html",
        context! {
            reviewer => reviewer.context(), csrf => reviewer.csrf.clone(),
            items => items, notice => notice,
        },
    )
}

pub async fn list(State(state): State<AppState>, reviewer: Reviewer) -> Response {
    page(&state, &reviewer, StatusCode::OK, None).await
}

#[derive(Deserialize)]
pub struct ResolveForm {
    csrf: String,
    /// `apply` or `refunded`.
    action: String,
    #[serde(default)]
    order_id: String,
}

pub async fn resolve(
    State(state): State<AppState>,
    reviewer: Reviewer,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<ResolveForm>,
) -> Response {
    if let Some(refused) = reviewer.check_post(&state, &headers, &form.csrf) {
        return refused;
    }
    let order_id = form.order_id.trim();
    let resolution = match form.action.as_str() {
        "apply" if !order_id.is_empty() && order_id.len() <= 64 => Resolution::Apply {
            order_id: order_id.to_string(),
        },
        "refunded" => Resolution::Refunded,
        _ => {
            let text = t("console-transfer-bad-form");
            return page(
                &state,
                &reviewer,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(text),
            )
            .await;
        }
    };
    match state
        .orders
        .resolve_transfer(&reviewer.grant, &id, &resolution)
        .await
    {
        Ok(_) => Redirect::to("/console/transfers").into_response(),
        Err(e) => {
            let detail = match &e {
                OrderError::UnknownTransfer => t("err-unknown-transfer"),
                OrderError::UnknownOrder => t("err-unknown-order"),
                OrderError::TransferNotApplicable => t("err-transfer-not-applicable"),
                OrderError::NotPayable(status) => {
                    let label = crate::billing::OrderStatus::parse(status)
                        .map(|s| t(s.message_id()))
                        .unwrap_or_else(|| status.clone());
                    message(LOCALE, "err-not-payable", &[("status", label.into())])
                }
                _ => return internal(e),
            };
            let text = message(
                LOCALE,
                "console-transfer-refused",
                &[("detail", detail.into())],
            );
            page(&state, &reviewer, StatusCode::CONFLICT, Some(text)).await
        }
    }
}
