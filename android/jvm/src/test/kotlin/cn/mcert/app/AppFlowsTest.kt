package cn.mcert.app

import cn.mcert.app.core.AppError
import cn.mcert.app.core.Display
import cn.mcert.app.bridge.FfiCertCore
import cn.mcert.app.core.KeyAlgorithm
import cn.mcert.app.core.ReissueKind
import cn.mcert.app.core.ScanKind
import cn.mcert.app.core.Texts
import cn.mcert.app.state.ApplyModel
import cn.mcert.app.state.CertificatesModel
import cn.mcert.app.state.HomeModel
import cn.mcert.app.state.IdentityModel
import cn.mcert.app.state.LoginModel
import cn.mcert.app.state.MigrationInModel
import cn.mcert.app.state.MigrationModel
import cn.mcert.app.state.OrdersModel
import cn.mcert.app.state.PinEntryModel
import cn.mcert.app.state.PlatformModel
import cn.mcert.app.state.ScanModel
import cn.mcert.app.state.SignatureModel
import cn.mcert.app.state.UsageModel
import cn.mcert.app.state.ChangePinModel
import cn.mcert.app.state.ReportLostModel
import cn.mcert.app.state.ReissueModel
import cn.mcert.app.state.RenewalModel
import cn.mcert.ffi.McertApp
import cn.mcert.ffi.McertException
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.MethodOrderer
import org.junit.jupiter.api.Order
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.TestMethodOrder
import org.junit.jupiter.api.assertThrows
import java.io.File
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.time.Duration
import java.time.Instant
import java.time.OffsetDateTime
import java.time.temporal.ChronoUnit
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.withTimeout

