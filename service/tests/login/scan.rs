//! Scan sessions through the HTTP API: a platform with its API key, a phone simulated with
//! in-memory keys (the device key store has its own tests), the three flows, every refusal,
//! usage records, long-poll, callbacks and the OpenAPI description.

use super::*;
use mcert_core::clock::Clock;
use mcert_core::scan::{self, Expectation, SealedBid};
use mcert_core::wire::{
    AllowedSubjects, Completion, CreatedSession, DisplayText, DocumentDigests, NewSession,
    ScannedSession, SessionKind,
};
use mcert_rp::client::RpClient;
use mcert_service::platforms::Registration;
use x509_cert::Certificate;

pub(super) struct Holder {
    pub(super) token: String,
    pub(super) key: PrivateKey,
    pub(super) cert: Certificate,
    pub(super) serial: String,
}

pub(super) fn b64(b: &[u8]) -> String {
    use base64ct::Encoding;
    base64ct::Base64::encode_string(b)
}

pub(super) fn unb64(s: &str) -> Vec<u8> {
    use base64ct::Encoding;
    base64ct::Base64::decode_vec(s).expect("base64")
}

/// A verified person holding one certificate of `alg` whose key is in memory.
pub(super) async fn holder(
    svc: &Service,
    phone: &str,
    name: &str,
    id: &str,
    alg: Algorithm,
) -> Holder {
    let token = verified_user(svc, phone, name, id).await;
    let (key, cert) = buy_certificate(svc, &token, alg).await;
    Holder {
        token,
        key,
        serial: x509::serial_hex(&cert),
        cert,
    }
}

/// Orders, pays for and installs one more personal certificate of `alg` for the account.
pub(super) async fn buy_certificate(
    svc: &Service,
    token: &str,
    alg: Algorithm,
) -> (PrivateKey, Certificate) {
    let (key, cert, _) = buy_certificate_installed(svc, token, alg).await;
    (key, cert)
}

