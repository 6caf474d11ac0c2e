package cn.mcert.app.ui

import androidx.compose.foundation.background
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.unit.dp
import cn.mcert.app.core.Display
import cn.mcert.app.state.AppModels

/**
 * 【电子印章】 (the home grid): the 签章图片 of each good personal certificate on this phone, and
 * 【印章管理】 of each organisation the account belongs to.
 */
@Composable
fun SealsHubScreen(models: AppModels, go: (Route) -> Unit, onBack: () -> Unit) {
    val items by models.certificates.items.collectAsState()
    val orgs by models.orgs.orgs.collectAsState()
    LaunchedEffect(Unit) {
        models.certificates.refresh()
        models.orgs.refresh()
    }
    val personal = items.filter { !it.subject.isOrganisation && it.certificate.status == "good" && it.key != null }
    Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        TitleBar(tr("home_seals"), onBack)
        Column(
            Modifier.verticalScroll(rememberScrollState()).padding(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            Text(tr("signature_picture"), style = MaterialTheme.typography.titleSmall)
            if (personal.isEmpty()) HintBox(tr("seals_hub_no_personal"))
            personal.forEach { item ->
                val serial = item.certificate.serial
                HubRow(
                    item.subject.commonName ?: "—",
                    "${tr("serial")} ${Display.shortSerial(serial)}",
                    "hub_signature_$serial",
                ) {
                    models.run { models.signature.load(serial) }
                    go(Route.Signature)
                }
            }
            Text(tr("org_seals"), style = MaterialTheme.typography.titleSmall)
            if (orgs.isEmpty()) HintBox(tr("seals_hub_no_org"))
            orgs.forEach { org ->
                HubRow(org.name, org.creditCode, "hub_org_${org.id}") {
                    models.orgs.open(org)
                    go(Route.OrgSeals)
                }
            }
        }
    }
}

@Composable
private fun HubRow(title: String, detail: String, tag: String, onClick: () -> Unit) {
    Panel(Modifier.clickable(onClick = onClick).testTag(tag)) {
        Row(Modifier.padding(16.dp), verticalAlignment = Alignment.CenterVertically) {
            Column(Modifier.weight(1f)) {
                Text(title, style = MaterialTheme.typography.titleMedium)
                Text(detail, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
            }
            Text("›", style = MaterialTheme.typography.titleLarge, color = MaterialTheme.colorScheme.onSurfaceVariant)
        }
    }
}
