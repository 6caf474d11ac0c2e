package cn.mcert.app.ui

import androidx.compose.foundation.background
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.layout.statusBarsPadding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.shape.RoundedCornerShape
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.foundation.verticalScroll
import androidx.compose.material.icons.Icons
import androidx.compose.material.icons.automirrored.filled.KeyboardArrowRight
import androidx.compose.material.icons.outlined.AccountBalance
import androidx.compose.material.icons.outlined.VerifiedUser
import androidx.compose.material3.Button
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.Icon
import androidx.compose.material3.MaterialTheme
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
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.unit.dp
import cn.mcert.app.state.AppModels
import cn.mcert.app.state.IdentityModel
import cn.mcert.app.state.LoginModel
import kotlinx.coroutines.delay

/** 手机号 + 短信验证码 login; a new number gets an account. */
@Composable
fun LoginScreen(models: AppModels, onLoggedIn: () -> Unit) {
    val login = models.login
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
    Column(Modifier.fillMaxSize().background(Color.White).verticalScroll(rememberScrollState())) {
        Column(
            Modifier.fillMaxWidth().background(Brand.Blue).statusBarsPadding().padding(horizontal = 24.dp, vertical = 36.dp),
            verticalArrangement = Arrangement.spacedBy(8.dp),
        ) {
            Icon(Icons.Outlined.VerifiedUser, contentDescription = null, tint = Color.White, modifier = Modifier.size(48.dp))
            Text(tr("app_name"), color = Color.White, style = MaterialTheme.typography.headlineMedium)
            Text(tr("home_banner_text"), color = Color.White.copy(alpha = 0.85f), style = MaterialTheme.typography.bodyMedium)
        }
        Column(Modifier.padding(24.dp), verticalArrangement = Arrangement.spacedBy(14.dp)) {
            Text(tr("login_title"), style = MaterialTheme.typography.titleLarge)
            OutlinedTextField(
                value = phone,
                onValueChange = { login.phone.value = it.filter(Char::isDigit).take(11) },
                label = { Text(tr("phone")) },
                singleLine = true,
                keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Phone),
                modifier = Modifier.fillMaxWidth().testTag("phone"),
            )
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp), verticalAlignment = Alignment.CenterVertically) {
                OutlinedTextField(
                    value = code,
                    onValueChange = { login.code.value = it.filter(Char::isDigit).take(6) },
                    label = { Text(tr("sms_code")) },
                    singleLine = true,
                    keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.NumberPassword),
                    modifier = Modifier.weight(1f).testTag("sms_code"),
                )
                TextButton(onClick = { models.run { login.sendCode() } }, enabled = countdown == 0, modifier = Modifier.testTag("get_code")) {
                    Text(if (countdown > 0) tr("resend_in", countdown) else tr("get_code"))
                }
            }
            (state as? LoginModel.State.Failed)?.let { ErrorText(it.message) }
            Button(
                onClick = { models.run { login.login() } },
                enabled = state != LoginModel.State.Busy,
                modifier = Modifier.fillMaxWidth().height(48.dp).testTag("login"),
                shape = RoundedCornerShape(24.dp),
            ) { Text(tr("login")) }
            Text(tr("login_hint"), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
        }
    }
}

