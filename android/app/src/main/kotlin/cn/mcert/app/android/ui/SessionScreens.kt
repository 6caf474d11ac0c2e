package cn.mcert.app.android.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.Button
import androidx.compose.material3.ListItem
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.collectAsState
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableIntStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import cn.mcert.app.R
import cn.mcert.app.android.AppViewModel
import cn.mcert.app.state.IdentityModel
import cn.mcert.app.state.LoginModel
import kotlinx.coroutines.delay

/** 手机号 + 短信验证码 login. */
@Composable
fun LoginScreen(model: AppViewModel, onLoggedIn: () -> Unit) {
    val login = model.login
    val phone by login.phone.collectAsState()
    val code by login.code.collectAsState()
    val state by login.state.collectAsState()
    var countdown by remember { mutableIntStateOf(0) }
    LaunchedEffect(state) {
        when (val s = state) {
            is LoginModel.State.CodeSent -> {
                countdown = s.resendAfterSecs
                while (countdown > 0) {
                    delay(1000)
                    countdown--
                }
            }
            is LoginModel.State.LoggedIn -> onLoggedIn()
            else -> {}
        }
    }
    Column(Modifier.fillMaxSize().padding(24.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        Text(stringResource(R.string.login_title))
        OutlinedTextField(
            value = phone,
            onValueChange = { login.phone.value = it.filter(Char::isDigit).take(11) },
            label = { Text(stringResource(R.string.phone)) },
            keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Phone),
            modifier = Modifier.fillMaxWidth(),
        )
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            OutlinedTextField(
                value = code,
                onValueChange = { login.code.value = it.filter(Char::isDigit).take(6) },
                label = { Text(stringResource(R.string.sms_code)) },
                keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.NumberPassword),
                modifier = Modifier.weight(1f),
            )
            TextButton(onClick = { model.run { login.sendCode() } }, enabled = countdown == 0) {
                Text(if (countdown > 0) stringResource(R.string.resend_in, countdown) else stringResource(R.string.get_code))
            }
        }
        Button(
            onClick = { model.run { login.login() } },
            enabled = state != LoginModel.State.Busy,
            modifier = Modifier.fillMaxWidth(),
        ) { Text(stringResource(R.string.login)) }
        (state as? LoginModel.State.Failed)?.let { ErrorText(it.message) }
    }
}

@Composable
fun PlatformScreen(model: AppViewModel, onChosen: () -> Unit) {
    val platforms by model.platforms.platforms.collectAsState()
    val chosen by model.platforms.chosen.collectAsState()
    val error by model.platforms.error.collectAsState()
    LaunchedEffect(Unit) { model.platforms.load() }
    LaunchedEffect(chosen) { if (chosen != null) onChosen() }
    Column(Modifier.fillMaxSize().padding(16.dp)) {
        Text(stringResource(R.string.choose_platform))
        LazyColumn {
            items(platforms) { p ->
                ListItem(
                    headlineContent = { Text(p.name) },
                    modifier = Modifier.clickable { model.run { model.platforms.choose(p.id) } },
                )
            }
        }
        error?.let { ErrorText(it) }
    }
}

/** 【实名认证】: the form, then the face check (the vendor SDK returns a token). */
@Composable
fun IdentityScreen(model: AppViewModel, onDone: () -> Unit) {
    val m = model.identity
    val name by m.name.collectAsState()
    val id by m.idNumber.collectAsState()
    val phone by m.phone.collectAsState()
    val card by m.bankCard.collectAsState()
    val state by m.state.collectAsState()
    LaunchedEffect(state) { if (state is IdentityModel.State.Verified) onDone() }
    Column(Modifier.fillMaxSize().padding(24.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        OutlinedTextField(name, { m.name.value = it }, label = { Text(stringResource(R.string.name)) }, modifier = Modifier.fillMaxWidth())
        OutlinedTextField(id, { m.idNumber.value = it.take(18) }, label = { Text(stringResource(R.string.id_number)) }, modifier = Modifier.fillMaxWidth())
        OutlinedTextField(
            phone, { m.phone.value = it.filter(Char::isDigit).take(11) },
            label = { Text(stringResource(R.string.phone)) }, modifier = Modifier.fillMaxWidth(),
        )
        OutlinedTextField(
            card, { m.bankCard.value = it.filter(Char::isDigit).take(19) },
            label = { Text(stringResource(R.string.bank_card)) }, modifier = Modifier.fillMaxWidth(),
        )
        Button(
            onClick = { model.run { m.submit(FaceCheck.run()) } },
            enabled = state != IdentityModel.State.Busy,
            modifier = Modifier.fillMaxWidth(),
        ) { Text(stringResource(R.string.face_check)) }
        (state as? IdentityModel.State.Failed)?.let { ErrorText(it.message) }
    }
}

/**
 * The face-liveness step. The identity vendor's SDK runs here and returns its token; the
 * service checks the token with the vendor. (Development services accept `dev-live-ok`.)
 */
object FaceCheck {
    var provider: suspend () -> String = { "dev-live-ok" }
    suspend fun run(): String = provider()
}

@Composable
fun ErrorText(message: String) {
    Text(message, color = androidx.compose.material3.MaterialTheme.colorScheme.error)
}
