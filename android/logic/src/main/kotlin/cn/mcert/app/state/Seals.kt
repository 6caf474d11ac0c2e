package cn.mcert.app.state

import cn.mcert.app.core.AppError
import cn.mcert.app.core.CertCore
import cn.mcert.app.core.Member
import cn.mcert.app.core.OrgCertificate
import cn.mcert.app.core.Organisation
import cn.mcert.app.core.Seal
import cn.mcert.app.core.SealApproval
import cn.mcert.app.core.SealForm
import cn.mcert.app.core.SealGrant
import cn.mcert.app.core.SealGrantForm
import cn.mcert.app.core.SealKind
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow

/** Runs [action] with [busy] set, turning a refusal into [problem]; true when it went through. */
internal suspend fun attempt(
    busy: MutableStateFlow<Boolean>,
    problem: MutableStateFlow<Problem?>,
    action: suspend () -> Unit,
): Boolean {
    busy.value = true
    return try {
        action()
        problem.value = null
        true
    } catch (e: AppError) {
        problem.value = Problem.of(e)
        false
    } finally {
        busy.value = false
    }
}

/**
 * Runs [action] with the PIN typed on [pad]: a wrong PIN with tries left goes back to the pad,
 * any other refusal closes the pad ([close]) into [problem]. True when it went through.
 */
private suspend fun withPin(
    busy: MutableStateFlow<Boolean>,
    problem: MutableStateFlow<Problem?>,
    pad: PinEntryModel,
    close: () -> Unit,
    action: suspend () -> Unit,
): Boolean {
    busy.value = true
    return try {
        action()
        close()
        true
    } catch (e: AppError) {
        if (e.triesLeft != null && !e.locked) {
            pad.refused(e)
        } else {
            close()
            problem.value = Problem.of(e)
        }
        false
    } finally {
        busy.value = false
    }
}

/**
 * 【印章管理】 (seed 000 §3): the organisation's seals with their states; an admin applies from a
 * photo of the stamp on white paper (the cleaned picture is shown as a draft before it is
 * submitted), submits it for review, and claims (申领) an approved seal with the PIN of the
 * organisation certificate it is bound to, which must be on this phone.
 */
class SealsModel(private val core: CertCore) {
    private var org: Organisation? = null
    private val _seals = MutableStateFlow<List<Seal>>(emptyList())
    val seals: StateFlow<List<Seal>> = _seals
    private val _pictures = MutableStateFlow<Map<String, ByteArray>>(emptyMap())
    /** The cleaned pictures (PNG) by seal id, as they are loaded. */
    val pictures: StateFlow<Map<String, ByteArray>> = _pictures
    val problem = MutableStateFlow<Problem?>(null)
    private val _busy = MutableStateFlow(false)
    val busy: StateFlow<Boolean> = _busy

    // The apply form: the organisation certificates with a certificate issued, the chosen one.
    private val _slots = MutableStateFlow<List<OrgCertificate>>(emptyList())
    val slots: StateFlow<List<OrgCertificate>> = _slots
    val kind = MutableStateFlow(SealKind.OFFICIAL)
    val name = MutableStateFlow("")
    val slot = MutableStateFlow<String?>(null)
    val photo = MutableStateFlow<ByteArray?>(null)
    /** The draft just made from the photo, shown with its cleaned picture. */
    val draft = MutableStateFlow<Seal?>(null)

    /** The seal being claimed, and its PIN pad. */
    val claiming = MutableStateFlow<Pair<Seal, PinEntryModel>?>(null)

    val canManage: Boolean get() = org?.isAdmin == true

    suspend fun load(org: Organisation) {
        if (this.org?.id != org.id) {
            _seals.value = emptyList()
            _pictures.value = emptyMap()
        }
        this.org = org
        refresh()
    }

    suspend fun refresh() {
        val o = org ?: return
        attempt(_busy, problem) {
            val list = core.seals(o.id)
            _seals.value = list
            for (seal in list) picture(o.id, seal.id)
        }
    }

