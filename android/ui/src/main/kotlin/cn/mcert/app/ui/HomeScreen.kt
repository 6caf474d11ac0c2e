package cn.mcert.app.ui

import androidx.compose.foundation.background
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.layout.statusBarsPadding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.foundation.verticalScroll
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.KeyboardArrowRight
import androidx.compose.material.icons.automirrored.outlined.ReceiptLong
import androidx.compose.material.icons.outlined.Approval
import androidx.compose.material.icons.outlined.Download
import androidx.compose.material.icons.outlined.History
import androidx.compose.material.icons.outlined.ManageAccounts
import androidx.compose.material.icons.outlined.PhoneAndroid
import androidx.compose.material.icons.automirrored.outlined.NoteAdd
import androidx.compose.material.icons.outlined.QrCodeScanner
import androidx.compose.material.icons.outlined.VerifiedUser
import androidx.compose.material.icons.outlined.WarningAmber
import androidx.compose.material3.Button
import androidx.compose.material3.ButtonDefaults
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Brush
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.vector.ImageVector
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp
import cn.mcert.app.state.AppModels
import cn.mcert.app.state.HomeModel

private fun HomeModel.Entry.icon(): Pair<ImageVector, Color> = when (this) {
    HomeModel.Entry.Certificates -> Icons.Outlined.VerifiedUser to Brand.Blue
    HomeModel.Entry.Scan -> Icons.Outlined.QrCodeScanner to Brand.Teal
    HomeModel.Entry.Seals -> Icons.Outlined.Approval to Brand.Red
    HomeModel.Entry.Authorization -> Icons.Outlined.ManageAccounts to Brand.Orange
    HomeModel.Entry.Usage -> Icons.Outlined.History to Brand.Purple
    HomeModel.Entry.Orders -> Icons.AutoMirrored.Outlined.ReceiptLong to Brand.Green
}

private fun HomeModel.Entry.route(): Route = when (this) {
    HomeModel.Entry.Certificates -> Route.Certificates
    HomeModel.Entry.Scan -> Route.Scan
    HomeModel.Entry.Seals -> Route.Seals
    HomeModel.Entry.Authorization -> Route.Orgs
    HomeModel.Entry.Usage -> Route.Usage
    HomeModel.Entry.Orders -> Route.Orders
}

/** 【首页】: the banner with 【扫一扫】, the entry grid of the manuals, and what needs doing. */
@Composable
fun HomeScreen(models: AppModels, go: (Route) -> Unit) {
    val home = models.home
    val summary by home.summary.collectAsState()
    val error by home.error.collectAsState()
    LaunchedEffect(Unit) { home.refresh() }
    Column(
        Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background).verticalScroll(rememberScrollState()),
    ) {
        Banner(onScan = { go(Route.Scan) })
        Column(Modifier.padding(horizontal = 16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
            Panel(Modifier.padding(top = 12.dp)) { EntryGrid(home, go) }
            error?.let { ErrorText(it) }
            val s = summary
            if (s != null) {
                val identity = s.identity
                if (identity == null) {
                    Notice(
                        icon = Icons.Outlined.WarningAmber,
                        color = Brand.Orange,
                        title = tr("not_verified"),
                        text = tr("not_verified_hint"),
                        action = tr("verify_now"),
                        tag = "notice_identity",
                    ) { go(Route.Identity) }
                }
                if (s.slotsToInstall > 0) {
                    Notice(
                        icon = Icons.Outlined.Download,
                        color = Brand.Blue,
                        title = tr("home_slots", s.slotsToInstall),
                        text = tr("install_hint"),
                        action = tr("home_go_install"),
                        tag = "notice_install",
                    ) { go(Route.Install) }
                }
                if (s.claims > 0) {
                    Notice(
                        icon = Icons.Outlined.Download,
                        color = Brand.Teal,
                        title = tr("claims_notice", s.claims),
                        text = tr("home_claims_hint"),
                        action = tr("go_claim"),
                        tag = "notice_claims",
                    ) { go(Route.Claims) }
                }
                if (s.certificatesOnPhone == 0 && s.certificatesElsewhere > 0) {
                    Notice(
                        icon = Icons.Outlined.PhoneAndroid,
                        color = Brand.Teal,
                        title = tr("migration_in_notice"),
                        text = tr("migration_in_notice_hint"),
                        action = tr("migration_in"),
                        tag = "notice_migration_in",
                    ) { go(Route.MigrationIn) }
                }
                Panel {
                    Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
                        if (identity != null) {
                            Text(tr("verified_as", identity.name, identity.idNumberMasked), style = MaterialTheme.typography.bodyMedium)
                        }
                        Text(
                            tr("home_on_phone", s.certificatesOnPhone),
                            style = MaterialTheme.typography.bodyMedium,
                            color = MaterialTheme.colorScheme.onSurfaceVariant,
                        )
                    }
                }
            }
            Button(
                onClick = { go(Route.Apply) },
                modifier = Modifier.fillMaxWidth().height(48.dp).testTag("apply"),
                shape = RoundedCornerShape(24.dp),
            ) {
                Icon(Icons.AutoMirrored.Outlined.NoteAdd, contentDescription = null, modifier = Modifier.size(20.dp))
                Spacer(Modifier.size(6.dp))
                Text(tr("apply"))
            }
            Spacer(Modifier.height(12.dp))
        }
    }
}

