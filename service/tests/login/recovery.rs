//! Judicial recovery of an escrowed encryption key, on each database: only the operator with
//! two different reviewers logged in (password + TOTP) may recover, only for a case reference,
//! only as an envelope to the recipient certificate the case names; each recovery is recorded
//! and audited. Refusals recover nothing and record nothing.

use super::dual::{audit_actions, delivered};
use super::scan::buy_certificate_installed;
use super::*;
use mcert_core::clock::Clock;
use mcert_core::crypto::key_envelope;
use mcert_service::authz::{Actor, Denied, policy};
use mcert_service::reviewers::{ConsoleSession, totp};

const PASSWORD: &str = "correct horse battery staple 42";

/// A reviewer made by the operator and logged in with password and the current TOTP code.
async fn logged_in(svc: &Service, username: &str, name: &str) -> ConsoleSession {
    let operator = policy::operator(&Actor::Operator("test".into())).expect("operator");
    let reviewers = &svc.running.state.reviewers;
    let enrolment = reviewers
        .add(&operator, username, name, PASSWORD)
        .await
        .expect("add");
    let secret = totp::base32_decode(&enrolment.secret_base32).expect("secret");
    let now = mcert_core::clock::unix_millis(svc.clock.now()) / 1000;
    let login = reviewers
        .login(username, PASSWORD, &totp::code_at(&secret, now))
        .await
        .expect("login");
    reviewers.authenticate(&login.token).await.expect("session")
}

/// A case's recipient: a certificate whose key the court's expert holds.
async fn recipient(svc: &Service, alg: Algorithm) -> (PrivateKey, x509_cert::Certificate) {
    let (key, csr) = device_csr(alg);
    let issued = svc
        .running
        .state
        .authority
        .issue(IssueRequest {
            csr: &csr,
            subject: person("某人民法院司法鉴定"),
            profile: Profile::PersonalLeaf,
            validity: Duration::from_secs(86400),
            entitlement_id: None,
            actor: "test",
        })
        .await
        .expect("recipient certificate");
    (
        key,
        x509::parse_certificate(&issued.certificate).expect("cert"),
    )
}

#[tokio::test]
async fn an_escrowed_key_is_recovered_only_by_the_operator_with_two_reviewers_for_a_case() {
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let token = verified_user(&svc, "13700000120", "王五", "110101199003070038").await;
        let (key, cert, installed) = buy_certificate_installed(&svc, &token, Algorithm::Sm2).await;
        let (enc_key, enc_certs, _) = delivered(&installed, &key, &cert).remove(0);
        let enc_serial = x509::serial_hex(&enc_certs[0]);
        let (court_key, court) = recipient(&svc, Algorithm::Sm2).await;
        let first = logged_in(&svc, "li.shen", "李审").await;
        let second = logged_in(&svc, "zhao.he", "赵核").await;
        let operator = Actor::Operator("cli".into());
        let keys = &svc.running.state.keys;

        // One reviewer twice, or no operator: no grant.
        assert_eq!(
            policy::key_recovery(&operator, &first, &first),
            Err(Denied::TwoReviewers)
        );
        assert_eq!(
            policy::key_recovery(&Actor::Reviewer(first.reviewer.id.clone()), &first, &second),
            Err(Denied::NotTheOperator)
        );
        let grant = policy::key_recovery(&operator, &first, &second).expect("grant");
        // A case reference is required; the serial must be an escrowed key's certificate; the
        // recipient must use the key's algorithm.
        for (serial, case) in [
            (enc_serial.as_str(), "x"),
            (cert_serial(&cert).as_str(), "（2026）京01刑初1号"),
        ] {
            assert!(keys.recover(&grant, serial, case, &court).await.is_err());
        }
        let (_, p256) = recipient(&svc, Algorithm::P256).await;
        assert!(
            keys.recover(&grant, &enc_serial, "（2026）京01刑初1号", &p256)
                .await
                .is_err()
        );
        let none: Vec<(String,)> = sqlx::query_as("SELECT id FROM key_recoveries")
            .fetch_all(svc.running.state.store.pool())
            .await
            .expect("rows");
        assert!(none.is_empty(), "refusals record nothing");

        // The recovery: an envelope only the court's key opens, holding the escrowed key.
        let envelope = keys
            .recover(
                &grant,
                &enc_serial.to_lowercase(),
                "（2026）京01刑初1号",
                &court,
            )
            .await
            .expect("recovered");
        let opened = key_envelope::open(&envelope, &court_key, &court).expect("the court opens it");
        assert_eq!(opened.public_key(), enc_key.public_key());
        assert!(
            key_envelope::open(&envelope, &key, &cert).is_err(),
            "not the holder's"
        );
        let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
            "SELECT encryption_serial, case_reference, operator, first_approver, second_approver
             FROM key_recoveries",
        )
        .fetch_all(svc.running.state.store.pool())
        .await
        .expect("rows");
        assert_eq!(
            rows,
            vec![(
                enc_serial.clone(),
                "（2026）京01刑初1号".to_string(),
                "operator:cli".to_string(),
                first.reviewer.id.clone(),
                second.reviewer.id.clone(),
            )]
        );
        let audit = audit_actions(&svc).await;
        assert_eq!(audit.iter().filter(|a| *a == "key.recovered").count(), 1);
        svc.running.stop().await.expect("stop");
    }
}

fn cert_serial(cert: &x509_cert::Certificate) -> String {
    x509::serial_hex(cert)
}
