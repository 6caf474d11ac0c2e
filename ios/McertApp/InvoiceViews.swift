import McertFFI
import McertKit
import SwiftUI

/// 【发票管理】: the invoices (red-letter ones marked), each with 【下载】 (the PDF offered to the
/// share sheet: save to Files, print, send) and 【分享】 (a link with its expiry, copyable).
struct InvoicesView: View {
    @ObservedObject var m: InvoicesModel
    @State private var saved: URL?

    var body: some View {
        List {
            if m.loading && m.invoices.isEmpty {
                ProgressView()
            } else if m.invoices.isEmpty {
                VStack(alignment: .leading, spacing: 4) {
                    Text(L("invoices_empty")).font(.headline)
                    Text(L("invoices_empty_hint")).font(.caption).foregroundColor(.secondary)
                }
            }
            if let url = saved { ShareLink(item: url) { Text(L("invoice_saved")) } }
            ForEach(m.invoices, id: \.id) { i in
                let row = m.row(i)
                VStack(alignment: .leading, spacing: 4) {
                    HStack {
                        Text(row.title).font(.headline)
                        Spacer()
                        if row.red { Tag(text: L("invoice_red"), color: .red) }
                        Tag(text: row.status, color: i.issued ? .green : .blue)
                    }
                    Field(L("invoice_no"), row.number)
                    if let at = row.issuedAt { Field(L("issued_at"), at) }
                    Field(L("invoice_total"), row.total)
                    if i.issued {
                        HStack {
                            Spacer()
                            Button(L("share")) { Task { await m.share(i) } }
                            Button(L("download")) { Task { await save(i) } }
                        }
                        .buttonStyle(.borderless)
                    }
                }
            }
            if let p = m.problem { Text(p.message).foregroundColor(.red) }
        }
        .navigationTitle(L("invoices"))
        .task { await m.refresh() }
        .alert(
            L("share_title"),
            isPresented: Binding(get: { m.shared != nil }, set: { if !$0 { m.shared = nil } }),
            presenting: m.shared
        ) { s in
            Button(L(m.copied == s.url ? "copied" : "copy_link")) { m.copyLink() }
            Button(L("close"), role: .cancel) { m.shared = nil }
        } message: { s in
            Text(s.url + "\n" + L("valid_until", s.expiresAt) + "\n" + L("share_hint"))
        }
    }

    private func save(_ invoice: InvoiceView) async {
        guard let pdf = await m.pdf(invoice) else { return }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(m.fileName(invoice))
        if (try? pdf.write(to: url)) != nil { saved = url }
    }
}

/// 【申请开票】: the billing profile to use (the default one preselected).
struct InvoiceRequestView: View {
    @EnvironmentObject var model: AppModel
    @Environment(\.dismiss) private var dismiss
    @ObservedObject var m: InvoicesModel

    var body: some View {
        Form {
            if let o = m.requestFor {
                Section {
                    Field(L("order_product"), productText(o))
                    if let name = orderNewNameText(o) { Text(name).font(.caption).foregroundColor(.secondary) }
                    Field(L("order_id"), o.id)
                    Field(L("invoice_total"), Display.money(o.amountFen))
                }
                Picker(L("choose_profile"), selection: $m.profileChoice) {
                    ForEach(m.profiles, id: \.id) { p in
                        Text(p.isDefault ? p.title + "  " + L("default_mark") : p.title).tag(Optional(p.id))
                    }
                }
                .pickerStyle(.inline)
                NavigationLink(L("profile_add")) { BillingProfileFormView(m: model.billing).onAppear { model.billing.startAdd() } }
                Text(L("invoice_type_note")).font(.caption).foregroundColor(.secondary)
                if let p = m.problem { Text(p.message).foregroundColor(.red) }
                Button(L("submit")) { Task { if await m.submitRequest() != nil { dismiss() } } }.disabled(m.busy)
            }
        }
        .navigationTitle(L("invoice_request"))
        .task { await m.reloadProfiles() }
    }
}

/// 【开票信息】: the invoice titles, the default one marked; 设为默认, 编辑, 删除 (confirmed), 添加.
struct BillingProfilesView: View {
    @ObservedObject var m: BillingProfilesModel
    @State private var editing = false

    var body: some View {
        List {
            if m.profiles.isEmpty && !m.loading {
                VStack(alignment: .leading, spacing: 4) {
                    Text(L("billing_empty")).font(.headline)
                    Text(L("billing_empty_hint")).font(.caption).foregroundColor(.secondary)
                }
            }
            ForEach(m.profiles, id: \.id) { p in
                VStack(alignment: .leading, spacing: 4) {
                    HStack {
                        Text(p.title).font(.headline)
                        Tag(text: L(p.kind == .company ? "title_company" : "title_personal"), color: .teal)
                        if p.isDefault { Tag(text: L("default_mark"), color: .blue) }
                    }
                    if let t = p.taxpayerId { Text(L("taxpayer_line", t)).font(.caption).foregroundColor(.secondary) }
                    HStack {
                        Spacer()
                        if !p.isDefault { Button(L("set_default")) { Task { await m.setDefault(p) } } }
                        Button(L("edit")) {
                            m.startEdit(p)
                            editing = true
                        }
                        Button(L("delete"), role: .destructive) { m.askDelete(p) }
                    }
                    .buttonStyle(.borderless)
                }
            }
            Button(L("profile_add")) {
                m.startAdd()
                editing = true
            }
            if let p = m.problem, p.field == nil { Text(p.message).foregroundColor(.red) }
        }
        .navigationTitle(L("billing_profiles"))
        .navigationDestination(isPresented: $editing) { BillingProfileFormView(m: m) }
        .alert(
            L("delete_profile_title"),
            isPresented: Binding(get: { m.deleting != nil }, set: { if !$0 { m.deleting = nil } }),
            presenting: m.deleting
        ) { _ in
            Button(L("delete"), role: .destructive) { Task { await m.confirmDelete() } }
            Button(L("cancel"), role: .cancel) { m.deleting = nil }
        } message: { p in
            Text(L("delete_confirm", p.title))
        }
        .task { await m.refresh() }
    }
}

