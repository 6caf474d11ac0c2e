package cn.mcert.app.android.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.FilterChip
import androidx.compose.material3.ListItem
import androidx.compose.material3.RadioButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import cn.mcert.app.R
import cn.mcert.app.android.AppViewModel
import cn.mcert.app.state.ApplyModel
import cn.mcert.app.state.PinEntryModel
import cn.mcert.ffi.KeyAlgorithm

private fun yuan(fen: Long) = "%d.%02d".format(fen / 100, fen % 100)

/** 【申请证书】: product, period, amount, order, pay. */
@Composable
fun ApplyScreen(model: AppViewModel, onPaid: () -> Unit) {
    val m = model.apply
    val products by m.products.collectAsState()
    val selected by m.selected.collectAsState()
    val years by m.years.collectAsState()
    val state by m.state.collectAsState()
    LaunchedEffect(Unit) { m.load() }
    Column(Modifier.fillMaxSize().padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        products.forEach { p ->
            Row(Modifier.fillMaxWidth().clickable { m.selected.value = p.id }) {
                RadioButton(selected = selected == p.id, onClick = { m.selected.value = p.id })
                Text("${p.name}  ¥${yuan(p.priceFenPerYear)}/年", Modifier.padding(top = 12.dp))
            }
        }
        Text(stringResource(R.string.years))
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            (1L..3L).forEach { y -> FilterChip(selected = years == y, onClick = { m.years.value = y }, label = { Text("$y") }) }
        }
        Text(stringResource(R.string.amount, yuan(m.amountFen())))
        when (val s = state) {
            is ApplyModel.State.Ordered -> Button(onClick = { model.run { m.pay() } }, Modifier.fillMaxWidth()) {
                Text(stringResource(R.string.pay_now))
            }
            is ApplyModel.State.Paid -> {
                Text("${stringResource(R.string.paid)}：${s.order.statusLabel}")
                Button(onClick = onPaid, Modifier.fillMaxWidth()) { Text(stringResource(R.string.install)) }
            }
            else -> Button(
                onClick = { model.run { m.order() } },
                enabled = state != ApplyModel.State.Busy,
                modifier = Modifier.fillMaxWidth(),
            ) { Text(stringResource(R.string.submit_order)) }
        }
        (state as? ApplyModel.State.Failed)?.let { ErrorText(it.message) }
    }
}

/** 【我的订单】 */
@Composable
fun OrdersScreen(model: AppViewModel) {
    val orders by model.orders.orders.collectAsState()
    LaunchedEffect(Unit) { model.orders.refresh() }
    LazyColumn(Modifier.fillMaxSize().padding(16.dp)) {
        items(orders) { o ->
            ListItem(
                headlineContent = { Text("${o.productId} · ${o.years} 年 · ¥${yuan(o.amountFen)}") },
                supportingContent = { Text(o.createdAt) },
                trailingContent = { Text(o.statusLabel) },
            )
        }
    }
}

/** 【数字证书】: the list, and 【下载证书】 for paid slots with a new PIN. */
@Composable
fun CertificatesScreen(model: AppViewModel, onOpen: () -> Unit) {
    val m = model.certificates
    val items by m.items.collectAsState()
    val slots by m.slots.collectAsState()
    val error by m.error.collectAsState()
    var installing by remember { mutableStateOf<String?>(null) }
    var algorithm by remember { mutableStateOf(KeyAlgorithm.SM2) }
    LaunchedEffect(Unit) { m.refresh() }
    val slot = installing
    if (slot != null) {
        val pad = remember(slot) { PinEntryModel(model.core, PinEntryModel.Mode.New) }
        Column(Modifier.fillMaxSize().padding(16.dp)) {
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Text(stringResource(R.string.algorithm))
                KeyAlgorithm.entries.forEach { a ->
                    FilterChip(selected = algorithm == a, onClick = { algorithm = a }, label = { Text(a.name) })
                }
            }
            PinPad(pad) { pin ->
                model.run {
                    m.install(slot, algorithm, pin)
                    installing = null
                }
            }
        }
        return
    }
    Column(Modifier.fillMaxSize().padding(16.dp)) {
        slots.forEach { s ->
            Button(onClick = { installing = s }, modifier = Modifier.fillMaxWidth()) { Text(stringResource(R.string.install)) }
        }
        LazyColumn {
            items(items) { item ->
                val c = item.certificate
                ListItem(
                    headlineContent = { Text(c.subject) },
                    supportingContent = { Text("${c.algorithm.uppercase()} · ${stringResource(R.string.valid_until)} ${c.notAfter}") },
                    trailingContent = {
                        Text(
                            when (c.status) {
                                "good" -> stringResource(if (c.onThisDevice) R.string.on_this_phone else R.string.not_on_this_phone)
                                "revoked" -> stringResource(R.string.status_revoked)
                                else -> stringResource(R.string.status_expired)
                            },
                        )
                    },
                    modifier = Modifier.clickable {
                        m.open(c.serial)
                        onOpen()
                    },
                )
            }
        }
        error?.let { ErrorText(it) }
    }
}

@Composable
fun CertificateDetailScreen(model: AppViewModel) {
    val item by model.certificates.detail.collectAsState()
    val d = item ?: return
    val c = d.certificate
    Column(Modifier.fillMaxSize().padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
        Text(c.subject)
        Text("${stringResource(R.string.serial)}：${c.serial}")
        Text("${stringResource(R.string.algorithm)}：${c.algorithm.uppercase()}")
        Text("${stringResource(R.string.issuer)}：${c.issuer}")
        Text("${c.notBefore} → ${c.notAfter}")
        d.key?.let { k ->
            if (k.locked) Text(stringResource(R.string.pin_locked))
            else Text(stringResource(R.string.pin_tries_left, k.pinTriesLeft.toInt()))
        }
    }
}
