//! The phone's answer: the scan ticket, the full check of the answer (certificate held by the
//! account, chain, status, subject, recipient, statement, signature, CMS), and the end of the
//! session with its usage record — exactly once. Refused attempts are recorded too.

use mcert_core::clock::{from_unix_millis, rfc3339};
use mcert_core::crypto::path::{self, PathError, ValidationOptions};
use mcert_core::crypto::revocation::{self, CertId, CertStatus};
use mcert_core::crypto::{hash, x509};
use mcert_core::id::ulid;
use mcert_core::scan::{self, ScanError};
use mcert_core::wire::{
    Completion, Decline, SessionKind, SessionResult, SessionStatus, StampedPlace,
};
use serde_json::json;

use super::repo::{self, NewUsage, Outcome, Session, SessionState};
use super::scan::Refusal;
use super::{SessionError, Sessions, b64, internal};
use super::{holdings, stamp_repo};
use crate::audit;
use crate::authz::{Actor, OwnAccount, policy};
use crate::store::Tx;

impl Sessions {
    /// Checks the ticket of the device that scanned.
    fn check_ticket(
        &self,
        s: &Session,
        account_id: &str,
        ticket: &str,
    ) -> Result<(), SessionError> {
        let expected = s.scan_ticket_hash.as_deref().unwrap_or("");
        let given = hex::encode(hash::sha256(ticket.as_bytes()));
        if s.scanned_by.as_deref() != Some(account_id)
            || !hash::ct_eq(expected.as_bytes(), given.as_bytes())
        {
            return Err(SessionError::BadTicket);
        }
        Ok(())
    }

    async fn scanned_session(
        &self,
        account_id: &str,
        session_id: &str,
    ) -> Result<Session, Refusal> {
        let s = self.load(session_id).await.map_err(|e| (e, None))?;
        let s = self.refresh(s).await.map_err(|e| (e, None))?;
        match s.state {
            SessionState::Scanned => Ok(s),
            SessionState::Created => Err((SessionError::NotScanned, Some(Box::new(s)))),
            SessionState::Expired => Err((SessionError::Expired, Some(Box::new(s)))),
            ended => {
                // Only the device that scanned learns how it ended.
                if s.scanned_by.as_deref() == Some(account_id) {
                    Err((SessionError::Finished(ended), Some(Box::new(s))))
                } else {
                    Err((SessionError::Taken, Some(Box::new(s))))
                }
            }
        }
    }

    /// The scanned session this device answers, checked by its ticket. Refused attempts are
    /// recorded; the session itself is left as it was.
    pub(super) async fn scanned_with_ticket(
        &self,
        account_id: &str,
        session_id: &str,
        ticket: &str,
    ) -> Result<Session, SessionError> {
        let refused = match self.scanned_session(account_id, session_id).await {
            Ok(s) => match self.check_ticket(&s, account_id, ticket) {
                Ok(()) => return Ok(s),
                Err(e) => (e, Some(Box::new(s))),
            },
            Err(refused) => refused,
        };
        if let (e, Some(s)) = &refused {
            self.record(s, account_id, Outcome::Failed, Some(e.code()), None)
                .await?;
        }
        Err(refused.0)
    }

    /// The phone's answer. Checked in full; the session completes exactly once.
    pub async fn complete(
        &self,
        owner: &OwnAccount,
        session_id: &str,
        answer: &Completion,
    ) -> Result<SessionStatus, SessionError> {
        let account_id = owner.account_id();
        let s = self
            .scanned_with_ticket(account_id, session_id, &answer.scan_ticket)
            .await?;
        match self.verify_answer(account_id, &s, answer).await {
            Ok((serial, result)) => {
                self.finish_completed(account_id, &s, &serial, &result)
                    .await
            }
            Err((e, serial)) => {
                if matches!(
                    e,
                    SessionError::Store(_) | SessionError::Authority(_) | SessionError::Internal(_)
                ) {
                    return Err(e);
                }
                self.finish_failed(account_id, &s, &e, serial.as_deref())
                    .await?;
                Err(e)
            }
        }
    }

