//! 延期 and moving a certificate to a new phone at the service, on each database: the renewal
//! window, the reminders (90/30/7 days, once each), one order per slot, payment extending the
//! period, one download per payment and only for the current key, an organisation's slot renewed
//! from an unused package slot (else: ask the admin); a move needs the QR code's secret, the
//! same account, a key of the slot's algorithm and the old key's approval, and happens once.

use super::dual::{audit_actions, delivered};
use super::scan::{audit_intact, b64, buy_certificate_installed, unb64};
use super::*;
use mcert_core::clock::Clock;
use mcert_core::crypto::{Signer, hash};
use mcert_core::wire::{MigrationQr, migration_approval_message};
use mcert_service::review::{Decision, ReviewKind};

const DAY: Duration = Duration::from_secs(86_400);

/// A request signed by `key` (a phone's key it already has).
fn csr_for(key: &PrivateKey) -> Vec<u8> {
    let subject = mcert_core::crypto::name::SubjectName {
        common_name: Some("phone".into()),
        ..Default::default()
    }
    .to_name()
    .expect("name");
    mcert_core::crypto::csr::to_der(&mcert_core::crypto::csr::build(&subject, key).expect("csr"))
        .expect("der")
}

async fn slot_of_token(svc: &Service, token: &str) -> Value {
    let (_, ents) = svc.get("/v1/entitlements", Some(token)).await;
    ents["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|e| e["status"] == "issued")
        .cloned()
        .expect("an issued slot")
}

async fn remind(svc: &Service) -> usize {
    svc.running
        .state
        .orders
        .remind_expiring()
        .await
        .expect("reminders")
}

/// The one answer of many that succeeded; every other was refused (409) with `code`.
fn one_wins(answers: Vec<(u16, Value)>, code: &str) -> Value {
    let (won, lost): (Vec<_>, Vec<_>) = answers.into_iter().partition(|(s, _)| *s == 200);
    assert_eq!(won.len(), 1, "{won:?} {lost:?}");
    for (s, b) in &lost {
        assert_eq!((*s, b["code"].as_str()), (409, Some(code)), "{b}");
    }
    won.into_iter().next().map(|(_, b)| b).unwrap_or_default()
}

/// Many requests at once; their statuses and bodies.
async fn at_once(svc: &Service, path: &str, token: &str, bodies: Vec<Value>) -> Vec<(u16, Value)> {
    let mut tasks = tokio::task::JoinSet::new();
    for body in bodies {
        let req = svc
            .http
            .post(format!("{}{path}", svc.base))
            .bearer_auth(token)
            .json(&body);
        tasks.spawn(async move {
            let r = req.send().await.expect("send");
            let status = r.status().as_u16();
            (status, r.json::<Value>().await.unwrap_or(Value::Null))
        });
    }
    let mut out = Vec::new();
    while let Some(done) = tasks.join_next().await {
        out.push(done.expect("task"));
    }
    out
}

#[tokio::test]
async fn a_renewal_opens_in_the_last_three_months_is_reminded_paid_once_and_keeps_the_key() {
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let (phone, name, id) = ("13700000210", "王五", "110101199003070038");
        let token = verified_user(&svc, phone, name, id).await;
        let (key, cert, installed) = buy_certificate_installed(&svc, &token, Algorithm::Sm2).await;
        let escrowed = delivered(&installed, &key, &cert).remove(0).0;
        let slot = slot_of_token(&svc, &token).await;
        let ent = slot["id"].as_str().expect("id").to_string();
        assert_eq!(slot["renewable"], false);
        let until = mcert_core::clock::parse_rfc3339(slot["valid_until"].as_str().expect("until"))
            .expect("time");
        let renewal = format!("/v1/entitlements/{ent}/renewal");
        let (s, b) = svc.post(&renewal, json!({"years": 1}), Some(&token)).await;
        assert_eq!(
            (s, b["code"].as_str()),
            (409, Some("not_yet_renewable")),
            "{b}"
        );
        assert!(b["message"].as_str().expect("m").contains("3 个月"), "{b}");
        assert_eq!(remind(&svc).await, 0);

        // 89 days left: the 90-day reminder, once; then the 30- and 7-day ones.
        svc.clock.advance(DAY * 276);
        assert_eq!(remind(&svc).await, 1);
        let text = svc.last_text(phone).await;
        assert!(
            text.contains("还剩 89 天") && text.contains("证书延期"),
            "{text}"
        );
        assert_eq!(remind(&svc).await, 0, "once per stage");
        svc.clock.advance(DAY * 60);
        assert_eq!(remind(&svc).await, 1);
        assert!(svc.last_text(phone).await.contains("还剩 29 天"));
        svc.clock.advance(DAY * 23);
        assert_eq!(remind(&svc).await, 1);
        assert!(svc.last_text(phone).await.contains("还剩 6 天"));
        assert_eq!(remind(&svc).await, 0);

        svc.clock.advance(Duration::from_secs(1));
        let token = svc.login(phone).await;
        assert_eq!(slot_of_token(&svc, &token).await["renewable"], true);
        let (s, b) = svc.post(&renewal, json!({"years": 4}), Some(&token)).await;
        assert_eq!((s, b["code"].as_str()), (400, Some("bad_period")));
        // Many taps at once: one order.
        let answers = at_once(&svc, &renewal, &token, vec![json!({"years": 2}); 6]).await;
        let mut orders = std::collections::BTreeSet::new();
        for (s, b) in &answers {
            assert_eq!(*s, 200, "{b}");
            assert_eq!(b["due"], false);
            orders.insert(b["order"]["id"].as_str().expect("order").to_string());
        }
        assert_eq!(orders.len(), 1, "{answers:?}");
        let order_id = orders.into_iter().next().expect("order");
        assert_eq!(answers[0].1["order"]["purpose"], "renewal");
        assert_eq!(
            answers[0].1["order"]["renews_entitlement_id"].as_str(),
            Some(ent.as_str())
        );
        let renew = format!("/v1/entitlements/{ent}/renew");
        let same_key_csr = csr_for(&key);
        let (s, b) = svc
            .post(&renew, json!({"csr": b64(&same_key_csr)}), Some(&token))
            .await;
        assert_eq!(
            (s, b["code"].as_str()),
            (409, Some("renewal_not_due")),
            "{b}"
        );
        svc.post(
            &format!("/v1/orders/{order_id}/pay"),
            json!({}),
            Some(&token),
        )
        .await;
        wait_completed(&svc, &token, &order_id).await;
        let paid = slot_of_token(&svc, &token).await;
        assert_eq!(
            (paid["renewal_due"].clone(), paid["renewable"].clone()),
            (json!(true), json!(false))
        );
        let new_until =
            mcert_core::clock::parse_rfc3339(paid["valid_until"].as_str().expect("u")).expect("t");
        assert_eq!(new_until, until + DAY * 730, "two years from the old end");

        // Only the current key may renew; many downloads at once make one certificate.
        let (_, other_csr) = device_csr(Algorithm::Sm2);
        let (s, b) = svc
            .post(&renew, json!({"csr": b64(&other_csr)}), Some(&token))
            .await;
        assert_eq!(
            (s, b["code"].as_str()),
            (400, Some("not_the_current_key")),
            "{b}"
        );
        let answers = at_once(
            &svc,
            &renew,
            &token,
            vec![json!({"csr": b64(&same_key_csr)}); 6],
        )
        .await;
        let renewed = &one_wins(answers, "renewal_not_due");
        let new_cert = x509::parse_certificate(&unb64(renewed["certificate"].as_str().expect("c")))
            .expect("c");
        assert_eq!(
            x509::certificate_public_key(&new_cert).expect("k"),
            *key.public_key()
        );
        let keys = delivered(renewed, &key, &new_cert);
        assert_eq!(keys.len(), 1);
        assert_eq!(
            keys[0].0.public_key(),
            escrowed.public_key(),
            "the escrowed key continues"
        );
        let (_, certs) = svc.get("/v1/certificates", Some(&token)).await;
        let status_of = |serial: &str| {
            certs["items"]
                .as_array()
                .expect("items")
                .iter()
                .find(|c| c["serial"] == serial)
                .map(|c| c["status"].clone())
        };
        assert_eq!(status_of(&x509::serial_hex(&cert)), Some(json!("revoked")));
        assert_eq!(status_of(&x509::serial_hex(&new_cert)), Some(json!("good")));
        assert_eq!(remind(&svc).await, 0, "the new period is far off");
        assert!(
            audit_actions(&svc)
                .await
                .iter()
                .any(|a| a == "entitlement.renewed")
        );
        audit_intact(&svc).await;
        svc.running.stop().await.expect("stop");
    }
}

