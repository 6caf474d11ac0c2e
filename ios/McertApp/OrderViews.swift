import McertFFI
import McertKit
import SwiftUI

/// The colour of an order state.
func orderColor(_ status: String) -> Color {
    switch status {
    case "awaiting_payment": return .orange
    case "pending_review": return .blue
    case "completed": return .green
    case "rejected": return .red
    default: return .secondary
    }
}

/// 【我的订单】 with the tabs 全部 / 待审核 / 待支付 / 已完成 / 未通过 / 已取消 and, on each order,
/// what its state allows: 【支付】, 【转账支付】, 【取消】 (confirmed), 【修改】 (not on a change
/// order: it is charged once), 【申请开票】. A change order (证书变更) shows the new name it asks
/// for instead of a period; a renewal order (证书延期) the certificate it renews.
struct OrdersView: View {
    @EnvironmentObject var model: AppModel
    @ObservedObject var m: OrdersModel
    @State private var toDetail = false
    @State private var toChange = false
    @State private var toInvoice = false

    var body: some View {
        List {
            Picker(L("orders_all"), selection: $m.tab) {
                ForEach(OrdersModel.Tab.allCases, id: \.self) { Text(L($0.textId)).tag($0) }
            }
            .pickerStyle(.menu)
            if m.loading && m.orders.isEmpty {
                ProgressView()
            } else if m.shown().isEmpty {
                VStack(alignment: .leading, spacing: 4) {
                    Text(L("orders_empty")).font(.headline)
                    Text(L("orders_empty_hint")).font(.caption).foregroundColor(.secondary)
                }
            }
            ForEach(m.shown(), id: \.id) { o in
                let row = m.row(o)
                VStack(alignment: .leading, spacing: 4) {
                    Button {
                        model.orderDetail.open(o)
                        toDetail = true
                    } label: {
                        HStack {
                            VStack(alignment: .leading, spacing: 2) {
                                Text(row.product)
                                if let name = row.newName {
                                    Text(name).font(.caption)
                                } else {
                                    Text(L("order_period", Int(o.years))).font(.caption)
                                }
                                if let renews = row.renews { Text(renews).font(.caption).foregroundColor(.secondary) }
                                Text(L("order_no", o.id)).font(.caption).foregroundColor(.secondary)
                                Text(Display.beijingTime(o.createdAt)).font(.caption).foregroundColor(.secondary)
                            }
                            Spacer()
                            VStack(alignment: .trailing, spacing: 2) {
                                Text(row.amount).font(.headline)
                                Tag(text: row.status, color: orderColor(o.status))
                            }
                        }
                    }
                    .buttonStyle(.plain)
                    if let reason = row.rejectReason { Text(L("reject_reason", reason)).font(.caption).foregroundColor(.red) }
                    if let received = row.received { Text(received).font(.caption).foregroundColor(.orange) }
                    if let invoice = row.invoice { Text(L("invoice_line", invoice)).font(.caption).foregroundColor(.secondary) }
                    HStack {
                        Spacer()
                        if o.canCancel { Button(L("order_cancel")) { m.askCancel(o) } }
                        if o.canChange { Button(L("order_change")) { if m.startChange(o) { toChange = true } } }
                        if o.canPayByTransfer {
                            Button(L(o.transfer != nil ? "view_transfer" : "pay_transfer")) {
                                Task {
                                    await model.orderDetail.payByTransfer(o)
                                    toDetail = true
                                }
                            }
                        }
                        if o.canPayOnline {
                            Button(L(m.paying == o.id ? "submitting" : "pay_online")) { Task { await m.pay(o) } }.disabled(m.paying != nil)
                        }
                        if o.canRequestInvoice {
                            Button(L("request_invoice")) {
                                Task {
                                    await model.invoices.startRequest(o)
                                    toInvoice = true
                                }
                            }
                        }
                    }
                    .buttonStyle(.borderless)
                    .font(.callout)
                }
            }
            if let e = m.error { Text(e).foregroundColor(.red) }
        }
        .navigationTitle(L("home_orders"))
        .navigationDestination(isPresented: $toDetail) { OrderDetailView(m: model.orderDetail) }
        .navigationDestination(isPresented: $toChange) { OrderChangeView(m: m) }
        .navigationDestination(isPresented: $toInvoice) { InvoiceRequestView(m: model.invoices) }
        .alert(
            L("cancel_title"),
            isPresented: Binding(get: { m.cancelling != nil }, set: { if !$0 { m.cancelling = nil } }),
            presenting: m.cancelling
        ) { _ in
            Button(L("cancel_ok"), role: .destructive) { Task { await m.confirmCancel() } }
            Button(L("keep_order"), role: .cancel) { m.cancelling = nil }
        } message: { o in
            Text(L("cancel_confirm", productText(o)))
        }
        .task { await m.refresh() }
    }
}

