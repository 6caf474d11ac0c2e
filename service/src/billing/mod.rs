//! The catalogue, orders and payment, entitlements (paid certificate slots) and installing a
//! certificate from a device CSR (seed 000 §2.1 D–F, seed 003 §4–7).
//!
//! Orders: `pending_review → awaiting_payment → completed`, or `rejected`, `cancelled`.
//! Personal certificates need no review once the buyer's real name is verified. Payment
//! notifications are verified, amount-checked and idempotent: a replayed or duplicated
//! notification changes nothing.

mod catalogue;
mod entitlements;
mod exceptions;
mod gateway;
mod invoice_issue;
mod invoices;
mod migration;
mod orders;
mod org_change;
mod org_orders;
mod payments;
mod profiles;
mod receiving;
mod refunds;
mod reissue;
mod renewal;
pub mod repo;
mod slots;
pub mod statements;
mod transfers;

use std::sync::Arc;
use std::time::Duration;

use mcert_core::clock::Clock;
use mcert_core::i18n::Locale;

pub use exceptions::{OpenTransfer, Resolution};
pub use gateway::{DevGateway, Gateway, Notification, WebhookGateway};
pub use invoice_issue::InvoiceJobs;
pub use invoices::{InvoiceMode, InvoiceProvider, InvoiceTerms, split_tax};
pub use mcert_core::wire::{CertificateView, Entitlement, Installed, Order, Product};
pub use receiving::{BankNote, is_receiving_account, luhn_digit};
pub use repo::{CollectionBank, EntitlementKind, EntitlementStatus, InvoiceStatus, OrderStatus};
pub use transfers::{ImportSummary, TransferOutcome};

use crate::authority::{Authority, AuthorityError};
use crate::identity::Identities;
use crate::keys::KeyManager;
use crate::orgs::Orgs;
use crate::outbox::Outbox;
use crate::store::{Store, StoreError};
use crate::uploads::Uploads;

const YEAR: Duration = Duration::from_secs(365 * 86400);

#[derive(Debug, thiserror::Error)]
pub enum OrderError {
    #[error("no such product")]
    UnknownProduct,
    #[error("the period must be 1, 2 or 3 years")]
    BadPeriod,
    #[error("this Idempotency-Key was used for a different request")]
    IdempotencyMismatch,
    #[error("real-name verification is needed first")]
    IdentityRequired,
    #[error("no such order")]
    UnknownOrder,
    #[error("the order is {0}, not awaiting payment")]
    NotPayable(String),
    #[error("payment notification signature does not verify")]
    BadSignature,
    #[error("malformed payment notification")]
    BadNotification,
    #[error("the paid amount {paid} does not match the order amount {due}")]
    AmountMismatch { paid: i64, due: i64 },
    #[error("the order was already paid by another transaction")]
    AlreadyPaid,
    #[error("no such entitlement")]
    UnknownEntitlement,
    #[error("no such certificate among yours")]
    UnknownCertificate,
    #[error("the certificate slot is {0}, not ready to install")]
    NotInstallable(String),
    #[error(transparent)]
    Authority(#[from] AuthorityError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("payment gateway failed: {0}")]
    Gateway(String),
    #[error("this product is for organisations: apply through the organisation")]
    ForOrganisationsOnly,
    #[error("this product has no organisation certificate")]
    NotForOrganisations,
    #[error("the organisation has no CA authorisation yet")]
    OrgNotAuthorised,
    #[error("attach 1 to 10 materials (营业执照 …)")]
    MaterialsRequired,
    #[error("a material is not an upload of this organisation")]
    UnknownMaterial,
    #[error("the order is {0}, not rejected")]
    NotResubmittable(String),
    #[error(
        "you are not this certificate's holder, or your real name does not match the member record"
    )]
    NotTheHolder,
    #[error("you are no longer a certificate administrator of the organisation")]
    NoLongerAdmin,
    #[error("a personal certificate's holder must be its owner (所属人)")]
    NotTheOwner,
    #[error("the owner of a certificate is fixed once set")]
    OwnerFixed,
    #[error("set the certificate's owner first")]
    OwnerRequired,
    #[error("invalid owner: {0}")]
    BadOwner(&'static str),
    #[error("no such member of the organisation")]
    UnknownMember,
    #[error("the certificate's period has ended")]
    PeriodEnded,
    #[error("verify your real name and face again first (valid for 10 minutes)")]
    ReverifyRequired,
    #[error("the bank statement cannot be read: {0}")]
    BadStatement(String),
    #[error("no such transfer waiting for an operator")]
    UnknownTransfer,
    #[error("this transfer cannot be counted toward that order")]
    TransferNotApplicable,
    #[error("invalid billing information: {0}")]
    BadProfile(&'static str),
    #[error("no such billing profile or payer account")]
    UnknownProfile,
    #[error("at most 20 may be kept")]
    TooMany,
    #[error("this payer account is already registered")]
    PayerExists,
    #[error("the order is {0}: only a completed order is invoiced")]
    NotInvoiceable(String),
    #[error("an invoice was already asked for this order")]
    InvoiceExists,
    #[error("no such invoice")]
    UnknownInvoice,
    #[error("the invoice is not issued yet")]
    InvoiceNotReady,
    #[error("the order is {0}: only a completed order is refunded")]
    NotRefundable(String),
    #[error("a certificate of this order was already issued: revoke it first")]
    CertificatesIssued,
    #[error(
        "money has arrived for this order, so it can no longer change, be cancelled or be paid online"
    )]
    AlreadyPartlyPaid,
    #[error("give a reason of at most 200 characters")]
    BadReason,
    #[error("延期 opens three months before the period ends, on {0}")]
    NotYetRenewable(String),
    #[error(
        "the organisation has no unused certificate slot to renew with: ask its administrator to buy a package"
    )]
    AskAdmin,
    #[error("no renewal is paid for this certificate")]
    RenewalNotDue,
    #[error("the request is not signed by this certificate's key")]
    NotTheCurrentKey,
    #[error("no such move to a new phone")]
    UnknownMigration,
    #[error("the move to a new phone is {0}")]
    MigrationClosed(String),
    #[error("the approval does not verify with this certificate's key")]
    BadApproval,
    #[error("the organisation's name must have 2 to 100 characters")]
    BadName,
    #[error("the new name is the organisation's name already")]
    SameName,
    #[error("a change of the organisation is already under review or waiting for payment")]
    ChangePending,
    #[error("the renewal or change of this order has taken effect: it is not refunded")]
    InEffect,
    #[error("a change is bought once: it has no period to change")]
    FixedPeriod,
    #[error("a bid sealed to this certificate opens at {0}: its key cannot be replaced before")]
    SealedBidPending(String),
    #[error("internal: {0}")]
    Internal(String),
}

