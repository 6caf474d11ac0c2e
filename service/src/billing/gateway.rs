//! Payment gateways: the development one (notifies the service itself, asynchronously) and the
//! production webhook; notifications are HMAC-signed and checked before they are read.

use std::time::Duration;

use mcert_core::crypto::hash;
use serde::Serialize;
use serde_json::json;
use zeroize::Zeroizing;

use super::{Order, OrderError};
use crate::providers::webhook::SignedWebhook;

/// A payment notification after its signature was checked.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize, Serialize)]
pub struct Notification {
    pub order_id: String,
    pub transaction_id: String,
    pub amount_fen: i64,
    pub currency: String,
}

/// The development payment gateway: "paying" posts a signed notification back to the service
/// shortly after, as a real gateway's asynchronous notification would arrive.
#[derive(Clone, Debug)]
pub struct DevGateway {
    /// The service's own notification endpoint, signed with a development key.
    notify: SignedWebhook,
}

impl DevGateway {
    pub fn new(key: Zeroizing<[u8; 32]>, base_url: &str) -> Result<Self, OrderError> {
        let url = format!("{}/v1/payments/notify/dev", base_url.trim_end_matches('/'));
        Ok(DevGateway {
            notify: SignedWebhook::new(&url, &key[..], Duration::from_secs(10))
                .map_err(OrderError::Internal)?,
        })
    }

    /// Starts paying `order`: the notification follows asynchronously.
    pub fn start(&self, order: &Order) -> Result<String, OrderError> {
        let mut txn = [0u8; 8];
        getrandom::fill(&mut txn).map_err(|_| OrderError::Internal("rng".into()))?;
        let note = Notification {
            order_id: order.id.clone(),
            transaction_id: format!("dev-{}", hex::encode(txn)),
            amount_fen: order.amount_fen,
            currency: order.currency.clone(),
        };
        let body = serde_json::to_value(&note).map_err(|e| OrderError::Internal(e.to_string()))?;
        let notify = self.notify.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            if let Err(e) = notify.post(&body).await {
                tracing::warn!(error = %e, "development payment notification failed");
            }
        });
        Ok(note.transaction_id)
    }
}

/// Production payment gateway: starting a payment posts the order, HMAC-signed, to the
/// operator's payment service (`{"order_id", "amount_fen", "currency", "notify_url"}`), which
/// answers `{"transaction_id", "pay_url"}`; its notifications arrive, signed the same way, at
/// `/v1/payments/notify/webhook`.
#[derive(Clone, Debug)]
pub struct WebhookGateway {
    endpoint: SignedWebhook,
    notify_url: String,
}

impl WebhookGateway {
    pub fn new(url: &str, secret: &[u8], base_url: &str) -> Result<Self, OrderError> {
        Ok(WebhookGateway {
            endpoint: SignedWebhook::new(url, secret, Duration::from_secs(15))
                .map_err(OrderError::Gateway)?,
            notify_url: format!(
                "{}/v1/payments/notify/webhook",
                base_url.trim_end_matches('/')
            ),
        })
    }
}

/// The payment gateway in use.
#[derive(Clone, Debug)]
pub enum Gateway {
    Dev(DevGateway),
    Webhook(WebhookGateway),
}

impl Gateway {
    /// The name used in notification URLs and payment records.
    pub fn name(&self) -> &'static str {
        match self {
            Gateway::Dev(_) => "dev",
            Gateway::Webhook(_) => "webhook",
        }
    }

    pub fn is_dev(&self) -> bool {
        matches!(self, Gateway::Dev(_))
    }

    /// The signature a notification from this gateway carries (hex HMAC-SHA256 of the body).
    pub fn sign(&self, body: &[u8]) -> String {
        match self {
            Gateway::Dev(g) => g.notify.sign(body),
            Gateway::Webhook(g) => g.endpoint.sign(body),
        }
    }

    /// Checks a notification's signature and reads it.
    pub fn verify(&self, body: &[u8], signature: &str) -> Result<Notification, OrderError> {
        if !hash::ct_eq(self.sign(body).as_bytes(), signature.trim().as_bytes()) {
            return Err(OrderError::BadSignature);
        }
        serde_json::from_slice(body).map_err(|_| OrderError::BadNotification)
    }

    /// Starts paying `order`; returns the gateway's transaction reference.
    pub async fn start(&self, order: &Order) -> Result<String, OrderError> {
        match self {
            Gateway::Dev(g) => g.start(order),
            Gateway::Webhook(g) => {
                let answer = g
                    .endpoint
                    .post(&json!({
                        "order_id": order.id, "amount_fen": order.amount_fen,
                        "currency": order.currency, "notify_url": g.notify_url,
                    }))
                    .await
                    .map_err(OrderError::Gateway)?;
                answer["transaction_id"]
                    .as_str()
                    .map(str::to_string)
                    .ok_or_else(|| OrderError::Gateway("no transaction id".into()))
            }
        }
    }
}
