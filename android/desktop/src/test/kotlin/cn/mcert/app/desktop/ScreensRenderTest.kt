package cn.mcert.app.desktop

import cn.mcert.app.core.AppError
import cn.mcert.app.core.Identity
import cn.mcert.app.core.Language
import cn.mcert.app.core.ReissueKind
import cn.mcert.app.ui.Route
import java.awt.image.BufferedImage
import java.io.File
import javax.imageio.ImageIO
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory

/**
 * Every screen in the states that matter (filled, empty, loading, error; zh-CN and en), rendered
 * headless with the fake core and compared with the committed references in
 * android/desktop/references. A changed screen updates its reference on purpose:
 * scripts/ui-update-references.sh.
 */
class ScreensRenderTest {
    private class Case(val name: String, val language: Language, val start: Route, val setup: suspend Phone.() -> Unit = {})

    private val cases = listOf(
        Case("login_zh", Language.ZH, Route.Login),
        Case("login_en", Language.EN, Route.Login),
        Case("login_error_zh", Language.ZH, Route.Login) {
            models.login.phone.value = "12345"
            models.login.sendCode()
        },
        Case("platform_zh", Language.ZH, Route.Platform),
        Case("home_zh", Language.ZH, Route.Home),
        Case("home_en", Language.EN, Route.Home),
        Case("home_new_account_zh", Language.ZH, Route.Home) {
            core.identity = null
            core.certificates = emptyList()
            core.slots = listOf("e1")
        },
        Case("certificates_zh", Language.ZH, Route.Certificates),
        Case("certificates_en", Language.EN, Route.Certificates),
        Case("certificates_empty_zh", Language.ZH, Route.Certificates) { core.certificates = emptyList() },
        Case("certificates_loading_zh", Language.ZH, Route.Certificates) { core.hang = true },
        Case("certificates_error_zh", Language.ZH, Route.Certificates) {
            core.failure = AppError("network", "无法连接服务，请检查网络后重试")
        },
        Case("certificate_detail_zh", Language.ZH, Route.CertificateDetail) {
            models.certificates.refresh()
            models.certificates.open(Samples.certificates.first().serial)
        },
        Case("install_zh", Language.ZH, Route.Install) { core.slots = listOf("e1") },
        Case("signature_notice_zh", Language.ZH, Route.Signature) {
            models.signature.load(Samples.certificates.first().serial)
        },
        Case("signature_notice_en", Language.EN, Route.Signature) {
            models.signature.load(Samples.certificates.first().serial)
        },
        Case("signature_zh", Language.ZH, Route.Signature) {
            models.signature.load(Samples.certificates.first().serial)
            models.signature.agree()
        },
        Case("change_pin_zh", Language.ZH, Route.ChangePin) { models.changePin.start("k1") },
        Case("certificate_detail_reissue_zh", Language.ZH, Route.CertificateDetail) {
            models.certificates.refresh()
            models.certificates.open(Samples.certificates[1].serial)
        },
    ) + reissueCases() + lifeCases() + listOf(
        Case("scan_stamp_places_zh", Language.ZH, Route.Scan) {
            core.scanRequest = Samples.twoPlaceStamp
            models.scan.onImage(ByteArray(0))
        },
        Case("report_lost_zh", Language.ZH, Route.ReportLost) {
            models.reportLost.start(Samples.certificates.first().serial)
            models.reportLost.sendCode()
        },
        Case("report_lost_en", Language.EN, Route.ReportLost) {
            models.reportLost.start(Samples.certificates.first().serial)
        },
        Case("signature_pad_zh", Language.ZH, Route.Signature) {
            models.signature.load(Samples.certificates.first().serial)
            models.signature.startWriting()
            writeOnPad(models.signature)
        },
        Case("signature_review_zh", Language.ZH, Route.Signature) {
            models.signature.load(Samples.certificates.first().serial)
            models.signature.startWriting()
            writeOnPad(models.signature)
            models.signature.finishWriting(900f, 300f)
            models.signature.submit()
        },
        Case("scan_viewfinder_zh", Language.ZH, Route.Scan),
        Case("scan_confirm_zh", Language.ZH, Route.Scan) { models.scan.onImage(ByteArray(0)) },
        Case("scan_confirm_en", Language.EN, Route.Scan) { models.scan.onImage(ByteArray(0)) },
        Case("scan_confirm_expiring_zh", Language.ZH, Route.Scan) {
            core.scanRequest = Samples.expiringRequest
            models.scan.onImage(ByteArray(0))
            models.scan.select("5F3A9C2E7B1D40A8")
        },
        Case("scan_confirm_expiring_en", Language.EN, Route.Scan) {
            core.scanRequest = Samples.expiringRequest
            models.scan.onImage(ByteArray(0))
            models.scan.select("5F3A9C2E7B1D40A8")
        },
        Case("scan_stamp_zh", Language.ZH, Route.Scan) {
            core.scanRequest = Samples.stampRequest
            models.scan.onImage(ByteArray(0))
            models.scan.select("seal2")
        },
        Case("scan_stamp_en", Language.EN, Route.Scan) {
            core.scanRequest = Samples.stampRequest
            models.scan.onImage(ByteArray(0))
        },
        Case("scan_pin_tries_zh", Language.ZH, Route.Scan) {
            core.triesLeft = 4
            models.scan.onImage(ByteArray(0))
            models.scan.proceed()
            models.scan.submit("135791")
            models.scan.state.value.let { it as cn.mcert.app.state.ScanModel.State.EnterPin }.pin.press(2)
        },
        Case("scan_locked_zh", Language.ZH, Route.Scan) {
            core.triesLeft = 1
            models.scan.onImage(ByteArray(0))
            models.scan.proceed()
            models.scan.submit("135791")
        },
        Case("scan_done_zh", Language.ZH, Route.Scan) {
            models.scan.onImage(ByteArray(0))
            models.scan.proceed()
            models.scan.submit(core.goodPin)
        },
        Case("orders_empty_zh", Language.ZH, Route.Orders) { core.orders = emptyList() },
        Case("usage_zh", Language.ZH, Route.Usage),
        Case("usage_en", Language.EN, Route.Usage),
        Case("usage_empty_zh", Language.ZH, Route.Usage) { core.usage = emptyList() },
        Case("me_zh", Language.ZH, Route.Me),
        Case("apply_zh", Language.ZH, Route.Apply),
        Case("identity_zh", Language.ZH, Route.Identity) { core.identity = null },
        Case("seals_zh", Language.ZH, Route.Seals),
    ) + orgCases() + commerceCases() + changeCases()

