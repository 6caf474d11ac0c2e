package cn.mcert.app.ui

import androidx.compose.foundation.background
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.PaddingValues
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
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
import androidx.compose.material.icons.automirrored.outlined.NoteAdd
import androidx.compose.material.icons.outlined.Approval
import androidx.compose.material.icons.outlined.Business
import androidx.compose.material.icons.outlined.CardMembership
import androidx.compose.material.icons.outlined.Download
import androidx.compose.material.icons.outlined.DriveFileRenameOutline
import androidx.compose.material.icons.outlined.GppGood
import androidx.compose.material.icons.outlined.Groups
import androidx.compose.material.icons.outlined.History
import androidx.compose.material.icons.outlined.Verified
import androidx.compose.material.icons.outlined.WorkspacePremium
import androidx.compose.material3.Button
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.RadioButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Brush
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import cn.mcert.app.core.Organisation
import cn.mcert.app.core.Relation
import cn.mcert.app.state.AppModels
import cn.mcert.app.state.RegisterOrgModel

/** The organisation pages, by route. */
@Composable
internal fun OrgScreen(route: Route, models: AppModels, nav: Navigator) {
    when (route) {
        Route.Orgs -> OrgsScreen(models, nav::go, nav::back)
        Route.OrgRegister -> OrgRegisterScreen(models, nav::back) { nav.replace(Route.OrgDetail) }
        Route.OrgDetail -> OrgDetailScreen(models, nav::go, nav::back)
        Route.OrgAuthorisation -> OrgAuthorisationScreen(models, nav::back) { nav.replace(Route.OrgApply) }
        Route.OrgApply -> OrgApplyScreen(models, nav::back, onAuthorise = { nav.replace(Route.OrgAuthorisation) })
        Route.OrgChange -> OrgChangeScreen(
            models,
            nav::back,
            onAuthorise = { nav.replace(Route.OrgAuthorisation) },
            onOrderDetail = { nav.go(Route.OrderDetail) },
            onSeals = { org ->
                models.orgs.open(org)
                nav.go(Route.OrgSeals)
            },
        )
        Route.OrgMembers -> OrgMembersScreen(models, nav::back) { nav.go(Route.OrgMemberAdd) }
        Route.OrgMemberAdd -> OrgMemberAddScreen(models, nav::back)
        Route.OrgCertificates -> OrgCertificatesScreen(
            models,
            nav::back,
            onOwner = { nav.go(Route.OrgOwner) },
            onApply = { nav.go(Route.OrgApply) },
            onChange = { nav.go(Route.OrgChange) },
        )
        Route.OrgOwner -> OrgOwnerScreen(models, nav::back)
        Route.OrgUsage -> OrgUsageScreen(models, nav::back)
        Route.Claims -> ClaimsScreen(models, nav::back) { nav.go(Route.Claim) }
        Route.Claim -> ClaimScreen(models, nav::back)
        Route.OrgSeals -> OrgSealsScreen(models, nav::go, nav::back)
        Route.OrgSealApply -> OrgSealApplyScreen(models, nav::back)
        Route.OrgSealGrants -> OrgSealGrantsScreen(models, nav::back)
        Route.OrgSealApprovals -> OrgSealApprovalsScreen(models, nav::back)
        else -> {}
    }
}

/** 【我的单位】: the account's organisations with its role and the CA authorisation state. */
@Composable
fun OrgsScreen(models: AppModels, go: (Route) -> Unit, onBack: () -> Unit) {
    val m = models.orgs
    val orgs by m.orgs.collectAsState()
    val claims by m.claims.collectAsState()
    val loading by m.loading.collectAsState()
    val error by m.error.collectAsState()
    LaunchedEffect(Unit) { m.refresh() }
    Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        TitleBar(tr("my_orgs"), onBack)
        when {
            loading && orgs.isEmpty() -> Loading()
            error != null && orgs.isEmpty() -> ErrorState(error!!, onRetry = { models.run { m.refresh() } })
            orgs.isEmpty() -> EmptyState(
                Icons.Outlined.Business,
                tr("orgs_empty"),
                tr("orgs_empty_hint"),
                action = tr("org_register"),
                onAction = { go(Route.OrgRegister) },
            )
            else -> LazyColumn(
                Modifier.weight(1f).testTag("org_list"),
                contentPadding = PaddingValues(16.dp),
                verticalArrangement = Arrangement.spacedBy(12.dp),
            ) {
                if (claims > 0) item { ClaimsNotice(claims) { go(Route.Claims) } }
                items(orgs, key = { it.id }) { org ->
                    OrgCard(org, Modifier.clickable {
                        m.open(org)
                        go(Route.OrgDetail)
                    })
                }
                item {
                    Button(
                        onClick = { go(Route.OrgRegister) },
                        modifier = Modifier.fillMaxWidth().height(48.dp).testTag("org_register"),
                        shape = RoundedCornerShape(24.dp),
                    ) { Text(tr("org_register")) }
                }
            }
        }
    }
}

