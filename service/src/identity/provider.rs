//! Identity verification providers: the deterministic development provider and the production
//! webhook (the operator's real-name service signs and answers).

use mcert_core::crypto::hash;
use serde_json::json;

use super::{IdentityError, Verdict, VerificationRequest};
use crate::providers::webhook::SignedWebhook;

/// Checks the factors with an outside service.
#[async_trait::async_trait]
pub trait IdentityProvider: Send + Sync + std::fmt::Debug {
    fn is_dev(&self) -> bool;
    async fn verify(&self, request: &VerificationRequest) -> Result<Verdict, IdentityError>;
}

/// Development provider. Documented test identities:
/// - every well-formed request passes, with face token `dev-live-ok`;
/// - a name starting with `拒绝` is a mismatch (the factors do not belong together);
/// - any other face token fails liveness.
#[derive(Debug, Clone, Default)]
pub struct DevIdentityProvider;

/// The face token the development provider accepts.
pub const DEV_FACE_TOKEN: &str = "dev-live-ok";

#[async_trait::async_trait]
impl IdentityProvider for DevIdentityProvider {
    fn is_dev(&self) -> bool {
        true
    }

    async fn verify(&self, request: &VerificationRequest) -> Result<Verdict, IdentityError> {
        if request.face_token != DEV_FACE_TOKEN {
            return Ok(Verdict::NotLive);
        }
        if request.name.starts_with("拒绝") {
            return Ok(Verdict::Mismatch);
        }
        let digest = hash::sha256(format!("{}:{}", request.name, request.id_number).as_bytes());
        Ok(Verdict::Pass {
            reference: format!("dev-{}", hex::encode(&digest[..8])),
        })
    }
}

/// Production shape: a [`SignedWebhook`] receiving the factors as JSON and answering
/// `{"result": "pass" | "mismatch" | "not_live", "reference": …}`.
#[derive(Clone, Debug)]
pub struct WebhookIdentityProvider(SignedWebhook);

impl WebhookIdentityProvider {
    pub fn new(url: &str, secret: &[u8]) -> Result<Self, IdentityError> {
        SignedWebhook::new(url, secret, std::time::Duration::from_secs(15))
            .map(WebhookIdentityProvider)
            .map_err(IdentityError::Provider)
    }
}

#[async_trait::async_trait]
impl IdentityProvider for WebhookIdentityProvider {
    fn is_dev(&self) -> bool {
        false
    }

    async fn verify(&self, r: &VerificationRequest) -> Result<Verdict, IdentityError> {
        let answer = self
            .0
            .post(&json!({
                "method": r.method.as_str(), "name": r.name, "id_number": r.id_number,
                "bank_card": r.bank_card, "phone": r.phone, "face_token": r.face_token,
            }))
            .await
            .map_err(IdentityError::Provider)?;
        match answer["result"].as_str() {
            Some("pass") => Ok(Verdict::Pass {
                reference: answer["reference"].as_str().unwrap_or("").to_string(),
            }),
            Some("mismatch") => Ok(Verdict::Mismatch),
            Some("not_live") => Ok(Verdict::NotLive),
            _ => Err(IdentityError::Provider("unexpected answer".into())),
        }
    }
}
