// Mirror of android/logic/.../state/Orders.kt.
import Foundation
import McertFFI

/// The product an order is for, as the user reads it (never the product's id): 证书变更 and
/// 证书延期 by what the order is for (`purpose`), otherwise the catalogue's name.
public func productText(_ o: OrderView) -> String {
    switch o.purpose {
    case "change": return Texts["order_purpose_change"]
    case "renewal": return Texts["order_purpose_renewal"]
    default: return o.productName.isEmpty ? Texts["certificate_fee"] : o.productName
    }
}

/// What a change order asks for (变更为：…), nil for other orders.
public func orderNewNameText(_ o: OrderView) -> String? {
    guard o.isChange, let name = o.newName, !name.isEmpty else { return nil }
    return Texts.format("order_new_name", name)
}

/// The order's state in the app's language (the service's label for one it does not know).
public func orderStatusText(_ o: OrderView) -> String { Texts.state("order", o.status, o.statusLabel) }

/// 开票状态 in the app's language.
public func orderInvoiceText(_ o: OrderView) -> String { Texts.state("order_invoice", o.invoiceStatus, o.invoiceStatusLabel) }

/// 【我的订单】 with the tabs 全部 / 待审核 / 待支付 / 已完成 / 未通过 / 已取消 (a refunded order
/// under 全部 only) and the actions an order allows: 【支付】, 【转账支付】, 【取消】 (confirmed),
/// 【修改】 (购买信息修改, before payment; never on a change order, charged once) and 【申请开票】.
/// A change order says the new name it asks for, a renewal order the certificate it renews.
@MainActor
public final class OrdersModel: ObservableObject {
    public enum Tab: String, CaseIterable {
        case all, review, payment, done, rejected, cancelled

        public var textId: String {
            switch self {
            case .all: return "orders_all"
            case .review: return "orders_review"
            case .payment: return "orders_payment"
            case .done: return "orders_done"
            case .rejected: return "orders_rejected"
            case .cancelled: return "orders_cancelled"
            }
        }

        public var statuses: Set<String>? {
            switch self {
            case .all: return nil
            case .review: return ["pending_review"]
            case .payment: return ["awaiting_payment"]
            case .done: return ["completed"]
            case .rejected: return ["rejected"]
            case .cancelled: return ["cancelled"]
            }
        }
    }

    /// What an order's row shows.
    public struct Row {
        public let order: OrderView
        public let product: String
        public let amount: String
        public let status: String
        public let rejectReason: String?
        public let invoice: String?
        public let received: String?
        /// 变更为：… of a change order.
        public let newName: String?
        /// 延期证书：… of a renewal order (its slot's certificate, shortened), once known.
        public let renews: String?
    }

    @Published public private(set) var orders: [OrderView] = []
    @Published public var tab: Tab = .all
    @Published public private(set) var loading = false
    @Published public var error: String?
    @Published public private(set) var busy = false
    /// The order being paid.
    @Published public private(set) var paying: String?
    /// The order whose cancellation waits for the user's confirmation.
    @Published public var cancelling: OrderView?
    /// 购买信息修改: the order being changed and the period chosen.
    @Published public var changing: OrderView?
    @Published public var changeYears: Int64 = 1
    @Published public var changeProblem: Problem?
    /// The certificate serial of each slot a listed renewal order renews (slot id → serial).
    @Published public private(set) var renewedSerials: [String: String] = [:]
    private let core: CertCore

    public init(core: CertCore) { self.core = core }

    public func shown(_ tab: Tab? = nil) -> [OrderView] {
        let t = tab ?? self.tab
        return orders.filter { o in t.statuses.map { $0.contains(o.status) } ?? true }
    }

    public func row(_ o: OrderView) -> Row {
        Row(
            order: o,
            product: productText(o),
            amount: Display.money(o.amountFen),
            status: orderStatusText(o),
            rejectReason: o.status == "rejected" ? o.rejectReason : nil,
            invoice: o.status == "completed" ? orderInvoiceText(o) : nil,
            received: o.paymentState == "partial"
                ? Texts.format("received_line", Display.money(o.paidFen), Display.money(o.amountFen - o.paidFen)) : nil,
            newName: orderNewNameText(o),
            renews: o.isRenewal
                ? o.renewsEntitlementId.flatMap { renewedSerials[$0] }.map { Texts.format("order_renews", Display.shortSerial($0)) }
                : nil
        )
    }

    public func refresh() async {
        loading = true
        defer { loading = false }
        do {
            orders = try await core.orders()
            error = nil
        } catch let e as AppError { error = e.message } catch {}
        // Which certificate a renewal renews: its slot's; the list shows without it when unknown.
        if orders.contains(where: { $0.isRenewal && $0.renewsEntitlementId != nil }),
           let slots = try? await core.slots() {
            renewedSerials = Dictionary(slots.compactMap { s in s.certificateSerial.map { (s.id, $0) } }, uniquingKeysWith: { a, _ in a })
        }
    }

