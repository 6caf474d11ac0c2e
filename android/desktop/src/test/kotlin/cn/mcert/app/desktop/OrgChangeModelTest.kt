package cn.mcert.app.desktop

import cn.mcert.app.core.AppError
import cn.mcert.app.core.PickedFile
import cn.mcert.app.state.CertificatesModel
import cn.mcert.app.state.OrgApplyModel
import cn.mcert.app.state.OrgChangeModel
import cn.mcert.app.state.OrdersModel
import cn.mcert.app.state.PinEntryModel
import cn.mcert.app.state.RenewalModel
import cn.mcert.app.state.orderNewNameText
import cn.mcert.app.state.productText
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** 【证书变更】 and 【下载变更后的证书】 as state holders over the fake core. */
class OrgChangeModelTest {
    private val core = FakeCore()
    private val model = OrgChangeModel(core)
    private val admin = OrgSamples.admin
    private val newName = "青海某某新能源建设有限公司"
    private val orgCert = Samples.certificates[1].serial

    private fun state() = model.state.value
    private fun problem() = (state() as OrgChangeModel.State.Failed).problem

    /** The form filled: the new name and the licence. */
    private fun filled() {
        model.newName.value = "  $newName "
        model.pickLicence(PickedFile("营业执照.jpg", sampleJpeg))
    }

    /** A change submitted and approved by the reviewer: the order waiting for payment. */
    private suspend fun approved(): String {
        model.load(admin)
        filled()
        assertTrue(model.submit(), "${state()}")
        val id = model.orders.value.first().id
        core.orgs.reviewChange(id)
        model.refresh()
        return id
    }

    @Test
    fun `the form is checked here first - the name, the same name, the licence, the files`() = runBlocking {
        model.load(admin)
        assertTrue(model.mayRequest())
        assertFalse(model.submit())
        assertEquals("bad_org_name" to "name", problem().code to problem().field)
        model.newName.value = admin.name
        assertFalse(model.submit())
        assertEquals("org_change_same_name", problem().code)
        model.newName.value = newName
        assertFalse(model.submit())
        assertEquals("org_change_pick_licence" to "licence", problem().code to problem().field)
        model.pickLicence(PickedFile("营业执照.txt", "not a picture".toByteArray()))
        assertEquals("file_type" to "licence", problem().code to problem().field)
        assertNull(model.licence.value)
        repeat(OrgChangeModel.MAX_OTHERS) { model.addOther(PickedFile("变更通知书$it.png", samplePng)) }
        model.addOther(PickedFile("多余.png", samplePng))
        assertEquals("org_change_too_many_files" to "others", problem().code to problem().field)
        assertEquals(OrgChangeModel.MAX_OTHERS, model.others.value.size)
        model.removeOther(0)
        assertEquals(OrgChangeModel.MAX_OTHERS - 1, model.others.value.size)
        assertTrue(core.calls.none { it.startsWith("upload") || it.startsWith("requestOrgChange") }, "${core.calls}")
    }

    @Test
    fun `submitted - the licence uploaded first, then the others, and the change in review, one at a time`() = runBlocking {
        model.load(admin)
        filled()
        model.addOther(PickedFile("变更通知书.png", samplePng))
        assertTrue(model.submit(), "${state()}")
        val uploads = core.calls.filter { it.startsWith("upload:") }
        assertEquals(listOf("upload:business_licence", "upload:other"), uploads)
        assertTrue("requestOrgChange:$newName:u1,u2" in core.calls, "${core.calls}")
        val order = (state() as OrgChangeModel.State.Submitted).order
        assertEquals("pending_review" to newName, order.status to order.newName)
        assertEquals(listOf(order.id), model.orders.value.map { it.id })
        assertEquals("", model.newName.value)
        assertNull(model.licence.value)
        assertTrue(model.others.value.isEmpty())
        // In review: no second change.
        assertEquals(order.id, model.openChange?.id)
        assertFalse(model.mayRequest())
        filled()
        assertFalse(model.submit())
        assertEquals("org_change_open", problem().code)
        // 申请单位证书 lists only applications for certificates: the change is not one to resubmit.
        val apply = OrgApplyModel(core)
        apply.load(admin)
        assertTrue(apply.orders.value.none { it.id == order.id })
        core.orgs.reviewChange(order.id, "营业执照上的名称与填写的不一致")
        apply.load(admin)
        assertNull(apply.rejected)
    }

    @Test
    fun `the service's refusal is shown in its words, a name too long is refused on its field`() = runBlocking {
        model.load(admin)
        filled()
        core.orgs.orders.getValue(admin.id).add(0, OrgSamples.change.copy(id = "elsewhere"))
        assertFalse(model.submit())
        assertEquals("change_pending" to "本单位已有一份变更申请在审核或待支付中", problem().code to problem().message)
        core.orgs.orders.getValue(admin.id).removeAt(0)
        model.newName.value = "青海某某" + "很长".repeat(60)
        model.pickLicence(PickedFile("营业执照.jpg", sampleJpeg))
        assertFalse(model.submit())
        assertEquals("bad_org_name" to "name", problem().code to problem().field)
    }

