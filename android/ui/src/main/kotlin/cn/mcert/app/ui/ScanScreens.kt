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
import androidx.compose.foundation.layout.statusBarsPadding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.shape.CircleShape
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.foundation.verticalScroll
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.ArrowBack
import androidx.compose.material.icons.outlined.CheckCircle
import androidx.compose.material.icons.outlined.FlashlightOff
import androidx.compose.material.icons.outlined.FlashlightOn
import androidx.compose.material.icons.outlined.Info
import androidx.compose.material.icons.outlined.WarningAmber
import androidx.compose.material3.Button
import androidx.compose.material3.Icon
import androidx.compose.material3.IconButton
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.draw.drawBehind
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.StrokeCap
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp
import androidx.compose.ui.unit.sp
import cn.mcert.app.core.Display
import cn.mcert.app.core.ScanRequest
import cn.mcert.app.core.StampSeal
import cn.mcert.app.core.Subject
import cn.mcert.app.state.AppModels
import cn.mcert.app.state.FrameReader
import cn.mcert.app.state.ScanModel

/**
 * 【扫码】: the viewfinder (the platform's camera preview under the frame), then the confirm
 * page, the PIN pad and the result. Leaving the page resets the scan. A picked certificate that
 * expires before the bid opening offers 【证书延期】 ([onRenew], with its serial).
 */
@Composable
fun ScanScreen(models: AppModels, onClose: () -> Unit, viewfinder: @Composable (FrameReader) -> Unit, onRenew: (String) -> Unit = {}) {
    val scan = models.scan
    val state by scan.state.collectAsState()
    DisposableEffect(Unit) { onDispose { scan.reset() } }
    when (val s = state) {
        ScanModel.State.Scanning, ScanModel.State.Reading -> {
            val hint by scan.hint.collectAsState()
            ViewfinderPage(
                reader = scan,
                title = tr("scan"),
                hint = if (s == ScanModel.State.Reading) tr("scan_reading") else hint ?: tr("scan_hint"),
                warning = hint != null && s != ScanModel.State.Reading,
                onClose = onClose,
                viewfinder = viewfinder,
            )
        }
        is ScanModel.State.Confirm -> ConfirmScreen(
            view = s.view,
            selected = s.selected,
            onSelect = scan::select,
            more = s.more,
            onSelectAt = scan::selectAt,
            onConfirm = scan::proceed,
            onDecline = { models.run { scan.decline() } },
            warning = s.expiryWarning,
            onRenew = s.expiring?.let { c -> { onRenew(c.serial) } },
        )
        is ScanModel.State.EnterPin -> Column(Modifier.fillMaxSize().background(Color.White)) {
            TitleBar(s.view.operation, onBack = { models.run { scan.decline() } })
            // Several certificates sign a stamp session's places: whose PIN this is.
            val title = if (s.picks.isEmpty()) s.view.platformName else tr("stamp_pin_for", Display.shortSerial(s.serial))
            PinPad(s.pin, title = title) { pin -> models.run { scan.submit(pin) } }
        }
        ScanModel.State.Submitting -> Column(Modifier.fillMaxSize().background(Color.White)) {
            TitleBar(tr("scan"))
            Loading()
            if (scan.stamping.collectAsState().value) {
                Text(
                    tr("stamp_waiting"),
                    color = MaterialTheme.colorScheme.onSurfaceVariant,
                    modifier = Modifier.align(Alignment.CenterHorizontally).testTag("stamp_waiting"),
                )
            }
        }
        is ScanModel.State.Done -> Result(Icons.Outlined.CheckCircle, Brand.Green, tr("scan_done", s.operation), tr("scan_done_hint"), tr("done"), onClose)
        ScanModel.State.Declined -> Result(Icons.Outlined.Info, Brand.TextSecondary, tr("declined"), null, tr("done"), onClose)
        is ScanModel.State.Failed -> Column(Modifier.fillMaxSize().background(Color.White)) {
            TitleBar(tr("scan_failed"), onClose)
            ErrorState(s.message, onRetry = null)
            Button(onClick = scan::reset, modifier = Modifier.align(Alignment.CenterHorizontally).testTag("scan_again")) { Text(tr("scan_again")) }
        }
    }
}

/**
 * The camera page: [viewfinder] (the platform's preview, fed to [reader]) under the frame, [title]
 * and the way back, [hint] under the frame ([warning] in amber), the torch, and [extra] below it
 * (another way in, such as a picture).
 */
