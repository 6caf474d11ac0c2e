import McertFFI
import McertKit
import SwiftUI
import UniformTypeIdentifiers

// The organisation pages (mirror of android OrgScreens.kt and OrgAuthScreens.kt): 我的单位,
// 注册单位, 单位信息, CA 授权 with 审批进度, 申请单位证书 (证书变更 in OrgChangeViews.swift).

/// 证书管理员 or 证书使用人, in the app's language.
func roleText(_ role: OrgRole) -> String { L(role == .admin ? "role_admin" : "role_user") }

/// The CA authorisation's state in the app's language (the service's label for an unknown one).
func authText(_ a: AuthorisationView) -> String {
    switch a.status {
    case "none": return L("auth_none")
    case "pending_review": return L("auth_pending_review")
    case "approved": return L("auth_approved")
    case "rejected": return L("auth_rejected")
    default: return a.statusLabel
    }
}

func authColor(_ status: String) -> Color {
    switch status {
    case "approved": return .green
    case "pending_review": return .blue
    case "rejected": return .red
    default: return .orange
    }
}

/// A small coloured label.
struct Tag: View {
    let text: String
    let color: Color

    var body: some View {
        Text(text).font(.caption).foregroundColor(color)
            .padding(.horizontal, 6).padding(.vertical, 2)
            .background(color.opacity(0.12)).cornerRadius(4)
    }
}

/// Reads a file the system picker returned (security-scoped) as a picked file.
func pickedFile(_ result: Result<URL, Error>) -> PickedFile? {
    guard case let .success(url) = result else { return nil }
    let scoped = url.startAccessingSecurityScopedResource()
    defer { if scoped { url.stopAccessingSecurityScopedResource() } }
    guard let data = try? Data(contentsOf: url) else { return nil }
    return PickedFile(name: url.lastPathComponent, bytes: data)
}

/// 【我的单位】: the organisations with the account's role and the CA authorisation state.
struct OrgsView: View {
    @EnvironmentObject var model: AppModel
    @ObservedObject var m: OrgsModel

    var body: some View {
        List {
            if m.claims > 0 {
                NavigationLink { ClaimsView(m: model.claims) } label: {
                    VStack(alignment: .leading, spacing: 2) {
                        Text(L("claims_notice", m.claims)).font(.headline)
                        Text(L("claims_notice_hint")).font(.caption).foregroundColor(.secondary)
                    }
                }
            }
            if m.loading && m.orgs.isEmpty {
                ProgressView()
            } else if m.orgs.isEmpty && m.error == nil {
                VStack(alignment: .leading, spacing: 4) {
                    Text(L("orgs_empty")).font(.headline)
                    Text(L("orgs_empty_hint")).font(.caption).foregroundColor(.secondary)
                }
            }
            ForEach(m.orgs, id: \.id) { org in
                NavigationLink {
                    OrgDetailView(m: m).onAppear { m.open(org) }
                } label: {
                    VStack(alignment: .leading, spacing: 4) {
                        Text(org.name).font(.headline)
                        Text(org.creditCode).font(.caption).foregroundColor(.secondary)
                        HStack {
                            Tag(text: roleText(org.role), color: org.role == .admin ? .blue : .teal)
                            Tag(text: L("ca_authorisation") + " · " + authText(org.authorisation), color: authColor(org.authorisation.status))
                        }
                    }
                }
            }
            NavigationLink(L("org_register")) { OrgRegisterView(m: model.registerOrg) }
            if let e = m.error { Text(e).foregroundColor(.red) }
        }
        .navigationTitle(L("my_orgs"))
        .task { await m.refresh() }
    }
}

/// 【注册单位】
struct OrgRegisterView: View {
    @EnvironmentObject var model: AppModel
    @Environment(\.dismiss) private var dismiss
    @ObservedObject var m: RegisterOrgModel

    var body: some View {
        Form {
            Section { Text(L("org_register_hint")).font(.caption).foregroundColor(.secondary) }
            TextField(L("org_name"), text: $m.name)
            TextField(L("org_code"), text: Binding(get: { m.creditCode }, set: { m.setCreditCode($0) }))
            if let hint = m.creditCodeHint() { Text(hint).font(.caption).foregroundColor(.red) }
            TextField(L("legal_rep_name"), text: $m.legalRepName)
            TextField(L("legal_rep_id"), text: $m.legalRepIdNumber)
            Picker(L("applicant_relation"), selection: $m.relation) {
                Text(L("relation_rep")).tag(ApplicantRelation.legalRepresentative)
                Text(L("relation_agent")).tag(ApplicantRelation.agent)
            }
            switch m.state {
            case .busy: ProgressView()
            case let .failed(problem): Text(problem.message).foregroundColor(.red)
            default: EmptyView()
            }
            Button(L("submit")) { Task { await m.submit() } }
        }
        .navigationTitle(L("org_register"))
        .onChange(of: registeredId) { _ in
            guard case let .registered(org) = m.state else { return }
            model.orgs.open(org)
            m.reset()
            Task { await model.orgs.refresh() }
            dismiss()
        }
    }

