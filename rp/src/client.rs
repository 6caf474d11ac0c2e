//! A relying platform's side of the session API, as a bidding platform's backend would write
//! it: create sessions with its API key, draw the animated QR code, long-poll the status, and
//! verify results itself against pinned CA roots. Used by `mcert rp …`, the demo platform,
//! `mcert demo`, the tests and the benchmark.

use std::time::{Duration, Instant};

use mcert_core::crypto::x509;
use mcert_core::scan::{self, Expectation, ScanError, VerifiedResult};
use mcert_core::wire::{CreatedSession, NewSession, SessionStatus, routes};
use serde::de::DeserializeOwned;
use x509_cert::Certificate;
use zeroize::Zeroizing;

#[derive(Debug, thiserror::Error)]
pub enum RpError {
    #[error("{message} [{code}, HTTP {status}]")]
    Api {
        status: u16,
        code: String,
        message: String,
    },
    #[error("cannot reach the service: {0}")]
    Network(String),
    #[error("unexpected answer from the service: {0}")]
    Decode(String),
    #[error("the session did not end within {0} s")]
    Timeout(u64),
    #[error("result does not verify: {0}")]
    Verify(#[from] ScanError),
}

/// The platform's API client.
#[derive(Clone)]
pub struct RpClient {
    http: reqwest::Client,
    base: String,
    api_key: std::sync::Arc<Zeroizing<String>>,
}

impl std::fmt::Debug for RpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RpClient")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

impl RpClient {
    pub fn new(base_url: &str, api_key: &str) -> Result<Self, RpError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(40))
            .build()
            .map_err(|e| RpError::Network(e.to_string()))?;
        Ok(RpClient {
            http,
            base: base_url.trim_end_matches('/').to_string(),
            api_key: std::sync::Arc::new(Zeroizing::new(api_key.trim().to_string())),
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// POSTs `body` as JSON with the platform's key and decodes the answer.
    pub(crate) async fn post_json<T: DeserializeOwned>(
        &self,
        path: &str,
        body: &impl serde::Serialize,
    ) -> Result<T, RpError> {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(self.api_key.as_str())
            .json(body)
            .send()
            .await
            .map_err(|e| RpError::Network(e.to_string()))?;
        Self::decode(response).await
    }

    /// A public resource's bytes (certificates, CRLs).
    pub(crate) async fn get_bytes(&self, path: &str) -> Result<Vec<u8>, RpError> {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .map_err(|e| RpError::Network(e.to_string()))?;
        Self::raw(response).await
    }

    /// POSTs raw bytes to a public endpoint (OCSP) and returns the answer's bytes.
    pub(crate) async fn post_bytes(
        &self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Result<Vec<u8>, RpError> {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await
            .map_err(|e| RpError::Network(e.to_string()))?;
        Self::raw(response).await
    }

    async fn raw(response: reqwest::Response) -> Result<Vec<u8>, RpError> {
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| RpError::Network(e.to_string()))?;
        if !status.is_success() {
            return Err(RpError::Api {
                status: status.as_u16(),
                code: "http".into(),
                message: String::from_utf8_lossy(&bytes).chars().take(200).collect(),
            });
        }
        Ok(bytes.to_vec())
    }

    async fn decode<T: DeserializeOwned>(response: reqwest::Response) -> Result<T, RpError> {
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| RpError::Network(e.to_string()))?;
        if !status.is_success() {
            let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
            return Err(RpError::Api {
                status: status.as_u16(),
                code: v["code"].as_str().unwrap_or("unknown").to_string(),
                message: v["message"].as_str().unwrap_or("").to_string(),
            });
        }
        serde_json::from_slice(&bytes).map_err(|e| RpError::Decode(e.to_string()))
    }

    /// Creates a session.
    pub async fn create(
        &self,
        req: &NewSession,
        idempotency_key: Option<&str>,
    ) -> Result<CreatedSession, RpError> {
        let mut r = self
            .http
            .post(format!("{}{}", self.base, routes::RP_SESSIONS))
            .bearer_auth(self.api_key.as_str())
            .json(req);
        if let Some(k) = idempotency_key {
            r = r.header("idempotency-key", k);
        }
        let response = r
            .send()
            .await
            .map_err(|e| RpError::Network(e.to_string()))?;
        Self::decode(response).await
    }

    /// Tells the service of a bid sealed to `recipient_serial` that opens at `opening_at`
    /// (RFC 3339): a signing certificate named by it is not replaced by a new key before then.
    pub async fn note_sealed_bid(
        &self,
        recipient_serial: &str,
        opening_at: &str,
    ) -> Result<mcert_core::wire::NotedSealedBid, RpError> {
        let response = self
            .http
            .post(format!("{}{}", self.base, routes::RP_SEALED_BIDS))
            .bearer_auth(self.api_key.as_str())
            .json(&mcert_core::wire::SealedBidNotice {
                recipient_serial: recipient_serial.to_string(),
                opening_at: opening_at.to_string(),
            })
            .send()
            .await
            .map_err(|e| RpError::Network(e.to_string()))?;
        Self::decode(response).await
    }

    /// The session's status; `wait` long-polls for a change from `since`.
    pub async fn status(
        &self,
        session_id: &str,
        wait: Option<u64>,
        since: Option<&str>,
    ) -> Result<SessionStatus, RpError> {
        let mut url = reqwest::Url::parse(&format!(
            "{}{}",
            self.base,
            routes::fill(routes::RP_SESSION, session_id)
        ))
        .map_err(|e| RpError::Network(e.to_string()))?;
        {
            let mut q = url.query_pairs_mut();
            if let Some(w) = wait {
                q.append_pair("wait", &w.to_string());
            }
            if let Some(s) = since {
                q.append_pair("since", s);
            }
        }
        if url.query() == Some("") {
            url.set_query(None);
        }
        let r = self.http.get(url).bearer_auth(self.api_key.as_str());
        let response = r
            .send()
            .await
            .map_err(|e| RpError::Network(e.to_string()))?;
        Self::decode(response).await
    }

    /// Waits (long-polling) until the session has ended, at most `timeout`.
    pub async fn wait_for_end(
        &self,
        session_id: &str,
        timeout: Duration,
    ) -> Result<SessionStatus, RpError> {
        self.wait_until(session_id, timeout, |_| false).await
    }

    /// Long-polls until `done` holds for the status or the session ended, at most `timeout`.
    pub(crate) async fn wait_until(
        &self,
        session_id: &str,
        timeout: Duration,
        done: impl Fn(&SessionStatus) -> bool,
    ) -> Result<SessionStatus, RpError> {
        let started = Instant::now();
        let mut since: Option<String> = None;
        loop {
            let left = timeout.saturating_sub(started.elapsed()).as_secs().min(25);
            let status = self
                .status(session_id, Some(left.max(1)), since.as_deref())
                .await?;
            let ended = matches!(
                status.status.as_str(),
                "completed" | "declined" | "expired" | "failed"
            );
            if ended || done(&status) {
                return Ok(status);
            }
            if started.elapsed() >= timeout {
                return Err(RpError::Timeout(timeout.as_secs()));
            }
            since = Some(status.status);
        }
    }

    /// The CA roots (SM2 and P-256). A platform fetches them once and pins them.
    pub async fn roots(&self) -> Result<Vec<Certificate>, RpError> {
        let mut out = Vec::new();
        for alg in ["sm2", "p256"] {
            let response = self
                .http
                .get(format!("{}/v1/ca/{alg}/root.cer", self.base))
                .send()
                .await
                .map_err(|e| RpError::Network(e.to_string()))?;
            if !response.status().is_success() {
                return Err(RpError::Decode(format!(
                    "root {alg}: {}",
                    response.status()
                )));
            }
            let der = response
                .bytes()
                .await
                .map_err(|e| RpError::Network(e.to_string()))?;
            out.push(x509::parse_certificate(&der).map_err(|e| RpError::Decode(e.to_string()))?);
        }
        Ok(out)
    }
}

/// The QR code a platform's page shows, redrawn every second.
#[derive(Clone)]
pub struct AnimatedQr {
    token: String,
    secret: Zeroizing<String>,
    started: Instant,
}

impl std::fmt::Debug for AnimatedQr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnimatedQr")
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

impl AnimatedQr {
    /// Starts the animation for a session just created (`t` counts from now).
    pub fn new(created: &CreatedSession) -> Self {
        AnimatedQr {
            token: created.qr_start_token.clone(),
            secret: Zeroizing::new(created.qr_start_secret.clone()),
            started: Instant::now(),
        }
    }

