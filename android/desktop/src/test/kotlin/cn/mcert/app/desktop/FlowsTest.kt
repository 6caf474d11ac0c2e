package cn.mcert.app.desktop

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.assertIsNotEnabled
import androidx.compose.ui.test.assertTextContains
import androidx.compose.ui.test.onAllNodesWithTag
import androidx.compose.ui.test.onAllNodesWithText
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.performTextReplacement
import androidx.compose.ui.test.runComposeUiTest
import cn.mcert.app.core.Language
import cn.mcert.app.core.Texts
import cn.mcert.app.state.ScanModel
import cn.mcert.app.ui.Route
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** The screens driven through their semantics, as a user would, over the fake core. */
@OptIn(ExperimentalTestApi::class)
class FlowsTest {
    @AfterEach
    fun zh() = Texts.use(Language.ZH)

    @Test
    fun `login, choose a platform, land on the home with its six entries and bottom bar`() = runComposeUiTest {
        val phone = Phone(start = Route.Login)
        setContent { phone.Content() }
        onNodeWithTag("phone").performTextInput("13912340000")
        onNodeWithTag("get_code").performClick()
        onNodeWithTag("sms_code").performTextInput("123456")
        onNodeWithTag("login").performClick()
        waitForIdle()
        onNodeWithText("青海能源集团数字招采平台").performClick()
        waitForIdle()
        assertEquals(Route.Home, phone.nav.current)
        assertTrue("choosePlatform:qhny" in phone.core.calls, "${phone.core.calls}")
        for (label in listOf("数字证书", "扫码", "电子印章", "授权管理", "使用记录", "我的订单")) {
            onAllNodesWithText(label)[0].assertIsDisplayed()
        }
        for (tab in listOf("首页", "证书", "我的")) onNodeWithText(tab).assertIsDisplayed()
        phone.close()
    }

    @Test
    fun `a wrong SMS code shows the core's message`() = runComposeUiTest {
        val phone = Phone(start = Route.Login)
        setContent { phone.Content() }
        onNodeWithTag("phone").performTextInput("13912340000")
        onNodeWithTag("sms_code").performTextInput("000000")
        onNodeWithTag("login").performClick()
        onNodeWithTag("error_text").assertTextContains("验证码错误，还可尝试 4 次")
        assertEquals(Route.Login, phone.nav.current)
        phone.close()
    }

    @Test
    fun `certificate cards show holder, organisation, masked ID and state, and open the detail`() = runComposeUiTest {
        val phone = Phone(start = Route.Home)
        setContent { phone.Content() }
        onNodeWithTag("tab_Certificates").performClick()
        waitForIdle()
        onNodeWithTag("certificate_5F3A9C2E7B1D40A8").assertIsDisplayed()
        onAllNodesWithText("证件号码  110***********0011")[0].assertIsDisplayed()
        onNodeWithText("青海能源集团有限公司").assertIsDisplayed()
        onNodeWithText("已过期").assertIsDisplayed()
        // Nothing shows a raw subject or a clear ID number.
        assertEquals(0, onAllNodesWithText("CN=", substring = true).fetchSemanticsNodes().size)
        assertEquals(0, onAllNodesWithText("110101199003070011", substring = true).fetchSemanticsNodes().size)
        onNodeWithTag("certificate_5F3A9C2E7B1D40A8").performClick()
        waitForIdle()
        assertEquals(Route.CertificateDetail, phone.nav.current)
        onNodeWithText("还可尝试 5 次").assertIsDisplayed()
        onNodeWithText("2025-03-01 ~ 2027-03-01").assertIsDisplayed()
        onNodeWithTag("back").performClick()
        waitForIdle()
        assertEquals(Route.Certificates, phone.nav.current)
        phone.close()
    }

