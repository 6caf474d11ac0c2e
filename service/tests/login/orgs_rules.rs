//! Organisation rules under attack and load: the authorisation matrix (admin, user, non-member,
//! another organisation's admin, reviewer, platform × every organisation action, nothing leaking
//! through filters or ids), upload limits and types, and state changes fired in parallel at
//! one code, one member, one review and one slot.

use super::orgs::{
    ADMIN, CODE, COLLEAGUE, authorised_org, install, paid_application, photo_jpeg, photo_png,
    reviewer,
};
use super::*;
use mcert_service::platforms::Registration;
use mcert_service::review::{Decision, ReviewError, ReviewKind};

const OTHER_CODE: &str = "91440300MA5EXAMP1F";
const OTHER_ADMIN: (&str, &str, &str) = ("13800000003", "周总", "440300198808080053");
const STRANGER: (&str, &str, &str) = ("13800000004", "吴某", "310101199206060064");

/// One request of the matrix: (label, method, path, body).
fn actions(
    org: &str,
    member: &str,
    slot: &str,
    order: &str,
    upload: &str,
) -> Vec<(String, &'static str, String, Value)> {
    let m = |label: &str, method: &'static str, path: String, body: Value| {
        (label.to_string(), method, path, body)
    };
    vec![
        m("org", "GET", format!("/v1/orgs/{org}"), Value::Null),
        m(
            "members",
            "GET",
            format!("/v1/orgs/{org}/members"),
            Value::Null,
        ),
        m(
            "add member",
            "POST",
            format!("/v1/orgs/{org}/members"),
            json!({"name": "郑某", "id_number": "110101198502020022", "phone": "13800000099", "role": "user"}),
        ),
        m(
            "role",
            "PUT",
            format!("/v1/orgs/{org}/members/{member}/role"),
            json!({"role": "user"}),
        ),
        m(
            "remove",
            "DELETE",
            format!("/v1/orgs/{org}/members/{member}"),
            Value::Null,
        ),
        m(
            "upload",
            "UPLOAD",
            format!("/v1/orgs/{org}/uploads?purpose=other"),
            Value::Null,
        ),
        m(
            "face",
            "POST",
            format!("/v1/orgs/{org}/authorisation/face"),
            json!({"legal_rep_phone": "13800000005", "face_token": "dev-live-ok"}),
        ),
        m(
            "letter",
            "POST",
            format!("/v1/orgs/{org}/authorisation/letter"),
            json!({"upload_id": upload}),
        ),
        m(
            "template",
            "GET",
            format!("/v1/orgs/{org}/authorisation/letter-template.pdf"),
            Value::Null,
        ),
        m(
            "orders",
            "GET",
            format!("/v1/orgs/{org}/orders"),
            Value::Null,
        ),
        m(
            "apply",
            "POST",
            "/v1/orders".into(),
            json!({"product_id": "org-package", "years": 1, "org_id": org, "materials": [upload]}),
        ),
        m(
            "resubmit",
            "POST",
            format!("/v1/orders/{order}/resubmit"),
            json!({"materials": [upload]}),
        ),
        m(
            "certificates",
            "GET",
            format!("/v1/orgs/{org}/certificates"),
            Value::Null,
        ),
        m(
            "owner",
            "PUT",
            format!("/v1/orgs/{org}/certificates/{slot}/owner"),
            json!({"id_type": "resident_id", "id_number": "110101198502020022", "name": "郑某"}),
        ),
        m(
            "holder",
            "PUT",
            format!("/v1/orgs/{org}/certificates/{slot}/holder"),
            json!({"member_id": member}),
        ),
        m("usage", "GET", format!("/v1/orgs/{org}/usage"), Value::Null),
    ]
}

/// Whether a member who is not an admin may do it.
fn members_may(label: &str) -> bool {
    matches!(label, "org" | "usage")
}

