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
import cn.mcert.app.state.OrdersModel
import cn.mcert.app.state.PinEntryModel
import cn.mcert.app.state.PlatformModel
import cn.mcert.app.state.ScanModel
import cn.mcert.app.state.SignatureModel
import cn.mcert.app.state.UsageModel
import cn.mcert.app.state.ChangePinModel
import cn.mcert.app.state.ReportLostModel
import cn.mcert.app.state.ReissueModel
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
import java.nio.file.Files
import java.time.Duration
import java.time.Instant
import java.time.OffsetDateTime
import java.time.temporal.ChronoUnit
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.delay

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
        app.close()
        service.close()
        home.deleteRecursively()
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
        val newHome = Files.createTempDirectory("mcert-new-phone-").toFile()
        val newApp = McertApp(newHome.path, service.url, MemorySecrets())
        try {
            val phone2 = FfiCertCore(newApp)
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
            assertTrue(reset.setPin("975310"), "${reset.problem.value}")
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
            scan.submit("975310")
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
            scan.submit("975310")
            assertEquals(ScanModel.State.Done("开标解密", "completed"), scan.state.value)
            val (openCode, openOut) = session.finish()
            assertEquals(0, openCode, openOut)
            assertEquals(File(service.dir, "bid.txt").readText(), opened.readText())
        } finally {
            newApp.close()
            newHome.deleteRecursively()
        }
    }
}
