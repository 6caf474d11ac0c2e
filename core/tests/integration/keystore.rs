//! The device key store against a real SQLite file: tampering, locking, lost device secrets,
//! and a writer process killed mid-transaction.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mcert_core::crypto::{Algorithm, PublicKey};
use mcert_core::device::envelope::KdfParams;
use mcert_core::device::keystore::{KeyStore, KeyStoreError, KeyStoreOptions};
use mcert_core::device::pin::PinPolicyError;
use mcert_core::device::secret::{FileSecretStore, KeyringSecretStore, SecretStore};
use mcert_test_support::TempDir;

/// The key store's file in `dir`.
fn db_path(dir: &TempDir) -> PathBuf {
    dir.path("keys.db")
}

fn options() -> KeyStoreOptions {
    KeyStoreOptions {
        kdf: KdfParams::INSECURE_TEST,
        ..Default::default()
    }
}

fn sql(path: &Path, statement: &str) {
    let conn = rusqlite::Connection::open(path).expect("open db");
    conn.execute_batch(statement).expect("sql");
}

#[test]
fn wrong_pins_count_down_then_lock() {
    let dir = TempDir::new("ks-lock");
    let secrets = KeyringSecretStore::mock().expect("mock");
    let store = KeyStore::open(&db_path(&dir), &secrets, options()).expect("open");
    let key = store
        .generate(Algorithm::Sm2, "135790", "单位证书")
        .expect("generate");
    for expected in [4, 3, 2, 1, 0] {
        match store.unlock(&key.id, "000001") {
            Err(KeyStoreError::WrongPin { tries_left }) => assert_eq!(tries_left, expected),
            other => panic!("expected WrongPin, got {other:?}"),
        }
    }
    assert!(matches!(
        store.unlock(&key.id, "135790"),
        Err(KeyStoreError::Locked)
    ));
    assert!(store.key(&key.id).expect("info").locked);
    // Bad PIN formats are refused before they count.
    let other = store
        .generate(Algorithm::P256, "135790", "个人证书")
        .expect("generate");
    assert!(matches!(
        store.unlock(&other.id, "12345"),
        Err(KeyStoreError::PinPolicy(PinPolicyError::Format))
    ));
    assert_eq!(store.key(&other.id).expect("info").pin_tries_left, 5);
    // A right PIN resets the count.
    assert!(store.unlock(&other.id, "000001").is_err());
    store.unlock(&other.id, "135790").expect("unlock");
    assert_eq!(store.key(&other.id).expect("info").pin_tries_left, 5);
}

#[test]
fn tampering_is_detected_and_named() {
    let dir = TempDir::new("ks-tamper");
    let db = db_path(&dir);
    let secrets = KeyringSecretStore::mock().expect("mock");
    let store = KeyStore::open(&db, &secrets, options()).expect("open");
    let a = store.generate(Algorithm::Sm2, "135790", "a").expect("a");
    let b = store.generate(Algorithm::Sm2, "135790", "b").expect("b");
    for _ in 0..3 {
        let _ = store.unlock(&a.id, "000001");
    }
    drop(store);

    // Resetting the failure counter by hand.
    sql(
        &db,
        &format!("UPDATE keys SET pin_failures = 0 WHERE id = '{}'", a.id),
    );
    let store = KeyStore::open(&db, &secrets, options()).expect("open");
    assert!(matches!(
        store.unlock(&a.id, "135790"),
        Err(KeyStoreError::Tampered("PIN failure counter"))
    ));
    drop(store);
    sql(
        &db,
        &format!("UPDATE keys SET pin_failures = 3 WHERE id = '{}'", a.id),
    );

    // Swapping protected keys between records.
    sql(
        &db,
        &format!(
            "UPDATE keys SET protected_key = (SELECT protected_key FROM keys WHERE id = '{}'),
                 pin_failures_mac = (SELECT pin_failures_mac FROM keys WHERE id = '{}')
             WHERE id = '{}'",
            a.id, a.id, b.id
        ),
    );
    let store = KeyStore::open(&db, &secrets, options()).expect("open");
    assert!(matches!(
        store.unlock(&b.id, "135790"),
        Err(KeyStoreError::Tampered(_))
    ));
    // The untouched key still opens.
    store.unlock(&a.id, "135790").expect("a still opens");
    drop(store);

    // A flipped byte inside the envelope, and an envelope from a future version.
    sql(
        &db,
        &format!(
            "UPDATE keys SET protected_key = CAST(substr(protected_key, 1, 40) ||
                 CASE WHEN substr(protected_key, 41, 1) = x'00' THEN x'01' ELSE x'00' END ||
                 substr(protected_key, 42) AS BLOB) WHERE id = '{}'",
            a.id
        ),
    );
    let store = KeyStore::open(&db, &secrets, options()).expect("open");
    let err = store.unlock(&a.id, "135790");
    assert!(matches!(err, Err(KeyStoreError::Tampered(_))), "{err:?}");
    drop(store);
    sql(
        &db,
        &format!(
            "UPDATE keys SET protected_key = CAST(substr(protected_key, 1, 4) || x'07' ||
                 substr(protected_key, 6) AS BLOB) WHERE id = '{}'",
            a.id
        ),
    );
    let store = KeyStore::open(&db, &secrets, options()).expect("open");
    let err = store.unlock(&a.id, "135790");
    // The counter MAC covers the envelope, so editing it shows first as a tampered counter;
    // with the counter MAC left to match, the version is reported.
    assert!(matches!(
        err,
        Err(KeyStoreError::Tampered(_) | KeyStoreError::UnknownVersion(7))
    ));
    // An unknown algorithm name.
    drop(store);
    sql(
        &db,
        &format!("UPDATE keys SET algorithm = 'rsa' WHERE id = '{}'", b.id),
    );
    let store = KeyStore::open(&db, &secrets, options()).expect("open");
    assert!(matches!(
        store.key(&b.id),
        Err(KeyStoreError::Tampered("algorithm"))
    ));
}

