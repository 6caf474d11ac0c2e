//! The service against real databases: a SQLite file always, and PostgreSQL when
//! `MCERT_TEST_PG_URL` points at a server (the test script starts a throwaway one).

use std::sync::Arc;
use std::time::Duration;

use mcert_core::clock::SystemClock;
use mcert_core::crypto::name::SubjectName;
use mcert_core::crypto::revocation::{self, CertId, CertStatus, RevocationReason};
use mcert_core::crypto::x509::{self, Profile};
use mcert_core::crypto::{Algorithm, PrivateKey};
use mcert_service::audit;
use mcert_service::authority::{
    Authority, AuthorityConfig, AuthorityError, IssueRequest, OperatorKey,
};
use mcert_service::store::Store;
use mcert_test_support::{databases, device_csr, have_openssl, openssl, random_suffix};
use sqlx::Row;

fn config() -> AuthorityConfig {
    AuthorityConfig {
        base_url: "http://127.0.0.1:8080".into(),
    }
}

async fn authority(url: &str, key: &OperatorKey) -> Authority {
    let store = Store::connect(url).await.expect("store");
    Authority::open_or_bootstrap(store, key, config(), Arc::new(SystemClock), None)
        .await
        .expect("authority")
}

fn person(name: &str) -> SubjectName {
    SubjectName {
        country: Some("CN".into()),
        common_name: Some(name.into()),
        serial_number: Some("110101199003070011".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn the_ca_is_created_once_and_its_keys_are_sealed() {
    for db in databases().await {
        let key = OperatorKey::generate().expect("operator key");
        let first = authority(&db.url, &key).await;
        let second = authority(&db.url, &key).await;
        for alg in [Algorithm::Sm2, Algorithm::P256] {
            let (a, b) = (
                first.hierarchy(alg).expect("h"),
                second.hierarchy(alg).expect("h"),
            );
            assert_eq!(a.issuing_id, b.issuing_id);
            assert_eq!(a.root, b.root);
            assert!(x509::is_ca(&a.issuing));
        }
        // Another operator key cannot open the CA keys.
        let store = Store::connect(&db.url).await.expect("store");
        let wrong = OperatorKey::generate().expect("key");
        let err = Authority::open(store.clone(), &wrong, config(), Arc::new(SystemClock)).await;
        assert!(
            matches!(err, Err(AuthorityError::OperatorKey(_))),
            "{err:?}"
        );
        // Nothing readable at rest: the issuing keys are sealed blobs (version 1), not the
        // key's DER, and the roots' keys are not in the database at all.
        let rows = sqlx::query("SELECT role, protected_key FROM ca_keys")
            .fetch_all(store.pool())
            .await
            .expect("rows");
        assert_eq!(rows.len(), 4);
        for row in rows {
            let role: String = row.try_get(0).expect("role");
            let blob: Vec<u8> = row.try_get(1).expect("blob");
            if role == "root" {
                assert!(blob.is_empty(), "the root key stays offline");
                continue;
            }
            assert_eq!(blob[0], 1);
            assert!(!blob.windows(4).any(|w| w == [0x30, 0x81, 0x87, 0x02]));
        }
        assert!(matches!(
            OperatorKey::from_hex("abcd"),
            Err(AuthorityError::BadOperatorKey)
        ));
        assert_eq!(
            OperatorKey::from_hex(&key.to_hex())
                .expect("hex")
                .to_hex()
                .as_str(),
            key.to_hex().as_str()
        );
    }
}

#[tokio::test]
async fn issue_check_revoke_with_crl_and_ocsp() {
    for db in databases().await {
        let ca = authority(&db.url, &OperatorKey::generate().expect("key")).await;
        for alg in [Algorithm::Sm2, Algorithm::P256] {
            let (device_key, csr_der) = device_csr(alg);
            let issued = ca
                .issue(IssueRequest {
                    csr: &csr_der,
                    subject: person("张三"),
                    profile: Profile::PersonalLeaf,
                    validity: Duration::from_secs(365 * 86400),
                    entitlement_id: Some("ent-1"),
                    actor: "account:test",
                })
                .await
                .expect("issue");
            let cert = x509::parse_certificate(&issued.certificate).expect("cert");
            // The subject is the verified owner's, the key is the device's.
            let info = x509::info(&cert).expect("info");
            assert_eq!(info.subject.common_name.as_deref(), Some("张三"));
            assert_eq!(
                &x509::certificate_public_key(&cert).expect("pk"),
                device_key.public_key()
            );
            assert_eq!(info.serial_hex, issued.serial);
            let h = ca.hierarchy(alg).expect("h");
            mcert_core::crypto::path::validate(
                &cert,
                std::slice::from_ref(&h.issuing),
                std::slice::from_ref(&h.root),
                &mcert_core::crypto::path::ValidationOptions::at(std::time::SystemTime::now()),
            )
            .expect("path");

            // OCSP: good, then revoked.
            let id = CertId::new(
                &h.issuing,
                cert.tbs_certificate().serial_number().as_bytes(),
                None,
            )
            .expect("id");
            let req = revocation::build_ocsp_request(std::slice::from_ref(&id), Some(b"n1"))
                .expect("req");
            let resp = ca.ocsp(&req).await.expect("ocsp");
            let statuses = revocation::verify_ocsp_response(&resp, &h.issuing).expect("verify");
            assert_eq!(statuses[0].1, CertStatus::Good);
            ca.revoke(
                &issued.serial,
                RevocationReason::KeyCompromise,
                "account:test",
            )
            .await
            .expect("revoke");
            let resp = ca.ocsp(&req).await.expect("ocsp");
            let statuses = revocation::verify_ocsp_response(&resp, &h.issuing).expect("verify");
            assert!(matches!(
                statuses[0].1,
                CertStatus::Revoked {
                    reason: RevocationReason::KeyCompromise,
                    ..
                }
            ));
            assert!(matches!(
                ca.revoke(&issued.serial, RevocationReason::Superseded, "t")
                    .await,
                Err(AuthorityError::AlreadyRevoked(_))
            ));
            assert!(matches!(
                ca.revoke("00DEADBEEF", RevocationReason::Superseded, "t")
                    .await,
                Err(AuthorityError::UnknownCertificate(_))
            ));
            // A garbage request gets a malformedRequest answer, not an error.
            let bad = ca.ocsp(b"\x30\x03\x02\x01\x00").await.expect("answer");
            assert!(revocation::verify_ocsp_response(&bad, &h.issuing).is_err());

            // The CRL lists it; OpenSSL agrees.
            // The revocation issued a CRL; asking again serves the same stored one.
            let crl_row = ca.crl(alg).await.expect("crl");
            let again = ca.crl(alg).await.expect("crl");
            assert_eq!(crl_row.number, again.number, "reading does not sign");
            assert_eq!(crl_row.der, again.der);
            let crl = crl_row.der;
            if have_openssl() {
                let dir = std::env::temp_dir().join(format!("mcert-svc-ossl-{}", random_suffix()));
                std::fs::create_dir_all(&dir).expect("mkdir");
                std::fs::write(dir.join("crl.der"), &crl).expect("write");
                std::fs::write(
                    dir.join("issuing.pem"),
                    x509::to_pem(&h.issuing).expect("pem"),
                )
                .expect("write");
                std::fs::write(dir.join("root.pem"), x509::to_pem(&h.root).expect("pem"))
                    .expect("write");
                std::fs::write(dir.join("leaf.pem"), x509::to_pem(&cert).expect("pem"))
                    .expect("write");
                let (ok, text) = openssl(
                    &dir,
                    &["crl", "-inform", "DER", "-in", "crl.der", "-noout", "-text"],
                );
                assert!(ok && text.contains(&issued.serial), "{text}");
                if alg == Algorithm::P256 {
                    let (ok, out) = openssl(
                        &dir,
                        &[
                            "verify",
                            "-CAfile",
                            "root.pem",
                            "-untrusted",
                            "issuing.pem",
                            "leaf.pem",
                        ],
                    );
                    assert!(ok, "{out}");
                    std::fs::write(dir.join("resp.der"), &resp).expect("write");
                    let (ok, out) = openssl(
                        &dir,
                        &[
                            "ocsp",
                            "-respin",
                            "resp.der",
                            "-issuer",
                            "issuing.pem",
                            "-cert",
                            "leaf.pem",
                            "-VAfile",
                            "issuing.pem",
                            "-no_nonce",
                        ],
                    );
                    assert!(ok && out.contains("leaf.pem: revoked"), "{out}");
                }
                let _ = std::fs::remove_dir_all(&dir);
            }
        }
        let report = audit::verify(&Store::connect(&db.url).await.expect("store"))
            .await
            .expect("audit");
        assert_eq!(report.first_broken, None);
        assert_eq!(
            report.events,
            4 + 2 * 2,
            "4 CA creations, 2 issues, 2 revocations"
        );
    }
}

#[tokio::test]
async fn bad_requests_are_refused_and_store_nothing() {
    for db in databases().await {
        let ca = authority(&db.url, &OperatorKey::generate().expect("key")).await;
        let (_, good) = device_csr(Algorithm::Sm2);
        // Malformed.
        let err = ca
            .issue(IssueRequest {
                csr: b"not a csr",
                subject: person("李四"),
                profile: Profile::PersonalLeaf,
                validity: Duration::from_secs(86400),
                entitlement_id: None,
                actor: "t",
            })
            .await;
        assert!(matches!(err, Err(AuthorityError::BadRequest(_))), "{err:?}");
        // Signed by another key than the one it carries.
        let mut req = x509_cert::request::CertReq::try_from(good.as_slice()).expect("parse");
        let other = PrivateKey::generate(Algorithm::Sm2).expect("key");
        req.info.public_key = other.public_key().to_spki().expect("spki");
        let forged = der::Encode::to_der(&req).expect("der");
        let err = ca
            .issue(IssueRequest {
                csr: &forged,
                subject: person("李四"),
                profile: Profile::PersonalLeaf,
                validity: Duration::from_secs(86400),
                entitlement_id: None,
                actor: "t",
            })
            .await;
        assert!(matches!(err, Err(AuthorityError::BadRequest(_))), "{err:?}");
        let store = Store::connect(&db.url).await.expect("store");
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM certificates")
            .fetch_one(store.pool())
            .await
            .expect("count")
            .try_get(0)
            .expect("n");
        assert_eq!(n, 0);
    }
}

#[tokio::test]
async fn the_audit_chain_names_the_first_broken_link() {
    for db in databases().await {
        let ca = authority(&db.url, &OperatorKey::generate().expect("key")).await;
        let (_, csr_der) = device_csr(Algorithm::P256);
        for _ in 0..3 {
            ca.issue(IssueRequest {
                csr: &csr_der,
                subject: person("王五"),
                profile: Profile::PersonalLeaf,
                validity: Duration::from_secs(86400),
                entitlement_id: None,
                actor: "t",
            })
            .await
            .expect("issue");
        }
        let store = Store::connect(&db.url).await.expect("store");
        assert_eq!(
            audit::verify(&store).await.expect("verify").first_broken,
            None
        );
        sqlx::query("UPDATE audit_events SET detail = '{}' WHERE seq = 6")
            .execute(store.pool())
            .await
            .expect("tamper");
        let report = audit::verify(&store).await.expect("verify");
        assert_eq!(report.first_broken, Some((6, "event altered")));
        sqlx::query("DELETE FROM audit_events WHERE seq = 5")
            .execute(store.pool())
            .await
            .expect("delete");
        let report = audit::verify(&store).await.expect("verify");
        assert_eq!(report.first_broken, Some((6, "sequence gap")));
    }
}

mod http {
    pub(crate) use super::*;
    use mcert_service::config::ServiceConfig;
    use mcert_service::server;

    async fn start(url: &str) -> server::Running {
        let config = ServiceConfig {
            listen: "127.0.0.1:0".parse().expect("addr"),
            data_dir: std::env::temp_dir().join(format!("mcert-http-{}", random_suffix())),
            database_url: Some(url.to_string()),
            dev: true,
            ..Default::default()
        };
        server::start(&config, &OperatorKey::generate().expect("key"))
            .await
            .expect("start")
    }

    fn client() -> reqwest::Client {
        reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client")
    }

    #[tokio::test]
    async fn ca_endpoints_health_and_errors() {
        for db in databases().await {
            let running = start(&db.url).await;
            let base = format!("http://{}", running.addr);
            let http = client();
            let health = http
                .get(format!("{base}/healthz"))
                .send()
                .await
                .expect("healthz");
            assert_eq!(health.status(), 200);
            for alg in ["sm2", "p256"] {
                for which in ["root.cer", "issuing.cer", "crl"] {
                    let r = http
                        .get(format!("{base}/v1/ca/{alg}/{which}"))
                        .send()
                        .await
                        .expect("get");
                    assert_eq!(r.status(), 200, "{alg}/{which}");
                    let body = r.bytes().await.expect("body");
                    if which != "crl" {
                        let cert = x509::parse_certificate(&body).expect("certificate");
                        assert!(x509::is_ca(&cert));
                    }
                }
            }
            // OCSP by GET (RFC 6960 A.1): base64 of the request in the path.
            {
                use base64ct::Encoding;
                let h = running
                    .state
                    .authority
                    .hierarchy(Algorithm::P256)
                    .expect("h");
                let id = CertId::new(&h.issuing, &[0x01, 0x02], None).expect("id");
                let req = revocation::build_ocsp_request(&[id], None).expect("req");
                let path = base64ct::Base64::encode_string(&req)
                    .replace('/', "%2F")
                    .replace('+', "%2B");
                let r = http
                    .get(format!("{base}/v1/ocsp/{path}"))
                    .send()
                    .await
                    .expect("get");
                assert_eq!(r.status(), 200);
                let body = r.bytes().await.expect("body");
                let statuses = revocation::verify_ocsp_response(&body, &h.issuing).expect("verify");
                assert_eq!(statuses[0].1, CertStatus::Unknown);
            }
            // Errors are JSON with a stable code and a zh-CN message.
            let r = http
                .get(format!("{base}/v1/ca/rsa/crl"))
                .send()
                .await
                .expect("get");
            assert_eq!(r.status(), 404);
            let body: serde_json::Value = r.json().await.expect("json");
            assert_eq!(body["code"], "unknown_algorithm");
            assert!(
                body["message"]
                    .as_str()
                    .expect("message")
                    .contains("不支持的算法")
            );
            let r = http
                .get(format!("{base}/no/such/thing"))
                .send()
                .await
                .expect("get");
            assert_eq!(r.status(), 404);
            let r = http
                .post(format!("{base}/v1/ocsp"))
                .header("content-type", "application/json")
                .body("{}")
                .send()
                .await
                .expect("post");
            assert_eq!(r.status(), 415);
            let body: serde_json::Value = r.json().await.expect("json");
            assert_eq!(body["code"], "unsupported_media_type");
            let r = http
                .post(format!("{base}/v1/ocsp"))
                .header("content-type", "application/ocsp-request")
                .body(vec![0u8; 200 * 1024])
                .send()
                .await
                .expect("post");
            assert_eq!(r.status(), 413);
            let metrics = http
                .get(format!("{base}/metrics"))
                .send()
                .await
                .expect("metrics")
                .text()
                .await
                .expect("text");
            assert!(
                metrics.contains(
                    "mcert_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"
                ),
                "{metrics}"
            );
            running.stop().await.expect("stop");
        }
    }

    /// `openssl ocsp -url` talks to the running service over HTTP.
    #[tokio::test]
    async fn openssl_asks_the_ocsp_responder() {
        if !have_openssl() {
            return;
        }
        for db in databases().await {
            let running = start(&db.url).await;
            let ca = running.state.authority.clone();
            let (_, csr_der) = device_csr(Algorithm::P256);
            let issued = ca
                .issue(IssueRequest {
                    csr: &csr_der,
                    subject: person("赵六"),
                    profile: Profile::PersonalLeaf,
                    validity: Duration::from_secs(86400),
                    entitlement_id: None,
                    actor: "t",
                })
                .await
                .expect("issue");
            let h = ca.hierarchy(Algorithm::P256).expect("h");
            let dir = std::env::temp_dir().join(format!("mcert-ocsp-{}", random_suffix()));
            std::fs::create_dir_all(&dir).expect("mkdir");
            std::fs::write(
                dir.join("issuing.pem"),
                x509::to_pem(&h.issuing).expect("pem"),
            )
            .expect("w");
            std::fs::write(dir.join("root.pem"), x509::to_pem(&h.root).expect("pem")).expect("w");
            let leaf = x509::parse_certificate(&issued.certificate).expect("leaf");
            std::fs::write(dir.join("leaf.pem"), x509::to_pem(&leaf).expect("pem")).expect("w");
            let url = format!("http://{}/v1/ocsp", running.addr);
            let ask = |dir: &std::path::Path| {
                let dir = dir.to_path_buf();
                let url = url.clone();
                tokio::task::spawn_blocking(move || {
                    openssl(
                        &dir,
                        &[
                            "ocsp",
                            "-issuer",
                            "issuing.pem",
                            "-cert",
                            "leaf.pem",
                            "-url",
                            &url,
                            "-VAfile",
                            "issuing.pem",
                            "-timeout",
                            "10",
                        ],
                    )
                })
            };
            let (ok, out) = ask(&dir).await.expect("join");
            assert!(
                ok && out.contains("leaf.pem: good") && out.contains("Response verify OK"),
                "{out}"
            );
            ca.revoke(&issued.serial, RevocationReason::CessationOfOperation, "t")
                .await
                .expect("revoke");
            let (ok, out) = ask(&dir).await.expect("join");
            assert!(ok && out.contains("leaf.pem: revoked"), "{out}");
            // The certificate points at this responder and this CRL.
            let text = openssl(&dir, &["x509", "-in", "leaf.pem", "-noout", "-text"]).1;
            assert!(text.contains(&url), "{text}");
            let _ = std::fs::remove_dir_all(&dir);
            running.stop().await.expect("stop");
        }
    }
}

mod login {
    mod commerce;
    mod dual;
    mod handwriting;
    mod life;
    mod limits;
    mod orgs;
    mod orgs_rules;
    mod outbox;
    mod recovery;
    mod report_lost;
    mod scan;
    mod scan_guards;
    mod schema;
    mod seals;
    mod signatures;
    mod stamp;
    mod stamp_places;

    use super::*;
    use mcert_core::clock::ManualClock;
    use mcert_service::config::ServiceConfig;
    use mcert_service::server;
    use serde_json::{Value, json};

    struct Service {
        running: server::Running,
        clock: Arc<ManualClock>,
        http: reqwest::Client,
        base: String,
        operator_key: OperatorKey,
    }

    impl Service {
        async fn start(url: &str) -> Service {
            Self::start_with(url, |_| {}).await
        }

        /// A development service with some configuration changed.
        async fn start_with(url: &str, change: impl FnOnce(&mut ServiceConfig)) -> Service {
            let clock = Arc::new(ManualClock::new(std::time::SystemTime::now()));
            let mut config = ServiceConfig {
                listen: "127.0.0.1:0".parse().expect("addr"),
                data_dir: std::env::temp_dir().join(format!("mcert-login-{}", random_suffix())),
                database_url: Some(url.to_string()),
                dev: true,
                ..Default::default()
            };
            change(&mut config);
            let operator_key = OperatorKey::generate().expect("key");
            let running = server::start_adjustable(&config, &operator_key, clock.clone())
                .await
                .expect("start");
            let base = format!("http://{}", running.addr);
            Service {
                running,
                clock,
                operator_key,
                http: reqwest::Client::builder()
                    .timeout(Duration::from_secs(10))
                    .build()
                    .expect("client"),
                base,
            }
        }

        async fn post(&self, path: &str, body: Value, token: Option<&str>) -> (u16, Value) {
            let mut req = self.http.post(format!("{}{path}", self.base)).json(&body);
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            let r = req.send().await.expect("send");
            let status = r.status().as_u16();
            (status, r.json().await.unwrap_or(Value::Null))
        }

        async fn get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
            let mut req = self.http.get(format!("{}{path}", self.base));
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            let r = req.send().await.expect("send");
            let status = r.status().as_u16();
            (status, r.json().await.unwrap_or(Value::Null))
        }

        /// The code in the newest text sent to `phone`.
        async fn last_code(&self, phone: &str) -> String {
            // The text is delivered by the outbox: at once by the request, or by its worker
            // when that claimed the job first; wait for it (at most 5 s).
            let mut body = Value::Null;
            for _ in 0..100 {
                let (status, b) = self
                    .get(&format!("/v1/dev/sms-outbox?phone={phone}"), None)
                    .await;
                assert_eq!(status, 200);
                body = b;
                if body["items"][0].is_string() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            let text = body["items"][0].as_str().expect("a text").to_string();
            assert!(text.contains("验证码"), "{text}");
            text.chars().filter(char::is_ascii_digit).take(6).collect()
        }

        async fn login(&self, phone: &str) -> String {
            let (status, _) = self
                .post("/v1/auth/sms-code", json!({"phone": phone}), None)
                .await;
            assert_eq!(status, 200);
            let code = self.last_code(phone).await;
            let (status, body) = self
                .post(
                    "/v1/auth/login",
                    json!({"phone": phone, "code": code}),
                    None,
                )
                .await;
            assert_eq!(status, 200, "{body}");
            body["token"].as_str().expect("token").to_string()
        }
    }

    #[tokio::test]
    async fn register_login_choose_platform_logout() {
        for db in databases().await {
            let svc = Service::start(&db.url).await;
            let phone = "13812345678";
            let (status, body) = svc
                .post("/v1/auth/sms-code", json!({"phone": phone}), None)
                .await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(body["expires_in"], 300);
            let code = svc.last_code(phone).await;
            let (status, body) = svc
                .post(
                    "/v1/auth/login",
                    json!({"phone": phone, "code": code}),
                    None,
                )
                .await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(body["new_account"], true);
            assert_eq!(body["account"]["phone_masked"], "138****5678");
            let token = body["token"].as_str().expect("token").to_string();
            // The code is single use.
            let (status, body) = svc
                .post(
                    "/v1/auth/login",
                    json!({"phone": phone, "code": code}),
                    None,
                )
                .await;
            assert_eq!(
                (status, body["code"].as_str()),
                (401, Some("no_valid_code"))
            );

            let (status, me) = svc.get("/v1/me", Some(&token)).await;
            assert_eq!(status, 200);
            assert_eq!(me["phone"], phone);
            let (_, platforms) = svc.get("/v1/platforms", None).await;
            let items = platforms["items"].as_array().expect("items");
            let first = items
                .iter()
                .find(|p| p["name"] == "青海能源集团数字招采平台")
                .and_then(|p| p["id"].as_str())
                .expect("platform")
                .to_string();
            let r = svc
                .http
                .put(format!("{}/v1/me/platform", svc.base))
                .bearer_auth(&token)
                .json(&json!({"platform_id": first}))
                .send()
                .await
                .expect("put");
            assert_eq!(r.status(), 200);
            let r = svc
                .http
                .put(format!("{}/v1/me/platform", svc.base))
                .bearer_auth(&token)
                .json(&json!({"platform_id": "nope"}))
                .send()
                .await
                .expect("put");
            assert_eq!(r.status(), 404);
            let (_, me) = svc.get("/v1/me", Some(&token)).await;
            assert_eq!(me["platform_id"], first);

            // A second login of the same number is the same account.
            svc.clock.advance(Duration::from_secs(61));
            let token2 = svc.login(phone).await;
            let (_, me2) = svc.get("/v1/me", Some(&token2)).await;
            assert_eq!(me2["id"], me["id"]);
            // Logout ends only that session.
            let (status, _) = svc.post("/v1/auth/logout", json!({}), Some(&token)).await;
            assert_eq!(status, 204);
            let (status, body) = svc.get("/v1/me", Some(&token)).await;
            assert_eq!((status, body["code"].as_str()), (401, Some("unauthorized")));
            assert_eq!(svc.get("/v1/me", Some(&token2)).await.0, 200);
            assert_eq!(svc.get("/v1/me", Some("mct_forged")).await.0, 401);
            assert_eq!(svc.get("/v1/me", None).await.0, 401);
            // Tokens expire.
            svc.clock.advance(Duration::from_secs(31 * 86400));
            assert_eq!(svc.get("/v1/me", Some(&token2)).await.0, 401);
            svc.running.stop().await.expect("stop");
        }
    }

    #[tokio::test]
    async fn codes_expire_cool_down_and_are_limited() {
        for db in databases().await {
            let svc = Service::start(&db.url).await;
            let phone = "13900001111";
            assert_eq!(
                svc.post("/v1/auth/sms-code", json!({"phone": phone}), None)
                    .await
                    .0,
                200
            );
            let code = svc.last_code(phone).await;
            // Asking again at once: cooldown, with Retry-After.
            let r = svc
                .http
                .post(format!("{}/v1/auth/sms-code", svc.base))
                .json(&json!({"phone": phone}))
                .send()
                .await
                .expect("send");
            assert_eq!(r.status(), 429);
            assert!(r.headers().get("retry-after").is_some());
            let body: Value = r.json().await.expect("json");
            assert_eq!(body["code"], "code_cooldown");
            // Expired after five minutes.
            svc.clock.advance(Duration::from_secs(301));
            let (status, body) = svc
                .post(
                    "/v1/auth/login",
                    json!({"phone": phone, "code": code}),
                    None,
                )
                .await;
            assert_eq!(
                (status, body["code"].as_str()),
                (401, Some("no_valid_code"))
            );
            // Five codes an hour per phone.
            for _ in 0..4 {
                assert_eq!(
                    svc.post("/v1/auth/sms-code", json!({"phone": phone}), None)
                        .await
                        .0,
                    200
                );
                svc.clock.advance(Duration::from_secs(61));
            }
            let (status, body) = svc
                .post("/v1/auth/sms-code", json!({"phone": phone}), None)
                .await;
            assert_eq!((status, body["code"].as_str()), (429, Some("phone_limit")));
            // Twenty per hour per address, whatever the phones.
            for i in 0..15 {
                let (status, body) = svc
                    .post(
                        "/v1/auth/sms-code",
                        json!({"phone": format!("1370000{i:04}")}),
                        None,
                    )
                    .await;
                assert_eq!(status, 200, "{i}: {body}");
            }
            let (status, body) = svc
                .post("/v1/auth/sms-code", json!({"phone": "13799999999"}), None)
                .await;
            assert_eq!((status, body["code"].as_str()), (429, Some("ip_limit")));
            svc.running.stop().await.expect("stop");
        }
    }

    #[tokio::test]
    async fn wrong_codes_count_down_and_lock_the_phone() {
        for db in databases().await {
            let svc = Service::start(&db.url).await;
            let phone = "13600002222";
            for round in 0..2 {
                assert_eq!(
                    svc.post("/v1/auth/sms-code", json!({"phone": phone}), None)
                        .await
                        .0,
                    200
                );
                let code = svc.last_code(phone).await;
                let wrong = if code == "000000" { "000001" } else { "000000" };
                for expected in (0..5).rev() {
                    let (status, body) = svc
                        .post(
                            "/v1/auth/login",
                            json!({"phone": phone, "code": wrong}),
                            None,
                        )
                        .await;
                    if round == 1 && expected == 0 {
                        // The tenth wrong code in half an hour locks the phone.
                        assert_eq!(
                            (status, body["code"].as_str()),
                            (423, Some("phone_locked")),
                            "{body}"
                        );
                    } else {
                        assert_eq!(
                            (status, body["code"].as_str()),
                            (401, Some("wrong_code")),
                            "{body}"
                        );
                        assert!(
                            body["message"]
                                .as_str()
                                .expect("msg")
                                .contains(&format!("还可尝试 {expected} 次"))
                        );
                    }
                }
                // The burnt code no longer works, even when right.
                let (status, _) = svc
                    .post(
                        "/v1/auth/login",
                        json!({"phone": phone, "code": code}),
                        None,
                    )
                    .await;
                assert!(status == 401 || status == 423);
                svc.clock.advance(Duration::from_secs(61));
            }
            let (status, body) = svc
                .post("/v1/auth/sms-code", json!({"phone": phone}), None)
                .await;
            assert_eq!((status, body["code"].as_str()), (423, Some("phone_locked")));
            // Another phone is not affected; the lock lifts after the window.
            assert_eq!(
                svc.post("/v1/auth/sms-code", json!({"phone": "13600003333"}), None)
                    .await
                    .0,
                200
            );
            svc.clock.advance(Duration::from_secs(31 * 60));
            assert_eq!(
                svc.post("/v1/auth/sms-code", json!({"phone": phone}), None)
                    .await
                    .0,
                200
            );
            svc.running.stop().await.expect("stop");
        }
    }

    #[tokio::test]
    async fn bad_input_gets_precise_errors() {
        for db in databases().await {
            let svc = Service::start(&db.url).await;
            let (status, body) = svc
                .post("/v1/auth/sms-code", json!({"phone": "12345"}), None)
                .await;
            assert_eq!((status, body["code"].as_str()), (400, Some("bad_phone")));
            assert_eq!(body["message"], "请输入正确的手机号");
            let (status, body) = svc
                .post(
                    "/v1/auth/sms-code",
                    json!({"phone": "13812345678", "x": 1}),
                    None,
                )
                .await;
            assert_eq!((status, body["code"].as_str()), (400, Some("bad_request")));
            let r = svc
                .http
                .post(format!("{}/v1/auth/sms-code", svc.base))
                .header("content-type", "text/plain")
                .body("phone=13812345678")
                .send()
                .await
                .expect("send");
            assert_eq!(r.status(), 415);
            let r = svc
                .http
                .post(format!("{}/v1/auth/login", svc.base))
                .header("content-type", "application/json")
                .body(format!("{{\"phone\": \"{}\"}}", "1".repeat(100_000)))
                .send()
                .await
                .expect("send");
            assert_eq!(r.status(), 413);
            let (status, body) = svc
                .post(
                    "/v1/auth/login",
                    json!({"phone": "13812345678", "code": "12"}),
                    None,
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
    async fn real_name_verification() {
        for db in databases().await {
            let svc = Service::start(&db.url).await;
            let token = svc.login("13512345678").await;
            let good = json!({
                "method": "bank_card", "name": "张三", "id_number": "110101199003070011",
                "bank_card": "6222021234567890128", "phone": "13512345678", "face_token": "dev-live-ok",
            });
            let (status, _) = svc.post("/v1/identity/verify", good.clone(), None).await;
            assert_eq!(status, 401);
            let (_, body) = svc.get("/v1/identity", Some(&token)).await;
            assert_eq!(body["verified"], false);
            let with = |field: &str, value: Value| {
                let mut v = good.clone();
                v[field] = value;
                v
            };
            for (body, status, code) in [
                (
                    with("id_number", json!("110101199003070012")),
                    400,
                    "bad_id_number",
                ),
                (
                    with("bank_card", json!("6222021234567890127")),
                    400,
                    "bad_bank_card",
                ),
                (with("name", json!("张")), 400, "bad_name"),
                (with("phone", json!("1351234567")), 400, "bad_phone"),
                (with("face_token", json!("spoofed")), 422, "not_live"),
                (with("name", json!("拒绝张三")), 422, "identity_mismatch"),
            ] {
                let (s, b) = svc.post("/v1/identity/verify", body, Some(&token)).await;
                assert_eq!((s, b["code"].as_str()), (status, Some(code)), "{b}");
            }
            let (status, body) = svc
                .post("/v1/identity/verify", good.clone(), Some(&token))
                .await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(body["id_number_masked"], "110***********0011");
            let (_, body) = svc.get("/v1/identity", Some(&token)).await;
            assert_eq!(body["verified"], true);
            assert_eq!(body["identity"]["name"], "张三");
            // Stored encrypted; the service can open it for certificate subjects.
            let sealed: Vec<u8> = sqlx::query("SELECT id_number_sealed FROM identities")
                .fetch_one(svc.running.state.store.pool())
                .await
                .expect("row")
                .try_get(0)
                .expect("blob");
            assert!(!sealed.windows(18).any(|w| w == b"110101199003070011"));
            let (_, me) = svc.get("/v1/me", Some(&token)).await;
            let account_id = me["id"].as_str().expect("id");
            let opened = svc
                .running
                .state
                .identities
                .open(account_id, &sealed)
                .expect("open");
            assert_eq!(opened.as_str(), "110101199003070011");
            assert!(
                svc.running
                    .state
                    .identities
                    .open("another", &sealed)
                    .is_err()
            );
            // Phone three-factor, and the daily limit of 10 checks (form errors do not count:
            // 3 checks so far, this is the 4th, then 6 more).
            let phone3 = json!({
                "method": "phone", "name": "张三", "id_number": "11010519491231002X",
                "phone": "13512345678", "face_token": "dev-live-ok",
            });
            assert_eq!(
                svc.post("/v1/identity/verify", phone3.clone(), Some(&token))
                    .await
                    .0,
                200
            );
            for _ in 0..6 {
                let (s, _) = svc
                    .post(
                        "/v1/identity/verify",
                        with("face_token", json!("x")),
                        Some(&token),
                    )
                    .await;
                assert_eq!(s, 422);
            }
            let (status, body) = svc.post("/v1/identity/verify", phone3, Some(&token)).await;
            assert_eq!(
                (status, body["code"].as_str()),
                (429, Some("identity_attempts"))
            );
            svc.running.stop().await.expect("stop");
        }
    }

    async fn verified_user(svc: &Service, phone: &str, name: &str, id_number: &str) -> String {
        let token = svc.login(phone).await;
        let (status, body) = svc
            .post(
                "/v1/identity/verify",
                json!({"method": "phone", "name": name, "id_number": id_number, "phone": phone, "face_token": "dev-live-ok"}),
                Some(&token),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        token
    }

    async fn wait_completed(svc: &Service, token: &str, order_id: &str) -> Value {
        for _ in 0..100 {
            let (_, order) = svc
                .get(&format!("/v1/orders/{order_id}"), Some(token))
                .await;
            if order["status"] == "completed" {
                return order;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("order {order_id} never completed");
    }

    #[tokio::test]
    async fn buy_pay_and_install_a_personal_certificate() {
        for db in databases().await {
            let svc = Service::start(&db.url).await;
            // Without real-name verification there is no order.
            let stranger = svc.login("13700000001").await;
            let (status, body) = svc
                .post(
                    "/v1/orders",
                    json!({"product_id": "personal", "years": 1}),
                    Some(&stranger),
                )
                .await;
            assert_eq!(
                (status, body["code"].as_str()),
                (403, Some("identity_required"))
            );

            let token = verified_user(&svc, "13800138000", "张三", "110101199003070011").await;
            let (_, catalogue) = svc.get("/v1/catalog", None).await;
            assert!(
                catalogue["items"]
                    .as_array()
                    .expect("items")
                    .iter()
                    .any(|p| p["id"] == "personal")
            );
            for (body, code) in [
                (json!({"product_id": "personal", "years": 4}), "bad_period"),
                (json!({"product_id": "gold", "years": 1}), "unknown_product"),
            ] {
                let (_, b) = svc.post("/v1/orders", body, Some(&token)).await;
                assert_eq!(b["code"], code);
            }
            // The same Idempotency-Key gives the same order.
            let place = || async {
                let r = svc
                    .http
                    .post(format!("{}/v1/orders", svc.base))
                    .bearer_auth(&token)
                    .header("idempotency-key", "k-1")
                    .json(&json!({"product_id": "personal", "years": 2}))
                    .send()
                    .await
                    .expect("send");
                assert_eq!(r.status(), 201);
                r.json::<Value>().await.expect("json")
            };
            let order = place().await;
            assert_eq!(place().await["id"], order["id"]);
            assert_eq!(order["status_label"], "待支付");
            assert_eq!(order["amount_fen"], 20_000);
            let order_id = order["id"].as_str().expect("id").to_string();
            // Someone else's token does not reach it.
            assert_eq!(
                svc.get(&format!("/v1/orders/{order_id}"), Some(&stranger))
                    .await
                    .0,
                404
            );

            // A forged or wrong notification changes nothing.
            let gateway = svc.running.state.orders.gateway().clone();
            let note = |amount: i64, txn: &str| {
                serde_json::to_vec(&json!({"order_id": order_id, "transaction_id": txn, "amount_fen": amount, "currency": "CNY"})).expect("json")
            };
            let notify = |body: Vec<u8>, signature: String| {
                let http = svc.http.clone();
                let url = format!("{}/v1/payments/notify/dev", svc.base);
                async move {
                    let r = http
                        .post(url)
                        .header("content-type", "application/json")
                        .header("x-mcert-signature", signature)
                        .body(body)
                        .send()
                        .await
                        .expect("send");
                    let status = r.status().as_u16();
                    (status, r.json::<Value>().await.unwrap_or(Value::Null))
                }
            };
            let (status, b) = notify(note(20_000, "t-forged"), "00".repeat(32)).await;
            assert_eq!((status, b["code"].as_str()), (401, Some("bad_signature")));
            let wrong = note(1, "t-wrong");
            let (status, b) = notify(wrong.clone(), gateway.sign(&wrong)).await;
            assert_eq!((status, b["code"].as_str()), (400, Some("amount_mismatch")));
            assert_eq!(
                svc.get(&format!("/v1/orders/{order_id}"), Some(&token))
                    .await
                    .1["status"],
                "awaiting_payment"
            );

            // Pay: the gateway's notification arrives asynchronously.
            let (status, _) = svc
                .post(
                    &format!("/v1/orders/{order_id}/pay"),
                    json!({}),
                    Some(&token),
                )
                .await;
            assert_eq!(status, 202);
            let paid = wait_completed(&svc, &token, &order_id).await;
            assert_eq!(paid["status_label"], "已完成");
            // The same notification again (a gateway retry) is accepted and changes nothing.
            let first_txn: String = sqlx::query("SELECT gateway_txn FROM payments")
                .fetch_one(svc.running.state.store.pool())
                .await
                .expect("payment")
                .try_get(0)
                .expect("txn");
            let replay = note(20_000, &first_txn);
            let (status, b) = notify(replay.clone(), gateway.sign(&replay)).await;
            assert_eq!((status, b["changed"].as_bool()), (200, Some(false)), "{b}");
            // A second, different payment of a paid order conflicts.
            let again = note(20_000, "t-second");
            let (status, b) = notify(again.clone(), gateway.sign(&again)).await;
            assert_eq!((status, b["code"].as_str()), (409, Some("already_paid")));
            let (_, ents) = svc.get("/v1/entitlements", Some(&token)).await;
            let ents = ents["items"].as_array().expect("items").clone();
            assert_eq!(ents.len(), 1);
            assert_eq!(ents[0]["status"], "assigned");
            let ent_id = ents[0]["id"].as_str().expect("id").to_string();

            // Install: key made on the "device", CSR sent, certificate back.
            let (device_key, csr_der) = device_csr(Algorithm::Sm2);
            use base64ct::Encoding;
            let (status, b) = svc
                .post(
                    &format!("/v1/entitlements/{ent_id}/install"),
                    json!({"csr": base64ct::Base64::encode_string(&csr_der)}),
                    Some(&stranger),
                )
                .await;
            assert_eq!(
                (status, b["code"].as_str()),
                (404, Some("unknown_entitlement"))
            );
            let (status, b) = svc
                .post(
                    &format!("/v1/entitlements/{ent_id}/install"),
                    json!({"csr": "bm90IGEgY3Ny"}),
                    Some(&token),
                )
                .await;
            assert_eq!(
                (status, b["code"].as_str()),
                (400, Some("bad_request")),
                "{b}"
            );
            // A CSR signed by another key than the one it carries: refused, nothing stored.
            let mut forged =
                x509_cert::request::CertReq::try_from(csr_der.as_slice()).expect("parse");
            forged.info.public_key = PrivateKey::generate(Algorithm::Sm2)
                .expect("key")
                .public_key()
                .to_spki()
                .expect("spki");
            let forged = der::Encode::to_der(&forged).expect("der");
            let (status, b) = svc
                .post(
                    &format!("/v1/entitlements/{ent_id}/install"),
                    json!({"csr": base64ct::Base64::encode_string(&forged)}),
                    Some(&token),
                )
                .await;
            assert_eq!(
                (status, b["code"].as_str()),
                (400, Some("bad_request")),
                "{b}"
            );
            let stored: i64 =
                sqlx::query("SELECT COUNT(*) FROM certificates WHERE entitlement_id IS NOT NULL")
                    .fetch_one(svc.running.state.store.pool())
                    .await
                    .expect("count")
                    .try_get(0)
                    .expect("n");
            assert_eq!(stored, 0);
            assert_eq!(
                svc.get("/v1/entitlements", Some(&token)).await.1["items"][0]["status"],
                "assigned"
            );
            let (status, installed) = svc
                .post(
                    &format!("/v1/entitlements/{ent_id}/install"),
                    json!({"csr": base64ct::Base64::encode_string(&csr_der)}),
                    Some(&token),
                )
                .await;
            assert_eq!(status, 200, "{installed}");
            let der =
                base64ct::Base64::decode_vec(installed["certificate"].as_str().expect("cert"))
                    .expect("b64");
            let cert = x509::parse_certificate(&der).expect("cert");
            assert_eq!(
                &x509::certificate_public_key(&cert).expect("pk"),
                device_key.public_key()
            );
            let info = x509::info(&cert).expect("info");
            assert_eq!(info.subject.common_name.as_deref(), Some("张三"));
            // The certificate names the person by the keyed subject identifier, never by
            // the identity number in clear.
            let subject_id = svc
                .running
                .state
                .identities
                .subject_id("110101199003070011");
            assert_eq!(
                info.subject.serial_number.as_deref(),
                Some(subject_id.as_str())
            );
            assert!(!der.windows(18).any(|w| w == b"110101199003070011"));
            let store = Store::connect(&db.url).await.expect("store");
            for row in sqlx::query("SELECT subject, der FROM certificates")
                .fetch_all(store.pool())
                .await
                .expect("rows")
            {
                let subject: String = row.try_get(0).expect("subject");
                let stored: Vec<u8> = row.try_get(1).expect("der");
                assert!(!subject.contains("110101199003070011"), "{subject}");
                assert!(!stored.windows(18).any(|w| w == b"110101199003070011"));
            }
            store.close().await;
            let h = svc
                .running
                .state
                .authority
                .hierarchy(Algorithm::Sm2)
                .expect("h");
            mcert_core::crypto::path::validate(
                &cert,
                std::slice::from_ref(&h.issuing),
                std::slice::from_ref(&h.root),
                &mcert_core::crypto::path::ValidationOptions::at(std::time::SystemTime::now()),
            )
            .expect("path");
            // Twice is refused; the list shows it.
            let (status, b) = svc
                .post(
                    &format!("/v1/entitlements/{ent_id}/install"),
                    json!({"csr": base64ct::Base64::encode_string(&csr_der)}),
                    Some(&token),
                )
                .await;
            assert_eq!((status, b["code"].as_str()), (409, Some("not_installable")));
            let (_, certs) = svc.get("/v1/certificates", Some(&token)).await;
            assert_eq!(certs["items"][0]["serial"], installed["serial"]);
            assert_eq!(certs["items"][0]["status"], "good");
            assert_eq!(certs["items"][0]["algorithm"], "sm2");
            let (_, none) = svc.get("/v1/certificates", Some(&stranger)).await;
            assert_eq!(none["items"].as_array().map(Vec::len), Some(0));

            // Cancelling: only unpaid orders.
            let (_, second) = svc
                .post(
                    "/v1/orders",
                    json!({"product_id": "personal", "years": 1}),
                    Some(&token),
                )
                .await;
            let second_id = second["id"].as_str().expect("id");
            let (status, cancelled) = svc
                .post(
                    &format!("/v1/orders/{second_id}/cancel"),
                    json!({}),
                    Some(&token),
                )
                .await;
            assert_eq!(
                (status, cancelled["status_label"].as_str()),
                (200, Some("已取消"))
            );
            let (status, b) = svc
                .post(
                    &format!("/v1/orders/{order_id}/cancel"),
                    json!({}),
                    Some(&token),
                )
                .await;
            assert_eq!((status, b["code"].as_str()), (409, Some("not_payable")));
            let (status, b) = svc
                .post(
                    &format!("/v1/orders/{second_id}/pay"),
                    json!({}),
                    Some(&token),
                )
                .await;
            assert_eq!((status, b["code"].as_str()), (409, Some("not_payable")));
            svc.running.stop().await.expect("stop");
        }
    }
}

/// Production mode: every provider is a real adapter talking HTTP (here to a stand-in provider
/// on 127.0.0.1 that checks the signatures), and development endpoints are gone.
mod production {
    use super::*;
    use axum::extract::State;
    use axum::http::HeaderMap;
    use axum::routing::post;
    use mcert_service::config::{Secret, ServiceConfig};
    use mcert_service::server;
    use serde_json::{Value, json};
    use std::sync::Mutex;

    type Seen = Arc<Mutex<Vec<(String, Value)>>>;

    fn checked(secret: &str, headers: &HeaderMap, body: &[u8]) -> bool {
        let sig = headers
            .get("x-mcert-signature")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        sig == hex::encode(mcert_core::crypto::hash::hmac_sha256(
            secret.as_bytes(),
            &[body],
        ))
    }

    async fn provider() -> (String, Seen) {
        let seen: Seen = Arc::new(Mutex::new(Vec::new()));
        let record = |name: &'static str, secret: &'static str, answer: Value| {
            move |State(seen): State<Seen>, headers: HeaderMap, body: axum::body::Bytes| {
                let answer = answer.clone();
                async move {
                    assert!(checked(secret, &headers, &body), "{name}: bad signature");
                    let v: Value = serde_json::from_slice(&body).expect("json");
                    seen.lock().expect("lock").push((name.to_string(), v));
                    axum::Json(answer)
                }
            }
        };
        let app = axum::Router::new()
            .route("/sms", post(record("sms", "sms-secret", json!({}))))
            .route(
                "/identity",
                post(record(
                    "identity",
                    "id-secret",
                    json!({"result": "pass", "reference": "ref-1"}),
                )),
            )
            .route(
                "/pay",
                post(record(
                    "pay",
                    "pay-secret",
                    json!({"transaction_id": "gw-42", "pay_url": "https://pay.example/42"}),
                )),
            )
            .route(
                "/invoice",
                post(record(
                    "invoice",
                    "invoice-secret",
                    json!({"number": "26000000000000000042", "pdf": "JVBERi0xLjcKJSVFT0YK"}),
                )),
            )
            .with_state(seen.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        (format!("http://{addr}"), seen)
    }

    #[tokio::test]
    async fn production_mode_uses_the_configured_providers() {
        let (provider_url, seen) = provider().await;
        let db_dir = std::env::temp_dir().join(format!("mcert-prod-{}", random_suffix()));
        let mut config = ServiceConfig {
            listen: "127.0.0.1:0".parse().expect("addr"),
            data_dir: db_dir.clone(),
            dev: false,
            sms_webhook_url: Some(format!("{provider_url}/sms")),
            sms_webhook_secret: Some(Secret("sms-secret".into())),
            identity_webhook_url: Some(format!("{provider_url}/identity")),
            identity_webhook_secret: Some(Secret("id-secret".into())),
            payment_webhook_url: None,
            payment_webhook_secret: Some(Secret("pay-secret".into())),
            ..Default::default()
        };
        let key = OperatorKey::generate().expect("key");
        // Production mode needs the root ceremony done beforehand (`mcert ca init`,
        // `mcert ca sign-issuing`); here the same steps run in-process.
        std::fs::create_dir_all(&db_dir).expect("mkdir");
        let store = Store::connect(&Store::sqlite_url(&db_dir))
            .await
            .expect("store");
        Authority::open_or_bootstrap(
            store.clone(),
            &key,
            super::config(),
            Arc::new(SystemClock),
            None,
        )
        .await
        .expect("ceremony");
        store.close().await;
        // Without a payment gateway, production mode does not start.
        let err = server::start(&config, &key).await;
        assert!(
            matches!(err, Err(server::ServiceError::NoPaymentGateway)),
            "{err:?}"
        );
        config.payment_webhook_url = Some(format!("{provider_url}/pay"));
        // Nor without a key-management master key, nor with the operator key as that key.
        let err = server::start(&config, &key).await;
        assert!(matches!(err, Err(server::ServiceError::NoKmKey)), "{err:?}");
        let km_file = db_dir.join("km-master.key");
        std::fs::write(&km_file, key.to_hex().as_bytes()).expect("km key");
        config.km_key_file = Some(km_file.clone());
        let err = server::start(&config, &key).await;
        assert!(
            matches!(err, Err(server::ServiceError::KmKeyIsOperatorKey)),
            "{err:?}"
        );
        std::fs::write(
            &km_file,
            mcert_service::keys::KmMasterKey::generate()
                .expect("km")
                .to_hex()
                .as_bytes(),
        )
        .expect("km key");
        // Nor without the invoice service.
        let err = server::start(&config, &key).await;
        assert!(
            matches!(err, Err(server::ServiceError::BadInvoiceConfig(_))),
            "{err:?}"
        );
        config.invoice.webhook_url = Some(format!("{provider_url}/invoice"));
        config.invoice.webhook_secret = Some(Secret("invoice-secret".into()));
        config.bank.webhook_secret = Some(Secret("bank-notification-secret".into()));
        let running = server::start(&config, &key).await.expect("start");
        let base = format!("http://{}", running.addr);
        let http = reqwest::Client::new();
        let post_json = |path: &str, body: Value, token: Option<&str>| {
            let mut req = http.post(format!("{base}{path}")).json(&body);
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            async move {
                let r = req.send().await.expect("send");
                let status = r.status().as_u16();
                (status, r.json::<Value>().await.unwrap_or(Value::Null))
            }
        };
        let phone = "13312345678";
        assert_eq!(
            post_json("/v1/auth/sms-code", json!({"phone": phone}), None)
                .await
                .0,
            200
        );
        let text = seen.lock().expect("lock")[0].1["text"]
            .as_str()
            .expect("text")
            .to_string();
        let code: String = text.chars().filter(char::is_ascii_digit).take(6).collect();
        let (status, session) = post_json(
            "/v1/auth/login",
            json!({"phone": phone, "code": code}),
            None,
        )
        .await;
        assert_eq!(status, 200, "{session}");
        let token = session["token"].as_str().expect("token").to_string();
        let (status, _) = post_json(
            "/v1/identity/verify",
            json!({"method": "phone", "name": "赵六", "id_number": "110101199003070011", "phone": phone, "face_token": "from-the-face-sdk"}),
            Some(&token),
        )
        .await;
        assert_eq!(status, 200);
        let (_, order) = post_json(
            "/v1/orders",
            json!({"product_id": "personal", "years": 1}),
            Some(&token),
        )
        .await;
        let order_id = order["id"].as_str().expect("id").to_string();
        let (status, paid) = post_json(
            &format!("/v1/orders/{order_id}/pay"),
            json!({}),
            Some(&token),
        )
        .await;
        assert_eq!(
            (status, paid["transaction_id"].as_str()),
            (202, Some("gw-42"))
        );
        let pay_request = seen
            .lock()
            .expect("lock")
            .iter()
            .find(|(n, _)| n == "pay")
            .expect("pay")
            .1
            .clone();
        assert_eq!(pay_request["amount_fen"], 10_000);
        assert!(
            pay_request["notify_url"]
                .as_str()
                .expect("url")
                .ends_with("/v1/payments/notify/webhook")
        );
        // The gateway's notification, signed with the shared secret.
        let note = serde_json::to_vec(&json!({"order_id": order_id, "transaction_id": "gw-42", "amount_fen": 10_000, "currency": "CNY"})).expect("json");
        let sig = hex::encode(mcert_core::crypto::hash::hmac_sha256(
            b"pay-secret",
            &[&note],
        ));
        for (path, expect) in [
            ("/v1/payments/notify/dev", 404),
            ("/v1/payments/notify/webhook", 200),
        ] {
            let r = http
                .post(format!("{base}{path}"))
                .header("content-type", "application/json")
                .header("x-mcert-signature", &sig)
                .body(note.clone())
                .send()
                .await
                .expect("send");
            assert_eq!(r.status().as_u16(), expect, "{path}");
        }
        let r = http
            .get(format!("{base}/v1/orders/{order_id}"))
            .bearer_auth(&token)
            .send()
            .await
            .expect("get");
        assert_eq!(
            r.json::<Value>().await.expect("json")["status"],
            "completed"
        );
        // The invoice follows payment: the invoice service is asked (signed) and its number
        // and PDF kept.
        let mut invoices = Value::Null;
        for _ in 0..100 {
            let _ = running.state.outbox.run_due().await;
            invoices = http
                .get(format!("{base}/v1/invoices"))
                .bearer_auth(&token)
                .send()
                .await
                .expect("get")
                .json()
                .await
                .expect("json");
            if invoices["items"][0]["status"] == "issued" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(invoices["items"][0]["number"], "26000000000000000042");
        let asked = seen
            .lock()
            .expect("lock")
            .iter()
            .find(|(n, _)| n == "invoice")
            .map(|(_, v)| v.clone())
            .expect("the invoice service was asked");
        assert_eq!(
            (asked["kind"].as_str(), asked["total_fen"].as_i64()),
            (Some("blue"), Some(10_000))
        );
        // The bank's notifications: signed with its secret, else refused; the development bank
        // is not there.
        let transfer = serde_json::to_vec(
            &json!({"bank_ref": "N-1", "account_no": "02000009190000000000",
            "amount_fen": 100, "currency": "CNY"}),
        )
        .expect("json");
        for (secret, expect) in [
            (&b"wrong"[..], 401),
            (&b"bank-notification-secret"[..], 200),
        ] {
            let sig = hex::encode(mcert_core::crypto::hash::hmac_sha256(secret, &[&transfer]));
            let r = http
                .post(format!("{base}/v1/payments/bank/notify"))
                .header("content-type", "application/json")
                .header("x-mcert-signature", &sig)
                .body(transfer.clone())
                .send()
                .await
                .expect("send");
            assert_eq!(r.status().as_u16(), expect);
            if expect == 200 {
                assert_eq!(
                    r.json::<Value>().await.expect("json")["outcome"],
                    "unmatched"
                );
            }
        }
        let r = http
            .post(format!("{base}/v1/dev/bank-transfer"))
            .json(&json!({"bank_ref": "N-2", "account_no": "02000009190000000000", "amount_fen": 100}))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), 404);
        // Development endpoints are not there.
        let r = http
            .get(format!("{base}/v1/dev/sms-outbox?phone={phone}"))
            .send()
            .await
            .expect("get");
        assert_eq!(r.status(), 404);
        let platforms: Value = http
            .get(format!("{base}/v1/platforms"))
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        assert_eq!(
            platforms["items"].as_array().map(Vec::len),
            Some(0),
            "no development platforms"
        );
        running.stop().await.expect("stop");
        let _ = std::fs::remove_dir_all(&db_dir);
    }
}

/// The operator's catalogue from configuration replaces the default one.
#[tokio::test]
async fn the_operator_configures_the_catalogue() {
    use mcert_service::config::{ProductConfig, ServiceConfig};
    for db in databases().await {
        let key = OperatorKey::generate().expect("key");
        let mut config = ServiceConfig {
            listen: "127.0.0.1:0".parse().expect("addr"),
            data_dir: std::env::temp_dir().join(format!("mcert-cat-{}", random_suffix())),
            database_url: Some(db.url.clone()),
            dev: true,
            ..Default::default()
        };
        let running = mcert_service::server::start(&config, &key)
            .await
            .expect("start");
        let ids: Vec<String> = running
            .state
            .orders
            .catalogue()
            .await
            .expect("cat")
            .into_iter()
            .map(|p| p.id)
            .collect();
        assert_eq!(ids, ["org-package", "personal"]);
        // The certificate's own flows have their products, not for sale in the catalogue.
        let life: Vec<(String, String)> = running
            .state
            .orders
            .products(None)
            .await
            .expect("products")
            .into_iter()
            .filter(|p| p.purpose != "new")
            .map(|p| (p.id, p.purpose))
            .collect();
        assert_eq!(life.len(), 3, "{life:?}");
        assert!(life.iter().all(|(id, purpose)| id == purpose));
        running.stop().await.expect("stop");
        config.products = vec![ProductConfig {
            id: "personal".into(),
            name: "个人证书（优惠）".into(),
            personal_certs: 1,
            organization_certs: 0,
            price_fen_per_year: 8_800,
            currency: "CNY".into(),
            needs_review: false,
            purpose: "new".into(),
        }];
        let running = mcert_service::server::start(&config, &key)
            .await
            .expect("start");
        let catalogue = running.state.orders.catalogue().await.expect("cat");
        assert_eq!(catalogue.len(), 1);
        assert_eq!(
            (catalogue[0].id.as_str(), catalogue[0].price_fen_per_year),
            ("personal", 8_800)
        );
        running.stop().await.expect("stop");
        config.products[0].price_fen_per_year = -1;
        assert!(matches!(
            mcert_service::server::start(&config, &key).await,
            Err(mcert_service::server::ServiceError::BadProduct(_))
        ));
    }
}

mod ca;
mod console;
