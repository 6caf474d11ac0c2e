package cn.mcert.app.ui

import androidx.compose.foundation.background
import androidx.compose.foundation.clickable
import androidx.compose.foundation.interaction.MutableInteractionSource
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.KeyboardArrowRight
import androidx.compose.material.icons.filled.Check
import androidx.compose.material.icons.filled.Close
import androidx.compose.material3.Button
import androidx.compose.material3.ButtonDefaults
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.vector.ImageVector
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp
import cn.mcert.app.core.PickedFile
import cn.mcert.app.core.ProgressStep
import cn.mcert.app.core.Role

/**
 * The platform's file dialogs: [pick] a photo or PDF (the Android app opens the system picker;
 * null when the user cancels), [save] a file the user downloads (the letter template). The tests
 * set their own.
 */
object Files {
    var pick: suspend () -> PickedFile? = { null }
    var save: suspend (name: String, mimeType: String, bytes: ByteArray) -> Boolean = { _, _, _ -> false }
}

/** The colour of a CA authorisation state (none, pending_review, approved, rejected). */
fun authorisationColor(status: String): Color = when (status) {
    "approved" -> Brand.Green
    "pending_review" -> Brand.Blue
    "rejected" -> Brand.Red
    else -> Brand.Orange
}

fun roleColor(role: Role): Color = if (role == Role.ADMIN) Brand.Blue else Brand.Teal

/** 证书管理员 or 证书使用人, in the app's language. */
fun roleText(role: Role): String = tr(if (role == Role.ADMIN) "role_admin" else "role_user")

/** A state's text in the app's language, the service's label for a state the app does not know. */
fun stateText(prefix: String, status: String, serviceLabel: String): String =
    "${prefix}_$status".let { if (cn.mcert.app.core.Texts.has(it)) tr(it) else serviceLabel }

/** The CA authorisation's state in the app's language. */
fun authText(a: cn.mcert.app.core.Authorisation): String = stateText("auth", a.status, a.statusLabel)

/** The colour of a slot state (unassigned, assigned, issued, expired, revoked). */
fun slotColor(status: String): Color = when (status) {
    "assigned" -> Brand.Blue
    "issued" -> Brand.Green
    "revoked" -> Brand.Red
    "unassigned" -> Brand.Orange
    else -> Brand.TextSecondary
}

/** A file size as people read it (KB, MB). */
fun fileSize(bytes: Int): String = when {
    bytes >= 1024 * 1024 -> String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1024.0 / 1024.0)
    bytes >= 1024 -> "${bytes / 1024} KB"
    else -> "$bytes B"
}

/** A one-line form field with its label; [error] marks it. */
@Composable
fun FormField(
    value: String,
    onChange: (String) -> Unit,
    label: String,
    tag: String,
    error: String? = null,
    keyboard: KeyboardType = KeyboardType.Text,
    placeholder: String? = null,
) {
    OutlinedTextField(
        value,
        onChange,
        label = { Text(label) },
        placeholder = placeholder?.let { { Text(it) } },
        singleLine = true,
        isError = error != null,
        supportingText = error?.let { { Text(it) } },
        keyboardOptions = KeyboardOptions(keyboardType = keyboard),
        modifier = Modifier.fillMaxWidth().testTag(tag),
    )
}

/** A light-blue explanation box above a form. */
@Composable
fun HintBox(text: String, modifier: Modifier = Modifier) {
    Box(modifier.fillMaxWidth().background(Brand.BlueLight, RoundedCornerShape(8.dp)).padding(12.dp)) {
        Text(text, style = MaterialTheme.typography.bodySmall, color = Brand.BlueDark)
    }
}

/** A row of a menu panel: icon, title, an optional value, and the arrow. */
@Composable
fun MenuRow(icon: ImageVector, color: Color, title: String, value: String?, tag: String, onClick: () -> Unit) {
    Row(
        Modifier.fillMaxWidth().clickable(onClick = onClick).padding(horizontal = 16.dp, vertical = 14.dp).testTag(tag),
        verticalAlignment = Alignment.CenterVertically,
    ) {
        IconDisc(icon, color, size = 34)
        Text(title, style = MaterialTheme.typography.bodyLarge, modifier = Modifier.weight(1f).padding(start = 12.dp))
        value?.let { Text(it, color = MaterialTheme.colorScheme.onSurfaceVariant, style = MaterialTheme.typography.bodyMedium) }
        Icon(Icons.AutoMirrored.Filled.KeyboardArrowRight, contentDescription = null, tint = MaterialTheme.colorScheme.outline)
    }
}

