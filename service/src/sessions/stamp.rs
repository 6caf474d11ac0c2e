//! Stamp sessions (文件签章): the request checked at creation, the seals the phone may pick,
//! the pick, the platform's digest of the PDF it prepared with that seal's picture, and the
//! checks of the stamp at completion (the seal still claimed and bound to the certificate that
//! signed; for SM2 the GB/T 38540 signature over that digest).
//!
//! The phone picks a seal → the platform sees it in the status (picture, GB/T 38540 seal,
//! certificate), prepares the PDF and sends the byte-range digest (naming the seal it drew) →
//! the phone, polling, gets the digest and signs. The pick can change until the digest arrives;
//! the digest is taken once and only for the seal picked at that moment.

use mcert_core::crypto::seal::MakerTrust;
use mcert_core::crypto::{Algorithm, x509};
use mcert_core::scan;
use mcert_core::wire::{
    ChooseSeal, Completion, DocumentDigests, SessionKind, SessionStatus, StampChoice, StampDigest,
    StampPlace, StampProgress, StampRequest, StampSeal, StampView,
};
use serde_json::json;
use x509_cert::Certificate;

use super::repo::{Session, SessionState};
use super::{SessionError, Sessions, b64, internal, invalid};
use super::{holdings, stamp_repo};
use crate::audit;
use crate::authz::{OwnAccount, OwnPlatform};
use crate::seals::{GrantRow, PERSONAL_KIND, SealFiles, SealKind, StampableSeal, UseFacts};

/// Most pages a stamped document may have.
const MAX_PAGES: u32 = 10_000;
/// Further stamps one session may make after its first.
const MAX_MORE_PLACES: usize = 9;
/// Most pages a 骑缝章 spans (mcert-pdf's limit).
const MAX_CROSS_PAGES: u32 = 50;
/// Largest side of a stamp's rectangle, in points (an A3 page's long side is 1191).
const MAX_RECT: u32 = 14_400;

/// Checks a stamp request at session creation.
pub(super) fn validate_request(stamp: &StampRequest) -> Result<(), SessionError> {
    if !(1..=MAX_PAGES).contains(&stamp.page_count) {
        return Err(invalid("stamp.page_count must be 1 to 10000"));
    }
    if stamp.cross_page && !(2..=MAX_CROSS_PAGES).contains(&stamp.page_count) {
        return Err(invalid(
            "stamp.cross_page needs a document of 2 to 50 pages",
        ));
    }
    if stamp.more_places.len() > MAX_MORE_PLACES {
        return Err(invalid("stamp.more_places lists at most 9 places"));
    }
    for place in (0..stamp.place_count()).filter_map(|i| stamp.place(i)) {
        validate_place(&place, stamp.page_count)?;
    }
    Ok(())
}

/// Checks one place of a stamp request.
fn validate_place(place: &StampPlace, page_count: u32) -> Result<(), SessionError> {
    if place.page < 1 || place.page > page_count {
        return Err(invalid("stamp.page must be a page of the document"));
    }
    let [x0, y0, x1, y1] = place.rect;
    if x0 >= x1 || y0 >= y1 || x1 > MAX_RECT || y1 > MAX_RECT {
        return Err(invalid(
            "stamp.rect must be [x0, y0, x1, y1] with x0 < x1, y0 < y1, within 14400 points",
        ));
    }
    if place.seal_kinds.len() > 8 {
        return Err(invalid("stamp.seal_kinds lists at most 8 kinds"));
    }
    for kind in &place.seal_kinds {
        if SealKind::parse(kind).is_none() && kind != PERSONAL_KIND {
            return Err(invalid(format!(
                "stamp.seal_kinds: unknown seal kind {kind:?}"
            )));
        }
    }
    Ok(())
}

/// Whether `kinds` (a place's accepted kinds; empty: any) takes a seal of `kind`.
fn accepts(kinds: &[String], kind: &str) -> bool {
    kinds.is_empty() || kinds.iter().any(|k| k == kind)
}

