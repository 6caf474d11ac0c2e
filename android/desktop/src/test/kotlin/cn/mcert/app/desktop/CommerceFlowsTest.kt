package cn.mcert.app.desktop

import androidx.compose.ui.test.ExperimentalTestApi
import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.assertTextContains
import androidx.compose.ui.test.assertTextEquals
import androidx.compose.ui.test.onAllNodesWithTag
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performTextInput
import androidx.compose.ui.test.performTextReplacement
import androidx.compose.ui.test.runComposeUiTest
import cn.mcert.app.core.Language
import cn.mcert.app.core.PayerKind
import cn.mcert.app.core.Texts
import cn.mcert.app.core.TitleKind
import cn.mcert.app.core.Validate
import cn.mcert.app.state.BillingProfilesModel
import cn.mcert.app.state.OrdersModel
import cn.mcert.app.state.OrdersModel.Tab
import cn.mcert.app.ui.Files
import cn.mcert.app.ui.Route
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** 我的订单, 转账支付, 购买信息修改, 发票, 开票信息 and 打款账户 over the fake core. */
@OptIn(ExperimentalTestApi::class)
class CommerceFlowsTest {
    private val orders = CommerceSamples.orders

    @AfterEach
    fun reset() {
        Texts.use(Language.ZH)
        Files.save = { _, _, _ -> false }
    }

    private fun count(calls: List<String>, prefix: String) = calls.count { it.startsWith(prefix) }

    @Test
    fun `tabs filter by status, a refunded order shows under 全部 only`() = runBlocking<Unit> {
        val m = OrdersModel(FakeCore())
        m.refresh()
        fun ids(tab: Tab) = m.shown(tab).map { it.id }
        assertEquals(orders.map { it.id }, ids(Tab.All))
        assertEquals(listOf("20250220-0003"), ids(Tab.Review))
        assertEquals(listOf("20250308-0001", "20250306-0004"), ids(Tab.Payment))
        assertEquals(listOf("20250301-0007", "20250110-0005"), ids(Tab.Done))
        assertEquals(listOf("20250115-0002"), ids(Tab.Rejected))
        assertEquals(listOf("20250105-0006"), ids(Tab.Cancelled))
        assertTrue(Tab.entries.filter { it != Tab.All }.none { "20241201-0009" in ids(it) })
        // The rows: the product's name (never its id), yuan from integer fen, labels, reasons.
        val row = m.row(orders[0])
        assertEquals(CommerceSamples.ORG_PACKAGE, row.product)
        assertEquals("¥300.00", row.amount)
        assertEquals("待支付", row.status)
        assertNull(row.invoice)
        assertEquals("营业执照照片不清晰，请重新上传", m.row(orders[4]).rejectReason)
        assertEquals("未开票", m.row(orders[2]).invoice)
        assertEquals("已开票", m.row(orders[5]).invoice)
        assertEquals("已收 ¥50.00，待付 ¥38.00", m.row(orders[1]).received)
        assertEquals("已退款", m.row(orders[7]).status)
        assertEquals("数字证书费", m.row(orders[0].copy(productName = "")).product)
        Texts.use(Language.EN)
        assertEquals("CNY 300.00", m.row(orders[0]).amount)
        assertEquals("To pay", m.row(orders[0]).status)
        assertEquals("Invoiced", m.row(orders[5]).invoice)
    }

    @Test
    fun `what each state allows`() {
        fun allowed(i: Int) = orders[i].let { listOf(it.canPayOnline, it.canPayByTransfer, it.canCancel, it.canChange, it.canRequestInvoice) }
        assertEquals(listOf(true, true, true, true, false), allowed(0), "to pay")
        assertEquals(listOf(false, true, false, false, false), allowed(1), "partly paid by transfer: the rest by transfer only")
        assertEquals(listOf(false, false, false, false, true), allowed(2), "completed, not invoiced")
        assertEquals(listOf(false, false, true, true, false), allowed(3), "in review")
        assertEquals(listOf(false, false, false, false, false), allowed(4), "rejected")
        assertEquals(listOf(false, false, false, false, false), allowed(5), "completed and invoiced")
        assertEquals(listOf(false, false, false, false, false), allowed(6), "cancelled")
        assertEquals(listOf(false, false, false, false, false), allowed(7), "refunded")
        assertEquals(listOf("none", "partial", "full"), listOf(orders[0], orders[1], orders[2]).map { it.paymentState })
    }

