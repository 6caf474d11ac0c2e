//! The OCSP responder: nonces validated (RFC 8954), responses cached per status, one issuer
//! per request.

use super::*;
use mcert_core::crypto::revocation::OcspResponseStatus;

fn cert_id(h: &mcert_service::ca::Hierarchy, cert: &x509_cert::Certificate) -> CertId {
    CertId::new(
        &h.issuing,
        cert.tbs_certificate().serial_number().as_bytes(),
        None,
    )
    .expect("id")
}

/// Old behaviour: nonces of any size or shape were echoed into a CA-signed response.
#[tokio::test]
async fn nonces_must_be_octet_strings_of_1_to_32_octets() {
    for db in databases().await {
        let ca = authority(&db.url, &OperatorKey::generate().expect("key")).await;
        let (_, cert, _) = issue(&ca, Algorithm::P256, "随机数").await;
        let h = ca.hierarchy(Algorithm::P256).expect("h");
        let id = cert_id(h, &cert);
        for len in [0usize, 33, 129, 4000] {
            let req =
                revocation::build_ocsp_request(std::slice::from_ref(&id), Some(&vec![0x5a; len]))
                    .expect("req");
            let resp = ca.ocsp(&req).await.expect("answer");
            assert_eq!(
                revocation::ocsp_response_status(&resp).expect("status"),
                OcspResponseStatus::MalformedRequest,
                "{len} octets"
            );
        }
        // An INTEGER where the OCTET STRING belongs.
        let req =
            revocation::build_ocsp_request_raw(std::slice::from_ref(&id), Some(b"\x02\x01\x07"))
                .expect("req");
        let resp = ca.ocsp(&req).await.expect("answer");
        assert_eq!(
            revocation::ocsp_response_status(&resp).expect("status"),
            OcspResponseStatus::MalformedRequest
        );
        // 1 and 32 octets are echoed in a fresh response.
        for len in [1usize, 32] {
            let nonce = vec![0xa5; len];
            let req = revocation::build_ocsp_request(std::slice::from_ref(&id), Some(&nonce))
                .expect("req");
            let resp = ca.ocsp(&req).await.expect("answer");
            assert_eq!(
                revocation::verify_ocsp_response(&resp, &h.issuing).expect("verify")[0].1,
                CertStatus::Good
            );
            assert_eq!(
                revocation::ocsp_response_nonce(&resp).expect("nonce"),
                Some(nonce)
            );
        }
    }
}

/// Old behaviour: a request naming an SM2 and a P-256 certificate got an answer signed by one
/// issuing CA saying `unknown` for the other. Mixed requests are now refused with
/// `unauthorized`; several certificates of one issuer are each answered.
#[tokio::test]
async fn one_issuer_per_request() {
    for db in databases().await {
        let ca = authority(&db.url, &OperatorKey::generate().expect("key")).await;
        let (_, sm2, _) = issue(&ca, Algorithm::Sm2, "甲").await;
        let (_, p1, _) = issue(&ca, Algorithm::P256, "乙").await;
        let (_, p2, p2_serial) = issue(&ca, Algorithm::P256, "丙").await;
        ca.revoke(&p2_serial, RevocationReason::AffiliationChanged, "test")
            .await
            .expect("revoke");
        let hs = ca.hierarchy(Algorithm::Sm2).expect("h");
        let hp = ca.hierarchy(Algorithm::P256).expect("h");
        let mixed = revocation::build_ocsp_request(&[cert_id(hp, &p1), cert_id(hs, &sm2)], None)
            .expect("req");
        for answer in [ca.ocsp(&mixed).await, ca.ocsp_uncached(&mixed).await] {
            assert_eq!(
                revocation::ocsp_response_status(&answer.expect("answer")).expect("status"),
                OcspResponseStatus::Unauthorized
            );
        }
        let both = revocation::build_ocsp_request(&[cert_id(hp, &p1), cert_id(hp, &p2)], None)
            .expect("req");
        let resp = ca.ocsp(&both).await.expect("answer");
        let statuses = revocation::verify_ocsp_response(&resp, &hp.issuing).expect("verify");
        assert_eq!(statuses.len(), 2);
        assert_eq!(statuses[0].1, CertStatus::Good);
        assert!(matches!(
            statuses[1].1,
            CertStatus::Revoked {
                reason: RevocationReason::AffiliationChanged,
                ..
            }
        ));
        // Too many certificates in one request.
        let many: Vec<CertId> = (0..17u8)
            .map(|i| CertId::new(&hp.issuing, &[0x40, i], None).expect("id"))
            .collect();
        let resp = ca
            .ocsp(&revocation::build_ocsp_request(&many, None).expect("req"))
            .await
            .expect("answer");
        assert_eq!(
            revocation::ocsp_response_status(&resp).expect("status"),
            OcspResponseStatus::MalformedRequest
        );
    }
}

