//! Limits under concurrency, from outside: many parallel requests at one code, one phone, one
//! address; and refusals that must be JSON whoever makes them.

use super::*;

/// How many of `n` parallel requests answered each (status, code).
fn tally(results: &[(u16, Value)]) -> std::collections::BTreeMap<(u16, String), usize> {
    let mut out = std::collections::BTreeMap::new();
    for (status, body) in results {
        let code = body["code"].as_str().unwrap_or("ok").to_string();
        *out.entry((*status, code)).or_insert(0) += 1;
    }
    out
}

async fn parallel_posts(svc: &Service, bodies: Vec<Value>, path: &str) -> Vec<(u16, Value)> {
    let mut tasks = tokio::task::JoinSet::new();
    for (i, body) in bodies.into_iter().enumerate() {
        let http = svc.http.clone();
        let url = format!("{}{path}", svc.base);
        tasks.spawn(async move {
            let r = http.post(url).json(&body).send().await.expect("send");
            let status = r.status().as_u16();
            (i, status, r.json::<Value>().await.unwrap_or(Value::Null))
        });
    }
    let mut out = vec![(0, Value::Null); tasks.len()];
    while let Some(done) = tasks.join_next().await {
        let (i, status, body) = done.expect("task");
        out[i] = (status, body);
    }
    out
}

#[tokio::test]
async fn two_hundred_parallel_guesses_compare_at_most_five_against_one_code() {
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let phone = "13812340001";
        assert_eq!(
            svc.post("/v1/auth/sms-code", json!({"phone": phone}), None)
                .await
                .0,
            200
        );
        let code = svc.last_code(phone).await;
        let right: u32 = code.parse().expect("digits");
        // 199 wrong guesses and the right one at position 40, all at once.
        let bodies = (0..200u32)
            .map(|i| {
                let guess = if i == 40 {
                    code.clone()
                } else {
                    format!("{:06}", (right + 1 + i) % 1_000_000)
                };
                json!({"phone": phone, "code": guess})
            })
            .collect();
        let results = parallel_posts(&svc, bodies, "/v1/auth/login").await;
        let counts = tally(&results);
        let compared = counts.get(&(200, "ok".into())).copied().unwrap_or(0)
            + counts
                .get(&(401, "wrong_code".into()))
                .copied()
                .unwrap_or(0);
        assert!(compared <= 5, "{compared} guesses compared: {counts:?}");
        assert!(compared >= 1, "{counts:?}");
        // One address gets 120 tries an hour.
        assert_eq!(
            counts.get(&(429, "ip_limit".into())),
            Some(&80),
            "{counts:?}"
        );
        for (status, code) in counts.keys() {
            assert!(
                matches!(
                    (status, code.as_str()),
                    (200, "ok")
                        | (401, "wrong_code" | "no_valid_code")
                        | (423, "phone_locked")
                        | (429, "ip_limit")
                ),
                "unexpected refusal {status} {code}: {counts:?}"
            );
        }
        // The stored count agrees: the code took at most five tries.
        let failures: i64 = sqlx::query_scalar(
            "SELECT CAST(SUM(failures) AS BIGINT) FROM sms_codes WHERE phone = $1",
        )
        .bind(phone)
        .fetch_one(svc.running.state.store.pool())
        .await
        .expect("failures");
        assert!(failures <= 5, "{failures}");
        svc.running.stop().await.expect("stop");
    }
}

#[tokio::test]
async fn two_hundred_parallel_code_requests_send_one_text_per_phone_and_twenty_per_address() {
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let phone = "13812340002";
        let bodies = (0..200).map(|_| json!({"phone": phone})).collect();
        let results = parallel_posts(&svc, bodies, "/v1/auth/sms-code").await;
        let counts = tally(&results);
        assert_eq!(counts.get(&(200, "ok".into())), Some(&1), "{counts:?}");
        assert_eq!(
            counts.get(&(429, "code_cooldown".into())),
            Some(&199),
            "{counts:?}"
        );
        let (_, texts) = svc
            .get(&format!("/v1/dev/sms-outbox?phone={phone}"), None)
            .await;
        assert_eq!(texts["items"].as_array().map(Vec::len), Some(1));

        // One address, 200 phones at once: twenty texts an hour (one is spent above).
        let bodies = (0..200)
            .map(|i| json!({"phone": format!("1391234{i:04}")}))
            .collect();
        let results = parallel_posts(&svc, bodies, "/v1/auth/sms-code").await;
        let counts = tally(&results);
        assert_eq!(counts.get(&(200, "ok".into())), Some(&19), "{counts:?}");
        assert_eq!(
            counts.get(&(429, "ip_limit".into())),
            Some(&181),
            "{counts:?}"
        );
        let sent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sms_outbox")
            .fetch_one(svc.running.state.store.pool())
            .await
            .expect("count");
        assert_eq!(sent, 20);
        svc.running.stop().await.expect("stop");
    }
}

