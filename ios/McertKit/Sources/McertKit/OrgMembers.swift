// Mirror of android/logic/.../state/OrgMembers.kt.
import Foundation
import McertFFI

/// 【授权管理】-【单位成员授权】: members with their roles; an admin adds members (name, ID number,
/// phone, role), changes roles and removes members; a 证书使用人 cannot grant.
@MainActor
public final class MembersModel: ObservableObject {
    private var org: OrganisationView?
    @Published public private(set) var members: [MemberView] = []
    @Published public private(set) var loading = false
    @Published public var problem: Problem?
    /// The member whose removal waits for the admin's confirmation.
    @Published public var removing: MemberView?
    @Published public var name = ""
    @Published public var idNumber = ""
    @Published public var phone = ""
    @Published public var role: OrgRole = .user
    @Published public private(set) var busy = false
    private let core: CertCore

    public init(core: CertCore) { self.core = core }

    public var canManage: Bool { org?.isAdmin == true }

    public func load(_ org: OrganisationView) async {
        if self.org?.id != org.id { members = [] }
        self.org = org
        problem = nil
        await refresh()
    }

    public func refresh() async {
        guard let o = org else { return }
        guard o.isAdmin else { members = []; return }
        loading = true
        defer { loading = false }
        do {
            members = try await core.members(orgId: o.id)
            problem = nil
        } catch let e as AppError { problem = .of(e) } catch {}
    }

    private func admin() -> OrganisationView? {
        guard let o = org, o.isAdmin else { problem = .local("admin_only"); return nil }
        return o
    }

    public func clearForm() {
        name = ""
        idNumber = ""
        phone = ""
        role = .user
        problem = nil
    }

    public func checkForm() -> Problem? {
        if !Validate.personName(name) { return .local("bad_person_name", field: "name") }
        if !Validate.idNumber(idNumber.trimmingCharacters(in: .whitespaces)) { return .local("bad_id_number", field: "id_number") }
        if !Validate.mobile(phone.trimmingCharacters(in: .whitespaces)) { return .local("bad_phone", field: "phone") }
        return nil
    }

    @discardableResult
    public func add() async -> Bool {
        guard let o = admin() else { return false }
        if let p = checkForm() { problem = p; return false }
        busy = true
        defer { busy = false }
        do {
            _ = try await core.addMember(orgId: o.id, form: NewMemberForm(
                name: name.trimmingCharacters(in: .whitespaces),
                idNumber: idNumber.trimmingCharacters(in: .whitespaces).uppercased(),
                phone: phone.trimmingCharacters(in: .whitespaces),
                role: role
            ))
            clearForm()
            await refresh()
            return true
        } catch let e as AppError { problem = .of(e) } catch {}
        return false
    }

    @discardableResult
    public func changeRole(_ member: MemberView, to: OrgRole) async -> Bool {
        guard let o = admin() else { return false }
        if member.role == to { return true }
        return await act { try await self.core.changeRole(orgId: o.id, memberId: member.id, role: to) }
    }

    public func askRemove(_ member: MemberView) {
        if admin() != nil { removing = member }
    }

    @discardableResult
    public func confirmRemove() async -> Bool {
        guard let o = admin(), let member = removing else { return false }
        removing = nil
        return await act { try await self.core.removeMember(orgId: o.id, memberId: member.id) }
    }

    private func act(_ action: () async throws -> Void) async -> Bool {
        busy = true
        defer { busy = false }
        do {
            try await action()
            await refresh()
            return true
        } catch let e as AppError { problem = .of(e) } catch {}
        return false
    }
}
