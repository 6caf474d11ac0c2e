//! Paying and invoicing as companies do, on each database: the organisation package paid by
//! bank transfer in parts (camt.053 statements, a duplicate imported), the invoice issued and
//! read back with pdftotext, shared by link, reversed by a red-letter invoice after a refund;
//! transfers that do not fit (surplus, held, unmatched, an unregistered payer) resolved by an
//! operator; one statement imported many times at once counting every transfer once.

use super::orgs::{ADMIN, CODE, authorised_org, reviewer};
use super::*;
use mcert_service::authz::{Actor, OperatorGrant, policy};
use mcert_service::billing::{Resolution, is_receiving_account};
use mcert_service::review::{Decision, ReviewKind};

fn operator() -> OperatorGrant {
    policy::operator(&Actor::Operator("test".into())).expect("operator")
}

/// A camt.053.001.02 statement of credits `(bank_ref, account_no, amount in yuan, payer account)`.
fn camt053(credits: &[(&str, &str, &str, &str)]) -> Vec<u8> {
    let mut entries = String::new();
    for (r, account, amount, payer) in credits {
        entries.push_str(&format!(
            r#"<Ntry><Amt Ccy="CNY">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
<BookgDt><Dt>2026-12-02</Dt></BookgDt><AcctSvcrRef>{r}</AcctSvcrRef>
<NtryDtls><TxDtls><Refs><AcctSvcrRef>{r}</AcctSvcrRef></Refs>
<RltdPties><Dbtr><Nm>青海某某建设工程有限公司</Nm></Dbtr><DbtrAcct><Id><Othr><Id>{payer}</Id></Othr></Id></DbtrAcct>
<CdtrAcct><Id><Othr><Id>{account}</Id></Othr></Id></CdtrAcct></RltdPties>
<RmtInf><Ustrd>数字证书款</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"#
        ));
    }
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>STMT-1</MsgId><CreDtTm>2026-12-02T18:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><CreDtTm>2026-12-02T18:00:00</CreDtTm>
<Acct><Id><Othr><Id>0200000919</Id></Othr></Id></Acct>{entries}</Stmt></BkToCstmrStmt></Document>"#
    )
    .into_bytes()
}

impl Service {
    /// Runs the outbox until `done` holds for the account's invoices (bounded).
    async fn invoices_when(&self, token: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        for _ in 0..100 {
            let _ = self.running.state.outbox.run_due().await;
            let (status, body) = self.get("/v1/invoices", Some(token)).await;
            assert_eq!(status, 200, "{body}");
            let items = body["items"].as_array().cloned().unwrap_or_default();
            if done(&items) {
                return items;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("invoices never got there");
    }

    async fn bytes(&self, path: &str, token: Option<&str>) -> (u16, Vec<u8>) {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let r = req.send().await.expect("send");
        let status = r.status().as_u16();
        (status, r.bytes().await.expect("body").to_vec())
    }
}

fn pdftotext(pdf: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!("mcert-invoice-{}.pdf", random_suffix()));
    std::fs::write(&path, pdf).expect("write pdf");
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", path.to_str().expect("path"), "-"])
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    let _ = std::fs::remove_file(&path);
    assert!(out.status.success());
    String::from_utf8(out.stdout).expect("utf-8")
}

#[tokio::test]
async fn a_company_pays_its_package_by_transfer_in_parts_and_gets_its_invoice() {
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let (token, org_id) = authorised_org(&svc, ADMIN, CODE).await;
        let org_name = format!("{CODE}测试有限公司");
        // 开票信息: a company title needs its taxpayer ID (the credit code).
        let (status, body) = svc
            .post(
                "/v1/billing-profiles",
                json!({"kind": "company", "title": org_name}),
                Some(&token),
            )
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (400, Some("bad_billing_info"))
        );
        let (status, profile) = svc
            .post(
                "/v1/billing-profiles",
                json!({"kind": "company", "title": org_name, "taxpayer_id": CODE,
                       "address_phone": "西宁市城西区 0971-1234567", "bank_name": "中国银行西宁分行",
                       "bank_account": "1234 5678 9012 3456"}),
                Some(&token),
            )
            .await;
        assert_eq!(status, 201, "{profile}");
        assert_eq!(profile["is_default"], true);
        // The company's registered account (打款账户).
        let (status, payer) = svc
            .post(
                "/v1/payer-accounts",
                json!({"kind": "public", "holder_name": org_name, "account_no": "6222020200112233",
                       "bank_name": "中国银行西宁分行"}),
                Some(&token),
            )
            .await;
        assert_eq!(status, 201, "{payer}");
        assert_eq!(payer["account_no_masked"], "6222****2233");

