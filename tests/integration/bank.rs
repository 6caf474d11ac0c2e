//! `mcert bank import` as an operator runs it, beside a running `mcert serve --dev`, on each
//! database: an import killed with SIGKILL part-way loses nothing and, run again, counts
//! nothing twice; two imports of one statement at once complete every order exactly once.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mcert_service::store::Store;
use mcert_test_support::{TempDir, databases};

use crate::common::DevServer;
use serde_json::{Value, json};

const MCERT: &str = env!("CARGO_BIN_EXE_mcert");
/// Orders paid by the statement, and credits to nobody's account around them (to make the
/// import long enough to be killed in the middle).
const ORDERS: usize = 12;
const FILLER: usize = 1500;

fn import(dir: &TempDir, database: &str, file: &std::path::Path) -> Command {
    let mut c = Command::new(MCERT);
    c.args(["bank", "import", "--dev", "--data-dir"])
        .arg(dir.path("service"))
        .args(["--database", database])
        .arg(file)
        .env("MCERT_LANG", "en")
        .env("RUST_LOG", "error");
    c
}

struct Buyer {
    http: reqwest::Client,
    url: String,
    token: String,
}

impl Buyer {
    async fn post(&self, path: &str, body: Value) -> Value {
        let r = self
            .http
            .post(format!("{}{path}", self.url))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .expect("post");
        assert!(r.status().is_success(), "{path}: {}", r.status());
        r.json().await.expect("json")
    }

    async fn get(&self, path: &str) -> Value {
        let r = self
            .http
            .get(format!("{}{path}", self.url))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("get");
        r.json().await.expect("json")
    }

    async fn log_in(url: &str, phone: &str) -> Buyer {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client");
        http.post(format!("{url}/v1/auth/sms-code"))
            .json(&json!({"phone": phone}))
            .send()
            .await
            .expect("code");
        let outbox: Value = http
            .get(format!("{url}/v1/dev/sms-outbox?phone={phone}"))
            .send()
            .await
            .expect("outbox")
            .json()
            .await
            .expect("json");
        let code: String = outbox["items"][0]
            .as_str()
            .expect("text")
            .chars()
            .filter(char::is_ascii_digit)
            .take(6)
            .collect();
        let login: Value = http
            .post(format!("{url}/v1/auth/login"))
            .json(&json!({"phone": phone, "code": code}))
            .send()
            .await
            .expect("login")
            .json()
            .await
            .expect("json");
        let buyer = Buyer {
            http,
            url: url.to_string(),
            token: login["token"].as_str().expect("token").to_string(),
        };
        buyer
            .post(
                "/v1/identity/verify",
                json!({"method": "phone", "name": "吴九", "id_number": "110101198505050040",
                       "phone": phone, "face_token": "dev-live-ok"}),
            )
            .await;
        buyer
    }

    /// Orders paid by transfer: (order id, receiving account).
    async fn transfer_orders(&self, n: usize) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for _ in 0..n {
            let order = self
                .post("/v1/orders", json!({"product_id": "personal", "years": 1}))
                .await;
            let id = order["id"].as_str().expect("id").to_string();
            let order = self
                .post(&format!("/v1/orders/{id}/transfer"), json!({}))
                .await;
            out.push((
                id,
                order["transfer"]["account_no"]
                    .as_str()
                    .expect("account")
                    .to_string(),
            ));
        }
        out
    }

    /// Every order completed, paid exactly its amount.
    async fn all_paid_once(&self, orders: &[(String, String)]) {
        for (id, _) in orders {
            let order = self.get(&format!("/v1/orders/{id}")).await;
            assert_eq!(
                (order["status"].as_str(), order["paid_fen"].as_i64()),
                (Some("completed"), Some(10_000)),
                "{order}"
            );
        }
    }
}

