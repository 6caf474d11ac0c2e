package cn.mcert.app.desktop

import androidx.compose.ui.test.ComposeUiTest
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.assertTextContains
import androidx.compose.ui.test.onAllNodesWithTag
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.runComposeUiTest
import cn.mcert.app.core.Language
import cn.mcert.app.core.Texts
import cn.mcert.app.ui.Route
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** 【证书补办】 and 【忘记密码】 driven from the certificate detail, as a user would. */
@OptIn(ExperimentalTestApi::class)
class ReissueFlowsTest {
    @AfterEach
    fun zh() = Texts.use(Language.ZH)

    private fun ComposeUiTest.openDetail(serial: String) {
        onNodeWithTag("tab_Certificates").performClick()
        waitForIdle()
        onNodeWithTag("certificate_$serial").performScrollTo().performClick()
        waitForIdle()
    }

    private fun ComposeUiTest.fillIdentity() {
        onNodeWithTag("id_name").performTextInput("张三")
        onNodeWithTag("id_number").performTextInput("110101199003070011")
        onNodeWithTag("id_phone").performTextInput("13600005678")
    }

    private fun ComposeUiTest.type(pin: String) {
        for (d in pin) onNodeWithTag("key_$d").performClick()
        waitForIdle()
    }

    @Test
    fun `补办 on this phone of a certificate whose key is elsewhere, and the detail shows the new one`() = runComposeUiTest {
        val phone = Phone(start = Route.Home)
        setContent { phone.Content() }
        openDetail("7C21D0E4A9B3F115")
        onNodeWithText("7C21D0E4A9B3F116").performScrollTo().assertIsDisplayed()
        // Not on this phone: no PIN to change or reset.
        assertEquals(0, onAllNodesWithTag("open_change_pin").fetchSemanticsNodes().size)
        assertEquals(0, onAllNodesWithTag("open_forgot_pin").fetchSemanticsNodes().size)
        onNodeWithTag("open_reissue").performScrollTo().performClick()
        waitForIdle()
        assertEquals(Route.Reissue, phone.nav.current)
        onNodeWithText("证书补办").assertIsDisplayed()
        onNodeWithTag("reissue_hint").assertIsDisplayed()
        // The bank card is not asked here: phone three-factor with the face check.
        assertEquals(0, onAllNodesWithTag("id_card").fetchSemanticsNodes().size)
        onNodeWithTag("reissue_verify").performScrollTo().performClick()
        waitForIdle()
        onNodeWithText("请输入 2 至 30 个字的姓名").performScrollTo().assertIsDisplayed()
        assertTrue(phone.core.calls.none { it.startsWith("verifyIdentity") }, "${phone.core.calls}")
        fillIdentity()
        onNodeWithTag("reissue_verify").performScrollTo().performClick()
        waitForIdle()
        onNodeWithText("第 2 步：设置新的证书密码").assertIsDisplayed()
        type("864209")
        onNodeWithText("请再次输入证书密码").assertIsDisplayed()
        type("864209")
        onNodeWithText("证书已补办").assertIsDisplayed()
        onNodeWithText("6B2C0D9E1F3A4B57").assertIsDisplayed()
        onNodeWithTag("reissue_old_revoked").assertTextContains("原证书 7C21D0E4A9B3F115 已注销")
        onNodeWithTag("reissue_keys_restored").assertTextContains("加密证书的密钥已恢复（1 个）", substring = true)
        assertTrue("reissue:e2:SM2:NEW_DEVICE" in phone.core.calls, "${phone.core.calls}")
        onNodeWithTag("done").performScrollTo().performClick()
        waitForIdle()
        assertEquals(Route.CertificateDetail, phone.nav.current)
        assertEquals("6B2C0D9E1F3A4B57", phone.models.certificates.detail.value!!.certificate.serial)
        onNodeWithText("6B2C0D9E1F3A4B58").performScrollTo().assertIsDisplayed()
        // Now on this phone: its PIN may be changed or reset, and it is not reissued again from here.
        onNodeWithTag("open_forgot_pin").performScrollTo().assertIsDisplayed()
        assertEquals(0, onAllNodesWithTag("open_reissue").fetchSemanticsNodes().size)
        phone.close()
    }

    @Test
    fun `忘记密码 next to 修改证书密码, and a verification the service no longer counts is asked again`() = runComposeUiTest {
        val phone = Phone(start = Route.Home)
        setContent { phone.Content() }
        openDetail("5F3A9C2E7B1D40A8")
        onNodeWithTag("open_change_pin").performScrollTo().assertIsDisplayed()
        assertEquals(0, onAllNodesWithTag("open_reissue").fetchSemanticsNodes().size)
        onNodeWithTag("open_forgot_pin").performScrollTo().performClick()
        waitForIdle()
        assertEquals(Route.ForgotPin, phone.nav.current)
        onNodeWithText("忘记密码").assertIsDisplayed()
        fillIdentity()
        onNodeWithTag("reissue_verify").performScrollTo().performClick()
        waitForIdle()
        // Stale by the time the PIN is set: back to the first step, the form as it was.
        phone.core.verifiedForReissue = false
        type("864209")
        type("864209")
        onNodeWithText("第 1 步：实名认证和人脸识别").assertIsDisplayed()
        onNodeWithText("实名认证已超过 10 分钟或已用于一次补办，请重新完成实名认证和人脸识别").performScrollTo().assertIsDisplayed()
        onNodeWithTag("id_name").assertTextContains("张三")
        onNodeWithTag("reissue_verify").performScrollTo().performClick()
        waitForIdle()
        type("864209")
        type("864209")
        onNodeWithText("证书密码已重置").assertIsDisplayed()
        assertTrue("reissue:e1:SM2:PIN_RESET" in phone.core.calls, "${phone.core.calls}")
        phone.close()
    }
}
