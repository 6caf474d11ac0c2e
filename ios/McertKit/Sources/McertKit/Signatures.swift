// Mirror of android/logic/.../state/Signatures.kt.
import Foundation
import McertFFI

/// 【签章图片】 of one personal certificate: the 签章图片告知函 while it has no active signature
/// (or one is remade); agreeing makes the generated name seal, usable at once.
@MainActor
public final class SignatureModel: ObservableObject {
    @Published public private(set) var serial: String?
    @Published public private(set) var current: SignatureView?
    @Published public private(set) var picture: Data?
    @Published public private(set) var notice: SignatureNoticeView?
    @Published public var problem: Problem?
    @Published public private(set) var busy = false
    private let core: CertCore

    public init(core: CertCore) { self.core = core }

    /// Shows the certificate `serial`: its active signature, or the notice to agree to.
    public func load(serial: String) async {
        if self.serial != serial { current = nil; picture = nil; notice = nil }
        self.serial = serial
        await act {
            let active = try await self.core.signatures().first { $0.certificateSerial == serial && $0.status == "active" }
            self.current = active
            if let a = active {
                self.picture = try await self.core.signaturePicture(id: a.id)
                self.notice = nil
            } else {
                self.picture = nil
                self.notice = try await self.core.signatureNotice()
            }
        }
    }

    /// 【重新生成】: the notice again; agreeing replaces the active signature.
    public func remake() async {
        await act { self.notice = try await self.core.signatureNotice() }
    }

    /// 【同意】: the name seal is made under the notice shown.
    @discardableResult
    public func agree() async -> Bool {
        guard let serial, let notice else { return false }
        return await act {
            let made = try await self.core.makeNameSeal(serial: serial, noticeVersion: notice.version)
            self.current = made
            self.picture = try await self.core.signaturePicture(id: made.id)
            self.notice = nil
        }
    }

    @discardableResult
    private func act(_ action: () async throws -> Void) async -> Bool {
        busy = true
        defer { busy = false }
        do {
            try await action()
            problem = nil
            return true
        } catch let e as AppError {
            problem = .of(e)
            return false
        } catch {
            return false
        }
    }
}
