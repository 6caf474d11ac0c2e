package cn.mcert.app.core

/**
 * What the screens need from the core. Every failure is an [AppError]. The app talks to the
 * service only through this (that is, through the Rust core); the generated bindings stay
 * behind the implementation (`cn.mcert.app.bridge.FfiCertCore`), so the logic and the screens
 * compile and run without them (the screen tests use a fake). The organisation calls are in
 * [OrgCore].
 */
interface CertCore : OrgCore {
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
    fun checkPin(pin: String)
    suspend fun scanFrame(luma: ByteArray, width: Int, height: Int, rowStride: Int): PendingScan
    suspend fun scanImage(image: ByteArray): PendingScan
    suspend fun confirm(scan: PendingScan, serial: String, pin: String): ScanOutcome
    suspend fun decline(scan: PendingScan): ScanOutcome
    suspend fun usage(from: String?, to: String?, cursor: String?, limit: Int): UsagePage

    /** The language of the core's messages (a BCP 47 tag), kept with [Texts.language]. */
    fun setLanguage(tag: String)
}

enum class KeyAlgorithm { SM2, P256 }

enum class ScanKind { LOGIN, SIGN, DECRYPT }

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
)

/** An order; [status] is the service's state (`pending_review`, `awaiting_payment`, `paid`, …). */
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
)

data class Installed(val keyId: String, val serial: String)

/** A certificate of the account; [status] is `good`, `revoked` or `expired`. */
data class Certificate(
    val serial: String,
    val subject: String,
    val issuer: String,
    val algorithm: String,
    val notBefore: String,
    val notAfter: String,
    val status: String,
    val onThisDevice: Boolean,
)

data class LocalKey(
    val id: String,
    val algorithm: KeyAlgorithm,
    val status: String,
    val pinTriesLeft: Int,
    val locked: Boolean,
    val serials: List<String>,
)

data class CertificateChoice(val serial: String, val subject: String, val algorithm: KeyAlgorithm)

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
)

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
