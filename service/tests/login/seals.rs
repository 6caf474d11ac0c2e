//! Organisation seals on each database: a 公章 applied for from a phone photo (cleaned into
//! red ink on transparency at its real size), submitted, rejected and resubmitted, approved in
//! the review queue (the admins are texted), claimed only with the bound certificate's key,
//! and void once that certificate is replaced.

use super::orgs::{ADMIN, COLLEAGUE, authorised_org, install, paid_application, reviewer};
use super::scan::b64;
use super::*;
use mcert_core::crypto::{Algorithm, Signer};
use mcert_core::wire::seals::claim_statement;
use mcert_service::review::{Decision, ReviewKind};

/// A phone photo of a round red seal on slightly uneven paper.
pub(super) fn seal_photo() -> Vec<u8> {
    let img = image::RgbImage::from_fn(800, 600, |x, y| {
        let light = 0.7 + 0.3 * (x as f32 / 800.0);
        let d = ((x as f32 - 400.0).powi(2) + (y as f32 - 300.0).powi(2)).sqrt();
        let ink = (d - 200.0).abs() < 10.0
            || ((x as i32 - 400).abs() < 30 && (y as i32 - 300).abs() < 30);
        let base = if ink {
            [200.0, 30.0, 40.0]
        } else {
            [245.0, 242.0, 236.0]
        };
        image::Rgb(base.map(|c: f32| (c * light) as u8))
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("jpeg");
    out.into_inner()
}

#[tokio::test]
async fn a_seal_is_applied_for_reviewed_claimed_and_voided_with_its_certificate() {
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let (token, org_id) = authorised_org(&svc, ADMIN, "91110108MA01ABCD1E").await;
        paid_application(&svc, &token, &org_id).await;
        let slot = super::stamp::slot_of(&svc, &token, &org_id, "organization").await;
        let (status, photo) = svc
            .upload(&token, &org_id, "seal_photo", seal_photo())
            .await;
        assert_eq!(status, 201, "{photo}");
        let new_seal = json!({"kind": "official", "name": "青海某某建设工程有限公司",
                              "photo_upload_id": photo["id"], "entitlement_id": slot});
        // Only a certificate that was downloaded can carry a seal.
        let (status, body) = svc
            .post(
                &format!("/v1/orgs/{org_id}/seals"),
                new_seal.clone(),
                Some(&token),
            )
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (409, Some("bad_seal_certificate"))
        );
        let (_, _, holder) = install(&svc, &token, &slot, Algorithm::Sm2).await;
        let holder = holder.expect("installed");
        // A photo without a seal, or of another kind, is refused precisely.
        let blank = {
            let img = image::RgbImage::from_pixel(300, 200, image::Rgb([240, 240, 236]));
            let mut out = std::io::Cursor::new(Vec::new());
            img.write_to(&mut out, image::ImageFormat::Png)
                .expect("png");
            out.into_inner()
        };
        let (_, blank) = svc.upload(&token, &org_id, "seal_photo", blank).await;
        let mut no_seal = new_seal.clone();
        no_seal["photo_upload_id"] = blank["id"].clone();
        let (status, body) = svc
            .post(&format!("/v1/orgs/{org_id}/seals"), no_seal, Some(&token))
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (422, Some("no_seal_found"))
        );
        let mut bad_kind = new_seal.clone();
        bad_kind["kind"] = json!("rubber_duck");
        let (status, _) = svc
            .post(&format!("/v1/orgs/{org_id}/seals"), bad_kind, Some(&token))
            .await;
        assert_eq!(status, 400);

        // The draft shows the cleaned picture: 42 mm at 300 dpi, transparent around the ink.
        let (status, seal) = svc
            .post(&format!("/v1/orgs/{org_id}/seals"), new_seal, Some(&token))
            .await;
        assert_eq!(status, 201, "{seal}");
        assert_eq!(
            (seal["status_label"].as_str(), seal["kind_label"].as_str()),
            (Some("待提交"), Some("企业公章"))
        );
        assert_eq!(seal["certificate_serial"], holder.serial.as_str());
        let seal_id = seal["id"].as_str().expect("id").to_string();
        let png = svc
            .http
            .get(format!(
                "{}/v1/orgs/{org_id}/seals/{seal_id}/picture.png",
                svc.base
            ))
            .bearer_auth(&token)
            .send()
            .await
            .expect("get")
            .bytes()
            .await
            .expect("png");
        let picture = image::load_from_memory(&png).expect("png").to_rgba8();
        assert_eq!(picture.dimensions(), (496, 496));
        assert_eq!(picture.get_pixel(2, 2)[3], 0);
        assert!(picture.get_pixel(248, 248)[3] > 200);

        // Submitted, rejected (texted), resubmitted, approved.
        let submit = format!("/v1/orgs/{org_id}/seals/{seal_id}/submit");
        let (status, seal) = svc.post(&submit, json!({}), Some(&token)).await;
        assert_eq!(
            (status, seal["status_label"].as_str()),
            (200, Some("待审核")),
            "{seal}"
        );
        let (status, _) = svc.post(&submit, json!({}), Some(&token)).await;
        assert_eq!(status, 409);
        svc.decide(
            ReviewKind::Seal,
            &seal_id,
            Decision::Reject {
                reason: "印章图像不清晰".into(),
            },
        )
        .await;
        assert!(svc.last_text(ADMIN.0).await.contains("印章图像不清晰"));
        let (status, _) = svc.post(&submit, json!({}), Some(&token)).await;
        assert_eq!(status, 200);
        // The reviewer sees the photo and the cleaned picture, and the bound certificate.
        let review = svc.pending_review(ReviewKind::Seal, &seal_id).await;
        let item = svc
            .running
            .state
            .reviews
            .item(&reviewer(), &review)
            .await
            .expect("item");
        assert_eq!(item.materials.len(), 2);
        assert!(item.facts.iter().any(|(_, v)| v == &holder.serial));
        svc.decide(ReviewKind::Seal, &seal_id, Decision::Approve)
            .await;
        assert!(svc.last_text(ADMIN.0).await.contains("已审核通过"));

        // Claimed only with the bound certificate's key, over this seal and this account.
        let me = svc.get("/v1/me", Some(&token)).await.1;
        let account = me["id"].as_str().expect("id");
        let claim = format!("/v1/orgs/{org_id}/seals/{seal_id}/claim");
        let stranger_key = mcert_core::crypto::PrivateKey::generate(Algorithm::Sm2).expect("key");
        let wrong = stranger_key
            .sign(claim_statement(&seal_id, &holder.serial, account).as_bytes())
            .expect("sign");
        let (status, body) = svc
            .post(&claim, json!({"signature": b64(&wrong)}), Some(&token))
            .await;
        assert_eq!((status, body["code"].as_str()), (403, Some("bad_proof")));
        let other_account = holder
            .key
            .sign(claim_statement(&seal_id, &holder.serial, "someone-else").as_bytes())
            .expect("sign");
        let (status, _) = svc
            .post(
                &claim,
                json!({"signature": b64(&other_account)}),
                Some(&token),
            )
            .await;
        assert_eq!(status, 403);
        let right = holder
            .key
            .sign(claim_statement(&seal_id, &holder.serial, account).as_bytes())
            .expect("sign");
        let (status, seal) = svc
            .post(&claim, json!({"signature": b64(&right)}), Some(&token))
            .await;
        assert_eq!(
            (status, seal["status_label"].as_str()),
            (200, Some("已申领")),
            "{seal}"
        );
        let (status, _) = svc
            .post(&claim, json!({"signature": b64(&right)}), Some(&token))
            .await;
        assert_eq!(status, 409);
        // The GB/T 38540 seal: made by the service's seal maker under our CA, bound to the
        // certificate, with the cleaned picture.
        let der = svc
            .http
            .get(format!(
                "{}/v1/orgs/{org_id}/seals/{seal_id}/seal.der",
                svc.base
            ))
            .bearer_auth(&token)
            .send()
            .await
            .expect("get")
            .bytes()
            .await
            .expect("der");
        let seal = mcert_core::crypto::seal::SESeal::from_der(&der).expect("GB/T 38540 seal");
        let holder_der = {
            use der::Encode;
            holder.cert.to_der().expect("der")
        };
        assert!(seal.binds(&holder_der));
        let h = svc
            .running
            .state
            .authority
            .hierarchy(Algorithm::Sm2)
            .expect("sm2");
        let verified = mcert_core::crypto::seal::verify_seal(
            &seal,
            mcert_core::crypto::seal::MakerTrust::Anchors {
                anchors: std::slice::from_ref(&h.root),
                intermediates: std::slice::from_ref(&h.issuing),
            },
            mcert_core::clock::Clock::now(&*svc.clock),
        );
        assert!(verified.is_ok(), "{verified:?}");

        // A member who is not an admin sees the seals but cannot apply.
        let colleague = verified_user(&svc, COLLEAGUE.0, COLLEAGUE.1, COLLEAGUE.2).await;
        svc.post(
            &format!("/v1/orgs/{org_id}/members"),
            json!({"name": COLLEAGUE.1, "id_number": COLLEAGUE.2, "phone": COLLEAGUE.0, "role": "user"}),
            Some(&token),
        )
        .await;
        let (status, list) = svc
            .get(&format!("/v1/orgs/{org_id}/seals"), Some(&colleague))
            .await;
        assert_eq!(
            (status, list["items"].as_array().map(Vec::len)),
            (200, Some(1))
        );
        let (status, _) = svc.post(&submit, json!({}), Some(&colleague)).await;
        assert_eq!(status, 403);

        // 挂失 of the bound certificate voids the seal (seed 000 §6).
        svc.clock.advance(Duration::from_secs(61));
        let (status, _) = svc
            .post("/v1/auth/sms-code", json!({"phone": ADMIN.0}), None)
            .await;
        assert_eq!(status, 200);
        let code = svc.last_code(ADMIN.0).await;
        let (status, body) = svc
            .post(
                &format!("/v1/certificates/{}/report-lost", holder.serial),
                json!({"code": code}),
                Some(&token),
            )
            .await;
        assert_eq!(status, 204, "{body}");
        let (_, seal) = svc
            .get(&format!("/v1/orgs/{org_id}/seals/{seal_id}"), Some(&token))
            .await;
        assert_eq!(
            (seal["status_label"].as_str(), seal["void_reason"].as_str()),
            (Some("已作废"), Some("key_compromise"))
        );
        // A void seal's GB/T 38540 file is no longer served.
        let r = svc
            .http
            .get(format!(
                "{}/v1/orgs/{org_id}/seals/{seal_id}/seal.der",
                svc.base
            ))
            .bearer_auth(&token)
            .send()
            .await
            .expect("get");
        assert_eq!(r.status(), 404);
        svc.running.stop().await.expect("stop");
    }
}

