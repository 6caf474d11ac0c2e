//! The service client's calls for a certificate's later life: 延期 and moving it to a new phone.

use base64ct::Encoding;
use reqwest::Method;

use super::client::{ClientError, ServiceClient, body};
use crate::wire::{
    InstallRequest, Installed, Migration, MigrationApproval, MigrationQr, MigrationRequest,
    MigrationStarted, RenewalRequest, RenewalStarted, routes,
};

impl ServiceClient {
    /// Starts 延期 of a slot: the order to pay, or a package slot of the organisation taken.
    pub async fn start_renewal(
        &self,
        entitlement_id: &str,
        years: i64,
    ) -> Result<RenewalStarted, ClientError> {
        let path = routes::fill(routes::ENTITLEMENT_RENEWAL, entitlement_id);
        let req = body(&RenewalRequest { years })?;
        self.call(Method::POST, &path, Some(req), true, None).await
    }

    /// Downloads the renewed certificate for the key that signed `csr_der`.
    pub async fn renew(
        &self,
        entitlement_id: &str,
        csr_der: &[u8],
    ) -> Result<Installed, ClientError> {
        let path = routes::fill(routes::ENTITLEMENT_RENEW, entitlement_id);
        let req = body(&InstallRequest {
            csr: base64ct::Base64::encode_string(csr_der),
        })?;
        self.call(Method::POST, &path, Some(req), true, None).await
    }

    /// The old phone: a QR code to move the slot's certificate to a new phone.
    pub async fn start_migration(
        &self,
        entitlement_id: &str,
    ) -> Result<MigrationStarted, ClientError> {
        let path = routes::fill(routes::ENTITLEMENT_MIGRATIONS, entitlement_id);
        self.call(Method::POST, &path, None, true, None).await
    }

    pub async fn migration(&self, migration_id: &str) -> Result<Migration, ClientError> {
        let path = routes::fill(routes::MIGRATION, migration_id);
        self.call(Method::GET, &path, None, true, None).await
    }

    /// The new phone: the scanned code's secret and the new key's CSR.
    pub async fn request_migration(
        &self,
        qr: &MigrationQr,
        csr_der: &[u8],
    ) -> Result<Migration, ClientError> {
        let path = routes::fill(routes::MIGRATION_REQUEST, &qr.id);
        let req = body(&MigrationRequest {
            secret: qr.secret.clone(),
            csr: base64ct::Base64::encode_string(csr_der),
        })?;
        self.call(Method::POST, &path, Some(req), true, None).await
    }

    /// The old phone's approval: its signature over the approval message.
    pub async fn approve_migration(
        &self,
        migration_id: &str,
        signature_der: &[u8],
    ) -> Result<Migration, ClientError> {
        let path = routes::fill(routes::MIGRATION_APPROVE, migration_id);
        let req = body(&MigrationApproval {
            signature: base64ct::Base64::encode_string(signature_der),
        })?;
        self.call(Method::POST, &path, Some(req), true, None).await
    }

    pub async fn cancel_migration(&self, migration_id: &str) -> Result<Migration, ClientError> {
        let path = routes::fill(routes::MIGRATION_CANCEL, migration_id);
        self.call(Method::POST, &path, None, true, None).await
    }
}