    /** 证书变更 (the admin's application, its orders, paid) and 下载变更后的证书; the move code by camera. */
    private fun changeCases(): List<Case> {
        val admin = OrgSamples.admin
        val newName = "青海某某新能源建设有限公司"
        val orgCert = Samples.certificates[1].serial
        suspend fun Phone.form() {
            models.orgs.open(admin)
            models.orgChange.load(admin)
            models.orgChange.newName.value = newName
            models.orgChange.pickLicence(cn.mcert.app.core.PickedFile("营业执照（变更后）.jpg", sampleJpeg))
            models.orgChange.addOther(cn.mcert.app.core.PickedFile("变更通知书.png", samplePng))
        }
        fun Phone.changes() {
            core.orgs.orders.getValue(admin.id).addAll(
                0,
                listOf(
                    OrgSamples.change.copy(status = "awaiting_payment", statusLabel = "待支付"),
                    OrgSamples.change.copy(
                        id = "20261201-0300", status = "rejected", statusLabel = "未通过", rejectReason = "营业执照照片不清晰",
                        createdAt = "2026-12-01T03:00:00Z",
                    ),
                ),
            )
            models.orgs.open(admin)
        }
        fun Phone.renamed(here: Boolean = true) {
            core.life.orgRenamed(admin.id, newName)
            if (here) core.certificates = core.certificates.map { if (it.serial == orgCert) it.copy(onThisDevice = true) else it }
        }
        suspend fun Phone.downloaded() {
            renamed()
            models.renewal.start(orgCert)
            models.renewal.pinEntered(core.goodPin)
        }
        return listOf(
            Case("org_change_zh", Language.ZH, Route.OrgChange) { form() },
            Case("org_change_en", Language.EN, Route.OrgChange) { form() },
            Case("org_change_orders_zh", Language.ZH, Route.OrgChange) { changes() },
            Case("org_change_orders_en", Language.EN, Route.OrgChange) { changes() },
            Case("org_change_paid_zh", Language.ZH, Route.OrgChange) {
                changes()
                models.orgChange.load(admin)
                // As the page does: paid, the organisation is read again.
                if (models.orgChange.pay(models.orgChange.orders.value.first())) models.orgs.reload()
            },
            Case("order_detail_change_zh", Language.ZH, Route.OrderDetail) {
                models.orderDetail.open(OrgSamples.change.copy(status = "awaiting_payment", statusLabel = "待支付"))
            },
            Case("certificates_change_due_zh", Language.ZH, Route.Certificates) { renamed() },
            Case("certificates_change_due_en", Language.EN, Route.Certificates) { renamed() },
            Case("certificate_detail_change_zh", Language.ZH, Route.CertificateDetail) {
                renamed()
                models.certificates.refresh()
                models.certificates.open(orgCert)
            },
            Case("change_download_zh", Language.ZH, Route.ChangeDownload) {
                renamed()
                models.renewal.start(orgCert)
            },
            Case("change_download_en", Language.EN, Route.ChangeDownload) {
                renamed()
                models.renewal.start(orgCert)
            },
            Case("change_download_not_here_zh", Language.ZH, Route.ChangeDownload) {
                renamed(here = false)
                models.renewal.start(orgCert)
            },
            Case("change_download_done_zh", Language.ZH, Route.ChangeDownload) { downloaded() },
            Case("change_download_done_en", Language.EN, Route.ChangeDownload) { downloaded() },
            Case("change_download_done_personal_zh", Language.ZH, Route.ChangeDownload) {
                core.life.slots = core.life.slots.map { if (it.id == "e1") it.copy(orgId = admin.id, orgName = newName, changeDue = true) else it }
                models.renewal.start(Samples.certificates[0].serial)
                models.renewal.pinEntered(core.goodPin)
            },
            Case("migration_in_scan_zh", Language.ZH, Route.MigrationIn) {
                models.migrationIn.start()
                models.migrationIn.startScan()
                models.migrationIn.onFrame(LifeSamples.platformQr, 640, 480, 640)
            },
            Case("migration_in_scan_en", Language.EN, Route.MigrationIn) {
                models.migrationIn.start()
                models.migrationIn.startScan()
            },
            Case("migration_in_picture_zh", Language.ZH, Route.MigrationIn) {
                models.migrationIn.start()
                models.migrationIn.onImage(samplePng)
            },
        )
    }

