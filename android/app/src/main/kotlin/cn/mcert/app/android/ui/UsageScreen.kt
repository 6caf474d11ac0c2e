package cn.mcert.app.android.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.ListItem
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import cn.mcert.app.R
import cn.mcert.app.android.AppViewModel

/** 【使用记录】: operation, holder, certificate serial, platform, time, outcome. */
@Composable
fun UsageScreen(model: AppViewModel) {
    val m = model.usage
    val items by m.items.collectAsState()
    val more by m.hasMore.collectAsState()
    val from by m.from.collectAsState()
    val to by m.to.collectAsState()
    val error by m.error.collectAsState()
    LaunchedEffect(Unit) { m.refresh() }
    Column(Modifier.fillMaxSize().padding(16.dp)) {
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            OutlinedTextField(from ?: "", { m.from.value = it.ifBlank { null } }, label = { Text(stringResource(R.string.from_date)) }, modifier = Modifier.weight(1f))
            OutlinedTextField(to ?: "", { m.to.value = it.ifBlank { null } }, label = { Text(stringResource(R.string.to_date)) }, modifier = Modifier.weight(1f))
            Button(onClick = { model.run { m.refresh() } }) { Text(stringResource(R.string.filter)) }
        }
        if (items.isEmpty()) Text(stringResource(R.string.empty))
        LazyColumn(Modifier.weight(1f)) {
            items(items) { u ->
                ListItem(
                    headlineContent = { Text("${u.operation} · ${u.platformName}") },
                    supportingContent = { Text("${u.at} · ${u.holderName ?: ""} · ${u.certificateSerial ?: "—"}") },
                    trailingContent = { Text(u.outcomeLabel) },
                )
            }
            if (more) {
                item { TextButton(onClick = { model.run { m.loadMore() } }) { Text(stringResource(R.string.load_more)) } }
            }
        }
        error?.let { ErrorText(it) }
    }
}
