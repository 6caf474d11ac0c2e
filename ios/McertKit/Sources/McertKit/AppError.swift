// Mirror of android/logic/.../core/AppError.kt.
import Foundation
import McertFFI

/// The app's own error: what a screen shows (`message`, zh-CN), a stable `code`, and the PIN
/// state where the PIN entry screen needs it.
public struct AppError: Error, Equatable {
    public let code: String
    public let message: String
    public var triesLeft: Int? = nil
    public var locked: Bool = false
    public var httpStatus: Int? = nil
}

extension McertError {
    /// Maps the generated FFI error to the app's error.
    func toAppError() -> AppError {
        switch self {
        case let .WrongPin(code, userMessage, triesLeft):
            return AppError(code: code, message: userMessage, triesLeft: Int(triesLeft))
        case let .Locked(code, userMessage):
            return AppError(code: code, message: userMessage, triesLeft: 0, locked: true)
        case let .Invalid(code, userMessage):
            return AppError(code: code, message: userMessage)
        case let .Service(code, userMessage, httpStatus):
            return AppError(code: code, message: userMessage, httpStatus: Int(httpStatus))
        case let .Network(code, userMessage):
            return AppError(code: code, message: userMessage)
        case let .Failed(code, userMessage):
            return AppError(code: code, message: userMessage)
        }
    }
}

/// Runs an FFI call, turning its errors into `AppError`.
func ffi<T>(_ block: () async throws -> T) async throws -> T {
    do {
        return try await block()
    } catch let e as McertError {
        throw e.toAppError()
    } catch let e as AppError {
        throw e
    } catch is CancellationError {
        throw CancellationError()
    } catch {
        // Anything else from the bindings (an internal error of uniffi, a panic): the app's
        // internal error, never an unhandled one.
        throw AppError(code: "internal", message: Texts["internal_error"])
    }
}
