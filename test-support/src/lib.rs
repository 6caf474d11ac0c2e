//! Helpers shared by mcert's tests and benchmarks, so that each exists once.
//!
//! Without features: temporary folders and OpenSSL. `service`: a fresh database on every engine
//! available, new PostgreSQL databases, device CSRs, accounts and paid orders over HTTP.
//! `device`: accounts and paid orders through the device core.

mod openssl;
mod temp;

pub use openssl::{have_openssl, openssl};
pub use temp::{TempDir, random_suffix, temp_path};

#[cfg(feature = "service")]
pub mod accounts;
#[cfg(feature = "service")]
mod db;
#[cfg(feature = "device")]
pub mod device;

#[cfg(feature = "service")]
pub use db::{Db, databases, postgres_database};

/// A key made on the "device" and a DER CSR for it (the service ignores the CSR's subject).
#[cfg(feature = "service")]
pub fn device_csr(alg: mcert_core::crypto::Algorithm) -> (mcert_core::crypto::PrivateKey, Vec<u8>) {
    use mcert_core::crypto::{PrivateKey, csr, name::SubjectName};
    let key = PrivateKey::generate(alg).expect("key");
    let subject = SubjectName {
        common_name: Some("whatever the device says".into()),
        ..Default::default()
    }
    .to_name()
    .expect("name");
    let req = csr::build(&subject, &key).expect("csr");
    (key, csr::to_der(&req).expect("der"))
}
