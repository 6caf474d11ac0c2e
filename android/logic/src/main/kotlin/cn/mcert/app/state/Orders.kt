package cn.mcert.app.state

import cn.mcert.app.core.AppError
import cn.mcert.app.core.CertCore
import cn.mcert.app.core.Display
import cn.mcert.app.core.HostClipboard
import cn.mcert.app.core.Order
import cn.mcert.app.core.Texts
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow

/**
 * The product an order is for, as the user reads it (never the product's id): 证书变更 and
 * 证书延期 by what the order is for, otherwise the catalogue's name.
 */
fun productText(o: Order): String = when (o.purpose) {
    "change" -> Texts["org_change"]
    "renewal" -> Texts["renewal"]
    else -> o.productName.ifBlank { Texts["certificate_fee"] }
}

/** What a change order asks for (变更为：…), null for other orders. */
fun orderNewNameText(o: Order): String? = o.newName?.takeIf { o.isChange }?.let { Texts.format("org_change_to_name", it) }

/** The order's state in the app's language (the service's zh-CN label for one it does not know). */
fun orderStatusText(o: Order): String = Texts.state("order", o.status, o.statusLabel)

/** 开票状态 in the app's language. */
fun orderInvoiceText(o: Order): String = Texts.state("order_invoice", o.invoiceStatus, o.invoiceStatusLabel)

/**
 * 【我的订单】 with the tabs of the manuals (全部 / 待审核 / 待支付 / 已完成 / 未通过 / 已取消; a
 * refunded order shows under 全部 only) and the actions an order allows in its state: 【支付】
 * online, 【转账支付】 ([OrderDetailModel.payByTransfer]), 【取消】 after a confirmation,
 * 【修改】 (购买信息修改: the period, before payment) and 【申请开票】 ([InvoicesModel]).
 */
class OrdersModel(private val core: CertCore) {
    enum class Tab(val textId: String, val statuses: Set<String>?) {
        All("orders_all", null),
        Review("orders_review", setOf("pending_review")),
        Payment("orders_payment", setOf("awaiting_payment")),
        Done("orders_done", setOf("completed")),
        Rejected("orders_rejected", setOf("rejected")),
        Cancelled("orders_cancelled", setOf("cancelled")),
    }

    /** What an order's card shows. */
    data class Row(
        val order: Order,
        val product: String,
        /** `¥300.00`. */
        val amount: String,
        val status: String,
        /** 驳回原因 of a rejected order. */
        val rejectReason: String?,
        /** 开票状态 of a completed order. */
        val invoice: String?,
        /** 已收 …，待付 … of an order partly paid by transfer. */
        val received: String?,
        /** 变更为：… of a change order. */
        val newName: String? = null,
    )

    private val _orders = MutableStateFlow<List<Order>>(emptyList())
    val orders: StateFlow<List<Order>> = _orders
    val tab = MutableStateFlow(Tab.All)
    private val _loading = MutableStateFlow(false)
    val loading: StateFlow<Boolean> = _loading
    val error = MutableStateFlow<String?>(null)
    private val _busy = MutableStateFlow(false)
    val busy: StateFlow<Boolean> = _busy

    /** The order being paid (its card shows the progress). */
    val paying = MutableStateFlow<String?>(null)

    /** The order whose cancellation waits for the user's confirmation. */
    val cancelling = MutableStateFlow<Order?>(null)

    /** 购买信息修改: the order being changed, and the period chosen. */
    val changing = MutableStateFlow<Order?>(null)
    val changeYears = MutableStateFlow(1L)
    val changeProblem = MutableStateFlow<Problem?>(null)

    /** The orders of [tab], newest first as the service lists them. */
    fun shown(tab: Tab = this.tab.value): List<Order> =
        _orders.value.filter { o -> tab.statuses == null || o.status in tab.statuses }

    fun row(o: Order): Row = Row(
        order = o,
        product = productText(o),
        amount = Display.money(o.amountFen),
        status = orderStatusText(o),
        rejectReason = o.rejectReason?.takeIf { o.status == "rejected" },
        invoice = if (o.status == "completed") orderInvoiceText(o) else null,
        received = if (o.paymentState == "partial") {
            Texts.format("received_line", Display.money(o.paidFen), Display.money(o.amountFen - o.paidFen))
        } else {
            null
        },
        newName = orderNewNameText(o),
    )

    suspend fun refresh() {
        _loading.value = true
        try {
            _orders.value = core.orders()
            error.value = null
        } catch (e: AppError) {
            error.value = e.message
        } finally {
            _loading.value = false
        }
    }

    /**
     * 【支付】 online of an order 待支付 (an organisation's application once approved): pays and
     * waits for the gateway's confirmation; true when it completed.
     */
    suspend fun pay(order: Order): Boolean {
        if (!order.canPayOnline) return false
        paying.value = order.id
        return try {
            val paid = core.payAndWait(order.id)
            refresh()
            paid.status == "completed"
        } catch (e: AppError) {
            error.value = e.message
            false
        } finally {
            paying.value = null
        }
    }

