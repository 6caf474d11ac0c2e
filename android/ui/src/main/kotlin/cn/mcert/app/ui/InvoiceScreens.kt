package cn.mcert.app.ui

import androidx.compose.foundation.background
import androidx.compose.foundation.border
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.foundation.verticalScroll
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.outlined.Receipt
import androidx.compose.material3.Button
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.RadioButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
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
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp
import cn.mcert.app.core.Display
import cn.mcert.app.core.TitleKind
import cn.mcert.app.state.AppModels
import cn.mcert.app.state.InvoicesModel
import cn.mcert.app.state.productText

private fun invoiceColor(status: String): Color = when (status) {
    "issued" -> Brand.Green
    "issuing" -> Brand.Blue
    "failed" -> Brand.Red
    else -> Brand.TextSecondary
}

/**
 * 【发票管理】: the invoices (发票号码, 抬头, 价税合计, state; red-letter ones marked), each with
 * 【下载】 (the PDF saved where the user chooses) and 【分享】 (a link with its expiry, copyable).
 */
@Composable
fun InvoicesScreen(models: AppModels, onBack: () -> Unit) {
    val m = models.invoices
    val invoices by m.invoices.collectAsState()
    val loading by m.loading.collectAsState()
    val problem by m.problem.collectAsState()
    val shared by m.shared.collectAsState()
    val copied by m.copied.collectAsState()
    var saved by remember { mutableStateOf<Boolean?>(null) }
    LaunchedEffect(Unit) { m.refresh() }
    Box(Modifier.fillMaxSize()) {
        Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
            TitleBar(tr("invoices"), onBack)
            when {
                loading && invoices.isEmpty() -> Loading()
                problem != null && invoices.isEmpty() -> ErrorState(problem!!.message, onRetry = { models.run { m.refresh() } })
                invoices.isEmpty() -> EmptyState(Icons.Outlined.Receipt, tr("invoices_empty"), tr("invoices_empty_hint"))
                else -> LazyColumn(
                    Modifier.fillMaxSize().testTag("invoice_list"),
                    contentPadding = PaddingValues(16.dp),
                    verticalArrangement = Arrangement.spacedBy(12.dp),
                ) {
                    saved?.let { ok -> item { Text(tr(if (ok) "invoice_saved" else "invoice_not_saved"), color = if (ok) Brand.Green else Brand.Red) } }
                    problem?.let { p -> item { ErrorText(p.message) } }
                    items(invoices, key = { it.id }) { i ->
                        InvoiceCard(
                            m.row(i),
                            onDownload = {
                                models.run {
                                    m.pdf(i)?.let { bytes -> saved = Files.save(m.fileName(i), "application/pdf", bytes) }
                                }
                            },
                            onShare = { models.run { m.share(i) } },
                        )
                    }
                }
            }
        }
        shared?.let { s ->
            Scrim({ m.shared.value = null }, Alignment.Center) {
                Panel(Modifier.padding(24.dp).testTag("share_overlay")) {
                    Column(Modifier.padding(20.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
                        Text(tr("share_title"), style = MaterialTheme.typography.titleMedium, modifier = Modifier.fillMaxWidth(), textAlign = TextAlign.Center)
                        Text(s.invoice.number?.let { "${tr("invoice_no")}  $it" } ?: s.invoice.title, style = MaterialTheme.typography.bodyMedium)
                        Text(
                            s.url,
                            style = MaterialTheme.typography.bodySmall,
                            color = Brand.BlueDark,
                            modifier = Modifier.fillMaxWidth().background(Brand.BlueLight, RoundedCornerShape(6.dp)).padding(10.dp).testTag("share_url"),
                        )
                        Text(tr("valid_until", s.expiresAt), style = MaterialTheme.typography.bodySmall, modifier = Modifier.testTag("share_expiry"))
                        Text(tr("share_hint"), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
                        Row(horizontalArrangement = Arrangement.spacedBy(12.dp)) {
                            OutlinedButton(onClick = { m.shared.value = null }, modifier = Modifier.weight(1f).testTag("share_close")) { Text(tr("close")) }
                            Button(onClick = { m.copyLink() }, modifier = Modifier.weight(1f).testTag("share_copy")) {
                                Text(tr(if (copied == s.url) "copied" else "copy_link"))
                            }
                        }
                    }
                }
            }
        }
    }
}

@Composable
private fun InvoiceCard(row: InvoicesModel.Row, onDownload: () -> Unit, onShare: () -> Unit) {
    val i = row.invoice
    Panel(Modifier.testTag("invoice_${i.id}")) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically) {
                Text(row.title, style = MaterialTheme.typography.titleMedium, modifier = Modifier.weight(1f))
                if (row.red) Chip(tr("invoice_red"), Brand.Red, Modifier.padding(end = 6.dp).testTag("red_${i.id}"))
                Chip(row.status, invoiceColor(i.status), Modifier.testTag("invoice_status_${i.id}"))
            }
            HorizontalDivider(color = Brand.Line)
            Row {
                Column(Modifier.weight(1f), verticalArrangement = Arrangement.spacedBy(2.dp)) {
                    Text("${tr("invoice_no")}  ${row.number}", style = MaterialTheme.typography.bodyMedium)
                    row.issuedAt?.let {
                        Text("${tr("issued_at")}  $it", style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
                    }
                }
                Column(horizontalAlignment = Alignment.End) {
                    Text(tr("invoice_total"), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
                    Text(row.total, style = MaterialTheme.typography.titleMedium, color = if (row.red) Brand.Red else Brand.Text)
                }
            }
            if (i.issued) {
                Row(Modifier.fillMaxWidth(), horizontalArrangement = Arrangement.spacedBy(8.dp, Alignment.End)) {
                    OutlinedButton(onClick = onShare, modifier = Modifier.height(36.dp).testTag("share_${i.id}")) { Text(tr("share")) }
                    Button(onClick = onDownload, modifier = Modifier.height(36.dp).testTag("download_${i.id}")) { Text(tr("download")) }
                }
            }
        }
    }
}