@Composable
internal fun ViewfinderPage(
    reader: FrameReader,
    title: String,
    hint: String,
    warning: Boolean,
    onClose: () -> Unit,
    viewfinder: @Composable (FrameReader) -> Unit,
    tag: String = "viewfinder",
    extra: (@Composable () -> Unit)? = null,
) {
    val torch by reader.torch.collectAsState()
    Box(Modifier.fillMaxSize().background(Color.Black).testTag(tag)) {
        viewfinder(reader)
        Row(Modifier.fillMaxWidth().statusBarsPadding().padding(4.dp), verticalAlignment = Alignment.CenterVertically) {
            IconButton(onClick = onClose, modifier = Modifier.testTag("back")) {
                Icon(Icons.AutoMirrored.Filled.ArrowBack, contentDescription = tr("back"), tint = Color.White)
            }
            Text(title, color = Color.White, style = MaterialTheme.typography.titleMedium, modifier = Modifier.weight(1f), textAlign = TextAlign.Center)
            Spacer(Modifier.size(48.dp))
        }
        Box(Modifier.align(Alignment.Center).size(240.dp).drawBehind {
            val len = 28.dp.toPx()
            val w = 4.dp.toPx()
            val c = Brand.Blue
            for ((x, y) in listOf(0f to 0f, size.width to 0f, 0f to size.height, size.width to size.height)) {
                val dx = if (x == 0f) len else -len
                val dy = if (y == 0f) len else -len
                drawLine(c, Offset(x, y), Offset(x + dx, y), w, StrokeCap.Square)
                drawLine(c, Offset(x, y), Offset(x, y + dy), w, StrokeCap.Square)
            }
            drawLine(c.copy(alpha = 0.7f), Offset(16.dp.toPx(), size.height * 0.45f), Offset(size.width - 16.dp.toPx(), size.height * 0.45f), 2.dp.toPx())
        })
        Column(
            Modifier.align(Alignment.BottomCenter).padding(bottom = 56.dp),
            horizontalAlignment = Alignment.CenterHorizontally,
            verticalArrangement = Arrangement.spacedBy(20.dp),
        ) {
            Text(
                hint,
                color = if (warning) Color(0xFFFFC53D) else Color.White,
                style = MaterialTheme.typography.bodyMedium,
                textAlign = TextAlign.Center,
                modifier = Modifier.padding(horizontal = 24.dp).testTag("scan_hint"),
            )
            Column(
                Modifier.clickable { reader.torch.value = !torch }.testTag("torch"),
                horizontalAlignment = Alignment.CenterHorizontally,
            ) {
                Box(Modifier.size(52.dp).background(Color.White.copy(alpha = if (torch) 0.9f else 0.2f), CircleShape), contentAlignment = Alignment.Center) {
                    Icon(
                        if (torch) Icons.Outlined.FlashlightOn else Icons.Outlined.FlashlightOff,
                        contentDescription = null,
                        tint = if (torch) Brand.Blue else Color.White,
                    )
                }
                Text(tr("torch"), color = Color.White, style = MaterialTheme.typography.bodySmall)
            }
            extra?.invoke()
        }
    }
}