#[test]
fn the_database_alone_is_useless() {
    let dir = TempDir::new("ks-copy");
    let db = db_path(&dir);
    let secrets = KeyringSecretStore::mock().expect("mock");
    let store = KeyStore::open(&db, &secrets, options()).expect("open");
    let key = store
        .generate(Algorithm::P256, "135790", "k")
        .expect("generate");
    drop(store);
    // Another device (its own secret store, empty): the keys cannot be opened.
    let elsewhere = KeyringSecretStore::mock().expect("mock");
    assert!(matches!(
        KeyStore::open(&db, &elsewhere, options()),
        Err(KeyStoreError::DeviceSecretMissing)
    ));
    // With a different secret, every key reads as tampered; the right PIN does not help.
    elsewhere.store("device-secret", &[9u8; 32]).expect("store");
    let store = KeyStore::open(&db, &elsewhere, options()).expect("open");
    assert!(matches!(
        store.unlock(&key.id, "135790"),
        Err(KeyStoreError::Tampered(_))
    ));
}

#[test]
fn bad_database_files_give_errors_not_panics() {
    let dir = TempDir::new("ks-bad");
    let db = db_path(&dir);
    std::fs::write(
        &db,
        b"this is not a database, just text that goes on for a while",
    )
    .expect("write");
    let secrets = KeyringSecretStore::mock().expect("mock");
    assert!(matches!(
        KeyStore::open(&db, &secrets, options()),
        Err(KeyStoreError::Database(_))
    ));
    let db2 = dir.0.join("future.db");
    sql(&db2, "PRAGMA user_version = 99;");
    assert!(matches!(
        KeyStore::open(&db2, &secrets, options()),
        Err(KeyStoreError::SchemaTooNew(99))
    ));
}

#[test]
fn certificates_stay_with_their_keys() {
    let dir = TempDir::new("ks-certs");
    let secrets = KeyringSecretStore::mock().expect("mock");
    let store = KeyStore::open(&db_path(&dir), &secrets, options()).expect("open");
    let h = crate::common::hierarchy(Algorithm::Sm2);
    let key = store
        .import(&h.leaf_key, "135790", "personal")
        .expect("import");
    let der = mcert_core::crypto::x509::to_der(&h.leaf).expect("der");
    store.add_certificate(&key.id, &der).expect("add");
    // Adding the same certificate again is harmless.
    store.add_certificate(&key.id, &der).expect("add twice");
    assert_eq!(store.certificates(&key.id).expect("certs").len(), 1);
    // A certificate of another key is refused.
    let other = store
        .generate(Algorithm::Sm2, "135790", "other")
        .expect("generate");
    assert!(matches!(
        store.add_certificate(&other.id, &der),
        Err(KeyStoreError::CertificateMismatch)
    ));
    assert!(matches!(
        store.add_certificate(&other.id, b"garbage"),
        Err(KeyStoreError::Crypto(_))
    ));
    let found = store
        .find_by_public_key(h.leaf_key.public_key())
        .expect("find")
        .expect("some");
    assert_eq!(found.id, key.id);
    let pk = PublicKey::from_sec1(Algorithm::Sm2, &found.public_key).expect("pk");
    assert_eq!(&pk, h.leaf_key.public_key());
}

