// Mirror of android/logic/.../state/Renewal.kt.
import Foundation
import McertFFI

/// 【证书延期】 of a certificate's slot in the last three months of its period: a person picks
/// 1, 2 or 3 years (`.choose`, the amount from the renewal product's yearly price), gets the
/// order and pays it online (`.pay`); an organisation's slot takes an unused slot of the
/// organisation's package instead and goes straight to the PIN. The certificate PIN then opens
/// the slot's key on this phone (`.pin`), the same key is certified again, and the renewed
/// certificate is kept (`.done`). A slot that cannot be renewed (not yet: the service names the
/// date it opens; 请联系单位证书管理员 when the package has no slot left; the period over; its key
/// not on this phone) shows the reason and nothing to pay (`.refused`); a failure to load,
/// `.failed` with 【重试】. A failure keeps the period picked
/// and the order, and shows the service's message.
///
/// 【下载变更后的证书】 goes the same way: after the organisation's rename (变更) is paid, its
/// slots are `changeDue` (`change`); the PIN (`.pin`) downloads the certificate naming the new
/// name for the same key, the old one revoked, and the done page says that the organisation's
/// seals are void (`organisation`, for the way to its seals).
@MainActor
public final class RenewalModel: ObservableObject {
    public enum Step: Equatable { case loading, choose, pay, pin, done, refused, failed }

    /// The service's refusals: the page says why and offers nothing to pay.
    public static let refusals: Set<String> = ["not_yet_renewable", "ask_admin", "period_ended"]

    /// The certificate whose slot is renewed.
    @Published public private(set) var certificate: CertificateView?
    @Published public private(set) var slot: EntitlementView?
    @Published public private(set) var step: Step = .loading
    /// The period picked (a person's renewal).
    @Published public var years: Int64 = 1
    /// The renewal product's price per year, when the catalogue has one.
    @Published public private(set) var pricePerYearFen: Int64?
    /// The order to pay (a person's renewal).
    @Published public private(set) var order: OrderView?
    /// The end of the period once renewed (RFC 3339), as the service answered.
    @Published public private(set) var renewedUntil: String?
    /// An organisation's package slot was taken for it.
    @Published public private(set) var fromPackage = false
    /// The pad for the certificate PIN (the key is opened, not changed).
    @Published public private(set) var pad: PinEntryModel
    /// The renewed certificate, once done.
    @Published public private(set) var result: InstalledView?
    /// The slot's organisation was renamed: the download is the changed certificate, not a renewal.
    @Published public private(set) var change = false
    /// The organisation whose seals are void, once the changed certificate is downloaded.
    @Published public private(set) var organisation: OrganisationView?
    @Published public var problem: Problem?
    @Published public private(set) var busy = false
    private let core: CertCore

    public init(core: CertCore) {
        self.core = core
        pad = PinEntryModel(core: core, mode: .unlock)
    }

    /// An organisation's slot: its package pays, nothing is ordered here.
    public var isOrganisation: Bool { slot?.orgId != nil }

    /// The amount for the period picked, at the renewal product's yearly price.
    public var amountFen: Int64? { pricePerYearFen.map { $0 * years } }

    /// The refusal is 请联系单位证书管理员 (the organisation's package has no slot left).
    public var askAdmin: Bool { step == .refused && problem?.code == "ask_admin" }

