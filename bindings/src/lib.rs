//! mcert-ffi: the device core as the Android and iOS apps see it, through uniffi.
//!
//! Thin exported objects over `mcert_core::device::flows` ([`McertApp`] holds the core's
//! `Device`; [`PendingScan`] a scan waiting for the user), records and enums for what the
//! screens show, one public error ([`McertError`]: a stable code, a message fit to show, the PIN
//! tries left or the lock), and one host-implemented trait ([`DeviceSecretStore`]: the Android
//! Keystore or the iOS Keychain keeps the device secret). No business rules live here.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use mcert_core::crypto::Algorithm;
use mcert_core::device::client::ClientError;
use mcert_core::device::flows::{self, Device, DeviceError};
use mcert_core::device::keystore::{KeyStatus, KeyStoreError, KeyStoreOptions};
use mcert_core::device::qr::LumaFrame;
use mcert_core::device::secret::{SecretStore, SecretStoreError};
use mcert_core::i18n::{Locale, UserMessage};
use mcert_core::wire;
use tokio::sync::RwLock;
use zeroize::Zeroizing;

uniffi::setup_scaffolding!();

// ----- Language -----

static ENGLISH: AtomicBool = AtomicBool::new(false);

fn locale() -> Locale {
    if ENGLISH.load(Ordering::Relaxed) {
        Locale::En
    } else {
        Locale::ZhCn
    }
}

/// Chooses the language of error messages: a BCP 47 tag (`zh-CN` by default; `en…` for
/// English). Messages from the service stay in zh-CN.
#[uniffi::export]
pub fn set_language(tag: String) {
    ENGLISH.store(Locale::parse(&tag) == Locale::En, Ordering::Relaxed);
}

// ----- The one public error -----

/// What went wrong, for the UI: `code` is stable (for programs), `user_message` is ready to
/// show (zh-CN unless [`set_language`] chose English).
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum McertError {
    /// Wrong certificate PIN; `tries_left` more before the key locks.
    #[error("{user_message}")]
    WrongPin {
        code: String,
        user_message: String,
        tries_left: u32,
    },
    /// The key is locked after too many wrong PINs.
    #[error("{user_message}")]
    Locked { code: String, user_message: String },
    /// The input was refused before anything happened (PIN policy, QR code, form fields).
    #[error("{user_message}")]
    Invalid { code: String, user_message: String },
    /// The service refused (its code and message, and the HTTP status).
    #[error("{user_message}")]
    Service {
        code: String,
        user_message: String,
        http_status: u16,
    },
    /// The service could not be reached.
    #[error("{user_message}")]
    Network { code: String, user_message: String },
    /// Anything else (storage, damaged data…).
    #[error("{user_message}")]
    Failed { code: String, user_message: String },
}

impl From<DeviceError> for McertError {
    fn from(e: DeviceError) -> Self {
        let code = e.code().to_string();
        let user_message = e.user_message(locale());
        match e {
            DeviceError::KeyStore(KeyStoreError::WrongPin { tries_left: 0 })
            | DeviceError::KeyStore(KeyStoreError::Locked) => {
                McertError::Locked { code, user_message }
            }
            DeviceError::KeyStore(KeyStoreError::WrongPin { tries_left }) => McertError::WrongPin {
                code,
                user_message,
                tries_left,
            },
            DeviceError::KeyStore(KeyStoreError::PinPolicy(_))
            | DeviceError::Scan(_)
            | DeviceError::Qr(_)
            | DeviceError::NoQrCode
            | DeviceError::NoEligibleCertificate => McertError::Invalid { code, user_message },
            DeviceError::Client(ClientError::Api {
                status,
                code,
                message,
            }) => McertError::Service {
                code,
                user_message: message,
                http_status: status,
            },
            DeviceError::Client(ClientError::Network(_)) => {
                McertError::Network { code, user_message }
            }
            _ => McertError::Failed { code, user_message },
        }
    }
}

impl From<KeyStoreError> for McertError {
    fn from(e: KeyStoreError) -> Self {
        DeviceError::KeyStore(e).into()
    }
}

