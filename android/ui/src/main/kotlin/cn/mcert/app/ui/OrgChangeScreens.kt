package cn.mcert.app.ui

import androidx.compose.foundation.background
import androidx.compose.foundation.border
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
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
import androidx.compose.material.icons.outlined.CheckCircle
import androidx.compose.material.icons.outlined.GppMaybe
import androidx.compose.material.icons.outlined.Info
import androidx.compose.material.icons.outlined.WarningAmber
import androidx.compose.material3.Button
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import cn.mcert.app.core.Display
import cn.mcert.app.core.Order
import cn.mcert.app.core.Organisation
import cn.mcert.app.core.Subject
import cn.mcert.app.state.AppModels
import cn.mcert.app.state.OrgChangeModel
import cn.mcert.app.state.RenewalModel
import cn.mcert.app.state.orderStatusText

/**
 * 【证书变更】 (seed 000 §6), for an organisation's admins: the current name, the new full name
 * and the materials (the new business licence; other materials optional); 【提交变更申请】 →
 * 待审核. Below, the organisation's changes with their state: 待支付 offers 【支付】 and
 * 【转账支付】 ([onOrderDetail] opens the order's detail); paid, the organisation carries the new name
 * and its seals are void ([onSeals]).
 */
@Composable
fun OrgChangeScreen(
    models: AppModels,
    onBack: () -> Unit,
    onAuthorise: () -> Unit,
    onOrderDetail: () -> Unit,
    onSeals: (Organisation) -> Unit,
) {
    val current by models.orgs.current.collectAsState()
    val m = models.orgChange
    val org by m.org.collectAsState()
    val name by m.newName.collectAsState()
    val licence by m.licence.collectAsState()
    val others by m.others.collectAsState()
    val orders by m.orders.collectAsState()
    val state by m.state.collectAsState()
    val paying by m.paying.collectAsState()
    LaunchedEffect(current?.id) { current?.let { m.load(it) } }
    Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        TitleBar(tr("org_change"), onBack)
        val o = org?.takeIf { it.id == current?.id } ?: current ?: return@Column
        if (!o.isAdmin) {
            EmptyState(Icons.Outlined.GppMaybe, tr("admin_only"), tr("user_role_hint"))
            return@Column
        }
        if (!o.authorisation.approved) {
            EmptyState(Icons.Outlined.GppMaybe, tr("ca_authorisation"), tr("authorise_first"), action = tr("go_authorise"), onAction = onAuthorise)
            return@Column
        }
        val failed = (state as? OrgChangeModel.State.Failed)?.problem
        fun errorOf(field: String) = failed?.takeIf { it.field == field }?.message
        val busy = state == OrgChangeModel.State.Busy
        val open = m.openChange
        Column(Modifier.weight(1f).verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
            HintBox(tr("org_change_hint"), Modifier.testTag("org_change_hint"))
            Panel {
                Column(Modifier.padding(horizontal = 16.dp, vertical = 8.dp)) {
                    Field(tr("org_change_current_name"), o.name, Modifier.testTag("org_change_current"))
                    Field(tr("org_code"), o.creditCode)
                }
            }
            when (val s = state) {
                is OrgChangeModel.State.Submitted -> Outcome(tr("org_change_submitted"), Brand.Blue, "org_change_submitted") {
                    Field(tr("order_id"), s.order.id)
                    s.order.newName?.let { Field(tr("org_change_new_org_name"), it) }
                    Text(tr("org_change_submitted_hint"), style = MaterialTheme.typography.bodySmall)
                }
                is OrgChangeModel.State.Paid -> Outcome(tr("org_change_paid"), Brand.Green, "org_change_paid") {
                    Field(tr("org_name"), o.name)
                    Text(tr("org_change_paid_hint"), style = MaterialTheme.typography.bodySmall)
                    OutlinedButton(onClick = { onSeals(o) }, modifier = Modifier.fillMaxWidth().testTag("org_change_seals")) {
                        Text(tr("org_change_seals_open"))
                    }
                }
                else -> {}
            }
            if (open != null && state !is OrgChangeModel.State.Submitted) {
                Text(tr("org_change_open_hint"), style = MaterialTheme.typography.bodySmall, color = Brand.Blue, modifier = Modifier.testTag("org_change_open"))
            } else if (open == null) {
                Panel {
                    Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                        FormField(
                            name,
                            { m.newName.value = it },
                            tr("org_change_new_name"),
                            "org_change_name",
                            errorOf("name"),
                            placeholder = tr("org_change_new_name_placeholder"),
                        )
                        if (errorOf("name") == null) {
                            Text(tr("org_change_new_name_hint"), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
                        }
                    }
                }
                Panel {
                    Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                        Text(tr("materials"), style = MaterialTheme.typography.titleSmall)
                        Text(tr("org_change_licence"), style = MaterialTheme.typography.bodyMedium)
                        FilePickRow(licence, tr("licence_hint"), "org_change_licence") { models.run { Files.pick()?.let(m::pickLicence) } }
                        errorOf("licence")?.let { ErrorText(it) }
                        HorizontalDivider(color = Brand.Line)
                        Text(tr("org_change_others"), style = MaterialTheme.typography.bodyMedium)
                        Text(tr("org_change_others_hint"), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
                        others.forEachIndexed { i, f ->
                            Row(verticalAlignment = Alignment.CenterVertically, modifier = Modifier.testTag("org_change_other_$i")) {
                                Text(tr("picked_file", f.name, fileSize(f.bytes.size)), style = MaterialTheme.typography.bodySmall, modifier = Modifier.weight(1f))
                                TextButton(onClick = { m.removeOther(i) }) { Text(tr("org_change_remove_file")) }
                            }
                        }
                        if (others.size < OrgChangeModel.MAX_OTHERS) {
                            OutlinedButton(onClick = { models.run { Files.pick()?.let(m::addOther) } }, modifier = Modifier.testTag("org_change_add_other")) {
                                Text(tr("org_change_add_other"))
                            }
                        }
                        errorOf("others")?.let { ErrorText(it) }
                    }
                }
            }
            if (failed != null && failed.field == null) ErrorText(failed.message, Modifier.testTag("org_change_problem"))
            if (orders.isNotEmpty()) {
                Text(tr("org_change_orders"), style = MaterialTheme.typography.titleSmall)
                Panel(Modifier.testTag("org_change_orders")) {
                    Column {
                        orders.forEachIndexed { i, order ->
                            if (i > 0) HorizontalDivider(color = Brand.Line)
                            ChangeRow(
                                order,
                                paying = paying == order.id,
                                onOpen = {
                                    models.orderDetail.open(order)
                                    onOrderDetail()
                                },
                                onPay = { models.run { if (m.pay(order)) models.orgs.reload() } },
                                onTransfer = {
                                    models.run {
                                        models.orderDetail.payByTransfer(order)
                                        onOrderDetail()
                                    }
                                },
                            )
                        }
                    }
                }
            }
        }
        if (open == null) {
            Row(Modifier.fillMaxWidth().background(Color.White).padding(16.dp)) {
                Button(
                    onClick = { models.run { m.submit() } },
                    enabled = !busy,
                    modifier = Modifier.fillMaxWidth().height(48.dp).testTag("org_change_submit"),
                    shape = RoundedCornerShape(24.dp),
                ) { Text(tr(if (busy) "submitting" else "org_change_submit")) }
            }
        }
    }
}

