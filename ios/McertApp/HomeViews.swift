import McertFFI
import McertKit
import SwiftUI

/// 【主页】: 【数字证书】【扫码】【授权管理】【使用记录】【我的订单】.
struct HomeView: View {
    @EnvironmentObject var model: AppModel

    var body: some View {
        HomeContent(home: model.home)
    }
}

private struct HomeContent: View {
    @EnvironmentObject var model: AppModel
    @ObservedObject var home: HomeModel

    var body: some View {
        List {
            Section {
                if let id = home.summary?.identity {
                    Text(L("verified_as", id.name, id.idNumberMasked))
                } else {
                    NavigationLink {
                        IdentityFormView(m: model.identity)
                    } label: {
                        VStack(alignment: .leading, spacing: 2) {
                            Text(L("not_verified"))
                            Text(L("not_verified_hint")).font(.caption).foregroundColor(.secondary)
                        }
                    }
                }
                if let summary = home.summary {
                    Text(L("home_on_phone", summary.certificatesOnPhone))
                    if summary.slotsToInstall > 0 {
                        NavigationLink(L("home_slots", summary.slotsToInstall)) { CertificatesView(m: model.certificates) }
                    }
                    if summary.claims > 0 {
                        NavigationLink(L("claims_notice", summary.claims)) { ClaimsView(m: model.claims) }
                    }
                }
            }
            Section {
                ForEach(home.entries, id: \.self) { entry in
                    NavigationLink(home.label(entry)) { destination(entry) }
                }
            }
            NavigationLink(L("apply")) { ApplyView(m: model.apply) }
            Section {
                NavigationLink(L("invoices")) { InvoicesView(m: model.invoices) }
                NavigationLink(L("billing_profiles")) { BillingProfilesView(m: model.billing) }
                NavigationLink(L("payer_accounts")) { PayerAccountsView(m: model.payers) }
            }
            if let e = home.error { Text(e).foregroundColor(.red) }
        }
        .navigationTitle(L("app_name"))
        .task { await home.refresh() }
    }

    @ViewBuilder
    private func destination(_ e: HomeModel.Entry) -> some View {
        switch e {
        case .certificates: CertificatesView(m: model.certificates)
        case .scan: ScanScreen(scan: model.scan)
        case .seals: SealsHubView(certificates: model.certificates, orgs: model.orgs)
        case .authorization: OrgsView(m: model.orgs)
        case .usage: UsageView(m: model.usage)
        case .orders: OrdersView(m: model.orders)
        }
    }
}