    private suspend fun picture(orgId: String, sealId: String) {
        if (sealId in _pictures.value) return
        _pictures.value = _pictures.value + (sealId to core.sealPicture(orgId, sealId))
    }

    /** Opens the apply form: the organisation certificates that can carry a seal. */
    suspend fun startApply() {
        val o = org ?: return
        draft.value = null
        photo.value = null
        problem.value = null
        if (name.value.isBlank()) name.value = o.name
        attempt(_busy, problem) {
            _slots.value = core.orgCertificates(o.id).filter { it.isOrganisation && it.certificateSerial != null }
            if (slot.value == null) slot.value = _slots.value.singleOrNull()?.entitlementId
        }
    }

    fun checkForm(): Problem? = when {
        name.value.isBlank() || name.value.trim().length > 40 -> Problem.local("seal_bad_name", "name")
        slot.value == null -> Problem.local("seal_pick_certificate", "slot")
        photo.value == null -> Problem.local("seal_take_photo", "photo")
        else -> null
    }

    /** 【生成印章】: the photo is cleaned by the service; the draft shows the result. */
    suspend fun apply(): Boolean {
        val o = org ?: return false
        checkForm()?.let {
            problem.value = it
            return false
        }
        val form = SealForm(kind.value, name.value.trim(), slot.value ?: return false, photo.value ?: return false)
        return attempt(_busy, problem) {
            val seal = core.applySeal(o.id, form)
            picture(o.id, seal.id)
            draft.value = seal
        }
    }

    /** 【提交审核】 of the draft (or of a rejected seal, again). */
    suspend fun submit(seal: Seal): Boolean {
        val o = org ?: return false
        return attempt(_busy, problem) {
            core.submitSeal(o.id, seal.id)
            if (draft.value?.id == seal.id) draft.value = null
            refresh()
        }
    }

    /** 【申领】: opens the PIN pad of the bound certificate. */
    fun startClaim(seal: Seal) {
        if (seal.status != "approved") return
        claiming.value = seal to PinEntryModel(core, PinEntryModel.Mode.Unlock)
    }

    /** The PIN pad completed: claims the seal. A wrong PIN goes back to the pad. */
    suspend fun claim(pin: String): Boolean {
        val o = org ?: return false
        val (seal, pad) = claiming.value ?: return false
        val done = withPin(_busy, problem, pad, { claiming.value = null }) {
            core.claimSeal(o.id, seal.id, seal.certificateSerial, pin)
        }
        if (done) refresh()
        return done
    }
}

/**
 * 【用印授权】: an admin gives a claimed seal to a member with limits — the projects (项目编号,
 * none: any), the days, and each use approved by an admin — and withdraws it.
 */
class SealGrantsModel(private val core: CertCore) {
    private var org: Organisation? = null
    val seal = MutableStateFlow<Seal?>(null)
    private val _grants = MutableStateFlow<List<SealGrant>>(emptyList())
    val grants: StateFlow<List<SealGrant>> = _grants
    private val _members = MutableStateFlow<List<Member>>(emptyList())
    val members: StateFlow<List<Member>> = _members
    val problem = MutableStateFlow<Problem?>(null)
    private val _busy = MutableStateFlow(false)
    val busy: StateFlow<Boolean> = _busy

    val member = MutableStateFlow<String?>(null)
    /** Project numbers, separated by commas, spaces or 、. */
    val projects = MutableStateFlow("")
    val validFrom = MutableStateFlow("")
    val validTo = MutableStateFlow("")
    val approvalRequired = MutableStateFlow(false)

    suspend fun open(org: Organisation, seal: Seal) {
        this.org = org
        this.seal.value = seal
        member.value = null
        projects.value = ""
        approvalRequired.value = false
        problem.value = null
        attempt(_busy, problem) {
            _members.value = core.members(org.id).filter { it.hasAccount }
            _grants.value = core.sealGrants(org.id, seal.id)
        }
    }

