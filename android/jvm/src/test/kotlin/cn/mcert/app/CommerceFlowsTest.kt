package cn.mcert.app

import cn.mcert.app.bridge.FfiCertCore
import cn.mcert.app.core.HostClipboard
import cn.mcert.app.core.IdentityForm
import cn.mcert.app.core.Order
import cn.mcert.app.core.PayerKind
import cn.mcert.app.core.Texts
import cn.mcert.app.core.TitleKind
import cn.mcert.app.core.Validate
import cn.mcert.app.state.ApplyModel
import cn.mcert.app.state.BillingProfilesModel
import cn.mcert.app.state.InvoicesModel
import cn.mcert.app.state.OrderDetailModel
import cn.mcert.app.state.OrdersModel
import cn.mcert.app.state.PayerAccountsModel
import cn.mcert.ffi.McertApp
import java.io.File
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.util.UUID
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.MethodOrderer
import org.junit.jupiter.api.Order as RunOrder
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.TestMethodOrder

/**
 * Paying by bank transfer and invoicing, walked through the app's state holders, the generated
 * bindings and the real core against a real development service: 开票信息 and 打款账户 added and
 * read back, a personal certificate ordered and its period changed (购买信息修改), 转账支付 with
 * the order's own receiving account (its check digit verified, copied as digits), the bank
 * simulated by the development endpoint (a short amount, then the rest, then the same
 * transfer again), the invoice issued automatically after payment, its PDF, and its share link
 * opened anonymously; an unpaid order cancelled.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation::class)
class CommerceFlowsTest {
    private lateinit var service: DevService
    private lateinit var home: File
    private lateinit var app: McertApp
    private lateinit var core: FfiCertCore
    private val copied = mutableListOf<String>()
    private val clipboard = HostClipboard { copied += it }
    private val http: HttpClient = HttpClient.newHttpClient()
    private val phone = "13912345678"
    private val payerNumber = "6222020200112233445"
    private var order: Order? = null

    @BeforeAll
    fun start() {
        Texts.english = false
        service = DevService()
        home = Files.createTempDirectory("mcert-commerce-phone-").toFile()
        app = McertApp(home.path, service.url, MemorySecrets())
        core = FfiCertCore(app)
    }

    @AfterAll
    fun stop() {
        app.close()
        service.close()
        home.deleteRecursively()
    }

    /** The bank, as the development service lets a test play it; the outcome it reports. */
    private fun bankTransfer(accountNo: String, amountFen: Long, bankRef: String): String {
        val body = """{"account_no": "$accountNo", "amount_fen": $amountFen, "bank_ref": "$bankRef", """ +
            """"payer_name": "张三", "payer_account": "$payerNumber"}"""
        val response = http.send(
            HttpRequest.newBuilder(URI.create("${service.url}/v1/dev/bank-transfer"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString(),
        )
        assertEquals(200, response.statusCode(), response.body())
        return Regex("\"outcome\"\\s*:\\s*\"([a-z_]+)\"").find(response.body())?.groupValues?.get(1) ?: error(response.body())
    }

    private suspend fun current(id: String): Order = core.orders().first { it.id == id }

    @Test
    @RunOrder(1)
    fun `log in, verify, and keep billing information and a payer account`() = runBlocking<Unit> {
        core.requestCode(phone)
        core.login(phone, core.devSmsCode(phone))
        core.choosePlatform(core.platforms().first().id)
        core.verifyIdentity(IdentityForm("张三", "110101199003070011", phone, null, "dev-live-ok"))

        val billing = BillingProfilesModel(core)
        billing.refresh()
        assertTrue(billing.profiles.value.isEmpty())
        billing.startAdd()
        assertTrue(billing.isDefault.value, "the first profile is the default")
        billing.title.value = "青海某某建设工程有限公司"
        billing.taxpayerId.value = "91630100MA7ABCDE1Y"
        assertFalse(billing.save())
        assertEquals("taxpayer_id", billing.problem.value!!.field)
        billing.taxpayerId.value = "91630100ma7abcde1w"
        billing.addressPhone.value = "西宁市城西区五四西路 1 号 0971-1234567"
        billing.bankAccount.value = "2805 0123 0902 4500 000"
        assertTrue(billing.save(), "${billing.problem.value}")
        val profile = billing.profiles.value.single()
        assertEquals(TitleKind.COMPANY, profile.kind)
        assertEquals("91630100MA7ABCDE1W", profile.taxpayerId)
        assertEquals("2805012309024500000", profile.bankAccount)
        assertTrue(profile.isDefault)

        val payers = PayerAccountsModel(core)
        payers.refresh()
        payers.kind.value = PayerKind.PERSONAL
        payers.holderName.value = "张三"
        payers.accountNo.value = payerNumber.chunked(4).joinToString(" ")
        payers.bankName.value = "中国工商银行西宁分行"
        assertTrue(payers.add(), "${payers.problem.value}")
        val payer = payers.accounts.value.single()
        assertEquals(PayerKind.PERSONAL, payer.kind)
        assertFalse(payer.accountNoMasked.contains(payerNumber.substring(4, 15)), payer.accountNoMasked)
        assertTrue(payer.accountNoMasked.endsWith("3445"), payer.accountNoMasked)
    }

    @Test
    @RunOrder(2)
    fun `order, change the period, pay by transfer with the order's own account`() = runBlocking<Unit> {
        val apply = ApplyModel(core)
        apply.load()
        assertTrue(apply.products.value.all { it.purpose == "new" })
        apply.selected.value = "personal"
        apply.years.value = 1
        apply.order()
        val placed = (apply.state.value as ApplyModel.State.Ordered).order
        assertEquals("awaiting_payment", placed.status)

        val orders = OrdersModel(core)
        orders.refresh()
        val row = orders.row(orders.orders.value.first { it.id == placed.id })
        assertTrue(row.product.isNotBlank() && row.product != placed.productId, "the product's name: ${row.product}")
        assertTrue(row.amount.startsWith("¥") && row.amount.endsWith(".00"), row.amount)
        assertEquals(listOf(placed.id), orders.shown(OrdersModel.Tab.Payment).map { it.id })

        // 购买信息修改: two years, before payment.
        assertTrue(orders.startChange(placed))
        orders.changeYears.value = 2
        assertEquals(placed.amountFen * 2, orders.changedAmountFen())
        assertTrue(orders.confirmChange(), "${orders.changeProblem.value}")
        val changed = current(placed.id)
        assertEquals(2L, changed.years)
        assertEquals(placed.amountFen * 2, changed.amountFen)

        val detail = OrderDetailModel(core, clipboard)
        assertTrue(detail.payByTransfer(changed), "${detail.problem.value}")
        val o = detail.order.value!!
        val t = o.transfer ?: error("no transfer instructions: $o")
        assertTrue(t.bankName.isNotBlank() && t.accountName.isNotBlank())
        assertTrue(Validate.luhn(t.accountNo), "the last digit is the Luhn check digit: ${t.accountNo}")
        assertEquals(changed.amountFen, t.amountDueFen)
        val shown = detail.instructions!!
        assertEquals(t.accountNo.chunked(4).joinToString(" "), shown.accountNo)
        assertNull(shown.received)
        assertTrue(detail.copyAccount())
        assertEquals(listOf(t.accountNo), copied)
        // Choosing transfer again keeps the same account.
        assertTrue(detail.payByTransfer(o))
        assertEquals(t.accountNo, detail.order.value!!.transfer!!.accountNo)
        order = o
    }

    @Test
    @RunOrder(3)
    fun `the bank pays in two parts, the same transfer twice counts once`() = runBlocking<Unit> {
        val o = order!!
        val account = o.transfer!!.accountNo
        val short = o.amountFen - 5_000
        val ref1 = "T" + UUID.randomUUID().toString().replace("-", "").take(20)
        assertEquals("partial", bankTransfer(account, short, ref1))

        val detail = OrderDetailModel(core, clipboard)
        detail.open(o)
        detail.refresh()
        val partial = detail.order.value!!
        assertEquals("awaiting_payment", partial.status)
        assertEquals("待支付", OrdersModel(core).row(partial).status)
        assertEquals(short, partial.paidFen)
        assertEquals("partial", partial.paymentState)
        assertFalse(partial.canPayOnline, "the rest goes by transfer")
        assertFalse(partial.canCancel)
        assertFalse(partial.canChange)
        assertNotNull(detail.instructions?.received)

        val ref2 = "T" + UUID.randomUUID().toString().replace("-", "").take(20)
        assertEquals("paid", bankTransfer(account, o.amountFen - short, ref2))
        val paid = current(o.id)
        assertEquals("completed", paid.status)
        assertEquals("已完成", paid.statusLabel)
        assertEquals(o.amountFen, paid.paidFen)

        val again = bankTransfer(account, o.amountFen - short, ref2)
        assertTrue(again != "paid" && again != "partial", "the same bank reference again: $again")
        val still = current(o.id)
        assertEquals(o.amountFen, still.paidFen)
        assertEquals("completed", still.status)
    }

    @Test
    @RunOrder(4)
    fun `the invoice is issued after payment, downloaded and shared`() = runBlocking<Unit> {
        val o = order!!
        val invoices = InvoicesModel(core, clipboard)
        val deadline = System.nanoTime() + 20_000_000_000L
        var issued = null as cn.mcert.app.core.Invoice?
        while (issued == null && System.nanoTime() < deadline) {
            invoices.refresh()
            issued = invoices.invoices.value.firstOrNull { it.orderId == o.id && it.issued }
            if (issued == null) delay(250)
        }
        val invoice = issued ?: error("no invoice issued within 20 s: ${invoices.invoices.value}")
        assertEquals("blue", invoice.kind)
        assertEquals("青海某某建设工程有限公司", invoice.title, "made out to the default billing profile")
        assertEquals(o.amountFen, invoice.totalFen)
        assertEquals(invoice.totalFen, invoice.amountFen + invoice.taxFen)
        assertNotNull(invoice.number)
        val row = invoices.row(invoice)
        assertEquals(invoice.number, row.number)
        assertFalse(row.red)
        val completed = current(o.id)
        assertEquals("issued", completed.invoiceStatus)
        assertFalse(completed.canRequestInvoice)
        assertFalse(invoices.startRequest(completed), "already invoiced")

        val pdf = invoices.pdf(invoice)!!
        assertTrue(String(pdf.copyOf(5), Charsets.US_ASCII) == "%PDF-", "a PDF")

        assertTrue(invoices.share(invoice), "${invoices.problem.value}")
        val shared = invoices.shared.value!!
        assertTrue(invoices.copyLink())
        assertEquals(shared.url, copied.last())
        val url = if (shared.url.startsWith("http")) shared.url else service.url + shared.url
        val response = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofByteArray())
        assertEquals(200, response.statusCode())
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("application/pdf"))
        assertTrue(String(response.body().copyOf(5), Charsets.US_ASCII) == "%PDF-")
    }

    @Test
    @RunOrder(5)
    fun `an unpaid order is cancelled after the confirmation`() = runBlocking<Unit> {
        val placed = core.placeOrder("personal", 1)
        val orders = OrdersModel(core)
        orders.refresh()
        orders.askCancel(placed)
        assertEquals(placed.id, orders.cancelling.value?.id)
        assertTrue(orders.confirmCancel(), orders.error.value)
        val cancelled = current(placed.id)
        assertEquals("cancelled", cancelled.status)
        assertEquals(listOf(placed.id), orders.shown(OrdersModel.Tab.Cancelled).map { it.id })
        // Nothing more to do with it.
        assertFalse(cancelled.canPayByTransfer || cancelled.canChange || cancelled.canCancel)
    }
}
