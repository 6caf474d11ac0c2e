//! Wire types of the service API, shared by the service (which writes them) and the device
//! client (which reads them). JSON, snake_case fields, times as RFC 3339 UTC text.

use serde::{Deserialize, Serialize};

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
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entitlement {
    pub id: String,
    pub order_id: String,
    pub kind: String,
    pub years: i64,
    pub status: String,
    pub certificate_serial: Option<String>,
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
}

/// A certificate just installed, with its chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Installed {
    pub serial: String,
    pub certificate: String,
    pub chain: Vec<String>,
    pub not_after: String,
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
