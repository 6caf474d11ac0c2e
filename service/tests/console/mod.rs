//! The reviewer console: reviewer accounts (password + TOTP, lock, sessions) and the console's
//! HTTP pages (session, CSRF, same-origin, security headers).

mod http;
mod reviewers;
mod reviews;

use std::sync::Arc;
use std::time::Duration;

use mcert_core::clock::{Clock, ManualClock};
use mcert_service::audit;
use mcert_service::authority::OperatorKey;
use mcert_service::authz::{Actor, OperatorGrant, policy};
use mcert_service::reviewers::{ReviewerError, Reviewers, totp};
use mcert_service::store::Store;
use mcert_test_support::databases;

const PASSWORD: &str = "correct horse battery";

fn operator() -> OperatorGrant {
    policy::operator(&Actor::Operator("test".into())).expect("operator")
}

/// The reviewer domain on a fresh store with a manual clock.
async fn reviewers(url: &str) -> (Reviewers, Arc<ManualClock>, Store) {
    let store = Store::connect(url).await.expect("store");
    let clock = Arc::new(ManualClock::new(std::time::SystemTime::now()));
    let key = OperatorKey::generate().expect("key");
    let r = Reviewers::with_operator_key(store.clone(), clock.clone(), &key);
    (r, clock, store)
}

/// A 6-digit code that is none of the codes accepted at `unix_secs`.
fn wrong_code(secret: &[u8], unix_secs: i64) -> String {
    (0u32..)
        .map(|n| format!("{:06}", (n * 7919) % 1_000_000))
        .find(|c| totp::matching_step(secret, c, unix_secs).is_none())
        .expect("a wrong code")
}

async fn audit_actions(store: &Store) -> Vec<String> {
    sqlx::query_scalar("SELECT action FROM audit_events ORDER BY seq")
        .fetch_all(store.pool())
        .await
        .expect("audit")
}
