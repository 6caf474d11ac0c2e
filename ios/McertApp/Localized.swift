import Foundation
import SwiftUI

// The views' texts by id, from Localizable.strings (zh-Hans, the development language, and en).
// The ids are those of android/logic/.../core/Texts.kt; punctuation that differs between the
// languages (a full-width colon in zh-Hans, `: ` in en) lives in the values, never in the Swift code.

/// The text `id` in the user's language.
func L(_ id: String) -> String { NSLocalizedString(id, comment: "") }

/// The text `id` with `%1$@`-style arguments (`%1$ld` for integers).
func L(_ id: String, _ args: CVarArg...) -> String {
    String(format: NSLocalizedString(id, comment: ""), arguments: args)
}

/// A label and its value on one row, as the detail and confirm screens show them.
struct Field: View {
    let label: String
    let value: String

    init(_ label: String, _ value: String) {
        self.label = label
        self.value = value
    }

    var body: some View {
        HStack(alignment: .firstTextBaseline) {
            Text(label).foregroundColor(.secondary)
            Spacer()
            Text(value).multilineTextAlignment(.trailing)
        }
    }
}

/// The label and colour of a certificate's state (`good`, `revoked`, `locked`, `expired`).
func stateLabel(_ state: String) -> (String, Color) {
    switch state {
    case "good": return (L("status_good"), .green)
    case "revoked": return (L("status_revoked"), .red)
    case "locked": return (L("status_locked"), .orange)
    default: return (L("status_expired"), .secondary)
    }
}
