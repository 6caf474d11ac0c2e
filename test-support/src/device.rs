//! Accounts and paid orders through the device core, as the app makes them.

use std::time::Duration;

use mcert_core::crypto::Algorithm;
use mcert_core::device::client::IdentityRequest;
use mcert_core::device::flows::{Device, InstalledCertificate};
use mcert_core::wire::LoginSession;

/// Logs `phone` in by SMS; the development provider's outbox stands in for the phone's inbox.
pub async fn login_by_sms(device: &mut Device, phone: &str) -> LoginSession {
    device.request_code(phone).await.expect("code");
    let text = device
        .client()
        .dev_outbox(phone)
        .await
        .expect("outbox")
        .remove(0);
    let code: String = text.chars().filter(char::is_ascii_digit).take(6).collect();
    device.login(phone, &code).await.expect("login")
}

/// Passes real-name verification by phone for the logged-in account.
pub async fn verify_by_phone(device: &Device, phone: &str, name: &str, id_number: &str) {
    device
        .verify_identity(&IdentityRequest {
            method: mcert_core::wire::Method::Phone,
            name: name.into(),
            id_number: id_number.into(),
            bank_card: None,
            phone: phone.into(),
            face_token: "dev-live-ok".into(),
        })
        .await
        .expect("identity");
}

/// Orders a one-year personal certificate, pays it, and installs it under a key of `alg` made
/// on the device under `pin`.
pub async fn buy_and_install(device: &Device, alg: Algorithm, pin: &str) -> InstalledCertificate {
    let order = device.order("personal", 1).await.expect("order");
    device
        .pay_and_wait(&order.id, Duration::from_secs(20))
        .await
        .expect("paid");
    let ent = device
        .client()
        .entitlements()
        .await
        .expect("entitlements")
        .into_iter()
        .find(|e| e.order_id == order.id)
        .expect("entitlement");
    device.install(&ent.id, alg, pin).await.expect("install")
}
