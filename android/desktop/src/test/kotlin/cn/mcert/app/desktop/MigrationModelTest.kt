package cn.mcert.app.desktop

import cn.mcert.app.core.AppError
import cn.mcert.app.state.CertificatesModel
import cn.mcert.app.state.MigrationInModel
import cn.mcert.app.state.MigrationModel
import cn.mcert.app.state.PinEntryModel
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** 【迁移到新手机】 (the old phone) and 【从旧手机迁移】 (the new phone) over the fake core. */
class MigrationModelTest {
    private val core = FakeCore()
    private val clipboard = FakeClipboard()
    private val old = MigrationModel(core, clipboard, pollMillis = 10)
    private val here = Samples.certificates[0]

    /** Types [pin] twice on [pad]; returns the completed PIN. */
    private fun typeTwice(pad: PinEntryModel, pin: String): String {
        (pin + pin).forEach { pad.press(it.digitToInt()) }
        return (pad.state.value as PinEntryModel.State.Complete).pin
    }

    @Test
    fun `which certificates move out and which move in`() = runBlocking {
        val certs = CertificatesModel(core)
        certs.refresh()
        val by = certs.items.value.associateBy { it.certificate.serial }
        assertTrue(by.getValue(here.serial).canMoveOut && !by.getValue(here.serial).canMoveIn)
        assertTrue(by.getValue("7C21D0E4A9B3F115").canMoveIn && !by.getValue("7C21D0E4A9B3F115").canMoveOut)
        assertFalse(by.getValue("1A0B9E77C4D2E360").canMoveIn || by.getValue("1A0B9E77C4D2E360").canMoveOut)
    }

    @Test
    fun `the old phone - the QR code, asked until the new phone comes, the same code, the PIN, done`() = runBlocking {
        old.start(here)
        assertEquals(MigrationModel.Step.Qr, old.step.value)
        assertEquals(LifeSamples.qr, old.qr.value)
        assertTrue(old.qrPng.value!!.isNotEmpty())
        old.copyCode()
        assertEquals(listOf(LifeSamples.qr), clipboard.copied)
        assertTrue(old.copied.value)
        // Asked every 10 ms (a second in the app) until the new phone asked.
        val watching = launch { old.watch() }
        repeat(3) { kotlinx.coroutines.delay(15) }
        assertEquals(MigrationModel.Step.Qr, old.step.value)
        assertTrue(core.calls.count { it == "migration:mv1" } >= 2, "${core.calls}")
        core.life.newPhoneAsks()
        withTimeout(2000) { while (old.step.value != MigrationModel.Step.Confirm) kotlinx.coroutines.delay(5) }
        assertEquals("482913", old.migration.value!!.code)
        // The QR code is kept from the start (later answers do not carry it).
        assertEquals(LifeSamples.qr, old.qr.value)
        old.codesMatch()
        assertEquals(MigrationModel.Step.Pin, old.step.value)
        kotlinx.coroutines.delay(30)
        assertEquals(MigrationModel.Step.Pin, old.step.value)
        assertFalse(old.approve("135791"))
        assertEquals(4, (old.pad.value.state.value as PinEntryModel.State.Entering).triesLeft)
        assertTrue(old.approve(core.goodPin))
        assertEquals(MigrationModel.Step.Done, old.step.value)
        withTimeout(2000) { watching.join() }
        // This phone keeps none of the slot's keys; the certificate is no longer here.
        val listed = core.certificates().first { it.serial == here.serial }
        assertFalse(listed.onThisDevice)
        assertTrue(core.localKeys().none { here.serial in it.serials })
    }

    @Test
    fun `the old phone - cancelled, expired, and a start that failed`() = runBlocking {
        old.start(here)
        assertTrue(old.cancel())
        assertEquals(MigrationModel.Step.Cancelled, old.step.value)
        assertFalse(old.waiting)
        // Cancelled by the new phone while the codes were being compared: approving says so.
        old.start(here)
        core.life.newPhoneAsks()
        old.poll()
        old.codesMatch()
        core.life.migration = core.life.migration!!.copy(status = "expired", statusLabel = "已过期")
        assertFalse(old.approve(core.goodPin))
        assertEquals("migration_closed", old.problem.value!!.code)
        assertEquals(MigrationModel.Step.Expired, old.step.value)
        core.life.refuse = AppError("network", "无法连接服务，请检查网络后重试")
        old.start(here)
        assertEquals(MigrationModel.Step.Failed, old.step.value)
        assertEquals("无法连接服务，请检查网络后重试", old.problem.value!!.message)
    }

