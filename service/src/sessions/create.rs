//! Creating a session (the platform side): the request is checked per kind, the QR token and
//! verification code are made, and the session is stored with its audit event.

use std::time::Duration;

use mcert_core::clock::{from_unix_millis, rfc3339, unix_millis};
use mcert_core::crypto::PublicKey;
use mcert_core::id::ulid;
use mcert_core::scan;
use mcert_core::validate;
use mcert_core::wire::{AllowedSubjects, CreatedSession, NewSession, SessionKind};
use serde_json::json;

use super::repo::{self, NewSessionRow, Session};
use super::{DEFAULT_TTL, MAX_TTL, MIN_TTL, SessionError, Sessions, internal, invalid};
use crate::audit;
use crate::platforms::RegisteredPlatform;

/// Largest encrypted bid key accepted.
const MAX_ENCRYPTED_KEY: usize = 1024;

fn random_digits(n: usize) -> Result<String, SessionError> {
    let mut bytes = vec![0u8; n * 2];
    getrandom::fill(&mut bytes).map_err(|_| internal("rng"))?;
    Ok(bytes
        .chunks(2)
        .map(|c| char::from(b'0' + ((u16::from(c[0]) << 8 | u16::from(c[1])) % 10) as u8))
        .collect())
}

/// How far ahead a bid-opening time may be.
const OPENING_HORIZON_DAYS: u64 = 5 * 366;

impl Sessions {
    /// A bid-opening time a platform gave (RFC 3339), in the future and within five years, as
    /// Unix ms.
    pub(super) fn opening_time(&self, text: &str) -> Result<i64, SessionError> {
        let at = mcert_core::clock::parse_rfc3339(text)
            .ok_or_else(|| invalid("opening_at must be an RFC 3339 time"))?;
        let now = self.clock.now();
        let latest = now + std::time::Duration::from_secs(OPENING_HORIZON_DAYS * 86_400);
        if at <= now || at > latest {
            return Err(invalid(
                "opening_at must be in the future and within five years",
            ));
        }
        Ok(unix_millis(at))
    }

