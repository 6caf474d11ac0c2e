//! `mcert demo`, the certificate's life: the bidder's phone is replaced. On the new phone the
//! bidder logs in, passes real-name + face verification again and has the certificate reissued
//! (补办): a new signing key made there, the old certificate revoked, the escrowed encryption key
//! delivered in an envelope. The old phone can no longer answer, and the bid sealed to the
//! encryption certificate before the change opens by scanning on the new phone.

use std::time::{Duration, SystemTime};

use mcert_core::crypto::Algorithm;
use mcert_core::device::flows::{Device, DeviceError};
use mcert_core::device::keystore::KeyStoreOptions;
use mcert_core::device::qr;
use mcert_core::device::secret::SecretStore;
use mcert_core::i18n::{UserMessage, message};
use mcert_core::scan::{Expectation, SealedBid};
use mcert_core::wire::{Method, ReissueReason, SessionKind, VerificationRequest};
use mcert_rp::client::{AnimatedQr, RpClient, verify};
use x509_cert::Certificate;

use crate::CliError;
use crate::scan_demo::{
    ID_NUMBER, NAME, PHONE, Steps, decrypt_request, new_session, opened_bid, sms_login,
};

const NEW_PIN: &str = "864213";

/// Runs the story; `old_phone` holds the certificate `old_serial` of slot `slot`, and `sealed`
/// was sealed to its encryption certificate.
pub async fn walk(
    (base, platform, roots): (&str, &RpClient, &[Certificate]),
    (old_phone, dir, secrets): (&Device, &std::path::Path, &dyn SecretStore),
    (slot, old_serial, sealed): (&str, &str, &SealedBid),
    steps: &mut Steps,
) -> Result<(Device, &'static str), CliError> {
    let locale = steps.locale;
    let fail = |what: String| CliError::new(format!("demo check failed: {what}"));
    let dev_err = |e: DeviceError| CliError::from_user(&e, locale);
    let rp_err = |e: mcert_rp::client::RpError| CliError::new(e.to_string());
    println!("{}", message(locale, "demo-reissue-title", &[]));

    let mut phone =
        Device::open(dir, base, secrets, KeyStoreOptions::default()).map_err(dev_err)?;
    let login = sms_login(&mut phone, PHONE).await.map_err(dev_err)?;
    let identity = phone
        .verify_identity(&VerificationRequest {
            method: Method::Phone,
            name: NAME.into(),
            id_number: ID_NUMBER.into(),
            bank_card: None,
            phone: PHONE.into(),
            face_token: "dev-live-ok".into(),
        })
        .await
        .map_err(dev_err)?;
    steps.ok(
        "demo-reissue-new-phone",
        &[
            ("phone", login.account.phone_masked.into()),
            ("name", identity.name.into()),
        ],
    );
    let reissued = phone
        .reissue(slot, Algorithm::Sm2, NEW_PIN, ReissueReason::NewDevice)
        .await
        .map_err(dev_err)?;
    let certs = phone
        .client()
        .certificates()
        .await
        .map_err(|e| CliError::new(e.to_string()))?;
    let old_status = certs
        .iter()
        .find(|c| c.serial == old_serial)
        .map(|c| c.status.clone())
        .unwrap_or_default();
    if old_status != "revoked" {
        return Err(fail(format!(
            "the old certificate is {old_status}, not revoked"
        )));
    }
    steps.ok(
        "demo-reissue-done",
        &[
            ("serial", reissued.serial.clone().into()),
            ("old", old_serial.to_string().into()),
            ("keys", reissued.encryption_serials.len().into()),
        ],
    );

    // The old phone has nothing left that may answer.
    let created = platform
        .create(&new_session(SessionKind::Login), None)
        .await
        .map_err(rp_err)?;
    let png = qr::encode_png(&AnimatedQr::new(&created).payload(), 6)
        .map_err(|e| CliError::from_user(&e, locale))?;
    match old_phone.scan_image(&png).await {
        Ok(p) if !p.choices.is_empty() => {
            return Err(fail("the old phone still offers a certificate".into()));
        }
        Ok(_) => steps.ok(
            "demo-reissue-old-phone",
            &[(
                "message",
                DeviceError::NoEligibleCertificate
                    .user_message(locale)
                    .into(),
            )],
        ),
        Err(e) => steps.ok(
            "demo-reissue-old-phone",
            &[("message", e.user_message(locale).into())],
        ),
    }

    // The bid sealed before the phone changed opens by scan on the new phone.
    let bid = open_by_scan(
        (&phone, NEW_PIN),
        (platform, roots),
        sealed,
        SystemTime::now(),
        locale,
    )
    .await?;
    steps.ok(
        "demo-reissue-opened",
        &[
            ("serial", sealed.recipient_serial.clone().into()),
            ("bid", bid.into()),
        ],
    );
    Ok((phone, NEW_PIN))
}

/// The platform asks `phone` to open `sealed` by scan (the user confirms with `pin`); returns
/// the bid as the platform opened it, checked at `now` (the service's time).
pub(crate) async fn open_by_scan(
    (phone, pin): (&Device, &str),
    (platform, roots): (&RpClient, &[Certificate]),
    sealed: &SealedBid,
    now: SystemTime,
    locale: mcert_core::i18n::Locale,
) -> Result<String, CliError> {
    let fail = |what: String| CliError::new(format!("demo check failed: {what}"));
    let dev_err = |e: DeviceError| CliError::from_user(&e, locale);
    let rp_err = |e: mcert_rp::client::RpError| CliError::new(e.to_string());
    let (req, eph) = decrypt_request(sealed, locale)?;
    let created = platform.create(&req, None).await.map_err(rp_err)?;
    let png = qr::encode_png(&AnimatedQr::new(&created).payload(), 6)
        .map_err(|e| CliError::from_user(&e, locale))?;
    let pending = phone.scan_image(&png).await.map_err(dev_err)?;
    let choice = pending
        .choices
        .first()
        .ok_or_else(|| fail("the phone offers no certificate".into()))?;
    phone
        .confirm(&pending, &choice.serial, pin)
        .await
        .map_err(dev_err)?;
    let ended = platform
        .wait_for_end(&created.session_id, Duration::from_secs(10))
        .await
        .map_err(rp_err)?;
    let verified = verify(
        &ended,
        &Expectation {
            session_id: &created.session_id,
            kind: SessionKind::Decrypt,
            document_digests: None,
            roots,
            now,
        },
    )
    .map_err(rp_err)?;
    opened_bid(&verified, sealed, &eph, locale)
}
