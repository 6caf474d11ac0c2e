package cn.mcert.app.core

import java.util.Locale
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow

/** The app's languages: simplified Chinese first, English as the fallback. */
enum class Language(val tag: String) {
    ZH("zh-CN"),
    EN("en"),
    ;

    companion object {
        /** English for an English locale; zh-CN otherwise. */
        fun of(locale: Locale): Language = if (locale.language == "en") EN else ZH
    }
}

/**
 * Every text the app itself shows, zh-CN and en side by side: the one source of the screens'
 * and the logic's words (messages from the service and the core arrive already in the user's
 * language). The language follows the app's setting ([language]); screens recompose on change.
 */
object Texts {
    private val _language = MutableStateFlow(Language.of(Locale.getDefault()))
    val language: StateFlow<Language> = _language

    /** Sets the app's language (the core's messages are switched by [CertCore.setLanguage]). */
    fun use(language: Language) {
        _language.value = language
    }

    var english: Boolean
        get() = _language.value == Language.EN
        set(value) = use(if (value) Language.EN else Language.ZH)

    operator fun get(id: String): String {
        val pair = table[id] ?: return id
        return if (_language.value == Language.EN) pair.second else pair.first
    }

    /** A text with `%1$s`-style arguments. */
    fun format(id: String, vararg args: Any): String = String.format(Locale.ROOT, get(id), *args)

    /** Whether [id] is a known text (the tests check every id the screens use). */
    fun has(id: String): Boolean = id in table

    val ids: Set<String> get() = table.keys

    /**
     * The label of a state ([status] of a kind named by [prefix], e.g. `order_completed`) in the
     * app's language; the service's zh-CN [fallback] for a state the app does not know.
     */
    fun state(prefix: String, status: String, fallback: String): String =
        "${prefix}_$status".let { if (has(it)) get(it) else fallback }

