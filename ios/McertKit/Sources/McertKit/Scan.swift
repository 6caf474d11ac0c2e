// Mirror of android/logic/.../state/Scan.kt.
import Foundation
import McertFFI

/// 【扫码】: camera frames → confirm screen → certificate → PIN → done. For 文件签章 the choice is
/// a seal (its certificate's PIN follows) and the platform prepares the document after the PIN.
@MainActor
public final class ScanModel: ObservableObject {
    public enum State {
        case scanning, reading
        case confirm(view: ScanView, selected: String?)
        case enterPin(view: ScanView, serial: String, pin: PinEntryModel, sealId: String?)
        case submitting
        case done(operation: String, status: String)
        case declined
        case failed(message: String, code: String)
    }

    @Published public private(set) var state: State = .scanning
    @Published public var hint: String?
    @Published public var torch = false
    private var pending: PendingScan?
    private let core: CertCore

    public init(core: CertCore) { self.core = core }

    private var isScanning: Bool { if case .scanning = state { return true } else { return false } }

    /// One camera frame: the luma plane with its row stride. Dropped while one is read.
    @discardableResult
    public func onFrame(luma: Data, width: Int, height: Int, rowStride: Int) async -> Bool {
        guard isScanning else { return false }
        state = .reading
        return await accept { try await self.core.scanFrame(luma: luma, width: width, height: height, rowStride: rowStride) }
    }

    @discardableResult
    public func onImage(_ image: Data) async -> Bool {
        guard isScanning else { return false }
        state = .reading
        return await accept { try await self.core.scanImage(image) }
    }

    private func accept(_ read: () async throws -> PendingScan) async -> Bool {
        do {
            let scan = try await read()
            pending = scan
            let view = scan.view()
            hint = nil
            if let stamp = view.stamp {
                state = stamp.seals.isEmpty
                    ? .failed(message: Texts["stamp_no_seal"], code: "no_usable_seal")
                    : .confirm(view: view, selected: stamp.seals.count == 1 ? stamp.seals[0].id : nil)
            } else {
                state = view.choices.isEmpty
                    ? .failed(message: Texts["no_choice"], code: "no_eligible_certificate")
                    : .confirm(view: view, selected: view.choices.count == 1 ? view.choices[0].serial : nil)
            }
            return true
        } catch let e as AppError {
            switch e.code {
            case "no_qr_code", "qr_none": state = .scanning
            case "not_mcert_code", "malformed_qr": hint = e.message; state = .scanning
            default: state = .failed(message: e.message, code: e.code)
            }
            return false
        } catch {
            // Anything else (an unexpected error of the bindings): say so, never stay in "reading".
            state = .failed(message: Texts["internal_error"], code: "internal")
            return false
        }
    }

    /// Picks a certificate (by serial), or for a stamp a seal (by id).
    public func select(_ choice: String) {
        guard case let .confirm(view, _) = state else { return }
        let known = view.stamp.map { $0.seals.contains(where: { $0.id == choice }) }
            ?? view.choices.contains(where: { $0.serial == choice })
        if known { state = .confirm(view: view, selected: choice) }
    }

    /// 【确认】: on to the PIN pad (of the seal's certificate for a stamp).
    public func proceed() {
        guard case let .confirm(view, selected) = state, let choice = selected else { return }
        let pad = PinEntryModel(core: core, mode: .unlock)
        if let stamp = view.stamp {
            guard let seal = stamp.seals.first(where: { $0.id == choice }) else { return }
            state = .enterPin(view: view, serial: seal.certificateSerial, pin: pad, sealId: seal.id)
        } else {
            state = .enterPin(view: view, serial: choice, pin: pad, sealId: nil)
        }
    }

    public func submit(pin: String) async {
        guard case let .enterPin(view, serial, pad, sealId) = state, let scan = pending else { return }
        state = .submitting
        do {
            let outcome = if let sealId {
                try await core.stamp(scan: scan, sealId: sealId, pin: pin)
            } else {
                try await core.confirm(scan: scan, serial: serial, pin: pin)
            }
            state = .done(operation: view.operation, status: outcome.status)
        } catch let e as AppError {
            if e.triesLeft != nil {
                pad.refused(e)
                state = e.locked
                    ? .failed(message: e.message, code: e.code)
                    : .enterPin(view: view, serial: serial, pin: pad, sealId: sealId)
            } else {
                state = .failed(message: e.message, code: e.code)
            }
        } catch {}
    }

    /// 【取消】
    public func decline() async {
        guard let scan = pending else { state = .scanning; return }
        do {
            _ = try await core.decline(scan: scan)
            state = .declined
        } catch let e as AppError { state = .failed(message: e.message, code: e.code) } catch {}
    }

    public func reset() {
        pending = nil
        hint = nil
        state = .scanning
    }
}

/// 【使用记录】: newest first, a page at a time, optionally within dates.
@MainActor
public final class UsageModel: ObservableObject {
    @Published public private(set) var items: [UsageView] = []
    @Published public var from: String?
    @Published public var to: String?
    @Published public private(set) var hasMore = false
    @Published public var error: String?
    private var cursor: String?
    private var started = false
    private let core: CertCore
    private let pageSize: Int

    public init(core: CertCore, pageSize: Int = 20) {
        self.core = core
        self.pageSize = pageSize
    }

    public func refresh() async {
        cursor = nil
        started = false
        items = []
        await loadMore()
    }

    public func loadMore() async {
        if started && cursor == nil { return }
        started = true
        do {
            let page = try await core.usage(from: from, to: to, cursor: cursor, limit: pageSize)
            items += page.items
            cursor = page.nextCursor
            hasMore = page.nextCursor != nil
            error = nil
        } catch let e as AppError { error = e.message } catch {}
    }
}
