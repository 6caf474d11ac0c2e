// Mirror of android/logic/.../state/Billing.kt.
import Foundation
import McertFFI

/// 【开票信息】: invoice titles, one of them the default; a company's (单位, its unified social
/// credit code as 纳税人识别号, checked by its check character) or a person's (个人).
@MainActor
public final class BillingProfilesModel: ObservableObject {
    @Published public private(set) var profiles: [BillingProfileView] = []
    @Published public private(set) var loading = false
    @Published public private(set) var busy = false
    @Published public var problem: Problem?
    @Published public var deleting: BillingProfileView?
    @Published public private(set) var editing: BillingProfileView?
    @Published public var kind: TitleKind = .company
    @Published public var title = ""
    @Published public var taxpayerId = ""
    @Published public var addressPhone = ""
    @Published public var bankName = ""
    @Published public var bankAccount = ""
    @Published public var isDefault = false
    private let core: CertCore

    public init(core: CertCore) { self.core = core }

    public func refresh() async {
        loading = true
        defer { loading = false }
        do {
            profiles = try await core.billingProfiles()
            problem = nil
        } catch let e as AppError { problem = .of(e) } catch {}
    }

    /// An empty form (the first profile becomes the default).
    public func startAdd() {
        editing = nil
        kind = .company
        title = ""
        taxpayerId = ""
        addressPhone = ""
        bankName = ""
        bankAccount = ""
        isDefault = profiles.isEmpty
        problem = nil
    }

    public func startEdit(_ p: BillingProfileView) {
        editing = p
        kind = p.kind
        title = p.title
        taxpayerId = p.taxpayerId ?? ""
        addressPhone = p.addressPhone ?? ""
        bankName = p.bankName ?? ""
        bankAccount = p.bankAccount ?? ""
        isDefault = p.isDefault
        problem = nil
    }

    private var taxpayer: String { taxpayerId.filter { !$0.isWhitespace }.uppercased() }

    private func optional(_ s: String) -> String? {
        let t = s.trimmingCharacters(in: .whitespaces)
        return t.isEmpty ? nil : t
    }

    public func checkForm() -> Problem? {
        if !Validate.title(title) { return .local("bad_title", field: "title") }
        if kind == .company && !Validate.creditCode(taxpayer) { return .local("bad_taxpayer_id", field: "taxpayer_id") }
        if !bankAccount.trimmingCharacters(in: .whitespaces).isEmpty && !Validate.accountNumber(Display.digits(bankAccount)) {
            return .local("bad_bank_account", field: "bank_account")
        }
        return nil
    }

    private func form() -> BillingProfileForm {
        let account = Display.digits(bankAccount)
        return BillingProfileForm(
            kind: kind, title: title.trimmingCharacters(in: .whitespaces), taxpayerId: kind == .company ? taxpayer : nil,
            addressPhone: optional(addressPhone), bankName: optional(bankName), bankAccount: account.isEmpty ? nil : account,
            isDefault: isDefault
        )
    }

    /// 【保存】: true when the profile was added or changed.
    @discardableResult
    public func save() async -> Bool {
        if let p = checkForm() { problem = p; return false }
        let f = form()
        let id = editing?.id
        return await act {
            if let id { _ = try await self.core.updateBillingProfile(profileId: id, form: f) }
            else { _ = try await self.core.addBillingProfile(form: f) }
        }
    }

    /// 【设为默认】
    @discardableResult
    public func setDefault(_ p: BillingProfileView) async -> Bool {
        if p.isDefault { return true }
        let f = BillingProfileForm(
            kind: p.kind, title: p.title, taxpayerId: p.taxpayerId, addressPhone: p.addressPhone,
            bankName: p.bankName, bankAccount: p.bankAccount, isDefault: true
        )
        return await act { _ = try await self.core.updateBillingProfile(profileId: p.id, form: f) }
    }

    public func askDelete(_ p: BillingProfileView) { deleting = p }

    @discardableResult
    public func confirmDelete() async -> Bool {
        guard let p = deleting else { return false }
        deleting = nil
        return await act { try await self.core.deleteBillingProfile(profileId: p.id) }
    }

    private func act(_ action: () async throws -> Void) async -> Bool {
        busy = true
        defer { busy = false }
        do {
            try await action()
            problem = nil
            await refresh()
            return true
        } catch let e as AppError { problem = .of(e) } catch {}
        return false
    }
}

/// 【打款账户】: the accounts the buyer transfers from (masked), added with 账户类型, 户名, 账号
/// (8 to 32 digits) and 开户银行, deleted after a confirmation.
@MainActor
public final class PayerAccountsModel: ObservableObject {
    @Published public private(set) var accounts: [PayerAccountView] = []
    @Published public private(set) var loading = false
    @Published public private(set) var busy = false
    @Published public var problem: Problem?
    @Published public var deleting: PayerAccountView?
    @Published public var kind: PayerKind = .public
    @Published public var holderName = ""
    @Published public var accountNo = ""
    @Published public var bankName = ""
    private let core: CertCore

    public init(core: CertCore) { self.core = core }

    public func refresh() async {
        loading = true
        defer { loading = false }
        do {
            accounts = try await core.payerAccounts()
            problem = nil
        } catch let e as AppError { problem = .of(e) } catch {}
    }

    public func clearForm() {
        kind = .public
        holderName = ""
        accountNo = ""
        bankName = ""
        problem = nil
    }

    public func checkForm() -> Problem? {
        if !Validate.title(holderName) { return .local("bad_holder_name", field: "holder_name") }
        if !Validate.accountNumber(Display.digits(accountNo)) || accountNo.contains(where: { $0.isLetter }) {
            return .local("bad_bank_account", field: "account_no")
        }
        if !Validate.title(bankName) { return .local("bad_bank_name", field: "bank_name") }
        return nil
    }

    /// 【添加】: true when the account was added (the form is cleared).
    @discardableResult
    public func add() async -> Bool {
        if let p = checkForm() { problem = p; return false }
        let form = PayerAccountForm(
            kind: kind, holderName: holderName.trimmingCharacters(in: .whitespaces),
            accountNo: Display.digits(accountNo), bankName: bankName.trimmingCharacters(in: .whitespaces)
        )
        return await act {
            _ = try await self.core.addPayerAccount(form: form)
            self.clearForm()
        }
    }

    public func askDelete(_ a: PayerAccountView) { deleting = a }

    @discardableResult
    public func confirmDelete() async -> Bool {
        guard let a = deleting else { return false }
        deleting = nil
        return await act { try await self.core.deletePayerAccount(payerId: a.id) }
    }

    private func act(_ action: () async throws -> Void) async -> Bool {
        busy = true
        defer { busy = false }
        do {
            try await action()
            problem = nil
            await refresh()
            return true
        } catch let e as AppError { problem = .of(e) } catch {}
        return false
    }
}
