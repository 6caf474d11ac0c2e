// Mirror of android/logic/.../core/Display.kt.
import Foundation

/// How values are shown: Beijing time, yuan, masked numbers, the parts of a subject.
public enum Display {
    /// China Standard Time (UTC+8, no daylight saving: Asia/Shanghai since 1991), as users read every time.
    public static let beijing = TimeZone(secondsFromGMT: 8 * 3600)!
    private static let minute = formatter("yyyy-MM-dd HH:mm")
    private static let day = formatter("yyyy-MM-dd")

    /// An RFC 3339 instant as Beijing time to the minute (`2025-03-01 16:30`); unparsable text as is.
    public static func beijingTime(_ rfc3339: String) -> String { parse(rfc3339).map { minute.string(from: $0) } ?? rfc3339 }

    /// An RFC 3339 instant as a Beijing date (`2025-03-01`).
    public static func beijingDate(_ rfc3339: String) -> String { parse(rfc3339).map { day.string(from: $0) } ?? rfc3339 }

    /// Whether `text` is a calendar date `YYYY-MM-DD` (the usage filter).
    public static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.range(of: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", options: .regularExpression) != nil,
              let month = Int(parts[1]), let dayOfMonth = Int(parts[2]) else { return false }
        return (1...12).contains(month) && (1...31).contains(dayOfMonth)
    }

    private static func parse(_ text: String) -> Date? {
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime]] {
            let f = ISO8601DateFormatter()
            f.formatOptions = options
            if let date = f.date(from: text) { return date }
        }
        return nil
    }

    private static func formatter(_ pattern: String) -> DateFormatter {
        let f = DateFormatter()
        f.calendar = Calendar(identifier: .gregorian)
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = beijing
        f.dateFormat = pattern
        return f
    }

    /// Fen as yuan with two decimals (`300.00`); money is never a floating-point number.
    public static func yuan(_ fen: Int64) -> String {
        let sign = fen < 0 ? "-" : ""
        let abs = fen.magnitude
        return sign + String(abs / 100) + "." + String(format: "%02llu", abs % 100)
    }

    /// Money as the app shows it: `¥300.00` (`CNY 300.00` in English), `-¥88.00` when negative.
    public static func money(_ fen: Int64) -> String {
        (fen < 0 ? "-" : "") + Texts.format("yuan", yuan(Int64(fen.magnitude)))
    }

    /// A long number in groups of four for reading (`6217 0000 1234 5`); copied without spaces.
    public static func grouped(_ number: String) -> String {
        let chars = Array(number.filter { !$0.isWhitespace })
        return stride(from: 0, to: chars.count, by: 4).map { String(chars[$0..<Swift.min($0 + 4, chars.count)]) }.joined(separator: " ")
    }

    /// The digits of what the user typed or pasted (spaces and dashes dropped).
    public static func digits(_ text: String) -> String { text.filter { $0.isASCII && $0.isNumber } }

    /// An identity number masked as the service does (`110***********1234`).
    public static func maskId(_ number: String) -> String {
        number.count <= 7 ? String(repeating: "*", count: number.count)
            : String(number.prefix(3)) + String(repeating: "*", count: number.count - 7) + String(number.suffix(4))
    }

    /// The last digits of a serial, grouped for reading aloud.
    public static func shortSerial(_ serial: String) -> String {
        let last = Array(serial.suffix(8).uppercased())
        return stride(from: 0, to: last.count, by: 4).map { String(last[$0..<Swift.min($0 + 4, last.count)]) }.joined(separator: " ")
    }

    /// Label of a key algorithm as certificate rows show it (`sm2`, `SM2` or `p256` in).
    public static func algorithm(_ name: String) -> String {
        switch name.uppercased().replacingOccurrences(of: "-", with: "") {
        case "SM2": return Texts["algorithm_SM2"]
        case "P256", "ECDSAP256", "ECP256": return Texts["algorithm_P256"]
        default: return name.uppercased()
        }
    }
}

/// The parts of a certificate subject (RFC 4514 text, as the core reports it) that a card shows:
/// holder (CN), organisation (O), the identity number (serialNumber) and the organisation's
/// credit code (organizationIdentifier).
public struct Subject: Equatable {
    public let commonName: String?
    public let organisation: String?
    public let serialNumber: String?
    public let organisationId: String?

