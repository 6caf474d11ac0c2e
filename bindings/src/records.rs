//! Records and enums for what the screens show, and their conversions from the core's types.

use mcert_core::crypto::Algorithm;
use mcert_core::wire;

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
    /// new (a first purchase or package), renewal, change or reissue.
    pub purpose: String,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct OrderView {
    pub id: String,
    pub product_id: String,
    pub years: i64,
    pub amount_fen: i64,
    pub currency: String,
    pub status: String,
    /// 待审核, 待支付, 已完成, 未通过, 已取消, 已退款.
    pub status_label: String,
    pub reject_reason: Option<String>,
    pub created_at: String,
    /// The organisation an application is for.
    pub org_id: Option<String>,
    /// Uploaded materials (营业执照 …) of an organisation's application.
    pub materials: Vec<String>,
    /// The product's name as the catalogue gives it (e.g. 单位证书套餐).
    pub product_name: String,
    /// What has arrived so far (a transfer may come in parts), in fen.
    pub paid_fen: i64,
    /// Bank transfer chosen: where to send the money.
    pub transfer: Option<crate::TransferView>,
    /// none, issuing, issued or reversed.
    pub invoice_status: String,
    /// 未开票, 开票中, 已开票, 已红冲.
    pub invoice_status_label: String,
    /// `new` (申请证书), `renewal` (延期), `change` (变更) or `reissue`.
    pub purpose: String,
    /// The slot a renewal order renews.
    pub renews_entitlement_id: Option<String>,
    /// The organisation's new name a change order asks for.
    pub new_name: Option<String>,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct EntitlementView {
    pub id: String,
    pub order_id: String,
    pub kind: String,
    pub years: i64,
    /// unassigned, assigned (ready to download or claim), issued, expired or revoked.
    pub status: String,
    pub certificate_serial: Option<String>,
    /// The organisation of an organisation's slot whose holder the account is (待申领的证书).
    pub org_id: Option<String>,
    pub org_name: Option<String>,
    /// The end of the slot's period (RFC 3339), once its first certificate was downloaded.
    pub valid_until: Option<String>,
    /// 【证书延期】 may start: issued, and the period ends within three months.
    pub renewable: bool,
    /// A renewal is paid (or taken from a package): the renewed certificate waits for download.
    pub renewal_due: bool,
    /// The organisation was renamed (变更): the certificate naming the new name waits for
    /// download (`renew`, with the certificate PIN).
    pub change_due: bool,
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct InstalledView {
    pub key_id: String,
    pub serial: String,
    /// The encryption certificates that came with it (dual certificate), newest first.
    pub encryption_serials: Vec<String>,
}

impl From<mcert_core::device::flows::InstalledCertificate> for InstalledView {
    fn from(c: mcert_core::device::flows::InstalledCertificate) -> Self {
        InstalledView {
            key_id: c.key_id,
            serial: c.serial,
            encryption_serials: c.encryption_serials,
        }
    }
}

/// Why a certificate is issued again (【证书补办】 or 【忘记密码】).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ReissueKind {
    /// 补办: a new phone, or the app reinstalled.
    NewDevice,
    /// 忘记密码: a new key under a new PIN on this phone.
    PinReset,
}

impl From<ReissueKind> for mcert_core::wire::ReissueReason {
    fn from(k: ReissueKind) -> Self {
        match k {
            ReissueKind::NewDevice => mcert_core::wire::ReissueReason::NewDevice,
            ReissueKind::PinReset => mcert_core::wire::ReissueReason::PinReset,
        }
    }
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
    /// The certificate slot it was issued for (what 【证书补办】 and 【忘记密码】 reissue).
    pub entitlement_id: String,
    /// Serial of its encryption certificate (the dual pair's other half), if any.
    pub encryption_serial: Option<String>,
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
    /// 文件签章 (the app's seal picker follows; today the app shows it and declines).
    Stamp,
}

impl From<wire::SessionKind> for ScanKind {
    fn from(k: wire::SessionKind) -> Self {
        match k {
            wire::SessionKind::Login => ScanKind::Login,
            wire::SessionKind::Sign => ScanKind::Sign,
            wire::SessionKind::Decrypt => ScanKind::Decrypt,
            wire::SessionKind::Stamp => ScanKind::Stamp,
        }
    }
}

#[derive(Debug, Clone, uniffi::Record)]
pub struct CertificateChoice {
    pub serial: String,
    pub subject: String,
    pub algorithm: KeyAlgorithm,
    /// When the certificate expires (RFC 3339).
    pub not_after: String,
    /// It expires before the project's bid opening (`ScanView.opening_at`): warn and offer
    /// renewal, since a bid sealed now must still open then.
    pub expires_before_opening: bool,
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
    /// The project's bid-opening time (开标时间, RFC 3339), when the platform gave one.
    pub opening_at: Option<String>,
    pub choices: Vec<CertificateChoice>,
    /// 文件签章: where the stamp goes and the seals this phone may use.
    pub stamp: Option<StampInfo>,
}

/// A seal the holder may pick for a stamp.
#[derive(Debug, Clone, uniffi::Record)]
pub struct StampSealChoice {
    pub id: String,
    /// official, contract, finance, invoice, legal_representative or personal.
    pub kind: String,
    /// 企业公章, 合同专用章, …
    pub kind_label: String,
    pub name: String,
    /// The certificate (on this phone) that signs with the seal; its PIN unlocks the stamp.
    pub certificate_serial: String,
    /// A seal given to this member: its limits (projects, dates, approval).
    pub limits: Option<String>,
    /// Each use waits for an admin's approval.
    pub approval_required: bool,
}

/// What a stamp session asks: the document's pages, the page and place of the stamp.
#[derive(Debug, Clone, uniffi::Record)]
pub struct StampInfo {
    pub page_count: u32,
    pub page: u32,
    /// `[x0, y0, x1, y1]` in PDF points.
    pub rect: Vec<u32>,
    /// 骑缝章 as well: a slice of the seal on every page's right edge.
    pub cross_page: bool,
    /// Every place the session stamps, in order (the first is `page`/`rect`).
    pub places: Vec<StampPlaceInfo>,
    pub seals: Vec<StampSealChoice>,
}

/// One place a stamp session stamps, with the seal kinds it takes (empty: any).
#[derive(Debug, Clone, uniffi::Record)]
pub struct StampPlaceInfo {
    pub page: u32,
    pub rect: Vec<u32>,
    pub seal_kinds: Vec<String>,
}

/// A certificate's PIN, for a stamp session whose seals sign with several certificates.
#[derive(Clone, uniffi::Record)]
pub struct CertificatePin {
    pub serial: String,
    pub pin: String,
}

impl std::fmt::Debug for CertificatePin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertificatePin")
            .field("serial", &self.serial)
            .field("pin", &"[redacted]")
            .finish()
    }
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

pub(crate) fn outcome(s: wire::SessionStatus) -> ScanOutcome {
    ScanOutcome {
        session_id: s.session_id,
        status: s.status,
    }
}

pub(crate) fn order_view(o: wire::Order) -> OrderView {
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
        org_id: o.org_id,
        materials: o.materials,
        product_name: o.product_name,
        paid_fen: o.paid_fen,
        transfer: o.transfer.map(crate::transfer_view),
        invoice_status: o.invoice_status,
        invoice_status_label: o.invoice_status_label,
        purpose: o.purpose,
        renews_entitlement_id: o.renews_entitlement_id,
        new_name: o.new_name,
    }
}

pub(crate) fn usage_page_view(page: wire::UsagePage) -> UsagePageView {
    UsagePageView {
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
    }
}

pub(crate) fn identity_view(id: wire::VerifiedIdentity) -> IdentityView {
    IdentityView {
        name: id.name,
        id_number_masked: id.id_number_masked,
        method: id.method.as_str().to_string(),
        verified_at: id.verified_at,
    }
}
