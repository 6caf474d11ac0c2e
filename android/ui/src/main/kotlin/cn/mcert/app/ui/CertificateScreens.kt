package cn.mcert.app.ui

import androidx.compose.foundation.background
import androidx.compose.foundation.border
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
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.foundation.verticalScroll
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.outlined.Download
import androidx.compose.material.icons.outlined.PhoneAndroid
import androidx.compose.material.icons.outlined.VerifiedUser
import androidx.compose.material.icons.outlined.WarningAmber
import androidx.compose.material3.Button
import androidx.compose.material3.FilterChip
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.draw.clip
import androidx.compose.ui.graphics.Brush
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import cn.mcert.app.core.Certificate
import cn.mcert.app.core.Display
import cn.mcert.app.core.KeyAlgorithm
import cn.mcert.app.core.ReissueKind
import cn.mcert.app.state.AppModels
import cn.mcert.app.state.CertificatesModel
import cn.mcert.app.state.PinEntryModel

internal fun stateLabel(state: String): Pair<String, Color> = when (state) {
    "good" -> tr("status_good") to Brand.Green
    "revoked" -> tr("status_revoked") to Brand.Red
    "locked" -> tr("status_locked") to Brand.Orange
    else -> tr("status_expired") to Brand.TextSecondary
}

/**
 * 【证书】: the certificate cards, paid certificates to install, organisations' certificates to
 * claim (待申领的证书), a banner for each certificate whose organisation was renamed (its changed
 * certificate to download, [onChangeDownload] with its serial), and what to do when there is none.
 */
@Composable
fun CertificatesScreen(models: AppModels, go: (Route) -> Unit, onBack: (() -> Unit)?, onChangeDownload: (String) -> Unit = {}) {
    val m = models.certificates
    val items by m.items.collectAsState()
    val slots by m.slots.collectAsState()
    val loading by m.loading.collectAsState()
    val error by m.error.collectAsState()
    val claims by models.claims.claims.collectAsState()
    LaunchedEffect(Unit) {
        m.refresh()
        models.claims.refresh()
    }
    Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        TitleBar(tr("certificates"), onBack)
        when {
            loading && items.isEmpty() -> Loading()
            error != null && items.isEmpty() -> ErrorState(error!!, onRetry = { models.run { m.refresh() } })
            items.isEmpty() && slots.isEmpty() && claims.isEmpty() -> EmptyState(
                Icons.Outlined.VerifiedUser,
                tr("certs_empty"),
                tr("certs_empty_hint"),
                action = tr("apply"),
                onAction = { go(Route.Apply) },
            )
            else -> LazyColumn(
                Modifier.fillMaxSize().testTag("certificate_list"),
                contentPadding = androidx.compose.foundation.layout.PaddingValues(16.dp),
                verticalArrangement = Arrangement.spacedBy(12.dp),
            ) {
                if (slots.isNotEmpty()) {
                    item {
                        Panel(Modifier.clickable { go(Route.Install) }.testTag("slots")) {
                            Row(Modifier.padding(14.dp), verticalAlignment = Alignment.CenterVertically) {
                                IconDisc(Icons.Outlined.Download, Brand.Blue, size = 40)
                                Text(tr("slots_ready", slots.size), Modifier.weight(1f).padding(horizontal = 12.dp), style = MaterialTheme.typography.titleSmall)
                                Button(onClick = { go(Route.Install) }) { Text(tr("install")) }
                            }
                        }
                    }
                }
                if (claims.isNotEmpty()) item { ClaimsNotice(claims.size) { go(Route.Claims) } }
                items(items.filter { it.changeDue }, key = { "change-${it.certificate.serial}" }) { item ->
                    ChangeDueBanner(item) { onChangeDownload(item.certificate.serial) }
                }
                if (items.none { it.certificate.onThisDevice && it.state == "good" } && items.any { it.canMoveIn }) {
                    item {
                        Panel(Modifier.clickable { go(Route.MigrationIn) }.testTag("migration_in_notice")) {
                            Row(Modifier.padding(14.dp), verticalAlignment = Alignment.CenterVertically) {
                                IconDisc(Icons.Outlined.PhoneAndroid, Brand.Teal, size = 40)
                                Column(Modifier.weight(1f).padding(horizontal = 12.dp)) {
                                    Text(tr("migration_in_notice"), style = MaterialTheme.typography.titleSmall)
                                    Text(tr("migration_in_notice_hint"), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
                                }
                                OutlinedButton(onClick = { go(Route.MigrationIn) }) { Text(tr("migration_in")) }
                            }
                        }
                    }
                }
                items(items, key = { it.certificate.serial }) { item ->
                    CertificateCard(item) {
                        m.open(item.certificate.serial)
                        go(Route.CertificateDetail)
                    }
                }
                error?.let { item { ErrorText(it) } }
            }
        }
    }
}

