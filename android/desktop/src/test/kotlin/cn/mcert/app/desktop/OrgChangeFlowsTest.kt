package cn.mcert.app.desktop

import androidx.compose.ui.test.ComposeUiTest
import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.onAllNodesWithTag
import androidx.compose.ui.test.onAllNodesWithText
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.runComposeUiTest
import cn.mcert.app.core.Language
import cn.mcert.app.core.PickedFile
import cn.mcert.app.core.Texts
import cn.mcert.app.ui.Files
import cn.mcert.app.ui.Route
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** 【证书变更】 from the organisation's page, and 【下载变更后的证书】 from the list, driven as a user would. */
@OptIn(ExperimentalTestApi::class)
class OrgChangeFlowsTest {
    private val newName = "青海某某新能源建设有限公司"
    private val orgCert = Samples.certificates[1].serial

    @AfterEach
    fun reset() {
        Texts.use(Language.ZH)
        Files.pick = { null }
    }

    private fun ComposeUiTest.type(pin: String) {
        for (d in pin) onNodeWithTag("key_$d").performClick()
        waitForIdle()
    }

    @Test
    fun `an admin applies from 单位信息, the reviewer approves, paid here - the new name and the way to the seals`() = runComposeUiTest {
        val phone = Phone(start = Route.OrgDetail)
        phone.models.orgs.open(OrgSamples.admin)
        Files.pick = { PickedFile("营业执照（变更后）.jpg", sampleJpeg) }
        setContent { phone.Content() }
        waitForIdle()
        onNodeWithTag("org_change").performScrollTo().performClick()
        waitForIdle()
        assertEquals(Route.OrgChange, phone.nav.current)
        onNodeWithTag("org_change_current").assertIsDisplayed()
        onNodeWithTag("org_change_submit").performClick()
        waitForIdle()
        onNodeWithText("请输入 2 至 100 个字的单位名称").assertIsDisplayed()
        onNodeWithTag("org_change_name").performTextInput(newName)
        onNodeWithTag("org_change_submit").performClick()
        waitForIdle()
        onNodeWithText("请上传变更后的营业执照").performScrollTo().assertIsDisplayed()
        onNodeWithTag("org_change_licence").performScrollTo().performClick()
        waitForIdle()
        onNodeWithTag("org_change_submit").performClick()
        waitForIdle()
        assertTrue(phone.core.calls.any { it.startsWith("requestOrgChange:$newName:") }, "${phone.core.calls}")
        onNodeWithTag("org_change_submitted").assertIsDisplayed()
        val id = phone.models.orgChange.orders.value.single().id
        onNodeWithTag("change_status_$id").performScrollTo().assertIsDisplayed()
        assertEquals(0, onAllNodesWithTag("org_change_submit").fetchSemanticsNodes().size, "one change at a time")

        // The reviewer approves in the console; back on the page it waits for payment.
        phone.core.orgs.reviewChange(id)
        runBlocking { phone.models.orgChange.refresh() }
        waitForIdle()
        onNodeWithTag("change_pay_$id").performScrollTo().performClick()
        waitForIdle()
        assertTrue("pay:$id" in phone.core.calls, "${phone.core.calls}")
        onNodeWithTag("org_change_paid").performScrollTo().assertIsDisplayed()
        // The current name at the top, and the name in the paid box.
        assertEquals(2, onAllNodesWithText(newName).fetchSemanticsNodes().size)
        onNodeWithTag("org_change_seals").performScrollTo().performClick()
        waitForIdle()
        assertEquals(Route.OrgSeals, phone.nav.current)
        assertEquals(newName, phone.models.orgs.current.value!!.name)
        phone.close()
    }

    @Test
    fun `the holder downloads the changed certificate from the list's banner - the PIN, done, the seals void`() = runComposeUiTest {
        val phone = Phone(start = Route.Home)
        phone.core.life.orgRenamed(OrgSamples.admin.id, newName)
        phone.core.certificates = phone.core.certificates.map { if (it.serial == orgCert) it.copy(onThisDevice = true) else it }
        setContent { phone.Content() }
        onNodeWithTag("tab_Certificates").performClick()
        waitForIdle()
        onNodeWithText("单位名称已变更为“$newName”").assertIsDisplayed()
        // The detail offers the download, and no 证书延期 meanwhile.
        onNodeWithTag("certificate_$orgCert").performScrollTo().performClick()
        waitForIdle()
        onNodeWithTag("change_banner").assertIsDisplayed()
        assertEquals(0, onAllNodesWithTag("open_renewal").fetchSemanticsNodes().size)
        phone.nav.back()
        waitForIdle()
        onNodeWithTag("change_due_$orgCert").performClick()
        waitForIdle()
        assertEquals(Route.ChangeDownload, phone.nav.current)
        onNodeWithTag("org_change_new_org_name").assertIsDisplayed()
        type("135791")
        val asked = phone.models.renewal.pad.value.state.value as cn.mcert.app.state.PinEntryModel.State.Entering
        assertEquals(4, asked.triesLeft)
        type(phone.core.goodPin)
        onNodeWithText("已下载变更后的证书").assertIsDisplayed()
        onNodeWithTag("org_change_seals_void").performScrollTo().assertIsDisplayed()
        onNodeWithTag("org_change_seals_open").performScrollTo().performClick()
        waitForIdle()
        assertEquals(Route.OrgSeals, phone.nav.current)
        phone.nav.back()
        phone.nav.back()
        waitForIdle()
        assertEquals(0, onAllNodesWithTag("change_due_$orgCert").fetchSemanticsNodes().size)
        phone.close()
    }
}
