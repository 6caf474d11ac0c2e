package cn.mcert.app.desktop

import cn.mcert.app.core.AppError
import cn.mcert.app.core.Certificate
import cn.mcert.app.core.Installed
import cn.mcert.app.core.LifeCore
import cn.mcert.app.core.LocalKey
import cn.mcert.app.core.Migration
import cn.mcert.app.core.Order
import cn.mcert.app.core.Renewal
import cn.mcert.app.core.Slot
import java.awt.Color
import java.awt.image.BufferedImage
import java.io.ByteArrayOutputStream
import javax.imageio.ImageIO
import kotlinx.coroutines.awaitCancellation

/**
 * The renewal and moving side of the fake core, as the service and the core answer: a person's
 * renewal order (changed when the period changes), an organisation's package slot taken (or
 * `ask_admin`), the renewed certificate for the same key; a move with its QR code, the new
 * phone's request and the code both phones show, the old phone's approval with its PIN.
 * [host] holds the certificates and keys it changes.
 */
class FakeLifeCore(private val host: FakeCore) : LifeCore {
    /** The account's slots of its certificates (issued), with their periods. */
    var slots = LifeSamples.slots
    /** Unused certificates in the organisation's package (for an organisation's renewal). */
    var packageFree = 1
    /** The move as the service sees it. */
    var migration: Migration? = null
    /** What the new phone's wait ends with: `approved`, `cancelled`, or `hang` (waits for ever). */
    var approval = "approved"
    /** Rounds of the new phone's wait that time out before [approval]. */
    var timeouts = 0
    /** When set, starting a renewal or a move fails with it. */
    var refuse: AppError? = null

    private fun msg(zh: String, en: String) = if (host.english) en else zh

    private fun slot(id: String) = slots.firstOrNull { it.id == id } ?: throw AppError("unknown_entitlement", msg("未找到该证书", "Unknown certificate"))

    private fun change(id: String, f: (Slot) -> Slot) {
        slots = slots.map { if (it.id == id) f(it) else it }
    }

    private fun plusYears(rfc3339: String, years: Long) =
        java.time.OffsetDateTime.parse(rfc3339).plusYears(years).toInstant().toString()

    private fun checkPin(pin: String) {
        if (pin == host.goodPin) return
        host.triesLeft--
        throw AppError("wrong_pin", msg("证书密码错误，还可尝试 ${host.triesLeft} 次", "Wrong PIN; ${host.triesLeft} tries left"), triesLeft = host.triesLeft)
    }

    override suspend fun startRenewal(entitlementId: String, years: Long): Renewal {
        if (host.hang) awaitCancellation()
        refuse?.let { throw it }
        host.calls += "startRenewal:$entitlementId:$years"
        val s = slot(entitlementId)
        val until = s.validUntil!!
        if (s.renewalDue) return Renewal(null, null, until, true)
        if (!s.renewable) {
            throw AppError("not_yet_renewable", msg("证书有效期最后 3 个月内才能延期，2026-12-01 起可办理", "Renewal opens in the last 3 months, from 2026-12-01"))
        }
        if (s.orgId != null) {
            if (packageFree == 0) {
                throw AppError(
                    "ask_admin",
                    msg("单位没有可用于延期的证书套餐，请联系单位证书管理员购买", "The organisation has no package certificate to renew with; ask its certificate admin to buy one"),
                    httpStatus = 409,
                )
            }
            packageFree--
            val renewed = plusYears(until, 1)
            change(entitlementId) { it.copy(validUntil = renewed, renewalDue = true, renewable = false) }
            return Renewal(null, "e9", renewed, true)
        }
        if (years !in 1L..3L) throw AppError("bad_period", msg("办理期限只能是 1 年、2 年或 3 年", "The period must be 1, 2 or 3 years"))
        val order = Order(
            "o-renew", "renewal", years, 6_000 * years, "CNY", "awaiting_payment", "待支付", null, "2026-12-08T06:00:00Z",
            productName = "证书延期",
        )
        host.orders = host.orders.filterNot { it.id == order.id } + order
        return Renewal(order, null, plusYears(until, years), false)
    }

    /** The gateway confirmed the renewal order: the slot's period grows and its download is due. */
    fun paid(order: Order) {
        if (order.id != "o-renew") return
        val s = slots.firstOrNull { it.renewable && it.orgId == null } ?: return
        change(s.id) { it.copy(validUntil = plusYears(it.validUntil!!, order.years), renewalDue = true, renewable = false) }
    }