/// 订单详情: the order's fields and, once bank transfer is chosen, 收款银行 / 收款账户名 / 收款账号
/// (grouped; 【复制】 copies the digits) / 应付金额 / 截止时间, and 已收金额 when part arrived. A
/// change order shows the new name it asks for and no period; a renewal order the certificate
/// it renews. Nothing here changes an order's period (【修改】 is in 我的订单, never on a change).
struct OrderDetailView: View {
    @ObservedObject var m: OrderDetailModel

    var body: some View {
        Form {
            if let o = m.order {
                Section {
                    HStack {
                        Text(productText(o)).font(.headline)
                        Spacer()
                        Tag(text: orderStatusText(o), color: orderColor(o.status))
                    }
                    Field(L("order_id"), o.id)
                    if o.isChange {
                        if let name = o.newName { Field(L("org_change_new_name"), name) }
                    } else {
                        Field(L("years"), L("years_n", Int(o.years)))
                    }
                    if o.isRenewal, let serial = m.renewedSerial { Field(L("order_renewed_serial"), Display.shortSerial(serial)) }
                    Field(L("order_amount"), Display.money(o.amountFen))
                    Field(L("order_created"), Display.beijingTime(o.createdAt))
                    Field(L("payment_state"), paymentText(o.paymentState))
                    if o.status == "completed" || o.invoiceStatus != "none" { Field(L("invoice_state"), orderInvoiceText(o)) }
                    if o.status == "rejected", let reason = o.rejectReason { Text(L("reject_reason", reason)).foregroundColor(.red) }
                }
                if let t = m.instructions {
                    Section(L("transfer_title")) {
                        Field(L("transfer_bank"), t.bank)
                        Field(L("transfer_account_name"), t.accountName)
                        HStack {
                            Text(L("transfer_account_no")).foregroundColor(.secondary)
                            Spacer()
                            Button(L(m.copied != nil ? "copied" : "copy")) { m.copyAccount() }.buttonStyle(.borderless)
                        }
                        Text(t.accountNo).font(.system(.title3, design: .monospaced)).bold()
                        Field(L("transfer_due"), t.amountDue)
                        if let received = t.received { Field(L("transfer_received"), received) }
                        Field(L("transfer_deadline"), t.deadline)
                        if t.received != nil { Text(L("transfer_partial_hint")).font(.caption).foregroundColor(.orange) }
                        Text(L("transfer_notes")).font(.caption).foregroundColor(.secondary)
                    }
                } else if o.canPayByTransfer {
                    Button(L("pay_transfer")) { Task { await m.payByTransfer(o) } }.disabled(m.busy)
                }
                if let p = m.problem { Text(p.message).foregroundColor(.red) }
            }
        }
        .navigationTitle(L("order_detail"))
        .refreshable { await m.refresh() }
        .task(id: m.order?.id) { await m.lookUpRenewed() }
    }
}

/// 交款状态: 未交款, 部分到账 or 已交款.
func paymentText(_ state: String) -> String {
    switch state {
    case "full": return L("payment_full")
    case "partial": return L("payment_partial")
    default: return L("payment_none")
    }
}

/// 【购买信息修改】: the period of an order not paid yet, and its new amount.
struct OrderChangeView: View {
    @Environment(\.dismiss) private var dismiss
    @ObservedObject var m: OrdersModel

    var body: some View {
        Form {
            if let o = m.changing {
                Text(L("order_change_hint")).font(.caption).foregroundColor(.secondary)
                Section {
                    Field(L("order_product"), productText(o))
                    Field(L("order_id"), o.id)
                    Field(L("current_period"), L("years_n", Int(o.years)))
                    Field(L("order_amount"), Display.money(o.amountFen))
                }
                Picker(L("years"), selection: $m.changeYears) {
                    ForEach(Int64(1)...3, id: \.self) { Text(L("years_n", Int($0))).tag($0) }
                }
                .pickerStyle(.segmented)
                Field(L("new_amount"), Display.money(m.changedAmountFen(m.changeYears)))
                if let p = m.changeProblem { Text(p.message).foregroundColor(.red) }
                Button(L("save")) { Task { if await m.confirmChange() { dismiss() } } }.disabled(m.busy)
            }
        }
        .navigationTitle(L("order_change_title"))
    }
}
