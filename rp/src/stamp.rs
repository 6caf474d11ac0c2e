//! Stamping (签章) on the platform's side: wait for the seal the phone picks, prepare the PDF
//! with that seal's picture at the requested place, send the byte-range digest, and embed the
//! phone's signature; and verify a stamped PDF received from anyone (every signature: the
//! chain to a pinned root, the status by OCSP, the seal and its binding, what changed after).
//!
//! SM2 stamps carry a GB/T 38540 `SES_Signature` in `/Contents` (`/SubFilter
//! /GBT38540.SESSignature`, data hash SM3 over the byte ranges); P-256 stamps carry a detached
//! CMS (`adbe.pkcs7.detached`, SHA-256) that pyHanko and pdfsig check.

use std::time::{Duration, SystemTime};

use base64ct::Encoding;
use mcert_core::crypto::path::{self, ValidationOptions};
use mcert_core::crypto::revocation::{self, CertId, CertStatus};
use mcert_core::crypto::seal::{self, MakerTrust, SesSignature};
use mcert_core::crypto::{Algorithm, cms, hash, seal_binding, x509};
use mcert_core::wire::{SessionStatus, StampChoice, StampDigest, StampRequest, routes};
use mcert_pdf::{Prepared, SignatureInfo, StampPlacement, SubFilter};
use x509_cert::Certificate;

use super::client::{RpClient, RpError};

/// Room for the signature in the placeholder (a CMS with one certificate, or an
/// `SES_Signature` carrying the seal and its picture).
const CONTENTS_LEN: usize = 192 * 1024;

fn unb64(what: &str, text: &str) -> Result<Vec<u8>, RpError> {
    base64ct::Base64::decode_vec(text.trim())
        .map_err(|_| RpError::Decode(format!("{what}: not base64")))
}

fn pdf_err(e: mcert_pdf::PdfError) -> RpError {
    RpError::Decode(format!("PDF: {e}"))
}

/// The digest a signer of `alg` signs over a prepared PDF's byte ranges.
fn byte_range_digest(prepared: &Prepared, alg: Algorithm) -> Result<[u8; 32], RpError> {
    let (a, b) = prepared.signed_parts().map_err(pdf_err)?;
    Ok(alg.digest(&[a, b].concat()))
}

/// A PDF prepared for the phone's seal, kept by the platform until the signature arrives.
#[derive(Clone, Debug)]
pub struct PreparedStamp {
    pub prepared: Prepared,
    pub seal_id: String,
    pub algorithm: Algorithm,
    /// The digest sent to the service (hex).
    pub digest: String,
    /// Which stamp of the session it is (0-based; see `StampRequest::place`).
    pub place: u32,
}

/// Prepares `pdf` for the seal the phone picked for the session's current stamp
/// (`choice.place`): the seal's picture at its real size, centred in that place's rectangle on
/// its page (smaller when the rectangle is), a signature field named `field_name`, an empty
/// signature of the right kind; the first stamp also as 骑缝章 when the request asks.
pub fn prepare_stamp(
    pdf: &[u8],
    request: &StampRequest,
    choice: &StampChoice,
    field_name: &str,
    signing_time: &str,
) -> Result<PreparedStamp, RpError> {
    let algorithm = Algorithm::parse(&choice.algorithm)
        .map_err(|_| RpError::Decode(format!("unknown algorithm {}", choice.algorithm)))?;
    let sub_filter = match algorithm {
        Algorithm::Sm2 => SubFilter::GbtSesSignature,
        Algorithm::P256 => SubFilter::AdbePkcs7Detached,
    };
    let place = request
        .place(choice.place as usize)
        .ok_or_else(|| RpError::Decode(format!("the request has no stamp {}", choice.place)))?;
    let placement = StampPlacement {
        page: place.page,
        rect_pt: real_size(
            place.rect.map(|v| v as f32),
            choice.width_mm,
            choice.height_mm,
        ),
        image_png: unb64("picture_png", &choice.picture_png)?,
        name: field_name.to_string(),
        reason: Some(format!("{}盖章", choice.seal_name)),
        signer_name: Some(choice.seal_name.clone()),
        // A P-256 seal's binding goes where the stamp's signature covers it.
        seal_binding: match (algorithm, &choice.binding) {
            (Algorithm::P256, Some(b)) => Some(unb64("binding", b)?),
            _ => None,
        },
        cross_page: request.cross_page && choice.place == 0,
    };
    let prepared = mcert_pdf::prepare(pdf, &placement, sub_filter, CONTENTS_LEN, signing_time)
        .map_err(pdf_err)?;
    let digest = hex::encode(byte_range_digest(&prepared, algorithm)?);
    Ok(PreparedStamp {
        prepared,
        seal_id: choice.seal_id.clone(),
        algorithm,
        digest,
        place: choice.place,
    })
}

