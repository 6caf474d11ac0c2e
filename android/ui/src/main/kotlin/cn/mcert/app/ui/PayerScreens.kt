package cn.mcert.app.ui

import androidx.compose.foundation.background
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
import androidx.compose.material.icons.outlined.AccountBalance
import androidx.compose.material3.Button
import androidx.compose.material3.FilterChip
import androidx.compose.material3.MaterialTheme
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
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import cn.mcert.app.core.PayerAccount
import cn.mcert.app.core.PayerKind
import cn.mcert.app.state.AppModels

/** 公户 or 个人账户, in the app's language. */
fun payerKindText(kind: PayerKind): String = tr(if (kind == PayerKind.PUBLIC) "payer_public" else "payer_personal")

/** 【打款账户】: the accounts the buyer transfers from (numbers masked), 添加 and 删除 (confirmed). */
@Composable
fun PayerAccountsScreen(models: AppModels, onBack: () -> Unit, onAdd: () -> Unit) {
    val m = models.payers
    val accounts by m.accounts.collectAsState()
    val loading by m.loading.collectAsState()
    val problem by m.problem.collectAsState()
    val deleting by m.deleting.collectAsState()
    LaunchedEffect(Unit) { m.refresh() }
    Box(Modifier.fillMaxSize()) {
        Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
            TitleBar(tr("payer_accounts"), onBack)
            Box(Modifier.weight(1f)) {
                when {
                    loading && accounts.isEmpty() -> Loading()
                    problem != null && accounts.isEmpty() -> ErrorState(problem!!.message, onRetry = { models.run { m.refresh() } })
                    accounts.isEmpty() -> EmptyState(Icons.Outlined.AccountBalance, tr("payer_empty"), tr("payer_empty_hint"))
                    else -> LazyColumn(
                        Modifier.fillMaxSize().testTag("payer_list"),
                        contentPadding = PaddingValues(16.dp),
                        verticalArrangement = Arrangement.spacedBy(12.dp),
                    ) {
                        item { HintBox(tr("payer_empty_hint")) }
                        problem?.let { p -> item { ErrorText(p.message) } }
                        items(accounts, key = { it.id }) { a -> PayerCard(a) { m.askDelete(a) } }
                    }
                }
            }
            Box(Modifier.fillMaxWidth().background(Color.White).padding(16.dp)) {
                Button(
                    onClick = {
                        m.clearForm()
                        onAdd()
                    },
                    modifier = Modifier.fillMaxWidth().height(48.dp).testTag("payer_add"),
                    shape = RoundedCornerShape(24.dp),
                ) { Text(tr("payer_add")) }
            }
        }
        deleting?.let { a ->
            ConfirmOverlay(
                title = tr("delete_payer_title"),
                text = tr("delete_confirm", "${a.holderName} ${a.accountNoMasked}"),
                confirm = tr("delete"),
                onConfirm = { models.run { m.confirmDelete() } },
                onDismiss = { m.deleting.value = null },
                danger = true,
            )
        }
    }
}

@Composable
private fun PayerCard(a: PayerAccount, onDelete: () -> Unit) {
    Panel(Modifier.testTag("payer_${a.id}")) {
        Row(Modifier.padding(start = 16.dp, end = 8.dp, top = 12.dp, bottom = 12.dp), verticalAlignment = Alignment.CenterVertically) {
            IconDisc(Icons.Outlined.AccountBalance, if (a.kind == PayerKind.PUBLIC) Brand.Blue else Brand.Teal, size = 40)
            Column(Modifier.weight(1f).padding(start = 12.dp), verticalArrangement = Arrangement.spacedBy(2.dp)) {
                Row(verticalAlignment = Alignment.CenterVertically) {
                    Text(a.holderName, style = MaterialTheme.typography.titleMedium, modifier = Modifier.weight(1f, fill = false))
                    Chip(payerKindText(a.kind), if (a.kind == PayerKind.PUBLIC) Brand.Blue else Brand.Teal, Modifier.padding(start = 8.dp))
                }
                Text(a.accountNoMasked, style = MaterialTheme.typography.bodyMedium, fontFamily = FontFamily.Monospace)
                Text(a.bankName, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
            }
            TextButton(onClick = onDelete, modifier = Modifier.testTag("payer_delete_${a.id}")) { Text(tr("delete"), color = Brand.Red) }
        }
    }
}

/** 【添加打款账户】: 账户类型 (公户 / 个人账户), 户名, 账号 (8 to 32 digits), 开户银行. */
@Composable
fun PayerAccountAddScreen(models: AppModels, onDone: () -> Unit) {
    val m = models.payers
    val kind by m.kind.collectAsState()
    val holder by m.holderName.collectAsState()
    val number by m.accountNo.collectAsState()
    val bank by m.bankName.collectAsState()
    val problem by m.problem.collectAsState()
    val busy by m.busy.collectAsState()
    fun errorOf(field: String) = problem?.takeIf { it.field == field }?.message
    Column(Modifier.fillMaxSize().background(Color.White)) {
        TitleBar(tr("payer_add"), onDone)
        Column(Modifier.weight(1f).verticalScroll(rememberScrollState()).padding(20.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            Text(tr("payer_kind"), style = MaterialTheme.typography.titleSmall)
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                PayerKind.entries.forEach { k ->
                    FilterChip(
                        selected = kind == k,
                        onClick = { m.kind.value = k },
                        label = { Text(payerKindText(k)) },
                        modifier = Modifier.testTag("payer_kind_${k.name}"),
                    )
                }
            }
            FormField(holder, { m.holderName.value = it }, tr("holder_name"), "payer_holder", errorOf("holder_name"))
            FormField(
                number,
                { m.accountNo.value = it.filter { c -> c.isDigit() || c == ' ' }.take(40) },
                tr("account_no"),
                "payer_number",
                errorOf("account_no"),
                KeyboardType.Number,
            )
            FormField(bank, { m.bankName.value = it }, tr("bank_name"), "payer_bank", errorOf("bank_name"))
            problem?.takeIf { it.field == null }?.let { ErrorText(it.message) }
        }
        Box(Modifier.fillMaxWidth().padding(16.dp)) {
            Button(
                onClick = { models.run { if (m.add()) onDone() } },
                enabled = !busy,
                modifier = Modifier.fillMaxWidth().height(48.dp).testTag("payer_submit"),
                shape = RoundedCornerShape(24.dp),
            ) { Text(tr("save")) }
        }
    }
}