    private val table: Map<String, Pair<String, String>> = orgTexts + commerceTexts + sealTexts + reissueTexts + lifeTexts + changeTexts + mapOf(
        // The app and its frame
        "app_name" to ("移动证书" to "Mobile Certificate"),
        "tab_home" to ("首页" to "Home"),
        "tab_certificates" to ("证书" to "Certificates"),
        "tab_me" to ("我的" to "Me"),
        "back" to ("返回" to "Back"),
        "retry" to ("重试" to "Retry"),
        "loading" to ("正在加载…" to "Loading…"),
        "internal_error" to ("应用出现内部错误，请重试" to "Something went wrong in the app; please try again"),
        // Home
        "home_certificates" to ("数字证书" to "Certificates"),
        "home_scan" to ("扫码" to "Scan"),
        "home_seals" to ("电子印章" to "E-seals"),
        "home_authorization" to ("授权管理" to "Authorisations"),
        "home_usage" to ("使用记录" to "Usage records"),
        "home_orders" to ("我的订单" to "My orders"),
        "home_banner_title" to ("移动数字证书" to "Mobile digital certificate"),
        "home_banner_text" to ("扫码即可登录、签章、开标解密" to "Scan to log in, sign and open bids"),
        "home_scan_now" to ("扫一扫" to "Scan now"),
        "home_hello" to ("您好，%1\$s" to "Hello, %1\$s"),
        "home_on_phone" to ("本机有效证书 %1\$d 张" to "%1\$d valid certificate(s) on this phone"),
        "home_slots" to ("%1\$d 张已支付的证书待下载" to "%1\$d paid certificate(s) to install"),
        "home_go_install" to ("去下载" to "Install"),
        "not_verified" to ("未实名认证" to "Not verified"),
        "not_verified_hint" to ("申请证书前请先完成实名认证" to "Verify your real name before applying"),
        "verify_now" to ("去认证" to "Verify"),
        "verified_as" to ("已实名：%1\$s（%2\$s）" to "Verified: %1\$s (%2\$s)"),
        "apply" to ("申请证书" to "Apply for a certificate"),
        // Login, platform, identity
        "login_title" to ("手机号登录" to "Log in with your phone"),
        "login_hint" to ("未注册的手机号验证后将自动创建账号" to "An account is created for a new number"),
        "phone" to ("手机号" to "Mobile number"),
        "sms_code" to ("短信验证码" to "SMS code"),
        "get_code" to ("获取验证码" to "Get code"),
        "resend_in" to ("%1\$d 秒后重发" to "Resend in %1\$d s"),
        "login" to ("登录" to "Log in"),
        "bad_phone" to ("请输入正确的手机号" to "Enter a valid mobile number"),
        "bad_code" to ("请输入 6 位短信验证码" to "Enter the 6-digit SMS code"),
        "choose_platform" to ("选择平台" to "Choose a platform"),
        "choose_platform_hint" to ("请选择您参与投标的交易平台" to "Choose the bidding platform you work on"),
        "platforms_empty" to ("暂无可选平台，请稍后重试" to "No platform to choose yet; try again later"),
        "identity" to ("实名认证" to "Real-name verification"),
        "identity_hint" to (
            "手机号三要素认证；填写银行卡号则进行银行卡四要素认证。提交前需完成人脸识别。" to
                "Checked with your mobile number, or with a bank card when you give one. A face check comes first."
            ),
        "name" to ("姓名" to "Name"),
        "id_number" to ("身份证号" to "ID number"),
        "bank_card" to ("银行卡号（选填）" to "Bank card (optional)"),
        "face_check" to ("人脸识别并提交" to "Face check and submit"),
        // Applying and orders
        "product" to ("证书产品" to "Product"),
        "price_per_year" to ("¥%1\$s/年" to "CNY %1\$s a year"),
        "years" to ("办理期限" to "Period"),
        "years_n" to ("%1\$d 年" to "%1\$d yr"),
        "amount" to ("应付金额" to "Amount due"),
        "yuan" to ("¥%1\$s" to "CNY %1\$s"),
        "submit_order" to ("提交订单" to "Place order"),
        "pay_now" to ("立即支付" to "Pay now"),
        "ordered" to ("订单已提交，请完成支付" to "Order placed; please pay"),
        "paid" to ("支付完成" to "Paid"),
        "pick_product" to ("请选择要申请的产品" to "Choose a product"),
        "bad_years" to ("办理期限只能是 1 年、2 年或 3 年" to "The period must be 1, 2 or 3 years"),
        "orders_all" to ("全部" to "All"),
        "orders_review" to ("待审核" to "In review"),
        "orders_payment" to ("待支付" to "To pay"),
        "orders_done" to ("已完成" to "Completed"),
        "orders_rejected" to ("未通过" to "Rejected"),
        "orders_empty" to ("暂无订单" to "No orders"),
        "orders_empty_hint" to ("在首页点【申请证书】办理数字证书" to "Tap “Apply for a certificate” on the home page"),
        "order_no" to ("订单号 %1\$s" to "Order %1\$s"),
        "order_period" to ("办理期限 %1\$d 年" to "Period %1\$d yr"),
        "reject_reason" to ("驳回原因：%1\$s" to "Reason: %1\$s"),
        // Certificates
        "certificates" to ("数字证书" to "Certificates"),
        "certs_empty" to ("本机还没有数字证书" to "No certificate on this phone yet"),
        "certs_empty_hint" to ("申请并支付后，在这里下载证书" to "Apply and pay, then install the certificate here"),
        "slots_ready" to ("有 %1\$d 张已支付的证书待下载" to "%1\$d paid certificate(s) ready to install"),
        "install" to ("下载证书" to "Install"),
        "install_hint" to ("密钥在本机生成，私钥不离开手机" to "The key is made on this phone and never leaves it"),
        "algorithm" to ("密钥算法" to "Key algorithm"),
        "algorithm_SM2" to ("SM2 国密" to "SM2"),
        "algorithm_P256" to ("ECC P-256" to "ECC P-256"),
        "holder" to ("持有人" to "Holder"),
        "organisation" to ("所属单位" to "Organisation"),
        "cert_type" to ("证书类型" to "Type"),
        "type_personal" to ("个人证书" to "Personal certificate"),
        "type_organisation" to ("单位证书" to "Organisation certificate"),
        "id_label" to ("证件号码" to "ID number"),
        "org_code" to ("统一社会信用代码" to "Credit code"),
        "validity" to ("有效期" to "Validity"),
        "valid_until" to ("有效期至 %1\$s" to "Valid until %1\$s"),
        "status_good" to ("有效" to "Valid"),
        "status_revoked" to ("已注销" to "Revoked"),
        "status_expired" to ("已过期" to "Expired"),
        "status_locked" to ("已锁定" to "Locked"),
        "on_this_phone" to ("本机" to "On this phone"),
        "not_on_this_phone" to ("不在本机" to "Not on this phone"),
        "serial" to ("序列号" to "Serial"),
        "issuer" to ("颁发者" to "Issuer"),
        "pin_state" to ("证书密码" to "PIN"),
        "certificate_detail" to ("证书详情" to "Certificate"),
        // PIN
        "pin_enter" to ("请输入 6 位证书密码" to "Enter the 6-digit certificate PIN"),
        "pin_new" to ("请设置 6 位证书密码" to "Choose a 6-digit certificate PIN"),
        "pin_again" to ("请再次输入证书密码" to "Enter the PIN again"),
        "pin_mismatch" to ("两次输入的证书密码不一致，请重新设置" to "The two PINs differ; set the PIN again"),
        "pin_tries_left" to ("还可尝试 %1\$d 次" to "%1\$d tries left"),
        "pin_locked" to ("证书已锁定" to "Certificate locked"),
        "change_pin" to ("修改证书密码" to "Change PIN"),
        "change_pin_current" to ("请输入当前的证书密码" to "Enter the current PIN"),
        "change_pin_new" to ("请设置新的证书密码" to "Set the new PIN"),
        "change_pin_hint" to (
            "证书密码保护本机上的证书私钥；平台、客服都不会向您索要" to
                "The PIN protects the certificate's private key on this phone; no platform or service desk will ever ask for it"
            ),
        "change_pin_done" to ("证书密码已修改" to "PIN changed"),
        "change_pin_done_hint" to ("下次使用证书时请输入新的证书密码" to "Use the new PIN from now on"),
        "report_lost" to ("证书挂失" to "Report lost"),
        "report_lost_hint" to (
            "挂失后证书立即吊销，不能恢复，使用它的签名和登录随即失效；手机丢失或证书可能被他人使用时请立即挂失。挂失后可重新申请或补办证书。" to
                "Reporting it lost revokes the certificate at once and for good; signatures and logins with it stop working. Do it when the phone is lost or someone else may use the certificate; apply for a new one or have it reissued afterwards."
            ),
        "report_lost_confirm" to ("确认挂失" to "Report lost"),
        "report_lost_done" to ("证书已挂失" to "Certificate reported lost"),
        "report_lost_done_hint" to ("证书已吊销；如需继续使用，请重新申请或补办证书" to "The certificate is revoked; apply for a new one or have it reissued to go on"),
        "code_sent_to" to ("验证码已发送至 %1\$s" to "Code sent to %1\$s"),
        "pin_locked_hint" to ("请在证书详情中重置证书密码后再使用" to "Reset the certificate PIN before using it again"),
        "pin_delete" to ("删除" to "Delete"),
        // Scan
        "scan" to ("扫码" to "Scan"),
        "scan_hint" to ("将平台页面上的二维码放入框内" to "Fit the QR code on the platform page in the frame"),
        "scan_reading" to ("正在识别…" to "Reading…"),
        "torch" to ("手电筒" to "Torch"),
        "album" to ("相册" to "Album"),
        "camera_permission" to ("扫码需要使用相机，请允许相机权限" to "Scanning needs the camera; please allow it"),
        "grant" to ("允许" to "Allow"),
        "confirm_title" to ("请核对业务信息" to "Check what is asked"),
        "platform" to ("平台" to "Platform"),
        "operation" to ("业务" to "Operation"),
        "project" to ("项目" to "Project"),
        "lot" to ("标段" to "Lot"),
        "document" to ("文件" to "Document"),
        "opening_at" to ("开标时间" to "Bid opening"),
        "expires_before_opening" to (
            "该证书将于 %1\$s 到期，早于本项目开标时间 %2\$s。开标时需用本证书解密投标文件，请先办理证书延期，或选择其他证书。" to
                "This certificate expires on %1\$s, before this project's bid opening on %2\$s. Opening the bid needs this certificate: renew it first, or choose another certificate."
            ),
        "choice_expires_early" to ("%1\$s 到期，早于开标时间" to "Expires %1\$s, before the bid opening"),
        "verification_code" to ("校验码" to "Verification code"),
        "verification_hint" to ("请确认与平台页面显示的校验码一致" to "Make sure it matches the code on the platform page"),
        "choose_certificate" to ("选择证书" to "Certificate"),
        "confirm" to ("确认" to "Confirm"),
        "decline" to ("拒绝" to "Decline"),
        "done" to ("完成" to "Done"),
        "declined" to ("已拒绝本次操作" to "You declined this request"),
        "submitting" to ("正在处理…" to "Working…"),
        "scan_done" to ("%1\$s成功" to "%1\$s: done"),
        "scan_done_hint" to ("请返回平台页面继续操作" to "Continue on the platform page"),
        "scan_failed" to ("操作未完成" to "Not completed"),
        "scan_again" to ("重新扫码" to "Scan again"),
        "no_choice" to ("本机没有可用于此业务的证书" to "No certificate on this phone may be used for this transaction"),
        "stamp_no_seal" to (
            "本机证书没有可用于此次签章的印章（需已申领、类型符合）" to
                "No seal of this phone's certificates may stamp here (it must be claimed and of an accepted kind)"
            ),
        "stamp_pages" to ("文件页数" to "Pages"),
        "stamp_pages_value" to ("共 %1\$d 页" to "%1\$d pages"),
        "stamp_place" to ("盖章位置" to "Stamp goes on"),
        "stamp_place_value" to ("第 %1\$d 页" to "page %1\$d"),
        "stamp_places_value" to ("共 %1\$d 处" to "%1\$d places"),
        "stamp_place_n" to ("第 %1\$d 处：第 %2\$d 页" to "Stamp %1\$d: page %2\$d"),
        "stamp_pin_for" to ("请输入证书 %1\$s 的 PIN 码" to "Enter the PIN of certificate %1\$s"),
        "stamp_cross_page" to ("骑缝章" to "Cross-page seal"),
        "stamp_cross_page_value" to ("同时盖在全部 %1\$d 页右侧边缘" to "Also across the right edges of all %1\$d pages"),
        "stamp_choose_seal" to ("选择印章" to "Seal"),
        "stamp_certificate" to ("证书" to "certificate"),
        "stamp_hint" to (
            "输入该印章绑定证书的 PIN 码后，平台按所选印章准备文件，手机完成签章" to
                "After the PIN of the seal's certificate, the platform prepares the document with this seal and the phone signs it"
            ),
        "stamp_waiting" to ("平台正在按所选印章准备文件…" to "The platform is preparing the document with this seal…"),
        // Usage
        "usage" to ("使用记录" to "Usage records"),
        "from_date" to ("开始日期" to "From"),
        "to_date" to ("结束日期" to "To"),
        "filter" to ("筛选" to "Filter"),
        "usage_empty" to ("暂无使用记录" to "No usage records"),
        "usage_empty_hint" to (
            "用本机证书扫码登录、签名或解密后，记录会显示在这里" to
                "Logins, signatures and decryptions made with this phone's certificates show here"
            ),
        "col_time" to ("时间" to "Time"),
        "col_operation" to ("业务" to "Operation"),
        "col_platform" to ("平台" to "Platform"),
        "col_outcome" to ("结果" to "Outcome"),
        "beijing_time" to ("北京时间" to "Beijing time"),
        "load_more" to ("加载更多" to "Load more"),
        // Me
        "me" to ("我的" to "Me"),
        "account" to ("账号" to "Account"),
        "language" to ("语言" to "Language"),
        "language_zh" to ("简体中文" to "简体中文"),
        "language_en" to ("English" to "English"),
        "logout" to ("退出登录" to "Log out"),
        "home_claims_hint" to ("单位证书的密钥同样在本机生成" to "The key of an organisation certificate is made on this phone too"),
        "version" to ("版本 %1\$s" to "Version %1\$s"),
    )
}
