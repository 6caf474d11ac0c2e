package cn.mcert.app.android.ui

import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.navigation.compose.NavHost
import androidx.navigation.compose.composable
import androidx.navigation.compose.rememberNavController
import cn.mcert.app.android.AppViewModel

/** The screens, named as in the user manuals. */
object Routes {
    const val LOGIN = "login"
    const val PLATFORM = "platform"
    const val HOME = "home"
    const val IDENTITY = "identity"
    const val APPLY = "apply"
    const val ORDERS = "orders"
    const val CERTIFICATES = "certificates"
    const val CERTIFICATE = "certificate"
    const val SCAN = "scan"
    const val USAGE = "usage"
}

@Composable
fun McertNavigation(model: AppViewModel) {
    val nav = rememberNavController()
    NavHost(navController = nav, startDestination = Routes.LOGIN) {
        composable(Routes.LOGIN) {
            LaunchedEffect(Unit) {
                if (model.core.isLoggedIn()) nav.navigate(Routes.HOME) { popUpTo(Routes.LOGIN) { inclusive = true } }
            }
            LoginScreen(model) { nav.navigate(Routes.PLATFORM) { popUpTo(Routes.LOGIN) { inclusive = true } } }
        }
        composable(Routes.PLATFORM) {
            PlatformScreen(model) { nav.navigate(Routes.HOME) { popUpTo(Routes.PLATFORM) { inclusive = true } } }
        }
        composable(Routes.HOME) { HomeScreen(model) { nav.navigate(it) } }
        composable(Routes.IDENTITY) { IdentityScreen(model) { nav.popBackStack() } }
        composable(Routes.APPLY) { ApplyScreen(model) { nav.navigate(Routes.CERTIFICATES) } }
        composable(Routes.ORDERS) { OrdersScreen(model) }
        composable(Routes.CERTIFICATES) { CertificatesScreen(model) { nav.navigate(Routes.CERTIFICATE) } }
        composable(Routes.CERTIFICATE) { CertificateDetailScreen(model) }
        composable(Routes.SCAN) { ScanScreen(model) { nav.popBackStack() } }
        composable(Routes.USAGE) { UsageScreen(model) }
    }
}
