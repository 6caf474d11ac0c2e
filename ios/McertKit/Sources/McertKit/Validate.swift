// Mirror of android/logic/.../core/Validate.kt.
import Foundation

/// Input checks the forms run before asking the service (which checks again).
public enum Validate {
    public static func mobile(_ phone: String) -> Bool {
        phone.range(of: "^1[3-9][0-9]{9}$", options: .regularExpression) != nil
    }

    /// 18 characters: 17 digits and a check character (digit or X), GB 11643.
    /// A 6-digit SMS code.
    public static func smsCode(_ code: String) -> Bool {
        code.range(of: "^[0-9]{6}$", options: .regularExpression) != nil
    }

    public static func idNumber(_ id: String) -> Bool {
        let chars = Array(id.uppercased())
        guard chars.count == 18, chars.prefix(17).allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = (0..<17).reduce(0) { $0 + Int(String(chars[$1]))! * weights[$1] }
        return chars[17] == Array("10X98765432")[sum % 11]
    }

    /// 统一社会信用代码: 18 characters of the GB 32100 alphabet, the last one its check character.
    public static func creditCode(_ code: String) -> Bool {
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
        let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
        let chars = Array(code)
        guard chars.count == 18 else { return false }
        var sum = 0
        for i in 0..<17 {
            guard let v = alphabet.firstIndex(of: chars[i]) else { return false }
            sum += v * weights[i]
        }
        return alphabet[(31 - sum % 31) % 31] == chars[17]
    }

    /// A person's name as the service takes it: 2 to 30 characters, no control characters.
    public static func personName(_ name: String) -> Bool {
        let n = name.trimmingCharacters(in: .whitespaces)
        return (2...30).contains(n.count) && !n.unicodeScalars.contains { CharacterSet.controlCharacters.contains($0) }
    }

    /// An organisation's name: 2 to 100 characters, no control characters.
    public static func orgName(_ name: String) -> Bool {
        let n = name.trimmingCharacters(in: .whitespaces)
        return (2...100).contains(n.count) && !n.unicodeScalars.contains { CharacterSet.controlCharacters.contains($0) }
    }

    /// 发票抬头, 户名 or a bank's name: 2 to 100 characters, no control characters.
    public static func title(_ text: String) -> Bool { orgName(text) }

    /// A bank account number (银行账号, 打款账户): 8 to 32 digits.
    public static func accountNumber(_ number: String) -> Bool {
        (8...32).contains(number.count) && number.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// Digits whose last one is the Luhn check digit over the others (an order's 收款账号).
    public static func luhn(_ number: String) -> Bool {
        guard number.count >= 2, number.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        var sum = 0
        for (i, c) in number.reversed().enumerated() {
            let d = Int(String(c))!
            sum += i % 2 == 1 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d
        }
        return sum % 10 == 0
    }

    public static func email(_ email: String) -> Bool {
        email.range(of: "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", options: .regularExpression) != nil
    }

    /// The largest file the service takes (5 MB).
    public static let maxUpload = 5 * 1024 * 1024

    /// `image/jpeg`, `image/png` or `application/pdf` from the first bytes; nil for anything else.
    public static func uploadType(_ bytes: Data) -> String? {
        let b = [UInt8](bytes.prefix(8))
        func starts(_ p: [UInt8]) -> Bool { b.count >= p.count && Array(b.prefix(p.count)) == p }
        if starts([0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if starts([0x25, 0x50, 0x44, 0x46, 0x2D]) { return "application/pdf" }
        return nil
    }
}

/// A file the user picked (a photo or a PDF), with the name to show.
public struct PickedFile {
    public let name: String
    public let bytes: Data

    public init(name: String, bytes: Data) {
        self.name = name
        self.bytes = bytes
    }

    /// Why the service would refuse it (a text id), or nil when it may be uploaded.
    public func problem() -> String? {
        if bytes.isEmpty { return "file_empty" }
        if bytes.count > Validate.maxUpload { return "file_too_large" }
        if Validate.uploadType(bytes) == nil { return "file_type" }
        return nil
    }
}

/// A refusal a screen shows: the message, a stable code, and the form field it is about.
public struct Problem: Equatable {
    public let message: String
    public let code: String
    public var field: String? = nil

    static func of(_ e: AppError) -> Problem { Problem(message: e.message, code: e.code) }

    /// One of the app's own texts, refused before the service is asked.
    static func local(_ id: String, field: String? = nil) -> Problem { Problem(message: Texts[id], code: id, field: field) }
}
