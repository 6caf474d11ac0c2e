//! The console's handlers: login and logout, the queue with its history tabs, an item with its
//! materials, and the decisions.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::Value;
use minijinja::context;
use serde::Deserialize;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::render::{self, LOCALE, beijing};
use super::{
    LOGIN_COOKIE, MATERIAL_CSP, Reviewer, SESSION_COOKIE, cookie, forbidden, internal,
    message_page, same_origin, set_cookie,
};
use crate::http::AppState;
use crate::i18n::message;
use crate::review::{Decision, PRESET_REASONS, ReviewError, ReviewItem, ReviewStatus};
use crate::reviewers::{LOCKOUT, ReviewerError, SESSION_TTL};

/// The CSRF purpose of the login form (its token is a MAC of the pre-session cookie).
const LOGIN_PURPOSE: &str = "login";
/// How long a login form stays usable.
const LOGIN_FORM_SECS: u64 = 30 * 60;
/// Content types shown inline; anything else is offered as a download.
const INLINE_TYPES: &[&str] = &[
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
];

pub(super) fn t(id: &str) -> String {
    message(LOCALE, id, &[])
}

/// A Fluent label, or `fallback` when the files lack `id`.
fn label_or(id: &str, fallback: &str) -> String {
    let text = t(id);
    if text == id {
        fallback.to_string()
    } else {
        text
    }
}

pub async fn home() -> Redirect {
    Redirect::to("/console/queue")
}

pub async fn style() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        render::STYLE,
    )
        .into_response()
}

pub async fn not_found() -> Response {
    message_page(
        StatusCode::NOT_FOUND,
        "console-error-not-found-title",
        &t("console-error-not-found"),
        None,
    )
}

fn login_form(status: StatusCode, csrf: &str, username: &str, error: Option<String>) -> Response {
    render::page(
        status,
        "login.html",
        context! { csrf => csrf, username => username, error => error, reviewer => Value::from(()) },
    )
}

/// The login page; a reviewer with a live session goes on to the queue.
pub async fn login_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = cookie(&headers, SESSION_COOKIE)
        && state.reviewers.authenticate(&token).await.is_ok()
    {
        return Redirect::to("/console/queue").into_response();
    }
    let mut raw = Zeroizing::new([0u8; 32]);
    if getrandom::fill(raw.as_mut()).is_err() {
        return internal("random number generator failed");
    }
    let pre = Zeroizing::new(hex::encode(&raw[..]));
    let csrf = state.reviewers.csrf_token(LOGIN_PURPOSE, &pre);
    let mut response = login_form(StatusCode::OK, &csrf, "", None);
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(state.console, LOGIN_COOKIE, &pre, LOGIN_FORM_SECS),
    );
    response
}

#[derive(Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

impl std::fmt::Debug for LoginForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginForm")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

pub async fn login(
    State(state): State<AppState>,
    ip: crate::http::client_ip::ClientIp,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let Some(pre) = cookie(&headers, LOGIN_COOKIE) else {
        return forbidden(None);
    };
    if !same_origin(&headers)
        || !state
            .reviewers
            .csrf_matches(LOGIN_PURPOSE, &pre, &form.csrf)
    {
        return forbidden(None);
    }
    let username = form.username.trim();
    let attempt = match state.reviewers.count_address_attempt(&ip.to_string()).await {
        Ok(()) => {
            state
                .reviewers
                .login(username, &form.password, form.code.trim())
                .await
        }
        Err(e) => Err(e),
    };
    match attempt {
        Ok(login) => {
            let mut response = Redirect::to("/console/queue").into_response();
            let h = response.headers_mut();
            h.append(
                header::SET_COOKIE,
                set_cookie(
                    state.console,
                    SESSION_COOKIE,
                    &login.token,
                    SESSION_TTL.as_secs(),
                ),
            );
            h.append(
                header::SET_COOKIE,
                set_cookie(state.console, LOGIN_COOKIE, "", 0),
            );
            response
        }
        Err(ReviewerError::BadCredentials) => login_form(
            StatusCode::UNAUTHORIZED,
            &form.csrf,
            username,
            Some(t("console-login-failed")),
        ),
        Err(ReviewerError::Locked(secs)) => {
            let minutes = secs.div_ceil(60).max(1);
            let text = message(
                LOCALE,
                "console-login-locked",
                &[("minutes", minutes.into())],
            );
            let mut r = login_form(
                StatusCode::TOO_MANY_REQUESTS,
                &form.csrf,
                username,
                Some(text),
            );
            if let Ok(v) = HeaderValue::from_str(&secs.min(LOCKOUT.as_secs()).to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            r
        }
        Err(e) => internal(e),
    }
}

/// A form that carries only the CSRF token.
#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    reviewer: Reviewer,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Some(refused) = reviewer.check_post(&state, &headers, &form.csrf) {
        return refused;
    }
    if let Err(e) = state.reviewers.logout(&reviewer.token).await {
        return internal(e);
    }
    let mut response = Redirect::to("/console/login").into_response();
    response.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(state.console, SESSION_COOKIE, "", 0),
    );
    response
}

