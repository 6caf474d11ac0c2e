package cn.mcert.app.desktop

import cn.mcert.app.core.AppError
import cn.mcert.app.core.Authorisation
import cn.mcert.app.core.Holder
import cn.mcert.app.core.IdType
import cn.mcert.app.core.Member
import cn.mcert.app.core.NewMember
import cn.mcert.app.core.NewOrganisation
import cn.mcert.app.core.Order
import cn.mcert.app.core.OrgCertificate
import cn.mcert.app.core.OrgCore
import cn.mcert.app.core.OrgUsageFilter
import cn.mcert.app.core.Organisation
import cn.mcert.app.core.Owner
import cn.mcert.app.core.OwnerForm
import cn.mcert.app.core.ProgressStep
import cn.mcert.app.core.Relation
import cn.mcert.app.core.Role
import cn.mcert.app.core.Slot
import cn.mcert.app.core.Upload
import cn.mcert.app.core.Usage
import cn.mcert.app.core.UsagePage
import cn.mcert.app.core.Validate

/**
 * The organisation side of the fake core: organisations, members and slots kept in memory and
 * changed as the service would change them (labels in zh-CN as the service sends them), with
 * the service's refusals where the screens show them. Lists leave as copies, as from the service.
 */
class FakeOrgCore(val calls: MutableList<String>) : OrgCore {
    var orgs = mutableListOf(OrgSamples.admin, OrgSamples.user)
    val members = mutableMapOf(OrgSamples.admin.id to OrgSamples.members.toMutableList())
    val certificates = mutableMapOf(OrgSamples.admin.id to OrgSamples.slots.toMutableList())
    val orders = mutableMapOf(OrgSamples.admin.id to mutableListOf(OrgSamples.completed))
    /** The account's organisation slots (none to claim unless a test gives some). */
    var slots = emptyList<Slot>()
    var usage = OrgSamples.usage
    val uploads = mutableListOf<Upload>()
    /** When set, the organisation calls fail with it. */
    var failure: AppError? = null

    private fun call(name: String) {
        calls += name
        failure?.let { throw it }
    }

    private fun find(orgId: String) = orgs.firstOrNull { it.id == orgId } ?: throw AppError("unknown_org", "单位不存在")

    private fun admin(orgId: String): Organisation =
        find(orgId).also { if (!it.isAdmin) throw AppError("admin_required", "只有单位的证书管理员可以这样操作", httpStatus = 403) }

    private fun replace(org: Organisation) {
        orgs = orgs.map { if (it.id == org.id) org else it }.toMutableList()
    }

    override suspend fun slots(): List<Slot> {
        call("slots")
        return slots
    }

    override suspend fun registerOrg(form: NewOrganisation): Organisation {
        call("registerOrg:${form.creditCode}")
        if (orgs.any { it.creditCode == form.creditCode }) throw AppError("org_already_registered", "该单位已注册，请联系单位的证书管理员", httpStatus = 409)
        if (form.relation == Relation.LEGAL_REPRESENTATIVE && form.legalRepName != "张三") {
            throw AppError("not_the_legal_rep", "您的实名信息与填写的法定代表人不一致", httpStatus = 403)
        }
        val org = Organisation(
            "org${orgs.size + 1}", form.name, form.creditCode, form.legalRepName, form.legalRepIdNumber.take(3) + "***********" + form.legalRepIdNumber.takeLast(4),
            Role.ADMIN, "证书管理员", OrgSamples.unauthorised, "2025-03-08T06:00:00Z",
        )
        orgs.add(org)
        members[org.id] = mutableListOf(Member("m-${org.id}", "张三", "110***********0011", "139****0000", Role.ADMIN, "证书管理员", true, org.createdAt))
        return org
    }

    override suspend fun orgs(): List<Organisation> {
        call("orgs")
        return orgs.toList()
    }

    override suspend fun org(orgId: String): Organisation {
        call("org:$orgId")
        return find(orgId)
    }

    override suspend fun upload(orgId: String, purpose: String, bytes: ByteArray): Upload {
        call("upload:$purpose")
        admin(orgId)
        val type = Validate.uploadType(bytes) ?: throw AppError("upload_type", "只支持 JPG、PNG 图片或 PDF 文件", httpStatus = 415)
        return Upload("u${uploads.size + 1}", type, bytes.size.toLong(), purpose, "00".repeat(32)).also { uploads += it }
    }

    override suspend fun authoriseByFace(orgId: String, legalRepPhone: String, faceToken: String): Authorisation {
        call("authoriseByFace:$legalRepPhone")
        val org = admin(orgId)
        if (faceToken != "dev-live-ok") throw AppError("not_live", "人脸识别未通过，请重试")
        return OrgSamples.byFace.also { replace(org.copy(authorisation = it)) }
    }

