import McertFFI
import McertKit
import SwiftUI

// The organisation's people and slots (mirror of android OrgMemberScreens.kt,
// OrgCertificateScreens.kt and OrgUsageScreen.kt): 单位成员授权, 添加成员, 证书管理, 设置所属人员信息,
// 待申领的证书, the organisation's 使用记录.

/// 【单位成员授权】: members with their roles; an admin changes roles and removes members after a
/// confirmation; a certificate user is told they cannot grant.
struct MembersView: View {
    @ObservedObject var m: MembersModel
    let org: OrganisationView

    var body: some View {
        List {
            if !org.isAdmin {
                VStack(alignment: .leading, spacing: 4) {
                    Text(L("users_cannot_grant")).font(.headline)
                    Text(L("user_role_hint")).font(.caption).foregroundColor(.secondary)
                }
            } else {
                if m.loading && m.members.isEmpty { ProgressView() }
                ForEach(m.members, id: \.id) { member in
                    VStack(alignment: .leading, spacing: 4) {
                        HStack {
                            Text(member.name).font(.headline)
                            Tag(text: roleText(member.role), color: member.role == .admin ? .blue : .teal)
                            if !member.hasAccount { Tag(text: L("not_logged_in"), color: .gray) }
                        }
                        Text(L("phone") + " " + member.phoneMasked + "  " + L("id_label") + " " + member.idNumberMasked)
                            .font(.caption).foregroundColor(.secondary)
                        HStack {
                            Spacer()
                            Button(L(member.role == .admin ? "make_user" : "make_admin")) {
                                Task { await m.changeRole(member, to: member.role == .admin ? .user : .admin) }
                            }.buttonStyle(.borderless)
                            Button(L("remove"), role: .destructive) { m.askRemove(member) }.buttonStyle(.borderless)
                        }
                    }
                }
                NavigationLink(L("add_member")) { MemberAddView(m: m).onAppear { m.clearForm() } }
            }
            if let p = m.problem { Text(p.message).foregroundColor(.red) }
        }
        .navigationTitle(L("org_members"))
        .task { await m.load(org) }
        .alert(L("remove_title"), isPresented: Binding(get: { m.removing != nil }, set: { if !$0 { m.removing = nil } })) {
            Button(L("cancel"), role: .cancel) { m.removing = nil }
            Button(L("remove"), role: .destructive) { Task { await m.confirmRemove() } }
        } message: {
            Text(L("remove_confirm", m.removing?.name ?? ""))
        }
    }
}

/// 【添加成员】: name, ID number, phone and role.
struct MemberAddView: View {
    @Environment(\.dismiss) private var dismiss
    @ObservedObject var m: MembersModel

    var body: some View {
        Form {
            Section { Text(L("member_add_hint")).font(.caption).foregroundColor(.secondary) }
            TextField(L("name"), text: $m.name)
            TextField(L("id_number"), text: $m.idNumber)
            TextField(L("phone"), text: $m.phone)
            Picker(L("role"), selection: $m.role) {
                Text(L("role_user")).tag(OrgRole.user)
                Text(L("role_admin")).tag(OrgRole.admin)
            }
            Text(L(m.role == .admin ? "role_admin_hint" : "role_user_hint")).font(.caption).foregroundColor(.secondary)
            if let p = m.problem { Text(p.message).foregroundColor(.red) }
            Button(L("add_member")) { Task { if await m.add() { dismiss() } } }.disabled(m.busy)
        }
        .navigationTitle(L("add_member"))
    }
}

/// The validity of a slot: its certificate's dates, or the period bought (from the download).
func slotValidity(_ s: OrgCertificateView) -> String {
    if let from = s.notBefore, let to = s.notAfter { return Display.beijingDate(from) + " ~ " + Display.beijingDate(to) }
    return L("years_from_download", Int(s.years))
}

/// A slot's state in the app's language (the service's label for an unknown one).
func slotText(_ s: OrgCertificateView) -> String {
    switch s.status {
    case "unassigned": return L("slot_unassigned")
    case "assigned": return L("slot_assigned")
    case "issued": return L("slot_issued")
    case "expired": return L("slot_expired")
    case "revoked": return L("slot_revoked")
    default: return s.statusLabel
    }
}

/// 【证书管理】: 所属人, 购买日期, 证书状态, 有效期, 持有人; 【设置所属人员】 and 【修改持有人】;
/// 【证书变更】 when the organisation was renamed (seed 000 §6).
struct OrgCertificatesView: View {
    @EnvironmentObject var model: AppModel
    @ObservedObject var m: OrgCertificatesModel
    let org: OrganisationView
    @State private var choosingFor: OrgCertificateView?

