package cn.mcert.app.state

import cn.mcert.app.core.AppError
import cn.mcert.app.core.CertCore
import cn.mcert.app.core.Texts
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow

/**
 * The 6-digit PIN pad. [Mode.Unlock] collects a PIN for a key (showing tries left and the
 * locked state the core reports); [Mode.New] asks twice and checks the policy first.
 */
class PinEntryModel(private val core: CertCore, val mode: Mode) {
    enum class Mode { Unlock, New }

    sealed interface State {
        /** Typing; [prompt] is what to show above the dots. */
        data class Entering(val prompt: String, val triesLeft: Int? = null, val error: String? = null) : State
        /** A complete PIN is ready for the caller. */
        data class Complete(val pin: String) : State
        data class Locked(val message: String) : State
    }

    private val _digits = MutableStateFlow("")
    val digits: StateFlow<String> = _digits
    private val _state = MutableStateFlow<State>(
        State.Entering(Texts[if (mode == Mode.New) "pin_new" else "pin_enter"]),
    )
    val state: StateFlow<State> = _state
    private var first: String? = null

    /** Dots to show, one per digit typed. */
    fun dots(): Int = _digits.value.length

    fun press(digit: Int) {
        if (digit !in 0..9 || _digits.value.length >= 6 || _state.value !is State.Entering) return
        _digits.value += digit.toString()
        if (_digits.value.length == 6) complete(_digits.value)
    }

    fun backspace() {
        if (_digits.value.isNotEmpty()) _digits.value = _digits.value.dropLast(1)
    }

    private fun complete(pin: String) {
        _digits.value = ""
        if (mode == Mode.Unlock) {
            _state.value = State.Complete(pin)
            return
        }
        val firstPin = first
        if (firstPin == null) {
            try {
                core.checkPin(pin)
                first = pin
                _state.value = State.Entering(Texts["pin_again"])
            } catch (e: AppError) {
                _state.value = State.Entering(Texts["pin_new"], error = e.message)
            }
        } else if (firstPin == pin) {
            _state.value = State.Complete(pin)
        } else {
            first = null
            _state.value = State.Entering(Texts["pin_new"], error = Texts["pin_mismatch"])
        }
    }

    /** The core refused the PIN: show what it said and the tries left, or the lock. */
    fun refused(error: AppError) {
        _digits.value = ""
        _state.value = if (error.locked) {
            State.Locked(error.message)
        } else {
            State.Entering(Texts["pin_enter"], triesLeft = error.triesLeft, error = error.message)
        }
    }
}