    /** 证书补办 and 忘记密码: each step, a refusal, done. */
    private fun reissueCases(): List<Case> {
        suspend fun Phone.verified(reason: ReissueKind, serial: Int = if (reason == ReissueKind.PIN_RESET) 0 else 1) {
            models.reissue.start(Samples.certificates[serial], reason)
            models.reissue.identity.name.value = "张三"
            models.reissue.identity.idNumber.value = "110101199003070011"
            models.reissue.identity.phone.value = "13600005678"
            models.reissue.verify { "dev-live-ok" }
        }
        return listOf(
            Case("reissue_zh", Language.ZH, Route.Reissue) {
                models.reissue.start(Samples.certificates[1], ReissueKind.NEW_DEVICE)
                models.reissue.identity.name.value = "张三"
                models.reissue.identity.idNumber.value = "11010119900307001"
                models.reissue.verify { "dev-live-ok" }
            },
            Case("reissue_en", Language.EN, Route.Reissue) { models.reissue.start(Samples.certificates[1], ReissueKind.NEW_DEVICE) },
            Case("forgot_pin_zh", Language.ZH, Route.ForgotPin) { models.reissue.start(Samples.certificates[0], ReissueKind.PIN_RESET) },
            Case("forgot_pin_new_pin_zh", Language.ZH, Route.ForgotPin) { verified(ReissueKind.PIN_RESET) },
            Case("forgot_pin_reverify_zh", Language.ZH, Route.ForgotPin) {
                verified(ReissueKind.PIN_RESET)
                core.verifiedForReissue = false
                models.reissue.pinEntered("864209")
            },
            Case("reissue_done_zh", Language.ZH, Route.Reissue) {
                verified(ReissueKind.NEW_DEVICE)
                models.reissue.pinEntered("864209")
            },
            Case("reissue_done_signature_zh", Language.ZH, Route.Reissue) {
                verified(ReissueKind.NEW_DEVICE, serial = 0)
                models.reissue.pinEntered("864209")
            },
            Case("reissue_done_signature_en", Language.EN, Route.Reissue) {
                verified(ReissueKind.NEW_DEVICE, serial = 0)
                models.reissue.pinEntered("864209")
            },
            Case("forgot_pin_done_en", Language.EN, Route.ForgotPin) {
                verified(ReissueKind.PIN_RESET)
                models.reissue.pinEntered("864209")
            },
        )
    }

