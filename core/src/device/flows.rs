//! The device flows the shells call: log in, verify identity, order and pay, install a
//! certificate with a key made on the device, list certificates and orders, scan a platform's
//! QR code and answer it (log in, sign, open a bid), and read usage records. The session token
//! and the device id are kept in the device's home folder (owner-only files).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::client::{
    ClientError, IdentityRequest, LoginSession, Order, ScannedSession, ServiceClient,
    SessionStatus, UsagePage,
};
use super::keystore::{KeyStore, KeyStoreError, KeyStoreOptions};
use super::qr::{self, LumaFrame};
use super::secret::SecretStore;
use crate::crypto::name::SubjectName;
use crate::crypto::{Algorithm, csr, x509};
use crate::scan::{self, ScanError};
use zeroize::Zeroizing;

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
    #[error(transparent)]
    Scan(#[from] ScanError),
    #[error(transparent)]
    Qr(#[from] qr::QrError),
    #[error("no mcert QR code in the picture")]
    NoQrCode,
    #[error("no certificate on this device may answer this session")]
    NoEligibleCertificate,
    #[error("the key that opens this bid (certificate {0}) is not on this device")]
    NoBidKey(String),
    #[error("the seal cannot be used for this session")]
    SealNotOffered,
    #[error("the platform did not prepare the document within {0} s")]
    StampTimeout(u64),
    #[error("an admin refused this use of the seal")]
    SealUseRefused,
    #[error("this phone holds no key of certificate slot {0}")]
    NoSlotKey(String),
    #[error("the move to a new phone ended: {0}")]
    MigrationEnded(String),
    #[error("the old phone did not approve within {0} s")]
    MigrationTimeout(u64),
    #[error(transparent)]
    MigrationQr(#[from] crate::wire::MigrationQrError),
}

/// A certificate on this device that may answer a scanned session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScanChoice {
    pub key_id: String,
    pub serial: String,
    /// The subject as shown (CN, organisation…).
    pub subject: String,
    pub algorithm: Algorithm,
    pub not_after: std::time::SystemTime,
    /// The certificate expires before the project's bid opening (the session's `opening_at`):
    /// the app warns and offers renewal, since a bid sealed now must still open then.
    pub expires_before_opening: bool,
}

/// A scan waiting for the user: what to show, and which certificates may answer.
#[derive(Clone, Debug)]
pub struct PendingScan {
    pub session: ScannedSession,
    pub choices: Vec<ScanChoice>,
}

/// A certificate installed on this device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstalledCertificate {
    pub key_id: String,
    pub serial: String,
    pub certificate: Vec<u8>,
    pub chain: Vec<Vec<u8>>,
    /// Serials of the encryption certificates that came with it (the pair's first).
    pub encryption_serials: Vec<String>,
}

/// The phone: its key store and its service session.
#[derive(Debug)]
pub struct Device {
    home: PathBuf,
    keys: Arc<KeyStore>,
    client: ServiceClient,
    device_id: String,
}

/// The random id of this installation (made on first use), sent with every scan.
fn device_id(home: &Path) -> Result<String, DeviceError> {
    let path = home.join("device.id");
    if let Ok(id) = std::fs::read_to_string(&path) {
        let id = id.trim();
        if (8..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Ok(id.to_string());
        }
    }
    let mut raw = [0u8; 16];
    getrandom::fill(&mut raw).map_err(|_| crate::crypto::Error::Rng)?;
    let id = hex::encode(raw);
    write_private(&path, id.as_bytes()).map_err(|e| DeviceError::Io(e.to_string()))?;
    Ok(id)
}

fn session_path(home: &Path) -> PathBuf {
    home.join("session.token")
}

