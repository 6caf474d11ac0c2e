package cn.mcert.app.ui

import androidx.compose.foundation.background
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ExperimentalLayoutApi
import androidx.compose.foundation.layout.FlowRow
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.outlined.ReceiptLong
import androidx.compose.material3.Button
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
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

/** The colour of an order state. */
fun orderColor(status: String): Color = when (status) {
    "awaiting_payment" -> Brand.Orange
    "pending_review" -> Brand.Blue
    "completed" -> Brand.Green
    "rejected" -> Brand.Red
    else -> Brand.TextSecondary
}

/** The pages of paying and invoicing, opened from 【我的】 and 【我的订单】. */
@Composable
internal fun CommerceScreen(route: Route, models: AppModels, nav: Navigator) {
    when (route) {
        Route.Orders -> OrdersScreen(models, nav::go, nav::back)
        Route.OrderDetail -> OrderDetailScreen(models, nav::back)
        Route.OrderChange -> OrderChangeScreen(models, nav::back)
        Route.Invoices -> InvoicesScreen(models, nav::back)
        Route.InvoiceRequest -> InvoiceRequestScreen(models, nav::back, onDone = { nav.replace(Route.Invoices) }) {
            models.billing.startAdd()
            nav.go(Route.BillingProfileForm)
        }
        Route.BillingProfiles -> BillingProfilesScreen(models, nav::back) { nav.go(Route.BillingProfileForm) }
        Route.BillingProfileForm -> BillingProfileFormScreen(models, nav::back)
        Route.PayerAccounts -> PayerAccountsScreen(models, nav::back) { nav.go(Route.PayerAccountAdd) }
        Route.PayerAccountAdd -> PayerAccountAddScreen(models, nav::back)
        else -> {}
    }
}

/**
 * 【我的订单】 with the tabs 全部 / 待审核 / 待支付 / 已完成 / 未通过 / 已取消 and, on each order, what
 * its state allows: 【支付】, 【转账支付】, 【取消】 (confirmed), 【修改】, 【申请开票】.
 */
@Composable
fun OrdersScreen(models: AppModels, go: (Route) -> Unit, onBack: () -> Unit) {
    val m = models.orders
    val all by m.orders.collectAsState()
    val tab by m.tab.collectAsState()
    val loading by m.loading.collectAsState()
    val error by m.error.collectAsState()
    val paying by m.paying.collectAsState()
    val cancelling by m.cancelling.collectAsState()
    LaunchedEffect(Unit) { m.refresh() }
    Box(Modifier.fillMaxSize()) {
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
                    onAction = { go(Route.Apply) },
                )
                else -> LazyColumn(
                    Modifier.fillMaxSize().testTag("order_list"),
                    contentPadding = PaddingValues(16.dp),
                    verticalArrangement = Arrangement.spacedBy(12.dp),
                ) {
                    if (error != null) item { ErrorText(error!!) }
                    items(shown, key = { it.id }) { o ->
                        OrderCard(
                            m.row(o),
                            paying = paying == o.id,
                            onOpen = {
                                models.orderDetail.open(o)
                                go(Route.OrderDetail)
                            },
                            onPay = { models.run { m.pay(o) } },
                            onTransfer = {
                                models.run {
                                    models.orderDetail.payByTransfer(o)
                                    go(Route.OrderDetail)
                                }
                            },
                            onCancel = { m.askCancel(o) },
                            onChange = { if (m.startChange(o)) go(Route.OrderChange) },
                            onInvoice = {
                                models.run {
                                    models.invoices.startRequest(o)
                                    go(Route.InvoiceRequest)
                                }
                            },
                        )
                    }
                }
            }
        }
        cancelling?.let { o ->
            ConfirmOverlay(
                title = tr("cancel_title"),
                text = tr("cancel_confirm", m.row(o).product),
                confirm = tr("cancel_ok"),
                onConfirm = { models.run { m.confirmCancel() } },
                onDismiss = { m.cancelling.value = null },
                danger = true,
                dismiss = tr("keep_order"),
            )
        }
    }
}

@OptIn(ExperimentalLayoutApi::class)
@Composable
private fun OrderCard(
    row: OrdersModel.Row,
    paying: Boolean,
    onOpen: () -> Unit,
    onPay: () -> Unit,
    onTransfer: () -> Unit,
    onCancel: () -> Unit,
    onChange: () -> Unit,
    onInvoice: () -> Unit,
) {
    val o: Order = row.order
    Panel(Modifier.testTag("order_${o.id}")) {
        Column(Modifier.clickable(onClick = onOpen).padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically) {
                Text(row.product, style = MaterialTheme.typography.titleMedium, modifier = Modifier.weight(1f))
                Chip(row.status, orderColor(o.status), Modifier.testTag("status_${o.id}"))
            }
            Text(tr("order_no", o.id), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
            HorizontalDivider(color = Brand.Line)
            Row(verticalAlignment = Alignment.CenterVertically) {
                Column(Modifier.weight(1f)) {
                    Text(row.newName ?: tr("order_period", o.years.toInt()), style = MaterialTheme.typography.bodyMedium)
                    Text(Display.beijingTime(o.createdAt), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
                }
                Text(row.amount, style = MaterialTheme.typography.titleLarge, color = Brand.Text, modifier = Modifier.testTag("amount_${o.id}"))
            }
            row.rejectReason?.let { ErrorText(tr("reject_reason", it)) }
            row.received?.let { Text(it, color = Brand.Orange, style = MaterialTheme.typography.bodyMedium) }
            row.invoice?.let {
                Text(tr("invoice_line", it), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
            }
            val any = o.canCancel || o.canChange || o.canPayByTransfer || o.canPayOnline || o.canRequestInvoice
            if (any) {
                FlowRow(
                    Modifier.fillMaxWidth(),
                    horizontalArrangement = Arrangement.spacedBy(8.dp, Alignment.End),
                    verticalArrangement = Arrangement.spacedBy(4.dp),
                ) {
                    val small = Modifier.height(36.dp)
                    val pad = PaddingValues(horizontal = 14.dp)
                    if (o.canCancel) {
                        OutlinedButton(onClick = onCancel, contentPadding = pad, modifier = small.testTag("cancel_${o.id}")) {
                            Text(tr("order_cancel"), color = Brand.TextSecondary)
                        }
                    }
                    if (o.canChange) {
                        OutlinedButton(onClick = onChange, contentPadding = pad, modifier = small.testTag("change_${o.id}")) { Text(tr("order_change")) }
                    }
                    if (o.canPayByTransfer) {
                        OutlinedButton(onClick = onTransfer, contentPadding = pad, modifier = small.testTag("transfer_${o.id}")) {
                            Text(tr(if (o.transfer != null) "view_transfer" else "pay_transfer"))
                        }
                    }
                    if (o.canPayOnline) {
                        Button(onClick = onPay, enabled = !paying, contentPadding = pad, modifier = small.testTag("pay_${o.id}")) {
                            Text(tr(if (paying) "submitting" else "pay_online"))
                        }
                    }
                    if (o.canRequestInvoice) {
                        Button(onClick = onInvoice, contentPadding = pad, modifier = small.testTag("invoice_${o.id}")) { Text(tr("request_invoice")) }
                    }
                }
            }
        }
    }
}
