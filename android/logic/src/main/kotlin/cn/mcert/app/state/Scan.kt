package cn.mcert.app.state

import cn.mcert.app.core.AppError
import cn.mcert.app.core.CertCore
import cn.mcert.app.core.CertificateChoice
import cn.mcert.app.core.Display
import cn.mcert.app.core.Texts
import cn.mcert.app.core.PendingScan
import cn.mcert.app.core.ScanRequest
import cn.mcert.app.core.Usage
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow

/**
 * What a camera viewfinder feeds: each frame's Y plane with its row stride while [wantsFrames]
 * (frames arriving meanwhile are dropped), and the torch it follows. 【扫码】 ([ScanModel]) and the
 * new phone's 【从旧手机迁移】 ([MigrationInModel]) read codes this way.
 */
interface FrameReader {
    /** Whether the torch is on (the page toggles it; the camera follows this). */
    val torch: MutableStateFlow<Boolean>

    /** Whether a frame would be read now (none is being read, and a code is still wanted). */
    val wantsFrames: Boolean

    /** One frame; true when it held the code wanted. */
    suspend fun onFrame(luma: ByteArray, width: Int, height: Int, rowStride: Int): Boolean
}

/**
 * 【扫码】: camera frames → the confirm screen (platform, operation, project, document, the
 * verification code to compare with the platform's page) → certificate choice → PIN → done.
 * For 文件签章 the choice is a seal (its certificate follows), the screen shows the document's
 * pages and where the stamp goes, and after the PIN the platform prepares the document.
 */
class ScanModel(private val core: CertCore) : FrameReader {
    sealed interface State {
        data object Scanning : State
        data object Reading : State
        /**
         * [selected] is a certificate serial, or for a stamp the seal of its (first) place;
         * [more] the seals of a stamp session's further places, in order.
         */
        data class Confirm(val view: ScanRequest, val selected: String?, val more: List<String?> = emptyList()) : State {
            /**
             * The picked certificate (for a stamp: the first picked seal's certificate) that
             * expires before the project's bid opening, if any. Confirming is not blocked: the
             * screen warns before the PIN.
             */
            val expiring: CertificateChoice?
                get() {
                    val serials = when (val stamp = view.stamp) {
                        null -> listOfNotNull(selected)
                        else -> (listOf(selected) + more).mapNotNull { id -> stamp.seals.firstOrNull { it.id == id }?.certificateSerial }
                    }
                    return serials.firstNotNullOfOrNull { serial ->
                        view.choices.firstOrNull { it.serial.equals(serial, ignoreCase = true) && it.expiresBeforeOpening }
                    }
                }

            /** The warning for [expiring]: its expiry and the bid opening, in Beijing time. */
            val expiryWarning: String?
                get() {
                    val choice = expiring ?: return null
                    val opening = view.openingAt ?: return null
                    return Texts.format("expires_before_opening", Display.beijingDate(choice.notAfter), Display.beijingTime(opening))
                }
        }
        /**
         * The PIN of [serial]; for a stamp with several places [picks] holds the seal of each
         * place and [pins] the PINs entered so far (one per certificate).
         */
        data class EnterPin(
            val view: ScanRequest,
            val serial: String,
            val pin: PinEntryModel,
            val sealId: String? = null,
            val picks: List<String> = emptyList(),
            val pins: Map<String, String> = emptyMap(),
        ) : State
        data object Submitting : State
        data class Done(val operation: String, val status: String) : State
        data object Declined : State
        data class Failed(val message: String, val code: String) : State
    }

    private val _state = MutableStateFlow<State>(State.Scanning)
    val state: StateFlow<State> = _state
    /** A hint under the viewfinder (for example: not an mcert code). */
    val hint = MutableStateFlow<String?>(null)
    private var pending: PendingScan? = null
    /** A stamp is being made: the platform prepares the document, then the phone signs. */
    val stamping = MutableStateFlow(false)

    override val torch = MutableStateFlow(false)

    override val wantsFrames: Boolean get() = _state.value == State.Scanning

    /**
     * One camera frame: the Y plane with its row stride. Frames arriving while a code is being
     * handled are dropped. Returns true when the frame led to the confirm screen.
     */
    override suspend fun onFrame(luma: ByteArray, width: Int, height: Int, rowStride: Int): Boolean {
        if (_state.value != State.Scanning) return false
        _state.value = State.Reading
        return accept { core.scanFrame(luma, width, height, rowStride) }
    }

    /** A picture picked from the album. */
    suspend fun onImage(image: ByteArray): Boolean {
        if (_state.value != State.Scanning) return false
        _state.value = State.Reading
        return accept { core.scanImage(image) }
    }

    private suspend fun accept(read: suspend () -> PendingScan): Boolean =
        try {
            val scan = read()
            pending = scan
            val view = scan.request
            hint.value = null
            val stamp = view.stamp
            _state.value = when {
                stamp != null && stamp.seals.isEmpty() -> State.Failed(Texts["stamp_no_seal"], "no_usable_seal")
                stamp != null -> State.Confirm(
                    view,
                    stamp.sealsFor(0).singleOrNull()?.id,
                    (1 until stamp.placeCount).map { stamp.sealsFor(it).singleOrNull()?.id },
                )
                view.choices.isEmpty() -> State.Failed(Texts["no_choice"], "no_eligible_certificate")
                else -> State.Confirm(view, view.choices.singleOrNull()?.serial)
            }
            true
        } catch (e: AppError) {
            when (e.code) {
                // Nothing readable in this frame: keep scanning quietly.
                "no_qr_code", "qr_none" -> _state.value = State.Scanning
                "not_mcert_code", "malformed_qr" -> {
                    hint.value = e.message
                    _state.value = State.Scanning
                }
                else -> _state.value = State.Failed(e.message, e.code)
            }
            false
        } finally {
            // Whatever happened, the viewfinder is never left waiting on a read that ended.
            if (_state.value == State.Reading) _state.value = State.Scanning
        }