        let (status, licence) = svc
            .upload(
                &token,
                &org_id,
                "business_licence",
                super::orgs::photo_jpeg(),
            )
            .await;
        assert_eq!(status, 201, "{licence}");
        let (status, order) = svc
            .post(
                "/v1/orders",
                json!({"product_id": "org-package", "years": 1, "org_id": org_id, "materials": [licence["id"]]}),
                Some(&token),
            )
            .await;
        assert_eq!(status, 201, "{order}");
        assert_eq!(
            order["product_name"],
            "单位证书套餐（单位证书 1 张 + 个人证书 2 张）"
        );
        let order_id = order["id"].as_str().expect("id").to_string();
        svc.decide(ReviewKind::OrgApplication, &order_id, Decision::Approve)
            .await;
        // 购买信息修改 before payment: 2 years, then back to 1.
        let (status, changed) = svc
            .post(
                &format!("/v1/orders/{order_id}/change"),
                json!({"years": 2}),
                Some(&token),
            )
            .await;
        assert_eq!(
            (status, changed["amount_fen"].as_i64()),
            (200, Some(60_000))
        );
        svc.post(
            &format!("/v1/orders/{order_id}/change"),
            json!({"years": 1}),
            Some(&token),
        )
        .await;

        // Transfer: the order's own receiving account, the same on every call.
        let (status, order) = svc
            .post(
                &format!("/v1/orders/{order_id}/transfer"),
                json!({}),
                Some(&token),
            )
            .await;
        assert_eq!(status, 200, "{order}");
        let t = &order["transfer"];
        let account = t["account_no"].as_str().expect("account").to_string();
        assert!(is_receiving_account(&account, "0200000919"), "{account}");
        assert_eq!(t["amount_due_fen"], 30_000);
        assert_eq!(t["bank_name"], "中国工商银行北京分行营业部");
        let (_, again) = svc
            .post(
                &format!("/v1/orders/{order_id}/transfer"),
                json!({}),
                Some(&token),
            )
            .await;
        assert_eq!(again["transfer"]["account_no"], account.as_str());

