package cn.mcert.app.state

import cn.mcert.app.core.AppError
import cn.mcert.app.core.CertCore
import cn.mcert.app.core.Certificate
import cn.mcert.app.core.Display
import cn.mcert.app.core.Installed
import cn.mcert.app.core.Order
import cn.mcert.app.core.Organisation
import cn.mcert.app.core.Slot
import cn.mcert.app.core.Texts
import java.time.OffsetDateTime
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow

/**
 * 【证书延期】 (seed 000 §5, seed 003 §7) of a certificate whose key is on this phone, in the last
 * three months of its slot's period. A person chooses the period (1, 2 or 3 years), places the
 * renewal order and pays it ([Step.Choose] → [Step.Pay]; the amount is the order's); an
 * organisation's slot takes an unused certificate of the organisation's package instead, with
 * nothing to pay, or the holder is told to ask the admin ([Step.AskAdmin]). Then the certificate
 * PIN opens the key and the renewed certificate is downloaded for it ([Step.Pin] → [Step.Done]).
 * A renewal paid before goes straight to the PIN; before the window opens the page says from
 * which date ([Step.NotYet]). Every refusal keeps the choice and shows the service's message.
 *
 * 【下载变更后的证书】 goes the same way: once the organisation's rename (证书变更) is paid its
 * slots are [Slot.changeDue] ([change]); the PIN downloads the certificate naming the new name
 * for the same key, the old one revoked, and the done page says that the organisation's seals are
 * void ([changedOrganisation], for the way to its seals).
 */
class RenewalModel(private val core: CertCore) {
    enum class Step { Loading, Choose, Pay, Pin, Done, NotYet, AskAdmin, Unavailable }

    private val _certificate = MutableStateFlow<Certificate?>(null)
    val certificate: StateFlow<Certificate?> = _certificate
    private val _slot = MutableStateFlow<Slot?>(null)
    /** The certificate's slot: its period, and whether it is an organisation's. */
    val slot: StateFlow<Slot?> = _slot
    /** 1, 2 or 3 years (a person's renewal). */
    val years = MutableStateFlow(1L)
    private val _pricePerYear = MutableStateFlow<Long?>(null)
    /** The renewal product's price per year (fen), for the estimate before the order exists. */
    val pricePerYear: StateFlow<Long?> = _pricePerYear
    private val _order = MutableStateFlow<Order?>(null)
    /** The renewal order to pay: its amount is what is shown from then on. */
    val order: StateFlow<Order?> = _order
    private val _validUntil = MutableStateFlow<String?>(null)
    /** The end of the period once renewed, as the service computed it. */
    val validUntil: StateFlow<String?> = _validUntil
    private val _step = MutableStateFlow(Step.Loading)
    val step: StateFlow<Step> = _step
    private val _notice = MutableStateFlow<String?>(null)
    /** What [Step.NotYet], [Step.AskAdmin] and [Step.Unavailable] say. */
    val notice: StateFlow<String?> = _notice
    private val _pad = MutableStateFlow(PinEntryModel(core, PinEntryModel.Mode.Unlock))
    val pad: StateFlow<PinEntryModel> = _pad
    private val _result = MutableStateFlow<Installed?>(null)
    /** The renewed certificate, once downloaded. */
    val result: StateFlow<Installed?> = _result
    private val _change = MutableStateFlow(false)
    /** The slot's organisation was renamed: the download is the changed certificate, not a renewal. */
    val change: StateFlow<Boolean> = _change
    private val _changedOrganisation = MutableStateFlow<Organisation?>(null)
    /** The organisation whose seals are void, once the changed certificate is downloaded. */
    val changedOrganisation: StateFlow<Organisation?> = _changedOrganisation
    val problem = MutableStateFlow<Problem?>(null)
    private val _busy = MutableStateFlow(false)
    val busy: StateFlow<Boolean> = _busy

    /** An organisation's slot: renewed from its package, nothing to pay. */
    val organisation: Boolean get() = _slot.value?.orgId != null

    /** The amount shown: the order's once placed, else the estimate for [years]. */
    fun amountFen(): Long? = _order.value?.amountFen ?: _pricePerYear.value?.let { it * years.value }