    async fn verify_answer(
        &self,
        account_id: &str,
        s: &Session,
        answer: &Completion,
    ) -> Result<(String, SessionResult), (SessionError, Option<String>)> {
        let plain = |e: SessionError| (e, None);
        let der = scan::unb64("certificate", &answer.certificate)
            .map_err(|e| plain(SessionError::Answer(e)))?;
        let cert = x509::parse_certificate(&der)
            .map_err(|e| plain(SessionError::Answer(ScanError::Crypto(e))))?;
        let serial = x509::serial_hex(&cert);
        let with = |e: SessionError| (e, Some(serial.clone()));
        // Ours, and held by this account.
        let held = holdings::held(self.store.pool(), account_id, &serial)
            .await
            .map_err(plain)?
            .ok_or_else(|| with(SessionError::UnknownCertificate))?;
        let issuer_id = held.issuer_id;
        // The encryption half of a dual pair never signs an answer.
        if held.der != der || x509::is_encryption_certificate(&cert) {
            return Err(with(SessionError::UnknownCertificate));
        }
        let alg = x509::certificate_public_key(&cert)
            .map_err(|e| with(SessionError::Answer(ScanError::Crypto(e))))?
            .algorithm();
        let h = self.authority.hierarchy(alg).map_err(|e| plain(e.into()))?;
        let now = self.clock.now();
        match path::validate(
            &cert,
            std::slice::from_ref(&h.issuing),
            std::slice::from_ref(&h.root),
            &ValidationOptions::at(now),
        ) {
            Ok(_) => {}
            Err(PathError::Expired { .. } | PathError::NotYetValid { .. }) => {
                return Err(with(SessionError::CertificateExpired));
            }
            Err(_) => return Err(with(SessionError::UnknownCertificate)),
        }
        match self
            .authority
            .status(&issuer_id, &serial)
            .await
            .map_err(|e| plain(e.into()))?
        {
            CertStatus::Good => {}
            CertStatus::Revoked { .. } => return Err(with(SessionError::CertificateRevoked)),
            CertStatus::Unknown => return Err(with(SessionError::UnknownCertificate)),
        }
        self.allowed(s, &cert).map_err(with)?;
        // A bid is opened by its recipient: the account holding the certificate it is sealed
        // to, answering with that certificate or a later one of the same subject. The usage
        // record names the certificate that opened it.
        let recorded_serial = if s.kind == SessionKind::Decrypt {
            let recipient = self.bid_recipient(account_id, s).await.map_err(with)?;
            if !recipient.may_answer(&cert) {
                return Err(with(SessionError::NotBidRecipient));
            }
            recipient.serial
        } else {
            serial.clone()
        };
        let view = self.scanned_view(s).await.map_err(plain)?;
        scan::check_answer(&view, answer, &cert).map_err(|e| with(SessionError::Answer(e)))?;
        let seal_id = if s.kind == SessionKind::Stamp {
            Some(self.check_stamp(s, answer, &cert).await.map_err(with)?)
        } else {
            None
        };
        // The CA's signed status at completion, for the platform to keep.
        let cert_id = CertId::new(
            &h.issuing,
            cert.tbs_certificate().serial_number().as_bytes(),
            None,
        )
        .map_err(|e| plain(internal(e)))?;
        let request =
            revocation::build_ocsp_request(&[cert_id], None).map_err(|e| plain(internal(e)))?;
        let ocsp = self
            .authority
            .ocsp(&request)
            .await
            .map_err(|e| plain(e.into()))?;
        let info = x509::info(&cert).map_err(|e| plain(internal(e)))?;
        let issuing_der = x509::to_der(&h.issuing).map_err(|e| plain(internal(e)))?;
        // The signer's encryption certificate, which the platform seals bids to.
        // (Issued with the signing certificate into the same slot, so it is this holder's too.)
        let mut conn = self
            .store
            .pool()
            .acquire()
            .await
            .map_err(|e| plain(internal(e)))?;
        let encryption_certificate = crate::keys::pair_der(&mut conn, &serial)
            .await
            .map_err(|e| plain(internal(e)))?
            .map(|der| b64(&der));
        drop(conn);
        Ok((
            recorded_serial,
            SessionResult {
                certificate: b64(&der),
                chain: vec![b64(&issuing_der)],
                serial: serial.clone(),
                subject: info.subject_text,
                algorithm: alg.as_str().to_string(),
                statement: answer.statement.clone(),
                signature: answer.signature.clone(),
                cms: answer.cms.clone(),
                reencrypted_key: answer.reencrypted_key.clone(),
                seal_id,
                ses_signature: answer.ses_signature.clone(),
                ocsp_status: "good".into(),
                ocsp_response: b64(&ocsp),
                completed_at: rfc3339(now),
                encryption_certificate,
            },
        ))
    }

