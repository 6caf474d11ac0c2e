//! The HTTP API (axum): health, Prometheus metrics, the CA's public endpoints (certificates,
//! CRL, OCSP), SMS login, accounts, identity, orders and certificates, the relying-platform
//! session API, the phone's scan endpoints and usage records. Handlers translate HTTP to calls of the domain modules and hold no rules of
//! their own.

pub mod app;
pub mod ca;
pub mod client_ip;
pub mod console;
pub mod error;
pub mod refusals;
pub mod sessions;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::accounts::Accounts;
use crate::billing::Orders;
use crate::ca::Authority;
use crate::identity::Identities;
use crate::orgs::Orgs;
use crate::outbox::Outbox;
use crate::providers::sms::DevOutbox;
use crate::review::Reviews;
use crate::reviewers::Reviewers;
use crate::sessions::Sessions;
use crate::store::Store;
use crate::uploads::Uploads;
use error::ApiError;
use zeroize::Zeroizing;

/// Largest request body accepted.
pub const MAX_BODY: usize = 64 * 1024;
/// Longest a request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// (method, route template, status).
type RequestKey = (String, String, u16);

/// Request counters for `/metrics`.
#[derive(Debug, Default)]
pub struct Metrics {
    /// Count and total seconds per request kind.
    requests: Mutex<BTreeMap<RequestKey, (u64, f64)>>,
}

impl Metrics {
    fn record(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let mut map = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        let entry = map
            .entry((method.to_string(), route.to_string(), status))
            .or_insert((0, 0.0));
        entry.0 += 1;
        entry.1 += seconds;
    }

    /// Prometheus text exposition format.
    pub fn render(&self) -> String {
        let map = self.requests.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = String::from(
            "# HELP mcert_http_requests_total HTTP requests by method, route and status.\n\
             # TYPE mcert_http_requests_total counter\n",
        );
        for ((method, route, status), (count, _)) in map.iter() {
            out.push_str(&format!(
                "mcert_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {count}\n"
            ));
        }
        out.push_str(
            "# HELP mcert_http_request_seconds_sum Time spent answering, by method and route.\n\
             # TYPE mcert_http_request_seconds_sum counter\n",
        );
        let mut sums: BTreeMap<(&str, &str), f64> = BTreeMap::new();
        for ((method, route, _), (_, secs)) in map.iter() {
            *sums.entry((method, route)).or_default() += secs;
        }
        for ((method, route), secs) in sums {
            out.push_str(&format!(
                "mcert_http_request_seconds_sum{{method=\"{method}\",route=\"{route}\"}} {secs:.6}\n"
            ));
        }
        out
    }
}

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
    pub authority: Authority,
    /// Key management: the escrowed encryption keys (no route opens them; see
    /// `keys::recovery`).
    pub keys: crate::keys::KeyManager,
    pub accounts: Accounts,
    pub identities: Identities,
    pub orders: Orders,
    pub orgs: Orgs,
    pub uploads: Uploads,
    pub reviews: Reviews,
    pub seals: crate::seals::Seals,
    pub sessions: Sessions,
    /// Reviewer accounts and console sessions.
    pub reviewers: Reviewers,
    /// How the console sets its cookies.
    pub console: console::ConsoleConfig,
    pub metrics: Arc<Metrics>,
    /// The development SMS outbox (development mode only).
    pub dev_outbox: Option<DevOutbox>,
    /// Development only: the clock `POST /v1/dev/clock` moves forward.
    pub dev_clock: Option<Arc<dyn mcert_core::clock::AdjustableClock>>,
    /// Durable side effects.
    pub outbox: Outbox,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Arc<Vec<client_ip::Cidr>>,
    /// What `/metrics` asks for; `None`: loopback clients only.
    pub metrics_token: Option<Arc<Zeroizing<String>>>,
}

/// `Json` whose rejections (wrong content type, bad JSON, unknown fields) speak our error
/// format.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        use axum::extract::rejection::JsonRejection;
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "err-unsupported-media-type",
                &[("expected", "application/json".into())],
            )),
            Err(JsonRejection::BytesRejection(_)) => Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "err-payload-too-large",
                &[],
            )),
            Err(other) => Err(ApiError::bad_request(other.body_text())),
        }
    }
}

async fn track(State(metrics): State<Arc<Metrics>>, req: Request, next: Next) -> Response {
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let started = Instant::now();
    let response = next.run(req).await;
    metrics.record(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

/// The whole API.
pub fn router(state: AppState) -> Router {
    let metrics = state.metrics.clone();
    let console = console::router(state.clone());
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .merge(ca::router())
        .merge(app::router())
        .merge(sessions::router())
        .fallback(|| async { ApiError::not_found() })
        .layer(RequestBodyLimitLayer::new(MAX_BODY))
        // Uploads of materials are the one place for larger bodies.
        .merge(app::upload_router())
        .with_state(state)
        .layer(middleware::from_fn_with_state(metrics, track))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(middleware::from_fn(refusals::json_refusals))
        .layer(TraceLayer::new_for_http())
        // After the API's layers: the console answers in HTML pages, not JSON.
        .merge(console)
}

async fn healthz(State(state): State<AppState>) -> Result<Json<serde_json::Value>, ApiError> {
    sqlx::query("SELECT 1")
        .execute(state.store.pool())
        .await
        .map_err(ApiError::internal)?;
    Ok(Json(serde_json::json!({"status": "ok"})))
}

/// The metrics are the operator's: with a configured token they need it as a bearer token,
/// without one they are served to loopback clients only (a scraper on the same host).
async fn metrics_text(
    State(state): State<AppState>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let allowed = match &state.metrics_token {
        Some(token) => headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| {
                mcert_core::crypto::hash::ct_eq(given.trim().as_bytes(), token.as_bytes())
            }),
        None => peer.ip().is_loopback(),
    };
    if !allowed {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "err-forbidden",
            &[],
        ));
    }
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response())
}