impl Sessions {
    fn seals_or_off(&self) -> Result<&crate::seals::Seals, SessionError> {
        self.seals.as_ref().ok_or(SessionError::StampingOff)
    }

    /// The seals the account may stamp with in `s`: claimed seals bound to `serials`
    /// (certificates it may answer with), and seals given to it whose limits allow this
    /// session, each of a kind the session accepts.
    pub(super) async fn stamp_seals(
        &self,
        account_id: &str,
        s: &Session,
        serials: &[String],
    ) -> Result<Vec<StampSeal>, SessionError> {
        let request = s.stamp.as_ref().ok_or(SessionError::StampingOff)?;
        let seals = self.seals_or_off()?;
        // Offered when some place of the session takes it (the phone picks per place).
        let places: Vec<StampPlace> = (0..request.place_count())
            .filter_map(|i| request.place(i))
            .collect();
        let kind_ok = |kind: &str| places.iter().any(|p| accepts(&p.seal_kinds, kind));
        let mut out: Vec<StampSeal> = seals
            .claimed_for_certificates(serials)
            .await
            .map_err(internal)?
            .into_iter()
            .filter(|r| kind_ok(&r.kind))
            .map(|r| StampSeal {
                kind_label: r.kind_label,
                id: r.id,
                kind: r.kind,
                name: r.name,
                certificate_serial: r.certificate_serial,
                limits: None,
                approval_required: false,
            })
            .collect();
        for (row, grant) in seals
            .granted_to(account_id, serials)
            .await
            .map_err(internal)?
        {
            if kind_ok(&row.kind)
                && grant.allows_project(request.project_code.as_deref())
                && !out.iter().any(|x| x.id == row.id)
            {
                out.push(StampSeal {
                    kind_label: row.kind_label(),
                    id: row.id,
                    kind: row.kind,
                    name: row.name,
                    certificate_serial: grant.certificate_serial.clone(),
                    limits: Some(grant.limits()),
                    approval_required: grant.approval_required(),
                });
            }
        }
        Ok(out)
    }

    /// The phone's view of a stamp session: the request and the seals it may use.
    pub(super) async fn stamp_view(
        &self,
        account_id: &str,
        s: &Session,
        serials: &[String],
    ) -> Result<Option<StampView>, SessionError> {
        if s.kind != SessionKind::Stamp {
            return Ok(None);
        }
        let request = s.stamp.clone().ok_or(SessionError::StampingOff)?;
        Ok(Some(StampView {
            request,
            seals: self.stamp_seals(account_id, s, serials).await?,
        }))
    }

    /// A claimed seal this account may stamp with in `s`, the certificate that signs with it,
    /// and the grant when the seal is given to the account rather than its own.
    async fn usable_seal(
        &self,
        account_id: &str,
        s: &Session,
        seal_id: &str,
    ) -> Result<(StampableSeal, Certificate, Option<GrantRow>), SessionError> {
        let request = s.stamp.as_ref().ok_or(SessionError::StampingOff)?;
        let seals = self.seals_or_off()?;
        let seal = seals
            .claimed_seal(seal_id)
            .await
            .map_err(internal)?
            .ok_or(SessionError::SealNotUsable)?;
        let place = request
            .place(s.stamp_place as usize)
            .ok_or(SessionError::SealNotUsable)?;
        if !accepts(&place.seal_kinds, &seal.kind) {
            return Err(SessionError::SealNotUsable);
        }
        let usable = holdings::usable(self.store.pool(), account_id, self.now_ms()).await?;
        let serials: Vec<String> = usable.iter().map(|c| c.serial.clone()).collect();
        let grant = if serials.contains(&seal.certificate_serial) {
            None
        } else {
            let (_, grant) = seals
                .granted_to(account_id, &serials)
                .await
                .map_err(internal)?
                .into_iter()
                .find(|(row, g)| {
                    row.id == seal_id && g.allows_project(request.project_code.as_deref())
                })
                .ok_or(SessionError::SealNotUsable)?;
            Some(grant)
        };
        let serial = grant
            .as_ref()
            .map_or(&seal.certificate_serial, |g| &g.certificate_serial);
        let held = usable
            .iter()
            .find(|c| &c.serial == serial)
            .ok_or(SessionError::SealNotUsable)?;
        let cert = x509::parse_certificate(&held.der).map_err(internal)?;
        self.allowed(s, &cert)
            .map_err(|_| SessionError::SealNotUsable)?;
        Ok((seal, cert, grant))
    }

