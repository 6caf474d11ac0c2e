// Mirror of android/logic/.../core/Texts.kt.
import Foundation

/// The few texts the app's own logic shows: zh-CN first, English when the device is English.
public enum Texts {
    static let zh: [String: String] = [
        "bad_phone": "请输入正确的手机号",
        "bad_code": "请输入 6 位短信验证码",
        "internal_error": "应用出现内部错误，请重试",
        "home_certificates": "数字证书",
        "home_scan": "扫码",
        "home_usage": "使用记录",
        "home_orders": "我的订单",
        "pin_mismatch": "两次输入的证书密码不一致，请重新设置",
        "pin_enter": "请输入 6 位证书密码",
        "pin_new": "请设置 6 位证书密码",
        "pin_again": "请再次输入证书密码",
        "no_choice": "本机没有可用于此业务的证书",
        "pick_product": "请选择要申请的产品",
        "bad_years": "办理期限只能是 1 年、2 年或 3 年",
        "algorithm_SM2": "SM2 国密",
        "algorithm_P256": "ECC P-256",
    ]
    static let en: [String: String] = [
        "bad_phone": "Enter a valid mobile number",
        "bad_code": "Enter the 6-digit SMS code",
        "home_certificates": "Certificates",
        "home_scan": "Scan",
        "home_usage": "Usage records",
        "home_orders": "My orders",
        "pin_mismatch": "The two PINs differ; set the PIN again",
        "pin_enter": "Enter the 6-digit certificate PIN",
        "internal_error": "Something went wrong in the app; please try again",
        "pin_new": "Choose a 6-digit certificate PIN",
        "pin_again": "Enter the PIN again",
        "no_choice": "No certificate on this phone may be used for this transaction",
        "pick_product": "Choose a product",
        "bad_years": "The period must be 1, 2 or 3 years",
        "algorithm_SM2": "SM2",
        "algorithm_P256": "ECC P-256",
    ]
    public static var english: Bool = Locale.preferredLanguages.first?.hasPrefix("en") ?? false

    public static subscript(id: String) -> String {
        (english ? en[id] : zh[id]) ?? zh[id] ?? id
    }
}