/// [`buy_certificate`], with the install answer (the escrowed encryption keys come in it).
pub(super) async fn buy_certificate_installed(
    svc: &Service,
    token: &str,
    alg: Algorithm,
) -> (PrivateKey, Certificate, Value) {
    let token = token.to_string();
    let (status, order) = svc
        .post(
            "/v1/orders",
            json!({"product_id": "personal", "years": 1}),
            Some(&token),
        )
        .await;
    assert_eq!(status, 201, "{order}");
    let order_id = order["id"].as_str().expect("id").to_string();
    svc.post(
        &format!("/v1/orders/{order_id}/pay"),
        json!({}),
        Some(&token),
    )
    .await;
    wait_completed(svc, &token, &order_id).await;
    let (_, ents) = svc.get("/v1/entitlements", Some(&token)).await;
    let ent = ents["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|e| e["status"] == "assigned")
        .expect("a slot")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let (key, csr_der) = device_csr(alg);
    let (status, installed) = svc
        .post(
            &format!("/v1/entitlements/{ent}/install"),
            json!({"csr": b64(&csr_der)}),
            Some(&token),
        )
        .await;
    assert_eq!(status, 200, "{installed}");
    let cert =
        x509::parse_certificate(&unb64(installed["certificate"].as_str().expect("c"))).expect("c");
    (key, cert, installed)
}

pub(super) async fn platform(svc: &Service, callback: Option<String>) -> (RpClient, String) {
    let creds = svc
        .running
        .state
        .sessions
        .platforms()
        .register(&Registration {
            id: "bidding".into(),
            name: "某某公共资源交易平台".into(),
            logo_url: None,
            callback_urls: callback.into_iter().collect(),
        })
        .await
        .expect("register");
    (
        RpClient::new(&svc.base, &creds.api_key).expect("client"),
        creds.callback_secret.to_string(),
    )
}

pub(super) fn login_session() -> NewSession {
    NewSession::new(SessionKind::Login)
}

pub(super) const BID: &[u8] = "投标报价：人民币 12,345,678.00 元".as_bytes();

fn sign_session() -> NewSession {
    NewSession {
        kind: SessionKind::Sign,
        display: DisplayText {
            project: Some("某水库除险加固工程".into()),
            lot: Some("第2标段".into()),
            document_name: Some("投标文件.pdf".into()),
        },
        document_digests: Some(DocumentDigests::of(BID)),
        ..login_session()
    }
}

/// A decrypt session for a bid sealed to `cert`; returns the sealed bid and the ephemeral key.
pub(super) fn decrypt_session(cert: &Certificate) -> (NewSession, SealedBid, PrivateKey) {
    let sealed = SealedBid::seal(cert, BID).expect("seal");
    let alg = x509::certificate_public_key(cert).expect("key").algorithm();
    let eph = PrivateKey::generate(alg).expect("eph");
    let req = NewSession {
        kind: SessionKind::Decrypt,
        display: DisplayText {
            project: Some("某水库除险加固工程".into()),
            lot: None,
            document_name: Some("投标文件.pdf".into()),
        },
        encrypted_key: Some(sealed.encrypted_key.clone()),
        recipient_serial: Some(sealed.recipient_serial.clone()),
        ephemeral_public_key: Some(b64(&eph.public_key().to_spki_der().expect("spki"))),
        ..login_session()
    };
    (req, sealed, eph)
}

pub(super) const DEVICE: &str = "device-0001";

/// The phone's scan of the code shown `t` seconds after creation.
pub(super) async fn scan_at(
    svc: &Service,
    who: &Holder,
    created: &CreatedSession,
    t: u64,
    device: &str,
) -> (u16, Value) {
    let qr = scan::qr_payload(&created.qr_start_token, &created.qr_start_secret, t);
    svc.post(
        "/v1/scan",
        json!({"qr": qr, "device_id": device}),
        Some(&who.token),
    )
    .await
}

pub(super) async fn scanned(
    svc: &Service,
    who: &Holder,
    created: &CreatedSession,
) -> ScannedSession {
    let (status, body) = scan_at(svc, who, created, 0, DEVICE).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_value(body).expect("scanned session")
}

pub(super) fn answer(
    who: &Holder,
    session: &ScannedSession,
    reencrypted: Option<Vec<u8>>,
) -> Completion {
    scan::answer(
        session,
        &who.key,
        &who.cert,
        &[],
        reencrypted,
        std::time::SystemTime::now(),
    )
    .expect("answer")
}

pub(super) async fn complete(
    svc: &Service,
    who: &Holder,
    id: &str,
    c: &Completion,
) -> (u16, Value) {
    svc.post(
        &format!("/v1/scan/{id}/complete"),
        serde_json::to_value(c).expect("json"),
        Some(&who.token),
    )
    .await
}

fn roots(svc: &Service) -> Vec<Certificate> {
    [Algorithm::Sm2, Algorithm::P256]
        .iter()
        .map(|a| {
            svc.running
                .state
                .authority
                .hierarchy(*a)
                .expect("h")
                .root
                .clone()
        })
        .collect()
}

pub(super) async fn usage(svc: &Service, who: &Holder, query: &str) -> Value {
    let (status, body) = svc
        .get(&format!("/v1/usage{query}"), Some(&who.token))
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test]
async fn login_sign_and_decrypt_end_to_end_with_usage_records() {
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let roots = roots(&svc);
        let (rp, _) = platform(&svc, None).await;
        for (i, alg) in [Algorithm::Sm2, Algorithm::P256].into_iter().enumerate() {
            let who = holder(
                &svc,
                &format!("1390000000{i}"),
                "李四",
                ["110101199003070038", "110105198505120040"][i],
                alg,
            )
            .await;
            // Login.
            let created = rp.create(&login_session(), None).await.expect("create");
            assert_eq!(created.verification_code.len(), 4);
            let session = scanned(&svc, &who, &created).await;
            assert_eq!(session.platform.name, "某某公共资源交易平台");
            assert_eq!(session.operation, "扫码登录");
            assert_eq!(session.verification_code, created.verification_code);
            assert_eq!(session.eligible_serials, vec![who.serial.clone()]);
            assert_eq!(
                rp.status(&created.session_id, None, None)
                    .await
                    .expect("s")
                    .status,
                "scanned"
            );
            let (status, body) = complete(
                &svc,
                &who,
                &session.session_id,
                &answer(&who, &session, None),
            )
            .await;
            assert_eq!(status, 200, "{body}");
            let done = rp
                .wait_for_end(&created.session_id, Duration::from_secs(5))
                .await
                .expect("end");
            assert_eq!(done.status, "completed");
            let exp = Expectation {
                session_id: &created.session_id,
                kind: SessionKind::Login,
                document_digests: None,
                roots: &roots,
                now: svc.clock.now(),
            };
            let v = mcert_rp::client::verify(&done, &exp).expect("verifies");
            assert_eq!(v.info.subject.common_name.as_deref(), Some("李四"));
            assert_eq!(v.statement.platform_name, "某某公共资源交易平台");
            // Another session's expectation does not accept this result.
            let other = Expectation {
                session_id: "01OTHER",
                ..exp.clone()
            };
            assert!(mcert_rp::client::verify(&done, &other).is_err());

            // Sign: the CMS over the document digest verifies against the platform's digest.
            svc.clock.advance(Duration::from_secs(1));
            let req = sign_session();
            let created = rp.create(&req, None).await.expect("create");
            let session = scanned(&svc, &who, &created).await;
            assert_eq!(
                session.display.document_name.as_deref(),
                Some("投标文件.pdf")
            );
            let (status, body) = complete(
                &svc,
                &who,
                &session.session_id,
                &answer(&who, &session, None),
            )
            .await;
            assert_eq!(status, 200, "{body}");
            let done = rp.status(&created.session_id, None, None).await.expect("s");
            let v = mcert_rp::client::verify(
                &done,
                &Expectation {
                    session_id: &created.session_id,
                    kind: SessionKind::Sign,
                    document_digests: req.document_digests.as_ref(),
                    roots: &roots,
                    now: svc.clock.now(),
                },
            )
            .expect("sign verifies");
            assert_eq!(v.statement.digest.map(|d| d.0), Some(alg));
            let cms = unb64(done.result.as_ref().expect("r").cms.as_ref().expect("cms"));
            let digest = DocumentDigests::of(BID)
                .for_algorithm(alg)
                .expect("d")
                .expect("d");
            mcert_core::crypto::cms::verify_detached(&cms, &digest).expect("cms");

            // Decrypt: the bid key reaches the platform re-encrypted to its ephemeral key.
            svc.clock.advance(Duration::from_secs(1));
            let (req, sealed, eph) = decrypt_session(&who.cert);
            let created = rp.create(&req, None).await.expect("create");
            let session = scanned(&svc, &who, &created).await;
            let re = scan::reencrypt_bid_key(&session, &who.key).expect("reencrypt");
            let (status, body) = complete(
                &svc,
                &who,
                &session.session_id,
                &answer(&who, &session, Some(re)),
            )
            .await;
            assert_eq!(status, 200, "{body}");
            let done = rp.status(&created.session_id, None, None).await.expect("s");
            let v = mcert_rp::client::verify(
                &done,
                &Expectation {
                    session_id: &created.session_id,
                    kind: SessionKind::Decrypt,
                    document_digests: None,
                    roots: &roots,
                    now: svc.clock.now(),
                },
            )
            .expect("decrypt verifies");
            let opened = sealed
                .open_with_ephemeral(v.reencrypted_key.as_deref().expect("key"), &eph)
                .expect("opens");
            assert_eq!(&opened[..], BID);

            // Usage records: three successes, newest first, paged and filtered by date.
            let page = usage(&svc, &who, "").await;
            let items = page["items"].as_array().expect("items");
            assert_eq!(items.len(), 3, "{page}");
            assert_eq!(items[0]["operation"], "开标解密");
            assert_eq!(items[2]["operation"], "扫码登录");
            for it in items {
                assert_eq!(it["outcome_label"], "成功");
                assert_eq!(it["holder_name"], "李四");
                assert_eq!(it["certificate_serial"], who.serial.as_str());
                assert_eq!(it["platform_name"], "某某公共资源交易平台");
            }
            let first = usage(&svc, &who, "?limit=2").await;
            assert_eq!(first["items"].as_array().expect("i").len(), 2);
            let cursor = first["next_cursor"].as_str().expect("cursor");
            let second = usage(&svc, &who, &format!("?limit=2&cursor={cursor}")).await;
            assert_eq!(second["items"].as_array().expect("i").len(), 1);
            assert!(second["next_cursor"].is_null());
            assert_eq!(second["items"][0]["operation"], "扫码登录");
            let tomorrow =
                mcert_core::clock::rfc3339(svc.clock.now() + Duration::from_secs(86_400));
            let later = usage(&svc, &who, &format!("?from={}", &tomorrow[..10])).await;
            assert!(later["items"].as_array().expect("i").is_empty());
            let today = &mcert_core::clock::rfc3339(svc.clock.now())[..10];
            let same_day = usage(&svc, &who, &format!("?from={today}&to={today}")).await;
            assert_eq!(same_day["items"].as_array().expect("i").len(), 3);
            let (status, body) = svc.get("/v1/usage?from=yesterday", Some(&who.token)).await;
            assert_eq!((status, body["code"].as_str()), (400, Some("bad_request")));
        }
        audit_intact(&svc).await;
    }
}