/// What the console shows of an item.
fn item_context(item: &ReviewItem, names: &HashMap<String, String>) -> Value {
    let name = |who: &str| names.get(who).cloned().unwrap_or_else(|| who.to_string());
    let facts: Vec<Value> = item
        .facts
        .iter()
        .map(|(label, value)| context! { label => label_or(label, label), value => value })
        .collect();
    let materials: Vec<Value> = item
        .materials
        .iter()
        .map(|m| {
            let kind = if m.content_type.starts_with("image/") {
                "image"
            } else if m.content_type == "application/pdf" {
                "pdf"
            } else {
                "other"
            };
            context! {
                upload_id => m.upload_id.clone(),
                content_type => m.content_type.clone(),
                purpose => label_or(&format!("console-purpose-{}", m.purpose), &m.purpose),
                size => format!("{:.1} KB", m.size as f64 / 1024.0),
                kind => kind,
                url => format!("/console/reviews/{}/materials/{}", item.id, m.upload_id),
            }
        })
        .collect();
    context! {
        id => item.id.clone(),
        kind => t(item.kind.message_id()),
        status => item.status.as_str(),
        status_label => t(item.status.message_id()),
        round => item.round,
        summary => item.facts.first().map(|(_, v)| v.clone()).unwrap_or_else(|| item.subject_id.clone()),
        facts => facts,
        materials => materials,
        submitted_by => name(&item.submitted_by),
        submitted_at => beijing(item.submitted_at),
        decided_by => item.decided_by.as_deref().map(name).unwrap_or_default(),
        decided_at => item.decided_at.map(beijing).unwrap_or_default(),
        reason => item.reason.clone().unwrap_or_default(),
    }
}

#[derive(Debug, Deserialize)]
pub struct QueueQuery {
    status: Option<String>,
}

pub async fn queue(
    State(state): State<AppState>,
    reviewer: Reviewer,
    Query(q): Query<QueueQuery>,
) -> Response {
    let status = q
        .status
        .as_deref()
        .and_then(ReviewStatus::parse)
        .unwrap_or(ReviewStatus::Pending);
    let mut items = match state.reviews.queue(&reviewer.grant, Some(status)).await {
        Ok(items) => items,
        Err(e) => return internal(e),
    };
    if status == ReviewStatus::Pending {
        items.sort_by_key(|i| i.submitted_at);
    } else {
        items.sort_by_key(|i| std::cmp::Reverse(i.decided_at.unwrap_or(i.submitted_at)));
    }
    let names = match state.reviewers.display_names(&reviewer.grant).await {
        Ok(n) => n,
        Err(e) => return internal(e),
    };
    let tabs: Vec<Value> = [
        (ReviewStatus::Pending, "console-tab-pending"),
        (ReviewStatus::Approved, "console-tab-approved"),
        (ReviewStatus::Rejected, "console-tab-rejected"),
    ]
    .into_iter()
    .map(|(s, label)| context! { status => s.as_str(), label => t(label), active => s == status })
    .collect();
    let items: Vec<Value> = items.iter().map(|i| item_context(i, &names)).collect();
    render::page(
        StatusCode::OK,
        "queue.html",
        context! {
            reviewer => reviewer.context(), csrf => reviewer.csrf.clone(),
            status => status.as_str(), tabs => tabs, items => items,
        },
    )
}

/// The item page, with a notice above it when a decision was refused.
async fn item_page(
    state: &AppState,
    reviewer: &Reviewer,
    id: &str,
    status: StatusCode,
    notice: Option<String>,
) -> Response {
    let item = match state.reviews.item(&reviewer.grant, id).await {
        Ok(item) => item,
        Err(e) => return review_error(reviewer, e),
    };
    let names = match state.reviewers.display_names(&reviewer.grant).await {
        Ok(n) => n,
        Err(e) => return internal(e),
    };
    let reasons: Vec<Value> = PRESET_REASONS
        .iter()
        .map(|id| context! { id => *id, text => t(id) })
        .collect();
    render::page(
        status,
        "item.html",
        context! {
            reviewer => reviewer.context(), csrf => reviewer.csrf.clone(),
            item => item_context(&item, &names), reasons => reasons, notice => notice,
        },
    )
}

