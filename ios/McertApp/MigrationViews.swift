import McertFFI
import McertKit
import SwiftUI

/// 【迁移到新手机】 on the old phone: the QR code for the new phone (asked again every second),
/// then the six digits both phones show and the certificate PIN to approve; done, cancelled or
/// expired (mirror of android MigrationScreens.kt). The opener starts `m` (the QR code is made then).
struct MoveToNewPhoneScreen: View {
    @ObservedObject var m: MoveToNewPhoneModel
    @ObservedObject var certificates: CertificatesModel
    let certificate: CertificateView
    @State private var copied = false
    @Environment(\.dismiss) private var dismiss

    var body: some View {
        List {
            switch m.step {
            case .starting:
                ProgressView()
            case .showQr:
                Section {
                    Text(L("migration_out_hint")).font(.footnote)
                    Field(L("serial"), certificate.serial)
                }
                Section(L("migration_qr_label")) {
                    if let png = m.qrPng, let image = UIImage(data: png) {
                        HStack {
                            Spacer()
                            Image(uiImage: image).interpolation(.none).resizable().scaledToFit().frame(width: 240, height: 240)
                            Spacer()
                        }
                    }
                    if let text = m.qrText {
                        Button(L(copied ? "migration_copied" : "migration_copy")) {
                            Pasteboard().copy(text)
                            copied = true
                        }
                    }
                    HStack {
                        ProgressView()
                        Text(L("migration_waiting_new"))
                    }
                    status
                    problem
                }
                cancelButton
            case .confirm:
                Section {
                    Text(m.code ?? "").font(.system(.largeTitle, design: .monospaced).weight(.bold)).foregroundColor(.orange)
                } header: {
                    Text(L("migration_code"))
                } footer: {
                    Text(L("migration_code_check"))
                }
                Section(L("migration_approve_pin")) {
                    problem
                    PinPadView(pad: m.pad) { pin in Task { await m.approve(pin: pin) } }
                }
                cancelButton
            case .done:
                Section {
                    Image(systemName: "checkmark.circle").font(.system(size: 72)).foregroundColor(.green)
                    Text(L("migration_out_done")).font(.title2)
                    Text(L("migration_out_done_hint")).font(.footnote)
                    Button(L("done")) {
                        dismiss()
                        Task { await certificates.refresh() }
                    }
                }
            case .ended:
                Section {
                    Text(L(endedTitle)).font(.title2)
                    status
                    problem
                    Text(L("migration_out_ended_hint")).font(.footnote)
                    Button(L("migration_again")) { Task { await m.start(certificate: certificate) } }.disabled(m.busy)
                    Button(L("close")) { dismiss() }
                }
            case .failed:
                Section {
                    problem
                    Button(L("retry")) { Task { await m.start(certificate: certificate) } }.disabled(m.busy)
                }
            }
        }
        .navigationTitle(L("migration_out"))
        // Asks every second while the new phone has not asked yet, or while the PIN is awaited.
        .task(id: m.step) { await m.watch() }
        // Leaving before approving cancels: the code is no longer shown, the new phone stops waiting.
        .onDisappear { if m.step == .showQr || m.step == .confirm { Task { await m.cancel() } } }
    }

    @ViewBuilder
    private var status: some View {
        if let mv = m.migration {
            Text(L("migration_status_value", mv.statusText)).font(.footnote)
            if mv.status == "open" || mv.status == "requested" {
                Text(L("migration_expires", Display.beijingTime(mv.expiresAt))).font(.footnote)
            }
        }
    }

    /// 迁移已取消, 迁移码已过期 (or 迁移未完成).
    private var endedTitle: String {
        switch m.migration?.status {
        case "cancelled": return "migration_cancelled"
        case "expired": return "migration_expired"
        default: return "migration_in_ended"
        }
    }

    private var cancelButton: some View {
        Button(L("migration_cancel"), role: .destructive) { Task { await m.cancel() } }.disabled(m.busy)
    }

    @ViewBuilder
    private var problem: some View {
        if let p = m.problem { Text(p.message).foregroundColor(.red) }
    }
}

