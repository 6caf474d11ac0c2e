//! 延期 and a move to a new phone through the real device core, on each database and algorithm:
//! a bid sealed to the encryption certificate before the renewal opens by scan after it (the
//! same key, a new certificate for the extended period) and again on the new phone after the
//! move (approved on the old phone with its PIN, no new real-name check). Each time the old
//! signing certificate is revoked as superseded (the OCSP responder says so) and the old phone
//! has nothing left that may answer.

use std::time::Duration;

use mcert_core::clock::{Clock, parse_rfc3339};
use mcert_core::crypto::revocation::CertStatus;
use mcert_core::crypto::{Algorithm, x509};
use mcert_core::device::client::ClientError;
use mcert_core::device::flows::DeviceError;
use mcert_core::scan::SealedBid;
use mcert_core::wire::SessionKind;
use mcert_test_support::databases;
use mcert_test_support::device::login_by_sms;

use crate::reissue::{
    BID, encryption_certificate_by_login, holder_phone, ocsp, open_bid, phone_device, scan,
    service_with_platform, session, superseded,
};

const DAY: Duration = Duration::from_secs(86_400);

fn refused(e: &DeviceError) -> &str {
    match e {
        DeviceError::Client(ClientError::Api { code, .. }) => code,
        _ => "",
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bid_sealed_before_a_renewal_and_a_move_to_a_new_phone_still_opens() {
    for db in databases().await {
        let (running, clock, base, platform, roots) =
            service_with_platform(&db.url, ("power", "某电网物资招标平台")).await;
        for (i, alg) in [Algorithm::Sm2, Algorithm::P256].into_iter().enumerate() {
            let issuing = running
                .state
                .authority
                .hierarchy(alg)
                .expect("h")
                .issuing
                .clone();
            let phone = format!("1371234570{i}");
            let (name, id_number) = [
                ("孙九", "110101199003070011"),
                ("钱十", "110105198505120040"),
            ][i];
            let (mut old_phone, a) =
                holder_phone(&base, (&phone, name, id_number), alg, "135790").await;
            // The platform learns the encryption certificate at login and seals a bid to it.
            let enc =
                encryption_certificate_by_login(&old_phone, &platform, &a.serial, "135790").await;
            let sealed = SealedBid::seal(&enc, BID).expect("seal");
            let slot = old_phone
                .client()
                .entitlements()
                .await
                .expect("slots")
                .into_iter()
                .find(|e| e.status == "issued")
                .expect("the issued slot");
            assert!(!slot.renewable);
            let until = parse_rfc3339(slot.valid_until.as_deref().expect("period")).expect("t");

            // 延期 is refused until the last three months.
            let early = old_phone
                .start_renewal(&slot.id, 1)
                .await
                .expect_err("early");
            assert_eq!(refused(&early), "not_yet_renewable", "{early:?}");

            // Ten months on: renewable; a two-year renewal is paid, then downloaded with the PIN.
            clock.advance(DAY * 300);
            login_by_sms(&mut old_phone, &phone).await;
            let listed = old_phone.client().entitlements().await.expect("slots");
            assert!(listed.iter().any(|e| e.id == slot.id && e.renewable));
            let started = old_phone.start_renewal(&slot.id, 2).await.expect("renewal");
            assert!(!started.due);
            let order = started.order.expect("an order to pay");
            assert_eq!(order.amount_fen, 20_000);
            // Downloading before paying is refused; a wrong PIN opens nothing.
            let unpaid = old_phone
                .renew(&slot.id, "135790")
                .await
                .expect_err("unpaid");
            assert_eq!(refused(&unpaid), "renewal_not_due", "{unpaid:?}");
            old_phone
                .pay_and_wait(&order.id, Duration::from_secs(20))
                .await
                .expect("paid");
            assert!(matches!(
                old_phone.renew(&slot.id, "000000").await,
                Err(DeviceError::KeyStore(_))
            ));
            let r = old_phone.renew(&slot.id, "135790").await.expect("renewed");
            assert_ne!(r.serial, a.serial);
            assert_eq!(r.key_id, a.key_id, "the same signing key, certified again");
            let renewed = x509::parse_certificate(&r.certificate).expect("cert");
            let not_after = x509::info(&renewed).expect("info").not_after;
            let expected = until + DAY * 365 * 2;
            assert!(
                not_after.duration_since(expected).unwrap_or_default() < DAY
                    && expected.duration_since(not_after).unwrap_or_default() < DAY,
                "the period grows by two years from its old end"
            );
            assert!(superseded(&ocsp(&base, &issuing, &a.serial).await));
            assert_eq!(ocsp(&base, &issuing, &r.serial).await, CertStatus::Good);
            assert_eq!(r.encryption_serials.len(), 1, "the escrowed key continues");
            assert_eq!(
                open_bid(
                    &old_phone,
                    &platform,
                    &roots,
                    &sealed,
                    &r.serial,
                    "135790",
                    clock.now()
                )
                .await
                .expect("opens after the renewal"),
                BID
            );
            // The renewal is spent.
            let again = old_phone
                .renew(&slot.id, "135790")
                .await
                .expect_err("spent");
            assert_eq!(refused(&again), "renewal_not_due");

            // A move to a new phone: same account, no new real-name check.
            let mut new_phone = phone_device(&base, "phone-b");
            clock.advance(Duration::from_secs(61));
            login_by_sms(&mut new_phone, &phone).await;
            let shown = old_phone.start_migration(&slot.id).await.expect("qr");
            let pending = new_phone
                .request_migration(&shown.qr, "864200")
                .await
                .expect("requested");
            let code = pending.migration.code.clone().expect("code");
            let seen = old_phone
                .migration(&pending.migration.id)
                .await
                .expect("seen");
            assert_eq!(
                seen.code.as_deref(),
                Some(code.as_str()),
                "both phones show one code"
            );
            // A wrong PIN on the old phone approves nothing.
            assert!(matches!(
                old_phone
                    .approve_migration(&pending.migration.id, "000000")
                    .await,
                Err(DeviceError::KeyStore(_))
            ));
            let waiting = tokio::spawn({
                let pending = pending.clone();
                async move {
                    let got = new_phone
                        .finish_migration(&pending, "864200", Duration::from_secs(20))
                        .await;
                    (new_phone, got)
                }
            });
            let approved = old_phone
                .approve_migration(&pending.migration.id, "135790")
                .await
                .expect("approved");
            assert_eq!(approved.status, "approved");
            let (new_phone, moved) = waiting.await.expect("task");
            let m = moved.expect("moved");
            assert!(superseded(&ocsp(&base, &issuing, &r.serial).await));
            assert_eq!(ocsp(&base, &issuing, &m.serial).await, CertStatus::Good);
            assert_eq!(m.encryption_serials.len(), 1);
            // The old phone keeps no key of the slot; the new one opens the old bid.
            assert!(matches!(
                old_phone.signing_key_of(&slot.id),
                Err(DeviceError::NoSlotKey(_))
            ));
            match scan(&old_phone, &platform, &session(SessionKind::Login)).await {
                Ok((_, p)) => assert!(p.choices.is_empty(), "{:?}", p.choices),
                Err(e) => assert!(matches!(e, DeviceError::NoEligibleCertificate), "{e:?}"),
            }
            assert_eq!(
                open_bid(
                    &new_phone,
                    &platform,
                    &roots,
                    &sealed,
                    &m.serial,
                    "864200",
                    clock.now()
                )
                .await
                .expect("opens on the new phone"),
                BID
            );
            // The code cannot be used twice.
            let reused = new_phone
                .request_migration(&shown.qr, "864200")
                .await
                .expect_err("closed");
            assert_eq!(refused(&reused), "migration_closed", "{reused:?}");
        }
        running.stop().await.expect("stop");
    }
}
