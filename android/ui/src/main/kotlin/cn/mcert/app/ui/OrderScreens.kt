package cn.mcert.app.ui

import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.width
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.FilterChip
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import cn.mcert.app.core.Display
import cn.mcert.app.core.Texts
import cn.mcert.app.state.AppModels
import cn.mcert.app.state.orderInvoiceText
import cn.mcert.app.state.orderStatusText
import cn.mcert.app.state.productText

/**
 * 订单详情: the order's fields (seed 003 §6: 证书金额, 下单时间, 交款状态, 开票状态) and, once bank
 * transfer is chosen, 收款银行 / 收款账户名 / 收款账号 (grouped; 【复制】 copies the digits) /
 * 应付金额 / 截止时间, and 已收金额 when part of it arrived.
 */
@Composable
fun OrderDetailScreen(models: AppModels, onBack: () -> Unit) {
    val m = models.orderDetail
    val order by m.order.collectAsState()
    val busy by m.busy.collectAsState()
    val problem by m.problem.collectAsState()
    val copied by m.copied.collectAsState()
    Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        TitleBar(tr("order_detail"), onBack)
        val o = order ?: return@Column
        Column(Modifier.weight(1f).verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
            Panel(Modifier.testTag("order_fields")) {
                Column(Modifier.padding(horizontal = 16.dp, vertical = 8.dp)) {
                    Row(Modifier.padding(vertical = 8.dp), verticalAlignment = Alignment.CenterVertically) {
                        Text(productText(o), style = MaterialTheme.typography.titleMedium, modifier = Modifier.weight(1f))
                        Chip(orderStatusText(o), orderColor(o.status))
                    }
                    HorizontalDivider(color = Brand.Line)
                    Field(tr("order_id"), o.id)
                    if (o.isChange) {
                        o.newName?.let { Field(tr("org_change_new_org_name"), it, Modifier.testTag("order_new_name")) }
                    } else {
                        Field(tr("years"), tr("years_n", o.years.toInt()))
                    }
                    Field(tr("order_amount"), Display.money(o.amountFen))
                    Field(tr("order_created"), Display.beijingTime(o.createdAt))
                    Field(tr("payment_state"), Texts["payment_${o.paymentState}"], Modifier.testTag("payment_state"))
                    if (o.status == "completed" || o.invoiceStatus != "none") Field(tr("invoice_state"), orderInvoiceText(o))
                    o.rejectReason?.takeIf { o.status == "rejected" }?.let { ErrorText(tr("reject_reason", it)) }
                }
            }
            m.instructions?.let { t ->
                Panel(Modifier.testTag("transfer")) {
                    Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(2.dp)) {
                        Text(tr("transfer_title"), style = MaterialTheme.typography.titleSmall)
                        Field(tr("transfer_bank"), t.bank)
                        Field(tr("transfer_account_name"), t.accountName)
                        // The number on a line of its own, in groups of four; 【复制】 copies the digits.
                        Row(Modifier.fillMaxWidth().padding(top = 4.dp), verticalAlignment = Alignment.CenterVertically) {
                            Text(
                                tr("transfer_account_no"),
                                color = MaterialTheme.colorScheme.onSurfaceVariant,
                                style = MaterialTheme.typography.bodyMedium,
                                modifier = Modifier.weight(1f),
                            )
                            OutlinedButton(onClick = { m.copyAccount() }, modifier = Modifier.height(34.dp).testTag("copy_account")) {
                                Text(tr(if (copied != null) "copied" else "copy"))
                            }
                        }
                        Text(
                            t.accountNo,
                            style = MaterialTheme.typography.titleLarge,
                            fontFamily = FontFamily.Monospace,
                            fontWeight = FontWeight.Bold,
                            color = Brand.BlueDark,
                            modifier = Modifier.fillMaxWidth().padding(vertical = 4.dp)
                                .background(Brand.BlueLight, RoundedCornerShape(6.dp)).padding(horizontal = 12.dp, vertical = 10.dp)
                                .testTag("account_no"),
                        )
                        Row(Modifier.fillMaxWidth().padding(vertical = 8.dp)) {
                            Text(
                                tr("transfer_due"),
                                color = MaterialTheme.colorScheme.onSurfaceVariant,
                                style = MaterialTheme.typography.bodyMedium,
                                modifier = Modifier.width(112.dp),
                            )
                            Text(t.amountDue, color = Brand.Orange, style = MaterialTheme.typography.titleMedium, modifier = Modifier.testTag("amount_due"))
                        }
                        t.received?.let { Field(tr("transfer_received"), it, Modifier.testTag("received")) }
                        Field(tr("transfer_deadline"), t.deadline)
                        if (t.received != null) Text(tr("transfer_partial_hint"), color = Brand.Orange, style = MaterialTheme.typography.bodySmall)
                        Text(
                            tr("transfer_notes"),
                            style = MaterialTheme.typography.bodySmall,
                            color = MaterialTheme.colorScheme.onSurfaceVariant,
                            modifier = Modifier.background(Color(0xFFFFF7E8), RoundedCornerShape(6.dp)).padding(10.dp),
                        )
                    }
                }
            }
            problem?.let { ErrorText(it.message) }
        }
        if (o.canPayByTransfer && o.transfer == null) {
            Row(Modifier.fillMaxWidth().background(Color.White).padding(16.dp)) {
                Button(
                    onClick = { models.run { m.payByTransfer(o) } },
                    enabled = !busy,
                    modifier = Modifier.fillMaxWidth().height(48.dp).testTag("detail_transfer"),
                    shape = RoundedCornerShape(24.dp),
                ) { Text(tr("pay_transfer")) }
            }
        }
    }
}

