import McertFFI
import McertKit
import SwiftUI
import UniformTypeIdentifiers

// 证书变更 (seed 000 §6): the organisation's rename applied for by an admin (【证书变更】, from
// 单位信息 and 证书管理), and each holder's 【下载变更后的证书】 (from the certificate list's banner
// and the certificate's detail). No Android screens yet.

/// 【证书变更】: the current name, the new full name and the materials (the new business licence,
/// other materials optional); 【提交变更申请】 → 待审核. Below, the organisation's changes with
/// their state: 待支付 offers 【支付】 and 【转账支付】 (the order's detail, as in 我的订单); paid,
/// the organisation carries the new name and its seals are void.
struct OrgChangeView: View {
    @EnvironmentObject var model: AppModel
    @ObservedObject var m: OrgChangeModel
    let org: OrganisationView
    @State private var picking = false
    @State private var pickingOther = false
    @State private var toDetail = false

    /// The organisation as last read (the new name once a change is paid).
    private var current: OrganisationView { m.org?.id == org.id ? m.org ?? org : org }

    var body: some View {
        Form {
            Section {
                Text(L("org_change_hint")).font(.footnote)
                Field(L("org_change_current_name"), current.name)
                Field(L("org_code"), current.creditCode)
            }
            result
            if !current.authorisation.approved {
                Text(L("authorise_first")).foregroundColor(.orange)
            } else if m.openChange != nil {
                Text(L("org_change_open_hint")).font(.footnote).foregroundColor(.blue)
            } else if m.mayRequest {
                form
            }
            if let p = problem { Text(p.message).foregroundColor(.red) }
            if !m.orders.isEmpty {
                Section(L("org_change_orders")) {
                    ForEach(m.orders, id: \.id) { o in orderRow(o) }
                }
            } else if m.loading {
                ProgressView()
            }
        }
        .navigationTitle(L("org_change"))
        .task { await m.load(org) }
        .refreshable { await m.refresh() }
        .navigationDestination(isPresented: $toDetail) { OrderDetailView(m: model.orderDetail) }
        .fileImporter(isPresented: $picking, allowedContentTypes: [.image, .pdf]) { result in
            guard let f = pickedFile(result) else { return }
            if pickingOther { m.addOther(f) } else { m.pickLicence(f) }
        }
    }

    /// The new name and the materials.
    @ViewBuilder
    private var form: some View {
        Section(L("org_change_new_name")) {
            TextField(L("org_change_new_name_placeholder"), text: $m.newName)
            Text(L("org_change_new_name_hint")).font(.caption).foregroundColor(.secondary)
        }
        Section(L("materials")) {
            Text(L("org_change_licence"))
            if let f = m.licence {
                Text(L("picked_file", f.name, size(f)))
            } else {
                Text(L("licence_hint")).font(.caption).foregroundColor(.secondary)
            }
            Button(L("pick_file")) {
                pickingOther = false
                picking = true
            }
        }
        Section(L("org_change_others")) {
            Text(L("org_change_others_hint")).font(.caption).foregroundColor(.secondary)
            ForEach(Array(m.others.enumerated()), id: \.offset) { i, f in
                HStack {
                    Text(L("picked_file", f.name, size(f)))
                    Spacer()
                    Button(L("org_change_remove_file")) { m.removeOther(at: i) }.buttonStyle(.borderless)
                }
            }
            if m.others.count < OrgChangeModel.maxOthers {
                Button(L("org_change_add_other")) {
                    pickingOther = true
                    picking = true
                }
            }
        }
        Button(L(isBusy ? "submitting" : "org_change_submit")) { Task { await m.submit() } }.disabled(isBusy)
    }

    /// What the last step did: submitted for review, or paid.
    @ViewBuilder
    private var result: some View {
        switch m.state {
        case let .submitted(o):
            Section {
                Label(L("org_change_submitted"), systemImage: "checkmark.circle").foregroundColor(.blue)
                Field(L("order_id"), o.id)
                if let name = o.newName { Field(L("org_change_new_name"), name) }
                Text(L("org_change_submitted_hint")).font(.footnote)
            }
        case .paid:
            Section {
                Label(L("org_change_paid"), systemImage: "checkmark.circle.fill").foregroundColor(.green)
                Field(L("org_name"), current.name)
                Text(L("org_change_paid_hint")).font(.footnote)
                NavigationLink(L("org_change_seals_open")) { SealsView(m: model.seals, org: current) }
            }
        case .busy:
            ProgressView()
        case .editing, .failed:
            EmptyView()
        }
    }

