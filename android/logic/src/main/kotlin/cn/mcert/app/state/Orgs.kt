package cn.mcert.app.state

import cn.mcert.app.core.AppError
import cn.mcert.app.core.Authorisation
import cn.mcert.app.core.CertCore
import cn.mcert.app.core.NewOrganisation
import cn.mcert.app.core.Organisation
import cn.mcert.app.core.PickedFile
import cn.mcert.app.core.Relation
import cn.mcert.app.core.Texts
import cn.mcert.app.core.Validate
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow

/** A refusal a screen shows: the message, a stable code, and the form field it is about. */
data class Problem(val message: String, val code: String, val field: String? = null) {
    companion object {
        fun of(e: AppError) = Problem(e.message, e.code)

        /** One of the app's own texts, refused before the service is asked. */
        fun local(textId: String, field: String? = null) = Problem(Texts[textId], textId, field)
    }
}

/**
 * 【我的单位】: the organisations of the account with its role (证书管理员 / 证书使用人) and the
 * CA authorisation state, and the one the organisation pages show ([current]).
 */
class OrgsModel(private val core: CertCore) {
    private val _orgs = MutableStateFlow<List<Organisation>>(emptyList())
    val orgs: StateFlow<List<Organisation>> = _orgs
    private val _loading = MutableStateFlow(false)
    val loading: StateFlow<Boolean> = _loading
    val error = MutableStateFlow<String?>(null)
    val current = MutableStateFlow<Organisation?>(null)
    /** Organisations' slots waiting for the account to claim them (待申领的证书). */
    private val _claims = MutableStateFlow(0)
    val claims: StateFlow<Int> = _claims

    suspend fun refresh() {
        _loading.value = true
        try {
            _orgs.value = core.orgs()
            current.value = current.value?.let { c -> _orgs.value.firstOrNull { it.id == c.id } ?: c }
            _claims.value = core.slots().count { it.claimable }
            error.value = null
        } catch (e: AppError) {
            error.value = e.message
        } finally {
            _loading.value = false
        }
    }

    fun open(org: Organisation) {
        current.value = org
    }

    /** Reads the current organisation again (its authorisation may have moved on). */
    suspend fun reload() {
        val id = current.value?.id ?: return
        try {
            val fresh = core.org(id)
            current.value = fresh
            _orgs.value = _orgs.value.map { if (it.id == id) fresh else it }
            error.value = null
        } catch (e: AppError) {
            error.value = e.message
        }
    }
}

/** 【单位注册】: name, credit code, legal representative, and how the applicant relates to it. */
class RegisterOrgModel(private val core: CertCore) {
    sealed interface State {
        data object Editing : State
        data object Busy : State
        data class Registered(val org: Organisation) : State
        data class Failed(val problem: Problem) : State
    }

    val name = MutableStateFlow("")
    val creditCode = MutableStateFlow("")
    val legalRepName = MutableStateFlow("")
    val legalRepIdNumber = MutableStateFlow("")
    val relation = MutableStateFlow(Relation.AGENT)
    private val _state = MutableStateFlow<State>(State.Editing)
    val state: StateFlow<State> = _state

    /** The code as typed so far: upper case, no spaces, at most 18 characters. */
    fun setCreditCode(text: String) {
        creditCode.value = text.filterNot(Char::isWhitespace).uppercase().take(18)
    }

    /** Shown under the code field once all 18 characters are in and the check character is wrong. */
    fun creditCodeHint(): String? =
        creditCode.value.takeIf { it.length == 18 && !Validate.creditCode(it) }?.let { Texts["bad_credit_code"] }

    /** The first field the service would refuse, checked here first. */
    fun check(): Problem? = when {
        !Validate.orgName(name.value) -> Problem.local("bad_org_name", "name")
        !Validate.creditCode(creditCode.value) -> Problem.local("bad_credit_code", "credit_code")
        !Validate.personName(legalRepName.value) -> Problem.local("bad_person_name", "legal_rep_name")
        !Validate.idNumber(legalRepIdNumber.value.trim().uppercase()) -> Problem.local("bad_id_number", "legal_rep_id")
        else -> null
    }