/// How many times the crash test kills its writer.
const CRASH_ROUNDS: u64 = 10;

/// A writer is killed (SIGKILL) at random moments while it creates keys, changes PINs, adds
/// certificates and retires keys. After every kill the store must open, pass SQLite's
/// integrity check, and every key must open with one of the two PINs it ever had.
#[test]
fn a_writer_killed_mid_write_leaves_a_consistent_store() {
    let dir = TempDir::new("ks-crash");
    let exe = std::env::current_exe().expect("test binary");
    let mut rnd = [0u8; 8];
    getrandom::fill(&mut rnd).expect("rng");
    let mut seed = u64::from_le_bytes(rnd);
    let mut total_keys = 0;
    for round in 0..CRASH_ROUNDS {
        let ready = dir.0.join(format!("ready-{round}"));
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "keystore::crash_writer",
                "--ignored",
                "--nocapture",
            ])
            .env("MCERT_CRASH_DIR", &dir.0)
            .env("MCERT_CRASH_READY", &ready)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn writer");
        let start = Instant::now();
        while !ready.exists() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "writer did not start"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_millis(20 + seed % 180));
        child.kill().expect("kill");
        child.wait().expect("wait");

        let secrets = FileSecretStore::new(&dir.0);
        let store = KeyStore::open(&db_path(&dir), &secrets, options()).expect("reopen after kill");
        assert!(store.integrity_check().expect("integrity"), "round {round}");
        let keys = store.list().expect("list after kill");
        for key in &keys {
            let opened =
                store.unlock(&key.id, "135790").is_ok() || store.unlock(&key.id, "246802").is_ok();
            assert!(
                opened,
                "round {round}: key {} opens with neither PIN",
                key.id
            );
            for cert in store.certificates(&key.id).expect("certs") {
                mcert_core::crypto::x509::parse_certificate(&cert.der).expect("whole certificate");
            }
        }
        total_keys = keys.len();
    }
    assert!(total_keys > 0, "the writer never committed anything");
}

/// The writer the crash test kills; does nothing unless started by it.
#[test]
#[ignore = "run by a_writer_killed_mid_write_leaves_a_consistent_store"]
fn crash_writer() {
    let (Ok(dir), Ok(ready)) = (
        std::env::var("MCERT_CRASH_DIR"),
        std::env::var("MCERT_CRASH_READY"),
    ) else {
        return;
    };
    let dir = PathBuf::from(dir);
    let secrets = FileSecretStore::new(&dir);
    let store = KeyStore::open(&dir.join("keys.db"), &secrets, options()).expect("open");
    let h = crate::common::hierarchy(Algorithm::P256);
    let cert = mcert_core::crypto::x509::to_der(&h.leaf).expect("der");
    std::fs::write(&ready, b"1").expect("ready");
    let mut i = 0u64;
    loop {
        i += 1;
        let keys = store.list().expect("list");
        match i % 4 {
            0 => {
                store
                    .generate(Algorithm::Sm2, "135790", "crash")
                    .expect("generate");
            }
            1 => {
                if let Some(k) = keys.first() {
                    // Whichever PIN it has now, switch to the other.
                    if store.change_pin(&k.id, "135790", "246802").is_err() {
                        let _ = store.change_pin(&k.id, "246802", "135790");
                    }
                }
            }
            2 => {
                if !keys
                    .iter()
                    .any(|k| k.public_key == h.leaf_key.public_key().to_sec1())
                {
                    let k = store.import(&h.leaf_key, "135790", "leaf").expect("import");
                    store.add_certificate(&k.id, &cert).expect("add cert");
                }
            }
            _ => {
                if keys.len() > 1 {
                    let _ = store.retire(&keys[keys.len() - 1].id, Some(&keys[0].id));
                }
                if keys.len() > 6 {
                    let _ = store.delete(&keys[keys.len() - 1].id);
                }
            }
        }
    }
}
