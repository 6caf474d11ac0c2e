//! A session's status for its platform: expiry when its time is up, the status view with the
//! failure message, and the long-poll.

use std::time::Duration;

use mcert_core::clock::{from_unix_millis, rfc3339};
use mcert_core::wire::{SessionFailure, SessionKind, SessionResult, SessionStatus, StampedPlace};
use serde_json::json;

use super::repo::{self, Session, SessionState};
use super::{MAX_WAIT, SessionError, Sessions, failure_message_id, internal};
use crate::audit;
use crate::authz::OwnPlatform;

/// How often a waiting poll looks at the store (other processes may change it).
const POLL_EVERY: Duration = Duration::from_millis(250);

/// A failure message for the platform's status view (zh-CN).
fn failure_message(code: &str) -> String {
    crate::i18n::message(
        mcert_core::i18n::Locale::ZhCn,
        &failure_message_id(code),
        &[],
    )
}

impl Sessions {
    pub(super) async fn load(&self, id: &str) -> Result<Session, SessionError> {
        repo::get(self.store.pool(), id)
            .await?
            .ok_or(SessionError::UnknownSession)
    }

    /// Marks a session expired if its time is up; returns the current stored state.
    pub(super) async fn refresh(&self, s: Session) -> Result<Session, SessionError> {
        if s.state.is_final() || self.now_ms() < s.expires_at {
            return Ok(s);
        }
        let now = self.now_ms();
        let code = SessionError::Expired.code();
        let mut tx = self.store.begin().await?;
        let expired = repo::expire(&mut tx, &s.id, code, now).await?;
        let mut callback = None;
        if expired {
            audit::append(
                &mut tx,
                self.store.engine(),
                now,
                "system",
                "session.expired",
                &s.id,
                &json!({}),
            )
            .await?;
            let ended = Session {
                state: SessionState::Expired,
                failure_code: Some(code.to_string()),
                ..s.clone()
            };
            callback = self.enqueue_callback(&mut tx, &ended).await?;
        }
        tx.commit().await?;
        if expired {
            self.finished(callback);
        }
        self.load(&s.id).await
    }

    pub(super) fn status_view(&self, s: &Session) -> Result<SessionStatus, SessionError> {
        let result = s
            .result
            .as_deref()
            .map(serde_json::from_str::<SessionResult>)
            .transpose()
            .map_err(internal)?;
        Ok(SessionStatus {
            session_id: s.id.clone(),
            kind: s.kind,
            status: s.state.as_str().to_string(),
            created_at: rfc3339(from_unix_millis(s.created_at)),
            expires_at: rfc3339(from_unix_millis(s.expires_at)),
            failure: s.failure_code.as_ref().map(|code| SessionFailure {
                code: code.clone(),
                message: failure_message(code),
            }),
            stamped: stamped_places(s, result.as_ref()),
            result,
            stamp: None,
        })
    }

    /// What a waiting poll compares: the state, and within `scanned` a stamp's progress.
    fn phase(s: &Session) -> String {
        let place = s.stamp_place;
        match (s.state, &s.stamp_seal_id, &s.document_digests) {
            (SessionState::Scanned, None, _) if s.kind == SessionKind::Stamp && place > 0 => {
                format!("scanned@{place}")
            }
            (SessionState::Scanned, Some(seal), None) if s.kind == SessionKind::Stamp => {
                format!("scanned@{place}:{seal}")
            }
            (SessionState::Scanned, Some(seal), Some(_)) if s.kind == SessionKind::Stamp => {
                format!("scanned@{place}:{seal}:digest")
            }
            (state, _, _) => state.as_str().to_string(),
        }
    }

    /// The session's status; with `wait`, holds the request (≤ 30 s) until the status differs
    /// from `since` (default: the status at the call) or the session ends.
    pub async fn status(
        &self,
        platform: &OwnPlatform,
        session_id: &str,
        wait: Option<Duration>,
        since: Option<&str>,
    ) -> Result<SessionStatus, SessionError> {
        let platform_id = platform.platform_id();
        let deadline = tokio::time::Instant::now() + wait.unwrap_or_default().min(MAX_WAIT);
        let mut first: Option<String> = since.map(str::to_string);
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let s = repo::get(self.store.pool(), session_id)
                .await?
                .filter(|s| s.platform_id == platform_id)
                .ok_or(SessionError::UnknownSession)?;
            let s = self.refresh(s).await?;
            let phase = Self::phase(&s);
            let since = first.get_or_insert_with(|| phase.clone());
            let now = tokio::time::Instant::now();
            if wait.is_none() || &phase != since || s.state.is_final() || now >= deadline {
                let mut view = self.status_view(&s)?;
                if s.kind == SessionKind::Stamp {
                    view.stamp = self.stamp_choice(&s).await?;
                }
                return Ok(view);
            }
            let nap = (deadline - now).min(POLL_EVERY);
            let _ = tokio::time::timeout(nap, notified).await;
        }
    }
}

/// The stamps a session with several places has made: those kept as it went, and once it
/// completed the last one (its result). Empty for a one-stamp session.
fn stamped_places(s: &Session, result: Option<&SessionResult>) -> Vec<StampedPlace> {
    let several = s.stamp.as_ref().is_some_and(|r| r.place_count() > 1);
    if !several {
        return Vec::new();
    }
    let mut out = s.stamped.clone();
    if let (SessionState::Completed, Some(r)) = (s.state, result) {
        out.push(StampedPlace {
            place: s.stamp_place,
            result: r.clone(),
        });
    }
    out
}
