//! The OCSP responder (RFC 6960), answering from a cache of signed responses.
//!
//! Decisions:
//! - **Caching.** A request for one certificate without a nonce (what OpenSSL with `-no_nonce`,
//!   browsers and RFC 5019 clients send) is answered from `ocsp_responses`, keyed by issuer,
//!   serial and CertID hash algorithm. A cached response is used only while it states the
//!   certificate's current status (checked in the same query), so a revocation makes it stale
//!   at once; it is re-signed at half its validity. Only a status change or age costs a
//!   signature.
//! - **Nonces (RFC 8954).** A nonce must be an OCTET STRING of 1 to 32 octets inside the
//!   extension value; anything else is a `malformedRequest`, so nothing of arbitrary size or
//!   shape is echoed under the CA's signature. A valid nonce is honoured: the response is
//!   signed fresh and echoes it. These are the only uncached signatures besides `unknown`
//!   answers and multi-certificate requests.
//! - **Several certificates in one request** are answered in one response when they share the
//!   issuer. A BasicOCSPResponse has a single responderID and signature, and each issuing CA
//!   signs its own responses, so no single response can be authoritative for certificates of
//!   two issuers (SM2 and P-256, or an issuer that is not ours). Such requests get
//!   `unauthorized`, which RFC 6960 §2.3 defines as "the server is not capable of responding
//!   authoritatively" — instead of the misleading `unknown` for the other hierarchy's
//!   certificates. Clients ask one issuer at a time (RFC 5019 §2.1.1 asks for one certificate
//!   per request anyway).

use std::time::Duration;

use mcert_core::clock::{from_unix_millis, unix_millis};
use mcert_core::crypto::revocation::{
    self, CertId, CertStatus, OcspResponseStatus, RevocationReason,
};

use super::repo::{self, CertState, OcspCacheEntry};
use super::{Authority, AuthorityError, Hierarchy};

/// How long an OCSP response is good for (thisUpdate → nextUpdate).
pub const OCSP_VALIDITY: Duration = Duration::from_secs(24 * 3600);
/// Cached responses are re-signed once this old.
pub const OCSP_REFRESH_AGE: Duration = Duration::from_secs(12 * 3600);
/// Most certificates one request may ask about.
pub const MAX_CERTS_PER_REQUEST: usize = 16;

/// Whether the responder may answer from its cache (benchmarks compare both).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Caching {
    Cached,
    AlwaysSign,
}

/// Serial bytes without leading zero octets (as `x509::serial_hex` writes them).
fn trim_serial(bytes: &[u8]) -> &[u8] {
    match bytes.iter().position(|b| *b != 0) {
        Some(i) => &bytes[i..],
        None => &bytes[bytes.len().saturating_sub(1)..],
    }
}

fn error_response(status: OcspResponseStatus) -> Result<Vec<u8>, AuthorityError> {
    Ok(revocation::ocsp_error_response(status)?)
}

pub(crate) async fn answer(
    ca: &Authority,
    request: &[u8],
    caching: Caching,
) -> Result<Vec<u8>, AuthorityError> {
    let Ok(parsed) = revocation::parse_ocsp_request(request) else {
        return error_response(OcspResponseStatus::MalformedRequest);
    };
    if parsed.cert_ids.len() > MAX_CERTS_PER_REQUEST {
        return error_response(OcspResponseStatus::MalformedRequest);
    }
    // One issuer for all, or no answer (see the module documentation).
    let mut issuer: Option<&Hierarchy> = None;
    for id in &parsed.cert_ids {
        let Some(h) = ca
            .hierarchies
            .values()
            .find(|h| id.matches_issuer(&h.issuing))
        else {
            return error_response(OcspResponseStatus::Unauthorized);
        };
        match issuer {
            Some(prev) if prev.issuing_id != h.issuing_id => {
                return error_response(OcspResponseStatus::Unauthorized);
            }
            _ => issuer = Some(h),
        }
    }
    let Some(h) = issuer else {
        return error_response(OcspResponseStatus::MalformedRequest);
    };
    let now = ca.clock.now();
    let cacheable = caching == Caching::Cached && parsed.nonce.is_none();
    if cacheable && let [id] = parsed.cert_ids.as_slice() {
        let serial = hex::encode_upper(trim_serial(id.serial()));
        let hash_oid = id.hash_algorithm.oid.to_string();
        if let Some(der) = repo::cached_ocsp(
            ca.store.pool(),
            &h.issuing_id,
            &serial,
            &hash_oid,
            unix_millis(now),
        )
        .await?
        {
            return Ok(der);
        }
        let (status, state) = status_of(ca, &h.issuing_id, &serial).await?;
        let der = sign(h, &[(id.clone(), status)], None, now)?;
        if let Some(state) = state {
            repo::put_ocsp(
                ca.store.pool(),
                &OcspCacheEntry {
                    issuer_id: &h.issuing_id,
                    serial: &serial,
                    hash_oid: &hash_oid,
                    status: state,
                    der: &der,
                    refresh_at: unix_millis(now + OCSP_REFRESH_AGE),
                },
            )
            .await?;
        }
        return Ok(der);
    }
    let mut statuses: Vec<(CertId, CertStatus)> = Vec::with_capacity(parsed.cert_ids.len());
    for id in &parsed.cert_ids {
        let serial = hex::encode_upper(trim_serial(id.serial()));
        statuses.push((id.clone(), status_of(ca, &h.issuing_id, &serial).await?.0));
    }
    sign(h, &statuses, parsed.nonce.as_deref(), now)
}

fn sign(
    h: &Hierarchy,
    statuses: &[(CertId, CertStatus)],
    nonce: Option<&[u8]>,
    now: std::time::SystemTime,
) -> Result<Vec<u8>, AuthorityError> {
    Ok(revocation::build_ocsp_response(
        &h.issuing,
        h.signer.as_ref(),
        statuses,
        nonce,
        now,
        OCSP_VALIDITY,
    )?)
}

/// The status of one certificate, with the stored state when the certificate is known.
pub(crate) async fn status_of(
    ca: &Authority,
    issuer_id: &str,
    serial_hex: &str,
) -> Result<(CertStatus, Option<CertState>), AuthorityError> {
    let Some(row) = repo::status(ca.store.pool(), issuer_id, serial_hex).await? else {
        return Ok((CertStatus::Unknown, None));
    };
    match row.state() {
        Some(CertState::Good) => Ok((CertStatus::Good, Some(CertState::Good))),
        Some(CertState::Revoked) => Ok((
            CertStatus::Revoked {
                time: from_unix_millis(row.revoked_at.unwrap_or(0)),
                reason: row
                    .revocation_reason
                    .as_deref()
                    .and_then(RevocationReason::parse)
                    .unwrap_or(RevocationReason::Unspecified),
            },
            Some(CertState::Revoked),
        )),
        // A state this code does not know: say nothing authoritative about it.
        None => Ok((CertStatus::Unknown, None)),
    }
}
