//! `mcert demo`, the certificate's later life: ten months on (the development service's clock
//! is moved forward) the expiry reminder arrives, the bidder renews (延期) on the phone that
//! holds the certificate: pays, enters the PIN, and the same key gets a certificate for the new
//! period. Then the certificate moves to yet another phone by QR code, approved on the old one
//! with its PIN and without a new real-name check. The bid sealed at the very start opens on
//! the last phone.

use std::time::Duration;

use mcert_core::device::flows::{Device, DeviceError};
use mcert_core::device::keystore::KeyStoreOptions;
use mcert_core::device::secret::SecretStore;
use mcert_core::i18n::message;
use mcert_core::scan::SealedBid;
use mcert_rp::client::RpClient;
use mcert_service::server::Running;
use x509_cert::Certificate;

use crate::CliError;
use crate::scan_demo::{PHONE, Steps, sms_login};

const MOVED_PIN: &str = "513579";

/// Runs the story with `phone`, which holds slot `slot`'s certificate under `pin`.
pub async fn walk(
    running: &Running,
    (platform, roots): (&RpClient, &[Certificate]),
    (mut phone, pin): (Device, &str),
    (dir, secrets): (&std::path::Path, &dyn SecretStore),
    (slot, sealed): (&str, &SealedBid),
    steps: &mut Steps,
) -> Result<(), CliError> {
    let locale = steps.locale;
    let fail = |what: String| CliError::new(format!("demo check failed: {what}"));
    let dev_err = |e: DeviceError| CliError::from_user(&e, locale);
    let clock = running
        .state
        .dev_clock
        .clone()
        .ok_or_else(|| fail("the development service has no movable clock".into()))?;
    println!("{}", message(locale, "demo-life-title", &[]));

    // Ten months on: the reminder, then 延期 for one year on the same phone.
    clock.advance(Duration::from_secs(300 * 86_400));
    running
        .state
        .orders
        .remind_expiring()
        .await
        .map_err(|e| CliError::new(e.to_string()))?;
    sms_login(&mut phone, PHONE).await.map_err(dev_err)?;
    let reminder = login_texts(&phone)
        .await?
        .into_iter()
        .find(|t| t.contains("到期"))
        .ok_or_else(|| fail("no expiry reminder was sent".into()))?;
    steps.ok("demo-life-reminder", &[("text", reminder.into())]);
    let started = phone.start_renewal(slot, 1).await.map_err(dev_err)?;
    let order = started
        .order
        .ok_or_else(|| fail("a person's renewal has an order to pay".into()))?;
    phone
        .pay_and_wait(&order.id, Duration::from_secs(20))
        .await
        .map_err(dev_err)?;
    let renewed = phone.renew(slot, pin).await.map_err(dev_err)?;
    steps.ok(
        "demo-life-renewed",
        &[
            (
                "amount",
                format!("{:.2}", order.amount_fen as f64 / 100.0).into(),
            ),
            ("serial", renewed.serial.clone().into()),
            (
                "until",
                started
                    .valid_until
                    .chars()
                    .take(10)
                    .collect::<String>()
                    .into(),
            ),
        ],
    );
    let bid = crate::reissue_demo::open_by_scan(
        (&phone, pin),
        (platform, roots),
        sealed,
        clock.now(),
        locale,
    )
    .await?;
    steps.ok("demo-life-opened-renewed", &[("bid", bid.into())]);

    // The move: the old phone shows a code, the new phone (same number) scans it, both show
    // one confirmation code, the old phone approves with its PIN.
    clock.advance(Duration::from_secs(61));
    let mut new_phone = Device::open(
        dir,
        &running_base(running),
        secrets,
        KeyStoreOptions::default(),
    )
    .map_err(dev_err)?;
    sms_login(&mut new_phone, PHONE).await.map_err(dev_err)?;
    let shown = phone.start_migration(slot).await.map_err(dev_err)?;
    let pending = new_phone
        .request_migration(&shown.qr, MOVED_PIN)
        .await
        .map_err(dev_err)?;
    let seen = phone
        .migration(&pending.migration.id)
        .await
        .map_err(dev_err)?;
    if seen.code.is_none() || seen.code != pending.migration.code {
        return Err(fail("the two phones show different codes".into()));
    }
    phone
        .approve_migration(&pending.migration.id, pin)
        .await
        .map_err(dev_err)?;
    let moved = new_phone
        .finish_migration(&pending, MOVED_PIN, Duration::from_secs(20))
        .await
        .map_err(dev_err)?;
    if phone.signing_key_of(slot).is_ok() {
        return Err(fail("the old phone still holds the slot's key".into()));
    }
    steps.ok(
        "demo-life-moved",
        &[
            ("code", seen.code.unwrap_or_default().into()),
            ("serial", moved.serial.clone().into()),
            ("old", renewed.serial.into()),
        ],
    );
    let bid = crate::reissue_demo::open_by_scan(
        (&new_phone, MOVED_PIN),
        (platform, roots),
        sealed,
        clock.now(),
        locale,
    )
    .await?;
    steps.ok(
        "demo-life-opened-moved",
        &[
            ("serial", sealed.recipient_serial.clone().into()),
            ("bid", bid.into()),
        ],
    );
    Ok(())
}

fn running_base(running: &Running) -> String {
    format!("http://{}", running.addr)
}

/// The texts the development SMS provider sent to the demo's phone, newest first.
async fn login_texts(phone: &Device) -> Result<Vec<String>, CliError> {
    phone
        .client()
        .dev_outbox(PHONE)
        .await
        .map_err(|e| CliError::new(e.to_string()))
}
