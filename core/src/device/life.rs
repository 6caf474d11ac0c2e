//! A certificate's later life on the phone: 延期 re-certifies the slot's key (the PIN opens it
//! to sign the request), and a move to a new phone: the old phone shows a QR code and approves
//! with its PIN; the new phone makes its own key, scans, and receives its certificate and the
//! slot's escrowed encryption keys. The old phone keeps none of the slot's keys afterwards.

use std::time::Duration;

use zeroize::Zeroizing;

use super::flows::{
    Device, DeviceError, InstalledCertificate, b64_decode, device_subject, first_code,
};
use super::keystore::{KeyInfo, KeyStatus};
use crate::crypto::{Algorithm, Signer, csr, hash, x509};
use crate::wire::{Installed, Migration, MigrationQr, MigrationStarted, RenewalStarted};

/// The new phone's side of a move, between its request and the old phone's approval.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingMigration {
    pub migration: Migration,
    /// The new key on this phone (under the PIN chosen for it).
    pub key_id: String,
}

impl Device {
    /// The slot's current signing key on this device.
    pub fn signing_key_of(&self, entitlement_id: &str) -> Result<KeyInfo, DeviceError> {
        self.keys()
            .list()?
            .into_iter()
            .filter(|k| k.label == entitlement_id && k.status == KeyStatus::Active)
            .filter(|k| {
                self.keys().certificates(&k.id).is_ok_and(|c| {
                    c.iter().any(|c| {
                        x509::parse_certificate(&c.der)
                            .is_ok_and(|c| !x509::is_encryption_certificate(&c))
                    })
                })
            })
            .max_by_key(|k| k.created_at)
            .ok_or_else(|| DeviceError::NoSlotKey(entitlement_id.to_string()))
    }

    /// 延期, first step: the order to pay, or (an organisation's slot) a package slot taken.
    pub async fn start_renewal(
        &self,
        entitlement_id: &str,
        years: i64,
    ) -> Result<RenewalStarted, DeviceError> {
        Ok(self.client().start_renewal(entitlement_id, years).await?)
    }

    /// 延期, last step (once paid): the slot's key, opened with `pin`, signs the request; the
    /// renewed certificate and the slot's encryption keys are kept with it.
    pub async fn renew(
        &self,
        entitlement_id: &str,
        pin: &str,
    ) -> Result<InstalledCertificate, DeviceError> {
        let info = self.signing_key_of(entitlement_id)?;
        let key = self.unlock(&info.id, pin).await?;
        let request = csr::to_der(&csr::build(&device_subject()?, &key)?)?;
        let installed = self.client().renew(entitlement_id, &request).await?;
        self.keep_installed(&info.id, &key, entitlement_id, pin, installed)
            .await
    }

    /// The old phone: the QR code that moves the slot's certificate to a new phone.
    pub async fn start_migration(
        &self,
        entitlement_id: &str,
    ) -> Result<MigrationStarted, DeviceError> {
        self.signing_key_of(entitlement_id)?;
        Ok(self.client().start_migration(entitlement_id).await?)
    }

    /// Either phone: the move as it stands.
    pub async fn migration(&self, migration_id: &str) -> Result<Migration, DeviceError> {
        Ok(self.client().migration(migration_id).await?)
    }

    /// Either phone: stops a move not yet approved.
    pub async fn cancel_migration(&self, migration_id: &str) -> Result<Migration, DeviceError> {
        Ok(self.client().cancel_migration(migration_id).await?)
    }

    /// The old phone approves the new phone's request with its PIN (after the user checked
    /// that both phones show the same code). The slot's keys leave this phone.
    pub async fn approve_migration(
        &self,
        migration_id: &str,
        pin: &str,
    ) -> Result<Migration, DeviceError> {
        let migration = self.client().migration(migration_id).await?;
        let Some(digest) = migration
            .csr_sha256
            .as_deref()
            .filter(|_| migration.status == "requested")
        else {
            return Err(DeviceError::MigrationEnded(migration.status_label));
        };
        let info = self.signing_key_of(&migration.entitlement_id)?;
        let key = self.unlock(&info.id, pin).await?;
        let message = crate::wire::migration_approval_message(
            &migration.id,
            &migration.entitlement_id,
            digest,
        );
        let signature = key.sign(&message)?;
        let done = self
            .client()
            .approve_migration(migration_id, &signature)
            .await?;
        // The certificate lives on the new phone now: this one keeps none of the slot's keys.
        let label = migration.entitlement_id.clone();
        self.off_thread(move |k| {
            for old in k.list()?.into_iter().filter(|i| i.label == label) {
                k.delete(&old.id)?;
            }
            Ok(())
        })
        .await?;
        Ok(done)
    }

