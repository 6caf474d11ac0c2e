package cn.mcert.app.desktop

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.onAllNodesWithTag
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performTouchInput
import androidx.compose.ui.test.swipe
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.performTextReplacement
import androidx.compose.ui.test.runComposeUiTest
import cn.mcert.app.core.Language
import cn.mcert.app.core.LocalKey
import cn.mcert.app.core.KeyAlgorithm
import cn.mcert.app.core.PickedFile
import cn.mcert.app.core.Texts
import cn.mcert.app.ui.Files
import cn.mcert.app.ui.Route
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** The seal pages (印章管理, 申请印章, 申领, 用印授权, 用印审批, 签章图片) over the fake core. */
@OptIn(ExperimentalTestApi::class)
class SealFlowsTest {
    @Test
    fun `a personal certificate's detail opens the notice, agreeing makes the name seal, remaking replaces it`() = runComposeUiTest {
        val phone = Phone(start = Route.Home)
        setContent { phone.Content() }
        onNodeWithTag("tab_Certificates").performClick()
        waitForIdle()
        // The organisation certificate has no signature picture of its own.
        onNodeWithTag("certificate_7C21D0E4A9B3F115").performClick()
        waitForIdle()
        assertEquals(0, onAllNodesWithTag("open_signature").fetchSemanticsNodes().size)
        onNodeWithTag("back").performClick()
        waitForIdle()
        onNodeWithTag("certificate_5F3A9C2E7B1D40A8").performClick()
        waitForIdle()
        onNodeWithTag("open_signature").performClick()
        waitForIdle()
        assertEquals(Route.Signature, phone.nav.current)
        onNodeWithTag("signature_notice").assertIsDisplayed()
        onNodeWithText("签章图片告知函").assertIsDisplayed()
        // An outdated notice is refused with the service's words, and nothing is made.
        phone.core.sealCore.noticeVersion = "2027-01"
        onNodeWithTag("signature_agree").performClick()
        waitForIdle()
        onNodeWithText("请先阅读并同意最新的签章图片告知函").assertIsDisplayed()
        assertTrue(phone.core.sealCore.personalSignatures.isEmpty())
        phone.core.sealCore.noticeVersion = "2026-12"
        phone.models.run { phone.models.signature.remake() }
        waitForIdle()
        onNodeWithTag("signature_agree").performClick()
        waitForIdle()
        assertTrue("makeNameSeal:5F3A9C2E7B1D40A8" in phone.core.calls, "${phone.core.calls}")
        onNodeWithTag("signature_sig1").assertIsDisplayed()
        onNodeWithText("已生效").assertIsDisplayed()
        onNodeWithTag("signature_picture").assertIsDisplayed()
        // 重新生成: the notice again, and the new one replaces the old.
        onNodeWithTag("signature_remake").performClick()
        waitForIdle()
        onNodeWithTag("signature_agree").performClick()
        waitForIdle()
        onNodeWithTag("signature_sig2").assertIsDisplayed()
        val states = phone.core.sealCore.personalSignatures.map { it.id to it.status }
        assertEquals(listOf("sig2" to "active", "sig1" to "void"), states)
        phone.close()
    }

