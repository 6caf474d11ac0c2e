package cn.mcert.app.state

import cn.mcert.app.core.AppError
import cn.mcert.app.core.CertCore
import cn.mcert.app.core.Order
import cn.mcert.app.core.Organisation
import cn.mcert.app.core.PickedFile
import cn.mcert.app.core.Validate
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow

/**
 * 【证书变更】 (seed 000 §6): the organisation was renamed by its registry. A certificate
 * administrator types the new full name and attaches the new business licence (and, if asked,
 * other materials such as the registry's notice of the change); 【提交变更申请】 uploads them
 * (the licence first, as 申请单位证书 does) and sends the change to review (待审核). Once a
 * reviewer approves it the order waits for payment (待支付: 【支付】 online here, or 【转账支付】
 * from the order's detail); paid, the organisation carries the new name, its seals are void, and
 * each holder downloads the certificate naming the new name ([RenewalModel] with
 * [RenewalModel.change]). A rejected change shows its reason and a new one may be submitted. One
 * change at a time: while one is in review or waiting for payment the form is closed.
 */
class OrgChangeModel(private val core: CertCore) {
    sealed interface State {
        data object Editing : State
        data object Busy : State
        data class Submitted(val order: Order) : State
        data class Paid(val order: Order) : State
        data class Failed(val problem: Problem) : State
    }

    private val _org = MutableStateFlow<Organisation?>(null)
    /** The organisation as last read (its new name once a change is paid). */
    val org: StateFlow<Organisation?> = _org
    /** The new full name, as on the new business licence. */
    val newName = MutableStateFlow("")
    private val _licence = MutableStateFlow<PickedFile?>(null)
    /** The new business licence (required). */
    val licence: StateFlow<PickedFile?> = _licence
    private val _others = MutableStateFlow<List<PickedFile>>(emptyList())
    /** Other materials (the registry's notice of the change …), optional. */
    val others: StateFlow<List<PickedFile>> = _others
    private val _orders = MutableStateFlow<List<Order>>(emptyList())
    /** The organisation's change orders, newest first. */
    val orders: StateFlow<List<Order>> = _orders
    private val _state = MutableStateFlow<State>(State.Editing)
    val state: StateFlow<State> = _state
    private val _loading = MutableStateFlow(false)
    val loading: StateFlow<Boolean> = _loading
    private val _paying = MutableStateFlow<String?>(null)
    /** The order being paid online (its row shows the progress). */
    val paying: StateFlow<String?> = _paying

    /** The change in review or waiting for payment: no second one may be submitted meanwhile. */
    val openChange: Order? get() = _orders.value.firstOrNull { it.status == "pending_review" || it.status == "awaiting_payment" }

    /** The form is offered: an admin of an authorised organisation with no change open. */
    fun mayRequest(): Boolean = _org.value?.let { it.isAdmin && it.authorisation.approved } == true && openChange == null

    /** Opens the page for [org] (the form is kept when it is the same organisation). */
    suspend fun load(org: Organisation) {
        if (_org.value?.id != org.id) {
            newName.value = ""
            _licence.value = null
            _others.value = emptyList()
            _orders.value = emptyList()
            _state.value = State.Editing
        }
        _org.value = org
        refresh()
    }

    /** Reads the organisation's change orders again. */
    suspend fun refresh() {
        val o = _org.value ?: return
        if (!o.isAdmin) {
            _orders.value = emptyList()
            return
        }
        _loading.value = true
        try {
            _orders.value = changes(o.id)
            when (val s = _state.value) {
                is State.Failed -> _state.value = State.Editing
                // Reviewed since: its row says what comes next.
                is State.Submitted -> if (_orders.value.firstOrNull { it.id == s.order.id }?.status != "pending_review") _state.value = State.Editing
                else -> {}
            }
        } catch (e: AppError) {
            _state.value = State.Failed(Problem.of(e))
        } finally {
            _loading.value = false
        }
    }

    /** The new business licence picked (a photo or PDF). */
    fun pickLicence(file: PickedFile) {
        file.problem()?.let {
            _state.value = State.Failed(Problem.local(it, "licence"))
            return
        }
        _licence.value = file
        _state.value = State.Editing
    }

    /** Another material, at most [MAX_OTHERS]. */
    fun addOther(file: PickedFile) {
        file.problem()?.let {
            _state.value = State.Failed(Problem.local(it, "others"))
            return
        }
        if (_others.value.size >= MAX_OTHERS) {
            _state.value = State.Failed(Problem.local("org_change_too_many_files", "others"))
            return
        }
        _others.value = _others.value + file
        _state.value = State.Editing
    }

    fun removeOther(index: Int) {
        if (index in _others.value.indices) _others.value = _others.value.filterIndexed { i, _ -> i != index }
    }

    /** Why the form may not be submitted yet, before the service is asked. */
    fun check(): Problem? {
        val o = _org.value ?: return Problem.local("admin_only")
        val name = newName.value.trim()
        return when {
            !o.isAdmin -> Problem.local("admin_only")
            !o.authorisation.approved -> Problem.local("authorise_first")
            openChange != null -> Problem.local("org_change_open")
            !Validate.orgName(name) -> Problem.local("bad_org_name", "name")
            name == o.name -> Problem.local("org_change_same_name", "name")
            _licence.value == null -> Problem.local("org_change_pick_licence", "licence")
            else -> null
        }
    }

    /** 【提交变更申请】: uploads the materials (the licence first) and submits the change for review. */
    suspend fun submit(): Boolean {
        check()?.let {
            _state.value = State.Failed(it)
            return false
        }
        val o = _org.value ?: return false
        val licence = _licence.value ?: return false
        _state.value = State.Busy
        return try {
            val materials = listOf(core.upload(o.id, "business_licence", licence.bytes).id) +
                _others.value.map { core.upload(o.id, "other", it.bytes).id }
            val order = core.requestOrgChange(o.id, newName.value.trim(), materials)
            newName.value = ""
            _licence.value = null
            _others.value = emptyList()
            _orders.value = try {
                changes(o.id)
            } catch (e: AppError) {
                listOf(order) + _orders.value
            }
            _state.value = State.Submitted(order)
            true
        } catch (e: AppError) {
            _state.value = State.Failed(Problem(e.message, e.code, if (e.code == "bad_name" || e.code == "same_name") "name" else null))
            false
        }
    }

    /** 【支付】 an approved change online (waited for). Paid, the organisation carries the new name. */
    suspend fun pay(order: Order): Boolean {
        val o = _org.value ?: return false
        if (!order.canPayOnline || _paying.value != null) return false
        _paying.value = order.id
        return try {
            val paid = core.payAndWait(order.id)
            _orders.value = try {
                changes(o.id)
            } catch (e: AppError) {
                _orders.value
            }
            if (paid.status != "completed") {
                _state.value = State.Failed(Problem.local("org_change_unpaid"))
                return false
            }
            _org.value = try {
                core.org(o.id)
            } catch (e: AppError) {
                o
            }
            _state.value = State.Paid(paid)
            true
        } catch (e: AppError) {
            _state.value = State.Failed(Problem.of(e))
            false
        } finally {
            _paying.value = null
        }
    }

    private suspend fun changes(orgId: String): List<Order> = core.orgOrders(orgId).filter { it.isChange }

    companion object {
        /** Most materials besides the business licence (the service takes ten in all). */
        const val MAX_OTHERS = 4
    }
}