    @Test
    fun `the list offers the actions of each state, 取消 asks first`() = runComposeUiTest {
        val phone = Phone(start = Route.Orders)
        setContent { phone.Content() }
        waitForIdle()
        onNodeWithTag("orders_tab_Payment").performClick()
        waitForIdle()
        onNodeWithTag("pay_20250308-0001").assertIsDisplayed()
        onNodeWithTag("transfer_20250308-0001").assertTextContains("转账支付")
        onNodeWithTag("change_20250308-0001").assertIsDisplayed()
        assertEquals(0, onAllNodesWithTag("pay_20250306-0004").fetchSemanticsNodes().size, "no online payment after part of a transfer")
        assertEquals(0, onAllNodesWithTag("cancel_20250306-0004").fetchSemanticsNodes().size)
        onNodeWithTag("transfer_20250306-0004").assertTextContains("查看转账信息")
        onNodeWithText("已收 ¥50.00，待付 ¥38.00").assertIsDisplayed()
        onNodeWithTag("cancel_20250308-0001").performClick()
        waitForIdle()
        onNodeWithText("确定取消“${CommerceSamples.ORG_PACKAGE}”的订单吗？取消后不能恢复，需要时请重新下单").assertIsDisplayed()
        onNodeWithTag("confirm_cancel").assertTextEquals("暂不取消")
        onNodeWithTag("confirm_cancel").performClick()
        waitForIdle()
        assertEquals(0, count(phone.core.calls, "cancelOrder"))
        onNodeWithTag("cancel_20250308-0001").performClick()
        waitForIdle()
        onNodeWithTag("confirm_ok").performClick()
        waitForIdle()
        assertTrue("cancelOrder:20250308-0001" in phone.core.calls, "${phone.core.calls}")
        assertEquals(0, onAllNodesWithTag("order_20250308-0001").fetchSemanticsNodes().size)
        onNodeWithTag("orders_tab_Cancelled").performClick()
        waitForIdle()
        onNodeWithTag("status_20250308-0001").assertTextContains("已取消")
        assertEquals(0, onAllNodesWithTag("cancel_20250308-0001").fetchSemanticsNodes().size)
        onNodeWithTag("orders_tab_Done").performClick()
        waitForIdle()
        onNodeWithTag("invoice_20250301-0007").assertIsDisplayed()
        assertEquals(0, onAllNodesWithTag("invoice_20250110-0005").fetchSemanticsNodes().size, "invoiced already")
        assertEquals(0, onAllNodesWithTag("change_20250301-0007").fetchSemanticsNodes().size, "paid: no change")
        phone.close()
    }

    @Test
    fun `购买信息修改 changes the period before payment only`() = runComposeUiTest {
        val phone = Phone(start = Route.Orders)
        setContent { phone.Content() }
        waitForIdle()
        onNodeWithTag("change_20250308-0001").performClick()
        waitForIdle()
        assertEquals(Route.OrderChange, phone.nav.current)
        onNodeWithText("购买信息修改").assertIsDisplayed()
        onNodeWithTag("new_amount").assertTextEquals("¥300.00")
        onNodeWithTag("change_years_3").performClick()
        waitForIdle()
        assertEquals(3L, phone.models.orders.changeYears.value)
        onNodeWithTag("new_amount").assertTextEquals("¥900.00")
        onNodeWithTag("change_save").performClick()
        waitForIdle()
        assertTrue("changeOrder:20250308-0001:3" in phone.core.calls, "${phone.core.calls}")
        assertEquals(Route.Orders, phone.nav.current)
        onNodeWithTag("amount_20250308-0001", useUnmergedTree = true).assertTextEquals("¥900.00")
        // A paid order is not opened for changes.
        assertFalse(phone.models.orders.startChange(orders[2]))
        assertEquals("订单已付款或已处理，不能修改", phone.models.orders.error.value)
        phone.close()
    }

