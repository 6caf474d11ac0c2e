//! Every refusal speaks `{code, message}`: refusals made by the framework or a layer (a wrong
//! method, a body over the limit, a query that does not parse, a timeout, a URI over the
//! limit) are rewritten here into the API's JSON errors with stable codes.

use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;

/// Longest request target accepted (path and query).
pub const MAX_URI: usize = 8 * 1024;

/// The JSON error for a framework refusal of `status`.
fn refusal(status: StatusCode, detail: &str) -> ApiError {
    match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            ApiError::new(status, "method_not_allowed", "err-method-not-allowed", &[])
        }
        StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::new(status, "payload_too_large", "err-payload-too-large", &[])
        }
        StatusCode::URI_TOO_LONG => ApiError::new(status, "uri_too_long", "err-uri-too-long", &[]),
        StatusCode::REQUEST_TIMEOUT => {
            ApiError::new(status, "request_timeout", "err-request-timeout", &[])
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::new(
            status,
            "unsupported_media_type",
            "err-unsupported-media-type",
            &[("expected", "application/json".into())],
        ),
        StatusCode::NOT_FOUND => ApiError::not_found(),
        StatusCode::BAD_REQUEST => ApiError::bad_request(detail),
        _ => ApiError::new(
            status,
            "refused",
            "err-bad-request",
            &[("detail", detail.into())],
        ),
    }
}

fn is_json(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// The middleware.
pub async fn json_refusals(req: Request, next: Next) -> Response {
    let target_len = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if target_len > MAX_URI {
        return refusal(StatusCode::URI_TOO_LONG, "").into_response();
    }
    let response = next.run(req).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) || is_json(&response) {
        return response;
    }
    // Keep what the framework said as the detail of a 400 (it names the bad parameter).
    let retry_after = response.headers().get(header::RETRY_AFTER).cloned();
    let detail = if status == StatusCode::BAD_REQUEST {
        let body = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .unwrap_or_default();
        String::from_utf8_lossy(&body).into_owned()
    } else {
        String::new()
    };
    let mut rewritten = refusal(status, &detail).into_response();
    if let Some(v) = retry_after {
        rewritten.headers_mut().insert(header::RETRY_AFTER, v);
    }
    rewritten
}