    @Test
    fun `a handwritten signature is written on the pad or photographed, shown cleaned, then submitted`() = runComposeUiTest {
        val phone = Phone(start = Route.Home)
        setContent { phone.Content() }
        phone.models.run { phone.models.signature.load("5F3A9C2E7B1D40A8") }
        phone.nav.go(Route.Signature)
        waitForIdle()
        onNodeWithTag("signature_write").performClick()
        waitForIdle()
        onNodeWithText("请在下方区域内书写您的姓名").assertIsDisplayed()
        // Nothing written yet: said so, and nothing is sent.
        onNodeWithTag("signature_done").performClick()
        waitForIdle()
        onNodeWithText("请先在书写区域内签名").assertIsDisplayed()
        // Two strokes with a finger, then 完成: the service's cleaned draft is shown.
        onNodeWithTag("signature_pad").performTouchInput {
            swipe(Offset(40f, 60f), Offset(width * 0.4f, height * 0.6f), 300)
            swipe(Offset(width * 0.5f, 40f), Offset(width * 0.8f, height * 0.7f), 300)
        }
        waitForIdle()
        assertEquals(2, phone.models.signature.strokes.value.size)
        assertTrue(phone.models.signature.strokes.value.all { it.size > 1 })
        onNodeWithTag("signature_done").performClick()
        waitForIdle()
        assertTrue("drawSignature:5F3A9C2E7B1D40A8:2" in phone.core.calls, "${phone.core.calls}")
        onNodeWithTag("handwritten_sig1").assertIsDisplayed()
        onNodeWithTag("handwritten_picture").assertIsDisplayed()
        onNodeWithText("待提交").assertIsDisplayed()
        onNodeWithTag("signature_submit").performClick()
        waitForIdle()
        assertTrue("submitSignature:sig1" in phone.core.calls, "${phone.core.calls}")
        onNodeWithText("待审核").assertIsDisplayed()
        onNodeWithText("审核通过后生效，结果将以短信通知您；在此之前可继续使用姓名章").assertIsDisplayed()
        // Rejected by the reviewer: the reason shows; writing again, a photo this time.
        val i = phone.core.sealCore.personalSignatures.indexOfFirst { it.id == "sig1" }
        phone.core.sealCore.personalSignatures[i] = phone.core.sealCore.personalSignatures[i]
            .copy(status = "rejected", statusLabel = "未通过", rejectReason = "签名不清晰")
        phone.models.run { phone.models.signature.load("5F3A9C2E7B1D40A8") }
        waitForIdle()
        onNodeWithText("未通过原因：签名不清晰").assertIsDisplayed()
        onNodeWithTag("signature_rewrite").performClick()
        waitForIdle()
        onNodeWithTag("signature_write").performClick()
        waitForIdle()
        Files.pick = { PickedFile("signature.jpg", byteArrayOf(-1, -40, -1, -32, 1, 2, 3)) }
        onNodeWithTag("signature_photo").performClick()
        waitForIdle()
        assertTrue("photoSignature:5F3A9C2E7B1D40A8:7" in phone.core.calls, "${phone.core.calls}")
        onNodeWithTag("handwritten_sig2").assertIsDisplayed()
        phone.close()
    }

    @AfterEach
    fun reset() {
        Texts.use(Language.ZH)
        Files.pick = { null }
    }

    @Test
    fun `the home grid's e-seals page leads to the signature picture and to an organisation's seals`() = runComposeUiTest {
        val phone = Phone(start = Route.Home)
        setContent { phone.Content() }
        onNodeWithTag("entry_Seals").performClick()
        waitForIdle()
        assertEquals(Route.Seals, phone.nav.current)
        // Only the good personal certificate on this phone has a signature picture to make.
        onNodeWithTag("hub_signature_5F3A9C2E7B1D40A8").assertIsDisplayed()
        assertEquals(0, onAllNodesWithTag("hub_signature_1A0B9E77C4D2E360").fetchSemanticsNodes().size)
        assertEquals(0, onAllNodesWithTag("hub_signature_7C21D0E4A9B3F115").fetchSemanticsNodes().size)
        onNodeWithTag("hub_signature_5F3A9C2E7B1D40A8").performClick()
        waitForIdle()
        assertEquals(Route.Signature, phone.nav.current)
        onNodeWithTag("signature_notice").assertIsDisplayed()
        onNodeWithTag("back").performClick()
        waitForIdle()
        onNodeWithTag("hub_org_${OrgSamples.admin.id}").performClick()
        waitForIdle()
        assertEquals(Route.OrgSeals, phone.nav.current)
        assertEquals(OrgSamples.admin.id, phone.models.orgs.current.value?.id)
        phone.close()
    }

    @Test
    fun `apply from a photo, see the cleaned seal, submit, then claim an approved one with the PIN`() = runComposeUiTest {
        val phone = Phone(start = Route.OrgDetail)
        phone.models.orgs.open(OrgSamples.admin)
        Files.pick = { PickedFile("公章.jpg", sampleJpeg) }
        setContent { phone.Content() }
        onNodeWithTag("org_seals").performClick()
        waitForIdle()
        assertEquals(Route.OrgSeals, phone.nav.current)
        onNodeWithText("印章图像不清晰", substring = true).assertIsDisplayed()
        onNodeWithTag("seal_apply").performClick()
        waitForIdle()
        assertEquals(Route.OrgSealApply, phone.nav.current)
        // Without a photo the form says so before asking the service.
        onNodeWithTag("seal_make").performClick()
        waitForIdle()
        onNodeWithText("请拍摄或选择印章照片").assertIsDisplayed()
        onNodeWithTag("pick_seal_photo").performClick()
        waitForIdle()
        onNodeWithTag("kind_contract").performClick()
        onNodeWithTag("seal_make").performClick()
        waitForIdle()
        assertTrue("applySeal:contract" in phone.core.calls, "${phone.core.calls}")
        onNodeWithTag("seal_draft").assertIsDisplayed()
        onNodeWithTag("seal_preview").assertIsDisplayed()
        onNodeWithTag("seal_submit_draft").performClick()
        waitForIdle()
        assertEquals(Route.OrgSeals, phone.nav.current)
        assertTrue(phone.core.calls.any { it.startsWith("submitSeal:s4") }, "${phone.core.calls}")
        // 申领 the approved contract seal: a wrong PIN stays on the pad, the right one claims.
        onNodeWithTag("seal_claim_s2").performClick()
        waitForIdle()
        for (d in "135791") onNodeWithTag("key_$d").performClick()
        waitForIdle()
        onNodeWithText("证书密码错误，还可尝试 4 次").assertIsDisplayed()
        for (d in phone.core.sealCore.goodPin) onNodeWithTag("key_$d").performClick()
        waitForIdle()
        assertTrue("claimSeal:s2:7C21D0E4A9B3F115" in phone.core.calls, "${phone.core.calls}")
        onNodeWithTag("seal_grants_s2").assertIsDisplayed()
        phone.close()
    }

