//! Certificates issued per second through the HTTP API on loopback (install requests with
//! device CSRs, 4 at a time), on SQLite and, when `MCERT_TEST_PG_URL` is set, PostgreSQL.
//! Bounded: 300 certificates per engine (`MCERT_BENCH_QUICK=1`: 30).
//!
//! Run: `cargo bench -p mcert-service --bench issuance`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use mcert_core::crypto::Algorithm;
use mcert_service::authority::OperatorKey;
use mcert_service::config::ServiceConfig;
use mcert_service::server;
use mcert_test_support::accounts::{get, paid_order, post, verified_account};
use mcert_test_support::{device_csr, postgres_database};
use serde_json::json;

async fn run(label: &str, database: String, count: usize) {
    let config = ServiceConfig {
        listen: "127.0.0.1:0".parse().expect("addr"),
        data_dir: std::env::temp_dir().join(format!("mcert-bench-{}", std::process::id())),
        database_url: Some(database),
        dev: true,
        ..Default::default()
    };
    let running = server::start(&config, &OperatorKey::generate().expect("key"))
        .await
        .expect("start");
    let base = format!("http://{}", running.addr);
    let http = reqwest::Client::new();
    let (token, account) =
        verified_account(&http, &base, "13800000000", "110101199003070011").await;
    // Paid slots, prepared without the timing (orders paid directly, as the gateway would).
    let orders = running.state.orders.clone();
    for i in 0..count {
        paid_order(&orders, &account, i).await;
    }
    let entitlements = get(&http, format!("{base}/v1/entitlements"), Some(&token)).await;
    let ids: Vec<String> = entitlements["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| e["id"].as_str().expect("id").to_string())
        .collect();
    let csrs: Vec<String> = (0..count)
        .map(|i| {
            use base64ct::Encoding;
            let alg = if i % 2 == 0 {
                Algorithm::Sm2
            } else {
                Algorithm::P256
            };
            base64ct::Base64::encode_string(&device_csr(alg).1)
        })
        .collect();

    let work = Arc::new(std::sync::Mutex::new(
        ids.into_iter().zip(csrs).collect::<Vec<_>>(),
    ));
    let latencies = Arc::new(std::sync::Mutex::new(Vec::new()));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let (work, latencies, http, base, token) = (
            work.clone(),
            latencies.clone(),
            http.clone(),
            base.clone(),
            token.clone(),
        );
        tasks.push(tokio::spawn(async move {
            loop {
                let Some((id, csr)) = work.lock().expect("lock").pop() else {
                    break;
                };
                let t = Instant::now();
                post(
                    &http,
                    format!("{base}/v1/entitlements/{id}/install"),
                    Some(&token),
                    json!({"csr": csr}),
                )
                .await;
                latencies.lock().expect("lock").push(t.elapsed());
            }
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    let elapsed = started.elapsed();
    let mut lat: Vec<Duration> = latencies.lock().expect("lock").clone();
    lat.sort();
    let pick = |q: f64| lat[((lat.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1000.0;
    println!(
        "| {label} | {count} | {:.2} s | {:.0} | {:.1} ms | {:.1} ms |",
        elapsed.as_secs_f64(),
        count as f64 / elapsed.as_secs_f64(),
        pick(0.5),
        pick(0.99)
    );
    running.stop().await.expect("stop");
    let _ = std::fs::remove_dir_all(&config.data_dir);
}

fn main() {
    let count = if std::env::var("MCERT_BENCH_QUICK").is_ok() {
        30
    } else {
        300
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    println!("| store | certificates | time | issued/s | p50 | p99 |");
    println!("|---|---:|---:|---:|---:|---:|");
    runtime.block_on(async {
        let dir = std::env::temp_dir().join(format!("mcert-bench-db-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("mkdir");
        run(
            "SQLite (file, WAL)",
            mcert_service::store::Store::sqlite_url(&dir),
            count,
        )
        .await;
        let _ = std::fs::remove_dir_all(&dir);
        if let Ok(admin) = std::env::var("MCERT_TEST_PG_URL") {
            let url = postgres_database(&admin, "mcert_bench").await;
            run("PostgreSQL", url, count).await;
        } else {
            println!("(MCERT_TEST_PG_URL not set: PostgreSQL not measured)");
        }
    });
}
