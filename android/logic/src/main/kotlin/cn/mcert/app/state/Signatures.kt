package cn.mcert.app.state

import cn.mcert.app.core.CertCore
import cn.mcert.app.core.PadPoint
import cn.mcert.app.core.PersonalSignature
import cn.mcert.app.core.SignatureNotice
import cn.mcert.app.core.SignaturePad
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow

/**
 * 【签章图片】 of one personal certificate (seed 003 §7): after the certificate is downloaded
 * the app shows the 签章图片告知函; the holder agrees and either gets the generated name seal,
 * usable at once, or writes a signature on the pad (or photographs one on white paper), which
 * the service cleans into a draft; the holder submits it for review and it stamps once approved.
 * After 补发 the old one is void and the notice shows again for the new certificate.
 */
class SignatureModel(private val core: CertCore) {
    private val _serial = MutableStateFlow<String?>(null)
    /** The personal certificate shown. */
    val serial: StateFlow<String?> = _serial
    private val _current = MutableStateFlow<PersonalSignature?>(null)
    /** The certificate's active signature, if it has one. */
    val current: StateFlow<PersonalSignature?> = _current
    private val _picture = MutableStateFlow<ByteArray?>(null)
    val picture: StateFlow<ByteArray?> = _picture
    private val _handwritten = MutableStateFlow<PersonalSignature?>(null)
    /** The newest handwritten signature not yet in force: a draft, under review or rejected. */
    val handwritten: StateFlow<PersonalSignature?> = _handwritten
    private val _handwrittenPicture = MutableStateFlow<ByteArray?>(null)
    val handwrittenPicture: StateFlow<ByteArray?> = _handwrittenPicture
    private val _notice = MutableStateFlow<SignatureNotice?>(null)
    /** The notice, loaded while the certificate has no signature (or one is remade). */
    val notice: StateFlow<SignatureNotice?> = _notice
    private val _writing = MutableStateFlow(false)
    /** The signature pad is shown (the notice was agreed to). */
    val writing: StateFlow<Boolean> = _writing
    private val _strokes = MutableStateFlow<List<List<PadPoint>>>(emptyList())
    /** What is written on the pad so far. */
    val strokes: StateFlow<List<List<PadPoint>>> = _strokes
    /** The notice agreed to by 【同意并手写签名】, shown again on 【取消】. */
    private var agreed: SignatureNotice? = null
    val problem = MutableStateFlow<Problem?>(null)
    private val _busy = MutableStateFlow(false)
    val busy: StateFlow<Boolean> = _busy

    /** Shows the certificate [serial]: its signatures, or the notice to agree to. */
    suspend fun load(serial: String) {
        if (_serial.value != serial) {
            _current.value = null
            _picture.value = null
            _handwritten.value = null
            _handwrittenPicture.value = null
            _notice.value = null
            _writing.value = false
            _strokes.value = emptyList()
        }
        _serial.value = serial
        attempt(_busy, problem) {
            val mine = core.signatures().filter { it.certificateSerial == serial }
            val active = mine.firstOrNull { it.status == "active" }
            val waiting = mine.firstOrNull { it.handwritten && it.status != "active" && it.status != "void" }
            _current.value = active
            _picture.value = active?.let { core.signaturePicture(it.id) }
            _handwritten.value = waiting
            _handwrittenPicture.value = waiting?.let { core.signaturePicture(it.id) }
            _notice.value = if (active == null && waiting == null) core.signatureNotice() else null
        }
    }

    /** 【重新生成】 / 【重新书写】: shows the notice again; agreeing makes a new signature. */
    suspend fun remake() {
        _writing.value = false
        attempt(_busy, problem) { _notice.value = core.signatureNotice() }
    }

    /** 【同意】: the name seal is made under the notice shown and shown in its place. */
    suspend fun agree(): Boolean {
        val serial = _serial.value ?: return false
        val notice = _notice.value ?: return false
        return attempt(_busy, problem) {
            val made = core.makeNameSeal(serial, notice.version)
            _current.value = made
            _picture.value = core.signaturePicture(made.id)
            _notice.value = null
        }
    }

    /** 【同意并手写签名】: the notice is agreed to and the pad is shown, empty. */
    fun startWriting() {
        val notice = _notice.value ?: return
        agreed = notice
        _notice.value = null
        _strokes.value = emptyList()
        problem.value = null
        _writing.value = true
    }

    /** A new stroke begins at [p] (the finger touches the pad). */
    fun penDown(p: PadPoint) {
        if (_strokes.value.size >= MAX_STROKES) return
        _strokes.value = _strokes.value + listOf(listOf(p))
    }

    /** The stroke being written goes on to [p]. */
    fun penMove(p: PadPoint) {
        val all = _strokes.value
        val last = all.lastOrNull() ?: return
        if (all.sumOf { it.size } >= MAX_POINTS) return
        _strokes.value = all.dropLast(1) + listOf(last + p)
    }

    /** 【清除】. */
    fun clearPad() {
        _strokes.value = emptyList()
    }

    /** 【取消】: back to the notice. */
    fun cancelWriting() {
        _writing.value = false
        _strokes.value = emptyList()
        if (_current.value == null && _handwritten.value == null) _notice.value = agreed
    }

    /** 【完成】: what is written on a pad of [width] × [height] becomes a cleaned draft. */
    suspend fun finishWriting(width: Float, height: Float): Boolean {
        val serial = _serial.value ?: return false
        val version = agreed?.version ?: return false
        if (_strokes.value.isEmpty()) {
            problem.value = Problem.local("signature_pad_empty")
            return false
        }
        val pad = SignaturePad(width, height, _strokes.value)
        return drafted { core.drawSignature(serial, version, pad) }
    }

    /** 【拍照上传】: a photo of a signature on white paper becomes a cleaned draft. */
    suspend fun usePhoto(photo: ByteArray): Boolean {
        val serial = _serial.value ?: return false
        val version = agreed?.version ?: return false
        return drafted { core.photoSignature(serial, version, photo) }
    }

    private suspend fun drafted(make: suspend () -> PersonalSignature): Boolean = attempt(_busy, problem) {
        val draft = make()
        _handwritten.value = draft
        _handwrittenPicture.value = core.signaturePicture(draft.id)
        _writing.value = false
        _strokes.value = emptyList()
    }

    /** 【提交审核】: the draft (or the rejected signature) goes to review. */
    suspend fun submit(): Boolean {
        val draft = _handwritten.value ?: return false
        return attempt(_busy, problem) { _handwritten.value = core.submitSignature(draft.id) }
    }

    private companion object {
        /** The service's own limits on what a pad may send. */
        const val MAX_STROKES = 200
        const val MAX_POINTS = 20_000
    }
}
