package cn.mcert.app.state

import cn.mcert.app.core.AppError
import cn.mcert.app.core.CertCore
import cn.mcert.app.core.Certificate
import cn.mcert.app.core.Installed
import cn.mcert.app.core.KeyAlgorithm
import cn.mcert.app.core.ReissueKind
import cn.mcert.app.core.Validate
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow

/**
 * 【证书补办】 (a new phone, or the app reinstalled) and 【忘记密码】 (a new key under a new PIN on
 * this phone) of a certificate's slot. The holder passes 【实名认证】 and the face check again
 * ([Step.Verify], the form of [identity]), sets the new PIN twice ([Step.NewPin]), and the core
 * makes the new key, has the slot's certificate issued again and brings the escrowed encryption
 * keys back under the new PIN ([Step.Done]: the new serial; the old certificate is revoked and
 * bids sealed before still open). A verification counts for 10 minutes and serves one reissue:
 * when the service asks for it again (`reverify_required`) the form comes back as it was filled,
 * with the reason.
 */
class ReissueModel(private val core: CertCore) {
    enum class Step { Verify, NewPin, Done }

    private val _certificate = MutableStateFlow<Certificate?>(null)
    /** The certificate whose slot is issued again. */
    val certificate: StateFlow<Certificate?> = _certificate
    private val _reason = MutableStateFlow(ReissueKind.NEW_DEVICE)
    val reason: StateFlow<ReissueKind> = _reason
    private var algorithm = KeyAlgorithm.SM2

    /** The real-name form (name, ID number, phone) submitted with the face check's token. */
    val identity = IdentityModel(core)
    private val _step = MutableStateFlow(Step.Verify)
    val step: StateFlow<Step> = _step
    private val _pad = MutableStateFlow(PinEntryModel(core, PinEntryModel.Mode.New))
    /** The pad for the new PIN (asked twice, the policy checked first). */
    val pad: StateFlow<PinEntryModel> = _pad
    private val _result = MutableStateFlow<Installed?>(null)
    /** The new certificate, once done. */
    val result: StateFlow<Installed?> = _result
    val problem = MutableStateFlow<Problem?>(null)
    private val _busy = MutableStateFlow(false)
    val busy: StateFlow<Boolean> = _busy

    /** Starts over for [certificate]'s slot: a new [algorithm] key, for [reason]. */
    fun start(certificate: Certificate, reason: ReissueKind, algorithm: KeyAlgorithm = certificate.keyAlgorithm) {
        _certificate.value = certificate
        _reason.value = reason
        this.algorithm = algorithm
        identity.clear()
        _pad.value = PinEntryModel(core, PinEntryModel.Mode.New)
        _result.value = null
        problem.value = null
        _busy.value = false
        _step.value = Step.Verify
    }

    /**
     * 【人脸识别并提交】: the form is checked here first, then [faceCheck] runs (the vendor's SDK,
     * returning its token) and the service verifies; verified, the new PIN is asked next.
     */
    suspend fun verify(faceCheck: suspend () -> String): Boolean {
        if (_certificate.value == null) return false
        formProblem()?.let {
            problem.value = it
            return false
        }
        _busy.value = true
        return try {
            identity.submit(faceCheck())
            when (val s = identity.state.value) {
                is IdentityModel.State.Verified -> {
                    problem.value = null
                    _pad.value = PinEntryModel(core, PinEntryModel.Mode.New)
                    _step.value = Step.NewPin
                    true
                }
                is IdentityModel.State.Failed -> {
                    problem.value = Problem(s.message, s.code)
                    identity.edit()
                    false
                }
                else -> false
            }
        } catch (e: AppError) {
            // The face check itself failed or was cancelled.
            problem.value = Problem.of(e)
            false
        } finally {
            _busy.value = false
        }
    }

    /** The new PIN is typed twice: the core makes the key and the certificate is issued again. */
    suspend fun pinEntered(pin: String): Boolean {
        val cert = _certificate.value ?: return false
        _busy.value = true
        return try {
            _result.value = core.reissue(cert.entitlementId, algorithm, pin, _reason.value)
            problem.value = null
            _step.value = Step.Done
            true
        } catch (e: AppError) {
            _pad.value = PinEntryModel(core, PinEntryModel.Mode.New)
            if (e.code == "reverify_required") {
                // Stale or already spent: verify again, with the form as it was.
                problem.value = Problem.local("reissue_reverify")
                identity.edit()
                _step.value = Step.Verify
            } else {
                problem.value = Problem.of(e)
            }
            false
        } finally {
            _busy.value = false
        }
    }

    private fun formProblem(): Problem? = when {
        !Validate.personName(identity.name.value) -> Problem.local("bad_person_name", "name")
        !Validate.idNumber(identity.idNumber.value.trim().uppercase()) -> Problem.local("bad_id_number", "id_number")
        !Validate.mobile(identity.phone.value.trim()) -> Problem.local("bad_phone", "phone")
        else -> null
    }
}