    @Test
    fun `the new phone - the code, a new PIN twice, the same code, waiting rounds, done`() = runBlocking {
        val m = MigrationInModel(core, waitSecs = 1u, retryMillis = 1)
        m.start()
        m.code.value = "https://example.cn/not-a-move-code"
        assertFalse(m.next())
        assertEquals("migration_bad_code" to "code", m.problem.value!!.code to m.problem.value!!.field)
        assertEquals(MigrationInModel.Step.Code, m.step.value)
        assertTrue(m.scanned("  ${LifeSamples.qr}\n"))
        assertEquals(MigrationInModel.Step.NewPin, m.step.value)
        "111111".forEach { m.pad.value.press(it.digitToInt()) }
        assertTrue((m.pad.value.state.value as PinEntryModel.State.Entering).error!!.contains("过于简单"))
        assertTrue(m.pinEntered(typeTwice(m.pad.value, "864209")))
        assertEquals(MigrationInModel.Step.Waiting, m.step.value)
        assertEquals("482913", m.migration.value!!.code)
        assertEquals("k11", m.migration.value!!.newKeyId)
        // Two rounds of waiting time out before the old phone approves.
        core.life.timeouts = 2
        assertTrue(m.waitForApproval())
        assertEquals(3, core.calls.count { it == "finishMigration:mv2:k11" })
        assertEquals(MigrationInModel.Step.Done, m.step.value)
        assertEquals("9E5F3B7D1C2A4680", m.result.value!!.serial)
        assertEquals(listOf("9E5F3B7D1C2A4681"), m.result.value!!.encryptionSerials)
        val listed = core.certificates().associateBy { it.serial }
        assertTrue(listed.getValue("9E5F3B7D1C2A4680").onThisDevice)
        assertEquals("revoked", listed.getValue("7C21D0E4A9B3F115").status)
    }

    @Test
    fun `the new phone - a code the service refuses is asked again as typed, a cancelled move ends`() = runBlocking {
        val m = MigrationInModel(core, waitSecs = 1u, retryMillis = 1)
        m.start()
        val stale = LifeSamples.qr.dropLast(1) + "Q"
        m.code.value = stale
        assertTrue(m.next())
        assertFalse(m.pinEntered(typeTwice(m.pad.value, "864209")))
        assertEquals(MigrationInModel.Step.Code, m.step.value)
        assertEquals("migration_closed" to "code", m.problem.value!!.code to m.problem.value!!.field)
        assertEquals(stale, m.code.value)
        m.code.value = LifeSamples.qr
        assertTrue(m.next())
        assertNull(m.problem.value)
        assertTrue(m.pinEntered(typeTwice(m.pad.value, "864209")))
        core.life.approval = "cancelled"
        assertFalse(m.waitForApproval())
        assertEquals(MigrationInModel.Step.Ended, m.step.value)
        assertEquals("迁移已结束（已取消）", m.ended.value)
        // Cancelled from this phone while waiting.
        m.start()
        m.code.value = LifeSamples.qr
        m.next()
        m.pinEntered(typeTwice(m.pad.value, "864209"))
        assertTrue(m.cancel())
        assertEquals(MigrationInModel.Step.Ended, m.step.value)
        assertEquals("已取消", m.ended.value)
        assertTrue("cancelMigration:mv2" in core.calls, "${core.calls}")
    }

    @Test
    fun `the new phone - the camera reads the old phone's QR code, passing over frames without one`() = runBlocking {
        val m = MigrationInModel(core)
        m.start()
        assertFalse(m.wantsFrames, "no camera until 扫码")
        m.startScan()
        assertTrue(m.scanning.value && m.wantsFrames)
        // A frame without a QR code: quietly on; another QR code: said under the viewfinder.
        assertFalse(m.onFrame(ByteArray(640 * 480), 640, 480, 640))
        assertNull(m.hint.value)
        assertFalse(m.onFrame(LifeSamples.platformQr, 640, 480, 640))
        assertEquals("这不是迁移二维码", m.hint.value)
        assertTrue(m.scanning.value)
        m.torch.value = true
        assertTrue(m.onFrame(LifeSamples.qrPng, 640, 480, 640))
        assertFalse(m.scanning.value || m.torch.value || m.wantsFrames, "the camera stops once the code is read")
        assertEquals(LifeSamples.qr, m.code.value)
        assertEquals(MigrationInModel.Step.NewPin, m.step.value)
        assertEquals(3, core.calls.count { it == "readMoveCode" })
        // Later frames are not read.
        assertFalse(m.onFrame(LifeSamples.qrPng, 640, 480, 640))
        assertEquals(3, core.calls.count { it == "readMoveCode" })
        assertTrue(m.pinEntered(typeTwice(m.pad.value, "864209")))
        assertEquals(MigrationInModel.Step.Waiting, m.step.value)
        // Back from the viewfinder without a code: the page with the paste field again.
        m.start()
        m.startScan()
        m.stopScan()
        assertFalse(m.scanning.value)
        assertEquals(MigrationInModel.Step.Code, m.step.value)
    }

    @Test
    fun `the new phone - the code read from a picture, and a picture without one says so on the code`() = runBlocking {
        val m = MigrationInModel(core)
        m.start()
        assertFalse(m.onImage(samplePng))
        assertEquals("no_qr_code" to "code", m.problem.value!!.code to m.problem.value!!.field)
        assertEquals("", m.code.value)
        assertFalse(m.onImage(LifeSamples.platformQr))
        assertEquals("not_a_migration_code", m.problem.value!!.code)
        assertTrue(m.onImage(LifeSamples.qrPng))
        assertNull(m.problem.value)
        assertEquals(LifeSamples.qr, m.code.value)
        assertEquals(MigrationInModel.Step.NewPin, m.step.value)
    }
}