        let orders = &svc.running.state.orders;
        // A short payment: the order waits for the rest.
        let short = camt053(&[("B-001", &account, "100.00", "6222020200112233")]);
        let s = orders
            .import_statement(&operator(), &short, "statement")
            .await
            .expect("import");
        assert_eq!((s.transfers, s.partial), (1, 1), "{s:?}");
        let (_, order) = svc
            .get(&format!("/v1/orders/{order_id}"), Some(&token))
            .await;
        assert_eq!(order["status"], "awaiting_payment");
        assert_eq!(order["paid_fen"], 10_000);
        assert_eq!(order["transfer"]["amount_due_fen"], 20_000);
        // Money has arrived: the period is fixed now, and the order is not cancelled.
        let (status, body) = svc
            .post(
                &format!("/v1/orders/{order_id}/change"),
                json!({"years": 2}),
                Some(&token),
            )
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (409, Some("already_partly_paid"))
        );
        let (status, _) = svc
            .post(
                &format!("/v1/orders/{order_id}/cancel"),
                json!({}),
                Some(&token),
            )
            .await;
        assert_eq!(status, 409);

        // The rest, then the same statement again: completed exactly once.
        let rest = camt053(&[("B-002", &account, "200.00", "6222020200112233")]);
        let s = orders
            .import_statement(&operator(), &rest, "statement")
            .await
            .expect("import");
        assert_eq!(s.paid, 1, "{s:?}");
        let s = orders
            .import_statement(&operator(), &rest, "statement")
            .await
            .expect("import");
        assert_eq!(s.duplicate, 1, "{s:?}");
        let (_, order) = svc
            .get(&format!("/v1/orders/{order_id}"), Some(&token))
            .await;
        assert_eq!(order["status"], "completed");
        assert_eq!(order["paid_fen"], 30_000);
        assert!(order.get("transfer").is_none());
        let (_, slots) = svc
            .get(&format!("/v1/orgs/{org_id}/certificates"), Some(&token))
            .await;
        assert_eq!(slots["items"].as_array().map(Vec::len), Some(3), "{slots}");
        let (paid_events,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM audit_events WHERE action = 'order.paid' AND object = $1",
        )
        .bind(&order_id)
        .fetch_one(svc.running.state.store.pool())
        .await
        .expect("count");
        assert_eq!(paid_events, 1);

        // The invoice follows payment: a PDF whose text carries the buyer and the amounts.
        let invoices = svc
            .invoices_when(&token, |i| i.iter().any(|v| v["status"] == "issued"))
            .await;
        let invoice = &invoices[0];
        assert_eq!(invoice["title"], org_name.as_str());
        assert_eq!(invoice["taxpayer_id"], CODE);
        assert_eq!(
            (invoice["amount_fen"].as_i64(), invoice["tax_fen"].as_i64()),
            (Some(28_302), Some(1_698))
        );
        let invoice_id = invoice["id"].as_str().expect("id").to_string();
        let (_, order) = svc
            .get(&format!("/v1/orders/{order_id}"), Some(&token))
            .await;
        assert_eq!(order["invoice_status_label"], "已开票");
        let (status, pdf) = svc
            .bytes(&format!("/v1/invoices/{invoice_id}/pdf"), Some(&token))
            .await;
        assert_eq!(status, 200);
        let text = pdftotext(&pdf);
        for expected in [
            org_name.as_str(),
            CODE,
            "283.02",
            "16.98",
            "300.00",
            "叁佰圆整",
            "样票",
            invoice["number"].as_str().expect("number"),
        ] {
            assert!(text.contains(expected), "{expected} not in:\n{text}");
        }
        // Someone else's invoice is not found.
        let other = svc.login("13900000077").await;
        let (status, _) = svc
            .bytes(&format!("/v1/invoices/{invoice_id}/pdf"), Some(&other))
            .await;
        assert_eq!(status, 404);
        // Shared by link: opens without login; a made-up link does not.
        let (status, share) = svc
            .post(
                &format!("/v1/invoices/{invoice_id}/share"),
                json!({}),
                Some(&token),
            )
            .await;
        assert_eq!(status, 201, "{share}");
        let url = share["url"].as_str().expect("url");
        let path = url.strip_prefix(&svc.base).expect("our base URL");
        let (status, shared) = svc.bytes(path, None).await;
        assert_eq!((status, shared == pdf), (200, true));
        let (status, _) = svc
            .bytes(
                "/v1/shared/invoices/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                None,
            )
            .await;
        assert_eq!(status, 404);
        // Asked again: refused, once per order.
        let (status, body) = svc
            .post(
                &format!("/v1/orders/{order_id}/invoice"),
                json!({}),
                Some(&token),
            )
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (409, Some("invoice_exists"))
        );

        // A refund after invoicing: a red-letter invoice reverses the blue one.
        let red = orders
            .refund(&operator(), &order_id, "客户申请退款")
            .await
            .expect("refund");
        assert!(red);
        let invoices = svc
            .invoices_when(&token, |i| {
                i.iter()
                    .any(|v| v["kind"] == "red" && v["status"] == "issued")
            })
            .await;
        let red = invoices.iter().find(|v| v["kind"] == "red").expect("red");
        assert_eq!(red["total_fen"], -30_000);
        assert_eq!(red["reverses"], invoice_id.as_str());
        let (_, order) = svc
            .get(&format!("/v1/orders/{order_id}"), Some(&token))
            .await;
        assert_eq!(
            (
                order["status_label"].as_str(),
                order["invoice_status_label"].as_str()
            ),
            (Some("已退款"), Some("已红冲"))
        );
        let red_id = red["id"].as_str().expect("id");
        let (_, red_pdf) = svc
            .bytes(&format!("/v1/invoices/{red_id}/pdf"), Some(&token))
            .await;
        let text = pdftotext(&red_pdf);
        assert!(text.contains("-300.00") && text.contains("红字"), "{text}");
        assert!(
            text.contains(invoice["number"].as_str().expect("n")),
            "{text}"
        );
        svc.running.stop().await.expect("stop");
    }
}

/// A personal certificate order of `token` paid by transfer: its receiving account.
async fn transfer_order(svc: &Service, token: &str) -> (String, String) {
    let (status, order) = svc
        .post(
            "/v1/orders",
            json!({"product_id": "personal", "years": 1}),
            Some(token),
        )
        .await;
    assert_eq!(status, 201, "{order}");
    let id = order["id"].as_str().expect("id").to_string();
    let (status, order) = svc
        .post(&format!("/v1/orders/{id}/transfer"), json!({}), Some(token))
        .await;
    assert_eq!(status, 200, "{order}");
    let account = order["transfer"]["account_no"]
        .as_str()
        .expect("account")
        .to_string();
    (id, account)
}

