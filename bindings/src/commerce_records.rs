//! Records and enums of paying and invoicing as the screens show them: bank-transfer
//! instructions (收款银行 / 收款账户名 / 收款账号), billing information (开票信息), the accounts a
//! buyer pays from (打款账户), invoices and their share links, and their conversions from and to
//! the core's wire types.

use mcert_core::wire;

/// Whose invoice title it is: 单位 (with a taxpayer ID) or 个人.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum TitleKind {
    Company,
    Personal,
}

impl From<TitleKind> for wire::TitleKind {
    fn from(k: TitleKind) -> wire::TitleKind {
        match k {
            TitleKind::Company => wire::TitleKind::Company,
            TitleKind::Personal => wire::TitleKind::Personal,
        }
    }
}

impl From<wire::TitleKind> for TitleKind {
    fn from(k: wire::TitleKind) -> TitleKind {
        match k {
            wire::TitleKind::Company => TitleKind::Company,
            wire::TitleKind::Personal => TitleKind::Personal,
        }
    }
}

/// Whose bank account a payer account is: 公户 or 个人账户.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PayerKind {
    Public,
    Personal,
}

impl From<PayerKind> for wire::PayerKind {
    fn from(k: PayerKind) -> wire::PayerKind {
        match k {
            PayerKind::Public => wire::PayerKind::Public,
            PayerKind::Personal => wire::PayerKind::Personal,
        }
    }
}

impl From<wire::PayerKind> for PayerKind {
    fn from(k: wire::PayerKind) -> PayerKind {
        match k {
            wire::PayerKind::Public => PayerKind::Public,
            wire::PayerKind::Personal => PayerKind::Personal,
        }
    }
}

/// Where to send the money of an order paid by bank transfer.
#[derive(Debug, Clone, uniffi::Record)]
pub struct TransferView {
    /// 收款银行.
    pub bank_name: String,
    /// 收款账户名.
    pub account_name: String,
    /// 收款账号 (this order's own; its last digit is a check digit).
    pub account_no: String,
    /// What is still to pay, in fen.
    pub amount_due_fen: i64,
    pub currency: String,
    /// Transfer before this time (RFC 3339).
    pub deadline: String,
}

/// 开票信息: what an invoice is made out to.
#[derive(Debug, Clone, uniffi::Record)]
pub struct BillingProfileView {
    pub id: String,
    pub kind: TitleKind,
    /// 发票抬头.
    pub title: String,
    /// 纳税人识别号.
    pub taxpayer_id: Option<String>,
    /// 地址、电话.
    pub address_phone: Option<String>,
    /// 开户银行.
    pub bank_name: Option<String>,
    /// 银行账号.
    pub bank_account: Option<String>,
    pub is_default: bool,
}

/// 【添加开票信息】 and its edit.
#[derive(Debug, Clone, uniffi::Record)]
pub struct BillingProfileForm {
    pub kind: TitleKind,
    pub title: String,
    pub taxpayer_id: Option<String>,
    pub address_phone: Option<String>,
    pub bank_name: Option<String>,
    pub bank_account: Option<String>,
    pub is_default: bool,
}

impl From<BillingProfileForm> for wire::NewBillingProfile {
    fn from(f: BillingProfileForm) -> wire::NewBillingProfile {
        wire::NewBillingProfile {
            kind: f.kind.into(),
            title: f.title,
            taxpayer_id: f.taxpayer_id,
            address_phone: f.address_phone,
            bank_name: f.bank_name,
            bank_account: f.bank_account,
            is_default: f.is_default,
        }
    }
}

/// 打款账户, its number masked (`6222********1234`).
#[derive(Debug, Clone, uniffi::Record)]
pub struct PayerAccountView {
    pub id: String,
    pub kind: PayerKind,
    /// 户名.
    pub holder_name: String,
    pub account_no_masked: String,
    pub bank_name: String,
}

/// 【添加打款账户】
#[derive(Clone, uniffi::Record)]
pub struct PayerAccountForm {
    pub kind: PayerKind,
    pub holder_name: String,
    /// Digits only.
    pub account_no: String,
    pub bank_name: String,
}

impl std::fmt::Debug for PayerAccountForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PayerAccountForm")
            .field("kind", &self.kind)
            .field("holder_name", &self.holder_name)
            .field(
                "account_no",
                &mcert_core::validate::mask_bank_card(&self.account_no),
            )
            .field("bank_name", &self.bank_name)
            .finish()
    }
}

impl From<PayerAccountForm> for wire::NewPayerAccount {
    fn from(f: PayerAccountForm) -> wire::NewPayerAccount {
        wire::NewPayerAccount {
            kind: f.kind.into(),
            holder_name: f.holder_name,
            account_no: f.account_no,
            bank_name: f.bank_name,
        }
    }
}

/// An invoice (发票): blue, or red (红字) reversing a blue one.
#[derive(Debug, Clone, uniffi::Record)]
pub struct InvoiceView {
    pub id: String,
    pub order_id: String,
    /// blue or red.
    pub kind: String,
    /// issuing, issued or failed.
    pub status: String,
    /// 开票中, 已开票, 开票失败 (红字发票 for a red one).
    pub status_label: String,
    /// 发票号码, once issued.
    pub number: Option<String>,
    pub title: String,
    pub taxpayer_id: Option<String>,
    /// 金额 (excluding tax), 税额, 价税合计 in fen; negative on a red invoice.
    pub amount_fen: i64,
    pub tax_fen: i64,
    pub total_fen: i64,
    pub currency: String,
    pub issued_at: Option<String>,
    /// A red invoice: the blue one it reverses.
    pub reverses: Option<String>,
}

/// A link to an invoice that anyone can open until it expires.
#[derive(Debug, Clone, uniffi::Record)]
pub struct InvoiceShareView {
    pub url: String,
    pub expires_at: String,
}

pub(crate) fn transfer_view(t: wire::TransferInstructions) -> TransferView {
    TransferView {
        bank_name: t.bank_name,
        account_name: t.account_name,
        account_no: t.account_no,
        amount_due_fen: t.amount_due_fen,
        currency: t.currency,
        deadline: t.deadline,
    }
}

pub(crate) fn billing_profile_view(p: wire::BillingProfile) -> BillingProfileView {
    BillingProfileView {
        id: p.id,
        kind: p.kind.into(),
        title: p.title,
        taxpayer_id: p.taxpayer_id,
        address_phone: p.address_phone,
        bank_name: p.bank_name,
        bank_account: p.bank_account,
        is_default: p.is_default,
    }
}

pub(crate) fn payer_account_view(p: wire::PayerAccount) -> PayerAccountView {
    PayerAccountView {
        id: p.id,
        kind: p.kind.into(),
        holder_name: p.holder_name,
        account_no_masked: p.account_no_masked,
        bank_name: p.bank_name,
    }
}

pub(crate) fn invoice_view(i: wire::Invoice) -> InvoiceView {
    InvoiceView {
        id: i.id,
        order_id: i.order_id,
        kind: i.kind,
        status: i.status,
        status_label: i.status_label,
        number: i.number,
        title: i.title,
        taxpayer_id: i.taxpayer_id,
        amount_fen: i.amount_fen,
        tax_fen: i.tax_fen,
        total_fen: i.total_fen,
        currency: i.currency,
        issued_at: i.issued_at,
        reverses: i.reverses,
    }
}

pub(crate) fn share_view(s: wire::InvoiceShare) -> InvoiceShareView {
    InvoiceShareView {
        url: s.url,
        expires_at: s.expires_at,
    }
}