    override suspend fun submitLetter(orgId: String, uploadId: String): Authorisation {
        call("submitLetter:$uploadId")
        val org = admin(orgId)
        if (org.authorisation.pending) throw AppError("under_review", "授权书正在审核中，请耐心等待", httpStatus = 409)
        return OrgSamples.pending.also { replace(org.copy(authorisation = it)) }
    }

    override suspend fun letterTemplate(orgId: String): ByteArray {
        call("letterTemplate")
        admin(orgId)
        return "%PDF-1.7 authorisation letter".toByteArray()
    }

    override suspend fun members(orgId: String): List<Member> {
        call("members:$orgId")
        admin(orgId)
        return members[orgId].orEmpty().toList()
    }

    override suspend fun addMember(orgId: String, form: NewMember): Member {
        call("addMember:${form.phone}:${form.role}")
        admin(orgId)
        val list = members.getOrPut(orgId) { mutableListOf() }
        val phoneMasked = form.phone.take(3) + "****" + form.phone.takeLast(4)
        if (list.any { it.phoneMasked == phoneMasked }) throw AppError("already_member", "该手机号已是本单位成员", httpStatus = 409)
        val label = if (form.role == Role.ADMIN) "证书管理员" else "证书使用人"
        return Member("m${list.size + 10}", form.name, form.idNumber.take(3) + "***********" + form.idNumber.takeLast(4), phoneMasked, form.role, label, false, "2025-03-08T06:00:00Z")
            .also { list.add(it) }
    }

    override suspend fun changeRole(orgId: String, memberId: String, role: Role) {
        call("changeRole:$memberId:$role")
        admin(orgId)
        val list = members[orgId] ?: return
        if (role == Role.USER && list.count { it.role == Role.ADMIN } == 1 && list.first { it.id == memberId }.role == Role.ADMIN) {
            throw AppError("last_admin", "单位至少要保留一名证书管理员", httpStatus = 409)
        }
        members[orgId] = list.map {
            if (it.id == memberId) it.copy(role = role, roleLabel = if (role == Role.ADMIN) "证书管理员" else "证书使用人") else it
        }.toMutableList()
    }

    override suspend fun removeMember(orgId: String, memberId: String) {
        call("removeMember:$memberId")
        admin(orgId)
        if (certificates[orgId].orEmpty().any { it.holder?.memberId == memberId }) {
            throw AppError("holds_certificates", "该成员仍持有证书，请先把证书分配给其他人", httpStatus = 409)
        }
        members[orgId]?.removeAll { it.id == memberId }
    }

    override suspend fun applyForOrg(orgId: String, productId: String, years: Long, materials: List<String>, idempotencyKey: String): Order {
        call("applyForOrg:$productId:$years:${materials.joinToString(",")}")
        val org = admin(orgId)
        if (!org.authorisation.approved) throw AppError("org_not_authorised", "本单位尚未完成 CA 授权，请先完成授权", httpStatus = 403)
        return Order("20250308-0100", productId, years, 30_000 * years, "CNY", "pending_review", "待审核", null, "2025-03-08T06:10:00Z", orgId, materials)
            .also { orders.getOrPut(orgId) { mutableListOf() }.add(0, it) }
    }

    override suspend fun orgOrders(orgId: String): List<Order> {
        call("orgOrders:$orgId")
        admin(orgId)
        return orders[orgId].orEmpty().toList()
    }

    override suspend fun resubmit(orderId: String, materials: List<String>): Order {
        call("resubmit:$orderId:${materials.joinToString(",")}")
        for ((_, list) in orders) {
            val i = list.indexOfFirst { it.id == orderId }
            if (i >= 0) {
                val again = list[i].copy(status = "pending_review", statusLabel = "待审核", rejectReason = null, materials = materials)
                list[i] = again
                return again
            }
        }
        throw AppError("unknown_order", "订单不存在")
    }

    override suspend fun requestOrgChange(orgId: String, newName: String, materials: List<String>): Order {
        call("requestOrgChange:$newName:${materials.joinToString(",")}")
        val org = admin(orgId)
        if (!org.authorisation.approved) throw AppError("org_not_authorised", "本单位尚未完成 CA 授权，请先完成授权", httpStatus = 403)
        if (!Validate.orgName(newName)) throw AppError("bad_name", "请输入单位全称（2 至 100 个字）", httpStatus = 400)
        if (newName == org.name) throw AppError("same_name", "新名称与单位现名称相同", httpStatus = 409)
        if (materials.isEmpty()) throw AppError("materials_required", "请上传申请材料", httpStatus = 400)
        val list = orders.getOrPut(orgId) { mutableListOf() }
        if (list.any { it.isChange && (it.status == "pending_review" || it.status == "awaiting_payment") }) {
            throw AppError("change_pending", "本单位已有一份变更申请在审核或待支付中", httpStatus = 409)
        }
        return OrgSamples.change.copy(id = "20261208-030${list.count { it.isChange } + 1}", orgId = orgId, materials = materials, newName = newName)
            .also { list.add(0, it) }
    }