impl From<ClientError> for McertError {
    fn from(e: ClientError) -> Self {
        DeviceError::Client(e).into()
    }
}

// ----- The host's secret store -----

/// Why the host's secret store failed.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum HostError {
    /// No secure storage on this device (or it is locked).
    #[error("{reason}")]
    Unavailable { reason: String },
    #[error("{reason}")]
    Failed { reason: String },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for HostError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        HostError::Failed { reason: e.reason }
    }
}

/// Where the device secret lives, implemented by the app: the Android Keystore (StrongBox
/// when present) or the iOS Keychain (`ThisDeviceOnly`).
#[uniffi::export(with_foreign)]
pub trait DeviceSecretStore: Send + Sync {
    /// The secret under `name`, or none.
    fn load(&self, name: String) -> Result<Option<Vec<u8>>, HostError>;
    /// Stores (or replaces) the secret under `name`.
    fn store(&self, name: String, secret: Vec<u8>) -> Result<(), HostError>;
    /// Removes it; removing an absent one is not an error.
    fn delete(&self, name: String) -> Result<(), HostError>;
}

struct HostSecrets(Arc<dyn DeviceSecretStore>);

impl std::fmt::Debug for HostSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HostSecrets")
    }
}

fn host_error(e: HostError) -> SecretStoreError {
    match e {
        HostError::Unavailable { reason } => SecretStoreError::Unavailable(reason),
        HostError::Failed { reason } => SecretStoreError::Failed(reason),
    }
}

impl SecretStore for HostSecrets {
    fn load(&self, name: &str) -> Result<Option<Zeroizing<Vec<u8>>>, SecretStoreError> {
        Ok(self
            .0
            .load(name.to_string())
            .map_err(host_error)?
            .map(Zeroizing::new))
    }

    fn store(&self, name: &str, secret: &[u8]) -> Result<(), SecretStoreError> {
        self.0
            .store(name.to_string(), secret.to_vec())
            .map_err(host_error)
    }

    fn delete(&self, name: &str) -> Result<(), SecretStoreError> {
        self.0.delete(name.to_string()).map_err(host_error)
    }
}

// ----- What the screens show -----

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum KeyAlgorithm {
    Sm2,
    P256,
}

impl From<KeyAlgorithm> for Algorithm {
    fn from(a: KeyAlgorithm) -> Algorithm {
        match a {
            KeyAlgorithm::Sm2 => Algorithm::Sm2,
            KeyAlgorithm::P256 => Algorithm::P256,
        }
    }
}

