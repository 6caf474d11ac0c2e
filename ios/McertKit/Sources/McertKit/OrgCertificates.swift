// Mirror of android/logic/.../state/OrgCertificates.kt.
import Foundation
import McertFFI

/// 【证书管理】: the organisation's slots with 所属人, 持有人, 证书状态, 购买日期, validity; the owner is
/// set once (after a confirmation), the holder changed after a confirmation that says when the
/// old holder's certificate is revoked.
@MainActor
public final class OrgCertificatesModel: ObservableObject {
    public struct HolderChange {
        public let slot: OrgCertificateView
        public let member: MemberView
        /// Whether a certificate was issued to the old holder (it is revoked).
        public var revokes: Bool { slot.certificateSerial != nil || slot.status == "issued" }
    }

    private var org: OrganisationView?
    @Published public private(set) var items: [OrgCertificateView] = []
    @Published public private(set) var members: [MemberView] = []
    @Published public private(set) var loading = false
    @Published public var problem: Problem?
    @Published public private(set) var busy = false
    @Published public var editing: OrgCertificateView?
    @Published public var ownerName = ""
    @Published public var ownerIdNumber = ""
    @Published public var ownerEmail = ""
    @Published public var holderChoice: String?
    @Published public var confirmingOwner = false
    @Published public var holderChange: HolderChange?
    private let core: CertCore

    public init(core: CertCore) { self.core = core }

    public var isAdmin: Bool { org?.isAdmin == true }

    public func load(_ org: OrganisationView) async {
        if self.org?.id != org.id {
            items = []
            members = []
        }
        self.org = org
        problem = nil
        await refresh()
    }

    public func refresh() async {
        guard let o = org else { return }
        guard o.isAdmin else { items = []; return }
        loading = true
        defer { loading = false }
        do {
            items = try await core.orgCertificates(orgId: o.id)
            members = try await core.members(orgId: o.id)
            problem = nil
        } catch let e as AppError { problem = .of(e) } catch {}
    }

    public func startAssign(_ slot: OrgCertificateView) {
        editing = slot
        ownerName = ""
        ownerIdNumber = ""
        ownerEmail = ""
        holderChoice = slot.holder?.memberId
        confirmingOwner = false
        problem = nil
    }

    public func checkOwner() -> Problem? {
        if !Validate.idNumber(ownerIdNumber.trimmingCharacters(in: .whitespaces)) { return .local("bad_id_number", field: "owner_id") }
        if !Validate.personName(ownerName) { return .local("bad_person_name", field: "owner_name") }
        let email = ownerEmail.trimmingCharacters(in: .whitespaces)
        if !email.isEmpty && !Validate.email(email) { return .local("bad_email", field: "owner_email") }
        return nil
    }

    /// 【保存】: checks the form and asks for the confirmation.
    public func askSaveOwner() {
        guard isAdmin else { problem = .local("admin_only"); return }
        problem = checkOwner()
        confirmingOwner = problem == nil
    }

    @discardableResult
    public func saveOwner() async -> Bool {
        guard let o = org, let slot = editing else { return false }
        confirmingOwner = false
        busy = true
        defer { busy = false }
        let email = ownerEmail.trimmingCharacters(in: .whitespaces)
        do {
            try await core.setOwner(orgId: o.id, entitlementId: slot.entitlementId, form: OwnerForm(
                idType: .residentId,
                idNumber: ownerIdNumber.trimmingCharacters(in: .whitespaces).uppercased(),
                name: ownerName.trimmingCharacters(in: .whitespaces),
                email: email.isEmpty ? nil : email
            ))
            if let holder = holderChoice, holder != slot.holder?.memberId {
                try await core.setHolder(orgId: o.id, entitlementId: slot.entitlementId, memberId: holder)
            }
            editing = nil
            await refresh()
            return true
        } catch let e as AppError { problem = .of(e) } catch {}
        return false
    }

    /// 【修改持有人】: asks for the confirmation before anything changes.
    public func askHolder(_ slot: OrgCertificateView, _ member: MemberView) {
        guard isAdmin else { problem = .local("admin_only"); return }
        if slot.holder?.memberId == member.id { return }
        holderChange = HolderChange(slot: slot, member: member)
    }

    @discardableResult
    public func confirmHolder() async -> Bool {
        guard let o = org, let change = holderChange else { return false }
        holderChange = nil
        busy = true
        defer { busy = false }
        do {
            try await core.setHolder(orgId: o.id, entitlementId: change.slot.entitlementId, memberId: change.member.id)
            await refresh()
            return true
        } catch let e as AppError { problem = .of(e) } catch {}
        return false
    }
}

/// 【证书】-【待申领的证书】: organisations' slots whose holder the account is; claiming one is the
/// download under a new PIN.
@MainActor
public final class ClaimsModel: ObservableObject {
    @Published public private(set) var claims: [EntitlementView] = []
    @Published public private(set) var loading = false
    @Published public var error: String?
    @Published public var selected: EntitlementView?
    @Published public private(set) var installed: String?
    private let core: CertCore

    public init(core: CertCore) { self.core = core }

    public func refresh() async {
        loading = true
        defer { loading = false }
        do {
            claims = try await core.slots().filter(\.claimable)
            error = nil
        } catch let e as AppError { error = e.message } catch {}
    }

    public func choose(_ slot: EntitlementView) {
        selected = slot
        installed = nil
        error = nil
    }

    @discardableResult
    public func claim(algorithm: KeyAlgorithm, pin: String) async -> Bool {
        guard let slot = selected else { return false }
        do {
            installed = try await core.install(entitlementId: slot.id, algorithm: algorithm, pin: pin).serial
            selected = nil
            await refresh()
            return true
        } catch let e as AppError { error = e.message } catch {}
        return false
    }
}