    /** Starts over for the certificate [serial] (from its detail, or from a scan's expiry warning). */
    suspend fun start(serial: String) {
        _certificate.value = null
        _slot.value = null
        years.value = 1
        _order.value = null
        _validUntil.value = null
        _notice.value = null
        _result.value = null
        _change.value = false
        _changedOrganisation.value = null
        _pad.value = PinEntryModel(core, PinEntryModel.Mode.Unlock)
        problem.value = null
        _step.value = Step.Loading
        _busy.value = true
        try {
            val cert = core.certificates().firstOrNull { it.serial.equals(serial, ignoreCase = true) && it.current }
            val slot = cert?.let { c -> core.slots().firstOrNull { it.id == c.entitlementId } }
            _pricePerYear.value = try {
                core.catalogue().firstOrNull { it.purpose == "renewal" }?.priceFenPerYear
            } catch (e: AppError) {
                // Only the estimate is missing: the order gives the amount.
                null
            }
            _certificate.value = cert
            _slot.value = slot
            _change.value = slot?.changeDue == true
            _step.value = when {
                cert == null || slot == null -> unavailable("renewal_unknown")
                !cert.onThisDevice -> unavailable(if (slot.changeDue) "org_change_not_here" else "renewal_not_here")
                slot.changeDue -> Step.Pin.also { _notice.value = Texts["org_change_pin_notice"] }
                slot.renewalDue -> Step.Pin.also { _notice.value = Texts["renewal_paid"] }
                slot.renewable -> Step.Choose
                else -> notYet(slot.validUntil ?: cert.notAfter)
            }
        } catch (e: AppError) {
            _notice.value = e.message
            _step.value = Step.Unavailable
        } finally {
            _busy.value = false
        }
    }

    private fun unavailable(textId: String): Step {
        _notice.value = Texts[textId]
        return Step.Unavailable
    }

    /** Before the window: from when it opens (three months before the end), or that it has ended. */
    private fun notYet(until: String): Step {
        val end = runCatching { OffsetDateTime.parse(until) }.getOrNull() ?: return unavailable("renewal_unknown")
        if (!end.isAfter(OffsetDateTime.now())) return unavailable("renewal_period_ended")
        _notice.value = Texts.format("renewal_not_yet", Display.beijingDate(end.minusDays(90).toString()))
        return Step.NotYet
    }

    /** A period chosen; once the order exists it is changed to it (the amount follows). */
    suspend fun chooseYears(value: Long): Boolean {
        if (value !in 1L..3L) return false
        val before = years.value
        years.value = value
        if (_step.value != Step.Pay || value == _order.value?.years) return true
        if (!submit()) {
            years.value = before
            return false
        }
        return true
    }

    /**
     * 【提交延期订单】 (a person) or 【使用单位套餐延期】 (an organisation's slot): the order to pay
     * next, or the package slot taken and the PIN next.
     */
    suspend fun order(): Boolean = submit()

    private suspend fun submit(): Boolean {
        if (_change.value) return false
        val cert = _certificate.value ?: return false
        _busy.value = true
        return try {
            val renewal = core.startRenewal(cert.entitlementId, years.value)
            _validUntil.value = renewal.validUntil
            problem.value = null
            val order = renewal.order
            when {
                renewal.due -> toPin(if (organisation) "renewal_taken" else "renewal_paid")
                order != null -> {
                    _order.value = order
                    years.value = order.years
                    if (order.status == "completed") toPin("renewal_paid") else _step.value = Step.Pay
                }
            }
            true
        } catch (e: AppError) {
            refused(e)
            false
        } finally {
            _busy.value = false
        }
    }

    /** 【立即支付】, waiting for the gateway's confirmation; then the PIN. */
    suspend fun pay(): Boolean {
        val order = _order.value ?: return false
        _busy.value = true
        return try {
            val paid = core.payAndWait(order.id)
            _order.value = paid
            problem.value = null
            if (paid.status == "completed") toPin("renewal_paid")
            true
        } catch (e: AppError) {
            problem.value = Problem.of(e)
            false
        } finally {
            _busy.value = false
        }
    }

    private fun toPin(noticeId: String) {
        _notice.value = Texts[noticeId]
        _pad.value = PinEntryModel(core, PinEntryModel.Mode.Unlock)
        _step.value = Step.Pin
    }

    private fun refused(e: AppError) {
        when (e.code) {
            "not_yet_renewable" -> {
                _notice.value = e.message
                _step.value = Step.NotYet
            }
            "ask_admin" -> {
                _notice.value = e.message
                _step.value = Step.AskAdmin
            }
            "period_ended" -> {
                _notice.value = e.message
                _step.value = Step.Unavailable
            }
            else -> problem.value = Problem.of(e)
        }
    }

    /** The certificate PIN: the key signs the request and the renewed certificate is kept. */
    suspend fun pinEntered(pin: String): Boolean {
        val cert = _certificate.value ?: return false
        _busy.value = true
        return try {
            _result.value = core.renew(cert.entitlementId, pin)
            problem.value = null
            val orgId = _slot.value?.orgId
            if (_change.value && orgId != null) {
                _changedOrganisation.value = try {
                    core.org(orgId)
                } catch (e: AppError) {
                    // Only the way to the seals is missing; the certificate is downloaded.
                    null
                }
            }
            _step.value = Step.Done
            true
        } catch (e: AppError) {
            if (e.triesLeft != null || e.locked) {
                _pad.value.refused(e)
            } else {
                _pad.value = PinEntryModel(core, PinEntryModel.Mode.Unlock)
                problem.value = Problem.of(e)
            }
            false
        } finally {
            _busy.value = false
        }
    }
}