#[tokio::test]
async fn login_tries_are_limited_per_address_behind_a_trusted_proxy() {
    for db in databases().await {
        let svc = Service::start_with(&db.url, |c| {
            c.trusted_proxies = vec!["127.0.0.1/32".into(), "::1".into()];
        })
        .await;
        let post_from = |ip: &'static str, body: Value| {
            let req = svc
                .http
                .post(format!("{}/v1/auth/login", svc.base))
                .header("x-forwarded-for", format!("203.0.113.250, {ip}"))
                .json(&body);
            async move {
                let r = req.send().await.expect("send");
                let status = r.status().as_u16();
                (status, r.json::<Value>().await.unwrap_or(Value::Null))
            }
        };
        // 120 tries an hour from one address, whatever the phones.
        for i in 0..120 {
            let (status, body) = post_from(
                "198.51.100.7",
                json!({"phone": format!("1371234{i:04}"), "code": "000000"}),
            )
            .await;
            assert_eq!(
                (status, body["code"].as_str()),
                (401, Some("no_valid_code"))
            );
        }
        let (status, body) = post_from(
            "198.51.100.7",
            json!({"phone": "13712349999", "code": "000000"}),
        )
        .await;
        assert_eq!((status, body["code"].as_str()), (429, Some("ip_limit")));
        // Another client behind the same proxy is counted on its own.
        let (status, body) = post_from(
            "198.51.100.8",
            json!({"phone": "13712349999", "code": "000000"}),
        )
        .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (401, Some("no_valid_code"))
        );
        svc.running.stop().await.expect("stop");
    }
}

#[tokio::test]
async fn refusals_made_by_the_framework_are_json_with_stable_codes() {
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let check = |r: reqwest::Response, status: u16, code: &'static str| async move {
            assert_eq!(r.status().as_u16(), status);
            let ct = r
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            assert!(ct.starts_with("application/json"), "{status}: {ct}");
            let body: Value = r.json().await.expect("json");
            assert_eq!(body["code"], code, "{body}");
            assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
        };
        // A query that does not parse.
        let r = svc
            .http
            .get(format!("{}/v1/dev/sms-outbox?telephone=1", svc.base))
            .send()
            .await
            .expect("send");
        check(r, 400, "bad_request").await;
        // A body over 64 KiB.
        let big = "x".repeat(70 * 1024);
        let r = svc
            .http
            .post(format!("{}/v1/auth/login", svc.base))
            .header("content-type", "application/json")
            .body(format!("{{\"phone\":\"{big}\"}}"))
            .send()
            .await
            .expect("send");
        check(r, 413, "payload_too_large").await;
        // A request target over the limit.
        let long = "a".repeat(9000);
        let r = svc
            .http
            .get(format!("{}/v1/orders/{long}", svc.base))
            .send()
            .await
            .expect("send");
        check(r, 414, "uri_too_long").await;
        // A wrong method.
        let r = svc
            .http
            .delete(format!("{}/v1/auth/login", svc.base))
            .send()
            .await
            .expect("send");
        check(r, 405, "method_not_allowed").await;
        svc.running.stop().await.expect("stop");
    }
}

#[tokio::test]
async fn metrics_are_the_operators_and_logout_is_audited() {
    for db in databases().await {
        // With a token: refused without it, served with it.
        let svc = Service::start_with(&db.url, |c| {
            c.metrics_token = Some(mcert_service::config::Secret("scrape-me-0123".into()));
        })
        .await;
        let metrics = |token: Option<&'static str>| {
            let mut req = svc.http.get(format!("{}/metrics", svc.base));
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            async move { req.send().await.expect("send").status().as_u16() }
        };
        assert_eq!(metrics(None).await, 403);
        assert_eq!(metrics(Some("scrape-me-0124")).await, 403);
        assert_eq!(metrics(Some("scrape-me-0123")).await, 200);

        let token = svc.login("13812340003").await;
        let (status, _) = svc.post("/v1/auth/logout", json!({}), Some(&token)).await;
        assert_eq!(status, 204);
        let logouts: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE action = 'auth.logout'")
                .fetch_one(svc.running.state.store.pool())
                .await
                .expect("count");
        assert_eq!(logouts, 1);
        svc.running.stop().await.expect("stop");
    }
}

#[tokio::test]
async fn reusing_an_idempotency_key_with_another_body_is_refused() {
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let token = verified_user(&svc, "13812340004", "张三", "110101199003070011").await;
        let order = |years: i64| {
            svc.http
                .post(format!("{}/v1/orders", svc.base))
                .bearer_auth(&token)
                .header("idempotency-key", "order-once-1")
                .json(&json!({"product_id": "personal", "years": years}))
                .send()
        };
        let first = order(1).await.expect("send");
        assert_eq!(first.status(), 201, "{:?}", first.text().await);
        let again = order(1).await.expect("send");
        assert!(again.status().is_success());
        let other = order(2).await.expect("send");
        assert_eq!(other.status(), 422);
        let body: Value = other.json().await.expect("json");
        assert_eq!(body["code"], "idempotency_key_reused");
        svc.running.stop().await.expect("stop");
    }
}

#[tokio::test]
async fn thirty_parallel_identity_checks_ask_the_provider_at_most_ten_times_a_day() {
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let token = svc.login("13812340005").await;
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..30 {
            // A name the development provider answers with a mismatch.
            let req = svc
                .http
                .post(format!("{}/v1/identity/verify", svc.base))
                .bearer_auth(&token)
                .json(&json!({"method": "phone", "name": "拒绝张三", "id_number": "110101199003070011",
                    "phone": "13812340005", "face_token": "dev-live-ok"}));
            tasks.spawn(async move {
                let r = req.send().await.expect("send");
                let status = r.status().as_u16();
                (status, r.json::<Value>().await.unwrap_or(Value::Null))
            });
        }
        let mut results = Vec::new();
        while let Some(done) = tasks.join_next().await {
            results.push(done.expect("task"));
        }
        let counts = tally(&results);
        assert_eq!(
            counts.get(&(422, "identity_mismatch".into())),
            Some(&10),
            "{counts:?}"
        );
        assert_eq!(
            counts.get(&(429, "identity_attempts".into())),
            Some(&20),
            "{counts:?}"
        );
        let asked: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM identity_attempts")
            .fetch_one(svc.running.state.store.pool())
            .await
            .expect("count");
        assert_eq!(asked, 10);
        svc.running.stop().await.expect("stop");
    }
}
