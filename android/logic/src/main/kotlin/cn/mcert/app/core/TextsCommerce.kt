package cn.mcert.app.core

/**
 * The texts of paying and invoicing (我的订单 with its actions, 转账支付, 购买信息修改, 发票管理,
 * 申请开票, 开票信息, 打款账户), zh-CN and en: part of [Texts]' one table.
 */
internal val commerceTexts: Map<String, Pair<String, String>> = mapOf(
    // 我的订单: tabs, states (in the app's language; the service's labels are zh-CN)
    "orders_cancelled" to ("已取消" to "Cancelled"),
    "order_pending_review" to ("待审核" to "In review"),
    "order_awaiting_payment" to ("待支付" to "To pay"),
    "order_completed" to ("已完成" to "Completed"),
    "order_rejected" to ("未通过" to "Rejected"),
    "order_cancelled" to ("已取消" to "Cancelled"),
    "order_refunded" to ("已退款" to "Refunded"),
    "order_invoice_none" to ("未开票" to "Not invoiced"),
    "order_invoice_issuing" to ("开票中" to "Invoice being issued"),
    "order_invoice_issued" to ("已开票" to "Invoiced"),
    "order_invoice_reversed" to ("已红冲" to "Invoice reversed"),
    "payment_none" to ("未交款" to "Not paid"),
    "payment_partial" to ("部分到账" to "Partly received"),
    "payment_full" to ("已交款" to "Paid"),
    "certificate_fee" to ("数字证书费" to "Certificate fee"),
    "invoice_line" to ("开票状态：%1\$s" to "Invoice: %1\$s"),
    "received_line" to ("已收 %1\$s，待付 %2\$s" to "Received %1\$s, %2\$s to pay"),
    // Actions of an order
    "pay_online" to ("支付" to "Pay"),
    "pay_transfer" to ("转账支付" to "Pay by transfer"),
    "order_cancel" to ("取消" to "Cancel"),
    "order_change" to ("修改" to "Change"),
    "request_invoice" to ("申请开票" to "Request invoice"),
    "view_transfer" to ("查看转账信息" to "Transfer details"),
    "cancel_title" to ("取消订单" to "Cancel the order"),
    "cancel_confirm" to (
        "确定取消“%1\$s”的订单吗？取消后不能恢复，需要时请重新下单" to
            "Cancel the order for “%1\$s”? It cannot be restored; place a new order when you need one"
        ),
    "cancel_ok" to ("确定取消" to "Cancel order"),
    "keep_order" to ("暂不取消" to "Keep it"),
    // 订单详情
    "order_detail" to ("订单详情" to "Order"),
    "order_id" to ("订单号" to "Order no."),
    "order_product" to ("商品" to "Product"),
    "order_amount" to ("证书金额" to "Amount"),
    "order_created" to ("下单时间" to "Ordered"),
    "order_state" to ("订单状态" to "Status"),
    "payment_state" to ("交款状态" to "Payment"),
    "invoice_state" to ("开票状态" to "Invoice"),
    "transfer_title" to ("转账信息" to "Bank transfer"),
    "transfer_bank" to ("收款银行" to "Bank"),
    "transfer_account_name" to ("收款账户名" to "Account name"),
    "transfer_account_no" to ("收款账号" to "Account no."),
    "transfer_due" to ("应付金额" to "Amount due"),
    "transfer_received" to ("已收金额" to "Received"),
    "transfer_deadline" to ("截止时间" to "Pay by"),
    "copy" to ("复制" to "Copy"),
    "copied" to ("已复制" to "Copied"),
    "transfer_partial_hint" to (
        "已收到部分款项，请向同一账号转账剩余金额" to
            "Part of the money has arrived; transfer the rest to the same account"
        ),
    "transfer_notes" to (
        "注意：1. 每次下单生成的收款账号不同。2. 请自行向订单中指定的收款账号打款，完成订单支付（可通过网银或手机银行）。" to
            "Note: 1. Each order has its own receiving account. 2. Transfer to the account shown for this order " +
            "(online or mobile banking) to pay it."
        ),
    // 购买信息修改
    "order_change_title" to ("购买信息修改" to "Change the purchase"),
    "order_change_hint" to ("支付前可以修改办理期限，金额随之调整" to "Before paying you may change the period; the amount follows"),
    "current_period" to ("当前期限" to "Current period"),
    "new_amount" to ("修改后金额" to "New amount"),
    "change_not_allowed" to ("订单已付款或已处理，不能修改" to "The order is paid or closed and cannot be changed"),
    // 发票管理
    "invoices" to ("发票管理" to "Invoices"),
    "invoices_empty" to ("暂无发票" to "No invoices"),
    "invoices_empty_hint" to (
        "订单支付完成后，可在【我的订单】-【已完成】中申请开票" to
            "Once an order is paid, request its invoice under My orders › Completed"
        ),
    "invoice_issuing" to ("开票中" to "Being issued"),
    "invoice_issued" to ("已开票" to "Issued"),
    "invoice_failed" to ("开票失败" to "Failed"),
    "invoice_red" to ("红字" to "Red-letter"),
    "invoice_no" to ("发票号码" to "Invoice no."),
    "invoice_title" to ("发票抬头" to "Invoice title"),
    "invoice_amount" to ("金额" to "Amount"),
    "invoice_tax" to ("税额" to "Tax"),
    "invoice_total" to ("价税合计" to "Total"),
    "issued_at" to ("开票时间" to "Issued"),
    "download" to ("下载" to "Download"),
    "share" to ("分享" to "Share"),
    "invoice_saved" to ("发票已保存" to "Invoice saved"),
    "invoice_not_saved" to ("发票未保存" to "Invoice not saved"),
    "share_title" to ("分享发票" to "Share the invoice"),
    "share_hint" to (
        "任何人都可以通过此链接下载发票，请只发给需要的人（如财务人员）" to
            "Anyone with this link can download the invoice; send it only to those who need it"
        ),
    "copy_link" to ("复制链接" to "Copy link"),
    "close" to ("关闭" to "Close"),
    // 申请开票
    "invoice_request" to ("申请开票" to "Request an invoice"),
    "invoice_type_note" to ("发票类型：电子普通发票，开具后可在【发票管理】中下载" to "An electronic ordinary VAT invoice; download it under Invoices"),
    "choose_profile" to ("选择开票信息" to "Billing information"),
    "default_mark" to ("默认" to "Default"),
    "billing_profile_first" to ("请先添加开票信息" to "Add billing information first"),
    "invoice_requested" to ("已申请开票" to "Invoice requested"),
    "not_invoiceable" to ("只有已完成且未开票的订单可以申请开票" to "Only a completed order without an invoice can be invoiced"),
    // 开票信息
    "billing_profiles" to ("开票信息" to "Billing information"),
    "billing_empty" to ("暂无开票信息" to "No billing information"),
    "billing_empty_hint" to ("在这里添加或维护您的发票抬头，开票时选用" to "Add your invoice titles here to use when invoicing"),
    "profile_add" to ("添加开票信息" to "Add billing information"),
    "profile_edit" to ("编辑开票信息" to "Edit billing information"),
    "title_kind" to ("抬头类型" to "Title type"),
    "title_company" to ("单位" to "Company"),
    "title_personal" to ("个人" to "Person"),
    "taxpayer_id" to ("纳税人识别号" to "Taxpayer ID"),
    "taxpayer_line" to ("税号 %1\$s" to "Tax ID %1\$s"),
    "address_phone" to ("地址、电话（选填）" to "Address and phone (optional)"),
    "bank_name_optional" to ("开户银行（选填）" to "Bank (optional)"),
    "bank_account_optional" to ("银行账号（选填）" to "Account no. (optional)"),
    "use_as_default" to ("设为默认开票信息" to "Use by default"),
    "set_default" to ("设为默认" to "Make default"),
    "edit" to ("编辑" to "Edit"),
    "delete" to ("删除" to "Delete"),
    "delete_profile_title" to ("删除开票信息" to "Delete billing information"),
    "delete_confirm" to ("确定删除“%1\$s”吗？" to "Delete “%1\$s”?"),
    "bad_title" to ("请输入 2 至 100 个字的发票抬头" to "Enter the invoice title (2 to 100 characters)"),
    "bad_taxpayer_id" to (
        "纳税人识别号不正确，请核对 18 位统一社会信用代码" to
            "The taxpayer ID is wrong; check the 18-character unified social credit code"
        ),
    "bad_bank_account" to ("账号只能是 8 至 32 位数字" to "The account number must be 8 to 32 digits"),
    // 打款账户
    "payer_accounts" to ("打款账户" to "Payer accounts"),
    "payer_empty" to ("暂无打款账户" to "No payer accounts"),
    "payer_empty_hint" to (
        "支持公户和个人账户打款缴费，添加后请从这些账户转账" to
            "Company and personal accounts can pay; add them here and transfer from them"
        ),
    "payer_add" to ("添加打款账户" to "Add a payer account"),
    "payer_kind" to ("账户类型" to "Account type"),
    "payer_public" to ("公户" to "Company account"),
    "payer_personal" to ("个人账户" to "Personal account"),
    "holder_name" to ("户名" to "Account holder"),
    "account_no" to ("账号" to "Account no."),
    "bank_name" to ("开户银行" to "Bank"),
    "delete_payer_title" to ("删除打款账户" to "Delete payer account"),
    "bad_holder_name" to ("请输入 2 至 100 个字的户名" to "Enter the account holder (2 to 100 characters)"),
    "bad_bank_name" to ("请输入 2 至 100 个字的开户银行" to "Enter the bank (2 to 100 characters)"),
)
