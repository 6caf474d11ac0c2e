package cn.mcert.app.state

import cn.mcert.app.core.AppError
import cn.mcert.app.core.CertCore
import cn.mcert.app.core.Validate
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow

/**
 * 【修改证书密码】 of a key on this phone (seed 000 §10): the current PIN, then the new one
 * twice (the policy checked before it is asked again); the core opens the key with the current
 * PIN and seals it under the new one. A wrong current PIN counts against the key's tries like
 * any other and is asked again; a locked key says so.
 */
class ChangePinModel(private val core: CertCore) {
    enum class Step { Current, New, Done }

    private val _keyId = MutableStateFlow<String?>(null)
    val keyId: StateFlow<String?> = _keyId
    private val _step = MutableStateFlow(Step.Current)
    val step: StateFlow<Step> = _step
    private val _current = MutableStateFlow(PinEntryModel(core, PinEntryModel.Mode.Unlock))
    /** The pad for the current PIN. */
    val current: StateFlow<PinEntryModel> = _current
    private val _fresh = MutableStateFlow(PinEntryModel(core, PinEntryModel.Mode.New))
    /** The pad for the new PIN (asked twice). */
    val fresh: StateFlow<PinEntryModel> = _fresh
    val problem = MutableStateFlow<Problem?>(null)
    private val _busy = MutableStateFlow(false)
    val busy: StateFlow<Boolean> = _busy
    private var oldPin: String? = null

    /** Starts over for the key [keyId]. */
    fun start(keyId: String) {
        _keyId.value = keyId
        oldPin = null
        problem.value = null
        _current.value = PinEntryModel(core, PinEntryModel.Mode.Unlock)
        _fresh.value = PinEntryModel(core, PinEntryModel.Mode.New)
        _step.value = Step.Current
    }

    /** The current PIN is typed; the new one is asked next (the current is checked then). */
    fun currentEntered(pin: String) {
        oldPin = pin
        _step.value = Step.New
    }

    /** The new PIN is typed twice: the key is sealed under it. */
    suspend fun newEntered(pin: String): Boolean {
        val keyId = _keyId.value ?: return false
        val old = oldPin ?: return false
        _busy.value = true
        return try {
            core.changePin(keyId, old, pin)
            _step.value = Step.Done
            true
        } catch (e: AppError) {
            _fresh.value = PinEntryModel(core, PinEntryModel.Mode.New)
            val pad = PinEntryModel(core, PinEntryModel.Mode.Unlock)
            if (e.triesLeft != null || e.locked) {
                // The current PIN was wrong (or the key is locked now): ask it again.
                pad.refused(e)
            } else {
                problem.value = Problem.of(e)
            }
            _current.value = pad
            _step.value = Step.Current
            false
        } finally {
            oldPin = null
            _busy.value = false
        }
    }
}

/**
 * 【证书挂失】: a certificate of this account reported lost (a lost or stolen phone) is revoked
 * at once, confirmed by a fresh SMS code to the account's phone. It cannot be undone; the page
 * says so, and afterwards the certificate shows as revoked (a new one is applied for, or
 * reissued, from 【数字证书】).
 */
class ReportLostModel(private val core: CertCore) {
    private val _serial = MutableStateFlow<String?>(null)
    val serial: StateFlow<String?> = _serial
    val code = MutableStateFlow("")
    private val _sentTo = MutableStateFlow<String?>(null)
    /** The masked phone the code went to, once sent. */
    val sentTo: StateFlow<String?> = _sentTo
    private val _done = MutableStateFlow(false)
    val done: StateFlow<Boolean> = _done
    val problem = MutableStateFlow<Problem?>(null)
    private val _busy = MutableStateFlow(false)
    val busy: StateFlow<Boolean> = _busy

    /** Starts over for the certificate [serial]. */
    fun start(serial: String) {
        _serial.value = serial
        code.value = ""
        _sentTo.value = null
        _done.value = false
        problem.value = null
    }

    /** 【获取验证码】. */
    suspend fun sendCode(): Boolean = attempt(_busy, problem) { _sentTo.value = core.requestOwnCode() }

    /** 【确认挂失】: revoked at once. */
    suspend fun confirm(): Boolean {
        val serial = _serial.value ?: return false
        val typed = code.value.trim()
        if (!Validate.smsCode(typed)) {
            problem.value = Problem.local("bad_code", "code")
            return false
        }
        return attempt(_busy, problem) {
            core.reportLost(serial, typed)
            _done.value = true
        }
    }
}