impl From<sqlx::Error> for OrderError {
    fn from(e: sqlx::Error) -> Self {
        OrderError::Store(StoreError::Database(e))
    }
}

/// What the app shows for an order's state (from the Fluent catalogue; zh-CN).
fn status_label(status: OrderStatus) -> String {
    label(status.message_id())
}

/// A label the app shows, from the Fluent catalogue (zh-CN).
fn label(message_id: &str) -> String {
    crate::i18n::message(Locale::ZhCn, message_id, &[])
}

/// Where buyers transfer to: the operator's collection account.
#[derive(Clone, Debug)]
pub struct BankSettings {
    pub bank_name: String,
    pub account_name: String,
    /// Digits every receiving account starts with.
    pub account_prefix: String,
    pub deadline_days: u32,
    /// Transfers from payer accounts the buyer has not registered go to review.
    pub check_payer: bool,
    /// The HMAC key of the bank's signed notifications (none: notifications are refused).
    pub notify_key: Option<Arc<zeroize::Zeroizing<Vec<u8>>>>,
}

/// Invoicing: the terms, the provider and the public base URL of share links.
#[derive(Clone, Debug)]
pub struct Invoicing {
    pub terms: InvoiceTerms,
    pub provider: InvoiceProvider,
    pub base_url: String,
}

/// A time in Unix ms as RFC 3339 text.
fn ms_text(ms: i64) -> String {
    mcert_core::clock::rfc3339(mcert_core::clock::from_unix_millis(ms))
}

/// `years` (1 to 3 as ordered) in Unix ms.
fn years_ms(years: i64) -> Result<i64, OrderError> {
    let years = u32::try_from(years).map_err(|_| OrderError::BadPeriod)?;
    i64::try_from((YEAR * years).as_millis()).map_err(|_| OrderError::BadPeriod)
}

fn b64(bytes: &[u8]) -> String {
    use base64ct::Encoding;
    base64ct::Base64::encode_string(bytes)
}

/// Orders, payments, entitlements and installation.
#[derive(Clone, Debug)]
pub struct Orders {
    store: Store,
    clock: Arc<dyn Clock>,
    authority: Authority,
    keys: KeyManager,
    identities: Identities,
    gateway: Gateway,
    orgs: Orgs,
    uploads: Uploads,
    outbox: Outbox,
    bank: BankSettings,
    collection: repo::CollectionBank,
    invoicing: Invoicing,
}

/// What orders work with besides the store and the clock.
#[derive(Clone, Debug)]
pub struct OrderDeps {
    pub authority: Authority,
    pub keys: KeyManager,
    pub identities: Identities,
    pub gateway: Gateway,
    pub orgs: Orgs,
    pub uploads: Uploads,
    pub outbox: Outbox,
    pub bank: BankSettings,
    pub invoicing: Invoicing,
}

impl Orders {
    pub fn new(store: Store, clock: Arc<dyn Clock>, deps: OrderDeps) -> Self {
        Orders {
            store,
            clock,
            authority: deps.authority,
            keys: deps.keys,
            identities: deps.identities,
            gateway: deps.gateway,
            orgs: deps.orgs,
            uploads: deps.uploads,
            outbox: deps.outbox,
            collection: repo::CollectionBank {
                bank_name: deps.bank.bank_name.clone(),
                account_name: deps.bank.account_name.clone(),
            },
            bank: deps.bank,
            invoicing: deps.invoicing,
        }
    }

    pub fn gateway(&self) -> &Gateway {
        &self.gateway
    }
}
