package cn.mcert.app.android

import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import cn.mcert.app.core.CertCore
import cn.mcert.app.state.ApplyModel
import cn.mcert.app.state.CertificatesModel
import cn.mcert.app.state.HomeModel
import cn.mcert.app.state.IdentityModel
import cn.mcert.app.state.LoginModel
import cn.mcert.app.state.OrdersModel
import cn.mcert.app.state.PlatformModel
import cn.mcert.app.state.ScanModel
import cn.mcert.app.state.UsageModel
import kotlinx.coroutines.Job
import kotlinx.coroutines.launch

/** Holds the state holders of every screen for the activity's lifetime. */
class AppViewModel(val core: CertCore) : ViewModel() {
    val login = LoginModel(core)
    val platforms = PlatformModel(core)
    val home = HomeModel(core)
    val identity = IdentityModel(core)
    val apply = ApplyModel(core)
    val orders = OrdersModel(core)
    val certificates = CertificatesModel(core)
    val scan = ScanModel(core)
    val usage = UsageModel(core)

    /** Runs a state holder's action in the view model's scope. */
    fun run(action: suspend () -> Unit): Job = viewModelScope.launch { action() }
}
