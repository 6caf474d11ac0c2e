package cn.mcert.app.desktop

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.assertTextContains
import androidx.compose.ui.test.onAllNodesWithTag
import androidx.compose.ui.test.onAllNodesWithText
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.performTextReplacement
import androidx.compose.ui.test.runComposeUiTest
import cn.mcert.app.core.Language
import cn.mcert.app.core.PickedFile
import cn.mcert.app.core.Texts
import cn.mcert.app.ui.Files
import cn.mcert.app.ui.Route
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** The organisation pages driven through their semantics over the fake core. */
@OptIn(ExperimentalTestApi::class)
class OrgFlowsTest {
    @AfterEach
    fun reset() {
        Texts.use(Language.ZH)
        Files.pick = { null }
        Files.save = { _, _, _ -> false }
    }

    private fun count(calls: List<String>, prefix: String) = calls.count { it.startsWith(prefix) }

    @Test
    fun `register from 授权管理, then the letter - template, photo, submit, 审批进度 pending`() = runComposeUiTest {
        val phone = Phone(start = Route.Home)
        var saved: Pair<String, ByteArray>? = null
        Files.save = { name, _, bytes -> saved = name to bytes; true }
        Files.pick = { PickedFile("授权书.png", samplePng) }
        setContent { phone.Content() }
        onNodeWithTag("entry_Authorization").performClick()
        waitForIdle()
        assertEquals(Route.Orgs, phone.nav.current)
        onNodeWithText("青海某某建设工程有限公司").assertIsDisplayed()
        onNodeWithText("证书使用人").assertIsDisplayed()
        onNodeWithTag("org_register").performClick()
        waitForIdle()
        onNodeWithTag("org_name").performTextInput("西宁某某工程有限公司")
        // A wrong check character is shown as soon as the 18 characters are in.
        onNodeWithTag("org_code").performTextInput("91630100ma7abcde1f")
        waitForIdle()
        onNodeWithText("统一社会信用代码不正确，请核对 18 位代码").assertIsDisplayed()
        onNodeWithTag("legal_rep_name").performTextInput("王总")
        onNodeWithTag("legal_rep_id").performTextInput("110101197511110041")
        onNodeWithTag("org_submit").performClick()
        waitForIdle()
        assertEquals(0, count(phone.core.calls, "registerOrg"), "refused before the service: ${phone.core.calls}")
        onNodeWithTag("org_code").performTextReplacement(OrgSamples.admin.creditCode)
        // That code is taken: the service's message.
        onNodeWithTag("org_submit").performClick()
        waitForIdle()
        onNodeWithText("该单位已注册，请联系单位的证书管理员").assertIsDisplayed()
        onNodeWithTag("org_code").performTextReplacement("91630100MA7ABCDE1W")
        onNodeWithTag("org_submit").performClick()
        waitForIdle()
        assertEquals(Route.OrgDetail, phone.nav.current)
        onNodeWithTag("org_header").assertIsDisplayed()
        onNodeWithText("西宁某某工程有限公司").assertIsDisplayed()
        onNodeWithText("请先进行 CA 授权，授权通过后才能申请证书").assertIsDisplayed()
        onNodeWithTag("open_authorisation").performClick()
        waitForIdle()
        assertEquals(Route.OrgAuthorisation, phone.nav.current)
        onNodeWithTag("step_0_current").assertIsDisplayed()
        onNodeWithTag("download_template").performClick()
        waitForIdle()
        onNodeWithText("模板已保存").assertIsDisplayed()
        assertEquals("authorisation-letter.pdf", saved!!.first)
        assertTrue(String(saved!!.second).startsWith("%PDF"))
        onNodeWithTag("pick_letter").performClick()
        waitForIdle()
        onNodeWithTag("pick_letter_name").assertTextContains("授权书.png", substring = true)
        onNodeWithTag("auth_submit").performClick()
        waitForIdle()
        assertTrue("upload:authorisation_letter" in phone.core.calls, "${phone.core.calls}")
        assertTrue("submitLetter:u1" in phone.core.calls, "${phone.core.calls}")
        onNodeWithTag("auth_status").assertTextContains("审核中")
        onNodeWithTag("step_0_done").assertIsDisplayed()
        onNodeWithTag("step_1_current").assertIsDisplayed()
        onNodeWithTag("auth_pending").assertIsDisplayed()
        assertEquals(0, onAllNodesWithTag("auth_submit").fetchSemanticsNodes().size, "no second submission while in review")
        onNodeWithTag("back").performClick()
        waitForIdle()
        assertEquals(Route.OrgDetail, phone.nav.current)
        onNodeWithText("查看进度").assertIsDisplayed()
        phone.close()
    }

