package cn.mcert.app.desktop

import androidx.compose.runtime.Composable
import androidx.compose.foundation.background
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Brush
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.ImageComposeScene
import androidx.compose.ui.text.ExperimentalTextApi
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.platform.SystemFont
import androidx.compose.ui.unit.Density
import cn.mcert.app.core.Language
import cn.mcert.app.core.Texts
import cn.mcert.app.state.AppModels
import androidx.compose.ui.graphics.toComposeImageBitmap
import cn.mcert.app.ui.Images
import cn.mcert.app.ui.McertApp
import cn.mcert.app.ui.Navigator
import cn.mcert.app.ui.Route
import java.awt.image.BufferedImage
import java.io.ByteArrayInputStream
import java.io.File
import javax.imageio.ImageIO
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import org.jetbrains.skia.EncodedImageFormat

/** The phone the references are drawn for: 360 × 760 dp at density 1.5. */
const val WIDTH_DP = 360
const val HEIGHT_DP = 760
const val DENSITY = 1.5f

/** The CJK font the references are drawn with (Debian's fonts-noto-cjk), pinned for stable pixels. */
const val FONT = "Noto Sans CJK SC"

@OptIn(ExperimentalTextApi::class)
val testFont: FontFamily = FontFamily(
    SystemFont(FONT, FontWeight.Normal),
    SystemFont(FONT, FontWeight.Medium),
    SystemFont(FONT, FontWeight.Bold),
)

/** Whether the pinned font is installed (fontconfig knows it). */
fun fontInstalled(): Boolean =
    try {
        val p = ProcessBuilder("fc-list", ":family=$FONT").redirectErrorStream(true).start()
        val out = p.inputStream.bufferedReader().readText()
        p.waitFor() == 0 && out.isNotBlank()
    } catch (e: Exception) {
        false
    }

/** The camera preview on the desktop: a dim still. */
@Composable
fun StillViewfinder() {
    Box(Modifier.fillMaxSize().background(Brush.verticalGradient(listOf(Color(0xFF30343B), Color(0xFF15171A)))))
}

/** The app over a fake core, at a route, with its models running on the caller's thread. */
class Phone(val core: FakeCore = FakeCore(), language: Language = Language.ZH, start: Route = Route.Home) {
    val scope = CoroutineScope(SupervisorJob() + Dispatchers.Unconfined)
    val clipboard = FakeClipboard()
    val models = AppModels(core, scope, clipboard)
    val nav = Navigator(if (start.tab || start == Route.Login || start == Route.Platform) start else Route.Home)

    init {
        Images.decodePng = { bytes ->
            runCatching { org.jetbrains.skia.Image.makeFromEncoded(bytes).toComposeImageBitmap() }.getOrNull()
        }
        models.setLanguage(language)
        if (!(start.tab || start == Route.Login || start == Route.Platform)) nav.go(start)
    }

    @Composable
    fun Content() {
        McertApp(models, nav, fontFamily = testFont, version = "0.1.0") { StillViewfinder() }
    }

    fun close() {
        scope.cancel()
        Texts.use(Language.ZH)
    }
}

/** Renders the phone after its effects settled; returns the PNG as an image. */
fun render(phone: Phone): BufferedImage {
    val w = (WIDTH_DP * DENSITY).toInt()
    val h = (HEIGHT_DP * DENSITY).toInt()
    val scene = ImageComposeScene(w, h, Density(DENSITY), coroutineContext = Dispatchers.Unconfined) { phone.Content() }
    try {
        var t = 0L
        repeat(6) {
            scene.render(t)
            t += 100_000_000L
        }
        val png = scene.render(t).encodeToData(EncodedImageFormat.PNG)!!.bytes
        return ImageIO.read(ByteArrayInputStream(png))
    } finally {
        scene.close()
    }
}

/** Pixels differing by more than [channel] in any channel; the images must have one size. */
fun differingPixels(a: BufferedImage, b: BufferedImage, channel: Int = 48, diff: BufferedImage? = null): Int {
    require(a.width == b.width && a.height == b.height) { "sizes ${a.width}x${a.height} and ${b.width}x${b.height}" }
    var n = 0
    for (y in 0 until a.height) {
        for (x in 0 until a.width) {
            val p = a.getRGB(x, y)
            val q = b.getRGB(x, y)
            val d = maxOf(
                Math.abs((p shr 16 and 0xff) - (q shr 16 and 0xff)),
                Math.abs((p shr 8 and 0xff) - (q shr 8 and 0xff)),
                Math.abs((p and 0xff) - (q and 0xff)),
            )
            if (d > channel) {
                n++
                diff?.setRGB(x, y, 0xffff0000.toInt())
            } else {
                diff?.setRGB(x, y, (0xff shl 24) or ((((q shr 16 and 0xff) + 510) / 3) * 0x010101))
            }
        }
    }
    return n
}

fun File.writePng(image: BufferedImage) {
    parentFile.mkdirs()
    ImageIO.write(image, "png", this)
}
