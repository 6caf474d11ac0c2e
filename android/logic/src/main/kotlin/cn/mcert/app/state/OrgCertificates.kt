package cn.mcert.app.state

import cn.mcert.app.core.AppError
import cn.mcert.app.core.CertCore
import cn.mcert.app.core.IdType
import cn.mcert.app.core.KeyAlgorithm
import cn.mcert.app.core.Member
import cn.mcert.app.core.OrgCertificate
import cn.mcert.app.core.Organisation
import cn.mcert.app.core.OwnerForm
import cn.mcert.app.core.Slot
import cn.mcert.app.core.Validate
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow

/**
 * 【证书管理】 of seed 003 §7: the organisation's certificate slots with 所属人, 持有人, 证书状态,
 * 购买日期 and validity. An admin sets a personal slot's owner once (证件类型, 证件号码, 姓名, 邮箱,
 * after a confirmation, as the owner cannot be changed) and chooses its holder; changing the
 * holder of a slot whose certificate was downloaded revokes the old holder's certificate, so it
 * asks first.
 */
class OrgCertificatesModel(private val core: CertCore) {
    /** A holder change waiting for confirmation; [revokes] when a certificate was issued. */
    data class HolderChange(val slot: OrgCertificate, val member: Member) {
        val revokes: Boolean get() = slot.certificateSerial != null || slot.status == "issued"
    }

    private var org: Organisation? = null
    private val _items = MutableStateFlow<List<OrgCertificate>>(emptyList())
    val items: StateFlow<List<OrgCertificate>> = _items
    private val _members = MutableStateFlow<List<Member>>(emptyList())
    /** The members a holder is chosen from. */
    val members: StateFlow<List<Member>> = _members
    private val _loading = MutableStateFlow(false)
    val loading: StateFlow<Boolean> = _loading
    val problem = MutableStateFlow<Problem?>(null)
    private val _busy = MutableStateFlow(false)
    val busy: StateFlow<Boolean> = _busy

    // 设置所属人员信息: the slot being assigned and the form.
    val editing = MutableStateFlow<OrgCertificate?>(null)
    val ownerName = MutableStateFlow("")
    val ownerIdNumber = MutableStateFlow("")
    val ownerEmail = MutableStateFlow("")
    /** The member chosen as holder in the form. */
    val holderChoice = MutableStateFlow<String?>(null)
    /** The owner form waits for 【确定】 of the warning that the owner is fixed once set. */
    val confirmingOwner = MutableStateFlow(false)

    val holderChange = MutableStateFlow<HolderChange?>(null)

    val isAdmin: Boolean get() = org?.isAdmin == true

    suspend fun load(org: Organisation) {
        if (this.org?.id != org.id) {
            _items.value = emptyList()
            _members.value = emptyList()
        }
        this.org = org
        problem.value = null
        refresh()
    }

    suspend fun refresh() {
        val o = org ?: return
        if (!o.isAdmin) {
            _items.value = emptyList()
            return
        }
        _loading.value = true
        try {
            _items.value = core.orgCertificates(o.id)
            _members.value = core.members(o.id)
            problem.value = null
        } catch (e: AppError) {
            problem.value = Problem.of(e)
        } finally {
            _loading.value = false
        }
    }

    /** 【设置所属人员】 of a personal slot without an owner. */
    fun startAssign(slot: OrgCertificate) {
        editing.value = slot
        ownerName.value = ""
        ownerIdNumber.value = ""
        ownerEmail.value = ""
        holderChoice.value = slot.holder?.memberId
        confirmingOwner.value = false
        problem.value = null
    }

    fun checkOwner(): Problem? = when {
        !Validate.idNumber(ownerIdNumber.value.trim().uppercase()) -> Problem.local("bad_id_number", "owner_id")
        !Validate.personName(ownerName.value) -> Problem.local("bad_person_name", "owner_name")
        ownerEmail.value.isNotBlank() && !Validate.email(ownerEmail.value.trim()) -> Problem.local("bad_email", "owner_email")
        else -> null
    }

    /** 【保存】: checks the form and asks for the confirmation. */
    fun askSaveOwner() {
        if (!isAdmin) {
            problem.value = Problem.local("admin_only")
            return
        }
        val p = checkOwner()
        problem.value = p
        confirmingOwner.value = p == null
    }

    /** 【确定】: sets the owner (once), then the holder when one was chosen; true when saved. */
    suspend fun saveOwner(): Boolean {
        val o = org ?: return false
        val slot = editing.value ?: return false
        confirmingOwner.value = false
        _busy.value = true
        return try {
            core.setOwner(
                o.id,
                slot.entitlementId,
                OwnerForm(IdType.RESIDENT_ID, ownerIdNumber.value.trim().uppercase(), ownerName.value.trim(), ownerEmail.value.trim().ifEmpty { null }),
            )
            val holder = holderChoice.value
            if (holder != null && holder != slot.holder?.memberId) core.setHolder(o.id, slot.entitlementId, holder)
            editing.value = null
            refresh()
            true
        } catch (e: AppError) {
            problem.value = Problem.of(e)
            false
        } finally {
            _busy.value = false
        }
    }

    /** 【修改持有人】: asks for the confirmation before anything changes. */
    fun askHolder(slot: OrgCertificate, member: Member) {
        if (!isAdmin) {
            problem.value = Problem.local("admin_only")
            return
        }
        if (slot.holder?.memberId == member.id) return
        holderChange.value = HolderChange(slot, member)
    }

    /** 【确定】 of the holder change; true when it was made. */
    suspend fun confirmHolder(): Boolean {
        val o = org ?: return false
        val change = holderChange.value ?: return false
        holderChange.value = null
        _busy.value = true
        return try {
            core.setHolder(o.id, change.slot.entitlementId, change.member.id)
            refresh()
            true
        } catch (e: AppError) {
            problem.value = Problem.of(e)
            false
        } finally {
            _busy.value = false
        }
    }
}

/**
 * 【证书】-【待申领的证书】 (seed 000 §2.1 F): organisations' slots whose holder the account is;
 * claiming one is the download: the key is made on this phone under a new PIN.
 */
class ClaimsModel(private val core: CertCore) {
    private val _claims = MutableStateFlow<List<Slot>>(emptyList())
    val claims: StateFlow<List<Slot>> = _claims
    private val _loading = MutableStateFlow(false)
    val loading: StateFlow<Boolean> = _loading
    val error = MutableStateFlow<String?>(null)
    /** The claim being downloaded. */
    val selected = MutableStateFlow<Slot?>(null)
    val installed = MutableStateFlow<String?>(null)

    suspend fun refresh() {
        _loading.value = true
        try {
            _claims.value = core.slots().filter { it.claimable }
            error.value = null
        } catch (e: AppError) {
            error.value = e.message
        } finally {
            _loading.value = false
        }
    }

    fun choose(slot: Slot) {
        selected.value = slot
        installed.value = null
        error.value = null
    }

    /** 【申领】: downloads the selected claim under [pin] (already confirmed twice). */
    suspend fun claim(algorithm: KeyAlgorithm, pin: String): Boolean {
        val slot = selected.value ?: return false
        return try {
            installed.value = core.install(slot.id, algorithm, pin).serial
            selected.value = null
            refresh()
            true
        } catch (e: AppError) {
            error.value = e.message
            false
        }
    }
}