/** What the last step did (submitted for review, or paid), in a coloured box. */
@Composable
private fun Outcome(title: String, color: Color, tag: String, content: @Composable () -> Unit) {
    Column(
        Modifier.fillMaxWidth().background(Color.White, RoundedCornerShape(12.dp))
            .border(1.dp, color.copy(alpha = 0.5f), RoundedCornerShape(12.dp)).padding(16.dp).testTag(tag),
        verticalArrangement = Arrangement.spacedBy(6.dp),
    ) {
        Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            Icon(Icons.Outlined.CheckCircle, contentDescription = null, tint = color, modifier = Modifier.size(20.dp))
            Text(title, style = MaterialTheme.typography.titleSmall, color = color)
        }
        content()
    }
}

/** A change order: the name asked for, its state, and what the state allows. */
@Composable
private fun ChangeRow(order: Order, paying: Boolean, onOpen: () -> Unit, onPay: () -> Unit, onTransfer: () -> Unit) {
    Column(Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 10.dp).testTag("change_${order.id}"), verticalArrangement = Arrangement.spacedBy(4.dp)) {
        Row(Modifier.clickable(onClick = onOpen), verticalAlignment = Alignment.CenterVertically) {
            Column(Modifier.weight(1f)) {
                order.newName?.let { Text(tr("org_change_to_name", it), style = MaterialTheme.typography.bodyLarge) }
                Text(tr("order_no", order.id), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
                Text(Display.beijingTime(order.createdAt), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
            }
            Column(horizontalAlignment = Alignment.End, verticalArrangement = Arrangement.spacedBy(4.dp)) {
                Text(Display.money(order.amountFen), style = MaterialTheme.typography.titleMedium)
                Chip(orderStatusText(order), orderColor(order.status), Modifier.testTag("change_status_${order.id}"))
            }
        }
        when (order.status) {
            "pending_review" -> Text(tr("org_change_in_review"), style = MaterialTheme.typography.bodySmall, color = Brand.Blue)
            "rejected" -> {
                order.rejectReason?.let { ErrorText(tr("reject_reason", it)) }
                Text(tr("org_change_rejected_hint"), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
            }
            "completed" -> Text(tr("org_change_completed"), style = MaterialTheme.typography.bodySmall, color = Brand.Green)
        }
        if (order.canPayByTransfer || order.canPayOnline) {
            Row(Modifier.fillMaxWidth(), horizontalArrangement = Arrangement.spacedBy(8.dp, Alignment.End)) {
                if (order.canPayByTransfer) {
                    OutlinedButton(onClick = onTransfer, modifier = Modifier.height(36.dp).testTag("change_transfer_${order.id}")) {
                        Text(tr(if (order.transfer != null) "view_transfer" else "pay_transfer"))
                    }
                }
                if (order.canPayOnline) {
                    Button(onClick = onPay, enabled = !paying, modifier = Modifier.height(36.dp).testTag("change_pay_${order.id}")) {
                        Text(tr(if (paying) "submitting" else "pay_online"))
                    }
                }
            }
        }
    }
}

/**
 * 【下载变更后的证书】: the organisation was renamed; the certificate PIN downloads the certificate
 * naming the new name for the same key (the old one is revoked). Done, it says that the
 * organisation's seals are void and must be applied for again, with 【印章管理】 ([onSeals]); for a
 * personal certificate also 【签章图片】 ([onSignature]). Driven by [RenewalModel] (its
 * [RenewalModel.change]), which the opener starts for the certificate.
 */
@Composable
fun ChangedCertificateScreen(
    models: AppModels,
    onBack: () -> Unit,
    onSignature: (String) -> Unit = {},
    onSeals: (Organisation) -> Unit = {},
) {
    val m = models.renewal
    val step by m.step.collectAsState()
    val certificate by m.certificate.collectAsState()
    val slot by m.slot.collectAsState()
    val notice by m.notice.collectAsState()
    val problem by m.problem.collectAsState()
    val busy by m.busy.collectAsState()
    val pad by m.pad.collectAsState()
    val result by m.result.collectAsState()
    val organisation by m.changedOrganisation.collectAsState()
    Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        TitleBar(tr("org_change_download"), onBack)
        when (step) {
            RenewalModel.Step.Loading -> Loading()
            RenewalModel.Step.Pin -> RenewalPinStep(models, pad, tr("org_change_pin_title")) {
                HintBox(tr("org_change_download_hint"), Modifier.testTag("org_change_download_hint"))
                slot?.orgName?.let { Field(tr("org_change_new_org_name"), it, Modifier.testTag("org_change_new_org_name")) }
                certificate?.let { Field(tr("serial"), it.serial) }
                problem?.let { ErrorText(it.message) }
                if (busy) Busy(tr("org_change_busy"), "org_change_busy")
            }
            RenewalModel.Step.Done -> {
                val personal = certificate?.let { !Subject.parse(it.subject).isOrganisation } == true
                val serial = result?.serial.orEmpty()
                LifeDone(
                    title = tr("org_change_done"),
                    serialLabel = tr("renewal_done_serial"),
                    serial = serial,
                    lines = listOfNotNull(
                        slot?.orgName?.let { tr("org_change_to_name", it) },
                        certificate?.let { tr("reissue_old_revoked", it.serial) },
                        tr("org_change_done_hint"),
                    ),
                    tag = "org_change_done",
                    onSignature = if (personal) ({ onSignature(serial) }) else null,
                    onDone = onBack,
                    extra = { SealsVoid(organisation, onSeals) },
                )
            }
            else -> Refusal(
                Icons.Outlined.Info, Brand.Orange, tr("org_change_refused"), notice ?: problem?.message.orEmpty(), null, "org_change_refused", onBack,
            )
        }
    }
}

/** After the change: the organisation's seals are void, to apply for again (【印章管理】). */
@Composable
private fun SealsVoid(org: Organisation?, onSeals: (Organisation) -> Unit) {
    Column(
        Modifier.fillMaxWidth().background(Color(0xFFFFF1F0), RoundedCornerShape(12.dp))
            .border(1.dp, Color(0xFFFFA39E), RoundedCornerShape(12.dp)).padding(16.dp).testTag("org_change_seals_void"),
        verticalArrangement = Arrangement.spacedBy(8.dp),
    ) {
        Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            Icon(Icons.Outlined.WarningAmber, contentDescription = null, tint = Color(0xFFCF1322), modifier = Modifier.size(20.dp))
            Text(tr("org_change_seals_void_title"), style = MaterialTheme.typography.titleSmall, color = Color(0xFF820014))
        }
        Text(
            tr(if (org?.isAdmin == true) "org_change_seals_void_admin" else "org_change_seals_void_user"),
            style = MaterialTheme.typography.bodySmall,
            color = Color(0xFF820014),
        )
        org?.let { o ->
            OutlinedButton(onClick = { onSeals(o) }, modifier = Modifier.fillMaxWidth().testTag("org_change_seals_open")) {
                Text(tr("org_change_seals_open"))
            }
        }
    }
}