pub(super) fn b64_decode(s: &str) -> Result<Vec<u8>, DeviceError> {
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
            keys: Arc::new(keys),
            client,
            device_id: device_id(home)?,
        })
    }

    pub fn keys(&self) -> &KeyStore {
        &self.keys
    }

    /// Runs key-store work that derives a PIN key (Argon2id: 64 MiB, a fraction of a second
    /// to seconds on a phone) on a blocking thread when a Tokio runtime is present, so the
    /// async worker threads stay free.
    pub(super) async fn off_thread<T, F>(&self, work: F) -> Result<T, DeviceError>
    where
        T: Send + 'static,
        F: FnOnce(&KeyStore) -> Result<T, DeviceError> + Send + 'static,
    {
        let keys = Arc::clone(&self.keys);
        match tokio::runtime::Handle::try_current() {
            Ok(handle) => handle
                .spawn_blocking(move || work(&keys))
                .await
                .map_err(|e| DeviceError::Io(format!("key store task: {e}")))?,
            Err(_) => work(&keys),
        }
    }

    /// 【修改证书密码】 off the async threads (two PIN key derivations).
    pub async fn change_pin(
        &self,
        key_id: &str,
        old_pin: &str,
        new_pin: &str,
    ) -> Result<(), DeviceError> {
        let id = key_id.to_string();
        let (old, new) = (
            Zeroizing::new(old_pin.to_string()),
            Zeroizing::new(new_pin.to_string()),
        );
        // The key first (a wrong old PIN stops here), then every other key of its slot — the
        // escrowed encryption keys and retired keys that still open old bids share its PIN.
        self.off_thread(move |k| {
            k.change_pin(&id, &old, &new)?;
            let label = k.key(&id)?.label;
            for other in k.list()? {
                if other.id != id && other.label == label && !label.is_empty() {
                    k.change_pin(&other.id, &old, &new)?;
                }
            }
            Ok(())
        })
        .await
    }

    /// [`KeyStore::unlock`] off the async threads.
    pub(super) async fn unlock(
        &self,
        key_id: &str,
        pin: &str,
    ) -> Result<crate::crypto::PrivateKey, DeviceError> {
        let (id, pin) = (key_id.to_string(), Zeroizing::new(pin.to_string()));
        self.off_thread(move |k| Ok(k.unlock(&id, &pin)?)).await
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
        self.obtain(entitlement_id, algorithm, pin, None).await
    }

    /// 补办 (a new phone, the app reinstalled) or a PIN reset (忘记密码): a new key under `pin`
    /// gets the slot's certificate again, after a fresh real-name + face verification
    /// ([`verify_identity`](Self::verify_identity)); the old certificate is revoked by the
    /// service and every escrowed encryption key of the slot comes back under the new PIN. Keys
    /// of the slot already on this device are retired (a signing key) or re-protected under
    /// the new PIN (an encryption key).
    pub async fn reissue(
        &self,
        entitlement_id: &str,
        algorithm: Algorithm,
        pin: &str,
        reason: crate::wire::ReissueReason,
    ) -> Result<InstalledCertificate, DeviceError> {
        self.obtain(entitlement_id, algorithm, pin, Some(reason))
            .await
    }

    async fn obtain(
        &self,
        entitlement_id: &str,
        algorithm: Algorithm,
        pin: &str,
        reissue: Option<crate::wire::ReissueReason>,
    ) -> Result<InstalledCertificate, DeviceError> {
        let before = self.keys.list()?;
        let info = {
            let (pin, label) = (Zeroizing::new(pin.to_string()), entitlement_id.to_string());
            self.off_thread(move |k| Ok(k.generate(algorithm, &pin, &label)?))
                .await?
        };
        let result = async {
            let key = self.unlock(&info.id, pin).await?;
            let request = csr::to_der(&csr::build(&device_subject()?, &key)?)?;
            let installed = match reissue {
                None => self.client.install(entitlement_id, &request).await?,
                Some(reason) => {
                    self.client
                        .reissue(entitlement_id, &request, reason)
                        .await?
                }
            };
            let (installed, delivered) = self.keep_certificate(&info.id, installed)?;
            Ok::<_, DeviceError>((key, installed, delivered))
        }
        .await;
        let (key, installed, delivered) = match result {
            Ok(done) => done,
            Err(e) => {
                let _ = self.keys.delete(&info.id);
                return Err(e);
            }
        };
        // The slot's earlier signing keys on this device are replaced by the new one.
        if reissue.is_some() {
            for old in before.iter().filter(|k| {
                k.label == entitlement_id
                    && k.status == super::keystore::KeyStatus::Active
                    && self
                        .keys
                        .certificates(&k.id)
                        .is_ok_and(|c| c.iter().any(|c| !is_encryption(&c.der)))
            }) {
                self.keys.retire(&old.id, Some(&info.id))?;
            }
        }
        // The signing certificate is issued and kept; the escrowed encryption keys come next
        // (if this fails, a reissue delivers them again).
        self.keep_encryption_keys(
            &key,
            &installed.certificate,
            &delivered,
            pin,
            entitlement_id,
            reissue == Some(crate::wire::ReissueReason::PinReset),
        )
        .await?;
        Ok(installed)
    }
}

