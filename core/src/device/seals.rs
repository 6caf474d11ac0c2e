//! Seals on the phone: claiming (申领: the bound certificate's key signs the claim statement
//! after the PIN unlocks it, so only the holder of that key can claim) and stamping a
//! platform's PDF by scan (文件签章).

use std::time::{Duration, Instant, SystemTime};

use base64ct::Encoding;

use super::flows::{Device, DeviceError, PendingScan};
use crate::crypto::{Algorithm, PrivateKey, Signer, x509};
use crate::scan::{self, ScanError};
use crate::wire::seals::{Seal, SealApproval, approval_statement, claim_statement};
use crate::wire::{ScannedSession, SessionStatus};

/// How often the phone asks whether the platform has prepared the document.
const POLL_EVERY: Duration = Duration::from_millis(300);

impl Device {
    /// Signs the statement `make(serial, account id)` with the key of the certificate `serial`
    /// on this phone, unlocked by `pin`; returns the stored serial and the signature (base64).
    async fn sign_statement(
        &self,
        serial: &str,
        pin: &str,
        make: impl FnOnce(&str, &str) -> String,
    ) -> Result<(String, String), DeviceError> {
        let stored = self
            .keys()
            .certificate_by_serial(serial)?
            .ok_or(DeviceError::NoEligibleCertificate)?;
        let account = self.client().me().await?;
        let key = self.unlock(&stored.key_id, pin).await?;
        let statement = make(&stored.serial, &account.id);
        let signature = key.sign(statement.as_bytes())?;
        Ok((stored.serial, base64ct::Base64::encode_string(&signature)))
    }

    /// Claims the approved seal `seal_id` of `org_id`, bound to the certificate `serial` held
    /// on this phone, with that certificate's PIN.
    pub async fn claim_seal(
        &self,
        org_id: &str,
        seal_id: &str,
        serial: &str,
        pin: &str,
    ) -> Result<Seal, DeviceError> {
        let (_, signature) = self
            .sign_statement(serial, pin, |serial, account| {
                claim_statement(seal_id, serial, account)
            })
            .await?;
        Ok(self
            .client()
            .claim_seal(org_id, seal_id, &signature)
            .await?)
    }
}

impl Device {
    /// 文件签章: stamps a scanned `stamp` session with `seal_id` (one of the session's
    /// offered seals) at every place it asks for. The PIN unlocks the seal's certificate key
    /// first (a wrong PIN stops here); then, place after place, the seal is picked, the
    /// platform prepares the PDF with its picture and, for a seal given with "each use
    /// approved", an admin approves (waiting at most `wait` for both), and the digest is signed:
    /// a CMS, and for SM2 the GB/T 38540 `SES_Signature` made with the seal the service issued.
    pub async fn stamp(
        &self,
        pending: &PendingScan,
        seal_id: &str,
        pin: &str,
        wait: Duration,
    ) -> Result<SessionStatus, DeviceError> {
        let picks = vec![seal_id.to_string(); places_of(pending)];
        let serial = stamp_certificate(pending, seal_id)?.serial.clone();
        self.stamp_places(pending, &picks, &[(serial, pin.to_string())], wait)
            .await
    }

    /// 文件签章 of a session with several places: `picks` is the seal for each place in order
    /// (see `StampRequest::place`), `pins` the PIN of each certificate those seals sign with.
    /// Every key is unlocked before anything is signed, so a wrong PIN stops the whole; then
    /// the places are stamped one after another (the platform embeds each before preparing
    /// the next). Returns the session's status after the last stamp.
    pub async fn stamp_places(
        &self,
        pending: &PendingScan,
        picks: &[String],
        pins: &[(String, String)],
        wait: Duration,
    ) -> Result<SessionStatus, DeviceError> {
        if picks.len() != places_of(pending) {
            return Err(DeviceError::SealNotOffered);
        }
        let choices = picks
            .iter()
            .map(|seal_id| stamp_certificate(pending, seal_id))
            .collect::<Result<Vec<_>, _>>()?;
        // Each certificate's key unlocked once, before any stamp.
        let mut keys: Vec<(String, PrivateKey, x509_cert::Certificate, Algorithm)> = Vec::new();
        for choice in &choices {
            if keys.iter().any(|(serial, ..)| serial == &choice.serial) {
                continue;
            }
            let pin = pins
                .iter()
                .find(|(serial, _)| serial.eq_ignore_ascii_case(&choice.serial))
                .map(|(_, pin)| pin.as_str())
                .ok_or(DeviceError::NoEligibleCertificate)?;
            let stored = self
                .keys()
                .certificate_by_serial(&choice.serial)?
                .ok_or(DeviceError::NoEligibleCertificate)?;
            let certificate = x509::parse_certificate(&stored.der)?;
            let key = self.unlock(&choice.key_id, pin).await?;
            keys.push((choice.serial.clone(), key, certificate, choice.algorithm));
        }
        let mut status = None;
        for (place, (seal_id, choice)) in picks.iter().zip(&choices).enumerate() {
            let (_, key, certificate, algorithm) = keys
                .iter()
                .find(|(serial, ..)| serial == &choice.serial)
                .ok_or(DeviceError::NoEligibleCertificate)?;
            let now = self
                .stamp_one(
                    pending,
                    place,
                    seal_id,
                    (key, certificate, *algorithm),
                    wait,
                )
                .await?;
            let more = now.status == "scanned";
            status = Some(now);
            if !more {
                break;
            }
        }
        status.ok_or(DeviceError::SealNotOffered)
    }

