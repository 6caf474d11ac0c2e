package cn.mcert.app.desktop

import cn.mcert.app.core.Account
import cn.mcert.app.core.AppError
import cn.mcert.app.core.CertCore
import cn.mcert.app.core.Certificate
import cn.mcert.app.core.CertificateChoice
import cn.mcert.app.core.CommerceCore
import cn.mcert.app.core.Identity
import cn.mcert.app.core.IdentityForm
import cn.mcert.app.core.Installed
import cn.mcert.app.core.KeyAlgorithm
import cn.mcert.app.core.LocalKey
import cn.mcert.app.core.Order
import cn.mcert.app.core.OrgCore
import cn.mcert.app.core.PendingScan
import cn.mcert.app.core.Platform
import cn.mcert.app.core.Product
import cn.mcert.app.core.ReissueKind
import cn.mcert.app.core.ScanKind
import cn.mcert.app.core.ScanOutcome
import cn.mcert.app.core.ScanRequest
import cn.mcert.app.core.SealCore
import cn.mcert.app.core.Slot
import cn.mcert.app.core.StampInfo
import cn.mcert.app.core.StampPlaceInfo
import cn.mcert.app.core.StampSeal
import cn.mcert.app.core.Usage
import cn.mcert.app.core.UsagePage
import kotlinx.coroutines.awaitCancellation

/**
 * A core for the screen tests: fixed data as the real core reports it (subjects in RFC 4514,
 * times in RFC 3339 UTC, labels from the service), failures on demand, and calls that never
 * return for the loading states. [english] switches the messages the core would localise. The
 * organisation calls are [FakeOrgCore]'s, the commerce calls [FakeCommerceCore]'s, renewal and
 * moving to a new phone [FakeLifeCore]'s ([life]).
 */