    /** 证书延期, 迁移到新手机 and 从旧手机迁移: each step, the refusals, done. */
    private fun lifeCases(): List<Case> {
        val personal = Samples.certificates[0]
        val organisation = Samples.certificates[1].serial
        fun Phone.renewable(id: String) {
            core.life.slots = core.life.slots.map { if (it.id == id) it.copy(renewable = true) else it }
        }
        fun Phone.orgHere() {
            core.certificates = core.certificates.map { if (it.serial == organisation) it.copy(onThisDevice = true) else it }
            renewable("e2")
        }
        suspend fun Phone.ordered() {
            renewable("e1")
            models.renewal.start(personal.serial)
            models.renewal.chooseYears(2)
            models.renewal.order()
        }
        suspend fun Phone.codeAsked() {
            models.migrationIn.start()
            models.migrationIn.code.value = LifeSamples.qr
            models.migrationIn.next()
            "864209864209".forEach { models.migrationIn.pad.value.press(it.digitToInt()) }
            models.migrationIn.pinEntered("864209")
        }
        return listOf(
            Case("certificate_detail_renewal_zh", Language.ZH, Route.CertificateDetail) {
                renewable("e1")
                models.certificates.refresh()
                models.certificates.open(personal.serial)
            },
            Case("renewal_choose_zh", Language.ZH, Route.Renewal) {
                renewable("e1")
                models.renewal.start(personal.serial)
            },
            Case("renewal_choose_en", Language.EN, Route.Renewal) {
                renewable("e1")
                models.renewal.start(personal.serial)
            },
            Case("renewal_pay_zh", Language.ZH, Route.Renewal) { ordered() },
            Case("renewal_pin_zh", Language.ZH, Route.Renewal) {
                ordered()
                models.renewal.pay()
            },
            Case("renewal_pin_wrong_en", Language.EN, Route.Renewal) {
                ordered()
                models.renewal.pay()
                models.renewal.pinEntered("135791")
            },
            Case("renewal_done_zh", Language.ZH, Route.Renewal) {
                ordered()
                models.renewal.pay()
                models.renewal.pinEntered(core.goodPin)
            },
            Case("renewal_done_en", Language.EN, Route.Renewal) {
                ordered()
                models.renewal.pay()
                models.renewal.pinEntered(core.goodPin)
            },
            Case("renewal_org_zh", Language.ZH, Route.Renewal) {
                orgHere()
                models.renewal.start(organisation)
            },
            Case("renewal_ask_admin_zh", Language.ZH, Route.Renewal) {
                orgHere()
                core.life.packageFree = 0
                models.renewal.start(organisation)
                models.renewal.order()
            },
            Case("renewal_ask_admin_en", Language.EN, Route.Renewal) {
                orgHere()
                core.life.packageFree = 0
                models.renewal.start(organisation)
                models.renewal.order()
            },
            Case("renewal_not_yet_zh", Language.ZH, Route.Renewal) {
                core.life.slots = core.life.slots.map { if (it.id == "e1") it.copy(validUntil = "2031-03-01T02:00:00Z") else it }
                models.renewal.start(personal.serial)
            },
            Case("migration_out_qr_zh", Language.ZH, Route.MigrationOut) { models.migration.start(personal) },
            Case("migration_out_qr_en", Language.EN, Route.MigrationOut) { models.migration.start(personal) },
            Case("migration_out_code_zh", Language.ZH, Route.MigrationOut) {
                models.migration.start(personal)
                core.life.newPhoneAsks()
                models.migration.poll()
            },
            Case("migration_out_code_en", Language.EN, Route.MigrationOut) {
                models.migration.start(personal)
                core.life.newPhoneAsks()
                models.migration.poll()
            },
            Case("migration_out_pin_zh", Language.ZH, Route.MigrationOut) {
                models.migration.start(personal)
                core.life.newPhoneAsks()
                models.migration.poll()
                models.migration.codesMatch()
            },
            Case("migration_in_code_zh", Language.ZH, Route.MigrationIn) {
                models.migrationIn.start()
                models.migrationIn.code.value = "https://example.cn/bid/FZ-2026-0815"
                models.migrationIn.next()
            },
            Case("migration_in_code_en", Language.EN, Route.MigrationIn) { models.migrationIn.start() },
            Case("migration_in_waiting_zh", Language.ZH, Route.MigrationIn) {
                core.life.approval = "hang"
                codeAsked()
            },
            Case("migration_in_waiting_en", Language.EN, Route.MigrationIn) {
                core.life.approval = "hang"
                codeAsked()
            },
            Case("migration_in_done_zh", Language.ZH, Route.MigrationIn) {
                codeAsked()
                models.migrationIn.waitForApproval()
                models.certificates.refresh()
            },
            Case("home_migration_in_zh", Language.ZH, Route.Home) {
                core.certificates = core.certificates.filter { it.serial != personal.serial }
            },
            Case("certificates_migration_in_zh", Language.ZH, Route.Certificates) {
                core.certificates = core.certificates.filter { it.serial != personal.serial }
            },
        )
    }

