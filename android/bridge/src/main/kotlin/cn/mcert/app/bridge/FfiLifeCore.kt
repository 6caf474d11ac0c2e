package cn.mcert.app.bridge

import cn.mcert.app.core.Installed
import cn.mcert.app.core.LifeCore
import cn.mcert.app.core.Migration
import cn.mcert.app.core.Renewal
import cn.mcert.ffi.McertApp
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import cn.mcert.ffi.MigrationView as FfiMigration

/**
 * [LifeCore] over the generated bindings: 【证书延期】 (and the changed certificate after 证书变更)
 * and moving a certificate to a new phone, its move code read from the camera or a picture.
 */
class FfiLifeCore(private val app: McertApp) : LifeCore {
    override suspend fun startRenewal(entitlementId: String, years: Long) = ffi {
        app.startRenewal(entitlementId, years).let { Renewal(it.order?.toApp(), it.packageEntitlementId, it.validUntil, it.due) }
    }
    override suspend fun renew(entitlementId: String, pin: String) =
        ffi { app.renew(entitlementId, pin).let { Installed(it.keyId, it.serial, it.encryptionSerials) } }
    override suspend fun startMigration(entitlementId: String) = ffi { app.startMigration(entitlementId).toApp() }
    override suspend fun migration(migrationId: String) = ffi { app.migration(migrationId).toApp() }
    override suspend fun approveMigration(migrationId: String, pin: String) =
        ffi { app.approveMigration(migrationId, pin).toApp() }
    override suspend fun cancelMigration(migrationId: String) = ffi { app.cancelMigration(migrationId).toApp() }
    override suspend fun requestMigration(qrText: String, pin: String) = ffi { app.requestMigration(qrText, pin).toApp() }
    override suspend fun finishMigration(migrationId: String, newKeyId: String, pin: String, timeoutSecs: UInt) = ffi {
        app.finishMigration(migrationId, newKeyId, pin, timeoutSecs).let { Installed(it.keyId, it.serial, it.encryptionSerials) }
    }
    // Decoding blocks: off the caller's thread (the picture path runs from the screens' scope).
    override suspend fun readMoveCodeFrame(luma: ByteArray, width: Int, height: Int, rowStride: Int) = ffi {
        withContext(Dispatchers.Default) { app.readMoveCodeFrame(luma, width.toUInt(), height.toUInt(), rowStride.toUInt()) }
    }
    override suspend fun readMoveCodeImage(image: ByteArray) = ffi { withContext(Dispatchers.Default) { app.readMoveCodeImage(image) } }
}

private fun FfiMigration.toApp() =
    Migration(id, entitlementId, serial, status, statusLabel, code, expiresAt, qr, qrPng, newKeyId)
