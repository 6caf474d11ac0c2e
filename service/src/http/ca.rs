//! The CA's public endpoints: root and issuing certificates, the stored CRLs (with `ETag`,
//! `Last-Modified`, `Cache-Control` and `304 Not Modified`), and OCSP by POST and by GET
//! (RFC 6960 Appendix A.1).

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use mcert_core::crypto::{Algorithm, x509};

use super::AppState;
use super::error::ApiError;
use crate::ca::Hierarchy;
use crate::ca::repo::CrlRow;

/// Longest a cache may keep a CRL: a revocation issues a new one at once, so caches must come
/// back soon even though the CRL itself is valid for longer.
pub const CRL_MAX_AGE_SECS: i64 = 300;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/ca/{alg}/root.cer", get(root_certificate))
        .route("/v1/ca/{alg}/issuing.cer", get(issuing_certificate))
        .route("/v1/ca/{alg}/crl", get(crl))
        .route("/v1/ca/{alg}/root.crl", get(root_crl))
        .route("/v1/ocsp", post(ocsp_post))
        .route("/v1/ocsp/{*request}", get(ocsp_get))
}

fn algorithm(name: &str) -> Result<Algorithm, ApiError> {
    Algorithm::parse(name).map_err(|_| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_algorithm",
            "err-bad-algorithm",
            &[("alg", name.to_string().into())],
        )
    })
}

fn der_response(content_type: &'static str, der: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, content_type)], der).into_response()
}

/// A CA certificate of the hierarchy named by `alg`, picked by `which`.
fn ca_certificate(
    state: &AppState,
    alg: &str,
    which: fn(&Hierarchy) -> &x509_cert::Certificate,
) -> Result<Response, ApiError> {
    let h = state.authority.hierarchy(algorithm(alg)?)?;
    Ok(der_response(
        "application/pkix-cert",
        x509::to_der(which(h)).map_err(ApiError::internal)?,
    ))
}

async fn root_certificate(
    State(state): State<AppState>,
    Path(alg): Path<String>,
) -> Result<Response, ApiError> {
    ca_certificate(&state, &alg, |h| &h.root)
}

async fn issuing_certificate(
    State(state): State<AppState>,
    Path(alg): Path<String>,
) -> Result<Response, ApiError> {
    ca_certificate(&state, &alg, |h| &h.issuing)
}

async fn crl(
    State(state): State<AppState>,
    Path(alg): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let alg = algorithm(&alg)?;
    let row = state.authority.crl(alg).await?;
    Ok(crl_response(&headers, alg, "crl", row))
}

async fn root_crl(
    State(state): State<AppState>,
    Path(alg): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let alg = algorithm(&alg)?;
    let row = state.authority.root_crl(alg).await?;
    Ok(crl_response(&headers, alg, "root", row))
}

/// The stored CRL with its validators; `304` when the client already has this one.
fn crl_response(headers: &HeaderMap, alg: Algorithm, kind: &str, row: CrlRow) -> Response {
    let etag = format!("\"{}-{kind}-{}\"", alg.as_str(), row.number);
    let now_ms = mcert_core::clock::unix_millis(std::time::SystemTime::now());
    let max_age = ((row.next_update - now_ms) / 1000).clamp(0, CRL_MAX_AGE_SECS);
    let mut out = HeaderMap::new();
    let mut put = |name: header::HeaderName, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            out.insert(name, v);
        }
    };
    put(header::ETAG, etag.clone());
    put(header::LAST_MODIFIED, http_date(row.this_update / 1000));
    put(header::EXPIRES, http_date(row.next_update / 1000));
    put(
        header::CACHE_CONTROL,
        format!("public, max-age={max_age}, no-transform"),
    );
    let matches = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == etag || t == "*");
    if matches {
        return (StatusCode::NOT_MODIFIED, out).into_response();
    }
    put(header::CONTENT_TYPE, "application/pkix-crl".into());
    (out, row.der).into_response()
}

/// An IMF-fixdate (RFC 9110 §5.6.7) for seconds since 1970.
pub fn http_date(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let weekday = WEEKDAYS[days.rem_euclid(7) as usize];
    let month_name = MONTHS[(month - 1).clamp(0, 11) as usize];
    format!(
        "{weekday}, {day:02} {month_name} {year} {:02}:{:02}:{:02} GMT",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

async fn ocsp_post(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !content_type.starts_with("application/ocsp-request") {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "err-unsupported-media-type",
            &[("expected", "application/ocsp-request".into())],
        ));
    }
    let der = state.authority.ocsp(&body).await?;
    Ok(der_response("application/ocsp-response", der))
}

/// RFC 6960 Appendix A.1: GET with the base64 request in the path.
async fn ocsp_get(
    State(state): State<AppState>,
    Path(request): Path<String>,
) -> Result<Response, ApiError> {
    use base64ct::Encoding;
    let der = base64ct::Base64::decode_vec(request.trim_matches('/'))
        .map_err(|_| ApiError::bad_request("OCSP request is not base64"))?;
    let der = state.authority.ocsp(&der).await?;
    Ok(der_response("application/ocsp-response", der))
}

#[cfg(test)]
mod tests {
    #[test]
    fn http_dates() {
        assert_eq!(super::http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(
            super::http_date(784_111_777),
            "Sun, 06 Nov 1994 08:49:37 GMT"
        );
        assert_eq!(
            super::http_date(1_709_210_096),
            "Thu, 29 Feb 2024 12:34:56 GMT"
        );
    }
}