/// A CSV statement: every order paid in full, spread among credits to nobody's account.
fn statement(orders: &[(String, String)], tag: &str) -> String {
    let mut csv = String::from("交易流水号,收款账号,金额,币种,付款户名,付款账号,交易日期\n");
    let every = FILLER / orders.len();
    let mut next = orders.iter().enumerate();
    for i in 0..FILLER {
        if i % every == every / 2
            && let Some((n, (_, account))) = next.next()
        {
            csv.push_str(&format!(
                "{tag}-P{n},{account},100.00,CNY,吴九,6222000011113333,2026-12-02\n"
            ));
        }
        csv.push_str(&format!(
            "{tag}-F{i},990000000000{i:06},1.00,CNY,某人,6222000011114444,2026-12-02\n"
        ));
    }
    for (n, (_, account)) in next {
        csv.push_str(&format!(
            "{tag}-P{n},{account},100.00,CNY,吴九,6222000011113333,2026-12-02\n"
        ));
    }
    csv
}

async fn transfers_seen(store: &Store, tag: &str) -> i64 {
    let pattern = format!("{tag}-%");
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM bank_transfers WHERE bank_ref LIKE $1")
        .bind(pattern)
        .fetch_one(store.pool())
        .await
        .expect("count");
    n
}

#[test]
fn a_killed_import_loses_nothing_and_parallel_imports_count_once() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        for db in databases().await {
            let dir = TempDir::new("bank-import");
            let server = DevServer::start(&dir.path("service"), Some(&db.url), None);
            let url = server.url.clone();
            let store = Store::connect(&db.url).await.expect("store");
            let buyer = Buyer::log_in(&url, "13800000051").await;
            let total = i64::try_from(FILLER + ORDERS).expect("small");

            // Killed part-way: what was committed stays; the rest follows on the next run.
            let orders = buyer.transfer_orders(ORDERS).await;
            let file = dir.path("statement-1.csv");
            std::fs::write(&file, statement(&orders, "K")).expect("write");
            let mut child = import(&dir, &db.url, &file)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn import");
            let started = Instant::now();
            let mut seen = 0;
            while started.elapsed() < Duration::from_secs(60) {
                seen = transfers_seen(&store, "K").await;
                if seen >= 50 {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            child.kill().expect("SIGKILL");
            child.wait().expect("reaped");
            let after_kill = transfers_seen(&store, "K").await;
            assert!(
                (50..total).contains(&after_kill),
                "killed after {seen}, {after_kill} of {total} kept"
            );
            let out = import(&dir, &db.url, &file).output().expect("import");
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "{text}");
            assert!(
                text.contains(&format!("duplicates {after_kill}")),
                "{text} (expected {after_kill} duplicates)"
            );
            assert_eq!(transfers_seen(&store, "K").await, total);
            buyer.all_paid_once(&orders).await;

            // Two imports of one statement at once.
            let orders = buyer.transfer_orders(ORDERS).await;
            let file = dir.path("statement-2.csv");
            std::fs::write(&file, statement(&orders, "C")).expect("write");
            let a = import(&dir, &db.url, &file).spawn().expect("spawn");
            let b = import(&dir, &db.url, &file)
                .stdout(Stdio::piped())
                .spawn()
                .expect("spawn");
            let (a, b) = (a.wait_with_output(), b.wait_with_output());
            assert!(a.expect("a").status.success());
            let b = b.expect("b");
            assert!(b.status.success(), "{}", String::from_utf8_lossy(&b.stdout));
            assert_eq!(transfers_seen(&store, "C").await, total);
            buyer.all_paid_once(&orders).await;
            let (payments,): (i64,) = sqlx::query_as(
                "SELECT COUNT(*) FROM payments WHERE gateway = 'bank' AND gateway_txn LIKE 'C-%'",
            )
            .fetch_one(store.pool())
            .await
            .expect("count");
            assert_eq!(payments, i64::try_from(ORDERS).expect("small"));
            store.close().await;
            drop(server);
        }
    });
}

