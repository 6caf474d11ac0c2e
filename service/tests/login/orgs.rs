//! Organisations through the HTTP API on each database: registration, CA authorisation by
//! letter (template PDF, upload, review), the application reviewed (reject, resubmit,
//! approve, SMS texts), payment, the organisation's slots (owner, holder, claim, holder
//! change revoking the old certificate), members and roles, and the organisation's usage
//! records with their filters.

use super::scan::{Holder, b64, complete, login_session, platform, scanned, unb64};
use super::*;
use mcert_service::authz::{Actor, ReviewerGrant, policy};
use mcert_service::review::{Decision, ReviewKind, ReviewStatus};

pub(super) const CODE: &str = "91110108MA01ABCD1E";
pub(super) const ADMIN: (&str, &str, &str) = ("13800000001", "张经理", "110101198001010010");
pub(super) const COLLEAGUE: (&str, &str, &str) = ("13800000002", "李工", "110101198502020022");

pub(super) fn reviewer() -> ReviewerGrant {
    policy::reviewer(&Actor::Reviewer("r-test".into())).expect("reviewer")
}

/// A small PNG carrying a text chunk, as a phone camera might write one.
pub(super) fn photo_png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(16, 12, |x, y| image::Rgb([x as u8 * 9, y as u8 * 11, 200]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    let mut png = out.into_inner();
    let iend = png.len() - 12;
    let mut chunk = Vec::new();
    let data = b"Comment\0GPS 39.9042N 116.4074E";
    chunk.extend_from_slice(&u32::try_from(data.len()).expect("len").to_be_bytes());
    chunk.extend_from_slice(b"tEXt");
    chunk.extend_from_slice(data);
    chunk.extend_from_slice(&[0, 0, 0, 0]);
    png.splice(iend..iend, chunk);
    png
}

pub(super) fn photo_jpeg() -> Vec<u8> {
    let img = image::RgbImage::from_fn(16, 12, |x, y| image::Rgb([200, x as u8 * 9, y as u8 * 11]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("jpeg");
    out.into_inner()
}

impl Service {
    pub(super) async fn put(&self, path: &str, body: Value, token: &str) -> (u16, Value) {
        let r = self
            .http
            .put(format!("{}{path}", self.base))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("put");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    pub(super) async fn upload(
        &self,
        token: &str,
        org: &str,
        purpose: &str,
        bytes: Vec<u8>,
    ) -> (u16, Value) {
        let r = self
            .http
            .post(format!(
                "{}/v1/orgs/{org}/uploads?purpose={purpose}",
                self.base
            ))
            .bearer_auth(token)
            .header("content-type", "application/octet-stream")
            .body(bytes)
            .send()
            .await
            .expect("upload");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// The newest text sent to `phone`.
    pub(super) async fn last_text(&self, phone: &str) -> String {
        let (_, body) = self
            .get(&format!("/v1/dev/sms-outbox?phone={phone}"), None)
            .await;
        body["items"][0].as_str().unwrap_or_default().to_string()
    }

    /// The pending review of `subject`.
    pub(super) async fn pending_review(&self, kind: ReviewKind, subject: &str) -> String {
        let queue = self
            .running
            .state
            .reviews
            .queue(&reviewer(), Some(ReviewStatus::Pending))
            .await
            .expect("queue");
        queue
            .into_iter()
            .find(|i| i.kind == kind && i.subject_id == subject)
            .expect("a pending review")
            .id
    }

    pub(super) async fn decide(&self, kind: ReviewKind, subject: &str, decision: Decision) {
        // Each decision's text is the newest (texts are ordered by time).
        self.clock.advance(Duration::from_secs(1));
        let id = self.pending_review(kind, subject).await;
        self.running
            .state
            .reviews
            .decide(&reviewer(), &id, decision)
            .await
            .expect("decide");
    }
}

/// A verified admin with a registered organisation whose CA authorisation is approved (by
/// letter, through review). Returns (admin token, organisation id).
pub(super) async fn authorised_org(
    svc: &Service,
    who: (&str, &str, &str),
    code: &str,
) -> (String, String) {
    let token = verified_user(svc, who.0, who.1, who.2).await;
    let (status, org) = svc
        .post(
            "/v1/orgs",
            json!({"name": format!("{code}测试有限公司"), "credit_code": code, "legal_rep_name": "王总",
                   "legal_rep_id_number": "110101197511110041", "applicant_relation": "agent"}),
            Some(&token),
        )
        .await;
    assert_eq!(status, 201, "{org}");
    let org_id = org["id"].as_str().expect("id").to_string();
    let (status, up) = svc
        .upload(&token, &org_id, "authorisation_letter", photo_png())
        .await;
    assert_eq!(status, 201, "{up}");
    let (status, auth) = svc
        .post(
            &format!("/v1/orgs/{org_id}/authorisation/letter"),
            json!({"upload_id": up["id"]}),
            Some(&token),
        )
        .await;
    assert_eq!(status, 200, "{auth}");
    svc.decide(ReviewKind::CaAuthorisation, &org_id, Decision::Approve)
        .await;
    (token, org_id)
}

/// An approved and paid `org-package` application of the organisation.
pub(super) async fn paid_application(svc: &Service, token: &str, org_id: &str) -> String {
    let (status, licence) = svc
        .upload(token, org_id, "business_licence", photo_jpeg())
        .await;
    assert_eq!(status, 201, "{licence}");
    let (status, order) = svc
        .post(
            "/v1/orders",
            json!({"product_id": "org-package", "years": 1, "org_id": org_id, "materials": [licence["id"]]}),
            Some(token),
        )
        .await;
    assert_eq!(status, 201, "{order}");
    let order_id = order["id"].as_str().expect("id").to_string();
    svc.decide(ReviewKind::OrgApplication, &order_id, Decision::Approve)
        .await;
    svc.post(
        &format!("/v1/orders/{order_id}/pay"),
        json!({}),
        Some(token),
    )
    .await;
    wait_completed(svc, token, &order_id).await;
    order_id
}

/// Installs a slot with a fresh in-memory key; returns the holder for scanning.
pub(super) async fn install(
    svc: &Service,
    token: &str,
    slot: &str,
    alg: Algorithm,
) -> (u16, Value, Option<Holder>) {
    let (key, csr) = device_csr(alg);
    let (status, body) = svc
        .post(
            &format!("/v1/entitlements/{slot}/install"),
            json!({"csr": b64(&csr)}),
            Some(token),
        )
        .await;
    if status != 200 {
        return (status, body, None);
    }
    let cert =
        x509::parse_certificate(&unb64(body["certificate"].as_str().expect("c"))).expect("c");
    let holder = Holder {
        token: token.to_string(),
        key,
        serial: x509::serial_hex(&cert),
        cert,
    };
    (status, body, Some(holder))
}

fn slots(body: &Value) -> Vec<Value> {
    body["items"].as_array().expect("items").clone()
}

#[tokio::test]
async fn an_organisation_applies_is_reviewed_pays_grants_and_its_members_claim() {
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let admin = verified_user(&svc, ADMIN.0, ADMIN.1, ADMIN.2).await;
        // Registration: the code's check character is verified; one code, one organisation.
        let new_org = |code: &str| {
            json!({"name": "青海某某建设工程有限公司", "credit_code": code, "legal_rep_name": "王总",
                   "legal_rep_id_number": "110101197511110041", "applicant_relation": "agent"})
        };
        let (status, body) = svc
            .post("/v1/orgs", new_org("91110108MA01ABCD1F"), Some(&admin))
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (400, Some("bad_credit_code"))
        );
        let mut as_rep = new_org(CODE);
        as_rep["applicant_relation"] = json!("legal_representative");
        let (status, body) = svc.post("/v1/orgs", as_rep, Some(&admin)).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (403, Some("not_the_legal_rep"))
        );
        let (status, org) = svc.post("/v1/orgs", new_org(CODE), Some(&admin)).await;
        assert_eq!(status, 201, "{org}");
        assert_eq!(org["role"], "admin");
        assert_eq!(org["role_label"], "证书管理员");
        assert_eq!(org["legal_rep_id_masked"], "110***********0041");
        assert_eq!(org["authorisation"]["status_label"], "未授权");
        let org_id = org["id"].as_str().expect("id").to_string();
        let stranger = verified_user(&svc, "13800000009", "赵六", "110101199003030036").await;
        // Someone else may register the same code (a squatter cannot block the company); only
        // one registration of a code is ever authorised.
        let (status, squatter) = svc.post("/v1/orgs", new_org(CODE), Some(&stranger)).await;
        assert_eq!(status, 201, "{squatter}");
        let squatter_org = squatter["id"].as_str().expect("id").to_string();
        let (status, body) = svc.post("/v1/orgs", new_org(CODE), Some(&stranger)).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (409, Some("org_already_registered"))
        );

        // No application before the CA authorisation.
        let (status, body) = svc
            .post(
                "/v1/orders",
                json!({"product_id": "org-package", "years": 1, "org_id": org_id, "materials": ["x"]}),
                Some(&admin),
            )
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (403, Some("org_not_authorised"))
        );
        // Nor may a person buy the organisation package for themselves.
        let (status, body) = svc
            .post(
                "/v1/orders",
                json!({"product_id": "org-package", "years": 1}),
                Some(&admin),
            )
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (422, Some("for_organisations_only"))
        );

        // The letter template: a PDF naming the organisation and the applicant.
        let r = svc
            .http
            .get(format!(
                "{}/v1/orgs/{org_id}/authorisation/letter-template.pdf",
                svc.base
            ))
            .bearer_auth(&admin)
            .send()
            .await
            .expect("template");
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/pdf");
        let pdf = r.bytes().await.expect("pdf");
        assert!(pdf.starts_with(b"%PDF-"));
        if let Some(text) = pdftotext(&pdf) {
            for needle in [
                "数字证书申请授权书",
                "青海某某建设工程有限公司",
                CODE,
                "张经理",
                "单位公章",
                "法定代表人",
            ] {
                assert!(text.contains(needle), "{needle} missing from {text}");
            }
        }

        // The stamped letter, photographed: stored without its metadata, reviewed.
        let (status, up) = svc
            .upload(&admin, &org_id, "authorisation_letter", photo_png())
            .await;
        assert_eq!(status, 201, "{up}");
        assert_eq!(up["content_type"], "image/png");
        let (status, auth) = svc
            .post(
                &format!("/v1/orgs/{org_id}/authorisation/letter"),
                json!({"upload_id": up["id"]}),
                Some(&admin),
            )
            .await;
        assert_eq!(status, 200, "{auth}");
        assert_eq!(auth["status"], "pending_review");
        assert_eq!(auth["progress"][1]["state"], "current");
        let review_id = svc
            .pending_review(ReviewKind::CaAuthorisation, &org_id)
            .await;
        let item = svc
            .running
            .state
            .reviews
            .item(&reviewer(), &review_id)
            .await
            .expect("item");
        assert!(
            item.facts
                .iter()
                .any(|(k, v)| k == "review-fact-credit-code" && v == CODE)
        );
        let (ct, bytes) = svc
            .running
            .state
            .reviews
            .material(&reviewer(), &review_id, up["id"].as_str().expect("id"))
            .await
            .expect("material");
        assert_eq!(ct, "image/png");
        assert!(!bytes.windows(4).any(|w| w == b"tEXt"), "metadata stripped");
        image::load_from_memory(&bytes).expect("still an image");
        let (status, body) = svc
            .post(
                &format!("/v1/orgs/{org_id}/authorisation/letter"),
                json!({"upload_id": up["id"]}),
                Some(&admin),
            )
            .await;
        assert_eq!((status, body["code"].as_str()), (409, Some("under_review")));
        svc.decide(
            ReviewKind::CaAuthorisation,
            &org_id,
            Decision::Reject {
                reason: "授权书未加盖单位公章".into(),
            },
        )
        .await;
        let (_, org) = svc.get(&format!("/v1/orgs/{org_id}"), Some(&admin)).await;
        assert_eq!(org["authorisation"]["status_label"], "未通过");
        assert_eq!(
            org["authorisation"]["reject_reason"],
            "授权书未加盖单位公章"
        );
        let text = svc.last_text(ADMIN.0).await;
        assert!(text.contains("授权书未加盖单位公章"), "{text}");
        svc.post(
            &format!("/v1/orgs/{org_id}/authorisation/letter"),
            json!({"upload_id": up["id"]}),
            Some(&admin),
        )
        .await;
        svc.decide(ReviewKind::CaAuthorisation, &org_id, Decision::Approve)
            .await;
        let (_, org) = svc.get(&format!("/v1/orgs/{org_id}"), Some(&admin)).await;
        assert_eq!(org["authorisation"]["status"], "approved");
        let (status, body) = svc
            .post(
                &format!("/v1/orgs/{squatter_org}/authorisation/face"),
                json!({"legal_rep_phone": "13800000005", "face_token": "dev-live-ok"}),
                Some(&stranger),
            )
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (409, Some("code_authorised_elsewhere")),
            "{body}"
        );
        let latecomer = verified_user(&svc, "13800000008", "孙七", "110101199003070011").await;
        let (status, body) = svc.post("/v1/orgs", new_org(CODE), Some(&latecomer)).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (409, Some("org_already_registered"))
        );
        assert!(svc.last_text(ADMIN.0).await.contains("审核通过"));

        // The application: reviewed, rejected with a reason, fixed, approved, paid.
        let (_, licence) = svc
            .upload(&admin, &org_id, "business_licence", photo_jpeg())
            .await;
        let (status, body) = svc
            .post(
                "/v1/orders",
                json!({"product_id": "org-package", "years": 1, "org_id": org_id, "materials": []}),
                Some(&admin),
            )
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (400, Some("materials_required"))
        );
        let (status, order) = svc
            .post(
                "/v1/orders",
                json!({"product_id": "org-package", "years": 1, "org_id": org_id, "materials": [licence["id"]]}),
                Some(&admin),
            )
            .await;
        assert_eq!(status, 201, "{order}");
        assert_eq!(order["status_label"], "待审核");
        let order_id = order["id"].as_str().expect("id").to_string();
        svc.decide(
            ReviewKind::OrgApplication,
            &order_id,
            Decision::Reject {
                reason: "营业执照信息与填写的单位信息不一致".into(),
            },
        )
        .await;
        let (_, order) = svc
            .get(&format!("/v1/orders/{order_id}"), Some(&admin))
            .await;
        assert_eq!(
            (
                order["status_label"].as_str(),
                order["reject_reason"].as_str()
            ),
            (Some("未通过"), Some("营业执照信息与填写的单位信息不一致"))
        );
        assert!(svc.last_text(ADMIN.0).await.contains("未通过"));
        let (_, licence2) = svc
            .upload(&admin, &org_id, "business_licence", photo_jpeg())
            .await;
        let (status, order) = svc
            .post(
                &format!("/v1/orders/{order_id}/resubmit"),
                json!({"materials": [licence2["id"]]}),
                Some(&admin),
            )
            .await;
        assert_eq!(
            (status, order["status"].as_str()),
            (200, Some("pending_review")),
            "{order}"
        );
        svc.decide(ReviewKind::OrgApplication, &order_id, Decision::Approve)
            .await;
        let (_, order) = svc
            .get(&format!("/v1/orders/{order_id}"), Some(&admin))
            .await;
        assert_eq!(order["status_label"], "待支付");
        assert!(svc.last_text(ADMIN.0).await.contains("300.00 元"));
        svc.post(
            &format!("/v1/orders/{order_id}/pay"),
            json!({}),
            Some(&admin),
        )
        .await;
        wait_completed(&svc, &admin, &order_id).await;

        // The slots: the organisation certificate is the applicant's to download.
        let (_, certs) = svc
            .get(&format!("/v1/orgs/{org_id}/certificates"), Some(&admin))
            .await;
        let certs = slots(&certs);
        assert_eq!(certs.len(), 3);
        let org_slot = certs
            .iter()
            .find(|c| c["kind"] == "organization")
            .expect("org slot")
            .clone();
        assert_eq!(org_slot["status_label"], "未使用");
        assert_eq!(org_slot["owner"]["id_type"], "credit_code");
        assert_eq!(org_slot["holder"]["name"], ADMIN.1);
        let personal: Vec<Value> = certs
            .iter()
            .filter(|c| c["kind"] == "personal")
            .cloned()
            .collect();
        assert!(personal.iter().all(|c| c["status_label"] == "未分配"));
        let org_slot_id = org_slot["entitlement_id"].as_str().expect("id").to_string();
        let (_, mine) = svc.get("/v1/entitlements", Some(&admin)).await;
        assert!(slots(&mine).iter().any(
            |e| e["id"] == org_slot_id.as_str() && e["org_name"] == "青海某某建设工程有限公司"
        ));
        let (status, body, admin_org) = install(&svc, &admin, &org_slot_id, Algorithm::P256).await;
        assert_eq!(status, 200, "{body}");
        let admin_org = admin_org.expect("holder");
        let info = x509::info(&admin_org.cert).expect("info");
        assert_eq!(
            info.subject.organization.as_deref(),
            Some("青海某某建设工程有限公司")
        );
        assert_eq!(info.subject.organization_identifier.as_deref(), Some(CODE));
        assert_eq!(info.subject.common_name.as_deref(), Some(ADMIN.1));

        // Members: a colleague added by phone sees the organisation after logging in.
        let (status, member) = svc
            .post(
                &format!("/v1/orgs/{org_id}/members"),
                json!({"name": COLLEAGUE.1, "id_number": COLLEAGUE.2, "phone": COLLEAGUE.0, "role": "user"}),
                Some(&admin),
            )
            .await;
        assert_eq!(status, 201, "{member}");
        assert_eq!(member["has_account"], false);
        let member_id = member["id"].as_str().expect("id").to_string();
        let colleague = verified_user(&svc, COLLEAGUE.0, COLLEAGUE.1, COLLEAGUE.2).await;
        let (_, orgs) = svc.get("/v1/orgs", Some(&colleague)).await;
        assert_eq!(orgs["items"][0]["id"], org_id.as_str());
        assert_eq!(orgs["items"][0]["role_label"], "证书使用人");
        let (status, body) = svc
            .get(&format!("/v1/orgs/{org_id}/members"), Some(&colleague))
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (403, Some("admin_required"))
        );
        let (_, members) = svc
            .get(&format!("/v1/orgs/{org_id}/members"), Some(&admin))
            .await;
        assert!(
            slots(&members)
                .iter()
                .any(|m| m["id"] == member_id.as_str() && m["has_account"] == true)
        );

        // A personal slot: owner fixed once, holder the colleague, who claims it.
        let slot1 = personal[0]["entitlement_id"]
            .as_str()
            .expect("id")
            .to_string();
        let owner = json!({"id_type": "resident_id", "id_number": COLLEAGUE.2, "name": COLLEAGUE.1, "email": "li@example.cn"});
        let (status, _) = svc
            .put(
                &format!("/v1/orgs/{org_id}/certificates/{slot1}/owner"),
                owner.clone(),
                &admin,
            )
            .await;
        assert_eq!(status, 204);
        let (status, body) = svc
            .put(
                &format!("/v1/orgs/{org_id}/certificates/{slot1}/owner"),
                owner,
                &admin,
            )
            .await;
        assert_eq!((status, body["code"].as_str()), (409, Some("owner_fixed")));
        let (status, _) = svc
            .put(
                &format!("/v1/orgs/{org_id}/certificates/{slot1}/holder"),
                json!({"member_id": member_id}),
                &admin,
            )
            .await;
        assert_eq!(status, 204);
        let (_, claims) = svc.get("/v1/entitlements", Some(&colleague)).await;
        assert!(
            slots(&claims)
                .iter()
                .any(|e| e["id"] == slot1.as_str() && e["status"] == "assigned")
        );
        // Someone else cannot install it.
        let (status, _, _) = install(&svc, &stranger, &slot1, Algorithm::Sm2).await;
        assert_eq!(status, 404);
        let (status, body, colleague_personal) =
            install(&svc, &colleague, &slot1, Algorithm::Sm2).await;
        assert_eq!(status, 200, "{body}");
        let colleague_personal = colleague_personal.expect("holder");
        let info = x509::info(&colleague_personal.cert).expect("info");
        assert_eq!(info.subject.common_name.as_deref(), Some(COLLEAGUE.1));
        assert_eq!(
            info.subject.organization.as_deref(),
            Some("青海某某建设工程有限公司")
        );

        // The holder of the organisation certificate changes: the admin's is revoked and the
        // colleague downloads a new one for the period already bought.
        let (status, _) = svc
            .put(
                &format!("/v1/orgs/{org_id}/certificates/{org_slot_id}/holder"),
                json!({"member_id": member_id}),
                &admin,
            )
            .await;
        assert_eq!(status, 204);
        let (_, admin_certs) = svc.get("/v1/certificates", Some(&admin)).await;
        assert!(
            slots(&admin_certs)
                .iter()
                .all(|c| c["serial"] != admin_org.serial.as_str() || c["status"] == "revoked")
        );
        let (status, body, colleague_org) =
            install(&svc, &colleague, &org_slot_id, Algorithm::P256).await;
        assert_eq!(status, 200, "{body}");
        let colleague_org = colleague_org.expect("holder");
        assert_eq!(
            x509::info(&colleague_org.cert)
                .expect("info")
                .subject
                .common_name
                .as_deref(),
            Some(COLLEAGUE.1)
        );
        assert_eq!(
            x509::info(&colleague_org.cert).expect("i").not_after,
            x509::info(&admin_org.cert).expect("i").not_after,
            "the period bought is kept"
        );
        let (_, certs) = svc
            .get(&format!("/v1/orgs/{org_id}/certificates"), Some(&admin))
            .await;
        let org_slot = slots(&certs)
            .into_iter()
            .find(|c| c["entitlement_id"] == org_slot_id.as_str())
            .expect("slot");
        assert_eq!(
            (
                org_slot["status_label"].as_str(),
                org_slot["holder"]["name"].as_str()
            ),
            (Some("已使用"), Some(COLLEAGUE.1))
        );

        // Roles: the last admin stays; a member holding certificates is not removed.
        let admin_member = slots(&members)
            .into_iter()
            .find(|m| m["role"] == "admin")
            .expect("admin")["id"]
            .as_str()
            .expect("id")
            .to_string();
        let (status, body) = svc
            .put(
                &format!("/v1/orgs/{org_id}/members/{admin_member}/role"),
                json!({"role": "user"}),
                &admin,
            )
            .await;
        assert_eq!((status, body["code"].as_str()), (409, Some("last_admin")));
        let r = svc
            .http
            .delete(format!("{}/v1/orgs/{org_id}/members/{member_id}", svc.base))
            .bearer_auth(&admin)
            .send()
            .await
            .expect("delete");
        assert_eq!(r.status(), 409);

        // Usage records: the colleague logs in to a platform with the organisation certificate,
        // the admin with a personal one of the organisation.
        let slot2 = personal[1]["entitlement_id"]
            .as_str()
            .expect("id")
            .to_string();
        svc.put(
            &format!("/v1/orgs/{org_id}/certificates/{slot2}/owner"),
            json!({"id_type": "resident_id", "id_number": ADMIN.2, "name": ADMIN.1}),
            &admin,
        )
        .await;
        svc.put(
            &format!("/v1/orgs/{org_id}/certificates/{slot2}/holder"),
            json!({"member_id": admin_member}),
            &admin,
        )
        .await;
        let (status, body, admin_personal) = install(&svc, &admin, &slot2, Algorithm::Sm2).await;
        assert_eq!(status, 200, "{body}");
        let admin_personal = admin_personal.expect("holder");
        let (rp, _) = platform(&svc, None).await;
        for who in [&colleague_org, &admin_personal] {
            let created = rp.create(&login_session(), None).await.expect("create");
            let session = scanned(&svc, who, &created).await;
            let c = mcert_core::scan::answer(
                &session,
                &who.key,
                &who.cert,
                &[],
                None,
                std::time::SystemTime::now(),
            )
            .expect("answer");
            let (status, body) = complete(&svc, who, &session.session_id, &c).await;
            assert_eq!(status, 200, "{body}");
        }
        let (svc_ref, org_ref) = (&svc, &org_id);
        let usage = |token: String, q: String| async move {
            let (status, body) = svc_ref
                .get(&format!("/v1/orgs/{org_ref}/usage{q}"), Some(&token))
                .await;
            assert_eq!(status, 200, "{body}");
            slots(&body)
        };
        assert_eq!(usage(admin.clone(), String::new()).await.len(), 2);
        let by_colleague = usage(admin.clone(), format!("?member={member_id}")).await;
        assert_eq!(by_colleague.len(), 1);
        assert_eq!(
            by_colleague[0]["certificate_serial"],
            colleague_org.serial.as_str()
        );
        assert_eq!(
            usage(admin.clone(), "?operation=sign".into()).await.len(),
            0
        );
        assert_eq!(
            usage(admin.clone(), format!("?serial={}", admin_personal.serial))
                .await
                .len(),
            1
        );
        assert_eq!(
            usage(admin.clone(), "?from=2000-01-01&to=2000-01-02".into())
                .await
                .len(),
            0
        );
        // A user sees only their own, whatever the filter asks.
        let own = usage(colleague.clone(), format!("?member={admin_member}")).await;
        assert!(
            own.iter()
                .all(|r| r["certificate_serial"] == colleague_org.serial.as_str())
        );
        assert_eq!(usage(colleague.clone(), String::new()).await.len(), 1);
        // An application is paid only by an applicant who is still an administrator.
        let (_, licence3) = svc
            .upload(&admin, &org_id, "business_licence", photo_jpeg())
            .await;
        let (_, order3) = svc
            .post(
                "/v1/orders",
                json!({"product_id": "org-package", "years": 1, "org_id": org_id, "materials": [licence3["id"]]}),
                Some(&admin),
            )
            .await;
        let order3 = order3["id"].as_str().expect("order").to_string();
        svc.decide(ReviewKind::OrgApplication, &order3, Decision::Approve)
            .await;
        let (status, _) = svc
            .put(
                &format!("/v1/orgs/{org_id}/members/{member_id}/role"),
                json!({"role": "admin"}),
                &admin,
            )
            .await;
        assert_eq!(status, 204);
        let (status, _) = svc
            .put(
                &format!("/v1/orgs/{org_id}/members/{admin_member}/role"),
                json!({"role": "user"}),
                &colleague,
            )
            .await;
        assert_eq!(status, 204);
        let (status, body) = svc
            .post(&format!("/v1/orders/{order3}/pay"), json!({}), Some(&admin))
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (403, Some("admin_required")),
            "{body}"
        );
        let (status, body) = svc
            .post(
                &format!("/v1/orders/{order3}/cancel"),
                json!({}),
                Some(&admin),
            )
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (403, Some("admin_required")),
            "{body}"
        );
        super::scan::audit_intact(&svc).await;
        svc.running.stop().await.expect("stop");
    }
}

