package cn.mcert.app.android

import android.app.Application
import cn.mcert.app.R
import cn.mcert.app.core.CertCore
import cn.mcert.app.core.FfiCertCore
import cn.mcert.app.core.Texts
import cn.mcert.ffi.McertApp
import cn.mcert.ffi.setLanguage
import java.util.Locale

/** Opens the core once per process: key store in the app's files, secret in the Keystore. */
class McertApplication : Application() {
    val core: CertCore by lazy {
        val app = McertApp(
            filesDir.resolve("mcert").path,
            getString(R.string.server_url),
            KeystoreSecretStore(this),
        )
        FfiCertCore(app)
    }

    override fun onCreate() {
        super.onCreate()
        val tag = Locale.getDefault().toLanguageTag()
        setLanguage(tag)
        Texts.english = tag.startsWith("en")
    }
}
