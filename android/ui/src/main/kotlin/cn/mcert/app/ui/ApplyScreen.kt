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
import androidx.compose.material3.Button
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.RadioButton
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
import cn.mcert.app.state.AppModels
import cn.mcert.app.state.ApplyModel

/** 【申请证书】: product, period, amount; 【提交订单】 then 【立即支付】. */
@Composable
fun ApplyScreen(models: AppModels, onBack: () -> Unit, onPaid: () -> Unit, onIdentity: () -> Unit) {
    val m = models.apply
    val products by m.products.collectAsState()
    val selected by m.selected.collectAsState()
    val years by m.years.collectAsState()
    val state by m.state.collectAsState()
    LaunchedEffect(Unit) { m.load() }
    Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        TitleBar(tr("apply"), onBack)
        Column(Modifier.weight(1f).verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
            Panel {
                Column(Modifier.padding(vertical = 8.dp)) {
                    Text(tr("product"), style = MaterialTheme.typography.titleSmall, modifier = Modifier.padding(horizontal = 16.dp, vertical = 6.dp))
                    products.forEach { p ->
                        val on = selected == p.id
                        Row(
                            Modifier.fillMaxWidth().padding(horizontal = 12.dp, vertical = 4.dp)
                                .border(1.dp, if (on) Brand.Blue else Brand.Line, RoundedCornerShape(8.dp))
                                .clickable { m.selected.value = p.id }.padding(8.dp).testTag("product_${p.id}"),
                            verticalAlignment = Alignment.CenterVertically,
                        ) {
                            RadioButton(selected = on, onClick = { m.selected.value = p.id })
                            Text(p.name, style = MaterialTheme.typography.bodyLarge, modifier = Modifier.weight(1f))
                            Text(tr("price_per_year", Display.yuan(p.priceFenPerYear)), color = Brand.Orange, style = MaterialTheme.typography.titleSmall)
                        }
                    }
                }
            }
            Panel {
                Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                    Text(tr("years"), style = MaterialTheme.typography.titleSmall)
                    Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                        (1L..3L).forEach { y ->
                            FilterChip(
                                selected = years == y,
                                onClick = { m.years.value = y },
                                label = { Text(tr("years_n", y.toInt())) },
                                modifier = Modifier.testTag("years_$y"),
                            )
                        }
                    }
                }
            }
            when (val s = state) {
                is ApplyModel.State.Ordered -> Text(tr("ordered"), color = Brand.Blue)
                is ApplyModel.State.Paid -> Text("${tr("paid")} · ${s.order.statusLabel}", color = Brand.Green)
                is ApplyModel.State.Failed -> {
                    ErrorText(s.message)
                    if (s.code == "identity_required") TextButton(onClick = onIdentity) { Text(tr("verify_now")) }
                }
                else -> {}
            }
        }
        Row(
            Modifier.fillMaxWidth().background(Color.White).padding(16.dp),
            verticalAlignment = Alignment.CenterVertically,
        ) {
            Column(Modifier.weight(1f)) {
                Text(tr("amount"), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
                Text(tr("yuan", Display.yuan(m.amountFen())), style = MaterialTheme.typography.titleLarge, color = Brand.Orange, modifier = Modifier.testTag("amount"))
            }
            val mod = Modifier.height(48.dp).testTag("apply_action")
            when (state) {
                is ApplyModel.State.Ordered -> Button(onClick = { models.run { m.pay() } }, modifier = mod) { Text(tr("pay_now")) }
                is ApplyModel.State.Paid -> Button(onClick = onPaid, modifier = mod) { Text(tr("install")) }
                else -> Button(
                    onClick = { models.run { m.order() } },
                    enabled = state != ApplyModel.State.Busy,
                    modifier = mod,
                ) { Text(tr("submit_order")) }
            }
        }
    }
}
