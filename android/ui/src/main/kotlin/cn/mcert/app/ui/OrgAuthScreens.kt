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
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.foundation.verticalScroll
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.outlined.GppMaybe
import androidx.compose.material3.Button
import androidx.compose.material3.FilterChip
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.RadioButton
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
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import cn.mcert.app.core.Display
import cn.mcert.app.core.Order
import cn.mcert.app.state.AppModels
import cn.mcert.app.state.AuthorisationModel
import cn.mcert.app.state.OrgApplyModel

/**
 * 【CA 授权】: 审批进度, then either the letter (【下载模板】, print, stamp and sign, photograph,
 * upload, 【提交申请】) or the legal representative's face check.
 */
@Composable
fun OrgAuthorisationScreen(models: AppModels, onBack: () -> Unit, onApply: () -> Unit) {
    val org by models.orgs.current.collectAsState()
    val m = models.authorisation
    val auth by m.authorisation.collectAsState()
    val method by m.method.collectAsState()
    val picked by m.picked.collectAsState()
    val phone by m.legalRepPhone.collectAsState()
    val state by m.state.collectAsState()
    var saved by remember { mutableStateOf<Boolean?>(null) }
    LaunchedEffect(org?.id) { org?.let { m.load(it) } }
    Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        TitleBar(tr("ca_authorisation"), onBack)
        val a = auth ?: return@Column
        Column(Modifier.weight(1f).verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
            Panel {
                Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
                    Row(verticalAlignment = Alignment.CenterVertically) {
                        Text(tr("progress"), style = MaterialTheme.typography.titleSmall, modifier = Modifier.weight(1f))
                        Chip(authText(a), authorisationColor(a.status), Modifier.testTag("auth_status"))
                    }
                    ProgressSteps(a.progress)
                    a.rejectReason?.takeIf { a.status == "rejected" }?.let { ErrorText(tr("reject_reason", it)) }
                }
            }
            when {
                a.approved -> Panel {
                    Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(10.dp)) {
                        Text(tr("auth_approved_hint"), style = MaterialTheme.typography.bodyMedium, color = Brand.Green)
                        Button(onClick = onApply, modifier = Modifier.fillMaxWidth().testTag("go_apply")) { Text(tr("org_apply")) }
                    }
                }
                a.pending -> HintBox(tr("auth_pending_hint"), Modifier.testTag("auth_pending"))
                else -> {
                    Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                        for ((mm, id) in listOf(AuthorisationModel.Method.LETTER to "auth_letter", AuthorisationModel.Method.FACE to "auth_face")) {
                            FilterChip(
                                selected = method == mm,
                                onClick = { m.method.value = mm },
                                label = { Text(tr(id)) },
                                modifier = Modifier.testTag("method_${mm.name}"),
                            )
                        }
                    }
                    if (method == AuthorisationModel.Method.LETTER) {
                        Panel {
                            Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(10.dp)) {
                                Text("1. " + tr("letter_step1"), style = MaterialTheme.typography.bodyMedium)
                                Row(verticalAlignment = Alignment.CenterVertically) {
                                    OutlinedButton(
                                        onClick = { models.run { m.template()?.let { saved = Files.save("authorisation-letter.pdf", "application/pdf", it) } } },
                                        modifier = Modifier.testTag("download_template"),
                                    ) { Text(tr("download_template")) }
                                    saved?.let {
                                        Text(
                                            tr(if (it) "template_saved" else "template_not_saved"),
                                            color = if (it) Brand.Green else MaterialTheme.colorScheme.onSurfaceVariant,
                                            style = MaterialTheme.typography.bodySmall,
                                            modifier = Modifier.padding(start = 12.dp),
                                        )
                                    }
                                }
                                HorizontalDivider(color = Brand.Line)
                                Text("2. " + tr("letter_step2"), style = MaterialTheme.typography.bodyMedium)
                                FilePickRow(picked, tr("file_type"), "pick_letter") { models.run { Files.pick()?.let(m::pick) } }
                            }
                        }
                    } else {
                        Panel {
                            Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                                Text(tr("face_hint"), style = MaterialTheme.typography.bodyMedium)
                                FormField(phone, { m.legalRepPhone.value = it.filter(Char::isDigit).take(11) }, tr("legal_rep_phone"), "legal_rep_phone", keyboard = KeyboardType.Phone)
                            }
                        }
                    }
                }
            }
            (state as? AuthorisationModel.State.Failed)?.let { ErrorText(it.problem.message) }
        }
        if (m.canSubmit()) {
            Row(Modifier.fillMaxWidth().background(Color.White).padding(16.dp)) {
                Button(
                    onClick = {
                        models.run {
                            val ok = if (method == AuthorisationModel.Method.LETTER) m.submitLetter() else m.submitFace(FaceCheck.run())
                            if (ok) models.orgs.reload()
                        }
                    },
                    enabled = state != AuthorisationModel.State.Busy,
                    modifier = Modifier.fillMaxWidth().height(48.dp).testTag("auth_submit"),
                    shape = RoundedCornerShape(24.dp),
                ) { Text(tr(if (method == AuthorisationModel.Method.LETTER) "submit_application" else "face_submit")) }
            }
        }
    }
}

/**
 * 【申请单位证书】: product for organisations, period, the 营业执照; 【提交订单】 → 待审核. A rejected
 * application shows its reason and is sent back with a new photo. Before the CA authorisation,
 * the page says to authorise first.
 */
