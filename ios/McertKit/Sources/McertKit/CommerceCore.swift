// Mirror of android/logic/.../core/CommerceCore.kt and android/bridge/.../FfiCommerceCore.kt.
import Foundation
import McertFFI

/// What the paying and invoicing screens need from the core: cancelling and changing orders
/// (购买信息修改), paying by bank transfer, invoices (申请开票, the PDF, a share link), billing
/// information (开票信息) and payer accounts (打款账户). Every failure is an `AppError`. Part of
/// `CertCore`.
public protocol CommerceCore: AnyObject {
    func cancelOrder(orderId: String) async throws -> OrderView
    func changeOrder(orderId: String, years: Int64) async throws -> OrderView
    /// The order with its `transfer` instructions.
    func payByTransfer(orderId: String) async throws -> OrderView
    /// Made out to `profileId` (the default profile when nil).
    func requestInvoice(orderId: String, profileId: String?) async throws -> InvoiceView
    func invoices() async throws -> [InvoiceView]
    func invoicePdf(invoiceId: String) async throws -> Data
    func shareInvoice(invoiceId: String) async throws -> InvoiceShareView
    func billingProfiles() async throws -> [BillingProfileView]
    func addBillingProfile(form: BillingProfileForm) async throws -> BillingProfileView
    func updateBillingProfile(profileId: String, form: BillingProfileForm) async throws -> BillingProfileView
    func deleteBillingProfile(profileId: String) async throws
    func payerAccounts() async throws -> [PayerAccountView]
    func addPayerAccount(form: PayerAccountForm) async throws -> PayerAccountView
    func deletePayerAccount(payerId: String) async throws
}

/// The host's clipboard (UIPasteboard in the app; a recorder in tests).
public protocol HostClipboard: AnyObject {
    func copy(_ text: String)
}

/// Copies nowhere.
public final class NoClipboard: HostClipboard {
    public init() {}
    public func copy(_ text: String) {}
}

public extension OrderView {
    /// 【证书变更】: the organisation's rename, reviewed and paid like an application, charged once.
    var isChange: Bool { purpose == "change" }
    /// 【证书延期】 of the slot `renewsEntitlementId`.
    var isRenewal: Bool { purpose == "renewal" }
    /// Nothing paid and not decided yet: it may still be changed or cancelled.
    var unpaid: Bool { (status == "pending_review" || status == "awaiting_payment") && paidFen == 0 }
    /// 【支付】 online: to pay, and no transfer has partly paid it.
    var canPayOnline: Bool { status == "awaiting_payment" && paidFen == 0 }
    /// 【转账支付】 (or the instructions again).
    var canPayByTransfer: Bool { status == "awaiting_payment" }
    var canCancel: Bool { unpaid }
    /// 【修改】 (购买信息修改), before payment only; a change order's period is fixed (the service
    /// refuses it with `fixed_period`).
    var canChange: Bool { unpaid && !isChange }
    /// 【申请开票】: paid and not invoiced.
    var canRequestInvoice: Bool { status == "completed" && invoiceStatus == "none" }
    /// 交款状态: `none` (未交款), `partial` (部分到账) or `full` (已交款).
    var paymentState: String {
        if status == "completed" || (paidFen > 0 && paidFen >= amountFen) { return "full" }
        return paidFen > 0 ? "partial" : "none"
    }
}

public extension InvoiceView {
    var isRed: Bool { kind == "red" }
    var issued: Bool { status == "issued" }
}

// The commerce calls of `FfiCertCore` (its `CertCore` conformance includes `CommerceCore`).
extension FfiCertCore {
    public func cancelOrder(orderId: String) async throws -> OrderView { try await ffi { try await app.cancelOrder(orderId: orderId) } }
    public func changeOrder(orderId: String, years: Int64) async throws -> OrderView {
        try await ffi { try await app.changeOrder(orderId: orderId, years: years) }
    }
    public func payByTransfer(orderId: String) async throws -> OrderView { try await ffi { try await app.payByTransfer(orderId: orderId) } }
    public func requestInvoice(orderId: String, profileId: String?) async throws -> InvoiceView {
        try await ffi { try await app.requestInvoice(orderId: orderId, profileId: profileId) }
    }
    public func invoices() async throws -> [InvoiceView] { try await ffi { try await app.invoices() } }
    public func invoicePdf(invoiceId: String) async throws -> Data { try await ffi { try await app.invoicePdf(invoiceId: invoiceId) } }
    public func shareInvoice(invoiceId: String) async throws -> InvoiceShareView {
        try await ffi { try await app.shareInvoice(invoiceId: invoiceId) }
    }
    public func billingProfiles() async throws -> [BillingProfileView] { try await ffi { try await app.billingProfiles() } }
    public func addBillingProfile(form: BillingProfileForm) async throws -> BillingProfileView {
        try await ffi { try await app.addBillingProfile(form: form) }
    }
    public func updateBillingProfile(profileId: String, form: BillingProfileForm) async throws -> BillingProfileView {
        try await ffi { try await app.updateBillingProfile(profileId: profileId, form: form) }
    }
    public func deleteBillingProfile(profileId: String) async throws {
        try await ffi { try await app.deleteBillingProfile(profileId: profileId) }
    }
    public func payerAccounts() async throws -> [PayerAccountView] { try await ffi { try await app.payerAccounts() } }
    public func addPayerAccount(form: PayerAccountForm) async throws -> PayerAccountView {
        try await ffi { try await app.addPayerAccount(form: form) }
    }
    public func deletePayerAccount(payerId: String) async throws {
        try await ffi { try await app.deletePayerAccount(payerId: payerId) }
    }
}
