// Mirror of android/logic/.../state/Seals.kt.
import Foundation
import McertFFI

/// 【印章管理】: the organisation's seals; an admin applies from a photo (the cleaned picture is
/// shown as a draft before submitting) and claims an approved seal with the bound certificate's
/// PIN.
@MainActor
public final class SealsModel: ObservableObject {
    private var org: OrganisationView?
    @Published public private(set) var seals: [SealView] = []
    @Published public private(set) var pictures: [String: Data] = [:]
    @Published public var problem: Problem?
    @Published public private(set) var busy = false
    @Published public private(set) var slots: [OrgCertificateView] = []
    @Published public var kind = "official"
    @Published public var name = ""
    @Published public var slot: String?
    @Published public var photo: Data?
    @Published public var draft: SealView?
    /// The seal being claimed and its PIN pad.
    @Published public var claiming: (SealView, PinEntryModel)?
    private let core: CertCore

    public init(core: CertCore) { self.core = core }

    public var canManage: Bool { org?.isAdmin == true }

    public func load(_ org: OrganisationView) async {
        if self.org?.id != org.id { seals = []; pictures = [:] }
        self.org = org
        await refresh()
    }

    public func refresh() async {
        guard let o = org else { return }
        busy = true
        defer { busy = false }
        do {
            seals = try await core.seals(orgId: o.id)
            for s in seals where pictures[s.id] == nil {
                pictures[s.id] = try await core.sealPicture(orgId: o.id, sealId: s.id)
            }
            problem = nil
        } catch let e as AppError { problem = .of(e) } catch {}
    }

    public func startApply() async {
        guard let o = org else { return }
        draft = nil
        photo = nil
        if name.isEmpty { name = o.name }
        do {
            slots = try await core.orgCertificates(orgId: o.id).filter { $0.kind == "organization" && $0.certificateSerial != nil }
            if slot == nil, slots.count == 1 { slot = slots[0].entitlementId }
        } catch let e as AppError { problem = .of(e) } catch {}
    }

    public func checkForm() -> Problem? {
        let n = name.trimmingCharacters(in: .whitespaces)
        if n.isEmpty || n.count > 40 { return .local("seal_bad_name", field: "name") }
        if slot == nil { return .local("seal_pick_certificate", field: "slot") }
        if photo == nil { return .local("seal_take_photo", field: "photo") }
        return nil
    }

    /// 【生成印章】: the photo is cleaned by the service; the draft shows the result.
    @discardableResult
    public func apply() async -> Bool {
        guard let o = org else { return false }
        if let p = checkForm() { problem = p; return false }
        guard let s = slot, let p = photo else { return false }
        busy = true
        defer { busy = false }
        do {
            let seal = try await core.applySeal(
                orgId: o.id, kind: kind, name: name.trimmingCharacters(in: .whitespaces), entitlementId: s, photo: p)
            pictures[seal.id] = try await core.sealPicture(orgId: o.id, sealId: seal.id)
            draft = seal
            problem = nil
            return true
        } catch let e as AppError { problem = .of(e); return false } catch { return false }
    }

    /// 【提交审核】
    @discardableResult
    public func submit(_ seal: SealView) async -> Bool {
        guard let o = org else { return false }
        do {
            _ = try await core.submitSeal(orgId: o.id, sealId: seal.id)
            if draft?.id == seal.id { draft = nil }
            await refresh()
            return true
        } catch let e as AppError { problem = .of(e); return false } catch { return false }
    }

    /// 【申领】: the PIN pad of the bound certificate.
    public func startClaim(_ seal: SealView) {
        guard seal.status == "approved" else { return }
        claiming = (seal, PinEntryModel(core: core, mode: .unlock))
    }

    @discardableResult
    public func claim(pin: String) async -> Bool {
        guard let o = org, let claim = claiming else { return false }
        let (seal, pad) = claim
        do {
            _ = try await core.claimSeal(orgId: o.id, sealId: seal.id, serial: seal.certificateSerial, pin: pin)
            claiming = nil
            await refresh()
            return true
        } catch let e as AppError {
            if e.triesLeft != nil && !e.locked { pad.refused(e) } else { claiming = nil; problem = .of(e) }
            return false
        } catch { return false }
    }
}

/// 【用印授权】 (mirror of SealGrantsModel in Seals.kt): a claimed seal's grants; an admin gives
/// it to a member who has logged in, for some projects (none: any), a window of days, and
/// optionally each use approved by an admin; a grant can be withdrawn.
@MainActor
public final class SealGrantsModel: ObservableObject {
    private var org: OrganisationView?
    @Published public private(set) var seal: SealView?
    @Published public private(set) var grants: [SealGrantView] = []
    @Published public private(set) var members: [MemberView] = []
    @Published public var problem: Problem?
    @Published public private(set) var busy = false
    @Published public var member: String?
    /// Project numbers, separated by commas, spaces or 、.
    @Published public var projects = ""
    @Published public var validFrom = ""
    @Published public var validTo = ""
    @Published public var approvalRequired = false
    private let core: CertCore

