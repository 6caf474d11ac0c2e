import McertFFI
import McertKit
import SwiftUI

/// 【数字证书】: the certificate cards and 【下载证书】 with a new PIN (mirror of android CertificateScreens.kt);
/// above them, a banner for each certificate whose organisation was renamed, which opens
/// 【下载变更后的证书】.
struct CertificatesView: View {
    @EnvironmentObject var model: AppModel
    @ObservedObject var m: CertificatesModel
    @State private var installing: String?
    @State private var algorithm: KeyAlgorithm = .sm2
    @State private var movingIn = false
    @State private var changing: String?

    var body: some View {
        List {
            if m.loading && m.items.isEmpty {
                ProgressView()
            } else if m.items.isEmpty && m.slots.isEmpty && m.error == nil {
                VStack(alignment: .leading, spacing: 4) {
                    Text(L("certs_empty")).font(.headline)
                    Text(L("certs_empty_hint")).font(.caption).foregroundColor(.secondary)
                }
            }
            ForEach(m.changesDue, id: \.certificate.serial) { item in
                Section {
                    Button {
                        // Both in one turn: the page opens already started over.
                        Task {
                            changing = item.certificate.serial
                            await model.renewal.start(serial: item.certificate.serial)
                        }
                    } label: {
                        VStack(alignment: .leading, spacing: 4) {
                            Label(L("org_change_due_banner", item.slot?.orgName ?? ""), systemImage: "exclamationmark.triangle.fill")
                                .font(.headline)
                                .foregroundColor(.orange)
                            Text(L("org_change_due_banner_hint")).font(.caption).foregroundColor(.secondary)
                        }
                    }
                }
            }
            if !m.slots.isEmpty {
                HStack {
                    Text(L("slots_ready", m.slots.count))
                    Spacer()
                    Button(L("install")) { installing = m.slots.first }
                }
            }
            ForEach(m.items, id: \.certificate.serial) { item in
                NavigationLink {
                    CertificateDetailView(m: m, item: item)
                } label: {
                    CertificateCard(item: item)
                }
            }
            if m.noneOnThisPhone && !m.loading {
                Section {
                    Button {
                        model.moveIn.start()
                        movingIn = true
                    } label: {
                        VStack(alignment: .leading, spacing: 2) {
                            Text(L("migration_in_notice"))
                            Text(L("migration_in_notice_hint")).font(.caption).foregroundColor(.secondary)
                        }
                    }
                }
            }
            if let e = m.error { Text(e).foregroundColor(.red) }
        }
        .navigationTitle(L("certificates"))
        .navigationDestination(isPresented: $movingIn) { MoveFromOldPhoneScreen(m: model.moveIn, certificates: m) }
        .navigationDestination(isPresented: Binding(get: { changing != nil }, set: { if !$0 { changing = nil } })) {
            ChangedCertificateScreen(m: model.renewal, certificates: m, serial: changing ?? "")
        }
        .task { await m.refresh() }
        .sheet(item: Binding(get: { installing.map(Slot.init) }, set: { installing = $0?.id })) { slot in
            VStack(spacing: 12) {
                Text(L("install")).font(.headline)
                Text(L("install_hint")).font(.caption).foregroundColor(.secondary)
                Picker(L("algorithm"), selection: $algorithm) {
                    Text(Display.algorithm("SM2")).tag(KeyAlgorithm.sm2)
                    Text(Display.algorithm("P256")).tag(KeyAlgorithm.p256)
                }.pickerStyle(.segmented)
                NewPinPad(core: model.core) { pin in
                    Task {
                        await m.install(slot: slot.id, algorithm: algorithm, pin: pin)
                        installing = nil
                    }
                }
            }.padding()
        }
    }

    private struct Slot: Identifiable { let id: String }
}

/// A certificate as the manuals' apps show it: type and state, holder, organisation, masked ID
/// number, validity, algorithm, and whether its key is on this phone.
struct CertificateCard: View {
    let item: CertificatesModel.Item