/**
 * The app's screens walked as a user would, through the app's state holders, the generated
 * Kotlin bindings and the real Rust core, against a real development service on loopback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation::class)
class AppFlowsTest {
    private lateinit var service: DevService
    private lateinit var home: File
    private lateinit var app: McertApp
    private lateinit var core: FfiCertCore
    private val phone = "13912340000"
    private val pin = "246810"
    private var serial = ""
    /** The second phone (补办 there in Order 11), kept for the renewal and the move after it. */
    private lateinit var phone2: FfiCertCore
    /** The PIN set by 忘记密码 on the second phone. */
    private val pin2 = "975310"
    private val apps = mutableListOf<McertApp>()
    private val homes = mutableListOf<File>()

    @BeforeAll
    fun start() {
        Texts.english = false
        service = DevService()
        home = Files.createTempDirectory("mcert-phone-").toFile()
        app = McertApp(home.path, service.url, MemorySecrets())
        core = FfiCertCore(app)
    }

    @AfterAll
    fun stop() {
        apps.forEach { it.close() }
        app.close()
        service.close()
        home.deleteRecursively()
        homes.forEach { it.deleteRecursively() }
    }

    /** Another phone (its own home and secrets), closed with the test. */
    private fun newPhone(name: String): FfiCertCore {
        val dir = Files.createTempDirectory("mcert-$name-").toFile().also { homes += it }
        val other = McertApp(dir.path, service.url, MemorySecrets()).also { apps += it }
        return FfiCertCore(other)
    }

    @Test
    @Order(1)
    fun `login by SMS and choose a platform`() = runBlocking<Unit> {
        val login = LoginModel(core)
        login.phone.value = "12345"
        login.sendCode()
        assertEquals(LoginModel.State.Failed("请输入正确的手机号", "bad_phone"), login.state.value)
        login.phone.value = phone
        login.sendCode()
        assertEquals(LoginModel.State.CodeSent(60), login.state.value)
        // A wrong code: the service's zh-CN message, through the Kotlin error type.
        login.code.value = "000000"
        login.login()
        val failed = login.state.value as LoginModel.State.Failed
        assertEquals("wrong_code", failed.code)
        assertTrue(failed.message.startsWith("验证码错误，还可尝试"), failed.message)
        login.code.value = core.devSmsCode(phone)
        login.login()
        val account = (login.state.value as LoginModel.State.LoggedIn).account
        assertEquals("139****0000", account.phoneMasked)
        assertTrue(core.isLoggedIn())

        val platforms = PlatformModel(core)
        platforms.load()
        assertTrue(platforms.platforms.value.size >= 2, "${platforms.platforms.value}")
        platforms.choose(platforms.platforms.value.first().id)
        assertEquals(platforms.platforms.value.first().id, platforms.chosen.value)
    }

    @Test
    @Order(2)
    fun `real name, order and pay`() = runBlocking<Unit> {
        val apply = ApplyModel(core)
        apply.load()
        apply.selected.value = "personal"
        apply.order()
        val refused = apply.state.value as ApplyModel.State.Failed
        assertEquals("identity_required", refused.code)
        assertEquals("请先完成实名认证", refused.message)

        val identity = IdentityModel(core)
        identity.name.value = "张三"
        identity.idNumber.value = "110101199003070011"
        identity.phone.value = phone
        identity.submit(faceToken = "not-live")
        assertEquals("not_live", (identity.state.value as IdentityModel.State.Failed).code)
        identity.submit(faceToken = "dev-live-ok")
        val verified = (identity.state.value as IdentityModel.State.Verified).identity
        assertEquals("110***********0011", verified.idNumberMasked)

        apply.years.value = 2
        assertEquals(20_000L, apply.amountFen())
        apply.order()
        val order = (apply.state.value as ApplyModel.State.Ordered).order
        assertEquals("待支付", order.statusLabel)
        apply.pay()
        assertEquals("已完成", (apply.state.value as ApplyModel.State.Paid).order.statusLabel)
        val orders = OrdersModel(core)
        orders.refresh()
        assertEquals(listOf(order.id), orders.orders.value.map { it.id })
    }

    @Test
    @Order(3)
    fun `install with a new PIN, checked by policy and confirmation`() = runBlocking<Unit> {
        val certs = CertificatesModel(core)
        certs.refresh()
        assertEquals(1, certs.slots.value.size)
        val pad = PinEntryModel(core, PinEntryModel.Mode.New)
        "123456".forEach { pad.press(it.digitToInt()) }
        val weak = pad.state.value as PinEntryModel.State.Entering
        assertTrue(weak.error!!.contains("过于简单"), weak.error)
        "246810".forEach { pad.press(it.digitToInt()) }
        assertEquals("请再次输入证书密码", (pad.state.value as PinEntryModel.State.Entering).prompt)
        "246811".forEach { pad.press(it.digitToInt()) }
        assertEquals("两次输入的证书密码不一致，请重新设置", (pad.state.value as PinEntryModel.State.Entering).error)
        (pin + pin).forEach { pad.press(it.digitToInt()) }
        val chosen = (pad.state.value as PinEntryModel.State.Complete).pin
        assertTrue(certs.install(certs.slots.value.first(), KeyAlgorithm.SM2, chosen), certs.error.value)
        serial = certs.installed.value!!
        val item = certs.items.value.single()
        assertEquals(serial, item.certificate.serial)
        assertTrue(item.certificate.onThisDevice)
        assertEquals(5, item.key!!.pinTriesLeft)
        certs.open(serial)
        assertTrue(certs.detail.value!!.certificate.subject.contains("张三"))

        val home = HomeModel(core)
        home.refresh()
        assertEquals(
            listOf("数字证书", "扫码", "电子印章", "授权管理", "使用记录", "我的订单"),
            home.entries.map { home.label(it) },
        )
        assertEquals(1, home.summary.value!!.certificatesOnPhone)
        assertEquals(0, home.summary.value!!.slotsToInstall)
    }

    /** The key of the certificate on this phone (the escrowed encryption key is kept beside it). */
    private suspend fun signingKey() = core.localKeys().single { serial in it.serials }

    private fun rfc3339(text: String): Instant = OffsetDateTime.parse(text).toInstant()

    /** Scans the platform's page until the confirm screen shows. */
    private suspend fun scanUntilConfirm(scan: ScanModel, session: PlatformSession): ScanModel.State.Confirm {
        repeat(20) {
            val frame = session.cameraFrame()
            if (scan.onFrame(frame.luma, frame.width, frame.height, frame.rowStride)) {
                return scan.state.value as ScanModel.State.Confirm
            }
            check(scan.state.value == ScanModel.State.Scanning) { "${scan.state.value}" }
            Thread.sleep(100)
        }
        error("the QR code was never read")
    }

    @Test
    @Order(4)
    fun `scan to log in, with a wrong PIN first`() = runBlocking<Unit> {
        val bidder = File(service.dir, "bidder.pem")
        // The project opens its bids long after the certificate expires: warned about, not blocked.
        val opening = Instant.now().truncatedTo(ChronoUnit.SECONDS).plus(Duration.ofDays(4 * 365))
        val session = PlatformSession(
            service, "--kind", "login", "--save-cert", bidder.path, "--opening-at", opening.toString(),
        )
        val scan = ScanModel(core)
        val confirm = scanUntilConfirm(scan, session)
        assertEquals(ScanKind.LOGIN, confirm.view.kind)
        assertEquals("扫码登录", confirm.view.operation)
        assertEquals("mcert 演示招标平台", confirm.view.platformName)
        assertEquals(session.verificationCode(), confirm.view.verificationCode)
        assertEquals(serial, confirm.selected)
        assertEquals(opening, rfc3339(confirm.view.openingAt!!))
        val choice = confirm.view.choices.single()
        assertTrue(choice.expiresBeforeOpening)
        assertTrue(rfc3339(choice.notAfter).isBefore(opening), choice.notAfter)
        assertEquals(serial, confirm.expiring?.serial)
        val warning = confirm.expiryWarning!!
        assertTrue(warning.contains(Display.beijingDate(choice.notAfter)) && warning.contains(Display.beijingTime(opening.toString())), warning)
        scan.proceed()
        val entering = scan.state.value as ScanModel.State.EnterPin
        "135791".forEach { entering.pin.press(it.digitToInt()) }
        scan.submit((entering.pin.state.value as PinEntryModel.State.Complete).pin)
        val again = scan.state.value as ScanModel.State.EnterPin
        val shown = again.pin.state.value as PinEntryModel.State.Entering
        assertEquals(4, shown.triesLeft)
        assertEquals("证书密码错误，还可尝试 4 次", shown.error)
        pin.forEach { again.pin.press(it.digitToInt()) }
        scan.submit((again.pin.state.value as PinEntryModel.State.Complete).pin)
        assertEquals(ScanModel.State.Done("扫码登录", "completed"), scan.state.value)
        val (code, out) = session.finish()
        assertEquals(0, code, out)
        assertTrue(out.contains("结果验证通过") && out.contains("张三"), out)
        assertTrue(bidder.exists())
        // A successful unlock resets the counter.
        assertEquals(5, signingKey().pinTriesLeft)
    }

    @Test
    @Order(5)
    fun `scan to sign a document and to open a bid`() = runBlocking<Unit> {
        val document = File(service.dir, "投标文件.pdf").also { it.writeText("%PDF bid document") }
        // The bids open within the certificate's validity: no warning.
        val opening = Instant.now().truncatedTo(ChronoUnit.SECONDS).plus(Duration.ofDays(30))
        var session = PlatformSession(
            service, "--kind", "sign", "--document", document.path, "--project", "某水电站工程", "--opening-at", opening.toString(),
        )
        var scan = ScanModel(core)
        var confirm = scanUntilConfirm(scan, session)
        assertEquals(ScanKind.SIGN, confirm.view.kind)
        assertEquals("某水电站工程", confirm.view.project)
        assertEquals("投标文件.pdf", confirm.view.documentName)
        assertEquals(opening, rfc3339(confirm.view.openingAt!!))
        assertFalse(confirm.view.choices.single().expiresBeforeOpening)
        assertEquals(null, confirm.expiring)
        assertEquals(null, confirm.expiryWarning)
        scan.proceed()
        scan.submit(pin)
        assertEquals(ScanModel.State.Done("文件签名", "completed"), scan.state.value)
        assertEquals(0, session.finish().first)

        val bid = File(service.dir, "bid.txt").also { it.writeText("报价：人民币 9,876,543.21 元") }
        val sealed = File(service.dir, "bid.json")
        val opened = File(service.dir, "opened.txt")
        val (sealCode, sealOut) = mcert(
            "rp", "seal", "--cert", File(service.dir, "bidder.pem").path,
            "--in", bid.path, "--out", sealed.path,
        )
        assertEquals(0, sealCode, sealOut)
        session = PlatformSession(service, "--kind", "decrypt", "--sealed", sealed.path, "--out", opened.path)
        scan = ScanModel(core)
        confirm = scanUntilConfirm(scan, session)
        assertEquals("开标解密", confirm.view.operation)
        scan.proceed()
        scan.submit(pin)
        assertEquals(ScanModel.State.Done("开标解密", "completed"), scan.state.value)
        val (code, out) = session.finish()
        assertEquals(0, code, out)
        assertEquals(bid.readText(), opened.readText())
    }

    @Test
    @Order(6)
    fun `decline, a stranger's picture, and usage records`() = runBlocking<Unit> {
        val session = PlatformSession(service, "--kind", "login")
        val scan = ScanModel(core)
        scanUntilConfirm(scan, session)
        scan.decline()
        assertEquals(ScanModel.State.Declined, scan.state.value)
        val (code, out) = session.finish()
        assertEquals(2, code, out)
        assertTrue(out.contains("用户已在手机上拒绝"), out)

        // A picture without a QR code keeps the viewfinder scanning.
        scan.reset()
        val blank = Frame(ByteArray(320 * 240) { 0x80.toByte() }, 320, 240, 320)
        assertFalse(scan.onFrame(blank.luma, blank.width, blank.height, blank.rowStride))
        assertEquals(ScanModel.State.Scanning, scan.state.value)

        val usage = UsageModel(core, pageSize = 2)
        usage.refresh()
        assertEquals(2, usage.items.value.size)
        assertTrue(usage.hasMore.value)
        usage.loadMore()
        usage.loadMore()
        val ops = usage.items.value.map { it.operation to it.outcomeLabel }
        assertEquals(
            listOf("扫码登录" to "已拒绝", "开标解密" to "成功", "文件签名" to "成功", "扫码登录" to "成功"),
            ops,
        )
        assertFalse(usage.hasMore.value)
        assertTrue(usage.items.value.all { it.holderName == "张三" })
        usage.from.value = "2099-01-01"
        usage.refresh()
        assertTrue(usage.items.value.isEmpty())
    }

    @Test
    @Order(7)
    fun `one scan stamps a PDF at two places with the name seal, the platform from a shell`() = runBlocking<Unit> {
        // The name seal of the personal certificate, after the notice.
        val signature = SignatureModel(core)
        signature.load(serial)
        assertTrue(signature.agree(), "${signature.problem.value}")
        val seal = signature.current.value!!
        val pdf = File(service.dir, "bid.pdf").also { it.writeBytes(twoPagePdf()) }
        val out = File(service.dir, "bid-stamped.pdf")
        val session = PlatformSession(
            service, pdf.path, "-o", out.path, "--kinds", "personal",
            "--place", "1:60,60,200,200:personal", command = "stamp",
        )
        val scan = ScanModel(core)
        val confirm = scanUntilConfirm(scan, session)
        assertEquals(ScanKind.STAMP, confirm.view.kind)
        val stamp = confirm.view.stamp!!
        assertEquals(2, stamp.placeCount)
        assertEquals(listOf(2, 1), stamp.places.map { it.page })
        // The only seal each place takes is picked for both.
        assertEquals(seal.id to listOf(seal.id), confirm.selected to confirm.more)
        scan.proceed()
        val entering = scan.state.value as ScanModel.State.EnterPin
        assertEquals(serial, entering.serial)
        pin.forEach { entering.pin.press(it.digitToInt()) }
        scan.submit((entering.pin.state.value as PinEntryModel.State.Complete).pin)
        assertEquals(ScanModel.State.Done("文件签章", "completed"), scan.state.value)
        val (code, text) = session.finish()
        assertEquals(0, code, text)
        assertTrue(text.contains("文件中 2 个签章全部验证通过"), text)
        assertTrue(out.exists())
    }

    /** A two-page PDF written by hand, with its cross-reference table. */
    private fun twoPagePdf(): ByteArray {
        val objects = listOf(
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        )
        val out = StringBuilder("%PDF-1.7\n")
        val offsets = objects.mapIndexed { i, body ->
            val at = out.length
            out.append("${i + 1} 0 obj\n$body\nendobj\n")
            at
        }
        val xref = out.length
        out.append("xref\n0 ${objects.size + 1}\n0000000000 65535 f \n")
        offsets.forEach { out.append(String.format("%010d 00000 n \n", it)) }
        out.append("trailer\n<< /Size ${objects.size + 1} /Root 1 0 R >>\nstartxref\n$xref\n%%EOF\n")
        return out.toString().toByteArray(Charsets.US_ASCII)
    }

    @Test
    @Order(8)
    fun `the PIN is changed through its page, a wrong current PIN asked again, and a lost report needs a fresh code`() = runBlocking<Unit> {
        val key = signingKey()
        val change = ChangePinModel(core)
        change.start(key.id)
        change.currentEntered("975318")
        assertFalse(change.newEntered("864209"))
        assertEquals(ChangePinModel.Step.Current, change.step.value)
        val asked = change.current.value.state.value as PinEntryModel.State.Entering
        assertEquals(4, asked.triesLeft)
        assertEquals("证书密码错误，还可尝试 4 次", asked.error)
        change.currentEntered(pin)
        assertTrue(change.newEntered("864209"), "${change.problem.value}")
        assertEquals(ChangePinModel.Step.Done, change.step.value)
        // The new PIN opens the key (and the old one no longer does); then back to the old one.
        change.start(key.id)
        change.currentEntered(pin)
        assertFalse(change.newEntered("531864"))
        change.currentEntered("864209")
        assertTrue(change.newEntered(pin), "${change.problem.value}")
        assertEquals(5, signingKey().pinTriesLeft)
        // 挂失 asks a fresh code of the account's own phone; one was sent for the login moments
        // ago, so the service asks to wait (the report itself is tested in the service's tests).
        val lost = ReportLostModel(core)
        lost.start(core.certificates().single().serial)
        assertFalse(lost.sendCode())
        assertTrue(lost.problem.value!!.message.contains("秒后"), "${lost.problem.value}")
        lost.code.value = "12345"
        assertFalse(lost.confirm())
        assertEquals("bad_code", lost.problem.value!!.code)
    }

    @Test
    @Order(9)
    fun `five wrong PINs lock the key, as a Kotlin error`() = runBlocking<Unit> {
        val key = signingKey()
        for (left in 4 downTo 1) {
            val e = assertThrows<McertException.WrongPin> {
                runBlocking { app.changePin(key.id, "975318", "864209") }
            }
            assertEquals(left.toUInt(), e.triesLeft)
            assertEquals("证书密码错误，还可尝试 $left 次", e.userMessage)
        }
        val locked = assertThrows<AppError> { runBlocking { core.changePin(key.id, "975318", "864209") } }
        assertTrue(locked.locked)
        assertEquals("证书密码错误，证书已锁定", locked.message)
        val stillLocked = assertThrows<AppError> { runBlocking { core.changePin(key.id, pin, "864209") } }
        assertTrue(stillLocked.locked, stillLocked.message)
        assertTrue(stillLocked.message.contains("已锁定"), stillLocked.message)
        assertTrue(signingKey().locked)
    }

    @Test
    @Order(10)
    fun `errors in English when asked, and a service that is gone`() = runBlocking<Unit> {
        cn.mcert.ffi.setLanguage("en")
        try {
            val e = assertThrows<AppError> { core.checkPin("111111") }
            assertTrue(e.message.startsWith("The certificate PIN is too easy"), e.message)
        } finally {
            cn.mcert.ffi.setLanguage("zh-CN")
        }
        val offline = FfiCertCore(McertApp(home.path + "-offline", "http://127.0.0.1:9", MemorySecrets()))
        val e = assertThrows<AppError> { runBlocking { offline.requestCode(phone) } }
        assertEquals("network", e.code)
        assertTrue(e.message.startsWith("无法连接服务"), e.message)
        File(home.path + "-offline").deleteRecursively()
    }

    /** Logs [phoneCore] in with the account's number, once the resend cooldown of the last code is over. */
    private suspend fun logInAgain(phoneCore: FfiCertCore) {
        val login = LoginModel(phoneCore)
        login.phone.value = phone
        val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90)
        while (true) {
            login.sendCode()
            val s = login.state.value
            if (s !is LoginModel.State.Failed || s.code != "code_cooldown" || System.nanoTime() > deadline) break
            delay(1000)
        }
        assertEquals(LoginModel.State.CodeSent(60), login.state.value)
        login.code.value = phoneCore.devSmsCode(phone)
        login.login()
        assertFalse((login.state.value as LoginModel.State.LoggedIn).account.newAccount)
    }

    /** 【实名认证】 and the face check of the reissue page, as the user fills it. */
    private suspend fun ReissueModel.verifyAsHolder(): Boolean {
        identity.name.value = "张三"
        identity.idNumber.value = "110101199003070011"
        identity.phone.value = phone
        return verify { "dev-live-ok" }
    }

    /** Types [newPin] twice on the reissue page's pad and submits it. */
    private suspend fun ReissueModel.setPin(newPin: String): Boolean {
        assertEquals(ReissueModel.Step.NewPin, step.value)
        val typed = pad.value
        (newPin + newPin).forEach { typed.press(it.digitToInt()) }
        return pinEntered((typed.state.value as PinEntryModel.State.Complete).pin)
    }

    @Test
    @Order(11)
    fun `a new phone - 补办 after real-name and face again, then 忘记密码 there, and the new PIN logs in and opens the earlier bid`() = runBlocking<Unit> {
        phone2 = newPhone("new-phone")
        logInAgain(phone2)
        val certs = CertificatesModel(phone2)
        certs.refresh()
        val old = certs.items.value.single()
        assertEquals(serial, old.certificate.serial)
        assertFalse(old.certificate.onThisDevice)
        assertTrue(old.canReissue && !old.canResetPin)
        val oldEncryption = old.certificate.encryptionSerial!!

        // 【证书补办】: verified again, a new PIN, the certificate issued for a key on this phone.
        val reissue = ReissueModel(phone2)
        reissue.start(old.certificate, ReissueKind.NEW_DEVICE)
        assertEquals(KeyAlgorithm.SM2, old.certificate.keyAlgorithm)
        assertTrue(reissue.verifyAsHolder(), "${reissue.problem.value}")
        assertTrue(reissue.setPin("864209"), "${reissue.problem.value}")
        assertEquals(ReissueModel.Step.Done, reissue.step.value)
        val issued = reissue.result.value!!
        assertNotEquals(serial, issued.serial)
        // The slot's escrowed key comes back with a new encryption certificate for the new signing one.
        assertEquals(1, issued.encryptionSerials.size, "${issued.encryptionSerials}")
        assertNotEquals(oldEncryption, issued.encryptionSerials.first())
        certs.refresh()
        val byId = certs.items.value.associateBy { it.certificate.serial }
        val was = byId.getValue(serial)
        assertEquals("revoked", was.certificate.status)
        assertFalse(was.certificate.current || was.canReissue || was.canResetPin)
        val now = byId.getValue(issued.serial)
        assertEquals("good", now.certificate.status)
        assertTrue(now.certificate.onThisDevice && now.certificate.current && now.canResetPin)
        assertEquals(issued.encryptionSerials.first(), now.certificate.encryptionSerial)
        assertEquals(5, now.key!!.pinTriesLeft)
        // The old phone sees it revoked too.
        assertEquals("revoked", core.certificates().first { it.serial == serial }.status)

        // 【忘记密码】 on the new phone, two pages on one verification: it serves one reissue,
        // the other page is sent back to verify again.
        val reset = ReissueModel(phone2)
        val other = ReissueModel(phone2)
        reset.start(now.certificate, ReissueKind.PIN_RESET)
        other.start(now.certificate, ReissueKind.PIN_RESET)
        assertTrue(reset.verifyAsHolder(), "${reset.problem.value}")
        assertTrue(other.verifyAsHolder(), "${other.problem.value}")
        assertTrue(reset.setPin(pin2), "${reset.problem.value}")
        assertFalse(other.setPin("531086"))
        assertEquals(ReissueModel.Step.Verify, other.step.value)
        assertEquals("reissue_reverify", other.problem.value!!.code)
        assertEquals("张三", other.identity.name.value)
        val renewed = reset.result.value!!.serial
        certs.refresh()
        val current = certs.items.value.filter { it.certificate.current }
        assertEquals(listOf(renewed), current.map { it.certificate.serial })
        assertTrue(current.single().certificate.onThisDevice)
        assertEquals("revoked", certs.items.value.first { it.certificate.serial == issued.serial }.certificate.status)

        // The new PIN answers a login scan, and opens the bid sealed before the phone changed.
        var session = PlatformSession(service, "--kind", "login")
        var scan = ScanModel(phone2)
        var confirm = scanUntilConfirm(scan, session)
        assertEquals(renewed, confirm.selected)
        scan.proceed()
        scan.submit(pin2)
        assertEquals(ScanModel.State.Done("扫码登录", "completed"), scan.state.value)
        val (code, out) = session.finish()
        assertEquals(0, code, out)
        assertTrue(out.contains("结果验证通过") && out.contains("张三"), out)

        val opened = File(service.dir, "opened-on-new-phone.txt")
        session = PlatformSession(service, "--kind", "decrypt", "--sealed", File(service.dir, "bid.json").path, "--out", opened.path)
        scan = ScanModel(phone2)
        confirm = scanUntilConfirm(scan, session)
        assertEquals("开标解密", confirm.view.operation)
        scan.proceed()
        scan.submit(pin2)
        assertEquals(ScanModel.State.Done("开标解密", "completed"), scan.state.value)
        val (openCode, openOut) = session.finish()
        assertEquals(0, openCode, openOut)
        assertEquals(File(service.dir, "bid.txt").readText(), opened.readText())
    }

    /** A white PNG of [width] × [height]: a picture without a QR code. */
    private fun blank(width: Int, height: Int): ByteArray {
        val image = java.awt.image.BufferedImage(width, height, java.awt.image.BufferedImage.TYPE_INT_RGB)
        image.createGraphics().apply {
            color = java.awt.Color.WHITE
            fillRect(0, 0, width, height)
            dispose()
        }
        return java.io.ByteArrayOutputStream().also { javax.imageio.ImageIO.write(image, "png", it) }.toByteArray()
    }

    /** `POST /v1/dev/clock`: the development service's clock moves [seconds] on (the reminders then due go out). */
    private fun advanceClock(seconds: Long) {
        val response = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create("${service.url}/v1/dev/clock"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""{"advance_seconds": $seconds}"""))
                .build(),
            HttpResponse.BodyHandlers.ofString(),
        )
        assertEquals(200, response.statusCode(), response.body())
    }

    /** What the development SMS provider "sent" to [to], as its JSON. */
    private fun smsOutbox(to: String): String =
        HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create("${service.url}/v1/dev/sms-outbox?phone=$to")).GET().build(),
            HttpResponse.BodyHandlers.ofString(),
        ).body()

    /**
     * How the platform ends, after the service completed the session: verified, or — for a
     * certificate issued after the development clock was moved — refused by the platform's own
     * check, which runs on the real clock and so finds that certificate "not valid yet".
     */
    private fun platformEnd(session: PlatformSession, issuedAfterClockMoved: Boolean): String {
        val (code, out) = session.finish()
        if (issuedAfterClockMoved && code != 0) {
            assertTrue(out.contains("is not valid yet"), out)
            return out
        }
        assertEquals(0, code, out)
        return out
    }

    /** A login scan answered on [phoneCore] with [certPin]; returns the serial it offered. */
    private suspend fun logInByScan(phoneCore: FfiCertCore, certPin: String, issuedAfterClockMoved: Boolean = false): String {
        val session = PlatformSession(service, "--kind", "login")
        val scan = ScanModel(phoneCore)
        val confirm = scanUntilConfirm(scan, session)
        scan.proceed()
        scan.submit(certPin)
        // The service verified the signature and the certificate (on its clock) and completed it.
        assertEquals(ScanModel.State.Done("扫码登录", "completed"), scan.state.value)
        val out = platformEnd(session, issuedAfterClockMoved)
        if (!issuedAfterClockMoved) assertTrue(out.contains("结果验证通过") && out.contains("张三"), out)
        return confirm.selected!!
    }

    /**
     * The bid sealed in Order 5 (to the first certificate's encryption key) opened on
     * [phoneCore] with [certPin]: the phone opens the bid key with the slot's escrowed key and
     * hands it to the platform, which writes the bid out once its own check passes.
     */
    private suspend fun openEarlierBid(phoneCore: FfiCertCore, certPin: String, name: String, issuedAfterClockMoved: Boolean = false) {
        val out = File(service.dir, name)
        val session = PlatformSession(service, "--kind", "decrypt", "--sealed", File(service.dir, "bid.json").path, "--out", out.path)
        val scan = ScanModel(phoneCore)
        assertEquals("开标解密", scanUntilConfirm(scan, session).view.operation)
        scan.proceed()
        scan.submit(certPin)
        assertEquals(ScanModel.State.Done("开标解密", "completed"), scan.state.value)
        platformEnd(session, issuedAfterClockMoved)
        if (out.exists() || !issuedAfterClockMoved) assertEquals(File(service.dir, "bid.txt").readText(), out.readText())
    }

    @Test
    @Order(12)
    fun `证书延期 in the last three months - the reminder, two years paid, the PIN, the same key renewed and the old certificate revoked`() = runBlocking<Unit> {
        val certs = CertificatesModel(phone2)
        certs.refresh()
        val before = certs.items.value.single { it.certificate.current }
        val slotId = before.certificate.entitlementId
        val until = rfc3339(before.certificate.validUntil!!)
        assertFalse(before.certificate.renewable || before.canRenew)
        // Too early: the page says from when, and the service refuses the same.
        val renewal = RenewalModel(phone2)
        renewal.start(before.certificate.serial)
        assertEquals(RenewalModel.Step.NotYet, renewal.step.value)
        val opens = Display.beijingDate(until.minus(Duration.ofDays(90)).toString())
        assertTrue(renewal.notice.value!!.contains(opens), "${renewal.notice.value} / $opens")
        val early = assertThrows<AppError> { runBlocking { phone2.startRenewal(slotId, 1) } }
        assertEquals("not_yet_renewable", early.code)

        // Sixty days before the end (the service's clock): the reminder has gone out.
        advanceClock(Duration.between(Instant.now(), until.minus(Duration.ofDays(60))).seconds)
        val outbox = smsOutbox(phone)
        assertTrue(outbox.contains(before.certificate.serial) && outbox.contains("证书延期"), outbox)
        // The login of a month ago has expired: by SMS again.
        logInAgain(phone2)
        certs.refresh()
        val window = certs.items.value.single { it.certificate.current }
        assertTrue(window.certificate.renewable && window.canRenew, "${window.certificate}")
        assertFalse(window.certificate.renewalDue)

        renewal.start(window.certificate.serial)
        assertEquals(RenewalModel.Step.Choose, renewal.step.value)
        assertFalse(renewal.organisation)
        assertTrue(renewal.chooseYears(2))
        assertTrue(renewal.order(), "${renewal.problem.value}")
        assertEquals(RenewalModel.Step.Pay, renewal.step.value)
        val order = renewal.order.value!!
        assertEquals(2L, order.years)
        assertEquals(order.amountFen, renewal.amountFen())
        renewal.pricePerYear.value?.let { assertEquals(it * 2, order.amountFen) }
        val renewedUntil = rfc3339(renewal.validUntil.value!!)
        assertTrue(renewedUntil.isAfter(until.plus(Duration.ofDays(2 * 365 - 1))), "$renewedUntil")
        // Changing the period changes the order; back to two years.
        assertTrue(renewal.chooseYears(1))
        assertEquals(1L, renewal.order.value!!.years)
        assertEquals(order.id, renewal.order.value!!.id)
        assertTrue(renewal.chooseYears(2))
        assertTrue(renewal.pay(), "${renewal.problem.value}")
        assertEquals(RenewalModel.Step.Pin, renewal.step.value)
        assertEquals("completed", renewal.order.value!!.status)
        // A wrong PIN first: the tries left, on the pad.
        assertFalse(renewal.pinEntered("135791"))
        assertEquals(4, (renewal.pad.value.state.value as PinEntryModel.State.Entering).triesLeft)
        assertTrue(renewal.pinEntered(pin2), "${renewal.problem.value}")
        assertEquals(RenewalModel.Step.Done, renewal.step.value)
        val renewed = renewal.result.value!!

        certs.refresh()
        val byId = certs.items.value.associateBy { it.certificate.serial }
        val now = byId.getValue(renewed.serial)
        assertEquals("good", now.certificate.status)
        assertTrue(now.certificate.current && now.certificate.onThisDevice)
        assertFalse(now.certificate.renewable || now.certificate.renewalDue)
        assertEquals(5, now.key!!.pinTriesLeft)
        // The same key: the renewed certificate sits beside the one it replaces.
        assertEquals(now.key!!.id, before.key!!.id)
        assertEquals(renewedUntil, rfc3339(now.certificate.validUntil!!))
        val was = byId.getValue(before.certificate.serial)
        assertEquals("revoked", was.certificate.status)
        assertFalse(was.certificate.current)
        // The renewed certificate answers a scan, and the bid sealed before still opens.
        assertEquals(renewed.serial, logInByScan(phone2, pin2, issuedAfterClockMoved = true))
        openEarlierBid(phone2, pin2, "opened-after-renewal.txt", issuedAfterClockMoved = true)
    }

    @Test
    @Order(13)
    fun `a move to a third phone - the QR text, the same code on both, the old phone's PIN, and the certificate answers there`() = runBlocking<Unit> {
        val oldCerts = CertificatesModel(phone2)
        oldCerts.refresh()
        val moving = oldCerts.items.value.single { it.certificate.current }
        assertTrue(moving.canMoveOut, "${moving.certificate}")
        // The new phone logs in with the same number (the code's resend wait passed on the service's clock).
        advanceClock(61)
        val phone3 = newPhone("third-phone")
        logInAgain(phone3)
        val here = CertificatesModel(phone3)
        here.refresh()
        assertTrue(here.items.value.single { it.certificate.current }.canMoveIn)
        val home3 = HomeModel(phone3)
        home3.refresh()
        assertEquals(0 to 1, home3.summary.value!!.certificatesOnPhone to home3.summary.value!!.certificatesElsewhere)

        // The old phone shows the code and asks every 200 ms (a second in the app).
        val old = MigrationModel(phone2, pollMillis = 200)
        old.start(moving.certificate)
        assertEquals(MigrationModel.Step.Qr, old.step.value, "${old.problem.value}")
        val qr = old.qr.value!!
        assertTrue(qr.startsWith("mcert-move.1."), qr)
        val png = old.qrPng.value!!
        assertEquals(listOf(0x89, 0x50, 0x4E, 0x47), png.take(4).map { it.toInt() and 0xFF })
        assertEquals("待新手机扫码", old.migration.value!!.statusLabel)
        val watching = launch { old.watch() }

        // The new phone: a stranger's text first, then the code, a new PIN twice.
        val fresh = MigrationInModel(phone3, waitSecs = 20u)
        fresh.start()
        fresh.code.value = "mcert-move.1.not-a-code"
        assertTrue(fresh.next())
        val newPin = "531086"
        var pad = fresh.pad.value
        (newPin + newPin).forEach { pad.press(it.digitToInt()) }
        assertFalse(fresh.pinEntered((pad.state.value as PinEntryModel.State.Complete).pin))
        assertEquals(MigrationInModel.Step.Code, fresh.step.value)
        assertEquals("not_a_migration_code", fresh.problem.value!!.code)
        // The camera reads the old phone's screen: a frame without a code passes quietly, then the code.
        fresh.startScan()
        assertTrue(fresh.wantsFrames)
        assertFalse(fresh.onFrame(ByteArray(320 * 240) { 0x80.toByte() }, 320, 240, 320))
        assertEquals(null, fresh.hint.value)
        val screen = cameraFrame(javax.imageio.ImageIO.read(png.inputStream()))
        assertTrue(fresh.onFrame(screen.luma, screen.width, screen.height, screen.rowStride), "${fresh.hint.value}")
        assertFalse(fresh.scanning.value)
        assertEquals(qr, fresh.code.value)
        assertEquals(MigrationInModel.Step.NewPin, fresh.step.value)
        // The same code read from a picture (a screenshot sent over); a picture without one says so.
        val picture = MigrationInModel(phone3)
        picture.start()
        assertFalse(picture.onImage(javax.imageio.ImageIO.read(png.inputStream()).let { blank(it.width, it.height) }))
        assertEquals("no_qr_code", picture.problem.value!!.code)
        assertTrue(picture.onImage(png), "${picture.problem.value}")
        assertEquals(qr, picture.code.value)
        pad = fresh.pad.value
        (newPin + newPin).forEach { pad.press(it.digitToInt()) }
        assertTrue(fresh.pinEntered((pad.state.value as PinEntryModel.State.Complete).pin), "${fresh.problem.value}")
        assertEquals(MigrationInModel.Step.Waiting, fresh.step.value)
        val code = fresh.migration.value!!.code!!
        assertTrue(code.matches(Regex("[0-9]{6}")), code)

        // Both phones show the same code; the new one waits while the old one approves.
        withTimeout(15_000) { while (old.step.value != MigrationModel.Step.Confirm) delay(50) }
        assertEquals(code, old.migration.value!!.code)
        assertEquals("待旧手机确认", old.migration.value!!.statusLabel)
        val finishing = async { fresh.waitForApproval() }
        old.codesMatch()
        assertFalse(old.approve("135791"))
        assertEquals(4, (old.pad.value.state.value as PinEntryModel.State.Entering).triesLeft)
        assertTrue(old.approve(pin2), "${old.problem.value}")
        assertEquals(MigrationModel.Step.Done, old.step.value)
        assertTrue(withTimeout(30_000) { finishing.await() }, "${fresh.problem.value} ${fresh.ended.value}")
        withTimeout(5_000) { watching.join() }
        assertEquals(MigrationInModel.Step.Done, fresh.step.value)
        val moved = fresh.result.value!!
        assertNotEquals(moving.certificate.serial, moved.serial)
        assertEquals(1, moved.encryptionSerials.size, "${moved.encryptionSerials}")

        // The old phone keeps nothing of it; the new one holds it, good, and answers.
        oldCerts.refresh()
        assertTrue(oldCerts.items.value.none { it.certificate.onThisDevice }, "${oldCerts.items.value.map { it.certificate }}")
        assertTrue(phone2.localKeys().none { k -> k.serials.any { it == moving.certificate.serial } })
        assertEquals("revoked", oldCerts.items.value.single { it.certificate.serial == moving.certificate.serial }.certificate.status)
        here.refresh()
        val now = here.items.value.single { it.certificate.current }
        assertEquals(moved.serial, now.certificate.serial)
        assertTrue(now.certificate.onThisDevice && now.certificate.status == "good")
        assertEquals(moved.encryptionSerials.first(), now.certificate.encryptionSerial)
        assertEquals(moved.serial, logInByScan(phone3, newPin, issuedAfterClockMoved = true))
        openEarlierBid(phone3, newPin, "opened-after-move.txt", issuedAfterClockMoved = true)

        // A move started and cancelled on the new phone's side leaves the certificate where it is.
        val again = MigrationModel(phone3)
        again.start(now.certificate)
        assertEquals(MigrationModel.Step.Qr, again.step.value, "${again.problem.value}")
        assertTrue(again.cancel(), "${again.problem.value}")
        assertEquals(MigrationModel.Step.Cancelled, again.step.value)
        assertEquals("已取消", again.migration.value!!.statusLabel)
        assertTrue(phone3.certificates().single { it.serial == moved.serial }.onThisDevice)
    }
}
