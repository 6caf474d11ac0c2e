//! Scan sessions completed per second through the HTTP API on loopback, and the time a scan
//! takes inside the core.
//!
//! 1. Service: 4 phones (two SM2, two P-256 certificates, keys in memory) each loop: the
//!    platform creates a login session → the phone scans its QR payload → signs the statement →
//!    completes → the platform reads the verified result. SQLite and, when `MCERT_TEST_PG_URL`
//!    is set, PostgreSQL. Bounded: 300 sessions per engine (`MCERT_BENCH_QUICK=1`: 40).
//! 2. Core: from a camera frame (1280×720 luma with the QR code) to a verified result, without
//!    the network and without the PIN KDF: decode the frame, parse the payload, build and sign
//!    the statement, the service's check of the answer, the platform's check of the result
//!    (chain, OCSP response, statement signature).
//!
//! Run: `cargo bench -p mcert-service --bench sessions`.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use mcert_core::crypto::{Algorithm, PrivateKey, x509};
use mcert_core::device::qr::{self, Engine, LumaFrame};
use mcert_core::scan::{self, Expectation};
use mcert_core::wire::{NewSession, ScannedSession, SessionKind, SessionStatus};
use mcert_rp::client::{RpClient, verify};
use mcert_service::authority::OperatorKey;
use mcert_service::config::ServiceConfig;
use mcert_service::platforms::Registration;
use mcert_service::server;
use mcert_test_support::accounts::{get, paid_order, post, verified_account};
use mcert_test_support::{device_csr, postgres_database};
use serde_json::json;

struct Phone {
    token: String,
    key: PrivateKey,
    cert: x509_cert::Certificate,
}

async fn phone(
    running: &server::Running,
    http: &reqwest::Client,
    base: &str,
    n: usize,
    alg: Algorithm,
) -> Phone {
    let ids = [
        "110101199003070011",
        "110101199003070038",
        "110105198505120040",
        "440304199201010059",
    ];
    let (token, account) =
        verified_account(http, base, &format!("1380000000{n}"), ids[n % 4]).await;
    paid_order(&running.state.orders, &account, n).await;
    let ents = get(http, format!("{base}/v1/entitlements"), Some(&token)).await;
    let ent = ents["items"][0]["id"].as_str().expect("id").to_string();
    let (key, csr_der) = device_csr(alg);
    use base64ct::Encoding;
    let csr_b64 = base64ct::Base64::encode_string(&csr_der);
    let installed = post(
        http,
        format!("{base}/v1/entitlements/{ent}/install"),
        Some(&token),
        json!({"csr": csr_b64}),
    )
    .await;
    let der =
        base64ct::Base64::decode_vec(installed["certificate"].as_str().expect("c")).expect("b64");
    Phone {
        token,
        key,
        cert: x509::parse_certificate(&der).expect("cert"),
    }
}

fn login() -> NewSession {
    NewSession::new(SessionKind::Login)
}

/// One whole session; returns what the core bench replays.
async fn one_session(
    rp: &RpClient,
    http: &reqwest::Client,
    base: &str,
    p: &Phone,
) -> (String, ScannedSession, SessionStatus) {
    let created = rp.create(&login(), None).await.expect("create");
    let payload = scan::qr_payload(&created.qr_start_token, &created.qr_start_secret, 0);
    let scanned: ScannedSession = serde_json::from_value(
        post(
            http,
            format!("{base}/v1/scan"),
            Some(&p.token),
            json!({"qr": payload, "device_id": "bench-device"}),
        )
        .await,
    )
    .expect("scanned");
    let answer =
        scan::answer(&scanned, &p.key, &p.cert, &[], None, SystemTime::now()).expect("answer");
    post(
        http,
        format!("{base}/v1/scan/{}/complete", scanned.session_id),
        Some(&p.token),
        serde_json::to_value(&answer).expect("json"),
    )
    .await;
    let status = rp
        .status(&created.session_id, None, None)
        .await
        .expect("status");
    assert_eq!(status.status, "completed");
    (payload, scanned, status)
}

