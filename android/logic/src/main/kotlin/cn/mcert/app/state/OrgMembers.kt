package cn.mcert.app.state

import cn.mcert.app.core.AppError
import cn.mcert.app.core.CertCore
import cn.mcert.app.core.Member
import cn.mcert.app.core.NewMember
import cn.mcert.app.core.Organisation
import cn.mcert.app.core.Role
import cn.mcert.app.core.Validate
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow

/**
 * 【授权管理】-【单位成员授权】 (seed 000 §2.1 非首次申请 A–E): the organisation's members with their
 * roles; an admin adds a member by name, ID number and phone as 证书使用人 or 证书管理员, changes
 * roles and removes members. A 证书使用人 cannot grant: the actions are refused here before the
 * service is asked (and the screens do not offer them).
 */
class MembersModel(private val core: CertCore) {
    private var org: Organisation? = null
    private val _members = MutableStateFlow<List<Member>>(emptyList())
    val members: StateFlow<List<Member>> = _members
    private val _loading = MutableStateFlow(false)
    val loading: StateFlow<Boolean> = _loading
    /** A failure of the list or of an action. */
    val problem = MutableStateFlow<Problem?>(null)
    /** The member whose removal waits for the admin's confirmation. */
    val removing = MutableStateFlow<Member?>(null)

    // The add form.
    val name = MutableStateFlow("")
    val idNumber = MutableStateFlow("")
    val phone = MutableStateFlow("")
    val role = MutableStateFlow(Role.USER)
    private val _busy = MutableStateFlow(false)
    val busy: StateFlow<Boolean> = _busy

    /** Whether the account may grant (证书管理员). */
    val canManage: Boolean get() = org?.isAdmin == true

    suspend fun load(org: Organisation) {
        if (this.org?.id != org.id) _members.value = emptyList()
        this.org = org
        problem.value = null
        refresh()
    }

    suspend fun refresh() {
        val o = org ?: return
        if (!o.isAdmin) {
            // A user sees no member list: the service answers admin_required.
            _members.value = emptyList()
            return
        }
        _loading.value = true
        try {
            _members.value = core.members(o.id)
            problem.value = null
        } catch (e: AppError) {
            problem.value = Problem.of(e)
        } finally {
            _loading.value = false
        }
    }

    private fun admin(): Organisation? {
        val o = org
        if (o == null || !o.isAdmin) {
            problem.value = Problem.local("admin_only")
            return null
        }
        return o
    }

    fun clearForm() {
        name.value = ""
        idNumber.value = ""
        phone.value = ""
        role.value = Role.USER
        problem.value = null
    }

    fun checkForm(): Problem? = when {
        !Validate.personName(name.value) -> Problem.local("bad_person_name", "name")
        !Validate.idNumber(idNumber.value.trim().uppercase()) -> Problem.local("bad_id_number", "id_number")
        !Validate.mobile(phone.value.trim()) -> Problem.local("bad_phone", "phone")
        else -> null
    }

    /** 【添加】: true when the member was added (the form is cleared). */
    suspend fun add(): Boolean {
        val o = admin() ?: return false
        checkForm()?.let {
            problem.value = it
            return false
        }
        _busy.value = true
        return try {
            core.addMember(o.id, NewMember(name.value.trim(), idNumber.value.trim().uppercase(), phone.value.trim(), role.value))
            clearForm()
            refresh()
            true
        } catch (e: AppError) {
            problem.value = Problem.of(e)
            false
        } finally {
            _busy.value = false
        }
    }

    /** Makes [member] an admin or a user (the last admin stays: the service refuses). */
    suspend fun changeRole(member: Member, to: Role): Boolean {
        val o = admin() ?: return false
        if (member.role == to) return true
        return act { core.changeRole(o.id, member.id, to) }
    }

    /** Asks for the confirmation of removing [member]. */
    fun askRemove(member: Member) {
        if (admin() != null) removing.value = member
    }

    /** Removes the member waiting for confirmation (one holding certificates stays: refused). */
    suspend fun confirmRemove(): Boolean {
        val o = admin() ?: return false
        val member = removing.value ?: return false
        removing.value = null
        return act { core.removeMember(o.id, member.id) }
    }

    private suspend fun act(action: suspend () -> Unit): Boolean {
        _busy.value = true
        return try {
            action()
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