    @Test
    fun `转账支付 shows the order's account grouped and copies its digits`() = runComposeUiTest {
        val phone = Phone(start = Route.Orders)
        setContent { phone.Content() }
        waitForIdle()
        onNodeWithTag("transfer_20250308-0001").performClick()
        waitForIdle()
        assertEquals(Route.OrderDetail, phone.nav.current)
        assertTrue("payByTransfer:20250308-0001" in phone.core.calls)
        onNodeWithText("中国工商银行西宁城西支行").assertIsDisplayed()
        onNodeWithText("青海移动证书服务有限公司").assertIsDisplayed()
        onNodeWithTag("account_no").assertTextEquals("6217 0000 1234 5678 907")
        onNodeWithTag("amount_due").assertTextEquals("¥300.00")
        // 2025-03-15T06:00:00Z is 14:00 in Beijing.
        onNodeWithText("2025-03-15 14:00").assertIsDisplayed()
        onNodeWithText("未交款").assertIsDisplayed()
        assertEquals(0, onAllNodesWithTag("received").fetchSemanticsNodes().size)
        onNodeWithTag("copy_account").performClick()
        waitForIdle()
        assertEquals(listOf("6217000012345678907"), phone.clipboard.copied)
        assertTrue(Validate.luhn(phone.clipboard.copied.single()), "the account's check digit")
        onNodeWithTag("copy_account").assertTextContains("已复制")
        phone.close()

        // Part of the money arrived: 已收金额, the rest due, 部分到账.
        val partial = Phone(start = Route.OrderDetail)
        partial.models.orderDetail.open(orders[1])
        val t = partial.models.orderDetail.instructions!!
        assertEquals("¥38.00", t.amountDue)
        assertEquals("¥50.00", t.received)
        setContent { partial.Content() }
        waitForIdle()
        onNodeWithTag("received").assertIsDisplayed()
        onNodeWithText("¥50.00").assertIsDisplayed()
        onNodeWithText("部分到账").assertIsDisplayed()
        partial.close()
    }

    @Test
    fun `申请开票 from a completed order with the default profile preselected`() = runComposeUiTest {
        val phone = Phone(start = Route.Orders)
        setContent { phone.Content() }
        waitForIdle()
        onNodeWithTag("orders_tab_Done").performClick()
        waitForIdle()
        onNodeWithTag("invoice_20250301-0007").performClick()
        waitForIdle()
        assertEquals(Route.InvoiceRequest, phone.nav.current)
        assertEquals("bp-org", phone.models.invoices.profileChoice.value)
        onNodeWithTag("profile_bp-org").assertIsDisplayed()
        onNodeWithText("税号 91630100MA7ABCDE1W").assertIsDisplayed()
        onNodeWithTag("request_submit").performClick()
        waitForIdle()
        assertTrue("requestInvoice:20250301-0007:bp-org" in phone.core.calls, "${phone.core.calls}")
        assertEquals(Route.Invoices, phone.nav.current)
        onNodeWithTag("invoice_status_inv1").assertTextEquals("开票中")
        assertEquals("issuing", phone.core.orders.first { it.id == "20250301-0007" }.invoiceStatus)
        phone.close()
    }

    @Test
    fun `no billing profile - asked to add one first, and the new one is chosen`() = runBlocking<Unit> {
        val phone = Phone(start = Route.Orders)
        phone.core.commerce.profiles = emptyList()
        val m = phone.models.invoices
        assertTrue(m.startRequest(orders[2]))
        assertNull(m.profileChoice.value)
        assertNull(m.submitRequest())
        assertEquals("请先添加开票信息", m.problem.value?.message)
        assertEquals(0, count(phone.core.calls, "requestInvoice"))
        phone.models.billing.startAdd()
        phone.models.billing.kind.value = TitleKind.PERSONAL
        phone.models.billing.title.value = "张三"
        assertTrue(phone.models.billing.save())
        m.reloadProfiles()
        assertEquals(phone.core.commerce.profiles.single().id, m.profileChoice.value)
        assertTrue(m.submitRequest() != null)
        // Not for an order that is not completed.
        assertFalse(m.startRequest(orders[0]))
        assertEquals("只有已完成且未开票的订单可以申请开票", m.problem.value?.message)
        phone.close()
    }

