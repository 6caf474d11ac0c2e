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
import androidx.compose.material.icons.outlined.Groups
import androidx.compose.material.icons.outlined.PersonAdd
import androidx.compose.material3.Button
import androidx.compose.material3.Icon
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
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import cn.mcert.app.core.Member
import cn.mcert.app.core.Role
import cn.mcert.app.state.AppModels

/**
 * 【单位成员授权】: the members with their roles; an admin adds members, changes roles and removes
 * members (after a confirmation). A certificate user sees that they cannot grant.
 */
@Composable
fun OrgMembersScreen(models: AppModels, onBack: () -> Unit, onAdd: () -> Unit) {
    val org by models.orgs.current.collectAsState()
    val m = models.members
    val members by m.members.collectAsState()
    val loading by m.loading.collectAsState()
    val problem by m.problem.collectAsState()
    val removing by m.removing.collectAsState()
    LaunchedEffect(org?.id) { org?.let { m.load(it) } }
    Box(Modifier.fillMaxSize()) {
        Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
            TitleBar(tr("org_members"), onBack)
            val o = org ?: return@Column
            when {
                !o.isAdmin -> EmptyState(Icons.Outlined.Groups, tr("users_cannot_grant"), tr("user_role_hint"))
                loading && members.isEmpty() -> Loading()
                problem != null && members.isEmpty() -> ErrorState(problem!!.message, onRetry = { models.run { m.refresh() } })
                else -> {
                    LazyColumn(
                        Modifier.weight(1f).testTag("member_list"),
                        contentPadding = PaddingValues(16.dp),
                        verticalArrangement = Arrangement.spacedBy(10.dp),
                    ) {
                        item { Text(o.name, style = MaterialTheme.typography.titleSmall, color = MaterialTheme.colorScheme.onSurfaceVariant) }
                        items(members, key = { it.id }) { member ->
                            MemberCard(
                                member,
                                onRole = { to -> models.run { m.changeRole(member, to) } },
                                onRemove = { m.askRemove(member) },
                            )
                        }
                        problem?.let { item { ErrorText(it.message) } }
                    }
                    Box(Modifier.fillMaxWidth().background(Color.White).padding(16.dp)) {
                        Button(onClick = { m.clearForm(); onAdd() }, modifier = Modifier.fillMaxWidth().height(48.dp).testTag("add_member"), shape = RoundedCornerShape(24.dp)) {
                            Icon(Icons.Outlined.PersonAdd, contentDescription = null, modifier = Modifier.padding(end = 6.dp))
                            Text(tr("add_member"))
                        }
                    }
                }
            }
        }
        removing?.let { member ->
            ConfirmOverlay(
                title = tr("remove_title"),
                text = tr("remove_confirm", member.name),
                confirm = tr("remove"),
                onConfirm = { models.run { m.confirmRemove() } },
                onDismiss = { m.removing.value = null },
                danger = true,
            )
        }
    }
}

@Composable
private fun MemberCard(member: Member, onRole: (Role) -> Unit, onRemove: () -> Unit) {
    Panel(Modifier.testTag("member_${member.id}")) {
        Column(Modifier.padding(start = 16.dp, end = 8.dp, top = 12.dp, bottom = 4.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically) {
                Text(member.name, style = MaterialTheme.typography.titleMedium)
                Chip(roleText(member.role), roleColor(member.role), Modifier.padding(start = 8.dp))
                if (!member.hasAccount) Chip(tr("not_logged_in"), Brand.TextSecondary, Modifier.padding(start = 6.dp))
            }
            Text(
                "${tr("phone")}  ${member.phoneMasked}    ${tr("id_label")}  ${member.idNumberMasked}",
                style = MaterialTheme.typography.bodySmall,
                color = MaterialTheme.colorScheme.onSurfaceVariant,
                modifier = Modifier.padding(top = 4.dp),
            )
            Row(Modifier.fillMaxWidth(), horizontalArrangement = Arrangement.End) {
                val to = if (member.role == Role.ADMIN) Role.USER else Role.ADMIN
                TextButton(onClick = { onRole(to) }, modifier = Modifier.testTag("role_${member.id}")) {
                    Text(tr(if (to == Role.ADMIN) "make_admin" else "make_user"))
                }
                TextButton(onClick = onRemove, modifier = Modifier.testTag("remove_${member.id}")) { Text(tr("remove"), color = Brand.Red) }
            }
        }
    }
}

/** 【添加成员】: name, ID number, phone and role (证书使用人 or 证书管理员). */
@Composable
fun OrgMemberAddScreen(models: AppModels, onDone: () -> Unit) {
    val m = models.members
    val name by m.name.collectAsState()
    val id by m.idNumber.collectAsState()
    val phone by m.phone.collectAsState()
    val role by m.role.collectAsState()
    val problem by m.problem.collectAsState()
    val busy by m.busy.collectAsState()
    fun errorOf(field: String) = problem?.takeIf { it.field == field }?.message
    Column(Modifier.fillMaxSize().background(Color.White)) {
        TitleBar(tr("add_member"), onDone)
        Column(Modifier.weight(1f).verticalScroll(rememberScrollState()).padding(20.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            HintBox(tr("member_add_hint"))
            FormField(name, { m.name.value = it }, tr("name"), "member_name", errorOf("name"))
            FormField(id, { m.idNumber.value = it.take(18) }, tr("id_number"), "member_id_number", errorOf("id_number"), KeyboardType.Ascii)
            FormField(phone, { m.phone.value = it.filter(Char::isDigit).take(11) }, tr("phone"), "member_phone", errorOf("phone"), KeyboardType.Phone)
            Text(tr("role"), style = MaterialTheme.typography.titleSmall)
            for ((r, hint) in listOf(Role.USER to "role_user_hint", Role.ADMIN to "role_admin_hint")) {
                val on = role == r
                Row(
                    Modifier.fillMaxWidth().border(1.dp, if (on) Brand.Blue else Brand.Line, RoundedCornerShape(8.dp))
                        .clickable { m.role.value = r }.padding(8.dp).testTag("member_role_${r.name}"),
                    verticalAlignment = Alignment.CenterVertically,
                ) {
                    RadioButton(selected = on, onClick = { m.role.value = r })
                    Column(Modifier.weight(1f)) {
                        Text(roleText(r), style = MaterialTheme.typography.bodyLarge)
                        Text(tr(hint), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
                    }
                }
            }
            problem?.takeIf { it.field == null }?.let { ErrorText(it.message) }
        }
        Box(Modifier.fillMaxWidth().padding(16.dp)) {
            Button(
                onClick = { models.run { if (m.add()) onDone() } },
                enabled = !busy,
                modifier = Modifier.fillMaxWidth().height(48.dp).testTag("member_submit"),
                shape = RoundedCornerShape(24.dp),
            ) { Text(tr("add_member")) }
        }
    }
}