/// Text of a PDF by poppler's pdftotext, if installed.
fn pdftotext(pdf: &[u8]) -> Option<String> {
    let dir = std::env::temp_dir().join(format!("mcert-letter-{}", random_suffix()));
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join("letter.pdf");
    std::fs::write(&path, pdf).ok()?;
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .ok();
    let _ = std::fs::remove_dir_all(&dir);
    match out {
        Some(o) if o.status.success() => Some(String::from_utf8_lossy(&o.stdout).into_owned()),
        _ => {
            assert!(
                std::env::var("MCERT_REQUIRE_UI").as_deref() != Ok("1"),
                "pdftotext is required"
            );
            None
        }
    }
}

#[tokio::test]
async fn the_legal_representative_authorises_by_face() {
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let admin = verified_user(&svc, ADMIN.0, ADMIN.1, ADMIN.2).await;
        let (_, org) = svc
            .post(
                "/v1/orgs",
                json!({"name": "某某科技有限公司", "credit_code": CODE, "legal_rep_name": "王总",
                       "legal_rep_id_number": "110101197511110041", "applicant_relation": "agent"}),
                Some(&admin),
            )
            .await;
        let org_id = org["id"].as_str().expect("id").to_string();
        let face = |token: &str| json!({"legal_rep_phone": "13800000005", "face_token": token});
        let path = format!("/v1/orgs/{org_id}/authorisation/face");
        let (status, body) = svc
            .post(&path, face("a-photo-of-a-photo"), Some(&admin))
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (422, Some("not_live")),
            "{body}"
        );
        let (status, body) = svc
            .post(
                &path,
                json!({"legal_rep_phone": "12345", "face_token": "dev-live-ok"}),
                Some(&admin),
            )
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (400, Some("bad_phone")),
            "{body}"
        );
        let (status, auth) = svc.post(&path, face("dev-live-ok"), Some(&admin)).await;
        assert_eq!(status, 200, "{auth}");
        assert_eq!(
            (auth["status_label"].as_str(), auth["method"].as_str()),
            (Some("已授权"), Some("face"))
        );
        assert_eq!(auth["progress"][0]["label"], "法定代表人人脸识别");
        let (status, body) = svc.post(&path, face("dev-live-ok"), Some(&admin)).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (409, Some("already_authorised"))
        );
        // Attempts are counted per organisation and day.
        let (_, org2) = svc
            .post(
                "/v1/orgs",
                json!({"name": "另一家公司", "credit_code": "91310000MA1FL0000N", "legal_rep_name": "王总",
                       "legal_rep_id_number": "110101197511110041", "applicant_relation": "agent"}),
                Some(&admin),
            )
            .await;
        let path2 = format!(
            "/v1/orgs/{}/authorisation/face",
            org2["id"].as_str().expect("id")
        );
        let mut last = (0, Value::Null);
        for _ in 0..11 {
            last = svc.post(&path2, face("blurred"), Some(&admin)).await;
        }
        assert_eq!(
            (last.0, last.1["code"].as_str()),
            (429, Some("identity_attempts")),
            "{}",
            last.1
        );
        svc.running.stop().await.expect("stop");
    }
}
