//! The device flows the shells call: log in, verify identity, order and pay, install a
//! certificate with a key made on the device, list certificates and orders. The session token
//! is kept in the device's home folder (owner-only file).

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::client::{ClientError, IdentityRequest, LoginSession, Order, ServiceClient};
use super::keystore::{KeyStore, KeyStoreError, KeyStoreOptions};
use super::secret::SecretStore;
use crate::crypto::name::SubjectName;
use crate::crypto::{Algorithm, csr};

#[derive(Debug, thiserror::Error)]
pub enum DeviceError {
    #[error(transparent)]
    Client(#[from] ClientError),
    #[error(transparent)]
    KeyStore(#[from] KeyStoreError),
    #[error(transparent)]
    Crypto(#[from] crate::crypto::Error),
    #[error("device home folder: {0}")]
    Io(String),
    #[error("payment did not complete within {0} s")]
    PaymentTimeout(u64),
}

/// A certificate installed on this device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstalledCertificate {
    pub key_id: String,
    pub serial: String,
    pub certificate: Vec<u8>,
    pub chain: Vec<Vec<u8>>,
}

/// The phone: its key store and its service session.
#[derive(Debug)]
pub struct Device {
    home: PathBuf,
    keys: KeyStore,
    client: ServiceClient,
}

fn session_path(home: &Path) -> PathBuf {
    home.join("session.token")
}

fn b64_decode(s: &str) -> Result<Vec<u8>, DeviceError> {
    use base64ct::Encoding;
    base64ct::Base64::decode_vec(s)
        .map_err(|_| DeviceError::Client(ClientError::Decode("base64".into())))
}

impl Device {
    /// Opens the device at `home` talking to `server`.
    pub fn open(
        home: &Path,
        server: &str,
        secrets: &dyn SecretStore,
        options: KeyStoreOptions,
    ) -> Result<Device, DeviceError> {
        std::fs::create_dir_all(home).map_err(|e| DeviceError::Io(e.to_string()))?;
        let keys = KeyStore::open(&home.join("keys.db"), secrets, options)?;
        let token = std::fs::read_to_string(session_path(home))
            .ok()
            .map(|t| t.trim().to_string());
        let client = ServiceClient::new(server)?.with_token(token);
        Ok(Device {
            home: home.to_path_buf(),
            keys,
            client,
        })
    }

    pub fn keys(&self) -> &KeyStore {
        &self.keys
    }

    pub fn client(&self) -> &ServiceClient {
        &self.client
    }

    pub async fn request_code(&self, phone: &str) -> Result<(), DeviceError> {
        Ok(self.client.request_code(phone).await?)
    }

    /// Logs in and remembers the session on this device.
    pub async fn login(&mut self, phone: &str, code: &str) -> Result<LoginSession, DeviceError> {
        let session = self.client.login(phone, code).await?;
        write_private(&session_path(&self.home), session.token.as_bytes())
            .map_err(|e| DeviceError::Io(e.to_string()))?;
        Ok(session)
    }

    pub async fn logout(&mut self) -> Result<(), DeviceError> {
        let result = self.client.logout().await;
        let _ = std::fs::remove_file(session_path(&self.home));
        Ok(result?)
    }

    pub async fn verify_identity(
        &self,
        request: &IdentityRequest,
    ) -> Result<super::client::Identity, DeviceError> {
        Ok(self.client.verify_identity(request).await?)
    }

    /// Places an order (a fresh idempotency key per call; retries of one call reuse it).
    pub async fn order(&self, product_id: &str, years: i64) -> Result<Order, DeviceError> {
        let key = crate::id::ulid(std::time::SystemTime::now())?;
        let mut last = None;
        for _ in 0..3 {
            match self.client.create_order(product_id, years, &key).await {
                Ok(order) => return Ok(order),
                Err(ClientError::Network(e)) => last = Some(ClientError::Network(e)),
                Err(other) => return Err(other.into()),
            }
        }
        Err(last
            .unwrap_or(ClientError::Network("no answer".into()))
            .into())
    }

    /// Pays online and waits (bounded) for the gateway's notification to complete the order.
    pub async fn pay_and_wait(
        &self,
        order_id: &str,
        timeout: Duration,
    ) -> Result<Order, DeviceError> {
        self.client.pay(order_id).await?;
        let started = std::time::Instant::now();
        loop {
            let order = self.client.order(order_id).await?;
            if order.status == "completed" {
                return Ok(order);
            }
            if started.elapsed() > timeout {
                return Err(DeviceError::PaymentTimeout(timeout.as_secs()));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Makes a key on the device under `pin`, sends its CSR, and stores the certificate.
    /// A key whose certificate could not be obtained is removed again.
    pub async fn install(
        &self,
        entitlement_id: &str,
        algorithm: Algorithm,
        pin: &str,
    ) -> Result<InstalledCertificate, DeviceError> {
        let info = self.keys.generate(algorithm, pin, entitlement_id)?;
        let result = async {
            let key = self.keys.unlock(&info.id, pin)?;
            let subject = SubjectName {
                common_name: Some("mcert device".into()),
                ..Default::default()
            }
            .to_name()?;
            let request = csr::to_der(&csr::build(&subject, &key)?)?;
            let installed = self.client.install(entitlement_id, &request).await?;
            let certificate = b64_decode(&installed.certificate)?;
            self.keys.add_certificate(&info.id, &certificate)?;
            let chain = installed
                .chain
                .iter()
                .map(|c| b64_decode(c))
                .collect::<Result<Vec<_>, _>>()?;
            Ok::<_, DeviceError>(InstalledCertificate {
                key_id: info.id.clone(),
                serial: installed.serial,
                certificate,
                chain,
            })
        }
        .await;
        if result.is_err() {
            let _ = self.keys.delete(&info.id);
        }
        result
    }
}

fn write_private(path: &Path, data: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path)?;
    f.write_all(data)?;
    f.sync_all()
}
