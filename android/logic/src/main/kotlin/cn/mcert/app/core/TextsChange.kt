package cn.mcert.app.core

/**
 * The texts of 【证书变更】 (seed 000 §6: the organisation's rename applied for by an admin, and
 * each holder's 【下载变更后的证书】) and of reading the old phone's move code with the camera,
 * zh-CN and en: part of [Texts]' one table. The ids are those of the iOS app's strings.
 */
internal val changeTexts: Map<String, Pair<String, String>> = mapOf(
    // 证书变更: the admin's application
    "org_change" to ("证书变更" to "Change of name"),
    "org_change_link_hint" to ("单位名称变更后，上传新的营业执照申请变更" to "The organisation was renamed: apply with the new business licence"),
    "org_change_hint" to (
        "单位名称发生变更后，可在此修改单位名称：填写变更后的单位全称并上传相关材料，提交后等待客服审核；审核通过后完成支付，单位证书持有人即可下载变更后的证书（同证书申请流程）。证书变更后，该单位的印章即作废，需要重新申请。" to
            "When the organisation's name has changed, apply here: enter the new full name and upload the materials; a reviewer checks them, then you pay, and the holders of the organisation's certificates download the changed certificates (as when applying). After the change, the organisation's seals are void and must be applied for again."
        ),
    "org_change_current_name" to ("当前单位名称" to "Current name"),
    "org_change_open_hint" to (
        "本单位已有一个证书变更正在审核或待支付，完成或取消后才能再次申请。" to
            "A change of this organisation is in review or waiting for payment; finish or cancel it before applying again."
        ),
    "org_change_orders" to ("本单位的证书变更" to "Changes of this organisation"),
    "org_change_new_name" to ("变更后的单位名称" to "New name"),
    "org_change_new_name_placeholder" to ("与新营业执照一致的单位全称" to "The full name on the new business licence"),
    "org_change_new_name_hint" to ("2 至 100 个字，须与新营业执照上的名称一致" to "2 to 100 characters, as on the new business licence"),
    "org_change_licence" to ("变更后的营业执照（必填）" to "New business licence (required)"),
    "org_change_others" to ("其他材料（选填）" to "Other materials (optional)"),
    "org_change_others_hint" to ("如《变更（备案）通知书》等名称变更证明，最多 4 个" to "Such as the registry's notice of the change; at most 4"),
    "org_change_remove_file" to ("删除" to "Remove"),
    "org_change_add_other" to ("添加材料" to "Add a file"),
    "org_change_submit" to ("提交变更申请" to "Submit the change"),
    "org_change_submitted" to ("变更申请已提交，等待客服审核" to "Change submitted for review"),
    "org_change_submitted_hint" to (
        "审核通过后会短信通知您，请在本页或【我的订单】的【待支付】中完成支付；若审核未通过，可在下方查看驳回原因。" to
            "You will be told by SMS once it is approved; then pay here or under “My orders” › “To pay”. If it is rejected, the reason shows below."
        ),
    "org_change_paid" to ("已支付，单位名称已变更" to "Paid: the organisation carries the new name"),
    "org_change_paid_hint" to (
        "本单位原有的印章已作废，需要重新申请。单位证书的持有人在【数字证书】中下载变更后的证书后，印章管理中会按新名称生成待提交的印章，核对后点【提交审核】。" to
            "The organisation's seals are void and must be applied for again. Once a holder has downloaded the changed certificate under “Certificates”, Seals lists drafts with the new name; check them and tap “Submit for review”."
        ),
    "org_change_seals_open" to ("印章管理" to "Seals"),
    "org_change_to_name" to ("变更为：%1\$s" to "New name: %1\$s"),
    "org_change_in_review" to ("客服审核中，审核通过后即可支付" to "In review; pay once it is approved"),
    "org_change_rejected_hint" to ("请核对材料后重新提交变更申请" to "Check the materials and submit the change again"),
    "org_change_completed" to ("单位名称已变更" to "The organisation was renamed"),
    // What the form refuses before the service is asked
    "org_change_open" to (
        "已有一个证书变更正在审核或待支付，请先完成或取消它" to
            "A change is already in review or waiting for payment; finish or cancel it first"
        ),
    "org_change_same_name" to ("新的单位名称与当前名称相同" to "The new name is the organisation's current name"),
    "org_change_pick_licence" to ("请上传变更后的营业执照" to "Upload the new business licence"),
    "org_change_too_many_files" to ("其他材料最多 4 个" to "At most 4 other materials"),
    "org_change_unpaid" to (
        "订单尚未支付完成；支付完成后单位名称即完成变更" to
            "The order is not paid yet; once it is, the organisation carries the new name"
        ),
    // 下载变更后的证书: each holder
    "org_change_download" to ("下载变更后的证书" to "Download the changed certificate"),
    "org_change_download_hint" to (
        "单位名称已变更。输入证书密码，即可下载载有新名称的证书：密钥和证书密码不变，原证书随即注销，此前加密的投标文件仍可解密。" to
            "The organisation was renamed. Enter the certificate PIN to download the certificate with the new name: the key and PIN stay the same, the old certificate is revoked, and bids sealed before still open."
        ),
    "org_change_new_org_name" to ("新单位名称" to "New name"),
    "org_change_pin_title" to ("输入证书密码，下载变更后的证书" to "Enter the certificate PIN to download the changed certificate"),
    "org_change_pin_notice" to (
        "单位名称已变更，请输入证书密码下载变更后的证书" to
            "The organisation was renamed; enter the certificate PIN to download the changed certificate"
        ),
    "org_change_busy" to ("正在下载变更后的证书…" to "Downloading the changed certificate…"),
    "org_change_done" to ("已下载变更后的证书" to "Changed certificate downloaded"),
    "org_change_done_hint" to ("新证书使用原来的密钥和证书密码，原证书已注销" to "The new certificate uses the same key and PIN; the old one is revoked"),
    "org_change_seals_void_title" to ("印章已作废，需要重新申请" to "Seals void: apply again"),
    "org_change_seals_void_admin" to (
        "证书变更后，原证书绑定的印章即作废。印章管理中已按新名称生成待提交的印章，请核对后点【提交审核】，审核通过后重新申领。" to
            "After the change, the seals bound to the old certificate are void. Seals lists drafts with the new name: check them and tap “Submit for review”, then claim them once approved."
        ),
    "org_change_seals_void_user" to (
        "证书变更后，原证书绑定的印章即作废，请联系单位证书管理员重新申请印章。" to
            "After the change, the seals bound to the old certificate are void; ask a certificate admin of the organisation to apply for them again."
        ),
    "org_change_refused" to ("暂不能下载变更后的证书" to "The changed certificate cannot be downloaded here"),
    "org_change_not_here" to (
        "该证书的密钥不在本机，请在保存证书的手机上下载变更后的证书，或先办理证书补办" to
            "This certificate's key is not on this phone: download the changed certificate on the phone that holds it, or have it reissued first"
        ),
    "org_change_due_banner" to ("单位名称已变更为“%1\$s”" to "The organisation is now “%1\$s”"),
    "org_change_due_banner_hint" to (
        "请点此输入证书密码，下载变更后的证书" to
            "Tap to enter the certificate PIN and download the changed certificate"
        ),
    "org_change_due_hint" to (
        "单位名称已变更为“%1\$s”，请下载变更后的证书" to
            "The organisation is now “%1\$s”: download the changed certificate"
        ),
    // 从旧手机迁移: the move code by camera or from a picture
    "migration_scan" to ("扫描迁移二维码" to "Scan the move code"),
    "migration_scan_hint" to ("将旧手机上的迁移二维码放入框内" to "Point the camera at the QR code on the old phone"),
    "migration_scan_picture" to ("识别图片中的二维码" to "Read the code from a picture"),
    "migration_reading" to ("正在识别…" to "Reading…"),
    "migration_or_paste" to ("或输入 / 粘贴迁移码" to "Or type / paste the move code"),
)
