//! 挂失: the holder reports a certificate lost from the app after SMS re-authentication; it
//! is revoked (keyCompromise) at once, others cannot, and OCSP says so.

use super::*;

/// A verified user with a paid personal-certificate slot: (token, entitlement id).
async fn holder_with_slot(svc: &Service, phone: &str) -> (String, String) {
    let token = verified_user(svc, phone, "李四", "110101199003070011").await;
    let (status, order) = svc
        .post(
            "/v1/orders",
            json!({"product_id": "personal", "years": 1}),
            Some(&token),
        )
        .await;
    assert_eq!(status, 201, "{order}");
    let order_id = order["id"].as_str().expect("id").to_string();
    let (status, _) = svc
        .post(
            &format!("/v1/orders/{order_id}/pay"),
            json!({}),
            Some(&token),
        )
        .await;
    assert_eq!(status, 202);
    wait_completed(svc, &token, &order_id).await;
    let (_, ents) = svc.get("/v1/entitlements", Some(&token)).await;
    let ent_id = ents["items"][0]["id"].as_str().expect("id").to_string();
    (token, ent_id)
}

/// A verified user with a paid, installed personal certificate: (token, serial).
async fn holder_with_certificate(svc: &Service, phone: &str) -> (String, String) {
    let (token, ent_id) = holder_with_slot(svc, phone).await;
    let (_, csr_der) = device_csr(Algorithm::P256);
    use base64ct::Encoding;
    let (status, installed) = svc
        .post(
            &format!("/v1/entitlements/{ent_id}/install"),
            json!({"csr": base64ct::Base64::encode_string(&csr_der)}),
            Some(&token),
        )
        .await;
    assert_eq!(status, 200, "{installed}");
    (
        token,
        installed["serial"].as_str().expect("serial").to_string(),
    )
}

#[tokio::test]
async fn the_holder_reports_a_certificate_lost_after_sms_reauthentication() {
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let phone = "13812340010";
        let (token, serial) = holder_with_certificate(&svc, phone).await;
        let path = format!("/v1/certificates/{serial}/report-lost");

        // Without a fresh code: refused, nothing revoked.
        let (status, body) = svc
            .post(&path, json!({"code": "000000"}), Some(&token))
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (401, Some("no_valid_code"))
        );
        // Another user, even with their own fresh code, cannot report it.
        let other = svc.login("13812340011").await;
        svc.clock.advance(Duration::from_secs(61));
        let (status, _) = svc
            .post("/v1/auth/sms-code", json!({"phone": "13812340011"}), None)
            .await;
        assert_eq!(status, 200);
        let code = svc.last_code("13812340011").await;
        let (status, body) = svc.post(&path, json!({"code": code}), Some(&other)).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (404, Some("unknown_certificate"))
        );
        // The holder asks a code and reports it lost.
        let (status, _) = svc
            .post("/v1/auth/sms-code", json!({"phone": phone}), None)
            .await;
        assert_eq!(status, 200);
        let code = svc.last_code(phone).await;
        let (status, body) = svc.post(&path, json!({"code": code}), Some(&token)).await;
        assert_eq!(status, 204, "{body}");
        let (_, certs) = svc.get("/v1/certificates", Some(&token)).await;
        assert_eq!(certs["items"][0]["status"], "revoked");
        let reason: String =
            sqlx::query_scalar("SELECT revocation_reason FROM certificates WHERE serial = $1")
                .bind(&serial)
                .fetch_one(svc.running.state.store.pool())
                .await
                .expect("reason");
        assert_eq!(reason, "key_compromise");
        let audited: Vec<(String, String)> = sqlx::query_as(
            "SELECT actor, action FROM audit_events
             WHERE action IN ('auth.reauthenticated', 'certificate.revoked') ORDER BY seq",
        )
        .fetch_all(svc.running.state.store.pool())
        .await
        .expect("audit");
        let actions: Vec<&str> = audited.iter().map(|(_, a)| a.as_str()).collect();
        // The signing certificate and its encryption pair, both by the holder.
        assert_eq!(
            actions,
            [
                "auth.reauthenticated",
                "certificate.revoked",
                "certificate.revoked"
            ]
        );
        assert!(
            audited.iter().all(|(actor, _)| *actor == audited[0].0),
            "the holder did all"
        );
        // The other user's code was not spent on a certificate that is not theirs.
        let (status, body) = svc.post(&path, json!({"code": "x"}), Some(&other)).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (404, Some("unknown_certificate"))
        );
        // The code was single use; a second report of the same certificate is refused.
        let (status, _) = svc.post(&path, json!({"code": code}), Some(&token)).await;
        assert_eq!(status, 401);
        svc.running.stop().await.expect("stop");
    }
}

#[tokio::test]
async fn parallel_installs_of_one_slot_issue_exactly_one_certificate() {
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let (token, ent_id) = holder_with_slot(&svc, "13812340012").await;
        use base64ct::Encoding;
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..12 {
            let (_, csr_der) = device_csr(Algorithm::Sm2);
            let req = svc
                .http
                .post(format!("{}/v1/entitlements/{ent_id}/install", svc.base))
                .bearer_auth(&token)
                .json(&json!({"csr": base64ct::Base64::encode_string(&csr_der)}));
            tasks.spawn(async move {
                let r = req.send().await.expect("send");
                let status = r.status().as_u16();
                (status, r.json::<Value>().await.unwrap_or(Value::Null))
            });
        }
        let mut ok = 0;
        while let Some(done) = tasks.join_next().await {
            let (status, body) = done.expect("task");
            match status {
                200 => ok += 1,
                409 => assert_eq!(body["code"], "not_installable", "{body}"),
                other => panic!("{other}: {body}"),
            }
        }
        assert_eq!(ok, 1);
        // One certificate for the slot (and its encryption pair), none issued then revoked
        // behind the scenes.
        let certs: Vec<(String, String)> = sqlx::query_as(
            "SELECT profile, status FROM certificates WHERE entitlement_id = $1 ORDER BY profile",
        )
        .bind(&ent_id)
        .fetch_all(svc.running.state.store.pool())
        .await
        .expect("certificates");
        assert_eq!(
            certs,
            vec![
                ("personal".to_string(), "good".to_string()),
                ("personal_encryption".to_string(), "good".to_string())
            ]
        );
        svc.running.stop().await.expect("stop");
    }
}
