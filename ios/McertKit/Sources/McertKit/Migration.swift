// Mirror of android/logic/.../state/Migration.kt.
import Foundation
import McertFFI

public extension MigrationView {
    /// The move's state in the app's language (the service's label for one the app does not know).
    var statusText: String { Texts.state("migration_status", status, statusLabel) }
}

/// 【迁移到新手机】 on the old phone: the QR code for the new phone (`.showQr`), asked again
/// every second until the new phone has scanned it; then the six digits both phones show and
/// the certificate PIN to approve (`.confirm`). Approved, the certificate lives on the new phone
/// and this phone keeps none of the slot's keys (`.done`); a move cancelled (here or there) or
/// expired ends (`.ended`). A wrong PIN is asked again with the tries left; the service's
/// message is shown for every other failure.
@MainActor
public final class MoveToNewPhoneModel: ObservableObject {
    public enum Step: Equatable { case starting, showQr, confirm, done, ended, failed }

    /// The certificate being moved.
    @Published public private(set) var certificate: CertificateView?
    @Published public private(set) var migration: MigrationView?
    /// The QR code, as made when the move started (later answers do not carry it).
    @Published public private(set) var qrPng: Data?
    @Published public private(set) var qrText: String?
    @Published public private(set) var step: Step = .starting
    /// The pad for the certificate PIN that approves.
    @Published public private(set) var pad: PinEntryModel
    @Published public var problem: Problem?
    @Published public private(set) var busy = false
    /// How long `watch` waits between two questions (nanoseconds).
    public var interval: UInt64 = 1_000_000_000
    private let core: CertCore

    public init(core: CertCore) {
        self.core = core
        pad = PinEntryModel(core: core, mode: .unlock)
    }

    /// The six digits to compare, once the new phone asked.
    public var code: String? { migration?.code }

    /// Starts a move of `certificate` (its key on this phone): the QR code is made.
    public func start(certificate: CertificateView) async {
        self.certificate = certificate
        migration = nil
        qrPng = nil
        qrText = nil
        pad = PinEntryModel(core: core, mode: .unlock)
        problem = nil
        step = .starting
        busy = true
        defer { busy = false }
        do {
            let m = try await core.startMigration(entitlementId: certificate.entitlementId)
            qrPng = m.qrPng
            qrText = m.qr
            update(m)
        } catch let e as AppError {
            problem = .of(e)
            step = .failed
        } catch {}
    }

    /// Asks once how the move stands (while it waits for the new phone or for the PIN).
    public func poll() async {
        guard let id = migration?.id, step == .showQr || step == .confirm, !busy else { return }
        do {
            let m = try await core.migration(migrationId: id)
            // The PIN may have been sent meanwhile: its answer decides.
            guard !busy, step == .showQr || step == .confirm else { return }
            if step == .showQr { problem = nil }
            update(m)
        } catch let e as AppError {
            if step == .showQr { problem = .of(e) }
        } catch {}
    }

    /// Asks every `interval` until the move is approved or has ended (the view's task: it
    /// stops when the page goes).
    public func watch() async {
        while !Task.isCancelled && (step == .showQr || step == .confirm) {
            try? await Task.sleep(nanoseconds: interval)
            if Task.isCancelled { return }
            await poll()
        }
    }

    /// The certificate PIN, after the user checked that both phones show the same code.
    @discardableResult
    public func approve(pin: String) async -> Bool {
        guard let id = migration?.id, step == .confirm else { return false }
        busy = true
        defer { busy = false }
        do {
            update(try await core.approveMigration(migrationId: id, pin: pin))
            problem = nil
            return step == .done
        } catch let e as AppError {
            let again = PinEntryModel(core: core, mode: .unlock)
            if e.triesLeft != nil || e.locked {
                again.refused(e)
                problem = nil
            } else {
                problem = .of(e)
            }
            pad = again
            // Cancelled or expired meanwhile: the page says so.
            if e.triesLeft == nil && !e.locked, let m = try? await core.migration(migrationId: id) { update(m) }
            return false
        } catch {
            return false
        }
    }