#[tokio::test]
async fn an_organisation_slot_is_renewed_from_an_unused_package_slot_or_the_holder_asks_the_admin()
{
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let who = super::orgs::ADMIN;
        let (token, org_id) = super::orgs::authorised_org(&svc, who, super::orgs::CODE).await;
        super::orgs::paid_application(&svc, &token, &org_id).await;
        let slot = super::stamp::slot_of(&svc, &token, &org_id, "organization").await;
        let holder = super::orgs::install(&svc, &token, &slot, Algorithm::P256)
            .await
            .2
            .expect("installed");
        svc.clock.advance(DAY * 300);
        assert_eq!(remind(&svc).await, 1);
        assert!(svc.last_text(who.0).await.contains("联系单位证书管理员"));
        svc.clock.advance(Duration::from_secs(1));
        let token = svc.login(who.0).await;
        let renewal = format!("/v1/entitlements/{slot}/renewal");
        let (s, b) = svc.post(&renewal, json!({"years": 1}), Some(&token)).await;
        assert_eq!((s, b["code"].as_str()), (409, Some("ask_admin")), "{b}");
        assert!(b["message"].as_str().expect("m").contains("管理员"), "{b}");

        // The admin buys another package: its unused organisation slot renews this one.
        super::orgs::paid_application(&svc, &token, &org_id).await;
        let (s, b) = svc.post(&renewal, json!({"years": 1}), Some(&token)).await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["due"], true);
        assert!(b["order"].is_null());
        let used = b["package_entitlement_id"]
            .as_str()
            .expect("package slot")
            .to_string();
        // Asking again takes nothing more.
        let (s, again) = svc.post(&renewal, json!({"years": 1}), Some(&token)).await;
        assert_eq!((s, again["due"].clone()), (200, json!(true)));
        assert!(again["package_entitlement_id"].is_null());
        let (_, slots) = svc
            .get(&format!("/v1/orgs/{org_id}/certificates"), Some(&token))
            .await;
        let consumed: Vec<&Value> = slots["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|s| s["status"] == "consumed")
            .collect();
        assert_eq!(consumed.len(), 1, "{slots}");
        assert_eq!(consumed[0]["entitlement_id"].as_str(), Some(used.as_str()));
        assert_eq!(consumed[0]["status_label"], "已用于延期");
        let csr = csr_for(&holder.key);
        let (s, b) = svc
            .post(
                &format!("/v1/entitlements/{slot}/renew"),
                json!({"csr": b64(&csr)}),
                Some(&token),
            )
            .await;
        assert_eq!(s, 200, "{b}");
        let cert =
            x509::parse_certificate(&unb64(b["certificate"].as_str().expect("c"))).expect("c");
        let info = x509::info(&cert).expect("info");
        assert_eq!(
            info.subject.organization_identifier.as_deref(),
            Some(super::orgs::CODE)
        );
        audit_intact(&svc).await;
        svc.running.stop().await.expect("stop");
    }
}