    @Test
    fun `scan to sign - confirm page, a wrong PIN with tries left, then done`() = runComposeUiTest {
        val phone = Phone(start = Route.Home)
        setContent { phone.Content() }
        onNodeWithTag("entry_Scan").performClick()
        waitForIdle()
        onNodeWithTag("viewfinder").assertIsDisplayed()
        // The camera reads a code.
        runBlocking { phone.models.scan.onImage(ByteArray(0)) }
        waitForIdle()
        onNodeWithTag("confirm_platform").assertTextContains("青海能源集团数字招采平台")
        onNodeWithTag("confirm_operation").assertTextContains("文件签名")
        onNodeWithTag("verification_code").assertTextContains("K7Q4")
        onNodeWithText("某水电站工程施工总承包").assertIsDisplayed()
        onNodeWithText("投标文件.pdf").assertIsDisplayed()
        onNodeWithTag("confirm").performClick()
        waitForIdle()
        for (d in "135791") onNodeWithTag("key_$d").performClick()
        waitForIdle()
        onNodeWithTag("error_text").assertTextContains("证书密码错误，还可尝试 4 次")
        // Typed digits stay typed across recompositions; the delete key removes one.
        onNodeWithTag("key_9").performClick()
        onNodeWithTag("key_9").performClick()
        onNodeWithTag("key_delete").performClick()
        waitForIdle()
        val pin = (phone.models.scan.state.value as ScanModel.State.EnterPin).pin
        assertEquals("9", pin.digits.value)
        onNodeWithTag("key_delete").performClick()
        for (d in phone.core.goodPin) onNodeWithTag("key_$d").performClick()
        waitForIdle()
        onNodeWithText("文件签名成功").assertIsDisplayed()
        onNodeWithTag("done").performClick()
        waitForIdle()
        assertEquals(Route.Home, phone.nav.current)
        assertEquals(ScanModel.State.Scanning, phone.models.scan.state.value)
        phone.close()
    }

    @Test
    fun `a certificate expiring before the bid opening is warned about before the PIN, and may still confirm`() = runComposeUiTest {
        val phone = Phone(start = Route.Scan)
        phone.core.scanRequest = Samples.expiringRequest
        setContent { phone.Content() }
        runBlocking { phone.models.scan.onImage(ByteArray(0)) }
        waitForIdle()
        onNodeWithText("开标时间").assertIsDisplayed()
        onNodeWithText("2027-04-15 09:30").assertIsDisplayed()
        onNodeWithTag("expires_early_5F3A9C2E7B1D40A8", useUnmergedTree = true).assertTextContains("2027-03-01 到期，早于开标时间")
        assertEquals(0, onAllNodesWithTag("expires_early_6B2C0D9E1F3A4B57", useUnmergedTree = true).fetchSemanticsNodes().size)
        assertEquals(0, onAllNodesWithTag("expiry_warning").fetchSemanticsNodes().size)
        onNodeWithTag("choice_5F3A9C2E7B1D40A8").performClick()
        waitForIdle()
        onNodeWithTag("expiry_warning").assertIsDisplayed()
        onNodeWithText("该证书将于 2027-03-01 到期", substring = true).assertIsDisplayed()
        onNodeWithTag("choice_6B2C0D9E1F3A4B57").performClick()
        waitForIdle()
        assertEquals(0, onAllNodesWithTag("expiry_warning").fetchSemanticsNodes().size)
        onNodeWithTag("choice_5F3A9C2E7B1D40A8").performClick()
        onNodeWithTag("confirm").performClick()
        waitForIdle()
        for (d in phone.core.goodPin) onNodeWithTag("key_$d").performClick()
        waitForIdle()
        onNodeWithText("文件签名成功").assertIsDisplayed()
        assertTrue("confirm:5F3A9C2E7B1D40A8" in phone.core.calls, "${phone.core.calls}")
        phone.close()
    }

    @Test
    fun `scan to stamp - the seal is picked, its certificate's PIN signs, then done`() = runComposeUiTest {
        val phone = Phone(start = Route.Scan)
        phone.core.scanRequest = Samples.stampRequest
        setContent { phone.Content() }
        runBlocking { phone.models.scan.onImage(ByteArray(0)) }
        waitForIdle()
        onNodeWithTag("confirm_operation").assertTextContains("文件签章")
        onNodeWithText("共 36 页").assertIsDisplayed()
        onNodeWithText("第 36 页").assertIsDisplayed()
        onNodeWithText("同时盖在全部 36 页右侧边缘").assertIsDisplayed()
        // Two seals: none is picked for the user.
        onNodeWithTag("confirm").assertIsNotEnabled()
        onNodeWithTag("limits_seal2", useUnmergedTree = true).assertTextContains("每次用印需管理员审批", substring = true)
        onNodeWithTag("seal_seal2").performScrollTo().performClick()
        waitForIdle()
        onNodeWithTag("confirm").performClick()
        waitForIdle()
        val pad = phone.models.scan.state.value as ScanModel.State.EnterPin
        assertEquals(Pair("7C21D0E4A9B3F115", "seal2"), Pair(pad.serial, pad.sealId))
        for (d in phone.core.goodPin) onNodeWithTag("key_$d").performClick()
        waitForIdle()
        onNodeWithText("文件签章成功").assertIsDisplayed()
        assertTrue("stamp:seal2" in phone.core.calls, "${phone.core.calls}")
        phone.close()
    }

