package cn.mcert.app.android

// The one file that needs CameraX (not served by Maven Central): the only Android source the
// type-check here leaves out.

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
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.Text
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
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.unit.dp
import androidx.compose.ui.viewinterop.AndroidView
import androidx.core.content.ContextCompat
import androidx.lifecycle.compose.LocalLifecycleOwner
import cn.mcert.app.state.FrameReader
import cn.mcert.app.ui.tr
import java.util.concurrent.Executors
import kotlinx.coroutines.runBlocking

/**
 * The camera under the shared viewfinder pages (【扫码】, and the old phone's move code on
 * 【从旧手机迁移】): CameraX preview and analysis. Each frame's Y plane goes to [reader] with its
 * row stride (no bitmap, no colour conversion); frames are dropped while one is read. The page
 * composes this only while scanning, so leaving it (a code was read, or the user went back)
 * unbinds the camera, turns the torch off and stops analysis.
 */
@Composable
fun CameraViewfinder(reader: FrameReader) {
    val context = LocalContext.current
    val owner = LocalLifecycleOwner.current
    val torch by reader.torch.collectAsState()
    var granted by remember {
        mutableStateOf(ContextCompat.checkSelfPermission(context, Manifest.permission.CAMERA) == PackageManager.PERMISSION_GRANTED)
    }
    val ask = rememberLauncherForActivityResult(ActivityResultContracts.RequestPermission()) { granted = it }
    LaunchedEffect(Unit) { if (!granted) ask.launch(Manifest.permission.CAMERA) }
    if (!granted) {
        Column(
            Modifier.fillMaxSize().padding(32.dp),
            verticalArrangement = Arrangement.spacedBy(12.dp, Alignment.CenterVertically),
            horizontalAlignment = Alignment.CenterHorizontally,
        ) {
            Text(tr("camera_permission"), color = Color.White)
            Button(onClick = { ask.launch(Manifest.permission.CAMERA) }) { Text(tr("grant")) }
        }
        return
    }
    var camera by remember { mutableStateOf<Camera?>(null) }
    var provider by remember { mutableStateOf<ProcessCameraProvider?>(null) }
    val analysis = remember {
        ImageAnalysis.Builder().setBackpressureStrategy(ImageAnalysis.STRATEGY_KEEP_ONLY_LATEST).build()
    }
    val executor = remember { Executors.newSingleThreadExecutor() }
    LaunchedEffect(torch, camera) { camera?.cameraControl?.enableTorch(torch) }
    DisposableEffect(owner) {
        onDispose {
            camera?.cameraControl?.enableTorch(false)
            analysis.clearAnalyzer()
            provider?.unbindAll()
            camera = null
            executor.shutdown()
        }
    }
    AndroidView(
        factory = { ctx ->
            val view = PreviewView(ctx)
            val future = ProcessCameraProvider.getInstance(ctx)
            future.addListener({
                val p = future.get()
                provider = p
                val preview = Preview.Builder().build().also { it.surfaceProvider = view.surfaceProvider }
                analysis.setAnalyzer(executor) { image ->
                    image.use {
                        if (!reader.wantsFrames) return@use
                        val plane = it.planes[0]
                        val buffer = plane.buffer
                        val luma = ByteArray(buffer.remaining()).also { bytes -> buffer.get(bytes) }
                        runBlocking { reader.onFrame(luma, it.width, it.height, plane.rowStride) }
                    }
                }
                p.unbindAll()
                camera = p.bindToLifecycle(owner, CameraSelector.DEFAULT_BACK_CAMERA, preview, analysis)
            }, ContextCompat.getMainExecutor(ctx))
            view
        },
        modifier = Modifier.fillMaxSize(),
    )
}
