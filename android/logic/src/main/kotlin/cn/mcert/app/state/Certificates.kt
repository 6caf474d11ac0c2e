package cn.mcert.app.state

import cn.mcert.app.core.AppError
import cn.mcert.app.core.CertCore
import cn.mcert.app.core.Texts
import cn.mcert.ffi.CertificateView
import cn.mcert.ffi.KeyAlgorithm
import cn.mcert.ffi.LocalKeyView
import cn.mcert.ffi.OrderView
import cn.mcert.ffi.ProductView
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow

/** 【申请证书】: choose a product and a period, order, pay. */
class ApplyModel(private val core: CertCore) {
    sealed interface State {
        data object Choosing : State
        data object Busy : State
        data class Ordered(val order: OrderView) : State
        data class Paid(val order: OrderView) : State
        data class Failed(val message: String, val code: String) : State
    }

    private val _products = MutableStateFlow<List<ProductView>>(emptyList())
    val products: StateFlow<List<ProductView>> = _products
    val selected = MutableStateFlow<String?>(null)
    val years = MutableStateFlow(1L)
    private val _state = MutableStateFlow<State>(State.Choosing)
    val state: StateFlow<State> = _state

    /** Amount in fen for the current choice (0 when nothing is chosen). */
    fun amountFen(): Long =
        _products.value.firstOrNull { it.id == selected.value }?.let { it.priceFenPerYear * years.value } ?: 0

    suspend fun load() {
        try {
            _products.value = core.catalogue()
            if (selected.value == null) selected.value = _products.value.firstOrNull()?.id
        } catch (e: AppError) {
            _state.value = State.Failed(e.message, e.code)
        }
    }

    suspend fun order() {
        val product = selected.value
        if (product == null) {
            _state.value = State.Failed(Texts["pick_product"], "no_product")
            return
        }
        if (years.value !in 1L..3L) {
            _state.value = State.Failed(Texts["bad_years"], "bad_period")
            return
        }
        _state.value = State.Busy
        _state.value = try {
            State.Ordered(core.placeOrder(product, years.value))
        } catch (e: AppError) {
            State.Failed(e.message, e.code)
        }
    }

    /** 【立即支付】 and wait for the gateway's confirmation. */
    suspend fun pay() {
        val order = (state.value as? State.Ordered)?.order ?: return
        _state.value = State.Busy
        _state.value = try {
            State.Paid(core.payAndWait(order.id))
        } catch (e: AppError) {
            State.Failed(e.message, e.code)
        }
    }
}

/** 【我的订单】 */
class OrdersModel(private val core: CertCore) {
    private val _orders = MutableStateFlow<List<OrderView>>(emptyList())
    val orders: StateFlow<List<OrderView>> = _orders
    val error = MutableStateFlow<String?>(null)

    suspend fun refresh() {
        try {
            _orders.value = core.orders()
        } catch (e: AppError) {
            error.value = e.message
        }
    }
}

/** 【数字证书】: the list, the detail, and installing a paid slot under a new PIN. */
class CertificatesModel(private val core: CertCore) {
    data class Item(val certificate: CertificateView, val key: LocalKeyView?)

    private val _items = MutableStateFlow<List<Item>>(emptyList())
    val items: StateFlow<List<Item>> = _items
    private val _slots = MutableStateFlow<List<String>>(emptyList())
    val slots: StateFlow<List<String>> = _slots
    val detail = MutableStateFlow<Item?>(null)
    val error = MutableStateFlow<String?>(null)
    val installed = MutableStateFlow<String?>(null)

    suspend fun refresh() {
        try {
            val keys = core.localKeys()
            _items.value = core.certificates().map { c ->
                Item(c, keys.firstOrNull { k -> c.serial in k.serials })
            }
            _slots.value = core.pendingSlots()
        } catch (e: AppError) {
            error.value = e.message
        }
    }

    fun open(serial: String) {
        detail.value = _items.value.firstOrNull { it.certificate.serial == serial }
    }

    /** 【下载证书】: the key is made on this phone under [pin] (already confirmed twice). */
    suspend fun install(slot: String, algorithm: KeyAlgorithm, pin: String): Boolean =
        try {
            installed.value = core.install(slot, algorithm, pin).serial
            refresh()
            true
        } catch (e: AppError) {
            error.value = e.message
            false
        }
}
