//! The reviewer console (审核台) under `/console/…`: server-rendered pages whose plain forms
//! work without JavaScript. Handlers identify the reviewer from the session cookie, take the
//! grant from the policy and call the review and reviewer domains; the rules live there.
//!
//! - The session cookie is HttpOnly, SameSite=Strict, Path=/console, and Secure unless the
//!   service runs in development mode. A request without a live session is sent to the login
//!   page.
//! - Every POST carries the session's CSRF token in a hidden field (the login form carries a
//!   pre-session's) and must come from this origin (`Origin`, else `Referer`).
//! - Every response carries a strict CSP, `X-Frame-Options: DENY`, `nosniff` and `no-store`;
//!   only the materials may be framed, by the console's own pages.

mod life;
pub mod pages;
pub mod render;
mod transfers;

use axum::Router;
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use minijinja::context;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use zeroize::Zeroizing;

use super::{AppState, MAX_BODY, REQUEST_TIMEOUT};
use crate::authz::{ReviewerGrant, policy};
use crate::i18n::message;
use crate::reviewers::{ConsoleSession, ReviewerError};
use render::LOCALE;

/// The session cookie.
pub const SESSION_COOKIE: &str = "mcert_console";
/// The login page's pre-session cookie (its CSRF token is a MAC of it).
pub const LOGIN_COOKIE: &str = "mcert_console_login";
/// The CSP of every console page.
pub const CSP: &str =
    "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; object-src 'self'";
/// The CSP of a material: the same, except that the console's own pages may frame it.
pub const MATERIAL_CSP: &str =
    "default-src 'self'; img-src 'self' data:; frame-ancestors 'self'; object-src 'self'";

/// How the console sets its cookies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConsoleConfig {
    /// `Secure` cookies (off only in development mode, which serves plain HTTP).
    pub secure_cookies: bool,
}

impl Default for ConsoleConfig {
    fn default() -> Self {
        ConsoleConfig {
            secure_cookies: true,
        }
    }
}

/// The console's routes, with their own layers (their refusals are pages, not JSON).
pub fn router(state: AppState) -> Router {
    let metrics = state.metrics.clone();
    Router::new()
        .route("/console", get(pages::home))
        .route("/console/", get(pages::home))
        .route("/console/static/console.css", get(pages::style))
        .route("/console/login", get(pages::login_page).post(pages::login))
        .route("/console/logout", post(pages::logout))
        .route("/console/queue", get(pages::queue))
        .route("/console/reviews/{id}", get(pages::item))
        .route("/console/reviews/{id}/approve", post(pages::approve))
        .route("/console/reviews/{id}/reject", post(pages::reject))
        .route("/console/transfers", get(transfers::list))
        .route("/console/transfers/{id}/resolve", post(transfers::resolve))
        .route("/console/certificates", get(life::revocations))
        .route("/console/key-recoveries", get(life::recoveries))
        .route(
            "/console/reviews/{id}/materials/{upload_id}",
            get(pages::material),
        )
        .route(
            "/console/{*rest}",
            get(pages::not_found).post(pages::not_found),
        )
        .with_state(state)
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn_with_state(metrics, super::track))
        .layer(RequestBodyLimitLayer::new(MAX_BODY))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(TraceLayer::new_for_http())
}

/// The headers every console response carries (a material's CSP and framing are its own).
async fn security_headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}

/// A cookie of the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<Zeroizing<String>> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| Zeroizing::new(v.to_string()))
}

/// A `Set-Cookie` value for the console's path; `max_age` 0 removes the cookie.
pub fn set_cookie(config: ConsoleConfig, name: &str, value: &str, max_age: u64) -> HeaderValue {
    let secure = if config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let text = format!(
        "{name}={value}; Path=/console; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    );
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The host part (`host[:port]`) of an absolute URL.
fn authority_of(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    Some(rest.split(['/', '?', '#']).next().unwrap_or(rest))
}

/// Whether a POST comes from a page of this origin: its `Origin` (or, without one, its
/// `Referer`) names the host the request was sent to.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    match source.and_then(authority_of) {
        Some(authority) => authority.eq_ignore_ascii_case(host),
        None => false,
    }
}