    var body: some View {
        let c = item.certificate
        let s = item.subject
        let (label, color) = stateLabel(item.state)
        VStack(alignment: .leading, spacing: 6) {
            HStack {
                Text(L(s.isOrganisation ? "type_organisation" : "type_personal")).font(.subheadline.weight(.semibold))
                Spacer()
                Text(label).font(.caption).foregroundColor(color)
                    .padding(.horizontal, 6).padding(.vertical, 2)
                    .background(Color.white).cornerRadius(4)
            }
            Text(s.commonName ?? c.subject).font(.title2.weight(.bold))
            if let org = s.organisationShown { Text(org).font(.subheadline) }
            if item.changeDue {
                Label(L("org_change_due_card"), systemImage: "arrow.triangle.2.circlepath").font(.caption.weight(.semibold))
            }
            if let id = s.maskedId {
                HStack(spacing: 8) {
                    Text(L("id_label"))
                    Text(id)
                }.font(.caption).opacity(0.85)
            }
            HStack(spacing: 8) {
                Text(L("valid_until", Display.beijingDate(c.notAfter)))
                Spacer()
                Text(Display.algorithm(c.algorithm))
                if c.onThisDevice {
                    Image(systemName: "iphone")
                    Text(L("on_this_phone"))
                }
            }.font(.caption).padding(.top, 4)
        }
        .foregroundColor(.white)
        .padding(16)
        .background(item.state == "good" ? Color.blue : Color.gray)
        .cornerRadius(14)
    }
}

/// 证书详情: every field of the certificate and the PIN state of its key on this phone; a good
/// personal certificate opens its 【签章图片】; a key on this phone 【修改证书密码】 and
/// 【忘记密码】, 【证书延期】 in the last three months of the period (or to download a renewal
/// paid) and 【迁移到新手机】; after the organisation's rename 【下载变更后的证书】; a good one
/// whose key is on another phone 【从旧手机迁移】; a certificate this phone cannot use 【证书补办】;
/// a good one 【证书挂失】. It follows the list as it is refreshed.
struct CertificateDetailView: View {
    @EnvironmentObject var model: AppModel
    @ObservedObject var m: CertificatesModel
    let listed: CertificatesModel.Item
    @State private var renewing = false
    @State private var changing = false
    @State private var movingOut = false
    @State private var movingIn = false
    @State private var resettingPin = false
    @State private var reissuing = false

    init(m: CertificatesModel, item: CertificatesModel.Item) {
        self.m = m
        listed = item
    }

    private var item: CertificatesModel.Item { m.item(listed.certificate.serial) ?? listed }

    var body: some View {
        let item = self.item
        let c = item.certificate
        let s = item.subject
        List {
            CertificateCard(item: item)
            Section {
                Field(L("holder"), s.commonName ?? "—")
                if let org = s.organisationShown { Field(L("organisation"), org) }
                if let code = s.organisationId { Field(L("org_code"), code) }
                if let id = s.maskedId { Field(L("id_label"), id) }
                Field(L("cert_type"), L(s.isOrganisation ? "type_organisation" : "type_personal"))
            }
            Section {
                Field(L("validity"), Display.beijingDate(c.notBefore) + " ~ " + Display.beijingDate(c.notAfter))
                Field(L("algorithm"), Display.algorithm(c.algorithm))
                Field(L("serial"), c.serial)
                if let enc = c.encryptionSerial { Field(L("encryption_serial"), enc) }
                Field(L("issuer"), McertKit.Subject.parse(c.issuer).commonName ?? c.issuer)
            }
            Section {
                Field(L("pin_state"), pinState)
                if let until = item.slot?.validUntil { Field(L("renewal_current_until"), Display.beijingDate(until)) }
            }
            if item.canRenew {
                Button {
                    // Both in one turn: the page opens already started over.
                    Task {
                        renewing = true
                        await model.renewal.start(serial: c.serial)
                    }
                } label: {
                    VStack(alignment: .leading, spacing: 2) {
                        Text(L("renewal"))
                        Text(L(item.renewalDue ? "renewal_due_hint" : "renewal_window_hint")).font(.caption).foregroundColor(.secondary)
                    }
                }
            }
            if item.changeDue {
                Button {
                    Task {
                        changing = true
                        await model.renewal.start(serial: c.serial)
                    }
                } label: {
                    VStack(alignment: .leading, spacing: 2) {
                        Text(L("org_change_download"))
                        Text(L("org_change_due_hint", item.slot?.orgName ?? "")).font(.caption).foregroundColor(.secondary)
                    }
                }
            }
            if item.canMove {
                Button(L("migration_out")) {
                    Task {
                        movingOut = true
                        await model.moveOut.start(certificate: c)
                    }
                }
            }
            if !s.isOrganisation && c.status == "good" {
                NavigationLink(L("signature_open")) { SignatureScreen(m: model.signature, serial: c.serial) }
            }
            if let key = item.key, !key.locked, c.status == "good" {
                NavigationLink(L("change_pin")) { ChangePinView(m: model.changePin, keyId: key.id) }
            }
            if item.canResetPin {
                Button(L("forgot_pin")) { resettingPin = true }
            }
            if item.canMoveIn {
                Button(L("migration_in")) {
                    model.moveIn.start()
                    movingIn = true
                }
            }
            if item.canReissue {
                Button(L("reissue")) { reissuing = true }
            }
            if c.status == "good" {
                NavigationLink(L("report_lost")) { ReportLostView(m: model.reportLost, serial: c.serial) }
                    .foregroundColor(.red)
            }
        }
        .navigationTitle(L("certificate_detail"))
        // Pushed by state, so that the list refreshed underneath (the certificate replaced or
        // gone from this phone) does not take the page away.
        .navigationDestination(isPresented: $renewing) {
            RenewScreen(m: model.renewal, certificates: m, serial: listed.certificate.serial)
        }
        .navigationDestination(isPresented: $changing) {
            ChangedCertificateScreen(m: model.renewal, certificates: m, serial: listed.certificate.serial)
        }
        .navigationDestination(isPresented: $movingOut) {
            MoveToNewPhoneScreen(m: model.moveOut, certificates: m, certificate: listed.certificate)
        }
        .navigationDestination(isPresented: $movingIn) { MoveFromOldPhoneScreen(m: model.moveIn, certificates: m) }
        .navigationDestination(isPresented: $resettingPin) {
            ReissueView(m: model.reissue, certificates: m, certificate: listed.certificate, reason: .pinReset)
        }
        .navigationDestination(isPresented: $reissuing) {
            ReissueView(m: model.reissue, certificates: m, certificate: listed.certificate, reason: .newDevice)
        }
    }

