package cn.mcert.app.core

/**
 * What the organisation screens (单位) need from the core: registration, CA authorisation,
 * uploads, members and roles, applications, the organisation's certificate slots and its usage
 * records, and the account's slots (待申领的证书). Every failure is an [AppError] carrying the
 * service's message. Part of [CertCore].
 */
interface OrgCore {
    /** The account's certificate slots: its own, and the organisations' whose holder it is. */
    suspend fun slots(): List<Slot>
    suspend fun registerOrg(form: NewOrganisation): Organisation
    suspend fun orgs(): List<Organisation>
    suspend fun org(orgId: String): Organisation
    /** [purpose]: business_licence, authorisation_letter, id_card or other. */
    suspend fun upload(orgId: String, purpose: String, bytes: ByteArray): Upload
    suspend fun authoriseByFace(orgId: String, legalRepPhone: String, faceToken: String): Authorisation
    suspend fun submitLetter(orgId: String, uploadId: String): Authorisation
    /** The authorisation letter to print, stamp and sign (a PDF). */
    suspend fun letterTemplate(orgId: String): ByteArray
    suspend fun members(orgId: String): List<Member>
    suspend fun addMember(orgId: String, form: NewMember): Member
    suspend fun changeRole(orgId: String, memberId: String, role: Role)
    suspend fun removeMember(orgId: String, memberId: String)
    suspend fun applyForOrg(orgId: String, productId: String, years: Long, materials: List<String>, idempotencyKey: String): Order
    suspend fun orgOrders(orgId: String): List<Order>
    suspend fun resubmit(orderId: String, materials: List<String>): Order
    /**
     * 【证书变更】: an admin applies for the organisation's rename to [newName] with [materials]
     * (upload ids, the new business licence first): the order goes to review (待审核), then to
     * payment (待支付); once paid the organisation carries the new name, its seals are void and
     * each issued slot is [Slot.changeDue]. Refused with `bad_name`, `same_name`,
     * `change_pending`, `materials_required`, `unknown_material`, `admin_required` or
     * `org_not_authorised`.
     */
    suspend fun requestOrgChange(orgId: String, newName: String, materials: List<String>): Order
    suspend fun orgCertificates(orgId: String): List<OrgCertificate>
    suspend fun setOwner(orgId: String, entitlementId: String, form: OwnerForm)
    suspend fun setHolder(orgId: String, entitlementId: String, memberId: String)
    suspend fun orgUsage(orgId: String, filter: OrgUsageFilter, cursor: String?, limit: Int): UsagePage
}

/** 证书管理员 or 证书使用人. */
enum class Role { ADMIN, USER }

/** How the applicant relates to the organisation: its legal representative, or an agent (经办人). */
enum class Relation { LEGAL_REPRESENTATIVE, AGENT }

/** The document of a slot's owner: 居民身份证, or the organisation's own credit code. */
enum class IdType { RESIDENT_ID, CREDIT_CODE }

data class NewOrganisation(
    val name: String,
    val creditCode: String,
    val legalRepName: String,
    val legalRepIdNumber: String,
    val relation: Relation,
)

/** One step of 审批进度; [state] is `done`, `current`, `failed` or `todo`. */
data class ProgressStep(val label: String, val state: String, val at: String?)

/** The CA authorisation; [status] is `none`, `pending_review`, `approved` or `rejected`. */
data class Authorisation(
    val status: String,
    val statusLabel: String,
    val method: String?,
    val rejectReason: String?,
    val progress: List<ProgressStep>,
) {
    val approved: Boolean get() = status == "approved"
    val pending: Boolean get() = status == "pending_review"
}

/** An organisation as the account sees it, with its role there. */
data class Organisation(
    val id: String,
    val name: String,
    val creditCode: String,
    val legalRepName: String,
    val legalRepIdMasked: String,
    val role: Role,
    val roleLabel: String,
    val authorisation: Authorisation,
    val createdAt: String,
) {
    val isAdmin: Boolean get() = role == Role.ADMIN
}

data class Upload(val id: String, val contentType: String, val size: Long, val purpose: String, val sha256: String)

data class Member(
    val id: String,
    val name: String,
    val idNumberMasked: String,
    val phoneMasked: String,
    val role: Role,
    val roleLabel: String,
    val hasAccount: Boolean,
    val addedAt: String,
)

data class NewMember(val name: String, val idNumber: String, val phone: String, val role: Role)

/** 所属人: the identity in the certificate, fixed once set. */
data class Owner(val idType: IdType, val idNumberMasked: String, val name: String, val email: String?)

data class OwnerForm(val idType: IdType, val idNumber: String, val name: String, val email: String?)

/** 持有人: the member who may hold the key. */
data class Holder(val memberId: String, val name: String, val phoneMasked: String)

/**
 * One of the organisation's certificate slots; [kind] is `organization` or `personal`,
 * [status] `unassigned`, `assigned`, `issued`, `expired` or `revoked` with the service's label
 * (未分配, 未使用, 已使用, 已过期, 已吊销).
 */
data class OrgCertificate(
    val entitlementId: String,
    val orderId: String,
    val kind: String,
    val years: Long,
    val status: String,
    val statusLabel: String,
    val owner: Owner?,
    val holder: Holder?,
    val purchasedAt: String,
    val certificateSerial: String?,
    val notBefore: String?,
    val notAfter: String?,
) {
    val isOrganisation: Boolean get() = kind == "organization"
}

/** A paid certificate slot of the account; [orgId] and [orgName] for an organisation's. */
data class Slot(
    val id: String,
    val orderId: String,
    val kind: String,
    val years: Long,
    val status: String,
    val certificateSerial: String?,
    val orgId: String?,
    val orgName: String?,
    /** The end of the slot's period (RFC 3339), once its first certificate was downloaded. */
    val validUntil: String? = null,
    /** 【证书延期】 may start: issued, and the period ends within three months. */
    val renewable: Boolean = false,
    /** A renewal is paid (or taken from a package): the renewed certificate waits for download. */
    val renewalDue: Boolean = false,
    /** The organisation was renamed (证书变更): the certificate naming the new name waits for download. */
    val changeDue: Boolean = false,
) {
    /** 待申领: an organisation's slot assigned to the account, not yet downloaded. */
    val claimable: Boolean get() = orgId != null && status == "assigned"
}

/** Filters of the organisation's usage records; [operation] is login, sign, decrypt or stamp. */
data class OrgUsageFilter(
    val memberId: String? = null,
    val serial: String? = null,
    val operation: String? = null,
    val from: String? = null,
    val to: String? = null,
)