    var body: some View {
        List {
            if m.loading && m.items.isEmpty {
                ProgressView()
            } else if m.items.isEmpty && m.problem == nil {
                VStack(alignment: .leading, spacing: 4) {
                    Text(L("org_certs_empty")).font(.headline)
                    Text(L("org_certs_empty_hint")).font(.caption).foregroundColor(.secondary)
                }
            }
            ForEach(m.items, id: \.entitlementId) { slot in
                VStack(alignment: .leading, spacing: 4) {
                    HStack {
                        Text(L(slot.isOrganisation ? "type_organisation" : "type_personal")).font(.headline)
                        Spacer()
                        Tag(text: slotText(slot), color: slot.status == "issued" ? .green : slot.status == "unassigned" ? .orange : .blue)
                    }
                    Text(L("slot_owner", slot.owner?.name ?? L("not_assigned")))
                    Field(L("purchased_at"), Display.beijingDate(slot.purchasedAt))
                    Field(L("validity"), slotValidity(slot))
                    Field(L("holder"), slot.holder.map { $0.name + " " + $0.phoneMasked } ?? L("not_assigned"))
                    if !slot.isOrganisation && slot.owner == nil {
                        NavigationLink(L("set_owner")) { OwnerFormView(m: m).onAppear { m.startAssign(slot) } }
                    } else if slot.status != "revoked" && slot.status != "expired" {
                        Button(L("change_holder")) { choosingFor = slot }.buttonStyle(.borderless)
                    }
                }
            }
            if let p = m.problem { Text(p.message).foregroundColor(.red) }
            if org.isAdmin {
                Section {
                    NavigationLink { OrgChangeView(m: model.orgChange, org: org) } label: {
                        VStack(alignment: .leading, spacing: 2) {
                            Text(L("org_change"))
                            Text(L("org_change_link_hint")).font(.caption).foregroundColor(.secondary)
                        }
                    }
                }
            }
        }
        .navigationTitle(L("org_certificates"))
        .task { await m.load(org) }
        .confirmationDialog(L("choose_holder"), isPresented: Binding(get: { choosingFor != nil }, set: { if !$0 { choosingFor = nil } })) {
            ForEach(m.members, id: \.id) { member in
                Button(member.name + " " + member.phoneMasked) {
                    if let slot = choosingFor { m.askHolder(slot, member) }
                    choosingFor = nil
                }
            }
        }
        .alert(L("change_holder"), isPresented: Binding(get: { m.holderChange != nil }, set: { if !$0 { m.holderChange = nil } })) {
            Button(L("cancel"), role: .cancel) { m.holderChange = nil }
            Button(L("confirm"), role: m.holderChange?.revokes == true ? ButtonRole.destructive : nil) { Task { await m.confirmHolder() } }
        } message: {
            if let c = m.holderChange {
                Text(L("holder_confirm", c.member.name) + (c.revokes ? "\n" + L("holder_revoke_warning", c.slot.holder?.name ?? "") : ""))
            }
        }
    }
}

/// 【设置所属人员信息】: 证件类型, 证件号码, 所属人员, 选择持有人, 邮箱; asks first (fixed once set).
struct OwnerFormView: View {
    @Environment(\.dismiss) private var dismiss
    @ObservedObject var m: OrgCertificatesModel

    var body: some View {
        Form {
            Field(L("id_type"), L("id_type_resident"))
            TextField(L("id_label"), text: $m.ownerIdNumber)
            TextField(L("owner_name"), text: $m.ownerName)
            TextField(L("email"), text: $m.ownerEmail)
            Picker(L("choose_holder"), selection: $m.holderChoice) {
                Text(L("no_holder")).tag(String?.none)
                ForEach(m.members, id: \.id) { member in Text(member.name + " " + member.phoneMasked).tag(Optional(member.id)) }
            }
            Text(L("owner_note")).font(.caption).foregroundColor(.secondary)
            if let p = m.problem { Text(p.message).foregroundColor(.red) }
            Button(L("save")) { m.askSaveOwner() }.disabled(m.busy)
        }
        .navigationTitle(L("owner_form"))
        .alert(L("owner_form"), isPresented: $m.confirmingOwner) {
            Button(L("cancel"), role: .cancel) {}
            Button(L("confirm")) { Task { if await m.saveOwner() { dismiss() } } }
        } message: {
            Text(L("owner_confirm"))
        }
    }
}

/// 【待申领的证书】: each with 【申领】: the algorithm, then a new PIN; the key is made on this phone.
struct ClaimsView: View {
    @EnvironmentObject var model: AppModel
    @ObservedObject var m: ClaimsModel
    @State private var algorithm: KeyAlgorithm = .sm2

