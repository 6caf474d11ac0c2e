import McertFFI
import McertKit
import SwiftUI

/// 【证书延期】: what it does and the current period; a person picks 1, 2 or 3 years and pays
/// the order, an organisation's certificate takes a slot of its package; then the certificate
/// PIN downloads the renewed certificate (same key). When it cannot be renewed the service's
/// reason is shown with nothing to pay (mirror of android RenewalScreens.kt). Opened from the
/// certificate detail, and from the scan's expiry warning (`fromScan`, in a sheet); the opener
/// starts `m` for `serial`. A slot whose organisation was renamed shows 【下载变更后的证书】
/// instead (`ChangedCertificateScreen`).
struct RenewScreen: View {
    @ObservedObject var m: RenewalModel
    @ObservedObject var certificates: CertificatesModel
    let serial: String
    var fromScan = false
    @Environment(\.dismiss) private var dismiss

    var body: some View {
        if m.change {
            ChangedCertificateScreen(m: m, certificates: certificates, serial: serial, fromScan: fromScan)
        } else {
            renewal
        }
    }

    private var renewal: some View {
        List {
            if let c = m.certificate {
                Section {
                    Text(L(m.isOrganisation ? "renewal_org_hint" : "renewal_hint")).font(.footnote)
                    Field(L("serial"), c.serial)
                    Field(L("renewal_current_until"), Display.beijingDate(m.slot?.validUntil ?? c.notAfter))
                }
            }
            switch m.step {
            case .loading:
                ProgressView()
            case .choose:
                choose
            case .pay:
                if let o = m.order {
                    Section(L("renewal_order_placed")) {
                        Field(L("order_id"), o.id)
                        Field(L("years"), L("years_n", Int(o.years)))
                        Field(L("amount"), Display.money(o.amountFen))
                        if let until = m.renewedUntil { Field(L("renewal_new_until"), Display.beijingDate(until)) }
                        problem
                        Button(L(m.busy ? "submitting" : "pay_now")) { Task { await m.pay() } }.disabled(m.busy)
                        Button(L("renewal_change_period")) { m.changePeriod() }.disabled(m.busy)
                    }
                }
            case .pin:
                Section(L("renewal_pin_title")) {
                    Text(L(m.fromPackage || m.isOrganisation ? "renewal_taken" : "renewal_paid")).font(.footnote)
                    if let until = m.renewedUntil { Field(L("renewal_new_until"), Display.beijingDate(until)) }
                    problem
                    if m.busy {
                        HStack {
                            ProgressView()
                            Text(L("renewal_busy"))
                        }
                    }
                    PinPadView(pad: m.pad) { pin in Task { await m.pinEntered(pin) } }
                }
            case .done:
                Section {
                    Image(systemName: "checkmark.circle").font(.system(size: 72)).foregroundColor(.green)
                    Text(L("renewal_done")).font(.title2)
                    Field(L("renewal_done_serial"), m.result?.serial ?? "")
                    if let until = m.renewedUntil { Field(L("renewal_new_until"), Display.beijingDate(until)) }
                    Text(L("renewal_done_hint")).font(.footnote)
                    if fromScan { Text(L("renewal_rescan_hint")).font(.footnote) }
                    Button(L("done")) {
                        dismiss()
                        Task { await certificates.refresh() }
                    }
                }
                if let c = m.certificate, let renewed = m.result?.serial, !McertKit.Subject.parse(c.subject).isOrganisation {
                    SignatureAgainSection(serial: renewed)
                }
            case .refused:
                Section {
                    Label(L(m.askAdmin ? "renewal_ask_admin_title" : "renewal_refused"), systemImage: "info.circle").font(.headline)
                    problem
                    if m.askAdmin { Text(L("renewal_ask_admin_hint")).font(.footnote) }
                    Button(L("close")) { dismiss() }
                }
            case .failed:
                Section {
                    problem
                    Button(L("retry")) { Task { await m.start(serial: serial) } }.disabled(m.busy)
                }
            }
        }
        .navigationTitle(L("renewal"))
    }

    /// The periods and the amount (a person's renewal), or the package's slot (an organisation's).
    @ViewBuilder
    private var choose: some View {
        if m.isOrganisation {
            Section {
                problem
                Button(L("renewal_use_package")) { Task { await m.submit() } }.disabled(m.busy)
            }
        } else {
            Section {
                Picker(L("renewal_period"), selection: $m.years) {
                    ForEach(Int64(1)...3, id: \.self) { Text(L("years_n", Int($0))).tag($0) }
                }
                .pickerStyle(.segmented)
                if let amount = m.amountFen { Field(L("renewal_estimate"), Display.money(amount)) }
                problem
                Button(L(m.busy ? "submitting" : "renewal_order")) { Task { await m.submit() } }.disabled(m.busy)
            }
        }
    }

    @ViewBuilder
    private var problem: some View {
        if let p = m.problem { Text(p.message).foregroundColor(.red) }
    }
}

/// After a certificate was replaced (补办, 忘记密码, 延期, a move to this phone): the personal
/// signature picture made for the old one is void with it; 【签章图片】 for the new one.
struct SignatureAgainSection: View {
    @EnvironmentObject var model: AppModel
    let serial: String

    var body: some View {
        Section {
            Text(L("signature_again_title")).font(.headline)
            Text(L("signature_again_hint")).font(.footnote)
            NavigationLink(L("signature_again")) { SignatureScreen(m: model.signature, serial: serial) }
        }
    }
}