fn pick(lat: &mut [Duration], q: f64) -> f64 {
    lat.sort();
    lat[((lat.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1000.0
}

async fn run(label: &str, database: String, count: usize, core_table: bool) {
    let config = ServiceConfig {
        listen: "127.0.0.1:0".parse().expect("addr"),
        data_dir: std::env::temp_dir().join(format!("mcert-bench-s-{}", std::process::id())),
        database_url: Some(database),
        dev: true,
        ..Default::default()
    };
    let running = server::start(&config, &OperatorKey::generate().expect("key"))
        .await
        .expect("start");
    let base = format!("http://{}", running.addr);
    let http = reqwest::Client::new();
    let creds = running
        .state
        .sessions
        .platforms()
        .register(&Registration {
            id: "bench".into(),
            name: "压测平台".into(),
            ..Default::default()
        })
        .await
        .expect("platform");
    let rp = RpClient::new(&base, &creds.api_key).expect("rp");
    let roots = rp.roots().await.expect("roots");
    let mut phones = Vec::new();
    for (n, alg) in [
        Algorithm::Sm2,
        Algorithm::P256,
        Algorithm::Sm2,
        Algorithm::P256,
    ]
    .into_iter()
    .enumerate()
    {
        phones.push(Arc::new(phone(&running, &http, &base, n, alg).await));
    }

    let left = Arc::new(std::sync::atomic::AtomicUsize::new(count));
    let latencies = Arc::new(std::sync::Mutex::new(Vec::new()));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for p in &phones {
        let (left, latencies, http, base, rp, p) = (
            left.clone(),
            latencies.clone(),
            http.clone(),
            base.clone(),
            rp.clone(),
            p.clone(),
        );
        tasks.push(tokio::spawn(async move {
            while left
                .fetch_update(
                    std::sync::atomic::Ordering::SeqCst,
                    std::sync::atomic::Ordering::SeqCst,
                    |n| n.checked_sub(1),
                )
                .is_ok()
            {
                let t = Instant::now();
                one_session(&rp, &http, &base, &p).await;
                latencies.lock().expect("lock").push(t.elapsed());
            }
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    let elapsed = started.elapsed();
    let mut lat = latencies.lock().expect("lock").clone();
    println!(
        "| {label} | {count} | {:.2} s | {:.0} | {:.1} ms | {:.1} ms |",
        elapsed.as_secs_f64(),
        count as f64 / elapsed.as_secs_f64(),
        pick(&mut lat, 0.5),
        pick(&mut lat, 0.99)
    );

    if core_table {
        core_bench(&rp, &http, &base, &phones, &roots).await;
    }
    running.stop().await.expect("stop");
    let _ = std::fs::remove_dir_all(&config.data_dir);
}

/// A 1280×720 luma frame with the QR code in it, as the camera hands it to the core.
fn frame_with(payload: &str) -> (Vec<u8>, u32, u32) {
    let png = qr::encode_png(payload, 6).expect("png");
    let img = image::load_from_memory(&png).expect("decode").to_luma8();
    let (w, h) = (1280u32, 720u32);
    let mut luma = vec![200u8; (w * h) as usize];
    let (ox, oy) = (400u32, 150u32);
    for (x, y, p) in img.enumerate_pixels() {
        if x + ox < w && y + oy < h {
            luma[((y + oy) * w + x + ox) as usize] = if p[0] < 128 { 30 } else { 220 };
        }
    }
    (luma, w, h)
}

async fn core_bench(
    rp: &RpClient,
    http: &reqwest::Client,
    base: &str,
    phones: &[Arc<Phone>],
    roots: &[x509_cert::Certificate],
) {
    println!();
    println!("| inside the core (no network, no PIN KDF) | algorithm | p50 | p99 |");
    println!("|---|---|---:|---:|");
    for p in phones.iter().take(2) {
        let alg = x509::certificate_public_key(&p.cert)
            .expect("k")
            .algorithm();
        let (payload, scanned, status) = one_session(rp, http, base, p).await;
        let (luma, w, h) = frame_with(&payload);
        let mut frames = Vec::new();
        let mut whole = Vec::new();
        for _ in 0..100 {
            let t = Instant::now();
            let frame = LumaFrame {
                data: &luma,
                width: w as usize,
                height: h as usize,
                row_stride: w as usize,
            };
            let found = qr::decode_frame(&frame, Engine::Auto).expect("decode");
            let code = scan::QrCode::parse(&found[0]).expect("parse");
            assert_eq!(code.t, 0);
            frames.push(t.elapsed());
            let answer = scan::answer(&scanned, &p.key, &p.cert, &[], None, SystemTime::now())
                .expect("answer");
            scan::check_answer(&scanned, &answer, &p.cert).expect("service check");
            verify(
                &status,
                &Expectation {
                    session_id: &scanned.session_id,
                    kind: SessionKind::Login,
                    document_digests: None,
                    roots,
                    now: SystemTime::now(),
                },
            )
            .expect("platform check");
            whole.push(t.elapsed());
        }
        println!(
            "| frame → payload (decode + parse) | {alg} | {:.1} ms | {:.1} ms |",
            pick(&mut frames, 0.5),
            pick(&mut frames, 0.99)
        );
        println!(
            "| frame → verified result (+ sign, service check, platform check) | {alg} | {:.1} ms | {:.1} ms |",
            pick(&mut whole, 0.5),
            pick(&mut whole, 0.99)
        );
    }
}

fn main() {
    let count = if std::env::var("MCERT_BENCH_QUICK").is_ok() {
        40
    } else {
        300
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    println!("| store | sessions | time | sessions/s | p50 | p99 |");
    println!("|---|---:|---:|---:|---:|---:|");
    runtime.block_on(async {
        let dir = std::env::temp_dir().join(format!("mcert-bench-sdb-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("mkdir");
        let pg = std::env::var("MCERT_TEST_PG_URL").ok();
        run(
            "SQLite (file, WAL)",
            mcert_service::store::Store::sqlite_url(&dir),
            count,
            pg.is_none(),
        )
        .await;
        let _ = std::fs::remove_dir_all(&dir);
        if let Some(admin) = pg {
            let url = postgres_database(&admin, "mcert_bench_s").await;
            run("PostgreSQL", url, count, true).await;
        } else {
            println!("(MCERT_TEST_PG_URL not set: PostgreSQL not measured)");
        }
    });
}
