package cn.mcert.app.bridge

import cn.mcert.app.core.Account
import cn.mcert.app.core.AppError
import cn.mcert.app.core.CertCore
import cn.mcert.app.core.Certificate
import cn.mcert.app.core.CertificateChoice
import cn.mcert.app.core.CommerceCore
import cn.mcert.app.core.Identity
import cn.mcert.app.core.IdentityForm
import cn.mcert.app.core.Installed
import cn.mcert.app.core.KeyAlgorithm
import cn.mcert.app.core.LifeCore
import cn.mcert.app.core.LocalKey
import cn.mcert.app.core.Order
import cn.mcert.app.core.OrgCore
import cn.mcert.app.core.PendingScan
import cn.mcert.app.core.Platform
import cn.mcert.app.core.Product
import cn.mcert.app.core.ReissueKind
import cn.mcert.app.core.ScanKind
import cn.mcert.app.core.ScanOutcome
import cn.mcert.app.core.ScanRequest
import cn.mcert.app.core.SealCore
import cn.mcert.app.core.StampInfo
import cn.mcert.app.core.StampPlaceInfo
import cn.mcert.app.core.StampSeal
import cn.mcert.app.core.Texts
import cn.mcert.app.core.Usage
import cn.mcert.app.core.UsagePage
import cn.mcert.ffi.CertificatePin
import cn.mcert.ffi.McertApp
import cn.mcert.ffi.McertException
import kotlin.coroutines.cancellation.CancellationException
import cn.mcert.ffi.CertificateView as FfiCertificate
import cn.mcert.ffi.EntitlementView as FfiEntitlement
import cn.mcert.ffi.IdentityForm as FfiIdentityForm
import cn.mcert.ffi.IdentityView as FfiIdentity
import cn.mcert.ffi.InstalledView as FfiInstalled
import cn.mcert.ffi.KeyAlgorithm as FfiKeyAlgorithm
import cn.mcert.ffi.LocalKeyView as FfiLocalKey
import cn.mcert.ffi.OrderView as FfiOrder
import cn.mcert.ffi.PendingScan as FfiPendingScan
import cn.mcert.ffi.ReissueKind as FfiReissueKind
import cn.mcert.ffi.ScanKind as FfiScanKind
import cn.mcert.ffi.UsageView as FfiUsage

/**
 * [CertCore] over the generated bindings of the Rust core: the only place the app touches
 * them. Every failure leaves as an [AppError]: the core's public error with its message and PIN
 * state, and anything unexpected from the bindings (uniffi's `InternalException`, a panic turned
 * into an exception, a JNA error) as the app's internal error, never as a crash of a screen.
 * The organisation calls are in [FfiOrgCore], the commerce calls in [FfiCommerceCore], the seal
 * calls in [FfiSealCore], renewal and moving to a new phone in [FfiLifeCore].
 */