    @Test
    fun `rejected - the reason shown, and a new change may be submitted`() = runBlocking {
        model.load(admin)
        filled()
        model.submit()
        val id = model.orders.value.first().id
        core.orgs.reviewChange(id, "营业执照照片不清晰")
        model.refresh()
        assertEquals(OrgChangeModel.State.Editing, state())
        val rejected = model.orders.value.single()
        assertEquals("rejected" to "营业执照照片不清晰", rejected.status to rejected.rejectReason)
        assertNull(model.openChange)
        assertTrue(model.mayRequest())
        filled()
        assertTrue(model.submit(), "${state()}")
        assertEquals(2, model.orders.value.size)
    }

    @Test
    fun `approved, paid here - the new name, the seals void, each certificate's change due and no renewal meanwhile`() = runBlocking {
        val id = approved()
        val order = model.orders.value.single { it.id == id }
        assertEquals("awaiting_payment", order.status)
        assertTrue(order.canPayOnline && order.canPayByTransfer)
        // 购买信息修改 is not offered: a change's period is fixed.
        assertFalse(order.canChange)
        assertEquals("证书变更", productText(order))
        assertEquals("变更为：$newName", orderNewNameText(order))
        assertEquals("变更为：$newName", OrdersModel(core).row(order).newName)
        assertTrue(model.pay(order), "${state()}")
        assertTrue("pay:$id" in core.calls)
        assertTrue(state() is OrgChangeModel.State.Paid, "${state()}")
        assertEquals(newName, model.org.value!!.name)
        assertEquals("completed", model.orders.value.single().status)
        assertTrue(core.sealCore.seals.all { it.status == "void" && it.voidReason == "org_changed" })

        core.certificates = core.certificates.map { if (it.serial == orgCert) it.copy(onThisDevice = true) else it }
        core.life.slots = core.life.slots.map { if (it.id == "e2") it.copy(renewable = true) else it }
        val certs = CertificatesModel(core)
        certs.refresh()
        val item = certs.items.value.single { it.certificate.serial == orgCert }
        assertTrue(item.changeDue)
        assertFalse(item.canRenew, "no 证书延期 while the changed certificate waits")
        assertEquals(newName, item.certificate.orgName)
        assertEquals(listOf(orgCert), certs.changesDue().map { it.certificate.serial })
    }

    @Test
    fun `the changed certificate - the PIN, the same key, the new name, and the way to the void seals`() = runBlocking {
        val id = approved()
        assertTrue(model.pay(model.orders.value.single { it.id == id }), "${state()}")
        core.certificates = core.certificates.map { if (it.serial == orgCert) it.copy(onThisDevice = true) else it }
        core.keys = core.keys + cn.mcert.app.core.LocalKey("k2", cn.mcert.app.core.KeyAlgorithm.SM2, "active", 5, false, listOf(orgCert))
        val renewal = RenewalModel(core)
        renewal.start(orgCert)
        assertTrue(renewal.change.value)
        assertEquals(RenewalModel.Step.Pin, renewal.step.value)
        assertTrue(renewal.notice.value!!.contains("单位名称已变更"), renewal.notice.value)
        assertEquals(newName, renewal.slot.value!!.orgName)
        // Nothing to order or pay for a change.
        assertFalse(renewal.order())
        assertTrue(core.calls.none { it.startsWith("startRenewal") })
        assertFalse(renewal.pinEntered("135791"))
        assertEquals(4, (renewal.pad.value.state.value as PinEntryModel.State.Entering).triesLeft)
        assertTrue(renewal.pinEntered(core.goodPin), "${renewal.problem.value}")
        assertEquals(RenewalModel.Step.Done, renewal.step.value)
        assertEquals(admin.id, renewal.changedOrganisation.value!!.id)
        assertTrue(renewal.changedOrganisation.value!!.isAdmin)

        val certs = CertificatesModel(core)
        certs.refresh()
        val by = certs.items.value.associateBy { it.certificate.serial }
        val fresh = by.getValue(renewal.result.value!!.serial)
        assertEquals(newName, fresh.subject.organisationShown)
        assertFalse(fresh.changeDue)
        assertEquals("k2", fresh.key!!.id)
        assertEquals("revoked", by.getValue(orgCert).certificate.status)
        assertTrue(certs.changesDue().isEmpty())
    }

    @Test
    fun `a changed certificate whose key is elsewhere is downloaded there`() = runBlocking {
        core.life.orgRenamed(admin.id, newName)
        val renewal = RenewalModel(core)
        renewal.start(orgCert)
        assertTrue(renewal.change.value)
        assertEquals(RenewalModel.Step.Unavailable, renewal.step.value)
        assertTrue(renewal.notice.value!!.contains("下载变更后的证书"), renewal.notice.value)
        assertTrue(core.calls.none { it.startsWith("renew") })
    }

    @Test
    fun `a certificate user may not apply, nor may an organisation before its authorisation`() = runBlocking {
        model.load(OrgSamples.user)
        assertFalse(model.mayRequest())
        assertTrue(model.orders.value.isEmpty())
        filled()
        assertFalse(model.submit())
        assertEquals("admin_only", problem().code)
        val unauthorised = admin.copy(authorisation = OrgSamples.unauthorised)
        model.load(unauthorised)
        filled()
        assertFalse(model.submit())
        assertEquals("authorise_first", problem().code)
        core.orgs.failure = AppError("network", "无法连接服务，请检查网络后重试")
        model.load(admin)
        assertEquals("无法连接服务，请检查网络后重试", problem().message)
    }
}
