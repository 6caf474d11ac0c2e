package cn.mcert.app.desktop

import cn.mcert.app.core.AppError
import cn.mcert.app.core.Seal
import cn.mcert.app.core.SealApproval
import cn.mcert.app.core.SealCore
import cn.mcert.app.core.SealForm
import cn.mcert.app.core.SealGrant
import cn.mcert.app.core.SealGrantForm
import cn.mcert.app.core.PersonalSignature
import cn.mcert.app.core.SignatureNotice
import cn.mcert.app.core.SignaturePad
import java.awt.BasicStroke
import java.awt.Color
import java.awt.RenderingHints
import java.awt.image.BufferedImage
import java.io.ByteArrayOutputStream
import javax.imageio.ImageIO

/**
 * The seal side of the fake core: seals, grants and approvals kept in memory and moved as the
 * service moves them (labels in zh-CN as the service sends them); [goodPin] claims and approves.
 */
class FakeSealCore(private val calls: MutableList<String>) : SealCore {
    var seals = SealSamples.seals.toMutableList()
    var grants = mutableListOf<SealGrant>()
    var approvals = SealSamples.approvals.toMutableList()
    var goodPin = "246810"

    private fun label(status: String) = when (status) {
        "draft" -> "待提交"
        "pending_review" -> "待审核"
        "approved" -> "已通过"
        "rejected" -> "未通过"
        "claimed" -> "已申领"
        else -> "已作废"
    }

    private fun move(sealId: String, status: String): Seal {
        val i = seals.indexOfFirst { it.id == sealId }
        if (i < 0) throw AppError("unknown_seal", "没有这枚印章")
        seals[i] = seals[i].copy(status = status, statusLabel = label(status))
        return seals[i]
    }

    private fun checkPin(pin: String) {
        if (pin != goodPin) throw AppError("wrong_pin", "证书密码错误，还可尝试 4 次", triesLeft = 4)
    }

    override suspend fun seals(orgId: String): List<Seal> {
        calls += "seals"
        return seals.toList()
    }

    override suspend fun applySeal(orgId: String, form: SealForm): Seal {
        calls += "applySeal:${form.kind.wire}"
        val seal = Seal(
            "s${seals.size + 1}", form.kind.wire, "企业公章", form.name, "draft", "待提交",
            "7C21D0E4A9B3F115", 42, 42, null, null,
        )
        seals.add(0, seal)
        return seal
    }

    override suspend fun sealPicture(orgId: String, sealId: String) = SealSamples.picture
    override suspend fun submitSeal(orgId: String, sealId: String) = move(sealId, "pending_review").also { calls += "submitSeal:$sealId" }
    override suspend fun claimSeal(orgId: String, sealId: String, serial: String, pin: String): Seal {
        checkPin(pin)
        calls += "claimSeal:$sealId:$serial"
        return move(sealId, "claimed")
    }

    override suspend fun sealGrants(orgId: String, sealId: String) = grants.toList()
    override suspend fun grantSeal(orgId: String, sealId: String, form: SealGrantForm): SealGrant {
        calls += "grantSeal:${form.memberId}:${form.projects.joinToString("|")}:${form.approvalRequired}"
        val limits = listOfNotNull(
            if (form.projects.isEmpty()) "不限项目" else "仅限项目 ${form.projects.joinToString("、")}",
            "${form.validFrom} 至 ${form.validTo}",
            "每次用印需管理员审批".takeIf { form.approvalRequired },
        ).joinToString("；")
        val grant = SealGrant(
            "g${grants.size + 1}", "李工", "44C68F900630356B", form.projects, form.validFrom, form.validTo,
            form.approvalRequired, "active", "有效", limits,
        )
        grants.add(grant)
        return grant
    }

    override suspend fun revokeSealGrant(orgId: String, sealId: String, grantId: String): SealGrant {
        calls += "revokeSealGrant:$grantId"
        val i = grants.indexOfFirst { it.id == grantId }
        grants[i] = grants[i].copy(status = "revoked", statusLabel = "已撤销")
        return grants[i]
    }

    override suspend fun sealApprovals(orgId: String) = approvals.toList()
    override suspend fun approveSealUse(orgId: String, approvalId: String, serial: String, pin: String): SealApproval {
        checkPin(pin)
        calls += "approveSealUse:$approvalId:$serial"
        return decide(approvalId, "approved", "已同意")
    }

    override suspend fun refuseSealUse(orgId: String, approvalId: String): SealApproval {
        calls += "refuseSealUse:$approvalId"
        return decide(approvalId, "refused", "已拒绝")
    }

    var personalSignatures = mutableListOf<PersonalSignature>()
    var noticeVersion = "2026-12"

