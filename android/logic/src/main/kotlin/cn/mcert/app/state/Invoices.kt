package cn.mcert.app.state

import cn.mcert.app.core.AppError
import cn.mcert.app.core.BillingProfile
import cn.mcert.app.core.CertCore
import cn.mcert.app.core.Display
import cn.mcert.app.core.HostClipboard
import cn.mcert.app.core.Invoice
import cn.mcert.app.core.Order
import cn.mcert.app.core.Texts
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow

/**
 * 【发票管理】 (seed 003 §6 2) 发票下载, seed 000 §4): the account's invoices (number, title, total,
 * state; red-letter ones marked 红字), 【申请开票】 for a completed order with a billing profile
 * (the default one preselected), the PDF to save, and 【分享】: a link anyone may open until it
 * expires, shown and copyable.
 */
class InvoicesModel(private val core: CertCore, private val clipboard: HostClipboard) {
    /** What an invoice's card shows. */
    data class Row(
        val invoice: Invoice,
        /** 发票号码, or 开票中 before it has one. */
        val number: String,
        val title: String,
        /** 价税合计, `¥300.00` (negative on a red invoice). */
        val total: String,
        val status: String,
        val red: Boolean,
        val issuedAt: String?,
    )

    /** A share link being shown. */
    data class Shared(val invoice: Invoice, val url: String, val expiresAt: String)

    private val _invoices = MutableStateFlow<List<Invoice>>(emptyList())
    val invoices: StateFlow<List<Invoice>> = _invoices
    private val _loading = MutableStateFlow(false)
    val loading: StateFlow<Boolean> = _loading
    private val _busy = MutableStateFlow(false)
    val busy: StateFlow<Boolean> = _busy
    val problem = MutableStateFlow<Problem?>(null)

    // 申请开票
    private val _requestFor = MutableStateFlow<Order?>(null)
    /** The order an invoice is being requested for. */
    val requestFor: StateFlow<Order?> = _requestFor
    private val _profiles = MutableStateFlow<List<BillingProfile>>(emptyList())
    val profiles: StateFlow<List<BillingProfile>> = _profiles
    val profileChoice = MutableStateFlow<String?>(null)

    // 分享
    val shared = MutableStateFlow<Shared?>(null)
    /** What was last put on the clipboard. */
    val copied = MutableStateFlow<String?>(null)

    fun row(i: Invoice): Row = Row(
        invoice = i,
        number = i.number ?: Texts.state("invoice", i.status, i.statusLabel),
        title = i.title,
        total = Display.money(i.totalFen),
        status = Texts.state("invoice", i.status, i.statusLabel),
        red = i.isRed,
        issuedAt = i.issuedAt?.let(Display::beijingTime),
    )

    suspend fun refresh() {
        _loading.value = true
        try {
            _invoices.value = core.invoices()
            problem.value = null
        } catch (e: AppError) {
            problem.value = Problem.of(e)
        } finally {
            _loading.value = false
        }
    }

    /** Opens 申请开票 for [order]: reads the billing profiles and preselects the default one. */
    suspend fun startRequest(order: Order): Boolean {
        _requestFor.value = order
        problem.value = null
        if (!order.canRequestInvoice) {
            problem.value = Problem.local("not_invoiceable")
            return false
        }
        profileChoice.value = null
        return reloadProfiles()
    }

    /**
     * Reads the billing profiles again (one was just added): the choice stays when it still
     * exists, else the default profile (or the only one) is chosen.
     */
    suspend fun reloadProfiles(): Boolean =
        try {
            val list = core.billingProfiles()
            _profiles.value = list
            if (list.none { it.id == profileChoice.value }) {
                profileChoice.value = (list.firstOrNull { it.isDefault } ?: list.firstOrNull())?.id
            }
            true
        } catch (e: AppError) {
            problem.value = Problem.of(e)
            false
        }

    /** 【提交】 of 申请开票: the invoice (开票中 or issued at once), or null with [problem] set. */
    suspend fun submitRequest(): Invoice? {
        val order = _requestFor.value ?: return null
        if (!order.canRequestInvoice) {
            problem.value = Problem.local("not_invoiceable")
            return null
        }
        val profile = profileChoice.value
        if (profile == null || _profiles.value.none { it.id == profile }) {
            problem.value = Problem.local("billing_profile_first", "profile")
            return null
        }
        _busy.value = true
        return try {
            val invoice = core.requestInvoice(order.id, profile)
            _requestFor.value = null
            refresh()
            invoice
        } catch (e: AppError) {
            problem.value = Problem.of(e)
            null
        } finally {
            _busy.value = false
        }
    }

    /** The file name to save [invoice] under. */
    fun fileName(invoice: Invoice): String = "invoice-${invoice.number ?: invoice.id}.pdf"

    /** 【下载】: the invoice's PDF for the host to save or open; null with [problem] set. */
    suspend fun pdf(invoice: Invoice): ByteArray? {
        _busy.value = true
        return try {
            core.invoicePdf(invoice.id).also { problem.value = null }
        } catch (e: AppError) {
            problem.value = Problem.of(e)
            null
        } finally {
            _busy.value = false
        }
    }

    /** 【分享】: a new link to [invoice], shown with its expiry. */
    suspend fun share(invoice: Invoice): Boolean {
        _busy.value = true
        copied.value = null
        return try {
            val s = core.shareInvoice(invoice.id)
            shared.value = Shared(invoice, s.url, Display.beijingTime(s.expiresAt))
            problem.value = null
            true
        } catch (e: AppError) {
            problem.value = Problem.of(e)
            false
        } finally {
            _busy.value = false
        }
    }

    /** 【复制链接】 */
    fun copyLink(): Boolean {
        val url = shared.value?.url ?: return false
        clipboard.copy(url)
        copied.value = url
        return true
    }
}
