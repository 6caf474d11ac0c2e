package cn.mcert.app.ui

import androidx.compose.foundation.Image
import androidx.compose.foundation.background
import androidx.compose.foundation.border
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.shape.CircleShape
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.Checkbox
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.ImageBitmap
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import cn.mcert.app.core.Display
import cn.mcert.app.core.PickedFile
import cn.mcert.app.core.Seal
import cn.mcert.app.core.SealKind
import cn.mcert.app.state.AppModels
import cn.mcert.app.state.Problem

/** Decodes a seal's PNG picture for the screen; each platform sets its decoder. */
object Images {
    var decodePng: (ByteArray) -> ImageBitmap? = { null }
}

/** The colour of a seal's state. */
private fun sealColor(status: String) = when (status) {
    "claimed" -> Brand.Green
    "approved", "pending_review" -> Brand.Blue
    "rejected", "void" -> Brand.Red
    else -> Brand.Orange
}

/** The seal's picture, or a red ring while it loads (or where pictures cannot be decoded). */
@Composable
internal fun SealPicture(png: ByteArray?, size: Int, tag: String) {
    val image = png?.let { Images.decodePng(it) }
    if (image != null) {
        Image(image, contentDescription = null, modifier = Modifier.size(size.dp).testTag(tag))
    } else {
        Box(Modifier.size(size.dp).border(3.dp, Brand.Red, CircleShape).testTag(tag), contentAlignment = Alignment.Center) {
            Text("★", color = Brand.Red)
        }
    }
}

@Composable
private fun ProblemText(problem: Problem?) {
    problem?.let { ErrorText(it.message) }
}

/** 【印章管理】: the organisation's seals, their states and what can be done with each. */
@Composable
fun OrgSealsScreen(models: AppModels, go: (Route) -> Unit, onBack: () -> Unit) {
    val m = models.seals
    val org by models.orgs.current.collectAsState()
    val seals by m.seals.collectAsState()
    val pictures by m.pictures.collectAsState()
    val problem by m.problem.collectAsState()
    val claiming by m.claiming.collectAsState()
    LaunchedEffect(org?.id) { org?.let { m.load(it) } }
    claiming?.let { (seal, pad) ->
        Column(Modifier.fillMaxSize().background(androidx.compose.ui.graphics.Color.White)) {
            TitleBar(tr("seal_claim"), onBack = { m.claiming.value = null })
            PinPad(pad, title = tr("seal_claim_title")) { pin -> models.run { m.claim(pin) } }
        }
        return
    }
    Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        TitleBar(tr("org_seals"), onBack)
        Column(Modifier.weight(1f).verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
            ProblemText(problem)
            if (seals.isEmpty()) {
                HintBox(tr("seals_empty_hint"))
            }
            seals.forEach { seal ->
                SealCard(seal, pictures[seal.id], m.canManage, models, go)
            }
        }
        if (m.canManage) {
            Button(
                onClick = { models.run { m.startApply() }; go(Route.OrgSealApply) },
                modifier = Modifier.fillMaxWidth().padding(16.dp).testTag("seal_apply"),
            ) { Text(tr("seal_apply")) }
        }
    }
}

@Composable
private fun SealCard(seal: Seal, png: ByteArray?, admin: Boolean, models: AppModels, go: (Route) -> Unit) {
    val m = models.seals
    Panel(Modifier.testTag("seal_${seal.id}")) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically) {
                SealPicture(png, 64, "seal_picture_${seal.id}")
                Column(Modifier.weight(1f).padding(start = 12.dp)) {
                    Text(seal.name, style = MaterialTheme.typography.titleMedium)
                    Text(
                        "${seal.kindLabel} · ${tr("seal_size", seal.widthMm, seal.heightMm)}",
                        style = MaterialTheme.typography.bodySmall,
                        color = MaterialTheme.colorScheme.onSurfaceVariant,
                    )
                    Text(
                        "${tr("seal_certificate")} ${Display.shortSerial(seal.certificateSerial)}",
                        style = MaterialTheme.typography.bodySmall,
                        color = MaterialTheme.colorScheme.onSurfaceVariant,
                    )
                }
                Chip(seal.statusLabel, sealColor(seal.status))
            }
            seal.rejectReason?.takeIf { seal.status == "rejected" }?.let { ErrorText(tr("reject_reason", it)) }
            seal.voidReason?.takeIf { seal.status == "void" }?.let { ErrorText(it) }
            if (admin) {
                Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                    when (seal.status) {
                        "draft", "rejected" -> OutlinedButton(
                            onClick = { models.run { m.submit(seal) } },
                            modifier = Modifier.testTag("seal_submit_${seal.id}"),
                        ) { Text(tr("seal_submit")) }
                        "approved" -> Button(
                            onClick = { m.startClaim(seal) },
                            modifier = Modifier.testTag("seal_claim_${seal.id}"),
                        ) { Text(tr("seal_claim")) }
                        "claimed" -> OutlinedButton(
                            onClick = {
                                models.orgs.current.value?.let { org -> models.run { models.sealGrants.open(org, seal) } }
                                go(Route.OrgSealGrants)
                            },
                            modifier = Modifier.testTag("seal_grants_${seal.id}"),
                        ) { Text(tr("seal_grants")) }
                    }
                }
            }
        }
    }
}

