package cn.mcert.app.desktop

import cn.mcert.app.core.Language
import cn.mcert.app.core.Texts
import cn.mcert.app.state.ScanModel
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** The confirm step's expiry guard: a certificate expiring before the bid opening is warned about. */
class ScanModelTest {
    private val core = FakeCore()
    private val model = ScanModel(core)

    @AfterEach
    fun zh() = Texts.use(Language.ZH)

    private fun confirm() = model.state.value as ScanModel.State.Confirm

    @Test
    fun `the picked certificate expiring before the opening is warned about, the other is not`() = runBlocking {
        core.scanRequest = Samples.expiringRequest
        model.onImage(ByteArray(0))
        // Two certificates: nothing picked yet, nothing to warn about.
        assertNull(confirm().selected)
        assertNull(confirm().expiryWarning)
        model.select("5F3A9C2E7B1D40A8")
        assertEquals("5F3A9C2E7B1D40A8", confirm().expiring?.serial)
        assertEquals(
            "该证书将于 2027-03-01 到期，早于本项目开标时间 2027-04-15 09:30。开标时需用本证书解密投标文件，请先办理证书延期，或选择其他证书。",
            confirm().expiryWarning,
        )
        Texts.use(Language.EN)
        assertTrue(confirm().expiryWarning!!.startsWith("This certificate expires on 2027-03-01, before this project's bid opening on 2027-04-15 09:30."))
        model.select("6B2C0D9E1F3A4B57")
        assertNull(confirm().expiring)
        assertNull(confirm().expiryWarning)
        // The warning does not block: the expiring certificate still goes on to its PIN.
        model.select("5F3A9C2E7B1D40A8")
        model.proceed()
        assertEquals("5F3A9C2E7B1D40A8", (model.state.value as ScanModel.State.EnterPin).serial)
    }

    @Test
    fun `the only certificate is picked and warned about at once, and nothing without an opening time`() = runBlocking {
        core.scanRequest = Samples.expiringRequest.copy(choices = Samples.expiringRequest.choices.take(1))
        model.onImage(ByteArray(0))
        assertEquals("5F3A9C2E7B1D40A8", confirm().selected)
        assertTrue(confirm().expiryWarning!!.contains("2027-04-15 09:30"))
        model.reset()
        core.scanRequest = Samples.scanRequest
        model.onImage(ByteArray(0))
        assertNull(confirm().view.openingAt)
        assertNull(confirm().expiryWarning)
    }

    @Test
    fun `a stamp warns about the certificate of the picked seal`() = runBlocking {
        val stamp = Samples.stampRequest
        core.scanRequest = stamp.copy(openingAt = "2026-03-01T01:30:00Z", choices = stamp.choices.map { it.copy(expiresBeforeOpening = true) })
        model.onImage(ByteArray(0))
        assertNull(confirm().expiryWarning)
        model.select("seal1")
        assertEquals("7C21D0E4A9B3F115", confirm().expiring?.serial)
        assertTrue(confirm().expiryWarning!!.contains("2026-01-10"))
    }
}
