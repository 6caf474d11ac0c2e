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
        "stamp_no_seal": "本机证书没有可用于此次签章的印章（需已申领、类型符合）",
        "seal_bad_name": "请输入 1 至 40 个字的印章名称",
        "seal_pick_certificate": "请选择已下载的单位证书",
        "seal_take_photo": "请拍摄或选择印章照片",
        "approve_no_certificate": "本机没有您在本单位的证书，不能审批用印",
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
        // Paying and invoicing (android/logic/.../core/TextsCommerce.kt)
        "yuan": "¥%1$@",
        "certificate_fee": "数字证书费",
        "received_line": "已收 %1$@，待付 %2$@",
        "change_not_allowed": "订单已付款或已处理，不能修改",
        "not_invoiceable": "只有已完成且未开票的订单可以申请开票",
        "billing_profile_first": "请先添加开票信息",
        "bad_title": "请输入 2 至 100 个字的发票抬头",
        "bad_taxpayer_id": "纳税人识别号不正确，请核对 18 位统一社会信用代码",
        "bad_bank_account": "账号只能是 8 至 32 位数字",
        "bad_holder_name": "请输入 2 至 100 个字的户名",
        "bad_bank_name": "请输入 2 至 100 个字的开户银行",
        "order_pending_review": "待审核",
        "order_awaiting_payment": "待支付",
        "order_completed": "已完成",
        "order_rejected": "未通过",
        "order_cancelled": "已取消",
        "order_refunded": "已退款",
        "order_invoice_none": "未开票",
        "order_invoice_issuing": "开票中",
        "order_invoice_issued": "已开票",
        "order_invoice_reversed": "已红冲",
        "invoice_issuing": "开票中",
        "invoice_issued": "已开票",
        "invoice_failed": "开票失败",
        "payment_none": "未交款",
        "payment_partial": "部分到账",
        "payment_full": "已交款",
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
        "stamp_no_seal": "No seal of this phone's certificates may stamp here (it must be claimed and of an accepted kind)",
        "seal_bad_name": "Enter the name on the seal (1 to 40 characters)",
        "seal_pick_certificate": "Pick a downloaded organisation certificate",
        "seal_take_photo": "Take or pick a photo of the seal",
        "approve_no_certificate": "This phone holds none of your certificates of the organisation; you cannot approve",
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
        // Paying and invoicing
        "yuan": "CNY %1$@",
        "certificate_fee": "Certificate fee",
        "received_line": "Received %1$@, %2$@ to pay",
        "change_not_allowed": "The order is paid or closed and cannot be changed",
        "not_invoiceable": "Only a completed order without an invoice can be invoiced",
        "billing_profile_first": "Add billing information first",
        "bad_title": "Enter the invoice title (2 to 100 characters)",
        "bad_taxpayer_id": "The taxpayer ID is wrong; check the 18-character unified social credit code",
        "bad_bank_account": "The account number must be 8 to 32 digits",
        "bad_holder_name": "Enter the account holder (2 to 100 characters)",
        "bad_bank_name": "Enter the bank (2 to 100 characters)",
        "order_pending_review": "In review",
        "order_awaiting_payment": "To pay",
        "order_completed": "Completed",
        "order_rejected": "Rejected",
        "order_cancelled": "Cancelled",
        "order_refunded": "Refunded",
        "order_invoice_none": "Not invoiced",
        "order_invoice_issuing": "Invoice being issued",
        "order_invoice_issued": "Invoiced",
        "order_invoice_reversed": "Invoice reversed",
        "invoice_issuing": "Being issued",
        "invoice_issued": "Issued",
        "invoice_failed": "Failed",
        "payment_none": "Not paid",
        "payment_partial": "Partly received",
        "payment_full": "Paid",
    ]
    public static var english: Bool = Locale.preferredLanguages.first?.hasPrefix("en") ?? false

    public static subscript(id: String) -> String {
        (english ? en[id] : zh[id]) ?? zh[id] ?? id
    }

    /// A text with `%1$@`-style arguments.
    public static func format(_ id: String, _ args: CVarArg...) -> String {
        String(format: self[id], arguments: args)
    }

    public static func has(_ id: String) -> Bool { zh[id] != nil }

    /// The label of a state (`status` of a kind named by `prefix`, e.g. `order_completed`) in the
    /// app's language; the service's zh-CN `fallback` for a state the app does not know.
    public static func state(_ prefix: String, _ status: String, _ fallback: String) -> String {
        has(prefix + "_" + status) ? self[prefix + "_" + status] : fallback
    }
}