/**
 * 【申请开票】 for a completed order: the billing profile to use (the default one preselected),
 * or 【添加开票信息】 first.
 */
@Composable
fun InvoiceRequestScreen(models: AppModels, onBack: () -> Unit, onDone: () -> Unit, onAddProfile: () -> Unit) {
    val m = models.invoices
    val order by m.requestFor.collectAsState()
    val profiles by m.profiles.collectAsState()
    val choice by m.profileChoice.collectAsState()
    val problem by m.problem.collectAsState()
    val busy by m.busy.collectAsState()
    // Back from 【添加开票信息】: the new profile is offered.
    LaunchedEffect(Unit) { if (order != null) m.reloadProfiles() }
    Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        TitleBar(tr("invoice_request"), onBack)
        val o = order ?: return@Column
        Column(Modifier.weight(1f).verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
            Panel {
                Column(Modifier.padding(horizontal = 16.dp, vertical = 8.dp)) {
                    Field(tr("order_product"), productText(o))
                    Field(tr("order_id"), o.id)
                    Field(tr("invoice_total"), Display.money(o.amountFen))
                }
            }
            Panel {
                Column(Modifier.padding(vertical = 8.dp)) {
                    Text(tr("choose_profile"), style = MaterialTheme.typography.titleSmall, modifier = Modifier.padding(horizontal = 16.dp, vertical = 6.dp))
                    profiles.forEach { p ->
                        val on = choice == p.id
                        Row(
                            Modifier.fillMaxWidth().padding(horizontal = 12.dp, vertical = 4.dp)
                                .border(1.dp, if (on) Brand.Blue else Brand.Line, RoundedCornerShape(8.dp))
                                .clickable { m.profileChoice.value = p.id }.padding(8.dp).testTag("profile_${p.id}"),
                            verticalAlignment = Alignment.CenterVertically,
                        ) {
                            RadioButton(selected = on, onClick = { m.profileChoice.value = p.id })
                            Column(Modifier.weight(1f)) {
                                Row(verticalAlignment = Alignment.CenterVertically) {
                                    Text(p.title, style = MaterialTheme.typography.bodyLarge, modifier = Modifier.weight(1f, fill = false))
                                    if (p.isDefault) Chip(tr("default_mark"), Brand.Blue, Modifier.padding(start = 6.dp))
                                }
                                Text(
                                    p.taxpayerId?.let { tr("taxpayer_line", it) } ?: tr(if (p.kind == TitleKind.COMPANY) "title_company" else "title_personal"),
                                    style = MaterialTheme.typography.bodySmall,
                                    color = MaterialTheme.colorScheme.onSurfaceVariant,
                                )
                            }
                        }
                    }
                    TextButton(onClick = onAddProfile, modifier = Modifier.padding(horizontal = 8.dp).testTag("request_add_profile")) { Text(tr("profile_add")) }
                }
            }
            Text(tr("invoice_type_note"), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
            problem?.let { ErrorText(it.message) }
        }
        Box(Modifier.fillMaxWidth().background(Color.White).padding(16.dp)) {
            Button(
                onClick = { models.run { if (m.submitRequest() != null) onDone() } },
                enabled = !busy,
                modifier = Modifier.fillMaxWidth().height(48.dp).testTag("request_submit"),
                shape = RoundedCornerShape(24.dp),
            ) { Text(tr("submit")) }
        }
    }
}
