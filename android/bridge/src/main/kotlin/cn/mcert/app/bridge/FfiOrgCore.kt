package cn.mcert.app.bridge

import cn.mcert.app.core.Authorisation
import cn.mcert.app.core.Holder
import cn.mcert.app.core.IdType
import cn.mcert.app.core.Member
import cn.mcert.app.core.NewMember
import cn.mcert.app.core.NewOrganisation
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
import cn.mcert.app.core.UsagePage
import cn.mcert.ffi.ApplicantRelation
import cn.mcert.ffi.McertApp
import cn.mcert.ffi.OrgRole
import cn.mcert.ffi.OwnerIdType
import cn.mcert.ffi.AuthorisationView as FfiAuthorisation
import cn.mcert.ffi.MemberView as FfiMember
import cn.mcert.ffi.NewMemberForm as FfiNewMember
import cn.mcert.ffi.NewOrganisationForm as FfiNewOrganisation
import cn.mcert.ffi.OrgCertificateView as FfiOrgCertificate
import cn.mcert.ffi.OrgUsageFilter as FfiOrgUsageFilter
import cn.mcert.ffi.OrganisationView as FfiOrganisation
import cn.mcert.ffi.OwnerForm as FfiOwnerForm

/** [OrgCore] over the generated bindings: the organisation calls, each failure an [AppError]. */
class FfiOrgCore(private val app: McertApp) : OrgCore {
    override suspend fun slots() = ffi {
        app.entitlements().map {
            Slot(
                it.id, it.orderId, it.kind, it.years, it.status, it.certificateSerial, it.orgId, it.orgName,
                validUntil = it.validUntil,
                renewable = it.renewable,
                renewalDue = it.renewalDue,
                changeDue = it.changeDue,
            )
        }
    }
    override suspend fun registerOrg(form: NewOrganisation) = ffi {
        app.registerOrg(
            FfiNewOrganisation(
                name = form.name,
                creditCode = form.creditCode,
                legalRepName = form.legalRepName,
                legalRepIdNumber = form.legalRepIdNumber,
                applicantRelation = when (form.relation) {
                    Relation.LEGAL_REPRESENTATIVE -> ApplicantRelation.LEGAL_REPRESENTATIVE
                    Relation.AGENT -> ApplicantRelation.AGENT
                },
            ),
        ).toApp()
    }
    override suspend fun orgs() = ffi { app.orgs().map { it.toApp() } }
    override suspend fun org(orgId: String) = ffi { app.org(orgId).toApp() }
    override suspend fun upload(orgId: String, purpose: String, bytes: ByteArray) = ffi {
        app.upload(orgId, purpose, bytes).let { Upload(it.id, it.contentType, it.size.toLong(), it.purpose, it.sha256) }
    }
    override suspend fun authoriseByFace(orgId: String, legalRepPhone: String, faceToken: String) =
        ffi { app.authoriseByFace(orgId, legalRepPhone, faceToken).toApp() }
    override suspend fun submitLetter(orgId: String, uploadId: String) = ffi { app.submitLetter(orgId, uploadId).toApp() }
    override suspend fun letterTemplate(orgId: String) = ffi { app.letterTemplate(orgId) }
    override suspend fun members(orgId: String) = ffi { app.members(orgId).map { it.toApp() } }
    override suspend fun addMember(orgId: String, form: NewMember) = ffi {
        app.addMember(orgId, FfiNewMember(form.name, form.idNumber, form.phone, form.role.toFfi())).toApp()
    }
    override suspend fun changeRole(orgId: String, memberId: String, role: Role) = ffi { app.changeRole(orgId, memberId, role.toFfi()) }
    override suspend fun removeMember(orgId: String, memberId: String) = ffi { app.removeMember(orgId, memberId) }
    override suspend fun applyForOrg(orgId: String, productId: String, years: Long, materials: List<String>, idempotencyKey: String) =
        ffi { app.applyForOrg(orgId, productId, years, materials, idempotencyKey).toApp() }
    override suspend fun orgOrders(orgId: String) = ffi { app.orgOrders(orgId).map { it.toApp() } }
    override suspend fun resubmit(orderId: String, materials: List<String>) = ffi { app.resubmit(orderId, materials).toApp() }
    override suspend fun requestOrgChange(orgId: String, newName: String, materials: List<String>) =
        ffi { app.requestOrgChange(orgId, newName, materials).toApp() }
    override suspend fun orgCertificates(orgId: String) = ffi { app.orgCertificates(orgId).map { it.toApp() } }
    override suspend fun setOwner(orgId: String, entitlementId: String, form: OwnerForm) = ffi {
        app.setOwner(
            orgId,
            entitlementId,
            FfiOwnerForm(
                idType = when (form.idType) {
                    IdType.RESIDENT_ID -> OwnerIdType.RESIDENT_ID
                    IdType.CREDIT_CODE -> OwnerIdType.CREDIT_CODE
                },
                idNumber = form.idNumber,
                name = form.name,
                email = form.email,
            ),
        )
    }
    override suspend fun setHolder(orgId: String, entitlementId: String, memberId: String) =
        ffi { app.setHolder(orgId, entitlementId, memberId) }
    override suspend fun orgUsage(orgId: String, filter: OrgUsageFilter, cursor: String?, limit: Int) = ffi {
        val f = FfiOrgUsageFilter(filter.memberId, filter.serial, filter.operation, filter.from, filter.to)
        app.orgUsage(orgId, f, cursor, limit.toUInt()).let { page -> UsagePage(page.items.map { it.toApp() }, page.nextCursor) }
    }
}

private fun OrgRole.toApp() = when (this) {
    OrgRole.ADMIN -> Role.ADMIN
    OrgRole.USER -> Role.USER
}

private fun Role.toFfi() = when (this) {
    Role.ADMIN -> OrgRole.ADMIN
    Role.USER -> OrgRole.USER
}

private fun FfiAuthorisation.toApp() =
    Authorisation(status, statusLabel, method, rejectReason, progress.map { ProgressStep(it.label, it.state, it.at) })

private fun FfiOrganisation.toApp() =
    Organisation(id, name, creditCode, legalRepName, legalRepIdMasked, role.toApp(), roleLabel, authorisation.toApp(), createdAt)

private fun FfiMember.toApp() = Member(id, name, idNumberMasked, phoneMasked, role.toApp(), roleLabel, hasAccount, addedAt)

private fun FfiOrgCertificate.toApp() = OrgCertificate(
    entitlementId = entitlementId,
    orderId = orderId,
    kind = kind,
    years = years,
    status = status,
    statusLabel = statusLabel,
    owner = owner?.let {
        Owner(
            if (it.idType == OwnerIdType.CREDIT_CODE) IdType.CREDIT_CODE else IdType.RESIDENT_ID,
            it.idNumberMasked,
            it.name,
            it.email,
        )
    },
    holder = holder?.let { Holder(it.memberId, it.name, it.phoneMasked) },
    purchasedAt = purchasedAt,
    certificateSerial = certificateSerial,
    notBefore = notBefore,
    notAfter = notAfter,
)
