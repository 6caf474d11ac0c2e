//! Guards around scan sessions found from outside: a sealed bid opens only for its recipient,
//! scans are limited per account and per client address, and time filters take any RFC 3339
//! offset; callbacks survive a restart.

use super::scan::*;
use super::*;
use mcert_core::clock::{Clock, ManualClock, rfc3339};
use mcert_core::scan;
use mcert_service::config::ServiceConfig;
use mcert_service::server;
use mcert_service::sessions::{SCANS_PER_ACCOUNT, SCANS_PER_ADDRESS};

/// The account that holds the certificate `serial`.
async fn holder_account(svc: &Service, serial: &str) -> String {
    sqlx::query(
        "SELECT e.holder_account_id FROM certificates c JOIN entitlements e
         ON c.entitlement_id = e.id WHERE c.serial = $1",
    )
    .bind(serial)
    .fetch_one(svc.running.state.store.pool())
    .await
    .expect("holder")
    .try_get(0)
    .expect("id")
}

/// Outcome and certificate serial of the holder's usage records, newest first.
async fn records(svc: &Service, who: &Holder) -> Vec<(String, String, String)> {
    usage(svc, who, "?limit=100").await["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| {
            (
                i["operation"].as_str().unwrap_or("").to_string(),
                i["outcome"].as_str().unwrap_or("").to_string(),
                i["certificate_serial"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_sealed_bid_opens_only_for_the_holder_of_its_recipient_certificate() {
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let (rp, _) = platform(&svc, None).await;
        let bidder = holder(
            &svc,
            "13900000031",
            "周八",
            "110101199003070038",
            Algorithm::Sm2,
        )
        .await;
        let stranger = holder(
            &svc,
            "13900000032",
            "吴九",
            "440304199201010059",
            Algorithm::Sm2,
        )
        .await;

        // The bid is sealed to the bidder; the stranger's scan is refused and takes nothing.
        let (req, sealed, eph) = decrypt_session(&bidder.cert);
        let created = rp.create(&req, None).await.expect("create");
        let (status, body) = scan_at(&svc, &stranger, &created, 0, "device-0009").await;
        assert_eq!(
            (status, body["code"].as_str()),
            (403, Some("not_bid_recipient")),
            "{body}"
        );
        assert!(
            body["message"].as_str().expect("m").contains("开标解密"),
            "{body}"
        );
        let st = rp.status(&created.session_id, None, None).await.expect("s");
        assert_eq!(st.status, "created");

        // The bidder scans, is offered their certificate, and opens the bid.
        let session = scanned(&svc, &bidder, &created).await;
        assert_eq!(session.eligible_serials, vec![bidder.serial.clone()]);
        let re = scan::reencrypt_bid_key(&session, &bidder.key).expect("re");
        let (status, body) = complete(
            &svc,
            &bidder,
            &created.session_id,
            &answer(&bidder, &session, Some(re)),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let done = rp.status(&created.session_id, None, None).await.expect("s");
        assert_eq!(done.status, "completed");
        let result = done.result.as_ref().expect("result");
        assert_eq!(result.serial, bidder.serial);
        let opened = sealed
            .open_with_ephemeral(
                &unb64(result.reencrypted_key.as_deref().expect("key")),
                &eph,
            )
            .expect("opens");
        assert_eq!(&opened[..], BID);
        assert_eq!(
            records(&svc, &stranger).await,
            vec![("开标解密".into(), "failed".into(), String::new())]
        );
        assert_eq!(
            failures(&svc, &stranger).await,
            vec!["not_bid_recipient".to_string()]
        );

        // After renewal the old certificate is revoked; its key still opens bids sealed to
        // it, the answer is signed with the new certificate, and the usage record names the
        // certificate that opened the bid.
        let (new_key, new_cert) = buy_certificate(&svc, &bidder.token, Algorithm::Sm2).await;
        let renewed = Holder {
            token: bidder.token.clone(),
            key: new_key,
            serial: x509::serial_hex(&new_cert),
            cert: new_cert,
        };
        svc.running
            .state
            .authority
            .revoke(&bidder.serial, RevocationReason::Superseded, "test")
            .await
            .expect("revoke");
        svc.clock.advance(Duration::from_secs(1));
        let (req, sealed, eph) = decrypt_session(&bidder.cert);
        let created = rp.create(&req, None).await.expect("create");
        let session = scanned(&svc, &renewed, &created).await;
        assert_eq!(session.eligible_serials, vec![renewed.serial.clone()]);
        let re = scan::reencrypt_bid_key(&session, &bidder.key).expect("re");
        let (status, body) = complete(
            &svc,
            &renewed,
            &created.session_id,
            &answer(&renewed, &session, Some(re)),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let done = rp.status(&created.session_id, None, None).await.expect("s");
        let result = done.result.as_ref().expect("result");
        assert_eq!(result.serial, renewed.serial);
        let opened = sealed
            .open_with_ephemeral(
                &unb64(result.reencrypted_key.as_deref().expect("key")),
                &eph,
            )
            .expect("opens");
        assert_eq!(&opened[..], BID);
        let newest = records(&svc, &bidder).await.remove(0);
        assert_eq!(
            newest,
            ("开标解密".into(), "completed".into(), bidder.serial.clone())
        );

        // The recipient certificate changes hands between scan and answer: the answer of its
        // former holder is refused, precisely, and the session fails.
        svc.clock.advance(Duration::from_secs(1));
        let (req, _, _) = decrypt_session(&bidder.cert);
        let created = rp.create(&req, None).await.expect("create");
        let session = scanned(&svc, &renewed, &created).await;
        let re = scan::reencrypt_bid_key(&session, &bidder.key).expect("re");
        let new_holder = holder_account(&svc, &stranger.serial).await;
        sqlx::query(
            "UPDATE entitlements SET holder_account_id = $1
             WHERE id = (SELECT entitlement_id FROM certificates WHERE serial = $2)",
        )
        .bind(&new_holder)
        .bind(&bidder.serial)
        .execute(svc.running.state.store.pool())
        .await
        .expect("reassign");
        let (status, body) = complete(
            &svc,
            &renewed,
            &created.session_id,
            &answer(&renewed, &session, Some(re)),
        )
        .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (403, Some("not_bid_recipient")),
            "{body}"
        );
        let st = rp.status(&created.session_id, None, None).await.expect("s");
        assert_eq!(
            (
                st.status.as_str(),
                st.failure.as_ref().map(|f| f.code.as_str())
            ),
            ("failed", Some("not_bid_recipient"))
        );
        audit_intact(&svc).await;
    }
}

/// Sends `n` forged scans at once for each token; returns (status, code, Retry-After) of each.
async fn flood(
    svc: &Service,
    tokens: &[String],
    qr: &str,
    n: usize,
) -> Vec<(u16, String, Option<u64>)> {
    let mut tasks = Vec::new();
    for token in tokens {
        for _ in 0..n {
            let (http, url, token) = (
                svc.http.clone(),
                format!("{}/v1/scan", svc.base),
                token.clone(),
            );
            let body = json!({"qr": qr, "device_id": DEVICE});
            tasks.push(tokio::spawn(async move {
                let r = http
                    .post(url)
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .expect("send");
                let status = r.status().as_u16();
                let retry = r
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse().ok());
                let body: Value = r.json().await.unwrap_or(Value::Null);
                assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
                (
                    status,
                    body["code"].as_str().unwrap_or("").to_string(),
                    retry,
                )
            }));
        }
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.expect("task"));
    }
    out
}

fn count(results: &[(u16, String, Option<u64>)], status: u16, code: &str) -> usize {
    results
        .iter()
        .filter(|(s, c, _)| *s == status && c == code)
        .count()
}

async fn audit_actions(svc: &Service, action: &str) -> i64 {
    sqlx::query("SELECT COUNT(*) FROM audit_events WHERE action = $1")
        .bind(action)
        .fetch_one(svc.running.state.store.pool())
        .await
        .expect("count")
        .try_get(0)
        .expect("n")
}

#[tokio::test]
async fn forged_scan_floods_are_limited_per_account_and_per_address() {
    let per_account = usize::try_from(SCANS_PER_ACCOUNT.max).expect("n");
    let per_address = usize::try_from(SCANS_PER_ADDRESS.max).expect("n");
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let (rp, _) = platform(&svc, None).await;
        let created = rp.create(&login_session(), None).await.expect("create");
        let forged = format!("mcert.{}.0.{}", created.qr_start_token, "ab".repeat(32));
        let attacker = svc.login("13900000041").await;

        // 300 forged scans at once from one account: only the account's allowance reaches the
        // checks; the rest are refused before them and leave no trace.
        let started = std::time::Instant::now();
        let results = flood(&svc, std::slice::from_ref(&attacker), &forged, 300).await;
        let elapsed = started.elapsed();
        assert_eq!(count(&results, 403, "qr_forged"), per_account);
        assert_eq!(
            count(&results, 429, "scan_account_limit"),
            300 - per_account
        );
        assert!(
            results
                .iter()
                .filter(|r| r.0 == 429)
                .all(|r| r.2.is_some_and(|s| (1..=60).contains(&s)))
        );
        println!(
            "{}: 300 concurrent forged scans in {elapsed:?}, {per_account} reached the checks",
            db.url.split(':').next().unwrap_or("")
        );
        let stored: i64 = sqlx::query("SELECT COUNT(*) FROM usage_records")
            .fetch_one(svc.running.state.store.pool())
            .await
            .expect("count")
            .try_get(0)
            .expect("n");
        assert_eq!(stored, i64::try_from(per_account).expect("n"));
        assert_eq!(
            audit_actions(&svc, "session.attempt_refused").await,
            i64::try_from(per_account).expect("n")
        );

        // The address's allowance is shared by every account behind it (fresh window).
        svc.clock.advance(SCANS_PER_ADDRESS.window);
        let mut tokens = Vec::new();
        let accounts = per_address.div_ceil(per_account) + 1;
        for i in 0..accounts {
            tokens.push(svc.login(&format!("1390000005{i}")).await);
        }
        let results = flood(&svc, &tokens, &forged, per_account).await;
        assert_eq!(count(&results, 403, "qr_forged"), per_address);
        assert_eq!(
            count(&results, 429, "scan_address_limit"),
            accounts * per_account - per_address
        );

        // The next window serves again.
        svc.clock.advance(SCANS_PER_ADDRESS.window);
        let results = flood(&svc, std::slice::from_ref(&attacker), &forged, 1).await;
        assert_eq!(count(&results, 403, "qr_forged"), 1);
        audit_intact(&svc).await;
    }
}

#[tokio::test]
async fn usage_filters_take_any_rfc3339_offset_and_answer_in_utc() {
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let (rp, _) = platform(&svc, None).await;
        let who = holder(
            &svc,
            "13900000061",
            "郑十",
            "110101199003070038",
            Algorithm::P256,
        )
        .await;
        let created = rp.create(&login_session(), None).await.expect("create");
        let session = scanned(&svc, &who, &created).await;
        let (status, body) = complete(
            &svc,
            &who,
            &created.session_id,
            &answer(&who, &session, None),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let now = svc.clock.now();
        let hour = Duration::from_secs(3600);
        // An hour ago in Beijing time and in New York time (UTC-5).
        let beijing = rfc3339(now - hour + 8 * hour).replace('Z', "+08:00");
        let new_york = rfc3339(now - hour - 5 * hour).replace('Z', "-05:00");
        for from in [
            beijing.replace('+', "%2B"),
            // An unescaped `+` arrives as a space.
            beijing.clone(),
            new_york.clone(),
        ] {
            let page = usage(&svc, &who, &format!("?from={from}")).await;
            let items = page["items"].as_array().expect("items");
            assert_eq!(items.len(), 1, "from={from}: {page}");
            let at = items[0]["at"].as_str().expect("at");
            assert!(at.ends_with('Z'), "{at}");
            let page = usage(&svc, &who, &format!("?to={from}")).await;
            assert!(
                page["items"].as_array().expect("items").is_empty(),
                "{page}"
            );
        }
        for bad in ["2026-11-23T08:00:00%2B8", "2026-11-23T08:00:00%2B08:00:00"] {
            let (status, body) = svc
                .get(&format!("/v1/usage?from={bad}"), Some(&who.token))
                .await;
            assert_eq!((status, body["code"].as_str()), (400, Some("bad_request")));
        }
    }
}

/// A service on `url` with a given operator key and clock (a restart keeps both).
async fn start_with(url: &str, key: &OperatorKey, clock: Arc<ManualClock>) -> Service {
    let config = ServiceConfig {
        listen: "127.0.0.1:0".parse().expect("addr"),
        data_dir: std::env::temp_dir().join(format!("mcert-login-{}", random_suffix())),
        database_url: Some(url.to_string()),
        dev: true,
        ..Default::default()
    };
    let running = server::start_with_clock(&config, key, clock.clone())
        .await
        .expect("start");
    let base = format!("http://{}", running.addr);
    Service {
        running,
        clock,
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client"),
        base,
        operator_key: OperatorKey::from_hex(&key.to_hex()).expect("key"),
    }
}

type Received = Arc<std::sync::Mutex<Vec<(String, Vec<u8>)>>>;

/// The platform's callback receiver on 127.0.0.1: answers 503 until `up`, then keeps what
/// it gets. Returns its URL and the count of requests it has seen.
async fn receiver(
    up: Arc<std::sync::atomic::AtomicBool>,
    received: Received,
) -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    use axum::http::{HeaderMap, StatusCode};
    use std::sync::atomic::Ordering;
    let hits = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = hits.clone();
    let app = axum::Router::new().route(
        "/cb",
        axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
            let (up, received, counter) = (up.clone(), received.clone(), counter.clone());
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                if !up.load(Ordering::SeqCst) {
                    return StatusCode::SERVICE_UNAVAILABLE;
                }
                let sig = headers
                    .get("x-mcert-signature")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                received.lock().expect("lock").push((sig, body.to_vec()));
                StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/cb", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, hits)
}

#[tokio::test]
async fn a_callback_that_could_not_be_sent_before_a_restart_is_delivered_after_it() {
    use std::sync::atomic::Ordering;
    for db in databases().await {
        let up = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let received: Received = Arc::default();
        let (callback, hits) = receiver(up.clone(), received.clone()).await;
        let key = OperatorKey::generate().expect("key");
        let clock = Arc::new(ManualClock::new(std::time::SystemTime::now()));
        let svc = start_with(&db.url, &key, clock.clone()).await;
        let (rp, secret) = platform(&svc, Some(callback.clone())).await;
        let who = holder(
            &svc,
            "13900000071",
            "钱十一",
            "110101199003070038",
            Algorithm::Sm2,
        )
        .await;
        let mut req = login_session();
        req.callback_url = Some(callback.clone());
        let created = rp.create(&req, None).await.expect("create");
        let session = scanned(&svc, &who, &created).await;
        let (status, body) = complete(
            &svc,
            &who,
            &created.session_id,
            &answer(&who, &session, None),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        // The platform is down: the first try fails and the job waits in the database.
        for _ in 0..100 {
            if hits.load(Ordering::SeqCst) > 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(hits.load(Ordering::SeqCst) > 0, "a first try");
        let pending: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox_jobs WHERE kind = 'callback' AND state = 'pending'",
        )
        .fetch_one(svc.running.state.store.pool())
        .await
        .expect("count");
        assert_eq!(pending, 1);
        svc.running.stop().await.expect("stop");

        // The platform comes back; a new service process on the same database delivers the
        // callback once its backoff has passed, signed as before.
        up.store(true, Ordering::SeqCst);
        clock.advance(Duration::from_secs(600));
        let svc = start_with(&db.url, &key, clock.clone()).await;
        let mut delivered = None;
        for _ in 0..200 {
            let this = received
                .lock()
                .expect("lock")
                .iter()
                .find(|(_, body)| {
                    serde_json::from_slice::<Value>(body)
                        .is_ok_and(|v| v["session_id"] == created.session_id.as_str())
                })
                .cloned();
            if this.is_some() {
                delivered = this;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let (sig, body) = delivered.expect("callback delivered after the restart");
        let expected = hex::encode(mcert_core::crypto::hash::hmac_sha256(
            secret.as_bytes(),
            &[&body],
        ));
        assert_eq!(sig, expected);
        let st: mcert_core::wire::SessionStatus = serde_json::from_slice(&body).expect("status");
        assert_eq!(st.status, "completed");
        assert!(st.result.is_some());
        let done: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox_jobs WHERE kind = 'callback' AND state = 'done'",
        )
        .fetch_one(svc.running.state.store.pool())
        .await
        .expect("count");
        assert_eq!(done, 1);
        svc.running.stop().await.expect("stop");
    }
}
