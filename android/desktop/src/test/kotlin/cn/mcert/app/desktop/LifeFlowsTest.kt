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
import cn.mcert.app.core.ReissueKind
import cn.mcert.app.core.Texts
import cn.mcert.app.ui.Route
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** 【证书延期】, 【从旧手机迁移】 and the signature picture after 补办, driven as a user would. */
@OptIn(ExperimentalTestApi::class)
class LifeFlowsTest {
    @AfterEach
    fun zh() = Texts.use(Language.ZH)

    private fun ComposeUiTest.type(pin: String) {
        for (d in pin) onNodeWithTag("key_$d").performClick()
        waitForIdle()
    }

    @Test
    fun `证书延期 from the certificate detail - two years, paid, the PIN, and the detail shows the renewed one`() = runComposeUiTest {
        val phone = Phone(start = Route.Home)
        phone.core.life.slots = phone.core.life.slots.map { if (it.id == "e1") it.copy(renewable = true) else it }
        setContent { phone.Content() }
        onNodeWithTag("tab_Certificates").performClick()
        waitForIdle()
        onNodeWithTag("certificate_5F3A9C2E7B1D40A8").performScrollTo().performClick()
        waitForIdle()
        onNodeWithTag("open_renewal").performScrollTo().performClick()
        waitForIdle()
        assertEquals(Route.Renewal, phone.nav.current)
        onNodeWithTag("renewal_years_2").performClick()
        waitForIdle()
        onNodeWithTag("renewal_amount").assertTextContains("120.00", substring = true)
        onNodeWithTag("renewal_action").performClick()
        waitForIdle()
        onNodeWithTag("renewal_ordered").assertIsDisplayed()
        onNodeWithText("2029-03-01").performScrollTo().assertIsDisplayed()
        onNodeWithText("立即支付").performClick()
        waitForIdle()
        assertTrue("pay:o-renew" in phone.core.calls, "${phone.core.calls}")
        onNodeWithTag("renewal_notice").assertIsDisplayed()
        type(phone.core.goodPin)
        onNodeWithText("证书已延期").assertIsDisplayed()
        onNodeWithText("8D4E2A6C0B1F3957").assertIsDisplayed()
        // A personal certificate: its signature picture went with the old one.
        onNodeWithTag("signature_again").performScrollTo().assertIsDisplayed()
        onNodeWithTag("done").performScrollTo().performClick()
        waitForIdle()
        assertEquals(Route.CertificateDetail, phone.nav.current)
        assertEquals("8D4E2A6C0B1F3957", phone.models.certificates.detail.value!!.certificate.serial)
        assertEquals(0, onAllNodesWithTag("open_renewal").fetchSemanticsNodes().size)
        phone.close()
    }

    @Test
    fun `the scan's expiry warning opens 证书延期 of the picked certificate`() = runComposeUiTest {
        val phone = Phone(start = Route.Home)
        phone.core.scanRequest = Samples.expiringRequest
        phone.core.life.slots = phone.core.life.slots.map { if (it.id == "e1") it.copy(validUntil = "2031-03-01T02:00:00Z") else it }
        setContent { phone.Content() }
        onNodeWithTag("banner_scan").performClick()
        waitForIdle()
        runBlocking { phone.models.scan.onImage(ByteArray(0)) }
        waitForIdle()
        onNodeWithTag("choice_5F3A9C2E7B1D40A8").performScrollTo().performClick()
        waitForIdle()
        onNodeWithTag("expiry_warning").assertIsDisplayed()
        onNodeWithTag("expiry_renew").performClick()
        waitForIdle()
        assertEquals(Route.Renewal, phone.nav.current)
        assertEquals("5F3A9C2E7B1D40A8", phone.models.renewal.certificate.value!!.serial)
        // Not in its last three months yet: the page says from when.
        onNodeWithTag("renewal_refused_message").assertTextContains("2030-12-01", substring = true)
        phone.close()
    }

    @Test
    fun `从旧手机迁移 from the certificate list of a phone without a certificate`() = runComposeUiTest {
        val phone = Phone(start = Route.Home)
        phone.core.certificates = phone.core.certificates.filter { it.serial != "5F3A9C2E7B1D40A8" }
        phone.core.keys = emptyList()
        setContent { phone.Content() }
        onNodeWithTag("notice_migration_in").performScrollTo().assertIsDisplayed()
        onNodeWithTag("tab_Certificates").performClick()
        waitForIdle()
        onNodeWithTag("migration_in_notice").performClick()
        waitForIdle()
        assertEquals(Route.MigrationIn, phone.nav.current)
        onNodeWithTag("migration_code_input").performTextInput("not a code")
        onNodeWithTag("migration_next").performClick()
        waitForIdle()
        onNodeWithText("这不是迁移码，请核对旧手机上显示的迁移码").assertIsDisplayed()
        phone.models.migrationIn.code.value = LifeSamples.qr
        waitForIdle()
        onNodeWithTag("migration_next").performClick()
        waitForIdle()
        onNodeWithTag("migration_in_pin").assertIsDisplayed()
        type("864209")
        type("864209")
        // The old phone approved: the certificate is kept here.
        onNodeWithText("证书已迁移到本机").assertIsDisplayed()
        onNodeWithText("9E5F3B7D1C2A4680").assertIsDisplayed()
        assertTrue("finishMigration:mv2:k11" in phone.core.calls, "${phone.core.calls}")
        onNodeWithTag("done").performScrollTo().performClick()
        waitForIdle()
        assertEquals(Route.Certificates, phone.nav.current)
        onNodeWithTag("certificate_9E5F3B7D1C2A4680").performScrollTo().assertIsDisplayed()
        assertEquals(0, onAllNodesWithTag("migration_in_notice").fetchSemanticsNodes().size)
        phone.close()
    }

    @Test
    fun `after 补办 of a personal certificate the done page opens 签章图片 of the new one`() = runComposeUiTest {
        val phone = Phone(start = Route.Home)
        setContent { phone.Content() }
        runBlocking {
            phone.models.reissue.start(Samples.certificates[0], ReissueKind.NEW_DEVICE)
            phone.models.reissue.identity.name.value = "张三"
            phone.models.reissue.identity.idNumber.value = "110101199003070011"
            phone.models.reissue.identity.phone.value = "13600005678"
            phone.models.reissue.verify { "dev-live-ok" }
            phone.models.reissue.pinEntered("864209")
        }
        phone.nav.go(Route.Reissue)
        waitForIdle()
        onNodeWithText("请重新上传签章图片").performScrollTo().assertIsDisplayed()
        onNodeWithTag("signature_again_open").performScrollTo().performClick()
        waitForIdle()
        assertEquals(Route.Signature, phone.nav.current)
        assertEquals("6B2C0D9E1F3A4B57", phone.models.signature.serial.value)
        phone.close()
    }
}
