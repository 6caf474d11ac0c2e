//! A typed client of the issuance service (reqwest with rustls), as the phone uses it.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

pub use crate::wire::{
    Account, CertificateView, Completion, Decline, Entitlement, Installed, LoginSession, Method,
    Order, Platform, Product, ScanRequest, ScannedSession, SessionStatus, UsagePage,
    VerificationRequest as IdentityRequest, VerifiedIdentity as Identity,
};
use crate::wire::{
    ChoosePlatform, InstallRequest, LoginRequest, NewOrder, ReissueReason, ReissueRequest,
    ReportLost, SmsCodeRequest, routes,
};

/// What went wrong talking to the service.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// The service answered with an error: its HTTP status, stable code and (zh-CN) message.
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
    #[error("not logged in")]
    NotLoggedIn,
}

#[derive(Deserialize)]
pub(super) struct Items<T> {
    pub(super) items: Vec<T>,
}

/// The service client. Holds the session token once logged in.
#[derive(Clone)]
pub struct ServiceClient {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
}

impl std::fmt::Debug for ServiceClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceClient")
            .field("base", &self.base)
            .field("logged_in", &self.token.is_some())
            .finish()
    }
}

impl ServiceClient {
    /// A client of the service at `base_url`. TLS trusts the bundled Mozilla root set only:
    /// the platform verifier that reqwest would use otherwise needs JNI initialisation on
    /// Android (and panics without it), and the phone should not depend on what the handset
    /// vendor put in its trust store anyway.
    pub fn new(base_url: &str) -> Result<Self, ClientError> {
        let roots = webpki_root_certs::TLS_SERVER_ROOT_CERTS
            .iter()
            .filter_map(|der| reqwest::Certificate::from_der(der.as_ref()).ok());
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .tls_certs_only(roots)
            .build()
            .map_err(|e| ClientError::Network(e.to_string()))?;
        Ok(ServiceClient {
            http,
            base: base_url.trim_end_matches('/').to_string(),
            token: None,
        })
    }

