package cn.mcert.app.bridge

import cn.mcert.app.core.Seal
import cn.mcert.app.core.SealApproval
import cn.mcert.app.core.SealCore
import cn.mcert.app.core.SealForm
import cn.mcert.app.core.SealGrant
import cn.mcert.app.core.SealGrantForm
import cn.mcert.app.core.PersonalSignature
import cn.mcert.app.core.SignatureNotice
import cn.mcert.app.core.SignaturePad
import cn.mcert.ffi.McertApp
import cn.mcert.ffi.SealApprovalView as FfiSealApproval
import cn.mcert.ffi.SealGrantForm as FfiSealGrantForm
import cn.mcert.ffi.SealGrantView as FfiSealGrant
import cn.mcert.ffi.SealView as FfiSeal
import cn.mcert.ffi.PadPoint as FfiPadPoint
import cn.mcert.ffi.SignatureView as FfiSignature

/** [SealCore] over the generated bindings: seals, grants and approvals, personal signatures. */
class FfiSealCore(private val app: McertApp) : SealCore {
    override suspend fun seals(orgId: String) = ffi { app.seals(orgId).map { it.toApp() } }
    override suspend fun applySeal(orgId: String, form: SealForm) =
        ffi { app.applySeal(orgId, form.kind.wire, form.name, form.entitlementId, form.photo).toApp() }
    override suspend fun sealPicture(orgId: String, sealId: String) = ffi { app.sealPicture(orgId, sealId) }
    override suspend fun submitSeal(orgId: String, sealId: String) = ffi { app.submitSeal(orgId, sealId).toApp() }
    override suspend fun claimSeal(orgId: String, sealId: String, serial: String, pin: String) =
        ffi { app.claimSeal(orgId, sealId, serial, pin).toApp() }
    override suspend fun sealGrants(orgId: String, sealId: String) = ffi { app.sealGrants(orgId, sealId).map { it.toApp() } }
    override suspend fun grantSeal(orgId: String, sealId: String, form: SealGrantForm) = ffi {
        app.grantSeal(
            orgId,
            sealId,
            FfiSealGrantForm(form.memberId, form.projects, form.validFrom, form.validTo, form.approvalRequired),
        ).toApp()
    }
    override suspend fun revokeSealGrant(orgId: String, sealId: String, grantId: String) =
        ffi { app.revokeSealGrant(orgId, sealId, grantId).toApp() }
    override suspend fun sealApprovals(orgId: String) = ffi { app.sealApprovals(orgId).map { it.toApp() } }
    override suspend fun approveSealUse(orgId: String, approvalId: String, serial: String, pin: String) =
        ffi { app.approveSealUse(orgId, approvalId, serial, pin).toApp() }
    override suspend fun refuseSealUse(orgId: String, approvalId: String) = ffi { app.refuseSealUse(orgId, approvalId).toApp() }
    override suspend fun signatureNotice() = ffi { app.signatureNotice().let { SignatureNotice(it.version, it.title, it.paragraphs) } }
    override suspend fun signatures() = ffi { app.signatures().map { it.toApp() } }
    override suspend fun makeNameSeal(serial: String, noticeVersion: String) = ffi { app.makeNameSeal(serial, noticeVersion).toApp() }
    override suspend fun drawSignature(serial: String, noticeVersion: String, pad: SignaturePad) = ffi {
        app.drawSignature(
            serial,
            noticeVersion,
            pad.width,
            pad.height,
            pad.strokes.map { stroke -> stroke.map { FfiPadPoint(it.x, it.y) } },
        ).toApp()
    }
    override suspend fun photoSignature(serial: String, noticeVersion: String, photo: ByteArray) =
        ffi { app.photoSignature(serial, noticeVersion, photo).toApp() }
    override suspend fun submitSignature(id: String) = ffi { app.submitSignature(id).toApp() }
    override suspend fun signaturePicture(id: String) = ffi { app.signaturePicture(id) }
}

private fun FfiSignature.toApp() =
    PersonalSignature(id, certificateSerial, sourceLabel, name, status, statusLabel, voidReason, source, rejectReason)

private fun FfiSeal.toApp() =
    Seal(id, kind, kindLabel, name, status, statusLabel, certificateSerial, widthMm, heightMm, rejectReason, voidReason)

private fun FfiSealGrant.toApp() =
    SealGrant(id, memberName, certificateSerial, projects, validFrom, validTo, approvalRequired, status, statusLabel, limits)

private fun FfiSealApproval.toApp() = SealApproval(
    id, sessionId, sealId, sealName, memberName, platformName, project, projectCode, documentName, status, statusLabel, createdAt,
)
