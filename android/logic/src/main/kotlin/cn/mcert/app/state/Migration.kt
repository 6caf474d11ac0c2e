package cn.mcert.app.state

import cn.mcert.app.core.AppError
import cn.mcert.app.core.CertCore
import cn.mcert.app.core.Certificate
import cn.mcert.app.core.HostClipboard
import cn.mcert.app.core.Installed
import cn.mcert.app.core.Migration
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow

/**
 * 【迁移到新手机】 on the old phone: a QR code (and its text, to copy) for the new phone, logged
 * in with the same number; the page asks the service every [pollMillis] until the new phone has
 * asked ([Step.Qr] → [Step.Confirm]), then shows the six-digit code both phones show. When they
 * match, the certificate PIN approves the move ([Step.Pin] → [Step.Done]) and this phone deletes
 * the slot's keys. 【取消迁移】 at any time before; a code past its time ends as
 * [Step.Expired].
 */
class MigrationModel(
    private val core: CertCore,
    private val clipboard: HostClipboard = HostClipboard.None,
    private val pollMillis: Long = 1000,
) {
    enum class Step { Starting, Qr, Confirm, Pin, Done, Cancelled, Expired, Failed }

    private val _certificate = MutableStateFlow<Certificate?>(null)
    val certificate: StateFlow<Certificate?> = _certificate
    private val _migration = MutableStateFlow<Migration?>(null)
    /** The move as last seen (its status, and the code once the new phone asked). */
    val migration: StateFlow<Migration?> = _migration
    private val _qr = MutableStateFlow<String?>(null)
    /** The QR code's text, for the new phone to scan or paste. */
    val qr: StateFlow<String?> = _qr
    private val _qrPng = MutableStateFlow<ByteArray?>(null)
    val qrPng: StateFlow<ByteArray?> = _qrPng
    private val _copied = MutableStateFlow(false)
    val copied: StateFlow<Boolean> = _copied
    private val _step = MutableStateFlow(Step.Starting)
    val step: StateFlow<Step> = _step
    private val _pad = MutableStateFlow(PinEntryModel(core, PinEntryModel.Mode.Unlock))
    val pad: StateFlow<PinEntryModel> = _pad
    val problem = MutableStateFlow<Problem?>(null)
    private val _busy = MutableStateFlow(false)
    val busy: StateFlow<Boolean> = _busy

    /** Waiting on the new phone or on this phone's approval: the page keeps asking. */
    val waiting: Boolean get() = _step.value in setOf(Step.Qr, Step.Confirm, Step.Pin)

    /** Starts a move of [certificate] (its key on this phone): the QR code to show. */
    suspend fun start(certificate: Certificate) {
        _certificate.value = certificate
        _migration.value = null
        _qr.value = null
        _qrPng.value = null
        _copied.value = false
        _pad.value = PinEntryModel(core, PinEntryModel.Mode.Unlock)
        problem.value = null
        _step.value = Step.Starting
        _busy.value = true
        try {
            val started = core.startMigration(certificate.entitlementId)
            _qr.value = started.qr
            _qrPng.value = started.qrPng
            update(started)
        } catch (e: AppError) {
            problem.value = Problem.of(e)
            _step.value = Step.Failed
        } finally {
            _busy.value = false
        }
    }

    /** Asks the service every [pollMillis] while the move waits (the page runs this while shown). */
    suspend fun watch() {
        while (waiting) {
            delay(pollMillis)
            if (waiting) poll()
        }
    }

    /** Asks once how the move stands; a failure is shown and the next ask goes on. */
    suspend fun poll() {
        val id = _migration.value?.id ?: return
        try {
            update(core.migration(id))
            if (problem.value?.code == "network") problem.value = null
        } catch (e: AppError) {
            problem.value = Problem.of(e)
        }
    }

    private fun update(m: Migration) {
        _migration.value = m
        _step.value = when (m.status) {
            "open" -> Step.Qr
            "requested" -> if (_step.value == Step.Pin) Step.Pin else Step.Confirm
            "approved" -> Step.Done
            "cancelled" -> Step.Cancelled
            "expired" -> Step.Expired
            else -> _step.value
        }
    }

    /** 【复制迁移码】: the code's text to the clipboard, to send to the new phone. */
    fun copyCode() {
        val text = _qr.value ?: return
        clipboard.copy(text)
        _copied.value = true
    }

    /** 【确认码一致，确认迁移】: the user checked the codes; the PIN is asked next. */
    fun codesMatch() {
        if (_step.value != Step.Confirm) return
        _pad.value = PinEntryModel(core, PinEntryModel.Mode.Unlock)
        problem.value = null
        _step.value = Step.Pin
    }

    /** The certificate PIN approves the move; this phone deletes the slot's keys. */
    suspend fun approve(pin: String): Boolean {
        val id = _migration.value?.id ?: return false
        _busy.value = true
        return try {
            update(core.approveMigration(id, pin))
            problem.value = null
            true
        } catch (e: AppError) {
            if (e.triesLeft != null || e.locked) {
                _pad.value.refused(e)
            } else {
                _pad.value = PinEntryModel(core, PinEntryModel.Mode.Unlock)
                problem.value = Problem.of(e)
                // Cancelled or expired meanwhile: the page says so.
                poll()
            }
            false
        } finally {
            _busy.value = false
        }
    }

    /** 【取消迁移】. */
    suspend fun cancel(): Boolean {
        val id = _migration.value?.id ?: return false
        return attempt(_busy, problem) { update(core.cancelMigration(id)) }
    }
}

