import McertKit
import SwiftUI

/// The 6-digit PIN pad over `PinEntryModel` (mirror of android PinPad.kt).
struct PinPadView: View {
    @ObservedObject var pad: PinEntryModel
    let onPin: (String) -> Void

    var body: some View {
        VStack(spacing: 12) {
            switch pad.state {
            case let .entering(prompt, triesLeft, error):
                Text(prompt)
                if let t = triesLeft { Text(L("pin_tries_left", t)) }
                if let e = error { Text(e).foregroundColor(.red) }
            case let .locked(message):
                Text(L("pin_locked"))
                Text(message).foregroundColor(.red)
            case .complete:
                EmptyView()
            }
            HStack(spacing: 12) {
                ForEach(0..<6, id: \.self) { i in
                    Circle().fill(i < pad.digits.count ? Color.accentColor : Color.gray.opacity(0.3)).frame(width: 14, height: 14)
                }
            }
            ForEach([[1, 2, 3], [4, 5, 6], [7, 8, 9], [-1, 0, -2]], id: \.self) { row in
                HStack {
                    ForEach(row, id: \.self) { k in
                        switch k {
                        case -1: Color.clear.frame(width: 72, height: 56)
                        case -2: Button("⌫") { pad.backspace() }.frame(width: 72, height: 56).accessibilityLabel(L("pin_delete"))
                        default: Button(String(k)) { pad.press(k) }.font(.title2).frame(width: 72, height: 56)
                        }
                    }
                }
            }
        }
        .onChange(of: pad.state) { state in
            if case let .complete(pin) = state { onPin(pin) }
        }
    }
}

/// A PIN pad that sets a new PIN. The view owns its model (`@StateObject`), so the digits
/// typed so far survive every re-render of the parent.
struct NewPinPad: View {
    @StateObject private var pad: PinEntryModel
    let onPin: (String) -> Void

    init(core: CertCore, onPin: @escaping (String) -> Void) {
        _pad = StateObject(wrappedValue: PinEntryModel(core: core, mode: .new))
        self.onPin = onPin
    }

    var body: some View { PinPadView(pad: pad, onPin: onPin) }
}
