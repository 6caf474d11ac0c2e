package cn.mcert.app.ui

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.filled.Home
import androidx.compose.material.icons.filled.Person
import androidx.compose.material.icons.filled.VerifiedUser
import androidx.compose.material.icons.outlined.Home
import androidx.compose.material.icons.outlined.Person
import androidx.compose.material.icons.outlined.VerifiedUser
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.NavigationBar
import androidx.compose.material3.NavigationBarItem
import androidx.compose.material3.NavigationBarItemDefaults
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.key
import androidx.compose.runtime.mutableStateListOf
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.font.FontFamily
import cn.mcert.app.core.ReissueKind
import cn.mcert.app.core.Texts
import cn.mcert.app.state.AppModels
import cn.mcert.app.state.FrameReader

/** The screens, named as in the user manuals. */
enum class Route(val tab: Boolean = false) {
    Login, Platform,
    Home(tab = true), Certificates(tab = true), Me(tab = true),
    CertificateDetail, Install, Scan, Seals, Usage, Orders, Apply, Identity,

    // 签章图片: the notice and the name seal of a personal certificate.
    Signature,

    // 修改证书密码, 证书挂失, 证书补办 and 忘记密码 of a certificate.
    ChangePin, ReportLost, Reissue, ForgotPin,

    // 证书延期; 迁移到新手机 (the old phone) and 从旧手机迁移 (the new phone); 下载变更后的证书.
    Renewal, MigrationOut, MigrationIn, ChangeDownload,

    // Organisations: 我的单位 (the home grid's 授权管理 and 我的), and the pages of one.
    Orgs, OrgRegister, OrgDetail, OrgAuthorisation, OrgApply, OrgChange, OrgMembers, OrgMemberAdd,
    OrgCertificates, OrgOwner, OrgUsage, Claims, Claim,

    // Seals: 印章管理, 申请印章, 用印授权, 用印审批.
    OrgSeals, OrgSealApply, OrgSealGrants, OrgSealApprovals,

    // Paying and invoicing: 订单详情 (转账信息), 购买信息修改, 发票管理, 申请开票, 开票信息, 打款账户.
    OrderDetail, OrderChange, Invoices, InvoiceRequest, BillingProfiles, BillingProfileForm,
    PayerAccounts, PayerAccountAdd,
}

/** A back stack of routes; the bottom bar switches between the three tabs at its root. */
class Navigator(start: Route) {
    private val stack = mutableStateListOf(start)
    val current: Route get() = stack.last()
    val canGoBack: Boolean get() = stack.size > 1

    fun go(route: Route) {
        if (route.tab || route == Route.Login) {
            stack.clear()
        }
        stack.add(route)
    }

    fun back() {
        if (canGoBack) stack.removeAt(stack.lastIndex)
    }

    /** Replaces the current page (a form done gives way to what follows it). */
    fun replace(route: Route) {
        if (stack.size > 1) stack.removeAt(stack.lastIndex)
        go(route)
    }
}

/**
 * The whole app: login and platform choice, then the home with its bottom bar
 * (首页 / 证书 / 我的) and the pages it opens. [viewfinder] is the platform's camera preview
 * feeding the page's [FrameReader] (CameraX on Android; the tests pass a still).
 */
@Composable
fun McertApp(
    models: AppModels,
    nav: Navigator,
    fontFamily: FontFamily = FontFamily.Default,
    version: String = "",
    viewfinder: @Composable (FrameReader) -> Unit,
) {
    val language by Texts.language.collectAsState()
    McertTheme(fontFamily) {
        key(language) {
            val route = nav.current
            if (route.tab) {
                Scaffold(
                    containerColor = MaterialTheme.colorScheme.background,
                    bottomBar = { BottomBar(route, nav) },
                ) { padding ->
                    Column(Modifier.fillMaxSize().padding(padding)) { Screen(route, models, nav, version, viewfinder) }
                }
            } else {
                Screen(route, models, nav, version, viewfinder)
            }
        }
    }
}