    /// Creates a session for `platform` (idempotent per `Idempotency-Key`).
    pub async fn create(
        &self,
        platform: &RegisteredPlatform,
        req: &NewSession,
        idempotency_key: Option<&str>,
    ) -> Result<CreatedSession, SessionError> {
        scan::validate_display(&req.display).map_err(invalid)?;
        let opening_at = match &req.opening_at {
            None => None,
            Some(text) => Some(self.opening_time(text)?),
        };
        let has = |o: &Option<String>| o.is_some();
        match req.kind {
            SessionKind::Login => {
                if req.document_digests.is_some()
                    || has(&req.encrypted_key)
                    || has(&req.recipient_serial)
                    || has(&req.ephemeral_public_key)
                {
                    return Err(invalid(
                        "a login session takes no document digests or bid keys",
                    ));
                }
            }
            SessionKind::Stamp => {
                let stamp = req
                    .stamp
                    .as_ref()
                    .ok_or_else(|| invalid("a stamp session needs stamp (page and position)"))?;
                super::stamp::validate_request(stamp)?;
                if self.seals.is_none() {
                    return Err(SessionError::StampingOff);
                }
                if req.display.document_name.is_none() {
                    return Err(invalid(
                        "a stamp session needs display.document_name (the phone shows it)",
                    ));
                }
                if req.document_digests.is_some()
                    || has(&req.encrypted_key)
                    || has(&req.recipient_serial)
                    || has(&req.ephemeral_public_key)
                {
                    return Err(invalid(
                        "a stamp session takes no document digests (they follow the seal's pick) or bid keys",
                    ));
                }
            }
            SessionKind::Sign => {
                let digests = req
                    .document_digests
                    .as_ref()
                    .ok_or_else(|| invalid("a sign session needs document_digests"))?;
                digests.validate().map_err(invalid)?;
                if req.display.document_name.is_none() {
                    return Err(invalid(
                        "a sign session needs display.document_name (the phone shows it)",
                    ));
                }
                if has(&req.encrypted_key) || has(&req.ephemeral_public_key) {
                    return Err(invalid("a sign session takes no bid keys"));
                }
            }
            SessionKind::Decrypt => {
                let key = req
                    .encrypted_key
                    .as_deref()
                    .ok_or_else(|| invalid("a decrypt session needs encrypted_key"))?;
                let key = scan::unb64("encrypted_key", key).map_err(invalid)?;
                if key.is_empty() || key.len() > MAX_ENCRYPTED_KEY {
                    return Err(invalid("encrypted_key must be 1 to 1024 bytes"));
                }
                let serial = req
                    .recipient_serial
                    .as_deref()
                    .ok_or_else(|| invalid("a decrypt session needs recipient_serial"))?;
                if serial.is_empty()
                    || serial.len() > 40
                    || !serial.bytes().all(|b| b.is_ascii_hexdigit())
                {
                    return Err(invalid("recipient_serial must be 1 to 40 hex digits"));
                }
                let eph = req
                    .ephemeral_public_key
                    .as_deref()
                    .ok_or_else(|| invalid("a decrypt session needs ephemeral_public_key"))?;
                PublicKey::from_spki_der(
                    &scan::unb64("ephemeral_public_key", eph).map_err(invalid)?,
                )
                .map_err(|e| invalid(format!("ephemeral_public_key: {e}")))?;
            }
        }
        if req.kind != SessionKind::Stamp && req.stamp.is_some() {
            return Err(invalid("only a stamp session takes stamp"));
        }
        let (id_lookup, org_code) = match &req.allowed {
            None => (None, None),
            Some(AllowedSubjects {
                id_number,
                organization_code,
            }) => {
                let id = match id_number {
                    Some(n) if validate::is_id_number(n) => Some(self.identities.lookup_hash(n)),
                    Some(_) => return Err(invalid("allowed.id_number is not a valid ID number")),
                    None => None,
                };
                let org = match organization_code {
                    Some(c) if validate::is_unified_code(c) => Some(c.to_ascii_uppercase()),
                    Some(_) => {
                        return Err(invalid(
                            "allowed.organization_code is not a valid unified social credit code",
                        ));
                    }
                    None => None,
                };
                (id, org)
            }
        };
        let ttl = match req.expires_in {
            None => DEFAULT_TTL,
            Some(s) => {
                let d = Duration::from_secs(s);
                if !(MIN_TTL..=MAX_TTL).contains(&d) {
                    return Err(invalid("expires_in must be 10 to 600 seconds"));
                }
                d
            }
        };
        if let Some(url) = &req.callback_url
            && !platform.callback_urls.iter().any(|u| u == url)
        {
            return Err(SessionError::CallbackNotAllowed);
        }
        if let Some(key) = idempotency_key
            && let Some(existing) =
                repo::by_idempotency(self.store.pool(), &platform.id, key).await?
        {
            return Ok(self.created_view(&existing));
        }
        let now = self.clock.now();
        let now_ms = unix_millis(now);
        let id = ulid(now).map_err(internal)?;
        let token = scan::new_token().map_err(internal)?;
        let code = random_digits(4)?;
        let expires_ms = now_ms + i64::try_from(ttl.as_millis()).unwrap_or(0);
        let digests = req
            .document_digests
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(internal)?;
        let display = serde_json::to_string(&req.display).map_err(internal)?;
        let stamp = req
            .stamp
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(internal)?;
        let recipient_serial = req.recipient_serial.as_deref().map(str::to_ascii_uppercase);
        let row = NewSessionRow {
            id: &id,
            platform_id: &platform.id,
            kind: req.kind,
            qr_token: &token,
            verification_code: &code,
            display: &display,
            document_digests: digests.as_deref(),
            encrypted_key: req.encrypted_key.as_deref(),
            recipient_serial: recipient_serial.as_deref(),
            ephemeral_public_key: req.ephemeral_public_key.as_deref(),
            allowed_id_lookup: id_lookup.as_deref(),
            allowed_org_code: org_code.as_deref(),
            callback_url: req.callback_url.as_deref(),
            idempotency_key,
            created_at: now_ms,
            expires_at: expires_ms,
            stamp: stamp.as_deref(),
            opening_at,
        };
        let mut tx = self.store.begin().await?;
        if let Err(e) = repo::insert(&mut tx, &row).await {
            drop(tx);
            // A concurrent request with the same key won: answer with its session.
            if let Some(key) = idempotency_key
                && let Some(existing) =
                    repo::by_idempotency(self.store.pool(), &platform.id, key).await?
            {
                return Ok(self.created_view(&existing));
            }
            return Err(e.into());
        }
        audit::append(
            &mut tx,
            self.store.engine(),
            now_ms,
            &format!("platform:{}", platform.id),
            "session.created",
            &id,
            &json!({"kind": req.kind.as_str()}),
        )
        .await?;
        tx.commit().await?;
        let stored = repo::get(self.store.pool(), &id)
            .await?
            .ok_or(SessionError::UnknownSession)?;
        Ok(self.created_view(&stored))
    }

    fn created_view(&self, s: &Session) -> CreatedSession {
        CreatedSession {
            session_id: s.id.clone(),
            qr_start_token: s.qr_token.clone(),
            qr_start_secret: self.qr_secret(&s.qr_token).to_string(),
            verification_code: s.verification_code.clone(),
            created_at: rfc3339(from_unix_millis(s.created_at)),
            expires_at: rfc3339(from_unix_millis(s.expires_at)),
        }
    }
}