/** 【申请印章】: kind, name, bound certificate, photo; then the cleaned picture to submit. */
@Composable
fun OrgSealApplyScreen(models: AppModels, onBack: () -> Unit) {
    val m = models.seals
    val kind by m.kind.collectAsState()
    val name by m.name.collectAsState()
    val slot by m.slot.collectAsState()
    val slots by m.slots.collectAsState()
    val photo by m.photo.collectAsState()
    val draft by m.draft.collectAsState()
    val pictures by m.pictures.collectAsState()
    val problem by m.problem.collectAsState()
    val busy by m.busy.collectAsState()
    Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        TitleBar(tr("seal_apply"), onBack)
        Column(Modifier.weight(1f).verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
            val made = draft
            if (made != null) {
                Panel(Modifier.testTag("seal_draft")) {
                    Column(Modifier.fillMaxWidth().padding(16.dp), horizontalAlignment = Alignment.CenterHorizontally, verticalArrangement = Arrangement.spacedBy(8.dp)) {
                        Text(tr("seal_preview"), style = MaterialTheme.typography.titleSmall)
                        SealPicture(pictures[made.id], 160, "seal_preview")
                        Text("${made.kindLabel} · ${made.name}", style = MaterialTheme.typography.bodyMedium)
                        Text(tr("seal_size", made.widthMm, made.heightMm), style = MaterialTheme.typography.bodySmall)
                    }
                }
                ProblemText(problem)
                Button(
                    onClick = { models.run { if (m.submit(made)) onBack() } },
                    enabled = !busy,
                    modifier = Modifier.fillMaxWidth().testTag("seal_submit_draft"),
                ) { Text(tr("seal_submit")) }
                return@Column
            }
            Panel {
                Column(Modifier.padding(vertical = 8.dp)) {
                    Text(tr("seal_kind"), style = MaterialTheme.typography.titleSmall, modifier = Modifier.padding(horizontal = 16.dp, vertical = 6.dp))
                    SealKind.entries.forEach { k ->
                        RadioRow(kind == k, "kind_${k.wire}", onClick = { m.kind.value = k }) {
                            Text(tr(k.textId))
                        }
                    }
                }
            }
            OutlinedTextField(
                value = name,
                onValueChange = { m.name.value = it },
                label = { Text(tr("seal_name")) },
                singleLine = true,
                modifier = Modifier.fillMaxWidth().testTag("seal_name"),
            )
            Panel {
                Column(Modifier.padding(vertical = 8.dp)) {
                    Text(tr("seal_certificate"), style = MaterialTheme.typography.titleSmall, modifier = Modifier.padding(horizontal = 16.dp, vertical = 6.dp))
                    if (slots.isEmpty()) {
                        Text(tr("seal_no_certificate"), style = MaterialTheme.typography.bodySmall, modifier = Modifier.padding(horizontal = 16.dp))
                    }
                    slots.forEach { s ->
                        RadioRow(slot == s.entitlementId, "slot_${s.entitlementId}", onClick = { m.slot.value = s.entitlementId }) {
                            Column {
                                Text(s.holder?.name ?: s.statusLabel)
                                Text(
                                    Display.shortSerial(s.certificateSerial ?: ""),
                                    style = MaterialTheme.typography.bodySmall,
                                    color = MaterialTheme.colorScheme.onSurfaceVariant,
                                )
                            }
                        }
                    }
                }
            }
            Panel {
                Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                    Text(tr("seal_photo"), style = MaterialTheme.typography.titleSmall)
                    FilePickRow(
                        photo?.let { PickedFile(tr("seal_photo_ready"), it) },
                        tr("seal_photo_hint"),
                        "pick_seal_photo",
                    ) { models.run { Files.pick()?.let { m.photo.value = it.bytes } } }
                }
            }
            ProblemText(problem)
        }
        if (draft == null) {
            Button(
                onClick = { models.run { m.apply() } },
                enabled = !busy,
                modifier = Modifier.fillMaxWidth().padding(16.dp).testTag("seal_make"),
            ) { Text(tr("seal_make")) }
        }
    }
}