    @Test
    fun `a key's PIN is changed after the current one, and a wrong current PIN is asked again`() = runComposeUiTest {
        val phone = Phone(start = Route.Home)
        setContent { phone.Content() }
        val type = { pin: String ->
            for (d in pin) onNodeWithTag("key_$d").performClick()
            waitForIdle()
        }
        onNodeWithTag("tab_Certificates").performClick()
        waitForIdle()
        onNodeWithTag("certificate_5F3A9C2E7B1D40A8").performClick()
        waitForIdle()
        onNodeWithTag("open_change_pin").performScrollTo().performClick()
        waitForIdle()
        assertEquals(Route.ChangePin, phone.nav.current)
        onNodeWithText("请输入当前的证书密码").assertIsDisplayed()
        type("135791")
        onNodeWithText("请设置新的证书密码").assertIsDisplayed()
        // The new PIN: a weak one is refused before it is asked again, then twice.
        type("111111")
        onNodeWithText("证书密码过于简单，请避免重复或连续的数字").assertIsDisplayed()
        type("864209")
        type("864209")
        // The current PIN was wrong: asked again, with the tries left.
        onNodeWithText("请输入当前的证书密码").assertIsDisplayed()
        onNodeWithText("证书密码错误，还可尝试 4 次").assertIsDisplayed()
        assertTrue(phone.core.calls.none { it.startsWith("changePin") })
        type(phone.core.goodPin)
        type("864209")
        type("864209")
        onNodeWithText("证书密码已修改").assertIsDisplayed()
        assertTrue("changePin:k1" in phone.core.calls, "${phone.core.calls}")
        onNodeWithTag("done").performClick()
        waitForIdle()
        assertEquals(Route.CertificateDetail, phone.nav.current)
        phone.close()
    }

    @Test
    fun `a certificate is reported lost with a fresh code, after the page says what it means`() = runComposeUiTest {
        val phone = Phone(start = Route.Home)
        setContent { phone.Content() }
        onNodeWithTag("tab_Certificates").performClick()
        waitForIdle()
        onNodeWithTag("certificate_5F3A9C2E7B1D40A8").performClick()
        waitForIdle()
        onNodeWithTag("open_report_lost").performScrollTo().performClick()
        waitForIdle()
        assertEquals(Route.ReportLost, phone.nav.current)
        onNodeWithTag("report_lost_hint").assertIsDisplayed()
        // No code yet: said so, nothing revoked.
        onNodeWithTag("report_lost_confirm").performClick()
        waitForIdle()
        onNodeWithText("请输入 6 位短信验证码").assertIsDisplayed()
        onNodeWithTag("report_lost_send").performClick()
        waitForIdle()
        onNodeWithText("验证码已发送至 136****5678").assertIsDisplayed()
        onNodeWithTag("report_lost_code").performTextInput("135791")
        onNodeWithTag("report_lost_confirm").performClick()
        waitForIdle()
        onNodeWithText("验证码错误或已过期").assertIsDisplayed()
        assertTrue(phone.core.calls.none { it.startsWith("reportLost") })
        onNodeWithTag("report_lost_code").performTextReplacement("246810")
        onNodeWithTag("report_lost_confirm").performClick()
        waitForIdle()
        onNodeWithText("证书已挂失").assertIsDisplayed()
        assertTrue("reportLost:5F3A9C2E7B1D40A8" in phone.core.calls, "${phone.core.calls}")
        phone.close()
    }

    @Test
    fun `scan to stamp at two places - a seal for each, each certificate's PIN, then done`() = runComposeUiTest {
        val phone = Phone(start = Route.Scan)
        phone.core.scanRequest = Samples.twoPlaceStamp
        setContent { phone.Content() }
        runBlocking { phone.models.scan.onImage(ByteArray(0)) }
        waitForIdle()
        onNodeWithText("共 2 处").assertIsDisplayed()
        onNodeWithText("第 1 处：第 36 页").performScrollTo().assertIsDisplayed()
        onNodeWithText("第 2 处：第 1 页").performScrollTo().assertIsDisplayed()
        // Each place offers only the seals it takes, one each here, so both are picked.
        val confirm = phone.models.scan.state.value as ScanModel.State.Confirm
        assertEquals("seal1" to listOf("sig1"), confirm.selected to confirm.more)
        onNodeWithTag("seal_1_sig1", useUnmergedTree = true).assertExists()
        assertEquals(0, onAllNodesWithTag("seal_1_seal1").fetchSemanticsNodes().size)
        onNodeWithTag("confirm").performClick()
        waitForIdle()
        // The PIN of each certificate, the organisation's first.
        onNodeWithText("请输入证书 A9B3 F115 的 PIN 码").assertIsDisplayed()
        for (d in phone.core.goodPin) onNodeWithTag("key_$d").performClick()
        waitForIdle()
        onNodeWithText("请输入证书 7B1D 40A8 的 PIN 码").assertIsDisplayed()
        for (d in phone.core.goodPin) onNodeWithTag("key_$d").performClick()
        waitForIdle()
        onNodeWithText("文件签章成功").assertIsDisplayed()
        assertTrue("stampPlaces:seal1,sig1:5F3A9C2E7B1D40A8,7C21D0E4A9B3F115" in phone.core.calls, "${phone.core.calls}")
        phone.close()
    }

