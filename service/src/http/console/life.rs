//! The console's pages of a certificate's life: the revoked certificates (挂失, 补办, 延期,
//! moves, operator revocations), searchable by serial, and the judicial recoveries of escrowed
//! keys (who asked, who approved, for which case and recipient). Both are read-only: a
//! revocation is made by its holder in the app or by the operator (`mcert ca revoke`), and a
//! recovery only from the command line with two reviewers (`mcert keys recover`).

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::{Value, context};
use serde::Deserialize;

use super::pages::t;
use super::render;
use super::{Reviewer, internal};
use crate::http::AppState;
use mcert_core::clock::{from_unix_millis, rfc3339};

/// At most this many rows on a page.
const ROWS: i64 = 200;

fn when(ms: Option<i64>) -> String {
    ms.map(|ms| {
        rfc3339(from_unix_millis(ms))
            .replace('T', " ")
            .replace('Z', "")
    })
    .unwrap_or_default()
}

#[derive(Debug, Deserialize)]
pub struct Search {
    #[serde(default)]
    serial: String,
}

/// `GET /console/certificates?serial=…`: the newest revocations, or those of a serial.
pub async fn revocations(
    State(state): State<AppState>,
    reviewer: Reviewer,
    Query(search): Query<Search>,
) -> Response {
    let wanted = search.serial.trim().to_ascii_uppercase();
    let (prefix, notice) = if wanted.is_empty() {
        (None, None)
    } else if wanted.len() <= 40 && wanted.bytes().all(|b| b.is_ascii_hexdigit()) {
        (Some(wanted.as_str()), None)
    } else {
        (None, Some(t("console-revocations-bad-serial")))
    };
    let rows = match crate::ca::repo::revocations(state.store.pool(), prefix, ROWS).await {
        Ok(rows) => rows,
        Err(e) => return internal(e),
    };
    let items: Vec<Value> = rows
        .iter()
        .map(|r| {
            let reason = r.revocation_reason.clone().unwrap_or_default();
            context! {
                serial => r.serial.clone(), subject => r.subject.clone(),
                kind => t(&format!("console-profile-{}", r.profile)),
                algorithm => r.algorithm.clone(),
                reason => reason.clone(),
                reason_label => t(&format!("console-reason-{reason}")),
                revoked_at => when(r.revoked_at),
                actor => r.actor.clone().unwrap_or_default(),
            }
        })
        .collect();
    render::page(
        if notice.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        "revocations.html",
        context! {
            reviewer => reviewer.context(), csrf => reviewer.csrf.clone(), items => items,
            serial => search.serial.trim(),
            notice => notice,
        },
    )
}

/// `GET /console/key-recoveries`: every judicial recovery of an escrowed key.
pub async fn recoveries(State(state): State<AppState>, reviewer: Reviewer) -> Response {
    let rows = match crate::keys::repo::recoveries(state.store.pool(), ROWS).await {
        Ok(rows) => rows,
        Err(e) => return internal(e),
    };
    let items: Vec<Value> = rows
        .iter()
        .map(|r| {
            context! {
                id => r.id.clone(), at => when(Some(r.created_at)),
                case => r.case_reference.clone(), serial => r.encryption_serial.clone(),
                operator => r.operator.clone(),
                approvers => format!("{}、{}", r.first_approver, r.second_approver),
                recipient => format!("{}（{}）", r.recipient_subject, r.recipient_serial),
            }
        })
        .collect();
    render::page(
        StatusCode::OK,
        "recoveries.html",
        context! { reviewer => reviewer.context(), csrf => reviewer.csrf.clone(), items => items },
    )
}
