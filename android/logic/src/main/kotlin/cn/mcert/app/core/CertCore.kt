package cn.mcert.app.core

/**
 * What the screens need from the core. Every failure is an [AppError]. The app talks to the
 * service only through this (that is, through the Rust core); the generated bindings stay
 * behind the implementation (`cn.mcert.app.bridge.FfiCertCore`), so the logic and the screens
 * compile and run without them (the screen tests use a fake). The organisation calls are in
 * [OrgCore], paying by transfer, billing information and invoices in [CommerceCore], renewal and
 * moving a certificate to a new phone in [LifeCore].
 */
interface CertCore : OrgCore, CommerceCore, SealCore, LifeCore {
    suspend fun isLoggedIn(): Boolean
    suspend fun requestCode(phone: String)
    suspend fun devSmsCode(phone: String): String
    suspend fun login(phone: String, code: String): Account
    suspend fun logout()
    suspend fun platforms(): List<Platform>
    suspend fun choosePlatform(id: String)
    suspend fun identity(): Identity?
    suspend fun verifyIdentity(form: IdentityForm): Identity
    suspend fun catalogue(): List<Product>
    suspend fun placeOrder(productId: String, years: Long): Order
    suspend fun payAndWait(orderId: String, timeoutSecs: UInt = 60u): Order
    suspend fun orders(): List<Order>
    /** The account's own paid slots ready to download (organisations' slots are [OrgCore.slots]). */
    suspend fun pendingSlots(): List<String>
    suspend fun install(entitlementId: String, algorithm: KeyAlgorithm, pin: String): Installed
    suspend fun certificates(): List<Certificate>
    suspend fun localKeys(): List<LocalKey>
    suspend fun changePin(keyId: String, oldPin: String, newPin: String)
    /** A fresh SMS code to the signed-in account's own phone; returns the phone masked. */
    suspend fun requestOwnCode(): String
    /** 【证书挂失】: the certificate [serial] of this account revoked at once, with [smsCode]. */
    suspend fun reportLost(serial: String, smsCode: String)
    /**
     * 【证书补办】 or 【忘记密码】 of the slot [entitlementId], after a fresh 【实名认证】 with the
     * face check ([verifyIdentity], within 10 minutes; one verification serves one reissue): a
     * new key under [pin] on this phone gets the slot's certificate again, the old one is
     * revoked, and the escrowed encryption keys come back under [pin]. Refused with
     * `reverify_required` when the verification is missing, stale or spent.
     */
    suspend fun reissue(entitlementId: String, algorithm: KeyAlgorithm, pin: String, reason: ReissueKind): Installed
    fun checkPin(pin: String)
    suspend fun scanFrame(luma: ByteArray, width: Int, height: Int, rowStride: Int): PendingScan
    suspend fun scanImage(image: ByteArray): PendingScan
    suspend fun confirm(scan: PendingScan, serial: String, pin: String): ScanOutcome
    /** 文件签章 with [sealId] (one of [ScanRequest.stamp]'s seals) and its certificate's PIN. */
    suspend fun stamp(scan: PendingScan, sealId: String, pin: String): ScanOutcome
    /** 文件签章 at several places: [sealIds] one per place, [pins] by certificate serial. */
    suspend fun stampPlaces(scan: PendingScan, sealIds: List<String>, pins: Map<String, String>): ScanOutcome
    suspend fun decline(scan: PendingScan): ScanOutcome
    suspend fun usage(from: String?, to: String?, cursor: String?, limit: Int): UsagePage

    /** The language of the core's messages (a BCP 47 tag), kept with [Texts.language]. */
    fun setLanguage(tag: String)
}

enum class KeyAlgorithm { SM2, P256 }

enum class ScanKind { LOGIN, SIGN, DECRYPT, STAMP }

/** Why a certificate is issued again: 【证书补办】 (a new phone, the app reinstalled) or 【忘记密码】. */
enum class ReissueKind { NEW_DEVICE, PIN_RESET }

data class Account(val id: String, val phoneMasked: String, val platformId: String?, val newAccount: Boolean)