    suspend fun submit() {
        check()?.let {
            _state.value = State.Failed(it)
            return
        }
        _state.value = State.Busy
        _state.value = try {
            State.Registered(
                core.registerOrg(
                    NewOrganisation(
                        name = name.value.trim(),
                        creditCode = creditCode.value,
                        legalRepName = legalRepName.value.trim(),
                        legalRepIdNumber = legalRepIdNumber.value.trim().uppercase(),
                        relation = relation.value,
                    ),
                ),
            )
        } catch (e: AppError) {
            State.Failed(Problem.of(e))
        }
    }

    fun reset() {
        name.value = ""
        creditCode.value = ""
        legalRepName.value = ""
        legalRepIdNumber.value = ""
        relation.value = Relation.AGENT
        _state.value = State.Editing
    }
}

/**
 * 【CA 授权】 of seed 003: the legal representative's face check (authorised at once), or the
 * letter: 【下载模板】, print, stamp and sign, photograph or scan it, upload, 【提交申请】 → reviewed,
 * with 审批进度.
 */
class AuthorisationModel(private val core: CertCore) {
    enum class Method { LETTER, FACE }

    sealed interface State {
        data object Idle : State
        data object Busy : State
        data class Failed(val problem: Problem) : State
    }

    private var orgId: String? = null
    private val _authorisation = MutableStateFlow<Authorisation?>(null)
    val authorisation: StateFlow<Authorisation?> = _authorisation
    val method = MutableStateFlow(Method.LETTER)
    val legalRepPhone = MutableStateFlow("")
    private val _picked = MutableStateFlow<PickedFile?>(null)
    val picked: StateFlow<PickedFile?> = _picked
    private val _state = MutableStateFlow<State>(State.Idle)
    val state: StateFlow<State> = _state

    /** Shows [org]'s authorisation. */
    fun load(org: Organisation) {
        if (orgId != org.id) {
            _picked.value = null
            legalRepPhone.value = ""
        }
        orgId = org.id
        _authorisation.value = org.authorisation
        if (org.authorisation.method == "face") method.value = Method.FACE
        _state.value = State.Idle
    }

    /** Whether a new submission may be made (none yet, or the last one was rejected). */
    fun canSubmit(): Boolean = _authorisation.value?.let { !it.approved && !it.pending } ?: false

    /** 【下载模板】: the filled-in letter as a PDF, for the platform to save or share; null on failure. */
    suspend fun template(): ByteArray? {
        val id = orgId ?: return null
        return try {
            core.letterTemplate(id).also { _state.value = State.Idle }
        } catch (e: AppError) {
            _state.value = State.Failed(Problem.of(e))
            null
        }
    }

    /** The photo or PDF of the stamped letter; refused here when the service would refuse it. */
    fun pick(file: PickedFile) {
        val problem = file.problem()
        if (problem != null) {
            _state.value = State.Failed(Problem.local(problem, "file"))
            return
        }
        _picked.value = file
        _state.value = State.Idle
    }

    /** Uploads the picked letter and submits it for review; true when it went. */
    suspend fun submitLetter(): Boolean {
        val id = orgId ?: return false
        val file = _picked.value
        if (file == null) {
            _state.value = State.Failed(Problem.local("pick_letter_first", "file"))
            return false
        }
        return run {
            val upload = core.upload(id, "authorisation_letter", file.bytes)
            core.submitLetter(id, upload.id)
        }
    }

    /** Submits the legal representative's face check with the liveness token the camera step made. */
    suspend fun submitFace(faceToken: String): Boolean {
        val id = orgId ?: return false
        val phone = legalRepPhone.value.trim()
        if (!Validate.mobile(phone)) {
            _state.value = State.Failed(Problem.local("bad_phone", "phone"))
            return false
        }
        return run { core.authoriseByFace(id, phone, faceToken) }
    }

    private suspend fun run(action: suspend () -> Authorisation): Boolean {
        _state.value = State.Busy
        return try {
            _authorisation.value = action()
            _picked.value = null
            _state.value = State.Idle
            true
        } catch (e: AppError) {
            _state.value = State.Failed(Problem.of(e))
            false
        }
    }
}