@Composable
private fun Screen(route: Route, models: AppModels, nav: Navigator, version: String, viewfinder: @Composable (FrameReader) -> Unit) {
    // The pages that start a flow of their own start it afresh when opened.
    val go: (Route) -> Unit = { r ->
        if (r == Route.MigrationIn) models.migrationIn.start()
        nav.go(r)
    }
    val openSignature: (String) -> Unit = { serial ->
        models.run { models.signature.load(serial) }
        nav.go(Route.Signature)
    }
    val renew: (String) -> Unit = { serial ->
        models.run { models.renewal.start(serial) }
        nav.go(Route.Renewal)
    }
    val downloadChange: (String) -> Unit = { serial ->
        models.run { models.renewal.start(serial) }
        nav.go(Route.ChangeDownload)
    }
    val openSeals: (cn.mcert.app.core.Organisation) -> Unit = { org ->
        models.orgs.open(org)
        nav.go(Route.OrgSeals)
    }
    when (route) {
        Route.Login -> LoginScreen(models) { nav.go(Route.Platform) }
        Route.Platform -> PlatformScreen(models) { nav.go(Route.Home) }
        Route.Home -> HomeScreen(models, go)
        Route.Certificates -> CertificatesScreen(models, go, onBack = null, onChangeDownload = downloadChange)
        Route.Me -> MeScreen(models, nav::go, version)
        Route.CertificateDetail -> CertificateDetailScreen(
            models,
            nav::back,
            onSignature = openSignature,
            onChangePin = { keyId ->
                models.changePin.start(keyId)
                nav.go(Route.ChangePin)
            },
            onReportLost = { serial ->
                models.reportLost.start(serial)
                nav.go(Route.ReportLost)
            },
            onReissue = { certificate, reason ->
                models.reissue.start(certificate, reason)
                nav.go(if (reason == ReissueKind.PIN_RESET) Route.ForgotPin else Route.Reissue)
            },
            onRenew = renew,
            onMoveOut = { certificate ->
                models.run { models.migration.start(certificate) }
                nav.go(Route.MigrationOut)
            },
            onMoveIn = { go(Route.MigrationIn) },
            onChangeDownload = downloadChange,
        )
        Route.ChangePin -> ChangePinScreen(models) {
            models.run { models.certificates.refresh() }
            nav.back()
        }
        Route.ReportLost -> ReportLostScreen(models, nav::back)
        Route.Reissue, Route.ForgotPin -> ReissueScreen(models, nav::back, onSignature = openSignature)
        Route.Renewal -> RenewalScreen(models, nav::back, onSignature = openSignature, onSeals = openSeals)
        Route.ChangeDownload -> ChangedCertificateScreen(models, nav::back, onSignature = openSignature, onSeals = openSeals)
        Route.MigrationOut -> MigrationOutScreen(models, nav::back)
        Route.MigrationIn -> MigrationInScreen(models, nav::back, onSignature = openSignature, viewfinder = viewfinder)
        Route.Install -> InstallScreen(models, nav::back) { serial ->
            // A personal certificate just downloaded: the 签章图片告知函 comes next (seed 003 §7).
            nav.back()
            val personal = models.certificates.items.value.any { it.certificate.serial == serial && !it.subject.isOrganisation }
            if (personal) {
                models.run { models.signature.load(serial) }
                nav.go(Route.Signature)
            }
        }
        Route.Signature -> SignatureScreen(models, nav::back)
        Route.Scan -> ScanScreen(models, onClose = nav::back, viewfinder = viewfinder, onRenew = renew)
        Route.Seals -> SealsHubScreen(models, nav::go, nav::back)
        Route.Usage -> UsageScreen(models, nav::back)
        Route.Orders, Route.OrderDetail, Route.OrderChange, Route.Invoices, Route.InvoiceRequest,
        Route.BillingProfiles, Route.BillingProfileForm, Route.PayerAccounts, Route.PayerAccountAdd,
        -> CommerceScreen(route, models, nav)
        Route.Apply -> ApplyScreen(models, nav::back, onPaid = { nav.go(Route.Certificates) }, onIdentity = { nav.go(Route.Identity) })
        Route.Identity -> IdentityScreen(models, nav::back)
        else -> OrgScreen(route, models, nav)
    }
}

@Composable
private fun BottomBar(route: Route, nav: Navigator) {
    NavigationBar(containerColor = Color.White, modifier = Modifier.testTag("bottom_bar")) {
        val items = listOf(
            Triple(Route.Home, "tab_home", Icons.Filled.Home to Icons.Outlined.Home),
            Triple(Route.Certificates, "tab_certificates", Icons.Filled.VerifiedUser to Icons.Outlined.VerifiedUser),
            Triple(Route.Me, "tab_me", Icons.Filled.Person to Icons.Outlined.Person),
        )
        for ((r, text, icons) in items) {
            val selected = r == route
            NavigationBarItem(
                selected = selected,
                onClick = { if (!selected) nav.go(r) },
                icon = { Icon(if (selected) icons.first else icons.second, contentDescription = null) },
                label = { Text(tr(text)) },
                colors = NavigationBarItemDefaults.colors(
                    selectedIconColor = Brand.Blue,
                    selectedTextColor = Brand.Blue,
                    indicatorColor = Brand.BlueLight,
                ),
                modifier = Modifier.testTag("tab_${r.name}"),
            )
        }
    }
}