/// `mcert billing` and `mcert bank` from the shell: transfer instructions, a CSV statement
/// paying the order, the invoice saved and shared, billing profiles and payer accounts.
#[test]
fn billing_and_bank_commands_from_the_shell() {
    let dir = TempDir::new("cli-billing");
    let data = dir.path("service");
    let database = Store::sqlite_url(&data);
    let server = DevServer::start(&data, Some(&database), None);
    let url = server.url.clone();
    let home = dir.path("phone");
    let mcert = |args: &[&str]| {
        let out = Command::new(MCERT)
            .args(args)
            .env("MCERT_LANG", "zh-CN")
            .output()
            .expect("run");
        assert!(out.status.success(), "{args:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let device = |extra: &[&str]| {
        let mut args = vec![
            "device",
            "--home",
            home.to_str().expect("utf-8"),
            "--insecure-file-secret",
            "--server",
            url.as_str(),
        ];
        args.extend_from_slice(extra);
        mcert(&args)
    };
    let billing = |extra: &[&str]| {
        let mut args = vec![
            "billing",
            "--home",
            home.to_str().expect("utf-8"),
            "--insecure-file-secret",
            "--server",
            url.as_str(),
        ];
        args.extend_from_slice(extra);
        mcert(&args)
    };
    device(&["login", "--phone", "13612340001", "--dev-outbox"]);
    device(&[
        "verify",
        "--name",
        "郑十",
        "--id-number",
        "11010519491231002X",
        "--phone",
        "13612340001",
        "--face-token",
        "dev-live-ok",
    ]);
    let profile = billing(&["add-profile", "--kind", "personal", "--title", "郑十"]);
    assert!(
        billing(&["profiles"]).contains(&format!("{}\tpersonal\t郑十\t\tdefault", profile.trim()))
    );
    billing(&[
        "add-payer",
        "--kind",
        "personal",
        "--holder-name",
        "郑十",
        "--account-no",
        "6222 0000 1111 5555",
        "--bank-name",
        "中国农业银行",
    ]);
    assert!(billing(&["payers"]).contains("6222****5555"));
    let order = device(&["order"]).trim().to_string();
    let changed = billing(&["change", &order, "--years", "2"]);
    assert!(changed.contains("amount=200.00 CNY"), "{changed}");
    let shown = billing(&["transfer", &order]);
    let account = shown
        .lines()
        .find_map(|l| l.strip_prefix("account_no="))
        .expect("account")
        .to_string();
    assert!(shown.contains("due=200.00"), "{shown}");
    let file = dir.path("statement.csv");
    std::fs::write(
        &file,
        format!("bank_ref,account_no,amount,payer_name,payer_account,booked_on\nS-1,{account},200.00,郑十,6222000011115555,2026/12/2\n"),
    )
    .expect("write");
    let imported = mcert(&[
        "bank",
        "import",
        "--dev",
        "--data-dir",
        data.to_str().expect("utf-8"),
        "--database",
        &database,
        file.to_str().expect("utf-8"),
    ]);
    assert!(imported.contains("已付清 1"), "{imported}");
    let again = mcert(&[
        "bank",
        "import",
        "--dev",
        "--data-dir",
        data.to_str().expect("utf-8"),
        "--database",
        &database,
        file.to_str().expect("utf-8"),
    ]);
    assert!(again.contains("重复 1"), "{again}");
    // The invoice follows payment.
    let mut line = String::new();
    for _ in 0..100 {
        line = billing(&["invoices"]);
        if line.contains("已开票") {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        line.contains("郑十") && line.contains("200.00") && line.contains("已开票"),
        "{line}"
    );
    let invoice = line.split('\t').next().expect("id").to_string();
    let pdf = dir.path("invoice.pdf");
    billing(&["invoice-pdf", &invoice, "-o", pdf.to_str().expect("utf-8")]);
    assert!(std::fs::read(&pdf).expect("pdf").starts_with(b"%PDF-"));
    let share = billing(&["share", &invoice]);
    assert!(
        share.contains(&format!("url={url}/v1/shared/invoices/")),
        "{share}"
    );
    drop(server);
}
