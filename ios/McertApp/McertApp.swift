import McertFFI
import McertKit
import SwiftUI

/// Opens the core once: key store in Application Support, the device secret in the Keychain.
@MainActor
final class AppModel: ObservableObject {
    let core: CertCore
    let login: LoginModel
    let platforms: PlatformModel
    let home: HomeModel
    let identity: IdentityModel
    let apply: ApplyModel
    let orders: OrdersModel
    let orderDetail: OrderDetailModel
    let invoices: InvoicesModel
    let billing: BillingProfilesModel
    let payers: PayerAccountsModel
    let certificates: CertificatesModel
    let scan: ScanModel
    let usage: UsageModel
    let orgs: OrgsModel
    let registerOrg: RegisterOrgModel
    let authorisation: AuthorisationModel
    let orgApply: OrgApplyModel
    let orgChange: OrgChangeModel
    let members: MembersModel
    let orgCertificates: OrgCertificatesModel
    let claims: ClaimsModel
    let orgUsage: OrgUsageModel
    let seals: SealsModel
    let sealApprovals: SealApprovalsModel
    let sealGrants: SealGrantsModel
    let signature: SignatureModel
    let changePin: ChangePinModel
    let reportLost: ReportLostModel
    let reissue: ReissueModel
    let renewal: RenewalModel
    let moveOut: MoveToNewPhoneModel
    let moveIn: MoveFromOldPhoneModel

    init() throws {
        let dir = try FileManager.default.url(for: .applicationSupportDirectory, in: .userDomainMask, appropriateFor: nil, create: true)
            .appendingPathComponent("mcert")
        let server = Bundle.main.object(forInfoDictionaryKey: "MCertServerURL") as? String ?? "https://mcert.example.cn"
        setLanguage(tag: Locale.preferredLanguages.first ?? "zh-CN")
        let app = try McertApp(home: dir.path, serverUrl: server, secrets: KeychainSecretStore())
        core = FfiCertCore(app: app)
        login = LoginModel(core: core)
        platforms = PlatformModel(core: core)
        home = HomeModel(core: core)
        identity = IdentityModel(core: core)
        apply = ApplyModel(core: core)
        orders = OrdersModel(core: core)
        let clipboard = Pasteboard()
        orderDetail = OrderDetailModel(core: core, clipboard: clipboard)
        invoices = InvoicesModel(core: core, clipboard: clipboard)
        billing = BillingProfilesModel(core: core)
        payers = PayerAccountsModel(core: core)
        certificates = CertificatesModel(core: core)
        scan = ScanModel(core: core)
        usage = UsageModel(core: core)
        orgs = OrgsModel(core: core)
        registerOrg = RegisterOrgModel(core: core)
        authorisation = AuthorisationModel(core: core)
        orgApply = OrgApplyModel(core: core)
        orgChange = OrgChangeModel(core: core)
        members = MembersModel(core: core)
        orgCertificates = OrgCertificatesModel(core: core)
        claims = ClaimsModel(core: core)
        orgUsage = OrgUsageModel(core: core)
        seals = SealsModel(core: core)
        sealApprovals = SealApprovalsModel(core: core)
        sealGrants = SealGrantsModel(core: core)
        signature = SignatureModel(core: core)
        changePin = ChangePinModel(core: core)
        reportLost = ReportLostModel(core: core)
        reissue = ReissueModel(core: core)
        renewal = RenewalModel(core: core)
        moveOut = MoveToNewPhoneModel(core: core)
        moveIn = MoveFromOldPhoneModel(core: core)
    }
}

@main
struct McertMain: App {
    @StateObject private var model = try! AppModel()

    var body: some Scene {
        WindowGroup { RootView().environmentObject(model) }
    }
}

/// Login → platform → home, as on Android.
struct RootView: View {
    @EnvironmentObject var model: AppModel
    @State private var stage = 0

    var body: some View {
        NavigationStack {
            switch stage {
            case 0: LoginView(login: model.login) { stage = 1 }
            case 1: PlatformChoiceView(platforms: model.platforms) { stage = 2 }
            default: HomeView()
            }
        }
        .task { if await model.core.isLoggedIn() { stage = 2 } }
    }
}