/// Where the seal is drawn: at its real size (a 42 mm 公章 prints 42 mm wide, a 20 mm name seal
/// 20 mm) centred in the place the platform asked for, or scaled down to fit a smaller place.
fn real_size(rect: [f32; 4], width_mm: i64, height_mm: i64) -> [f32; 4] {
    let pt = |mm: i64| mm as f32 / 25.4 * 72.0;
    let (w, h) = (pt(width_mm), pt(height_mm));
    let [x0, y0, x1, y1] = rect;
    if !(w > 0.0 && h > 0.0) || x1 <= x0 || y1 <= y0 {
        return rect;
    }
    let scale = ((x1 - x0) / w).min((y1 - y0) / h).min(1.0);
    let (w, h) = (w * scale, h * scale);
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    [cx - w / 2.0, cy - h / 2.0, cx + w / 2.0, cy + h / 2.0]
}

/// Embeds the phone's signature of `stamp` from the session's status: the stamp made at that
/// place (a session with several), or the completed session's result.
pub fn embed_stamp(stamp: PreparedStamp, status: &SessionStatus) -> Result<Vec<u8>, RpError> {
    let result = status
        .stamped
        .iter()
        .find(|p| p.place == stamp.place)
        .map(|p| &p.result)
        .or(status.result.as_ref())
        .ok_or_else(|| RpError::Decode("the stamp was not made".into()))?;
    if result.seal_id.as_deref() != Some(stamp.seal_id.as_str()) {
        return Err(RpError::Decode(
            "signed with another seal than prepared".into(),
        ));
    }
    let contents = match stamp.algorithm {
        Algorithm::Sm2 => result.ses_signature.as_deref(),
        Algorithm::P256 => result.cms.as_deref(),
    }
    .ok_or_else(|| RpError::Decode("the result carries no stamp signature".into()))?;
    let der = unb64("signature", contents)?;
    // What is embedded signs this PDF's byte ranges (the result itself is checked with
    // `mcert_rp::client::verify`).
    let digest = hex::decode(&stamp.digest).map_err(|_| RpError::Decode("digest".into()))?;
    let covers = match stamp.algorithm {
        Algorithm::Sm2 => SesSignature::from_der(&der)
            .map(|s| s.tbs().data_hash == digest)
            .unwrap_or(false),
        Algorithm::P256 => cms::verify_detached(&der, &digest).is_ok(),
    };
    if !covers {
        return Err(RpError::Decode(
            "the stamp signature does not sign the prepared PDF".into(),
        ));
    }
    mcert_pdf::embed(stamp.prepared, &der).map_err(pdf_err)
}

impl RpClient {
    /// Waits (long-polling) until the phone has picked a seal or the session ended.
    pub async fn wait_for_seal(
        &self,
        session_id: &str,
        timeout: Duration,
    ) -> Result<SessionStatus, RpError> {
        self.wait_until(session_id, timeout, |status| {
            status.stamp.as_ref().is_some_and(|c| !c.digest_received)
        })
        .await
    }

    /// Waits (long-polling) until stamp `place` is made (a session with several stamps keeps
    /// each in its status) or the session ended.
    pub async fn wait_for_stamp(
        &self,
        session_id: &str,
        place: u32,
        timeout: Duration,
    ) -> Result<SessionStatus, RpError> {
        self.wait_until(session_id, timeout, |status| {
            status.stamped.iter().any(|p| p.place == place)
        })
        .await
    }

    /// Sends the prepared PDF's digest.
    pub async fn send_stamp_digest(
        &self,
        session_id: &str,
        stamp: &PreparedStamp,
    ) -> Result<SessionStatus, RpError> {
        let body = StampDigest {
            seal_id: stamp.seal_id.clone(),
            digest: stamp.digest.clone(),
            place: stamp.place,
        };
        self.post_json(
            &routes::fill(routes::RP_SESSION_STAMP_DIGEST, session_id),
            &body,
        )
        .await
    }

