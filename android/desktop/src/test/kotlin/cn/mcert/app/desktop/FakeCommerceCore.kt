package cn.mcert.app.desktop

import cn.mcert.app.core.AppError
import cn.mcert.app.core.BillingProfile
import cn.mcert.app.core.BillingProfileForm
import cn.mcert.app.core.CommerceCore
import cn.mcert.app.core.HostClipboard
import cn.mcert.app.core.Invoice
import cn.mcert.app.core.InvoiceShare
import cn.mcert.app.core.Order
import cn.mcert.app.core.PayerAccount
import cn.mcert.app.core.PayerAccountForm
import cn.mcert.app.core.PayerKind
import cn.mcert.app.core.TitleKind
import cn.mcert.app.core.Transfer
import cn.mcert.app.core.Validate

/**
 * The commerce side of the fake core: orders, invoices, billing profiles and payer accounts kept
 * in memory and changed as the service would change them (labels in zh-CN as the service sends
 * them), with the service's refusals where the screens show them.
 */
class FakeCommerceCore(val calls: MutableList<String>) : CommerceCore {
    var orders: List<Order> = CommerceSamples.orders
    var invoices: List<Invoice> = CommerceSamples.invoices
    var profiles: List<BillingProfile> = CommerceSamples.profiles
    var payers: List<PayerAccount> = CommerceSamples.payers
    /** When set, the commerce calls fail with it. */
    var failure: AppError? = null
    private var next = 1

    private fun call(name: String) {
        calls += name
        failure?.let { throw it }
    }

    private fun order(id: String) = orders.firstOrNull { it.id == id } ?: throw AppError("order_not_found", "订单不存在", httpStatus = 404)

    private fun put(o: Order): Order {
        orders = orders.map { if (it.id == o.id) o else it }
        return o
    }

    override suspend fun cancelOrder(orderId: String): Order {
        call("cancelOrder:$orderId")
        val o = order(orderId)
        if (!o.unpaid) throw AppError("order_not_cancellable", "订单已付款或已处理，不能取消", httpStatus = 409)
        return put(o.copy(status = "cancelled", statusLabel = "已取消", transfer = null))
    }

    override suspend fun changeOrder(orderId: String, years: Long): Order {
        call("changeOrder:$orderId:$years")
        val o = order(orderId)
        if (!o.unpaid) throw AppError("order_not_changeable", "订单已付款，不能修改", httpStatus = 409)
        if (years !in 1L..3L) throw AppError("bad_period", "办理期限只能是 1 至 3 年", httpStatus = 400)
        val amount = o.amountFen / o.years * years
        return put(o.copy(years = years, amountFen = amount, transfer = o.transfer?.copy(amountDueFen = amount)))
    }

    override suspend fun payByTransfer(orderId: String): Order {
        call("payByTransfer:$orderId")
        val o = order(orderId)
        if (o.status != "awaiting_payment") throw AppError("order_not_payable", "订单不是待支付状态", httpStatus = 409)
        return put(o.copy(transfer = o.transfer ?: CommerceSamples.transfer.copy(amountDueFen = o.amountFen - o.paidFen)))
    }

    override suspend fun requestInvoice(orderId: String, profileId: String?): Invoice {
        call("requestInvoice:$orderId:$profileId")
        val o = order(orderId)
        if (o.status != "completed" || o.invoiceStatus != "none") throw AppError("not_invoiceable", "该订单不能申请开票", httpStatus = 409)
        val p = profiles.firstOrNull { if (profileId == null) it.isDefault else it.id == profileId }
            ?: throw AppError("billing_profile_required", "请先添加开票信息", httpStatus = 400)
        val invoice = Invoice(
            "inv${next++}", o.id, "blue", "issuing", "开票中", null, p.title, p.taxpayerId,
            o.amountFen - o.amountFen * 6 / 106, o.amountFen * 6 / 106, o.amountFen, "CNY", null, null,
        )
        invoices = listOf(invoice) + invoices
        put(o.copy(invoiceStatus = "issuing", invoiceStatusLabel = "开票中"))
        return invoice
    }

    override suspend fun invoices(): List<Invoice> {
        call("invoices")
        return invoices
    }

    override suspend fun invoicePdf(invoiceId: String): ByteArray {
        call("invoicePdf:$invoiceId")
        return "%PDF-1.7\n% invoice $invoiceId\n".toByteArray()
    }

    override suspend fun shareInvoice(invoiceId: String): InvoiceShare {
        call("shareInvoice:$invoiceId")
        return InvoiceShare("https://mcert.example.cn/v1/shared/invoices/Qm9R7xYk2Lw", "2025-03-15T06:00:00Z")
    }

    override suspend fun billingProfiles(): List<BillingProfile> {
        call("billingProfiles")
        return profiles
    }

    private fun check(form: BillingProfileForm) {
        if (form.kind == TitleKind.COMPANY && !Validate.creditCode(form.taxpayerId.orEmpty())) {
            throw AppError("invalid_taxpayer_id", "纳税人识别号不正确", httpStatus = 400)
        }
    }

    /** Adds or replaces [p]; one default at most (the first profile is the default). */
    private fun saveProfile(p: BillingProfile): BillingProfile {
        val saved = if (profiles.none { it.id != p.id }) p.copy(isDefault = true) else p
        val rest = profiles.map { if (saved.isDefault && it.id != saved.id) it.copy(isDefault = false) else it }
        profiles = if (rest.any { it.id == saved.id }) rest.map { if (it.id == saved.id) saved else it } else rest + saved
        return saved
    }

    override suspend fun addBillingProfile(form: BillingProfileForm): BillingProfile {
        call("addBillingProfile:${form.title}")
        check(form)
        return saveProfile(form.toProfile("bp${next++}"))
    }