@Composable
private fun Banner(onScan: () -> Unit) {
    Box(
        Modifier.fillMaxWidth()
            .background(Brush.verticalGradient(listOf(Brand.BlueDark, Brand.Blue)))
            .statusBarsPadding()
            .padding(horizontal = 20.dp, vertical = 20.dp),
    ) {
        Column(verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Text(tr("app_name"), color = Color.White.copy(alpha = 0.85f), style = MaterialTheme.typography.labelLarge)
            Text(tr("home_banner_title"), color = Color.White, style = MaterialTheme.typography.headlineSmall)
            Text(tr("home_banner_text"), color = Color.White.copy(alpha = 0.85f), style = MaterialTheme.typography.bodyMedium)
            Spacer(Modifier.height(6.dp))
            Button(
                onClick = onScan,
                colors = ButtonDefaults.buttonColors(containerColor = Color.White, contentColor = Brand.Blue),
                shape = RoundedCornerShape(20.dp),
                modifier = Modifier.testTag("banner_scan"),
            ) {
                Icon(Icons.Outlined.QrCodeScanner, contentDescription = null, modifier = Modifier.size(20.dp))
                Spacer(Modifier.size(6.dp))
                Text(tr("home_scan_now"))
            }
        }
    }
}

@Composable
private fun EntryGrid(home: HomeModel, go: (Route) -> Unit) {
    Column(Modifier.padding(vertical = 12.dp)) {
        home.entries.chunked(3).forEach { row ->
            Row(Modifier.fillMaxWidth()) {
                row.forEach { entry ->
                    val (icon, color) = entry.icon()
                    Column(
                        Modifier.weight(1f)
                            .clickable { go(entry.route()) }
                            .padding(vertical = 12.dp)
                            .testTag("entry_${entry.name}"),
                        horizontalAlignment = Alignment.CenterHorizontally,
                        verticalArrangement = Arrangement.spacedBy(8.dp),
                    ) {
                        IconDisc(icon, color, size = 48)
                        Text(home.label(entry), style = MaterialTheme.typography.bodyMedium, textAlign = TextAlign.Center)
                    }
                }
            }
        }
    }
}

@Composable
private fun Notice(
    icon: ImageVector,
    color: Color,
    title: String,
    text: String,
    action: String,
    tag: String,
    onClick: () -> Unit,
) {
    Panel(Modifier.clickable(onClick = onClick).testTag(tag)) {
        Row(Modifier.padding(14.dp), verticalAlignment = Alignment.CenterVertically) {
            IconDisc(icon, color, size = 40)
            Column(Modifier.weight(1f).padding(horizontal = 12.dp)) {
                Text(title, style = MaterialTheme.typography.titleSmall)
                Text(text, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
            }
            Text(action, color = color, style = MaterialTheme.typography.labelLarge)
            Icon(Icons.AutoMirrored.Filled.KeyboardArrowRight, contentDescription = null, tint = color)
        }
    }
}