/// A core that does nothing, for SwiftUI previews.
final class NoCore: CertCore {
    struct Unavailable: Error {}
    func isLoggedIn() async -> Bool { false }
    func requestCode(phone: String) async throws { throw Unavailable() }
    func login(phone: String, code: String) async throws -> AccountView { throw Unavailable() }
    func logout() async throws {}
    func platforms() async throws -> [PlatformView] { [] }
    func choosePlatform(id: String) async throws {}
    func identity() async throws -> IdentityView? { nil }
    func verifyIdentity(form: IdentityForm) async throws -> IdentityView { throw Unavailable() }
    func catalogue() async throws -> [ProductView] { [] }
    func placeOrder(productId: String, years: Int64) async throws -> OrderView { throw Unavailable() }
    func payAndWait(orderId: String) async throws -> OrderView { throw Unavailable() }
    func orders() async throws -> [OrderView] { [] }
    func pendingSlots() async throws -> [String] { [] }
    func install(entitlementId: String, algorithm: KeyAlgorithm, pin: String) async throws -> InstalledView { throw Unavailable() }
    func certificates() async throws -> [CertificateView] { [] }
    func localKeys() async throws -> [LocalKeyView] { [] }
    func changePin(keyId: String, oldPin: String, newPin: String) async throws {}
    func requestOwnCode() async throws -> String { throw Unavailable() }
    func reportLost(serial: String, smsCode: String) async throws {}
    func reissue(entitlementId: String, algorithm: KeyAlgorithm, pin: String, reason: ReissueKind) async throws -> InstalledView {
        throw Unavailable()
    }
    func currentSerials() async throws -> Set<String> { [] }
    func checkPin(_ pin: String) throws {}
    func scanFrame(luma: Data, width: Int, height: Int, rowStride: Int) async throws -> PendingScan { throw Unavailable() }
    func scanImage(_ image: Data) async throws -> PendingScan { throw Unavailable() }
    func confirm(scan: PendingScan, serial: String, pin: String) async throws -> ScanOutcome { throw Unavailable() }
    func stamp(scan: PendingScan, sealId: String, pin: String) async throws -> ScanOutcome { throw Unavailable() }
    func stampPlaces(scan: PendingScan, sealIds: [String], pins: [String: String]) async throws -> ScanOutcome { throw Unavailable() }
    func decline(scan: PendingScan) async throws -> ScanOutcome { throw Unavailable() }
    func usage(from: String?, to: String?, cursor: String?, limit: Int) async throws -> UsagePageView {
        UsagePageView(items: [], nextCursor: nil)
    }
    func slots() async throws -> [EntitlementView] { [] }
    func registerOrg(form: NewOrganisationForm) async throws -> OrganisationView { throw Unavailable() }
    func orgs() async throws -> [OrganisationView] { [] }
    func org(id: String) async throws -> OrganisationView { throw Unavailable() }
    func upload(orgId: String, purpose: String, bytes: Data) async throws -> UploadView { throw Unavailable() }
    func authoriseByFace(orgId: String, legalRepPhone: String, faceToken: String) async throws -> AuthorisationView { throw Unavailable() }
    func submitLetter(orgId: String, uploadId: String) async throws -> AuthorisationView { throw Unavailable() }
    func letterTemplate(orgId: String) async throws -> Data { throw Unavailable() }
    func members(orgId: String) async throws -> [MemberView] { [] }
    func addMember(orgId: String, form: NewMemberForm) async throws -> MemberView { throw Unavailable() }
    func changeRole(orgId: String, memberId: String, role: OrgRole) async throws {}
    func removeMember(orgId: String, memberId: String) async throws {}
    func applyForOrg(orgId: String, productId: String, years: Int64, materials: [String], idempotencyKey: String) async throws -> OrderView {
        throw Unavailable()
    }
    func orgOrders(orgId: String) async throws -> [OrderView] { [] }
    func resubmit(orderId: String, materials: [String]) async throws -> OrderView { throw Unavailable() }
    func orgCertificates(orgId: String) async throws -> [OrgCertificateView] { [] }
    func setOwner(orgId: String, entitlementId: String, form: OwnerForm) async throws {}
    func setHolder(orgId: String, entitlementId: String, memberId: String) async throws {}
    func orgUsage(orgId: String, filter: OrgUsageFilter, cursor: String?, limit: Int) async throws -> UsagePageView {
        UsagePageView(items: [], nextCursor: nil)
    }
    func cancelOrder(orderId: String) async throws -> OrderView { throw Unavailable() }
    func changeOrder(orderId: String, years: Int64) async throws -> OrderView { throw Unavailable() }
    func payByTransfer(orderId: String) async throws -> OrderView { throw Unavailable() }
    func requestInvoice(orderId: String, profileId: String?) async throws -> InvoiceView { throw Unavailable() }
    func invoices() async throws -> [InvoiceView] { [] }
    func invoicePdf(invoiceId: String) async throws -> Data { throw Unavailable() }
    func shareInvoice(invoiceId: String) async throws -> InvoiceShareView { throw Unavailable() }
    func billingProfiles() async throws -> [BillingProfileView] { [] }
    func addBillingProfile(form: BillingProfileForm) async throws -> BillingProfileView { throw Unavailable() }
    func updateBillingProfile(profileId: String, form: BillingProfileForm) async throws -> BillingProfileView { throw Unavailable() }
    func deleteBillingProfile(profileId: String) async throws {}
    func payerAccounts() async throws -> [PayerAccountView] { [] }
    func addPayerAccount(form: PayerAccountForm) async throws -> PayerAccountView { throw Unavailable() }
    func deletePayerAccount(payerId: String) async throws {}
    func seals(orgId: String) async throws -> [SealView] { [] }
    func applySeal(orgId: String, kind: String, name: String, entitlementId: String, photo: Data) async throws -> SealView { throw Unavailable() }
    func sealPicture(orgId: String, sealId: String) async throws -> Data { throw Unavailable() }
    func submitSeal(orgId: String, sealId: String) async throws -> SealView { throw Unavailable() }
    func claimSeal(orgId: String, sealId: String, serial: String, pin: String) async throws -> SealView { throw Unavailable() }
    func sealGrants(orgId: String, sealId: String) async throws -> [SealGrantView] { [] }
    func grantSeal(orgId: String, sealId: String, form: SealGrantForm) async throws -> SealGrantView { throw Unavailable() }
    func revokeSealGrant(orgId: String, sealId: String, grantId: String) async throws -> SealGrantView { throw Unavailable() }
    func sealApprovals(orgId: String) async throws -> [SealApprovalView] { [] }
    func approveSealUse(orgId: String, approvalId: String, serial: String, pin: String) async throws -> SealApprovalView { throw Unavailable() }
    func refuseSealUse(orgId: String, approvalId: String) async throws -> SealApprovalView { throw Unavailable() }
    func signatureNotice() async throws -> SignatureNoticeView { throw Unavailable() }
    func signatures() async throws -> [SignatureView] { [] }
    func makeNameSeal(serial: String, noticeVersion: String) async throws -> SignatureView { throw Unavailable() }
    func drawSignature(serial: String, noticeVersion: String, padWidth: Float, padHeight: Float, strokes: [[PadPoint]]) async throws -> SignatureView {
        throw Unavailable()
    }
    func photoSignature(serial: String, noticeVersion: String, photo: Data) async throws -> SignatureView { throw Unavailable() }
    func submitSignature(id: String) async throws -> SignatureView { throw Unavailable() }
    func signaturePicture(id: String) async throws -> Data { throw Unavailable() }
    func startRenewal(entitlementId: String, years: Int64) async throws -> RenewalView { throw Unavailable() }
    func renew(entitlementId: String, pin: String) async throws -> InstalledView { throw Unavailable() }
    func startMigration(entitlementId: String) async throws -> MigrationView { throw Unavailable() }
    func migration(migrationId: String) async throws -> MigrationView { throw Unavailable() }
    func approveMigration(migrationId: String, pin: String) async throws -> MigrationView { throw Unavailable() }
    func cancelMigration(migrationId: String) async throws -> MigrationView { throw Unavailable() }
    func requestMigration(qrText: String, pin: String) async throws -> MigrationView { throw Unavailable() }
    func finishMigration(migrationId: String, newKeyId: String, pin: String, timeoutSecs: UInt32) async throws -> InstalledView {
        throw Unavailable()
    }
    func readMoveCodeImage(image: Data) async throws -> String { throw Unavailable() }
}

