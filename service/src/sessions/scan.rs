//! The phone's scan: the scan limits, the QR code's HMAC and age, the session's state and
//! recipient, and the binding of the session to the device with a fresh scan ticket.

use std::net::IpAddr;

use mcert_core::clock::{from_unix_millis, rfc3339};
use mcert_core::crypto::{hash, x509};
use mcert_core::scan::QrCode;
use mcert_core::wire::{PlatformInfo, ScanRequest, ScannedSession, SessionKind, StampView};
use serde_json::json;
use x509_cert::Certificate;
use zeroize::Zeroizing;

use super::holdings::{self, BidRecipient};
use super::repo::{self, Outcome, Session, SessionState};
use super::{
    MAX_QR_AGE_SECS, SCANS_PER_ACCOUNT, SCANS_PER_ADDRESS, SessionError, Sessions, internal,
    invalid,
};
use crate::audit;
use crate::authz::OwnAccount;
use crate::limits::{self, RetryAfter};

/// A refusal, with the session when it is known (the attempt is then recorded).
pub(super) type Refusal = (SessionError, Option<Box<Session>>);

/// The limit key of a client address: an IPv4 address, or an IPv6 /64 (one subscriber).
fn address_key(client: IpAddr) -> String {
    match client {
        IpAddr::V4(v4) => format!("scan-ip:{v4}"),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => format!("scan-ip:{v4}"),
            None => {
                let s = v6.segments();
                format!("scan-ip:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

impl Sessions {
    /// The phone scanned a QR code.
    pub async fn scan(
        &self,
        owner: &OwnAccount,
        client: IpAddr,
        req: &ScanRequest,
    ) -> Result<ScannedSession, SessionError> {
        let account_id = owner.account_id();
        self.claim_scan(account_id, client).await?;
        let device_ok = (8..=64).contains(&req.device_id.len())
            && req
                .device_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !device_ok {
            return Err(invalid(
                "device_id must be 8 to 64 letters, digits, '-' or '_'",
            ));
        }
        let code = QrCode::parse(&req.qr).map_err(SessionError::BadQr)?;
        let s = repo::by_token(self.store.pool(), &code.token)
            .await?
            .ok_or(SessionError::UnknownSession)?;
        match self.check_scan(account_id, &req.device_id, &code, s).await {
            Ok(view) => Ok(view),
            Err((e, Some(s))) => {
                self.record(&s, account_id, Outcome::Failed, Some(e.code()), None)
                    .await?;
                Err(e)
            }
            Err((e, None)) => Err(e),
        }
    }

    /// Takes a scan from the account's allowance, then from the client address's (so one
    /// account's flood does not use up the allowance of everyone behind its address). Each
    /// key is locked in its own short unit of work, so concurrent scans are counted one after
    /// another, in every service process. Refused scans reach no check and leave no usage
    /// record or audit event.
    async fn claim_scan(&self, account_id: &str, client: IpAddr) -> Result<(), SessionError> {
        let now = self.now_ms();
        let account_key = format!("scan-account:{account_id}");
        let mut tx = self.store.begin().await?;
        let by_account = limits::take(&mut tx, &account_key, SCANS_PER_ACCOUNT, now).await?;
        tx.commit().await?;
        by_account.map_err(|RetryAfter(s)| SessionError::AccountScanLimit(s))?;
        let mut tx = self.store.begin().await?;
        let by_address =
            limits::take(&mut tx, &address_key(client), SCANS_PER_ADDRESS, now).await?;
        tx.commit().await?;
        by_address.map_err(|RetryAfter(s)| SessionError::AddressScanLimit(s))
    }

    async fn check_scan(
        &self,
        account_id: &str,
        device_id: &str,
        code: &QrCode,
        s: Session,
    ) -> Result<ScannedSession, Refusal> {
        let fail = |e: SessionError, s: Session| Err((e, Some(Box::new(s))));
        if !code.authentic(&self.qr_secret(&s.qr_token)) {
            return fail(SessionError::QrForged, s);
        }
        let s = self.refresh(s).await.map_err(|e| (e, None))?;
        if s.state == SessionState::Expired {
            return fail(SessionError::Expired, s);
        }
        if s.state.is_final() {
            let state = s.state;
            return fail(SessionError::Finished(state), s);
        }
        let elapsed = u64::try_from((self.now_ms() - s.created_at).max(0)).unwrap_or(0) / 1000;
        if code.t > elapsed + 1 {
            return fail(SessionError::QrFuture, s);
        }
        if elapsed.saturating_sub(code.t) > MAX_QR_AGE_SECS {
            return fail(SessionError::QrStale(elapsed - code.t), s);
        }
        // Only the holder of the certificate the bid is sealed to may take a decrypt session.
        if s.kind == SessionKind::Decrypt {
            match self.bid_recipient(account_id, &s).await {
                Ok(_) => {}
                Err(e @ SessionError::NotBidRecipient) => return fail(e, s),
                Err(e) => return Err((e, None)),
            }
        }
        if s.state == SessionState::Scanned
            && (s.scanned_by.as_deref() != Some(account_id)
                || s.scanned_device.as_deref() != Some(device_id))
        {
            return fail(SessionError::Taken, s);
        }
        let mut raw = Zeroizing::new([0u8; 32]);
        if getrandom::fill(raw.as_mut()).is_err() {
            return fail(SessionError::Internal("rng".into()), s);
        }
        let ticket = hex::encode(raw.as_ref());
        let now = self.now_ms();
        let result = async {
            let mut tx = self.store.begin().await?;
            let ticket_hash = hex::encode(hash::sha256(ticket.as_bytes()));
            let bound =
                repo::mark_scanned(&mut tx, &s.id, account_id, device_id, &ticket_hash, now)
                    .await?;
            if bound {
                audit::append(
                    &mut tx,
                    self.store.engine(),
                    now,
                    &format!("account:{account_id}"),
                    "session.scanned",
                    &s.id,
                    &json!({"device": device_id}),
                )
                .await?;
            }
            tx.commit().await?;
            Ok::<_, SessionError>(bound)
        }
        .await;
        match result {
            Ok(true) => {}
            Ok(false) => return fail(SessionError::Taken, s),
            Err(e) => return Err((e, None)),
        }
        self.changed.notify_waiters();
        let mut view = match self.scanned_view(&s).await {
            Ok(v) => v,
            Err(e) => return Err((e, None)),
        };
        view.scan_ticket = ticket;
        let serials = match self.eligible(account_id, &s).await {
            Ok(v) => v,
            Err(e) => return Err((e, None)),
        };
        view.stamp = match self.stamp_view(account_id, &s, &serials).await {
            Ok(v) => v,
            Err(e) => return Err((e, None)),
        };
        // A stamp is answered by a certificate that has a seal usable here.
        view.eligible_serials = match &view.stamp {
            Some(stamp) => serials
                .into_iter()
                .filter(|serial| stamp.seals.iter().any(|x| &x.certificate_serial == serial))
                .collect(),
            None => serials,
        };
        Ok(view)
    }

    /// The session as the phone sees it (without ticket and eligible certificates).
    pub(super) async fn scanned_view(&self, s: &Session) -> Result<ScannedSession, SessionError> {
        let platform = self.platforms.get(&s.platform_id).await.map_err(internal)?;
        Ok(ScannedSession {
            session_id: s.id.clone(),
            scan_ticket: String::new(),
            platform: PlatformInfo {
                id: platform.id,
                name: platform.name,
                logo_url: platform.logo_url,
            },
            kind: s.kind,
            operation: s.kind.operation().to_string(),
            display: s.display.clone(),
            verification_code: s.verification_code.clone(),
            created_at: rfc3339(from_unix_millis(s.created_at)),
            expires_at: rfc3339(from_unix_millis(s.expires_at)),
            document_digests: s.document_digests.clone(),
            encrypted_key: s.encrypted_key.clone(),
            recipient_serial: s.recipient_serial.clone(),
            ephemeral_public_key: s.ephemeral_public_key.clone(),
            eligible_serials: Vec::new(),
            // What the statement needs of a stamp; the seals are added for the phone's view.
            stamp: s.stamp.clone().map(|request| StampView {
                request,
                seals: Vec::new(),
            }),
            stamp_seal_id: s.stamp_seal_id.clone(),
            stamp_place: s.stamp_place,
            opening_at: s.opening_at.map(|at| rfc3339(from_unix_millis(at))),
        })
    }

    /// The account's certificates that may answer: good, in validity, of an algorithm the
    /// session can use, with an allowed subject, and for a sealed bid, of its recipient.
    async fn eligible(&self, account_id: &str, s: &Session) -> Result<Vec<String>, SessionError> {
        let recipient = match s.kind {
            SessionKind::Decrypt => match self.bid_recipient(account_id, s).await {
                Ok(r) => Some(r),
                Err(SessionError::NotBidRecipient) => return Ok(Vec::new()),
                Err(e) => return Err(e),
            },
            _ => None,
        };
        let mut out = Vec::new();
        for held in holdings::usable(self.store.pool(), account_id, self.now_ms()).await? {
            let Ok(cert) = x509::parse_certificate(&held.der) else {
                continue;
            };
            let opens = recipient.as_ref().is_none_or(|r| r.may_answer(&cert));
            if opens && self.allowed(s, &cert).is_ok() {
                out.push(held.serial);
            }
        }
        Ok(out)
    }

    /// The certificate a decrypt session's bid is sealed to, if `account_id` holds it.
    pub(super) async fn bid_recipient(
        &self,
        account_id: &str,
        s: &Session,
    ) -> Result<BidRecipient, SessionError> {
        let serial = s
            .recipient_serial
            .as_deref()
            .ok_or(SessionError::NotBidRecipient)?;
        BidRecipient::held_by(self.store.pool(), account_id, serial).await
    }

    /// Whether the certificate's subject and algorithm may answer the session.
    pub(super) fn allowed(&self, s: &Session, cert: &Certificate) -> Result<(), SessionError> {
        let info = x509::info(cert).map_err(|_| SessionError::UnknownCertificate)?;
        if s.kind == SessionKind::Sign {
            let usable = s
                .document_digests
                .as_ref()
                .and_then(|d| d.for_algorithm(info.algorithm).ok().flatten())
                .is_some();
            if !usable {
                return Err(SessionError::SubjectNotAllowed);
            }
        }
        if let Some(lookup) = &s.allowed_id_lookup {
            let matches = info
                .subject
                .serial_number
                .as_deref()
                .is_some_and(|n| hash::ct_eq(n.as_bytes(), lookup.as_bytes()));
            if !matches {
                return Err(SessionError::SubjectNotAllowed);
            }
        }
        if let Some(code) = &s.allowed_org_code
            && info.subject.organization_identifier.as_deref() != Some(code.as_str())
        {
            return Err(SessionError::SubjectNotAllowed);
        }
        Ok(())
    }
}
