import McertFFI
import McertKit
import SwiftUI

/// 【印章管理】 (mirror of android SealScreens.kt): the seals with their cleaned pictures; an admin
/// applies from a photo (the draft shown before submitting) and claims with the PIN.
struct SealsView: View {
    @EnvironmentObject var model: AppModel
    @ObservedObject var m: SealsModel
    let org: OrganisationView
    @State private var applying = false

    var body: some View {
        Group {
            if let claim = m.claiming {
                VStack {
                    Text(L("seal_claim_title")).font(.headline)
                    Text(claim.0.name)
                    PinPadView(pad: claim.1) { pin in Task { await m.claim(pin: pin) } }
                }
            } else {
                List {
                    if let p = m.problem { Text(p.message).foregroundColor(.red) }
                    if m.seals.isEmpty { Text(L("seals_empty_hint")).foregroundColor(.secondary) }
                    ForEach(m.seals, id: \.id) { seal in
                        HStack {
                            SealImage(png: m.pictures[seal.id], size: 56)
                            VStack(alignment: .leading, spacing: 2) {
                                Text(seal.name).font(.headline)
                                Text(seal.kindLabel).font(.caption).foregroundColor(.secondary)
                                if let r = seal.rejectReason, seal.status == "rejected" {
                                    Text(r).font(.caption).foregroundColor(.red)
                                }
                            }
                            Spacer()
                            Text(seal.statusLabel).font(.caption)
                        }
                        if m.canManage {
                            if seal.status == "draft" || seal.status == "rejected" {
                                Button(L("seal_submit")) { Task { await m.submit(seal) } }
                            } else if seal.status == "approved" {
                                Button(L("seal_claim")) { m.startClaim(seal) }
                            } else if seal.status == "claimed" {
                                NavigationLink(L("seal_grants")) {
                                    SealGrantsView(m: model.sealGrants, org: org, seal: seal)
                                }
                            }
                        }
                    }
                    if m.canManage {
                        Button(L("seal_apply")) { applying = true }
                    }
                }
            }
        }
        .navigationTitle(L("org_seals"))
        .task { await m.load(org) }
        .sheet(isPresented: $applying) { NavigationStack { SealApplyView(m: m) } }
    }
}

/// The seal's picture, or a red ring where it is not loaded.
struct SealImage: View {
    let png: Data?
    let size: CGFloat

    var body: some View {
        if let data = png, let image = UIImage(data: data) {
            Image(uiImage: image).resizable().scaledToFit().frame(width: size, height: size)
        } else {
            Circle().stroke(Color.red, lineWidth: 3).frame(width: size, height: size)
        }
    }
}

/// 【申请印章】: kind, name, bound certificate, photo; then the cleaned picture to submit.
struct SealApplyView: View {
    @ObservedObject var m: SealsModel
    @Environment(\.dismiss) private var dismiss
    @State private var picking = false
    private let kinds = ["official", "contract", "finance", "invoice", "legal_representative"]

    var body: some View {
        Form {
            if let draft = m.draft {
                Section(L("seal_preview")) {
                    SealImage(png: m.pictures[draft.id], size: 160)
                    Text(draft.kindLabel + " · " + draft.name)
                }
                Button(L("seal_submit")) { Task { if await m.submit(draft) { dismiss() } } }
            } else {
                Picker(L("seal_kind"), selection: $m.kind) {
                    ForEach(kinds, id: \.self) { k in Text(kindText(k)).tag(k) }
                }
                TextField(L("seal_name"), text: $m.name)
                Picker(L("seal_certificate"), selection: $m.slot) {
                    ForEach(m.slots, id: \.entitlementId) { s in
                        Text(Display.shortSerial(s.certificateSerial ?? "")).tag(Optional(s.entitlementId))
                    }
                }
                Button(m.photo == nil ? L("seal_photo_hint") : L("seal_photo_ready")) { picking = true }
                if let p = m.problem { Text(p.message).foregroundColor(.red) }
                Button(L("seal_make")) { Task { await m.apply() } }.disabled(m.busy)
            }
        }
        .navigationTitle(L("seal_apply"))
        .task { await m.startApply() }
        .fileImporter(isPresented: $picking, allowedContentTypes: [.image]) { result in
            if let f = pickedFile(result) { m.photo = f.bytes }
        }
    }
}

/// 【用印授权】 (mirror of OrgSealGrantsScreen): the seal's grants with their limits, withdraw
/// one, and give the seal to a member for projects, days and approval.
struct SealGrantsView: View {
    @ObservedObject var m: SealGrantsModel
    let org: OrganisationView
    let seal: SealView

