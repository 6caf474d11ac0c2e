package cn.mcert.app.core

import cn.mcert.ffi.AccountView
import cn.mcert.ffi.CertificateView
import cn.mcert.ffi.IdentityForm
import cn.mcert.ffi.IdentityView
import cn.mcert.ffi.InstalledView
import cn.mcert.ffi.KeyAlgorithm
import cn.mcert.ffi.LocalKeyView
import cn.mcert.ffi.McertApp
import cn.mcert.ffi.McertException
import cn.mcert.ffi.OrderView
import cn.mcert.ffi.PendingScan
import cn.mcert.ffi.PlatformView
import cn.mcert.ffi.ProductView
import cn.mcert.ffi.ScanOutcome
import cn.mcert.ffi.UsagePageView
import cn.mcert.ffi.checkNewPin

/**
 * What the screens need from the core. Every failure is an [AppError]. The app talks to the
 * service only through this (that is, through the Rust core).
 */
interface CertCore {
    suspend fun isLoggedIn(): Boolean
    suspend fun requestCode(phone: String)
    suspend fun devSmsCode(phone: String): String
    suspend fun login(phone: String, code: String): AccountView
    suspend fun logout()
    suspend fun platforms(): List<PlatformView>
    suspend fun choosePlatform(id: String)
    suspend fun identity(): IdentityView?
    suspend fun verifyIdentity(form: IdentityForm): IdentityView
    suspend fun catalogue(): List<ProductView>
    suspend fun placeOrder(productId: String, years: Long): OrderView
    suspend fun payAndWait(orderId: String, timeoutSecs: UInt = 60u): OrderView
    suspend fun orders(): List<OrderView>
    suspend fun pendingSlots(): List<String>
    suspend fun install(entitlementId: String, algorithm: KeyAlgorithm, pin: String): InstalledView
    suspend fun certificates(): List<CertificateView>
    suspend fun localKeys(): List<LocalKeyView>
    suspend fun changePin(keyId: String, oldPin: String, newPin: String)
    fun checkPin(pin: String)
    suspend fun scanFrame(luma: ByteArray, width: Int, height: Int, rowStride: Int): PendingScan
    suspend fun scanImage(image: ByteArray): PendingScan
    suspend fun confirm(scan: PendingScan, serial: String, pin: String): ScanOutcome
    suspend fun decline(scan: PendingScan): ScanOutcome
    suspend fun usage(from: String?, to: String?, cursor: String?, limit: Int): UsagePageView
}

/** [CertCore] over the generated bindings of the Rust core. */
class FfiCertCore(private val app: McertApp) : CertCore {
    override suspend fun isLoggedIn() = ffi { app.isLoggedIn() }
    override suspend fun requestCode(phone: String) = ffi { app.requestCode(phone) }
    override suspend fun devSmsCode(phone: String) = ffi { app.devSmsCode(phone) }
    override suspend fun login(phone: String, code: String) = ffi { app.login(phone, code) }
    override suspend fun logout() = ffi { app.logout() }
    override suspend fun platforms() = ffi { app.platforms() }
    override suspend fun choosePlatform(id: String) = ffi { app.choosePlatform(id) }
    override suspend fun identity() = ffi { app.identity() }
    override suspend fun verifyIdentity(form: IdentityForm) = ffi { app.verifyIdentity(form) }
    override suspend fun catalogue() = ffi { app.catalogue() }
    override suspend fun placeOrder(productId: String, years: Long) = ffi { app.placeOrder(productId, years) }
    override suspend fun payAndWait(orderId: String, timeoutSecs: UInt) = ffi { app.payAndWait(orderId, timeoutSecs) }
    override suspend fun orders() = ffi { app.orders() }
    override suspend fun pendingSlots() =
        ffi { app.entitlements().filter { it.status == "assigned" && it.kind == "personal" }.map { it.id } }
    override suspend fun install(entitlementId: String, algorithm: KeyAlgorithm, pin: String) =
        ffi { app.install(entitlementId, algorithm, pin) }
    override suspend fun certificates() = ffi { app.certificates() }
    override suspend fun localKeys() = ffi { app.localKeys() }
    override suspend fun changePin(keyId: String, oldPin: String, newPin: String) =
        ffi { app.changePin(keyId, oldPin, newPin) }
    override fun checkPin(pin: String) =
        try {
            checkNewPin(pin)
        } catch (e: McertException) {
            throw e.toAppError()
        }
    override suspend fun scanFrame(luma: ByteArray, width: Int, height: Int, rowStride: Int) =
        ffi { app.scanFrame(luma, width.toUInt(), height.toUInt(), rowStride.toUInt()) }
    override suspend fun scanImage(image: ByteArray) = ffi { app.scanImage(image) }
    override suspend fun confirm(scan: PendingScan, serial: String, pin: String) = ffi { app.confirm(scan, serial, pin) }
    override suspend fun decline(scan: PendingScan) = ffi { app.decline(scan) }
    override suspend fun usage(from: String?, to: String?, cursor: String?, limit: Int) =
        ffi { app.usage(from, to, cursor, limit.toUInt()) }
}