    /** Picks a certificate (by serial), or for a stamp a seal (by id). */
    fun select(choice: String) {
        val s = _state.value as? State.Confirm ?: return
        val known = when (val stamp = s.view.stamp) {
            null -> s.view.choices.any { it.serial == choice }
            else -> stamp.sealsFor(0).any { it.id == choice }
        }
        if (known) _state.value = s.copy(selected = choice)
    }

    /** Picks the seal of a stamp session's further place [place] (1-based past the first). */
    fun selectAt(place: Int, sealId: String) {
        val s = _state.value as? State.Confirm ?: return
        val stamp = s.view.stamp ?: return
        if (place !in 1 until stamp.placeCount || stamp.sealsFor(place).none { it.id == sealId }) return
        _state.value = s.copy(more = s.more.toMutableList().also { it[place - 1] = sealId })
    }

    /** 【确认】 on the confirm screen: on to the PIN pad (of the seal's certificate for a stamp). */
    fun proceed() {
        val s = _state.value as? State.Confirm ?: return
        val selected = s.selected ?: return
        val pad = PinEntryModel(core, PinEntryModel.Mode.Unlock)
        _state.value = when (val stamp = s.view.stamp) {
            null -> State.EnterPin(s.view, selected, pad)
            else -> {
                val seal = stamp.seals.firstOrNull { it.id == selected } ?: return
                val more = s.more.map { it ?: return }
                val picks = if (stamp.placeCount > 1) listOf(seal.id) + more else emptyList()
                State.EnterPin(s.view, seal.certificateSerial, pad, sealId = seal.id, picks = picks)
            }
        }
    }

    /** The certificates a stamp's seals sign with, in the order of the places. */
    private fun certificatesOf(s: State.EnterPin): List<String> {
        val seals = s.view.stamp?.seals.orEmpty()
        return s.picks.mapNotNull { id -> seals.firstOrNull { it.id == id }?.certificateSerial }.distinct()
    }

    /** The PIN pad completed: answer the session. A wrong PIN goes back to the pad. */
    suspend fun submit(pin: String) {
        val s = _state.value as? State.EnterPin ?: return
        val scan = pending ?: return
        // Several places signing with several certificates: each certificate's PIN first.
        val pins = if (s.picks.isNotEmpty()) s.pins + (s.serial to pin) else emptyMap()
        val next = certificatesOf(s).firstOrNull { it !in pins }
        if (s.picks.isNotEmpty() && next != null) {
            _state.value = s.copy(serial = next, pin = PinEntryModel(core, PinEntryModel.Mode.Unlock), pins = pins)
            return
        }
        _state.value = State.Submitting
        stamping.value = s.sealId != null
        try {
            val seal = s.sealId
            val outcome = when {
                seal == null -> core.confirm(scan, s.serial, pin)
                s.picks.isNotEmpty() -> core.stampPlaces(scan, s.picks, pins)
                else -> core.stamp(scan, seal, pin)
            }
            _state.value = State.Done(s.view.operation, outcome.status)
        } catch (e: AppError) {
            if (e.triesLeft != null) {
                // Which certificate's PIN was wrong is not told: all are asked again.
                val first = certificatesOf(s).firstOrNull() ?: s.serial
                val again = if (s.picks.isNotEmpty()) s.copy(serial = first, pin = PinEntryModel(core, PinEntryModel.Mode.Unlock), pins = emptyMap()) else s
                again.pin.refused(e)
                _state.value = if (e.locked) State.Failed(e.message, e.code) else again
            } else {
                _state.value = State.Failed(e.message, e.code)
            }
        } finally {
            stamping.value = false
        }
    }

    /** 【取消】: tells the platform the user declined. */
    suspend fun decline() {
        val scan = pending ?: run {
            _state.value = State.Scanning
            return
        }
        _state.value = try {
            core.decline(scan)
            State.Declined
        } catch (e: AppError) {
            State.Failed(e.message, e.code)
        }
    }

    /** Back to the viewfinder. */
    fun reset() {
        pending = null
        hint.value = null
        _state.value = State.Scanning
    }
}

/** 【使用记录】: newest first, a page at a time, optionally within dates. */
class UsageModel(private val core: CertCore, private val pageSize: Int = 20) {
    private val _items = MutableStateFlow<List<Usage>>(emptyList())
    val items: StateFlow<List<Usage>> = _items
    val from = MutableStateFlow<String?>(null)
    val to = MutableStateFlow<String?>(null)
    private val _hasMore = MutableStateFlow(false)
    val hasMore: StateFlow<Boolean> = _hasMore
    private val _loading = MutableStateFlow(false)
    val loading: StateFlow<Boolean> = _loading
    val error = MutableStateFlow<String?>(null)
    private var cursor: String? = null
    private var started = false

    suspend fun refresh() {
        cursor = null
        started = false
        _items.value = emptyList()
        loadMore()
    }

    /** The next page; nothing once the last page is in. */
    suspend fun loadMore() {
        if (started && cursor == null) return
        started = true
        _loading.value = true
        try {
            val page = core.usage(from.value, to.value, cursor, pageSize)
            _items.value = _items.value + page.items
            cursor = page.nextCursor
            _hasMore.value = page.nextCursor != null
            error.value = null
        } catch (e: AppError) {
            error.value = e.message
        } finally {
            _loading.value = false
        }
    }
}
