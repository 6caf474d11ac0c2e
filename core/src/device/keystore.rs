//! The device key store: one SQLite file holding every key the phone made, each with its
//! certificate history, protected by the user's PIN and the platform-held device secret.
//!
//! Every change is one SQLite transaction (WAL, synchronous=FULL): a crash leaves the old state
//! or the new one. Keys are never deleted by renewal or reissue: a replaced key is *retired* and
//! still opens bids sealed to its certificates.
//!
//! A key record names its protection mode (`pin` today). A later co-signing mode (the phone
//! holds one SM2 share, the service the other) is another value of that column with its own
//! blob in `protected_key`, so no migration of existing rows is needed.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::SystemTime;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use zeroize::Zeroizing;

use super::envelope::{self, AeadAlgorithm, DeviceKeys, EnvelopeError, KdfParams};
use super::pin::{MAX_PIN_FAILURES, Pin, PinPolicyError};
use super::secret::{DEVICE_SECRET_NAME, SecretStore, SecretStoreError};
use crate::clock::{Clock, SystemClock, from_unix_millis, unix_millis};
use crate::crypto::{self, Algorithm, PrivateKey, PublicKey, Signer, x509};

const SCHEMA_VERSION: i32 = 1;

const SCHEMA: &str = "
CREATE TABLE keys (
    id               TEXT PRIMARY KEY,
    algorithm        TEXT NOT NULL,
    public_key       BLOB NOT NULL UNIQUE,
    protection       TEXT NOT NULL,
    protected_key    BLOB NOT NULL,
    pin_failures     INTEGER NOT NULL DEFAULT 0,
    pin_failures_mac BLOB NOT NULL,
    status           TEXT NOT NULL,
    label            TEXT NOT NULL,
    replaced_by      TEXT REFERENCES keys(id),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE TABLE certificates (
    id          INTEGER PRIMARY KEY,
    key_id      TEXT NOT NULL REFERENCES keys(id) ON DELETE CASCADE,
    serial      TEXT NOT NULL,
    der         BLOB NOT NULL UNIQUE,
    not_before  INTEGER NOT NULL,
    not_after   INTEGER NOT NULL,
    added_at    INTEGER NOT NULL
);
CREATE INDEX certificates_by_key ON certificates(key_id);
";

/// Errors of the key store, each distinct so the UI can say exactly what happened.
#[derive(Debug, thiserror::Error)]
pub enum KeyStoreError {
    #[error(transparent)]
    PinPolicy(#[from] PinPolicyError),
    #[error("wrong PIN, {tries_left} tries left")]
    WrongPin { tries_left: u32 },
    #[error("the key is locked after too many wrong PINs; reset the PIN to use it again")]
    Locked,
    #[error("the protected key was modified or is corrupt ({0})")]
    Tampered(&'static str),
    #[error("the protected key uses envelope version {0}, which this app does not know")]
    UnknownVersion(u8),
    #[error("no key {0}")]
    NotFound(String),
    #[error("the certificate does not belong to this key")]
    CertificateMismatch,
    #[error(
        "the key store holds keys but the device secret is gone; the keys cannot be opened on this device"
    )]
    DeviceSecretMissing,
    #[error("the device secret has the wrong length")]
    DeviceSecretInvalid,
    #[error(transparent)]
    SecretStore(#[from] SecretStoreError),
    #[error("the key store database is newer ({0}) than this app understands")]
    SchemaTooNew(i32),
    #[error("key store database: {0}")]
    Database(#[from] rusqlite::Error),
    #[error(transparent)]
    Crypto(#[from] crypto::Error),
    #[error("this key is protected by {0}, which this operation does not support")]
    UnsupportedProtection(String),
}

impl From<EnvelopeError> for KeyStoreError {
    fn from(e: EnvelopeError) -> Self {
        match e {
            EnvelopeError::Tampered => KeyStoreError::Tampered("envelope"),
            EnvelopeError::UnknownVersion(v) => KeyStoreError::UnknownVersion(v),
            // WrongPin is turned into tries-left by the caller.
            EnvelopeError::WrongPin => KeyStoreError::WrongPin { tries_left: 0 },
            EnvelopeError::Rng => KeyStoreError::Crypto(crypto::Error::Rng),
        }
    }
}

pub type Result<T> = std::result::Result<T, KeyStoreError>;

/// Lifecycle of a key on the device.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyStatus {
    /// The key of a current certificate (or one awaiting its certificate).
    Active,
    /// Replaced by renewal, reissue or change; kept to open bids sealed to it.
    Retired,
}

impl KeyStatus {
    fn as_str(self) -> &'static str {
        match self {
            KeyStatus::Active => "active",
            KeyStatus::Retired => "retired",
        }
    }
    fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(KeyStatus::Active),
            "retired" => Some(KeyStatus::Retired),
            _ => None,
        }
    }
}