    /** The reviewer's decision on the change order [orderId]: 待支付, or 未通过 with [reason]. */
    fun reviewChange(orderId: String, reason: String? = null) {
        for ((_, list) in orders) {
            val i = list.indexOfFirst { it.id == orderId }
            if (i < 0) continue
            list[i] = if (reason == null) {
                list[i].copy(status = "awaiting_payment", statusLabel = "待支付")
            } else {
                list[i].copy(status = "rejected", statusLabel = "未通过", rejectReason = reason)
            }
        }
    }

    /** The change order [orderId], when it is one. */
    fun changeOrder(orderId: String): Order? = orders.values.flatten().firstOrNull { it.id == orderId && it.isChange }

    /** The change [order] paid: completed, and the organisation carries the new name. */
    fun changePaid(order: Order): Order {
        val paid = order.copy(status = "completed", statusLabel = "已完成", paidFen = order.amountFen, invoiceStatusLabel = "未开票")
        for ((_, list) in orders) {
            val i = list.indexOfFirst { it.id == order.id }
            if (i >= 0) list[i] = paid
        }
        orgs = orgs.map { if (it.id == order.orgId) it.copy(name = order.newName!!) else it }.toMutableList()
        return paid
    }

    override suspend fun orgCertificates(orgId: String): List<OrgCertificate> {
        call("orgCertificates:$orgId")
        admin(orgId)
        return certificates[orgId].orEmpty().toList()
    }

    override suspend fun setOwner(orgId: String, entitlementId: String, form: OwnerForm) {
        call("setOwner:$entitlementId:${form.name}")
        admin(orgId)
        val list = certificates[orgId] ?: return
        val i = list.indexOfFirst { it.entitlementId == entitlementId }
        if (list[i].owner != null) throw AppError("owner_fixed", "证书所属人一经设定不能更改", httpStatus = 409)
        list[i] = list[i].copy(owner = Owner(IdType.RESIDENT_ID, form.idNumber.take(3) + "***********" + form.idNumber.takeLast(4), form.name, form.email))
    }

    override suspend fun setHolder(orgId: String, entitlementId: String, memberId: String) {
        call("setHolder:$entitlementId:$memberId")
        admin(orgId)
        val list = certificates[orgId] ?: return
        val m = members[orgId].orEmpty().first { it.id == memberId }
        val i = list.indexOfFirst { it.entitlementId == entitlementId }
        val assigned = list[i].owner != null
        list[i] = list[i].copy(
            holder = Holder(m.id, m.name, m.phoneMasked),
            status = if (assigned) "assigned" else "unassigned",
            statusLabel = if (assigned) "未使用" else "未分配",
            certificateSerial = null,
            notBefore = null,
            notAfter = null,
        )
    }

    override suspend fun orgUsage(orgId: String, filter: OrgUsageFilter, cursor: String?, limit: Int): UsagePage {
        call("orgUsage:${filter.memberId}:${filter.operation}")
        find(orgId)
        val op = mapOf("login" to "扫码登录", "sign" to "文件签名", "decrypt" to "开标解密")
        val shown = usage.filter { u ->
            (filter.operation == null || u.operation == op[filter.operation]) &&
                (filter.memberId == null || u.holderName == members[orgId].orEmpty().firstOrNull { it.id == filter.memberId }?.name)
        }
        return UsagePage(shown, null)
    }
}

/** The first bytes of a PNG and of a JPEG, as a picked photo starts (the type is read from them). */
val samplePng: ByteArray = byteArrayOf(0x89.toByte(), 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A) + ByteArray(180 * 1024)
val sampleJpeg: ByteArray = byteArrayOf(0xFF.toByte(), 0xD8.toByte(), 0xFF.toByte(), 0xE0.toByte()) + ByteArray(1200 * 1024)

/** Organisations as the service reports them. */
object OrgSamples {
    private fun steps(vararg s: Triple<String, String, String?>) = s.map { ProgressStep(it.first, it.second, it.third) }

