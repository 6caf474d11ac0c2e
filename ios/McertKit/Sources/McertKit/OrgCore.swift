// Mirror of android/logic/.../core/OrgCore.kt and android/bridge/.../FfiOrgCore.kt.
import Foundation
import McertFFI

/// What the organisation screens (单位) need from the core. Every failure is an `AppError`
/// carrying the service's message. Part of `CertCore`.
public protocol OrgCore: AnyObject {
    /// The account's certificate slots: its own, and the organisations' whose holder it is.
    func slots() async throws -> [EntitlementView]
    func registerOrg(form: NewOrganisationForm) async throws -> OrganisationView
    func orgs() async throws -> [OrganisationView]
    func org(id: String) async throws -> OrganisationView
    /// `purpose`: business_licence, authorisation_letter, id_card or other.
    func upload(orgId: String, purpose: String, bytes: Data) async throws -> UploadView
    func authoriseByFace(orgId: String, legalRepPhone: String, faceToken: String) async throws -> AuthorisationView
    func submitLetter(orgId: String, uploadId: String) async throws -> AuthorisationView
    /// The authorisation letter to print, stamp and sign (a PDF).
    func letterTemplate(orgId: String) async throws -> Data
    func members(orgId: String) async throws -> [MemberView]
    func addMember(orgId: String, form: NewMemberForm) async throws -> MemberView
    func changeRole(orgId: String, memberId: String, role: OrgRole) async throws
    func removeMember(orgId: String, memberId: String) async throws
    func applyForOrg(orgId: String, productId: String, years: Int64, materials: [String], idempotencyKey: String) async throws -> OrderView
    func orgOrders(orgId: String) async throws -> [OrderView]
    /// 【证书变更】: the organisation's rename to `newName` with `materials` (upload ids, the new
    /// business licence first), to review and then to pay. Refusals: `bad_name`, `same_name`,
    /// `change_pending`, `materials_required`, `unknown_material`, `admin_required`,
    /// `org_not_authorised`.
    func requestOrgChange(orgId: String, newName: String, materials: [String]) async throws -> OrderView
    func resubmit(orderId: String, materials: [String]) async throws -> OrderView
    func orgCertificates(orgId: String) async throws -> [OrgCertificateView]
    func setOwner(orgId: String, entitlementId: String, form: OwnerForm) async throws
    func setHolder(orgId: String, entitlementId: String, memberId: String) async throws
    func orgUsage(orgId: String, filter: OrgUsageFilter, cursor: String?, limit: Int) async throws -> UsagePageView
}

public extension EntitlementView {
    /// 待申领: an organisation's slot assigned to the account, not yet downloaded.
    var claimable: Bool { orgId != nil && status == "assigned" }
}

public extension AuthorisationView {
    var approved: Bool { status == "approved" }
    var pending: Bool { status == "pending_review" }
}

public extension OrganisationView {
    var isAdmin: Bool { role == .admin }
}

public extension OrgCertificateView {
    var isOrganisation: Bool { kind == "organization" }
}

// The organisation calls of `FfiCertCore` (its `CertCore` conformance includes `OrgCore`).
extension FfiCertCore {
    public func slots() async throws -> [EntitlementView] { try await ffi { try await app.entitlements() } }
    public func registerOrg(form: NewOrganisationForm) async throws -> OrganisationView {
        try await ffi { try await app.registerOrg(form: form) }
    }
    public func orgs() async throws -> [OrganisationView] { try await ffi { try await app.orgs() } }
    public func org(id: String) async throws -> OrganisationView { try await ffi { try await app.org(orgId: id) } }
    public func upload(orgId: String, purpose: String, bytes: Data) async throws -> UploadView {
        try await ffi { try await app.upload(orgId: orgId, purpose: purpose, bytes: bytes) }
    }
    public func authoriseByFace(orgId: String, legalRepPhone: String, faceToken: String) async throws -> AuthorisationView {
        try await ffi { try await app.authoriseByFace(orgId: orgId, legalRepPhone: legalRepPhone, faceToken: faceToken) }
    }
    public func submitLetter(orgId: String, uploadId: String) async throws -> AuthorisationView {
        try await ffi { try await app.submitLetter(orgId: orgId, uploadId: uploadId) }
    }
    public func letterTemplate(orgId: String) async throws -> Data { try await ffi { try await app.letterTemplate(orgId: orgId) } }
    public func members(orgId: String) async throws -> [MemberView] { try await ffi { try await app.members(orgId: orgId) } }
    public func addMember(orgId: String, form: NewMemberForm) async throws -> MemberView {
        try await ffi { try await app.addMember(orgId: orgId, form: form) }
    }
    public func changeRole(orgId: String, memberId: String, role: OrgRole) async throws {
        try await ffi { try await app.changeRole(orgId: orgId, memberId: memberId, role: role) }
    }
    public func removeMember(orgId: String, memberId: String) async throws {
        try await ffi { try await app.removeMember(orgId: orgId, memberId: memberId) }
    }
    public func applyForOrg(orgId: String, productId: String, years: Int64, materials: [String], idempotencyKey: String) async throws -> OrderView {
        try await ffi {
            try await app.applyForOrg(orgId: orgId, productId: productId, years: years, materials: materials, idempotencyKey: idempotencyKey)
        }
    }
    public func orgOrders(orgId: String) async throws -> [OrderView] { try await ffi { try await app.orgOrders(orgId: orgId) } }
    public func requestOrgChange(orgId: String, newName: String, materials: [String]) async throws -> OrderView {
        try await ffi { try await app.requestOrgChange(orgId: orgId, newName: newName, materials: materials) }
    }
    public func resubmit(orderId: String, materials: [String]) async throws -> OrderView {
        try await ffi { try await app.resubmit(orderId: orderId, materials: materials) }
    }
    public func orgCertificates(orgId: String) async throws -> [OrgCertificateView] {
        try await ffi { try await app.orgCertificates(orgId: orgId) }
    }
    public func setOwner(orgId: String, entitlementId: String, form: OwnerForm) async throws {
        try await ffi { try await app.setOwner(orgId: orgId, entitlementId: entitlementId, form: form) }
    }
    public func setHolder(orgId: String, entitlementId: String, memberId: String) async throws {
        try await ffi { try await app.setHolder(orgId: orgId, entitlementId: entitlementId, memberId: memberId) }
    }
    public func orgUsage(orgId: String, filter: OrgUsageFilter, cursor: String?, limit: Int) async throws -> UsagePageView {
        try await ffi { try await app.orgUsage(orgId: orgId, filter: filter, cursor: cursor, limit: UInt32(limit)) }
    }
}
