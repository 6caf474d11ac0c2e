//! Handwritten signatures on each database: drawn on the pad or photographed, cleaned into a
//! draft, what is refused, many submits of one draft at once (one review), a rejection with
//! its reason texted and a resubmission, many reviewers deciding at once (one decision), the
//! approved signature replacing the name seal and stamping a PDF by scan, and everything void
//! once the certificate is revoked.

use super::orgs::reviewer;
use super::scan::{Holder, holder, scanned};
use super::signatures::make_signature;
use super::stamp::{bid_pdf, root, stamp_by_scan_of, stamp_session};
use super::*;
use mcert_core::crypto::Algorithm;
use mcert_core::crypto::revocation::RevocationReason;
use mcert_core::wire::signatures::Signature;
use mcert_service::review::{Decision, ReviewError, ReviewKind};

/// 王芳 written on a 360 × 120 pad: a wave and a zigzag.
fn strokes() -> Value {
    let wave: Vec<[f32; 2]> = (0..40)
        .map(|i| {
            let x = 30.0 + i as f32 * 3.5;
            [x, 60.0 + 25.0 * (i as f32 / 4.0).sin()]
        })
        .collect();
    json!([
        wave,
        [[200.0, 30.0], [240.0, 95.0], [280.0, 35.0], [330.0, 90.0]]
    ])
}

/// A phone photo of a signature in blue ballpoint on white paper, lit unevenly.
fn signature_photo() -> Vec<u8> {
    let (w, h) = (1200u32, 600u32);
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let light = 0.6 + 0.4 * (x as f32 / w as f32);
        let wave = 300.0 + 90.0 * ((x as f32 - 150.0) / 120.0).sin();
        let ink = (150..1050).contains(&x) && (y as f32 - wave).abs() < 4.0;
        let base: [f32; 3] = if ink {
            [35.0, 45.0, 140.0]
        } else {
            [246.0, 244.0, 238.0]
        };
        image::Rgb(base.map(|c| (c * light) as u8))
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("jpeg");
    out.into_inner()
}

async fn draw(svc: &Service, who: &Holder, version: &Value, strokes: Value) -> (u16, Value) {
    svc.post(
        "/v1/signatures/handwritten",
        json!({
            "certificate_serial": who.serial,
            "notice_version": version,
            "pad_width": 360.0,
            "pad_height": 120.0,
            "strokes": strokes,
        }),
        Some(&who.token),
    )
    .await
}