    /** 我的订单 and its pages, 发票管理, 开票信息, 打款账户. */
    private fun commerceCases(): List<Case> {
        val orders = CommerceSamples.orders
        return listOf(
            Case("orders_tabs_zh", Language.ZH, Route.Orders),
            Case("orders_tabs_en", Language.EN, Route.Orders),
            Case("orders_payment_zh", Language.ZH, Route.Orders) { models.orders.tab.value = cn.mcert.app.state.OrdersModel.Tab.Payment },
            Case("order_cancel_zh", Language.ZH, Route.Orders) {
                models.orders.refresh()
                models.orders.askCancel(orders[0])
            },
            Case("order_detail_transfer_zh", Language.ZH, Route.OrderDetail) { models.orderDetail.payByTransfer(orders[0]) },
            Case("order_detail_partial_zh", Language.ZH, Route.OrderDetail) {
                models.orderDetail.open(orders[1])
                models.orderDetail.copyAccount()
            },
            Case("order_detail_completed_en", Language.EN, Route.OrderDetail) { models.orderDetail.open(orders[5]) },
            Case("order_change_zh", Language.ZH, Route.OrderChange) {
                models.orders.startChange(orders[0])
                models.orders.changeYears.value = 2
            },
            Case("invoices_zh", Language.ZH, Route.Invoices),
            Case("invoices_empty_zh", Language.ZH, Route.Invoices) { core.commerce.invoices = emptyList() },
            Case("invoice_request_zh", Language.ZH, Route.InvoiceRequest) { models.invoices.startRequest(orders[2]) },
            Case("invoice_share_zh", Language.ZH, Route.Invoices) {
                models.invoices.refresh()
                models.invoices.share(CommerceSamples.invoices[0])
            },
            Case("billing_profiles_zh", Language.ZH, Route.BillingProfiles),
            Case("billing_profile_form_zh", Language.ZH, Route.BillingProfileForm) {
                models.billing.refresh()
                models.billing.startAdd()
                models.billing.title.value = "西宁某某工程有限公司"
                models.billing.taxpayerId.value = "91630100MA7ABCDE1X"
                models.billing.save()
            },
            Case("billing_profile_form_en", Language.EN, Route.BillingProfileForm) {
                models.billing.startAdd()
                models.billing.save()
            },
            Case("payer_accounts_zh", Language.ZH, Route.PayerAccounts),
            Case("payer_account_add_zh", Language.ZH, Route.PayerAccountAdd) {
                models.payers.holderName.value = "青海某某建设工程有限公司"
                models.payers.accountNo.value = "6222 02"
                models.payers.bankName.value = "中国工商银行西宁分行"
                models.payers.add()
            },
        )
    }