    /// 【取消迁移】: the QR code and the code stop working; the certificate stays on this phone.
    @discardableResult
    public func cancel() async -> Bool {
        guard let id = migration?.id, step == .showQr || step == .confirm else { return false }
        busy = true
        defer { busy = false }
        do {
            update(try await core.cancelMigration(migrationId: id))
            problem = nil
            return true
        } catch let e as AppError {
            problem = .of(e)
            return false
        } catch {
            return false
        }
    }

    private func update(_ m: MigrationView) {
        migration = m
        switch m.status {
        case "open":
            step = .showQr
        case "requested":
            if step != .confirm {
                pad = PinEntryModel(core: core, mode: .unlock)
                step = .confirm
            }
        case "approved":
            step = .done
        default:
            step = .ended
        }
    }
}

/// 【从旧手机迁移】 on the new phone (logged in with the same number): the old phone's QR code
/// scanned, read from a picture (【从相册选择】, a screenshot of the old phone's code), or its
/// text pasted (`.scan`); a new certificate PIN twice, for the key this phone
/// makes (`.newPin`); then the six digits to compare with the old phone while its approval is
/// awaited (`.waiting`, asked in rounds of `timeoutSecs` while the page shows); approved, the
/// certificate and its encryption keys are on this phone (`.done`). A move cancelled or expired
/// ends (`.ended`, the new key removed). The text is kept whatever is refused; a refusal of the
/// code itself comes back to `.scan` with the service's message.
@MainActor
public final class MoveFromOldPhoneModel: ObservableObject {
    public enum Step: Equatable { case scan, newPin, waiting, done, ended }

    /// Refusals of the code itself: it is asked again, as it was.
    public static let codeProblems: Set<String> = ["not_a_migration_code", "unknown_migration", "migration_closed", "migration_ended"]
    /// Why a picture gave no move code, in the app's words (by the core's code).
    public static let imageProblems: [String: String] = [
        "no_qr_code": "migration_image_no_code",
        "not_a_migration_code": "migration_image_not_move",
        "qr_image": "migration_image_unreadable",
    ]

    /// The old phone's QR code text, scanned or pasted; kept when it is refused.
    @Published public var text = ""
    @Published public private(set) var step: Step = .scan
    /// The pad for this phone's new PIN (asked twice, the policy checked first).
    @Published public private(set) var pad: PinEntryModel
    @Published public private(set) var migration: MigrationView?
    /// The certificate on this phone, once done.
    @Published public private(set) var result: InstalledView?
    @Published public var problem: Problem?
    @Published public private(set) var busy = false
    /// Waiting for the old phone's approval now.
    @Published public private(set) var waiting = false
    /// How long one round of waiting for the old phone lasts.
    public var timeoutSecs: UInt32 = 30
    /// The pause before asking again after a failure of the network (nanoseconds).
    public var retryInterval: UInt64 = 2_000_000_000
    /// The new key and its PIN, between the request and the approval.
    private var keyId: String?
    private var pin: String?
    private let core: CertCore

    public init(core: CertCore) {
        self.core = core
        pad = PinEntryModel(core: core, mode: .new)
    }

    /// The six digits to compare with the old phone.
    public var code: String? { migration?.code }

    /// Starts over.
    public func start() {
        text = ""
        step = .scan
        pad = PinEntryModel(core: core, mode: .new)
        migration = nil
        result = nil
        problem = nil
        keyId = nil
        pin = nil
    }

    /// The camera read a QR code: taken as if typed.
    public func scanned(_ text: String) {
        guard step == .scan, !busy else { return }
        self.text = text
        next()
    }