    @Test
    fun `a stamp without a usable seal says so`() = runComposeUiTest {
        val phone = Phone(start = Route.Scan)
        phone.core.scanRequest = Samples.stampRequest.copy(
            stamp = Samples.stampRequest.stamp?.copy(seals = emptyList()),
        )
        setContent { phone.Content() }
        runBlocking { phone.models.scan.onImage(ByteArray(0)) }
        waitForIdle()
        onNodeWithText("本机证书没有可用于此次签章的印章（需已申领、类型符合）").assertIsDisplayed()
        phone.close()
    }

    @Test
    fun `declining tells the platform`() = runComposeUiTest {
        val phone = Phone(start = Route.Scan)
        setContent { phone.Content() }
        runBlocking { phone.models.scan.onImage(ByteArray(0)) }
        waitForIdle()
        onNodeWithTag("decline").performClick()
        waitForIdle()
        onNodeWithText("已拒绝本次操作").assertIsDisplayed()
        phone.close()
    }

    @Test
    fun `orders by tab`() = runComposeUiTest {
        val phone = Phone(start = Route.Orders)
        setContent { phone.Content() }
        waitForIdle()
        onNodeWithTag("order_20250308-0001").assertIsDisplayed()
        onNodeWithTag("orders_tab_Rejected").performClick()
        waitForIdle()
        onNodeWithText("驳回原因：营业执照照片不清晰，请重新上传").assertIsDisplayed()
        assertEquals(0, onAllNodesWithText("待支付", substring = false).fetchSemanticsNodes().size - 1)
        onNodeWithTag("orders_tab_Review").performClick()
        waitForIdle()
        onNodeWithTag("order_20250220-0003").assertIsDisplayed()
        phone.close()
    }

    @Test
    fun `usage records in Beijing time under column headers`() = runComposeUiTest {
        val phone = Phone(start = Route.Usage)
        setContent { phone.Content() }
        waitForIdle()
        onNodeWithTag("usage_header").assertIsDisplayed()
        onNodeWithText("北京时间").assertIsDisplayed()
        // 2025-03-08T07:21:05Z is 15:21 in Beijing.
        onNodeWithText("15:21").assertIsDisplayed()
        assertEquals(0, onAllNodesWithText("Z", substring = true).fetchSemanticsNodes().size)
        phone.close()
    }

    @Test
    fun `the language setting switches every text, the core's included`() = runComposeUiTest {
        val phone = Phone(start = Route.Me)
        setContent { phone.Content() }
        onNodeWithTag("me_language").performClick()
        waitForIdle()
        assertTrue(phone.core.english)
        onNodeWithText("Home").assertIsDisplayed()
        onNodeWithTag("tab_Home").performClick()
        waitForIdle()
        for (label in listOf("Certificates", "Scan", "E-seals", "Authorisations", "Usage records", "My orders")) {
            onAllNodesWithText(label)[0].assertIsDisplayed()
        }
        // No Chinese text of the app's own is left on the home page.
        assertEquals(0, onAllNodesWithText("首页").fetchSemanticsNodes().size)
        assertEquals(0, onAllNodesWithText("数字证书").fetchSemanticsNodes().size)
        phone.close()
    }

    @Test
    fun `empty pages say what to do next`() = runComposeUiTest {
        val phone = Phone(start = Route.Certificates)
        phone.core.certificates = emptyList()
        setContent { phone.Content() }
        waitForIdle()
        onNodeWithText("申请并支付后，在这里下载证书").assertIsDisplayed()
        onNodeWithText("申请证书").performClick()
        waitForIdle()
        assertEquals(Route.Apply, phone.nav.current)
        phone.close()
    }
}