    /** The organisation pages (我的单位, CA 授权, 申请, 成员, 证书管理, 申领, 使用记录). */
    private fun orgCases(): List<Case> {
        val admin = OrgSamples.admin
        fun Phone.open(org: cn.mcert.app.core.Organisation = admin) = models.orgs.open(org)
        return listOf(
            Case("orgs_zh", Language.ZH, Route.Orgs) { core.orgs.slots = listOf(OrgSamples.claim) },
            Case("orgs_en", Language.EN, Route.Orgs),
            Case("orgs_empty_zh", Language.ZH, Route.Orgs) { core.orgs.orgs = mutableListOf() },
            Case("org_register_zh", Language.ZH, Route.OrgRegister) {
                models.registerOrg.name.value = "青海某某建设工程有限公司"
                models.registerOrg.setCreditCode("91110108MA01ABCD1F")
                models.registerOrg.legalRepName.value = "王总"
                models.registerOrg.legalRepIdNumber.value = "110101197511110041"
            },
            Case("org_detail_zh", Language.ZH, Route.OrgDetail) { open() },
            Case("org_detail_user_zh", Language.ZH, Route.OrgDetail) { open(OrgSamples.user) },
            Case("org_authorisation_zh", Language.ZH, Route.OrgAuthorisation) {
                val org = admin.copy(authorisation = OrgSamples.unauthorised)
                core.orgs.orgs = mutableListOf(org)
                open(org)
                models.authorisation.load(org)
                models.authorisation.pick(cn.mcert.app.core.PickedFile("授权书.png", samplePng))
            },
            Case("org_authorisation_pending_zh", Language.ZH, Route.OrgAuthorisation) {
                val org = admin.copy(authorisation = OrgSamples.pending)
                core.orgs.orgs = mutableListOf(org)
                open(org)
            },
            Case("org_authorisation_rejected_zh", Language.ZH, Route.OrgAuthorisation) {
                val org = admin.copy(authorisation = OrgSamples.rejected)
                core.orgs.orgs = mutableListOf(org)
                open(org)
            },
            Case("org_apply_zh", Language.ZH, Route.OrgApply) {
                open()
                models.orgApply.load(admin)
                models.orgApply.pick(cn.mcert.app.core.PickedFile("营业执照.jpg", sampleJpeg))
            },
            Case("org_apply_rejected_zh", Language.ZH, Route.OrgApply) {
                core.orgs.orders.getValue(admin.id).add(0, OrgSamples.rejectedOrder)
                open()
            },
            Case("org_members_zh", Language.ZH, Route.OrgMembers) { open() },
            Case("org_members_en", Language.EN, Route.OrgMembers) { open() },
            Case("org_members_remove_zh", Language.ZH, Route.OrgMembers) {
                open()
                models.members.load(admin)
                models.members.askRemove(OrgSamples.members[2])
            },
            Case("org_member_add_zh", Language.ZH, Route.OrgMemberAdd) {
                open()
                models.members.load(admin)
                models.members.name.value = "赵六"
                models.members.idNumber.value = "110101199003030037"
                models.members.phone.value = "13800000009"
                models.members.add()
            },
            Case("org_certificates_zh", Language.ZH, Route.OrgCertificates) { open() },
            Case("org_holder_confirm_zh", Language.ZH, Route.OrgCertificates) {
                open()
                models.orgCertificates.load(admin)
                models.orgCertificates.askHolder(OrgSamples.slots[0], OrgSamples.members[1])
            },
            Case("org_owner_zh", Language.ZH, Route.OrgOwner) {
                open()
                models.orgCertificates.load(admin)
                models.orgCertificates.startAssign(OrgSamples.slots[2])
                models.orgCertificates.ownerIdNumber.value = "110101199003030036"
                models.orgCertificates.ownerName.value = "王五"
                models.orgCertificates.holderChoice.value = "m3"
            },
            Case("org_usage_zh", Language.ZH, Route.OrgUsage) { open() },
            Case("org_seals_zh", Language.ZH, Route.OrgSeals) { open() },
            Case("org_seals_en", Language.EN, Route.OrgSeals) { open() },
            Case("org_seal_apply_zh", Language.ZH, Route.OrgSealApply) {
                open()
                models.seals.load(admin)
                models.seals.startApply()
                models.seals.photo.value = sampleJpeg
            },
            Case("org_seal_draft_zh", Language.ZH, Route.OrgSealApply) {
                open()
                models.seals.load(admin)
                models.seals.startApply()
                models.seals.photo.value = sampleJpeg
                models.seals.apply()
            },
            Case("org_seal_grants_zh", Language.ZH, Route.OrgSealGrants) {
                open()
                core.sealCore.grantSeal(
                    admin.id,
                    "s1",
                    cn.mcert.app.core.SealGrantForm("m2", listOf("FZ-2026-0815"), "2026-12-02", "2026-12-31", true),
                )
                models.sealGrants.open(admin, SealSamples.seals[0])
            },
            Case("org_seal_approvals_zh", Language.ZH, Route.OrgSealApprovals) { open() },
            Case("claims_zh", Language.ZH, Route.Claims) {
                core.orgs.slots = listOf(OrgSamples.claim, OrgSamples.claim.copy(id = "e8", kind = "organization", orgName = "福建某某科技有限公司"))
            },
        )
    }