/// 【申请证书】
struct ApplyView: View {
    @ObservedObject var m: ApplyModel

    var body: some View {
        Form {
            Picker(L("product"), selection: $m.selected) {
                ForEach(m.products, id: \.id) { p in
                    Text(p.name + "  " + L("price_per_year", Display.yuan(p.priceFenPerYear))).tag(Optional(p.id))
                }
            }
            Picker(L("years"), selection: $m.years) {
                ForEach(Int64(1)...3, id: \.self) { Text(L("years_n", Int($0))).tag($0) }
            }
            .pickerStyle(.segmented)
            Field(L("amount"), L("yuan", Display.yuan(m.amountFen())))
            switch m.state {
            case .ordered:
                Text(L("ordered"))
                Button(L("pay_now")) { Task { await m.pay() } }
            case let .paid(order):
                Field(L("paid"), order.statusLabel)
            case .busy:
                ProgressView()
            case let .failed(message, _):
                Text(message).foregroundColor(.red)
                Button(L("submit_order")) { Task { await m.order() } }
            case .choosing:
                Button(L("submit_order")) { Task { await m.order() } }
            }
        }
        .navigationTitle(L("apply"))
        .task { await m.load() }
    }
}

/// 【使用记录】: time (Beijing time), operation and platform, outcome.
struct UsageView: View {
    @ObservedObject var m: UsageModel

    var body: some View {
        List {
            HStack {
                TextField(L("from_date"), text: Binding(get: { m.from ?? "" }, set: { m.from = $0.isEmpty ? nil : String($0.prefix(10)) }))
                TextField(L("to_date"), text: Binding(get: { m.to ?? "" }, set: { m.to = $0.isEmpty ? nil : String($0.prefix(10)) }))
                Button(L("filter")) { Task { await m.refresh() } }
            }
            if m.items.isEmpty {
                VStack(alignment: .leading, spacing: 4) {
                    Text(L("usage_empty")).font(.headline)
                    Text(L("usage_empty_hint")).font(.caption).foregroundColor(.secondary)
                }
            } else {
                HStack {
                    VStack(alignment: .leading) {
                        Text(L("col_time"))
                        Text(L("beijing_time")).font(.caption2)
                    }.frame(width: 92, alignment: .leading)
                    Text(L("col_operation") + " / " + L("col_platform"))
                    Spacer()
                    Text(L("col_outcome"))
                }.font(.caption).foregroundColor(.secondary)
            }
            ForEach(Array(m.items.enumerated()), id: \.offset) { _, u in
                let time = Display.beijingTime(u.at).split(separator: " ", maxSplits: 1).map(String.init)
                HStack {
                    VStack(alignment: .leading) {
                        Text(time.first ?? u.at)
                        if time.count > 1 { Text(time[1]).foregroundColor(.secondary) }
                    }.font(.caption).frame(width: 92, alignment: .leading)
                    VStack(alignment: .leading) {
                        Text(u.operation)
                        Text(u.platformName).font(.caption).foregroundColor(.secondary).lineLimit(1)
                    }
                    Spacer()
                    Text(u.outcomeLabel).font(.caption)
                }
            }
            if m.hasMore { Button(L("load_more")) { Task { await m.loadMore() } } }
            if let e = m.error { Text(e).foregroundColor(.red) }
        }
        .navigationTitle(L("usage"))
        .task { await m.refresh() }
    }
}
