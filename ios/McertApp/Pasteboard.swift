import McertKit
import UIKit

/// The system pasteboard for the shared logic (`HostClipboard`): an order's receiving account
/// number and an invoice's share link are copied as plain text.
final class Pasteboard: HostClipboard {
    func copy(_ text: String) { UIPasteboard.general.string = text }

    /// The text on the pasteboard (the old phone's move code, pasted on the new phone).
    static func text() -> String? { UIPasteboard.general.string }
}
