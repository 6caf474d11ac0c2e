package cn.mcert.app.android

import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.BackHandler
import androidx.activity.compose.setContent
import androidx.activity.viewModels
import androidx.lifecycle.ViewModel
import androidx.lifecycle.ViewModelProvider
import cn.mcert.app.ui.McertApp

class MainActivity : ComponentActivity() {
    private val model: AppViewModel by viewModels {
        object : ViewModelProvider.Factory {
            @Suppress("UNCHECKED_CAST")
            override fun <T : ViewModel> create(modelClass: Class<T>): T {
                val app = application as McertApplication
                return AppViewModel(app.core, app.settings, SystemClipboard(app)) as T
            }
        }
    }

    // Registered with the activity (before it starts): the system's document picker and saver.
    private val files = DocumentFiles(this)

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        files.install()
        val version = packageManager.getPackageInfo(packageName, 0).versionName ?: ""
        setContent {
            BackHandler(enabled = model.nav.canGoBack) { model.nav.back() }
            McertApp(model.models, model.nav, version = version) { reader ->
                CameraViewfinder(reader)
            }
        }
    }
}
