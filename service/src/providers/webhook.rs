//! The signed JSON webhook that every production provider adapter uses (SMS, identity,
//! payment): `POST {url}` with a JSON body and `X-Mcert-Signature: hex(HMAC-SHA256(secret,
//! body))`; the same signature authenticates what the provider sends back to us.

use std::sync::Arc;
use std::time::Duration;

use mcert_core::crypto::hash;
use serde_json::Value;
use zeroize::Zeroizing;

/// A provider endpoint with its shared secret.
#[derive(Clone)]
pub struct SignedWebhook {
    url: String,
    secret: Arc<Zeroizing<Vec<u8>>>,
    http: reqwest::Client,
}

impl std::fmt::Debug for SignedWebhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedWebhook")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl SignedWebhook {
    pub fn new(url: &str, secret: &[u8], timeout: Duration) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(SignedWebhook {
            url: url.to_string(),
            secret: Arc::new(Zeroizing::new(secret.to_vec())),
            http,
        })
    }

    /// hex(HMAC-SHA256(secret, body)).
    pub fn sign(&self, body: &[u8]) -> String {
        hex::encode(hash::hmac_sha256(&self.secret[..], &[body]))
    }

    /// Whether `signature` is this endpoint's signature of `body` (constant time).
    pub fn verify(&self, body: &[u8], signature: &str) -> bool {
        hash::ct_eq(self.sign(body).as_bytes(), signature.trim().as_bytes())
    }

    /// Posts `body`, signed; returns the JSON answer (`null` when empty). Errors are texts for
    /// the caller's own error type.
    pub async fn post(&self, body: &Value) -> Result<Value, String> {
        let bytes = body.to_string().into_bytes();
        let response = self
            .http
            .post(&self.url)
            .header("content-type", "application/json")
            .header("x-mcert-signature", self.sign(&bytes))
            .body(bytes)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("status {}", response.status()));
        }
        let answer = response.bytes().await.map_err(|e| e.to_string())?;
        if answer.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&answer).map_err(|e| e.to_string())
    }
}