async fn call(
    svc: &Service,
    method: &str,
    path: &str,
    body: &Value,
    token: Option<&str>,
) -> (u16, Value) {
    let url = format!("{}{path}", svc.base);
    let mut req = match method {
        "GET" => svc.http.get(url),
        "PUT" => svc.http.put(url).json(body),
        "DELETE" => svc.http.delete(url),
        "UPLOAD" => svc.http.post(url).body(photo_jpeg()),
        _ => svc.http.post(url).json(body),
    };
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.expect("send");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn every_organisation_action_follows_the_policy_and_nothing_leaks() {
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let (admin, org) = authorised_org(&svc, ADMIN, CODE).await;
        let order = paid_application(&svc, &admin, &org).await;
        let (_, m) = svc
            .post(&format!("/v1/orgs/{org}/members"),
                json!({"name": COLLEAGUE.1, "id_number": COLLEAGUE.2, "phone": COLLEAGUE.0, "role": "user"}), Some(&admin))
            .await;
        assert!(m["id"].is_string(), "{m}");
        let (_, x) = svc
            .post(&format!("/v1/orgs/{org}/members"),
                json!({"name": "钱某", "id_number": "110101199003070011", "phone": "13800000098", "role": "user"}), Some(&admin))
            .await;
        // The member the matrix changes, demotes and removes.
        let member = x["id"].as_str().expect("member").to_string();
        let user = verified_user(&svc, COLLEAGUE.0, COLLEAGUE.1, COLLEAGUE.2).await;
        let (other_admin, other_org) = authorised_org(&svc, OTHER_ADMIN, OTHER_CODE).await;
        let stranger = verified_user(&svc, STRANGER.0, STRANGER.1, STRANGER.2).await;
        let creds = svc
            .running
            .state
            .sessions
            .platforms()
            .register(&Registration {
                id: "matrix".into(),
                name: "平台".into(),
                logo_url: None,
                callback_urls: vec![],
            })
            .await
            .expect("platform");
        let (_, slots) = svc
            .get(&format!("/v1/orgs/{org}/certificates"), Some(&admin))
            .await;
        let slot = slots["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|s| s["kind"] == "personal")
            .expect("slot")["entitlement_id"]
            .as_str()
            .expect("id")
            .to_string();
        let (_, up) = svc
            .upload(&admin, &org, "authorisation_letter", photo_png())
            .await;
        let upload = up["id"].as_str().expect("upload").to_string();
        let platform_key = creds.api_key.to_string();

        // Who is refused how: (actor, token, expected refusal for admin-only, for member actions).
        let outsiders: [(&str, Option<&str>, u16, &str); 5] = [
            ("non-member", Some(&stranger), 404, "unknown_org"),
            ("other admin", Some(&other_admin), 404, "unknown_org"),
            ("platform key", Some(&platform_key), 401, "unauthorized"),
            (
                "reviewer (no account token)",
                Some("mcr_not_an_account_token"),
                401,
                "unauthorized",
            ),
            ("nobody", None, 401, "unauthorized"),
        ];
        for (label, method, path, body) in actions(&org, &member, &slot, &order, &upload) {
            for (who, token, status, code) in outsiders {
                let (s, b) = call(&svc, method, &path, &body, token).await;
                // The order belongs to the admin; outsiders asking to resubmit it find no order.
                let expected = if label == "resubmit" && status == 404 {
                    (404, "unknown_order")
                } else {
                    (status, code)
                };
                assert_eq!(
                    (s, b["code"].as_str().unwrap_or("")),
                    expected,
                    "{who} → {label}: {b}"
                );
            }
            let (s, b) = call(&svc, method, &path, &body, Some(&user)).await;
            if members_may(&label) {
                assert_eq!(s, 200, "user → {label}: {b}");
            } else if label == "resubmit" {
                assert_eq!(
                    (s, b["code"].as_str()),
                    (404, Some("unknown_order")),
                    "user → {label}"
                );
            } else {
                assert_eq!(
                    (s, b["code"].as_str()),
                    (403, Some("admin_required")),
                    "user → {label}: {b}"
                );
            }
            let (s, b) = call(&svc, method, &path, &body, Some(&admin)).await;
            assert!(
                ![401, 403].contains(&s) && b["code"] != "unknown_org",
                "admin → {label}: {s} {b}"
            );
        }

        // Ids of another organisation lead nowhere from one's own.
        let (s, b) = svc
            .put(
                &format!("/v1/orgs/{other_org}/certificates/{slot}/holder"),
                json!({"member_id": member}),
                &other_admin,
            )
            .await;
        assert_eq!(
            (s, b["code"].as_str()),
            (404, Some("unknown_entitlement")),
            "{b}"
        );
        let (s, b) = svc
            .put(
                &format!("/v1/orgs/{other_org}/certificates/{slot}/owner"),
                json!({"id_type": "resident_id", "id_number": STRANGER.2, "name": STRANGER.1}),
                &other_admin,
            )
            .await;
        assert_eq!(
            (s, b["code"].as_str()),
            (404, Some("unknown_entitlement")),
            "{b}"
        );
        let (s, b) = svc
            .put(
                &format!("/v1/orgs/{other_org}/members/{member}/role"),
                json!({"role": "admin"}),
                &other_admin,
            )
            .await;
        assert_eq!(
            (s, b["code"].as_str()),
            (404, Some("unknown_member")),
            "{b}"
        );
        let (s, b) = svc
            .post(
                &format!("/v1/orgs/{other_org}/authorisation/letter"),
                json!({"upload_id": upload}),
                Some(&other_admin),
            )
            .await;
        assert_eq!((s, b["code"].as_str()), (400, Some("bad_letter")), "{b}");
        let (s, b) = svc.post("/v1/orders",
            json!({"product_id": "org-package", "years": 1, "org_id": other_org, "materials": [upload]}), Some(&other_admin)).await;
        assert_eq!(
            (s, b["code"].as_str()),
            (400, Some("unknown_material")),
            "{b}"
        );
        // Filters cannot reach another organisation's people or certificates.
        let (_, theirs) = svc
            .get(&format!("/v1/orgs/{org}/certificates"), Some(&admin))
            .await;
        let (s, b) = svc
            .get(
                &format!("/v1/orgs/{other_org}/usage?member={member}"),
                Some(&other_admin),
            )
            .await;
        assert_eq!((s, b["items"].as_array().map(Vec::len)), (200, Some(0)));
        for c in theirs["items"].as_array().expect("items") {
            if let Some(serial) = c["certificate_serial"].as_str() {
                let (_, b) = svc
                    .get(
                        &format!("/v1/orgs/{other_org}/usage?serial={serial}"),
                        Some(&other_admin),
                    )
                    .await;
                assert_eq!(b["items"].as_array().map(Vec::len), Some(0));
            }
        }
        let (_, mine) = svc
            .get(
                &format!("/v1/orgs/{other_org}/certificates"),
                Some(&other_admin),
            )
            .await;
        assert!(mine["items"].as_array().expect("items").is_empty());
        // A reviewer sees only the materials a review lists.
        let review = svc
            .running
            .state
            .reviews
            .queue(&reviewer(), None)
            .await
            .expect("queue")
            .into_iter()
            .find(|i| i.org_id.as_deref() == Some(other_org.as_str()))
            .expect("other org's review");
        let err = svc
            .running
            .state
            .reviews
            .material(&reviewer(), &review.id, &upload)
            .await;
        assert!(matches!(err, Err(ReviewError::UnknownMaterial)), "{err:?}");
        svc.running.stop().await.expect("stop");
    }
}

#[tokio::test]
async fn uploads_are_limited_typed_and_cleaned() {
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let (admin, org) = authorised_org(&svc, ADMIN, CODE).await;
        let (s, b) = svc
            .upload(
                &admin,
                &org,
                "business_licence",
                vec![0xFF, 0xD8, 0xFF]
                    .into_iter()
                    .chain(std::iter::repeat_n(0u8, 5 * 1024 * 1024))
                    .collect(),
            )
            .await;
        assert_eq!(
            (s, b["code"].as_str()),
            (413, Some("upload_too_large")),
            "{b}"
        );
        let (s, b) = svc
            .upload(
                &admin,
                &org,
                "business_licence",
                b"GIF89a\x01\x00\x01\x00".to_vec(),
            )
            .await;
        assert_eq!((s, b["code"].as_str()), (415, Some("upload_type")), "{b}");
        let (s, b) = svc
            .upload(
                &admin,
                &org,
                "business_licence",
                b"<html><script>alert(1)</script>".to_vec(),
            )
            .await;
        assert_eq!((s, b["code"].as_str()), (415, Some("upload_type")), "{b}");
        let (s, b) = svc
            .upload(
                &admin,
                &org,
                "business_licence",
                b"%PDF-1.7 truncated".to_vec(),
            )
            .await;
        assert_eq!(
            (s, b["code"].as_str()),
            (400, Some("upload_damaged")),
            "{b}"
        );
        let (s, b) = svc
            .upload(
                &admin,
                &org,
                "business_licence",
                vec![0xFF, 0xD8, 0xFF, 0xE1, 0x00],
            )
            .await;
        assert_eq!(
            (s, b["code"].as_str()),
            (400, Some("upload_damaged")),
            "{b}"
        );
        let (s, b) = svc.upload(&admin, &org, "selfie", photo_jpeg()).await;
        assert_eq!((s, b["code"].as_str()), (400, Some("bad_purpose")), "{b}");
        let (s, b) = svc
            .upload(&admin, &org, "business_licence", Vec::new())
            .await;
        assert_eq!((s, b["code"].as_str()), (400, Some("upload_empty")), "{b}");
        let pdf =
            b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".to_vec();
        let (s, b) = svc.upload(&admin, &org, "business_licence", pdf).await;
        assert_eq!(
            (s, b["content_type"].as_str()),
            (201, Some("application/pdf")),
            "{b}"
        );
        // Nothing of the refused files was stored.
        let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM uploads")
            .fetch_one(svc.running.state.store.pool())
            .await
            .expect("count");
        assert_eq!(stored, 2, "the letter and the PDF");
        svc.running.stop().await.expect("stop");
    }
}