/** A certificate as the manuals' apps show it: holder, organisation, type, ID, validity, state. */
@Composable
fun CertificateCard(item: CertificatesModel.Item, onClick: () -> Unit) {
    val c = item.certificate
    val s = item.subject
    val (label, color) = stateLabel(item.state)
    val active = item.state == "good"
    val top = if (active) Brand.Blue else Color(0xFF8F959E)
    val bottom = if (active) Brand.BlueDark else Color(0xFF646A73)
    Box(
        Modifier.fillMaxWidth()
            .clip(RoundedCornerShape(14.dp))
            .background(Brush.linearGradient(listOf(top, bottom)))
            .clickable(onClick = onClick)
            .padding(16.dp)
            .testTag("certificate_${c.serial}"),
    ) {
        Column(verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically) {
                Text(
                    tr(if (s.isOrganisation) "type_organisation" else "type_personal"),
                    color = Color.White.copy(alpha = 0.9f),
                    style = MaterialTheme.typography.labelLarge,
                    modifier = Modifier.weight(1f),
                )
                Box(Modifier.background(Color.White, RoundedCornerShape(4.dp)).padding(horizontal = 6.dp, vertical = 2.dp)) {
                    Text(label, color = color, style = MaterialTheme.typography.labelMedium)
                }
            }
            Text(s.commonName ?: c.subject, color = Color.White, style = MaterialTheme.typography.headlineSmall)
            s.organisationShown?.let { Text(it, color = Color.White, style = MaterialTheme.typography.bodyMedium) }
            s.maskedId?.let { Text("${tr("id_label")}  $it", color = Color.White.copy(alpha = 0.85f), style = MaterialTheme.typography.bodySmall) }
            Spacer(Modifier.height(4.dp))
            Row(verticalAlignment = Alignment.CenterVertically) {
                Text(
                    tr("valid_until", Display.beijingDate(c.notAfter)),
                    color = Color.White.copy(alpha = 0.9f),
                    style = MaterialTheme.typography.bodySmall,
                    modifier = Modifier.weight(1f),
                )
                Text(Display.algorithm(c.algorithm), color = Color.White.copy(alpha = 0.9f), style = MaterialTheme.typography.bodySmall)
                if (c.onThisDevice) {
                    Icon(Icons.Outlined.PhoneAndroid, contentDescription = tr("on_this_phone"), tint = Color.White, modifier = Modifier.padding(start = 8.dp).size(16.dp))
                    Text(tr("on_this_phone"), color = Color.White, style = MaterialTheme.typography.bodySmall)
                }
            }
        }
    }
}

/**
 * 证书详情: every field of the certificate and the PIN state of its key on this phone; a good
 * personal certificate opens its 【签章图片】 ([onSignature]); a key on this phone
 * 【修改证书密码】 ([onChangePin]) and, next to it, 【忘记密码】; in its last three months
 * 【证书延期】 ([onRenew]), or once its organisation was renamed 【下载变更后的证书】
 * ([onChangeDownload]); a key on this phone 【迁移到新手机】 ([onMoveOut]); a certificate this
 * phone cannot use (its key elsewhere, or reported lost) 【证书补办】 (both [onReissue]) and, when
 * its key is on another phone, 【从旧手机迁移】 ([onMoveIn]); a good certificate 【证书挂失】
 * ([onReportLost]).
 */
