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
        "home_authorization": "授权管理",
        "bad_credit_code": "统一社会信用代码不正确，请核对 18 位代码",
        "bad_org_name": "请输入 2 至 100 个字的单位名称",
        "bad_person_name": "请输入 2 至 30 个字的姓名",
        "bad_id_number": "身份证号不正确，请核对 18 位号码",
        "bad_email": "邮箱格式不正确",
        "bad_date": "日期请按 2025-01-31 的格式填写",
        "admin_only": "只有单位的证书管理员可以这样操作",
        "authorise_first": "请先进行 CA 授权，授权通过后才能申请证书",
        "pick_letter_first": "请先选择盖章签字后的授权书",
        "pick_licence_first": "请先上传营业执照",
        "file_empty": "文件为空",
        "file_too_large": "文件不能超过 5 MB",
        "file_type": "只支持 JPG、PNG 图片或 PDF 文件",
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
        "home_authorization": "Authorisations",
        "bad_credit_code": "The unified social credit code is wrong; check its 18 characters",
        "bad_org_name": "Enter the organisation's name (2 to 100 characters)",
        "bad_person_name": "Enter a name of 2 to 30 characters",
        "bad_id_number": "The ID number is wrong; check its 18 characters",
        "bad_email": "The e-mail address is not valid",
        "bad_date": "Write dates as 2025-01-31",
        "admin_only": "Only a certificate admin of the organisation can do this",
        "authorise_first": "Complete the CA authorisation first; then you can apply for certificates",
        "pick_letter_first": "Choose the signed, stamped letter first",
        "pick_licence_first": "Upload the business licence first",
        "file_empty": "The file is empty",
        "file_too_large": "Files may be at most 5 MB",
        "file_type": "Only JPG or PNG pictures and PDF files",
    ]
    public static var english: Bool = Locale.preferredLanguages.first?.hasPrefix("en") ?? false

    public static subscript(id: String) -> String {
        (english ? en[id] : zh[id]) ?? zh[id] ?? id
    }
}
