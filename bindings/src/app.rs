//! The phone: key store, service session and flows, as the app calls them.

use std::sync::Arc;
use std::time::Duration;

use mcert_core::device::flows::Device;
use mcert_core::device::keystore::{KeyStatus, KeyStoreOptions};
use mcert_core::device::qr::LumaFrame;
use mcert_core::wire;
use tokio::sync::RwLock;
use zeroize::Zeroizing;

use crate::*;

/// The phone: key store, service session, flows.
#[derive(Debug, uniffi::Object)]
pub struct McertApp {
    inner: RwLock<Device>,
}

impl McertApp {
    /// The device, for reading (calls of the service client and the key store).
    pub(crate) async fn device(&self) -> tokio::sync::RwLockReadGuard<'_, Device> {
        self.inner.read().await
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

    /// A fresh SMS code to the signed-in account's own phone (for 【证书挂失】); returns the
    /// phone masked, to show where it went.
    pub async fn request_own_code(&self) -> Result<String, McertError> {
        let device = self.inner.read().await;
        let me = device.client().me().await?;
        device.request_code(&me.phone).await?;
        Ok(me.phone_masked)
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
                purpose: p.purpose,
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
                org_id: e.org_id,
                org_name: e.org_name,
                valid_until: e.valid_until,
                renewable: e.renewable,
                renewal_due: e.renewal_due,
                change_due: e.change_due,
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
        Ok(c.into())
    }

    /// 【证书补办】 (a new phone, the app reinstalled) or 【忘记密码】: after a fresh real-name and
    /// face verification (`verify_identity`, within 10 minutes), a new key under a new PIN gets
    /// the slot's certificate again; the old one is revoked, and every escrowed encryption key
    /// comes back under the new PIN, so bids sealed before still open.
    pub async fn reissue(
        &self,
        entitlement_id: String,
        algorithm: KeyAlgorithm,
        pin: String,
        reason: ReissueKind,
    ) -> Result<InstalledView, McertError> {
        let pin = Zeroizing::new(pin);
        let c = self
            .inner
            .read()
            .await
            .reissue(&entitlement_id, algorithm.into(), &pin, reason.into())
            .await?;
        Ok(c.into())
    }

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

    /// 【数字证书】: the account's certificates, marked when their key is on this phone.
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
                entitlement_id: c.entitlement_id,
                encryption_serial: c.encryption_serial,
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

    /// 文件签章 with the seal `seal_id` and its certificate's PIN: the platform prepares the
    /// document with the seal's picture (waiting at most 60 s), then the phone signs it.
    pub async fn stamp(
        &self,
        scan: Arc<PendingScan>,
        seal_id: String,
        pin: String,
    ) -> Result<ScanOutcome, McertError> {
        let pin = Zeroizing::new(pin);
        Ok(outcome(
            self.inner
                .read()
                .await
                .stamp(
                    &scan.inner,
                    &seal_id,
                    &pin,
                    std::time::Duration::from_secs(60),
                )
                .await?,
        ))
    }

    /// 文件签章 of a session with several places: `seal_ids` is the seal for each place in
    /// order, `pins` the PIN of every certificate they sign with (all unlocked before anything
    /// is signed); the places are stamped one after another.
    pub async fn stamp_places(
        &self,
        scan: Arc<PendingScan>,
        seal_ids: Vec<String>,
        pins: Vec<CertificatePin>,
    ) -> Result<ScanOutcome, McertError> {
        let pins: Vec<(String, String)> = pins.into_iter().map(|p| (p.serial, p.pin)).collect();
        let result = self
            .inner
            .read()
            .await
            .stamp_places(
                &scan.inner,
                &seal_ids,
                &pins,
                std::time::Duration::from_secs(60),
            )
            .await;
        // The PINs go as soon as the keys are unlocked and used.
        for (_, mut pin) in pins {
            zeroize::Zeroize::zeroize(&mut pin);
        }
        Ok(outcome(result?))
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
        Ok(usage_page_view(page))
    }
}
