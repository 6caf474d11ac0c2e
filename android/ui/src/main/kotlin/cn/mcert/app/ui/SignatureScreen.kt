package cn.mcert.app.ui

import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import cn.mcert.app.state.AppModels

/**
 * 【签章图片】 of a personal certificate: the 签章图片告知函 with 【同意】 while it has no active
 * signature (or one is remade), else the name seal, its source and state.
 */
@Composable
fun SignatureScreen(models: AppModels, onBack: () -> Unit) {
    val m = models.signature
    val current by m.current.collectAsState()
    val picture by m.picture.collectAsState()
    val notice by m.notice.collectAsState()
    val problem by m.problem.collectAsState()
    val busy by m.busy.collectAsState()
    Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        TitleBar(tr("signature_picture"), onBack)
        Column(
            Modifier.weight(1f).verticalScroll(rememberScrollState()).padding(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            problem?.let { ErrorText(it.message) }
            val n = notice
            val s = current
            if (n != null) {
                Panel(Modifier.testTag("signature_notice")) {
                    Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(10.dp)) {
                        Text(n.title, style = MaterialTheme.typography.titleMedium, fontWeight = FontWeight.Bold)
                        n.paragraphs.forEach { Text(it, style = MaterialTheme.typography.bodyMedium) }
                    }
                }
                HintBox(tr("signature_name_seal_hint"))
            } else if (s != null) {
                Panel(Modifier.testTag("signature_${s.id}")) {
                    Column(
                        Modifier.fillMaxWidth().padding(16.dp),
                        horizontalAlignment = Alignment.CenterHorizontally,
                        verticalArrangement = Arrangement.spacedBy(8.dp),
                    ) {
                        SealPicture(picture, 120, "signature_picture")
                        Text(s.name, style = MaterialTheme.typography.titleMedium)
                        Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                            Text(s.sourceLabel, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
                            Chip(s.statusLabel, if (s.status == "active") Brand.Green else Brand.Red)
                        }
                    }
                }
                HintBox(tr("signature_ready_hint"))
            }
        }
        if (notice != null) {
            Row(Modifier.fillMaxWidth().padding(16.dp), horizontalArrangement = Arrangement.spacedBy(12.dp)) {
                OutlinedButton(onClick = onBack, modifier = Modifier.weight(1f).testTag("signature_later")) { Text(tr("signature_later")) }
                Button(
                    onClick = { models.run { m.agree() } },
                    enabled = !busy,
                    modifier = Modifier.weight(1f).testTag("signature_agree"),
                ) { Text(tr("signature_agree")) }
            }
        } else if (current != null) {
            OutlinedButton(
                onClick = { models.run { m.remake() } },
                enabled = !busy,
                modifier = Modifier.fillMaxWidth().padding(16.dp).testTag("signature_remake"),
            ) { Text(tr("signature_remake")) }
        }
    }
}