class FakeCore private constructor(val orgs: FakeOrgCore, val commerce: FakeCommerceCore, val sealCore: FakeSealCore) :
    CertCore,
    OrgCore by orgs,
    CommerceCore by commerce,
    SealCore by sealCore {
    private constructor(calls: MutableList<String>) : this(FakeOrgCore(calls), FakeCommerceCore(calls), FakeSealCore(calls))
    constructor() : this(mutableListOf<String>())

    var english = false
    var loggedIn = true
    var identity: Identity? = Identity("张三", "110***********0011", "phone3", "2025-03-01T02:00:00Z")
    var certificates = Samples.certificates
    var keys = Samples.keys
    var slots = emptyList<String>()
    /** The account's orders (the commerce side's, which changes them). */
    var orders: List<Order>
        get() = commerce.orders
        set(value) {
            commerce.orders = value
        }
    var usage = Samples.usage
    var platforms = Samples.platforms
    /** When set, list calls fail with it. */
    var failure: AppError? = null
    /** When true, list calls never return (the loading state). */
    var hang = false
    var scanRequest = Samples.scanRequest
    var goodPin = "246810"
    var triesLeft = 5
    val calls: MutableList<String> get() = orgs.calls
    val life = FakeLifeCore(this)

    private fun msg(zh: String, en: String) = if (english) en else zh

    private suspend fun list(name: String) {
        calls += name
        if (hang) awaitCancellation()
        failure?.let { throw it }
    }

    override suspend fun isLoggedIn() = loggedIn
    override suspend fun requestCode(phone: String) { calls += "requestCode:$phone" }
    override suspend fun devSmsCode(phone: String) = "123456"
    override suspend fun login(phone: String, code: String): Account {
        calls += "login:$phone:$code"
        if (code != "123456") throw AppError("wrong_code", msg("验证码错误，还可尝试 4 次", "Wrong code; 4 tries left"))
        loggedIn = true
        return Account("a1", phone.take(3) + "****" + phone.takeLast(4), null, false)
    }
    override suspend fun logout() {
        loggedIn = false
    }
    override suspend fun platforms(): List<Platform> {
        list("platforms")
        return platforms
    }
    override suspend fun choosePlatform(id: String) { calls += "choosePlatform:$id" }
    override suspend fun identity(): Identity? = identity
    /** A verification fresh enough for one reissue (the service's 10 minutes). */
    var verifiedForReissue = false
    override suspend fun verifyIdentity(form: IdentityForm): Identity {
        calls += "verifyIdentity:${form.name}"
        if (form.faceToken != "dev-live-ok") throw AppError("not_live", msg("人脸识别未通过，请重试", "The face check failed; try again"))
        verifiedForReissue = true
        return Identity(form.name, "110***********0011", "phone3", "2025-03-01T02:00:00Z").also { identity = it }
    }
    override suspend fun catalogue() = Samples.products
    override suspend fun placeOrder(productId: String, years: Long): Order {
        if (identity == null) throw AppError("identity_required", msg("请先完成实名认证", "Verify your real name first"))
        val p = Samples.products.first { it.id == productId }
        return Order("o9", productId, years, p.priceFenPerYear * years, "CNY", "awaiting_payment", "待支付", null, "2025-03-08T06:00:00Z")
    }
    override suspend fun payAndWait(orderId: String, timeoutSecs: UInt): Order {
        calls += "pay:$orderId"
        // 证书变更 paid: the organisation renamed, its slots' changed certificates due, its seals void.
        orgs.changeOrder(orderId)?.let { change ->
            val paid = orgs.changePaid(change)
            life.orgRenamed(change.orgId!!, change.newName!!)
            sealCore.seals = sealCore.seals.map { it.copy(status = "void", statusLabel = "已作废", voidReason = "org_changed") }.toMutableList()
            return paid
        }
        val paid = (orders.firstOrNull { it.id == orderId } ?: orders.first()).let {
            it.copy(id = orderId, status = "completed", statusLabel = "已完成", paidFen = it.amountFen, invoiceStatusLabel = "未开票")
        }
        orders = orders.map { if (it.id == orderId) paid else it }
        life.paid(paid)
        return paid
    }
    override suspend fun orders(): List<Order> {
        list("orders")
        return orders
    }
    override suspend fun pendingSlots(): List<String> {
        list("slots")
        return slots
    }
    override suspend fun install(entitlementId: String, algorithm: KeyAlgorithm, pin: String) = Installed("k9", "5F3A")
    override suspend fun reissue(entitlementId: String, algorithm: KeyAlgorithm, pin: String, reason: ReissueKind): Installed {
        if (hang) awaitCancellation()
        if (!verifiedForReissue) {
            throw AppError(
                "reverify_required",
                msg("补办证书或重置密码前，请在 10 分钟内重新完成实名认证和人脸识别", "Verify your real name and face again first"),
                httpStatus = 403,
            )
        }
        verifiedForReissue = false
        calls += "reissue:$entitlementId:$algorithm:$reason"
        val old = certificates.first { it.entitlementId == entitlementId && it.current }
        val fresh = old.copy(
            serial = "6B2C0D9E1F3A4B57", status = "good", onThisDevice = true, encryptionSerial = "6B2C0D9E1F3A4B58",
            notBefore = "2025-03-08T02:00:00Z",
        )
        certificates = certificates.map { if (it.serial == old.serial) it.copy(status = "revoked", current = false) else it } + fresh
        keys = keys.filterNot { old.serial in it.serials } + LocalKey("k10", algorithm, "active", 5, false, listOf(fresh.serial))
        // The slot's escrowed key continues under a new encryption certificate.
        return Installed("k10", fresh.serial, listOfNotNull(fresh.encryptionSerial))
    }
    override suspend fun certificates(): List<Certificate> {
        list("certificates")
        return certificates.map(life::withSlot)
    }
    /** The organisations' slots to claim, and the slots of the account's certificates. */
    override suspend fun slots(): List<Slot> = orgs.slots() + life.slots
    override suspend fun startRenewal(entitlementId: String, years: Long) = life.startRenewal(entitlementId, years)
    override suspend fun renew(entitlementId: String, pin: String) = life.renew(entitlementId, pin)
    override suspend fun startMigration(entitlementId: String) = life.startMigration(entitlementId)
    override suspend fun migration(migrationId: String) = life.migration(migrationId)
    override suspend fun approveMigration(migrationId: String, pin: String) = life.approveMigration(migrationId, pin)
    override suspend fun cancelMigration(migrationId: String) = life.cancelMigration(migrationId)
    override suspend fun requestMigration(qrText: String, pin: String) = life.requestMigration(qrText, pin)
    override suspend fun finishMigration(migrationId: String, newKeyId: String, pin: String, timeoutSecs: UInt) =
        life.finishMigration(migrationId, newKeyId, pin, timeoutSecs)
    override suspend fun readMoveCodeFrame(luma: ByteArray, width: Int, height: Int, rowStride: Int) =
        life.readMoveCodeFrame(luma, width, height, rowStride)
    override suspend fun readMoveCodeImage(image: ByteArray) = life.readMoveCodeImage(image)
    override suspend fun localKeys(): List<LocalKey> {
        list("keys")
        return keys
    }
    override suspend fun changePin(keyId: String, oldPin: String, newPin: String) {
        if (oldPin != goodPin) throw AppError("wrong_pin", "证书密码错误，还可尝试 4 次", triesLeft = 4)
        calls += "changePin:$keyId"
    }
    override suspend fun requestOwnCode(): String {
        calls += "requestOwnCode"
        return "136****5678"
    }
    override suspend fun reportLost(serial: String, smsCode: String) {
        if (smsCode != "246810") throw AppError("bad_code", "验证码错误或已过期")
        calls += "reportLost:$serial"
    }
    override fun checkPin(pin: String) {
        if (pin.toSet().size < 3) {
            throw AppError("weak_pin", msg("证书密码过于简单，请避免重复或连续的数字", "The certificate PIN is too easy to guess"))
        }
    }
    override suspend fun scanFrame(luma: ByteArray, width: Int, height: Int, rowStride: Int): PendingScan = scanImage(luma)
    override suspend fun scanImage(image: ByteArray): PendingScan {
        calls += "scan"
        return object : PendingScan {
            override val request = scanRequest
        }
    }
    override suspend fun confirm(scan: PendingScan, serial: String, pin: String): ScanOutcome {
        calls += "confirm:$serial"
        if (triesLeft == 0) throw AppError("key_locked", msg("证书密码错误，证书已锁定", "Wrong PIN; the certificate is locked"), triesLeft = 0, locked = true)
        if (pin != goodPin) {
            triesLeft--
            if (triesLeft == 0) throw AppError("key_locked", msg("证书密码错误，证书已锁定", "Wrong PIN; the certificate is locked"), triesLeft = 0, locked = true)
            throw AppError("wrong_pin", msg("证书密码错误，还可尝试 $triesLeft 次", "Wrong PIN; $triesLeft tries left"), triesLeft = triesLeft)
        }
        return ScanOutcome(scan.request.sessionId, "completed")
    }
    override suspend fun stamp(scan: PendingScan, sealId: String, pin: String): ScanOutcome {
        val serial = scan.request.stamp?.seals?.firstOrNull { it.id == sealId }?.certificateSerial
            ?: throw AppError("seal_not_offered", msg("该印章不能用于此次签章", "This seal cannot be used for this stamp"))
        calls += "stamp:$sealId"
        return confirm(scan, serial, pin)
    }
    override suspend fun stampPlaces(scan: PendingScan, sealIds: List<String>, pins: Map<String, String>): ScanOutcome {
        if (pins.values.any { it != goodPin }) throw AppError("wrong_pin", "证书密码错误，还可尝试 4 次", triesLeft = 4)
        calls += "stampPlaces:${sealIds.joinToString(",")}:${pins.keys.sorted().joinToString(",")}"
        return ScanOutcome(scan.request.sessionId, "completed")
    }
    override suspend fun decline(scan: PendingScan) = ScanOutcome(scan.request.sessionId, "declined")
    override suspend fun usage(from: String?, to: String?, cursor: String?, limit: Int): UsagePage {
        list("usage")
        return UsagePage(usage, null)
    }
    override fun setLanguage(tag: String) {
        english = tag.startsWith("en")
    }
}

