// Mirror of android/logic/.../state/Keys.kt.
import Foundation

/// 【修改证书密码】 of a key on this phone: the current PIN, then the new one twice; the core
/// opens the key with the current PIN and seals it under the new one. A wrong current PIN counts
/// against the key's tries and is asked again; a locked key says so.
@MainActor
public final class ChangePinModel: ObservableObject {
    public enum Step { case current, new, done }

    @Published public private(set) var keyId: String?
    @Published public private(set) var step: Step = .current
    @Published public private(set) var current: PinEntryModel
    @Published public private(set) var fresh: PinEntryModel
    @Published public var problem: Problem?
    @Published public private(set) var busy = false
    private var oldPin: String?
    private let core: CertCore

    public init(core: CertCore) {
        self.core = core
        current = PinEntryModel(core: core, mode: .unlock)
        fresh = PinEntryModel(core: core, mode: .new)
    }

    /// Starts over for the key `keyId`.
    public func start(keyId: String) {
        self.keyId = keyId
        oldPin = nil
        problem = nil
        current = PinEntryModel(core: core, mode: .unlock)
        fresh = PinEntryModel(core: core, mode: .new)
        step = .current
    }

    /// The current PIN is typed; the new one is asked next (the current is checked then).
    public func currentEntered(_ pin: String) {
        oldPin = pin
        step = .new
    }

    /// The new PIN is typed twice: the key is sealed under it.
    @discardableResult
    public func newEntered(_ pin: String) async -> Bool {
        guard let keyId, let old = oldPin else { return false }
        busy = true
        defer { busy = false; oldPin = nil }
        do {
            try await core.changePin(keyId: keyId, oldPin: old, newPin: pin)
            step = .done
            return true
        } catch let e as AppError {
            fresh = PinEntryModel(core: core, mode: .new)
            let pad = PinEntryModel(core: core, mode: .unlock)
            if e.triesLeft != nil || e.locked {
                // The current PIN was wrong (or the key is locked now): ask it again.
                pad.refused(e)
            } else {
                problem = .of(e)
            }
            current = pad
            step = .current
            return false
        } catch {
            return false
        }
    }
}

/// 【证书挂失】: a certificate of this account reported lost is revoked at once, confirmed by a
/// fresh SMS code to the account's phone. It cannot be undone.
@MainActor
public final class ReportLostModel: ObservableObject {
    @Published public private(set) var serial: String?
    @Published public var code = ""
    /// The masked phone the code went to, once sent.
    @Published public private(set) var sentTo: String?
    @Published public private(set) var done = false
    @Published public var problem: Problem?
    @Published public private(set) var busy = false
    private let core: CertCore

    public init(core: CertCore) { self.core = core }

    /// Starts over for the certificate `serial`.
    public func start(serial: String) {
        self.serial = serial
        code = ""
        sentTo = nil
        done = false
        problem = nil
    }

    /// 【获取验证码】.
    @discardableResult
    public func sendCode() async -> Bool {
        await act { self.sentTo = try await self.core.requestOwnCode() }
    }

    /// 【确认挂失】: revoked at once.
    @discardableResult
    public func confirm() async -> Bool {
        guard let serial else { return false }
        let typed = code.trimmingCharacters(in: .whitespaces)
        guard Validate.smsCode(typed) else {
            problem = .local("bad_code", field: "code")
            return false
        }
        return await act {
            try await self.core.reportLost(serial: serial, smsCode: typed)
            self.done = true
        }
    }

    private func act(_ action: () async throws -> Void) async -> Bool {
        busy = true
        defer { busy = false }
        do {
            try await action()
            problem = nil
            return true
        } catch let e as AppError {
            problem = .of(e)
            return false
        } catch {
            return false
        }
    }
}