    /// Stamp `place` of the session with `seal_id`, signed by the unlocked `key`.
    async fn stamp_one(
        &self,
        pending: &PendingScan,
        place: usize,
        seal_id: &str,
        (key, certificate, algorithm): (&PrivateKey, &x509_cert::Certificate, Algorithm),
        wait: Duration,
    ) -> Result<SessionStatus, DeviceError> {
        let session = &pending.session;
        let client = self.client();
        let mut progress = client
            .choose_seal(&session.session_id, &session.scan_ticket, seal_id)
            .await?;
        if progress.place as usize != place {
            return Err(DeviceError::SealNotOffered);
        }
        let started = Instant::now();
        // The platform's digest, and for a seal given "each use approved", the admin's yes.
        let digests = loop {
            if progress.approval.as_deref() == Some("refused") {
                return Err(DeviceError::SealUseRefused);
            }
            let approved = matches!(progress.approval.as_deref(), None | Some("approved"));
            if approved && let Some(d) = progress.document_digests.take() {
                break d;
            }
            if started.elapsed() >= wait {
                return Err(DeviceError::StampTimeout(wait.as_secs()));
            }
            tokio::time::sleep(POLL_EVERY).await;
            progress = client
                .stamp_progress(&session.session_id, &session.scan_ticket)
                .await?;
        };
        if progress.seal_id.as_deref() != Some(seal_id) || progress.place as usize != place {
            return Err(DeviceError::SealNotOffered);
        }
        let answered = ScannedSession {
            document_digests: Some(digests),
            stamp_seal_id: Some(seal_id.to_string()),
            stamp_place: progress.place,
            ..session.clone()
        };
        let now = SystemTime::now();
        let mut completion = scan::answer(&answered, key, certificate, &[], None, now)?;
        if algorithm == Algorithm::Sm2 {
            let seal_der = progress
                .seal
                .as_deref()
                .ok_or(ScanError::Missing("seal"))
                .and_then(|s| scan::unb64("seal", s))?;
            scan::add_seal_signature(&mut completion, &answered, key, certificate, &seal_der, now)?;
        }
        Ok(client.complete(&session.session_id, &completion).await?)
    }
}

impl Device {
    /// 用印审批: an admin approves a member's use of a granted seal with their own certificate
    /// `serial` of the organisation, unlocked by `pin`.
    pub async fn approve_seal_use(
        &self,
        org_id: &str,
        approval: &SealApproval,
        serial: &str,
        pin: &str,
    ) -> Result<SealApproval, DeviceError> {
        let (stored_serial, signature) = self
            .sign_statement(serial, pin, |_, account| {
                approval_statement(
                    &approval.id,
                    &approval.session_id,
                    &approval.seal_id,
                    account,
                )
            })
            .await?;
        Ok(self
            .client()
            .approve_seal_use(org_id, &approval.id, &stored_serial, &signature)
            .await?)
    }
}

/// How many places a scanned stamp session stamps.
fn places_of(pending: &PendingScan) -> usize {
    pending
        .session
        .stamp
        .as_ref()
        .map_or(1, |s| s.request.place_count())
}

/// The certificate on this phone that signs with the offered seal `seal_id` of a scanned stamp
/// session.
fn stamp_certificate<'a>(
    pending: &'a PendingScan,
    seal_id: &str,
) -> Result<&'a super::flows::ScanChoice, DeviceError> {
    let offered = pending
        .session
        .stamp
        .as_ref()
        .and_then(|s| s.seals.iter().find(|x| x.id == seal_id))
        .ok_or(DeviceError::SealNotOffered)?;
    pending
        .choices
        .iter()
        .find(|c| c.serial.eq_ignore_ascii_case(&offered.certificate_serial))
        .ok_or(DeviceError::NoEligibleCertificate)
}
