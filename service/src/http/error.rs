//! API errors: the HTTP status, a stable `code` for programs and a zh-CN `message` for people,
//! rendered as `{"code": …, "message": …}`.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mcert_core::i18n::Locale;

use crate::ca::AuthorityError;
use crate::i18n::{FluentValue, message};

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Seconds for a `Retry-After` header (rate limits, locks).
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        message_id: &str,
        args: &[(&str, FluentValue<'_>)],
    ) -> Self {
        ApiError {
            status,
            code,
            message: message(Locale::ZhCn, message_id, args),
            retry_after: None,
        }
    }

    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "err-unauthorized",
            &[],
        )
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "err-not-found", &[])
    }

    pub fn bad_request(detail: impl ToString) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "err-bad-request",
            &[("detail", detail.to_string().into())],
        )
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        tracing::error!(error = %e, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "err-internal",
            &[],
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({"code": self.code, "message": self.message});
        let mut response = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after
            && let Ok(v) = axum::http::HeaderValue::from_str(&secs.to_string())
        {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, v);
        }
        response
    }
}

impl From<AuthorityError> for ApiError {
    fn from(e: AuthorityError) -> Self {
        let code = e.code();
        match e {
            AuthorityError::BadRequest(inner) => ApiError::new(
                StatusCode::BAD_REQUEST,
                code,
                "err-ca-bad-csr",
                &[("detail", inner.to_string().into())],
            ),
            AuthorityError::UnknownCertificate(serial) => ApiError::new(
                StatusCode::NOT_FOUND,
                code,
                "err-ca-unknown-certificate",
                &[("serial", serial.into())],
            ),
            AuthorityError::AlreadyRevoked(serial) => ApiError::new(
                StatusCode::CONFLICT,
                code,
                "err-ca-already-revoked",
                &[("serial", serial.into())],
            ),
            AuthorityError::KeyCompromised(serial) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                code,
                "err-ca-key-compromised",
                &[("serial", serial.into())],
            ),
            AuthorityError::NoCa(alg) => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                code,
                "err-ca-no-ca",
                &[("alg", alg.as_str().into())],
            ),
            other => ApiError::internal(other),
        }
    }
}
