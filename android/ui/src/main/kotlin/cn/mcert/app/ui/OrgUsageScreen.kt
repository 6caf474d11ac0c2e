package cn.mcert.app.ui

import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.outlined.History
import androidx.compose.material3.Button
import androidx.compose.material3.FilterChip
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedTextField
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
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.text.style.TextOverflow
import androidx.compose.ui.unit.dp
import cn.mcert.app.core.Display
import cn.mcert.app.core.Usage
import cn.mcert.app.state.AppModels
import cn.mcert.app.state.OrgUsageModel

/**
 * The organisation's 【使用记录】: operation, user (使用者), certificate and time; an admin filters
 * by member and certificate too, a user sees their own records.
 */
@Composable
fun OrgUsageScreen(models: AppModels, onBack: () -> Unit) {
    val org by models.orgs.current.collectAsState()
    val m = models.orgUsage
    val items by m.items.collectAsState()
    val members by m.members.collectAsState()
    val serials by m.serials.collectAsState()
    val member by m.member.collectAsState()
    val serial by m.serial.collectAsState()
    val operation by m.operation.collectAsState()
    val from by m.from.collectAsState()
    val to by m.to.collectAsState()
    val more by m.hasMore.collectAsState()
    val loading by m.loading.collectAsState()
    val error by m.error.collectAsState()
    LaunchedEffect(org?.id) { org?.let { m.load(it) } }
    fun apply() = models.run { m.refresh() }
    Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        TitleBar(tr("home_usage"), onBack)
        Column(Modifier.fillMaxWidth().background(Color.White).padding(horizontal = 12.dp, vertical = 6.dp)) {
            ChipRow(tr("operation"), "filter_op") {
                FilterChip(operation == null, { m.operation.value = null; apply() }, { Text(tr("orders_all")) }, Modifier.testTag("op_all"))
                OrgUsageModel.Operation.entries.forEach { op ->
                    FilterChip(operation == op, { m.operation.value = op; apply() }, { Text(tr(op.textId)) }, Modifier.testTag("op_${op.code}"))
                }
            }
            if (m.isAdmin && members.isNotEmpty()) {
                ChipRow(tr("filter_member"), "filter_member") {
                    FilterChip(member == null, { m.member.value = null; apply() }, { Text(tr("orders_all")) })
                    members.forEach { mm ->
                        FilterChip(member == mm.id, { m.member.value = mm.id; apply() }, { Text(mm.name) }, Modifier.testTag("member_filter_${mm.id}"))
                    }
                }
            }
            if (m.isAdmin && serials.isNotEmpty()) {
                ChipRow(tr("filter_certificate"), "filter_cert") {
                    FilterChip(serial == null, { m.serial.value = null; apply() }, { Text(tr("orders_all")) })
                    serials.forEach { s ->
                        FilterChip(serial == s, { m.serial.value = s; apply() }, { Text(Display.shortSerial(s)) })
                    }
                }
            }
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp), verticalAlignment = Alignment.CenterVertically) {
                val date = KeyboardOptions(keyboardType = KeyboardType.Number)
                OutlinedTextField(
                    from ?: "", { m.from.value = it.take(10).ifBlank { null } }, label = { Text(tr("from_date")) },
                    singleLine = true, keyboardOptions = date, modifier = Modifier.weight(1f).testTag("org_usage_from"),
                )
                OutlinedTextField(
                    to ?: "", { m.to.value = it.take(10).ifBlank { null } }, label = { Text(tr("to_date")) },
                    singleLine = true, keyboardOptions = date, modifier = Modifier.weight(1f).testTag("org_usage_to"),
                )
                Button(onClick = { apply() }, modifier = Modifier.testTag("org_usage_filter")) { Text(tr("filter")) }
            }
        }
        when {
            loading && items.isEmpty() -> Loading()
            error != null && items.isEmpty() -> ErrorState(error!!, onRetry = { apply() })
            items.isEmpty() -> EmptyState(Icons.Outlined.History, tr("usage_empty"), tr("org_usage_empty_hint"))
            else -> LazyColumn(Modifier.fillMaxSize().background(Color.White).testTag("org_usage_list")) {
                items(items) { u ->
                    OrgUsageRow(u)
                    HorizontalDivider(color = Brand.Line)
                }
                if (more) {
                    item {
                        TextButton(onClick = { models.run { m.loadMore() } }, modifier = Modifier.fillMaxWidth()) { Text(tr("load_more")) }
                    }
                }
            }
        }
    }
}

/** A filter's label and its chips, wrapped onto more lines when they do not fit. */
@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun ChipRow(label: String, tag: String, chips: @Composable () -> Unit) {
    Row(verticalAlignment = Alignment.Top, modifier = Modifier.testTag(tag)) {
        Text(
            label,
            style = MaterialTheme.typography.labelMedium,
            color = MaterialTheme.colorScheme.onSurfaceVariant,
            modifier = Modifier.width(44.dp).padding(top = 16.dp),
        )
        FlowRow(horizontalArrangement = Arrangement.spacedBy(6.dp)) { chips() }
    }
}

@Composable
private fun OrgUsageRow(u: Usage) {
    Row(Modifier.fillMaxWidth().padding(horizontal = 12.dp, vertical = 10.dp), verticalAlignment = Alignment.CenterVertically) {
        val time = Display.beijingTime(u.at)
        Column(Modifier.width(84.dp)) {
            Text(time.substringBefore(' '), style = MaterialTheme.typography.bodySmall)
            Text(time.substringAfter(' ', ""), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
        }
        Column(Modifier.weight(1f).padding(end = 6.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically) {
                Text(u.operation, style = MaterialTheme.typography.bodyLarge)
                u.holderName?.let { Text("  $it", style = MaterialTheme.typography.bodyMedium, color = Brand.Blue) }
            }
            Text(
                listOfNotNull(u.platformName, u.certificateSerial?.let { Display.shortSerial(it) }).joinToString(" · "),
                style = MaterialTheme.typography.bodySmall,
                color = MaterialTheme.colorScheme.onSurfaceVariant,
                maxLines = 1,
                overflow = TextOverflow.Ellipsis,
            )
        }
        Chip(u.outcomeLabel, if (u.outcome == "completed") Brand.Green else if (u.outcome == "declined") Brand.Orange else Brand.Red)
    }
}