#[tokio::test]
async fn transfers_that_do_not_fit_wait_for_an_operator() {
    for db in databases().await {
        let svc = Service::start_with(&db.url, |c| c.bank.check_payer = true).await;
        let token = verified_user(&svc, "13800000031", "孙七", "110101198203030036").await;
        let (status, _) = svc
            .post(
                "/v1/payer-accounts",
                json!({"kind": "personal", "holder_name": "孙七", "account_no": "6222000011112222",
                       "bank_name": "中国建设银行"}),
                Some(&token),
            )
            .await;
        assert_eq!(status, 201);
        let (over, over_account) = transfer_order(&svc, &token).await;
        let (cancelled, cancelled_account) = transfer_order(&svc, &token).await;
        svc.post(
            &format!("/v1/orders/{cancelled}/cancel"),
            json!({}),
            Some(&token),
        )
        .await;
        let (waiting, waiting_account) = transfer_order(&svc, &token).await;
        let (later, _) = transfer_order(&svc, &token).await;
        // One mistyped digit fails the check digit and matches nothing.
        let mut typo = waiting_account.clone().into_bytes();
        let last = typo.len() - 2;
        typo[last] = b'0' + (typo[last] - b'0' + 1) % 10;
        let typo = String::from_utf8(typo).expect("digits");
        let statement = camt053(&[
            ("X-1", &over_account, "150.00", "6222000011112222"),
            ("X-2", &cancelled_account, "100.00", "6222000011112222"),
            ("X-3", &typo, "150.00", "6222000011112222"),
            ("X-4", &waiting_account, "100.00", "6200999988887777"),
        ]);
        let s = svc
            .running
            .state
            .orders
            .import_statement(&operator(), &statement, "statement")
            .await
            .expect("import");
        assert_eq!(
            (s.surplus, s.held, s.unmatched, s.review),
            (1, 1, 1, 1),
            "{s:?}"
        );
        let (_, order) = svc.get(&format!("/v1/orders/{over}"), Some(&token)).await;
        assert_eq!(order["status"], "completed");
        let (_, order) = svc
            .get(&format!("/v1/orders/{waiting}"), Some(&token))
            .await;
        assert_eq!(
            (order["status"].as_str(), order["paid_fen"].as_i64()),
            (Some("awaiting_payment"), Some(0))
        );

        let orders = &svc.running.state.orders;
        let open = orders.open_transfers(&reviewer()).await.expect("open");
        assert_eq!(open.len(), 4, "{open:?}");
        let by_ref = |r: &str| {
            open.iter()
                .find(|t| t.bank_ref == r)
                .expect("open")
                .id
                .clone()
        };
        assert_eq!(
            open.iter()
                .find(|t| t.bank_ref == "X-1")
                .map(|t| t.surplus_fen),
            Some(5_000)
        );
        // The operator: the surplus went back; the unregistered payer's money counts after
        // a look; the unmatched transfer was for the later order; the held one went back.
        orders
            .resolve_transfer(&reviewer(), &by_ref("X-1"), &Resolution::Refunded)
            .await
            .expect("refunded");
        let outcome = orders
            .resolve_transfer(
                &reviewer(),
                &by_ref("X-4"),
                &Resolution::Apply {
                    order_id: waiting.clone(),
                },
            )
            .await
            .expect("applied");
        assert_eq!(outcome.map(|o| o.as_str()), Some("paid"));
        // 150 toward an order of 100: paid, and the 50 beyond waits for refund.
        let outcome = orders
            .resolve_transfer(
                &reviewer(),
                &by_ref("X-3"),
                &Resolution::Apply {
                    order_id: later.clone(),
                },
            )
            .await
            .expect("applied");
        assert_eq!(outcome.map(|o| o.as_str()), Some("surplus"));
        let reopened = orders.open_transfers(&reviewer()).await.expect("open");
        let x3 = reopened
            .iter()
            .find(|t| t.bank_ref == "X-3")
            .expect("the surplus waits for refund");
        assert_eq!((x3.outcome.as_str(), x3.surplus_fen), ("surplus", 5_000));
        orders
            .resolve_transfer(&reviewer(), &x3.id, &Resolution::Refunded)
            .await
            .expect("surplus refunded");
        // Resolving twice, or counting money toward an order no longer waiting, is refused.
        assert!(
            orders
                .resolve_transfer(&reviewer(), &by_ref("X-1"), &Resolution::Refunded)
                .await
                .is_err()
        );
        assert!(
            orders
                .resolve_transfer(
                    &reviewer(),
                    &by_ref("X-2"),
                    &Resolution::Apply {
                        order_id: cancelled.clone()
                    },
                )
                .await
                .is_err()
        );
        orders
            .resolve_transfer(&reviewer(), &by_ref("X-2"), &Resolution::Refunded)
            .await
            .expect("refunded");
        assert!(
            orders
                .open_transfers(&reviewer())
                .await
                .expect("open")
                .is_empty()
        );
        for id in [&waiting, &later] {
            let (_, order) = svc.get(&format!("/v1/orders/{id}"), Some(&token)).await;
            assert_eq!(order["status"], "completed");
        }

        // Paid in part: no online payment for the rest, no cancelling, no 购买信息修改; an
        // operator may refund it. Money counted toward an order is not an exception to resolve.
        let (part, part_account) = transfer_order(&svc, &token).await;
        let gateway = policy::gateway(&Actor::Gateway("bank".into())).expect("gateway");
        let note = |r: &str, account: &str, booked: &str| mcert_service::billing::BankNote {
            bank_ref: r.into(),
            account_no: account.into(),
            amount_fen: 4_000,
            currency: "CNY".into(),
            payer_name: Some("孙七".into()),
            payer_account: Some("6222000011112222".into()),
            booked_on: Some(booked.into()),
            remittance: None,
        };
        let outcome = orders
            .bank_notified(
                &gateway,
                &note("Y-1", &part_account, "2026-12-02")
                    .into_transfer()
                    .expect("note"),
            )
            .await
            .expect("notified");
        assert_eq!(outcome.as_str(), "partial");
        for (path, body) in [
            ("pay", json!({})),
            ("cancel", json!({})),
            ("change", json!({"years": 2})),
        ] {
            let (status, answer) = svc
                .post(&format!("/v1/orders/{part}/{path}"), body, Some(&token))
                .await;
            assert_eq!(
                (status, answer["code"].as_str()),
                (409, Some("already_partly_paid")),
                "{path}"
            );
        }
        let counted: (String,) =
            sqlx::query_as("SELECT id FROM bank_transfers WHERE bank_ref = 'Y-1'")
                .fetch_one(svc.running.state.store.pool())
                .await
                .expect("row");
        assert!(
            orders
                .resolve_transfer(&reviewer(), &counted.0, &Resolution::Refunded)
                .await
                .is_err()
        );
        let operator = policy::operator(&Actor::Operator("test".into())).expect("operator");
        assert!(
            !orders
                .refund(&operator, &part, "客户不再购买")
                .await
                .expect("refund")
        );
        let (_, order) = svc.get(&format!("/v1/orders/{part}"), Some(&token)).await;
        assert_eq!(order["status_label"], "已退款");
        // Booked after the deadline: held, whenever the statement arrives.
        let (_, late_account) = transfer_order(&svc, &token).await;
        let outcome = orders
            .bank_notified(
                &gateway,
                &note("Y-2", &late_account, "2099-01-01")
                    .into_transfer()
                    .expect("note"),
            )
            .await
            .expect("notified");
        assert_eq!(outcome.as_str(), "held");
        svc.running.stop().await.expect("stop");
    }
}

