//! Dual certificates on each database and algorithm: an install brings an encryption
//! certificate whose key the key-management function made and escrows; it comes sealed to the
//! new signing certificate (OpenSSL opens the envelope with the signing key), chains to the
//! root with the encryption key usage, is what the login result gives the platform to seal
//! bids to, and a bid sealed to it opens by scan. The escrowed key is unreadable without the
//! KM master key, and the encryption certificate never answers a session itself.

use super::scan::{
    Holder, buy_certificate_installed, complete, decrypt_session, login_session, platform, scanned,
    unb64,
};
use super::*;
use mcert_core::clock::Clock;
use mcert_core::crypto::key_envelope;
use mcert_core::crypto::path::{self, ValidationOptions};
use mcert_core::scan;
use x509_cert::Certificate;
use x509_cert::ext::pkix::KeyUsage;

/// The encryption key and certificate delivered in an install answer, opened as the phone does.
pub(super) fn delivered(
    installed: &Value,
    signing_key: &PrivateKey,
    signing: &Certificate,
) -> Vec<(PrivateKey, Vec<Certificate>, Vec<u8>)> {
    installed["encryption_keys"]
        .as_array()
        .expect("encryption keys")
        .iter()
        .map(|k| {
            let envelope = unb64(k["envelope"].as_str().expect("envelope"));
            let key = key_envelope::open(&envelope, signing_key, signing).expect("opens");
            let certs = k["certificates"]
                .as_array()
                .expect("certificates")
                .iter()
                .map(|c| x509::parse_certificate(&unb64(c.as_str().expect("c"))).expect("cert"))
                .collect();
            (key, certs, envelope)
        })
        .collect()
}

