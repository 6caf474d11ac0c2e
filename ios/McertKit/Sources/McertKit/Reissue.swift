// Mirror of android/logic/.../state/Reissue.kt.
import Foundation
import McertFFI

/// 【证书补办】 (a new phone, or the app reinstalled) and 【忘记密码】 (a new key under a new PIN on
/// this phone) of a certificate's slot: 【实名认证】 with the face check again (`.verify`, the form
/// of `identity`), the new PIN twice (`.newPin`), then the new certificate (`.done`: the old one
/// is revoked, the escrowed encryption keys are back under the new PIN). A verification counts
/// for 10 minutes and serves one reissue: when the service asks for it again
/// (`reverify_required`) the form comes back as it was filled, with the reason.
@MainActor
public final class ReissueModel: ObservableObject {
    public enum Step { case verify, newPin, done }

    /// The certificate whose slot is issued again.
    @Published public private(set) var certificate: CertificateView?
    @Published public private(set) var reason: ReissueKind = .newDevice
    /// The real-name form (name, ID number, phone) submitted with the face check's token.
    public let identity: IdentityModel
    @Published public private(set) var step: Step = .verify
    /// The pad for the new PIN (asked twice, the policy checked first).
    @Published public private(set) var pad: PinEntryModel
    /// The new certificate, once done.
    @Published public private(set) var result: InstalledView?
    @Published public var problem: Problem?
    @Published public private(set) var busy = false
    private var algorithm: KeyAlgorithm = .sm2
    private let core: CertCore

    public init(core: CertCore) {
        self.core = core
        identity = IdentityModel(core: core)
        pad = PinEntryModel(core: core, mode: .new)
    }

    /// Starts over for `certificate`'s slot: a new key of its algorithm, for `reason`.
    public func start(certificate: CertificateView, reason: ReissueKind, algorithm: KeyAlgorithm? = nil) {
        self.certificate = certificate
        self.reason = reason
        self.algorithm = algorithm ?? certificate.keyAlgorithm
        identity.clear()
        pad = PinEntryModel(core: core, mode: .new)
        result = nil
        problem = nil
        busy = false
        step = .verify
    }

    /// 【人脸识别并提交】: the form is checked here first, then `faceCheck` runs (the vendor's
    /// SDK, returning its token) and the service verifies; verified, the new PIN is asked next.
    @discardableResult
    public func verify(faceCheck: () async -> String) async -> Bool {
        guard certificate != nil else { return false }
        if let p = formProblem() {
            problem = p
            return false
        }
        busy = true
        defer { busy = false }
        await identity.submit(faceToken: await faceCheck())
        switch identity.state {
        case .verified:
            problem = nil
            pad = PinEntryModel(core: core, mode: .new)
            step = .newPin
            return true
        case let .failed(message, code):
            problem = Problem(message: message, code: code)
            identity.edit()
            return false
        default:
            return false
        }
    }

    /// The new PIN is typed twice: the core makes the key and the certificate is issued again.
    @discardableResult
    public func pinEntered(_ pin: String) async -> Bool {
        guard let certificate else { return false }
        busy = true
        defer { busy = false }
        do {
            result = try await core.reissue(entitlementId: certificate.entitlementId, algorithm: algorithm, pin: pin, reason: reason)
            problem = nil
            step = .done
            return true
        } catch let e as AppError {
            pad = PinEntryModel(core: core, mode: .new)
            if e.code == "reverify_required" {
                // Stale or already spent: verify again, with the form as it was.
                problem = .local("reissue_reverify")
                identity.edit()
                step = .verify
            } else {
                problem = .of(e)
            }
            return false
        } catch {
            return false
        }
    }

    private func formProblem() -> Problem? {
        if !Validate.personName(identity.name) { return .local("bad_person_name", field: "name") }
        let id = identity.idNumber.trimmingCharacters(in: .whitespaces).uppercased()
        if !Validate.idNumber(id) { return .local("bad_id_number", field: "id_number") }
        if !Validate.mobile(identity.phone.trimmingCharacters(in: .whitespaces)) { return .local("bad_phone", field: "phone") }
        return nil
    }
}

public extension CertificateView {
    /// The key algorithm, as a new key for it is made.
    var keyAlgorithm: KeyAlgorithm {
        algorithm.uppercased().replacingOccurrences(of: "-", with: "").contains("P256") ? .p256 : .sm2
    }
}