    /// 【从相册选择】: the old phone's move code read from a picture (`nil`: the picture could not
    /// be loaded) and taken as if typed, the new PIN next. A picture without a move code says
    /// why in words under the code, which stays as it was.
    @discardableResult
    public func picked(image: Data?) async -> Bool {
        guard step == .scan, !busy else { return false }
        guard let image, !image.isEmpty else {
            problem = .local("migration_image_unreadable", field: "code")
            return false
        }
        busy = true
        defer { busy = false }
        do {
            let read = try await core.readMoveCodeImage(image: image)
            guard step == .scan else { return false }
            text = read
            return next()
        } catch let e as AppError {
            let words = Self.imageProblems[e.code].map { Texts[$0] } ?? e.message
            problem = Problem(message: words, code: e.code, field: "code")
            return false
        } catch {
            return false
        }
    }

    /// 【下一步】: a text that looks like the old phone's code; the new PIN is asked next.
    @discardableResult
    public func next() -> Bool {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard t.hasPrefix("mcert-move."), t.count <= 256 else {
            problem = .local("migration_bad_code", field: "code")
            return false
        }
        text = t
        problem = nil
        pad = PinEntryModel(core: core, mode: .new)
        step = .newPin
        return true
    }

    /// 【上一步】 from the PIN: the code as it was.
    public func back() {
        guard step == .newPin, !busy else { return }
        pad = PinEntryModel(core: core, mode: .new)
        step = .scan
    }

    /// The new PIN typed twice: this phone makes its key and asks; the code to compare shows
    /// and the old phone's approval is awaited next (`wait`).
    @discardableResult
    public func pinEntered(_ pin: String) async -> Bool {
        guard step == .newPin, !busy else { return false }
        busy = true
        defer { busy = false }
        do {
            let m = try await core.requestMigration(qrText: text, pin: pin)
            migration = m
            keyId = m.newKeyId
            self.pin = pin
            problem = nil
            step = .waiting
            return true
        } catch let e as AppError {
            pad = PinEntryModel(core: core, mode: .new)
            let aboutCode = Self.codeProblems.contains(e.code)
            problem = Problem(message: e.message, code: e.code, field: aboutCode ? "code" : nil)
            if aboutCode { step = .scan }
            return false
        } catch {
            return false
        }
    }

    /// Waits for the old phone's approval while `.waiting` shows (the page's task), in rounds
    /// of `timeoutSecs`; a failure of the network is shown and asked again.
    @discardableResult
    public func wait() async -> Bool {
        guard !waiting else { return false }
        waiting = true
        defer { waiting = false }
        while step == .waiting && !Task.isCancelled {
            guard let id = migration?.id, let keyId, let pin else { return false }
            do {
                let installed = try await core.finishMigration(migrationId: id, newKeyId: keyId, pin: pin, timeoutSecs: timeoutSecs)
                result = installed
                forget()
                problem = nil
                step = .done
                return true
            } catch let e as AppError {
                guard step == .waiting else { return false }
                switch e.code {
                case "migration_timeout":
                    continue
                case "migration_ended", "migration_closed", "unknown_migration":
                    // Cancelled or expired: the core removed the new key.
                    problem = .of(e)
                    forget()
                    step = .ended
                    return false
                default:
                    problem = .of(e)
                    try? await Task.sleep(nanoseconds: retryInterval)
                }
            } catch {
                return false
            }
        }
        return false
    }

    /// 【取消迁移】 while waiting: the move is cancelled and this phone's new key removed.
    @discardableResult
    public func cancel() async -> Bool {
        guard step == .waiting, let id = migration?.id else { return false }
        busy = true
        defer { busy = false }
        do {
            migration = try await core.cancelMigration(migrationId: id)
        } catch let e as AppError {
            problem = .of(e)
            return false
        } catch {
            return false
        }
        // The core removes the new key once it sees the move ended (a wait under way sees it too).
        if !waiting, let keyId, let pin {
            _ = try? await core.finishMigration(migrationId: id, newKeyId: keyId, pin: pin, timeoutSecs: 1)
        }
        forget()
        problem = nil
        step = .ended
        return true
    }

    private func forget() {
        keyId = nil
        pin = nil
    }
}