#[tokio::test]
async fn an_install_brings_an_escrowed_encryption_certificate_and_bids_sealed_to_it_open() {
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let (rp, _) = platform(&svc, None).await;
        for (i, alg) in [Algorithm::Sm2, Algorithm::P256].into_iter().enumerate() {
            let token = verified_user(
                &svc,
                &format!("1370000010{i}"),
                "王五",
                ["110101199003070038", "110105198505120040"][i],
            )
            .await;
            let (key, cert, installed) = buy_certificate_installed(&svc, &token, alg).await;
            let keys = delivered(&installed, &key, &cert);
            assert_eq!(keys.len(), 1, "{installed}");
            let (enc_key, enc_certs, envelope) = &keys[0];
            assert_eq!(enc_certs.len(), 1);
            let enc = &enc_certs[0];
            assert_eq!(
                installed["encryption_keys"][0]["serial"].as_str(),
                Some(x509::serial_hex(enc).as_str())
            );
            // The pair: same subject, the escrowed key, the encryption key usage only.
            assert_eq!(
                enc.tbs_certificate().subject(),
                cert.tbs_certificate().subject()
            );
            assert_eq!(
                x509::certificate_public_key(enc).expect("k"),
                *enc_key.public_key()
            );
            assert_ne!(enc_key.public_key(), key.public_key());
            assert!(x509::is_encryption_certificate(enc));
            assert!(!x509::is_encryption_certificate(&cert));
            let (_, usage) = enc
                .tbs_certificate()
                .get_extension::<KeyUsage>()
                .expect("ext")
                .expect("key usage");
            assert_eq!(usage, x509::encryption_key_usage(alg), "{alg}");
            let h = svc.running.state.authority.hierarchy(alg).expect("h");
            path::validate(
                enc,
                std::slice::from_ref(&h.issuing),
                std::slice::from_ref(&h.root),
                &ValidationOptions::at(svc.clock.now()),
            )
            .expect("the encryption certificate chains");
            strangers_open(
                alg,
                &key,
                &cert,
                enc,
                (&h.issuing, &h.root),
                envelope,
                svc.clock.now(),
            );

            // The platform learns the encryption certificate from the login result.
            let who = Holder {
                token: token.clone(),
                key: PrivateKey::from_pkcs8_der(&key.to_pkcs8_der().expect("p8")).expect("key"),
                serial: x509::serial_hex(&cert),
                cert: cert.clone(),
            };
            let created = rp.create(&login_session(), None).await.expect("create");
            let session = scanned(&svc, &who, &created).await;
            assert_eq!(session.eligible_serials, vec![who.serial.clone()]);
            let done = complete(
                &svc,
                &who,
                &session.session_id,
                &scan::answer(
                    &session,
                    &key,
                    &cert,
                    &[],
                    None,
                    std::time::SystemTime::now(),
                )
                .expect("answer"),
            )
            .await;
            assert_eq!(done.0, 200, "{}", done.1);
            let status = rp.status(&created.session_id, None, None).await.expect("s");
            let enc_from_login = status
                .result
                .expect("result")
                .encryption_certificate
                .expect("the pair's encryption certificate");
            assert_eq!(unb64(&enc_from_login), x509::to_der(enc).expect("der"));

            // A bid sealed to the encryption certificate opens by scan: the phone unwraps it
            // with the escrowed key and answers with its signing certificate.
            svc.clock.advance(Duration::from_secs(1));
            let (req, sealed, eph) = decrypt_session(enc);
            assert_eq!(sealed.recipient_serial, x509::serial_hex(enc));
            let created = rp.create(&req, None).await.expect("create");
            let session = scanned(&svc, &who, &created).await;
            assert_eq!(session.eligible_serials, vec![who.serial.clone()]);
            // The encryption certificate itself never answers.
            let by_enc = scan::answer(
                &session,
                enc_key,
                enc,
                &[],
                Some(scan::reencrypt_bid_key(&session, enc_key).expect("re")),
                std::time::SystemTime::now(),
            )
            .expect("answer");
            let (s, body) = complete(&svc, &who, &session.session_id, &by_enc).await;
            assert_eq!(
                (s, body["code"].as_str()),
                (403, Some("unknown_certificate")),
                "{body}"
            );
            let created = rp.create(&req, None).await.expect("create");
            let session = scanned(&svc, &who, &created).await;
            let c = scan::answer(
                &session,
                &key,
                &cert,
                &[],
                Some(scan::reencrypt_bid_key(&session, enc_key).expect("re")),
                std::time::SystemTime::now(),
            )
            .expect("answer");
            let (s, body) = complete(&svc, &who, &session.session_id, &c).await;
            assert_eq!(s, 200, "{body}");
            let done = rp.status(&created.session_id, None, None).await.expect("s");
            let key_back = unb64(
                done.result
                    .as_ref()
                    .expect("r")
                    .reencrypted_key
                    .as_ref()
                    .expect("k"),
            );
            let bid = sealed.open_with_ephemeral(&key_back, &eph).expect("opens");
            assert_eq!(bid.as_slice(), super::scan::BID);
        }
        // At rest the escrowed keys are sealed under the KM master key: not the private key in
        // the clear, and not under any key the operator key derives.
        let rows: Vec<(String, Vec<u8>)> =
            sqlx::query_as("SELECT id, key_sealed FROM escrowed_keys ORDER BY created_at")
                .fetch_all(svc.running.state.store.pool())
                .await
                .expect("rows");
        assert_eq!(rows.len(), 2);
        for (id, sealed) in &rows {
            let blob = mcert_service::seal_at_rest::SealedBlob::decode(sealed).expect("blob");
            let aad = format!("escrowed key {id}");
            assert!(
                svc.operator_key
                    .sealing_key("escrowed encryption keys")
                    .open(aad.as_bytes(), &blob)
                    .is_err()
            );
        }
        let audit = audit_actions(&svc).await;
        assert_eq!(audit.iter().filter(|a| *a == "key.escrowed").count(), 2);
        assert_eq!(audit.iter().filter(|a| *a == "key.delivered").count(), 2);
        svc.running.stop().await.expect("stop");
    }
}

/// Every audit action, oldest first.
pub(super) async fn audit_actions(svc: &Service) -> Vec<String> {
    sqlx::query_as::<_, (String,)>("SELECT action FROM audit_events ORDER BY seq")
        .fetch_all(svc.running.state.store.pool())
        .await
        .expect("audit")
        .into_iter()
        .map(|r| r.0)
        .collect()
}