    /// The new phone, logged in to the same account, scanned the old phone's code: makes its
    /// own key under `pin` and asks for the certificate. Both phones then show
    /// [`Migration::code`].
    pub async fn request_migration(
        &self,
        qr_text: &str,
        pin: &str,
    ) -> Result<PendingMigration, DeviceError> {
        let qr = MigrationQr::parse(qr_text)?;
        let seen = self.client().migration(&qr.id).await?;
        let algorithm = Algorithm::parse(&seen.algorithm)?;
        let info = {
            let (pin, label) = (Zeroizing::new(pin.to_string()), seen.entitlement_id.clone());
            self.off_thread(move |k| Ok(k.generate(algorithm, &pin, &label)?))
                .await?
        };
        let asked = async {
            let key = self.unlock(&info.id, pin).await?;
            let request = csr::to_der(&csr::build(&device_subject()?, &key)?)?;
            let migration = self.client().request_migration(&qr, &request).await?;
            // What the service will have the old phone sign is this request.
            if migration.csr_sha256.as_deref() != Some(hex::encode(hash::sha256(&request)).as_str())
            {
                return Err(DeviceError::Crypto(crate::crypto::Error::InvalidInput(
                    "the service answered for another request",
                )));
            }
            Ok::<_, DeviceError>(migration)
        }
        .await;
        match asked {
            Ok(migration) => Ok(PendingMigration {
                migration,
                key_id: info.id,
            }),
            Err(e) => {
                let _ = self.keys().delete(&info.id);
                Err(e)
            }
        }
    }

    /// The new phone waits (at most `timeout`) for the old phone's approval, then keeps its
    /// certificate and the slot's encryption keys. A cancelled or expired move removes the
    /// new key.
    pub async fn finish_migration(
        &self,
        pending: &PendingMigration,
        pin: &str,
        timeout: Duration,
    ) -> Result<InstalledCertificate, DeviceError> {
        let deadline = tokio::time::Instant::now() + timeout;
        let installed = loop {
            let m = self.client().migration(&pending.migration.id).await?;
            match (m.status.as_str(), m.installed) {
                ("approved", Some(installed)) => break installed,
                ("open" | "requested", _) if tokio::time::Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                ("open" | "requested", _) => {
                    return Err(DeviceError::MigrationTimeout(timeout.as_secs()));
                }
                _ => {
                    let _ = self.keys().delete(&pending.key_id);
                    return Err(DeviceError::MigrationEnded(m.status_label));
                }
            }
        };
        let key = self.unlock(&pending.key_id, pin).await?;
        let certificate = b64_decode(&installed.certificate)?;
        if x509::certificate_public_key(&x509::parse_certificate(&certificate)?)?
            != *key.public_key()
        {
            return Err(DeviceError::Crypto(crate::crypto::Error::Certificate(
                "the moved certificate is not for this phone's key".into(),
            )));
        }
        let label = pending.migration.entitlement_id.clone();
        self.keep_installed(&pending.key_id, &key, &label, pin, installed)
            .await
    }

    /// Keeps a certificate issued for `key` (record `key_id`) and the encryption keys that
    /// came with it.
    async fn keep_installed(
        &self,
        key_id: &str,
        key: &crate::crypto::PrivateKey,
        label: &str,
        pin: &str,
        installed: Installed,
    ) -> Result<InstalledCertificate, DeviceError> {
        let (installed, delivered) = self.keep_certificate(key_id, installed)?;
        self.keep_encryption_keys(key, &installed.certificate, &delivered, pin, label, false)
            .await?;
        Ok(installed)
    }
}

/// The move code (`mcert-move.…`) among the QR codes found in a picture.
fn pick_migration_code(found: Vec<String>) -> Result<String, DeviceError> {
    first_code(found, |t| MigrationQr::parse(t).map(|_| ())).map_err(|e| match e {
        Some(e) => DeviceError::MigrationQr(e),
        None => DeviceError::NoQrCode,
    })
}

/// The old phone's move code in a camera frame (luma plane).
pub fn migration_code_in_frame(frame: &super::qr::LumaFrame<'_>) -> Result<String, DeviceError> {
    pick_migration_code(super::qr::decode_frame(frame, super::qr::Engine::Auto)?)
}

/// The old phone's move code in a picture (PNG or JPEG).
pub fn migration_code_in_image(bytes: &[u8]) -> Result<String, DeviceError> {
    pick_migration_code(super::qr::decode_image(bytes, super::qr::Engine::Auto)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_move_code_is_read_from_a_picture_and_other_codes_are_refused() {
        let text = MigrationQr {
            id: "01JD3T9W6R8Q2XK4M5N7P9S1V3".into(),
            secret: "b".repeat(43),
        }
        .to_text();
        let png = crate::device::qr::encode_png(&text, 6).expect("png");
        assert_eq!(migration_code_in_image(&png).expect("read"), text);
        let other = crate::device::qr::encode_png("https://example.com/", 6).expect("png");
        assert!(matches!(
            migration_code_in_image(&other),
            Err(DeviceError::MigrationQr(_))
        ));
        assert!(migration_code_in_image(b"not a picture").is_err());
    }
}