impl Device {
    /// Keeps the certificate the service issued for key `key_id`; returns it, and the escrowed
    /// encryption keys that came with it (for [`keep_encryption_keys`](Self::keep_encryption_keys)).
    pub(super) fn keep_certificate(
        &self,
        key_id: &str,
        installed: crate::wire::Installed,
    ) -> Result<(InstalledCertificate, Vec<crate::wire::DeliveredKey>), DeviceError> {
        let certificate = b64_decode(&installed.certificate)?;
        self.keys.add_certificate(key_id, &certificate)?;
        let chain = installed
            .chain
            .iter()
            .map(|c| b64_decode(c))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((
            InstalledCertificate {
                key_id: key_id.to_string(),
                serial: installed.serial,
                certificate,
                chain,
                encryption_serials: installed
                    .encryption_keys
                    .iter()
                    .map(|k| k.serial.clone())
                    .collect(),
            },
            installed.encryption_keys,
        ))
    }
}

/// The subject a phone puts in its requests (the service names the certificate).
pub(super) fn device_subject() -> Result<x509_cert::name::Name, DeviceError> {
    Ok(SubjectName {
        common_name: Some("mcert device".into()),
        ..Default::default()
    }
    .to_name()?)
}

/// The first of the texts found in a picture that `parse` accepts; else the last refusal, or
/// none when nothing was found.
pub(super) fn first_code<E>(
    found: Vec<String>,
    parse: impl Fn(&str) -> Result<(), E>,
) -> Result<String, Option<E>> {
    let mut refused = None;
    for text in found {
        match parse(&text) {
            Ok(()) => return Ok(text),
            Err(e) => refused = Some(e),
        }
    }
    Err(refused)
}

fn is_encryption(der: &[u8]) -> bool {
    x509::parse_certificate(der).is_ok_and(|c| x509::is_encryption_certificate(&c))
}

impl Device {
    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    /// Sends a decoded QR payload to the service and lists the certificates on this device
    /// that may answer.
    pub async fn scan(&self, payload: &str) -> Result<PendingScan, DeviceError> {
        scan::QrCode::parse(payload)?;
        let session = self.client.scan(payload, &self.device_id).await?;
        let opening = match &session.opening_at {
            Some(text) => Some(
                crate::clock::parse_rfc3339(text)
                    .ok_or(ScanError::Missing("a readable opening_at"))?,
            ),
            None => None,
        };
        let mut choices = Vec::new();
        for serial in &session.eligible_serials {
            let Some(stored) = self.keys.certificate_by_serial(serial)? else {
                continue;
            };
            let Ok(info) = self.keys.key(&stored.key_id) else {
                continue;
            };
            if info.status != super::keystore::KeyStatus::Active {
                continue;
            }
            let cert = x509::parse_certificate(&stored.der)?;
            let cert_info = x509::info(&cert)?;
            let subject = &cert_info.subject;
            choices.push(ScanChoice {
                key_id: stored.key_id.clone(),
                serial: stored.serial.clone(),
                subject: subject
                    .organization
                    .clone()
                    .or_else(|| subject.common_name.clone())
                    .unwrap_or(cert_info.subject_text),
                algorithm: info.algorithm,
                not_after: stored.not_after,
                expires_before_opening: opening.is_some_and(|at| stored.not_after < at),
            });
        }
        Ok(PendingScan { session, choices })
    }

