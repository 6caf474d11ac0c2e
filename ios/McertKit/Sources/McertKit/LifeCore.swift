// Mirror of android/logic/.../core/LifeCore.kt and android/bridge/.../FfiLifeCore.kt.
import Foundation
import McertFFI

/// What 【证书延期】 and moving a certificate between phones need from the core. Every failure
/// is an `AppError` carrying the service's message. Part of `CertCore`.
public protocol LifeCore: AnyObject {
    /// 【证书延期】 of the slot `entitlementId` for `years` (1–3): a person's renewal order to
    /// pay, or an organisation's unused package slot taken (`due` at once). Refusals:
    /// `not_yet_renewable` (with the date it opens), `ask_admin`, `period_ended`, `bad_period`.
    func startRenewal(entitlementId: String, years: Int64) async throws -> RenewalView
    /// Once the renewal is paid: the slot's key on this phone, opened with `pin`, is certified again.
    func renew(entitlementId: String, pin: String) async throws -> InstalledView
    /// 【迁移到新手机】 on the old phone: the move and its QR code (text and PNG).
    func startMigration(entitlementId: String) async throws -> MigrationView
    /// Either phone: the move as it stands.
    func migration(migrationId: String) async throws -> MigrationView
    /// The old phone approves the new phone's request with the certificate PIN; the slot's keys
    /// leave this phone.
    func approveMigration(migrationId: String, pin: String) async throws -> MigrationView
    /// Either phone: 【取消迁移】.
    func cancelMigration(migrationId: String) async throws -> MigrationView
    /// The new phone: makes its own key under `pin` and asks for the certificate of the old
    /// phone's code `qrText`; the answer carries the code to compare and the new key's id.
    func requestMigration(qrText: String, pin: String) async throws -> MigrationView
    /// The new phone waits (at most `timeoutSecs`) for the old phone's approval, then keeps the
    /// certificate and the slot's escrowed encryption keys under `pin`.
    func finishMigration(migrationId: String, newKeyId: String, pin: String, timeoutSecs: UInt32) async throws -> InstalledView
    /// The new phone: the old phone's move code in a picture (PNG or JPEG, a screenshot say), as
    /// text for `requestMigration`. Refused with `no_qr_code`, `not_a_migration_code` (another
    /// QR code) or `qr_image` (not a picture the core reads).
    func readMoveCodeImage(image: Data) async throws -> String
}

// The life calls of `FfiCertCore` (its `CertCore` conformance includes `LifeCore`).
extension FfiCertCore {
    public func startRenewal(entitlementId: String, years: Int64) async throws -> RenewalView {
        try await ffi { try await app.startRenewal(entitlementId: entitlementId, years: years) }
    }
    public func renew(entitlementId: String, pin: String) async throws -> InstalledView {
        try await ffi { try await app.renew(entitlementId: entitlementId, pin: pin) }
    }
    public func startMigration(entitlementId: String) async throws -> MigrationView {
        try await ffi { try await app.startMigration(entitlementId: entitlementId) }
    }
    public func migration(migrationId: String) async throws -> MigrationView {
        try await ffi { try await app.migration(migrationId: migrationId) }
    }
    public func approveMigration(migrationId: String, pin: String) async throws -> MigrationView {
        try await ffi { try await app.approveMigration(migrationId: migrationId, pin: pin) }
    }
    public func cancelMigration(migrationId: String) async throws -> MigrationView {
        try await ffi { try await app.cancelMigration(migrationId: migrationId) }
    }
    public func requestMigration(qrText: String, pin: String) async throws -> MigrationView {
        try await ffi { try await app.requestMigration(qrText: qrText, pin: pin) }
    }
    public func finishMigration(migrationId: String, newKeyId: String, pin: String, timeoutSecs: UInt32) async throws -> InstalledView {
        try await ffi {
            try await app.finishMigration(migrationId: migrationId, newKeyId: newKeyId, pin: pin, timeoutSecs: timeoutSecs)
        }
    }
    public func readMoveCodeImage(image: Data) async throws -> String {
        // Decoding a large screenshot takes a moment: off the main actor.
        let app = self.app
        return try await ffi { try await Task.detached(priority: .userInitiated) { try app.readMoveCodeImage(image: image) }.value }
    }
}