@Composable
fun CertificateDetailScreen(
    models: AppModels,
    onBack: () -> Unit,
    onSignature: (String) -> Unit,
    onChangePin: (String) -> Unit = {},
    onReportLost: (String) -> Unit = {},
    onReissue: (Certificate, ReissueKind) -> Unit = { _, _ -> },
    onRenew: (String) -> Unit = {},
    onMoveOut: (Certificate) -> Unit = {},
    onMoveIn: () -> Unit = {},
    onChangeDownload: (String) -> Unit = {},
) {
    val item by models.certificates.detail.collectAsState()
    Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        TitleBar(tr("certificate_detail"), onBack)
        val d = item ?: return@Column
        val c = d.certificate
        val s = d.subject
        Column(Modifier.verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
            CertificateCard(d) {}
            if (d.changeDue) ChangeNotice(c) { onChangeDownload(c.serial) }
            if (d.canRenew) RenewalNotice(c) { onRenew(c.serial) }
            Panel {
                Column(Modifier.padding(horizontal = 16.dp, vertical = 8.dp)) {
                    Field(tr("holder"), s.commonName ?: "—")
                    s.organisationShown?.let { Field(tr("organisation"), it) }
                    s.organisationId?.let { Field(tr("org_code"), it) }
                    s.maskedId?.let { Field(tr("id_label"), it) }
                    Field(tr("cert_type"), tr(if (s.isOrganisation) "type_organisation" else "type_personal"))
                    HorizontalDivider(color = Brand.Line)
                    Field(tr("validity"), "${Display.beijingDate(c.notBefore)} ~ ${Display.beijingDate(c.notAfter)}")
                    Field(tr("algorithm"), Display.algorithm(c.algorithm))
                    Field(tr("serial"), c.serial)
                    c.encryptionSerial?.let { Field(tr("encryption_serial"), it, Modifier.testTag("encryption_serial")) }
                    Field(tr("issuer"), issuerName(c.issuer))
                    HorizontalDivider(color = Brand.Line)
                    val key = d.key
                    Field(
                        tr("pin_state"),
                        when {
                            key == null -> tr("not_on_this_phone")
                            key.locked -> tr("pin_locked")
                            else -> tr("pin_tries_left", key.pinTriesLeft)
                        },
                    )
                }
            }
            if (!s.isOrganisation && c.status == "good") {
                OutlinedButton(
                    onClick = { onSignature(c.serial) },
                    modifier = Modifier.fillMaxWidth().testTag("open_signature"),
                ) { Text(tr("signature_open")) }
            }
            val changeable = d.key?.takeIf { !it.locked && c.status == "good" }
            if (changeable != null || d.canResetPin) {
                Row(horizontalArrangement = Arrangement.spacedBy(12.dp)) {
                    changeable?.let { key ->
                        OutlinedButton(
                            onClick = { onChangePin(key.id) },
                            modifier = Modifier.weight(1f).testTag("open_change_pin"),
                        ) { Text(tr("change_pin")) }
                    }
                    if (d.canResetPin) {
                        OutlinedButton(
                            onClick = { onReissue(c, ReissueKind.PIN_RESET) },
                            modifier = Modifier.weight(1f).testTag("open_forgot_pin"),
                        ) { Text(tr("forgot_pin")) }
                    }
                }
            }
            if (d.canMoveOut) {
                OutlinedButton(
                    onClick = { onMoveOut(c) },
                    modifier = Modifier.fillMaxWidth().testTag("open_migration_out"),
                ) { Text(tr("migration_out")) }
            }
            if (d.canReissue) {
                Button(
                    onClick = { onReissue(c, ReissueKind.NEW_DEVICE) },
                    modifier = Modifier.fillMaxWidth().testTag("open_reissue"),
                ) { Text(tr("reissue")) }
            }
            if (d.canMoveIn) {
                OutlinedButton(
                    onClick = onMoveIn,
                    modifier = Modifier.fillMaxWidth().testTag("open_migration_in"),
                ) { Text(tr("migration_in")) }
            }
            if (c.status == "good") {
                OutlinedButton(
                    onClick = { onReportLost(c.serial) },
                    modifier = Modifier.fillMaxWidth().testTag("open_report_lost"),
                ) { Text(tr("report_lost"), color = Brand.Red) }
            }
        }
    }
}

/** In the last three months (or with a renewal paid): 【证书延期】 at the top of the detail. */
@Composable
private fun RenewalNotice(c: Certificate, onRenew: () -> Unit) {
    Row(
        Modifier.fillMaxWidth().background(Color(0xFFFFF7E6), RoundedCornerShape(12.dp))
            .border(1.dp, Color(0xFFFFD591), RoundedCornerShape(12.dp)).padding(horizontal = 14.dp, vertical = 10.dp)
            .testTag("renewal_banner"),
        verticalAlignment = Alignment.CenterVertically,
        horizontalArrangement = Arrangement.spacedBy(10.dp),
    ) {
        Icon(Icons.Outlined.WarningAmber, contentDescription = null, tint = Color(0xFFD46B08), modifier = Modifier.size(20.dp))
        Text(
            if (c.renewalDue) tr("renewal_waiting_download") else tr("renewal_expiring", Display.beijingDate(c.validUntil ?: c.notAfter)),
            style = MaterialTheme.typography.bodySmall,
            color = Color(0xFF873800),
            modifier = Modifier.weight(1f),
        )
        Button(onClick = onRenew, modifier = Modifier.testTag("open_renewal")) { Text(tr("renewal")) }
    }
}

