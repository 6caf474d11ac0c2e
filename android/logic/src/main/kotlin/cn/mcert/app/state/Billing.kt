package cn.mcert.app.state

import cn.mcert.app.core.AppError
import cn.mcert.app.core.BillingProfile
import cn.mcert.app.core.BillingProfileForm
import cn.mcert.app.core.CertCore
import cn.mcert.app.core.Display
import cn.mcert.app.core.PayerAccount
import cn.mcert.app.core.PayerAccountForm
import cn.mcert.app.core.PayerKind
import cn.mcert.app.core.TitleKind
import cn.mcert.app.core.Validate
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow

/**
 * 【开票信息】 (seed 003 §5): the account's invoice titles, one of them the default. A title is a
 * company's (单位: its registered name and its unified social credit code as 纳税人识别号, checked
 * here by its check character) or a person's (个人), with the optional 地址电话 and 开户银行/账号.
 */
class BillingProfilesModel(private val core: CertCore) {
    private val _profiles = MutableStateFlow<List<BillingProfile>>(emptyList())
    val profiles: StateFlow<List<BillingProfile>> = _profiles
    private val _loading = MutableStateFlow(false)
    val loading: StateFlow<Boolean> = _loading
    private val _busy = MutableStateFlow(false)
    val busy: StateFlow<Boolean> = _busy
    /** A failure of the list, of an action or of the form (with its field). */
    val problem = MutableStateFlow<Problem?>(null)
    /** The profile whose deletion waits for the user's confirmation. */
    val deleting = MutableStateFlow<BillingProfile?>(null)

    // The form: a new profile, or the one [editing].
    private val _editing = MutableStateFlow<BillingProfile?>(null)
    val editing: StateFlow<BillingProfile?> = _editing
    val kind = MutableStateFlow(TitleKind.COMPANY)
    val title = MutableStateFlow("")
    val taxpayerId = MutableStateFlow("")
    val addressPhone = MutableStateFlow("")
    val bankName = MutableStateFlow("")
    val bankAccount = MutableStateFlow("")
    val isDefault = MutableStateFlow(false)

    suspend fun refresh() {
        _loading.value = true
        try {
            _profiles.value = core.billingProfiles()
            problem.value = null
        } catch (e: AppError) {
            problem.value = Problem.of(e)
        } finally {
            _loading.value = false
        }
    }

    /** 【添加开票信息】: an empty form (the first profile becomes the default). */
    fun startAdd() {
        _editing.value = null
        kind.value = TitleKind.COMPANY
        title.value = ""
        taxpayerId.value = ""
        addressPhone.value = ""
        bankName.value = ""
        bankAccount.value = ""
        isDefault.value = _profiles.value.isEmpty()
        problem.value = null
    }

    /** 【编辑】 [profile]. */
    fun startEdit(profile: BillingProfile) {
        _editing.value = profile
        kind.value = profile.kind
        title.value = profile.title
        taxpayerId.value = profile.taxpayerId.orEmpty()
        addressPhone.value = profile.addressPhone.orEmpty()
        bankName.value = profile.bankName.orEmpty()
        bankAccount.value = profile.bankAccount.orEmpty()
        isDefault.value = profile.isDefault
        problem.value = null
    }

    /** The taxpayer ID as sent: upper case, no spaces. */
    private fun taxpayer(): String = taxpayerId.value.filterNot { it.isWhitespace() }.uppercase()

    /** Why the form would be refused (a text id and the field), before the service is asked. */
    fun checkForm(): Problem? = when {
        !Validate.title(title.value) -> Problem.local("bad_title", "title")
        kind.value == TitleKind.COMPANY && !Validate.creditCode(taxpayer()) -> Problem.local("bad_taxpayer_id", "taxpayer_id")
        bankAccount.value.isNotBlank() && !Validate.accountNumber(Display.digits(bankAccount.value)) ->
            Problem.local("bad_bank_account", "bank_account")
        else -> null
    }

    private fun form(isDefault: Boolean = this.isDefault.value) = BillingProfileForm(
        kind = kind.value,
        title = title.value.trim(),
        taxpayerId = if (kind.value == TitleKind.COMPANY) taxpayer() else null,
        addressPhone = addressPhone.value.trim().ifEmpty { null },
        bankName = bankName.value.trim().ifEmpty { null },
        bankAccount = Display.digits(bankAccount.value).ifEmpty { null },
        isDefault = isDefault,
    )