/// Old behaviour: every request signed. Now a request without a nonce is served from the
/// cache until the certificate's status changes.
#[tokio::test]
async fn responses_are_cached_until_the_status_changes() {
    for db in databases().await {
        let ca = authority(&db.url, &OperatorKey::generate().expect("key")).await;
        for alg in [Algorithm::Sm2, Algorithm::P256] {
            let (_, cert, serial) = issue(&ca, alg, "缓存").await;
            let h = ca.hierarchy(alg).expect("h");
            let req = revocation::build_ocsp_request(&[cert_id(h, &cert)], None).expect("req");
            let a = ca.ocsp(&req).await.expect("ocsp");
            let b = ca.ocsp(&req).await.expect("ocsp");
            assert_eq!(a, b, "the second answer comes from the cache");
            assert_eq!(
                revocation::verify_ocsp_response(&a, &h.issuing).expect("verify")[0].1,
                CertStatus::Good
            );
            // Another CertID hash algorithm is another cache entry, also correct.
            let sha256 = CertId::new(
                &h.issuing,
                cert.tbs_certificate().serial_number().as_bytes(),
                Some(Algorithm::P256),
            )
            .expect("id");
            let req256 = revocation::build_ocsp_request(&[sha256], None).expect("req");
            let c = ca.ocsp(&req256).await.expect("ocsp");
            assert_eq!(
                revocation::verify_ocsp_response(&c, &h.issuing).expect("verify")[0].1,
                CertStatus::Good
            );
            ca.revoke(&serial, RevocationReason::KeyCompromise, "test")
                .await
                .expect("revoke");
            for r in [&req, &req256] {
                let after = ca.ocsp(r).await.expect("ocsp");
                assert!(matches!(
                    revocation::verify_ocsp_response(&after, &h.issuing).expect("verify")[0].1,
                    CertStatus::Revoked {
                        reason: RevocationReason::KeyCompromise,
                        ..
                    }
                ));
                assert_eq!(ca.ocsp(r).await.expect("ocsp"), after, "cached again");
            }
            // The uncached path signs every time (randomised signatures differ).
            assert_ne!(
                ca.ocsp_uncached(&req).await.expect("ocsp"),
                ca.ocsp_uncached(&req).await.expect("ocsp")
            );
        }
        // A stale cache row (written as "good" before a revocation committed) is never served.
        let (_, cert, serial) = issue(&ca, Algorithm::P256, "竞态").await;
        let h = ca.hierarchy(Algorithm::P256).expect("h");
        let req = revocation::build_ocsp_request(&[cert_id(h, &cert)], None).expect("req");
        let good = ca.ocsp(&req).await.expect("ocsp");
        ca.revoke(&serial, RevocationReason::Superseded, "test")
            .await
            .expect("revoke");
        let store = Store::connect(&db.url).await.expect("store");
        sqlx::query(
            "INSERT INTO ocsp_responses (issuer_id, serial, hash_oid, status, der, refresh_at)
             VALUES ($1, $2, '1.3.14.3.2.26', 'good', $3, $4)",
        )
        .bind(&h.issuing_id)
        .bind(&serial)
        .bind(&good)
        .bind(i64::MAX)
        .execute(store.pool())
        .await
        .expect("plant a stale row");
        let resp = ca.ocsp(&req).await.expect("ocsp");
        assert!(matches!(
            revocation::verify_ocsp_response(&resp, &h.issuing).expect("verify")[0].1,
            CertStatus::Revoked { .. }
        ));
        store.close().await;
    }
}
