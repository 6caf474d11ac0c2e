package cn.mcert.app.bridge

import cn.mcert.app.core.BillingProfile
import cn.mcert.app.core.BillingProfileForm
import cn.mcert.app.core.CommerceCore
import cn.mcert.app.core.Invoice
import cn.mcert.app.core.InvoiceShare
import cn.mcert.app.core.PayerAccount
import cn.mcert.app.core.PayerAccountForm
import cn.mcert.app.core.PayerKind
import cn.mcert.app.core.TitleKind
import cn.mcert.app.core.Transfer
import cn.mcert.ffi.McertApp
import cn.mcert.ffi.BillingProfileForm as FfiBillingProfileForm
import cn.mcert.ffi.BillingProfileView as FfiBillingProfile
import cn.mcert.ffi.InvoiceView as FfiInvoice
import cn.mcert.ffi.PayerAccountForm as FfiPayerAccountForm
import cn.mcert.ffi.PayerAccountView as FfiPayerAccount
import cn.mcert.ffi.PayerKind as FfiPayerKind
import cn.mcert.ffi.TitleKind as FfiTitleKind
import cn.mcert.ffi.TransferView as FfiTransfer

/** [CommerceCore] over the generated bindings: orders, transfers, invoices, billing, payers. */
class FfiCommerceCore(private val app: McertApp) : CommerceCore {
    override suspend fun cancelOrder(orderId: String) = ffi { app.cancelOrder(orderId).toApp() }
    override suspend fun changeOrder(orderId: String, years: Long) = ffi { app.changeOrder(orderId, years).toApp() }
    override suspend fun payByTransfer(orderId: String) = ffi { app.payByTransfer(orderId).toApp() }
    override suspend fun requestInvoice(orderId: String, profileId: String?) = ffi { app.requestInvoice(orderId, profileId).toApp() }
    override suspend fun invoices() = ffi { app.invoices().map { it.toApp() } }
    override suspend fun invoicePdf(invoiceId: String) = ffi { app.invoicePdf(invoiceId) }
    override suspend fun shareInvoice(invoiceId: String) = ffi { app.shareInvoice(invoiceId).let { InvoiceShare(it.url, it.expiresAt) } }
    override suspend fun billingProfiles() = ffi { app.billingProfiles().map { it.toApp() } }
    override suspend fun addBillingProfile(form: BillingProfileForm) = ffi { app.addBillingProfile(form.toFfi()).toApp() }
    override suspend fun updateBillingProfile(profileId: String, form: BillingProfileForm) =
        ffi { app.updateBillingProfile(profileId, form.toFfi()).toApp() }
    override suspend fun deleteBillingProfile(profileId: String) = ffi { app.deleteBillingProfile(profileId) }
    override suspend fun payerAccounts() = ffi { app.payerAccounts().map { it.toApp() } }
    override suspend fun addPayerAccount(form: PayerAccountForm) = ffi {
        app.addPayerAccount(FfiPayerAccountForm(form.kind.toFfi(), form.holderName, form.accountNo, form.bankName)).toApp()
    }
    override suspend fun deletePayerAccount(payerId: String) = ffi { app.deletePayerAccount(payerId) }
}

internal fun FfiTransfer.toApp() = Transfer(bankName, accountName, accountNo, amountDueFen, currency, deadline)

private fun FfiTitleKind.toApp() = when (this) {
    FfiTitleKind.COMPANY -> TitleKind.COMPANY
    FfiTitleKind.PERSONAL -> TitleKind.PERSONAL
}

private fun TitleKind.toFfi() = when (this) {
    TitleKind.COMPANY -> FfiTitleKind.COMPANY
    TitleKind.PERSONAL -> FfiTitleKind.PERSONAL
}

private fun FfiPayerKind.toApp() = when (this) {
    FfiPayerKind.PUBLIC -> PayerKind.PUBLIC
    FfiPayerKind.PERSONAL -> PayerKind.PERSONAL
}

private fun PayerKind.toFfi() = when (this) {
    PayerKind.PUBLIC -> FfiPayerKind.PUBLIC
    PayerKind.PERSONAL -> FfiPayerKind.PERSONAL
}

private fun FfiBillingProfile.toApp() =
    BillingProfile(id, kind.toApp(), title, taxpayerId, addressPhone, bankName, bankAccount, isDefault)

private fun BillingProfileForm.toFfi() =
    FfiBillingProfileForm(kind.toFfi(), title, taxpayerId, addressPhone, bankName, bankAccount, isDefault)

private fun FfiPayerAccount.toApp() = PayerAccount(id, kind.toApp(), holderName, accountNoMasked, bankName)

private fun FfiInvoice.toApp() = Invoice(
    id = id,
    orderId = orderId,
    kind = kind,
    status = status,
    statusLabel = statusLabel,
    number = number,
    title = title,
    taxpayerId = taxpayerId,
    amountFen = amountFen,
    taxFen = taxFen,
    totalFen = totalFen,
    currency = currency,
    issuedAt = issuedAt,
    reverses = reverses,
)