    @Test
    fun `grant a claimed seal for one project with approval, then withdraw it`() = runComposeUiTest {
        val phone = Phone(start = Route.OrgSeals)
        phone.models.orgs.open(OrgSamples.admin)
        setContent { phone.Content() }
        waitForIdle()
        onNodeWithTag("seal_grants_s1").performClick()
        waitForIdle()
        assertEquals(Route.OrgSealGrants, phone.nav.current)
        onNodeWithText("还没有授权").assertIsDisplayed()
        onNodeWithTag("grant_do").performClick()
        waitForIdle()
        onNodeWithText("请选择已登录的成员").assertIsDisplayed()
        onNodeWithTag("grantee_m2").performClick()
        onNodeWithTag("grant_projects").performTextInput("FZ#2026")
        onNodeWithTag("grant_from").performTextInput("2026-12-02")
        onNodeWithTag("grant_to").performTextInput("2026-12-31")
        onNodeWithTag("grant_do").performClick()
        waitForIdle()
        onNodeWithText("项目编号只能包含字母、数字和 - _ . /，最长 40 位").assertIsDisplayed()
        onNodeWithTag("grant_projects").performTextReplacement("FZ-2026-0815")
        onNodeWithTag("grant_approval").performClick()
        onNodeWithTag("grant_do").performClick()
        waitForIdle()
        assertTrue("grantSeal:m2:FZ-2026-0815:true" in phone.core.calls, "${phone.core.calls}")
        onNodeWithText("仅限项目 FZ-2026-0815；2026-12-02 至 2026-12-31；每次用印需管理员审批").assertIsDisplayed()
        onNodeWithTag("revoke_g1").performClick()
        waitForIdle()
        onNodeWithText("已撤销").assertIsDisplayed()
        phone.close()
    }

    @Test
    fun `an admin approves a use with their own certificate's PIN, or refuses`() = runComposeUiTest {
        val phone = Phone(start = Route.OrgSealApprovals)
        phone.core.keys = phone.core.keys + LocalKey("k2", KeyAlgorithm.SM2, "active", 5, false, listOf("7C21D0E4A9B3F115"))
        phone.models.orgs.open(OrgSamples.admin)
        setContent { phone.Content() }
        waitForIdle()
        onNodeWithText("李工 申请用“青海能源集团有限公司”签章").assertIsDisplayed()
        onNodeWithText("FZ-2026-0815").assertIsDisplayed()
        onNodeWithTag("approve_a1").performClick()
        waitForIdle()
        for (d in phone.core.sealCore.goodPin) onNodeWithTag("key_$d").performClick()
        waitForIdle()
        assertTrue("approveSealUse:a1:7C21D0E4A9B3F115" in phone.core.calls, "${phone.core.calls}")
        onNodeWithText("已同意").assertIsDisplayed()
        phone.close()

        // Without a certificate of the organisation on this phone, approving is refused here.
        val other = Phone(start = Route.OrgSealApprovals)
        other.models.orgs.open(OrgSamples.admin)
        setContent { other.Content() }
        waitForIdle()
        onNodeWithTag("approve_a1").performClick()
        waitForIdle()
        onNodeWithText("本机没有您在本单位的证书，不能审批用印").assertIsDisplayed()
        onNodeWithTag("refuse_a1").performClick()
        waitForIdle()
        assertTrue("refuseSealUse:a1" in other.core.calls, "${other.core.calls}")
        onNodeWithText("已拒绝").assertIsDisplayed()
        other.close()
    }
}
