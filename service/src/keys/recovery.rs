//! Judicial recovery of an escrowed encryption key (司法取证).
//!
//! Who may recover a key from the escrow, and how:
//! - **The holder**, only through a new signing certificate of the same slot (install, reissue,
//!   PIN reset), in the unit of work that issued it, sealed to that certificate
//!   ([`KeyManager::provide_in`]); audited as `key.delivered`.
//! - **A judicial request** (a court order, an investigation): the operator runs
//!   `mcert keys recover` on the service host, and two different active reviewers each log in
//!   with password and TOTP on the spot ([`crate::authz::policy::key_recovery`]). The key is
//!   never written in the clear: it leaves as an envelope to the recipient certificate the case
//!   names (of the same algorithm), so only the holder of that certificate's key opens it. The
//!   case reference, the operator, both approvers and the recipient are recorded in
//!   `key_recoveries` and the audit chain (`key.recovered`) in one unit of work.
//!
//! Nobody else, and no HTTP route, can make the KM open a key.

use mcert_core::clock::unix_millis;
use mcert_core::crypto::{key_envelope, x509};
use serde_json::json;
use x509_cert::Certificate;

use super::{KeyManager, repo};
use crate::audit;
use crate::authority::AuthorityError;
use crate::authz::KeyRecoveryGrant;

/// A recovery's case reference: 4 to 64 characters, printable.
fn valid_case(case: &str) -> bool {
    let n = case.chars().count();
    (4..=64).contains(&n) && case.chars().all(|c| !c.is_control())
}

impl KeyManager {
    /// Recovers the escrowed key of the encryption certificate `encryption_serial` for case
    /// `case`, sealed to `recipient`. Returns the envelope (DER).
    pub async fn recover(
        &self,
        grant: &KeyRecoveryGrant,
        encryption_serial: &str,
        case: &str,
        recipient: &Certificate,
    ) -> Result<Vec<u8>, AuthorityError> {
        let case = case.trim();
        if !valid_case(case) {
            return Err(AuthorityError::BadRequest(
                mcert_core::crypto::Error::InvalidInput(
                    "the case reference must have 4 to 64 printable characters",
                ),
            ));
        }
        let serial = encryption_serial.trim().to_ascii_uppercase();
        let recipient_key = x509::certificate_public_key(recipient)?;
        let mut tx = self.store.begin().await?;
        let Some(key) = repo::key_of_certificate(&mut tx, &serial).await? else {
            return Err(AuthorityError::UnknownCertificate(serial));
        };
        if key.algorithm != recipient_key.algorithm().as_str() {
            return Err(AuthorityError::BadRequest(
                mcert_core::crypto::Error::AlgorithmMismatch,
            ));
        }
        let pkcs8 = self
            .master
            .open_bytes(&Self::aad(&key.id), &key.key_sealed)?;
        let envelope = key_envelope::seal(recipient, &pkcs8)?;
        let now_t = self.clock.now();
        let now = unix_millis(now_t);
        let id = mcert_core::id::ulid(now_t).map_err(|_| mcert_core::crypto::Error::Rng)?;
        let recipient_serial = x509::serial_hex(recipient);
        let recipient_subject = recipient.tbs_certificate().subject().to_string();
        let [first, second] = grant.approvers();
        let operator = grant.operator().audit_name();
        repo::insert_recovery(
            &mut tx,
            &repo::NewRecovery {
                id: &id,
                key_id: &key.id,
                encryption_serial: &serial,
                case_reference: case,
                operator: &operator,
                first_approver: first,
                second_approver: second,
                recipient_serial: &recipient_serial,
                recipient_subject: &recipient_subject,
                created_at: now,
            },
        )
        .await?;
        audit::append(
            &mut tx,
            self.store.engine(),
            now,
            &operator,
            "key.recovered",
            &serial,
            &json!({
                "case": case,
                "approvers": [first, second],
                "recipient": recipient_serial,
                "recovery": id,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(envelope)
    }
}
