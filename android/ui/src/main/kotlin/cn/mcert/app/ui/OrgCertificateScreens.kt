package cn.mcert.app.ui

import androidx.compose.foundation.background
import androidx.compose.foundation.border
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
import androidx.compose.material.icons.outlined.CardMembership
import androidx.compose.material.icons.outlined.Download
import androidx.compose.material3.Button
import androidx.compose.material3.FilterChip
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.RadioButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import cn.mcert.app.core.Display
import cn.mcert.app.core.KeyAlgorithm
import cn.mcert.app.core.Member
import cn.mcert.app.core.OrgCertificate
import cn.mcert.app.core.Slot
import cn.mcert.app.state.AppModels
import cn.mcert.app.state.PinEntryModel

/** The validity of a slot: its certificate's dates, or the period bought (counted from the download). */
internal fun slotValidity(s: OrgCertificate): String =
    if (s.notBefore != null && s.notAfter != null) "${Display.beijingDate(s.notBefore)} ~ ${Display.beijingDate(s.notAfter)}"
    else tr("years_from_download", s.years.toInt())

/**
 * 【证书管理】: each slot with 所属人, 购买日期, 证书状态, 有效期 and 持有人; 【设置所属人员】 on a personal
 * slot without an owner, 【修改持有人】 with a confirmation that says when the old holder's
 * certificate will be revoked. Above them, 【证书变更】 ([onChange]) for an organisation that was renamed.
 */
@Composable
fun OrgCertificatesScreen(models: AppModels, onBack: () -> Unit, onOwner: () -> Unit, onApply: () -> Unit, onChange: () -> Unit = {}) {
    val org by models.orgs.current.collectAsState()
    val m = models.orgCertificates
    val items by m.items.collectAsState()
    val members by m.members.collectAsState()
    val loading by m.loading.collectAsState()
    val problem by m.problem.collectAsState()
    val change by m.holderChange.collectAsState()
    var choosingFor by remember { mutableStateOf<OrgCertificate?>(null) }
    LaunchedEffect(org?.id) { org?.let { m.load(it) } }
    Box(Modifier.fillMaxSize()) {
        Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
            TitleBar(tr("org_certificates"), onBack)
            val o = org ?: return@Column
            when {
                !o.isAdmin -> EmptyState(Icons.Outlined.CardMembership, tr("admin_only"), tr("user_role_hint"))
                loading && items.isEmpty() -> Loading()
                problem != null && items.isEmpty() -> ErrorState(problem!!.message, onRetry = { models.run { m.refresh() } })
                items.isEmpty() -> EmptyState(
                    Icons.Outlined.CardMembership,
                    tr("org_certs_empty"),
                    tr("org_certs_empty_hint"),
                    action = tr("org_apply"),
                    onAction = onApply,
                )
                else -> LazyColumn(
                    Modifier.fillMaxSize().testTag("slot_list"),
                    contentPadding = PaddingValues(16.dp),
                    verticalArrangement = Arrangement.spacedBy(12.dp),
                ) {
                    problem?.let { item { ErrorText(it.message) } }
                    if (items.any { it.status == "issued" }) item { ChangeLink(onChange) }
                    items(items, key = { it.entitlementId }) { slot ->
                        SlotCard(
                            slot,
                            onOwner = {
                                m.startAssign(slot)
                                onOwner()
                            },
                            onHolder = { choosingFor = slot },
                        )
                    }
                }
            }
        }
        choosingFor?.let { slot ->
            HolderPicker(members, slot.holder?.memberId, onPick = {
                choosingFor = null
                m.askHolder(slot, it)
            }, onDismiss = { choosingFor = null })
        }
        change?.let { c ->
            ConfirmOverlay(
                title = tr("change_holder"),
                text = tr("holder_confirm", c.member.name),
                warning = if (c.revokes) tr("holder_revoke_warning", c.slot.holder?.name ?: "") else null,
                confirm = tr("confirm"),
                onConfirm = { models.run { m.confirmHolder() } },
                onDismiss = { m.holderChange.value = null },
                danger = c.revokes,
            )
        }
    }
}

@Composable
private fun SlotCard(slot: OrgCertificate, onOwner: () -> Unit, onHolder: () -> Unit) {
    Panel(Modifier.testTag("slot_${slot.entitlementId}")) {
        Column(Modifier.padding(start = 16.dp, end = 8.dp, top = 14.dp, bottom = 4.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically, modifier = Modifier.padding(end = 8.dp)) {
                Text(
                    tr(if (slot.isOrganisation) "type_organisation" else "type_personal"),
                    style = MaterialTheme.typography.titleMedium,
                    modifier = Modifier.weight(1f),
                )
                Chip(stateText("slot", slot.status, slot.statusLabel), slotColor(slot.status))
            }
            Text(
                tr("slot_owner", slot.owner?.name ?: tr("not_assigned")),
                style = MaterialTheme.typography.bodyMedium,
                color = if (slot.owner == null) Brand.Orange else Brand.Text,
                modifier = Modifier.padding(top = 2.dp),
            )
            Field(tr("purchased_at"), Display.beijingDate(slot.purchasedAt))
            Field(tr("validity"), slotValidity(slot))
            Field(tr("holder"), slot.holder?.let { "${it.name}  ${it.phoneMasked}" } ?: tr("not_assigned"))
            val ended = slot.status == "revoked" || slot.status == "expired"
            Row(Modifier.fillMaxWidth(), horizontalArrangement = Arrangement.End) {
                if (!slot.isOrganisation && slot.owner == null) {
                    TextButton(onClick = onOwner, modifier = Modifier.testTag("set_owner_${slot.entitlementId}")) { Text(tr("set_owner")) }
                } else if (!ended) {
                    TextButton(onClick = onHolder, modifier = Modifier.testTag("change_holder_${slot.entitlementId}")) { Text(tr("change_holder")) }
                }
            }
        }
    }
}

