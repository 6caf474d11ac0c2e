package cn.mcert.app.core

/**
 * What the paying and invoicing screens need from the core (seed 003 §4–6, seed 000 §2.1 E
 * and §4): cancelling and changing an order (购买信息修改), paying by bank transfer to the
 * order's own receiving account, invoices (申请开票, the PDF, a share link), billing
 * information (开票信息) and the accounts the buyer pays from (打款账户). Every failure is an
 * [AppError] carrying the service's message. Part of [CertCore].
 */
interface CommerceCore {
    /** 【取消】 an order not paid yet. */
    suspend fun cancelOrder(orderId: String): Order
    /** 【购买信息修改】: a new period (1, 2 or 3 years) before anything was paid. */
    suspend fun changeOrder(orderId: String, years: Long): Order
    /** 【转账支付】: the order with its [Order.transfer] instructions. */
    suspend fun payByTransfer(orderId: String): Order
    /** 【申请开票】, made out to [profileId] (the default profile when null). */
    suspend fun requestInvoice(orderId: String, profileId: String?): Invoice
    suspend fun invoices(): List<Invoice>
    /** The invoice's PDF. */
    suspend fun invoicePdf(invoiceId: String): ByteArray
    /** A link anyone can open until it expires. */
    suspend fun shareInvoice(invoiceId: String): InvoiceShare
    suspend fun billingProfiles(): List<BillingProfile>
    suspend fun addBillingProfile(form: BillingProfileForm): BillingProfile
    suspend fun updateBillingProfile(profileId: String, form: BillingProfileForm): BillingProfile
    suspend fun deleteBillingProfile(profileId: String)
    suspend fun payerAccounts(): List<PayerAccount>
    suspend fun addPayerAccount(form: PayerAccountForm): PayerAccount
    suspend fun deletePayerAccount(payerId: String)
}

/**
 * The host's clipboard (the Android ClipboardManager, UIPasteboard on iOS; a recorder in tests):
 * account numbers and share links are copied, never typed.
 */
fun interface HostClipboard {
    fun copy(text: String)

    companion object {
        /** Copies nowhere (a host without a clipboard). */
        val None = HostClipboard { }
    }
}

/** Where to send the money of an order paid by bank transfer (收款银行 / 收款账户名 / 收款账号). */
data class Transfer(
    val bankName: String,
    val accountName: String,
    /** This order's own receiving account; its last digit is a Luhn check digit. */
    val accountNo: String,
    /** What is still to pay, in fen. */
    val amountDueFen: Long,
    val currency: String,
    /** RFC 3339. */
    val deadline: String,
)

/** 单位 (a company, with its unified social credit code as taxpayer ID) or 个人. */
enum class TitleKind { COMPANY, PERSONAL }

/** 公户 or 个人账户. */
enum class PayerKind { PUBLIC, PERSONAL }

/** 开票信息: what an invoice is made out to; one of them is the default. */
data class BillingProfile(
    val id: String,
    val kind: TitleKind,
    val title: String,
    val taxpayerId: String?,
    val addressPhone: String?,
    val bankName: String?,
    val bankAccount: String?,
    val isDefault: Boolean,
)

data class BillingProfileForm(
    val kind: TitleKind,
    val title: String,
    val taxpayerId: String?,
    val addressPhone: String?,
    val bankName: String?,
    val bankAccount: String?,
    val isDefault: Boolean,
)

/** 打款账户, its number masked as the service keeps it. */
data class PayerAccount(
    val id: String,
    val kind: PayerKind,
    val holderName: String,
    val accountNoMasked: String,
    val bankName: String,
)

/** 【添加打款账户】; [accountNo] digits only, never logged. */
data class PayerAccountForm(val kind: PayerKind, val holderName: String, val accountNo: String, val bankName: String) {
    override fun toString(): String = "PayerAccountForm(kind=$kind, holderName=$holderName, accountNo=<redacted>, bankName=$bankName)"
}

/**
 * An invoice: [kind] `blue`, or `red` (红字) reversing the blue one [reverses]; [status]
 * `issuing`, `issued` or `failed`. Amounts in fen, negative on a red invoice.
 */
data class Invoice(
    val id: String,
    val orderId: String,
    val kind: String,
    val status: String,
    val statusLabel: String,
    val number: String?,
    val title: String,
    val taxpayerId: String?,
    val amountFen: Long,
    val taxFen: Long,
    val totalFen: Long,
    val currency: String,
    val issuedAt: String?,
    val reverses: String?,
) {
    val isRed: Boolean get() = kind == "red"
    val issued: Boolean get() = status == "issued"
}

data class InvoiceShare(val url: String, val expiresAt: String)
