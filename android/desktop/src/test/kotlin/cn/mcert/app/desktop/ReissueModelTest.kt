package cn.mcert.app.desktop

import cn.mcert.app.core.KeyAlgorithm
import cn.mcert.app.core.LocalKey
import cn.mcert.app.core.ReissueKind
import cn.mcert.app.state.CertificatesModel
import cn.mcert.app.state.PinEntryModel
import cn.mcert.app.state.ReissueModel
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** 【证书补办】 and 【忘记密码】 as state holders over the fake core. */
class ReissueModelTest {
    private val core = FakeCore()
    private val model = ReissueModel(core)

    private fun fill(name: String = "张三", id: String = "110101199003070011", phone: String = "13600005678") {
        model.identity.name.value = name
        model.identity.idNumber.value = id
        model.identity.phone.value = phone
    }

    /** Types [pin] twice on the model's pad; returns the completed PIN. */
    private fun typeTwice(pin: String): String {
        val pad = model.pad.value
        (pin + pin).forEach { pad.press(it.digitToInt()) }
        return (pad.state.value as PinEntryModel.State.Complete).pin
    }

    @Test
    fun `which certificates offer 补办 and 忘记密码`() = runBlocking {
        val certs = CertificatesModel(core)
        certs.refresh()
        val by = certs.items.value.associateBy { it.certificate.serial }
        // On this phone and good: 忘记密码, not 补办.
        assertTrue(by.getValue("5F3A9C2E7B1D40A8").canResetPin)
        assertFalse(by.getValue("5F3A9C2E7B1D40A8").canReissue)
        // Its key on another phone: 补办.
        assertTrue(by.getValue("7C21D0E4A9B3F115").canReissue)
        assertFalse(by.getValue("7C21D0E4A9B3F115").canResetPin)
        // Expired: neither (its period is over).
        assertFalse(by.getValue("1A0B9E77C4D2E360").canReissue || by.getValue("1A0B9E77C4D2E360").canResetPin)
        // A locked key may still be reset; one reported lost is reissued; one reissued already is neither.
        core.keys = listOf(LocalKey("k1", KeyAlgorithm.SM2, "active", 0, true, listOf("5F3A9C2E7B1D40A8")))
        core.certificates = core.certificates.map {
            when (it.serial) {
                "7C21D0E4A9B3F115" -> it.copy(status = "revoked")
                "1A0B9E77C4D2E360" -> it.copy(status = "revoked", current = false)
                else -> it
            }
        }
        certs.refresh()
        val after = certs.items.value.associateBy { it.certificate.serial }
        assertEquals("locked", after.getValue("5F3A9C2E7B1D40A8").state)
        assertTrue(after.getValue("5F3A9C2E7B1D40A8").canResetPin)
        assertTrue(after.getValue("7C21D0E4A9B3F115").canReissue)
        assertFalse(after.getValue("1A0B9E77C4D2E360").canReissue)
    }

    @Test
    fun `补办 - the form checked, the face check, the new PIN twice, the new certificate`() = runBlocking {
        val old = Samples.certificates[1]
        model.start(old, ReissueKind.NEW_DEVICE)
        assertEquals(ReissueModel.Step.Verify, model.step.value)
        // Refused here before any face check: the field is named.
        fill(id = "110101199003070012")
        assertFalse(model.verify { error("no face check for a wrong form") })
        assertEquals("bad_id_number" to "id_number", model.problem.value!!.code to model.problem.value!!.field)
        fill()
        assertFalse(model.verify { "not-live" })
        assertEquals("not_live", model.problem.value!!.code)
        assertEquals(ReissueModel.Step.Verify, model.step.value)
        assertTrue(model.verify { "dev-live-ok" })
        assertNull(model.problem.value)
        assertEquals(ReissueModel.Step.NewPin, model.step.value)
        // The PIN policy and the confirmation come from the pad, as for 下载证书.
        "111111".forEach { model.pad.value.press(it.digitToInt()) }
        assertTrue((model.pad.value.state.value as PinEntryModel.State.Entering).error!!.contains("过于简单"))
        assertTrue(model.pinEntered(typeTwice("864209")))
        assertEquals(ReissueModel.Step.Done, model.step.value)
        assertFalse(model.busy.value)
        val result = model.result.value!!
        assertEquals("6B2C0D9E1F3A4B57", result.serial)
        assertEquals(listOf("6B2C0D9E1F3A4B58"), result.encryptionSerials)
        assertTrue("reissue:e2:SM2:NEW_DEVICE" in core.calls, "${core.calls}")
        val listed = core.certificates().associateBy { it.serial }
        assertEquals("revoked", listed.getValue(old.serial).status)
        assertTrue(listed.getValue(result.serial).onThisDevice)
    }

    @Test
    fun `忘记密码 - a spent or stale verification sends the user back to verify, the form kept`() = runBlocking {
        val cert = Samples.certificates[0]
        model.start(cert, ReissueKind.PIN_RESET)
        fill()
        assertTrue(model.verify { "dev-live-ok" })
        // The service no longer counts it (10 minutes passed, or it served a reissue).
        core.verifiedForReissue = false
        assertFalse(model.pinEntered(typeTwice("864209")))
        assertEquals(ReissueModel.Step.Verify, model.step.value)
        assertEquals("reissue_reverify", model.problem.value!!.code)
        assertTrue(model.problem.value!!.message.contains("重新完成实名认证"), model.problem.value!!.message)
        assertEquals("张三", model.identity.name.value)
        assertTrue(core.calls.none { it.startsWith("reissue:") })
        assertTrue(model.verify { "dev-live-ok" })
        assertEquals(ReissueModel.Step.NewPin, model.step.value)
        assertTrue(model.pinEntered(typeTwice("864209")))
        assertTrue("reissue:e1:SM2:PIN_RESET" in core.calls, "${core.calls}")
        // Started again: a clean form, the first step.
        model.start(Samples.certificates[1], ReissueKind.NEW_DEVICE)
        assertEquals("" to ReissueModel.Step.Verify, model.identity.name.value to model.step.value)
        assertNull(model.result.value)
    }
}
