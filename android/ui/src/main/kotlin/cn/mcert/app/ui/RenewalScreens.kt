package cn.mcert.app.ui

import androidx.compose.foundation.background
import androidx.compose.foundation.border
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ColumnScope
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.foundation.verticalScroll
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.outlined.CheckCircle
import androidx.compose.material.icons.outlined.Draw
import androidx.compose.material.icons.outlined.Info
import androidx.compose.material.icons.outlined.WarningAmber
import androidx.compose.material3.Button
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.FilterChip
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.vector.ImageVector
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp
import cn.mcert.app.core.Display
import cn.mcert.app.core.Organisation
import cn.mcert.app.core.Subject
import cn.mcert.app.state.AppModels
import cn.mcert.app.state.PinEntryModel
import cn.mcert.app.state.RenewalModel

/**
 * 【证书延期】: the certificate and its period; a person chooses 1, 2 or 3 years, places the
 * order and pays it (the amount is the order's); an organisation's certificate is renewed from
 * the organisation's package (or the page says to ask the admin, with nothing to pay); then the
 * certificate PIN downloads the renewed certificate. [onSignature] opens 【签章图片】 of the
 * renewed personal certificate. A slot whose organisation was renamed shows
 * [ChangedCertificateScreen] instead ([onSeals] opens the organisation's seals).
 */
@Composable
fun RenewalScreen(
    models: AppModels,
    onBack: () -> Unit,
    onSignature: (String) -> Unit = {},
    onSeals: (Organisation) -> Unit = {},
) {
    val m = models.renewal
    if (m.change.collectAsState().value) {
        ChangedCertificateScreen(models, onBack, onSignature, onSeals)
        return
    }
    val step by m.step.collectAsState()
    val certificate by m.certificate.collectAsState()
    val slot by m.slot.collectAsState()
    val notice by m.notice.collectAsState()
    val problem by m.problem.collectAsState()
    val busy by m.busy.collectAsState()
    val pad by m.pad.collectAsState()
    val result by m.result.collectAsState()
    val validUntil by m.validUntil.collectAsState()
    Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        TitleBar(tr("renewal"), onBack)
        when (step) {
            RenewalModel.Step.Loading -> Loading()
            RenewalModel.Step.NotYet, RenewalModel.Step.Unavailable -> Refusal(
                Icons.Outlined.Info, Brand.Orange, tr("renewal"), notice.orEmpty(), null, "renewal_refused", onBack,
            )
            RenewalModel.Step.AskAdmin -> Refusal(
                Icons.Outlined.WarningAmber, Brand.Orange, tr("renewal_ask_admin_title"), notice.orEmpty(),
                tr("renewal_ask_admin_hint"), "renewal_ask_admin", onBack,
            )
            RenewalModel.Step.Choose, RenewalModel.Step.Pay -> RenewalChoice(models, m, step)
            RenewalModel.Step.Pin -> RenewalPinStep(models, pad, tr("renewal_pin_title")) {
                notice?.let { Text(it, style = MaterialTheme.typography.bodyMedium, color = Brand.Green, modifier = Modifier.testTag("renewal_notice")) }
                validUntil?.let { Field(tr("renewal_new_until"), Display.beijingDate(it)) }
                problem?.let { ErrorText(it.message) }
                if (busy) Busy(tr("renewal_busy"), "renewal_busy")
            }
            RenewalModel.Step.Done -> {
                val personal = certificate?.let { !Subject.parse(it.subject).isOrganisation } == true
                val serial = result?.serial.orEmpty()
                LifeDone(
                    title = tr("renewal_done"),
                    serialLabel = tr("renewal_done_serial"),
                    serial = serial,
                    lines = listOfNotNull(
                        (validUntil ?: slot?.validUntil)?.let { tr("valid_until", Display.beijingDate(it)) },
                        certificate?.let { tr("reissue_old_revoked", it.serial) },
                        tr("renewal_done_hint"),
                    ),
                    tag = "renewal_done",
                    onSignature = if (personal) ({ onSignature(serial) }) else null,
                    onDone = onBack,
                )
            }
        }
    }
}

