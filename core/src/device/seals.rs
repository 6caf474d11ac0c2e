//! Claiming a seal on the phone (申领): the bound certificate's key signs the claim
//! statement after the PIN unlocks it, so only the holder of that key can claim.

use base64ct::Encoding;

use super::flows::{Device, DeviceError};
use crate::crypto::Signer;
use crate::wire::seals::{Seal, claim_statement};

impl Device {
    /// Claims the approved seal `seal_id` of `org_id`, bound to the certificate `serial` held
    /// on this phone, with that certificate's PIN.
    pub async fn claim_seal(
        &self,
        org_id: &str,
        seal_id: &str,
        serial: &str,
        pin: &str,
    ) -> Result<Seal, DeviceError> {
        let stored = self
            .keys()
            .certificate_by_serial(serial)?
            .ok_or(DeviceError::NoEligibleCertificate)?;
        let account = self.client().me().await?;
        let key = self.unlock(&stored.key_id, pin).await?;
        let statement = claim_statement(seal_id, &stored.serial, &account.id);
        let signature = key.sign(statement.as_bytes())?;
        Ok(self
            .client()
            .claim_seal(
                org_id,
                seal_id,
                &base64ct::Base64::encode_string(&signature),
            )
            .await?)
    }
}