    private var registeredId: String? {
        if case let .registered(org) = m.state { return org.id }
        return nil
    }
}

/// 审批进度: each step with its state and time.
struct ProgressStepsView: View {
    let steps: [ProgressStepView]

    var body: some View {
        ForEach(Array(steps.enumerated()), id: \.offset) { i, s in
            HStack {
                Image(systemName: s.state == "done" ? "checkmark.circle.fill" : s.state == "failed" ? "xmark.circle.fill" : "\(i + 1).circle")
                    .foregroundColor(s.state == "done" ? .green : s.state == "failed" ? .red : s.state == "current" ? .blue : .gray)
                VStack(alignment: .leading) {
                    Text(s.label).fontWeight(s.state == "current" ? .bold : .regular)
                    if let at = s.at { Text(Display.beijingTime(at)).font(.caption).foregroundColor(.secondary) }
                }
            }
        }
    }
}

/// 单位信息: who it is, the account's role, the CA authorisation, and what the account may do.
struct OrgDetailView: View {
    @EnvironmentObject var model: AppModel
    @ObservedObject var m: OrgsModel

    var body: some View {
        List {
            if let o = m.current {
                Section {
                    Text(o.name).font(.title3.weight(.bold))
                    Field(L("org_code"), o.creditCode)
                    Field(L("legal_rep"), o.legalRepName + " " + o.legalRepIdMasked)
                    Field(L("role"), roleText(o.role))
                }
                Section(L("ca_authorisation")) {
                    HStack {
                        Text(L("ca_authorisation"))
                        Spacer()
                        Tag(text: authText(o.authorisation), color: authColor(o.authorisation.status))
                    }
                    if !o.authorisation.approved && o.isAdmin { Text(L("authorise_first")).font(.caption).foregroundColor(.orange) }
                    if o.isAdmin {
                        NavigationLink(L(o.authorisation.status == "none" || o.authorisation.status == "rejected" ? "go_authorise" : "view_progress")) {
                            OrgAuthorisationView(m: model.authorisation, org: o)
                        }
                    }
                }
                Section {
                    if o.isAdmin {
                        NavigationLink(L("org_apply")) { OrgApplyView(m: model.orgApply, org: o) }
                        NavigationLink(L("org_change")) { OrgChangeView(m: model.orgChange, org: o) }
                        NavigationLink(L("org_members")) { MembersView(m: model.members, org: o) }
                        NavigationLink(L("org_certificates")) { OrgCertificatesView(m: model.orgCertificates, org: o) }
                        NavigationLink(L("seal_approvals")) { SealApprovalsView(m: model.sealApprovals, org: o) }
                    } else {
                        Text(L("user_role_hint")).font(.caption).foregroundColor(.secondary)
                    }
                    NavigationLink(L("org_seals")) { SealsView(m: model.seals, org: o) }
                    NavigationLink(L("home_usage")) { OrgUsageView(m: model.orgUsage, org: o) }
                    NavigationLink(L("claims")) { ClaimsView(m: model.claims) }
                }
            }
        }
        .navigationTitle(L("org_detail"))
        .task { await m.reload() }
    }
}

/// 【CA 授权】: 审批进度, then the letter (template, photo, 【提交申请】) or the legal
/// representative's face check.
struct OrgAuthorisationView: View {
    @EnvironmentObject var model: AppModel
    @ObservedObject var m: AuthorisationModel
    let org: OrganisationView
    @State private var picking = false
    @State private var template: URL?