/** Choosing the period and paying (a person), or taking the package's certificate (an organisation). */
@Composable
private fun RenewalChoice(models: AppModels, m: RenewalModel, step: RenewalModel.Step) {
    val certificate by m.certificate.collectAsState()
    val slot by m.slot.collectAsState()
    val years by m.years.collectAsState()
    val order by m.order.collectAsState()
    val validUntil by m.validUntil.collectAsState()
    val problem by m.problem.collectAsState()
    val busy by m.busy.collectAsState()
    val price by m.pricePerYear.collectAsState()
    val amount = order?.amountFen ?: price?.let { it * years }
    val organisation = slot?.orgId != null
    Column(Modifier.fillMaxSize()) {
        Column(
            Modifier.weight(1f).verticalScroll(rememberScrollState()).padding(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            HintBox(tr(if (organisation) "renewal_org_hint" else "renewal_hint"), Modifier.testTag("renewal_hint"))
            certificate?.let { c ->
                val s = Subject.parse(c.subject)
                Panel {
                    Column(Modifier.padding(horizontal = 16.dp, vertical = 8.dp)) {
                        Field(tr("holder"), s.commonName ?: "—")
                        s.organisationShown?.let { Field(tr("organisation"), it) }
                        Field(tr("cert_type"), tr(if (s.isOrganisation) "type_organisation" else "type_personal"))
                        Field(tr("serial"), c.serial)
                        Field(tr("renewal_current_until"), Display.beijingDate(slot?.validUntil ?: c.notAfter))
                        validUntil?.let { Field(tr("renewal_new_until"), Display.beijingDate(it), Modifier.testTag("renewal_new_until")) }
                    }
                }
            }
            if (!organisation) {
                Panel {
                    Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                        Text(tr("renewal_period"), style = MaterialTheme.typography.titleSmall)
                        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                            (1L..3L).forEach { y ->
                                FilterChip(
                                    selected = years == y,
                                    onClick = { models.run { m.chooseYears(y) } },
                                    enabled = !busy,
                                    label = { Text(tr("years_n", y.toInt())) },
                                    modifier = Modifier.testTag("renewal_years_$y"),
                                )
                            }
                        }
                        order?.let { Text(tr("order_no", it.id), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant) }
                    }
                }
            }
            if (step == RenewalModel.Step.Pay) Text(tr("renewal_order_placed"), color = Brand.Blue, modifier = Modifier.testTag("renewal_ordered"))
            problem?.let { ErrorText(it.message) }
        }
        Row(
            Modifier.fillMaxWidth().background(Color.White).padding(16.dp),
            verticalAlignment = Alignment.CenterVertically,
        ) {
            if (!organisation) {
                Column(Modifier.weight(1f)) {
                    Text(
                        tr(if (order != null) "amount" else "renewal_estimate"),
                        style = MaterialTheme.typography.bodySmall,
                        color = MaterialTheme.colorScheme.onSurfaceVariant,
                    )
                    Text(
                        amount?.let { Display.money(it) } ?: "—",
                        style = MaterialTheme.typography.titleLarge,
                        color = Brand.Orange,
                        modifier = Modifier.testTag("renewal_amount"),
                    )
                }
            }
            val mod = (if (organisation) Modifier.fillMaxWidth() else Modifier).height(48.dp).testTag("renewal_action")
            when {
                organisation -> Button(onClick = { models.run { m.order() } }, enabled = !busy, modifier = mod) { Text(tr("renewal_use_package")) }
                step == RenewalModel.Step.Pay -> Button(onClick = { models.run { m.pay() } }, enabled = !busy, modifier = mod) { Text(tr("pay_now")) }
                else -> Button(onClick = { models.run { m.order() } }, enabled = !busy, modifier = mod) { Text(tr("renewal_order")) }
            }
        }
    }
}

/** A small spinner with what is being done. */
@Composable
internal fun Busy(text: String, tag: String) {
    Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        CircularProgressIndicator(Modifier.size(16.dp), strokeWidth = 2.dp)
        Text(text, style = MaterialTheme.typography.bodySmall, modifier = Modifier.testTag(tag))
    }
}