    /// 【支付】 online; true when it completed.
    @discardableResult
    public func pay(_ order: OrderView) async -> Bool {
        guard order.canPayOnline else { return false }
        paying = order.id
        defer { paying = nil }
        do {
            let paid = try await core.payAndWait(orderId: order.id)
            await refresh()
            return paid.status == "completed"
        } catch let e as AppError { error = e.message } catch {}
        return false
    }

    public func askCancel(_ order: OrderView) {
        if order.canCancel { cancelling = order }
    }

    @discardableResult
    public func confirmCancel() async -> Bool {
        guard let order = cancelling else { return false }
        cancelling = nil
        return await act { _ = try await self.core.cancelOrder(orderId: order.id) }
    }

    /// Opens 购买信息修改; false once the order is paid or closed, and for a change order (its
    /// period is fixed).
    @discardableResult
    public func startChange(_ order: OrderView) -> Bool {
        guard !order.isChange else { error = Texts["order_fixed_period"]; return false }
        guard order.canChange else { error = Texts["change_not_allowed"]; return false }
        changing = order
        changeYears = order.years
        changeProblem = nil
        return true
    }

    /// The amount for `years`, at the order's own yearly price (fen, exact).
    public func changedAmountFen(_ years: Int64? = nil) -> Int64 {
        guard let o = changing else { return 0 }
        return o.years > 0 ? o.amountFen / o.years * (years ?? changeYears) : o.amountFen
    }

    @discardableResult
    public func confirmChange() async -> Bool {
        guard let o = changing else { return false }
        guard !o.isChange else { changeProblem = .local("order_fixed_period"); return false }
        guard (1...3).contains(changeYears) else { changeProblem = .local("bad_years"); return false }
        if changeYears == o.years { changing = nil; return true }
        busy = true
        defer { busy = false }
        do {
            _ = try await core.changeOrder(orderId: o.id, years: changeYears)
            changing = nil
            await refresh()
            return true
        } catch let e as AppError { changeProblem = .of(e) } catch {}
        return false
    }

    private func act(_ action: () async throws -> Void) async -> Bool {
        busy = true
        defer { busy = false }
        do {
            try await action()
            await refresh()
            return true
        } catch let e as AppError { error = e.message } catch {}
        return false
    }
}

/// 订单详情 with, once bank transfer is chosen, where to send the money (收款银行 / 收款账户名 /
/// 收款账号 grouped in fours / 应付金额 / 截止时间, 已收金额 when part of it arrived); 【复制】 puts
/// the account number, digits only, on the host's clipboard. A change order shows the new name
/// it asks for and no period (charged once), a renewal order the certificate it renews.
@MainActor
public final class OrderDetailModel: ObservableObject {
    public struct Instructions {
        public let bank: String
        public let accountName: String
        public let accountNo: String
        public let amountDue: String
        public let deadline: String
        public let received: String?
    }

    @Published public private(set) var order: OrderView?
    @Published public private(set) var busy = false
    @Published public var problem: Problem?
    /// What was last put on the clipboard.
    @Published public private(set) var copied: String?
    /// The certificate a renewal order renews (its slot's serial), once looked up.
    @Published public private(set) var renewedSerial: String?
    private let core: CertCore
    private let clipboard: HostClipboard

    public init(core: CertCore, clipboard: HostClipboard) {
        self.core = core
        self.clipboard = clipboard
    }

    public func open(_ order: OrderView) {
        if self.order?.id != order.id { renewedSerial = nil }
        self.order = order
        problem = nil
        copied = nil
    }

    /// Looks up the certificate a renewal order renews (nothing for other orders; unknown when
    /// the slots cannot be read).
    public func lookUpRenewed() async {
        guard let o = order, o.isRenewal, let slotId = o.renewsEntitlementId else { renewedSerial = nil; return }
        if let slots = try? await core.slots(), order?.id == o.id {
            renewedSerial = slots.first { $0.id == slotId }?.certificateSerial
        }
    }

    public func refresh() async {
        guard let id = order?.id else { return }
        do {
            if let fresh = try await core.orders().first(where: { $0.id == id }) { order = fresh }
            problem = nil
        } catch let e as AppError { problem = .of(e) } catch {}
    }

    /// 【转账支付】: opens `order` with its receiving account.
    @discardableResult
    public func payByTransfer(_ order: OrderView) async -> Bool {
        open(order)
        guard order.canPayByTransfer else { return false }
        busy = true
        defer { busy = false }
        do {
            self.order = try await core.payByTransfer(orderId: order.id)
            return true
        } catch let e as AppError { problem = .of(e) } catch {}
        return false
    }

    public var instructions: Instructions? {
        guard let o = order, let t = o.transfer else { return nil }
        return Instructions(
            bank: t.bankName,
            accountName: t.accountName,
            accountNo: Display.grouped(t.accountNo),
            amountDue: Display.money(t.amountDueFen),
            deadline: Display.beijingTime(t.deadline),
            received: o.paidFen > 0 ? Display.money(o.paidFen) : nil
        )
    }

    /// 【复制】 the receiving account number, digits only.
    @discardableResult
    public func copyAccount() -> Bool {
        guard let t = order?.transfer else { return false }
        let digits = Display.digits(t.accountNo)
        clipboard.copy(digits)
        copied = digits
        return true
    }
}
