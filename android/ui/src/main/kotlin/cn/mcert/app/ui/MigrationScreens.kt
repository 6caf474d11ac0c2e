package cn.mcert.app.ui

import androidx.compose.foundation.Image
import androidx.compose.foundation.background
import androidx.compose.foundation.border
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.foundation.verticalScroll
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.outlined.Info
import androidx.compose.material.icons.outlined.QrCode2
import androidx.compose.material.icons.outlined.QrCodeScanner
import androidx.compose.material3.Button
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.platform.LocalClipboardManager
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp
import androidx.compose.ui.unit.sp
import cn.mcert.app.core.Display
import cn.mcert.app.state.AppModels
import cn.mcert.app.state.FrameReader
import cn.mcert.app.state.MigrationInModel
import cn.mcert.app.state.MigrationModel

/**
 * 【迁移到新手机】 on the old phone: the QR code and its text for the new phone, the page asking
 * every second until the new phone asked; then the code both phones show, 【确认码一致，确认迁移】
 * and the certificate PIN; 【取消迁移】 until then. Once moved the certificate list follows.
 */
@Composable
fun MigrationOutScreen(models: AppModels, onBack: () -> Unit) {
    val m = models.migration
    val step by m.step.collectAsState()
    val migration by m.migration.collectAsState()
    val certificate by m.certificate.collectAsState()
    val problem by m.problem.collectAsState()
    val busy by m.busy.collectAsState()
    val pad by m.pad.collectAsState()
    LaunchedEffect(migration?.id) { if (migration != null) m.watch() }
    LaunchedEffect(step) { if (step == MigrationModel.Step.Done) models.certificates.refresh() }
    Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        TitleBar(tr("migration_out"), onBack)
        when (step) {
            MigrationModel.Step.Starting -> Loading()
            MigrationModel.Step.Failed -> ErrorState(
                problem?.message.orEmpty(),
                onRetry = { certificate?.let { c -> models.run { m.start(c) } } },
            )
            MigrationModel.Step.Qr -> Column(
                Modifier.weight(1f).verticalScroll(rememberScrollState()).padding(16.dp),
                verticalArrangement = Arrangement.spacedBy(12.dp),
            ) {
                HintBox(tr("migration_out_hint"), Modifier.testTag("migration_out_hint"))
                MoveCode(m)
                migration?.let { Text(tr("migration_expires", Display.beijingTime(it.expiresAt)), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant) }
                Busy(tr("migration_waiting_new"), "migration_waiting_new")
                problem?.let { ErrorText(it.message) }
                OutlinedButton(
                    onClick = { models.run { m.cancel() } },
                    enabled = !busy,
                    modifier = Modifier.fillMaxWidth().height(48.dp).testTag("migration_cancel"),
                ) { Text(tr("migration_cancel")) }
            }
            MigrationModel.Step.Confirm -> Column(
                Modifier.weight(1f).verticalScroll(rememberScrollState()).padding(16.dp),
                verticalArrangement = Arrangement.spacedBy(12.dp),
            ) {
                ConfirmationCode(migration?.code.orEmpty())
                Text(tr("migration_code_check"), style = MaterialTheme.typography.bodyMedium, modifier = Modifier.testTag("migration_code_check"))
                problem?.let { ErrorText(it.message) }
                Button(
                    onClick = m::codesMatch,
                    enabled = !busy,
                    modifier = Modifier.fillMaxWidth().height(48.dp).testTag("migration_approve"),
                ) { Text(tr("migration_approve")) }
                OutlinedButton(
                    onClick = { models.run { m.cancel() } },
                    enabled = !busy,
                    modifier = Modifier.fillMaxWidth().height(48.dp).testTag("migration_cancel"),
                ) { Text(tr("migration_cancel")) }
            }
            MigrationModel.Step.Pin -> Column(Modifier.fillMaxSize().background(Color.White)) {
                Column(Modifier.padding(horizontal = 16.dp, vertical = 8.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
                    Field(tr("migration_code"), migration?.code.orEmpty(), Modifier.testTag("migration_code_small"))
                    problem?.let { ErrorText(it.message) }
                }
                PinPad(pad, title = tr("migration_approve_pin")) { pin -> models.run { m.approve(pin) } }
            }
            MigrationModel.Step.Done -> LifeDone(
                title = tr("migration_out_done"),
                serialLabel = tr("serial"),
                serial = certificate?.serial.orEmpty(),
                lines = listOf(tr("migration_out_done_hint")),
                tag = "migration_out_done",
                onSignature = null,
                onDone = onBack,
            )
            MigrationModel.Step.Cancelled, MigrationModel.Step.Expired -> Refusal(
                Icons.Outlined.Info,
                Brand.TextSecondary,
                tr(if (step == MigrationModel.Step.Expired) "migration_expired" else "migration_cancelled"),
                migration?.statusLabel.orEmpty(),
                null,
                "migration_ended",
                onBack,
                action = tr("migration_again"),
                onAction = { certificate?.let { c -> models.run { m.start(c) } } },
            )
        }
    }
}