/// The old phone's approval of `migration` (its current key signs).
fn approval(key: &dyn Signer, migration: &Value) -> Value {
    let message = migration_approval_message(
        migration["id"].as_str().expect("id"),
        migration["entitlement_id"].as_str().expect("slot"),
        migration["csr_sha256"].as_str().expect("digest"),
    );
    json!({"signature": b64(&key.sign(&message).expect("sign"))})
}

#[tokio::test]
async fn a_move_to_a_new_phone_needs_the_code_the_account_and_the_old_keys_approval_once() {
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let (phone, name, id) = ("13700000220", "赵六", "110105198505120040");
        let token = verified_user(&svc, phone, name, id).await;
        let (key, cert, _) = buy_certificate_installed(&svc, &token, Algorithm::P256).await;
        let ent = slot_of_token(&svc, &token).await["id"]
            .as_str()
            .expect("id")
            .to_string();
        let (s, started) = svc
            .post(
                &format!("/v1/entitlements/{ent}/migrations"),
                json!({}),
                Some(&token),
            )
            .await;
        assert_eq!(s, 201, "{started}");
        assert_eq!(started["migration"]["status_label"], "待新手机扫码");
        let qr = MigrationQr::parse(started["qr"].as_str().expect("qr")).expect("qr");
        let request = |secret: &str, csr: &[u8]| json!({"secret": secret, "csr": b64(csr)});
        let path = format!("/v1/migrations/{}/request", qr.id);

        // Another account, a wrong secret: no such move.
        let stranger = verified_user(&svc, "13700000221", "王五", "110101199003070038").await;
        let (new_key, csr) = device_csr(Algorithm::P256);
        let (s, b) = svc
            .post(&path, request(&qr.secret, &csr), Some(&stranger))
            .await;
        assert_eq!(
            (s, b["code"].as_str()),
            (404, Some("unknown_migration")),
            "{b}"
        );
        assert_eq!(
            svc.get(&format!("/v1/migrations/{}", qr.id), Some(&stranger))
                .await
                .0,
            404
        );
        let (s, b) = svc
            .post(&path, request(&"A".repeat(43), &csr), Some(&token))
            .await;
        assert_eq!(
            (s, b["code"].as_str()),
            (404, Some("unknown_migration")),
            "{b}"
        );
        // A key of the other algorithm, or the old key itself, is refused.
        let (_, sm2_csr) = device_csr(Algorithm::Sm2);
        let (s, b) = svc
            .post(&path, request(&qr.secret, &sm2_csr), Some(&token))
            .await;
        assert_eq!((s, b["code"].as_str()), (400, Some("bad_request")), "{b}");
        let old_key_csr = csr_for(&key);
        let (s, b) = svc
            .post(&path, request(&qr.secret, &old_key_csr), Some(&token))
            .await;
        assert_eq!((s, b["code"].as_str()), (400, Some("bad_request")), "{b}");

        // The new phone (same account) asks; both phones see one code.
        svc.clock.advance(Duration::from_secs(61));
        let new_token = svc.login(phone).await;
        let (s, asked) = svc
            .post(&path, request(&qr.secret, &csr), Some(&new_token))
            .await;
        assert_eq!(s, 200, "{asked}");
        assert_eq!(asked["status"], "requested");
        assert_eq!(asked["csr_sha256"], hex::encode(hash::sha256(&csr)));
        let (_, seen) = svc
            .get(&format!("/v1/migrations/{}", qr.id), Some(&token))
            .await;
        assert_eq!(seen["code"], asked["code"]);
        assert_eq!(seen["code"].as_str().map(str::len), Some(6));
        let (s, b) = svc
            .post(&path, request(&qr.secret, &csr), Some(&new_token))
            .await;
        assert_eq!(
            (s, b["code"].as_str()),
            (409, Some("migration_closed")),
            "{b}"
        );

        // An approval by any other key is refused; the old key's, sent many times, moves once.
        let approve = format!("/v1/migrations/{}/approve", qr.id);
        let (s, b) = svc
            .post(&approve, approval(&new_key, &seen), Some(&token))
            .await;
        assert_eq!((s, b["code"].as_str()), (403, Some("bad_approval")), "{b}");
        svc.clock.advance(Duration::from_secs(1));
        let answers = at_once(&svc, &approve, &token, vec![approval(&key, &seen); 6]).await;
        one_wins(answers, "migration_closed");
        let (_, done) = svc
            .get(&format!("/v1/migrations/{}", qr.id), Some(&new_token))
            .await;
        assert_eq!(done["status_label"], "已完成");
        let moved = &done["installed"];
        let moved_cert =
            x509::parse_certificate(&unb64(moved["certificate"].as_str().expect("c"))).expect("c");
        assert_eq!(
            x509::certificate_public_key(&moved_cert).expect("k"),
            *new_key.public_key()
        );
        assert_eq!(delivered(moved, &new_key, &moved_cert).len(), 1);
        let (_, certs) = svc.get("/v1/certificates", Some(&token)).await;
        let good: Vec<&Value> = certs["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|c| c["status"] == "good")
            .collect();
        assert_eq!(good.len(), 1, "{certs}");
        assert_eq!(good[0]["serial"], moved["serial"]);
        assert!(
            certs["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(
                    |c| c["serial"] == x509::serial_hex(&cert).as_str() && c["status"] == "revoked"
                )
        );
        assert!(svc.last_text(phone).await.contains("迁移到新手机"));

        // A code left unused expires.
        let (_, second) = svc
            .post(
                &format!("/v1/entitlements/{ent}/migrations"),
                json!({}),
                Some(&new_token),
            )
            .await;
        let qr2 = MigrationQr::parse(second["qr"].as_str().expect("qr")).expect("qr");
        svc.clock.advance(Duration::from_secs(11 * 60));
        let (_, csr3) = device_csr(Algorithm::P256);
        let (s, b) = svc
            .post(
                &format!("/v1/migrations/{}/request", qr2.id),
                request(&qr2.secret, &csr3),
                Some(&new_token),
            )
            .await;
        assert_eq!(
            (s, b["code"].as_str()),
            (409, Some("migration_closed")),
            "{b}"
        );
        assert!(b["message"].as_str().expect("m").contains("已过期"), "{b}");
        audit_intact(&svc).await;
        svc.running.stop().await.expect("stop");
    }
}

