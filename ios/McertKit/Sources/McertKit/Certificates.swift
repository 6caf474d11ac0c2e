// Mirror of android/logic/.../state/Certificates.kt.
import Foundation
import McertFFI

/// 【申请证书】: product, period, order, pay.
@MainActor
public final class ApplyModel: ObservableObject {
    public enum State { case choosing, busy, ordered(OrderView), paid(OrderView), failed(message: String, code: String) }

    @Published public private(set) var products: [ProductView] = []
    @Published public var selected: String?
    @Published public var years: Int64 = 1
    @Published public private(set) var state: State = .choosing
    private let core: CertCore

    public init(core: CertCore) { self.core = core }

    public func amountFen() -> Int64 {
        products.first { $0.id == selected }.map { $0.priceFenPerYear * years } ?? 0
    }

    public func load() async {
        do {
            // What 【申请证书】 buys; renewals, changes and reissues are bought from the certificate.
            products = try await core.catalogue().filter { $0.purpose == "new" }
            if selected == nil { selected = products.first?.id }
        } catch let e as AppError { state = .failed(message: e.message, code: e.code) } catch {}
    }

    public func order() async {
        guard let product = selected else { state = .failed(message: Texts["pick_product"], code: "no_product"); return }
        guard (1...3).contains(years) else { state = .failed(message: Texts["bad_years"], code: "bad_period"); return }
        state = .busy
        do { state = .ordered(try await core.placeOrder(productId: product, years: years)) }
        catch let e as AppError { state = .failed(message: e.message, code: e.code) } catch {}
    }

    /// 【立即支付】
    public func pay() async {
        guard case let .ordered(order) = state else { return }
        state = .busy
        do { state = .paid(try await core.payAndWait(orderId: order.id)) }
        catch let e as AppError { state = .failed(message: e.message, code: e.code) } catch {}
    }
}

/// 【数字证书】: list, detail, and installing a paid slot under a new PIN.
@MainActor
public final class CertificatesModel: ObservableObject {
    public struct Item {
        public let certificate: CertificateView
        public let key: LocalKeyView?
        public let subject: Subject
        /// Still its slot's certificate (a reissued one is not; one reported lost is, until reissued).
        public let current: Bool
        /// Its slot, as the service lists it (the period's end, whether it may be renewed).
        public let slot: EntitlementView?

        public init(certificate: CertificateView, key: LocalKeyView?, current: Bool = true, slot: EntitlementView? = nil) {
            self.certificate = certificate
            self.key = key
            self.current = current
            self.slot = slot
            subject = Subject.parse(certificate.subject)
        }

        /// `good`, `revoked`, `expired`, or `locked` when the key on this phone is locked.
        public var state: String { certificate.status == "good" && key?.locked == true ? "locked" : certificate.status }

        /// 【证书补办】: its slot's current certificate, not expired, that this phone cannot use:
        /// its key is on another phone (or was lost with the app), or it was reported lost.
        public var canReissue: Bool {
            reissuable && (certificate.status == "revoked" || (certificate.status == "good" && !certificate.onThisDevice))
        }

        /// 【忘记密码】: a good certificate whose key is on this phone, locked or not.
        public var canResetPin: Bool { reissuable && certificate.status == "good" && certificate.onThisDevice }

        /// 【证书延期】: its slot's current certificate with its key on this phone, in the last
        /// three months of the period, or with a renewal paid and waiting for download.
        public var canRenew: Bool {
            reissuable && certificate.status == "good" && certificate.onThisDevice && !changeDue
                && (slot?.renewable == true || slot?.renewalDue == true)
        }

        /// 【下载变更后的证书】: the organisation was renamed (变更) and the certificate naming the
        /// new name waits for download (on the phone that holds the key).
        public var changeDue: Bool { reissuable && certificate.status == "good" && slot?.changeDue == true }

        /// A renewal is paid and the renewed certificate waits for download.
        public var renewalDue: Bool { current && slot?.renewalDue == true }

        /// 【迁移到新手机】: a good certificate of its slot whose key is on this phone and not locked.
        public var canMove: Bool {
            reissuable && certificate.status == "good" && certificate.onThisDevice && key.map { !$0.locked } == true
        }

        /// 【从旧手机迁移】: a good certificate of its slot whose key is on another phone.
        public var canMoveIn: Bool { reissuable && certificate.status == "good" && !certificate.onThisDevice }

        private var reissuable: Bool { current && !certificate.entitlementId.isEmpty }
    }

    @Published public private(set) var items: [Item] = []
    @Published public private(set) var slots: [String] = []
    @Published public private(set) var loading = false
    @Published public var detail: Item?
    @Published public var error: String?
    @Published public private(set) var installed: String?
    private let core: CertCore

    public init(core: CertCore) { self.core = core }

    public func refresh() async {
        loading = true
        defer { loading = false }
        do {
            let keys = try await core.localKeys()
            let slots = try await core.slots()
            let current = Set(slots.compactMap { $0.certificateSerial?.uppercased() })
            items = try await core.certificates().map { c in
                Item(
                    certificate: c,
                    key: keys.first { $0.serials.contains(c.serial) },
                    current: current.contains(c.serial.uppercased()),
                    slot: slots.first { $0.id == c.entitlementId }
                )
            }
            slots = try await core.pendingSlots()
            error = nil
        } catch let e as AppError { error = e.message } catch {}
    }

    public func open(_ serial: String) { detail = items.first { $0.certificate.serial == serial } }

    /// The certificates whose organisation was renamed: the list's banner, one row each.
    public var changesDue: [Item] { items.filter(\.changeDue) }

    /// No certificate of this account has its key on this phone (【从旧手机迁移】 is offered).
    public var noneOnThisPhone: Bool { !items.contains { $0.certificate.onThisDevice } }

    /// The item of `serial`, as last listed.
    public func item(_ serial: String) -> Item? { items.first { $0.certificate.serial == serial } }

    /// 【下载证书】: the key is made on this phone under `pin`.
    @discardableResult
    public func install(slot: String, algorithm: KeyAlgorithm, pin: String) async -> Bool {
        do {
            installed = try await core.install(entitlementId: slot, algorithm: algorithm, pin: pin).serial
            await refresh()
            return true
        } catch let e as AppError {
            error = e.message
            return false
        } catch { return false }
    }
}
