package cn.mcert.app.android

import android.content.Context
import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import cn.mcert.app.core.CertCore
import cn.mcert.app.core.HostClipboard
import cn.mcert.app.core.Texts
import cn.mcert.app.state.AppModels
import cn.mcert.app.ui.Navigator
import cn.mcert.app.ui.Route
import kotlinx.coroutines.flow.drop
import kotlinx.coroutines.launch

/** The screens' state holders and the back stack, for the activity's lifetime. */
class AppViewModel(core: CertCore, settings: Settings, clipboard: HostClipboard) : ViewModel() {
    val models = AppModels(core, viewModelScope, clipboard)
    val nav = Navigator(Route.Login)

    init {
        viewModelScope.launch {
            if (core.isLoggedIn()) nav.go(Route.Home)
        }
        // A language chosen in 【我的】 is kept for the next start (the phone's until then).
        viewModelScope.launch { Texts.language.drop(1).collect { settings.language = it } }
    }
}

/** The app's own settings (the language), in private preferences. */
class Settings(context: Context) {
    private val prefs = context.getSharedPreferences("mcert-settings", Context.MODE_PRIVATE)

    var language: cn.mcert.app.core.Language?
        get() = prefs.getString("language", null)?.let { tag -> cn.mcert.app.core.Language.entries.firstOrNull { it.tag == tag } }
        set(value) {
            prefs.edit().putString("language", value?.tag).apply()
        }
}