pub(super) async fn audit_intact(svc: &Service) {
    let report = audit::verify(&svc.running.state.store)
        .await
        .expect("audit");
    assert!(report.first_broken.is_none(), "{:?}", report.first_broken);
}

/// The failure codes of the holder's usage records, oldest first.
pub(super) async fn failures(svc: &Service, who: &Holder) -> Vec<String> {
    let page = usage(svc, who, "?limit=100").await;
    let mut codes: Vec<String> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["outcome"] == "failed")
        .map(|i| i["failure_code"].as_str().unwrap_or("").to_string())
        .collect();
    codes.reverse();
    codes
}

#[tokio::test]
async fn every_refusal_is_precise_and_recorded_as_a_failure() {
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let (rp, _) = platform(&svc, None).await;
        let mut who = holder(
            &svc,
            "13900000010",
            "王五",
            "440304199201010059",
            Algorithm::Sm2,
        )
        .await;
        let mut other = holder(
            &svc,
            "13900000011",
            "赵六",
            "110101199003070038",
            Algorithm::P256,
        )
        .await;
        let mut expected_failures = Vec::new();

        // A forged code.
        let created = rp.create(&login_session(), None).await.expect("create");
        let forged = format!("mcert.{}.0.{}", created.qr_start_token, "ab".repeat(32));
        let (status, body) = svc
            .post(
                "/v1/scan",
                json!({"qr": forged, "device_id": DEVICE}),
                Some(&who.token),
            )
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (403, Some("qr_forged")),
            "{body}"
        );
        assert!(body["message"].as_str().expect("m").contains("伪造"));
        expected_failures.push("qr_forged");
        // Not an mcert code at all: refused before any session is known.
        let (status, body) = svc
            .post(
                "/v1/scan",
                json!({"qr": "https://example.com/x", "device_id": DEVICE}),
                Some(&who.token),
            )
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (400, Some("not_mcert_code"))
        );

        // A stale code (a relayed screenshot), and one from the future.
        svc.clock.advance(Duration::from_secs(10));
        let (status, body) = scan_at(&svc, &who, &created, 2, DEVICE).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (410, Some("qr_stale")),
            "{body}"
        );
        expected_failures.push("qr_stale");
        let (status, body) = scan_at(&svc, &who, &created, 30, DEVICE).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (400, Some("qr_future")),
            "{body}"
        );
        expected_failures.push("qr_future");
        // The current code is fine; a second device is then refused, the first may rescan.
        let (status, body) = scan_at(&svc, &who, &created, 10, DEVICE).await;
        assert_eq!(status, 200, "{body}");
        let session: ScannedSession = serde_json::from_value(body).expect("s");
        let (status, body) = scan_at(&svc, &other, &created, 10, "device-0002").await;
        assert_eq!(
            (status, body["code"].as_str()),
            (409, Some("session_taken"))
        );
        let (status, body) = scan_at(&svc, &who, &created, 10, "device-0003").await;
        assert_eq!(
            (status, body["code"].as_str()),
            (409, Some("session_taken"))
        );
        expected_failures.push("session_taken");
        let (status, rescanned) = scan_at(&svc, &who, &created, 10, DEVICE).await;
        assert_eq!(status, 200);
        // The first ticket died with the rescan.
        let stale_ticket = answer(&who, &session, None);
        let (status, body) = complete(&svc, &who, &created.session_id, &stale_ticket).await;
        assert_eq!((status, body["code"].as_str()), (403, Some("bad_ticket")));
        expected_failures.push("bad_ticket");
        let session: ScannedSession = serde_json::from_value(rescanned).expect("s");

        // Concurrent submissions: exactly one completes.
        let good = answer(&who, &session, None);
        let mut tasks = Vec::new();
        for _ in 0..4 {
            let (http, base, token, body) = (
                svc.http.clone(),
                svc.base.clone(),
                who.token.clone(),
                serde_json::to_value(&good).expect("json"),
            );
            let id = created.session_id.clone();
            tasks.push(tokio::spawn(async move {
                let r = http
                    .post(format!("{base}/v1/scan/{id}/complete"))
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .expect("send");
                let status = r.status().as_u16();
                (status, r.json::<Value>().await.unwrap_or(Value::Null))
            }));
        }
        let mut oks = 0;
        for t in tasks {
            let (status, body) = t.await.expect("task");
            match status {
                200 => oks += 1,
                409 => {
                    assert_eq!(body["code"], "session_finished");
                    expected_failures.push("session_finished");
                }
                other => panic!("unexpected {other}: {body}"),
            }
        }
        assert_eq!(oks, 1);
        // A code replayed after completion.
        let elapsed = 10;
        let (status, body) = scan_at(&svc, &who, &created, elapsed, DEVICE).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (409, Some("session_finished"))
        );
        expected_failures.push("session_finished");

        // Display text changed between scan and signature.
        let created = rp.create(&sign_session(), None).await.expect("create");
        let mut session = scanned(&svc, &who, &created).await;
        session.display.project = Some("另一个项目".into());
        let (status, body) = complete(
            &svc,
            &who,
            &created.session_id,
            &answer(&who, &session, None),
        )
        .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (422, Some("statement_mismatch")),
            "{body}"
        );
        expected_failures.push("statement_mismatch");
        let st = rp.status(&created.session_id, None, None).await.expect("s");
        assert_eq!(st.status, "failed");
        assert_eq!(
            st.failure.as_ref().map(|f| f.code.as_str()),
            Some("statement_mismatch")
        );
        assert!(st.result.is_none());

        // A signature over other bytes.
        let created = rp.create(&login_session(), None).await.expect("create");
        let session = scanned(&svc, &who, &created).await;
        let mut c = answer(&who, &session, None);
        use mcert_core::crypto::Signer;
        c.signature = b64(&who.key.sign(b"other bytes").expect("sign"));
        let (status, body) = complete(&svc, &who, &created.session_id, &c).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (422, Some("bad_signature")),
            "{body}"
        );
        expected_failures.push("bad_signature");

        // A decrypt answer for another session.
        let (req_a, _, _) = decrypt_session(&who.cert);
        let (req_b, _, _) = decrypt_session(&who.cert);
        let a = rp.create(&req_a, None).await.expect("a");
        let b = rp.create(&req_b, None).await.expect("b");
        let sa = scanned(&svc, &who, &a).await;
        let sb = scanned(&svc, &who, &b).await;
        let re = scan::reencrypt_bid_key(&sa, &who.key).expect("re");
        let mut for_a = answer(&who, &sa, Some(re));
        for_a.scan_ticket = sb.scan_ticket.clone();
        let (status, body) = complete(&svc, &who, &b.session_id, &for_a).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (422, Some("wrong_session")),
            "{body}"
        );
        expected_failures.push("wrong_session");

        // A subject the session does not allow: not offered, and refused if tried.
        let mut req = login_session();
        req.allowed = Some(AllowedSubjects {
            id_number: Some("110105198505120040".into()),
            organization_code: None,
        });
        let created = rp.create(&req, None).await.expect("create");
        let session = scanned(&svc, &who, &created).await;
        assert!(session.eligible_serials.is_empty());
        let (status, body) = complete(
            &svc,
            &who,
            &created.session_id,
            &answer(&who, &session, None),
        )
        .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (403, Some("subject_not_allowed")),
            "{body}"
        );
        expected_failures.push("subject_not_allowed");
        // …while the allowed person is offered their certificate.
        req.allowed = Some(AllowedSubjects {
            id_number: Some("440304199201010059".into()),
            organization_code: None,
        });
        let created = rp.create(&req, None).await.expect("create");
        assert_eq!(
            scanned(&svc, &who, &created).await.eligible_serials,
            vec![who.serial.clone()]
        );

        // Another account's certificate (its key is not ours either).
        let created = rp.create(&login_session(), None).await.expect("create");
        let session = scanned(&svc, &who, &created).await;
        let (status, body) = complete(
            &svc,
            &who,
            &created.session_id,
            &answer(&other, &session, None),
        )
        .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (403, Some("unknown_certificate")),
            "{body}"
        );
        expected_failures.push("unknown_certificate");

        // An expired session.
        let mut req = login_session();
        req.expires_in = Some(10);
        let created = rp.create(&req, None).await.expect("create");
        svc.clock.advance(Duration::from_secs(11));
        let (status, body) = scan_at(&svc, &who, &created, 11, DEVICE).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (410, Some("session_expired")),
            "{body}"
        );
        expected_failures.push("session_expired");
        let st = rp.status(&created.session_id, None, None).await.expect("s");
        assert_eq!(st.status, "expired");

        // Declined on the phone.
        let created = rp.create(&login_session(), None).await.expect("create");
        let session = scanned(&svc, &who, &created).await;
        let (status, body) = svc
            .post(
                &format!("/v1/scan/{}/decline", created.session_id),
                json!({"scan_ticket": session.scan_ticket}),
                Some(&who.token),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let st = rp.status(&created.session_id, None, None).await.expect("s");
        assert_eq!(st.status, "declined");

        // A revoked certificate.
        let created = rp.create(&login_session(), None).await.expect("create");
        let session = scanned(&svc, &who, &created).await;
        svc.running
            .state
            .authority
            .revoke(&who.serial, RevocationReason::KeyCompromise, "test")
            .await
            .expect("revoke");
        let (status, body) = complete(
            &svc,
            &who,
            &created.session_id,
            &answer(&who, &session, None),
        )
        .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (403, Some("certificate_revoked")),
            "{body}"
        );
        expected_failures.push("certificate_revoked");

        // An expired certificate (the other holder's, a year and a day later).
        svc.clock.advance(Duration::from_secs(366 * 86_400));
        other.token = svc.login("13900000011").await;
        who.token = svc.login("13900000010").await;
        let created = rp.create(&login_session(), None).await.expect("create");
        let session = scanned(&svc, &other, &created).await;
        assert!(session.eligible_serials.is_empty());
        let (status, body) = complete(
            &svc,
            &other,
            &created.session_id,
            &answer(&other, &session, None),
        )
        .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (403, Some("certificate_expired")),
            "{body}"
        );

        // Every refusal left a failure record, never a success (records made within one
        // millisecond of the test clock have no order among them, so compare as sets).
        let mut recorded = failures(&svc, &who).await;
        recorded.sort();
        expected_failures.sort();
        assert_eq!(recorded, expected_failures);
        let all = usage(&svc, &who, "?limit=100").await;
        let outcomes: Vec<&str> = all["items"]
            .as_array()
            .expect("i")
            .iter()
            .map(|i| i["outcome"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(outcomes.iter().filter(|o| **o == "completed").count(), 1);
        assert_eq!(outcomes.iter().filter(|o| **o == "declined").count(), 1);
        // The other account's own attempts: the session another device held, and its
        // expired certificate.
        let mut theirs = failures(&svc, &other).await;
        theirs.sort();
        assert_eq!(theirs, vec!["certificate_expired", "session_taken"]);
        audit_intact(&svc).await;
    }
}

