//! Wire types of the service API, shared by the service (which writes them) and the device
//! client (which reads them). JSON, snake_case fields, times as RFC 3339 UTC text.

use serde::{Deserialize, Serialize};

mod commerce;
mod life;
pub mod orgs;
mod scan;
pub mod seals;
pub mod signatures;

pub use commerce::*;
pub use life::*;
pub use scan::*;

/// An account as the app sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    pub phone: String,
    pub phone_masked: String,
    pub platform_id: Option<String>,
}

/// A new login session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginSession {
    pub token: String,
    pub expires_at: String,
    pub account: Account,
    pub new_account: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Platform {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub id: String,
    pub name: String,
    pub personal_certs: i64,
    pub organization_certs: i64,
    pub price_fen_per_year: i64,
    pub currency: String,
    /// `new` (a first purchase or package), or `renewal` (延期), `change` (变更), `reissue`
    /// (补办), which the certificate's own flows buy.
    #[serde(default = "purpose_new")]
    pub purpose: String,
}

fn purpose_new() -> String {
    "new".into()
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub id: String,
    pub product_id: String,
    pub years: i64,
    pub amount_fen: i64,
    pub currency: String,
    pub status: String,
    /// What the app shows: 待审核, 待支付, 已完成, 未通过, 已取消.
    pub status_label: String,
    pub reject_reason: Option<String>,
    pub created_at: String,
    /// The organisation an application is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    /// Uploaded materials of an organisation's application.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub materials: Vec<String>,
    /// The product's name as the catalogue gives it (e.g. 单位证书套餐).
    #[serde(default)]
    pub product_name: String,
    /// What has arrived so far (a transfer may come in parts), in fen.
    #[serde(default)]
    pub paid_fen: i64,
    /// Bank transfer chosen: where to send the money.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer: Option<TransferInstructions>,
    /// `none`, `issuing`, `issued` or `reversed` (未开票, 开票中, 已开票, 已红冲).
    #[serde(default = "invoice_none")]
    pub invoice_status: String,
    #[serde(default)]
    pub invoice_status_label: String,
    /// What the product is for: `new` (申请证书), `renewal` (延期), `change` (变更) or
    /// `reissue`.
    #[serde(default = "purpose_new")]
    pub purpose: String,
    /// The slot a renewal order renews.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renews_entitlement_id: Option<String>,
    /// The organisation's new name a change order asks for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_name: Option<String>,
}

fn invoice_none() -> String {
    "none".into()
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entitlement {
    pub id: String,
    pub order_id: String,
    pub kind: String,
    pub years: i64,
    pub status: String,
    pub certificate_serial: Option<String>,
    /// The organisation of an organisation's slot (待申领的证书).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_name: Option<String>,
    /// The end of the slot's period, once its first certificate was downloaded (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    /// 延期 may start: the slot's certificate is issued and its period ends within three
    /// months.
    #[serde(default)]
    pub renewable: bool,
    /// A renewal was paid (or taken from a package) and its certificate waits for download.
    #[serde(default)]
    pub renewal_due: bool,
    /// The organisation was renamed (变更): a certificate naming the new name waits for
    /// download (`POST …/renew`, the same key).
    #[serde(default)]
    pub change_due: bool,
}

/// A certificate as the list and detail screens show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateView {
    pub serial: String,
    pub entitlement_id: String,
    pub subject: String,
    pub issuer: String,
    pub algorithm: String,
    pub not_before: String,
    pub not_after: String,
    /// good, revoked or expired.
    pub status: String,
    /// Base64 of the DER certificate.
    pub certificate: String,
    /// Serial of the encryption certificate paired with it (dual certificate), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_serial: Option<String>,
}

/// A certificate just installed, with its chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Installed {
    pub serial: String,
    pub certificate: String,
    pub chain: Vec<String>,
    pub not_after: String,
    /// The slot's encryption keys (dual certificate), each sealed to this signing certificate;
    /// the newest (the one paired with this certificate) first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub encryption_keys: Vec<DeliveredKey>,
}

