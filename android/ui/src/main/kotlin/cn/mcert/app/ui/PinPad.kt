package cn.mcert.app.ui

import androidx.compose.foundation.background
import androidx.compose.foundation.border
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.shape.CircleShape
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.outlined.Backspace
import androidx.compose.material.icons.outlined.Lock
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp
import cn.mcert.app.state.PinEntryModel

/**
 * The 6-digit PIN pad over [PinEntryModel]: the prompt, six boxes, tries left, the locked state
 * and a fixed keypad (no system keyboard, no suggestions). The digits never leave the model
 * except as the completed PIN handed to [onPin].
 */
@Composable
fun PinPad(pad: PinEntryModel, title: String?, onPin: (String) -> Unit) {
    val digits by pad.digits.collectAsState()
    val state by pad.state.collectAsState()
    LaunchedEffect(state) { (state as? PinEntryModel.State.Complete)?.let { onPin(it.pin) } }
    Column(
        Modifier.fillMaxWidth().padding(top = 16.dp).testTag("pin_pad"),
        horizontalAlignment = Alignment.CenterHorizontally,
        verticalArrangement = Arrangement.spacedBy(12.dp),
    ) {
        title?.let { Text(it, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant) }
        when (val s = state) {
            is PinEntryModel.State.Entering -> {
                Text(s.prompt, style = MaterialTheme.typography.titleLarge, modifier = Modifier.testTag("pin_prompt"))
                Column(horizontalAlignment = Alignment.CenterHorizontally, modifier = Modifier.height(44.dp)) {
                    s.error?.let { ErrorText(it) }
                    // The core's refusal already says how many tries are left.
                    s.triesLeft?.takeIf { s.error == null }?.let {
                        Text(
                            tr("pin_tries_left", it),
                            color = MaterialTheme.colorScheme.error,
                            style = MaterialTheme.typography.titleSmall,
                            modifier = Modifier.testTag("pin_tries"),
                        )
                    }
                }
            }
            is PinEntryModel.State.Locked -> {
                Spacer(Modifier.height(24.dp))
                IconDisc(Icons.Outlined.Lock, MaterialTheme.colorScheme.error, size = 72)
                Text(tr("pin_locked"), style = MaterialTheme.typography.titleLarge, modifier = Modifier.testTag("pin_locked"))
                Text(s.message, color = MaterialTheme.colorScheme.error, textAlign = TextAlign.Center)
                Text(tr("pin_locked_hint"), color = MaterialTheme.colorScheme.onSurfaceVariant, textAlign = TextAlign.Center)
                return@Column
            }
            is PinEntryModel.State.Complete -> Text(tr("submitting"), style = MaterialTheme.typography.titleLarge)
        }
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp), modifier = Modifier.testTag("pin_boxes")) {
            repeat(6) { i ->
                Box(
                    Modifier.size(44.dp)
                        .border(1.dp, if (i == digits.length) Brand.Blue else Brand.Line, RoundedCornerShape(8.dp)),
                    contentAlignment = Alignment.Center,
                ) {
                    if (i < digits.length) Box(Modifier.size(12.dp).background(Brand.Text, CircleShape))
                }
            }
        }
        Spacer(Modifier.height(8.dp))
        Keypad(onDigit = pad::press, onDelete = pad::backspace)
    }
}

@Composable
private fun Keypad(onDigit: (Int) -> Unit, onDelete: () -> Unit) {
    Column(Modifier.fillMaxWidth().background(Color(0xFFF2F3F5)).padding(6.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
        for (row in listOf(listOf(1, 2, 3), listOf(4, 5, 6), listOf(7, 8, 9), listOf(-1, 0, -2))) {
            Row(horizontalArrangement = Arrangement.spacedBy(6.dp)) {
                for (k in row) {
                    val mod = Modifier.weight(1f).height(52.dp)
                    when (k) {
                        -1 -> Box(mod)
                        -2 -> Box(
                            mod.clickable(onClick = onDelete).testTag("key_delete"),
                            contentAlignment = Alignment.Center,
                        ) { Icon(Icons.AutoMirrored.Outlined.Backspace, contentDescription = tr("pin_delete")) }
                        else -> Box(
                            mod.background(Color.White, RoundedCornerShape(6.dp)).clickable { onDigit(k) }.testTag("key_$k"),
                            contentAlignment = Alignment.Center,
                        ) { Text(k.toString(), style = MaterialTheme.typography.headlineSmall.copy(fontWeight = androidx.compose.ui.text.font.FontWeight.Normal)) }
                    }
                }
            }
        }
    }
}
