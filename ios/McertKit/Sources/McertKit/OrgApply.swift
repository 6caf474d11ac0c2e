// Mirror of android/logic/.../state/OrgApply.kt.
import Foundation
import McertFFI

/// 单位首次申请: product for organisations, period, the 营业执照; 【提交订单】 → 待审核; a rejected
/// application is fixed and sent back.
@MainActor
public final class OrgApplyModel: ObservableObject {
    public enum State { case editing, busy, submitted(OrderView), failed(Problem) }

    private var org: OrganisationView?
    @Published public private(set) var products: [ProductView] = []
    @Published public var selected: String?
    @Published public var years: Int64 = 1
    @Published public private(set) var licence: PickedFile?
    @Published public private(set) var orders: [OrderView] = []
    @Published public private(set) var state: State = .editing
    private var idempotencyKey = UUID().uuidString
    private let core: CertCore

    public init(core: CertCore) { self.core = core }

    /// The newest rejected application, to fix and resubmit.
    public var rejected: OrderView? { orders.first { $0.status == "rejected" } }

    public func mayApply() -> Bool { org.map { $0.isAdmin && $0.authorisation.approved } ?? false }

    public func amountFen() -> Int64 { products.first { $0.id == selected }.map { $0.priceFenPerYear * years } ?? 0 }

    public func load(_ org: OrganisationView) async {
        if self.org?.id != org.id {
            licence = nil
            orders = []
            state = .editing
        }
        self.org = org
        do {
            let catalogue = try await core.catalogue()
            products = catalogue.filter { $0.organizationCerts > 0 && $0.purpose == "new" }
            if !products.contains(where: { $0.id == selected }) { selected = products.first?.id }
            if org.isAdmin { orders = try await applications(org.id) }
        } catch let e as AppError { state = .failed(.of(e)) } catch {}
    }

    public func pick(_ file: PickedFile) {
        if let p = file.problem() { state = .failed(.local(p, field: "file")); return }
        licence = file
        state = .editing
    }

    private func checkForm() -> Problem? {
        guard let o = org, o.isAdmin else { return .local("admin_only") }
        if !o.authorisation.approved { return .local("authorise_first") }
        if selected == nil { return .local("pick_product") }
        if !(1...3).contains(years) { return .local("bad_years") }
        if licence == nil { return .local("pick_licence_first", field: "file") }
        return nil
    }

    /// 【提交订单】: uploads the licence and submits the application for review.
    public func submit() async {
        guard let o = org else { return }
        if let p = checkForm() { state = .failed(p); return }
        guard let file = licence, let product = selected else { return }
        state = .busy
        do {
            let upload = try await core.upload(orgId: o.id, purpose: "business_licence", bytes: file.bytes)
            let order = try await core.applyForOrg(
                orgId: o.id, productId: product, years: years, materials: [upload.id], idempotencyKey: idempotencyKey
            )
            idempotencyKey = UUID().uuidString
            licence = nil
            orders = try await applications(o.id)
            state = .submitted(order)
        } catch let e as AppError { state = .failed(.of(e)) } catch {}
    }

    /// Sends the rejected application back to review with the newly picked licence.
    public func resubmit() async {
        guard let o = org, let order = rejected else { return }
        guard let file = licence else { state = .failed(.local("pick_licence_first", field: "file")); return }
        state = .busy
        do {
            let upload = try await core.upload(orgId: o.id, purpose: "business_licence", bytes: file.bytes)
            let again = try await core.resubmit(orderId: order.id, materials: [upload.id])
            licence = nil
            orders = try await applications(o.id)
            state = .submitted(again)
        } catch let e as AppError { state = .failed(.of(e)) } catch {}
    }

    /// The organisation's applications for certificates (`purpose` `new`), without its
    /// 【证书变更】 orders, which `OrgChangeModel` shows.
    private func applications(_ orgId: String) async throws -> [OrderView] {
        try await core.orgOrders(orgId: orgId).filter { $0.purpose == "new" }
    }
}