impl From<Algorithm> for KeyAlgorithm {
    fn from(a: Algorithm) -> KeyAlgorithm {
        match a {
            Algorithm::Sm2 => KeyAlgorithm::Sm2,
            Algorithm::P256 => KeyAlgorithm::P256,
        }
    }
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct AccountView {
    pub id: String,
    pub phone_masked: String,
    pub platform_id: Option<String>,
    pub new_account: bool,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct PlatformView {
    pub id: String,
    pub name: String,
}

/// Real-name verification (【实名认证】): phone three-factor, or bank card four-factor when a
/// card number is given.
#[derive(Clone, uniffi::Record)]
pub struct IdentityForm {
    pub name: String,
    pub id_number: String,
    pub phone: String,
    pub bank_card: Option<String>,
    /// The token of the face-liveness check the app ran.
    pub face_token: String,
}

impl std::fmt::Debug for IdentityForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentityForm")
            .field(
                "id_number",
                &mcert_core::validate::mask_id_number(&self.id_number),
            )
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct IdentityView {
    pub name: String,
    pub id_number_masked: String,
    pub method: String,
    pub verified_at: String,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct ProductView {
    pub id: String,
    pub name: String,
    pub personal_certs: i64,
    pub organization_certs: i64,
    pub price_fen_per_year: i64,
    pub currency: String,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct OrderView {
    pub id: String,
    pub product_id: String,
    pub years: i64,
    pub amount_fen: i64,
    pub currency: String,
    pub status: String,
    /// 待审核, 待支付, 已完成, 未通过, 已取消.
    pub status_label: String,
    pub reject_reason: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct EntitlementView {
    pub id: String,
    pub order_id: String,
    pub kind: String,
    pub years: i64,
    pub status: String,
    pub certificate_serial: Option<String>,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct InstalledView {
    pub key_id: String,
    pub serial: String,
}

/// A certificate as 【数字证书】 lists it (from the service) with what this phone holds.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CertificateView {
    pub serial: String,
    pub subject: String,
    pub issuer: String,
    pub algorithm: String,
    pub not_before: String,
    pub not_after: String,
    /// good, revoked or expired.
    pub status: String,
    /// Whether its key is on this phone.
    pub on_this_device: bool,
}

/// A key on this phone (PIN state for the PIN entry screen).
#[derive(Debug, Clone, uniffi::Record)]
pub struct LocalKeyView {
    pub id: String,
    pub algorithm: KeyAlgorithm,
    /// active or retired (replaced, still opens old bids).
    pub status: String,
    pub pin_tries_left: u32,
    pub locked: bool,
    pub serials: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ScanKind {
    Login,
    Sign,
    Decrypt,
}

impl From<wire::SessionKind> for ScanKind {
    fn from(k: wire::SessionKind) -> Self {
        match k {
            wire::SessionKind::Login => ScanKind::Login,
            wire::SessionKind::Sign => ScanKind::Sign,
            wire::SessionKind::Decrypt => ScanKind::Decrypt,
        }
    }
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct CertificateChoice {
    pub serial: String,
    pub subject: String,
    pub algorithm: KeyAlgorithm,
}

/// The confirm screen: what the platform asks, and which certificates may answer.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ScanView {
    pub session_id: String,
    pub platform_name: String,
    pub platform_logo_url: Option<String>,
    pub kind: ScanKind,
    /// 扫码登录, 文件签名 or 开标解密.
    pub operation: String,
    pub project: Option<String>,
    pub lot: Option<String>,
    pub document_name: Option<String>,
    /// Also shown on the platform's page, for the user to compare.
    pub verification_code: String,
    pub expires_at: String,
    pub choices: Vec<CertificateChoice>,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct ScanOutcome {
    pub session_id: String,
    /// completed, declined, failed…
    pub status: String,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct UsageView {
    pub at: String,
    pub operation: String,
    pub holder_name: Option<String>,
    pub certificate_serial: Option<String>,
    pub platform_name: String,
    /// completed, declined or failed.
    pub outcome: String,
    /// 成功, 已拒绝 or 失败.
    pub outcome_label: String,
    pub failure_code: Option<String>,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct UsagePageView {
    pub items: Vec<UsageView>,
    pub next_cursor: Option<String>,
}

// ----- The scan waiting for the user -----

/// A scanned session on the confirm screen.
#[derive(Debug, uniffi::Object)]
pub struct PendingScan {
    inner: flows::PendingScan,
}

#[uniffi::export]
impl PendingScan {
    /// What the confirm screen shows.
    pub fn view(&self) -> ScanView {
        let s = &self.inner.session;
        ScanView {
            session_id: s.session_id.clone(),
            platform_name: s.platform.name.clone(),
            platform_logo_url: s.platform.logo_url.clone(),
            kind: s.kind.into(),
            operation: s.operation.clone(),
            project: s.display.project.clone(),
            lot: s.display.lot.clone(),
            document_name: s.display.document_name.clone(),
            verification_code: s.verification_code.clone(),
            expires_at: s.expires_at.clone(),
            choices: self
                .inner
                .choices
                .iter()
                .map(|c| CertificateChoice {
                    serial: c.serial.clone(),
                    subject: c.subject.clone(),
                    algorithm: c.algorithm.into(),
                })
                .collect(),
        }
    }
}

// ----- The app -----

/// The phone: key store, service session, flows.
#[derive(Debug, uniffi::Object)]
pub struct McertApp {
    inner: RwLock<Device>,
}

fn outcome(s: wire::SessionStatus) -> ScanOutcome {
    ScanOutcome {
        session_id: s.session_id,
        status: s.status,
    }
}

fn order_view(o: wire::Order) -> OrderView {
    OrderView {
        id: o.id,
        product_id: o.product_id,
        years: o.years,
        amount_fen: o.amount_fen,
        currency: o.currency,
        status: o.status,
        status_label: o.status_label,
        reject_reason: o.reject_reason,
        created_at: o.created_at,
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl McertApp {
    /// Opens the app's data in `home` (key store, session) talking to `server_url`; the
    /// device secret is kept by `secrets`.
    #[uniffi::constructor]
    pub fn new(
        home: String,
        server_url: String,
        secrets: Arc<dyn DeviceSecretStore>,
    ) -> Result<Arc<Self>, McertError> {
        let store = HostSecrets(secrets);
        let device = Device::open(
            std::path::Path::new(&home),
            &server_url,
            &store,
            KeyStoreOptions::default(),
        )?;
        Ok(Arc::new(McertApp {
            inner: RwLock::new(device),
        }))
    }

    /// Whether a session token is kept on this device.
    pub async fn is_logged_in(&self) -> bool {
        self.inner.read().await.client().token().is_some()
    }

    /// 【获取验证码】
    pub async fn request_code(&self, phone: String) -> Result<(), McertError> {
        Ok(self.inner.read().await.request_code(&phone).await?)
    }

    /// Development service only: the newest code sent to `phone` (its SMS outbox).
    pub async fn dev_sms_code(&self, phone: String) -> Result<String, McertError> {
        let texts = self.inner.read().await.client().dev_outbox(&phone).await?;
        Ok(texts
            .first()
            .map(|t| t.chars().filter(char::is_ascii_digit).take(6).collect())
            .unwrap_or_default())
    }

    /// 【登录】 by SMS code; an unknown number is registered.
    pub async fn login(&self, phone: String, code: String) -> Result<AccountView, McertError> {
        let s = self.inner.write().await.login(&phone, &code).await?;
        Ok(AccountView {
            id: s.account.id,
            phone_masked: s.account.phone_masked,
            platform_id: s.account.platform_id,
            new_account: s.new_account,
        })
    }

    pub async fn logout(&self) -> Result<(), McertError> {
        Ok(self.inner.write().await.logout().await?)
    }

    /// The platforms offered after login (平台选择).
    pub async fn platforms(&self) -> Result<Vec<PlatformView>, McertError> {
        let list = self.inner.read().await.client().platforms().await?;
        Ok(list
            .into_iter()
            .map(|p| PlatformView {
                id: p.id,
                name: p.name,
            })
            .collect())
    }

    pub async fn choose_platform(&self, platform_id: String) -> Result<(), McertError> {
        self.inner
            .read()
            .await
            .client()
            .choose_platform(&platform_id)
            .await?;
        Ok(())
    }

    /// 【实名认证】
    pub async fn verify_identity(&self, form: IdentityForm) -> Result<IdentityView, McertError> {
        let request = wire::VerificationRequest {
            method: if form.bank_card.is_some() {
                wire::Method::BankCard
            } else {
                wire::Method::Phone
            },
            name: form.name,
            id_number: form.id_number,
            bank_card: form.bank_card,
            phone: form.phone,
            face_token: form.face_token,
        };
        let id = self.inner.read().await.verify_identity(&request).await?;
        Ok(identity_view(id))
    }

    /// The verified identity, if any.
    pub async fn identity(&self) -> Result<Option<IdentityView>, McertError> {
        Ok(self
            .inner
            .read()
            .await
            .client()
            .identity()
            .await?
            .map(identity_view))
    }

    /// 【申请证书】: what can be bought.
    pub async fn catalogue(&self) -> Result<Vec<ProductView>, McertError> {
        let items = self.inner.read().await.client().catalogue().await?;
        Ok(items
            .into_iter()
            .map(|p| ProductView {
                id: p.id,
                name: p.name,
                personal_certs: p.personal_certs,
                organization_certs: p.organization_certs,
                price_fen_per_year: p.price_fen_per_year,
                currency: p.currency,
            })
            .collect())
    }

    pub async fn place_order(
        &self,
        product_id: String,
        years: i64,
    ) -> Result<OrderView, McertError> {
        Ok(order_view(
            self.inner.read().await.order(&product_id, years).await?,
        ))
    }

    /// 【我的订单】
    pub async fn orders(&self) -> Result<Vec<OrderView>, McertError> {
        let list = self.inner.read().await.client().orders().await?;
        Ok(list.into_iter().map(order_view).collect())
    }

    /// Pays online and waits (at most `timeout_secs`) for the order to complete.
    pub async fn pay_and_wait(
        &self,
        order_id: String,
        timeout_secs: u32,
    ) -> Result<OrderView, McertError> {
        Ok(order_view(
            self.inner
                .read()
                .await
                .pay_and_wait(&order_id, Duration::from_secs(u64::from(timeout_secs)))
                .await?,
        ))
    }

    /// Paid certificate slots.
    pub async fn entitlements(&self) -> Result<Vec<EntitlementView>, McertError> {
        let list = self.inner.read().await.client().entitlements().await?;
        Ok(list
            .into_iter()
            .map(|e| EntitlementView {
                id: e.id,
                order_id: e.order_id,
                kind: e.kind,
                years: e.years,
                status: e.status,
                certificate_serial: e.certificate_serial,
            })
            .collect())
    }

    /// 【下载证书】: makes the key on this phone under a new 6-digit PIN and installs the
    /// certificate of a paid slot.
    pub async fn install(
        &self,
        entitlement_id: String,
        algorithm: KeyAlgorithm,
        pin: String,
    ) -> Result<InstalledView, McertError> {
        let pin = Zeroizing::new(pin);
        let c = self
            .inner
            .read()
            .await
            .install(&entitlement_id, algorithm.into(), &pin)
            .await?;
        Ok(InstalledView {
            key_id: c.key_id,
            serial: c.serial,
        })
    }

    /// 【数字证书】: the account's certificates, marked when their key is on this phone.
    /// 【证书挂失】 reports a certificate of this account lost, with a fresh SMS code sent to
    /// the account's phone (ask one with `request_code`); the service revokes it at once.
    pub async fn report_lost(&self, serial: String, sms_code: String) -> Result<(), McertError> {
        let sms_code = Zeroizing::new(sms_code);
        Ok(self
            .inner
            .read()
            .await
            .client()
            .report_lost(&serial, &sms_code)
            .await?)
    }

    pub async fn certificates(&self) -> Result<Vec<CertificateView>, McertError> {
        let device = self.inner.read().await;
        let list = device.client().certificates().await?;
        let mut out = Vec::with_capacity(list.len());
        for c in list {
            let on_this_device = device.keys().certificate_by_serial(&c.serial)?.is_some();
            out.push(CertificateView {
                serial: c.serial,
                subject: c.subject,
                issuer: c.issuer,
                algorithm: c.algorithm,
                not_before: c.not_before,
                not_after: c.not_after,
                status: c.status,
                on_this_device,
            });
        }
        Ok(out)
    }

    /// The keys on this phone with their PIN state.
    pub async fn local_keys(&self) -> Result<Vec<LocalKeyView>, McertError> {
        let device = self.inner.read().await;
        let keys = device.keys().list()?;
        let mut out = Vec::with_capacity(keys.len());
        for k in keys {
            let serials = device
                .keys()
                .certificates(&k.id)?
                .into_iter()
                .map(|c| c.serial)
                .collect();
            out.push(LocalKeyView {
                id: k.id,
                algorithm: k.algorithm.into(),
                status: match k.status {
                    KeyStatus::Active => "active".into(),
                    KeyStatus::Retired => "retired".into(),
                },
                pin_tries_left: k.pin_tries_left,
                locked: k.locked,
                serials,
            });
        }
        Ok(out)
    }

    /// 【修改证书密码】
    pub async fn change_pin(
        &self,
        key_id: String,
        old_pin: String,
        new_pin: String,
    ) -> Result<(), McertError> {
        let (old_pin, new_pin) = (Zeroizing::new(old_pin), Zeroizing::new(new_pin));
        self.inner
            .read()
            .await
            .change_pin(&key_id, &old_pin, &new_pin)
            .await?;
        Ok(())
    }

    /// 【扫码】 with a payload already decoded.
    pub async fn scan_payload(&self, payload: String) -> Result<Arc<PendingScan>, McertError> {
        let inner = self.inner.read().await.scan(&payload).await?;
        Ok(Arc::new(PendingScan { inner }))
    }

    /// 【扫码】 from a camera frame: the luma (Y) plane with its row stride, as CameraX
    /// `ImageAnalysis` and AVFoundation hand it over.
    pub async fn scan_frame(
        &self,
        luma: Vec<u8>,
        width: u32,
        height: u32,
        row_stride: u32,
    ) -> Result<Arc<PendingScan>, McertError> {
        let frame = LumaFrame {
            width: width as usize,
            height: height as usize,
            row_stride: row_stride as usize,
            data: &luma,
        };
        let inner = self.inner.read().await.scan_frame(&frame).await?;
        Ok(Arc::new(PendingScan { inner }))
    }

    /// 【扫码】 from a picture (PNG or JPEG), e.g. one picked from the album.
    pub async fn scan_image(&self, image: Vec<u8>) -> Result<Arc<PendingScan>, McertError> {
        let inner = self.inner.read().await.scan_image(&image).await?;
        Ok(Arc::new(PendingScan { inner }))
    }

    /// Confirms with the certificate `serial` and its PIN.
    pub async fn confirm(
        &self,
        scan: Arc<PendingScan>,
        serial: String,
        pin: String,
    ) -> Result<ScanOutcome, McertError> {
        let pin = Zeroizing::new(pin);
        Ok(outcome(
            self.inner
                .read()
                .await
                .confirm(&scan.inner, &serial, &pin)
                .await?,
        ))
    }

    /// 【取消】 on the confirm screen.
    pub async fn decline(&self, scan: Arc<PendingScan>) -> Result<ScanOutcome, McertError> {
        Ok(outcome(self.inner.read().await.decline(&scan.inner).await?))
    }

    /// 【使用记录】, newest first; `from`/`to` are dates (`2026-11-23`) or RFC 3339 times.
    pub async fn usage(
        &self,
        from: Option<String>,
        to: Option<String>,
        cursor: Option<String>,
        limit: u32,
    ) -> Result<UsagePageView, McertError> {
        let page = self
            .inner
            .read()
            .await
            .usage(
                from.as_deref(),
                to.as_deref(),
                cursor.as_deref(),
                Some(limit),
            )
            .await?;
        Ok(UsagePageView {
            items: page
                .items
                .into_iter()
                .map(|u| UsageView {
                    at: u.at,
                    operation: u.operation,
                    holder_name: u.holder_name,
                    certificate_serial: u.certificate_serial,
                    platform_name: u.platform_name,
                    outcome: u.outcome,
                    outcome_label: u.outcome_label,
                    failure_code: u.failure_code,
                })
                .collect(),
            next_cursor: page.next_cursor,
        })
    }
}

fn identity_view(id: wire::VerifiedIdentity) -> IdentityView {
    IdentityView {
        name: id.name,
        id_number_masked: id.id_number_masked,
        method: id.method.as_str().to_string(),
        verified_at: id.verified_at,
    }
}

/// Checks a new PIN against the policy before the user confirms it (6 digits, not all equal,
/// not a straight run).
#[uniffi::export]
pub fn check_new_pin(pin: String) -> Result<(), McertError> {
    let pin = Zeroizing::new(pin);
    mcert_core::device::pin::Pin::new_checked(&pin)
        .map(|_| ())
        .map_err(|e| McertError::Invalid {
            code: e.code().to_string(),
            user_message: e.user_message(locale()),
        })
}