class FfiCertCore(private val app: McertApp) :
    CertCore,
    OrgCore by FfiOrgCore(app),
    CommerceCore by FfiCommerceCore(app),
    SealCore by FfiSealCore(app),
    LifeCore by FfiLifeCore(app) {
    override suspend fun isLoggedIn() = ffi { app.isLoggedIn() }
    override suspend fun requestCode(phone: String) = ffi { app.requestCode(phone) }
    override suspend fun devSmsCode(phone: String) = ffi { app.devSmsCode(phone) }
    override suspend fun login(phone: String, code: String) =
        ffi { app.login(phone, code).let { Account(it.id, it.phoneMasked, it.platformId, it.newAccount) } }
    override suspend fun logout() = ffi { app.logout() }
    override suspend fun platforms() = ffi { app.platforms().map { Platform(it.id, it.name) } }
    override suspend fun choosePlatform(id: String) = ffi { app.choosePlatform(id) }
    override suspend fun identity() = ffi { app.identity()?.toApp() }
    override suspend fun verifyIdentity(form: IdentityForm) = ffi {
        app.verifyIdentity(
            FfiIdentityForm(
                name = form.name,
                idNumber = form.idNumber,
                phone = form.phone,
                bankCard = form.bankCard,
                faceToken = form.faceToken,
            ),
        ).toApp()
    }
    override suspend fun catalogue() = ffi {
        app.catalogue().map {
            Product(it.id, it.name, it.personalCerts, it.organizationCerts, it.priceFenPerYear, it.currency, it.purpose)
        }
    }
    override suspend fun placeOrder(productId: String, years: Long) = ffi { app.placeOrder(productId, years).toApp() }
    override suspend fun payAndWait(orderId: String, timeoutSecs: UInt) = ffi { app.payAndWait(orderId, timeoutSecs).toApp() }
    override suspend fun orders() = ffi { app.orders().map { it.toApp() } }
    override suspend fun pendingSlots() =
        ffi { app.entitlements().filter { it.status == "assigned" && it.orgId == null }.map { it.id } }
    override suspend fun install(entitlementId: String, algorithm: KeyAlgorithm, pin: String) =
        ffi { app.install(entitlementId, algorithm.toFfi(), pin).toApp() }
    override suspend fun reissue(entitlementId: String, algorithm: KeyAlgorithm, pin: String, reason: ReissueKind) =
        ffi { app.reissue(entitlementId, algorithm.toFfi(), pin, reason.toFfi()).toApp() }
    override suspend fun certificates() = ffi {
        // A slot's current certificate is the one it names; one it names no more was replaced.
        val slots = app.entitlements().mapNotNull { e -> e.certificateSerial?.let { it.uppercase() to e } }.toMap()
        app.certificates().map { it.toApp(slots[it.serial.uppercase()]) }
    }
    override suspend fun localKeys() = ffi { app.localKeys().map { it.toApp() } }
    override suspend fun changePin(keyId: String, oldPin: String, newPin: String) =
        ffi { app.changePin(keyId, oldPin, newPin) }
    override suspend fun requestOwnCode() = ffi { app.requestOwnCode() }
    override suspend fun reportLost(serial: String, smsCode: String) = ffi { app.reportLost(serial, smsCode) }
    override fun checkPin(pin: String) = ffiBlocking { cn.mcert.ffi.checkNewPin(pin) }
    override suspend fun scanFrame(luma: ByteArray, width: Int, height: Int, rowStride: Int): PendingScan =
        ffi { Scanned(app.scanFrame(luma, width.toUInt(), height.toUInt(), rowStride.toUInt())) }
    override suspend fun scanImage(image: ByteArray): PendingScan = ffi { Scanned(app.scanImage(image)) }
    override suspend fun confirm(scan: PendingScan, serial: String, pin: String) =
        ffi { app.confirm(scan.inner(), serial, pin).let { ScanOutcome(it.sessionId, it.status) } }
    override suspend fun stamp(scan: PendingScan, sealId: String, pin: String) =
        ffi { app.stamp(scan.inner(), sealId, pin).let { ScanOutcome(it.sessionId, it.status) } }
    override suspend fun stampPlaces(scan: PendingScan, sealIds: List<String>, pins: Map<String, String>) = ffi {
        app.stampPlaces(scan.inner(), sealIds, pins.map { (serial, pin) -> CertificatePin(serial, pin) })
            .let { ScanOutcome(it.sessionId, it.status) }
    }
    override suspend fun decline(scan: PendingScan) =
        ffi { app.decline(scan.inner()).let { ScanOutcome(it.sessionId, it.status) } }
    override suspend fun usage(from: String?, to: String?, cursor: String?, limit: Int) = ffi {
        app.usage(from, to, cursor, limit.toUInt()).let { page -> UsagePage(page.items.map { it.toApp() }, page.nextCursor) }
    }
    override fun setLanguage(tag: String) = ffiBlocking { cn.mcert.ffi.setLanguage(tag) }

    /** A scanned session: the core's handle and what it shows, read once. */
    private class Scanned(val inner: FfiPendingScan) : PendingScan {
        override val request: ScanRequest = inner.view().let { v ->
            ScanRequest(
                sessionId = v.sessionId,
                platformName = v.platformName,
                platformLogoUrl = v.platformLogoUrl,
                kind = when (v.kind) {
                    FfiScanKind.LOGIN -> ScanKind.LOGIN
                    FfiScanKind.SIGN -> ScanKind.SIGN
                    FfiScanKind.DECRYPT -> ScanKind.DECRYPT
                    FfiScanKind.STAMP -> ScanKind.STAMP
                },
                operation = v.operation,
                project = v.project,
                lot = v.lot,
                documentName = v.documentName,
                verificationCode = v.verificationCode,
                expiresAt = v.expiresAt,
                choices = v.choices.map {
                    CertificateChoice(it.serial, it.subject, it.algorithm.toApp(), it.notAfter, it.expiresBeforeOpening)
                },
                stamp = v.stamp?.let { st ->
                    StampInfo(
                        pageCount = st.pageCount.toInt(),
                        page = st.page.toInt(),
                        rect = st.rect.map { it.toInt() },
                        seals = st.seals.map {
                            StampSeal(it.id, it.kindLabel, it.name, it.certificateSerial, it.limits, it.approvalRequired, it.kind)
                        },
                        crossPage = st.crossPage,
                        places = st.places.map { p -> StampPlaceInfo(p.page.toInt(), p.rect.map { it.toInt() }, p.sealKinds) },
                    )
                },
                openingAt = v.openingAt,
            )
        }
    }

    private fun PendingScan.inner(): FfiPendingScan =
        (this as? Scanned)?.inner ?: throw AppError("internal", Texts["internal_error"])
}

