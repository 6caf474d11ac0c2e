// Mirror of android/logic/.../state/Pin.kt.
import Foundation

/// The 6-digit PIN pad: `.unlock` collects a PIN for a key; `.new` asks twice after the policy.
@MainActor
public final class PinEntryModel: ObservableObject {
    public enum Mode { case unlock, new }
    public enum State: Equatable {
        case entering(prompt: String, triesLeft: Int? = nil, error: String? = nil)
        case complete(pin: String)
        case locked(message: String)
    }

    public let mode: Mode
    @Published public private(set) var digits = ""
    @Published public private(set) var state: State
    private var first: String?
    private let core: CertCore

    public init(core: CertCore, mode: Mode) {
        self.core = core
        self.mode = mode
        state = .entering(prompt: Texts[mode == .new ? "pin_new" : "pin_enter"])
    }

    public func press(_ digit: Int) {
        guard (0...9).contains(digit), digits.count < 6, case .entering = state else { return }
        digits += String(digit)
        if digits.count == 6 { complete(digits) }
    }

    public func backspace() { if !digits.isEmpty { digits.removeLast() } }

    private func complete(_ pin: String) {
        digits = ""
        if mode == .unlock { state = .complete(pin: pin); return }
        if let firstPin = first {
            if firstPin == pin {
                state = .complete(pin: pin)
            } else {
                first = nil
                state = .entering(prompt: Texts["pin_new"], error: Texts["pin_mismatch"])
            }
            return
        }
        do {
            try core.checkPin(pin)
            first = pin
            state = .entering(prompt: Texts["pin_again"])
        } catch let e as AppError {
            state = .entering(prompt: Texts["pin_new"], error: e.message)
        } catch {}
    }

    /// The core refused the PIN: tries left, or the lock.
    public func refused(_ error: AppError) {
        digits = ""
        state = error.locked
            ? .locked(message: error.message)
            : .entering(prompt: Texts["pin_enter"], triesLeft: error.triesLeft, error: error.message)
    }
}