    override suspend fun renew(entitlementId: String, pin: String): Installed {
        if (host.hang) awaitCancellation()
        val s = slot(entitlementId)
        if (!s.renewalDue && !s.changeDue) {
            throw AppError("renewal_not_due", msg("没有待下载的延期证书，请先完成支付", "No renewed certificate to download; pay first"))
        }
        checkPin(pin)
        host.calls += "renew:$entitlementId"
        val old = host.certificates.first { it.entitlementId == entitlementId && it.current }
        // A changed certificate names the organisation's new name.
        val subject = if (s.changeDue && s.orgName != null) old.subject.replace(Regex("O=[^,]+"), "O=${s.orgName}") else old.subject
        val fresh = old.copy(
            serial = "8D4E2A6C0B1F3957", encryptionSerial = "8D4E2A6C0B1F3958", subject = subject,
            notBefore = "2026-12-08T02:00:00Z", notAfter = s.validUntil!!, status = "good",
        )
        host.certificates = host.certificates.map { if (it.serial == old.serial) it.copy(status = "revoked", current = false) else it } + fresh
        host.keys = host.keys.map { k -> if (old.serial in k.serials) k.copy(serials = k.serials + fresh.serial) else k }
        change(entitlementId) { it.copy(certificateSerial = fresh.serial, renewalDue = false, changeDue = false) }
        return Installed(host.keys.firstOrNull { fresh.serial in it.serials }?.id ?: "k1", fresh.serial, listOfNotNull(fresh.encryptionSerial))
    }

    override suspend fun startMigration(entitlementId: String): Migration {
        if (host.hang) awaitCancellation()
        refuse?.let { throw it }
        host.calls += "startMigration:$entitlementId"
        val cert = host.certificates.first { it.entitlementId == entitlementId && it.current }
        val m = Migration(
            "mv1", entitlementId, cert.serial, "open", "待新手机扫码", null, "2026-12-08T07:10:00Z",
            qr = LifeSamples.qr, qrPng = LifeSamples.qrPng,
        )
        migration = m
        return m
    }

    /** The new phone asked: both phones show the code now. */
    fun newPhoneAsks() {
        migration = migration?.copy(status = "requested", statusLabel = "待旧手机确认", code = "482913")
    }

    private fun view(id: String): Migration {
        val m = migration?.takeIf { it.id == id } ?: throw AppError("unknown_migration", msg("迁移不存在或已结束", "No such move"))
        return m.copy(qr = null, qrPng = null, newKeyId = null)
    }

    override suspend fun migration(migrationId: String): Migration {
        host.calls += "migration:$migrationId"
        return view(migrationId)
    }

    override suspend fun approveMigration(migrationId: String, pin: String): Migration {
        val m = view(migrationId)
        if (m.status != "requested") throw AppError("migration_closed", msg("迁移已结束（${m.statusLabel}）", "The move has ended (${m.statusLabel})"))
        checkPin(pin)
        host.calls += "approveMigration:$migrationId"
        migration = m.copy(status = "approved", statusLabel = "已完成")
        host.certificates = host.certificates.map {
            if (it.serial == m.serial) it.copy(status = "revoked", current = false, onThisDevice = false) else it
        }
        host.keys = host.keys.filterNot { m.serial in it.serials }
        return view(migrationId)
    }

    override suspend fun cancelMigration(migrationId: String): Migration {
        val m = view(migrationId)
        if (!m.active) throw AppError("migration_closed", msg("迁移已结束（${m.statusLabel}）", "The move has ended (${m.statusLabel})"))
        host.calls += "cancelMigration:$migrationId"
        migration = m.copy(status = "cancelled", statusLabel = "已取消")
        return view(migrationId)
    }

    override suspend fun requestMigration(qrText: String, pin: String): Migration {
        if (host.hang) awaitCancellation()
        if (!qrText.startsWith("mcert-move.1.")) throw AppError("not_a_migration_code", msg("这不是有效的迁移二维码", "Not a move code"))
        host.checkPin(pin)
        host.calls += "requestMigration"
        val cert = host.certificates.first { it.serial == "7C21D0E4A9B3F115" }
        val m = Migration("mv2", cert.entitlementId, cert.serial, "requested", "待旧手机确认", "482913", "2026-12-08T07:10:00Z")
        if (qrText != LifeSamples.qr) throw AppError("migration_closed", msg("迁移已结束（已过期）", "The move has ended (expired)"))
        migration = m
        return m.copy(newKeyId = "k11")
    }