    /// Decodes a camera frame (luma plane) and scans the mcert code in it.
    pub async fn scan_frame(&self, frame: &LumaFrame<'_>) -> Result<PendingScan, DeviceError> {
        let found = qr::decode_frame(frame, qr::Engine::Auto)?;
        self.scan(&pick_mcert(found)?).await
    }

    /// Decodes a picture (PNG or JPEG) and scans the mcert code in it.
    pub async fn scan_image(&self, bytes: &[u8]) -> Result<PendingScan, DeviceError> {
        let found = qr::decode_image(bytes, qr::Engine::Auto)?;
        self.scan(&pick_mcert(found)?).await
    }

    /// Answers a scanned session with the certificate `serial` unlocked by `pin`: signs the
    /// statement of what was shown (and, for `sign`, the document digest as CMS); for
    /// `decrypt`, opens the bid key with the key it was sealed to (a retired key too; same
    /// PIN) and re-encrypts it to the platform's ephemeral key.
    pub async fn confirm(
        &self,
        pending: &PendingScan,
        serial: &str,
        pin: &str,
    ) -> Result<SessionStatus, DeviceError> {
        let choice = pending
            .choices
            .iter()
            .find(|c| c.serial.eq_ignore_ascii_case(serial))
            .ok_or(DeviceError::NoEligibleCertificate)?;
        let stored = self
            .keys
            .certificate_by_serial(&choice.serial)?
            .ok_or(DeviceError::NoEligibleCertificate)?;
        let certificate = x509::parse_certificate(&stored.der)?;
        let key = self.unlock(&choice.key_id, pin).await?;
        let session = &pending.session;
        let reencrypted = match session.kind {
            crate::wire::SessionKind::Decrypt => {
                let recipient = session
                    .recipient_serial
                    .as_deref()
                    .ok_or(ScanError::Missing("recipient_serial"))?;
                let sealed_to = self
                    .keys
                    .certificate_by_serial(recipient)?
                    .ok_or_else(|| DeviceError::NoBidKey(recipient.to_string()))?;
                Some(if sealed_to.key_id == choice.key_id {
                    scan::reencrypt_bid_key(session, &key)?
                } else {
                    let old = self.unlock(&sealed_to.key_id, pin).await?;
                    scan::reencrypt_bid_key(session, &old)?
                })
            }
            _ => None,
        };
        let completion = scan::answer(
            session,
            &key,
            &certificate,
            &[],
            reencrypted,
            std::time::SystemTime::now(),
        )?;
        Ok(self
            .client
            .complete(&session.session_id, &completion)
            .await?)
    }

    /// The user declined (取消) on the confirm screen.
    pub async fn decline(&self, pending: &PendingScan) -> Result<SessionStatus, DeviceError> {
        Ok(self
            .client
            .decline(&pending.session.session_id, &pending.session.scan_ticket)
            .await?)
    }

    /// The account's usage records (【使用记录】).
    pub async fn usage(
        &self,
        from: Option<&str>,
        to: Option<&str>,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> Result<UsagePage, DeviceError> {
        Ok(self.client.usage(from, to, cursor, limit).await?)
    }
}

/// The first mcert payload among those decoded (a frame may hold other codes too).
fn pick_mcert(found: Vec<String>) -> Result<String, DeviceError> {
    first_code(found, |t| scan::QrCode::parse(t).map(|_| ())).map_err(|e| match e {
        Some(e) => DeviceError::Scan(e),
        None => DeviceError::NoQrCode,
    })
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