private fun FfiIdentity.toApp() = Identity(name, idNumberMasked, method, verifiedAt)

internal fun FfiOrder.toApp() = Order(
    id = id,
    productId = productId,
    years = years,
    amountFen = amountFen,
    currency = currency,
    status = status,
    statusLabel = statusLabel,
    rejectReason = rejectReason,
    createdAt = createdAt,
    orgId = orgId,
    materials = materials,
    productName = productName,
    paidFen = paidFen,
    transfer = transfer?.toApp(),
    invoiceStatus = invoiceStatus,
    invoiceStatusLabel = invoiceStatusLabel,
    purpose = purpose,
    renewsEntitlementId = renewsEntitlementId,
    newName = newName,
)

/**
 * A certificate, with its slot's period, renewal and change state and its organisation's name
 * when it is the slot's current one ([slot]).
 */
private fun FfiCertificate.toApp(slot: FfiEntitlement?) = Certificate(
    serial, subject, issuer, algorithm, notBefore, notAfter, status, onThisDevice,
    entitlementId = entitlementId,
    encryptionSerial = encryptionSerial,
    current = slot != null,
    validUntil = slot?.validUntil,
    renewable = slot?.renewable == true,
    renewalDue = slot?.renewalDue == true,
    changeDue = slot?.changeDue == true,
    orgName = slot?.orgName,
)

private fun FfiInstalled.toApp() = Installed(keyId, serial, encryptionSerials)

private fun ReissueKind.toFfi() = when (this) {
    ReissueKind.NEW_DEVICE -> FfiReissueKind.NEW_DEVICE
    ReissueKind.PIN_RESET -> FfiReissueKind.PIN_RESET
}

private fun FfiLocalKey.toApp() = LocalKey(id, algorithm.toApp(), status, pinTriesLeft.toInt(), locked, serials)

internal fun FfiUsage.toApp() =
    Usage(at, operation, holderName, certificateSerial, platformName, outcome, outcomeLabel, failureCode)

private fun FfiKeyAlgorithm.toApp() = when (this) {
    FfiKeyAlgorithm.SM2 -> KeyAlgorithm.SM2
    FfiKeyAlgorithm.P256 -> KeyAlgorithm.P256
}

private fun KeyAlgorithm.toFfi() = when (this) {
    KeyAlgorithm.SM2 -> FfiKeyAlgorithm.SM2
    KeyAlgorithm.P256 -> FfiKeyAlgorithm.P256
}

/** Maps the generated FFI error to the app's error. */
fun McertException.toAppError(): AppError = when (this) {
    is McertException.WrongPin -> AppError(code, userMessage, triesLeft = triesLeft.toInt())
    is McertException.Locked -> AppError(code, userMessage, triesLeft = 0, locked = true)
    is McertException.Invalid -> AppError(code, userMessage)
    is McertException.Service -> AppError(code, userMessage, httpStatus = httpStatus.toInt())
    is McertException.Network -> AppError(code, userMessage)
    is McertException.Failed -> AppError(code, userMessage)
}

/** Any failure of a call into the bindings as an [AppError] (cancellation passes through). */
fun Throwable.toAppError(): AppError = when (this) {
    is AppError -> this
    is McertException -> toAppError()
    else -> AppError("internal", Texts["internal_error"])
}

/** Runs a suspending FFI call, turning every failure into [AppError]. */
suspend fun <T> ffi(block: suspend () -> T): T =
    try {
        block()
    } catch (e: CancellationException) {
        throw e
    } catch (e: Exception) {
        throw e.toAppError()
    } catch (e: LinkageError) {
        // The native library missing or not matching the bindings.
        throw e.toAppError()
    }

/** The same for a blocking FFI call. */
fun <T> ffiBlocking(block: () -> T): T =
    try {
        block()
    } catch (e: Exception) {
        throw e.toAppError()
    } catch (e: LinkageError) {
        throw e.toAppError()
    }