/// How a key's private half is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protection {
    /// The whole private key, sealed under PIN + device secret.
    Pin,
}

impl Protection {
    fn as_str(self) -> &'static str {
        match self {
            Protection::Pin => "pin",
        }
    }
}

/// Public facts about a stored key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyInfo {
    pub id: String,
    pub algorithm: Algorithm,
    pub public_key: Vec<u8>,
    pub protection: Protection,
    pub status: KeyStatus,
    pub label: String,
    pub replaced_by: Option<String>,
    pub created_at: SystemTime,
    pub updated_at: SystemTime,
    /// PIN tries left before the key locks.
    pub pin_tries_left: u32,
    pub locked: bool,
}

/// A certificate kept with its key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredCertificate {
    pub key_id: String,
    pub serial: String,
    pub der: Vec<u8>,
    pub not_before: SystemTime,
    pub not_after: SystemTime,
    pub added_at: SystemTime,
}

/// Options for opening a key store.
#[derive(Clone, Debug)]
pub struct KeyStoreOptions {
    pub kdf: KdfParams,
    pub aead: AeadAlgorithm,
    pub clock: Arc<dyn Clock>,
}

impl Default for KeyStoreOptions {
    fn default() -> Self {
        KeyStoreOptions {
            kdf: KdfParams::DEFAULT,
            aead: AeadAlgorithm::Aes256Gcm,
            clock: Arc::new(SystemClock),
        }
    }
}

/// The key store.
pub struct KeyStore {
    conn: Mutex<Connection>,
    keys: DeviceKeys,
    options: KeyStoreOptions,
}

impl std::fmt::Debug for KeyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyStore")
            .field("kdf", &self.options.kdf)
            .field("aead", &self.options.aead)
            .finish_non_exhaustive()
    }
}

/// Bytes that bind an envelope to its record.
fn binding(id: &str, alg: Algorithm, public_key: &[u8]) -> Vec<u8> {
    let mut b = Vec::with_capacity(id.len() + public_key.len() + 8);
    b.extend_from_slice(id.as_bytes());
    b.push(0);
    b.extend_from_slice(alg.as_str().as_bytes());
    b.push(0);
    b.extend_from_slice(public_key);
    b
}

struct KeyRow {
    id: String,
    /// `None` when the column holds a value this code does not know (tampering).
    algorithm: Option<Algorithm>,
    public_key: Vec<u8>,
    protection: String,
    protected_key: Vec<u8>,
    pin_failures: u32,
    pin_failures_mac: Vec<u8>,
    status: Option<KeyStatus>,
    label: String,
    replaced_by: Option<String>,
    created_at: i64,
    updated_at: i64,
}

const KEY_COLUMNS: &str = "id, algorithm, public_key, protection, protected_key, pin_failures, \
     pin_failures_mac, status, label, replaced_by, created_at, updated_at";

fn read_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<KeyRow> {
    let alg: String = row.get(1)?;
    let status: String = row.get(7)?;
    let failures: i64 = row.get(5)?;
    Ok(KeyRow {
        id: row.get(0)?,
        algorithm: Algorithm::parse(&alg).ok(),
        public_key: row.get(2)?,
        protection: row.get(3)?,
        protected_key: row.get(4)?,
        pin_failures: u32::try_from(failures).unwrap_or(u32::MAX),
        pin_failures_mac: row.get(6)?,
        status: KeyStatus::parse(&status),
        label: row.get(8)?,
        replaced_by: row.get(9)?,
        created_at: row.get(10)?,
        updated_at: row.get(11)?,
    })
}

