//! mcert issuance service: the store (SQLite or PostgreSQL), the hash-chained audit log, and
//! the certification authority (issuance from device CSRs, revocation, CRL, OCSP). The HTTP API,
//! accounts, real-name checks and orders build on these.

pub mod accounts;
pub mod audit;
pub mod authz;
pub mod billing;
pub mod ca;
pub mod config;
mod documents;
pub mod http;
pub mod i18n;
pub mod identity;
pub mod keys;
pub mod limits;
pub mod orgs;
pub mod outbox;
pub mod platforms;
pub mod providers;
pub mod review;
pub mod reviewers;
pub mod seal_at_rest;
pub mod seals;
pub mod server;
pub mod sessions;
pub mod store;
pub mod uploads;

/// The CA under its former module name.
pub mod authority {
    pub use crate::ca::*;
}