#[tokio::test]
async fn one_statement_imported_many_times_at_once_counts_every_transfer_once() {
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let token = verified_user(&svc, "13800000041", "周八", "110101198404040046").await;
        let mut orders = Vec::new();
        for _ in 0..8 {
            orders.push(transfer_order(&svc, &token).await);
        }
        // Each order paid in two halves, in one statement.
        let refs: Vec<(String, String)> = orders
            .iter()
            .enumerate()
            .flat_map(|(i, (_, account))| {
                [
                    (format!("C-{i}-a"), account.clone()),
                    (format!("C-{i}-b"), account.clone()),
                ]
            })
            .collect();
        let credits: Vec<(&str, &str, &str, &str)> = refs
            .iter()
            .map(|(r, a)| (r.as_str(), a.as_str(), "50.00", "6222000011112222"))
            .collect();
        let statement = camt053(&credits);
        let mut imports = Vec::new();
        for _ in 0..4 {
            let o = svc.running.state.orders.clone();
            let bytes = statement.clone();
            imports.push(tokio::spawn(async move {
                o.import_statement(&operator(), &bytes, "statement").await
            }));
        }
        let mut counted = 0;
        let mut duplicates = 0;
        for import in imports {
            let s = import.await.expect("join").expect("import");
            counted += s.paid + s.partial;
            duplicates += s.duplicate;
        }
        assert_eq!((counted, duplicates), (16, 48));
        let pool = svc.running.state.store.pool();
        for (id, _) in &orders {
            let (_, order) = svc.get(&format!("/v1/orders/{id}"), Some(&token)).await;
            assert_eq!(
                (order["status"].as_str(), order["paid_fen"].as_i64()),
                (Some("completed"), Some(10_000))
            );
            let (slots,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM entitlements WHERE order_id = $1")
                    .bind(id)
                    .fetch_one(pool)
                    .await
                    .expect("count");
            assert_eq!(slots, 1);
        }
        svc.running.stop().await.expect("stop");
    }
}

