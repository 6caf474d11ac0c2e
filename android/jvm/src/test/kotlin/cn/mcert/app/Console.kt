package cn.mcert.app

import java.net.URI
import java.net.URLEncoder
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.ByteBuffer
import java.util.concurrent.TimeUnit
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec

/**
 * A reviewer deciding reviews through the development service's web console, as a person would:
 * the account made by `mcert reviewer add` (password on standard input, the TOTP secret it
 * prints), a login with password and the current TOTP code, then the queue, the item's page and
 * its approve or reject form, each POST with the page's CSRF token, the session cookie and this
 * origin. The phone API has no reviewer calls, so this is how the JVM tests move an
 * authorisation or an application past review.
 */
class ReviewerConsole(private val service: DevService, private val username: String = "r.jvm") {
    private val password = "correct horse battery staple 42"
    private val http: HttpClient = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build()
    private val secret: ByteArray
    private var session: String? = null

    init {
        val p = ProcessBuilder(
            mcertBin, "reviewer", "add", username, "--name", "JVM 审核员", "--password-stdin",
            "--data-dir", java.io.File(service.dir, "service").path, "--dev",
        ).redirectError(ProcessBuilder.Redirect.DISCARD).start()
        p.outputStream.use { it.write("$password\n".toByteArray()) }
        val out = p.inputStream.readBytes().toString(Charsets.UTF_8)
        check(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) { "mcert reviewer add failed: $out" }
        val base32 = out.lines().firstNotNullOfOrNull { it.removePrefix("totp_secret=").takeIf { s -> s != it } }
            ?: error("no TOTP secret printed: $out")
        secret = base32Decode(base32)
    }

    private fun get(path: String, cookie: String?): HttpResponse<String> {
        val b = HttpRequest.newBuilder(URI.create(service.url + path)).GET()
        cookie?.let { b.header("Cookie", it) }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString())
    }

    private fun post(path: String, cookie: String, form: Map<String, String>): HttpResponse<String> {
        val body = form.entries.joinToString("&") { (k, v) -> k + "=" + URLEncoder.encode(v, Charsets.UTF_8) }
        val r = HttpRequest.newBuilder(URI.create(service.url + path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Origin", service.url)
            .header("Cookie", cookie)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build()
        return http.send(r, HttpResponse.BodyHandlers.ofString())
    }

    private fun cookie(r: HttpResponse<*>, name: String): String? =
        r.headers().allValues("set-cookie").firstNotNullOfOrNull { c ->
            c.substringBefore(';').takeIf { it.startsWith("$name=") && it.length > name.length + 1 }
        }

    private fun csrf(html: String): String =
        Regex("""name="csrf" value="([^"]+)"""").find(html)?.groupValues?.get(1) ?: error("no CSRF token on the page")

    private fun logIn(): String {
        session?.let { return it }
        val page = get("/console/login", null)
        val pre = cookie(page, "mcert_console_login") ?: error("no login cookie: ${page.statusCode()}")
        val r = post(
            "/console/login", pre,
            mapOf("csrf" to csrf(page.body()), "username" to username, "password" to password, "code" to totp()),
        )
        check(r.statusCode() == 303) { "console login refused: ${r.statusCode()} ${r.body().take(300)}" }
        return (cookie(r, "mcert_console") ?: error("no session cookie")).also { session = it }
    }

    /** The pending review whose queue row mentions [subject] (an organisation's name, an order). */
    fun pending(subject: String): String {
        val queue = get("/console/queue", logIn())
        check(queue.statusCode() == 200) { "queue: ${queue.statusCode()}" }
        val rows = Regex("""<tr data-id="([^"]+)" data-status="pending">(.*?)</tr>""", RegexOption.DOT_MATCHES_ALL)
            .findAll(queue.body())
        return rows.firstOrNull { it.groupValues[2].contains(subject) }?.groupValues?.get(1)
            ?: error("no pending review of $subject in the queue")
    }

    /** Approves the pending review of [subject]. */
    fun approve(subject: String) = decide(pending(subject), "approve", emptyMap())

    /** Rejects the pending review of [subject] with [reason] (free text). */
    fun reject(subject: String, reason: String) = decide(pending(subject), "reject", mapOf("preset" to "", "text" to reason))

    private fun decide(id: String, action: String, fields: Map<String, String>) {
        val cookie = logIn()
        val item = get("/console/reviews/$id", cookie)
        check(item.statusCode() == 200) { "review $id: ${item.statusCode()}" }
        val r = post("/console/reviews/$id/$action", cookie, mapOf("csrf" to csrf(item.body())) + fields)
        check(r.statusCode() == 303) { "$action of $id refused: ${r.statusCode()} ${r.body().take(300)}" }
    }

    /** The RFC 6238 code of now (HMAC-SHA-1, 30 s, 6 digits), as an authenticator app shows it. */
    private fun totp(): String {
        val counter = System.currentTimeMillis() / 1000 / 30
        val mac = Mac.getInstance("HmacSHA1").apply { init(SecretKeySpec(secret, "HmacSHA1")) }
        val h = mac.doFinal(ByteBuffer.allocate(8).putLong(counter).array())
        val o = h[h.size - 1].toInt() and 0x0f
        val v = ((h[o].toInt() and 0x7f) shl 24) or ((h[o + 1].toInt() and 0xff) shl 16) or
            ((h[o + 2].toInt() and 0xff) shl 8) or (h[o + 3].toInt() and 0xff)
        return "%06d".format(v % 1_000_000)
    }

    private fun base32Decode(text: String): ByteArray {
        val alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
        var buffer = 0
        var bits = 0
        val out = java.io.ByteArrayOutputStream()
        for (c in text.trim().trimEnd('=').uppercase()) {
            buffer = (buffer shl 5) or alphabet.indexOf(c).also { require(it >= 0) { "not base32: $c" } }
            bits += 5
            if (bits >= 8) {
                bits -= 8
                out.write((buffer shr bits) and 0xff)
            }
        }
        return out.toByteArray()
    }
}
