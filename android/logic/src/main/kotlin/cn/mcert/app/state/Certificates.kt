package cn.mcert.app.state

import cn.mcert.app.core.AppError
import cn.mcert.app.core.CertCore
import cn.mcert.app.core.Texts
import cn.mcert.app.core.Certificate
import cn.mcert.app.core.KeyAlgorithm
import cn.mcert.app.core.LocalKey
import cn.mcert.app.core.Order
import cn.mcert.app.core.Product
import cn.mcert.app.core.Subject
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow

/** 【申请证书】: choose a product and a period, order, pay. */
class ApplyModel(private val core: CertCore) {
    sealed interface State {
        data object Choosing : State
        data object Busy : State
        data class Ordered(val order: Order) : State
        data class Paid(val order: Order) : State
        data class Failed(val message: String, val code: String) : State
    }

    private val _products = MutableStateFlow<List<Product>>(emptyList())
    val products: StateFlow<List<Product>> = _products
    val selected = MutableStateFlow<String?>(null)
    val years = MutableStateFlow(1L)
    private val _state = MutableStateFlow<State>(State.Choosing)
    val state: StateFlow<State> = _state

    /** Amount in fen for the current choice (0 when nothing is chosen). */
    fun amountFen(): Long =
        _products.value.firstOrNull { it.id == selected.value }?.let { it.priceFenPerYear * years.value } ?: 0

    suspend fun load() {
        try {
            // What 【申请证书】 buys; renewals, changes and reissues are bought from the certificate.
            _products.value = core.catalogue().filter { it.purpose == "new" }
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

/** 【数字证书】: the list, the detail, and installing a paid slot under a new PIN. */
class CertificatesModel(private val core: CertCore) {
    data class Item(val certificate: Certificate, val key: LocalKey?) {
        val subject: Subject = Subject.parse(certificate.subject)

        /** `good`, `revoked`, `expired`, or `locked` when the key on this phone is locked. */
        val state: String get() = if (certificate.status == "good" && key?.locked == true) "locked" else certificate.status

        /**
         * 【证书补办】: its slot's current certificate, not expired, that this phone cannot use: its
         * key is on another phone (or was lost with the app), or it was reported lost.
         */
        val canReissue: Boolean
            get() = reissuable && (certificate.status == "revoked" || (certificate.status == "good" && !certificate.onThisDevice))

        /** 【忘记密码】: a good certificate whose key is on this phone, locked or not. */
        val canResetPin: Boolean
            get() = reissuable && certificate.status == "good" && certificate.onThisDevice

        /**
         * 【证书延期】: its key on this phone, in the last three months or with a renewal paid; not
         * while its organisation's changed certificate waits ([changeDue]).
         */
        val canRenew: Boolean
            get() = reissuable && certificate.status == "good" && certificate.onThisDevice && !certificate.changeDue &&
                (certificate.renewable || certificate.renewalDue)

        /**
         * 【下载变更后的证书】: its organisation was renamed (证书变更) and the certificate naming the
         * new name waits for download (on the phone that holds the key).
         */
        val changeDue: Boolean
            get() = reissuable && certificate.status == "good" && certificate.changeDue

        /** 【迁移到新手机】: a good certificate whose key is on this phone and not locked. */
        val canMoveOut: Boolean
            get() = reissuable && certificate.status == "good" && certificate.onThisDevice && key != null && !key.locked

        /** 【从旧手机迁移】: a good certificate whose key is on another phone. */
        val canMoveIn: Boolean
            get() = reissuable && certificate.status == "good" && !certificate.onThisDevice

        private val reissuable: Boolean get() = certificate.current && certificate.entitlementId.isNotEmpty()
    }

    private val _items = MutableStateFlow<List<Item>>(emptyList())
    val items: StateFlow<List<Item>> = _items
    private val _slots = MutableStateFlow<List<String>>(emptyList())
    val slots: StateFlow<List<String>> = _slots
    private val _loading = MutableStateFlow(false)
    val loading: StateFlow<Boolean> = _loading
    val detail = MutableStateFlow<Item?>(null)
    val error = MutableStateFlow<String?>(null)
    val installed = MutableStateFlow<String?>(null)

    suspend fun refresh() {
        _loading.value = true
        try {
            val keys = core.localKeys()
            _items.value = core.certificates().map { c ->
                Item(c, keys.firstOrNull { k -> c.serial in k.serials })
            }
            _slots.value = core.pendingSlots()
            // The open detail follows (a PIN changed, a certificate reported lost).
            detail.value?.let { open(it.certificate.serial) }
            error.value = null
        } catch (e: AppError) {
            error.value = e.message
        } finally {
            _loading.value = false
        }
    }

    fun open(serial: String) {
        detail.value = _items.value.firstOrNull { it.certificate.serial == serial }
    }

    /** The certificates whose organisation was renamed: the list's banner, one row each. */
    fun changesDue(): List<Item> = _items.value.filter { it.changeDue }

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