    private var pinState: String {
        let item = self.item
        guard let key = item.key else { return L("not_on_this_phone") }
        return key.locked ? L("pin_locked") : L("pin_tries_left", Int(key.pinTriesLeft))
    }
}

/// 【修改证书密码】: the current PIN, then the new one twice (mirror of KeyScreens.kt).
struct ChangePinView: View {
    @ObservedObject var m: ChangePinModel
    let keyId: String
    @Environment(\.dismiss) private var dismiss

    var body: some View {
        VStack(spacing: 12) {
            switch m.step {
            case .current:
                Text(L("change_pin_current")).font(.headline)
                Text(L("change_pin_hint")).font(.footnote)
                if let p = m.problem { Text(p.message).foregroundColor(.red) }
                PinPadView(pad: m.current) { pin in m.currentEntered(pin) }
            case .new:
                Text(L("change_pin_new")).font(.headline)
                PinPadView(pad: m.fresh) { pin in Task { await m.newEntered(pin) } }
            case .done:
                Image(systemName: "checkmark.circle").font(.system(size: 72)).foregroundColor(.green)
                Text(L("change_pin_done")).font(.title2)
                Text(L("change_pin_done_hint")).font(.footnote)
                Button(L("done")) { dismiss() }
            }
        }
        .padding()
        .navigationTitle(L("change_pin"))
        .onAppear { m.start(keyId: keyId) }
    }
}

/// 【证书挂失】: what it means, a fresh code, and 【确认挂失】 (mirror of KeyScreens.kt).
struct ReportLostView: View {
    @ObservedObject var m: ReportLostModel
    let serial: String
    @Environment(\.dismiss) private var dismiss

    var body: some View {
        List {
            if m.done {
                Section {
                    Text(L("report_lost_done")).font(.title2)
                    Text(L("report_lost_done_hint")).font(.footnote)
                    Button(L("done")) { dismiss() }
                }
            } else {
                Section {
                    Text(L("report_lost_hint")).font(.footnote)
                    Field(L("serial"), serial)
                }
                Section {
                    TextField(L("sms_code"), text: $m.code)
                    Button(L("get_code")) { Task { await m.sendCode() } }.disabled(m.busy)
                    if let to = m.sentTo { Text(L("code_sent_to", to)).font(.footnote) }
                    if let p = m.problem { Text(p.message).foregroundColor(.red) }
                }
                Button(L("report_lost_confirm"), role: .destructive) { Task { await m.confirm() } }.disabled(m.busy)
            }
        }
        .navigationTitle(L("report_lost"))
        .onAppear { m.start(serial: serial) }
    }
}