/// 【从旧手机迁移】 on the new phone: scan the old phone's QR code (or pick a screenshot of it
/// from the photo library with 【从相册选择】, or paste its text), set this
/// phone's certificate PIN twice, compare the six digits while the old phone approves; then the
/// certificate and its encryption keys are on this phone (mirror of android MigrationScreens.kt).
/// The opener starts `m` afresh.
struct MoveFromOldPhoneScreen: View {
    @ObservedObject var m: MoveFromOldPhoneModel
    @ObservedObject var certificates: CertificatesModel
    @Environment(\.dismiss) private var dismiss

    var body: some View {
        List {
            switch m.step {
            case .scan:
                Section {
                    Text(L("migration_in_hint")).font(.footnote)
                }
                Section(L("migration_code_input")) {
                    QrCodeReader { text in Task { @MainActor in m.scanned(text) } }
                        .frame(height: 260)
                    TextField(L("migration_code_placeholder"), text: $m.text, axis: .vertical)
                        .autocorrectionDisabled()
                        .textInputAutocapitalization(.never)
                    Button(L("migration_paste")) { if let text = Pasteboard.text() { m.text = text } }
                    PhotoLibraryButton(title: L("migration_pick_image")) { image in Task { await m.picked(image: image) } }
                        .disabled(m.busy)
                    if m.busy {
                        HStack {
                            ProgressView()
                            Text(L("migration_reading_image"))
                        }
                    }
                    Text(L("migration_scan_unavailable")).font(.caption).foregroundColor(.secondary)
                    problem
                    Button(L("migration_next")) { m.next() }.disabled(m.busy)
                }
            case .newPin:
                Section(L("migration_in_pin")) {
                    Text(L("change_pin_hint")).font(.footnote)
                    problem
                    if m.busy {
                        HStack {
                            ProgressView()
                            Text(L("migration_in_busy"))
                        }
                    }
                    PinPadView(pad: m.pad) { pin in Task { await m.pinEntered(pin) } }
                    Button(L("back")) { m.back() }.disabled(m.busy)
                }
            case .waiting:
                Section {
                    Text(m.code ?? "").font(.system(.largeTitle, design: .monospaced).weight(.bold)).foregroundColor(.orange)
                } header: {
                    Text(L("migration_code"))
                } footer: {
                    Text(L("migration_in_waiting_hint"))
                }
                Section {
                    if m.waiting {
                        HStack {
                            ProgressView()
                            Text(L("migration_in_waiting"))
                        }
                    }
                    problem
                    Button(L("migration_cancel"), role: .destructive) { Task { await m.cancel() } }.disabled(m.busy)
                }
            case .done:
                Section {
                    Image(systemName: "checkmark.circle").font(.system(size: 72)).foregroundColor(.green)
                    Text(L("migration_in_done")).font(.title2)
                    Field(L("serial"), m.result?.serial ?? "")
                    if let n = m.result?.encryptionSerials.count, n > 0 {
                        Text(L("migration_keys_restored", n)).font(.footnote)
                    }
                    Text(L("migration_in_done_hint")).font(.footnote)
                    Button(L("done")) {
                        dismiss()
                        Task { await certificates.refresh() }
                    }
                }
                if let serial = m.result?.serial, personal(serial) { SignatureAgainSection(serial: serial) }
            case .ended:
                Section {
                    Text(L("migration_in_ended")).font(.title2)
                    if let mv = m.migration { Text(L("migration_status_value", mv.statusText)).font(.footnote) }
                    problem
                    Text(L("migration_in_ended_hint")).font(.footnote)
                    Button(L("migration_again")) { m.start() }
                    Button(L("close")) { dismiss() }
                }
            }
        }
        .navigationTitle(L("migration_in"))
        .task(id: m.step) {
            switch m.step {
            // The old phone's approval is awaited while this shows (and no longer once it goes).
            case .waiting: await m.wait()
            // The moved certificate's subject (personal or not), once it is on this phone.
            case .done: await certificates.refresh()
            default: break
            }
        }
        // Leaving while the old phone's approval is awaited cancels (and removes the new key).
        .onDisappear { if m.step == .waiting { Task { await m.cancel() } } }
    }

    /// The moved certificate is a person's (its signature picture is made again for it).
    private func personal(_ serial: String) -> Bool {
        guard let item = certificates.item(serial) else { return false }
        return !item.subject.isOrganisation
    }

    @ViewBuilder
    private var problem: some View {
        if let p = m.problem { Text(p.message).foregroundColor(.red) }
    }
}
