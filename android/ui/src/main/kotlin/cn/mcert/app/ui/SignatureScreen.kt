package cn.mcert.app.ui

import androidx.compose.foundation.Canvas
import androidx.compose.foundation.Image
import androidx.compose.foundation.background
import androidx.compose.foundation.border
import androidx.compose.foundation.gestures.detectDragGestures
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.width
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
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.graphics.Path
import androidx.compose.ui.graphics.StrokeCap
import androidx.compose.ui.graphics.StrokeJoin
import androidx.compose.ui.graphics.drawscope.Stroke
import androidx.compose.ui.input.pointer.pointerInput
import androidx.compose.ui.layout.onSizeChanged
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import cn.mcert.app.core.PadPoint
import cn.mcert.app.core.PersonalSignature
import cn.mcert.app.state.AppModels
import cn.mcert.app.state.SignatureModel
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.unit.IntSize

/**
 * 【签章图片】 of a personal certificate: the 签章图片告知函 with 【同意】 (the name seal) and
 * 【同意并手写签名】 (the pad) while it has no signature (or one is remade); the pad with
 * 【拍照上传】; else the signature in force and a handwritten one on its way (the cleaned draft
 * to submit, under review, or rejected with the reason).
 */
@Composable
fun SignatureScreen(models: AppModels, onBack: () -> Unit) {
    val m = models.signature
    val current by m.current.collectAsState()
    val picture by m.picture.collectAsState()
    val notice by m.notice.collectAsState()
    val handwritten by m.handwritten.collectAsState()
    val handwrittenPicture by m.handwrittenPicture.collectAsState()
    val writing by m.writing.collectAsState()
    val problem by m.problem.collectAsState()
    val busy by m.busy.collectAsState()
    if (writing) {
        SignaturePadScreen(models, m, busy, problem?.message, onBack)
        return
    }
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
            }
            if (n == null && s != null) {
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
            val h = handwritten
            if (n == null && h != null) HandwrittenPanel(models, m, h, handwrittenPicture, busy)
        }
        if (notice != null) {
            Column(Modifier.fillMaxWidth().padding(16.dp), verticalArrangement = Arrangement.spacedBy(10.dp)) {
                Button(
                    onClick = { models.run { m.agree() } },
                    enabled = !busy,
                    modifier = Modifier.fillMaxWidth().testTag("signature_agree"),
                ) { Text(tr("signature_agree")) }
                OutlinedButton(
                    onClick = { m.startWriting() },
                    enabled = !busy,
                    modifier = Modifier.fillMaxWidth().testTag("signature_write"),
                ) { Text(tr("signature_write")) }
                TextButton(onClick = onBack, modifier = Modifier.fillMaxWidth().testTag("signature_later")) { Text(tr("signature_later")) }
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

/** A handwritten signature on its way: the cleaned picture, its state and what can be done. */
@Composable
private fun HandwrittenPanel(models: AppModels, m: SignatureModel, h: PersonalSignature, picture: ByteArray?, busy: Boolean) {
    Panel(Modifier.testTag("handwritten_${h.id}")) {
        Column(
            Modifier.fillMaxWidth().padding(16.dp),
            horizontalAlignment = Alignment.CenterHorizontally,
            verticalArrangement = Arrangement.spacedBy(8.dp),
        ) {
            val image = picture?.let { Images.decodePng(it) }
            if (image != null) {
                Image(image, contentDescription = null, modifier = Modifier.width(240.dp).height(80.dp).testTag("handwritten_picture"))
            }
            Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Text(h.sourceLabel, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
                Chip(
                    stateText("signature_status", h.status, h.statusLabel),
                    when (h.status) {
                        "pending_review" -> Brand.Blue
                        "rejected" -> Brand.Red
                        else -> Brand.Orange
                    },
                )
            }
            h.rejectReason?.takeIf { h.status == "rejected" }?.let {
                Text(tr("signature_rejected_reason", it), color = Brand.Red, style = MaterialTheme.typography.bodySmall)
            }
        }
    }
    when (h.status) {
        "draft" -> HintBox(tr("signature_draft_hint"))
        "pending_review" -> HintBox(tr("signature_pending_hint"))
        else -> {}
    }
    if (h.status == "draft" || h.status == "rejected") {
        Row(horizontalArrangement = Arrangement.spacedBy(12.dp)) {
            OutlinedButton(
                onClick = { models.run { m.remake() } },
                enabled = !busy,
                modifier = Modifier.weight(1f).testTag("signature_rewrite"),
            ) { Text(tr("signature_rewrite")) }
            Button(
                onClick = { models.run { m.submit() } },
                enabled = !busy,
                modifier = Modifier.weight(1f).testTag("signature_submit"),
            ) { Text(tr(if (h.status == "draft") "signature_submit" else "signature_resubmit")) }
        }
    }
}

/** The signature pad: write with a finger; 【清除】, 【拍照上传】, 【完成】. */
@Composable
private fun SignaturePadScreen(models: AppModels, m: SignatureModel, busy: Boolean, problem: String?, onBack: () -> Unit) {
    val strokes by m.strokes.collectAsState()
    var size by remember { mutableStateOf(IntSize.Zero) }
    Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        TitleBar(tr("signature_picture"), onBack)
        Column(Modifier.weight(1f).padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
            Text(tr("signature_pad_title"), style = MaterialTheme.typography.titleSmall)
            Box(
                Modifier.fillMaxWidth().height(200.dp).background(Color.White)
                    .border(1.dp, Brand.TextSecondary)
                    .onSizeChanged { size = it }
                    .pointerInput(Unit) {
                        detectDragGestures(
                            onDragStart = { m.penDown(PadPoint(it.x, it.y)) },
                            onDrag = { change, _ -> m.penMove(PadPoint(change.position.x, change.position.y)) },
                        )
                    }
                    .testTag("signature_pad"),
            ) {
                Canvas(Modifier.fillMaxSize()) {
                    for (stroke in strokes) {
                        val path = Path()
                        stroke.forEachIndexed { i, p -> if (i == 0) path.moveTo(p.x, p.y) else path.lineTo(p.x, p.y) }
                        if (stroke.size == 1) path.lineTo(stroke[0].x + 0.5f, stroke[0].y)
                        drawPath(path, Color(0xFF1A1A1A), style = Stroke(width = 3.dp.toPx(), cap = StrokeCap.Round, join = StrokeJoin.Round))
                    }
                    drawLine(Color(0xFFDDDDDD), Offset(16.dp.toPx(), this.size.height * 0.8f), Offset(this.size.width - 16.dp.toPx(), this.size.height * 0.8f))
                }
            }
            problem?.let { ErrorText(it) }
            HintBox(tr("signature_pad_hint"))
        }
        Column(Modifier.fillMaxWidth().padding(16.dp), verticalArrangement = Arrangement.spacedBy(10.dp)) {
            Row(horizontalArrangement = Arrangement.spacedBy(12.dp)) {
                OutlinedButton(onClick = { m.clearPad() }, modifier = Modifier.weight(1f).testTag("signature_clear")) { Text(tr("signature_clear")) }
                OutlinedButton(
                    onClick = { models.run { Files.pick()?.let { m.usePhoto(it.bytes) } } },
                    enabled = !busy,
                    modifier = Modifier.weight(1f).testTag("signature_photo"),
                ) { Text(tr("signature_photo")) }
            }
            Row(horizontalArrangement = Arrangement.spacedBy(12.dp)) {
                TextButton(onClick = { m.cancelWriting() }, modifier = Modifier.weight(1f).testTag("signature_cancel")) { Text(tr("signature_cancel")) }
                Button(
                    onClick = { models.run { m.finishWriting(size.width.toFloat(), size.height.toFloat()) } },
                    enabled = !busy,
                    modifier = Modifier.weight(1f).testTag("signature_done"),
                ) { Text(tr("signature_done")) }
            }
        }
    }
}
