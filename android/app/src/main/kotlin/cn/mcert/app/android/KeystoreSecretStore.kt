package cn.mcert.app.android

import android.content.Context
import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import android.security.keystore.StrongBoxUnavailableException
import android.util.Base64
import androidx.annotation.RequiresApi
import cn.mcert.ffi.DeviceSecretStore
import cn.mcert.ffi.HostException
import java.security.KeyStore
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * The core's device secret, kept with the Android Keystore: an AES-256-GCM key that never
 * leaves the Keystore (StrongBox when the phone has one) wraps the secret, and only the
 * wrapped bytes are stored in the app's private preferences. Excluded from backups.
 */
class KeystoreSecretStore(context: Context) : DeviceSecretStore {
    private val prefs = context.getSharedPreferences("mcert-secrets", Context.MODE_PRIVATE)
    private val alias = "mcert-device-secret-wrap"

    private fun wrappingKey(): SecretKey {
        val ks = KeyStore.getInstance("AndroidKeyStore").apply { load(null) }
        (ks.getKey(alias, null) as? SecretKey)?.let { return it }
        // StrongBox exists from API 28; older phones (minSdk 26) use the TEE-backed Keystore.
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.P) generateInStrongBox()?.let { return it }
        return generate(spec().build())
    }

    private fun spec(): KeyGenParameterSpec.Builder =
        KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
            .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            .setKeySize(256)

    private fun generate(spec: KeyGenParameterSpec): SecretKey =
        KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, "AndroidKeyStore")
            .apply { init(spec) }
            .generateKey()

    /** The key in StrongBox, or null when this phone has none. */
    @RequiresApi(Build.VERSION_CODES.P)
    private fun generateInStrongBox(): SecretKey? =
        try {
            generate(spec().setIsStrongBoxBacked(true).build())
        } catch (e: StrongBoxUnavailableException) {
            null
        }

    override fun load(name: String): ByteArray? = guard {
        val stored = prefs.getString(name, null) ?: return@guard null
        val blob = Base64.decode(stored, Base64.NO_WRAP)
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.DECRYPT_MODE, wrappingKey(), GCMParameterSpec(128, blob, 0, 12))
        cipher.updateAAD(name.toByteArray())
        cipher.doFinal(blob, 12, blob.size - 12)
    }

    override fun store(name: String, secret: ByteArray) = guard {
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.ENCRYPT_MODE, wrappingKey())
        cipher.updateAAD(name.toByteArray())
        val blob = cipher.iv + cipher.doFinal(secret)
        check(prefs.edit().putString(name, Base64.encodeToString(blob, Base64.NO_WRAP)).commit()) {
            "preferences not written"
        }
    }

    override fun delete(name: String) = guard {
        prefs.edit().remove(name).commit()
        Unit
    }

    private fun <T> guard(block: () -> T): T =
        try {
            block()
        } catch (e: HostException) {
            throw e
        } catch (e: Exception) {
            throw HostException.Failed(e.toString())
        }
}
