//! Callbacks to platforms: when a session ends, its status is POSTed to the callback URL the
//! platform named, signed with the platform's callback secret (`X-Mcert-Signature`).
//!
//! A [`CallbackJob`] holds everything delivery needs except the secret, which is derived again
//! from the platform id when it is sent; [`deliver`] makes one attempt.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::repo::Session;
use super::{SessionError, Sessions, internal};
use crate::platforms::Platforms;
use crate::webhook::SignedWebhook;

/// Attempts of an in-process delivery.
const CALLBACK_ATTEMPTS: u32 = 3;
/// Longest a platform may take to answer one callback.
pub const CALLBACK_TIMEOUT: Duration = Duration::from_secs(5);

/// One callback to deliver.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallbackJob {
    pub session_id: String,
    pub platform_id: String,
    pub url: String,
    /// The session status as JSON, as the platform receives it.
    pub body: serde_json::Value,
}

/// One delivery attempt.
pub async fn deliver(platforms: &Platforms, job: &CallbackJob) -> Result<(), String> {
    let secret = platforms.callback_secret(&job.platform_id);
    let hook = SignedWebhook::new(&job.url, secret.as_bytes(), CALLBACK_TIMEOUT)?;
    hook.post(&job.body).await.map(|_| ())
}

impl Sessions {
    /// The callback for a session that has just ended, if its platform asked for one.
    pub(super) fn callback_job(&self, s: &Session) -> Result<Option<CallbackJob>, SessionError> {
        let Some(url) = s.callback_url.clone() else {
            return Ok(None);
        };
        let status = self.status_view(s)?;
        Ok(Some(CallbackJob {
            session_id: s.id.clone(),
            platform_id: s.platform_id.clone(),
            url,
            body: serde_json::to_value(&status).map_err(internal)?,
        }))
    }

    /// Wakes pollers and sends the callback of a session that just ended.
    pub(super) fn finished(&self, s: &Session) {
        self.changed.notify_waiters();
        let job = match self.callback_job(s) {
            Ok(Some(job)) => job,
            Ok(None) => return,
            Err(e) => {
                tracing::error!(session = %s.id, error = %e, "session callback not prepared");
                return;
            }
        };
        let platforms = self.platforms.clone();
        tokio::spawn(async move {
            for attempt in 0..CALLBACK_ATTEMPTS {
                match deliver(&platforms, &job).await {
                    Ok(()) => return,
                    Err(e) => {
                        tracing::warn!(url = %job.url, attempt, error = %e, "session callback failed");
                        tokio::time::sleep(Duration::from_secs(1 << attempt)).await;
                    }
                }
            }
        });
    }
}
