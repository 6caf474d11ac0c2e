// Mirror of android/logic/.../state/Signatures.kt.
import Foundation
import McertFFI

/// 【签章图片】 of one personal certificate: the 签章图片告知函 while it has no signature (or one
/// is remade); agreeing makes the generated name seal, usable at once, or opens the pad for a
/// handwritten signature (or a photo of one), cleaned by the service into a draft that is
/// submitted for review and stamps once approved.
@MainActor
public final class SignatureModel: ObservableObject {
    @Published public private(set) var serial: String?
    @Published public private(set) var current: SignatureView?
    @Published public private(set) var picture: Data?
    /// The newest handwritten signature not yet in force: a draft, under review or rejected.
    @Published public private(set) var handwritten: SignatureView?
    @Published public private(set) var handwrittenPicture: Data?
    @Published public private(set) var notice: SignatureNoticeView?
    /// The pad is shown (the notice was agreed to).
    @Published public private(set) var writing = false
    /// What is written on the pad so far.
    @Published public private(set) var strokes: [[PadPoint]] = []
    @Published public var problem: Problem?
    @Published public private(set) var busy = false
    private var agreed: SignatureNoticeView?
    private let core: CertCore
    /// The service's own limits on what a pad may send.
    private static let maxStrokes = 200
    private static let maxPoints = 20_000

    public init(core: CertCore) { self.core = core }

    private static func isHandwritten(_ s: SignatureView) -> Bool { s.source == "drawn" || s.source == "photo" }

    /// Shows the certificate `serial`: its signatures, or the notice to agree to.
    public func load(serial: String) async {
        if self.serial != serial {
            current = nil; picture = nil; handwritten = nil; handwrittenPicture = nil
            notice = nil; writing = false; strokes = []
        }
        self.serial = serial
        await act {
            let mine = try await self.core.signatures().filter { $0.certificateSerial == serial }
            let active = mine.first { $0.status == "active" }
            let waiting = mine.first { Self.isHandwritten($0) && $0.status != "active" && $0.status != "void" }
            self.current = active
            self.picture = try await active.asyncMap { try await self.core.signaturePicture(id: $0.id) }
            self.handwritten = waiting
            self.handwrittenPicture = try await waiting.asyncMap { try await self.core.signaturePicture(id: $0.id) }
            self.notice = active == nil && waiting == nil ? try await self.core.signatureNotice() : nil
        }
    }

    /// 【重新生成】 / 【重新书写】: the notice again; agreeing makes a new signature.
    public func remake() async {
        writing = false
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

    /// 【同意并手写签名】: the notice is agreed to and the pad is shown, empty.
    public func startWriting() {
        guard let n = notice else { return }
        agreed = n
        notice = nil
        strokes = []
        problem = nil
        writing = true
    }

    /// A new stroke begins at `p`.
    public func penDown(_ p: PadPoint) {
        guard strokes.count < Self.maxStrokes else { return }
        strokes.append([p])
    }

    /// The stroke being written goes on to `p`.
    public func penMove(_ p: PadPoint) {
        guard !strokes.isEmpty, strokes.reduce(0, { $0 + $1.count }) < Self.maxPoints else { return }
        strokes[strokes.count - 1].append(p)
    }

    /// 【清除】.
    public func clearPad() { strokes = [] }

    /// 【取消】: back to the notice.
    public func cancelWriting() {
        writing = false
        strokes = []
        if current == nil && handwritten == nil { notice = agreed }
    }

    /// 【完成】: what is written on a pad of `width` × `height` becomes a cleaned draft.
    @discardableResult
    public func finishWriting(width: Float, height: Float) async -> Bool {
        guard let serial, let version = agreed?.version else { return false }
        if strokes.isEmpty {
            problem = .local("signature_pad_empty")
            return false
        }
        let written = strokes
        return await drafted {
            try await self.core.drawSignature(serial: serial, noticeVersion: version, padWidth: width, padHeight: height, strokes: written)
        }
    }

    /// 【拍照上传】: a photo of a signature on white paper becomes a cleaned draft.
    @discardableResult
    public func usePhoto(_ photo: Data) async -> Bool {
        guard let serial, let version = agreed?.version else { return false }
        return await drafted { try await self.core.photoSignature(serial: serial, noticeVersion: version, photo: photo) }
    }

    private func drafted(_ make: () async throws -> SignatureView) async -> Bool {
        await act {
            let draft = try await make()
            self.handwritten = draft
            self.handwrittenPicture = try await self.core.signaturePicture(id: draft.id)
            self.writing = false
            self.strokes = []
        }
    }

    /// 【提交审核】: the draft (or the rejected signature) goes to review.
    @discardableResult
    public func submit() async -> Bool {
        guard let draft = handwritten else { return false }
        return await act { self.handwritten = try await self.core.submitSignature(id: draft.id) }
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

extension Optional {
    /// The async `map` of an optional.
    func asyncMap<T>(_ f: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let w = self else { return nil }
        return try await f(w)
    }
}