/** 【购买信息修改】: the period (1, 2 or 3 years) of an order not paid yet, and its new amount. */
@Composable
fun OrderChangeScreen(models: AppModels, onDone: () -> Unit) {
    val m = models.orders
    val order by m.changing.collectAsState()
    val years by m.changeYears.collectAsState()
    val problem by m.changeProblem.collectAsState()
    val busy by m.busy.collectAsState()
    Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        TitleBar(tr("order_change_title"), onDone)
        val o = order ?: return@Column
        Column(Modifier.weight(1f).verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
            HintBox(tr("order_change_hint"))
            Panel {
                Column(Modifier.padding(horizontal = 16.dp, vertical = 8.dp)) {
                    Field(tr("order_product"), productText(o))
                    Field(tr("order_id"), o.id)
                    Field(tr("current_period"), tr("years_n", o.years.toInt()))
                    Field(tr("order_amount"), Display.money(o.amountFen))
                }
            }
            Panel {
                Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                    Text(tr("years"), style = MaterialTheme.typography.titleSmall)
                    Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                        (1L..3L).forEach { y ->
                            FilterChip(
                                selected = years == y,
                                onClick = { m.changeYears.value = y },
                                label = { Text(tr("years_n", y.toInt())) },
                                modifier = Modifier.testTag("change_years_$y"),
                            )
                        }
                    }
                }
            }
            problem?.let { ErrorText(it.message) }
        }
        Row(Modifier.fillMaxWidth().background(Color.White).padding(16.dp), verticalAlignment = Alignment.CenterVertically) {
            Column(Modifier.weight(1f)) {
                Text(tr("new_amount"), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
                Text(
                    Display.money(m.changedAmountFen(years)),
                    style = MaterialTheme.typography.titleLarge,
                    color = Brand.Orange,
                    modifier = Modifier.testTag("new_amount"),
                )
            }
            Button(
                onClick = { models.run { if (m.confirmChange()) onDone() } },
                enabled = !busy,
                modifier = Modifier.height(48.dp).testTag("change_save"),
            ) { Text(tr("save")) }
        }
    }
}
