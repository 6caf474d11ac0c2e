//! 【证书延期】 and 【迁移到新手机】 as the app calls them.

use std::time::Duration;

use mcert_core::device::life::PendingMigration;
use mcert_core::wire;
use zeroize::Zeroizing;

use crate::*;

/// What starting 【证书延期】 did.
#[derive(Debug, Clone, uniffi::Record)]
pub struct RenewalView {
    /// The order to pay (a person's renewal); none when a package slot was taken.
    pub order: Option<OrderView>,
    /// The organisation's package slot this renewal used.
    pub package_entitlement_id: Option<String>,
    /// The end of the period once renewed (RFC 3339).
    pub valid_until: String,
    /// The renewed certificate can be downloaded now (`renew`).
    pub due: bool,
}

/// A move of a certificate to a new phone, as either phone shows it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct MigrationView {
    pub id: String,
    pub entitlement_id: String,
    /// The certificate being moved.
    pub serial: String,
    /// open, requested, approved, cancelled or expired.
    pub status: String,
    /// 待新手机扫码, 待旧手机确认, 已完成, 已取消, 已过期.
    pub status_label: String,
    /// The six digits both phones show once the new phone asked.
    pub code: Option<String>,
    pub expires_at: String,
    /// The old phone's QR code text (only when it was just made).
    pub qr: Option<String>,
    /// The QR code as a PNG (only when it was just made).
    pub qr_png: Option<Vec<u8>>,
    /// The new phone's key waiting for the certificate (only on the new phone).
    pub new_key_id: Option<String>,
}

fn migration_view(m: wire::Migration) -> MigrationView {
    MigrationView {
        id: m.id,
        entitlement_id: m.entitlement_id,
        serial: m.serial,
        status: m.status,
        status_label: m.status_label,
        code: m.code,
        expires_at: m.expires_at,
        qr: None,
        qr_png: None,
        new_key_id: None,
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl McertApp {
    /// 【证书延期】: in the last three months of a slot's period, for `years` (1–3): the order to
    /// pay, or, for an organisation's slot, an unused package slot taken (else the service
    /// answers `ask_admin`: 请联系单位证书管理员).
    pub async fn start_renewal(
        &self,
        entitlement_id: String,
        years: i64,
    ) -> Result<RenewalView, McertError> {
        let r = self
            .device()
            .await
            .start_renewal(&entitlement_id, years)
            .await?;
        Ok(RenewalView {
            order: r.order.map(order_view),
            package_entitlement_id: r.package_entitlement_id,
            valid_until: r.valid_until,
            due: r.due,
        })
    }

    /// 【下载延期证书】: once the renewal is paid, the certificate PIN opens the slot's key to
    /// sign the request; the renewed certificate is kept with the same key.
    pub async fn renew(
        &self,
        entitlement_id: String,
        pin: String,
    ) -> Result<InstalledView, McertError> {
        let pin = Zeroizing::new(pin);
        Ok(self
            .device()
            .await
            .renew(&entitlement_id, &pin)
            .await?
            .into())
    }

    /// 【迁移到新手机】 on the old phone: the QR code (text and PNG) for the new phone to scan.
    pub async fn start_migration(
        &self,
        entitlement_id: String,
    ) -> Result<MigrationView, McertError> {
        let started = self.device().await.start_migration(&entitlement_id).await?;
        let png = mcert_core::device::qr::encode_png(&started.qr, 8)
            .map_err(mcert_core::device::flows::DeviceError::from)?;
        let mut view = migration_view(started.migration);
        view.qr = Some(started.qr);
        view.qr_png = Some(png);
        Ok(view)
    }

    /// Either phone: the move as it stands (the old phone polls it for the new phone's code).
    pub async fn migration(&self, migration_id: String) -> Result<MigrationView, McertError> {
        Ok(migration_view(
            self.device().await.migration(&migration_id).await?,
        ))
    }

    /// The old phone, after the user checked both phones show the same code: approves with the
    /// certificate PIN. This phone keeps none of the slot's keys afterwards.
    pub async fn approve_migration(
        &self,
        migration_id: String,
        pin: String,
    ) -> Result<MigrationView, McertError> {
        let pin = Zeroizing::new(pin);
        Ok(migration_view(
            self.device()
                .await
                .approve_migration(&migration_id, &pin)
                .await?,
        ))
    }

    /// Either phone: 【取消迁移】.
    pub async fn cancel_migration(
        &self,
        migration_id: String,
    ) -> Result<MigrationView, McertError> {
        Ok(migration_view(
            self.device().await.cancel_migration(&migration_id).await?,
        ))
    }

    /// 【从旧手机迁移】 with the camera: the old phone's move code in a frame (luma plane), as
    /// text for `request_migration`. Errors `no_qr_code` (keep scanning) or
    /// `not_a_migration_code`.
    pub fn read_move_code_frame(
        &self,
        luma: Vec<u8>,
        width: u32,
        height: u32,
        row_stride: u32,
    ) -> Result<String, McertError> {
        let frame = mcert_core::device::qr::LumaFrame {
            width: width as usize,
            height: height as usize,
            row_stride: row_stride as usize,
            data: &luma,
        };
        Ok(mcert_core::device::life::migration_code_in_frame(&frame)?)
    }

    /// The old phone's move code in a picture (PNG or JPEG), e.g. a screenshot.
    pub fn read_move_code_image(&self, image: Vec<u8>) -> Result<String, McertError> {
        Ok(mcert_core::device::life::migration_code_in_image(&image)?)
    }

    /// The new phone (logged in with the same number) scanned the old phone's code: makes its
    /// own key under a new `pin` and asks; shows `code` for the user to compare.
    pub async fn request_migration(
        &self,
        qr_text: String,
        pin: String,
    ) -> Result<MigrationView, McertError> {
        let pin = Zeroizing::new(pin);
        let pending = self
            .device()
            .await
            .request_migration(&qr_text, &pin)
            .await?;
        let mut view = migration_view(pending.migration);
        view.new_key_id = Some(pending.key_id);
        Ok(view)
    }

    /// The new phone waits (at most `timeout_secs`) for the old phone's approval, then keeps
    /// the certificate and the escrowed encryption keys under `pin`.
    pub async fn finish_migration(
        &self,
        migration_id: String,
        new_key_id: String,
        pin: String,
        timeout_secs: u32,
    ) -> Result<InstalledView, McertError> {
        let pin = Zeroizing::new(pin);
        let device = self.device().await;
        let pending = PendingMigration {
            migration: device.migration(&migration_id).await?,
            key_id: new_key_id,
        };
        Ok(device
            .finish_migration(&pending, &pin, Duration::from_secs(u64::from(timeout_secs)))
            .await?
            .into())
    }
}