    var body: some View {
        Form {
            if let a = m.authorisation {
                Section(L("progress")) {
                    Tag(text: authText(a), color: authColor(a.status))
                    ProgressStepsView(steps: a.progress)
                    if a.status == "rejected", let reason = a.rejectReason { Text(L("reject_reason", reason)).foregroundColor(.red) }
                }
                if a.approved {
                    Text(L("auth_approved_hint")).foregroundColor(.green)
                } else if a.pending {
                    Text(L("auth_pending_hint")).foregroundColor(.blue)
                } else {
                    Picker(L("ca_authorisation"), selection: $m.method) {
                        Text(L("auth_letter")).tag(AuthorisationModel.Method.letter)
                        Text(L("auth_face")).tag(AuthorisationModel.Method.face)
                    }.pickerStyle(.segmented)
                    if m.method == .letter {
                        Section {
                            Text(L("letter_step1"))
                            Button(L("download_template")) { Task { await saveTemplate() } }
                            if let url = template { ShareLink(item: url) { Text(L("template_saved")) } }
                            Text(L("letter_step2"))
                            if let f = m.picked { Text(L("picked_file", f.name, ByteCountFormatter.string(fromByteCount: Int64(f.bytes.count), countStyle: .file))) }
                            Button(L("pick_file")) { picking = true }
                        }
                        Button(L("submit_application")) { Task { if await m.submitLetter() { await model.orgs.reload() } } }
                    } else {
                        Section {
                            Text(L("face_hint"))
                            TextField(L("legal_rep_phone"), text: $m.legalRepPhone)
                        }
                        Button(L("face_submit")) { Task { if await m.submitFace(faceToken: await FaceCheck.run()) { await model.orgs.reload() } } }
                    }
                }
            }
            if case let .failed(problem) = m.state { Text(problem.message).foregroundColor(.red) }
        }
        .navigationTitle(L("ca_authorisation"))
        .onAppear { m.load(org) }
        .fileImporter(isPresented: $picking, allowedContentTypes: [.image, .pdf]) { result in
            if let f = pickedFile(result) { m.pick(f) }
        }
    }

    /// The template as a file the share sheet offers (save to Files, print, send).
    private func saveTemplate() async {
        guard let pdf = await m.template() else { return }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("authorisation-letter.pdf")
        if (try? pdf.write(to: url)) != nil { template = url }
    }
}

/// 【申请单位证书】: product, period, the 营业执照; a rejected application is sent back.
struct OrgApplyView: View {
    @ObservedObject var m: OrgApplyModel
    let org: OrganisationView
    @State private var picking = false

    var body: some View {
        Form {
            if !org.authorisation.approved {
                Text(L("authorise_first")).foregroundColor(.orange)
            } else {
                if let r = m.rejected {
                    Section {
                        HStack { Text(L("order_no", r.id)); Spacer(); Tag(text: r.statusLabel, color: .red) }
                        if let reason = r.rejectReason { Text(L("reject_reason", reason)).foregroundColor(.red) }
                        Text(L("resubmit_hint")).font(.caption).foregroundColor(.secondary)
                    }
                } else {
                    Picker(L("product"), selection: $m.selected) {
                        ForEach(m.products, id: \.id) { p in
                            Text(p.name + "  " + L("price_per_year", Display.yuan(p.priceFenPerYear))).tag(Optional(p.id))
                        }
                    }
                    Picker(L("years"), selection: $m.years) {
                        ForEach(Int64(1)...3, id: \.self) { Text(L("years_n", Int($0))).tag($0) }
                    }.pickerStyle(.segmented)
                    Field(L("amount"), L("yuan", Display.yuan(m.amountFen())))
                }
                Section(L("materials")) {
                    Text(L("business_licence"))
                    if let f = m.licence { Text(L("picked_file", f.name, ByteCountFormatter.string(fromByteCount: Int64(f.bytes.count), countStyle: .file))) }
                    else { Text(L("licence_hint")).font(.caption).foregroundColor(.secondary) }
                    Button(L("pick_file")) { picking = true }
                }
                switch m.state {
                case .busy: ProgressView()
                case .submitted: Text(L("org_apply_submitted")).foregroundColor(.blue)
                case let .failed(problem): Text(problem.message).foregroundColor(.red)
                case .editing: EmptyView()
                }
                Button(L(m.rejected != nil ? "resubmit" : "submit_order")) {
                    Task { if m.rejected != nil { await m.resubmit() } else { await m.submit() } }
                }
                if !m.orders.isEmpty {
                    Section(L("org_applications")) {
                        ForEach(m.orders, id: \.id) { o in
                            HStack {
                                VStack(alignment: .leading) {
                                    Text(L("order_no", o.id))
                                    Text(Display.beijingTime(o.createdAt)).font(.caption).foregroundColor(.secondary)
                                }
                                Spacer()
                                Text(o.statusLabel).font(.caption)
                            }
                        }
                    }
                }
            }
        }
        .navigationTitle(L("org_apply"))
        .task { await m.load(org) }
        .fileImporter(isPresented: $picking, allowedContentTypes: [.image, .pdf]) { result in
            if let f = pickedFile(result) { m.pick(f) }
        }
    }
}