    var body: some View {
        Form {
            if let p = m.problem { Text(p.message).foregroundColor(.red) }
            Section(L("seal_grants")) {
                if m.grants.isEmpty { Text(L("grants_empty")).foregroundColor(.secondary) }
                ForEach(m.grants, id: \.id) { g in
                    VStack(alignment: .leading, spacing: 2) {
                        HStack {
                            Text(g.memberName).font(.headline)
                            Spacer()
                            Text(g.statusLabel).font(.caption)
                        }
                        Text(g.limits).font(.caption).foregroundColor(.secondary)
                        if g.status == "active" {
                            Button(L("grant_revoke")) { Task { await m.revoke(g) } }.disabled(m.busy)
                        }
                    }
                }
            }
            Section {
                Picker(L("grant_member"), selection: $m.member) {
                    ForEach(m.members, id: \.id) { member in Text(member.name).tag(Optional(member.id)) }
                }
                TextField(L("grant_projects"), text: $m.projects)
                TextField(L("grant_from"), text: $m.validFrom)
                TextField(L("grant_to"), text: $m.validTo)
                Toggle(L("grant_approval"), isOn: $m.approvalRequired)
                Button(L("grant_do")) { Task { await m.grant() } }.disabled(m.busy)
            }
        }
        .navigationTitle(L("seal_grants"))
        .task { await m.open(org, seal: seal) }
    }
}

/// The name of a seal kind, in the app's language.
private func kindText(_ kind: String) -> String {
    switch kind {
    case "contract": return L("seal_kind_contract")
    case "finance": return L("seal_kind_finance")
    case "invoice": return L("seal_kind_invoice")
    case "legal_representative": return L("seal_kind_legal_representative")
    default: return L("seal_kind_official")
    }
}

/// 【用印审批】: the uses waiting for an admin; approving asks the admin's own PIN.
struct SealApprovalsView: View {
    @ObservedObject var m: SealApprovalsModel
    let org: OrganisationView

    var body: some View {
        Group {
            if let pending = m.approving {
                VStack {
                    Text(L("approve_title")).font(.headline)
                    PinPadView(pad: pending.2) { pin in Task { await m.approve(pin: pin) } }
                }
            } else {
                List {
                    if let p = m.problem { Text(p.message).foregroundColor(.red) }
                    if m.approvals.isEmpty { Text(L("approvals_empty")).foregroundColor(.secondary) }
                    ForEach(m.approvals, id: \.id) { a in
                        VStack(alignment: .leading, spacing: 4) {
                            Text(L("approval_use", a.memberName, a.sealName)).font(.headline)
                            Text(a.platformName).font(.caption)
                            if let code = a.projectCode { Field(L("project_code"), code) }
                            if let doc = a.documentName { Field(L("document"), doc) }
                            Text(a.statusLabel).font(.caption)
                            if a.status == "pending" {
                                HStack {
                                    Button(L("refuse")) { Task { await m.refuse(a) } }
                                    Spacer()
                                    Button(L("approve")) { Task { await m.startApprove(a) } }
                                }
                            }
                        }
                    }
                }
            }
        }
        .navigationTitle(L("seal_approvals"))
        .task { await m.load(org) }
    }
}

/// 【电子印章】 (mirror of SealsHubScreen.kt): the 签章图片 of each good personal certificate on
/// this phone, and 【印章管理】 of each organisation.
struct SealsHubView: View {
    @EnvironmentObject var model: AppModel
    @ObservedObject var certificates: CertificatesModel
    @ObservedObject var orgs: OrgsModel

    var body: some View {
        List {
            Section(L("signature_picture")) {
                let personal = certificates.items.filter {
                    !$0.subject.isOrganisation && $0.certificate.status == "good" && $0.key != nil
                }
                if personal.isEmpty { Text(L("seals_hub_no_personal")).foregroundColor(.secondary) }
                ForEach(personal, id: \.certificate.serial) { item in
                    NavigationLink {
                        SignatureScreen(m: model.signature, serial: item.certificate.serial)
                    } label: {
                        VStack(alignment: .leading, spacing: 2) {
                            Text(item.subject.commonName ?? "—").font(.headline)
                            Text(L("serial") + " " + Display.shortSerial(item.certificate.serial)).font(.caption)
                        }
                    }
                }
            }
            Section(L("org_seals")) {
                if orgs.orgs.isEmpty { Text(L("seals_hub_no_org")).foregroundColor(.secondary) }
                ForEach(orgs.orgs, id: \.id) { org in
                    NavigationLink { SealsView(m: model.seals, org: org) } label: {
                        VStack(alignment: .leading, spacing: 2) {
                            Text(org.name).font(.headline)
                            Text(org.creditCode).font(.caption)
                        }
                    }
                }
            }
        }
        .navigationTitle(L("seals_hub_title"))
        .task {
            await certificates.refresh()
            await orgs.refresh()
        }
    }
}

