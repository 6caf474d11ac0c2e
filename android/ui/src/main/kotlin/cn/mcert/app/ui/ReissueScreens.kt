package cn.mcert.app.ui

import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.foundation.verticalScroll
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.outlined.CheckCircle
import androidx.compose.material3.Button
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp
import cn.mcert.app.core.ReissueKind
import cn.mcert.app.core.Subject
import cn.mcert.app.state.AppModels
import cn.mcert.app.state.ReissueModel

/**
 * 【证书补办】 and 【忘记密码】: what it does (a new key on this phone, the old certificate
 * revoked, sealed bids still open), 【实名认证】 with the face check again, the new PIN twice,
 * then the new certificate. Once it is issued the certificate list follows and the detail shows
 * the new certificate; a personal certificate's signature picture went with the old one, so the
 * done page offers 【签章图片】 ([onSignature], with the new serial); [onBack] leaves.
 */
@Composable
fun ReissueScreen(models: AppModels, onBack: () -> Unit, onSignature: (String) -> Unit = {}) {
    val m = models.reissue
    val step by m.step.collectAsState()
    val reason by m.reason.collectAsState()
    val pad by m.pad.collectAsState()
    val problem by m.problem.collectAsState()
    val busy by m.busy.collectAsState()
    val certificate by m.certificate.collectAsState()
    val result by m.result.collectAsState()
    Column(Modifier.fillMaxSize().background(Color.White)) {
        TitleBar(byReason(reason, tr("reissue"), tr("forgot_pin")), onBack)
        when (step) {
            ReissueModel.Step.Verify -> Column(
                Modifier.weight(1f).verticalScroll(rememberScrollState()).padding(horizontal = 20.dp, vertical = 12.dp),
                verticalArrangement = Arrangement.spacedBy(12.dp),
            ) {
                HintBox(byReason(reason, tr("reissue_hint"), tr("forgot_pin_hint")), Modifier.testTag("reissue_hint"))
                certificate?.let { Field(tr("serial"), it.serial) }
                Text(tr("reissue_step_verify"), style = MaterialTheme.typography.titleSmall, modifier = Modifier.testTag("reissue_step"))
                IdentityFields(m.identity, bankCard = false, errorField = problem?.field)
                problem?.let { ErrorText(it.message) }
                Spacer(Modifier.height(4.dp))
                Button(
                    onClick = { models.run { m.verify { FaceCheck.run() } } },
                    enabled = !busy,
                    modifier = Modifier.fillMaxWidth().height(48.dp).testTag("reissue_verify"),
                    shape = RoundedCornerShape(24.dp),
                ) { Text(tr("face_check")) }
            }
            ReissueModel.Step.NewPin -> {
                Column(Modifier.padding(horizontal = 16.dp, vertical = 8.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
                    Text(tr("reissue_step_pin"), style = MaterialTheme.typography.titleSmall, modifier = Modifier.testTag("reissue_step"))
                    Text(tr("change_pin_hint"), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
                    problem?.let { ErrorText(it.message) }
                    if (busy) {
                        Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                            CircularProgressIndicator(Modifier.size(16.dp), strokeWidth = 2.dp)
                            Text(tr("reissue_busy"), style = MaterialTheme.typography.bodySmall, modifier = Modifier.testTag("reissue_busy"))
                        }
                    }
                }
                PinPad(pad, title = null) { pin ->
                    models.run {
                        if (m.pinEntered(pin)) {
                            models.certificates.refresh()
                            m.result.value?.let { models.certificates.open(it.serial) }
                        }
                    }
                }
            }
            ReissueModel.Step.Done -> {
                val serial = result?.serial.orEmpty()
                val personal = certificate?.let { !Subject.parse(it.subject).isOrganisation } == true
                ReissueDone(
                    reason, serial, certificate?.serial.orEmpty(), result?.encryptionSerials.orEmpty().size,
                    onSignature = if (personal) ({ onSignature(serial) }) else null,
                    onBack = onBack,
                )
            }
        }
    }
}

/** The words of 【证书补办】 ([reissue]) or of 【忘记密码】 ([forgotPin]). */
private fun byReason(reason: ReissueKind, reissue: String, forgotPin: String) =
    if (reason == ReissueKind.PIN_RESET) forgotPin else reissue

@Composable
private fun ReissueDone(reason: ReissueKind, serial: String, oldSerial: String, keys: Int, onSignature: (() -> Unit)?, onBack: () -> Unit) {
    Column(
        Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(24.dp).testTag("reissue_done"),
        horizontalAlignment = Alignment.CenterHorizontally,
        verticalArrangement = Arrangement.spacedBy(14.dp),
    ) {
        Spacer(Modifier.height(40.dp))
        Icon(Icons.Outlined.CheckCircle, contentDescription = null, tint = Brand.Green, modifier = Modifier.size(80.dp))
        Text(
            byReason(reason, tr("reissue_done"), tr("forgot_pin_done")),
            style = MaterialTheme.typography.headlineSmall,
            textAlign = TextAlign.Center,
        )
        Column(Modifier.fillMaxWidth().background(Brand.BlueLight, RoundedCornerShape(12.dp)).padding(horizontal = 16.dp, vertical = 4.dp)) {
            Field(tr("reissue_new_serial"), serial, Modifier.testTag("reissue_new_serial"))
        }
        val muted = MaterialTheme.colorScheme.onSurfaceVariant
        Text(tr("reissue_old_revoked", oldSerial), color = muted, textAlign = TextAlign.Center, modifier = Modifier.testTag("reissue_old_revoked"))
        if (keys > 0) {
            Text(tr("reissue_keys_restored", keys), color = muted, textAlign = TextAlign.Center, modifier = Modifier.testTag("reissue_keys_restored"))
        }
        Text(tr("change_pin_done_hint"), color = muted, textAlign = TextAlign.Center)
        onSignature?.let { SignatureAgain(it) }
        Spacer(Modifier.height(12.dp))
        Button(onClick = onBack, modifier = Modifier.fillMaxWidth().height(48.dp).testTag("done")) { Text(tr("done")) }
    }
}
