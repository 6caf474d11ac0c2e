package cn.mcert.app.ui

import androidx.compose.foundation.background
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.layout.statusBarsPadding
import androidx.compose.foundation.shape.CircleShape
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.KeyboardArrowRight
import androidx.compose.material.icons.automirrored.outlined.Logout
import androidx.compose.material.icons.automirrored.outlined.ReceiptLong
import androidx.compose.material.icons.outlined.AccountBalance
import androidx.compose.material.icons.outlined.Badge
import androidx.compose.material.icons.outlined.Business
import androidx.compose.material.icons.outlined.Description
import androidx.compose.material.icons.outlined.History
import androidx.compose.material.icons.outlined.Language
import androidx.compose.material.icons.outlined.Person
import androidx.compose.material.icons.outlined.Receipt
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.vector.ImageVector
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import cn.mcert.app.core.Language
import cn.mcert.app.core.Texts
import cn.mcert.app.state.AppModels

/**
 * 【我的】: the account, real-name state, 我的单位, records; 我的订单, 发票管理, 开票信息, 打款账户;
 * the language, logging out.
 */
@Composable
fun MeScreen(models: AppModels, go: (Route) -> Unit, version: String) {
    val summary by models.home.summary.collectAsState()
    val language by Texts.language.collectAsState()
    LaunchedEffect(Unit) { models.home.refresh() }
    val identity = summary?.identity
    Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        Row(
            Modifier.fillMaxWidth().background(Brand.Blue).statusBarsPadding().padding(20.dp),
            verticalAlignment = Alignment.CenterVertically,
        ) {
            Box(Modifier.size(56.dp).background(Color.White.copy(alpha = 0.2f), CircleShape), contentAlignment = Alignment.Center) {
                Icon(Icons.Outlined.Person, contentDescription = null, tint = Color.White, modifier = Modifier.size(32.dp))
            }
            Column(Modifier.padding(start = 14.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                Text(identity?.name ?: tr("tab_me"), color = Color.White, style = MaterialTheme.typography.titleLarge)
                Text(
                    if (identity != null) tr("verified_as", identity.name, identity.idNumberMasked) else tr("not_verified"),
                    color = Color.White.copy(alpha = 0.85f),
                    style = MaterialTheme.typography.bodySmall,
                )
            }
        }
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
            Panel {
                Column {
                    Item(Icons.Outlined.Badge, tr("identity"), if (identity != null) tr("status_good") else tr("verify_now"), "me_identity") {
                        if (identity == null) go(Route.Identity)
                    }
                    HorizontalDivider(color = Brand.Line)
                    Item(Icons.Outlined.Business, tr("my_orgs"), null, "me_orgs") { go(Route.Orgs) }
                    HorizontalDivider(color = Brand.Line)
                    Item(Icons.Outlined.History, tr("home_usage"), null, "me_usage") { go(Route.Usage) }
                }
            }
            Panel {
                Column {
                    Item(Icons.AutoMirrored.Outlined.ReceiptLong, tr("home_orders"), null, "me_orders") { go(Route.Orders) }
                    HorizontalDivider(color = Brand.Line)
                    Item(Icons.Outlined.Receipt, tr("invoices"), null, "me_invoices") { go(Route.Invoices) }
                    HorizontalDivider(color = Brand.Line)
                    Item(Icons.Outlined.Description, tr("billing_profiles"), null, "me_billing") { go(Route.BillingProfiles) }
                    HorizontalDivider(color = Brand.Line)
                    Item(Icons.Outlined.AccountBalance, tr("payer_accounts"), null, "me_payers") { go(Route.PayerAccounts) }
                }
            }
            Panel {
                Column {
                    Item(
                        Icons.Outlined.Language,
                        tr("language"),
                        tr(if (language == Language.EN) "language_en" else "language_zh"),
                        "me_language",
                    ) { models.setLanguage(if (language == Language.EN) Language.ZH else Language.EN) }
                    HorizontalDivider(color = Brand.Line)
                    Item(Icons.AutoMirrored.Outlined.Logout, tr("logout"), null, "me_logout") {
                        models.run {
                            if (models.logout()) go(Route.Login)
                        }
                    }
                }
            }
            if (version.isNotEmpty()) {
                Text(
                    tr("version", version),
                    style = MaterialTheme.typography.bodySmall,
                    color = MaterialTheme.colorScheme.onSurfaceVariant,
                    modifier = Modifier.align(Alignment.CenterHorizontally),
                )
            }
        }
    }
}

@Composable
private fun Item(icon: ImageVector, title: String, value: String?, tag: String, onClick: () -> Unit) {
    Row(
        Modifier.fillMaxWidth().clickable(onClick = onClick).padding(horizontal = 16.dp, vertical = 14.dp).testTag(tag),
        verticalAlignment = Alignment.CenterVertically,
    ) {
        Icon(icon, contentDescription = null, tint = Brand.Blue, modifier = Modifier.size(22.dp))
        Text(title, style = MaterialTheme.typography.bodyLarge, modifier = Modifier.weight(1f).padding(start = 12.dp))
        value?.let { Text(it, color = MaterialTheme.colorScheme.onSurfaceVariant, style = MaterialTheme.typography.bodyMedium) }
        Icon(Icons.AutoMirrored.Filled.KeyboardArrowRight, contentDescription = null, tint = MaterialTheme.colorScheme.outline)
    }
}
