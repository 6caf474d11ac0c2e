package cn.mcert.app.core

/**
 * The seal calls (印章管理): an organisation's seals, applying from a photo (the cleaned picture
 * shown before submitting), submitting, claiming with the bound certificate's PIN, giving a seal
 * to a member with limits (用印授权) and deciding the uses that wait for an admin (用印审批); and
 * the holder's personal signature (签章图片): the notice, the generated name seal, a handwritten
 * signature (written on the pad or photographed, reviewed), its picture.
 */
interface SealCore {
    suspend fun seals(orgId: String): List<Seal>
    suspend fun applySeal(orgId: String, form: SealForm): Seal
    /** The cleaned picture (PNG, red on transparency). */
    suspend fun sealPicture(orgId: String, sealId: String): ByteArray
    suspend fun submitSeal(orgId: String, sealId: String): Seal
    suspend fun claimSeal(orgId: String, sealId: String, serial: String, pin: String): Seal
    suspend fun sealGrants(orgId: String, sealId: String): List<SealGrant>
    suspend fun grantSeal(orgId: String, sealId: String, form: SealGrantForm): SealGrant
    suspend fun revokeSealGrant(orgId: String, sealId: String, grantId: String): SealGrant
    suspend fun sealApprovals(orgId: String): List<SealApproval>
    suspend fun approveSealUse(orgId: String, approvalId: String, serial: String, pin: String): SealApproval
    suspend fun refuseSealUse(orgId: String, approvalId: String): SealApproval
    /** The 签章图片告知函 in the app's language. */
    suspend fun signatureNotice(): SignatureNotice
    /** The account's personal signatures, newest first. */
    suspend fun signatures(): List<PersonalSignature>
    /** 【同意】: the generated name seal of the personal certificate [serial], active at once. */
    suspend fun makeNameSeal(serial: String, noticeVersion: String): PersonalSignature
    /** A signature written on the pad under the notice of [noticeVersion]: a cleaned draft. */
    suspend fun drawSignature(serial: String, noticeVersion: String, pad: SignaturePad): PersonalSignature
    /** A signature photographed on white paper (JPEG or PNG): a cleaned draft. */
    suspend fun photoSignature(serial: String, noticeVersion: String, photo: ByteArray): PersonalSignature
    /** 【提交审核】: a handwritten draft (or a rejected one again) goes to review. */
    suspend fun submitSignature(id: String): PersonalSignature
    /** A signature's picture (PNG on transparency: a red seal or dark handwriting). */
    suspend fun signaturePicture(id: String): ByteArray
}

/** A point of a stroke on the signature pad, in the pad's units (x to the right, y down). */
data class PadPoint(val x: Float, val y: Float)

/** What was written on the pad: its size and the strokes, each a list of points. */
data class SignaturePad(val width: Float, val height: Float, val strokes: List<List<PadPoint>>)

/** The 签章图片告知函; [version] goes back when the holder agrees. */
data class SignatureNotice(val version: String, val title: String, val paragraphs: List<String>)

/** A personal signature (签章图片) of one personal certificate. */
data class PersonalSignature(
    val id: String,
    val certificateSerial: String,
    val sourceLabel: String,
    val name: String,
    /** draft, pending_review, rejected, active or void. */
    val status: String,
    val statusLabel: String,
    val voidReason: String?,
    /** name_seal, drawn or photo. */
    val source: String = "name_seal",
    /** Why a reviewer rejected a handwritten signature. */
    val rejectReason: String? = null,
) {
    /** Written by hand (on the pad or photographed), so reviewed before it stamps. */
    val handwritten: Boolean get() = source == "drawn" || source == "photo"
}

/** The kinds of seal, as the service names them. */
enum class SealKind(val wire: String, val textId: String) {
    OFFICIAL("official", "seal_kind_official"),
    CONTRACT("contract", "seal_kind_contract"),
    FINANCE("finance", "seal_kind_finance"),
    INVOICE("invoice", "seal_kind_invoice"),
    LEGAL_REPRESENTATIVE("legal_representative", "seal_kind_legal_representative"),
}

data class Seal(
    val id: String,
    val kind: String,
    val kindLabel: String,
    val name: String,
    /** draft, pending_review, approved, rejected, claimed or void. */
    val status: String,
    val statusLabel: String,
    val certificateSerial: String,
    val widthMm: Long,
    val heightMm: Long,
    val rejectReason: String?,
    val voidReason: String?,
)

/** 【申请印章】: the kind, the name on it, the organisation certificate's slot, the photo. */
data class SealForm(val kind: SealKind, val name: String, val entitlementId: String, val photo: ByteArray) {
    override fun equals(other: Any?) = other is SealForm && other.kind == kind && other.name == name &&
        other.entitlementId == entitlementId && other.photo.contentEquals(photo)
    override fun hashCode() = listOf(kind, name, entitlementId, photo.contentHashCode()).hashCode()
}

data class SealGrant(
    val id: String,
    val memberName: String,
    val certificateSerial: String,
    val projects: List<String>,
    val validFrom: String,
    val validTo: String,
    val approvalRequired: Boolean,
    /** active, expired or revoked. */
    val status: String,
    val statusLabel: String,
    val limits: String,
)

data class SealGrantForm(
    val memberId: String,
    val projects: List<String>,
    val validFrom: String,
    val validTo: String,
    val approvalRequired: Boolean,
)

data class SealApproval(
    val id: String,
    val sessionId: String,
    val sealId: String,
    val sealName: String,
    val memberName: String,
    val platformName: String,
    val project: String?,
    val projectCode: String?,
    val documentName: String?,
    /** pending, approved or refused. */
    val status: String,
    val statusLabel: String,
    val createdAt: String,
)
