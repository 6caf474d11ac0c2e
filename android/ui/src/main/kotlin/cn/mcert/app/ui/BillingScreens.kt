package cn.mcert.app.ui

import androidx.compose.foundation.background
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
import androidx.compose.material.icons.outlined.Description
import androidx.compose.material3.Button
import androidx.compose.material3.Checkbox
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
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import cn.mcert.app.core.BillingProfile
import cn.mcert.app.core.TitleKind
import cn.mcert.app.state.AppModels

/** 单位 or 个人, in the app's language. */
fun titleKindText(kind: TitleKind): String = tr(if (kind == TitleKind.COMPANY) "title_company" else "title_personal")

/** 【开票信息】: the invoice titles, the default one marked; 设为默认, 编辑, 删除 (confirmed), 添加. */
@Composable
fun BillingProfilesScreen(models: AppModels, onBack: () -> Unit, onForm: () -> Unit) {
    val m = models.billing
    val profiles by m.profiles.collectAsState()
    val loading by m.loading.collectAsState()
    val problem by m.problem.collectAsState()
    val deleting by m.deleting.collectAsState()
    LaunchedEffect(Unit) { m.refresh() }
    Box(Modifier.fillMaxSize()) {
        Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
            TitleBar(tr("billing_profiles"), onBack)
            Box(Modifier.weight(1f)) {
                when {
                    loading && profiles.isEmpty() -> Loading()
                    problem != null && profiles.isEmpty() -> ErrorState(problem!!.message, onRetry = { models.run { m.refresh() } })
                    profiles.isEmpty() -> EmptyState(Icons.Outlined.Description, tr("billing_empty"), tr("billing_empty_hint"))
                    else -> LazyColumn(
                        Modifier.fillMaxSize().testTag("profile_list"),
                        contentPadding = PaddingValues(16.dp),
                        verticalArrangement = Arrangement.spacedBy(12.dp),
                    ) {
                        problem?.let { p -> item { ErrorText(p.message) } }
                        items(profiles, key = { it.id }) { p ->
                            ProfileCard(
                                p,
                                onDefault = { models.run { m.setDefault(p) } },
                                onEdit = {
                                    m.startEdit(p)
                                    onForm()
                                },
                                onDelete = { m.askDelete(p) },
                            )
                        }
                    }
                }
            }
            Box(Modifier.fillMaxWidth().background(Color.White).padding(16.dp)) {
                Button(
                    onClick = {
                        m.startAdd()
                        onForm()
                    },
                    modifier = Modifier.fillMaxWidth().height(48.dp).testTag("profile_add"),
                    shape = RoundedCornerShape(24.dp),
                ) { Text(tr("profile_add")) }
            }
        }
        deleting?.let { p ->
            ConfirmOverlay(
                title = tr("delete_profile_title"),
                text = tr("delete_confirm", p.title),
                confirm = tr("delete"),
                onConfirm = { models.run { m.confirmDelete() } },
                onDismiss = { m.deleting.value = null },
                danger = true,
            )
        }
    }
}