/// OpenSSL verifies the encryption certificate's chain and opens the envelope with the signing
/// key: `openssl cms -decrypt` for the P-256 AuthEnvelopedData; for the SM2 GM/T 0010
/// EnvelopedData (content types OpenSSL does not know), `openssl pkeyutl -decrypt` of the SM2
/// key transport and `openssl enc -d -sm4-cbc` of the content. Either way the key inside is the
/// encryption certificate's.
fn strangers_open(
    alg: Algorithm,
    signing_key: &PrivateKey,
    signing: &Certificate,
    enc: &Certificate,
    (issuing, root): (&Certificate, &Certificate),
    envelope: &[u8],
    now: std::time::SystemTime,
) {
    let at = now
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .as_secs()
        .to_string();
    if !have_openssl() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("mcert-dual-{}-{}", alg, random_suffix()));
    std::fs::create_dir_all(&dir).expect("dir");
    let w = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).expect("write");
    super::stamp::write_pem(&dir.join("enc.pem"), enc);
    super::stamp::write_pem(&dir.join("sign.pem"), signing);
    super::stamp::write_pem(&dir.join("issuing.pem"), issuing);
    super::stamp::write_pem(&dir.join("root.pem"), root);
    w("sign.key.der", &signing_key.to_pkcs8_der().expect("pkcs8"));
    w("envelope.der", envelope);
    let must = |args: &[&str]| {
        let (ok, out) = openssl(&dir, args);
        assert!(ok, "openssl {args:?}: {out}");
        out
    };
    let verified = if alg == Algorithm::Sm2 {
        must(&[
            "verify",
            "-attime",
            &at,
            "-vfyopt",
            "distid:1234567812345678",
            "-partial_chain",
            "-CAfile",
            "issuing.pem",
            "enc.pem",
        ])
    } else {
        must(&[
            "verify",
            "-attime",
            &at,
            "-CAfile",
            "root.pem",
            "-untrusted",
            "issuing.pem",
            "enc.pem",
        ])
    };
    assert!(verified.contains("enc.pem: OK"), "{verified}");
    must(&[
        "pkey",
        "-inform",
        "DER",
        "-in",
        "sign.key.der",
        "-out",
        "sign.key.pem",
    ]);
    if alg == Algorithm::P256 {
        must(&[
            "cms",
            "-decrypt",
            "-inform",
            "DER",
            "-in",
            "envelope.der",
            "-recip",
            "sign.pem",
            "-inkey",
            "sign.key.pem",
            "-binary",
            "-out",
            "enc.key.der",
        ]);
    } else {
        use cms::content_info::ContentInfo;
        use cms::enveloped_data::{EnvelopedData, RecipientInfo};
        use der::Decode;
        let info = ContentInfo::from_der(envelope).expect("content info");
        assert_eq!(info.content_type.to_string(), "1.2.156.10197.6.1.4.2.3");
        let env: EnvelopedData = info.content.decode_as().expect("enveloped data");
        let RecipientInfo::Ktri(ktri) = env.recip_infos.0.get(0).expect("one recipient") else {
            panic!("SM2 uses key transport");
        };
        assert_eq!(ktri.key_enc_alg.oid.to_string(), "1.2.156.10197.1.301.3");
        let content = &env.encrypted_content;
        assert_eq!(content.content_type.to_string(), "1.2.156.10197.6.1.4.2.1");
        assert_eq!(
            content.content_enc_alg.oid.to_string(),
            "1.2.156.10197.1.104.2"
        );
        let iv: der::asn1::OctetString = content
            .content_enc_alg
            .parameters
            .as_ref()
            .expect("iv")
            .decode_as()
            .expect("iv");
        w("cek.sm2", ktri.enc_key.as_bytes());
        w(
            "content.bin",
            content
                .encrypted_content
                .as_ref()
                .expect("content")
                .as_bytes(),
        );
        must(&[
            "pkeyutl",
            "-decrypt",
            "-inkey",
            "sign.key.pem",
            "-in",
            "cek.sm2",
            "-out",
            "cek.bin",
        ]);
        let cek = hex::encode(std::fs::read(dir.join("cek.bin")).expect("cek"));
        let iv = hex::encode(iv.as_bytes());
        must(&[
            "enc",
            "-d",
            "-sm4-cbc",
            "-K",
            &cek,
            "-iv",
            &iv,
            "-in",
            "content.bin",
            "-out",
            "enc.key.der",
        ]);
    }
    must(&[
        "pkey",
        "-inform",
        "DER",
        "-in",
        "enc.key.der",
        "-pubout",
        "-outform",
        "DER",
        "-out",
        "enc.pub.der",
    ]);
    let spki = std::fs::read(dir.join("enc.pub.der")).expect("pub");
    assert_eq!(
        spki,
        x509::certificate_public_key(enc)
            .expect("k")
            .to_spki_der()
            .expect("spki"),
        "{alg}: the key OpenSSL found in the envelope is the encryption certificate's"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Real-name and face verification again, as 补办 asks.
async fn reverify(svc: &Service, token: &str, (phone, name, id): (&str, &str, &str)) {
    let (s, b) = svc
        .post(
            "/v1/identity/verify",
            json!({"method": "phone", "name": name, "id_number": id, "phone": phone, "face_token": "dev-live-ok"}),
            Some(token),
        )
        .await;
    assert_eq!(s, 200, "{b}");
}

#[tokio::test]
async fn a_reissue_needs_a_fresh_verification_happens_once_and_after_a_loss_brings_a_fresh_key() {
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let (phone, name, id) = ("13700000110", "王五", "110101199003070038");
        let token = verified_user(&svc, phone, name, id).await;
        let (key, cert, installed) = buy_certificate_installed(&svc, &token, Algorithm::Sm2).await;
        let first_key = delivered(&installed, &key, &cert)
            .remove(0)
            .0
            .public_key()
            .clone();
        let (_, ents) = svc.get("/v1/entitlements", Some(&token)).await;
        let ent = ents["items"][0]["id"].as_str().expect("id").to_string();
        let path = format!("/v1/entitlements/{ent}/reissue");
        let body = |csr: &[u8]| json!({"csr": super::scan::b64(csr), "reason": "new_device"});

        // Someone else cannot reissue it; a stale verification is not enough.
        let other = verified_user(&svc, "13700000111", "赵六", "110105198505120040").await;
        let (_, csr) = device_csr(Algorithm::Sm2);
        let (s, b) = svc.post(&path, body(&csr), Some(&other)).await;
        assert_eq!((s, b["code"].as_str()), (404, Some("unknown_entitlement")));
        svc.clock.advance(Duration::from_secs(11 * 60));
        let (s, b) = svc.post(&path, body(&csr), Some(&token)).await;
        assert_eq!(
            (s, b["code"].as_str()),
            (403, Some("reverify_required")),
            "{b}"
        );
        let (_, certs) = svc.get("/v1/certificates", Some(&token)).await;
        assert_eq!(certs["items"][0]["status"], "good", "nothing revoked");

        svc.clock.advance(Duration::from_secs(1));
        // Verified again; many reissues at once: one verification serves one reissue.
        reverify(&svc, &token, (phone, name, id)).await;
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..8 {
            let (new_key, csr) = device_csr(Algorithm::Sm2);
            let req = svc
                .http
                .post(format!("{}{path}", svc.base))
                .bearer_auth(&token)
                .json(&body(&csr));
            tasks.spawn(async move {
                let r = req.send().await.expect("send");
                let status = r.status().as_u16();
                (
                    status,
                    r.json::<Value>().await.unwrap_or(Value::Null),
                    new_key,
                )
            });
        }
        let mut winners = Vec::new();
        while let Some(done) = tasks.join_next().await {
            let (status, body, new_key) = done.expect("task");
            match status {
                200 => winners.push((body, new_key)),
                403 => assert_eq!(body["code"], "reverify_required", "{body}"),
                other => panic!("{other}: {body}"),
            }
        }
        assert_eq!(winners.len(), 1);
        let (reissued, new_key) = winners.remove(0);
        // The account's phone is told at once, with a way out if it was not its holder.
        let serial = reissued["serial"].as_str().expect("serial").to_string();
        let mut text = String::new();
        for _ in 0..100 {
            text = svc.last_text(phone).await;
            if text.contains(&serial) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(
            text.contains("已在新手机上补办")
                && text.contains(&serial)
                && text.contains("证书挂失"),
            "{text}"
        );
        let new_cert =
            x509::parse_certificate(&unb64(reissued["certificate"].as_str().expect("c")))
                .expect("cert");
        let keys = delivered(&reissued, &new_key, &new_cert);
        assert_eq!(keys.len(), 1);
        assert_eq!(
            *keys[0].0.public_key(),
            first_key,
            "the escrowed key continues"
        );
        assert_eq!(
            keys[0].1.len(),
            2,
            "with both of its encryption certificates"
        );
        let states: Vec<(String, String, Option<String>)> = sqlx::query_as(
            "SELECT profile, status, revocation_reason FROM certificates WHERE entitlement_id = $1
             ORDER BY profile, created_at",
        )
        .bind(&ent)
        .fetch_all(svc.running.state.store.pool())
        .await
        .expect("certificates");
        let superseded = Some("superseded".to_string());
        assert_eq!(
            states,
            vec![
                ("personal".into(), "revoked".into(), superseded.clone()),
                ("personal".into(), "good".into(), None),
                ("personal_encryption".into(), "revoked".into(), superseded),
                ("personal_encryption".into(), "good".into(), None),
            ]
        );

        // 挂失 of the new phone: both halves revoked for keyCompromise; the next reissue brings
        // a fresh encryption key, and the old one still comes along for old bids.
        svc.clock.advance(Duration::from_secs(61));
        let (s, _) = svc
            .post("/v1/auth/sms-code", json!({"phone": phone}), None)
            .await;
        assert_eq!(s, 200);
        let code = svc.last_code(phone).await;
        let (s, b) = svc
            .post(
                &format!("/v1/certificates/{serial}/report-lost"),
                json!({"code": code}),
                Some(&token),
            )
            .await;
        assert_eq!(s, 204, "{b}");
        let compromised: Vec<(String,)> = sqlx::query_as(
            "SELECT profile FROM certificates WHERE entitlement_id = $1 AND revocation_reason = 'key_compromise'
             ORDER BY profile",
        )
        .bind(&ent)
        .fetch_all(svc.running.state.store.pool())
        .await
        .expect("revoked");
        assert_eq!(
            compromised,
            vec![("personal".into(),), ("personal_encryption".into(),)]
        );
        // The verification was spent on the last reissue: the next needs a new one.
        let (third_key, csr) = device_csr(Algorithm::Sm2);
        let (s, b) = svc.post(&path, body(&csr), Some(&token)).await;
        assert_eq!(
            (s, b["code"].as_str()),
            (403, Some("reverify_required")),
            "{b}"
        );
        reverify(&svc, &token, (phone, name, id)).await;
        let (s, third) = svc.post(&path, body(&csr), Some(&token)).await;
        assert_eq!(s, 200, "{third}");
        let third_cert = x509::parse_certificate(&unb64(third["certificate"].as_str().expect("c")))
            .expect("cert");
        let keys = delivered(&third, &third_key, &third_cert);
        assert_eq!(keys.len(), 2, "a fresh key and the old one");
        assert_ne!(*keys[0].0.public_key(), first_key, "the newest is fresh");
        assert_eq!(*keys[1].0.public_key(), first_key);
        let audit = audit_actions(&svc).await;
        assert_eq!(
            audit
                .iter()
                .filter(|a| *a == "entitlement.reissued")
                .count(),
            2
        );
        svc.running.stop().await.expect("stop");
    }
}

#[tokio::test]
async fn an_organisation_certificate_is_reissued_to_its_holder_and_its_seal_is_void() {
    for db in databases().await {
        let svc = Service::start(&db.url).await;
        let person = super::orgs::ADMIN;
        let (holder, org_id, seal_id) =
            super::stamp::claimed_seal(&svc, person, Algorithm::P256, "91110108MA01ABCD1E").await;
        let (_, ents) = svc.get("/v1/entitlements", Some(&holder.token)).await;
        let slot = ents["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|e| e["org_id"].as_str() == Some(org_id.as_str()) && e["status"] == "issued")
            .expect("the organisation's issued slot")["id"]
            .as_str()
            .expect("id")
            .to_string();
        svc.clock.advance(Duration::from_secs(1));
        reverify(&svc, &holder.token, person).await;
        let (new_key, csr) = device_csr(Algorithm::P256);
        let (s, reissued) = svc
            .post(
                &format!("/v1/entitlements/{slot}/reissue"),
                json!({"csr": super::scan::b64(&csr), "reason": "new_device"}),
                Some(&holder.token),
            )
            .await;
        assert_eq!(s, 200, "{reissued}");
        let cert = x509::parse_certificate(&unb64(reissued["certificate"].as_str().expect("c")))
            .expect("cert");
        // The organisation's certificate again: the organisation and the holder named.
        let info = x509::info(&cert).expect("info");
        assert_eq!(
            info.subject.organization_identifier.as_deref(),
            Some("91110108MA01ABCD1E")
        );
        assert_eq!(info.subject.common_name.as_deref(), Some(person.1));
        let keys = delivered(&reissued, &new_key, &cert);
        assert_eq!(keys.len(), 1, "the organisation's escrowed key");
        // The old certificate is revoked as superseded and the seal bound to it is void.
        let (_, certs) = svc.get("/v1/certificates", Some(&holder.token)).await;
        let old = certs["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|c| c["serial"] == holder.serial.as_str())
            .cloned()
            .unwrap_or(Value::Null);
        assert!(old.is_null() || old["status"] == "revoked", "{old}");
        let (_, seal) = svc
            .get(
                &format!("/v1/orgs/{org_id}/seals/{seal_id}"),
                Some(&holder.token),
            )
            .await;
        assert_eq!(seal["status"], "void", "{seal}");
        svc.running.stop().await.expect("stop");
    }
}
