//! Revocation: precise refusals, and keys revoked for keyCompromise are never certified again.

use super::*;

/// Old behaviour: a key revoked as compromised could be certified again at once.
#[tokio::test]
async fn a_compromised_key_is_never_certified_again() {
    for db in databases().await {
        let ca = authority(&db.url, &OperatorKey::generate().expect("key")).await;
        for alg in [Algorithm::Sm2, Algorithm::P256] {
            let (key, csr_der) = device_csr(alg);
            let request = || IssueRequest {
                csr: &csr_der,
                subject: person("王五"),
                profile: Profile::PersonalLeaf,
                validity: Duration::from_secs(86400),
                entitlement_id: None,
                actor: "test",
            };
            let first = ca.issue(request()).await.expect("issue");
            // Superseded does not mark the key: the same key may be certified again.
            ca.revoke(&first.serial, RevocationReason::Superseded, "test")
                .await
                .expect("revoke");
            let second = ca
                .issue(request())
                .await
                .expect("same key after superseded");
            ca.revoke(
                &second.serial.to_ascii_lowercase(),
                RevocationReason::KeyCompromise,
                "operator",
            )
            .await
            .expect("revoke (serial in any case)");
            let err = ca
                .issue(request())
                .await
                .expect_err("compromised key refused");
            assert_eq!(err.code(), "key_compromised");
            assert!(
                matches!(&err, AuthorityError::KeyCompromised(s) if *s == second.serial),
                "{err:?}"
            );
            // Another key of the same person is fine.
            let (_, other) = device_csr(alg);
            ca.issue(IssueRequest {
                csr: &other,
                ..request()
            })
            .await
            .expect("new key");
            drop(key);
            // Precise refusals.
            let err = ca
                .revoke(&second.serial, RevocationReason::Unspecified, "t")
                .await
                .expect_err("twice");
            assert_eq!(err.code(), "already_revoked");
            let err = ca
                .revoke("7FFFFFFF", RevocationReason::Unspecified, "t")
                .await
                .expect_err("unknown");
            assert_eq!(err.code(), "unknown_certificate");
        }
    }
}

/// Over HTTP the refusal is JSON with a stable code and a zh-CN message.
#[tokio::test]
async fn the_refusal_speaks_json() {
    let err =
        mcert_service::http::error::ApiError::from(AuthorityError::KeyCompromised("4ABC".into()));
    assert_eq!(err.status.as_u16(), 422);
    assert_eq!(err.code, "key_compromised");
    assert!(
        err.message.contains("4ABC") && err.message.contains("密钥"),
        "{}",
        err.message
    );
}