#[tokio::test]
async fn parallel_requests_change_one_code_one_member_one_review_and_one_slot_once() {
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        // Ten people register one credit code at once: ten registrations, one authorised.
        let mut tokens = Vec::new();
        for i in 0..10 {
            let id = [
                "110101198001010010",
                "110101198502020022",
                "110101199003030036",
                "110101197511110041",
                "440300198808080053",
                "310101199206060064",
                "110101199003070011",
                "11010519491231002X",
                "110101198001010010",
                "110101198502020022",
            ][i];
            tokens.push(verified_user(&svc, &format!("1380000010{i}"), "并发", id).await);
        }
        let body = json!({"name": "并发测试有限公司", "credit_code": OTHER_CODE, "legal_rep_name": "王总",
            "legal_rep_id_number": "110101197511110041", "applicant_relation": "agent"});
        let results = futures_join(
            tokens
                .iter()
                .map(|t| svc.post("/v1/orgs", body.clone(), Some(t))),
        )
        .await;
        assert!(results.iter().all(|(s, _)| *s == 201), "{results:?}");
        // All of them authorise at once: exactly one registration of the code is authorised.
        let paths: Vec<String> = results
            .iter()
            .map(|(_, b)| {
                format!(
                    "/v1/orgs/{}/authorisation/face",
                    b["id"].as_str().expect("id")
                )
            })
            .collect();
        let face = json!({"legal_rep_phone": "13800000005", "face_token": "dev-live-ok"});
        let authorised = futures_join(
            paths
                .iter()
                .zip(&tokens)
                .map(|(p, t)| svc.post(p, face.clone(), Some(t))),
        )
        .await;
        assert_eq!(
            authorised.iter().filter(|(s, _)| *s == 200).count(),
            1,
            "{authorised:?}"
        );
        assert!(
            authorised
                .iter()
                .all(|(s, b)| *s == 200 || b["code"] == "code_authorised_elsewhere"),
            "{authorised:?}"
        );

        let (admin, org) = authorised_org(&svc, ADMIN, CODE).await;
        // One phone added ten times at once: one member.
        let add = json!({"name": COLLEAGUE.1, "id_number": COLLEAGUE.2, "phone": COLLEAGUE.0, "role": "admin"});
        let members_path = format!("/v1/orgs/{org}/members");
        let results =
            futures_join((0..10).map(|_| svc.post(&members_path, add.clone(), Some(&admin)))).await;
        assert_eq!(
            results.iter().filter(|(s, _)| *s == 201).count(),
            1,
            "{results:?}"
        );
        let (_, members) = svc
            .get(&format!("/v1/orgs/{org}/members"), Some(&admin))
            .await;
        let ids: Vec<String> = members["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|m| m["id"].as_str().expect("id").to_string())
            .collect();

        // Eight reviewers decide one application at once: one decision, one text.
        let (_, licence) = svc
            .upload(&admin, &org, "business_licence", photo_jpeg())
            .await;
        let (_, order) = svc.post("/v1/orders",
            json!({"product_id": "org-package", "years": 1, "org_id": org, "materials": [licence["id"]]}), Some(&admin)).await;
        let order_id = order["id"].as_str().expect("order").to_string();
        let review = svc
            .pending_review(ReviewKind::OrgApplication, &order_id)
            .await;
        let texts_before = sms_count(&svc, ADMIN.0).await;
        let reviews = svc.running.state.reviews.clone();
        let decided = futures_join((0..8).map(|i| {
            let reviews = reviews.clone();
            let review = review.clone();
            async move {
                let d = if i % 2 == 0 {
                    Decision::Approve
                } else {
                    Decision::Reject {
                        reason: "材料不清晰".into(),
                    }
                };
                reviews.decide(&reviewer(), &review, d).await
            }
        }))
        .await;
        assert_eq!(decided.iter().filter(|r| r.is_ok()).count(), 1);
        assert!(
            decided
                .iter()
                .all(|r| r.is_ok() || matches!(r, Err(ReviewError::AlreadyDecided(_))))
        );
        assert_eq!(sms_count(&svc, ADMIN.0).await, texts_before + 1);

        // Holder changes of one issued slot fired at once: one wins, one revocation.
        let paid = paid_application(&svc, &admin, &org).await;
        let (_, slots) = svc
            .get(&format!("/v1/orgs/{org}/certificates"), Some(&admin))
            .await;
        let org_slot = slots["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|s| s["kind"] == "organization" && s["order_id"] == paid.as_str())
            .expect("slot")["entitlement_id"]
            .as_str()
            .expect("id")
            .to_string();
        let (status, body, _) = install(&svc, &admin, &org_slot, Algorithm::P256).await;
        assert_eq!(status, 200, "{body}");
        let holder_path = format!("/v1/orgs/{org}/certificates/{org_slot}/holder");
        let moves = futures_join(
            (0..6).map(|i| svc.put(&holder_path, json!({"member_id": ids[i % 2]}), &admin)),
        )
        .await;
        // Each change applies to the state its request read: those that read the issued slot race
        // and one wins; any that read after it move an unissued slot. Either way the issued
        // certificate is revoked exactly once and nothing fails unexpectedly.
        assert!(moves.iter().any(|(s, _)| *s == 204), "{moves:?}");
        assert!(
            moves
                .iter()
                .all(|(s, b)| *s == 204 || (*s == 409 && b["code"] == "not_installable")),
            "{moves:?}"
        );
        let revoked: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM certificates WHERE entitlement_id = $1 AND status = 'revoked'",
        )
        .bind(&org_slot)
        .fetch_one(svc.running.state.store.pool())
        .await
        .expect("count");
        assert_eq!(revoked, 1);
        // Two admins demote each other at once: one admin always remains.
        let colleague = verified_user(&svc, COLLEAGUE.0, COLLEAGUE.1, COLLEAGUE.2).await;
        let (p1, p0) = (
            format!("/v1/orgs/{org}/members/{}/role", ids[1]),
            format!("/v1/orgs/{org}/members/{}/role", ids[0]),
        );
        let (a, b) = tokio::join!(
            svc.put(&p1, json!({"role": "user"}), &admin),
            svc.put(&p0, json!({"role": "user"}), &colleague)
        );
        assert!(
            a.0 != 204 || b.0 != 204,
            "both demotions cannot win: {a:?} {b:?}"
        );
        let admins: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM org_members WHERE org_id = $1 AND role = 'admin'",
        )
        .bind(&org)
        .fetch_one(svc.running.state.store.pool())
        .await
        .expect("count");
        assert_eq!(admins, 1);
        super::scan::audit_intact(&svc).await;
        svc.running.stop().await.expect("stop");
    }
}

async fn sms_count(svc: &Service, phone: &str) -> usize {
    let (_, body) = svc
        .get(&format!("/v1/dev/sms-outbox?phone={phone}"), None)
        .await;
    body["items"].as_array().map(Vec::len).unwrap_or(0)
}

/// Runs the futures concurrently and collects their results in order.
async fn futures_join<F: std::future::Future>(
    futures: impl IntoIterator<Item = F>,
) -> Vec<F::Output> {
    let handles: Vec<_> = futures.into_iter().collect();
    let mut out = Vec::with_capacity(handles.len());
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = handles.into_iter().map(Box::pin).collect();
    let mut done: Vec<Option<F::Output>> = (0..pinned.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in pinned.iter_mut().enumerate() {
            if done[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => done[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.extend(done.into_iter().flatten());
    out
}