    private val references = File(System.getProperty("mcert.references", "references"))
    private val renders = File(System.getProperty("mcert.renders", "target/renders"))
    private val update = System.getProperty("mcert.updateReferences") == "true"

    @TestFactory
    fun screens(): List<DynamicTest> = cases.map { case ->
        DynamicTest.dynamicTest(case.name) {
            requireFont()
            val phone = Phone(language = case.language, start = case.start)
            val image = try {
                runBlocking { case.setup(phone) }
                render(phone)
            } finally {
                phone.close()
            }
            check(case.name, image)
        }
    }

    private fun check(name: String, image: BufferedImage) {
        val reference = File(references, "$name.png")
        if (update) {
            reference.writePng(image)
            return
        }
        File(renders, "$name.png").writePng(image)
        assertTrue(reference.exists(), "no reference $reference: run scripts/ui-update-references.sh")
        val expected = ImageIO.read(reference)
        val diff = BufferedImage(image.width, image.height, BufferedImage.TYPE_INT_ARGB)
        val n = differingPixels(image, expected, diff = diff)
        // Anti-aliasing may differ a little between machines; a changed word does not pass.
        val allowed = 100
        if (n > allowed) File(renders, "$name.diff.png").writePng(diff)
        assertTrue(
            n <= allowed,
            "$name: $n pixels differ from the reference (at most $allowed); see ${renders}/$name.png and $name.diff.png",
        )
    }
}

/** The references are drawn with the pinned font; without it they are skipped, or fail when required. */
fun requireFont() {
    if (fontInstalled()) return
    check(System.getenv("MCERT_REQUIRE_UI").isNullOrEmpty()) { "MCERT_REQUIRE_UI is set but the font $FONT is missing (fonts-noto-cjk)" }
    assumeTrue(false, "the font $FONT is not installed (fonts-noto-cjk): screen references skipped")
}

/** 张三 written on the pad as two strokes: a wave and a zigzag (pad pixels). */
fun writeOnPad(m: cn.mcert.app.state.SignatureModel) {
    m.penDown(cn.mcert.app.core.PadPoint(40f, 150f))
    for (i in 1..50) m.penMove(cn.mcert.app.core.PadPoint(40f + i * 5f, 150f + 60f * kotlin.math.sin(i / 5f)))
    m.penDown(cn.mcert.app.core.PadPoint(310f, 80f))
    for ((x, y) in listOf(340f to 230f, 380f to 90f, 440f to 220f)) m.penMove(cn.mcert.app.core.PadPoint(x, y))
}