    /// The holder's verified name and the platform's name, as usage records show them.
    async fn usage_names(
        &self,
        s: &Session,
        account_id: &str,
    ) -> Result<(Option<String>, String), SessionError> {
        // The account answering is the one whose name is recorded.
        let own = policy::own_account(&Actor::Account(account_id.to_string())).map_err(internal)?;
        let holder = self
            .identities
            .get(&own)
            .await
            .map_err(internal)?
            .map(|i| i.name);
        let platform_name = self
            .platforms
            .get(&s.platform_id)
            .await
            .map(|p| p.name)
            .unwrap_or_else(|_| s.platform_id.clone());
        Ok((holder, platform_name))
    }

    /// A usage record of an attempt on `s`, with the names read before any transaction opens
    /// (SQLite has a single connection).
    async fn usage_row(
        &self,
        s: &Session,
        account_id: &str,
        outcome: Outcome,
        failure: Option<&str>,
        serial: Option<&str>,
        now: i64,
    ) -> Result<UsageRow, SessionError> {
        let (holder, platform_name) = self.usage_names(s, account_id).await?;
        Ok(UsageRow {
            id: ulid(from_unix_millis(now)).map_err(internal)?,
            session_id: s.id.clone(),
            account_id: account_id.to_string(),
            kind: s.kind,
            holder,
            serial: serial.map(str::to_string),
            platform_id: s.platform_id.clone(),
            platform_name,
            outcome,
            failure: failure.map(str::to_string),
            at: now,
            seal_id: s.stamp_seal_id.clone(),
            document_digest: s.document_digests.as_ref().and_then(|d| {
                d.sm3
                    .as_ref()
                    .map(|h| format!("sm3:{h}"))
                    .or_else(|| d.sha256.as_ref().map(|h| format!("sha256:{h}")))
            }),
        })
    }