    /** Asks for the confirmation of cancelling [order] (unpaid orders only). */
    fun askCancel(order: Order) {
        if (order.canCancel) cancelling.value = order
    }

    /** 【确定取消】: true when the service cancelled it. */
    suspend fun confirmCancel(): Boolean {
        val order = cancelling.value ?: return false
        cancelling.value = null
        return act { core.cancelOrder(order.id) }
    }

    /** Opens 购买信息修改 for [order]; false (and nothing opened) once it is paid or closed. */
    fun startChange(order: Order): Boolean {
        if (!order.canChange) {
            error.value = Texts["change_not_allowed"]
            return false
        }
        changing.value = order
        changeYears.value = order.years
        changeProblem.value = null
        return true
    }

    /** The amount for [years] (the chosen period), at the order's own yearly price (fen, exact). */
    fun changedAmountFen(years: Long = changeYears.value): Long {
        val o = changing.value ?: return 0
        return if (o.years > 0) o.amountFen / o.years * years else o.amountFen
    }

    /** 【保存】 of 购买信息修改: true when the service took the new period. */
    suspend fun confirmChange(): Boolean {
        val o = changing.value ?: return false
        if (changeYears.value !in 1L..3L) {
            changeProblem.value = Problem.local("bad_years")
            return false
        }
        if (changeYears.value == o.years) {
            changing.value = null
            return true
        }
        _busy.value = true
        return try {
            core.changeOrder(o.id, changeYears.value)
            changing.value = null
            refresh()
            true
        } catch (e: AppError) {
            changeProblem.value = Problem.of(e)
            false
        } finally {
            _busy.value = false
        }
    }

    private suspend fun act(action: suspend () -> Unit): Boolean {
        _busy.value = true
        return try {
            action()
            refresh()
            true
        } catch (e: AppError) {
            error.value = e.message
            false
        } finally {
            _busy.value = false
        }
    }
}

/**
 * 订单详情: every field of an order and, once bank transfer is chosen, where to send the money
 * (收款银行 / 收款账户名 / 收款账号 grouped in fours / 应付金额 / 截止时间, and 已收金额 when part
 * of it arrived). 【复制】 puts the account number, digits only, on the host's clipboard.
 */
class OrderDetailModel(private val core: CertCore, private val clipboard: HostClipboard) {
    /** The payment instructions as the page shows them. */
    data class Instructions(
        val bank: String,
        val accountName: String,
        /** Grouped in fours for reading (`6217 0000 …`). */
        val accountNo: String,
        val amountDue: String,
        val deadline: String,
        /** 已收金额, when part of the money arrived. */
        val received: String?,
    )

    private val _order = MutableStateFlow<Order?>(null)
    val order: StateFlow<Order?> = _order
    private val _busy = MutableStateFlow(false)
    val busy: StateFlow<Boolean> = _busy
    val problem = MutableStateFlow<Problem?>(null)

    /** What was last put on the clipboard (the page says 已复制). */
    val copied = MutableStateFlow<String?>(null)

    fun open(order: Order) {
        _order.value = order
        problem.value = null
        copied.value = null
    }

    /** Reads the order again (after a transfer arrived, say). */
    suspend fun refresh() {
        val id = _order.value?.id ?: return
        try {
            core.orders().firstOrNull { it.id == id }?.let { fresh ->
                // The list may leave the instructions out: keep the ones the order had.
                _order.value = if (fresh.transfer == null && fresh.canPayByTransfer) fresh.copy(transfer = _order.value?.transfer) else fresh
            }
            problem.value = null
        } catch (e: AppError) {
            problem.value = Problem.of(e)
        }
    }

    /** 【转账支付】: opens [order] with its receiving account; false when the service refused. */
    suspend fun payByTransfer(order: Order): Boolean {
        open(order)
        if (!order.canPayByTransfer) return false
        _busy.value = true
        return try {
            _order.value = core.payByTransfer(order.id)
            true
        } catch (e: AppError) {
            problem.value = Problem.of(e)
            false
        } finally {
            _busy.value = false
        }
    }

    val instructions: Instructions?
        get() {
            val o = _order.value ?: return null
            val t = o.transfer ?: return null
            return Instructions(
                bank = t.bankName,
                accountName = t.accountName,
                accountNo = Display.grouped(t.accountNo),
                amountDue = Display.money(t.amountDueFen),
                deadline = Display.beijingTime(t.deadline),
                received = if (o.paidFen > 0) Display.money(o.paidFen) else null,
            )
        }

    /** 【复制】 the receiving account number, digits only. */
    fun copyAccount(): Boolean {
        val t = _order.value?.transfer ?: return false
        val digits = Display.digits(t.accountNo)
        clipboard.copy(digits)
        copied.value = digits
        return true
    }
}