/** Why the page cannot go on ([message], the service's or the app's), and the way back. */
@Composable
internal fun Refusal(
    icon: ImageVector,
    color: Color,
    title: String,
    message: String,
    hint: String?,
    tag: String,
    onBack: () -> Unit,
    action: String? = null,
    onAction: () -> Unit = {},
) {
    Column(
        Modifier.fillMaxSize().background(Color.White).verticalScroll(rememberScrollState()).padding(24.dp).testTag(tag),
        horizontalAlignment = Alignment.CenterHorizontally,
        verticalArrangement = Arrangement.spacedBy(14.dp),
    ) {
        Spacer(Modifier.height(48.dp))
        IconDisc(icon, color, size = 80)
        Text(title, style = MaterialTheme.typography.headlineSmall, textAlign = TextAlign.Center)
        Text(message, style = MaterialTheme.typography.bodyLarge, textAlign = TextAlign.Center, modifier = Modifier.testTag("${tag}_message"))
        hint?.let { Text(it, color = MaterialTheme.colorScheme.onSurfaceVariant, textAlign = TextAlign.Center) }
        Spacer(Modifier.height(12.dp))
        action?.let { Button(onClick = onAction, modifier = Modifier.fillMaxWidth().height(48.dp).testTag("${tag}_action")) { Text(it) } }
        OutlinedButton(onClick = onBack, modifier = Modifier.fillMaxWidth().height(48.dp).testTag("${tag}_back")) { Text(tr("back")) }
    }
}

/**
 * The PIN page of a renewal or of a changed certificate's download: [header] above the pad;
 * once the certificate is kept, the certificate list is read again and the new one opened.
 */
@Composable
internal fun RenewalPinStep(
    models: AppModels,
    pad: PinEntryModel,
    title: String,
    header: @Composable ColumnScope.() -> Unit,
) {
    val m = models.renewal
    Column(Modifier.fillMaxSize().background(Color.White)) {
        Column(Modifier.padding(horizontal = 16.dp, vertical = 8.dp), verticalArrangement = Arrangement.spacedBy(6.dp), content = header)
        PinPad(pad, title = title) { pin ->
            models.run {
                if (m.pinEntered(pin)) {
                    models.certificates.refresh()
                    m.result.value?.let { models.certificates.open(it.serial) }
                }
            }
        }
    }
}

/**
 * The end of a flow that replaced a certificate: the new serial, what else happened ([lines]),
 * [extra] (the seals after a change), and for a personal certificate the 【签章图片】 to upload
 * again ([onSignature]).
 */
@Composable
internal fun LifeDone(
    title: String,
    serialLabel: String,
    serial: String,
    lines: List<String>,
    tag: String,
    onSignature: (() -> Unit)?,
    onDone: () -> Unit,
    extra: (@Composable () -> Unit)? = null,
) {
    Column(
        Modifier.fillMaxSize().background(Color.White).verticalScroll(rememberScrollState()).padding(24.dp).testTag(tag),
        horizontalAlignment = Alignment.CenterHorizontally,
        verticalArrangement = Arrangement.spacedBy(14.dp),
    ) {
        Spacer(Modifier.height(24.dp))
        Icon(Icons.Outlined.CheckCircle, contentDescription = null, tint = Brand.Green, modifier = Modifier.size(80.dp))
        Text(title, style = MaterialTheme.typography.headlineSmall, textAlign = TextAlign.Center)
        if (serial.isNotEmpty()) {
            Column(Modifier.fillMaxWidth().background(Brand.BlueLight, RoundedCornerShape(12.dp)).padding(horizontal = 16.dp, vertical = 4.dp)) {
                Field(serialLabel, serial, Modifier.testTag("${tag}_serial"))
            }
        }
        lines.forEach { Text(it, color = MaterialTheme.colorScheme.onSurfaceVariant, textAlign = TextAlign.Center) }
        extra?.invoke()
        onSignature?.let { SignatureAgain(it) }
        Spacer(Modifier.height(4.dp))
        Button(onClick = onDone, modifier = Modifier.fillMaxWidth().height(48.dp).testTag("done")) { Text(tr("done")) }
    }
}

/** The old signature picture was voided with the old certificate: 【签章图片】 again. */
@Composable
internal fun SignatureAgain(onSignature: () -> Unit) {
    Column(
        Modifier.fillMaxWidth().background(Color(0xFFFFF7E6), RoundedCornerShape(12.dp))
            .border(1.dp, Color(0xFFFFD591), RoundedCornerShape(12.dp)).padding(16.dp).testTag("signature_again"),
        verticalArrangement = Arrangement.spacedBy(8.dp),
    ) {
        Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            Icon(Icons.Outlined.Draw, contentDescription = null, tint = Color(0xFFD46B08), modifier = Modifier.size(20.dp))
            Text(tr("signature_again_title"), style = MaterialTheme.typography.titleSmall, color = Color(0xFF873800))
        }
        Text(tr("signature_again_hint"), style = MaterialTheme.typography.bodySmall, color = Color(0xFF873800))
        OutlinedButton(onClick = onSignature, modifier = Modifier.fillMaxWidth().testTag("signature_again_open")) { Text(tr("signature_again")) }
    }
}