/// An escrowed encryption key delivered to the phone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveredKey {
    /// Serial (hex) of the newest encryption certificate of this key.
    pub serial: String,
    /// Base64 of the envelope to the signing certificate: GM/T 0010 `EnvelopedData` (SM2) or
    /// CMS `AuthEnvelopedData` with ECDH (P-256), holding the key's PKCS#8.
    pub envelope: String,
    /// Base64 DER of every encryption certificate issued for this key, newest first (a bid
    /// sealed to any of them opens with the key).
    pub certificates: Vec<String>,
}

/// How the person proves who they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Name, ID number, bank card and the phone reserved at the bank.
    BankCard,
    /// Name, ID number and a real-name registered phone.
    Phone,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::BankCard => "bank_card",
            Method::Phone => "phone",
        }
    }
}

/// A verified identity as shown to its owner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedIdentity {
    pub name: String,
    pub id_number_masked: String,
    pub method: Method,
    pub verified_at: String,
}

/// What the app submits.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerificationRequest {
    pub method: Method,
    pub name: String,
    pub id_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank_card: Option<String>,
    pub phone: String,
    /// Token of the face-liveness check the app ran.
    pub face_token: String,
}

impl std::fmt::Debug for VerificationRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerificationRequest")
            .field("method", &self.method)
            .field(
                "id_number",
                &crate::validate::mask_id_number(&self.id_number),
            )
            .finish_non_exhaustive()
    }
}

// The scan protocol's types (relying platforms, the phone, usage records) live in `scan`.
/// `POST /v1/auth/sms-code`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsCodeRequest {
    pub phone: String,
}

/// `POST /v1/auth/login`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub phone: String,
    pub code: String,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("phone", &self.phone)
            .finish_non_exhaustive()
    }
}

/// `PUT /v1/me/platform`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoosePlatform {
    pub platform_id: String,
}

/// `POST /v1/orders`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewOrder {
    pub product_id: String,
    pub years: i64,
    /// For an organisation's application: the organisation (the caller must be its admin).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org_id: Option<String>,
    /// Uploaded materials (营业执照 …) of an organisation's application.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub materials: Vec<String>,
}

/// `POST /v1/entitlements/{id}/install`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstallRequest {
    /// PKCS#10 request: PEM text, or base64 of the DER.
    pub csr: String,
}

/// `POST /v1/entitlements/{id}/reissue` (补办 / PIN reset): a new key's CSR for a slot whose
/// certificate was issued, after a fresh real-name + face verification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReissueRequest {
    /// PKCS#10 request: PEM text, or base64 of the DER.
    pub csr: String,
    pub reason: ReissueReason,
}

/// Why a certificate is issued again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReissueReason {
    /// 补办: a new phone, or the app reinstalled (the old key is gone).
    NewDevice,
    /// 忘记密码: the PIN is forgotten, so the old key cannot be unlocked.
    PinReset,
}

impl ReissueReason {
    pub fn as_str(self) -> &'static str {
        match self {
            ReissueReason::NewDevice => "new_device",
            ReissueReason::PinReset => "pin_reset",
        }
    }
}

/// `POST /v1/certificates/{serial}/report-lost` (挂失), after a fresh SMS code.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportLost {
    pub code: String,
}

impl std::fmt::Debug for ReportLost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReportLost").finish_non_exhaustive()
    }
}

