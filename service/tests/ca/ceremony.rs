//! The root key stays offline: a ceremony file sealed under a passphrase; the service holds
//! issuing keys only; development mode performs the ceremony by itself.

use super::*;
use mcert_service::ca::ceremony::{self, Installation, KdfParams, RootKeyFile};

#[tokio::test]
async fn development_mode_performs_the_ceremony_and_keeps_the_root_key_out_of_the_database() {
    for db in databases().await {
        let (running, data_dir) = start(&db.url).await;
        let ca = running.state.authority.clone();
        let store = Store::connect(&db.url).await.expect("store");
        let roots: Vec<Vec<u8>> =
            sqlx::query("SELECT protected_key FROM ca_keys WHERE role = 'root'")
                .fetch_all(store.pool())
                .await
                .expect("rows")
                .iter()
                .map(|r| r.try_get(0).expect("blob"))
                .collect();
        assert_eq!(roots.len(), 2);
        assert!(
            roots.iter().all(Vec::is_empty),
            "no root key in the database"
        );
        for alg in [Algorithm::Sm2, Algorithm::P256] {
            let dir = data_dir.join("root-ca");
            let file = RootKeyFile::from_json(
                &std::fs::read_to_string(RootKeyFile::path_in(&dir, alg)).expect("root key file"),
            )
            .expect("parse");
            let pass =
                std::fs::read_to_string(dir.join(format!("root-{}.passphrase", alg.as_str())))
                    .expect("passphrase");
            let h = ca.hierarchy(alg).expect("h");
            assert_eq!(file.certificate().expect("cert"), h.root);
            assert!(matches!(
                file.open(b"not the passphrase"),
                Err(AuthorityError::WrongPassphrase)
            ));
            let root_key = file.open(pass.as_bytes()).expect("open");
            // The operator re-signs the root CRL; the service serves the new one.
            let before = ca.root_crl(alg).await.expect("root crl").number;
            let n =
                ceremony::sign_root_crl(&store, &h.root, &root_key, std::time::SystemTime::now())
                    .await
                    .expect("sign root crl");
            assert_eq!(n, before + 1);
            assert_eq!(ca.root_crl(alg).await.expect("root crl").number, n);
        }
        store.close().await;
        running.stop().await.expect("stop");
        let _ = std::fs::remove_dir_all(&data_dir);
    }
}

#[tokio::test]
async fn production_needs_the_ceremony_and_sign_issuing_rotates_the_issuing_ca() {
    for db in databases().await {
        let store = Store::connect(&db.url).await.expect("store");
        let key = OperatorKey::generate().expect("key");
        let err = Authority::open(store.clone(), &key, config(), Arc::new(SystemClock))
            .await
            .expect_err("no CA yet");
        assert_eq!(err.code(), "no_ca");
        // `mcert ca init` then `mcert ca sign-issuing`, for both algorithms.
        let now = std::time::SystemTime::now();
        let pass = b"correct horse battery staple";
        assert!(matches!(
            RootKeyFile::create(
                Algorithm::P256,
                b"short",
                KdfParams::GENERATED_PASSPHRASE,
                now
            ),
            Err(AuthorityError::WeakPassphrase)
        ));
        let mut files = Vec::new();
        for alg in [Algorithm::Sm2, Algorithm::P256] {
            let (file, _) =
                RootKeyFile::create(alg, pass, KdfParams::GENERATED_PASSPHRASE, now).expect("root");
            let file = RootKeyFile::from_json(&file.to_json().expect("json")).expect("reparse");
            files.push(file);
        }
        let sign_issuing = |file: RootKeyFile| {
            let store = store.clone();
            let key = &key;
            async move {
                let root = file.certificate().expect("cert");
                let root_key = file.open(pass).expect("open");
                let alg = root_key.algorithm();
                let issuing_key = PrivateKey::generate(alg).expect("key");
                let issuing = ceremony::sign_issuing(
                    &root,
                    &root_key,
                    issuing_key.public_key(),
                    &config(),
                    now,
                )
                .expect("sign");
                ceremony::install(
                    &store,
                    key,
                    Installation {
                        root: &root,
                        root_signer: &root_key,
                        issuing: &issuing,
                        issuing_key: &issuing_key,
                        replace_issuing: true,
                        actor: "operator",
                    },
                    now,
                )
                .await
                .expect("install")
            }
        };
        for file in &files {
            sign_issuing(file.clone()).await;
        }
        let ca = Authority::open(store.clone(), &key, config(), Arc::new(SystemClock))
            .await
            .expect("open");
        let old = ca.hierarchy(Algorithm::P256).expect("h").issuing_id.clone();
        // Rotation: a second sign-issuing retires the first issuing CA.
        let new_id = sign_issuing(files[1].clone()).await;
        let ca = Authority::open(store.clone(), &key, config(), Arc::new(SystemClock))
            .await
            .expect("open");
        let h = ca.hierarchy(Algorithm::P256).expect("h");
        assert_eq!(h.issuing_id, new_id);
        assert_ne!(old, new_id);
        let (_, leaf, _) = issue(&ca, Algorithm::P256, "轮换").await;
        mcert_core::crypto::path::validate(
            &leaf,
            std::slice::from_ref(&h.issuing),
            std::slice::from_ref(&h.root),
            &mcert_core::crypto::path::ValidationOptions::at(std::time::SystemTime::now()),
        )
        .expect("chain under the new issuing CA");
        store.close().await;
    }
}