    pub fn with_token(mut self, token: Option<String>) -> Self {
        self.token = token;
        self
    }

    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    pub(super) async fn call<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
        auth: bool,
        idempotency_key: Option<&str>,
    ) -> Result<T, ClientError> {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if auth {
            let token = self.token.as_deref().ok_or(ClientError::NotLoggedIn)?;
            req = req.bearer_auth(token);
        }
        if let Some(key) = idempotency_key {
            req = req.header("idempotency-key", key);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let bytes = self.send(req).await?;
        let bytes = if bytes.is_empty() {
            &b"null"[..]
        } else {
            &bytes[..]
        };
        serde_json::from_slice(bytes).map_err(|e| ClientError::Decode(e.to_string()))
    }

    /// Raw bytes up (an upload) or down (a PDF), with the account's token.
    pub(super) async fn call_bytes(
        &self,
        method: reqwest::Method,
        path: &str,
        upload: Option<Vec<u8>>,
    ) -> Result<Vec<u8>, ClientError> {
        let token = self.token.as_deref().ok_or(ClientError::NotLoggedIn)?;
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token);
        if let Some(b) = upload {
            req = req
                .header("content-type", "application/octet-stream")
                .body(b);
        }
        self.send(req).await
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Result<Vec<u8>, ClientError> {
        let response = req
            .send()
            .await
            .map_err(|e| ClientError::Network(e.to_string()))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| ClientError::Network(e.to_string()))?;
        if !status.is_success() {
            let v: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            return Err(ClientError::Api {
                status: status.as_u16(),
                code: v["code"].as_str().unwrap_or("unknown").to_string(),
                message: v["message"].as_str().unwrap_or("").to_string(),
            });
        }
        Ok(bytes.to_vec())
    }

    pub async fn request_code(&self, phone: &str) -> Result<(), ClientError> {
        let _: Value = self
            .call(
                reqwest::Method::POST,
                routes::SMS_CODE,
                Some(body(&SmsCodeRequest {
                    phone: phone.to_string(),
                })?),
                false,
                None,
            )
            .await?;
        Ok(())
    }

    /// Logs in and keeps the token.
    pub async fn login(&mut self, phone: &str, code: &str) -> Result<LoginSession, ClientError> {
        let session: LoginSession = self
            .call(
                reqwest::Method::POST,
                routes::LOGIN,
                Some(body(&LoginRequest {
                    phone: phone.to_string(),
                    code: code.to_string(),
                })?),
                false,
                None,
            )
            .await?;
        self.token = Some(session.token.clone());
        Ok(session)
    }

    pub async fn logout(&mut self) -> Result<(), ClientError> {
        let _: Value = self
            .call(
                reqwest::Method::POST,
                routes::LOGOUT,
                Some(json!({})),
                true,
                None,
            )
            .await?;
        self.token = None;
        Ok(())
    }

    pub async fn me(&self) -> Result<Account, ClientError> {
        self.call(reqwest::Method::GET, routes::ME, None, true, None)
            .await
    }

    pub async fn platforms(&self) -> Result<Vec<Platform>, ClientError> {
        let items: Items<Platform> = self
            .call(reqwest::Method::GET, routes::PLATFORMS, None, false, None)
            .await?;
        Ok(items.items)
    }

    pub async fn choose_platform(&self, platform_id: &str) -> Result<Account, ClientError> {
        self.call(
            reqwest::Method::PUT,
            routes::ME_PLATFORM,
            Some(body(&ChoosePlatform {
                platform_id: platform_id.to_string(),
            })?),
            true,
            None,
        )
        .await
    }

    pub async fn verify_identity(
        &self,
        request: &IdentityRequest,
    ) -> Result<Identity, ClientError> {
        let body = serde_json::to_value(request).map_err(|e| ClientError::Decode(e.to_string()))?;
        self.call(
            reqwest::Method::POST,
            routes::IDENTITY_VERIFY,
            Some(body),
            true,
            None,
        )
        .await
    }

    pub async fn identity(&self) -> Result<Option<Identity>, ClientError> {
        let v: Value = self
            .call(reqwest::Method::GET, routes::IDENTITY, None, true, None)
            .await?;
        serde_json::from_value(v["identity"].clone())
            .map_err(|e| ClientError::Decode(e.to_string()))
    }

    pub async fn catalogue(&self) -> Result<Vec<Product>, ClientError> {
        let items: Items<Product> = self
            .call(reqwest::Method::GET, routes::CATALOG, None, false, None)
            .await?;
        Ok(items.items)
    }

    /// Places an order; retrying with the same key returns the same order.
    pub async fn create_order(
        &self,
        product_id: &str,
        years: i64,
        idempotency_key: &str,
    ) -> Result<Order, ClientError> {
        self.call(
            reqwest::Method::POST,
            routes::ORDERS,
            Some(body(&NewOrder {
                product_id: product_id.to_string(),
                years,
                org_id: None,
                materials: Vec::new(),
            })?),
            true,
            Some(idempotency_key),
        )
        .await
    }

    pub async fn orders(&self) -> Result<Vec<Order>, ClientError> {
        let items: Items<Order> = self
            .call(reqwest::Method::GET, routes::ORDERS, None, true, None)
            .await?;
        Ok(items.items)
    }

    pub async fn order(&self, order_id: &str) -> Result<Order, ClientError> {
        self.call(
            reqwest::Method::GET,
            &routes::fill(routes::ORDER, order_id),
            None,
            true,
            None,
        )
        .await
    }

    /// Starts payment; the order completes when the gateway's notification arrives.
    pub async fn pay(&self, order_id: &str) -> Result<String, ClientError> {
        let v: Value = self
            .call(
                reqwest::Method::POST,
                &routes::fill(routes::ORDER_PAY, order_id),
                Some(json!({})),
                true,
                None,
            )
            .await?;
        Ok(v["transaction_id"].as_str().unwrap_or("").to_string())
    }

    pub async fn entitlements(&self) -> Result<Vec<Entitlement>, ClientError> {
        let items: Items<Entitlement> = self
            .call(reqwest::Method::GET, routes::ENTITLEMENTS, None, true, None)
            .await?;
        Ok(items.items)
    }

    pub async fn install(
        &self,
        entitlement_id: &str,
        csr_der: &[u8],
    ) -> Result<Installed, ClientError> {
        use base64ct::Encoding;
        self.call(
            reqwest::Method::POST,
            &routes::fill(routes::ENTITLEMENT_INSTALL, entitlement_id),
            Some(body(&InstallRequest {
                csr: base64ct::Base64::encode_string(csr_der),
            })?),
            true,
            None,
        )
        .await
    }

    /// 补办 / PIN reset: the certificate of an issued slot again, for a new key (after a fresh
    /// real-name + face verification).
    pub async fn reissue(
        &self,
        entitlement_id: &str,
        csr_der: &[u8],
        reason: ReissueReason,
    ) -> Result<Installed, ClientError> {
        use base64ct::Encoding;
        self.call(
            reqwest::Method::POST,
            &routes::fill(routes::ENTITLEMENT_REISSUE, entitlement_id),
            Some(body(&ReissueRequest {
                csr: base64ct::Base64::encode_string(csr_der),
                reason,
            })?),
            true,
            None,
        )
        .await
    }

    /// 挂失: reports a certificate of this account lost, with a fresh SMS code sent to the
    /// account's phone (ask one with [`request_code`](Self::request_code)). Revoked at once.
    pub async fn report_lost(&self, serial: &str, code: &str) -> Result<(), ClientError> {
        let _: Value = self
            .call(
                reqwest::Method::POST,
                &routes::fill(routes::CERTIFICATE_REPORT_LOST, serial),
                Some(body(&ReportLost {
                    code: code.to_string(),
                })?),
                true,
                None,
            )
            .await?;
        Ok(())
    }

    pub async fn certificates(&self) -> Result<Vec<CertificateView>, ClientError> {
        let items: Items<CertificateView> = self
            .call(reqwest::Method::GET, routes::CERTIFICATES, None, true, None)
            .await?;
        Ok(items.items)
    }

    /// Development mode only: the texts the development SMS provider sent to `phone`.
    /// Sends a scanned QR payload; the answer is what the phone must show.
    pub async fn scan(&self, qr: &str, device_id: &str) -> Result<ScannedSession, ClientError> {
        let body = serde_json::to_value(ScanRequest {
            qr: qr.to_string(),
            device_id: device_id.to_string(),
        })
        .map_err(|e| ClientError::Decode(e.to_string()))?;
        self.call(reqwest::Method::POST, routes::SCAN, Some(body), true, None)
            .await
    }

    /// Sends the signed answer of a scanned session.
    pub async fn complete(
        &self,
        session_id: &str,
        completion: &Completion,
    ) -> Result<SessionStatus, ClientError> {
        let body =
            serde_json::to_value(completion).map_err(|e| ClientError::Decode(e.to_string()))?;
        self.call(
            reqwest::Method::POST,
            &routes::fill(routes::SCAN_COMPLETE, session_id),
            Some(body),
            true,
            None,
        )
        .await
    }

    /// Declines a scanned session.
    pub async fn decline(
        &self,
        session_id: &str,
        scan_ticket: &str,
    ) -> Result<SessionStatus, ClientError> {
        let body = serde_json::to_value(Decline {
            scan_ticket: scan_ticket.to_string(),
        })
        .map_err(|e| ClientError::Decode(e.to_string()))?;
        self.call(
            reqwest::Method::POST,
            &routes::fill(routes::SCAN_DECLINE, session_id),
            Some(body),
            true,
            None,
        )
        .await
    }

    /// Usage records, newest first (`from`/`to`: dates or RFC 3339 times).
    pub async fn usage(
        &self,
        from: Option<&str>,
        to: Option<&str>,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> Result<UsagePage, ClientError> {
        let mut query = Vec::new();
        for (k, v) in [("from", from), ("to", to), ("cursor", cursor)] {
            if let Some(v) = v {
                query.push(format!("{k}={}", path_segment(v)));
            }
        }
        if let Some(l) = limit {
            query.push(format!("limit={l}"));
        }
        let path = if query.is_empty() {
            routes::USAGE.to_string()
        } else {
            format!("{}?{}", routes::USAGE, query.join("&"))
        };
        self.call(reqwest::Method::GET, &path, None, true, None)
            .await
    }

    pub async fn dev_outbox(&self, phone: &str) -> Result<Vec<String>, ClientError> {
        let items: Items<String> = self
            .call(
                reqwest::Method::GET,
                &format!("/v1/dev/sms-outbox?phone={phone}"),
                None,
                false,
                None,
            )
            .await?;
        Ok(items.items)
    }
}

/// A typed request body as JSON.
pub(super) fn body<T: serde::Serialize>(request: &T) -> Result<Value, ClientError> {
    serde_json::to_value(request).map_err(|e| ClientError::Decode(e.to_string()))
}

/// A value percent-encoded for a path segment or a query string.
pub(super) fn path_segment(s: &str) -> String {
    routes::encode(s)
}
