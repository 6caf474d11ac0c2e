package cn.mcert.app.core

/**
 * A certificate's later life (part of [CertCore]): 【证书延期】 in the last three months of its
 * slot's period, and moving it to a new phone (【迁移到新手机】 on the old phone, 【从旧手机迁移】
 * on the new one, both logged in to the same account). Every failure is an [AppError] with the
 * service's or the core's message.
 */
interface LifeCore {
    /**
     * 【证书延期】 of the slot [entitlementId] for [years] (1–3): a person's slot gets the order
     * to pay (an open one is changed to [years]); an organisation's slot takes an unused slot of
     * its package and is [Renewal.due] at once. Refused with `not_yet_renewable` (the message
     * says from which date), `ask_admin`, `period_ended` or `bad_period`.
     */
    suspend fun startRenewal(entitlementId: String, years: Long): Renewal

    /**
     * Once [Renewal.due], or once the slot is [Slot.changeDue] (its organisation renamed): the
     * certificate PIN opens the slot's key on this phone and the renewed (or changed)
     * certificate is kept with the same key, the old one revoked. Refused with
     * `renewal_not_due`; a wrong PIN is the usual PIN error with the tries left.
     */
    suspend fun renew(entitlementId: String, pin: String): Installed

    /** The old phone: the QR code that moves the slot's certificate to a new phone. */
    suspend fun startMigration(entitlementId: String): Migration

    /** Either phone: the move as it stands. */
    suspend fun migration(migrationId: String): Migration

    /**
     * The old phone, after the user checked both phones show the same [Migration.code]: approves
     * with the certificate PIN. This phone keeps none of the slot's keys afterwards.
     */
    suspend fun approveMigration(migrationId: String, pin: String): Migration

    suspend fun cancelMigration(migrationId: String): Migration

    /**
     * The new phone: the old phone's code ([qrText]); a new key is made under [pin] and the move
     * asked for. The answer carries [Migration.code] and [Migration.newKeyId]. Refused with
     * `not_a_migration_code`, `unknown_migration` or `migration_closed`.
     */
    suspend fun requestMigration(qrText: String, pin: String): Migration

    /**
     * The new phone waits (at most [timeoutSecs]) for the old phone's approval, then keeps the
     * certificate and the slot's escrowed encryption keys. Refused with `migration_ended`
     * (cancelled or expired) or `migration_timeout`.
     */
    suspend fun finishMigration(migrationId: String, newKeyId: String, pin: String, timeoutSecs: UInt): Installed

    /**
     * The new phone's camera: the old phone's move code in one frame (its Y plane with
     * [rowStride]), as text for [requestMigration]. Refused with `no_qr_code` (keep scanning) or
     * `not_a_migration_code` (another QR code).
     */
    suspend fun readMoveCodeFrame(luma: ByteArray, width: Int, height: Int, rowStride: Int): String

    /** The old phone's move code in a picture (PNG or JPEG, a screenshot say); refused as [readMoveCodeFrame]. */
    suspend fun readMoveCodeImage(image: ByteArray): String
}

/**
 * What starting 【证书延期】 did: the [order] to pay (a person's slot), or the organisation's
 * package slot taken ([packageEntitlementId]); [validUntil] is the end of the period once
 * renewed, and [due] whether the renewed certificate can be downloaded now.
 */
data class Renewal(
    val order: Order?,
    val packageEntitlementId: String?,
    val validUntil: String,
    val due: Boolean,
)

/**
 * A move of a certificate ([serial], of the slot [entitlementId]) to a new phone; [status] is
 * `open`, `requested`, `approved`, `cancelled` or `expired` with the service's [statusLabel];
 * [code] the six digits both phones show once the new phone asked. [qr] and [qrPng] come only
 * with [LifeCore.startMigration], [newKeyId] only with [LifeCore.requestMigration].
 */
data class Migration(
    val id: String,
    val entitlementId: String,
    val serial: String,
    val status: String,
    val statusLabel: String,
    val code: String?,
    val expiresAt: String,
    val qr: String? = null,
    val qrPng: ByteArray? = null,
    val newKeyId: String? = null,
) {
    /** Still waiting for the new phone or for the old phone's approval. */
    val active: Boolean get() = status == "open" || status == "requested"

    override fun equals(other: Any?): Boolean =
        other is Migration && id == other.id && status == other.status && code == other.code &&
            qr == other.qr && newKeyId == other.newKeyId && expiresAt == other.expiresAt &&
            entitlementId == other.entitlementId && serial == other.serial && statusLabel == other.statusLabel &&
            qrPng.contentEquals(other.qrPng)

    override fun hashCode(): Int = listOf(id, status, code, qr, newKeyId).hashCode()
}