data class Platform(val id: String, val name: String)

data class IdentityForm(
    val name: String,
    val idNumber: String,
    val phone: String,
    val bankCard: String?,
    val faceToken: String,
)

data class Identity(val name: String, val idNumberMasked: String, val method: String, val verifiedAt: String)

data class Product(
    val id: String,
    val name: String,
    val personalCerts: Long,
    val organizationCerts: Long,
    val priceFenPerYear: Long,
    val currency: String,
    /** `new` (a first purchase or package), or `renewal`, `change`, `reissue` (bought by the certificate's own flows). */
    val purpose: String = "new",
)

/**
 * An order; [status] is the service's state (`pending_review`, `awaiting_payment`, `completed`,
 * `rejected`, `cancelled`, `refunded`) with its zh-CN [statusLabel]; [invoiceStatus] is `none`,
 * `issuing`, `issued` or `reversed`.
 */
data class Order(
    val id: String,
    val productId: String,
    val years: Long,
    val amountFen: Long,
    val currency: String,
    val status: String,
    val statusLabel: String,
    val rejectReason: String?,
    val createdAt: String,
    /** The organisation of an organisation's application, and its uploaded materials. */
    val orgId: String? = null,
    val materials: List<String> = emptyList(),
    /** The product's name as the catalogue gives it (单位证书套餐 …): what the user sees. */
    val productName: String = "",
    /** What has arrived so far (a transfer may come in parts), in fen. */
    val paidFen: Long = 0,
    /** Bank transfer chosen: where to send the money. */
    val transfer: Transfer? = null,
    val invoiceStatus: String = "none",
    val invoiceStatusLabel: String = "",
    /** `new` (申请证书), `renewal` (证书延期), `change` (证书变更) or `reissue`. */
    val purpose: String = "new",
    /** The slot a renewal order renews. */
    val renewsEntitlementId: String? = null,
    /** The organisation's new name a change order asks for. */
    val newName: String? = null,
) {
    /** 【证书变更】: the organisation's rename, reviewed and paid like an application. */
    val isChange: Boolean get() = purpose == "change"
    /** Nothing paid and not decided yet: it may still be changed or cancelled. */
    val unpaid: Boolean get() = (status == "pending_review" || status == "awaiting_payment") && paidFen == 0L
    /** 【支付】 online: to pay, and no transfer has partly paid it (the rest goes by transfer). */
    val canPayOnline: Boolean get() = status == "awaiting_payment" && paidFen == 0L
    /** 【转账支付】 (or the instructions again, and the rest of a partial transfer). */
    val canPayByTransfer: Boolean get() = status == "awaiting_payment"
    /** 【取消】 */
    val canCancel: Boolean get() = unpaid
    /** 【修改】 (购买信息修改), before payment only; a change order's period is fixed. */
    val canChange: Boolean get() = unpaid && !isChange
    /** 【申请开票】: paid and not invoiced. */
    val canRequestInvoice: Boolean get() = status == "completed" && invoiceStatus == "none"

    /** 交款状态: `none` (未交款), `partial` (部分到账) or `full` (已交款). */
    val paymentState: String get() = when {
        status == "completed" || (paidFen > 0 && paidFen >= amountFen) -> "full"
        paidFen > 0 -> "partial"
        else -> "none"
    }
}

/** A certificate installed on this phone, with the encryption certificates that came with it (newest first). */
data class Installed(val keyId: String, val serial: String, val encryptionSerials: List<String> = emptyList())

/**
 * A certificate of the account; [status] is `good`, `revoked` or `expired`. [entitlementId] is
 * the slot it was issued for (what a reissue issues again), [encryptionSerial] the serial of its
 * encryption certificate (加密证书), and [current] whether it is still its slot's certificate (a
 * reissued one is not; one reported lost is, until it is reissued). For a current certificate,
 * [validUntil] is the end of its slot's period, [renewable] whether 【证书延期】 may start (its last
 * three months) and [renewalDue] whether a renewal is paid and the renewed certificate waits;
 * [changeDue] whether its organisation was renamed (证书变更) and the certificate naming the new
 * name waits, [orgName] the slot's organisation as it is named now.
 */
