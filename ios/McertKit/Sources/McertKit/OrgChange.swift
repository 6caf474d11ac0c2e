// 【证书变更】 (seed 000 §6). No Android twin yet; its texts are ids of the iOS tables.
import Foundation
import McertFFI

/// 【证书变更】: the organisation was renamed by its registry. A certificate administrator types
/// the new full name and attaches the new business licence (and, if asked, other materials such
/// as the registry's notice of the change); 【提交变更申请】 uploads them and sends the change to
/// review (待审核). Once a reviewer approves it the order waits for payment (待支付, 【支付】 online
/// here or by transfer from the order's detail); paid, the organisation carries the new name,
/// its seals are void, and each holder downloads the certificate naming the new name from the
/// certificate's detail (`RenewalModel`, `change`). A rejected change shows its reason and a
/// new one may be submitted. One change at a time: while one is in review or waiting for
/// payment, the form is closed.
@MainActor
public final class OrgChangeModel: ObservableObject {
    public enum State { case editing, busy, submitted(OrderView), paid(OrderView), failed(Problem) }

    /// Most materials besides the business licence (the service takes ten in all).
    public static let maxOthers = 4

    @Published public private(set) var org: OrganisationView?
    /// The new full name, as on the new business licence.
    @Published public var newName = ""
    /// The new business licence (required).
    @Published public private(set) var licence: PickedFile?
    /// Other materials (the registry's notice of the change …), optional.
    @Published public private(set) var others: [PickedFile] = []
    /// The organisation's change orders, newest first.
    @Published public private(set) var orders: [OrderView] = []
    @Published public private(set) var state: State = .editing
    @Published public private(set) var loading = false
    /// The order being paid.
    @Published public private(set) var paying: String?
    private let core: CertCore

    public init(core: CertCore) { self.core = core }

    /// The change in review or waiting for payment: no second one may be submitted meanwhile.
    public var openChange: OrderView? { orders.first { $0.status == "pending_review" || $0.status == "awaiting_payment" } }

    /// The form is offered: an admin of an authorised organisation with no change open.
    public var mayRequest: Bool {
        guard let o = org else { return false }
        return o.isAdmin && o.authorisation.approved && openChange == nil
    }

    /// Starts the page for `org` (the form is kept when it is the same organisation).
    public func load(_ org: OrganisationView) async {
        if self.org?.id != org.id {
            newName = ""
            licence = nil
            others = []
            orders = []
            state = .editing
        }
        self.org = org
        await refresh()
    }

    /// Reads the organisation's change orders again.
    public func refresh() async {
        guard let o = org, o.isAdmin else { orders = []; return }
        loading = true
        defer { loading = false }
        do {
            orders = try await changeOrders(o.id)
            switch state {
            case .failed:
                state = .editing
            case let .submitted(order) where orders.first(where: { $0.id == order.id })?.status != "pending_review":
                // Reviewed since: its row below says what comes next.
                state = .editing
            default:
                break
            }
        } catch let e as AppError { state = .failed(.of(e)) } catch {}
    }

    public func pickLicence(_ file: PickedFile) {
        if let p = file.problem() { state = .failed(.local(p, field: "licence")); return }
        licence = file
        state = .editing
    }

    public func addOther(_ file: PickedFile) {
        if let p = file.problem() { state = .failed(.local(p, field: "others")); return }
        guard others.count < Self.maxOthers else { state = .failed(.local("org_change_too_many_files", field: "others")); return }
        others.append(file)
        state = .editing
    }

    public func removeOther(at index: Int) {
        guard others.indices.contains(index) else { return }
        others.remove(at: index)
    }

    /// Why the form may not be submitted yet, before the service is asked.
    public func check() -> Problem? {
        guard let o = org, o.isAdmin else { return .local("admin_only") }
        if !o.authorisation.approved { return .local("authorise_first") }
        if openChange != nil { return .local("org_change_open") }
        let name = newName.trimmingCharacters(in: .whitespaces)
        if !Validate.orgName(name) { return .local("bad_org_name", field: "name") }
        if name == o.name { return .local("org_change_same_name", field: "name") }
        if licence == nil { return .local("org_change_pick_licence", field: "licence") }
        return nil
    }

    /// 【提交变更申请】: uploads the materials (the licence first) and submits the change for review.
    @discardableResult
    public func submit() async -> Bool {
        if let p = check() { state = .failed(p); return false }
        guard let o = org, let file = licence else { return false }
        let name = newName.trimmingCharacters(in: .whitespaces)
        state = .busy
        do {
            let upload = try await core.upload(orgId: o.id, purpose: "business_licence", bytes: file.bytes)
            var materials = [upload.id]
            for other in others {
                let more = try await core.upload(orgId: o.id, purpose: "other", bytes: other.bytes)
                materials.append(more.id)
            }
            let order = try await core.requestOrgChange(orgId: o.id, newName: name, materials: materials)
            newName = ""
            licence = nil
            others = []
            orders = (try? await changeOrders(o.id)) ?? [order]
            state = .submitted(order)
            return true
        } catch let e as AppError {
            state = .failed(.of(e))
            return false
        } catch {
            return false
        }
    }

    /// 【支付】 an approved change online (waited for). Paid, the organisation carries the new name.
    @discardableResult
    public func pay(_ order: OrderView) async -> Bool {
        guard let o = org, order.canPayOnline, paying == nil else { return false }
        paying = order.id
        defer { paying = nil }
        do {
            let paid = try await core.payAndWait(orderId: order.id)
            orders = (try? await changeOrders(o.id)) ?? orders
            guard paid.status == "completed" else {
                state = .failed(.local("org_change_unpaid"))
                return false
            }
            org = (try? await core.org(id: o.id)) ?? o
            state = .paid(paid)
            return true
        } catch let e as AppError {
            state = .failed(.of(e))
            return false
        } catch {
            return false
        }
    }

    /// The organisation's change orders (`purpose` `change`; each names the new name it asks for).
    private func changeOrders(_ orgId: String) async throws -> [OrderView] {
        try await core.orgOrders(orgId: orgId).filter(\.isChange)
    }
}