@Composable
private fun ProfileCard(p: BillingProfile, onDefault: () -> Unit, onEdit: () -> Unit, onDelete: () -> Unit) {
    Panel(Modifier.testTag("profile_${p.id}")) {
        Column(Modifier.padding(start = 16.dp, end = 8.dp, top = 12.dp, bottom = 4.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically) {
                Text(p.title, style = MaterialTheme.typography.titleMedium, modifier = Modifier.weight(1f, fill = false))
                Chip(titleKindText(p.kind), Brand.Teal, Modifier.padding(start = 8.dp))
                if (p.isDefault) Chip(tr("default_mark"), Brand.Blue, Modifier.padding(start = 6.dp).testTag("default_${p.id}"))
            }
            p.taxpayerId?.let { Text(tr("taxpayer_line", it), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant) }
            listOfNotNull(p.addressPhone, listOfNotNull(p.bankName, p.bankAccount).joinToString(" ").ifEmpty { null }).forEach {
                Text(it, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
            }
            Row(Modifier.fillMaxWidth(), horizontalArrangement = Arrangement.End) {
                if (!p.isDefault) TextButton(onClick = onDefault, modifier = Modifier.testTag("set_default_${p.id}")) { Text(tr("set_default")) }
                TextButton(onClick = onEdit, modifier = Modifier.testTag("edit_${p.id}")) { Text(tr("edit")) }
                TextButton(onClick = onDelete, modifier = Modifier.testTag("delete_${p.id}")) { Text(tr("delete"), color = Brand.Red) }
            }
        }
    }
}

/**
 * 【添加开票信息】 / 【编辑开票信息】: 抬头类型 (单位 / 个人), 发票抬头, 纳税人识别号 (a company's
 * unified social credit code, checked by its check character), 地址电话, 开户银行, 银行账号, 默认.
 */
@Composable
fun BillingProfileFormScreen(models: AppModels, onDone: () -> Unit) {
    val m = models.billing
    val editing by m.editing.collectAsState()
    val kind by m.kind.collectAsState()
    val title by m.title.collectAsState()
    val taxpayer by m.taxpayerId.collectAsState()
    val addressPhone by m.addressPhone.collectAsState()
    val bankName by m.bankName.collectAsState()
    val bankAccount by m.bankAccount.collectAsState()
    val isDefault by m.isDefault.collectAsState()
    val problem by m.problem.collectAsState()
    val busy by m.busy.collectAsState()
    fun errorOf(field: String) = problem?.takeIf { it.field == field }?.message
    Column(Modifier.fillMaxSize().background(Color.White)) {
        TitleBar(tr(if (editing == null) "profile_add" else "profile_edit"), onDone)
        Column(Modifier.weight(1f).verticalScroll(rememberScrollState()).padding(20.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            Text(tr("title_kind"), style = MaterialTheme.typography.titleSmall)
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                TitleKind.entries.forEach { k ->
                    FilterChip(
                        selected = kind == k,
                        onClick = { m.kind.value = k },
                        label = { Text(titleKindText(k)) },
                        modifier = Modifier.testTag("title_kind_${k.name}"),
                    )
                }
            }
            FormField(title, { m.title.value = it }, tr("invoice_title"), "profile_title", errorOf("title"))
            if (kind == TitleKind.COMPANY) {
                FormField(
                    taxpayer,
                    { m.taxpayerId.value = it.uppercase().take(18) },
                    tr("taxpayer_id"),
                    "profile_taxpayer",
                    errorOf("taxpayer_id"),
                    KeyboardType.Ascii,
                )
            }
            FormField(addressPhone, { m.addressPhone.value = it }, tr("address_phone"), "profile_address")
            FormField(bankName, { m.bankName.value = it }, tr("bank_name_optional"), "profile_bank")
            FormField(
                bankAccount,
                { m.bankAccount.value = it.filter { c -> c.isDigit() || c == ' ' }.take(40) },
                tr("bank_account_optional"),
                "profile_account",
                errorOf("bank_account"),
                KeyboardType.Number,
            )
            Row(
                Modifier.fillMaxWidth().clickable { m.isDefault.value = !isDefault }.testTag("profile_default"),
                verticalAlignment = Alignment.CenterVertically,
            ) {
                Checkbox(checked = isDefault, onCheckedChange = { m.isDefault.value = it })
                Text(tr("use_as_default"), style = MaterialTheme.typography.bodyLarge)
            }
            problem?.takeIf { it.field == null }?.let { ErrorText(it.message) }
        }
        Box(Modifier.fillMaxWidth().padding(16.dp)) {
            Button(
                onClick = { models.run { if (m.save()) onDone() } },
                enabled = !busy,
                modifier = Modifier.fillMaxWidth().height(48.dp).testTag("profile_save"),
                shape = RoundedCornerShape(24.dp),
            ) { Text(tr("save")) }
        }
    }
}
