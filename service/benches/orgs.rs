//! A whole organisation story through the HTTP API on loopback, timed step by step: the admin
//! logs in and verifies, registers the organisation, uploads the stamped letter and submits it,
//! a reviewer approves, the admin uploads the licence and applies, a reviewer approves, the
//! order is paid, the admin downloads the organisation certificate, adds a colleague, sets the
//! owner and holder of a personal slot, and the colleague logs in, verifies and claims it.
//! SQLite and, when `MCERT_TEST_PG_URL` is set, PostgreSQL. Bounded: 20 stories per engine
//! (`MCERT_BENCH_QUICK=1`: 2).
//!
//! Run: `cargo bench -p mcert-service --bench orgs`.

use std::time::{Duration, Instant};

use mcert_core::crypto::Algorithm;
use mcert_service::authority::OperatorKey;
use mcert_service::authz::{Actor, policy};
use mcert_service::billing::Notification;
use mcert_service::config::ServiceConfig;
use mcert_service::review::{Decision, ReviewStatus};
use mcert_service::server;
use mcert_test_support::accounts::{get, post, verified_account};
use mcert_test_support::{device_csr, postgres_database};
use serde_json::json;

const STEPS: [&str; 9] = [
    "log in + verify",
    "register",
    "letter: upload + submit",
    "review: letter",
    "apply: upload + submit",
    "review: application",
    "pay",
    "install org cert",
    "grant + claim",
];

/// A unified social credit code with a valid check character (GB 32100).
fn credit_code(n: usize) -> String {
    const CHARS: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    const WEIGHTS: [usize; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let body = format!("91110108MA{n:07}");
    let sum: usize = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(c, w)| CHARS.iter().position(|x| *x == c).unwrap_or(0) * w)
        .sum();
    format!("{body}{}", char::from(CHARS[(31 - sum % 31) % 31]))
}

/// An identity number with a valid check digit (GB 11643).
fn id_number(n: usize) -> String {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let body = format!("110101198001{:02}{:03}", 1 + n % 28, n % 1000);
    let sum: u32 = body
        .bytes()
        .zip(W)
        .map(|(c, w)| u32::from(c - b'0') * w)
        .sum();
    let check = b"10X98765432"[(sum % 11) as usize];
    format!("{body}{}", char::from(check))
}

fn png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8, y as u8, 128]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

async fn upload(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    org: &str,
    purpose: &str,
) -> String {
    let r: serde_json::Value = http
        .post(format!("{base}/v1/orgs/{org}/uploads?purpose={purpose}"))
        .bearer_auth(token)
        .body(png())
        .send()
        .await
        .expect("upload")
        .json()
        .await
        .expect("json");
    r["id"].as_str().expect("upload id").to_string()
}

async fn approve_pending(running: &server::Running) {
    let reviewer = policy::reviewer(&Actor::Reviewer("bench".into())).expect("grant");
    let reviews = &running.state.reviews;
    for item in reviews
        .queue(&reviewer, Some(ReviewStatus::Pending))
        .await
        .expect("queue")
    {
        reviews
            .decide(&reviewer, &item.id, Decision::Approve)
            .await
            .expect("decide");
    }
}

