package cn.mcert.app.state

import cn.mcert.app.core.AppError
import cn.mcert.app.core.CertCore
import cn.mcert.app.core.Order
import cn.mcert.app.core.Organisation
import cn.mcert.app.core.PickedFile
import cn.mcert.app.core.Product
import java.util.UUID
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow

/**
 * 单位首次申请 (seed 000 §2.1 C–D): an authorised organisation's admin picks a product for
 * organisations and a period, uploads the 营业执照 and 【提交订单】 → 待审核; a rejected application
 * shows its reason and is fixed (a new photo) and sent back. The applications are listed with
 * their states; once approved they are paid under 【我的订单】. The organisation's 【证书变更】
 * orders are [OrgChangeModel]'s: neither listed nor resubmitted here.
 */
class OrgApplyModel(private val core: CertCore) {
    sealed interface State {
        data object Editing : State
        data object Busy : State
        data class Submitted(val order: Order) : State
        data class Failed(val problem: Problem) : State
    }

    private var org: Organisation? = null
    private val _products = MutableStateFlow<List<Product>>(emptyList())
    /** The products for organisations (with at least one organisation certificate). */
    val products: StateFlow<List<Product>> = _products
    val selected = MutableStateFlow<String?>(null)
    val years = MutableStateFlow(1L)
    private val _licence = MutableStateFlow<PickedFile?>(null)
    /** The photo or scan of the 营业执照 to send. */
    val licence: StateFlow<PickedFile?> = _licence
    private val _orders = MutableStateFlow<List<Order>>(emptyList())
    /** The organisation's applications for certificates, newest first. */
    val orders: StateFlow<List<Order>> = _orders
    private val _state = MutableStateFlow<State>(State.Editing)
    val state: StateFlow<State> = _state
    // One key per application being submitted: a retry after a lost answer returns the same order.
    private var idempotencyKey = UUID.randomUUID().toString()

    /** The newest rejected application, to fix and resubmit. */
    val rejected: Order? get() = _orders.value.firstOrNull { it.status == "rejected" }

    /** Whether the organisation may apply (CA authorisation done; admins only). */
    fun mayApply(): Boolean = org?.let { it.isAdmin && it.authorisation.approved } ?: false

    fun amountFen(): Long =
        _products.value.firstOrNull { it.id == selected.value }?.let { it.priceFenPerYear * years.value } ?: 0

    suspend fun load(org: Organisation) {
        if (this.org?.id != org.id) {
            _licence.value = null
            _orders.value = emptyList()
            _state.value = State.Editing
        }
        this.org = org
        try {
            _products.value = core.catalogue().filter { it.organizationCerts > 0 && it.purpose == "new" }
            if (selected.value !in _products.value.map { it.id }) selected.value = _products.value.firstOrNull()?.id
            if (org.isAdmin) _orders.value = applications(org.id)
        } catch (e: AppError) {
            _state.value = State.Failed(Problem.of(e))
        }
    }

    fun pick(file: PickedFile) {
        val problem = file.problem()
        if (problem != null) {
            _state.value = State.Failed(Problem.local(problem, "file"))
            return
        }
        _licence.value = file
        _state.value = State.Editing
    }

    private fun checkForm(): Problem? = when {
        org?.isAdmin != true -> Problem.local("admin_only")
        org?.authorisation?.approved != true -> Problem.local("authorise_first")
        selected.value == null -> Problem.local("pick_product")
        years.value !in 1L..3L -> Problem.local("bad_years")
        _licence.value == null -> Problem.local("pick_licence_first", "file")
        else -> null
    }

    /** 【提交订单】: uploads the licence and submits the application for review. */
    suspend fun submit() {
        val o = org ?: return
        checkForm()?.let {
            _state.value = State.Failed(it)
            return
        }
        _state.value = State.Busy
        _state.value = try {
            val upload = core.upload(o.id, "business_licence", _licence.value!!.bytes)
            val order = core.applyForOrg(o.id, selected.value!!, years.value, listOf(upload.id), idempotencyKey)
            idempotencyKey = UUID.randomUUID().toString()
            _licence.value = null
            _orders.value = applications(o.id)
            State.Submitted(order)
        } catch (e: AppError) {
            State.Failed(Problem.of(e))
        }
    }

    /** Sends the rejected application back to review with the newly picked licence. */
    suspend fun resubmit() {
        val o = org ?: return
        val order = rejected ?: return
        val file = _licence.value
        if (file == null) {
            _state.value = State.Failed(Problem.local("pick_licence_first", "file"))
            return
        }
        _state.value = State.Busy
        _state.value = try {
            val upload = core.upload(o.id, "business_licence", file.bytes)
            val again = core.resubmit(order.id, listOf(upload.id))
            _licence.value = null
            _orders.value = applications(o.id)
            State.Submitted(again)
        } catch (e: AppError) {
            State.Failed(Problem.of(e))
        }
    }

    /** The organisation's orders for certificates (申请证书), without its changes. */
    private suspend fun applications(orgId: String): List<Order> = core.orgOrders(orgId).filter { it.purpose == "new" }
}