/** Its organisation was renamed: 【下载变更后的证书】 at the top of the detail. */
@Composable
private fun ChangeNotice(c: Certificate, onDownload: () -> Unit) {
    Column(
        Modifier.fillMaxWidth().background(Color(0xFFFFF7E6), RoundedCornerShape(12.dp))
            .border(1.dp, Color(0xFFFFD591), RoundedCornerShape(12.dp)).padding(horizontal = 14.dp, vertical = 10.dp)
            .testTag("change_banner"),
        verticalArrangement = Arrangement.spacedBy(8.dp),
    ) {
        Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(10.dp)) {
            Icon(Icons.Outlined.WarningAmber, contentDescription = null, tint = Color(0xFFD46B08), modifier = Modifier.size(20.dp))
            Text(
                tr("org_change_due_hint", c.orgName.orEmpty()),
                style = MaterialTheme.typography.bodySmall,
                color = Color(0xFF873800),
                modifier = Modifier.weight(1f),
            )
        }
        Button(onClick = onDownload, modifier = Modifier.fillMaxWidth().testTag("open_change_download")) { Text(tr("org_change_download")) }
    }
}

/** In the certificate list: a certificate whose organisation was renamed, its changed certificate to download. */
@Composable
private fun ChangeDueBanner(item: CertificatesModel.Item, onDownload: () -> Unit) {
    Panel(Modifier.clickable(onClick = onDownload).testTag("change_due_${item.certificate.serial}")) {
        Column(Modifier.padding(14.dp), verticalArrangement = Arrangement.spacedBy(10.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically) {
                IconDisc(Icons.Outlined.WarningAmber, Brand.Orange, size = 40)
                Column(Modifier.weight(1f).padding(start = 12.dp)) {
                    Text(tr("org_change_due_banner", item.certificate.orgName.orEmpty()), style = MaterialTheme.typography.titleSmall)
                    Text(tr("org_change_due_banner_hint"), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
                }
            }
            Button(onClick = onDownload, modifier = Modifier.fillMaxWidth()) { Text(tr("org_change_download")) }
        }
    }
}

private fun issuerName(issuer: String): String = cn.mcert.app.core.Subject.parse(issuer).commonName ?: issuer

/**
 * 【下载证书】: choose the algorithm, set the PIN twice; the key is made on this phone. Once it
 * is downloaded, [onInstalled] gets the new certificate's serial.
 */
@Composable
fun InstallScreen(models: AppModels, onBack: () -> Unit, onInstalled: (String) -> Unit) {
    val m = models.certificates
    val slots by m.slots.collectAsState()
    val error by m.error.collectAsState()
    var algorithm by remember { mutableStateOf(KeyAlgorithm.SM2) }
    val pad = remember { PinEntryModel(models.core, PinEntryModel.Mode.New) }
    LaunchedEffect(Unit) { if (slots.isEmpty()) m.refresh() }
    Column(Modifier.fillMaxSize().background(Color.White)) {
        TitleBar(tr("install"), onBack)
        Column(Modifier.padding(horizontal = 16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            Text(tr("install_hint"), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp), verticalAlignment = Alignment.CenterVertically) {
                Text(tr("algorithm"), style = MaterialTheme.typography.bodyMedium)
                KeyAlgorithm.entries.forEach { a ->
                    FilterChip(
                        selected = algorithm == a,
                        onClick = { algorithm = a },
                        label = { Text(Display.algorithm(a.name)) },
                        modifier = Modifier.testTag("algorithm_${a.name}"),
                    )
                }
            }
            error?.let { ErrorText(it) }
        }
        PinPad(pad, title = null) { pin ->
            val slot = slots.firstOrNull() ?: return@PinPad
            models.run { if (m.install(slot, algorithm, pin)) m.installed.value?.let(onInstalled) ?: onBack() }
        }
    }
}