/// A console page answering with a message (refusals, errors).
pub fn message_page(
    status: StatusCode,
    title_id: &str,
    text: &str,
    reviewer: Option<&Reviewer>,
) -> Response {
    render::page(
        status,
        "message.html",
        context! {
            title => message(LOCALE, title_id, &[]),
            text => text,
            reviewer => reviewer.map(|r| context! {
                display_name => r.session.reviewer.display_name.clone(),
                username => r.session.reviewer.username.clone(),
            }),
            csrf => reviewer.map(|r| r.csrf.clone()).unwrap_or_default(),
            back => "/console/queue",
        },
    )
}

/// 403: a form without the right CSRF token, or from elsewhere.
pub fn forbidden(reviewer: Option<&Reviewer>) -> Response {
    message_page(
        StatusCode::FORBIDDEN,
        "console-error-forbidden-title",
        &message(LOCALE, "console-error-forbidden", &[]),
        reviewer,
    )
}

fn to_login() -> Response {
    Redirect::to("/console/login").into_response()
}

/// The reviewer of the request's live console session, with their grant.
pub struct Reviewer {
    pub session: ConsoleSession,
    pub grant: ReviewerGrant,
    pub token: Zeroizing<String>,
    /// The session's CSRF token, for the forms of the page.
    pub csrf: String,
}

impl std::fmt::Debug for Reviewer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reviewer")
            .field("session", &self.session)
            .field("token", &"[redacted]")
            .finish_non_exhaustive()
    }
}

/// The CSRF purpose of a console session's forms.
pub const SESSION_PURPOSE: &str = "session";

impl Reviewer {
    /// Refuses a POST that is not from this origin or lacks the session's CSRF token.
    pub fn check_post(
        &self,
        state: &AppState,
        headers: &HeaderMap,
        csrf: &str,
    ) -> Option<Response> {
        let ok = same_origin(headers)
            && state
                .reviewers
                .csrf_matches(SESSION_PURPOSE, &self.token, csrf);
        (!ok).then(|| forbidden(Some(self)))
    }

    /// The reviewer for the page templates.
    pub fn context(&self) -> minijinja::Value {
        context! {
            display_name => self.session.reviewer.display_name.clone(),
            username => self.session.reviewer.username.clone(),
        }
    }
}

impl FromRequestParts<AppState> for Reviewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(to_login());
        };
        let session = match state.reviewers.authenticate(&token).await {
            Ok(s) => s,
            Err(ReviewerError::Unauthorized) => {
                let mut r = to_login();
                let gone = set_cookie(state.console, SESSION_COOKIE, "", 0);
                r.headers_mut().append(header::SET_COOKIE, gone);
                return Err(r);
            }
            Err(e) => return Err(internal(e)),
        };
        let grant = policy::reviewer(&session.actor()).map_err(|_| to_login())?;
        let csrf = state.reviewers.csrf_token(SESSION_PURPOSE, &token);
        Ok(Reviewer {
            session,
            grant,
            token,
            csrf,
        })
    }
}

/// 500, logged.
pub fn internal(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "console: internal error");
    message_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "console-error-internal-title",
        &message(LOCALE, "console-error-internal", &[]),
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_compared_by_host() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8080"));
        assert!(!same_origin(&h), "neither Origin nor Referer");
        h.insert(
            header::REFERER,
            HeaderValue::from_static("http://127.0.0.1:8080/console/queue"),
        );
        assert!(same_origin(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://evil.example"),
        );
        assert!(!same_origin(&h), "Origin wins over Referer");
        h.insert(header::ORIGIN, HeaderValue::from_static("null"));
        assert!(!same_origin(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://127.0.0.1:8080"),
        );
        assert!(same_origin(&h));
    }

    #[test]
    fn cookies_are_found_by_name() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; mcert_console=abc; mcert_console_login=def"),
        );
        assert_eq!(
            cookie(&h, SESSION_COOKIE).as_deref().map(|s| s.as_str()),
            Some("abc")
        );
        assert_eq!(
            cookie(&h, LOGIN_COOKIE).as_deref().map(|s| s.as_str()),
            Some("def")
        );
        assert!(cookie(&h, "b").is_none());
        let c = set_cookie(ConsoleConfig::default(), SESSION_COOKIE, "x", 60);
        assert_eq!(
            c.to_str().expect("ascii"),
            "mcert_console=x; Path=/console; HttpOnly; SameSite=Strict; Max-Age=60; Secure"
        );
    }
}