/// 【签章图片】: the 签章图片告知函 with 【同意】, or the name seal with its state.
struct SignatureScreen: View {
    @ObservedObject var m: SignatureModel
    let serial: String
    @Environment(\.dismiss) private var dismiss

    var body: some View {
        Group {
            if m.writing {
                SignaturePadView(m: m)
            } else {
                List {
                    if let p = m.problem { Text(p.message).foregroundColor(.red) }
                    if let n = m.notice {
                        Section(n.title) {
                            ForEach(n.paragraphs, id: \.self) { Text($0) }
                        }
                        Section {
                            Text(L("signature_name_seal_hint")).font(.footnote)
                            Button(L("signature_agree")) { Task { await m.agree() } }.disabled(m.busy)
                            Button(L("signature_write")) { m.startWriting() }.disabled(m.busy)
                            Button(L("signature_later")) { dismiss() }
                        }
                    } else {
                        if let s = m.current {
                            Section {
                                SealImage(png: m.picture, size: 120)
                                Text(s.name)
                                Text(s.sourceLabel + " · " + s.statusLabel).font(.footnote)
                                Text(L("signature_ready_hint")).font(.footnote)
                            }
                            Button(L("signature_remake")) { Task { await m.remake() } }.disabled(m.busy)
                        }
                        if let h = m.handwritten { handwrittenSection(h) }
                    }
                }
            }
        }
        .navigationTitle(L("signature_picture"))
        .task { await m.load(serial: serial) }
    }

    /// A handwritten signature on its way: the cleaned picture, its state, what can be done.
    @ViewBuilder
    private func handwrittenSection(_ h: SignatureView) -> some View {
        Section {
            if let data = m.handwrittenPicture, let image = UIImage(data: data) {
                Image(uiImage: image).resizable().scaledToFit().frame(width: 240, height: 80)
            }
            Text(h.sourceLabel + " · " + h.statusLabel).font(.footnote)
            if h.status == "rejected", let reason = h.rejectReason {
                Text(String(format: L("signature_rejected_reason"), reason)).foregroundColor(.red).font(.footnote)
            }
            if h.status == "draft" { Text(L("signature_draft_hint")).font(.footnote) }
            if h.status == "pending_review" { Text(L("signature_pending_hint")).font(.footnote) }
            if h.status == "draft" || h.status == "rejected" {
                Button(L(h.status == "draft" ? "signature_submit" : "signature_resubmit")) { Task { await m.submit() } }
                    .disabled(m.busy)
                Button(L("signature_rewrite")) { Task { await m.remake() } }.disabled(m.busy)
            }
        }
    }
}

/// The signature pad: write with a finger; 【清除】, 【拍照上传】, 【取消】, 【完成】.
struct SignaturePadView: View {
    @ObservedObject var m: SignatureModel
    @State private var picking = false
    @State private var drawing = false

    var body: some View {
        VStack(alignment: .leading, spacing: 12) {
            Text(L("signature_pad_title")).font(.headline)
            GeometryReader { geo in
                ZStack {
                    Color.white
                    Path { path in
                        for stroke in m.strokes {
                            guard let first = stroke.first else { continue }
                            path.move(to: CGPoint(x: CGFloat(first.x), y: CGFloat(first.y)))
                            for p in stroke.dropFirst() { path.addLine(to: CGPoint(x: CGFloat(p.x), y: CGFloat(p.y))) }
                        }
                    }
                    .stroke(Color(white: 0.1), style: StrokeStyle(lineWidth: 3, lineCap: .round, lineJoin: .round))
                }
                .border(Color.gray)
                .gesture(
                    DragGesture(minimumDistance: 0)
                        .onChanged { v in
                            let p = PadPoint(x: Float(v.location.x), y: Float(v.location.y))
                            if drawing { m.penMove(p) } else { drawing = true; m.penDown(p) }
                        }
                        .onEnded { _ in drawing = false }
                )
                .overlay(alignment: .bottom) {
                    HStack(spacing: 12) {
                        Button(L("signature_cancel")) { m.cancelWriting() }
                        Button(L("signature_clear")) { m.clearPad() }
                        Button(L("signature_photo")) { picking = true }.disabled(m.busy)
                        Button(L("signature_done")) {
                            Task { await m.finishWriting(width: Float(geo.size.width), height: Float(geo.size.height)) }
                        }
                        .disabled(m.busy)
                    }
                    .offset(y: 48)
                }
            }
            .frame(height: 200)
            .padding(.bottom, 56)
            if let p = m.problem { Text(p.message).foregroundColor(.red) }
            Text(L("signature_pad_hint")).font(.footnote)
            Spacer()
        }
        .padding()
        .fileImporter(isPresented: $picking, allowedContentTypes: [.image]) { result in
            if let f = pickedFile(result) { Task { await m.usePhoto(f.bytes) } }
        }
    }
}
