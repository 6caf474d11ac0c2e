package cn.mcert.app.core

/**
 * The texts of the seal pages (印章管理, 申请印章, 申领, 用印授权, 用印审批), zh-CN and en: part of
 * [Texts]' one table.
 */
internal val sealTexts: Map<String, Pair<String, String>> = mapOf(
    "org_seals" to ("印章管理" to "Seals"),
    "seals_empty" to ("还没有印章" to "No seals yet"),
    "seals_empty_hint" to (
        "把印章盖在白纸上拍照申请，审核通过后用绑定证书的 PIN 码申领" to
            "Stamp the seal on white paper, photograph it and apply; once approved, claim it with its certificate's PIN"
        ),
    "seal_apply" to ("申请印章" to "Apply for a seal"),
    "seal_kind" to ("印章类型" to "Kind"),
    "seal_kind_official" to ("企业公章" to "Official seal"),
    "seal_kind_contract" to ("合同专用章" to "Contract seal"),
    "seal_kind_finance" to ("财务专用章" to "Finance seal"),
    "seal_kind_invoice" to ("发票专用章" to "Invoice seal"),
    "seal_kind_legal_representative" to ("法定代表人章" to "Legal representative's seal"),
    "seal_name" to ("印章名称" to "Name on the seal"),
    "seal_certificate" to ("绑定证书" to "Bound certificate"),
    "seal_photo" to ("印章照片" to "Photo of the seal"),
    "seal_photo_hint" to (
        "将印章盖在白纸上，光线均匀、正对拍摄；系统会去除纸张与阴影，只保留红色印迹" to
            "Stamp on white paper and photograph it straight on in even light; the paper and shadows are removed"
        ),
    "seal_take_photo" to ("请拍摄或选择印章照片" to "Take or pick a photo of the seal"),
    "seal_photo_ready" to ("已选择照片" to "Photo chosen"),
    "seal_make" to ("生成印章" to "Make the seal"),
    "seal_preview" to ("去底后的印章（确认后提交审核）" to "The cleaned seal (check it, then submit)"),
    "seal_submit" to ("提交审核" to "Submit for review"),
    "seal_claim" to ("申领" to "Claim"),
    "seal_claim_title" to ("输入绑定证书的 PIN 码申领印章" to "Enter the bound certificate's PIN to claim"),
    "seal_grants" to ("用印授权" to "Grants"),
    "seal_size" to ("%1\$d × %2\$d 毫米" to "%1\$d × %2\$d mm"),
    "seal_bad_name" to ("请输入 1 至 40 个字的印章名称" to "Enter the name on the seal (1 to 40 characters)"),
    "seal_pick_certificate" to ("请选择已下载的单位证书" to "Pick a downloaded organisation certificate"),
    "seal_no_certificate" to (
        "本单位还没有已下载的单位证书，请先在【证书管理】中下载" to
            "The organisation has no downloaded organisation certificate yet; download one under Certificates first"
        ),
    // 用印授权
    "grant_member" to ("授权给" to "Give to"),
    "grant_projects" to ("项目编号（多个用逗号分隔，不填为不限）" to "Project numbers (comma-separated; empty: any)"),
    "grant_from" to ("开始日期" to "From"),
    "grant_to" to ("结束日期" to "To"),
    "grant_approval" to ("每次用印需管理员审批" to "Each use approved by an admin"),
    "grant_do" to ("授权" to "Grant"),
    "grant_revoke" to ("撤销" to "Withdraw"),
    "grants_empty" to ("还没有授权" to "No grants yet"),
    "grant_pick_member" to ("请选择已登录的成员" to "Pick a member who has logged in"),
    "grant_bad_project" to ("项目编号只能包含字母、数字和 - _ . /，最长 40 位" to "Project numbers: letters, digits and - _ . /, up to 40"),
    "grant_bad_date" to ("日期请按 2025-01-31 的格式填写，结束日期不早于开始日期" to "Write dates as 2025-01-31, the end not before the start"),
    // 用印审批
    "seal_approvals" to ("用印审批" to "Seal approvals"),
    "approvals_empty" to ("没有待审批的用印" to "No uses to approve"),
    "approve" to ("同意" to "Approve"),
    "refuse" to ("拒绝" to "Refuse"),
    "approve_title" to ("输入您的单位证书 PIN 码同意用印" to "Enter your organisation certificate's PIN to approve"),
    "approve_no_certificate" to (
        "本机没有您在本单位的证书，不能审批用印" to
            "This phone holds none of your certificates of the organisation; you cannot approve"
        ),
    "project_code" to ("项目编号" to "Project no."),
    "approval_use" to ("%1\$s 申请用“%2\$s”签章" to "%1\$s asks to stamp with \"%2\$s\""),
    // 签章图片
    "signature_picture" to ("签章图片" to "Signature picture"),
    "signature_name_seal_hint" to (
        "“同意并使用姓名章”将以证书所属人姓名自动生成姓名章，立即生效；“同意并手写签名”在手机上书写或拍照上传，审核通过后生效" to
            "\"Agree and use the name seal\" makes a name seal from the certificate owner's name, in effect at once; \"Agree and write a signature\" lets you write on the phone or upload a photo, in effect once reviewed"
        ),
    "signature_agree" to ("同意并使用姓名章" to "Agree and use the name seal"),
    "signature_later" to ("暂不生成" to "Not now"),
    "signature_remake" to ("重新生成" to "Make it again"),
    "signature_ready_hint" to (
        "平台扫码签章时选择“个人签章”即可使用；证书补发后需重新生成" to
            "Pick \"Personal signature\" when a platform asks you to stamp; make it again after the certificate is reissued"
        ),
    "signature_open" to ("签章图片" to "Signature picture"),
    "signature_write" to ("同意并手写签名" to "Agree and write a signature"),
    "signature_pad_title" to ("请在下方区域内书写您的姓名" to "Write your name in the area below"),
    "signature_pad_hint" to (
        "也可以在白纸上用深色笔签名后拍照上传；手写签名经审核通过后生效" to
            "You can also sign on white paper with a dark pen and upload a photo; a handwritten signature takes effect once reviewed"
        ),
    "signature_pad_empty" to ("请先在书写区域内签名" to "Write your signature in the area first"),
    "signature_clear" to ("清除" to "Clear"),
    "signature_photo" to ("拍照上传" to "Upload a photo"),
    "signature_done" to ("完成" to "Done"),
    "signature_cancel" to ("取消" to "Cancel"),
    "signature_submit" to ("提交审核" to "Submit for review"),
    "signature_resubmit" to ("重新提交" to "Submit again"),
    "signature_rewrite" to ("重新书写" to "Write again"),
    "signature_draft_hint" to (
        "这是处理后的签名图片，确认清晰完整后提交审核" to
            "This is the cleaned signature picture; submit it for review once it looks clear and complete"
        ),
    "signature_pending_hint" to (
        "审核通过后生效，结果将以短信通知您；在此之前可继续使用姓名章" to
            "It takes effect once approved and you will be texted; until then the name seal can still be used"
        ),
    "signature_rejected_reason" to ("未通过原因：%1\$s" to "Rejected: %1\$s"),
    "signature_status_draft" to ("待提交" to "Not submitted"),
    "signature_status_pending_review" to ("待审核" to "Under review"),
    "signature_status_rejected" to ("未通过" to "Rejected"),
    "signature_status_active" to ("已生效" to "Active"),
    "signature_status_void" to ("已作废" to "Void"),
    "seals_hub_no_personal" to (
        "本机还没有可用的个人证书；下载个人证书后即可生成签章图片" to
            "No personal certificate on this phone yet; download one to make its signature picture"
        ),
    "seals_hub_no_org" to ("您还不是任何单位的成员" to "You are not a member of any organisation"),
)