impl KeyStore {
    /// Opens (or creates) the key store at `path`, with the device secret from `secrets`.
    /// A new store gets a new device secret; an existing store whose secret is gone fails with
    /// [`KeyStoreError::DeviceSecretMissing`] rather than silently starting over.
    pub fn open(path: &Path, secrets: &dyn SecretStore, options: KeyStoreOptions) -> Result<Self> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&conn)?;

        let has_keys: bool =
            conn.query_row("SELECT EXISTS(SELECT 1 FROM keys)", [], |r| r.get(0))?;
        let secret = match secrets.load(DEVICE_SECRET_NAME)? {
            Some(s) => s,
            None if has_keys => return Err(KeyStoreError::DeviceSecretMissing),
            None => {
                let mut fresh = Zeroizing::new(vec![0u8; 32]);
                getrandom::fill(&mut fresh).map_err(|_| crypto::Error::Rng)?;
                secrets.store(DEVICE_SECRET_NAME, &fresh)?;
                // Read back: some stores normalise or refuse silently.
                secrets
                    .load(DEVICE_SECRET_NAME)?
                    .ok_or(KeyStoreError::DeviceSecretMissing)?
            }
        };
        if secret.len() != 32 {
            return Err(KeyStoreError::DeviceSecretInvalid);
        }
        Ok(KeyStore {
            conn: Mutex::new(conn),
            keys: DeviceKeys::derive(&secret),
            options,
        })
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (transactions roll
        // back), so a poisoned lock is safe to take over.
        self.conn.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn now(&self) -> i64 {
        unix_millis(self.options.clock.now())
    }

    fn row(&self, conn: &Connection, id: &str) -> Result<KeyRow> {
        conn.query_row(
            &format!("SELECT {KEY_COLUMNS} FROM keys WHERE id = ?1"),
            [id],
            read_row,
        )
        .optional()?
        .ok_or_else(|| KeyStoreError::NotFound(id.to_string()))
    }

    /// Checks a row: known column values and the MAC of the failure counter. Returns the
    /// algorithm.
    fn check_row(&self, row: &KeyRow) -> Result<Algorithm> {
        let algorithm = row.algorithm.ok_or(KeyStoreError::Tampered("algorithm"))?;
        if row.status.is_none() {
            return Err(KeyStoreError::Tampered("status"));
        }
        let expected = self
            .keys
            .counter_mac(&row.id, row.pin_failures, &row.protected_key);
        if !crypto::hash::ct_eq(&row.pin_failures_mac, &expected) {
            return Err(KeyStoreError::Tampered("PIN failure counter"));
        }
        Ok(algorithm)
    }

    fn info(&self, row: &KeyRow) -> Result<KeyInfo> {
        let algorithm = self.check_row(row)?;
        let protection = match row.protection.as_str() {
            "pin" => Protection::Pin,
            other => return Err(KeyStoreError::UnsupportedProtection(other.to_string())),
        };
        let tries_left = MAX_PIN_FAILURES.saturating_sub(row.pin_failures);
        Ok(KeyInfo {
            id: row.id.clone(),
            algorithm,
            public_key: row.public_key.clone(),
            protection,
            status: row.status.unwrap_or(KeyStatus::Retired),
            label: row.label.clone(),
            replaced_by: row.replaced_by.clone(),
            created_at: from_unix_millis(row.created_at),
            updated_at: from_unix_millis(row.updated_at),
            pin_tries_left: tries_left,
            locked: tries_left == 0,
        })
    }

    /// Generates a key on the device and seals it under a new PIN (checked against the policy).
    pub fn generate(&self, algorithm: Algorithm, pin: &str, label: &str) -> Result<KeyInfo> {
        let pin = Pin::new_checked(pin)?;
        let key = PrivateKey::generate(algorithm)?;
        self.insert(&key, &pin, label)
    }

    /// Stores an existing private key (for example one restored by the reset flow).
    pub fn import(&self, key: &PrivateKey, pin: &str, label: &str) -> Result<KeyInfo> {
        let pin = Pin::new_checked(pin)?;
        self.insert(key, &pin, label)
    }

    fn insert(&self, key: &PrivateKey, pin: &Pin, label: &str) -> Result<KeyInfo> {
        let now_t = self.options.clock.now();
        let id = crate::id::ulid(now_t)?;
        let algorithm = key.algorithm();
        let public_key = key.public_key().to_sec1();
        let envelope = envelope::seal(
            &key.to_bytes(),
            pin.as_bytes(),
            &binding(&id, algorithm, &public_key),
            &self.keys,
            self.options.kdf,
            self.options.aead,
        )?;
        let mac = self.keys.counter_mac(&id, 0, &envelope);
        let now = unix_millis(now_t);
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO keys (id, algorithm, public_key, protection, protected_key, pin_failures,
                 pin_failures_mac, status, label, replaced_by, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6, ?7, ?8, NULL, ?9, ?9)",
            params![
                id,
                algorithm.as_str(),
                public_key,
                Protection::Pin.as_str(),
                envelope,
                mac.to_vec(),
                KeyStatus::Active.as_str(),
                label,
                now
            ],
        )?;
        let row = self.row(&tx, &id)?;
        tx.commit()?;
        self.info(&row)
    }

    /// Every key, newest first.
    pub fn list(&self) -> Result<Vec<KeyInfo>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(&format!(
            "SELECT {KEY_COLUMNS} FROM keys ORDER BY created_at DESC, id DESC"
        ))?;
        let rows = stmt
            .query_map([], read_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.iter().map(|r| self.info(r)).collect()
    }

    pub fn key(&self, id: &str) -> Result<KeyInfo> {
        let conn = self.conn();
        let row = self.row(&conn, id)?;
        self.info(&row)
    }

    /// The key whose public key is `public_key` (SEC1), if any.
    pub fn find_by_public_key(&self, public_key: &PublicKey) -> Result<Option<KeyInfo>> {
        let conn = self.conn();
        let row = conn
            .query_row(
                &format!("SELECT {KEY_COLUMNS} FROM keys WHERE public_key = ?1"),
                [public_key.to_sec1()],
                read_row,
            )
            .optional()?;
        row.map(|r| self.info(&r)).transpose()
    }

    /// Writes a new failure count (with its MAC) in its own transaction.
    fn set_failures(&self, conn: &mut Connection, row: &KeyRow, failures: u32) -> Result<()> {
        let mac = self.keys.counter_mac(&row.id, failures, &row.protected_key);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "UPDATE keys SET pin_failures = ?1, pin_failures_mac = ?2 WHERE id = ?3",
            params![failures, mac.to_vec(), row.id],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Opens a key with its PIN. A wrong PIN counts towards the lock; the count is written
    /// before the PIN is tried, so cutting the power mid-check does not give a free guess.
    pub fn unlock(&self, id: &str, pin: &str) -> Result<PrivateKey> {
        let pin = Pin::parse(pin)?;
        let mut conn = self.conn();
        let row = self.row(&conn, id)?;
        let algorithm = self.check_row(&row)?;
        if row.protection != Protection::Pin.as_str() {
            return Err(KeyStoreError::UnsupportedProtection(row.protection.clone()));
        }
        if row.pin_failures >= MAX_PIN_FAILURES {
            return Err(KeyStoreError::Locked);
        }
        let bind = binding(&row.id, algorithm, &row.public_key);
        let env = envelope::check(&row.protected_key, &bind, &self.keys)?;
        let attempt = row.pin_failures + 1;
        self.set_failures(&mut conn, &row, attempt)?;
        match env.open(pin.as_bytes(), &bind, &self.keys) {
            Ok(secret) => {
                self.set_failures(&mut conn, &row, 0)?;
                let key = PrivateKey::from_bytes(algorithm, &secret)?;
                if key.public_key().to_sec1() != row.public_key {
                    return Err(KeyStoreError::Tampered("public key"));
                }
                Ok(key)
            }
            Err(EnvelopeError::WrongPin) => Err(KeyStoreError::WrongPin {
                tries_left: MAX_PIN_FAILURES.saturating_sub(attempt),
            }),
            Err(other) => Err(other.into()),
        }
    }

    /// Signs `msg` with a key after checking the PIN.
    pub fn sign(&self, id: &str, pin: &str, msg: &[u8]) -> Result<Vec<u8>> {
        Ok(self.unlock(id, pin)?.sign(msg)?)
    }

    /// Decrypts with a key (active or retired) after checking the PIN.
    pub fn decrypt(&self, id: &str, pin: &str, ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
        Ok(self.unlock(id, pin)?.decrypt(ciphertext)?)
    }

    /// Re-seals a key under a new PIN in one transaction. The old PIN must be right.
    pub fn change_pin(&self, id: &str, old_pin: &str, new_pin: &str) -> Result<()> {
        let new_pin = Pin::new_checked(new_pin)?;
        let key = self.unlock(id, old_pin)?;
        self.reseal(id, &key, &new_pin)
    }

    /// Protects a stored key under a new PIN without the old one, given the key itself (an
    /// escrowed encryption key delivered again after a PIN reset). The PIN failure count starts
    /// over.
    pub fn reprotect(&self, id: &str, key: &PrivateKey, new_pin: &str) -> Result<()> {
        let new_pin = Pin::new_checked(new_pin)?;
        let row = self.row(&self.conn(), id)?;
        if key.public_key().to_sec1() != row.public_key {
            return Err(KeyStoreError::CertificateMismatch);
        }
        self.reseal(id, key, &new_pin)
    }

    fn reseal(&self, id: &str, key: &PrivateKey, pin: &Pin) -> Result<()> {
        let mut conn = self.conn();
        let row = self.row(&conn, id)?;
        let algorithm = self.check_row(&row)?;
        let envelope = envelope::seal(
            &key.to_bytes(),
            pin.as_bytes(),
            &binding(&row.id, algorithm, &row.public_key),
            &self.keys,
            self.options.kdf,
            self.options.aead,
        )?;
        let mac = self.keys.counter_mac(&row.id, 0, &envelope);
        let now = self.now();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let changed = tx.execute(
            "UPDATE keys SET protected_key = ?1, pin_failures = 0, pin_failures_mac = ?2,
                 updated_at = ?3
             WHERE id = ?4 AND protected_key = ?5",
            params![envelope, mac.to_vec(), now, row.id, row.protected_key],
        )?;
        if changed != 1 {
            // Someone else re-sealed it meanwhile; nothing is written.
            return Err(KeyStoreError::Tampered("concurrent change"));
        }
        tx.commit()?;
        Ok(())
    }

    /// Attaches a certificate to its key (the certificate's public key must match).
    pub fn add_certificate(&self, id: &str, der: &[u8]) -> Result<StoredCertificate> {
        let cert = x509::parse_certificate(der)?;
        let der = x509::to_der(&cert)?;
        let info = x509::info(&cert)?;
        let public = x509::certificate_public_key(&cert)?;
        let mut conn = self.conn();
        let row = self.row(&conn, id)?;
        self.check_row(&row)?;
        if public.to_sec1() != row.public_key {
            return Err(KeyStoreError::CertificateMismatch);
        }
        let now = self.now();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT OR IGNORE INTO certificates (key_id, serial, der, not_before, not_after, added_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                id,
                info.serial_hex,
                der,
                unix_millis(info.not_before),
                unix_millis(info.not_after),
                now
            ],
        )?;
        tx.execute(
            "UPDATE keys SET updated_at = ?1 WHERE id = ?2",
            params![now, id],
        )?;
        tx.commit()?;
        Ok(StoredCertificate {
            key_id: id.to_string(),
            serial: info.serial_hex,
            der,
            not_before: info.not_before,
            not_after: info.not_after,
            added_at: from_unix_millis(now),
        })
    }

    /// Certificates of a key, newest first.
    pub fn certificates(&self, id: &str) -> Result<Vec<StoredCertificate>> {
        let conn = self.conn();
        self.row(&conn, id)?;
        let mut stmt = conn.prepare(
            "SELECT key_id, serial, der, not_before, not_after, added_at FROM certificates
             WHERE key_id = ?1 ORDER BY added_at DESC, id DESC",
        )?;
        let rows = stmt
            .query_map([id], |r| {
                Ok(StoredCertificate {
                    key_id: r.get(0)?,
                    serial: r.get(1)?,
                    der: r.get(2)?,
                    not_before: from_unix_millis(r.get(3)?),
                    not_after: from_unix_millis(r.get(4)?),
                    added_at: from_unix_millis(r.get(5)?),
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// The stored certificate with this serial (hex, any case), with its key.
    pub fn certificate_by_serial(&self, serial: &str) -> Result<Option<StoredCertificate>> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT key_id, serial, der, not_before, not_after, added_at FROM certificates
             WHERE serial = ?1 ORDER BY added_at DESC LIMIT 1",
        )?;
        let mut rows = stmt.query_map([serial.to_ascii_uppercase()], |r| {
            Ok(StoredCertificate {
                key_id: r.get(0)?,
                serial: r.get(1)?,
                der: r.get(2)?,
                not_before: from_unix_millis(r.get(3)?),
                not_after: from_unix_millis(r.get(4)?),
                added_at: from_unix_millis(r.get(5)?),
            })
        })?;
        Ok(rows.next().transpose()?)
    }

    /// Marks a key as replaced (renewal, reissue, change). It stays usable for decryption.
    pub fn retire(&self, id: &str, replaced_by: Option<&str>) -> Result<()> {
        let mut conn = self.conn();
        let now = self.now();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if let Some(new_id) = replaced_by {
            self.row(&tx, new_id)?;
        }
        let changed = tx.execute(
            "UPDATE keys SET status = ?1, replaced_by = ?2, updated_at = ?3 WHERE id = ?4",
            params![KeyStatus::Retired.as_str(), replaced_by, now, id],
        )?;
        if changed == 0 {
            return Err(KeyStoreError::NotFound(id.to_string()));
        }
        tx.commit()?;
        Ok(())
    }

    /// Deletes a key and its certificates (the user removes a certificate they will not use).
    pub fn delete(&self, id: &str) -> Result<()> {
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "UPDATE keys SET replaced_by = NULL WHERE replaced_by = ?1",
            [id],
        )?;
        let changed = tx.execute("DELETE FROM keys WHERE id = ?1", [id])?;
        if changed == 0 {
            return Err(KeyStoreError::NotFound(id.to_string()));
        }
        tx.commit()?;
        Ok(())
    }

    /// SQLite's own consistency check (`PRAGMA integrity_check`), for diagnostics and tests.
    pub fn integrity_check(&self) -> Result<bool> {
        let conn = self.conn();
        let result: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        Ok(result == "ok")
    }
}

fn migrate(conn: &Connection) -> Result<()> {
    let version: i32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(KeyStoreError::SchemaTooNew(version));
    }
    if version < 1 {
        conn.execute_batch(&format!(
            "BEGIN IMMEDIATE; {SCHEMA} PRAGMA user_version = 1; COMMIT;"
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::secret::KeyringSecretStore;

    fn temp_path(tag: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!(
            "mcert-ks-{tag}-{}.db",
            crate::id::ulid(SystemTime::now()).expect("id")
        ))
    }

    fn options() -> KeyStoreOptions {
        KeyStoreOptions {
            kdf: KdfParams::INSECURE_TEST,
            ..Default::default()
        }
    }

    #[test]
    fn lifecycle() {
        let path = temp_path("life");
        let secrets = KeyringSecretStore::mock().expect("mock");
        let store = KeyStore::open(&path, &secrets, options()).expect("open");
        let k = store
            .generate(Algorithm::Sm2, "135790", "个人证书")
            .expect("generate");
        assert_eq!(k.pin_tries_left, MAX_PIN_FAILURES);
        assert!(matches!(
            store.generate(Algorithm::Sm2, "123456", "x"),
            Err(KeyStoreError::PinPolicy(PinPolicyError::TooWeak))
        ));
        let sig = store.sign(&k.id, "135790", b"hello").expect("sign");
        let pk = PublicKey::from_sec1(Algorithm::Sm2, &k.public_key).expect("pk");
        pk.verify(b"hello", &sig).expect("verify");

        store
            .change_pin(&k.id, "135790", "246802")
            .expect("change pin");
        assert!(matches!(
            store.unlock(&k.id, "135790"),
            Err(KeyStoreError::WrongPin { tries_left: 4 })
        ));
        store.unlock(&k.id, "246802").expect("new pin works");
        assert_eq!(store.key(&k.id).expect("key").pin_tries_left, 5);

        let other = store
            .generate(Algorithm::P256, "975310", "new")
            .expect("generate");
        store.retire(&k.id, Some(&other.id)).expect("retire");
        let listed = store.list().expect("list");
        assert_eq!(listed.len(), 2);
        let retired = store.key(&k.id).expect("key");
        assert_eq!(retired.status, KeyStatus::Retired);
        assert_eq!(retired.replaced_by.as_deref(), Some(other.id.as_str()));
        // A retired key still decrypts.
        let ct = pk.encrypt(b"old bid key").expect("encrypt");
        assert_eq!(
            store
                .decrypt(&k.id, "246802", &ct)
                .expect("decrypt")
                .as_slice(),
            b"old bid key"
        );
        store.delete(&other.id).expect("delete");
        assert!(matches!(
            store.key(&other.id),
            Err(KeyStoreError::NotFound(_))
        ));
        assert!(store.integrity_check().expect("check"));
        drop(store);
        let _ = std::fs::remove_file(&path);
    }
}