    /// Asks the service's OCSP responder for `cert`'s status (issued by `issuer`), checking
    /// the answer's signature.
    pub async fn ocsp_status(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
    ) -> Result<CertStatus, RpError> {
        let id = CertId::new(
            issuer,
            cert.tbs_certificate().serial_number().as_bytes(),
            None,
        )
        .map_err(|e| RpError::Decode(e.to_string()))?;
        let request = revocation::build_ocsp_request(&[id], None)
            .map_err(|e| RpError::Decode(e.to_string()))?;
        let der = self
            .post_bytes("/v1/ocsp", "application/ocsp-request", request)
            .await?;
        let statuses = revocation::verify_ocsp_response(&der, issuer)
            .map_err(|e| RpError::Decode(format!("OCSP: {e}")))?;
        let serial = cert.tbs_certificate().serial_number().as_bytes();
        Ok(statuses
            .into_iter()
            .find(|(id, _)| id.matches_issuer(issuer) && trim(id.serial()) == trim(serial))
            .map(|(_, s)| s)
            .unwrap_or(CertStatus::Unknown))
    }
}

fn trim(serial: &[u8]) -> &[u8] {
    match serial.iter().position(|b| *b != 0) {
        Some(i) => &serial[i..],
        None => serial,
    }
}

/// One signature of a PDF as a platform judges it.
#[derive(Clone, Debug)]
pub struct StampReport {
    pub field_name: String,
    pub page: Option<u32>,
    pub sub_filter: String,
    /// The signer (subject text), once its certificate was found.
    pub signer: Option<String>,
    pub serial: Option<String>,
    /// `sm2` or `p256`.
    pub algorithm: Option<String>,
    /// The seal's id and name: from the GB/T 38540 seal (SM2) or the seal binding (P-256).
    pub seal: Option<(String, String)>,
    /// The signature verifies over the byte ranges, and its certificate chains to a root.
    pub signature_ok: bool,
    /// The certificate's status (good, revoked, unknown), when asked.
    pub status: Option<String>,
    /// The byte range leaves nothing of its revision unsigned.
    pub covers_revision: bool,
    /// What was changed after this signature (pages changed; later signatures are fine).
    pub pages_changed_after: Vec<u32>,
    pub later_signatures: Vec<String>,
    /// Why it is not valid; empty when it is.
    pub problems: Vec<String>,
}