/** The fixtures: a person with certificates from the demo CA, orders and records. */
object Samples {
    val certificates = listOf(
        Certificate(
            "5F3A9C2E7B1D40A8", "C=CN,O=个人,CN=张三,serialNumber=110101199003070011", "C=CN,O=mcert,CN=mcert SM2 CA",
            "sm2", "2025-03-01T02:00:00Z", "2027-03-01T02:00:00Z", "good", true,
            entitlementId = "e1", encryptionSerial = "5F3A9C2E7B1D40A9",
        ),
        Certificate(
            "7C21D0E4A9B3F115", "C=CN,O=青海能源集团有限公司,2.5.4.97=#131239313633303030304d41375858585858324b,CN=张三",
            "C=CN,O=mcert,CN=mcert SM2 CA", "sm2", "2025-01-10T02:00:00Z", "2026-01-10T02:00:00Z", "good", false,
            entitlementId = "e2", encryptionSerial = "7C21D0E4A9B3F116",
        ),
        Certificate(
            "1A0B9E77C4D2E360", "C=CN,O=个人,CN=张三,serialNumber=110101199003070011", "C=CN,O=mcert,CN=mcert P-256 CA",
            "p256", "2023-02-01T02:00:00Z", "2024-02-01T02:00:00Z", "expired", false,
            entitlementId = "e3",
        ),
    )
    val keys = listOf(LocalKey("k1", KeyAlgorithm.SM2, "active", 5, false, listOf("5F3A9C2E7B1D40A8")))
    val orders = CommerceSamples.orders
    val products = listOf(
        Product("personal", "个人证书", 1, 0, 8_800, "CNY"),
        Product("org", "单位证书套餐（单位证书 1 张 + 个人证书 2 张）", 2, 1, 30_000, "CNY"),
        Product("renewal", "证书延期", 1, 0, 6_000, "CNY", purpose = "renewal"),
    )
    val usage = listOf(
        Usage("2025-03-08T07:21:05Z", "开标解密", "张三", "5F3A9C2E7B1D40A8", "青海能源集团数字招采平台", "completed", "成功", null),
        Usage("2025-03-08T07:02:44Z", "文件签名", "张三", "5F3A9C2E7B1D40A8", "青海能源集团数字招采平台", "completed", "成功", null),
        Usage("2025-03-07T16:30:00Z", "扫码登录", "张三", "5F3A9C2E7B1D40A8", "mcert 演示招标平台", "declined", "已拒绝", null),
        Usage("2025-03-07T01:15:00Z", "扫码登录", "张三", "5F3A9C2E7B1D40A8", "mcert 演示招标平台", "failed", "失败", "qr_stale"),
    )
    val platforms = listOf(
        Platform("qhny", "青海能源集团数字招采平台"),
        Platform("minegoods", "中国矿用物资网招标平台"),
        Platform("demo", "mcert 演示招标平台"),
    )
    val scanRequest = ScanRequest(
        sessionId = "s1",
        platformName = "青海能源集团数字招采平台",
        platformLogoUrl = null,
        kind = ScanKind.SIGN,
        operation = "文件签名",
        project = "某水电站工程施工总承包",
        lot = "第二标段",
        documentName = "投标文件.pdf",
        verificationCode = "K7Q4",
        expiresAt = "2025-03-08T07:05:00Z",
        choices = listOf(
            CertificateChoice("5F3A9C2E7B1D40A8", "C=CN,O=个人,CN=张三,serialNumber=110101199003070011", KeyAlgorithm.SM2, "2027-03-01T02:00:00Z"),
        ),
    )