async fn photo(svc: &Service, who: &Holder, version: &str, bytes: Vec<u8>) -> (u16, Value) {
    let r = svc
        .http
        .post(format!(
            "{}/v1/signatures/handwritten/photo?certificate_serial={}&notice_version={version}",
            svc.base, who.serial
        ))
        .bearer_auth(&who.token)
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .expect("photo");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn signatures(svc: &Service, who: &Holder) -> Vec<Signature> {
    let (_, list) = svc.get("/v1/signatures", Some(&who.token)).await;
    serde_json::from_value(list["items"].clone()).expect("list")
}

fn signature(body: Value) -> Signature {
    serde_json::from_value(body).expect("signature")
}

#[tokio::test]
async fn a_handwritten_signature_is_reviewed_before_it_stamps() {
    let pdf = bid_pdf();
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let (rp, _) = super::scan::platform(&svc, None).await;
        let (_, notice) = svc.get("/v1/signatures/notice", None).await;
        let version = notice["version"].clone();
        let v = version.as_str().expect("version").to_string();
        let who = holder(
            &svc,
            "13800000031",
            "王芳",
            "110101199206060024",
            Algorithm::Sm2,
        )
        .await;

        // Drawn on the pad: a draft in dark ink on transparency, sized like a signature.
        let (status, body) = draw(&svc, &who, &version, strokes()).await;
        assert_eq!(status, 201, "{body}");
        let drawn = signature(body);
        assert_eq!(
            (
                drawn.source.as_str(),
                drawn.source_label.as_str(),
                drawn.status.as_str(),
                drawn.status_label.as_str(),
                drawn.name.as_str()
            ),
            ("drawn", "手写签名（手机书写）", "draft", "待提交", "王芳")
        );
        assert!(drawn.width_mm > drawn.height_mm && drawn.width_mm <= 60);
        let r = svc
            .http
            .get(format!(
                "{}/v1/signatures/{}/picture.png",
                svc.base, drawn.id
            ))
            .bearer_auth(&who.token)
            .send()
            .await
            .expect("picture");
        let img = image::load_from_memory(&r.bytes().await.expect("png"))
            .expect("png")
            .to_rgba8();
        assert_eq!(img.get_pixel(0, 0)[3], 0, "transparent corner");
        assert!(img.pixels().any(|p| p[3] == 255 && p[0] < 0x40));

        // What is refused, each with its own code.
        let (s, b) = draw(&svc, &who, &version, json!([])).await;
        assert_eq!((s, b["code"].as_str()), (400, Some("bad_strokes")), "{b}");
        let (s, b) = draw(&svc, &who, &version, json!([[[500.0, 10.0]]])).await;
        assert_eq!((s, b["code"].as_str()), (400, Some("bad_strokes")), "{b}");
        let (s, b) = draw(&svc, &who, &json!("2020-01"), strokes()).await;
        assert_eq!((s, b["code"].as_str()), (409, Some("notice_not_agreed")));
        let blank = {
            let mut out = std::io::Cursor::new(Vec::new());
            image::RgbImage::from_pixel(300, 200, image::Rgb([245, 245, 240]))
                .write_to(&mut out, image::ImageFormat::Png)
                .expect("png");
            out.into_inner()
        };
        let (s, b) = photo(&svc, &who, &v, blank).await;
        assert_eq!((s, b["code"].as_str()), (422, Some("no_signature_found")));
        let (s, b) = photo(&svc, &who, &v, b"GIF89a not a photo".to_vec()).await;
        assert_eq!((s, b["code"].as_str()), (422, Some("bad_signature_photo")));
        assert!(b["message"].as_str().is_some_and(|m| m.contains("JPEG")));
        let stranger = holder(
            &svc,
            "13800000032",
            "赵六",
            "110101199307070037",
            Algorithm::Sm2,
        )
        .await;
        // Someone else's certificate.
        let borrowed = Holder {
            token: who.token.clone(),
            serial: stranger.serial.clone(),
            key: mcert_core::crypto::PrivateKey::generate(Algorithm::Sm2).expect("key"),
            cert: stranger.cert.clone(),
        };
        let (s, b) = draw(&svc, &borrowed, &version, strokes()).await;
        assert_eq!(
            (s, b["code"].as_str()),
            (409, Some("not_personal_certificate"))
        );
        // A draft does not stamp.
        let created = rp.create(&stamp_session(&[]), None).await.expect("create");
        let view = scanned(&svc, &who, &created).await;
        assert!(view.stamp.expect("stamp").seals.is_empty());

        // Six submits of one draft at once: one goes to review, the others find it there.
        let submit = format!("/v1/signatures/{}/submit", drawn.id);
        let mut submits = Vec::new();
        for _ in 0..6 {
            let http = svc.http.clone();
            let url = format!("{}{submit}", svc.base);
            let token = who.token.clone();
            submits.push(tokio::spawn(async move {
                let r = http
                    .post(url)
                    .bearer_auth(token)
                    .json(&json!({}))
                    .send()
                    .await
                    .expect("send");
                let status = r.status().as_u16();
                (status, r.json::<Value>().await.unwrap_or(Value::Null))
            }));
        }
        let mut outcomes = Vec::new();
        for s in submits {
            outcomes.push(s.await.expect("join"));
        }
        assert_eq!(outcomes.iter().filter(|(s, _)| *s == 200).count(), 1);
        assert!(
            outcomes
                .iter()
                .filter(|(s, _)| *s != 200)
                .all(|(s, b)| *s == 409 && b["code"] == "signature_state"),
            "{outcomes:?}"
        );
        let review = svc.pending_review(ReviewKind::Signature, &drawn.id).await;
        let item = svc
            .running
            .state
            .reviews
            .item(&reviewer(), &review)
            .await
            .expect("item");
        assert_eq!(item.org_id, None);
        assert!(item.facts.iter().any(|(_, v)| v == "王芳"));
        assert!(item.facts.iter().any(|(_, v)| v == &who.serial));
        assert_eq!(item.materials.len(), 1);
        let (content_type, png) = svc
            .running
            .state
            .reviews
            .material(&reviewer(), &review, &item.materials[0].upload_id)
            .await
            .expect("material");
        assert_eq!(content_type, "image/png");
        assert!(image::load_from_memory(&png).is_ok());

        // Rejected with a reason the holder is texted; resubmitted, it is a second round.
        svc.decide(
            ReviewKind::Signature,
            &drawn.id,
            Decision::Reject {
                reason: "签名不清晰".into(),
            },
        )
        .await;
        assert!(svc.last_text("13800000031").await.contains("签名不清晰"));
        let now: Vec<Signature> = signatures(&svc, &who).await;
        let rejected = now.iter().find(|s| s.id == drawn.id).expect("drawn");
        assert_eq!(
            (rejected.status.as_str(), rejected.reject_reason.as_deref()),
            ("rejected", Some("签名不清晰"))
        );
        let (s, b) = svc.post(&submit, json!({}), Some(&who.token)).await;
        assert_eq!((s, b["status"].as_str()), (200, Some("pending_review")));

        // Meanwhile the name seal is the active signature.
        let name_seal = make_signature(&svc, &who).await;

        // Photographed: cleaned, submitted and approved once, whoever decides first.
        let (s, b) = photo(&svc, &who, &v, signature_photo()).await;
        assert_eq!(s, 201, "{b}");
        let photographed = signature(b);
        assert_eq!(photographed.source, "photo");
        let (s, _) = svc
            .post(
                &format!("/v1/signatures/{}/submit", photographed.id),
                json!({}),
                Some(&who.token),
            )
            .await;
        assert_eq!(s, 200);
        let review = svc
            .pending_review(ReviewKind::Signature, &photographed.id)
            .await;
        // (Texts are ordered by time: the approval's is the newest.)
        svc.clock.advance(std::time::Duration::from_secs(1));
        let mut deciders = Vec::new();
        for _ in 0..8 {
            let reviews = svc.running.state.reviews.clone();
            let review = review.clone();
            deciders.push(tokio::spawn(async move {
                reviews
                    .decide(&reviewer(), &review, Decision::Approve)
                    .await
            }));
        }
        let mut decided = 0;
        for d in deciders {
            match d.await.expect("join") {
                Ok(_) => decided += 1,
                Err(ReviewError::AlreadyDecided(_)) => {}
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!(decided, 1);
        assert!(svc.last_text("13800000031").await.contains("已审核通过"));
        let now = signatures(&svc, &who).await;
        let active: Vec<&Signature> = now.iter().filter(|s| s.status == "active").collect();
        assert_eq!(active.len(), 1, "{now:?}");
        assert_eq!(active[0].id, photographed.id);
        let replaced = now
            .iter()
            .find(|s| s.id == name_seal.id)
            .expect("name seal");
        assert_eq!(
            (replaced.status.as_str(), replaced.void_reason.as_deref()),
            ("void", Some("replaced"))
        );

        // It stamps by scan; the PDF's GB/T 38540 seal is the handwritten signature's.
        let stamped = stamp_by_scan_of(
            &svc,
            &rp,
            &who,
            (&photographed.id, "个人签章"),
            &["personal"],
            &pdf,
        )
        .await;
        let roots = vec![root(&svc, Algorithm::Sm2)];
        let issuing = vec![super::stamp::issuing(&svc, Algorithm::Sm2)];
        let reports = rp
            .verify_pdf_status(&stamped, &roots, &issuing, std::time::SystemTime::now())
            .await
            .expect("verify");
        assert!(reports[0].valid(), "{:?}", reports[0]);
        assert_eq!(
            reports[0].seal.clone(),
            Some((photographed.id.clone(), "王芳".to_string()))
        );

        // Revoked: every signature of the certificate is void, the one under review too,
        // and a decision on that one changes nothing and texts nobody.
        svc.running
            .state
            .authority
            .revoke(&who.serial, RevocationReason::Superseded, "test")
            .await
            .expect("revoke");
        assert!(
            signatures(&svc, &who)
                .await
                .iter()
                .all(|s| s.status == "void")
        );
        let before = svc.last_text("13800000031").await;
        svc.decide(ReviewKind::Signature, &drawn.id, Decision::Approve)
            .await;
        assert_eq!(svc.last_text("13800000031").await, before);
        assert!(
            signatures(&svc, &who)
                .await
                .iter()
                .all(|s| s.status == "void")
        );
    }
}
