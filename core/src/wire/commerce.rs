//! Wire types of paying and invoicing as companies do (seed 003 §4–6, seed 000 §2.1 E, §4):
//! bank transfer to a per-order receiving account (收款账号), billing information (开票信息),
//! the accounts a buyer pays from (打款账户), and invoices (数电票, red-letter 红字).

use serde::{Deserialize, Serialize};

/// An amount in fen as yuan with two decimals: 30000 → `300.00`, -5 → `-0.05`.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// How to pay an order by bank transfer: the order's own receiving account, shown in the app
/// and copyable. The account number carries a check digit, so a mistyped number is caught.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferInstructions {
    /// 收款银行.
    pub bank_name: String,
    /// 收款账户名.
    pub account_name: String,
    /// 收款账号: this order's virtual sub-account of the operator's collection account.
    pub account_no: String,
    /// What is still to pay (the order's amount less what has arrived), in fen.
    pub amount_due_fen: i64,
    pub currency: String,
    /// Transfer before this time (RFC 3339); later money is held for manual handling.
    pub deadline: String,
}

/// `POST /v1/orders/{id}/change` (购买信息修改): a new period, before anything was paid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeOrder {
    pub years: i64,
}

/// Whose invoice title it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TitleKind {
    /// 单位: a company's name and its unified social credit code as taxpayer ID.
    Company,
    /// 个人: a person's name; no taxpayer ID needed.
    Personal,
}

impl TitleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TitleKind::Company => "company",
            TitleKind::Personal => "personal",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "company" => Some(TitleKind::Company),
            "personal" => Some(TitleKind::Personal),
            _ => None,
        }
    }
}

/// 开票信息: what an invoice is made out to. Several may be kept; one is the default.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingProfile {
    pub id: String,
    pub kind: TitleKind,
    /// 发票抬头: the company's registered name or the person's name.
    pub title: String,
    /// 纳税人识别号 (the unified social credit code for a company).
    pub taxpayer_id: Option<String>,
    /// 地址、电话.
    pub address_phone: Option<String>,
    /// 开户银行.
    pub bank_name: Option<String>,
    /// 银行账号.
    pub bank_account: Option<String>,
    pub is_default: bool,
}

/// `POST /v1/billing-profiles`, `PUT /v1/billing-profiles/{id}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewBillingProfile {
    pub kind: TitleKind,
    pub title: String,
    #[serde(default)]
    pub taxpayer_id: Option<String>,
    #[serde(default)]
    pub address_phone: Option<String>,
    #[serde(default)]
    pub bank_name: Option<String>,
    #[serde(default)]
    pub bank_account: Option<String>,
    #[serde(default)]
    pub is_default: bool,
}

/// Whose bank account a payer account is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayerKind {
    /// 公户: the company's account.
    Public,
    /// 个人账户.
    Personal,
}

impl PayerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PayerKind::Public => "public",
            PayerKind::Personal => "personal",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "public" => Some(PayerKind::Public),
            "personal" => Some(PayerKind::Personal),
            _ => None,
        }
    }
}

/// 打款账户: an account the buyer transfers from. When the operator turns the payer check on,
/// a transfer to an order from an account not registered here goes to review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayerAccount {
    pub id: String,
    pub kind: PayerKind,
    /// 户名.
    pub holder_name: String,
    /// 账号, shown masked (`6222********1234`).
    pub account_no_masked: String,
    pub bank_name: String,
}

/// `POST /v1/payer-accounts`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPayerAccount {
    pub kind: PayerKind,
    pub holder_name: String,
    pub account_no: String,
    pub bank_name: String,
}

impl std::fmt::Debug for NewPayerAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewPayerAccount")
            .field("kind", &self.kind)
            .field("holder_name", &self.holder_name)
            .field("account_no", &"<redacted>")
            .field("bank_name", &self.bank_name)
            .finish()
    }
}

/// An invoice (发票): blue (蓝字) for a payment, red (红字) reversing a blue one after a refund.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    pub id: String,
    pub order_id: String,
    /// `blue` or `red`.
    pub kind: String,
    /// `issuing`, `issued` or `failed`.
    pub status: String,
    /// What the app shows: 开票中, 已开票, 开票失败 (红字发票 for a red one).
    pub status_label: String,
    /// 发票号码, once issued.
    pub number: Option<String>,
    pub title: String,
    pub taxpayer_id: Option<String>,
    /// 金额 (excluding tax), 税额 and 价税合计, in fen; negative on a red invoice.
    pub amount_fen: i64,
    pub tax_fen: i64,
    pub total_fen: i64,
    pub currency: String,
    pub issued_at: Option<String>,
    /// A red invoice: the blue one it reverses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reverses: Option<String>,
}

/// `POST /v1/orders/{id}/invoice` (申请开票): the billing profile to use (default when absent).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvoiceRequest {
    #[serde(default)]
    pub profile_id: Option<String>,
}

/// `POST /v1/invoices/{id}/share`: a link anyone can open until it expires (sent to WeChat).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceShare {
    pub url: String,
    pub expires_at: String,
}

pub mod routes {
    pub const ORDER_TRANSFER: &str = "/v1/orders/{id}/transfer";
    pub const ORDER_CHANGE: &str = "/v1/orders/{id}/change";
    pub const ORDER_INVOICE: &str = "/v1/orders/{id}/invoice";
    pub const BILLING_PROFILES: &str = "/v1/billing-profiles";
    pub const BILLING_PROFILE: &str = "/v1/billing-profiles/{id}";
    pub const PAYER_ACCOUNTS: &str = "/v1/payer-accounts";
    pub const PAYER_ACCOUNT: &str = "/v1/payer-accounts/{id}";
    pub const INVOICES: &str = "/v1/invoices";
    pub const INVOICE_PDF: &str = "/v1/invoices/{id}/pdf";
    pub const INVOICE_SHARE: &str = "/v1/invoices/{id}/share";
    /// Opened by whoever has the link: no login.
    pub const SHARED_INVOICE: &str = "/v1/shared/invoices/{token}";
    /// The bank's signed notification of an incoming transfer.
    pub const BANK_NOTIFY: &str = "/v1/payments/bank/notify";
    /// Development only: an incoming transfer as if the bank had reported it, matched exactly
    /// as an imported statement's (`{"account_no", "amount_fen", "bank_ref", "payer_name"?,
    /// "payer_account"?}` → `{"outcome"}`).
    pub const DEV_BANK_TRANSFER: &str = "/v1/dev/bank-transfer";
}