data class Certificate(
    val serial: String,
    val subject: String,
    val issuer: String,
    val algorithm: String,
    val notBefore: String,
    val notAfter: String,
    val status: String,
    val onThisDevice: Boolean,
    val entitlementId: String = "",
    val encryptionSerial: String? = null,
    val current: Boolean = true,
    val validUntil: String? = null,
    val renewable: Boolean = false,
    val renewalDue: Boolean = false,
    val changeDue: Boolean = false,
    val orgName: String? = null,
) {
    /** The key algorithm, as a new key for it is made. */
    val keyAlgorithm: KeyAlgorithm
        get() = if (algorithm.uppercase().replace("-", "").contains("P256")) KeyAlgorithm.P256 else KeyAlgorithm.SM2
}

data class LocalKey(
    val id: String,
    val algorithm: KeyAlgorithm,
    val status: String,
    val pinTriesLeft: Int,
    val locked: Boolean,
    val serials: List<String>,
)

/**
 * A certificate that may answer a scan; [notAfter] is its expiry (RFC 3339) and
 * [expiresBeforeOpening] whether it expires before the project's bid opening
 * ([ScanRequest.openingAt]): a bid sealed with it now could not be opened then.
 */
data class CertificateChoice(
    val serial: String,
    val subject: String,
    val algorithm: KeyAlgorithm,
    val notAfter: String = "",
    val expiresBeforeOpening: Boolean = false,
)

/** What the confirm screen shows for a scanned session. */
data class ScanRequest(
    val sessionId: String,
    val platformName: String,
    val platformLogoUrl: String?,
    val kind: ScanKind,
    val operation: String,
    val project: String?,
    val lot: String?,
    val documentName: String?,
    val verificationCode: String,
    val expiresAt: String,
    val choices: List<CertificateChoice>,
    /** 文件签章: the document's pages, where the stamp goes, the seals this phone may use. */
    val stamp: StampInfo? = null,
    /** The project's bid-opening time (开标时间, RFC 3339), when the platform gave one. */
    val openingAt: String? = null,
)

data class StampSeal(
    val id: String,
    val kindLabel: String,
    val name: String,
    val certificateSerial: String,
    /** A seal given to this member: its limits (projects, dates, approval). */
    val limits: String? = null,
    val approvalRequired: Boolean = false,
    /** official, contract, …, personal (matched against a place's kinds). */
    val kind: String = "",
)

/** One place a stamp session stamps, with the seal kinds it takes (empty: any). */
data class StampPlaceInfo(val page: Int, val rect: List<Int>, val sealKinds: List<String> = emptyList())

data class StampInfo(
    val pageCount: Int,
    val page: Int,
    val rect: List<Int>,
    val seals: List<StampSeal>,
    /** 骑缝章 as well: a slice of the seal on every page's right edge. */
    val crossPage: Boolean = false,
    /** Every place the session stamps, in order (one place when empty). */
    val places: List<StampPlaceInfo> = emptyList(),
) {
    /** How many stamps the session makes. */
    val placeCount: Int get() = places.size.coerceAtLeast(1)

    /** The seals that may stamp place [index] (its kinds; all when it names none). */
    fun sealsFor(index: Int): List<StampSeal> {
        val kinds = places.getOrNull(index)?.sealKinds.orEmpty()
        return seals.filter { kinds.isEmpty() || it.kind in kinds }
    }
}

/** A scanned session waiting for the user's answer (an opaque handle of the core). */
interface PendingScan {
    val request: ScanRequest
}

data class ScanOutcome(val sessionId: String, val status: String)

data class Usage(
    val at: String,
    val operation: String,
    val holderName: String?,
    val certificateSerial: String?,
    val platformName: String,
    val outcome: String,
    val outcomeLabel: String,
    val failureCode: String?,
)

data class UsagePage(val items: List<Usage>, val nextCursor: String?)