    /// Starts over for the certificate `serial` (from its detail, or from the scan's expiry
    /// warning): its slot as the service lists it. A renewal already paid goes to the PIN; a
    /// slot the service does not call renewable is asked once, so that the page shows its
    /// reason (nothing is ordered for a slot it refuses).
    public func start(serial: String) async {
        certificate = nil
        slot = nil
        years = 1
        pricePerYearFen = nil
        order = nil
        renewedUntil = nil
        fromPackage = false
        pad = PinEntryModel(core: core, mode: .unlock)
        result = nil
        change = false
        organisation = nil
        problem = nil
        step = .loading
        busy = true
        defer { busy = false }
        do {
            let c = try await core.certificates().first { $0.serial.caseInsensitiveCompare(serial) == .orderedSame }
            let s = try await core.slots().first { $0.id == c?.entitlementId }
            certificate = c
            slot = s
            // Its slot's current certificate (not one already replaced), its key on this phone.
            guard let c, let s, s.certificateSerial?.caseInsensitiveCompare(c.serial) == .orderedSame else {
                problem = .local("renewal_unknown")
                step = .refused
                return
            }
            change = s.changeDue
            guard c.onThisDevice else {
                problem = .local(change ? "org_change_not_here" : "renewal_not_here")
                step = .refused
                return
            }
            if s.changeDue || s.renewalDue {
                renewedUntil = s.validUntil
                step = .pin
                return
            }
            if s.orgId == nil {
                // The service orders the first active renewal product by id.
                let product = (try? await core.catalogue())?.filter { $0.purpose == "renewal" }.min { $0.id < $1.id }
                pricePerYearFen = product?.priceFenPerYear
            }
            if s.renewable {
                step = .choose
            } else {
                busy = false
                await submit()
            }
        } catch let e as AppError {
            problem = .of(e)
            step = .failed
        } catch {}
    }

    /// 【提交延期订单】 (a person's slot: the order for `years`; an open one is changed to it) or
    /// 【使用单位套餐延期】 (an organisation's slot: a package slot is taken, then the PIN).
    @discardableResult
    public func submit() async -> Bool {
        guard let slot, !change, step == .choose || step == .loading || step == .pay else { return false }
        guard (1...3).contains(years) else {
            problem = .local("bad_years")
            return false
        }
        busy = true
        defer { busy = false }
        do {
            let r = try await core.startRenewal(entitlementId: slot.id, years: years)
            problem = nil
            renewedUntil = r.validUntil
            fromPackage = r.packageEntitlementId != nil
            order = r.order
            if r.due {
                pad = PinEntryModel(core: core, mode: .unlock)
                step = .pin
            } else if let o = r.order {
                years = o.years
                if o.status == "completed" {
                    pad = PinEntryModel(core: core, mode: .unlock)
                    step = .pin
                } else {
                    step = .pay
                }
            } else {
                step = .choose
            }
            return true
        } catch let e as AppError {
            problem = .of(e)
            if Self.refusals.contains(e.code) {
                step = .refused
            } else if step == .loading {
                step = .failed
            }
            return false
        } catch {
            return false
        }
    }

    /// 【修改期限】: back to the periods; the order follows at the next 【提交延期订单】.
    public func changePeriod() {
        guard step == .pay else { return }
        problem = nil
        step = .choose
    }

    /// 【立即支付】: the order paid online (waited for); paid, the PIN is asked next.
    @discardableResult
    public func pay() async -> Bool {
        guard let o = order, step == .pay else { return false }
        busy = true
        defer { busy = false }
        do {
            let paid = try await core.payAndWait(orderId: o.id)
            order = paid
            guard paid.status == "completed" else {
                problem = .local("renewal_unpaid")
                return false
            }
            problem = nil
            pad = PinEntryModel(core: core, mode: .unlock)
            step = .pin
            return true
        } catch let e as AppError {
            problem = .of(e)
            return false
        } catch {
            return false
        }
    }

    /// The certificate PIN: the slot's key signs the request and the renewed certificate is kept.
    @discardableResult
    public func pinEntered(_ pin: String) async -> Bool {
        guard let slot, step == .pin else { return false }
        busy = true
        defer { busy = false }
        do {
            result = try await core.renew(entitlementId: slot.id, pin: pin)
            if change, let orgId = slot.orgId { organisation = try? await core.org(id: orgId) }
            problem = nil
            step = .done
            return true
        } catch let e as AppError {
            let again = PinEntryModel(core: core, mode: .unlock)
            if e.triesLeft != nil || e.locked {
                again.refused(e)
                problem = nil
            } else {
                problem = .of(e)
            }
            pad = again
            return false
        } catch {
            return false
        }
    }
}