    /// Moves a scanned session to its end state, with its usage record, in one transaction.
    /// Returns false when another submission ended it first.
    async fn end(
        &self,
        account_id: &str,
        s: &Session,
        outcome: Outcome,
        failure: Option<&str>,
        serial: Option<&str>,
        result: Option<&SessionResult>,
    ) -> Result<bool, SessionError> {
        let now = self.now_ms();
        let result = result
            .map(serde_json::to_string)
            .transpose()
            .map_err(internal)?;
        // Read everything before the transaction: SQLite has a single connection.
        let usage = self
            .usage_row(s, account_id, outcome, failure, serial, now)
            .await?;
        let mut tx = self.store.begin().await?;
        if !repo::finish(&mut tx, &s.id, outcome, failure, result.as_deref(), now).await? {
            return Ok(false);
        }
        usage.insert(&mut tx).await?;
        let state = outcome.state();
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &format!("account:{account_id}"),
            &format!("session.{}", state.as_str()),
            &s.id,
            &json!({"serial": serial, "failure": failure}),
        )
        .await?;
        let ended = Session {
            state,
            failure_code: failure.map(str::to_string),
            result,
            ..s.clone()
        };
        let callback = self.enqueue_callback(&mut tx, &ended).await?;
        tx.commit().await?;
        self.finished(callback);
        Ok(true)
    }

    async fn finish_completed(
        &self,
        account_id: &str,
        s: &Session,
        serial: &str,
        result: &SessionResult,
    ) -> Result<SessionStatus, SessionError> {
        let more = s
            .stamp
            .as_ref()
            .is_some_and(|r| (s.stamp_place as usize) + 1 < r.place_count());
        if s.kind == SessionKind::Stamp && more {
            return self.next_stamp(account_id, s, serial, result).await;
        }
        if !self
            .end(
                account_id,
                s,
                Outcome::Completed,
                None,
                Some(serial),
                Some(result),
            )
            .await?
        {
            // Lost a race with another submission: the first one stands.
            let e = SessionError::Finished(SessionState::Completed);
            self.record(s, account_id, Outcome::Failed, Some(e.code()), Some(serial))
                .await?;
            return Err(e);
        }
        let s = self.load(&s.id).await?;
        self.status_view(&s)
    }

    /// One stamp of several made: it is kept with the session (for the platform to embed)
    /// with its usage record, and the session moves on to the next stamp, still scanned.
    async fn next_stamp(
        &self,
        account_id: &str,
        s: &Session,
        serial: &str,
        result: &SessionResult,
    ) -> Result<SessionStatus, SessionError> {
        let now = self.now_ms();
        // Read everything before the transaction: SQLite has a single connection.
        let usage = self
            .usage_row(s, account_id, Outcome::Completed, None, Some(serial), now)
            .await?;
        let mut stamped = s.stamped.clone();
        stamped.push(StampedPlace {
            place: s.stamp_place,
            result: result.clone(),
        });
        let json = serde_json::to_string(&stamped).map_err(internal)?;
        let mut tx = self.store.begin().await?;
        if !stamp_repo::next_place(&mut tx, &s.id, s.stamp_place, &json).await? {
            drop(tx);
            // Another completion of this stamp came first: it stands.
            let e = SessionError::StampMade;
            self.record(s, account_id, Outcome::Failed, Some(e.code()), Some(serial))
                .await?;
            return Err(e);
        }
        usage.insert(&mut tx).await?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &format!("account:{account_id}"),
            "session.stamped",
            &s.id,
            &json!({"place": s.stamp_place, "serial": serial, "seal": s.stamp_seal_id}),
        )
        .await?;
        tx.commit().await?;
        self.changed.notify_waiters();
        let s = self.load(&s.id).await?;
        self.status_view(&s)
    }

    async fn finish_failed(
        &self,
        account_id: &str,
        s: &Session,
        e: &SessionError,
        serial: Option<&str>,
    ) -> Result<(), SessionError> {
        if !self
            .end(account_id, s, Outcome::Failed, Some(e.code()), serial, None)
            .await?
        {
            self.record(s, account_id, Outcome::Failed, Some(e.code()), serial)
                .await?;
        }
        Ok(())
    }

    /// The user declined on the phone.
    pub async fn decline(
        &self,
        owner: &OwnAccount,
        session_id: &str,
        req: &Decline,
    ) -> Result<SessionStatus, SessionError> {
        let account_id = owner.account_id();
        let s = self
            .scanned_with_ticket(account_id, session_id, &req.scan_ticket)
            .await?;
        if !self
            .end(
                account_id,
                &s,
                Outcome::Declined,
                Some("declined"),
                None,
                None,
            )
            .await?
        {
            return Err(SessionError::Finished(SessionState::Completed));
        }
        let s = self.load(&s.id).await?;
        self.status_view(&s)
    }

    /// A usage record for an attempt that did not change the session.
    pub(super) async fn record(
        &self,
        s: &Session,
        account_id: &str,
        outcome: Outcome,
        failure: Option<&str>,
        serial: Option<&str>,
    ) -> Result<(), SessionError> {
        let now = self.now_ms();
        let usage = self
            .usage_row(s, account_id, outcome, failure, serial, now)
            .await?;
        let mut tx = self.store.begin().await?;
        usage.insert(&mut tx).await?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &format!("account:{account_id}"),
            "session.attempt_refused",
            &s.id,
            &json!({"failure": failure}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// A usage record ready to be written in a unit of work.
#[derive(Debug)]
struct UsageRow {
    id: String,
    session_id: String,
    account_id: String,
    kind: SessionKind,
    holder: Option<String>,
    serial: Option<String>,
    platform_id: String,
    platform_name: String,
    outcome: Outcome,
    failure: Option<String>,
    at: i64,
    seal_id: Option<String>,
    document_digest: Option<String>,
}

impl UsageRow {
    async fn insert(&self, tx: &mut Tx) -> Result<(), SessionError> {
        repo::insert_usage(
            tx,
            &NewUsage {
                id: &self.id,
                session_id: &self.session_id,
                account_id: &self.account_id,
                kind: self.kind,
                holder_name: self.holder.as_deref(),
                certificate_serial: self.serial.as_deref(),
                platform_id: &self.platform_id,
                platform_name: &self.platform_name,
                outcome: self.outcome,
                failure_code: self.failure.as_deref(),
                at: self.at,
                seal_id: self.seal_id.as_deref(),
                document_digest: self.document_digest.as_deref(),
            },
        )
        .await?;
        Ok(())
    }
}