async fn story(
    running: &server::Running,
    http: &reqwest::Client,
    base: &str,
    n: usize,
) -> [Duration; 9] {
    let mut laps = [Duration::ZERO; 9];
    let mut t = Instant::now();
    let mut lap = |i: usize, t: &mut Instant| {
        laps[i] = t.elapsed();
        *t = Instant::now();
    };
    let (admin, admin_account) =
        verified_account(http, base, &format!("1370{n:07}"), &id_number(2 * n)).await;
    lap(0, &mut t);
    let org = post(
        http,
        format!("{base}/v1/orgs"),
        Some(&admin),
        json!({"name": format!("压测单位{n}"), "credit_code": credit_code(n), "legal_rep_name": "王总",
               "legal_rep_id_number": "110101197511110041", "applicant_relation": "agent"}),
    )
    .await;
    let org = org["id"].as_str().expect("org").to_string();
    lap(1, &mut t);
    let letter = upload(http, base, &admin, &org, "authorisation_letter").await;
    post(
        http,
        format!("{base}/v1/orgs/{org}/authorisation/letter"),
        Some(&admin),
        json!({"upload_id": letter}),
    )
    .await;
    lap(2, &mut t);
    approve_pending(running).await;
    lap(3, &mut t);
    let licence = upload(http, base, &admin, &org, "business_licence").await;
    let order = post(
        http,
        format!("{base}/v1/orders"),
        Some(&admin),
        json!({"product_id": "org-package", "years": 1, "org_id": org, "materials": [licence]}),
    )
    .await;
    let order_id = order["id"].as_str().expect("order").to_string();
    lap(4, &mut t);
    approve_pending(running).await;
    lap(5, &mut t);
    running
        .state
        .orders
        .apply_payment(
            &policy::gateway(&Actor::Gateway("bench".into())).expect("grant"),
            &Notification {
                order_id: order_id.clone(),
                transaction_id: format!("bench-org-{n}-{admin_account}"),
                amount_fen: order["amount_fen"].as_i64().expect("amount"),
                currency: "CNY".into(),
            },
        )
        .await
        .expect("paid");
    lap(6, &mut t);
    let slots = get(
        http,
        format!("{base}/v1/orgs/{org}/certificates"),
        Some(&admin),
    )
    .await;
    let items = slots["items"].as_array().expect("slots").clone();
    let slot_of = |kind: &str| {
        items
            .iter()
            .find(|s| s["kind"] == kind)
            .and_then(|s| s["entitlement_id"].as_str())
            .expect("slot")
            .to_string()
    };
    let install = |token: String, slot: String| async move {
        use base64ct::Encoding;
        let (_, csr) = device_csr(Algorithm::P256);
        post(
            http,
            format!("{base}/v1/entitlements/{slot}/install"),
            Some(&token),
            json!({"csr": base64ct::Base64::encode_string(&csr)}),
        )
        .await
    };
    install(admin.clone(), slot_of("organization")).await;
    lap(7, &mut t);
    let (phone, id) = (format!("1360{n:07}"), id_number(2 * n + 1));
    let member = post(
        http,
        format!("{base}/v1/orgs/{org}/members"),
        Some(&admin),
        json!({"name": "压测", "id_number": id, "phone": phone, "role": "user"}),
    )
    .await;
    let personal = slot_of("personal");
    let put = |path: String, body: serde_json::Value| {
        let admin = admin.clone();
        async move {
            let r = http
                .put(format!("{base}{path}"))
                .bearer_auth(admin)
                .json(&body)
                .send()
                .await
                .expect("put");
            assert!(r.status().is_success(), "{}", r.status());
        }
    };
    put(
        format!("/v1/orgs/{org}/certificates/{personal}/owner"),
        json!({"id_type": "resident_id", "id_number": id, "name": "压测"}),
    )
    .await;
    put(
        format!("/v1/orgs/{org}/certificates/{personal}/holder"),
        json!({"member_id": member["id"]}),
    )
    .await;
    let (colleague, _) = verified_account(http, base, &phone, &id).await;
    install(colleague, personal).await;
    lap(8, &mut t);
    laps
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn run(engine: &str, url: &str, stories: usize) {
    let config = ServiceConfig {
        listen: "127.0.0.1:0".parse().expect("addr"),
        data_dir: std::env::temp_dir().join(format!("mcert-bench-orgs-{}", std::process::id())),
        database_url: Some(url.to_string()),
        dev: true,
        ..Default::default()
    };
    // A clock the bench moves an hour on per story, so that the per-address SMS and login
    // limits (every phone here is on 127.0.0.1) do not cut the run short.
    let clock = std::sync::Arc::new(mcert_core::clock::ManualClock::new(
        std::time::SystemTime::now(),
    ));
    let running = server::start_with_clock(
        &config,
        &OperatorKey::generate().expect("key"),
        clock.clone(),
    )
    .await
    .expect("start");
    let base = format!("http://{}", running.addr);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let mut totals = Vec::with_capacity(stories);
    let mut per_step: Vec<Vec<Duration>> = vec![Vec::new(); STEPS.len()];
    for n in 0..stories {
        clock.advance(Duration::from_secs(3600));
        let laps = story(&running, &http, &base, n).await;
        totals.push(laps.iter().sum::<Duration>());
        for (i, l) in laps.iter().enumerate() {
            per_step[i].push(*l);
        }
    }
    totals.sort();
    println!("\norganisation story through the API — {engine}, {stories} stories");
    println!("{:<26} {:>10} {:>10}", "step", "median ms", "p95 ms");
    for (name, mut laps) in STEPS.iter().zip(per_step) {
        laps.sort();
        println!(
            "{:<26} {:>10.1} {:>10.1}",
            name,
            percentile(&laps, 0.5).as_secs_f64() * 1000.0,
            percentile(&laps, 0.95).as_secs_f64() * 1000.0
        );
    }
    println!(
        "{:<26} {:>10.1} {:>10.1}",
        "whole story",
        percentile(&totals, 0.5).as_secs_f64() * 1000.0,
        percentile(&totals, 0.95).as_secs_f64() * 1000.0
    );
    running.stop().await.expect("stop");
    let _ = std::fs::remove_dir_all(&config.data_dir);
}

fn main() {
    let quick = std::env::var("MCERT_BENCH_QUICK").is_ok_and(|v| v == "1");
    let stories = if quick { 2 } else { 20 };
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let dir = std::env::temp_dir().join(format!("mcert-bench-orgs-db-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let sqlite = format!("sqlite://{}?mode=rwc", dir.join("bench.db").display());
        run("SQLite", &sqlite, stories).await;
        let _ = std::fs::remove_dir_all(&dir);
        if let Ok(admin) = std::env::var("MCERT_TEST_PG_URL") {
            let url = postgres_database(&admin, "bench_orgs").await;
            run("PostgreSQL", &url, stories).await;
        }
    });
}