/// The routes of the phone's API, written once for the service's router and the clients.
/// Templates use the router's `{name}` form; [`fill`](routes::fill) puts a value in.
pub mod routes {
    pub const SMS_CODE: &str = "/v1/auth/sms-code";
    pub const LOGIN: &str = "/v1/auth/login";
    pub const LOGOUT: &str = "/v1/auth/logout";
    pub const ME: &str = "/v1/me";
    pub const ME_PLATFORM: &str = "/v1/me/platform";
    pub const PLATFORMS: &str = "/v1/platforms";
    pub const DEV_SMS_OUTBOX: &str = "/v1/dev/sms-outbox";
    /// Development services only: `{"advance_seconds": n}` moves the service's clock forward.
    pub const DEV_CLOCK: &str = "/v1/dev/clock";
    pub const IDENTITY: &str = "/v1/identity";
    pub const IDENTITY_VERIFY: &str = "/v1/identity/verify";
    pub const CATALOG: &str = "/v1/catalog";
    pub const ORDERS: &str = "/v1/orders";
    pub const ORDER: &str = "/v1/orders/{id}";
    pub const ORDER_PAY: &str = "/v1/orders/{id}/pay";
    pub const ORDER_CANCEL: &str = "/v1/orders/{id}/cancel";
    pub const PAYMENT_NOTIFY: &str = "/v1/payments/notify/{gateway}";
    pub const ENTITLEMENTS: &str = "/v1/entitlements";
    pub const ENTITLEMENT_INSTALL: &str = "/v1/entitlements/{id}/install";
    pub const ENTITLEMENT_REISSUE: &str = "/v1/entitlements/{id}/reissue";
    pub const CERTIFICATES: &str = "/v1/certificates";
    pub const CERTIFICATE_REPORT_LOST: &str = "/v1/certificates/{serial}/report-lost";

    // The scan: the platform's API (API keys) and the phone's scan endpoints (account tokens).
    pub const RP_OPENAPI: &str = "/v1/rp/openapi.json";
    pub const RP_SESSIONS: &str = "/v1/rp/sessions";
    pub const RP_SESSION: &str = "/v1/rp/sessions/{id}";
    pub const SCAN: &str = "/v1/scan";
    pub const SCAN_COMPLETE: &str = "/v1/scan/{id}/complete";
    pub const SCAN_DECLINE: &str = "/v1/scan/{id}/decline";
    /// `stamp`: the phone picks the seal, then polls for the prepared PDF's digest.
    pub const SCAN_STAMP_SEAL: &str = "/v1/scan/{id}/stamp/seal";
    pub const SCAN_STAMP_PROGRESS: &str = "/v1/scan/{id}/stamp/progress";
    /// `stamp`: the platform sends the prepared PDF's digest.
    pub const RP_SESSION_STAMP_DIGEST: &str = "/v1/rp/sessions/{id}/stamp/digest";
    pub const USAGE: &str = "/v1/usage";
    /// The platform tells of a bid it sealed (recipient certificate, opening time).
    pub const RP_SEALED_BIDS: &str = "/v1/rp/sealed-bids";

    pub use super::commerce::routes::*;
    pub use super::life::routes::*;
    pub use super::orgs::routes::*;
    pub use super::seals::routes::*;
    pub use super::signatures::routes::*;

    /// Puts `value` (percent-encoded) in place of the template's first `{…}`.
    pub fn fill(template: &str, value: &str) -> String {
        fill_all(template, &[value])
    }

    /// Puts each value (percent-encoded) in place of the template's `{…}`, in order.
    pub fn fill_all(template: &str, values: &[&str]) -> String {
        let mut out = template.to_string();
        for value in values {
            out = fill_one(&out, value);
        }
        out
    }

    fn fill_one(template: &str, value: &str) -> String {
        let (Some(open), Some(close)) = (template.find('{'), template.find('}')) else {
            return template.to_string();
        };
        format!(
            "{}{}{}",
            &template[..open],
            encode(value),
            &template[close + 1..]
        )
    }

    /// Percent-encodes everything but the unreserved characters (RFC 3986 §2.3): for path
    /// segments, query values and form fields alike.
    pub fn encode(value: &str) -> String {
        let mut out = String::with_capacity(value.len());
        for b in value.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn fill_encodes_the_value() {
            assert_eq!(
                super::fill(super::ORDER_PAY, "01J/x y"),
                "/v1/orders/01J%2Fx%20y/pay"
            );
            assert_eq!(super::fill(super::ME, "x"), "/v1/me");
            assert_eq!(
                super::fill_all(super::ORG_MEMBER_ROLE, &["o1", "m{2}"]),
                "/v1/orgs/o1/members/m%7B2%7D/role"
            );
        }
    }
}