#[tokio::test]
async fn a_revoked_certificate_voids_a_seal_under_review_and_personal_slots_carry_none() {
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let (token, org_id) = authorised_org(&svc, ADMIN, "91110108MA01ABCD1E").await;
        paid_application(&svc, &token, &org_id).await;
        let (_, slots) = svc
            .get(&format!("/v1/orgs/{org_id}/certificates"), Some(&token))
            .await;
        let slot_of = |kind: &str| {
            slots["items"]
                .as_array()
                .expect("items")
                .iter()
                .find(|s| s["kind"] == kind)
                .and_then(|s| s["entitlement_id"].as_str())
                .expect("slot")
                .to_string()
        };
        let org_slot = slot_of("organization");
        let holder = install(&svc, &token, &org_slot, Algorithm::Sm2)
            .await
            .2
            .expect("installed");
        let (_, photo) = svc
            .upload(&token, &org_id, "seal_photo", seal_photo())
            .await;
        // A personal slot of the organisation carries no organisation seal.
        let (status, body) = svc
            .post(
                &format!("/v1/orgs/{org_id}/seals"),
                json!({"kind": "official", "name": "某某公司", "photo_upload_id": photo["id"],
                       "entitlement_id": slot_of("personal")}),
                Some(&token),
            )
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (409, Some("bad_seal_certificate"))
        );
        let (_, seal) = svc
            .post(
                &format!("/v1/orgs/{org_id}/seals"),
                json!({"kind": "contract", "name": "某某公司合同专用章", "photo_upload_id": photo["id"],
                       "entitlement_id": org_slot}),
                Some(&token),
            )
            .await;
        let seal_id = seal["id"].as_str().expect("id").to_string();
        svc.post(
            &format!("/v1/orgs/{org_id}/seals/{seal_id}/submit"),
            json!({}),
            Some(&token),
        )
        .await;
        // The operator revokes the certificate (`mcert ca revoke`) while the seal is reviewed.
        svc.running
            .state
            .authority
            .revoke(
                &holder.serial,
                mcert_core::crypto::revocation::RevocationReason::CessationOfOperation,
                "operator:test",
            )
            .await
            .expect("revoke");
        // The reviewer's decision still goes through; the seal stays void.
        svc.decide(ReviewKind::Seal, &seal_id, Decision::Approve)
            .await;
        let (_, seal) = svc
            .get(&format!("/v1/orgs/{org_id}/seals/{seal_id}"), Some(&token))
            .await;
        assert_eq!(seal["status_label"], "已作废");
        svc.running.stop().await.expect("stop");
    }
}