    /**
     * A platform that gives the bid opening (2027-04-15 09:30 Beijing time): the certificate of
     * this phone expires before it, a newer one of the account does not.
     */
    val expiringRequest = scanRequest.copy(
        sessionId = "s4",
        openingAt = "2027-04-15T01:30:00Z",
        choices = listOf(
            scanRequest.choices[0].copy(expiresBeforeOpening = true),
            CertificateChoice(
                "6B2C0D9E1F3A4B57", "C=CN,O=个人,CN=张三,serialNumber=110101199003070011", KeyAlgorithm.P256,
                "2028-03-08T02:00:00Z",
            ),
        ),
    )
    /** 文件签章 with the organisation's two claimed seals. */
    val stampRequest = scanRequest.copy(
        sessionId = "s2",
        kind = ScanKind.STAMP,
        operation = "文件签章",
        lot = null,
        choices = listOf(
            CertificateChoice(
                "7C21D0E4A9B3F115",
                "C=CN,O=青海能源集团有限公司,2.5.4.97=#131239313633303030304d41375858585858324b,CN=张三",
                KeyAlgorithm.SM2,
                "2026-01-10T02:00:00Z",
            ),
        ),
        stamp = StampInfo(
            pageCount = 36,
            page = 36,
            rect = listOf(380, 60, 520, 200),
            seals = listOf(
                StampSeal("seal1", "企业公章", "青海能源集团有限公司", "7C21D0E4A9B3F115"),
                StampSeal(
                    "seal2", "合同专用章", "青海能源集团有限公司", "7C21D0E4A9B3F115",
                    limits = "仅限项目 FZ-2026-0815；2026-12-02 至 2026-12-31；每次用印需管理员审批",
                    approvalRequired = true,
                ),
            ),
            crossPage = true,
        ),
    )

    /** 文件签章 at two places: the 公章 on the last page, the personal signature on the first. */
    val twoPlaceStamp = stampRequest.copy(
        sessionId = "s3",
        choices = stampRequest.choices + CertificateChoice("5F3A9C2E7B1D40A8", "C=CN,CN=张三", KeyAlgorithm.SM2, "2027-03-01T02:00:00Z"),
        stamp = StampInfo(
            pageCount = 36,
            page = 36,
            rect = listOf(380, 60, 520, 200),
            seals = listOf(
                StampSeal("seal1", "企业公章", "青海能源集团有限公司", "7C21D0E4A9B3F115", kind = "official"),
                StampSeal("sig1", "个人签章", "张三", "5F3A9C2E7B1D40A8", kind = "personal"),
            ),
            places = listOf(
                StampPlaceInfo(36, listOf(380, 60, 520, 200), listOf("official")),
                StampPlaceInfo(1, listOf(400, 210, 480, 290), listOf("personal")),
            ),
        ),
    )
}
