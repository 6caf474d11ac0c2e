// Mirror of android/logic/.../state/Invoices.kt.
import Foundation
import McertFFI

/// 【发票管理】: the invoices (red-letter ones marked 红字), 【申请开票】 for a completed order with a
/// billing profile (the default one preselected), the PDF to save, and 【分享】: a link with its
/// expiry, copyable.
@MainActor
public final class InvoicesModel: ObservableObject {
    public struct Row {
        public let invoice: InvoiceView
        /// 发票号码, or 开票中 before it has one.
        public let number: String
        public let title: String
        public let total: String
        public let status: String
        public let red: Bool
        public let issuedAt: String?
    }

    /// A share link being shown.
    public struct Shared {
        public let invoice: InvoiceView
        public let url: String
        public let expiresAt: String
    }

    @Published public private(set) var invoices: [InvoiceView] = []
    @Published public private(set) var loading = false
    @Published public private(set) var busy = false
    @Published public var problem: Problem?
    @Published public private(set) var requestFor: OrderView?
    @Published public private(set) var profiles: [BillingProfileView] = []
    @Published public var profileChoice: String?
    @Published public var shared: Shared?
    @Published public private(set) var copied: String?
    private let core: CertCore
    private let clipboard: HostClipboard

    public init(core: CertCore, clipboard: HostClipboard) {
        self.core = core
        self.clipboard = clipboard
    }

    public func row(_ i: InvoiceView) -> Row {
        let status = Texts.state("invoice", i.status, i.statusLabel)
        return Row(
            invoice: i, number: i.number ?? status, title: i.title, total: Display.money(i.totalFen),
            status: status, red: i.isRed, issuedAt: i.issuedAt.map(Display.beijingTime)
        )
    }

    public func refresh() async {
        loading = true
        defer { loading = false }
        do {
            invoices = try await core.invoices()
            problem = nil
        } catch let e as AppError { problem = .of(e) } catch {}
    }

    /// Opens 申请开票 for `order`: reads the billing profiles and preselects the default one.
    @discardableResult
    public func startRequest(_ order: OrderView) async -> Bool {
        requestFor = order
        problem = nil
        guard order.canRequestInvoice else { problem = .local("not_invoiceable"); return false }
        profileChoice = nil
        return await reloadProfiles()
    }

    /// Reads the profiles again; the choice stays when it still exists, else the default.
    @discardableResult
    public func reloadProfiles() async -> Bool {
        do {
            let list = try await core.billingProfiles()
            profiles = list
            if !list.contains(where: { $0.id == profileChoice }) {
                profileChoice = (list.first { $0.isDefault } ?? list.first)?.id
            }
            return true
        } catch let e as AppError { problem = .of(e) } catch {}
        return false
    }

    /// 【提交】: the invoice, or nil with `problem` set.
    public func submitRequest() async -> InvoiceView? {
        guard let order = requestFor else { return nil }
        guard order.canRequestInvoice else { problem = .local("not_invoiceable"); return nil }
        guard let profile = profileChoice, profiles.contains(where: { $0.id == profile }) else {
            problem = .local("billing_profile_first", field: "profile")
            return nil
        }
        busy = true
        defer { busy = false }
        do {
            let invoice = try await core.requestInvoice(orderId: order.id, profileId: profile)
            requestFor = nil
            await refresh()
            return invoice
        } catch let e as AppError { problem = .of(e) } catch {}
        return nil
    }

    public func fileName(_ invoice: InvoiceView) -> String { "invoice-\(invoice.number ?? invoice.id).pdf" }

    /// 【下载】: the PDF for the host to save or share; nil with `problem` set.
    public func pdf(_ invoice: InvoiceView) async -> Data? {
        busy = true
        defer { busy = false }
        do {
            let data = try await core.invoicePdf(invoiceId: invoice.id)
            problem = nil
            return data
        } catch let e as AppError { problem = .of(e) } catch {}
        return nil
    }

    /// 【分享】: a new link, shown with its expiry.
    @discardableResult
    public func share(_ invoice: InvoiceView) async -> Bool {
        busy = true
        copied = nil
        defer { busy = false }
        do {
            let s = try await core.shareInvoice(invoiceId: invoice.id)
            shared = Shared(invoice: invoice, url: s.url, expiresAt: Display.beijingTime(s.expiresAt))
            problem = nil
            return true
        } catch let e as AppError { problem = .of(e) } catch {}
        return false
    }

    /// 【复制链接】
    @discardableResult
    public func copyLink() -> Bool {
        guard let url = shared?.url else { return false }
        clipboard.copy(url)
        copied = url
        return true
    }
}