fn review_error(reviewer: &Reviewer, e: ReviewError) -> Response {
    match e {
        ReviewError::UnknownReview | ReviewError::UnknownMaterial => message_page(
            StatusCode::NOT_FOUND,
            "console-error-not-found-title",
            &t("console-error-not-found"),
            Some(reviewer),
        ),
        other => internal(other),
    }
}

pub async fn item(
    State(state): State<AppState>,
    reviewer: Reviewer,
    Path(id): Path<String>,
) -> Response {
    item_page(&state, &reviewer, &id, StatusCode::OK, None).await
}

/// A material, inline, for the item page's `<img>` and `<iframe>`.
pub async fn material(
    State(state): State<AppState>,
    reviewer: Reviewer,
    Path((id, upload_id)): Path<(String, String)>,
) -> Response {
    let (content_type, body) = match state
        .reviews
        .material(&reviewer.grant, &id, &upload_id)
        .await
    {
        Ok(m) => m,
        Err(e) => return review_error(&reviewer, e),
    };
    let inline = INLINE_TYPES.contains(&content_type.as_str());
    let (content_type, disposition) = if inline {
        (content_type.as_str(), "inline")
    } else {
        ("application/octet-stream", "attachment")
    };
    let mut response = body.into_response();
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static(disposition),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(MATERIAL_CSP),
    );
    h.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    response
}

/// Decides and shows the item again (303 after success, so a reload does not post twice).
async fn decide(state: &AppState, reviewer: &Reviewer, id: &str, decision: Decision) -> Response {
    match state.reviews.decide(&reviewer.grant, id, decision).await {
        Ok(_) => Redirect::to(&format!("/console/reviews/{id}")).into_response(),
        Err(ReviewError::AlreadyDecided(status)) => {
            let shown = ReviewStatus::parse(&status)
                .map(|s| t(s.message_id()))
                .unwrap_or(status);
            let text = message(
                LOCALE,
                "console-error-already-decided",
                &[("status", shown.into())],
            );
            item_page(state, reviewer, id, StatusCode::CONFLICT, Some(text)).await
        }
        Err(ReviewError::BadReason) => {
            let text = t("console-error-bad-reason");
            item_page(
                state,
                reviewer,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(text),
            )
            .await
        }
        Err(ReviewError::Apply(detail)) => {
            let text = message(LOCALE, "console-error-apply", &[("detail", detail.into())]);
            item_page(state, reviewer, id, StatusCode::CONFLICT, Some(text)).await
        }
        Err(e) => review_error(reviewer, e),
    }
}

pub async fn approve(
    State(state): State<AppState>,
    reviewer: Reviewer,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Some(refused) = reviewer.check_post(&state, &headers, &form.csrf) {
        return refused;
    }
    decide(&state, &reviewer, &id, Decision::Approve).await
}

#[derive(Debug, Deserialize)]
pub struct RejectForm {
    #[serde(default)]
    csrf: String,
    /// One of the preset reasons' ids, or empty.
    #[serde(default)]
    preset: String,
    /// Free text (alone, or added to the preset).
    #[serde(default)]
    text: String,
}

/// The reason stored: the preset's zh-CN text, the free text, or both.
fn reason_of(form: &RejectForm) -> Option<String> {
    let text = form.text.trim();
    let preset = form.preset.trim();
    if preset.is_empty() {
        return Some(text.to_string());
    }
    if !PRESET_REASONS.contains(&preset) {
        return None;
    }
    let preset_text = t(preset);
    Some(if text.is_empty() {
        preset_text
    } else {
        format!("{preset_text}：{text}")
    })
}

pub async fn reject(
    State(state): State<AppState>,
    reviewer: Reviewer,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<RejectForm>,
) -> Response {
    if let Some(refused) = reviewer.check_post(&state, &headers, &form.csrf) {
        return refused;
    }
    match reason_of(&form) {
        Some(reason) => decide(&state, &reviewer, &id, Decision::Reject { reason }).await,
        None => {
            let text = t("console-error-bad-reason");
            item_page(
                &state,
                &reviewer,
                &id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(text),
            )
            .await
        }
    }
}
