package cn.mcert.app.android

import android.app.Application
import cn.mcert.app.R
import cn.mcert.app.bridge.FfiCertCore
import cn.mcert.app.core.CertCore
import cn.mcert.app.core.Language
import cn.mcert.app.core.Texts
import cn.mcert.ffi.McertApp
import java.util.Locale

/** Opens the core once per process: key store in the app's files, secret in the Keystore. */
class McertApplication : Application() {
    val settings: Settings by lazy { Settings(this) }

    val core: CertCore by lazy {
        val app = McertApp(
            filesDir.resolve("mcert").path,
            getString(R.string.server_url),
            KeystoreSecretStore(this),
        )
        FfiCertCore(app).also { it.setLanguage(Texts.language.value.tag) }
    }

    override fun onCreate() {
        super.onCreate()
        // The app's language setting, or the phone's: zh-CN unless the phone is in English.
        Texts.use(settings.language ?: Language.of(Locale.getDefault()))
    }
}