#[tokio::test]
async fn a_development_service_moves_its_clock_and_sends_the_reminders_then_due() {
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let phone = "13700000230";
        let token = verified_user(&svc, phone, "王五", "110101199003070038").await;
        buy_certificate_installed(&svc, &token, Algorithm::P256).await;
        let before = svc.clock.now();
        let (s, b) = svc
            .post(
                "/v1/dev/clock",
                json!({"advance_seconds": 6 * 366 * 86_400}),
                None,
            )
            .await;
        assert_eq!(s, 400, "{b}");
        let (s, b) = svc
            .post(
                "/v1/dev/clock",
                json!({"advance_seconds": 300 * 86_400}),
                None,
            )
            .await;
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["reminders_sent"], 1);
        assert_eq!(svc.clock.now(), before + DAY * 300);
        assert!(svc.last_text(phone).await.contains("还剩 65 天"));

        // A paid renewal refunded before its certificate was downloaded gives the period back;
        // a downloaded one has taken effect.
        svc.clock.advance(Duration::from_secs(1));
        let token = svc.login(phone).await;
        let slot = slot_of_token(&svc, &token).await;
        let ent = slot["id"].as_str().expect("id").to_string();
        let (_, started) = svc
            .post(
                &format!("/v1/entitlements/{ent}/renewal"),
                json!({"years": 1}),
                Some(&token),
            )
            .await;
        let order_id = started["order"]["id"].as_str().expect("order").to_string();
        svc.post(
            &format!("/v1/orders/{order_id}/pay"),
            json!({}),
            Some(&token),
        )
        .await;
        wait_completed(&svc, &token, &order_id).await;
        assert_eq!(slot_of_token(&svc, &token).await["renewal_due"], true);
        let operator = mcert_service::authz::policy::operator(
            &mcert_service::authz::Actor::Operator("t".into()),
        )
        .expect("operator");
        let orders = &svc.running.state.orders;
        // The order's invoice is issued by the outbox first (automatic invoicing in development).
        let mut refunded = orders.refund(&operator, &order_id, "客户取消延期").await;
        for _ in 0..100 {
            if !matches!(
                refunded,
                Err(mcert_service::billing::OrderError::InvoiceNotReady)
            ) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
            refunded = orders.refund(&operator, &order_id, "客户取消延期").await;
        }
        refunded.expect("refunded");
        let after = slot_of_token(&svc, &token).await;
        assert_eq!(
            (after["renewal_due"].clone(), after["valid_until"].clone()),
            (json!(false), slot["valid_until"].clone())
        );
        let (_, again) = svc
            .post(
                &format!("/v1/entitlements/{ent}/renewal"),
                json!({"years": 1}),
                Some(&token),
            )
            .await;
        let second = again["order"]["id"].as_str().expect("order").to_string();
        assert_ne!(second, order_id);
        svc.post(&format!("/v1/orders/{second}/pay"), json!({}), Some(&token))
            .await;
        wait_completed(&svc, &token, &second).await;
        svc.running.stop().await.expect("stop");
    }
}

