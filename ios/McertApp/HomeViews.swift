import McertFFI
import McertKit
import SwiftUI

/// 【主页】: 【数字证书】【扫码】【使用记录】【我的订单】.
struct HomeView: View {
    @EnvironmentObject var model: AppModel

    var body: some View {
        HomeContent(home: model.home)
    }
}

private struct HomeContent: View {
    @EnvironmentObject var model: AppModel
    @ObservedObject var home: HomeModel

    var body: some View {
        List {
            Section {
                if let id = home.summary?.identity {
                    Text("已实名：\(id.name)（\(id.idNumberMasked)）")
                } else {
                    NavigationLink("未实名认证") { IdentityFormView(m: model.identity) }
                }
            }
            Section {
                ForEach(home.entries, id: \.self) { entry in
                    NavigationLink(home.label(entry)) { destination(entry) }
                }
            }
            NavigationLink("申请证书") { ApplyView(m: model.apply) }
        }
        .navigationTitle("mcert")
        .task { await home.refresh() }
    }

    @ViewBuilder
    private func destination(_ e: HomeModel.Entry) -> some View {
        switch e {
        case .certificates: CertificatesView(m: model.certificates)
        case .scan: ScanScreen(scan: model.scan)
        case .usage: UsageView(m: model.usage)
        case .orders: OrdersView(m: model.orders)
        }
    }
}

/// A core that does nothing, for SwiftUI previews.
final class NoCore: CertCore {
    struct Unavailable: Error {}
    func isLoggedIn() async -> Bool { false }
    func requestCode(phone: String) async throws { throw Unavailable() }
    func login(phone: String, code: String) async throws -> AccountView { throw Unavailable() }
    func logout() async throws {}
    func platforms() async throws -> [PlatformView] { [] }
    func choosePlatform(id: String) async throws {}
    func identity() async throws -> IdentityView? { nil }
    func verifyIdentity(form: IdentityForm) async throws -> IdentityView { throw Unavailable() }
    func catalogue() async throws -> [ProductView] { [] }
    func placeOrder(productId: String, years: Int64) async throws -> OrderView { throw Unavailable() }
    func payAndWait(orderId: String) async throws -> OrderView { throw Unavailable() }
    func orders() async throws -> [OrderView] { [] }
    func pendingSlots() async throws -> [String] { [] }
    func install(entitlementId: String, algorithm: KeyAlgorithm, pin: String) async throws -> InstalledView { throw Unavailable() }
    func certificates() async throws -> [CertificateView] { [] }
    func localKeys() async throws -> [LocalKeyView] { [] }
    func changePin(keyId: String, oldPin: String, newPin: String) async throws {}
    func checkPin(_ pin: String) throws {}
    func scanFrame(luma: Data, width: Int, height: Int, rowStride: Int) async throws -> PendingScan { throw Unavailable() }
    func scanImage(_ image: Data) async throws -> PendingScan { throw Unavailable() }
    func confirm(scan: PendingScan, serial: String, pin: String) async throws -> ScanOutcome { throw Unavailable() }
    func decline(scan: PendingScan) async throws -> ScanOutcome { throw Unavailable() }
    func usage(from: String?, to: String?, cursor: String?, limit: Int) async throws -> UsagePageView {
        UsagePageView(items: [], nextCursor: nil)
    }
}

private func yuan(_ fen: Int64) -> String { String(format: "%d.%02d", fen / 100, fen % 100) }

/// 【申请证书】
struct ApplyView: View {
    @ObservedObject var m: ApplyModel

    var body: some View {
        Form {
            Picker("产品", selection: $m.selected) {
                ForEach(m.products, id: \.id) { p in Text("\(p.name) ¥\(yuan(p.priceFenPerYear))/年").tag(Optional(p.id)) }
            }
            Picker("办理期限（年）", selection: $m.years) { ForEach(Int64(1)...3, id: \.self) { Text("\($0)").tag($0) } }
                .pickerStyle(.segmented)
            Text("金额：\(yuan(m.amountFen())) 元")
            switch m.state {
            case .ordered: Button("立即支付") { Task { await m.pay() } }
            case let .paid(order): Text("支付完成：\(order.statusLabel)")
            case let .failed(message, _):
                Text(message).foregroundColor(.red)
                Button("提交订单") { Task { await m.order() } }
            default: Button("提交订单") { Task { await m.order() } }
            }
        }
        .navigationTitle("申请证书")
        .task { await m.load() }
    }
}