    override suspend fun signatureNotice() = SignatureNotice(noticeVersion, "签章图片告知函", SealSamples.noticeParagraphs)
    override suspend fun signatures() = personalSignatures.toList()
    override suspend fun makeNameSeal(serial: String, noticeVersion: String): PersonalSignature {
        if (noticeVersion != this.noticeVersion) throw AppError("notice_not_agreed", "请先阅读并同意最新的签章图片告知函")
        calls += "makeNameSeal:$serial"
        personalSignatures.replaceAll {
            if (it.certificateSerial == serial && it.status == "active") it.copy(status = "void", statusLabel = "已作废", voidReason = "replaced") else it
        }
        val made = PersonalSignature("sig${personalSignatures.size + 1}", serial, "自动生成的姓名章", "张三", "active", "已生效", null)
        personalSignatures.add(0, made)
        return made
    }
    override suspend fun drawSignature(serial: String, noticeVersion: String, pad: SignaturePad): PersonalSignature {
        if (noticeVersion != this.noticeVersion) throw AppError("notice_not_agreed", "请先阅读并同意最新的签章图片告知函")
        calls += "drawSignature:$serial:${pad.strokes.size}"
        return handwritten(serial, "drawn", "手写签名（手机书写）")
    }
    override suspend fun photoSignature(serial: String, noticeVersion: String, photo: ByteArray): PersonalSignature {
        calls += "photoSignature:$serial:${photo.size}"
        return handwritten(serial, "photo", "手写签名（拍照上传）")
    }
    override suspend fun submitSignature(id: String): PersonalSignature {
        calls += "submitSignature:$id"
        val i = personalSignatures.indexOfFirst { it.id == id }
        personalSignatures[i] = personalSignatures[i].copy(status = "pending_review", statusLabel = "待审核", rejectReason = null)
        return personalSignatures[i]
    }
    private fun handwritten(serial: String, source: String, label: String): PersonalSignature {
        val made = PersonalSignature("sig${personalSignatures.size + 1}", serial, label, "张三", "draft", "待提交", null, source)
        personalSignatures.add(0, made)
        return made
    }
    override suspend fun signaturePicture(id: String) =
        if (personalSignatures.firstOrNull { it.id == id }?.handwritten == true) SealSamples.handwriting else SealSamples.nameSeal

    private fun decide(id: String, status: String, label: String): SealApproval {
        val i = approvals.indexOfFirst { it.id == id }
        approvals[i] = approvals[i].copy(status = status, statusLabel = label)
        return approvals[i]
    }
}

object SealSamples {
    val seals = listOf(
        Seal("s1", "official", "企业公章", "青海能源集团有限公司", "claimed", "已申领", "7C21D0E4A9B3F115", 42, 42, null, null),
        Seal("s2", "contract", "合同专用章", "青海能源集团有限公司", "approved", "已通过", "7C21D0E4A9B3F115", 40, 40, null, null),
        Seal("s3", "finance", "财务专用章", "青海能源集团有限公司", "rejected", "未通过", "7C21D0E4A9B3F115", 38, 38, "印章图像不清晰", null),
    )
    val approvals = listOf(
        SealApproval(
            "a1", "sess1", "s1", "青海能源集团有限公司", "李工", "青海能源集团数字招采平台",
            "某水电站工程施工总承包", "FZ-2026-0815", "投标文件.pdf", "pending", "待审批", "2026-12-02T02:00:00Z",
        ),
    )

    val noticeParagraphs = listOf(
        "签章图片是您在电子文件上签章时显示的图样，与您的个人数字证书绑定，只能由证书持有人在输入证书 PIN 码后使用。",
        "签章图片可选两种：手写签名（在手机上书写，或在白纸上签名后拍照上传），经审核通过后生效；或自动生成的姓名章，以证书所属人姓名生成，立即生效。使用签章图片签署的电子文件与您亲笔签名或盖章具有同等效力，请妥善保管手机与 PIN 码，勿交他人使用。",
        "证书补发、吊销或更换后，原签章图片随之作废，请重新生成。",
        "点击“同意”即表示您已阅读并理解上述内容。",
    )

    /** A square red frame with four bars, as the service's name seals are laid out. */
    /** A handwritten signature as the service cleans it: dark strokes on transparency, 3:1. */
    val handwriting: ByteArray by lazy {
        val img = BufferedImage(600, 200, BufferedImage.TYPE_INT_ARGB)
        val g = img.createGraphics()
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON)
        g.color = Color(26, 26, 26)
        g.stroke = BasicStroke(9f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND)
        val xs = (0..60).map { 20 + it * 5 }
        g.drawPolyline(xs.toIntArray(), xs.map { (100 + 55 * Math.sin(it / 30.0)).toInt() }.toIntArray(), xs.size)
        g.drawPolyline(intArrayOf(360, 420, 480, 560), intArrayOf(40, 170, 50, 160), 4)
        g.dispose()
        val out = ByteArrayOutputStream()
        ImageIO.write(img, "png", out)
        out.toByteArray()
    }
    val nameSeal: ByteArray by lazy {
        val img = BufferedImage(236, 236, BufferedImage.TYPE_INT_ARGB)
        val g = img.createGraphics()
        g.color = Color(214, 24, 31)
        g.stroke = BasicStroke(15f)
        g.drawRect(12, 12, 212, 212)
        for ((x, y) in listOf(130 to 40, 130 to 130, 40 to 40, 40 to 130)) g.fillRect(x, y, 66, 66)
        g.dispose()
        ByteArrayOutputStream().also { ImageIO.write(img, "png", it) }.toByteArray()
    }

    /** A red ring and star on transparency, as the service's cleaned pictures look. */
    val picture: ByteArray by lazy {
        val img = BufferedImage(240, 240, BufferedImage.TYPE_INT_ARGB)
        val g = img.createGraphics()
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON)
        g.color = Color(200, 30, 40)
        g.stroke = BasicStroke(10f)
        g.drawOval(12, 12, 216, 216)
        val xs = IntArray(10) { i -> (120 + (if (i % 2 == 0) 60 else 24) * Math.sin(Math.PI * i / 5)).toInt() }
        val ys = IntArray(10) { i -> (120 - (if (i % 2 == 0) 60 else 24) * Math.cos(Math.PI * i / 5)).toInt() }
        g.fillPolygon(xs, ys, 10)
        g.dispose()
        ByteArrayOutputStream().also { ImageIO.write(img, "png", it) }.toByteArray()
    }
}
