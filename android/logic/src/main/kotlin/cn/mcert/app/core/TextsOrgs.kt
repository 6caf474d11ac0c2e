package cn.mcert.app.core

/**
 * The texts of the organisation pages (我的单位, CA 授权, 申请单位证书, 单位成员授权, 证书管理,
 * 待申领的证书, the organisation's usage records), zh-CN and en: part of [Texts]' one table.
 */
internal val orgTexts: Map<String, Pair<String, String>> = mapOf(
    // 我的单位
    "my_orgs" to ("我的单位" to "My organisations"),
    "orgs_empty" to ("还没有加入任何单位" to "You belong to no organisation yet"),
    "orgs_empty_hint" to (
        "注册单位并完成 CA 授权后即可申请单位证书；单位已有证书管理员的，请联系管理员把您添加为成员" to
            "Register your organisation and complete its CA authorisation to apply for its certificates; " +
            "if it already has a certificate admin, ask them to add you"
        ),
    "org_register" to ("注册单位" to "Register an organisation"),
    "claims_notice" to ("%1\$d 张单位证书待申领" to "%1\$d organisation certificate(s) to claim"),
    "claims_notice_hint" to ("证书管理员已把证书分配给您" to "A certificate admin assigned them to you"),
    "go_claim" to ("去申领" to "Claim"),
    // 注册单位
    "org_name" to ("单位名称" to "Organisation name"),
    "legal_rep_name" to ("法定代表人姓名" to "Legal representative"),
    "legal_rep_id" to ("法定代表人身份证号" to "Legal representative's ID number"),
    "applicant_relation" to ("申请人身份" to "You are"),
    "relation_rep" to ("法定代表人本人" to "The legal representative"),
    "relation_agent" to ("经办人" to "An agent"),
    "org_register_hint" to (
        "注册后您将成为本单位的证书管理员，可以进行 CA 授权、申请证书和单位成员授权" to
            "You become the organisation's certificate admin: you authorise it, apply for certificates and grant members"
        ),
    "submit" to ("提交" to "Submit"),
    "bad_org_name" to ("请输入 2 至 100 个字的单位名称" to "Enter the organisation's name (2 to 100 characters)"),
    "bad_credit_code" to ("统一社会信用代码不正确，请核对 18 位代码" to "The unified social credit code is wrong; check its 18 characters"),
    "bad_person_name" to ("请输入 2 至 30 个字的姓名" to "Enter a name of 2 to 30 characters"),
    "bad_id_number" to ("身份证号不正确，请核对 18 位号码" to "The ID number is wrong; check its 18 characters"),
    "bad_email" to ("邮箱格式不正确" to "The e-mail address is not valid"),
    "bad_date" to ("日期请按 2025-01-31 的格式填写" to "Write dates as 2025-01-31"),
    // States, in the app's language (the service's labels are zh-CN)
    "auth_none" to ("未授权" to "Not authorised"),
    "auth_pending_review" to ("审核中" to "In review"),
    "auth_approved" to ("已授权" to "Authorised"),
    "auth_rejected" to ("未通过" to "Rejected"),
    "slot_unassigned" to ("未分配" to "Not assigned"),
    "slot_assigned" to ("未使用" to "Not used yet"),
    "slot_issued" to ("已使用" to "In use"),
    "slot_expired" to ("已过期" to "Expired"),
    "slot_revoked" to ("已吊销" to "Revoked"),
    // 单位信息
    "org_detail" to ("单位信息" to "Organisation"),
    "legal_rep" to ("法定代表人" to "Legal representative"),
    "legal_rep_line" to ("法定代表人  %1\$s（%2\$s）" to "Legal representative  %1\$s (%2\$s)"),
    "ca_authorisation" to ("CA 授权" to "CA authorisation"),
    "authorise_first" to ("请先进行 CA 授权，授权通过后才能申请证书" to "Complete the CA authorisation first; then you can apply for certificates"),
    "go_authorise" to ("去授权" to "Authorise"),
    "view_progress" to ("查看进度" to "Progress"),
    "org_apply" to ("申请单位证书" to "Apply for certificates"),
    "org_members" to ("单位成员授权" to "Members"),
    "org_certificates" to ("证书管理" to "Certificate slots"),
    "claims" to ("待申领的证书" to "Certificates to claim"),
    "user_role_hint" to (
        "您是本单位的证书使用人，无授权管理权限。如需申请或分配证书，请联系证书管理员" to
            "You are a certificate user here and cannot grant. Ask a certificate admin to apply for or assign certificates"
        ),
    "admin_only" to ("只有单位的证书管理员可以这样操作" to "Only a certificate admin of the organisation can do this"),
    // CA 授权
    "progress" to ("审批进度" to "Progress"),
    "auth_letter" to ("上传授权书" to "Upload the letter"),
    "auth_face" to ("法人人脸识别" to "Legal rep's face check"),
    "letter_step1" to (
        "下载模板，打印后由法定代表人签字并加盖单位公章" to
            "Download the template, print it, have the legal representative sign it and stamp it with the company seal"
        ),
    "letter_step2" to ("将盖章签字后的授权书拍照或扫描后上传" to "Photograph or scan the signed, stamped letter and upload it"),
    "download_template" to ("下载模板" to "Download template"),
    "template_saved" to ("模板已保存" to "Template saved"),
    "template_not_saved" to ("模板未保存" to "Template not saved"),
    "pick_file" to ("选择照片或 PDF" to "Choose a photo or PDF"),
    "picked_file" to ("已选择：%1\$s（%2\$s）" to "Chosen: %1\$s (%2\$s)"),
    "pick_letter_first" to ("请先选择盖章签字后的授权书" to "Choose the signed, stamped letter first"),
    "submit_application" to ("提交申请" to "Submit"),
    "face_hint" to (
        "请法定代表人本人完成人脸识别，通过后立即授权" to
            "The legal representative takes the face check in person; the authorisation is immediate when it passes"
        ),
    "legal_rep_phone" to ("法定代表人手机号" to "Legal representative's mobile"),
    "face_submit" to ("法人人脸识别并提交" to "Face check and submit"),
    "auth_pending_hint" to ("授权书已提交，客服审核通过后会短信通知您" to "The letter is in review; you will be told by SMS"),
    "auth_approved_hint" to ("本单位已完成 CA 授权，可以申请单位证书" to "The organisation is authorised: you can apply for certificates"),
    "file_empty" to ("文件为空" to "The file is empty"),
    "file_too_large" to ("文件不能超过 5 MB" to "Files may be at most 5 MB"),
    "file_type" to ("只支持 JPG、PNG 图片或 PDF 文件" to "Only JPG or PNG pictures and PDF files"),
    // 申请单位证书
    "materials" to ("申请材料" to "Materials"),
    "business_licence" to ("营业执照" to "Business licence"),
    "licence_hint" to ("请上传清晰的营业执照照片或扫描件" to "Upload a clear photo or scan of the business licence"),
    "pick_licence_first" to ("请先上传营业执照" to "Upload the business licence first"),
    "org_apply_submitted" to (
        "已提交，等待客服审核。审核通过后会短信通知您，请在【我的订单】中完成支付" to
            "Submitted for review. You will be told by SMS; then pay under “My orders”"
        ),
    "org_applications" to ("本单位的申请" to "The organisation's applications"),
    "resubmit" to ("修改后重新提交" to "Fix and resubmit"),
    "resubmit_hint" to ("请按驳回原因重新上传材料后再次提交" to "Upload new materials as the reason asks, then resubmit"),
    // 单位成员授权
    "add_member" to ("添加成员" to "Add a member"),
    "role" to ("角色" to "Role"),
    "role_admin" to ("证书管理员" to "Certificate admin"),
    "role_user" to ("证书使用人" to "Certificate user"),
    "role_admin_hint" to ("可以为成员授权、分配证书、查看全部使用记录" to "Grants members, assigns certificates, sees every record"),
    "role_user_hint" to ("可以申领并使用分配给自己的证书" to "Claims and uses the certificates assigned to them"),
    "make_admin" to ("设为管理员" to "Make admin"),
    "make_user" to ("设为使用人" to "Make user"),
    "remove" to ("移除" to "Remove"),
    "remove_title" to ("移除成员" to "Remove member"),
    "remove_confirm" to (
        "确定移除 %1\$s 吗？移除后该成员将不能再申领本单位的证书" to
            "Remove %1\$s? They will no longer claim the organisation's certificates"
        ),
    "cancel" to ("取消" to "Cancel"),
    "not_logged_in" to ("尚未登录" to "Not logged in yet"),
    "member_add_hint" to (
        "成员用该手机号登录后，可在【证书】-【待申领的证书】中申领分配给他的证书" to
            "Once they log in with this number, members claim their certificates under Certificates › Certificates to claim"
        ),
    "users_cannot_grant" to ("证书使用人无法对新成员授权" to "Certificate users cannot grant members"),
    // 证书管理
    "slot_owner" to ("所属人：%1\$s" to "Owner: %1\$s"),
    "not_assigned" to ("暂未分配" to "Not assigned"),
    "purchased_at" to ("购买日期" to "Purchased"),
    "cert_status" to ("证书状态" to "Status"),
    "years_from_download" to ("%1\$d 年（自下载起计算）" to "%1\$d yr from download"),
    "set_owner" to ("设置所属人员" to "Set the owner"),
    "change_holder" to ("修改持有人" to "Change holder"),
    "choose_holder" to ("选择持有人" to "Choose the holder"),
    "holder_confirm" to ("确定把持有人改为 %1\$s 吗？" to "Make %1\$s the holder?"),
    "holder_revoke_warning" to (
        "%1\$s 已下载的证书将被吊销且无法恢复，新持有人需重新申领下载" to
            "The certificate %1\$s downloaded will be revoked for good; the new holder downloads a new one"
        ),
    "org_certs_empty" to ("暂无证书" to "No certificates yet"),
    "org_certs_empty_hint" to (
        "单位申请审核通过并支付后，证书会显示在这里，由您分配给成员" to
            "Once an application is approved and paid, its certificates show here for you to assign"
        ),
    // 设置所属人员信息
    "owner_form" to ("设置所属人员信息" to "The certificate's owner"),
    "id_type" to ("证件类型" to "Document"),
    "id_type_resident" to ("居民身份证" to "Resident ID card"),
    "owner_name" to ("所属人员" to "Owner's name"),
    "email" to ("邮箱（选填）" to "E-mail (optional)"),
    "owner_note" to (
        "证书所属人员是证书证件信息的归属者，持有人是证书的实际使用者。所属人一经设置无法修改，请谨慎操作" to
            "The owner is the person the certificate names; the holder is who uses it. The owner cannot be changed once set"
        ),
    "owner_confirm" to (
        "确定要提交吗？个人证书的所属人员请务必填写本人姓名，否则证书在导入后会无法使用" to
            "Submit? A personal certificate's owner must be named correctly, or the certificate cannot be used"
        ),
    "save" to ("保存" to "Save"),
    "no_holder" to ("暂不选择" to "Later"),
    // 使用记录 of the organisation
    "filter_member" to ("成员" to "Member"),
    "filter_certificate" to ("证书" to "Certificate"),
    "op_login" to ("扫码登录" to "Log in"),
    "op_sign" to ("文件签名" to "Sign"),
    "op_decrypt" to ("开标解密" to "Open bid"),
    "op_stamp" to ("电子签章" to "Stamp"),
    "org_usage_empty_hint" to (
        "用单位的证书扫码登录、签名或解密后，记录会显示在这里" to
            "Logins, signatures and decryptions with the organisation's certificates show here"
        ),
    // 待申领的证书
    "claims_empty" to ("暂无待申领的证书" to "No certificates to claim"),
    "claims_empty_hint" to ("证书管理员把单位证书分配给您后，会显示在这里" to "Certificates an admin assigns to you show here"),
    "claim" to ("申领" to "Claim"),
    "claim_title" to ("申领证书" to "Claim a certificate"),
)
