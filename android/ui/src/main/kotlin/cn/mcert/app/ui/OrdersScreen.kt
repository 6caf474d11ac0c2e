package cn.mcert.app.ui

import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.outlined.ReceiptLong
import androidx.compose.material3.Button
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.ScrollableTabRow
import androidx.compose.material3.Tab
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.remember
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import cn.mcert.app.core.Display
import cn.mcert.app.core.Order
import cn.mcert.app.state.AppModels
import cn.mcert.app.state.OrdersModel

private fun orderColor(status: String): Color = when (status) {
    "awaiting_payment" -> Brand.Orange
    "pending_review" -> Brand.Blue
    "completed", "paid" -> Brand.Green
    "rejected" -> Brand.Red
    else -> Brand.TextSecondary
}

/** 【我的订单】 with the tabs 全部 / 待审核 / 待支付 / 已完成 / 未通过; 【立即支付】 on an order 待支付. */
@Composable
fun OrdersScreen(models: AppModels, onBack: () -> Unit, onApply: () -> Unit) {
    val m = models.orders
    val all by m.orders.collectAsState()
    val tab by m.tab.collectAsState()
    val names by m.productNames.collectAsState()
    val loading by m.loading.collectAsState()
    val error by m.error.collectAsState()
    val paying by m.paying.collectAsState()
    LaunchedEffect(Unit) { m.refresh() }
    Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        TitleBar(tr("home_orders"), onBack)
        ScrollableTabRow(selectedTabIndex = tab.ordinal, containerColor = Color.White, edgePadding = 8.dp) {
            OrdersModel.Tab.entries.forEach { t ->
                Tab(
                    selected = t == tab,
                    onClick = { m.tab.value = t },
                    text = { Text(tr(t.textId)) },
                    modifier = Modifier.testTag("orders_tab_${t.name}"),
                )
            }
        }
        val shown = remember(all, tab) { m.shown(tab) }
        when {
            loading && all.isEmpty() -> Loading()
            error != null && all.isEmpty() -> ErrorState(error!!, onRetry = { models.run { m.refresh() } })
            shown.isEmpty() -> EmptyState(
                Icons.AutoMirrored.Outlined.ReceiptLong,
                tr("orders_empty"),
                tr("orders_empty_hint"),
                action = tr("apply"),
                onAction = onApply,
            )
            else -> LazyColumn(
                Modifier.fillMaxSize().testTag("order_list"),
                contentPadding = PaddingValues(16.dp),
                verticalArrangement = Arrangement.spacedBy(12.dp),
            ) {
                items(shown, key = { it.id }) { o ->
                    OrderCard(o, names[o.productId] ?: o.productId, paying == o.id) { models.run { m.pay(o) } }
                }
            }
        }
    }
}

@Composable
private fun OrderCard(o: Order, product: String, paying: Boolean, onPay: () -> Unit) {
    Panel(Modifier.testTag("order_${o.id}")) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically) {
                Text(product, style = MaterialTheme.typography.titleMedium, modifier = Modifier.weight(1f))
                Chip(o.statusLabel, orderColor(o.status))
            }
            Text(tr("order_no", o.id), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
            HorizontalDivider(color = Brand.Line)
            Row(verticalAlignment = Alignment.CenterVertically) {
                Column(Modifier.weight(1f)) {
                    Text(tr("order_period", o.years.toInt()), style = MaterialTheme.typography.bodyMedium)
                    Text(Display.beijingTime(o.createdAt), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
                }
                Text(tr("yuan", Display.yuan(o.amountFen)), style = MaterialTheme.typography.titleLarge, color = Brand.Text)
            }
            o.rejectReason?.let { ErrorText(tr("reject_reason", it)) }
            if (o.status == "awaiting_payment") {
                Button(onClick = onPay, enabled = !paying, modifier = Modifier.fillMaxWidth().testTag("pay_${o.id}")) {
                    Text(tr(if (paying) "submitting" else "pay_now"))
                }
            }
        }
    }
}
