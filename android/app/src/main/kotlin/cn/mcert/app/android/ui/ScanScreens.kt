package cn.mcert.app.android.ui

import android.Manifest
import android.content.pm.PackageManager
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.camera.core.Camera
import androidx.camera.core.CameraSelector
import androidx.camera.core.ImageAnalysis
import androidx.camera.core.Preview
import androidx.camera.lifecycle.ProcessCameraProvider
import androidx.camera.view.PreviewView
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.RadioButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.platform.LocalLifecycleOwner
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import androidx.compose.ui.viewinterop.AndroidView
import androidx.core.content.ContextCompat
import cn.mcert.app.R
import cn.mcert.app.android.AppViewModel
import cn.mcert.app.state.ScanModel
import cn.mcert.ffi.ScanView
import java.util.concurrent.Executors
import kotlinx.coroutines.runBlocking

/** 【扫码】: viewfinder, then the confirm screen, the PIN pad and the result. */
@Composable
fun ScanScreen(model: AppViewModel, onClose: () -> Unit) {
    val scan = model.scan
    val state by scan.state.collectAsState()
    DisposableEffect(Unit) { onDispose { scan.reset() } }
    when (val s = state) {
        ScanModel.State.Scanning, ScanModel.State.Reading -> Viewfinder(model)
        is ScanModel.State.Confirm -> ConfirmScreen(
            view = s.view,
            selected = s.selected,
            onSelect = scan::select,
            onConfirm = scan::proceed,
            onCancel = { model.run { scan.decline() } },
        )
        is ScanModel.State.EnterPin -> Column(Modifier.fillMaxSize().padding(16.dp)) {
            Text("${s.view.platformName} · ${s.view.operation}", style = MaterialTheme.typography.titleMedium)
            PinPad(s.pin) { pin -> model.run { scan.submit(pin) } }
        }
        ScanModel.State.Submitting -> Box(Modifier.fillMaxSize(), contentAlignment = Alignment.Center) { Text("…") }
        is ScanModel.State.Done -> Result("${s.operation} ✓", onClose)
        ScanModel.State.Declined -> Result(stringResource(R.string.declined), onClose)
        is ScanModel.State.Failed -> Column(Modifier.fillMaxSize().padding(24.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
            ErrorText(s.message)
            Button(onClick = scan::reset) { Text(stringResource(R.string.retry)) }
        }
    }
}

@Composable
private fun Result(text: String, onClose: () -> Unit) {
    Column(Modifier.fillMaxSize().padding(24.dp), verticalArrangement = Arrangement.spacedBy(16.dp)) {
        Text(text, style = MaterialTheme.typography.headlineSmall)
        Button(onClick = onClose) { Text(stringResource(R.string.done)) }
    }
}

/**
 * CameraX preview and analysis. Each frame's Y plane is handed to the core with its row
 * stride (no copy into a bitmap, no colour conversion); frames are dropped while one is read.
 */
@Composable
private fun Viewfinder(model: AppViewModel) {
    val context = LocalContext.current
    val owner = LocalLifecycleOwner.current
    val torch by model.scan.torch.collectAsState()
    val hint by model.scan.hint.collectAsState()
    var granted by remember {
        mutableStateOf(ContextCompat.checkSelfPermission(context, Manifest.permission.CAMERA) == PackageManager.PERMISSION_GRANTED)
    }
    val ask = rememberLauncherForActivityResult(ActivityResultContracts.RequestPermission()) { granted = it }
    LaunchedEffect(Unit) { if (!granted) ask.launch(Manifest.permission.CAMERA) }
    if (!granted) {
        Column(Modifier.fillMaxSize().padding(24.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
            Text(stringResource(R.string.camera_permission))
            Button(onClick = { ask.launch(Manifest.permission.CAMERA) }) { Text(stringResource(R.string.grant)) }
        }
        return
    }
    var camera by remember { mutableStateOf<Camera?>(null) }
    LaunchedEffect(torch, camera) { camera?.cameraControl?.enableTorch(torch) }
    val executor = remember { Executors.newSingleThreadExecutor() }
    DisposableEffect(Unit) { onDispose { executor.shutdown() } }
    Box(Modifier.fillMaxSize()) {
        AndroidView(
            factory = { ctx ->
                val view = PreviewView(ctx)
                val future = ProcessCameraProvider.getInstance(ctx)
                future.addListener({
                    val provider = future.get()
                    val preview = Preview.Builder().build().also { it.surfaceProvider = view.surfaceProvider }
                    val analysis = ImageAnalysis.Builder()
                        .setBackpressureStrategy(ImageAnalysis.STRATEGY_KEEP_ONLY_LATEST)
                        .build()
                    analysis.setAnalyzer(executor) { image ->
                        image.use {
                            val plane = it.planes[0]
                            val buffer = plane.buffer
                            val luma = ByteArray(buffer.remaining()).also { bytes -> buffer.get(bytes) }
                            runBlocking { model.scan.onFrame(luma, it.width, it.height, plane.rowStride) }
                        }
                    }
                    provider.unbindAll()
                    camera = provider.bindToLifecycle(owner, CameraSelector.DEFAULT_BACK_CAMERA, preview, analysis)
                }, ContextCompat.getMainExecutor(ctx))
                view
            },
            modifier = Modifier.fillMaxSize(),
        )
        Column(Modifier.align(Alignment.BottomCenter).padding(24.dp), horizontalAlignment = Alignment.CenterHorizontally) {
            Text(hint ?: stringResource(R.string.scan_hint), color = MaterialTheme.colorScheme.onPrimary)
            TextButton(onClick = { model.scan.torch.value = !torch }) { Text(stringResource(R.string.torch)) }
        }
    }
}

/** What the platform asks, the verification code to compare, and the certificate to use. */
@Composable
fun ConfirmScreen(
    view: ScanView,
    selected: String?,
    onSelect: (String) -> Unit,
    onConfirm: () -> Unit,
    onCancel: () -> Unit,
) {
    Column(Modifier.fillMaxSize().padding(16.dp), verticalArrangement = Arrangement.spacedBy(10.dp)) {
        Text(stringResource(R.string.confirm_title), style = MaterialTheme.typography.titleLarge)
        Row { Text("${stringResource(R.string.platform)}：${view.platformName}") }
        Row { Text("${stringResource(R.string.operation)}：${view.operation}") }
        view.project?.let { Text("${stringResource(R.string.project)}：$it") }
        view.lot?.let { Text("${stringResource(R.string.lot)}：$it") }
        view.documentName?.let { Text("${stringResource(R.string.document)}：$it") }
        Text(stringResource(R.string.verification_code))
        Text(view.verificationCode, style = MaterialTheme.typography.displaySmall, color = MaterialTheme.colorScheme.error)
        Text(stringResource(R.string.choose_certificate))
        view.choices.forEach { c ->
            Row(Modifier.fillMaxWidth().clickable { onSelect(c.serial) }) {
                RadioButton(selected = selected == c.serial, onClick = { onSelect(c.serial) })
                Text("${c.subject} · ${c.algorithm.name} · ${c.serial.takeLast(8)}", Modifier.padding(top = 12.dp))
            }
        }
        Row(horizontalArrangement = Arrangement.spacedBy(12.dp)) {
            OutlinedButton(onClick = onCancel) { Text(stringResource(R.string.cancel)) }
            Button(onClick = onConfirm, enabled = selected != null) { Text(stringResource(R.string.confirm)) }
        }
    }
}