    /// An organisation certificate carries the organisation's code; a person's carries none.
    public var isOrganisation: Bool { organisationId != nil }

    /// The holder's identity number, masked; nil when the subject carries none. Certificates of
    /// this service carry a keyed subject identifier there instead of the number (it is never
    /// shown); only a value shaped like a resident identity number (15 digits, or 17 digits and
    /// a check character) is one.
    public var maskedId: String? {
        guard let value = serialNumber, Subject.looksLikeIdNumber(value) else { return nil }
        return Display.maskId(value)
    }

    /// 15 digits, or 17 digits and a digit or X (GB 11643).
    public static func looksLikeIdNumber(_ value: String) -> Bool {
        let chars = Array(value)
        let digits = { (s: ArraySlice<Character>) in s.allSatisfy { $0.isASCII && $0.isNumber } }
        if chars.count == 15 { return digits(chars[...]) }
        guard chars.count == 18, let last = chars.last else { return false }
        return digits(chars[0..<17]) && (last.isASCII && last.isNumber || last == "X" || last == "x")
    }

    /// The organisation to show: none for personal certificates marked 个人.
    public var organisationShown: String? {
        guard let o = organisation, o != "个人", !o.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return o
    }

    public static func parse(_ text: String) -> Subject {
        var fields: [String: String] = [:]
        for (key, value) in split(text) where fields[key] == nil { fields[key] = value }
        return Subject(
            commonName: fields["CN"] ?? fields["2.5.4.3"],
            organisation: fields["O"] ?? fields["2.5.4.10"],
            serialNumber: fields["SERIALNUMBER"] ?? fields["2.5.4.5"],
            organisationId: fields["ORGANIZATIONIDENTIFIER"] ?? fields["2.5.4.97"]
        )
    }

    /// `type=value` pairs of RFC 4514 text, unescaped; hex values (`#13…`) decoded as strings.
    private static func split(_ text: String) -> [(String, String)] {
        let text = Array(text)
        var out: [(String, String)] = []
        var part = ""
        var i = 0
        func flush() {
            let s = part
            part = ""
            guard let eq = s.firstIndex(of: "="), eq != s.startIndex else { return }
            let key = s[..<eq].trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
            var value = s[s.index(after: eq)...].trimmingCharacters(in: .whitespacesAndNewlines)
            if value.hasPrefix("#") { value = hexString(String(value.dropFirst())) ?? value }
            out.append((key, value))
        }
        while i < text.count {
            let c = text[i]
            if c == "\\" && hexPair(text, i + 1) {
                // An escaped UTF-8 byte sequence: collect consecutive \XX bytes.
                var bytes: [UInt8] = []
                while i < text.count && text[i] == "\\" && hexPair(text, i + 1) {
                    bytes.append(UInt8(String(text[(i + 1)...(i + 2)]), radix: 16)!)
                    i += 3
                }
                part += String(decoding: bytes, as: UTF8.self)
                continue
            } else if c == "\\" && i + 1 < text.count {
                part.append(text[i + 1])
                i += 2
                continue
            } else if c == "," || c == "+" {
                flush()
            } else {
                part.append(c)
            }
            i += 1
        }
        flush()
        return out
    }

    private static func hexPair(_ text: [Character], _ at: Int) -> Bool {
        at + 2 <= text.count && text[at..<(at + 2)].allSatisfy { "0123456789abcdefABCDEF".contains($0) }
    }

    /// A DER string (PrintableString, UTF8String, IA5String) in hex.
    private static func hexString(_ hex: String) -> String? {
        let digits = Array(hex)
        guard digits.count >= 4, digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        for at in stride(from: 0, to: digits.count, by: 2) {
            guard let b = UInt8(String(digits[at..<(at + 2)]), radix: 16) else { return nil }
            bytes.append(b)
        }
        let tag = bytes[0]
        guard tag == 0x13 || tag == 0x0c || tag == 0x16 else { return nil }
        let len = Int(bytes[1])
        guard len < 0x80, 2 + len == bytes.count else { return nil }
        return String(decoding: bytes[2...], as: UTF8.self)
    }
}