/// 【添加开票信息】 / 【编辑开票信息】
struct BillingProfileFormView: View {
    @Environment(\.dismiss) private var dismiss
    @ObservedObject var m: BillingProfilesModel

    private func error(_ field: String) -> String? { m.problem?.field == field ? m.problem?.message : nil }

    var body: some View {
        Form {
            Picker(L("title_kind"), selection: $m.kind) {
                Text(L("title_company")).tag(TitleKind.company)
                Text(L("title_personal")).tag(TitleKind.personal)
            }
            .pickerStyle(.segmented)
            TextField(L("invoice_title"), text: $m.title)
            if let e = error("title") { Text(e).font(.caption).foregroundColor(.red) }
            if m.kind == .company {
                TextField(L("taxpayer_id"), text: $m.taxpayerId)
                if let e = error("taxpayer_id") { Text(e).font(.caption).foregroundColor(.red) }
            }
            TextField(L("address_phone"), text: $m.addressPhone)
            TextField(L("bank_name_optional"), text: $m.bankName)
            TextField(L("bank_account_optional"), text: $m.bankAccount)
            if let e = error("bank_account") { Text(e).font(.caption).foregroundColor(.red) }
            Toggle(L("use_as_default"), isOn: $m.isDefault)
            if let p = m.problem, p.field == nil { Text(p.message).foregroundColor(.red) }
            Button(L("save")) { Task { if await m.save() { dismiss() } } }.disabled(m.busy)
        }
        .navigationTitle(L(m.editing == nil ? "profile_add" : "profile_edit"))
    }
}

/// 【打款账户】: the accounts the buyer transfers from (masked), 添加 and 删除 (confirmed).
struct PayerAccountsView: View {
    @ObservedObject var m: PayerAccountsModel
    @State private var adding = false

    var body: some View {
        List {
            Text(L("payer_empty_hint")).font(.caption).foregroundColor(.secondary)
            ForEach(m.accounts, id: \.id) { a in
                HStack {
                    VStack(alignment: .leading, spacing: 2) {
                        HStack {
                            Text(a.holderName).font(.headline)
                            Tag(text: L(a.kind == .personal ? "payer_personal" : "payer_public"), color: .blue)
                        }
                        Text(a.accountNoMasked).font(.system(.body, design: .monospaced))
                        Text(a.bankName).font(.caption).foregroundColor(.secondary)
                    }
                    Spacer()
                    Button(L("delete"), role: .destructive) { m.askDelete(a) }.buttonStyle(.borderless)
                }
            }
            Button(L("payer_add")) {
                m.clearForm()
                adding = true
            }
            if let p = m.problem, p.field == nil { Text(p.message).foregroundColor(.red) }
        }
        .navigationTitle(L("payer_accounts"))
        .navigationDestination(isPresented: $adding) { PayerAccountAddView(m: m) }
        .alert(
            L("delete_payer_title"),
            isPresented: Binding(get: { m.deleting != nil }, set: { if !$0 { m.deleting = nil } }),
            presenting: m.deleting
        ) { _ in
            Button(L("delete"), role: .destructive) { Task { await m.confirmDelete() } }
            Button(L("cancel"), role: .cancel) { m.deleting = nil }
        } message: { a in
            Text(L("delete_confirm", a.holderName + " " + a.accountNoMasked))
        }
        .task { await m.refresh() }
    }
}

/// 【添加打款账户】: 账户类型, 户名, 账号 (8 to 32 digits), 开户银行.
struct PayerAccountAddView: View {
    @Environment(\.dismiss) private var dismiss
    @ObservedObject var m: PayerAccountsModel

    private func error(_ field: String) -> String? { m.problem?.field == field ? m.problem?.message : nil }

    var body: some View {
        Form {
            Picker(L("payer_kind"), selection: $m.kind) {
                Text(L("payer_public")).tag(PayerKind.public)
                Text(L("payer_personal")).tag(PayerKind.personal)
            }
            .pickerStyle(.segmented)
            TextField(L("holder_name"), text: $m.holderName)
            if let e = error("holder_name") { Text(e).font(.caption).foregroundColor(.red) }
            TextField(L("account_no"), text: $m.accountNo)
            if let e = error("account_no") { Text(e).font(.caption).foregroundColor(.red) }
            TextField(L("bank_name"), text: $m.bankName)
            if let e = error("bank_name") { Text(e).font(.caption).foregroundColor(.red) }
            if let p = m.problem, p.field == nil { Text(p.message).foregroundColor(.red) }
            Button(L("save")) { Task { if await m.add() { dismiss() } } }.disabled(m.busy)
        }
        .navigationTitle(L("payer_add"))
    }
}