    var body: some View {
        List {
            if m.loading && m.claims.isEmpty {
                ProgressView()
            } else if m.claims.isEmpty && m.error == nil {
                VStack(alignment: .leading, spacing: 4) {
                    Text(L("claims_empty")).font(.headline)
                    Text(L("claims_empty_hint")).font(.caption).foregroundColor(.secondary)
                }
            }
            ForEach(m.claims, id: \.id) { slot in
                HStack {
                    VStack(alignment: .leading, spacing: 2) {
                        Text(slot.orgName ?? "").font(.headline)
                        Text(L(slot.kind == "organization" ? "type_organisation" : "type_personal") + " · " + L("years_from_download", Int(slot.years)))
                            .font(.caption).foregroundColor(.secondary)
                    }
                    Spacer()
                    Button(L("claim")) { m.choose(slot) }.buttonStyle(.borderedProminent)
                }
            }
            if let e = m.error { Text(e).foregroundColor(.red) }
        }
        .navigationTitle(L("claims"))
        .task { await m.refresh() }
        .sheet(isPresented: Binding(get: { m.selected != nil }, set: { if !$0 { m.selected = nil } })) {
            VStack(spacing: 12) {
                Text(L("claim_title")).font(.headline)
                Text(m.selected?.orgName ?? "")
                Text(L("install_hint")).font(.caption).foregroundColor(.secondary)
                Picker(L("algorithm"), selection: $algorithm) {
                    Text(Display.algorithm("SM2")).tag(KeyAlgorithm.sm2)
                    Text(Display.algorithm("P256")).tag(KeyAlgorithm.p256)
                }.pickerStyle(.segmented)
                NewPinPad(core: model.core) { pin in
                    Task {
                        if await m.claim(algorithm: algorithm, pin: pin) { await model.certificates.refresh() }
                    }
                }
            }.padding()
        }
    }
}

/// The organisation's 【使用记录】: an admin filters by member, certificate, operation and dates.
struct OrgUsageView: View {
    @ObservedObject var m: OrgUsageModel
    let org: OrganisationView

    var body: some View {
        List {
            Section {
                Picker(L("operation"), selection: $m.operation) {
                    Text(L("orders_all")).tag(OrgUsageModel.Operation?.none)
                    ForEach(OrgUsageModel.Operation.allCases, id: \.self) { op in Text(L(op.rawValue)).tag(Optional(op)) }
                }
                if m.isAdmin && !m.members.isEmpty {
                    Picker(L("filter_member"), selection: $m.member) {
                        Text(L("orders_all")).tag(String?.none)
                        ForEach(m.members, id: \.id) { member in Text(member.name).tag(Optional(member.id)) }
                    }
                }
                if m.isAdmin && !m.serials.isEmpty {
                    Picker(L("filter_certificate"), selection: $m.serial) {
                        Text(L("orders_all")).tag(String?.none)
                        ForEach(m.serials, id: \.self) { s in Text(Display.shortSerial(s)).tag(Optional(s)) }
                    }
                }
                HStack {
                    TextField(L("from_date"), text: Binding(get: { m.from ?? "" }, set: { m.from = $0.isEmpty ? nil : String($0.prefix(10)) }))
                    TextField(L("to_date"), text: Binding(get: { m.to ?? "" }, set: { m.to = $0.isEmpty ? nil : String($0.prefix(10)) }))
                    Button(L("filter")) { Task { await m.refresh() } }
                }
            }
            if m.items.isEmpty {
                VStack(alignment: .leading, spacing: 4) {
                    Text(L("usage_empty")).font(.headline)
                    Text(L("org_usage_empty_hint")).font(.caption).foregroundColor(.secondary)
                }
            }
            ForEach(Array(m.items.enumerated()), id: \.offset) { _, u in
                HStack {
                    Text(Display.beijingTime(u.at)).font(.caption).frame(width: 92, alignment: .leading)
                    VStack(alignment: .leading) {
                        Text(u.operation + " " + (u.holderName ?? ""))
                        Text(u.platformName + " · " + Display.shortSerial(u.certificateSerial ?? "")).font(.caption).foregroundColor(.secondary).lineLimit(1)
                    }
                    Spacer()
                    Text(u.outcomeLabel).font(.caption)
                }
            }
            if m.hasMore { Button(L("load_more")) { Task { await m.loadMore() } } }
            if let e = m.error { Text(e).foregroundColor(.red) }
        }
        .navigationTitle(L("home_usage"))
        .task { await m.load(org) }
        .onChange(of: m.operation) { _ in Task { await m.refresh() } }
    }
}