@Composable
fun OrgApplyScreen(models: AppModels, onBack: () -> Unit, onAuthorise: () -> Unit) {
    val org by models.orgs.current.collectAsState()
    val m = models.orgApply
    val products by m.products.collectAsState()
    val selected by m.selected.collectAsState()
    val years by m.years.collectAsState()
    val licence by m.licence.collectAsState()
    val orders by m.orders.collectAsState()
    val state by m.state.collectAsState()
    LaunchedEffect(org?.id) { org?.let { m.load(it) } }
    Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        TitleBar(tr("org_apply"), onBack)
        val o = org ?: return@Column
        if (!o.authorisation.approved) {
            EmptyState(Icons.Outlined.GppMaybe, tr("ca_authorisation"), tr("authorise_first"), action = tr("go_authorise"), onAction = onAuthorise)
            return@Column
        }
        val rejected = m.rejected
        Column(Modifier.weight(1f).verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
            if (rejected != null) {
                Panel(Modifier.testTag("rejected_${rejected.id}")) {
                    Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
                        Row(verticalAlignment = Alignment.CenterVertically) {
                            Text(tr("order_no", rejected.id), style = MaterialTheme.typography.titleSmall, modifier = Modifier.weight(1f))
                            Chip(rejected.statusLabel, Brand.Red)
                        }
                        rejected.rejectReason?.let { ErrorText(tr("reject_reason", it)) }
                        Text(tr("resubmit_hint"), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
                    }
                }
            } else {
                Panel {
                    Column(Modifier.padding(vertical = 8.dp)) {
                        Text(tr("product"), style = MaterialTheme.typography.titleSmall, modifier = Modifier.padding(horizontal = 16.dp, vertical = 6.dp))
                        products.forEach { p ->
                            val on = selected == p.id
                            Row(
                                Modifier.fillMaxWidth().padding(horizontal = 12.dp, vertical = 4.dp)
                                    .border(1.dp, if (on) Brand.Blue else Brand.Line, RoundedCornerShape(8.dp))
                                    .clickable { m.selected.value = p.id }.padding(8.dp).testTag("org_product_${p.id}"),
                                verticalAlignment = Alignment.CenterVertically,
                            ) {
                                RadioButton(selected = on, onClick = { m.selected.value = p.id })
                                Text(p.name, style = MaterialTheme.typography.bodyMedium, modifier = Modifier.weight(1f))
                                Text(tr("price_per_year", Display.yuan(p.priceFenPerYear)), color = Brand.Orange, style = MaterialTheme.typography.titleSmall)
                            }
                        }
                    }
                }
                Panel {
                    Row(Modifier.padding(16.dp), horizontalArrangement = Arrangement.spacedBy(8.dp), verticalAlignment = Alignment.CenterVertically) {
                        Text(tr("years"), style = MaterialTheme.typography.titleSmall, modifier = Modifier.weight(1f))
                        (1L..3L).forEach { y ->
                            FilterChip(selected = years == y, onClick = { m.years.value = y }, label = { Text(tr("years_n", y.toInt())) }, modifier = Modifier.testTag("org_years_$y"))
                        }
                    }
                }
            }
            Panel {
                Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                    Text(tr("materials"), style = MaterialTheme.typography.titleSmall)
                    Text(tr("business_licence"), style = MaterialTheme.typography.bodyMedium)
                    FilePickRow(licence, tr("licence_hint"), "pick_licence") { models.run { Files.pick()?.let(m::pick) } }
                }
            }
            when (val s = state) {
                is OrgApplyModel.State.Submitted -> Text(tr("org_apply_submitted"), color = Brand.Blue, style = MaterialTheme.typography.bodyMedium, modifier = Modifier.testTag("apply_submitted"))
                is OrgApplyModel.State.Failed -> ErrorText(s.problem.message)
                else -> {}
            }
            if (orders.isNotEmpty()) {
                Text(tr("org_applications"), style = MaterialTheme.typography.titleSmall)
                Panel {
                    Column { orders.forEachIndexed { i, o2 -> if (i > 0) HorizontalDivider(color = Brand.Line); ApplicationRow(o2) } }
                }
            }
        }
        Row(Modifier.fillMaxWidth().background(Color.White).padding(16.dp), verticalAlignment = Alignment.CenterVertically) {
            Column(Modifier.weight(1f)) {
                if (rejected == null) {
                    Text(tr("amount"), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
                    Text(tr("yuan", Display.yuan(m.amountFen())), style = MaterialTheme.typography.titleLarge, color = Brand.Orange)
                }
            }
            Button(
                onClick = { models.run { if (rejected != null) m.resubmit() else m.submit() } },
                enabled = state != OrgApplyModel.State.Busy,
                modifier = Modifier.height(48.dp).testTag("org_apply_submit"),
            ) { Text(tr(if (rejected != null) "resubmit" else "submit_order")) }
        }
    }
}

@Composable
private fun ApplicationRow(o: Order) {
    Row(Modifier.fillMaxWidth().padding(horizontal = 16.dp, vertical = 10.dp).testTag("application_${o.id}"), verticalAlignment = Alignment.CenterVertically) {
        Column(Modifier.weight(1f)) {
            Text(tr("order_no", o.id), style = MaterialTheme.typography.bodyMedium)
            Text(Display.beijingTime(o.createdAt), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
        }
        Chip(o.statusLabel, orderStatusColor(o.status))
    }
}

internal fun orderStatusColor(status: String): Color = when (status) {
    "awaiting_payment" -> Brand.Orange
    "pending_review" -> Brand.Blue
    "completed", "paid" -> Brand.Green
    "rejected" -> Brand.Red
    else -> Brand.TextSecondary
}