impl StampReport {
    pub fn valid(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks one signature's cryptography and chain; returns the signer's certificate.
fn check_signature(
    pdf: &[u8],
    sig: &SignatureInfo,
    roots: &[Certificate],
    intermediates: &[Certificate],
    at: SystemTime,
    report: &mut StampReport,
) -> Option<Certificate> {
    let (a, b) = match sig.signed_parts(pdf) {
        Ok(parts) => parts,
        Err(e) => {
            report.problems.push(format!("byte range: {e}"));
            return None;
        }
    };
    let signer = match SubFilter::from_pdf_name(&sig.sub_filter) {
        Some(SubFilter::GbtSesSignature) => {
            let digest = hash::sm3(&[a, b].concat());
            let signature = match SesSignature::from_der(&sig.contents) {
                Ok(s) => s,
                Err(e) => {
                    report.problems.push(format!("SES_Signature: {e}"));
                    return None;
                }
            };
            let info = signature.seal().info();
            report.seal = Some((info.es_id.clone(), info.property.name.clone()));
            let trust = MakerTrust::Anchors {
                anchors: roots,
                intermediates,
            };
            if let Err(e) = seal::verify_signature(&signature, &digest, trust, at) {
                report.problems.push(format!("GB/T 38540: {e}"));
            }
            x509::parse_certificate(signature.signer_certificate_der()).ok()
        }
        Some(_) => {
            let digest = hash::sha256(&[a, b].concat());
            match cms::verify_detached(&sig.contents, &digest) {
                Ok(v) => {
                    if let Some(binding) = &sig.seal_binding {
                        check_binding(binding, &v.signer, roots, intermediates, at, report);
                    }
                    Some(v.signer)
                }
                Err(e) => {
                    report.problems.push(format!("CMS: {e}"));
                    None
                }
            }
        }
        None => {
            report
                .problems
                .push(format!("unknown /SubFilter {}", sig.sub_filter));
            None
        }
    }?;
    let mut options = ValidationOptions::at(at);
    options.leaf_key_usage = vec![x509_cert::ext::pkix::KeyUsages::DigitalSignature];
    match path::validate(&signer, intermediates, roots, &options) {
        Ok(_) => {}
        Err(e) => report.problems.push(format!("certificate: {e}")),
    }
    Some(signer)
}

/// A P-256 stamp's seal: the binding (inside the signed range) verifies up to a trusted root,
/// is within its window, and binds the certificate that signed the stamp.
fn check_binding(
    binding: &[u8],
    signer: &Certificate,
    roots: &[Certificate],
    intermediates: &[Certificate],
    at: SystemTime,
    report: &mut StampReport,
) {
    match seal_binding::verify_binding(binding, roots, intermediates, at) {
        Ok(v) => {
            report.seal = Some((v.binding.seal_id.clone(), v.binding.name.clone()));
            let bound = x509::to_der(signer).is_ok_and(|der| v.binding.binds(&der));
            if !bound {
                report
                    .problems
                    .push("seal binding: the seal is not bound to the signer's certificate".into());
            }
        }
        Err(e) => report.problems.push(format!("seal binding: {e}")),
    }
}

/// What is wrong with the updates after a signature. Only later stamps may follow one: every
/// appended revision must add a signature, no page may change, nothing of the signed revision
/// may be freed, and besides the pages that only got the new widgets, at most the catalog and
/// the form dictionary may be redefined (a font, image or content stream redefined later is
/// refused, whatever refers to it).
fn judge_changes(changes: &mcert_pdf::ChangesAfter) -> Vec<String> {
    let mut problems = Vec::new();
    if !changes.pages_changed.is_empty() {
        problems.push(format!(
            "pages changed after signing: {:?}",
            changes.pages_changed
        ));
    }
    if changes.later_signatures.len() < changes.revisions {
        problems.push("updated after signing without a later signature".into());
    }
    if !changes.freed.is_empty() {
        problems.push(format!(
            "objects of the signed revision freed after signing: {:?}",
            changes.freed
        ));
    }
    if changes.modified.len() > changes.pages_annotated.len() + 2 {
        problems.push(format!(
            "objects redefined after signing beyond the form and the new widgets: {:?}",
            changes.modified
        ));
    }
    problems
}

/// Verifies every signature of a stamped PDF: the signature over its byte ranges (CMS, or
/// GB/T 38540 with the seal maker's signature, the seal's validity and its binding to the
/// signer), the signer's chain to `roots` at `at`, that each covers its revision, and that
/// no page changed after it. Status is filled in by [`RpClient::verify_pdf_status`].
pub fn verify_pdf(
    pdf: &[u8],
    roots: &[Certificate],
    intermediates: &[Certificate],
    at: SystemTime,
) -> Result<Vec<(StampReport, Option<Certificate>)>, RpError> {
    let signatures = mcert_pdf::signatures(pdf).map_err(pdf_err)?;
    let mut out = Vec::new();
    for sig in &signatures {
        let mut report = StampReport {
            field_name: sig.field_name.clone(),
            page: sig.page,
            sub_filter: sig.sub_filter.clone(),
            signer: None,
            serial: None,
            algorithm: None,
            seal: None,
            signature_ok: false,
            status: None,
            covers_revision: sig.covers_revision,
            pages_changed_after: Vec::new(),
            later_signatures: Vec::new(),
            problems: Vec::new(),
        };
        let signer = check_signature(pdf, sig, roots, intermediates, at, &mut report);
        if let Some(cert) = &signer
            && let Ok(info) = x509::info(cert)
        {
            report.signer = Some(info.subject_text);
            report.serial = Some(x509::serial_hex(cert));
            report.algorithm = Some(info.algorithm.as_str().to_string());
        }
        report.signature_ok = signer.is_some() && report.problems.is_empty();
        if !sig.covers_revision {
            report
                .problems
                .push("the byte range leaves part of its revision unsigned".into());
        }
        let tail = pdf.get(sig.revision_end..).unwrap_or_default();
        let updates = sig.changes_after.as_ref().map_or(0, |c| c.revisions);
        if updates == 0 && tail.iter().any(|b| !b.is_ascii_whitespace() && *b != 0) {
            report
                .problems
                .push("bytes were appended after signing that are no PDF update".into());
        } else if !sig.covers_whole_file {
            match &sig.changes_after {
                Some(changes) => {
                    report.pages_changed_after = changes.pages_changed.clone();
                    report.later_signatures = changes.later_signatures.clone();
                    report.problems.extend(judge_changes(changes));
                }
                None => report
                    .problems
                    .push("bytes were appended after signing that cannot be read".into()),
            }
        }
        out.push((report, signer));
    }
    Ok(out)
}

impl RpClient {
    /// [`verify_pdf`], then each signer's status from the service's OCSP responder: a revoked
    /// certificate (a voided seal's certificate is revoked with it) fails the stamp.
    pub async fn verify_pdf_status(
        &self,
        pdf: &[u8],
        roots: &[Certificate],
        intermediates: &[Certificate],
        at: SystemTime,
    ) -> Result<Vec<StampReport>, RpError> {
        let mut out = Vec::new();
        for (mut report, signer) in verify_pdf(pdf, roots, intermediates, at)? {
            if let Some(cert) = signer {
                let issuer = intermediates
                    .iter()
                    .find(|i| i.tbs_certificate().subject() == cert.tbs_certificate().issuer());
                match issuer {
                    Some(issuer) => {
                        let status = self.ocsp_status(&cert, issuer).await?;
                        let label = match status {
                            CertStatus::Good => "good",
                            CertStatus::Revoked { .. } => "revoked",
                            CertStatus::Unknown => "unknown",
                        };
                        if status != CertStatus::Good {
                            report
                                .problems
                                .push(format!("the certificate's status is {label}"));
                        }
                        report.status = Some(label.into());
                    }
                    None => report
                        .problems
                        .push("the certificate's issuer is unknown".into()),
                }
            }
            out.push(report);
        }
        Ok(out)
    }

    /// The issuing CA certificates (SM2 and P-256), the intermediates of stamps and seals.
    pub async fn issuing(&self) -> Result<Vec<Certificate>, RpError> {
        let mut out = Vec::new();
        for alg in ["sm2", "p256"] {
            let der = self.get_bytes(&format!("/v1/ca/{alg}/issuing.cer")).await?;
            out.push(x509::parse_certificate(&der).map_err(|e| RpError::Decode(e.to_string()))?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seal_is_drawn_at_its_real_size_inside_the_place() {
        let close = |a: [f32; 4], b: [f32; 4]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 0.01);
        // A 20 mm name seal (56.69 pt) in a 140 pt square: centred at its size.
        let r = real_size([380.0, 80.0, 520.0, 220.0], 20, 20);
        assert!(close(r, [421.65, 121.65, 478.35, 178.35]), "{r:?}");
        // A 42 mm 公章 (119.06 pt) in an 80 pt high place: scaled down to fit, centred.
        let r = real_size([100.0, 100.0, 300.0, 180.0], 42, 42);
        assert!(close(r, [160.0, 100.0, 240.0, 180.0]), "{r:?}");
        // No size known: the place as given.
        assert_eq!(real_size([1.0, 2.0, 3.0, 4.0], 0, 0), [1.0, 2.0, 3.0, 4.0]);
    }

    #[test]
    fn only_later_stamps_may_follow_a_signature() {
        // A later stamp: one revision with a signature, its page annotated, catalog and form.
        let later_stamp = mcert_pdf::ChangesAfter {
            bytes: 4096,
            revisions: 1,
            added: vec![40, 41, 42],
            modified: vec![1, 5, 12],
            pages_annotated: vec![2],
            page_count_before: 2,
            page_count_after: 2,
            later_signatures: vec!["mcert-stamp-2".into()],
            ..Default::default()
        };
        assert!(judge_changes(&later_stamp).is_empty());
        // An update without a signature (an overlay annotation, a new action).
        let unsigned = mcert_pdf::ChangesAfter {
            later_signatures: Vec::new(),
            ..later_stamp.clone()
        };
        assert_eq!(judge_changes(&unsigned).len(), 1);
        // A font or image redefined under a later stamp (a shadow attack).
        let shadow = mcert_pdf::ChangesAfter {
            modified: vec![1, 5, 12, 7],
            ..later_stamp.clone()
        };
        assert_eq!(judge_changes(&shadow).len(), 1);
        // A page changed, an object freed.
        let changed = mcert_pdf::ChangesAfter {
            pages_changed: vec![1],
            freed: vec![9],
            ..later_stamp
        };
        assert_eq!(judge_changes(&changed).len(), 2);
    }
}
