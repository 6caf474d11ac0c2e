package cn.mcert.app.core

/**
 * The texts of 【证书延期】, of moving a certificate to a new phone (【迁移到新手机】 on the old
 * phone, 【从旧手机迁移】 on the new one) and of the signature picture to upload again after a
 * certificate was replaced, zh-CN and en: part of [Texts]' one table.
 */
internal val lifeTexts: Map<String, Pair<String, String>> = mapOf(
    // 证书延期
    "renewal" to ("证书延期" to "Renew certificate"),
    "renewal_hint" to (
        "证书有效期最后 3 个月内可办理延期：选择延期的期限，完成支付后输入证书密码，即可下载延期后的证书。密钥不变，原证书随即注销，此前加密的投标文件仍可解密。" to
            "In the last 3 months of its validity a certificate can be renewed: choose the period, pay, then enter the certificate PIN to download the renewed certificate. The key stays the same, the old certificate is revoked, and bids sealed before still open."
        ),
    "renewal_org_hint" to (
        "单位证书使用单位已购买证书套餐中未使用的证书延期，无需支付；确认后输入证书密码即可下载延期后的证书。" to
            "An organisation's certificate is renewed with an unused certificate of the organisation's package, with nothing to pay; confirm, then enter the certificate PIN to download the renewed certificate."
        ),
    "renewal_expiring" to ("证书将于 %1\$s 到期，现在可以办理延期" to "Expires on %1\$s: it can be renewed now"),
    "renewal_waiting_download" to ("延期已办理，请下载延期后的证书" to "Renewed: download the renewed certificate"),
    "renewal_current_until" to ("当前有效期至" to "Valid until"),
    "renewal_new_until" to ("延期后有效期至" to "Renewed until"),
    "renewal_period" to ("延期期限" to "Renew for"),
    "renewal_estimate" to ("预计金额" to "Estimated amount"),
    "renewal_order" to ("提交延期订单" to "Place renewal order"),
    "renewal_order_placed" to ("延期订单已提交，请完成支付" to "Renewal order placed; please pay"),
    "renewal_change_period" to ("修改期限" to "Change period"),
    "renewal_use_package" to ("使用单位套餐延期" to "Renew from the package"),
    "renewal_pin_title" to ("输入证书密码，下载延期后的证书" to "Enter the certificate PIN to download the renewed certificate"),
    "renewal_paid" to ("已支付，请输入证书密码下载延期后的证书" to "Paid; enter the certificate PIN to download the renewed certificate"),
    "renewal_taken" to ("已使用单位套餐中的证书，请输入证书密码下载延期后的证书" to "A certificate of the organisation's package is used; enter the certificate PIN to download the renewed certificate"),
    "renewal_busy" to ("正在下载延期后的证书…" to "Downloading the renewed certificate…"),
    "renewal_done" to ("证书已延期" to "Certificate renewed"),
    "renewal_done_serial" to ("新证书序列号" to "New serial"),
    "renewal_done_hint" to (
        "延期后的证书使用原来的密钥和证书密码，原证书已注销" to
            "The renewed certificate keeps the key and the PIN; the old certificate is revoked"
        ),
    "renewal_not_yet" to (
        "证书有效期最后 3 个月内才能办理延期，%1\$s 起可办理" to
            "A certificate can be renewed in the last 3 months of its validity, from %1\$s"
        ),
    "renewal_ask_admin_title" to ("暂时无法延期" to "Cannot be renewed now"),
    "renewal_ask_admin_hint" to (
        "单位证书管理员购买证书套餐并完成支付后，再点【证书延期】即可完成延期。" to
            "Once the organisation's certificate admin buys a certificate package and pays, tap “Renew certificate” again."
        ),
    "renewal_not_here" to (
        "该证书的密钥不在本机，请在保存证书的手机上办理延期，或先办理证书补办" to
            "This certificate's key is not on this phone: renew it on the phone that holds it, or have it reissued first"
        ),
    "renewal_period_ended" to (
        "证书有效期已结束，无法延期，请重新申请证书" to
            "The certificate's period has ended and cannot be renewed; apply for a new certificate"
        ),
    "renewal_unknown" to ("未找到该证书，请刷新证书列表后重试" to "The certificate was not found; refresh the list and try again"),
    // 迁移到新手机 (the old phone)
    "migration_out" to ("迁移到新手机" to "Move to a new phone"),
    "migration_out_hint" to (
        "用新手机登录同一手机号，在【数字证书】中点【从旧手机迁移】，扫描下面的二维码（或点【复制迁移码】发送到新手机后粘贴）。两部手机显示的确认码一致后，在本机输入证书密码确认。迁移完成后本机将删除该证书的密钥。" to
            "Log in on the new phone with the same number, tap “Move from the old phone” under Certificates, and scan the QR code below (or tap “Copy code” to send it to the new phone and paste it there). When both phones show the same confirmation code, confirm here with the certificate PIN. This phone then deletes the certificate's keys."
        ),
    "migration_qr_label" to ("迁移码" to "Move code"),
    "migration_copy" to ("复制迁移码" to "Copy code"),
    "migration_copied" to ("迁移码已复制" to "Code copied"),
    "migration_expires" to ("有效期至 %1\$s" to "Valid until %1\$s"),
    "migration_waiting_new" to ("等待新手机扫码…" to "Waiting for the new phone…"),
    "migration_code" to ("确认码" to "Confirmation code"),
    "migration_code_check" to (
        "请核对新手机上显示的确认码与本机一致；一致后输入证书密码确认迁移。不一致请取消。" to
            "Check that the new phone shows the same confirmation code, then confirm with the certificate PIN. If it differs, cancel."
        ),
    "migration_approve" to ("确认码一致，确认迁移" to "Codes match: move"),
    "migration_approve_pin" to ("输入证书密码，确认迁移到新手机" to "Enter the certificate PIN to move it to the new phone"),
    "migration_cancel" to ("取消迁移" to "Cancel move"),
    "migration_out_done" to ("证书已迁移到新手机" to "Certificate moved to the new phone"),
    "migration_out_done_hint" to (
        "本机已删除该证书的密钥；在新手机上使用证书时请输入新设置的证书密码。" to
            "This phone deleted the certificate's keys; on the new phone use the PIN chosen there."
        ),
    "migration_cancelled" to ("迁移已取消" to "Move cancelled"),
    "migration_expired" to ("迁移码已过期，请重新迁移" to "The move code expired; start the move again"),
    "migration_again" to ("重新迁移" to "Start again"),
    "migration_status_value" to ("迁移状态：%1\$s" to "Status: %1\$s"),
    // 从旧手机迁移 (the new phone)
    "migration_in" to ("从旧手机迁移" to "Move from the old phone"),
    "migration_in_hint" to (
        "在旧手机的证书详情中点【迁移到新手机】，旧手机会显示迁移二维码。请在这里扫描该二维码（或输入、粘贴迁移码），并为本机设置新的证书密码。无需重新实名认证。" to
            "On the old phone open the certificate and tap “Move to a new phone”: it shows a move QR code. Scan it here (or type or paste the code) and choose a new PIN for this phone. No new real-name check is needed."
        ),
    "migration_in_notice" to ("本机还没有可用的证书" to "No usable certificate on this phone"),
    "migration_in_notice_hint" to (
        "旧手机上的证书可直接迁移到本机" to
            "Move the certificate from your old phone to this one"
        ),
    "migration_code_input" to ("迁移码" to "Move code"),
    "migration_code_placeholder" to ("mcert-move.1.…" to "mcert-move.1.…"),
    "migration_paste" to ("粘贴" to "Paste"),
    "migration_next" to ("下一步" to "Next"),
    "migration_bad_code" to (
        "这不是迁移码，请核对旧手机上显示的迁移码" to
            "That is not a move code; check the code the old phone shows"
        ),
    "migration_paste_hint" to (
        "可在旧手机上点【复制迁移码】，发送到本机后点【粘贴】" to
            "On the old phone tap “Copy code”, send it to this phone and tap “Paste”"
        ),
    "migration_in_pin" to ("为本机的证书设置 6 位证书密码" to "Choose a 6-digit PIN for the certificate on this phone"),
    "migration_in_busy" to ("正在生成密钥并提交…" to "Making the key and asking…"),
    "migration_in_waiting" to ("请在旧手机上核对确认码并输入证书密码确认" to "On the old phone, check the code and confirm with the PIN"),
    "migration_in_waiting_hint" to (
        "两部手机的确认码一致时才能确认；本页面将自动完成迁移。" to
            "Confirm only when both phones show the same code; this page finishes by itself."
        ),
    "migration_in_done" to ("证书已迁移到本机" to "Certificate moved to this phone"),
    "migration_in_done_hint" to (
        "原手机上的证书已注销；此前加密的投标文件仍可在本机解密。" to
            "The certificate on the old phone is revoked; bids sealed before still open on this phone."
        ),
    "migration_in_ended" to ("迁移未完成" to "The move did not finish"),
    "migration_keys_restored" to (
        "加密证书的密钥已恢复（%1\$d 个）" to
            "Encryption keys restored (%1\$d)"
        ),
    // After a certificate was replaced: the personal signature picture again
    "signature_again_title" to ("请重新上传签章图片" to "Upload the signature picture again"),
    "signature_again_hint" to (
        "原签章图片已随原证书作废，新证书需要重新上传签章图片后才能用于文件签章。" to
            "The old signature picture was voided with the old certificate; upload one for the new certificate before stamping documents."
        ),
    "signature_again" to ("签章图片" to "Signature picture"),
)