    override suspend fun updateBillingProfile(profileId: String, form: BillingProfileForm): BillingProfile {
        call("updateBillingProfile:$profileId:${form.isDefault}")
        check(form)
        if (profiles.none { it.id == profileId }) throw AppError("billing_profile_not_found", "开票信息不存在", httpStatus = 404)
        return saveProfile(form.toProfile(profileId))
    }

    override suspend fun deleteBillingProfile(profileId: String) {
        call("deleteBillingProfile:$profileId")
        profiles = profiles.filterNot { it.id == profileId }
    }

    override suspend fun payerAccounts(): List<PayerAccount> {
        call("payerAccounts")
        return payers
    }

    override suspend fun addPayerAccount(form: PayerAccountForm): PayerAccount {
        call("addPayerAccount:${form.holderName}")
        val masked = form.accountNo.take(4) + "********" + form.accountNo.takeLast(4)
        if (payers.any { it.accountNoMasked == masked && it.holderName == form.holderName }) {
            throw AppError("payer_account_exists", "该打款账户已添加", httpStatus = 409)
        }
        val a = PayerAccount("pa${next++}", form.kind, form.holderName, masked, form.bankName)
        payers = payers + a
        return a
    }

    override suspend fun deletePayerAccount(payerId: String) {
        call("deletePayerAccount:$payerId")
        payers = payers.filterNot { it.id == payerId }
    }

    private fun BillingProfileForm.toProfile(id: String) =
        BillingProfile(id, kind, title, taxpayerId, addressPhone, bankName, bankAccount, isDefault)
}

/** A clipboard that remembers what was copied. */
class FakeClipboard : HostClipboard {
    val copied = mutableListOf<String>()
    override fun copy(text: String) {
        copied += text
    }
}

/** Orders in every state, invoices (one red), billing profiles and payer accounts. */
object CommerceSamples {
    const val ORG_PACKAGE = "单位证书套餐（单位证书 1 张 + 个人证书 2 张）"

    /** A receiving account whose last digit is its Luhn check digit. */
    val transfer = Transfer("中国工商银行西宁城西支行", "青海移动证书服务有限公司", "6217000012345678907", 30_000, "CNY", "2025-03-15T06:00:00Z")

    val orders = listOf(
        Order(
            "20250308-0001", "org", 1, 30_000, "CNY", "awaiting_payment", "待支付", null, "2025-03-08T06:00:00Z",
            productName = ORG_PACKAGE,
        ),
        Order(
            "20250306-0004", "personal", 1, 8_800, "CNY", "awaiting_payment", "待支付", null, "2025-03-06T02:10:00Z",
            productName = "个人证书", paidFen = 5_000, transfer = transfer.copy(amountDueFen = 3_800),
        ),
        Order(
            "20250301-0007", "personal", 2, 17_600, "CNY", "completed", "已完成", null, "2025-03-01T01:30:00Z",
            productName = "个人证书", paidFen = 17_600, invoiceStatusLabel = "未开票",
        ),
        Order(
            "20250220-0003", "org", 1, 30_000, "CNY", "pending_review", "待审核", null, "2025-02-20T09:12:00Z",
            productName = ORG_PACKAGE,
        ),
        Order(
            "20250115-0002", "org", 1, 30_000, "CNY", "rejected", "未通过", "营业执照照片不清晰，请重新上传", "2025-01-15T03:45:00Z",
            productName = ORG_PACKAGE,
        ),
        Order(
            "20250110-0005", "personal", 1, 8_800, "CNY", "completed", "已完成", null, "2025-01-10T02:00:00Z",
            productName = "个人证书", paidFen = 8_800, invoiceStatus = "issued", invoiceStatusLabel = "已开票",
        ),
        Order(
            "20250105-0006", "personal", 1, 8_800, "CNY", "cancelled", "已取消", null, "2025-01-05T08:20:00Z",
            productName = "个人证书",
        ),
        Order(
            "20241201-0009", "personal", 1, 8_800, "CNY", "refunded", "已退款", null, "2024-12-01T04:00:00Z",
            productName = "个人证书", paidFen = 8_800, invoiceStatus = "reversed", invoiceStatusLabel = "已红冲",
        ),
    )

    val invoices = listOf(
        Invoice(
            "inv-b2", "20250110-0005", "blue", "issued", "已开票", "25632000000012345678", "张三", null,
            8_302, 498, 8_800, "CNY", "2025-01-10T03:00:00Z", null,
        ),
        Invoice(
            "inv-r1", "20241201-0009", "red", "issued", "红字发票", "25632000000012349999", "青海某某建设工程有限公司", "91630100MA7ABCDE1W",
            -8_302, -498, -8_800, "CNY", "2024-12-20T02:00:00Z", "inv-b1",
        ),
        Invoice(
            "inv-b1", "20241201-0009", "blue", "issued", "已开票", "25632000000012340001", "青海某某建设工程有限公司", "91630100MA7ABCDE1W",
            8_302, 498, 8_800, "CNY", "2024-12-01T05:00:00Z", null,
        ),
    )

    val profiles = listOf(
        BillingProfile(
            "bp-org", TitleKind.COMPANY, "青海某某建设工程有限公司", "91630100MA7ABCDE1W",
            "西宁市城西区五四西路 1 号 0971-1234567", "中国工商银行西宁城西支行", "2805012309024500000", true,
        ),
        BillingProfile("bp-me", TitleKind.PERSONAL, "张三", null, null, null, null, false),
    )

    val payers = listOf(
        PayerAccount("pa-org", PayerKind.PUBLIC, "青海某某建设工程有限公司", "2805********0000", "中国工商银行西宁城西支行"),
        PayerAccount("pa-me", PayerKind.PERSONAL, "张三", "6222********3445", "中国建设银行西宁分行"),
    )
}
