package cn.mcert.app.state

import cn.mcert.app.core.CertCore
import cn.mcert.app.core.PersonalSignature
import cn.mcert.app.core.SignatureNotice
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow

/**
 * 【签章图片】 of one personal certificate (seed 003 §7): after the certificate is downloaded
 * the app shows the 签章图片告知函; the holder agrees and gets the generated name seal, usable at
 * once. After 补发 the old one is void and the notice shows again for the new certificate.
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
    private val _notice = MutableStateFlow<SignatureNotice?>(null)
    /** The notice, loaded while the certificate has no active signature (or one is remade). */
    val notice: StateFlow<SignatureNotice?> = _notice
    val problem = MutableStateFlow<Problem?>(null)
    private val _busy = MutableStateFlow(false)
    val busy: StateFlow<Boolean> = _busy

    /** Shows the certificate [serial]: its active signature, or the notice to agree to. */
    suspend fun load(serial: String) {
        if (_serial.value != serial) {
            _current.value = null
            _picture.value = null
            _notice.value = null
        }
        _serial.value = serial
        attempt(_busy, problem) {
            val active = core.signatures().firstOrNull { it.certificateSerial == serial && it.status == "active" }
            _current.value = active
            _picture.value = active?.let { core.signaturePicture(it.id) }
            _notice.value = if (active == null) core.signatureNotice() else null
        }
    }

    /** 【重新生成】: shows the notice again; agreeing replaces the active signature. */
    suspend fun remake() {
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
}
