//! Several stamps in one session, on each database and algorithm: the 公章 (with its 骑缝章) on
//! the last page and the holder's personal signature on the first, each its own pick, digest and
//! signature, the platform embedding one before preparing the next; a digest for another
//! place and parallel completions of one place are refused; the file verifies with both seals
//! named, and pyHanko and pdfsig accept the P-256 one.

use std::time::{Duration, SystemTime};

use super::scan::{Holder, buy_certificate, complete, platform, scanned};
use super::signatures::make_signature;
use super::stamp::{
    bid_pdf, claimed_seal, issuing, phone_signs, platform_prepares_as, post_scan, progress_of,
    root, stamp_session, strangers_accept,
};
use super::*;
use mcert_core::crypto::Algorithm;
use mcert_core::wire::{StampPlace, StampProgress};
use mcert_rp::stamp::embed_stamp;

#[tokio::test]
async fn one_scan_makes_two_stamps_each_with_its_own_seal_and_signature() {
    let pdf = bid_pdf();
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let (rp, _) = platform(&svc, None).await;
        for (person, alg, code) in [
            (super::orgs::ADMIN, Algorithm::Sm2, "91110108MA01ABCD1E"),
            (
                super::orgs::COLLEAGUE,
                Algorithm::P256,
                "91310000MA1FL0000N",
            ),
        ] {
            // One account holds the organisation's certificate with its claimed 公章 and a
            // personal certificate with its name seal.
            let (org_holder, _, seal_id) = claimed_seal(&svc, person, alg, code).await;
            let (key, cert) = buy_certificate(&svc, &org_holder.token, alg).await;
            let personal = Holder {
                token: org_holder.token.clone(),
                serial: mcert_core::crypto::x509::serial_hex(&cert),
                key,
                cert,
            };
            let signature = make_signature(&svc, &personal).await;

            let mut req = stamp_session(&["official"]);
            if let Some(stamp) = req.stamp.as_mut() {
                stamp.cross_page = true;
                stamp.more_places = vec![StampPlace {
                    page: 1,
                    rect: [380, 600, 480, 700],
                    seal_kinds: vec!["personal".into()],
                }];
            }
            let created = rp.create(&req, None).await.expect("create");
            let id = created.session_id.clone();
            let view = scanned(&svc, &org_holder, &created).await;
            let offered = view.stamp.as_ref().expect("stamp");
            assert_eq!(offered.request.place_count(), 2);
            assert!(offered.seals.iter().any(|s| s.id == seal_id));
            assert!(offered.seals.iter().any(|s| s.id == signature.id));

            let pick =
                |seal: String| json!({"scan_ticket": view.scan_ticket.clone(), "seal_id": seal});
            // The personal signature is not taken where only the 公章 goes.
            let refused = post_scan::<StampProgress>(
                &svc,
                &org_holder,
                format!("/v1/scan/{id}/stamp/seal"),
                pick(signature.id.clone()),
            )
            .await;
            assert_eq!(
                refused.err().map(|(s, b)| (s, b["code"].clone())),
                Some((403, json!("seal_not_usable")))
            );

            let mut file = pdf.clone();
            for (place, (who, seal)) in [(&org_holder, &seal_id), (&personal, &signature.id)]
                .into_iter()
                .enumerate()
            {
                let picked: StampProgress = post_scan(
                    &svc,
                    &org_holder,
                    format!("/v1/scan/{id}/stamp/seal"),
                    pick(seal.clone()),
                )
                .await
                .expect("pick");
                assert_eq!(picked.place as usize, place);
                let field = format!("mcert-stamp-{}", place + 1);
                let prepared = platform_prepares_as(&rp, &id, &req, &file, &field).await;
                assert_eq!(prepared.place as usize, place);
                // A digest for another place than the session's current one is refused.
                let mut elsewhere = prepared.clone();
                elsewhere.place = 5;
                let wrong = rp.send_stamp_digest(&id, &elsewhere).await;
                assert!(
                    matches!(&wrong, Err(mcert_rp::client::RpError::Api { status: 409, code, .. }) if code == "wrong_place"),
                    "{wrong:?}"
                );
                let progress = progress_of(&svc, who, &id, &view).await;
                let completion = phone_signs(who, &view, seal, &progress);
                if place == 0 {
                    // Four completions of the first stamp at once: one makes it.
                    let mut racers = Vec::new();
                    for _ in 0..4 {
                        let http = svc.http.clone();
                        let url = format!("{}/v1/scan/{id}/complete", svc.base);
                        let token = who.token.clone();
                        let body = completion.clone();
                        racers.push(tokio::spawn(async move {
                            let r = http
                                .post(url)
                                .bearer_auth(token)
                                .json(&body)
                                .send()
                                .await
                                .expect("send");
                            let status = r.status().as_u16();
                            (status, r.json::<Value>().await.unwrap_or(Value::Null))
                        }));
                    }
                    let mut outcomes = Vec::new();
                    for r in racers {
                        outcomes.push(r.await.expect("join"));
                    }
                    assert_eq!(
                        outcomes.iter().filter(|(s, _)| *s == 200).count(),
                        1,
                        "{outcomes:?}"
                    );
                    let made = outcomes
                        .iter()
                        .find(|(s, _)| *s == 200)
                        .map(|(_, b)| b.clone())
                        .unwrap_or_default();
                    assert_eq!(made["status"], "scanned", "{made}");
                } else {
                    let (status, body) = complete(&svc, who, &id, &completion).await;
                    assert_eq!(status, 200, "{body}");
                    assert_eq!(body["status"], "completed", "{body}");
                }
                let status = rp
                    .wait_for_stamp(&id, place as u32, Duration::from_secs(10))
                    .await
                    .expect("stamped");
                file = embed_stamp(prepared, &status).expect("embed");
            }

            // Both stamps verify, each naming its seal; the first one is followed only by the
            // second stamp.
            let roots = vec![root(&svc, alg)];
            let chain = vec![issuing(&svc, alg)];
            let reports = rp
                .verify_pdf_status(&file, &roots, &chain, SystemTime::now())
                .await
                .expect("verify");
            assert_eq!(reports.len(), 2);
            assert!(reports.iter().all(|r| r.valid()), "{reports:?}");
            assert_eq!(
                reports
                    .iter()
                    .map(|r| r.seal.clone().map(|(id, _)| id))
                    .collect::<Vec<_>>(),
                vec![Some(seal_id.clone()), Some(signature.id.clone())]
            );
            assert_eq!(
                reports.iter().map(|r| r.page).collect::<Vec<_>>(),
                vec![Some(2), Some(1)]
            );
            // Two usage records, one per stamp, each naming its seal.
            let (_, usage) = svc.get("/v1/usage?limit=50", Some(&org_holder.token)).await;
            let stamps: Vec<&Value> = usage["items"]
                .as_array()
                .map(|items| {
                    items
                        .iter()
                        .filter(|u| u["session_id"] == json!(id) && u["outcome"] == "completed")
                        .collect()
                })
                .unwrap_or_default();
            assert_eq!(stamps.len(), 2, "{usage}");
            if alg == Algorithm::P256 {
                strangers_accept(&svc, &file, "two-stamps-p256").await;
            }
        }
    }
}
