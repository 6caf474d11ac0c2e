//! The spine benchmark: prints one table of signature, encryption, PIN unlock and QR decoding
//! speed, with `openssl speed sm2 ecdsap256` measured in the same run (when `openssl` exists)
//! and the ratios against it.
//!
//! Run: `cargo bench -p mcert-core --bench spine` (release build). `MCERT_BENCH_QUICK=1` runs a
//! short version (used by CI to check that the benchmark works).

use std::hint::black_box;
use std::process::Command;
use std::time::{Duration, Instant};

use mcert_core::crypto::{Algorithm, PrivateKey, Signer};
use mcert_core::device::envelope::{self, AeadAlgorithm, DeviceKeys, KdfParams};
use mcert_core::device::qr::{Engine, LumaFrame, decode_frame, synth};

/// Runs `f` repeatedly for about `budget` and returns operations per second.
fn per_second(budget: Duration, mut f: impl FnMut()) -> f64 {
    // Warm up.
    for _ in 0..10 {
        f();
    }
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < budget {
        for _ in 0..10 {
            f();
        }
        n += 10;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

/// (sign/s, verify/s) for SM2 and P-256 as `openssl speed` reports them.
fn openssl_speed(seconds: u32) -> Option<((f64, f64), (f64, f64))> {
    let out = Command::new("openssl")
        .args([
            "speed",
            "-seconds",
            &seconds.to_string(),
            "sm2",
            "ecdsap256",
        ])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut sm2 = None;
    let mut p256 = None;
    for line in text.lines() {
        let nums: Vec<f64> = line
            .split_whitespace()
            .filter_map(|t| t.parse::<f64>().ok())
            .collect();
        if nums.len() < 3 {
            continue;
        }
        let pair = (nums[nums.len() - 2], nums[nums.len() - 1]);
        if line.contains("SM2") {
            sm2 = Some(pair);
        } else if line.contains("nistp256") {
            p256 = Some(pair);
        }
    }
    Some((sm2?, p256?))
}

fn main() {
    let quick = std::env::var("MCERT_BENCH_QUICK").is_ok();
    let budget = if quick {
        Duration::from_millis(200)
    } else {
        Duration::from_secs(2)
    };
    let msg = "mcert sign: session 01JD3T9W6R8Q2XK4M5N7P9S1V3 platform 青海能源集团数字招采平台"
        .as_bytes()
        .to_vec();

    let mut rows: Vec<(String, f64, Option<f64>, Option<f64>)> = Vec::new();
    let only_qr = std::env::var("MCERT_BENCH_ONLY").as_deref() == Ok("qr");
    let openssl = if only_qr {
        None
    } else {
        openssl_speed(if quick { 1 } else { 3 })
    };

    for alg in [Algorithm::Sm2, Algorithm::P256]
        .into_iter()
        .filter(|_| !only_qr)
    {
        let key = PrivateKey::generate(alg).expect("key");
        let sig = key.sign(&msg).expect("sign");
        let sign = per_second(budget, || {
            black_box(key.sign(black_box(&msg)).expect("sign"));
        });
        let verify = per_second(budget, || {
            key.public_key()
                .verify(black_box(&msg), black_box(&sig))
                .expect("verify");
        });
        let reference = openssl.map(|(sm2, p256)| if alg == Algorithm::Sm2 { sm2 } else { p256 });
        rows.push((
            format!("{alg} sign/s"),
            sign,
            reference.map(|r| r.0),
            reference.map(|r| sign / r.0),
        ));
        rows.push((
            format!("{alg} verify/s"),
            verify,
            reference.map(|r| r.1),
            reference.map(|r| verify / r.1),
        ));
        let secret = [0x5au8; 32];
        let ct = key.public_key().encrypt(&secret).expect("encrypt");
        let enc = per_second(budget, || {
            black_box(
                key.public_key()
                    .encrypt(black_box(&secret))
                    .expect("encrypt"),
            );
        });
        let dec = per_second(budget, || {
            black_box(key.decrypt(black_box(&ct)).expect("decrypt"));
        });
        let name = if alg == Algorithm::Sm2 {
            "SM2"
        } else {
            "P-256 ECIES"
        };
        rows.push((format!("{name} encrypt/s (32 B)"), enc, None, None));
        rows.push((format!("{name} decrypt/s (32 B)"), dec, None, None));
    }

    // PIN unlock: Argon2id with the default (phone) parameters + AES-GCM open.
    let keys = DeviceKeys::derive(&[7u8; 32]);
    let params = KdfParams::DEFAULT;
    let blob = envelope::seal(
        &[1u8; 32],
        b"135790",
        b"bench",
        &keys,
        params,
        AeadAlgorithm::Aes256Gcm,
    )
    .expect("seal");
    let unlock_runs = if quick { 1 } else { 5 };
    let start = Instant::now();
    for _ in 0..unlock_runs {
        let env = envelope::check(&blob, b"bench", &keys).expect("check");
        black_box(env.open(b"135790", b"bench", &keys).expect("open"));
    }
    let unlock_ms = start.elapsed().as_secs_f64() * 1000.0 / unlock_runs as f64;

    println!();
    println!("| operation | mcert | OpenSSL 3 | ratio |");
    println!("|---|---:|---:|---:|");
    for (name, ours, theirs, ratio) in &rows {
        println!(
            "| {name} | {ours:.0} | {} | {} |",
            theirs
                .map(|t| format!("{t:.0}"))
                .unwrap_or_else(|| "–".into()),
            ratio
                .map(|r| format!("{r:.2}×"))
                .unwrap_or_else(|| "–".into())
        );
    }
    println!(
        "| PIN unlock (Argon2id m={} MiB t={} p={}) | {unlock_ms:.0} ms | – | – |",
        params.m_cost_kib / 1024,
        params.t_cost,
        params.p_cost
    );

    // QR decoding on the synthetic camera set.
    let (positives, negatives, stress) = if quick { (30, 10, 10) } else { (300, 60, 120) };
    for (set_name, set) in [
        ("test set", synth::test_set(23, positives, negatives)),
        ("stress set", synth::stress_set(12, stress)),
    ] {
        for engine in [Engine::Rqrr, Engine::Rxing, Engine::Auto] {
            let mut times = Vec::new();
            let (mut hits, mut pos, mut false_pos) = (0, 0, 0);
            for s in &set {
                let frame = LumaFrame {
                    width: s.width,
                    height: s.height,
                    row_stride: s.width,
                    data: &s.pixels,
                };
                let t = Instant::now();
                let found = decode_frame(&frame, engine).expect("decode");
                times.push(t.elapsed().as_secs_f64() * 1000.0);
                match &s.payload {
                    Some(p) => {
                        pos += 1;
                        if found.contains(p) {
                            hits += 1;
                        }
                    }
                    None => {
                        if !found.is_empty() {
                            false_pos += 1;
                        }
                    }
                }
            }
            if std::env::var("MCERT_BENCH_DETAIL").is_ok() {
                let mut pos_times: Vec<f64> = set
                    .iter()
                    .zip(&times)
                    .filter(|(s, _)| s.payload.is_some())
                    .map(|(_, t)| *t)
                    .collect();
                pos_times.sort_by(|a, b| a.total_cmp(b));
                eprintln!(
                    "  {engine:?} positives median {:.1} ms",
                    pos_times[pos_times.len() / 2]
                );
            }
            times.sort_by(|a, b| a.total_cmp(b));
            println!(
                "| QR {set_name} 1280×720, {engine:?} | median {:.1} ms, hits {hits}/{pos} ({:.1} %), false positives {false_pos} | – | – |",
                times[times.len() / 2],
                100.0 * hits as f64 / pos as f64
            );
        }
    }
    if openssl.is_none() && !only_qr {
        println!("(openssl not found: no reference figures)");
    }
}