    val unauthorised = Authorisation(
        "none", "未授权", null, null,
        steps(Triple("提交授权", "current", null), Triple("审核中", "todo", null), Triple("授权完成", "todo", null)),
    )
    val pending = Authorisation(
        "pending_review", "审核中", "letter", null,
        steps(Triple("提交授权", "done", "2025-03-08T06:05:00Z"), Triple("审核中", "current", null), Triple("授权完成", "todo", null)),
    )
    val approved = Authorisation(
        "approved", "已授权", "letter", null,
        steps(
            Triple("提交授权", "done", "2025-02-20T02:00:00Z"),
            Triple("审核中", "done", "2025-02-21T03:30:00Z"),
            Triple("授权完成", "done", "2025-02-21T03:30:00Z"),
        ),
    )
    val rejected = Authorisation(
        "rejected", "未通过", "letter", "授权书未加盖单位公章",
        steps(
            Triple("提交授权", "done", "2025-02-20T02:00:00Z"),
            Triple("审核中", "failed", "2025-02-21T03:30:00Z"),
            Triple("修改后重新提交", "current", null),
        ),
    )
    val byFace = Authorisation(
        "approved", "已授权", "face", null,
        steps(Triple("法定代表人人脸识别", "done", "2025-03-08T06:05:00Z"), Triple("授权完成", "done", "2025-03-08T06:05:00Z")),
    )
    val admin = Organisation(
        "org1", "青海某某建设工程有限公司", "91110108MA01ABCD1E", "王总", "110***********0041",
        Role.ADMIN, "证书管理员", approved, "2025-02-20T01:00:00Z",
    )
    val user = Organisation(
        "org2", "福建某某科技有限公司", "91350100M000100Y43", "陈总", "350***********0015",
        Role.USER, "证书使用人", approved, "2025-01-10T01:00:00Z",
    )
    val members = listOf(
        Member("m1", "张三", "110***********0011", "139****0000", Role.ADMIN, "证书管理员", true, "2025-02-20T01:00:00Z"),
        Member("m2", "李工", "110***********0022", "138****0002", Role.USER, "证书使用人", true, "2025-03-01T01:00:00Z"),
        Member("m3", "王五", "110***********0036", "137****0003", Role.USER, "证书使用人", false, "2025-03-02T01:00:00Z"),
    )
    val slots = listOf(
        OrgCertificate(
            "e1", "20250301-0007", "organization", 1, "issued", "已使用",
            Owner(IdType.CREDIT_CODE, "91110108MA01ABCD1E", "青海某某建设工程有限公司", null),
            Holder("m1", "张三", "139****0000"), "2025-03-01T01:30:00Z",
            "7C21D0E4A9B3F115", "2025-03-02T02:00:00Z", "2026-03-02T02:00:00Z",
        ),
        OrgCertificate(
            "e2", "20250301-0007", "personal", 1, "assigned", "未使用",
            Owner(IdType.RESIDENT_ID, "110***********0022", "李工", "li@example.cn"),
            Holder("m2", "李工", "138****0002"), "2025-03-01T01:30:00Z", null, null, null,
        ),
        OrgCertificate("e3", "20250301-0007", "personal", 1, "unassigned", "未分配", null, null, "2025-03-01T01:30:00Z", null, null, null),
    )
    val completed = Order(
        "20250301-0007", "org", 1, 30_000, "CNY", "completed", "已完成", null, "2025-03-01T01:30:00Z", "org1", listOf("u0"),
    )
    /** A change (证书变更) in review, as the service lists it. */
    val change = Order(
        "20261208-0301", "org-change", 1, 50_000, "CNY", "pending_review", "待审核", null, "2026-12-08T06:20:00Z", "org1", listOf("u1"),
        productName = "证书变更", purpose = "change", newName = "青海某某新能源建设有限公司",
    )
    val rejectedOrder = Order(
        "20250305-0002", "org", 1, 30_000, "CNY", "rejected", "未通过", "营业执照信息与填写的单位信息不一致", "2025-03-05T02:00:00Z", "org1", listOf("u0"),
    )
    val claim = Slot("e7", "20250301-0007", "personal", 1, "assigned", null, "org1", "青海某某建设工程有限公司")
    val usage = listOf(
        Usage("2025-03-08T07:21:05Z", "开标解密", "李工", "5F3A9C2E7B1D40A8", "青海能源集团数字招采平台", "completed", "成功", null),
        Usage("2025-03-08T07:02:44Z", "文件签名", "张三", "7C21D0E4A9B3F115", "青海能源集团数字招采平台", "completed", "成功", null),
        Usage("2025-03-07T16:30:00Z", "扫码登录", "李工", "5F3A9C2E7B1D40A8", "mcert 演示招标平台", "declined", "已拒绝", null),
    )
}
