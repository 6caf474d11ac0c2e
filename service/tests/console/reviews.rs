//! The review queue through the console's pages: an organisation's CA authorisation letter
//! (a PDF) and its certificate application (a licence photo) are set up through the phone API,
//! a reviewer sees them, opens their materials inline, approves one and rejects the other with
//! a preset reason; a material that the review does not list is not served.

use super::http::{Console, assert_security_headers, csrf_of};
use super::*;
use serde_json::{Value, json};

/// A one-page PDF (what a scanned, stamped letter is to the service).
pub(super) fn small_pdf() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>",
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// A small PNG photo.
pub(super) fn photo_png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(24, 16, |x, y| {
        image::Rgb([
            u8::try_from(x * 9).unwrap_or(0),
            u8::try_from(y * 11).unwrap_or(0),
            180,
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

/// The phone API as an organisation's admin uses it.
pub(super) struct Applicant {
    http: reqwest::Client,
    base: String,
    pub token: String,
    pub org_id: String,
}

impl Applicant {
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let r = req.send().await.expect("send");
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// A verified user who registers an organisation.
    pub async fn register(base: &str, phone: &str, credit_code: &str) -> Applicant {
        let http = reqwest::Client::new();
        let (token, _) = mcert_test_support::accounts::verified_account(
            &http,
            base,
            phone,
            "110101198001010010",
        )
        .await;
        let mut a = Applicant {
            http,
            base: base.to_string(),
            token,
            org_id: String::new(),
        };
        let (status, org) = a
            .call(
                reqwest::Method::POST,
                "/v1/orgs",
                Some(
                    json!({"name": "青海测试能源有限公司", "credit_code": credit_code,
                    "legal_rep_name": "王总", "legal_rep_id_number": "110101197511110041",
                    "applicant_relation": "agent"}),
                ),
            )
            .await;
        assert_eq!(status, 201, "{org}");
        a.org_id = org["id"].as_str().expect("id").to_string();
        a
    }

    pub async fn upload(&self, purpose: &str, bytes: Vec<u8>) -> String {
        let r = self
            .http
            .post(format!(
                "{}/v1/orgs/{}/uploads?purpose={purpose}",
                self.base, self.org_id
            ))
            .bearer_auth(&self.token)
            .header("content-type", "application/octet-stream")
            .body(bytes)
            .send()
            .await
            .expect("upload");
        assert_eq!(r.status(), 201);
        let v: Value = r.json().await.expect("json");
        v["id"].as_str().expect("id").to_string()
    }

    /// Submits the authorisation letter; returns its upload id.
    pub async fn submit_letter(&self) -> String {
        let upload = self.upload("authorisation_letter", small_pdf()).await;
        let path = format!("/v1/orgs/{}/authorisation/letter", self.org_id);
        let (status, body) = self
            .call(
                reqwest::Method::POST,
                &path,
                Some(json!({ "upload_id": upload })),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        upload
    }

    /// Applies for the organisation package with a licence photo; returns (order, upload).
    pub async fn apply(&self) -> (String, String) {
        let upload = self.upload("business_licence", photo_png()).await;
        let (status, order) = self
            .call(
                reqwest::Method::POST,
                "/v1/orders",
                Some(json!({"product_id": "org-package", "years": 1,
                    "org_id": self.org_id, "materials": [upload]})),
            )
            .await;
        assert_eq!(status, 201, "{order}");
        (order["id"].as_str().expect("id").to_string(), upload)
    }

    pub async fn authorisation_status(&self) -> String {
        let (_, org) = self
            .call(
                reqwest::Method::GET,
                &format!("/v1/orgs/{}", self.org_id),
                None,
            )
            .await;
        org["authorisation"]["status"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    pub async fn order(&self, id: &str) -> Value {
        self.call(reqwest::Method::GET, &format!("/v1/orders/{id}"), None)
            .await
            .1
    }
}

/// The review ids on a queue page, in order.
fn ids_on(html: &str) -> Vec<String> {
    html.split("data-id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn a_reviewer_approves_a_letter_and_rejects_an_application_in_the_console() {
    for db in databases().await {
        let c = Console::start(&db.url).await;
        let org = Applicant::register(&c.base, "13900000001", "91110108MA01ABCD1E").await;
        let letter = org.submit_letter().await;
        let session = c.log_in("feng.shen").await;
        let cookie = format!("mcert_console={session}");

        // The queue lists the letter.
        let html = c
            .get("/console/queue", Some(&session))
            .await
            .text()
            .await
            .expect("html");
        let ids = ids_on(&html);
        assert_eq!(ids.len(), 1, "{html}");
        let review = ids[0].clone();
        assert!(html.contains("CA 授权书"), "{html}");
        assert!(html.contains("青海测试能源有限公司"), "{html}");

        // The item: facts with their labels, the PDF in a frame, the two forms.
        let r = c
            .get(&format!("/console/reviews/{review}"), Some(&session))
            .await;
        assert_eq!(r.status(), 200);
        assert_security_headers(&r);
        // (minijinja writes '/' in attributes as "&#x2f;", which browsers read as '/').
        let html = r.text().await.expect("html").replace("&#x2f;", "/");
        assert!(
            html.contains("单位名称") && html.contains("统一社会信用代码"),
            "{html}"
        );
        let url = format!("/console/reviews/{review}/materials/{letter}");
        assert!(html.contains(&format!("<iframe src=\"{url}\"")), "{html}");
        assert!(
            html.contains("营业执照已过期"),
            "the preset reasons: {html}"
        );
        let csrf = csrf_of(&html);

        // The material, inline, framed only by the console.
        let r = c.get(&url, Some(&session)).await;
        assert_eq!(r.status(), 200);
        let h = r.headers().clone();
        assert_eq!(h["content-type"], "application/pdf");
        assert_eq!(h["content-disposition"], "inline");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["cache-control"], "no-store");
        assert_eq!(h["x-frame-options"], "SAMEORIGIN");
        assert!(
            h["content-security-policy"]
                .to_str()
                .expect("csp")
                .contains("frame-ancestors 'self'")
        );
        assert_eq!(r.bytes().await.expect("body").to_vec(), small_pdf());
        // Another upload of the same organisation is not this review's material.
        let stray = org.upload("other", photo_png()).await;
        for path in [
            format!("/console/reviews/{review}/materials/{stray}"),
            format!("/console/reviews/01NOSUCHREVIEW0000000000/materials/{letter}"),
        ] {
            let r = c.get(&path, Some(&session)).await;
            assert_eq!(r.status(), 404, "{path}");
            assert_security_headers(&r);
        }
        // Without a session, no material at all.
        let r = c.get(&url, None).await;
        assert_eq!(r.headers()["location"], "/console/login");

        // Approve; a second decision is refused with the item shown again.
        let approve = format!("/console/reviews/{review}/approve");
        let r = c
            .post(&approve, &[("csrf", csrf.as_str())], &cookie, Some(&c.base))
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(
            r.headers()["location"],
            format!("/console/reviews/{review}").as_str()
        );
        let html = c
            .get(&format!("/console/reviews/{review}"), Some(&session))
            .await
            .text()
            .await
            .expect("html");
        assert!(html.contains("data-status=\"approved\""), "{html}");
        assert!(
            html.contains("测试审核员（feng.shen）"),
            "who decided: {html}"
        );
        let r = c
            .post(&approve, &[("csrf", csrf.as_str())], &cookie, Some(&c.base))
            .await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.expect("html").contains("该申请已审核"));
        assert_eq!(org.authorisation_status().await, "approved");

        // The application, rejected with a preset reason and an explanation.
        let (order, licence) = org.apply().await;
        let html = c
            .get("/console/queue", Some(&session))
            .await
            .text()
            .await
            .expect("html");
        let ids = ids_on(&html);
        assert_eq!(ids.len(), 1, "the letter left the pending queue: {html}");
        let application = ids[0].clone();
        assert_ne!(application, review);
        let html = c
            .get(&format!("/console/reviews/{application}"), Some(&session))
            .await
            .text()
            .await
            .expect("html")
            .replace("&#x2f;", "/");
        assert!(
            html.contains(&format!(
                "<img src=\"/console/reviews/{application}/materials/{licence}\""
            )),
            "{html}"
        );
        let r = c
            .get(
                &format!("/console/reviews/{application}/materials/{licence}"),
                Some(&session),
            )
            .await;
        assert_eq!(r.headers()["content-type"], "image/png");
        let reject = format!("/console/reviews/{application}/reject");
        for (preset, text, status) in [
            ("review-reason-made-up", "", 422),
            ("", "   ", 422),
            ("", &"长".repeat(201), 422),
        ] {
            let r = c
                .post(
                    &reject,
                    &[("csrf", csrf.as_str()), ("preset", preset), ("text", text)],
                    &cookie,
                    Some(&c.base),
                )
                .await;
            assert_eq!(r.status(), status, "{preset:?} {text:?}");
            assert!(r.text().await.expect("html").contains("驳回需要选择原因"));
        }
        let r = c
            .post(
                &reject,
                &[
                    ("csrf", csrf.as_str()),
                    ("preset", "review-reason-licence-mismatch"),
                    ("text", "单位名称少一个字"),
                ],
                &cookie,
                Some(&c.base),
            )
            .await;
        assert_eq!(r.status(), 303);
        let reason = "营业执照信息与填写的单位信息不一致：单位名称少一个字";
        let html = c
            .get(&format!("/console/reviews/{application}"), Some(&session))
            .await
            .text()
            .await
            .expect("html");
        assert!(
            html.contains("data-status=\"rejected\"") && html.contains(reason),
            "{html}"
        );
        let order = org.order(&order).await;
        assert_eq!(order["status"], "rejected", "{order}");
        assert_eq!(order["reject_reason"], reason, "{order}");

        // The history tabs.
        let pending = c
            .get("/console/queue", Some(&session))
            .await
            .text()
            .await
            .expect("html");
        assert!(ids_on(&pending).is_empty());
        let approved = c
            .get("/console/queue?status=approved", Some(&session))
            .await
            .text()
            .await
            .expect("html");
        assert_eq!(ids_on(&approved), vec![review.clone()]);
        let rejected = c
            .get("/console/queue?status=rejected", Some(&session))
            .await
            .text()
            .await
            .expect("html");
        assert_eq!(ids_on(&rejected), vec![application.clone()]);
        assert!(
            rejected.contains(reason) && rejected.contains("测试审核员（feng.shen）"),
            "{rejected}"
        );

        // Decisions are audited under the reviewer.
        let actors: Vec<(String, String)> =
            sqlx::query_as("SELECT actor, action FROM audit_events WHERE action IN ('review.approved', 'review.rejected') ORDER BY seq")
                .fetch_all(c.running.state.store.pool())
                .await
                .expect("audit");
        assert_eq!(actors.len(), 2, "{actors:?}");
        assert!(
            actors.iter().all(|(a, _)| a.starts_with("reviewer:")),
            "{actors:?}"
        );
        c.running.stop().await.expect("stop");
    }
}