/// 【我的订单】
struct OrdersView: View {
    @ObservedObject var m: OrdersModel

    var body: some View {
        List(m.orders, id: \.id) { o in
            HStack {
                VStack(alignment: .leading) {
                    Text("\(o.productId) · \(o.years) 年 · ¥\(yuan(o.amountFen))")
                    Text(o.createdAt).font(.caption)
                }
                Spacer()
                Text(o.statusLabel)
            }
        }
        .navigationTitle("我的订单")
        .task { await m.refresh() }
    }
}

/// 【数字证书】 and 【下载证书】 with a new PIN.
struct CertificatesView: View {
    @EnvironmentObject var model: AppModel
    @ObservedObject var m: CertificatesModel
    @State private var installing: String?
    @State private var algorithm: KeyAlgorithm = .sm2

    var body: some View {
        List {
            ForEach(m.slots, id: \.self) { slot in Button("下载证书") { installing = slot } }
            ForEach(m.items, id: \.certificate.serial) { item in
                NavigationLink {
                    CertificateDetailView(item: item)
                } label: {
                    VStack(alignment: .leading) {
                        Text(item.certificate.subject)
                        Text("\(item.certificate.algorithm.uppercased()) · 有效期至 \(item.certificate.notAfter)").font(.caption)
                        Text(item.certificate.status == "good" ? (item.certificate.onThisDevice ? "本机" : "不在本机")
                             : item.certificate.status == "revoked" ? "已注销" : "已过期").font(.caption)
                    }
                }
            }
            if let e = m.error { Text(e).foregroundColor(.red) }
        }
        .navigationTitle("数字证书")
        .task { await m.refresh() }
        .sheet(item: Binding(get: { installing.map(Slot.init) }, set: { installing = $0?.id })) { slot in
            VStack {
                Picker("算法", selection: $algorithm) {
                    Text("SM2").tag(KeyAlgorithm.sm2)
                    Text("P-256").tag(KeyAlgorithm.p256)
                }.pickerStyle(.segmented)
                NewPinPad(core: model.core) { pin in
                    Task {
                        await m.install(slot: slot.id, algorithm: algorithm, pin: pin)
                        installing = nil
                    }
                }
            }.padding()
        }
    }

    private struct Slot: Identifiable { let id: String }
}

struct CertificateDetailView: View {
    let item: CertificatesModel.Item

    var body: some View {
        let c = item.certificate
        List {
            Text(c.subject)
            Text("序列号：\(c.serial)")
            Text("算法：\(c.algorithm.uppercased())")
            Text("颁发者：\(c.issuer)")
            Text("\(c.notBefore) → \(c.notAfter)")
            if let k = item.key { Text(k.locked ? "证书已锁定" : "证书密码还可尝试 \(k.pinTriesLeft) 次") }
        }
    }
}

/// 【使用记录】
struct UsageView: View {
    @ObservedObject var m: UsageModel

    var body: some View {
        List {
            HStack {
                TextField("开始日期", text: Binding(get: { m.from ?? "" }, set: { m.from = $0.isEmpty ? nil : $0 }))
                TextField("结束日期", text: Binding(get: { m.to ?? "" }, set: { m.to = $0.isEmpty ? nil : $0 }))
                Button("筛选") { Task { await m.refresh() } }
            }
            if m.items.isEmpty { Text("暂无记录") }
            ForEach(Array(m.items.enumerated()), id: \.offset) { _, u in
                VStack(alignment: .leading) {
                    Text("\(u.operation) · \(u.platformName) · \(u.outcomeLabel)")
                    Text("\(u.at) · \(u.holderName ?? "") · \(u.certificateSerial ?? "—")").font(.caption)
                }
            }
            if m.hasMore { Button("加载更多") { Task { await m.loadMore() } } }
            if let e = m.error { Text(e).foregroundColor(.red) }
        }
        .navigationTitle("使用记录")
        .task { await m.refresh() }
    }
}