    /// The approval a granted seal's use is waiting for (`pending`, `approved`, `refused`).
    async fn approval(&self, s: &Session) -> Result<Option<String>, SessionError> {
        let Some(grant_id) = &s.stamp_grant_id else {
            return Ok(None);
        };
        let seals = self.seals_or_off()?;
        let needs = seals
            .grant_row(grant_id)
            .await
            .map_err(internal)?
            .is_some_and(|g| g.approval_required());
        if !needs {
            return Ok(None);
        }
        Ok(Some(
            seals
                .approval_status(&s.id, grant_id)
                .await
                .map_err(internal)?
                .unwrap_or_else(|| "pending".into()),
        ))
    }

    /// The GB/T 38540 seal a session's stamp is made with: the grant's own for a seal given
    /// to the member, else the seal's.
    async fn seal_file(
        &self,
        s: &Session,
        seal: Option<&StampableSeal>,
    ) -> Result<Option<Vec<u8>>, SessionError> {
        Ok(self.seal_files(s, seal).await?.der)
    }

    /// The GB/T 38540 seal (SM2) and the P-256 binding of a session's stamp: the grant's own
    /// for a seal given to the member, else the seal's.
    async fn seal_files(
        &self,
        s: &Session,
        seal: Option<&StampableSeal>,
    ) -> Result<SealFiles, SessionError> {
        match &s.stamp_grant_id {
            Some(grant_id) => Ok(self
                .seals_or_off()?
                .grant_row(grant_id)
                .await
                .map_err(internal)?
                .map(|g| SealFiles {
                    der: g.seal_der,
                    binding: g.binding,
                })
                .unwrap_or_default()),
            None => Ok(seal
                .map(|x| SealFiles {
                    der: x.seal_der.clone(),
                    binding: x.binding.clone(),
                })
                .unwrap_or_default()),
        }
    }

    async fn progress(
        &self,
        s: &Session,
        seal: Option<&StampableSeal>,
    ) -> Result<StampProgress, SessionError> {
        Ok(StampProgress {
            seal_id: s.stamp_seal_id.clone(),
            seal: self.seal_file(s, seal).await?.as_deref().map(b64),
            document_digests: s.document_digests.clone(),
            approval: self.approval(s).await?,
            place: s.stamp_place,
        })
    }