    public init(core: CertCore) { self.core = core }

    public func open(_ org: OrganisationView, seal: SealView) async {
        self.org = org
        self.seal = seal
        member = nil
        projects = ""
        approvalRequired = false
        problem = nil
        busy = true
        defer { busy = false }
        do {
            members = try await core.members(orgId: org.id).filter { $0.hasAccount }
            grants = try await core.sealGrants(orgId: org.id, sealId: seal.id)
        } catch let e as AppError { problem = .of(e) } catch {}
    }

    public func projectList() -> [String] {
        projects.components(separatedBy: CharacterSet(charactersIn: ",，、 \n"))
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }

    private static func isDay(_ s: String) -> Bool {
        s.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil
    }

    private static func isProject(_ s: String) -> Bool {
        s.range(of: #"^[A-Za-z0-9._/-]{1,40}$"#, options: .regularExpression) != nil
    }

    public func checkForm() -> Problem? {
        let from = validFrom.trimmingCharacters(in: .whitespaces)
        let to = validTo.trimmingCharacters(in: .whitespaces)
        if member == nil { return .local("grant_pick_member", field: "member") }
        if projectList().contains(where: { !Self.isProject($0) }) { return .local("grant_bad_project", field: "projects") }
        if !Self.isDay(from) { return .local("grant_bad_date", field: "valid_from") }
        if !Self.isDay(to) || to < from { return .local("grant_bad_date", field: "valid_to") }
        return nil
    }

    /// 【授权】
    @discardableResult
    public func grant() async -> Bool {
        guard let o = org, let s = seal else { return false }
        if let p = checkForm() { problem = p; return false }
        guard let m = member else { return false }
        let form = SealGrantForm(
            memberId: m, projects: projectList(),
            validFrom: validFrom.trimmingCharacters(in: .whitespaces),
            validTo: validTo.trimmingCharacters(in: .whitespaces),
            approvalRequired: approvalRequired
        )
        busy = true
        defer { busy = false }
        do {
            _ = try await core.grantSeal(orgId: o.id, sealId: s.id, form: form)
            grants = try await core.sealGrants(orgId: o.id, sealId: s.id)
            problem = nil
            return true
        } catch let e as AppError { problem = .of(e); return false } catch { return false }
    }

    /// 【撤销】
    @discardableResult
    public func revoke(_ grant: SealGrantView) async -> Bool {
        guard let o = org, let s = seal else { return false }
        busy = true
        defer { busy = false }
        do {
            _ = try await core.revokeSealGrant(orgId: o.id, sealId: s.id, grantId: grant.id)
            grants = try await core.sealGrants(orgId: o.id, sealId: s.id)
            problem = nil
            return true
        } catch let e as AppError { problem = .of(e); return false } catch { return false }
    }
}

/// 【用印审批】: the uses of granted seals waiting for an admin; 【同意】 asks the PIN of the admin's
/// own certificate of the organisation on this phone, 【拒绝】 refuses.
@MainActor
public final class SealApprovalsModel: ObservableObject {
    private var org: OrganisationView?
    @Published public private(set) var approvals: [SealApprovalView] = []
    @Published public var problem: Problem?
    @Published public var approving: (SealApprovalView, String, PinEntryModel)?
    private let core: CertCore

    public init(core: CertCore) { self.core = core }

    public func load(_ org: OrganisationView) async {
        self.org = org
        await refresh()
    }

    public func refresh() async {
        guard let o = org else { return }
        do { approvals = try await core.sealApprovals(orgId: o.id) } catch let e as AppError { problem = .of(e) } catch {}
    }

    public func startApprove(_ approval: SealApprovalView) async {
        guard let o = org, approval.status == "pending" else { return }
        do {
            let mine = Set(try await core.localKeys().flatMap { $0.serials })
            let serial = try await core.orgCertificates(orgId: o.id).compactMap { $0.certificateSerial }.first { mine.contains($0) }
            if let s = serial {
                approving = (approval, s, PinEntryModel(core: core, mode: .unlock))
            } else {
                problem = .local("approve_no_certificate")
            }
        } catch let e as AppError { problem = .of(e) } catch {}
    }

    @discardableResult
    public func approve(pin: String) async -> Bool {
        guard let o = org, let pending = approving else { return false }
        let (approval, serial, pad) = pending
        do {
            _ = try await core.approveSealUse(orgId: o.id, approvalId: approval.id, serial: serial, pin: pin)
            approving = nil
            await refresh()
            return true
        } catch let e as AppError {
            if e.triesLeft != nil && !e.locked { pad.refused(e) } else { approving = nil; problem = .of(e) }
            return false
        } catch { return false }
    }

    @discardableResult
    public func refuse(_ approval: SealApprovalView) async -> Bool {
        guard let o = org else { return false }
        do {
            _ = try await core.refuseSealUse(orgId: o.id, approvalId: approval.id)
            await refresh()
            return true
        } catch let e as AppError { problem = .of(e); return false } catch { return false }
    }
}
