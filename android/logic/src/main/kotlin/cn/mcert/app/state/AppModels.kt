package cn.mcert.app.state

import cn.mcert.app.core.AppError
import cn.mcert.app.core.CertCore
import cn.mcert.app.core.HostClipboard
import cn.mcert.app.core.Language
import cn.mcert.app.core.Texts
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.launch

/**
 * The state holders of every screen, for the app's lifetime, and the scope their actions run
 * in (the Android view model's scope in the app, a test scope on the desktop); [clipboard] is the
 * host's (account numbers and share links are copied to it).
 */
class AppModels(val core: CertCore, private val scope: CoroutineScope, clipboard: HostClipboard = HostClipboard.None) {
    val login = LoginModel(core)
    val platforms = PlatformModel(core)
    val home = HomeModel(core)
    val identity = IdentityModel(core)
    val apply = ApplyModel(core)
    val orders = OrdersModel(core)
    val orderDetail = OrderDetailModel(core, clipboard)
    val invoices = InvoicesModel(core, clipboard)
    val billing = BillingProfilesModel(core)
    val payers = PayerAccountsModel(core)
    val certificates = CertificatesModel(core)
    val scan = ScanModel(core)
    val usage = UsageModel(core)
    val orgs = OrgsModel(core)
    val registerOrg = RegisterOrgModel(core)
    val authorisation = AuthorisationModel(core)
    val orgApply = OrgApplyModel(core)
    val orgChange = OrgChangeModel(core)
    val members = MembersModel(core)
    val orgCertificates = OrgCertificatesModel(core)
    val claims = ClaimsModel(core)
    val orgUsage = OrgUsageModel(core)
    val seals = SealsModel(core)
    val sealGrants = SealGrantsModel(core)
    val sealApprovals = SealApprovalsModel(core)
    val signature = SignatureModel(core)
    val changePin = ChangePinModel(core)
    val reportLost = ReportLostModel(core)
    val reissue = ReissueModel(core)
    val renewal = RenewalModel(core)
    val migration = MigrationModel(core, clipboard)
    val migrationIn = MigrationInModel(core)

    /** Runs a state holder's action in the models' scope. */
    fun run(action: suspend () -> Unit): Job = scope.launch { action() }

    /** The app's language setting: the screens' texts and the core's messages switch together. */
    fun setLanguage(language: Language) {
        Texts.use(language)
        core.setLanguage(language.tag)
    }

    /** 【退出登录】; false (with nothing changed) when the core refused. */
    suspend fun logout(): Boolean =
        try {
            core.logout()
            true
        } catch (e: AppError) {
            false
        }
}