#[tokio::test]
async fn platform_api_keys_idempotency_long_poll_callbacks_and_openapi() {
    use axum::http::HeaderMap;
    type Seen = Arc<std::sync::Mutex<Vec<(String, Vec<u8>)>>>;
    // The platform's callback receiver.
    let seen: Seen = Arc::default();
    let app = axum::Router::new()
        .route(
            "/mcert/callback",
            axum::routing::post(
                |axum::extract::State(seen): axum::extract::State<Seen>,
                 headers: HeaderMap,
                 body: axum::body::Bytes| async move {
                    let sig = headers
                        .get("x-mcert-signature")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_string();
                    seen.lock().expect("lock").push((sig, body.to_vec()));
                    "ok"
                },
            ),
        )
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let callback = format!(
        "http://{}/mcert/callback",
        listener.local_addr().expect("addr")
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });

    for db in databases().await {
        seen.lock().expect("lock").clear();
        let svc = Service::start(&db.url).await;
        let (rp, secret) = platform(&svc, Some(callback.clone())).await;
        let who = holder(
            &svc,
            "13900000020",
            "孙七",
            "110101199003070038",
            Algorithm::Sm2,
        )
        .await;

        // Keys: unknown and account tokens are refused; keys are stored hashed.
        let bad = RpClient::new(&svc.base, &format!("mcp_{}", "0".repeat(64))).expect("c");
        match bad.create(&login_session(), None).await {
            Err(mcert_rp::client::RpError::Api { status, code, .. }) => {
                assert_eq!((status, code.as_str()), (401, "unauthorized"));
            }
            other => panic!("{other:?}"),
        }
        let as_user = RpClient::new(&svc.base, &who.token).expect("c");
        assert!(as_user.create(&login_session(), None).await.is_err());
        let stored: i64 =
            sqlx::query("SELECT COUNT(*) FROM platform_keys WHERE key_hash LIKE 'mcp_%'")
                .fetch_one(svc.running.state.store.pool())
                .await
                .expect("q")
                .try_get(0)
                .expect("n");
        assert_eq!(stored, 0);

        // Bad requests name what is wrong.
        let mut req = login_session();
        req.display.project = Some("第一行\n第二行".into());
        let mut unsigned = sign_session();
        unsigned.document_digests = None;
        let mut short = login_session();
        short.expires_in = Some(5);
        let mut elsewhere = login_session();
        elsewhere.callback_url = Some("https://attacker.example/cb".into());
        // A bid-opening time must be a future RFC 3339 time within five years.
        let opening = |text: String| NewSession {
            opening_at: Some(text),
            ..login_session()
        };
        let now = svc.clock.now();
        for (req, code) in [
            (req, "bad_request"),
            (unsigned, "bad_request"),
            (short, "bad_request"),
            (opening("2026-13-01T00:00:00Z".into()), "bad_request"),
            (
                opening(mcert_core::clock::rfc3339(now - Duration::from_secs(60))),
                "bad_request",
            ),
            (
                opening(mcert_core::clock::rfc3339(
                    now + Duration::from_secs(6 * 366 * 86_400),
                )),
                "bad_request",
            ),
            (elsewhere, "callback_not_allowed"),
        ] {
            match rp.create(&req, None).await {
                Err(mcert_rp::client::RpError::Api {
                    status,
                    code: c,
                    message,
                }) => {
                    assert_eq!((status, c.as_str()), (400, code), "{message}");
                    assert!(!message.is_empty());
                }
                other => panic!("{other:?}"),
            }
        }
        let r = svc
            .http
            .post(format!("{}/v1/rp/sessions", svc.base))
            .header("authorization", "Bearer x")
            .json(&json!({"kind": "stamp"}))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), 401);

        // Idempotency.
        let a = rp.create(&login_session(), Some("req-1")).await.expect("a");
        let b = rp.create(&login_session(), Some("req-1")).await.expect("b");
        assert_eq!(a.session_id, b.session_id);
        assert_eq!(a.qr_start_secret, b.qr_start_secret);

        // Long-poll: answers as soon as the phone scans.
        let mut req = login_session();
        req.callback_url = Some(callback.clone());
        let created = rp.create(&req, None).await.expect("create");
        let poller = {
            let rp = rp.clone();
            let id = created.session_id.clone();
            tokio::spawn(async move {
                let started = std::time::Instant::now();
                let st = rp
                    .status(&id, Some(20), Some("created"))
                    .await
                    .expect("poll");
                (st.status, started.elapsed())
            })
        };
        tokio::time::sleep(Duration::from_millis(200)).await;
        let session = scanned(&svc, &who, &created).await;
        let (status, elapsed) = poller.await.expect("poll");
        assert_eq!(status, "scanned");
        assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
        // Another platform cannot read it.
        let other = svc
            .running
            .state
            .sessions
            .platforms()
            .register(&Registration {
                id: "other".into(),
                name: "另一平台".into(),
                ..Default::default()
            })
            .await
            .expect("other");
        let other = RpClient::new(&svc.base, &other.api_key).expect("c");
        assert!(matches!(
            other.status(&created.session_id, None, None).await,
            Err(mcert_rp::client::RpError::Api { status: 404, .. })
        ));

        // The signed callback arrives after completion.
        let (status, _) = complete(
            &svc,
            &who,
            &created.session_id,
            &answer(&who, &session, None),
        )
        .await;
        assert_eq!(status, 200);
        let mut delivered = None;
        for _ in 0..100 {
            // Only this session's callback: a service of the previous engine's round may
            // still deliver its own late.
            let mine = seen
                .lock()
                .expect("lock")
                .iter()
                .find(|(_, body)| {
                    body.windows(created.session_id.len())
                        .any(|w| w == created.session_id.as_bytes())
                })
                .cloned();
            if let Some(d) = mine {
                delivered = Some(d);
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let (sig, body) = delivered.expect("callback delivered");
        let expected = hex::encode(mcert_core::crypto::hash::hmac_sha256(
            secret.as_bytes(),
            &[&body],
        ));
        assert_eq!(sig, expected);
        let st: mcert_core::wire::SessionStatus = serde_json::from_slice(&body).expect("status");
        assert_eq!(
            (st.session_id.as_str(), st.status.as_str()),
            (created.session_id.as_str(), "completed")
        );
        assert!(st.result.is_some());

        // The OpenAPI description is served as kept in the repository.
        let (status, spec) = svc.get("/v1/rp/openapi.json", None).await;
        assert_eq!(status, 200);
        let file: Value = serde_json::from_str(include_str!("../../openapi.json")).expect("json");
        assert_eq!(spec, file);
        assert_eq!(spec["openapi"], "3.0.3");
        for path in [
            "/v1/rp/sessions",
            "/v1/rp/sessions/{id}",
            "/v1/rp/sessions/{id}/stamp/digest",
        ] {
            assert!(spec["paths"][path].is_object(), "{path}");
        }
    }
}