/**
 * 【从旧手机迁移】 on the new phone, logged in with the same number: the old phone's move code
 * ([Step.Code]) read by the camera ([startScan], frames through [onFrame]), from a picture
 * ([onImage]) or pasted as text, then a new certificate PIN for this phone twice
 * ([Step.NewPin]); the core makes the key and asks, and both phones show the same six-digit code
 * ([Step.Waiting]). Once the old phone approved with its PIN the certificate and the escrowed
 * encryption keys are kept here ([Step.Done]); a move cancelled or expired ends as
 * [Step.Ended]. The typed code is kept whatever is refused.
 */
class MigrationInModel(private val core: CertCore, private val waitSecs: UInt = 30u, private val retryMillis: Long = 2000) :
    FrameReader {
    enum class Step { Code, NewPin, Waiting, Done, Ended }

    /** The old phone's code as scanned or pasted. */
    val code = MutableStateFlow("")
    private val _step = MutableStateFlow(Step.Code)
    val step: StateFlow<Step> = _step
    private val _pad = MutableStateFlow(PinEntryModel(core, PinEntryModel.Mode.New))
    val pad: StateFlow<PinEntryModel> = _pad
    private val _migration = MutableStateFlow<Migration?>(null)
    /** The move asked for: the code to compare with the old phone's. */
    val migration: StateFlow<Migration?> = _migration
    private val _result = MutableStateFlow<Installed?>(null)
    val result: StateFlow<Installed?> = _result
    private val _ended = MutableStateFlow<String?>(null)
    /** Why the move ended without the certificate (the core's message). */
    val ended: StateFlow<String?> = _ended
    val problem = MutableStateFlow<Problem?>(null)
    private val _busy = MutableStateFlow(false)
    val busy: StateFlow<Boolean> = _busy
    /** The new PIN, kept only until the certificate is kept under it. */
    private var pin: String? = null
    private val _scanning = MutableStateFlow(false)
    /** The camera is reading the old phone's QR code (the page shows the viewfinder). */
    val scanning: StateFlow<Boolean> = _scanning
    /** Under the viewfinder: a QR code that is not a move code, say. */
    val hint = MutableStateFlow<String?>(null)
    override val torch = MutableStateFlow(false)
    @Volatile
    private var reading = false

    override val wantsFrames: Boolean get() = _scanning.value && _step.value == Step.Code && !reading

    fun start() {
        code.value = ""
        stopScan()
        _pad.value = PinEntryModel(core, PinEntryModel.Mode.New)
        _migration.value = null
        _result.value = null
        _ended.value = null
        problem.value = null
        pin = null
        _step.value = Step.Code
    }

    /** A code read by the camera: taken as if typed. */
    fun scanned(text: String): Boolean {
        code.value = text.trim()
        return next()
    }

    /** 【扫码】: the camera reads the old phone's QR code. */
    fun startScan() {
        if (_step.value != Step.Code) return
        problem.value = null
        hint.value = null
        _scanning.value = true
    }

    /** Back from the viewfinder (or a code was read): the camera stops, the torch goes off. */
    fun stopScan() {
        _scanning.value = false
        torch.value = false
        hint.value = null
    }

    /**
     * One camera frame: the move code read from it goes on to the new PIN. A frame without a QR
     * code is passed over quietly; another QR code says so under the viewfinder.
     */
    override suspend fun onFrame(luma: ByteArray, width: Int, height: Int, rowStride: Int): Boolean {
        if (!wantsFrames) return false
        reading = true
        return try {
            val text = core.readMoveCodeFrame(luma, width, height, rowStride)
            if (!_scanning.value) return false
            stopScan()
            scanned(text)
        } catch (e: AppError) {
            if (e.code != "no_qr_code") hint.value = e.message
            false
        } finally {
            reading = false
        }
    }

    /** A picture of the old phone's QR code (a screenshot sent over, say): read as if scanned. */
    suspend fun onImage(image: ByteArray): Boolean {
        if (_step.value != Step.Code) return false
        _busy.value = true
        return try {
            val text = core.readMoveCodeImage(image)
            stopScan()
            scanned(text)
        } catch (e: AppError) {
            problem.value = Problem(e.message, e.code, "code")
            false
        } finally {
            _busy.value = false
        }
    }

    /** 【下一步】: a code that looks like a move code; the new PIN is asked next. */
    fun next(): Boolean {
        val text = code.value.trim()
        if (!text.startsWith("mcert-move.") || text.length > 256) {
            problem.value = Problem.local("migration_bad_code", "code")
            return false
        }
        problem.value = null
        _pad.value = PinEntryModel(core, PinEntryModel.Mode.New)
        _step.value = Step.NewPin
        return true
    }

    /** Back from the PIN to the code. */
    fun editCode() {
        if (_step.value == Step.NewPin) _step.value = Step.Code
    }

    /** The new PIN, typed twice: the key is made here and the move asked for. */
    suspend fun pinEntered(newPin: String): Boolean {
        _busy.value = true
        return try {
            val asked = core.requestMigration(code.value.trim(), newPin)
            _migration.value = asked
            pin = newPin
            problem.value = null
            _step.value = Step.Waiting
            true
        } catch (e: AppError) {
            _pad.value = PinEntryModel(core, PinEntryModel.Mode.New)
            problem.value = Problem(e.message, e.code, if (e.code in codeProblems) "code" else null)
            if (e.code in codeProblems) _step.value = Step.Code
            false
        } finally {
            _busy.value = false
        }
    }

    /**
     * Waits for the old phone's approval (the page runs this while [Step.Waiting] shows), in
     * rounds of [waitSecs]; a failure of the network is shown and asked again.
     */
    suspend fun waitForApproval(): Boolean {
        while (_step.value == Step.Waiting) {
            val m = _migration.value ?: return false
            val keyId = m.newKeyId ?: return false
            val newPin = pin ?: return false
            try {
                _result.value = core.finishMigration(m.id, keyId, newPin, waitSecs)
                pin = null
                problem.value = null
                _step.value = Step.Done
                return true
            } catch (e: AppError) {
                when (e.code) {
                    "migration_timeout" -> {}
                    "migration_ended", "migration_closed", "unknown_migration" -> {
                        pin = null
                        _ended.value = e.message
                        _step.value = Step.Ended
                        return false
                    }
                    else -> {
                        problem.value = Problem.of(e)
                        delay(retryMillis)
                    }
                }
            }
        }
        return false
    }

    /** 【取消迁移】 while waiting: the new key is removed here. */
    suspend fun cancel(): Boolean {
        val id = _migration.value?.id ?: return false
        return attempt(_busy, problem) {
            val m = core.cancelMigration(id)
            _migration.value = m.copy(newKeyId = _migration.value?.newKeyId)
            pin = null
            _ended.value = m.statusLabel
            _step.value = Step.Ended
        }
    }

    private companion object {
        /** Refusals about the code itself: it is asked again, as typed. */
        val codeProblems = setOf(
            "not_a_migration_code",
            "unknown_migration",
            "migration_closed",
            "migration_ended",
        )
    }
}