    @Test
    fun `an admin adds a member after a checked form, a user is not offered granting`() = runComposeUiTest {
        val phone = Phone(start = Route.OrgMembers)
        phone.models.orgs.open(OrgSamples.admin)
        setContent { phone.Content() }
        waitForIdle()
        onNodeWithTag("member_m2").assertIsDisplayed()
        onNodeWithText("尚未登录").assertIsDisplayed()
        onNodeWithTag("add_member").performClick()
        waitForIdle()
        assertEquals(Route.OrgMemberAdd, phone.nav.current)
        onNodeWithTag("member_name").performTextInput("赵六")
        onNodeWithTag("member_id_number").performTextInput("110101199003030037")
        onNodeWithTag("member_phone").performTextInput("13800000009")
        onNodeWithTag("member_role_ADMIN").performClick()
        onNodeWithTag("member_submit").performClick()
        waitForIdle()
        onNodeWithText("身份证号不正确，请核对 18 位号码").assertIsDisplayed()
        assertEquals(0, count(phone.core.calls, "addMember"))
        onNodeWithTag("member_id_number").performTextReplacement("110101199003030036")
        onNodeWithTag("member_submit").performClick()
        waitForIdle()
        assertTrue("addMember:13800000009:ADMIN" in phone.core.calls, "${phone.core.calls}")
        assertEquals(Route.OrgMembers, phone.nav.current)
        onNodeWithText("赵六").assertIsDisplayed()
        // Removing asks first; the member holding a certificate stays (the service's refusal).
        onNodeWithTag("remove_m2").performClick()
        waitForIdle()
        onNodeWithText("确定移除 李工 吗？移除后该成员将不能再申领本单位的证书").assertIsDisplayed()
        onNodeWithTag("confirm_ok").performClick()
        waitForIdle()
        onNodeWithText("该成员仍持有证书，请先把证书分配给其他人").assertIsDisplayed()
        phone.close()

        val user = Phone(start = Route.OrgDetail)
        user.models.orgs.open(OrgSamples.user)
        setContent { user.Content() }
        waitForIdle()
        onNodeWithText("您是本单位的证书使用人，无授权管理权限。如需申请或分配证书，请联系证书管理员").assertIsDisplayed()
        for (tag in listOf("org_apply", "org_members", "org_certificates", "open_authorisation")) {
            assertEquals(0, onAllNodesWithTag(tag).fetchSemanticsNodes().size, tag)
        }
        onNodeWithTag("org_usage").assertIsDisplayed()
        user.nav.go(Route.OrgMembers)
        waitForIdle()
        onNodeWithText("证书使用人无法对新成员授权").assertIsDisplayed()
        assertEquals(0, onAllNodesWithTag("add_member").fetchSemanticsNodes().size)
        assertEquals(0, count(user.core.calls, "members:"), "a user's page asks the service nothing it would refuse")
        user.close()
    }