    override suspend fun finishMigration(migrationId: String, newKeyId: String, pin: String, timeoutSecs: UInt): Installed {
        host.calls += "finishMigration:$migrationId:$newKeyId"
        if (timeouts > 0) {
            timeouts--
            throw AppError("migration_timeout", msg("等待旧手机确认超时", "The old phone did not confirm in time"))
        }
        when (approval) {
            "hang" -> awaitCancellation()
            "cancelled" -> throw AppError("migration_ended", msg("迁移已结束（已取消）", "The move has ended (cancelled)"))
        }
        val m = view(migrationId)
        val old = host.certificates.first { it.serial == m.serial }
        val fresh = old.copy(
            serial = "9E5F3B7D1C2A4680", encryptionSerial = "9E5F3B7D1C2A4681", notBefore = "2026-12-08T02:00:00Z",
            status = "good", onThisDevice = true,
        )
        host.certificates = host.certificates.map { if (it.serial == old.serial) it.copy(status = "revoked", current = false) else it } + fresh
        host.keys = host.keys + LocalKey(newKeyId, old.keyAlgorithm, "active", 5, false, listOf(fresh.serial))
        migration = m.copy(status = "approved", statusLabel = "已完成")
        return Installed(newKeyId, fresh.serial, listOfNotNull(fresh.encryptionSerial))
    }

    /** The organisation [orgId] was renamed (its change paid): each issued slot's changed certificate is due. */
    fun orgRenamed(orgId: String, newName: String) {
        slots = slots.map { if (it.orgId == orgId && it.status == "issued") it.copy(orgName = newName, changeDue = true) else it }
    }

    /** The new phone's camera or a picture: the sample move code's picture reads as its text. */
    override suspend fun readMoveCodeFrame(luma: ByteArray, width: Int, height: Int, rowStride: Int) = readMoveCodeImage(luma)

    override suspend fun readMoveCodeImage(image: ByteArray): String {
        host.calls += "readMoveCode"
        return when {
            image.contentEquals(LifeSamples.qrPng) -> LifeSamples.qr
            image.contentEquals(LifeSamples.platformQr) -> throw AppError("not_a_migration_code", msg("这不是迁移二维码", "Not a move code"))
            else -> throw AppError("no_qr_code", msg("没有找到二维码", "No QR code found"))
        }
    }

    /** A certificate as the bridge reports it: with its slot's period, renewal and change state. */
    fun withSlot(c: Certificate): Certificate {
        val s = slots.firstOrNull { it.id == c.entitlementId && it.certificateSerial == c.serial } ?: return c
        return c.copy(validUntil = s.validUntil, renewable = s.renewable, renewalDue = s.renewalDue, changeDue = s.changeDue, orgName = s.orgName)
    }
}

/** The account's slots of the sample certificates, and a move code. */
object LifeSamples {
    val slots = listOf(
        Slot("e1", "20250301-0001", "personal", 2, "issued", "5F3A9C2E7B1D40A8", null, null, validUntil = "2027-03-01T02:00:00Z"),
        Slot(
            "e2", "20250301-0007", "organization", 1, "issued", "7C21D0E4A9B3F115", "org1", "青海某某建设工程有限公司",
            validUntil = "2027-01-10T02:00:00Z",
        ),
        Slot("e3", "20230201-0003", "personal", 1, "expired", "1A0B9E77C4D2E360", null, null, validUntil = "2024-02-01T02:00:00Z"),
    )

    const val qr = "mcert-move.1.01JEX7Q2M4N6P8R0S2T4V6W8Y0.q7Vw2xK9bL4mN8pR3sT6uY1zA5cE0fH2jK7nQ4tW9xZ"

    /** A picture (or frame) of a platform's login QR code: not a move code. */
    val platformQr: ByteArray = "platform qr".toByteArray()

    /** A QR-like picture (finder squares and modules drawn from a fixed seed), as a PNG. */
    val qrPng: ByteArray by lazy {
        val n = 29
        val scale = 8
        val image = BufferedImage((n + 8) * scale, (n + 8) * scale, BufferedImage.TYPE_INT_RGB)
        val g = image.createGraphics()
        g.color = Color.WHITE
        g.fillRect(0, 0, image.width, image.height)
        g.color = Color.BLACK
        val random = java.util.Random(20261208)
        fun finder(x: Int, y: Int) = x in 0..6 && y in 0..6
        for (y in 0 until n) {
            for (x in 0 until n) {
                val inFinder = finder(x, y) || finder(x - (n - 7), y) || finder(x, y - (n - 7))
                val dark = if (inFinder) {
                    val fx = if (x >= n - 7) x - (n - 7) else x
                    val fy = if (y >= n - 7) y - (n - 7) else y
                    fx == 0 || fx == 6 || fy == 0 || fy == 6 || (fx in 2..4 && fy in 2..4)
                } else {
                    val nearFinder = (x <= 7 && y <= 7) || (x >= n - 8 && y <= 7) || (x <= 7 && y >= n - 8)
                    !nearFinder && random.nextBoolean()
                }
                if (dark) g.fillRect((x + 4) * scale, (y + 4) * scale, scale, scale)
            }
        }
        g.dispose()
        ByteArrayOutputStream().also { ImageIO.write(image, "png", it) }.toByteArray()
    }
}