/** 审批进度: each step with its state (done, current, failed, todo) and time. */
@Composable
fun ProgressSteps(steps: List<ProgressStep>, modifier: Modifier = Modifier) {
    Column(modifier.testTag("progress"), verticalArrangement = Arrangement.spacedBy(10.dp)) {
        steps.forEachIndexed { i, s ->
            val color = when (s.state) {
                "done" -> Brand.Green
                "current" -> Brand.Blue
                "failed" -> Brand.Red
                else -> Color(0xFFC9CDD4)
            }
            Row(verticalAlignment = Alignment.CenterVertically, modifier = Modifier.testTag("step_${i}_${s.state}")) {
                Box(Modifier.size(24.dp).background(color, RoundedCornerShape(12.dp)), contentAlignment = Alignment.Center) {
                    when (s.state) {
                        "done" -> Icon(Icons.Filled.Check, contentDescription = null, tint = Color.White, modifier = Modifier.size(16.dp))
                        "failed" -> Icon(Icons.Filled.Close, contentDescription = null, tint = Color.White, modifier = Modifier.size(16.dp))
                        else -> Text("${i + 1}", color = Color.White, style = MaterialTheme.typography.labelMedium)
                    }
                }
                Column(Modifier.padding(start = 12.dp)) {
                    Text(
                        s.label,
                        style = MaterialTheme.typography.bodyMedium,
                        fontWeight = if (s.state == "current") FontWeight.Bold else FontWeight.Normal,
                        color = if (s.state == "todo") MaterialTheme.colorScheme.onSurfaceVariant else Brand.Text,
                    )
                    s.at?.let {
                        Text(
                            cn.mcert.app.core.Display.beijingTime(it),
                            style = MaterialTheme.typography.bodySmall,
                            color = MaterialTheme.colorScheme.onSurfaceVariant,
                        )
                    }
                }
            }
        }
    }
}

/** The picked file's name and size, or what to pick, with 【选择】. */
@Composable
fun FilePickRow(picked: PickedFile?, hint: String, tag: String, onPick: () -> Unit) {
    Row(verticalAlignment = Alignment.CenterVertically, modifier = Modifier.fillMaxWidth()) {
        Text(
            if (picked != null) tr("picked_file", picked.name, fileSize(picked.bytes.size)) else hint,
            style = MaterialTheme.typography.bodySmall,
            color = if (picked != null) Brand.Text else MaterialTheme.colorScheme.onSurfaceVariant,
            modifier = Modifier.weight(1f).padding(end = 8.dp).testTag("${tag}_name"),
        )
        OutlinedButton(onClick = onPick, modifier = Modifier.testTag(tag)) { Text(tr("pick_file")) }
    }
}

/**
 * A dimmed layer over the page that a tap outside its [content] dismisses. The scrim and the
 * content are siblings, so the content's texts stay their own nodes for tests (and a Surface
 * takes the taps on it).
 */
@Composable
fun Scrim(onDismiss: () -> Unit, alignment: Alignment, content: @Composable () -> Unit) {
    Box(Modifier.fillMaxSize(), contentAlignment = alignment) {
        Box(
            Modifier.fillMaxSize().background(Color.Black.copy(alpha = 0.45f))
                .clickable(interactionSource = MutableInteractionSource(), indication = null, onClick = onDismiss),
        )
        content()
    }
}

/**
 * A confirmation over the page (scrim and a card): [title], [text], an optional [warning] in red,
 * [dismiss] (【取消】) and [confirm]. Drawn in the page itself, so that tests and renders see it.
 */
@Composable
fun ConfirmOverlay(
    title: String,
    text: String,
    confirm: String,
    onConfirm: () -> Unit,
    onDismiss: () -> Unit,
    warning: String? = null,
    danger: Boolean = false,
    dismiss: String = tr("cancel"),
) {
    Scrim(onDismiss, Alignment.Center) {
        Panel(Modifier.padding(28.dp).testTag("confirm_overlay")) {
            Column(Modifier.padding(20.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
                Text(title, style = MaterialTheme.typography.titleMedium, modifier = Modifier.fillMaxWidth(), textAlign = TextAlign.Center)
                Text(text, style = MaterialTheme.typography.bodyMedium)
                warning?.let { Text(it, style = MaterialTheme.typography.bodyMedium, color = Brand.Red, modifier = Modifier.testTag("confirm_warning")) }
                Row(horizontalArrangement = Arrangement.spacedBy(12.dp)) {
                    OutlinedButton(onClick = onDismiss, modifier = Modifier.weight(1f).testTag("confirm_cancel")) { Text(dismiss) }
                    Button(
                        onClick = onConfirm,
                        colors = if (danger) ButtonDefaults.buttonColors(containerColor = Brand.Red) else ButtonDefaults.buttonColors(),
                        modifier = Modifier.weight(1f).testTag("confirm_ok"),
                    ) { Text(confirm) }
                }
            }
        }
    }
}
