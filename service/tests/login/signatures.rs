//! Personal signatures (签章图片) on each database: the notice, the name seal made from the
//! certificate's owner name and active at once, the checks on what is asked, many makers of
//! one certificate's signature at once (one stays active), stamping a PDF with it by scan, and
//! the signature void once its certificate is revoked (as 补发 replaces it).

use super::scan::{Holder, holder, scanned};
use super::stamp::{bid_pdf, root, stamp_by_scan_of, stamp_session};
use super::*;
use mcert_core::crypto::Algorithm;
use mcert_core::crypto::revocation::RevocationReason;
use mcert_core::wire::signatures::Signature;
use mcert_rp::client::RpClient;

/// The holder's signature for their certificate, made after agreeing to the notice.
pub(super) async fn make_signature(svc: &Service, who: &Holder) -> Signature {
    let (status, notice) = svc.get("/v1/signatures/notice", None).await;
    assert_eq!(status, 200, "{notice}");
    let (status, body) = svc
        .post(
            "/v1/signatures",
            json!({
                "certificate_serial": who.serial,
                "source": "name_seal",
                "notice_version": notice["version"],
            }),
            Some(&who.token),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    serde_json::from_value(body).expect("signature")
}

/// A holder of a personal certificate of `alg` makes their name seal and stamps the bid PDF
/// with it by scan; returns the holder, the signature and the stamped PDF.
pub(super) async fn personal_stamp(
    svc: &Service,
    rp: &RpClient,
    alg: Algorithm,
    pdf: &[u8],
) -> (Holder, Signature, Vec<u8>) {
    let (phone, name, id) = match alg {
        Algorithm::Sm2 => ("13800000021", "欧阳娜娜", "11010119900404005X"),
        _ => ("13800000022", "孙七", "110101199005050065"),
    };
    let who = holder(svc, phone, name, id, alg).await;
    let signature = make_signature(svc, &who).await;
    assert_eq!(signature.name, name);
    let stamped = stamp_by_scan_of(
        svc,
        rp,
        &who,
        (&signature.id, "个人签章"),
        &["personal"],
        pdf,
    )
    .await;
    (who, signature, stamped)
}

async fn picture(svc: &Service, who: &Holder, id: &str) -> (u16, Vec<u8>) {
    let r = svc
        .http
        .get(format!("{}/v1/signatures/{id}/picture.png", svc.base))
        .bearer_auth(&who.token)
        .send()
        .await
        .expect("send");
    let status = r.status().as_u16();
    (status, r.bytes().await.expect("body").to_vec())
}

#[tokio::test]
async fn a_name_seal_is_made_after_the_notice_and_stamps_until_its_certificate_changes() {
    let pdf = bid_pdf();
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let (rp, _) = super::scan::platform(&svc, None).await;

        // The notice, in Chinese and in English, with the version to agree to.
        let (status, zh) = svc.get("/v1/signatures/notice", None).await;
        assert_eq!(status, 200);
        assert_eq!(zh["title"], "签章图片告知函");
        assert_eq!(zh["paragraphs"].as_array().map(Vec::len), Some(4));
        let (_, en) = svc.get("/v1/signatures/notice?lang=en", None).await;
        assert!(
            en["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("Signature picture notice"))
        );
        assert_eq!(zh["version"], en["version"]);

        let who = holder(
            &svc,
            "13800000023",
            "张三",
            "110101199003070011",
            Algorithm::Sm2,
        )
        .await;
        let ask = |serial: &str, source: &str, version: &Value| json!({"certificate_serial": serial, "source": source, "notice_version": version});
        // What is refused, each with its own code: an old notice, another source, a
        // certificate the caller does not hold, and no sign-in at all.
        for (body, status, code) in [
            (
                ask(&who.serial, "name_seal", &json!("2020-01")),
                409,
                "notice_not_agreed",
            ),
            (
                ask(&who.serial, "drawn", &zh["version"]),
                400,
                "bad_signature_source",
            ),
            (
                ask("00ff", "name_seal", &zh["version"]),
                409,
                "not_personal_certificate",
            ),
        ] {
            let (s, b) = svc.post("/v1/signatures", body, Some(&who.token)).await;
            assert_eq!((s, b["code"].as_str()), (status, Some(code)), "{b}");
            assert!(b["message"].as_str().is_some_and(|m| !m.is_empty()), "{b}");
        }
        let (s, _) = svc
            .post(
                "/v1/signatures",
                ask(&who.serial, "name_seal", &zh["version"]),
                None,
            )
            .await;
        assert_eq!(s, 401);
        let (_, list) = svc.get("/v1/signatures", Some(&who.token)).await;
        assert_eq!(list["items"], json!([]));

        // Many makers at once for one certificate: each succeeds, one stays active.
        let mut makers = Vec::new();
        for _ in 0..6 {
            let http = svc.http.clone();
            let url = format!("{}/v1/signatures", svc.base);
            let token = who.token.clone();
            let body = ask(&who.serial, "name_seal", &zh["version"]);
            makers.push(tokio::spawn(async move {
                let r = http
                    .post(url)
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .expect("send");
                r.status().as_u16()
            }));
        }
        for m in makers {
            assert_eq!(m.await.expect("join"), 201);
        }
        let (_, list) = svc.get("/v1/signatures", Some(&who.token)).await;
        let items: Vec<Signature> = serde_json::from_value(list["items"].clone()).expect("list");
        assert_eq!(items.len(), 6);
        let active: Vec<&Signature> = items.iter().filter(|s| s.status == "active").collect();
        assert_eq!(active.len(), 1, "{items:?}");
        assert!(items.iter().filter(|s| s.status == "void").all(|s| {
            s.status_label == "已作废" && s.void_reason.as_deref() == Some("replaced")
        }));
        let current = active[0].clone();
        assert_eq!(
            (
                current.name.as_str(),
                current.source_label.as_str(),
                current.status_label.as_str()
            ),
            ("张三", "自动生成的姓名章", "已生效")
        );
        assert_eq!((current.width_mm, current.height_mm), (20, 20));

        // The picture: a 20 mm square at 300 dpi, red ink on a transparent background.
        let (s, png) = picture(&svc, &who, &current.id).await;
        assert_eq!(s, 200);
        let img = image::load_from_memory(&png).expect("png").to_rgba8();
        assert_eq!(img.dimensions(), (236, 236));
        assert_eq!(img.get_pixel(0, 0)[3], 0, "transparent corner");
        let frame = img.get_pixel(118, 10);
        assert_eq!((frame[0], frame[1], frame[2], frame[3]), (214, 24, 31, 255));
        // Someone else's signature is not found.
        let other = holder(
            &svc,
            "13800000024",
            "李四",
            "110101199003070038",
            Algorithm::Sm2,
        )
        .await;
        assert_eq!(picture(&svc, &other, &current.id).await.0, 404);

        // It stamps by scan at once; the GB/T 38540 seal in the PDF is the personal one.
        let stamped = stamp_by_scan_of(
            &svc,
            &rp,
            &who,
            (&current.id, "个人签章"),
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
            Some((current.id.clone(), "张三".to_string()))
        );
        // A platform accepting organisation seals only does not offer it.
        let created = rp
            .create(&stamp_session(&["official"]), None)
            .await
            .expect("create");
        let view = scanned(&svc, &who, &created).await;
        assert!(view.stamp.expect("stamp").seals.is_empty());

        // 补发 revokes the certificate as superseded: the signature is void and no longer
        // offered; a new certificate needs a new signature.
        svc.running
            .state
            .authority
            .revoke(&who.serial, RevocationReason::Superseded, "test")
            .await
            .expect("revoke");
        let (_, list) = svc.get("/v1/signatures", Some(&who.token)).await;
        let items: Vec<Signature> = serde_json::from_value(list["items"].clone()).expect("list");
        assert!(items.iter().all(|s| s.status == "void"), "{items:?}");
        let (s, b) = svc
            .post(
                "/v1/signatures",
                ask(&who.serial, "name_seal", &zh["version"]),
                Some(&who.token),
            )
            .await;
        assert_eq!(
            (s, b["code"].as_str()),
            (409, Some("not_personal_certificate"))
        );
        let created = rp.create(&stamp_session(&[]), None).await.expect("create");
        let (status, body) = super::scan::scan_at(&svc, &who, &created, 0, "device-0002").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["stamp"]["seals"], json!([]), "{body}");
        let (again_key, again_cert) =
            super::scan::buy_certificate(&svc, &who.token, Algorithm::Sm2).await;
        let renewed = Holder {
            token: who.token.clone(),
            serial: mcert_core::crypto::x509::serial_hex(&again_cert),
            key: again_key,
            cert: again_cert,
        };
        let fresh = make_signature(&svc, &renewed).await;
        assert_eq!(fresh.status, "active");
        assert_ne!(fresh.id, current.id);
    }
}
