package cn.mcert.app.state

import cn.mcert.app.core.AppError
import cn.mcert.app.core.CertCore
import cn.mcert.app.core.Texts
import cn.mcert.app.core.Validate
import cn.mcert.app.core.Account
import cn.mcert.app.core.Identity
import cn.mcert.app.core.IdentityForm
import cn.mcert.app.core.Platform
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow

/** The login screen (SMS code). */
class LoginModel(private val core: CertCore) {
    sealed interface State {
        data object Idle : State
        data object Busy : State
        data class CodeSent(val resendAfterSecs: Int) : State
        data class LoggedIn(val account: Account) : State
        data class Failed(val message: String, val code: String) : State
    }

    val phone = MutableStateFlow("")
    val code = MutableStateFlow("")
    private val _state = MutableStateFlow<State>(State.Idle)
    val state: StateFlow<State> = _state

    fun phoneValid(): Boolean = Regex("^1[3-9][0-9]{9}$").matches(phone.value.trim())

    /** 【获取验证码】 */
    suspend fun sendCode() {
        if (!phoneValid()) {
            _state.value = State.Failed(Texts["bad_phone"], "bad_phone")
            return
        }
        _state.value = State.Busy
        _state.value = try {
            core.requestCode(phone.value.trim())
            State.CodeSent(resendAfterSecs = 60)
        } catch (e: AppError) {
            State.Failed(e.message, e.code)
        }
    }

    /** 【登录】 */
    suspend fun login() {
        if (!phoneValid()) {
            _state.value = State.Failed(Texts["bad_phone"], "bad_phone")
            return
        }
        if (!Validate.smsCode(code.value.trim())) {
            _state.value = State.Failed(Texts["bad_code"], "bad_code")
            return
        }
        _state.value = State.Busy
        _state.value = try {
            State.LoggedIn(core.login(phone.value.trim(), code.value.trim()))
        } catch (e: AppError) {
            State.Failed(e.message, e.code)
        }
    }
}

/** The platform choice after login (seed: choose the bidding platform you work on). */
class PlatformModel(private val core: CertCore) {
    private val _platforms = MutableStateFlow<List<Platform>>(emptyList())
    val platforms: StateFlow<List<Platform>> = _platforms
    val error = MutableStateFlow<String?>(null)
    val chosen = MutableStateFlow<String?>(null)

    suspend fun load() {
        try {
            _platforms.value = core.platforms()
        } catch (e: AppError) {
            error.value = e.message
        }
    }

    suspend fun choose(id: String) {
        try {
            core.choosePlatform(id)
            chosen.value = id
        } catch (e: AppError) {
            error.value = e.message
        }
    }
}

/**
 * The home screen: the entry grid of the manuals (【数字证书】【扫码】【电子印章】【授权管理】
 * 【使用记录】【我的订单】) and the account's state.
 */
class HomeModel(private val core: CertCore) {
    enum class Entry(val textId: String) {
        Certificates("home_certificates"),
        Scan("home_scan"),
        Seals("home_seals"),
        Authorization("home_authorization"),
        Usage("home_usage"),
        Orders("home_orders"),
    }

    data class Summary(
        val identity: Identity?,
        val certificatesOnPhone: Int,
        val slotsToInstall: Int,
        /** Organisations' certificates granted to the account, to claim (待申领的证书). */
        val claims: Int = 0,
        /** Good certificates of the account whose key is on another phone (to move here). */
        val certificatesElsewhere: Int = 0,
    )

    val entries: List<Entry> = Entry.entries
    fun label(e: Entry): String = Texts[e.textId]

    private val _summary = MutableStateFlow<Summary?>(null)
    val summary: StateFlow<Summary?> = _summary
    val error = MutableStateFlow<String?>(null)

    suspend fun refresh() {
        try {
            val certs = core.certificates()
            _summary.value = Summary(
                identity = core.identity(),
                certificatesOnPhone = certs.count { it.onThisDevice && it.status == "good" },
                slotsToInstall = core.pendingSlots().size,
                claims = core.slots().count { it.claimable },
                certificatesElsewhere = certs.count { !it.onThisDevice && it.status == "good" && it.current },
            )
            error.value = null
        } catch (e: AppError) {
            error.value = e.message
        }
    }
}

/** 【实名认证】: phone three-factor, or bank card four-factor, after the face check. */
class IdentityModel(private val core: CertCore) {
    sealed interface State {
        data object Editing : State
        data object Busy : State
        data class Verified(val identity: Identity) : State
        data class Failed(val message: String, val code: String) : State
    }

    val name = MutableStateFlow("")
    val idNumber = MutableStateFlow("")
    val phone = MutableStateFlow("")
    val bankCard = MutableStateFlow("")
    private val _state = MutableStateFlow<State>(State.Editing)
    val state: StateFlow<State> = _state

    /** Empties the form and starts it over (a verification asked again). */
    fun clear() {
        name.value = ""
        idNumber.value = ""
        phone.value = ""
        bankCard.value = ""
        _state.value = State.Editing
    }

    /** Back to the form as it was filled (the verification is to be made again). */
    fun edit() {
        _state.value = State.Editing
    }

    /** Submits with the token of the face-liveness check the camera step produced. */
    suspend fun submit(faceToken: String) {
        _state.value = State.Busy
        _state.value = try {
            State.Verified(
                core.verifyIdentity(
                    IdentityForm(
                        name = name.value.trim(),
                        idNumber = idNumber.value.trim().uppercase(),
                        phone = phone.value.trim(),
                        bankCard = bankCard.value.trim().ifEmpty { null },
                        faceToken = faceToken,
                    ),
                ),
            )
        } catch (e: AppError) {
            State.Failed(e.message, e.code)
        }
    }
}
