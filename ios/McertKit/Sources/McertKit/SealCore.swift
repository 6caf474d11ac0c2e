// Mirror of android/logic/.../core/SealCore.kt and android/bridge/.../FfiSealCore.kt.
import Foundation
import McertFFI

/// The seal calls (印章管理, 用印授权, 用印审批) and the personal signature (签章图片). Part of
/// `CertCore`.
public protocol SealCore: AnyObject {
    func seals(orgId: String) async throws -> [SealView]
    func applySeal(orgId: String, kind: String, name: String, entitlementId: String, photo: Data) async throws -> SealView
    func sealPicture(orgId: String, sealId: String) async throws -> Data
    func submitSeal(orgId: String, sealId: String) async throws -> SealView
    func claimSeal(orgId: String, sealId: String, serial: String, pin: String) async throws -> SealView
    func sealGrants(orgId: String, sealId: String) async throws -> [SealGrantView]
    func grantSeal(orgId: String, sealId: String, form: SealGrantForm) async throws -> SealGrantView
    func revokeSealGrant(orgId: String, sealId: String, grantId: String) async throws -> SealGrantView
    func sealApprovals(orgId: String) async throws -> [SealApprovalView]
    func approveSealUse(orgId: String, approvalId: String, serial: String, pin: String) async throws -> SealApprovalView
    func refuseSealUse(orgId: String, approvalId: String) async throws -> SealApprovalView
    func signatureNotice() async throws -> SignatureNoticeView
    func signatures() async throws -> [SignatureView]
    func makeNameSeal(serial: String, noticeVersion: String) async throws -> SignatureView
    func drawSignature(serial: String, noticeVersion: String, padWidth: Float, padHeight: Float, strokes: [[PadPoint]]) async throws -> SignatureView
    func photoSignature(serial: String, noticeVersion: String, photo: Data) async throws -> SignatureView
    func submitSignature(id: String) async throws -> SignatureView
    func signaturePicture(id: String) async throws -> Data
}

// The seal calls of `FfiCertCore` (its `CertCore` conformance includes `SealCore`).
extension FfiCertCore {
    public func seals(orgId: String) async throws -> [SealView] { try await ffi { try await app.seals(orgId: orgId) } }
    public func applySeal(orgId: String, kind: String, name: String, entitlementId: String, photo: Data) async throws -> SealView {
        try await ffi { try await app.applySeal(orgId: orgId, kind: kind, name: name, entitlementId: entitlementId, photo: photo) }
    }
    public func sealPicture(orgId: String, sealId: String) async throws -> Data {
        try await ffi { try await app.sealPicture(orgId: orgId, sealId: sealId) }
    }
    public func submitSeal(orgId: String, sealId: String) async throws -> SealView {
        try await ffi { try await app.submitSeal(orgId: orgId, sealId: sealId) }
    }
    public func claimSeal(orgId: String, sealId: String, serial: String, pin: String) async throws -> SealView {
        try await ffi { try await app.claimSeal(orgId: orgId, sealId: sealId, serial: serial, pin: pin) }
    }
    public func sealGrants(orgId: String, sealId: String) async throws -> [SealGrantView] {
        try await ffi { try await app.sealGrants(orgId: orgId, sealId: sealId) }
    }
    public func grantSeal(orgId: String, sealId: String, form: SealGrantForm) async throws -> SealGrantView {
        try await ffi { try await app.grantSeal(orgId: orgId, sealId: sealId, form: form) }
    }
    public func revokeSealGrant(orgId: String, sealId: String, grantId: String) async throws -> SealGrantView {
        try await ffi { try await app.revokeSealGrant(orgId: orgId, sealId: sealId, grantId: grantId) }
    }
    public func sealApprovals(orgId: String) async throws -> [SealApprovalView] {
        try await ffi { try await app.sealApprovals(orgId: orgId) }
    }
    public func approveSealUse(orgId: String, approvalId: String, serial: String, pin: String) async throws -> SealApprovalView {
        try await ffi { try await app.approveSealUse(orgId: orgId, approvalId: approvalId, serial: serial, pin: pin) }
    }
    public func refuseSealUse(orgId: String, approvalId: String) async throws -> SealApprovalView {
        try await ffi { try await app.refuseSealUse(orgId: orgId, approvalId: approvalId) }
    }
    public func signatureNotice() async throws -> SignatureNoticeView { try await ffi { try await app.signatureNotice() } }
    public func signatures() async throws -> [SignatureView] { try await ffi { try await app.signatures() } }
    public func makeNameSeal(serial: String, noticeVersion: String) async throws -> SignatureView {
        try await ffi { try await app.makeNameSeal(serial: serial, noticeVersion: noticeVersion) }
    }
    public func drawSignature(serial: String, noticeVersion: String, padWidth: Float, padHeight: Float, strokes: [[PadPoint]]) async throws -> SignatureView {
        try await ffi {
            try await app.drawSignature(serial: serial, noticeVersion: noticeVersion, padWidth: padWidth, padHeight: padHeight, strokes: strokes)
        }
    }
    public func photoSignature(serial: String, noticeVersion: String, photo: Data) async throws -> SignatureView {
        try await ffi { try await app.photoSignature(serial: serial, noticeVersion: noticeVersion, photo: photo) }
    }
    public func submitSignature(id: String) async throws -> SignatureView { try await ffi { try await app.submitSignature(id: id) } }
    public func signaturePicture(id: String) async throws -> Data { try await ffi { try await app.signaturePicture(id: id) } }
}
