package cn.mcert.app

import cn.mcert.app.bridge.FfiCertCore
import cn.mcert.app.core.AppError
import cn.mcert.app.core.IdType
import cn.mcert.app.core.IdentityForm
import cn.mcert.app.core.KeyAlgorithm
import cn.mcert.app.core.Organisation
import cn.mcert.app.core.PadPoint
import cn.mcert.app.core.PickedFile
import cn.mcert.app.core.Relation
import cn.mcert.app.core.Role
import cn.mcert.app.core.Subject
import cn.mcert.app.core.Texts
import cn.mcert.app.state.AuthorisationModel
import cn.mcert.app.state.CertificatesModel
import cn.mcert.app.state.ClaimsModel
import cn.mcert.app.state.MembersModel
import cn.mcert.app.state.OrdersModel
import cn.mcert.app.state.OrgApplyModel
import cn.mcert.app.state.OrgChangeModel
import cn.mcert.app.state.OrgCertificatesModel
import cn.mcert.app.state.OrgUsageModel
import cn.mcert.app.state.OrgsModel
import cn.mcert.app.state.PinEntryModel
import cn.mcert.app.state.RegisterOrgModel
import cn.mcert.app.state.RenewalModel
import cn.mcert.app.state.ScanModel
import cn.mcert.app.state.SealsModel
import cn.mcert.app.state.SignatureModel
import cn.mcert.app.state.productText
import cn.mcert.ffi.McertApp
import java.awt.image.BufferedImage
import java.io.ByteArrayOutputStream
import java.io.File
import java.nio.file.Files
import javax.imageio.ImageIO
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.MethodOrderer
import org.junit.jupiter.api.Order
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.TestMethodOrder
import org.junit.jupiter.api.assertThrows