/** The old phone's QR code, its text and 【复制迁移码】. */
@Composable
private fun MoveCode(m: MigrationModel) {
    val png by m.qrPng.collectAsState()
    val text by m.qr.collectAsState()
    val copied by m.copied.collectAsState()
    Panel {
        Column(Modifier.padding(16.dp), horizontalAlignment = Alignment.CenterHorizontally, verticalArrangement = Arrangement.spacedBy(8.dp)) {
            val image = png?.let { Images.decodePng(it) }
            if (image != null) {
                Image(image, contentDescription = tr("migration_qr_label"), modifier = Modifier.size(220.dp).testTag("migration_qr"))
            } else {
                Box(Modifier.size(220.dp).border(1.dp, Brand.Line).testTag("migration_qr"), contentAlignment = Alignment.Center) {
                    Icon(Icons.Outlined.QrCode2, contentDescription = null, tint = Brand.TextSecondary, modifier = Modifier.size(96.dp))
                }
            }
            Text(tr("migration_qr_label"), style = MaterialTheme.typography.labelMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
            Text(
                text.orEmpty(),
                fontFamily = FontFamily.Monospace,
                style = MaterialTheme.typography.bodySmall,
                textAlign = TextAlign.Center,
                modifier = Modifier.testTag("migration_qr_text"),
            )
            TextButton(onClick = m::copyCode, modifier = Modifier.testTag("migration_copy")) {
                Text(tr(if (copied) "migration_copied" else "migration_copy"))
            }
        }
    }
}

/** The six digits both phones show, large, to compare. */
@Composable
private fun ConfirmationCode(code: String) {
    Panel {
        Column(Modifier.padding(16.dp), horizontalAlignment = Alignment.CenterHorizontally, verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Text(tr("migration_code"), style = MaterialTheme.typography.titleSmall)
            Box(
                Modifier.fillMaxWidth().background(Color(0xFFFFF7E6), RoundedCornerShape(8.dp))
                    .border(1.dp, Color(0xFFFFD591), RoundedCornerShape(8.dp)).padding(vertical = 10.dp),
                contentAlignment = Alignment.Center,
            ) {
                Text(
                    code.chunked(3).joinToString(" "),
                    fontFamily = FontFamily.Monospace,
                    fontWeight = FontWeight.Bold,
                    fontSize = 36.sp,
                    letterSpacing = 4.sp,
                    color = Color(0xFFD46B08),
                    modifier = Modifier.testTag("migration_code"),
                )
            }
        }
    }
}

/**
 * 【从旧手机迁移】 on the new phone: the old phone's move code (scanned with [viewfinder], read
 * from a picture, pasted, or typed), a new PIN for this phone twice, then the code to compare
 * while the old phone approves; the page finishes by itself. [onSignature] opens 【签章图片】 of
 * the moved personal certificate.
 */
@Composable
fun MigrationInScreen(
    models: AppModels,
    onBack: () -> Unit,
    onSignature: (String) -> Unit = {},
    viewfinder: @Composable (FrameReader) -> Unit = {},
) {
    val m = models.migrationIn
    val scanning by m.scanning.collectAsState()
    if (scanning) {
        val hint by m.hint.collectAsState()
        DisposableEffect(Unit) { onDispose { m.stopScan() } }
        ViewfinderPage(
            reader = m,
            title = tr("migration_scan"),
            hint = hint ?: tr("migration_scan_hint"),
            warning = hint != null,
            onClose = m::stopScan,
            viewfinder = viewfinder,
            tag = "migration_viewfinder",
        )
        return
    }
    val step by m.step.collectAsState()
    val code by m.code.collectAsState()
    val migration by m.migration.collectAsState()
    val problem by m.problem.collectAsState()
    val busy by m.busy.collectAsState()
    val pad by m.pad.collectAsState()
    val result by m.result.collectAsState()
    val ended by m.ended.collectAsState()
    val items by models.certificates.items.collectAsState()
    LaunchedEffect(step, migration?.id) {
        if (step == MigrationInModel.Step.Waiting && m.waitForApproval()) models.certificates.refresh()
    }
    Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        TitleBar(tr("migration_in"), if (step == MigrationInModel.Step.NewPin) m::editCode else onBack)
        when (step) {
            MigrationInModel.Step.Code -> Column(
                Modifier.weight(1f).verticalScroll(rememberScrollState()).padding(16.dp),
                verticalArrangement = Arrangement.spacedBy(12.dp),
            ) {
                HintBox(tr("migration_in_hint"), Modifier.testTag("migration_in_hint"))
                Button(
                    onClick = m::startScan,
                    enabled = !busy,
                    modifier = Modifier.fillMaxWidth().height(48.dp).testTag("migration_scan"),
                ) {
                    Icon(Icons.Outlined.QrCodeScanner, contentDescription = null, modifier = Modifier.size(20.dp))
                    Text(tr("migration_scan"), Modifier.padding(start = 8.dp))
                }
                OutlinedButton(
                    onClick = { models.run { Files.pick()?.let { m.onImage(it.bytes) } } },
                    enabled = !busy,
                    modifier = Modifier.fillMaxWidth().height(44.dp).testTag("migration_scan_picture"),
                ) { Text(tr(if (busy) "migration_reading" else "migration_scan_picture")) }
                Text(tr("migration_or_paste"), style = MaterialTheme.typography.titleSmall, modifier = Modifier.padding(top = 4.dp))
                val clipboard = LocalClipboardManager.current
                OutlinedTextField(
                    code,
                    { m.code.value = it },
                    label = { Text(tr("migration_code_input")) },
                    placeholder = { Text(tr("migration_code_placeholder")) },
                    isError = problem?.field == "code",
                    minLines = 2,
                    trailingIcon = {
                        TextButton(
                            onClick = { clipboard.getText()?.text?.let { m.code.value = it.trim() } },
                            modifier = Modifier.testTag("migration_paste"),
                        ) { Text(tr("migration_paste")) }
                    },
                    modifier = Modifier.fillMaxWidth().testTag("migration_code_input"),
                )
                Text(tr("migration_paste_hint"), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
                problem?.let { ErrorText(it.message) }
                Button(
                    onClick = { m.next() },
                    enabled = code.isNotBlank(),
                    modifier = Modifier.fillMaxWidth().height(48.dp).testTag("migration_next"),
                ) { Text(tr("migration_next")) }
            }
            MigrationInModel.Step.NewPin -> Column(Modifier.fillMaxSize().background(Color.White)) {
                Column(Modifier.padding(horizontal = 16.dp, vertical = 8.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
                    Text(tr("migration_in_pin"), style = MaterialTheme.typography.titleSmall, modifier = Modifier.testTag("migration_in_pin"))
                    Text(tr("change_pin_hint"), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
                    problem?.let { ErrorText(it.message) }
                    if (busy) Busy(tr("migration_in_busy"), "migration_in_busy")
                }
                PinPad(pad, title = null) { pin -> models.run { m.pinEntered(pin) } }
            }
            MigrationInModel.Step.Waiting -> Column(
                Modifier.weight(1f).verticalScroll(rememberScrollState()).padding(16.dp),
                verticalArrangement = Arrangement.spacedBy(12.dp),
            ) {
                ConfirmationCode(migration?.code.orEmpty())
                Text(tr("migration_in_waiting"), style = MaterialTheme.typography.titleSmall, modifier = Modifier.testTag("migration_in_waiting"))
                Text(tr("migration_in_waiting_hint"), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
                Busy(tr("migration_status_value", migration?.statusLabel.orEmpty()), "migration_in_status")
                problem?.let { ErrorText(it.message) }
                OutlinedButton(
                    onClick = { models.run { m.cancel() } },
                    enabled = !busy,
                    modifier = Modifier.fillMaxWidth().height(48.dp).testTag("migration_cancel"),
                ) { Text(tr("migration_cancel")) }
            }
            MigrationInModel.Step.Done -> {
                val serial = result?.serial.orEmpty()
                val personal = items.firstOrNull { it.certificate.serial == serial }?.subject?.isOrganisation == false
                LifeDone(
                    title = tr("migration_in_done"),
                    serialLabel = tr("reissue_new_serial"),
                    serial = serial,
                    lines = listOfNotNull(
                        result?.encryptionSerials?.size?.takeIf { it > 0 }?.let { tr("migration_keys_restored", it) },
                        tr("migration_in_done_hint"),
                    ),
                    tag = "migration_in_done",
                    onSignature = if (personal) ({ onSignature(serial) }) else null,
                    onDone = onBack,
                )
            }
            MigrationInModel.Step.Ended -> Refusal(
                Icons.Outlined.Info,
                Brand.TextSecondary,
                tr("migration_in_ended"),
                ended.orEmpty(),
                null,
                "migration_ended",
                onBack,
                action = tr("migration_again"),
                onAction = m::start,
            )
        }
    }
}