/** 【待申领的证书】 waiting: a notice that opens them. */
@Composable
internal fun ClaimsNotice(count: Int, onClick: () -> Unit) {
    Panel(Modifier.clickable(onClick = onClick).testTag("notice_claims")) {
        Row(Modifier.padding(14.dp), verticalAlignment = Alignment.CenterVertically) {
            IconDisc(Icons.Outlined.Download, Brand.Blue, size = 40)
            Column(Modifier.weight(1f).padding(horizontal = 12.dp)) {
                Text(tr("claims_notice", count), style = MaterialTheme.typography.titleSmall)
                Text(tr("claims_notice_hint"), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
            }
            Text(tr("go_claim"), color = Brand.Blue, style = MaterialTheme.typography.labelLarge)
        }
    }
}

/** An organisation: name, code, the account's role, the CA authorisation state. */
@Composable
fun OrgCard(org: Organisation, modifier: Modifier = Modifier) {
    Panel(modifier.testTag("org_${org.id}")) {
        Row(Modifier.padding(16.dp), verticalAlignment = Alignment.CenterVertically) {
            IconDisc(Icons.Outlined.Business, Brand.Blue, size = 44)
            Column(Modifier.weight(1f).padding(start = 12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                Text(org.name, style = MaterialTheme.typography.titleMedium)
                Text(org.creditCode, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
                Row(horizontalArrangement = Arrangement.spacedBy(6.dp)) {
                    Chip(roleText(org.role), roleColor(org.role))
                    Chip(tr("ca_authorisation") + " · " + authText(org.authorisation), authorisationColor(org.authorisation.status))
                }
            }
        }
    }
}

/** 【注册单位】: name, credit code (checked as typed), legal representative, the applicant's relation. */
@Composable
fun OrgRegisterScreen(models: AppModels, onBack: () -> Unit, onRegistered: () -> Unit) {
    val m = models.registerOrg
    val name by m.name.collectAsState()
    val code by m.creditCode.collectAsState()
    val rep by m.legalRepName.collectAsState()
    val repId by m.legalRepIdNumber.collectAsState()
    val relation by m.relation.collectAsState()
    val state by m.state.collectAsState()
    LaunchedEffect(state) {
        (state as? RegisterOrgModel.State.Registered)?.let {
            models.orgs.open(it.org)
            m.reset()
            onRegistered()
        }
    }
    val failed = (state as? RegisterOrgModel.State.Failed)?.problem
    fun errorOf(field: String) = failed?.takeIf { it.field == field }?.message
    Column(Modifier.fillMaxSize().background(Color.White)) {
        TitleBar(tr("org_register"), onBack)
        Column(Modifier.weight(1f).verticalScroll(rememberScrollState()).padding(20.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            HintBox(tr("org_register_hint"))
            FormField(name, { m.name.value = it }, tr("org_name"), "org_name", errorOf("name"))
            FormField(code, m::setCreditCode, tr("org_code"), "org_code", errorOf("credit_code") ?: m.creditCodeHint(), placeholder = "91110108MA01ABCD1E")
            FormField(rep, { m.legalRepName.value = it }, tr("legal_rep_name"), "legal_rep_name", errorOf("legal_rep_name"))
            FormField(repId, { m.legalRepIdNumber.value = it.take(18) }, tr("legal_rep_id"), "legal_rep_id", errorOf("legal_rep_id"), KeyboardType.Ascii)
            Text(tr("applicant_relation"), style = MaterialTheme.typography.titleSmall)
            Row(verticalAlignment = Alignment.CenterVertically) {
                for ((r, id) in listOf(Relation.LEGAL_REPRESENTATIVE to "relation_rep", Relation.AGENT to "relation_agent")) {
                    Row(
                        Modifier.clickable { m.relation.value = r }.padding(end = 12.dp).testTag("relation_${r.name}"),
                        verticalAlignment = Alignment.CenterVertically,
                    ) {
                        RadioButton(selected = relation == r, onClick = { m.relation.value = r })
                        Text(tr(id), style = MaterialTheme.typography.bodyMedium)
                    }
                }
            }
            if (failed != null && failed.field == null) ErrorText(failed.message)
        }
        Box(Modifier.fillMaxWidth().background(Color.White).padding(16.dp)) {
            Button(
                onClick = { models.run { m.submit() } },
                enabled = state != RegisterOrgModel.State.Busy,
                modifier = Modifier.fillMaxWidth().height(48.dp).testTag("org_submit"),
                shape = RoundedCornerShape(24.dp),
            ) { Text(tr("submit")) }
        }
    }
}

/**
 * An organisation's page: who it is, the account's role, the CA authorisation with 审批进度, and
 * what the account may do there (an admin: apply, grant members, assign certificates, 【证书变更】;
 * everyone: usage records and certificates to claim).
 */
@Composable
fun OrgDetailScreen(models: AppModels, go: (Route) -> Unit, onBack: () -> Unit) {
    val org by models.orgs.current.collectAsState()
    val claims by models.orgs.claims.collectAsState()
    LaunchedEffect(Unit) { models.orgs.reload() }
    Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        TitleBar(tr("org_detail"), onBack)
        val o = org ?: return@Column
        Column(Modifier.verticalScroll(rememberScrollState()).padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
            OrgHeader(o)
            val auth = o.authorisation
            Panel(Modifier.testTag("org_authorisation")) {
                Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(10.dp)) {
                    Row(verticalAlignment = Alignment.CenterVertically) {
                        Text(tr("ca_authorisation"), style = MaterialTheme.typography.titleSmall, modifier = Modifier.weight(1f))
                        Chip(authText(auth), authorisationColor(auth.status))
                    }
                    if (!auth.approved && o.isAdmin) {
                        Text(tr("authorise_first"), style = MaterialTheme.typography.bodySmall, color = Brand.Orange)
                    }
                    auth.rejectReason?.takeIf { auth.status == "rejected" }?.let { ErrorText(tr("reject_reason", it)) }
                    if (o.isAdmin) {
                        Button(onClick = { go(Route.OrgAuthorisation) }, modifier = Modifier.fillMaxWidth().testTag("open_authorisation")) {
                            Text(if (auth.status == "none" || auth.status == "rejected") tr("go_authorise") else tr("view_progress"))
                        }
                    }
                }
            }
            if (!o.isAdmin) HintBox(tr("user_role_hint"))
            Panel {
                Column {
                    if (o.isAdmin) {
                        MenuRow(Icons.AutoMirrored.Outlined.NoteAdd, Brand.Green, tr("org_apply"), null, "org_apply") { go(Route.OrgApply) }
                        HorizontalDivider(color = Brand.Line)
                        MenuRow(Icons.Outlined.Groups, Brand.Orange, tr("org_members"), null, "org_members") { go(Route.OrgMembers) }
                        HorizontalDivider(color = Brand.Line)
                        MenuRow(Icons.Outlined.CardMembership, Brand.Blue, tr("org_certificates"), null, "org_certificates") { go(Route.OrgCertificates) }
                        HorizontalDivider(color = Brand.Line)
                        MenuRow(Icons.Outlined.DriveFileRenameOutline, Brand.Purple, tr("org_change"), null, "org_change") { go(Route.OrgChange) }
                        HorizontalDivider(color = Brand.Line)
                        MenuRow(Icons.Outlined.Approval, Brand.Red, tr("seal_approvals"), null, "org_seal_approvals") { go(Route.OrgSealApprovals) }
                        HorizontalDivider(color = Brand.Line)
                    }
                    MenuRow(Icons.Outlined.Verified, Brand.Red, tr("org_seals"), null, "org_seals") { go(Route.OrgSeals) }
                    HorizontalDivider(color = Brand.Line)
                    MenuRow(Icons.Outlined.History, Brand.Purple, tr("home_usage"), null, "org_usage") { go(Route.OrgUsage) }
                    HorizontalDivider(color = Brand.Line)
                    MenuRow(Icons.Outlined.Download, Brand.Teal, tr("claims"), if (claims > 0) "$claims" else null, "org_claims") { go(Route.Claims) }
                }
            }
        }
    }
}

/** The organisation as a blue card: name, code, legal representative, the account's role. */
@Composable
internal fun OrgHeader(o: Organisation) {
    Box(
        Modifier.fillMaxWidth()
            .background(Brush.linearGradient(listOf(Brand.Blue, Brand.BlueDark)), RoundedCornerShape(14.dp))
            .padding(16.dp)
            .testTag("org_header"),
    ) {
        Column(verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically) {
                Text(o.name, color = Color.White, style = MaterialTheme.typography.titleLarge, modifier = Modifier.weight(1f))
                Box(Modifier.background(Color.White, RoundedCornerShape(4.dp)).padding(horizontal = 6.dp, vertical = 2.dp)) {
                    Text(roleText(o.role), color = roleColor(o.role), style = MaterialTheme.typography.labelMedium)
                }
            }
            Text("${tr("org_code")}  ${o.creditCode}", color = Color.White.copy(alpha = 0.9f), style = MaterialTheme.typography.bodySmall)
            Text(tr("legal_rep_line", o.legalRepName, o.legalRepIdMasked), color = Color.White.copy(alpha = 0.9f), style = MaterialTheme.typography.bodySmall)
            Spacer(Modifier.height(2.dp))
            Row(verticalAlignment = Alignment.CenterVertically) {
                androidx.compose.material3.Icon(
                    if (o.authorisation.approved) Icons.Outlined.GppGood else Icons.Outlined.WorkspacePremium,
                    contentDescription = null,
                    tint = Color.White,
                    modifier = Modifier.padding(end = 6.dp),
                )
                Text(tr("ca_authorisation") + " · " + authText(o.authorisation), color = Color.White, style = MaterialTheme.typography.bodyMedium)
            }
        }
    }
}
