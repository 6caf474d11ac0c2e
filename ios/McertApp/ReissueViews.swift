import McertFFI
import McertKit
import SwiftUI

/// 【证书补办】 and 【忘记密码】: what it does, 【实名认证】 with the face check again, the new PIN
/// twice, then the new certificate with the old one revoked and the encryption keys restored
/// (mirror of android ReissueScreens.kt); a personal certificate's signature picture is then
/// made again (【签章图片】). Once issued, the certificate list follows.
struct ReissueView: View {
    @ObservedObject var m: ReissueModel
    @ObservedObject var certificates: CertificatesModel
    let certificate: CertificateView
    let reason: ReissueKind
    @Environment(\.dismiss) private var dismiss
    /// Appeared once: coming back (from the face check's screen, or 【签章图片】) carries on.
    @State private var opened = false

    var body: some View {
        List {
            switch m.step {
            case .verify:
                Section {
                    Text(reason == .pinReset ? L("forgot_pin_hint") : L("reissue_hint")).font(.footnote)
                    Field(L("serial"), certificate.serial)
                }
                Section(L("reissue_step_verify")) {
                    IdentityFields(m: m.identity, bankCard: false, errorField: m.problem?.field)
                    if let p = m.problem { Text(p.message).foregroundColor(.red) }
                    Button(L("face_check")) { Task { await m.verify { await FaceCheck.run() } } }.disabled(m.busy)
                }
            case .newPin:
                Section(L("reissue_step_pin")) {
                    Text(L("change_pin_hint")).font(.footnote)
                    if let p = m.problem { Text(p.message).foregroundColor(.red) }
                    if m.busy {
                        HStack {
                            ProgressView()
                            Text(L("reissue_busy"))
                        }
                    }
                    PinPadView(pad: m.pad) { pin in
                        Task {
                            if await m.pinEntered(pin) { await certificates.refresh() }
                        }
                    }
                }
            case .done:
                Section {
                    Image(systemName: "checkmark.circle").font(.system(size: 72)).foregroundColor(.green)
                    Text(reason == .pinReset ? L("forgot_pin_done") : L("reissue_done")).font(.title2)
                    Field(L("reissue_new_serial"), m.result?.serial ?? "")
                    Text(L("reissue_old_revoked", certificate.serial)).font(.footnote)
                    if let n = m.result?.encryptionSerials.count, n > 0 {
                        Text(L("reissue_keys_restored", n)).font(.footnote)
                    }
                    Text(L("change_pin_done_hint")).font(.footnote)
                    Button(L("done")) { dismiss() }
                }
                // The personal signature picture went with the old certificate: 【签章图片】 again.
                if let serial = m.result?.serial, !McertKit.Subject.parse(certificate.subject).isOrganisation {
                    SignatureAgainSection(serial: serial)
                }
            }
        }
        .navigationTitle(reason == .pinReset ? L("forgot_pin") : L("reissue"))
        .onAppear {
            // A page left half-way carries on; another or a done one starts over.
            guard !opened else { return }
            opened = true
            if m.certificate?.serial != certificate.serial || m.reason != reason || m.step == .done {
                m.start(certificate: certificate, reason: reason)
            }
        }
    }
}
