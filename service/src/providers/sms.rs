//! SMS delivery. The development provider keeps an outbox in the database that tests and the
//! developer CLI read; the webhook provider posts each message, HMAC-signed, to the operator's
//! SMS gateway. Development providers are refused outside `--dev`.

use std::sync::Arc;

use mcert_core::clock::{Clock, unix_millis};
use sqlx::Row;

use crate::providers::webhook::SignedWebhook;
use crate::store::Store;

/// SMS templates (zh-CN, as sent to users).
pub fn login_code_text(code: &str, minutes: u64) -> String {
    format!("【mcert】您的登录验证码为 {code}，{minutes} 分钟内有效。请勿告诉他人。")
}

#[derive(Debug, thiserror::Error)]
pub enum SmsError {
    #[error("SMS gateway failed: {0}")]
    Gateway(String),
    #[error("SMS outbox: {0}")]
    Store(#[from] sqlx::Error),
}

/// Something that delivers a text to a phone.
#[async_trait::async_trait]
pub trait SmsProvider: Send + Sync + std::fmt::Debug {
    /// Whether this is a development provider (refused in production).
    fn is_dev(&self) -> bool;
    async fn send(&self, phone: &str, text: &str) -> Result<(), SmsError>;
}

/// Development provider: writes to the `sms_outbox` table.
#[derive(Debug, Clone)]
pub struct DevOutbox {
    store: Store,
    clock: Arc<dyn Clock>,
}

impl DevOutbox {
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> Self {
        DevOutbox { store, clock }
    }

    /// Messages sent to `phone`, newest first.
    pub async fn messages(&self, phone: &str) -> Result<Vec<String>, SmsError> {
        let rows = sqlx::query(
            "SELECT body FROM sms_outbox WHERE phone = $1 ORDER BY created_at DESC, id DESC",
        )
        .bind(phone)
        .fetch_all(self.store.pool())
        .await?;
        rows.iter()
            .map(|r| r.try_get::<String, _>(0).map_err(SmsError::from))
            .collect()
    }
}

#[async_trait::async_trait]
impl SmsProvider for DevOutbox {
    fn is_dev(&self) -> bool {
        true
    }

    async fn send(&self, phone: &str, text: &str) -> Result<(), SmsError> {
        let now = self.clock.now();
        let id = mcert_core::id::ulid(now).map_err(|e| SmsError::Gateway(e.to_string()))?;
        sqlx::query("INSERT INTO sms_outbox (id, phone, body, created_at) VALUES ($1, $2, $3, $4)")
            .bind(id)
            .bind(phone)
            .bind(text)
            .bind(unix_millis(now))
            .execute(self.store.pool())
            .await?;
        Ok(())
    }
}

/// Production provider: a [`SignedWebhook`] receiving `{"phone": …, "text": …}`.
#[derive(Clone, Debug)]
pub struct WebhookSms(SignedWebhook);

impl WebhookSms {
    pub fn new(url: &str, secret: &[u8]) -> Result<Self, SmsError> {
        SignedWebhook::new(url, secret, std::time::Duration::from_secs(10))
            .map(WebhookSms)
            .map_err(SmsError::Gateway)
    }
}

#[async_trait::async_trait]
impl SmsProvider for WebhookSms {
    fn is_dev(&self) -> bool {
        false
    }

    async fn send(&self, phone: &str, text: &str) -> Result<(), SmsError> {
        self.0
            .post(&serde_json::json!({"phone": phone, "text": text}))
            .await
            .map(|_| ())
            .map_err(SmsError::Gateway)
    }
}

/// Delivers the outbox's SMS jobs (`{"phone": …, "text": …}`) through a provider.
#[derive(Debug, Clone)]
pub struct SmsJobs(pub Arc<dyn SmsProvider>);

#[async_trait::async_trait]
impl crate::outbox::JobHandler for SmsJobs {
    async fn deliver(
        &self,
        payload: &serde_json::Value,
    ) -> Result<(), crate::outbox::DeliveryError> {
        use crate::outbox::DeliveryError;
        let (Some(phone), Some(text)) = (payload["phone"].as_str(), payload["text"].as_str())
        else {
            return Err(DeliveryError::Permanent(
                "SMS job without phone or text".into(),
            ));
        };
        self.0
            .send(phone, text)
            .await
            .map_err(|e| DeliveryError::Retry(e.to_string()))
    }
}