    /** 【保存】: true when the profile was added or changed. */
    suspend fun save(): Boolean {
        checkForm()?.let {
            problem.value = it
            return false
        }
        val editing = _editing.value
        return act {
            if (editing == null) core.addBillingProfile(form()) else core.updateBillingProfile(editing.id, form())
        }
    }

    /** 【设为默认】 */
    suspend fun setDefault(profile: BillingProfile): Boolean {
        if (profile.isDefault) return true
        val f = BillingProfileForm(
            profile.kind, profile.title, profile.taxpayerId, profile.addressPhone, profile.bankName, profile.bankAccount, true,
        )
        return act { core.updateBillingProfile(profile.id, f) }
    }

    fun askDelete(profile: BillingProfile) {
        deleting.value = profile
    }

    suspend fun confirmDelete(): Boolean {
        val p = deleting.value ?: return false
        deleting.value = null
        return act { core.deleteBillingProfile(p.id) }
    }

    private suspend fun act(action: suspend () -> Unit): Boolean {
        _busy.value = true
        return try {
            action()
            problem.value = null
            refresh()
            true
        } catch (e: AppError) {
            problem.value = Problem.of(e)
            false
        } finally {
            _busy.value = false
        }
    }
}

/**
 * 【打款账户】 (seed 003 §5: 支持公户和个人账户打款缴费): the accounts the buyer transfers from,
 * shown masked; added with the account type, 户名, 账号 (8 to 32 digits) and 开户银行; deleted
 * after a confirmation.
 */
class PayerAccountsModel(private val core: CertCore) {
    private val _accounts = MutableStateFlow<List<PayerAccount>>(emptyList())
    val accounts: StateFlow<List<PayerAccount>> = _accounts
    private val _loading = MutableStateFlow(false)
    val loading: StateFlow<Boolean> = _loading
    private val _busy = MutableStateFlow(false)
    val busy: StateFlow<Boolean> = _busy
    val problem = MutableStateFlow<Problem?>(null)
    val deleting = MutableStateFlow<PayerAccount?>(null)

    // The add form.
    val kind = MutableStateFlow(PayerKind.PUBLIC)
    val holderName = MutableStateFlow("")
    val accountNo = MutableStateFlow("")
    val bankName = MutableStateFlow("")

    suspend fun refresh() {
        _loading.value = true
        try {
            _accounts.value = core.payerAccounts()
            problem.value = null
        } catch (e: AppError) {
            problem.value = Problem.of(e)
        } finally {
            _loading.value = false
        }
    }

    fun clearForm() {
        kind.value = PayerKind.PUBLIC
        holderName.value = ""
        accountNo.value = ""
        bankName.value = ""
        problem.value = null
    }

    fun checkForm(): Problem? = when {
        !Validate.title(holderName.value) -> Problem.local("bad_holder_name", "holder_name")
        !Validate.accountNumber(Display.digits(accountNo.value)) || accountNo.value.any { it.isLetter() } ->
            Problem.local("bad_bank_account", "account_no")
        !Validate.title(bankName.value) -> Problem.local("bad_bank_name", "bank_name")
        else -> null
    }

    /** 【添加】: true when the account was added (the form is cleared). */
    suspend fun add(): Boolean {
        checkForm()?.let {
            problem.value = it
            return false
        }
        val form = PayerAccountForm(kind.value, holderName.value.trim(), Display.digits(accountNo.value), bankName.value.trim())
        return act {
            core.addPayerAccount(form)
            clearForm()
        }
    }

    fun askDelete(account: PayerAccount) {
        deleting.value = account
    }

    suspend fun confirmDelete(): Boolean {
        val a = deleting.value ?: return false
        deleting.value = null
        return act { core.deletePayerAccount(a.id) }
    }

    private suspend fun act(action: suspend () -> Unit): Boolean {
        _busy.value = true
        return try {
            action()
            problem.value = null
            refresh()
            true
        } catch (e: AppError) {
            problem.value = Problem.of(e)
            false
        } finally {
            _busy.value = false
        }
    }
}
