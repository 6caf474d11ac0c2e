package cn.mcert.app.desktop

import cn.mcert.app.core.AppError
import cn.mcert.app.state.CertificatesModel
import cn.mcert.app.state.PinEntryModel
import cn.mcert.app.state.RenewalModel
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** 【证书延期】 as a state holder over the fake core. */
class RenewalModelTest {
    private val core = FakeCore()
    private val model = RenewalModel(core)
    private val personal = Samples.certificates[0].serial
    private val organisation = Samples.certificates[1].serial

    /** The slot [id] in its last three months. */
    private fun renewable(id: String) {
        core.life.slots = core.life.slots.map { if (it.id == id) it.copy(renewable = true) else it }
    }

    @Test
    fun `the detail offers it in the last three months, for a key on this phone`() = runBlocking {
        val certs = CertificatesModel(core)
        certs.refresh()
        assertTrue(certs.items.value.none { it.canRenew })
        renewable("e1")
        renewable("e2")
        certs.refresh()
        val by = certs.items.value.associateBy { it.certificate.serial }
        assertTrue(by.getValue(personal).canRenew)
        assertEquals("2027-03-01T02:00:00Z", by.getValue(personal).certificate.validUntil)
        // Its key is on another phone: renewed there (or reissued here first).
        assertFalse(by.getValue(organisation).canRenew)
    }

    @Test
    fun `a person - the period chosen, the order's amount, paid, the PIN, the renewed certificate`() = runBlocking {
        renewable("e1")
        model.start(personal)
        assertEquals(RenewalModel.Step.Choose, model.step.value)
        assertFalse(model.organisation)
        // Before the order: the catalogue's price as an estimate.
        assertTrue(model.chooseYears(2))
        assertEquals(12_000L, model.amountFen())
        assertTrue(model.order())
        assertEquals(RenewalModel.Step.Pay, model.step.value)
        assertEquals(12_000L, model.order.value!!.amountFen)
        assertEquals("2029-03-01T02:00:00Z", model.validUntil.value)
        // Changing the period changes the order (the amount is the order's).
        assertTrue(model.chooseYears(3))
        assertEquals(3L to 18_000L, model.order.value!!.years to model.amountFen())
        assertTrue("startRenewal:e1:3" in core.calls, "${core.calls}")
        assertFalse(model.chooseYears(4))
        assertEquals(3L, model.years.value)
        assertTrue(model.pay())
        assertEquals(RenewalModel.Step.Pin, model.step.value)
        assertTrue(model.notice.value!!.contains("已支付"), model.notice.value)
        // A wrong PIN: the pad says how many tries are left.
        assertFalse(model.pinEntered("135791"))
        val asked = model.pad.value.state.value as PinEntryModel.State.Entering
        assertEquals(4, asked.triesLeft)
        assertEquals(RenewalModel.Step.Pin, model.step.value)
        assertTrue(model.pinEntered(core.goodPin))
        assertEquals(RenewalModel.Step.Done, model.step.value)
        assertEquals("8D4E2A6C0B1F3957", model.result.value!!.serial)
        val listed = core.certificates().associateBy { it.serial }
        assertEquals("revoked", listed.getValue(personal).status)
        assertEquals("good", listed.getValue("8D4E2A6C0B1F3957").status)
        assertEquals("2030-03-01T02:00:00Z", listed.getValue("8D4E2A6C0B1F3957").notAfter)
    }

    @Test
    fun `a renewal paid before goes straight to the PIN`() = runBlocking {
        core.life.slots = core.life.slots.map { if (it.id == "e1") it.copy(renewalDue = true) else it }
        model.start(personal)
        assertEquals(RenewalModel.Step.Pin, model.step.value)
        assertTrue(model.pinEntered(core.goodPin))
        assertEquals(RenewalModel.Step.Done, model.step.value)
    }

    @Test
    fun `before the window the page says from when, and the service's refusal is shown as it says`() = runBlocking {
        core.life.slots = core.life.slots.map { if (it.id == "e1") it.copy(validUntil = "2031-03-01T02:00:00Z") else it }
        model.start(personal)
        assertEquals(RenewalModel.Step.NotYet, model.step.value)
        assertTrue(model.notice.value!!.contains("2030-12-01"), model.notice.value)
        // The slot said renewable, the service (its clock) says not yet.
        renewable("e1")
        model.start(personal)
        core.life.slots = core.life.slots.map { if (it.id == "e1") it.copy(renewable = false) else it }
        assertFalse(model.order())
        assertEquals(RenewalModel.Step.NotYet, model.step.value)
        assertTrue(model.notice.value!!.contains("2026-12-01"), model.notice.value)
    }

    @Test
    fun `a failure keeps the chosen period and shows the service's message`() = runBlocking {
        renewable("e1")
        model.start(personal)
        model.chooseYears(2)
        core.life.refuse = AppError("network", "无法连接服务，请检查网络后重试")
        assertFalse(model.order())
        assertEquals(RenewalModel.Step.Choose, model.step.value)
        assertEquals(2L, model.years.value)
        assertEquals("无法连接服务，请检查网络后重试", model.problem.value!!.message)
        core.life.refuse = null
        assertTrue(model.order())
        assertNull(model.problem.value)
        // Once ordered, a period the service did not take leaves the order as it was.
        core.life.refuse = AppError("network", "无法连接服务，请检查网络后重试")
        assertFalse(model.chooseYears(3))
        assertEquals(2L to 2L, model.years.value to model.order.value!!.years)
        assertEquals(RenewalModel.Step.Pay, model.step.value)
    }

    @Test
    fun `an organisation's certificate takes a package slot and goes to the PIN, or is told to ask the admin`() = runBlocking {
        // The organisation certificate's key on this phone.
        core.certificates = core.certificates.map { if (it.serial == organisation) it.copy(onThisDevice = true) else it }
        renewable("e2")
        model.start(organisation)
        assertEquals(RenewalModel.Step.Choose, model.step.value)
        assertTrue(model.organisation)
        assertTrue(model.order())
        assertEquals(RenewalModel.Step.Pin, model.step.value)
        assertNull(model.order.value)
        assertTrue(model.notice.value!!.contains("单位套餐"), model.notice.value)
        assertEquals("2028-01-10T02:00:00Z", model.validUntil.value)

        // No package slot left: the admin buys one; nothing to pay here.
        core.life.slots = core.life.slots.map { if (it.id == "e2") it.copy(renewalDue = false, renewable = true) else it }
        core.life.packageFree = 0
        model.start(organisation)
        assertFalse(model.order())
        assertEquals(RenewalModel.Step.AskAdmin, model.step.value)
        assertEquals("单位没有可用于延期的证书套餐，请联系单位证书管理员购买", model.notice.value)
        assertNull(model.order.value)
    }

    @Test
    fun `a certificate whose key is elsewhere is renewed there`() = runBlocking {
        renewable("e2")
        model.start(organisation)
        assertEquals(RenewalModel.Step.Unavailable, model.step.value)
        assertTrue(model.notice.value!!.contains("不在本机"), model.notice.value)
        assertTrue(core.calls.none { it.startsWith("startRenewal") })
    }
}
