// Mirror of android/logic/.../state/Session.kt.
import Foundation
import McertFFI

/// The login screen (SMS code).
@MainActor
public final class LoginModel: ObservableObject {
    public enum State: Equatable {
        case idle, busy
        case codeSent(resendAfterSecs: Int)
        case loggedIn(accountId: String, phoneMasked: String)
        case failed(message: String, code: String)
    }

    @Published public var phone = ""
    @Published public var code = ""
    @Published public private(set) var state: State = .idle
    private let core: CertCore

    public init(core: CertCore) { self.core = core }

    public func phoneValid() -> Bool {
        phone.trimmingCharacters(in: .whitespaces).range(of: "^1[3-9][0-9]{9}$", options: .regularExpression) != nil
    }

    /// 【获取验证码】
    public func sendCode() async {
        guard phoneValid() else { state = .failed(message: Texts["bad_phone"], code: "bad_phone"); return }
        state = .busy
        do {
            try await core.requestCode(phone: phone.trimmingCharacters(in: .whitespaces))
            state = .codeSent(resendAfterSecs: 60)
        } catch let e as AppError {
            state = .failed(message: e.message, code: e.code)
        } catch {}
    }

    /// 【登录】
    public func login() async {
        guard phoneValid() else { state = .failed(message: Texts["bad_phone"], code: "bad_phone"); return }
        guard Validate.smsCode(code) else {
            state = .failed(message: Texts["bad_code"], code: "bad_code"); return
        }
        state = .busy
        do {
            let account = try await core.login(phone: phone.trimmingCharacters(in: .whitespaces), code: code)
            state = .loggedIn(accountId: account.id, phoneMasked: account.phoneMasked)
        } catch let e as AppError {
            state = .failed(message: e.message, code: e.code)
        } catch {}
    }
}

/// The platform choice after login.
@MainActor
public final class PlatformModel: ObservableObject {
    @Published public private(set) var platforms: [PlatformView] = []
    @Published public var error: String?
    @Published public private(set) var chosen: String?
    private let core: CertCore

    public init(core: CertCore) { self.core = core }

    public func load() async {
        do { platforms = try await core.platforms() } catch let e as AppError { error = e.message } catch {}
    }

    public func choose(_ id: String) async {
        do {
            try await core.choosePlatform(id: id)
            chosen = id
        } catch let e as AppError { error = e.message } catch {}
    }
}

/// The home screen: 【数字证书】【扫码】【电子印章】【授权管理】【使用记录】【我的订单】 and the
/// account's state.
@MainActor
public final class HomeModel: ObservableObject {
    public enum Entry: String, CaseIterable {
        case certificates = "home_certificates", scan = "home_scan", seals = "home_seals"
        case authorization = "home_authorization"
        case usage = "home_usage", orders = "home_orders"
    }

    public struct Summary {
        public let identity: IdentityView?
        public let certificatesOnPhone: Int
        public let slotsToInstall: Int
        /// Organisations' certificates granted to the account, to claim (待申领的证书).
        public let claims: Int
    }

    public let entries = Entry.allCases
    public func label(_ e: Entry) -> String { Texts[e.rawValue] }
    @Published public private(set) var summary: Summary?
    @Published public var error: String?
    private let core: CertCore

    public init(core: CertCore) { self.core = core }

    public func refresh() async {
        do {
            let certs = try await core.certificates()
            summary = Summary(
                identity: try await core.identity(),
                certificatesOnPhone: certs.filter { $0.onThisDevice && $0.status == "good" }.count,
                slotsToInstall: try await core.pendingSlots().count,
                claims: try await core.slots().filter(\.claimable).count
            )
        } catch let e as AppError { error = e.message } catch {}
    }
}

/// 【实名认证】
@MainActor
public final class IdentityModel: ObservableObject {
    public enum State { case editing, busy, verified(IdentityView), failed(message: String, code: String) }

    @Published public var name = ""
    @Published public var idNumber = ""
    @Published public var phone = ""
    @Published public var bankCard = ""
    @Published public private(set) var state: State = .editing
    private let core: CertCore

    public init(core: CertCore) { self.core = core }

    /// Empties the form and starts it over (a verification asked again).
    public func clear() {
        name = ""
        idNumber = ""
        phone = ""
        bankCard = ""
        state = .editing
    }

    /// Back to the form as it was filled (the verification is to be made again).
    public func edit() { state = .editing }

    /// Submits with the token of the face-liveness check.
    public func submit(faceToken: String) async {
        state = .busy
        let card = bankCard.trimmingCharacters(in: .whitespaces)
        do {
            state = .verified(try await core.verifyIdentity(form: IdentityForm(
                name: name.trimmingCharacters(in: .whitespaces),
                idNumber: idNumber.trimmingCharacters(in: .whitespaces).uppercased(),
                phone: phone.trimmingCharacters(in: .whitespaces),
                bankCard: card.isEmpty ? nil : card,
                faceToken: faceToken
            )))
        } catch let e as AppError {
            state = .failed(message: e.message, code: e.code)
        } catch {}
    }
}
