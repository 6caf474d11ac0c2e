package cn.mcert.app.android.ui

import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.shape.CircleShape
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
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import cn.mcert.app.R
import cn.mcert.app.state.PinEntryModel

/**
 * The 6-digit PIN pad over [PinEntryModel]: dots, the prompt, tries left, the locked state.
 * The digits never leave the model except as the completed PIN handed to [onPin].
 */
@Composable
fun PinPad(pad: PinEntryModel, onPin: (String) -> Unit) {
    val digits by pad.digits.collectAsState()
    val state by pad.state.collectAsState()
    LaunchedEffect(state) { (state as? PinEntryModel.State.Complete)?.let { onPin(it.pin) } }
    Column(horizontalAlignment = Alignment.CenterHorizontally, verticalArrangement = Arrangement.spacedBy(12.dp)) {
        when (val s = state) {
            is PinEntryModel.State.Entering -> {
                Text(s.prompt)
                s.triesLeft?.let { Text(stringResource(R.string.pin_tries_left, it)) }
                s.error?.let { ErrorText(it) }
            }
            is PinEntryModel.State.Locked -> {
                Text(stringResource(R.string.pin_locked))
                ErrorText(s.message)
                return@Column
            }
            is PinEntryModel.State.Complete -> {}
        }
        Row(horizontalArrangement = Arrangement.spacedBy(12.dp)) {
            repeat(6) { i ->
                Box(
                    Modifier.size(14.dp).background(
                        if (i < digits.length) MaterialTheme.colorScheme.primary else Color.LightGray,
                        CircleShape,
                    ),
                )
            }
        }
        // A fixed keypad (no system keyboard, no suggestions, no screenshots of typed text).
        for (row in listOf(listOf(1, 2, 3), listOf(4, 5, 6), listOf(7, 8, 9), listOf(-1, 0, -2))) {
            Row {
                for (k in row) {
                    when (k) {
                        -1 -> Box(Modifier.size(72.dp))
                        -2 -> TextButton(onClick = { pad.backspace() }, modifier = Modifier.size(72.dp)) { Text("⌫") }
                        else -> TextButton(onClick = { pad.press(k) }, modifier = Modifier.size(72.dp).padding(4.dp)) {
                            Text(k.toString(), style = MaterialTheme.typography.headlineSmall)
                        }
                    }
                }
            }
        }
    }
}
