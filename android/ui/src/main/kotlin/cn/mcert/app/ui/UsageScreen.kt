package cn.mcert.app.ui

import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
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

private fun outcomeColor(outcome: String): Color = when (outcome) {
    "success", "completed" -> Brand.Green
    "declined", "rejected" -> Brand.Orange
    else -> Brand.Red
}

/** 【使用记录】: a table of time (Beijing), operation, platform and outcome; dates to filter. */
@Composable
fun UsageScreen(models: AppModels, onBack: () -> Unit) {
    val m = models.usage
    val items by m.items.collectAsState()
    val more by m.hasMore.collectAsState()
    val from by m.from.collectAsState()
    val to by m.to.collectAsState()
    val loading by m.loading.collectAsState()
    val error by m.error.collectAsState()
    LaunchedEffect(Unit) { m.refresh() }
    Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        TitleBar(tr("home_usage"), onBack)
        Row(
            Modifier.fillMaxWidth().background(Color.White).padding(horizontal = 12.dp, vertical = 8.dp),
            horizontalArrangement = Arrangement.spacedBy(8.dp),
            verticalAlignment = Alignment.CenterVertically,
        ) {
            val date = KeyboardOptions(keyboardType = KeyboardType.Number)
            OutlinedTextField(
                from ?: "", { m.from.value = it.take(10).ifBlank { null } },
                label = { Text(tr("from_date")) }, placeholder = { Text("2025-01-01") }, singleLine = true,
                keyboardOptions = date, modifier = Modifier.weight(1f).testTag("usage_from"),
            )
            OutlinedTextField(
                to ?: "", { m.to.value = it.take(10).ifBlank { null } },
                label = { Text(tr("to_date")) }, placeholder = { Text("2025-12-31") }, singleLine = true,
                keyboardOptions = date, modifier = Modifier.weight(1f).testTag("usage_to"),
            )
            Button(onClick = { models.run { m.refresh() } }, modifier = Modifier.testTag("usage_filter")) { Text(tr("filter")) }
        }
        when {
            loading && items.isEmpty() -> Loading()
            error != null && items.isEmpty() -> ErrorState(error!!, onRetry = { models.run { m.refresh() } })
            items.isEmpty() -> EmptyState(Icons.Outlined.History, tr("usage_empty"), tr("usage_empty_hint"))
            else -> {
                Header()
                LazyColumn(Modifier.fillMaxSize().background(Color.White).testTag("usage_list")) {
                    items(items) { u ->
                        UsageRow(u)
                        HorizontalDivider(color = Brand.Line)
                    }
                    if (more) {
                        item {
                            TextButton(onClick = { models.run { m.loadMore() } }, modifier = Modifier.fillMaxWidth().testTag("load_more")) {
                                Text(tr("load_more"))
                            }
                        }
                    }
                }
            }
        }
    }
}

private val timeWidth = 92.dp
private val outcomeWidth = 64.dp

@Composable
private fun Header() {
    Row(
        Modifier.fillMaxWidth().background(Color(0xFFF0F2F5)).padding(horizontal = 12.dp, vertical = 8.dp).testTag("usage_header"),
        verticalAlignment = Alignment.CenterVertically,
    ) {
        val style = MaterialTheme.typography.labelMedium
        val color = MaterialTheme.colorScheme.onSurfaceVariant
        Column(Modifier.width(timeWidth)) {
            Text(tr("col_time"), style = style, color = color)
            Text(tr("beijing_time"), style = MaterialTheme.typography.labelSmall, color = color)
        }
        Text(tr("col_operation") + " / " + tr("col_platform"), style = style, color = color, modifier = Modifier.weight(1f))
        Text(tr("col_outcome"), style = style, color = color, modifier = Modifier.width(outcomeWidth))
    }
}

@Composable
private fun UsageRow(u: Usage) {
    Row(Modifier.fillMaxWidth().padding(horizontal = 12.dp, vertical = 10.dp), verticalAlignment = Alignment.CenterVertically) {
        val time = Display.beijingTime(u.at)
        Column(Modifier.width(timeWidth)) {
            Text(time.substringBefore(' '), style = MaterialTheme.typography.bodySmall)
            Text(time.substringAfter(' ', ""), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
        }
        Column(Modifier.weight(1f).padding(end = 6.dp)) {
            Text(u.operation, style = MaterialTheme.typography.bodyLarge)
            Text(
                u.platformName,
                style = MaterialTheme.typography.bodySmall,
                color = MaterialTheme.colorScheme.onSurfaceVariant,
                maxLines = 1,
                overflow = TextOverflow.Ellipsis,
            )
        }
        Column(Modifier.width(outcomeWidth)) { Chip(u.outcomeLabel, outcomeColor(u.outcome)) }
    }
}
