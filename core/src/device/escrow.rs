//! The encryption half of a dual certificate on the phone: the escrowed keys the service
//! delivers with a signing certificate are opened with the signing key and stored under the
//! same PIN, each with every encryption certificate issued for it, so a bid sealed to any of
//! them opens by scan.

use zeroize::Zeroizing;

use super::flows::{Device, DeviceError, b64_decode};
use crate::crypto::{PrivateKey, key_envelope, x509};
use crate::wire::DeliveredKey;

impl Device {
    /// Opens each delivered envelope with `signing_key` (whose certificate is
    /// `signing_certificate`) and keeps the key under `pin` with the label of the signing key.
    /// A key already on this device only gains its new certificates, unless `reprotect` (a PIN
    /// reset: its old PIN is forgotten), when it is stored again under `pin`.
    pub(super) async fn keep_encryption_keys(
        &self,
        signing_key: &PrivateKey,
        signing_certificate: &[u8],
        delivered: &[DeliveredKey],
        pin: &str,
        label: &str,
        reprotect: bool,
    ) -> Result<(), DeviceError> {
        let signing = x509::parse_certificate(signing_certificate)?;
        for d in delivered {
            let envelope = b64_decode(&d.envelope)?;
            let key = key_envelope::open(&envelope, signing_key, &signing)?;
            let certificates = d
                .certificates
                .iter()
                .map(|c| b64_decode(c))
                .collect::<Result<Vec<_>, _>>()?;
            // Every certificate must be for the key that came in the envelope.
            for der in &certificates {
                let cert = x509::parse_certificate(der)?;
                if x509::certificate_public_key(&cert)? != *key.public_key() {
                    return Err(DeviceError::Crypto(crate::crypto::Error::Certificate(
                        "an encryption certificate does not match its delivered key".into(),
                    )));
                }
            }
            let (pin, label) = (Zeroizing::new(pin.to_string()), label.to_string());
            self.off_thread(move |k| {
                let id = match k.find_by_public_key(key.public_key())? {
                    // A PIN reset: the same record, sealed again under the new PIN.
                    Some(info) if reprotect => {
                        k.reprotect(&info.id, &key, &pin)?;
                        info.id
                    }
                    Some(info) => info.id,
                    None => k.import(&key, &pin, &label)?.id,
                };
                for der in &certificates {
                    k.add_certificate(&id, der)?;
                }
                Ok(())
            })
            .await?;
        }
        Ok(())
    }
}