    /// A change order: what it is, its state, and what the state allows.
    @ViewBuilder
    private func orderRow(_ o: OrderView) -> some View {
        VStack(alignment: .leading, spacing: 4) {
            Button {
                model.orderDetail.open(o)
                toDetail = true
            } label: {
                HStack {
                    VStack(alignment: .leading, spacing: 2) {
                        Text(productText(o))
                        if let name = o.newName { Text(L("org_change_to_name", name)).font(.caption) }
                        Text(L("order_no", o.id)).font(.caption).foregroundColor(.secondary)
                        Text(Display.beijingTime(o.createdAt)).font(.caption).foregroundColor(.secondary)
                    }
                    Spacer()
                    VStack(alignment: .trailing, spacing: 2) {
                        Text(Display.money(o.amountFen)).font(.headline)
                        Tag(text: orderStatusText(o), color: orderColor(o.status))
                    }
                }
            }
            .buttonStyle(.plain)
            switch o.status {
            case "pending_review":
                Text(L("org_change_in_review")).font(.caption).foregroundColor(.blue)
            case "rejected":
                if let reason = o.rejectReason { Text(L("reject_reason", reason)).font(.caption).foregroundColor(.red) }
                Text(L("org_change_rejected_hint")).font(.caption).foregroundColor(.secondary)
            case "completed":
                Text(L("org_change_completed")).font(.caption).foregroundColor(.green)
            default:
                EmptyView()
            }
            HStack {
                Spacer()
                if o.canPayByTransfer {
                    Button(L(o.transfer != nil ? "view_transfer" : "pay_transfer")) {
                        Task {
                            await model.orderDetail.payByTransfer(o)
                            toDetail = true
                        }
                    }
                }
                if o.canPayOnline {
                    Button(L(m.paying == o.id ? "submitting" : "pay_online")) {
                        Task { if await m.pay(o) { await model.orgs.reload() } }
                    }
                    .disabled(m.paying != nil)
                }
            }
            .buttonStyle(.borderless)
            .font(.callout)
        }
    }

    private var isBusy: Bool {
        if case .busy = m.state { return true }
        return false
    }

    private var problem: Problem? {
        if case let .failed(p) = m.state { return p }
        return nil
    }

    private func size(_ f: PickedFile) -> String { ByteCountFormatter.string(fromByteCount: Int64(f.bytes.count), countStyle: .file) }
}

/// 【下载变更后的证书】: the organisation was renamed; the certificate PIN downloads the certificate
/// naming the new name for the same key (the old one is revoked). Done, it says that the
/// organisation's seals are void and must be applied for again, with the way to its seals (and,
/// for a personal certificate, to its signature picture). Driven by `RenewalModel` (`change`),
/// which the opener starts for `serial`; `RenewScreen` shows this page when the slot it was
/// opened for turns out to be changed.
struct ChangedCertificateScreen: View {
    @EnvironmentObject var model: AppModel
    @ObservedObject var m: RenewalModel
    @ObservedObject var certificates: CertificatesModel
    let serial: String
    var fromScan = false
    @Environment(\.dismiss) private var dismiss

    var body: some View {
        List {
            if let c = m.certificate {
                Section {
                    Text(L("org_change_download_hint")).font(.footnote)
                    if let name = m.slot?.orgName { Field(L("org_change_new_org_name"), name) }
                    Field(L("serial"), c.serial)
                }
            }
            switch m.step {
            case .loading:
                ProgressView()
            case .pin:
                Section(L("org_change_pin_title")) {
                    problem
                    if m.busy {
                        HStack {
                            ProgressView()
                            Text(L("org_change_busy"))
                        }
                    }
                    PinPadView(pad: m.pad) { pin in Task { await m.pinEntered(pin) } }
                }
            case .done:
                Section {
                    Image(systemName: "checkmark.circle").font(.system(size: 72)).foregroundColor(.green)
                    Text(L("org_change_done")).font(.title2)
                    Field(L("renewal_done_serial"), m.result?.serial ?? "")
                    Text(L("org_change_done_hint")).font(.footnote)
                    if fromScan { Text(L("org_change_rescan_hint")).font(.footnote) }
                    Button(L("done")) {
                        dismiss()
                        Task { await certificates.refresh() }
                    }
                }
                Section {
                    Label(L("org_change_seals_void_title"), systemImage: "exclamationmark.triangle.fill")
                        .font(.headline)
                        .foregroundColor(.orange)
                    Text(L(m.organisation?.isAdmin == true ? "org_change_seals_void_admin" : "org_change_seals_void_user")).font(.footnote)
                    if let org = m.organisation {
                        NavigationLink(L("org_change_seals_open")) { SealsView(m: model.seals, org: org) }
                    }
                }
                if let c = m.certificate, let changed = m.result?.serial, !McertKit.Subject.parse(c.subject).isOrganisation {
                    SignatureAgainSection(serial: changed)
                }
            case .failed:
                Section {
                    problem
                    Button(L("retry")) { Task { await m.start(serial: serial) } }.disabled(m.busy)
                }
            case .refused, .choose, .pay:
                Section {
                    Label(L("org_change_refused"), systemImage: "info.circle").font(.headline)
                    problem
                    Button(L("close")) { dismiss() }
                }
            }
        }
        .navigationTitle(L("org_change_download"))
    }

    @ViewBuilder
    private var problem: some View {
        if let p = m.problem { Text(p.message).foregroundColor(.red) }
    }
}