    @Test
    fun `an invoice is downloaded and shared by a copyable link, red ones are marked`() = runComposeUiTest {
        val phone = Phone(start = Route.Me)
        var saved: Pair<String, ByteArray>? = null
        Files.save = { name, _, bytes -> saved = name to bytes; true }
        setContent { phone.Content() }
        waitForIdle()
        onNodeWithTag("me_invoices").performClick()
        waitForIdle()
        assertEquals(Route.Invoices, phone.nav.current)
        onNodeWithTag("red_inv-r1").assertTextEquals("红字")
        assertEquals(0, onAllNodesWithTag("red_inv-b2").fetchSemanticsNodes().size)
        onNodeWithText("-¥88.00").assertIsDisplayed()
        onNodeWithTag("download_inv-b2").performClick()
        waitForIdle()
        assertEquals("invoice-25632000000012345678.pdf", saved!!.first)
        assertTrue(String(saved!!.second).startsWith("%PDF"))
        onNodeWithText("发票已保存").assertIsDisplayed()
        onNodeWithTag("share_inv-b2").performClick()
        waitForIdle()
        onNodeWithTag("share_url").assertTextEquals("https://mcert.example.cn/v1/shared/invoices/Qm9R7xYk2Lw")
        onNodeWithTag("share_expiry").assertTextEquals("有效期至 2025-03-15 14:00")
        onNodeWithTag("share_copy").performClick()
        waitForIdle()
        assertEquals(listOf("https://mcert.example.cn/v1/shared/invoices/Qm9R7xYk2Lw"), phone.clipboard.copied)
        onNodeWithTag("share_copy").assertTextContains("已复制")
        onNodeWithTag("share_close").performClick()
        waitForIdle()
        assertEquals(0, onAllNodesWithTag("share_overlay").fetchSemanticsNodes().size)
        phone.close()
    }

    @Test
    fun `billing profile form errors, in zh and in en`() = runBlocking<Unit> {
        val core = FakeCore()
        val m = BillingProfilesModel(core)
        m.refresh()
        m.startAdd()
        assertFalse(m.isDefault.value, "a second profile is not the default unless asked")
        assertFalse(m.save())
        assertEquals("bad_title" to "title", m.problem.value!!.code to m.problem.value!!.field)
        assertEquals("请输入 2 至 100 个字的发票抬头", m.problem.value!!.message)
        m.title.value = "西宁某某工程有限公司"
        m.taxpayerId.value = "91630100MA7ABCDE1X"
        assertFalse(m.save())
        assertEquals("纳税人识别号不正确，请核对 18 位统一社会信用代码", m.problem.value!!.message)
        Texts.use(Language.EN)
        assertFalse(m.save())
        assertEquals("The taxpayer ID is wrong; check the 18-character unified social credit code", m.problem.value!!.message)
        m.taxpayerId.value = "91630100ma7abcde1w"
        m.bankAccount.value = "12 34"
        assertFalse(m.save())
        assertEquals("The account number must be 8 to 32 digits" to "bank_account", m.problem.value!!.message to m.problem.value!!.field)
        assertEquals(0, count(core.calls, "addBillingProfile"))
        m.bankAccount.value = "2805 0123 0902 4500 111"
        assertTrue(m.save())
        val added = core.commerce.profiles.last()
        assertEquals("91630100MA7ABCDE1W", added.taxpayerId)
        assertEquals("2805012309024500111", added.bankAccount)
        // A person's title needs no taxpayer ID.
        m.startAdd()
        m.kind.value = TitleKind.PERSONAL
        m.title.value = "李四"
        m.taxpayerId.value = "not a code"
        assertTrue(m.save())
        assertNull(core.commerce.profiles.last().taxpayerId)
    }