/** 【用印授权】: the seal's grants and the form to give it to a member with limits. */
@Composable
fun OrgSealGrantsScreen(models: AppModels, onBack: () -> Unit) {
    val m = models.sealGrants
    val seal by m.seal.collectAsState()
    val grants by m.grants.collectAsState()
    val members by m.members.collectAsState()
    val member by m.member.collectAsState()
    val projects by m.projects.collectAsState()
    val from by m.validFrom.collectAsState()
    val to by m.validTo.collectAsState()
    val approval by m.approvalRequired.collectAsState()
    val problem by m.problem.collectAsState()
    val busy by m.busy.collectAsState()
    Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        TitleBar(tr("seal_grants"), onBack)
        Column(Modifier.weight(1f).verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
            seal?.let { Text("${it.kindLabel} · ${it.name}", style = MaterialTheme.typography.titleMedium) }
            if (grants.isEmpty()) HintBox(tr("grants_empty"))
            grants.forEach { g ->
                Panel(Modifier.testTag("grant_${g.id}")) {
                    Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                        Row(verticalAlignment = Alignment.CenterVertically) {
                            Text(g.memberName, style = MaterialTheme.typography.titleSmall, modifier = Modifier.weight(1f))
                            Chip(g.statusLabel, if (g.status == "active") Brand.Green else Brand.TextSecondary)
                        }
                        Text(g.limits, style = MaterialTheme.typography.bodySmall)
                        if (g.status == "active") {
                            TextButton(onClick = { models.run { m.revoke(g) } }, modifier = Modifier.testTag("revoke_${g.id}")) {
                                Text(tr("grant_revoke"), color = Brand.Red)
                            }
                        }
                    }
                }
            }
            Panel {
                Column(Modifier.padding(vertical = 8.dp)) {
                    Text(tr("grant_member"), style = MaterialTheme.typography.titleSmall, modifier = Modifier.padding(horizontal = 16.dp, vertical = 6.dp))
                    members.forEach { mem ->
                        RadioRow(member == mem.id, "grantee_${mem.id}", onClick = { m.member.value = mem.id }) {
                            Text("${mem.name} · ${mem.roleLabel}")
                        }
                    }
                }
            }
            OutlinedTextField(
                value = projects,
                onValueChange = { m.projects.value = it },
                label = { Text(tr("grant_projects")) },
                modifier = Modifier.fillMaxWidth().testTag("grant_projects"),
            )
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                OutlinedTextField(
                    value = from,
                    onValueChange = { m.validFrom.value = it },
                    label = { Text(tr("grant_from")) },
                    singleLine = true,
                    modifier = Modifier.weight(1f).testTag("grant_from"),
                )
                OutlinedTextField(
                    value = to,
                    onValueChange = { m.validTo.value = it },
                    label = { Text(tr("grant_to")) },
                    singleLine = true,
                    modifier = Modifier.weight(1f).testTag("grant_to"),
                )
            }
            Row(
                Modifier.fillMaxWidth().clickable { m.approvalRequired.value = !approval }.testTag("grant_approval"),
                verticalAlignment = Alignment.CenterVertically,
            ) {
                Checkbox(checked = approval, onCheckedChange = { m.approvalRequired.value = it })
                Text(tr("grant_approval"))
            }
            ProblemText(problem)
        }
        Button(
            onClick = { models.run { m.grant() } },
            enabled = !busy,
            modifier = Modifier.fillMaxWidth().padding(16.dp).testTag("grant_do"),
        ) { Text(tr("grant_do")) }
    }
}

/** 【用印审批】: the uses waiting for an admin; approving asks the admin's own PIN. */
@Composable
fun OrgSealApprovalsScreen(models: AppModels, onBack: () -> Unit) {
    val m = models.sealApprovals
    val org by models.orgs.current.collectAsState()
    val approvals by m.approvals.collectAsState()
    val approving by m.approving.collectAsState()
    val problem by m.problem.collectAsState()
    LaunchedEffect(org?.id) { org?.let { m.load(it) } }
    approving?.let { (_, _, pad) ->
        Column(Modifier.fillMaxSize().background(androidx.compose.ui.graphics.Color.White)) {
            TitleBar(tr("seal_approvals"), onBack = { m.approving.value = null })
            PinPad(pad, title = tr("approve_title")) { pin -> models.run { m.approve(pin) } }
        }
        return
    }
    Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        TitleBar(tr("seal_approvals"), onBack)
        Column(Modifier.verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
            ProblemText(problem)
            if (approvals.isEmpty()) HintBox(tr("approvals_empty"))
            approvals.forEach { a ->
                Panel(Modifier.testTag("approval_${a.id}")) {
                    Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                        Row(verticalAlignment = Alignment.CenterVertically) {
                            Text(tr("approval_use", a.memberName, a.sealName), style = MaterialTheme.typography.titleSmall, modifier = Modifier.weight(1f))
                            Chip(a.statusLabel, if (a.status == "pending") Brand.Orange else if (a.status == "approved") Brand.Green else Brand.Red)
                        }
                        Field(tr("platform"), a.platformName)
                        a.project?.let { Field(tr("project"), it) }
                        a.projectCode?.let { Field(tr("project_code"), it) }
                        a.documentName?.let { Field(tr("document"), it) }
                        if (a.status == "pending") {
                            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                                OutlinedButton(onClick = { models.run { m.refuse(a) } }, modifier = Modifier.testTag("refuse_${a.id}")) { Text(tr("refuse")) }
                                Button(onClick = { models.run { m.startApprove(a) } }, modifier = Modifier.testTag("approve_${a.id}")) { Text(tr("approve")) }
                            }
                        }
                    }
                }
            }
        }
    }
}
