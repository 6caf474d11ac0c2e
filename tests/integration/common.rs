//! Helpers shared by the integration tests: temporary folders and OpenSSL, from
//! `mcert-test-support`.

pub use mcert_test_support::temp_path as temp;
pub use mcert_test_support::{have_openssl, openssl};