    @Test
    fun `开票信息 - the form shows its error, 设为默认 and 删除 after a confirmation`() = runComposeUiTest {
        val phone = Phone(start = Route.Me)
        setContent { phone.Content() }
        waitForIdle()
        onNodeWithTag("me_billing").performClick()
        waitForIdle()
        onNodeWithTag("default_bp-org").assertIsDisplayed()
        onNodeWithTag("set_default_bp-me").performClick()
        waitForIdle()
        assertTrue("updateBillingProfile:bp-me:true" in phone.core.calls, "${phone.core.calls}")
        onNodeWithTag("default_bp-me").assertIsDisplayed()
        assertEquals(0, onAllNodesWithTag("default_bp-org").fetchSemanticsNodes().size)
        onNodeWithTag("profile_add").performClick()
        waitForIdle()
        assertEquals(Route.BillingProfileForm, phone.nav.current)
        onNodeWithTag("profile_title").performTextInput("西宁某某工程有限公司")
        onNodeWithTag("profile_taxpayer").performTextInput("91630100ma7abcde1x")
        onNodeWithTag("profile_save").performClick()
        waitForIdle()
        onNodeWithText("纳税人识别号不正确，请核对 18 位统一社会信用代码").assertIsDisplayed()
        onNodeWithTag("profile_taxpayer").performTextReplacement("91630100MA7ABCDE1W")
        onNodeWithTag("profile_save").performClick()
        waitForIdle()
        assertEquals(Route.BillingProfiles, phone.nav.current)
        onNodeWithText("西宁某某工程有限公司").assertIsDisplayed()
        onNodeWithTag("delete_bp-org").performClick()
        waitForIdle()
        onNodeWithText("确定删除“青海某某建设工程有限公司”吗？").assertIsDisplayed()
        onNodeWithTag("confirm_ok").performClick()
        waitForIdle()
        assertTrue("deleteBillingProfile:bp-org" in phone.core.calls)
        assertEquals(0, onAllNodesWithTag("profile_bp-org").fetchSemanticsNodes().size)
        phone.close()
    }

    @Test
    fun `打款账户 - added after a checked form, shown masked, deleted after a confirmation`() = runComposeUiTest {
        val phone = Phone(start = Route.Me)
        setContent { phone.Content() }
        waitForIdle()
        onNodeWithTag("me_payers").performClick()
        waitForIdle()
        onNodeWithText("6222********3445").assertIsDisplayed()
        onNodeWithTag("payer_add").performClick()
        waitForIdle()
        onNodeWithTag("payer_kind_PERSONAL").performClick()
        onNodeWithTag("payer_holder").performTextInput("李四")
        onNodeWithTag("payer_number").performTextInput("6217 0012")
        onNodeWithTag("payer_bank").performTextInput("中国农业银行西宁分行")
        onNodeWithTag("payer_number").performTextReplacement("6217 00")
        onNodeWithTag("payer_submit").performClick()
        waitForIdle()
        onNodeWithText("账号只能是 8 至 32 位数字").assertIsDisplayed()
        assertEquals(0, count(phone.core.calls, "addPayerAccount"))
        onNodeWithTag("payer_number").performTextReplacement("6217 0012 3456 7890 12")
        onNodeWithTag("payer_submit").performClick()
        waitForIdle()
        assertEquals(Route.PayerAccounts, phone.nav.current)
        val added = phone.core.commerce.payers.last()
        assertEquals(PayerKind.PERSONAL, added.kind)
        onNodeWithText("6217********9012").assertIsDisplayed()
        onNodeWithTag("payer_delete_pa-me").performClick()
        waitForIdle()
        onNodeWithTag("confirm_ok").performClick()
        waitForIdle()
        assertTrue("deletePayerAccount:pa-me" in phone.core.calls)
        assertEquals(0, onAllNodesWithTag("payer_pa-me").fetchSemanticsNodes().size)
        phone.close()
    }
}
