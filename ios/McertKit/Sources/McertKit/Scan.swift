// Mirror of android/logic/.../state/Scan.kt.
import Foundation
import McertFFI

/// 【扫码】: camera frames → confirm screen → certificate → PIN → done. For 文件签章 the choice is
/// a seal (its certificate's PIN follows) and the platform prepares the document after the PIN.
@MainActor
public final class ScanModel: ObservableObject {
    public enum State {
        case scanning, reading
        /// `more`: the seals of a stamp session's further places, in order.
        case confirm(view: ScanView, selected: String?, more: [String?])
        /// For a stamp with several places `picks` holds each place's seal and `pins` the
        /// PINs entered so far (one per certificate).
        case enterPin(view: ScanView, serial: String, pin: PinEntryModel, sealId: String?, picks: [String], pins: [String: String])
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
                let only = { (place: Int) -> String? in
                    let fit = Self.seals(stamp, place)
                    return fit.count == 1 ? fit[0].id : nil
                }
                state = stamp.seals.isEmpty
                    ? .failed(message: Texts["stamp_no_seal"], code: "no_usable_seal")
                    : .confirm(view: view, selected: only(0), more: (1..<Self.placeCount(stamp)).map(only))
            } else {
                state = view.choices.isEmpty
                    ? .failed(message: Texts["no_choice"], code: "no_eligible_certificate")
                    : .confirm(view: view, selected: view.choices.count == 1 ? view.choices[0].serial : nil, more: [])
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

    /// How many stamps a stamp session makes.
    public static func placeCount(_ stamp: StampInfo) -> Int { max(stamp.places.count, 1) }

    /// The seals that may stamp place `index` (its kinds; all when it names none).
    public static func seals(_ stamp: StampInfo, _ index: Int) -> [StampSealChoice] {
        let kinds = index < stamp.places.count ? stamp.places[index].sealKinds : []
        return stamp.seals.filter { kinds.isEmpty || kinds.contains($0.kind) }
    }

    /// The picked certificate (for a stamp: the first picked seal's certificate) that expires
    /// before the project's bid opening (`view.openingAt`), if any. Confirming is not blocked:
    /// the confirm screen warns before the PIN.
    public static func expiring(_ view: ScanView, selected: String?, more: [String?]) -> CertificateChoice? {
        guard view.openingAt != nil else { return nil }
        let serials: [String]
        if let stamp = view.stamp {
            serials = ([selected] + more).compactMap { id in stamp.seals.first(where: { $0.id == id })?.certificateSerial }
        } else {
            serials = selected.map { [$0] } ?? []
        }
        for serial in serials {
            if let c = view.choices.first(where: { $0.serial.caseInsensitiveCompare(serial) == .orderedSame && $0.expiresBeforeOpening }) {
                return c
            }
        }
        return nil
    }

    /// Picks a certificate (by serial), or for a stamp the seal of its first place (by id).
    public func select(_ choice: String) {
        guard case let .confirm(view, _, more) = state else { return }
        let known = view.stamp.map { Self.seals($0, 0).contains(where: { $0.id == choice }) }
            ?? view.choices.contains(where: { $0.serial == choice })
        if known { state = .confirm(view: view, selected: choice, more: more) }
    }

    /// Picks the seal of a stamp session's further place `place` (1-based past the first).
    public func selectAt(_ place: Int, _ sealId: String) {
        guard case let .confirm(view, selected, more) = state, let stamp = view.stamp,
              place >= 1, place < Self.placeCount(stamp),
              Self.seals(stamp, place).contains(where: { $0.id == sealId }) else { return }
        var picks = more
        picks[place - 1] = sealId
        state = .confirm(view: view, selected: selected, more: picks)
    }

    /// 【确认】: on to the PIN pad (of the seal's certificate for a stamp).
    public func proceed() {
        guard case let .confirm(view, selected, more) = state, let choice = selected else { return }
        let pad = PinEntryModel(core: core, mode: .unlock)
        if let stamp = view.stamp {
            guard let seal = stamp.seals.first(where: { $0.id == choice }) else { return }
            let rest = more.compactMap { $0 }
            guard rest.count == more.count else { return }
            let picks = Self.placeCount(stamp) > 1 ? [seal.id] + rest : []
            state = .enterPin(view: view, serial: seal.certificateSerial, pin: pad, sealId: seal.id, picks: picks, pins: [:])
        } else {
            state = .enterPin(view: view, serial: choice, pin: pad, sealId: nil, picks: [], pins: [:])
        }
    }

    /// The certificates a stamp's seals sign with, in the order of the places.
    private func certificates(_ view: ScanView, _ picks: [String]) -> [String] {
        var out: [String] = []
        for id in picks {
            if let serial = view.stamp?.seals.first(where: { $0.id == id })?.certificateSerial, !out.contains(serial) {
                out.append(serial)
            }
        }
        return out
    }

    public func submit(pin: String) async {
        guard case let .enterPin(view, serial, pad, sealId, picks, entered) = state, let scan = pending else { return }
        // Several places signing with several certificates: each certificate's PIN first.
        var pins = entered
        if !picks.isEmpty { pins[serial] = pin }
        let certs = certificates(view, picks)
        if !picks.isEmpty, let next = certs.first(where: { pins[$0] == nil }) {
            state = .enterPin(view: view, serial: next, pin: PinEntryModel(core: core, mode: .unlock), sealId: sealId, picks: picks, pins: pins)
            return
        }
        state = .submitting
        do {
            let outcome = if let sealId, !picks.isEmpty {
                try await core.stampPlaces(scan: scan, sealIds: picks, pins: pins)
            } else if let sealId {
                try await core.stamp(scan: scan, sealId: sealId, pin: pin)
            } else {
                try await core.confirm(scan: scan, serial: serial, pin: pin)
            }
            state = .done(operation: view.operation, status: outcome.status)
        } catch let e as AppError {
            if e.triesLeft != nil {
                // Which certificate's PIN was wrong is not told: all are asked again.
                let again = picks.isEmpty ? pad : PinEntryModel(core: core, mode: .unlock)
                again.refused(e)
                state = e.locked
                    ? .failed(message: e.message, code: e.code)
                    : .enterPin(view: view, serial: certs.first ?? serial, pin: again, sealId: sealId, picks: picks, pins: [:])
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
