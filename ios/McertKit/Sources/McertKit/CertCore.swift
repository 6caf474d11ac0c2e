// Mirror of android/logic/.../core/CertCore.kt.
import Foundation
import McertFFI

/// What the screens need from the core. Every failure is an `AppError`. The organisation calls
/// are in `OrgCore`, paying by transfer, billing information and invoices in `CommerceCore`,
/// seals in `SealCore`, 【证书延期】 and moving a certificate between phones in `LifeCore`.
public protocol CertCore: OrgCore, CommerceCore, SealCore, LifeCore {
    func isLoggedIn() async -> Bool
    func requestCode(phone: String) async throws
    func login(phone: String, code: String) async throws -> AccountView
    func logout() async throws
    func platforms() async throws -> [PlatformView]
    func choosePlatform(id: String) async throws
    func identity() async throws -> IdentityView?
    func verifyIdentity(form: IdentityForm) async throws -> IdentityView
    func catalogue() async throws -> [ProductView]
    func placeOrder(productId: String, years: Int64) async throws -> OrderView
    func payAndWait(orderId: String) async throws -> OrderView
    func orders() async throws -> [OrderView]
    func pendingSlots() async throws -> [String]
    func install(entitlementId: String, algorithm: KeyAlgorithm, pin: String) async throws -> InstalledView
    func certificates() async throws -> [CertificateView]
    func localKeys() async throws -> [LocalKeyView]
    func changePin(keyId: String, oldPin: String, newPin: String) async throws
    /// A fresh SMS code to the signed-in account's own phone; returns the phone masked.
    func requestOwnCode() async throws -> String
    /// 【证书挂失】: the certificate `serial` of this account revoked at once, with `smsCode`.
    func reportLost(serial: String, smsCode: String) async throws
    /// 【证书补办】 or 【忘记密码】 of the slot `entitlementId`, after a fresh 【实名认证】 with the
    /// face check (within 10 minutes; one verification serves one reissue): a new key under `pin`
    /// on this phone, the old certificate revoked, the escrowed encryption keys back under `pin`.
    func reissue(entitlementId: String, algorithm: KeyAlgorithm, pin: String, reason: ReissueKind) async throws -> InstalledView
    /// The certificates the account's slots name now (a reissued one's slot names its successor).
    func currentSerials() async throws -> Set<String>
    func checkPin(_ pin: String) throws
    func scanFrame(luma: Data, width: Int, height: Int, rowStride: Int) async throws -> PendingScan
    func scanImage(_ image: Data) async throws -> PendingScan
    func confirm(scan: PendingScan, serial: String, pin: String) async throws -> ScanOutcome
    func stamp(scan: PendingScan, sealId: String, pin: String) async throws -> ScanOutcome
    /// 文件签章 at several places: `sealIds` one per place, `pins` by certificate serial.
    func stampPlaces(scan: PendingScan, sealIds: [String], pins: [String: String]) async throws -> ScanOutcome
    func decline(scan: PendingScan) async throws -> ScanOutcome
    func usage(from: String?, to: String?, cursor: String?, limit: Int) async throws -> UsagePageView
}

/// `CertCore` over the generated bindings of the Rust core.
public final class FfiCertCore: CertCore {
    let app: McertApp

    public init(app: McertApp) { self.app = app }