/** 【选择持有人】 over the page: the members, the current holder marked. */
@Composable
private fun HolderPicker(members: List<Member>, current: String?, onPick: (Member) -> Unit, onDismiss: () -> Unit) {
    Scrim(onDismiss, Alignment.BottomCenter) {
        Panel(Modifier.testTag("holder_picker")) {
            Column(Modifier.padding(vertical = 12.dp)) {
                Text(tr("choose_holder"), style = MaterialTheme.typography.titleMedium, modifier = Modifier.padding(horizontal = 16.dp, vertical = 8.dp))
                members.forEach { member ->
                    Row(
                        Modifier.fillMaxWidth().clickable { onPick(member) }.padding(horizontal = 8.dp).testTag("pick_${member.id}"),
                        verticalAlignment = Alignment.CenterVertically,
                    ) {
                        RadioButton(selected = member.id == current, onClick = { onPick(member) })
                        Text(member.name, style = MaterialTheme.typography.bodyLarge, modifier = Modifier.weight(1f))
                        Text(member.phoneMasked, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
                        Chip(roleText(member.role), roleColor(member.role), Modifier.padding(horizontal = 8.dp))
                    }
                }
            }
        }
    }
}

/**
 * 【设置所属人员信息】 of seed 003: 证件类型 (居民身份证), 证件号码, 所属人员, 选择持有人, 邮箱; 【保存】
 * asks first, as the owner cannot be changed once set.
 */
@Composable
fun OrgOwnerScreen(models: AppModels, onDone: () -> Unit) {
    val m = models.orgCertificates
    val slot by m.editing.collectAsState()
    val name by m.ownerName.collectAsState()
    val id by m.ownerIdNumber.collectAsState()
    val email by m.ownerEmail.collectAsState()
    val holder by m.holderChoice.collectAsState()
    val members by m.members.collectAsState()
    val confirming by m.confirmingOwner.collectAsState()
    val problem by m.problem.collectAsState()
    val busy by m.busy.collectAsState()
    fun errorOf(field: String) = problem?.takeIf { it.field == field }?.message
    Box(Modifier.fillMaxSize()) {
        Column(Modifier.fillMaxSize().background(Color.White)) {
            TitleBar(tr("owner_form"), onDone)
            if (slot == null) return@Column
            Column(Modifier.weight(1f).verticalScroll(rememberScrollState()).padding(20.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                Field(tr("id_type"), tr("id_type_resident"))
                FormField(id, { m.ownerIdNumber.value = it.take(18) }, tr("id_label"), "owner_id", errorOf("owner_id"), KeyboardType.Ascii)
                FormField(name, { m.ownerName.value = it }, tr("owner_name"), "owner_name", errorOf("owner_name"))
                FormField(email, { m.ownerEmail.value = it.trim() }, tr("email"), "owner_email", errorOf("owner_email"), KeyboardType.Email)
                Text(tr("choose_holder"), style = MaterialTheme.typography.titleSmall)
                Column(Modifier.border(1.dp, Brand.Line, RoundedCornerShape(8.dp))) {
                    val choices: List<Pair<String?, String>> = listOf<Pair<String?, String>>(null to tr("no_holder")) +
                        members.map { it.id to "${it.name}  ${it.phoneMasked}" }
                    choices.forEachIndexed { i, (memberId, label) ->
                        if (i > 0) HorizontalDivider(color = Brand.Line)
                        Row(
                            Modifier.fillMaxWidth().clickable { m.holderChoice.value = memberId }.testTag("holder_${memberId ?: "none"}"),
                            verticalAlignment = Alignment.CenterVertically,
                        ) {
                            RadioButton(selected = holder == memberId, onClick = { m.holderChoice.value = memberId })
                            Text(label, style = MaterialTheme.typography.bodyMedium)
                        }
                    }
                }
                HintBox(tr("owner_note"))
                problem?.takeIf { it.field == null }?.let { ErrorText(it.message) }
            }
            Box(Modifier.fillMaxWidth().padding(16.dp)) {
                Button(
                    onClick = { m.askSaveOwner() },
                    enabled = !busy,
                    modifier = Modifier.fillMaxWidth().height(48.dp).testTag("owner_save"),
                    shape = RoundedCornerShape(24.dp),
                ) { Text(tr("save")) }
            }
        }
        if (confirming) {
            ConfirmOverlay(
                title = tr("owner_form"),
                text = tr("owner_confirm"),
                confirm = tr("confirm"),
                onConfirm = { models.run { if (m.saveOwner()) onDone() } },
                onDismiss = { m.confirmingOwner.value = false },
            )
        }
    }
}

/** 【待申领的证书】: the organisations' certificates assigned to the account, each with 【申领】. */
@Composable
fun ClaimsScreen(models: AppModels, onBack: () -> Unit, onClaim: () -> Unit) {
    val m = models.claims
    val claims by m.claims.collectAsState()
    val loading by m.loading.collectAsState()
    val error by m.error.collectAsState()
    LaunchedEffect(Unit) { m.refresh() }
    Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        TitleBar(tr("claims"), onBack)
        when {
            loading && claims.isEmpty() -> Loading()
            error != null && claims.isEmpty() -> ErrorState(error!!, onRetry = { models.run { m.refresh() } })
            claims.isEmpty() -> EmptyState(Icons.Outlined.Download, tr("claims_empty"), tr("claims_empty_hint"))
            else -> LazyColumn(
                Modifier.fillMaxSize().testTag("claim_list"),
                contentPadding = PaddingValues(16.dp),
                verticalArrangement = Arrangement.spacedBy(12.dp),
            ) {
                items(claims, key = { it.id }) { slot ->
                    ClaimCard(slot) {
                        m.choose(slot)
                        onClaim()
                    }
                }
            }
        }
    }
}

@Composable
private fun ClaimCard(slot: Slot, onClaim: () -> Unit) {
    Panel(Modifier.testTag("claim_${slot.id}")) {
        Row(Modifier.padding(16.dp), verticalAlignment = Alignment.CenterVertically) {
            IconDisc(Icons.Outlined.CardMembership, Brand.Blue, size = 44)
            Column(Modifier.weight(1f).padding(horizontal = 12.dp), verticalArrangement = Arrangement.spacedBy(2.dp)) {
                Text(slot.orgName ?: "", style = MaterialTheme.typography.titleSmall)
                Text(
                    tr(if (slot.kind == "organization") "type_organisation" else "type_personal") + " · " + tr("years_from_download", slot.years.toInt()),
                    style = MaterialTheme.typography.bodySmall,
                    color = MaterialTheme.colorScheme.onSurfaceVariant,
                )
            }
            Button(onClick = onClaim, modifier = Modifier.testTag("claim_button_${slot.id}")) { Text(tr("claim")) }
        }
    }
}

/** 【申领】 one certificate: the algorithm, then the new PIN twice; the key is made on this phone. */
@Composable
fun ClaimScreen(models: AppModels, onBack: () -> Unit) {
    val m = models.claims
    val slot by m.selected.collectAsState()
    val error by m.error.collectAsState()
    var algorithm by remember { mutableStateOf(KeyAlgorithm.SM2) }
    val pad = remember { PinEntryModel(models.core, PinEntryModel.Mode.New) }
    Column(Modifier.fillMaxSize().background(Color.White)) {
        TitleBar(tr("claim_title"), onBack)
        val s = slot ?: return@Column
        Column(Modifier.padding(horizontal = 16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            Text(s.orgName ?: "", style = MaterialTheme.typography.titleMedium)
            Text(
                tr(if (s.kind == "organization") "type_organisation" else "type_personal") + " · " + tr("years_from_download", s.years.toInt()),
                style = MaterialTheme.typography.bodySmall,
                color = MaterialTheme.colorScheme.onSurfaceVariant,
            )
            Text(tr("install_hint"), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp), verticalAlignment = Alignment.CenterVertically) {
                Text(tr("algorithm"), style = MaterialTheme.typography.bodyMedium)
                KeyAlgorithm.entries.forEach { a ->
                    FilterChip(
                        selected = algorithm == a,
                        onClick = { algorithm = a },
                        label = { Text(Display.algorithm(a.name)) },
                        modifier = Modifier.testTag("algorithm_${a.name}"),
                    )
                }
            }
            error?.let { ErrorText(it) }
        }
        PinPad(pad, title = null) { pin ->
            models.run {
                if (m.claim(algorithm, pin)) {
                    models.certificates.refresh()
                    onBack()
                }
            }
        }
    }
}

/** 【证书变更】 from 证书管理: the organisation was renamed, apply with the new licence. */
@Composable
private fun ChangeLink(onChange: () -> Unit) {
    Panel(Modifier.clickable(onClick = onChange).testTag("open_org_change")) {
        Row(Modifier.padding(horizontal = 14.dp, vertical = 10.dp), verticalAlignment = Alignment.CenterVertically) {
            Text(
                tr("org_change_link_hint"),
                style = MaterialTheme.typography.bodySmall,
                color = MaterialTheme.colorScheme.onSurfaceVariant,
                modifier = Modifier.weight(1f).padding(end = 8.dp),
            )
            TextButton(onClick = onChange) { Text(tr("org_change")) }
        }
    }
}