/// The encryption certificate the platform learns when `who` logs in by scan.
async fn encryption_certificate_by_login(
    svc: &Service,
    rp: &mcert_rp::client::RpClient,
    who: &super::scan::Holder,
) -> x509_cert::Certificate {
    let created = rp
        .create(&super::scan::login_session(), None)
        .await
        .expect("create");
    let session = super::scan::scanned(svc, who, &created).await;
    let (s, b) = super::scan::complete(
        svc,
        who,
        &session.session_id,
        &super::scan::answer(who, &session, None),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let done = rp.status(&created.session_id, None, None).await.expect("s");
    x509::parse_certificate(&unb64(
        &done
            .result
            .expect("result")
            .encryption_certificate
            .expect("encryption certificate"),
    ))
    .expect("cert")
}

/// The platform asks `who` to open a bid sealed to `enc`; `enc_key` is the escrowed key the
/// phone holds. Returns the bid as the platform opened it.
async fn open_by_scan(
    svc: &Service,
    rp: &mcert_rp::client::RpClient,
    who: &super::scan::Holder,
    enc: &x509_cert::Certificate,
    enc_key: &PrivateKey,
) -> Vec<u8> {
    let (req, sealed, eph) = super::scan::decrypt_session(enc);
    let created = rp.create(&req, None).await.expect("create");
    let session = super::scan::scanned(svc, who, &created).await;
    let reencrypted = mcert_core::scan::reencrypt_bid_key(&session, enc_key).expect("re");
    let (s, b) = super::scan::complete(
        svc,
        who,
        &session.session_id,
        &super::scan::answer(who, &session, Some(reencrypted)),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let done = rp.status(&created.session_id, None, None).await.expect("s");
    let key_back = unb64(
        done.result
            .as_ref()
            .and_then(|r| r.reencrypted_key.as_ref())
            .expect("key"),
    );
    sealed
        .open_with_ephemeral(&key_back, &eph)
        .expect("opens")
        .to_vec()
}

#[tokio::test]
async fn a_rename_is_reviewed_and_paid_voids_the_seals_and_the_holder_downloads_the_new_name() {
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let who = super::orgs::ADMIN;
        let (holder, org_id, seal_id) =
            super::stamp::claimed_seal(&svc, who, Algorithm::P256, super::orgs::CODE).await;
        let token = holder.token.clone();
        let (rp, _) = super::scan::platform(&svc, None).await;
        // A bid sealed to the organisation's encryption certificate before the rename.
        let enc = encryption_certificate_by_login(&svc, &rp, &holder).await;
        // A second seal carved with the organisation's name (submitted, approved).
        let (old_name, slot) = {
            let (_, org) = svc.get(&format!("/v1/orgs/{org_id}"), Some(&token)).await;
            let slot = super::stamp::slot_of(&svc, &token, &org_id, "organization").await;
            (org["name"].as_str().expect("name").to_string(), slot)
        };
        let (_, photo) = svc
            .upload(&token, &org_id, "seal_photo", super::seals::seal_photo())
            .await;
        let (s, contract) = svc
            .post(
                &format!("/v1/orgs/{org_id}/seals"),
                json!({"kind": "contract", "name": old_name, "photo_upload_id": photo["id"], "entitlement_id": slot}),
                Some(&token),
            )
            .await;
        assert_eq!(s, 201, "{contract}");

        // The application: a bad name, the same name, then the rename with its licence.
        let (_, licence) = svc
            .upload(
                &token,
                &org_id,
                "business_licence",
                super::orgs::photo_jpeg(),
            )
            .await;
        let changes = format!("/v1/orgs/{org_id}/changes");
        let apply = |name: &str| json!({"new_name": name, "materials": [licence["id"]]});
        let (s, b) = svc.post(&changes, apply(" "), Some(&token)).await;
        assert_eq!((s, b["code"].as_str()), (400, Some("bad_name")), "{b}");
        let (s, b) = svc.post(&changes, apply(&old_name), Some(&token)).await;
        assert_eq!((s, b["code"].as_str()), (409, Some("same_name")), "{b}");
        let new_name = "青海新源能源建设有限公司";
        let (s, order) = svc.post(&changes, apply(new_name), Some(&token)).await;
        assert_eq!(s, 201, "{order}");
        assert_eq!(order["status"], "pending_review");
        assert_eq!(order["amount_fen"], 5_000);
        assert_eq!(
            (order["purpose"].as_str(), order["new_name"].as_str()),
            (Some("change"), Some(new_name))
        );
        let (s, b) = svc
            .post(
                &format!("/v1/orders/{}/change", order["id"].as_str().expect("id")),
                json!({"years": 3}),
                Some(&token),
            )
            .await;
        assert_eq!((s, b["code"].as_str()), (409, Some("fixed_period")), "{b}");
        let (s, b) = svc.post(&changes, apply(new_name), Some(&token)).await;
        assert_eq!(
            (s, b["code"].as_str()),
            (409, Some("change_pending")),
            "{b}"
        );
        let order_id = order["id"].as_str().expect("id").to_string();
        let review = svc
            .pending_review(ReviewKind::OrgApplication, &order_id)
            .await;
        let item = svc
            .running
            .state
            .reviews
            .item(&super::orgs::reviewer(), &review)
            .await
            .expect("review");
        assert!(
            item.facts.iter().any(|(_, value)| value == new_name),
            "the reviewer sees the new name: {:?}",
            item.facts
        );
        svc.decide(ReviewKind::OrgApplication, &order_id, Decision::Approve)
            .await;
        // Nothing is due before payment.
        let renew = format!("/v1/entitlements/{slot}/renew");
        let (s, b) = svc
            .post(
                &renew,
                json!({"csr": b64(&csr_for(&holder.key))}),
                Some(&token),
            )
            .await;
        assert_eq!(
            (s, b["code"].as_str()),
            (409, Some("renewal_not_due")),
            "{b}"
        );
        svc.clock.advance(Duration::from_secs(1));
        svc.post(
            &format!("/v1/orders/{order_id}/pay"),
            json!({}),
            Some(&token),
        )
        .await;
        wait_completed(&svc, &token, &order_id).await;

        // Paid: the new name, the seals void, the slot's changed certificate due, the holder told.
        let (_, org) = svc.get(&format!("/v1/orgs/{org_id}"), Some(&token)).await;
        assert_eq!(org["name"], new_name);
        for id in [seal_id.as_str(), contract["id"].as_str().expect("id")] {
            let (_, seal) = svc
                .get(&format!("/v1/orgs/{org_id}/seals/{id}"), Some(&token))
                .await;
            assert_eq!(seal["status"], "void", "{seal}");
        }
        let slot_view = slot_of_token(&svc, &token).await;
        assert_eq!(slot_view["change_due"], true, "{slot_view}");
        let operator = mcert_service::authz::policy::operator(
            &mcert_service::authz::Actor::Operator("t".into()),
        )
        .expect("operator");
        assert!(matches!(
            svc.running
                .state
                .orders
                .refund(&operator, &order_id, "撤回")
                .await,
            Err(mcert_service::billing::OrderError::InEffect)
        ));
        let mut told = String::new();
        for _ in 0..100 {
            told = svc.last_text(who.0).await;
            if told.contains(new_name) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(told.contains("下载变更后的证书"), "{told}");

        // The holder downloads it with the same key: once, however many taps.
        let answers = at_once(
            &svc,
            &renew,
            &token,
            vec![json!({"csr": b64(&csr_for(&holder.key))}); 6],
        )
        .await;
        let changed = &one_wins(answers, "renewal_not_due");
        let cert = x509::parse_certificate(&unb64(changed["certificate"].as_str().expect("c")))
            .expect("c");
        let info = x509::info(&cert).expect("info");
        assert_eq!(info.subject.organization.as_deref(), Some(new_name));
        assert_eq!(
            info.subject.organization_identifier.as_deref(),
            Some(super::orgs::CODE)
        );
        assert_eq!(
            x509::certificate_public_key(&cert).expect("k"),
            *holder.key.public_key()
        );
        let revoked = mcert_service::ca::repo::revocations(
            svc.running.state.store.pool(),
            Some(&holder.serial),
            10,
        )
        .await
        .expect("revocations");
        assert_eq!(revoked.len(), 1);
        assert_eq!(
            revoked[0].revocation_reason.as_deref(),
            Some("affiliation_changed")
        );
        // The void seals come back as drafts bound to the new certificate; the one carved with
        // the old name is pre-filled with the new.
        let (_, seals) = svc
            .get(&format!("/v1/orgs/{org_id}/seals"), Some(&token))
            .await;
        let drafts: Vec<&Value> = seals["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|s| s["status"] == "draft")
            .collect();
        assert_eq!(drafts.len(), 2, "{seals}");
        assert!(
            drafts
                .iter()
                .all(|d| d["certificate_serial"] == x509::serial_hex(&cert).as_str())
        );
        assert!(
            drafts
                .iter()
                .any(|d| d["kind"] == "contract" && d["name"] == new_name),
            "{seals}"
        );
        // The bid sealed before the rename opens with the escrowed key that came again.
        let keys = delivered(changed, &holder.key, &cert);
        assert_eq!(keys.len(), 1);
        let renamed = super::scan::Holder {
            token: token.clone(),
            key: holder.key,
            serial: x509::serial_hex(&cert),
            cert,
        };
        let opened = open_by_scan(&svc, &rp, &renamed, &enc, &keys[0].0).await;
        assert_eq!(opened, super::scan::BID);
        assert!(audit_actions(&svc).await.iter().any(|a| a == "org.changed"));
        audit_intact(&svc).await;
        svc.running.stop().await.expect("stop");
    }
}

#[tokio::test]
async fn a_certificate_named_by_a_sealed_bid_keeps_its_key_until_the_opening() {
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let (phone, name, id) = ("13700000240", "王五", "110101199003070038");
        let token = verified_user(&svc, phone, name, id).await;
        let (_, cert, installed) = buy_certificate_installed(&svc, &token, Algorithm::P256).await;
        let serial = x509::serial_hex(&cert);
        let enc_serial = installed["encryption_keys"][0]["serial"]
            .as_str()
            .expect("enc")
            .to_string();
        let ent = slot_of_token(&svc, &token).await["id"]
            .as_str()
            .expect("id")
            .to_string();
        let (rp, _) = super::scan::platform(&svc, None).await;
        let in_days = |d: u64| {
            mcert_core::clock::rfc3339(svc.clock.now() + DAY * u32::try_from(d).expect("days"))
        };
        // Refused notices: not a serial of this CA, an opening in the past.
        assert!(rp.note_sealed_bid("ZZ", &in_days(30)).await.is_err());
        assert!(rp.note_sealed_bid("0A0B", &in_days(30)).await.is_err());
        assert!(
            rp.note_sealed_bid(&serial, "2020-01-01T00:00:00Z")
                .await
                .is_err()
        );
        // A bid sealed to the escrowed encryption certificate: noted, nothing held back.
        let noted = rp
            .note_sealed_bid(&enc_serial, &in_days(30))
            .await
            .expect("noted");
        assert!(noted.escrowed);
        // One sealed to the signing certificate (a platform that still does so): 补办 waits.
        let noted = rp
            .note_sealed_bid(&serial.to_ascii_lowercase(), &in_days(30))
            .await
            .expect("noted");
        assert!(!noted.escrowed);
        assert_eq!(noted.recipient_serial, serial);
        let reissue = |csr: &[u8]| json!({"csr": b64(csr), "reason": "new_device"});
        let verify = json!({"method": "phone", "name": name, "id_number": id, "phone": phone, "face_token": "dev-live-ok"});
        let (s, _) = svc
            .post("/v1/identity/verify", verify.clone(), Some(&token))
            .await;
        assert_eq!(s, 200);
        let (_, csr) = device_csr(Algorithm::P256);
        let path = format!("/v1/entitlements/{ent}/reissue");
        let (s, b) = svc.post(&path, reissue(&csr), Some(&token)).await;
        assert_eq!(
            (s, b["code"].as_str()),
            (409, Some("sealed_bid_pending")),
            "{b}"
        );
        assert!(b["message"].as_str().expect("m").contains("开标"), "{b}");
        let (_, certs) = svc.get("/v1/certificates", Some(&token)).await;
        assert_eq!(certs["items"][0]["status"], "good", "nothing revoked");
        // After the opening, the new key may come.
        svc.clock.advance(DAY * 31);
        let token = svc.login(phone).await;
        let (s, _) = svc.post("/v1/identity/verify", verify, Some(&token)).await;
        assert_eq!(s, 200);
        let (s, b) = svc.post(&path, reissue(&csr), Some(&token)).await;
        assert_eq!(s, 200, "{b}");
        svc.running.stop().await.expect("stop");
    }
}
