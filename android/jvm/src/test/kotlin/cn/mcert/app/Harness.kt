package cn.mcert.app

import cn.mcert.ffi.DeviceSecretStore
import java.awt.image.BufferedImage
import java.io.BufferedReader
import java.io.File
import java.io.InputStreamReader
import java.nio.file.Files
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.TimeUnit
import javax.imageio.ImageIO

/** The `mcert` binary the build made (`-Dmcert.bin`). */
val mcertBin: String = System.getProperty("mcert.bin") ?: "../../target/debug/mcert"

/** The host's secret store, as the Android Keystore adapter would be, kept in memory. */
class MemorySecrets : DeviceSecretStore {
    private val map = ConcurrentHashMap<String, ByteArray>()
    override fun load(name: String): ByteArray? = map[name]?.copyOf()
    override fun store(name: String, secret: ByteArray) {
        map[name] = secret.copyOf()
    }
    override fun delete(name: String) {
        map.remove(name)
    }
}

/** A development service (`mcert serve --dev`) on a free loopback port. */
class DevService : AutoCloseable {
    val dir: File = Files.createTempDirectory("mcert-jvm-").toFile()
    private val process: Process
    val url: String

    init {
        process = ProcessBuilder(
            mcertBin, "serve", "--dev", "--listen", "127.0.0.1:0",
            "--data-dir", File(dir, "service").path,
        )
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .also { it.environment()["RUST_LOG"] = "warn" }
            .start()
        val first = BufferedReader(InputStreamReader(process.inputStream, Charsets.UTF_8)).readLine()
            ?: error("mcert serve printed nothing")
        url = "http://" + first.substringAfter("http://").substringBefore("（").trim()
    }

    /** The demo platform's API key, left by the development service. */
    val platformKeyFile: File get() = File(dir, "service/demo-platform.key")

    override fun close() {
        process.destroy()
        process.waitFor(10, TimeUnit.SECONDS)
        dir.deleteRecursively()
    }
}

/**
 * A bidding platform's session from a shell (`mcert rp session`, or `mcert rp stamp` with
 * [command]): its QR code is redrawn into a PNG every second; [finish] waits for the verified
 * result.
 */
class PlatformSession(service: DevService, vararg args: String, command: String = "session") {
    val png = File(service.dir, "qr-${System.nanoTime()}.png")
    private val process: Process = ProcessBuilder(
        listOf(
            mcertBin, "rp", "--server", service.url,
            "--api-key-file", service.platformKeyFile.path,
            command, "--png", png.path, "--expires-in", "60",
        ) + args,
    ).also { it.environment()["MCERT_LANG"] = "zh-CN" }.start()
    private val out = StringBuilder()
    private val reader = Thread {
        BufferedReader(InputStreamReader(process.inputStream, Charsets.UTF_8)).forEachLine {
            synchronized(out) { out.appendLine(it) }
        }
    }.also { it.start() }

    init {
        val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15)
        while (!png.exists() && System.nanoTime() < deadline) Thread.sleep(50)
        check(png.exists()) { "the platform drew no QR code" }
    }

    /** The verification code the platform shows next to its QR code. */
    fun verificationCode(): String {
        val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10)
        while (System.nanoTime() < deadline) {
            val text = synchronized(out) { out.toString() }
            Regex("校验码 ([0-9]{4})").find(text)?.let { return it.groupValues[1] }
            Thread.sleep(50)
        }
        error("no verification code printed")
    }

    /** The camera's view of the page: the PNG as a luma plane with padded rows. */
    fun cameraFrame(): Frame = cameraFrame(ImageIO.read(png))

    /** Waits for the platform's end; returns its exit code and what it printed. */
    fun finish(): Pair<Int, String> {
        check(process.waitFor(70, TimeUnit.SECONDS)) { "the platform session did not end" }
        reader.join(5000)
        val err = process.errorStream.readBytes().toString(Charsets.UTF_8)
        return process.exitValue() to (synchronized(out) { out.toString() } + err)
    }
}

class Frame(val luma: ByteArray, val width: Int, val height: Int, val rowStride: Int)

/** A camera's view of [image] (a screen showing a QR code): its luma plane with padded rows. */
fun cameraFrame(image: BufferedImage): Frame {
    val stride = image.width + 32
    val luma = ByteArray(stride * image.height) { 0xC8.toByte() }
    for (y in 0 until image.height) {
        for (x in 0 until image.width) {
            val rgb = image.getRGB(x, y)
            val r = (rgb shr 16) and 0xFF
            val g = (rgb shr 8) and 0xFF
            val b = rgb and 0xFF
            luma[y * stride + x] = ((r * 299 + g * 587 + b * 114) / 1000).toByte()
        }
    }
    return Frame(luma, image.width, image.height, stride)
}

/** Runs the `mcert` CLI to completion. */
fun mcert(vararg args: String): Pair<Int, String> {
    val p = ProcessBuilder(listOf(mcertBin) + args).redirectErrorStream(true).start()
    val text = p.inputStream.readBytes().toString(Charsets.UTF_8)
    check(p.waitFor(60, TimeUnit.SECONDS))
    return p.exitValue() to text
}