    /// The phone picks the seal (again, until the platform has sent its digest).
    pub async fn choose_seal(
        &self,
        owner: &OwnAccount,
        session_id: &str,
        req: &ChooseSeal,
    ) -> Result<StampProgress, SessionError> {
        let account_id = owner.account_id();
        let s = self
            .scanned_with_ticket(account_id, session_id, &req.scan_ticket)
            .await?;
        if s.kind != SessionKind::Stamp {
            return Err(invalid("only a stamp session takes a seal"));
        }
        let (seal, _, grant) = self.usable_seal(account_id, &s, &req.seal_id).await?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let grant_id = grant.as_ref().map(|g| g.id.as_str());
        if !stamp_repo::choose_seal(&mut tx, &s.id, s.stamp_place, &req.seal_id, grant_id).await? {
            drop(tx);
            let now_s = self.load(&s.id).await?;
            return Err(match now_s.state {
                SessionState::Scanned => SessionError::SealFixed,
                state => SessionError::Finished(state),
            });
        }
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &format!("account:{account_id}"),
            "session.seal_chosen",
            &s.id,
            &json!({"seal": req.seal_id, "place": s.stamp_place}),
        )
        .await?;
        tx.commit().await?;
        // Each use of a seal given with "approved by an admin" asks the admins now.
        if let Some(g) = grant.as_ref().filter(|g| g.approval_required()) {
            let platform = self.platforms.get(&s.platform_id).await.map_err(internal)?;
            self.seals_or_off()?
                .request_approval(
                    g,
                    &seal.name,
                    &UseFacts {
                        session_id: &s.id,
                        platform_name: &platform.name,
                        project: s.display.project.as_deref(),
                        project_code: s.stamp.as_ref().and_then(|x| x.project_code.as_deref()),
                        document_name: s.display.document_name.as_deref(),
                    },
                )
                .await
                .map_err(internal)?;
        }
        self.changed.notify_waiters();
        let s = self.load(&s.id).await?;
        self.progress(&s, Some(&seal)).await
    }

    /// Where the stamp session stands, for the phone that scanned it.
    pub async fn stamp_progress(
        &self,
        owner: &OwnAccount,
        session_id: &str,
        ticket: &str,
    ) -> Result<StampProgress, SessionError> {
        let account_id = owner.account_id();
        let s = self
            .scanned_with_ticket(account_id, session_id, ticket)
            .await?;
        let seal = match &s.stamp_seal_id {
            Some(id) => self
                .seals_or_off()?
                .claimed_seal(id)
                .await
                .map_err(internal)?,
            None => None,
        };
        self.progress(&s, seal.as_ref()).await
    }

    /// The seal picked, as the platform's status shows it.
    pub(super) async fn stamp_choice(
        &self,
        s: &Session,
    ) -> Result<Option<StampChoice>, SessionError> {
        let (Some(seal_id), Some(account_id)) = (&s.stamp_seal_id, &s.scanned_by) else {
            return Ok(None);
        };
        if s.state.is_final() && s.state != SessionState::Completed {
            return Ok(None);
        }
        let seals = self.seals_or_off()?;
        let Some(seal) = seals.claimed_seal(seal_id).await.map_err(internal)? else {
            return Ok(None);
        };
        let serial = match &s.stamp_grant_id {
            Some(grant_id) => match seals.grant_row(grant_id).await.map_err(internal)? {
                Some(g) => g.certificate_serial,
                None => return Ok(None),
            },
            None => seal.certificate_serial.clone(),
        };
        let Some(held) = holdings::held(self.store.pool(), account_id, &serial).await? else {
            return Ok(None);
        };
        let cert = x509::parse_certificate(&held.der).map_err(internal)?;
        let alg = x509::certificate_public_key(&cert)
            .map_err(internal)?
            .algorithm();
        let h = self.authority.hierarchy(alg)?;
        let picture = seals.picture_png(&seal).await.map_err(internal)?;
        let files = self.seal_files(s, Some(&seal)).await?;
        Ok(Some(StampChoice {
            seal_id: seal.id.clone(),
            seal_kind: seal.kind.clone(),
            seal_name: seal.name.clone(),
            width_mm: seal.width_mm,
            height_mm: seal.height_mm,
            picture_png: b64(&picture),
            seal: files.der.as_deref().map(b64),
            binding: files.binding.as_deref().map(b64),
            certificate: b64(&held.der),
            chain: vec![b64(&x509::to_der(&h.issuing).map_err(internal)?)],
            algorithm: alg.as_str().to_string(),
            digest_received: s.document_digests.is_some(),
            place: s.stamp_place,
        }))
    }

    /// The platform sends the digest of the PDF it prepared with the picked seal's picture.
    pub async fn stamp_digest(
        &self,
        platform: &OwnPlatform,
        session_id: &str,
        req: &StampDigest,
    ) -> Result<SessionStatus, SessionError> {
        let s = self.load(session_id).await?;
        if s.platform_id != platform.platform_id() {
            return Err(SessionError::UnknownSession);
        }
        let s = self.refresh(s).await?;
        if s.kind != SessionKind::Stamp {
            return Err(invalid("only a stamp session takes a digest"));
        }
        match s.state {
            SessionState::Scanned => {}
            SessionState::Created => return Err(SessionError::NotScanned),
            SessionState::Expired => return Err(SessionError::Expired),
            state => return Err(SessionError::Finished(state)),
        }
        if req.place != s.stamp_place {
            return Err(SessionError::WrongPlace(s.stamp_place));
        }
        if s.document_digests.is_some() {
            return Err(SessionError::DigestSent);
        }
        let picked = s
            .stamp_seal_id
            .as_deref()
            .ok_or(SessionError::NoSealPicked)?;
        if picked != req.seal_id {
            return Err(SessionError::SealChanged);
        }
        let digest = req.digest.trim().to_ascii_lowercase();
        if digest.len() != 64 || !digest.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(invalid("digest must be 64 hex digits"));
        }
        let choice = self
            .stamp_choice(&s)
            .await?
            .ok_or(SessionError::SealNotUsable)?;
        let digests = if choice.algorithm == Algorithm::Sm2.as_str() {
            DocumentDigests {
                sm3: Some(digest),
                sha256: None,
            }
        } else {
            DocumentDigests {
                sm3: None,
                sha256: Some(digest),
            }
        };
        let json = serde_json::to_string(&digests).map_err(internal)?;
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        if !stamp_repo::set_stamp_digest(&mut tx, &s.id, s.stamp_place, picked, &json).await? {
            drop(tx);
            let now_s = self.load(&s.id).await?;
            return Err(if now_s.document_digests.is_some() {
                SessionError::DigestSent
            } else if now_s.state != SessionState::Scanned {
                SessionError::Finished(now_s.state)
            } else {
                SessionError::SealChanged
            });
        }
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &format!("platform:{}", s.platform_id),
            "session.stamp_digest",
            &s.id,
            &json!({"seal": picked, "place": s.stamp_place}),
        )
        .await?;
        tx.commit().await?;
        self.changed.notify_waiters();
        let s = self.load(&s.id).await?;
        let mut view = self.status_view(&s)?;
        view.stamp = Some(StampChoice {
            digest_received: true,
            ..choice
        });
        Ok(view)
    }

    /// At completion: the seal picked is still claimed and bound to the certificate that
    /// answered, and for SM2 the `SES_Signature` verifies over the digest with that seal.
    pub(super) async fn check_stamp(
        &self,
        s: &Session,
        answer: &Completion,
        cert: &Certificate,
    ) -> Result<String, SessionError> {
        let seal_id = s
            .stamp_seal_id
            .as_deref()
            .ok_or(SessionError::NoSealPicked)?;
        let seal = self
            .seals_or_off()?
            .claimed_seal(seal_id)
            .await
            .map_err(internal)?
            .ok_or(SessionError::SealNotUsable)?;
        let serial = x509::serial_hex(cert);
        match &s.stamp_grant_id {
            None if seal.certificate_serial == serial => {}
            None => return Err(SessionError::SealNotUsable),
            Some(grant_id) => {
                // The grant still holds now: in force, this certificate, this project, and
                // the admin's approval when each use needs one.
                let grant = self
                    .seals_or_off()?
                    .grant_row(grant_id)
                    .await
                    .map_err(internal)?
                    .ok_or(SessionError::SealNotUsable)?;
                let project = s.stamp.as_ref().and_then(|x| x.project_code.as_deref());
                if grant.seal_id != seal_id
                    || grant.certificate_serial != serial
                    || !grant.active(self.now_ms())
                    || !grant.allows_project(project)
                {
                    return Err(SessionError::SealNotUsable);
                }
                match self.approval(s).await?.as_deref() {
                    None | Some("approved") => {}
                    Some("refused") => return Err(SessionError::UseRefused),
                    Some(_) => return Err(SessionError::ApprovalPending),
                }
            }
        }
        let alg = x509::certificate_public_key(cert)
            .map_err(internal)?
            .algorithm();
        let digest = s
            .document_digests
            .as_ref()
            .ok_or(SessionError::DigestPending)?
            .for_algorithm(alg)
            .map_err(SessionError::Answer)?
            .ok_or(SessionError::DigestPending)?;
        if alg == Algorithm::Sm2 {
            let ses = answer.ses_signature.as_deref().ok_or(SessionError::Answer(
                scan::ScanError::Missing("ses_signature"),
            ))?;
            let made = self
                .seal_file(s, Some(&seal))
                .await?
                .ok_or(SessionError::SealNotUsable)?;
            // A grant's seal carries the grant's id; the seal's own, the seal's.
            let es_id = s.stamp_grant_id.as_deref().unwrap_or(seal_id);
            let h = self.authority.hierarchy(alg)?;
            scan::check_seal_signature(
                ses,
                &s.id,
                Some(es_id),
                &digest,
                cert,
                MakerTrust::Anchors {
                    anchors: std::slice::from_ref(&h.root),
                    intermediates: std::slice::from_ref(&h.issuing),
                },
                self.clock.now(),
            )
            .map_err(SessionError::Answer)?;
            // The seal inside the signature is the one the service made, byte for byte.
            let signature = scan::unb64("ses_signature", ses).map_err(SessionError::Answer)?;
            let parsed = mcert_core::crypto::seal::SesSignature::from_der(&signature)
                .map_err(|e| SessionError::Answer(scan::ScanError::BadSeal(e.to_string())))?;
            if parsed.seal().to_der() != made {
                return Err(SessionError::Answer(scan::ScanError::BadSeal(
                    "the seal is not the one this service made".into(),
                )));
            }
        } else if answer.ses_signature.is_some() {
            return Err(invalid("a P-256 stamp carries no GB/T 38540 signature"));
        }
        Ok(seal_id.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> StampRequest {
        StampRequest {
            page_count: 3,
            page: 3,
            rect: [380, 80, 520, 220],
            seal_kinds: vec!["official".into(), PERSONAL_KIND.into()],
            project_code: None,
            cross_page: true,
            more_places: vec![StampPlace {
                page: 1,
                rect: [60, 60, 200, 200],
                seal_kinds: vec![PERSONAL_KIND.into()],
            }],
        }
    }

    #[test]
    fn a_stamp_request_is_checked_before_the_session_exists() {
        assert!(validate_request(&request()).is_ok());
        let refused = |change: fn(&mut StampRequest)| {
            let mut r = request();
            change(&mut r);
            validate_request(&r).is_err()
        };
        assert!(refused(|r| r.page_count = 0));
        assert!(refused(|r| r.page_count = MAX_PAGES + 1));
        assert!(refused(|r| r.page = 0));
        assert!(refused(|r| r.page = 4));
        assert!(refused(|r| r.rect = [520, 80, 380, 220]));
        assert!(refused(|r| r.rect = [0, 0, MAX_RECT + 1, 10]));
        assert!(refused(|r| r.seal_kinds = vec!["stamp".into()]));
        assert!(refused(|r| r.seal_kinds = vec!["official".into(); 9]));
        // 骑缝章 needs 2 to 50 pages.
        assert!(refused(|r| {
            r.page_count = 1;
            r.page = 1;
        }));
        assert!(refused(|r| r.page_count = MAX_CROSS_PAGES + 1));
        assert!(refused(|r| r.more_places[0].page = 4));
        assert!(refused(|r| r.more_places[0].rect = [60, 60, 60, 200]));
        assert!(refused(
            |r| r.more_places[0].seal_kinds = vec!["stamp".into()]
        ));
        assert!(refused(|r| {
            let extra = r.more_places[0].clone();
            r.more_places = vec![extra; MAX_MORE_PLACES + 1];
        }));
        // A place without kinds of its own takes the request's.
        let mut inherit = request();
        inherit.more_places[0].seal_kinds.clear();
        assert_eq!(
            inherit.place(1).map(|p| p.seal_kinds),
            Some(inherit.seal_kinds.clone())
        );
        assert_eq!(inherit.place(2), None);
        let mut many = request();
        many.cross_page = false;
        many.page_count = 500;
        assert!(validate_request(&many).is_ok());
    }
}