/**
 * The organisation pages' state holders walked as an admin and a colleague would, through the
 * generated bindings and the real core, against a real development service, with a reviewer
 * deciding in the service's web console ([ReviewerConsole]): registration, the CA authorisation
 * by letter (template, photo, rejected with a reason, sent again, approved) and by the legal
 * representative's face, the application with its licence (rejected, resubmitted, approved,
 * paid), members and roles and what a certificate user may not do, the slots (the applicant
 * claims the organisation certificate, the owner is set once, a colleague claims a personal
 * one, the holder change revokes the old holder's certificate), and the organisation's usage
 * records after the colleague logs in to a platform with the organisation's certificate, and
 * 【证书变更】: the rename applied for with the new licence, approved, paid, the colleague's
 * changed certificates downloaded with the PIN and the organisation's seals void.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation::class)
class OrgFlowsTest {
    private lateinit var service: DevService
    private val homes = mutableListOf<File>()
    private val apps = mutableListOf<McertApp>()
    private lateinit var admin: FfiCertCore
    private lateinit var colleague: FfiCertCore
    private val adminPhone = "13900001111"
    private val colleaguePhone = "13900002222"
    private lateinit var byLetter: Organisation
    private lateinit var byFace: Organisation
    private lateinit var reviewer: ReviewerConsole
    private val pin = "246810"
    private var adminOrgSerial = ""

    private fun phoneApp(): FfiCertCore {
        val home = Files.createTempDirectory("mcert-org-phone-").toFile().also { homes += it }
        val app = McertApp(home.path, service.url, MemorySecrets()).also { apps += it }
        return FfiCertCore(app)
    }

    private suspend fun FfiCertCore.logIn(phone: String, name: String, id: String) {
        requestCode(phone)
        login(phone, devSmsCode(phone))
        choosePlatform(platforms().first().id)
        verifyIdentity(IdentityForm(name, id, phone, null, "dev-live-ok"))
    }

    private fun image(format: String): ByteArray {
        val img = BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB)
        for (x in 0 until 64) for (y in 0 until 48) img.setRGB(x, y, (x * 4 shl 16) or (y * 5 shl 8) or 200)
        return ByteArrayOutputStream().also { ImageIO.write(img, format, it) }.toByteArray()
    }

    @BeforeAll
    fun start() = runBlocking {
        Texts.english = false
        service = DevService()
        admin = phoneApp()
        colleague = phoneApp()
        admin.logIn(adminPhone, "张经理", "110101198001010010")
        reviewer = ReviewerConsole(service)
    }

    @AfterAll
    fun stop() {
        apps.forEach { it.close() }
        service.close()
        homes.forEach { it.deleteRecursively() }
    }

    @Test
    @Order(1)
    fun `register - the credit code checked here first, the service's refusal in its words`() = runBlocking<Unit> {
        val m = RegisterOrgModel(admin)
        m.name.value = "青海某某建设工程有限公司"
        m.setCreditCode("91110108ma01abcd1f")
        m.legalRepName.value = "王总"
        m.legalRepIdNumber.value = "110101197511110041"
        assertEquals("统一社会信用代码不正确，请核对 18 位代码", m.creditCodeHint())
        m.submit()
        val local = (m.state.value as RegisterOrgModel.State.Failed).problem
        assertEquals("credit_code", local.field)
        assertTrue(OrgsModel(admin).also { it.refresh() }.orgs.value.isEmpty())

        m.setCreditCode("91110108MA01ABCD1E")
        m.relation.value = Relation.LEGAL_REPRESENTATIVE
        m.submit()
        val refused = (m.state.value as RegisterOrgModel.State.Failed).problem
        assertEquals("not_the_legal_rep", refused.code)
        assertEquals("您的实名信息与填写的法定代表人不一致", refused.message)

        m.relation.value = Relation.AGENT
        m.submit()
        byLetter = (m.state.value as RegisterOrgModel.State.Registered).org
        assertEquals(Role.ADMIN, byLetter.role)
        assertEquals("证书管理员", byLetter.roleLabel)
        assertEquals("110***********0041", byLetter.legalRepIdMasked)
        assertEquals("none", byLetter.authorisation.status)
        assertEquals("未授权", byLetter.authorisation.statusLabel)
        assertEquals(listOf("current", "todo", "todo"), byLetter.authorisation.progress.map { it.state })

        // The legal representative registers the next one in person.
        val rep = RegisterOrgModel(admin)
        rep.name.value = "西宁某某工程有限公司"
        rep.setCreditCode("91630100MA7ABCDE1W")
        rep.legalRepName.value = "张经理"
        rep.legalRepIdNumber.value = "110101198001010010"
        rep.relation.value = Relation.LEGAL_REPRESENTATIVE
        rep.submit()
        byFace = (rep.state.value as RegisterOrgModel.State.Registered).org

        val orgs = OrgsModel(admin)
        orgs.refresh()
        assertEquals(setOf(byLetter.id, byFace.id), orgs.orgs.value.map { it.id }.toSet())
        assertNull(orgs.error.value)
    }

    @Test
    @Order(2)
    fun `the letter - template PDF, a photo of it, submitted, 审批进度 pending`() = runBlocking<Unit> {
        val m = AuthorisationModel(admin)
        m.load(byLetter)
        assertTrue(m.canSubmit())
        val pdf = m.template()!!
        assertTrue(String(pdf, 0, 5, Charsets.US_ASCII) == "%PDF-", "a PDF")
        m.pick(PickedFile("授权书.txt", "not a photo".toByteArray()))
        assertEquals("file_type", (m.state.value as AuthorisationModel.State.Failed).problem.code)
        assertFalse(m.submitLetter(), "nothing picked yet")
        m.pick(PickedFile("授权书.png", image("png")))
        assertTrue(m.submitLetter(), "${m.state.value}")
        val auth = m.authorisation.value!!
        assertEquals("pending_review", auth.status)
        assertEquals("审核中", auth.statusLabel)
        assertEquals("letter", auth.method)
        assertEquals(listOf("done", "current", "todo"), auth.progress.map { it.state })
        assertTrue(auth.progress[0].at != null)
        assertFalse(m.canSubmit())
        // A second letter while one is in review: the service's word.
        val again = assertThrows<AppError> {
            runBlocking { admin.submitLetter(byLetter.id, admin.upload(byLetter.id, "authorisation_letter", image("jpg")).id) }
        }
        assertEquals("under_review", again.code)
        assertEquals("授权书正在审核中，请耐心等待", again.message)

        // The reviewer rejects it with a reason: 审批进度 says so, and a new letter may go.
        reviewer.reject(byLetter.name, "授权书未加盖单位公章")
        val orgs = OrgsModel(admin)
        orgs.refresh()
        orgs.open(orgs.orgs.value.first { it.id == byLetter.id })
        m.load(orgs.current.value!!)
        val rejected = m.authorisation.value!!
        assertEquals("rejected", rejected.status)
        assertEquals("未通过", rejected.statusLabel)
        assertEquals("授权书未加盖单位公章", rejected.rejectReason)
        assertEquals(listOf("done", "failed", "current"), rejected.progress.map { it.state })
        assertTrue(m.canSubmit())
        m.pick(PickedFile("授权书（盖章）.jpg", image("jpg")))
        assertTrue(m.submitLetter(), "${m.state.value}")
        assertEquals("pending_review", m.authorisation.value!!.status)

        // No application before the authorisation: refused here, and by the service.
        val apply = OrgApplyModel(admin)
        apply.load(admin.org(byLetter.id))
        assertFalse(apply.mayApply())
        apply.pick(PickedFile("营业执照.jpg", image("jpg")))
        apply.submit()
        assertEquals("authorise_first", (apply.state.value as OrgApplyModel.State.Failed).problem.code)
        val refused = assertThrows<AppError> {
            runBlocking { admin.applyForOrg(byLetter.id, "org-package", 1, listOf("x"), "k-1") }
        }
        assertEquals("org_not_authorised", refused.code)
        assertEquals("本单位尚未完成 CA 授权，请先完成授权", refused.message)

        reviewer.approve(byLetter.name)
        orgs.reload()
        byLetter = orgs.current.value!!
        assertTrue(byLetter.authorisation.approved)
        assertEquals("已授权", byLetter.authorisation.statusLabel)
        assertEquals(listOf("done", "done", "done"), byLetter.authorisation.progress.map { it.state })
    }

    @Test
    @Order(3)
    fun `the legal representative's face authorises at once, and the application goes to review`() = runBlocking<Unit> {
        val orgs = OrgsModel(admin)
        orgs.refresh()
        orgs.open(orgs.orgs.value.first { it.id == byFace.id })
        val m = AuthorisationModel(admin)
        m.load(orgs.current.value!!)
        m.method.value = AuthorisationModel.Method.FACE
        m.legalRepPhone.value = "1390000"
        assertFalse(m.submitFace("dev-live-ok"))
        assertEquals("phone", (m.state.value as AuthorisationModel.State.Failed).problem.field)
        m.legalRepPhone.value = adminPhone
        assertFalse(m.submitFace("not-live"))
        assertEquals("not_live", (m.state.value as AuthorisationModel.State.Failed).problem.code)
        assertTrue(m.submitFace("dev-live-ok"), "${m.state.value}")
        assertEquals("approved", m.authorisation.value!!.status)
        assertEquals("face", m.authorisation.value!!.method)
        orgs.reload()
        byFace = orgs.current.value!!
        assertTrue(byFace.authorisation.approved)

        val apply = OrgApplyModel(admin)
        apply.load(byFace)
        assertTrue(apply.mayApply())
        assertEquals(listOf("org-package"), apply.products.value.map { it.id }, "only products for organisations")
        assertEquals(30_000L, apply.amountFen())
        apply.submit()
        assertEquals("pick_licence_first", (apply.state.value as OrgApplyModel.State.Failed).problem.code)
        apply.pick(PickedFile("营业执照.jpg", image("jpg")))
        apply.years.value = 2
        apply.submit()
        val order = (apply.state.value as OrgApplyModel.State.Submitted).order
        assertEquals("pending_review", order.status)
        assertEquals("待审核", order.statusLabel)
        assertEquals(60_000L, order.amountFen)
        assertEquals(byFace.id, order.orgId)
        assertEquals(1, order.materials.size)
        assertEquals(listOf(order.id), apply.orders.value.map { it.id })
        assertNull(apply.rejected)
        // The applicant's own orders list it too (待审核), to pay once approved.
        assertTrue(admin.orders().any { it.id == order.id && it.status == "pending_review" })
    }

    @Test
    @Order(4)
    fun `the application - rejected with a reason, resubmitted, approved, paid, and the applicant claims the organisation certificate`() =
        runBlocking<Unit> {
            val apply = OrgApplyModel(admin)
            apply.load(byLetter)
            assertTrue(apply.mayApply())
            apply.pick(PickedFile("营业执照.jpg", image("jpg")))
            apply.submit()
            val order = (apply.state.value as OrgApplyModel.State.Submitted).order
            reviewer.reject(byLetter.name, "营业执照照片不清晰")
            apply.load(byLetter)
            val rejected = apply.rejected!!
            assertEquals(order.id, rejected.id)
            assertEquals("未通过", rejected.statusLabel)
            assertEquals("营业执照照片不清晰", rejected.rejectReason)
            apply.resubmit()
            assertEquals("pick_licence_first", (apply.state.value as OrgApplyModel.State.Failed).problem.code)
            apply.pick(PickedFile("营业执照（清晰）.png", image("png")))
            apply.resubmit()
            val again = (apply.state.value as OrgApplyModel.State.Submitted).order
            assertEquals(order.id, again.id)
            assertEquals("pending_review", again.status)
            assertNull(apply.rejected)

            reviewer.approve(byLetter.name)
            apply.load(byLetter)
            val approved = apply.orders.value.first { it.id == order.id }
            assertEquals("awaiting_payment", approved.status)
            assertEquals("待支付", approved.statusLabel)
            // 【我的订单】-【待支付】: 【立即支付】.
            val orders = OrdersModel(admin)
            orders.refresh()
            assertEquals(listOf(order.id), orders.shown(OrdersModel.Tab.Payment).map { it.id })
            assertTrue(orders.pay(orders.shown(OrdersModel.Tab.Payment).single()), orders.error.value)
            assertEquals("completed", orders.orders.value.single { it.id == order.id }.status)

            // 证书管理: the package's three slots; the organisation certificate is the applicant's.
            val certs = OrgCertificatesModel(admin)
            certs.load(byLetter)
            assertEquals(3, certs.items.value.size, "${certs.items.value}")
            val orgSlot = certs.items.value.single { it.isOrganisation }
            assertEquals("assigned" to "未使用", orgSlot.status to orgSlot.statusLabel)
            assertEquals(IdType.CREDIT_CODE, orgSlot.owner!!.idType)
            assertEquals("张经理", orgSlot.holder!!.name)
            assertNull(orgSlot.notAfter, "the validity counts from the download")
            for (p in certs.items.value.filter { !it.isOrganisation }) {
                assertEquals("unassigned" to "未分配", p.status to p.statusLabel)
                assertNull(p.owner)
            }

            // 待申领的证书: claimed with a key made on this phone.
            val claims = ClaimsModel(admin)
            claims.refresh()
            assertEquals(listOf(orgSlot.entitlementId), claims.claims.value.map { it.id })
            assertEquals(byLetter.name, claims.claims.value.single().orgName)
            assertEquals(1, OrgsModel(admin).also { it.refresh() }.claims.value)
            claims.choose(claims.claims.value.single())
            assertTrue(claims.claim(KeyAlgorithm.SM2, pin), claims.error.value)
            adminOrgSerial = claims.installed.value!!
            assertTrue(claims.claims.value.isEmpty())
            certs.refresh()
            val issued = certs.items.value.single { it.isOrganisation }
            assertEquals("issued" to "已使用", issued.status to issued.statusLabel)
            assertEquals(adminOrgSerial, issued.certificateSerial)
            assertTrue(issued.notBefore != null && issued.notAfter != null)
            val cert = admin.certificates().single { it.serial == adminOrgSerial }
            assertTrue(cert.onThisDevice)
            val subject = Subject.parse(cert.subject)
            assertEquals(byLetter.name, subject.organisationShown)
            assertEquals(byLetter.creditCode, subject.organisationId)
            assertEquals("张经理", subject.commonName)
        }

    @Test
    @Order(5)
    fun `members and roles - added by name, ID and phone, the last admin kept, a user cannot grant`() = runBlocking<Unit> {
        val m = MembersModel(admin)
        m.load(byLetter)
        assertEquals(listOf("张经理"), m.members.value.map { it.name })
        val me = m.members.value.single()
        m.name.value = "李工"
        m.idNumber.value = "110101198502020023"
        m.phone.value = colleaguePhone
        assertFalse(m.add())
        assertEquals("id_number", m.problem.value!!.field)
        m.idNumber.value = "110101198502020022"
        assertTrue(m.add(), "${m.problem.value}")
        val li = m.members.value.first { it.name == "李工" }
        assertEquals(Role.USER, li.role)
        assertEquals("证书使用人", li.roleLabel)
        assertEquals("139****2222", li.phoneMasked)
        assertFalse(li.hasAccount)
        // The same phone twice: the service's refusal.
        m.name.value = "李工"
        m.idNumber.value = "110101198502020022"
        m.phone.value = colleaguePhone
        assertFalse(m.add())
        assertEquals("already_member", m.problem.value!!.code)

        assertFalse(m.changeRole(me, Role.USER))
        assertEquals("last_admin", m.problem.value!!.code)
        assertEquals("单位至少要保留一名证书管理员", m.problem.value!!.message)
        assertTrue(m.changeRole(li, Role.ADMIN))
        assertEquals(Role.ADMIN, m.members.value.first { it.id == li.id }.role)
        assertTrue(m.changeRole(m.members.value.first { it.id == li.id }, Role.USER))

        // The colleague logs in: the organisation is there, as 证书使用人, with nothing to grant.
        colleague.logIn(colleaguePhone, "李工", "110101198502020022")
        val theirs = OrgsModel(colleague).also { it.refresh() }.orgs.value.single()
        assertEquals(byLetter.id, theirs.id)
        assertEquals(Role.USER, theirs.role)
        assertEquals("证书使用人", theirs.roleLabel)
        val asUser = MembersModel(colleague)
        asUser.load(theirs)
        assertTrue(asUser.members.value.isEmpty())
        assertFalse(asUser.canManage)
        asUser.name.value = "赵六"
        assertFalse(asUser.add())
        assertEquals("admin_only", asUser.problem.value!!.code)
        val denied = assertThrows<AppError> { runBlocking { colleague.members(theirs.id) } }
        assertEquals("admin_required", denied.code)
        assertEquals(403, denied.httpStatus)
        assertEquals("只有单位的证书管理员可以这样操作", denied.message)
        val slots = OrgCertificatesModel(colleague)
        slots.load(theirs)
        assertTrue(slots.items.value.isEmpty())
        slots.askHolder(
            cn.mcert.app.core.OrgCertificate("e", "o", "personal", 1, "assigned", "未使用", null, null, "", null, null, null),
            li,
        )
        assertEquals("admin_only", slots.problem.value!!.code)
        assertNull(slots.holderChange.value)
        val usage = OrgUsageModel(colleague)
        usage.load(theirs)
        assertTrue(usage.items.value.isEmpty())
        assertNull(usage.error.value)
        val claims = ClaimsModel(colleague)
        claims.refresh()
        assertTrue(claims.claims.value.isEmpty(), "nothing assigned to the colleague yet")

        // Back with the admin: the colleague now has an account; someone added by mistake goes.
        m.refresh()
        assertTrue(m.members.value.first { it.id == li.id }.hasAccount)
        m.name.value = "王五"
        m.idNumber.value = "110101199003030036"
        m.phone.value = "13900003333"
        m.role.value = Role.ADMIN
        assertTrue(m.add(), "${m.problem.value}")
        assertEquals(Role.ADMIN, m.members.value.first { it.name == "王五" }.role)
        m.askRemove(m.members.value.first { it.name == "王五" })
        assertTrue(m.confirmRemove())
        assertEquals(setOf(me.id, li.id), m.members.value.map { it.id }.toSet())
    }

    /** Scans the platform's page until the confirm screen shows. */
    private suspend fun scanUntilConfirm(scan: ScanModel, session: PlatformSession): ScanModel.State.Confirm {
        repeat(20) {
            val frame = session.cameraFrame()
            if (scan.onFrame(frame.luma, frame.width, frame.height, frame.rowStride)) {
                return scan.state.value as ScanModel.State.Confirm
            }
            Thread.sleep(100)
        }
        error("the QR code was never read")
    }

    /** A phone photo of a round red seal on paper lit from one side. */
    private fun sealPhoto(): ByteArray {
        val img = BufferedImage(800, 600, BufferedImage.TYPE_INT_RGB)
        for (x in 0 until 800) for (y in 0 until 600) {
            val light = 0.7 + 0.3 * x / 800.0
            val d = Math.hypot(x - 400.0, y - 300.0)
            val ink = Math.abs(d - 200.0) < 10.0 || (Math.abs(x - 400) < 30 && Math.abs(y - 300) < 30)
            val (r, g, b) = if (ink) Triple(200, 30, 40) else Triple(245, 242, 236)
            img.setRGB(x, y, ((r * light).toInt() shl 16) or ((g * light).toInt() shl 8) or (b * light).toInt())
        }
        return ByteArrayOutputStream().also { ImageIO.write(img, "jpg", it) }.toByteArray()
    }

    @Test
    @Order(6)
    fun `seals - applied from a photo, the cleaned picture shown, reviewed, claimed with the PIN`() = runBlocking<Unit> {
        val seals = SealsModel(admin)
        seals.load(byLetter)
        seals.startApply()
        assertEquals(listOf(adminOrgSerial), seals.slots.value.map { it.certificateSerial })
        assertTrue(!seals.apply(), "no photo yet")
        assertEquals("seal_take_photo", seals.problem.value!!.code)
        seals.photo.value = sealPhoto()
        assertTrue(seals.apply(), "${seals.problem.value}")
        val draft = seals.draft.value!!
        assertEquals("draft" to "待提交", draft.status to draft.statusLabel)
        assertEquals("企业公章", draft.kindLabel)
        // The cleaned picture: 42 mm at 300 dpi, red on transparency.
        val picture = ImageIO.read(seals.pictures.value.getValue(draft.id).inputStream())
        assertEquals(496 to 496, picture.width to picture.height)
        assertTrue(picture.colorModel.hasAlpha())
        assertEquals(0, picture.getRGB(2, 2) ushr 24)
        assertTrue(seals.submit(draft), "${seals.problem.value}")
        assertEquals("待审核", seals.seals.value.single { it.id == draft.id }.statusLabel)
        reviewer.approve(byLetter.name)
        seals.refresh()
        val approved = seals.seals.value.single { it.id == draft.id }
        assertEquals("approved", approved.status)
        seals.startClaim(approved)
        assertFalse(seals.claim("135791"), "a wrong PIN stays on the pad")
        assertTrue(seals.claiming.value != null)
        assertTrue(seals.claim(pin), "${seals.problem.value}")
        assertEquals("claimed" to "已申领", seals.seals.value.single { it.id == draft.id }.let { it.status to it.statusLabel })
    }

    @Test
    @Order(7)
    fun `slots - the owner set once, the colleague claims, the holder change revokes, the records by member`() = runBlocking<Unit> {
        val certs = OrgCertificatesModel(admin)
        certs.load(byLetter)
        val li = certs.members.value.single { it.name == "李工" }
        val me = certs.members.value.single { it.name == "张经理" }
        val personal = certs.items.value.first { !it.isOrganisation }
        certs.startAssign(personal)
        certs.ownerIdNumber.value = "110101198502020023"
        certs.ownerName.value = "李工"
        certs.askSaveOwner()
        assertFalse(certs.confirmingOwner.value)
        assertEquals("owner_id", certs.problem.value!!.field)
        certs.ownerIdNumber.value = "110101198502020022"
        certs.ownerEmail.value = "li@example.cn"
        certs.holderChoice.value = li.id
        certs.askSaveOwner()
        assertTrue(certs.confirmingOwner.value, "the warning that the owner is fixed comes first")
        assertTrue(certs.saveOwner(), "${certs.problem.value}")
        val assigned = certs.items.value.single { it.entitlementId == personal.entitlementId }
        assertEquals("assigned" to "未使用", assigned.status to assigned.statusLabel)
        assertEquals("李工", assigned.owner!!.name)
        assertEquals("110***********0022", assigned.owner!!.idNumberMasked)
        assertEquals("li@example.cn", assigned.owner!!.email)
        assertEquals(li.id, assigned.holder!!.memberId)
        // Fixed once set.
        certs.startAssign(assigned)
        certs.ownerIdNumber.value = "110101198001010010"
        certs.ownerName.value = "张经理"
        certs.askSaveOwner()
        assertFalse(certs.saveOwner())
        assertEquals("owner_fixed", certs.problem.value!!.code)

        // The colleague claims it on their phone.
        val theirClaims = ClaimsModel(colleague)
        theirClaims.refresh()
        assertEquals(listOf(personal.entitlementId), theirClaims.claims.value.map { it.id })
        theirClaims.choose(theirClaims.claims.value.single())
        assertTrue(theirClaims.claim(KeyAlgorithm.P256, pin), theirClaims.error.value)

        // 签章图片 of the personal certificate just downloaded: the notice, then the generated
        // name seal of its owner, active at once (20 mm at 300 dpi, red on transparency).
        val signature = SignatureModel(colleague)
        signature.load(theirClaims.installed.value!!)
        assertEquals("签章图片告知函", signature.notice.value!!.title)
        assertTrue(signature.agree(), "${signature.problem.value}")
        val made = signature.current.value!!
        assertEquals(Triple("李工", "active", "自动生成的姓名章"), Triple(made.name, made.status, made.sourceLabel))
        assertEquals(null, signature.notice.value)
        val seal = ImageIO.read(signature.picture.value!!.inputStream())
        assertEquals(236 to 236, seal.width to seal.height)
        assertEquals(0, seal.getRGB(0, 0) ushr 24)

        // A handwritten signature written on the pad: cleaned by the service into a draft of
        // dark ink on transparency, submitted, rejected in the console with a reason, submitted
        // again, approved, and then the certificate's signature in place of the name seal.
        signature.remake()
        signature.startWriting()
        assertTrue(signature.writing.value)
        signature.penDown(PadPoint(30f, 60f))
        for (i in 1..40) signature.penMove(PadPoint(30f + i * 3.5f, 60f + 25f * kotlin.math.sin(i / 4f)))
        signature.penDown(PadPoint(200f, 30f))
        for ((x, y) in listOf(240f to 95f, 280f to 35f, 330f to 90f)) signature.penMove(PadPoint(x, y))
        assertTrue(signature.finishWriting(360f, 120f), "${signature.problem.value}")
        val draft = signature.handwritten.value!!
        assertEquals(Triple("drawn", "draft", "手写签名（手机书写）"), Triple(draft.source, draft.status, draft.sourceLabel))
        val ink = ImageIO.read(signature.handwrittenPicture.value!!.inputStream())
        assertTrue(ink.width > ink.height, "${ink.width}x${ink.height}")
        assertEquals(0, ink.getRGB(0, 0) ushr 24)
        assertTrue(signature.submit(), "${signature.problem.value}")
        assertEquals("pending_review", signature.handwritten.value!!.status)
        reviewer.reject("李工", "签名不清晰")
        signature.load(theirClaims.installed.value!!)
        assertEquals("rejected" to "签名不清晰", signature.handwritten.value!!.let { it.status to it.rejectReason })
        assertEquals(made.id, signature.current.value!!.id, "the name seal stays in force meanwhile")
        assertTrue(signature.submit(), "${signature.problem.value}")
        reviewer.approve("李工")
        signature.load(theirClaims.installed.value!!)
        assertEquals(draft.id to "active", signature.current.value!!.let { it.id to it.status })
        assertNull(signature.handwritten.value)

        // The organisation certificate goes to the colleague: the confirmation knows that the
        // admin's certificate is revoked, and it is.
        certs.refresh()
        val orgSlot = certs.items.value.single { it.isOrganisation }
        certs.askHolder(orgSlot, li)
        assertTrue(certs.holderChange.value!!.revokes)
        assertTrue(certs.confirmHolder(), "${certs.problem.value}")
        val moved = certs.items.value.single { it.isOrganisation }
        assertEquals("李工", moved.holder!!.name)
        assertEquals("assigned", moved.status)
        assertNull(moved.certificateSerial)
        // The admin no longer holds a good certificate of that slot (revoked, or no longer listed).
        assertTrue(admin.certificates().none { it.serial == adminOrgSerial && it.status == "good" })
        theirClaims.refresh()
        theirClaims.choose(theirClaims.claims.value.single { it.kind == "organization" })
        assertTrue(theirClaims.claim(KeyAlgorithm.SM2, pin), theirClaims.error.value)
        val orgSerial = theirClaims.installed.value!!

        // A member holding certificates stays.
        val members = MembersModel(admin)
        members.load(byLetter)
        members.askRemove(members.members.value.single { it.id == li.id })
        assertFalse(members.confirmRemove())
        assertEquals("holds_certificates", members.problem.value!!.code)

        // The colleague logs in to a platform with the organisation's certificate.
        val session = PlatformSession(service, "--kind", "login")
        val scan = ScanModel(colleague)
        val confirm = scanUntilConfirm(scan, session)
        assertTrue(confirm.view.choices.any { it.serial == orgSerial }, "${confirm.view.choices}")
        scan.select(orgSerial)
        scan.proceed()
        scan.submit(pin)
        assertEquals(ScanModel.State.Done("扫码登录", "completed"), scan.state.value)
        val (code, out) = session.finish()
        assertEquals(0, code, out)

        // The records: the admin sees the organisation's and filters them; the colleague their own.
        val usage = OrgUsageModel(admin)
        usage.load(byLetter)
        assertTrue(orgSerial in usage.serials.value, "${usage.serials.value}")
        val record = usage.items.value.single()
        assertEquals("扫码登录", record.operation)
        assertEquals("李工", record.holderName)
        assertEquals(orgSerial, record.certificateSerial)
        assertEquals("成功", record.outcomeLabel)
        usage.member.value = me.id
        usage.refresh()
        assertTrue(usage.items.value.isEmpty())
        usage.member.value = li.id
        usage.operation.value = OrgUsageModel.Operation.SIGN
        usage.refresh()
        assertTrue(usage.items.value.isEmpty())
        usage.operation.value = OrgUsageModel.Operation.LOGIN
        usage.refresh()
        assertEquals(1, usage.items.value.size)
        usage.member.value = null
        usage.serial.value = orgSerial
        usage.from.value = "2025-01-01"
        usage.refresh()
        assertEquals(1, usage.items.value.size)
        usage.to.value = "2025-13-40"
        usage.refresh()
        assertEquals("日期请按 2025-01-31 的格式填写", usage.error.value)
        val own = OrgUsageModel(colleague)
        own.load(OrgsModel(colleague).also { it.refresh() }.orgs.value.single())
        assertEquals(listOf(orgSerial), own.items.value.map { it.certificateSerial })

        // The other organisation's application is still in review: nothing to assign there.
        certs.load(byFace)
        assertTrue(certs.items.value.isEmpty())
        assertNull(certs.problem.value)
    }

    @Test
    @Order(8)
    fun `证书变更 - the rename with the new licence, reviewed, paid, the holder's changed certificates with the PIN, the seals void and back as drafts`() =
        runBlocking<Unit> {
            val newName = "青海某某新能源建设有限公司"
            val oldName = byLetter.name
            // A seal of the organisation certificate the colleague now holds, approved before the change.
            val seals = SealsModel(admin)
            seals.load(byLetter)
            seals.startApply()
            val held = seals.slots.value.single()
            seals.photo.value = sealPhoto()
            assertTrue(seals.apply(), "${seals.problem.value}")
            val live = seals.draft.value!!
            assertEquals(oldName, live.name)
            assertTrue(seals.submit(live), "${seals.problem.value}")
            reviewer.approve(oldName)
            seals.refresh()
            assertEquals("approved", seals.seals.value.single { it.id == live.id }.status)

            // The admin applies: checked here first, then the licence and a notice uploaded.
            val change = OrgChangeModel(admin)
            change.load(admin.org(byLetter.id))
            assertTrue(change.mayRequest())
            change.newName.value = oldName
            assertFalse(change.submit())
            assertEquals("org_change_same_name", (change.state.value as OrgChangeModel.State.Failed).problem.code)
            change.newName.value = newName
            assertFalse(change.submit())
            assertEquals("org_change_pick_licence", (change.state.value as OrgChangeModel.State.Failed).problem.code)
            change.pickLicence(PickedFile("营业执照（变更后）.jpg", image("jpg")))
            change.addOther(PickedFile("变更通知书.png", image("png")))
            assertTrue(change.submit(), "${change.state.value}")
            val order = (change.state.value as OrgChangeModel.State.Submitted).order
            assertEquals(Triple("change", newName, "pending_review"), Triple(order.purpose, order.newName, order.status))
            assertEquals("待审核", order.statusLabel)
            assertEquals(2, order.materials.size)
            assertEquals(listOf(order.id), change.orders.value.map { it.id })
            assertFalse(change.mayRequest(), "one change at a time")
            val twice = assertThrows<AppError> { runBlocking { admin.requestOrgChange(byLetter.id, "青海某某另一个名称有限公司", order.materials) } }
            assertEquals("change_pending", twice.code)
            // Its period is fixed; it is neither an application to resubmit nor one to 【修改】.
            assertFalse(order.canChange)
            val fixed = assertThrows<AppError> { runBlocking { admin.changeOrder(order.id, 2) } }
            assertEquals("fixed_period", fixed.code)
            val apply = OrgApplyModel(admin)
            apply.load(byLetter)
            assertTrue(apply.orders.value.none { it.id == order.id })
            val mine = OrdersModel(admin).also { it.refresh() }
            val listed = mine.orders.value.single { it.id == order.id }
            assertEquals("证书变更", productText(listed))
            assertEquals("变更为：$newName", mine.row(listed).newName)
            // A certificate user may not apply.
            val denied = assertThrows<AppError> { runBlocking { colleague.requestOrgChange(byLetter.id, newName, order.materials) } }
            assertEquals("admin_required", denied.code)

            // The reviewer compares the materials in the console and approves; the admin pays.
            reviewer.approve(oldName)
            change.refresh()
            val toPay = change.orders.value.single()
            assertEquals("awaiting_payment" to "待支付", toPay.status to toPay.statusLabel)
            assertTrue(change.pay(toPay), "${change.state.value}")
            assertTrue(change.state.value is OrgChangeModel.State.Paid)
            assertEquals(newName, change.org.value!!.name)
            assertEquals("completed", change.orders.value.single().status)
            byLetter = OrgsModel(admin).also { it.refresh() }.orgs.value.single { it.id == byLetter.id }
            assertEquals(newName, byLetter.name)
            // Every seal of the organisation is void.
            seals.load(byLetter)
            assertTrue(seals.seals.value.isNotEmpty())
            assertTrue(seals.seals.value.all { it.status == "void" }, "${seals.seals.value}")
            assertEquals("org_changed", seals.seals.value.single { it.id == live.id }.voidReason)

            // The colleague holds both certificates of the organisation: each changed one waits.
            val certs = CertificatesModel(colleague)
            certs.refresh()
            val due = certs.changesDue()
            assertEquals(2, due.size, "${certs.items.value.map { it.certificate }}")
            assertTrue(due.all { it.certificate.orgName == newName && !it.canRenew })
            val orgItem = due.single { it.subject.isOrganisation }
            assertEquals(held.certificateSerial, orgItem.certificate.serial)
            val renewal = RenewalModel(colleague)
            renewal.start(orgItem.certificate.serial)
            assertTrue(renewal.change.value)
            assertEquals(RenewalModel.Step.Pin, renewal.step.value, "${renewal.notice.value}")
            assertEquals(newName, renewal.slot.value!!.orgName)
            assertFalse(renewal.pinEntered("135791"))
            assertEquals(4, (renewal.pad.value.state.value as PinEntryModel.State.Entering).triesLeft)
            assertTrue(renewal.pinEntered(pin), "${renewal.problem.value}")
            assertEquals(RenewalModel.Step.Done, renewal.step.value)
            val changed = renewal.result.value!!.serial
            assertEquals(newName, renewal.changedOrganisation.value!!.name)
            assertFalse(renewal.changedOrganisation.value!!.isAdmin)

            // The list shows the new name on the changed certificate, the same key.
            certs.refresh()
            val by = certs.items.value.associateBy { it.certificate.serial }
            val now = by.getValue(changed)
            assertEquals(newName, now.subject.organisationShown)
            assertEquals(byLetter.creditCode, now.subject.organisationId)
            assertTrue(now.certificate.current && now.certificate.onThisDevice && !now.changeDue)
            assertEquals(orgItem.key!!.id, now.key!!.id)
            assertEquals(5, now.key!!.pinTriesLeft)
            // The old one is no longer good (revoked, or no longer listed for the slot).
            assertTrue(by[orgItem.certificate.serial]?.certificate?.status in setOf(null, "revoked"), "${by.keys}")
            // The personal certificate's change, the same way.
            val personal = certs.changesDue().single()
            renewal.start(personal.certificate.serial)
            assertTrue(renewal.pinEntered(pin), "${renewal.problem.value}")
            certs.refresh()
            assertTrue(certs.changesDue().isEmpty())

            // The seals list: the old seals void, and the seal of the changed certificate back as a
            // draft with the new name, to submit again.
            seals.refresh()
            assertEquals("void", seals.seals.value.single { it.id == live.id }.status)
            val drafts = seals.seals.value.filter { it.status == "draft" }
            assertTrue(drafts.isNotEmpty(), "${seals.seals.value}")
            assertTrue(drafts.all { it.name == newName && it.certificateSerial == changed }, "$drafts")
            assertTrue(seals.submit(drafts.first()), "${seals.problem.value}")
        }
}
