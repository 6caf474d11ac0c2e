//! Callbacks to platforms: when a session ends, its status is POSTed to the callback URL the
//! platform named, signed with the platform's callback secret (`X-Mcert-Signature`).
//!
//! The callback is an outbox job enqueued in the unit of work that ends the session, so it is
//! sent if and only if the end commits, and retried by the outbox worker — across restarts —
//! until the platform answers. A [`CallbackJob`] holds everything delivery needs except the
//! secret, which is derived again from the platform id when it is sent.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::repo::Session;
use super::{SessionError, Sessions, internal};
use crate::outbox::{DeliveryError, Enqueued, JobHandler, JobKind};
use crate::platforms::Platforms;
use crate::providers::webhook::SignedWebhook;
use crate::store::Tx;

/// Longest a platform may take to answer one callback.
pub const CALLBACK_TIMEOUT: Duration = Duration::from_secs(5);
/// A callback not delivered within this long is given up (the platform can still poll).
pub const CALLBACK_DEADLINE: Duration = Duration::from_secs(24 * 3600);

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

/// Delivers the outbox's callback jobs.
#[derive(Debug, Clone)]
pub struct CallbackJobs(pub Platforms);

#[async_trait::async_trait]
impl JobHandler for CallbackJobs {
    async fn deliver(&self, payload: &serde_json::Value) -> Result<(), DeliveryError> {
        let job: CallbackJob = serde_json::from_value(payload.clone())
            .map_err(|e| DeliveryError::Permanent(format!("callback job: {e}")))?;
        deliver(&self.0, &job).await.map_err(|e| {
            tracing::warn!(url = %job.url, session = %job.session_id, error = %e, "session callback failed");
            DeliveryError::Retry(e)
        })
    }
}

impl Sessions {
    /// Enqueues the callback of a session that ends in the caller's unit of work (`ended` is
    /// the session as it will be after the commit), if its platform asked for one.
    pub(super) async fn enqueue_callback(
        &self,
        tx: &mut Tx,
        ended: &Session,
    ) -> Result<Option<Enqueued>, SessionError> {
        let Some(url) = ended.callback_url.clone() else {
            return Ok(None);
        };
        let job = CallbackJob {
            session_id: ended.id.clone(),
            platform_id: ended.platform_id.clone(),
            url,
            body: serde_json::to_value(self.status_view(ended)?).map_err(internal)?,
        };
        let payload = serde_json::to_value(&job).map_err(internal)?;
        let enqueued = self
            .outbox
            .enqueue(tx, JobKind::Callback, &payload, Some(CALLBACK_DEADLINE))
            .await
            .map_err(internal)?;
        Ok(Some(enqueued))
    }

    /// After the commit of a session's end: wakes pollers and tries its callback at once,
    /// without holding up the request (the outbox worker retries what fails).
    pub(super) fn finished(&self, callback: Option<Enqueued>) {
        self.changed.notify_waiters();
        if let Some(job) = callback {
            let outbox = self.outbox.clone();
            tokio::spawn(async move {
                outbox.deliver_now(&job).await;
            });
        }
    }
}
