//! Revocation status throughput on loopback HTTP: CRL GETs per second (served from the stored
//! CRL), and OCSP responses per second from the cache against signing every response (the
//! behaviour before caching), for SM2 and P-256, 8 requests in flight. SQLite always,
//! PostgreSQL when `MCERT_TEST_PG_URL` is set. `MCERT_BENCH_QUICK=1` runs a tenth.
//!
//! Run: `cargo bench -p mcert-service --bench status`.

use std::time::{Duration, Instant};

use mcert_core::crypto::name::SubjectName;
use mcert_core::crypto::revocation::{self, CertId};
use mcert_core::crypto::x509::{self, Profile};
use mcert_core::crypto::{Algorithm, PrivateKey, csr};
use mcert_service::ca::{Authority, IssueRequest, OperatorKey};
use mcert_service::config::ServiceConfig;
use mcert_service::server;

const IN_FLIGHT: usize = 8;

async fn timed<F, Fut>(count: usize, work: F) -> f64
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let started = Instant::now();
    let mut tasks = Vec::new();
    for lane in 0..IN_FLIGHT {
        let work = work.clone();
        tasks.push(tokio::spawn(async move {
            let mut i = lane;
            while i < count {
                work(i).await;
                i += IN_FLIGHT;
            }
        }));
    }
    for t in tasks {
        t.await.expect("join");
    }
    count as f64 / started.elapsed().as_secs_f64()
}

async fn ocsp_request(ca: &Authority, alg: Algorithm) -> Vec<u8> {
    let key = PrivateKey::generate(alg).expect("key");
    let name = SubjectName {
        common_name: Some("bench".into()),
        ..Default::default()
    }
    .to_name()
    .expect("name");
    let csr_der = csr::to_der(&csr::build(&name, &key).expect("csr")).expect("der");
    let issued = ca
        .issue(IssueRequest {
            csr: &csr_der,
            subject: SubjectName {
                country: Some("CN".into()),
                common_name: Some("压测".into()),
                ..Default::default()
            },
            profile: Profile::PersonalLeaf,
            validity: Duration::from_secs(86400),
            entitlement_id: None,
            actor: "bench",
        })
        .await
        .expect("issue");
    let cert = x509::parse_certificate(&issued.certificate).expect("cert");
    let h = ca.hierarchy(alg).expect("h");
    let id = CertId::new(
        &h.issuing,
        cert.tbs_certificate().serial_number().as_bytes(),
        None,
    )
    .expect("id");
    revocation::build_ocsp_request(&[id], None).expect("req")
}

async fn run(label: &str, database: String, count: usize) -> Vec<(String, f64)> {
    let config = ServiceConfig {
        listen: "127.0.0.1:0".parse().expect("addr"),
        data_dir: std::env::temp_dir().join(format!("mcert-bench-status-{}", std::process::id())),
        database_url: Some(database),
        dev: true,
        ..Default::default()
    };
    let running = server::start(&config, &OperatorKey::generate().expect("key"))
        .await
        .expect("start");
    let base = format!("http://{}", running.addr);
    let http = reqwest::Client::new();
    let mut rows = Vec::new();
    for alg in [Algorithm::Sm2, Algorithm::P256] {
        let url = format!("{base}/v1/ca/{}/crl", alg.as_str());
        let client = http.clone();
        let rate = timed(count, move |_| {
            let client = client.clone();
            let url = url.clone();
            async move {
                let r = client.get(url).send().await.expect("get");
                assert_eq!(r.status(), 200);
                r.bytes().await.expect("body");
            }
        })
        .await;
        rows.push((format!("{label} {alg} CRL GET (stored)"), rate));

        let req = ocsp_request(&running.state.authority, alg).await;
        // Before: every response signed (the responder's no-cache path), called directly
        // since HTTP always takes the cached path.
        let ca = running.state.authority.clone();
        let r = req.clone();
        let rate = timed(count, move |_| {
            let ca = ca.clone();
            let r = r.clone();
            async move {
                ca.ocsp_uncached(&r).await.expect("ocsp");
            }
        })
        .await;
        rows.push((
            format!("{label} {alg} OCSP, signed per request (before)"),
            rate,
        ));
        let ca = running.state.authority.clone();
        let r = req.clone();
        let rate = timed(count, move |_| {
            let ca = ca.clone();
            let r = r.clone();
            async move {
                ca.ocsp(&r).await.expect("ocsp");
            }
        })
        .await;
        rows.push((format!("{label} {alg} OCSP, cached (after)"), rate));
        let url = format!("{base}/v1/ocsp");
        let client = http.clone();
        let rate = timed(count, move |_| {
            let client = client.clone();
            let url = url.clone();
            let body = req.clone();
            async move {
                let r = client
                    .post(url)
                    .header("content-type", "application/ocsp-request")
                    .body(body)
                    .send()
                    .await
                    .expect("post");
                assert_eq!(r.status(), 200);
                r.bytes().await.expect("body");
            }
        })
        .await;
        rows.push((format!("{label} {alg} OCSP over HTTP, cached"), rate));
    }
    running.stop().await.expect("stop");
    let _ = std::fs::remove_dir_all(&config.data_dir);
    rows
}

#[tokio::main]
async fn main() {
    let quick = std::env::var("MCERT_BENCH_QUICK").is_ok();
    let count = if quick { 200 } else { 2000 };
    let dir = std::env::temp_dir().join(format!("mcert-bench-status-db-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let mut rows = run(
        "SQLite",
        mcert_service::store::Store::sqlite_url(&dir),
        count,
    )
    .await;
    if let Ok(url) = std::env::var("MCERT_TEST_PG_URL") {
        rows.extend(run("PostgreSQL", url, count).await);
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!("\n{:<52} {:>12}", "operation", "per second");
    println!("{}", "-".repeat(65));
    for (name, rate) in rows {
        println!("{name:<52} {rate:>12.0}");
    }
}
