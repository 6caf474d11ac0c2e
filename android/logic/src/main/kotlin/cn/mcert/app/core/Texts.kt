package cn.mcert.app.core

import java.util.Locale

/**
 * The few texts the app's own logic shows (everything else comes from the core, already in
 * the user's language): zh-CN first, English when the device language is English.
 */
object Texts {
    private val zh = mapOf(
        "bad_phone" to "请输入正确的手机号",
        "bad_code" to "请输入 6 位短信验证码",
        "home_certificates" to "数字证书",
        "home_scan" to "扫码",
        "home_usage" to "使用记录",
        "home_orders" to "我的订单",
        "pin_mismatch" to "两次输入的证书密码不一致，请重新设置",
        "pin_enter" to "请输入 6 位证书密码",
        "pin_new" to "请设置 6 位证书密码",
        "pin_again" to "请再次输入证书密码",
        "no_choice" to "本机没有可用于此业务的证书",
        "pick_product" to "请选择要申请的产品",
        "bad_years" to "办理期限只能是 1 年、2 年或 3 年",
    )
    private val en = mapOf(
        "bad_phone" to "Enter a valid mobile number",
        "bad_code" to "Enter the 6-digit SMS code",
        "home_certificates" to "Certificates",
        "home_scan" to "Scan",
        "home_usage" to "Usage records",
        "home_orders" to "My orders",
        "pin_mismatch" to "The two PINs differ; set the PIN again",
        "pin_enter" to "Enter the 6-digit certificate PIN",
        "pin_new" to "Choose a 6-digit certificate PIN",
        "pin_again" to "Enter the PIN again",
        "no_choice" to "No certificate on this phone may be used for this transaction",
        "pick_product" to "Choose a product",
        "bad_years" to "The period must be 1, 2 or 3 years",
    )

    /** English when the default locale is English; zh-CN otherwise. */
    var english: Boolean = Locale.getDefault().language == "en"

    operator fun get(id: String): String = (if (english) en else zh)[id] ?: zh[id] ?: id
}
