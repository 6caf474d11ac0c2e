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
import androidx.compose.foundation.verticalScroll
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.outlined.CheckCircle
import androidx.compose.material3.Button
import androidx.compose.material3.ButtonDefaults
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp
import cn.mcert.app.state.AppModels
import cn.mcert.app.state.ChangePinModel

/** 【修改证书密码】: the current PIN, then the new one twice; done says so. */
@Composable
fun ChangePinScreen(models: AppModels, onBack: () -> Unit) {
    val m = models.changePin
    val step by m.step.collectAsState()
    val current by m.current.collectAsState()
    val fresh by m.fresh.collectAsState()
    val problem by m.problem.collectAsState()
    Column(Modifier.fillMaxSize().background(Color.White)) {
        TitleBar(tr("change_pin"), onBack)
        when (step) {
            ChangePinModel.Step.Current -> {
                StepHint(tr("change_pin_current"), problem?.message)
                PinPad(current, title = null) { pin -> m.currentEntered(pin) }
            }
            ChangePinModel.Step.New -> {
                StepHint(tr("change_pin_new"), null)
                PinPad(fresh, title = null) { pin -> models.run { m.newEntered(pin) } }
            }
            ChangePinModel.Step.Done -> Done(tr("change_pin_done"), tr("change_pin_done_hint"), onBack)
        }
    }
}

@Composable
private fun StepHint(text: String, error: String?) {
    Column(Modifier.padding(horizontal = 16.dp, vertical = 8.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
        Text(text, style = MaterialTheme.typography.titleSmall, modifier = Modifier.testTag("change_pin_step"))
        Text(tr("change_pin_hint"), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
        error?.let { ErrorText(it) }
    }
}

@Composable
private fun Done(title: String, hint: String, onBack: () -> Unit) {
    Column(
        Modifier.fillMaxSize().padding(24.dp).testTag("key_done"),
        horizontalAlignment = Alignment.CenterHorizontally,
        verticalArrangement = Arrangement.spacedBy(14.dp),
    ) {
        Spacer(Modifier.height(72.dp))
        Icon(Icons.Outlined.CheckCircle, contentDescription = null, tint = Brand.Green, modifier = Modifier.size(80.dp))
        Text(title, style = MaterialTheme.typography.headlineSmall, textAlign = TextAlign.Center)
        Text(hint, color = MaterialTheme.colorScheme.onSurfaceVariant, textAlign = TextAlign.Center)
        Spacer(Modifier.height(24.dp))
        Button(onClick = onBack, modifier = Modifier.fillMaxWidth().height(48.dp).testTag("done")) { Text(tr("done")) }
    }
}

/**
 * 【证书挂失】: what it means (revoked at once, for good), a fresh SMS code to the account's
 * phone, and the red 【确认挂失】.
 */
@Composable
fun ReportLostScreen(models: AppModels, onBack: () -> Unit) {
    val m = models.reportLost
    val code by m.code.collectAsState()
    val sentTo by m.sentTo.collectAsState()
    val done by m.done.collectAsState()
    val problem by m.problem.collectAsState()
    val busy by m.busy.collectAsState()
    Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        TitleBar(tr("report_lost"), onBack)
        if (done) {
            Done(tr("report_lost_done"), tr("report_lost_done_hint"), onBack)
            return@Column
        }
        Column(
            Modifier.weight(1f).verticalScroll(rememberScrollState()).padding(16.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp),
        ) {
            HintBox(tr("report_lost_hint"), Modifier.testTag("report_lost_hint"))
            m.serial.value?.let { Field(tr("serial"), it) }
            Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(12.dp)) {
                Column(Modifier.weight(1f)) {
                    FormField(code, { m.code.value = it.filter(Char::isDigit).take(6) }, tr("sms_code"), "report_lost_code", keyboard = KeyboardType.NumberPassword)
                }
                OutlinedButton(
                    onClick = { models.run { m.sendCode() } },
                    enabled = !busy,
                    modifier = Modifier.testTag("report_lost_send"),
                ) { Text(tr("get_code")) }
            }
            sentTo?.let { Text(tr("code_sent_to", it), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant) }
            problem?.let { ErrorText(it.message) }
        }
        Button(
            onClick = { models.run { if (m.confirm()) models.certificates.refresh() } },
            enabled = !busy,
            colors = ButtonDefaults.buttonColors(containerColor = Brand.Red),
            modifier = Modifier.fillMaxWidth().padding(16.dp).height(48.dp).testTag("report_lost_confirm"),
        ) { Text(tr("report_lost_confirm")) }
    }
}