/** What the platform asks, the verification code to compare, and the certificate to use. */
@Composable
fun ConfirmScreen(
    view: ScanRequest,
    selected: String?,
    onSelect: (String) -> Unit,
    onConfirm: () -> Unit,
    onDecline: () -> Unit,
    more: List<String?> = emptyList(),
    onSelectAt: (Int, String) -> Unit = { _, _ -> },
    warning: String? = null,
    onRenew: (() -> Unit)? = null,
) {
    Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        TitleBar(tr("confirm_title"))
        Column(
            Modifier.weight(1f).verticalScroll(rememberScrollState()).padding(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            Panel {
                Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                    Row(verticalAlignment = Alignment.CenterVertically) {
                        Box(Modifier.size(36.dp).background(Brand.BlueLight, CircleShape), contentAlignment = Alignment.Center) {
                            Text(view.platformName.take(1), color = Brand.Blue, style = MaterialTheme.typography.titleMedium)
                        }
                        Column(Modifier.padding(start = 10.dp)) {
                            Text(tr("platform"), style = MaterialTheme.typography.labelMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
                            Text(view.platformName, style = MaterialTheme.typography.titleMedium, modifier = Modifier.testTag("confirm_platform"))
                        }
                    }
                    Spacer(Modifier.height(8.dp))
                    Text(tr("operation"), style = MaterialTheme.typography.labelMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
                    Text(view.operation, style = MaterialTheme.typography.headlineMedium, color = Brand.Blue, modifier = Modifier.testTag("confirm_operation"))
                    Spacer(Modifier.height(4.dp))
                    view.project?.let { Field(tr("project"), it) }
                    view.lot?.let { Field(tr("lot"), it) }
                    view.documentName?.let { Field(tr("document"), it) }
                    view.openingAt?.let { Field(tr("opening_at"), Display.beijingTime(it), Modifier.testTag("opening_at")) }
                    view.stamp?.let { st ->
                        Field(tr("stamp_pages"), tr("stamp_pages_value", st.pageCount))
                        if (st.placeCount > 1) {
                            Field(tr("stamp_place"), tr("stamp_places_value", st.placeCount))
                        } else {
                            Field(tr("stamp_place"), tr("stamp_place_value", st.page))
                        }
                        if (st.crossPage) Field(tr("stamp_cross_page"), tr("stamp_cross_page_value", st.pageCount))
                    }
                }
            }
            Panel {
                Column(Modifier.padding(16.dp), horizontalAlignment = Alignment.CenterHorizontally, verticalArrangement = Arrangement.spacedBy(6.dp)) {
                    Text(tr("verification_code"), style = MaterialTheme.typography.titleSmall)
                    Box(
                        Modifier.fillMaxWidth().background(Color(0xFFFFF7E6), RoundedCornerShape(8.dp))
                            .border(1.dp, Color(0xFFFFD591), RoundedCornerShape(8.dp)).padding(vertical = 10.dp),
                        contentAlignment = Alignment.Center,
                    ) {
                        Text(
                            view.verificationCode,
                            fontFamily = FontFamily.Monospace,
                            fontWeight = FontWeight.Bold,
                            fontSize = 36.sp,
                            letterSpacing = 6.sp,
                            color = Color(0xFFD46B08),
                            modifier = Modifier.testTag("verification_code"),
                        )
                    }
                    Text(tr("verification_hint"), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
                }
            }
            when (val stamp = view.stamp) {
                null -> CertificatePicker(view, selected, onSelect)
                else -> if (stamp.placeCount == 1) {
                    SealPicker(stamp.seals, selected, tr("stamp_choose_seal"), "seal_", onSelect)
                } else {
                    for (place in 0 until stamp.placeCount) {
                        val page = stamp.places.getOrNull(place)?.page ?: stamp.page
                        SealPicker(
                            stamp.sealsFor(place),
                            if (place == 0) selected else more.getOrNull(place - 1),
                            tr("stamp_place_n", place + 1, page),
                            if (place == 0) "seal_" else "seal_${place}_",
                        ) { id -> if (place == 0) onSelect(id) else onSelectAt(place, id) }
                    }
                }
            }
        }
        // Above the buttons, so it is read before the PIN whatever the scroll; it does not block.
        warning?.let { ExpiryWarning(it, onRenew) }
        Row(
            Modifier.fillMaxWidth().background(Color.White).padding(16.dp),
            horizontalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            OutlinedButton(onClick = onDecline, modifier = Modifier.weight(1f).height(48.dp).testTag("decline")) { Text(tr("decline")) }
            Button(onClick = onConfirm, enabled = selected != null && more.all { it != null }, modifier = Modifier.weight(2f).height(48.dp).testTag("confirm")) {
                Text(tr("confirm"))
            }
        }
    }
}

/**
 * The picked certificate expires before the bid opening: renew it first ([onRenew], 【证书延期】),
 * or pick another.
 */
@Composable
private fun ExpiryWarning(text: String, onRenew: (() -> Unit)?) {
    Row(
        Modifier.fillMaxWidth().background(Color(0xFFFFF7E6)).border(1.dp, Color(0xFFFFD591))
            .padding(horizontal = 16.dp, vertical = 10.dp).testTag("expiry_warning"),
        horizontalArrangement = Arrangement.spacedBy(10.dp),
    ) {
        Icon(Icons.Outlined.WarningAmber, contentDescription = null, tint = Color(0xFFD46B08), modifier = Modifier.size(20.dp))
        Column(Modifier.weight(1f)) {
            Text(text, style = MaterialTheme.typography.bodySmall, color = Color(0xFF873800))
            if (onRenew != null) {
                Text(
                    tr("renewal") + " ›",
                    style = MaterialTheme.typography.labelLarge,
                    color = Brand.Blue,
                    modifier = Modifier.clickable(onClick = onRenew).padding(top = 6.dp).testTag("expiry_renew"),
                )
            }
        }
    }
}

@Composable
private fun CertificatePicker(view: ScanRequest, selected: String?, onSelect: (String) -> Unit) {
    Panel {
        Column(Modifier.padding(vertical = 8.dp)) {
            Text(tr("choose_certificate"), style = MaterialTheme.typography.titleSmall, modifier = Modifier.padding(horizontal = 16.dp, vertical = 6.dp))
            view.choices.forEach { c ->
                val subject = Subject.parse(c.subject)
                RadioRow(selected == c.serial, "choice_${c.serial}", onClick = { onSelect(c.serial) }) {
                    Column(Modifier.weight(1f)) {
                        Text(
                            listOfNotNull(subject.commonName, subject.organisationShown).joinToString(" · ").ifEmpty { c.subject },
                            style = MaterialTheme.typography.bodyLarge,
                        )
                        Text(
                            "${tr(if (subject.isOrganisation) "type_organisation" else "type_personal")} · ${Display.algorithm(c.algorithm.name)} · ${Display.shortSerial(c.serial)}",
                            style = MaterialTheme.typography.bodySmall,
                            color = MaterialTheme.colorScheme.onSurfaceVariant,
                        )
                        if (c.expiresBeforeOpening) {
                            Text(
                                tr("choice_expires_early", Display.beijingDate(c.notAfter)),
                                style = MaterialTheme.typography.bodySmall,
                                color = Brand.Orange,
                                modifier = Modifier.testTag("expires_early_${c.serial}"),
                            )
                        }
                    }
                }
            }
        }
    }
}

/**
 * 文件签章: the seals this phone may stamp with at one place (titled [title]); the PIN is the
 * seal's certificate's. Rows are tagged [tagPrefix] + the seal's id.
 */
@Composable
private fun SealPicker(seals: List<StampSeal>, selected: String?, title: String, tagPrefix: String, onSelect: (String) -> Unit) {
    Panel {
        Column(Modifier.padding(vertical = 8.dp)) {
            Text(title, style = MaterialTheme.typography.titleSmall, modifier = Modifier.padding(horizontal = 16.dp, vertical = 6.dp))
            seals.forEach { seal ->
                RadioRow(selected == seal.id, "$tagPrefix${seal.id}", onClick = { onSelect(seal.id) }) {
                    Box(
                        Modifier.size(36.dp).border(2.dp, Brand.Red, CircleShape),
                        contentAlignment = Alignment.Center,
                    ) { Text("★", color = Brand.Red) }
                    Column(Modifier.weight(1f).padding(start = 10.dp)) {
                        Text(seal.name, style = MaterialTheme.typography.bodyLarge)
                        Text(
                            "${seal.kindLabel} · ${tr("stamp_certificate")} ${Display.shortSerial(seal.certificateSerial)}",
                            style = MaterialTheme.typography.bodySmall,
                            color = MaterialTheme.colorScheme.onSurfaceVariant,
                        )
                        // A seal given to this member: its limits (the service enforces them).
                        seal.limits?.let {
                            Text(it, style = MaterialTheme.typography.bodySmall, color = Brand.Orange, modifier = Modifier.testTag("limits_${seal.id}"))
                        }
                    }
                }
            }
            Text(
                tr("stamp_hint"),
                style = MaterialTheme.typography.bodySmall,
                color = MaterialTheme.colorScheme.onSurfaceVariant,
                modifier = Modifier.padding(horizontal = 16.dp, vertical = 6.dp),
            )
        }
    }
}

@Composable
private fun Result(
    icon: androidx.compose.ui.graphics.vector.ImageVector,
    color: Color,
    title: String,
    hint: String?,
    button: String,
    onClose: () -> Unit,
) {
    Column(
        Modifier.fillMaxSize().background(Color.White).padding(24.dp).testTag("scan_result"),
        horizontalAlignment = Alignment.CenterHorizontally,
        verticalArrangement = Arrangement.spacedBy(14.dp),
    ) {
        Spacer(Modifier.height(96.dp))
        Icon(icon, contentDescription = null, tint = color, modifier = Modifier.size(88.dp))
        Text(title, style = MaterialTheme.typography.headlineSmall, textAlign = TextAlign.Center)
        hint?.let { Text(it, color = MaterialTheme.colorScheme.onSurfaceVariant, textAlign = TextAlign.Center) }
        Spacer(Modifier.height(24.dp))
        Button(onClick = onClose, modifier = Modifier.fillMaxWidth().height(48.dp).testTag("done")) { Text(button) }
    }
}
