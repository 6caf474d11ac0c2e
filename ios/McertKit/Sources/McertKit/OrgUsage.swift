// Mirror of android/logic/.../state/OrgUsage.kt.
import Foundation
import McertFFI

/// The organisation's 【使用记录】: an admin sees every member's and filters by member,
/// certificate, operation and dates; a user sees their own.
@MainActor
public final class OrgUsageModel: ObservableObject {
    public enum Operation: String, CaseIterable {
        case login = "op_login", sign = "op_sign", decrypt = "op_decrypt", stamp = "op_stamp"

        /// The service's name of the operation.
        public var code: String { String(rawValue.dropFirst(3)) }
    }

    private var org: OrganisationView?
    @Published public private(set) var items: [UsageView] = []
    @Published public private(set) var members: [MemberView] = []
    @Published public private(set) var serials: [String] = []
    @Published public var member: String?
    @Published public var serial: String?
    @Published public var operation: Operation?
    @Published public var from: String?
    @Published public var to: String?
    @Published public private(set) var hasMore = false
    @Published public private(set) var loading = false
    @Published public var error: String?
    private var cursor: String?
    private var started = false
    private let core: CertCore
    private let pageSize: Int

    public init(core: CertCore, pageSize: Int = 20) {
        self.core = core
        self.pageSize = pageSize
    }

    public var isAdmin: Bool { org?.isAdmin == true }

    public func load(_ org: OrganisationView) async {
        if self.org?.id != org.id { clearFilters() }
        self.org = org
        if org.isAdmin {
            do {
                members = try await core.members(orgId: org.id)
                serials = try await core.orgCertificates(orgId: org.id).compactMap(\.certificateSerial)
            } catch let e as AppError { error = e.message } catch {}
        } else {
            members = []
            serials = []
        }
        await refresh()
    }

    public func clearFilters() {
        member = nil
        serial = nil
        operation = nil
        from = nil
        to = nil
    }

    public func filter() -> OrgUsageFilter {
        OrgUsageFilter(
            memberId: isAdmin ? member : nil,
            serial: isAdmin ? serial : nil,
            operation: operation?.code,
            from: from,
            to: to
        )
    }

    public func refresh() async {
        cursor = nil
        started = false
        items = []
        await loadMore()
    }

    public func loadMore() async {
        guard let o = org else { return }
        if started && cursor == nil { return }
        for date in [from, to].compactMap({ $0 }) where !Display.isDate(date) {
            error = Texts["bad_date"]
            return
        }
        started = true
        loading = true
        defer { loading = false }
        do {
            let page = try await core.orgUsage(orgId: o.id, filter: filter(), cursor: cursor, limit: pageSize)
            items += page.items
            cursor = page.nextCursor
            hasMore = page.nextCursor != nil
            error = nil
        } catch let e as AppError { error = e.message } catch {}
    }
}