    @Test
    fun `changing the holder of a downloaded certificate asks first and says it will be revoked`() = runComposeUiTest {
        val phone = Phone(start = Route.OrgCertificates)
        phone.models.orgs.open(OrgSamples.admin)
        setContent { phone.Content() }
        waitForIdle()
        onNodeWithTag("slot_e1").assertIsDisplayed()
        onNodeWithText("已使用").assertIsDisplayed()
        onNodeWithText("所属人：暂未分配").assertIsDisplayed()
        onNodeWithTag("change_holder_e1").performClick()
        waitForIdle()
        onNodeWithTag("pick_m2").performClick()
        waitForIdle()
        onNodeWithText("确定把持有人改为 李工 吗？").assertIsDisplayed()
        onNodeWithTag("confirm_warning").assertTextContains("张三 已下载的证书将被吊销且无法恢复，新持有人需重新申领下载")
        onNodeWithTag("confirm_cancel").performClick()
        waitForIdle()
        assertEquals(0, count(phone.core.calls, "setHolder"), "cancelled: nothing changed")
        onNodeWithTag("change_holder_e1").performClick()
        waitForIdle()
        onNodeWithTag("pick_m2").performClick()
        waitForIdle()
        onNodeWithTag("confirm_ok").performClick()
        waitForIdle()
        assertTrue("setHolder:e1:m2" in phone.core.calls, "${phone.core.calls}")
        // The card shows the new holder; the old one is gone.
        assertEquals(0, onAllNodesWithText("张三  139****0000").fetchSemanticsNodes().size)
        onAllNodesWithText("李工  138****0002")[0].assertIsDisplayed()
        assertEquals("李工", phone.models.orgCertificates.items.value.first { it.entitlementId == "e1" }.holder?.name)

        // The owner of a personal slot: set once, after the warning.
        onNodeWithTag("set_owner_e3").performClick()
        waitForIdle()
        assertEquals(Route.OrgOwner, phone.nav.current)
        onNodeWithTag("owner_id").performTextInput("110101199003030036")
        onNodeWithTag("owner_name").performTextInput("王五")
        onNodeWithTag("holder_m3").performClick()
        onNodeWithTag("owner_save").performClick()
        waitForIdle()
        onNodeWithText("确定要提交吗？个人证书的所属人员请务必填写本人姓名，否则证书在导入后会无法使用").assertIsDisplayed()
        onNodeWithTag("confirm_ok").performClick()
        waitForIdle()
        assertTrue("setOwner:e3:王五" in phone.core.calls && "setHolder:e3:m3" in phone.core.calls, "${phone.core.calls}")
        assertEquals(Route.OrgCertificates, phone.nav.current)
        onNodeWithText("所属人：王五").assertIsDisplayed()
        assertEquals(0, onAllNodesWithTag("set_owner_e3").fetchSemanticsNodes().size, "the owner is fixed once set")
        phone.close()
    }

    @Test
    fun `a rejected application shows its reason and goes back with a new licence`() = runComposeUiTest {
        val phone = Phone(start = Route.OrgApply)
        phone.core.orgs.orders.getValue("org1").add(0, OrgSamples.rejectedOrder)
        phone.models.orgs.open(OrgSamples.admin)
        Files.pick = { PickedFile("营业执照.jpg", sampleJpeg) }
        setContent { phone.Content() }
        waitForIdle()
        onNodeWithText("驳回原因：营业执照信息与填写的单位信息不一致").assertIsDisplayed()
        onNodeWithTag("org_apply_submit").performClick()
        waitForIdle()
        onNodeWithText("请先上传营业执照").assertIsDisplayed()
        onNodeWithTag("pick_licence").performClick()
        waitForIdle()
        onNodeWithTag("org_apply_submit").performClick()
        waitForIdle()
        assertTrue("resubmit:20250305-0002:u1" in phone.core.calls, "${phone.core.calls}")
        onNodeWithTag("apply_submitted").assertIsDisplayed()
        assertFalse(onAllNodesWithText("未通过").fetchSemanticsNodes().isNotEmpty())
        phone.close()
    }

    @Test
    fun `certificates to claim show on the certificates tab and download under a new PIN`() = runComposeUiTest {
        val phone = Phone(start = Route.Certificates)
        phone.core.orgs.slots = listOf(OrgSamples.claim)
        setContent { phone.Content() }
        waitForIdle()
        onNodeWithTag("notice_claims").performClick()
        waitForIdle()
        assertEquals(Route.Claims, phone.nav.current)
        onNodeWithText("青海某某建设工程有限公司").assertIsDisplayed()
        onNodeWithTag("claim_button_e7").performClick()
        waitForIdle()
        assertEquals(Route.Claim, phone.nav.current)
        for (d in phone.core.goodPin + phone.core.goodPin) onNodeWithTag("key_$d").performClick()
        waitForIdle()
        assertEquals(Route.Claims, phone.nav.current)
        assertEquals("5F3A", phone.models.claims.installed.value)
        phone.close()
    }

    @Test
    fun `an approved application is paid from 我的订单`() = runComposeUiTest {
        val phone = Phone(start = Route.Orders)
        setContent { phone.Content() }
        waitForIdle()
        onNodeWithTag("orders_tab_Payment").performClick()
        waitForIdle()
        onNodeWithTag("pay_20250308-0001").performClick()
        waitForIdle()
        assertTrue("pay:20250308-0001" in phone.core.calls, "${phone.core.calls}")
        onNodeWithTag("orders_tab_Done").performClick()
        waitForIdle()
        onNodeWithTag("order_20250308-0001").assertIsDisplayed()
        assertEquals(0, onAllNodesWithTag("pay_20250308-0001").fetchSemanticsNodes().size)
        phone.close()
    }
}
