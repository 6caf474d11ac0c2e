package cn.mcert.app.state

import cn.mcert.app.core.AppError
import cn.mcert.app.core.CertCore
import cn.mcert.app.core.Display
import cn.mcert.app.core.Member
import cn.mcert.app.core.OrgUsageFilter
import cn.mcert.app.core.Organisation
import cn.mcert.app.core.Texts
import cn.mcert.app.core.Usage
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow

/**
 * The organisation's 【使用记录】 (seed 000 §9 C): an admin sees every member's records and
 * filters them by member, certificate, operation and dates; a user sees their own.
 */
class OrgUsageModel(private val core: CertCore, private val pageSize: Int = 20) {
    /** The operations a record may be filtered by, with their text ids. */
    enum class Operation(val code: String, val textId: String) {
        LOGIN("login", "op_login"),
        SIGN("sign", "op_sign"),
        DECRYPT("decrypt", "op_decrypt"),
        STAMP("stamp", "op_stamp"),
    }

    private var org: Organisation? = null
    private val _items = MutableStateFlow<List<Usage>>(emptyList())
    val items: StateFlow<List<Usage>> = _items
    private val _members = MutableStateFlow<List<Member>>(emptyList())
    /** The members to filter by (admins only). */
    val members: StateFlow<List<Member>> = _members
    private val _serials = MutableStateFlow<List<String>>(emptyList())
    /** The organisation's certificates to filter by (admins only). */
    val serials: StateFlow<List<String>> = _serials
    val member = MutableStateFlow<String?>(null)
    val serial = MutableStateFlow<String?>(null)
    val operation = MutableStateFlow<Operation?>(null)
    val from = MutableStateFlow<String?>(null)
    val to = MutableStateFlow<String?>(null)
    private val _hasMore = MutableStateFlow(false)
    val hasMore: StateFlow<Boolean> = _hasMore
    private val _loading = MutableStateFlow(false)
    val loading: StateFlow<Boolean> = _loading
    val error = MutableStateFlow<String?>(null)
    private var cursor: String? = null
    private var started = false

    val isAdmin: Boolean get() = org?.isAdmin == true

    suspend fun load(org: Organisation) {
        if (this.org?.id != org.id) clearFilters()
        this.org = org
        if (org.isAdmin) {
            try {
                _members.value = core.members(org.id)
                _serials.value = core.orgCertificates(org.id).mapNotNull { it.certificateSerial }
            } catch (e: AppError) {
                error.value = e.message
            }
        } else {
            _members.value = emptyList()
            _serials.value = emptyList()
        }
        refresh()
    }

    fun clearFilters() {
        member.value = null
        serial.value = null
        operation.value = null
        from.value = null
        to.value = null
    }

    fun filter(): OrgUsageFilter = OrgUsageFilter(
        memberId = member.value.takeIf { isAdmin },
        serial = serial.value.takeIf { isAdmin },
        operation = operation.value?.code,
        from = from.value,
        to = to.value,
    )

    suspend fun refresh() {
        cursor = null
        started = false
        _items.value = emptyList()
        loadMore()
    }

    suspend fun loadMore() {
        val o = org ?: return
        if (started && cursor == null) return
        for (date in listOfNotNull(from.value, to.value)) {
            if (!Display.isDate(date)) {
                error.value = Texts["bad_date"]
                return
            }
        }
        started = true
        _loading.value = true
        try {
            val page = core.orgUsage(o.id, filter(), cursor, pageSize)
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