    fun projectList(): List<String> =
        projects.value.split(',', '，', '、', ' ', '\n').map { it.trim() }.filter { it.isNotEmpty() }

    private val day = Regex("""\d{4}-\d{2}-\d{2}""")

    fun checkForm(): Problem? = when {
        member.value == null -> Problem.local("grant_pick_member", "member")
        projectList().any { !Regex("""[A-Za-z0-9._/-]{1,40}""").matches(it) } -> Problem.local("grant_bad_project", "projects")
        !day.matches(validFrom.value.trim()) -> Problem.local("grant_bad_date", "valid_from")
        !day.matches(validTo.value.trim()) || validTo.value.trim() < validFrom.value.trim() ->
            Problem.local("grant_bad_date", "valid_to")
        else -> null
    }

    /** 【授权】 */
    suspend fun grant(): Boolean {
        val o = org ?: return false
        val s = seal.value ?: return false
        checkForm()?.let {
            problem.value = it
            return false
        }
        val form = SealGrantForm(
            member.value ?: return false,
            projectList(),
            validFrom.value.trim(),
            validTo.value.trim(),
            approvalRequired.value,
        )
        return attempt(_busy, problem) {
            core.grantSeal(o.id, s.id, form)
            _grants.value = core.sealGrants(o.id, s.id)
        }
    }

    /** 【撤销】 */
    suspend fun revoke(grant: SealGrant): Boolean {
        val o = org ?: return false
        val s = seal.value ?: return false
        return attempt(_busy, problem) {
            core.revokeSealGrant(o.id, s.id, grant.id)
            _grants.value = core.sealGrants(o.id, s.id)
        }
    }
}

/**
 * 【用印审批】: the uses of granted seals waiting for an admin; 【同意】 asks the PIN of the admin's
 * own certificate of the organisation (on this phone), 【拒绝】 refuses.
 */
class SealApprovalsModel(private val core: CertCore) {
    private var org: Organisation? = null
    private val _approvals = MutableStateFlow<List<SealApproval>>(emptyList())
    val approvals: StateFlow<List<SealApproval>> = _approvals
    val problem = MutableStateFlow<Problem?>(null)
    private val _busy = MutableStateFlow(false)
    val busy: StateFlow<Boolean> = _busy
    /** The approval being approved, the admin's certificate and the PIN pad. */
    val approving = MutableStateFlow<Triple<SealApproval, String, PinEntryModel>?>(null)

    suspend fun load(org: Organisation) {
        this.org = org
        refresh()
    }

    suspend fun refresh() {
        val o = org ?: return
        attempt(_busy, problem) { _approvals.value = core.sealApprovals(o.id) }
    }

    /** 【同意】: the PIN pad of the admin's certificate of this organisation on this phone. */
    suspend fun startApprove(approval: SealApproval) {
        val o = org ?: return
        if (approval.status != "pending") return
        var serial: String? = null
        val read = attempt(_busy, problem) {
            val mine = core.localKeys().flatMap { it.serials }.toSet()
            serial = core.orgCertificates(o.id).firstNotNullOfOrNull { c -> c.certificateSerial?.takeIf { it in mine } }
        }
        if (!read) return
        when (val s = serial) {
            null -> problem.value = Problem.local("approve_no_certificate")
            else -> approving.value = Triple(approval, s, PinEntryModel(core, PinEntryModel.Mode.Unlock))
        }
    }

    suspend fun approve(pin: String): Boolean {
        val o = org ?: return false
        val (approval, serial, pad) = approving.value ?: return false
        val done = withPin(_busy, problem, pad, { approving.value = null }) {
            core.approveSealUse(o.id, approval.id, serial, pin)
        }
        if (done) refresh()
        return done
    }

    suspend fun refuse(approval: SealApproval): Boolean {
        val o = org ?: return false
        return attempt(_busy, problem) {
            core.refuseSealUse(o.id, approval.id)
            refresh()
        }
    }
}