    /// The payload for second `t`.
    pub fn payload_at(&self, t: u64) -> String {
        scan::qr_payload(&self.token, &self.secret, t)
    }

    /// The payload to show now.
    pub fn payload(&self) -> String {
        self.payload_at(self.started.elapsed().as_secs())
    }
}

/// An SVG drawing of a QR code (EC level M, 4-module quiet zone), `scale` pixels per module.
pub fn qr_svg(text: &str, scale: u32) -> Result<String, String> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| e.to_string())?;
    let width = code.width();
    let colors = code.to_colors();
    let quiet = 4;
    let size = (width + 2 * quiet) as u32 * scale;
    let mut path = String::new();
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let x = (i % width + quiet) as u32 * scale;
            let y = (i / width + quiet) as u32 * scale;
            path.push_str(&format!("M{x} {y}h{scale}v{scale}h-{scale}z"));
        }
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{size}\" height=\"{size}\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>"
    ))
}

/// Verifies a finished session's result as a platform must (see [`scan::verify_result`]).
pub fn verify(
    status: &SessionStatus,
    expectation: &Expectation<'_>,
) -> Result<VerifiedResult, RpError> {
    let result = status
        .result
        .as_ref()
        .ok_or(RpError::Verify(ScanError::Missing(
            "result (the session did not complete)",
        )))?;
    Ok(scan::verify_result(result, expectation)?)
}