/** The platform choice after login (the manuals: choose the bidding platform you work on). */
@Composable
fun PlatformScreen(models: AppModels, onChosen: () -> Unit) {
    val platforms by models.platforms.platforms.collectAsState()
    val chosen by models.platforms.chosen.collectAsState()
    val error by models.platforms.error.collectAsState()
    LaunchedEffect(Unit) { models.platforms.load() }
    LaunchedEffect(chosen) { if (chosen != null) onChosen() }
    Column(Modifier.fillMaxSize().background(MaterialTheme.colorScheme.background)) {
        TitleBar(tr("choose_platform"))
        Text(
            tr("choose_platform_hint"),
            style = MaterialTheme.typography.bodyMedium,
            color = MaterialTheme.colorScheme.onSurfaceVariant,
            modifier = Modifier.padding(16.dp),
        )
        error?.let { ErrorText(it, Modifier.padding(horizontal = 16.dp)) }
        if (platforms.isEmpty() && error == null) {
            EmptyState(Icons.Outlined.AccountBalance, tr("choose_platform"), tr("platforms_empty"))
        }
        Panel(Modifier.padding(horizontal = 16.dp)) {
            LazyColumn {
                items(platforms) { p ->
                    Row(
                        Modifier.fillMaxWidth().clickable { models.run { models.platforms.choose(p.id) } }
                            .padding(16.dp).testTag("platform_${p.id}"),
                        verticalAlignment = Alignment.CenterVertically,
                    ) {
                        IconDisc(Icons.Outlined.AccountBalance, Brand.Blue, size = 40)
                        Text(p.name, style = MaterialTheme.typography.bodyLarge, modifier = Modifier.weight(1f).padding(horizontal = 12.dp))
                        Icon(Icons.AutoMirrored.Filled.KeyboardArrowRight, contentDescription = null, tint = MaterialTheme.colorScheme.outline)
                    }
                    HorizontalDivider(color = Brand.Line)
                }
            }
        }
    }
}

/** 【实名认证】: the form, then the face check (the vendor's SDK returns a token). */
@Composable
fun IdentityScreen(models: AppModels, onDone: () -> Unit) {
    val m = models.identity
    val state by m.state.collectAsState()
    LaunchedEffect(state) { if (state is IdentityModel.State.Verified) onDone() }
    Column(Modifier.fillMaxSize().background(Color.White)) {
        TitleBar(tr("identity"), onDone)
        Column(Modifier.verticalScroll(rememberScrollState()).padding(20.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
            Box(Modifier.fillMaxWidth().background(Brand.BlueLight, RoundedCornerShape(8.dp)).padding(12.dp)) {
                Text(tr("identity_hint"), style = MaterialTheme.typography.bodySmall, color = Brand.BlueDark)
            }
            IdentityFields(m)
            (state as? IdentityModel.State.Failed)?.let { ErrorText(it.message) }
            Spacer(Modifier.height(4.dp))
            Button(
                onClick = { models.run { m.submit(FaceCheck.run()) } },
                enabled = state != IdentityModel.State.Busy,
                modifier = Modifier.fillMaxWidth().height(48.dp).testTag("face_check"),
                shape = RoundedCornerShape(24.dp),
            ) { Text(tr("face_check")) }
        }
    }
}

/**
 * The fields of 【实名认证】 over [m] (name, ID number, phone, and the bank card for four-factor
 * when [bankCard]); [errorField] marks the field a local check refused.
 */
@Composable
fun IdentityFields(m: IdentityModel, bankCard: Boolean = true, errorField: String? = null) {
    val name by m.name.collectAsState()
    val id by m.idNumber.collectAsState()
    val phone by m.phone.collectAsState()
    val card by m.bankCard.collectAsState()
    OutlinedTextField(
        name, { m.name.value = it }, label = { Text(tr("name")) }, singleLine = true, isError = errorField == "name",
        modifier = Modifier.fillMaxWidth().testTag("id_name"),
    )
    OutlinedTextField(
        id, { m.idNumber.value = it.take(18) }, label = { Text(tr("id_number")) }, singleLine = true, isError = errorField == "id_number",
        modifier = Modifier.fillMaxWidth().testTag("id_number"),
    )
    OutlinedTextField(
        phone, { m.phone.value = it.filter(Char::isDigit).take(11) }, label = { Text(tr("phone")) }, singleLine = true,
        isError = errorField == "phone",
        keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Phone), modifier = Modifier.fillMaxWidth().testTag("id_phone"),
    )
    if (bankCard) {
        OutlinedTextField(
            card, { m.bankCard.value = it.filter(Char::isDigit).take(19) }, label = { Text(tr("bank_card")) }, singleLine = true,
            keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Number), modifier = Modifier.fillMaxWidth().testTag("id_card"),
        )
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
