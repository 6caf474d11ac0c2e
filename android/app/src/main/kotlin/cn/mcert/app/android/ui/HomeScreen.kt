package cn.mcert.app.android.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.grid.GridCells
import androidx.compose.foundation.lazy.grid.LazyVerticalGrid
import androidx.compose.foundation.lazy.grid.items
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.unit.dp
import cn.mcert.app.R
import cn.mcert.app.android.AppViewModel
import cn.mcert.app.state.HomeModel

/** 【主页】: 【数字证书】【扫码】【使用记录】【我的订单】, and what needs doing. */
@Composable
fun HomeScreen(model: AppViewModel, go: (String) -> Unit) {
    val home = model.home
    val summary by home.summary.collectAsState()
    LaunchedEffect(Unit) { home.refresh() }
    Column(Modifier.fillMaxSize().padding(16.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        val identity = summary?.identity
        if (identity == null) {
            TextButton(onClick = { go(Routes.IDENTITY) }) { Text(stringResource(R.string.not_verified)) }
        } else {
            Text(stringResource(R.string.verified_as, identity.name, identity.idNumberMasked))
        }
        LazyVerticalGrid(columns = GridCells.Fixed(2), horizontalArrangement = Arrangement.spacedBy(12.dp)) {
            items(home.entries) { entry ->
                Card(onClick = {
                    go(
                        when (entry) {
                            HomeModel.Entry.Certificates -> Routes.CERTIFICATES
                            HomeModel.Entry.Scan -> Routes.SCAN
                            HomeModel.Entry.Usage -> Routes.USAGE
                            HomeModel.Entry.Orders -> Routes.ORDERS
                        },
                    )
                }, modifier = Modifier.padding(vertical = 6.dp)) {
                    Text(home.label(entry), modifier = Modifier.padding(24.dp))
                }
            }
        }
        Button(onClick = { go(Routes.APPLY) }, modifier = Modifier.fillMaxWidth()) {
            Text(stringResource(R.string.apply))
        }
    }
}