#[tokio::test]
async fn invoices_on_request_and_share_links_expire() {
    for db in databases().await {
        let svc = Service::start_with(&db.url, |c| c.invoice.mode = "on_request".into()).await;
        let token = verified_user(&svc, "13800000061", "陈十一", "110101199003030036").await;
        // Renewal, change and reissue are bought by the certificate's own flows.
        let (status, body) = svc
            .post(
                "/v1/orders",
                json!({"product_id": "renewal", "years": 1}),
                Some(&token),
            )
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (404, Some("unknown_product"))
        );
        let (status, order) = svc
            .post(
                "/v1/orders",
                json!({"product_id": "personal", "years": 1}),
                Some(&token),
            )
            .await;
        assert_eq!(status, 201, "{order}");
        let order_id = order["id"].as_str().expect("id").to_string();
        // Not before payment.
        let (status, body) = svc
            .post(
                &format!("/v1/orders/{order_id}/invoice"),
                json!({}),
                Some(&token),
            )
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (409, Some("not_invoiceable"))
        );
        svc.post(
            &format!("/v1/orders/{order_id}/pay"),
            json!({}),
            Some(&token),
        )
        .await;
        wait_completed(&svc, &token, &order_id).await;
        // Paid, but nothing is invoiced until asked (seed 000: 我的订单 → 已完成 → 申请开票).
        let _ = svc.running.state.outbox.run_due().await;
        let (_, list) = svc.get("/v1/invoices", Some(&token)).await;
        assert_eq!(list["items"].as_array().map(Vec::len), Some(0));
        let (_, order) = svc
            .get(&format!("/v1/orders/{order_id}"), Some(&token))
            .await;
        assert_eq!(order["invoice_status_label"], "未开票");
        let (status, body) = svc
            .post(
                &format!("/v1/orders/{order_id}/invoice"),
                json!({"profile_id": "01NOPE"}),
                Some(&token),
            )
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (404, Some("unknown_billing_info"))
        );
        // Without billing information the invoice is made out to the verified person.
        let (status, invoice) = svc
            .post(
                &format!("/v1/orders/{order_id}/invoice"),
                json!({}),
                Some(&token),
            )
            .await;
        assert_eq!(status, 201, "{invoice}");
        assert_eq!(
            (invoice["title"].as_str(), invoice["status_label"].as_str()),
            (Some("陈十一"), Some("开票中"))
        );
        let id = invoice["id"].as_str().expect("id").to_string();
        let invoices = svc
            .invoices_when(&token, |i| i.iter().any(|v| v["status"] == "issued"))
            .await;
        assert!(invoices[0]["taxpayer_id"].is_null());
        let (status, share) = svc
            .post(&format!("/v1/invoices/{id}/share"), json!({}), Some(&token))
            .await;
        assert_eq!(status, 201);
        let path = share["url"]
            .as_str()
            .and_then(|u| u.strip_prefix(&svc.base))
            .expect("path")
            .to_string();
        assert_eq!(svc.bytes(&path, None).await.0, 200);
        // A week later the link is gone.
        svc.clock.advance(Duration::from_secs(7 * 86_400 + 1));
        assert_eq!(svc.bytes(&path, None).await.0, 404);
        svc.running.stop().await.expect("stop");
    }
}