    public func isLoggedIn() async -> Bool { await app.isLoggedIn() }
    public func requestCode(phone: String) async throws { try await ffi { try await app.requestCode(phone: phone) } }
    public func login(phone: String, code: String) async throws -> AccountView {
        try await ffi { try await app.login(phone: phone, code: code) }
    }
    public func logout() async throws { try await ffi { try await app.logout() } }
    public func platforms() async throws -> [PlatformView] { try await ffi { try await app.platforms() } }
    public func choosePlatform(id: String) async throws { try await ffi { try await app.choosePlatform(platformId: id) } }
    public func identity() async throws -> IdentityView? { try await ffi { try await app.identity() } }
    public func verifyIdentity(form: IdentityForm) async throws -> IdentityView {
        try await ffi { try await app.verifyIdentity(form: form) }
    }
    public func catalogue() async throws -> [ProductView] { try await ffi { try await app.catalogue() } }
    public func placeOrder(productId: String, years: Int64) async throws -> OrderView {
        try await ffi { try await app.placeOrder(productId: productId, years: years) }
    }
    public func payAndWait(orderId: String) async throws -> OrderView {
        try await ffi { try await app.payAndWait(orderId: orderId, timeoutSecs: 60) }
    }
    public func orders() async throws -> [OrderView] { try await ffi { try await app.orders() } }
    public func pendingSlots() async throws -> [String] {
        try await ffi { try await app.entitlements().filter { $0.status == "assigned" && $0.orgId == nil }.map(\.id) }
    }
    public func install(entitlementId: String, algorithm: KeyAlgorithm, pin: String) async throws -> InstalledView {
        try await ffi { try await app.install(entitlementId: entitlementId, algorithm: algorithm, pin: pin) }
    }
    public func certificates() async throws -> [CertificateView] { try await ffi { try await app.certificates() } }
    public func localKeys() async throws -> [LocalKeyView] { try await ffi { try await app.localKeys() } }
    public func changePin(keyId: String, oldPin: String, newPin: String) async throws {
        try await ffi { try await app.changePin(keyId: keyId, oldPin: oldPin, newPin: newPin) }
    }
    public func requestOwnCode() async throws -> String { try await ffi { try await app.requestOwnCode() } }
    public func reportLost(serial: String, smsCode: String) async throws {
        try await ffi { try await app.reportLost(serial: serial, smsCode: smsCode) }
    }
    public func reissue(entitlementId: String, algorithm: KeyAlgorithm, pin: String, reason: ReissueKind) async throws -> InstalledView {
        try await ffi { try await app.reissue(entitlementId: entitlementId, algorithm: algorithm, pin: pin, reason: reason) }
    }
    public func currentSerials() async throws -> Set<String> {
        try await ffi { Set(try await app.entitlements().compactMap { $0.certificateSerial?.uppercased() }) }
    }
    public func checkPin(_ pin: String) throws {
        do { try checkNewPin(pin: pin) } catch let e as McertError { throw e.toAppError() }
    }
    public func scanFrame(luma: Data, width: Int, height: Int, rowStride: Int) async throws -> PendingScan {
        try await ffi {
            try await app.scanFrame(luma: luma, width: UInt32(width), height: UInt32(height), rowStride: UInt32(rowStride))
        }
    }
    public func scanImage(_ image: Data) async throws -> PendingScan { try await ffi { try await app.scanImage(image: image) } }
    public func confirm(scan: PendingScan, serial: String, pin: String) async throws -> ScanOutcome {
        try await ffi { try await app.confirm(scan: scan, serial: serial, pin: pin) }
    }
    public func stamp(scan: PendingScan, sealId: String, pin: String) async throws -> ScanOutcome {
        try await ffi { try await app.stamp(scan: scan, sealId: sealId, pin: pin) }
    }
    public func stampPlaces(scan: PendingScan, sealIds: [String], pins: [String: String]) async throws -> ScanOutcome {
        let list = pins.map { CertificatePin(serial: $0.key, pin: $0.value) }
        return try await ffi { try await app.stampPlaces(scan: scan, sealIds: sealIds, pins: list) }
    }
    public func decline(scan: PendingScan) async throws -> ScanOutcome { try await ffi { try await app.decline(scan: scan) } }
    public func usage(from: String?, to: String?, cursor: String?, limit: Int) async throws -> UsagePageView {
        try await ffi { try await app.usage(from: from, to: to, cursor: cursor, limit: UInt32(limit)) }
    }
}
